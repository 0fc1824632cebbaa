/* aether-store-ingest.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one insert path for samples, shared by aether_store_ingest() and the
 * writer thread: units normalized to canonical ones, series created on
 * first sight, raw samples keyed by (time, series) so live data appends at
 * the end of the tree (a commit a second touches a page or two instead of
 * one per series, DESIGN.md's measurement). Readings older than what
 * maintenance has rolled up move the watermarks back, so they are rolled up
 * instead of deleted by retention. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-home.h"
#include "aether-store-private.h"

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
      gint64 bucket = _aether_bucket_in (tz, tier, oldest_s);

      if (!_aether_get_watermark (db, tier, &wm) || wm <= bucket)
        continue;
      if (!_aether_set_watermark (db, tier, bucket, error))
        return FALSE;
      if (tier == AETHER_TIER_1M && !_aether_set_state (db, CARRY_COUNTED_KEY, 1, error))
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

  if (_aether_get_watermark (db, AETHER_TIER_1M, &wm))
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

      /* After the conversion: 1e306 kW is a finite number of kW and an
       * infinite number of W. */
      if (!isfinite (r->value * factor))
        {
          /* The writer's batch is kept until it is written: one such value
           * must not hold up the rest. */
          if (skip_unknown_units)
            {
              g_message ("Dropping a %s reading of %s that is not a finite number", r->metric_type, r->device_id);
              continue;
            }
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "A %s reading of %s, %g %s, is not a finite number of %s", r->metric_type, r->device_id,
                       r->value, r->unit, unit);
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
