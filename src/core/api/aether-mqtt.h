/* aether-mqtt.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aether-service.h"

G_BEGIN_DECLS

#define AETHER_TYPE_MQTT (aether_mqtt_get_type ())

G_DECLARE_FINAL_TYPE (AetherMqtt, aether_mqtt, AETHER, MQTT, GObject)

gboolean    aether_mqtt_parse_url        (const char   *url,
                                          char        **host,
                                          guint16      *port,
                                          GError      **error);
char       *aether_mqtt_keyring_id       (const char   *host,
                                          guint16       port);
AetherMqtt *aether_mqtt_new              (AetherService *service,
                                          const char   *url,
                                          const char   *username,
                                          const char   *password,
                                          GError      **error);
void        aether_mqtt_start            (AetherMqtt   *self);
void        aether_mqtt_stop             (AetherMqtt   *self);
guint       aether_mqtt_get_n_connects   (AetherMqtt   *self);
gboolean    aether_mqtt_is_connected     (AetherMqtt   *self);
guint       aether_mqtt_get_n_dropped    (AetherMqtt   *self);

G_END_DECLS
