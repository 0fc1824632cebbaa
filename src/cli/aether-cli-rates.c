/* aether-cli-rates.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli rates`: check a schedule (every problem, one per line),
 * import one from the Utility Rate Database, price readings into the seed's
 * Cost Records, and compute a bill; and `bench tariff`. */

#define G_LOG_DOMAIN "aether-cli-rates"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aether-cli-private.h"
#include "import/aether-green-button-import.h"

static gboolean
parse_interval (const char  *text,
                gint64      *seconds,
                GError     **error)
{
  char *end = NULL;
  gint64 n = g_ascii_strtoll (text, &end, 10);
  gint64 unit = 60;

  if (end == text || n <= 0)
    goto bad;
  if (*end == 'm' && end[1] == '\0')
    unit = 60;
  else if (*end == 'h' && end[1] == '\0')
    unit = 3600;
  else if (*end == 's' && end[1] == '\0')
    unit = 1;
  else if (*end != '\0')
    goto bad;

  *seconds = n * unit;
  if (*seconds < 60 || *seconds > 86400)
    goto bad;
  return TRUE;

bad:
  g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
               _("--interval “%s” is not a length like 15m, 30m or 1h (1 minute to 1 day)"), text);
  return FALSE;
}

static int
rates_validate (AetherCliContext  *ctx,
                int                argc,
                char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) problems = NULL;

  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one schedule file"));
      return aether_cli_fail (error);
    }

  if (!(root = aether_json_parse_file (argv[1], AETHER_JSON_MAX_DEPTH, &error)))
    return aether_cli_fail (error);

  problems = aether_rate_schedule_validate_json (root);
  for (guint i = 0; i < problems->len; i++)
    printf ("%s\n", (const char *)g_ptr_array_index (problems, i));

  if (problems->len > 0)
    return AETHER_CLI_EXIT_FAILURE;

  printf (_("%s is a valid rate schedule\n"), argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static int
rates_import_urdb (AetherCliContext  *ctx,
                   int                argc,
                   char             **argv)
{
  g_autofree char *tz = NULL;
  const GOptionEntry entries[] = {
    { "time-zone", 0, 0, G_OPTION_ARG_STRING, &tz, N_("The utility's time zone (URDB records have none)"), "ZONE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) schedules = NULL;

  g_option_context_set_summary (context, _("Print a URDB rate (or every rate of an API response) as our schedule JSON. "
                                           "What cannot be represented is listed on standard error."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one URDB JSON file"));
      return aether_cli_fail (error);
    }

  if (!(schedules = aether_urdb_import_file (argv[1], tz, notes, &error)))
    return aether_cli_fail (error);

  for (guint i = 0; i < notes->len; i++)
    g_printerr (_("Not imported as is: %s\n"), (const char *)g_ptr_array_index (notes, i));

  if (schedules->len == 1)
    aether_cli_print_json (g_ptr_array_index (schedules, 0));
  else
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < schedules->len; i++)
        json_array_add_element (array, json_node_copy (g_ptr_array_index (schedules, i)));
      json_node_set_array (root, array);
      aether_cli_print_json (root);
    }

  return AETHER_CLI_EXIT_OK;
}

static AetherTariff *
load_tariff (const char  *path,
             GError     **error)
{
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();

  if (!(root = aether_json_parse_file (path, AETHER_JSON_MAX_DEPTH, error)))
    return NULL;

  /* One schedule, or a list of its versions. */
  if (JSON_NODE_HOLDS_ARRAY (root))
    for (guint i = 0; i < json_array_get_length (json_node_get_array (root)); i++)
      g_ptr_array_add (nodes, json_array_get_element (json_node_get_array (root), i));
  else
    g_ptr_array_add (nodes, root);

  for (guint i = 0; i < nodes->len; i++)
    {
      g_autoptr(AetherRateSchedule) schedule = aether_rate_schedule_new_from_json (g_ptr_array_index (nodes, i), error);

      if (schedule == NULL || !aether_tariff_add_schedule (tariff, schedule, error))
        {
          g_prefix_error (error, "%s: ", path);
          return NULL;
        }
    }

  return g_steal_pointer (&tariff);
}

static GArray *
household_intervals (GHashTable *per_device)
{
  GArray *total = g_array_new (FALSE, TRUE, sizeof (AetherEnergyInterval));
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, per_device);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      GArray *device = value;

      for (guint i = 0; i < device->len; i++)
        {
          AetherEnergyInterval *d = &g_array_index (device, AetherEnergyInterval, i);
          AetherEnergyInterval *t;

          if (i >= total->len)
            {
              g_array_set_size (total, i + 1);
              t = &g_array_index (total, AetherEnergyInterval, i);
              t->start_s = d->start_s;
              t->end_s = d->end_s;
            }
          t = &g_array_index (total, AetherEnergyInterval, i);
          t->energy_kwh += d->energy_kwh;
          t->exported_kwh += d->exported_kwh;
          t->peak_w += d->peak_w;
        }
    }

  return total;
}

