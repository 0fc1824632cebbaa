/* aether-rate-schedule-parse.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading a Rate Schedule from the seed's JSON, with every problem named
 * in one sentence (validation), into the form of
 * aether-rate-schedule-private.h.
 *
 * Extensions to the seed (all optional):
 *   rate_structure.seasons: [{name, months: [6,7,8,9] | "6-9", periods: [...]}]
 *     in place of rate_structure.periods;
 *   rate_structure.tier_basis: "billing_period" (default) or "daily";
 *   period.tiers: [{max_kwh, rate}, …, {rate}], block prices on the cumulative
 *     energy of the billing period (or day); period.sell_rate for export;
 *   fixed_charges.monthly_service (prorated by day), .daily_service,
 *     .demand_charge (per kW of the highest average demand over
 *     demand.window_minutes, 15 by default, optionally only in demand.periods);
 *   taxes: [{name, percent, applies_to: ["energy", "demand", "fixed"]}];
 *   carbon_intensity_g_per_kwh: a number, or 24 numbers by local hour;
 *   billing_cycle_start_day: 1–28;
 *   rate_structure.type "dynamic" with rate_structure.prices: [{start, end,
 *     rate[, sell_rate]}] (ISO 8601 or epoch seconds, per kWh, negative
 *     allowed): the price of each interval replaces the period's rate (the
 *     periods, one "dynamic" period all week when none are given, still
 *     name the time for demand charges and records); a minute without a
 *     price is not covered, never priced at a guess; rate_structure.price_feed
 *     {format, url, refresh_minutes, field} says where the prices come from;
 *   carbon_intensity_feed: [{start, end, g_per_kwh}] (and carbon_feed
 *     {format, url, refresh_minutes}), which wins over the hourly profile
 *     where it has a figure.
 *
 * Days are day names, "all", "weekdays" or "weekends"; a more specific day
 * list wins over a less specific one ("saturday" over "weekends" over
 * "all"), as in the seed's own weekend example. Hours are "HH:MM-HH:MM"
 * ranges separated by commas; an end of 23:59 (or 24:00) means the end of
 * the day, and a range that ends before it starts runs past midnight.
 * Every minute of the week must belong to exactly one period: validation
 * names the days and times that do not. */

#define G_LOG_DOMAIN "aether-rate-schedule"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aether-error.h"
#include "aether-reading.h"
#include "aether-json.h"
#include "aether-rate-schedule.h"
#include "aether-rate-schedule-private.h"

static const char * const day_names[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};
static const char * const day_titles[] = {
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
};
static const char * const month_names[] = {
  "January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December",
};

static void
period_free (gpointer data)
{
  AetherRatePeriod *period = data;

  g_free (period->name);
  g_clear_pointer (&period->tiers, g_array_unref);
  g_clear_pointer (&period->ranges, g_array_unref);
  g_free (period->days_text);
  g_free (period->hours_text);
  g_free (period);
}

static void
season_free (gpointer data)
{
  Season *season = data;

  g_free (season->name);
  g_ptr_array_unref (season->periods);
  g_free (season->week);
  g_free (season);
}

static void
tax_clear (gpointer data)
{
  g_free (((Tax *)data)->name);
}

/* ---- Parsing helpers ---------------------------------------------------- */

typedef struct
{
  GPtrArray *problems;
} Parse;

static void
problem (Parse      *p,
         const char *format,
         ...) G_GNUC_PRINTF (2, 3);

static void
problem (Parse      *p,
         const char *format,
         ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (p->problems, g_strdup_vprintf (format, args));
  va_end (args);
}

static gboolean
get_number (JsonObject *object,
            const char *member,
            double     *value)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE)
    return FALSE;

  *value = json_node_get_double (node);
  return isfinite (*value);
}

static char *
format_minute (int minute)
{
  return g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);
}

static gboolean
parse_clock (const char *text,
             gboolean    is_end,
             int        *minute)
{
  int h, m;
  char tail;

  if (sscanf (text, "%2d:%2d%c", &h, &m, &tail) != 2 || h < 0 || m < 0 || m > 59 || h > 24 ||
      (h == 24 && m != 0) || (h == 24 && !is_end))
    return FALSE;

  *minute = h * 60 + m;
  /* 23:59 as an end means the end of the day. */
  if (is_end && *minute == 23 * 60 + 59)
    *minute = 1440;
  return TRUE;
}

