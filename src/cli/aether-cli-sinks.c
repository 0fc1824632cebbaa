/* aether-cli-sinks.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli sinks`: where readings go besides the database — an
 * InfluxDB, a PostgreSQL or TimescaleDB — and how each is doing. Adding
 * and removing go through the service (the secret to the keyring); the
 * process that collects (`collect`, or the app) delivers. */

#define G_LOG_DOMAIN "aether-cli-sinks"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "aether-cli-private.h"

/* A secret given as "-" is read from standard input, so that it is not
 * seen in the process list. */
static char *
read_secret (const char *given)
{
  char line[4096];

  if (given == NULL || strcmp (given, "-") != 0)
    return g_strdup (given);
  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  line[strcspn (line, "\r\n")] = '\0';
  return g_strdup (line);
}

static int
add_sink (AetherCliContext *ctx,
          const char       *kind,
          const char       *name,
          JsonObject       *config,
          const char       *secret,
          gint64            max_queued)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;
  gboolean in_keyring = FALSE;

  if (!(service = aether_service_new (ctx->db_path, ctx->clock, &error)) ||
      !aether_service_add_sink (service, kind, name, config, secret, max_queued, &in_keyring, &error))
    return aether_cli_fail (error);

  printf (_("Added sink “%s”. Readings stored from now on are delivered to it by the process that "
            "collects; send what is stored already with “%s sinks backfill %s --from TIME”.\n"),
          name, ctx->prgname, name);
  if (in_keyring)
    printf ("%s\n", _("Its secret is in the keyring."));
  else
    {
      g_autoptr(AetherSinkRecord) record = aether_store_get_sink (aether_service_get_store (service), name, NULL);

      if (record != NULL && (json_object_has_member (record->config, "password") ||
                             json_object_has_member (record->config, "token")))
        printf ("%s\n", _("There is no keyring: its secret is kept in the database."));
    }
  return AETHER_CLI_EXIT_OK;
}

static int
sinks_add (AetherCliContext  *ctx,
           int                argc,
           char             **argv)
{
  g_autofree char *url = NULL;
  g_autofree char *database = NULL;
  g_autofree char *token = NULL;
  g_autofree char *org = NULL;
  g_autofree char *bucket = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *password = NULL;
  g_autofree char *name = NULL;
  g_autofree char *secret = NULL;
  gint64 max_queued = 0;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("The sink’s name (default: its kind)"), "NAME" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, N_("InfluxDB: the server, e.g. http://influx.lan:8086"), "URL" },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database, N_("InfluxDB 1: the database"), "NAME" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token,
      N_("InfluxDB: the token (1.x: user:password); “-” reads it from standard input"), "TOKEN" },
    { "org", 0, 0, G_OPTION_ARG_STRING, &org, N_("InfluxDB 2: the organization"), "ORG" },
    { "bucket", 0, 0, G_OPTION_ARG_STRING, &bucket, N_("InfluxDB 2: the bucket"), "BUCKET" },
    { "conninfo", 0, 0, G_OPTION_ARG_STRING, &conninfo,
      N_("PostgreSQL: the connection string, e.g. “host=db.lan dbname=energy user=aether”"), "CONNINFO" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password,
      N_("PostgreSQL: the password (or inside the conninfo); “-” reads it from standard input"), "PASSWORD" },
    { "max-queued", 0, 0, G_OPTION_ARG_INT64, &max_queued,
      N_("Readings its outbox keeps while it is away (default: 10 million)"), "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("influxdb|postgres"));
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  const char *kind;

  g_option_context_set_summary (context, _("Add a sink: every reading stored is also delivered to it.\n\n"
                                           "  sinks add influxdb --url URL --database NAME [--token T]\n"
                                           "  sinks add influxdb --url URL --org O --bucket B --token T\n"
                                           "  sinks add postgres --conninfo \"host=… dbname=… user=…\" [--password P]"));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("Say which kind of sink: influxdb or postgres"));
      return aether_cli_fail (error);
    }
  kind = argv[1];

  if (g_str_equal (kind, "influxdb"))
    {
      if (conninfo != NULL || password != NULL)
        {
          g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                               _("--conninfo and --password are for postgres; InfluxDB takes --token"));
          return aether_cli_fail (error);
        }
      if (url != NULL)
        json_object_set_string_member (config, "url", url);
      if (database != NULL)
        json_object_set_string_member (config, "database", database);
      if (org != NULL)
        json_object_set_string_member (config, "org", org);
      if (bucket != NULL)
        json_object_set_string_member (config, "bucket", bucket);
      secret = read_secret (token);
    }
  else if (g_str_equal (kind, "postgres"))
    {
      if (url != NULL || database != NULL || token != NULL || org != NULL || bucket != NULL)
        {
          g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                               _("--url, --database, --token, --org and --bucket are for influxdb; "
                                 "PostgreSQL takes --conninfo"));
          return aether_cli_fail (error);
        }
      if (conninfo != NULL)
        json_object_set_string_member (config, "conninfo", conninfo);
      secret = read_secret (password);
    }
  else
    {
      g_set_error (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a kind of sink: influxdb or postgres"), kind);
      return aether_cli_fail (error);
    }

  return add_sink (ctx, kind, name ? name : kind, config, secret, max_queued);
}

