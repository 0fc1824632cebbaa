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
 * been rolled up yet. The 1-minute step is in aether-store-rollup-minute.c,
 * the multi-row bucket writer in aether-store-rollup-batch.c. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-energy-rule.h"
#include "model/aether-home.h"
#include "aether-store-rollup-private.h"

/* ---- Coarser steps: merge buckets of the tier below -------------------- */

/* A statement of `key = ?1 AND bucket >= ?2 AND bucket < ?3` stepped for
 * each key in turn: rows come in key order, then bucket order, as one
 * `ORDER BY key, bucket` scan would give them, each key a range of the
 * primary key. */
typedef struct
{
  sqlite3_stmt *stmt;
  GArray       *ids;      /* gint64, or */
  GPtrArray    *texts;    /* char * */
  guint         next;
  gboolean      bound;
  gint64        from;
  gint64        to;
} KeyedScan;

static void
keyed_scan_init_ids (KeyedScan    *scan,
                     sqlite3_stmt *stmt,
                     GArray       *ids,
                     gint64        from,
                     gint64        to)
{
  *scan = (KeyedScan) { stmt, ids, NULL, 0, FALSE, from, to };
}

static void
keyed_scan_init_texts (KeyedScan    *scan,
                       sqlite3_stmt *stmt,
                       GPtrArray    *texts,
                       gint64        from,
                       gint64        to)
{
  *scan = (KeyedScan) { stmt, NULL, texts, 0, FALSE, from, to };
}

static int
keyed_scan_step (KeyedScan *scan)
{
  for (;;)
    {
      guint n = scan->ids ? scan->ids->len : scan->texts->len;

      if (scan->bound)
        {
          int rc = sqlite3_step (scan->stmt);

          if (rc != SQLITE_DONE)
            return rc;
          sqlite3_reset (scan->stmt);
          scan->bound = FALSE;
        }
      if (scan->next >= n)
        return SQLITE_DONE;
      if (scan->ids)
        sqlite3_bind_int64 (scan->stmt, 1, g_array_index (scan->ids, gint64, scan->next));
      else
        sqlite3_bind_text (scan->stmt, 1, g_ptr_array_index (scan->texts, scan->next), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (scan->stmt, 2, scan->from);
      sqlite3_bind_int64 (scan->stmt, 3, scan->to);
      scan->next++;
      scan->bound = TRUE;
    }
}

/* Series ids in order; every row of a rollup tier belongs to one. */
static GArray *
load_series_ids (sqlite3  *db,
                 GError  **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT series_id FROM series ORDER BY series_id", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read series", error), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read series", error), NULL;

  return g_steal_pointer (&ids);
}

/* Devices in (binary) order; energy is only ever stored for a device
 * with a series. */
