/* aether-store-series.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Samples and their tiers. Raw samples are integers and doubles keyed by
 * (time, series): live data appends at the end of the tree, so a commit a
 * second touches a page or two instead of one per series (DESIGN.md's
 * measurement). Maintenance rolls complete minutes into 1-minute buckets,
 * those into 5-minute, hourly and (local-midnight) daily ones, each with
 * count, sum, min, max, first, last and a quantile sketch, and derives each
 * device's energy per bucket (from its energy counter series when it has
 * one, else the trapezoid rule over power, never across a gap of more than
 * three sampling intervals), priced through the AetherPricer at 1-minute
 * resolution. Every step is one transaction that also moves its watermark,
 * so maintenance is idempotent and resumes where a crash left it. Retention
 * never deletes what has not been rolled up yet.
 *
 * Queries pick the coarsest tier that still gives a point per column,
 * stitch coarser tiers in where retention removed the finer one and finer
 * tiers (down to raw) where maintenance has not reached yet, then reduce to
 * the requested number of columns keeping each column's first, last, min
 * and max (M4), so a line drawn from them is the line drawn from all the
 * data. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-energy-rule.h"
#include "model/aether-home.h"
#include "aether-store-private.h"

AetherPricer          *_aether_store_get_pricer       (AetherStore *self);
const AetherRetention *_aether_store_get_retention    (AetherStore *self);
GTimeZone             *_aether_store_get_time_zone    (AetherStore *self);
GHashTable            *_aether_store_get_series_cache (AetherStore *self);
gboolean               _aether_store_upgrade          (AetherStore *self,
                                                       GError     **error);

#define CHUNK_S         3600

static const char * const rollup_tables[AETHER_N_TIERS] = { "samples", "rollup_1m", "rollup_5m", "rollup_1h", "rollup_1d" };
static const char * const energy_tables[AETHER_N_TIERS] = { NULL, "energy_1m", "energy_5m", "energy_1h", "energy_1d" };

/* ---- Units and series -------------------------------------------------- */

gint64
_aether_store_ensure_series (sqlite3     *db,
                             GHashTable  *cache,
                             const char  *device_id,
                             const char  *metric_type,
                             const char  *unit,
                             GError     **error)
{
  g_autofree char *key = g_strconcat (device_id, "\x1f", metric_type, NULL);
  sqlite3_stmt *stmt = NULL;
  gpointer cached;
  gint64 id = -1;
  int rc;

  if (cache != NULL && g_hash_table_lookup_extended (cache, key, NULL, &cached))
    return GPOINTER_TO_SIZE (cached);

  rc = sqlite3_prepare_v2 (db, "SELECT series_id FROM series WHERE device_id = ? AND metric_type = ?",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read series", error), -1;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, metric_type, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (id < 0)
    {
      rc = sqlite3_prepare_v2 (db, "INSERT INTO series (device_id, metric_type, unit) VALUES (?, ?, ?)",
                               -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        return _aether_sqlite_fail (db, rc, "Could not create a series", error), -1;
      sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, metric_type, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 3, unit, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return _aether_sqlite_fail (db, rc, "Could not create a series", error), -1;
      id = sqlite3_last_insert_rowid (db);
    }

  if (cache != NULL)
    g_hash_table_insert (cache, g_steal_pointer (&key), GSIZE_TO_POINTER ((gsize)id));

  return id;
}

static int
compare_reading_time (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  gint64 ta = (*(const AetherReading * const *)a)->timestamp_us;
  gint64 tb = (*(const AetherReading * const *)b)->timestamp_us;

  return (ta > tb) - (ta < tb);
}

static gboolean get_watermark (sqlite3 *db, AetherTier tier, gint64 *value);
static gboolean set_watermark (sqlite3 *db, AetherTier tier, gint64 value, GError **error);
static gboolean get_state     (sqlite3 *db, const char *key, gint64 *value);
static gboolean set_state     (sqlite3 *db, const char *key, gint64 value, GError **error);
static gint64   bucket_in     (GTimeZone *tz, AetherTier tier, gint64 unix_s);

/* rollup_state key: set when the 1-minute watermark was moved back, which
 * means the minute before it already holds the energy of the segment that
 * straddles the watermark; the re-roll must not add it a second time. */
#define CARRY_COUNTED_KEY "1m-carry-counted"

/* The time of the sample of @series_id just before @before_ms (within the
 * hour the rollup looks back), or @before_ms without one. */
static gint64
previous_sample_ms (sqlite3 *db,
                    gint64   series_id,
                    gint64   before_ms)
{
  sqlite3_stmt *stmt = NULL;
  gint64 ts = before_ms;

  if (sqlite3_prepare_v2 (db, "SELECT ts FROM samples WHERE series_id = ? AND ts < ? AND ts >= ?"
                              " ORDER BY ts DESC LIMIT 1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, series_id);
      sqlite3_bind_int64 (stmt, 2, before_ms);
      sqlite3_bind_int64 (stmt, 3, before_ms - 3600 * 1000);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        ts = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);

  return ts;
}

/* Readings older than what maintenance has rolled up (a backfill, an
 * import, a device that buffered while offline, a live reading that came
 * late) move the watermarks back, so the next maintenance rolls them up
 * instead of retention deleting them. They go back to the minute of the
 * sample before the oldest such reading: the segment from that sample to
 * the late one changed, the one before it did not. Only series with raw
 * samples in a re-rolled range are rewritten, so what was rolled before,
 * whose raw samples are gone, stays as it is. */
static gboolean
rewind_watermarks (sqlite3     *db,
                   GTimeZone   *tz,
                   GHashTable  *late,
                   GError     **error)
{
  GHashTableIter iter;
  gpointer key, value;
  gint64 oldest_ms = G_MAXINT64;
  gint64 oldest_s;

  g_hash_table_iter_init (&iter, late);
  while (g_hash_table_iter_next (&iter, &key, &value))
    oldest_ms = MIN (oldest_ms, previous_sample_ms (db, *(gint64 *)key, *(gint64 *)value));

  if (oldest_ms == G_MAXINT64)
    return TRUE;
  oldest_s = oldest_ms >= 0 ? oldest_ms / 1000 : -((-oldest_ms + 999) / 1000);

  for (AetherTier tier = AETHER_TIER_1M; tier < AETHER_N_TIERS; tier++)
    {
      gint64 wm;
      gint64 bucket = bucket_in (tz, tier, oldest_s);

      if (!get_watermark (db, tier, &wm) || wm <= bucket)
        continue;
      if (!set_watermark (db, tier, bucket, error))
        return FALSE;
      if (tier == AETHER_TIER_1M && !set_state (db, CARRY_COUNTED_KEY, 1, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * _aether_store_insert_readings:
 * @db: a connection inside a write transaction
 * @series_cache: (nullable): the connection's series ids
 * @tz: the zone of the daily tier
 * @readings: (array length=n_readings): readings, in time order
 * @n_readings: how many
 * @skip_unknown_units: drop (with a warning) a reading whose unit is not
 *   one of its metric's, instead of failing
 * @error: a location for a #GError
 *
 * The one way readings enter the raw tier, for aether_store_ingest() and
 * the writer thread alike, so that a late live reading and a backfill are
 * rolled up the same way: readings older than the 1-minute watermark move
 * the watermarks back (rewind_watermarks()).
 *
 * Returns: %TRUE if stored; on failure the caller rolls back
 */
gboolean
_aether_store_insert_readings (sqlite3              *db,
                               GHashTable           *series_cache,
                               GTimeZone            *tz,
                               const AetherReading **readings,
                               guint                 n_readings,
                               gboolean              skip_unknown_units,
                               GError              **error)
{
  g_autoptr(GHashTable) late = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  sqlite3_stmt *insert = NULL;
  gint64 rolled_ms = G_MININT64;
  gint64 wm;
  int rc;

  if (get_watermark (db, AETHER_TIER_1M, &wm))
    rolled_ms = wm * 1000;

  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO samples (ts, series_id, value) VALUES (?, ?, ?)",
                           -1, &insert, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not store readings", error);

  for (guint k = 0; k < n_readings; k++)
    {
      const AetherReading *r = readings[k];
      const char *unit = NULL;
      double factor = 1;
      gint64 series;
      gint64 ts_ms = r->timestamp_us / 1000;

      if (!_aether_normalize_unit (r->metric_type, r->unit, &factor, &unit))
        {
          if (skip_unknown_units)
            {
              g_warning ("Dropping a %s reading of %s in unknown unit “%s”", r->metric_type, r->device_id, r->unit);
              continue;
            }
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "“%s” is not a unit of %s (device %s)", r->unit, r->metric_type, r->device_id);
          sqlite3_finalize (insert);
          return FALSE;
        }

      series = _aether_store_ensure_series (db, series_cache, r->device_id, r->metric_type, unit, error);
      if (series < 0)
        {
          sqlite3_finalize (insert);
          return FALSE;
        }

      sqlite3_bind_int64 (insert, 1, ts_ms);
      sqlite3_bind_int64 (insert, 2, series);
      sqlite3_bind_double (insert, 3, r->value * factor);
      rc = sqlite3_step (insert);
      sqlite3_reset (insert);
      if (rc != SQLITE_DONE)
        {
          sqlite3_finalize (insert);
          return _aether_sqlite_fail (db, rc, "Could not store readings", error);
        }

      /* The oldest late reading of each series, so the rewind can find the
       * sample before it. */
      if (ts_ms < rolled_ms)
        {
          gint64 *oldest = g_hash_table_lookup (late, &series);

          if (oldest == NULL)
            g_hash_table_insert (late, g_memdup2 (&series, sizeof series), g_memdup2 (&ts_ms, sizeof ts_ms));
          else
            *oldest = MIN (*oldest, ts_ms);
        }
    }

  sqlite3_finalize (insert);

  return rewind_watermarks (db, tz, late, error);
}

/**
 * aether_store_ingest:
 * @self: a store
 * @readings: (array length=n_readings): readings
 * @n_readings: how many
 * @error: a location for a #GError
 *
 * Stores every reading in one transaction, or none: an unknown unit or a
 * full disk leaves the database as it was.
 *
 * Returns: %TRUE if all were stored
 */
gboolean
aether_store_ingest (AetherStore          *self,
                     const AetherReading  *readings,
                     guint                 n_readings,
                     GError              **error)
{
  sqlite3 *db;
  g_autofree const AetherReading **order = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (readings != NULL || n_readings == 0, FALSE);

  db = _aether_store_get_db (self);

  /* Time order keeps the raw tier append-only. */
  order = g_new (const AetherReading *, MAX (n_readings, 1));
  for (guint i = 0; i < n_readings; i++)
    order[i] = &readings[i];
  g_qsort_with_data (order, n_readings, sizeof (const AetherReading *), compare_reading_time, NULL);

  if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
    return FALSE;

  if (!_aether_store_insert_readings (db, _aether_store_get_series_cache (self), _aether_store_get_time_zone (self),
                                      order, n_readings, FALSE, error) ||
      !_aether_sqlite_exec (db, "COMMIT;", error))
    {
      _aether_sqlite_exec (db, "ROLLBACK;", NULL);
      /* A series created in the rolled-back transaction must not stay cached. */
      g_hash_table_remove_all (_aether_store_get_series_cache (self));
      return FALSE;
    }

  return TRUE;
}

/* ---- Watermarks -------------------------------------------------------- */

static gboolean
get_state (sqlite3    *db,
           const char *key,
           gint64     *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT watermark FROM rollup_state WHERE tier = ?", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          found = TRUE;
        }
    }
  sqlite3_finalize (stmt);

  return found;
}

static gboolean
set_state (sqlite3     *db,
           const char  *key,
           gint64       value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO rollup_state (tier, watermark) VALUES (?, ?)",
                               -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not save maintenance progress", error);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, value);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not save maintenance progress", error);
  return TRUE;
}

static gboolean
get_watermark (sqlite3    *db,
               AetherTier  tier,
               gint64     *value)
{
  return get_state (db, aether_tier_to_string (tier), value);
}

static gboolean
set_watermark (sqlite3     *db,
               AetherTier   tier,
               gint64       value,
               GError     **error)
{
  return set_state (db, aether_tier_to_string (tier), value, error);
}

/* ---- Buckets in memory ------------------------------------------------- */

typedef struct
{
  gint64        start;     /* seconds */
  guint64       count;
  double        sum;
  double        min;
  double        max;
  double        first;
  double        last;
  AetherSketch *sketch;
} Acc;

static void
acc_clear (Acc *acc)
{
  g_clear_pointer (&acc->sketch, aether_sketch_free);
}

static void
acc_add_value (Acc    *acc,
               double  v)
{
  if (acc->count == 0)
    {
      acc->min = acc->max = acc->first = v;
      acc->sketch = aether_sketch_new ();
    }
  acc->min = MIN (acc->min, v);
  acc->max = MAX (acc->max, v);
  acc->last = v;
  acc->sum += v;
  acc->count++;
  aether_sketch_add (acc->sketch, v);
}

/* Adds a bucket that comes after everything already in @acc. */
static void
acc_merge (Acc       *acc,
           const Acc *other)
{
  if (other->count == 0)
    return;

  if (acc->count == 0)
    {
      acc->min = other->min;
      acc->max = other->max;
      acc->first = other->first;
      acc->sketch = aether_sketch_new ();
    }
  acc->min = MIN (acc->min, other->min);
  acc->max = MAX (acc->max, other->max);
  acc->last = other->last;
  acc->sum += other->sum;
  acc->count += other->count;
  if (other->sketch != NULL)
    aether_sketch_merge (acc->sketch, other->sketch);
}

static void
acc_from_row (Acc          *acc,
              sqlite3_stmt *stmt,
              int           first_col)
{
  const void *blob;

  memset (acc, 0, sizeof *acc);
  acc->start = sqlite3_column_int64 (stmt, first_col);
  acc->count = (guint64)sqlite3_column_int64 (stmt, first_col + 1);
  acc->sum = sqlite3_column_double (stmt, first_col + 2);
  acc->min = sqlite3_column_double (stmt, first_col + 3);
  acc->max = sqlite3_column_double (stmt, first_col + 4);
  acc->first = sqlite3_column_double (stmt, first_col + 5);
  acc->last = sqlite3_column_double (stmt, first_col + 6);
  blob = sqlite3_column_blob (stmt, first_col + 7);
  if (blob != NULL)
    acc->sketch = aether_sketch_deserialize (blob, sqlite3_column_bytes (stmt, first_col + 7));
}

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
  acc_clear (data);
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
  if (sqlite3_step (stmt) == SQLITE_ROW)
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
 * watermark moved back). */
static gboolean
write_energy (AetherStore  *self,
              sqlite3      *db,
              GHashTable   *energy,
              gint64        add_before,
              gboolean      carry_counted,
              GError      **error)
{
  AetherPricer *pricer = _aether_store_get_pricer (self);
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *add = NULL;
  GHashTableIter iter;
  gpointer key, value;
  int rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO energy_1m (device_id, bucket, energy_wh, cost, co2_kg,"
                                   " exported_wh) VALUES (?, ?, ?, ?, ?, ?)", -1, &stmt, NULL);

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
      sqlite3_stmt *target = minute < add_before ? add : stmt;

      if (minute < add_before && carry_counted)
        continue;

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
          return _aether_sqlite_fail (db, rc, "Could not store energy", error);
        }
    }

  sqlite3_finalize (stmt);
  sqlite3_finalize (add);
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

      if (work == NULL)
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
      acc_add_value (acc, v);
      stats->samples_rolled++;

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

  return write_energy (self, db, energy, from_s, carry_counted, error);
}

