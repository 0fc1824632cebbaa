/* aether-alert-engine.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Evaluates alert rules as readings arrive (from the collector's ::reading
 * signal, i.e. the hot path, never the database), so an alert fires within
 * the same main-loop turn as the reading that completes its condition.
 *
 * Each rule is a small state machine: idle → pending (the condition holds;
 * a clock timer is set for `duration_seconds`) → fired (once per episode)
 * → idle again only when the value comes back past the threshold by the
 * hysteresis. After firing, a rule stays quiet for its cooldown, so a
 * flapping value does not spam. Outside the rule's schedule (the user's
 * time zone) nothing becomes pending.
 *
 * The engine does not know how to notify or switch a device: it emits
 * ::fired, ::cleared and ::automation (after an automation's delay, only if
 * the rule is still firing) and the host (the app, `aetherlens-cli
 * collect`) acts and reports back with record_action_result(). */

#define G_LOG_DOMAIN "aether-alert-engine"

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "aether-alert-engine-private.h"
#include "aether-error.h"
#include "aether-home.h"

#define OFFLINE_CHECK_MS      1000
#define HISTORY_MAX_ENTRIES   10000

G_DEFINE_FINAL_TYPE (AetherAlertEngine, aether_alert_engine, G_TYPE_OBJECT)

