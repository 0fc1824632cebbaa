/* aether-service-actions.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the service does when an alert fires, clears or asks for an
 * automation: the history row, the notification (or the log), the
 * webhooks (redacted in what is recorded) and the switch an automation
 * asks for, each result recorded against the rule. A snooze or a firing
 * is kept in the database. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-reading.h"
#include "aether-redact.h"
#include "aether-service-private.h"
#include "store/aether-store-alert-state.h"

static void
record_history (AetherService *self,
                const char    *alert_id,
                const char    *kind,
                const char    *detail)
{
  g_autoptr(GError) error = NULL;

  if (!aether_store_add_alert_history (self->store, aether_clock_now_us (self->clock), alert_id, kind, detail, &error))
    g_warning ("Could not record alert history: %s", error->message);
}

typedef struct
{
  AetherService *self;
  char          *alert_id;
  char          *url;
} WebhookCall;

static void
on_webhook_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WebhookCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  guint attempts = 0;

  if (aether_webhook_post_finish (AETHER_WEBHOOK (object), result, &attempts, &error))
    /* Translators: a web address, then how many tries it took */
    detail = g_strdup_printf (ngettext ("Posted to %s (%u attempt)", "Posted to %s (%u attempts)", attempts),
                              call->url, attempts);
  else
    detail = g_strdup_printf (_("Webhook failed: %s"), error->message);

  aether_alert_engine_record_action_result (call->self->alerts, call->alert_id, detail);
  record_history (call->self, call->alert_id, "action", detail);

  g_object_unref (call->self);
  g_free (call->alert_id);
  g_free (call->url);
  g_free (call);
}

static void
on_alert_fired (AetherAlertEngine *alerts,
                AetherAlertRule   *rule,
                gpointer           event_ptr,
                AetherService     *self)
{
  const AetherAlertEvent *event = event_ptr;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) rule_json = aether_alert_rule_to_json (rule);

  record_history (self, event->alert_id, "fired", event->body);

  /* The rule's metadata (trigger_count, last_triggered) changed. */
  if (!aether_store_put_alert (self->store, rule_json, &error))
    g_warning ("Could not save alert %s: %s", event->alert_id, error->message);

  if (self->notifier != NULL && aether_user_get_notification (_aether_service_peek_user (self), "push"))
    aether_notifier_notify (self->notifier, event);
  else
    g_message ("Alert “%s”: %s", event->title, event->body);

  for (guint i = 0; i < aether_alert_rule_get_n_actions (rule); i++)
    {
      const AetherAlertAction *action = aether_alert_rule_get_action (rule, i);
      g_autoptr(JsonBuilder) builder = NULL;
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *when = NULL;
      WebhookCall *call;

      if (action->type != AETHER_ALERT_ACTION_WEBHOOK)
        continue;
      /* The person turned webhooks off in Preferences. */
      if (!aether_user_get_notification (_aether_service_peek_user (self), "webhook"))
        {
          record_history (self, event->alert_id, "action", _("Webhook not called: webhooks are off in Preferences"));
          continue;
        }

      when = aether_format_timestamp (aether_clock_now_us (self->clock));
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "alert_id");
      json_builder_add_string_value (builder, event->alert_id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, event->title);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, action->message ? action->message : event->body);
      json_builder_set_member_name (builder, "device_id");
      if (event->device_id)
        json_builder_add_string_value (builder, event->device_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, when);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);

      call = g_new0 (WebhookCall, 1);
      call->self = g_object_ref (self);
      call->alert_id = g_strdup (event->alert_id);
      /* What the history and the log may show of it. */
      call->url = aether_redact_url (action->url);
      aether_webhook_post_async (self->webhook, action->url, body, NULL, on_webhook_done, call);
    }
}

/* A snooze or a firing is kept, so a restart does not fire (and switch a
 * device off) again what the person snoozed. */
static void
on_alert_state_changed (AetherAlertEngine *alerts,
                        AetherAlertRule   *rule,
                        AetherService     *self)
{
  g_autoptr(GError) error = NULL;
  gint64 snoozed_until = 0, last_fired = 0;

  if (!aether_alert_engine_get_state (alerts, aether_alert_rule_get_id (rule), &snoozed_until, &last_fired))
    return;
  if (!aether_store_put_alert_state (self->store, aether_alert_rule_get_id (rule), snoozed_until, last_fired, &error))
    g_warning ("Could not keep the snooze of alert %s: %s", aether_alert_rule_get_id (rule), error->message);
}

static void
on_alert_cleared (AetherAlertEngine *alerts,
                  AetherAlertRule   *rule,
                  AetherService     *self)
{
  record_history (self, aether_alert_rule_get_id (rule), "cleared", NULL);
  if (self->notifier != NULL)
    aether_notifier_withdraw (self->notifier, aether_alert_rule_get_id (rule));
}

typedef struct
{
  AetherService *self;
  char          *alert_id;
  char          *device_id;
  gboolean       on;
} AutomationCall;

static void
on_automation_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  AutomationCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) device = aether_store_get_device (call->self->store, call->device_id, NULL);
  g_autofree char *detail = NULL;
  const char *name;

  /* A person reads the device's name, not its registry id. */
  name = device ? json_object_get_string_member_with_default (json_node_get_object (device), "name", NULL) : NULL;
  if (name == NULL)
    name = _("the device");

  if (aether_service_set_state_finish (call->self, result, &error))
    detail = g_strdup_printf (call->on ? _("Turned %s on") : _("Turned %s off"), name);
  else
    detail = g_strdup_printf (call->on ? _("Could not turn %s on: %s") : _("Could not turn %s off: %s"),
                              name, error->message);

  aether_alert_engine_record_action_result (call->self->alerts, call->alert_id, detail);
  record_history (call->self, call->alert_id, "action", detail);

  /* The person hears what was done on their behalf. */
  if (call->self->notifier != NULL)
    {
      AetherAlertRule *rule = aether_alert_engine_get_rule (call->self->alerts, call->alert_id);
      /* Its own notification beside the alert's, but its Snooze button
       * still names the rule (an id that exists). */
      AetherAlertEvent event = {
        .alert_id = call->alert_id,
        .title = rule ? aether_alert_rule_get_name (rule) : _("Alert"),
        .body = detail,
        .device_id = call->device_id,
        .controllable = FALSE,
        .tag = "automation",
      };

      aether_notifier_notify (call->self->notifier, &event);
    }
  else
    g_message ("%s", detail);

  g_object_unref (call->self);
  g_free (call->alert_id);
  g_free (call->device_id);
  g_free (call);
}

static void
on_automation (AetherAlertEngine *alerts,
               AetherAlertRule   *rule,
               const char        *device_id,
               gboolean           turn_on,
               AetherService     *self)
{
  AutomationCall *call = g_new0 (AutomationCall, 1);

  call->self = g_object_ref (self);
  call->alert_id = g_strdup (aether_alert_rule_get_id (rule));
  call->device_id = g_strdup (device_id);
  call->on = turn_on;
  aether_service_set_state_async (self, device_id, turn_on, NULL, on_automation_done, call);
}

void
_aether_service_connect_actions (AetherService *self)
{
  g_signal_connect (self->alerts, "fired", G_CALLBACK (on_alert_fired), self);
  g_signal_connect (self->alerts, "cleared", G_CALLBACK (on_alert_cleared), self);
  g_signal_connect (self->alerts, "automation", G_CALLBACK (on_automation), self);
  g_signal_connect (self->alerts, "state-changed", G_CALLBACK (on_alert_state_changed), self);
}
