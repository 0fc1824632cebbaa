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

/* The time of the sample of @series_id just before @before_ms (within the
 * hour the rollup looks back; an energy counter's however far back, as
 * the rollup finds it, through the 1-minute tier's index), or @before_ms
 * without one. */
static gint64
previous_sample_ms (sqlite3 *db,
                    gint64   series_id,
                    gint64   before_ms)
{
  sqlite3_stmt *stmt = NULL;
  gint64 ts = before_ms;
  gint64 minute = G_MININT64;

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
  if (ts != before_ms)
    return ts;

  /* A counter read less often than hourly. */
  if (sqlite3_prepare_v2 (db, "SELECT r.bucket FROM rollup_1m r JOIN series s ON s.series_id = r.series_id"
                              " WHERE r.series_id = ?1 AND s.metric_type = 'energy' AND r.bucket < ?2"
                              " ORDER BY r.bucket DESC LIMIT 1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, series_id);
      sqlite3_bind_int64 (stmt, 2, before_ms / 1000);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        minute = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  if (minute == G_MININT64)
    return ts;

  if (sqlite3_prepare_v2 (db, "SELECT ts FROM samples WHERE ts >= ? AND ts < ? AND series_id = ?"
                              " ORDER BY ts DESC LIMIT 1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, minute * 1000);
      sqlite3_bind_int64 (stmt, 2, MIN ((minute + 60) * 1000, before_ms));
      sqlite3_bind_int64 (stmt, 3, series_id);
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
      if (tier == AETHER_TIER_1M)
        {
          gint64 until = G_MININT64;

          _aether_get_state (db, CARRY_UNTIL_KEY, &until);
          if (!_aether_set_state (db, CARRY_FROM_KEY, bucket, error) ||
              !_aether_set_state (db, CARRY_UNTIL_KEY, MAX (until, wm * 1000), error))
            return FALSE;
        }
    }

  return TRUE;
}

/* ---- The insert path ----------------------------------------------------- */

/* What a reading's (device, metric, unit) resolves to, cached per insert
 * run: most rows repeat a handful of series, and the lookup, the unit
 * table and the connection's series cache would otherwise be asked for
 * every row. */
typedef struct
{
  gint64      series;
  double      factor;
  gint64      spread_ms;     /* an energy counter's: the end of its last rolled minute */
  const char *device_id;     /* in the same allocation, after the struct */
  const char *metric_type;
  const char *unit;
} SeriesUnit;

/* A few recent (device, metric, unit) triples, found by the device
 * string's address and checked by content. */
#define RECENT_SLOTS 64

typedef struct
{
  const char       *device_id;
  const char       *metric_type;
  const char       *unit;
  const SeriesUnit *su;
} Recent;

typedef struct
{
  sqlite3      *db;
  GHashTable   *series_cache;
  Recent        recent[RECENT_SLOTS];
  GTimeZone    *tz;
  sqlite3_stmt *insert;
  gboolean      keep_stored;   /* a row that repeats a stored one is skipped, not replaced */
  gboolean      skip_unknown_units;
  AetherOutbox *outbox;        /* the writer's: queues each stored reading for the sinks */
  gint64        rolled_ms;     /* the 1-minute watermark when the run began */
  GHashTable   *late;          /* series id → its oldest late reading (ms) */
  GHashTable   *resolved;      /* "device\x1fmetric\x1funit" → SeriesUnit */
  guint64       stored;
  guint64       duplicates;
  guint         duplicate_lines[AETHER_INGEST_N_LINES];
} Inserter;

static void
inserter_clear (Inserter *ins)
{
  g_clear_pointer (&ins->insert, sqlite3_finalize);
  g_clear_pointer (&ins->outbox, _aether_outbox_free);
  g_clear_pointer (&ins->late, g_hash_table_unref);
  g_clear_pointer (&ins->resolved, g_hash_table_unref);
}

static gboolean
inserter_init (Inserter    *ins,
               sqlite3     *db,
               GHashTable  *series_cache,
               GTimeZone   *tz,
               gboolean     keep_stored,
               gboolean     skip_unknown_units,
               GError     **error)
{
  gint64 wm;
  int rc;

  memset (ins, 0, sizeof *ins);
  ins->db = db;
  ins->series_cache = series_cache;
  ins->tz = tz;
  ins->keep_stored = keep_stored;
  ins->skip_unknown_units = skip_unknown_units;
  ins->rolled_ms = G_MININT64;
  if (_aether_get_watermark (db, AETHER_TIER_1M, &wm))
    ins->rolled_ms = wm * 1000;
  ins->late = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  ins->resolved = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  rc = sqlite3_prepare_v2 (db, keep_stored
                               ? "INSERT INTO samples (ts, series_id, value) VALUES (?, ?, ?)"
                                 " ON CONFLICT (ts, series_id) DO NOTHING"
                               : "INSERT OR REPLACE INTO samples (ts, series_id, value) VALUES (?, ?, ?)",
                           -1, &ins->insert, NULL);
  if (rc != SQLITE_OK)
    {
      inserter_clear (ins);
      return _aether_sqlite_fail (db, rc, "Could not store readings", error);
    }

  return TRUE;
}

/* Returns NULL for an unknown unit (with @error set unless the run skips
 * them) or a failure to create the series. */
static const SeriesUnit *
inserter_resolve (Inserter             *ins,
                  const AetherReading  *r,
                  guint                 line,
                  GError              **error)
{
  char stack_key[256];
  gsize ld = strlen (r->device_id), lm = strlen (r->metric_type), lu = strlen (r->unit);
  gsize len = ld + lm + lu + 3;
  g_autofree char *heap_key = len > sizeof stack_key ? g_malloc (len) : NULL;
  char *key = heap_key ? heap_key : stack_key;
  SeriesUnit *found;
  const char *unit = NULL;
  double factor = 1;
  gint64 series;
  Recent *recent = &ins->recent[((guintptr)r->device_id >> 4) % RECENT_SLOTS];

  if (recent->su != NULL &&
      strcmp (recent->device_id, r->device_id) == 0 &&
      strcmp (recent->metric_type, r->metric_type) == 0 &&
      strcmp (recent->unit, r->unit) == 0)
    return recent->su;

  memcpy (key, r->device_id, ld);
  key[ld] = '\x1f';
  memcpy (key + ld + 1, r->metric_type, lm);
  key[ld + 1 + lm] = '\x1f';
  memcpy (key + ld + lm + 2, r->unit, lu + 1);

  if ((found = g_hash_table_lookup (ins->resolved, key)))
    goto remember;

  if (!_aether_normalize_unit (r->metric_type, r->unit, &factor, &unit))
    {
      if (ins->skip_unknown_units)
        g_warning ("Dropping a %s reading of %s in unknown unit “%s”", r->metric_type, r->device_id, r->unit);
      else if (line > 0)
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                     "%u: “%s” is not a unit of %s (device %s)", line, r->unit, r->metric_type, r->device_id);
      else
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                     "“%s” is not a unit of %s (device %s)", r->unit, r->metric_type, r->device_id);
      return NULL;
    }

  series = _aether_store_ensure_series (ins->db, ins->series_cache, r->device_id, r->metric_type, unit, error);
  if (series < 0)
    return NULL;

  /* One allocation: the struct, then its three strings. */
  found = g_malloc (sizeof (SeriesUnit) + len);
  {
    char *strings = (char *)(found + 1);

    memcpy (strings, key, len);
    strings[ld] = strings[ld + 1 + lm] = '\0';
    found->device_id = strings;
    found->metric_type = strings + ld + 1;
    found->unit = strings + ld + lm + 2;
  }
  found->series = series;
  found->factor = factor;
  found->spread_ms = G_MININT64;
  /* A counter's rolled segments can reach past the 1-minute watermark
   * after it moved back for another series' late reading (a counter read
   * every few hours spreads its delta over them): a reading inside one is
   * late too. */
  if (g_str_equal (r->metric_type, "energy"))
    {
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (ins->db, "SELECT MAX(bucket) FROM rollup_1m WHERE series_id = ?", -1, &stmt, NULL) == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, series);
          if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
            found->spread_ms = (sqlite3_column_int64 (stmt, 0) + 60) * 1000;
        }
      sqlite3_finalize (stmt);
    }
  g_hash_table_insert (ins->resolved, g_strdup (key), found);

