/* test-service.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* aetherlens-cli as a home server runs it: devices added by probing,
 * `collect` stopped by SIGTERM (nothing read is lost) or killed by SIGKILL
 * (only the last unflushed second is), bad input refused with its reason. */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "aether-core.h"
#include "aether-test-util.h"

typedef struct
{
  char *dir;
  char *db;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("aether-service-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

/* aetherlens-cli on the fixture's database. */
#define run_cli(f, out, err, ...) aether_test_run_cli ((f)->db, out, err, __VA_ARGS__)

static void
add_routers (Fixture *f,
             guint    n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = g_strdup_printf ("router-%u", i);
      g_autofree char *name = g_strdup_printf ("Router %u", i);
      g_autofree char *instance = g_strdup_printf ("instance=%u", i);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli (f, &out, &err, "devices", "add", "--plugin", "simulator", "--name", name,
                                "--id", id, "--room", "hallway",
                                "--config", "sim_device=router", "--config", "polling_interval=1",
                                "--config", instance, NULL), ==, 0);
      g_assert_nonnull (strstr (out, "(AetherLens Simulated Router)"));
    }
}

static gint64
stored_samples (Fixture *f)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (0);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (f->db, clock, &error);
  g_autoptr(JsonNode) stats = NULL;

  g_assert_no_error (error);
  g_assert_true (aether_store_check (store, &error));
  stats = aether_store_stats (store, &error);
  return json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (
           json_node_get_object (stats), "tiers"), "raw"), "rows");
}

static GSubprocess *
start_collect (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDERR_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                         g_getenv ("AETHERLENS_CLI"), "--db", f->db, "collect", NULL);

  g_assert_no_error (error);
  return child;
}

static void
test_sigterm_stores_everything_read (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *stopped;
  guint polls;

  add_routers (f, 3);
  child = start_collect (f);
  g_usleep (4 * G_USEC_PER_SEC);
  g_subprocess_send_signal (child, SIGTERM);
  g_subprocess_communicate_utf8 (child, NULL, NULL, NULL, &err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));
  g_assert_cmpint (g_subprocess_get_exit_status (child), ==, 0);

  stopped = strstr (err, "Stopped after ");
  g_assert_nonnull (stopped);
  polls = (guint)g_ascii_strtoull (stopped + strlen ("Stopped after "), NULL, 10);
  g_test_message ("%u polls", polls);
  g_assert_cmpuint (polls, >=, 9);

  /* Each poll of a router: its power, its relay and the derived energy. */
  g_assert_cmpint (stored_samples (f), ==, 3 * polls);
}

static void
test_sigkill_loses_only_the_last_second (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GSubprocess) again = NULL;
  gint64 started, stored;
  double seconds;

  add_routers (f, 3);
  child = start_collect (f);
  started = g_get_monotonic_time ();
  g_usleep (5 * G_USEC_PER_SEC);
  g_subprocess_force_exit (child);
  g_subprocess_wait (child, NULL, NULL);
  seconds = (g_get_monotonic_time () - started) / 1e6;
  g_assert_true (g_subprocess_get_if_signaled (child));

  /* 3 routers × 2 samples a second, less start-up and the last second
   * (the writer commits once a second) at most. */
  stored = stored_samples (f);
  g_test_message ("%" G_GINT64_FORMAT " samples stored in %.1f s before SIGKILL", stored, seconds);
  g_assert_cmpint (stored, >=, (gint64)(6 * (seconds - 2.5)));

  /* And it starts again cleanly. */
  {
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_cmpint (run_cli (f, &out, &err, "collect", "--duration", "2", NULL), ==, 0);
    g_assert_cmpint (stored_samples (f), >, stored);
  }
}

static void
test_bad_csv_is_refused_whole (Fixture       *f,
                               gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (f->dir, "readings.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;

  g_file_set_contents (csv,
                       "timestamp,device_id,metric_type,value,unit\n"
                       "2024-01-15T10:30:00Z,plug,power,125.4,W\n"
                       "2024-01-15T10:30:01Z,plug,power,oops,W\n", -1, NULL);
  g_assert_cmpint (run_cli (f, &out, &err, "db", "ingest", csv, NULL), ==, 1);
  expected = g_strdup_printf ("%s:3: value “oops” is not a finite number", csv);
  g_assert_nonnull (strstr (err, expected));

  /* Nothing of the file was stored. */
  g_assert_cmpint (stored_samples (f), ==, 0);
}

static void
test_ingest_and_query_through_the_cli (Fixture       *f,
                                       gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (f->dir, "readings.csv", NULL);
  g_autoptr(GString) text = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonArray *buckets;

  for (int i = 0; i < 600; i++)
    g_string_append_printf (text, "%d,plug,power,%d,W\n", 1705312800 + i, 100 + (i % 60));
  g_file_set_contents (csv, text->str, -1, NULL);

  g_assert_cmpint (run_cli (f, &out, &err, "db", "ingest", csv, NULL), ==, 0);
  g_assert_cmpstr (out, ==, g_strdup_printf ("Stored 600 readings from %s\n", csv));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, &err, "db", "maintain", "--now", "2024-01-15T11:00:00Z", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, &err, "db", "query", "--device", "plug", "--metric", "power",
                            "--from", "2024-01-15T10:00:00Z", "--to", "2024-01-15T10:10:00Z",
                            "--tier", "1m", NULL), ==, 0);
  json = json_from_string (out, NULL);
  g_assert_nonnull (json);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (json), "tier"), ==, "1m");
  buckets = json_object_get_array_member (json_node_get_object (json), "buckets");
  g_assert_cmpuint (json_array_get_length (buckets), ==, 10);
  {
    JsonObject *b = json_array_get_object_element (buckets, 0);

    g_assert_cmpstr (json_object_get_string_member (b, "start"), ==, "2024-01-15T10:00:00Z");
    g_assert_cmpint (json_object_get_int_member (b, "count"), ==, 60);
    g_assert_cmpfloat (json_object_get_double_member (b, "min"), ==, 100);
    g_assert_cmpfloat (json_object_get_double_member (b, "max"), ==, 159);
    g_assert_cmpfloat (json_object_get_double_member (b, "avg"), ==, 129.5);
  }

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, &err, "db", "energy", "--from", "2024-01-15T00:00:00Z",
                            "--to", "2024-01-16T00:00:00Z", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "\"key\" : \"plug\""));
}

