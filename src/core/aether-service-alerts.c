/* aether-service-alerts.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The service's write path for alert rules: the only one the app uses.
 * Each write goes through aether-alerts-registry.c (one transaction), then
 * the engine's rules are made the stored ones the way a change by another
 * process is (_aether_service_sync_rules(): a rule not changed keeps its
 * firing, pending and cooldown state) and `alerts-changed` is emitted
 * once. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include "aether-alerts-registry.h"
#include "aether-reading.h"
#include "alerts/aether-webhook.h"
#include "aether-service-private.h"

/**
 * aether_service_add_alert:
 * @self: a service
 * @rule: the seed's Alert Configuration JSON
 * @error: a location for a #GError
 *
 * Stores a new rule (or puts a removed one back) and starts evaluating it.
 *
 * Returns: (transfer full) (nullable): its id, or %NULL with @error set
 */
char *
aether_service_add_alert (AetherService  *self,
                          JsonNode       *rule,
                          GError        **error)
{
  char *id;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (rule != NULL, NULL);

  if (!(id = aether_alerts_add (aether_service_get_store (self), rule, error)))
    return NULL;
  _aether_service_reload_changed (self);
  return id;
}

/**
 * aether_service_update_alert:
 * @self: a service
 * @rule: a stored rule, changed (same alert_id)
 * @error: a location for a #GError
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_service_update_alert (AetherService  *self,
                             JsonNode       *rule,
                             GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);

  if (!aether_alerts_update (aether_service_get_store (self), rule, error))
    return FALSE;
  _aether_service_reload_changed (self);
  return TRUE;
}

/**
 * aether_service_remove_alert:
 * @self: a service
 * @alert_id: the rule to remove
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the rule as stored; give it to
 *   aether_service_add_alert() to undo
 */
JsonNode *
aether_service_remove_alert (AetherService  *self,
                             const char     *alert_id,
                             GError        **error)
{
  JsonNode *removed;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  g_return_val_if_fail (alert_id != NULL, NULL);

  if (!(removed = aether_alerts_remove (aether_service_get_store (self), alert_id, error)))
    return NULL;
  _aether_service_reload_changed (self);
  return removed;
}

static void
on_test_webhook_done (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  guint attempts = 0;

  if (!aether_webhook_post_finish (AETHER_WEBHOOK (object), result, &attempts, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * aether_service_test_webhook_async:
 * @self: a service
 * @url: where a rule's webhook action posts
 * @alert_id: (nullable): the rule being edited, if stored
 * @name: the rule's name, for the message
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the request is done
 * @user_data: data for @callback
 *
 * Posts one test request, in the shape an alert posts, through the same
 * webhook code the alert engine's actions use, once (no retries: the
 * person waits for the answer).
 */
void
aether_service_test_webhook_async (AetherService       *self,
                                   const char          *url,
                                   const char          *alert_id,
                                   const char          *name,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  AetherClock *clock;
  g_autoptr(AetherWebhook) webhook = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autofree char *when = NULL;
  GTask *task;

  g_return_if_fail (AETHER_IS_SERVICE (self));
  g_return_if_fail (url != NULL);

  clock = aether_store_get_clock (aether_service_get_store (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_service_test_webhook_async);

  webhook = aether_webhook_new (clock);
  aether_webhook_set_retries (webhook, 1, 1000);
  when = aether_format_timestamp (aether_clock_now_us (clock));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "alert_id");
  if (alert_id != NULL)
    json_builder_add_string_value (builder, alert_id);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, name ? name : "AetherLens");
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, "A test from AetherLens: this web address will be called when the alert goes off.");
  json_builder_set_member_name (builder, "device_id");
  json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "time");
  json_builder_add_string_value (builder, when);
  json_builder_set_member_name (builder, "test");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  aether_webhook_post_async (webhook, url, body, cancellable, on_test_webhook_done, task);
}

/**
 * aether_service_test_webhook_finish:
 * @self: a service
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: %TRUE if the address answered with success
 */
gboolean
aether_service_test_webhook_finish (AetherService  *self,
                                    GAsyncResult   *result,
                                    GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
