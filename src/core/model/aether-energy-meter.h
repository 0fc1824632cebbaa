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
 * @counter_reset: the device's counter went backwards (a reboot or a wrap);
 *   what it counted since is added with the next reading, once that shows
 *   it was no flap
 * @flap: the counter came back to where it was before it went backwards:
 *   the "reset" was a glitch, nothing is counted from zero
 * @implausible: more energy than the device's rated power allows in the
 *   time (a counter that jumped): not counted, the counter goes on from
 *   the new value
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
  gboolean flap;
  gboolean implausible;
} AetherEnergyStep;

/**
 * AetherEnergyMeterState:
 * @time_us: when the device was last read; 0 for never
 * @total_wh: the energy derived until then (the last `energy` reading)
 * @have_counter: whether @counter_wh holds the device's counter then
 * @counter_wh: the device's own counter then, as it reported it
 * @have_power: whether @power_w holds its power then
 * @power_w: its power then
 *
 * Where a meter was when it stopped, so a new one goes on from there: a
 * counter's delta across the stop is real energy; power is bridged only
 * by the gap rule.
 */
typedef struct
{
  gint64   time_us;
  double   total_wh;
  gboolean have_counter;
  double   counter_wh;
  gboolean have_power;
  double   power_w;
} AetherEnergyMeterState;

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
void               aether_energy_meter_set_max_power (AetherEnergyMeter *self,
                                                      double             max_power_w);
void               aether_energy_meter_restore       (AetherEnergyMeter *self,
                                                      const AetherEnergyMeterState *state);
gboolean           aether_energy_meter_get_counter   (AetherEnergyMeter *self,
                                                      double            *counter_wh);
double             aether_energy_meter_get_total_wh  (AetherEnergyMeter *self);
double             aether_energy_meter_get_exported_wh (AetherEnergyMeter *self);
guint              aether_energy_meter_get_n_gaps    (AetherEnergyMeter *self);
guint              aether_energy_meter_get_n_resets  (AetherEnergyMeter *self);
guint              aether_energy_meter_get_n_flaps   (AetherEnergyMeter *self);
guint              aether_energy_meter_get_n_implausible (AetherEnergyMeter *self);
gboolean           aether_energy_meter_uses_counter  (AetherEnergyMeter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherEnergyMeter, aether_energy_meter_free)

G_END_DECLS
