/* test-sinks.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Sinks end to end. The outbox: every reading the writer stores is queued
 * in the same transaction for each enabled sink, a full outbox is counted
 * and said, backfill queues history. Then real servers started here on
 * 127.0.0.1 — Debian's InfluxDB 1.x (influxd with a configuration of its
 * own) and PostgreSQL 15 (initdb in a folder of its own, password
 * authentication) — run as `nobody` when the test runs as root: a
 * collector run on the demo home delivers every stored reading to both
 * (the same readings, the same values); both servers stopped mid-run and
 * started again later catch up with nothing lost or repeated; a wrong
 * password says so in the sink's status. Without the servers' programs
 * those tests skip. */

#include "config.h"

#include <grp.h>
#include <libpq-fe.h>
#include <libsoup/soup.h>
#include <pwd.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <unistd.h>

#include "aether-core.h"
#include "aether-sim-home.h"
#include "aether-test-keyring.h"
#include "aether-test-util.h"
#include "sinks/aether-sink-private.h"
#include "store/aether-store-private.h"

#define PG_BIN "/usr/lib/postgresql/15/bin"
#define INFLUXD "/usr/bin/influxd"
#define PG_USER "aether"
#define PG_PASSWORD "s3cret-pg"
#define INFLUX_TOKEN "admin:s3cret-influx"
#define SEED 7

/* Monday 2024-01-15 12:00:00 UTC */
#define NOON G_GINT64_CONSTANT (1705320000)

static gboolean have_keyring;

/* ---- Servers ------------------------------------------------------------- */

typedef struct
{
  char        *dir;
  guint16      pg_port;
  guint16      influx_port;
  GSubprocess *influxd;
  GSubprocess *postgres;
} Servers;

static Servers servers;
static gboolean have_servers;
static char *servers_missing;

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Servers refuse to run as root: as `nobody` then. A server started with
 * @death_signal gets it when the test dies, even by an assertion's
 * abort(), so none outlives a failed run. */
static GPtrArray *
server_argv_with (const char *program,
                  const char *death_signal)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (gpointer)"setpriv");
  if (geteuid () == 0)
    {
      g_ptr_array_add (argv, (gpointer)"--reuid=nobody");
      g_ptr_array_add (argv, (gpointer)"--regid=nogroup");
      g_ptr_array_add (argv, (gpointer)"--clear-groups");
    }
  if (death_signal != NULL)
    {
      g_ptr_array_add (argv, (gpointer)"--pdeathsig");
      g_ptr_array_add (argv, (gpointer)death_signal);
    }
  g_ptr_array_add (argv, (gpointer)"--");
  g_ptr_array_add (argv, (gpointer)program);
  return argv;
}

static GPtrArray *
server_argv (const char *program)
{
  return server_argv_with (program, NULL);
}

static void
give_to_server_user (const char *path)
{
  struct passwd *pw;

  if (geteuid () != 0 || !(pw = getpwnam ("nobody")))
    return;
  g_assert_cmpint (chown (path, pw->pw_uid, pw->pw_gid), ==, 0);
}

static gboolean
run_server_tool (const char  *program,
                 ...)
{
  g_autoptr(GPtrArray) argv = server_argv (program);
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;
  va_list ap;

  va_start (ap, program);
  for (const char *a = va_arg (ap, const char *); a != NULL; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (servers.dir, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                     NULL, NULL, NULL, &err, &status, &error))
    {
      g_printerr ("# %s: %s\n", program, error->message);
      return FALSE;
    }
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_printerr ("# %s failed: %s\n", program, err);
      return FALSE;
    }
  return TRUE;
}

/* The postmaster itself, a child of the test (not through pg_ctl, which
 * would leave it behind a failed run); up when it answers. */
static gboolean
pg_start (void)
{
  g_autofree char *data = g_build_filename (servers.dir, "pg", NULL);
  g_autofree char *log = g_build_filename (servers.dir, "pg.log", NULL);
  g_autofree char *port = g_strdup_printf ("%u", servers.pg_port);
  g_autofree char *ping = g_strdup_printf ("host=127.0.0.1 port=%u dbname=postgres connect_timeout=5", servers.pg_port);
  g_autoptr(GPtrArray) argv = server_argv_with (PG_BIN "/postgres", "SIGINT");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GError) error = NULL;
  const char *options[] = { "-D", data, "-p", port, "-c", "listen_addresses=127.0.0.1",
                            "-c", "unix_socket_directories=", "-c", "fsync=off", NULL };

  for (guint i = 0; options[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)options[i]);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_cwd (launcher, servers.dir);
  if (!(servers.postgres = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error)))
    {
      g_printerr ("# postgres: %s\n", error->message);
      return FALSE;
    }

  for (guint i = 0; i < 1200; i++)
    {
      if (PQping (ping) == PQPING_OK)
        return TRUE;
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (g_subprocess_get_identifier (servers.postgres) == NULL)
        break;
      g_usleep (100 * 1000);
    }
  g_printerr ("# postgres did not start; see %s\n", log);
  return FALSE;
}

/* A fast shutdown: the sessions are ended, the data written. */
static void
pg_stop (void)
{
  if (servers.postgres == NULL)
    return;
  g_subprocess_send_signal (servers.postgres, SIGINT);
  g_subprocess_wait (servers.postgres, NULL, NULL);
  g_clear_object (&servers.postgres);
}

