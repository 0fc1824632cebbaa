/* aether-service-alerts.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The service's write path for alert rules: the only one the app uses.
 * Each write goes through aether-alerts-registry.c (one transaction), then
 * the engine's rules are made the stored ones the way a change by another
 * process is (_aether_service_sync_rules(): a rule not changed keeps its
 * firing, pending and cooldown state) and `alerts-changed` is emitted
 * once. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include "aether-alerts-registry.h"
#include "aether-service-private.h"

/**
 * aether_service_add_alert:
 * @self: a service
 * @rule: the seed's Alert Configuration JSON
 * @error: a location for a #GError
 *
 * Stores a new rule (or puts a removed one back) and starts evaluating it.
 *
 * Returns: (transfer full) (nullable): its id, or %NULL with @error set
 */
char *
aether_service_add_alert (AetherService  *self,
                          JsonNode       *rule,
                          GError        **error)
{
  char *id;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (rule != NULL, NULL);

  if (!(id = aether_alerts_add (aether_service_get_store (self), rule, error)))
    return NULL;
  _aether_service_reload_changed (self);
  return id;
}

/**
 * aether_service_update_alert:
 * @self: a service
 * @rule: a stored rule, changed (same alert_id)
 * @error: a location for a #GError
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_service_update_alert (AetherService  *self,
                             JsonNode       *rule,
                             GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);

  if (!aether_alerts_update (aether_service_get_store (self), rule, error))
    return FALSE;
  _aether_service_reload_changed (self);
  return TRUE;
}

/**
 * aether_service_remove_alert:
 * @self: a service
 * @alert_id: the rule to remove
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the rule as stored; give it to
 *   aether_service_add_alert() to undo
 */
JsonNode *
aether_service_remove_alert (AetherService  *self,
                             const char     *alert_id,
                             GError        **error)
{
  JsonNode *removed;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (alert_id != NULL, NULL);

  if (!(removed = aether_alerts_remove (aether_service_get_store (self), alert_id, error)))
    return NULL;
  _aether_service_reload_changed (self);
  return removed;
}
