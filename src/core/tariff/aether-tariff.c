/* aether-tariff.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Prices energy with the schedule version in force at each minute. Energy
 * of an interval is spread evenly over it and walked minute by minute in
 * UTC; each minute is priced by its local time, so a fall-back hour (two
 * UTC hours with the same local time) is priced twice and a spring-forward
 * hour (a local hour no UTC minute has) not at all. Period boundaries fall
 * on minutes, so splitting at them is exact.
 *
 * Tiers count the energy of the billing cycle (or of the local day) and a
 * minute that crosses a tier limit is split at it. Demand is the highest
 * average power over the schedule's window (15 minutes by default, aligned
 * to the clock) in the periods it applies to. Monthly fixed charges are
 * prorated by day: each local day costs the month's charge divided by the
 * days of its month.
 *
 * AetherTariff is also the AetherPricer the storage engine prices its
 * 1-minute buckets with; there, a tiered period is priced at its first
 * tier, since a bucket does not know the cycle's total (the bill does).
 *
 * Readings to intervals: aether-tariff-intervals.c; prices ahead and the
 * cheapest window: aether-tariff-ahead.c. */

#define G_LOG_DOMAIN "aether-tariff"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-reading.h"
#include "aether-tariff.h"

struct _AetherTariff
{
  GObject    parent_instance;

  /* Owned: AetherRateSchedule, by effective date */
  GPtrArray *versions;
};

static void pricer_iface_init (AetherPricerInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AetherTariff, aether_tariff, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AETHER_TYPE_PRICER, pricer_iface_init))

static void
aether_tariff_finalize (GObject *object)
{
  g_clear_pointer (&AETHER_TARIFF (object)->versions, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_tariff_parent_class)->finalize (object);
}

static void
aether_tariff_class_init (AetherTariffClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aether_tariff_finalize;
}

static void
aether_tariff_init (AetherTariff *self)
{
  self->versions = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_rate_schedule_unref);
}

AetherTariff *
aether_tariff_new (void)
{
  return g_object_new (AETHER_TYPE_TARIFF, NULL);
}

static int
compare_effective (gconstpointer a,
                   gconstpointer b)
{
  gint64 x = aether_rate_schedule_get_effective (*(AetherRateSchedule **)a);
  gint64 y = aether_rate_schedule_get_effective (*(AetherRateSchedule **)b);

  return (x > y) - (x < y);
}

/**
 * aether_tariff_add_schedule:
 * @self: a tariff
 * @schedule: a version of the household's schedule
 * @error: a location for a #GError
 *
 * Returns: %TRUE, or %FALSE if its dates overlap a version already added
 */
gboolean
aether_tariff_add_schedule (AetherTariff        *self,
                            AetherRateSchedule  *schedule,
                            GError             **error)
{
  g_return_val_if_fail (AETHER_IS_TARIFF (self), FALSE);
  g_return_val_if_fail (schedule != NULL, FALSE);

  for (guint i = 0; i < self->versions->len; i++)
    {
      AetherRateSchedule *other = g_ptr_array_index (self->versions, i);

      if (aether_rate_schedule_get_effective (schedule) < aether_rate_schedule_get_expiry (other) &&
          aether_rate_schedule_get_effective (other) < aether_rate_schedule_get_expiry (schedule))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE,
                       "Schedule “%s” overlaps “%s”: give the older one an expiry_date before the newer "
                       "one’s effective_date", aether_rate_schedule_get_id (schedule),
                       aether_rate_schedule_get_id (other));
          return FALSE;
        }
    }

  g_ptr_array_add (self->versions, aether_rate_schedule_ref (schedule));
  g_ptr_array_sort (self->versions, compare_effective);
  return TRUE;
}

/**
 * aether_tariff_schedule_at:
 * @self: a tariff
 * @unix_s: an instant
 *
 * Returns: (transfer none) (nullable): the version in force then
 */
