/* aether-service-rates.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The service's write path for rate schedules: the only one the app uses.
 * Each write goes through aether-rates.c (one transaction, re-pricing
 * queued for the dates it changed), then the tariff in force is rebuilt
 * and `tariff-changed` tells every page that costs may have moved. The
 * queued re-pricing runs in housekeeping, a week a minute, so a schedule
 * edit never stalls collection. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include "aether-rates.h"
#include "aether-service-private.h"

void
_aether_service_tariff_changed (AetherService *self)
{
  g_autoptr(GError) error = NULL;

  /* The write is committed: a version that no longer loads is reported
   * by the reload and skipped, the others still price. */
  aether_service_reload_tariff (self, &error);
  if (error != NULL)
    g_warning ("Could not reload the tariff: %s", error->message);
  /* The Dashboard's rate in force changes the moment the edit is saved,
   * not at the next housekeeping. */
  _aether_service_update_rate_period (self);
  g_signal_emit_by_name (self, "tariff-changed");
}

static gint64
now_us (AetherService *self)
{
  return aether_clock_now_us (aether_store_get_clock (aether_service_get_store (self)));
}

/**
 * aether_service_add_rate_schedule:
 * @self: a service
 * @schedule: a rate schedule in the seed's model
 * @supersede: whether the version in force when it begins ends the day
 *   before (see aether_rates_add_schedule())
 * @error: a location for a #GError naming every problem
 *
 * Stores a new version (or puts a removed one back, for undo).
 *
 * Returns: (transfer full) (nullable): its id, or %NULL with @error set
 */
char *
aether_service_add_rate_schedule (AetherService  *self,
                                  JsonNode       *schedule,
                                  gboolean        supersede,
                                  GError        **error)
{
  char *id;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (schedule != NULL, NULL);

  if (!(id = aether_rates_add_schedule (aether_service_get_store (self), schedule, now_us (self), supersede, error)))
    return NULL;
  _aether_service_tariff_changed (self);
  return id;
}

/**
 * aether_service_update_rate_schedule:
 * @self: a service
 * @schedule: a stored version, corrected (same rate_id)
 * @error: a location for a #GError
 *
 * Stores a correction to one version; no other version changes.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_service_update_rate_schedule (AetherService  *self,
                                     JsonNode       *schedule,
                                     GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (schedule != NULL, FALSE);

  if (!aether_rates_update_schedule (aether_service_get_store (self), schedule, now_us (self), error))
    return FALSE;
  _aether_service_tariff_changed (self);
  return TRUE;
}

/**
 * aether_service_remove_rate_schedule:
 * @self: a service
 * @rate_id: the version to remove
 * @error: a location for a #GError
 *
 * Removes one version because a person asked to.
 *
 * Returns: (transfer full) (nullable): the version as stored; give it to
 *   aether_service_add_rate_schedule() (not superseding) to undo
 */
JsonNode *
aether_service_remove_rate_schedule (AetherService  *self,
                                     const char     *rate_id,
                                     GError        **error)
{
  JsonNode *removed;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (rate_id != NULL, NULL);

  if (!(removed = aether_rates_remove_schedule (aether_service_get_store (self), rate_id, now_us (self), error)))
    return NULL;
  _aether_service_tariff_changed (self);
  return removed;
}
