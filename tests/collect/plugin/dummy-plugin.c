/* dummy-plugin.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Not a test: the smallest real device plugin, which
 * tests/collect/test-plugin-engine.c loads and checks. A meter "Test Meter
 * 42" that always reads 42 W on channel 0 and cannot switch. Built as a
 * shared module in tests/ and loaded through AETHERLENS_PLUGIN_PATH,
 * exactly as a user's own plugin. */

#define G_LOG_DOMAIN "test-plugin"

#include "config.h"

#include <libpeas/peas.h>

#include "aether-core.h"

#define TEST_TYPE_METER (test_meter_get_type ())
G_DECLARE_FINAL_TYPE (TestMeter, test_meter, TEST, METER, GObject)

struct _TestMeter
{
  GObject parent_instance;
  guint   n_polls;
};

static void provider_iface_init (AetherDeviceProviderInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (TestMeter, test_meter, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (AETHER_TYPE_DEVICE_PROVIDER,
                                                               provider_iface_init))

static void
test_meter_probe_async (AetherDeviceProvider *provider,
                        JsonObject           *config,
                        GCancellable         *cancellable,
                        GAsyncReadyCallback   callback,
                        gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  AetherDeviceIdentity *identity = aether_device_identity_new ();

  identity->manufacturer = g_strdup ("Test");
  identity->model = g_strdup ("Meter 42");
  g_task_return_pointer (task, identity, (GDestroyNotify)aether_device_identity_free);
}

static AetherDeviceIdentity *
test_meter_probe_finish (AetherDeviceProvider  *provider,
                         GAsyncResult          *result,
                         GError               **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_meter_poll_async (AetherDeviceProvider *provider,
                       JsonObject           *config,
                       GCancellable         *cancellable,
                       GAsyncReadyCallback   callback,
                       gpointer              user_data)
{
  TestMeter *self = TEST_METER (provider);
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  GArray *samples = g_array_new (FALSE, TRUE, sizeof (AetherSample));
  AetherSample power = { AETHER_METRIC_POWER, 0, 42.0, 0 };

  self->n_polls++;
  g_array_append_val (samples, power);
  g_task_return_pointer (task, samples, (GDestroyNotify)g_array_unref);
}

static GArray *
test_meter_poll_finish (AetherDeviceProvider  *provider,
                        GAsyncResult          *result,
                        GError               **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
provider_iface_init (AetherDeviceProviderInterface *iface)
{
  iface->probe_async = test_meter_probe_async;
  iface->probe_finish = test_meter_probe_finish;
  iface->poll_async = test_meter_poll_async;
  iface->poll_finish = test_meter_poll_finish;
}

static void
test_meter_class_init (TestMeterClass *klass)
{
}

static void
test_meter_class_finalize (TestMeterClass *klass)
{
}

static void
test_meter_init (TestMeter *self)
{
}

G_MODULE_EXPORT void peas_register_types (PeasObjectModule *module);

G_MODULE_EXPORT void
peas_register_types (PeasObjectModule *module)
{
  test_meter_register_type (G_TYPE_MODULE (module));
  peas_object_module_register_extension_type (module,
                                              AETHER_TYPE_DEVICE_PROVIDER,
                                              TEST_TYPE_METER);
}