/* ---- Coarser steps: merge buckets of the tier below -------------------- */

static gint64
day_start (GTimeZone *tz,
           gint64     unix_s)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_s);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);

  return g_date_time_to_unix (midnight);
}

static gint64
bucket_in (GTimeZone  *tz,
           AetherTier  tier,
           gint64      unix_s)
{
  gint64 w = aether_tier_get_width_s (tier);

  if (tier == AETHER_TIER_1D)
    return day_start (tz, unix_s);

  return unix_s - (((unix_s % w) + w) % w);
}

static gint64
bucket_of (AetherStore *self,
           AetherTier   tier,
           gint64       unix_s)
{
  return bucket_in (_aether_store_get_time_zone (self), tier, unix_s);
}

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
                                             rollup_tables[tier - 1]);
  g_autofree char *insert_sql = g_strdup_printf ("INSERT OR REPLACE INTO %s (series_id, bucket, count, sum, min,"
                                                 " max, first, last, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                                 rollup_tables[tier]);
  g_autofree char *energy_select = g_strdup_printf ("SELECT device_id, bucket, energy_wh, cost, co2_kg, exported_wh FROM %s"
                                                    " WHERE bucket >= ? AND bucket < ? ORDER BY device_id, bucket",
                                                    energy_tables[tier - 1]);
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

      acc_from_row (&row, stmt, 1);
      bucket = bucket_of (self, tier, row.start);

      if (sid != current_series || bucket != current.start)
        {
          if (current.count > 0 && bind_acc (insert, current_series, &current) != SQLITE_DONE)
            goto fail;
          if (current.count > 0)
            stats->rolled[tier]++;
          acc_clear (&current);
          memset (&current, 0, sizeof current);
          current.start = bucket;
          current_series = sid;
        }

      acc_merge (&current, &row);
      acc_clear (&row);
    }

  if (rc != SQLITE_DONE)
    goto fail;
  if (current.count > 0)
    {
      if (bind_acc (insert, current_series, &current) != SQLITE_DONE)
        goto fail;
      stats->rolled[tier]++;
    }
  acc_clear (&current);
  sqlite3_finalize (stmt);
  sqlite3_finalize (insert);

  /* Energy: sums per device per bucket; the daily tier adds its hour profile. */
  {
    g_autofree char *energy_insert = g_strdup_printf ("INSERT OR REPLACE INTO %s (device_id, bucket, energy_wh,"
                                                      " cost, co2_kg%s, exported_wh) VALUES (?, ?, ?, ?, ?%s, ?7)",
                                                      energy_tables[tier],
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
        gint64 row_bucket = more ? bucket_of (self, tier, sqlite3_column_int64 (stmt, 1)) : 0;

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
  acc_clear (&current);
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
    if (!get_watermark (db, t, &wm[t]))
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
            cutoff = MIN (bucket_of (self, t + 1, cutoff), wm[t + 1]);
          if (!delete_before (db, rollup_tables[t], t == AETHER_TIER_RAW ? "ts" : "bucket",
                              t == AETHER_TIER_RAW ? cutoff * 1000 : cutoff, &stats->deleted, error))
            goto fail;
        }

      if (energy_tables[t] != NULL && r->energy_s[t] > 0)
        {
          cutoff = now_s - r->energy_s[t];
          if (t + 1 < AETHER_N_TIERS)
            cutoff = MIN (bucket_of (self, t + 1, cutoff), wm[t + 1]);
          if (!delete_before (db, energy_tables[t], "bucket", cutoff, &stats->deleted, error))
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
  if (!get_watermark (db, AETHER_TIER_1M, &wm))
    {
      gint64 oldest = oldest_sample_s (db);

      wm = oldest >= 0 ? bucket_of (self, AETHER_TIER_1H, oldest) : bucket_of (self, AETHER_TIER_1H, now_s);
    }
  end = bucket_of (self, AETHER_TIER_1M, now_s);

  while (wm < end)
    {
      gint64 chunk_end;
      gint64 carry = 0;

      if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
        return FALSE;
      /* The writer thread may have moved the watermark back for a late
       * reading since the last chunk: read it again under the lock. */
      get_watermark (db, AETHER_TIER_1M, &wm);
      get_state (db, CARRY_COUNTED_KEY, &carry);
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
          !set_watermark (db, AETHER_TIER_1M, chunk_end, error) ||
          (carry != 0 && !set_state (db, CARRY_COUNTED_KEY, 0, error)) ||
          !_aether_sqlite_exec (db, "COMMIT;", error))
        {
          _aether_sqlite_exec (db, "ROLLBACK;", NULL);
          return FALSE;
        }
      wm = chunk_end;
    }

  if (!get_watermark (db, AETHER_TIER_1M, &wm))
    wm = end;

  /* 1 minute → 5 minutes → 1 hour → 1 day, each up to what the tier below covers */
  for (AetherTier tier = AETHER_TIER_5M; tier < AETHER_N_TIERS; tier++)
    {
      gint64 below;
      gint64 from;
      gint64 chunk = tier == AETHER_TIER_1D ? 32 * 86400 : 7 * 86400;

      if (!get_watermark (db, tier - 1, &below))
        break;
      end = bucket_of (self, tier, below);
      if (!get_watermark (db, tier, &from))
        from = bucket_of (self, tier, MIN (below, wm) - 86400 * 400 > 0 ? 0 : 0);

      /* The first run starts where the tier below starts. */
      if (from == 0)
        {
          g_autofree char *sql = g_strdup_printf ("SELECT MIN(bucket) FROM %s", rollup_tables[tier - 1]);
          sqlite3_stmt *stmt = NULL;

          from = end;
          if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK &&
              sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
            from = bucket_of (self, tier, sqlite3_column_int64 (stmt, 0));
          sqlite3_finalize (stmt);
        }

      while (from < end)
        {
          gint64 to;

          if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
            return FALSE;
          /* Both watermarks again, under the lock: a late reading may have
           * moved them back since they were read. */
          if (get_watermark (db, tier - 1, &below))
            end = MIN (end, bucket_of (self, tier, below));
          get_watermark (db, tier, &from);
          if (from >= end)
            {
              _aether_sqlite_exec (db, "ROLLBACK;", NULL);
              break;
            }
          to = MIN (end, bucket_of (self, tier, from + chunk));
          if (to <= from)
            to = end;
          if (!roll_up_tier (self, db, tier, from, to, stats, error) ||
              !set_watermark (db, tier, to, error) ||
              !_aether_sqlite_exec (db, "COMMIT;", error))
            {
              _aether_sqlite_exec (db, "ROLLBACK;", NULL);
              return FALSE;
            }
          from = to;
        }

      if (from >= end && !get_watermark (db, tier, &from))
        {
          if (!set_watermark (db, tier, end, error))
            return FALSE;
        }
    }

  stats->rollup_us = g_get_monotonic_time () - started;
  started = g_get_monotonic_time ();
  ok = apply_retention (self, db, now_s, stats, error);
  stats->retention_us = g_get_monotonic_time () - started;
  return ok;
}

