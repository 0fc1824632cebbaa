/* aether-alert-rule.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seed's Alert Configuration. The JSON a rule was read from is kept and
 * written back with only the metadata the engine maintains changed, so a
 * rule round-trips exactly, including keys this version does not know.
 *
 * Extensions to the seed, all optional, inside `conditions`: `room` (a
 * threshold on a room's total), no `device_id` and no `room` (the whole
 * home), `period` (rate_period), `cost_scope` (`today` or
 * `projected_bill`), `threshold_kw` and `window_minutes` (demand),
 * `hysteresis` (how far back over the threshold a value must come to clear;
 * 5 % of the threshold by default) and `cooldown_seconds` (how long after
 * firing a rule stays quiet; 15 minutes by default). A `webhook` action has
 * a `url`. */

#define G_LOG_DOMAIN "aether-alert-rule"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "aether-alert-rule.h"
#include "aether-error.h"
#include "aether-json.h"
#include "aether-reading.h"
#include "aether-webhook.h"

struct _AetherAlertRule
{
  JsonObject               *json;

  char                     *id;
  char                     *name;
  gboolean                  enabled;

  AetherAlertConditionType  type;
  AetherAlertScope          scope;
  char                     *target;       /* device id or room */
  char                     *metric;
  AetherAlertOperator       op;
  double                    threshold;
  guint                     duration;
  char                     *period;
  char                     *cost_scope;
  double                    hysteresis;
  guint                     cooldown;

  GArray                   *actions;      /* AetherAlertAction */

  /* Schedule: minutes of the day [start, end), and days, Monday = bit 0 */
  guint                     active_start;
  guint                     active_end;
  guint8                    active_days;
};

G_DEFINE_BOXED_TYPE (AetherAlertRule, aether_alert_rule, aether_alert_rule_ref, aether_alert_rule_unref)

static const char * const condition_names[] = { "threshold", "cost", "offline", "rate_period", "demand" };
static const char * const operator_names[] = { "greater_than", "less_than", "equals", "not_equals" };
static const char * const day_names[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

static void
clear_action (gpointer data)
{
  AetherAlertAction *action = data;

  g_clear_pointer (&action->message, g_free);
  g_clear_pointer (&action->url, g_free);
}

AetherAlertRule *
aether_alert_rule_ref (AetherAlertRule *self)
{
  return g_atomic_rc_box_acquire (self);
}

static void
rule_clear (gpointer data)
{
  AetherAlertRule *self = data;

  g_clear_pointer (&self->json, json_object_unref);
  g_free (self->id);
  g_free (self->name);
  g_free (self->target);
  g_free (self->metric);
  g_free (self->period);
  g_free (self->cost_scope);
  g_clear_pointer (&self->actions, g_array_unref);
}

void
aether_alert_rule_unref (AetherAlertRule *self)
{
  g_atomic_rc_box_release_full (self, rule_clear);
}

static int
lookup_name (const char         *name,
             const char * const *names,
             guint               n_names)
{
  for (guint i = 0; i < n_names; i++)
    if (g_strcmp0 (name, names[i]) == 0)
      return (int)i;
  return -1;
}

static gboolean
get_number (JsonObject  *object,
            const char  *member,
            gboolean     required,
            double      *value,
            const char  *rule_name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                     "Alert “%s”: conditions.%s is missing", rule_name, member);
      return !required;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 &&
       json_node_get_value_type (node) != G_TYPE_DOUBLE) ||
      !isfinite (json_node_get_double (node)))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Alert “%s”: conditions.%s must be a number", rule_name, member);
      return FALSE;
    }

  *value = json_node_get_double (node);
  return TRUE;
}

static gboolean
parse_hhmm (const char *text,
            guint      *minutes)
{
  guint h, m;
  char tail;

  if (sscanf (text, "%2u:%2u%c", &h, &m, &tail) != 2 || h > 24 || m > 59 || (h == 24 && m != 0))
    return FALSE;

  *minutes = h * 60 + m;
  return TRUE;
}

