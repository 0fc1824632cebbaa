/* aether-cli-db.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli db`: the storage engine for people and scripts — ingest a
 * CSV (all of it or none), run maintenance as of a time, query a series or
 * energy totals as JSON, show sizes, check, back up and restore — and
 * `bench store`, which measures it. */

#define G_LOG_DOMAIN "aether-cli-db"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aether-cli-private.h"

static AetherStore *
open_store (AetherCliContext  *ctx,
            GError           **error)
{
  return aether_store_open (ctx->db_path, ctx->clock, error);
}

static gboolean
parse_options (int            *argc,
               char         ***argv,
               const char     *parameter,
               const char     *summary,
               const GOptionEntry *entries,
               GError        **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameter);

  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  return g_option_context_parse (context, argc, argv, error);
}

static gboolean
require_time (const char  *option,
              const char  *text,
              gint64      *us,
              GError     **error)
{
  if (text == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("%s is required"), option);
      return FALSE;
    }

  if (!aether_parse_timestamp (text, us, error))
    {
      g_prefix_error (error, "%s: ", option);
      (*error)->code = AETHER_ERROR_INVALID_ARGUMENT;
      return FALSE;
    }

  return TRUE;
}

static int
db_ingest (AetherCliContext  *ctx,
           int                argc,
           char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GArray) readings = NULL;

  if (!parse_options (&argc, &argv, "FILE.csv",
                      _("Store readings from a CSV file of timestamp,device_id,metric_type,value,unit. "
                        "A file with a bad row is refused whole."), NULL, &error))
    return aether_cli_fail (error);

  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one CSV file"));
      return aether_cli_fail (error);
    }

  if (!(readings = aether_readings_load_csv (argv[1], &error)) ||
      !(store = open_store (ctx, &error)) ||
      !aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error))
    return aether_cli_fail (error);

  printf (_("Stored %u readings from %s\n"), readings->len, argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static void
add_int (JsonBuilder *builder,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, value);
}

