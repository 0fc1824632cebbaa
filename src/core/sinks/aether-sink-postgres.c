/* aether-sink-postgres.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* PostgreSQL (and TimescaleDB) through libpq. On each new connection the
 * seed's `metrics` table and indexes are made if missing, with one more
 * unique index on (device_id, metric_type, time) so that a batch sent again
 * after a lost acknowledgement stores nothing twice. A batch goes in with
 * one `COPY … FROM STDIN` into a temporary table and one INSERT from it
 * into `metrics` (the last value of a reading sent twice wins), in one
 * transaction.
 *
 * When the server offers the `timescaledb` extension it is created and
 * `metrics` becomes a hypertable with the seed's compression policy (after
 * 7 days, segmented by device) and its `metrics_hourly` continuous
 * aggregate. Debian 12 ships no TimescaleDB, so that part is not run by the
 * tests here; each step is tried on its own and a failure leaves plain
 * PostgreSQL working, with a message in the log. Known limits: the
 * extension must be in `shared_preload_libraries` (else CREATE EXTENSION
 * fails and the table stays plain), and a TimescaleDB before 2.11 refuses
 * the upsert into a compressed chunk, so a backfill older than 7 days
 * fails there with the server's message in the status. */

#define G_LOG_DOMAIN "aether-sinks"

#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <string.h>

#include "aether-error.h"
#include "model/aether-json.h"
#include "store/aether-store-private.h"
#include "aether-sink-private.h"

#define CONNECT_TIMEOUT_S 10

static const char schema_sql[] =
  "SET client_min_messages = warning;"
  "CREATE TABLE IF NOT EXISTS metrics ("
  "  time TIMESTAMPTZ NOT NULL, device_id TEXT NOT NULL, metric_type TEXT NOT NULL,"
  "  value DOUBLE PRECISION NOT NULL, unit TEXT NOT NULL,"
  "  tags JSONB DEFAULT '{}', metadata JSONB DEFAULT '{}');"
  "CREATE UNIQUE INDEX IF NOT EXISTS metrics_device_metric_time ON metrics (device_id, metric_type, time);"
  "CREATE INDEX IF NOT EXISTS idx_metrics_device_time ON metrics (device_id, time DESC);"
  "CREATE INDEX IF NOT EXISTS idx_metrics_type_time ON metrics (metric_type, time DESC);"
  "CREATE INDEX IF NOT EXISTS idx_metrics_tags ON metrics USING GIN (tags);"
  "CREATE TEMP TABLE IF NOT EXISTS aether_staging ("
  "  seq BIGINT, ts_ms BIGINT, device_id TEXT, metric_type TEXT, value DOUBLE PRECISION,"
  "  unit TEXT, tags JSONB) ON COMMIT DELETE ROWS;";

/* The seed's TimescaleDB steps, each tried on its own. */
static const char * const timescale_steps[] = {
  "CREATE EXTENSION IF NOT EXISTS timescaledb",
  "SELECT create_hypertable('metrics', 'time', if_not_exists => TRUE, migrate_data => TRUE)",
  "ALTER TABLE metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id',"
  " timescaledb.compress_orderby = 'time DESC')",
  "SELECT add_compression_policy('metrics', INTERVAL '7 days', if_not_exists => TRUE)",
  "CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly WITH (timescaledb.continuous) AS"
  " SELECT time_bucket('1 hour', time) AS hour, device_id, metric_type,"
  "  AVG(value) AS avg_value, MIN(value) AS min_value, MAX(value) AS max_value,"
  "  COUNT(*) AS sample_count, SUM(value) AS sum_value,"
  "  percentile_cont(0.95) WITHIN GROUP (ORDER BY value) AS p95_value"
  " FROM metrics GROUP BY hour, device_id, metric_type WITH NO DATA",
  "SELECT add_continuous_aggregate_policy('metrics_hourly', start_offset => INTERVAL '3 hours',"
  " end_offset => INTERVAL '1 hour', schedule_interval => INTERVAL '1 hour', if_not_exists => TRUE)",
};