/* ---- Re-pricing ------------------------------------------------------- */

/* Re-pricing needs only a connection, a pricer and the daily tier's zone,
 * so the same code runs on the store's connection (the CLI, tests) and on
 * a worker thread's own (the service), where the window never waits. */
typedef struct
{
  sqlite3      *db;
  AetherPricer *pricer;
  GTimeZone    *tz;
  GPtrArray    *devices;
  sqlite3_stmt *select[AETHER_N_TIERS];
  sqlite3_stmt *update[AETHER_N_TIERS];
  sqlite3_stmt *newest[AETHER_N_TIERS];
} Repricer;

static void
repricer_clear (Repricer *r)
{
  for (guint t = 0; t < AETHER_N_TIERS; t++)
    {
      g_clear_pointer (&r->select[t], sqlite3_finalize);
      g_clear_pointer (&r->update[t], sqlite3_finalize);
      g_clear_pointer (&r->newest[t], sqlite3_finalize);
    }
  g_clear_pointer (&r->devices, g_ptr_array_unref);
}

static gboolean
repricer_init (Repricer      *r,
               sqlite3       *db,
               AetherPricer  *pricer,
               GTimeZone     *tz,
               GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  memset (r, 0, sizeof *r);
  r->db = db;
  r->pricer = pricer;
  r->tz = tz;
  r->devices = g_ptr_array_new_with_free_func (g_free);

  /* Energy is keyed by device first: one index range per device, not a
   * scan of the whole table per slice. */
  rc = sqlite3_prepare_v2 (db, "SELECT DISTINCT device_id FROM series", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not re-price", error);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (r->devices, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);

  for (AetherTier tier = AETHER_TIER_1M; tier < AETHER_N_TIERS; tier++)
    {
      g_autofree char *select = g_strdup_printf ("SELECT bucket, energy_wh%s, exported_wh FROM %s"
                                                 " WHERE device_id = ? AND bucket >= ? AND bucket < ?",
                                                 tier == AETHER_TIER_1D ? ", hour_profile" : "", energy_tables[tier]);
      g_autofree char *update = g_strdup_printf ("UPDATE %s SET cost = ?3, co2_kg = ?4 WHERE device_id = ?1 AND bucket = ?2",
                                                 energy_tables[tier]);
      g_autofree char *newest = g_strdup_printf ("SELECT MAX(bucket) FROM %s WHERE device_id = ? AND bucket < ?",
                                                 energy_tables[tier]);

      if ((rc = sqlite3_prepare_v2 (db, select, -1, &r->select[tier], NULL)) != SQLITE_OK ||
          (rc = sqlite3_prepare_v2 (db, update, -1, &r->update[tier], NULL)) != SQLITE_OK ||
          (rc = sqlite3_prepare_v2 (db, newest, -1, &r->newest[tier], NULL)) != SQLITE_OK)
        {
          _aether_sqlite_fail (db, rc, "Could not re-price", error);
          repricer_clear (r);
          return FALSE;
        }
    }

  return TRUE;
}

/* The start of the newest stored bucket of any tier before @before_s, or
 * G_MININT64 without one: years before the first reading cost nothing. */
static gint64
repricer_newest_before (Repricer *r,
                        gint64    before_s)
{
  gint64 newest = G_MININT64;

  for (AetherTier tier = AETHER_TIER_1M; tier < AETHER_N_TIERS; tier++)
    for (guint d = 0; d < r->devices->len; d++)
      {
        sqlite3_stmt *stmt = r->newest[tier];

        sqlite3_bind_text (stmt, 1, g_ptr_array_index (r->devices, d), -1, SQLITE_STATIC);
        sqlite3_bind_int64 (stmt, 2, before_s);
        if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
          newest = MAX (newest, sqlite3_column_int64 (stmt, 0));
        sqlite3_reset (stmt);
      }

  return newest;
}

/* Prices every stored bucket of [from_s, to_s) again, in place, in every
 * tier: 1-minute, 5-minute and hourly buckets by their own energy (exact
 * when rate periods change on those edges, as tariffs do), days from their
 * hour-of-day profile, so days whose finer tiers retention removed are
 * re-priced too. Inside the caller's transaction. */
static gboolean
repricer_range (Repricer  *r,
                gint64     from_s,
                gint64     to_s,
                GError   **error)
{
  for (AetherTier tier = AETHER_TIER_1M; tier < AETHER_N_TIERS; tier++)
    {
      sqlite3_stmt *stmt = r->select[tier];
      sqlite3_stmt *set = r->update[tier];
      gint64 width = aether_tier_get_width_s (tier);

      for (guint d = 0; d < r->devices->len; d++)
        {
          const char *device = g_ptr_array_index (r->devices, d);
          int rc;

          sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, bucket_in (r->tz, tier, from_s));
          sqlite3_bind_int64 (stmt, 3, to_s);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              gint64 bucket = sqlite3_column_int64 (stmt, 0);
              double cost = 0, co2 = 0;
              gboolean priced = TRUE;

              if (tier == AETHER_TIER_1D)
                {
                  /* The hour-of-day profile replays any tariff against the day. */
                  g_autoptr(JsonNode) profile = json_from_string ((const char *)sqlite3_column_text (stmt, 2), NULL);
                  JsonArray *hours = profile && JSON_NODE_HOLDS_ARRAY (profile) ? json_node_get_array (profile) : NULL;

                  for (guint h = 0; hours != NULL && h < json_array_get_length (hours) && priced; h++)
                    {
                      AetherPrice price;

                      priced = aether_pricer_price_energy (r->pricer, device, bucket + h * 3600, bucket + (h + 1) * 3600,
                                                           json_array_get_double_element (hours, h) / 1000.0, &price, NULL);
                      cost += price.cost;
                      co2 += price.co2_kg;
                    }
                  /* The profile is of the import; a day's export is
                   * credited at the sell rate of its start (finer tiers
                   * price it minute by minute). */
                  if (priced && sqlite3_column_double (stmt, 3) > 0)
                    {
                      AetherPrice price;

                      priced = aether_pricer_price_energy (r->pricer, device, bucket, bucket + width,
                                                           -sqlite3_column_double (stmt, 3) / 1000.0, &price, NULL);
                      cost += price.cost;
                      co2 += price.co2_kg;
                    }
                }
              else
                {
                  AetherPrice price;
                  AetherEnergySplit split = { sqlite3_column_double (stmt, 1), sqlite3_column_double (stmt, 2) };

                  priced = aether_energy_rule_price (r->pricer, device, bucket, bucket + width, &split, &price, NULL);
                  cost = price.cost;
                  co2 = price.co2_kg;
                }

              sqlite3_bind_text (set, 1, device, -1, SQLITE_STATIC);
              sqlite3_bind_int64 (set, 2, bucket);
              if (priced)
                {
                  sqlite3_bind_double (set, 3, cost);
                  sqlite3_bind_double (set, 4, co2);
                }
              else
                {
                  sqlite3_bind_null (set, 3);
                  sqlite3_bind_null (set, 4);
                }
              rc = sqlite3_step (set);
              sqlite3_reset (set);
              if (rc != SQLITE_DONE)
                break;
            }
          sqlite3_reset (stmt);
          if (rc != SQLITE_DONE)
            return _aether_sqlite_fail (r->db, sqlite3_errcode (r->db), "Could not re-price", error);
        }
    }

  return TRUE;
}

