/* aether-alert-engine-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aether-alert-engine.h"
#include "aether-home.h"

G_BEGIN_DECLS

#define DEMAND_WINDOW_S       (15 * 60)

typedef enum
{
  RULE_IDLE,
  RULE_PENDING,
  RULE_FIRED,
} RuleState;

typedef struct
{
  /* Owned */
  AetherAlertRule   *rule;

  /* Borrowed */
  AetherAlertEngine *engine;

  RuleState          state;
  gint64             pending_since_us;
  gint64             fired_at_us;
  gint64             quiet_until_us;    /* the cooldown after firing */
  gint64             snoozed_until_us;  /* a person asked for quiet */
  double             last_value;
  guint              hold_timer;
  guint              automation_timer;
} RuleSlot;

typedef struct
{
  char    *name;
  char    *room;
  gboolean controllable;
  double   power_w;
  gboolean have_power;
  gint64   last_seen_us;
} DeviceInfo;

struct _AetherAlertEngine
{
  GObject      parent_instance;

  /* Owned references */
  AetherClock *clock;
  GTimeZone   *tz;
  GHashTable  *rules;      /* alert_id → RuleSlot */
  GHashTable  *devices;    /* device_id → DeviceInfo */
  GPtrArray   *history;    /* AetherAlertHistoryEntry */
  AetherHome  *home;       /* nullable: without one, every device known */
  char        *rate_period;

  double       cost_today;
  double       cost_projected;
  double       billing_peak_kw;

  /* Demand: energy of the home in the current 15-minute block */
  gint64       demand_block;
  double       demand_wh;
  gint64       demand_last_us;
  double       demand_last_w;

  guint        offline_timer;
};

/* aether-alert-scope.c */
gboolean _aether_alert_engine_counts_for_home     (AetherAlertEngine *self,
                                                   const char        *device_id);
gboolean _aether_alert_engine_counts_for_room     (AetherAlertEngine *self,
                                                   const char        *device_id,
                                                   DeviceInfo        *info,
                                                   const char        *room);
double   _aether_alert_engine_scope_value         (AetherAlertEngine *self,
                                                   AetherAlertRule   *rule,
                                                   const char        *metric,
                                                   gboolean          *known);
void     _aether_alert_engine_update_demand       (AetherAlertEngine *self,
                                                   gint64             timestamp_us,
                                                   double             home_w);
double   _aether_alert_engine_projected_demand_kw (AetherAlertEngine *self);

G_END_DECLS
