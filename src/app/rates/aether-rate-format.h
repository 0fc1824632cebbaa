/* aether-rate-format.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "model/aether-json.h"

G_BEGIN_DECLS

char *aether_format_period_price (JsonObject *period,
                                  const char *currency,
                                  gboolean    tiers_daily,
                                  gboolean    tier_per_line);
gboolean aether_parse_price       (const char  *text,
                                  double      *value,
                                  GError     **error);

G_END_DECLS