/* One slice of the newest job: its newest local day still to do (days
 * with nothing stored are skipped), re-priced with its progress in one
 * transaction, so a crash resumes where it stopped. Sets @more to whether
 * any job is left, and @left_s to the seconds still to do. */
static gboolean
repricer_slice (Repricer  *r,
                gboolean  *more,
                gint64    *left_s,
                GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = -1, next = 0, to = 0, slice_from, newest;
  int rc;

  *more = FALSE;
  if (!_aether_sqlite_exec (r->db, "BEGIN IMMEDIATE;", error))
    return FALSE;

  /* Remaining work of a job is [next_s, to_s); this takes it from the top,
   * so the newest day (today) gets the new price first. */
  if (sqlite3_prepare_v2 (r->db, "SELECT id, next_s, to_s FROM reprice_jobs ORDER BY to_s DESC, id DESC LIMIT 1",
                          -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      id = sqlite3_column_int64 (stmt, 0);
      next = sqlite3_column_int64 (stmt, 1);
      to = sqlite3_column_int64 (stmt, 2);
    }
  sqlite3_finalize (stmt);

  if (id < 0)
    {
      *left_s = 0;
      return _aether_sqlite_exec (r->db, "COMMIT;", error);
    }

  /* The local day of the newest stored bucket below the top: days with
   * nothing stored (before the first reading) cost a lookup, not a slice. */
  newest = repricer_newest_before (r, to);
  if (newest == G_MININT64 || newest < bucket_in (r->tz, AETHER_TIER_1D, next))
    slice_from = next;
  else
    {
      slice_from = MAX (next, day_start (r->tz, newest));
      if (!repricer_range (r, slice_from, to, error))
        goto fail;
    }

  if (slice_from <= next)
    rc = sqlite3_prepare_v2 (r->db, "DELETE FROM reprice_jobs WHERE id = ?1", -1, &stmt, NULL);
  else
    rc = sqlite3_prepare_v2 (r->db, "UPDATE reprice_jobs SET to_s = ?2 WHERE id = ?1", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (r->db, rc, "Could not save re-pricing progress", error);
      goto fail;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  if (slice_from > next)
    sqlite3_bind_int64 (stmt, 2, slice_from);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _aether_sqlite_fail (r->db, rc, "Could not save re-pricing progress", error);
      goto fail;
    }

  if (!_aether_sqlite_exec (r->db, "COMMIT;", error))
    goto fail;

  /* What is left, for progress. */
  *left_s = 0;
  if (sqlite3_prepare_v2 (r->db, "SELECT COUNT(*), TOTAL(to_s - next_s) FROM reprice_jobs", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      *more = sqlite3_column_int64 (stmt, 0) > 0;
      *left_s = (gint64)sqlite3_column_double (stmt, 1);
    }
  sqlite3_finalize (stmt);
  return TRUE;

fail:
  _aether_sqlite_exec (r->db, "ROLLBACK;", NULL);
  return FALSE;
}
/**
 * aether_store_reprice:
 * @self: a store whose pricer is the new schedule
 * @from_us: the start of the range whose schedule changed
 * @to_us: its end
 * @error: a location for a #GError
 *
 * Prices the stored energy of the range again, in every tier, in place:
 * 1-minute, 5-minute and hourly buckets by their own energy, days from
 * their hour-of-day profile, so days whose finer tiers retention removed
 * are re-priced too. Nothing is deleted. One transaction.
 *
 * Returns: %TRUE on success
 */
gboolean
aether_store_reprice (AetherStore  *self,
                      gint64        from_us,
                      gint64        to_us,
                      GError      **error)
{
  Repricer r;
  sqlite3 *db;
  gint64 from_s = from_us / G_USEC_PER_SEC;
  gint64 to_s = (to_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (_aether_store_get_pricer (self) == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, "There is no rate schedule to price with");
      return FALSE;
    }

  db = _aether_store_get_db (self);
  if (!repricer_init (&r, db, _aether_store_get_pricer (self), _aether_store_get_time_zone (self), error))
    return FALSE;
  if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
    {
      repricer_clear (&r);
      return FALSE;
    }
  ok = repricer_range (&r, from_s, to_s, error);
  repricer_clear (&r);
  if (!ok)
    {
      _aether_sqlite_exec (db, "ROLLBACK;", NULL);
      return FALSE;
    }

  return _aether_sqlite_exec (db, "COMMIT;", error);
}

/**
 * aether_store_add_reprice_job:
 * @self: a store
 * @from_us: the start of the range a schedule change affects
 * @to_us: its end
 * @error: a location for a #GError
 *
 * Records that the stored cost of the range must be computed again. The
 * job runs newest day first, a day at a time, through
 * aether_store_run_reprice_jobs() or aether_store_reprice_jobs_async(),
 * and its progress is in the database, so it resumes after a crash.
 *
 * Returns: %TRUE if recorded
 */
gboolean
aether_store_add_reprice_job (AetherStore  *self,
                              gint64        from_us,
                              gint64        to_us,
                              GError      **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gint64 from_s, to_s;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (to_us <= from_us)
    return TRUE;

  /* What is left of a job is [next_s, to_s); slices take it from the top.
   * Jobs that overlap become one: the newest tariff prices all of it, so
   * a second edit during a run does not make the run price a year twice. */
  db = _aether_store_get_db (self);
  from_s = from_us / G_USEC_PER_SEC;
  to_s = (to_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;

  /* A savepoint, not a transaction: a schedule write records its job in
   * its own transaction (aether-rates.c), and a job alone is one too. */
  if (!_aether_sqlite_exec (db, "SAVEPOINT reprice_job;", error))
    return FALSE;

  rc = sqlite3_prepare_v2 (db, "SELECT MIN(next_s), MAX(to_s) FROM reprice_jobs WHERE next_s <= ?2 AND to_s >= ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, from_s);
      sqlite3_bind_int64 (stmt, 2, to_s);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        {
          from_s = MIN (from_s, sqlite3_column_int64 (stmt, 0));
          to_s = MAX (to_s, sqlite3_column_int64 (stmt, 1));
        }
      sqlite3_finalize (stmt);
      stmt = NULL;
      rc = sqlite3_prepare_v2 (db, "DELETE FROM reprice_jobs WHERE next_s <= ?2 AND to_s >= ?1", -1, &stmt, NULL);
    }
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, from_s);
      sqlite3_bind_int64 (stmt, 2, to_s);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
      sqlite3_finalize (stmt);
      stmt = NULL;
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "INSERT INTO reprice_jobs (from_s, to_s, next_s) VALUES (?1, ?2, ?1)", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, from_s);
      sqlite3_bind_int64 (stmt, 2, to_s);
      rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (db);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (db, rc, "Could not record the re-pricing", error);
      _aether_sqlite_exec (db, "ROLLBACK TO reprice_job; RELEASE reprice_job;", NULL);
      return FALSE;
    }

  return _aether_sqlite_exec (db, "RELEASE reprice_job;", error);
}

static gint64
reprice_jobs_left_s (sqlite3  *db,
                     gint64   *n_jobs)
{
  sqlite3_stmt *stmt = NULL;
  gint64 left = 0;

  *n_jobs = 0;
  if (sqlite3_prepare_v2 (db, "SELECT COUNT(*), TOTAL(to_s - next_s) FROM reprice_jobs", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      *n_jobs = sqlite3_column_int64 (stmt, 0);
      left = (gint64)sqlite3_column_double (stmt, 1);
    }
  sqlite3_finalize (stmt);

  return left;
}

/**
 * aether_store_get_n_reprice_jobs:
 * @self: a store
 *
 * Returns: how many re-pricing jobs wait (a cheap look, for deciding
 *   whether to start a run)
 */
guint
aether_store_get_n_reprice_jobs (AetherStore *self)
{
  gint64 n_jobs = 0;

  g_return_val_if_fail (AETHER_IS_STORE (self), 0);

  reprice_jobs_left_s (_aether_store_get_db (self), &n_jobs);
  return (guint)n_jobs;
}

/**
 * aether_store_run_reprice_jobs:
 * @self: a store with the new pricer set
 * @max_days: how many slices (a local day each at most) to re-price in
 *   this call (0: all)
 * @days_left: (out) (optional): days still to do afterwards
 * @error: a location for a #GError
 *
 * Re-prices on the store's own connection, newest day first: the first
 * slice is the newest day with stored energy. For the CLI and tests; the
 * service uses aether_store_reprice_jobs_async(), off the main loop.
 *
 * Returns: %TRUE on success
 */
gboolean
aether_store_run_reprice_jobs (AetherStore  *self,
                               guint         max_days,
                               guint        *days_left,
                               GError      **error)
{
  Repricer r;
  sqlite3 *db;
  gint64 n_jobs = 0;
  gint64 left_s;
  gboolean more = TRUE;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  db = _aether_store_get_db (self);
  left_s = reprice_jobs_left_s (db, &n_jobs);

  if (n_jobs > 0 && _aether_store_get_pricer (self) == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, "There is no rate schedule to price with");
      return FALSE;
    }

  if (n_jobs > 0)
    {
      if (!repricer_init (&r, db, _aether_store_get_pricer (self), _aether_store_get_time_zone (self), error))
        return FALSE;
      for (guint done = 0; more && (max_days == 0 || done < max_days); done++)
        if (!repricer_slice (&r, &more, &left_s, error))
          {
            repricer_clear (&r);
            return FALSE;
          }
      repricer_clear (&r);
    }

  if (days_left != NULL)
    *days_left = (guint)((left_s + 86399) / 86400);
  return TRUE;
}

