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
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

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

/* Rows per chunk: the file is read and inserted this many at a time
 * inside one transaction, so memory does not grow with its size. */
#define INGEST_CHUNK 65536

/* Reading and parsing the next chunk on a thread while this one is
 * inserted: the two take about as long each. Two chunks go round between
 * the queues. */
typedef struct
{
  GArray *readings;   /* borrowing the reader's strings */
  GArray *lines;
  GError *error;
  gboolean ok;
} IngestChunk;

typedef struct
{
  AetherCsvReader *reader;
  GAsyncQueue     *empty;   /* IngestChunk to fill, or &stop */
  GAsyncQueue     *full;    /* IngestChunk filled (empty at the end, or failed) */
} IngestPipe;

static int stop_reading;

static gpointer
read_chunks (gpointer data)
{
  IngestPipe *pipe = data;

  for (;;)
    {
      IngestChunk *chunk = g_async_queue_pop (pipe->empty);

      if (chunk == (gpointer)&stop_reading)
        break;
      chunk->ok = aether_csv_reader_read (pipe->reader, chunk->readings, chunk->lines, INGEST_CHUNK, &chunk->error);
      g_async_queue_push (pipe->full, chunk);
      if (!chunk->ok || chunk->readings->len == 0)
        break;
    }

  return NULL;
}

