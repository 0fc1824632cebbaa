/* test-webhook.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The webhook action against a real HTTP server on 127.0.0.1. */

#include "config.h"

#include <libsoup/soup.h>
#include <sqlite3.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

typedef struct
{
  SoupServer *server;
  char       *base;
  GPtrArray  *bodies;
  GPtrArray  *queries;
  guint       n_requests;
  guint       fail_first;     /* answer 503 to this many requests */
  guint       status;         /* then this */
  AetherClock *clock;
} Fixture;

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  f->n_requests++;
  g_ptr_array_add (f->bodies, g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes)));
  g_ptr_array_add (f->queries, g_strdup (g_uri_get_query (soup_server_message_get_uri (msg))));

  if (f->n_requests <= f->fail_first)
    soup_server_message_set_status (msg, 503, NULL);
  else
    soup_server_message_set_status (msg, f->status, NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/hook", handler, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  f->base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  f->bodies = g_ptr_array_new_with_free_func (g_free);
  f->queries = g_ptr_array_new_with_free_func (g_free);
  f->status = 200;
  f->clock = aether_clock_new_manual (G_GINT64_CONSTANT (1705312800) * G_USEC_PER_SEC);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_free (f->base);
  g_ptr_array_unref (f->bodies);
  g_ptr_array_unref (f->queries);
  g_clear_object (&f->clock);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Runs the main loop, and the manual clock for the retry delays, until done. */
static GAsyncResult *
wait_for (Fixture       *f,
          GAsyncResult **result)
{
  while (*result == NULL)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (*result == NULL)
        {
          aether_clock_advance_us (f->clock, 100 * 1000);
          g_usleep (1000);
        }
    }
  return *result;
}

static JsonNode *
alert_body (void)
{
  return json_from_string ("{\"alert_id\": \"alert-high-consumption-001\", "
                           "\"message\": \"Office plug consuming >500W for 5 minutes\", "
                           "\"value\": 612.5}", NULL);
}

static char *
url (Fixture *f)
{
  return g_strconcat (f->base, "hook", NULL);
}

