/* test-secrets.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Device passwords in the keyring: a real gnome-keyring-daemon on a
 * private session bus (aether-test-keyring.c). Without gnome-keyring the
 * tests skip; without any keyring, the fallback is checked. */

#include "config.h"

#include <string.h>

#include "aether-core.h"
#include "aether-test-keyring.h"

static const AetherConfigField fields[] = {
  { "ip_address", "Address", AETHER_CONFIG_FIELD_HOST, NULL, FALSE, TRUE, NULL },
  { "username", "User Name", AETHER_CONFIG_FIELD_STRING, "admin", FALSE, FALSE, NULL },
  { "password", "Password", AETHER_CONFIG_FIELD_PASSWORD, NULL, TRUE, FALSE, NULL },
  { NULL }
};

static gboolean have_keyring;

static JsonNode *
device_with_password (const char *id,
                      const char *password)
{
  g_autofree char *json = g_strdup_printf ("{\"device_id\": \"%s\", \"name\": \"Plug\", \"configuration\": "
                                           "{\"plugin\": \"tasmota\", \"ip_address\": \"127.0.0.1\", \"plugin_config\": "
                                           "{\"username\": \"admin\", \"password\": \"%s\", \"timeout_seconds\": 2}}}",
                                           id, password);

  return json_from_string (json, NULL);
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  if (!have_keyring)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  aether_secrets_store ("plug-1", "password", "s3cret", &error);
  g_assert_no_error (error);
  secret = aether_secrets_lookup ("plug-1", "password", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (secret, ==, "s3cret");

  g_assert_true (aether_secrets_clear ("plug-1", &error));
  g_clear_pointer (&secret, g_free);
  secret = aether_secrets_lookup ("plug-1", "password", &error);
  g_assert_null (secret);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
}

static void
test_protect_and_reveal (void)
{
  g_autoptr(JsonNode) device = device_with_password ("plug-2", "hunter2");
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(JsonObject) revealed = NULL;
  JsonObject *config, *plugin_config;

  if (!have_keyring)
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  g_assert_true (aether_secrets_protect_device (device, fields, &error));
  g_assert_no_error (error);

  /* What goes to the database has no password in it. */
  stored = json_to_string (device, FALSE);
  g_assert_null (strstr (stored, "hunter2"));
  config = json_object_get_object_member (json_node_get_object (device), "configuration");
  plugin_config = json_object_get_object_member (config, "plugin_config");
  g_assert_false (json_object_has_member (plugin_config, "password"));
  g_assert_cmpstr (json_object_get_string_member (plugin_config, "username"), ==, "admin");
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (plugin_config, "keyring"), 0), ==, "password");

  /* What the plugin is given has it back; the record itself does not. */
  revealed = aether_secrets_reveal_config ("plug-2", config);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (revealed, "plugin_config"), "password"), ==,
                   "hunter2");
  g_assert_false (json_object_has_member (plugin_config, "password"));
  aether_secrets_clear ("plug-2", NULL);
}

static void
test_without_keyring_the_record_is_unchanged (void)
{
  /* In a process of its own: a failed connection must not linger in this one. */
  if (g_test_subprocess ())
    {
      g_autoptr(JsonNode) device = device_with_password ("plug-3", "open-sesame");
      g_autoptr(GError) error = NULL;
      g_autofree char *before = json_to_string (device, FALSE);
      g_autofree char *after = NULL;

      /* A bus nobody listens on: no keyring to be had. */
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/aetherlens-test-bus", TRUE);
      g_assert_false (aether_secrets_protect_device (device, fields, &error));
      g_assert_nonnull (error);
      after = json_to_string (device, FALSE);
      g_assert_cmpstr (after, ==, before);
      return;
    }

  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

int
main (int   argc,
      char *argv[])
{
  AetherTestKeyring *keyring;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("AETHERLENS_SECRET_COLLECTION", "session", TRUE);

  g_test_add_func ("/secrets/without-keyring-the-record-is-unchanged", test_without_keyring_the_record_is_unchanged);
  g_test_add_func ("/secrets/round-trip", test_round_trip);
  g_test_add_func ("/secrets/protect-and-reveal", test_protect_and_reveal);

  /* The keyring-less case runs in a subprocess that needs neither. */
  if (g_test_subprocess ())
    return g_test_run ();

  keyring = aether_test_keyring_up ();
  have_keyring = aether_test_keyring_available (keyring);
  status = g_test_run ();
  aether_test_keyring_down (keyring);
  return status;
}
