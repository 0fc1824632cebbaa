/* aether-service-backfill.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* History backfilled while the service runs (the demo home's year): on the
 * writer thread, so it is ordered with live readings and maintenance, priced
 * with a tariff of its own built from the stored versions; when it is done,
 * today's backfilled minutes join the hot tier, which was read back before
 * they existed. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include "aether-error.h"
#include "aether-rates.h"
#include "aether-service-private.h"

typedef struct
{
  AetherBackfill      *backfill;
  AetherBackfillStats  stats;
} BackfillData;

static void
backfill_data_free (gpointer data)
{
  BackfillData *bd = data;

  aether_backfill_free (bd->backfill);
  g_free (bd);
}

static void
on_backfilled (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AetherService *self = g_task_get_source_object (task);
  BackfillData *bd = g_task_get_task_data (task);
  GError *error = NULL;
  const AetherBackfillMinute *today;
  guint n = 0;

  if (!aether_store_writer_backfill_finish (AETHER_STORE_WRITER (object), result, &bd->stats, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  today = aether_backfill_get_today (bd->backfill, &n);
  for (guint i = 0; i < n; i++)
    aether_hot_tier_add_stored_minute (aether_service_get_hot_tier (self),
                                       aether_backfill_get_device_id (bd->backfill, today[i].series),
                                       today[i].minute_s * G_USEC_PER_SEC, today[i].energy_wh, today[i].cost);
  g_task_return_boolean (task, TRUE);
}

/**
 * aether_service_backfill_async:
 * @self: a service
 * @backfill: (transfer full): what the devices read
 * @days: how many days back from now
 * @progress: (nullable): told after each day (0 to 1), on this main context
 * @progress_data: its data
 * @progress_data_free: (nullable): frees it
 * @cancellable: (nullable): stops it between days
 * @callback: called when done
 * @user_data: its data
 *
 * Writes the devices' history into the store on the writer thread (see
 * aether_store_backfill()), while collection goes on.
 */
void
aether_service_backfill_async (AetherService         *self,
                               AetherBackfill        *backfill,
                               guint                  days,
                               AetherBackfillProgress progress,
                               gpointer               progress_data,
                               GDestroyNotify         progress_data_free,
                               GCancellable          *cancellable,
                               GAsyncReadyCallback    callback,
                               gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  BackfillData *bd;
  guint n_versions = 0;

  g_return_if_fail (AETHER_IS_SERVICE (self));
  g_return_if_fail (backfill != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_service_backfill_async);
  bd = g_new0 (BackfillData, 1);
  bd->backfill = backfill;
  g_task_set_task_data (task, bd, backfill_data_free);

  /* The thread's own tariff: pricers cache lookups. */
  tariff = aether_rates_load_tariff (aether_service_get_store (self), &n_versions, NULL);
  aether_store_writer_backfill_async (_aether_service_get_writer (self), aether_service_get_store (self),
                                      backfill, days, tariff && n_versions > 0 ? AETHER_PRICER (tariff) : NULL,
                                      progress, progress_data, progress_data_free, cancellable,
                                      on_backfilled, g_object_ref (task));
}

gboolean
aether_service_backfill_finish (AetherService        *self,
                                GAsyncResult         *result,
                                AetherBackfillStats  *stats,
                                GError              **error)
{
  BackfillData *bd;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  bd = g_task_get_task_data (G_TASK (result));
  if (stats != NULL)
    *stats = bd->stats;
  return g_task_propagate_boolean (G_TASK (result), error);
}
