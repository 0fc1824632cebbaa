/* aether-store-backfill.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* History written straight into the tiers, as maintenance and retention
 * would have left it had the readings come in live: the demo home's year.
 *
 * A source answers what each series (a device's power) read at a given
 * second. The backfill samples it every 10 s where the 1-minute or
 * 5-minute tiers keep the time (the demo's polling interval) and once a
 * minute, at its middle, where only hours and days are kept, and writes for
 * each tier exactly the buckets retention keeps: the same cut-offs as
 * apply_retention() in aether-store-rollup.c (on the next tier's bucket
 * edges, never above its watermark), complete buckets only, below the
 * watermarks it leaves. Energy is each minute's mean power times the
 * minute, priced per minute through the pricer as maintenance prices it;
 * the daily tier gets its hour profile as roll-up writes it.
 *
 * The backfill ends at the minute of the first reading already stored for
 * its series (live collection may have started), else at the present
 * minute. The watermarks it sets make maintenance go on from there: the
 * 1-minute one at that minute (when there is none), each coarser one at
 * the edge of its bucket that holds it, so the buckets that straddle the
 * join are rolled from the finer tiers, backfilled and live minutes alike,
 * and nothing is counted twice. A local day per transaction, oldest first;
 * the watermarks in the last. Devices that already have hourly or daily
 * energy older than a day are left alone (stats->skipped). */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-store-backfill.h"
#include "aether-store-private.h"

#define FINE_STEP_S 10

struct _AetherBackfill
{
  GStrv                    device_ids;
  guint                    n_series;
  AetherBackfillSampleFunc sample;
  gpointer                 sample_data;
  GDestroyNotify           sample_data_free;
  GArray                  *today;   /* AetherBackfillMinute */
};

/**
 * aether_backfill_new:
 * @device_ids: (array zero-terminated=1): the devices, each a `power`
 *   series in W
 * @sample: what they read at a second
 * @sample_data: its data
 * @sample_data_free: (nullable): frees @sample_data
 *
 * Returns: (transfer full): a backfill source
 */
AetherBackfill *
aether_backfill_new (const char * const       *device_ids,
                     AetherBackfillSampleFunc  sample,
                     gpointer                  sample_data,
                     GDestroyNotify            sample_data_free)
{
  AetherBackfill *self;

  g_return_val_if_fail (device_ids != NULL && device_ids[0] != NULL, NULL);
  g_return_val_if_fail (sample != NULL, NULL);

  self = g_new0 (AetherBackfill, 1);
  self->device_ids = g_strdupv ((char **)device_ids);
  self->n_series = g_strv_length (self->device_ids);
  self->sample = sample;
  self->sample_data = sample_data;
  self->sample_data_free = sample_data_free;
  self->today = g_array_new (FALSE, FALSE, sizeof (AetherBackfillMinute));
  return self;
}

void
aether_backfill_free (AetherBackfill *self)
{
  if (self == NULL)
    return;
  if (self->sample_data_free)
    self->sample_data_free (self->sample_data);
  g_strfreev (self->device_ids);
  g_array_unref (self->today);
  g_free (self);
}

guint
aether_backfill_get_n_series (AetherBackfill *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_series;
}

const char *
aether_backfill_get_device_id (AetherBackfill *self,
                               guint           series)
{
  g_return_val_if_fail (self != NULL && series < self->n_series, NULL);

  return self->device_ids[series];
}

/**
 * aether_backfill_get_today:
 * @self: a backfill that ran
 * @n_minutes: (out): how many
 *
 * Returns: (array length=n_minutes): the minutes of today it wrote, each
 *   device's, for the hot tier (whose today was read before they existed)
 */
const AetherBackfillMinute *
aether_backfill_get_today (AetherBackfill *self,
                           guint          *n_minutes)
{
  g_return_val_if_fail (self != NULL, NULL);

  *n_minutes = self->today->len;
  return (const AetherBackfillMinute *)(gpointer)self->today->data;
}