static int
db_maintain (AetherCliContext  *ctx,
             int                argc,
             char             **argv)
{
  g_autofree char *now_text = NULL;
  const GOptionEntry entries[] = {
    { "now", 0, 0, G_OPTION_ARG_STRING, &now_text, N_("Maintain as of this time (default: now)"), "TIMESTAMP" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  AetherMaintainStats stats;
  guint n_versions = 0;
  gint64 now_us;

  if (!parse_options (&argc, &argv, NULL, _("Roll readings up into the coarser tiers, price them with the stored "
                                            "rate schedules, re-price what a schedule change asks for, and apply "
                                            "retention."),
                      entries, &error))
    return aether_cli_fail (error);

  now_us = aether_clock_now_us (ctx->clock);
  if (now_text != NULL && !require_time ("--now", now_text, &now_us, &error))
    return aether_cli_fail (error);

  if (!(store = open_store (ctx, &error)) ||
      !(tariff = aether_rates_load_tariff (store, &n_versions, &error)))
    return aether_cli_fail (error);

  /* Energy is priced as it is rolled up, with the version in force at its
   * time, as the service does; costs stored before a version was added
   * are priced again by its re-pricing job. */
  if (n_versions > 0)
    aether_store_set_pricer (store, AETHER_PRICER (tariff));
  if (!aether_store_maintain (store, now_us, &stats, &error) ||
      (n_versions > 0 && !aether_store_run_reprice_jobs (store, 0, NULL, &error)))
    return aether_cli_fail (error);

  json_builder_begin_object (builder);
  add_int (builder, "samples_rolled", (gint64)stats.samples_rolled);
  json_builder_set_member_name (builder, "buckets_written");
  json_builder_begin_object (builder);
  for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
    add_int (builder, aether_tier_to_string (t), (gint64)stats.rolled[t]);
  json_builder_end_object (builder);
  add_int (builder, "rows_deleted", (gint64)stats.deleted);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  aether_cli_print_json (root);
  return AETHER_CLI_EXIT_OK;
}

static int
db_query (AetherCliContext  *ctx,
          int                argc,
          char             **argv)
{
  g_autofree char *device = NULL;
  g_autofree char *room = NULL;
  g_autofree char *type = NULL;
  g_autofree char *metric = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *tier_text = NULL;
  int points = 0;
  const GOptionEntry entries[] = {
    { "device", 0, 0, G_OPTION_ARG_STRING, &device, N_("The device"), "ID" },
    { "room", 0, 0, G_OPTION_ARG_STRING, &room, N_("Instead of a device: the sum of a room's devices"), "ROOM" },
    { "type", 0, 0, G_OPTION_ARG_STRING, &type, N_("Instead of a device: the sum of every device of a type"), "TYPE" },
    { "metric", 0, 0, G_OPTION_ARG_STRING, &metric, N_("The metric (power, energy, voltage, …)"), "TYPE" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Start of the range"), "TIMESTAMP" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("End of the range"), "TIMESTAMP" },
    { "points", 0, 0, G_OPTION_ARG_INT, &points, N_("At most this many buckets; the tier is chosen to fit"), "N" },
    { "tier", 0, 0, G_OPTION_ARG_STRING, &tier_text, N_("Use this tier: raw, 1m, 5m, 1h or 1d"), "TIER" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GArray) buckets = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  AetherTier tier = AETHER_TIER_RAW;
  AetherTier used;
  gint64 from_us, to_us;

  if (!parse_options (&argc, &argv, NULL, _("Print a series over a range as JSON."), entries, &error))
    return aether_cli_fail (error);

  if ((device == NULL && room == NULL && type == NULL) || metric == NULL)
    g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                         _("--metric and one of --device, --room or --type are required"));
  else if ((room != NULL || type != NULL) && tier_text != NULL)
    g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                         _("A room or type sums its devices per column: give --points, not --tier"));
  else if (tier_text != NULL && !aether_tier_from_string (tier_text, &tier))
    g_set_error (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                 _("--tier “%s” is not one of raw, 1m, 5m, 1h, 1d"), tier_text);
  else if (tier_text != NULL && points > 0)
    g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give --points or --tier, not both"));
  else if (points < 0)
    g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--points must be positive"));
  if (error != NULL ||
      !require_time ("--from", from_text, &from_us, &error) ||
      !require_time ("--to", to_text, &to_us, &error))
    return aether_cli_fail (error);

  if (tier_text == NULL && points == 0)
    points = 1000;

  if (!(store = open_store (ctx, &error)))
    return aether_cli_fail (error);
  if (device != NULL)
    buckets = aether_store_query (store, device, metric, from_us, to_us, tier_text ? 0 : (guint)points,
                                  tier_text ? (int)tier : -1, &used, &error);
  else
    buckets = aether_store_query_group (store, room ? "room" : "type", room ? room : type, metric,
                                        from_us, to_us, (guint)points, &used, &error);
  if (buckets == NULL)
    return aether_cli_fail (error);

  json_builder_begin_object (builder);
  add_string (builder, device ? "device_id" : room ? "room" : "type", device ? device : room ? room : type);
  add_string (builder, "metric_type", metric);
  add_string (builder, "tier", aether_tier_to_string (used));
  json_builder_set_member_name (builder, used == AETHER_TIER_RAW && tier_text ? "samples" : "buckets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < buckets->len; i++)
    {
      const AetherBucket *b = &g_array_index (buckets, AetherBucket, i);
      g_autofree char *start = aether_format_timestamp (b->start_us);

      json_builder_begin_object (builder);
      if (used == AETHER_TIER_RAW && tier_text)
        {
          add_string (builder, "timestamp", start);
          add_double (builder, "value", b->first);
        }
      else
        {
          add_string (builder, "start", start);
          add_int (builder, "count", (gint64)b->count);
          add_double (builder, "min", b->min);
          add_double (builder, "max", b->max);
          add_double (builder, "avg", b->avg);
          add_double (builder, "first", b->first);
          add_double (builder, "last", b->last);
          add_double (builder, "p50", b->p50);
          add_double (builder, "p95", b->p95);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  aether_cli_print_json (root);
  return AETHER_CLI_EXIT_OK;
}

static int
db_energy (AetherCliContext  *ctx,
           int                argc,
           char             **argv)
{
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  g_autofree char *group_by = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from_text, N_("Start of the range"), "TIMESTAMP" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to_text, N_("End of the range"), "TIMESTAMP" },
    { "group-by", 0, 0, G_OPTION_ARG_STRING, &group_by, N_("device (default), room or type"), "GROUP" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  gint64 from_us, to_us;
  double sum_wh = 0, sum_cost = 0, sum_co2 = 0;
  double sum_exported_wh = 0;

  if (!parse_options (&argc, &argv, NULL, _("Print energy, cost and CO₂ totals for a range as JSON."),
                      entries, &error) ||
      !require_time ("--from", from_text, &from_us, &error) ||
      !require_time ("--to", to_text, &to_us, &error))
    return aether_cli_fail (error);

  if (!(store = open_store (ctx, &error)) ||
      !(totals = aether_store_energy_totals (store, from_us, to_us, group_by ? group_by : "device", &error)))
    return aether_cli_fail (error);

  json_builder_begin_object (builder);
  add_string (builder, "from", from_text);
  add_string (builder, "to", to_text);
  add_string (builder, "group_by", group_by ? group_by : "device");
  json_builder_set_member_name (builder, "totals");
  json_builder_begin_array (builder);
  for (guint i = 0; i < totals->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (totals, i);

      json_builder_begin_object (builder);
      add_string (builder, "key", t->key);
      add_double (builder, "energy_kwh", t->energy_wh / 1000.0);
      add_double (builder, "exported_kwh", t->exported_wh / 1000.0);
      add_double (builder, "cost", t->cost);
      add_double (builder, "co2_kg", t->co2_kg);
      json_builder_end_object (builder);
      sum_wh += t->energy_wh;
      sum_cost += t->cost;
      sum_co2 += t->co2_kg;
    }
  json_builder_end_array (builder);
  /* The total is the home's, by the home rule: its meters when it has
   * any, else every device; never a meter and the plugs behind it.
   * Readings of a device the registry does not know (a CSV ingested on
   * its own) count as a device of an unmetered home. */
  {
    g_autoptr(GPtrArray) devices = NULL;
    g_autoptr(AetherHome) home = NULL;
    g_autoptr(GPtrArray) per_device = NULL;
    g_autoptr(GPtrArray) counted = g_ptr_array_new ();

    if (!(devices = aether_store_list_devices (store, &error)) ||
        !(per_device = aether_store_energy_totals (store, from_us, to_us, "device", &error)))
      return aether_cli_fail (error);
    home = aether_home_new (devices);

    sum_wh = sum_exported_wh = sum_cost = sum_co2 = 0;
    for (guint i = 0; i < per_device->len; i++)
      {
        AetherEnergyTotal *t = g_ptr_array_index (per_device, i);

        if (!aether_home_counts (home, t->key) &&
            (aether_home_is_metered (home) || aether_home_lookup (home, t->key) != NULL))
          continue;
        g_ptr_array_add (counted, t->key);
        sum_wh += t->energy_wh;
        sum_exported_wh += t->exported_wh;
        sum_cost += t->cost;
        sum_co2 += t->co2_kg;
      }

    json_builder_set_member_name (builder, "total");
    json_builder_begin_object (builder);
    add_string (builder, "counts", aether_home_is_metered (home) ? "energy meters" : "every device");
    json_builder_set_member_name (builder, "devices");
    json_builder_begin_array (builder);
    for (guint i = 0; i < counted->len; i++)
      json_builder_add_string_value (builder, g_ptr_array_index (counted, i));
    json_builder_end_array (builder);
    add_double (builder, "energy_kwh", sum_wh / 1000.0);
    add_double (builder, "exported_kwh", sum_exported_wh / 1000.0);
    add_double (builder, "cost", sum_cost);
    add_double (builder, "co2_kg", sum_co2);
    json_builder_end_object (builder);
  }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  aether_cli_print_json (root);
  return AETHER_CLI_EXIT_OK;
}

static int
db_stats (AetherCliContext  *ctx,
          int                argc,
          char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(JsonNode) stats = NULL;

  if (!parse_options (&argc, &argv, NULL, _("Print rows and bytes per tier as JSON."), NULL, &error) ||
      !(store = open_store (ctx, &error)) ||
      !(stats = aether_store_stats (store, &error)))
    return aether_cli_fail (error);

  aether_cli_print_json (stats);
  return AETHER_CLI_EXIT_OK;
}

static int
db_check (AetherCliContext  *ctx,
          int                argc,
          char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;

  if (!parse_options (&argc, &argv, NULL, _("Check the whole database for damage."), NULL, &error) ||
      !(store = open_store (ctx, &error)) ||
      !aether_store_check (store, &error))
    return aether_cli_fail (error);

  printf (_("%s is sound\n"), aether_store_get_path (store));
  return AETHER_CLI_EXIT_OK;
}

static int
db_backup (AetherCliContext  *ctx,
           int                argc,
           char             **argv)
{
  int keep = 7;
  const GOptionEntry entries[] = {
    { "keep", 0, 0, G_OPTION_ARG_INT, &keep, N_("How many backups to keep (default 7)"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autofree char *path = NULL;

  if (!parse_options (&argc, &argv, "DIRECTORY", _("Copy the database into a timestamped backup file."),
                      entries, &error))
    return aether_cli_fail (error);

  if (argc != 2 || keep < 1)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("Give one backup folder, and --keep of at least 1"));
      return aether_cli_fail (error);
    }

  if (!(store = open_store (ctx, &error)) ||
      !(path = aether_store_backup (store, argv[1], (guint)keep, &error)))
    return aether_cli_fail (error);

  printf ("%s\n", path);
  return AETHER_CLI_EXIT_OK;
}

static int
db_restore (AetherCliContext  *ctx,
            int                argc,
            char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;

  if (!parse_options (&argc, &argv, "FILE", _("Replace the database with a backup, after checking it."),
                      NULL, &error))
    return aether_cli_fail (error);

  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one backup file"));
      return aether_cli_fail (error);
    }

  if (!(store = open_store (ctx, &error)) ||
      !aether_store_restore (store, argv[1], &error))
    return aether_cli_fail (error);

  printf (_("Restored %s from %s\n"), aether_store_get_path (store), argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static const AetherCliCommand db_commands[] = {
  { "ingest",   db_ingest,   N_("Store readings from a CSV file") },
  { "maintain", db_maintain, N_("Roll up and apply retention as of a time") },
  { "query",    db_query,    N_("Print a series over a range as JSON") },
  { "energy",   db_energy,   N_("Print energy and cost totals as JSON") },
  { "stats",    db_stats,    N_("Print rows and bytes per tier") },
  { "check",    db_check,    N_("Check the database for damage") },
  { "backup",   db_backup,   N_("Back the database up into a folder") },
  { "restore",  db_restore,  N_("Restore the database from a backup") },
  { "archive",  aether_cli_db_archive, N_("Write the hourly and daily tiers as Parquet files") },
  { NULL }
};

int
aether_cli_db_main (AetherCliContext  *ctx,
                    int                argc,
                    char             **argv)
{
  return aether_cli_dispatch (ctx, "db", db_commands, argc, argv);
}

/* ---- bench store ------------------------------------------------------- */

static gint64
bytes_written_by_process (void)
{
  g_autofree char *io = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/io", &io, NULL, NULL))
    return -1;

  /* wchar: every byte handed to write(), whatever the page cache does. */
  if ((line = strstr (io, "wchar: ")))
    return g_ascii_strtoll (line + 7, NULL, 10);

  return -1;
}

static GArray *
make_readings (guint   n_series,
               guint   n_steps,
               gint64  start_us,
               gint64  step_us)
{
  GArray *readings = g_array_sized_new (FALSE, TRUE, sizeof (AetherReading), n_series * n_steps);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint s = 0; s < n_series; s++)
    g_ptr_array_add (names, g_strdup_printf ("bench-%03u", s));

  for (guint i = 0; i < n_steps; i++)
    for (guint s = 0; s < n_series; s++)
      {
        AetherReading r = {
          .timestamp_us = start_us + (gint64)i * step_us,
          /* Borrowed strings: the array is freed without a clear func. */
          .device_id = g_ptr_array_index (names, s),
          .metric_type = (char *)"power",
          .value = 100.0 + 50.0 * sin (i / 30.0 + s) + (i % 7),
          .unit = (char *)"W",
        };

        g_array_append_val (readings, r);
      }

  g_ptr_array_set_free_func (names, NULL);   /* keep the names alive for the readings */
  return readings;
}

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

int
aether_cli_bench_store (AetherCliContext  *ctx,
                        int                argc,
                        char             **argv)
{
  int bulk_samples = 2000000;
  int live_seconds = 300;
  const GOptionEntry entries[] = {
    { "bulk-samples", 0, 0, G_OPTION_ARG_INT, &bulk_samples, N_("Samples for the bulk and rollup figures"), "N" },
    { "live-seconds", 0, 0, G_OPTION_ARG_INT, &live_seconds, N_("Seconds of 100 series at 1 Hz for the live figure"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  const gint64 t0 = G_GINT64_CONSTANT (1704067200) * G_USEC_PER_SEC;   /* 2024-01-01 */
  double bulk_rate, rollup_rate, maintain_rate, live_bytes_per_sample;
  double query_cold_ms, query_warm_ms;
  AetherMaintainStats stats;
  g_autoptr(JsonNode) tier_stats = NULL;

  if (!parse_options (&argc, &argv, NULL, _("Measure the storage engine; prints JSON."), entries, &error))
    return aether_cli_fail (error);

  dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error);
  if (dir == NULL)
    return aether_cli_fail (error);

  /* 1. Bulk ingest and rollup: 20 series at 1 s. */
  {
    g_autofree char *path = g_build_filename (dir, "bulk.db", NULL);
    g_autoptr(AetherClock) clock = aether_clock_new_manual (t0);
    g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);
    g_autoptr(GArray) readings = NULL;
    AetherRetention keep_all;
    gint64 start;

    if (store == NULL)
      return aether_cli_fail (error);

    aether_retention_init_defaults (&keep_all);
    keep_all.samples_s[AETHER_TIER_RAW] = 0;   /* measure the tiers, not the deletes */
    aether_store_set_retention (store, &keep_all);

    readings = make_readings (20, (guint)bulk_samples / 20, t0, G_USEC_PER_SEC);
    start = g_get_monotonic_time ();
    if (!aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error))
      return aether_cli_fail (error);
    bulk_rate = readings->len / seconds_since (start);

    start = g_get_monotonic_time ();
    if (!aether_store_maintain (store, t0 + (gint64)(bulk_samples / 20 + 60) * G_USEC_PER_SEC, &stats, &error))
      return aether_cli_fail (error);
    maintain_rate = stats.samples_rolled / seconds_since (start);
    /* Rolling up apart from retention's deletes, which the target is not about. */
    rollup_rate = stats.samples_rolled / MAX (stats.rollup_us / (double)G_USEC_PER_SEC, 1e-9);

    tier_stats = aether_store_stats (store, NULL);
  }

  /* 2. Live ingest: 100 series at 1 Hz through the writer, a commit a second. */
  {
    g_autofree char *path = g_build_filename (dir, "live.db", NULL);
    g_autoptr(AetherClock) clock = aether_clock_new_manual (t0);
    g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);
    g_autoptr(AetherStoreWriter) writer = NULL;
    g_autoptr(GArray) readings = make_readings (100, (guint)live_seconds, t0, G_USEC_PER_SEC);
    gint64 before;

    if (store == NULL ||
        !(writer = aether_store_writer_new (path, 60 * 1000, 1000000, &error)))
      return aether_cli_fail (error);

    /* A few seconds first, so creating series is not counted. */
    before = bytes_written_by_process ();
    for (guint i = 0; i < readings->len; i++)
      {
        aether_reading_sink_push (AETHER_READING_SINK (writer), &g_array_index (readings, AetherReading, i));
        if ((i + 1) % 100 == 0 && !aether_reading_sink_flush (AETHER_READING_SINK (writer), &error))
          return aether_cli_fail (error);
      }
    if (!aether_store_writer_close (writer, &error))
      return aether_cli_fail (error);
    live_bytes_per_sample = (double)(bytes_written_by_process () - before) / readings->len;
  }

  /* 3. A year of 1-minute data for one series, queried to 1,000 points. */
  {
    g_autofree char *path = g_build_filename (dir, "year.db", NULL);
    g_autoptr(AetherClock) clock = aether_clock_new_manual (t0);
    gint64 year_end = t0 + (gint64)365 * 86400 * G_USEC_PER_SEC;
    GArray *timings = g_array_new (FALSE, FALSE, sizeof (double));

    {
      g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);
      g_autoptr(GArray) readings = make_readings (1, 365 * 1440, t0, 60 * G_USEC_PER_SEC);

      if (store == NULL ||
          !aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error) ||
          !aether_store_maintain (store, year_end + (gint64)86400 * G_USEC_PER_SEC, NULL, &error))
        return aether_cli_fail (error);
    }

    for (guint run = 0; run < 21; run++)
      {
        /* Run 0 opens the file afresh: the cold figure. */
        g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);
        g_autoptr(GArray) result = NULL;
        gint64 start;

        if (store == NULL)
          return aether_cli_fail (error);
        if (run > 0)
          {
            g_autoptr(GArray) warm = aether_store_query (store, "bench-000", "power", t0, year_end, 1000, -1, NULL, NULL);
          }
        start = g_get_monotonic_time ();
        result = aether_store_query (store, "bench-000", "power", t0, year_end, 1000, -1, NULL, &error);
        if (result == NULL)
          return aether_cli_fail (error);
        {
          double ms = seconds_since (start) * 1000.0;
          g_array_append_val (timings, ms);
        }
      }

    query_cold_ms = g_array_index (timings, double, 0);
    g_array_remove_index (timings, 0);
    {
      /* The median of the warm runs. */
      double *v = (double *)(gpointer)timings->data;
      for (guint i = 0; i < timings->len; i++)
        for (guint j = i + 1; j < timings->len; j++)
          if (v[j] < v[i]) { double t = v[i]; v[i] = v[j]; v[j] = t; }
      query_warm_ms = v[timings->len / 2];
    }
    g_array_unref (timings);
  }

  json_builder_begin_object (builder);
  add_string (builder, "benchmark", "store");
  add_double (builder, "bulk_ingest_samples_per_s", bulk_rate);
  add_double (builder, "live_ingest_bytes_written_per_sample", live_bytes_per_sample);
  add_double (builder, "rollup_samples_per_s", rollup_rate);
  add_double (builder, "maintain_with_retention_samples_per_s", maintain_rate);
  add_double (builder, "year_of_minutes_to_1000_points_cold_ms", query_cold_ms);
  add_double (builder, "year_of_minutes_to_1000_points_warm_ms", query_warm_ms);
  json_builder_set_member_name (builder, "tiers_after_bulk");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (json_node_get_object (tier_stats), "tiers")));
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_object (builder);
  add_string (builder, "bulk_ingest_samples_per_s", ">= 1000000");
  add_string (builder, "live_ingest_bytes_written_per_sample", "<= 150");
  add_string (builder, "rollup_samples_per_s", ">= 5000000");
  add_string (builder, "year_of_minutes_to_1000_points_warm_ms", "<= 10");
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  aether_cli_print_json (root);

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

  return AETHER_CLI_EXIT_OK;
}

