/* test-store-faults.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The database under faults, through the real aetherlens-cli in processes
 * of its own (issue 18's audit): a busy or locked database is never called
 * damaged, a crash followed by several short-lived commands at once moves
 * nothing aside and loses nothing, a damaged file moved aside is never
 * replaced and a collector does not silently start afresh without it, one
 * collector per database, no restore under a collector, a deleted
 * write-ahead log is reported, files are private, and energy totals count
 * each instant once. */

#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aether-core.h"
#include "aether-test-util.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("aether-faults-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "aetherlens.db", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->path);
}

/* The real CLI in a process of its own, not waited for. */
static GSubprocess *
spawn_cli (const char *db,
           ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GSubprocess *process;
  const char *arg;
  va_list ap;

  g_ptr_array_add (argv, (gpointer)g_getenv ("AETHERLENS_CLI"));
  g_ptr_array_add (argv, (gpointer)"--db");
  g_ptr_array_add (argv, (gpointer)db);
  va_start (ap, db);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *)argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  return process;
}

/* Waits for it; its exit status (-1 if a signal ended it). */
static int
finish_cli (GSubprocess  *process,
            char        **out,
            char        **err)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *o = NULL;
  g_autofree char *e = NULL;

  g_subprocess_communicate_utf8 (process, NULL, NULL, &o, &e, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_steal_pointer (&o);
  if (err != NULL)
    *err = g_steal_pointer (&e);
  return g_subprocess_get_if_exited (process) ? g_subprocess_get_exit_status (process) : -1;
}

static int
run_cli (char        **out,
         char        **err,
         GSubprocess  *process)
{
  int status = finish_cli (process, out, err);

  g_object_unref (process);
  return status;
}

/* The files moved aside beside @path (`*.corrupt-*`). */
static guint
count_moved_aside (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *prefix = g_strconcat (g_path_get_basename (path), ".corrupt-", NULL);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *entry;
  guint n = 0;

  g_assert_nonnull (listing);
  while ((entry = g_dir_read_name (listing)))
    if (g_str_has_prefix (entry, prefix) && !g_str_has_suffix (entry, "-wal") && !g_str_has_suffix (entry, "-shm"))
      n++;
  return n;
}

static JsonObject *
parse_object (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* Raw rows, from `db stats` as a user would read them. */
static gint64
stats_raw_rows (const char *stats_json)
{
  g_autoptr(JsonObject) stats = parse_object (stats_json);

  return json_object_get_int_member (json_object_get_object_member (
           json_object_get_object_member (stats, "tiers"), "raw"), "rows");
}

static guint
count_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      n++;
  return n;
}

/* The demo home's devices without their year of history: the file holds
 * no readings yet. */
static void
add_demo_home (const char *db)
{
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (db, "demo", "--days", "0", NULL)), ==, 0);
}

static gint64
file_size (const char *path)
{
  struct stat st;

  return g_stat (path, &st) == 0 ? st.st_size : -1;
}

static gint64 pragma_int (const char *path,
                          const char *sql);

/* Waits for a collector to hold @db's lock and to have committed more than
 * @samples readings; returns how many it committed. */
static gint64
wait_for_collector (const char *db,
                    gint64      samples)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_autofree char *holder = NULL;
  gint64 committed = -1;

  while (g_get_monotonic_time () < deadline)
    {
      g_clear_pointer (&holder, g_free);
      if ((holder = aether_store_lock_describe_holder (db)) != NULL &&
          (committed = pragma_int (db, "SELECT COUNT(*) FROM samples")) > samples)
        break;
      g_usleep (100 * 1000);
    }
  g_assert_nonnull (holder);
  g_assert_cmpint (committed, >, samples);
  return committed;
}

/* ---- A healthy database is never called damaged -------------------------- */

typedef struct
{
  char  *path;
  gint64 hold_us;
} Holder;

/* Another program holding the file locked: SQLite's exclusive locking mode
 * keeps every other connection out until it lets go. */
