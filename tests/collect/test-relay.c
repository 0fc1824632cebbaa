/* test-relay.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A relay's state as a reading, through the real service on the demo home
 * and a manual clock: every poll of a switchable appliance says whether it
 * is on, a switch (from the app, an automation, a notification's Turn Off:
 * all go through aether_service_set_state_async) is read back at once
 * rather than an interval later, and the relay is a state that is never
 * added into power or energy. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "aether-sim-home.h"
#include "simulator-provider.h"

#define T0     G_GINT64_CONSTANT (1705312800)   /* Monday 2024-01-15 10:00:00 UTC */
#define SEED   42
#define ROUTER "demo-router"

typedef struct
{
  char          *dir;
  char          *db;
  AetherClock   *clock;
  AetherService *service;
  GArray        *router_relay;   /* (time µs, value) pairs of the router's relay readings */
} Fixture;

typedef struct
{
  gint64 time_us;
  double value;
} Seen;

static void
on_reading (AetherCollector     *collector,
            const AetherReading *reading,
            Fixture             *f)
{
  Seen seen = { reading->timestamp_us, reading->value };

  if (g_str_equal (reading->metric_type, "relay"))
    {
      /* A state: 1 or 0, with no unit to convert. */
      g_assert_cmpstr (reading->unit, ==, "");
      g_assert_true (reading->value == 0 || reading->value == 1);
      if (g_str_equal (reading->device_id, ROUTER))
        g_array_append_val (f->router_relay, seen);
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (SEED);

  aether_sim_home_reset_all ();
  f->dir = g_dir_make_tmp ("aether-relay-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (T0 * G_USEC_PER_SEC);
  aether_clock_set_default (f->clock);
  f->router_relay = g_array_new (FALSE, FALSE, sizeof (Seen));

  f->service = aether_service_new (f->db, f->clock, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    g_assert_true (aether_store_put_device (aether_service_get_store (f->service), g_ptr_array_index (devices, i), &error));
  aether_service_load (f->service, &error);
  g_assert_no_error (error);
  g_signal_connect (aether_service_get_collector (f->service), "reading", G_CALLBACK (on_reading), f);
  aether_service_start (f->service);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->service != NULL)
    aether_service_stop (f->service, NULL);
  g_clear_object (&f->service);
  aether_clock_set_default (NULL);
  g_clear_object (&f->clock);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_array_unref (f->router_relay);

  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

/* Lets everything due answer without moving the clock. */
static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static void
switch_router (Fixture  *f,
               gboolean  on)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  aether_service_set_state_async (f->service, ROUTER, on, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (aether_service_set_state_finish (f->service, result, &error));
  g_assert_no_error (error);
}

static double
hot_relay (Fixture *f,
           gint64  *time_us)
{
  double value = NAN;

  g_assert_true (aether_hot_tier_get_current (aether_service_get_hot_tier (f->service), ROUTER, "relay",
                                              &value, time_us));
  return value;
}

static void
test_switch_is_read_back_at_once (Fixture       *f,
                                  gconstpointer  data)
{
  gint64 at_us = 0;
  gint64 now_us;
  guint n_before;
  double watts = -1;

  /* Every poll of the router says its relay is on. */
  aether_test_run_for (f->clock, 25);
  g_assert_cmpuint (f->router_relay->len, >=, 2);
  g_assert_cmpfloat (hot_relay (f, NULL), ==, 1);

  /* Switched off: read back before the clock moves at all, not at the
   * router's next turn up to 10 s later. */
  n_before = f->router_relay->len;
  now_us = aether_clock_now_us (f->clock);
  switch_router (f, FALSE);
  settle ();
  g_assert_cmpuint (f->router_relay->len, ==, n_before + 1);
  g_assert_cmpfloat (hot_relay (f, &at_us), ==, 0);
  g_assert_cmpint (at_us, ==, now_us);
  g_assert_true (aether_hot_tier_get_current (aether_service_get_hot_tier (f->service), ROUTER, "power", &watts, NULL));
  g_assert_cmpfloat (watts, ==, 0);

  /* It stays off poll after poll, and the polls keep their interval. */
  aether_test_run_for (f->clock, 30);
  g_assert_cmpuint (f->router_relay->len, ==, n_before + 1 + 3);
  for (guint i = n_before; i < f->router_relay->len; i++)
    g_assert_cmpfloat (g_array_index (f->router_relay, Seen, i).value, ==, 0);

  /* And on again, at once. */
  now_us = aether_clock_now_us (f->clock);
  switch_router (f, TRUE);
  settle ();
  g_assert_cmpfloat (hot_relay (f, &at_us), ==, 1);
  g_assert_cmpint (at_us, ==, now_us);
}

static void
on_automation (AetherAlertEngine *engine,
               AetherAlertRule   *rule,
               const char        *device_id,
               gboolean           turn_on,
               gint64            *when_us)
{
  *when_us = aether_clock_now_us (aether_clock_get_default ());
}

/* An automation turns the router off: the relay reading says so at the
 * instant it is done, not at the router's next turn. */
static void
test_automation_is_read_back_at_once (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(JsonNode) rule = json_from_string ("{\"alert_id\": \"router-off\", \"name\": \"Router Off\","
                                               " \"conditions\": {\"type\": \"threshold\", \"device_id\": \"" ROUTER "\","
                                               " \"operator\": \"greater_than\", \"threshold\": 5, \"duration_seconds\": 20},"
                                               " \"actions\": [{\"type\": \"automation\", \"action\": \"turn_off\"}]}", NULL);
  g_autoptr(GError) error = NULL;
  gint64 automation_us = 0;
  gint64 off_us = 0;

  g_assert_true (aether_store_put_alert (aether_service_get_store (f->service), rule, &error));
  g_assert_no_error (error);
  aether_service_load (f->service, &error);
  g_assert_no_error (error);
  g_signal_connect (aether_service_get_alert_engine (f->service), "automation", G_CALLBACK (on_automation), &automation_us);

  aether_test_run_for (f->clock, 60);
  g_assert_cmpint (automation_us, >, 0);
  g_assert_false (aether_sim_home_get_on (aether_sim_home_get (SEED, 0), AETHER_SIM_ROUTER));

  for (guint i = 0; i < f->router_relay->len && off_us == 0; i++)
    if (g_array_index (f->router_relay, Seen, i).value == 0)
      off_us = g_array_index (f->router_relay, Seen, i).time_us;
  g_test_message ("automation at %+.1f s, relay read off at %+.1f s",
                  (double)(automation_us / G_USEC_PER_SEC - T0), (double)(off_us / G_USEC_PER_SEC - T0));
  g_assert_cmpint (off_us, ==, automation_us);
  g_assert_cmpfloat (hot_relay (f, NULL), ==, 0);
}

/* The trapezoid rule over stored raw power samples, no segment longer than
 * three polling intervals (the collector's gap rule): independent of the
 * collector's and the store's own sums. */
static double
trapezoid_wh (GArray *raw)
{
  double wh = 0;

  for (guint i = 1; i < raw->len; i++)
    {
      const AetherBucket *a = &g_array_index (raw, AetherBucket, i - 1);
      const AetherBucket *b = &g_array_index (raw, AetherBucket, i);
      double dt_h = (double)(b->start_us - a->start_us) / G_USEC_PER_SEC / 3600.0;

      if (b->start_us - a->start_us <= 30 * G_USEC_PER_SEC)
        wh += (a->first + b->first) / 2 * dt_h;
    }
  return wh;
}

static void
test_relay_is_never_power_or_energy (Fixture       *f,
                                     gconstpointer  data)
{
  AetherStore *store = aether_service_get_store (f->service);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) power = NULL;
  g_autoptr(GArray) energy = NULL;
  g_autoptr(GArray) relay = NULL;
  gint64 end_us;
  double today_wh = NAN;
  double collector_wh;
  double stored_wh;
  guint n_on = 0;
  guint n_off = 0;

  /* Half an hour on, then off for half an hour: the relay says 1 and 0
   * while the router draws 8–10 W and then nothing. */
  aether_test_run_for (f->clock, 1800);
  switch_router (f, FALSE);
  settle ();
  aether_test_run_for (f->clock, 1800);
  end_us = aether_clock_now_us (f->clock);
  collector_wh = aether_collector_get_energy_wh (aether_service_get_collector (f->service), ROUTER);
  g_assert_true (aether_hot_tier_get_today (aether_service_get_hot_tier (f->service), ROUTER, &today_wh, NULL));
  g_assert_true (aether_service_stop (f->service, &error));
  g_assert_no_error (error);

  power = aether_store_query (store, ROUTER, "power", T0 * G_USEC_PER_SEC, end_us, 0, AETHER_TIER_RAW, NULL, &error);
  g_assert_no_error (error);
  relay = aether_store_query (store, ROUTER, "relay", T0 * G_USEC_PER_SEC, end_us, 0, AETHER_TIER_RAW, NULL, &error);
  g_assert_no_error (error);
  energy = aether_store_query (store, ROUTER, "energy", T0 * G_USEC_PER_SEC, end_us, 0, AETHER_TIER_RAW, NULL, &error);
  g_assert_no_error (error);

  /* The relay is stored as it was read, one per poll, 1 or 0. */
  g_assert_cmpuint (relay->len, ==, power->len);
  for (guint i = 0; i < relay->len; i++)
    {
      double v = g_array_index (relay, AetherBucket, i).first;

      g_assert_true (v == 0 || v == 1);
      if (v == 1)
        n_on++;
      else
        n_off++;
    }
  g_test_message ("%u polls on, %u off, %.4f Wh", n_on, n_off, collector_wh);
  g_assert_cmpuint (n_on, >=, 179);
  g_assert_cmpuint (n_off, >=, 180);

  /* The energy is the power's and nothing else's: the collector, the hot
   * tier and the stored energy readings agree with the raw power samples.
   * A relay of 1 counted as watts would add 0.5 Wh over the half hour on;
   * as an energy counter, far more. (The energy tiers are compared with
   * raw samples in test-store; here housekeeping on a clock that runs
   * faster than the writer commits would roll minutes before their
   * readings are in.) */
  stored_wh = g_array_index (energy, AetherBucket, energy->len - 1).last - g_array_index (energy, AetherBucket, 0).first;
  g_test_message ("trapezoid over raw power %.6f Wh, stored energy %.6f Wh", trapezoid_wh (power), stored_wh);
  g_assert_cmpfloat (stored_wh, >, 3.5);
  g_assert_cmpfloat_with_epsilon (stored_wh, trapezoid_wh (power), 1e-6);
  g_assert_cmpfloat_with_epsilon (collector_wh, stored_wh, 1e-6);
  g_assert_cmpfloat_with_epsilon (today_wh, stored_wh, 1e-6);
}

static void
on_collector_reading (AetherCollector     *collector,
                      const AetherReading *reading,
                      GArray              *seen)
{
  Seen one = { reading->timestamp_us, reading->value };

  if (g_str_equal (reading->metric_type, "relay"))
    g_array_append_val (seen, one);
}

/* The answer to a poll under way when the device is switched may predate
 * the switch (the simulator computes its answer when asked, as a plug does
 * when the request reaches it): the collector reads once more after it. */
static void
test_switch_during_a_poll_reads_again (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (T0 * G_USEC_PER_SEC);
  g_autoptr(AetherCollector) collector = NULL;
  g_autoptr(AetherDeviceProvider) provider = NULL;
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (Seen));
  g_autoptr(JsonNode) config = json_from_string ("{\"plugin\": \"simulator\", \"plugin_config\": {\"sim_device\": \"router\", "
                                                 "\"seed\": 42, \"polling_interval\": 10}}", NULL);
  g_autoptr(GError) error = NULL;
  AetherSimHome *home;
  gint64 switched_us;
  guint n;

  aether_sim_home_reset_all ();
  home = aether_sim_home_get (SEED, 0);
  aether_clock_set_default (clock);
  collector = aether_collector_new (clock);
  provider = g_object_new (SIMULATOR_TYPE_PROVIDER, NULL);
  g_signal_connect (collector, "reading", G_CALLBACK (on_collector_reading), seen);
  g_assert_true (aether_collector_add_device (collector, ROUTER, provider, json_node_get_object (config), &error));
  g_assert_no_error (error);
  aether_collector_start (collector);

  /* Nothing to poll again for a device that is not collected. */
  g_assert_false (aether_collector_poll_now (collector, "no-such-device"));

  /* The first poll comes within an interval, at a phase of its own. */
  for (guint i = 0; i < 10; i++)
    {
      aether_clock_advance_us (clock, G_USEC_PER_SEC);
      settle ();
    }
  n = seen->len;
  g_assert_cmpuint (n, >=, 1);
  g_assert_cmpfloat (g_array_index (seen, Seen, n - 1).value, ==, 1);

  /* The next poll is sent and its answer is on the way … */
  aether_clock_advance_us (clock, aether_collector_get_next_poll_us (collector, ROUTER) - aether_clock_now_us (clock));
  g_assert_cmpuint (aether_collector_get_n_in_flight (collector), ==, 1);

  /* … when the router is switched off. */
  switched_us = aether_clock_now_us (clock);
  aether_sim_home_set_on (home, AETHER_SIM_ROUTER, FALSE, switched_us / G_USEC_PER_SEC);
  g_assert_true (aether_collector_poll_now (collector, ROUTER));
  settle ();
  g_assert_cmpuint (seen->len, ==, n + 1);
  g_assert_cmpfloat (g_array_index (seen, Seen, n).value, ==, 1);   /* stale, as it was read */

  /* Read again straight away (the next millisecond), not 10 s later. */
  aether_clock_advance_us (clock, 1000);
  settle ();
  g_assert_cmpuint (seen->len, ==, n + 2);
  g_assert_cmpfloat (g_array_index (seen, Seen, n + 1).value, ==, 0);
  g_assert_cmpint (g_array_index (seen, Seen, n + 1).time_us - switched_us, <=, 1000);

  /* Then the interval again, from that poll. */
  g_assert_cmpint (aether_collector_get_next_poll_us (collector, ROUTER), ==,
                   g_array_index (seen, Seen, n + 1).time_us + 10 * G_USEC_PER_SEC);

  aether_collector_stop (collector, NULL);
  aether_clock_set_default (NULL);
  settle ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/collect/relay/switch-is-read-back-at-once", test_switch_is_read_back_at_once);
  ADD ("/collect/relay/automation-is-read-back-at-once", test_automation_is_read_back_at_once);
  ADD ("/collect/relay/relay-is-never-power-or-energy", test_relay_is_never_power_or_energy);
#undef ADD
  g_test_add_func ("/collect/relay/switch-during-a-poll-reads-again", test_switch_during_a_poll_reads_again);

  return g_test_run ();
}
