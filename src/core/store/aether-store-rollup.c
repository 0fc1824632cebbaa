/* aether-store-rollup.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Maintenance (aether_store_maintain()). It rolls complete minutes of raw
 * samples into 1-minute buckets, those into 5-minute, hourly and
 * (local-midnight) daily ones, each with count, sum, min, max, first, last
 * and a quantile sketch, and derives each device's energy per bucket (from
 * its energy counter series when it has one, else the trapezoid rule over
 * power, never across a gap of more than three sampling intervals), priced
 * through the AetherPricer at 1-minute resolution. Every step is one
 * transaction that also moves its watermark, so maintenance is idempotent
 * and resumes where a crash left it. Retention never deletes what has not
 * been rolled up yet. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-energy-rule.h"
#include "model/aether-home.h"
#include "aether-store-private.h"

#define CHUNK_S         3600

/* ---- Buckets in the database ------------------------------------------ */

static int
bind_acc (sqlite3_stmt *stmt,
          gint64        series_id,
          const Acc    *acc)
{
  g_autoptr(GBytes) blob = acc->sketch ? aether_sketch_serialize (acc->sketch) : NULL;
  int rc;

  sqlite3_bind_int64 (stmt, 1, series_id);
  sqlite3_bind_int64 (stmt, 2, acc->start);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64)acc->count);
  sqlite3_bind_double (stmt, 4, acc->sum);
  sqlite3_bind_double (stmt, 5, acc->min);
  sqlite3_bind_double (stmt, 6, acc->max);
  sqlite3_bind_double (stmt, 7, acc->first);
  sqlite3_bind_double (stmt, 8, acc->last);
  if (blob != NULL)
    sqlite3_bind_blob (stmt, 9, g_bytes_get_data (blob, NULL), (int)g_bytes_get_size (blob), SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 9);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  return rc;
}

/* ---- The 1-minute step: raw → 1m, and energy ---------------------------- */

typedef struct
{
  gint64   series_id;
  char    *device_id;
  char    *metric;
  gboolean energy_from_counter;   /* this is the device's energy series */
  gboolean energy_from_power;     /* this is a power series: energy where no counter says */
  /* Carried across samples */
  gboolean have_prev;
  gint64   prev_ms;
  double   prev_value;
  AetherEnergyCadence cadence;    /* the one gap rule's view of this series */
  GHashTable *buckets;            /* minute start → Acc* */
  /* The minute being filled, to skip lookups on the hot path */
  Acc     *cur_acc;
  gint64   cur_minute;
  gint64   e_minute;
  double   e_wh;
  double   e_exported_wh;
  gboolean e_pending;
  gint64   covered_minute;        /* the last minute a counter reading accounted for */
  gboolean have_orphan;           /* the chunk's first sample had no left end … */
  gint64   orphan_minute;         /* … in this minute (seconds) */
} SeriesWork;

static void
series_work_free (gpointer data)
{
  SeriesWork *work = data;

  g_free (work->device_id);
  g_free (work->metric);
  g_hash_table_unref (work->buckets);
  g_free (work);
}

static void
acc_free (gpointer data)
{
  _aether_acc_clear (data);
  g_free (data);
}

typedef struct
{
  double energy_wh;
} EnergyAcc;

/* A minute's slot is two doubles: imported Wh, exported Wh. */
static void
add_energy (GHashTable *energy,
            const char *device_id,
            gint64      minute,
            double      wh,
            double      exported_wh)
{
  g_autofree char *key = g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, device_id, minute);
  double *slot = g_hash_table_lookup (energy, key);

  if (slot == NULL)
    {
      slot = g_new0 (double, 2);
      g_hash_table_insert (energy, g_steal_pointer (&key), slot);
    }
  slot[0] += wh;
  slot[1] += exported_wh;
}

/* Energy piles up in the series' current minute and goes to the table of
 * minutes only when the minute changes: one lookup a minute, not a sample. */
static void
flush_series_energy (GHashTable *energy,
                     SeriesWork *work)
{
  if (work->e_pending)
    add_energy (energy, work->device_id, work->e_minute, work->e_wh, work->e_exported_wh);
  work->e_pending = FALSE;
  work->e_wh = 0;
  work->e_exported_wh = 0;
}