static int
db_ingest (AetherCliContext  *ctx,
           int                argc,
           char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherCsvReader) reader = NULL;
  g_autoptr(GAsyncQueue) empty = g_async_queue_new ();
  g_autoptr(GAsyncQueue) full = g_async_queue_new ();
  IngestChunk chunks[2];
  IngestPipe pipe;
  GThread *thread;
  AetherStoreIngest *ingest = NULL;
  AetherIngestStats stats;

  if (!parse_options (&argc, &argv, "FILE.csv",
                      _("Store readings from a CSV file of timestamp,device_id,metric_type,value,unit. "
                        "A file with a bad row is refused whole; a row that repeats a stored reading "
                        "(the same device, metric and time) is skipped and named."), NULL, &error))
    return aether_cli_fail (error);

  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one CSV file"));
      return aether_cli_fail (error);
    }

  if (!(reader = aether_csv_reader_open (argv[1], &error)) ||
      !(store = open_store (ctx, &error)) ||
      !(ingest = aether_store_ingest_begin (store, &error)))
    return aether_cli_fail (error);

  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      chunks[i].readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
      chunks[i].lines = g_array_new (FALSE, FALSE, sizeof (guint));
      chunks[i].error = NULL;
      g_async_queue_push (empty, &chunks[i]);
    }
  pipe = (IngestPipe) { reader, empty, full };
  thread = g_thread_new ("aether-csv", read_chunks, &pipe);

  /* One transaction, a chunk at a time: a bad row at line N rolls back
   * everything before it too. */
  for (;;)
    {
      IngestChunk *chunk = g_async_queue_pop (full);

      if (!chunk->ok)
        {
          g_propagate_error (&error, g_steal_pointer (&chunk->error));
          break;
        }
      if (chunk->readings->len == 0)
        break;
      if (!aether_store_ingest_add (ingest, (AetherReading *)(gpointer)chunk->readings->data, chunk->readings->len,
                                    (const guint *)(gpointer)chunk->lines->data, &error))
        {
          /* The store names a bad row's line; the file goes in front. */
          if (g_error_matches (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA))
            g_prefix_error (&error, "%s:", argv[1]);
          break;
        }
      g_async_queue_push (empty, chunk);
    }

  /* The thread may be waiting for a chunk to fill. */
  g_async_queue_push (empty, &stop_reading);
  g_thread_join (thread);
  for (guint i = 0; i < G_N_ELEMENTS (chunks); i++)
    {
      g_array_unref (chunks[i].readings);
      g_array_unref (chunks[i].lines);
      g_clear_error (&chunks[i].error);
    }

  if (error != NULL)
    {
      aether_store_ingest_abort (ingest);
      return aether_cli_fail (error);
    }
  if (!aether_store_ingest_commit (ingest, &stats, &error))
    return aether_cli_fail (error);

  printf (g_dngettext (GETTEXT_PACKAGE, "Stored %" G_GUINT64_FORMAT " reading from %s\n",
                       "Stored %" G_GUINT64_FORMAT " readings from %s\n", stats.stored),
          stats.stored, argv[1]);
  if (stats.duplicates > 0)
    {
      g_autoptr(GString) where = g_string_new (NULL);
      guint named = (guint)MIN (stats.duplicates, AETHER_INGEST_N_LINES);

      for (guint i = 0; i < named; i++)
        g_string_append_printf (where, "%s%u", i ? ", " : "", stats.duplicate_lines[i]);
      if (stats.duplicates > named)
        g_string_append (where, ", …");
      printf (g_dngettext (GETTEXT_PACKAGE,
                           "Skipped %" G_GUINT64_FORMAT " row that repeats a stored reading "
                           "(the same device, metric and time; the first is kept): line %s\n",
                           "Skipped %" G_GUINT64_FORMAT " rows that repeat a stored reading "
                           "(the same device, metric and time; the first is kept): lines %s\n",
                           stats.duplicates),
              stats.duplicates, where->str);
    }
  return AETHER_CLI_EXIT_OK;
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
  aether_json_builder_add_int (builder, "samples_rolled", (gint64)stats.samples_rolled);
  json_builder_set_member_name (builder, "buckets_written");
  json_builder_begin_object (builder);
  for (guint t = AETHER_TIER_1M; t < AETHER_N_TIERS; t++)
    aether_json_builder_add_int (builder, aether_tier_to_string (t), (gint64)stats.rolled[t]);
  json_builder_end_object (builder);
  aether_json_builder_add_int (builder, "rows_deleted", (gint64)stats.deleted);
  /* Hours rolled one transaction each, and runs of empty hours skipped. */
  aether_json_builder_add_int (builder, "hour_slices_rolled", (gint64)stats.raw_slices);
  aether_json_builder_add_int (builder, "empty_runs_skipped", (gint64)stats.skipped_slices);
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

  root = aether_report_series (device ? "device_id" : room ? "room" : "type", device ? device : room ? room : type,
                               metric, used, used == AETHER_TIER_RAW && tier_text != NULL, buckets);
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
  g_autoptr(JsonNode) root = NULL;
  gint64 from_us, to_us;

  if (!parse_options (&argc, &argv, NULL, _("Print energy, cost and CO₂ totals for a range as JSON."),
                      entries, &error) ||
      !require_time ("--from", from_text, &from_us, &error) ||
      !require_time ("--to", to_text, &to_us, &error))
    return aether_cli_fail (error);

  if (!(store = open_store (ctx, &error)) ||
      !(root = aether_report_energy (store, from_us, to_us, from_text, to_text, group_by ? group_by : "device", &error)))
    return aether_cli_fail (error);
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

