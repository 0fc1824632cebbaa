/* aether-store-rollup-minute.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The 1-minute step of maintenance (aether-store-rollup.c): an hour of raw
 * samples at most, read in one ordered scan, into 1-minute buckets and
 * each device's energy per minute (from its energy counter series when it
 * has one, else the trapezoid rule over power, never across a gap of more
 * than three sampling intervals), priced through the AetherPricer. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-energy-rule.h"
#include "model/aether-home.h"
#include "aether-store-rollup-private.h"

/* @sql must be a string literal: the run's cache is keyed by its
 * address. */
static sqlite3_stmt *
cached_stmt (const AetherMaintainCtx  *self,
             const char               *sql,
             GError                  **error)
{
  return _aether_rollup_stmt (self, sql, sql, error);
}

/* ---- The 1-minute step: raw → 1m, and energy ---------------------------- */

/* A chunk is at most an hour, starting on a minute: its 1-minute buckets
 * are an array, not a table. */
#define CHUNK_MINUTES (CHUNK_S / 60)

/* A device's minute. @device is the device's one string in the run (every
 * series of a device points at it), so keys compare by address. */
typedef struct
{
  const char *device;
  gint64      minute;    /* seconds */
  double      wh;        /* imported */
  double      exported_wh;
} MinuteSlot;

static guint
minute_slot_hash (gconstpointer key)
{
  const MinuteSlot *m = key;

  return g_direct_hash (m->device) ^ (guint)((guint64)m->minute * G_GUINT64_CONSTANT (2654435761));
}

static gboolean
minute_slot_equal (gconstpointer a,
                   gconstpointer b)
{
  const MinuteSlot *x = a, *y = b;

  return x->device == y->device && x->minute == y->minute;
}

/* A set of MinuteSlot, each its own key and value. */
static GHashTable *
minute_table_new (void)
{
  return g_hash_table_new_full (minute_slot_hash, minute_slot_equal, g_free, NULL);
}

static MinuteSlot *
minute_table_get (GHashTable *table,
                  const char *device,
                  gint64      minute,
                  gboolean    create)
{
  MinuteSlot probe = { device, minute, 0, 0 };
  MinuteSlot *slot = g_hash_table_lookup (table, &probe);

  if (slot == NULL && create)
    {
      slot = g_memdup2 (&probe, sizeof probe);
      g_hash_table_add (table, slot);
    }
  return slot;
}

typedef struct
{
  gint64   series_id;
  char    *device_id;
  const char *device;             /* the device's one string in the run */
  char    *metric;
  gboolean energy_from_counter;   /* this is the device's energy series */
  gboolean energy_from_power;     /* this is a power series: energy where no counter says */
  /* Carried across samples */
  gboolean have_prev;
  gint64   prev_ms;
  double   prev_value;
  AetherEnergyCadence cadence;    /* the one gap rule's view of this series */
  Acc      minutes[CHUNK_MINUTES];  /* the chunk's buckets, by minute from its start */
  guint64  used;                  /* which of them have samples */
  gint64   e_minute;
  double   e_wh;
  double   e_exported_wh;
  gboolean e_pending;
  gint64   covered_minute;        /* the last minute a counter reading accounted for */
  gboolean sampled;               /* had energy or power samples in the chunk */
  gint64   recent_ms[4];          /* the last samples, a ring (CADENCE_SAMPLES) */
  guint    n_recent;              /* how many were ever remembered */
  gint64   reach_from;            /* the first minute before the chunk a counter segment adds to */
  gint64   carry_from;            /* the 1-minute watermark moved back to (s) … */
  gint64   carry_until_ms;        /* … from where (CARRY_FROM_KEY, CARRY_UNTIL_KEY) */
  gboolean have_orphan;           /* the chunk's first sample had no left end … */
  gint64   orphan_minute;         /* … in this minute (seconds) */
} SeriesWork;

/* The last samples of a series, for what the next chunk learns of its
 * sampling (load_previous_sample()). */
