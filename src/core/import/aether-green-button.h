/* aether-green-button.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AetherGreenButtonInterval:
 * @start_s: the start, Unix seconds (UTC, as the file says)
 * @duration_s: its length
 * @value: what was measured, in the reading's unit, the power of ten applied
 * @cost: what the utility charged for it, in currency units; NAN when the
 *   file gives no cost
 */
typedef struct
{
  gint64 start_s;
  gint64 duration_s;
  double value;
  double cost;
} AetherGreenButtonInterval;

/**
 * AetherGreenButtonReading:
 * @href: the MeterReading's own link
 * @title: its title, or %NULL
 * @unit: `Wh`, `VArh`, `W`, `therm`, `m³`, `uom N` for a unit we do not know,
 *   or %NULL when the ReadingType gives none
 * @received: %TRUE for energy received from the customer (`flowDirection`
 *   19: exported, a solar home), %FALSE for energy delivered
 * @interval_s: the ReadingType's `intervalLength`, or 0
 * @currency: the ISO 4217 code of its costs (`USD`), or %NULL
 * @intervals: (element-type AetherGreenButtonInterval): time order
 *
 * One MeterReading with its ReadingType resolved through the links.
 */
typedef struct
{
  char   *href;
  char   *title;
  char   *unit;
  gboolean received;
  gint64  interval_s;
  char   *currency;
  GArray *intervals;
} AetherGreenButtonReading;

/**
 * AetherGreenButtonSummary:
 * @start_s: the billing period's start
 * @duration_s: its length
 * @bill: `billLastPeriod` in currency units, NAN if absent
 * @cost_additional: `costAdditionalLastPeriod`, NAN if absent
 * @consumption: `overallConsumptionLastPeriod` in @consumption_unit, NAN if absent
 * @consumption_unit: its unit
 * @currency: the ISO 4217 code, or %NULL
 *
 * One billing period of an (Electric Power) Usage Summary.
 */
typedef struct
{
  gint64  start_s;
  gint64  duration_s;
  double  bill;
  double  cost_additional;
  double  consumption;
  char   *consumption_unit;
  char   *currency;
} AetherGreenButtonSummary;

/**
 * AetherGreenButtonUsagePoint:
 * @href: its own link
 * @title: its title (often the service address), or %NULL
 * @commodity: `electricity`, `gas`, `water` or `other`
 * @readings: (element-type AetherGreenButtonReading)
 * @summaries: (element-type AetherGreenButtonSummary): time order
 * @time_zone: the zone its LocalTimeParameters describe (UTC when none)
 */
typedef struct
{
  char      *href;
  char      *title;
  char      *commodity;
  GPtrArray *readings;
  GPtrArray *summaries;
  GTimeZone *time_zone;
} AetherGreenButtonUsagePoint;

typedef struct
{
  GPtrArray *usage_points;
} AetherGreenButtonFeed;

AetherGreenButtonFeed *aether_green_button_load       (const char                  *path,
                                                       GError                     **error);
AetherGreenButtonFeed *aether_green_button_parse      (const char                  *data,
                                                       gsize                        length,
                                                       const char                  *filename,
                                                       GError                     **error);
void                   aether_green_button_feed_free  (AetherGreenButtonFeed       *feed);
GTimeZone             *aether_green_button_time_zone  (gint64                       tz_offset_s,
                                                       gint64                       dst_offset_s,
                                                       guint32                      dst_start_rule,
                                                       guint32                      dst_end_rule);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherGreenButtonFeed, aether_green_button_feed_free)

G_END_DECLS