static gboolean
pg_init (void)
{
  g_autofree char *data = g_build_filename (servers.dir, "pg", NULL);
  g_autofree char *pwfile = g_build_filename (servers.dir, "pwfile", NULL);

  g_assert_true (g_file_set_contents (pwfile, PG_PASSWORD "\n", -1, NULL));
  give_to_server_user (pwfile);
  return run_server_tool (PG_BIN "/initdb", "-D", data, "-U", PG_USER, "--auth=scram-sha-256",
                          "--pwfile", pwfile, "-E", "UTF8", "--no-sync", NULL);
}

static char *
influx_url (void)
{
  return g_strdup_printf ("http://127.0.0.1:%u", servers.influx_port);
}

/* @method @path_and_query on InfluxDB as its admin: the status, and the body. */
static guint
influx_request (const char  *method,
                const char  *path_and_query,
                char       **body)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  g_autofree char *base = influx_url ();
  g_autofree char *url = g_strconcat (base, path_and_query, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autofree char *basic = g_base64_encode ((const guchar *)INFLUX_TOKEN, strlen (INFLUX_TOKEN));
  g_autofree char *authorization = g_strconcat ("Basic ", basic, NULL);
  g_autoptr(GBytes) bytes = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
  bytes = soup_session_send_and_read (session, msg, NULL, NULL);

  if (body != NULL)
    *body = bytes ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)) : NULL;
  return bytes ? soup_message_get_status (msg) : 0;
}

static guint
influx_get (const char  *path_and_query,
            char       **body)
{
  return influx_request ("GET", path_and_query, body);
}

static gboolean
influx_start (void)
{
  g_autofree char *conf = g_build_filename (servers.dir, "influxdb.conf", NULL);
  g_autofree char *log = g_build_filename (servers.dir, "influxd.log", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) argv = server_argv_with (INFLUXD, "SIGTERM");
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GError) error = NULL;

  text = g_strdup_printf ("reporting-disabled = true\n"
                          "bind-address = \"127.0.0.1:%u\"\n"
                          "[meta]\n  dir = \"%s/influx/meta\"\n"
                          "[data]\n  dir = \"%s/influx/data\"\n  wal-dir = \"%s/influx/wal\"\n"
                          "  query-log-enabled = false\n"
                          "[http]\n  bind-address = \"127.0.0.1:%u\"\n  log-enabled = false\n"
                          "  auth-enabled = true\n"
                          "  max-row-limit = 0\n"
                          "[monitor]\n  store-enabled = false\n"
                          "[continuous_queries]\n  enabled = false\n",
                          free_port (), servers.dir, servers.dir, servers.dir, servers.influx_port);
  g_assert_true (g_file_set_contents (conf, text, -1, NULL));
  give_to_server_user (conf);

  g_ptr_array_add (argv, (gpointer)"-config");
  g_ptr_array_add (argv, conf);
  g_ptr_array_add (argv, NULL);
  g_subprocess_launcher_set_stderr_file_path (launcher, log);
  g_subprocess_launcher_set_cwd (launcher, servers.dir);
  if (!(servers.influxd = g_subprocess_launcher_spawnv (launcher, (const char * const *)argv->pdata, &error)))
    {
      g_printerr ("# influxd: %s\n", error->message);
      return FALSE;
    }

  /* Up when it answers /ping (a minute at most on a busy machine). */
  for (guint i = 0; i < 600; i++)
    {
      if (influx_get ("/ping", NULL) == 204)
        {
          /* The first user may be made without one; after a restart it is there. */
          g_autofree char *q = g_uri_escape_string ("CREATE USER admin WITH PASSWORD 's3cret-influx' WITH ALL PRIVILEGES",
                                                    NULL, FALSE);
          g_autofree char *path = g_strconcat ("/query?q=", q, NULL);

          return influx_request ("POST", path, NULL) == 200;
        }
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (g_subprocess_get_identifier (servers.influxd) == NULL)
        break;
      g_usleep (100 * 1000);
    }
  g_printerr ("# influxd did not start; see %s\n", log);
  return FALSE;
}

static void
influx_stop (void)
{
  if (servers.influxd == NULL)
    return;
  g_subprocess_send_signal (servers.influxd, SIGTERM);
  g_subprocess_wait (servers.influxd, NULL, NULL);
  g_clear_object (&servers.influxd);
}

static void
servers_up (void)
{
  if (!g_file_test (PG_BIN "/initdb", G_FILE_TEST_IS_EXECUTABLE))
    {
      servers_missing = g_strdup ("PostgreSQL 15 is not installed (apt install postgresql-15)");
      return;
    }
  if (!g_file_test (INFLUXD, G_FILE_TEST_IS_EXECUTABLE))
    {
      servers_missing = g_strdup ("InfluxDB is not installed (apt install influxdb)");
      return;
    }

  servers.dir = g_dir_make_tmp ("aether-sinks-servers-XXXXXX", NULL);
  g_assert_nonnull (servers.dir);
  give_to_server_user (servers.dir);
  servers.pg_port = free_port ();
  servers.influx_port = free_port ();

  if (!pg_init () || !pg_start ())
    {
      servers_missing = g_strdup ("PostgreSQL could not be started here");
      return;
    }
  if (!influx_start ())
    {
      servers_missing = g_strdup ("InfluxDB could not be started here");
      return;
    }
  have_servers = TRUE;
}

