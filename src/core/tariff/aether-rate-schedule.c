/* aether-rate-schedule.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seed's Rate Schedule, extended for real tariffs. The JSON a schedule
 * was read from is kept and written back as it was; the parsed form is one
 * table per season of the 10,080 minutes of the week, each naming its
 * period, so pricing a minute is an array lookup.
 *
 * Reading and validating the JSON (the seed's format and its extensions):
 * aether-rate-schedule-parse.c; the parsed form, shared by both files:
 * aether-rate-schedule-private.h. Here: the lookups a pricer makes. */

#define G_LOG_DOMAIN "aether-rate-schedule"

#include "config.h"

#include <math.h>

#include "aether-rate-schedule.h"
#include "aether-rate-schedule-private.h"

G_DEFINE_BOXED_TYPE (AetherRateSchedule, aether_rate_schedule, aether_rate_schedule_ref, aether_rate_schedule_unref)

AetherRateSchedule *
aether_rate_schedule_ref (AetherRateSchedule *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
schedule_clear (gpointer data)
{
  AetherRateSchedule *self = data;

  g_clear_pointer (&self->json, json_object_unref);
  g_free (self->rate_id);
  g_free (self->currency);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->seasons, g_ptr_array_unref);
  g_strfreev (self->demand_periods);
  g_clear_pointer (&self->taxes, g_array_unref);
  g_clear_pointer (&self->prices, g_array_unref);
  g_clear_pointer (&self->carbon_slots, g_array_unref);
}

void
aether_rate_schedule_unref (AetherRateSchedule *self)
{
  g_atomic_rc_box_release_full (self, schedule_clear);
}

/**
 * aether_rate_schedule_to_json:
 * @self: a schedule
 *
 * Returns: (transfer full): the schedule's JSON, exactly as it was read
 */
JsonNode *
aether_rate_schedule_to_json (AetherRateSchedule *self)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, self->json);
  return node;
}

const char *aether_rate_schedule_get_id (AetherRateSchedule *self) { return self->rate_id; }
const char *aether_rate_schedule_get_currency (AetherRateSchedule *self) { return self->currency; }
GTimeZone *aether_rate_schedule_get_time_zone (AetherRateSchedule *self) { return self->tz; }
gint64 aether_rate_schedule_get_effective (AetherRateSchedule *self) { return self->effective_s; }
gint64 aether_rate_schedule_get_expiry (AetherRateSchedule *self) { return self->expiry_s; }
gboolean aether_rate_schedule_tiers_are_daily (AetherRateSchedule *self) { return self->tiers_daily; }
guint aether_rate_schedule_get_cycle_start_day (AetherRateSchedule *self) { return self->cycle_start_day; }
double aether_rate_schedule_get_monthly_fixed (AetherRateSchedule *self) { return self->monthly_fixed; }
double aether_rate_schedule_get_daily_fixed (AetherRateSchedule *self) { return self->daily_fixed; }
double aether_rate_schedule_get_demand_rate (AetherRateSchedule *self) { return self->demand_rate; }
guint aether_rate_schedule_get_demand_window (AetherRateSchedule *self) { return self->demand_window; }
guint aether_rate_schedule_get_n_taxes (AetherRateSchedule *self) { return self->taxes->len; }

void
aether_rate_schedule_get_tax (AetherRateSchedule  *self,
                              guint                index,
                              const char         **name,
                              double              *percent,
                              AetherTaxBase       *base)
{
  Tax *tax = &g_array_index (self->taxes, Tax, index);

  *name = tax->name;
  *percent = tax->percent;
  *base = tax->base;
}

gboolean
aether_rate_schedule_demand_applies (AetherRateSchedule *self,
                                     const char         *period)
{
  return self->demand_periods == NULL ||
         g_strv_contains ((const char * const *)self->demand_periods, period);
}

gboolean
aether_rate_schedule_covers (AetherRateSchedule *self,
                             gint64              unix_s)
{
  return unix_s >= self->effective_s && unix_s < self->expiry_s;
}

