/* aether-cli-archive.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli db archive`: the hourly and daily tiers as Parquet, a
 * file a month, and `--verify` to read an archive back whole. */

#define G_LOG_DOMAIN "aether-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "aether-cli-private.h"
#include "store/aether-parquet.h"

static int
verify (const char *dir)
{
  static const char * const folders[] = { "hourly", "daily" };
  g_autoptr(GError) error = NULL;
  guint n_files = 0;

  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autofree char *folder = g_build_filename (dir, folders[f], NULL);
      g_autoptr(GDir) d = g_dir_open (folder, 0, NULL);
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      const char *name;
      guint64 rows = 0;
      double energy = 0, cost = 0;

      if (d == NULL)
        continue;
      while ((name = g_dir_read_name (d)) != NULL)
        if (g_str_has_suffix (name, ".parquet"))
          g_ptr_array_add (names, g_strdup (name));
      g_ptr_array_sort (names, (GCompareFunc)g_strcmp0);

      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *path = g_build_filename (folder, g_ptr_array_index (names, i), NULL);
          g_autoptr(AetherParquetSummary) summary = aether_parquet_read_summary (path, &error);

          if (summary == NULL)
            return aether_cli_fail (error);
          for (guint c = 0; c < summary->n_columns; c++)
            {
              if (g_str_equal (summary->names[c], "energy_wh"))
                energy += summary->sums[c];
              else if (g_str_equal (summary->names[c], "cost"))
                cost += summary->sums[c];
            }
          rows += summary->n_rows;
          n_files++;
        }
      if (names->len > 0)
        printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u file, %" G_GUINT64_FORMAT " rows, %.3f kWh, cost %.2f\n",
                             "%s: %u files, %" G_GUINT64_FORMAT " rows, %.3f kWh, cost %.2f\n", names->len),
                folders[f], names->len, rows, energy / 1000.0, cost);
    }

  if (n_files == 0)
    {
      g_set_error (&error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, _("%s holds no archive (no hourly/ or daily/ Parquet files)"), dir);
      return aether_cli_fail (error);
    }
  printf (g_dngettext (GETTEXT_PACKAGE, "Every one of %u file reads back whole\n",
                       "Every one of %u files reads back whole\n", n_files), n_files);
  return AETHER_CLI_EXIT_OK;
}

int
aether_cli_db_archive (AetherCliContext  *ctx,
                       int                argc,
                       char             **argv)
{
  g_autofree char *before = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *verify_dir = NULL;
  const GOptionEntry entries[] = {
    { "before", 0, 0, G_OPTION_ARG_STRING, &before, N_("Archive the months that ended before this date"), "YYYY-MM-DD" },
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, N_("The folder to write hourly/ and daily/ into"), "DIR" },
    { "verify", 0, 0, G_OPTION_ARG_FILENAME, &verify_dir, N_("Read an archive back and print its totals"), "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  AetherArchiveStats stats = { 0 };
  gint64 before_us;
  g_autofree char *iso = NULL;

  g_option_context_set_summary (context, _("Write the hourly and daily tiers as Parquet files, one a month "
                                           "(readable by DuckDB, pandas, Spark); the database is only read."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);

  if (verify_dir != NULL)
    return verify (verify_dir);

  if (before == NULL || dir == NULL)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--before and --dir are required (or --verify DIR)"));
      return aether_cli_fail (error);
    }
  iso = strlen (before) == 10 ? g_strconcat (before, "T00:00:00Z", NULL) : g_strdup (before);
  if (!aether_parse_timestamp (iso, &before_us, &error))
    {
      g_prefix_error (&error, "--before: ");
      return aether_cli_fail (error);
    }
  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !aether_store_archive (store, before_us, dir, &stats, &error))
    return aether_cli_fail (error);

  printf (g_dngettext (GETTEXT_PACKAGE, "Wrote %u Parquet file (%" G_GUINT64_FORMAT " rows, %" G_GUINT64_FORMAT " bytes) into %s\n",
                       "Wrote %u Parquet files (%" G_GUINT64_FORMAT " rows, %" G_GUINT64_FORMAT " bytes) into %s\n",
                       stats.n_files),
          stats.n_files, stats.n_rows, stats.n_bytes, dir);
  if (stats.n_rows > 0)
    printf (_("%.1f bytes per stored bucket\n"), (double)stats.n_bytes / (double)stats.n_rows);
  return AETHER_CLI_EXIT_OK;
}
