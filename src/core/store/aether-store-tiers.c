/* aether-store-tiers.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the other aether-store-*.c files share about tiers: the table of
 * each tier, the watermarks maintenance keeps in `rollup_state` (every
 * step moves its watermark in its own transaction, so maintenance is
 * idempotent and resumes where a crash left it), the bucket a time falls
 * in (the daily tier starts at local midnight), and a bucket in memory
 * (Acc: count, sum, min, max, first, last and a quantile sketch). */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-home.h"
#include "aether-store-private.h"

const char * const _aether_rollup_tables[AETHER_N_TIERS] = { "samples", "rollup_1m", "rollup_5m", "rollup_1h", "rollup_1d" };
const char * const _aether_energy_tables[AETHER_N_TIERS] = { NULL, "energy_1m", "energy_5m", "energy_1h", "energy_1d" };

/* ---- Watermarks -------------------------------------------------------- */

gboolean
_aether_get_state (sqlite3    *db,
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

gboolean
_aether_set_state (sqlite3     *db,
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

gboolean
_aether_get_watermark (sqlite3    *db,
                       AetherTier  tier,
                       gint64     *value)
{
  return _aether_get_state (db, aether_tier_to_string (tier), value);
}

gboolean
_aether_set_watermark (sqlite3     *db,
                       AetherTier   tier,
                       gint64       value,
                       GError     **error)
{
  return _aether_set_state (db, aether_tier_to_string (tier), value, error);
}

/* ---- Buckets in memory ------------------------------------------------- */

void
_aether_acc_clear (Acc *acc)
{
  g_clear_pointer (&acc->sketch, aether_sketch_free);
}

void
_aether_acc_add_value (Acc    *acc,
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
void
_aether_acc_merge (Acc       *acc,
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

/* _aether_acc_merge() of the row _aether_acc_from_row() would read, without
 * building it: the same result, no allocation per row. */
void
_aether_acc_merge_row (Acc          *acc,
                       sqlite3_stmt *stmt,
                       int           first_col)
{
  guint64 count = (guint64)sqlite3_column_int64 (stmt, first_col + 1);
  double min = sqlite3_column_double (stmt, first_col + 3);
  double max = sqlite3_column_double (stmt, first_col + 4);
  const void *blob;

  if (count == 0)
    return;

  if (acc->count == 0)
    {
      acc->min = min;
      acc->max = max;
      acc->first = sqlite3_column_double (stmt, first_col + 5);
      acc->sketch = aether_sketch_new ();
    }
  acc->min = MIN (acc->min, min);
  acc->max = MAX (acc->max, max);
  acc->last = sqlite3_column_double (stmt, first_col + 6);
  acc->sum += sqlite3_column_double (stmt, first_col + 2);
  acc->count += count;
  blob = sqlite3_column_blob (stmt, first_col + 7);
  if (blob != NULL)
    aether_sketch_merge_blob (acc->sketch, blob, sqlite3_column_bytes (stmt, first_col + 7));
}

void
_aether_acc_from_row (Acc          *acc,
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

/* ---- Buckets in time -------------------------------------------------- */

gint64
_aether_day_start (GTimeZone *tz,
                   gint64     unix_s)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_s);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);

  return g_date_time_to_unix (midnight);
}

gint64
_aether_bucket_in (GTimeZone  *tz,
                   AetherTier  tier,
                   gint64      unix_s)
{
  gint64 w = aether_tier_get_width_s (tier);

  if (tier == AETHER_TIER_1D)
    return _aether_day_start (tz, unix_s);

  return unix_s - (((unix_s % w) + w) % w);
}

gint64
_aether_bucket_of (AetherStore *self,
                   AetherTier   tier,
                   gint64       unix_s)
{
  return _aether_bucket_in (_aether_store_get_time_zone (self), tier, unix_s);
}