static void
series_energy (GHashTable              *energy,
               SeriesWork              *work,
               gint64                   minute,
               const AetherEnergySplit *part)
{
  if (work->e_pending && minute != work->e_minute)
    flush_series_energy (energy, work);
  work->e_minute = minute;
  work->e_wh += part->imported_wh;
  work->e_exported_wh += part->exported_wh;
  work->e_pending = TRUE;
}

typedef struct
{
  GHashTable *energy;
  SeriesWork *work;
} MinuteSink;

static void
minute_part (gint64                   bucket_start_us,
             const AetherEnergySplit *part,
             gpointer                 user_data)
{
  MinuteSink *sink = user_data;

  series_energy (sink->energy, sink->work, bucket_start_us / G_USEC_PER_SEC, part);
}

/* Spreads the energy of a straight segment over the minutes it spans, by
 * the energy rule (model/aether-energy-rule.c). */
static void
add_segment_energy (GHashTable *energy,
                    SeriesWork *work,
                    gint64      t0_ms,
                    double      p0,
                    gint64      t1_ms,
                    double      p1)
{
  MinuteSink sink = { energy, work };

  aether_energy_rule_spread_power (t0_ms * 1000, p0, t1_ms * 1000, p1, 0, 60 * G_USEC_PER_SEC,
                                   minute_part, &sink);
}

static GHashTable *
load_series (sqlite3  *db,
             GError  **error)
{
  g_autoptr(GHashTable) series = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, series_work_free);
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer value;
  int rc = sqlite3_prepare_v2 (db, "SELECT series_id, device_id, metric_type FROM series", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read series", error), NULL;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      SeriesWork *work = g_new0 (SeriesWork, 1);

      work->series_id = sqlite3_column_int64 (stmt, 0);
      work->device_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      work->metric = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      work->buckets = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, acc_free);
      g_hash_table_insert (series, &work->series_id, work);
    }
  sqlite3_finalize (stmt);

  g_hash_table_iter_init (&iter, series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeriesWork *work = value;

      work->energy_from_counter = g_str_equal (work->metric, "energy");
      work->energy_from_power = g_str_equal (work->metric, "power");
    }

  return g_steal_pointer (&series);
}

/* The sample of @work just before @before_ms, so a chunk's first segment
 * has its left end. */
static void
load_previous_sample (sqlite3    *db,
                      SeriesWork *work,
                      gint64      before_ms)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT ts, value FROM samples WHERE series_id = ? AND ts < ? AND ts >= ?"
                              " ORDER BY ts DESC LIMIT 1", -1, &stmt, NULL) != SQLITE_OK)
    return;
  sqlite3_bind_int64 (stmt, 1, work->series_id);
  sqlite3_bind_int64 (stmt, 2, before_ms);
  sqlite3_bind_int64 (stmt, 3, before_ms - 3600 * 1000);
  /* A value that is not a number (stored before ingest refused them) is
   * no sample: it must not stop every device's maintenance. */
  if (sqlite3_step (stmt) == SQLITE_ROW && isfinite (sqlite3_column_double (stmt, 1)))
    {
      work->have_prev = TRUE;
      work->prev_ms = sqlite3_column_int64 (stmt, 0);
      work->prev_value = sqlite3_column_double (stmt, 1);
    }
  sqlite3_finalize (stmt);
}

/* Marks the minutes a counter reading accounts for, so that power
 * integration does not count them again. A gap longer than an hour says
 * nothing of the minutes in it. */
static void
cover_minutes (GHashTable *covered,
               SeriesWork *work,
               gint64      from_ms,
               gint64      to_ms)
{
  gint64 first;

  if (to_ms - from_ms > 3600 * 1000)
    from_ms = to_ms - 60 * 1000;
  /* Readings a few seconds apart cover the same minute again and again. */
  first = MAX (from_ms / 60000, work->covered_minute + 1);
  for (gint64 minute = first; minute <= (to_ms - 1) / 60000; minute++)
    g_hash_table_add (covered, g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, work->device_id, minute * 60));
  work->covered_minute = MAX (work->covered_minute, (to_ms - 1) / 60000);
}