static inline void
remember_sample (SeriesWork *work,
                 gint64      ts_ms)
{
  work->recent_ms[work->n_recent++ % G_N_ELEMENTS (work->recent_ms)] = ts_ms;
}

static void
series_work_free (gpointer data)
{
  SeriesWork *work = data;

  for (guint m = 0; m < CHUNK_MINUTES; m++)
    _aether_acc_clear (&work->minutes[m]);
  g_free (work->device_id);
  g_free (work->metric);
  g_free (work);
}

/* Energy piles up in the series' current minute and goes to the table of
 * minutes only when the minute changes: one lookup a minute, not a sample. */
static void
flush_series_energy (GHashTable *energy,
                     SeriesWork *work)
{
  if (work->e_pending)
    {
      MinuteSlot *slot = minute_table_get (energy, work->device, work->e_minute, TRUE);

      slot->wh += work->e_wh;
      slot->exported_wh += work->e_exported_wh;
    }
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
  gint64      counted_before_us;   /* the minutes before it hold the segment already */
} MinuteSink;

static void
minute_part (gint64                   bucket_start_us,
             const AetherEnergySplit *part,
             gpointer                 user_data)
{
  MinuteSink *sink = user_data;

  if (bucket_start_us < sink->counted_before_us)
    return;
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
                    double      p1,
                    gint64      counted_before_us)
{
  MinuteSink sink = { energy, work, counted_before_us };

  aether_energy_rule_spread_power (t0_ms * 1000, p0, t1_ms * 1000, p1, 0, 60 * G_USEC_PER_SEC,
                                   minute_part, &sink);
}

GHashTable *
_aether_rollup_load_series (sqlite3  *db,
             GError  **error)
{
  g_autoptr(GHashTable) series = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, series_work_free);
  g_autoptr(GHashTable) devices = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT series_id, device_id, metric_type FROM series", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read series", error), NULL;

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      SeriesWork *work = g_new0 (SeriesWork, 1);

      work->series_id = sqlite3_column_int64 (stmt, 0);
      work->device_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      work->metric = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      work->energy_from_counter = g_str_equal (work->metric, "energy");
      work->energy_from_power = g_str_equal (work->metric, "power");
      /* The first series of a device lends its string to the others; they
       * all live as long as the table. */
      if (!(work->device = g_hash_table_lookup (devices, work->device_id)))
        {
          work->device = work->device_id;
          g_hash_table_insert (devices, work->device_id, work->device_id);
        }
      g_hash_table_insert (series, &work->series_id, work);
    }
  sqlite3_finalize (stmt);

  return g_steal_pointer (&series);
}

/* How many samples before a chunk teach its gap rule the series' sampling
 * interval, and how far back they may lie: a meter read every hour is
 * known as one at the next chunk. */
#define CADENCE_SAMPLES    4
#define CADENCE_LOOK_BACK_S (3 * CHUNK_S)

/* A counter's reading just before @before_ms however far back, found
 * through the 1-minute tier's index (raw samples are keyed by time): a
 * counter read every few hours keeps the energy between its readings
 * (AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US). */
static void
load_previous_reading (const AetherMaintainCtx *self,
                       SeriesWork              *work,
                       gint64                   before_ms)
{
  sqlite3_stmt *stmt = cached_stmt (self, "SELECT bucket FROM rollup_1m WHERE series_id = ? AND bucket < ?"
                                          " ORDER BY bucket DESC LIMIT 1", NULL);
  gint64 minute;

  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, work->series_id);
  sqlite3_bind_int64 (stmt, 2, before_ms / 1000);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      return;
    }
  minute = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  if (!(stmt = cached_stmt (self, "SELECT ts, value FROM samples WHERE ts >= ? AND ts < ? AND series_id = ?"
                                  " ORDER BY ts DESC", NULL)))
    return;
  sqlite3_bind_int64 (stmt, 1, minute * 1000);
  sqlite3_bind_int64 (stmt, 2, MIN ((minute + 60) * 1000, before_ms));
  sqlite3_bind_int64 (stmt, 3, work->series_id);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    if (isfinite (sqlite3_column_double (stmt, 1)))
      {
        work->have_prev = TRUE;
        work->prev_ms = sqlite3_column_int64 (stmt, 0);
        work->prev_value = sqlite3_column_double (stmt, 1);
        break;
      }
  sqlite3_reset (stmt);
}

