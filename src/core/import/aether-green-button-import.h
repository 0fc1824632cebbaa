/* aether-green-button-import.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aether-green-button.h"
#include "store/aether-store.h"
#include "tariff/aether-tariff.h"

G_BEGIN_DECLS

/**
 * AetherGreenButtonMeter:
 * @device_id: the utility meter device it was stored as
 * @name: its name
 * @commodity: `electricity`, `gas`, …
 * @metric_type: the series its values went to (`energy`, `gas`, …)
 * @unit: their unit
 * @received: whether it counts energy the home sent to the grid
 * @n_intervals: how many interval readings were stored
 * @n_overlapping: how many were left out because they overlap the one before
 * @total: their sum, in @unit
 * @utility_cost: the sum of their costs (NAN: the file gives none)
 * @currency: the costs' currency, or %NULL
 * @from_s: the first interval's start
 * @to_s: the last interval's end
 * @new_device: %FALSE when the device was there from an earlier import
 */
typedef struct
{
  char    *device_id;
  char    *name;
  char    *commodity;
  char    *metric_type;
  char    *unit;
  gboolean received;
  guint    n_intervals;
  guint    n_overlapping;
  double   total;
  double   utility_cost;
  char    *currency;
  gint64   from_s;
  gint64   to_s;
  gboolean new_device;
} AetherGreenButtonMeter;

GPtrArray *aether_green_button_import     (AetherStore            *store,
                                           AetherGreenButtonFeed  *feed,
                                           const char             *source_name,
                                           GError                **error);
JsonNode  *aether_green_button_reconcile  (AetherGreenButtonFeed  *feed,
                                           AetherTariff           *tariff,
                                           gint64                  from_s,
                                           gint64                  to_s,
                                           GError                **error);

G_END_DECLS
