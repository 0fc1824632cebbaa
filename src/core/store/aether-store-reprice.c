/* aether-store-reprice.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Re-pricing: the energy tiers' costs computed again after a tariff edit,
 * at once (aether_store_reprice()) or as queued jobs (`reprice_jobs`) that
 * aether_store_run_reprice_jobs() or a worker thread with its own
 * connection (aether_store_reprice_jobs_async(), the service's, so the
 * window never waits) works through, reporting progress. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-home.h"
#include "model/aether-energy-rule.h"
#include "aether-store-private.h"

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
                                                 tier == AETHER_TIER_1D ? ", hour_profile" : "", _aether_energy_tables[tier]);
      g_autofree char *update = g_strdup_printf ("UPDATE %s SET cost = ?3, co2_kg = ?4 WHERE device_id = ?1 AND bucket = ?2",
                                                 _aether_energy_tables[tier]);
      g_autofree char *newest = g_strdup_printf ("SELECT MAX(bucket) FROM %s WHERE device_id = ? AND bucket < ?",
                                                 _aether_energy_tables[tier]);

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

/* Prices one stored day from its hour-of-day profile: the rule both
 * re-pricing and the what-if of a schedule being edited use. The profile
 * is of the import; a day's export is credited at the sell rate of its
 * start (finer tiers price it minute by minute). @each, when given, is
 * told every priced hour and the export. */
static gboolean
price_day_profile (AetherPricer         *pricer,
                   const char           *device,
                   gint64                bucket,
                   gint64                width,
                   const char           *profile_json,
                   double                exported_wh,
                   double               *cost,
                   double               *co2,
                   AetherHourPricedFunc  each,
                   gpointer              each_data)
{
  g_autoptr(JsonNode) profile = profile_json ? json_from_string (profile_json, NULL) : NULL;
  JsonArray *hours = profile && JSON_NODE_HOLDS_ARRAY (profile) ? json_node_get_array (profile) : NULL;
  gboolean priced = TRUE;

  *cost = 0;
  *co2 = 0;
  for (guint h = 0; hours != NULL && h < json_array_get_length (hours) && priced; h++)
    {
      AetherPrice price;
      double kwh = json_array_get_double_element (hours, h) / 1000.0;

      priced = aether_pricer_price_energy (pricer, device, bucket + h * 3600, bucket + (h + 1) * 3600, kwh, &price, NULL);
      if (priced && each != NULL)
        each (device, bucket + h * 3600, kwh, &price, each_data);
      *cost += price.cost;
      *co2 += price.co2_kg;
    }
  if (priced && exported_wh > 0)
    {
      AetherPrice price;

      priced = aether_pricer_price_energy (pricer, device, bucket, bucket + width, -exported_wh / 1000.0, &price, NULL);
      if (priced && each != NULL)
        each (device, bucket, -exported_wh / 1000.0, &price, each_data);
      *cost += price.cost;
      *co2 += price.co2_kg;
    }
  return priced;
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
          sqlite3_bind_int64 (stmt, 2, _aether_bucket_in (r->tz, tier, from_s));
          sqlite3_bind_int64 (stmt, 3, to_s);
          while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
            {
              gint64 bucket = sqlite3_column_int64 (stmt, 0);
              double cost = 0, co2 = 0;
              gboolean priced = TRUE;

              if (tier == AETHER_TIER_1D)
                priced = price_day_profile (r->pricer, device, bucket, width, (const char *)sqlite3_column_text (stmt, 2),
                                            sqlite3_column_double (stmt, 3), &cost, &co2, NULL, NULL);
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
  if (newest == G_MININT64 || newest < _aether_bucket_in (r->tz, AETHER_TIER_1D, next))
    slice_from = next;
  else
    {
      slice_from = MAX (next, _aether_day_start (r->tz, newest));
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
      _aether_store_report_progress (task, t->context, t->progress, t->progress_data,
                                     total_s > 0 ? CLAMP (1.0 - (double)left_s / (double)total_s, 0.0, 1.0) : 0.0);
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

/**
 * aether_store_price_hour_profiles:
 * @self: a store; on a worker thread, its own aether_store_open_reader()
 * @pricer: the tariff to price with (a schedule being edited, say)
 * @device_ids: (element-type utf8): the devices to price (the home rule's
 *   members, so a meter and the plugs behind it are not counted twice)
 * @from_s: the first local day to price (days starting before it are left out)
 * @to_s: the end of the range (days starting at or after it are left out)
 * @each: called for each priced hour and each day's export
 * @each_data: data for @each
 * @error: a location for a #GError
 *
 * Prices the stored days of the range from their hour-of-day profiles
 * exactly as re-pricing does, without writing anything: what the range
 * would have cost under @pricer. Hours @pricer has no schedule for are
 * left out (and not reported).
 *
 * Returns: %TRUE unless the store could not be read
 */
gboolean
aether_store_price_hour_profiles (AetherStore           *self,
                                  AetherPricer          *pricer,
                                  GPtrArray             *device_ids,
                                  gint64                 from_s,
                                  gint64                 to_s,
                                  AetherHourPricedFunc   each,
                                  gpointer               each_data,
                                  GError               **error)
{
  g_autofree char *sql = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (AETHER_IS_PRICER (pricer), FALSE);
  g_return_val_if_fail (device_ids != NULL, FALSE);
  g_return_val_if_fail (each != NULL, FALSE);

  db = _aether_store_get_db (self);
  sql = g_strdup_printf ("SELECT bucket, hour_profile, exported_wh FROM %s"
                         " WHERE device_id = ? AND bucket >= ? AND bucket < ? ORDER BY bucket",
                         _aether_energy_tables[AETHER_TIER_1D]);
  if ((rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the stored days", error);

  for (guint d = 0; d < device_ids->len; d++)
    {
      const char *device = g_ptr_array_index (device_ids, d);

      sqlite3_bind_text (stmt, 1, device, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 2, from_s);
      sqlite3_bind_int64 (stmt, 3, to_s);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          double cost, co2;

          price_day_profile (pricer, device, sqlite3_column_int64 (stmt, 0), aether_tier_get_width_s (AETHER_TIER_1D),
                             (const char *)sqlite3_column_text (stmt, 1), sqlite3_column_double (stmt, 2),
                             &cost, &co2, each, each_data);
        }
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        break;
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read the stored days", error);
  return TRUE;
}
