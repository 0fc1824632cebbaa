/* aether-service-devices.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The service's write path for the device registry: the only one the app
 * uses. Each write goes through aether-devices.c (one transaction), then
 * what changed is reloaded the way a change by another process is (the
 * watch's reload: new devices collected, a changed configuration polled
 * anew, names and rooms to the alert engine) and `devices-changed` is
 * emitted once. Removing is aether_service_remove_device(). */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include "aether-devices.h"
#include "aether-service-private.h"

/**
 * aether_service_add_devices:
 * @self: a service
 * @records: (element-type JsonNode): one device's records, one per
 *   channel, made with @id (see aether_devices_add())
 * @id: the id the records were made with
 * @exact_id: whether @id was chosen by a person (refused when taken)
 *   rather than made from the name (the next free one is used)
 * @secret_fields: (nullable): the plugin's settings, to move passwords
 *   to the keyring; %NULL when the records are already protected
 * @keyring_error: (nullable): set when there is no keyring
 * @error: a location for a #GError
 *
 * Adds every channel of a device, all or nothing, and starts collecting
 * them when the service runs.
 *
 * Returns: (transfer full) (nullable): the id used, or %NULL with @error set
 */
char *
aether_service_add_devices (AetherService            *self,
                            GPtrArray                *records,
                            const char               *id,
                            gboolean                  exact_id,
                            const AetherConfigField  *secret_fields,
                            GError                  **keyring_error,
                            GError                  **error)
{
  char *chosen;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (records != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  if (!(chosen = aether_devices_add (aether_service_get_store (self), records, id, exact_id,
                                     secret_fields, keyring_error, error)))
    return NULL;
  _aether_service_reload_changed (self);
  return chosen;
}

/**
 * aether_service_update_device:
 * @self: a service
 * @device: a stored device, renamed, moved or configured differently
 *   (same `device_id`)
 * @error: a location for a #GError
 *
 * Stores the change to that one device. A new configuration is polled
 * from now on; a new name or room reaches the alert engine.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_service_update_device (AetherService  *self,
                              JsonNode       *device,
                              GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (device != NULL, FALSE);

  if (!aether_devices_update (aether_service_get_store (self), device, error))
    return FALSE;
  _aether_service_reload_changed (self);
  return TRUE;
}
