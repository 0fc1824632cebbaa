/* test-secrets.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Device passwords in the keyring: a real gnome-keyring-daemon on a
 * private session bus, its in-memory session collection, a home of its own
 * (nothing of the person's keyring is touched). Without gnome-keyring the
 * tests skip; without any keyring, the fallback is checked. */

#include "config.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "aether-core.h"

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
  GTestDBus *bus;
  g_autofree char *home = NULL;
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");
  GPid pid = 0;
  int status;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("AETHERLENS_SECRET_COLLECTION", "session", TRUE);

  g_test_add_func ("/secrets/without-keyring-the-record-is-unchanged", test_without_keyring_the_record_is_unchanged);
  g_test_add_func ("/secrets/round-trip", test_round_trip);
  g_test_add_func ("/secrets/protect-and-reveal", test_protect_and_reveal);

  /* The keyring-less case runs in a subprocess that needs neither. */
  if (g_test_subprocess ())
    return g_test_run ();

  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  if (daemon != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDBusConnection) connection = NULL;
      g_auto(GStrv) envp = g_get_environ ();
      const char *argv_daemon[] = { daemon, "--start", "--foreground", "--components=secrets", NULL };
      gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      home = g_dir_make_tmp ("aether-keyring-XXXXXX", NULL);
      envp = g_environ_setenv (envp, "HOME", home, TRUE);
      envp = g_environ_setenv (envp, "XDG_DATA_HOME", home, TRUE);
      envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", home, TRUE);
      envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);
      g_assert_true (g_spawn_async (NULL, (char **)argv_daemon, envp, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                    NULL, NULL, &pid, &error));

      /* Ready once it owns the Secret Service's name. */
      connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                           G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
      g_assert_no_error (error);
      while (!have_keyring && g_get_monotonic_time () < give_up)
        {
          g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                                   "org.freedesktop.DBus", "NameHasOwner",
                                                                   g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                                   G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                                                   NULL, NULL);

          if (reply != NULL)
            g_variant_get (reply, "(b)", &have_keyring);
          if (!have_keyring)
            g_usleep (50000);
        }
    }

  status = g_test_run ();

  aether_secrets_shutdown ();
  if (pid != 0)
    {
      kill (pid, SIGTERM);
      g_spawn_close_pid (pid);
    }
  /* libsecret keeps the session bus connection to the end: stop the bus
   * without waiting for the connection to go (and without disposing of
   * the GTestDBus, which would wait for it). */
  g_test_dbus_stop (bus);
  if (home != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", home);

      /* Its files and sockets: a tree of its own, in the test's temp dir. */
      (void)system (cmd);
    }
  return status;
}
