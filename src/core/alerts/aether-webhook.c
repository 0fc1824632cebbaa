/* aether-webhook.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Posts an alert as JSON to a URL: ntfy, Gotify, a Home Assistant webhook.
 * Each attempt has a timeout; a connection failure, a timeout or a 5xx is
 * tried again after a delay that doubles (on the AetherClock, so tests need
 * not wait); a 4xx is final, since sending the same request again will not
 * fix it. Only http and https URLs are accepted, and a rule is checked for
 * that when it is added (aether_webhook_check_url()), not when it fires.
 *
 * A webhook URL often carries its credential (`user:password@`, `?token=`,
 * a Home Assistant webhook id): wherever one is shown or kept as text (the
 * alert history, the log, an error) it goes through aether_redact_url()
 * first; only the request itself has it whole. */

#define G_LOG_DOMAIN "aether-webhook"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "aether-error.h"
#include "aether-redact.h"
#include "aether-webhook.h"

struct _AetherWebhook
{
  GObject      parent_instance;

  /* Owned references */
  AetherClock *clock;
  SoupSession *session;

  guint        max_attempts;
  guint        first_delay_ms;
};

G_DEFINE_FINAL_TYPE (AetherWebhook, aether_webhook, G_TYPE_OBJECT)

typedef struct
{
  char        *url;
  char        *shown_url;   /* redacted, for messages */
  GBytes      *body;
  guint        attempt;
  guint        retry_id;
} PostData;

static void
post_data_free (gpointer data)
{
  PostData *post = data;

  g_free (post->url);
  g_free (post->shown_url);
  g_bytes_unref (post->body);
  g_free (post);
}

static void
aether_webhook_dispose (GObject *object)
{
  AetherWebhook *self = (AetherWebhook *)object;

  g_clear_object (&self->session);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (aether_webhook_parent_class)->dispose (object);
}

static void
aether_webhook_class_init (AetherWebhookClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = aether_webhook_dispose;
}

static void
aether_webhook_init (AetherWebhook *self)
{
  self->session = soup_session_new_with_options ("timeout", 10,
                                                 "user-agent", "AetherLens/" PACKAGE_VERSION " ",
                                                 NULL);
  self->max_attempts = 3;
  self->first_delay_ms = 2000;
}

/**
 * aether_webhook_new:
 * @clock: the clock that times the retries
 *
 * Returns: (transfer full): a webhook sender: 10 s timeout, 3 attempts
 */
AetherWebhook *
aether_webhook_new (AetherClock *clock)
{
  AetherWebhook *self;

  g_return_val_if_fail (AETHER_IS_CLOCK (clock), NULL);

  self = g_object_new (AETHER_TYPE_WEBHOOK, NULL);
  self->clock = g_object_ref (clock);

  return self;
}

void
aether_webhook_set_timeout (AetherWebhook *self,
                            guint          timeout_s)
{
  g_return_if_fail (AETHER_IS_WEBHOOK (self));
  g_return_if_fail (timeout_s > 0);

  soup_session_set_timeout (self->session, timeout_s);
}

/**
 * aether_webhook_set_retries:
 * @self: a webhook sender
 * @max_attempts: how many times to try in all, at least 1
 * @first_delay_ms: the wait before the second attempt; it doubles after
 */
void
aether_webhook_set_retries (AetherWebhook *self,
                            guint          max_attempts,
                            guint          first_delay_ms)
{
  g_return_if_fail (AETHER_IS_WEBHOOK (self));
  g_return_if_fail (max_attempts >= 1);

  self->max_attempts = max_attempts;
  self->first_delay_ms = first_delay_ms;
}

static void send_attempt (GTask *task);

static gboolean
retry_cb (gpointer user_data)
{
  GTask *task = user_data;
  PostData *post = g_task_get_task_data (task);

  post->retry_id = 0;
  send_attempt (task);

  return G_SOURCE_REMOVE;
}

