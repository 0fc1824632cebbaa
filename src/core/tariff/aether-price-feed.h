/* aether-price-feed.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * AetherFeedSlot:
 * @start_s: the interval's start, Unix seconds
 * @end_s: its end
 * @value: the price per kWh in the feed's currency, or the carbon
 *   intensity in g/kWh
 */
typedef struct
{
  gint64 start_s;
  gint64 end_s;
  double value;
} AetherFeedSlot;

GArray   *aether_price_feed_parse       (const char   *data,
                                         gsize         length,
                                         const char   *format,
                                         const char   *field,
                                         char        **currency,
                                         GError      **error);
const char *aether_price_feed_detect  (const char   *data,
                                         gsize         length);
gboolean  aether_price_feed_is_carbon   (const char   *format);
JsonNode *aether_price_feed_merge       (JsonNode     *schedule,
                                         const char   *format,
                                         GArray       *slots,
                                         GError      **error);

G_END_DECLS