/* The sample of @work just before @before_ms (within the hour; a
 * counter's however far back), so a chunk's first segment has its left
 * end, and the sampling interval the samples before the chunk teach, so the gap rule judges that segment as
 * it judges the others: a chunk that learned afresh from nothing would take
 * every segment longer than five minutes for a gap, and lose the first
 * quarter hour of a meter read every 15 minutes in every chunk (all of it
 * when maintenance runs every few minutes, as on the writer thread). What
 * a chunk learns depends on the samples alone, not on where earlier
 * maintenance passes ended. */
static void
load_previous_sample (const AetherMaintainCtx *self,
                      SeriesWork              *work,
                      gint64                   before_ms)
{
  sqlite3_stmt *stmt = cached_stmt (self, "SELECT ts, value FROM samples WHERE series_id = ? AND ts < ? AND ts >= ?"
                                          " ORDER BY ts DESC LIMIT 4", NULL);
  gint64 times[CADENCE_SAMPLES];
  guint n = 0;

  G_STATIC_ASSERT (CADENCE_SAMPLES == 4);   /* the LIMIT above, and SeriesWork.recent_ms */

  if (stmt == NULL)
    return;
  sqlite3_bind_int64 (stmt, 1, work->series_id);
  sqlite3_bind_int64 (stmt, 2, before_ms);
  sqlite3_bind_int64 (stmt, 3, before_ms - CADENCE_LOOK_BACK_S * 1000);
  /* A value that is not a number (stored before ingest refused them) is
   * no sample: it must not stop every device's maintenance. */
  while (n < CADENCE_SAMPLES && sqlite3_step (stmt) == SQLITE_ROW)
    {
      if (!isfinite (sqlite3_column_double (stmt, 1)))
        continue;
      times[n] = sqlite3_column_int64 (stmt, 0);
      if (n == 0 && times[0] >= before_ms - 3600 * 1000)
        {
          work->have_prev = TRUE;
          work->prev_ms = times[0];
          work->prev_value = sqlite3_column_double (stmt, 1);
        }
      n++;
    }
  sqlite3_reset (stmt);

  /* Oldest first, as energy_step() would have learned them. */
  for (guint i = n; i > 0; i--)
    {
      if (i > 1)
        aether_energy_rule_learn (&work->cadence, (times[i - 2] - times[i - 1]) * 1000);
      remember_sample (work, times[i - 1]);
    }

  if (!work->have_prev && work->energy_from_counter)
    load_previous_reading (self, work, before_ms);
}

/* Until when (ms) a later chunk can still add energy to the minutes
 * before it from @work's last segment, or G_MININT64: a counter's while a
 * reading then would spread its delta back to its last one
 * (AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US; a later one puts it all in its
 * own minute); power's while a chunk's look back (an hour) reaches its last
 * sample, and only while a sample then would not make the segment a gap
 * by what that chunk learns of the sampling (load_previous_sample()). */
static gint64
segment_open_until (const SeriesWork *work,
                    gint64            to_s)
{
  AetherEnergyCadence next = { 0 };
  const guint size = G_N_ELEMENTS (work->recent_ms);
  guint n = MIN (work->n_recent, size);
  guint start = work->n_recent - n;   /* the oldest one kept */
  gint64 previous = G_MININT64;
  gint64 until;

  if (!work->have_prev || !(work->energy_from_counter || work->energy_from_power))
    return G_MININT64;
  if (work->energy_from_counter)
    return work->prev_ms + AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US / 1000;
  until = work->prev_ms + 3600 * 1000;

  /* Oldest first, those within the look back only, as the next chunk
   * will learn them. */
  for (guint i = start; i < start + n; i++)
    {
      gint64 t = work->recent_ms[i % size];

      if (t < (to_s - CADENCE_LOOK_BACK_S) * 1000)
        continue;
      if (previous != G_MININT64)
        aether_energy_rule_learn (&next, (t - previous) * 1000);
      previous = t;
    }

  return MIN (until, work->prev_ms + aether_energy_rule_gap_limit (&next) / 1000);
}