static gboolean
parse_schedule (AetherAlertRule  *self,
                JsonObject       *schedule,
                GError          **error)
{
  const char *hours = schedule ? aether_json_get_string (schedule, "active_hours") : NULL;
  JsonArray *days = NULL;

  self->active_start = 0;
  self->active_end = 24 * 60;
  self->active_days = 0x7f;

  if (hours != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (hours, "-", 2);

      if (g_strv_length (parts) != 2 ||
          !parse_hhmm (g_strstrip (parts[0]), &self->active_start) ||
          !parse_hhmm (g_strstrip (parts[1]), &self->active_end))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "Alert “%s”: active hours “%s” are not a time range like 08:00-22:00",
                       self->name, hours);
          return FALSE;
        }

      /* As in rate schedules, an end of 23:59 means the end of the day. */
      if (self->active_end == 23 * 60 + 59)
        self->active_end = 24 * 60;
    }

  if (schedule != NULL && json_object_has_member (schedule, "active_days"))
    days = json_object_get_array_member (schedule, "active_days");

  if (days != NULL)
    {
      self->active_days = 0;

      for (guint i = 0; i < json_array_get_length (days); i++)
        {
          const char *day = json_array_get_string_element (days, i);
          int index;

          if (g_strcmp0 (day, "all") == 0)
            self->active_days |= 0x7f;
          else if (g_strcmp0 (day, "weekdays") == 0)
            self->active_days |= 0x1f;
          else if (g_strcmp0 (day, "weekends") == 0)
            self->active_days |= 0x60;
          else if ((index = lookup_name (day, day_names, G_N_ELEMENTS (day_names))) >= 0)
            self->active_days |= 1 << index;
          else
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "Alert “%s”: “%s” is not a day (monday … sunday, all, weekdays, weekends)",
                           self->name, day ? day : "?");
              return FALSE;
            }
        }
    }

  return TRUE;
}

static gboolean
parse_actions (AetherAlertRule  *self,
               JsonArray        *actions,
               GError          **error)
{
  self->actions = g_array_new (FALSE, TRUE, sizeof (AetherAlertAction));
  g_array_set_clear_func (self->actions, clear_action);

  for (guint i = 0; actions != NULL && i < json_array_get_length (actions); i++)
    {
      JsonNode *node = json_array_get_element (actions, i);
      JsonObject *object;
      AetherAlertAction action = { 0 };
      g_autoptr(GError) url_error = NULL;
      const char *type;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "Alert “%s”: action %u is not an object", self->name, i + 1);
          return FALSE;
        }

      object = json_node_get_object (node);
      type = aether_json_get_string (object, "type");

      if (g_strcmp0 (type, "notification") == 0)
        {
          action.type = AETHER_ALERT_ACTION_NOTIFICATION;
          action.message = g_strdup (aether_json_get_string (object, "message"));
        }
      else if (g_strcmp0 (type, "automation") == 0)
        {
          const char *what = aether_json_get_string (object, "action");

          action.type = AETHER_ALERT_ACTION_AUTOMATION;
          if (g_strcmp0 (what, "turn_off") == 0)
            action.turn_on = FALSE;
          else if (g_strcmp0 (what, "turn_on") == 0)
            action.turn_on = TRUE;
          else
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "Alert “%s”: automation action “%s” is not turn_off or turn_on",
                           self->name, what ? what : "");
              return FALSE;
            }
          action.delay_seconds = (guint)MAX (0, json_object_get_int_member_with_default (object, "delay_seconds", 0));
        }
      else if (g_strcmp0 (type, "webhook") == 0)
        {
          action.type = AETHER_ALERT_ACTION_WEBHOOK;
          action.url = g_strdup (aether_json_get_string (object, "url"));
          action.message = g_strdup (aether_json_get_string (object, "message"));
          if (action.url == NULL)
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "Alert “%s”: a webhook action needs a url", self->name);
              return FALSE;
            }
          /* Refused now, not when the rule fires with nobody watching. */
          if (!aether_webhook_check_url (action.url, &url_error))
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "Alert “%s”: %s", self->name, url_error->message);
              clear_action (&action);
              return FALSE;
            }
        }
      else
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "Alert “%s”: action type “%s” is not notification, automation or webhook",
                       self->name, type ? type : "");
          return FALSE;
        }

      g_array_append_val (self->actions, action);
    }

  return TRUE;
}

