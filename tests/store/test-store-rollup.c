/* test-store-rollup.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Rolling up, pricing and re-pricing, checked against sums computed here
 * from the raw samples: a live reading that comes late is rolled up, not
 * left for retention; what `db maintain` rolls up is priced with the
 * stored tariff (through the real CLI too); re-pricing does the newest day
 * first and ends where pricing the raw energy with the new tariff ends. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "aether-core.h"
#include "aether-test-util.h"

#define T0 G_GINT64_CONSTANT (1705276800)   /* Monday 2024-01-15 00:00:00 UTC */
#define US(s) ((gint64)(s) * G_USEC_PER_SEC)

/* The demo home's tariff (plugins/simulator): weekday peak 16:00–21:00. */
static const char demo_tariff[] =
  "{ \"rate_id\": \"demo-home-tou\", \"provider\": \"Demo Power & Light\","
  "  \"plan_name\": \"Time-of-Use (demo home)\", \"effective_date\": \"2020-01-01\", \"currency\": \"USD\","
  "  \"rate_structure\": { \"type\": \"time_of_use\", \"periods\": ["
  "    { \"name\": \"peak\", \"rate\": 0.38, \"unit\": \"kWh\","
  "      \"days\": [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\"], \"hours\": \"16:00-21:00\" },"
  "    { \"name\": \"off_peak\", \"rate\": 0.22, \"unit\": \"kWh\","
  "      \"days\": [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\"], \"hours\": \"00:00-16:00,21:00-24:00\" },"
  "    { \"name\": \"weekend\", \"rate\": 0.15, \"unit\": \"kWh\","
  "      \"days\": [\"saturday\", \"sunday\"], \"hours\": \"00:00-24:00\" } ] },"
  "  \"fixed_charges\": { \"monthly_service\": 10.00 } }";

/* The demo tariff's rate at a UTC instant (the tests run in UTC), written
 * out here rather than asked of the engine under test. */
static double
demo_rate_at (gint64 unix_s)
{
  g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc (unix_s);
  int dow = g_date_time_get_day_of_week (t);
  int hour = g_date_time_get_hour (t);

  if (dow >= 6)
    return 0.15;
  return hour >= 16 && hour < 21 ? 0.38 : 0.22;
}

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

  f->dir = g_dir_make_tmp ("aether-rollup-XXXXXX", &error);
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

static AetherTariff *
tariff_from_json (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  g_autoptr(AetherRateSchedule) schedule = NULL;
  AetherTariff *tariff = aether_tariff_new ();

  g_assert_no_error (error);
  schedule = aether_rate_schedule_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (aether_tariff_add_schedule (tariff, schedule, &error));
  g_assert_no_error (error);
  return tariff;
}

static AetherTariff *
flat_tariff (double rate)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  g_autofree char *json = g_strdup_printf ("{ \"rate_id\": \"flat-%s\", \"effective_date\": \"2020-01-01\","
                                           "  \"currency\": \"USD\", \"rate_structure\": { \"type\": \"flat\","
                                           "  \"periods\": [ { \"name\": \"all\", \"rate\": %s, \"unit\": \"kWh\","
                                           "  \"days\": [\"all\"], \"hours\": \"00:00-24:00\" } ] } }",
                                           g_ascii_dtostr (buf, sizeof buf, rate), buf);

  return tariff_from_json (json);
}

/* Power readings of one device, one every @step_s from @start_s. */
static GArray *
power_readings (const char *device,
                gint64      start_s,
                guint       n,
                guint       step_s,
                double    (*watts) (guint i))
{
  GArray *readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));

  g_array_set_clear_func (readings, (GDestroyNotify)aether_reading_clear);
  for (guint i = 0; i < n; i++)
    {
      AetherReading r = {
        .timestamp_us = US (start_s + (gint64)i * step_s),
        .device_id = g_strdup (device),
        .metric_type = g_strdup ("power"),
        .value = watts (i),
        .unit = g_strdup ("W"),
      };

      g_array_append_val (readings, r);
    }

  return readings;
}

static double
hundred_watts (guint i)
{
  return 100.0;
}

static double
varying_watts (guint i)
{
  return 100.0 + (double)(i % 50) * 7.0;
}

