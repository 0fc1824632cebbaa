/* aether-test-keyring.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include <gio/gio.h>

#include "aether-core.h"
#include "aether-test-keyring.h"

struct _AetherTestKeyring
{
  GTestDBus *bus;
  char      *home;
  GPid       pid;
  gboolean   available;
};

/**
 * aether_test_keyring_up:
 *
 * Starts a private session bus and, when gnome-keyring-daemon is
 * installed, a keyring on it; sets AETHERLENS_SECRET_COLLECTION=session.
 * Call after g_test_init() and not in a test subprocess.
 */
AetherTestKeyring *
aether_test_keyring_up (void)
{
  AetherTestKeyring *keyring = g_new0 (AetherTestKeyring, 1);
  g_autofree char *daemon = g_find_program_in_path ("gnome-keyring-daemon");

  g_setenv ("AETHERLENS_SECRET_COLLECTION", "session", TRUE);
  keyring->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (keyring->bus);

  if (daemon != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDBusConnection) connection = NULL;
      g_auto(GStrv) envp = g_get_environ ();
      const char *argv_daemon[] = { daemon, "--start", "--foreground", "--components=secrets", NULL };
      gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      keyring->home = g_dir_make_tmp ("aether-keyring-XXXXXX", NULL);
      envp = g_environ_setenv (envp, "HOME", keyring->home, TRUE);
      envp = g_environ_setenv (envp, "XDG_DATA_HOME", keyring->home, TRUE);
      envp = g_environ_setenv (envp, "XDG_RUNTIME_DIR", keyring->home, TRUE);
      envp = g_environ_setenv (envp, "DBUS_SESSION_BUS_ADDRESS", g_test_dbus_get_bus_address (keyring->bus), TRUE);
      g_assert_true (g_spawn_async (NULL, (char **)argv_daemon, envp, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                    NULL, NULL, &keyring->pid, &error));

      /* Ready once it owns the Secret Service's name. */
      connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (keyring->bus),
                                                           G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                           G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                           NULL, NULL, &error);
      g_assert_no_error (error);
      while (!keyring->available && g_get_monotonic_time () < give_up)
        {
          g_autoptr(GVariant) reply = g_dbus_connection_call_sync (connection, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                                   "org.freedesktop.DBus", "NameHasOwner",
                                                                   g_variant_new ("(s)", "org.freedesktop.secrets"),
                                                                   G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                                                   NULL, NULL);

          if (reply != NULL)
            g_variant_get (reply, "(b)", &keyring->available);
          if (!keyring->available)
            g_usleep (50000);
        }
    }
  return keyring;
}

gboolean
aether_test_keyring_available (AetherTestKeyring *keyring)
{
  return keyring != NULL && keyring->available;
}

void
aether_test_keyring_down (AetherTestKeyring *keyring)
{
  aether_secrets_shutdown ();
  if (keyring->pid != 0)
    {
      kill (keyring->pid, SIGTERM);
      g_spawn_close_pid (keyring->pid);
    }
  /* libsecret keeps the session bus connection to the end: stop the bus
   * without waiting for the connection to go (and without disposing of
   * the GTestDBus, which would wait for it). */
  g_test_dbus_stop (keyring->bus);
  if (keyring->home != NULL)
    {
      g_autofree char *cmd = g_strdup_printf ("rm -rf '%s'", keyring->home);

      /* Its files and sockets: a tree of its own, in the test's temp dir. */
      (void)system (cmd);
    }
  g_free (keyring->home);
  g_free (keyring);
}