remember:
  recent->device_id = found->device_id;
  recent->metric_type = found->metric_type;
  recent->unit = found->unit;
  recent->su = found;
  return found;
}

/* The duplicates named are the first in the file: the smallest lines,
 * whatever order time put them in. */
static void
keep_first_lines (Inserter *ins,
                  guint     line)
{
  guint n = (guint)MIN (ins->duplicates, AETHER_INGEST_N_LINES);
  guint at = n;

  while (at > 0 && ins->duplicate_lines[at - 1] > line)
    at--;
  if (at >= AETHER_INGEST_N_LINES)
    return;
  memmove (&ins->duplicate_lines[at + 1], &ins->duplicate_lines[at],
           (MIN (n, AETHER_INGEST_N_LINES - 1) - at) * sizeof (guint));
  ins->duplicate_lines[at] = line;
}

/* @readings in time order; @lines (nullable) their lines in the file. */
static gboolean
inserter_add (Inserter              *ins,
              const AetherReading  **readings,
              guint                  n_readings,
              const guint           *lines,
              GError               **error)
{
  for (guint k = 0; k < n_readings; k++)
    {
      const AetherReading *r = readings[k];
      const SeriesUnit *su;
      gint64 ts_ms = r->timestamp_us / 1000;
      GError *local_error = NULL;
      int rc;

      if (!(su = inserter_resolve (ins, r, lines ? lines[k] : 0, &local_error)))
        {
          if (local_error == NULL && ins->skip_unknown_units)
            continue;
          g_propagate_error (error, local_error);
          return FALSE;
        }

      /* After the conversion: 1e306 kW is a finite number of kW and an
       * infinite number of W. */
      if (!isfinite (r->value * su->factor))
        {
          /* The writer's batch is kept until it is written: one such value
           * must not hold up the rest. */
          if (ins->skip_unknown_units)
            {
              g_message ("Dropping a %s reading of %s that is not a finite number", r->metric_type, r->device_id);
              continue;
            }
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "A %s reading of %s, %g %s, is not a finite number of %s", r->metric_type, r->device_id,
                       r->value, r->unit, su->unit);
          return FALSE;
        }

      sqlite3_bind_int64 (ins->insert, 1, ts_ms);
      sqlite3_bind_int64 (ins->insert, 2, su->series);
      sqlite3_bind_double (ins->insert, 3, r->value * su->factor);
      rc = sqlite3_step (ins->insert);
      sqlite3_reset (ins->insert);
      if (rc != SQLITE_DONE)
        return _aether_sqlite_fail (ins->db, rc, "Could not store readings", error);

      /* A row that repeats a stored reading (or one earlier in the same
       * file) changed nothing: it is not counted as stored. */
      if (ins->keep_stored && sqlite3_changes (ins->db) == 0)
        {
          if (lines != NULL)
            keep_first_lines (ins, lines[k]);
          ins->duplicates++;
          continue;
        }
      ins->stored++;
      if (ins->outbox != NULL && !_aether_outbox_add (ins->outbox, ts_ms, su->series, r->value * su->factor, error))
        return FALSE;

      /* The oldest late reading of each series, so the rewind can find the
       * sample before it. */
      if (ts_ms < ins->rolled_ms || ts_ms < su->spread_ms)
        {
          gint64 *oldest = g_hash_table_lookup (ins->late, &su->series);

          if (oldest == NULL)
            g_hash_table_insert (ins->late, g_memdup2 (&su->series, sizeof su->series),
                                 g_memdup2 (&ts_ms, sizeof ts_ms));
          else
            *oldest = MIN (*oldest, ts_ms);
        }
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
 * the watermarks back (rewind_watermarks()). The writer's readings replace
 * a stored one of the same instant.
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
  Inserter ins;
  gboolean ok;

  GError *local_error = NULL;

  if (!inserter_init (&ins, db, series_cache, tz, FALSE, skip_unknown_units, error))
    return FALSE;
  /* Queued in the same transaction: a reading is stored and queued for
   * every enabled sink, or neither. */
  ins.outbox = _aether_outbox_begin (db, &local_error);
  if (local_error != NULL)
    {
      inserter_clear (&ins);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  ok = inserter_add (&ins, readings, n_readings, NULL, error) &&
       rewind_watermarks (db, tz, ins.late, error) &&
       (ins.outbox == NULL || _aether_outbox_finish (ins.outbox, error));
  inserter_clear (&ins);
  return ok;
}

/* ---- Ingest: one transaction, fed in chunks ------------------------------ */

struct _AetherStoreIngest
{
  AetherStore *store;
  Inserter     ins;
};

/**
 * aether_store_ingest_begin:
 * @self: a store
 * @error: a location for a #GError
 *
 * Starts an ingest: one write transaction that aether_store_ingest_add()
 * feeds a chunk at a time (a file of any size in bounded memory) and
 * aether_store_ingest_commit() ends, so a file is stored whole or not at
 * all. A row that repeats a stored reading (the same device, metric and
 * time, stored before or earlier in the same ingest) is skipped and
 * counted as a duplicate; the first one stays.
 *
 * Returns: (transfer full): the ingest, or %NULL
 */
AetherStoreIngest *
aether_store_ingest_begin (AetherStore  *self,
                           GError      **error)
{
  AetherStoreIngest *ingest;
  sqlite3 *db;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  db = _aether_store_get_db (self);
  if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
    return NULL;

  ingest = g_new0 (AetherStoreIngest, 1);
  ingest->store = g_object_ref (self);
  if (!inserter_init (&ingest->ins, db, _aether_store_get_series_cache (self),
                      _aether_store_get_time_zone (self), TRUE, FALSE, error))
    {
      _aether_sqlite_exec (db, "ROLLBACK;", NULL);
      g_object_unref (ingest->store);
      g_free (ingest);
      return NULL;
    }

  return ingest;
}

typedef struct
{
  const AetherReading *reading;
  guint                line;
} Ordered;

static int
compare_ordered_time (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  gint64 ta = ((const Ordered *)a)->reading->timestamp_us;
  gint64 tb = ((const Ordered *)b)->reading->timestamp_us;

  return (ta > tb) - (ta < tb);
}

/**
 * aether_store_ingest_add:
 * @ingest: an ingest
 * @readings: (array length=n_readings): the next readings
 * @n_readings: how many
 * @lines: (array length=n_readings) (nullable): each reading's line in the
 *   file, for errors and the duplicates' report
 * @error: a location for a #GError
 *
 * On failure call aether_store_ingest_abort(): nothing is stored.
 *
 * Returns: %TRUE if added
 */
gboolean
aether_store_ingest_add (AetherStoreIngest    *ingest,
                         const AetherReading  *readings,
                         guint                 n_readings,
                         const guint          *lines,
                         GError              **error)
{
  g_autofree Ordered *order = NULL;
  g_autofree const AetherReading **sorted = NULL;
  g_autofree guint *sorted_lines = NULL;

  g_return_val_if_fail (ingest != NULL, FALSE);
  g_return_val_if_fail (readings != NULL || n_readings == 0, FALSE);

  if (n_readings == 0)
    return TRUE;

  /* Time order keeps the raw tier append-only; the sort is stable, so of
   * two rows for one instant the earlier line is the one stored. */
  order = g_new (Ordered, n_readings);
  for (guint i = 0; i < n_readings; i++)
    order[i] = (Ordered) { &readings[i], lines ? lines[i] : 0 };
  g_qsort_with_data (order, n_readings, sizeof (Ordered), compare_ordered_time, NULL);

  sorted = g_new (const AetherReading *, n_readings);
  sorted_lines = lines ? g_new (guint, n_readings) : NULL;
  for (guint i = 0; i < n_readings; i++)
    {
      sorted[i] = order[i].reading;
      if (sorted_lines)
        sorted_lines[i] = order[i].line;
    }

  return inserter_add (&ingest->ins, sorted, n_readings, sorted_lines, error);
}

static void
ingest_free (AetherStoreIngest *ingest)
{
  inserter_clear (&ingest->ins);
  g_object_unref (ingest->store);
  g_free (ingest);
}

/**
 * aether_store_ingest_abort:
 * @ingest: (transfer full): an ingest
 *
 * Rolls everything added back.
 */
void
aether_store_ingest_abort (AetherStoreIngest *ingest)
{
  if (ingest == NULL)
    return;

  _aether_sqlite_exec (ingest->ins.db, "ROLLBACK;", NULL);
  /* A series created in the rolled-back transaction must not stay cached. */
  g_hash_table_remove_all (_aether_store_get_series_cache (ingest->store));
  ingest_free (ingest);
}

/**
 * aether_store_ingest_commit:
 * @ingest: (transfer full): an ingest
 * @stats: (out caller-allocates) (optional): what was stored and skipped
 * @error: a location for a #GError
 *
 * Moves the watermarks back for readings older than what maintenance has
 * rolled up, then commits; on failure everything is rolled back.
 *
 * Returns: %TRUE if everything added is stored
 */
gboolean
aether_store_ingest_commit (AetherStoreIngest  *ingest,
                            AetherIngestStats  *stats,
                            GError            **error)
{
  g_return_val_if_fail (ingest != NULL, FALSE);

  if (!rewind_watermarks (ingest->ins.db, ingest->ins.tz, ingest->ins.late, error) ||
      !_aether_sqlite_exec (ingest->ins.db, "COMMIT;", error))
    {
      aether_store_ingest_abort (ingest);
      return FALSE;
    }

  if (stats != NULL)
    {
      memset (stats, 0, sizeof *stats);
      stats->stored = ingest->ins.stored;
      stats->duplicates = ingest->ins.duplicates;
      memcpy (stats->duplicate_lines, ingest->ins.duplicate_lines, sizeof stats->duplicate_lines);
    }
  ingest_free (ingest);
  return TRUE;
}

/**
 * aether_store_ingest:
 * @self: a store
 * @readings: (array length=n_readings): readings
 * @n_readings: how many
 * @error: a location for a #GError
 *
 * Stores every reading in one transaction, or none: an unknown unit or a
 * full disk leaves the database as it was. A reading that repeats a stored
 * one is skipped (aether_store_ingest_begin()).
 *
 * Returns: %TRUE if all were stored
 */
gboolean
aether_store_ingest (AetherStore          *self,
                     const AetherReading  *readings,
                     guint                 n_readings,
                     GError              **error)
{
  AetherStoreIngest *ingest;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (readings != NULL || n_readings == 0, FALSE);

  if (!(ingest = aether_store_ingest_begin (self, error)))
    return FALSE;
  if (!aether_store_ingest_add (ingest, readings, n_readings, NULL, error))
    {
      aether_store_ingest_abort (ingest);
      return FALSE;
    }
  return aether_store_ingest_commit (ingest, NULL, error);
}
