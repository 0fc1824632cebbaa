/* test-store-energy-edges.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The energy tiers at their edges, each checked against a sum written out
 * here over the raw readings (not asked of the energy rule under test):
 * a meter sampled every 15 minutes keeps all its energy; the coarser tiers
 * rolled in many short maintenance passes are the tiers rolled in one; the
 * same readings ingested again, or a later file that overlaps what was
 * rolled up, count nothing twice; and a restart in the middle changes
 * none of it. Each tier is summed straight from its table, and the store's
 * totals (`db energy`, the Dashboard) and hourly bars (History) must give
 * the same figure. */

#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "store/aether-store-energy-series.h"

#define T0 G_GINT64_CONSTANT (1767225600)   /* Thursday 2026-01-01 00:00:00 UTC */
#define US(s) ((gint64)(s) * G_USEC_PER_SEC)
#define DAY 86400

/* ---- The readings and what they hold, worked out here ------------------- */

/* A device's readings on a grid: every @interval_s from @phase_s. */
typedef struct
{
  const char *device;
  const char *metric;    /* "power" (W) or "energy" (a counter, Wh) */
  gint64      interval_s;
  gint64      phase_s;
} Source;

static const Source plug = { "plug", "power", 10, 7 };
static const Source meter = { "meter", "power", 900, 0 };
static const Source greenbutton = { "greenbutton", "energy", 900, 0 };

static double
value_at (const Source *s,
          gint64        t)
{
  gint64 k = (t - T0 - s->phase_s) / s->interval_s;

  if (g_str_equal (s->metric, "energy"))
    return 150.0 * (double)k + 40.0 * (double)(k % 3);
  if (s->interval_s >= 900)
    return 2000.0 + 250.0 * (double)(k % 7);
  return 300.0 + (double)((k * 7919) % 1000);
}

static void
add_readings (GArray       *readings,
              const Source *s,
              gint64        from_s,
              gint64        to_s)
{
  gint64 first = T0 + s->phase_s + ((MAX (from_s, T0) - T0 - s->phase_s + s->interval_s - 1) / s->interval_s) * s->interval_s;

  for (gint64 t = first; t < to_s; t += s->interval_s)
    {
      AetherReading r = { US (t), (char *)s->device, (char *)s->metric, value_at (s, t),
                          (char *)(g_str_equal (s->metric, "energy") ? "Wh" : "W") };

      g_array_append_val (readings, r);
    }
}

/* The instants of a source that are stored: the union of what was ingested. */
typedef struct
{
  const Source *source;
  GArray       *times;   /* gint64 seconds, sorted, unique */
} Truth;

static int
compare_times (gconstpointer a,
               gconstpointer b)
{
  gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;

  return (x > y) - (x < y);
}

static void
truth_add (Truth  *truth,
           gint64  from_s,
           gint64  to_s)
{
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) merged = g_array_new (FALSE, FALSE, sizeof (gint64));

  add_readings (readings, truth->source, from_s, to_s);
  for (guint i = 0; i < truth->times->len; i++)
    g_hash_table_add (seen, &g_array_index (truth->times, gint64, i));
  g_array_append_vals (merged, truth->times->data, truth->times->len);
  for (guint i = 0; i < readings->len; i++)
    {
      gint64 t = g_array_index (readings, AetherReading, i).timestamp_us / G_USEC_PER_SEC;

      if (!g_hash_table_contains (seen, &t))
        g_array_append_val (merged, t);
    }
  g_array_sort (merged, compare_times);
  g_array_set_size (truth->times, 0);
  g_array_append_vals (truth->times, merged->data, merged->len);
}

/* The energy of the readings within [from, to): the trapezoid between
 * power samples, cut at the range's edges; a counter's deltas, cut in
 * proportion to time. A power segment longer than three of the source's
 * intervals adds nothing, nor does the very first one of a series when it
 * is longer than five minutes (the interval is not known yet): the gap
 * rule as DESIGN.md states it. */
static double
truth_wh (Truth  *truth,
          gint64  from_s,
          gint64  to_s)
{
  const Source *s = truth->source;
  GArray *times = truth->times;
  double wh = 0;

  for (guint i = 1; i < times->len; i++)
    {
      gint64 t0 = g_array_index (times, gint64, i - 1);
      gint64 t1 = g_array_index (times, gint64, i);
      gint64 lo = MAX (t0, from_s), hi = MIN (t1, to_s);
      double v0 = value_at (s, t0), v1 = value_at (s, t1);

      if (hi <= lo)
        continue;
      if (g_str_equal (s->metric, "energy"))
        wh += (v1 - v0) * (double)(hi - lo) / (double)(t1 - t0);
      else if (!(t1 - t0 > 3 * s->interval_s || (i == 1 && t1 - t0 > 300)))
        {
          double pa = v0 + (v1 - v0) * (double)(lo - t0) / (double)(t1 - t0);
          double pb = v0 + (v1 - v0) * (double)(hi - t0) / (double)(t1 - t0);

          wh += (pa + pb) / 2.0 * (double)(hi - lo) / 3600.0;
        }
    }
  return wh;
}