static double
total (AetherStore *store,
       gint64       from_s,
       gint64       to_s,
       gboolean     cost)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) totals = aether_store_energy_totals (store, US (from_s), US (to_s), "device", &error);
  double sum = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < totals->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (totals, i);

      sum += cost ? t->cost : t->energy_wh;
    }

  return sum;
}

/* The trapezoid rule over samples a fixed step apart, each segment in the
 * minute it starts in (the samples here never straddle a minute edge),
 * priced at that minute's rate when @rate is given. */
static double
independent_sum (GArray  *readings,
                 double (*rate) (gint64 unix_s))
{
  double sum = 0;

  for (guint i = 0; i + 1 < readings->len; i++)
    {
      const AetherReading *a = &g_array_index (readings, AetherReading, i);
      const AetherReading *b = &g_array_index (readings, AetherReading, i + 1);
      double wh = (a->value + b->value) / 2.0 * (double)(b->timestamp_us - a->timestamp_us) / G_USEC_PER_SEC / 3600.0;

      sum += rate ? wh / 1000.0 * rate (a->timestamp_us / G_USEC_PER_SEC) : wh;
    }

  return sum;
}

/* ---- A late live reading ----------------------------------------------- */

/* A plug buffered a reading and the writer stores it 300 s after a minute
 * that maintenance already rolled: the minute is rolled again with it, and
 * the segment that straddles the rewound edge is counted once. */