AetherRateSchedule *
aether_tariff_schedule_at (AetherTariff *self,
                           gint64        unix_s)
{
  g_return_val_if_fail (AETHER_IS_TARIFF (self), NULL);

  for (guint i = self->versions->len; i > 0; i--)
    {
      AetherRateSchedule *s = g_ptr_array_index (self->versions, i - 1);

      if (aether_rate_schedule_covers (s, unix_s))
        return s;
    }

  return NULL;
}

/* ---- The accounting walk ----------------------------------------------- */

typedef struct
{
  double kwh;
  double cost;
} Amount;

typedef struct
{
  /* inputs */
  AetherTariff *tariff;

  /* tier state */
  gint64        tier_key;
  double        tier_kwh;

  /* totals */
  double        kwh;            /* imported */
  double        exported_kwh;   /* exported, priced at the sell rate */
  double        energy_cost;
  double        co2_kg;
  GHashTable   *by_period;      /* name → Amount[1 + tiers] in a GArray */

  /* demand: window start → kWh */
  GHashTable   *windows;
  guint         window_s;

  /* a cost record being built (cost command only) */
  gboolean      records;
  JsonArray    *record_list;
  const char   *device_id;
  AetherRateSchedule *piece_schedule;
  const AetherRatePeriod *piece_period;
  gint64        piece_start;
  gint64        piece_end;
  double        piece_kwh;
  double        piece_cost;
  double        piece_co2;
  double        piece_peak_w;
  guint         n_records;

  AetherRateSchedule *missing_at_schedule;
  gint64        uncovered_at;
} Walk;

static gint64
tier_key_for (AetherRateSchedule *s,
              gint64              unix_s)
{
  int y, m, d;

  aether_rate_schedule_local_date (s, unix_s, &y, &m, &d);
  if (aether_rate_schedule_tiers_are_daily (s))
    return (gint64)y * 10000 + m * 100 + d;

  /* The billing cycle this day belongs to starts on the cycle day. */
  if (d < (int)aether_rate_schedule_get_cycle_start_day (s))
    {
      if (--m == 0)
        {
          m = 12;
          y--;
        }
    }
  return (gint64)y * 100 + m;
}

static GArray *
period_amounts (Walk                   *w,
                const AetherRatePeriod *period)
{
  GArray *amounts = g_hash_table_lookup (w->by_period, period->name);

  if (amounts == NULL)
    {
      amounts = g_array_new (FALSE, TRUE, sizeof (Amount));
      g_array_set_size (amounts, 1 + (period->tiers ? period->tiers->len : 0));
      g_hash_table_insert (w->by_period, g_strdup (period->name), amounts);
    }

  return amounts;
}

/* Prices @kwh of one minute (or part of one), splitting at tier limits. */
static double
price_slice (Walk                   *w,
             AetherRateSchedule     *s,
             const AetherRatePeriod *period,
             gint64                  t,
             double                  kwh)
{
  GArray *amounts = period_amounts (w, period);
  double cost = 0;

  if (kwh < 0)
    {
      /* Exported energy earns the sell rate and counts toward no tier. */
      cost = kwh * aether_rate_schedule_sell_rate_at (s, period, t);
    }
  else if (period->tiers == NULL || period->tiers->len == 0)
    cost = kwh * aether_rate_schedule_rate_at (s, period, t);
  else
    {
      gint64 key = tier_key_for (s, t);
      double left = kwh;

      if (key != w->tier_key)
        {
          w->tier_key = key;
          w->tier_kwh = 0;
        }

      for (guint i = 0; i < period->tiers->len && left > 0; i++)
        {
          const AetherRateTier *tier = &g_array_index (period->tiers, AetherRateTier, i);
          double room = tier->max_kwh - w->tier_kwh;
          double take;

          if (room <= 0 && i + 1 < period->tiers->len)
            continue;
          take = i + 1 < period->tiers->len ? MIN (left, room) : left;
          cost += take * tier->rate;
          w->tier_kwh += take;
          left -= take;
          g_array_index (amounts, Amount, 1 + i).kwh += take;
          g_array_index (amounts, Amount, 1 + i).cost += take * tier->rate;
        }
    }

  g_array_index (amounts, Amount, 0).kwh += kwh;
  g_array_index (amounts, Amount, 0).cost += cost;
  return cost;
}

