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
#include "model/aether-json.h"
#include "aether-secrets.h"
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
  /* A device whose secret changed was forgotten: collected again now. */
  if (aether_collector_get_status (aether_service_get_collector (self),
                                   json_object_get_string_member (json_node_get_object (device), "device_id")) == NULL)
    aether_service_load (self, NULL);
  return TRUE;
}

/**
 * aether_service_set_device_secret:
 * @self: a service
 * @device: a stored device, to be given to aether_service_update_device()
 *   next; changed in place
 * @key: the `plugin_config` key of the secret (`password`)
 * @secret: the new value
 * @keyring_error: (nullable): set when there is no keyring (the secret
 *   then stays in the record, as when the device was added)
 *
 * Puts a device's new password in the keyring under its id and lists the
 * key under `plugin_config.keyring`, so the record never holds it. The
 * service reads it anew from the keyring when the device is updated.
 */
void
aether_service_set_device_secret (AetherService  *self,
                                  JsonNode       *device,
                                  const char     *key,
                                  const char     *secret,
                                  GError        **keyring_error)
{
  JsonObject *object, *config, *plugin_config;
  const char *id;
  JsonArray *keyring;
  gboolean listed = FALSE;

  g_return_if_fail (AETHER_IS_SERVICE (self));
  g_return_if_fail (device != NULL && JSON_NODE_HOLDS_OBJECT (device));
  g_return_if_fail (key != NULL && secret != NULL);

  object = json_node_get_object (device);
  id = json_object_get_string_member (object, "device_id");
  if (!json_object_has_member (object, "configuration"))
    json_object_set_object_member (object, "configuration", json_object_new ());
  config = json_object_get_object_member (object, "configuration");
  if (!json_object_has_member (config, "plugin_config"))
    json_object_set_object_member (config, "plugin_config", json_object_new ());
  plugin_config = json_object_get_object_member (config, "plugin_config");

  if (!aether_secrets_store (id, key, secret, keyring_error))
    {
      json_object_set_string_member (plugin_config, key, secret);
      return;
    }

  if (json_object_has_member (plugin_config, key))
    json_object_remove_member (plugin_config, key);
  if (!json_object_has_member (plugin_config, "keyring"))
    json_object_set_array_member (plugin_config, "keyring", json_array_new ());
  keyring = json_object_get_array_member (plugin_config, "keyring");
  for (guint i = 0; i < json_array_get_length (keyring); i++)
    listed |= g_strcmp0 (json_array_get_string_element (keyring, i), key) == 0;
  if (!listed)
    json_array_add_string_element (keyring, key);

  /* The record may not change (the key was listed already): the device
   * is collected anew with the keyring's value on the next update. */
  _aether_service_forget_device (self, id);
}

/**
 * aether_service_delete_device_history:
 * @self: a service
 * @device_id: a device removed with aether_service_remove_device()
 * @error: a location for a #GError
 *
 * Deletes every reading, energy and cost figure and status of a removed
 * device, because the person asked to. Call it only once the removal can
 * no longer be undone; a device back in the registry keeps its history
 * (%AETHER_ERROR_EXISTS).
 *
 * Returns: %TRUE if the history is gone
 */
gboolean
aether_service_delete_device_history (AetherService  *self,
                                      const char     *device_id,
                                      GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  /* Readings of it still on their way are stored first, then deleted. */
  _aether_service_flush (self);
  return aether_store_delete_device_history (aether_service_get_store (self), device_id, error);
}

/**
 * aether_service_list_device_objects:
 * @self: a service
 * @error: a location for a #GError
 *
 * The registry as typed devices, in the store's order. A record that does
 * not validate (written by hand, or by a newer version) is left out with
 * a warning naming it and the wrong member.
 *
 * Returns: (transfer full) (element-type AetherDevice) (nullable): the
 *   devices, or %NULL with @error set when the store cannot be read
 */
