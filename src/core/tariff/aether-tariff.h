/* aether-tariff.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aether-pricer.h"
#include "aether-rate-schedule.h"

G_BEGIN_DECLS

/**
 * AetherEnergyInterval:
 * @start_s: the start, Unix seconds
 * @end_s: the end
 * @energy_kwh: the energy imported in it (negative: exported, for
 *   interval files that net the two)
 * @peak_w: the highest power seen in it, or 0 if unknown
 * @exported_kwh: the energy exported in it (negative power), never negative;
 *   priced at the sell rate
 *
 * Energy assumed spread evenly over the interval.
 */
typedef struct
{
  gint64 start_s;
  gint64 end_s;
  double energy_kwh;
  double peak_w;
  double exported_kwh;
} AetherEnergyInterval;

/**
 * AetherPriceSlot:
 * @start_s: the start
 * @end_s: the end
 * @rate: the price per imported kWh in it
 * @period: (transfer none): the period's name
 */
typedef struct
{
  gint64      start_s;
  gint64      end_s;
  double      rate;
  const char *period;
} AetherPriceSlot;

#define AETHER_TYPE_TARIFF (aether_tariff_get_type ())

G_DECLARE_FINAL_TYPE (AetherTariff, aether_tariff, AETHER, TARIFF, GObject)

AetherTariff       *aether_tariff_new             (void);
gboolean            aether_tariff_add_schedule    (AetherTariff               *self,
                                                   AetherRateSchedule         *schedule,
                                                   GError                    **error);
AetherRateSchedule *aether_tariff_schedule_at     (AetherTariff               *self,
                                                   gint64                      unix_s);
JsonNode           *aether_tariff_cost            (AetherTariff               *self,
                                                   const char                 *device_id,
                                                   const AetherEnergyInterval *intervals,
                                                   guint                       n_intervals,
                                                   GError                    **error);
JsonNode           *aether_tariff_bill            (AetherTariff               *self,
                                                   const AetherEnergyInterval *intervals,
                                                   guint                       n_intervals,
                                                   gint64                      cycle_start_s,
                                                   GError                    **error);
gint64              aether_tariff_cycle_start     (AetherTariff               *self,
                                                   int                         year,
                                                   int                         month,
                                                   int                         day,
                                                   GError                    **error);

GArray             *aether_tariff_prices_between  (AetherTariff               *self,
                                                   gint64                      from_s,
                                                   gint64                      to_s);
gboolean            aether_price_slots_cheapest   (GArray                     *slots,
                                                   gint64                      duration_s,
                                                   gint64                     *start_s,
                                                   double                     *average_rate);
gboolean            aether_tariff_cheapest_ahead  (AetherTariff               *self,
                                                   gint64                      from_s,
                                                   gint64                      horizon_s,
                                                   gint64                      duration_s,
                                                   gint64                     *start_s,
                                                   double                     *average_rate);

GHashTable         *aether_energy_intervals_from_readings (GArray      *readings,
                                                           gint64       interval_s,
                                                           GError     **error);

G_END_DECLS
