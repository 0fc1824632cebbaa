/* aether-alert-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The alert rule editor: every condition the engine has (a reading of a
 * device, a room or the whole home crossing a limit; today's cost or the
 * projected bill; a device that stops answering; power during a rate
 * period; peak demand), every action (a notification with the person's
 * own words, switching the device off or on after a delay, a webhook with
 * a Test button) and the hours and days the rule is active. The same
 * window edits a stored rule, shows its history and duplicates it.
 *
 * It writes the seed's Alert Configuration. Editing starts from the stored
 * JSON and changes only what the form holds, so keys it does not show
 * (hysteresis, cooldown, metadata, anything newer) are kept; the rule is
 * checked by the engine's own parser before the service stores it. */

#define G_LOG_DOMAIN "aether-alert-window"

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "aether-alert-history.h"
#include "aether-alert-window.h"
#include "aether-format.h"

#define HISTORY_ROWS 20

typedef struct
{
  AetherAlertScope  scope;
  char             *key;
  char             *label;
  gboolean          switchable;
} Target;

typedef struct
{
  const char *key;
  const char *unit;
  const char *label;
} Metric;

static const Metric metrics[] = {
  { "power", "W", N_("Power") },
  { "energy", "Wh", N_("Energy") },
  { "voltage", "V", N_("Voltage") },
  { "current", "A", N_("Current") },
  { "temperature", "°C", N_("Temperature") },
};

static const char * const day_keys[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

struct _AetherAlertWindow
{
  AdwWindow            parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toasts;
  GtkButton           *save_button;
  GtkLabel            *error_label;
  AdwEntryRow         *name_row;
  AdwComboRow         *kind_row;
  AdwComboRow         *target_row;
  AdwComboRow         *metric_row;
  AdwComboRow         *operator_row;
  AdwComboRow         *cost_scope_row;
  AdwComboRow         *period_row;
  AdwEntryRow         *value_row;
  AdwEntryRow         *minutes_row;
  AdwExpanderRow      *notify_row;
  AdwEntryRow         *message_row;
  AdwExpanderRow      *automation_row;
  AdwComboRow         *switch_row;
  AdwEntryRow         *delay_row;
  AdwExpanderRow      *webhook_row;
  AdwEntryRow         *url_row;
  GtkButton           *test_button;
  AdwEntryRow         *from_row;
  AdwEntryRow         *until_row;
  GtkBox              *days_box;
  AdwPreferencesGroup *history_group;
  GtkButton           *duplicate_button;

  /* Owned */
  AetherService       *service;
  GArray              *targets;     /* Target, in the combo's order */
  GPtrArray           *metric_keys; /* in the combo's order */
  GPtrArray           *periods;     /* rate period names, in the combo's order */
  GtkToggleButton     *days[7];
  JsonObject          *base;        /* the stored rule being edited, or NULL */
  char                *alert_id;    /* its id, or NULL for a new rule */
  GCancellable        *cancellable;
  GPtrArray           *history_rows;
};

G_DEFINE_FINAL_TYPE (AetherAlertWindow, aether_alert_window, ADW_TYPE_WINDOW)

enum {
  CREATED,
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
target_clear (gpointer data)
{
  Target *target = data;

  g_free (target->key);
  g_free (target->label);
}

/* A number as a person types it: spaces around, a comma for the decimal
 * point in locales that write one. */
static gboolean
parse_number (const char *text,
              double     *value)
{
  g_autofree char *copy = g_strstrip (g_strdelimit (g_strdup (text), ",", '.'));
  char *end = NULL;

  if (*copy == '\0')
    return FALSE;
  *value = g_ascii_strtod (copy, &end);
  return end != copy && *end == '\0' && isfinite (*value);
}

static gboolean
parse_hhmm (const char *text,
            guint      *minutes)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  guint h, m;
  char tail;

  if (sscanf (copy, "%2u:%2u%c", &h, &m, &tail) != 2 || h > 24 || m > 59 || (h == 24 && m != 0))
    return FALSE;
  *minutes = h * 60 + m;
  return TRUE;
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static AetherAlertConditionType
current_kind (AetherAlertWindow *self)
{
  return (AetherAlertConditionType)adw_combo_row_get_selected (self->kind_row);
}

static const Target *
current_target (AetherAlertWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->target_row);

  return selected < self->targets->len ? &g_array_index (self->targets, Target, selected) : NULL;
}

static const char *
current_metric (AetherAlertWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->metric_row);

  return selected < self->metric_keys->len ? g_ptr_array_index (self->metric_keys, selected) : "power";
}

static const char *
metric_unit (const char *metric)
{
  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
    if (g_str_equal (metrics[i].key, metric))
      return metrics[i].unit;
  return NULL;
}

static const char *
current_period (AetherAlertWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->period_row);

  return selected < self->periods->len ? g_ptr_array_index (self->periods, selected) : NULL;
}

static gboolean
has_target (AetherAlertConditionType kind)
{
  return kind != AETHER_ALERT_CONDITION_COST && kind != AETHER_ALERT_CONDITION_DEMAND;
}

