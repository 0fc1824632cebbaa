/* test-demo-backfill.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The demo home's year, backfilled into a real store: every device has
 * energy and cost 300 days ago and in the last 30 days; the mains meter is
 * the devices plus the simulator's untracked load; History's bars (the
 * query the page runs) add up to `db energy` (the real CLI) for the same
 * range; retention finds nothing to delete; a restart keeps it all; the
 * writer thread writes what the store's connection writes; live readings
 * after the join are counted once. */

#define G_LOG_DOMAIN "test-demo-backfill"

#include "config.h"

#include <math.h>

#include "aether-core.h"
#include "aether-sim-home.h"
#include "aether-store-energy-series.h"
#include "aether-test-util.h"

/* 2026-06-15 12:34:56 UTC: the year spans a winter and a summer. Tests run
 * in UTC (tests/meson.build), as does the simulator's local time. */
#define NOW_S G_GINT64_CONSTANT (1781526896)
#define DAY_S G_GINT64_CONSTANT (86400)

typedef struct
{
  char        *dir;
  char        *path;
  AetherClock *clock;
  AetherStore *store;
  GPtrArray   *ids;       /* char *, NULL-terminated */
  AetherBackfillStats stats;
} Fixture;

static gint64
day_start (gint64 unix_s)
{
  return unix_s - unix_s % DAY_S;
}

static void
open_store (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  guint n = 0;

  f->store = aether_store_open (f->path, f->clock, &error);
  g_assert_no_error (error);
  tariff = aether_rates_load_tariff (f->store, &n, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, 1);
  aether_store_set_pricer (f->store, AETHER_PRICER (tariff));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(AetherBackfill) backfill = aether_sim_demo_backfill_new (42, NULL);
  guint days = GPOINTER_TO_UINT (data);

  f->dir = g_dir_make_tmp ("aetherlens-backfill-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "demo.db", NULL);
  f->clock = aether_clock_new_manual (NOW_S * G_USEC_PER_SEC);
  f->store = aether_store_open (f->path, f->clock, &error);
  g_assert_no_error (error);
  devices = aether_sim_add_demo_home (f->store, 42, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&f->store);
  open_store (f);

  f->ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < devices->len; i++)
    g_ptr_array_add (f->ids, g_strdup (json_object_get_string_member (json_node_get_object (g_ptr_array_index (devices, i)),
                                                                      "device_id")));
  g_ptr_array_add (f->ids, NULL);

  if (days > 0)
    {
      g_assert_true (aether_store_backfill (f->store, backfill, days, NULL, NULL, &f->stats, &error));
      g_assert_no_error (error);
      g_assert_false (f->stats.skipped);
    }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->ids, g_ptr_array_unref);
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

static const AetherEnergyTotal *
find_total (GPtrArray  *totals,
            const char *device_id)
{
  for (guint i = 0; i < totals->len; i++)
    if (g_str_equal (((AetherEnergyTotal *)g_ptr_array_index (totals, i))->key, device_id))
      return g_ptr_array_index (totals, i);
  return NULL;
}

static GPtrArray *
totals (Fixture *f,
        gint64   from_s,
        gint64   to_s)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *t = aether_store_energy_totals_for_devices (f->store, (const char * const *)f->ids->pdata,
                                                          from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  return t;
}

/* The simulator's untracked energy over [from, to), second by second. */
static double
untracked_truth_wh (gint64 from_s,
                    gint64 to_s)
{
  g_autoptr(AetherSimHome) home = aether_sim_home_new (42, 0, NULL);
  double wh = 0;

  for (gint64 s = from_s; s < to_s; s++)
    wh += aether_sim_home_untracked_power_at (home, s) / 3600.0;
  return wh;
}

static void
assert_every_device_has_energy (Fixture *f,
                                gint64   from_s,
                                gint64   to_s)
{
  g_autoptr(GPtrArray) t = totals (f, from_s, to_s);

  for (guint i = 0; i + 1 < f->ids->len; i++)
    {
      const AetherEnergyTotal *total = find_total (t, g_ptr_array_index (f->ids, i));

      g_test_message ("%s: %.3f kWh, %.3f", (char *)g_ptr_array_index (f->ids, i),
                      total ? total->energy_wh / 1000 : 0, total ? total->cost : 0);
      g_assert_nonnull (total);
      g_assert_cmpfloat (total->energy_wh, >, 0);
      g_assert_cmpfloat (total->cost, >, 0);
    }
}

