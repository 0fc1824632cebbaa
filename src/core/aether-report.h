/* aether-report.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "store/aether-store.h"

G_BEGIN_DECLS

JsonNode *aether_report_series (const char  *key_member,
                                const char  *key,
                                const char  *metric_type,
                                AetherTier   tier,
                                gboolean     as_samples,
                                GArray      *buckets);
JsonNode *aether_report_energy (AetherStore *store,
                                gint64       from_us,
                                gint64       to_us,
                                const char  *from_text,
                                const char  *to_text,
                                const char  *group_by,
                                GError     **error);

G_END_DECLS
