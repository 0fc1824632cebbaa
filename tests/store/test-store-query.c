/* test-store-query.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the store answers when asked, checked against sums the test works
 * out itself from the readings it stored: energy over a range stitched from
 * every tier, and the power of a group of devices column by column. Real
 * SQLite files, a manual clock, a home in Berlin so days are local days. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

#define US(s) ((gint64)(s) * G_USEC_PER_SEC)
#define STEP_S 10

typedef struct
{
  char        *dir;
  char        *path;
  AetherClock *clock;
  AetherStore *store;
  GTimeZone   *tz;
  gint64       day0;     /* local midnight of the first day, unix seconds */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) midnight = NULL;

  f->dir = g_dir_make_tmp ("aether-store-query-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->tz = g_time_zone_new_identifier ("Europe/Berlin");
  g_assert_nonnull (f->tz);
  midnight = g_date_time_new (f->tz, 2024, 1, 15, 0, 0, 0);
  f->day0 = g_date_time_to_unix (midnight);
  f->clock = aether_clock_new_manual (US (f->day0));
  f->store = aether_store_open (f->path, f->clock, &error);
  g_assert_no_error (error);
  aether_store_set_time_zone (f->store, f->tz);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->store);
  g_clear_object (&f->clock);
  g_clear_pointer (&f->tz, g_time_zone_unref);
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* Short retention, so that a couple of days hold all four energy tiers:
 * 1-minute buckets for 2 h, 5-minute for 6 h, hourly for 12 h, days for
 * ever. */
static void
use_short_retention (Fixture *f)
{
  AetherRetention r;

  aether_retention_init_defaults (&r);
  r.samples_s[AETHER_TIER_1M] = r.energy_s[AETHER_TIER_1M] = 2 * 3600;
  r.samples_s[AETHER_TIER_5M] = r.energy_s[AETHER_TIER_5M] = 6 * 3600;
  r.samples_s[AETHER_TIER_1H] = r.energy_s[AETHER_TIER_1H] = 12 * 3600;
  r.samples_s[AETHER_TIER_1D] = r.energy_s[AETHER_TIER_1D] = 0;
  aether_store_set_retention (f->store, &r);
}

static void
put_device (Fixture    *f,
            const char *id,
            const char *type,
            const char *room)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *json = room
    ? g_strdup_printf ("{\"device_id\": \"%s\", \"name\": \"%s\", \"type\": \"%s\", \"location\": {\"room\": \"%s\"}}",
                       id, id, type, room)
    : g_strdup_printf ("{\"device_id\": \"%s\", \"name\": \"%s\", \"type\": \"%s\"}", id, id, type);
  g_autoptr(JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (aether_store_put_device (f->store, node, &error));
  g_assert_no_error (error);
}

/* A device's power at a time: a slow swing, a faster ripple and a step
 * every few samples, different per device, never negative. */
static double
power_at (guint  device,
          gint64 t)
{
  double base = 150.0 + 100.0 * device;

  return base + 0.4 * base * sin ((double)t / (1800.0 + 311 * device)) +
         0.1 * base * sin ((double)t / 97.0) + (double)((t / STEP_S + device) % 5) * 3.0;
}

/* A device's readings, one every STEP_S seconds in [from, to). */
typedef struct
{
  const char *id;
  guint       n;
  gint64     *t;
  double     *p;
} Series;

static void
series_init (Series     *s,
             const char *id,
             guint       device,
             gint64      from,
             gint64      to)
{
  s->id = id;
  s->n = (guint)((to - from) / STEP_S);
  s->t = g_new (gint64, s->n);
  s->p = g_new (double, s->n);
  for (guint i = 0; i < s->n; i++)
    {
      s->t[i] = from + (gint64)i * STEP_S;
      s->p[i] = power_at (device, s->t[i]);
    }
}

static void
series_clear (Series *s)
{
  g_clear_pointer (&s->t, g_free);
  g_clear_pointer (&s->p, g_free);
}