static void
assert_mains_is_devices_and_untracked (Fixture *f,
                                       gint64   from_s,
                                       gint64   to_s)
{
  g_autoptr(GPtrArray) t = totals (f, from_s, to_s);
  double devices = 0, mains = 0;
  double untracked = untracked_truth_wh (from_s, to_s);

  for (guint i = 0; i < t->len; i++)
    {
      AetherEnergyTotal *total = g_ptr_array_index (t, i);

      if (g_str_equal (total->key, "demo-mains"))
        mains = total->energy_wh;
      else
        devices += total->energy_wh;
    }
  g_test_message ("mains %.1f Wh, devices %.1f Wh, untracked %.1f Wh", mains, devices, untracked);
  g_assert_cmpfloat (mains, >, 0);
  g_assert_cmpfloat (fabs (mains - (devices + untracked)), <=, 0.005 * mains);
}

static void
test_every_device (Fixture       *f,
                   gconstpointer  data)
{
  gint64 day_300 = day_start (NOW_S - 300 * DAY_S);

  g_assert_cmpuint (f->stats.days, >=, 365);
  g_assert_cmpint (f->stats.to_s, ==, NOW_S - NOW_S % 60);
  assert_every_device_has_energy (f, day_300, day_300 + DAY_S);
  assert_every_device_has_energy (f, NOW_S - 30 * DAY_S, NOW_S);
}

static void
test_mains (Fixture       *f,
            gconstpointer  data)
{
  gint64 day_300 = day_start (NOW_S - 300 * DAY_S);

  /* A day only the daily tier keeps, one of hours, one of minutes. */
  assert_mains_is_devices_and_untracked (f, day_300, day_300 + DAY_S);
  assert_mains_is_devices_and_untracked (f, day_start (NOW_S - 60 * DAY_S), day_start (NOW_S - 59 * DAY_S));
  assert_mains_is_devices_and_untracked (f, day_start (NOW_S - 3 * DAY_S), day_start (NOW_S - 2 * DAY_S));
}

static void
test_seasons (Fixture       *f,
              gconstpointer  data)
{
  /* Heating in January, cooling in July (of the year before NOW), little
   * in between. */
  gint64 january = G_GINT64_CONSTANT (1768435200);   /* 2026-01-15 */
  gint64 april = G_GINT64_CONSTANT (1776211200);     /* 2026-04-15 */
  gint64 july = G_GINT64_CONSTANT (1752537600);      /* 2025-07-15 */
  g_autoptr(GPtrArray) jan = totals (f, january, january + 7 * DAY_S);
  g_autoptr(GPtrArray) apr = totals (f, april, april + 7 * DAY_S);
  g_autoptr(GPtrArray) jul = totals (f, july, july + 7 * DAY_S);
  double hp_jan = find_total (jan, "demo-heat_pump")->energy_wh;
  double hp_apr = find_total (apr, "demo-heat_pump")->energy_wh;
  double hp_jul = find_total (jul, "demo-heat_pump")->energy_wh;

  g_test_message ("heat pump a week: January %.1f kWh, April %.1f kWh, July %.1f kWh",
                  hp_jan / 1000, hp_apr / 1000, hp_jul / 1000);
  g_assert_cmpfloat (hp_jan, >, 2 * hp_apr);
  g_assert_cmpfloat (hp_jul, >, 2 * hp_apr);
  g_assert_cmpfloat (hp_jan, >, hp_jul);
}

/* History's year: a bar per month, from the same query the page runs. */
static GPtrArray *
month_bars (Fixture *f,
            gint64   from_s,
            guint    n_months)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) first = g_date_time_new_from_unix_utc (from_s);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherTariff) tariff = aether_rates_load_tariff (f->store, NULL, NULL);
  GPtrArray *series;

  for (guint m = 0; m <= n_months; m++)
    {
      g_autoptr(GDateTime) month = g_date_time_add_months (first, (int)m);
      gint64 us = g_date_time_to_unix (month) * G_USEC_PER_SEC;

      g_array_append_val (edges, us);
    }
  series = aether_store_energy_series_for_devices (f->store, (const char * const *)f->ids->pdata,
                                                   (const gint64 *)(gpointer)edges->data, edges->len,
                                                   AETHER_PRICER (tariff), NULL, &error);
  g_assert_no_error (error);
  return series;
}

