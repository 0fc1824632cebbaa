/* aether-tariff-ahead.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Prices ahead: the price of each stretch of time from the versions in
 * force (a dynamic tariff's intervals, or runs of one period), and the
 * cheapest window of a given length among them (the Dashboard's "cheapest
 * hour ahead"). */

#define G_LOG_DOMAIN "aether-tariff"

#include "config.h"

#include <math.h>

#include "aether-tariff.h"

/**
 * aether_tariff_prices_between:
 * @self: a tariff
 * @from_s: the start
 * @to_s: the end
 *
 * The price per kWh of each stretch of time from @from_s to @to_s: each
 * interval of a dynamic tariff, each run of one period otherwise. Time
 * without a price (no version in force, a dynamic tariff's future beyond
 * its feed) is left out.
 *
 * Returns: (transfer full) (element-type AetherPriceSlot): in time order
 */
GArray *
aether_tariff_prices_between (AetherTariff *self,
                              gint64        from_s,
                              gint64        to_s)
{
  GArray *slots = g_array_new (FALSE, FALSE, sizeof (AetherPriceSlot));

  g_return_val_if_fail (AETHER_IS_TARIFF (self), slots);

  for (gint64 t = from_s; t < to_s;)
    {
      AetherRateSchedule *s = aether_tariff_schedule_at (self, t);
      const AetherRatePeriod *period = s ? aether_rate_schedule_period_at (s, t) : NULL;
      gint64 next = s ? aether_rate_schedule_next_change (s, t) : 0;
      AetherPriceSlot slot;

      /* A change of version counts as a change too. */
      if (s != NULL && aether_rate_schedule_get_expiry (s) < G_MAXINT64 &&
          (next == 0 || aether_rate_schedule_get_expiry (s) < next))
        next = aether_rate_schedule_get_expiry (s);
      if (next <= t)
        next = MIN (to_s, t - (((t % 3600) + 3600) % 3600) + 3600);

      if (period != NULL)
        {
          slot.start_s = t;
          slot.end_s = MIN (next, to_s);
          slot.rate = aether_rate_schedule_rate_at (s, period, t);
          slot.period = period->name;
          if (!isnan (slot.rate))
            g_array_append_val (slots, slot);
        }
      t = next;
    }
  return slots;
}

/**
 * aether_price_slots_cheapest:
 * @slots: (element-type AetherPriceSlot): prices in time order
 * @duration_s: how long a window is wanted (a dishwasher's run)
 * @start_s: (out): when the cheapest window starts
 * @average_rate: (out): its average price per kWh
 *
 * The cheapest stretch of @duration_s wholly within priced time, starting
 * at a slot's start (prices only change there).
 *
 * Returns: %FALSE when no stretch that long is priced
 */
gboolean
aether_price_slots_cheapest (GArray *slots,
                             gint64  duration_s,
                             gint64 *start_s,
                             double *average_rate)
{
  gboolean found = FALSE;
  double best = INFINITY;

  for (guint i = 0; i < slots->len; i++)
    {
      gint64 begin = g_array_index (slots, AetherPriceSlot, i).start_s;
      gint64 end = begin + duration_s;
      gint64 covered = begin;
      double cost = 0;

      for (guint j = i; j < slots->len && covered < end; j++)
        {
          const AetherPriceSlot *slot = &g_array_index (slots, AetherPriceSlot, j);
          gint64 a = MAX (slot->start_s, covered), b = MIN (slot->end_s, end);

          if (slot->start_s > covered)
            break;   /* a gap: not wholly priced */
          cost += slot->rate * (double)(b - a);
          covered = b;
        }
      if (covered >= end && cost / (double)duration_s < best)
        {
          best = cost / (double)duration_s;
          *start_s = begin;
          *average_rate = best;
          found = TRUE;
        }
    }
  return found;
}

/**
 * aether_tariff_cheapest_ahead:
 * @self: a tariff
 * @from_s: now
 * @horizon_s: how far ahead to look (a day-ahead feed: 24 hours)
 * @duration_s: how long a window is wanted
 * @start_s: (out): when the cheapest window starts
 * @average_rate: (out): its average price per kWh
 *
 * The cheapest stretch of @duration_s among the prices known between
 * @from_s and @from_s + @horizon_s: what the Dashboard offers as "the
 * cheapest hour ahead" for a dynamic tariff.
 *
 * Returns: %FALSE when no stretch that long is priced ahead
 */
gboolean
aether_tariff_cheapest_ahead (AetherTariff *self,
                              gint64        from_s,
                              gint64        horizon_s,
                              gint64        duration_s,
                              gint64       *start_s,
                              double       *average_rate)
{
  g_autoptr(GArray) slots = NULL;

  g_return_val_if_fail (AETHER_IS_TARIFF (self), FALSE);

  slots = aether_tariff_prices_between (self, from_s, from_s + horizon_s);
  return aether_price_slots_cheapest (slots, duration_s, start_s, average_rate);
}
