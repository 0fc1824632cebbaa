/* aether-cli-tokens.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli tokens`: the local API's tokens (the seed's `api_tokens`)
 * made, listed and revoked through the service. A token's secret is printed
 * once, when it is made; only its hash is stored. `bench api` times the
 * API's endpoints. */

#define G_LOG_DOMAIN "aether-cli-tokens"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
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

/* ---- bench api ----------------------------------------------------------- */

typedef struct
{
  GMainLoop *loop;
  GBytes    *body;
  guint      status;
} BenchCall;

static void
on_bench_answer (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  BenchCall *call = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);

  call->body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);
  call->status = soup_message_get_status (msg);
  g_main_loop_quit (call->loop);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/**
 * aether_cli_bench_api:
 *
 * `bench api [--requests N]`: the local API on the demo home with an hour
 * of readings, asked over a keep-alive connection on 127.0.0.1: the median
 * and 95th-percentile time of each endpoint, and the size of its answer.
 */
int
aether_cli_bench_api (AetherCliContext  *ctx,
                      int                argc,
                      char             **argv)
{
  static const char * const paths[] = {
    "/api/v1/devices", "/api/v1/metrics?device_id=demo-fridge&points=60", "/api/v1/energy", "/metrics",
  };
  const char *every[] = { AETHER_API_READ_METRICS, AETHER_API_READ_DEVICES, AETHER_API_READ_COSTS, NULL };
  int n_requests = 200;
  const GOptionEntry entries[] = {
    { "requests", 0, 0, G_OPTION_ARG_INT, &n_requests, N_("Requests per endpoint"), "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherClock) clock = aether_clock_new_manual (G_GINT64_CONSTANT (1735693200) * G_USEC_PER_SEC);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(AetherApiServer) api = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *header = NULL;

  g_option_context_set_summary (context, _("Time the local API's endpoints on the demo home."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (n_requests < 1)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--requests must be at least 1"));
      return aether_cli_fail (error);
    }

  if (!(dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error)))
    return aether_cli_fail (error);
  db = g_build_filename (dir, "api.db", NULL);
  if (!(service = aether_service_new (db, clock, &error)) ||
      !(devices = aether_sim_add_demo_home (aether_service_get_store (service), 42, NULL, &error)))
    return aether_cli_fail (error);
  aether_service_load (service, NULL);
  /* An hour of power at 10 s for every device. */
  for (guint d = 0; d < devices->len; d++)
    for (gint64 t = 0; t < 3600; t += 10)
      {
        AetherReading r = {
          aether_clock_now_us (clock) - (3600 - t) * G_USEC_PER_SEC,
          (char *)aether_json_get_string (json_node_get_object (g_ptr_array_index (devices, d)), "device_id"),
          (char *)"power", 100.0 + d, (char *)"W",
        };

        g_array_append_val (readings, r);
      }
  if (!aether_store_ingest (aether_service_get_store (service), (AetherReading *)(gpointer)readings->data,
                            readings->len, &error) ||
      !(secret = aether_service_create_api_token (service, "bench", every, NULL, NULL, &error)))
    return aether_cli_fail (error);
  api = aether_api_server_new (service);
  if (!aether_api_server_listen (api, "127.0.0.1:0", &error))
    return aether_cli_fail (error);
  header = g_strconcat ("Bearer ", secret, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "benchmark");
  json_builder_add_string_value (builder, "api");
  json_builder_set_member_name (builder, "devices");
  json_builder_add_int_value (builder, devices->len);
  json_builder_set_member_name (builder, "requests_per_endpoint");
  json_builder_add_int_value (builder, n_requests);
  json_builder_set_member_name (builder, "endpoints");
  json_builder_begin_array (builder);
  for (guint p = 0; p < G_N_ELEMENTS (paths); p++)
    {
      g_autofree char *uri = g_strdup_printf ("http://127.0.0.1:%u%s", aether_api_server_get_port (api), paths[p]);
      g_autoptr(GArray) ms = g_array_new (FALSE, FALSE, sizeof (double));
      gsize size = 0;

      for (int i = 0; i < n_requests; i++)
        {
          g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
          BenchCall call = { loop, NULL, 0 };
          gint64 start = g_get_monotonic_time ();
          double elapsed;

          soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
          soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_bench_answer, &call);
          g_main_loop_run (loop);
          elapsed = (g_get_monotonic_time () - start) / 1000.0;
          if (call.status != 200)
            {
              g_set_error (&error, AETHER_ERROR, AETHER_ERROR_FAILED, "%s answered %u", paths[p], call.status);
              g_clear_pointer (&call.body, g_bytes_unref);
              return aether_cli_fail (error);
            }
          size = call.body ? g_bytes_get_size (call.body) : 0;
          g_clear_pointer (&call.body, g_bytes_unref);
          g_array_append_val (ms, elapsed);
        }
      g_array_sort (ms, compare_doubles);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "path");
      json_builder_add_string_value (builder, paths[p]);
      json_builder_set_member_name (builder, "median_ms");
      json_builder_add_double_value (builder, g_array_index (ms, double, ms->len / 2));
      json_builder_set_member_name (builder, "p95_ms");
      json_builder_add_double_value (builder, g_array_index (ms, double, MIN (ms->len - 1, ms->len * 95 / 100)));
      json_builder_set_member_name (builder, "bytes");
      json_builder_add_int_value (builder, size);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "shape");
  json_builder_add_string_value (builder, "the demo home, an hour of power at 10 s per device, one keep-alive client on 127.0.0.1, "
                                          "requests one after another (token check included)");
  json_builder_end_object (builder);
  report = json_builder_get_root (builder);
  aether_cli_print_json (report);

  aether_api_server_stop (api);
  aether_service_stop (service, NULL);
  g_clear_object (&service);
  aether_cli_remove_bench_dir (dir);
  return AETHER_CLI_EXIT_OK;
}
