/* aether-alerts-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Alerts page: every alert with what it watches in words, whether it
 * is firing now, a switch to turn it off for a while and a button to
 * remove it (with undo); below, the recent activity (fired, cleared, what
 * an automation did). Alerts are made in the New Alert window; any other
 * kind from the CLI shows here the same way. */

#define G_LOG_DOMAIN "aether-alerts-page"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-alert-history.h"
#include "aether-alert-window.h"
#include "aether-alerts-page.h"
#include "aether-format.h"

#define HISTORY_ROWS 10

struct _AetherAlertsPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  AdwToastOverlay     *toasts;
  GtkStack            *stack;
  AdwPreferencesGroup *rules_group;
  AdwPreferencesGroup *history_group;

  /* Owned */
  AetherService       *service;
  GPtrArray           *rows;          /* owned by the groups */
  gulong               fired_handler;
  gulong               cleared_handler;
  gulong               state_handler;
  gulong               rules_handler;
  gulong               user_handler;
};

G_DEFINE_FINAL_TYPE (AetherAlertsPage, aether_alerts_page, ADW_TYPE_BIN)

static char *
dup_device_name (AetherAlertsPage *self,
                 const char       *device_id)
{
  g_autoptr(AetherDevice) device = aether_service_lookup_device (self->service, device_id, NULL);

  /* A person reads names, never a registry id. */
  if (device == NULL)
    return g_strdup (_("A device no longer listed"));
  return g_strdup (aether_device_get_name (device));
}

/* "Office Desk Plug power above 500 W for 5 minutes, then turn it off" */
static char *
describe (AetherAlertsPage *self,
          AetherAlertRule  *rule)
{
  g_autofree char *what = NULL;
  g_autofree char *condition = NULL;
  const char *target = aether_alert_rule_get_target (rule);
  gboolean turns_off = FALSE;
  guint minutes = aether_alert_rule_get_duration (rule) / 60;

  switch (aether_alert_rule_get_scope (rule))
    {
    case AETHER_ALERT_SCOPE_DEVICE:
      what = dup_device_name (self, target);
      break;
    case AETHER_ALERT_SCOPE_ROOM:
      what = aether_format_key (target);
      break;
    case AETHER_ALERT_SCOPE_HOME:
    default:
      what = g_strdup (_("Whole home"));
      break;
    }

  switch (aether_alert_rule_get_condition_type (rule))
    {
    case AETHER_ALERT_CONDITION_THRESHOLD:
      {
        g_autofree char *value = g_strcmp0 (aether_alert_rule_get_metric (rule), "power") == 0
                                 ? aether_format_power (aether_alert_rule_get_threshold (rule))
                                 : g_strdup_printf ("%g", aether_alert_rule_get_threshold (rule));

        /* Translators: what is watched, a metric, "above" or "below", a value */
        condition = g_strdup_printf (_("%s %s %s %s"), what, aether_alert_rule_get_metric (rule),
                                     aether_alert_rule_get_operator (rule) == AETHER_ALERT_OPERATOR_LESS_THAN ? _("below") : _("above"),
                                     value);
      }
      break;
    case AETHER_ALERT_CONDITION_COST:
      {
        g_autofree char *money = aether_format_money (aether_alert_rule_get_threshold (rule),
                                                      aether_service_get_currency (self->service));

        condition = g_strdup_printf (g_strcmp0 (aether_alert_rule_get_cost_scope (rule), "today") == 0
                                       ? _("Today’s cost above %s") : _("Projected bill above %s"),
                                     money);
      }
      break;
    case AETHER_ALERT_CONDITION_OFFLINE:
      /* Translators: a device's name; "for 5 minutes" may follow */
      condition = g_strdup_printf (_("%s not answering"), what);
      break;
    case AETHER_ALERT_CONDITION_RATE_PERIOD:
      {
        g_autofree char *value = aether_format_power (aether_alert_rule_get_threshold (rule));
        g_autofree char *period = aether_format_key (aether_alert_rule_get_period (rule));

        /* Translators: what is watched, a power, a rate period ("Peak") */
        condition = g_strdup_printf (_("%s above %s during %s"), what, value, period);
      }
      break;
    case AETHER_ALERT_CONDITION_DEMAND:
    default:
      condition = g_strdup (_("Demand heading past the limit"));
      break;
    }

  for (guint i = 0; i < aether_alert_rule_get_n_actions (rule); i++)
    {
      const AetherAlertAction *action = aether_alert_rule_get_action (rule, i);

      turns_off |= action->type == AETHER_ALERT_ACTION_AUTOMATION && !action->turn_on;
    }

  if (minutes > 0 && turns_off)
    return g_strdup_printf (ngettext ("%s for %u minute, then switched off", "%s for %u minutes, then switched off", minutes),
                            condition, minutes);
  if (minutes > 0)
    return g_strdup_printf (ngettext ("%s for %u minute", "%s for %u minutes", minutes), condition, minutes);
  if (turns_off)
    return g_strdup_printf (_("%s, then switched off"), condition);
  return g_steal_pointer (&condition);
}