static gpointer
hold_exclusive (gpointer data)
{
  Holder *h = data;
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (h->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE;"
                                     "UPDATE devices SET name = name;", NULL, NULL, NULL), ==, SQLITE_OK);
  g_usleep (h->hold_us);
  g_assert_cmpint (sqlite3_exec (db, "COMMIT;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  return NULL;
}

static void
test_busy_is_not_damage (Fixture       *f,
                         gconstpointer  data)
{
  Holder h = { f->path, 0 };
  g_autoptr(GThread) thread = NULL;
  g_autoptr(GSubprocess) list = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  add_demo_home (f->path);

  /* Locked for a second: the command waits and answers. */
  h.hold_us = G_USEC_PER_SEC;
  thread = g_thread_new ("holder", hold_exclusive, &h);
  g_usleep (200 * 1000);
  list = spawn_cli (f->path, "devices", "list", NULL);
  g_assert_cmpint (finish_cli (list, &out, &err), ==, 0);
  g_assert_cmpuint (count_lines (out), >=, 13);
  g_thread_join (g_steal_pointer (&thread));
  g_assert_cmpuint (count_moved_aside (f->path), ==, 0);

  /* Locked for longer than a command waits: a clear error, and the file
   * stays where it is. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_clear_object (&list);
  h.hold_us = 7 * G_USEC_PER_SEC;
  thread = g_thread_new ("holder", hold_exclusive, &h);
  g_usleep (200 * 1000);
  list = spawn_cli (f->path, "db", "stats", NULL);
  g_assert_cmpint (finish_cli (list, &out, &err), !=, 0);
  g_assert_nonnull (strstr (err, "locked"));
  g_assert_null (strstr (err, "damaged"));
  g_thread_join (g_steal_pointer (&thread));
  g_assert_cmpuint (count_moved_aside (f->path), ==, 0);

  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, NULL, spawn_cli (f->path, "devices", "list", NULL)), ==, 0);
  g_assert_cmpuint (count_lines (out), >=, 13);
}

/* Two processes creating and upgrading one new file at once ("table
 * devices already exists"). */
static void
test_parallel_first_open (Fixture       *f,
                          gconstpointer  data)
{
  for (guint round = 0; round < 5; round++)
    {
      g_autofree char *path = g_strdup_printf ("%s/new-%u.db", f->dir, round);
      GSubprocess *processes[4];

      for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
        processes[i] = i % 2 ? spawn_cli (path, "db", "stats", NULL) : spawn_cli (path, "devices", "list", NULL);
      for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
        {
          g_autofree char *err = NULL;

          g_assert_cmpint (finish_cli (processes[i], NULL, &err), ==, 0);
          g_assert_cmpstr (err, ==, "");
          g_object_unref (processes[i]);
        }
      g_assert_cmpuint (count_moved_aside (path), ==, 0);
    }
}

/* The acceptance test: a collector killed with its WAL left, then four
 * short-lived commands at once, a few times over. */
static void
test_crash_then_parallel_commands (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  gint64 before = 0;

  add_demo_home (f->path);

  for (guint round = 0; round < 3; round++)
    {
      g_autoptr(GSubprocess) collect = spawn_cli (f->path, "collect", "--duration", "60", NULL);
      GSubprocess *processes[4];
      gint64 seen[G_N_ELEMENTS (processes)];
      g_autofree char *out = NULL;
      gint64 after;

      gint64 committed = wait_for_collector (f->path, before);

      g_subprocess_send_signal (collect, SIGKILL);
      g_assert_cmpint (finish_cli (collect, NULL, NULL), ==, -1);
      g_assert_cmpint (file_size (wal), >, 0);

      for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
        processes[i] = i % 2 ? spawn_cli (f->path, "db", "stats", NULL) : spawn_cli (f->path, "devices", "list", NULL);
      for (guint i = 0; i < G_N_ELEMENTS (processes); i++)
        {
          g_autofree char *o = NULL;
          g_autofree char *e = NULL;

          g_assert_cmpint (finish_cli (processes[i], &o, &e), ==, 0);
          g_assert_cmpstr (e, ==, "");
          if (i % 2)
            seen[i] = stats_raw_rows (o);
          else
            g_assert_cmpuint (count_lines (o), >=, 13);
          g_object_unref (processes[i]);
        }
      g_assert_cmpuint (count_moved_aside (f->path), ==, 0);

      /* Nothing lost: every reading committed before the kill, and what
       * every command saw. */
      g_assert_cmpint (run_cli (&out, NULL, spawn_cli (f->path, "db", "stats", NULL)), ==, 0);
      after = stats_raw_rows (out);
      for (guint i = 1; i < G_N_ELEMENTS (processes); i += 2)
        g_assert_cmpint (seen[i], ==, after);
      g_assert_cmpint (after, >=, committed);
      before = after;
    }
}

/* ---- Damage: moved aside, never over an earlier one ---------------------- */

static void
write_garbage (const char *path,
               const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) contents = g_string_new (NULL);

  /* Longer than a header, so SQLite reads it and refuses it. */
  for (guint i = 0; i < 512; i++)
    g_string_append (contents, text);
  g_file_set_contents (path, contents->str, contents->len, &error);
  g_assert_no_error (error);
}

static void
test_moved_aside_never_replaced (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (0);
  g_autoptr(GPtrArray) moved = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  const char * const texts[] = { "first damaged file ", "second damaged file " };

  /* Twice within a second: two names, both files kept as they were. */
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AetherStore) store = NULL;
      const char *at;

      write_garbage (f->path, texts[i]);
      store = aether_store_open (f->path, clock, &error);
      g_assert_null (store);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT);
      g_assert_nonnull ((at = strstr (error->message, "moved to ")));
      g_ptr_array_add (moved, g_strndup (at + strlen ("moved to "), strcspn (at + strlen ("moved to "), " ")));
    }
  g_assert_cmpstr (g_ptr_array_index (moved, 0), !=, g_ptr_array_index (moved, 1));
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autofree char *contents = NULL;

      g_assert_true (g_file_get_contents (g_ptr_array_index (moved, i), &contents, NULL, NULL));
      g_assert_true (g_str_has_prefix (contents, texts[i]));
    }
  g_assert_cmpuint (count_moved_aside (f->path), ==, 2);

  /* A collector does not fill a new, empty file in its place unasked. */
  add_demo_home (f->path);
  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (f->path, "collect", "--duration", "1", NULL)), !=, 0);
  g_assert_nonnull (strstr (err, g_ptr_array_index (moved, 1)));
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (f->path, "collect", "--duration", "2", "--new-database", NULL)), ==, 0);
  /* Once it holds readings it is the database. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (&out, &err, spawn_cli (f->path, "db", "stats", NULL)), ==, 0);
  if (stats_raw_rows (out) > 0)
    {
      g_clear_pointer (&err, g_free);
      g_assert_cmpint (run_cli (NULL, &err, spawn_cli (f->path, "collect", "--duration", "1", NULL)), ==, 0);
    }
}

/* ---- One collector per database ------------------------------------------ */

