/* simulator-provider.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The demo home as a device plugin: each device's `plugin_config` names an
 * appliance (`sim_device`), the home's `seed` and an `instance`. Polls read
 * the home at the default AetherClock's time, so a test's manual clock runs
 * the home as fast as it likes. Switchable appliances report their relay
 * (`relay`, 1 or 0) with every reading, as a real plug does.
 *
 * For tests of what goes wrong, `plugin_config.fault` makes a device
 * misbehave: `timeout` never answers, `error` is unreachable, `nonsense`
 * reports a power that is not a number, `auth` wants a password (any
 * non-empty `plugin_config.password`; polling and switching alike). */

#define G_LOG_DOMAIN "simulator-provider"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "aether-sim-home.h"
#include "simulator-provider.h"

struct _SimulatorProvider
{
  GObject parent_instance;
};

static void device_provider_iface_init (AetherDeviceProviderInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SimulatorProvider, simulator_provider, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AETHER_TYPE_DEVICE_PROVIDER,
                                                      device_provider_iface_init))

typedef struct
{
  AetherSimHome *home;
  AetherSimKind  kind;
  guint64        seed;
  guint          instance;
  const char    *fault;
  const char    *password;
} SimDevice;

static gboolean
sim_device_from_config (JsonObject  *config,
                        SimDevice   *dev,
                        GError     **error)
{
  JsonObject *plugin_config = NULL;
  const char *key = NULL;

  if (json_object_has_member (config, "plugin_config"))
    plugin_config = json_object_get_object_member (config, "plugin_config");

  if (plugin_config != NULL)
    key = json_object_get_string_member_with_default (plugin_config, "sim_device", NULL);

  if (key == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           "A simulated device needs plugin_config.sim_device "
                           "(fridge, heat_pump, water_heater, ev_charger, washer, dryer, "
                           "dishwasher, tv, lights, office_pc, monitor, router or mains)");
      return FALSE;
    }

  if (!aether_sim_kind_from_key (key, &dev->kind))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an appliance of the demo home", key);
      return FALSE;
    }

  dev->seed = (guint64)json_object_get_int_member_with_default (plugin_config, "seed", 42);
  dev->instance = (guint)json_object_get_int_member_with_default (plugin_config, "instance", 0);
  dev->fault = json_object_get_string_member_with_default (plugin_config, "fault", NULL);
  dev->password = json_object_get_string_member_with_default (plugin_config, "password", NULL);
  dev->home = aether_sim_home_get (dev->seed, dev->instance);

  return TRUE;
}

static gboolean
wants_password (const SimDevice *dev)
{
  return g_strcmp0 (dev->fault, "auth") == 0 && (dev->password == NULL || *dev->password == '\0');
}

static const AetherConfigField config_fields[] = {
  { "sim_device", N_("Appliance"), AETHER_CONFIG_FIELD_STRING, "fridge", FALSE, TRUE,
    N_("Which appliance of the demo home this device is") },
  { "seed", N_("Home"), AETHER_CONFIG_FIELD_INT, "42", FALSE, FALSE,
    N_("Homes with the same number behave the same way") },
  { "polling_interval", N_("Polling Interval"), AETHER_CONFIG_FIELD_INT, "10", FALSE, FALSE,
    N_("Seconds between readings") },
  { NULL }
};

static const AetherConfigField *
simulator_provider_get_config_fields (AetherDeviceProvider *provider)
{
  return config_fields;
}

static char *
make_mac (const SimDevice *dev)
{
  guint32 h = (guint32)(dev->seed * 2654435761u) ^ (dev->instance << 8) ^ dev->kind;

  /* 02: a locally administered address, never a real vendor's. */
  return g_strdup_printf ("02:AE:%02X:%02X:%02X:%02X",
                          (h >> 24) & 0xff, (h >> 16) & 0xff, (h >> 8) & 0xff, h & 0xff);
}

