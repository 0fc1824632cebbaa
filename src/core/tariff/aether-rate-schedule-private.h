/* aether-rate-schedule-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The parsed form of a rate schedule, shared by aether-rate-schedule.c
 * (the lookups) and aether-rate-schedule-parse.c (reading the JSON). */

#pragma once

#include "aether-rate-schedule.h"

G_BEGIN_DECLS

#define MINUTES_PER_WEEK (7 * 1440)
#define NO_PERIOD        0xff

typedef struct
{
  int start;
  int end;
} Range;

typedef struct
{
  gint64 start_s;
  gint64 end_s;
  double value;
  double sell;            /* NAN: the period's sell rate */
} Slot;

typedef struct
{
  char      *name;
  guint16    months;      /* bit m-1 for month m */
  GPtrArray *periods;     /* AetherRatePeriod */
  guint8    *week;        /* MINUTES_PER_WEEK period indices, Monday 00:00 first */
} Season;

typedef struct
{
  char          *name;
  double         percent;
  AetherTaxBase  base;
} Tax;

struct _AetherRateSchedule
{
  JsonObject *json;

  char       *rate_id;
  char       *currency;
  GTimeZone  *tz;
  gint64      effective_s;
  gint64      expiry_s;

  GPtrArray  *seasons;
  gboolean    tiers_daily;
  guint       cycle_start_day;

  double      monthly_fixed;
  double      daily_fixed;
  double      demand_rate;
  guint       demand_window;
  char      **demand_periods;

  GArray     *taxes;
  double      carbon[24];

  /* Dynamic prices and the carbon feed: Slot, by start, not overlapping. */
  GArray     *prices;
  GArray     *carbon_slots;

  /* Local time of the last 15-minute block asked about. */
  gint64      cache_block;
  gint        cache_minute_of_week;
  gint        cache_month;
  gint        cache_hour;
  gint        cache_year;
  gint        cache_day;
};

G_END_DECLS
