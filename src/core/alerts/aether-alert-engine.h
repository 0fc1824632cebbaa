/* aether-alert-engine.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aether-alert-rule.h"
#include "aether-clock.h"
#include "aether-home.h"
#include "aether-notifier.h"
#include "aether-reading.h"

G_BEGIN_DECLS

typedef enum
{
  AETHER_ALERT_HISTORY_FIRED,
  AETHER_ALERT_HISTORY_CLEARED,
  AETHER_ALERT_HISTORY_ACTION,
} AetherAlertHistoryKind;

/**
 * AetherAlertHistoryEntry:
 * @time_us: when it happened
 * @alert_id: the rule
 * @kind: fired, cleared, or an action's result
 * @detail: for a person: the value, or what the action did and how it went
 */
typedef struct
{
  gint64                  time_us;
  char                   *alert_id;
  AetherAlertHistoryKind  kind;
  char                   *detail;
} AetherAlertHistoryEntry;

#define AETHER_TYPE_ALERT_ENGINE (aether_alert_engine_get_type ())

G_DECLARE_FINAL_TYPE (AetherAlertEngine, aether_alert_engine, AETHER, ALERT_ENGINE, GObject)

AetherAlertEngine *aether_alert_engine_new                  (AetherClock        *clock,
                                                             GTimeZone          *user_tz);
void               aether_alert_engine_add_rule             (AetherAlertEngine  *self,
                                                             AetherAlertRule    *rule);
gboolean           aether_alert_engine_remove_rule          (AetherAlertEngine  *self,
                                                             const char         *alert_id);
AetherAlertRule   *aether_alert_engine_get_rule             (AetherAlertEngine  *self,
                                                             const char         *alert_id);
void               aether_alert_engine_set_device           (AetherAlertEngine  *self,
                                                             const char         *device_id,
                                                             const char         *name,
                                                             const char         *room,
                                                             gboolean            controllable);
void               aether_alert_engine_set_home             (AetherAlertEngine  *self,
                                                             AetherHome         *home);
void               aether_alert_engine_process_reading      (AetherAlertEngine  *self,
                                                             const AetherReading *reading);
void               aether_alert_engine_device_seen          (AetherAlertEngine  *self,
                                                             const char         *device_id,
                                                             gint64              last_seen_us);
void               aether_alert_engine_set_costs            (AetherAlertEngine  *self,
                                                             double              today,
                                                             double              projected_bill);
void               aether_alert_engine_set_rate_period      (AetherAlertEngine  *self,
                                                             const char         *period);
void               aether_alert_engine_set_billing_peak_kw  (AetherAlertEngine  *self,
                                                             double              peak_kw);
gboolean           aether_alert_engine_snooze               (AetherAlertEngine  *self,
                                                             const char         *alert_id,
                                                             guint               seconds);
gint64             aether_alert_engine_get_snoozed_until    (AetherAlertEngine  *self,
                                                             const char         *alert_id);
gboolean           aether_alert_engine_get_state            (AetherAlertEngine  *self,
                                                             const char         *alert_id,
                                                             gint64             *snoozed_until_us,
                                                             gint64             *last_fired_us);
gboolean           aether_alert_engine_restore_state        (AetherAlertEngine  *self,
                                                             const char         *alert_id,
                                                             gint64              snoozed_until_us,
                                                             gint64              last_fired_us);
GPtrArray         *aether_alert_engine_list_rules           (AetherAlertEngine  *self);
void               aether_alert_engine_record_action_result (AetherAlertEngine  *self,
                                                             const char         *alert_id,
                                                             const char         *detail);
gboolean           aether_alert_engine_is_firing            (AetherAlertEngine  *self,
                                                             const char         *alert_id);
GPtrArray         *aether_alert_engine_get_history          (AetherAlertEngine  *self);
guint              aether_alert_engine_prune_history        (AetherAlertEngine  *self,
                                                             guint               max_age_days);


char              *aether_alert_describe_duration           (guint               seconds);

G_END_DECLS