static gboolean
parse_hours (Parse      *p,
             const char *period_name,
             const char *hours,
             GArray     *ranges)
{
  g_auto(GStrv) parts = g_strsplit (hours, ",", -1);
  gboolean ok = TRUE;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (g_strstrip (parts[i]), "-", -1);
      int start, end;

      if (g_strv_length (ends) != 2 ||
          !parse_clock (g_strstrip (ends[0]), FALSE, &start) ||
          !parse_clock (g_strstrip (ends[1]), TRUE, &end))
        {
          problem (p, "Rate “%s”: hours “%s” are not a time of day (write HH:MM-HH:MM, 00:00 to 23:59)",
                   period_name, g_strstrip (parts[i]));
          ok = FALSE;
          continue;
        }

      if (end == start)
        {
          problem (p, "Rate “%s”: hours “%s” are empty", period_name, parts[i]);
          ok = FALSE;
        }
      else if (end < start)
        {
          /* Past midnight: two ranges on the same days. */
          Range late = { start, 1440 };
          Range early = { 0, end };

          g_array_append_val (ranges, late);
          g_array_append_val (ranges, early);
        }
      else
        {
          Range r = { start, end };

          g_array_append_val (ranges, r);
        }
    }

  return ok;
}

static gboolean
parse_days (Parse            *p,
            AetherRatePeriod *period,
            JsonArray        *days,
            int               spec[7])
{
  gboolean ok = TRUE;

  for (guint d = 0; d < 7; d++)
    spec[d] = -1;

  if (days == NULL)
    {
      problem (p, "Rate “%s”: the days it applies to are missing", period->name);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonNode *node = json_array_get_element (days, i);
      const char *day = JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                        ? json_node_get_string (node) : NULL;
      g_autofree char *lower = day ? g_ascii_strdown (day, -1) : NULL;
      gboolean found = FALSE;

      if (g_strcmp0 (lower, "all") == 0)
        {
          for (guint d = 0; d < 7; d++)
            spec[d] = MAX (spec[d], 0);
          found = TRUE;
        }
      else if (g_strcmp0 (lower, "weekdays") == 0 || g_strcmp0 (lower, "weekends") == 0)
        {
          gboolean weekdays = lower[4] == 'd';

          for (guint d = weekdays ? 0 : 5; d < (weekdays ? 5u : 7u); d++)
            spec[d] = MAX (spec[d], 1);
          found = TRUE;
        }
      else
        {
          for (guint d = 0; d < 7; d++)
            if (g_strcmp0 (lower, day_names[d]) == 0)
              {
                spec[d] = 2;
                found = TRUE;
              }
        }

      if (!found)
        {
          problem (p, "Rate “%s”: “%s” is not a day (monday … sunday, all, weekdays, weekends)",
                   period->name, day ? day : "?");
          ok = FALSE;
        }
    }

  return ok;
}