enum {
  FIRED,
  CLEARED,
  AUTOMATION,
  STATE_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
history_entry_free (gpointer data)
{
  AetherAlertHistoryEntry *entry = data;

  g_free (entry->alert_id);
  g_free (entry->detail);
  g_free (entry);
}

static void
device_info_free (gpointer data)
{
  DeviceInfo *info = data;

  g_free (info->name);
  g_free (info->room);
  g_free (info);
}

static void
rule_slot_free (gpointer data)
{
  RuleSlot *slot = data;
  AetherAlertEngine *self = slot->engine;

  if (slot->hold_timer != 0)
    aether_clock_remove_timeout (self->clock, slot->hold_timer);
  if (slot->automation_timer != 0)
    aether_clock_remove_timeout (self->clock, slot->automation_timer);
  aether_alert_rule_unref (slot->rule);
  g_free (slot);
}

static void
add_history (AetherAlertEngine      *self,
             const char             *alert_id,
             AetherAlertHistoryKind  kind,
             char                   *detail)
{
  AetherAlertHistoryEntry *entry = g_new0 (AetherAlertHistoryEntry, 1);

  entry->time_us = aether_clock_now_us (self->clock);
  entry->alert_id = g_strdup (alert_id);
  entry->kind = kind;
  entry->detail = detail;
  g_ptr_array_add (self->history, entry);

  if (self->history->len > HISTORY_MAX_ENTRIES)
    g_ptr_array_remove_range (self->history, 0, self->history->len - HISTORY_MAX_ENTRIES);
}

static DeviceInfo *
ensure_device (AetherAlertEngine *self,
               const char        *device_id)
{
  DeviceInfo *info = g_hash_table_lookup (self->devices, device_id);

  if (info == NULL)
    {
      info = g_new0 (DeviceInfo, 1);
      g_hash_table_insert (self->devices, g_strdup (device_id), info);
    }

  return info;
}

/* A person reads the device's name, never its registry id. */
static const char *
device_name (AetherAlertEngine *self,
             const char        *device_id)
{
  DeviceInfo *info = device_id ? g_hash_table_lookup (self->devices, device_id) : NULL;

  return info && info->name ? info->name : _("A device");
}

static const char *
metric_unit (const char *metric)
{
  if (g_strcmp0 (metric, "power") == 0) return "W";
  if (g_strcmp0 (metric, "energy") == 0) return "Wh";
  if (g_strcmp0 (metric, "voltage") == 0) return "V";
  if (g_strcmp0 (metric, "current") == 0) return "A";
  if (g_strcmp0 (metric, "temperature") == 0) return "°C";
  if (g_strcmp0 (metric, "frequency") == 0) return "Hz";
  return "";
}

/* "2,000 W", "0.45 A": grouped in the user's locale (the ' flag), whole
 * numbers from 100 up, two significant decimals below. */
static char *
format_value (const char *metric,
              double      value)
{
  const char *unit = metric_unit (metric);
  const char *space = *unit ? " " : "";

  if (fabs (value) >= 100)
    return g_strdup_printf ("%'.0f%s%s", value, space, unit);
  return g_strdup_printf ("%.3g%s%s", value, space, unit);
}

/**
 * aether_alert_describe_duration:
 * @seconds: how long a condition holds
 *
 * Returns: (transfer full): "5 minutes", "1 minute", "30 seconds", in the
 *   user's language with its plural forms
 */
char *
aether_alert_describe_duration (guint seconds)
{
  if (seconds >= 120 || (seconds >= 60 && seconds % 60 == 0))
    return g_strdup_printf (ngettext ("%u minute", "%u minutes", seconds / 60), seconds / 60);
  return g_strdup_printf (ngettext ("%u second", "%u seconds", seconds), seconds);
}

static char *
describe_value (AetherAlertEngine *self,
                RuleSlot          *slot)
{
  AetherAlertRule *rule = slot->rule;
  const char *target = aether_alert_rule_get_target (rule);
  const char *metric = aether_alert_rule_get_metric (rule);
  guint duration = aether_alert_rule_get_duration (rule);
  g_autofree char *held = duration > 0 ? aether_alert_describe_duration (duration) : NULL;
  g_autofree char *value = NULL;
  g_autofree char *limit = NULL;
  const char *who;

  switch (aether_alert_rule_get_scope (rule))
    {
    case AETHER_ALERT_SCOPE_DEVICE:
      who = device_name (self, target);
      break;
    case AETHER_ALERT_SCOPE_ROOM:
      who = target;
      break;
    case AETHER_ALERT_SCOPE_HOME:
    default:
      who = _("The whole home");
      break;
    }

  switch (aether_alert_rule_get_condition_type (rule))
    {
    case AETHER_ALERT_CONDITION_THRESHOLD:
      value = format_value (metric, slot->last_value);
      limit = format_value (metric, aether_alert_rule_get_threshold (rule));
      if (held != NULL)
        /* Translators: a device, room or "The whole home"; a metric ("power");
         * the value measured; how long it held ("5 minutes"); the limit */
        return g_strdup_printf (_("%s: %s %s for %s (limit %s)"), who, metric, value, held, limit);
      /* Translators: a device, room or "The whole home"; a metric; the value; the limit */
      return g_strdup_printf (_("%s: %s %s (limit %s)"), who, metric, value, limit);
    case AETHER_ALERT_CONDITION_COST:
      return g_strdup_printf (g_str_equal (aether_alert_rule_get_cost_scope (rule), "today")
                                ? _("Today’s cost is %.2f, over %.2f")
                                : _("The projected bill is %.2f, over %.2f"),
                              slot->last_value, aether_alert_rule_get_threshold (rule));
    case AETHER_ALERT_CONDITION_OFFLINE:
      {
        guint silent = (guint)slot->last_value;

        /* Translators: a device's name, then a number of seconds */
        return g_strdup_printf (ngettext ("%s has not answered for %u second",
                                          "%s has not answered for %u seconds", silent), who, silent);
      }
    case AETHER_ALERT_CONDITION_RATE_PERIOD:
      value = format_value ("power", slot->last_value);
      if (held != NULL)
        /* Translators: who; the power; a rate period's name; how long */
        return g_strdup_printf (_("%s draws %s during %s for %s"), who, value,
                                aether_alert_rule_get_period (rule), held);
      return g_strdup_printf (_("%s draws %s during %s"), who, value, aether_alert_rule_get_period (rule));
    case AETHER_ALERT_CONDITION_DEMAND:
      return g_strdup_printf (_("This quarter hour’s demand is heading for %.2f kW"), slot->last_value);
    default:
      return g_strdup (who);
    }
}

static void
fire (AetherAlertEngine *self,
      RuleSlot          *slot);

/* Until when the rule may not fire: its cooldown or a snooze, the later. */
static gint64
quiet_until (RuleSlot *slot)
{
  return MAX (slot->quiet_until_us, slot->snoozed_until_us);
}

static gboolean
on_automation_due (gpointer user_data)
{
  RuleSlot *slot = user_data;
  AetherAlertEngine *self = slot->engine;
  AetherAlertRule *rule = slot->rule;

  slot->automation_timer = 0;

  /* The condition cleared first: nothing to do. */
  if (slot->state != RULE_FIRED)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < aether_alert_rule_get_n_actions (rule); i++)
    {
      const AetherAlertAction *action = aether_alert_rule_get_action (rule, i);

      if (action->type == AETHER_ALERT_ACTION_AUTOMATION)
        g_signal_emit (self, signals[AUTOMATION], 0, rule,
                       aether_alert_rule_get_target (rule), action->turn_on);
    }