static void
servers_down (void)
{
  influx_stop ();
  pg_stop ();
  if (servers.dir != NULL)
    aether_test_remove_dir (servers.dir);
  g_clear_pointer (&servers.dir, g_free);
}

static gboolean
skip_without_servers (void)
{
  if (have_servers)
    return FALSE;
  g_test_skip (servers_missing ? servers_missing : "no servers");
  return TRUE;
}

static char *
pg_conninfo (const char *dbname)
{
  return g_strdup_printf ("host=127.0.0.1 port=%u dbname=%s user=" PG_USER, servers.pg_port, dbname);
}

static PGconn *
pg_connect (const char *dbname)
{
  g_autofree char *conninfo = g_strdup_printf ("host=127.0.0.1 port=%u dbname=%s user=" PG_USER
                                               " password=" PG_PASSWORD, servers.pg_port, dbname);
  PGconn *conn = PQconnectdb (conninfo);

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("PostgreSQL: %s", PQerrorMessage (conn));
  return conn;
}

static void
pg_create_database (const char *dbname)
{
  PGconn *conn = pg_connect ("postgres");
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE %s", dbname);
  PGresult *result = PQexec (conn, sql);

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_COMMAND_OK);
  PQclear (result);
  PQfinish (conn);
}

/* ---- Readings as text, to compare sinks with the store ------------------- */

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *)a, *(const char * const *)b);
}

/* "time device metric value", one reading a line, sorted. */
static char *
lines_sorted (GPtrArray *lines)
{
  g_ptr_array_sort (lines, compare_lines);
  g_ptr_array_add (lines, NULL);
  return g_strjoinv ("\n", (char **)lines->pdata);
}

static char *
reading_line (gint64      ts_ms,
              const char *device_id,
              const char *metric_type,
              double      value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup_printf ("%" G_GINT64_FORMAT " %s %s %s", ts_ms, device_id, metric_type,
                          g_ascii_dtostr (number, sizeof number, value));
}

static char *
store_readings (const char *db_path,
                guint      *n)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT s.ts, r.device_id, r.metric_type, s.value"
                                           " FROM samples s JOIN series r USING (series_id)", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (lines, reading_line (sqlite3_column_int64 (stmt, 0), (const char *)sqlite3_column_text (stmt, 1),
                                          (const char *)sqlite3_column_text (stmt, 2), sqlite3_column_double (stmt, 3)));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  *n = lines->len;
  return lines_sorted (lines);
}

static char *
postgres_readings (const char *dbname,
                   guint      *n)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  PGconn *conn = pg_connect (dbname);
  PGresult *result = PQexec (conn, "SELECT (EXTRACT (EPOCH FROM time) * 1000)::bigint, device_id, metric_type,"
                                   " value::text FROM metrics");

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  for (int i = 0; i < PQntuples (result); i++)
    g_ptr_array_add (lines, reading_line (g_ascii_strtoll (PQgetvalue (result, i, 0), NULL, 10),
                                          PQgetvalue (result, i, 1), PQgetvalue (result, i, 2),
                                          g_ascii_strtod (PQgetvalue (result, i, 3), NULL)));
  PQclear (result);
  PQfinish (conn);
  *n = lines->len;
  return lines_sorted (lines);
}

static double
json_number (JsonNode *node)
{
  return json_node_get_value_type (node) == G_TYPE_DOUBLE ? json_node_get_double (node) : (double)json_node_get_int (node);
}

static char *
influx_readings (const char *database,
                 guint      *n)
{
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *q = g_uri_escape_string ("SELECT value, device_id, metric_type FROM device_metrics", NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/query?db=%s&epoch=ms&q=%s", database, q);
  g_autofree char *body = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *result;
  JsonArray *series;

  g_assert_cmpuint (influx_get (path, &body), ==, 200);
  root = json_from_string (body, NULL);
  g_assert_nonnull (root);
  result = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "results"), 0);
  series = json_object_has_member (result, "series") ? json_object_get_array_member (result, "series") : NULL;
  for (guint s = 0; series != NULL && s < json_array_get_length (series); s++)
    {
      JsonArray *values = json_object_get_array_member (json_array_get_object_element (series, s), "values");

      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          JsonArray *v = json_array_get_array_element (values, i);

          g_ptr_array_add (lines, reading_line (json_array_get_int_element (v, 0),
                                                json_array_get_string_element (v, 2),
                                                json_array_get_string_element (v, 3),
                                                json_number (json_array_get_element (v, 1))));
        }
    }
  *n = lines->len;
  return lines_sorted (lines);
}

/* ---- The outbox ---------------------------------------------------------- */

typedef struct
{
  char        *dir;
  char        *db;
  AetherClock *clock;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  aether_sim_home_reset_all ();
  f->dir = g_dir_make_tmp ("aether-sinks-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (NOON * G_USEC_PER_SEC);
  aether_clock_set_default (f->clock);
  aether_test_clear_log ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  aether_clock_set_default (NULL);
  g_clear_object (&f->clock);
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static AetherStore *
open_with_sink (Fixture    *f,
                const char *name,
                gint64      max_queued)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  AetherStore *store = aether_store_open (f->db, f->clock, &error);

  g_assert_no_error (error);
  json_object_set_string_member (config, "url", "http://127.0.0.1:9");
  json_object_set_string_member (config, "database", "nowhere");
  g_assert_true (aether_store_add_sink (store, "influxdb", name, config, max_queued, NOON * 1000, &error));
  g_assert_no_error (error);
  return store;
}

static void
write_readings (Fixture *f,
                guint    n)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStoreWriter) writer = aether_store_writer_new (f->db, 60 * 1000, 100000, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      AetherReading r = { (NOON + i) * G_USEC_PER_SEC, (char *)"plug-1", (char *)"power", 100.0 + i / 4.0, (char *)"W" };

      aether_reading_sink_push (AETHER_READING_SINK (writer), &r);
    }
  g_assert_true (aether_store_writer_close (writer, &error));
  g_assert_no_error (error);
}