static void
test_posts_json_once (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(AetherWebhook) hook = aether_webhook_new (f->clock);
  g_autoptr(JsonNode) body = alert_body ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = url (f);
  guint attempts = 0;

  aether_webhook_post_async (hook, target, body, NULL, store_result, &result);
  g_assert_true (aether_webhook_post_finish (hook, wait_for (f, &result), &attempts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (attempts, ==, 1);
  g_assert_cmpuint (f->n_requests, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->bodies, 0), ==,
                   "{\"alert_id\":\"alert-high-consumption-001\","
                   "\"message\":\"Office plug consuming >500W for 5 minutes\",\"value\":612.5}");
}

static void
test_server_errors_are_retried (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(AetherWebhook) hook = aether_webhook_new (f->clock);
  g_autoptr(JsonNode) body = alert_body ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = url (f);
  guint attempts = 0;

  f->fail_first = 2;
  aether_webhook_set_retries (hook, 3, 500);
  aether_webhook_post_async (hook, target, body, NULL, store_result, &result);
  g_assert_true (aether_webhook_post_finish (hook, wait_for (f, &result), &attempts, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (attempts, ==, 3);
  g_assert_cmpuint (f->n_requests, ==, 3);
}

static void
test_gives_up_after_max_attempts (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(AetherWebhook) hook = aether_webhook_new (f->clock);
  g_autoptr(JsonNode) body = alert_body ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = url (f);
  g_autofree char *expected = NULL;
  guint attempts = 0;

  f->fail_first = 100;
  aether_webhook_set_retries (hook, 3, 500);
  aether_webhook_post_async (hook, target, body, NULL, store_result, &result);
  g_assert_false (aether_webhook_post_finish (hook, wait_for (f, &result), &attempts, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_FAILED);
  expected = g_strdup_printf ("%s answered 503 Service Unavailable", target);
  g_assert_cmpstr (error->message, ==, expected);
  g_assert_cmpuint (attempts, ==, 3);
}

static void
test_client_errors_are_final (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(AetherWebhook) hook = aether_webhook_new (f->clock);
  g_autoptr(JsonNode) body = alert_body ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = url (f);

  f->status = 401;
  aether_webhook_post_async (hook, target, body, NULL, store_result, &result);
  g_assert_false (aether_webhook_post_finish (hook, wait_for (f, &result), NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED);
  g_assert_cmpuint (f->n_requests, ==, 1);
}

static void
test_bad_url_is_refused (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(AetherWebhook) hook = aether_webhook_new (f->clock);
  g_autoptr(JsonNode) body = alert_body ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  aether_webhook_post_async (hook, "ftp://example/x", body, NULL, store_result, &result);
  g_assert_false (aether_webhook_post_finish (hook, wait_for (f, &result), NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "“ftp://example/x” is not a web address: a webhook needs an http:// or https:// URL");
}

static void
test_unreachable_server_is_named (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(AetherWebhook) hook = aether_webhook_new (f->clock);
  g_autoptr(JsonNode) body = alert_body ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = url (f);

  /* Nobody listens there any more. */
  soup_server_disconnect (f->server);
  aether_webhook_set_retries (hook, 2, 100);
  aether_webhook_post_async (hook, target, body, NULL, store_result, &result);
  g_assert_false (aether_webhook_post_finish (hook, wait_for (f, &result), NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (error->message, "Could not post to http://127.0.0.1:"));
}

static void
assert_no_secret (const char *text)
{
  static const char * const secrets[] = { "hunter2", "s3cr3t", "abcdef123" };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    if (text != NULL && strstr (text, secrets[i]) != NULL)
      g_error ("“%s” shows the secret “%s”", text, secrets[i]);
}

static void
test_url_is_redacted (Fixture       *f,
                      gconstpointer  data)
{
  static const struct { const char *url; const char *shown; } cases[] = {
    { "https://user:hunter2@ntfy.example.com/alerts?token=s3cr3t&priority=high",
      "https://***@ntfy.example.com/alerts?token=***&priority=high" },
    { "https://gotify.example.net/message?apikey=s3cr3t", "https://gotify.example.net/message?apikey=***" },
    { "http://homeassistant.local:8123/api/webhook/abcdef123", "http://homeassistant.local:8123/api/webhook/***" },
    { "https://hooks.example.org/x?Password=hunter2&sig=s3cr3t#s3cr3t", "https://hooks.example.org/x?Password=***&sig=***#***" },
    { "https://example.com/hook", "https://example.com/hook" },
    { "ftp://user:hunter2@example.com/x?token=s3cr3t", "ftp://***@example.com/x?token=***" },
    /* Not an address: only what is surely no secret. */
    { "user:hunter2@example.com/x?token=s3cr3t", "***@example.com" },
    { "http://user:hunter2@[::1/x", "http://***@[::1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *shown = aether_redact_url (cases[i].url);

      g_assert_cmpstr (shown, ==, cases[i].shown);
      assert_no_secret (shown);
    }
}

/* History written before addresses were redacted is shown redacted, and
 * what is recorded now is kept redacted. */
static void
test_stored_history_is_redacted (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-webhook-XXXXXX", NULL);
  g_autofree char *db_path = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (db_path, f->clock, &error);
  g_autoptr(JsonNode) history = NULL;
  g_autofree char *text = NULL;
  g_autofree char *inline_text = aether_redact_urls_in_text ("Webhook failed: Could not post to "
                                                             "https://u:hunter2@ntfy.example/x?token=s3cr3t: "
                                                             "timed out (http://homeassistant.local/api/webhook/abcdef123)");
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (inline_text, ==, "Webhook failed: Could not post to https://***@ntfy.example/x?token=***: "
                                    "timed out (http://homeassistant.local/api/webhook/***)");

  /* An old row, as an earlier version wrote it. */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "INSERT INTO alert_history (time, alert_id, kind, detail) VALUES"
                                     " (1705312800000, 'a', 'action',"
                                     " 'Posted to https://user:hunter2@ntfy.example/alerts?token=s3cr3t (1 attempt)')",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (aether_store_add_alert_history (store, G_GINT64_CONSTANT (1705312860) * G_USEC_PER_SEC, "a", "action",
                                                 "Webhook failed: https://user:hunter2@ntfy.example/a?key=s3cr3t answered 500",
                                                 &error));
  g_assert_no_error (error);

  history = aether_store_list_alert_history (store, &error);
  g_assert_no_error (error);
  text = json_to_string (history, FALSE);
  g_test_message ("%s", text);
  assert_no_secret (text);
  g_assert_nonnull (strstr (text, "Posted to https://***@ntfy.example/alerts?token=*** (1 attempt)"));
  g_assert_nonnull (strstr (text, "https://***@ntfy.example/a?key=*** answered 500"));

  /* And on disk. */
  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT detail FROM alert_history WHERE time = 1705312860000", -1, &stmt, NULL),
                     ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    assert_no_secret ((const char *)sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
  }
  sqlite3_close (db);
  g_clear_object (&store);
  aether_test_remove_dir (dir);
}

/* A failed post names the address, redacted; the request itself has it
 * whole (the token is the server's to see). */
static void
test_errors_show_the_url_redacted (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(AetherWebhook) hook = aether_webhook_new (f->clock);
  g_autoptr(JsonNode) body = alert_body ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *target = g_strdup_printf ("http://user:hunter2@%shook?token=s3cr3t", f->base + strlen ("http://"));

  f->fail_first = 100;
  aether_webhook_set_retries (hook, 2, 100);
  aether_webhook_post_async (hook, target, body, NULL, store_result, &result);
  g_assert_false (aether_webhook_post_finish (hook, wait_for (f, &result), NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "http://***@127.0.0.1:"));
  g_assert_nonnull (strstr (error->message, "/hook?token=*** answered 503"));
  assert_no_secret (error->message);
  g_assert_cmpuint (f->n_requests, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->queries, 0), ==, "token=s3cr3t");
  /* The retry was logged, with the address: redacted. */
  g_assert_cmpuint (aether_test_log_count ("/hook?token=*** answered 503 Service Unavailable; trying again"), ==, 1);
  for (guint i = 0; i < aether_test_get_log ()->len; i++)
    assert_no_secret (g_ptr_array_index (aether_test_get_log (), i));
}

/* The scheme is checked when the rule is added (alerts add, the New Alert
 * window, a rule read back), never first when it fires. */
static void
test_bad_scheme_is_refused_when_the_rule_is_added (Fixture       *f,
                                                   gconstpointer  data)
{
  static const char * const urls[] = {
    "ftp://user:hunter2@example.com/x", "file:///etc/passwd", "javascript:alert(1)", "http://", "hooks.example.org/x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"alert_id\": \"a\", \"name\": \"Pricey\", \"conditions\": "
                                               "{\"type\": \"cost\", \"operator\": \"greater_than\", \"threshold\": 1},"
                                               " \"actions\": [{\"type\": \"webhook\", \"url\": \"%s\"}]}", urls[i]);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_json (node, &error);

      g_assert_null (rule);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
      g_test_message ("%s", error->message);
      g_assert_true (g_str_has_prefix (error->message, "Alert “Pricey”: “"));
      g_assert_nonnull (strstr (error->message, "is not a web address: a webhook needs an http:// or https:// URL"));
      assert_no_secret (error->message);
    }
}

/* Through the service: a rule fires, its webhook is posted, and the alert
 * history (what `alerts history` and the Alerts page show) and the log
 * name the address without its credentials. */
static void
test_history_shows_the_url_redacted (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-webhook-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *target = g_strdup_printf ("http://user:hunter2@%shook?token=s3cr3t", f->base + strlen ("http://"));
  g_autofree char *json = g_strdup_printf ("{\"alert_id\": \"pricey\", \"name\": \"Pricey Day\", \"conditions\": "
                                           "{\"type\": \"cost\", \"cost_scope\": \"today\", \"operator\": \"greater_than\","
                                           " \"threshold\": 2.5}, \"actions\": [{\"type\": \"webhook\", \"url\": \"%s\"}]}",
                                           target);
  g_autoptr(JsonNode) rule = json_from_string (json, NULL);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(JsonNode) history = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  JsonArray *entries;
  gboolean posted = FALSE;

  aether_clock_set_default (f->clock);
  service = aether_service_new (db, f->clock, &error);
  g_assert_no_error (error);
  aether_service_load (service, &error);
  g_assert_no_error (error);
  aether_service_start (service);
  id = aether_service_add_alert (service, rule, &error);
  g_assert_no_error (error);

  aether_alert_engine_set_costs (aether_service_get_alert_engine (service), 3.10, 40);
  while (f->n_requests == 0 || !posted)
    {
      g_autoptr(JsonNode) so_far = NULL;

      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
      so_far = aether_store_list_alert_history (aether_service_get_store (service), NULL);
      for (guint i = 0; so_far && i < json_array_get_length (json_node_get_array (so_far)); i++)
        posted |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (json_node_get_array (so_far), i),
                                                            "kind"), "action") == 0;
    }
  g_assert_cmpstr (g_ptr_array_index (f->queries, 0), ==, "token=s3cr3t");

  history = aether_store_list_alert_history (aether_service_get_store (service), &error);
  g_assert_no_error (error);
  entries = json_node_get_array (history);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      g_autofree char *text = json_to_string (json_array_get_element (entries, i), FALSE);

      g_test_message ("%s", text);
      assert_no_secret (text);
      if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (entries, i), "kind"), "action") == 0)
        g_assert_nonnull (strstr (text, "Posted to http://***@127.0.0.1:"));
    }
  for (guint i = 0; i < aether_test_get_log ()->len; i++)
    assert_no_secret (g_ptr_array_index (aether_test_get_log (), i));

  g_assert_true (aether_service_stop (service, NULL));
  g_clear_object (&service);
  aether_clock_set_default (NULL);
  aether_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* Debug messages too: the retries are logged there. */
  aether_test_record_log ();

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/alerts/webhook/posts-json-once", test_posts_json_once);
  ADD ("/alerts/webhook/server-errors-are-retried", test_server_errors_are_retried);
  ADD ("/alerts/webhook/gives-up-after-max-attempts", test_gives_up_after_max_attempts);
  ADD ("/alerts/webhook/client-errors-are-final", test_client_errors_are_final);
  ADD ("/alerts/webhook/bad-url-is-refused", test_bad_url_is_refused);
  ADD ("/alerts/webhook/unreachable-server-is-named", test_unreachable_server_is_named);
  ADD ("/alerts/webhook/url-is-redacted", test_url_is_redacted);
  ADD ("/alerts/webhook/errors-show-the-url-redacted", test_errors_show_the_url_redacted);
  ADD ("/alerts/webhook/bad-scheme-is-refused-when-the-rule-is-added", test_bad_scheme_is_refused_when_the_rule_is_added);
  ADD ("/alerts/webhook/history-shows-the-url-redacted", test_history_shows_the_url_redacted);
  ADD ("/alerts/webhook/stored-history-is-redacted", test_stored_history_is_redacted);
#undef ADD

  return g_test_run ();
}
