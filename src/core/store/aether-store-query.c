/* aether-store-query.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading the tiers back: aether_store_query(), query_devices(),
 * query_group() and the energy totals. Queries pick the coarsest tier that
 * still gives a point per column, stitch coarser tiers in where retention
 * removed the finer one and finer tiers (down to raw) where maintenance has
 * not reached yet, then reduce to the requested number of columns keeping
 * each column's first, last, min and max (M4), so a line drawn from them is
 * the line drawn from all the data. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-home.h"
#include "aether-store-private.h"

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

/* One value of @series_id: @sql binds the series, then @key. */
static gboolean
series_value (sqlite3    *db,
              const char *sql,
              gint64      series_id,
              gint64      key,
              double     *value)
{
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  if (series_id < 0)
    return FALSE;
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, series_id);
      sqlite3_bind_int64 (stmt, 2, key);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          *value = sqlite3_column_double (stmt, 0);
          found = TRUE;
        }
    }
  sqlite3_finalize (stmt);
  return found;
}

#define RAW_VALUE_AT "SELECT value FROM samples WHERE series_id = ?1 AND ts = ?2"
#define MINUTE_LAST_AT "SELECT last FROM rollup_1m WHERE series_id = ?1 AND bucket = ?2 AND last IS NOT NULL"

/**
 * aether_store_get_energy_resume:
 * @self: a store
 * @device_id: a device
 * @state: (out caller-allocates): where its energy stood at its last
 *   stored `energy` reading: that reading, and the device's own counter
 *   (`energy_counter`) and power read with it; `time_us` 0 if there is none
 * @error: a location for a #GError
 *
 * What the collector goes on from after a restart. The raw samples when
 * they are still there, else the last 1-minute bucket (a device offline for
 * longer than raw samples are kept): its last values are of one poll.
 *
 * Returns: %TRUE unless the database could not be read
 */
