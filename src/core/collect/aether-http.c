/* aether-http.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* GET a device's JSON over HTTP the way a flaky home Wi-Fi needs: a
 * deadline on the whole request (a device that drips its answer a byte at a
 * time never resets it, as it would libsoup's per-read timeout), a cap on
 * what is read (a device that sends 50 MB gets an error, not our memory),
 * credentials only when the device asks for them (a 401 with
 * WWW-Authenticate) and in the scheme it asks for, Basic or Digest, and
 * errors in AETHER_ERROR that say what happened to whom: unreachable, timed
 * out, wants a password, answered an HTTP error, or sent something that is
 * not JSON. Shared by the HTTP device plugins. */

#define G_LOG_DOMAIN "aether-http"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "aether-error.h"
#include "aether-http.h"
#include "aether-json.h"

typedef struct
{
  char         *url;
  char         *device_name;
  char         *username;
  char         *password;
  SoupSession  *session;
  GCancellable *cancellable;   /* ours: cancelled by the caller's or the deadline */
  GCancellable *outer;
  gulong        outer_handler;
  GSource      *deadline;
  guint         timeout_s;
  guint         tried_auth : 1;
  guint         timed_out : 1;
  SoupMessage  *message;
  GInputStream *stream;
  GByteArray   *body;
} Request;

static void
request_free (gpointer data)
{
  Request *r = data;

  g_free (r->url);
  g_free (r->device_name);
  g_free (r->username);
  g_free (r->password);
  if (r->deadline != NULL)
    {
      g_source_destroy (r->deadline);
      g_source_unref (r->deadline);
    }
  if (r->outer != NULL)
    g_cancellable_disconnect (r->outer, r->outer_handler);
  g_clear_object (&r->outer);
  g_clear_object (&r->cancellable);
  g_clear_object (&r->stream);
  g_clear_object (&r->message);
  g_clear_object (&r->session);
  if (r->body)
    g_byte_array_unref (r->body);
  g_free (r);
}

static void
fail_transport (GTask  *task,
                GError *error)
{
  Request *r = g_task_get_task_data (task);

  if (r->timed_out || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_TIMED_OUT,
                               "%s did not answer in time (within %u s)",
                               r->device_name, r->timeout_s);
      g_error_free (error);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_UNREACHABLE,
                               "%s cannot be reached (%s): check its address and that it is on the network",
                               r->device_name, error->message);
      g_error_free (error);
    }
}

static void read_more (GTask *task);
static void on_sent (GObject *object, GAsyncResult *result, gpointer user_data);

static char *
hex_digest (GChecksumType  type,
            const char    *text)
{
  return g_compute_checksum_for_string (type, text, -1);
}

/* An RFC 7616 answer to a Digest challenge (Shelly Gen2 asks with SHA-256). */
static char *
digest_authorization (Request    *r,
                      const char *challenge)
{
  g_autoptr(GHashTable) params = soup_header_parse_param_list (challenge + strlen ("Digest "));
  const char *realm = g_hash_table_lookup (params, "realm");
  const char *nonce = g_hash_table_lookup (params, "nonce");
  const char *algorithm = g_hash_table_lookup (params, "algorithm");
  const char *opaque = g_hash_table_lookup (params, "opaque");
  GChecksumType type = g_strcmp0 (algorithm, "SHA-256") == 0 ? G_CHECKSUM_SHA256 : G_CHECKSUM_MD5;
  g_autoptr(GUri) uri = g_uri_parse (r->url, G_URI_FLAGS_NONE, NULL);
  g_autofree char *path = NULL;
  g_autofree char *cnonce = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
  g_autofree char *a1 = NULL, *a2 = NULL, *ha1 = NULL, *ha2 = NULL, *resp_in = NULL, *response = NULL;
  const char *user = r->username && *r->username ? r->username : "admin";

  if (realm == NULL || nonce == NULL || uri == NULL)
    return NULL;

  path = g_uri_get_query (uri) ? g_strdup_printf ("%s?%s", g_uri_get_path (uri), g_uri_get_query (uri))
                               : g_strdup (g_uri_get_path (uri));
  a1 = g_strdup_printf ("%s:%s:%s", user, realm, r->password);
  a2 = g_strdup_printf ("GET:%s", path);
  ha1 = hex_digest (type, a1);
  ha2 = hex_digest (type, a2);
  resp_in = g_strdup_printf ("%s:%s:00000001:%s:auth:%s", ha1, nonce, cnonce, ha2);
  response = hex_digest (type, resp_in);

  return g_strdup_printf ("Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", uri=\"%s\", algorithm=%s, "
                          "response=\"%s\", qop=auth, nc=00000001, cnonce=\"%s\"%s%s%s",
                          user, realm, nonce, path, type == G_CHECKSUM_SHA256 ? "SHA-256" : "MD5",
                          response, cnonce, opaque ? ", opaque=\"" : "", opaque ? opaque : "", opaque ? "\"" : "");
}

/* The Authorization that answers @challenge, or %NULL for a scheme we do
 * not speak. */
static char *
answer_challenge (Request    *r,
                  const char *challenge)
{
  if (g_ascii_strncasecmp (challenge, "Digest ", 7) == 0)
    return digest_authorization (r, challenge);

  if (g_ascii_strncasecmp (challenge, "Basic", 5) == 0 && (challenge[5] == '\0' || challenge[5] == ' '))
    {
      const char *user = r->username && *r->username ? r->username : "admin";
      g_autofree char *pair = g_strdup_printf ("%s:%s", user, r->password);
      g_autofree char *encoded = g_base64_encode ((const guchar *)pair, strlen (pair));

      return g_strdup_printf ("Basic %s", encoded);
    }

  return NULL;
}