static void
test_late_live_reading_is_rolled_up (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(AetherStoreWriter) writer = aether_store_writer_new (f->path, 50, 100000, &error);
  g_autoptr(GArray) readings = power_readings ("lamp", T0, 180, 10, hundred_watts);   /* 30 minutes */
  g_autoptr(GArray) buckets = NULL;
  const gint64 minute = T0 + 1200;
  AetherReading late = {
    .timestamp_us = US (minute + 5),
    .device_id = (char *)"lamp",
    .metric_type = (char *)"power",
    .value = 1000.0,
    .unit = (char *)"W",
  };
  const AetherBucket *b;

  g_assert_no_error (error);
  aether_store_writer_set_time_zone (writer, utc);

  for (guint i = 0; i < readings->len; i++)
    aether_reading_sink_push (AETHER_READING_SINK (writer), &g_array_index (readings, AetherReading, i));
  g_assert_true (aether_reading_sink_flush (AETHER_READING_SINK (writer), &error));
  g_assert_no_error (error);

  /* Everything up to T0 + 30 min is rolled... */
  g_assert_true (aether_store_maintain (f->store, US (T0 + 1800), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (total (f->store, minute, minute + 60, FALSE), 100.0 * 60 / 3600, 1e-9);

  /* ...then the late reading arrives, timed 300 s before the newest
   * rolled minute starts (T0 + 25 min), through the live path. */
  g_assert_cmpint (US (T0 + 1500) - late.timestamp_us, ==, US (295));
  aether_reading_sink_push (AETHER_READING_SINK (writer), &late);
  g_assert_true (aether_reading_sink_flush (AETHER_READING_SINK (writer), &error));
  g_assert_no_error (error);

  /* An hour later: without the rewind, retention would drop it unrolled. */
  aether_clock_set_us (f->clock, US (T0 + 1800 + 3600 + 600));
  g_assert_true (aether_store_maintain (f->store, US (T0 + 1800 + 3600 + 600), NULL, &error));
  g_assert_no_error (error);

  buckets = aether_store_query (f->store, "lamp", "power", US (minute), US (minute + 60), 0, AETHER_TIER_1M, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (buckets->len, ==, 1);
  b = &g_array_index (buckets, AetherBucket, 0);
  g_assert_cmpint (b->start_us, ==, US (minute));
  g_assert_cmpuint (b->count, ==, 7);
  g_assert_cmpfloat (b->max, ==, 1000.0);

  /* Its minute: 1200→1205→1210 at (100 + 1000) / 2 for 10 s, then 50 s at 100 W. */
  g_assert_cmpfloat_with_epsilon (total (f->store, minute, minute + 60, FALSE), (550.0 * 10 + 100.0 * 50) / 3600, 1e-9);
  /* The minute before keeps its own energy, counted once. */
  g_assert_cmpfloat_with_epsilon (total (f->store, minute - 60, minute, FALSE), 100.0 * 60 / 3600, 1e-9);

  /* And the whole half hour is the trapezoid rule over every raw sample. */
  {
    /* Borrowed strings: no clear function. */
    g_autoptr(GArray) all = g_array_new (FALSE, TRUE, sizeof (AetherReading));

    g_array_append_vals (all, readings->data, readings->len);
    g_array_insert_val (all, 121, late);
    g_assert_cmpint (g_array_index (all, AetherReading, 120).timestamp_us, ==, US (minute));
    g_assert_cmpfloat_with_epsilon (total (f->store, T0, T0 + 1800, FALSE), independent_sum (all, NULL), 1e-9);
  }

  g_assert_true (aether_store_writer_close (writer, &error));
  g_assert_no_error (error);
}

/* ---- Pricing with the stored tariff ------------------------------------ */

/* Maintenance prices what it rolls up with the tariff built from the
 * stored schedules, at the rate in force minute by minute. */
static void
test_maintain_prices_with_stored_tariff (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) schedule = json_from_string (demo_tariff, NULL);
  g_autoptr(AetherTariff) tariff = NULL;
  /* Monday 15:00–17:00: off-peak, then peak */
  g_autoptr(GArray) readings = power_readings ("oven", T0 + 15 * 3600, 120, 60, varying_watts);
  g_autofree char *id = NULL;
  guint n = 0;
  double want;

  id = aether_rates_add_schedule (f->store, schedule, US (T0), FALSE, &error);
  g_assert_no_error (error);
  tariff = aether_rates_load_tariff (f->store, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  aether_store_set_pricer (f->store, AETHER_PRICER (tariff));

  g_assert_true (aether_store_ingest (f->store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_true (aether_store_maintain (f->store, US (T0 + 18 * 3600), NULL, &error));
  g_assert_no_error (error);

  want = independent_sum (readings, demo_rate_at);
  g_assert_cmpfloat (want, >, 0);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, T0 + 86400, FALSE), independent_sum (readings, NULL), 1e-9);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, T0 + 86400, TRUE), want, 1e-9);
}

/* ---- Re-pricing -------------------------------------------------------- */

/* After an edit the newest day has the new price after the first slice;
 * older days follow. */
static void
test_reprice_newest_day_first (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherTariff) cheap = flat_tariff (0.1);
  g_autoptr(AetherTariff) dear = flat_tariff (0.2);
  g_autoptr(GArray) readings = power_readings ("lamp", T0, 3 * 1440, 60, hundred_watts);
  double day_wh = 100.0 * 24;   /* a whole day at 100 W */
  guint left = 99;

  aether_store_set_pricer (f->store, AETHER_PRICER (cheap));
  g_assert_true (aether_store_ingest (f->store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_true (aether_store_maintain (f->store, US (T0 + 3 * 86400 + 60), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, T0 + 86400, TRUE), 0.1 * day_wh / 1000, 1e-9);

  aether_store_set_pricer (f->store, AETHER_PRICER (dear));
  g_assert_true (aether_store_add_reprice_job (f->store, US (T0), US (T0 + 3 * 86400), &error));
  g_assert_cmpuint (aether_store_get_n_reprice_jobs (f->store), ==, 1);
  /* A second edit over the same days joins the job instead of doubling it. */
  g_assert_true (aether_store_add_reprice_job (f->store, US (T0 + 86400), US (T0 + 2 * 86400), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aether_store_get_n_reprice_jobs (f->store), ==, 1);

  g_assert_true (aether_store_run_reprice_jobs (f->store, 1, &left, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (left, ==, 2);
  /* The last day (less its last minute, whose segment has no end) is new... */
  g_assert_cmpfloat_with_epsilon (total (f->store, T0 + 2 * 86400, T0 + 3 * 86400, TRUE),
                                  0.2 * 100.0 * (1440 - 1) / 60 / 1000, 1e-9);
  /* ...the first two are not yet. */
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, T0 + 86400, TRUE), 0.1 * day_wh / 1000, 1e-9);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0 + 86400, T0 + 2 * 86400, TRUE), 0.1 * day_wh / 1000, 1e-9);

  g_assert_true (aether_store_run_reprice_jobs (f->store, 1, &left, &error));
  g_assert_cmpuint (left, ==, 1);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0 + 86400, T0 + 2 * 86400, TRUE), 0.2 * day_wh / 1000, 1e-9);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, T0 + 86400, TRUE), 0.1 * day_wh / 1000, 1e-9);

  g_assert_true (aether_store_run_reprice_jobs (f->store, 0, &left, &error));
  g_assert_cmpuint (left, ==, 0);
  g_assert_cmpuint (aether_store_get_n_reprice_jobs (f->store), ==, 0);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, T0 + 86400, TRUE), 0.2 * day_wh / 1000, 1e-9);
}

