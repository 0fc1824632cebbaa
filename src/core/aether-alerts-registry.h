/* aether-alerts-registry.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "store/aether-store.h"

G_BEGIN_DECLS

char     *aether_alerts_add    (AetherStore  *store,
                                JsonNode     *rule,
                                GError      **error);
gboolean  aether_alerts_update (AetherStore  *store,
                                JsonNode     *rule,
                                GError      **error);
JsonNode *aether_alerts_remove (AetherStore  *store,
                                const char   *alert_id,
                                GError      **error);

G_END_DECLS
