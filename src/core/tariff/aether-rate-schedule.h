/* aether-rate-schedule.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  AETHER_TAX_ON_ENERGY = 1 << 0,
  AETHER_TAX_ON_DEMAND = 1 << 1,
  AETHER_TAX_ON_FIXED  = 1 << 2,
} AetherTaxBase;

/**
 * AetherRateTier:
 * @max_kwh: the tier's upper bound in cumulative kWh (INFINITY for the last)
 * @rate: its price per kWh
 */
typedef struct
{
  double max_kwh;
  double rate;
} AetherRateTier;

/**
 * AetherRatePeriod:
 * @name: the period's name (`peak`, `off_peak`, …)
 * @rate: the price per kWh (the first tier's, when there are tiers)
 * @sell_rate: the price paid per exported kWh
 * @tiers: (element-type AetherRateTier) (nullable): block tiers
 */
typedef struct
{
  char   *name;
  double  rate;
  double  sell_rate;
  GArray *tiers;
  /* private */
  guint8  days;
  int     specificity;
  GArray *ranges;
  char   *days_text;
  char   *hours_text;
} AetherRatePeriod;

typedef struct _AetherRateSchedule AetherRateSchedule;

#define AETHER_TYPE_RATE_SCHEDULE (aether_rate_schedule_get_type ())

GType               aether_rate_schedule_get_type           (void) G_GNUC_CONST;
GPtrArray          *aether_rate_schedule_validate_json      (JsonNode            *node);
AetherRateSchedule *aether_rate_schedule_new_from_json      (JsonNode            *node,
                                                             GError             **error);
AetherRateSchedule *aether_rate_schedule_new_from_file      (const char          *path,
                                                             GError             **error);
AetherRateSchedule *aether_rate_schedule_ref                (AetherRateSchedule  *self);
void                aether_rate_schedule_unref              (AetherRateSchedule  *self);
JsonNode           *aether_rate_schedule_to_json            (AetherRateSchedule  *self);
const char         *aether_rate_schedule_get_id             (AetherRateSchedule  *self);
const char         *aether_rate_schedule_get_currency       (AetherRateSchedule  *self);
GTimeZone          *aether_rate_schedule_get_time_zone      (AetherRateSchedule  *self);
gint64              aether_rate_schedule_get_effective      (AetherRateSchedule  *self);
gint64              aether_rate_schedule_get_expiry         (AetherRateSchedule  *self);
gboolean            aether_rate_schedule_covers             (AetherRateSchedule  *self,
                                                             gint64               unix_s);
const AetherRatePeriod *aether_rate_schedule_period_at      (AetherRateSchedule  *self,
                                                             gint64               unix_s);
gint64              aether_rate_schedule_next_change        (AetherRateSchedule  *self,
                                                             gint64               unix_s);
gboolean            aether_rate_schedule_is_dynamic         (AetherRateSchedule  *self);
double              aether_rate_schedule_rate_at            (AetherRateSchedule  *self,
                                                             const AetherRatePeriod *period,
                                                             gint64               unix_s);
double              aether_rate_schedule_sell_rate_at       (AetherRateSchedule  *self,
                                                             const AetherRatePeriod *period,
                                                             gint64               unix_s);
gboolean            aether_rate_schedule_get_price_range    (AetherRateSchedule  *self,
                                                             gint64              *from_s,
                                                             gint64              *to_s);
double              aether_rate_schedule_carbon_at          (AetherRateSchedule  *self,
                                                             gint64               unix_s);
void                aether_rate_schedule_local_date         (AetherRateSchedule  *self,
                                                             gint64               unix_s,
                                                             int                 *year,
                                                             int                 *month,
                                                             int                 *day);
gboolean            aether_rate_schedule_tiers_are_daily    (AetherRateSchedule  *self);
guint               aether_rate_schedule_get_cycle_start_day (AetherRateSchedule *self);
double              aether_rate_schedule_get_monthly_fixed  (AetherRateSchedule  *self);
double              aether_rate_schedule_get_daily_fixed    (AetherRateSchedule  *self);
double              aether_rate_schedule_get_demand_rate    (AetherRateSchedule  *self);
guint               aether_rate_schedule_get_demand_window  (AetherRateSchedule  *self);
gboolean            aether_rate_schedule_demand_applies     (AetherRateSchedule  *self,
                                                             const char          *period);
guint               aether_rate_schedule_get_n_taxes        (AetherRateSchedule  *self);
void                aether_rate_schedule_get_tax            (AetherRateSchedule  *self,
                                                             guint                index,
                                                             const char         **name,
                                                             double              *percent,
                                                             AetherTaxBase       *base);
guint               aether_rate_schedule_get_n_seasons      (AetherRateSchedule  *self);
const char         *aether_rate_schedule_get_season         (AetherRateSchedule  *self,
                                                             guint                index,
                                                             guint16             *months,
                                                             GPtrArray          **periods);
const guint8       *aether_rate_schedule_get_season_week    (AetherRateSchedule  *self,
                                                             guint                index);
AetherRateSchedule *aether_rate_schedule_parse_json         (JsonNode            *node,
                                                             GPtrArray          **problems);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherRateSchedule, aether_rate_schedule_unref)

G_END_DECLS
