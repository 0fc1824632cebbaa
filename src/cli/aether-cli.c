/* aether-cli.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* aetherlens-cli: the headless face of AetherLens. It links only
 * libaether-core, so it runs on a home server with no display. Global
 * options come before the command; each command group lives in its own
 * aether-cli-GROUP.c and parses its own options. */

#define G_LOG_DOMAIN "aether-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "aether-cli-private.h"

static int cli_version (AetherCliContext *ctx, int argc, char **argv);

static const AetherCliCommand top_commands[] = {
  { "collect", aether_cli_collect_main, N_("Collect readings and raise alerts until stopped (headless service)") },
  { "devices", aether_cli_devices_main, N_("List, add, remove and switch devices") },
  { "demo",    aether_cli_demo_main,  N_("Add the simulated demo home") },
  { "alerts",  aether_cli_alerts_main, N_("List, add and remove alert rules; show their history") },
  { "db",      aether_cli_db_main,    N_("Ingest, query, maintain, check and back up the database") },
  { "rates",   aether_cli_rates_main, N_("Validate, import and apply electricity rate schedules") },
  { "import",  aether_cli_import_main, N_("Import a utility’s Green Button export") },
  { "tokens",  aether_cli_tokens_main, N_("Make, list and revoke the local API's tokens") },
  { "mqtt",    aether_cli_mqtt_main,  N_("Keep an MQTT broker’s login for collect --mqtt") },
  { "bench",   aether_cli_bench_main, N_("Measure the speed of the storage and tariff engines") },
  { "sinks",   aether_cli_sinks_main, N_("Deliver readings to InfluxDB or PostgreSQL as well; their status") },
  { "version", cli_version,           N_("Print the version") },
  { NULL }
};

static void
print_usage (const char *prgname,
             FILE       *out)
{
  fprintf (out, _("Usage: %s [--db PATH] COMMAND [OPTION…]\n\n"), prgname);
  fprintf (out, "%s\n\n", _("Monitor a home’s electricity use without a display."));
  fprintf (out, "%s\n", _("Global options:"));
  fprintf (out, "  %-16s %s\n", "--db PATH", _("Use this database instead of the default"));
  fprintf (out, "  %-16s %s\n", "--version", _("Print the version and exit"));
  fprintf (out, "  %-16s %s\n\n", "-h, --help", _("Show this help and exit"));
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; top_commands[i].name != NULL; i++)
    fprintf (out, "  %-16s %s\n", top_commands[i].name, _(top_commands[i].summary));
  fprintf (out, _("\nRun “%s COMMAND --help” for a command’s options.\n"), prgname);
}

static int
cli_version (AetherCliContext  *ctx,
             int                argc,
             char             **argv)
{
  printf ("aetherlens-cli %s\n", aether_version_string ());
  return AETHER_CLI_EXIT_OK;
}

int
main (int   argc,
      char *argv[])
{
  AetherCliContext ctx = { 0 };
  int first_command_arg = 1;
  int status;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("aetherlens-cli");
  ctx.prgname = "aetherlens-cli";
  ctx.clock = g_object_ref (aether_clock_get_system ());

  /* Global options stop at the first word that is not one. */
  while (first_command_arg < argc && argv[first_command_arg][0] == '-')
    {
      const char *arg = argv[first_command_arg];

      if (g_str_equal (arg, "--version"))
        {
          status = cli_version (&ctx, 0, NULL);
          goto out;
        }
      else if (g_str_equal (arg, "--help") || g_str_equal (arg, "-h"))
        {
          print_usage (ctx.prgname, stdout);
          status = AETHER_CLI_EXIT_OK;
          goto out;
        }
      else if (g_str_equal (arg, "--db") && first_command_arg + 1 < argc)
        {
          g_free (ctx.db_path);
          ctx.db_path = g_strdup (argv[first_command_arg + 1]);
          first_command_arg += 2;
        }
      else if (g_str_has_prefix (arg, "--db="))
        {
          g_free (ctx.db_path);
          ctx.db_path = g_strdup (arg + strlen ("--db="));
          first_command_arg += 1;
        }
      else
        {
          fprintf (stderr, _("%s: unknown option “%s”\n\n"), ctx.prgname, arg);
          print_usage (ctx.prgname, stderr);
          status = AETHER_CLI_EXIT_USAGE;
          goto out;
        }
    }

  if (ctx.db_path == NULL)
    ctx.db_path = aether_cli_default_db_path ();

  if (first_command_arg >= argc)
    {
      print_usage (ctx.prgname, stderr);
      status = AETHER_CLI_EXIT_USAGE;
      goto out;
    }

  /* Reuse the group dispatcher with a fake group word in argv[0]. */
  status = aether_cli_dispatch (&ctx, "", top_commands,
                                argc - first_command_arg + 1,
                                argv + first_command_arg - 1);

out:
  g_clear_pointer (&ctx.db_path, g_free);
  g_clear_object (&ctx.clock);

  return status;
}