static void
record_progress (double   fraction,
                 gpointer user_data)
{
  g_array_append_val ((GArray *)user_data, fraction);
}

/* Ten days, the older ones kept only as days (retention removed their
 * finer tiers), re-priced from a flat rate to time-of-use on the worker
 * thread: the total is the raw energy priced minute by minute with the
 * new tariff, and progress climbs after every slice but the last (the
 * result says when it is all done). */
static void
test_reprice_total_is_raw_energy_at_new_tariff (Fixture       *f,
                                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherTariff) flat = flat_tariff (0.3);
  g_autoptr(AetherTariff) tou = tariff_from_json (demo_tariff);
  g_autoptr(AetherTariff) worker_tou = tariff_from_json (demo_tariff);
  g_autoptr(GArray) readings = power_readings ("heater", T0, 10 * 1440, 60, varying_watts);
  g_autoptr(GArray) progress = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GAsyncResult) result = NULL;
  AetherRetention keep;
  const gint64 end = T0 + 10 * 86400;
  double energy = independent_sum (readings, NULL);
  double want = independent_sum (readings, demo_rate_at);
  guint slices = 0;

  aether_retention_init_defaults (&keep);
  keep.energy_s[AETHER_TIER_1M] = 2 * 86400;
  keep.energy_s[AETHER_TIER_5M] = 3 * 86400;
  keep.energy_s[AETHER_TIER_1H] = 4 * 86400;
  aether_store_set_retention (f->store, &keep);
  aether_store_set_pricer (f->store, AETHER_PRICER (flat));

  g_assert_true (aether_store_ingest (f->store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_true (aether_store_maintain (f->store, US (end + 60), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, end, FALSE), energy, 1e-6);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, end, TRUE), 0.3 * energy / 1000, 1e-6);

  aether_store_set_pricer (f->store, AETHER_PRICER (tou));
  g_assert_true (aether_store_add_reprice_job (f->store, US (T0), US (end + 60), &error));
  aether_store_reprice_jobs_async (f->store, AETHER_PRICER (worker_tou), record_progress,
                                   g_array_ref (progress), (GDestroyNotify)g_array_unref,
                                   NULL, aether_test_store_result, &result);
  g_assert_true (aether_store_reprice_jobs_finish (f->store, aether_test_wait_for (&result), &slices, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (slices, ==, 10);   /* ten days; the minute after holds nothing */

  /* Progress reports come from the worker, delivered on this context. */
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_cmpuint (progress->len, ==, slices - 1);
  g_assert_cmpfloat (g_array_index (progress, double, 0), >, 0.0);
  for (guint i = 1; i < progress->len; i++)
    g_assert_cmpfloat (g_array_index (progress, double, i), >, g_array_index (progress, double, i - 1));
  g_assert_cmpfloat (g_array_index (progress, double, progress->len - 1), <, 1.0);

  g_assert_cmpuint (aether_store_get_n_reprice_jobs (f->store), ==, 0);
  g_assert_cmpfloat_with_epsilon (total (f->store, T0, end, TRUE), want, 1e-6);
  /* A day only the daily tier still holds, priced from its hour profile. */
  {
    g_autoptr(GArray) day = g_array_new (FALSE, TRUE, sizeof (AetherReading));
    double day_want;

    g_array_append_vals (day, readings->data, 1441);
    day_want = independent_sum (day, demo_rate_at);
    g_assert_cmpfloat_with_epsilon (total (f->store, T0, T0 + 86400, TRUE), day_want, 1e-6);
  }
}

static void
on_progress_notify (AetherService *service,
                    GParamSpec    *pspec,
                    GArray        *seen)
{
  double fraction = aether_service_get_reprice_progress (service);

  g_array_append_val (seen, fraction);
}

static void
wait_for_repricing (AetherService *service)
{
  while (aether_service_get_reprice_progress (service) < 1.0)
    g_main_context_iteration (NULL, TRUE);
}

/* The service re-prices after an edit on its own (no housekeeping tick
 * needed), off the main loop, and says how far it is. */
static void
test_service_reprices_after_edit (Fixture       *f,
                                  gconstpointer  data)
{
  static const char version[] =
    "{ \"rate_id\": \"flat\", \"effective_date\": \"2020-01-01\", \"currency\": \"USD\","
    "  \"rate_structure\": { \"periods\": [ { \"name\": \"all\", \"rate\": %s, \"days\": [\"all\"],"
    "  \"hours\": \"00:00-24:00\" } ] } }";
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GArray) readings = power_readings ("lamp", T0, 3 * 1440, 60, varying_watts);
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *cheap = g_strdup_printf (version, "0.1");
  g_autofree char *dear = g_strdup_printf (version, "0.2");
  g_autoptr(JsonNode) cheap_json = json_from_string (cheap, NULL);
  g_autoptr(JsonNode) dear_json = json_from_string (dear, NULL);
  g_autofree char *id = NULL;
  const gint64 now = T0 + 3 * 86400 + 60;
  double energy = independent_sum (readings, NULL);
  AetherStore *store;

  aether_clock_set_us (f->clock, US (now));
  service = aether_service_new (f->path, f->clock, &error);
  g_assert_no_error (error);
  store = aether_service_get_store (service);
  g_assert_cmpfloat (aether_service_get_reprice_progress (service), ==, 1.0);

  id = aether_rates_add_schedule (store, cheap_json, US (now), FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aether_service_reload_tariff (service, &error), ==, 1);
  wait_for_repricing (service);

  g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_true (aether_store_maintain (store, US (now), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (total (store, T0, now, TRUE), 0.1 * energy / 1000, 1e-9);

  /* The price is corrected in place, as the Rates page does. */
  g_signal_connect (service, "notify::reprice-progress", G_CALLBACK (on_progress_notify), seen);
  g_clear_pointer (&id, g_free);
  id = aether_rates_add_schedule (store, dear_json, US (now), TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aether_service_reload_tariff (service, &error), ==, 1);
  /* Started at once; the call did not wait for it (the worker may have
   * done a slice already by the time we look). */
  g_assert_cmpfloat (aether_service_get_reprice_progress (service), <, 1.0);
  wait_for_repricing (service);

  g_assert_cmpuint (seen->len, >=, 2);
  g_assert_cmpfloat (g_array_index (seen, double, 0), <, 1.0);
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpfloat (g_array_index (seen, double, i), >=, g_array_index (seen, double, i - 1));
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), ==, 1.0);
  g_assert_cmpuint (aether_store_get_n_reprice_jobs (store), ==, 0);
  g_assert_cmpfloat_with_epsilon (total (store, T0, now, TRUE), 0.2 * energy / 1000, 1e-9);
}

