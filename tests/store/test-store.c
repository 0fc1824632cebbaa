/* test-store.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The storage engine, on real SQLite files in a temporary folder, driven by
 * a manual clock. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include "aether-core.h"
#include "aether-test-util.h"

#define T0 G_GINT64_CONSTANT (1705276800)   /* Monday 2024-01-15 00:00:00 UTC */
#define US(s) ((gint64)(s) * G_USEC_PER_SEC)

typedef struct
{
  char        *dir;
  char        *path;
  AetherClock *clock;
  AetherStore *store;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  f->dir = g_dir_make_tmp ("aether-store-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (US (T0));
  f->store = aether_store_open (f->path, f->clock, &error);
  g_assert_no_error (error);
  aether_store_set_time_zone (f->store, utc);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->clock);
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static JsonNode *
load_json (const char *name)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "store", name, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static gint64
count_rows (AetherStore *store,
            const char  *table)
{
  g_autoptr(JsonNode) stats = aether_store_stats (store, NULL);
  JsonObject *tiers = json_object_get_object_member (json_node_get_object (stats), "tiers");

  return json_object_get_int_member (json_object_get_object_member (tiers, table), "rows");
}

/* Readings of one series: @n samples every @step seconds from @start. */
static GArray *
series_readings (const char *device,
                 const char *metric,
                 const char *unit,
                 gint64      start_s,
                 guint       n,
                 guint       step_s,
                 double    (*value) (guint i))
{
  GArray *readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));

  g_array_set_clear_func (readings, (GDestroyNotify)aether_reading_clear);
  for (guint i = 0; i < n; i++)
    {
      AetherReading r = {
        .timestamp_us = US (start_s + (gint64)i * step_s),
        .device_id = g_strdup (device),
        .metric_type = g_strdup (metric),
        .value = value ? value (i) : 0,
        .unit = g_strdup (unit),
      };

      g_array_append_val (readings, r);
    }

  return readings;
}

static void
ingest (Fixture *f,
        GArray  *readings)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aether_store_ingest (f->store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_no_error (error);
}

/* ---- models ------------------------------------------------------------ */

static void
test_seed_models_round_trip (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) device = load_json ("seed-device.json");
  g_autoptr(JsonNode) user = load_json ("seed-user.json");
  g_autoptr(JsonNode) schedule = load_json ("seed-rate-schedule.json");
  g_autoptr(JsonNode) record = load_json ("seed-cost-record.json");
  g_autoptr(JsonNode) alert = load_json ("seed-alert.json");
  g_autoptr(JsonNode) device_back = NULL;
  g_autoptr(JsonNode) user_back = NULL;
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) alerts = NULL;

  g_assert_true (aether_store_put_device (f->store, device, &error));
  g_assert_true (aether_store_put_user (f->store, user, &error));
  g_assert_true (aether_store_put_rate_schedule (f->store, schedule, &error));
  g_assert_true (aether_store_put_cost_record (f->store, record, &error));
  g_assert_true (aether_store_put_alert (f->store, alert, &error));
  g_assert_no_error (error);

  /* Read back after reopening: what is on disk is the seed's shape. */
  g_clear_object (&f->store);
  f->store = aether_store_open (f->path, f->clock, &error);
  g_assert_no_error (error);

  device_back = aether_store_get_device (f->store, "shelly-plug-office-01", &error);
  user_back = aether_store_get_user (f->store, "usr-001", &error);
  schedules = aether_store_list_rate_schedules (f->store, &error);
  records = aether_store_list_cost_records (f->store, "shelly-plug-office-01", &error);
  alerts = aether_store_list_alerts (f->store, &error);
  g_assert_no_error (error);

  g_assert_true (json_node_equal (device, device_back));
  g_assert_true (json_node_equal (user, user_back));
  g_assert_cmpuint (schedules->len, ==, 1);
  g_assert_true (json_node_equal (schedule, g_ptr_array_index (schedules, 0)));
  g_assert_cmpuint (records->len, ==, 1);
  g_assert_true (json_node_equal (record, g_ptr_array_index (records, 0)));
  g_assert_cmpuint (alerts->len, ==, 1);
  g_assert_true (json_node_equal (alert, g_ptr_array_index (alerts, 0)));
}