/* Stores readings in [from, to) of each series, then maintains as of @to,
 * as the service does while a house runs. */
static void
ingest_and_maintain (Fixture *f,
                     Series  *series,
                     guint    n_series,
                     gint64   from,
                     gint64   to)
{
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GError) error = NULL;

  for (guint k = 0; k < n_series; k++)
    for (guint i = 0; i < series[k].n; i++)
      if (series[k].t[i] >= from && series[k].t[i] < to)
        {
          AetherReading r = { US (series[k].t[i]), (char *)series[k].id, (char *)"power", series[k].p[i], (char *)"W" };

          g_array_append_val (readings, r);
        }
  g_assert_true (aether_store_ingest (f->store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_no_error (error);
  g_assert_true (aether_store_maintain (f->store, US (to), NULL, &error));
  g_assert_no_error (error);
}

static void
run_house (Fixture *f,
           Series  *series,
           guint    n_series,
           gint64   from,
           gint64   now)
{
  /* Six hours at a time: maintenance, and retention, run as time passes. */
  for (gint64 t = from; t < now; t += 6 * 3600)
    ingest_and_maintain (f, series, n_series, t, MIN (now, t + 6 * 3600));
}

/* The energy in [from, to) worked out here from the readings: the trapezoid
 * rule between neighbouring samples, each segment counted in the range its
 * left end is in, up to the last minute maintenance rolled (@rolled_to). */
static double
independent_wh (const Series *s,
                gint64        from,
                gint64        to,
                gint64        rolled_to)
{
  double wh = 0;

  for (guint i = 1; i < s->n; i++)
    if (s->t[i - 1] >= from && s->t[i - 1] < to && s->t[i] < rolled_to)
      wh += (s->p[i - 1] + s->p[i]) / 2.0 * (double)(s->t[i] - s->t[i - 1]) / 3600.0;

  return wh;
}

static double
store_wh (Fixture    *f,
          const char *id,
          gint64      from,
          gint64      to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) totals = aether_store_energy_totals (f->store, US (from), US (to), "device", &error);
  double wh = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < totals->len; i++)
    {
      AetherEnergyTotal *total = g_ptr_array_index (totals, i);

      if (g_str_equal (total->key, id))
        wh += total->energy_wh;
    }
  return wh;
}

static gint64
count_rows_in (Fixture    *f,
               const char *table,
               gint64      from,
               gint64      to)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM %s WHERE bucket >= ? AND bucket < ?", table);
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, from);
  sqlite3_bind_int64 (stmt, 2, to);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

/* Two and a half days of a plug that started mid-hour (10:23:10), read as
 * of 15:47 on the third day: the third day is in the 1-minute (from 13:45),
 * 5-minute (from 09:00) and hourly tiers, the days before only in the daily
 * one. Every range, whichever tiers it needs, is counted once. */