/* Marks the minutes a counter reading accounts for, so that power
 * integration does not count them again. A silence longer than a counter's
 * spread limit says nothing of the minutes in it (its delta goes to the
 * last one, aether_energy_rule_spread_counter()). */
static void
cover_minutes (GHashTable *covered,
               SeriesWork *work,
               gint64      from_ms,
               gint64      to_ms)
{
  gint64 first;

  if ((to_ms - from_ms) * 1000 > AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US)
    from_ms = to_ms - 60 * 1000;
  /* Readings a few seconds apart cover the same minute again and again. */
  first = MAX (from_ms / 60000, work->covered_minute + 1);
  for (gint64 minute = first; minute <= (to_ms - 1) / 60000; minute++)
    minute_table_get (covered, work->device, minute * 60, TRUE);
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
      /* After the watermark moved back, a segment across it that was rolled
       * before (it ended before where the watermark was) is in the minutes
       * before it already; one that was not is not. */
      gboolean counted = work->carry_from != G_MININT64 && work->prev_ms < work->carry_from * 1000 &&
                         ts_ms < work->carry_until_ms;
      gint64 counted_before_us = counted ? work->carry_from * G_USEC_PER_SEC : G_MININT64;

      if (work->energy_from_counter)
        {
          AetherEnergySplit whole;
          MinuteSink sink = { energy, work, counted_before_us };

          aether_energy_rule_counter (work->prev_value, value, &whole);
          aether_energy_rule_spread_counter (work->prev_ms * 1000, ts_ms * 1000, &whole,
                                             0, 60 * G_USEC_PER_SEC, minute_part, &sink);
          if (dt * 1000 <= AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US)
            work->reach_from = MIN (work->reach_from,
                                    counted ? MAX ((work->prev_ms / 60000) * 60 + 60, work->carry_from)
                                            : (work->prev_ms / 60000) * 60 + 60);
          cover_minutes (covered, work, work->prev_ms, ts_ms);
        }
      else if (work->energy_from_power)
        {
          if (!aether_energy_rule_is_gap (&work->cadence, dt * 1000))
            add_segment_energy (energy, work, work->prev_ms, work->prev_value, ts_ms, value, counted_before_us);
        }

      aether_energy_rule_learn (&work->cadence, dt * 1000);
    }

  work->have_prev = TRUE;
  work->prev_ms = ts_ms;
  work->prev_value = value;
  remember_sample (work, ts_ms);
}

static int
compare_minute_slots (gconstpointer a,
                      gconstpointer b)
{
  const MinuteSlot *x = *(const MinuteSlot * const *)a;
  const MinuteSlot *y = *(const MinuteSlot * const *)b;
  int c = x->device == y->device ? 0 : strcmp (x->device, y->device);

  if (c != 0)
    return c;
  return (x->minute > y->minute) - (x->minute < y->minute);
}

/* Minutes before @add_before already hold energy from the previous chunk:
 * the segment that straddles a chunk edge adds to them instead (what a
 * re-roll after the watermark moved back must not add again was left out,
 * energy_step()).
 *
 * @orphans are minutes whose first sample had no sample before it any more
 * (retention took it since the minute was first rolled up, and a late
 * reading moved the watermark back): the energy of the segment into that
 * minute cannot be worked out again, so a stored figure that is larger is
 * the more complete one and is kept.
 *
 * Rows go in key order, so the table grows at the end of each device's
 * range instead of at random places. */
/* A minute of energy waiting for the multi-row INSERT OR REPLACE. */
typedef struct
{
  const char *device;
  gint64      minute;
  double      wh;
  double      exported_wh;
  double      cost;
  double      co2_kg;
  gboolean    priced;
} EnergyRow;

static const char energy_many_key;