static gboolean
parse_conditions (AetherAlertRule  *self,
                  JsonObject       *conditions,
                  GError          **error)
{
  const char *type = aether_json_get_string (conditions, "type");
  const char *op = aether_json_get_string (conditions, "operator");
  const char *device = aether_json_get_string (conditions, "device_id");
  const char *room = aether_json_get_string (conditions, "room");
  double number = 0;
  int index;

  if ((index = lookup_name (type, condition_names, G_N_ELEMENTS (condition_names))) < 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Alert “%s”: condition type “%s” is not one of threshold, cost, offline, "
                   "rate_period, demand", self->name, type ? type : "");
      return FALSE;
    }
  self->type = index;

  if (device != NULL && g_strcmp0 (device, "home") != 0)
    {
      self->scope = AETHER_ALERT_SCOPE_DEVICE;
      self->target = g_strdup (device);
    }
  else if (room != NULL)
    {
      self->scope = AETHER_ALERT_SCOPE_ROOM;
      self->target = g_strdup (room);
    }
  else
    self->scope = AETHER_ALERT_SCOPE_HOME;

  self->metric = g_strdup (aether_json_get_string (conditions, "metric") ? aether_json_get_string (conditions, "metric") : "power");

  self->op = AETHER_ALERT_OPERATOR_GREATER_THAN;
  if (op != NULL)
    {
      if ((index = lookup_name (op, operator_names, G_N_ELEMENTS (operator_names))) < 0)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "Alert “%s”: operator “%s” is not greater_than, less_than, equals or not_equals",
                       self->name, op);
          return FALSE;
        }
      self->op = index;
    }
  else if (self->type == AETHER_ALERT_CONDITION_THRESHOLD)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Alert “%s”: conditions.operator is missing", self->name);
      return FALSE;
    }

  if (!get_number (conditions, "duration_seconds", self->type == AETHER_ALERT_CONDITION_OFFLINE,
                   &number, self->name, error))
    return FALSE;
  if (number < 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Alert “%s”: conditions.duration_seconds cannot be negative", self->name);
      return FALSE;
    }
  self->duration = (guint)number;

  switch (self->type)
    {
    case AETHER_ALERT_CONDITION_THRESHOLD:
    case AETHER_ALERT_CONDITION_COST:
    case AETHER_ALERT_CONDITION_RATE_PERIOD:
      if (!get_number (conditions, "threshold", TRUE, &self->threshold, self->name, error))
        return FALSE;
      break;

    case AETHER_ALERT_CONDITION_DEMAND:
      self->threshold = 0;   /* 0: the billing period's peak so far */
      if (!get_number (conditions, "threshold_kw", FALSE, &self->threshold, self->name, error))
        return FALSE;
      break;

    case AETHER_ALERT_CONDITION_OFFLINE:
    default:
      break;
    }

  if (self->type == AETHER_ALERT_CONDITION_OFFLINE && self->scope != AETHER_ALERT_SCOPE_DEVICE)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Alert “%s”: an offline alert needs conditions.device_id", self->name);
      return FALSE;
    }

  if (self->type == AETHER_ALERT_CONDITION_RATE_PERIOD)
    {
      if (!(self->period = g_strdup (aether_json_get_string (conditions, "period"))))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "Alert “%s”: a rate_period alert needs conditions.period (e.g. peak)", self->name);
          return FALSE;
        }
    }

  self->cost_scope = g_strdup (aether_json_get_string (conditions, "cost_scope") ? aether_json_get_string (conditions, "cost_scope") : "today");
  if (self->type == AETHER_ALERT_CONDITION_COST &&
      !g_str_equal (self->cost_scope, "today") && !g_str_equal (self->cost_scope, "projected_bill"))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Alert “%s”: cost_scope “%s” is not today or projected_bill", self->name, self->cost_scope);
      return FALSE;
    }

  self->hysteresis = fabs (self->threshold) * 0.05;
  if (!get_number (conditions, "hysteresis", FALSE, &self->hysteresis, self->name, error))
    return FALSE;

  number = 900;
  if (!get_number (conditions, "cooldown_seconds", FALSE, &number, self->name, error))
    return FALSE;
  self->cooldown = (guint)MAX (0, number);

  return TRUE;
}

/**
 * aether_alert_rule_new_from_json:
 * @node: the seed's Alert Configuration
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the rule, or %NULL with @error naming what is wrong
 */