static double
energy_taxes (AetherRateSchedule *s,
              double              energy_cost)
{
  double taxes = 0;

  for (guint i = 0; i < aether_rate_schedule_get_n_taxes (s); i++)
    {
      const char *name;
      double percent;
      AetherTaxBase base;

      aether_rate_schedule_get_tax (s, i, &name, &percent, &base);
      if (base & AETHER_TAX_ON_ENERGY)
        taxes += energy_cost * percent / 100.0;
    }

  return taxes;
}

static void
add_member_double (JsonBuilder *b,
                   const char  *name,
                   double       value)
{
  json_builder_set_member_name (b, name);
  /* Money and energy to a precision a bill shows, without float noise. */
  json_builder_add_double_value (b, round (value * 1e6) / 1e6);
}

static void
close_piece (Walk *w)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  g_autofree char *id = NULL;
  g_autoptr(GDateTime) start_dt = NULL;
  g_autofree char *stamp = NULL;
  double hours, taxes;

  if (!w->records || w->piece_period == NULL)
    return;

  start = aether_format_timestamp (w->piece_start * G_USEC_PER_SEC);
  end = aether_format_timestamp (w->piece_end * G_USEC_PER_SEC);
  start_dt = g_date_time_new_from_unix_utc (w->piece_start);
  stamp = g_date_time_format (start_dt, "%Y-%m-%d-%H%M");
  id = g_strdup_printf ("calc-%s-%s-%03u", w->device_id, stamp, ++w->n_records);
  hours = (double)(w->piece_end - w->piece_start) / 3600.0;
  taxes = energy_taxes (w->piece_schedule, w->piece_cost);

  b = json_builder_new ();
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "calculation_id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "timestamp");
  json_builder_add_string_value (b, end);
  json_builder_set_member_name (b, "device_id");
  json_builder_add_string_value (b, w->device_id);
  json_builder_set_member_name (b, "period");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "start");
  json_builder_add_string_value (b, start);
  json_builder_set_member_name (b, "end");
  json_builder_add_string_value (b, end);
  json_builder_set_member_name (b, "duration_minutes");
  json_builder_add_int_value (b, (w->piece_end - w->piece_start) / 60);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "consumption");
  json_builder_begin_object (b);
  add_member_double (b, "energy_kwh", w->piece_kwh);
  add_member_double (b, "average_power_w", hours > 0 ? w->piece_kwh * 1000.0 / hours : 0);
  add_member_double (b, "peak_power_w", MAX (w->piece_peak_w, hours > 0 ? w->piece_kwh * 1000.0 / hours : 0));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "cost_breakdown");
  json_builder_begin_object (b);
  add_member_double (b, "energy_cost", w->piece_cost);
  add_member_double (b, "demand_charge", 0);
  add_member_double (b, "taxes", taxes);
  add_member_double (b, "total", w->piece_cost + taxes);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "rate_applied");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rate_id");
  json_builder_add_string_value (b, aether_rate_schedule_get_id (w->piece_schedule));
  json_builder_set_member_name (b, "period");
  json_builder_add_string_value (b, w->piece_period->name);
  add_member_double (b, "rate_per_kwh", w->piece_kwh != 0 ? w->piece_cost / w->piece_kwh : w->piece_period->rate);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "carbon_emissions");
  json_builder_begin_object (b);
  add_member_double (b, "co2_kg", w->piece_co2);
  add_member_double (b, "intensity_g_per_kwh", w->piece_kwh != 0 ? w->piece_co2 * 1000.0 / w->piece_kwh : 0);
  json_builder_end_object (b);
  json_builder_end_object (b);

  json_array_add_element (w->record_list, json_builder_get_root (b));
  w->piece_period = NULL;
}