static gboolean
flush_energy_rows (const AetherMaintainCtx  *self,
                   sqlite3_stmt             *one,
                   GArray                   *rows,
                   GError                  **error)
{
  const EnergyRow *row = (const EnergyRow *)(gpointer)rows->data;
  guint i = 0;

  while (i < rows->len)
    {
      gboolean many = rows->len - i >= AETHER_ROLLUP_BATCH_ROWS;
      guint take = many ? AETHER_ROLLUP_BATCH_ROWS : 1;
      sqlite3_stmt *stmt = one;
      int rc;

      if (many)
        {
          g_autoptr(GString) sql = NULL;

          if (g_hash_table_lookup (self->stmts, &energy_many_key) == NULL)
            {
              sql = g_string_new ("INSERT OR REPLACE INTO energy_1m (device_id, bucket, energy_wh, cost, co2_kg,"
                                  " exported_wh) VALUES ");
              for (guint r = 0; r < AETHER_ROLLUP_BATCH_ROWS; r++)
                g_string_append (sql, r == 0 ? "(?,?,?,?,?,?)" : ",(?,?,?,?,?,?)");
            }
          if (!(stmt = _aether_rollup_stmt (self, &energy_many_key, sql ? sql->str : NULL, error)))
            return FALSE;
        }
      else
        sqlite3_reset (stmt);

      for (guint r = 0; r < take; r++, row++)
        {
          int base = (int)r * 6;

          sqlite3_bind_text (stmt, base + 1, row->device, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, base + 2, row->minute);
          sqlite3_bind_double (stmt, base + 3, row->wh);
          if (row->priced)
            {
              sqlite3_bind_double (stmt, base + 4, row->cost);
              sqlite3_bind_double (stmt, base + 5, row->co2_kg);
            }
          else
            {
              sqlite3_bind_null (stmt, base + 4);
              sqlite3_bind_null (stmt, base + 5);
            }
          sqlite3_bind_double (stmt, base + 6, row->exported_wh);
        }
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _aether_sqlite_fail (self->db, rc, "Could not store energy", error);
      i += take;
    }
  g_array_set_size (rows, 0);
  return TRUE;
}

