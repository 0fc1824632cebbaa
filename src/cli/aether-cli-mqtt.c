/* aether-cli-mqtt.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli mqtt login URL --username USER`: the broker's user name
 * and password (read from standard input) into the keyring, where
 * `collect --mqtt URL` finds them; `mqtt logout URL` forgets them. */

#define G_LOG_DOMAIN "aether-cli-mqtt"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "aether-cli-private.h"

static gboolean
broker_id (int          argc,
           char       **argv,
           char       **id,
           GError     **error)
{
  g_autofree char *host = NULL;
  guint16 port;

  if (argc != 2)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give the broker, mqtt://HOST:PORT"));
      return FALSE;
    }
  if (!aether_mqtt_parse_url (argv[1], &host, &port, error))
    return FALSE;
  *id = aether_mqtt_keyring_id (host, port);
  return TRUE;
}

static int
mqtt_login (AetherCliContext  *ctx,
            int                argc,
            char             **argv)
{
  g_autofree char *username = NULL;
  const GOptionEntry entries[] = {
    { "username", 0, 0, G_OPTION_ARG_STRING, &username, N_("The broker’s user name"), "USER" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("mqtt://HOST:PORT");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  char line[1024];

  g_option_context_set_summary (context, _("Keep the MQTT broker’s user name and password (read from standard input) "
                                           "in the keyring for “aetherlens-cli collect --mqtt”."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) || !broker_id (argc, argv, &id, &error))
    return aether_cli_fail (error);
  if (username == NULL || *username == '\0')
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--username is required"));
      return aether_cli_fail (error);
    }

  g_printerr ("%s ", _("Password:"));
  if (fgets (line, sizeof line, stdin) == NULL)
    line[0] = '\0';
  line[strcspn (line, "\r\n")] = '\0';

  if (!aether_secrets_store (id, "username", username, &error) ||
      !aether_secrets_store (id, "password", line, &error))
    return aether_cli_fail (error);
  memset (line, 0, sizeof line);
  printf (_("The keyring keeps the login for %s\n"), argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static int
mqtt_logout (AetherCliContext  *ctx,
             int                argc,
             char             **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("mqtt://HOST:PORT");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_option_context_set_summary (context, _("Forget the MQTT broker’s login."));
  if (!g_option_context_parse (context, &argc, &argv, &error) || !broker_id (argc, argv, &id, &error) ||
      !aether_secrets_clear (id, &error))
    return aether_cli_fail (error);
  printf (_("Forgot the login for %s\n"), argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static const AetherCliCommand mqtt_commands[] = {
  { "login",  mqtt_login,  N_("Keep a broker’s user name and password in the keyring") },
  { "logout", mqtt_logout, N_("Forget a broker’s login") },
  { NULL }
};

int
aether_cli_mqtt_main (AetherCliContext  *ctx,
                      int                argc,
                      char             **argv)
{
  return aether_cli_dispatch (ctx, "mqtt", mqtt_commands, argc, argv);
}
