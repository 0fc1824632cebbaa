/* aether-test-util.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
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
int
aether_test_run_cli (const char  *db,
                     char       **out,
                     char       **err,
                     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list ap;
  int status = -1;

  g_assert_nonnull (g_getenv ("AETHERLENS_CLI"));
  g_ptr_array_add (argv, (gpointer)g_getenv ("AETHERLENS_CLI"));
  if (db != NULL)
    {
      g_ptr_array_add (argv, (gpointer)"--db");
      g_ptr_array_add (argv, (gpointer)db);
    }
  va_start (ap, err);
  while ((arg = va_arg (ap, const char *)))
    g_ptr_array_add (argv, (gpointer)arg);
  va_end (ap);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}