static GPtrArray *
load_energy_devices (sqlite3  *db,
                     GError  **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT DISTINCT device_id FROM series ORDER BY device_id", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read series", error), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (devices, g_strdup ((const char *)sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read series", error), NULL;

  return g_steal_pointer (&devices);
}

/* The earliest bucket at or after @from in @table, key by key (each a
 * seek), or G_MAXINT64. */
static gint64
first_bucket_from (sqlite3     *db,
                   const char  *table,
                   GArray      *ids,
                   GPtrArray   *texts,
                   gint64       from)
{
  g_autofree char *sql = g_strdup_printf ("SELECT bucket FROM %s WHERE %s = ?1 AND bucket >= ?2 ORDER BY bucket LIMIT 1",
                                          table, ids ? "series_id" : "device_id");
  sqlite3_stmt *stmt = NULL;
  gint64 first = G_MAXINT64;
  guint n = ids ? ids->len : texts->len;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return G_MININT64;   /* no skipping: walk */
  for (guint i = 0; i < n; i++)
    {
      if (ids)
        sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      else
        sqlite3_bind_text (stmt, 1, g_ptr_array_index (texts, i), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, from);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        first = MIN (first, sqlite3_column_int64 (stmt, 0));
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);

  return first;
}

/* The earliest bucket of @tier's rollups or energy at or after @from: the
 * coarser tier skips the empty time before it instead of walking it a
 * chunk at a time (a reading from 1970 left a week-by-week walk to now). */
static gint64
next_bucket_below (sqlite3    *db,
                   AetherTier  tier,
                   gint64      from,
                   gboolean    with_energy)
{
  g_autoptr(GArray) ids = load_series_ids (db, NULL);
  g_autoptr(GPtrArray) devices = with_energy ? load_energy_devices (db, NULL) : NULL;
  gint64 first;

  if (ids == NULL || (with_energy && devices == NULL))
    return G_MININT64;
  first = first_bucket_from (db, _aether_rollup_tables[tier], ids, NULL, from);
  if (with_energy)
    first = MIN (first, first_bucket_from (db, _aether_energy_tables[tier], NULL, devices, from));

  return first;
}

static gboolean
roll_up_tier (const AetherMaintainCtx *self,
              sqlite3              *db,
              AetherTier            tier,
              gint64                from_s,
              gint64                to_s,
              AetherMaintainStats  *stats,
              GError              **error)
{
  /* Series by series and device by device, each a range of the primary
   * key: a scan of the whole tier below for every chunk would make a
   * chunk cost grow with the history kept. */
  g_autofree char *select = g_strdup_printf ("SELECT series_id, bucket, count, sum, min, max, first, last, sketch"
                                             " FROM %s WHERE series_id = ?1 AND bucket >= ?2 AND bucket < ?3"
                                             " ORDER BY bucket",
                                             _aether_rollup_tables[tier - 1]);
  g_autofree char *energy_select = g_strdup_printf ("SELECT device_id, bucket, energy_wh, cost, co2_kg, exported_wh FROM %s"
                                                    " WHERE device_id = ?1 AND bucket >= ?2 AND bucket < ?3"
                                                    " ORDER BY bucket",
                                                    _aether_energy_tables[tier - 1]);
  g_autoptr(GArray) series_ids = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  AetherAccBatch batch;
  KeyedScan scan = { 0 };
  sqlite3_stmt *stmt = NULL;
  sqlite3_stmt *insert = NULL;
  Acc current = { 0 };
  gint64 current_series = -1;
  int rc;

  rc = sqlite3_prepare_v2 (db, select, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not roll up", error);

  if (!(series_ids = load_series_ids (db, error)))
    {
      sqlite3_finalize (stmt);
      return FALSE;
    }
  _aether_acc_batch_init (&batch, self, tier);
  keyed_scan_init_ids (&scan, stmt, series_ids, from_s, to_s);

  while ((rc = keyed_scan_step (&scan)) == SQLITE_ROW)
    {
      gint64 sid = sqlite3_column_int64 (stmt, 0);
      gint64 bucket = _aether_bucket_in (self->tz, tier, sqlite3_column_int64 (stmt, 1));

      if (sid != current_series || bucket != current.start)
        {
          if (current.count > 0 && !_aether_acc_batch_add (&batch, current_series, &current, error))
            goto fail_batch;
          if (current.count > 0)
            stats->rolled[tier]++;
          _aether_acc_clear (&current);
          memset (&current, 0, sizeof current);
          current.start = bucket;
          current_series = sid;
        }

      /* Straight from the row: no bucket (and sketch) of its own first. */
      _aether_acc_merge_row (&current, stmt, 1);
    }

  if (rc != SQLITE_DONE)
    {
      _aether_acc_batch_clear (&batch);
      goto fail;
    }
  if (current.count > 0)
    {
      if (!_aether_acc_batch_add (&batch, current_series, &current, error))
        goto fail_batch;
      stats->rolled[tier]++;
    }
  if (!_aether_acc_batch_flush (&batch, error))
    goto fail_batch;
  _aether_acc_batch_clear (&batch);
  _aether_acc_clear (&current);
  sqlite3_finalize (stmt);

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
    if (!(devices = load_energy_devices (db, error)))
      {
        sqlite3_finalize (stmt);
        sqlite3_finalize (insert);
        return FALSE;
      }
    keyed_scan_init_texts (&scan, stmt, devices, from_s, to_s);

    for (;;)
      {
        gboolean more = (rc = keyed_scan_step (&scan)) == SQLITE_ROW;
        const char *row_device = more ? (const char *)sqlite3_column_text (stmt, 0) : NULL;
        gint64 row_bucket = more ? _aether_bucket_in (self->tz, tier, sqlite3_column_int64 (stmt, 1)) : 0;

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

fail_batch:
  _aether_acc_batch_clear (&batch);
  _aether_acc_clear (&current);
  sqlite3_finalize (stmt);
  return FALSE;

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

/* Deletes rows of @table with @column before @before: one range when the
 * table's key starts with @column, else key by key (@ids or @texts, the
 * first column of its primary key) so that a cut costs what it deletes,
 * not a scan of everything the tier keeps. */
static gboolean
delete_before (sqlite3     *db,
               const char  *table,
               const char  *column,
               GArray      *ids,
               GPtrArray   *texts,
               gint64       before,
               guint64     *deleted,
               GError     **error)
{
  g_autofree char *sql = ids || texts
    ? g_strdup_printf ("DELETE FROM %s WHERE %s = ?2 AND %s < ?1", table, ids ? "series_id" : "device_id", column)
    : g_strdup_printf ("DELETE FROM %s WHERE %s < ?1", table, column);
  sqlite3_stmt *stmt = NULL;
  guint n = ids ? ids->len : texts ? texts->len : 1;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not apply retention", error);
  for (guint i = 0; i < n; i++)
    {
      sqlite3_bind_int64 (stmt, 1, before);
      if (ids)
        sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i));
      else if (texts)
        sqlite3_bind_text (stmt, 2, g_ptr_array_index (texts, i), -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          return _aether_sqlite_fail (db, rc, "Could not apply retention", error);
        }
      *deleted += (guint64)sqlite3_changes (db);
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

static gboolean
apply_retention (const AetherMaintainCtx *self,
                 sqlite3              *db,
                 gint64                now_s,
                 AetherMaintainStats  *stats,
                 GError              **error)
{
  const AetherRetention *r = self->retention;
  gint64 wm[AETHER_N_TIERS] = { 0 };
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
    return FALSE;
  if (!(ids = load_series_ids (db, error)) || !(devices = load_energy_devices (db, error)))
    goto fail;

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
            cutoff = MIN (_aether_bucket_in (self->tz, t + 1, cutoff), wm[t + 1]);
          /* A tier never rolled up (its watermark unset) keeps everything
           * below it: nothing to cut (and no cutoff to scale to ms). */
          if (cutoff > G_MININT64 / 4 &&
              !delete_before (db, _aether_rollup_tables[t], t == AETHER_TIER_RAW ? "ts" : "bucket",
                              t == AETHER_TIER_RAW ? NULL : ids, NULL,
                              t == AETHER_TIER_RAW ? cutoff * 1000 : cutoff, &stats->deleted, error))
            goto fail;
          if (t == AETHER_TIER_RAW && cutoff > G_MININT64 / 4)
            {
              gint64 cut = G_MININT64;

              _aether_get_state (db, RAW_CUT_KEY, &cut);
              if (cutoff > cut && !_aether_set_state (db, RAW_CUT_KEY, cutoff, error))
                goto fail;
            }
        }

      if (_aether_energy_tables[t] != NULL && r->energy_s[t] > 0)
        {
          cutoff = now_s - r->energy_s[t];
          if (t + 1 < AETHER_N_TIERS)
            cutoff = MIN (_aether_bucket_in (self->tz, t + 1, cutoff), wm[t + 1]);
          if (!delete_before (db, _aether_energy_tables[t], "bucket", NULL, devices, cutoff, &stats->deleted, error))
            goto fail;
        }
    }

  if ((r->cost_records_s > 0 &&
       !delete_before (db, "cost_records", "period_end", NULL, NULL, now_s - r->cost_records_s, &stats->deleted, error)) ||
      (r->device_status_s > 0 &&
       !delete_before (db, "device_status_log", "ts", NULL, NULL, (now_s - r->device_status_s) * 1000, &stats->deleted, error)) ||
      (r->alerts_s > 0 &&
       !delete_before (db, "alert_history", "time", NULL, NULL, (now_s - r->alerts_s) * 1000, &stats->deleted, error)))
    goto fail;

  return _aether_sqlite_exec (db, "COMMIT;", error);

fail:
  _aether_sqlite_exec (db, "ROLLBACK;", NULL);
  return FALSE;
}

static gboolean
should_stop (const AetherMaintainCtx *self)
{
  return (self->stop != NULL && g_atomic_int_get (self->stop)) ||
         (self->deadline_us > 0 && g_get_monotonic_time () >= self->deadline_us);
}

/* The time of the first raw sample at or after @from_s, or -1. */
static gint64
next_sample_ms (sqlite3 *db,
                gint64   from_s)
{
  sqlite3_stmt *stmt = NULL;
  gint64 ts = -1;

  if (sqlite3_prepare_v2 (db, "SELECT ts FROM samples WHERE ts >= ? ORDER BY ts LIMIT 1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, from_s * 1000);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        ts = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);

  return ts;
}

/* How far the tier below @tier is whole: its watermark, and for the
 * 1-minute tier no further than its first minute that an open segment
 * (_aether_roll_raw_chunk()) will still add to. A coarser bucket rolled from
 * minutes that are not whole yet would keep them so: a meter read every 15
 * minutes, maintained every 5, left its energy out of every coarser tier,
 * and a pass that ended on a 5-minute edge left out the last seconds
 * before it. */
static gboolean
whole_below (sqlite3    *db,
             AetherTier  tier,
             gint64     *below)
{
  gint64 open;

  if (!_aether_get_watermark (db, tier - 1, below))
    return FALSE;
  if (tier - 1 == AETHER_TIER_1M && _aether_get_state (db, ENERGY_OPEN_KEY, &open))
    *below = MIN (*below, open);
  return TRUE;
}

/**
 * _aether_maintain:
 * @self: what to maintain: a connection, the daily tier's zone, retention
 *   and the pricer, and when to stop
 * @now_us: the time to maintain as of
 * @stats: (out caller-allocates): what was done
 * @finished: (out) (optional): %FALSE when it stopped early (@self's stop
 *   flag or deadline, checked between transactions): call again to go on
 * @error: a location for a #GError
 *
 * aether_store_maintain() on any connection: the store's, or the writer
 * thread's, which runs the service's maintenance in slices so that neither
 * the main loop nor a SIGTERM waits for it. Every transaction moves its
 * watermark, so a slice that stops leaves nothing half done.
 *
 * Returns: %TRUE unless a step failed
 */
gboolean
_aether_maintain (const AetherMaintainCtx  *self,
                  gint64                    now_us,
                  AetherMaintainStats      *stats,
                  gboolean                 *finished,
                  GError                  **error)
{
  g_autoptr(GHashTable) series = NULL;
  g_autoptr(GHashTable) stmts = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                       (GDestroyNotify)sqlite3_finalize);
  AetherMaintainCtx run = *self;
  sqlite3 *db = self->db;
  gint64 now_s = now_us / G_USEC_PER_SEC;
  gint64 wm;
  gint64 end;
  gint64 started;
  gboolean ok;

  memset (stats, 0, sizeof *stats);
  if (finished != NULL)
    *finished = FALSE;
  /* The rest of the run sees its statement cache. */
  run.stmts = stmts;
  self = &run;

  started = g_get_monotonic_time ();

  /* raw → 1 minute, an hour of samples per transaction */
  if (!_aether_get_watermark (db, AETHER_TIER_1M, &wm))
    {
      gint64 oldest = oldest_sample_s (db);

      wm = oldest >= 0 ? _aether_bucket_in (self->tz, AETHER_TIER_1H, oldest) : _aether_bucket_in (self->tz, AETHER_TIER_1H, now_s);
    }
  end = _aether_bucket_in (self->tz, AETHER_TIER_1M, now_s);

  while (wm < end)
    {
      guint64 samples_before = stats->samples_rolled;
      gint64 tx_started = g_get_monotonic_time ();
      guint n_chunks = 0;

      if (should_stop (self))
        return TRUE;
      if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
        return FALSE;
      /* Series may have been added since the last transaction: their
       * samples would be skipped while the watermark moves past them. */
      g_clear_pointer (&series, g_hash_table_unref);
      if (!(series = _aether_rollup_load_series (db, error)))
        {
          _aether_sqlite_exec (db, "ROLLBACK;", NULL);
          return FALSE;
        }

      /* Hour chunks, as many as fit a transaction's budget: each is rolled
       * exactly as on its own (its own look back, its own cadence) and
       * moves the watermark, and one commit writes them all. */
      for (;;)
        {
          gint64 chunk_end;
          gint64 carry = 0;
          gint64 carry_from = G_MININT64, carry_until_ms = G_MININT64;
          gint64 next_ms;
          gint64 skip_to = G_MININT64;
          gint64 open_from = G_MAXINT64, open_until = G_MININT64;

          /* The writer thread may have moved the watermark back for a late
           * reading since the last transaction: read it under the lock. */
          _aether_get_watermark (db, AETHER_TIER_1M, &wm);
          _aether_get_state (db, CARRY_COUNTED_KEY, &carry);
          _aether_get_state (db, CARRY_FROM_KEY, &carry_from);
          _aether_get_state (db, CARRY_UNTIL_KEY, &carry_until_ms);
          /* A store whose watermark an older version moved back: the
           * segments across it are in the minutes before it. */
          if (carry != 0)
            {
              carry_from = wm;
              carry_until_ms = G_MAXINT64;
              if (!_aether_set_state (db, CARRY_FROM_KEY, carry_from, error) ||
                  !_aether_set_state (db, CARRY_UNTIL_KEY, carry_until_ms, error) ||
                  !_aether_set_state (db, CARRY_COUNTED_KEY, 0, error))
                goto raw_fail;
            }
          if (wm >= end)
            break;

          /* Hours with no sample are skipped, not walked one by one: a
           * chunk without samples writes nothing, and the first chunk with
           * some looks back an hour for the sample before it, which lies in
           * the skipped time and so is not there either (a counter's reading
           * before the skipped time is found however far back, by the walk
           * too). The result is the walk's, in one step. */
          next_ms = next_sample_ms (db, wm);
          if (next_ms < 0 || next_ms >= end * 1000)
            skip_to = end;
          else if (next_ms >= (wm + CHUNK_S) * 1000)
            skip_to = wm + ((next_ms / 1000 - wm) / CHUNK_S) * CHUNK_S;
          if (skip_to != G_MININT64)
            {
              gint64 open = skip_to;
              gint64 until = G_MININT64;

              /* Segments left open before the skipped time stay open while
               * a sample after it could still close one. */
              if (!_aether_get_state (db, ENERGY_OPEN_UNTIL_KEY, &until) || until < skip_to * 1000 ||
                  !_aether_get_state (db, ENERGY_OPEN_KEY, &open))
                open = skip_to;
              if (!_aether_set_watermark (db, AETHER_TIER_1M, skip_to, error) ||
                  !_aether_set_state (db, ENERGY_OPEN_KEY, MIN (open, skip_to), error))
                goto raw_fail;
              stats->skipped_slices++;
              wm = skip_to;
              continue;
            }

          chunk_end = MIN (end, wm + CHUNK_S);
          if (!_aether_roll_raw_chunk (self, db, series, wm, chunk_end, carry_from, carry_until_ms, &open_from, &open_until, stats,
                               error) ||
              !_aether_set_watermark (db, AETHER_TIER_1M, chunk_end, error) ||
              !_aether_set_state (db, ENERGY_OPEN_KEY, open_from, error) ||
              !_aether_set_state (db, ENERGY_OPEN_UNTIL_KEY, open_until, error))
            goto raw_fail;
          stats->raw_slices++;
          wm = chunk_end;
          n_chunks++;

          if (stats->samples_rolled - samples_before >= TX_SAMPLES || n_chunks >= TX_CHUNKS ||
              g_get_monotonic_time () - tx_started >= TX_US || should_stop (self))
            break;
        }

      if (!_aether_sqlite_exec (db, "COMMIT;", error))
        goto raw_fail;
      continue;

    raw_fail:
      _aether_sqlite_exec (db, "ROLLBACK;", NULL);
      return FALSE;
    }

  if (!_aether_get_watermark (db, AETHER_TIER_1M, &wm))
    wm = end;

  /* 1 minute → 5 minutes → 1 hour → 1 day, each up to what the tier below covers */
  for (AetherTier tier = AETHER_TIER_5M; tier < AETHER_N_TIERS; tier++)
    {
      gint64 below;
      gint64 from;
      gint64 chunk = tier == AETHER_TIER_1D ? 32 * 86400 : 7 * 86400;

      if (!whole_below (db, tier, &below))
        break;
      end = _aether_bucket_in (self->tz, tier, below);

      /* The first run starts where the tier below starts. */
      if (!_aether_get_watermark (db, tier, &from))
        {
          gint64 first = next_bucket_below (db, tier - 1, G_MININT64 / 2, FALSE);

          from = first == G_MAXINT64 || first == G_MININT64 ? end : _aether_bucket_in (self->tz, tier, first);
        }

      while (from < end)
        {
          gint64 to;
          gint64 next;

          if (should_stop (self))
            return TRUE;
          if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
            return FALSE;
          /* Both watermarks again, under the lock: a late reading may have
           * moved them back since they were read. */
          if (whole_below (db, tier, &below))
            end = MIN (end, _aether_bucket_in (self->tz, tier, below));
          _aether_get_watermark (db, tier, &from);
          if (from >= end)
            {
              _aether_sqlite_exec (db, "ROLLBACK;", NULL);
              break;
            }
          /* Empty time (no bucket, no energy below) is skipped: rolling it
           * up writes nothing. */
          next = next_bucket_below (db, tier - 1, from, TRUE);
          if (next != G_MININT64 && next >= end)
            from = end;
          else if (next != G_MININT64 && next > from)
            from = MAX (from, _aether_bucket_in (self->tz, tier, next));
          if (from >= end)
            {
              if (!_aether_set_watermark (db, tier, end, error) ||
                  !_aether_sqlite_exec (db, "COMMIT;", error))
                {
                  _aether_sqlite_exec (db, "ROLLBACK;", NULL);
                  return FALSE;
                }
              break;
            }
          to = MIN (end, _aether_bucket_in (self->tz, tier, from + chunk));
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
  if (should_stop (self))
    return TRUE;
  started = g_get_monotonic_time ();
  ok = apply_retention (self, db, now_s, stats, error) && _aether_store_incremental_vacuum (db, AETHER_VACUUM_PAGES_PER_MAINTAIN, error);
  stats->retention_us = g_get_monotonic_time () - started;
  if (ok && finished != NULL)
    *finished = TRUE;
  return ok;
}

/**
 * aether_store_maintain:
 * @self: a store
 * @now_us: the time to maintain as of (usually the clock's)
 * @stats: (out caller-allocates) (optional): what was done
 * @error: a location for a #GError
 *
 * Rolls every complete bucket up and applies retention. Safe to run again
 * and to interrupt: each step commits with its progress. Time without
 * readings is skipped, not walked: its cost is that of the readings.
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
  AetherMaintainCtx ctx = { 0 };

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  ctx.db = _aether_store_get_db (self);
  ctx.tz = _aether_store_get_time_zone (self);
  ctx.retention = _aether_store_get_retention (self);
  ctx.pricer = _aether_store_get_pricer (self);

  return _aether_maintain (&ctx, now_us, stats ? stats : &local_stats, NULL, error);
}