/* Ends a benchmark: its JSON printed, its folder removed. */
static int
bench_finish (JsonBuilder *builder,
              const char  *dir)
{
  g_autoptr(JsonNode) root = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  aether_cli_print_json (root);
  if (dir != NULL)
    aether_cli_remove_bench_dir (dir);
  return AETHER_CLI_EXIT_OK;
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
    before = aether_cli_bytes_written ();
    for (guint i = 0; i < readings->len; i++)
      {
        aether_reading_sink_push (AETHER_READING_SINK (writer), &g_array_index (readings, AetherReading, i));
        if ((i + 1) % 100 == 0 && !aether_reading_sink_flush (AETHER_READING_SINK (writer), &error))
          return aether_cli_fail (error);
      }
    if (!aether_store_writer_close (writer, &error))
      return aether_cli_fail (error);
    live_bytes_per_sample = (double)(aether_cli_bytes_written () - before) / readings->len;
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
  aether_json_builder_add_string (builder, "benchmark", "store");
  aether_json_builder_add_double (builder, "bulk_ingest_samples_per_s", bulk_rate);
  aether_json_builder_add_double (builder, "live_ingest_bytes_written_per_sample", live_bytes_per_sample);
  aether_json_builder_add_double (builder, "rollup_samples_per_s", rollup_rate);
  aether_json_builder_add_double (builder, "maintain_with_retention_samples_per_s", maintain_rate);
  aether_json_builder_add_double (builder, "year_of_minutes_to_1000_points_cold_ms", query_cold_ms);
  aether_json_builder_add_double (builder, "year_of_minutes_to_1000_points_warm_ms", query_warm_ms);
  json_builder_set_member_name (builder, "tiers_after_bulk");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (json_node_get_object (tier_stats), "tiers")));
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "bulk_ingest_samples_per_s", ">= 1000000");
  aether_json_builder_add_string (builder, "live_ingest_bytes_written_per_sample", "<= 150");
  aether_json_builder_add_string (builder, "rollup_samples_per_s", ">= 5000000");
  aether_json_builder_add_string (builder, "year_of_minutes_to_1000_points_warm_ms", "<= 10");
  json_builder_end_object (builder);
  return bench_finish (builder, dir);
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
  aether_json_builder_add_string (builder, "benchmark", "reprice");
  aether_json_builder_add_int (builder, "devices", n_devices);
  aether_json_builder_add_int (builder, "days_of_history", days);
  aether_json_builder_add_double (builder, "build_history_s", build_s);
  aether_json_builder_add_double (builder, "reprice_on_store_connection_s", sync_s);
  aether_json_builder_add_double (builder, "reprice_on_worker_thread_s", async_s);
  aether_json_builder_add_double (builder, "worker_first_slice_s", progress.first_slice_s);
  aether_json_builder_add_double (builder, "what_if_year_s", what_if_s);
  aether_json_builder_add_int (builder, "worker_slices", slices);
  json_builder_set_member_name (builder, "tiers");
  json_builder_add_value (builder, json_node_copy (json_object_get_member (json_node_get_object (tier_stats), "tiers")));
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "reprice_on_worker_thread_s", "<= 10 for a year");
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  aether_cli_print_json (root);

  g_clear_object (&store);
  aether_cli_remove_bench_dir (dir);

  return AETHER_CLI_EXIT_OK;
}

/* ---- bench rollup ------------------------------------------------------ */

static AetherTariff *
bench_tariff (GError **error)
{
  g_autoptr(JsonNode) schedule = aether_sim_demo_rate_schedule ();
  g_autoptr(AetherRateSchedule) parsed = aether_rate_schedule_new_from_json (schedule, error);
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();

  if (parsed == NULL || !aether_tariff_add_schedule (tariff, parsed, error))
    return NULL;
  return g_steal_pointer (&tariff);
}

typedef struct
{
  double buckets_per_s;
  double samples_per_s;
  double buckets_per_cpu_s;
  guint64 buckets;
  guint64 samples;
} RollupFigure;



/* @n_series power series sampled every @step_s for @span_s, ingested a day
 * at a time, then maintained once with everything kept: the roll-up alone
 * (all tiers, energy priced with the demo tariff per minute). */