/* ---- bench reprice ----------------------------------------------------- */

static void
store_async_result (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

typedef struct
{
  gint64 started;
  double first_slice_s;
  guint  reports;
} RepriceBenchProgress;

static void
on_bench_progress (double   fraction,
                   gpointer user_data)
{
  RepriceBenchProgress *p = user_data;

  /* The first report comes after the first slice: today is priced. */
  if (p->reports++ == 0)
    p->first_slice_s = seconds_since (p->started);
}

/* A year of stored history as the demo home leaves it: 13 devices, power
 * every 5 minutes, maintained with the default retention as of the year's
 * end (days for the year, hours for 90 days, 5 minutes for 30, minutes
 * for 7), then re-priced from a flat rate to the demo time-of-use tariff,
 * once on the store's connection (the synchronous path the CLI uses) and
 * once on the worker thread (the service's). */
static void
sum_hour_cost (const char        *device_id,
               gint64             start_s,
               double             energy_kwh,
               const AetherPrice *price,
               gpointer           user_data)
{
  *(double *)user_data += price->cost;
}

int
aether_cli_bench_reprice (AetherCliContext  *ctx,
                          int                argc,
                          char             **argv)
{
  int n_devices = 13;
  int days = 365;
  const GOptionEntry entries[] = {
    { "devices", 0, 0, G_OPTION_ARG_INT, &n_devices, N_("How many devices (default 13, the demo home)"), "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Days of stored history (default 365)"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(AetherClock) clock = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(JsonNode) schedule = aether_sim_demo_rate_schedule ();
  g_autoptr(AetherRateSchedule) parsed = NULL;
  g_autoptr(AetherTariff) tou = aether_tariff_new ();
  g_autoptr(AetherTariff) worker_tou = aether_tariff_new ();
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) tier_stats = NULL;
  const gint64 t0 = G_GINT64_CONSTANT (1704067200);   /* 2024-01-01 */
  gint64 end;
  double build_s, sync_s, async_s, what_if_s;
  RepriceBenchProgress progress = { 0 };
  guint slices = 0;

  if (!parse_options (&argc, &argv, NULL, _("Time to re-price a year of stored history; prints JSON."),
                      entries, &error))
    return aether_cli_fail (error);
  if (n_devices < 1 || days < 1)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--devices and --days must be positive"));
      return aether_cli_fail (error);
    }

  if (!(parsed = aether_rate_schedule_new_from_json (schedule, &error)) ||
      !aether_tariff_add_schedule (tou, parsed, &error) ||
      !aether_tariff_add_schedule (worker_tou, parsed, &error) ||
      !(dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error)))
    return aether_cli_fail (error);

  path = g_build_filename (dir, "reprice.db", NULL);
  end = t0 + (gint64)days * 86400;
  clock = aether_clock_new_manual (end * G_USEC_PER_SEC);
  if (!(store = aether_store_open (path, clock, &error)))
    return aether_cli_fail (error);

  /* The history, a month at a time: flat 0.30 per kWh. */
  {
    g_autoptr(AetherTariff) flat = aether_tariff_new ();
    g_autoptr(JsonNode) flat_json = json_from_string ("{ \"rate_id\": \"flat\", \"effective_date\": \"2020-01-01\","
                                                      "  \"rate_structure\": { \"periods\": [ { \"name\": \"all\","
                                                      "  \"rate\": 0.30, \"days\": [\"all\"], \"hours\": \"00:00-24:00\" } ] } }",
                                                      NULL);
    g_autoptr(AetherRateSchedule) flat_schedule = aether_rate_schedule_new_from_json (flat_json, &error);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    gint64 start = g_get_monotonic_time ();

    if (flat_schedule == NULL || !aether_tariff_add_schedule (flat, flat_schedule, &error))
      return aether_cli_fail (error);
    aether_store_set_pricer (store, AETHER_PRICER (flat));

    for (int d = 0; d < n_devices; d++)
      g_ptr_array_add (names, g_strdup_printf ("bench-%03d", d));

    for (gint64 month = t0; month < end; month += 30 * 86400)
      {
        gint64 month_end = MIN (end, month + 30 * 86400);
        g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));

        for (gint64 t = month; t < month_end; t += 300)
          for (int d = 0; d < n_devices; d++)
            {
              AetherReading r = {
                .timestamp_us = t * G_USEC_PER_SEC,
                .device_id = g_ptr_array_index (names, d),   /* borrowed */
                .metric_type = (char *)"power",
                .value = 50.0 + 40.0 * d + 30.0 * sin ((double)t / 3600.0 + d),
                .unit = (char *)"W",
              };

              g_array_append_val (readings, r);
            }

        if (!aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error) ||
            !aether_store_maintain (store, month_end * G_USEC_PER_SEC, NULL, &error))
          return aether_cli_fail (error);
      }
    if (!aether_store_maintain (store, (end + 60) * G_USEC_PER_SEC, NULL, &error))
      return aether_cli_fail (error);
    build_s = seconds_since (start);
    tier_stats = aether_store_stats (store, NULL);
  }

  /* 1. On the store's connection, all at once (`db maintain`). */
  {
    gint64 start;

    aether_store_set_pricer (store, AETHER_PRICER (tou));
    if (!aether_store_add_reprice_job (store, t0 * G_USEC_PER_SEC, (end + 60) * G_USEC_PER_SEC, &error))
      return aether_cli_fail (error);
    start = g_get_monotonic_time ();
    if (!aether_store_run_reprice_jobs (store, 0, NULL, &error))
      return aether_cli_fail (error);
    sync_s = seconds_since (start);
  }

  /* 2. On the worker thread, as the service does after an edit. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    if (!aether_store_add_reprice_job (store, t0 * G_USEC_PER_SEC, (end + 60) * G_USEC_PER_SEC, &error))
      return aether_cli_fail (error);
    progress.started = g_get_monotonic_time ();
    aether_store_reprice_jobs_async (store, AETHER_PRICER (worker_tou), on_bench_progress, &progress, NULL,
                                     NULL, store_async_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    async_s = seconds_since (progress.started);
    if (!aether_store_reprice_jobs_finish (store, result, &slices, &error))
      return aether_cli_fail (error);
  }

  /* 3. The rate editor's what-if: the year's day profiles priced, nothing written. */
  {
    g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
    double sum = 0;
    gint64 start;

    for (int d = 0; d < n_devices; d++)
      g_ptr_array_add (ids, g_strdup_printf ("bench-%03d", d));
    start = g_get_monotonic_time ();
    if (!aether_store_price_hour_profiles (store, AETHER_PRICER (tou), ids, t0, end, sum_hour_cost, &sum, &error))
      return aether_cli_fail (error);
    what_if_s = seconds_since (start);
  }

  json_builder_begin_object (builder);
  add_string (builder, "benchmark", "reprice");
  add_int (builder, "devices", n_devices);
  add_int (builder, "days_of_history", days);
  add_double (builder, "build_history_s", build_s);
  add_double (builder, "reprice_on_store_connection_s", sync_s);
  add_double (builder, "reprice_on_worker_thread_s", async_s);
  add_double (builder, "worker_first_slice_s", progress.first_slice_s);
  add_double (builder, "what_if_year_s", what_if_s);
  add_int (builder, "worker_slices", slices);
  json_builder_set_member_name (builder, "tiers");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (json_node_get_object (tier_stats), "tiers")));
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_object (builder);
  add_string (builder, "reprice_on_worker_thread_s", "<= 10 for a year");
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  aether_cli_print_json (root);

  g_clear_object (&store);
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

  return AETHER_CLI_EXIT_OK;
}