static const char *
target_of (AetherSinkRecord *record)
{
  static char text[512];

  if (g_str_equal (record->kind, "postgres"))
    g_strlcpy (text, aether_json_get_string_or (record->config, "conninfo", ""), sizeof text);
  else if (json_object_has_member (record->config, "bucket"))
    g_snprintf (text, sizeof text, "%s org=%s bucket=%s", aether_json_get_string_or (record->config, "url", ""),
                aether_json_get_string_or (record->config, "org", ""),
                aether_json_get_string_or (record->config, "bucket", ""));
  else
    g_snprintf (text, sizeof text, "%s db=%s", aether_json_get_string_or (record->config, "url", ""),
                aether_json_get_string_or (record->config, "database", ""));
  return text;
}

static int
sinks_list (AetherCliContext  *ctx,
            int                argc,
            char             **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) sinks = NULL;

  g_option_context_set_summary (context, _("List the sinks and where each one is."));
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(sinks = aether_store_list_sinks (store, &error)))
    return aether_cli_fail (error);

  if (sinks->len == 0)
    {
      printf (_("No sinks. Add one with “%s sinks add influxdb …” or “%s sinks add postgres …”.\n"),
              ctx->prgname, ctx->prgname);
      return AETHER_CLI_EXIT_OK;
    }
  for (guint i = 0; i < sinks->len; i++)
    {
      AetherSinkRecord *record = g_ptr_array_index (sinks, i);

      printf ("%-16s %-9s %-4s %s\n", record->name, record->kind, record->enabled ? _("on") : _("off"),
              target_of (record));
    }
  return AETHER_CLI_EXIT_OK;
}

static int
sinks_status (AetherCliContext  *ctx,
              int                argc,
              char             **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the figures as JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("[NAME]"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) sinks = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  gboolean any_warning = FALSE;

  g_option_context_set_summary (context, _("How each sink is doing: delivering or not and why, what is queued, "
                                           "and an outbox that is full."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(sinks = aether_store_list_sinks (store, &error)))
    return aether_cli_fail (error);
  if (argc > 1)
    {
      AetherSinkRecord *one = aether_store_get_sink (store, argv[1], &error);

      if (one == NULL)
        return aether_cli_fail (error);
      g_ptr_array_set_size (sinks, 0);
      g_ptr_array_add (sinks, one);
    }

  for (guint i = 0; i < sinks->len; i++)
    {
      AetherSinkRecord *record = g_ptr_array_index (sinks, i);
      g_autofree char *sentence = aether_sink_record_describe_status (record);
      JsonObject *object;

      if (record->dropped > 0 || g_strcmp0 (record->state, "failing") == 0)
        any_warning = TRUE;
      if (!as_json)
        {
          printf ("%s (%s): %s\n", record->name, record->kind, sentence);
          continue;
        }
      object = json_object_new ();
      json_object_set_string_member (object, "name", record->name);
      json_object_set_string_member (object, "kind", record->kind);
      json_object_set_boolean_member (object, "enabled", record->enabled);
      json_object_set_string_member (object, "state", record->state);
      if (record->last_error)
        json_object_set_string_member (object, "last_error", record->last_error);
      else
        json_object_set_null_member (object, "last_error");
      json_object_set_int_member (object, "queued", record->queued);
      json_object_set_int_member (object, "max_queued", record->max_queued);
      json_object_set_int_member (object, "delivered", record->delivered);
      json_object_set_int_member (object, "not_queued", record->dropped);
      json_object_set_string_member (object, "status", sentence);
      json_array_add_object_element (array, object);
    }

  if (as_json)
    {
      g_autoptr(JsonNode) root = json_node_init_array (json_node_alloc (), array);

      aether_cli_print_json (root);
    }
  else if (sinks->len == 0)
    printf ("%s\n", _("No sinks."));
  else
    {
      /* The process that collects delivers: without one, nothing moves. */
      g_autofree char *holder = aether_store_lock_describe_holder (ctx->db_path);

      if (holder == NULL)
        printf (_("Nothing is collecting into %s now, so nothing is delivered: run “%s collect” or open "
                  "AetherLens.\n"), ctx->db_path, ctx->prgname);
    }

  /* A script sees a sink in trouble without reading the text. */
  return any_warning ? AETHER_CLI_EXIT_FAILURE : AETHER_CLI_EXIT_OK;
}

/* A subcommand that takes one sink's name and no options. */
static gboolean
parse_one_name (int          *argc,
                char       ***argv,
                const char   *summary,
                const char   *missing,
                GError      **error)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));

  g_option_context_set_summary (context, summary);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;
  if (*argc != 2)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, missing);
      return FALSE;
    }
  return TRUE;
}