static void
test_outbox_every_stored_reading (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(AetherStore) store = open_with_sink (f, "influx", 0);
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  write_readings (f, 200);

  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM samples"), ==, 200);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM sink_outbox"), ==, 200);
  /* The values themselves, oldest first in the order they are sent. */
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM sink_outbox o JOIN samples s"
                                                 " ON s.ts = o.ts AND s.series_id = o.series_id AND s.value = o.value"), ==, 200);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM sink_outbox a JOIN sink_outbox b"
                                                 " ON b.seq = a.seq + 1 WHERE b.ts < a.ts"), ==, 0);

  record = aether_store_get_sink (store, "influx", &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->queued, ==, 200);
  g_assert_cmpint (record->dropped, ==, 0);
  g_assert_cmpstr (record->state, ==, "new");
}

static void
test_outbox_disabled_sink (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(AetherStore) store = open_with_sink (f, "influx", 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (aether_store_set_sink_enabled (store, "influx", FALSE, &error));
  write_readings (f, 50);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM samples"), ==, 50);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM sink_outbox"), ==, 0);

  g_assert_false (aether_store_set_sink_enabled (store, "nope", TRUE, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
}

static void
test_outbox_full_is_said (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(AetherStore) store = open_with_sink (f, "small", 30);
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  write_readings (f, 100);

  /* Every reading is stored; 30 are queued, 70 counted as not queued. */
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM samples"), ==, 100);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM sink_outbox"), ==, 30);
  record = aether_store_get_sink (store, "small", &error);
  g_assert_no_error (error);
  g_assert_cmpint (record->queued, ==, 30);
  g_assert_cmpint (record->dropped, ==, 70);
  g_assert_cmpint (record->dropped_since_ms, ==, (NOON + 30) * 1000);
  g_assert_cmpuint (aether_test_log_count ("Sink “small”: its outbox is full"), ==, 1);

  status = aether_sink_record_describe_status (record);
  g_assert_nonnull (strstr (status, "the outbox is full (30 readings)"));
  g_assert_nonnull (strstr (status, "70 readings since"));
  g_assert_nonnull (strstr (status, "sinks backfill small --from 1705320030"));

  /* Caught up, the gap is sent as the status says, an outbox at a time:
   * the warning moves on, then goes. */
  {
    sqlite3 *db = NULL;
    gint64 expect_since[] = { NOON + 60, NOON + 90, 0 };
    gint64 expect_queued[] = { 30, 30, 10 };

    g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
    for (guint round = 0; round < 3; round++)
      {
        g_autoptr(AetherSinkRecord) now = aether_store_get_sink (store, "small", &error);
        gint64 not_queued = -1;
        gint64 from = round == 0 ? now->dropped_since_ms / 1000 : expect_since[round - 1];

        g_assert_true (_aether_outbox_ack (db, now->id, G_MAXINT64, now->queued, NOON * 1000, &error));
        g_assert_no_error (error);
        g_assert_cmpint (aether_store_backfill_sink (store, "small", from * G_USEC_PER_SEC, (NOON + 1000) * G_USEC_PER_SEC,
                                                     &not_queued, &error), ==, expect_queued[round]);
        g_assert_no_error (error);
        g_clear_pointer (&now, aether_sink_record_free);
        now = aether_store_get_sink (store, "small", &error);
        g_assert_cmpint (now->dropped_since_ms, ==, expect_since[round] * 1000);
        g_assert_cmpint (now->dropped > 0, ==, expect_since[round] != 0);
      }
    sqlite3_close (db);
    g_clear_pointer (&record, aether_sink_record_free);
    record = aether_store_get_sink (store, "small", &error);
    g_clear_pointer (&status, g_free);
    status = aether_sink_record_describe_status (record);
    g_assert_null (strstr (status, "full"));
    /* Every reading went out once: 30 live, then the gap in three rounds. */
    g_assert_cmpint (record->delivered, ==, 30 + 30 + 30);
    g_assert_cmpint (record->queued, ==, 10);
  }
}