/* A TimescaleDB that wants every column of a unique index among the
 * segmenting or ordering ones (ours is on device, metric, time): the
 * seed's segmenting, with the metric ordered too. */
static const char timescale_compress_with_metric[] =
  "ALTER TABLE metrics SET (timescaledb.compress, timescaledb.compress_segmentby = 'device_id',"
  " timescaledb.compress_orderby = 'metric_type, time DESC')";

/* Continuous aggregates of TimescaleDB before 2.7 take no ordered-set
 * aggregate: the same view without the 95th percentile. */
static const char timescale_hourly_without_p95[] =
  "CREATE MATERIALIZED VIEW IF NOT EXISTS metrics_hourly WITH (timescaledb.continuous) AS"
  " SELECT time_bucket('1 hour', time) AS hour, device_id, metric_type,"
  "  AVG(value) AS avg_value, MIN(value) AS min_value, MAX(value) AS max_value,"
  "  COUNT(*) AS sample_count, SUM(value) AS sum_value"
  " FROM metrics GROUP BY hour, device_id, metric_type WITH NO DATA";

static void
connection_free (gpointer data)
{
  PQfinish (data);
}

/* libpq's messages end in a line break, may run to several lines and
 * start with where they were connecting to, which the status says once
 * already: the server's own words. */
static char *
first_line (const char *message)
{
  g_autofree char *copy = g_strdup (message ? message : "");
  char *nl = strchr (copy, '\n');
  const char *fatal;

  if (nl != NULL)
    *nl = '\0';
  if ((fatal = strstr (copy, "FATAL:")) != NULL)
    return g_strstrip (g_strdup (fatal + strlen ("FATAL:")));
  g_strstrip (copy);
  return g_steal_pointer (&copy);
}

static char *
where (PGconn *conn)
{
  const char *host = PQhost (conn);
  const char *port = PQport (conn);
  const char *db = PQdb (conn);

  return g_strdup_printf ("%s:%s/%s", host && *host ? host : "localhost", port && *port ? port : "5432",
                          db ? db : "");
}

static gboolean
result_ok (PGconn      *conn,
           PGresult    *result,
           const char  *what,
           GError     **error)
{
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN)
    return TRUE;

  {
    g_autofree char *message = first_line (PQresultErrorMessage (result));
    g_autofree char *at = where (conn);

    if (PQstatus (conn) == CONNECTION_BAD)
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNREACHABLE,
                   _("PostgreSQL at %s went away: %s"), at, message);
    else
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_FAILED,
                   "PostgreSQL at %s could not %s: %s", at, what, message);
  }
  return FALSE;
}

static gboolean
exec_ok (PGconn      *conn,
         const char  *sql,
         const char  *what,
         GError     **error)
{
  PGresult *result = PQexec (conn, sql);
  gboolean ok = result_ok (conn, result, what, error);

  PQclear (result);
  return ok;
}

static void
set_up_timescale (PGconn *conn)
{
  PGresult *result = PQexec (conn, "SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'");
  gboolean available = PQresultStatus (result) == PGRES_TUPLES_OK && PQntuples (result) > 0;

  PQclear (result);
  if (!available)
    return;

  for (guint i = 0; i < G_N_ELEMENTS (timescale_steps); i++)
    {
      g_autoptr(GError) error = NULL;

      if (exec_ok (conn, timescale_steps[i], "set up TimescaleDB", &error))
        continue;
      if (g_str_has_prefix (timescale_steps[i], "CREATE MATERIALIZED VIEW") &&
          exec_ok (conn, timescale_hourly_without_p95, "set up TimescaleDB", NULL))
        {
          g_message ("metrics_hourly was made without its 95th percentile: %s", error->message);
          continue;
        }
      if (g_str_has_prefix (timescale_steps[i], "ALTER TABLE") &&
          exec_ok (conn, timescale_compress_with_metric, "set up TimescaleDB", NULL))
        {
          g_message ("metrics is compressed ordered by metric and time: %s", error->message);
          continue;
        }
      g_message ("Plain PostgreSQL for the sinks' metrics table: %s", error->message);
      /* Without the extension or the hypertable, the rest cannot follow. */
      if (i < 2)
        return;
    }
}

