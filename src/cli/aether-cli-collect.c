/* aether-cli-collect.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli bench collect`: the real collector polling simulated
 * devices on the real main loop and clock into the real writer thread,
 * reporting CPU time per thousand polls, peak memory, and whether every
 * sample produced was stored. `bench open`: opening the database and a
 * one-day query as history grows, and the file's size after maintenance. */

#define G_LOG_DOMAIN "aether-cli-collect"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include "aether-cli-private.h"

/* Counts what reaches it, standing where the storage writer stands. */
#define AETHER_TYPE_COUNTING_SINK (aether_counting_sink_get_type ())
G_DECLARE_FINAL_TYPE (AetherCountingSink, aether_counting_sink, AETHER, COUNTING_SINK, GObject)

struct _AetherCountingSink
{
  GObject parent_instance;
  guint64 n_readings;
};

static void counting_sink_iface_init (AetherReadingSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AetherCountingSink, aether_counting_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AETHER_TYPE_READING_SINK, counting_sink_iface_init))

static void
counting_sink_push (AetherReadingSink   *sink,
                    const AetherReading *reading)
{
  AETHER_COUNTING_SINK (sink)->n_readings++;
}

static void
counting_sink_iface_init (AetherReadingSinkInterface *iface)
{
  iface->push = counting_sink_push;
}

static void
aether_counting_sink_class_init (AetherCountingSinkClass *klass)
{
}

static void
aether_counting_sink_init (AetherCountingSink *self)
{
}

static void
on_reading (AetherCollector *collector,
            gpointer         reading,
            guint64         *n_produced)
{
  (*n_produced)++;
}