static void
test_bad_models_are_refused (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) no_name = json_from_string ("{\"device_id\": \"x\", \"type\": \"smart_plug\"}", NULL);
  g_autoptr(JsonNode) bad_caps = json_from_string ("{\"device_id\": \"x\", \"name\": \"X\", \"type\": \"t\","
                                                   " \"capabilities\": \"power\"}", NULL);
  g_autoptr(GPtrArray) devices = NULL;

  g_assert_false (aether_store_put_device (f->store, no_name, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "The device has no “name” (a non-empty string is needed)");
  g_clear_error (&error);

  g_assert_false (aether_store_put_device (f->store, bad_caps, &error));
  g_assert_cmpstr (error->message, ==, "The device’s “capabilities” must be a list");
  g_clear_error (&error);

  devices = aether_store_list_devices (f->store, &error);
  g_assert_cmpuint (devices->len, ==, 0);

  g_assert_null (aether_store_get_device (f->store, "nope", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
}

/* ---- migrations -------------------------------------------------------- */

static void
test_version_1_upgrades_without_loss (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *old_path = g_build_filename (f->dir, "old.db", NULL);
  g_autoptr(JsonNode) device = load_json ("seed-device.json");
  g_autoptr(GArray) readings = NULL;
  g_autoptr(GArray) buckets = NULL;

  /* A database as version 1 left it, with a device and samples. */
  {
    g_autoptr(AetherStore) old = aether_store_open_at_version (old_path, f->clock, 1, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (aether_store_get_schema_version (old), ==, 1);
    g_assert_true (aether_store_put_device (old, device, &error));
    readings = series_readings ("shelly-plug-office-01", "power", "W", T0, 120, 1, NULL);
    for (guint i = 0; i < readings->len; i++)
      g_array_index (readings, AetherReading, i).value = i;
    g_assert_true (aether_store_ingest (old, (AetherReading *)(gpointer)readings->data, readings->len, &error));
    g_assert_no_error (error);
  }

  {
    g_autoptr(AetherStore) upgraded = aether_store_open (old_path, f->clock, &error);
    g_autoptr(JsonNode) back = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (aether_store_get_schema_version (upgraded), ==, AETHER_STORE_SCHEMA_VERSION);
    back = aether_store_get_device (upgraded, "shelly-plug-office-01", &error);
    g_assert_true (json_node_equal (device, back));
    buckets = aether_store_query (upgraded, "shelly-plug-office-01", "power", US (T0), US (T0 + 120), 0,
                                  AETHER_TIER_RAW, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (buckets->len, ==, 120);
    g_assert_cmpfloat (g_array_index (buckets, AetherBucket, 119).first, ==, 119);

    /* The new tables of versions 2 and 3 work. */
    g_assert_true (aether_store_maintain (upgraded, US (T0 + 600), NULL, &error));
    g_assert_true (aether_store_add_alert_history (upgraded, US (T0), "a", "fired", "x", &error));
    g_assert_no_error (error);
  }
}

static void
test_newer_database_is_refused_untouched (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gsize len_before, len_after;
  sqlite3 *db;

  g_clear_object (&f->store);
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode=DELETE; INSERT INTO schema_versions (version, description)"
                                     " VALUES (99, 'from the future')", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  g_file_get_contents (f->path, &before, &len_before, NULL);
  g_assert_null (aether_store_open (f->path, f->clock, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_VERSION_TOO_NEW);
  g_assert_nonnull (strstr (error->message, "written by a newer AetherLens (schema version 99"));
  g_file_get_contents (f->path, &after, &len_after, NULL);
  g_assert_cmpmem (before, len_before, after, len_after);
}

static void
test_corrupt_database_is_moved_aside (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *junk_path = g_build_filename (f->dir, "junk.db", NULL);
  g_autofree char *moved = NULL;
  const char *at;

  g_assert_true (g_file_set_contents (junk_path, "this is not a database, it is a shopping list\n", -1, NULL));
  g_assert_null (aether_store_open (junk_path, f->clock, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT);

  /* The message says where it went; the file is there, untouched. */
  at = strstr (error->message, "It was moved to ");
  g_assert_nonnull (at);
  moved = g_strndup (at + strlen ("It was moved to "), strcspn (at + strlen ("It was moved to "), " "));
  g_assert_true (g_file_test (moved, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (junk_path, G_FILE_TEST_EXISTS));
  {
    g_autofree char *contents = NULL;

    g_file_get_contents (moved, &contents, NULL, NULL);
    g_assert_cmpstr (contents, ==, "this is not a database, it is a shopping list\n");
  }
}

/* ---- rollups ----------------------------------------------------------- */

static double
wobbly (guint i)
{
  /* Deterministic, with steps and spikes, never negative. */
  return 60.0 + 40.0 * sin (i / 37.0) + ((i / 600) % 3) * 250.0 + (i % 97 == 0 ? 1800.0 : 0.0) + (i % 13);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* Checks a bucket against the samples in [start, start + width). */
static void
check_bucket (const AetherBucket *b,
              gint64              width_s,
              guint               n_samples)
{
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  gint64 start = b->start_us / G_USEC_PER_SEC - T0;
  double sum = 0, min = G_MAXDOUBLE, max = -G_MAXDOUBLE;

  for (gint64 s = start; s < start + width_s && s < n_samples; s++)
    {
      double v = wobbly ((guint)s);

      g_array_append_val (values, v);
      sum += v;
      min = MIN (min, v);
      max = MAX (max, v);
    }
  g_array_sort (values, compare_doubles);

  g_assert_cmpuint (b->count, ==, values->len);
  g_assert_cmpfloat_with_epsilon (b->avg, sum / values->len, 1e-9 * fabs (sum));
  g_assert_cmpfloat (b->min, ==, min);
  g_assert_cmpfloat (b->max, ==, max);
  g_assert_cmpfloat (b->first, ==, wobbly ((guint)start));
  g_assert_cmpfloat (b->last, ==, wobbly ((guint)(start + values->len - 1)));
  g_assert_cmpfloat (fabs (b->p50 - g_array_index (values, double, (values->len - 1) / 2)) /
                     g_array_index (values, double, (values->len - 1) / 2), <=, 0.01);
  g_assert_cmpfloat (fabs (b->p95 - g_array_index (values, double, (guint)floor (0.95 * (values->len - 1)))) /
                     g_array_index (values, double, (guint)floor (0.95 * (values->len - 1))), <=, 0.01);
}

static void
test_rollups_equal_independent_computation (Fixture       *f,
                                            gconstpointer  data)
{
  const guint n = 2 * 86400;   /* two days at 1 s */
  g_autoptr(GArray) readings = series_readings ("plug", "power", "W", T0, n, 1, wobbly);
  g_autoptr(GError) error = NULL;
  AetherRetention keep_all;
  static const AetherTier tiers[] = { AETHER_TIER_1M, AETHER_TIER_5M, AETHER_TIER_1H, AETHER_TIER_1D };

  aether_retention_init_defaults (&keep_all);
  keep_all.samples_s[AETHER_TIER_RAW] = 0;
  aether_store_set_retention (f->store, &keep_all);
  ingest (f, readings);
  g_assert_true (aether_store_maintain (f->store, US (T0 + n + 60), NULL, &error));
  g_assert_no_error (error);

  for (guint t = 0; t < G_N_ELEMENTS (tiers); t++)
    {
      g_autoptr(GArray) buckets = aether_store_query (f->store, "plug", "power", US (T0), US (T0 + n), 0,
                                                      tiers[t], NULL, &error);
      gint64 width = aether_tier_get_width_s (tiers[t]);

      g_assert_no_error (error);
      g_assert_cmpuint (buckets->len, ==, n / width);
      for (guint i = 0; i < buckets->len; i++)
        check_bucket (&g_array_index (buckets, AetherBucket, i), width, n);
    }
}

static void
test_maintenance_is_idempotent_and_resumable (Fixture       *f,
                                              gconstpointer  data)
{
  g_autoptr(GArray) readings = series_readings ("plug", "power", "W", T0, 6 * 3600, 1, wobbly);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) once = NULL;
  g_autoptr(GArray) again = NULL;
  AetherMaintainStats stats;

  ingest (f, readings);

  /* In two goes, as if the first were interrupted after three hours… */
  g_assert_true (aether_store_maintain (f->store, US (T0 + 3 * 3600), NULL, &error));
  /* A minute past the last reading: until then a reading at 6:00:00 could
   * still add to the last 5-minute bucket, which is rolled only once
   * whole. */
  g_assert_true (aether_store_maintain (f->store, US (T0 + 6 * 3600 + 60), NULL, &error));
  once = aether_store_query (f->store, "plug", "power", US (T0), US (T0 + 6 * 3600), 0, AETHER_TIER_5M, NULL, &error);

  /* …then again over the same time: nothing new, nothing changed. */
  g_assert_true (aether_store_maintain (f->store, US (T0 + 6 * 3600 + 60), &stats, &error));
  g_assert_cmpuint (stats.samples_rolled, ==, 0);
  again = aether_store_query (f->store, "plug", "power", US (T0), US (T0 + 6 * 3600), 0, AETHER_TIER_5M, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (once->len, ==, 72);
  g_assert_cmpuint (again->len, ==, once->len);
  g_assert_cmpmem (once->data, once->len * sizeof (AetherBucket), again->data, again->len * sizeof (AetherBucket));
}

static double
steady_100 (guint i)
{
  return 100.0;
}

static double
counter_wh (guint i)
{
  /* A 600 W device's counter, reset to 0 at sample 30. */
  return i < 30 ? 50000.0 + i * 10.0 : (i - 30) * 10.0;
}

static void
test_energy_per_device_and_priced (Fixture       *f,
                                   gconstpointer  data);

static void
test_retention_keeps_exactly_promised_rows (Fixture       *f,
                                            gconstpointer  data)
{
  /* 40 days of 1-minute readings, maintained as of the end. */
  const guint days = 40;
  g_autoptr(GArray) readings = series_readings ("plug", "power", "W", T0, days * 1440, 60, wobbly);
  g_autoptr(GError) error = NULL;
  gint64 now = T0 + days * 86400;

  ingest (f, readings);
  /* Three minutes after the last reading (at now - 60 s), when a reading
   * could no longer add to its minute (three intervals): every tier is
   * rolled up to now. */
  g_assert_true (aether_store_maintain (f->store, US (now + 180), NULL, &error));
  g_assert_no_error (error);

  /* raw 1 h: the samples of the hour before now + 180 s */
  g_assert_cmpint (count_rows (f->store, "raw"), ==, 57);
  /* 1 min 7 d: cut on a 5-minute edge, so exactly 7 × 1440 */
  g_assert_cmpint (count_rows (f->store, "1m"), ==, 7 * 1440);
  /* 5 min 30 d */
  g_assert_cmpint (count_rows (f->store, "5m"), ==, 30 * 288);
  /* 1 h 90 d and 1 day 1 yr: everything so far */
  g_assert_cmpint (count_rows (f->store, "1h"), ==, days * 24);
  g_assert_cmpint (count_rows (f->store, "1d"), ==, days);

  /* A query over the whole range stitches the tiers: every day is there. */
  {
    g_autoptr(GArray) columns = aether_store_query (f->store, "plug", "power", US (T0), US (now), 40, -1, NULL, &error);
    guint64 total = 0;

    g_assert_no_error (error);
    g_assert_cmpuint (columns->len, ==, 40);
    for (guint i = 0; i < columns->len; i++)
      total += g_array_index (columns, AetherBucket, i).count;
    g_assert_cmpuint (total, ==, days * 1440);
  }

  /* And a fine query of the last day comes from the 1-minute tier. */
  {
    AetherTier used;
    g_autoptr(GArray) columns = aether_store_query (f->store, "plug", "power", US (now - 86400), US (now), 1440,
                                                    -1, &used, &error);

    g_assert_cmpint (used, ==, AETHER_TIER_1M);
    g_assert_cmpuint (columns->len, ==, 1440);
  }
}

/* ---- energy and pricing ------------------------------------------------ */

#define TEST_TYPE_FLAT_PRICER (test_flat_pricer_get_type ())
G_DECLARE_FINAL_TYPE (TestFlatPricer, test_flat_pricer, TEST, FLAT_PRICER, GObject)
struct _TestFlatPricer { GObject parent_instance; };
static void flat_pricer_iface_init (AetherPricerInterface *iface);
G_DEFINE_FINAL_TYPE_WITH_CODE (TestFlatPricer, test_flat_pricer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AETHER_TYPE_PRICER, flat_pricer_iface_init))

static gboolean
flat_price (AetherPricer  *pricer,
            const char    *device_id,
            gint64         start,
            gint64         end,
            double         kwh,
            AetherPrice   *price,
            GError       **error)
{
  price->rate_per_kwh = 0.25;
  price->cost = kwh * 0.25;
  price->co2_kg = kwh * 0.4;
  price->period = "flat";
  return TRUE;
}

static void flat_pricer_iface_init (AetherPricerInterface *iface) { iface->price_energy = flat_price; }
static void test_flat_pricer_class_init (TestFlatPricerClass *klass) { }
static void test_flat_pricer_init (TestFlatPricer *self) { }

static void
test_energy_per_device_and_priced (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestFlatPricer) pricer = g_object_new (TEST_TYPE_FLAT_PRICER, NULL);
  g_autoptr(GArray) lamp = series_readings ("lamp", "power", "W", T0, 7200, 1, steady_100);
  g_autoptr(GArray) heater = series_readings ("heater", "energy", "Wh", T0, 60, 60, counter_wh);
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GPtrArray) rooms = NULL;
  g_autoptr(JsonNode) lamp_dev = json_from_string ("{\"device_id\": \"lamp\", \"name\": \"Lamp\", \"type\": \"lighting\","
                                                   " \"location\": {\"room\": \"living_room\"}}", NULL);
  g_autoptr(JsonNode) heater_dev = json_from_string ("{\"device_id\": \"heater\", \"name\": \"Heater\", \"type\": \"hvac\","
                                                     " \"location\": {\"room\": \"living_room\"}}", NULL);

  g_assert_true (aether_store_put_device (f->store, lamp_dev, &error));
  g_assert_true (aether_store_put_device (f->store, heater_dev, &error));
  aether_store_set_pricer (f->store, AETHER_PRICER (pricer));
  ingest (f, lamp);
  ingest (f, heater);
  g_assert_true (aether_store_maintain (f->store, US (T0 + 7200), NULL, &error));
  g_assert_no_error (error);

  totals = aether_store_energy_totals (f->store, US (T0), US (T0 + 7200), "device", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (totals->len, ==, 2);
  for (guint i = 0; i < totals->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (totals, i);

      if (g_str_equal (t->key, "lamp"))
        {
          /* 100 W for the 7199 s between the first and last sample */
          g_assert_cmpfloat_with_epsilon (t->energy_wh, 100.0 * 7199 / 3600, 1e-6);
          g_assert_cmpfloat_with_epsilon (t->cost, t->energy_wh / 1000 * 0.25, 1e-9);
          g_assert_cmpfloat_with_epsilon (t->co2_kg, t->energy_wh / 1000 * 0.4, 1e-9);
        }
      else
        {
          /* 59 intervals of 10 Wh, but the one with the reset only has what
           * the counter shows since it restarted: 0 Wh. */
          g_assert_cmpstr (t->key, ==, "heater");
          g_assert_cmpfloat_with_epsilon (t->energy_wh, 580.0, 1e-6);
        }
    }

  rooms = aether_store_energy_totals (f->store, US (T0), US (T0 + 7200), "room", &error);
  g_assert_cmpuint (rooms->len, ==, 1);
  g_assert_cmpstr (((AetherEnergyTotal *)g_ptr_array_index (rooms, 0))->key, ==, "living_room");
  g_assert_cmpfloat_with_epsilon (((AetherEnergyTotal *)g_ptr_array_index (rooms, 0))->energy_wh,
                                  100.0 * 7199 / 3600 + 580.0, 1e-6);
}

static void
test_daily_tier_keeps_hour_profile (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) lamp = series_readings ("lamp", "power", "W", T0, 2 * 86400 / 60, 60, steady_100);
  sqlite3 *db;
  sqlite3_stmt *stmt;
  g_autoptr(JsonNode) profile = NULL;
  JsonArray *hours;

  ingest (f, lamp);
  g_assert_true (aether_store_maintain (f->store, US (T0 + 2 * 86400 + 120), NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT hour_profile, energy_wh FROM energy_1d WHERE device_id = 'lamp'"
                                           " ORDER BY bucket LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  profile = json_from_string ((const char *)sqlite3_column_text (stmt, 0), NULL);
  hours = json_node_get_array (profile);
  g_assert_cmpuint (json_array_get_length (hours), ==, 24);
  /* 100 W all day: 100 Wh in each hour. Each segment belongs to the minute
   * it starts in, so 23:59–00:00 is the first day's and the day is whole. */
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (hours, 12), 100.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_array_get_double_element (hours, 23), 100.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (sqlite3_column_double (stmt, 1), 2400.0, 1e-6);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
}

static double
steady_50 (guint i)
{
  return 50.0;
}

static void
test_group_query_sums_a_room (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) tv = series_readings ("tv", "power", "W", T0, 3600, 1, steady_100);
  g_autoptr(GArray) lamp = series_readings ("lamp", "power", "W", T0, 3600, 1, steady_50);
  g_autoptr(GArray) columns = NULL;
  g_autoptr(JsonNode) tv_dev = json_from_string ("{\"device_id\": \"tv\", \"name\": \"TV\", \"type\": \"smart_plug\","
                                                 " \"location\": {\"room\": \"living_room\"}}", NULL);
  g_autoptr(JsonNode) lamp_dev = json_from_string ("{\"device_id\": \"lamp\", \"name\": \"Lamp\", \"type\": \"lighting\","
                                                   " \"location\": {\"room\": \"living_room\"}}", NULL);

  g_assert_true (aether_store_put_device (f->store, tv_dev, &error));
  g_assert_true (aether_store_put_device (f->store, lamp_dev, &error));
  ingest (f, tv);
  ingest (f, lamp);
  g_assert_true (aether_store_maintain (f->store, US (T0 + 3600), NULL, &error));

  columns = aether_store_query_group (f->store, "room", "living_room", "power", US (T0), US (T0 + 3600), 6,
                                      NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (columns->len, ==, 6);
  for (guint i = 0; i < columns->len; i++)
    g_assert_cmpfloat_with_epsilon (g_array_index (columns, AetherBucket, i).avg, 150.0, 1e-9);

  g_clear_pointer (&columns, g_array_unref);
  g_assert_null (aether_store_query_group (f->store, "room", "attic", "power", US (T0), US (T0 + 3600), 6, NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
}

/* ---- writer, crash, backup --------------------------------------------- */

static void
test_writer_stores_everything_pushed (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStoreWriter) writer = aether_store_writer_new (f->path, 1000, 5000, &error);
  g_autoptr(GArray) readings = series_readings ("plug", "power", "kW", T0, 12345, 1, steady_100);
  g_autoptr(GArray) back = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < readings->len; i++)
    aether_reading_sink_push (AETHER_READING_SINK (writer), &g_array_index (readings, AetherReading, i));
  g_assert_true (aether_reading_sink_flush (AETHER_READING_SINK (writer), &error));
  g_assert_cmpuint (aether_store_writer_get_n_written (writer), ==, 12345);
  g_assert_true (aether_store_writer_close (writer, &error));

  back = aether_store_query (f->store, "plug", "power", US (T0), US (T0 + 12345), 0, AETHER_TIER_RAW, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (back->len, ==, 12345);
  /* kW became W */
  g_assert_cmpfloat (g_array_index (back, AetherBucket, 0).first, ==, 100000.0);
}

/* The child of the kill test: writes through the writer, committing every
 * 50 ms, and says how many readings are committed after each flush. */
static int
kill_child (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStoreWriter) writer = aether_store_writer_new (path, 50, 100000, &error);
  guint64 n = 0;

  if (writer == NULL)
    return 1;

  for (guint round = 0; ; round++)
    {
      for (guint i = 0; i < 500; i++, n++)
        {
          AetherReading r = {
            .timestamp_us = US (T0) + (gint64)n * 1000,
            .device_id = (char *)"plug",
            .metric_type = (char *)"power",
            .value = (double)n,
            .unit = (char *)"W",
          };

          aether_reading_sink_push (AETHER_READING_SINK (writer), &r);
        }
      /* Every other round, say what is durable now. */
      if (round % 2 == 0)
        {
          if (!aether_reading_sink_flush (AETHER_READING_SINK (writer), &error))
            return 1;
          g_print ("committed %" G_GUINT64_FORMAT "\n", n);
        }
    }
}

static void
test_sigkill_during_ingest_loses_nothing_committed (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  guint64 committed = 0;
  guint seen = 0;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_exe, "--kill-child", f->path, NULL);
  g_assert_no_error (error);
  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));

  while (seen < 20)
    {
      g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_str_has_prefix (line, "committed "))
        {
          committed = g_ascii_strtoull (line + strlen ("committed "), NULL, 10);
          seen++;
        }
    }

  /* Mid-stream: more readings are queued and being written right now. */
  g_subprocess_send_signal (child, SIGKILL);
  g_subprocess_wait (child, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (child));

  g_clear_object (&f->store);
  f->store = aether_store_open (f->path, f->clock, &error);
  g_assert_no_error (error);
  g_assert_true (aether_store_check (f->store, &error));

  {
    g_autoptr(GArray) back = aether_store_query (f->store, "plug", "power", US (T0), US (T0 + 100000), 0,
                                                 AETHER_TIER_RAW, NULL, &error);

    g_assert_no_error (error);
    g_test_message ("%" G_GUINT64_FORMAT " committed before the kill, %u found after", committed, back->len);
    g_assert_cmpuint (back->len, >=, committed);
    /* And they are the right ones, in order. */
    for (guint i = 0; i < committed; i++)
      g_assert_cmpfloat (g_array_index (back, AetherBucket, i).first, ==, (double)i);
  }
}

static void
test_backup_rotates_and_restore_checks_first (Fixture       *f,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *backups = g_build_filename (f->dir, "backups", NULL);
  g_autofree char *first = NULL;
  g_autofree char *junk = g_build_filename (f->dir, "junk.db", NULL);
  g_autoptr(JsonNode) device = load_json ("seed-device.json");
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GDir) dir = NULL;
  guint n = 0;

  g_assert_true (aether_store_put_device (f->store, device, &error));

  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *path = aether_store_backup (f->store, backups, 7, &error);

      g_assert_no_error (error);
      g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
      if (i == 8)
        first = g_steal_pointer (&path);
      aether_clock_advance_us (f->clock, US (86400));
    }

  dir = g_dir_open (backups, 0, NULL);
  while (g_dir_read_name (dir))
    n++;
  g_assert_cmpuint (n, ==, 7);

  /* The device is removed, then the backup brings it back. */
  g_assert_true (aether_store_remove_device (f->store, "shelly-plug-office-01", &error));
  g_assert_true (aether_store_restore (f->store, first, &error));
  g_assert_no_error (error);
  devices = aether_store_list_devices (f->store, &error);
  g_assert_cmpuint (devices->len, ==, 1);

  /* A file that is not a database is refused, and nothing changes. */
  g_file_set_contents (junk, "not a backup", -1, NULL);
  g_assert_false (aether_store_restore (f->store, junk, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT);
  g_clear_error (&error);
  g_clear_pointer (&devices, g_ptr_array_unref);
  devices = aether_store_list_devices (f->store, &error);
  g_assert_cmpuint (devices->len, ==, 1);
}

/* ---- hot tier ---------------------------------------------------------- */

static void
push (AetherHotTier *hot,
      const char    *device,
      const char    *metric,
      gint64         t_us,
      double         v)
{
  AetherReading r = { t_us, (char *)device, (char *)metric, v, (char *)"W" };

  aether_reading_sink_push (AETHER_READING_SINK (hot), &r);
}

static void
test_hot_tier_current_recent_hour_and_today (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(AetherHotTier) hot = aether_hot_tier_new (f->clock, utc);
  g_autoptr(GArray) recent = NULL;
  g_autoptr(GArray) hour = NULL;
  double v = 0, wh = 0;
  gint64 t = US (T0 + 86400 - 7200);   /* 22:00 */

  /* Two hours of 1 s readings and an energy counter. */
  for (guint i = 0; i < 7200; i++)
    {
      aether_clock_set_us (f->clock, t + US (i));
      push (hot, "plug", "power", t + US (i), i);
      push (hot, "plug", "energy", t + US (i), 1000.0 + i * 0.1);
    }

  g_assert_true (aether_hot_tier_get_current (hot, "plug", "power", &v, NULL));
  g_assert_cmpfloat (v, ==, 7199);

  recent = aether_hot_tier_get_recent (hot, "plug", "power", 60);
  g_assert_cmpuint (recent->len, ==, 60);
  g_assert_cmpfloat (g_array_index (recent, AetherHotPoint, 59).value, ==, 7199);

  hour = aether_hot_tier_get_last_hour (hot, "plug", "power");
  g_assert_cmpuint (hour->len, ==, 3601);

  /* 2 h × 0.1 Wh a second, less the first reading */
  g_assert_true (aether_hot_tier_get_today (hot, "plug", &wh, NULL));
  g_assert_cmpfloat_with_epsilon (wh, 719.9, 1e-6);

  /* Stale after 60 s; a new day starts from zero. */
  aether_clock_advance_us (f->clock, US (61));
  g_assert_false (aether_hot_tier_get_current (hot, "plug", "power", NULL, NULL));
  push (hot, "plug", "energy", aether_clock_now_us (f->clock), 1000.0 + 7200 * 0.1 + 5);
  g_assert_true (aether_hot_tier_get_today (hot, "plug", &wh, NULL));
  /* The 5.1 Wh came over 61 s, 60 of them after midnight: the energy rule
   * splits a counter's delta in proportion to time, as the store does. */
  g_assert_cmpfloat_with_epsilon (wh, 5.1 * 60 / 61, 1e-6);

  aether_hot_tier_set_rate_period (hot, "peak", 0.42, US (T0 + 86400 + 16 * 3600));
  {
    double rate;

    g_assert_cmpstr (aether_hot_tier_get_rate_period (hot, &rate, NULL), ==, "peak");
    g_assert_cmpfloat (rate, ==, 0.42);
  }
}

static void
test_ingest_is_all_or_nothing (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) readings = series_readings ("plug", "power", "W", T0, 100, 1, steady_100);
  g_autoptr(GArray) back = NULL;

  g_free (g_array_index (readings, AetherReading, 50).unit);
  g_array_index (readings, AetherReading, 50).unit = g_strdup ("horsepower");

  g_assert_false (aether_store_ingest (f->store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "“horsepower” is not a unit of power (device plug)");
  g_clear_error (&error);

  g_assert_null (aether_store_query (f->store, "plug", "power", US (T0), US (T0 + 100), 0, AETHER_TIER_RAW, NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  (void)back;
}

/* A backfill (an import, a plug that buffered while offline) arrives after
 * maintenance rolled the live data up: it is rolled up in turn, not left to
 * retention, and the live data already summarised stays as it was. */
static void
test_late_readings_are_rolled_up (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GArray) live = series_readings ("live", "power", "W", T0 + 2 * 86400, 3600, 1, steady_100);
  g_autoptr(GArray) late = series_readings ("late", "power", "W", T0, 24 * 60 + 1, 60, steady_100);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) backfilled = NULL;
  g_autoptr(GError) error = NULL;

  ingest (f, live);
  g_assert_true (aether_store_maintain (f->store, US (T0 + 2 * 86400 + 3 * 3600), NULL, &error));
  before = aether_store_energy_totals (f->store, US (T0 + 2 * 86400), US (T0 + 3 * 86400), "device", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 1);

  /* Raw samples of the live day are gone by now; the late day arrives. */
  ingest (f, late);
  g_assert_true (aether_store_maintain (f->store, US (T0 + 2 * 86400 + 3 * 3600), NULL, &error));
  g_assert_no_error (error);

  backfilled = aether_store_energy_totals (f->store, US (T0), US (T0 + 86400), "device", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backfilled->len, ==, 1);
  g_assert_cmpstr (((AetherEnergyTotal *)g_ptr_array_index (backfilled, 0))->key, ==, "late");
  g_assert_cmpfloat_with_epsilon (((AetherEnergyTotal *)g_ptr_array_index (backfilled, 0))->energy_wh, 2400, 1e-6);

  after = aether_store_energy_totals (f->store, US (T0 + 2 * 86400), US (T0 + 3 * 86400), "device", &error);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpfloat (((AetherEnergyTotal *)g_ptr_array_index (after, 0))->energy_wh, ==,
                     ((AetherEnergyTotal *)g_ptr_array_index (before, 0))->energy_wh);
  {
    g_autoptr(GArray) day = aether_store_query (f->store, "late", "power", US (T0), US (T0 + 86400), 0,
                                                AETHER_TIER_1D, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (day->len, ==, 1);
    g_assert_cmpfloat_with_epsilon (g_array_index (day, AetherBucket, 0).avg, 100, 1e-9);
  }
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 3 && g_str_equal (argv[1], "--kill-child"))
    return kill_child (argv[2]);

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/models/seed-examples-round-trip", test_seed_models_round_trip);
  ADD ("/store/models/bad-models-are-refused", test_bad_models_are_refused);
  ADD ("/store/migrations/version-1-upgrades-without-loss", test_version_1_upgrades_without_loss);
  ADD ("/store/migrations/newer-database-is-refused-untouched", test_newer_database_is_refused_untouched);
  ADD ("/store/open/corrupt-database-is-moved-aside", test_corrupt_database_is_moved_aside);
  ADD ("/store/ingest/all-or-nothing", test_ingest_is_all_or_nothing);
  ADD ("/store/rollups/equal-independent-computation", test_rollups_equal_independent_computation);
  ADD ("/store/rollups/idempotent-and-resumable", test_maintenance_is_idempotent_and_resumable);
  ADD ("/store/retention/keeps-exactly-promised-rows", test_retention_keeps_exactly_promised_rows);
  ADD ("/store/energy/per-device-and-priced", test_energy_per_device_and_priced);
  ADD ("/store/rollups/late-readings-are-rolled-up", test_late_readings_are_rolled_up);
  ADD ("/store/energy/daily-tier-keeps-hour-profile", test_daily_tier_keeps_hour_profile);
  ADD ("/store/query/group-sums-a-room", test_group_query_sums_a_room);
  ADD ("/store/writer/stores-everything-pushed", test_writer_stores_everything_pushed);
  ADD ("/store/writer/sigkill-loses-nothing-committed", test_sigkill_during_ingest_loses_nothing_committed);
  ADD ("/store/backup/rotates-and-restore-checks-first", test_backup_rotates_and_restore_checks_first);
  ADD ("/store/hot-tier/current-recent-hour-and-today", test_hot_tier_current_recent_hour_and_today);
#undef ADD

  return g_test_run ();
}