/* ---- The run, on any connection ----------------------------------------- */

typedef struct
{
  sqlite3                *db;
  GTimeZone              *tz;
  const AetherRetention  *retention;
  AetherPricer           *pricer;        /* nullable; this thread's */
  const gint             *stop;          /* nullable */
  GCancellable           *cancellable;   /* nullable */
  AetherBackfillProgress  progress;
  gpointer                progress_data;
} RunCtx;

/* An energy bucket in memory. */
typedef struct
{
  gint64   start;
  gboolean open;
  double   wh;
  double   exported_wh;
  double   cost;
  double   co2;
  gboolean priced;
  double   profile[24];
} EAcc;

typedef struct
{
  gint64  series_id;
  Acc     acc[AETHER_N_TIERS];
  EAcc    energy[AETHER_N_TIERS];
} SeriesState;

typedef struct
{
  RunCtx       *ctx;
  sqlite3_stmt *rollup[AETHER_N_TIERS];
  sqlite3_stmt *energy[AETHER_N_TIERS];
  GByteArray   *blob;
  guint64       rows;
} Writer;

static gboolean
write_acc (Writer     *w,
           AetherTier  tier,
           gint64      series_id,
           Acc        *acc,
           GError    **error)
{
  sqlite3_stmt *stmt = w->rollup[tier];
  int rc;

  sqlite3_bind_int64 (stmt, 1, series_id);
  sqlite3_bind_int64 (stmt, 2, acc->start);
  sqlite3_bind_int64 (stmt, 3, (sqlite3_int64)acc->count);
  sqlite3_bind_double (stmt, 4, acc->sum);
  sqlite3_bind_double (stmt, 5, acc->min);
  sqlite3_bind_double (stmt, 6, acc->max);
  sqlite3_bind_double (stmt, 7, acc->first);
  sqlite3_bind_double (stmt, 8, acc->last);
  g_byte_array_set_size (w->blob, 0);
  aether_sketch_serialize_into (acc->sketch, w->blob);
  sqlite3_bind_blob (stmt, 9, w->blob->data, (int)w->blob->len, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (w->ctx->db, rc, "Could not store backfilled history", error);
  w->rows++;
  return TRUE;
}

static gboolean
write_eacc (Writer      *w,
            AetherTier   tier,
            const char  *device_id,
            const EAcc  *e,
            GError     **error)
{
  sqlite3_stmt *stmt = w->energy[tier];
  int rc;

  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, e->start);
  sqlite3_bind_double (stmt, 3, e->wh);
  if (e->priced)
    {
      sqlite3_bind_double (stmt, 4, e->cost);
      sqlite3_bind_double (stmt, 5, e->co2);
    }
  else
    {
      sqlite3_bind_null (stmt, 4);
      sqlite3_bind_null (stmt, 5);
    }
  sqlite3_bind_double (stmt, 6, e->exported_wh);
  if (tier == AETHER_TIER_1D)
    {
      /* As roll-up writes it (roll_up_tier()). */
      GString *text = g_string_new ("[");

      for (guint h = 0; h < 24; h++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_printf (text, "%s%s", h ? "," : "", g_ascii_formatd (buf, sizeof buf, "%.6g", e->profile[h]));
        }
      g_string_append_c (text, ']');
      sqlite3_bind_text (stmt, 7, text->str, -1, SQLITE_TRANSIENT);
      g_string_free (text, TRUE);
    }
  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (w->ctx->db, rc, "Could not store backfilled energy", error);
  w->rows++;
  return TRUE;
}

