/* test-plugin-engine.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The plugin engine finds the embedded demo home, loads a plugin built in
 * tests/ from AETHERLENS_PLUGIN_PATH as a user's plugin would load, refuses
 * one built for another ABI with the reason, and remembers what the user
 * disabled. */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

static char *
make_state_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-plugins-XXXXXX", NULL);

  g_assert_nonnull (dir);
  return g_build_filename (dir, "plugins.ini", NULL);
}

static AetherPluginInfo *
find_info (GPtrArray  *list,
           const char *module)
{
  for (guint i = 0; i < list->len; i++)
    {
      AetherPluginInfo *info = g_ptr_array_index (list, i);

      if (g_str_equal (info->module_name, module))
        return info;
    }

  return NULL;
}

static void
test_loads_embedded_and_user_plugins (void)
{
  g_autofree char *state = make_state_file ();
  g_autoptr(AetherPluginEngine) engine = aether_plugin_engine_new (state);
  g_autoptr(GPtrArray) list = NULL;
  AetherPluginInfo *info;

  aether_plugin_engine_load_all (engine);
  list = aether_plugin_engine_list (engine);

  info = find_info (list, "simulator");
  g_assert_nonnull (info);
  g_assert_true (info->loaded);
  g_assert_true (info->builtin);
  g_assert_cmpstr (info->name, ==, "Demo Home");

  info = find_info (list, "aether-test-plugin");
  g_assert_nonnull (info);
  g_assert_true (info->loaded);
  g_assert_false (info->builtin);
  g_assert_null (info->error);
  /* Read from dummy-plugin.plugin beside the module. */
  g_assert_cmpstr (info->name, ==, "Test Meter");
}