typedef struct
{
  char                  *path;
  AetherPricer          *pricer;
  GTimeZone             *tz;
  GMainContext          *context;
  AetherRepriceProgress  progress;
  gpointer               progress_data;
  GDestroyNotify         progress_data_free;
  guint                  slices;
} RepriceTask;

static void
reprice_task_free (gpointer data)
{
  RepriceTask *t = data;

  if (t->progress_data_free != NULL)
    t->progress_data_free (t->progress_data);
  g_free (t->path);
  g_clear_object (&t->pricer);
  g_clear_pointer (&t->tz, g_time_zone_unref);
  g_clear_pointer (&t->context, g_main_context_unref);
  g_free (t);
}

typedef struct
{
  GTask  *task;
  double  fraction;
} ProgressCall;

static gboolean
deliver_progress (gpointer data)
{
  ProgressCall *call = data;
  RepriceTask *t = g_task_get_task_data (call->task);

  /* Once the result is delivered the caller may be gone. */
  if (!g_task_get_completed (call->task) && t->progress != NULL)
    t->progress (call->fraction, t->progress_data);

  return G_SOURCE_REMOVE;
}

static void
progress_call_free (gpointer data)
{
  ProgressCall *call = data;

  g_object_unref (call->task);
  g_free (call);
}

static void
reprice_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RepriceTask *t = task_data;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  Repricer r;
  gboolean more = TRUE;
  gint64 n_jobs = 0;
  gint64 total_s, left_s;
  int rc;

  rc = sqlite3_open_v2 (t->path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (db, rc, "Re-pricing could not open the database", &error);
      sqlite3_close_v2 (db);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!_aether_store_configure_connection (db, &error) ||
      !repricer_init (&r, db, t->pricer, t->tz, &error))
    {
      sqlite3_close_v2 (db);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  total_s = left_s = reprice_jobs_left_s (db, &n_jobs);
  more = n_jobs > 0;
  while (more)
    {
      ProgressCall *call;

      if (g_task_return_error_if_cancelled (task))
        {
          repricer_clear (&r);
          sqlite3_close_v2 (db);
          return;
        }
      if (!repricer_slice (&r, &more, &left_s, &error))
        break;
      t->slices++;

      /* The end is told by the result, not by a report. */
      if (!more)
        break;

      /* A job added meanwhile (another edit) makes the whole larger. */
      total_s = MAX (total_s, left_s);
      call = g_new0 (ProgressCall, 1);
      call->task = g_object_ref (task);
      call->fraction = total_s > 0 ? CLAMP (1.0 - (double)left_s / (double)total_s, 0.0, 1.0) : 0.0;
      g_main_context_invoke_full (t->context, G_PRIORITY_DEFAULT, deliver_progress, call, progress_call_free);
    }

  repricer_clear (&r);
  sqlite3_close_v2 (db);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * aether_store_reprice_jobs_async:
 * @self: a store
 * @pricer: the new tariff; it is used on another thread, so pass one that
 *   nothing else uses (pricers keep lookup caches)
 * @progress: (nullable) (scope notified): told the fraction done (0 to
 *   under 1) after each slice but the last, in the thread-default main
 *   context of this call; the result says when all is done
 * @progress_data: data for @progress
 * @progress_data_free: (nullable): frees @progress_data when the task ends
 * @cancellable: (nullable): stops between two slices
 * @callback: called when every job is done, or on error or cancellation
 * @user_data: data for @callback
 *
 * Runs the pending re-pricing jobs on a worker thread with its own
 * connection, newest day first, one day per transaction: the window never
 * waits, today gets the new price first, and the writer thread's commits
 * slip in between slices.
 */
void
aether_store_reprice_jobs_async (AetherStore           *self,
                                 AetherPricer          *pricer,
                                 AetherRepriceProgress  progress,
                                 gpointer               progress_data,
                                 GDestroyNotify         progress_data_free,
                                 GCancellable          *cancellable,
                                 GAsyncReadyCallback    callback,
                                 gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  RepriceTask *t;

  g_return_if_fail (AETHER_IS_STORE (self));
  g_return_if_fail (AETHER_IS_PRICER (pricer));

  t = g_new0 (RepriceTask, 1);
  t->path = g_strdup (aether_store_get_path (self));
  t->pricer = g_object_ref (pricer);
  t->tz = g_time_zone_ref (_aether_store_get_time_zone (self));
  t->context = g_main_context_ref_thread_default ();
  t->progress = progress;
  t->progress_data = progress_data;
  t->progress_data_free = progress_data_free;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_store_reprice_jobs_async);
  g_task_set_task_data (task, t, reprice_task_free);
  g_task_run_in_thread (task, reprice_thread);
}

/**
 * aether_store_reprice_jobs_finish:
 * @self: a store
 * @result: the result
 * @slices: (out) (optional): how many slices (days) were re-priced
 * @error: a location for a #GError
 *
 * Returns: %TRUE if every job is done
 */
gboolean
aether_store_reprice_jobs_finish (AetherStore   *self,
                                  GAsyncResult  *result,
                                  guint         *slices,
                                  GError       **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (slices != NULL)
    *slices = ((RepriceTask *)g_task_get_task_data (G_TASK (result)))->slices;

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Queries ----------------------------------------------------------- */

static gint64
find_series (sqlite3     *db,
             const char  *device_id,
             const char  *metric_type)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = -1;

  if (sqlite3_prepare_v2 (db, "SELECT series_id FROM series WHERE device_id = ? AND metric_type = ?",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (stmt, 2, metric_type, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);

  return id;
}

/* Appends buckets for [from, to) drawn from @tier; older buckets that
 * retention removed come from coarser tiers, newer ones not yet rolled up
 * from finer tiers. All in seconds. Each instant comes from one tier only:
 * a coarser bucket is taken only when all of it lies before the finer
 * tier's oldest bucket.
 *
 * @direction says which way the stitching may still go: a coarser tier
 * asked for what is older than a finer one keeps never asks that finer one
 * back (it had nothing there), and a finer tier asked for what a coarser
 * one has not reached never asks the coarser one back; otherwise a series
 * without data between the two tiers' watermarks would bounce between them
 * for ever. */
typedef enum { STITCH_BOTH, STITCH_COARSER, STITCH_FINER } Stitch;

static void
fetch_buckets (AetherStore *self,
               sqlite3     *db,
               gint64       series_id,
               AetherTier   tier,
               gint64       from,
               gint64       to,
               Stitch       direction,
               gboolean     to_is_hard,
               GArray      *out)
{
  gint64 wm = to;
  gint64 oldest = to;
  g_autoptr(GArray) rows = g_array_new (FALSE, TRUE, sizeof (Acc));
  sqlite3_stmt *stmt = NULL;

  if (from >= to)
    return;

  if (tier == AETHER_TIER_RAW)
    {
      if (sqlite3_prepare_v2 (db, "SELECT ts, value FROM samples WHERE ts >= ? AND ts < ? AND series_id = ?",
                              -1, &stmt, NULL) == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, from * 1000);
          sqlite3_bind_int64 (stmt, 2, to * 1000);
          sqlite3_bind_int64 (stmt, 3, series_id);
          while (sqlite3_step (stmt) == SQLITE_ROW)
            {
              Acc acc = { 0 };

              acc.start = sqlite3_column_int64 (stmt, 0) / 1000;
              acc_add_value (&acc, sqlite3_column_double (stmt, 1));
              g_array_append_val (out, acc);
            }
        }
      sqlite3_finalize (stmt);
      return;
    }

  if (!get_watermark (db, tier, &wm))
    wm = G_MININT64 / 2;

  {
    g_autofree char *sql = g_strdup_printf ("SELECT bucket, count, sum, min, max, first, last, sketch FROM %s"
                                            " WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
                                            rollup_tables[tier]);

    if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK)
      {
        sqlite3_bind_int64 (stmt, 1, series_id);
        sqlite3_bind_int64 (stmt, 2, from);
        sqlite3_bind_int64 (stmt, 3, MIN (to, wm));
        while (sqlite3_step (stmt) == SQLITE_ROW)
          {
            Acc acc;

            acc_from_row (&acc, stmt, 0);
            g_array_append_val (rows, acc);
          }
      }
    sqlite3_finalize (stmt);
  }

  if (rows->len > 0)
    oldest = g_array_index (rows, Acc, 0).start;
  else
    oldest = MIN (to, MAX (from, wm));

  /* Older than this tier keeps: ask the coarser one, but only for buckets
   * that end before this tier's first one. The coarser bucket around that
   * first one summarises it (a series that started mid-hour has an hourly
   * bucket holding the same minutes); retention cuts on the coarser tier's
   * edges, so nothing this tier lost lies inside it. */
  if (oldest > from && tier + 1 < AETHER_N_TIERS && direction != STITCH_FINER)
    {
      /* Whatever comes from here on (this tier's rows, a finer tier's, or
       * what the finer tier that asked us has) must not be overlapped: only
       * the query's own end may cut a coarser bucket. */
      gboolean hard = to_is_hard || rows->len > 0 || oldest < to;
      gint64 limit = hard ? bucket_of (self, tier + 1, oldest) : oldest;

      fetch_buckets (self, db, series_id, tier + 1, from, limit, STITCH_COARSER, hard, out);
    }

  g_array_append_vals (out, rows->data, rows->len);
  /* The Accs' sketches now belong to @out. */
  g_array_set_size (rows, 0);

  /* Newer than maintenance reached: ask the finer one. */
  if (wm < to && direction != STITCH_COARSER)
    fetch_buckets (self, db, series_id, tier - 1, MAX (from, wm), to, STITCH_FINER, to_is_hard, out);
}