static void
test_one_collector (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GSubprocess) first = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  g_autofree char *pid = NULL;
  g_autofree char *backups = g_build_filename (f->dir, "backups", NULL);
  g_autofree char *backup = NULL;

  add_demo_home (f->path);
  g_assert_cmpint (run_cli (&out, NULL, spawn_cli (f->path, "db", "backup", backups, NULL)), ==, 0);
  backup = g_strdup (g_strstrip (out));
  g_clear_pointer (&out, g_free);
  g_assert_true (g_file_test (backup, G_FILE_TEST_IS_REGULAR));

  first = spawn_cli (f->path, "collect", "--duration", "60", NULL);
  wait_for_collector (f->path, 0);
  pid = g_strdup_printf ("process %s", g_subprocess_get_identifier (first));

  /* A second collector says who collects, and stores nothing. */
  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (f->path, "collect", "--duration", "1", NULL)), !=, 0);
  g_assert_nonnull (strstr (err, pid));
  g_assert_nonnull (strstr (err, "collect"));

  /* A restore would file the collector's next readings under other
   * devices' series: refused, naming the collector. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (f->path, "db", "restore", backup, NULL)), !=, 0);
  g_assert_nonnull (strstr (err, pid));
  g_assert_nonnull (strstr (err, "Nothing was restored"));

  /* Reading needs no lock. */
  g_assert_cmpint (run_cli (&out, NULL, spawn_cli (f->path, "devices", "list", NULL)), ==, 0);
  g_assert_cmpuint (count_lines (out), >=, 13);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_cli (&out, NULL, spawn_cli (f->path, "db", "stats", NULL)), ==, 0);

  g_subprocess_send_signal (first, SIGTERM);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (finish_cli (first, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "everything read is stored"));
  g_assert_null (aether_store_lock_describe_holder (f->path));

  /* Once it stopped, both work. */
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (f->path, "db", "restore", backup, NULL)), ==, 0);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (f->path, "collect", "--duration", "1", NULL)), ==, 0);
}

