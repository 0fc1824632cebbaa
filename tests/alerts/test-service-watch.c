/* test-service-watch.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The service notices what another process writes to its database while it
 * runs: the real `aetherlens-cli alerts add` (AETHERLENS_CLI), and a second
 * store on the same file adding and removing a device or a rate schedule.
 * The service runs on a manual clock; its check is a clock timer every
 * two seconds, so advancing the clock is what makes it look. */

#include "config.h"

#include <string.h>

#include "aether-core.h"
#include "aether-sim-home.h"

/* Monday 2024-01-15 12:00:00 UTC; the tests run with TZ=UTC. */
#define NOON G_GINT64_CONSTANT (1705320000)

typedef struct
{
  char          *dir;
  char          *db;
  AetherClock   *clock;
  AetherService *service;
  AetherStore   *other;     /* another connection, as another process has */
  guint          devices_changed;
  guint          alerts_changed;
  guint          tariff_changed;
  GPtrArray     *fired;
} Fixture;

static void
count (guint *counter)
{
  (*counter)++;
}

static void
on_fired (AetherAlertEngine *engine,
          AetherAlertRule   *rule,
          gpointer           event,
          Fixture           *f)
{
  g_ptr_array_add (f->fired, g_strdup (aether_alert_rule_get_id (rule)));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("aether-watch-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (NOON * G_USEC_PER_SEC);
  aether_clock_set_default (f->clock);
  f->fired = g_ptr_array_new_with_free_func (g_free);

  f->service = aether_service_new (f->db, f->clock, &error);
  g_assert_no_error (error);
  aether_service_load (f->service, &error);
  g_assert_no_error (error);
  aether_service_start (f->service);

  g_signal_connect_swapped (f->service, "devices-changed", G_CALLBACK (count), &f->devices_changed);
  g_signal_connect_swapped (f->service, "alerts-changed", G_CALLBACK (count), &f->alerts_changed);
  g_signal_connect_swapped (f->service, "tariff-changed", G_CALLBACK (count), &f->tariff_changed);
  g_signal_connect (aether_service_get_alert_engine (f->service), "fired", G_CALLBACK (on_fired), f);

  f->other = aether_store_open (f->db, f->clock, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->other);
  aether_service_stop (f->service, NULL);
  g_clear_object (&f->service);
  aether_clock_set_default (NULL);
  g_clear_object (&f->clock);
  g_ptr_array_unref (f->fired);
  g_free (f->db);
  g_free (f->dir);
}

/* Time passes on the service's clock, as much as @ms. */
static void
run_for (Fixture *f,
         guint    ms)
{
  for (guint i = 0; i < ms / 100; i++)
    {
      aether_clock_advance_us (f->clock, 100 * 1000);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

/* The bug: a cost rule added with `alerts add` while the app ran never
 * fired, although today's cost was past it. */
static void
test_cli_alert_is_picked_up_and_fires (Fixture       *f,
                                       gconstpointer  data)
{
  g_autofree char *rule_path = g_build_filename (f->dir, "rule.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  AetherAlertEngine *engine = aether_service_get_alert_engine (f->service);
  int status = -1;
  const char *argv[] = { g_getenv ("AETHERLENS_CLI"), "--db", f->db, "alerts", "add", rule_path, NULL };

  g_assert_nonnull (argv[0]);
  g_assert_true (g_file_set_contents (rule_path,
                                      "{\"alert_id\": \"pricey-day\", \"name\": \"Pricey Day\","
                                      " \"conditions\": {\"type\": \"cost\", \"cost_scope\": \"today\","
                                      " \"operator\": \"greater_than\", \"threshold\": 2.5}}", -1, &error));
  g_assert_true (g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_assert_null (aether_alert_engine_get_rule (engine, "pricey-day"));

  run_for (f, 2100);
  g_assert_nonnull (aether_alert_engine_get_rule (engine, "pricey-day"));
  g_assert_cmpuint (f->alerts_changed, ==, 1);
  g_assert_cmpuint (f->devices_changed, ==, 0);
  g_assert_cmpuint (f->tariff_changed, ==, 0);

  /* Today's cost as housekeeping hands it over: the new rule fires. */
  aether_alert_engine_set_costs (engine, 3.10, 40);
  g_assert_cmpuint (f->fired->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->fired, 0), ==, "pricey-day");

  /* The service's own writes on firing (the trigger count, the history)
   * and another connection's commit elsewhere change no rule: nothing is
   * reloaded and the rule keeps firing (its state is not reset). */
  g_assert_true (aether_store_add_alert_history (f->other, aether_clock_now_us (f->clock), "pricey-day",
                                                 "action", "seen elsewhere", &error));
  g_assert_no_error (error);
  run_for (f, 4100);
  g_assert_cmpuint (f->alerts_changed, ==, 1);
  g_assert_true (aether_alert_engine_is_firing (engine, "pricey-day"));

  /* Removed by the CLI: gone from the engine too. */
  {
    const char *remove[] = { argv[0], "--db", f->db, "alerts", "remove", "pricey-day", NULL };

    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_true (g_spawn_sync (NULL, (char **)remove, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error));
    g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  }
  run_for (f, 2100);
  g_assert_null (aether_alert_engine_get_rule (engine, "pricey-day"));
  g_assert_cmpuint (f->alerts_changed, ==, 2);
}

static void
test_device_added_and_removed_elsewhere (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) demo = aether_sim_demo_devices (42);
  g_autoptr(GError) error = NULL;
  JsonNode *device = NULL;
  const char *id = NULL;

  /* A plug (not the mains meter) from the demo home. */
  for (guint i = 0; i < demo->len && device == NULL; i++)
    {
      JsonObject *o = json_node_get_object (g_ptr_array_index (demo, i));

      if (!aether_device_is_energy_meter (o))
        {
          device = g_ptr_array_index (demo, i);
          id = json_object_get_string_member (o, "device_id");
        }
    }
  g_assert_nonnull (device);

  g_assert_true (aether_store_put_device (f->other, device, &error));
  g_assert_no_error (error);
  g_assert_null (aether_collector_get_status (aether_service_get_collector (f->service), id));

  run_for (f, 2100);
  g_assert_cmpuint (f->devices_changed, ==, 1);
  g_assert_nonnull (aether_collector_get_status (aether_service_get_collector (f->service), id));
  g_assert_cmpuint (aether_collector_get_n_devices (aether_service_get_collector (f->service)), ==, 1);

  /* A minute of collecting: the service saves statuses itself (its own
   * writes), which is no change to the registry. */
  run_for (f, 62 * 1000);
  g_assert_cmpuint (f->devices_changed, ==, 1);

  g_assert_true (aether_store_remove_device (f->other, id, &error));
  g_assert_no_error (error);
  run_for (f, 2100);
  g_assert_cmpuint (f->devices_changed, ==, 2);
  g_assert_null (aether_collector_get_status (aether_service_get_collector (f->service), id));
  g_assert_cmpuint (aether_collector_get_n_devices (aether_service_get_collector (f->service)), ==, 0);
  g_assert_cmpuint (f->alerts_changed, ==, 0);
}

/* `devices set` changes where a device is reached: the service collects it
 * with the new configuration (here: one that fails), not the old one. */
static void
test_device_reconfigured_elsewhere (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GPtrArray) demo = aether_sim_demo_devices (42);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) changed = NULL;
  JsonNode *device = NULL;
  JsonObject *plugin_config;
  const AetherDeviceStatus *status;
  const char *id = NULL;

  for (guint i = 0; i < demo->len && device == NULL; i++)
    if (!aether_device_is_energy_meter (json_node_get_object (g_ptr_array_index (demo, i))))
      {
        device = g_ptr_array_index (demo, i);
        id = json_object_get_string_member (json_node_get_object (device), "device_id");
      }

  g_assert_true (aether_store_put_device (f->other, device, &error));
  run_for (f, 30 * 1000);
  status = aether_collector_get_status (aether_service_get_collector (f->service), id);
  g_assert_nonnull (status);
  g_assert_true (status->online);
  g_assert_cmpuint (status->error_count, ==, 0);

  changed = json_node_copy (device);
  plugin_config = json_object_get_object_member (json_object_get_object_member (json_node_get_object (changed),
                                                                                "configuration"),
                                                 "plugin_config");
  json_object_set_string_member (plugin_config, "fault", "error");
  g_assert_true (aether_store_put_device (f->other, changed, &error));
  g_assert_no_error (error);

  run_for (f, 60 * 1000);
  g_assert_cmpuint (f->devices_changed, ==, 2);
  status = aether_collector_get_status (aether_service_get_collector (f->service), id);
  g_assert_nonnull (status);
  g_assert_cmpuint (status->error_count, >, 0);
}

static void
test_tariff_added_elsewhere (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(JsonNode) schedule = aether_sim_demo_rate_schedule ();
  g_autoptr(GError) error = NULL;

  g_assert_null (aether_service_get_currency (f->service));
  g_assert_true (aether_store_put_rate_schedule (f->other, schedule, &error));
  g_assert_no_error (error);

  run_for (f, 2100);
  g_assert_cmpuint (f->tariff_changed, ==, 1);
  g_assert_cmpstr (aether_service_get_currency (f->service), ==,
                   json_object_get_string_member (json_node_get_object (schedule), "currency"));
  g_assert_cmpuint (f->devices_changed, ==, 0);
  g_assert_cmpuint (f->alerts_changed, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/service/watch/cli-alert-is-picked-up-and-fires", test_cli_alert_is_picked_up_and_fires);
  ADD ("/service/watch/device-added-and-removed-elsewhere", test_device_added_and_removed_elsewhere);
  ADD ("/service/watch/device-reconfigured-elsewhere", test_device_reconfigured_elsewhere);
  ADD ("/service/watch/tariff-added-elsewhere", test_tariff_added_elsewhere);
#undef ADD

  return g_test_run ();
}