/* The coarsest tier that still gives at least one bucket per column. */
static AetherTier
choose_tier (gint64 from,
             gint64 to,
             guint  points)
{
  double per_point = points > 0 ? (double)(to - from) / points : 0;
  AetherTier chosen = AETHER_TIER_RAW;

  for (AetherTier t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
    if (aether_tier_get_width_s (t) <= per_point)
      chosen = t;

  return chosen;
}

/* Columns are the @points equal parts of [from_us, to_us); a column's
 * start is exact in microseconds, so every caller asking for the same
 * range and number of columns gets the same starts. */
static gint64
column_start_us (gint64 from_us,
                 gint64 to_us,
                 guint  points,
                 guint  index)
{
  gint64 range = to_us - from_us;

  return from_us + range / points * index + range % points * index / points;
}

static guint
column_of (gint64 from_us,
           gint64 to_us,
           guint  points,
           gint64 start_s)
{
  double c = floor ((double)(start_s * G_USEC_PER_SEC - from_us) * points / (double)(to_us - from_us));

  return (guint)CLAMP (c, 0, points - 1);
}

static AetherBucket
bucket_from_acc (const Acc *acc,
                 gint64     start_us)
{
  AetherBucket out = {
    .start_us = start_us,
    .count = acc->count,
    .min = acc->min,
    .max = acc->max,
    .avg = acc->sum / acc->count,
    .first = acc->first,
    .last = acc->last,
    .p50 = acc->sketch ? aether_sketch_quantile (acc->sketch, 0.5) : NAN,
    .p95 = acc->sketch ? aether_sketch_quantile (acc->sketch, 0.95) : NAN,
  };

  return out;
}

/* One series' columns: every bucket of the stitched tiers merged into the
 * column its start falls in (the mean weighted by samples, the extremes of
 * the column, its first and last value). @cols has @points zeroed Accs;
 * @tier is an #AetherTier or -1 for the coarsest adequate one. */
static AetherTier
series_columns (AetherStore *self,
                sqlite3     *db,
                gint64       series_id,
                gint64       from_us,
                gint64       to_us,
                guint        points,
                int          tier,
                Acc         *cols)
{
  g_autoptr(GArray) buckets = g_array_new (FALSE, TRUE, sizeof (Acc));
  gint64 from = from_us / G_USEC_PER_SEC;
  gint64 to = (to_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  AetherTier chosen = tier >= 0 && tier < AETHER_N_TIERS ? (AetherTier)tier : choose_tier (from, to, points);

  g_assert (points > 0);

  fetch_buckets (self, db, series_id, chosen, from, to, STITCH_BOTH, FALSE, buckets);
  for (guint i = 0; i < buckets->len; i++)
    {
      Acc *b = &g_array_index (buckets, Acc, i);

      acc_merge (&cols[column_of (from_us, to_us, points, b->start)], b);
      acc_clear (b);
    }

  return chosen;
}

/**
 * aether_store_query:
 * @self: a store
 * @device_id: the device
 * @metric_type: the metric (`power`, `energy`, …)
 * @from_us: start of the range
 * @to_us: end of the range
 * @points: how many columns to return at most (0: every bucket of the tier)
 * @tier: an #AetherTier, or -1 to pick the coarsest adequate one
 * @tier_used: (out) (optional): the tier the answer mostly comes from
 * @error: a location for a #GError
 *
 * With @points, the range is cut into @points equal columns (those with no
 * data are left out) and each column holds every bucket that starts in it.
 *
 * Returns: (transfer full) (element-type AetherBucket): columns in time order
 */
GArray *
aether_store_query (AetherStore  *self,
                    const char   *device_id,
                    const char   *metric_type,
                    gint64        from_us,
                    gint64        to_us,
                    guint         points,
                    int           tier,
                    AetherTier   *tier_used,
                    GError      **error)
{
  GArray *result;
  sqlite3 *db;
  gint64 series_id;
  gint64 from = from_us / G_USEC_PER_SEC;
  gint64 to = (to_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  AetherTier chosen;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (device_id != NULL && metric_type != NULL, NULL);

  if (to_us <= from_us)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           "The end of the range must come after its start");
      return NULL;
    }

  db = _aether_store_get_db (self);
  if ((series_id = find_series (db, device_id, metric_type)) < 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                   "There are no %s readings for device “%s”", metric_type, device_id);
      return NULL;
    }

  result = g_array_new (FALSE, TRUE, sizeof (AetherBucket));

  if (points > 0)
    {
      g_autofree Acc *cols = g_new0 (Acc, points);

      chosen = series_columns (self, db, series_id, from_us, to_us, points, tier, cols);
      for (guint c = 0; c < points; c++)
        {
          if (cols[c].count > 0)
            {
              AetherBucket out = bucket_from_acc (&cols[c], column_start_us (from_us, to_us, points, c));

              g_array_append_val (result, out);
            }
          acc_clear (&cols[c]);
        }
    }
  else
    {
      g_autoptr(GArray) buckets = g_array_new (FALSE, TRUE, sizeof (Acc));

      /* Every bucket as it is stored. */
      chosen = tier >= 0 && tier < AETHER_N_TIERS ? (AetherTier)tier : choose_tier (from, to, points);
      fetch_buckets (self, db, series_id, chosen, from, to, STITCH_BOTH, FALSE, buckets);
      for (guint i = 0; i < buckets->len; i++)
        {
          Acc *b = &g_array_index (buckets, Acc, i);

          if (b->count > 0)
            {
              AetherBucket out = bucket_from_acc (b, b->start * G_USEC_PER_SEC);

              g_array_append_val (result, out);
            }
          acc_clear (b);
        }
    }

  if (tier_used != NULL)
    *tier_used = chosen;

  return result;
}

/* The devices in a group, by the home rule where it has one. */
static GPtrArray *
group_members (AetherStore  *self,
               const char   *group_by,
               const char   *key,
               GError      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  if (g_str_equal (group_by, "device"))
    g_ptr_array_add (ids, g_strdup (key));
  else if (g_str_equal (group_by, "metric"))
    {
      sqlite3 *db = _aether_store_get_db (self);
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, "SELECT device_id FROM series WHERE metric_type = ? ORDER BY device_id",
                                   -1, &stmt, NULL);

      if (rc != SQLITE_OK)
        return _aether_sqlite_fail (db, rc, "Could not find the group's series", error), NULL;
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_ptr_array_add (ids, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
      sqlite3_finalize (stmt);
    }
  else
    {
      g_autoptr(GPtrArray) devices = aether_store_list_devices (self, error);
      g_autoptr(AetherHome) home = NULL;

      if (devices == NULL)
        return NULL;
      home = aether_home_new (devices);
      if (g_str_equal (group_by, "room"))
        {
          g_autoptr(GPtrArray) members = aether_home_get_room_members (home, key);

          for (guint i = 0; i < members->len; i++)
            g_ptr_array_add (ids, g_strdup (g_ptr_array_index (members, i)));
        }
      else
        for (guint i = 0; i < devices->len; i++)
          {
            JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));

            if (g_strcmp0 (json_object_get_string_member_with_default (device, "type", NULL), key) == 0)
              g_ptr_array_add (ids, g_strdup (json_object_get_string_member (device, "device_id")));
          }
    }

  g_ptr_array_add (ids, NULL);
  return g_steal_pointer (&ids);
}

/**
 * aether_store_query_devices:
 * @self: a store
 * @device_ids: (array zero-terminated=1): the devices to add up, as the
 *   home rule (aether_home_get_members(), aether_home_get_room_members())
 *   names them
 * @metric_type: the metric to add up
 * @from_us: start of the range
 * @to_us: end of the range
 * @points: how many columns (the range is cut into as many equal parts)
 * @tier_used: (out) (optional): the tier the answer mostly comes from
 * @error: a location for a #GError
 *
 * The sum of a metric over some devices, column by column: each member's
 * buckets are first merged into the column (its mean weighted by samples,
 * its extremes over the column), then the members are added: the sum of
 * their means, and of their minima and maxima as bounds of the sum. A
 * column only one member has data in is that member's column, percentiles
 * included; percentiles of a sum cannot be derived from its parts' and are
 * NAN otherwise. Devices without readings of @metric_type add nothing.
 *
 * Returns: (transfer full) (element-type AetherBucket): columns in time order,
 *   or %NULL with %AETHER_ERROR_NOT_FOUND when no device has such readings
 */
GArray *
aether_store_query_devices (AetherStore        *self,
                            const char * const *device_ids,
                            const char         *metric_type,
                            gint64              from_us,
                            gint64              to_us,
                            guint               points,
                            AetherTier         *tier_used,
                            GError            **error)
{
  g_autofree AetherBucket *sums = NULL;
  g_autofree guint *members_in = NULL;
  g_autofree Acc *cols = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GArray *result;
  sqlite3 *db;
  guint found = 0;
  AetherTier used = AETHER_TIER_1M;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (device_ids != NULL && metric_type != NULL, NULL);

  if (to_us <= from_us)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           "The end of the range must come after its start");
      return NULL;
    }
  if (points == 0)
    points = (guint)CLAMP ((to_us - from_us) / (60 * G_USEC_PER_SEC), 1, 100000);

  db = _aether_store_get_db (self);
  sums = g_new0 (AetherBucket, points);
  members_in = g_new0 (guint, points);
  cols = g_new0 (Acc, points);

  for (guint i = 0; device_ids[i] != NULL; i++)
    {
      gint64 series_id;

      /* A device named twice is still one member. */
      if (!g_hash_table_add (seen, (gpointer)device_ids[i]) ||
          (series_id = find_series (db, device_ids[i], metric_type)) < 0)
        continue;
      found++;
      used = series_columns (self, db, series_id, from_us, to_us, points, -1, cols);

      for (guint c = 0; c < points; c++)
        {
          Acc *col = &cols[c];

          if (col->count == 0)
            continue;
          if (members_in[c]++ == 0)
            sums[c] = bucket_from_acc (col, column_start_us (from_us, to_us, points, c));
          else
            {
              sums[c].count += col->count;
              sums[c].avg += col->sum / col->count;
              sums[c].min += col->min;
              sums[c].max += col->max;
              sums[c].first += col->first;
              sums[c].last += col->last;
              sums[c].p50 = sums[c].p95 = NAN;
            }
          acc_clear (col);
          memset (col, 0, sizeof *col);
        }
    }

  if (found == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, "There are no %s readings for these devices",
                   metric_type);
      return NULL;
    }

  if (tier_used != NULL)
    *tier_used = used;

  result = g_array_new (FALSE, TRUE, sizeof (AetherBucket));
  for (guint c = 0; c < points; c++)
    if (members_in[c] > 0)
      g_array_append_val (result, sums[c]);

  return result;
}

