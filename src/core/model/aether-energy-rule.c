/* aether-energy-rule.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one energy rule. Live collection (AetherEnergyMeter), the store's
 * per-minute energy and the tariff's intervals all call it, so the same
 * readings give the same kWh on every path.
 *
 * - Between two power samples power is a straight line (the trapezoid
 *   rule). Where it is positive the home imports, where it is negative it
 *   exports; a line that crosses zero is split at the crossing, exactly.
 * - Between two counter readings the counter's delta is imported energy; a
 *   counter that went back was reset and counts from zero.
 * - Power is never integrated across a gap: a segment longer than three
 *   sampling intervals (or across a clock jump, which the callers see as
 *   time going back or a break) adds nothing, because a straight line across
 *   time we did not see would invent energy. A counter still counts across
 *   a gap: the device kept counting. Its delta is spread over the time
 *   between its readings when they are at most a day apart
 *   (AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US: a meter read every few hours
 *   keeps all its energy, where it was used); across a longer silence when
 *   it counted is unknown, and all of it goes to the minute of the later
 *   reading.
 * - A segment's energy is split at bucket edges in proportion to what the
 *   rule gives each part: the line's own integral for power, time for a
 *   counter (it says nothing about when within the segment it counted).
 * - Energy must be possible: more than the device's rated power (twice its
 *   `metadata.nominal_power`, else 25 kW a channel, 250 kW for a meter)
 *   over the elapsed time, plus a counter's resolution, is a glitch (a
 *   counter that jumped by 10¹² Wh), not energy. A counter that went back
 *   and then returns to where it was flapped: it was not reset. */

#define G_LOG_DOMAIN "aether-energy-rule"

#include "config.h"

#include <math.h>

#include "aether-energy-rule.h"
#include "aether-home.h"

/**
 * aether_energy_rule_is_gap:
 * @cadence: the device's sampling
 * @dt_us: the length of a segment
 *
 * Returns: %TRUE if power must not be integrated across @dt_us
 */
gboolean
aether_energy_rule_is_gap (const AetherEnergyCadence *cadence,
                           gint64                     dt_us)
{
  g_return_val_if_fail (cadence != NULL, TRUE);

  return dt_us > aether_energy_rule_gap_limit (cadence);
}

/**
 * aether_energy_rule_gap_limit:
 * @cadence: the device's sampling
 *
 * Returns: the longest segment that is not a gap, in microseconds
 */
gint64
aether_energy_rule_gap_limit (const AetherEnergyCadence *cadence)
{
  g_return_val_if_fail (cadence != NULL, 0);

  if (cadence->interval_us <= 0)
    return AETHER_ENERGY_UNLEARNED_LIMIT_US;

  return AETHER_ENERGY_GAP_INTERVALS * cadence->interval_us;
}

/**
 * aether_energy_rule_learn:
 * @cadence: the device's sampling
 * @dt_us: the length of the segment just seen
 *
 * Learns the sampling interval of a device whose interval is not
 * configured: a slow moving average that leans to the shorter intervals, so
 * one late sample does not widen the gap limit. Segments longer than the
 * unlearned limit teach nothing once an interval is known.
 */
void
aether_energy_rule_learn (AetherEnergyCadence *cadence,
                          gint64               dt_us)
{
  g_return_if_fail (cadence != NULL);

  if (cadence->fixed || dt_us <= 0)
    return;

  if (cadence->interval_us == 0)
    cadence->interval_us = dt_us;
  else if (dt_us <= AETHER_ENERGY_UNLEARNED_LIMIT_US)
    cadence->interval_us = MIN (cadence->interval_us, dt_us) * 3 / 4 + dt_us / 4;
}

/* The integral of the line from @pa to @pb over @hours, split by sign. */
static void
line_split (double             pa,
            double             pb,
            double             hours,
            AetherEnergySplit *out)
{
  if (pa >= 0 && pb >= 0)
    out->imported_wh += (pa + pb) / 2.0 * hours;
  else if (pa <= 0 && pb <= 0)
    out->exported_wh += -(pa + pb) / 2.0 * hours;
  else
    {
      /* The line crosses zero at f of the way. */
      double f = pa / (pa - pb);

      if (pa > 0)
        {
          out->imported_wh += pa / 2.0 * f * hours;
          out->exported_wh += -pb / 2.0 * (1.0 - f) * hours;
        }
      else
        {
          out->exported_wh += -pa / 2.0 * f * hours;
          out->imported_wh += pb / 2.0 * (1.0 - f) * hours;
        }
    }
}