static gboolean
has_duration (AetherAlertConditionType kind)
{
  return kind != AETHER_ALERT_CONDITION_COST && kind != AETHER_ALERT_CONDITION_DEMAND;
}

static gboolean
can_switch (AetherAlertWindow *self)
{
  const Target *target = current_target (self);

  return has_target (current_kind (self)) && current_kind (self) != AETHER_ALERT_CONDITION_OFFLINE &&
         target != NULL && target->scope == AETHER_ALERT_SCOPE_DEVICE && target->switchable;
}

/* What is wrong with the form, for the person, or NULL. *quiet is set when
 * the form is only incomplete (nothing typed yet): Save waits, nothing is
 * said. */
static char *
validate (AetherAlertWindow *self,
          gboolean          *quiet)
{
  AetherAlertConditionType kind = current_kind (self);
  const Target *target = current_target (self);
  const char *value_text = row_text (self->value_row);
  double value = 0, minutes = 0, delay = 0;
  guint from, until;
  gboolean any_day = FALSE;

  *quiet = FALSE;

  if (kind == AETHER_ALERT_CONDITION_OFFLINE && (target == NULL || target->scope != AETHER_ALERT_SCOPE_DEVICE))
    return g_strdup (_("A device that stops answering is one device: choose it under Watch."));

  if (kind == AETHER_ALERT_CONDITION_RATE_PERIOD && current_period (self) == NULL)
    return g_strdup (_("There are no rate periods yet: add a tariff on the Rates page first."));

  if (kind == AETHER_ALERT_CONDITION_OFFLINE ||
      (kind == AETHER_ALERT_CONDITION_DEMAND && strspn (value_text, " \t") == strlen (value_text)))
    ; /* no limit; for demand, the billing period's peak so far */
  else if (!parse_number (value_text, &value))
    {
      g_autofree char *stripped = g_strstrip (g_strdup (value_text));

      *quiet = *stripped == '\0';
      /* Translators: what was typed */
      return g_strdup_printf (_("The limit “%s” is not a number."), stripped);
    }
  else if ((kind == AETHER_ALERT_CONDITION_COST || kind == AETHER_ALERT_CONDITION_DEMAND) && value <= 0)
    return g_strdup (_("The limit must be more than zero."));
  else if (kind == AETHER_ALERT_CONDITION_RATE_PERIOD && value < 0)
    return g_strdup (_("The power limit cannot be negative."));

  if (has_duration (kind))
    {
      if (!parse_number (row_text (self->minutes_row), &minutes) || minutes < 0)
        return g_strdup (_("“For at least” must be a number of minutes, 0 or more."));
      if (kind == AETHER_ALERT_CONDITION_OFFLINE && minutes <= 0)
        return g_strdup (_("Say how many minutes without an answer count as offline."));
    }

  if (adw_expander_row_get_enable_expansion (self->automation_row) && can_switch (self) &&
      (!parse_number (row_text (self->delay_row), &delay) || delay < 0 || delay != floor (delay)))
    return g_strdup (_("The delay before switching must be a whole number of seconds."));

  if (adw_expander_row_get_enable_expansion (self->webhook_row))
    {
      g_autofree char *url = g_strstrip (g_strdup (row_text (self->url_row)));
      g_autoptr(GUri) uri = *url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

      if (*url == '\0')
        return g_strdup (_("Type the web address to call, or turn “Call a Web Address” off."));
      if (uri == NULL || g_uri_get_host (uri) == NULL ||
          (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 && g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
        /* Translators: what was typed */
        return g_strdup_printf (_("“%s” is not a web address (http:// or https://)."), url);
    }

  if (!parse_hhmm (row_text (self->from_row), &from))
    return g_strdup_printf (_("“%s” is not a time like 08:00."), row_text (self->from_row));
  if (!parse_hhmm (row_text (self->until_row), &until))
    return g_strdup_printf (_("“%s” is not a time like 22:00."), row_text (self->until_row));
  if (from == until)
    return g_strdup (_("The alert is never active: “From” and “Until” are the same time."));

  for (guint i = 0; i < 7; i++)
    any_day |= gtk_toggle_button_get_active (self->days[i]);
  if (!any_day)
    return g_strdup (_("Choose at least one day the alert is active."));

  return NULL;
}

static void
update_form (AetherAlertWindow *self)
{
  AetherAlertConditionType kind = current_kind (self);
  g_autofree char *problem = NULL;
  g_autofree char *value_title = NULL;
  gboolean quiet = FALSE;

  if (self->targets == NULL || self->days[6] == NULL)
    return;   /* still building */

  gtk_widget_set_visible (GTK_WIDGET (self->target_row), has_target (kind));
  gtk_widget_set_visible (GTK_WIDGET (self->metric_row), kind == AETHER_ALERT_CONDITION_THRESHOLD);
  gtk_widget_set_visible (GTK_WIDGET (self->operator_row), kind == AETHER_ALERT_CONDITION_THRESHOLD);
  gtk_widget_set_visible (GTK_WIDGET (self->cost_scope_row), kind == AETHER_ALERT_CONDITION_COST);
  gtk_widget_set_visible (GTK_WIDGET (self->period_row), kind == AETHER_ALERT_CONDITION_RATE_PERIOD);
  gtk_widget_set_visible (GTK_WIDGET (self->value_row), kind != AETHER_ALERT_CONDITION_OFFLINE);
  gtk_widget_set_visible (GTK_WIDGET (self->minutes_row), has_duration (kind));

  switch (kind)
    {
    case AETHER_ALERT_CONDITION_THRESHOLD:
      {
        const char *unit = metric_unit (current_metric (self));

        /* Translators: a unit, "W" */
        value_title = unit ? g_strdup_printf (_("Limit (%s)"), unit) : g_strdup (_("Limit"));
      }
      break;
    case AETHER_ALERT_CONDITION_COST:
      {
        const char *currency = aether_service_get_currency (self->service);
        g_autoptr(AetherUser) user = currency ? NULL : aether_service_dup_user (self->service);

        if (currency == NULL)
          currency = aether_user_get_currency (user);
        /* Translators: a currency, "USD" */
        value_title = currency ? g_strdup_printf (_("Limit (%s)"), currency) : g_strdup (_("Limit"));
      }
      break;
    case AETHER_ALERT_CONDITION_RATE_PERIOD:
      value_title = g_strdup (_("Power Above (W)"));
      break;
    case AETHER_ALERT_CONDITION_DEMAND:
      value_title = g_strdup (_("Limit (kW, Empty for the Peak So Far)"));
      break;
    case AETHER_ALERT_CONDITION_OFFLINE:
    default:
      value_title = g_strdup (_("Limit"));
      break;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->value_row), value_title);

  gtk_widget_set_sensitive (GTK_WIDGET (self->automation_row), can_switch (self));
  adw_expander_row_set_subtitle (self->automation_row,
                                 can_switch (self) ? _("Turn it off or on when the alert goes off")
                                                   : _("Only for one device that can be switched"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), adw_expander_row_get_enable_expansion (self->webhook_row) &&
                                                             *row_text (self->url_row) != '\0');

  problem = validate (self, &quiet);
  gtk_label_set_text (self->error_label, problem && !quiet ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), problem != NULL && !quiet);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), problem == NULL);
}