static AetherRatePeriod *
parse_period (Parse      *p,
              JsonObject *object,
              int         spec[7])
{
  AetherRatePeriod *period = g_new0 (AetherRatePeriod, 1);
  const char *name = aether_json_get_string (object, "name");
  const char *hours = aether_json_get_string (object, "hours");
  JsonArray *tiers = aether_json_get_array (object, "tiers");
  double rate = 0;

  period->name = g_strdup (name ? name : "(unnamed)");
  period->ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  period->hours_text = g_strdup (hours);

  if (name == NULL)
    problem (p, "A rate period has no name");

  /* A price may be negative: dynamic tariffs pay for use in a glut, and
   * some charge for export then. */
  if (get_number (object, "rate", &rate))
    period->rate = rate;
  else if (tiers == NULL)
    problem (p, "Rate “%s”: the rate per kWh is missing or not a number", period->name);

  if (json_object_has_member (object, "sell_rate") && !get_number (object, "sell_rate", &period->sell_rate))
    problem (p, "Rate “%s”: the sell rate is not a number", period->name);

  if (tiers != NULL)
    {
      double last_max = 0;

      period->tiers = g_array_new (FALSE, FALSE, sizeof (AetherRateTier));
      for (guint i = 0; i < json_array_get_length (tiers); i++)
        {
          JsonObject *t = json_array_get_object_element (tiers, i);
          AetherRateTier tier = { INFINITY, 0 };

          if (!get_number (t, "rate", &tier.rate) || tier.rate < 0)
            problem (p, "Rate “%s”: tier %u has no rate, or a negative one", period->name, i + 1);
          if (get_number (t, "max_kwh", &tier.max_kwh))
            {
              if (tier.max_kwh <= last_max)
                problem (p, "Rate “%s”: tier %u ends at %g kWh, not after the tier before it",
                         period->name, i + 1, tier.max_kwh);
              last_max = tier.max_kwh;
            }
          else if (i + 1 < json_array_get_length (tiers))
            problem (p, "Rate “%s”: only the last tier may have no max_kwh", period->name);
          g_array_append_val (period->tiers, tier);
        }
      if (period->tiers->len > 0)
        period->rate = g_array_index (period->tiers, AetherRateTier, 0).rate;
    }

  if (hours == NULL)
    problem (p, "Rate “%s”: the hours it applies to are missing", period->name);
  else
    parse_hours (p, period->name, hours, period->ranges);

  parse_days (p, period, aether_json_get_array (object, "days"), spec);
  for (guint d = 0; d < 7; d++)
    if (spec[d] >= 0)
      period->days |= 1 << d;

  return period;
}

/* Names a set of days the way a person would. */
static char *
describe_days (guint8 days)
{
  GString *text;

  if (days == 0x7f)
    return g_strdup ("every day");
  if (days == 0x1f)
    return g_strdup ("weekdays");
  if (days == 0x60)
    return g_strdup ("weekends");

  text = g_string_new (NULL);
  for (guint d = 0; d < 7; d++)
    if (days & (1 << d))
      g_string_append_printf (text, "%s%s", text->len ? ", " : "", day_titles[d]);
  return g_string_free (text, FALSE);
}

typedef struct
{
  int    start;
  int    end;
  guint8 days;
  int    a;
  int    b;
} Run;

/* Collects runs of minutes where @pick is true for a day, then merges
 * runs with the same times and periods across days. */
static void
report_runs (Parse       *p,
             const char  *prefix,
             const char  *what,
             GArray      *runs,
             GPtrArray   *periods)
{
  for (guint i = 0; i < runs->len; i++)
    {
      Run *r = &g_array_index (runs, Run, i);
      g_autofree char *days = NULL;
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;

      if (r->days == 0)
        continue;

      for (guint j = i + 1; j < runs->len; j++)
        {
          Run *o = &g_array_index (runs, Run, j);

          if (o->start == r->start && o->end == r->end && o->a == r->a && o->b == r->b)
            {
              r->days |= o->days;
              o->days = 0;
            }
        }

      days = describe_days (r->days);
      from = format_minute (r->start);
      to = format_minute (r->end);

      if (r->a < 0)
        problem (p, "%s%s %s–%s are not covered by any period", prefix, days, from, to);
      else
        problem (p, "%s“%s” and “%s” both cover %s %s–%s%s", prefix,
                 ((AetherRatePeriod *)g_ptr_array_index (periods, r->a))->name,
                 ((AetherRatePeriod *)g_ptr_array_index (periods, r->b))->name, days, from, to, what);
    }
}

static int
compare_runs (gconstpointer a,
              gconstpointer b)
{
  const Run *x = a, *y = b;
  int dx = x->days ? __builtin_ctz (x->days) : 7;
  int dy = y->days ? __builtin_ctz (y->days) : 7;

  if (x->start != y->start)
    return x->start - y->start;
  return dx - dy;
}

