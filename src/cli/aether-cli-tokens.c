/* aether-cli-tokens.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli tokens`: the local API's tokens (the seed's `api_tokens`)
 * made, listed and revoked through the service. A token's secret is printed
 * once, when it is made; only its hash is stored. */

#define G_LOG_DOMAIN "aether-cli-tokens"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "aether-cli-private.h"

static AetherService *
open_service (AetherCliContext  *ctx,
              GError           **error)
{
  return aether_service_new (ctx->db_path, ctx->clock, error);
}

static int
tokens_create (AetherCliContext  *ctx,
               int                argc,
               char             **argv)
{
  g_autofree char *name = NULL;
  g_autofree char *permissions = NULL;
  g_autofree char *expires = NULL;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("What the token is for"), "NAME" },
    { "permissions", 0, 0, G_OPTION_ARG_STRING, &permissions,
      N_("What it may do, separated by commas: read:metrics, read:devices, read:costs, write:devices"), "LIST" },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires, N_("The day it stops working (default: never)"), "YYYY-MM-DD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;
  g_auto(GStrv) list = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *secret = NULL;
  g_autofree char *token_id = NULL;

  g_option_context_set_summary (context, _("Make a token for the local API. Its secret is printed once: "
                                           "only a hash of it is kept."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (name == NULL || permissions == NULL)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--name and --permissions are required"));
      return aether_cli_fail (error);
    }

  list = g_strsplit (permissions, ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    if (*g_strstrip (list[i]) != '\0')
      g_strv_builder_add (builder, list[i]);
  g_strfreev (list);
  list = g_strv_builder_end (builder);

  if (!(service = open_service (ctx, &error)) ||
      !(secret = aether_service_create_api_token (service, name, (const char * const *)list, expires, &token_id, &error)))
    return aether_cli_fail (error);

  printf (_("Made token %s. Its secret, shown only this once:\n"), token_id);
  printf ("%s\n", secret);
  printf ("%s\n", _("Send it as “Authorization: Bearer SECRET”."));
  return AETHER_CLI_EXIT_OK;
}

static int
tokens_list (AetherCliContext  *ctx,
             int                argc,
             char             **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the seed's api_tokens JSON (without the hashes)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;
  g_autoptr(AetherUser) user = NULL;
  AetherApiToken token;

  g_option_context_set_summary (context, _("List the local API's tokens (never their secrets)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !(service = open_service (ctx, &error)) ||
      !(user = aether_service_dup_api_tokens (service, &error)))
    return aether_cli_fail (error);

  if (as_json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_array (builder);
      for (guint i = 0; aether_user_get_api_token (user, i, &token); i++)
        {
          json_builder_begin_object (builder);
          json_builder_set_member_name (builder, "token_id");
          json_builder_add_string_value (builder, token.token_id);
          json_builder_set_member_name (builder, "name");
          json_builder_add_string_value (builder, token.name);
          json_builder_set_member_name (builder, "permissions");
          json_builder_begin_array (builder);
          for (guint p = 0; token.permissions[p] != NULL; p++)
            json_builder_add_string_value (builder, token.permissions[p]);
          json_builder_end_array (builder);
          json_builder_set_member_name (builder, "created_at");
          json_builder_add_string_value (builder, token.created_at);
          json_builder_set_member_name (builder, "last_used");
          json_builder_add_string_value (builder, token.last_used);
          json_builder_set_member_name (builder, "expires_at");
          json_builder_add_string_value (builder, token.expires_at);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      root = json_builder_get_root (builder);
      aether_cli_print_json (root);
      return AETHER_CLI_EXIT_OK;
    }

  if (aether_user_get_n_api_tokens (user) == 0)
    {
      printf ("%s\n", _("No tokens. Make one with “aetherlens-cli tokens create”."));
      return AETHER_CLI_EXIT_OK;
    }
  printf ("%-18s %-28s %-44s %-22s %s\n", _("ID"), _("NAME"), _("PERMISSIONS"), _("LAST USED"), _("EXPIRES"));
  for (guint i = 0; aether_user_get_api_token (user, i, &token); i++)
    {
      g_autofree char *perms = g_strjoinv (",", (char **)token.permissions);

      printf ("%-18s %-28s %-44s %-22s %s\n", token.token_id, token.name, perms,
              token.last_used ? token.last_used : _("never"), token.expires_at ? token.expires_at : _("never"));
    }
  return AETHER_CLI_EXIT_OK;
}

static int
tokens_revoke (AetherCliContext  *ctx,
               int                argc,
               char             **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("TOKEN_ID");
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;

  g_option_context_set_summary (context, _("Revoke a token: it is refused from its next request on."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one token id"));
      return aether_cli_fail (error);
    }
  if (!(service = open_service (ctx, &error)) ||
      !aether_service_revoke_api_token (service, argv[1], &error))
    return aether_cli_fail (error);
  printf (_("Revoked token %s\n"), argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static const AetherCliCommand tokens_commands[] = {
  { "create", tokens_create, N_("Make a token (its secret is shown once)") },
  { "list",   tokens_list,   N_("List the tokens") },
  { "revoke", tokens_revoke, N_("Revoke a token") },
  { NULL }
};

int
aether_cli_tokens_main (AetherCliContext  *ctx,
                        int                argc,
                        char             **argv)
{
  return aether_cli_dispatch (ctx, "tokens", tokens_commands, argc, argv);
}