static char *
default_name (AetherAlertWindow *self,
              double             value)
{
  const Target *target = current_target (self);
  const char *what = target ? target->label : _("Whole Home");

  switch (current_kind (self))
    {
    case AETHER_ALERT_CONDITION_THRESHOLD:
      {
        const char *unit = metric_unit (current_metric (self));
        guint op = adw_combo_row_get_selected (self->operator_row);
        const char *words = op == AETHER_ALERT_OPERATOR_LESS_THAN ? _("below")
                            : op == AETHER_ALERT_OPERATOR_EQUALS ? _("at")
                            : op == AETHER_ALERT_OPERATOR_NOT_EQUALS ? _("not at") : _("above");

        if (g_str_equal (current_metric (self), "power"))
          /* Translators: what is watched, "above", a power in watts: "Kettle above 2000 W" */
          return g_strdup_printf (_("%s %s %g W"), what, words, value);
        /* Translators: what is watched, a metric, "above", a value, a unit: "Kettle current above 10 A" */
        return g_strdup_printf (_("%s %s %s %g %s"), what, current_metric (self), words, value, unit ? unit : "");
      }
    case AETHER_ALERT_CONDITION_COST:
      return g_strdup_printf (adw_combo_row_get_selected (self->cost_scope_row) == 0
                              ? _("Today’s cost above %g") : _("Projected bill above %g"), value);
    case AETHER_ALERT_CONDITION_OFFLINE:
      /* Translators: a device's name */
      return g_strdup_printf (_("%s offline"), what);
    case AETHER_ALERT_CONDITION_RATE_PERIOD:
      {
        g_autofree char *period = aether_format_key (current_period (self));

        /* Translators: what is watched, a power in watts, a rate period */
        return g_strdup_printf (_("%s above %g W during %s"), what, value, period);
      }
    case AETHER_ALERT_CONDITION_DEMAND:
    default:
      return g_strdup (_("Peak demand"));
    }
}

/* The members of `conditions` the form owns; any other is kept. */
static const char * const condition_members[] = {
  "type", "device_id", "room", "metric", "operator", "threshold", "threshold_kw",
  "duration_seconds", "period", "cost_scope",
};

static char *
new_alert_id (AetherAlertWindow *self,
              const char        *name)
{
  g_autofree char *slug = aether_device_id_from_name (name);
  AetherAlertEngine *engine = aether_service_get_alert_engine (self->service);
  g_autofree char *base = g_strdup_printf ("alert-%s", slug);
  char *id = g_strdup (base);

  for (guint n = 2; aether_alert_engine_get_rule (engine, id) != NULL; n++)
    {
      g_free (id);
      id = g_strdup_printf ("%s-%u", base, n);
    }
  return id;
}