static void
build_week (Parse   *p,
            Season  *season,
            GArray  *specs)
{
  g_autofree gint8 *best = g_new (gint8, MINUTES_PER_WEEK);
  g_autofree int *clash = g_new (int, MINUTES_PER_WEEK);
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (Run));
  g_autoptr(GArray) overlaps = g_array_new (FALSE, FALSE, sizeof (Run));
  g_autofree char *prefix = season->name ? g_strdup_printf ("Season “%s”: ", season->name) : g_strdup ("");

  season->week = g_new (guint8, MINUTES_PER_WEEK);
  memset (season->week, NO_PERIOD, MINUTES_PER_WEEK);
  memset (best, -1, MINUTES_PER_WEEK);
  for (guint m = 0; m < MINUTES_PER_WEEK; m++)
    clash[m] = -1;

  for (guint i = 0; i < season->periods->len; i++)
    {
      AetherRatePeriod *period = g_ptr_array_index (season->periods, i);
      int *spec = &g_array_index (specs, int, i * 7);

      for (guint d = 0; d < 7; d++)
        {
          if (spec[d] < 0)
            continue;
          for (guint r = 0; r < period->ranges->len; r++)
            {
              Range *range = &g_array_index (period->ranges, Range, r);

              for (int m = range->start; m < range->end; m++)
                {
                  guint w = d * 1440 + m;

                  if (best[w] < spec[d])
                    {
                      season->week[w] = i;
                      best[w] = spec[d];
                      clash[w] = -1;
                    }
                  else if (best[w] == spec[d] && season->week[w] != i)
                    clash[w] = (int)i;
                }
            }
        }
    }

  /* Gaps and overlaps, as runs per day. */
  for (guint d = 0; d < 7; d++)
    {
      for (int m = 0; m < 1440;)
        {
          guint w = d * 1440 + m;
          int end = m;

          if (season->week[w] == NO_PERIOD)
            {
              Run run = { m, 0, 1 << d, -1, -1 };

              while (end < 1440 && season->week[d * 1440 + end] == NO_PERIOD)
                end++;
              run.end = end;
              g_array_append_val (gaps, run);
              m = end;
            }
          else if (clash[w] >= 0)
            {
              Run run = { m, 0, 1 << d, season->week[w], clash[w] };

              while (end < 1440 && clash[d * 1440 + end] == run.b && season->week[d * 1440 + end] == run.a)
                end++;
              run.end = end;
              g_array_append_val (overlaps, run);
              m = end;
            }
          else
            m++;
        }
    }

  g_array_sort (gaps, compare_runs);
  g_array_sort (overlaps, compare_runs);
  report_runs (p, prefix, "", gaps, season->periods);
  report_runs (p, prefix, " on the same kind of day (the more specific day list wins; these are equal)",
               overlaps, season->periods);
}

static gboolean
parse_months (Parse      *p,
              JsonObject *object,
              const char *season_name,
              guint16    *months)
{
  JsonNode *node = json_object_get_member (object, "months");

  *months = 0;
  if (node == NULL)
    {
      problem (p, "Season “%s”: its months are missing", season_name);
      return FALSE;
    }

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          gint64 m = json_array_get_int_element (array, i);

          if (m < 1 || m > 12)
            {
              problem (p, "Season “%s”: %" G_GINT64_FORMAT " is not a month (1–12)", season_name, m);
              return FALSE;
            }
          *months |= 1 << (m - 1);
        }
      return TRUE;
    }

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      int a, b;
      char tail;

      if (sscanf (json_node_get_string (node), "%d-%d%c", &a, &b, &tail) == 2 && a >= 1 && a <= 12 && b >= 1 && b <= 12)
        {
          for (int m = a; ; m = m % 12 + 1)
            {
              *months |= 1 << (m - 1);
              if (m == b)
                break;
            }
          return TRUE;
        }
    }

  problem (p, "Season “%s”: months must be a list like [6, 7, 8, 9] or a range like \"6-9\"", season_name);
  return FALSE;
}

static Season *
parse_season (Parse      *p,
              const char *name,
              guint16     months,
              JsonArray  *periods)
{
  Season *season = g_new0 (Season, 1);
  g_autoptr(GArray) specs = g_array_new (FALSE, FALSE, sizeof (int));

  season->name = g_strdup (name);
  season->months = months;
  season->periods = g_ptr_array_new_with_free_func (period_free);

  if (periods == NULL || json_array_get_length (periods) == 0)
    {
      problem (p, "%s%s has no periods", name ? "Season " : "The rate structure", name ? name : "");
      season->week = g_new (guint8, MINUTES_PER_WEEK);
      memset (season->week, NO_PERIOD, MINUTES_PER_WEEK);
      return season;
    }

  if (json_array_get_length (periods) >= NO_PERIOD)
    problem (p, "Too many periods");

  for (guint i = 0; i < json_array_get_length (periods) && i < NO_PERIOD; i++)
    {
      JsonNode *node = json_array_get_element (periods, i);
      int spec[7];

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          problem (p, "Period %u is not an object", i + 1);
          continue;
        }
      g_ptr_array_add (season->periods, parse_period (p, json_node_get_object (node), spec));
      g_array_append_vals (specs, spec, 7);
    }

  build_week (p, season, specs);
  return season;
}