/**
 * aether_store_query_group:
 * @self: a store
 * @group_by: `device`, `room`, `type` (the device type) or `metric`
 * @key: the device id, room (in any case), device type or metric type
 * @metric_type: the metric to add up (for `metric`, @key itself)
 * @from_us: start of the range
 * @to_us: end of the range
 * @points: how many columns
 * @tier_used: (out) (optional): the tier used
 * @error: a location for a #GError
 *
 * aether_store_query_devices() over a group: a room is its members by the
 * home rule (aether_home_get_room_members()), a type every device of it,
 * a metric every device with such readings.
 *
 * Returns: (transfer full) (element-type AetherBucket): columns in time order
 */
GArray *
aether_store_query_group (AetherStore  *self,
                          const char   *group_by,
                          const char   *key,
                          const char   *metric_type,
                          gint64        from_us,
                          gint64        to_us,
                          guint         points,
                          AetherTier   *tier_used,
                          GError      **error)
{
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *metric;
  GArray *result;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (group_by != NULL && key != NULL, NULL);

  if (!g_str_equal (group_by, "device") && !g_str_equal (group_by, "room") &&
      !g_str_equal (group_by, "type") && !g_str_equal (group_by, "metric"))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   "Cannot group by “%s”: use device, room, type or metric", group_by);
      return NULL;
    }

  metric = g_str_equal (group_by, "metric") || metric_type == NULL ? key : metric_type;
  if (!(members = group_members (self, group_by, key, error)))
    return NULL;

  result = aether_store_query_devices (self, (const char * const *)members->pdata, metric, from_us, to_us,
                                       points, tier_used, &local_error);
  if (result == NULL && g_error_matches (local_error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, "No %s readings for %s “%s”", metric, group_by, key);
      return NULL;
    }
  if (result == NULL)
    g_propagate_error (error, g_steal_pointer (&local_error));

  return result;
}

/* What the finer energy tiers hold of one device, in seconds: [lo, hi). */
typedef struct
{
  AetherEnergyTotal *total;
  gint64             lo;
  gint64             hi;
  gboolean           any;
} Held;

/* Energy per device over [from, to). Each instant is counted from one tier
 * only, the finest that holds it: a coarser bucket counts only when all of
 * it lies outside what the finer tiers hold of that device. The coarser
 * bucket around the finer tier's first one summarises the same minutes (a
 * device that started mid-hour has an hourly bucket of them), and
 * retention cuts on the coarser tier's edges, so nothing is lost. Every
 * tier is asked by (device, bucket), its primary key. */
static gboolean
energy_per_device (AetherStore        *self,
                   const char * const *device_ids,
                   gint64              from,
                   gint64              to,
                   GPtrArray          *totals,
                   GError            **error)
{
  sqlite3 *db = _aether_store_get_db (self);
  guint n = g_strv_length ((char **)device_ids);
  g_autofree Held *held = g_new0 (Held, n);

  for (guint i = 0; i < n; i++)
    {
      held[i].total = g_new0 (AetherEnergyTotal, 1);
      held[i].total->key = g_strdup (device_ids[i]);
      held[i].lo = G_MAXINT64;
      held[i].hi = G_MININT64;
    }

  for (AetherTier tier = AETHER_TIER_1M; tier < AETHER_N_TIERS; tier++)
    {
      g_autofree char *span_sql = g_strdup_printf ("SELECT (SELECT MIN(bucket) FROM %s WHERE device_id = ?1),"
                                                   " (SELECT MAX(bucket) FROM %s WHERE device_id = ?1)",
                                                   energy_tables[tier], energy_tables[tier]);
      g_autofree char *sum_sql = g_strdup_printf ("SELECT COUNT(*), SUM(energy_wh), SUM(cost), SUM(co2_kg),"
                                                  " SUM(exported_wh) FROM %s"
                                                  " WHERE device_id = ?1 AND bucket >= ?2 AND bucket < ?3"
                                                  " AND (bucket < ?4 OR bucket >= ?5)",
                                                  energy_tables[tier]);
      sqlite3_stmt *span = NULL;
      sqlite3_stmt *sum = NULL;
      int rc = sqlite3_prepare_v2 (db, span_sql, -1, &span, NULL);

      if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2 (db, sum_sql, -1, &sum, NULL);
      if (rc != SQLITE_OK)
        {
          sqlite3_finalize (span);
          for (guint i = 0; i < n; i++)
            aether_energy_total_free (held[i].total);
          return _aether_sqlite_fail (db, rc, "Could not sum energy", error);
        }

      for (guint i = 0; i < n; i++)
        {
          Held *h = &held[i];
          gint64 oldest, newest;

          sqlite3_bind_text (span, 1, device_ids[i], -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (span);
          if (rc != SQLITE_ROW || sqlite3_column_type (span, 0) == SQLITE_NULL)
            {
              sqlite3_reset (span);
              continue;
            }
          oldest = sqlite3_column_int64 (span, 0);
          newest = sqlite3_column_int64 (span, 1);
          sqlite3_reset (span);

          sqlite3_bind_text (sum, 1, device_ids[i], -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (sum, 2, from);
          sqlite3_bind_int64 (sum, 3, to);
          sqlite3_bind_int64 (sum, 4, h->lo == G_MAXINT64 ? G_MAXINT64 : bucket_of (self, tier, h->lo));
          sqlite3_bind_int64 (sum, 5, h->hi);
          if (sqlite3_step (sum) == SQLITE_ROW && sqlite3_column_int64 (sum, 0) > 0)
            {
              h->any = TRUE;
              h->total->energy_wh += sqlite3_column_double (sum, 1);
              h->total->cost += sqlite3_column_double (sum, 2);
              h->total->co2_kg += sqlite3_column_double (sum, 3);
              h->total->exported_wh += sqlite3_column_double (sum, 4);
            }
          sqlite3_reset (sum);

          h->lo = MIN (h->lo, oldest);
          /* A day is 23 to 25 hours: its end is the next local midnight. */
          h->hi = MAX (h->hi, tier == AETHER_TIER_1D ? bucket_of (self, tier, newest + 36 * 3600)
                                                     : newest + aether_tier_get_width_s (tier));
        }

      sqlite3_finalize (span);
      sqlite3_finalize (sum);
    }

  for (guint i = 0; i < n; i++)
    {
      if (held[i].any)
        g_ptr_array_add (totals, held[i].total);
      else
        aether_energy_total_free (held[i].total);
    }

  return TRUE;
}

static GPtrArray *
energy_totals_of (AetherStore        *self,
                  const char * const *device_ids,
                  gint64              from_us,
                  gint64              to_us,
                  GError            **error)
{
  g_autoptr(GPtrArray) totals = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_energy_total_free);
  g_autoptr(GPtrArray) unique = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* A device named twice is still counted once. */
  for (guint i = 0; device_ids[i] != NULL; i++)
    if (g_hash_table_add (seen, (gpointer)device_ids[i]))
      g_ptr_array_add (unique, (gpointer)device_ids[i]);
  g_ptr_array_add (unique, NULL);

  if (!energy_per_device (self, (const char * const *)unique->pdata, from_us / G_USEC_PER_SEC,
                          to_us / G_USEC_PER_SEC, totals, error))
    return NULL;
  return g_steal_pointer (&totals);
}

/**
 * aether_store_energy_totals_for_devices:
 * @self: a store
 * @device_ids: (array zero-terminated=1): the devices
 * @from_us: start of the range
 * @to_us: end of the range
 * @error: a location for a #GError
 *
 * Energy, cost and CO₂ of each of @device_ids that has any in the range,
 * each instant counted once, from the finest energy tier that holds it.
 *
 * Returns: (transfer full) (element-type AetherEnergyTotal): by device id
 */
GPtrArray *
aether_store_energy_totals_for_devices (AetherStore        *self,
                                        const char * const *device_ids,
                                        gint64              from_us,
                                        gint64              to_us,
                                        GError            **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (device_ids != NULL, NULL);

  return energy_totals_of (self, device_ids, from_us, to_us, error);
}

static AetherEnergyTotal *
add_to_group (GPtrArray               *groups,
              GHashTable              *index,
              const char              *key,
              const AetherEnergyTotal *part)
{
  AetherEnergyTotal *group = g_hash_table_lookup (index, key);

  if (group == NULL)
    {
      group = g_new0 (AetherEnergyTotal, 1);
      group->key = g_strdup (key);
      g_ptr_array_add (groups, group);
      g_hash_table_insert (index, group->key, group);
    }
  group->energy_wh += part->energy_wh;
  group->cost += part->cost;
  group->co2_kg += part->co2_kg;
  group->exported_wh += part->exported_wh;
  return group;
}

/**
 * aether_store_energy_totals:
 * @self: a store
 * @from_us: start of the range
 * @to_us: end of the range
 * @group_by: `device`, `room` or `type`
 * @error: a location for a #GError
 *
 * Sums energy, cost and CO₂ per group, each instant once, from the finest
 * energy tier that holds it. Rooms are the home rule's
 * (aether_home_get_room_members(): case-insensitive, spelt as the first
 * device in the room spells it); devices in no room are `(no room)`.
 *
 * Returns: (transfer full) (element-type AetherEnergyTotal): by key
 */
GPtrArray *
aether_store_energy_totals (AetherStore  *self,
                            gint64        from_us,
                            gint64        to_us,
                            const char   *group_by,
                            GError      **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) per_device = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(AetherHome) home = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  if (group_by != NULL && !g_str_equal (group_by, "device") && !g_str_equal (group_by, "room") &&
      !g_str_equal (group_by, "type"))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   "Cannot group by “%s”: use device, room or type", group_by);
      return NULL;
    }

  /* Every device that may have energy: the registry's and any that was
   * removed but left readings behind. */
  db = _aether_store_get_db (self);
  rc = sqlite3_prepare_v2 (db, "SELECT device_id FROM series UNION SELECT device_id FROM devices", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not sum energy", error), NULL;
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  g_ptr_array_add (ids, NULL);

  if (!(per_device = energy_totals_of (self, (const char * const *)ids->pdata, from_us, to_us, error)))
    return NULL;
  if (group_by == NULL || g_str_equal (group_by, "device"))
    return g_steal_pointer (&per_device);

  if (!(devices = aether_store_list_devices (self, error)))
    return NULL;
  home = aether_home_new (devices);
  groups = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_energy_total_free);
  index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < per_device->len; i++)
    {
      AetherEnergyTotal *total = g_ptr_array_index (per_device, i);

      g_hash_table_insert (by_id, total->key, total);
    }

  if (g_str_equal (group_by, "type"))
    {
      for (guint i = 0; i < per_device->len; i++)
        {
          AetherEnergyTotal *total = g_ptr_array_index (per_device, i);
          JsonObject *device = aether_home_lookup (home, total->key);
          const char *type = device ? json_object_get_string_member_with_default (device, "type", NULL) : NULL;

          add_to_group (groups, index, type ? type : "(unknown)", total);
        }
      return g_steal_pointer (&groups);
    }

  {
    g_autoptr(GPtrArray) rooms = aether_home_get_rooms (home);

    for (guint r = 0; r < rooms->len; r++)
      {
        g_autoptr(GPtrArray) members = aether_home_get_room_members (home, g_ptr_array_index (rooms, r));

        for (guint m = 0; m < members->len; m++)
          {
            AetherEnergyTotal *total = g_hash_table_lookup (by_id, g_ptr_array_index (members, m));

            if (total != NULL)
              add_to_group (groups, index, g_ptr_array_index (rooms, r), total);
          }
      }
    for (guint i = 0; i < per_device->len; i++)
      {
        AetherEnergyTotal *total = g_ptr_array_index (per_device, i);
        g_autofree char *room_key = aether_room_key (aether_home_get_room_of (home, total->key));

        if (room_key == NULL)
          add_to_group (groups, index, "(no room)", total);
      }
  }

  return g_steal_pointer (&groups);
}