  return G_SOURCE_REMOVE;
}

static void
fire (AetherAlertEngine *self,
      RuleSlot          *slot)
{
  AetherAlertRule *rule = slot->rule;
  g_autofree char *detail = describe_value (self, slot);
  g_autofree char *body = NULL;
  const char *message = NULL;
  const char *target = aether_alert_rule_get_target (rule);
  DeviceInfo *info = NULL;
  AetherAlertEvent event = { 0 };
  guint delay = G_MAXUINT;
  gint64 now = aether_clock_now_us (self->clock);

  slot->state = RULE_FIRED;
  slot->fired_at_us = now;
  slot->quiet_until_us = now + (gint64)aether_alert_rule_get_cooldown (rule) * G_USEC_PER_SEC;

  aether_alert_rule_record_trigger (rule, now);
  add_history (self, aether_alert_rule_get_id (rule), AETHER_ALERT_HISTORY_FIRED, g_strdup (detail));

  for (guint i = 0; i < aether_alert_rule_get_n_actions (rule); i++)
    {
      const AetherAlertAction *action = aether_alert_rule_get_action (rule, i);

      if (action->type == AETHER_ALERT_ACTION_NOTIFICATION && action->message != NULL)
        message = action->message;
      if (action->type == AETHER_ALERT_ACTION_AUTOMATION)
        delay = MIN (delay, action->delay_seconds);
    }

  if (aether_alert_rule_get_scope (rule) == AETHER_ALERT_SCOPE_DEVICE)
    info = g_hash_table_lookup (self->devices, target);

  /* The person's own words first, then what was measured on which device. */
  body = message != NULL ? g_strdup_printf ("%s\n%s", message, detail) : g_strdup (detail);

  event.alert_id = aether_alert_rule_get_id (rule);
  event.title = aether_alert_rule_get_name (rule);
  event.body = body;
  event.device_id = aether_alert_rule_get_scope (rule) == AETHER_ALERT_SCOPE_DEVICE ? target : NULL;
  /* A device that does not answer cannot be switched off either. */
  event.controllable = info != NULL && info->controllable &&
                       aether_alert_rule_get_condition_type (rule) != AETHER_ALERT_CONDITION_OFFLINE;

  g_signal_emit (self, signals[FIRED], 0, rule, &event);
  g_signal_emit (self, signals[STATE_CHANGED], 0, rule);

  if (delay != G_MAXUINT && event.device_id != NULL)
    {
      if (delay == 0)
        on_automation_due (slot);
      else
        slot->automation_timer = aether_clock_add_timeout (self->clock, delay * 1000,
                                                           on_automation_due, slot, NULL);
    }
}

/* "Back to 420 W": the value that cleared it, with its unit. */
static char *
back_to (RuleSlot *slot)
{
  AetherAlertConditionType type = aether_alert_rule_get_condition_type (slot->rule);
  const char *metric = type == AETHER_ALERT_CONDITION_THRESHOLD ? aether_alert_rule_get_metric (slot->rule)
                       : type == AETHER_ALERT_CONDITION_RATE_PERIOD ? "power" : NULL;
  g_autofree char *value = format_value (metric, slot->last_value);

  /* Translators: a measured value with its unit */
  return g_strdup_printf (_("Back to %s"), value);
}

static void
clear (AetherAlertEngine *self,
       RuleSlot          *slot)
{
  RuleState was = slot->state;

  slot->state = RULE_IDLE;
  if (slot->hold_timer != 0)
    {
      aether_clock_remove_timeout (self->clock, slot->hold_timer);
      slot->hold_timer = 0;
    }
  if (slot->automation_timer != 0)
    {
      aether_clock_remove_timeout (self->clock, slot->automation_timer);
      slot->automation_timer = 0;
      add_history (self, aether_alert_rule_get_id (slot->rule), AETHER_ALERT_HISTORY_ACTION,
                   g_strdup ("Automation cancelled: the condition cleared first"));
    }

  if (was == RULE_FIRED)
    {
      add_history (self, aether_alert_rule_get_id (slot->rule), AETHER_ALERT_HISTORY_CLEARED,
                   back_to (slot));
      g_signal_emit (self, signals[CLEARED], 0, slot->rule);
    }
}