static gboolean
bench_rollup_shape (const char    *dir,
                    const char    *name,
                    guint          n_series,
                    gint64         step_s,
                    gint64         span_s,
                    RollupFigure  *figure,
                    GError       **error)
{
  const gint64 t0 = G_GINT64_CONSTANT (1704067200);   /* 2024-01-01 */
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual ((t0 + span_s) * G_USEC_PER_SEC);
  g_autoptr(AetherStore) store = aether_store_open (path, clock, error);
  g_autoptr(AetherTariff) tariff = bench_tariff (error);
  AetherRetention keep_all;
  AetherMaintainStats stats;

  if (store == NULL || tariff == NULL)
    return FALSE;
  aether_retention_init_defaults (&keep_all);
  for (guint t = 0; t < AETHER_N_TIERS; t++)
    keep_all.samples_s[t] = keep_all.energy_s[t] = 0;
  aether_store_set_retention (store, &keep_all);
  aether_store_set_pricer (store, AETHER_PRICER (tariff));

  for (gint64 day = 0; day < span_s; day += 86400)
    {
      guint steps = (guint)(MIN (86400, span_s - day) / step_s);
      g_autoptr(GArray) readings = make_readings (n_series, steps, (t0 + day) * G_USEC_PER_SEC, step_s * G_USEC_PER_SEC);

      if (!aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, error))
        return FALSE;
    }

  {
    double cpu = aether_cli_cpu_seconds (NULL);

    if (!aether_store_maintain (store, (t0 + span_s + 60) * G_USEC_PER_SEC, &stats, error))
      return FALSE;
    /* Maintenance runs on this thread alone: on a shared machine the
     * process's CPU time is the steadier figure. */
    figure->buckets_per_cpu_s = stats.rolled[AETHER_TIER_1M] / MAX (aether_cli_cpu_seconds (NULL) - cpu, 1e-9);
  }

  figure->buckets = stats.rolled[AETHER_TIER_1M];
  figure->samples = stats.samples_rolled;
  figure->buckets_per_s = stats.rolled[AETHER_TIER_1M] / MAX (stats.rollup_us / 1e6, 1e-9);
  figure->samples_per_s = stats.samples_rolled / MAX (stats.rollup_us / 1e6, 1e-9);
  return TRUE;
}

static void
add_rollup_figure (JsonBuilder        *builder,
                   const char         *name,
                   const char         *shape,
                   const RollupFigure *figure)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "data", shape);
  aether_json_builder_add_int (builder, "samples", (gint64)figure->samples);
  aether_json_builder_add_int (builder, "one_minute_buckets", (gint64)figure->buckets);
  aether_json_builder_add_double (builder, "one_minute_buckets_per_s", figure->buckets_per_s);
  aether_json_builder_add_double (builder, "samples_per_s", figure->samples_per_s);
  aether_json_builder_add_double (builder, "one_minute_buckets_per_cpu_s", figure->buckets_per_cpu_s);
  aether_json_builder_add_double (builder, "samples_per_cpu_s", figure->buckets_per_cpu_s * figure->samples / MAX (figure->buckets, 1));
  json_builder_end_object (builder);
}

/* Rollup speed by sampling rate (bound by samples at 1 s, by buckets at
 * 60 s), and a growth run: a week of data at a time, maintained with the
 * default retention as the service does, printing what a sample costs as
 * the history grows from a week to a year. */