static gboolean
parse_date (const char *text,
            GTimeZone  *tz,
            gboolean    end_of_day,
            gint64     *unix_s)
{
  int y, m, d;
  char tail;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
    return FALSE;

  dt = g_date_time_new (tz, y, m, d, 0, 0, 0);
  if (dt == NULL || g_date_time_get_day_of_month (dt) != d)
    return FALSE;
  if (end_of_day)
    dt = g_date_time_add_days (g_steal_pointer (&dt), 1);

  *unix_s = g_date_time_to_unix (dt);
  return TRUE;
}

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const Slot *x = a, *y = b;

  return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static gboolean
get_instant (JsonObject *object,
             const char *member,
             gint64     *unix_s)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  gint64 us;
  double number;

  if (get_number (object, member, &number))
    {
      if (number < 0 || number > 4102444800.0)
        return FALSE;
      *unix_s = (gint64)number;
      return TRUE;
    }
  if (node == NULL || aether_json_get_string (object, member) == NULL ||
      !aether_parse_timestamp (aether_json_get_string (object, member), &us, NULL))
    return FALSE;
  *unix_s = us / G_USEC_PER_SEC;
  return TRUE;
}

/* A list of intervals with a value each (prices, carbon), sorted; an
 * interval that overlaps another, ends before it starts or has no value is
 * named. */
static GArray *
parse_slots (Parse      *p,
             JsonArray  *array,
             const char *what,
             const char *value_member,
             gboolean    with_sell,
             gboolean    allow_negative)
{
  GArray *slots = g_array_new (FALSE, FALSE, sizeof (Slot));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o = node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      Slot slot = { .sell = NAN };

      if (o == NULL || !get_instant (o, "start", &slot.start_s) || !get_instant (o, "end", &slot.end_s) ||
          slot.end_s <= slot.start_s)
        {
          problem (p, "%s %u needs a start and a later end (ISO 8601 or epoch seconds)", what, i + 1);
          continue;
        }
      if (!get_number (o, value_member, &slot.value) || (!allow_negative && slot.value < 0))
        {
          g_autofree char *when = aether_format_timestamp (slot.start_s * G_USEC_PER_SEC);

          problem (p, "%s %u (from %s) needs a %s%s", what, i + 1, when, allow_negative ? "" : "non-negative ",
                   value_member);
          continue;
        }
      if (with_sell && json_object_has_member (o, "sell_rate") && !get_number (o, "sell_rate", &slot.sell))
        problem (p, "%s %u: its sell_rate is not a number", what, i + 1);
      g_array_append_val (slots, slot);
    }

  g_array_sort (slots, compare_slots);
  for (guint i = 1; i < slots->len; i++)
    {
      Slot *a = &g_array_index (slots, Slot, i - 1);
      Slot *b = &g_array_index (slots, Slot, i);

      if (b->start_s < a->end_s)
        {
          g_autofree char *when = aether_format_timestamp (b->start_s * G_USEC_PER_SEC);

          problem (p, "%s overlap at %s: one instant can have only one", what, when);
          break;
        }
    }
  return slots;
}

/* Where a feed comes from: an http(s) address, a format we read. */
static void
check_feed (Parse      *p,
            JsonObject *feed,
            const char *what)
{
  static const char * const formats[] = { "octopus_agile", "nordpool", "entsoe", "uk_carbon_intensity", NULL };
  const char *url = aether_json_get_string (feed, "url");
  const char *format = aether_json_get_string (feed, "format");
  double minutes;

  if (url != NULL && !g_str_has_prefix (url, "http://") && !g_str_has_prefix (url, "https://"))
    problem (p, "The %s’s url “%s” is not an http or https address", what, url);
  if (format != NULL && !g_strv_contains (formats, format))
    problem (p, "The %s’s format “%s” is not one of octopus_agile, nordpool, entsoe, uk_carbon_intensity", what, format);
  if (json_object_has_member (feed, "refresh_minutes") &&
      (!get_number (feed, "refresh_minutes", &minutes) || minutes < 5))
    problem (p, "The %s’s refresh_minutes must be a number of minutes, 5 or more", what);
}

