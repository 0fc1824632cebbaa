/* aether-service-tariff.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The tariff in force in the running service: built from the stored
 * versions (one for the main loop, one for the writer thread's
 * maintenance), re-pricing after a change on a worker thread with
 * `reprice-progress`, the rate period the hot tier and alerts show, the
 * currency, and the cost projection cost alerts and the Dashboard use. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <math.h>

#include "aether-rates.h"
#include "aether-service-private.h"

/**
 * aether_service_get_currency:
 * @self: a service
 *
 * Returns: (nullable): the currency of the rate schedule in force now, as
 *   an ISO 4217 code; without one, the person's (Preferences), or %NULL
 */
const char *
aether_service_get_currency (AetherService *self)
{
  AetherRateSchedule *schedule;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);

  schedule = self->tariff ? aether_tariff_schedule_at (self->tariff, aether_clock_now_s (self->clock)) : NULL;
  if (schedule != NULL)
    return aether_rate_schedule_get_currency (schedule);
  /* No tariff: the person's currency (the system's unless they chose). */
  return aether_user_get_currency (_aether_service_peek_user (self));
}

/**
 * aether_service_get_reprice_progress:
 * @self: a service
 *
 * Returns: how much of the re-pricing after a tariff change is done, 0 to
 *   1; 1 when nothing waits
 */
double
aether_service_get_reprice_progress (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), 1.0);

  return self->reprice_progress;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static GWeakRef *
weak_ref_new (AetherService *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

static void
on_reprice_progress (double   fraction,
                     gpointer user_data)
{
  g_autoptr(AetherService) self = g_weak_ref_get (user_data);

  /* A cancelled run's last slices say nothing of the run that follows. */
  if (self != NULL && self->reprice_cancellable != NULL && !g_cancellable_is_cancelled (self->reprice_cancellable))
    _aether_service_set_reprice_progress (self, fraction);
}

static void
on_reprice_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(AetherService) self = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;
  gboolean ok = aether_store_reprice_jobs_finish (AETHER_STORE (object), result, NULL, &error);

  weak_ref_free (user_data);
  if (self == NULL)
    return;

  g_clear_object (&self->reprice_cancellable);
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Re-pricing failed (it will be tried again): %s", error->message);

  if (self->reprice_again)
    {
      self->reprice_again = FALSE;
      _aether_service_start_repricing (self, FALSE);
    }
  else if (ok)
    _aether_service_set_reprice_progress (self, 1.0);
}

/* Re-pricing runs on a worker thread with its own connection, newest day
 * first, so the window never waits and today's costs change first. The
 * worker prices with a tariff of its own: pricers keep lookup caches and
 * are not shared between threads. @restart: a run going on was started
 * with an older tariff, so it starts over. */
void
_aether_service_start_repricing (AetherService *self,
                                 gboolean       restart)
{
  g_autoptr(AetherTariff) tariff = NULL;
  guint n = 0;

  if (self->reprice_cancellable != NULL)
    {
      if (restart)
        {
          self->reprice_again = TRUE;
          g_cancellable_cancel (self->reprice_cancellable);
        }
      return;
    }

  if (self->tariff == NULL || aether_store_get_n_reprice_jobs (self->store) == 0 ||
      !(tariff = aether_rates_load_tariff (self->store, &n, NULL)) || n == 0)
    return;

  _aether_service_set_reprice_progress (self, 0.0);
  self->reprice_cancellable = g_cancellable_new ();
  aether_store_reprice_jobs_async (self->store, AETHER_PRICER (tariff),
                                   on_reprice_progress, weak_ref_new (self), weak_ref_free,
                                   self->reprice_cancellable, on_reprice_done, weak_ref_new (self));
}

/**
 * aether_service_reload_tariff:
 * @self: a service
 * @error: a location for a #GError
 *
 * Builds the tariff from the stored rate schedule versions and prices new
 * readings with it. A version that does not validate is skipped and
 * reported.
 *
 * Returns: how many versions are in force
 */
guint
aether_service_reload_tariff (AetherService  *self,
                              GError        **error)
{
  g_autoptr(AetherTariff) tariff = NULL;
  guint n = 0;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), 0);

  if (!(tariff = aether_rates_load_tariff (self->store, &n, error)))
    return 0;

  g_clear_object (&self->tariff);
  g_clear_object (&self->maintain_tariff);
  if (n > 0)
    {
      self->tariff = g_object_ref (tariff);
      /* Maintenance prices on the writer thread, with a tariff of its own:
       * pricers keep lookup caches and are not shared between threads. */
      self->maintain_tariff = aether_rates_load_tariff (self->store, NULL, NULL);
    }
  aether_store_set_pricer (self->store, n > 0 ? AETHER_PRICER (tariff) : NULL);
  aether_hot_tier_set_pricer (self->hot, n > 0 ? AETHER_PRICER (tariff) : NULL);

  /* An edit queued a re-pricing job: start it now, today first, with the
   * new tariff (a run already going starts over with it). */
  _aether_service_start_repricing (self, TRUE);
  /* A version may name a feed, or no longer. */
  _aether_service_feeds_sync (self->feeds);

  return n;
}