static void
walk_interval (Walk                       *w,
               const AetherEnergyInterval *iv,
               gint64                      from_s,
               gint64                      to_s)
{
  gint64 start = MAX (iv->start_s, from_s);
  gint64 end = MIN (iv->end_s, to_s);
  gint64 duration = iv->end_s - iv->start_s;

  if (end <= start || duration <= 0)
    return;

  for (gint64 t = start; t < end;)
    {
      gint64 next = MIN (end, t - (((t % 60) + 60) % 60) + 60);
      double frac = (double)(next - t) / (double)duration;
      double net = iv->energy_kwh * frac;
      /* Imported and exported energy are priced apart (the sell rate for
       * what went out); an interval file that nets them gives negative
       * energy_kwh, which is exported too. */
      double kwh = MAX (net, 0.0);
      double exported = MAX (-net, 0.0) + iv->exported_kwh * frac;
      AetherRateSchedule *s = aether_tariff_schedule_at (w->tariff, t);
      const AetherRatePeriod *period;
      double cost;

      /* A dynamic tariff's minute without a price is not covered either. */
      if (s == NULL || (period = aether_rate_schedule_period_at (s, t)) == NULL ||
          isnan (aether_rate_schedule_rate_at (s, period, t)))
        {
          if (w->uncovered_at == G_MININT64)
            w->uncovered_at = t;
          t = next;
          continue;
        }

      cost = price_slice (w, s, period, t, kwh);
      if (exported > 0)
        cost += price_slice (w, s, period, t, -exported);
      w->kwh += kwh;
      w->exported_kwh += exported;
      w->energy_cost += cost;
      w->co2_kg += (kwh - exported) * aether_rate_schedule_carbon_at (s, t) / 1000.0;

      if (w->windows != NULL && aether_rate_schedule_demand_applies (s, period->name))
        {
          gint64 window = t - (((t % w->window_s) + w->window_s) % w->window_s);
          double *slot = g_hash_table_lookup (w->windows, &window);

          if (slot == NULL)
            {
              slot = g_new0 (double, 1);
              g_hash_table_insert (w->windows, g_memdup2 (&window, sizeof window), slot);
            }
          *slot += kwh;
        }

      if (w->records)
        {
          if (w->piece_period != NULL && (w->piece_period != period || w->piece_schedule != s))
            close_piece (w);
          if (w->piece_period == NULL)
            {
              w->piece_period = period;
              w->piece_schedule = s;
              w->piece_start = t;
              w->piece_kwh = w->piece_cost = w->piece_co2 = 0;
              w->piece_peak_w = iv->peak_w;
            }
          w->piece_end = next;
          w->piece_kwh += kwh;
          w->piece_cost += cost;
          w->piece_co2 += (kwh - exported) * aether_rate_schedule_carbon_at (s, t) / 1000.0;
        }

      t = next;
    }

  /* A record never spans two intervals. */
  close_piece (w);
}

static void
walk_init (Walk         *w,
           AetherTariff *tariff,
           guint         window_s)
{
  memset (w, 0, sizeof *w);
  w->tariff = tariff;
  w->tier_key = G_MININT64;
  w->uncovered_at = G_MININT64;
  w->by_period = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_array_unref);
  w->window_s = window_s;
  w->windows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
}

static void
walk_clear (Walk *w)
{
  g_clear_pointer (&w->by_period, g_hash_table_unref);
  g_clear_pointer (&w->windows, g_hash_table_unref);
}

static double
peak_demand_kw (Walk   *w,
                gint64 *peak_at)
{
  GHashTableIter iter;
  gpointer key, value;
  double peak = 0;

  *peak_at = 0;
  g_hash_table_iter_init (&iter, w->windows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      double kw = *(double *)value / ((double)w->window_s / 3600.0);

      if (kw > peak || (kw == peak && *(gint64 *)key < *peak_at))
        {
          peak = kw;
          *peak_at = *(gint64 *)key;
        }
    }

  return peak;
}

static int
days_in_month (int year,
               int month)
{
  return g_date_get_days_in_month (month, year);
}

/* Fixed charges for [from, to): each local day costs the month's charge
 * over the days of its month, plus the daily charge; a part of a day its
 * part. */