static gboolean
quit_loop (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

/**
 * aether_cli_bench_collect:
 *
 * `bench collect [--devices N] [--interval S] [--duration S]`
 */
int
aether_cli_bench_collect (AetherCliContext  *ctx,
                          int                argc,
                          char             **argv)
{
  int n_devices = 1000;
  int interval_s = 1;
  int duration_s = 60;
  const GOptionEntry entries[] = {
    { "devices", 0, 0, G_OPTION_ARG_INT, &n_devices, N_("How many simulated devices"), "N" },
    { "interval", 0, 0, G_OPTION_ARG_INT, &interval_s, N_("Seconds between polls of a device"), "S" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration_s, N_("How long to run, in seconds"), "S" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherPluginEngine) engine = NULL;
  g_autoptr(AetherCollector) collector = NULL;
  g_autoptr(AetherCountingSink) sink = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherStoreWriter) writer = NULL;
  g_autoptr(JsonNode) stats = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db_path = NULL;
  gint64 stored = 0;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) report = NULL;
  AetherDeviceProvider *provider;
  guint64 n_produced = 0;
  double cpu_start, cpu_used, wall_start, wall_used;
  long rss_before;
  guint polls;

  g_option_context_set_summary (context, _("Poll simulated devices through the real collector."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);

  if (n_devices < 1 || interval_s < 1 || duration_s < 1)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("--devices, --interval and --duration must be at least 1"));
      return aether_cli_fail (error);
    }

  engine = aether_plugin_engine_new (NULL);
  aether_plugin_engine_load_all (engine);
  if (!(provider = aether_plugin_engine_get_provider (engine, "simulator", &error)))
    return aether_cli_fail (error);

  /* The real writer into a throwaway database, as the app runs it. */
  if (!(dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error)))
    return aether_cli_fail (error);
  db_path = g_build_filename (dir, "collect.db", NULL);
  if (!(store = aether_store_open (db_path, ctx->clock, &error)) ||
      !(writer = aether_store_writer_new (db_path, 1000, 5000, &error)))
    return aether_cli_fail (error);

  collector = aether_collector_new (ctx->clock);
  sink = g_object_new (AETHER_TYPE_COUNTING_SINK, NULL);
  aether_collector_add_sink (collector, AETHER_READING_SINK (writer));
  aether_collector_add_sink (collector, AETHER_READING_SINK (sink));
  aether_collector_set_max_concurrent (collector, 256);
  g_signal_connect (collector, "reading", G_CALLBACK (on_reading), &n_produced);

  rss_before = peak_rss_kib ();

  for (int i = 0; i < n_devices; i++)
    {
      /* Homes of 12 appliances, as many as needed. */
      const AetherSimKindInfo *info = aether_sim_kind_get_info (i % 12);
      g_autofree char *id = g_strdup_printf ("bench-%05d", i);
      g_autofree char *json = g_strdup_printf ("{\"plugin\": \"simulator\", \"plugin_config\": "
                                               "{\"sim_device\": \"%s\", \"instance\": %d, "
                                               "\"polling_interval\": %d}}",
                                               info->key, i / 12, interval_s);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);

      if (!aether_collector_add_device (collector, id, provider, json_node_get_object (node), &error))
        return aether_cli_fail (error);
    }

  loop = g_main_loop_new (NULL, FALSE);
  cpu_start = aether_cli_cpu_seconds (NULL);
  wall_start = g_get_monotonic_time () / 1e6;
  aether_collector_start (collector);
  g_timeout_add_seconds (duration_s, quit_loop, loop);
  g_main_loop_run (loop);

  if (!aether_collector_stop (collector, &error) ||
      !aether_store_writer_close (writer, &error))
    return aether_cli_fail (error);

  cpu_used = aether_cli_cpu_seconds (NULL) - cpu_start;
  if ((stats = aether_store_stats (store, &error)) == NULL)
    return aether_cli_fail (error);
  stored = json_object_get_int_member (json_object_get_object_member (
             json_object_get_object_member (json_node_get_object (stats), "tiers"), "raw"), "rows");
  wall_used = g_get_monotonic_time () / 1e6 - wall_start;
  polls = aether_collector_get_n_polls (collector);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "benchmark");
  json_builder_add_string_value (builder, "collect");
  json_builder_set_member_name (builder, "devices");
  json_builder_add_int_value (builder, n_devices);
  json_builder_set_member_name (builder, "interval_s");
  json_builder_add_int_value (builder, interval_s);
  json_builder_set_member_name (builder, "duration_s");
  json_builder_add_double_value (builder, wall_used);
  json_builder_set_member_name (builder, "polls");
  json_builder_add_int_value (builder, polls);
  json_builder_set_member_name (builder, "cpu_seconds");
  json_builder_add_double_value (builder, cpu_used);
  json_builder_set_member_name (builder, "cpu_seconds_per_1000_polls");
  json_builder_add_double_value (builder, polls ? cpu_used * 1000.0 / polls : 0);
  json_builder_set_member_name (builder, "cpu_share_of_one_core");
  json_builder_add_double_value (builder, cpu_used / wall_used);
  json_builder_set_member_name (builder, "peak_rss_mib");
  json_builder_add_double_value (builder, peak_rss_kib () / 1024.0);
  json_builder_set_member_name (builder, "rss_before_devices_mib");
  json_builder_add_double_value (builder, rss_before / 1024.0);
  json_builder_set_member_name (builder, "samples_produced");
  json_builder_add_int_value (builder, n_produced);
  json_builder_set_member_name (builder, "samples_stored");
  json_builder_add_int_value (builder, stored);
  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, "≤ 25% of one core and ≤ 60 MB RSS for 1,000 devices at 1 s");
  json_builder_end_object (builder);

  report = json_builder_get_root (builder);
  aether_cli_print_json (report);

  g_clear_object (&store);
  g_clear_object (&writer);
  aether_cli_remove_bench_dir (dir);

  return n_produced == (guint64)stored ? AETHER_CLI_EXIT_OK : AETHER_CLI_EXIT_FAILURE;
}

/* ---- bench open ---------------------------------------------------------- */

#define OPEN_T0 G_GINT64_CONSTANT (1735689600)   /* 2025-01-01 00:00:00 UTC */

static gboolean
bench_exec (sqlite3     *db,
            const char  *sql,
            GError     **error)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_FAILED, "Could not build the history: %s", message);
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

/* What @days of history for @n_devices leave after the seed's retention
 * (1-minute buckets 7 days, 5-minute 30, hourly 90, daily a year; the last
 * hour raw at 10 s), written straight into the tiers: power, energy and
 * voltage per device, a 24-byte sketch per bucket. */