/* ---- Stats, check, backup ---------------------------------------------- */

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 v = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return v;
}

/**
 * aether_store_stats:
 * @self: a store
 * @error: a location for a #GError
 *
 * Returns: (transfer full): JSON with rows and bytes per tier and in all
 */
JsonNode *
aether_store_stats (AetherStore  *self,
                    GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3 *db;
  gboolean have_dbstat;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  db = _aether_store_get_db (self);
  have_dbstat = query_int (db, "SELECT COUNT(*) FROM dbstat LIMIT 1") >= 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, aether_store_get_path (self));
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, aether_store_get_schema_version (self));
  json_builder_set_member_name (builder, "file_bytes");
  json_builder_add_int_value (builder, query_int (db, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"));
  json_builder_set_member_name (builder, "tiers");
  json_builder_begin_object (builder);
  for (guint t = 0; t < AETHER_N_TIERS; t++)
    {
      g_autofree char *rows_sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", rollup_tables[t]);
      g_autofree char *bytes_sql = g_strdup_printf ("SELECT SUM(pgsize) FROM dbstat WHERE name = '%s'", rollup_tables[t]);
      g_autofree char *summarised_sql = g_strdup_printf ("SELECT COALESCE(SUM(count), 0) FROM %s", rollup_tables[t]);
      gint64 rows = query_int (db, rows_sql);
      gint64 samples = t == AETHER_TIER_RAW ? rows : query_int (db, summarised_sql);

      json_builder_set_member_name (builder, aether_tier_to_string (t));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rows");
      json_builder_add_int_value (builder, rows);
      json_builder_set_member_name (builder, "samples_summarised");
      json_builder_add_int_value (builder, samples);
      if (have_dbstat)
        {
          gint64 bytes = query_int (db, bytes_sql);

          json_builder_set_member_name (builder, "bytes");
          json_builder_add_int_value (builder, bytes);
          json_builder_set_member_name (builder, "bytes_per_row");
          json_builder_add_double_value (builder, rows > 0 ? (double)bytes / rows : 0);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * aether_store_check:
 * @self: a store
 * @error: a location for a #GError
 *
 * Runs SQLite's full integrity check.
 *
 * Returns: %TRUE if the database is sound
 */
gboolean
aether_store_check (AetherStore  *self,
                    GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  db = _aether_store_get_db (self);
  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not check the database", error);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *line = (const char *)sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") != 0)
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
    }
  sqlite3_finalize (stmt);

  if (problems->len > 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT, "The database is damaged: %s", problems->str);
      return FALSE;
    }

  return TRUE;
}

static gboolean
copy_database (sqlite3     *from,
               sqlite3     *to,
               const char  *what,
               GError     **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (to, "main", from, "main");
  int rc;

  if (backup == NULL)
    return _aether_sqlite_fail (to, sqlite3_errcode (to), what, error);

  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);

  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (to, rc, what, error);

  return TRUE;
}

static gboolean
quick_check_ok (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") == 0;
  sqlite3_finalize (stmt);

  return ok;
}

/**
 * aether_store_restore:
 * @self: a store
 * @backup_path: a backup made by aether_store_backup()
 * @error: a location for a #GError
 *
 * Checks the backup (it opens, passes an integrity check, is an AetherLens
 * database no newer than this version) and only then copies it over the
 * live database, which is brought up to date afterwards.
 *
 * Returns: %TRUE if the database now holds the backup
 */
gboolean
aether_store_restore (AetherStore  *self,
                      const char   *backup_path,
                      GError      **error)
{
  sqlite3 *source = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  if (!g_file_test (backup_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, "There is no backup at %s", backup_path);
      return FALSE;
    }

  rc = sqlite3_open_v2 (backup_path, &source, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (source, rc, "Could not open the backup", error);
      goto out;
    }

  if (!quick_check_ok (source))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT,
                   "%s is damaged or not a database; nothing was restored", backup_path);
      goto out;
    }

  if (sqlite3_prepare_v2 (source, "SELECT MAX(version) FROM schema_versions", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (version < 1)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s is not an AetherLens database; nothing was restored", backup_path);
      goto out;
    }
  if (version > AETHER_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_VERSION_TOO_NEW,
                   "%s was written by a newer AetherLens (schema version %" G_GINT64_FORMAT "); nothing was restored",
                   backup_path, version);
      goto out;
    }

  if (!copy_database (source, _aether_store_get_db (self), "Could not restore the backup", error))
    goto out;

  g_hash_table_remove_all (_aether_store_get_series_cache (self));
  ok = _aether_store_upgrade (self, error);

out:
  sqlite3_close_v2 (source);
  return ok;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **)a, *(const char **)b);
}

/**
 * aether_store_backup:
 * @self: a store
 * @directory: where backups are kept
 * @keep: how many backups to keep (older ones are deleted)
 * @error: a location for a #GError
 *
 * Copies the live database with SQLite's online backup API into
 * `aetherlens-YYYYMMDD-HHMMSS.db`, checks the copy, then rotates.
 *
 * Returns: (transfer full): the backup's path, or %NULL
 */
char *
aether_store_backup (AetherStore  *self,
                     const char   *directory,
                     guint         keep,
                     GError      **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  sqlite3 *target = NULL;
  const char *entry;
  gboolean ok;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (directory != NULL, NULL);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not create %s: %s", directory, g_strerror (errno));
      return NULL;
    }

  now = g_date_time_new_from_unix_utc (aether_clock_now_s (aether_store_get_clock (self)));
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  name = g_strdup_printf ("aetherlens-%s.db", stamp);
  path = g_build_filename (directory, name, NULL);

  rc = sqlite3_open_v2 (path, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (target, rc, "Could not create the backup", error);
      sqlite3_close_v2 (target);
      return NULL;
    }

  ok = copy_database (_aether_store_get_db (self), target, "Could not write the backup", error);
  if (ok && !quick_check_ok (target))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT, "The backup %s did not pass its check", path);
      ok = FALSE;
    }
  sqlite3_close_v2 (target);

  if (!ok)
    {
      g_unlink (path);
      return NULL;
    }

  /* Rotation: the newest @keep stay. */
  if ((dir = g_dir_open (directory, 0, NULL)))
    while ((entry = g_dir_read_name (dir)))
      if (g_str_has_prefix (entry, "aetherlens-") && g_str_has_suffix (entry, ".db"))
        g_ptr_array_add (existing, g_strdup (entry));

  g_ptr_array_sort (existing, compare_strings);
  for (guint i = 0; keep > 0 && i + keep < existing->len; i++)
    {
      g_autofree char *old = g_build_filename (directory, g_ptr_array_index (existing, i), NULL);

      g_unlink (old);
    }

  return g_steal_pointer (&path);
}