static double
fixed_charges (AetherRateSchedule *s,
               gint64              from_s,
               gint64              to_s,
               double             *days_out)
{
  GTimeZone *tz = aether_rate_schedule_get_time_zone (s);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (from_s);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) day = g_date_time_new (tz, g_date_time_get_year (local), g_date_time_get_month (local),
                                              g_date_time_get_day_of_month (local), 0, 0, 0);
  double total = 0;
  double days = 0;

  while (g_date_time_to_unix (day) < to_s)
    {
      g_autoptr(GDateTime) next = g_date_time_add_days (day, 1);
      gint64 a = MAX (from_s, g_date_time_to_unix (day));
      gint64 b = MIN (to_s, g_date_time_to_unix (next));
      double share = (double)(b - a) / (double)(g_date_time_to_unix (next) - g_date_time_to_unix (day));

      if (share > 0)
        {
          total += share * (aether_rate_schedule_get_monthly_fixed (s) /
                            days_in_month (g_date_time_get_year (day), g_date_time_get_month (day)) +
                            aether_rate_schedule_get_daily_fixed (s));
          days += share;
        }
      g_date_time_unref (day);
      day = g_steal_pointer (&next);
    }

  if (days_out != NULL)
    *days_out = days;
  return total;
}

typedef struct
{
  double energy_cost;
  double demand_charge;
  double fixed;
  double taxes;
  double total;
} Totals;

static void
add_taxes (JsonBuilder        *b,
           AetherRateSchedule *s,
           Totals             *t)
{
  t->taxes = 0;
  if (b != NULL)
    {
      json_builder_set_member_name (b, "taxes");
      json_builder_begin_array (b);
    }
  for (guint i = 0; i < aether_rate_schedule_get_n_taxes (s); i++)
    {
      const char *name;
      double percent, base = 0, amount;
      AetherTaxBase on;

      aether_rate_schedule_get_tax (s, i, &name, &percent, &on);
      if (on & AETHER_TAX_ON_ENERGY) base += t->energy_cost;
      if (on & AETHER_TAX_ON_DEMAND) base += t->demand_charge;
      if (on & AETHER_TAX_ON_FIXED) base += t->fixed;
      amount = base * percent / 100.0;
      t->taxes += amount;

      if (b != NULL)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "name");
          json_builder_add_string_value (b, name);
          add_member_double (b, "percent", percent);
          add_member_double (b, "amount", amount);
          json_builder_end_object (b);
        }
    }
  if (b != NULL)
    json_builder_end_array (b);

  t->total = t->energy_cost + t->demand_charge + t->fixed + t->taxes;
}

static void
add_by_period (JsonBuilder *b,
               Walk        *w,
               gboolean     with_tiers)
{
  GHashTableIter iter;
  gpointer key, value;
  g_autoptr(GList) names = NULL;

  json_builder_set_member_name (b, "by_period");
  json_builder_begin_object (b);
  names = g_list_sort (g_hash_table_get_keys (w->by_period), (GCompareFunc)g_strcmp0);
  for (GList *l = names; l; l = l->next)
    {
      GArray *amounts = g_hash_table_lookup (w->by_period, l->data);

      json_builder_set_member_name (b, l->data);
      json_builder_begin_object (b);
      add_member_double (b, "energy_kwh", g_array_index (amounts, Amount, 0).kwh);
      add_member_double (b, "cost", g_array_index (amounts, Amount, 0).cost);
      if (with_tiers && amounts->len > 1)
        {
          json_builder_set_member_name (b, "tiers");
          json_builder_begin_array (b);
          for (guint i = 1; i < amounts->len; i++)
            {
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "tier");
              json_builder_add_int_value (b, i);
              add_member_double (b, "energy_kwh", g_array_index (amounts, Amount, i).kwh);
              add_member_double (b, "cost", g_array_index (amounts, Amount, i).cost);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_object (b);
  (void)iter; (void)key; (void)value;
}

static gboolean
check_covered (Walk    *w,
               GError **error)
{
  if (w->uncovered_at != G_MININT64)
    {
      g_autofree char *when = aether_format_timestamp (w->uncovered_at * G_USEC_PER_SEC);
      AetherRateSchedule *s = w->tariff ? aether_tariff_schedule_at (w->tariff, w->uncovered_at) : NULL;

      if (s != NULL && aether_rate_schedule_is_dynamic (s))
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE,
                     "The dynamic tariff “%s” has no price for %s: import its prices for that time",
                     aether_rate_schedule_get_id (s), when);
      else
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE,
                     "No rate schedule is in force at %s: add a version that covers it", when);
      return FALSE;
    }
  return TRUE;
}