static gboolean
on_hold_reached (gpointer user_data)
{
  RuleSlot *slot = user_data;
  AetherAlertEngine *self = slot->engine;

  slot->hold_timer = 0;

  if (slot->state == RULE_PENDING && aether_clock_now_us (self->clock) >= quiet_until (slot))
    fire (self, slot);

  return G_SOURCE_REMOVE;
}

static gboolean
rule_active_now (AetherAlertEngine *self,
                 AetherAlertRule   *rule)
{
  g_autoptr(GDateTime) local = aether_clock_now_local (self->clock, self->tz);

  return aether_alert_rule_get_enabled (rule) && aether_alert_rule_is_active_at (rule, local);
}

/* Feeds one evaluation of @slot's condition: @holds says whether it holds
 * now, @cleared whether the value is back past the hysteresis. */
static void
update (AetherAlertEngine *self,
        RuleSlot          *slot,
        double             value,
        gboolean           holds,
        gboolean           cleared)
{
  AetherAlertRule *rule = slot->rule;
  gint64 now = aether_clock_now_us (self->clock);
  guint duration = aether_alert_rule_get_duration (rule);

  slot->last_value = value;

  switch (slot->state)
    {
    case RULE_FIRED:
      if (cleared)
        clear (self, slot);
      return;

    case RULE_PENDING:
      if (!holds)
        {
          clear (self, slot);
          return;
        }
      if (now - slot->pending_since_us >= (gint64)duration * G_USEC_PER_SEC &&
          now >= quiet_until (slot))
        {
          if (slot->hold_timer != 0)
            {
              aether_clock_remove_timeout (self->clock, slot->hold_timer);
              slot->hold_timer = 0;
            }
          fire (self, slot);
        }
      return;

    case RULE_IDLE:
    default:
      if (!holds || now < quiet_until (slot) || !rule_active_now (self, rule))
        return;

      slot->state = RULE_PENDING;
      slot->pending_since_us = now;
      if (duration == 0)
        fire (self, slot);
      else
        slot->hold_timer = aether_clock_add_timeout (self->clock, duration * 1000,
                                                     on_hold_reached, slot, NULL);
      return;
    }
}

static void
evaluate_threshold (AetherAlertEngine *self,
                    RuleSlot          *slot,
                    double             value)
{
  AetherAlertRule *rule = slot->rule;
  AetherAlertOperator op = aether_alert_rule_get_operator (rule);
  double threshold = aether_alert_rule_get_threshold (rule);
  double hyst = aether_alert_rule_get_hysteresis (rule);
  gboolean holds = aether_alert_operator_holds (op, value, threshold);
  gboolean cleared;

  switch (op)
    {
    case AETHER_ALERT_OPERATOR_GREATER_THAN:
      cleared = value < threshold - hyst;
      break;
    case AETHER_ALERT_OPERATOR_LESS_THAN:
      cleared = value > threshold + hyst;
      break;
    case AETHER_ALERT_OPERATOR_EQUALS:
    case AETHER_ALERT_OPERATOR_NOT_EQUALS:
    default:
      cleared = !holds;
      break;
    }

  update (self, slot, value, holds, cleared);
}

/**
 * aether_alert_engine_process_reading:
 * @self: an engine
 * @reading: a reading as the collector emits it
 *
 * Evaluates every rule the reading can affect.
 */