static void
test_outbox_backfill_and_remove (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(AetherStore) store = open_with_sink (f, "first", 0);
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  gint64 not_queued = -1;

  write_readings (f, 100);

  /* A sink added later gets the history it asks for, oldest first. */
  json_object_set_string_member (config, "conninfo", "host=127.0.0.1 port=9");
  g_assert_true (aether_store_add_sink (store, "postgres", "later", config, 0, NOON * 1000, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aether_store_backfill_sink (store, "later", (NOON + 40) * G_USEC_PER_SEC, G_MAXINT64 / 2,
                                               &not_queued, &error), ==, 60);
  g_assert_no_error (error);
  g_assert_cmpint (not_queued, ==, 0);
  record = aether_store_get_sink (store, "later", &error);
  g_assert_cmpint (record->queued, ==, 60);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT MIN(ts) FROM sink_outbox WHERE sink_id = (SELECT sink_id FROM sinks"
                                                 " WHERE name = 'later') AND seq = 1"), ==, (NOON + 40) * 1000);

  /* The same name twice, a kind that does not exist, a name with a space. */
  g_assert_false (aether_store_add_sink (store, "postgres", "later", config, 0, NOON * 1000, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (aether_store_add_sink (store, "mysql", "x", config, 0, NOON * 1000, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (aether_store_add_sink (store, "postgres", "a b", config, 0, NOON * 1000, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Removing a sink takes its outbox with it, not the other's. */
  g_assert_true (aether_store_remove_sink (store, "first", &error));
  g_assert_no_error (error);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM sink_outbox"), ==, 60);
  g_assert_false (aether_store_remove_sink (store, "first", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
}

/* ---- InfluxDB's line protocol and its version 2 API ----------------------- */

static void
test_line_protocol (void)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)_aether_outbox_row_free);
  AetherOutboxRow *row = g_new0 (AetherOutboxRow, 1);
  g_autofree char *lines = NULL;

  row->seq = 1;
  row->ts_ms = 1705316400000;
  row->value = 125.4;
  row->device_id = g_strdup ("shelly-plug-office-01");
  row->metric_type = g_strdup ("power");
  row->unit = g_strdup ("W");
  row->device_type = g_strdup ("smart_plug");
  row->room = g_strdup ("office");
  g_ptr_array_add (rows, row);

  row = g_new0 (AetherOutboxRow, 1);
  row->seq = 2;
  row->ts_ms = -1500;
  row->value = 1e-7;
  row->device_id = g_strdup ("plug, a=b c\\");
  row->metric_type = g_strdup ("energy");
  row->unit = g_strdup ("Wh");
  row->room = g_strdup ("living\nroom");
  g_ptr_array_add (rows, row);

  /* A row whose series is gone is not sent. */
  row = g_new0 (AetherOutboxRow, 1);
  row->seq = 3;
  g_ptr_array_add (rows, row);

  lines = _aether_sink_influxdb_lines (rows);
  /* The seed's own example, then commas, equals signs and spaces escaped,
   * a trailing backslash kept from escaping what follows, a line break
   * made a space. */
  g_assert_cmpstr (lines, ==,
                   "device_metrics,device_id=shelly-plug-office-01,device_type=smart_plug,metric_type=power,"
                   "room=office value=125.40000000000001,quality_score=1 1705316400000000000\n"
                   "device_metrics,device_id=plug\\,\\ a\\=b\\ c\\ ,metric_type=energy,room=living\\ room"
                   " value=9.9999999999999995e-08,quality_score=1 -1500000000\n");
}

typedef struct
{
  guint  n_requests;
  char  *path;
  char  *query;
  char  *authorization;
  char  *body;
  guint  status;
} FakeInflux2;

static void
on_fake_write (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  FakeInflux2 *fake = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  fake->n_requests++;
  g_free (fake->path);
  fake->path = g_strdup (path);
  g_free (fake->query);
  fake->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  g_free (fake->authorization);
  fake->authorization = g_strdup (soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                                "Authorization"));
  g_free (fake->body);
  fake->body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  soup_server_message_set_status (msg, fake->status, NULL);
}

static gboolean
fake_took (gpointer data)
{
  FakeInflux2 *fake = data;

  return fake->n_requests > 0;
}

/* Debian has no InfluxDB 2: a server of the test's own answers its write
 * API the way InfluxDB 2 does, to check what is sent to it. */
static void
test_influxdb2_write_api (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(AetherSinkDeliverer) deliverer = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  FakeInflux2 fake = { .status = 204 };
  gint64 give_up = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  soup_server_add_handler (server, "/api/v2/write", on_fake_write, &fake, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d/", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);

  store = aether_store_open (f->db, f->clock, &error);
  g_assert_no_error (error);
  json_object_set_string_member (config, "url", url);
  json_object_set_string_member (config, "org", "my home");
  json_object_set_string_member (config, "bucket", "energy");
  /* A token kept in the configuration, as without a keyring. */
  json_object_set_string_member (config, "token", "tok-123");
  g_assert_true (aether_store_add_sink (store, "influxdb", "v2", config, 0, NOON * 1000, &error));
  write_readings (f, 3);

  deliverer = aether_sink_deliverer_new (f->db, 0, &error);
  g_assert_no_error (error);
  while (!fake_took (&fake) || (record = aether_store_get_sink (store, "v2", NULL))->queued > 0)
    {
      g_clear_pointer (&record, aether_sink_record_free);
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  aether_sink_deliverer_stop (deliverer);

  g_assert_cmpuint (fake.n_requests, ==, 1);
  g_assert_cmpstr (fake.path, ==, "/api/v2/write");
  g_assert_cmpstr (fake.query, ==, "org=my%20home&bucket=energy&precision=ns");
  g_assert_cmpstr (fake.authorization, ==, "Token tok-123");
  g_assert_cmpstr (fake.body, ==,
                   "device_metrics,device_id=plug-1,metric_type=power value=100,quality_score=1 1705320000000000000\n"
                   "device_metrics,device_id=plug-1,metric_type=power value=100.25,quality_score=1 1705320001000000000\n"
                   "device_metrics,device_id=plug-1,metric_type=power value=100.5,quality_score=1 1705320002000000000\n");
  g_assert_cmpint (record->delivered, ==, 3);
  g_assert_cmpstr (record->state, ==, "ok");

  g_free (fake.path);
  g_free (fake.query);
  g_free (fake.authorization);
  g_free (fake.body);
}

/* A server that takes the request and answers a byte at a time, never
 * done: stopping the deliverer cuts the request short, and the sink is
 * not said to be failing for it. */
static void
test_stop_cuts_a_request_short (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(AetherTestDripServer) drip = aether_test_drip_server_new ("HTTP/1.1 204 No Content\r\n", -1);
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherSinkDeliverer) deliverer = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", aether_test_drip_server_get_port (drip));
  gint64 give_up = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  store = aether_store_open (f->db, f->clock, &error);
  g_assert_no_error (error);
  json_object_set_string_member (config, "url", url);
  json_object_set_string_member (config, "database", "slow");
  g_assert_true (aether_store_add_sink (store, "influxdb", "slow", config, 0, NOON * 1000, &error));
  write_readings (f, 10);

  deliverer = aether_sink_deliverer_new (f->db, 0, &error);
  g_assert_no_error (error);
  while (aether_test_drip_server_get_n_connections (drip) == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
  aether_sink_deliverer_stop (deliverer);

  record = aether_store_get_sink (store, "slow", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (record->state, ==, "new");
  g_assert_null (record->last_error);
  g_assert_cmpint (record->queued, ==, 10);
}

/* ---- Delivery to real servers -------------------------------------------- */

static AetherSinkRecord *
sink (AetherService *service,
      const char    *name)
{
  g_autoptr(GError) error = NULL;
  AetherSinkRecord *record = aether_store_get_sink (aether_service_get_store (service), name, &error);

  g_assert_no_error (error);
  return record;
}

typedef gboolean (*Condition) (AetherService *service, gpointer data);

/* Lets the main loop and the threads run until @condition holds; a
 * generous bound (two minutes) only so a broken build ends. */
static void
wait_until (AetherService *service,
            Condition      condition,
            gpointer       data,
            const char    *what)
{
  gint64 give_up = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;

  while (!condition (service, data))
    {
      if (g_get_monotonic_time () > give_up)
        g_error ("Waited two minutes for %s", what);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (20 * 1000);
    }
}

static gboolean
all_delivered (AetherService *service,
               gpointer       data)
{
  g_autoptr(GPtrArray) sinks = aether_service_list_sinks (service, NULL);

  for (guint i = 0; i < sinks->len; i++)
    if (((AetherSinkRecord *)g_ptr_array_index (sinks, i))->queued > 0)
      return FALSE;
  return TRUE;
}

static gboolean
both_delivered_some (AetherService *service,
                     gpointer       data)
{
  g_autoptr(AetherSinkRecord) influx = sink (service, "influx");
  g_autoptr(AetherSinkRecord) pg = sink (service, "pg");

  return influx->delivered > 0 && pg->delivered > 0;
}

static gboolean
both_failing (AetherService *service,
              gpointer       data)
{
  g_autoptr(AetherSinkRecord) influx = sink (service, "influx");
  g_autoptr(AetherSinkRecord) pg = sink (service, "pg");

  return g_strcmp0 (influx->state, "failing") == 0 && g_strcmp0 (pg->state, "failing") == 0;
}

static gboolean
is_failing (AetherService *service,
            gpointer       data)
{
  g_autoptr(AetherSinkRecord) record = sink (service, data);

  return g_strcmp0 (record->state, "failing") == 0;
}

static AetherService *
start_service (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) added = NULL;
  AetherService *service = aether_service_new (f->db, f->clock, &error);
  AetherRetention retention;

  g_assert_no_error (error);
  added = aether_sim_add_demo_home (aether_service_get_store (service), SEED, NULL, &error);
  g_assert_no_error (error);
  /* Raw samples kept, to compare every one with the sinks. */
  aether_retention_init_defaults (&retention);
  retention.samples_s[AETHER_TIER_RAW] = 0;
  aether_store_set_retention (aether_service_get_store (service), &retention);
  g_assert_cmpuint (aether_service_load (service, &error), >, 0);
  g_assert_no_error (error);
  return service;
}

static void
add_sinks (AetherService *service,
           const char    *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) influx = json_object_new ();
  g_autoptr(JsonObject) pg = json_object_new ();
  g_autofree char *url = influx_url ();
  g_autofree char *conninfo = pg_conninfo (name);
  g_autoptr(AetherSinkRecord) record = NULL;
  gboolean in_keyring = FALSE;

  pg_create_database (name);
  json_object_set_string_member (influx, "url", url);
  json_object_set_string_member (influx, "database", name);
  g_assert_true (aether_service_add_sink (service, "influxdb", "influx", influx, INFLUX_TOKEN, 0, NULL, &error));
  g_assert_no_error (error);
  json_object_set_string_member (pg, "conninfo", conninfo);
  g_assert_true (aether_service_add_sink (service, "postgres", "pg", pg, PG_PASSWORD, 0, &in_keyring, &error));
  g_assert_no_error (error);
  g_assert_cmpint (in_keyring, ==, have_keyring);

  /* The password is not in the database when there is a keyring. */
  record = sink (service, "pg");
  g_assert_cmpint (json_object_has_member (record->config, "password"), !=, have_keyring);
}

/* After the service stopped, what is still queued is sent by a deliverer
 * of the test's own, as the next start would. */
static void
drain (Fixture       *f,
       AetherService *service)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherSinkDeliverer) deliverer = aether_sink_deliverer_new (f->db, 0, &error);

  g_assert_no_error (error);
  wait_until (service, all_delivered, NULL, "the outboxes to empty");
  aether_sink_deliverer_stop (deliverer);
}

static void
assert_sinks_hold_the_store (Fixture       *f,
                             AetherService *service,
                             const char    *name)
{
  guint n_store = 0, n_influx = 0, n_pg = 0;
  g_autofree char *in_store = store_readings (f->db, &n_store);
  g_autofree char *in_influx = influx_readings (name, &n_influx);
  g_autofree char *in_pg = postgres_readings (name, &n_pg);
  g_autoptr(AetherSinkRecord) influx = sink (service, "influx");
  g_autoptr(AetherSinkRecord) pg = sink (service, "pg");

  g_test_message ("%u readings stored, %u in InfluxDB, %u in PostgreSQL", n_store, n_influx, n_pg);
  g_assert_cmpuint (n_store, >, 100);
  g_assert_cmpuint (n_influx, ==, n_store);
  g_assert_cmpuint (n_pg, ==, n_store);
  g_assert_cmpstr (in_influx, ==, in_store);
  g_assert_cmpstr (in_pg, ==, in_store);
  g_assert_cmpint (influx->queued, ==, 0);
  g_assert_cmpint (pg->queued, ==, 0);
  g_assert_cmpint (influx->dropped, ==, 0);
  g_assert_cmpint (pg->dropped, ==, 0);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT COUNT(*) FROM sink_outbox"), ==, 0);
}

static void
test_deliver_collector_run (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GError) error = NULL;

  if (skip_without_servers ())
    return;

  service = start_service (f);
  add_sinks (service, "run");
  aether_service_start (service);
  aether_test_run_for (f->clock, 30);
  wait_until (service, both_delivered_some, NULL, "both sinks to take readings");
  aether_test_run_for (f->clock, 30);
  g_assert_true (aether_service_stop (service, &error));
  g_assert_no_error (error);
  drain (f, service);

  assert_sinks_hold_the_store (f, service, "run");
  /* The seed's tags reach InfluxDB. */
  {
    g_autofree char *body = NULL;

    g_assert_cmpuint (influx_get ("/query?db=run&q=SHOW%20TAG%20KEYS%20FROM%20device_metrics", &body), ==, 200);
    g_assert_nonnull (strstr (body, "device_type"));
    g_assert_nonnull (strstr (body, "room"));
    g_assert_nonnull (strstr (body, "metric_type"));
  }
}

static void
test_deliver_catches_up (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(AetherService) service = NULL;
  g_autoptr(AetherSinkRecord) pg = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  if (skip_without_servers ())
    return;

  service = start_service (f);
  add_sinks (service, "gap");
  aether_service_start (service);
  aether_test_run_for (f->clock, 20);
  wait_until (service, both_delivered_some, NULL, "both sinks to take readings");

  /* Both servers go away mid-run; readings go on being stored and queued. */
  influx_stop ();
  pg_stop ();
  aether_test_run_for (f->clock, 30);
  wait_until (service, both_failing, NULL, "both sinks to fail");
  pg = sink (service, "pg");
  status = aether_sink_record_describe_status (pg);
  g_test_message ("%s", status);
  g_assert_nonnull (strstr (status, "Not delivering: PostgreSQL at 127.0.0.1:"));
  g_assert_cmpint (pg->queued, >, 0);

  /* Back later: they catch up, in order, without a restart. */
  aether_test_run_for (f->clock, 20);
  g_assert_true (influx_start ());
  g_assert_true (pg_start ());
  aether_service_retry_sinks (service);
  aether_test_run_for (f->clock, 20);
  g_assert_true (aether_service_stop (service, &error));
  g_assert_no_error (error);
  drain (f, service);

  assert_sinks_hold_the_store (f, service, "gap");
}

static void
test_wrong_password (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(AetherService) service = NULL;
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *conninfo = NULL;
  g_autofree char *status = NULL;

  if (skip_without_servers ())
    return;

  service = start_service (f);
  /* The password inside the conninfo is taken out of it. */
  conninfo = g_strdup_printf ("host=127.0.0.1 port=%u dbname=postgres user=" PG_USER " password=wrong",
                              servers.pg_port);
  json_object_set_string_member (config, "conninfo", conninfo);
  g_assert_true (aether_service_add_sink (service, "postgres", "pg", config, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(JsonObject) influx = json_object_new ();
    g_autofree char *url = influx_url ();

    json_object_set_string_member (influx, "url", url);
    json_object_set_string_member (influx, "database", "wrong");
    g_assert_true (aether_service_add_sink (service, "influxdb", "influx", influx, "admin:wrong", 0, NULL, &error));
    g_assert_no_error (error);
  }
  record = sink (service, "pg");
  g_assert_null (strstr (aether_json_get_string_or (record->config, "conninfo", ""), "wrong"));
  g_clear_pointer (&record, aether_sink_record_free);

  aether_service_start (service);
  aether_test_run_for (f->clock, 5);
  wait_until (service, is_failing, (gpointer)"pg", "the sink to fail");
  wait_until (service, is_failing, (gpointer)"influx", "the sink to fail");
  g_assert_true (aether_service_stop (service, &error));

  record = sink (service, "influx");
  g_test_message ("%s", record->last_error);
  g_assert_nonnull (strstr (record->last_error, "refused the token (HTTP 401)"));
  g_clear_pointer (&record, aether_sink_record_free);

  record = sink (service, "pg");
  status = aether_sink_record_describe_status (record);
  g_test_message ("%s", status);
  g_assert_nonnull (strstr (record->last_error, "refused the password of user “aether”"));
  g_assert_nonnull (strstr (status, "Not delivering: PostgreSQL at 127.0.0.1:"));
  g_assert_cmpint (record->queued, >, 0);
  g_assert_cmpint (record->delivered, ==, 0);

  /* The same words from the CLI, and a failing exit status for scripts. */
  {
    g_autofree char *out = NULL;

    g_assert_cmpint (aether_test_run_cli (f->db, &out, NULL, "sinks", "status", NULL), ==, 1);
    g_assert_nonnull (strstr (out, "pg (postgres): Not delivering: PostgreSQL at 127.0.0.1:"));
    g_assert_nonnull (strstr (out, "refused the password of user “aether”"));
    g_assert_nonnull (strstr (out, "influx (influxdb): Not delivering: InfluxDB at http://127.0.0.1:"));
  }
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "add", "influxdb", "--url", "http://127.0.0.1:9",
                                        "--database", "energy", "--token", "user:pw", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "add", "postgres", "--name", "tsdb",
                                        "--conninfo", "host=127.0.0.1 port=9 dbname=energy user=aether password=pw",
                                        NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "influxdb         influxdb  on   http://127.0.0.1:9 db=energy"));
  g_assert_nonnull (strstr (out, "tsdb"));
  /* The password left the conninfo. */
  g_assert_null (strstr (out, "pw"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Nobody collects into this database: status says why nothing moves. */
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "status", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "influxdb (influxdb): Not delivered to yet; 0 readings queued."));
  g_assert_nonnull (strstr (out, "Nothing is collecting into"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  store = aether_store_open (f->db, f->clock, &error);
  g_assert_no_error (error);
  record = aether_store_get_sink (store, "influxdb", &error);
  g_assert_no_error (error);
  /* In the keyring when there is one; the test keyring is not the CLI's. */
  g_assert_true (json_object_has_member (record->config, "token") ||
                 json_object_has_member (record->config, "keyring"));
  g_clear_pointer (&record, aether_sink_record_free);

  /* Wrong input says what is wrong. */
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "add", "influxdb", "--url", "influx.lan",
                                        "--database", "x", "--name", "bad", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "--url “influx.lan” is not an http:// or https:// address"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "add", "influxdb", "--url", "http://a",
                                        "--org", "o", "--name", "bad", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "InfluxDB 2 needs both --org and --bucket"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "add", "postgres", "--conninfo", "hots=x",
                                        "--name", "bad", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "is not a PostgreSQL connection string: invalid connection option \"hots\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "add", "influxdb", "--url", "http://a",
                                        "--database", "x", "--name", "tsdb", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "There is already a sink named “tsdb”"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "backfill", "tsdb", "--from", "yesterday", NULL),
                   !=, 0);
  g_assert_nonnull (strstr (err, "--from: "));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "remove", "influxdb", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "sinks", "remove", "influxdb", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "There is no sink named “influxdb”"));
}