/* The lock is the service's: the app's and the CLI's collect alike. */
static void
test_service_lock (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC);
  g_autoptr(AetherService) first = NULL;
  g_autoptr(AetherService) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pid = g_strdup_printf ("process %d: ", (int)getpid ());
  GLogLevelFlags fatal;

  first = aether_service_new (f->path, clock, &error);
  g_assert_no_error (error);
  second = aether_service_new (f->path, clock, &error);
  g_assert_no_error (error);

  g_assert_true (aether_service_lock_collector (first, &error));
  g_assert_no_error (error);
  g_assert_false (aether_service_lock_collector (second, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_BUSY);
  g_assert_nonnull (strstr (error->message, pid));
  g_clear_error (&error);

  /* The app's service beside a collector shows, warns why it does not
   * collect (structured logging: g_test_expect_message() does not see
   * it) and reads no device. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  aether_service_start (second);
  g_log_set_always_fatal (fatal);
  g_assert_false (aether_collector_is_running (aether_service_get_collector (second)));
  g_assert_true (aether_service_stop (second, &error));
  g_assert_no_error (error);

  /* stop() lets go of it. */
  aether_service_start (first);
  g_assert_true (aether_service_stop (first, &error));
  g_assert_no_error (error);
  g_assert_true (aether_service_lock_collector (second, &error));
  g_assert_no_error (error);
  g_assert_true (aether_service_stop (second, &error));
}

/* ---- The write-ahead log deleted under the collector --------------------- */

static void
test_wal_deleted (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autoptr(GSubprocess) collect = NULL;
  g_autofree char *err = NULL;

  add_demo_home (f->path);
  collect = spawn_cli (f->path, "collect", "--duration", "5", NULL);
  wait_for_collector (f->path, 0);
  g_assert_cmpint (g_unlink (wal), ==, 0);

  g_assert_cmpint (finish_cli (collect, NULL, &err), >, 0);
  g_assert_nonnull (strstr (err, "write-ahead log"));
  g_assert_nonnull (strstr (err, "deleted"));
  g_assert_null (strstr (err, "everything read is stored"));
}

static void
count_failure (AetherService *service,
               const GError  *error,
               guint         *n)
{
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_IO);
  (*n)++;
}

/* The service finds it at its next housekeeping, says so once, and stop()
 * fails with it. */
static void
test_wal_deleted_service (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  GLogLevelFlags fatal;
  guint failures = 0;

  service = aether_service_new (f->path, clock, &error);
  g_assert_no_error (error);
  g_signal_connect (service, "store-failed", G_CALLBACK (count_failure), &failures);
  aether_service_start (service);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmpint (g_unlink (wal), ==, 0);

  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  for (guint minute = 0; minute < 3; minute++)
    aether_clock_advance_us (clock, 61 * G_USEC_PER_SEC);
  g_assert_cmpuint (failures, ==, 1);
  g_assert_false (aether_service_stop (service, &error));
  g_log_set_always_fatal (fatal);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "write-ahead log"));
  g_assert_cmpuint (failures, ==, 1);
}

/* ---- Private files ------------------------------------------------------- */

static void
assert_private (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  if ((st.st_mode & 077) != 0)
    g_error ("%s is mode %o, not private", path, st.st_mode & 0777);
}

static void
test_private_files (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", ".lock" };
  g_autofree char *backups = g_build_filename (f->dir, "backups", NULL);
  g_autofree char *out = NULL;
  g_autofree char *older = g_build_filename (f->dir, "older.db", NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (0);
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GError) error = NULL;
  mode_t mask = umask (022);

  /* While the store is open its WAL and shared memory exist. */
  store = aether_store_open (f->path, clock, &error);
  g_assert_no_error (error);
  add_demo_home (f->path);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);

      assert_private (file);
    }

  /* Backups too, and an older one left readable by all is made private. */
  {
    g_autofree char *old_backup = g_build_filename (backups, "aetherlens-20200101-000000.db", NULL);

    g_assert_cmpint (g_mkdir_with_parents (backups, 0700), ==, 0);
    g_assert_cmpint (close (open (old_backup, O_CREAT | O_WRONLY, 0644)), ==, 0);
    g_chmod (old_backup, 0644);
    g_assert_cmpint (run_cli (&out, NULL, spawn_cli (f->path, "db", "backup", backups, "--keep", "10", NULL)), ==, 0);
    assert_private (g_strstrip (out));
    assert_private (old_backup);
  }
  g_clear_object (&store);

  /* A file an older version left readable by all is made private. */
  g_assert_cmpint (close (open (older, O_CREAT | O_WRONLY, 0644)), ==, 0);
  g_chmod (older, 0644);
  store = aether_store_open (older, clock, &error);
  g_assert_no_error (error);
  assert_private (older);
  umask (mask);
}