static gboolean
build_history (const char   *path,
               AetherClock  *clock,
               int           n_devices,
               int           days,
               GError      **error)
{
  static const struct { const char *table; gint64 width; int keep_days; gboolean energy; } tiers[] = {
    { "rollup_1m", 60, 7, FALSE }, { "rollup_5m", 300, 30, FALSE },
    { "rollup_1h", 3600, 90, FALSE }, { "rollup_1d", 86400, 365, FALSE },
    { "energy_1m", 60, 7, TRUE }, { "energy_5m", 300, 30, TRUE },
    { "energy_1h", 3600, 90, TRUE }, { "energy_1d", 86400, 365 * 5, TRUE },
  };
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GString) sql = g_string_new ("BEGIN;");
  gint64 end = OPEN_T0 + (gint64)days * 86400;
  sqlite3 *db = NULL;
  gboolean ok;

  if (!(store = aether_store_open (path, clock, error)))
    return FALSE;
  g_clear_object (&store);

  for (int d = 0; d < n_devices; d++)
    g_string_append_printf (sql,
                            "INSERT INTO devices (device_id, name, type) VALUES ('bench-%03d', 'Plug %d', 'smart_plug');"
                            "INSERT INTO series (device_id, metric_type, unit) VALUES"
                            " ('bench-%03d', 'power', 'W'), ('bench-%03d', 'energy', 'Wh'), ('bench-%03d', 'voltage', 'V');",
                            d, d, d, d, d);
  for (guint t = 0; t < G_N_ELEMENTS (tiers); t++)
    {
      gint64 from = end - (gint64)MIN (days, tiers[t].keep_days) * 86400;

      if (tiers[t].energy)
        g_string_append_printf (sql,
                                "WITH RECURSIVE b(v) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT v + %" G_GINT64_FORMAT
                                " FROM b WHERE v + %" G_GINT64_FORMAT " < %" G_GINT64_FORMAT ")"
                                " INSERT INTO %s (device_id, bucket, energy_wh, cost, co2_kg)"
                                " SELECT d.device_id, b.v, 1.5, 0.0004, 0.0006 FROM devices d CROSS JOIN b;",
                                from, tiers[t].width, tiers[t].width, end, tiers[t].table);
      else
        g_string_append_printf (sql,
                                "WITH RECURSIVE b(v) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT v + %" G_GINT64_FORMAT
                                " FROM b WHERE v + %" G_GINT64_FORMAT " < %" G_GINT64_FORMAT ")"
                                " INSERT INTO %s SELECT s.series_id, b.v, 6, 600.0 + (b.v %% 97), 90.0, 110.0, 100.0, 101.0,"
                                " randomblob(24) FROM series s CROSS JOIN b;",
                                from, tiers[t].width, tiers[t].width, end, tiers[t].table);
    }
  g_string_append_printf (sql,
                          "WITH RECURSIVE b(v) AS (SELECT %" G_GINT64_FORMAT " UNION ALL SELECT v + 10000 FROM b WHERE v + 10000 < %"
                          G_GINT64_FORMAT ") INSERT INTO samples SELECT b.v, s.series_id, 100.0 + (b.v %% 13)"
                          " FROM b CROSS JOIN series s WHERE s.metric_type = 'power';"
                          "INSERT OR REPLACE INTO rollup_state VALUES ('1m', %" G_GINT64_FORMAT "), ('5m', %" G_GINT64_FORMAT "),"
                          " ('1h', %" G_GINT64_FORMAT "), ('1d', %" G_GINT64_FORMAT ");"
                          "COMMIT;",
                          (end - 3600) * 1000, end * 1000, end - 3600, end - 3600, end - 3600, end - 86400);

  if (sqlite3_open (path, &db) != SQLITE_OK)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not open %s", path);
      sqlite3_close (db);
      return FALSE;
    }
  ok = bench_exec (db, sql->str, error);
  sqlite3_close (db);
  return ok;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* The database as a crash leaves it: its file and a write-ahead log, copied
 * while a connection that wrote is still open. */