void
aether_alert_engine_process_reading (AetherAlertEngine   *self,
                                     const AetherReading *reading)
{
  GHashTableIter iter;
  gpointer value;
  DeviceInfo *info;
  gboolean is_power;
  gboolean is_home_power;

  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));
  g_return_if_fail (reading != NULL);

  info = ensure_device (self, reading->device_id);
  info->last_seen_us = MAX (info->last_seen_us, reading->timestamp_us);
  is_power = g_strcmp0 (reading->metric_type, "power") == 0;
  if (is_power)
    {
      info->power_w = reading->value;
      info->have_power = TRUE;
    }

  is_home_power = is_power && _aether_alert_engine_counts_for_home (self, reading->device_id);
  if (is_home_power)
    {
      gboolean known = FALSE;
      double home_w = 0;
      GHashTableIter h;
      gpointer hv;

      g_hash_table_iter_init (&h, self->devices);
      while (g_hash_table_iter_next (&h, &hv, &value))
        if (((DeviceInfo *)value)->have_power && _aether_alert_engine_counts_for_home (self, hv))
          {
            home_w += ((DeviceInfo *)value)->power_w;
            known = TRUE;
          }
      if (known)
        _aether_alert_engine_update_demand (self, reading->timestamp_us, home_w);
    }

  g_hash_table_iter_init (&iter, self->rules);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RuleSlot *slot = value;
      AetherAlertRule *rule = slot->rule;
      AetherAlertScope scope = aether_alert_rule_get_scope (rule);
      const char *target = aether_alert_rule_get_target (rule);
      gboolean known = FALSE;
      double v;

      switch (aether_alert_rule_get_condition_type (rule))
        {
        case AETHER_ALERT_CONDITION_THRESHOLD:
          if (g_strcmp0 (reading->metric_type, aether_alert_rule_get_metric (rule)) != 0)
            break;
          if (scope == AETHER_ALERT_SCOPE_DEVICE)
            {
              if (g_str_equal (reading->device_id, target))
                evaluate_threshold (self, slot, reading->value);
            }
          else if (scope == AETHER_ALERT_SCOPE_ROOM && !_aether_alert_engine_counts_for_room (self, reading->device_id, info, target))
            break;
          else if (scope == AETHER_ALERT_SCOPE_HOME && !_aether_alert_engine_counts_for_home (self, reading->device_id))
            break;
          else if ((v = _aether_alert_engine_scope_value (self, rule, reading->metric_type, &known), known))
            evaluate_threshold (self, slot, v);
          break;

        case AETHER_ALERT_CONDITION_RATE_PERIOD:
          if (!is_power)
            break;
          if (scope == AETHER_ALERT_SCOPE_DEVICE && !g_str_equal (reading->device_id, target))
            break;
          v = scope == AETHER_ALERT_SCOPE_DEVICE ? reading->value : _aether_alert_engine_scope_value (self, rule, "power", &known);
          {
            gboolean in_period = g_strcmp0 (self->rate_period, aether_alert_rule_get_period (rule)) == 0;
            double threshold = aether_alert_rule_get_threshold (rule);

            update (self, slot, v, in_period && v > threshold,
                    !in_period || v < threshold - aether_alert_rule_get_hysteresis (rule));
          }
          break;

        case AETHER_ALERT_CONDITION_DEMAND:
          if (is_home_power)
            {
              double limit = aether_alert_rule_get_threshold (rule) > 0
                ? aether_alert_rule_get_threshold (rule) : self->billing_peak_kw;
              double projected = _aether_alert_engine_projected_demand_kw (self);

              if (limit > 0)
                update (self, slot, projected, projected > limit, projected < limit * 0.95);
            }
          break;

        case AETHER_ALERT_CONDITION_OFFLINE:
          if (scope == AETHER_ALERT_SCOPE_DEVICE && g_str_equal (reading->device_id, target))
            update (self, slot, 0, FALSE, TRUE);
          break;

        case AETHER_ALERT_CONDITION_COST:
        default:
          break;
        }
    }
}

static gboolean
check_offline (gpointer user_data)
{
  AetherAlertEngine *self = user_data;
  gint64 now = aether_clock_now_us (self->clock);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->rules);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RuleSlot *slot = value;
      AetherAlertRule *rule = slot->rule;
      DeviceInfo *info;
      double silent_s;

      if (aether_alert_rule_get_condition_type (rule) != AETHER_ALERT_CONDITION_OFFLINE)
        continue;

      info = g_hash_table_lookup (self->devices, aether_alert_rule_get_target (rule));
      if (info == NULL || info->last_seen_us == 0)
        continue;

      silent_s = (double)(now - info->last_seen_us) / G_USEC_PER_SEC;
      if (silent_s > aether_alert_rule_get_duration (rule))
        {
          /* "Not seen for N seconds" already includes the wait. */
          slot->last_value = silent_s;
          if (slot->state != RULE_FIRED && now >= quiet_until (slot) && rule_active_now (self, rule))
            fire (self, slot);
        }
    }

  return G_SOURCE_CONTINUE;
}

static void
aether_alert_engine_dispose (GObject *object)
{
  AetherAlertEngine *self = (AetherAlertEngine *)object;

  if (self->offline_timer != 0)
    {
      aether_clock_remove_timeout (self->clock, self->offline_timer);
      self->offline_timer = 0;
    }
  g_clear_pointer (&self->rules, g_hash_table_unref);

  G_OBJECT_CLASS (aether_alert_engine_parent_class)->dispose (object);
}