static void
simulator_provider_probe_async (AetherDeviceProvider *provider,
                                JsonObject           *config,
                                GCancellable         *cancellable,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) caps = g_ptr_array_new ();
  AetherDeviceIdentity *identity;
  const AetherSimKindInfo *info;
  SimDevice dev;

  g_task_set_source_tag (task, simulator_provider_probe_async);

  if (!sim_device_from_config (config, &dev, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  info = aether_sim_kind_get_info (dev.kind);
  identity = aether_device_identity_new ();
  identity->manufacturer = g_strdup ("AetherLens");
  identity->model = g_strdup_printf ("Simulated %s", info->name);
  identity->firmware_version = g_strdup (PACKAGE_VERSION);
  identity->mac_address = make_mac (&dev);
  identity->suggested_name = g_strdup (info->name);
  identity->suggested_type = g_strdup (info->type);

  g_ptr_array_add (caps, (gpointer)"power_monitoring");
  if (info->has_counter)
    g_ptr_array_add (caps, (gpointer)"energy_metering");
  if (info->switchable)
    g_ptr_array_add (caps, (gpointer)"on_off_control");
  g_ptr_array_add (caps, NULL);
  g_strfreev (identity->capabilities);
  identity->capabilities = g_strdupv ((char **)caps->pdata);

  g_task_return_pointer (task, identity, (GDestroyNotify)aether_device_identity_free);
}

static AetherDeviceIdentity *
simulator_provider_probe_finish (AetherDeviceProvider  *provider,
                                 GAsyncResult          *result,
                                 GError               **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_hung_poll_cancelled (GCancellable *cancellable,
                        GTask        *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Cancelled");
}

static void
simulator_provider_poll_async (AetherDeviceProvider *provider,
                               JsonObject           *config,
                               GCancellable         *cancellable,
                               GAsyncReadyCallback   callback,
                               gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;
  const AetherSimKindInfo *info;
  AetherSample sample = { 0 };
  gint64 now_s;
  SimDevice dev;

  g_task_set_source_tag (task, simulator_provider_poll_async);

  if (!sim_device_from_config (config, &dev, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (g_strcmp0 (dev.fault, "timeout") == 0)
    {
      /* A device that accepted the connection and will never answer. */
      if (cancellable != NULL)
        g_cancellable_connect (cancellable, G_CALLBACK (on_hung_poll_cancelled),
                               g_object_ref (task), g_object_unref);
      return;
    }

  if (g_strcmp0 (dev.fault, "error") == 0)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_UNREACHABLE,
                               "No route to the simulated device");
      return;
    }

  if (wants_password (&dev))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED,
                               "The simulated device wants a password");
      return;
    }

  info = aether_sim_kind_get_info (dev.kind);
  now_s = aether_clock_now_s (aether_clock_get_default ());
  aether_sim_home_advance (dev.home, now_s);

  samples = g_array_new (FALSE, TRUE, sizeof (AetherSample));

  sample.metric = AETHER_METRIC_POWER;
  sample.value = g_strcmp0 (dev.fault, "nonsense") == 0
    ? NAN
    : aether_sim_home_power_at (dev.home, dev.kind, now_s);
  g_array_append_val (samples, sample);

  if (info->has_counter)
    {
      /* Real counters never start at zero. */
      sample.metric = AETHER_METRIC_ENERGY;
      sample.value = 100000.0 * (dev.kind + 1) + aether_sim_home_get_energy_wh (dev.home, dev.kind);
      g_array_append_val (samples, sample);
    }

  if (info->switchable)
    {
      sample.metric = AETHER_METRIC_RELAY;
      sample.value = aether_sim_home_get_on (dev.home, dev.kind) ? 1 : 0;
      g_array_append_val (samples, sample);
    }

  if (dev.kind == AETHER_SIM_MAINS)
    {
      sample.metric = AETHER_METRIC_VOLTAGE;
      sample.value = 230.0 + 3.0 * sin ((double)now_s / 600.0);
      g_array_append_val (samples, sample);
      sample.metric = AETHER_METRIC_FREQUENCY;
      sample.value = 50.0 + 0.02 * sin ((double)now_s / 97.0);
      g_array_append_val (samples, sample);
    }

  g_task_return_pointer (task, g_steal_pointer (&samples), (GDestroyNotify)g_array_unref);
}

static GArray *
simulator_provider_poll_finish (AetherDeviceProvider  *provider,
                                GAsyncResult          *result,
                                GError               **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
simulator_provider_set_state_async (AetherDeviceProvider *provider,
                                    JsonObject           *config,
                                    guint                 channel,
                                    gboolean              on,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  SimDevice dev;

  g_task_set_source_tag (task, simulator_provider_set_state_async);

  if (!sim_device_from_config (config, &dev, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (wants_password (&dev))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED,
                               "The simulated device wants a password");
      return;
    }

  if (!aether_sim_kind_get_info (dev.kind)->switchable)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                               "%s cannot be switched on or off",
                               aether_sim_kind_get_info (dev.kind)->name);
      return;
    }

  aether_sim_home_set_on (dev.home, dev.kind, on, aether_clock_now_s (aether_clock_get_default ()));
  g_task_return_boolean (task, TRUE);
}

static gboolean
simulator_provider_set_state_finish (AetherDeviceProvider  *provider,
                                     GAsyncResult          *result,
                                     GError               **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
device_provider_iface_init (AetherDeviceProviderInterface *iface)
{
  iface->get_config_fields = simulator_provider_get_config_fields;
  iface->probe_async = simulator_provider_probe_async;
  iface->probe_finish = simulator_provider_probe_finish;
  iface->poll_async = simulator_provider_poll_async;
  iface->poll_finish = simulator_provider_poll_finish;
  iface->set_state_async = simulator_provider_set_state_async;
  iface->set_state_finish = simulator_provider_set_state_finish;
}

static void
simulator_provider_class_init (SimulatorProviderClass *klass)
{
}

static void
simulator_provider_init (SimulatorProvider *self)
{
}