static const Slot *
find_slot (GArray *slots,
           gint64  unix_s)
{
  guint lo = 0, hi;

  if (slots == NULL || slots->len == 0)
    return NULL;
  hi = slots->len;
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      const Slot *slot = &g_array_index (slots, Slot, mid);

      if (unix_s < slot->start_s)
        hi = mid;
      else if (unix_s >= slot->end_s)
        lo = mid + 1;
      else
        return slot;
    }
  return NULL;
}

/* Local minute of the week (Monday 00:00 = 0), month and hour for @unix_s,
 * recomputed once per 15-minute block: every zone's offset is a multiple of
 * 15 minutes, so a block never straddles a local midnight or a DST change. */
static void
local_time (AetherRateSchedule *self,
            gint64              unix_s,
            int                *minute_of_week,
            int                *month,
            int                *hour)
{
  gint64 block = unix_s >= 0 ? unix_s / 900 : (unix_s - 899) / 900;
  int into_block = (int)((unix_s - block * 900) / 60);

  if (block != self->cache_block)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (block * 900);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);

      self->cache_block = block;
      self->cache_minute_of_week = (g_date_time_get_day_of_week (local) - 1) * 1440 +
                                   g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
      self->cache_month = g_date_time_get_month (local);
      self->cache_hour = g_date_time_get_hour (local);
      self->cache_year = g_date_time_get_year (local);
      self->cache_day = g_date_time_get_day_of_month (local);
    }

  *minute_of_week = self->cache_minute_of_week + into_block;
  *month = self->cache_month;
  *hour = self->cache_hour;
}

/**
 * aether_rate_schedule_period_at:
 * @self: a valid schedule
 * @unix_s: an instant
 *
 * Returns: (transfer none): the period in force at @unix_s, local time
 */
const AetherRatePeriod *
aether_rate_schedule_period_at (AetherRateSchedule *self,
                                gint64              unix_s)
{
  int minute, month, hour;

  local_time (self, unix_s, &minute, &month, &hour);

  for (guint i = 0; i < self->seasons->len; i++)
    {
      Season *season = g_ptr_array_index (self->seasons, i);

      if (season->months & (1 << (month - 1)))
        {
          guint8 index = season->week[minute];

          return index == NO_PERIOD ? NULL : g_ptr_array_index (season->periods, index);
        }
    }

  return NULL;
}

/**
 * aether_rate_schedule_next_change:
 * @self: a schedule
 * @unix_s: now
 *
 * Returns: when the period next changes (within eight days), or 0
 */
gint64
aether_rate_schedule_next_change (AetherRateSchedule *self,
                                  gint64              unix_s)
{
  const AetherRatePeriod *now = aether_rate_schedule_period_at (self, unix_s);
  gint64 t = unix_s - unix_s % 60 + 60;

  /* A dynamic price changes with its interval. */
  if (self->prices != NULL && self->prices->len > 0)
    {
      const Slot *slot = find_slot (self->prices, unix_s);

      if (slot != NULL)
        return slot->end_s;
      for (guint i = 0; i < self->prices->len; i++)
        if (g_array_index (self->prices, Slot, i).start_s > unix_s)
          return g_array_index (self->prices, Slot, i).start_s;
      return 0;
    }

  for (; t < unix_s + 8 * 86400; t += 60)
    if (aether_rate_schedule_period_at (self, t) != now)
      return t;

  return 0;
}

/**
 * aether_rate_schedule_carbon_at:
 * @self: a schedule
 * @unix_s: an instant
 *
 * Returns: the grid's carbon intensity then, g/kWh
 */
double
aether_rate_schedule_carbon_at (AetherRateSchedule *self,
                                gint64              unix_s)
{
  const Slot *slot = find_slot (self->carbon_slots, unix_s);
  int minute, month, hour;

  if (slot != NULL)
    return slot->value;
  local_time (self, unix_s, &minute, &month, &hour);
  return self->carbon[hour];
}

/**
 * aether_rate_schedule_is_dynamic:
 * @self: a schedule
 *
 * Returns: whether its prices come per interval from a feed
 */
gboolean
aether_rate_schedule_is_dynamic (AetherRateSchedule *self)
{
  return self->prices != NULL;
}