/* "14:30:00" today, with the date another day, in the user's locale. */
static char *
format_until (AetherAlertsPage *self,
              gint64            until_us)
{
  g_autoptr(GTimeZone) tz = aether_service_dup_time_zone (self->service);
  g_autoptr(GDateTime) until = g_date_time_new_from_unix_utc (until_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) until_local = g_date_time_to_timezone (until, tz);
  g_autoptr(GDateTime) now = g_date_time_new_now (tz);
  int y1, m1, d1, y2, m2, d2;

  g_date_time_get_ymd (until_local, &y1, &m1, &d1);
  g_date_time_get_ymd (now, &y2, &m2, &d2);
  return aether_alert_format_time (self->service, until_us, !(y1 == y2 && m1 == m2 && d1 == d2));
}

static void
clear_rows (AetherAlertsPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);

      adw_preferences_group_remove (ADW_PREFERENCES_GROUP (gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP)), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static gboolean
on_enabled_set (GtkSwitch        *toggle,
                gboolean          enabled,
                AetherAlertsPage *self)
{
  JsonNode *json = g_object_get_data (G_OBJECT (toggle), "json");
  /* A deep copy: the row's rule changes only once the change is stored. */
  g_autoptr(JsonNode) changed = aether_json_deep_copy (json);
  g_autoptr(GError) error = NULL;

  json_object_set_boolean_member (json_node_get_object (changed), "enabled", enabled);
  if (!aether_service_update_alert (self->service, changed, &error))
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return TRUE;
    }
  json_object_set_boolean_member (json_node_get_object (json), "enabled", enabled);
  gtk_switch_set_state (toggle, enabled);
  return TRUE;
}

static void
restore_alert (AdwToast         *toast,
               AetherAlertsPage *self)
{
  JsonNode *json = g_object_get_data (G_OBJECT (toast), "json");
  g_autoptr(GError) error = NULL;
  g_autofree char *id = aether_service_add_alert (self->service, json, &error);

  if (id == NULL)
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
  aether_alerts_page_reload (self);
}

/**
 * aether_alerts_page_remove_alert:
 * @self: the page
 * @alert_id: the alert to remove
 *
 * Removes an alert as its button does, offering to undo it.
 */
void
aether_alerts_page_remove_alert (AetherAlertsPage *self,
                                 const char       *alert_id)
{
  AetherAlertRule *borrowed = aether_alert_engine_get_rule (aether_service_get_alert_engine (self->service), alert_id);
  /* The engine drops its own reference below. */
  g_autoptr(AetherAlertRule) rule = borrowed ? aether_alert_rule_ref (borrowed) : NULL;
  g_autoptr(JsonNode) json = rule ? aether_alert_rule_to_json (rule) : NULL;
  g_autoptr(JsonNode) removed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (!(removed = aether_service_remove_alert (self->service, alert_id, &error)))
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  aether_alerts_page_reload (self);

  /* Translators: an alert's name */
  title = g_strdup_printf (_("“%s” removed"), rule ? aether_alert_rule_get_name (rule) : alert_id);
  toast = adw_toast_new (title);
  if (json != NULL)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_object_set_data_full (G_OBJECT (toast), "json", g_steal_pointer (&json), (GDestroyNotify)json_node_unref);
      g_signal_connect (toast, "button-clicked", G_CALLBACK (restore_alert), self);
    }
  adw_toast_overlay_add_toast (self->toasts, toast);
}

static void
on_remove_clicked (GtkButton        *button,
                   AetherAlertsPage *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (button), "alert-id"));

  aether_alerts_page_remove_alert (self, id);
}

static void
on_saved (AetherAlertWindow *window,
          const char        *name,
          AetherAlertsPage  *self)
{
  /* Translators: an alert's name */
  g_autofree char *title = g_strdup_printf (_("“%s” saved"), name);

  aether_alerts_page_reload (self);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (title));
}

static void on_created (AetherAlertWindow *window,
                        const char        *name,
                        AetherAlertsPage  *self);

/**
 * aether_alerts_page_edit_alert:
 * @self: the page
 * @alert_id: a stored rule
 *
 * Opens the rule in the editor, as clicking its row does.
 *
 * Returns: (transfer none) (nullable): the editor it opened
 */
