/* aether-webhook.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aether-clock.h"

G_BEGIN_DECLS

#define AETHER_TYPE_WEBHOOK (aether_webhook_get_type ())

G_DECLARE_FINAL_TYPE (AetherWebhook, aether_webhook, AETHER, WEBHOOK, GObject)

AetherWebhook *aether_webhook_new          (AetherClock          *clock);
void           aether_webhook_set_timeout  (AetherWebhook        *self,
                                            guint                 timeout_s);
void           aether_webhook_set_retries  (AetherWebhook        *self,
                                            guint                 max_attempts,
                                            guint                 first_delay_ms);
void           aether_webhook_post_async   (AetherWebhook        *self,
                                            const char           *url,
                                            JsonNode             *body,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean       aether_webhook_post_finish  (AetherWebhook        *self,
                                            GAsyncResult         *result,
                                            guint                *attempts,
                                            GError              **error);


gboolean       aether_webhook_check_url    (const char           *url,
                                            GError              **error);

G_END_DECLS
