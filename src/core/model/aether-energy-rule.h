/* aether-energy-rule.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "aether-pricer.h"

G_BEGIN_DECLS

/* How many sampling intervals may pass before a power segment is a gap. */
#define AETHER_ENERGY_GAP_INTERVALS 3
/* The gap limit while a device's sampling interval is not known yet. */
#define AETHER_ENERGY_UNLEARNED_LIMIT_US (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)

/* The longest segment between two counter readings whose energy is
 * spread over the minutes between them. A counter's energy is never lost
 * across a longer one (the device kept counting), but when it counted is
 * not known: it all goes to the minute of the later reading. */
#define AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)

/* What a counter may jump by at once beyond what power explains: its
 * resolution (Tasmota and Kasa count whole Wh). */
#define AETHER_ENERGY_COUNTER_SLACK_WH 1.0
/* The most a device draws, when its record does not say (its rated power,
 * `metadata.nominal_power`, twice over): a plug or an appliance circuit,
 * per channel, and a whole-home meter. */
#define AETHER_ENERGY_DEFAULT_MAX_POWER_W 25000.0
#define AETHER_ENERGY_METER_MAX_POWER_W   250000.0

/**
 * AetherEnergySplit:
 * @imported_wh: energy drawn from the grid (positive power, counter deltas)
 * @exported_wh: energy sent to the grid (negative power), never negative
 */
typedef struct
{
  double imported_wh;
  double exported_wh;
} AetherEnergySplit;

/**
 * AetherEnergyCadence:
 * @interval_us: the device's sampling interval; 0 until learned
 * @fixed: @interval_us was configured (the collector's poll interval) and is
 *   not learned from the samples
 *
 * What the gap rule needs to know about a device's sampling.
 */
typedef struct
{
  gint64   interval_us;
  gboolean fixed;
} AetherEnergyCadence;

typedef void (*AetherEnergyBucketFunc) (gint64                   bucket_start_us,
                                        const AetherEnergySplit *part,
                                        gpointer                 user_data);

gboolean aether_energy_rule_is_gap         (const AetherEnergyCadence *cadence,
                                            gint64                     dt_us);
gint64   aether_energy_rule_gap_limit      (const AetherEnergyCadence *cadence);
void     aether_energy_rule_learn          (AetherEnergyCadence       *cadence,
                                            gint64                     dt_us);
void     aether_energy_rule_power          (gint64                     t0_us,
                                            double                     p0_w,
                                            gint64                     t1_us,
                                            double                     p1_w,
                                            gint64                     from_us,
                                            gint64                     to_us,
                                            AetherEnergySplit         *out);
gboolean aether_energy_rule_counter        (double                     c0_wh,
                                            double                     c1_wh,
                                            AetherEnergySplit         *out);
void     aether_energy_rule_spread_power   (gint64                     t0_us,
                                            double                     p0_w,
                                            gint64                     t1_us,
                                            double                     p1_w,
                                            gint64                     origin_us,
                                            gint64                     width_us,
                                            AetherEnergyBucketFunc     func,
                                            gpointer                   user_data);
void     aether_energy_rule_spread_counter (gint64                     t0_us,
                                            gint64                     t1_us,
                                            const AetherEnergySplit   *whole,
                                            gint64                     origin_us,
                                            gint64                     width_us,
                                            AetherEnergyBucketFunc     func,
                                            gpointer                   user_data);
gboolean aether_energy_rule_is_plausible   (double                     max_power_w,
                                            gint64                     dt_us,
                                            double                     energy_wh);
gboolean aether_energy_rule_counter_returned (double                   before_reset_wh,
                                            double                     c_wh);
double   aether_energy_rule_max_power_w    (JsonObject                *device);
gboolean aether_energy_rule_price          (AetherPricer              *pricer,
                                            const char                *device_id,
                                            gint64                     start_unix_s,
                                            gint64                     end_unix_s,
                                            const AetherEnergySplit   *energy,
                                            AetherPrice               *price,
                                            GError                   **error);

G_END_DECLS