static PGconn *
connect_to (AetherSinkTarget  *target,
            GError           **error)
{
  const char *conninfo = aether_json_get_string_or (target->config, "conninfo", "");
  const char *keys[5];
  const char *values[5];
  guint n = 0;
  gint64 deadline = g_get_monotonic_time () + CONNECT_TIMEOUT_S * G_USEC_PER_SEC;
  PGconn *conn;

  /* The conninfo first, expanded; the password from the keyring after it. */
  keys[n] = "dbname", values[n++] = conninfo;
  keys[n] = "connect_timeout", values[n++] = "10";
  keys[n] = "application_name", values[n++] = "aetherlens";
  if (target->secret != NULL)
    keys[n] = "password", values[n++] = target->secret;
  keys[n] = NULL, values[n] = NULL;

  /* Connecting a step at a time, so that stop() need not wait for a
   * server that does not answer. */
  conn = PQconnectStartParams (keys, values, 1);
  if (conn == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_FAILED, "Out of memory connecting to PostgreSQL");
      return NULL;
    }
  for (PostgresPollingStatusType poll_status = PGRES_POLLING_WRITING;
       PQstatus (conn) != CONNECTION_BAD && poll_status != PGRES_POLLING_OK && poll_status != PGRES_POLLING_FAILED;)
    {
      GPollFD fd = { PQsocket (conn), poll_status == PGRES_POLLING_READING ? G_IO_IN : G_IO_OUT, 0 };

      if (g_get_monotonic_time () > deadline)
        {
          g_autofree char *at = where (conn);

          g_set_error (error, AETHER_ERROR, AETHER_ERROR_TIMED_OUT,
                       _("PostgreSQL at %s could not be reached: no answer in %d seconds"), at, CONNECT_TIMEOUT_S);
          PQfinish (conn);
          return NULL;
        }

      if (g_cancellable_is_cancelled (target->cancellable))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "Stopped while connecting to PostgreSQL");
          PQfinish (conn);
          return NULL;
        }
      if (fd.fd >= 0 && g_poll (&fd, 1, 100) == 0)
        continue;
      poll_status = PQconnectPoll (conn);
    }
  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = first_line (PQerrorMessage (conn));
      g_autofree char *at = where (conn);
      const char *user = PQuser (conn);

      if (strstr (message, "password authentication failed") != NULL ||
          strstr (message, "no password supplied") != NULL ||
          strstr (message, "password is required") != NULL)
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED,
                     _("PostgreSQL at %s refused the password of user “%s” (%s): remove the sink and add "
                       "it again with the right one"), at, user ? user : "", message);
      else
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNREACHABLE,
                     _("PostgreSQL at %s could not be reached: %s"), at, message);
      PQfinish (conn);
      return NULL;
    }

  if (!exec_ok (conn, schema_sql, "make the metrics table", error))
    {
      PQfinish (conn);
      return NULL;
    }
  set_up_timescale (conn);
  return conn;
}

/* COPY's text format: backslash, tab and line breaks escaped. */
static void
append_copy_text (GString    *out,
                  const char *text)
{
  if (text == NULL)
    {
      g_string_append (out, "\\N");
      return;
    }
  for (const char *p = text; *p; p++)
    switch (*p)
      {
      case '\\': g_string_append (out, "\\\\"); break;
      case '\t': g_string_append (out, "\\t"); break;
      case '\n': g_string_append (out, "\\n"); break;
      case '\r': g_string_append (out, "\\r"); break;
      default: g_string_append_c (out, *p);
      }
}

static char *
tags_of (AetherOutboxRow *row)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  if (row->room != NULL)
    {
      json_builder_set_member_name (builder, "room");
      json_builder_add_string_value (builder, row->room);
    }
  if (row->device_type != NULL)
    {
      json_builder_set_member_name (builder, "device_type");
      json_builder_add_string_value (builder, row->device_type);
    }
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

