/* aether-bill-check-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Check Your Bill: a utility's Green Button file imported through the
 * service (on a thread: the window never waits for the parse or SQLite)
 * and its bills set beside the stored tariff's price of the same energy,
 * period by period, with the likely cause of any difference. The figures
 * are the service's report, shown to the file's own precision: a cost the
 * utility gives to 1/100 000 of a dollar is not rounded to the cent. */

#define G_LOG_DOMAIN "aether-bill-check"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-bill-check-window.h"
#include "aether-format.h"

struct _AetherBillCheckWindow
{
  AdwWindow           parent_instance;

  /* Template widgets */
  AdwToastOverlay    *toasts;
  GtkStack           *stack;
  GtkSpinner         *spinner;
  AdwStatusPage      *error_page;
  AdwPreferencesPage *report_page;

  /* Owned */
  AetherService      *service;
  GCancellable       *cancellable;
  GPtrArray          *groups;
  JsonNode           *report;
  GtkFileChooserNative *chooser;
};

G_DEFINE_FINAL_TYPE (AetherBillCheckWindow, aether_bill_check_window, ADW_TYPE_WINDOW)

/* An amount to the precision it was given in (at most 1/100 000): $22.05567. */
static char *
format_amount (double      amount,
               const char *currency)
{
  return aether_format_money_precise (amount, currency, 5);
}

static char *
format_local_date (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  /* Translators: a day in a billing period, e.g. "1 January 2014" */
  char *text = dt ? g_date_time_format (dt, _("%-d %B %Y")) : g_strdup (iso);

  return g_strstrip (text);
}

static AdwActionRow *
add_row (AdwPreferencesGroup *group,
         const char          *title,
         const char          *subtitle,
         const char          *value)
{
  AdwActionRow *row = ADW_ACTION_ROW (adw_action_row_new ());
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (row, subtitle);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (row, label);
  adw_preferences_group_add (group, GTK_WIDGET (row));
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, value, -1);
  return row;
}

static AdwPreferencesGroup *
add_group (AetherBillCheckWindow *self,
           const char            *title,
           const char            *description)
{
  AdwPreferencesGroup *group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());

  adw_preferences_group_set_title (group, title);
  if (description != NULL)
    adw_preferences_group_set_description (group, description);
  adw_preferences_page_add (self->report_page, group);
  g_ptr_array_add (self->groups, group);
  return group;
}

static void
clear_report (AetherBillCheckWindow *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (self->report_page, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
}

static void
show_meters (AetherBillCheckWindow *self,
             JsonArray             *meters)
{
  AdwPreferencesGroup *group = add_group (self, _("Stored"),
                                          _("The utility’s meters, kept beside your own devices; they are never added to the whole home"));

  for (guint i = 0; i < json_array_get_length (meters); i++)
    {
      JsonObject *m = json_array_get_object_element (meters, i);
      const char *unit = json_object_get_string_member (m, "unit");
      guint n = (guint)json_object_get_int_member (m, "intervals");
      double total = json_object_get_double_member (m, "total");
      g_autoptr(GDateTime) from = g_date_time_new_from_unix_local (json_object_get_int_member (m, "from"));
      g_autoptr(GDateTime) to = g_date_time_new_from_unix_local (json_object_get_int_member (m, "to") - 1);
      g_autofree char *from_text = g_date_time_format (from, "%x");
      g_autofree char *to_text = g_date_time_format (to, "%x");
      g_autofree char *subtitle = NULL;
      g_autofree char *value = NULL;

      /* Translators: the number of interval readings, then two dates */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u reading, %s to %s", "%u readings, %s to %s", n),
                                  n, from_text, to_text);
      value = g_str_equal (unit, "Wh") ? aether_format_energy (total) : g_strdup_printf ("%g %s", total, unit);
      add_row (group, json_object_get_string_member (m, "name"), subtitle, value);
    }
}