int
main (int   argc,
      char *argv[])
{
  AetherTestKeyring *keyring;
  int ret;

  g_test_init (&argc, &argv, NULL);
  aether_test_record_log ();
  /* A sink that fails says so with a warning; that is what is tested. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add ("/sinks/outbox/every-stored-reading-queued", Fixture, NULL, fixture_setup,
              test_outbox_every_stored_reading, fixture_teardown);
  g_test_add ("/sinks/outbox/disabled-sink-not-queued", Fixture, NULL, fixture_setup,
              test_outbox_disabled_sink, fixture_teardown);
  g_test_add ("/sinks/outbox/full-is-counted-and-said", Fixture, NULL, fixture_setup,
              test_outbox_full_is_said, fixture_teardown);
  g_test_add ("/sinks/outbox/backfill-and-remove", Fixture, NULL, fixture_setup,
              test_outbox_backfill_and_remove, fixture_teardown);
  g_test_add_func ("/sinks/influxdb/line-protocol", test_line_protocol);
  g_test_add ("/sinks/influxdb/version-2-write-api", Fixture, NULL, fixture_setup, test_influxdb2_write_api,
              fixture_teardown);
  g_test_add ("/sinks/deliver/stop-cuts-a-request-short", Fixture, NULL, fixture_setup,
              test_stop_cuts_a_request_short, fixture_teardown);
  g_test_add ("/sinks/cli/add-list-remove", Fixture, NULL, fixture_setup, test_cli, fixture_teardown);
  g_test_add ("/sinks/deliver/collector-run-reaches-both", Fixture, NULL, fixture_setup,
              test_deliver_collector_run, fixture_teardown);
  g_test_add ("/sinks/deliver/stopped-servers-catch-up", Fixture, NULL, fixture_setup,
              test_deliver_catches_up, fixture_teardown);
  g_test_add ("/sinks/deliver/wrong-password-is-said", Fixture, NULL, fixture_setup,
              test_wrong_password, fixture_teardown);

  keyring = aether_test_keyring_up ();
  have_keyring = aether_test_keyring_available (keyring);
  servers_up ();

  ret = g_test_run ();

  servers_down ();
  aether_secrets_shutdown ();
  aether_test_keyring_down (keyring);
  return ret;
}