static void
energy_step (GHashTable *energy,
             GHashTable *covered,
             SeriesWork *work,
             gint64      ts_ms,
             double      value)
{
  if (work->have_prev && ts_ms > work->prev_ms)
    {
      gint64 dt = ts_ms - work->prev_ms;

      if (work->energy_from_counter)
        {
          AetherEnergySplit whole;
          MinuteSink sink = { energy, work };

          aether_energy_rule_counter (work->prev_value, value, &whole);
          aether_energy_rule_spread_counter (work->prev_ms * 1000, ts_ms * 1000, &whole,
                                             0, 60 * G_USEC_PER_SEC, minute_part, &sink);
          cover_minutes (covered, work, work->prev_ms, ts_ms);
        }
      else if (work->energy_from_power)
        {
          if (!aether_energy_rule_is_gap (&work->cadence, dt * 1000))
            add_segment_energy (energy, work, work->prev_ms, work->prev_value, ts_ms, value);
        }

      aether_energy_rule_learn (&work->cadence, dt * 1000);
    }

  work->have_prev = TRUE;
  work->prev_ms = ts_ms;
  work->prev_value = value;
}

/* Minutes before @add_before already hold energy from the previous chunk:
 * the segment that straddles a chunk edge adds to them instead, unless
 * @carry_counted says the minute got it already (a re-roll after the
 * watermark moved back).
 *
 * @orphans are minutes whose first sample had no sample before it any more
 * (retention took it since the minute was first rolled up, and a late
 * reading moved the watermark back): the energy of the segment into that
 * minute cannot be worked out again, so a stored figure that is larger is
 * the more complete one and is kept. */
static gboolean
write_energy (AetherStore  *self,
              sqlite3      *db,
              GHashTable   *energy,
              GHashTable   *orphans,
              gint64        add_before,
              gboolean      carry_counted,
              GError      **error)
{
  AetherPricer *pricer = _aether_store_get_pricer (self);
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *add = NULL;
  sqlite3_stmt *keep = NULL;
  GHashTableIter iter;
  gpointer key, value;
  int rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO energy_1m (device_id, bucket, energy_wh, cost, co2_kg,"
                                   " exported_wh) VALUES (?, ?, ?, ?, ?, ?)", -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "INSERT INTO energy_1m (device_id, bucket, energy_wh, cost, co2_kg, exported_wh)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (device_id, bucket) DO UPDATE SET"
                                 " energy_wh = CASE WHEN ?3 + ?6 > energy_wh + exported_wh THEN ?3 ELSE energy_wh END,"
                                 " exported_wh = CASE WHEN ?3 + ?6 > energy_wh + exported_wh THEN ?6 ELSE exported_wh END,"
                                 " cost = CASE WHEN ?3 + ?6 > energy_wh + exported_wh THEN ?4 ELSE cost END,"
                                 " co2_kg = CASE WHEN ?3 + ?6 > energy_wh + exported_wh THEN ?5 ELSE co2_kg END",
                             -1, &keep, NULL);

  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "INSERT INTO energy_1m (device_id, bucket, energy_wh, cost, co2_kg, exported_wh)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (device_id, bucket) DO UPDATE SET"
                                 " energy_wh = energy_wh + ?3, exported_wh = exported_wh + ?6,"
                                 " cost = CASE WHEN ?4 IS NULL THEN cost"
                                 " ELSE COALESCE(cost, 0) + ?4 END,"
                                 " co2_kg = CASE WHEN ?5 IS NULL THEN co2_kg ELSE COALESCE(co2_kg, 0) + ?5 END",
                             -1, &add, NULL);

  if (rc != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      sqlite3_finalize (add);
      return _aether_sqlite_fail (db, rc, "Could not store energy", error);
    }

  g_hash_table_iter_init (&iter, energy);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *sep = strchr (key, '\x1f');
      g_autofree char *device = g_strndup (key, sep - (const char *)key);
      gint64 minute = g_ascii_strtoll (sep + 1, NULL, 10);
      double wh = ((double *)value)[0];
      double exported_wh = ((double *)value)[1];
      sqlite3_stmt *target = minute < add_before ? add : g_hash_table_contains (orphans, key) ? keep : stmt;

      if (minute < add_before && carry_counted)
        continue;
      /* Huge finite readings can still sum past a double; that minute is
       * left out rather than the whole hour failing for every device. */
      if (!isfinite (wh) || !isfinite (exported_wh))
        {
          g_message ("Energy of %s at %" G_GINT64_FORMAT " is not a finite number; left out", device, minute);
          continue;
        }

      sqlite3_bind_text (target, 1, device, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (target, 2, minute);
      sqlite3_bind_double (target, 3, wh);
      sqlite3_bind_double (target, 6, exported_wh);

      if (pricer != NULL)
        {
          AetherPrice price;
          g_autoptr(GError) local_error = NULL;
          AetherEnergySplit split = { wh, exported_wh };

          if (aether_energy_rule_price (pricer, device, minute, minute + 60, &split, &price, &local_error))
            {
              sqlite3_bind_double (target, 4, price.cost);
              sqlite3_bind_double (target, 5, price.co2_kg);
            }
          else
            {
              g_debug ("No price for %s at %" G_GINT64_FORMAT ": %s", device, minute, local_error->message);
              sqlite3_bind_null (target, 4);
              sqlite3_bind_null (target, 5);
            }
        }
      else
        {
          sqlite3_bind_null (target, 4);
          sqlite3_bind_null (target, 5);
        }

      rc = sqlite3_step (target);
      sqlite3_reset (target);
      if (rc != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          sqlite3_finalize (add);
          sqlite3_finalize (keep);
          return _aether_sqlite_fail (db, rc, "Could not store energy", error);
        }
    }

  sqlite3_finalize (stmt);
  sqlite3_finalize (add);
  sqlite3_finalize (keep);
  return TRUE;
}