static void
aether_alert_engine_finalize (GObject *object)
{
  AetherAlertEngine *self = (AetherAlertEngine *)object;

  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->home, aether_home_unref);
  g_clear_pointer (&self->rate_period, g_free);
  g_clear_object (&self->clock);

  G_OBJECT_CLASS (aether_alert_engine_parent_class)->finalize (object);
}

static void
aether_alert_engine_class_init (AetherAlertEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aether_alert_engine_dispose;
  object_class->finalize = aether_alert_engine_finalize;

  /**
   * AetherAlertEngine::fired:
   * @self: the engine
   * @rule: the rule
   * @event: (type gpointer): the #AetherAlertEvent, valid during the emission
   */
  signals[FIRED] =
    g_signal_new ("fired", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, AETHER_TYPE_ALERT_RULE, G_TYPE_POINTER);

  /**
   * AetherAlertEngine::cleared:
   * @self: the engine
   * @rule: the rule whose condition no longer holds
   */
  signals[CLEARED] =
    g_signal_new ("cleared", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, AETHER_TYPE_ALERT_RULE);

  /**
   * AetherAlertEngine::automation:
   * @self: the engine
   * @rule: the rule
   * @device_id: the device to switch
   * @turn_on: the state to switch it to
   *
   * Emitted when an automation's delay has passed with the rule still
   * firing. The host switches the device and calls
   * aether_alert_engine_record_action_result().
   */
  signals[AUTOMATION] =
    g_signal_new ("automation", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, AETHER_TYPE_ALERT_RULE, G_TYPE_STRING, G_TYPE_BOOLEAN);

  /**
   * AetherAlertEngine::state-changed:
   * @self: the engine
   * @rule: the rule that fired or was snoozed
   *
   * Its snooze or last firing changed: what aether_alert_engine_get_state()
   * returns is worth keeping for a restart.
   */
  signals[STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, AETHER_TYPE_ALERT_RULE);
}

static void
aether_alert_engine_init (AetherAlertEngine *self)
{
  self->rules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, rule_slot_free);
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, device_info_free);
  self->history = g_ptr_array_new_with_free_func (history_entry_free);
}

/**
 * aether_alert_engine_new:
 * @clock: the clock
 * @user_tz: (nullable): the user's time zone for schedules, %NULL for local
 *
 * Returns: (transfer full): an engine with no rules
 */
AetherAlertEngine *
aether_alert_engine_new (AetherClock *clock,
                         GTimeZone   *user_tz)
{
  AetherAlertEngine *self;

  g_return_val_if_fail (AETHER_IS_CLOCK (clock), NULL);

  self = g_object_new (AETHER_TYPE_ALERT_ENGINE, NULL);
  self->clock = g_object_ref (clock);
  self->tz = user_tz ? g_time_zone_ref (user_tz) : g_time_zone_new_local ();
  self->offline_timer = aether_clock_add_timeout (clock, OFFLINE_CHECK_MS, check_offline, self, NULL);

  return self;
}

/**
 * aether_alert_engine_add_rule:
 * @self: an engine
 * @rule: a rule; replaces one with the same id
 */
void
aether_alert_engine_add_rule (AetherAlertEngine *self,
                              AetherAlertRule   *rule)
{
  RuleSlot *slot;

  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));
  g_return_if_fail (rule != NULL);

  slot = g_new0 (RuleSlot, 1);
  slot->rule = aether_alert_rule_ref (rule);
  slot->engine = self;
  g_hash_table_replace (self->rules, g_strdup (aether_alert_rule_get_id (rule)), slot);
}

gboolean
aether_alert_engine_remove_rule (AetherAlertEngine *self,
                                 const char        *alert_id)
{
  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), FALSE);

  return g_hash_table_remove (self->rules, alert_id);
}

/**
 * aether_alert_engine_get_rule:
 * @self: an engine
 * @alert_id: a rule's id
 *
 * Returns: (transfer none) (nullable): the rule
 */
AetherAlertRule *
aether_alert_engine_get_rule (AetherAlertEngine *self,
                              const char        *alert_id)
{
  RuleSlot *slot;

  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), NULL);

  slot = g_hash_table_lookup (self->rules, alert_id);
  return slot ? slot->rule : NULL;
}

/**
 * aether_alert_engine_set_device:
 * @self: an engine
 * @device_id: a device
 * @name: (nullable): its name, for messages
 * @room: (nullable): its room, for room rules
 * @controllable: whether it can be switched
 */