static double
bars_sum (GPtrArray  *series,
          const char *device_id,
          double     *cost)
{
  double wh = 0;

  *cost = 0;
  for (guint b = 0; b < series->len; b++)
    {
      const AetherEnergyTotal *t = find_total (g_ptr_array_index (series, b), device_id);

      if (t != NULL)
        {
          wh += t->energy_wh;
          *cost += t->cost;
        }
    }
  return wh;
}

static JsonObject *
db_energy (Fixture    *f,
           const char *from,
           const char *to)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;

  g_assert_cmpint (aether_test_run_cli (f->path, &out, &err, "db", "energy", "--from", from, "--to", to, NULL), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (root));
}

static void
assert_bars_equal_db_energy (Fixture *f)
{
  /* July 2025 to June 2026: twelve months, the last going on. */
  gint64 from_s = G_GINT64_CONSTANT (1751328000);   /* 2025-07-01 */
  g_autoptr(GPtrArray) bars = month_bars (f, from_s, 12);
  g_autoptr(JsonObject) cli = db_energy (f, "2025-07-01T00:00:00Z", "2026-07-01T00:00:00Z");
  JsonArray *rows = json_object_get_array_member (cli, "totals");
  JsonObject *total = json_object_get_object_member (cli, "total");
  double cost;

  g_assert_cmpuint (json_array_get_length (rows), ==, f->ids->len - 1);
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *id = json_object_get_string_member (row, "key");
      double wh = bars_sum (bars, id, &cost);

      g_assert_cmpfloat_with_epsilon (wh / 1000, json_object_get_double_member (row, "energy_kwh"),
                                      1e-6 * MAX (1, wh / 1000));
      g_assert_cmpfloat_with_epsilon (cost, json_object_get_double_member (row, "cost"), 1e-6 * MAX (1, cost));
    }
  /* The whole home is the meter (the home rule), both ways. */
  g_assert_cmpfloat_with_epsilon (bars_sum (bars, "demo-mains", &cost) / 1000,
                                  json_object_get_double_member (total, "energy_kwh"), 1e-6 * 10000);
}

static void
test_bars_equal_db_energy (Fixture       *f,
                           gconstpointer  data)
{
  assert_bars_equal_db_energy (f);
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) before = totals (f, NOW_S - 366 * DAY_S, NOW_S);
  g_autoptr(GPtrArray) after = NULL;
  AetherMaintainStats stats;

  g_clear_object (&f->store);
  open_store (f);

  /* What the service runs first: nothing for retention to delete (the
   * backfill left exactly what it keeps), nothing rolled twice. */
  g_assert_true (aether_store_maintain (f->store, NOW_S * G_USEC_PER_SEC, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.deleted, ==, 0);

  after = totals (f, NOW_S - 366 * DAY_S, NOW_S);
  g_assert_cmpuint (after->len, ==, before->len);
  for (guint i = 0; i < before->len; i++)
    {
      AetherEnergyTotal *a = g_ptr_array_index (before, i);
      const AetherEnergyTotal *b = find_total (after, a->key);

      g_assert_nonnull (b);
      g_assert_cmpfloat_with_epsilon (a->energy_wh, b->energy_wh, 1e-6 * MAX (1, a->energy_wh));
      g_assert_cmpfloat_with_epsilon (a->cost, b->cost, 1e-6 * MAX (1, a->cost));
    }
  assert_bars_equal_db_energy (f);
}