/**
 * aether_alert_window_build_rule:
 * @self: the window
 *
 * Returns: (transfer full) (nullable): the seed's Alert JSON the form
 *   holds, or %NULL while it is not valid
 */
JsonNode *
aether_alert_window_build_rule (AetherAlertWindow *self)
{
  AetherAlertConditionType kind = current_kind (self);
  const Target *target = current_target (self);
  g_autoptr(JsonObject) rule = NULL;
  g_autofree char *problem = NULL;
  g_autofree char *name = g_strstrip (g_strdup (row_text (self->name_row)));
  g_autofree char *hours = NULL;
  JsonObject *conditions, *schedule;
  JsonArray *actions, *days;
  double value = 0, minutes = 0, delay = 0;
  guint from = 0, until = 0, n_days = 0;
  gboolean quiet;
  JsonNode *node;

  g_return_val_if_fail (AETHER_IS_ALERT_WINDOW (self), NULL);

  if ((problem = validate (self, &quiet)) != NULL)
    return NULL;

  parse_number (row_text (self->value_row), &value);
  parse_number (row_text (self->minutes_row), &minutes);
  parse_number (row_text (self->delay_row), &delay);
  parse_hhmm (row_text (self->from_row), &from);
  parse_hhmm (row_text (self->until_row), &until);
  if (*name == '\0')
    {
      g_free (name);
      name = default_name (self, value);
    }

  rule = self->base ? aether_json_object_copy (self->base) : json_object_new ();
  json_object_set_string_member (rule, "alert_id", self->alert_id ? self->alert_id : "");
  json_object_set_string_member (rule, "name", name);
  if (!json_object_has_member (rule, "enabled"))
    json_object_set_boolean_member (rule, "enabled", TRUE);

  conditions = aether_json_ensure_object (rule, "conditions");
  for (guint i = 0; i < G_N_ELEMENTS (condition_members); i++)
    if (json_object_has_member (conditions, condition_members[i]))
      json_object_remove_member (conditions, condition_members[i]);

  switch (kind)
    {
    case AETHER_ALERT_CONDITION_THRESHOLD:
      json_object_set_string_member (conditions, "type", "threshold");
      json_object_set_string_member (conditions, "metric", current_metric (self));
      json_object_set_string_member (conditions, "operator",
                                     (const char *[]){ "greater_than", "less_than", "equals", "not_equals" }
                                       [MIN (adw_combo_row_get_selected (self->operator_row), 3)]);
      json_object_set_double_member (conditions, "threshold", value);
      break;
    case AETHER_ALERT_CONDITION_COST:
      json_object_set_string_member (conditions, "type", "cost");
      json_object_set_string_member (conditions, "cost_scope",
                                     adw_combo_row_get_selected (self->cost_scope_row) == 0 ? "today" : "projected_bill");
      json_object_set_double_member (conditions, "threshold", value);
      break;
    case AETHER_ALERT_CONDITION_OFFLINE:
      json_object_set_string_member (conditions, "type", "offline");
      break;
    case AETHER_ALERT_CONDITION_RATE_PERIOD:
      json_object_set_string_member (conditions, "type", "rate_period");
      json_object_set_string_member (conditions, "metric", "power");
      json_object_set_string_member (conditions, "period", current_period (self));
      json_object_set_double_member (conditions, "threshold", value);
      break;
    case AETHER_ALERT_CONDITION_DEMAND:
    default:
      json_object_set_string_member (conditions, "type", "demand");
      if (value > 0)
        json_object_set_double_member (conditions, "threshold_kw", value);
      break;
    }
  if (has_target (kind) && target != NULL && target->scope != AETHER_ALERT_SCOPE_HOME)
    json_object_set_string_member (conditions, target->scope == AETHER_ALERT_SCOPE_ROOM ? "room" : "device_id",
                                   target->key);
  if (has_duration (kind))
    json_object_set_int_member (conditions, "duration_seconds", (gint64)llround (minutes * 60));

  actions = json_array_new ();
  if (adw_expander_row_get_enable_expansion (self->notify_row))
    {
      JsonObject *action = json_object_new ();
      g_autofree char *message = g_strstrip (g_strdup (row_text (self->message_row)));

      json_object_set_string_member (action, "type", "notification");
      if (*message != '\0')
        json_object_set_string_member (action, "message", message);
      json_array_add_object_element (actions, action);
    }
  if (adw_expander_row_get_enable_expansion (self->automation_row) && can_switch (self))
    {
      JsonObject *action = json_object_new ();

      json_object_set_string_member (action, "type", "automation");
      json_object_set_string_member (action, "action", adw_combo_row_get_selected (self->switch_row) == 1 ? "turn_on" : "turn_off");
      json_object_set_int_member (action, "delay_seconds", (gint64)delay);
      json_array_add_object_element (actions, action);
    }
  if (adw_expander_row_get_enable_expansion (self->webhook_row))
    {
      JsonObject *action = json_object_new ();
      g_autofree char *url = g_strstrip (g_strdup (row_text (self->url_row)));

      json_object_set_string_member (action, "type", "webhook");
      json_object_set_string_member (action, "url", url);
      json_array_add_object_element (actions, action);
    }
  json_object_set_array_member (rule, "actions", actions);

  schedule = aether_json_ensure_object (rule, "schedule");
  /* The seed writes a whole day as 00:00-23:59. */
  hours = g_strdup_printf ("%02u:%02u-%02u:%02u", from / 60, from % 60,
                           until == 24 * 60 ? 23 : until / 60, until == 24 * 60 ? 59 : until % 60);
  json_object_set_string_member (schedule, "active_hours", hours);
  days = json_array_new ();
  for (guint i = 0; i < 7; i++)
    n_days += gtk_toggle_button_get_active (self->days[i]);
  for (guint i = 0; i < 7; i++)
    if (n_days == 7 && i == 0)
      json_array_add_string_element (days, "all");
    else if (n_days < 7 && gtk_toggle_button_get_active (self->days[i]))
      json_array_add_string_element (days, day_keys[i]);
  json_object_set_array_member (schedule, "active_days", days);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, rule);
  return node;
}