static gboolean
prepare_writer (Writer  *w,
                GError **error)
{
  for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
    {
      g_autofree char *rollup = g_strdup_printf ("INSERT OR REPLACE INTO %s (series_id, bucket, count, sum, min, max,"
                                                 " first, last, sketch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                                 _aether_rollup_tables[t]);
      g_autofree char *energy = g_strdup_printf ("INSERT OR REPLACE INTO %s (device_id, bucket, energy_wh, cost, co2_kg,"
                                                 " exported_wh%s) VALUES (?, ?, ?, ?, ?, ?%s)",
                                                 _aether_energy_tables[t],
                                                 t == AETHER_TIER_1D ? ", hour_profile" : "",
                                                 t == AETHER_TIER_1D ? ", ?" : "");
      int rc = sqlite3_prepare_v3 (w->ctx->db, rollup, -1, SQLITE_PREPARE_PERSISTENT, &w->rollup[t], NULL);

      if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3 (w->ctx->db, energy, -1, SQLITE_PREPARE_PERSISTENT, &w->energy[t], NULL);
      if (rc != SQLITE_OK)
        return _aether_sqlite_fail (w->ctx->db, rc, "Could not prepare the backfill", error);
    }
  return TRUE;
}

static void
clear_writer (Writer *w)
{
  for (guint t = 0; t < AETHER_N_TIERS; t++)
    {
      g_clear_pointer (&w->rollup[t], sqlite3_finalize);
      g_clear_pointer (&w->energy[t], sqlite3_finalize);
    }
  g_clear_pointer (&w->blob, g_byte_array_unref);
}

/* The first raw sample of @ids (raw samples are kept an hour: a short
 * scan), in seconds, or G_MAXINT64. */
static gint64
first_stored_sample_s (sqlite3 *db,
                       GArray  *ids)
{
  sqlite3_stmt *stmt = NULL;
  gint64 first = G_MAXINT64;

  if (sqlite3_prepare_v2 (db, "SELECT MIN(ts) FROM samples WHERE series_id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return first;
  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_bind_int64 (stmt, 1, g_array_index (ids, gint64, i));
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        first = MIN (first, sqlite3_column_int64 (stmt, 0) / 1000);
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  return first;
}

static gboolean
has_history_before (sqlite3    *db,
                    const char *device_id,
                    gint64      before_s)
{
  static const char * const sql[] = {
    "SELECT 1 FROM energy_1h WHERE device_id = ? AND bucket < ? LIMIT 1",
    "SELECT 1 FROM energy_1d WHERE device_id = ? AND bucket < ? LIMIT 1",
  };
  gboolean found = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (sql) && !found; i++)
    {
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (db, sql[i], -1, &stmt, NULL) == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
          sqlite3_bind_int64 (stmt, 2, before_s);
          found = sqlite3_step (stmt) == SQLITE_ROW;
        }
      sqlite3_finalize (stmt);
    }
  return found;
}

static gboolean
should_stop (RunCtx *ctx)
{
  return (ctx->stop != NULL && g_atomic_int_get (ctx->stop)) ||
         g_cancellable_is_cancelled (ctx->cancellable);
}

static gint64
next_day_start (GTimeZone *tz,
                gint64     day_start)
{
  /* Days are 23 to 25 hours long. */
  return _aether_day_start (tz, day_start + 26 * 3600);
}

static gboolean
flush_series (Writer         *w,
              AetherBackfill *bf,
              SeriesState    *states,
              const gint64   *wm,
              const gint64   *sample_cut,
              const gint64   *energy_cut,
              gboolean        all,
              gint64          minute,
              GError        **error)
{
  for (guint i = 0; i < bf->n_series; i++)
    for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
      {
        SeriesState *s = &states[i];
        gint64 bucket = all ? G_MAXINT64 : _aether_bucket_in (w->ctx->tz, t, minute);
        Acc *acc = &s->acc[t];
        EAcc *e = &s->energy[t];

        if (acc->count > 0 && acc->start != bucket)
          {
            if (acc->start >= sample_cut[t] && acc->start < wm[t] &&
                !write_acc (w, t, s->series_id, acc, error))
              return FALSE;
            _aether_acc_clear (acc);
            memset (acc, 0, sizeof *acc);
          }
        if (e->open && e->start != bucket)
          {
            if (e->start >= energy_cut[t] && e->start < wm[t] &&
                !write_eacc (w, t, bf->device_ids[i], e, error))
              return FALSE;
            memset (e, 0, sizeof *e);
          }
      }
  return TRUE;
}

static gboolean
backfill_run (RunCtx              *ctx,
              AetherBackfill      *bf,
              guint                days,
              gint64               now_s,
              AetherBackfillStats *stats,
              GError             **error)
{
  const AetherRetention *r = ctx->retention;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree SeriesState *states = NULL;
  g_autofree double *values = NULL;
  g_autofree double *minute_sum = NULL;
  g_autofree double *minute_neg = NULL;
  Writer w = { ctx, { NULL }, { NULL }, g_byte_array_sized_new (256), 0 };
  gint64 wm[AETHER_N_TIERS] = { 0 };
  gint64 sample_cut[AETHER_N_TIERS] = { 0 };
  gint64 energy_cut[AETHER_N_TIERS] = { 0 };
  gint64 end, start, day, today;
  gint64 existing;
  gboolean ok = FALSE;

  memset (stats, 0, sizeof *stats);

  /* The series, and where live readings already begin. */
  if (!_aether_sqlite_exec (ctx->db, "BEGIN IMMEDIATE;", error))
    goto out;
  for (guint i = 0; i < bf->n_series; i++)
    {
      gint64 id = _aether_store_ensure_series (ctx->db, NULL, bf->device_ids[i], "power", "W", error);

      if (id < 0)
        {
          _aether_sqlite_exec (ctx->db, "ROLLBACK;", NULL);
          goto out;
        }
      g_array_append_val (ids, id);
    }
  end = _aether_bucket_in (ctx->tz, AETHER_TIER_1M, MIN (now_s, first_stored_sample_s (ctx->db, ids)));
  for (guint i = 0; i < bf->n_series; i++)
    if (has_history_before (ctx->db, bf->device_ids[i], end - 86400))
      {
        stats->skipped = TRUE;
        ok = _aether_sqlite_exec (ctx->db, "COMMIT;", error);
        goto out;
      }
  if (!_aether_sqlite_exec (ctx->db, "COMMIT;", error))
    goto out;

  start = _aether_day_start (ctx->tz, end - (gint64)days * 86400);
  today = _aether_day_start (ctx->tz, now_s);
  g_array_set_size (bf->today, 0);
  stats->from_s = start;
  stats->to_s = end;
  if (days == 0 || start >= end)
    {
      ok = TRUE;
      goto out;
    }

  /* The watermarks left, and what retention keeps below them. */
  wm[AETHER_TIER_RAW] = end;
  wm[AETHER_TIER_1M] = end;
  for (guint t = AETHER_TIER_5M; t < AETHER_N_TIERS; t++)
    wm[t] = _aether_bucket_in (ctx->tz, t, wm[t - 1]);
  for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
    {
      sample_cut[t] = energy_cut[t] = G_MININT64;
      if (r->samples_s[t] > 0)
        sample_cut[t] = t + 1 < AETHER_N_TIERS
          ? MIN (_aether_bucket_in (ctx->tz, t + 1, now_s - r->samples_s[t]), wm[t + 1])
          : now_s - r->samples_s[t];
      if (r->energy_s[t] > 0)
        energy_cut[t] = t + 1 < AETHER_N_TIERS
          ? MIN (_aether_bucket_in (ctx->tz, t + 1, now_s - r->energy_s[t]), wm[t + 1])
          : now_s - r->energy_s[t];
    }

  if (!prepare_writer (&w, error))
    goto out;

  states = g_new0 (SeriesState, bf->n_series);
  for (guint i = 0; i < bf->n_series; i++)
    states[i].series_id = g_array_index (ids, gint64, i);
  values = g_new0 (double, bf->n_series);
  minute_sum = g_new0 (double, bf->n_series);
  minute_neg = g_new0 (double, bf->n_series);

  for (day = start; day < end; day = next_day_start (ctx->tz, day))
    {
      gint64 day_end = MIN (next_day_start (ctx->tz, day), end);

      if (should_stop (ctx))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The backfill was stopped");
          goto out;
        }
      if (!_aether_sqlite_exec (ctx->db, "BEGIN IMMEDIATE;", error))
        goto out;

      for (gint64 minute = day; minute < day_end; minute += 60)
        {
          gboolean fine_tiers[AETHER_N_TIERS] = { FALSE };
          gboolean any_fine = FALSE;
          guint n_samples;
          gint64 step;
          AetherPrice unit = { 0 }, sell = { 0 };
          gboolean priced = FALSE, sell_priced = FALSE;

          if (!flush_series (&w, bf, states, wm, sample_cut, energy_cut, FALSE, minute, error))
            goto fail;

          /* Which tiers keep this minute's samples (a bucket is written
           * whole or not at all: its start decides). */
          for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
            {
              gint64 bucket = _aether_bucket_in (ctx->tz, t, minute);

              fine_tiers[t] = bucket >= sample_cut[t] && bucket < wm[t];
              if (fine_tiers[t] && t <= AETHER_TIER_5M)
                any_fine = TRUE;
            }
          n_samples = any_fine ? 60 / FINE_STEP_S : 1;
          step = 60 / n_samples;

          memset (minute_sum, 0, sizeof (double) * bf->n_series);
          memset (minute_neg, 0, sizeof (double) * bf->n_series);
          for (guint k = 0; k < n_samples; k++)
            {
              gint64 ts = n_samples == 1 ? minute + 30 : minute + (gint64)k * step;

              bf->sample (ts, values, bf->sample_data);
              for (guint i = 0; i < bf->n_series; i++)
                {
                  double v = isfinite (values[i]) ? values[i] : 0.0;

                  for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
                    if (fine_tiers[t])
                      {
                        Acc *acc = &states[i].acc[t];

                        if (acc->count == 0)
                          acc->start = _aether_bucket_in (ctx->tz, t, minute);
                        _aether_acc_add_value (acc, v);
                      }
                  if (v >= 0)
                    minute_sum[i] += v;
                  else
                    minute_neg[i] -= v;
                }
            }

          /* The minute's energy, priced as maintenance prices a minute:
           * the tier's price is linear in energy, so one price a minute
           * serves every device. */
          for (guint i = 0; i < bf->n_series; i++)
            {
              double wh = minute_sum[i] * step / 3600.0;
              double exported_wh = minute_neg[i] * step / 3600.0;
              double cost = 0, co2 = 0;

              if (ctx->pricer != NULL && !priced)
                {
                  g_autoptr(GError) local_error = NULL;

                  priced = aether_pricer_price_energy (ctx->pricer, bf->device_ids[i], minute, minute + 60, 1.0,
                                                       &unit, &local_error);
                  if (!priced)
                    g_debug ("No price at %" G_GINT64_FORMAT ": %s", minute, local_error->message);
                }
              if (priced)
                {
                  cost = unit.cost * wh / 1000.0;
                  co2 = unit.co2_kg * wh / 1000.0;
                  if (exported_wh > 0)
                    {
                      if (!sell_priced)
                        sell_priced = aether_pricer_price_energy (ctx->pricer, bf->device_ids[i], minute, minute + 60,
                                                                  -1.0, &sell, NULL);
                      if (sell_priced)
                        {
                          cost += sell.cost * exported_wh / 1000.0;
                          co2 += sell.co2_kg * exported_wh / 1000.0;
                        }
                    }
                }

              if (minute >= today)
                {
                  AetherBackfillMinute m = { i, minute, wh, cost };

                  g_array_append_val (bf->today, m);
                }

              for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
                {
                  EAcc *e = &states[i].energy[t];

                  if (!e->open)
                    {
                      e->open = TRUE;
                      e->start = _aether_bucket_in (ctx->tz, t, minute);
                    }
                  e->wh += wh;
                  e->exported_wh += exported_wh;
                  if (priced)
                    {
                      e->priced = TRUE;
                      e->cost += cost;
                      e->co2 += co2;
                    }
                  if (t == AETHER_TIER_1D)
                    {
                      /* Roll-up's rule: the hour bucket's start from the day's. */
                      gint64 hour_start = _aether_bucket_in (ctx->tz, AETHER_TIER_1H, minute);
                      guint hour = (guint)(((hour_start - e->start) / 3600) % 24);

                      e->profile[MIN (hour, 23)] += wh;
                    }
                }
            }
        }

      if (!_aether_sqlite_exec (ctx->db, "COMMIT;", error))
        goto fail;
      stats->days++;
      if (ctx->progress)
        ctx->progress ((double)(day_end - start) / (double)(end - start), ctx->progress_data);
      continue;

    fail:
      _aether_sqlite_exec (ctx->db, "ROLLBACK;", NULL);
      goto out;
    }

  /* The buckets still open end at the watermarks (complete ones were
   * written as they closed); then the watermarks. */
  if (!_aether_sqlite_exec (ctx->db, "BEGIN IMMEDIATE;", error))
    goto out;
  if (!flush_series (&w, bf, states, wm, sample_cut, energy_cut, TRUE, 0, error))
    {
      _aether_sqlite_exec (ctx->db, "ROLLBACK;", NULL);
      goto out;
    }
  for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
    {
      gint64 value = wm[t];

      /* A 1-minute watermark already there stays: re-rolling from it
       * rewrites only minutes with raw samples, none backfilled. A
       * coarser one moves back to the bucket that holds the join. */
      if (_aether_get_watermark (ctx->db, t, &existing))
        value = t == AETHER_TIER_1M ? existing : MIN (existing, wm[t]);
      if (!_aether_set_watermark (ctx->db, t, value, error))
        {
          _aether_sqlite_exec (ctx->db, "ROLLBACK;", NULL);
          goto out;
        }
    }
  if (!_aether_sqlite_exec (ctx->db, "COMMIT;", error))
    goto out;

  ok = TRUE;

out:
  stats->rows = w.rows;
  if (states != NULL)
    for (guint i = 0; i < bf->n_series; i++)
      for (guint t = 0; t < AETHER_N_TIERS; t++)
        _aether_acc_clear (&states[i].acc[t]);
  clear_writer (&w);
  return ok;
}

