/* aether-service-control.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Switching a device on or off for every face (the app's switches, the
 * API, MQTT commands, automations): the plugin is called with the
 * configuration the collector polls with, or the stored one with its
 * keyring passwords filled in, and the relay is read back at once. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-error.h"
#include "aether-secrets.h"
#include "aether-service-private.h"

static void
on_set_state_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AetherService *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (aether_device_provider_set_state_finish (AETHER_DEVICE_PROVIDER (object), result, &error))
    {
      /* Read the relay back now, so every switch shown follows at once. */
      aether_collector_poll_now (self->collector, g_task_get_task_data (task));
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

/**
 * aether_service_set_state_async:
 * @self: a service
 * @device_id: a device in the registry
 * @on: the state to switch it to
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
aether_service_set_state_async (AetherService       *self,
                                const char          *device_id,
                                gboolean             on,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) revealed = NULL;
  JsonObject *config;
  AetherDeviceProvider *provider;
  const char *plugin;
  guint channel = 0;

  g_return_if_fail (AETHER_IS_SERVICE (self));
  g_return_if_fail (device_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_service_set_state_async);
  g_task_set_task_data (task, g_strdup (device_id), g_free);

  if (!(device = aether_store_get_device (self->store, device_id, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  config = json_object_get_object_member (json_node_get_object (device), "configuration");
  /* The plugin needs the password the keyring keeps: the configuration the
   * collector polls with, or the stored one with it filled in. */
  if (g_hash_table_contains (self->configs, device_id))
    config = g_hash_table_lookup (self->configs, device_id);
  else if (config != NULL && json_object_has_member (config, "plugin_config") &&
           JSON_NODE_HOLDS_OBJECT (json_object_get_member (config, "plugin_config")) &&
           json_object_has_member (json_object_get_object_member (config, "plugin_config"), "keyring"))
    config = revealed = aether_secrets_reveal_config (device_id, config);
  if (config == NULL)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                               _("Device “%s” has no configuration to reach it with"), device_id);
      return;
    }
  plugin = json_object_get_string_member_with_default (config, "plugin", "");
  if (!(provider = aether_plugin_engine_get_provider (self->plugins, plugin, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (json_object_has_member (config, "plugin_config"))
    channel = (guint)json_object_get_int_member_with_default (json_object_get_object_member (config, "plugin_config"),
                                                              "channel", 0);

  aether_device_provider_set_state_async (provider, config, channel, on, cancellable,
                                          on_set_state_done, g_steal_pointer (&task));
}

gboolean
aether_service_set_state_finish (AetherService  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
