/* aether-store-energy-series.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Energy per device cut into consecutive buckets (History's bars: hours of
 * a day, days of a month, months of a year), each bucket being exactly what
 * aether_store_energy_totals_for_devices() answers for it. The stitching of
 * tiers (each instant from one tier, the finest that holds it) therefore
 * stays in one place, aether-store-query.c, and the bars of a range add up
 * to the range's total by construction: the totals count a stored bucket by
 * where it starts, so buckets that share edges share nothing else. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include "aether-error.h"
#include "aether-store-energy-series.h"

/**
 * aether_store_energy_series_for_devices:
 * @self: a store
 * @device_ids: (array zero-terminated=1): the devices
 * @edges_us: (array length=n_edges): increasing instants; bucket i is
 *   [edges_us[i], edges_us[i + 1])
 * @n_edges: how many edges, at least 2
 * @cancellable: (nullable): stops between buckets
 * @error: a location for a #GError
 *
 * Energy, cost, CO₂ and export of each of @device_ids per bucket, as
 * aether_store_energy_totals_for_devices() gives them for the bucket.
 *
 * Returns: (transfer full) (element-type GPtrArray): @n_edges - 1 arrays of
 *   #AetherEnergyTotal (a device without energy in a bucket is not in it)
 */
GPtrArray *
aether_store_energy_series_for_devices (AetherStore        *self,
                                        const char * const *device_ids,
                                        const gint64       *edges_us,
                                        guint               n_edges,
                                        GCancellable       *cancellable,
                                        GError            **error)
{
  g_autoptr(GPtrArray) series = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (device_ids != NULL, NULL);
  g_return_val_if_fail (edges_us != NULL, NULL);

  if (n_edges < 2)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, "An energy series needs at least two edges, not %u", n_edges);
      return NULL;
    }

  series = g_ptr_array_new_full (n_edges - 1, (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i + 1 < n_edges; i++)
    {
      GPtrArray *totals;

      if (edges_us[i + 1] < edges_us[i])
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       "Energy series edge %u is earlier than the one before it", i + 1);
          return NULL;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (!(totals = aether_store_energy_totals_for_devices (self, device_ids, edges_us[i], edges_us[i + 1], error)))
        return NULL;
      g_ptr_array_add (series, totals);
    }

  return g_steal_pointer (&series);
}
