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
 * the two paths are never summed.
 *
 * What is impossible is not energy: a step beyond the device's rated power
 * over its time (the rule's plausibility limit) is flagged and dropped, and
 * a counter that went back is not counted from zero until the next reading
 * shows it did not come straight back (a flap between two values would
 * otherwise count a whole counter every time). A meter can start where an
 * earlier one stopped (aether_energy_meter_restore()), so a restart loses
 * nothing a counter saw. */

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

  /* A counter that went back, until the next reading says whether it flapped */
  gint64   before_reset_us;
  double   before_reset_wh;

  double   max_power_w;
  double   total_wh;
  double   exported_wh;
  guint    n_gaps;
  guint    n_resets;
  guint    n_flaps;
  guint    n_implausible;

  guint    have_power : 1;
  guint    have_counter : 1;
  guint    uses_counter : 1;
  guint    reset_pending : 1;
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
  /* No home device draws more; aether_energy_meter_set_max_power() says
   * what this one can. */
  self->max_power_w = AETHER_ENERGY_METER_MAX_POWER_W;

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
          if (!aether_energy_rule_is_plausible (self->max_power_w, dt_us, split.imported_wh + split.exported_wh))
            {
              step->implausible = TRUE;
              self->n_implausible++;
              split = (AetherEnergySplit) { 0 };
            }
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
      gint64 since_us = self->last_counter_us;
      AetherEnergySplit split;
      double delta;

      step->start_us = self->last_counter_us;
      step->end_us = time_us;

      if (self->reset_pending)
        {
          /* The reading after the one that went back decides. */
          self->reset_pending = FALSE;
          since_us = self->before_reset_us;
          if (aether_energy_rule_counter_returned (self->before_reset_wh, total_wh))
            {
              /* Back where it was: a flap, not a reset. */
              step->flap = TRUE;
              self->n_flaps++;
              self->n_resets--;
              delta = MAX (total_wh - self->before_reset_wh, 0.0);
            }
          else if (aether_energy_rule_counter (self->last_counter_wh, total_wh, &split))
            {
              /* Back again: the first reset stands (it counted from zero
               * to the reading after it), and this one waits in turn. */
              delta = MAX (self->last_counter_wh, 0.0);
              since_us = self->before_reset_us;
              step->counter_reset = TRUE;
              self->n_resets++;
              self->reset_pending = TRUE;
              self->before_reset_us = self->last_counter_us;
              self->before_reset_wh = self->last_counter_wh;
            }
          else
            delta = MAX (total_wh, 0.0);   /* reset: counted from zero */
        }
      else if (aether_energy_rule_counter (self->last_counter_wh, total_wh, &split))
        {
          step->counter_reset = TRUE;
          self->n_resets++;
          self->reset_pending = TRUE;
          self->before_reset_us = self->last_counter_us;
          self->before_reset_wh = self->last_counter_wh;
          delta = 0;
        }
      else
        delta = split.imported_wh;

      if (delta > 0 && !aether_energy_rule_is_plausible (self->max_power_w, time_us - since_us, delta))
        {
          /* Not energy: a glitch. The counter goes on from here. */
          step->implausible = TRUE;
          self->n_implausible++;
          delta = 0;
        }

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

/**
 * aether_energy_meter_set_max_power:
 * @self: a meter
 * @max_power_w: the most the device can draw
 *   (aether_energy_rule_max_power_w()); 0 for no limit
 *
 * Energy beyond this over a step's time is not counted.
 */
void
aether_energy_meter_set_max_power (AetherEnergyMeter *self,
                                   double             max_power_w)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (max_power_w >= 0);

  self->max_power_w = max_power_w;
}

/**
 * aether_energy_meter_restore:
 * @self: a meter that has seen nothing yet
 * @state: where an earlier meter of the device stopped
 *
 * Goes on from @state: the total continues from its @total_wh, the next
 * counter reading counts from its @counter_wh (the device kept counting
 * while nobody read it), and the next power sample is joined to its
 * @power_w only if the gap rule allows.
 */
void
aether_energy_meter_restore (AetherEnergyMeter            *self,
                             const AetherEnergyMeterState *state)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (state != NULL);
  g_return_if_fail (!self->have_counter && !self->have_power);

  if (state->time_us == 0 || !isfinite (state->total_wh) || state->total_wh < 0)
    return;

  self->total_wh = state->total_wh;

  if (state->have_counter && isfinite (state->counter_wh))
    {
      self->have_counter = TRUE;
      self->uses_counter = TRUE;
      self->last_counter_us = state->time_us;
      self->last_counter_wh = state->counter_wh;
    }

  if (state->have_power && isfinite (state->power_w))
    {
      self->have_power = TRUE;
      self->last_power_us = state->time_us;
      self->last_power_w = state->power_w;
    }
}

/**
 * aether_energy_meter_get_counter:
 * @self: a meter
 * @counter_wh: (out) (optional): the device's counter as last read
 *
 * Returns: %TRUE if the device has reported a counter
 */
gboolean
aether_energy_meter_get_counter (AetherEnergyMeter *self,
                                 double            *counter_wh)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (counter_wh != NULL)
    *counter_wh = self->last_counter_wh;

  return self->have_counter;
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

/**
 * aether_energy_meter_get_n_flaps:
 * @self: a meter
 *
 * Returns: how often the counter went back and straight back again
 */
guint
aether_energy_meter_get_n_flaps (AetherEnergyMeter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_flaps;
}

/**
 * aether_energy_meter_get_n_implausible:
 * @self: a meter
 *
 * Returns: how many steps had more energy than the device can draw
 */
guint
aether_energy_meter_get_n_implausible (AetherEnergyMeter *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_implausible;
}

gboolean
aether_energy_meter_uses_counter (AetherEnergyMeter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->uses_counter;
}