GPtrArray *
aether_service_list_device_objects (AetherService  *self,
                                    GError        **error)
{
  g_autoptr(GPtrArray) nodes = NULL;
  GPtrArray *devices;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);

  if (!(nodes = aether_store_list_devices (aether_service_get_store (self), error)))
    return NULL;
  devices = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < nodes->len; i++)
    {
      JsonNode *node = g_ptr_array_index (nodes, i);
      g_autoptr(GError) local_error = NULL;
      AetherDevice *device = aether_device_new_from_json (node, &local_error);

      if (device == NULL)
        g_message ("Device %s is left out: %s",
                   aether_json_get_string_or (json_node_get_object (node), "device_id", "?"),
                   local_error->message);
      else
        g_ptr_array_add (devices, device);
    }
  return devices;
}

/**
 * aether_service_lookup_device:
 * @self: a service
 * @device_id: a device's id
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): a copy of the stored device, to
 *   change and give to aether_service_save_device(), or %NULL with @error
 *   set (%AETHER_ERROR_NOT_FOUND)
 */
AetherDevice *
aether_service_lookup_device (AetherService  *self,
                              const char     *device_id,
                              GError        **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  if (!(node = aether_store_get_device (aether_service_get_store (self), device_id, error)))
    return NULL;
  return aether_device_new_from_json (node, error);
}

/**
 * aether_service_add_device_objects:
 * @self: a service
 * @devices: (element-type AetherDevice): one device's channels, made with
 *   @id (aether_device_list_from_identity())
 * @id: the id they were made with
 * @exact_id: as for aether_service_add_devices()
 * @secret_fields: (nullable): as for aether_service_add_devices()
 * @keyring_error: (nullable): set when there is no keyring
 * @error: a location for a #GError
 *
 * aether_service_add_devices() for typed devices.
 *
 * Returns: (transfer full) (nullable): the id used, or %NULL with @error set
 */
char *
aether_service_add_device_objects (AetherService            *self,
                                   GPtrArray                *devices,
                                   const char               *id,
                                   gboolean                  exact_id,
                                   const AetherConfigField  *secret_fields,
                                   GError                  **keyring_error,
                                   GError                  **error)
{
  g_autoptr(GPtrArray) records = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (devices != NULL, NULL);

  records = aether_device_list_to_json (devices);
  return aether_service_add_devices (self, records, id, exact_id, secret_fields, keyring_error, error);
}

/**
 * aether_service_save_device:
 * @self: a service
 * @device: a stored device, changed (same id)
 * @error: a location for a #GError
 *
 * aether_service_update_device() for a typed device.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_service_save_device (AetherService  *self,
                            AetherDevice   *device,
                            GError        **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (AETHER_IS_DEVICE (device), FALSE);

  node = aether_device_to_json (device);
  return aether_service_update_device (self, node, error);
}

/**
 * aether_service_set_device_password:
 * @self: a service
 * @device: a stored device, to be given to aether_service_save_device()
 *   next; changed in place
 * @key: the `plugin_config` key of the secret (`password`)
 * @secret: the new value
 * @keyring_error: (nullable): set when there is no keyring (the secret
 *   then stays in the record)
 *
 * aether_service_set_device_secret() for a typed device.
 */
void
aether_service_set_device_password (AetherService  *self,
                                    AetherDevice   *device,
                                    const char     *key,
                                    const char     *secret,
                                    GError        **keyring_error)
{
  g_return_if_fail (AETHER_IS_SERVICE (self));
  g_return_if_fail (AETHER_IS_DEVICE (device));
  g_return_if_fail (key != NULL && secret != NULL);

  if (!aether_secrets_store (aether_device_get_id (device), key, secret, keyring_error))
    {
      aether_device_set_plugin_setting (device, key, secret);
      return;
    }
  aether_device_add_keyring_key (device, key);
  /* The record may not change (the key was listed already): the device
   * is collected anew with the keyring's value on the next update. */
  _aether_service_forget_device (self, aether_device_get_id (device));
}

/**
 * aether_service_list_cost_record_objects:
 * @self: a service
 * @device_id: (nullable): one device's, or %NULL for every device's
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherCostRecord) (nullable): the
 *   stored cost records, or %NULL with @error set
 */
GPtrArray *
aether_service_list_cost_record_objects (AetherService  *self,
                                         const char     *device_id,
                                         GError        **error)
{
  g_autoptr(GPtrArray) nodes = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);

  if (!(nodes = aether_store_list_cost_records (aether_service_get_store (self), device_id, error)))
    return NULL;
  return aether_cost_record_list_from_json (nodes, error);
}
