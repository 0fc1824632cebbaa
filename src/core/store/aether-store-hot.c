/* aether-store-hot.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the hot tier needs from the store when the service starts, read in
 * one transaction so that the watermark, the energy tiers and the raw
 * samples agree with each other even while the writer commits and
 * maintenance rolls up: per device, today's energy and cost in the energy
 * tiers up to the 1-minute watermark plus the `energy` readings after it
 * (the hot tier turns those into deltas and prices them, by the same rule
 * as its live readings); per series, the last hour of points, from raw
 * samples and, where retention already cut them, from the 1-minute tier.
 * Only what happened before @until_us is read: readings from then on reach
 * the hot tier live. */

#define G_LOG_DOMAIN "aether-store-hot"

#include "config.h"

#include "aether-store-private.h"

#define HOUR_MS (G_GINT64_CONSTANT (3600) * 1000)

static void
device_seed_free (gpointer data)
{
  AetherHotDeviceSeed *seed = data;

  g_free (seed->device_id);
  g_clear_pointer (&seed->counter, g_array_unref);
  g_free (seed);
}

static void
series_seed_free (gpointer data)
{
  AetherHotSeriesSeed *seed = data;

  g_free (seed->device_id);
  g_free (seed->metric_type);
  g_clear_pointer (&seed->points, g_array_unref);
  g_free (seed);
}

void
_aether_hot_seed_free (AetherHotSeed *seed)
{
  if (seed == NULL)
    return;
  g_clear_pointer (&seed->devices, g_ptr_array_unref);
  g_clear_pointer (&seed->series, g_ptr_array_unref);
  g_free (seed);
}

static AetherHotDeviceSeed *
ensure_device_seed (AetherHotSeed *seed,
                    GHashTable    *index,
                    const char    *device_id)
{
  AetherHotDeviceSeed *device = g_hash_table_lookup (index, device_id);

  if (device == NULL)
    {
      device = g_new0 (AetherHotDeviceSeed, 1);
      device->device_id = g_strdup (device_id);
      device->counter = g_array_new (FALSE, FALSE, sizeof (AetherHotPoint));
      g_ptr_array_add (seed->devices, device);
      g_hash_table_insert (index, device->device_id, device);
    }

  return device;
}

static gboolean
read_watermark (sqlite3 *db,
                gint64  *watermark_s)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT watermark FROM rollup_state WHERE tier = '1m'", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      *watermark_s = sqlite3_column_int64 (stmt, 0);
      found = TRUE;
    }
  sqlite3_finalize (stmt);

  return found;
}

/* The `energy` readings of each device in [from, until), with the one
 * before @from when it is within the hour maintenance looks back from a
 * chunk's start, so the first delta has its left end. */