static void
show_period (AetherBillCheckWindow *self,
             const char            *title,
             JsonObject            *period)
{
  JsonObject *utility = json_object_get_object_member (period, "utility");
  JsonObject *ours = json_object_has_member (period, "ours") ? json_object_get_object_member (period, "ours") : NULL;
  const char *currency = json_object_get_string_member_with_default (utility, "currency", NULL);
  g_autofree char *start = format_local_date (json_object_get_string_member (period, "start"));
  g_autofree char *end = format_local_date (json_object_get_string_member (period, "end"));
  g_autofree char *heading = NULL;
  g_autofree char *energy = aether_format_energy (json_object_get_double_member (period, "energy_wh"));
  guint n = (guint)json_object_get_int_member (period, "intervals");
  g_autofree char *count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u interval reading", "%u interval readings", n), n);
  AdwPreferencesGroup *group;

  /* Translators: a billing period, from one day to another */
  heading = g_strdup_printf (_("%s – %s"), g_strstrip (start), g_strstrip (end));
  group = add_group (self, heading, title);

  add_row (group, _("Energy in the file"), count, energy);
  if (json_object_get_double_member (period, "received_wh") > 0)
    {
      g_autofree char *received = aether_format_energy (json_object_get_double_member (period, "received_wh"));

      add_row (group, _("Returned to the grid"), NULL, received);
    }
  if (json_object_has_member (utility, "interval_cost"))
    {
      g_autofree char *value = format_amount (json_object_get_double_member (utility, "interval_cost"), currency);

      add_row (group, _("The utility’s interval costs"), _("What the file says each reading cost, added up"), value);
    }
  if (json_object_has_member (utility, "bill"))
    {
      g_autofree char *value = format_amount (json_object_get_double_member (utility, "bill"), currency);
      g_autofree char *subtitle = NULL;

      if (json_object_has_member (period, "bill_minus_intervals"))
        {
          g_autofree char *gap = format_amount (json_object_get_double_member (period, "bill_minus_intervals"), currency);

          /* Translators: an amount, then why a bill differs from its own itemised costs */
          subtitle = g_strdup_printf (_("%s more than its interval costs: %s"), gap,
                                      json_object_get_string_member (period, "bill_minus_intervals_cause"));
        }
      add_row (group, _("The utility’s bill"), subtitle, value);
    }
  if (ours != NULL)
    {
      const char *our_currency = json_object_get_string_member_with_default (ours, "currency", currency);
      g_autofree char *total = format_amount (json_object_get_double_member (ours, "total"), our_currency);
      g_autofree char *energy_cost = format_amount (json_object_get_double_member (ours, "energy_cost"), our_currency);
      g_autofree char *fixed = format_amount (json_object_get_double_member (ours, "fixed_charges"), our_currency);
      g_autofree char *taxes = format_amount (json_object_get_double_member (ours, "taxes"), our_currency);
      /* Translators: the parts of a price: energy, fixed charges and taxes */
      g_autofree char *parts = g_strdup_printf (_("Energy %s, fixed charges %s, taxes %s"), energy_cost, fixed, taxes);

      add_row (group, _("Your tariff’s price"), parts, total);
    }
  if (json_object_has_member (period, "difference"))
    {
      g_autofree char *value = format_amount (json_object_get_double_member (period, "difference"), currency);
      g_autofree char *cause = g_strdup_printf (_("Likely cause: %s"), json_object_get_string_member (period, "likely_cause"));

      add_row (group, _("Difference"), cause, value);
    }
  if (json_object_has_member (period, "note"))
    add_row (group, json_object_get_string_member (period, "note"), NULL, "");
}

static void
show_report (AetherBillCheckWindow *self,
             JsonNode              *report)
{
  JsonObject *root = json_node_get_object (report);

  clear_report (self);
  show_meters (self, json_object_get_array_member (root, "meters"));

  if (json_object_has_member (root, "reconciliation"))
    {
      JsonArray *points = json_object_get_array_member (json_object_get_object_member (root, "reconciliation"), "usage_points");

      for (guint p = 0; p < json_array_get_length (points); p++)
        {
          JsonObject *point = json_array_get_object_element (points, p);
          JsonArray *periods = json_object_get_array_member (point, "periods");
          const char *title = json_object_get_string_member_with_default (point, "title", NULL);

          for (guint i = 0; i < json_array_get_length (periods); i++)
            show_period (self, title, json_array_get_object_element (periods, i));
        }
    }
  else
    {
      AdwPreferencesGroup *group = add_group (self, _("Bills"), NULL);

      add_row (group, json_object_get_string_member_with_default (root, "reconciliation_error",
                                                                  _("The bills could not be checked")),
               NULL, "");
    }

  gtk_stack_set_visible_child_name (self->stack, "report");
}