static gboolean
roll_raw_chunk (AetherStore          *self,
                sqlite3              *db,
                GHashTable           *series,
                gint64                from_s,
                gint64                to_s,
                gboolean              carry_counted,
                AetherMaintainStats  *stats,
                GError              **error)
{
  g_autoptr(GHashTable) energy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) power_energy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GHashTable) covered = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) by_id = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *insert = NULL;
  GHashTableIter iter;
  gpointer value;
  int rc;

  g_hash_table_iter_init (&iter, series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeriesWork *work = value;

      g_hash_table_remove_all (work->buckets);
      work->have_prev = FALSE;
      work->cur_acc = NULL;
      work->e_pending = FALSE;
      work->e_wh = 0;
      work->covered_minute = G_MININT64 / 2;
      work->have_orphan = FALSE;
      if (work->energy_from_counter || work->energy_from_power)
        load_previous_sample (db, work, from_s * 1000);
    }

  /* Series ids are small and dense: index them directly on the hot path. */
  {
    gint64 max_id = 0;

    g_hash_table_iter_init (&iter, series);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      max_id = MAX (max_id, ((SeriesWork *)value)->series_id);
    by_id = g_ptr_array_sized_new ((guint)max_id + 1);
    g_ptr_array_set_size (by_id, (guint)max_id + 1);
    g_hash_table_iter_init (&iter, series);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      by_id->pdata[((SeriesWork *)value)->series_id] = value;
  }

  rc = sqlite3_prepare_v2 (db, "SELECT ts, series_id, value FROM samples WHERE ts >= ? AND ts < ?",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read samples", error);
  sqlite3_bind_int64 (stmt, 1, from_s * 1000);
  sqlite3_bind_int64 (stmt, 2, to_s * 1000);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 ts = sqlite3_column_int64 (stmt, 0);
      gint64 sid = sqlite3_column_int64 (stmt, 1);
      double v = sqlite3_column_double (stmt, 2);
      SeriesWork *work = sid >= 0 && sid < by_id->len ? g_ptr_array_index (by_id, sid) : NULL;
      gint64 minute = (ts / 60000) * 60;
      Acc *acc;

      if (work == NULL || !isfinite (v))
        continue;

      if (work->cur_acc != NULL && work->cur_minute == minute)
        acc = work->cur_acc;
      else
        {
          acc = g_hash_table_lookup (work->buckets, &minute);
          if (acc == NULL)
            {
              acc = g_new0 (Acc, 1);
              acc->start = minute;
              g_hash_table_insert (work->buckets, g_memdup2 (&minute, sizeof minute), acc);
            }
          work->cur_acc = acc;
          work->cur_minute = minute;
        }
      _aether_acc_add_value (acc, v);
      stats->samples_rolled++;

      if (!work->have_prev && !work->have_orphan && (work->energy_from_counter || work->energy_from_power))
        {
          work->have_orphan = TRUE;
          work->orphan_minute = minute;
        }
      if (work->energy_from_counter)
        energy_step (energy, covered, work, ts, v);
      else if (work->energy_from_power)
        energy_step (power_energy, NULL, work, ts, v);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read samples", error);

  g_hash_table_iter_init (&iter, series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    flush_series_energy (((SeriesWork *)value)->energy_from_counter ? energy : power_energy, value);

  /* A device's energy counter is the better witness, minute by minute;
   * its power fills the minutes no counter reading accounts for (before
   * the plug reported a counter, a backfill of power readings alone). */
  {
    gpointer key;

    g_hash_table_iter_init (&iter, power_energy);
    while (g_hash_table_iter_next (&iter, &key, &value))
      if (!g_hash_table_contains (covered, key) && !g_hash_table_contains (energy, key))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_insert (energy, key, value);
        }
  }

  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO rollup_1m (series_id, bucket, count, sum, min, max,"
                               " first, last, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &insert, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not store rollups", error);

  g_hash_table_iter_init (&iter, series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeriesWork *work = value;
      GHashTableIter b;
      gpointer acc;

      g_hash_table_iter_init (&b, work->buckets);
      while (g_hash_table_iter_next (&b, NULL, &acc))
        {
          if ((rc = bind_acc (insert, work->series_id, acc)) != SQLITE_DONE)
            {
              sqlite3_finalize (insert);
              return _aether_sqlite_fail (db, rc, "Could not store rollups", error);
            }
          stats->rolled[AETHER_TIER_1M]++;
        }
    }
  sqlite3_finalize (insert);

  {
    g_autoptr(GHashTable) orphans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    g_hash_table_iter_init (&iter, series);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        SeriesWork *work = value;

        if (work->have_orphan)
          g_hash_table_add (orphans, g_strdup_printf ("%s\x1f%" G_GINT64_FORMAT, work->device_id, work->orphan_minute));
      }

    return write_energy (self, db, energy, orphans, from_s, carry_counted, error);
  }
}