static void
update_rate_period (AetherService *self)
{
  gint64 now = aether_clock_now_s (self->clock);
  AetherRateSchedule *schedule = self->tariff ? aether_tariff_schedule_at (self->tariff, now) : NULL;
  const AetherRatePeriod *period = schedule ? aether_rate_schedule_period_at (schedule, now) : NULL;
  double rate = period ? aether_rate_schedule_rate_at (schedule, period, now) : 0;

  aether_hot_tier_set_rate_period (self->hot, period ? period->name : NULL, isnan (rate) ? 0 : rate,
                                   schedule ? aether_rate_schedule_next_change (schedule, now) * G_USEC_PER_SEC : 0);
  aether_alert_engine_set_rate_period (self->alerts, period ? period->name : NULL);
}

/**
 * aether_service_project_cost:
 * @store: the store to read (the service's, or a reader on another thread)
 * @member_ids: (array zero-terminated=1): the home's members (AetherHome)
 * @now: the present, in the zone whose month is the cycle
 * @projection: (out caller-allocates): the cycle so far and its projection
 * @error: a location for a #GError
 *
 * The service's cost projection, written once: the stored cost of the
 * month so far, and the whole month at the same pace. Cost alerts and the
 * Dashboard use it. Touches only @store, so it may run on a thread.
 *
 * Returns: %TRUE unless the store could not be read
 */
gboolean
aether_service_project_cost (AetherStore           *store,
                             const char * const    *member_ids,
                             GDateTime             *now,
                             AetherCostProjection  *projection,
                             GError               **error)
{
  g_autoptr(GDateTime) month_start = NULL;
  g_autoptr(GDateTime) month_end = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  double month = 0, elapsed, length;

  g_return_val_if_fail (AETHER_IS_STORE (store), FALSE);
  g_return_val_if_fail (now != NULL && projection != NULL, FALSE);

  month_start = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (now),
                                 g_date_time_get_month (now), 1, 0, 0, 0);
  month_end = g_date_time_add_months (month_start, 1);
  if (!(totals = aether_store_energy_totals_for_devices (store, member_ids,
                                                         g_date_time_to_unix (month_start) * G_USEC_PER_SEC,
                                                         g_date_time_to_unix (now) * G_USEC_PER_SEC + g_date_time_get_microsecond (now), error)))
    return FALSE;
  for (guint i = 0; i < totals->len; i++)
    month += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->cost;

  elapsed = (double)(g_date_time_to_unix (now) - g_date_time_to_unix (month_start)) / 86400.0;
  length = g_date_get_days_in_month (g_date_time_get_month (now), g_date_time_get_year (now));
  projection->cycle_start_s = g_date_time_to_unix (month_start);
  projection->cycle_end_s = g_date_time_to_unix (month_end);
  projection->so_far = month;
  projection->projected = elapsed > 0.04 ? month * length / elapsed : month;
  return TRUE;
}

/* Today's cost from the hot tier (the whole-home meter if there is one,
 * else every device), and the bill of the cycle projected from the month
 * so far, for cost alerts. */
void
_aether_service_update_costs (AetherService *self)
{
  g_autoptr(GPtrArray) devices = aether_store_list_devices (self->store, NULL);
  g_autoptr(GDateTime) now = aether_clock_now_local (self->clock, NULL);
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(AetherHome) home = NULL;
  AetherCostProjection projection = { 0 };
  GPtrArray *members;
  double today = 0;

  if (self->tariff == NULL || devices == NULL)
    return;

  /* The home's cost by the home rule: its meters, else every device. */
  home = aether_home_new (devices);
  members = aether_home_get_members (home);
  ids = g_ptr_array_new ();
  for (guint i = 0; i < members->len; i++)
    {
      double cost = 0;

      if (aether_hot_tier_get_today (self->hot, g_ptr_array_index (members, i), NULL, &cost))
        today += cost;
      g_ptr_array_add (ids, g_ptr_array_index (members, i));
    }
  g_ptr_array_add (ids, NULL);

  aether_service_project_cost (self->store, (const char * const *)ids->pdata, now, &projection, NULL);
  aether_alert_engine_set_costs (self->alerts, today, projection.projected);
}

/**
 * aether_service_get_tariff:
 * @self: a service
 *
 * Returns: (transfer none) (nullable): the tariff its costs are priced
 *   with, or %NULL when no schedule is stored
 */
AetherTariff *
aether_service_get_tariff (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return self->tariff;
}

/* After the tariff was rebuilt: the period in force may differ. */
void
_aether_service_update_rate_period (AetherService *self)
{
  g_return_if_fail (AETHER_IS_SERVICE (self));

  update_rate_period (self);
}