static void
on_save_clicked (AetherAlertWindow *self)
{
  g_autoptr(JsonNode) node = aether_alert_window_build_rule (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherAlertRule) checked = NULL;
  gboolean stored = FALSE;
  JsonObject *rule;
  const char *name;

  if (node == NULL)
    return;
  rule = json_node_get_object (node);
  name = json_object_get_string_member (rule, "name");
  if (self->alert_id == NULL)
    {
      g_autofree char *id = new_alert_id (self, name);

      json_object_set_string_member (rule, "alert_id", id);
    }

  /* The engine's own parser says what it would refuse, before storing. */
  if ((checked = aether_alert_rule_new_from_json (node, &error)) != NULL)
    {
      if (self->alert_id == NULL)
        {
          g_autofree char *added = aether_service_add_alert (self->service, node, &error);

          stored = added != NULL;
        }
      else
        stored = aether_service_update_alert (self->service, node, &error);
    }
  if (!stored)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  g_signal_emit (self, signals[self->alert_id == NULL ? CREATED : SAVED], 0, name);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_test_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(AetherAlertWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  AdwToast *toast;

  if (!aether_service_test_webhook_finish (AETHER_SERVICE (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      toast = adw_toast_new (error->message);
    }
  else
    toast = adw_toast_new (_("The address answered the test"));
  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toasts, toast);
  gtk_button_set_label (self->test_button, _("_Test"));
  update_form (self);
}

static void
on_test_clicked (AetherAlertWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (row_text (self->url_row)));
  g_autofree char *name = g_strstrip (g_strdup (row_text (self->name_row)));

  gtk_widget_set_sensitive (GTK_WIDGET (self->test_button), FALSE);
  gtk_button_set_label (self->test_button, _("Testing…"));
  aether_service_test_webhook_async (self->service, url, self->alert_id, *name ? name : NULL,
                                     self->cancellable, on_test_done, g_object_ref (self));
}

static void
fill_targets (AetherAlertWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) devices = aether_service_list_device_objects (self->service, NULL);
  g_autoptr(GPtrArray) rooms = g_ptr_array_new_with_free_func (g_free);
  Target home = { AETHER_ALERT_SCOPE_HOME, NULL, g_strdup (_("Whole Home")), FALSE };

  g_array_append_val (self->targets, home);
  gtk_string_list_append (names, home.label);

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      const char *room = aether_device_get_location_room (g_ptr_array_index (devices, i));

      if (room != NULL && !g_ptr_array_find_with_equal_func (rooms, room, (GEqualFunc)aether_room_equal, NULL))
        g_ptr_array_add (rooms, g_strdup (room));
    }
  g_ptr_array_sort (rooms, (GCompareFunc)g_strcmp0);
  for (guint i = 0; i < rooms->len; i++)
    {
      g_autofree char *pretty = aether_format_key (g_ptr_array_index (rooms, i));
      Target target = { AETHER_ALERT_SCOPE_ROOM, g_strdup (g_ptr_array_index (rooms, i)), NULL, FALSE };

      /* Translators: a room among what an alert can watch */
      target.label = g_strdup_printf (_("%s (room)"), pretty);
      g_array_append_val (self->targets, target);
      gtk_string_list_append (names, target.label);
    }
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      AetherDevice *device = g_ptr_array_index (devices, i);
      Target target = { AETHER_ALERT_SCOPE_DEVICE, g_strdup (aether_device_get_id (device)),
                        g_strdup (aether_device_get_name (device)),
                        aether_device_has_capability (device, "on_off_control") };

      /* A mains meter may be named like the whole home: say which is which. */
      if (aether_device_get_is_energy_meter (device))
        {
          /* Translators: a meter among what an alert can watch */
          char *label = g_strdup_printf (_("%s (meter)"), target.label);

          g_free (target.label);
          target.label = label;
        }
      g_array_append_val (self->targets, target);
      gtk_string_list_append (names, target.label);
    }

  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (names));
}