/**
 * aether_store_backfill:
 * @store: a store
 * @backfill: what the series read
 * @days: how many days back from now (the store's clock)
 * @progress: (nullable) (scope call): told after each day, on this thread
 * @progress_data: its data
 * @stats: (out caller-allocates) (optional): what was written
 * @error: a location for a #GError
 *
 * Writes the history of @backfill's series into the tiers on the store's
 * connection, priced with the store's pricer (`aetherlens-cli demo`).
 *
 * Returns: %TRUE on success (also when the devices already had history)
 */
gboolean
aether_store_backfill (AetherStore            *store,
                       AetherBackfill         *backfill,
                       guint                   days,
                       AetherBackfillProgress  progress,
                       gpointer                progress_data,
                       AetherBackfillStats    *stats,
                       GError                **error)
{
  AetherBackfillStats local_stats;
  RunCtx ctx = { 0 };

  g_return_val_if_fail (AETHER_IS_STORE (store), FALSE);
  g_return_val_if_fail (backfill != NULL, FALSE);

  ctx.db = _aether_store_get_db (store);
  ctx.tz = _aether_store_get_time_zone (store);
  ctx.retention = _aether_store_get_retention (store);
  ctx.pricer = _aether_store_get_pricer (store);
  ctx.progress = progress;
  ctx.progress_data = progress_data;

  return backfill_run (&ctx, backfill, days,
                       aether_clock_now_us (aether_store_get_clock (store)) / G_USEC_PER_SEC,
                       stats ? stats : &local_stats, error);
}