static void
imported (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(AetherBillCheckWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) report = aether_service_import_green_button_finish (AETHER_SERVICE (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  gtk_spinner_stop (self->spinner);
  if (report == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  g_clear_pointer (&self->report, json_node_unref);
  self->report = json_node_ref (report);
  show_report (self, report);
}

/**
 * aether_bill_check_window_import:
 * @self: the window
 * @file: a Green Button file
 *
 * Stores the file through the service and shows its bills against the
 * tariff (or why they cannot be checked).
 */
void
aether_bill_check_window_import (AetherBillCheckWindow *self,
                                 GFile                 *file)
{
  g_return_if_fail (AETHER_IS_BILL_CHECK_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_stack_set_visible_child_name (self->stack, "busy");
  gtk_spinner_start (self->spinner);
  aether_service_import_green_button_async (self->service, file, self->cancellable, imported, g_object_ref (self));
}

/**
 * aether_bill_check_window_get_report:
 *
 * Returns: (transfer none) (nullable): the last report shown
 */
JsonNode *
aether_bill_check_window_get_report (AetherBillCheckWindow *self)
{
  g_return_val_if_fail (AETHER_IS_BILL_CHECK_WINDOW (self), NULL);
  return self->report;
}

static void
on_chooser_response (AetherBillCheckWindow *self,
                     int                    response)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (self->chooser));

      if (file != NULL)
        aether_bill_check_window_import (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
open_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AetherBillCheckWindow *self = AETHER_BILL_CHECK_WINDOW (widget);
  g_autoptr(GtkFileFilter) xml = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

  gtk_file_filter_set_name (xml, _("Green Button Files"));
  gtk_file_filter_add_mime_type (xml, "application/xml");
  gtk_file_filter_add_mime_type (xml, "text/xml");
  gtk_file_filter_add_mime_type (xml, "application/atom+xml");
  gtk_file_filter_add_pattern (xml, "*.xml");
  gtk_file_filter_set_name (all, _("All Files"));
  gtk_file_filter_add_pattern (all, "*");

  g_clear_object (&self->chooser);
  self->chooser = gtk_file_chooser_native_new (_("Choose a Green Button File"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), xml);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), all);
  g_signal_connect_swapped (self->chooser, "response", G_CALLBACK (on_chooser_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
aether_bill_check_window_dispose (GObject *object)
{
  AetherBillCheckWindow *self = AETHER_BILL_CHECK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->chooser);
  g_clear_object (&self->service);
  g_clear_pointer (&self->report, json_node_unref);
  g_clear_pointer (&self->groups, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_bill_check_window_parent_class)->dispose (object);
}

static void
aether_bill_check_window_class_init (AetherBillCheckWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_bill_check_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/aetherlens/AetherLens/rates/aether-bill-check-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherBillCheckWindow, toasts);
  gtk_widget_class_bind_template_child (widget_class, AetherBillCheckWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AetherBillCheckWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, AetherBillCheckWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, AetherBillCheckWindow, report_page);

  gtk_widget_class_install_action (widget_class, "bill-check.open", NULL, open_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_o, GDK_CONTROL_MASK, "bill-check.open", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aether_bill_check_window_init (AetherBillCheckWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->groups = g_ptr_array_new ();
}

/**
 * aether_bill_check_window_new:
 * @service: the service the file is stored through
 *
 * Returns: (transfer full): a new window
 */
AetherBillCheckWindow *
aether_bill_check_window_new (AetherService *service)
{
  AetherBillCheckWindow *self = g_object_new (AETHER_TYPE_BILL_CHECK_WINDOW, NULL);

  self->service = g_object_ref (service);
  return self;
}