static void
collect_periods (JsonNode  *node,
                 GPtrArray *periods)
{
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        collect_periods (json_array_get_element (array, i), periods);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonNode *list = json_object_get_member (object, "periods");
      g_autoptr(GList) members = json_object_get_members (object);

      for (guint i = 0; list && JSON_NODE_HOLDS_ARRAY (list) && i < json_array_get_length (json_node_get_array (list)); i++)
        {
          JsonNode *period = json_array_get_element (json_node_get_array (list), i);
          const char *name = JSON_NODE_HOLDS_OBJECT (period)
                             ? json_object_get_string_member_with_default (json_node_get_object (period), "name", NULL) : NULL;

          if (name != NULL && !g_ptr_array_find_with_equal_func (periods, name, g_str_equal, NULL))
            g_ptr_array_add (periods, g_strdup (name));
        }
      for (GList *l = members; l; l = l->next)
        if (!g_str_equal (l->data, "periods"))
          collect_periods (json_object_get_member (object, l->data), periods);
    }
}

static void
fill_choices (AetherAlertWindow *self)
{
  g_autoptr(GtkStringList) metric_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) period_names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) schedules = aether_store_list_rate_schedules (aether_service_get_store (self->service), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (metrics); i++)
    {
      g_ptr_array_add (self->metric_keys, g_strdup (metrics[i].key));
      gtk_string_list_append (metric_names, _(metrics[i].label));
    }
  adw_combo_row_set_model (self->metric_row, G_LIST_MODEL (metric_names));

  for (guint i = 0; schedules != NULL && i < schedules->len; i++)
    collect_periods (g_ptr_array_index (schedules, i), self->periods);
  for (guint i = 0; i < self->periods->len; i++)
    {
      g_autofree char *pretty = aether_format_key (g_ptr_array_index (self->periods, i));

      gtk_string_list_append (period_names, pretty);
    }
  adw_combo_row_set_model (self->period_row, G_LIST_MODEL (period_names));
}

static void
select_key (AdwComboRow *row,
            GPtrArray   *keys,
            const char  *key,
            const char  *label)
{
  guint index;

  if (key == NULL)
    return;
  if (!g_ptr_array_find_with_equal_func (keys, key, g_str_equal, &index))
    {
      /* A value this version does not list (another metric, a period of
       * a tariff since removed) stays what the rule says. */
      g_ptr_array_add (keys, g_strdup (key));
      gtk_string_list_append (GTK_STRING_LIST (adw_combo_row_get_model (row)), label ? label : key);
      index = keys->len - 1;
    }
  adw_combo_row_set_selected (row, index);
}

static char *
format_number (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  return g_strdup (g_ascii_formatd (buffer, sizeof buffer, "%g", value));
}

