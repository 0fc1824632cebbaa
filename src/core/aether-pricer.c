/* aether-pricer.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seam between storage and tariffs: storage asks "what did this energy
 * cost?", the tariff engine answers. Keeping it an interface lets storage be
 * tested with a flat-rate pricer and the tariff engine without a database. */

#define G_LOG_DOMAIN "aether-pricer"

#include "config.h"

#include "aether-error.h"
#include "aether-pricer.h"

#include <string.h>

G_DEFINE_INTERFACE (AetherPricer, aether_pricer, G_TYPE_OBJECT)

static void
aether_pricer_default_init (AetherPricerInterface *iface)
{
}

/**
 * aether_pricer_price_energy:
 * @self: a pricer
 * @device_id: the device that used the energy
 * @start_unix_s: the start of the slice
 * @end_unix_s: the end of the slice; the slice must lie in one rate period
 * @energy_kwh: the energy used
 * @price: (out caller-allocates): where the price goes
 * @error: a location for a #GError
 *
 * Returns: %TRUE if @price was filled
 */
gboolean
aether_pricer_price_energy (AetherPricer  *self,
                            const char    *device_id,
                            gint64         start_unix_s,
                            gint64         end_unix_s,
                            double         energy_kwh,
                            AetherPrice   *price,
                            GError       **error)
{
  AetherPricerInterface *iface;

  g_return_val_if_fail (AETHER_IS_PRICER (self), FALSE);
  g_return_val_if_fail (price != NULL, FALSE);
  g_return_val_if_fail (end_unix_s >= start_unix_s, FALSE);

  iface = AETHER_PRICER_GET_IFACE (self);
  memset (price, 0, sizeof *price);

  if (iface->price_energy == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                           "This pricer cannot price energy");
      return FALSE;
    }

  return iface->price_energy (self, device_id, start_unix_s, end_unix_s, energy_kwh, price, error);
}
