/* aether-device-provider.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The device-provider interface every plugin implements, the metric names
 * and units the core understands, and the identity a probe returns. The
 * wrappers check arguments and fill in what a plugin may leave out
 * (discovery, switching for metering-only devices). */

#define G_LOG_DOMAIN "aether-device-provider"

#include "config.h"

#include "aether-device-provider.h"
#include "aether-error.h"

static const struct {
  const char *name;
  const char *unit;
} metric_info[AETHER_N_METRICS] = {
  [AETHER_METRIC_POWER]        = { "power", "W" },
  [AETHER_METRIC_ENERGY]       = { "energy", "Wh" },
  [AETHER_METRIC_VOLTAGE]      = { "voltage", "V" },
  [AETHER_METRIC_CURRENT]      = { "current", "A" },
  [AETHER_METRIC_POWER_FACTOR] = { "power_factor", "" },
  [AETHER_METRIC_FREQUENCY]    = { "frequency", "Hz" },
  [AETHER_METRIC_TEMPERATURE]  = { "temperature", "°C" },
};

/**
 * aether_metric_to_string:
 * @metric: a metric
 *
 * Returns: the seed's `metric_type` for @metric
 */
const char *
aether_metric_to_string (AetherMetric metric)
{
  g_return_val_if_fail (metric < AETHER_N_METRICS, NULL);

  return metric_info[metric].name;
}

/**
 * aether_metric_get_unit:
 * @metric: a metric
 *
 * Returns: the one unit values of @metric are in
 */
const char *
aether_metric_get_unit (AetherMetric metric)
{
  g_return_val_if_fail (metric < AETHER_N_METRICS, NULL);

  return metric_info[metric].unit;
}

gboolean
aether_metric_from_string (const char   *name,
                           AetherMetric *metric)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < AETHER_N_METRICS; i++)
    {
      if (g_str_equal (name, metric_info[i].name))
        {
          if (metric != NULL)
            *metric = i;
          return TRUE;
        }
    }

  return FALSE;
}

G_DEFINE_BOXED_TYPE (AetherDeviceIdentity, aether_device_identity,
                     aether_device_identity_copy, aether_device_identity_free)

AetherDeviceIdentity *
aether_device_identity_new (void)
{
  AetherDeviceIdentity *self = g_new0 (AetherDeviceIdentity, 1);

  self->capabilities = g_new0 (char *, 1);
  self->n_channels = 1;

  return self;
}

AetherDeviceIdentity *
aether_device_identity_copy (const AetherDeviceIdentity *self)
{
  AetherDeviceIdentity *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AetherDeviceIdentity, 1);
  copy->manufacturer = g_strdup (self->manufacturer);
  copy->model = g_strdup (self->model);
  copy->firmware_version = g_strdup (self->firmware_version);
  copy->mac_address = g_strdup (self->mac_address);
  copy->capabilities = g_strdupv (self->capabilities);
  copy->n_channels = self->n_channels;
  copy->suggested_name = g_strdup (self->suggested_name);
  copy->suggested_type = g_strdup (self->suggested_type);

  return copy;
}

void
aether_device_identity_free (AetherDeviceIdentity *self)
{
  if (self == NULL)
    return;

  g_free (self->manufacturer);
  g_free (self->model);
  g_free (self->firmware_version);
  g_free (self->mac_address);
  g_strfreev (self->capabilities);
  g_free (self->suggested_name);
  g_free (self->suggested_type);
  g_free (self);
}

gboolean
aether_device_identity_has_capability (const AetherDeviceIdentity *self,
                                       const char                 *capability)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (capability != NULL, FALSE);

  return self->capabilities != NULL &&
         g_strv_contains ((const char * const *)self->capabilities, capability);
}

G_DEFINE_INTERFACE (AetherDeviceProvider, aether_device_provider, G_TYPE_OBJECT)

static void
default_set_state_async (AetherDeviceProvider *self,
                         JsonObject           *config,
                         guint                 channel,
                         gboolean              on,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  g_task_report_new_error (self, callback, user_data, default_set_state_async,
                           AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                           "This device only measures; it cannot be switched on or off");
}