static void
set_row_number (AdwEntryRow *row,
                double       value)
{
  g_autofree char *text = format_number (value);

  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
load_history (AetherAlertWindow *self)
{
  g_autoptr(JsonNode) history = aether_store_list_alert_history (aether_service_get_store (self->service), NULL);
  guint shown = 0;

  for (guint i = 0; i < self->history_rows->len; i++)
    adw_preferences_group_remove (self->history_group, g_ptr_array_index (self->history_rows, i));
  g_ptr_array_set_size (self->history_rows, 0);

  if (history != NULL && JSON_NODE_HOLDS_ARRAY (history))
    {
      JsonArray *entries = json_node_get_array (history);

      /* Newest first. */
      for (guint i = json_array_get_length (entries); i > 0 && shown < HISTORY_ROWS; i--)
        {
          JsonObject *entry = json_array_get_object_element (entries, i - 1);
          GtkWidget *row;

          if (g_strcmp0 (json_object_get_string_member_with_default (entry, "alert_id", NULL), self->alert_id) != 0)
            continue;
          row = aether_alert_history_row_new (self->service, entry, FALSE);
          adw_preferences_group_add (self->history_group, row);
          g_ptr_array_add (self->history_rows, row);
          shown++;
        }
    }
  adw_preferences_group_set_description (self->history_group,
                                         shown == 0 ? _("It has not gone off yet.") : NULL);
}

static void
load_rule (AetherAlertWindow *self,
           AetherAlertRule   *rule)
{
  AetherAlertConditionType kind = aether_alert_rule_get_condition_type (rule);
  guint from, until;
  guint8 days;

  gtk_editable_set_text (GTK_EDITABLE (self->name_row), aether_alert_rule_get_name (rule));
  adw_combo_row_set_selected (self->kind_row, kind);

  for (guint i = 0; i < self->targets->len; i++)
    {
      const Target *target = &g_array_index (self->targets, Target, i);

      if (target->scope == aether_alert_rule_get_scope (rule) &&
          (target->scope == AETHER_ALERT_SCOPE_HOME ||
           (target->scope == AETHER_ALERT_SCOPE_ROOM ? aether_room_equal (target->key, aether_alert_rule_get_target (rule))
                                                     : g_strcmp0 (target->key, aether_alert_rule_get_target (rule)) == 0)))
        adw_combo_row_set_selected (self->target_row, i);
    }

  if (kind == AETHER_ALERT_CONDITION_THRESHOLD)
    {
      select_key (self->metric_row, self->metric_keys, aether_alert_rule_get_metric (rule), NULL);
      adw_combo_row_set_selected (self->operator_row, aether_alert_rule_get_operator (rule));
    }
  if (kind == AETHER_ALERT_CONDITION_RATE_PERIOD)
    {
      g_autofree char *pretty = aether_format_key (aether_alert_rule_get_period (rule));

      select_key (self->period_row, self->periods, aether_alert_rule_get_period (rule), pretty);
    }
  adw_combo_row_set_selected (self->cost_scope_row,
                              g_strcmp0 (aether_alert_rule_get_cost_scope (rule), "projected_bill") == 0);

  if (kind == AETHER_ALERT_CONDITION_DEMAND && aether_alert_rule_get_threshold (rule) <= 0)
    gtk_editable_set_text (GTK_EDITABLE (self->value_row), "");
  else if (kind != AETHER_ALERT_CONDITION_OFFLINE)
    set_row_number (self->value_row, aether_alert_rule_get_threshold (rule));
  set_row_number (self->minutes_row, aether_alert_rule_get_duration (rule) / 60.0);

  adw_expander_row_set_enable_expansion (self->notify_row, FALSE);
  adw_expander_row_set_enable_expansion (self->automation_row, FALSE);
  adw_expander_row_set_enable_expansion (self->webhook_row, FALSE);
  for (guint i = 0; i < aether_alert_rule_get_n_actions (rule); i++)
    {
      const AetherAlertAction *action = aether_alert_rule_get_action (rule, i);

      switch (action->type)
        {
        case AETHER_ALERT_ACTION_NOTIFICATION:
          adw_expander_row_set_enable_expansion (self->notify_row, TRUE);
          gtk_editable_set_text (GTK_EDITABLE (self->message_row), action->message ? action->message : "");
          break;
        case AETHER_ALERT_ACTION_AUTOMATION:
          adw_expander_row_set_enable_expansion (self->automation_row, TRUE);
          adw_combo_row_set_selected (self->switch_row, action->turn_on ? 1 : 0);
          set_row_number (self->delay_row, action->delay_seconds);
          break;
        case AETHER_ALERT_ACTION_WEBHOOK:
        default:
          adw_expander_row_set_enable_expansion (self->webhook_row, TRUE);
          gtk_editable_set_text (GTK_EDITABLE (self->url_row), action->url);
          break;
        }
    }

  aether_alert_rule_get_active_hours (rule, &from, &until);
  {
    g_autofree char *from_text = g_strdup_printf ("%02u:%02u", from / 60, from % 60);
    g_autofree char *until_text = g_strdup_printf ("%02u:%02u", until / 60, until % 60);

    gtk_editable_set_text (GTK_EDITABLE (self->from_row), from_text);
    gtk_editable_set_text (GTK_EDITABLE (self->until_row), until_text);
  }
  days = aether_alert_rule_get_active_days (rule);
  for (guint i = 0; i < 7; i++)
    gtk_toggle_button_set_active (self->days[i], (days & (1 << i)) != 0);
}

static void
set_editing (AetherAlertWindow *self,
             const char        *alert_id)
{
  g_free (self->alert_id);
  self->alert_id = g_strdup (alert_id);
  gtk_window_set_title (GTK_WINDOW (self), alert_id ? _("Edit Alert") : _("New Alert"));
  gtk_button_set_label (self->save_button, alert_id ? _("_Save") : _("C_reate"));
  gtk_widget_set_visible (GTK_WIDGET (self->history_group), alert_id != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->duplicate_button), alert_id != NULL);
  if (alert_id != NULL)
    load_history (self);
}

static void
on_duplicate_clicked (AetherAlertWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (row_text (self->name_row)));
  /* Translators: the name of a copy of an alert */
  g_autofree char *copy_name = g_strdup_printf (_("%s (Copy)"), name);

  /* The copy keeps every setting, but neither the id nor what happened
   * to the original; nothing is stored until Create. */
  if (self->base != NULL && json_object_has_member (self->base, "metadata"))
    json_object_remove_member (self->base, "metadata");
  set_editing (self, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), copy_name);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("A copy: change what differs, then create it")));
  update_form (self);
}

static AetherAlertWindow *
window_new (GtkWindow     *parent,
            AetherService *service)
{
  AetherAlertWindow *self = g_object_new (AETHER_TYPE_ALERT_WINDOW, "transient-for", parent, NULL);

  self->service = g_object_ref (service);
  fill_targets (self);
  fill_choices (self);
  return self;
}

/**
 * aether_alert_window_new:
 * @parent: (nullable): the window it belongs to
 * @service: the running service
 * @device_id: (nullable): a device to watch, chosen already
 *
 * Returns: (transfer full): a new window for a new rule
 */