static gboolean
write_energy (const AetherMaintainCtx *self,
              sqlite3      *db,
              GHashTable   *energy,
              GHashTable   *orphans,
              gint64        add_before,
              GError      **error)
{
  AetherPricer *pricer = self->pricer;
  sqlite3_stmt *stmt, *add, *keep;
  g_autofree MinuteSlot **slots = NULL;
  g_autoptr(GArray) pending = g_array_sized_new (FALSE, FALSE, sizeof (EnergyRow), g_hash_table_size (energy) + 1);
  EnergyRow row = { 0 };
  GHashTableIter iter;
  gpointer key;
  guint n = 0;
  int rc;

  if (!(stmt = cached_stmt (self, "INSERT OR REPLACE INTO energy_1m (device_id, bucket, energy_wh, cost, co2_kg,"
                                  " exported_wh) VALUES (?, ?, ?, ?, ?, ?)", error)) ||
      !(keep = cached_stmt (self, "INSERT INTO energy_1m (device_id, bucket, energy_wh, cost, co2_kg, exported_wh)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (device_id, bucket) DO UPDATE SET"
                                  " energy_wh = CASE WHEN ?3 + ?6 > energy_wh + exported_wh THEN ?3 ELSE energy_wh END,"
                                  " exported_wh = CASE WHEN ?3 + ?6 > energy_wh + exported_wh THEN ?6 ELSE exported_wh END,"
                                  " cost = CASE WHEN ?3 + ?6 > energy_wh + exported_wh THEN ?4 ELSE cost END,"
                                  " co2_kg = CASE WHEN ?3 + ?6 > energy_wh + exported_wh THEN ?5 ELSE co2_kg END",
                            error)) ||
      !(add = cached_stmt (self, "INSERT INTO energy_1m (device_id, bucket, energy_wh, cost, co2_kg, exported_wh)"
                                 " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (device_id, bucket) DO UPDATE SET"
                                 " energy_wh = energy_wh + ?3, exported_wh = exported_wh + ?6,"
                                 " cost = CASE WHEN ?4 IS NULL THEN cost"
                                 " ELSE COALESCE(cost, 0) + ?4 END,"
                                 " co2_kg = CASE WHEN ?5 IS NULL THEN co2_kg ELSE COALESCE(co2_kg, 0) + ?5 END",
                           error)))
    {
      g_prefix_error (error, "Could not store energy: ");
      return FALSE;
    }

  slots = g_new (MinuteSlot *, g_hash_table_size (energy) + 1);
  g_hash_table_iter_init (&iter, energy);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    slots[n++] = key;
  qsort (slots, n, sizeof (MinuteSlot *), compare_minute_slots);

  for (guint i = 0; i < n; i++)
    {
      const MinuteSlot *slot = slots[i];
      const char *device = slot->device;
      gint64 minute = slot->minute;
      double wh = slot->wh;
      double exported_wh = slot->exported_wh;
      sqlite3_stmt *target = minute < add_before ? add : g_hash_table_contains (orphans, slot) ? keep : stmt;

      /* Huge finite readings can still sum past a double; that minute is
       * left out rather than the whole hour failing for every device. */
      if (!isfinite (wh) || !isfinite (exported_wh))
        {
          g_message ("Energy of %s at %" G_GINT64_FORMAT " is not a finite number; left out", device, minute);
          continue;
        }

      row.device = device;
      row.minute = minute;
      row.wh = wh;
      row.exported_wh = exported_wh;
      row.priced = FALSE;
      if (pricer != NULL)
        {
          AetherPrice price;
          g_autoptr(GError) local_error = NULL;
          AetherEnergySplit split = { wh, exported_wh };

          if (aether_energy_rule_price (pricer, device, minute, minute + 60, &split, &price, &local_error))
            {
              row.priced = TRUE;
              row.cost = price.cost;
              row.co2_kg = price.co2_kg;
            }
          else
            g_debug ("No price for %s at %" G_GINT64_FORMAT ": %s", device, minute, local_error->message);
        }

      /* A minute is written once: the plain ones can wait for a
       * multi-row INSERT, those that merge with what is stored go now. */
      if (target == stmt)
        {
          g_array_append_val (pending, row);
          continue;
        }

      sqlite3_bind_text (target, 1, device, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (target, 2, minute);
      sqlite3_bind_double (target, 3, wh);
      sqlite3_bind_double (target, 6, exported_wh);
      if (row.priced)
        {
          sqlite3_bind_double (target, 4, row.cost);
          sqlite3_bind_double (target, 5, row.co2_kg);
        }
      else
        {
          sqlite3_bind_null (target, 4);
          sqlite3_bind_null (target, 5);
        }

      rc = sqlite3_step (target);
      sqlite3_reset (target);
      if (rc != SQLITE_DONE)
        return _aether_sqlite_fail (db, rc, "Could not store energy", error);
    }

  return flush_energy_rows (self, stmt, pending, error);
}

/* A chunk that rolls minutes again (the watermark moved back for readings
 * behind it) replaces what it computes, but a minute it computes nothing
 * for can still hold energy from the earlier roll: the part of a segment
 * that ends after the chunk, which the next chunk adds again. Each device
 * the chunk has samples of loses those minutes first, so every minute is
 * the sum of its segments once, however often it is rolled. Kept are the
 * minutes up to its first sample that had no sample before it (its stored
 * energy cannot be worked out again, see write_energy()) and those before
 * retention's last cut of the raw tier, whose samples are not all there
 * (RAW_CUT_KEY).
 *
 * A counter's first segment can reach back over chunks that had none of
 * its readings (it is read every few hours): the minutes after its
 * previous reading's are that segment's alone, and are cleared too before
 * it adds to them, but for those that hold it already (energy_step()). */
static gboolean
clear_stale_energy (const AetherMaintainCtx  *self,
                    sqlite3                  *db,
                    GHashTable               *series,
                    gint64                    from_s,
                    gint64                    to_s,
                    GError                  **error)
{
  g_autoptr(GHashTable) from_of = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, g_free);
  sqlite3_stmt *stmt;
  GHashTableIter iter;
  gpointer key, value;
  gint64 raw_cut = G_MININT64;

  _aether_get_state (db, RAW_CUT_KEY, &raw_cut);
  g_hash_table_iter_init (&iter, series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeriesWork *work = value;
      gint64 *from;

      if (!work->sampled)
        continue;
      if (work->energy_from_counter && MAX (work->reach_from, raw_cut) < from_s)
        {
          sqlite3_stmt *reach;
          int rc;

          if (!(reach = cached_stmt (self, "DELETE FROM energy_1m WHERE device_id = ? AND bucket >= ? AND bucket < ?",
                                     error)))
            return FALSE;
          sqlite3_bind_text (reach, 1, work->device, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (reach, 2, MAX (work->reach_from, raw_cut));
          sqlite3_bind_int64 (reach, 3, from_s);
          rc = sqlite3_step (reach);
          sqlite3_reset (reach);
          if (rc != SQLITE_DONE)
            return _aether_sqlite_fail (db, rc, "Could not store energy", error);
        }
      if (!(from = g_hash_table_lookup (from_of, work->device)))
        {
          from = g_new (gint64, 1);
          *from = MAX (from_s, raw_cut);
          g_hash_table_insert (from_of, (gpointer)work->device, from);
        }
      if (work->have_orphan)
        *from = MAX (*from, work->orphan_minute + 60);
    }
  if (g_hash_table_size (from_of) == 0)
    return TRUE;

  if (!(stmt = cached_stmt (self, "DELETE FROM energy_1m WHERE device_id = ? AND bucket >= ? AND bucket < ?", error)))
    return FALSE;
  g_hash_table_iter_init (&iter, from_of);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      int rc;

      if (*(gint64 *)value >= to_s)
        continue;
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, *(gint64 *)value);
      sqlite3_bind_int64 (stmt, 3, to_s);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _aether_sqlite_fail (db, rc, "Could not store energy", error);
    }
  return TRUE;
}

