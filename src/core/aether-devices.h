/* aether-devices.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "collect/aether-device-provider.h"
#include "store/aether-store.h"

G_BEGIN_DECLS

char     *aether_devices_add    (AetherStore              *store,
                                 GPtrArray                *records,
                                 const char               *id,
                                 gboolean                  exact_id,
                                 const AetherConfigField  *secret_fields,
                                 GError                  **keyring_error,
                                 GError                  **error);
gboolean  aether_devices_update (AetherStore              *store,
                                 JsonNode                 *device,
                                 GError                  **error);
gboolean  aether_devices_check  (JsonNode                 *device,
                                 const AetherConfigField  *fields,
                                 GError                  **error);
JsonNode *aether_devices_remove (AetherStore              *store,
                                 const char               *device_id,
                                 GError                  **error);

G_END_DECLS
