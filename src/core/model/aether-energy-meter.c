/* aether-energy-meter.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Turns what a device reports into energy, live, by the one energy rule
 * (aether-energy-rule.c, which the store and the tariff call too): the
 * device's own counter when it has one (it kept counting while we were not
 * looking, so a gap loses nothing), with resets detected; otherwise the
 * trapezoid rule over power, never across a gap longer than three sampling
 * intervals or a suspend, because a straight line across an hour we did not
 * see would invent energy. Negative power is exported energy, kept apart
 * from the imported. Gaps and resets are counted so the UI can show data
 * quality instead of hiding it.
 *
 * Once a device has shown a counter, its power samples no longer add energy:
 * the two paths are never summed. */

#define G_LOG_DOMAIN "aether-energy-meter"

#include "config.h"

#include <math.h>

#include "aether-energy-meter.h"
#include "aether-energy-rule.h"

struct _AetherEnergyMeter
{
  AetherEnergyCadence cadence;

  gint64   last_power_us;
  double   last_power_w;

  gint64   last_counter_us;
  double   last_counter_wh;

  double   total_wh;
  double   exported_wh;
  guint    n_gaps;
  guint    n_resets;

  guint    have_power : 1;
  guint    have_counter : 1;
  guint    uses_counter : 1;
};

/**
 * aether_energy_meter_new:
 * @interval_us: the device's sampling interval
 *
 * Returns: (transfer full): a meter with no energy yet
 */
AetherEnergyMeter *
aether_energy_meter_new (gint64 interval_us)
{
  AetherEnergyMeter *self;

  g_return_val_if_fail (interval_us > 0, NULL);

  self = g_new0 (AetherEnergyMeter, 1);
  self->cadence.interval_us = interval_us;
  self->cadence.fixed = TRUE;

  return self;
}

void
aether_energy_meter_free (AetherEnergyMeter *self)
{
  g_free (self);
}

void
aether_energy_meter_set_interval (AetherEnergyMeter *self,
                                  gint64             interval_us)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (interval_us > 0);

  self->cadence.interval_us = interval_us;
}

/**
 * aether_energy_meter_push_power:
 * @self: a meter
 * @time_us: when the power was measured
 * @watts: the power
 * @step: (out caller-allocates): the energy this sample added
 *
 * Returns: %TRUE if @step describes an interval (not for the first sample,
 *   a sample out of order, or a device that has a counter)
 */
gboolean
aether_energy_meter_push_power (AetherEnergyMeter *self,
                                gint64             time_us,
                                double             watts,
                                AetherEnergyStep  *step)
{
  gboolean have_step = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (step != NULL, FALSE);
  g_return_val_if_fail (isfinite (watts), FALSE);

  *step = (AetherEnergyStep) { 0 };

  if (self->have_power && time_us <= self->last_power_us)
    return FALSE;

  if (self->have_power && !self->uses_counter)
    {
      gint64 dt_us = time_us - self->last_power_us;

      step->start_us = self->last_power_us;
      step->end_us = time_us;

      if (aether_energy_rule_is_gap (&self->cadence, dt_us))
        {
          step->gap = TRUE;
          self->n_gaps++;
        }
      else
        {
          AetherEnergySplit split;

          aether_energy_rule_power (self->last_power_us, self->last_power_w, time_us, watts,
                                    self->last_power_us, time_us, &split);
          step->delta_wh = split.imported_wh;
          step->exported_wh = split.exported_wh;
          self->total_wh += split.imported_wh;
          self->exported_wh += split.exported_wh;
        }

      have_step = TRUE;
    }

  self->have_power = TRUE;
  self->last_power_us = time_us;
  self->last_power_w = watts;

  return have_step;
}

/**
 * aether_energy_meter_push_counter:
 * @self: a meter
 * @time_us: when the counter was read
 * @total_wh: the device's energy counter, in Wh
 * @step: (out caller-allocates): the energy this reading added
 *
 * A counter that goes backwards was reset (the device rebooted, or its
 * counter wrapped): the energy since the reset is what it shows now.
 *
 * Returns: %TRUE if @step describes an interval
 */
gboolean
aether_energy_meter_push_counter (AetherEnergyMeter *self,
                                  gint64             time_us,
                                  double             total_wh,
                                  AetherEnergyStep  *step)
{
  gboolean have_step = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (step != NULL, FALSE);
  g_return_val_if_fail (isfinite (total_wh), FALSE);

  *step = (AetherEnergyStep) { 0 };
  self->uses_counter = TRUE;

  if (self->have_counter && time_us <= self->last_counter_us)
    return FALSE;

  if (self->have_counter)
    {
      gint64 dt_us = time_us - self->last_counter_us;
      AetherEnergySplit split;
      double delta;

      step->start_us = self->last_counter_us;
      step->end_us = time_us;

      if (aether_energy_rule_counter (self->last_counter_wh, total_wh, &split))
        {
          step->counter_reset = TRUE;
          self->n_resets++;
        }
      delta = split.imported_wh;

      if (aether_energy_rule_is_gap (&self->cadence, dt_us))
        {
          step->gap = TRUE;
          self->n_gaps++;
        }

      step->delta_wh = delta;
      self->total_wh += delta;
      have_step = TRUE;
    }

  self->have_counter = TRUE;
  self->last_counter_us = time_us;
  self->last_counter_wh = total_wh;

  return have_step;
}

/**
 * aether_energy_meter_break:
 * @self: a meter
 *
 * Forgets the last power sample, so nothing is integrated across a suspend
 * or a clock jump. A counter is kept: the device counted while we slept.
 */
void
aether_energy_meter_break (AetherEnergyMeter *self)
{
  g_return_if_fail (self != NULL);

  if (self->have_power && !self->uses_counter)
    self->n_gaps++;

  self->have_power = FALSE;
}

double
aether_energy_meter_get_total_wh (AetherEnergyMeter *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->total_wh;
}

/**
 * aether_energy_meter_get_exported_wh:
 * @self: a meter
 *
 * Returns: the energy exported so far (negative power), in Wh
 */
double
aether_energy_meter_get_exported_wh (AetherEnergyMeter *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->exported_wh;
}

guint
aether_energy_meter_get_n_gaps (AetherEnergyMeter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_gaps;
}

guint
aether_energy_meter_get_n_resets (AetherEnergyMeter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_resets;
}

gboolean
aether_energy_meter_uses_counter (AetherEnergyMeter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->uses_counter;
}