/**
 * aether_rate_schedule_rate_at:
 * @self: a schedule
 * @period: the period in force at @unix_s
 * @unix_s: an instant
 *
 * Returns: the price per imported kWh then: the interval's price on a
 *   dynamic tariff (NAN where it has none), else the period's rate
 */
double
aether_rate_schedule_rate_at (AetherRateSchedule     *self,
                              const AetherRatePeriod *period,
                              gint64                  unix_s)
{
  const Slot *slot;

  if (self->prices == NULL)
    return period->rate;
  slot = find_slot (self->prices, unix_s);
  return slot ? slot->value : NAN;
}

/**
 * aether_rate_schedule_sell_rate_at:
 * @self: a schedule
 * @period: the period in force at @unix_s
 * @unix_s: an instant
 *
 * Returns: the price paid per exported kWh then
 */
double
aether_rate_schedule_sell_rate_at (AetherRateSchedule     *self,
                                   const AetherRatePeriod *period,
                                   gint64                  unix_s)
{
  const Slot *slot = find_slot (self->prices, unix_s);

  return slot != NULL && !isnan (slot->sell) ? slot->sell : period->sell_rate;
}

/**
 * aether_rate_schedule_get_price_range:
 * @self: a dynamic schedule
 * @from_s: (out): the first priced instant
 * @to_s: (out): the end of the last priced interval
 *
 * Returns: %FALSE when it has no prices
 */
gboolean
aether_rate_schedule_get_price_range (AetherRateSchedule *self,
                                      gint64             *from_s,
                                      gint64             *to_s)
{
  if (self->prices == NULL || self->prices->len == 0)
    return FALSE;
  *from_s = g_array_index (self->prices, Slot, 0).start_s;
  *to_s = g_array_index (self->prices, Slot, self->prices->len - 1).end_s;
  return TRUE;
}

/**
 * aether_rate_schedule_local_date:
 * @self: a schedule
 * @unix_s: an instant
 * @year: (out): the local year
 * @month: (out): the local month, 1–12
 * @day: (out): the local day of the month
 */
void
aether_rate_schedule_local_date (AetherRateSchedule *self,
                                 gint64              unix_s,
                                 int                *year,
                                 int                *month,
                                 int                *day)
{
  int minute, hour;

  local_time (self, unix_s, &minute, month, &hour);
  *year = self->cache_year;
  *day = self->cache_day;
}

/**
 * aether_rate_schedule_get_n_seasons:
 * @self: a schedule
 *
 * Returns: its seasons; 1 for a schedule without any (its periods are the
 *   whole year's)
 */
guint
aether_rate_schedule_get_n_seasons (AetherRateSchedule *self)
{
  return self->seasons->len;
}

/**
 * aether_rate_schedule_get_season:
 * @self: a schedule, valid or not (see aether_rate_schedule_parse_json())
 * @index: which season
 * @months: (out): bit m-1 set for each month m it covers
 * @periods: (out) (transfer none) (element-type AetherRatePeriod): its
 *   periods, in the order of its JSON periods
 *
 * What an editor shows of a season: the period each minute of the week
 * belongs to, as pricing decides it (the more specific day list winning).
 *
 * Returns: (transfer none) (nullable): the season's name, %NULL for a
 *   schedule without seasons
 */
const char *
aether_rate_schedule_get_season (AetherRateSchedule  *self,
                                 guint                index,
                                 guint16             *months,
                                 GPtrArray          **periods)
{
  Season *season = g_ptr_array_index (self->seasons, index);

  *months = season->months;
  *periods = season->periods;
  return season->name;
}

/**
 * aether_rate_schedule_get_season_week:
 * @self: a schedule
 * @index: which season
 *
 * Returns: (transfer none): 10,080 period indices, one per minute of the
 *   week from Monday 00:00, 255 where no period applies
 */
const guint8 *
aether_rate_schedule_get_season_week (AetherRateSchedule *self,
                                      guint               index)
{
  return ((Season *)g_ptr_array_index (self->seasons, index))->week;
}
