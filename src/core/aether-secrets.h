/* aether-secrets.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "collect/aether-device-provider.h"

G_BEGIN_DECLS

gboolean  aether_secrets_store          (const char               *device_id,
                                         const char               *key,
                                         const char               *secret,
                                         GError                  **error);
char     *aether_secrets_lookup         (const char               *device_id,
                                         const char               *key,
                                         GError                  **error);
gboolean  aether_secrets_clear          (const char               *device_id,
                                         GError                  **error);
gboolean  aether_secrets_protect_device (JsonNode                 *device,
                                         const AetherConfigField  *fields,
                                         GError                  **error);
JsonObject *aether_secrets_reveal_config (const char              *device_id,
                                          JsonObject              *configuration);

JsonNode   *aether_secrets_redact_device (JsonNode                *device);

void        aether_secrets_shutdown      (void);

G_END_DECLS