/* Today's cost on the Dashboard comes from the hot tier: a tariff edit
 * (a new pricer) prices today's energy again at once, peak and off-peak
 * quarter hours each at their own new rate. */
static void
test_hot_tier_today_repriced_at_once (void)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  const gint64 start = T0 + 14 * 3600;   /* Monday 14:00, four hours across the peak */
  g_autoptr(AetherClock) clock = aether_clock_new_manual (US (start));
  g_autoptr(AetherHotTier) hot = aether_hot_tier_new (clock, utc);
  g_autoptr(AetherTariff) flat = flat_tariff (0.1);
  g_autoptr(AetherTariff) tou = tariff_from_json (demo_tariff);
  double counter = 5000, want = 0, energy = 0, cost = 0, wh = 0;

  aether_hot_tier_set_pricer (hot, AETHER_PRICER (flat));
  for (gint64 t = start; t <= start + 4 * 3600; t += 10)
    {
      AetherReading r = {
        .timestamp_us = US (t),
        .device_id = (char *)"oven",
        .metric_type = (char *)"energy",
        .value = counter,
        .unit = (char *)"Wh",
      };

      aether_reading_sink_push (AETHER_READING_SINK (hot), &r);
      if (t > start)
        {
          energy += 2.5;
          want += 2.5 / 1000 * demo_rate_at (t - 1);
        }
      counter += 2.5;
    }
  aether_clock_set_us (clock, US (start + 4 * 3600 + 5));

  g_assert_true (aether_hot_tier_get_today (hot, "oven", &wh, &cost));
  g_assert_cmpfloat_with_epsilon (wh, energy, 1e-9);
  g_assert_cmpfloat_with_epsilon (cost, 0.1 * energy / 1000, 1e-9);

  aether_hot_tier_set_pricer (hot, AETHER_PRICER (tou));
  g_assert_true (aether_hot_tier_get_today (hot, "oven", &wh, &cost));
  g_assert_cmpfloat_with_epsilon (cost, want, 1e-9);
  g_assert_cmpfloat (want, >, 0.22 * energy / 1000);   /* two of the hours were peak */
}