/**
 * aether_tariff_cost:
 * @self: a tariff
 * @device_id: the device the intervals belong to
 * @intervals: (array length=n_intervals): energy intervals in time order
 * @n_intervals: how many
 * @error: a location for a #GError
 *
 * Returns: (transfer full): `{"records": [Cost Record…], "summary": {…}}`
 */
JsonNode *
aether_tariff_cost (AetherTariff               *self,
                    const char                 *device_id,
                    const AetherEnergyInterval *intervals,
                    guint                       n_intervals,
                    GError                    **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonArray) records = json_array_new ();
  AetherRateSchedule *s;
  Walk w;
  Totals t = { 0 };
  gint64 peak_at;
  double peak_kw;
  gint64 from, to;

  g_return_val_if_fail (AETHER_IS_TARIFF (self), NULL);

  if (n_intervals == 0)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "There are no readings to price");
      return NULL;
    }

  from = intervals[0].start_s;
  to = intervals[n_intervals - 1].end_s;
  if (!(s = aether_tariff_schedule_at (self, from)))
    {
      Walk probe = { .uncovered_at = from };
      check_covered (&probe, error);
      return NULL;
    }

  walk_init (&w, self, aether_rate_schedule_get_demand_window (s) * 60);
  w.records = TRUE;
  w.record_list = records;
  w.device_id = device_id;
  for (guint i = 0; i < n_intervals; i++)
    walk_interval (&w, &intervals[i], G_MININT64, G_MAXINT64);

  if (!check_covered (&w, error))
    {
      walk_clear (&w);
      return NULL;
    }

  peak_kw = peak_demand_kw (&w, &peak_at);
  t.energy_cost = w.energy_cost;
  t.demand_charge = peak_kw * aether_rate_schedule_get_demand_rate (s);
  t.fixed = fixed_charges (s, from, to, NULL);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "records");
  {
    JsonNode *node = json_node_new (JSON_NODE_ARRAY);

    json_node_set_array (node, records);
    json_builder_add_value (b, node);
  }
  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  add_member_double (b, "energy_kwh", w.kwh);
  add_member_double (b, "exported_kwh", w.exported_kwh);
  add_member_double (b, "energy_cost", t.energy_cost);
  add_member_double (b, "demand_charge", t.demand_charge);
  add_member_double (b, "fixed_charges", t.fixed);
  add_taxes (NULL, s, &t);
  add_member_double (b, "taxes", t.taxes);
  add_member_double (b, "total", t.total);
  add_member_double (b, "co2_kg", w.co2_kg);
  json_builder_set_member_name (b, "currency");
  json_builder_add_string_value (b, aether_rate_schedule_get_currency (s));
  add_by_period (b, &w, FALSE);
  json_builder_end_object (b);
  json_builder_end_object (b);

  walk_clear (&w);
  return json_builder_get_root (b);
}

/**
 * aether_tariff_cycle_start:
 * @self: a tariff
 * @year: the year
 * @month: the month
 * @day: the day the cycle starts
 * @error: a location for a #GError
 *
 * Returns: local midnight of that day, in the zone of the schedule in force,
 *   or -1
 */
