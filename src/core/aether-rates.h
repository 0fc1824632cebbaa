/* aether-rates.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "store/aether-store.h"
#include "tariff/aether-tariff.h"

G_BEGIN_DECLS

char     *aether_rates_add_schedule     (AetherStore  *store,
                                         JsonNode     *schedule,
                                         gint64        now_us,
                                         gboolean      supersede,
                                         GError      **error);
gboolean  aether_rates_update_schedule  (AetherStore  *store,
                                         JsonNode     *schedule,
                                         gint64        now_us,
                                         GError      **error);
gboolean  aether_rates_apply_feed       (AetherStore  *store,
                                         const char   *rate_id,
                                         const char   *data,
                                         gsize         length,
                                         const char   *format,
                                         const char   *field,
                                         gint64        now_us,
                                         guint        *n_slots,
                                         GError      **error);
JsonNode *aether_rates_remove_schedule  (AetherStore  *store,
                                         const char   *rate_id,
                                         gint64        now_us,
                                         GError      **error);
GPtrArray *aether_rates_list_covered    (AetherStore  *store,
                                         JsonNode     *schedule,
                                         GError      **error);
char     *aether_rates_get_stored_json  (AetherStore  *store,
                                         const char   *rate_id,
                                         GError      **error);

AetherTariff *aether_rates_load_tariff (AetherStore  *store,
                                        guint        *n_versions,
                                        GError      **error);

G_END_DECLS