static int
sinks_remove (AetherCliContext  *ctx,
              int                argc,
              char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;

  if (!parse_one_name (&argc, &argv, _("Remove a sink, what its outbox still holds and its secret."),
                       _("Name the sink to remove"), &error))
    return aether_cli_fail (error);
  if (!(service = aether_service_new (ctx->db_path, ctx->clock, &error)) ||
      !aether_service_remove_sink (service, argv[1], &error))
    return aether_cli_fail (error);

  printf (_("Removed sink “%s”.\n"), argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static int
set_enabled (AetherCliContext  *ctx,
             int                argc,
             char             **argv,
             gboolean           enabled)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;

  if (!parse_one_name (&argc, &argv, enabled ? _("Queue and deliver readings for a sink again.")
                                             : _("Stop queueing readings for a sink (what is queued stays)."),
                       _("Name the sink"), &error))
    return aether_cli_fail (error);
  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !aether_store_set_sink_enabled (store, argv[1], enabled, &error))
    return aether_cli_fail (error);
  return AETHER_CLI_EXIT_OK;
}

static int
sinks_enable (AetherCliContext *ctx, int argc, char **argv)
{
  return set_enabled (ctx, argc, argv, TRUE);
}

static int
sinks_disable (AetherCliContext *ctx, int argc, char **argv)
{
  return set_enabled (ctx, argc, argv, FALSE);
}

static int
sinks_backfill (AetherCliContext  *ctx,
                int                argc,
                char             **argv)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  const GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("The first instant to send (ISO 8601 with an offset, or epoch seconds)"), "TIME" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Up to this instant (default: now)"), "TIME" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("NAME"));
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;
  gint64 from_us = 0, to_us = 0, n, not_queued = 0;

  g_option_context_set_summary (context, _("Queue the raw readings the database still holds for a sink, oldest "
                                           "first. A reading it has already is not stored twice."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (argc != 2 || from == NULL)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("Name the sink and say from when: sinks backfill NAME --from TIME"));
      return aether_cli_fail (error);
    }
  if (!aether_parse_timestamp (from, &from_us, &error))
    {
      g_prefix_error (&error, "--from: ");
      return aether_cli_fail (error);
    }
  if (to != NULL && !aether_parse_timestamp (to, &to_us, &error))
    {
      g_prefix_error (&error, "--to: ");
      return aether_cli_fail (error);
    }
  if (to == NULL)
    to_us = aether_clock_now_us (ctx->clock) + G_USEC_PER_SEC;

  if (!(service = aether_service_new (ctx->db_path, ctx->clock, &error)) ||
      (n = aether_service_backfill_sink (service, argv[1], from_us, to_us, &not_queued, &error)) < 0)
    return aether_cli_fail (error);

  printf (g_dngettext (GETTEXT_PACKAGE, "Queued %" G_GINT64_FORMAT " reading for “%s”.\n",
                       "Queued %" G_GINT64_FORMAT " readings for “%s”.\n", (gulong)n), n, argv[1]);
  if (not_queued > 0)
    {
      fprintf (stderr, g_dngettext (GETTEXT_PACKAGE,
                                    "%" G_GINT64_FORMAT " reading did not fit in its outbox; run this again once "
                                    "it has caught up, or raise its cap.\n",
                                    "%" G_GINT64_FORMAT " readings did not fit in its outbox; run this again once "
                                    "it has caught up, or raise its cap.\n", (gulong)not_queued), not_queued);
      return AETHER_CLI_EXIT_FAILURE;
    }
  return AETHER_CLI_EXIT_OK;
}