static gboolean
read_counters (sqlite3        *db,
               AetherHotSeed  *seed,
               GHashTable     *index,
               gint64          from_ms,
               gint64          until_ms,
               GError        **error)
{
  sqlite3_stmt *series = NULL;
  sqlite3_stmt *before = NULL;
  sqlite3_stmt *after = NULL;
  sqlite3_stmt *last = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT series_id, device_id FROM series WHERE metric_type = 'energy'", -1, &series, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT ts, value FROM samples WHERE series_id = ? AND ts < ? AND ts >= ?"
                                 " ORDER BY ts DESC LIMIT 1", -1, &before, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT ts, value FROM samples WHERE series_id = ? AND ts >= ? AND ts < ?"
                                 " ORDER BY ts", -1, &after, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT ts, value FROM samples WHERE series_id = ? AND ts < ?"
                                 " ORDER BY ts DESC LIMIT 1", -1, &last, NULL);
  if (rc != SQLITE_OK)
    goto fail;

  while ((rc = sqlite3_step (series)) == SQLITE_ROW)
    {
      gint64 series_id = sqlite3_column_int64 (series, 0);
      AetherHotDeviceSeed *device = ensure_device_seed (seed, index, (const char *)sqlite3_column_text (series, 1));

      sqlite3_bind_int64 (before, 1, series_id);
      sqlite3_bind_int64 (before, 2, from_ms);
      sqlite3_bind_int64 (before, 3, from_ms - HOUR_MS);
      if (sqlite3_step (before) == SQLITE_ROW)
        {
          AetherHotPoint p = { sqlite3_column_int64 (before, 0) * 1000, sqlite3_column_double (before, 1) };

          g_array_append_val (device->counter, p);
        }
      sqlite3_reset (before);

      sqlite3_bind_int64 (after, 1, series_id);
      sqlite3_bind_int64 (after, 2, from_ms);
      sqlite3_bind_int64 (after, 3, until_ms);
      while ((rc = sqlite3_step (after)) == SQLITE_ROW)
        {
          AetherHotPoint p = { sqlite3_column_int64 (after, 0) * 1000, sqlite3_column_double (after, 1) };

          g_array_append_val (device->counter, p);
        }
      sqlite3_reset (after);
      if (rc != SQLITE_DONE)
        goto fail;

      /* The left end of the first live delta, even when today is rolled up. */
      sqlite3_bind_int64 (last, 1, series_id);
      sqlite3_bind_int64 (last, 2, until_ms);
      if (sqlite3_step (last) == SQLITE_ROW)
        {
          device->have_last = TRUE;
          device->last_us = sqlite3_column_int64 (last, 0) * 1000;
          device->last_value = sqlite3_column_double (last, 1);
        }
      sqlite3_reset (last);
    }
  if (rc != SQLITE_DONE)
    goto fail;

  sqlite3_finalize (series);
  sqlite3_finalize (before);
  sqlite3_finalize (after);
  sqlite3_finalize (last);
  return TRUE;

fail:
  sqlite3_finalize (series);
  sqlite3_finalize (before);
  sqlite3_finalize (after);
  sqlite3_finalize (last);
  return _aether_sqlite_fail (db, rc, "Could not read today’s energy readings", error);
}

/* The last hour of every series: raw samples, and before the oldest of
 * them (retention may have cut raw samples there) the 1-minute means. */
static gboolean
read_last_hour (sqlite3        *db,
                AetherHotSeed  *seed,
                gint64          from_ms,
                gint64          until_ms,
                GError        **error)
{
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) minutes = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                                        (GDestroyNotify)g_array_unref);
  sqlite3_stmt *stmt = NULL;
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT series_id, device_id, metric_type FROM series", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AetherHotSeriesSeed *series = g_new0 (AetherHotSeriesSeed, 1);
      gint64 *id = g_new (gint64, 1);

      *id = sqlite3_column_int64 (stmt, 0);
      series->device_id = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
      series->metric_type = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
      series->points = g_array_new (FALSE, FALSE, sizeof (AetherHotPoint));
      g_ptr_array_add (seed->series, series);
      g_ptr_array_add (ids, id);
      g_hash_table_insert (by_id, id, series);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    goto fail;

  /* The samples are keyed by time first: one range scan for every series. */
  rc = sqlite3_prepare_v2 (db, "SELECT ts, series_id, value FROM samples WHERE ts >= ? AND ts < ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, from_ms);
  sqlite3_bind_int64 (stmt, 2, until_ms);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 1);
      AetherHotSeriesSeed *series = g_hash_table_lookup (by_id, &id);
      AetherHotPoint p = { sqlite3_column_int64 (stmt, 0) * 1000, sqlite3_column_double (stmt, 2) };

      if (series != NULL)
        g_array_append_val (series->points, p);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    goto fail;

  rc = sqlite3_prepare_v2 (db, "SELECT series_id, bucket, sum, count FROM rollup_1m WHERE bucket >= ? AND bucket < ?"
                               " ORDER BY series_id, bucket", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, (from_ms + 59999) / 60000 * 60);
  sqlite3_bind_int64 (stmt, 2, until_ms / 1000);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      AetherHotSeriesSeed *series = g_hash_table_lookup (by_id, &id);
      gint64 bucket_ms = sqlite3_column_int64 (stmt, 1) * 1000;
      gint64 count = sqlite3_column_int64 (stmt, 3);
      AetherHotPoint p = { bucket_ms * 1000, count > 0 ? sqlite3_column_double (stmt, 2) / (double)count : 0 };
      gpointer stable_id;
      GArray *before;

      /* Only the minutes wholly before the oldest raw sample kept. */
      if (series == NULL || count == 0 ||
          (series->points->len > 0 && bucket_ms + 60000 > g_array_index (series->points, AetherHotPoint, 0).time_us / 1000))
        continue;
      if ((before = g_hash_table_lookup (minutes, &id)) == NULL)
        {
          before = g_array_new (FALSE, FALSE, sizeof (AetherHotPoint));
          g_hash_table_lookup_extended (by_id, &id, &stable_id, NULL);
          g_hash_table_insert (minutes, stable_id, before);
        }
      g_array_append_val (before, p);
    }
  g_clear_pointer (&stmt, sqlite3_finalize);
  if (rc != SQLITE_DONE)
    goto fail;

  g_hash_table_iter_init (&iter, minutes);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      AetherHotSeriesSeed *series = g_hash_table_lookup (by_id, key);

      g_array_prepend_vals (series->points, ((GArray *)value)->data, ((GArray *)value)->len);
    }

  return TRUE;

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  return _aether_sqlite_fail (db, rc, "Could not read the last hour of readings", error);
}