/**
 * aether_energy_rule_power:
 * @t0_us: the first sample's time
 * @p0_w: its power
 * @t1_us: the second sample's time, after @t0_us
 * @p1_w: its power
 * @from_us: the start of the part wanted, within [@t0_us, @t1_us]
 * @to_us: its end
 * @out: (out caller-allocates): the part's energy
 *
 * The energy of the straight segment between two power samples within
 * [@from_us, @to_us). The gap rule is the caller's to ask first.
 */
void
aether_energy_rule_power (gint64             t0_us,
                          double             p0_w,
                          gint64             t1_us,
                          double             p1_w,
                          gint64             from_us,
                          gint64             to_us,
                          AetherEnergySplit *out)
{
  double span;
  double pa, pb;

  g_return_if_fail (out != NULL);

  *out = (AetherEnergySplit) { 0 };
  from_us = MAX (from_us, t0_us);
  to_us = MIN (to_us, t1_us);
  if (t1_us <= t0_us || to_us <= from_us)
    return;

  span = (double)(t1_us - t0_us);
  pa = from_us == t0_us ? p0_w : p0_w + (p1_w - p0_w) * (double)(from_us - t0_us) / span;
  pb = to_us == t1_us ? p1_w : p0_w + (p1_w - p0_w) * (double)(to_us - t0_us) / span;
  line_split (pa, pb, (double)(to_us - from_us) / G_USEC_PER_SEC / 3600.0, out);
}

/**
 * aether_energy_rule_counter:
 * @c0_wh: the earlier counter reading
 * @c1_wh: the later one
 * @out: (out caller-allocates): the energy between them (imported)
 *
 * Returns: %TRUE if the counter was reset between them
 */
gboolean
aether_energy_rule_counter (double             c0_wh,
                            double             c1_wh,
                            AetherEnergySplit *out)
{
  double delta = c1_wh - c0_wh;
  gboolean reset = delta < 0;

  g_return_val_if_fail (out != NULL, FALSE);

  /* A counter that went back was reset: count from zero. */
  if (reset)
    delta = MAX (c1_wh, 0.0);
  *out = (AetherEnergySplit) { .imported_wh = delta };

  return reset;
}

/**
 * aether_energy_rule_is_plausible:
 * @max_power_w: the most the device can draw; 0 for no limit
 * @dt_us: the time the energy accrued over
 * @energy_wh: the energy (imported and exported together)
 *
 * Returns: %TRUE if a device of @max_power_w can have used @energy_wh in
 *   @dt_us, give or take a counter's resolution
 */
gboolean
aether_energy_rule_is_plausible (double  max_power_w,
                                 gint64  dt_us,
                                 double  energy_wh)
{
  if (!isfinite (energy_wh))
    return FALSE;
  if (max_power_w <= 0)
    return TRUE;

  return energy_wh <= max_power_w * (double)MAX (dt_us, 0) / G_USEC_PER_SEC / 3600.0 + AETHER_ENERGY_COUNTER_SLACK_WH;
}

/**
 * aether_energy_rule_counter_returned:
 * @before_reset_wh: the counter before it went back
 * @c_wh: the reading after the one that went back
 *
 * A counter that went back and is now where it was (or past it) flapped
 * between two values; it was not reset and nothing is counted from zero.
 *
 * Returns: %TRUE if the counter came back
 */
gboolean
aether_energy_rule_counter_returned (double before_reset_wh,
                                     double c_wh)
{
  return c_wh >= before_reset_wh - AETHER_ENERGY_COUNTER_SLACK_WH;
}

/**
 * aether_energy_rule_max_power_w:
 * @device: the seed's Device object
 *
 * The most @device can draw, for aether_energy_rule_is_plausible(): twice
 * its rated power (`metadata.nominal_power`, W) when its record gives one,
 * else 25 kW (a channel of a plug or a circuit) or, for an energy meter,
 * 250 kW.
 *
 * Returns: watts
 */
double
aether_energy_rule_max_power_w (JsonObject *device)
{
  JsonNode *metadata;
  JsonNode *nominal = NULL;

  g_return_val_if_fail (device != NULL, AETHER_ENERGY_DEFAULT_MAX_POWER_W);

  metadata = json_object_get_member (device, "metadata");
  if (metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata))
    nominal = json_object_get_member (json_node_get_object (metadata), "nominal_power");

  if (nominal != NULL && JSON_NODE_HOLDS_VALUE (nominal) &&
      (json_node_get_value_type (nominal) == G_TYPE_INT64 || json_node_get_value_type (nominal) == G_TYPE_DOUBLE))
    {
      double w = json_node_get_double (nominal);

      if (isfinite (w) && w > 0 && w <= AETHER_ENERGY_METER_MAX_POWER_W)
        return 2 * w;
    }

  return aether_device_is_energy_meter (device) ? AETHER_ENERGY_METER_MAX_POWER_W
                                                : AETHER_ENERGY_DEFAULT_MAX_POWER_W;
}

