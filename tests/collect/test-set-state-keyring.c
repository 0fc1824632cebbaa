/* test-set-state-keyring.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Turning a password-protected plug on or off through the service: the
 * plugin must be given the password the keyring keeps (the bug: Turn Off
 * and automations failed on such a plug, the stored configuration has no
 * password in it). The simulator's `fault: auth` wants a password. A real
 * gnome-keyring-daemon on a private bus (aether-test-keyring.c); without
 * it the tests skip. */

#include "config.h"

#include "aether-core.h"
#include "aether-test-keyring.h"
#include "aether-test-util.h"

/* Monday 2024-01-15 12:00:00 UTC; the tests run with TZ=UTC. */
#define NOON G_GINT64_CONSTANT (1705320000)

static AetherTestKeyring *keyring;

static const AetherConfigField fields[] = {
  { "sim_device", "Appliance", AETHER_CONFIG_FIELD_STRING, "fridge", FALSE, TRUE, NULL },
  { "password", "Password", AETHER_CONFIG_FIELD_PASSWORD, NULL, TRUE, FALSE, NULL },
  { NULL }
};

typedef AetherTestServiceFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->service = aether_test_service_new ("set-state", NOON * G_USEC_PER_SEC, TRUE, &f->dir, &f->db, &f->clock);
}


/* A switchable simulated plug that wants a password, added with one: the
 * password goes to the keyring, the stored record has none. */
static void
add_protected_plug (Fixture  *f,
                    gboolean  through_service)
{
  g_autoptr(AetherDeviceIdentity) identity = aether_device_identity_new ();
  g_autoptr(JsonNode) config = json_from_string ("{\"plugin\": \"simulator\", \"plugin_config\":"
                                                 " {\"sim_device\": \"washer\", \"fault\": \"auth\","
                                                 " \"password\": \"hunter2\"}}", NULL);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_autofree char *id = NULL;
  JsonObject *plugin_config;

  identity->suggested_type = g_strdup ("smart_plug");
  g_strfreev (identity->capabilities);
  identity->capabilities = g_strsplit ("power_monitoring,on_off_control", ",", -1);
  records = aether_device_identity_to_devices (identity, "washer", "Washer", "Utility", json_node_get_object (config));

  if (through_service)
    id = aether_service_add_devices (f->service, records, "washer", TRUE, fields, &keyring_error, &error);
  else
    {
      /* As `aetherlens-cli devices add` does, in a process of its own. */
      g_autoptr(AetherStore) other = aether_store_open (f->db, f->clock, &error);

      g_assert_no_error (error);
      id = aether_devices_add (other, records, "washer", TRUE, fields, &keyring_error, &error);
    }
  g_assert_no_error (error);
  g_assert_no_error (keyring_error);
  g_assert_cmpstr (id, ==, "washer");

  stored = aether_store_get_device (aether_service_get_store (f->service), "washer", &error);
  plugin_config = json_object_get_object_member (json_object_get_object_member (json_node_get_object (stored),
                                                                                "configuration"),
                                                 "plugin_config");
  g_assert_false (json_object_has_member (plugin_config, "password"));
  g_assert_true (json_object_has_member (plugin_config, "keyring"));
}

static gboolean
set_state (Fixture     *f,
           gboolean     on,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  aether_service_set_state_async (f->service, "washer", on, NULL, aether_test_store_result, &result);
  return aether_service_set_state_finish (f->service, aether_test_wait_for (&result), error);
}

/* Collected by the service: switching uses the configuration it polls with. */
static void
test_set_state_on_collected_device_uses_keyring_password (Fixture       *f,
                                                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const AetherDeviceStatus *status;

  if (!aether_test_keyring_available (keyring))
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  aether_service_load (f->service, &error);
  g_assert_no_error (error);
  aether_service_start (f->service);
  add_protected_plug (f, TRUE);
  g_assert_nonnull (aether_collector_get_status (aether_service_get_collector (f->service), "washer"));

  g_assert_true (set_state (f, FALSE, &error));
  g_assert_no_error (error);
  g_assert_true (set_state (f, TRUE, &error));
  g_assert_no_error (error);

  /* And it polls with it: no authentication errors. */
  status = aether_collector_get_status (aether_service_get_collector (f->service), "washer");
  g_assert_cmpuint (status->error_count, ==, 0);
}

/* Not collected (the CLI's `devices set`: a service that never loaded):
 * the stored configuration gets the keyring's password filled in. */
static void
test_set_state_on_stored_device_uses_keyring_password (Fixture       *f,
                                                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  if (!aether_test_keyring_available (keyring))
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  add_protected_plug (f, FALSE);
  g_assert_null (aether_collector_get_status (aether_service_get_collector (f->service), "washer"));
  g_assert_true (set_state (f, FALSE, &error));
  g_assert_no_error (error);
}

/* Removing a protected plug and undoing it (the Devices page's toast)
 * keeps its password; once the removal can no longer be undone, the
 * password leaves the keyring. */
static void
test_removal_undo_keeps_the_password (Fixture       *f,
                                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) removed = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autofree char *id = NULL;

  if (!aether_test_keyring_available (keyring))
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  add_protected_plug (f, FALSE);
  removed = aether_store_get_device (aether_service_get_store (f->service), "washer", &error);
  g_assert_no_error (error);
  g_assert_true (aether_service_remove_device (f->service, "washer", &error));
  g_assert_no_error (error);

  /* Undo: the same record back, and switching still has its password. */
  g_ptr_array_add (records, json_node_copy (removed));
  id = aether_service_add_devices (f->service, records, "washer", TRUE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "washer");
  g_assert_true (set_state (f, FALSE, &error));
  g_assert_no_error (error);

  /* A device that was put back keeps its password when asked to forget. */
  aether_service_forget_device_secrets (f->service, "washer");
  g_assert_true (set_state (f, TRUE, &error));
  g_assert_no_error (error);

  /* Removed for good: the password goes. */
  g_assert_true (aether_service_remove_device (f->service, "washer", &error));
  g_assert_no_error (error);
  {
    g_autofree char *before = aether_secrets_lookup ("washer", "password", NULL);
    g_autofree char *after = NULL;

    g_assert_nonnull (before);
    aether_service_forget_device_secrets (f->service, "washer");
    after = aether_secrets_lookup ("washer", "password", NULL);
    g_assert_null (after);
  }
}

/* Without its password the plug refuses (the test shows the simulator
 * really wants one). */
static void
test_set_state_without_password_is_refused (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GLogLevelFlags fatal;

  if (!aether_test_keyring_available (keyring))
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  add_protected_plug (f, FALSE);
  g_assert_true (aether_secrets_clear ("washer", &error));
  /* The service warns that the keyring has no password for it (structured
   * logging: g_test_expect_message() does not see it), then the plug
   * refuses. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  g_assert_false (set_state (f, FALSE, &error));
  g_log_set_always_fatal (fatal);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, aether_test_service_fixture_teardown)
  ADD ("/service/set-state/collected-device-uses-keyring-password", test_set_state_on_collected_device_uses_keyring_password);
  ADD ("/service/set-state/stored-device-uses-keyring-password", test_set_state_on_stored_device_uses_keyring_password);
  ADD ("/service/set-state/removal-undo-keeps-the-password", test_removal_undo_keeps_the_password);
  ADD ("/service/set-state/without-password-is-refused", test_set_state_without_password_is_refused);
#undef ADD

  keyring = aether_test_keyring_up ();
  status = g_test_run ();
  aether_test_keyring_down (keyring);
  return status;
}