/* ---- Energy totals: each instant once ------------------------------------ */

/* Issue 18.2: the earliest 1-minute bucket not on a 5-minute boundary. */
static void
test_energy_unaligned_start (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (f->dir, "readings.csv", NULL);
  g_autoptr(GString) text = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  const gint64 t0 = 1767225757;   /* 2026-01-01T00:02:37Z */
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) report = NULL;
  g_autofree char *out = NULL;
  double independent_wh = 0, last_w = 0;
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  double tier_wh[2] = { 0, 0 };
  JsonObject *total;

  /* A plug backfilled for 18 minutes, every 10 s, 90–110 W. */
  for (gint64 i = 0; i < 108; i++)
    {
      double w = round ((100 + 10 * sin (i / 5.0)) * 1000) / 1000;   /* as written */

      g_string_append_printf (text, "%" G_GINT64_FORMAT ",plug,power,%.3f,W\n", t0 + 10 * i, w);
      if (i > 0)
        independent_wh += (last_w + w) / 2 * 10 / 3600.0;
      last_w = w;
    }
  g_file_set_contents (csv, text->str, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpint (run_cli (NULL, NULL, spawn_cli (f->path, "db", "ingest", csv, NULL)), ==, 0);
  g_assert_cmpint (run_cli (NULL, NULL, spawn_cli (f->path, "db", "maintain", "--now", "2026-01-02T00:00:00Z", NULL)), ==, 0);

  /* The shape of the report: both tiers hold all of it. */
  g_assert_cmpint (sqlite3_open_v2 (f->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < 2; i++)
    {
      g_assert_cmpint (sqlite3_prepare_v2 (db, i == 0 ? "SELECT SUM(energy_wh), MIN(bucket) % 300 FROM energy_1m"
                                                      : "SELECT SUM(energy_wh), 0 FROM energy_5m",
                                           -1, &stmt, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      tier_wh[i] = sqlite3_column_double (stmt, 0);
      if (i == 0)
        g_assert_cmpint (sqlite3_column_int64 (stmt, 1), !=, 0);
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);
  g_assert_cmpfloat_with_epsilon (tier_wh[0], independent_wh, 1e-6);
  g_assert_cmpfloat_with_epsilon (tier_wh[1], independent_wh, 1e-6);

  g_assert_cmpint (run_cli (&out, NULL, spawn_cli (f->path, "db", "energy",
                                        "--from", "2026-01-01T00:00:00Z", "--to", "2026-01-02T00:00:00Z", NULL)), ==, 0);
  report = parse_object (out);
  total = json_object_get_object_member (report, "total");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (total, "energy_kwh") * 1000, independent_wh, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (
                                    json_array_get_object_element (json_object_get_array_member (report, "totals"), 0),
                                    "energy_kwh") * 1000, independent_wh, 1e-6);
}

/* ---- Opening is cheap; the full check after a crash ---------------------- */

static void
write_power_csv (const char *csv,
                 guint       n)
{
  g_autoptr(GString) text = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%" G_GINT64_FORMAT ",plug,power,%u,W\n", (gint64)1767225600 + 10 * i, 100 + i % 50);
  g_file_set_contents (csv, text->str, -1, &error);
  g_assert_no_error (error);
}

static gint64
pragma_int (const char *path,
            const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 v = -1;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return v;
}

/* The file and the write-ahead log of a connection that wrote and did not
 * close: what a crash leaves. */
static void
copy_as_crashed (const char *path,
                 const char *image)
{
  static const char * const suffixes[] = { "", "-wal" };
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO users (user_id, username) VALUES ('crash', 'crash');",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (image, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (from, &contents, &len, NULL));
      g_file_set_contents (to, contents, len, &error);
      g_assert_no_error (error);
    }
  sqlite3_close (db);
}

/* Issue 19.1: a clean open reads the header and the schema, not every page
 * (a damaged page of old samples is found by `db check`, not by opening);
 * the first open after a crash checks all of it. */
static void
test_open_checks_after_crash (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (f->dir, "readings.csv", NULL);
  g_autofree char *crashed = g_build_filename (f->dir, "crashed.db", NULL);
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;
  gint64 page;
  int fd;
  char garbage[600];

  add_demo_home (f->path);
  write_power_csv (csv, 20000);
  g_assert_cmpint (run_cli (NULL, NULL, spawn_cli (f->path, "db", "ingest", csv, NULL)), ==, 0);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));

  page = pragma_int (f->path, "SELECT pageno FROM dbstat WHERE name = 'samples' AND pagetype = 'leaf' LIMIT 1 OFFSET 20");
  if (page < 0)
    {
      g_test_skip ("SQLite was built without the dbstat table");
      return;
    }
  memset (garbage, 0xa5, sizeof garbage);
  g_assert_cmpint ((fd = open (f->path, O_WRONLY)), >=, 0);
  g_assert_cmpint (pwrite (fd, garbage, sizeof garbage, (page - 1) * 1024 + 100), ==, sizeof garbage);
  close (fd);

  g_assert_cmpint (run_cli (&out, &err, spawn_cli (f->path, "devices", "list", NULL)), ==, 0);
  g_assert_cmpuint (count_lines (out), >=, 13);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (f->path, "db", "check", NULL)), !=, 0);
  g_assert_nonnull (strstr (err, "damaged"));
  g_assert_cmpuint (count_moved_aside (f->path), ==, 0);

  copy_as_crashed (f->path, crashed);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (run_cli (NULL, &err, spawn_cli (crashed, "devices", "list", NULL)), !=, 0);
  g_assert_nonnull (strstr (err, "is damaged. It was moved to"));
  g_assert_cmpuint (count_moved_aside (crashed), ==, 1);
}

