/* aether-device.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "collect/aether-device-provider.h"

G_BEGIN_DECLS

#define AETHER_DEVICE_TYPE_ENERGY_METER  "energy_meter"
#define AETHER_DEVICE_TYPE_UTILITY_METER "utility_meter"

/**
 * AetherDeviceRecordStatus:
 * @online: whether it answered last
 * @last_seen: (nullable): when it last answered, ISO 8601
 * @error_count: failed reads since it last answered
 * @total_runtime_hours: how long it has been collected
 *
 * The seed's device `status`.
 */
typedef struct
{
  gboolean    online;
  const char *last_seen;
  gint64      error_count;
  double      total_runtime_hours;
} AetherDeviceRecordStatus;

#define AETHER_TYPE_DEVICE (aether_device_get_type ())

G_DECLARE_FINAL_TYPE (AetherDevice, aether_device, AETHER, DEVICE, GObject)

AetherDevice       *aether_device_new_from_json          (JsonNode      *node,
                                                          GError       **error);
AetherDevice       *aether_device_copy                   (AetherDevice  *self);
JsonNode           *aether_device_to_json                (AetherDevice  *self);
GPtrArray          *aether_device_list_from_json         (GPtrArray     *nodes,
                                                          GError       **error);
GPtrArray          *aether_device_list_to_json           (GPtrArray     *devices);
GPtrArray          *aether_device_list_from_identity     (const AetherDeviceIdentity *identity,
                                                          const char    *id,
                                                          const char    *name,
                                                          const char    *room,
                                                          JsonObject    *configuration);

const char         *aether_device_get_id                 (AetherDevice  *self);
const char         *aether_device_get_name               (AetherDevice  *self);
void                aether_device_set_name               (AetherDevice  *self,
                                                          const char    *name);
const char         *aether_device_get_device_type        (AetherDevice  *self);
void                aether_device_set_device_type        (AetherDevice  *self,
                                                          const char    *type);
gboolean            aether_device_get_is_energy_meter    (AetherDevice  *self);
gboolean            aether_device_get_is_imported        (AetherDevice  *self);
const char         *aether_device_get_location_room      (AetherDevice  *self);
void                aether_device_set_location_room      (AetherDevice  *self,
                                                          const char    *room);
gboolean            aether_device_get_floor              (AetherDevice  *self,
                                                          gint64        *floor);
void                aether_device_set_floor              (AetherDevice  *self,
                                                          gboolean       has_floor,
                                                          gint64         floor);
const char         *aether_device_get_manufacturer       (AetherDevice  *self);
const char         *aether_device_get_model              (AetherDevice  *self);
const char * const *aether_device_get_capabilities       (AetherDevice  *self);
gboolean            aether_device_has_capability         (AetherDevice  *self,
                                                          const char    *capability);
const char * const *aether_device_get_tags               (AetherDevice  *self);
void                aether_device_set_tags               (AetherDevice  *self,
                                                          const char * const *tags);

const char         *aether_device_get_plugin             (AetherDevice  *self);
const char         *aether_device_get_address            (AetherDevice  *self);
void                aether_device_set_address            (AetherDevice  *self,
                                                          const char    *address);
const char         *aether_device_get_firmware_version   (AetherDevice  *self);
const char         *aether_device_get_mac_address        (AetherDevice  *self);
int                 aether_device_get_channel            (AetherDevice  *self);
gboolean            aether_device_get_polling_interval   (AetherDevice  *self,
                                                          gint64        *seconds);
void                aether_device_set_polling_interval   (AetherDevice  *self,
                                                          gboolean       has_interval,
                                                          gint64         seconds);
const char         *aether_device_get_plugin_setting     (AetherDevice  *self,
                                                          const char    *key);
void                aether_device_set_plugin_setting     (AetherDevice  *self,
                                                          const char    *key,
                                                          const char    *value);
const char * const *aether_device_get_keyring_keys       (AetherDevice  *self);
void                aether_device_add_keyring_key        (AetherDevice  *self,
                                                          const char    *key);
JsonObject         *aether_device_dup_configuration      (AetherDevice  *self);

gboolean            aether_device_get_status             (AetherDevice  *self,
                                                          AetherDeviceRecordStatus *status);

gboolean            aether_device_is_at                  (AetherDevice  *self,
                                                          const char    *plugin,
                                                          const char    *address);

G_END_DECLS