/* ---- Coarser steps: merge buckets of the tier below -------------------- */

static gboolean
roll_up_tier (AetherStore          *self,
              sqlite3              *db,
              AetherTier            tier,
              gint64                from_s,
              gint64                to_s,
              AetherMaintainStats  *stats,
              GError              **error)
{
  g_autofree char *select = g_strdup_printf ("SELECT series_id, bucket, count, sum, min, max, first, last, sketch"
                                             " FROM %s WHERE bucket >= ? AND bucket < ? ORDER BY series_id, bucket",
                                             _aether_rollup_tables[tier - 1]);
  g_autofree char *insert_sql = g_strdup_printf ("INSERT OR REPLACE INTO %s (series_id, bucket, count, sum, min,"
                                                 " max, first, last, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                                 _aether_rollup_tables[tier]);
  g_autofree char *energy_select = g_strdup_printf ("SELECT device_id, bucket, energy_wh, cost, co2_kg, exported_wh FROM %s"
                                                    " WHERE bucket >= ? AND bucket < ? ORDER BY device_id, bucket",
                                                    _aether_energy_tables[tier - 1]);
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *insert = NULL;
  Acc current = { 0 };
  gint64 current_series = -1;
  int rc;

  rc = sqlite3_prepare_v2 (db, select, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, insert_sql, -1, &insert, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return _aether_sqlite_fail (db, rc, "Could not roll up", error);
    }

  sqlite3_bind_int64 (stmt, 1, from_s);
  sqlite3_bind_int64 (stmt, 2, to_s);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 sid = sqlite3_column_int64 (stmt, 0);
      Acc row;
      gint64 bucket;

      _aether_acc_from_row (&row, stmt, 1);
      bucket = _aether_bucket_of (self, tier, row.start);

      if (sid != current_series || bucket != current.start)
        {
          if (current.count > 0 && bind_acc (insert, current_series, &current) != SQLITE_DONE)
            goto fail;
          if (current.count > 0)
            stats->rolled[tier]++;
          _aether_acc_clear (&current);
          memset (&current, 0, sizeof current);
          current.start = bucket;
          current_series = sid;
        }

      _aether_acc_merge (&current, &row);
      _aether_acc_clear (&row);
    }

  if (rc != SQLITE_DONE)
    goto fail;
  if (current.count > 0)
    {
      if (bind_acc (insert, current_series, &current) != SQLITE_DONE)
        goto fail;
      stats->rolled[tier]++;
    }
  _aether_acc_clear (&current);
  sqlite3_finalize (stmt);
  sqlite3_finalize (insert);

  /* Energy: sums per device per bucket; the daily tier adds its hour profile. */
  {
    g_autofree char *energy_insert = g_strdup_printf ("INSERT OR REPLACE INTO %s (device_id, bucket, energy_wh,"
                                                      " cost, co2_kg%s, exported_wh) VALUES (?, ?, ?, ?, ?%s, ?7)",
                                                      _aether_energy_tables[tier],
                                                      tier == AETHER_TIER_1D ? ", hour_profile" : "",
                                                      tier == AETHER_TIER_1D ? ", ?" : "");
    g_autofree char *device = NULL;
    gint64 bucket = G_MININT64;
    double wh = 0, cost = 0, co2 = 0;
    double exported_wh = 0;
    gboolean priced = FALSE;
    double profile[24] = { 0 };

    rc = sqlite3_prepare_v2 (db, energy_select, -1, &stmt, NULL);
    if (rc == SQLITE_OK)
      rc = sqlite3_prepare_v2 (db, energy_insert, -1, &insert, NULL);
    if (rc != SQLITE_OK)
      {
        sqlite3_finalize (stmt);
        return _aether_sqlite_fail (db, rc, "Could not roll up energy", error);
      }
    sqlite3_bind_int64 (stmt, 1, from_s);
    sqlite3_bind_int64 (stmt, 2, to_s);

    for (;;)
      {
        gboolean more = (rc = sqlite3_step (stmt)) == SQLITE_ROW;
        const char *row_device = more ? (const char *)sqlite3_column_text (stmt, 0) : NULL;
        gint64 row_bucket = more ? _aether_bucket_of (self, tier, sqlite3_column_int64 (stmt, 1)) : 0;

        if (device != NULL && (!more || !g_str_equal (row_device, device) || row_bucket != bucket))
          {
            sqlite3_bind_text (insert, 1, device, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64 (insert, 2, bucket);
            sqlite3_bind_double (insert, 3, wh);
            sqlite3_bind_double (insert, 7, exported_wh);
            if (priced)
              {
                sqlite3_bind_double (insert, 4, cost);
                sqlite3_bind_double (insert, 5, co2);
              }
            else
              {
                sqlite3_bind_null (insert, 4);
                sqlite3_bind_null (insert, 5);
              }
            if (tier == AETHER_TIER_1D)
              {
                GString *text = g_string_new ("[");

                for (guint h = 0; h < 24; h++)
                  {
                    char buf[G_ASCII_DTOSTR_BUF_SIZE];

                    g_string_append_printf (text, "%s%s", h ? "," : "",
                                            g_ascii_formatd (buf, sizeof buf, "%.6g", profile[h]));
                  }
                g_string_append_c (text, ']');
                sqlite3_bind_text (insert, 6, text->str, -1, SQLITE_TRANSIENT);
                g_string_free (text, TRUE);
              }
            if (sqlite3_step (insert) != SQLITE_DONE)
              {
                sqlite3_reset (insert);
                goto fail;
              }
            sqlite3_reset (insert);
            g_clear_pointer (&device, g_free);
          }

        if (!more)
          break;

        if (device == NULL)
          {
            device = g_strdup (row_device);
            bucket = row_bucket;
            wh = cost = co2 = exported_wh = 0;
            priced = FALSE;
            memset (profile, 0, sizeof profile);
          }

        wh += sqlite3_column_double (stmt, 2);
        exported_wh += sqlite3_column_double (stmt, 5);
        if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
          {
            priced = TRUE;
            cost += sqlite3_column_double (stmt, 3);
            co2 += sqlite3_column_double (stmt, 4);
          }
        if (tier == AETHER_TIER_1D)
          {
            gint64 hour_start = sqlite3_column_int64 (stmt, 1);
            guint hour = (guint)(((hour_start - bucket) / 3600) % 24);

            profile[MIN (hour, 23)] += sqlite3_column_double (stmt, 2);
          }
      }

    if (rc != SQLITE_DONE)
      goto fail;
  }

  sqlite3_finalize (stmt);
  sqlite3_finalize (insert);
  return TRUE;

fail:
  _aether_acc_clear (&current);
  _aether_sqlite_fail (db, rc == SQLITE_ROW || rc == SQLITE_DONE ? sqlite3_errcode (db) : rc,
                       "Could not roll up", error);
  sqlite3_finalize (stmt);
  sqlite3_finalize (insert);
  return FALSE;
}

static gint64
oldest_sample_s (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 ts = -1;

  if (sqlite3_prepare_v2 (db, "SELECT MIN(ts) FROM samples", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    ts = sqlite3_column_int64 (stmt, 0) / 1000;
  sqlite3_finalize (stmt);

  return ts;
}

static gboolean
delete_before (sqlite3     *db,
               const char  *table,
               const char  *column,
               gint64       before,
               guint64     *deleted,
               GError     **error)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM %s WHERE %s < ?", table, column);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not apply retention", error);
  sqlite3_bind_int64 (stmt, 1, before);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not apply retention", error);
  *deleted += (guint64)sqlite3_changes (db);
  return TRUE;
}

static gboolean
apply_retention (AetherStore          *self,
                 sqlite3              *db,
                 gint64                now_s,
                 AetherMaintainStats  *stats,
                 GError              **error)
{
  const AetherRetention *r = _aether_store_get_retention (self);
  gint64 wm[AETHER_N_TIERS] = { 0 };

  if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
    return FALSE;

  /* Under the lock: the writer may have moved them back for a late reading. */
  for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
    if (!_aether_get_watermark (db, t, &wm[t]))
      wm[t] = G_MININT64 / 2;

  for (guint t = AETHER_TIER_RAW; t < AETHER_N_TIERS; t++)
    {
      gint64 cutoff;

      if (r->samples_s[t] > 0)
        {
          /* Never delete what the next tier has not summarised yet, and cut
           * on the next tier's bucket edges so tiers stitch cleanly. */
          cutoff = now_s - r->samples_s[t];
          if (t + 1 < AETHER_N_TIERS)
            cutoff = MIN (_aether_bucket_of (self, t + 1, cutoff), wm[t + 1]);
          /* A tier never rolled up (its watermark unset) keeps everything
           * below it: nothing to cut (and no cutoff to scale to ms). */
          if (cutoff > G_MININT64 / 4 &&
              !delete_before (db, _aether_rollup_tables[t], t == AETHER_TIER_RAW ? "ts" : "bucket",
                              t == AETHER_TIER_RAW ? cutoff * 1000 : cutoff, &stats->deleted, error))
            goto fail;
        }

      if (_aether_energy_tables[t] != NULL && r->energy_s[t] > 0)
        {
          cutoff = now_s - r->energy_s[t];
          if (t + 1 < AETHER_N_TIERS)
            cutoff = MIN (_aether_bucket_of (self, t + 1, cutoff), wm[t + 1]);
          if (!delete_before (db, _aether_energy_tables[t], "bucket", cutoff, &stats->deleted, error))
            goto fail;
        }
    }

  if ((r->cost_records_s > 0 &&
       !delete_before (db, "cost_records", "period_end", now_s - r->cost_records_s, &stats->deleted, error)) ||
      (r->device_status_s > 0 &&
       !delete_before (db, "device_status_log", "ts", (now_s - r->device_status_s) * 1000, &stats->deleted, error)) ||
      (r->alerts_s > 0 &&
       !delete_before (db, "alert_history", "time", (now_s - r->alerts_s) * 1000, &stats->deleted, error)))
    goto fail;

  return _aether_sqlite_exec (db, "COMMIT;", error);

fail:
  _aether_sqlite_exec (db, "ROLLBACK;", NULL);
  return FALSE;
}

/**
 * aether_store_maintain:
 * @self: a store
 * @now_us: the time to maintain as of (usually the clock's)
 * @stats: (out caller-allocates) (optional): what was done
 * @error: a location for a #GError
 *
 * Rolls every complete bucket up and applies retention. Safe to run again
 * and to interrupt: each step commits with its progress.
 *
 * Returns: %TRUE on success
 */
gboolean
aether_store_maintain (AetherStore          *self,
                       gint64                now_us,
                       AetherMaintainStats  *stats,
                       GError              **error)
{
  AetherMaintainStats local_stats = { 0 };
  g_autoptr(GHashTable) series = NULL;
  sqlite3 *db;
  gint64 now_s = now_us / G_USEC_PER_SEC;
  gint64 wm;
  gint64 end;
  gint64 started;
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);

  db = _aether_store_get_db (self);
  started = g_get_monotonic_time ();
  if (!(series = load_series (db, error)))
    return FALSE;

  /* raw → 1 minute, an hour of samples per transaction */
  if (!_aether_get_watermark (db, AETHER_TIER_1M, &wm))
    {
      gint64 oldest = oldest_sample_s (db);

      wm = oldest >= 0 ? _aether_bucket_of (self, AETHER_TIER_1H, oldest) : _aether_bucket_of (self, AETHER_TIER_1H, now_s);
    }
  end = _aether_bucket_of (self, AETHER_TIER_1M, now_s);

  while (wm < end)
    {
      gint64 chunk_end;
      gint64 carry = 0;

      if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
        return FALSE;
      /* The writer thread may have moved the watermark back for a late
       * reading since the last chunk: read it again under the lock. */
      _aether_get_watermark (db, AETHER_TIER_1M, &wm);
      _aether_get_state (db, CARRY_COUNTED_KEY, &carry);
      chunk_end = MIN (end, wm + CHUNK_S);
      if (wm >= end)
        {
          _aether_sqlite_exec (db, "ROLLBACK;", NULL);
          break;
        }
      /* And it may have added series since they were read: their samples
       * would be skipped while the watermark moves past them. */
      g_clear_pointer (&series, g_hash_table_unref);
      if (!(series = load_series (db, error)))
        {
          _aether_sqlite_exec (db, "ROLLBACK;", NULL);
          return FALSE;
        }
      if (!roll_raw_chunk (self, db, series, wm, chunk_end, carry != 0, stats, error) ||
          !_aether_set_watermark (db, AETHER_TIER_1M, chunk_end, error) ||
          (carry != 0 && !_aether_set_state (db, CARRY_COUNTED_KEY, 0, error)) ||
          !_aether_sqlite_exec (db, "COMMIT;", error))
        {
          _aether_sqlite_exec (db, "ROLLBACK;", NULL);
          return FALSE;
        }
      wm = chunk_end;
    }

  if (!_aether_get_watermark (db, AETHER_TIER_1M, &wm))
    wm = end;

  /* 1 minute → 5 minutes → 1 hour → 1 day, each up to what the tier below covers */
  for (AetherTier tier = AETHER_TIER_5M; tier < AETHER_N_TIERS; tier++)
    {
      gint64 below;
      gint64 from;
      gint64 chunk = tier == AETHER_TIER_1D ? 32 * 86400 : 7 * 86400;

      if (!_aether_get_watermark (db, tier - 1, &below))
        break;
      end = _aether_bucket_of (self, tier, below);
      if (!_aether_get_watermark (db, tier, &from))
        from = _aether_bucket_of (self, tier, MIN (below, wm) - 86400 * 400 > 0 ? 0 : 0);

      /* The first run starts where the tier below starts. */
      if (from == 0)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT MIN(bucket) FROM %s", _aether_rollup_tables[tier - 1]);
          sqlite3_stmt *stmt = NULL;

          from = end;
          if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
              sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
            from = _aether_bucket_of (self, tier, sqlite3_column_int64 (stmt, 0));
          sqlite3_finalize (stmt);
        }

      while (from < end)
        {
          gint64 to;

          if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
            return FALSE;
          /* Both watermarks again, under the lock: a late reading may have
           * moved them back since they were read. */
          if (_aether_get_watermark (db, tier - 1, &below))
            end = MIN (end, _aether_bucket_of (self, tier, below));
          _aether_get_watermark (db, tier, &from);
          if (from >= end)
            {
              _aether_sqlite_exec (db, "ROLLBACK;", NULL);
              break;
            }
          to = MIN (end, _aether_bucket_of (self, tier, from + chunk));
          if (to <= from)
            to = end;
          if (!roll_up_tier (self, db, tier, from, to, stats, error) ||
              !_aether_set_watermark (db, tier, to, error) ||
              !_aether_sqlite_exec (db, "COMMIT;", error))
            {
              _aether_sqlite_exec (db, "ROLLBACK;", NULL);
              return FALSE;
            }
          from = to;
        }

      if (from >= end && !_aether_get_watermark (db, tier, &from))
        {
          if (!_aether_set_watermark (db, tier, end, error))
            return FALSE;
        }
    }

  stats->rollup_us = g_get_monotonic_time () - started;
  started = g_get_monotonic_time ();
  ok = apply_retention (self, db, now_s, stats, error) && _aether_store_incremental_vacuum (self, AETHER_VACUUM_PAGES_PER_MAINTAIN, error);
  stats->retention_us = g_get_monotonic_time () - started;
  return ok;
}