static const AetherCliCommand sinks_commands[] = {
  { "add",      sinks_add,      N_("Add an InfluxDB or PostgreSQL sink") },
  { "list",     sinks_list,     N_("List the sinks") },
  { "status",   sinks_status,   N_("Say how each sink is doing") },
  { "remove",   sinks_remove,   N_("Remove a sink") },
  { "enable",   sinks_enable,   N_("Deliver to a sink again") },
  { "disable",  sinks_disable,  N_("Stop delivering to a sink") },
  { "backfill", sinks_backfill, N_("Send a sink the readings stored since a time") },
  { NULL }
};

int
aether_cli_sinks_main (AetherCliContext  *ctx,
                       int                argc,
                       char             **argv)
{
  return aether_cli_dispatch (ctx, "sinks", sinks_commands, argc, argv);
}

/* ---- bench sinks ----------------------------------------------------------- */

/* A new database at @path with @n_sinks InfluxDB sinks named PREFIX-N (no
 * deliverer runs), and the names PREFIX-NNN of the 100 series written. */
static AetherStore *
open_bench_store (AetherCliContext  *ctx,
                  const char        *path,
                  const char        *prefix,
                  guint              n_sinks,
                  GPtrArray         *names,
                  GError           **error)
{
  g_autoptr(AetherStore) store = NULL;

  if (!(store = aether_store_open (path, ctx->clock, error)))
    return NULL;
  for (guint i = 0; i < n_sinks; i++)
    {
      g_autoptr(JsonObject) config = json_object_new ();
      g_autofree char *name = g_strdup_printf ("%s-%u", prefix, i);

      json_object_set_string_member (config, "url", "http://127.0.0.1:9");
      json_object_set_string_member (config, "database", "bench");
      if (!aether_store_add_sink (store, "influxdb", name, config, 0, 0, error))
        return NULL;
    }
  for (guint s = 0; s < 100; s++)
    g_ptr_array_add (names, g_strdup_printf ("%s-%03u", prefix, s));
  return g_steal_pointer (&store);
}

/* @n readings of 100 series, a second apart, through the real writer into
 * a new database at @path that has @n_sinks sinks (no deliverer runs):
 * readings a second, per CPU-second too. */
static gboolean
bench_ingest (AetherCliContext  *ctx,
              const char        *path,
              guint              n_sinks,
              guint              n,
              double            *per_s,
              double            *per_cpu_s,
              GError           **error)
{
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherStoreWriter) writer = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  gint64 t0 = (aether_clock_now_us (ctx->clock) / G_USEC_PER_SEC - n / 100 - 60) * G_USEC_PER_SEC;
  double wall, cpu;

  if (!(store = open_bench_store (ctx, path, "bench", n_sinks, names, error)))
    return FALSE;
  if (!(writer = aether_store_writer_new (path, 1000, 5000, error)))
    return FALSE;

  wall = g_get_monotonic_time () / 1e6;
  cpu = aether_cli_cpu_seconds (NULL);
  for (guint i = 0; i < n; i++)
    {
      AetherReading r = {
        .timestamp_us = t0 + (gint64)(i / 100) * G_USEC_PER_SEC,
        .device_id = g_ptr_array_index (names, i % 100),
        .metric_type = (char *)"power",
        .value = 100.0 + (i % 977) / 8.0,
        .unit = (char *)"W",
      };

      aether_reading_sink_push (AETHER_READING_SINK (writer), &r);
    }
  if (!aether_store_writer_close (writer, error))
    return FALSE;
  wall = g_get_monotonic_time () / 1e6 - wall;
  cpu = aether_cli_cpu_seconds (NULL) - cpu;
  *per_s = n / MAX (wall, 1e-9);
  *per_cpu_s = n / MAX (cpu, 1e-9);
  return TRUE;
}