/**
 * _aether_store_read_hot_seed:
 * @self: a store, usually a reader from _aether_store_open_reader()
 * @day_start_us: the start of today, in the home's local time
 * @until_us: read what happened before this, no later
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): what the hot tier is rebuilt from
 */
AetherHotSeed *
_aether_store_read_hot_seed (AetherStore  *self,
                             gint64        day_start_us,
                             gint64        until_us,
                             GError      **error)
{
  g_autoptr(AetherHotSeed) seed = g_new0 (AetherHotSeed, 1);
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  sqlite3 *db;
  gint64 watermark_s = 0;
  gint64 rolled_to_us;
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (day_start_us <= until_us, NULL);

  db = _aether_store_get_db (self);
  seed->day_start_us = day_start_us;
  seed->until_us = until_us;
  seed->devices = g_ptr_array_new_with_free_func (device_seed_free);
  seed->series = g_ptr_array_new_with_free_func (series_seed_free);

  /* One snapshot: the writer and maintenance may commit meanwhile. */
  if (!_aether_sqlite_exec (db, "BEGIN DEFERRED;", error))
    return NULL;

  /* Without a watermark nothing was rolled up yet: every reading is raw. */
  if (!read_watermark (db, &watermark_s))
    watermark_s = day_start_us / G_USEC_PER_SEC;
  rolled_to_us = CLAMP (watermark_s * G_USEC_PER_SEC, day_start_us, until_us);

  ok = TRUE;
  /* Quarter hour by quarter hour, by the store's own one-tier-per-instant
   * rule, so that today's energy can be priced again slot by slot. */
  for (guint slot = 0; ok && slot < AETHER_HOT_N_SLOTS; slot++)
    {
      gint64 from_us = day_start_us + (gint64)slot * AETHER_HOT_SLOT_S * G_USEC_PER_SEC;
      gint64 to_us = MIN (rolled_to_us, from_us + AETHER_HOT_SLOT_S * G_USEC_PER_SEC);
      g_autoptr(GPtrArray) totals = NULL;

      if (from_us >= rolled_to_us)
        break;
      totals = aether_store_energy_totals (self, from_us, to_us, "device", error);
      ok = totals != NULL;
      for (guint i = 0; ok && i < totals->len; i++)
        {
          AetherEnergyTotal *total = g_ptr_array_index (totals, i);
          AetherHotDeviceSeed *device = ensure_device_seed (seed, index, total->key);

          device->rolled_wh += total->energy_wh;
          device->rolled_cost += total->cost;
          device->rolled_slot_wh[slot] += total->energy_wh;
        }
    }

  ok = ok &&
       read_counters (db, seed, index, rolled_to_us / 1000, until_us / 1000, error) &&
       read_last_hour (db, seed, (until_us - HOUR_MS * 1000) / 1000, until_us / 1000, error);

  _aether_sqlite_exec (db, "COMMIT;", NULL);

  return ok ? g_steal_pointer (&seed) : NULL;
}