static gboolean
default_set_state_finish (AetherDeviceProvider  *self,
                          GAsyncResult          *result,
                          GError               **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
aether_device_provider_default_init (AetherDeviceProviderInterface *iface)
{
  iface->set_state_async = default_set_state_async;
  iface->set_state_finish = default_set_state_finish;
}

/**
 * aether_device_provider_get_config_fields:
 * @self: a provider
 *
 * Returns: (transfer none) (array zero-terminated=1): the fields a device of
 *   this plugin needs, ending with an entry whose @key is %NULL
 */
const AetherConfigField *
aether_device_provider_get_config_fields (AetherDeviceProvider *self)
{
  static const AetherConfigField none[] = { { NULL } };
  AetherDeviceProviderInterface *iface;

  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), NULL);

  iface = AETHER_DEVICE_PROVIDER_GET_IFACE (self);
  if (iface->get_config_fields == NULL)
    return none;

  return iface->get_config_fields (self);
}

void
aether_device_provider_probe_async (AetherDeviceProvider *self,
                                    JsonObject           *config,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_return_if_fail (AETHER_IS_DEVICE_PROVIDER (self));
  g_return_if_fail (config != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  AETHER_DEVICE_PROVIDER_GET_IFACE (self)->probe_async (self, config, cancellable, callback, user_data);
}

/**
 * aether_device_provider_probe_finish:
 * @self: a provider
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full): what the device is, or %NULL
 */
AetherDeviceIdentity *
aether_device_provider_probe_finish (AetherDeviceProvider  *self,
                                     GAsyncResult          *result,
                                     GError               **error)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), NULL);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->probe_finish (self, result, error);
}

void
aether_device_provider_poll_async (AetherDeviceProvider *self,
                                   JsonObject           *config,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_return_if_fail (AETHER_IS_DEVICE_PROVIDER (self));
  g_return_if_fail (config != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  AETHER_DEVICE_PROVIDER_GET_IFACE (self)->poll_async (self, config, cancellable, callback, user_data);
}

/**
 * aether_device_provider_poll_finish:
 * @self: a provider
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherSample): the samples, or %NULL
 */
GArray *
aether_device_provider_poll_finish (AetherDeviceProvider  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), NULL);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->poll_finish (self, result, error);
}

void
aether_device_provider_set_state_async (AetherDeviceProvider *self,
                                        JsonObject           *config,
                                        guint                 channel,
                                        gboolean              on,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_return_if_fail (AETHER_IS_DEVICE_PROVIDER (self));
  g_return_if_fail (config != NULL);

  AETHER_DEVICE_PROVIDER_GET_IFACE (self)->set_state_async (self, config, channel, on,
                                                            cancellable, callback, user_data);
}

gboolean
aether_device_provider_set_state_finish (AetherDeviceProvider  *self,
                                         GAsyncResult          *result,
                                         GError               **error)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), FALSE);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->set_state_finish (self, result, error);
}

gboolean
aether_device_provider_can_discover (AetherDeviceProvider *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), FALSE);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->discover_async != NULL;
}

void
aether_device_provider_discover_async (AetherDeviceProvider *self,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  AetherDeviceProviderInterface *iface;

  g_return_if_fail (AETHER_IS_DEVICE_PROVIDER (self));

  iface = AETHER_DEVICE_PROVIDER_GET_IFACE (self);

  if (iface->discover_async == NULL)
    {
      /* Nothing to find is an answer, not an error. */
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, aether_device_provider_discover_async);
      g_task_return_pointer (task,
                             g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref),
                             (GDestroyNotify)g_ptr_array_unref);
      return;
    }

  iface->discover_async (self, cancellable, callback, user_data);
}

/**
 * aether_device_provider_discover_finish:
 * @self: a provider
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type JsonObject): device configurations found
 */
GPtrArray *
aether_device_provider_discover_finish (AetherDeviceProvider  *self,
                                        GAsyncResult          *result,
                                        GError               **error)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), NULL);

  if (g_task_is_valid (result, self) &&
      g_task_get_source_tag (G_TASK (result)) == aether_device_provider_discover_async)
    return g_task_propagate_pointer (G_TASK (result), error);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->discover_finish (self, result, error);
}
