/* aether-test-util.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "aether-test-util.h"

/**
 * aether_test_store_result:
 *
 * A #GAsyncReadyCallback keeping the result in the #GAsyncResult pointer
 * given as @user_data, for aether_test_wait_for().
 */
void
aether_test_store_result (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Runs the default main context until the call has answered. */
GAsyncResult *
aether_test_wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The value of @metric on @channel in a poll's samples, NAN if absent. */
double
aether_test_sample (GArray       *samples,
                    AetherMetric  metric,
                    guint         channel)
{
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      AetherSample *s = &g_array_index (samples, AetherSample, i);

      if (s->metric == metric && s->channel == channel)
        return s->value;
    }
  return NAN;
}

/* @want, or absent when @want is NAN; to 1e-9 relative. */
void
aether_test_assert_value (double got,
                          double want)
{
  if (isnan (want))
    g_assert_true (isnan (got));
  else
    g_assert_cmpfloat_with_epsilon (got, want, 1e-9 * MAX (1.0, fabs (want)));
}

/* Removes a test's temporary folder and everything in it (a database, its
 * WAL, backups, what a test wrote beside it). */
void
aether_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = NULL;
  const char *name;

  if (dir == NULL || !(d = g_dir_open (dir, 0, NULL)))
    return;
  while ((name = g_dir_read_name (d)))
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        aether_test_remove_dir (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

/**
 * aether_test_run_cli:
 * @db: (nullable): the database, given as `--db`
 * @out: (out) (optional): what it printed
 * @err: (out) (optional): what it said on stderr
 * @...: its arguments, %NULL-terminated
 *
 * Runs the aetherlens-cli this build made (`AETHERLENS_CLI`).
 *
 * Returns: its exit status, or -1 if it did not exit
 */
/* The CLI this build made, `--db @db` if given, and the arguments. */
static GPtrArray *
cli_argv (const char *db,
          va_list     ap)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *arg;

  g_assert_nonnull (g_getenv ("AETHERLENS_CLI"));
  g_ptr_array_add (argv, (gpointer)g_getenv ("AETHERLENS_CLI"));
  if (db != NULL)
    {
      g_ptr_array_add (argv, (gpointer)"--db");
      g_ptr_array_add (argv, (gpointer)db);
    }
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer)arg);
  g_ptr_array_add (argv, NULL);

  return argv;
}

