/* aether-cli-alerts.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli alerts`: the rules `collect` evaluates, in the seed's
 * Alert JSON, and their history. A rule is checked before it is stored, so
 * a typo is reported here and not silently ignored later. */

#define G_LOG_DOMAIN "aether-cli-alerts"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "aether-alerts-registry.h"
#include "aether-cli-private.h"

static int
alerts_list (AetherCliContext  *ctx,
             int                argc,
             char             **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the seed's Alert JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) alerts = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(alerts = aether_store_list_alerts (store, &error)))
    return aether_cli_fail (error);

  if (as_json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < alerts->len; i++)
        json_array_add_element (array, json_node_copy (g_ptr_array_index (alerts, i)));
      json_node_set_array (root, array);
      aether_cli_print_json (root);
      return AETHER_CLI_EXIT_OK;
    }

  if (alerts->len == 0)
    {
      printf ("%s\n", _("No alert rules. Add one with “aetherlens-cli alerts add RULE.json”."));
      return AETHER_CLI_EXIT_OK;
    }

  printf ("%-32s %-28s %-12s %-8s %s\n", _("ID"), _("NAME"), _("TYPE"), _("ENABLED"), _("FIRED"));
  for (guint i = 0; i < alerts->len; i++)
    {
      g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_json (g_ptr_array_index (alerts, i), NULL);
      static const char * const types[] = { "threshold", "cost", "offline", "rate_period", "demand" };

      if (rule == NULL)
        continue;
      printf ("%-32s %-28s %-12s %-8s %u\n", aether_alert_rule_get_id (rule), aether_alert_rule_get_name (rule),
              types[aether_alert_rule_get_condition_type (rule)],
              aether_alert_rule_get_enabled (rule) ? _("yes") : _("no"),
              aether_alert_rule_get_trigger_count (rule));
    }

  return AETHER_CLI_EXIT_OK;
}

static int
alerts_add (AetherCliContext  *ctx,
            int                argc,
            char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autofree char *added = NULL;
  g_autoptr(AetherAlertRule) rule = NULL;

  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one rule file (the seed's Alert JSON)"));
      return aether_cli_fail (error);
    }

  if (!(root = aether_json_parse_file (argv[1], AETHER_JSON_MAX_DEPTH, &error)))
    return aether_cli_fail (error);

  if (!(rule = aether_alert_rule_new_from_json (root, &error)) ||
      !(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(added = aether_alerts_add (store, root, &error)))
    return aether_cli_fail (error);

  printf (_("Added alert “%s” (%s)\n"), aether_alert_rule_get_name (rule), aether_alert_rule_get_id (rule));
  return AETHER_CLI_EXIT_OK;
}

static int
alerts_remove (AetherCliContext  *ctx,
               int                argc,
               char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(JsonNode) removed = NULL;

  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one alert id"));
      return aether_cli_fail (error);
    }

  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(removed = aether_alerts_remove (store, argv[1], &error)))
    return aether_cli_fail (error);

  printf (_("Removed alert %s\n"), argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static int
alerts_history (AetherCliContext  *ctx,
                int                argc,
                char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(JsonNode) history = NULL;

  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(history = aether_store_list_alert_history (store, &error)))
    return aether_cli_fail (error);

  aether_cli_print_json (history);
  return AETHER_CLI_EXIT_OK;
}

static const AetherCliCommand alerts_commands[] = {
  { "list",    alerts_list,    N_("List the alert rules") },
  { "add",     alerts_add,     N_("Add or replace a rule from a JSON file") },
  { "remove",  alerts_remove,  N_("Remove a rule") },
  { "history", alerts_history, N_("Print what fired, cleared and was done, as JSON") },
  { NULL }
};

int
aether_cli_alerts_main (AetherCliContext  *ctx,
                        int                argc,
                        char             **argv)
{
  return aether_cli_dispatch (ctx, "alerts", alerts_commands, argc, argv);
}
