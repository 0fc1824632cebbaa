/* test-webhook.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The webhook action against a real HTTP server on 127.0.0.1. */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "aether-core.h"

typedef struct
{
  SoupServer *server;
  char       *base;
  GPtrArray  *bodies;
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/alerts/webhook/posts-json-once", test_posts_json_once);
  ADD ("/alerts/webhook/server-errors-are-retried", test_server_errors_are_retried);
  ADD ("/alerts/webhook/gives-up-after-max-attempts", test_gives_up_after_max_attempts);
  ADD ("/alerts/webhook/client-errors-are-final", test_client_errors_are_final);
  ADD ("/alerts/webhook/bad-url-is-refused", test_bad_url_is_refused);
  ADD ("/alerts/webhook/unreachable-server-is-named", test_unreachable_server_is_named);
#undef ADD

  return g_test_run ();
}