static AetherRateSchedule *
parse (JsonNode  *node,
       Parse     *p)
{
  g_autoptr(AetherRateSchedule) self = NULL;
  JsonObject *object;
  JsonObject *structure;
  JsonObject *fixed;
  JsonObject *demand;
  JsonArray *seasons;
  JsonArray *taxes;
  JsonNode *carbon;
  const char *tz_name;
  const char *effective;
  const char *expiry;
  double number;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      problem (p, "A rate schedule must be a JSON object");
      return NULL;
    }

  object = json_node_get_object (node);
  self = g_atomic_rc_box_new0 (AetherRateSchedule);
  self->json = json_object_ref (object);
  self->cache_block = G_MININT64;
  self->taxes = g_array_new (FALSE, TRUE, sizeof (Tax));
  g_array_set_clear_func (self->taxes, tax_clear);
  self->seasons = g_ptr_array_new_with_free_func (season_free);
  self->demand_window = 15;

  self->rate_id = g_strdup (aether_json_get_string (object, "rate_id"));
  if (self->rate_id == NULL || self->rate_id[0] == '\0')
    problem (p, "The schedule has no rate_id");

  self->currency = g_strdup (aether_json_get_string (object, "currency") ? aether_json_get_string (object, "currency") : "USD");

  tz_name = aether_json_get_string (object, "time_zones");
  if (tz_name != NULL)
    {
      self->tz = g_time_zone_new_identifier (tz_name);
      if (self->tz == NULL)
        {
          problem (p, "“%s” is not a time zone (write an IANA name such as America/Los_Angeles)", tz_name);
          self->tz = g_time_zone_new_utc ();
        }
    }
  else
    self->tz = g_time_zone_new_local ();

  effective = aether_json_get_string (object, "effective_date");
  expiry = aether_json_get_string (object, "expiry_date");
  self->effective_s = G_MININT64;
  self->expiry_s = G_MAXINT64;
  if (effective != NULL && !parse_date (effective, self->tz, FALSE, &self->effective_s))
    problem (p, "The effective date “%s” is not a date (YYYY-MM-DD)", effective);
  if (expiry != NULL && !parse_date (expiry, self->tz, TRUE, &self->expiry_s))
    problem (p, "The expiry date “%s” is not a date (YYYY-MM-DD)", expiry);
  if (effective != NULL && expiry != NULL && self->expiry_s <= self->effective_s)
    problem (p, "The expiry date %s comes before the effective date %s", expiry, effective);

  structure = aether_json_get_object (object, "rate_structure");
  if (structure == NULL)
    {
      problem (p, "The schedule has no rate_structure");
      return g_steal_pointer (&self);
    }

  self->tiers_daily = g_strcmp0 (aether_json_get_string (structure, "tier_basis"), "daily") == 0;

  seasons = aether_json_get_array (structure, "seasons");
  if (seasons != NULL)
    {
      guint16 seen = 0;

      for (guint i = 0; i < json_array_get_length (seasons); i++)
        {
          JsonObject *s = json_array_get_object_element (seasons, i);
          const char *name = aether_json_get_string (s, "name");
          guint16 months;
          g_autofree char *fallback = g_strdup_printf ("season %u", i + 1);

          if (!parse_months (p, s, name ? name : fallback, &months))
            continue;
          for (guint m = 0; m < 12; m++)
            if ((months & seen) & (1 << m))
              problem (p, "%s is in more than one season", month_names[m]);
          seen |= months;
          g_ptr_array_add (self->seasons, parse_season (p, name ? name : fallback, months, aether_json_get_array (s, "periods")));
        }
      for (guint m = 0; m < 12; m++)
        if (!(seen & (1 << m)))
          problem (p, "No season covers %s", month_names[m]);
    }
  else if (g_strcmp0 (aether_json_get_string (structure, "type"), "dynamic") == 0 && aether_json_get_array (structure, "periods") == NULL)
    {
      /* A dynamic tariff needs no periods of its own: one, all week. */
      g_autoptr(JsonNode) periods = json_from_string ("[{\"name\": \"dynamic\", \"rate\": 0, \"days\": [\"all\"],"
                                                      " \"hours\": \"00:00-24:00\"}]", NULL);

      g_ptr_array_add (self->seasons, parse_season (p, NULL, 0xfff, json_node_get_array (periods)));
    }
  else
    g_ptr_array_add (self->seasons, parse_season (p, NULL, 0xfff, aether_json_get_array (structure, "periods")));

  if (g_strcmp0 (aether_json_get_string (structure, "type"), "dynamic") == 0)
    {
      JsonArray *prices = aether_json_get_array (structure, "prices");

      self->prices = prices ? parse_slots (p, prices, "Prices", "rate", TRUE, TRUE)
                            : g_array_new (FALSE, FALSE, sizeof (Slot));
      for (guint i = 0; i < self->seasons->len; i++)
        {
          Season *season = g_ptr_array_index (self->seasons, i);

          for (guint j = 0; j < season->periods->len; j++)
            if (((AetherRatePeriod *)g_ptr_array_index (season->periods, j))->tiers != NULL)
              problem (p, "A dynamic tariff’s prices come from its feed; period “%s” cannot have tiers",
                       ((AetherRatePeriod *)g_ptr_array_index (season->periods, j))->name);
        }
    }
  else if (aether_json_get_array (structure, "prices") != NULL)
    problem (p, "Prices per interval need rate_structure.type “dynamic”");
  if (aether_json_get_object (structure, "price_feed") != NULL)
    check_feed (p, aether_json_get_object (structure, "price_feed"), "price feed");

  fixed = aether_json_get_object (object, "fixed_charges");
  if (get_number (fixed, "monthly_service", &number))
    self->monthly_fixed = number;
  if (get_number (fixed, "daily_service", &number))
    self->daily_fixed = number;
  if (get_number (fixed, "demand_charge", &number))
    self->demand_rate = number;
  if (self->monthly_fixed < 0 || self->daily_fixed < 0 || self->demand_rate < 0)
    problem (p, "Fixed and demand charges cannot be negative");

  demand = aether_json_get_object (object, "demand");
  if (demand != NULL)
    {
      JsonArray *periods = aether_json_get_array (demand, "periods");

      if (get_number (demand, "rate_per_kw", &number))
        self->demand_rate = number;
      if (get_number (demand, "window_minutes", &number))
        {
          if (number < 1 || number > 60 || 60 % (int)number != 0)
            problem (p, "The demand window of %g minutes must divide an hour (5, 15, 30, 60)", number);
          else
            self->demand_window = (guint)number;
        }
      if (periods != NULL)
        {
          self->demand_periods = g_new0 (char *, json_array_get_length (periods) + 1);
          for (guint i = 0; i < json_array_get_length (periods); i++)
            self->demand_periods[i] = g_strdup (json_array_get_string_element (periods, i));
        }
    }

  taxes = aether_json_get_array (object, "taxes");
  for (guint i = 0; taxes != NULL && i < json_array_get_length (taxes); i++)
    {
      JsonObject *t = json_array_get_object_element (taxes, i);
      JsonArray *applies = aether_json_get_array (t, "applies_to");
      Tax tax = { 0 };

      tax.name = g_strdup (aether_json_get_string (t, "name") ? aether_json_get_string (t, "name") : "tax");
      if (!get_number (t, "percent", &tax.percent) || tax.percent < 0)
        problem (p, "Tax “%s”: its percent is missing or negative", tax.name);
      if (applies == NULL)
        tax.base = AETHER_TAX_ON_ENERGY | AETHER_TAX_ON_DEMAND | AETHER_TAX_ON_FIXED;
      for (guint j = 0; applies != NULL && j < json_array_get_length (applies); j++)
        {
          const char *what = json_array_get_string_element (applies, j);

          if (g_strcmp0 (what, "energy") == 0)
            tax.base |= AETHER_TAX_ON_ENERGY;
          else if (g_strcmp0 (what, "demand") == 0)
            tax.base |= AETHER_TAX_ON_DEMAND;
          else if (g_strcmp0 (what, "fixed") == 0)
            tax.base |= AETHER_TAX_ON_FIXED;
          else
            problem (p, "Tax “%s”: “%s” is not energy, demand or fixed", tax.name, what ? what : "?");
        }
      g_array_append_val (self->taxes, tax);
    }

  carbon = json_object_get_member (object, "carbon_intensity_g_per_kwh");
  if (carbon != NULL && JSON_NODE_HOLDS_ARRAY (carbon))
    {
      JsonArray *hours = json_node_get_array (carbon);

      if (json_array_get_length (hours) != 24)
        problem (p, "The carbon intensity profile needs 24 hourly values, not %u", json_array_get_length (hours));
      for (guint h = 0; h < 24 && h < json_array_get_length (hours); h++)
        self->carbon[h] = json_array_get_double_element (hours, h);
    }
  else if (get_number (object, "carbon_intensity_g_per_kwh", &number))
    for (guint h = 0; h < 24; h++)
      self->carbon[h] = number;
  for (guint h = 0; h < 24; h++)
    if (self->carbon[h] < 0)
      problem (p, "The carbon intensity cannot be negative");
  if (aether_json_get_object (object, "carbon_feed") != NULL)
    check_feed (p, aether_json_get_object (object, "carbon_feed"), "carbon feed");
  if (aether_json_get_array (object, "carbon_intensity_feed") != NULL)
    self->carbon_slots = parse_slots (p, aether_json_get_array (object, "carbon_intensity_feed"), "Carbon intensities",
                                      "g_per_kwh", FALSE, FALSE);

  self->cycle_start_day = 1;
  if (get_number (object, "billing_cycle_start_day", &number))
    {
      if (number < 1 || number > 28 || number != floor (number))
        problem (p, "The billing cycle start day must be a day of the month from 1 to 28, not %g", number);
      else
        self->cycle_start_day = (guint)number;
    }

  return g_steal_pointer (&self);
}

