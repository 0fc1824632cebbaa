/* aether-energy-meter.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AetherEnergyStep:
 * @start_us: the start of the interval the energy belongs to
 * @end_us: its end
 * @delta_wh: the energy imported in the interval, never negative
 * @exported_wh: the energy exported in it (negative power), never negative
 * @gap: the interval was longer than three sampling intervals (or spanned a
 *   suspend); integrated power gives no energy across it, a counter still does
 * @counter_reset: the device's counter went backwards (a reboot or a wrap)
 *
 * What one new sample added to a device's energy.
 */
typedef struct
{
  gint64   start_us;
  gint64   end_us;
  double   delta_wh;
  double   exported_wh;
  gboolean gap;
  gboolean counter_reset;
} AetherEnergyStep;

typedef struct _AetherEnergyMeter AetherEnergyMeter;

AetherEnergyMeter *aether_energy_meter_new           (gint64             interval_us);
void               aether_energy_meter_free          (AetherEnergyMeter *self);
void               aether_energy_meter_set_interval  (AetherEnergyMeter *self,
                                                      gint64             interval_us);
gboolean           aether_energy_meter_push_power    (AetherEnergyMeter *self,
                                                      gint64             time_us,
                                                      double             watts,
                                                      AetherEnergyStep  *step);
gboolean           aether_energy_meter_push_counter  (AetherEnergyMeter *self,
                                                      gint64             time_us,
                                                      double             total_wh,
                                                      AetherEnergyStep  *step);
void               aether_energy_meter_break         (AetherEnergyMeter *self);
double             aether_energy_meter_get_total_wh  (AetherEnergyMeter *self);
double             aether_energy_meter_get_exported_wh (AetherEnergyMeter *self);
guint              aether_energy_meter_get_n_gaps    (AetherEnergyMeter *self);
guint              aether_energy_meter_get_n_resets  (AetherEnergyMeter *self);
gboolean           aether_energy_meter_uses_counter  (AetherEnergyMeter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherEnergyMeter, aether_energy_meter_free)

G_END_DECLS