/* ---- The store --------------------------------------------------------- */

typedef struct
{
  char        *dir;
  char        *path;
  AetherClock *clock;
  GTimeZone   *tz;
  AetherStore *store;
} Fixture;

static void
fixture_open (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  AetherRetention keep_all = { 0 };

  f->store = aether_store_open (f->path, f->clock, &error);
  g_assert_no_error (error);
  aether_store_set_time_zone (f->store, f->tz);
  /* Everything kept: the tiers are compared with the raw readings. */
  aether_store_set_retention (f->store, &keep_all);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("aether-energy-edges-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (US (T0 + 10 * DAY));
  /* Days that start at a half hour, so a day's edge is not an hour's. */
  f->tz = g_time_zone_new_identifier (data != NULL ? data : "UTC");
  g_assert_nonnull (f->tz);
  fixture_open (f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->tz, g_time_zone_unref);
  aether_test_remove_dir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* Closes the store and opens it again, as a restart does. */
static void
fixture_restart (Fixture *f)
{
  g_clear_object (&f->store);
  fixture_open (f);
}

static void
ingest (Fixture      *f,
        const Source *s,
        gint64        from_s,
        gint64        to_s,
        Truth        *truth)
{
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GError) error = NULL;

  add_readings (readings, s, from_s, to_s);
  g_assert_true (aether_store_ingest (f->store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_no_error (error);
  if (truth != NULL)
    truth_add (truth, from_s, to_s);
}

static void
maintain (Fixture *f,
          gint64   now_s)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aether_store_maintain (f->store, US (now_s), NULL, &error));
  g_assert_no_error (error);
}

static double
tier_wh (Fixture    *f,
         const char *tier,
         const char *device,
         gint64      from_s,
         gint64      to_s)
{
  g_autofree char *sql = g_strdup_printf ("SELECT TOTAL(energy_wh) FROM energy_%s"
                                          " WHERE device_id = ? AND bucket >= ? AND bucket < ?", tier);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double wh;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from_s);
  sqlite3_bind_int64 (stmt, 3, to_s);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  wh = sqlite3_column_double (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return wh;
}

/* What `db energy` and the Dashboard are given. */
static double
store_total_wh (Fixture    *f,
                const char *device,
                gint64      from_s,
                gint64      to_s)
{
  const char *ids[] = { device, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) totals = aether_store_energy_totals_for_devices (f->store, ids, US (from_s), US (to_s), &error);

  g_assert_no_error (error);
  return totals->len > 0 ? ((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->energy_wh : 0;
}

/* What History's hourly bars add up to. */
static double
store_bars_wh (Fixture    *f,
               const char *device,
               gint64      from_s,
               gint64      to_s)
{
  const char *ids[] = { device, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) bars = NULL;
  double wh = 0;

  for (gint64 t = from_s; t <= to_s; t += 3600)
    {
      gint64 us = US (t);

      g_array_append_val (edges, us);
    }
  bars = aether_store_energy_series_for_devices (f->store, ids, (gint64 *)(gpointer)edges->data, edges->len,
                                                 NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint b = 0; b < bars->len; b++)
    {
      GPtrArray *bar = g_ptr_array_index (bars, b);

      for (guint i = 0; i < bar->len; i++)
        wh += ((AetherEnergyTotal *)g_ptr_array_index (bar, i))->energy_wh;
    }
  return wh;
}

static void
assert_wh (double      got,
           double      want,
           const char *what,
           const char *device)
{
  if (fabs (got - want) > 1e-9 * MAX (fabs (want), 1.0))
    g_error ("%s of %s: %.9f Wh, the raw readings give %.9f Wh", what, device, got, want);
}

/* Every tier (rolled whole over [from, to): whole local days), the totals
 * and the hourly bars against the raw readings. */
static void
assert_tiers (Fixture *f,
              Truth   *truth,
              gint64   from_s,
              gint64   to_s)
{
  const char *device = truth->source->device;
  double want = truth_wh (truth, from_s, to_s);
  static const char * const tiers[] = { "1m", "5m", "1h", "1d" };

  g_assert_cmpfloat (want, >, 0);
  for (guint t = 0; t < G_N_ELEMENTS (tiers); t++)
    assert_wh (tier_wh (f, tiers[t], device, from_s, to_s), want, tiers[t], device);
  assert_wh (store_total_wh (f, device, from_s, to_s), want, "The store's total", device);
  assert_wh (store_bars_wh (f, device, from_s, to_s), want, "The hourly bars", device);
}

/* One day's hours, each against the raw readings: the 1-minute and the
 * hourly tiers. */
static void
assert_hours (Fixture *f,
              Truth   *truth,
              gint64   from_s,
              gint64   to_s)
{
  for (gint64 h = from_s; h < to_s; h += 3600)
    {
      double want = truth_wh (truth, h, h + 3600);

      assert_wh (tier_wh (f, "1m", truth->source->device, h, h + 3600), want, "An hour of 1m", truth->source->device);
      assert_wh (tier_wh (f, "1h", truth->source->device, h, h + 3600), want, "An hour of 1h", truth->source->device);
    }
}

static void
truth_init (Truth        *truth,
            const Source *s)
{
  truth->source = s;
  truth->times = g_array_new (FALSE, FALSE, sizeof (gint64));
}

static void
truth_clear (Truth *truth)
{
  g_clear_pointer (&truth->times, g_array_unref);
}

/* ---- 15-minute sampling --------------------------------------------------- */

/* A meter read every 15 minutes (a slow plug, a Green Button export of
 * power), rolled up in one pass and, as the writer thread does it, in a
 * pass every few minutes: every 15-minute segment but the series' first
 * (the gap rule does not know the interval yet) counts, split over the
 * minutes it spans. */
static void
test_sparse_sampling (Fixture       *f,
                      gconstpointer  data)
{
  Truth m, g;

  truth_init (&m, &meter);
  truth_init (&g, &greenbutton);

  /* Two days in one pass. */
  ingest (f, &meter, T0, T0 + 2 * DAY, &m);
  ingest (f, &greenbutton, T0, T0 + 2 * DAY, &g);
  maintain (f, T0 + 3 * DAY);
  assert_tiers (f, &m, T0, T0 + 2 * DAY);
  assert_tiers (f, &g, T0, T0 + 2 * DAY);
  assert_hours (f, &m, T0, T0 + DAY);

  /* The third day as it comes: readings stored as they are read, a
   * maintenance pass every five minutes, a restart halfway. */
  for (gint64 t = T0 + 2 * DAY; t < T0 + 3 * DAY; t += 300)
    {
      ingest (f, &meter, t, t + 300, &m);
      ingest (f, &greenbutton, t, t + 300, &g);
      maintain (f, t + 300);
      if (t == T0 + 2 * DAY + DAY / 2)
        fixture_restart (f);
    }
  maintain (f, T0 + 4 * DAY);
  assert_tiers (f, &m, T0, T0 + 3 * DAY);
  assert_tiers (f, &g, T0, T0 + 3 * DAY);
  assert_hours (f, &m, T0 + 2 * DAY, T0 + 3 * DAY);

  truth_clear (&m);
  truth_clear (&g);
}

/* ---- Maintenance passes ---------------------------------------------------- */

/* The rows of a tier, in key order: key, bucket and the figures. */
static GPtrArray *
tier_rows (const char *path,
           const char *table)
{
  g_autofree char *sql = g_str_has_prefix (table, "energy")
    ? g_strdup_printf ("SELECT device_id, bucket, energy_wh, exported_wh, 0, 0, 0 FROM %s ORDER BY 1, 2", table)
    : g_strdup_printf ("SELECT series_id, bucket, sum, count, min, max, last FROM %s ORDER BY 1, 2", table);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double *row = g_new (double, 6);

      /* The key goes first as text, then the numbers. */
      g_ptr_array_add (rows, g_strdup_printf ("%s %" G_GINT64_FORMAT, (const char *)sqlite3_column_text (stmt, 0),
                                              (gint64)sqlite3_column_int64 (stmt, 1)));
      for (guint c = 0; c < 5; c++)
        row[c] = sqlite3_column_double (stmt, 2 + c);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return rows;
}

/* Both files hold the same buckets with the same figures (to a part in
 * 10^9: a minute summed in two steps may differ in its last bits). */
static void
assert_same_tier (const char *a,
                  const char *b,
                  const char *table)
{
  g_autoptr(GPtrArray) x = tier_rows (a, table);
  g_autoptr(GPtrArray) y = tier_rows (b, table);

  g_assert_cmpuint (x->len, >, 0);
  for (guint i = 0; i < MIN (x->len, y->len); i += 2)
    {
      const double *u = g_ptr_array_index (x, i + 1), *v = g_ptr_array_index (y, i + 1);

      if (!g_str_equal (g_ptr_array_index (x, i), g_ptr_array_index (y, i)))
        g_error ("%s: bucket %s in one pass, %s in several", table,
                 (char *)g_ptr_array_index (x, i), (char *)g_ptr_array_index (y, i));
      for (guint c = 0; c < 5; c++)
        if (fabs (u[c] - v[c]) > 1e-9 * MAX (fabs (u[c]), 1.0))
          g_error ("%s: bucket %s: %.9f in one pass, %.9f in several", table,
                   (char *)g_ptr_array_index (x, i), u[c], v[c]);
    }
  g_assert_cmpuint (x->len, ==, y->len);
}

/* Three days of a plug read every 10 s (off the minute) and a meter read
 * every 15 minutes, in a zone whose days start at a half hour: rolled up in
 * one pass, and in a pass every 37 minutes as the readings come (passes
 * that end mid-hour, some on a 5-minute edge, none on a day's), with a
 * restart halfway. Every tier of the second store is the first's, bucket
 * for bucket, and both hold the raw readings' energy. */
static void
test_passes_equal_one_pass (Fixture       *f,
                            gconstpointer  data)
{
  const Source *sources[] = { &plug, &meter, &greenbutton };
  g_autofree char *one = g_build_filename (f->dir, "one-pass.db", NULL);
  g_autofree char *several = g_strdup (f->path);
  static const char * const tables[] = { "rollup_5m", "rollup_1h", "rollup_1d", "energy_1m", "energy_5m", "energy_1h",
                                         "energy_1d" };
  Truth truth[G_N_ELEMENTS (sources)];

  /* One pass, in its own file. */
  g_clear_object (&f->store);
  g_free (f->path);
  f->path = g_strdup (one);
  fixture_open (f);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      truth_init (&truth[i], sources[i]);
      ingest (f, sources[i], T0, T0 + 3 * DAY, &truth[i]);
    }
  maintain (f, T0 + 4 * DAY);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    assert_tiers (f, &truth[i], T0 - DAY, T0 + 4 * DAY);

  /* Pass after pass. */
  g_clear_object (&f->store);
  g_free (f->path);
  f->path = g_strdup (several);
  fixture_open (f);
  for (gint64 t = T0; t < T0 + 3 * DAY; t += 37 * 60)
    {
      gint64 to = MIN (t + 37 * 60, T0 + 3 * DAY);

      for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
        ingest (f, sources[i], t, to, NULL);
      maintain (f, to);
      if (t - T0 == 37 * 60 * 58)
        fixture_restart (f);
    }
  maintain (f, T0 + 4 * DAY);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      assert_tiers (f, &truth[i], T0 - DAY, T0 + 4 * DAY);
      truth_clear (&truth[i]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    assert_same_tier (one, several, tables[t]);
}

/* ---- Counters read every few hours ---------------------------------------- */

static const Source two_hourly = { "two-hourly", "energy", 2 * 3600, 0 };
static const Source six_hourly = { "six-hourly", "energy", 6 * 3600, 1807 };

/* A counter read every 2 hours and one read every 6 (off the minute) over
 * two days: each delta is spread over the hours between its readings
 * (AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US), and none is lost, whether the
 * store is rolled in one pass, in a pass every 5 minutes as the readings
 * come with a restart in the middle of a segment, or with some readings
 * arriving a day late, behind every watermark. Every tier, the totals and
 * every hour hold the raw readings' energy; the passes' tiers are the one
 * pass's, bucket for bucket. */
static void
test_sparse_counters (Fixture       *f,
                      gconstpointer  data)
{
  const Source *sources[] = { &two_hourly, &six_hourly };
  g_autofree char *one = g_build_filename (f->dir, "one-pass.db", NULL);
  g_autofree char *late = g_build_filename (f->dir, "late.db", NULL);
  g_autofree char *several = g_strdup (f->path);
  static const char * const tables[] = { "energy_1m", "energy_5m", "energy_1h", "energy_1d" };
  Truth truth[G_N_ELEMENTS (sources)];

  /* One pass, in its own file. */
  g_clear_object (&f->store);
  g_free (f->path);
  f->path = g_strdup (one);
  fixture_open (f);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      truth_init (&truth[i], sources[i]);
      ingest (f, sources[i], T0, T0 + 2 * DAY, &truth[i]);
    }
  maintain (f, T0 + 3 * DAY);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      assert_tiers (f, &truth[i], T0 - DAY, T0 + 3 * DAY);
      assert_hours (f, &truth[i], T0, T0 + 2 * DAY);
    }

  /* A pass every 5 minutes, a restart between two readings. */
  g_clear_object (&f->store);
  g_free (f->path);
  f->path = g_strdup (several);
  fixture_open (f);
  for (gint64 t = T0; t < T0 + 2 * DAY; t += 300)
    {
      for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
        ingest (f, sources[i], t, t + 300, NULL);
      maintain (f, t + 300);
      if (t - T0 == 31 * 3600 + 300)
        fixture_restart (f);
    }
  maintain (f, T0 + 3 * DAY);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      assert_tiers (f, &truth[i], T0 - DAY, T0 + 3 * DAY);
      assert_hours (f, &truth[i], T0, T0 + 2 * DAY);
    }
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    assert_same_tier (one, several, tables[t]);

  /* Seven hours of readings a day late: the segments around them are
   * rolled again, the minutes they spread over replaced. */
  g_clear_object (&f->store);
  g_free (f->path);
  f->path = g_strdup (late);
  fixture_open (f);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      ingest (f, sources[i], T0, T0 + 10 * 3600, NULL);
      ingest (f, sources[i], T0 + 17 * 3600, T0 + 2 * DAY, NULL);
    }
  maintain (f, T0 + 2 * DAY + 3600);
  fixture_restart (f);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    ingest (f, sources[i], T0 + 10 * 3600, T0 + 17 * 3600, NULL);
  maintain (f, T0 + 3 * DAY);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      assert_tiers (f, &truth[i], T0 - DAY, T0 + 3 * DAY);
      assert_hours (f, &truth[i], T0, T0 + 2 * DAY);
      truth_clear (&truth[i]);
    }
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    assert_same_tier (one, late, tables[t]);
}

