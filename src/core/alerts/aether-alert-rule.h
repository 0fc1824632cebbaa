/* aether-alert-rule.h
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
  AETHER_ALERT_CONDITION_THRESHOLD,
  AETHER_ALERT_CONDITION_COST,
  AETHER_ALERT_CONDITION_OFFLINE,
  AETHER_ALERT_CONDITION_RATE_PERIOD,
  AETHER_ALERT_CONDITION_DEMAND,
} AetherAlertConditionType;

typedef enum
{
  AETHER_ALERT_OPERATOR_GREATER_THAN,
  AETHER_ALERT_OPERATOR_LESS_THAN,
  AETHER_ALERT_OPERATOR_EQUALS,
  AETHER_ALERT_OPERATOR_NOT_EQUALS,
} AetherAlertOperator;

typedef enum
{
  AETHER_ALERT_SCOPE_DEVICE,
  AETHER_ALERT_SCOPE_ROOM,
  AETHER_ALERT_SCOPE_HOME,
} AetherAlertScope;

typedef enum
{
  AETHER_ALERT_ACTION_NOTIFICATION,
  AETHER_ALERT_ACTION_AUTOMATION,
  AETHER_ALERT_ACTION_WEBHOOK,
} AetherAlertActionType;

/**
 * AetherAlertAction:
 * @type: what to do
 * @message: (nullable): the notification's text, as the user wrote it
 * @turn_on: for an automation, %TRUE for `turn_on`, %FALSE for `turn_off`
 * @delay_seconds: for an automation, how long the condition must still hold
 * @url: (nullable): for a webhook, where to post
 */
typedef struct
{
  AetherAlertActionType  type;
  char                  *message;
  gboolean               turn_on;
  guint                  delay_seconds;
  char                  *url;
} AetherAlertAction;

typedef struct _AetherAlertRule AetherAlertRule;

#define AETHER_TYPE_ALERT_RULE (aether_alert_rule_get_type ())

GType                    aether_alert_rule_get_type            (void) G_GNUC_CONST;
AetherAlertRule         *aether_alert_rule_new_from_json       (JsonNode         *node,
                                                                GError          **error);
AetherAlertRule         *aether_alert_rule_new_from_data       (const char       *data,
                                                                gssize            length,
                                                                GError          **error);
AetherAlertRule         *aether_alert_rule_ref                 (AetherAlertRule  *self);
void                     aether_alert_rule_unref               (AetherAlertRule  *self);
JsonNode                *aether_alert_rule_to_json             (AetherAlertRule  *self);

const char              *aether_alert_rule_get_id              (AetherAlertRule  *self);
const char              *aether_alert_rule_get_name            (AetherAlertRule  *self);
gboolean                 aether_alert_rule_get_enabled         (AetherAlertRule  *self);
AetherAlertConditionType aether_alert_rule_get_condition_type  (AetherAlertRule  *self);
AetherAlertScope         aether_alert_rule_get_scope           (AetherAlertRule  *self);
const char              *aether_alert_rule_get_target          (AetherAlertRule  *self);
const char              *aether_alert_rule_get_metric          (AetherAlertRule  *self);
AetherAlertOperator      aether_alert_rule_get_operator        (AetherAlertRule  *self);
double                   aether_alert_rule_get_threshold       (AetherAlertRule  *self);
guint                    aether_alert_rule_get_duration        (AetherAlertRule  *self);
const char              *aether_alert_rule_get_period          (AetherAlertRule  *self);
const char              *aether_alert_rule_get_cost_scope      (AetherAlertRule  *self);
double                   aether_alert_rule_get_hysteresis      (AetherAlertRule  *self);
guint                    aether_alert_rule_get_cooldown        (AetherAlertRule  *self);
guint                    aether_alert_rule_get_n_actions       (AetherAlertRule  *self);
const AetherAlertAction *aether_alert_rule_get_action          (AetherAlertRule  *self,
                                                                guint             index);
void                     aether_alert_rule_get_active_hours    (AetherAlertRule  *self,
                                                                guint            *start_minute,
                                                                guint            *end_minute);
guint8                   aether_alert_rule_get_active_days     (AetherAlertRule  *self);
gboolean                 aether_alert_rule_is_active_at        (AetherAlertRule  *self,
                                                                GDateTime        *local_time);
guint                    aether_alert_rule_get_trigger_count   (AetherAlertRule  *self);
void                     aether_alert_rule_record_trigger      (AetherAlertRule  *self,
                                                                gint64            unix_us);

gboolean                 aether_alert_operator_holds           (AetherAlertOperator op,
                                                                double              value,
                                                                double              threshold);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherAlertRule, aether_alert_rule_unref)

G_END_DECLS