static int
rates_cost (AetherCliContext  *ctx,
            int                argc,
            char             **argv)
{
  g_autofree char *schedule_path = NULL;
  g_autofree char *readings_path = NULL;
  g_autofree char *interval_text = NULL;
  const GOptionEntry entries[] = {
    { "schedule", 0, 0, G_OPTION_ARG_FILENAME, &schedule_path, N_("The rate schedule (or a list of its versions)"), "FILE.json" },
    { "readings", 0, 0, G_OPTION_ARG_FILENAME, &readings_path, N_("Readings: timestamp,device_id,metric_type,value,unit"), "FILE.csv" },
    { "interval", 0, 0, G_OPTION_ARG_STRING, &interval_text, N_("Length of each cost record (default 15m)"), "LENGTH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  g_autoptr(GArray) readings = NULL;
  g_autoptr(GHashTable) per_device = NULL;
  g_autoptr(JsonArray) records = json_array_new ();
  g_autoptr(GList) devices = NULL;
  g_autoptr(GArray) total = NULL;
  g_autoptr(JsonNode) household = NULL;
  g_autoptr(JsonNode) root = NULL;
  gint64 interval_s = 900;

  g_option_context_set_summary (context, _("Price readings with a schedule; prints Cost Records and a summary as JSON."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);

  if (schedule_path == NULL || readings_path == NULL)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--schedule and --readings are required"));
      return aether_cli_fail (error);
    }
  if (interval_text != NULL && !parse_interval (interval_text, &interval_s, &error))
    return aether_cli_fail (error);

  if (!(tariff = load_tariff (schedule_path, &error)) ||
      !(readings = aether_readings_load_csv (readings_path, &error)) ||
      !(per_device = aether_energy_intervals_from_readings (readings, interval_s, &error)))
    return aether_cli_fail (error);

  devices = g_list_sort (g_hash_table_get_keys (per_device), (GCompareFunc)g_strcmp0);
  for (GList *l = devices; l; l = l->next)
    {
      GArray *intervals = g_hash_table_lookup (per_device, l->data);
      g_autoptr(JsonNode) priced = aether_tariff_cost (tariff, l->data, (AetherEnergyInterval *)(gpointer)intervals->data,
                                                       intervals->len, &error);
      JsonArray *device_records;

      if (priced == NULL)
        return aether_cli_fail (error);
      device_records = json_object_get_array_member (json_node_get_object (priced), "records");
      for (guint i = 0; i < json_array_get_length (device_records); i++)
        json_array_add_element (records, json_node_copy (json_array_get_element (device_records, i)));
    }

  /* The summary is the household's: demand and fixed charges are per meter. */
  total = household_intervals (per_device);
  if (!(household = aether_tariff_cost (tariff, "household", (AetherEnergyInterval *)(gpointer)total->data,
                                        total->len, &error)))
    return aether_cli_fail (error);

  {
    JsonObject *object = json_object_new ();

    json_object_set_array_member (object, "records", json_array_ref (records));
    json_object_set_member (object, "summary",
                            json_node_copy (json_object_get_member (json_node_get_object (household), "summary")));
    root = json_node_new (JSON_NODE_OBJECT);
    json_node_take_object (root, object);
  }

  aether_cli_print_json (root);
  return AETHER_CLI_EXIT_OK;
}

static int
rates_bill (AetherCliContext  *ctx,
            int                argc,
            char             **argv)
{
  g_autofree char *schedule_path = NULL;
  g_autofree char *readings_path = NULL;
  g_autofree char *cycle = NULL;
  const GOptionEntry entries[] = {
    { "schedule", 0, 0, G_OPTION_ARG_FILENAME, &schedule_path, N_("The rate schedule (or a list of its versions)"), "FILE.json" },
    { "readings", 0, 0, G_OPTION_ARG_FILENAME, &readings_path, N_("Readings: timestamp,device_id,metric_type,value,unit"), "FILE.csv" },
    { "cycle-start", 0, 0, G_OPTION_ARG_STRING, &cycle, N_("The first day of the billing cycle"), "YYYY-MM-DD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  g_autoptr(GArray) readings = NULL;
  g_autoptr(GHashTable) per_device = NULL;
  g_autoptr(GArray) total = NULL;
  g_autoptr(JsonNode) bill = NULL;
  int y, m, d;
  char tail;
  gint64 start;

  g_option_context_set_summary (context, _("Compute the bill of one billing cycle as JSON, with a projection "
                                           "when the readings stop before the cycle ends."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);

  if (schedule_path == NULL || readings_path == NULL || cycle == NULL)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("--schedule, --readings and --cycle-start are required"));
      return aether_cli_fail (error);
    }
  if (sscanf (cycle, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy (d, m, y))
    {
      g_set_error (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--cycle-start “%s” is not a date (YYYY-MM-DD)"), cycle);
      return aether_cli_fail (error);
    }

  if (!(tariff = load_tariff (schedule_path, &error)) ||
      !(readings = aether_readings_load_csv (readings_path, &error)) ||
      !(per_device = aether_energy_intervals_from_readings (readings, 900, &error)) ||
      (start = aether_tariff_cycle_start (tariff, y, m, d, &error)) < 0)
    return aether_cli_fail (error);

  total = household_intervals (per_device);
  if (!(bill = aether_tariff_bill (tariff, (AetherEnergyInterval *)(gpointer)total->data, total->len, start, &error)))
    return aether_cli_fail (error);

  aether_cli_print_json (bill);
  return AETHER_CLI_EXIT_OK;
}

static int
rates_add (AetherCliContext  *ctx,
           int                argc,
           char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autofree char *id = NULL;
  gint64 now_us = aether_clock_now_us (ctx->clock);

  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one schedule file"));
      return aether_cli_fail (error);
    }

  if (!(root = aether_json_parse_file (argv[1], AETHER_JSON_MAX_DEPTH, &error)))
    return aether_cli_fail (error);
  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(id = aether_rates_add_schedule (store, root, now_us, FALSE, &error)))
    return aether_cli_fail (error);

  printf (_("Added rate schedule %s; stored costs in its dates will be re-priced by “collect”\n"), id);
  return AETHER_CLI_EXIT_OK;
}

/* Money as the file keeps it, to 1/100 000, without trailing zeros past
 * the cents. */
static char *
format_money (JsonObject *o,
              const char *member,
              const char *currency)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  char *text;
  gsize n;

  if (!json_object_has_member (o, member))
    return g_strdup ("—");
  g_snprintf (buffer, sizeof buffer, "%.5f", json_object_get_double_member (o, member));
  n = strlen (buffer);
  while (n > 0 && buffer[n - 1] == '0' && n > 3 && buffer[n - 3] != '.')
    buffer[--n] = '\0';
  text = g_strdup_printf ("%s %s", buffer, currency ? currency : "");
  return g_strchomp (text);
}

static void
print_reconciliation (JsonNode *report)
{
  JsonArray *points = json_object_get_array_member (json_node_get_object (report), "usage_points");

  for (guint p = 0; p < json_array_get_length (points); p++)
    {
      JsonObject *point = json_array_get_object_element (points, p);
      JsonArray *periods = json_object_get_array_member (point, "periods");

      printf ("%s\n", json_object_get_string_member_with_default (point, "title", _("Usage point")));
      for (guint i = 0; i < json_array_get_length (periods); i++)
        {
          JsonObject *period = json_array_get_object_element (periods, i);
          JsonObject *utility = json_object_get_object_member (period, "utility");
          JsonObject *ours = json_object_get_object_member (period, "ours");
          const char *currency = json_object_get_string_member_with_default (utility, "currency", NULL);
          g_autofree char *interval_cost = format_money (utility, "interval_cost", currency);
          g_autofree char *bill = format_money (utility, "bill", currency);
          guint n = (guint)json_object_get_int_member (period, "intervals");

          printf (g_dngettext (GETTEXT_PACKAGE, "  %s to %s, %u interval reading\n", "  %s to %s, %u interval readings\n", n),
                  json_object_get_string_member (period, "start"), json_object_get_string_member (period, "end"), n);
          printf (_("    Energy in the file:          %.3f Wh"), json_object_get_double_member (period, "energy_wh"));
          if (json_object_has_member (period, "utility_consumption"))
            printf (_(" (the bill says %.3f %s)"), json_object_get_double_member (period, "utility_consumption"),
                    json_object_get_string_member (period, "utility_consumption_unit"));
          printf ("\n");
          if (json_object_get_double_member (period, "received_wh") > 0)
            printf (_("    Returned to the grid:        %.3f Wh\n"), json_object_get_double_member (period, "received_wh"));
          printf (_("    The utility’s interval costs: %s\n"), interval_cost);
          printf (_("    The utility’s bill:          %s"), bill);
          if (json_object_has_member (period, "bill_minus_intervals"))
            {
              g_autofree char *gap = format_money (period, "bill_minus_intervals", currency);

              printf (_(" (bill less its intervals: %s, %s)"), gap,
                      json_object_get_string_member (period, "bill_minus_intervals_cause"));
            }
          printf ("\n");
          if (ours != NULL)
            {
              const char *our_currency = json_object_get_string_member_with_default (ours, "currency", NULL);
              g_autofree char *total = format_money (ours, "total", our_currency);
              g_autofree char *energy = format_money (ours, "energy_cost", NULL);
              g_autofree char *fixed = format_money (ours, "fixed_charges", NULL);
              g_autofree char *taxes = format_money (ours, "taxes", NULL);

              printf (_("    The tariff’s price:          %s (energy %s, fixed charges %s, taxes %s)\n"),
                      total, energy, fixed, taxes);
            }
          if (json_object_has_member (period, "difference"))
            {
              g_autofree char *difference = format_money (period, "difference", currency);

              printf (_("    Difference:                  %s; likely cause: %s\n"), difference,
                      json_object_get_string_member (period, "likely_cause"));
            }
          if (json_object_has_member (period, "note"))
            printf ("    %s\n", json_object_get_string_member (period, "note"));
        }
    }
}

static int
rates_reconcile (AetherCliContext  *ctx,
                 int                argc,
                 char             **argv)
{
  g_autofree char *schedule_path = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the report as JSON"), NULL },
    { "schedule", 0, 0, G_OPTION_ARG_FILENAME, &schedule_path,
      N_("Price with this schedule instead of the stored tariff"), "FILE.json" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Only billing periods after this time"), "TIME" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("Only billing periods before this time"), "TIME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("FILE.xml");
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  g_autoptr(AetherGreenButtonFeed) feed = NULL;
  g_autoptr(JsonNode) report = NULL;
  gint64 from_us = G_MININT64, to_us = G_MAXINT64;

  g_option_context_set_summary (context, _("Check a Green Button file’s bills against your tariff: for each "
                                           "billing period, the utility’s bill and summed interval costs, what "
                                           "the tariff makes of the same energy, the difference and its likely "
                                           "cause."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one Green Button XML file"));
      return aether_cli_fail (error);
    }
  if ((from_text != NULL && !aether_parse_timestamp (from_text, &from_us, &error)) ||
      (to_text != NULL && !aether_parse_timestamp (to_text, &to_us, &error)))
    {
      g_prefix_error (&error, from_text && from_us == G_MININT64 ? "--from: " : "--to: ");
      return aether_cli_fail (error);
    }

  if (!(feed = aether_green_button_load (argv[1], &error)))
    return aether_cli_fail (error);
  if (schedule_path != NULL)
    tariff = load_tariff (schedule_path, &error);
  else
    {
      g_autoptr(AetherStore) store = aether_store_open (ctx->db_path, ctx->clock, &error);
      guint n_versions = 0;

      if (store != NULL && (tariff = aether_rates_load_tariff (store, &n_versions, &error)) != NULL && n_versions == 0)
        {
          g_clear_object (&tariff);
          g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                               _("No rate schedule is stored; add one with “rates add” or give --schedule"));
        }
    }
  if (tariff == NULL ||
      !(report = aether_green_button_reconcile (feed, tariff,
                                                from_us == G_MININT64 ? G_MININT64 : from_us / G_USEC_PER_SEC,
                                                to_us == G_MAXINT64 ? G_MAXINT64 : to_us / G_USEC_PER_SEC, &error)))
    return aether_cli_fail (error);

  if (json)
    aether_cli_print_json (report);
  else
    print_reconciliation (report);
  return AETHER_CLI_EXIT_OK;
}

static int
rates_import_feed (AetherCliContext  *ctx,
                   int                argc,
                   char             **argv)
{
  g_autofree char *format = NULL;
  g_autofree char *field = NULL;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      N_("octopus_agile, nordpool, entsoe or uk_carbon_intensity (default: told from the file)"), "FORMAT" },
    { "field", 0, 0, G_OPTION_ARG_STRING, &field, N_("Which Agile price: value_inc_vat (default) or value_exc_vat"),
      "FIELD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("RATE_ID FILE");
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autofree char *contents = NULL;
  gsize length;
  guint n = 0;

  g_option_context_set_summary (context, _("Store a price feed (into a dynamic rate schedule) or a carbon "
                                           "intensity feed (into any) from a file: what it covers is replaced, "
                                           "the rest kept, and stored costs in its dates are re-priced."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (argc != 3)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give a rate schedule id and a feed file"));
      return aether_cli_fail (error);
    }
  if (!g_file_get_contents (argv[2], &contents, &length, &error) ||
      !(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !aether_rates_apply_feed (store, argv[1], contents, length, format, field,
                                aether_clock_now_us (ctx->clock), &n, &error))
    {
      g_prefix_error (&error, "%s: ", argv[2]);
      return aether_cli_fail (error);
    }

  printf (g_dngettext (GETTEXT_PACKAGE, "Stored %u interval from %s in rate schedule %s\n",
                       "Stored %u intervals from %s in rate schedule %s\n", n), n, argv[2], argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static const AetherCliCommand rates_commands[] = {
  { "add",         rates_add,         N_("Store a schedule (a version) and re-price its dates") },
  { "validate",    rates_validate,    N_("Check a schedule; every problem on its own line") },
  { "import-urdb", rates_import_urdb, N_("Convert a Utility Rate Database record") },
  { "cost",        rates_cost,        N_("Price readings into Cost Records") },
  { "bill",        rates_bill,        N_("Compute a billing cycle's bill") },
  { "import-feed", rates_import_feed, N_("Store dynamic prices or carbon intensities from a feed file") },
  { "reconcile",   rates_reconcile,   N_("Check a Green Button file's bills against the tariff") },
  { NULL }
};

int
aether_cli_rates_main (AetherCliContext  *ctx,
                       int                argc,
                       char             **argv)
{
  return aether_cli_dispatch (ctx, "rates", rates_commands, argc, argv);
}

/* A year of 1-minute intervals for one device through a time-of-use schedule
 * with seasons, tiers and DST: the pricing walk alone, as JSON. */
int
aether_cli_bench_tariff (AetherCliContext  *ctx,
                         int                argc,
                         char             **argv)
{
  static const char *schedule_json =
    "{\"rate_id\": \"bench\", \"currency\": \"USD\", \"time_zones\": \"America/Los_Angeles\","
    " \"effective_date\": \"2023-01-01\","
    " \"rate_structure\": {\"type\": \"time_of_use\", \"seasons\": ["
    "  {\"name\": \"summer\", \"months\": \"6-9\", \"periods\": ["
    "    {\"name\": \"peak\", \"rate\": 0.42, \"days\": [\"weekdays\"], \"hours\": \"16:00-21:00\"},"
    "    {\"name\": \"off_peak\", \"rate\": 0.24, \"days\": [\"all\"], \"hours\": \"00:00-16:00,21:00-23:59\"},"
    "    {\"name\": \"weekend\", \"rate\": 0.20, \"days\": [\"weekends\"], \"hours\": \"16:00-21:00\"}]},"
    "  {\"name\": \"winter\", \"months\": \"10-5\", \"periods\": ["
    "    {\"name\": \"base\", \"days\": [\"all\"], \"hours\": \"00:00-23:59\","
    "     \"tiers\": [{\"max_kwh\": 300, \"rate\": 0.2}, {\"rate\": 0.3}]}]}]},"
    " \"fixed_charges\": {\"monthly_service\": 10, \"demand_charge\": 5},"
    " \"taxes\": [{\"name\": \"tax\", \"percent\": 5}], \"carbon_intensity_g_per_kwh\": 250}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (schedule_json, &error);
  g_autoptr(AetherRateSchedule) schedule = NULL;
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();
  g_autoptr(GArray) intervals = g_array_new (FALSE, TRUE, sizeof (AetherEnergyInterval));
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const gint64 t0 = G_GINT64_CONSTANT (1704067200);   /* 2024-01-01 UTC */
  double best = G_MAXDOUBLE;
  double kwh = 0;

  if (!(schedule = aether_rate_schedule_new_from_json (node, &error)) ||
      !aether_tariff_add_schedule (tariff, schedule, &error))
    return aether_cli_fail (error);

  for (gint64 i = 0; i < 365 * 1440; i++)
    {
      AetherEnergyInterval iv = { t0 + i * 60, t0 + i * 60 + 60, 0.5 / 60.0 * (1 + sin (i / 200.0)), 0 };
      g_array_append_val (intervals, iv);
    }

  for (guint run = 0; run < 5; run++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(JsonNode) bill = aether_tariff_bill (tariff, (AetherEnergyInterval *)(gpointer)intervals->data,
                                                     intervals->len, t0, &error);
      double ms;

      if (bill == NULL)
        return aether_cli_fail (error);
      /* A bill walks one cycle; price the whole year as twelve of them. */
      for (int month = 1; month < 12; month++)
        {
          g_autoptr(GDateTime) cycle = g_date_time_new_utc (2024, month + 1, 1, 8, 0, 0);
          g_autoptr(JsonNode) other = aether_tariff_bill (tariff, (AetherEnergyInterval *)(gpointer)intervals->data,
                                                          intervals->len, g_date_time_to_unix (cycle), &error);
          if (other == NULL)
            return aether_cli_fail (error);
          kwh += 0;
        }
      ms = (g_get_monotonic_time () - start) / 1000.0;
      best = MIN (best, ms);
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "benchmark");
  json_builder_add_string_value (b, "tariff");
  json_builder_set_member_name (b, "intervals");
  json_builder_add_int_value (b, intervals->len);
  json_builder_set_member_name (b, "year_of_minutes_priced_ms");
  json_builder_add_double_value (b, best);
  json_builder_set_member_name (b, "target");
  json_builder_add_string_value (b, "<= 50 ms");
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  aether_cli_print_json (root);
  (void)kwh;

  return AETHER_CLI_EXIT_OK;
}