int
aether_cli_bench_rollup (AetherCliContext  *ctx,
                         int                argc,
                         char             **argv)
{
  int n_series = 20;
  int hours_1s = 24;
  int days_60s = 30;
  int weeks = 52;
  const GOptionEntry entries[] = {
    { "series", 0, 0, G_OPTION_ARG_INT, &n_series, N_("Power series (default 20)"), "N" },
    { "hours-1s", 0, 0, G_OPTION_ARG_INT, &hours_1s, N_("Hours of 1 s data (default 24)"), "N" },
    { "days-60s", 0, 0, G_OPTION_ARG_INT, &days_60s, N_("Days of 60 s data (default 30)"), "N" },
    { "weeks", 0, 0, G_OPTION_ARG_INT, &weeks, N_("Weeks of 60 s data in the growth run (default 52; 0 skips it)"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *shape_1s = NULL;
  g_autofree char *shape_60s = NULL;
  RollupFigure at_1s, at_60s;

  if (!parse_options (&argc, &argv, NULL, _("Rollup speed at 1 s and 60 s sampling, and as history grows; prints JSON."),
                      entries, &error))
    return aether_cli_fail (error);
  if (n_series < 1 || hours_1s < 1 || days_60s < 1 || weeks < 0)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("--series, --hours-1s and --days-60s must be positive"));
      return aether_cli_fail (error);
    }
  if (!(dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error)) ||
      !bench_rollup_shape (dir, "1s.db", (guint)n_series, 1, (gint64)hours_1s * 3600, &at_1s, &error) ||
      !bench_rollup_shape (dir, "60s.db", (guint)n_series, 60, (gint64)days_60s * 86400, &at_60s, &error))
    return aether_cli_fail (error);

  shape_1s = g_strdup_printf ("%d power series at 1 s for %d h", n_series, hours_1s);
  shape_60s = g_strdup_printf ("%d power series at 60 s for %d days", n_series, days_60s);

  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "benchmark", "rollup");
  aether_json_builder_add_string (builder, "note", "everything kept (rollup alone), energy priced per minute with the demo tariff");
  add_rollup_figure (builder, "at_1s", shape_1s, &at_1s);
  add_rollup_figure (builder, "at_60s", shape_60s, &at_60s);

  if (weeks > 0)
    {
      const gint64 t0 = G_GINT64_CONSTANT (1704067200);
      g_autofree char *path = g_build_filename (dir, "growth.db", NULL);
      g_autoptr(AetherClock) clock = aether_clock_new_manual (t0 * G_USEC_PER_SEC);
      g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);
      g_autoptr(AetherTariff) tariff = bench_tariff (&error);
      g_autofree char *shape = g_strdup_printf ("%d power series at 60 s, a week ingested and maintained at a time, "
                                                "default retention", n_series);
      double first_ns = 0, last_ns = 0;

      if (store == NULL || tariff == NULL)
        return aether_cli_fail (error);
      aether_store_set_pricer (store, AETHER_PRICER (tariff));

      json_builder_set_member_name (builder, "growth");
      json_builder_begin_object (builder);
      aether_json_builder_add_string (builder, "data", shape);
      json_builder_set_member_name (builder, "weeks");
      json_builder_begin_array (builder);
      for (int w = 0; w < weeks; w++)
        {
          gint64 from = t0 + (gint64)w * 7 * 86400;
          g_autoptr(GArray) readings = make_readings ((guint)n_series, 7 * 1440, from * G_USEC_PER_SEC, 60 * G_USEC_PER_SEC);
          AetherMaintainStats stats;
          gint64 start;
          double ns, cpu, cpu_ns;

          if (!aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error))
            return aether_cli_fail (error);
          start = g_get_monotonic_time ();
          cpu = aether_cli_cpu_seconds (NULL);
          if (!aether_store_maintain (store, (from + 7 * 86400) * G_USEC_PER_SEC, &stats, &error))
            return aether_cli_fail (error);
          ns = (g_get_monotonic_time () - start) * 1000.0 / MAX (stats.samples_rolled, 1);
          cpu_ns = (aether_cli_cpu_seconds (NULL) - cpu) * 1e9 / MAX (stats.samples_rolled, 1);
          /* The steadier figure on a shared machine. */
          if (w == 0)
            first_ns = cpu_ns;
          last_ns = cpu_ns;
          if (w == 0 || w == 3 || w == 12 || w == 25 || w == weeks - 1)
            {
              json_builder_begin_object (builder);
              aether_json_builder_add_int (builder, "week", w + 1);
              aether_json_builder_add_double (builder, "maintain_ns_per_sample", ns);
              aether_json_builder_add_double (builder, "maintain_cpu_ns_per_sample", cpu_ns);
              aether_json_builder_add_double (builder, "rollup_ns_per_sample", stats.rollup_us * 1000.0 / MAX (stats.samples_rolled, 1));
              json_builder_end_object (builder);
            }
        }
      json_builder_end_array (builder);
      aether_json_builder_add_double (builder, "last_week_over_first_cpu", last_ns / MAX (first_ns, 1e-9));
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "targets");
  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "at_60s.one_minute_buckets_per_s", ">= 500000");
  aether_json_builder_add_string (builder, "at_1s.samples_per_s", ">= 5000000");
  aether_json_builder_add_string (builder, "growth.last_week_over_first_cpu", "about 1 (constant per sample)");
  json_builder_end_object (builder);
  return bench_finish (builder, dir);
}

/* ---- bench ingest ------------------------------------------------------ */

/* A CSV as the seed writes readings: ISO 8601 in UTC, 20 devices every
 * 10 s, power in W. */
