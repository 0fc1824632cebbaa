/* test-cli.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* aetherlens-cli as a user runs it: a separate process, no display. */

#include "config.h"

#include <glib.h>
#include <string.h>
#include <sys/wait.h>

static int
run_cli (const char  *const *args,
         char              **out,
         char              **err)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) envp = g_get_environ ();
  int status = -1;

  g_ptr_array_add (argv, (gpointer)g_getenv ("AETHERLENS_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer)args[i]);
  g_ptr_array_add (argv, NULL);

  /* No display, as on a home server. */
  envp = g_environ_unsetenv (envp, "DISPLAY");
  envp = g_environ_unsetenv (envp, "WAYLAND_DISPLAY");

  g_spawn_sync (NULL, (char **)argv->pdata, envp, G_SPAWN_DEFAULT,
                NULL, NULL, out, err, &status, &error);
  g_assert_no_error (error);

  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
test_version_without_display (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = g_strdup_printf ("aetherlens-cli %s\n", PACKAGE_VERSION);

  g_assert_cmpint (run_cli ((const char *[]) { "--version", NULL }, &out, &err), ==, 0);
  g_assert_cmpstr (out, ==, expected);
  g_assert_cmpstr (err, ==, "");
}

static void
test_help_lists_commands (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli ((const char *[]) { "--help", NULL }, &out, &err), ==, 0);
  g_assert_nonnull (strstr (out, "Usage: aetherlens-cli"));
  g_assert_nonnull (strstr (out, "  db "));
  g_assert_nonnull (strstr (out, "  rates "));
  g_assert_nonnull (strstr (out, "  bench "));
}

/* Every benchmark prints its help for --help instead of running. */
static void
test_bench_help_does_not_run (void)
{
  static const char * const benches[] = { "store", "reprice", "tariff", "collect" };

  for (guint i = 0; i < G_N_ELEMENTS (benches); i++)
    {
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_cmpint (run_cli ((const char *[]) { "bench", benches[i], "--help", NULL }, &out, &err), ==, 0);
      g_assert_nonnull (strstr (out, "Usage:"));
      g_assert_null (strstr (out, "\"benchmark\""));
    }
}

static void
test_unknown_command_is_a_usage_error (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli ((const char *[]) { "frobnicate", NULL }, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "unknown command “frobnicate”"));
}

static void
test_unknown_option_is_a_usage_error (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli ((const char *[]) { "--frob", "db", NULL }, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "unknown option “--frob”"));
}

static void
test_no_command_prints_usage (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli ((const char *[]) { NULL }, &out, &err), ==, 2);
  g_assert_nonnull (strstr (err, "Usage:"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cli/version-without-display", test_version_without_display);
  g_test_add_func ("/cli/help-lists-commands", test_help_lists_commands);
  g_test_add_func ("/cli/unknown-command-is-usage-error", test_unknown_command_is_a_usage_error);
  g_test_add_func ("/cli/bench-help-does-not-run", test_bench_help_does_not_run);
  g_test_add_func ("/cli/unknown-option-is-usage-error", test_unknown_option_is_a_usage_error);
  g_test_add_func ("/cli/no-command-prints-usage", test_no_command_prints_usage);

  return g_test_run ();
}