/* ---- On the writer thread ----------------------------------------------- */

typedef struct
{
  AetherBackfill         *backfill;    /* borrowed: the caller keeps it until finish */
  guint                   days;
  gint64                  now_s;
  AetherRetention         retention;
  AetherPricer           *pricer;
  AetherBackfillProgress  progress;
  gpointer                progress_data;
  GDestroyNotify          progress_data_free;
  GMainContext           *context;
  AetherBackfillStats     stats;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->pricer);
  if (job->progress_data_free)
    job->progress_data_free (job->progress_data);
  g_main_context_unref (job->context);
  g_free (job);
}

static void
on_thread_progress (double   fraction,
                    gpointer user_data)
{
  GTask *task = user_data;
  Job *job = g_task_get_task_data (task);

  _aether_store_report_progress (task, job->context, job->progress, job->progress_data, fraction);
}

static void
run_on_writer (sqlite3      *db,
               GTimeZone    *tz,
               const gint   *stopping,
               gpointer      data)
{
  GTask *task = data;
  Job *job = g_task_get_task_data (task);
  GError *error = NULL;
  RunCtx ctx = {
    .db = db,
    .tz = tz,
    .retention = &job->retention,
    .pricer = job->pricer,
    .stop = stopping,
    .cancellable = g_task_get_cancellable (task),
    .progress = on_thread_progress,
    .progress_data = task,
  };

  if (db == NULL)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s", "The store was closed first");
  else if (backfill_run (&ctx, job->backfill, job->days, job->now_s, &job->stats, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
  g_object_unref (task);
}

/**
 * aether_store_writer_backfill_async:
 * @writer: the writer thread
 * @store: the store whose retention and clock to use
 * @backfill: what the series read; kept until the callback
 * @days: how many days back
 * @pricer: (nullable) (transfer none): prices the energy; the thread keeps
 *   a reference and must be the only one using it
 * @progress: (nullable): told after each day, on the caller's main context
 * @progress_data: its data
 * @progress_data_free: (nullable): frees it
 * @cancellable: (nullable): stops it between days
 * @callback: called when done
 * @user_data: its data
 *
 * aether_store_backfill() on the writer thread, after the readings pushed
 * before it are committed; readings pushed meanwhile wait for it and are
 * committed after (they are newer than where the backfill ends).
 */
void
aether_store_writer_backfill_async (AetherStoreWriter      *writer,
                                    AetherStore            *store,
                                    AetherBackfill         *backfill,
                                    guint                   days,
                                    AetherPricer           *pricer,
                                    AetherBackfillProgress  progress,
                                    gpointer                progress_data,
                                    GDestroyNotify          progress_data_free,
                                    GCancellable           *cancellable,
                                    GAsyncReadyCallback     callback,
                                    gpointer                user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (AETHER_IS_STORE_WRITER (writer));
  g_return_if_fail (AETHER_IS_STORE (store));
  g_return_if_fail (backfill != NULL);

  task = g_task_new (writer, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_store_writer_backfill_async);
  job = g_new0 (Job, 1);
  job->backfill = backfill;
  job->days = days;
  job->now_s = aether_clock_now_us (aether_store_get_clock (store)) / G_USEC_PER_SEC;
  job->retention = *_aether_store_get_retention (store);
  job->pricer = pricer ? g_object_ref (pricer) : NULL;
  job->progress = progress;
  job->progress_data = progress_data;
  job->progress_data_free = progress_data_free;
  job->context = g_main_context_ref_thread_default ();
  g_task_set_task_data (task, job, job_free);

  _aether_store_writer_run_job (writer, run_on_writer, g_steal_pointer (&task));
}

gboolean
aether_store_writer_backfill_finish (AetherStoreWriter    *writer,
                                     GAsyncResult         *result,
                                     AetherBackfillStats  *stats,
                                     GError              **error)
{
  Job *job;

  g_return_val_if_fail (g_task_is_valid (result, writer), FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = job->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}
