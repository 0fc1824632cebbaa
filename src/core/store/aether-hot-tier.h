/* aether-hot-tier.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "aether-clock.h"
#include "aether-pricer.h"
#include "aether-reading-sink.h"

G_BEGIN_DECLS

/**
 * AetherHotPoint:
 * @time_us: when
 * @value: the value
 */
typedef struct
{
  gint64 time_us;
  double value;
} AetherHotPoint;

#define AETHER_TYPE_HOT_TIER (aether_hot_tier_get_type ())

G_DECLARE_FINAL_TYPE (AetherHotTier, aether_hot_tier, AETHER, HOT_TIER, GObject)

AetherHotTier *aether_hot_tier_new                 (AetherClock    *clock,
                                                    GTimeZone      *tz);
void           aether_hot_tier_set_pricer          (AetherHotTier  *self,
                                                    AetherPricer   *pricer);
gboolean       aether_hot_tier_get_current         (AetherHotTier  *self,
                                                    const char     *device_id,
                                                    const char     *metric_type,
                                                    double         *value,
                                                    gint64         *time_us);
GArray        *aether_hot_tier_get_recent          (AetherHotTier  *self,
                                                    const char     *device_id,
                                                    const char     *metric_type,
                                                    guint           max_points);
GArray        *aether_hot_tier_get_last_hour       (AetherHotTier  *self,
                                                    const char     *device_id,
                                                    const char     *metric_type);
gboolean       aether_hot_tier_get_today           (AetherHotTier  *self,
                                                    const char     *device_id,
                                                    double         *energy_wh,
                                                    double         *cost);
void           aether_hot_tier_set_device_status   (AetherHotTier  *self,
                                                    const char     *device_id,
                                                    gboolean        online,
                                                    gint64          last_seen_us,
                                                    guint           error_count);
gboolean       aether_hot_tier_get_device_status   (AetherHotTier  *self,
                                                    const char     *device_id,
                                                    gboolean       *online,
                                                    gint64         *last_seen_us,
                                                    guint          *error_count);
void           aether_hot_tier_set_rate_period     (AetherHotTier  *self,
                                                    const char     *period,
                                                    double          rate_per_kwh,
                                                    gint64          next_change_us);
const char    *aether_hot_tier_get_rate_period     (AetherHotTier  *self,
                                                    double         *rate_per_kwh,
                                                    gint64         *next_change_us);
void           aether_hot_tier_restore             (AetherHotTier  *self,
                                                    const char     *db_path);
gboolean       aether_hot_tier_is_restoring        (AetherHotTier  *self);
void           aether_hot_tier_add_stored_minute   (AetherHotTier  *self,
                                                    const char     *device_id,
                                                    gint64          minute_us,
                                                    double          energy_wh,
                                                    double          cost);

G_END_DECLS
