/* aether-notifier.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * AetherAlertEvent:
 * @alert_id: the seed's `alert_id` of the rule that fired
 * @title: a short translated title ("High Office Consumption")
 * @body: the device and the value, for a person
 * @device_id: (nullable): the device the alert is about
 * @controllable: whether the device can be switched off from the notification
 * @tag: (nullable): tells apart two notifications of one rule (the alert
 *   itself and, tagged "automation", what its automation did); buttons
 *   still act on @alert_id, which is always a rule that exists
 *
 * What a fired alert tells the person.
 */
typedef struct
{
  const char *alert_id;
  const char *title;
  const char *body;
  const char *device_id;
  gboolean    controllable;
  const char *tag;
} AetherAlertEvent;

#define AETHER_TYPE_NOTIFIER (aether_notifier_get_type ())

G_DECLARE_FINAL_TYPE (AetherNotifier, aether_notifier, AETHER, NOTIFIER, GObject)

AetherNotifier *aether_notifier_new      (GApplication           *application);
void            aether_notifier_notify   (AetherNotifier         *self,
                                          const AetherAlertEvent *event);
void            aether_notifier_withdraw (AetherNotifier         *self,
                                          const char             *alert_id);
void            aether_notifier_notify_from_signal (AetherNotifier *self,
                                                    gpointer        rule,
                                                    gpointer        event);

G_END_DECLS