static gboolean
copy_batch (PGconn     *conn,
            GPtrArray  *rows,
            GError    **error)
{
  g_autoptr(GString) data = g_string_sized_new (rows->len * 120);
  PGresult *result;
  gboolean ok;

  for (guint i = 0; i < rows->len; i++)
    {
      AetherOutboxRow *row = g_ptr_array_index (rows, i);
      g_autofree char *tags = NULL;
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      if (row->device_id == NULL)
        continue;
      tags = tags_of (row);
      g_string_append_printf (data, "%" G_GINT64_FORMAT "\t%" G_GINT64_FORMAT "\t", row->seq, row->ts_ms);
      append_copy_text (data, row->device_id);
      g_string_append_c (data, '\t');
      append_copy_text (data, row->metric_type);
      g_string_append_c (data, '\t');
      g_string_append (data, g_ascii_dtostr (number, sizeof number, row->value));
      g_string_append_c (data, '\t');
      append_copy_text (data, row->unit);
      g_string_append_c (data, '\t');
      append_copy_text (data, tags);
      g_string_append_c (data, '\n');
    }

  result = PQexec (conn, "COPY aether_staging (seq, ts_ms, device_id, metric_type, value, unit, tags) FROM STDIN");
  ok = result_ok (conn, result, "start the COPY", error) && PQresultStatus (result) == PGRES_COPY_IN;
  PQclear (result);
  if (!ok)
    return FALSE;

  if (PQputCopyData (conn, data->str, (int)data->len) != 1 || PQputCopyEnd (conn, NULL) != 1)
    {
      g_autofree char *message = first_line (PQerrorMessage (conn));

      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNREACHABLE, "PostgreSQL stopped taking the COPY: %s", message);
      while ((result = PQgetResult (conn)) != NULL)
        PQclear (result);
      return FALSE;
    }

  ok = TRUE;
  while ((result = PQgetResult (conn)) != NULL)
    {
      if (ok)
        ok = result_ok (conn, result, "copy the readings", error);
      PQclear (result);
    }
  return ok;
}

gboolean
_aether_sink_postgres_deliver (AetherSinkTarget  *target,
                               GPtrArray         *rows,
                               GError           **error)
{
  PGconn *conn = target->connection;
  gboolean any = FALSE;

  for (guint i = 0; i < rows->len && !any; i++)
    any = ((AetherOutboxRow *)g_ptr_array_index (rows, i))->device_id != NULL;
  if (!any)
    return TRUE;

  if (conn != NULL && PQstatus (conn) != CONNECTION_OK)
    {
      PQreset (conn);
      if (PQstatus (conn) != CONNECTION_OK)
        g_clear_pointer (&target->connection, connection_free);
      else if (!exec_ok (conn, schema_sql, "make the metrics table", error))
        {
          g_clear_pointer (&target->connection, connection_free);
          return FALSE;
        }
      conn = target->connection;
    }
  if (conn == NULL)
    {
      if (!(conn = connect_to (target, error)))
        return FALSE;
      target->connection = conn;
      target->connection_free = connection_free;
    }

  if (exec_ok (conn, "BEGIN", "begin", error) &&
      copy_batch (conn, rows, error) &&
      exec_ok (conn,
               "INSERT INTO metrics (time, device_id, metric_type, value, unit, tags)"
               " SELECT DISTINCT ON (device_id, metric_type, ts_ms)"
               "  timestamptz 'epoch' + ts_ms * INTERVAL '1 millisecond', device_id, metric_type, value, unit, tags"
               " FROM aether_staging ORDER BY device_id, metric_type, ts_ms, seq DESC"
               " ON CONFLICT (device_id, metric_type, time) DO UPDATE"
               " SET value = EXCLUDED.value, unit = EXCLUDED.unit, tags = EXCLUDED.tags",
               "store the readings", error) &&
      exec_ok (conn, "COMMIT", "commit", error))
    return TRUE;

  if (PQstatus (conn) == CONNECTION_OK)
    PQclear (PQexec (conn, "ROLLBACK"));
  else
    g_clear_pointer (&target->connection, connection_free);
  return FALSE;
}