void
aether_alert_engine_set_device (AetherAlertEngine *self,
                                const char        *device_id,
                                const char        *name,
                                const char        *room,
                                gboolean           controllable)
{
  DeviceInfo *info;

  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));
  g_return_if_fail (device_id != NULL);

  info = ensure_device (self, device_id);
  g_free (info->name);
  info->name = g_strdup (name);
  g_free (info->room);
  info->room = g_strdup (room);
  info->controllable = controllable;
}

/**
 * aether_alert_engine_set_home:
 * @self: an engine
 * @home: (nullable): the home rule over the registry (which devices make
 *   the home, which a room); without one, every device the engine knows is
 *   summed
 *
 * A three-phase meter is three energy-meter devices: all are summed; plugs
 * beside meters are not added on top.
 */
void
aether_alert_engine_set_home (AetherAlertEngine *self,
                              AetherHome        *home)
{
  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));

  if (home != NULL)
    aether_home_ref (home);
  g_clear_pointer (&self->home, aether_home_unref);
  self->home = home;
}

void
aether_alert_engine_device_seen (AetherAlertEngine *self,
                                 const char        *device_id,
                                 gint64             last_seen_us)
{
  DeviceInfo *info;

  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));

  info = ensure_device (self, device_id);
  info->last_seen_us = MAX (info->last_seen_us, last_seen_us);
}

/**
 * aether_alert_engine_set_costs:
 * @self: an engine
 * @today: today's cost so far
 * @projected_bill: the projected bill of the current cycle
 */
void
aether_alert_engine_set_costs (AetherAlertEngine *self,
                               double             today,
                               double             projected_bill)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));

  self->cost_today = today;
  self->cost_projected = projected_bill;

  g_hash_table_iter_init (&iter, self->rules);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      RuleSlot *slot = value;

      if (aether_alert_rule_get_condition_type (slot->rule) == AETHER_ALERT_CONDITION_COST)
        evaluate_threshold (self, slot,
                            g_str_equal (aether_alert_rule_get_cost_scope (slot->rule), "today")
                              ? today : projected_bill);
    }
}

void
aether_alert_engine_set_rate_period (AetherAlertEngine *self,
                                     const char        *period)
{
  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));

  g_free (self->rate_period);
  self->rate_period = g_strdup (period);
}

void
aether_alert_engine_set_billing_peak_kw (AetherAlertEngine *self,
                                         double             peak_kw)
{
  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));

  self->billing_peak_kw = peak_kw;
}

/**
 * aether_alert_engine_snooze:
 * @self: an engine
 * @alert_id: a rule
 * @seconds: how long it stays quiet
 *
 * A snoozed rule neither fires nor carries out an automation still waiting
 * for its delay (the person has seen it and decided). ::state-changed tells
 * the host to keep the snooze across a restart.
 *
 * Returns: %TRUE if the rule exists
 */
gboolean
aether_alert_engine_snooze (AetherAlertEngine *self,
                            const char        *alert_id,
                            guint              seconds)
{
  RuleSlot *slot;
  guint minutes = (seconds + 59) / 60;

  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), FALSE);

  if (!(slot = g_hash_table_lookup (self->rules, alert_id)))
    return FALSE;

  slot->snoozed_until_us = aether_clock_now_us (self->clock) + (gint64)seconds * G_USEC_PER_SEC;
  add_history (self, alert_id, AETHER_ALERT_HISTORY_ACTION,
               g_strdup_printf (ngettext ("Snoozed for %u minute", "Snoozed for %u minutes", minutes), minutes));
  if (slot->automation_timer != 0)
    {
      aether_clock_remove_timeout (self->clock, slot->automation_timer);
      slot->automation_timer = 0;
      add_history (self, alert_id, AETHER_ALERT_HISTORY_ACTION,
                   g_strdup (_("Automation cancelled: the alert was snoozed")));
    }
  g_signal_emit (self, signals[STATE_CHANGED], 0, slot->rule);
  return TRUE;
}

/**
 * aether_alert_engine_get_snoozed_until:
 * @self: an engine
 * @alert_id: a rule
 *
 * Returns: until when (µs since the epoch) the rule is snoozed, or 0 when it
 *   is not snoozed now
 */
gint64
aether_alert_engine_get_snoozed_until (AetherAlertEngine *self,
                                       const char        *alert_id)
{
  RuleSlot *slot;

  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), 0);

  slot = g_hash_table_lookup (self->rules, alert_id);
  if (slot == NULL || slot->snoozed_until_us <= aether_clock_now_us (self->clock))
    return 0;
  return slot->snoozed_until_us;
}

