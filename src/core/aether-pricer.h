/* aether-pricer.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define AETHER_TYPE_PRICER (aether_pricer_get_type ())

G_DECLARE_INTERFACE (AetherPricer, aether_pricer, AETHER, PRICER, GObject)

/**
 * AetherPrice:
 * @cost: the energy cost in the schedule's currency, taxes included
 * @co2_kg: the emissions of that energy, in kilograms of CO₂
 * @rate_per_kwh: the rate that applied
 * @period: (nullable): the rate period's name, owned by the pricer
 *
 * What one slice of energy cost. Filled by an #AetherPricer.
 */
typedef struct
{
  double      cost;
  double      co2_kg;
  double      rate_per_kwh;
  const char *period;
} AetherPrice;

/**
 * AetherPricerInterface:
 * @price_energy: prices @energy_kwh used by one device between two instants that
 *   lie in one rate period (the storage engine calls it once per minute bucket)
 *
 * The storage engine prices each rollup bucket through this interface; the
 * tariff engine implements it. Nothing else in storage knows what a tariff is.
 */
struct _AetherPricerInterface
{
  GTypeInterface parent_iface;

  gboolean (*price_energy) (AetherPricer  *self,
                            const char    *device_id,
                            gint64         start_unix_s,
                            gint64         end_unix_s,
                            double         energy_kwh,
                            AetherPrice   *price,
                            GError       **error);
};

gboolean aether_pricer_price_energy (AetherPricer  *self,
                                     const char    *device_id,
                                     gint64         start_unix_s,
                                     gint64         end_unix_s,
                                     double         energy_kwh,
                                     AetherPrice   *price,
                                     GError       **error);

G_END_DECLS