gboolean
_aether_roll_raw_chunk (const AetherMaintainCtx *self,
                sqlite3              *db,
                GHashTable           *series,
                gint64                from_s,
                gint64                to_s,
                gint64                carry_from,
                gint64                carry_until_ms,
                gint64               *open_from,
                gint64               *open_until,
                AetherMaintainStats  *stats,
                GError              **error)
{
  g_autoptr(GHashTable) energy = minute_table_new ();
  g_autoptr(GHashTable) power_energy = minute_table_new ();
  g_autoptr(GHashTable) covered = minute_table_new ();
  g_autoptr(GPtrArray) by_id = NULL;
  AetherAccBatch batch;
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer value;
  int rc;

  g_return_val_if_fail (from_s % 60 == 0 && to_s - from_s <= CHUNK_S, FALSE);

  g_hash_table_iter_init (&iter, series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeriesWork *work = value;

      work->used = 0;
      work->have_prev = FALSE;
      work->e_pending = FALSE;
      work->e_wh = 0;
      work->covered_minute = G_MININT64 / 2;
      work->have_orphan = FALSE;
      work->reach_from = G_MAXINT64;
      work->carry_from = carry_from;
      work->carry_until_ms = carry_until_ms;
      work->sampled = FALSE;
      work->n_recent = 0;
      /* Each chunk learns the sampling interval from the samples before
       * it (load_previous_sample()), whatever chunk came before. */
      memset (&work->cadence, 0, sizeof work->cadence);
      if (work->energy_from_counter || work->energy_from_power)
        load_previous_sample (self, work, from_s * 1000);
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

  if (!(stmt = cached_stmt (self, "SELECT ts, series_id, value FROM samples WHERE ts >= ? AND ts < ?", error)))
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, from_s * 1000);
  sqlite3_bind_int64 (stmt, 2, to_s * 1000);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 ts = sqlite3_column_int64 (stmt, 0);
      gint64 sid = sqlite3_column_int64 (stmt, 1);
      double v = sqlite3_column_double (stmt, 2);
      SeriesWork *work = sid >= 0 && sid < by_id->len ? g_ptr_array_index (by_id, sid) : NULL;
      gint64 minute = (ts / 60000) * 60;
      guint m = (guint)((minute - from_s) / 60);
      Acc *acc;

      if (work == NULL || !isfinite (v))
        continue;

      acc = &work->minutes[m];
      if (!(work->used & (G_GUINT64_CONSTANT (1) << m)))
        {
          memset (acc, 0, sizeof *acc);
          acc->start = minute;
          work->used |= G_GUINT64_CONSTANT (1) << m;
        }
      _aether_acc_add_value (acc, v);
      stats->samples_rolled++;

      if (!work->have_prev && !work->have_orphan && (work->energy_from_counter || work->energy_from_power))
        {
          work->have_orphan = TRUE;
          work->orphan_minute = minute;
        }
      if (work->energy_from_counter || work->energy_from_power)
        work->sampled = TRUE;
      if (work->energy_from_counter)
        energy_step (energy, covered, work, ts, v);
      else if (work->energy_from_power)
        energy_step (power_energy, NULL, work, ts, v);
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read samples", error);

  g_hash_table_iter_init (&iter, series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    flush_series_energy (((SeriesWork *)value)->energy_from_counter ? energy : power_energy, value);

  /* A series' last segment is still open: the next chunk, which looks back
   * for its left end (segment_open_until()), adds its part before @to_s to the minutes
   * from that sample's on. Those minutes are not whole yet. */
  *open_from = to_s;
  *open_until = G_MININT64;
  g_hash_table_iter_init (&iter, series);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SeriesWork *work = value;
      gint64 until = segment_open_until (work, to_s);

      if (until >= to_s * 1000)
        {
          *open_from = MIN (*open_from, (work->prev_ms / 60000) * 60);
          *open_until = MAX (*open_until, until);
        }
    }

  /* A device's energy counter is the better witness, minute by minute;
   * its power fills the minutes no counter reading accounts for (before
   * the plug reported a counter, a backfill of power readings alone). */
  {
    gpointer key;

    g_hash_table_iter_init (&iter, power_energy);
    while (g_hash_table_iter_next (&iter, &key, NULL))
      if (!g_hash_table_contains (covered, key) && !g_hash_table_contains (energy, key))
        {
          g_hash_table_iter_steal (&iter);
          g_hash_table_add (energy, key);
        }
  }

  /* In key order: series by series, minute by minute. */
  _aether_acc_batch_init (&batch, self, AETHER_TIER_1M);
  for (guint id = 0; id < by_id->len; id++)
    {
      SeriesWork *work = g_ptr_array_index (by_id, id);

      if (work == NULL || work->used == 0)
        continue;
      for (guint m = 0; m < CHUNK_MINUTES; m++)
        {
          gboolean added;

          if (!(work->used & (G_GUINT64_CONSTANT (1) << m)))
            continue;
          added = _aether_acc_batch_add (&batch, work->series_id, &work->minutes[m], error);
          _aether_acc_clear (&work->minutes[m]);
          if (!added)
            {
              _aether_acc_batch_clear (&batch);
              return FALSE;
            }
          stats->rolled[AETHER_TIER_1M]++;
        }
      work->used = 0;
    }
  {
    gboolean flushed = _aether_acc_batch_flush (&batch, error);

    _aether_acc_batch_clear (&batch);
    if (!flushed)
      return FALSE;
  }

  {
    g_autoptr(GHashTable) orphans = minute_table_new ();

    g_hash_table_iter_init (&iter, series);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        SeriesWork *work = value;

        if (work->have_orphan)
          minute_table_get (orphans, work->device, work->orphan_minute, TRUE);
      }

    return clear_stale_energy (self, db, series, from_s, to_s, error) &&
           write_energy (self, db, energy, orphans, from_s, error);
  }
}
