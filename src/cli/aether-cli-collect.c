/* aether-cli-collect.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli bench collect`: the real collector polling simulated
 * devices on the real main loop and clock into the real writer thread,
 * reporting CPU time per thousand polls, peak memory, and whether every
 * sample produced was stored. */

#define G_LOG_DOMAIN "aether-cli-collect"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/resource.h>

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
  {
    static const char * const suffixes[] = { "", "-wal", "-shm" };

    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *p = g_strconcat (db_path, suffixes[i], NULL);
        g_unlink (p);
      }
    g_rmdir (dir);
  }

  return n_produced == (guint64)stored ? AETHER_CLI_EXIT_OK : AETHER_CLI_EXIT_FAILURE;
}