gboolean
aether_store_get_energy_resume (AetherStore            *self,
                                const char             *device_id,
                                AetherEnergyMeterState *state,
                                GError                **error)
{
  sqlite3 *db = self->db;
  sqlite3_stmt *stmt = NULL;
  gint64 energy, counter, power;
  gint64 ts_ms = 0;
  gint64 minute_s = 0;
  double minute_last = 0;
  gboolean have_minute = FALSE;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);
  g_return_val_if_fail (state != NULL, FALSE);

  *state = (AetherEnergyMeterState) { 0 };
  if ((energy = find_series (db, device_id, "energy")) < 0)
    return TRUE;
  counter = find_series (db, device_id, "energy_counter");
  power = find_series (db, device_id, "power");

  /* The last minute rolled up: the last reading is in it or after it, so
   * raw samples are looked at from there on only (they are keyed by time
   * first), and it is the answer when retention cut them. */
  rc = sqlite3_prepare_v2 (db, "SELECT bucket, last FROM rollup_1m WHERE series_id = ? AND last IS NOT NULL"
                               " ORDER BY bucket DESC LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, energy);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          have_minute = TRUE;
          minute_s = sqlite3_column_int64 (stmt, 0);
          minute_last = sqlite3_column_double (stmt, 1);
          rc = SQLITE_DONE;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read the last energy reading", error);

  rc = sqlite3_prepare_v2 (db, "SELECT ts, value FROM samples WHERE series_id = ? AND ts >= ?"
                               " ORDER BY ts DESC LIMIT 1", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, energy);
      sqlite3_bind_int64 (stmt, 2, have_minute ? minute_s * 1000 : G_MININT64);
      if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          ts_ms = sqlite3_column_int64 (stmt, 0);
          state->total_wh = sqlite3_column_double (stmt, 1);
          rc = SQLITE_DONE;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read the last energy reading", error);

  if (ts_ms != 0)
    {
      state->time_us = ts_ms * 1000;
      state->have_counter = series_value (db, RAW_VALUE_AT, counter, ts_ms, &state->counter_wh);
      state->have_power = series_value (db, RAW_VALUE_AT, power, ts_ms, &state->power_w);
    }
  else if (have_minute)
    {
      /* Retention cut the raw samples: the minute's last values are of one
       * poll; its end stands for when (power is a gap by now anyway). */
      state->time_us = (minute_s + 59) * G_USEC_PER_SEC;
      state->total_wh = minute_last;
      state->have_counter = series_value (db, MINUTE_LAST_AT, counter, minute_s, &state->counter_wh);
    }

  return TRUE;
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
              _aether_acc_add_value (&acc, sqlite3_column_double (stmt, 1));
              g_array_append_val (out, acc);
            }
        }
      sqlite3_finalize (stmt);
      return;
    }

  if (!_aether_get_watermark (db, tier, &wm))
    wm = G_MININT64 / 2;

  {
    g_autofree char *sql = g_strdup_printf ("SELECT bucket, count, sum, min, max, first, last, sketch FROM %s"
                                            " WHERE series_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
                                            _aether_rollup_tables[tier]);

    if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK)
      {
        sqlite3_bind_int64 (stmt, 1, series_id);
        sqlite3_bind_int64 (stmt, 2, from);
        sqlite3_bind_int64 (stmt, 3, MIN (to, wm));
        while (sqlite3_step (stmt) == SQLITE_ROW)
          {
            Acc acc;

            _aether_acc_from_row (&acc, stmt, 0);
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
      gint64 limit = hard ? _aether_bucket_of (self, tier + 1, oldest) : oldest;

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

      _aether_acc_merge (&cols[column_of (from_us, to_us, points, b->start)], b);
      _aether_acc_clear (b);
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
          _aether_acc_clear (&cols[c]);
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
          _aether_acc_clear (b);
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
          _aether_acc_clear (col);
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

/* The statements of energy_per_device() and what each tier holds of each
 * device: the same for every bar of a series, so asked once for all of
 * them (_aether_store_energy_cache_new()) instead of once per bar. */
struct _AetherEnergyCache
{
  sqlite3_stmt *span[AETHER_N_TIERS];
  sqlite3_stmt *sum[AETHER_N_TIERS];
  guint         n;                   /* devices whose spans are known */
  gint64       *oldest;              /* [tier * n + i]; G_MAXINT64: none */
  gint64       *newest;
};

void
_aether_energy_cache_free (AetherEnergyCache *cache)
{
  if (cache == NULL)
    return;
  for (guint t = 0; t < AETHER_N_TIERS; t++)
    {
      sqlite3_finalize (cache->span[t]);
      sqlite3_finalize (cache->sum[t]);
    }
  g_free (cache->oldest);
  g_free (cache->newest);
  g_free (cache);
}

AetherEnergyCache *
_aether_energy_cache_new (void)
{
  return g_new0 (AetherEnergyCache, 1);
}

/* Energy per device over [from, to). Each instant is counted from one tier
 * only, the finest that holds it: a coarser bucket counts only when all of
 * it lies outside what the finer tiers hold of that device. The coarser
 * bucket around the finer tier's first one summarises the same minutes (a
 * device that started mid-hour has an hourly bucket of them), and
 * retention cuts on the coarser tier's edges, so nothing is lost. Every
 * tier is asked by (device, bucket), its primary key. @cache keeps the
 * statements and the tiers' spans of the same @device_ids between calls. */
static gboolean
energy_per_device (AetherStore        *self,
                   const char * const *device_ids,
                   gint64              from,
                   gint64              to,
                   GPtrArray          *totals,
                   AetherEnergyCache  *cache,
                   GError            **error)
{
  sqlite3 *db = _aether_store_get_db (self);
  guint n = g_strv_length ((char **)device_ids);
  g_autofree Held *held = g_new0 (Held, n);
  gboolean spans_known = cache->oldest != NULL && cache->n == n;

  if (!spans_known)
    {
      g_free (cache->oldest);
      g_free (cache->newest);
      cache->n = n;
      cache->oldest = g_new (gint64, MAX (n, 1) * AETHER_N_TIERS);
      cache->newest = g_new (gint64, MAX (n, 1) * AETHER_N_TIERS);
    }

  for (guint i = 0; i < n; i++)
    {
      held[i].total = g_new0 (AetherEnergyTotal, 1);
      held[i].total->key = g_strdup (device_ids[i]);
      held[i].lo = G_MAXINT64;
      held[i].hi = G_MININT64;
    }

  for (AetherTier tier = AETHER_TIER_1M; tier < AETHER_N_TIERS; tier++)
    {
      int rc = SQLITE_OK;

      if (cache->span[tier] == NULL)
        {
          g_autofree char *span_sql = g_strdup_printf ("SELECT (SELECT MIN(bucket) FROM %s WHERE device_id = ?1),"
                                                       " (SELECT MAX(bucket) FROM %s WHERE device_id = ?1)",
                                                       _aether_energy_tables[tier], _aether_energy_tables[tier]);
          g_autofree char *sum_sql = g_strdup_printf ("SELECT COUNT(*), SUM(energy_wh), SUM(cost), SUM(co2_kg),"
                                                      " SUM(exported_wh) FROM %s"
                                                      " WHERE device_id = ?1 AND bucket >= ?2 AND bucket < ?3"
                                                      " AND (bucket < ?4 OR bucket >= ?5)",
                                                      _aether_energy_tables[tier]);

          rc = sqlite3_prepare_v2 (db, span_sql, -1, &cache->span[tier], NULL);
          if (rc == SQLITE_OK)
            rc = sqlite3_prepare_v2 (db, sum_sql, -1, &cache->sum[tier], NULL);
        }
      if (rc != SQLITE_OK)
        {
          for (guint i = 0; i < n; i++)
            aether_energy_total_free (held[i].total);
          return _aether_sqlite_fail (db, rc, "Could not sum energy", error);
        }

      for (guint i = 0; i < n; i++)
        {
          sqlite3_stmt *span = cache->span[tier];
          sqlite3_stmt *sum = cache->sum[tier];
          Held *h = &held[i];
          gint64 *oldest = &cache->oldest[tier * n + i];
          gint64 *newest = &cache->newest[tier * n + i];

          if (!spans_known)
            {
              sqlite3_bind_text (span, 1, device_ids[i], -1, SQLITE_TRANSIENT);
              rc = sqlite3_step (span);
              if (rc != SQLITE_ROW || sqlite3_column_type (span, 0) == SQLITE_NULL)
                *oldest = G_MAXINT64;
              else
                {
                  *oldest = sqlite3_column_int64 (span, 0);
                  *newest = sqlite3_column_int64 (span, 1);
                }
              sqlite3_reset (span);
            }
          if (*oldest == G_MAXINT64)
            continue;

          sqlite3_bind_text (sum, 1, device_ids[i], -1, SQLITE_TRANSIENT);
          sqlite3_bind_int64 (sum, 2, from);
          sqlite3_bind_int64 (sum, 3, to);
          sqlite3_bind_int64 (sum, 4, h->lo == G_MAXINT64 ? G_MAXINT64 : _aether_bucket_of (self, tier, h->lo));
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

          h->lo = MIN (h->lo, *oldest);
          /* A day is 23 to 25 hours: its end is the next local midnight. */
          h->hi = MAX (h->hi, tier == AETHER_TIER_1D ? _aether_bucket_of (self, tier, *newest + 36 * 3600)
                                                     : *newest + aether_tier_get_width_s (tier));
        }
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
                  AetherEnergyCache  *cache,
                  GError            **error)
{
  g_autoptr(AetherEnergyCache) own = cache ? NULL : _aether_energy_cache_new ();
  g_autoptr(GPtrArray) totals = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_energy_total_free);
  g_autoptr(GPtrArray) unique = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  /* A device named twice is still counted once. */
  for (guint i = 0; device_ids[i] != NULL; i++)
    if (g_hash_table_add (seen, (gpointer)device_ids[i]))
      g_ptr_array_add (unique, (gpointer)device_ids[i]);
  g_ptr_array_add (unique, NULL);

  if (!energy_per_device (self, (const char * const *)unique->pdata, from_us / G_USEC_PER_SEC,
                          to_us / G_USEC_PER_SEC, totals, cache ? cache : own, error))
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

  return energy_totals_of (self, device_ids, from_us, to_us, NULL, error);
}

/* The same, keeping @cache's statements and the tiers' spans for the next
 * call with the same @device_ids (a series' bars). */
GPtrArray *
_aether_store_energy_totals_cached (AetherStore        *self,
                                    const char * const *device_ids,
                                    gint64              from_us,
                                    gint64              to_us,
                                    AetherEnergyCache  *cache,
                                    GError            **error)
{
  return energy_totals_of (self, device_ids, from_us, to_us, cache, error);
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

  if (!(per_device = energy_totals_of (self, (const char * const *)ids->pdata, from_us, to_us, NULL, error)))
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