static gint64
bucket_of (gint64 t_us,
           gint64 origin_us,
           gint64 width_us)
{
  gint64 off = t_us - origin_us;
  gint64 q = off / width_us;

  if (off % width_us < 0)
    q--;
  return origin_us + q * width_us;
}

/**
 * aether_energy_rule_spread_power:
 * @t0_us: the first sample's time
 * @p0_w: its power
 * @t1_us: the second sample's time
 * @p1_w: its power
 * @origin_us: a bucket edge
 * @width_us: the buckets' width
 * @func: (scope call): called once per bucket the segment touches
 * @user_data: for @func
 *
 * Splits a power segment at bucket edges.
 */
void
aether_energy_rule_spread_power (gint64                 t0_us,
                                 double                 p0_w,
                                 gint64                 t1_us,
                                 double                 p1_w,
                                 gint64                 origin_us,
                                 gint64                 width_us,
                                 AetherEnergyBucketFunc func,
                                 gpointer               user_data)
{
  g_return_if_fail (width_us > 0);
  g_return_if_fail (func != NULL);

  for (gint64 t = t0_us; t < t1_us;)
    {
      gint64 bucket = bucket_of (t, origin_us, width_us);
      gint64 end = MIN (t1_us, bucket + width_us);
      AetherEnergySplit part;

      aether_energy_rule_power (t0_us, p0_w, t1_us, p1_w, t, end, &part);
      func (bucket, &part, user_data);
      t = end;
    }
}

/**
 * aether_energy_rule_spread_counter:
 * @t0_us: the earlier reading's time
 * @t1_us: the later reading's time
 * @whole: the segment's energy
 * @origin_us: a bucket edge
 * @width_us: the buckets' width
 * @func: (scope call): called once per bucket the segment touches
 * @user_data: for @func
 *
 * Splits a counter segment at bucket edges, in proportion to time. A
 * segment longer than %AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US says nothing of
 * when the counter counted: all of it goes to the bucket of its end.
 */
void
aether_energy_rule_spread_counter (gint64                   t0_us,
                                   gint64                   t1_us,
                                   const AetherEnergySplit *whole,
                                   gint64                   origin_us,
                                   gint64                   width_us,
                                   AetherEnergyBucketFunc   func,
                                   gpointer                 user_data)
{
  double span = (double)(t1_us - t0_us);

  g_return_if_fail (width_us > 0);
  g_return_if_fail (func != NULL);
  g_return_if_fail (whole != NULL);

  if (t1_us - t0_us > AETHER_ENERGY_COUNTER_SPREAD_LIMIT_US)
    {
      func (bucket_of (t1_us - 1, origin_us, width_us), whole, user_data);
      return;
    }

  for (gint64 t = t0_us; t < t1_us;)
    {
      gint64 bucket = bucket_of (t, origin_us, width_us);
      gint64 end = MIN (t1_us, bucket + width_us);
      double f = (double)(end - t) / span;
      AetherEnergySplit part = { whole->imported_wh * f, whole->exported_wh * f };

      func (bucket, &part, user_data);
      t = end;
    }
}

/**
 * aether_energy_rule_price:
 * @pricer: a pricer
 * @device_id: the device
 * @start_unix_s: the slice's start
 * @end_unix_s: its end
 * @energy: the slice's imported and exported energy
 * @price: (out caller-allocates): the net price: imported energy at the buy
 *   rate less exported energy at the sell rate (a credit), and the CO₂ of
 *   the import less what the export avoided
 * @error: a location for a #GError
 *
 * Prices the two apart, so an export never nets against an import at the
 * buy rate.
 *
 * Returns: %TRUE if the slice could be priced
 */
gboolean
aether_energy_rule_price (AetherPricer            *pricer,
                          const char              *device_id,
                          gint64                   start_unix_s,
                          gint64                   end_unix_s,
                          const AetherEnergySplit *energy,
                          AetherPrice             *price,
                          GError                 **error)
{
  AetherPrice out;

  g_return_val_if_fail (energy != NULL, FALSE);
  g_return_val_if_fail (price != NULL, FALSE);

  if (!aether_pricer_price_energy (pricer, device_id, start_unix_s, end_unix_s,
                                   energy->imported_wh / 1000.0, price, error))
    return FALSE;

  if (energy->exported_wh > 0)
    {
      if (!aether_pricer_price_energy (pricer, device_id, start_unix_s, end_unix_s,
                                       -energy->exported_wh / 1000.0, &out, error))
        return FALSE;
      price->cost += out.cost;
      price->co2_kg += out.co2_kg;
    }

  return TRUE;
}