AetherAlertWindow *
aether_alert_window_new (GtkWindow     *parent,
                         AetherService *service,
                         const char    *device_id)
{
  AetherAlertWindow *self;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  self = window_new (parent, service);
  for (guint i = 0; device_id != NULL && i < self->targets->len; i++)
    if (g_strcmp0 (g_array_index (self->targets, Target, i).key, device_id) == 0)
      adw_combo_row_set_selected (self->target_row, i);
  set_editing (self, NULL);
  update_form (self);
  return self;
}

/**
 * aether_alert_window_new_for_rule:
 * @parent: (nullable): the window it belongs to
 * @service: the running service
 * @alert_id: a stored rule
 *
 * Returns: (transfer full) (nullable): a window editing the rule, or
 *   %NULL when there is no such rule (or it cannot be read)
 */
AetherAlertWindow *
aether_alert_window_new_for_rule (GtkWindow     *parent,
                                  AetherService *service,
                                  const char    *alert_id)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(AetherAlertRule) rule = NULL;
  AetherAlertWindow *self;
  JsonNode *stored = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);
  g_return_val_if_fail (alert_id != NULL, NULL);

  alerts = aether_store_list_alerts (aether_service_get_store (service), NULL);
  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (g_ptr_array_index (alerts, i)),
                                                               "alert_id", NULL), alert_id) == 0)
      stored = g_ptr_array_index (alerts, i);
  if (stored == NULL || !(rule = aether_alert_rule_new_from_json (stored, NULL)))
    return NULL;

  self = window_new (parent, service);
  self->base = aether_json_object_copy (json_node_get_object (stored));
  load_rule (self, rule);
  set_editing (self, alert_id);
  update_form (self);
  return self;
}

static void
aether_alert_window_dispose (GObject *object)
{
  AetherAlertWindow *self = (AetherAlertWindow *)object;

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (aether_alert_window_parent_class)->dispose (object);
}

static void
aether_alert_window_finalize (GObject *object)
{
  AetherAlertWindow *self = (AetherAlertWindow *)object;

  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->targets, g_array_unref);
  g_clear_pointer (&self->metric_keys, g_ptr_array_unref);
  g_clear_pointer (&self->periods, g_ptr_array_unref);
  g_clear_pointer (&self->history_rows, g_ptr_array_unref);
  g_clear_pointer (&self->base, json_object_unref);
  g_free (self->alert_id);

  G_OBJECT_CLASS (aether_alert_window_parent_class)->finalize (object);
}

static void
aether_alert_window_class_init (AetherAlertWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_alert_window_dispose;
  object_class->finalize = aether_alert_window_finalize;

  /**
   * AetherAlertWindow::created:
   * @self: the window
   * @name: the new alert's name
   */
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * AetherAlertWindow::saved:
   * @self: the window
   * @name: the edited alert's name
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/alerts/aether-alert-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, target_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, metric_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, operator_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, cost_scope_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, period_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, value_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, minutes_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, notify_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, message_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, automation_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, switch_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, delay_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, webhook_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, url_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, test_button);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, from_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, until_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, days_box);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, history_group);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, duplicate_button);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_test_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_duplicate_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_form);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aether_alert_window_init (AetherAlertWindow *self)
{
  /* Translators: two-letter day abbreviations, Monday first */
  const char *short_days[] = { N_("Mo"), N_("Tu"), N_("We"), N_("Th"), N_("Fr"), N_("Sa"), N_("Su") };
  const char *long_days[] = { N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"),
                              N_("Friday"), N_("Saturday"), N_("Sunday") };

  static gsize css_once = 0;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* A day that is on reads as on: the accent colour, not a shade of grey. */
  if (g_once_init_enter (&css_once))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_data (provider,
                                       "button.day-toggle:checked { background-color: @accent_bg_color;"
                                       " color: @accent_fg_color; }", -1);
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&css_once, 1);
    }

  self->cancellable = g_cancellable_new ();
  self->metric_keys = g_ptr_array_new_with_free_func (g_free);
  self->periods = g_ptr_array_new_with_free_func (g_free);
  self->history_rows = g_ptr_array_new ();

  for (guint i = 0; i < 7; i++)
    {
      GtkWidget *toggle = gtk_toggle_button_new_with_label (_(short_days[i]));

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), TRUE);
      gtk_widget_set_tooltip_text (toggle, _(long_days[i]));
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, _(long_days[i]), -1);
      gtk_widget_add_css_class (toggle, "circular");
      gtk_widget_add_css_class (toggle, "day-toggle");
      g_signal_connect_swapped (toggle, "toggled", G_CALLBACK (update_form), self);
      gtk_box_append (self->days_box, toggle);
      self->days[i] = GTK_TOGGLE_BUTTON (toggle);
    }

  self->targets = g_array_new (FALSE, TRUE, sizeof (Target));
  g_array_set_clear_func (self->targets, target_clear);
}