static void
test_bad_alert_rule_is_refused (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *rule = g_build_filename (f->dir, "rule.json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_file_set_contents (rule, "{\"alert_id\": \"x\", \"name\": \"X\", \"conditions\": {\"type\": \"threshold\","
                             " \"operator\": \"bigger\", \"threshold\": 3}}", -1, NULL);
  g_assert_cmpint (run_cli (f, &out, &err, "alerts", "add", rule, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "Alert “X”: operator “bigger” is not greater_than, less_than, equals or not_equals"));
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, &err, "alerts", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "No alert rules"));
}

static void
test_unknown_plugin_is_named (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (f, &out, &err, "devices", "add", "--plugin", "zigbee", "--name", "Lamp", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "No plugin named “zigbee” is installed"));
}

static void
test_rates_validate_cost_and_bill (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *seed = g_build_filename (TEST_DATA_DIR, "store", "seed-rate-schedule.json", NULL);
  g_autofree char *fixed = g_build_filename (f->dir, "schedule.json", NULL);
  g_autofree char *csv = g_build_filename (f->dir, "home.csv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GString) readings = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *summary;

  /* The seed's example: exit 1, one line per gap. */
  g_assert_cmpint (run_cli (f, &out, &err, "rates", "validate", seed, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "weekdays 15:00–16:00 are not covered by any period\n"
                            "weekdays 21:00–22:00 are not covered by any period\n");

  /* With the gaps closed it prices a day: 100 W, and 7.2 kW 18:00–20:00 PDT. */
  g_file_get_contents (seed, &text, NULL, NULL);
  {
    g_autoptr(GString) s = g_string_new (text);

    g_string_replace (s, "00:00-15:00,22:00-23:59", "00:00-16:00,21:00-23:59", 1);
    g_file_set_contents (fixed, s->str, -1, NULL);
  }
  for (int i = 0; i <= 86400; i += 60)
    g_string_append_printf (readings, "%d,ev,power,%d,W\n", 1717398000 + i,
                            (i >= 18 * 3600 && i < 20 * 3600) ? 7200 : 100);
  g_file_set_contents (csv, readings->str, -1, NULL);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (f, &out, &err, "rates", "cost", "--schedule", fixed, "--readings", csv,
                            "--interval", "1h", NULL), ==, 0);
  json = json_from_string (out, NULL);
  summary = json_object_get_object_member (json_node_get_object (json), "summary");
  /* Peak 16:00–21:00: 3 h × 0.1 kWh + 2 h × 7.2 kWh = 14.7 kWh at 0.42 = 6.174 */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (
                                  json_object_get_object_member (summary, "by_period"), "peak"), "cost"), 6.174, 1e-6);
  /* Demand: 7.2 kW × 15 $/kW */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary, "demand_charge"), 108.0, 1e-6);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (json), "records")), ==, 24);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&json, json_node_unref);
  g_assert_cmpint (run_cli (f, &out, &err, "rates", "bill", "--schedule", fixed, "--readings", csv,
                            "--cycle-start", "2024-06-01", NULL), ==, 0);
  json = json_from_string (out, NULL);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (
                                  json_node_get_object (json), "fixed_charges"), "total"), 10.0, 1e-6);
  g_assert_true (json_object_has_member (json_node_get_object (json), "projection"));

  /* A cycle the schedule does not cover is refused with the date. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (f, &out, &err, "rates", "bill", "--schedule", fixed, "--readings", csv,
                            "--cycle-start", "2023-06-01", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "No rate schedule is in force on 2023-06-01"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/service/collect/sigterm-stores-everything-read", test_sigterm_stores_everything_read);
  ADD ("/service/collect/sigkill-loses-only-the-last-second", test_sigkill_loses_only_the_last_second);
  ADD ("/service/db/bad-csv-is-refused-whole", test_bad_csv_is_refused_whole);
  ADD ("/service/db/ingest-and-query", test_ingest_and_query_through_the_cli);
  ADD ("/service/alerts/bad-rule-is-refused", test_bad_alert_rule_is_refused);
  ADD ("/service/devices/unknown-plugin-is-named", test_unknown_plugin_is_named);
  ADD ("/service/rates/validate-cost-and-bill", test_rates_validate_cost_and_bill);
#undef ADD

  return g_test_run ();
}