/* Live: 100 series read every second, a commit a second, with @n_sinks
 * sinks whose outbox is emptied after every commit as a deliverer keeping
 * up would: bytes written a reading (what wears an SD card). */
static gboolean
bench_live_bytes (AetherCliContext  *ctx,
                  const char        *path,
                  guint              n_sinks,
                  double            *bytes_per_reading,
                  GError           **error)
{
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherStoreWriter) writer = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) sinks = NULL;
  const guint seconds = 120, warm_up = 5;
  gint64 t0 = (aether_clock_now_us (ctx->clock) / G_USEC_PER_SEC - seconds - 60) * G_USEC_PER_SEC;
  gint64 before = 0;

  if (!(store = open_bench_store (ctx, path, "live", n_sinks, names, error)) ||
      !(sinks = aether_store_list_sinks (store, error)))
    return FALSE;
  if (!(writer = aether_store_writer_new (path, 60 * 1000, 1000000, error)))
    return FALSE;

  for (guint t = 0; t < seconds; t++)
    {
      if (t == warm_up)
        before = aether_cli_bytes_written ();
      for (guint s = 0; s < 100; s++)
        {
          AetherReading r = {
            .timestamp_us = t0 + (gint64)t * G_USEC_PER_SEC,
            .device_id = g_ptr_array_index (names, s),
            .metric_type = (char *)"power",
            .value = 100.0 + (t * 7 + s) % 113,
            .unit = (char *)"W",
          };

          aether_reading_sink_push (AETHER_READING_SINK (writer), &r);
        }
      if (!aether_reading_sink_flush (AETHER_READING_SINK (writer), error))
        return FALSE;
      /* The deliverer's acknowledgement: one transaction a sink. */
      for (guint i = 0; i < sinks->len; i++)
        {
          AetherSinkRecord *record = g_ptr_array_index (sinks, i);
          sqlite3 *db = NULL;
          g_autofree char *sql = g_strdup_printf ("BEGIN IMMEDIATE; DELETE FROM sink_outbox WHERE sink_id = %"
                                                  G_GINT64_FORMAT "; UPDATE sinks SET queued = 0, delivered ="
                                                  " delivered + 100 WHERE sink_id = %" G_GINT64_FORMAT "; COMMIT;",
                                                  record->id, record->id);

          if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
              sqlite3_exec (db, "PRAGMA busy_timeout=5000;", NULL, NULL, NULL) != SQLITE_OK ||
              sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not empty the outbox: %s", sqlite3_errmsg (db));
              sqlite3_close (db);
              return FALSE;
            }
          sqlite3_close (db);
        }
    }
  if (!aether_store_writer_close (writer, error))
    return FALSE;
  *bytes_per_reading = (double)(aether_cli_bytes_written () - before) / ((seconds - warm_up) * 100);
  return TRUE;
}

/* Readings a second the deliverer sends @kind from a full outbox. */
static gboolean
bench_deliver (AetherCliContext  *ctx,
               const char        *dir,
               const char        *kind,
               JsonObject        *config,
               const char        *secret,
               guint              n,
               double            *per_s,
               GError           **error)
{
  g_autofree char *path = g_strdup_printf ("%s/deliver-%s.db", dir, kind);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(AetherSinkDeliverer) deliverer = NULL;
  double ignored, start;

  /* The readings are queued first, with the sink in place. */
  if (!(service = aether_service_new (path, ctx->clock, error)) ||
      !aether_service_add_sink (service, kind, kind, config, secret, 0, NULL, error))
    return FALSE;
  g_clear_object (&service);
  if (!bench_ingest (ctx, path, 0, n, &ignored, &ignored, error))
    return FALSE;

  {
    g_autoptr(AetherStore) store = aether_store_open (path, ctx->clock, error);

    if (store == NULL)
      return FALSE;
    start = g_get_monotonic_time () / 1e6;
    if (!(deliverer = aether_sink_deliverer_new (path, 0, error)))
      return FALSE;
    for (;;)
      {
        g_autoptr(AetherSinkRecord) record = aether_store_get_sink (store, kind, error);

        if (record == NULL)
          return FALSE;
        if (record->queued == 0)
          break;
        if (g_strcmp0 (record->state, "failing") == 0)
          {
            g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNREACHABLE, "%s: %s", kind, record->last_error);
            return FALSE;
          }
        g_usleep (20 * 1000);
      }
    *per_s = n / MAX (g_get_monotonic_time () / 1e6 - start, 1e-9);
  }
  aether_sink_deliverer_stop (deliverer);
  return TRUE;
}

