/* aether-store-energy-series.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aether-store.h"

G_BEGIN_DECLS

GPtrArray *aether_store_energy_series_for_devices (AetherStore        *self,
                                                   const char * const *device_ids,
                                                   const gint64       *edges_us,
                                                   guint               n_edges,
                                                   AetherPricer       *pricer,
                                                   GCancellable       *cancellable,
                                                   GError            **error);

G_END_DECLS