static gboolean
make_crash_image (const char  *path,
                  const char  *image,
                  GError     **error)
{
  static const char * const suffixes[] = { "", "-wal" };
  sqlite3 *db = NULL;
  gboolean ok = TRUE;

  if (sqlite3_open (path, &db) != SQLITE_OK ||
      !bench_exec (db, "PRAGMA wal_autocheckpoint=0; INSERT INTO users (user_id, username) VALUES ('crash', 'crash');", error))
    {
      sqlite3_close (db);
      return FALSE;
    }
  for (guint i = 0; ok && i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (image, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;

      ok = g_file_get_contents (from, &contents, &len, error) && g_file_set_contents (to, contents, len, error);
    }
  sqlite3_close (db);
  return ok;
}

/* One day of readings ingested and maintained in a new file at @version:
 * its size, and the bytes it uses. */
static gboolean
maintain_figure (const char   *dir,
                 AetherClock  *clock,
                 int           n_devices,
                 guint         version,
                 JsonBuilder  *builder,
                 GError      **error)
{
  g_autofree char *name = g_strdup_printf ("maintain-v%u.db", version);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *member = g_strdup_printf ("schema_%u%s", version,
                                             version >= 7 ? "" : "_no_incremental_vacuum");
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const guint steps = 8640;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 used = 0, file = 0;

  /* A file made before migration 7 had no auto_vacuum. */
  if (version < 7)
    {
      gboolean ok = sqlite3_open (path, &db) == SQLITE_OK &&
                    bench_exec (db, "PRAGMA page_size=1024; PRAGMA auto_vacuum=NONE; PRAGMA journal_mode=WAL;"
                                    "CREATE TABLE schema_versions (version INTEGER PRIMARY KEY,"
                                    " applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, description TEXT);", error);

      sqlite3_close (db);
      if (!ok)
        return FALSE;
    }

  for (int d = 0; d < n_devices; d++)
    g_ptr_array_add (names, g_strdup_printf ("bench-%03d", d));
  for (guint i = 0; i < steps; i++)
    for (int d = 0; d < n_devices; d++)
      {
        AetherReading r = {
          .timestamp_us = (OPEN_T0 + (gint64)i * 10) * G_USEC_PER_SEC,
          .device_id = g_ptr_array_index (names, d),
          .metric_type = (char *)"power",
          .value = 100.0 + 50.0 * sin (i / 30.0 + d),
          .unit = (char *)"W",
        };

        g_array_append_val (readings, r);
      }

  if (!(store = aether_store_open_at_version (path, clock, version, error)) ||
      !aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, error) ||
      !aether_store_maintain (store, (OPEN_T0 + (gint64)steps * 10 + 60) * G_USEC_PER_SEC, NULL, error))
    return FALSE;
  g_clear_object (&store);

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT page_count * page_size, (page_count - freelist_count) * page_size"
                              " FROM pragma_page_count, pragma_freelist_count, pragma_page_size", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    {
      file = sqlite3_column_int64 (stmt, 0);
      used = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  json_builder_set_member_name (builder, member);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file_mb");
  json_builder_add_double_value (builder, file / 1e6);
  json_builder_set_member_name (builder, "used_mb");
  json_builder_add_double_value (builder, used / 1e6);
  json_builder_set_member_name (builder, "used_share");
  json_builder_add_double_value (builder, file > 0 ? (double)used / file : 0);
  json_builder_end_object (builder);
  return TRUE;
}

/**
 * aether_cli_bench_open:
 *
 * `bench open [--devices N]`: what opening the database and a one-day query
 * cost as history grows (a week, a month, a year), beside the full check
 * every open used to run (and one after a crash still runs); and the file's
 * size beside the bytes it uses after maintenance.
 */
int
aether_cli_bench_open (AetherCliContext  *ctx,
                       int                argc,
                       char             **argv)
{
  int n_devices = 20;
  const GOptionEntry entries[] = {
    { "devices", 0, 0, G_OPTION_ARG_INT, &n_devices, N_("How many devices the history has"), "N" },
    { NULL }
  };
  static const int histories[] = { 7, 30, 365 };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(AetherClock) clock = aether_clock_new_manual (OPEN_T0 * G_USEC_PER_SEC);
  g_autofree char *dir = NULL;

  g_option_context_set_summary (context, _("Measure opening the database and a one-day query as history grows, "
                                           "and the file's size after maintenance."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (n_devices < 1)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--devices must be at least 1"));
      return aether_cli_fail (error);
    }
  if (!(dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error)))
    return aether_cli_fail (error);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "benchmark");
  json_builder_add_string_value (builder, "open");
  json_builder_set_member_name (builder, "shape");
  json_builder_add_string_value (builder, "N devices × (power, energy, voltage) as the seed's retention leaves them "
                                          "(1 min 7 d, 5 min 30 d, 1 h 90 d, 1 d 1 yr, raw 1 h at 10 s); "
                                          "open = aether_store_open() + a one-day query of one device + close, median of 7");
  json_builder_set_member_name (builder, "devices");
  json_builder_add_int_value (builder, n_devices);
  json_builder_set_member_name (builder, "histories");
  json_builder_begin_array (builder);

  for (guint h = 0; h < G_N_ELEMENTS (histories); h++)
    {
      g_autofree char *name = g_strdup_printf ("open-%d.db", histories[h]);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *image = g_strconcat (path, ".crash", NULL);
      gint64 end_us = (OPEN_T0 + (gint64)histories[h] * 86400) * G_USEC_PER_SEC;
      double runs[7];
      double check_ms = 0, crash_ms = 0;
      struct stat st;
      gint64 start;

      if (!build_history (path, clock, n_devices, histories[h], &error))
        return aether_cli_fail (error);

      for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
        {
          g_autoptr(AetherStore) store = NULL;
          g_autoptr(GArray) columns = NULL;

          start = g_get_monotonic_time ();
          if (!(store = aether_store_open (path, clock, &error)) ||
              !(columns = aether_store_query (store, "bench-000", "power", end_us - (gint64)86400 * G_USEC_PER_SEC,
                                              end_us, 200, -1, NULL, &error)))
            return aether_cli_fail (error);
          g_clear_object (&store);
          runs[r] = (g_get_monotonic_time () - start) / 1000.0;
        }
      qsort (runs, G_N_ELEMENTS (runs), sizeof runs[0], compare_doubles);

      /* What every open cost before: SQLite's quick_check of the file. */
      {
        sqlite3 *db = NULL;

        start = g_get_monotonic_time ();
        if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
            !bench_exec (db, "PRAGMA quick_check;", &error))
          {
            sqlite3_close (db);
            return aether_cli_fail (error);
          }
        sqlite3_close (db);
        check_ms = (g_get_monotonic_time () - start) / 1000.0;
      }

      /* The first open after a crash checks the whole file. */
      {
        g_autoptr(AetherStore) store = NULL;

        if (!make_crash_image (path, image, &error))
          return aether_cli_fail (error);
        start = g_get_monotonic_time ();
        if (!(store = aether_store_open (image, clock, &error)))
          return aether_cli_fail (error);
        g_clear_object (&store);
        crash_ms = (g_get_monotonic_time () - start) / 1000.0;
      }

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "history_days");
      json_builder_add_int_value (builder, histories[h]);
      json_builder_set_member_name (builder, "file_mb");
      json_builder_add_double_value (builder, g_stat (path, &st) == 0 ? st.st_size / 1e6 : -1);
      json_builder_set_member_name (builder, "open_and_query_ms");
      json_builder_add_double_value (builder, runs[G_N_ELEMENTS (runs) / 2]);
      json_builder_set_member_name (builder, "full_check_ms");
      json_builder_add_double_value (builder, check_ms);
      json_builder_set_member_name (builder, "open_after_crash_ms");
      json_builder_add_double_value (builder, crash_ms);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* After maintenance the file is about what it holds; a file of schema 6,
   * before incremental vacuum, beside it. */
  json_builder_set_member_name (builder, "after_maintain");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "shape");
  json_builder_add_string_value (builder, "N devices × one day of power at 10 s ingested, then maintained "
                                          "(raw kept 1 h, the rest rolled up)");
  if (!maintain_figure (dir, clock, n_devices, AETHER_STORE_SCHEMA_VERSION, builder, &error) ||
      !maintain_figure (dir, clock, n_devices, 6, builder, &error))
    return aether_cli_fail (error);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "target");
  json_builder_add_string_value (builder, "open_and_query_ms flat from a week to a year; used_share near 1 after maintenance");
  json_builder_end_object (builder);

  report = json_builder_get_root (builder);
  aether_cli_print_json (report);
  aether_cli_remove_bench_dir (dir);
  return AETHER_CLI_EXIT_OK;
}
