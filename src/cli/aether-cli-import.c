/* aether-cli-import.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli import`: files other programs wrote — today the Green
 * Button exports utilities give their customers. */

#define G_LOG_DOMAIN "aether-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>

#include "aether-cli-private.h"
#include "import/aether-green-button-import.h"

static char *
format_day (gint64 unix_s)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_s);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%x");
}

static int
import_green_button (AetherCliContext  *ctx,
                     int                argc,
                     char             **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherGreenButtonFeed) feed = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) meters = NULL;
  g_autofree char *name = NULL;
  gint64 now_s;

  g_option_context_set_summary (context, _("Store a Green Button (ESPI) file from your utility: each meter "
                                           "in it becomes a utility meter device with its readings and the "
                                           "utility’s own cost. Importing a file again changes nothing."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one Green Button XML file"));
      return aether_cli_fail (error);
    }

  name = g_path_get_basename (argv[1]);
  /* The whole file is read and checked before anything is stored. */
  if (!(feed = aether_green_button_load (argv[1], &error)) ||
      !(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(meters = aether_green_button_import (store, feed, name, &error)))
    return aether_cli_fail (error);

  now_s = aether_clock_now_s (ctx->clock);
  for (guint i = 0; i < meters->len; i++)
    {
      AetherGreenButtonMeter *m = g_ptr_array_index (meters, i);
      g_autofree char *from = format_day (m->from_s);
      g_autofree char *to = format_day (m->to_s - 1);

      printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u reading, %s to %s, %.3f %s", "%s: %u readings, %s to %s, %.3f %s",
                           m->n_intervals),
              m->device_id, m->n_intervals, from, to, m->total, m->unit);
      if (!isnan (m->utility_cost))
        printf (_(", the utility’s cost %.5f %s"), m->utility_cost, m->currency ? m->currency : "");
      printf ("%s\n", m->new_device ? "" : _(" (already imported; updated)"));
      if (m->n_overlapping > 0)
        printf (g_dngettext (GETTEXT_PACKAGE, "  %u reading overlaps the one before it and was left out\n",
                             "  %u readings overlap the ones before them and were left out\n", m->n_overlapping),
                m->n_overlapping);

      /* Retention keeps energy totals five years. */
      if (m->from_s < now_s - 5 * 366 * 86400)
        printf (_("  Readings older than five years are dropped by the next maintenance, as all "
                  "energy is; `rates reconcile %s` checks the file itself.\n"), argv[1]);
    }
  return AETHER_CLI_EXIT_OK;
}

static const AetherCliCommand import_commands[] = {
  { "greenbutton", import_green_button, N_("Store a utility’s Green Button (ESPI XML) export") },
  { NULL }
};

int
aether_cli_import_main (AetherCliContext  *ctx,
                        int                argc,
                        char             **argv)
{
  return aether_cli_dispatch (ctx, "import", import_commands, argc, argv);
}