/* ---- The file shrinks ---------------------------------------------------- */

/* Issue 19.3: an older file is switched to incremental vacuum once, and
 * maintenance gives back what retention freed. */
static void
test_incremental_vacuum (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (0);
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *csv = g_build_filename (f->dir, "readings.csv", NULL);
  sqlite3 *db = NULL;
  gint64 before;

  /* As schema 6 made it: no auto_vacuum. */
  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA page_size=1024; PRAGMA auto_vacuum=NONE; PRAGMA journal_mode=WAL;"
                                     "CREATE TABLE schema_versions (version INTEGER PRIMARY KEY,"
                                     " applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, description TEXT);",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  store = aether_store_open_at_version (f->path, clock, 6, &error);
  g_assert_no_error (error);
  g_clear_object (&store);
  g_assert_cmpint (pragma_int (f->path, "PRAGMA auto_vacuum"), ==, 0);

  write_power_csv (csv, 20000);
  g_assert_cmpint (run_cli (NULL, NULL, spawn_cli (f->path, "db", "ingest", csv, NULL)), ==, 0);
  g_assert_cmpint (pragma_int (f->path, "SELECT MAX(version) FROM schema_versions"), ==, AETHER_STORE_SCHEMA_VERSION);
  g_assert_cmpint (pragma_int (f->path, "PRAGMA auto_vacuum"), ==, 2);
  before = file_size (f->path);

  /* Retention deletes all but the last hour of raw samples. */
  g_assert_cmpint (run_cli (NULL, NULL, spawn_cli (f->path, "db", "maintain", "--now", "2026-01-04T00:00:00Z", NULL)), ==, 0);
  g_assert_cmpint (pragma_int (f->path, "SELECT COUNT(*) FROM samples"), <, 20000);
  g_assert_cmpint (pragma_int (f->path, "PRAGMA freelist_count"), ==, 0);
  g_assert_cmpint (file_size (f->path), <, before);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, fn) g_test_add ("/store/faults/" name, Fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("busy-is-not-damage", test_busy_is_not_damage);
  ADD ("parallel-first-open", test_parallel_first_open);
  ADD ("crash-then-parallel-commands", test_crash_then_parallel_commands);
  ADD ("moved-aside-never-replaced", test_moved_aside_never_replaced);
  ADD ("one-collector", test_one_collector);
  ADD ("service-lock", test_service_lock);
  ADD ("wal-deleted", test_wal_deleted);
  ADD ("wal-deleted-service", test_wal_deleted_service);
  ADD ("private-files", test_private_files);
  ADD ("energy-unaligned-start", test_energy_unaligned_start);
  ADD ("open-checks-after-crash", test_open_checks_after_crash);
  ADD ("incremental-vacuum", test_incremental_vacuum);
#undef ADD

  return g_test_run ();
}
