/* aether-cli-util.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What every aetherlens-cli command shares: sub-command dispatch with help,
 * error printing, JSON output and where the database lives by default. */

#define G_LOG_DOMAIN "aether-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "aether-cli-private.h"

static void
print_group_help (const char             *prgname,
                  const char             *group,
                  const AetherCliCommand *commands,
                  FILE                   *out)
{
  fprintf (out, _("Usage: %s %s COMMAND [OPTION…]\n\n"), prgname, group);
  fprintf (out, "%s\n", _("Commands:"));
  for (guint i = 0; commands[i].name != NULL; i++)
    fprintf (out, "  %-12s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, _("\nRun “%s %s COMMAND --help” for a command’s options.\n"), prgname, group);
}

/**
 * aether_cli_dispatch:
 * @ctx: the CLI context
 * @group: (nullable): the command group, or %NULL at the top level
 * @commands: a table ending with a %NULL name
 * @argc: the argument count, argv[0] being the group's own name
 * @argv: the arguments
 *
 * Finds argv[1] in @commands and runs it with argv shifted by one.
 *
 * Returns: the exit status
 */
int
aether_cli_dispatch (AetherCliContext        *ctx,
                     const char              *group,
                     const AetherCliCommand  *commands,
                     int                      argc,
                     char                   **argv)
{
  const char *name;

  if (argc < 2)
    {
      print_group_help (ctx->prgname, group, commands, stderr);
      return AETHER_CLI_EXIT_USAGE;
    }

  name = argv[1];

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      print_group_help (ctx->prgname, group, commands, stdout);
      return AETHER_CLI_EXIT_OK;
    }

  for (guint i = 0; commands[i].name != NULL; i++)
    {
      if (g_str_equal (commands[i].name, name))
        return commands[i].func (ctx, argc - 1, argv + 1);
    }

  fprintf (stderr, _("%s %s: unknown command “%s”\n"), ctx->prgname, group, name);
  print_group_help (ctx->prgname, group, commands, stderr);
  return AETHER_CLI_EXIT_USAGE;
}

/**
 * aether_cli_fail:
 * @error: what went wrong
 *
 * Prints @error for a person and picks the exit status.
 *
 * Returns: %AETHER_CLI_EXIT_USAGE for bad arguments, else %AETHER_CLI_EXIT_FAILURE
 */
int
aether_cli_fail (const GError *error)
{
  g_return_val_if_fail (error != NULL, AETHER_CLI_EXIT_FAILURE);

  fprintf (stderr, "%s: %s\n", g_get_prgname (), error->message);

  if (g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION) ||
      g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE) ||
      g_error_matches (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT))
    return AETHER_CLI_EXIT_USAGE;

  return AETHER_CLI_EXIT_FAILURE;
}

/**
 * aether_cli_print_json:
 * @node: the document
 *
 * Writes @node to standard output, pretty-printed, with a final newline.
 */
void
aether_cli_print_json (JsonNode *node)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = aether_json_to_string (node, TRUE, &error);

  /* Only a value JSON cannot hold gets here; it is said, not printed as
   * text no JSON reader takes. */
  if (text == NULL)
    {
      g_printerr ("aetherlens-cli: %s\n", error->message);
      return;
    }
  fputs (text, stdout);
  fputc ('\n', stdout);
}

/**
 * aether_cli_default_db_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/aetherlens/aetherlens.db`, or
 *   `$AETHERLENS_DB` when set
 */
char *
aether_cli_default_db_path (void)
{
  const char *env = g_getenv ("AETHERLENS_DB");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "aetherlens", "aetherlens.db", NULL);
}

/**
 * aether_cli_cpu_seconds:
 * @usage: (nullable): a child's usage from wait4(), or %NULL for this
 *   process's own
 *
 * Returns: user and system CPU seconds, what benchmarks report beside wall
 *   time on a shared machine
 */
double
aether_cli_cpu_seconds (const struct rusage *usage)
{
  struct rusage self;

  if (usage == NULL)
    {
      getrusage (RUSAGE_SELF, &self);
      usage = &self;
    }
  return usage->ru_utime.tv_sec + usage->ru_utime.tv_usec / 1e6 +
         usage->ru_stime.tv_sec + usage->ru_stime.tv_usec / 1e6;
}

/**
 * aether_cli_remove_bench_dir:
 * @dir: a benchmark's folder of files
 *
 * Removes the files in @dir, then @dir.
 */
void
aether_cli_remove_bench_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);

      g_unlink (p);
    }
  g_rmdir (dir);
}

/**
 * aether_cli_bytes_written:
 *
 * Returns: the bytes this process has handed to write() (`wchar` in
 *   /proc/self/io, whatever the page cache does with them), or -1
 */
gint64
aether_cli_bytes_written (void)
{
  g_autofree char *io = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/io", &io, NULL, NULL))
    return -1;
  if ((line = strstr (io, "wchar: ")))
    return g_ascii_strtoll (line + 7, NULL, 10);
  return -1;
}
