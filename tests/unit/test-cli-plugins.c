/* test-cli-plugins.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* aetherlens-cli run from the build tree, not installed, with no
 * AETHERLENS_PLUGIN_PATH: it finds the plugins built beside it, as someone
 * trying a build does (`_build/src/cli/aetherlens-cli devices add --plugin
 * shelly …`), against a fake Shelly on 127.0.0.1 serving a recorded plug
 * (tests/data/shelly). The same executable copied elsewhere does not look
 * in the build tree. */

#include "config.h"

#include "aether-test-util.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

typedef struct
{
  SoupServer *server;
  char       *host;
  JsonNode   *bundle;
  char       *dir;
} Fixture;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  JsonObject *bundle = json_node_get_object (f->bundle);
  JsonNode *answer = NULL;
  g_autofree char *text = NULL;

  /* A first-generation plug: /shelly says what it is, /status what it reads. */
  if (g_str_equal (path, "/shelly"))
    answer = json_object_get_member (bundle, "shelly");
  else if (g_str_equal (path, "/status"))
    answer = json_object_get_member (bundle, "status");

  if (answer == NULL)
    {
      soup_server_message_set_status (msg, 404, NULL);
      return;
    }
  text = json_to_string (answer, FALSE);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "shelly", "aioshelly_gen1_plug_s_SHPLG-S_fw1.14.0_dump.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GSList *uris;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  f->bundle = json_node_copy (json_parser_get_root (parser));

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, handler, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->host = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  f->dir = g_dir_make_tmp ("aether-cli-plugins-XXXXXX", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  json_node_unref (f->bundle);
  g_free (f->host);
}

static void
on_communicated (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Runs @cli adding the fake plug, with no plugin path set; the main loop
 * keeps turning so the fake can answer. Returns its exit status. */
static int
add_the_plug (Fixture     *f,
              const char  *cli,
              char       **out,
              char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) child = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (f->dir, "aetherlens.db", NULL);
  g_autofree char *address = g_strdup_printf ("ip_address=%s", f->host);

  g_subprocess_launcher_unsetenv (launcher, "AETHERLENS_PLUGIN_PATH");
  g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
  g_subprocess_launcher_unsetenv (launcher, "WAYLAND_DISPLAY");
  child = g_subprocess_launcher_spawn (launcher, &error, cli, "--db", db, "devices", "add",
                                       "--plugin", "shelly", "--name", "Desk Lamp", "--room", "office",
                                       "--config", address, NULL);
  g_assert_no_error (error);

  g_subprocess_communicate_utf8_async (child, NULL, NULL, on_communicated, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_subprocess_communicate_utf8_finish (child, result, out, err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (child));

  return g_subprocess_get_exit_status (child);
}

static void
test_build_tree_cli_finds_its_plugins (Fixture       *f,
                                       gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const char *cli = g_getenv ("AETHERLENS_CLI");

  g_assert_nonnull (cli);
  g_assert_true (g_str_has_prefix (cli, AETHER_BUILD_ROOT));

  g_assert_cmpint (add_the_plug (f, cli, &out, &err), ==, 0);
  g_test_message ("%s%s", out, err);
  g_assert_null (strstr (err, "No plugin named"));
  g_assert_nonnull (strstr (out, "Desk Lamp"));
  g_assert_nonnull (strstr (out, "SHPLG-S"));
}

static void
test_copy_elsewhere_does_not_search_the_build_tree (Fixture       *f,
                                                    gconstpointer  data)
{
  g_autofree char *installed = g_build_filename (PLUGINDIR, "shelly", "shelly.plugin", NULL);
  g_autofree char *copy = g_build_filename (f->dir, "aetherlens-cli", NULL);
  g_autoptr(GFile) from = g_file_new_for_path (g_getenv ("AETHERLENS_CLI"));
  g_autoptr(GFile) to = g_file_new_for_path (copy);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  if (g_file_test (installed, G_FILE_TEST_EXISTS) ||
      g_file_test (PLUGINDIR "/shelly.plugin", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("A Shelly plugin is installed in " PLUGINDIR);
      return;
    }

  g_assert_true (g_file_copy (from, to, G_FILE_COPY_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_chmod (copy, 0755);

  g_assert_cmpint (add_the_plug (f, copy, &out, &err), ==, 1);
  g_assert_nonnull (strstr (err, "No plugin named “shelly” is installed"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/uninstalled/build-tree-cli-finds-its-plugins", test_build_tree_cli_finds_its_plugins);
  ADD ("/cli/uninstalled/copy-elsewhere-does-not-search-the-build-tree", test_copy_elsewhere_does_not_search_the_build_tree);
#undef ADD

  return g_test_run ();
}