static void
on_read (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (object), result, &error);
  g_autoptr(GError) parse_error = NULL;
  JsonNode *root;

  if (chunk == NULL)
    {
      fail_transport (g_steal_pointer (&task), error);
      return;
    }

  if (g_bytes_get_size (chunk) > 0)
    {
      g_byte_array_append (r->body, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      if (r->body->len > AETHER_HTTP_MAX_BODY)
        {
          g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                                   "%s sent more than %u KiB; that is not a device reading",
                                   r->device_name, AETHER_HTTP_MAX_BODY / 1024);
          return;
        }
      read_more (g_steal_pointer (&task));
      return;
    }

  /* Bounded: a reply nested a megabyte deep is this device's error, not
   * the collector's stack overflowing. */
  if (!(root = aether_json_parse ((const char *)r->body->data, r->body->len, AETHER_JSON_MAX_DEPTH, &parse_error)))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                               "%s sent something that is not JSON (%s)", r->device_name, parse_error->message);
      return;
    }

  g_task_return_pointer (task, root, (GDestroyNotify)json_node_unref);
}

static void
read_more (GTask *task)
{
  Request *r = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (r->stream, 64 * 1024, G_PRIORITY_DEFAULT, r->cancellable,
                                   on_read, task);
}

static void
on_sent (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *r = g_task_get_task_data (task);
  GError *error = NULL;
  guint status;

  r->stream = soup_session_send_finish (SOUP_SESSION (object), result, &error);
  if (r->stream == NULL)
    {
      fail_transport (g_steal_pointer (&task), error);
      return;
    }

  status = soup_message_get_status (r->message);

  /* Asked for credentials, and we have them: answer once, in the scheme
   * asked for. Never before: a device that did not ask (or asked for
   * Digest) has no business seeing the password in Basic's plain text. */
  if (status == SOUP_STATUS_UNAUTHORIZED && !r->tried_auth && r->password != NULL && *r->password)
    {
      const char *challenge = soup_message_headers_get_one (soup_message_get_response_headers (r->message),
                                                            "WWW-Authenticate");
      g_autofree char *authorization = challenge != NULL ? answer_challenge (r, challenge) : NULL;

      if (authorization != NULL)
        {
          SoupMessage *retry = soup_message_new ("GET", r->url);

          r->tried_auth = TRUE;
          g_clear_object (&r->stream);
          g_clear_object (&r->message);
          r->message = retry;
          soup_message_headers_replace (soup_message_get_request_headers (retry), "Authorization", authorization);
          soup_session_send_async (r->session, retry, G_PRIORITY_DEFAULT, r->cancellable,
                                   on_sent, g_steal_pointer (&task));
          return;
        }
    }

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED,
                               "%s wants a user name and password, or did not accept the ones given",
                               r->device_name);
      return;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_FAILED, "%s answered HTTP %u %s",
                               r->device_name, status, soup_message_get_reason_phrase (r->message));
      return;
    }

  r->body = g_byte_array_new ();
  read_more (g_steal_pointer (&task));
}

static void
on_outer_cancelled (GCancellable *outer,
                    GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
on_deadline (gpointer user_data)
{
  Request *r = user_data;

  r->timed_out = TRUE;
  g_cancellable_cancel (r->cancellable);

  return G_SOURCE_REMOVE;
}

/**
 * aether_http_get_json_async:
 * @url: the URL
 * @device_name: how errors name the device ("The Tasmota at 192.168.1.20")
 * @username: (nullable): the user name to answer a challenge with (Basic or
 *   Digest, whichever the device asks for; "admin" when %NULL)
 * @password: (nullable): its password; sent only when the device asks
 * @timeout_s: how long the whole request may take, answer and body included
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 */
void
aether_http_get_json_async (const char          *url,
                            const char          *device_name,
                            const char          *username,
                            const char          *password,
                            guint                timeout_s,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Request *r = g_new0 (Request, 1);

  g_task_set_source_tag (task, aether_http_get_json_async);
  g_task_set_task_data (task, r, request_free);
  r->url = g_strdup (url);
  r->device_name = g_strdup (device_name);
  r->username = g_strdup (username);
  r->password = g_strdup (password);
  r->session = soup_session_new_with_options ("timeout", MAX (timeout_s, 1),
                                              "idle-timeout", MAX (timeout_s, 1),
                                              "user-agent", "AetherLens/" PACKAGE_VERSION,
                                              NULL);
  r->message = soup_message_new ("GET", url);

  if (r->message == NULL)
    {
      /* Without its query: Tasmota's carries the password. */
      g_autofree char *shown = g_strndup (url, strcspn (url, "?"));

      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                               "“%s” is not an address AetherLens can ask", shown);
      return;
    }

  /* The whole request, not each read: a device that drips its answer
   * would keep a per-read timeout waiting for ever. */
  r->timeout_s = MAX (timeout_s, 1);
  r->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      r->outer = g_object_ref (cancellable);
      r->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_outer_cancelled),
                                                g_object_ref (r->cancellable), g_object_unref);
    }
  r->deadline = g_timeout_source_new_seconds (r->timeout_s);
  g_source_set_callback (r->deadline, on_deadline, r, NULL);
  g_source_set_static_name (r->deadline, "[aether] device request deadline");
  g_source_attach (r->deadline, g_main_context_get_thread_default ());

  soup_session_send_async (r->session, r->message, G_PRIORITY_DEFAULT, r->cancellable, on_sent,
                           g_steal_pointer (&task));
}

/**
 * aether_http_get_json_finish:
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the document, or %NULL
 */
JsonNode *
aether_http_get_json_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