/* ---- Through the real CLI ---------------------------------------------- */

/* The demo tariff stored, two hours of backfilled readings ingested and
 * maintained from the CLI: `db energy` shows each device's energy priced
 * at the tariff's rate (Wednesday 09:00–11:00 UTC is off-peak, 0.22). */
static void
test_cli_ingest_maintain_prices (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aether-rollup-cli-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *csv = g_build_filename (dir, "readings.csv", NULL);
  g_autofree char *tariff = g_build_filename (dir, "tariff.json", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GString) text = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autoptr(JsonNode) root = NULL;
  const gint64 start = G_GINT64_CONSTANT (1735722000);   /* Wednesday 2025-01-01 09:00 UTC */
  double want_wh[2] = { 0, 0 };
  JsonArray *totals;

  g_assert_no_error (error);
  for (gint64 t = start; t < start + 7200; t += 10)
    {
      g_string_append_printf (text, "%" G_GINT64_FORMAT ",plug-a,power,%d,W\n", t, 100 + (int)(t % 50));
      g_string_append_printf (text, "%" G_GINT64_FORMAT ",plug-b,power,250,W\n", t);
      if (t + 10 < start + 7200)
        {
          want_wh[0] += (100 + (t % 50) + 100 + ((t + 10) % 50)) / 2.0 * 10 / 3600;
          want_wh[1] += 250.0 * 10 / 3600;
        }
    }
  g_assert_true (g_file_set_contents (csv, text->str, -1, &error));
  g_assert_true (g_file_set_contents (tariff, demo_tariff, -1, &error));

  g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "--db", db, "rates", "add", tariff, NULL }, NULL), ==, 0);
  g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "--db", db, "db", "ingest", csv, NULL }, NULL), ==, 0);
  g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "--db", db, "db", "maintain", "--now", "2025-01-01T12:00:00Z", NULL },
                            NULL), ==, 0);
  g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "--db", db, "db", "energy", "--from", "2025-01-01T00:00:00Z",
                                               "--to", "2025-01-02T00:00:00Z", NULL }, &out), ==, 0);

  root = json_from_string (out, &error);
  g_assert_no_error (error);
  totals = json_object_get_array_member (json_node_get_object (root), "totals");
  g_assert_cmpuint (json_array_get_length (totals), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *t = json_array_get_object_element (totals, i);
      const char *key = json_object_get_string_member (t, "key");
      guint which = g_str_equal (key, "plug-a") ? 0 : 1;
      double kwh = json_object_get_double_member (t, "energy_kwh");

      g_assert_cmpfloat_with_epsilon (kwh, want_wh[which] / 1000, 1e-9);
      g_assert_cmpfloat (json_object_get_double_member (t, "cost"), >, 0);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (t, "cost"), 0.22 * kwh, 1e-9);
    }

  aether_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/rollup/late-live-reading-is-rolled-up", Fixture, NULL,
              fixture_setup, test_late_live_reading_is_rolled_up, fixture_teardown);
  g_test_add ("/store/rollup/maintain-prices-with-stored-tariff", Fixture, NULL,
              fixture_setup, test_maintain_prices_with_stored_tariff, fixture_teardown);
  g_test_add ("/store/reprice/newest-day-first", Fixture, NULL,
              fixture_setup, test_reprice_newest_day_first, fixture_teardown);
  g_test_add ("/store/reprice/total-is-raw-energy-at-new-tariff", Fixture, NULL,
              fixture_setup, test_reprice_total_is_raw_energy_at_new_tariff, fixture_teardown);
  g_test_add ("/store/reprice/service-reprices-after-edit", Fixture, NULL,
              fixture_setup, test_service_reprices_after_edit, fixture_teardown);
  g_test_add_func ("/store/reprice/hot-tier-today-repriced-at-once", test_hot_tier_today_repriced_at_once);
  g_test_add_func ("/store/cli/ingest-maintain-prices-with-stored-tariff", test_cli_ingest_maintain_prices);

  return g_test_run ();
}
