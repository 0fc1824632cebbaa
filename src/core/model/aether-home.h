/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The home rule, written once. "The whole home" is every energy meter when
 * the registry has any (each phase of a three-phase meter is its own meter
 * device and they are summed), otherwise the sum of every device: never
 * meters plus the plugs behind them. Rooms are compared case-insensitively,
 * so "Kitchen" and "kitchen" are one room. The Dashboard, History, the
 * service's cost projection, the alert engine and `db energy` ask here. */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *aether_device_get_room        (JsonObject *device);
gboolean    aether_device_is_energy_meter (JsonObject *device);
gboolean    aether_device_is_imported     (JsonObject *device);

gboolean    aether_room_equal             (const char *a,
                                           const char *b);
char       *aether_room_key               (const char *room);

#define AETHER_TYPE_HOME (aether_home_get_type ())

typedef struct _AetherHome AetherHome;

GType        aether_home_get_type          (void) G_GNUC_CONST;
AetherHome  *aether_home_new               (GPtrArray   *devices);
AetherHome  *aether_home_ref               (AetherHome  *self);
void         aether_home_unref             (AetherHome  *self);
gboolean     aether_home_is_metered        (AetherHome  *self);
gboolean     aether_home_counts            (AetherHome  *self,
                                            const char  *device_id);
GPtrArray   *aether_home_get_members       (AetherHome  *self);
GPtrArray   *aether_home_get_room_members  (AetherHome  *self,
                                            const char  *room);
GPtrArray   *aether_home_get_rooms         (AetherHome  *self);
JsonObject  *aether_home_lookup            (AetherHome  *self,
                                            const char  *device_id);
const char  *aether_home_get_room_of       (AetherHome  *self,
                                            const char  *device_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherHome, aether_home_unref)

G_END_DECLS
