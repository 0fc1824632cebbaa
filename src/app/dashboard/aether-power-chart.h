/* aether-power-chart.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AETHER_TYPE_POWER_CHART (aether_power_chart_get_type ())

G_DECLARE_FINAL_TYPE (AetherPowerChart, aether_power_chart, AETHER, POWER_CHART, GtkWidget)

GtkWidget *aether_power_chart_new         (void);
void       aether_power_chart_set_values  (AetherPowerChart *self,
                                           const double     *watts,
                                           guint             n_values,
                                           guint             seconds_per_value);
void       aether_power_chart_set_band    (AetherPowerChart *self,
                                           const double     *low,
                                           const double     *high,
                                           guint             n_values);
void       aether_power_chart_set_span    (AetherPowerChart *self,
                                           const char       *span);
double     aether_power_chart_get_peak    (AetherPowerChart *self);

G_END_DECLS