AetherAlertRule *
aether_alert_rule_new_from_json (JsonNode  *node,
                                 GError   **error)
{
  g_autoptr(AetherAlertRule) self = NULL;
  JsonObject *object;
  JsonObject *conditions = NULL;
  JsonObject *schedule = NULL;
  JsonArray *actions = NULL;
  JsonNode *member;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "An alert must be a JSON object");
      return NULL;
    }

  object = json_node_get_object (node);
  self = g_atomic_rc_box_new0 (AetherAlertRule);
  self->json = json_object_ref (object);

  if (!(self->id = g_strdup (aether_json_get_string (object, "alert_id"))) || self->id[0] == '\0')
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "An alert needs an alert_id");
      return NULL;
    }

  self->name = g_strdup (aether_json_get_string (object, "name") ? aether_json_get_string (object, "name") : self->id);
  self->enabled = json_object_get_boolean_member_with_default (object, "enabled", TRUE);

  if ((member = json_object_get_member (object, "conditions")) && JSON_NODE_HOLDS_OBJECT (member))
    conditions = json_node_get_object (member);
  if (conditions == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Alert “%s”: conditions are missing", self->name);
      return NULL;
    }

  if ((member = json_object_get_member (object, "actions")) && JSON_NODE_HOLDS_ARRAY (member))
    actions = json_node_get_array (member);
  if ((member = json_object_get_member (object, "schedule")) && JSON_NODE_HOLDS_OBJECT (member))
    schedule = json_node_get_object (member);

  if (!parse_conditions (self, conditions, error) ||
      !parse_actions (self, actions, error) ||
      !parse_schedule (self, schedule, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * aether_alert_rule_new_from_data:
 * @data: JSON text
 * @length: its length, or -1
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the rule, or %NULL
 */
AetherAlertRule *
aether_alert_rule_new_from_data (const char  *data,
                                 gssize       length,
                                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = aether_json_parse (data, length, AETHER_JSON_MAX_DEPTH, &local_error);

  if (root == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "The alert is not valid JSON: %s", local_error->message);
      return NULL;
    }

  return aether_alert_rule_new_from_json (root, error);
}

/**
 * aether_alert_rule_to_json:
 * @self: a rule
 *
 * Returns: (transfer full): the seed's JSON for the rule, with its metadata
 *   up to date
 */
JsonNode *
aether_alert_rule_to_json (AetherAlertRule *self)
{
  JsonNode *node;

  g_return_val_if_fail (self != NULL, NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, self->json);

  return node;
}

const char *aether_alert_rule_get_id (AetherAlertRule *self) { return self->id; }
const char *aether_alert_rule_get_name (AetherAlertRule *self) { return self->name; }
gboolean aether_alert_rule_get_enabled (AetherAlertRule *self) { return self->enabled; }
AetherAlertConditionType aether_alert_rule_get_condition_type (AetherAlertRule *self) { return self->type; }
AetherAlertScope aether_alert_rule_get_scope (AetherAlertRule *self) { return self->scope; }
const char *aether_alert_rule_get_target (AetherAlertRule *self) { return self->target; }
const char *aether_alert_rule_get_metric (AetherAlertRule *self) { return self->metric; }
AetherAlertOperator aether_alert_rule_get_operator (AetherAlertRule *self) { return self->op; }
double aether_alert_rule_get_threshold (AetherAlertRule *self) { return self->threshold; }
guint aether_alert_rule_get_duration (AetherAlertRule *self) { return self->duration; }
const char *aether_alert_rule_get_period (AetherAlertRule *self) { return self->period; }
const char *aether_alert_rule_get_cost_scope (AetherAlertRule *self) { return self->cost_scope; }
double aether_alert_rule_get_hysteresis (AetherAlertRule *self) { return self->hysteresis; }
guint aether_alert_rule_get_cooldown (AetherAlertRule *self) { return self->cooldown; }
guint aether_alert_rule_get_n_actions (AetherAlertRule *self) { return self->actions->len; }

/**
 * aether_alert_rule_get_action:
 * @self: a rule
 * @index: which action
 *
 * Returns: (transfer none): the action
 */
const AetherAlertAction *
aether_alert_rule_get_action (AetherAlertRule *self,
                              guint            index)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->actions->len, NULL);

  return &g_array_index (self->actions, AetherAlertAction, index);
}