int
aether_cli_bench_sinks (AetherCliContext  *ctx,
                        int                argc,
                        char             **argv)
{
  int n = 200000;
  g_autofree char *influx = NULL;
  g_autofree char *database = NULL;
  g_autofree char *token = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *password = NULL;
  const GOptionEntry entries[] = {
    { "readings", 0, 0, G_OPTION_ARG_INT, &n, N_("Readings per run (default: 200000)"), "N" },
    { "influxdb", 0, 0, G_OPTION_ARG_STRING, &influx, N_("Deliver to this InfluxDB 1.x server"), "URL" },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database, N_("Its database (default: aetherlens_bench)"), "NAME" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, N_("Its token"), "TOKEN" },
    { "postgres", 0, 0, G_OPTION_ARG_STRING, &conninfo, N_("Deliver to this PostgreSQL"), "CONNINFO" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, N_("Its password"), "PASSWORD" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = NULL;
  double rate[3], cpu_rate[3], live_bytes[3];
  int status = AETHER_CLI_EXIT_OK;

  g_option_context_set_summary (context, _("How much an outbox slows the writer (no sink, one, two), and the "
                                           "readings a second delivered to the servers given."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (n < 1000)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--readings must be at least 1000"));
      return aether_cli_fail (error);
    }
  if (!(dir = g_dir_make_tmp ("aetherlens-bench-sinks-XXXXXX", &error)))
    return aether_cli_fail (error);

  for (guint k = 0; k < 3; k++)
    {
      g_autofree char *path = g_strdup_printf ("%s/ingest-%u.db", dir, k);

      if (!bench_ingest (ctx, path, k, (guint)n, &rate[k], &cpu_rate[k], &error))
        {
          status = aether_cli_fail (error);
          goto out;
        }
    }

  for (guint k = 0; k < 3; k++)
    {
      g_autofree char *path = g_strdup_printf ("%s/live-%u.db", dir, k);

      if (!bench_live_bytes (ctx, path, k, &live_bytes[k], &error))
        {
          status = aether_cli_fail (error);
          goto out;
        }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "benchmark");
  json_builder_add_string_value (builder, "sinks");
  json_builder_set_member_name (builder, "readings");
  json_builder_add_int_value (builder, n);
  for (guint k = 0; k < 3; k++)
    {
      static const char * const names[] = { "ingest_no_sink", "ingest_one_sink", "ingest_two_sinks" };

      json_builder_set_member_name (builder, names[k]);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "readings_per_s");
      json_builder_add_double_value (builder, rate[k]);
      json_builder_set_member_name (builder, "readings_per_cpu_s");
      json_builder_add_double_value (builder, cpu_rate[k]);
      json_builder_set_member_name (builder, "cpu_cost_vs_no_sink");
      json_builder_add_double_value (builder, cpu_rate[0] / cpu_rate[k]);
      json_builder_set_member_name (builder, "live_bytes_written_per_reading");
      json_builder_add_double_value (builder, live_bytes[k]);
      json_builder_end_object (builder);
    }

  if (influx != NULL)
    {
      g_autoptr(JsonObject) config = json_object_new ();
      double per_s = 0;

      json_object_set_string_member (config, "url", influx);
      json_object_set_string_member (config, "database", database ? database : "aetherlens_bench");
      if (!bench_deliver (ctx, dir, "influxdb", config, token, (guint)n, &per_s, &error))
        {
          status = aether_cli_fail (error);
          goto out;
        }
      json_builder_set_member_name (builder, "influxdb_delivered_per_s");
      json_builder_add_double_value (builder, per_s);
    }
  if (conninfo != NULL)
    {
      g_autoptr(JsonObject) config = json_object_new ();
      double per_s = 0;

      json_object_set_string_member (config, "conninfo", conninfo);
      if (!bench_deliver (ctx, dir, "postgres", config, password, (guint)n, &per_s, &error))
        {
          status = aether_cli_fail (error);
          goto out;
        }
      json_builder_set_member_name (builder, "postgres_delivered_per_s");
      json_builder_add_double_value (builder, per_s);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  aether_cli_print_json (root);

out:
  aether_cli_remove_bench_dir (dir);
  return status;
}