static void
test_energy_stitching_counts_each_span_once (Fixture       *f,
                                             gconstpointer  data)
{
  gint64 start = f->day0 + 10 * 3600 + 23 * 60 + 10;
  gint64 day2 = f->day0 + 2 * 86400;
  gint64 now = day2 + 15 * 3600 + 47 * 60;
  gint64 rolled_to = now - now % 60;
  Series plugs[2];
  struct { const char *what; gint64 from, to; } ranges[] = {
    { "today", day2, day2 + 86400 },
    { "yesterday", f->day0 + 86400, day2 },
    { "the first day, from mid-hour", f->day0, f->day0 + 86400 },
    { "all three days", f->day0, day2 + 86400 },
    { "from before the 1-minute tier", day2 + 12 * 3600, day2 + 86400 },
    { "from before the 5-minute tier", day2 + 8 * 3600, day2 + 14 * 3600 },
    { "the last hour", day2 + 14 * 3600 + 47 * 60, now },
  };

  use_short_retention (f);
  put_device (f, "plug", "smart_plug", "Office");
  put_device (f, "late", "smart_plug", "Office");
  series_init (&plugs[0], "plug", 0, start, now);
  /* Plugged in at 14:23:10 on the third day: every tier of it starts
   * mid-bucket, as the demo home's first hour does. */
  series_init (&plugs[1], "late", 1, day2 + 14 * 3600 + 23 * 60 + 10, now);
  run_house (f, plugs, 2, start, now);

  /* The layout the ranges below rely on. */
  g_assert_cmpint (count_rows_in (f, "energy_1m", day2, now), >, 0);
  g_assert_cmpint (count_rows_in (f, "energy_1m", day2, day2 + 13 * 3600), ==, 0);
  g_assert_cmpint (count_rows_in (f, "energy_5m", day2 + 9 * 3600, now), >, 0);
  g_assert_cmpint (count_rows_in (f, "energy_5m", day2, day2 + 8 * 3600), ==, 0);
  g_assert_cmpint (count_rows_in (f, "energy_1h", day2, now), >, 0);
  g_assert_cmpint (count_rows_in (f, "energy_1h", f->day0, day2), ==, 0);
  g_assert_cmpint (count_rows_in (f, "energy_1d", f->day0, day2), ==, 2);

  for (guint k = 0; k < G_N_ELEMENTS (plugs); k++)
    for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
      {
        double expected = independent_wh (&plugs[k], ranges[i].from, ranges[i].to, rolled_to);
        double stored = store_wh (f, plugs[k].id, ranges[i].from, ranges[i].to);

        g_test_message ("%s, %s: store %.3f Wh, raw samples %.3f Wh", plugs[k].id, ranges[i].what, stored, expected);
        g_assert_cmpfloat_with_epsilon (stored, expected, 1e-6 * expected + 1e-9);
      }

  series_clear (&plugs[0]);
  series_clear (&plugs[1]);
}

/* The demo home's first hour and ten minutes, from 10:23:10: the 1-minute
 * tier starts at 10:23, the 5-minute one at 10:20 and the hourly one at
 * 10:00, each bucket holding only what the finer tiers hold too. The day
 * is the 1-minute tier's sum, not the tiers added together. */
static void
test_energy_first_hour_counted_once (Fixture       *f,
                                     gconstpointer  data)
{
  gint64 start = f->day0 + 10 * 3600 + 23 * 60 + 10;
  gint64 now = start + 70 * 60;
  Series plug;
  double expected, stored;

  put_device (f, "plug", "smart_plug", "Office");
  series_init (&plug, "plug", 0, start, now);
  ingest_and_maintain (f, &plug, 1, start, now);
  g_assert_cmpint (count_rows_in (f, "energy_1h", f->day0, now), ==, 1);
  g_assert_cmpint (count_rows_in (f, "energy_5m", f->day0, now), >, 0);

  expected = independent_wh (&plug, f->day0, f->day0 + 86400, now - now % 60);
  stored = store_wh (f, "plug", f->day0, f->day0 + 86400);
  g_test_message ("day: store %.3f Wh, raw samples %.3f Wh", stored, expected);
  g_assert_cmpfloat_with_epsilon (stored, expected, 1e-6 * expected);
  series_clear (&plug);
}

/* The largest sample of @s in [from, to), or 0. */
static double
raw_max (const Series *s,
         gint64        from,
         gint64        to)
{
  double max = 0;

  for (guint i = 0; i < s->n; i++)
    if (s->t[i] >= from && s->t[i] < to)
      max = MAX (max, s->p[i]);
  return max;
}

static void
assert_same_columns (GArray *a,
                     GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    {
      AetherBucket *x = &g_array_index (a, AetherBucket, i);
      AetherBucket *y = &g_array_index (b, AetherBucket, i);

      g_assert_cmpint (x->start_us, ==, y->start_us);
      g_assert_cmpuint (x->count, ==, y->count);
      g_assert_cmpfloat (x->min, ==, y->min);
      g_assert_cmpfloat (x->max, ==, y->max);
      g_assert_cmpfloat (x->avg, ==, y->avg);
      g_assert_cmpfloat (x->first, ==, y->first);
      g_assert_cmpfloat (x->last, ==, y->last);
      g_assert_true (x->p50 == y->p50 || (isnan (x->p50) && isnan (y->p50)));
      g_assert_true (x->p95 == y->p95 || (isnan (x->p95) && isnan (y->p95)));
    }
}