static void
test_user_plugin_polls_like_any_other (void)
{
  g_autofree char *state = make_state_file ();
  g_autoptr(AetherPluginEngine) engine = aether_plugin_engine_new (state);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(AetherDeviceIdentity) identity = NULL;
  AetherDeviceProvider *provider;
  AetherSample *sample;

  aether_plugin_engine_load_all (engine);
  provider = aether_plugin_engine_get_provider (engine, "aether-test-plugin", &error);
  g_assert_no_error (error);
  g_assert_true (AETHER_IS_DEVICE_PROVIDER (provider));

  /* What the dummy plugin (tests/collect/plugin/dummy-plugin.c) says it is. */
  aether_device_provider_probe_async (provider, config, NULL, aether_test_store_result, &result);
  identity = aether_device_provider_probe_finish (provider, aether_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (identity);
  g_assert_cmpstr (identity->manufacturer, ==, "Test");
  g_assert_cmpstr (identity->model, ==, "Meter 42");
  g_clear_object (&result);

  aether_device_provider_poll_async (provider, config, NULL, aether_test_store_result, &result);
  samples = aether_device_provider_poll_finish (provider, aether_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 1);
  sample = &g_array_index (samples, AetherSample, 0);
  g_assert_cmpint (sample->metric, ==, AETHER_METRIC_POWER);
  g_assert_cmpuint (sample->channel, ==, 0);
  g_assert_cmpfloat (sample->value, ==, 42.0);
  g_assert_cmpint (sample->device_time_us, ==, 0);

  /* Every poll reads the same 42 W. */
  g_clear_object (&result);
  g_clear_pointer (&samples, g_array_unref);
  aether_device_provider_poll_async (provider, config, NULL, aether_test_store_result, &result);
  samples = aether_device_provider_poll_finish (provider, aether_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (samples->len, ==, 1);
  g_assert_cmpfloat (g_array_index (samples, AetherSample, 0).value, ==, 42.0);

  /* It only measures: switching is refused by the interface's default. */
  g_clear_object (&result);
  aether_device_provider_set_state_async (provider, config, 0, FALSE, NULL, aether_test_store_result, &result);
  g_assert_false (aether_device_provider_set_state_finish (provider, aether_test_wait_for (&result), &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED);
}

static void
test_other_abi_is_refused_with_reason (void)
{
  g_autofree char *state = make_state_file ();
  g_autoptr(AetherPluginEngine) engine = aether_plugin_engine_new (state);
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GError) error = NULL;
  AetherPluginInfo *info;

  aether_plugin_engine_load_all (engine);
  list = aether_plugin_engine_list (engine);
  info = find_info (list, "future-abi");
  g_assert_nonnull (info);
  g_assert_false (info->loaded);
  g_assert_cmpstr (info->error, ==,
                   "Plugin “future-abi” was built for AetherLens plugin ABI 99; this version needs 1");

  g_assert_null (aether_plugin_engine_get_provider (engine, "future-abi", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  g_assert_null (aether_plugin_engine_get_provider (engine, "zigbee", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No plugin named “zigbee” is installed");
}

static void
test_disabled_plugin_is_remembered (void)
{
  g_autofree char *state = make_state_file ();
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(AetherPluginEngine) engine = aether_plugin_engine_new (state);

    aether_plugin_engine_load_all (engine);
    g_assert_true (aether_plugin_engine_set_enabled (engine, "aether-test-plugin", FALSE, &error));
    g_assert_no_error (error);
  }

  {
    g_autoptr(AetherPluginEngine) engine = aether_plugin_engine_new (state);
    g_autoptr(GPtrArray) list = NULL;
    AetherPluginInfo *info;

    aether_plugin_engine_load_all (engine);
    list = aether_plugin_engine_list (engine);
    info = find_info (list, "aether-test-plugin");
    g_assert_false (info->enabled);
    g_assert_false (info->loaded);
    g_assert_null (aether_plugin_engine_get_provider (engine, "aether-test-plugin", &error));
    g_assert_cmpstr (error->message, ==, "Plugin “aether-test-plugin” is disabled");
    g_clear_error (&error);

    /* Enabling loads it at once. */
    g_assert_true (aether_plugin_engine_set_enabled (engine, "aether-test-plugin", TRUE, &error));
    g_assert_nonnull (aether_plugin_engine_get_provider (engine, "aether-test-plugin", &error));
    g_assert_no_error (error);
  }
}

static void
test_simulator_probe_fills_identity (void)
{
  g_autofree char *state = make_state_file ();
  g_autoptr(AetherPluginEngine) engine = aether_plugin_engine_new (state);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"plugin_config\": {\"sim_device\": \"ev_charger\"}}", NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AetherDeviceIdentity) identity = NULL;
  AetherDeviceProvider *provider;

  aether_plugin_engine_load_all (engine);
  provider = aether_plugin_engine_get_provider (engine, "simulator", &error);
  g_assert_no_error (error);

  aether_device_provider_probe_async (provider, json_node_get_object (node), NULL, aether_test_store_result, &result);
  identity = aether_device_provider_probe_finish (provider, aether_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (identity->manufacturer, ==, "AetherLens");
  g_assert_cmpstr (identity->model, ==, "Simulated EV Charger");
  g_assert_cmpstr (identity->suggested_type, ==, "ev_charger");
  g_assert_true (g_str_has_prefix (identity->mac_address, "02:AE:"));
  g_assert_true (aether_device_identity_has_capability (identity, "power_monitoring"));
  g_assert_true (aether_device_identity_has_capability (identity, "energy_metering"));
  g_assert_true (aether_device_identity_has_capability (identity, "on_off_control"));
  g_assert_cmpstr (aether_device_provider_get_config_fields (provider)[0].key, ==, "sim_device");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/collect/plugins/loads-embedded-and-user-plugins", test_loads_embedded_and_user_plugins);
  g_test_add_func ("/collect/plugins/user-plugin-polls-like-any-other", test_user_plugin_polls_like_any_other);
  g_test_add_func ("/collect/plugins/other-abi-is-refused-with-reason", test_other_abi_is_refused_with_reason);
  g_test_add_func ("/collect/plugins/disabled-plugin-is-remembered", test_disabled_plugin_is_remembered);
  g_test_add_func ("/collect/plugins/simulator-probe-fills-identity", test_simulator_probe_fills_identity);

  return g_test_run ();
}