int
aether_test_run_cli (const char  *db,
                     char       **out,
                     char       **err,
                     ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;
  int status = -1;

  va_start (ap, err);
  argv = cli_argv (db, ap);
  va_end (ap);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/**
 * aether_test_run_cli_in_loop:
 * @db: (nullable): the database, for `--db`
 * @out: (out) (optional): what it printed
 * @err: (out) (optional): what it said on stderr
 * @...: its arguments, %NULL-terminated
 *
 * Runs the aetherlens-cli this build made while this thread's main
 * context goes on, for a device served in it (a fake plug on 127.0.0.1).
 *
 * Returns: its exit status, or -1 if it did not exit
 */
int
aether_test_run_cli_in_loop (const char  *db,
                             char       **out,
                             char       **err,
                             ...)
{
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *said_out = NULL;
  g_autofree char *said_err = NULL;
  va_list ap;

  va_start (ap, err);
  argv = cli_argv (db, ap);
  va_end (ap);

  cli = g_subprocess_newv ((const char * const *)argv->pdata,
                           G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (cli, NULL, NULL, aether_test_store_result, &result);
  g_assert_true (g_subprocess_communicate_utf8_finish (cli, aether_test_wait_for (&result), &said_out, &said_err, &error));
  g_assert_no_error (error);
  g_test_message ("%s%s", said_out, said_err);
  if (out != NULL)
    *out = g_steal_pointer (&said_out);
  if (err != NULL)
    *err = g_steal_pointer (&said_err);

  return g_subprocess_get_if_exited (cli) ? g_subprocess_get_exit_status (cli) : -1;
}

/**
 * aether_test_run_cli_argv:
 * @args: its arguments (with `--db PATH` if it needs one), %NULL-terminated
 * @out: (out) (optional): what it printed; left out of the TAP stream
 *   unless asked for
 *
 * Runs the aetherlens-cli this build made; what it said on failure is
 * shown as a test message.
 *
 * Returns: its exit status, or -1 if it did not exit
 */
int
aether_test_run_cli_argv (const char * const  *args,
                          char               **out)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *ignored = NULL;
  int status = -1;

  g_assert_nonnull (g_getenv ("AETHERLENS_CLI"));
  g_ptr_array_add (argv, (gpointer)g_getenv ("AETHERLENS_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out ? out : &ignored, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_test_message ("%s", err);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/**
 * aether_test_run_for:
 * @clock: a manual clock
 * @seconds: how long
 *
 * Advances @clock second by second, letting the default main context
 * answer (the polls, the writes) in between.
 */
void
aether_test_run_for (AetherClock *clock,
                     gint64       seconds)
{
  for (gint64 i = 0; i < seconds; i++)
    {
      aether_clock_advance_us (clock, G_USEC_PER_SEC);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

/**
 * aether_test_query_int:
 * @db_path: the database
 * @sql: a query answering one integer
 *
 * Reads @db_path on a read-only connection of its own.
 *
 * Returns: the first column of the first row, -1 without a row
 */
gint64
aether_test_query_int (const char *db_path,
                       const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

/**
 * aether_test_raw_counter_wh:
 * @db_path: the database
 * @device_id: a device
 * @from_us: start of the range
 * @to_us: end of the range
 *
 * A device's energy in a range summed here, straight from its raw
 * `energy` samples (consecutive deltas; a counter that went back counts
 * from zero), to check what the store and the pages say against.
 *
 * Returns: the energy in Wh
 */
double
aether_test_raw_counter_wh (const char *db_path,
                            const char *device_id,
                            gint64      from_us,
                            gint64      to_us)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double wh = 0, prev = NAN;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT x.value FROM samples x JOIN series s USING (series_id)"
                                           " WHERE s.device_id = ? AND s.metric_type = 'energy'"
                                           " AND x.ts >= ? AND x.ts < ? ORDER BY x.ts", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, from_us / 1000);
  sqlite3_bind_int64 (stmt, 3, to_us / 1000);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      double v = sqlite3_column_double (stmt, 0);

      if (!isnan (prev))
        wh += v >= prev ? v - prev : MAX (v, 0.0);
      prev = v;
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return wh;
}

/* A device on 127.0.0.1 that accepts, sends @head and then one byte every
 * 50 ms for as long as the client listens: never an end, never a pause
 * long enough for a per-read timeout. Served by a thread of its own, so a
 * test may wait for a child process (the CLI) meanwhile. */
struct _AetherTestDripServer
{
  GSocket  *listener;
  GThread  *thread;
  char     *head;
  gsize     head_len;
  guint16   port;
  gint      stop;
  gint      n_connections;
};

static gpointer
drip_server_thread (gpointer data)
{
  AetherTestDripServer *self = data;

  while (!g_atomic_int_get (&self->stop))
    {
      g_autoptr(GSocket) client = g_socket_accept (self->listener, NULL, NULL);
      char buffer[4096];

      if (client == NULL)
        continue;   /* the listener's timeout: look at the stop flag */
      g_atomic_int_inc (&self->n_connections);
      g_socket_set_timeout (client, 1);
      /* The request, whatever it is. */
      g_socket_receive (client, buffer, sizeof buffer, NULL, NULL);
      if (g_socket_send (client, self->head, self->head_len, NULL, NULL) < 0)
        continue;
      while (!g_atomic_int_get (&self->stop))
        {
          GPollFD fd = { g_socket_get_fd (client), G_IO_IN, 0 };

          g_usleep (50 * 1000);
          /* The client hung up (readable at end of file) or went away. */
          if (g_poll (&fd, 1, 0) > 0 && g_socket_receive (client, buffer, sizeof buffer, NULL, NULL) <= 0)
            break;
          if (g_socket_send (client, " ", 1, NULL, NULL) < 0)
            break;
        }
    }
  return NULL;
}

/**
 * aether_test_drip_server_new:
 * @head: what is sent at once (an HTTP status line and headers, a length)
 * @head_len: its length, or -1 if it is a string
 *
 * Returns: (transfer full): a server that drips its answer
 */
AetherTestDripServer *
aether_test_drip_server_new (const char *head,
                             gssize      head_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  AetherTestDripServer *self = g_new0 (AetherTestDripServer, 1);

  self->head_len = head_len < 0 ? strlen (head) : (gsize)head_len;
  self->head = g_memdup2 (head, self->head_len);
  self->listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (self->listener, any, TRUE, &error));
  g_assert_true (g_socket_listen (self->listener, &error));
  g_assert_no_error (error);
  g_socket_set_timeout (self->listener, 1);
  bound = g_socket_get_local_address (self->listener, &error);
  g_assert_no_error (error);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  self->thread = g_thread_new ("drip-server", drip_server_thread, self);

  return self;
}

guint16
aether_test_drip_server_get_port (AetherTestDripServer *self)
{
  return self->port;
}

/* How many connections it has accepted. */
guint
aether_test_drip_server_get_n_connections (AetherTestDripServer *self)
{
  return (guint)g_atomic_int_get (&self->n_connections);
}

void
aether_test_drip_server_free (AetherTestDripServer *self)
{
  g_atomic_int_set (&self->stop, 1);
  g_thread_join (self->thread);
  g_socket_close (self->listener, NULL);
  g_object_unref (self->listener);
  g_free (self->head);
  g_free (self);
}

/* What the log said, kept for aether_test_log_count(). */
static GPtrArray *log_messages;

static GLogWriterOutput
record_log (GLogLevelFlags   level,
            const GLogField *fields,
            gsize            n_fields,
            gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") && fields[i].length < 0)
      g_ptr_array_add (log_messages, g_strdup (fields[i].value));

  /* Debug messages are kept, not shown (they would drown the TAP). */
  if (level & G_LOG_LEVEL_DEBUG)
    return G_LOG_WRITER_HANDLED;
  return g_log_writer_default (level, fields, n_fields, user_data);
}

/**
 * aether_test_record_log:
 *
 * Keeps every message logged from now on, debug messages too, to look for
 * what must (or must never) be said. Call once, early in main().
 */
void
aether_test_record_log (void)
{
  g_assert_null (log_messages);
  log_messages = g_ptr_array_new_with_free_func (g_free);
  g_log_set_writer_func (record_log, NULL, NULL);
}

/**
 * aether_test_get_log:
 *
 * Returns: (transfer none) (element-type utf8): what was logged since
 *   aether_test_record_log() or the last aether_test_clear_log()
 */
GPtrArray *
aether_test_get_log (void)
{
  g_assert_nonnull (log_messages);
  return log_messages;
}

void
aether_test_clear_log (void)
{
  g_ptr_array_set_size (aether_test_get_log (), 0);
}

/* How many logged messages contain @text. */
guint
aether_test_log_count (const char *text)
{
  GPtrArray *log = aether_test_get_log ();
  guint n = 0;

  for (guint i = 0; i < log->len; i++)
    n += strstr (g_ptr_array_index (log, i), text) != NULL;
  return n;
}

/* ---- A service on a database of its own ------------------------------ */

/**
 * aether_test_service_new:
 * @name: what the temporary folder is called after (aether-NAME-XXXXXX)
 * @now_us: where the manual clock starts
 * @default_clock: make the clock the process's default too
 * @dir: (out): the temporary folder
 * @db: (out): the database in it
 * @clock: (out): the manual clock
 *
 * Returns: (transfer full): a service on @db, not loaded nor started
 */
AetherService *
aether_test_service_new (const char   *name,
                         gint64        now_us,
                         gboolean      default_clock,
                         char        **dir,
                         char        **db,
                         AetherClock **clock)
{
  g_autofree char *template = g_strdup_printf ("aether-%s-XXXXXX", name);
  g_autoptr(GError) error = NULL;
  AetherService *service;

  *dir = g_dir_make_tmp (template, &error);
  g_assert_no_error (error);
  *db = g_build_filename (*dir, "aetherlens.db", NULL);
  *clock = aether_clock_new_manual (now_us);
  if (default_clock)
    aether_clock_set_default (*clock);
  service = aether_service_new (*db, *clock, &error);
  g_assert_no_error (error);
  return service;
}

/* Stops and drops what aether_test_service_new() made, and its folder. */
void
aether_test_service_destroy (AetherService **service,
                             AetherClock   **clock,
                             char          **dir,
                             char          **db)
{
  if (*service != NULL)
    aether_service_stop (*service, NULL);
  g_clear_object (service);
  if (*clock != NULL && aether_clock_get_default () == *clock)
    aether_clock_set_default (NULL);
  g_clear_object (clock);
  if (*dir != NULL)
    aether_test_remove_dir (*dir);
  g_clear_pointer (dir, g_free);
  g_clear_pointer (db, g_free);
}

/* A g_test_add() teardown for an #AetherTestServiceFixture. */
void
aether_test_service_fixture_teardown (AetherTestServiceFixture *f,
                                      gconstpointer             data)
{
  aether_test_service_destroy (&f->service, &f->clock, &f->dir, &f->db);
}

/* ---- A fake Tasmota plug ------------------------------------------------ */

struct _AetherTestPlug
{
  SoupServer *server;
  GString    *commands;   /* what it was told, `|` between */
  char       *power;      /* its relay: ON or OFF */
  guint16     port;
};

/* Its meter, its relay, and switching. */
static void
serve_plug (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  AetherTestPlug *self = user_data;
  const char *cmnd = query ? g_hash_table_lookup (query, "cmnd") : NULL;
  g_autofree char *reply = NULL;

  if (cmnd != NULL)
    g_string_append_printf (self->commands, "%s%s", self->commands->len ? "|" : "", cmnd);
  if (g_strcmp0 (cmnd, "Power On") == 0 || g_strcmp0 (cmnd, "Power Off") == 0)
    {
      g_free (self->power);
      self->power = g_strdup (g_str_equal (cmnd, "Power On") ? "ON" : "OFF");
      reply = g_strdup_printf ("{\"POWER\": \"%s\"}", self->power);
    }
  else if (g_strcmp0 (cmnd, "Status 11") == 0)
    reply = g_strdup_printf ("{\"StatusSTS\": {\"POWER\": \"%s\"}}", self->power);
  else
    reply = g_strdup ("{\"StatusSNS\": {\"ENERGY\": {\"Total\": 0.72, \"Power\": 360, \"Voltage\": 230}}}");
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
}

/**
 * aether_test_plug_new:
 *
 * A Tasmota plug on 127.0.0.1 (an ephemeral port) on the default main
 * context: 360 W, 0.72 kWh, its relay on, switched by `Power On|Off`.
 */
AetherTestPlug *
aether_test_plug_new (void)
{
  AetherTestPlug *self = g_new0 (AetherTestPlug, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->commands = g_string_new (NULL);
  self->power = g_strdup ("ON");
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, "/cm", serve_plug, self, NULL);
  g_assert_true (soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (self->server);
  self->port = (guint16)g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return self;
}

guint16
aether_test_plug_get_port (AetherTestPlug *self)
{
  return self->port;
}

/* ON or OFF */
const char *
aether_test_plug_get_power (AetherTestPlug *self)
{
  return self->power;
}

/* Every command it was sent, `|` between */
const char *
aether_test_plug_get_commands (AetherTestPlug *self)
{
  return self->commands->str;
}

/* It stops answering (a plug unplugged). */
void
aether_test_plug_disconnect (AetherTestPlug *self)
{
  soup_server_disconnect (self->server);
}

void
aether_test_plug_free (AetherTestPlug *self)
{
  if (self == NULL)
    return;
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  g_string_free (self->commands, TRUE);
  g_free (self->power);
  g_free (self);
}