/**
 * aether_alert_rule_get_active_hours:
 * @self: a rule
 * @start_minute: (out): the minute of the day the schedule starts
 * @end_minute: (out): the minute it ends (1440, the end of the day; less
 *   than @start_minute when it crosses midnight)
 */
void
aether_alert_rule_get_active_hours (AetherAlertRule *self,
                                    guint           *start_minute,
                                    guint           *end_minute)
{
  g_return_if_fail (self != NULL);

  *start_minute = self->active_start;
  *end_minute = self->active_end;
}

/**
 * aether_alert_rule_get_active_days:
 * @self: a rule
 *
 * Returns: the days the schedule covers, Monday = bit 0 … Sunday = bit 6
 */
guint8
aether_alert_rule_get_active_days (AetherAlertRule *self)
{
  g_return_val_if_fail (self != NULL, 0x7f);

  return self->active_days;
}

/**
 * aether_alert_rule_is_active_at:
 * @self: a rule
 * @local_time: a time in the user's time zone
 *
 * A window that crosses midnight (22:00-06:00) belongs to the day it
 * starts on: with only Friday active, Saturday 02:00 is still active.
 *
 * Returns: whether the rule's schedule covers @local_time
 */
gboolean
aether_alert_rule_is_active_at (AetherAlertRule *self,
                                GDateTime       *local_time)
{
  guint minute;
  guint day;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (local_time != NULL, FALSE);

  minute = g_date_time_get_hour (local_time) * 60 + g_date_time_get_minute (local_time);
  day = g_date_time_get_day_of_week (local_time) - 1;

  if (self->active_start <= self->active_end)
    return (self->active_days & (1 << day)) &&
           minute >= self->active_start && minute < self->active_end;

  if (minute >= self->active_start)
    return (self->active_days & (1 << day)) != 0;

  if (minute < self->active_end)
    return (self->active_days & (1 << ((day + 6) % 7))) != 0;

  return FALSE;
}

guint
aether_alert_rule_get_trigger_count (AetherAlertRule *self)
{
  JsonObject *metadata;

  g_return_val_if_fail (self != NULL, 0);

  if (!json_object_has_member (self->json, "metadata"))
    return 0;
  metadata = json_object_get_object_member (self->json, "metadata");

  return (guint)json_object_get_int_member_with_default (metadata, "trigger_count", 0);
}

/**
 * aether_alert_rule_record_trigger:
 * @self: a rule
 * @unix_us: when it fired
 *
 * Updates the seed's `metadata.trigger_count` and `metadata.last_triggered`.
 */
void
aether_alert_rule_record_trigger (AetherAlertRule *self,
                                  gint64           unix_us)
{
  JsonObject *metadata;
  g_autofree char *when = NULL;

  g_return_if_fail (self != NULL);

  if (!json_object_has_member (self->json, "metadata"))
    json_object_set_object_member (self->json, "metadata", json_object_new ());
  metadata = json_object_get_object_member (self->json, "metadata");

  json_object_set_int_member (metadata, "trigger_count", aether_alert_rule_get_trigger_count (self) + 1);
  when = aether_format_timestamp (unix_us - unix_us % G_USEC_PER_SEC);
  json_object_set_string_member (metadata, "last_triggered", when);
}

/**
 * aether_alert_operator_holds:
 * @op: an operator
 * @value: the value seen
 * @threshold: the rule's threshold
 *
 * Returns: whether `value op threshold`; equality allows for the rounding
 *   of a meter's last digit (1e-6 relative)
 */
gboolean
aether_alert_operator_holds (AetherAlertOperator op,
                             double              value,
                             double              threshold)
{
  gboolean equal = fabs (value - threshold) <= 1e-6 * MAX (1.0, fabs (threshold));

  switch (op)
    {
    case AETHER_ALERT_OPERATOR_GREATER_THAN:
      return value > threshold;
    case AETHER_ALERT_OPERATOR_LESS_THAN:
      return value < threshold;
    case AETHER_ALERT_OPERATOR_EQUALS:
      return equal;
    case AETHER_ALERT_OPERATOR_NOT_EQUALS:
      return !equal;
    default:
      g_return_val_if_reached (FALSE);
    }
}