static void
on_response (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AetherWebhook *self = g_task_get_source_object (task);
  PostData *post = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  gboolean retry = FALSE;
  guint status = 0;

  reply = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (error == NULL)
    status = soup_message_get_status (msg);

  if (error == NULL && SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (error != NULL)
    {
      retry = TRUE;
      g_prefix_error (&error, "Could not post to %s: ", post->shown_url);
      error->domain = AETHER_ERROR;
      error->code = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
        ? AETHER_ERROR_TIMED_OUT : AETHER_ERROR_UNREACHABLE;
    }
  else
    {
      retry = status >= 500;
      error = g_error_new (AETHER_ERROR,
                           status == 401 || status == 403 ? AETHER_ERROR_AUTH_REQUIRED : AETHER_ERROR_FAILED,
                           "%s answered %u %s", post->shown_url, status,
                           soup_message_get_reason_phrase (msg));
    }

  if (retry && post->attempt < self->max_attempts)
    {
      guint delay = self->first_delay_ms << MIN (post->attempt - 1, 16);

      g_debug ("%s; trying again in %u ms", error->message, delay);
      post->retry_id = aether_clock_add_timeout (self->clock, MAX (1, delay), retry_cb,
                                                 g_object_ref (task), g_object_unref);
      return;
    }

  g_task_return_error (task, g_steal_pointer (&error));
}

static void
send_attempt (GTask *task)
{
  AetherWebhook *self = g_task_get_source_object (task);
  PostData *post = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", post->url);

  post->attempt++;
  soup_message_set_request_body_from_bytes (msg, "application/json", post->body);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task),
                                    on_response, g_object_ref (task));
}

/**
 * aether_webhook_post_async:
 * @self: a webhook sender
 * @url: an http or https URL
 * @body: the JSON to post
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the post succeeded or every attempt failed
 * @user_data: data for @callback
 */
void
aether_webhook_post_async (AetherWebhook       *self,
                           const char          *url,
                           JsonNode            *body,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  PostData *post;

  g_return_if_fail (AETHER_IS_WEBHOOK (self));
  g_return_if_fail (url != NULL);
  g_return_if_fail (body != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_webhook_post_async);

  if (!aether_webhook_check_url (url, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  text = json_to_string (body, FALSE);
  post = g_new0 (PostData, 1);
  post->url = g_strdup (url);
  post->shown_url = aether_redact_url (url);
  post->body = g_bytes_new (text, strlen (text));
  g_task_set_task_data (task, post, post_data_free);

  send_attempt (task);
}

/**
 * aether_webhook_post_finish:
 * @self: a webhook sender
 * @result: the result
 * @attempts: (out) (optional): how many attempts were made
 * @error: a location for a #GError
 *
 * Returns: %TRUE if the server accepted the post
 */
gboolean
aether_webhook_post_finish (AetherWebhook  *self,
                            GAsyncResult   *result,
                            guint          *attempts,
                            GError        **error)
{
  g_return_val_if_fail (AETHER_IS_WEBHOOK (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  if (attempts != NULL)
    {
      PostData *post = g_task_get_task_data (G_TASK (result));

      *attempts = post ? post->attempt : 0;
    }

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * aether_webhook_check_url:
 * @url: a webhook's address
 * @error: a location for a #GError
 *
 * Whether @url can be posted to: http or https, with a host. The error
 * shows @url redacted.
 *
 * Returns: %TRUE if it can
 */
gboolean
aether_webhook_check_url (const char  *url,
                          GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *shown = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri != NULL &&
      (g_strcmp0 (g_uri_get_scheme (uri), "http") == 0 || g_strcmp0 (g_uri_get_scheme (uri), "https") == 0) &&
      g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0')
    return TRUE;

  shown = aether_redact_url (url);
  g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
               "“%s” is not a web address: a webhook needs an http:// or https:// URL", shown);
  return FALSE;
}