AetherAlertWindow *
aether_alerts_page_edit_alert (AetherAlertsPage *self,
                               const char       *alert_id)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AetherAlertWindow *window;

  g_return_val_if_fail (AETHER_IS_ALERTS_PAGE (self), NULL);

  if (self->service == NULL ||
      !(window = aether_alert_window_new_for_rule (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->service, alert_id)))
    return NULL;
  g_signal_connect_object (window, "saved", G_CALLBACK (on_saved), self, 0);
  /* A duplicate is created from the same window. */
  g_signal_connect_object (window, "created", G_CALLBACK (on_created), self, 0);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
on_row_activated (AdwActionRow     *row,
                  AetherAlertsPage *self)
{
  g_autofree char *id = g_strdup (g_object_get_data (G_OBJECT (row), "alert-id"));

  aether_alerts_page_edit_alert (self, id);
}

static GtkWidget *
rule_row (AetherAlertsPage *self,
          JsonNode         *json)
{
  g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_json (json, NULL);
  AetherAlertEngine *engine = aether_service_get_alert_engine (self->service);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autofree char *description = NULL;
  g_autofree char *label = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (rule == NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), json_object_get_string_member_with_default (json_node_get_object (json), "name", "?"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("This alert cannot be read and does nothing"));
      return row;
    }

  description = describe (self, rule);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), aether_alert_rule_get_name (rule));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);

  if (aether_alert_engine_is_firing (engine, aether_alert_rule_get_id (rule)))
    {
      GtkWidget *badge = gtk_label_new (_("Firing"));

      gtk_widget_add_css_class (badge, "warning");
      gtk_widget_add_css_class (badge, "heading");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
    }

  /* A snooze (kept across restarts) says until when it lasts. */
  {
    gint64 until = aether_alert_engine_get_snoozed_until (engine, aether_alert_rule_get_id (rule));

    if (until > 0)
      {
        g_autofree char *when = format_until (self, until);
        /* Translators: a time of day, or a date and a time */
        g_autofree char *text = g_strdup_printf (_("Snoozed until %s"), when);
        GtkWidget *badge = gtk_label_new (text);

        gtk_widget_add_css_class (badge, "dim-label");
        gtk_widget_set_name (badge, "snoozed");
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
      }
  }

  label = g_strdup_printf (_("Alert “%s” on or off"), aether_alert_rule_get_name (rule));
  gtk_switch_set_active (GTK_SWITCH (toggle), aether_alert_rule_get_enabled (rule));
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (toggle), "json", json_node_ref (json), (GDestroyNotify)json_node_unref);
  g_signal_connect (toggle, "state-set", G_CALLBACK (on_enabled_set), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);

  g_free (label);
  label = g_strdup_printf (_("Remove “%s”"), aether_alert_rule_get_name (rule));
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (remove), "alert-id", g_strdup (aether_alert_rule_get_id (rule)), g_free);
  g_signal_connect (remove, "clicked", G_CALLBACK (on_remove_clicked), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

  /* The row opens the rule in the editor. */
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "alert-id", g_strdup (aether_alert_rule_get_id (rule)), g_free);
  g_signal_connect (row, "activated", G_CALLBACK (on_row_activated), self);
  return row;
}

/**
 * aether_alerts_page_reload:
 * @self: the page
 *
 * Shows the stored alerts and their recent activity again.
 */
void
aether_alerts_page_reload (AetherAlertsPage *self)
{
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(JsonNode) history = NULL;
  g_autoptr(GError) error = NULL;
  guint shown = 0;

  g_return_if_fail (AETHER_IS_ALERTS_PAGE (self));

  clear_rows (self);
  if (self->service == NULL || !(alerts = aether_store_list_alerts (aether_service_get_store (self->service), &error)))
    {
      if (error != NULL)
        g_warning ("Could not list the alerts: %s", error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < alerts->len; i++)
    {
      GtkWidget *row = rule_row (self, g_ptr_array_index (alerts, i));

      adw_preferences_group_add (self->rules_group, row);
      g_ptr_array_add (self->rows, row);
    }

  /* Newest first. */
  history = aether_store_list_alert_history (aether_service_get_store (self->service), NULL);
  if (history != NULL && JSON_NODE_HOLDS_ARRAY (history))
    {
      JsonArray *entries = json_node_get_array (history);

      for (guint i = json_array_get_length (entries); i > 0 && shown < HISTORY_ROWS; i--, shown++)
        {
          GtkWidget *row = aether_alert_history_row_new (self->service, json_array_get_object_element (entries, i - 1), TRUE);

          adw_preferences_group_add (self->history_group, row);
          g_ptr_array_add (self->rows, row);
        }
    }
  adw_preferences_group_set_description (self->history_group,
                                         shown == 0 ? _("Nothing has happened yet.") : NULL);

  gtk_stack_set_visible_child_name (self->stack, alerts->len > 0 ? "rules" : "empty");
}

static void
on_created (AetherAlertWindow *window,
            const char        *name,
            AetherAlertsPage  *self)
{
  /* Translators: an alert's name */
  g_autofree char *title = g_strdup_printf (_("“%s” is watching"), name);

  aether_alerts_page_reload (self);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (title));
}