static void
test_again_skipped (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherBackfill) backfill = aether_sim_demo_backfill_new (42, NULL);
  AetherBackfillStats stats;

  g_assert_true (aether_store_backfill (f->store, backfill, 365, NULL, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_true (stats.skipped);
  g_assert_cmpuint (stats.rows, ==, 0);
}

/* Live readings from the join on: a minute after it is counted once. */
static void
test_join (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherSimHome) home = aether_sim_home_new (42, 0, NULL);
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  gint64 join = f->stats.to_s;
  gint64 later = join + 30 * 60;
  g_autoptr(GPtrArray) before = totals (f, join - 3600, join);
  g_autoptr(GPtrArray) around = NULL;
  g_autoptr(GPtrArray) backfilled = NULL;
  double truth = 0;

  /* The router every 10 s from 5 s after the join, for half an hour. */
  for (gint64 t = join + 5; t < later; t += 10)
    {
      AetherReading r = { t * G_USEC_PER_SEC, (char *)"demo-router", (char *)"power",
                          aether_sim_home_power_at (home, AETHER_SIM_ROUTER, t), (char *)"W" };

      g_array_append_val (readings, r);
    }
  for (gint64 s = join - 3600; s < later; s++)
    truth += aether_sim_home_power_at (home, AETHER_SIM_ROUTER, s) / 3600.0;

  aether_clock_set_us (f->clock, (later + 120) * G_USEC_PER_SEC);
  g_assert_true (aether_store_ingest (f->store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_no_error (error);
  g_assert_true (aether_store_maintain (f->store, (later + 120) * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);

  around = totals (f, join - 3600, later);
  /* The backfilled hour is unchanged; the two together are the truth but
   * for the five seconds before the first live reading. */
  backfilled = totals (f, join - 3600, join);
  g_assert_cmpfloat_with_epsilon (find_total (backfilled, "demo-router")->energy_wh,
                                  find_total (before, "demo-router")->energy_wh, 1e-9);
  g_test_message ("router: stored %.4f Wh, truth %.4f Wh", find_total (around, "demo-router")->energy_wh, truth);
  g_assert_cmpfloat (fabs (find_total (around, "demo-router")->energy_wh - truth), <, 0.01 * truth);
}

/* The writer thread (the app's path) writes what the store's connection
 * writes. */
static void
test_writer_thread (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStoreWriter) writer = aether_store_writer_new (f->path, 1000, 5000, &error);
  g_autoptr(AetherBackfill) backfill = aether_sim_demo_backfill_new (42, NULL);
  g_autoptr(AetherTariff) tariff = aether_rates_load_tariff (f->store, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) t = NULL;
  AetherBackfillStats stats;
  const AetherBackfillMinute *today;
  guint n_today = 0;
  double today_wh = 0;

  g_assert_no_error (error);
  aether_store_writer_backfill_async (writer, f->store, backfill, 10, AETHER_PRICER (tariff), NULL, NULL, NULL, NULL,
                                      aether_test_store_result, &result);
  aether_test_wait_for (&result);
  g_assert_true (aether_store_writer_backfill_finish (writer, result, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.days, ==, 11);
  g_assert_true (aether_store_writer_close (writer, &error));

  assert_every_device_has_energy (f, NOW_S - 10 * DAY_S, NOW_S);
  assert_mains_is_devices_and_untracked (f, day_start (NOW_S - 5 * DAY_S), day_start (NOW_S - 4 * DAY_S));

  /* Today's minutes for the hot tier: what the store holds for today. */
  today = aether_backfill_get_today (backfill, &n_today);
  for (guint i = 0; i < n_today; i++)
    if (g_str_equal (aether_backfill_get_device_id (backfill, today[i].series), "demo-fridge"))
      today_wh += today[i].energy_wh;
  t = totals (f, day_start (NOW_S), NOW_S);
  g_assert_cmpfloat_with_epsilon (today_wh, find_total (t, "demo-fridge")->energy_wh, 1e-6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/backfill/every-device", Fixture, GUINT_TO_POINTER (365), fixture_set_up, test_every_device, fixture_tear_down);
  g_test_add ("/backfill/mains", Fixture, GUINT_TO_POINTER (365), fixture_set_up, test_mains, fixture_tear_down);
  g_test_add ("/backfill/seasons", Fixture, GUINT_TO_POINTER (365), fixture_set_up, test_seasons, fixture_tear_down);
  g_test_add ("/backfill/bars-equal-db-energy", Fixture, GUINT_TO_POINTER (365), fixture_set_up,
              test_bars_equal_db_energy, fixture_tear_down);
  g_test_add ("/backfill/restart", Fixture, GUINT_TO_POINTER (365), fixture_set_up, test_restart, fixture_tear_down);
  g_test_add ("/backfill/again-skipped", Fixture, GUINT_TO_POINTER (30), fixture_set_up, test_again_skipped, fixture_tear_down);
  g_test_add ("/backfill/join", Fixture, GUINT_TO_POINTER (3), fixture_set_up, test_join, fixture_tear_down);
  g_test_add ("/backfill/writer-thread", Fixture, GUINT_TO_POINTER (0), fixture_set_up, test_writer_thread, fixture_tear_down);

  return g_test_run ();
}