/**
 * aether_rate_schedule_validate_json:
 * @node: a rate schedule
 *
 * Returns: (transfer full) (element-type utf8): every problem, one sentence
 *   each; empty when the schedule is valid
 */
GPtrArray *
aether_rate_schedule_validate_json (JsonNode *node)
{
  Parse p = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(AetherRateSchedule) self = parse (node, &p);

  return p.problems;
}

/**
 * aether_rate_schedule_new_from_json:
 * @node: the seed's Rate Schedule JSON
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the schedule, or %NULL with every problem in
 *   @error's message, one per line
 */
AetherRateSchedule *
aether_rate_schedule_new_from_json (JsonNode  *node,
                                    GError   **error)
{
  Parse p = { g_ptr_array_new_with_free_func (g_free) };
  g_autoptr(AetherRateSchedule) self = parse (node, &p);
  g_autoptr(GPtrArray) problems = p.problems;

  if (problems->len > 0)
    {
      g_ptr_array_add (problems, NULL);
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE,
                           g_strjoinv ("\n", (char **)problems->pdata));
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * aether_rate_schedule_new_from_file:
 * @path: a JSON file
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the schedule, or %NULL
 */
AetherRateSchedule *
aether_rate_schedule_new_from_file (const char  *path,
                                    GError     **error)
{
  g_autoptr(JsonNode) root = aether_json_parse_file (path, AETHER_JSON_MAX_DEPTH, error);

  if (root == NULL)
    return NULL;

  return aether_rate_schedule_new_from_json (root, error);
}

/**
 * aether_rate_schedule_parse_json:
 * @node: a rate schedule
 * @problems: (out) (transfer full) (element-type utf8): what
 *   aether_rate_schedule_validate_json() would say
 *
 * Reads as much of a schedule as can be read, for an editor to show a
 * schedule that does not validate yet.
 *
 * Returns: (transfer full) (nullable): the schedule, %NULL when @node is
 *   not an object
 */
AetherRateSchedule *
aether_rate_schedule_parse_json (JsonNode   *node,
                                 GPtrArray **problems)
{
  Parse p = { g_ptr_array_new_with_free_func (g_free) };
  AetherRateSchedule *self = parse (node, &p);

  *problems = p.problems;
  return self;
}