/**
 * aether_alerts_page_new_alert:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the New Alert window it opened
 */
AetherAlertWindow *
aether_alerts_page_new_alert (AetherAlertsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AetherAlertWindow *window;

  g_return_val_if_fail (AETHER_IS_ALERTS_PAGE (self), NULL);

  if (self->service == NULL)
    return NULL;
  window = aether_alert_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->service, NULL);
  g_signal_connect_object (window, "created", G_CALLBACK (on_created), self, 0);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  aether_alerts_page_new_alert (AETHER_ALERTS_PAGE (widget));
}

static void
on_engine_changed (AetherAlertsPage *self)
{
  /* Firing badges and activity follow the engine while shown. */
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    aether_alerts_page_reload (self);
}

void
aether_alerts_page_set_service (AetherAlertsPage *self,
                                AetherService    *service)
{
  g_return_if_fail (AETHER_IS_ALERTS_PAGE (self));

  if (self->service != NULL)
    {
      g_clear_signal_handler (&self->fired_handler, aether_service_get_alert_engine (self->service));
      g_clear_signal_handler (&self->cleared_handler, aether_service_get_alert_engine (self->service));
      g_clear_signal_handler (&self->state_handler, aether_service_get_alert_engine (self->service));
      g_clear_signal_handler (&self->rules_handler, self->service);
      g_clear_signal_handler (&self->user_handler, self->service);
    }
  g_set_object (&self->service, service);
  if (service != NULL)
    {
      self->fired_handler = g_signal_connect_object (aether_service_get_alert_engine (service), "fired",
                                                     G_CALLBACK (on_engine_changed), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      self->cleared_handler = g_signal_connect_object (aether_service_get_alert_engine (service), "cleared",
                                                       G_CALLBACK (on_engine_changed), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      /* A snooze shows at once; rules another program added appear. */
      self->state_handler = g_signal_connect_object (aether_service_get_alert_engine (service), "state-changed",
                                                     G_CALLBACK (on_engine_changed), self, G_CONNECT_SWAPPED | G_CONNECT_AFTER);
      self->rules_handler = g_signal_connect_object (service, "alerts-changed",
                                                     G_CALLBACK (on_engine_changed), self, G_CONNECT_SWAPPED);
      /* Times follow the person's time zone and date format. */
      self->user_handler = g_signal_connect_object (service, "user-changed",
                                                    G_CALLBACK (on_engine_changed), self, G_CONNECT_SWAPPED);
    }
  aether_alerts_page_reload (self);
}

guint
aether_alerts_page_get_n_alerts (AetherAlertsPage *self)
{
  guint n = 0;

  g_return_val_if_fail (AETHER_IS_ALERTS_PAGE (self), 0);

  for (guint i = 0; i < self->rows->len; i++)
    n += gtk_widget_get_ancestor (g_ptr_array_index (self->rows, i), ADW_TYPE_PREFERENCES_GROUP) == GTK_WIDGET (self->rules_group);
  return n;
}

static void
aether_alerts_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (aether_alerts_page_parent_class)->map (widget);
  aether_alerts_page_reload (AETHER_ALERTS_PAGE (widget));
}

static void
aether_alerts_page_dispose (GObject *object)
{
  AetherAlertsPage *self = (AetherAlertsPage *)object;

  if (self->service != NULL)
    {
      g_clear_signal_handler (&self->fired_handler, aether_service_get_alert_engine (self->service));
      g_clear_signal_handler (&self->cleared_handler, aether_service_get_alert_engine (self->service));
      g_clear_signal_handler (&self->state_handler, aether_service_get_alert_engine (self->service));
      g_clear_signal_handler (&self->rules_handler, self->service);
      g_clear_signal_handler (&self->user_handler, self->service);
    }
  g_clear_object (&self->service);

  G_OBJECT_CLASS (aether_alerts_page_parent_class)->dispose (object);
}

static void
aether_alerts_page_finalize (GObject *object)
{
  g_clear_pointer (&AETHER_ALERTS_PAGE (object)->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_alerts_page_parent_class)->finalize (object);
}

static void
aether_alerts_page_class_init (AetherAlertsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_alerts_page_dispose;
  object_class->finalize = aether_alerts_page_finalize;
  widget_class->map = aether_alerts_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/alerts/aether-alerts-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherAlertsPage, toasts);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertsPage, rules_group);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertsPage, history_group);

  gtk_widget_class_install_action (widget_class, "alerts.new", NULL, new_action);
}

static void
aether_alerts_page_init (AetherAlertsPage *self)
{
  self->rows = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