/* A room of two plugs spelt two ways and a mains meter, over the tiers as
 * in the stitching test: the room's chart is the sum of its members per
 * column, never a column's buckets added up. */
static void
test_group_chart_sums_members_per_column (Fixture       *f,
                                          gconstpointer  data)
{
  gint64 day2 = f->day0 + 2 * 86400;
  gint64 now = day2 + 15 * 3600 + 47 * 60;
  Series s[3];
  const char *room[] = { "tv", "lamp", NULL };
  const guint points[] = { 96, 240, 1440 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(AetherHome) home = NULL;
  g_autoptr(GPtrArray) members = NULL;

  use_short_retention (f);
  put_device (f, "tv", "smart_plug", "Living Room");
  put_device (f, "lamp", "lighting", "living room ");
  put_device (f, "mains", "energy_meter", NULL);
  series_init (&s[0], "tv", 0, f->day0 + 10 * 3600 + 23 * 60 + 10, now);
  series_init (&s[1], "lamp", 1, day2 + 14 * 3600 + 23 * 60 + 10, now);
  series_init (&s[2], "mains", 2, f->day0 + 9 * 3600 + 1 * 60 + 20, now);
  run_house (f, s, 3, f->day0, now);

  /* The room by the home rule, whichever way it is spelt. */
  devices = aether_store_list_devices (f->store, &error);
  g_assert_no_error (error);
  home = aether_home_new (devices);
  members = aether_home_get_room_members (home, "LIVING ROOM");
  g_assert_cmpuint (members->len, ==, 2);

  for (guint k = 0; k < G_N_ELEMENTS (points); k++)
    {
      guint n = points[k];
      gint64 from = day2, to = day2 + 86400;
      g_autoptr(GArray) group = aether_store_query_group (f->store, "room", "LIVING ROOM", "power", US (from), US (to),
                                                          n, NULL, &error);
      g_autoptr(GArray) both = aether_store_query_devices (f->store, room, "power", US (from), US (to), n, NULL, &error);
      g_autoptr(GArray) tv = aether_store_query (f->store, "tv", "power", US (from), US (to), n, -1, NULL, &error);
      g_autoptr(GArray) lamp = aether_store_query (f->store, "lamp", "power", US (from), US (to), n, -1, NULL, &error);
      g_autoptr(GArray) tv_alone = NULL;
      const char *only_tv[] = { "tv", NULL };
      double chart_max = 0;

      g_assert_no_error (error);
      assert_same_columns (group, both);
      g_assert_cmpuint (group->len, ==, tv->len);

      for (guint i = 0; i < group->len; i++)
        {
          AetherBucket *b = &g_array_index (group, AetherBucket, i);
          AetherBucket *t = &g_array_index (tv, AetherBucket, i);
          gint64 start = b->start_us / G_USEC_PER_SEC;
          gint64 end = start + 86400 / n;
          /* Every bucket that starts in a column ends within the hour it
           * starts in, so the members' samples in the column's hours bound
           * what the column may show. */
          gint64 lo = start - (start - from) % 3600;
          gint64 hi = end + (3600 - (end - from) % 3600) % 3600;
          double bound = raw_max (&s[0], lo, hi) + raw_max (&s[1], lo, hi);
          double lamp_avg = 0;

          g_assert_cmpint (b->start_us, ==, t->start_us);
          for (guint j = 0; j < lamp->len; j++)
            if (g_array_index (lamp, AetherBucket, j).start_us == b->start_us)
              lamp_avg = g_array_index (lamp, AetherBucket, j).avg;

          g_assert_cmpfloat (b->max, <=, bound + 1e-9);
          g_assert_cmpfloat (b->avg, <=, b->max + 1e-9);
          g_assert_cmpfloat (b->avg, >=, b->min - 1e-9);
          g_assert_cmpfloat_with_epsilon (b->avg, t->avg + lamp_avg, 1e-9);
          chart_max = MAX (chart_max, b->max);
        }
      g_test_message ("%u columns: room chart max %.1f W, members' raw maxima %.1f + %.1f W", n, chart_max,
                      raw_max (&s[0], from, to), raw_max (&s[1], from, to));
      g_assert_cmpfloat (chart_max, <=, raw_max (&s[0], from, to) + raw_max (&s[1], from, to) + 1e-9);

      /* A group of one is the device. */
      tv_alone = aether_store_query_devices (f->store, only_tv, "power", US (from), US (to), n, NULL, &error);
      g_assert_no_error (error);
      assert_same_columns (tv_alone, tv);

      /* The whole home is its meter. */
      {
        g_autoptr(GPtrArray) ids = g_ptr_array_new ();
        g_autoptr(GArray) whole = NULL;
        g_autoptr(GArray) mains = aether_store_query (f->store, "mains", "power", US (from), US (to), n, -1, NULL, &error);

        for (guint i = 0; i < aether_home_get_members (home)->len; i++)
          g_ptr_array_add (ids, g_ptr_array_index (aether_home_get_members (home), i));
        g_ptr_array_add (ids, NULL);
        g_assert_cmpuint (ids->len, ==, 2);
        whole = aether_store_query_devices (f->store, (const char * const *)ids->pdata, "power", US (from), US (to),
                                            n, NULL, &error);
        g_assert_no_error (error);
        assert_same_columns (whole, mains);
      }
    }

  for (guint k = 0; k < G_N_ELEMENTS (s); k++)
    series_clear (&s[k]);
}

/* "Kitchen" and "kitchen " are one room, in charts and in energy. */
static void
test_group_room_is_case_insensitive (Fixture       *f,
                                     gconstpointer  data)
{
  gint64 start = f->day0 + 3600;
  gint64 now = start + 2 * 3600;
  Series s[3];
  const char *ids[] = { "kettle", "toaster", NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rooms = NULL;
  g_autoptr(GPtrArray) per_device = NULL;
  g_autoptr(GArray) upper = NULL;
  g_autoptr(GArray) lower = NULL;
  g_autoptr(GArray) both = NULL;
  double kettle = 0, toaster = 0;

  put_device (f, "kettle", "appliance", "Kitchen");
  put_device (f, "toaster", "appliance", "kitchen ");
  put_device (f, "tv", "smart_plug", "Lounge");
  series_init (&s[0], "kettle", 0, start, now);
  series_init (&s[1], "toaster", 1, start, now);
  series_init (&s[2], "tv", 2, start, now);
  ingest_and_maintain (f, s, 3, start, now);

  upper = aether_store_query_group (f->store, "room", "KITCHEN", "power", US (start), US (now), 12, NULL, &error);
  g_assert_no_error (error);
  lower = aether_store_query_group (f->store, "room", "kitchen", "power", US (start), US (now), 12, NULL, &error);
  g_assert_no_error (error);
  both = aether_store_query_devices (f->store, ids, "power", US (start), US (now), 12, NULL, &error);
  g_assert_no_error (error);
  assert_same_columns (upper, both);
  assert_same_columns (lower, both);

  per_device = aether_store_energy_totals_for_devices (f->store, ids, US (start), US (now), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (per_device->len, ==, 2);
  for (guint i = 0; i < per_device->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (per_device, i);

      if (g_str_equal (t->key, "kettle"))
        kettle = t->energy_wh;
      else
        toaster = t->energy_wh;
    }
  g_assert_cmpfloat_with_epsilon (kettle, independent_wh (&s[0], start, now, now), 1e-6 * kettle);
  g_assert_cmpfloat_with_epsilon (toaster, independent_wh (&s[1], start, now, now), 1e-6 * toaster);

  rooms = aether_store_energy_totals (f->store, US (start), US (now), "room", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rooms->len, ==, 2);
  for (guint i = 0; i < rooms->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (rooms, i);

      if (aether_room_equal (t->key, "kitchen"))
        g_assert_cmpfloat_with_epsilon (t->energy_wh, kettle + toaster, 1e-6 * t->energy_wh);
      else
        g_assert_cmpstr (t->key, ==, "Lounge");
    }

  for (guint k = 0; k < G_N_ELEMENTS (s); k++)
    series_clear (&s[k]);
}

typedef struct
{
  AetherStore *store;
  gint64       from;
  gint64       to;
  double       wh;
  GArray      *columns;
} ReaderJob;

static gpointer
read_in_thread (gpointer data)
{
  ReaderJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) reader = aether_store_open_reader (job->store, &error);
  g_autoptr(GPtrArray) totals = NULL;
  const char *ids[] = { "plug", NULL };

  g_assert_no_error (error);
  totals = aether_store_energy_totals_for_devices (reader, ids, US (job->from), US (job->to), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (totals->len, ==, 1);
  job->wh = ((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->energy_wh;
  job->columns = aether_store_query_devices (reader, ids, "power", US (job->from), US (job->to), 96, NULL, &error);
  g_assert_no_error (error);
  return NULL;
}

/* Another thread reads through a connection of its own while the store's
 * connection goes on writing, and gets the same answers. */
static void
test_reader_answers_from_another_thread (Fixture       *f,
                                         gconstpointer  data)
{
  gint64 start = f->day0 + 3600;
  gint64 now = start + 6 * 3600;
  const char *ids[] = { "plug", NULL };
  Series plug, later;
  ReaderJob job = { f->store, f->day0, f->day0 + 86400, 0, NULL };
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GArray) columns = NULL;
  g_autoptr(GError) error = NULL;
  GThread *thread;

  put_device (f, "plug", "smart_plug", "Office");
  series_init (&plug, "plug", 0, start, now);
  ingest_and_maintain (f, &plug, 1, start, now);
  totals = aether_store_energy_totals_for_devices (f->store, ids, US (job.from), US (job.to), &error);
  g_assert_no_error (error);
  columns = aether_store_query_devices (f->store, ids, "power", US (job.from), US (job.to), 96, NULL, &error);
  g_assert_no_error (error);

  /* The next day's readings go in while the thread reads the first. */
  series_init (&later, "plug", 0, f->day0 + 86400, f->day0 + 86400 + 3 * 3600);
  thread = g_thread_new ("reader", read_in_thread, &job);
  ingest_and_maintain (f, &later, 1, f->day0 + 86400, f->day0 + 86400 + 3 * 3600);
  g_thread_join (thread);

  g_assert_cmpfloat (job.wh, ==, ((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->energy_wh);
  assert_same_columns (job.columns, columns);

  /* The next day rolled up (day 0's daily bucket now exists) changes
   * nothing in day 0's chart: the daily bucket is not drawn over it. */
  {
    g_autoptr(GArray) after = aether_store_query_devices (f->store, ids, "power", US (job.from), US (job.to), 96,
                                                          NULL, &error);

    g_assert_no_error (error);
    assert_same_columns (after, columns);
  }
  g_array_unref (job.columns);
  series_clear (&plug);
  series_clear (&later);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/store/energy/stitching-counts-each-span-once", test_energy_stitching_counts_each_span_once);
  ADD ("/store/energy/first-hour-counted-once", test_energy_first_hour_counted_once);
  ADD ("/store/group/chart-sums-members-per-column", test_group_chart_sums_members_per_column);
  ADD ("/store/group/room-is-case-insensitive", test_group_room_is_case_insensitive);
  ADD ("/store/reader/answers-from-another-thread", test_reader_answers_from_another_thread);
#undef ADD

  return g_test_run ();
}