gint64
aether_tariff_cycle_start (AetherTariff  *self,
                           int            year,
                           int            month,
                           int            day,
                           GError       **error)
{
  g_autoptr(GDateTime) noon = NULL;
  g_autoptr(GDateTime) midnight = NULL;
  AetherRateSchedule *s;

  noon = g_date_time_new_utc (year, month, day, 12, 0, 0);
  if (noon == NULL || !(s = aether_tariff_schedule_at (self, g_date_time_to_unix (noon))))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   "No rate schedule is in force on %04d-%02d-%02d", year, month, day);
      return -1;
    }

  midnight = g_date_time_new (aether_rate_schedule_get_time_zone (s), year, month, day, 0, 0, 0);
  return g_date_time_to_unix (midnight);
}

/**
 * aether_tariff_bill:
 * @self: a tariff
 * @intervals: (array length=n_intervals): the household's energy
 * @n_intervals: how many
 * @cycle_start_s: local midnight of the cycle's first day
 * @error: a location for a #GError
 *
 * The bill of the cycle that starts at @cycle_start_s and ends a month
 * later: energy by period and tier, the demand charge and when its peak
 * was, fixed charges, taxes, total and CO₂. When the readings stop before
 * the cycle ends, a projection of the whole cycle from the usage so far.
 *
 * Returns: (transfer full): the bill as JSON
 */
JsonNode *
aether_tariff_bill (AetherTariff               *self,
                    const AetherEnergyInterval *intervals,
                    guint                       n_intervals,
                    gint64                      cycle_start_s,
                    GError                    **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(GDateTime) start_utc = g_date_time_new_from_unix_utc (cycle_start_s);
  g_autoptr(GDateTime) start_local = NULL;
  g_autoptr(GDateTime) end_local = NULL;
  g_autofree char *start_text = NULL;
  g_autofree char *end_text = NULL;
  AetherRateSchedule *s;
  gint64 cycle_end_s, data_end = cycle_start_s, data_start = G_MAXINT64;
  Walk w;
  Totals t = { 0 };
  gint64 peak_at;
  double peak_kw, days;

  g_return_val_if_fail (AETHER_IS_TARIFF (self), NULL);

  if (!(s = aether_tariff_schedule_at (self, cycle_start_s)))
    {
      Walk probe = { .uncovered_at = cycle_start_s };
      check_covered (&probe, error);
      return NULL;
    }

  start_local = g_date_time_to_timezone (start_utc, aether_rate_schedule_get_time_zone (s));
  end_local = g_date_time_add_months (start_local, 1);
  cycle_end_s = g_date_time_to_unix (end_local);

  walk_init (&w, self, aether_rate_schedule_get_demand_window (s) * 60);
  for (guint i = 0; i < n_intervals; i++)
    {
      walk_interval (&w, &intervals[i], cycle_start_s, cycle_end_s);
      if (intervals[i].start_s < cycle_end_s && intervals[i].end_s > cycle_start_s)
        {
          data_end = MAX (data_end, MIN (intervals[i].end_s, cycle_end_s));
          data_start = MIN (data_start, MAX (intervals[i].start_s, cycle_start_s));
        }
    }

  if (!check_covered (&w, error))
    {
      walk_clear (&w);
      return NULL;
    }

  peak_kw = peak_demand_kw (&w, &peak_at);
  t.energy_cost = w.energy_cost;
  t.demand_charge = peak_kw * aether_rate_schedule_get_demand_rate (s);
  t.fixed = fixed_charges (s, cycle_start_s, cycle_end_s, &days);

  start_text = g_date_time_format (start_local, "%Y-%m-%d");
  end_text = g_date_time_format (end_local, "%Y-%m-%d");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rate_id");
  json_builder_add_string_value (b, aether_rate_schedule_get_id (s));
  json_builder_set_member_name (b, "currency");
  json_builder_add_string_value (b, aether_rate_schedule_get_currency (s));
  json_builder_set_member_name (b, "cycle");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "start");
  json_builder_add_string_value (b, start_text);
  json_builder_set_member_name (b, "end");
  json_builder_add_string_value (b, end_text);
  add_member_double (b, "days", days);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "energy");
  json_builder_begin_object (b);
  add_member_double (b, "energy_kwh", w.kwh);
  add_member_double (b, "exported_kwh", w.exported_kwh);
  add_member_double (b, "cost", w.energy_cost);
  add_by_period (b, &w, TRUE);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "demand");
  json_builder_begin_object (b);
  add_member_double (b, "peak_kw", peak_kw);
  json_builder_set_member_name (b, "peak_time");
  if (peak_kw > 0)
    {
      g_autofree char *when = aether_format_timestamp (peak_at * G_USEC_PER_SEC);
      json_builder_add_string_value (b, when);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "window_minutes");
  json_builder_add_int_value (b, aether_rate_schedule_get_demand_window (s));
  add_member_double (b, "rate_per_kw", aether_rate_schedule_get_demand_rate (s));
  add_member_double (b, "charge", t.demand_charge);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "fixed_charges");
  json_builder_begin_object (b);
  add_member_double (b, "monthly_service", aether_rate_schedule_get_monthly_fixed (s));
  add_member_double (b, "daily_service", aether_rate_schedule_get_daily_fixed (s));
  add_member_double (b, "total", t.fixed);
  json_builder_end_object (b);

  add_taxes (b, s, &t);
  add_member_double (b, "total", t.total);
  add_member_double (b, "co2_kg", w.co2_kg);

  if (data_end < cycle_end_s && data_end > data_start)
    {
      Totals p = t;
      /* The usage rate seen so far, over the whole cycle. */
      double factor = (double)(cycle_end_s - cycle_start_s) / (double)(data_end - data_start);
      g_autofree char *through = aether_format_timestamp (data_end * G_USEC_PER_SEC);

      p.energy_cost = t.energy_cost * factor;
      add_taxes (NULL, s, &p);
      json_builder_set_member_name (b, "projection");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "usage_through");
      json_builder_add_string_value (b, through);
      add_member_double (b, "energy_kwh", w.kwh * factor);
      add_member_double (b, "exported_kwh", w.exported_kwh * factor);
      add_member_double (b, "energy_cost", p.energy_cost);
      add_member_double (b, "demand_charge", p.demand_charge);
      add_member_double (b, "fixed_charges", p.fixed);
      add_member_double (b, "taxes", p.taxes);
      add_member_double (b, "total", p.total);
      json_builder_end_object (b);
    }

  json_builder_end_object (b);

  walk_clear (&w);
  return json_builder_get_root (b);
}

