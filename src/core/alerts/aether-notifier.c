/* aether-notifier.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Alerts as desktop notifications. GNotification is GIO, not GTK, so this
 * lives in the core; the app and a headless collector with a session bus
 * both use it. Clicking the notification opens the app on the device
 * (`app.show-device`); a controllable device gets a "Turn Off" button
 * (`app.turn-off-device`), every alert a "Snooze 1 h" (`app.snooze-alert`).
 * The application implements those actions. One notification per rule: a
 * new firing replaces the old one instead of stacking up. */

#define G_LOG_DOMAIN "aether-notifier"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-notifier.h"

struct _AetherNotifier
{
  GObject       parent_instance;

  /* Borrowed: the application outlives what it notifies */
  GApplication *application;
};

G_DEFINE_FINAL_TYPE (AetherNotifier, aether_notifier, G_TYPE_OBJECT)

static void
aether_notifier_class_init (AetherNotifierClass *klass)
{
}

static void
aether_notifier_init (AetherNotifier *self)
{
}

/**
 * aether_notifier_new:
 * @application: a registered application
 *
 * Returns: (transfer full): a notifier sending through @application
 */
AetherNotifier *
aether_notifier_new (GApplication *application)
{
  AetherNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);

  self = g_object_new (AETHER_TYPE_NOTIFIER, NULL);
  self->application = application;

  return self;
}

static char *
notification_id (const char *alert_id,
                 const char *tag)
{
  if (tag != NULL)
    return g_strdup_printf ("alert-%s-%s", alert_id, tag);
  return g_strdup_printf ("alert-%s", alert_id);
}

/**
 * aether_notifier_notify:
 * @self: a notifier
 * @event: what fired
 *
 * Shows @event as a notification, replacing an earlier one of the same rule.
 */
void
aether_notifier_notify (AetherNotifier         *self,
                        const AetherAlertEvent *event)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *id = NULL;

  g_return_if_fail (AETHER_IS_NOTIFIER (self));
  g_return_if_fail (event != NULL);
  g_return_if_fail (event->alert_id != NULL);
  g_return_if_fail (event->title != NULL);

  notification = g_notification_new (event->title);
  if (event->body != NULL)
    g_notification_set_body (notification, event->body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_notification_set_category (notification, "device");

  if (event->device_id != NULL)
    {
      g_notification_set_default_action_and_target (notification, "app.show-device",
                                                    "s", event->device_id);
      if (event->controllable)
        g_notification_add_button_with_target (notification, _("Turn Off"),
                                               "app.turn-off-device", "s", event->device_id);
    }

  g_notification_add_button_with_target (notification, _("Snooze 1 h"),
                                         "app.snooze-alert", "s", event->alert_id);

  id = notification_id (event->alert_id, event->tag);
  g_application_send_notification (self->application, id, notification);
}

/**
 * aether_notifier_withdraw:
 * @self: a notifier
 * @alert_id: the rule whose notification goes away (it cleared)
 */
void
aether_notifier_withdraw (AetherNotifier *self,
                          const char     *alert_id)
{
  g_autofree char *id = NULL;

  g_return_if_fail (AETHER_IS_NOTIFIER (self));
  g_return_if_fail (alert_id != NULL);

  id = notification_id (alert_id, NULL);
  g_application_withdraw_notification (self->application, id);
}

/**
 * aether_notifier_notify_from_signal:
 * @self: a notifier
 * @rule: (type gpointer): the rule that fired (unused)
 * @event: (type gpointer): the #AetherAlertEvent
 *
 * Connects straight to #AetherAlertEngine::fired with g_signal_connect_swapped().
 */
void
aether_notifier_notify_from_signal (AetherNotifier *self,
                                    gpointer        rule,
                                    gpointer        event)
{
  aether_notifier_notify (self, event);
}