/* ---- Ingesting again ----------------------------------------------------- */

/* Readings ingested again, a later file that overlaps what was rolled up
 * and goes back behind the watermarks, a plug's missing hour filled in a
 * day later, a restart between: the re-rolled minutes are replaced, never
 * added to, so every tier holds what the raw readings hold, hour by hour. */
static void
test_reingest_counts_once (Fixture       *f,
                           gconstpointer  data)
{
  const Source *sources[] = { &plug, &meter, &greenbutton };
  Truth truth[G_N_ELEMENTS (sources)];

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    truth_init (&truth[i], sources[i]);

  /* The first file: ten hours, the plug's third hour missing. */
  ingest (f, &plug, T0, T0 + 2 * 3600, &truth[0]);
  ingest (f, &plug, T0 + 3 * 3600, T0 + 10 * 3600, &truth[0]);
  for (guint i = 1; i < G_N_ELEMENTS (sources); i++)
    ingest (f, sources[i], T0, T0 + 10 * 3600, &truth[i]);
  maintain (f, T0 + 12 * 3600 + 25 * 60);

  /* The next file overlaps it by four hours and goes on to 20:00; its
   * first new readings are behind the watermark. */
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    ingest (f, sources[i], T0 + 6 * 3600, T0 + 20 * 3600, &truth[i]);
  maintain (f, T0 + 21 * 3600);
  fixture_restart (f);

  /* Both files again: nothing new. */
  ingest (f, &plug, T0, T0 + 2 * 3600, NULL);
  ingest (f, &plug, T0 + 3 * 3600, T0 + 10 * 3600, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      if (i > 0)
        ingest (f, sources[i], T0, T0 + 10 * 3600, NULL);
      ingest (f, sources[i], T0 + 6 * 3600, T0 + 20 * 3600, NULL);
    }
  maintain (f, T0 + 22 * 3600);

  /* The plug's missing hour, a day later, behind every watermark. */
  ingest (f, &plug, T0 + 2 * 3600, T0 + 3 * 3600, &truth[0]);
  maintain (f, T0 + 2 * DAY);

  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      assert_tiers (f, &truth[i], T0 - DAY, T0 + 3 * DAY);
      assert_hours (f, &truth[i], T0, T0 + DAY);
      truth_clear (&truth[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/energy-edges/sparse-sampling", Fixture, NULL,
              fixture_set_up, test_sparse_sampling, fixture_tear_down);

  g_test_add ("/store/energy-edges/passes-equal-one-pass", Fixture, "+05:30",
              fixture_set_up, test_passes_equal_one_pass, fixture_tear_down);

  g_test_add ("/store/energy-edges/sparse-counters", Fixture, "+05:30",
              fixture_set_up, test_sparse_counters, fixture_tear_down);

  g_test_add ("/store/energy-edges/reingest-counts-once", Fixture, NULL,
              fixture_set_up, test_reingest_counts_once, fixture_tear_down);

  return g_test_run ();
}