/* ---- AetherPricer ------------------------------------------------------ */

static gboolean
tariff_price_energy (AetherPricer  *pricer,
                     const char    *device_id,
                     gint64         start_unix_s,
                     gint64         end_unix_s,
                     double         energy_kwh,
                     AetherPrice   *price,
                     GError       **error)
{
  AetherTariff *self = AETHER_TARIFF (pricer);
  AetherRateSchedule *s = aether_tariff_schedule_at (self, start_unix_s);
  const AetherRatePeriod *period;
  double rate;

  if (s == NULL || !(period = aether_rate_schedule_period_at (s, start_unix_s)))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE, "No rate schedule is in force");
      return FALSE;
    }

  rate = energy_kwh < 0 ? aether_rate_schedule_sell_rate_at (s, period, start_unix_s)
                        : aether_rate_schedule_rate_at (s, period, start_unix_s);
  if (isnan (rate))
    {
      g_autofree char *when = aether_format_timestamp (start_unix_s * G_USEC_PER_SEC);

      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE,
                   "The dynamic tariff “%s” has no price for %s yet", aether_rate_schedule_get_id (s), when);
      return FALSE;
    }
  price->rate_per_kwh = rate;
  price->cost = energy_kwh * rate;
  price->cost += energy_taxes (s, price->cost);
  price->co2_kg = energy_kwh * aether_rate_schedule_carbon_at (s, start_unix_s) / 1000.0;
  price->period = period->name;
  return TRUE;
}

static void
pricer_iface_init (AetherPricerInterface *iface)
{
  iface->price_energy = tariff_price_energy;
}