/**
 * aether_alert_engine_get_state:
 * @self: an engine
 * @alert_id: a rule
 * @snoozed_until_us: (out) (optional): the end of its snooze, or 0
 * @last_fired_us: (out) (optional): when it last fired, or 0
 *
 * What a restarted engine needs to keep a rule quiet (its snooze, and its
 * cooldown, which runs from when it last fired).
 *
 * Returns: %TRUE if the rule exists
 */
gboolean
aether_alert_engine_get_state (AetherAlertEngine *self,
                               const char        *alert_id,
                               gint64            *snoozed_until_us,
                               gint64            *last_fired_us)
{
  RuleSlot *slot;

  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), FALSE);

  if (!(slot = g_hash_table_lookup (self->rules, alert_id)))
    return FALSE;
  if (snoozed_until_us)
    *snoozed_until_us = slot->snoozed_until_us;
  if (last_fired_us)
    *last_fired_us = slot->fired_at_us;
  return TRUE;
}

/**
 * aether_alert_engine_restore_state:
 * @self: an engine
 * @alert_id: a rule added with aether_alert_engine_add_rule()
 * @snoozed_until_us: the end of its snooze as stored, or 0
 * @last_fired_us: when it last fired as stored, or 0
 *
 * Gives a rule back the snooze and cooldown it had before a restart, so a
 * snoozed rule does not fire (nor switch a device) again as soon as the
 * service starts.
 *
 * Returns: %TRUE if the rule exists
 */
gboolean
aether_alert_engine_restore_state (AetherAlertEngine *self,
                                   const char        *alert_id,
                                   gint64             snoozed_until_us,
                                   gint64             last_fired_us)
{
  RuleSlot *slot;

  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), FALSE);

  if (!(slot = g_hash_table_lookup (self->rules, alert_id)))
    return FALSE;

  slot->snoozed_until_us = snoozed_until_us;
  slot->fired_at_us = last_fired_us;
  slot->quiet_until_us = last_fired_us > 0
    ? last_fired_us + (gint64)aether_alert_rule_get_cooldown (slot->rule) * G_USEC_PER_SEC
    : 0;
  return TRUE;
}

/**
 * aether_alert_engine_list_rules:
 * @self: an engine
 *
 * Returns: (transfer container) (element-type AetherAlertRule): every rule
 */
GPtrArray *
aether_alert_engine_list_rules (AetherAlertEngine *self)
{
  GPtrArray *rules;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), NULL);

  rules = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_alert_rule_unref);
  g_hash_table_iter_init (&iter, self->rules);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (rules, aether_alert_rule_ref (((RuleSlot *)value)->rule));
  return rules;
}

void
aether_alert_engine_record_action_result (AetherAlertEngine *self,
                                          const char        *alert_id,
                                          const char        *detail)
{
  g_return_if_fail (AETHER_IS_ALERT_ENGINE (self));

  add_history (self, alert_id, AETHER_ALERT_HISTORY_ACTION, g_strdup (detail));
}

gboolean
aether_alert_engine_is_firing (AetherAlertEngine *self,
                               const char        *alert_id)
{
  RuleSlot *slot;

  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), FALSE);

  slot = g_hash_table_lookup (self->rules, alert_id);
  return slot != NULL && slot->state == RULE_FIRED;
}

/**
 * aether_alert_engine_get_history:
 * @self: an engine
 *
 * Returns: (transfer none) (element-type AetherAlertHistoryEntry): oldest first
 */
GPtrArray *
aether_alert_engine_get_history (AetherAlertEngine *self)
{
  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), NULL);

  return self->history;
}

/**
 * aether_alert_engine_prune_history:
 * @self: an engine
 * @max_age_days: the seed's retention for alerts is 90
 *
 * Returns: how many entries were dropped
 */
guint
aether_alert_engine_prune_history (AetherAlertEngine *self,
                                   guint              max_age_days)
{
  gint64 cutoff;
  guint n = 0;

  g_return_val_if_fail (AETHER_IS_ALERT_ENGINE (self), 0);

  cutoff = aether_clock_now_us (self->clock) - (gint64)max_age_days * 86400 * G_USEC_PER_SEC;
  while (n < self->history->len &&
         ((AetherAlertHistoryEntry *)g_ptr_array_index (self->history, n))->time_us < cutoff)
    n++;

  if (n > 0)
    g_ptr_array_remove_range (self->history, 0, n);

  return n;
}