static gboolean
write_bench_csv (const char  *path,
                 guint        rows,
                 GError     **error)
{
  const gint64 t0 = G_GINT64_CONSTANT (1704067200);
  FILE *f = fopen (path, "we");

  if (f == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  fputs ("timestamp,device_id,metric_type,value,unit\n", f);
  for (guint i = 0; i < rows; i++)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t0 + (gint64)(i / 20) * 10);
      g_autofree char *iso = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

      fprintf (f, "%s,device-%02u,power,%.1f,W\n", iso, i % 20, 100.0 + 50.0 * sin (i / 600.0 + i % 20) + (i % 7));
    }
  if (fclose (f) != 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "%s: %s", path, g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* `db ingest` of @csv into a new @db in a child process (this executable):
 * its wall time and peak resident memory (the child's own). */
static gboolean
run_child_ingest (const char  *db,
                  const char  *csv,
                  double      *seconds,
                  double      *cpu_seconds,
                  double      *peak_mib,
                  GError     **error)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", error);
  const char *argv[] = { self_exe, "--db", db, "db", "ingest", csv, NULL };
  struct rusage usage;
  GPid pid;
  int status = 0;
  gint64 start;

  if (self_exe == NULL)
    return FALSE;
  start = g_get_monotonic_time ();
  if (!g_spawn_async (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                      NULL, NULL, &pid, error))
    return FALSE;
  if (wait4 (pid, &status, 0, &usage) < 0 || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_FAILED, "db ingest of %s failed", csv);
      return FALSE;
    }
  *seconds = seconds_since (start);
  *cpu_seconds = aether_cli_cpu_seconds (&usage);
  *peak_mib = usage.ru_maxrss / 1024.0;   /* KiB on Linux */
  return TRUE;
}

/* `db ingest` end to end (parse, sort, insert, commit) of two CSV files,
 * one four times the other: the rate, and a peak memory that must not grow
 * with the file. */
int
aether_cli_bench_ingest (AetherCliContext  *ctx,
                         int                argc,
                         char             **argv)
{
  int rows = 2000000;
  const GOptionEntry entries[] = {
    { "rows", 0, 0, G_OPTION_ARG_INT, &rows, N_("Rows of the larger file (default 2,000,000; the smaller has a quarter)"), "N" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint sizes[2];

  if (!parse_options (&argc, &argv, NULL, _("db ingest of a CSV: samples per second and peak memory; prints JSON."),
                      entries, &error))
    return aether_cli_fail (error);
  if (rows < 4)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--rows must be at least 4"));
      return aether_cli_fail (error);
    }
  sizes[0] = (guint)rows / 4;
  sizes[1] = (guint)rows;
  if (!(dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error)))
    return aether_cli_fail (error);

  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "benchmark", "ingest");
  aether_json_builder_add_string (builder, "data", "CSV of ISO 8601 timestamps, 20 devices every 10 s, power in W");
  json_builder_set_member_name (builder, "runs");
  json_builder_begin_array (builder);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *csv = g_strdup_printf ("%s/%u.csv", dir, sizes[i]);
      g_autofree char *db = g_strdup_printf ("%s/%u.db", dir, sizes[i]);
      double seconds, cpu_seconds, peak_mib;
      GStatBuf st;

      if (!write_bench_csv (csv, sizes[i], &error) ||
          !run_child_ingest (db, csv, &seconds, &cpu_seconds, &peak_mib, &error))
        return aether_cli_fail (error);
      json_builder_begin_object (builder);
      aether_json_builder_add_int (builder, "rows", sizes[i]);
      aether_json_builder_add_double (builder, "file_mib", g_stat (csv, &st) == 0 ? st.st_size / 1048576.0 : NAN);
      aether_json_builder_add_double (builder, "samples_per_s", sizes[i] / seconds);
      /* The machine may be shared: per second of the child's own CPU too. */
      aether_json_builder_add_double (builder, "samples_per_cpu_s", sizes[i] / cpu_seconds);
      aether_json_builder_add_double (builder, "peak_rss_mib", peak_mib);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "samples_per_s", ">= 1000000");
  aether_json_builder_add_string (builder, "peak_rss_mib", "the same for both sizes");
  json_builder_end_object (builder);
  return bench_finish (builder, dir);
}
