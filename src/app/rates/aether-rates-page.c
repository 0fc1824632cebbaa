/* aether-rates-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Rates page: the household's tariff, one group per stored version,
 * with a week of its rate periods at a glance (as the tariff engine
 * decides them), each period's price and hours, fixed and demand charges
 * and taxes. Tariffs come in by import: a record of the Utility Rate
 * Database (what OpenEI's site downloads) or a rate schedule file in our
 * own format, checked whole before anything is stored; a schedule with
 * problems is refused with every problem named. Every write goes through
 * the service (aether-service-rates.c), which reloads the tariff and emits
 * `tariff-changed`; the page shows the versions again on that signal. A
 * version goes only when the person removes it, with undo. */

#define G_LOG_DOMAIN "aether-rates-page"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-format.h"
#include "aether-rate-editor.h"
#include "aether-rate-format.h"
#include "aether-rates-page.h"
#include "aether-bill-check-window.h"
#include "aether-week-grid.h"
#include "aether-sim-home.h"

struct _AetherRatesPage
{
  AdwBin           parent_instance;

  /* Template widgets */
  AdwToastOverlay *toasts;
  GtkStack        *stack;
  GtkBox          *content;

  /* Owned */
  AetherService   *service;
  GPtrArray       *groups;       /* owned by content */
  GPtrArray       *listed;       /* the versions shown, JsonNode */
  GtkNativeDialog *chooser;
  GtkWidget       *reprice_bar;  /* owned by content */
};

G_DEFINE_FINAL_TYPE (AetherRatesPage, aether_rates_page, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* "monday, tuesday, …, friday" → "Weekdays"; otherwise the list as words. */
static char *
describe_days (JsonArray *days)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n = days ? json_array_get_length (days) : 0;
  gboolean weekdays = n == 5, weekend = n == 2;

  for (guint i = 0; i < n; i++)
    {
      const char *day = json_array_get_string_element (days, i);

      if (g_strcmp0 (day, "all") == 0)
        return g_strdup (_("Every day"));
      weekdays &= g_strv_contains ((const char *[]) { "monday", "tuesday", "wednesday", "thursday", "friday", NULL }, day);
      weekend &= g_strv_contains ((const char *[]) { "saturday", "sunday", NULL }, day);
    }
  if (n == 0)
    return g_strdup (_("Every day"));
  if (weekdays)
    return g_strdup (_("Weekdays"));
  if (weekend)
    return g_strdup (_("Weekends"));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *word = aether_format_key (json_array_get_string_element (days, i));

      g_string_append_printf (text, "%s%s", i ? ", " : "", word);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  AetherWeekGrid *grid;
  char           *period;
} Dot;

static void
draw_dot (GtkDrawingArea *area,
          cairo_t        *cr,
          int             width,
          int             height,
          gpointer        user_data)
{
  Dot *dot = user_data;
  GdkRGBA color;

  aether_week_grid_get_period_color (dot->grid, dot->period, &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
dot_free (gpointer data)
{
  Dot *dot = data;

  g_free (dot->period);
  g_free (dot);
}

static GtkWidget *
period_row (AetherWeekGrid *grid,
            JsonObject     *period,
            const char     *season,
            const char     *currency,
            gboolean        tiers_daily)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *dot_area = gtk_drawing_area_new ();
  Dot *dot = g_new0 (Dot, 1);
  const char *name = aether_json_get_string (period, "name");
  g_autofree char *title = aether_format_key (name);
  g_autofree char *days = describe_days (aether_json_get_array (period, "days"));
  const char *hours = aether_json_get_string (period, "hours");
  g_autofree char *subtitle = NULL;
  g_autofree char *price = aether_format_period_price (period, currency, tiers_daily, TRUE);
  GtkWidget *label = gtk_label_new (price);
  JsonArray *tiers = aether_json_get_array (period, "tiers");

  if (season != NULL)
    {
      g_autofree char *pretty = aether_format_key (season);

      /* Translators: a season, then days and hours, e.g. "Summer · Weekdays 16:00–21:00" */
      subtitle = g_strdup_printf (_("%s · %s %s"), pretty, days, hours ? hours : "");
    }
  else
    subtitle = g_strdup_printf ("%s %s", days, hours ? hours : "");
  if (tiers != NULL && json_array_get_length (tiers) > 1)
    {
      g_autofree char *with_tiers = g_strdup_printf (ngettext ("%s, in %u tier", "%s, in %u tiers", json_array_get_length (tiers)),
                                                     g_strstrip (subtitle), json_array_get_length (tiers));

      g_free (subtitle);
      subtitle = g_steal_pointer (&with_tiers);
    }

  dot->grid = grid;
  dot->period = g_strdup (name);
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (dot_area), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (dot_area), 14);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (dot_area), draw_dot, dot, dot_free);
  gtk_widget_set_valign (dot_area, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dot_area), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Its colour in the week"), -1);

  /* Names are text, not markup: “Tom & Jerry’s Lamp”. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), g_strstrip (subtitle));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), dot_area);
  gtk_widget_add_css_class (label, "numeric");
  /* Tiers are a line each, aligned with the other rows' prices. */
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static GtkWidget *
charge_row (const char *title,
            const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  /* Names are text, not markup: “Tom & Jerry’s Lamp”. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static void edit_price (AdwActionRow *row, AetherRatesPage *self);

/* A period's price can be corrected in place (a tiered one is left to
 * the file it came from). */
static void
make_editable (AetherRatesPage *self,
               GtkWidget       *row,
               JsonNode        *schedule,
               JsonObject      *period)
{
  if (json_object_has_member (period, "tiers"))
    return;
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_widget_set_tooltip_text (row, _("Change the price"));
  g_object_set_data_full (G_OBJECT (row), "schedule", json_node_ref (schedule), (GDestroyNotify)json_node_unref);
  g_object_set_data (G_OBJECT (row), "period", period);
  g_signal_connect (row, "activated", G_CALLBACK (edit_price), self);
}

static GtkWidget *
schedule_group (AetherRatesPage *self,
                JsonNode        *node)
{
  JsonObject *object = json_node_get_object (node);
  g_autoptr(AetherRateSchedule) schedule = aether_rate_schedule_new_from_json (node, NULL);
  GtkWidget *group = adw_preferences_group_new ();
  const char *plan = aether_json_get_string (object, "plan_name");
  const char *provider = aether_json_get_string (object, "provider");
  const char *currency = aether_json_get_string (object, "currency");
  JsonObject *structure = aether_json_get_object (object, "rate_structure");
  JsonArray *seasons = aether_json_get_array (structure, "seasons");
  JsonObject *fixed = aether_json_get_object (object, "fixed_charges");
  JsonArray *taxes = aether_json_get_array (object, "taxes");
  GtkWidget *grid = aether_week_grid_new ();
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  g_autoptr(GString) description = g_string_new (provider ? provider : "");
  gboolean tiers_daily = g_strcmp0 (aether_json_get_string (structure, "tier_basis"), "daily") == 0;

  {
    g_autofree char *escaped = g_markup_escape_text (plan ? plan : aether_json_get_string (object, "rate_id"), -1);

    adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), escaped);
  }
  if (aether_json_get_string (object, "effective_date"))
    {
      if (description->len > 0)
        g_string_append (description, " · ");
      /* Translators: the date a tariff starts, e.g. "since 2024-06-01" */
      g_string_append_printf (description, _("since %s"), aether_json_get_string (object, "effective_date"));
    }
  if (aether_json_get_string (object, "expiry_date"))
    /* Translators: the date a tariff ends */
    g_string_append_printf (description, _(", until %s"), aether_json_get_string (object, "expiry_date"));
  {
    /* The description is markup; a provider may well be “Power & Light”. */
    g_autofree char *escaped = g_markup_escape_text (description->str, -1);

    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), escaped);
  }

  /* Removing a version is the person's choice, offered with undo. */
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Remove this tariff version"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Remove this tariff version"), -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "rates.remove");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", aether_json_get_string (object, "rate_id"));
  gtk_box_append (GTK_BOX (header), remove);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), header);
  g_object_set_data (G_OBJECT (group), "header-box", header);

  /* Colours in the order the schedule lists its periods. */
  for (guint s = 0; seasons != NULL && s < json_array_get_length (seasons); s++)
    {
      JsonArray *periods = aether_json_get_array (json_array_get_object_element (seasons, s), "periods");

      for (guint p = 0; periods != NULL && p < json_array_get_length (periods); p++)
        aether_week_grid_add_period (AETHER_WEEK_GRID (grid), aether_json_get_string (json_array_get_object_element (periods, p), "name"));
    }
  {
    JsonArray *periods = aether_json_get_array (structure, "periods");

    for (guint p = 0; periods != NULL && p < json_array_get_length (periods); p++)
      aether_week_grid_add_period (AETHER_WEEK_GRID (grid), aether_json_get_string (json_array_get_object_element (periods, p), "name"));
  }

  /* This week, as the engine prices it. */
  if (schedule != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (aether_rate_schedule_get_time_zone (schedule));
      g_autoptr(GDateTime) today = g_date_time_new (aether_rate_schedule_get_time_zone (schedule), g_date_time_get_year (now),
                                                    g_date_time_get_month (now), g_date_time_get_day_of_month (now), 0, 0, 0);
      g_autoptr(GDateTime) monday = g_date_time_add_days (today, 1 - g_date_time_get_day_of_week (today));

      aether_week_grid_set_schedule (AETHER_WEEK_GRID (grid), schedule, g_date_time_to_unix (monday));
    }
  gtk_widget_add_css_class (card, "card");
  gtk_widget_set_margin_bottom (card, 12);
  gtk_widget_set_margin_top (grid, 12);
  gtk_widget_set_margin_bottom (grid, 12);
  gtk_widget_set_margin_start (grid, 12);
  gtk_widget_set_margin_end (grid, 12);
  gtk_box_append (GTK_BOX (card), grid);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), card);

  if (seasons != NULL)
    for (guint s = 0; s < json_array_get_length (seasons); s++)
      {
        JsonObject *season = json_array_get_object_element (seasons, s);
        JsonArray *periods = aether_json_get_array (season, "periods");

        for (guint p = 0; periods != NULL && p < json_array_get_length (periods); p++)
          {
            JsonObject *period = json_array_get_object_element (periods, p);
            GtkWidget *row = period_row (AETHER_WEEK_GRID (grid), period, aether_json_get_string (season, "name"), currency,
                                         tiers_daily);

            make_editable (self, row, node, period);
            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
          }
      }
  else
    {
      JsonArray *periods = aether_json_get_array (structure, "periods");

      for (guint p = 0; periods != NULL && p < json_array_get_length (periods); p++)
        {
          JsonObject *period = json_array_get_object_element (periods, p);
          GtkWidget *row = period_row (AETHER_WEEK_GRID (grid), period, NULL, currency, tiers_daily);

          make_editable (self, row, node, period);
          adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
        }
    }

  if (fixed != NULL)
    {
      static const char * const keys[] = { "monthly_service", "daily_service", "demand_charge" };

      for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
        if (json_object_has_member (fixed, keys[i]))
          {
            g_autofree char *money = aether_format_money (json_object_get_double_member (fixed, keys[i]), currency);
            g_autofree char *value = NULL;

            if (i == 0)
              value = g_strdup_printf (_("%s a month"), money);
            else if (i == 1)
              value = g_strdup_printf (_("%s a day"), money);
            else
              value = g_strdup_printf (_("%s per kW of peak demand"), money);
            adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                       charge_row (i < 2 ? _("Service Charge") : _("Demand Charge"), value));
          }
    }

  for (guint i = 0; taxes != NULL && i < json_array_get_length (taxes); i++)
    {
      JsonObject *tax = json_array_get_object_element (taxes, i);
      g_autofree char *value = g_strdup_printf ("%g %%", json_object_get_double_member_with_default (tax, "percent", 0));
      g_autofree char *name = aether_format_key (aether_json_get_string (tax, "name") ? aether_json_get_string (tax, "name") : _("Tax"));

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), charge_row (name, value));
    }

  g_object_set_data (G_OBJECT (group), "week-grid", grid);
  return group;
}

/**
 * aether_rates_page_set_price:
 * @self: the page
 * @schedule: a stored schedule, as listed
 * @period: one of its periods
 * @price: the new price per kWh
 * @error: a location for a #GError
 *
 * Corrects a period's price as its row does. Only that version is stored
 * again, under its id (no other version changes), and the costs in its
 * dates are priced again.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_rates_page_set_price (AetherRatesPage  *self,
                             JsonNode         *schedule,
                             JsonObject       *period,
                             double            price,
                             GError          **error)
{
  double before;

  g_return_val_if_fail (AETHER_IS_RATES_PAGE (self), FALSE);
  g_return_val_if_fail (self->service != NULL, FALSE);

  /* A negative price (a dynamic tariff's) is written in the rate editor. */
  if (!(price >= 0 && price < 100))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("%g is not a price per kWh"), price);
      return FALSE;
    }
  before = json_object_get_double_member_with_default (period, "rate", 0);
  json_object_set_double_member (period, "rate", price);
  if (!aether_service_update_rate_schedule (self->service, schedule, error))
    {
      /* The shown schedule stays what is stored. */
      json_object_set_double_member (period, "rate", before);
      return FALSE;
    }
  return TRUE;
}

static void
on_price_response (AdwMessageDialog *dialog,
                   const char       *response,
                   AetherRatesPage  *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);
  JsonNode *schedule = g_object_get_data (G_OBJECT (dialog), "schedule");
  JsonObject *period = g_object_get_data (G_OBJECT (dialog), "period");
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  g_autoptr(GError) error = NULL;
  char *end = NULL;
  double price;

  if (!g_str_equal (response, "save"))
    return;

  price = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0')
    g_set_error (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("“%s” is not a price"), text);
  if (error != NULL || !aether_rates_page_set_price (self, schedule, period, price, &error))
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      aether_rates_page_reload (self);
    }
}

static void
edit_price (AdwActionRow    *row,
            AetherRatesPage *self)
{
  JsonNode *schedule = g_object_get_data (G_OBJECT (row), "schedule");
  JsonObject *period = g_object_get_data (G_OBJECT (row), "period");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = aether_format_key (aether_json_get_string (period, "name"));
  g_autofree char *heading = g_strdup_printf (_("Price of %s"), name);
  g_autofree char *current = g_strdup_printf ("%g", json_object_get_double_member_with_default (period, "rate", 0));
  const char *currency = aether_json_get_string (json_node_get_object (schedule), "currency");
  g_autofree char *body = g_strdup_printf (_("In %s per kWh. Costs already stored in this tariff’s dates are priced again."),
                                           currency ? currency : _("the tariff’s currency"));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), current);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, heading, -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "save");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "schedule", json_node_ref (schedule), (GDestroyNotify)json_node_unref);
  g_object_set_data (G_OBJECT (dialog), "period", period);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_price_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/**
 * aether_rates_page_reload:
 * @self: the page
 *
 * Shows the stored schedules again.
 */
void
aether_rates_page_reload (AetherRatesPage *self)
{
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AETHER_IS_RATES_PAGE (self));

  for (guint i = 0; i < self->groups->len; i++)
    gtk_box_remove (self->content, g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);

  if (self->service == NULL ||
      !(schedules = aether_store_list_rate_schedules (aether_service_get_store (self->service), &error)))
    {
      if (error != NULL)
        g_warning ("Could not list the rate schedules: %s", error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  g_clear_pointer (&self->listed, g_ptr_array_unref);
  self->listed = g_ptr_array_ref (schedules);
  for (guint i = 0; i < schedules->len; i++)
    {
      GtkWidget *group = schedule_group (self, g_ptr_array_index (schedules, i));

      if (i == 0)
        {
          GtkWidget *button = gtk_button_new_with_mnemonic (_("_Import…"));

          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          gtk_widget_set_tooltip_text (button, _("Import a tariff or a new version of it"));
          gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "rates.import");
          gtk_box_prepend (g_object_get_data (G_OBJECT (group), "header-box"), button);
        }
      gtk_box_append (self->content, group);
      g_ptr_array_add (self->groups, group);
    }

  /* The tariff checked against what the utility billed. */
  if (schedules->len > 0)
    {
      GtkWidget *group = adw_preferences_group_new ();
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Check Your Bill"));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                             _("Compare the bills in your utility’s Green Button file with this tariff"));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Import a Green Button File…"));
      adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "rates.check-bill");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      gtk_box_append (self->content, group);
      g_ptr_array_add (self->groups, group);
    }

  gtk_stack_set_visible_child_name (self->stack, schedules->len > 0 ? "schedules" : "empty");
}

/* What an Undo button puts back: the versions as they were stored before
 * (any that are missing are added again, any that changed are set back),
 * after removing the version the change added, if any. */
typedef struct
{
  char      *added_id;
  GPtrArray *before;     /* (element-type JsonNode) */
} Undo;

static void
undo_free (gpointer data)
{
  Undo *undo = data;

  g_free (undo->added_id);
  g_ptr_array_unref (undo->before);
  g_free (undo);
}

static gboolean
undo_apply (AetherRatesPage  *self,
            Undo             *undo,
            GError          **error)
{
  AetherStore *store = aether_service_get_store (self->service);

  if (undo->added_id != NULL)
    {
      g_autoptr(JsonNode) added = aether_service_remove_rate_schedule (self->service, undo->added_id, error);

      if (added == NULL)
        return FALSE;
    }

  /* Changed versions first (their old dates are free again), then the
   * removed ones, so no step overlaps another version. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint i = 0; i < undo->before->len; i++)
      {
        JsonNode *node = g_ptr_array_index (undo->before, i);
        const char *id = aether_json_get_string (json_node_get_object (node), "rate_id");
        g_autofree char *was = json_to_string (node, FALSE);
        g_autofree char *now = aether_rates_get_stored_json (store, id, NULL);
        g_autofree char *again = NULL;

        if (g_strcmp0 (now, was) == 0)
          continue;
        if (pass == 0 && now != NULL && !aether_service_update_rate_schedule (self->service, node, error))
          return FALSE;
        if (pass == 1 && now == NULL && !(again = aether_service_add_rate_schedule (self->service, node, FALSE, error)))
          return FALSE;
      }
  return TRUE;
}

static void
on_undo_clicked (AdwToast        *toast,
                 AetherRatesPage *self)
{
  g_autoptr(GError) error = NULL;

  if (self->service != NULL && !undo_apply (self, g_object_get_data (G_OBJECT (toast), "undo"), &error))
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
}

static AdwToast *
show_undo_toast (AetherRatesPage *self,
                 const char      *title,
                 Undo            *undo)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_object_set_data_full (G_OBJECT (toast), "undo", undo, undo_free);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked), self, 0);
  adw_toast_overlay_add_toast (self->toasts, toast);
  return toast;
}

/**
 * aether_rates_page_remove_schedule:
 * @self: the page
 * @rate_id: a stored version
 * @error: a location for a #GError
 *
 * Removes a version as its Remove button does, with a toast to undo it;
 * undo puts back the same id and the same JSON.
 *
 * Returns: (transfer none) (nullable): the toast offering Undo, or %NULL
 *   with @error set
 */
AdwToast *
aether_rates_page_remove_schedule (AetherRatesPage  *self,
                                   const char       *rate_id,
                                   GError          **error)
{
  g_autoptr(JsonNode) removed = NULL;
  g_autofree char *title = NULL;
  Undo *undo;

  g_return_val_if_fail (AETHER_IS_RATES_PAGE (self), NULL);
  g_return_val_if_fail (self->service != NULL, NULL);
  g_return_val_if_fail (rate_id != NULL, NULL);

  if (!(removed = aether_service_remove_rate_schedule (self->service, rate_id, error)))
    return NULL;

  {
    JsonObject *object = json_node_get_object (removed);
    const char *plan = aether_json_get_string (object, "plan_name");

    /* Translators: a tariff version was removed, e.g. “Time-of-Use” removed */
    title = g_strdup_printf (_("“%s” removed"), plan ? plan : rate_id);
  }
  undo = g_new0 (Undo, 1);
  undo->before = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_ptr_array_add (undo->before, g_steal_pointer (&removed));
  return show_undo_toast (self, title, undo);
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AetherRatesPage *self = AETHER_RATES_PAGE (widget);
  g_autoptr(GError) error = NULL;

  if (self->service != NULL &&
      !aether_rates_page_remove_schedule (self, g_variant_get_string (parameter, NULL), &error))
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
}

/* Stores one schedule through the service, superseding the version in
 * force when it begins, or says why not (every problem named). */
static gboolean
add_schedule (AetherRatesPage  *self,
              JsonNode         *schedule,
              GError          **error)
{
  g_autofree char *id = aether_service_add_rate_schedule (self->service, schedule, TRUE, error);

  return id != NULL;
}

/* Reads a tariff file: our own format, or a URDB record that holds exactly
 * one plan. @message is what to tell the person once it is stored. */
static JsonNode *
read_tariff_file (GFile       *file,
                  char       **message,
                  GError     **error)
{
  g_autoptr(JsonNode) parsed = NULL;
  g_autofree char *path = g_file_get_path (file);
  g_autofree char *name = g_file_get_basename (file);
  JsonObject *root;

  if (!(parsed = aether_json_parse_file (path, AETHER_JSON_MAX_DEPTH, error)))
    {
      g_prefix_error (error, _("%s is not a tariff: "), name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (parsed))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("%s is not a tariff: it holds no JSON object"), name);
      return NULL;
    }
  root = json_node_get_object (parsed);

  /* Our own format. */
  if (json_object_has_member (root, "rate_structure") || json_object_has_member (root, "rate_id"))
    {
      *message = g_strdup_printf (_("Imported “%s”"), aether_json_get_string (root, "plan_name") ? aether_json_get_string (root, "plan_name")
                                                                                       : aether_json_get_string (root, "rate_id"));
      return g_steal_pointer (&parsed);
    }

  /* A Utility Rate Database record, response or REopt scenario. */
  {
    g_autoptr(GTimeZone) local = g_time_zone_new_local ();
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
    g_autoptr(GPtrArray) schedules = aether_urdb_import_file (path, g_time_zone_get_identifier (local), notes, error);
    g_autoptr(GString) text = NULL;
    JsonObject *imported;

    if (schedules == NULL)
      return NULL;
    if (schedules->len != 1)
      {
        g_autoptr(GString) plans = g_string_new (NULL);

        for (guint i = 0; i < MIN (schedules->len, 5); i++)
          g_string_append_printf (plans, "\n• %s",
                                  aether_json_get_string (json_node_get_object (g_ptr_array_index (schedules, i)), "plan_name"));
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                     ngettext ("%s holds %u rate plan; AetherLens needs exactly one: the one your utility bills you on.%s",
                               "%s holds %u rate plans; AetherLens needs exactly one: the one your utility bills you on. "
                               "Download that plan alone from the Utility Rate Database.%s", schedules->len),
                     name, schedules->len, plans->str);
        return NULL;
      }

    imported = json_node_get_object (g_ptr_array_index (schedules, 0));
    text = g_string_new (NULL);
    g_string_append_printf (text, _("Imported “%s” of %s"), aether_json_get_string (imported, "plan_name"),
                            aether_json_get_string (imported, "provider"));
    for (guint i = 0; i < notes->len; i++)
      g_string_append_printf (text, "\n• %s", (char *)g_ptr_array_index (notes, i));
    *message = g_string_free (g_steal_pointer (&text), FALSE);
    return json_node_ref (g_ptr_array_index (schedules, 0));
  }
}

/**
 * aether_rates_page_import_file:
 * @self: the page
 * @file: a URDB record or response, or a rate schedule file
 * @error: a location for a #GError naming every problem
 *
 * Imports a tariff as the Import button does, without the file chooser.
 * A tariff that would replace a stored version entirely is refused with
 * %AETHER_ERROR_EXISTS naming it; aether_rates_page_import_file_replacing()
 * is what the person's “Replace” does then.
 *
 * Returns: (transfer full) (nullable): what to tell the person: the plan
 *   imported and anything the import could not represent
 */
char *
aether_rates_page_import_file (AetherRatesPage  *self,
                               GFile            *file,
                               GError          **error)
{
  g_autoptr(JsonNode) schedule = NULL;
  g_autofree char *message = NULL;

  g_return_val_if_fail (AETHER_IS_RATES_PAGE (self), NULL);
  g_return_val_if_fail (self->service != NULL, NULL);

  if (!(schedule = read_tariff_file (file, &message, error)) ||
      !add_schedule (self, schedule, error))
    return NULL;
  return g_steal_pointer (&message);
}

/**
 * aether_rates_page_import_file_replacing:
 * @self: the page
 * @file: a URDB record or response, or a rate schedule file
 * @toast: (out) (optional) (transfer none): the toast offering Undo
 * @error: a location for a #GError naming every problem
 *
 * Imports a tariff after the person agreed to remove the versions it
 * covers entirely. A toast offers to undo it all: the import goes and the
 * versions come back as they were stored.
 *
 * Returns: (transfer full) (nullable): what to tell the person
 */
char *
aether_rates_page_import_file_replacing (AetherRatesPage  *self,
                                         GFile            *file,
                                         AdwToast        **toast,
                                         GError          **error)
{
  AetherStore *store;
  g_autoptr(JsonNode) schedule = NULL;
  g_autoptr(GPtrArray) covered = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *id = NULL;
  AdwToast *shown;
  Undo *undo;

  g_return_val_if_fail (AETHER_IS_RATES_PAGE (self), NULL);
  g_return_val_if_fail (self->service != NULL, NULL);

  store = aether_service_get_store (self->service);
  if (!(schedule = read_tariff_file (file, &message, error)) ||
      !(covered = aether_rates_list_covered (store, schedule, error)))
    return NULL;

  if (!(before = aether_store_list_rate_schedules (store, error)))
    return NULL;
  undo = g_new0 (Undo, 1);
  undo->before = g_steal_pointer (&before);

  for (guint i = 0; i < covered->len && local_error == NULL; i++)
    {
      g_autoptr(JsonNode) removed = aether_service_remove_rate_schedule (self->service, g_ptr_array_index (covered, i),
                                                                        &local_error);
    }
  if (local_error == NULL)
    id = aether_service_add_rate_schedule (self->service, schedule, TRUE, &local_error);
  if (id == NULL)
    {
      g_autoptr(GError) undo_error = NULL;

      /* Put back what went: the import did not happen. */
      if (!undo_apply (self, undo, &undo_error))
        g_warning ("Could not put the tariff versions back: %s", undo_error->message);
      undo_free (undo);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  undo->added_id = g_steal_pointer (&id);
  shown = show_undo_toast (self, strchr (message, '\n') ? _("Tariff imported") : message, undo);
  if (toast != NULL)
    *toast = shown;
  return g_steal_pointer (&message);
}

static void
show_message (AetherRatesPage *self,
              const char      *heading,
              const char      *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What the import left out deserves more than a toast. */
static void
show_imported (AetherRatesPage *self,
               const char      *message,
               gboolean         toasted)
{
  if (strchr (message, '\n'))
    show_message (self, _("Tariff Imported"), message);
  else if (!toasted)
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (message));
}

static void
on_replace_response (AdwMessageDialog *dialog,
                     const char       *response,
                     AetherRatesPage  *self)
{
  GFile *file = g_object_get_data (G_OBJECT (dialog), "file");
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (!g_str_equal (response, "replace"))
    return;
  if (!(message = aether_rates_page_import_file_replacing (self, file, NULL, &error)))
    show_message (self, _("This Tariff Cannot Be Used"), error->message);
  else
    show_imported (self, message, TRUE);
}

/* Versions go only when the person says so: the import that would cover
 * one entirely asks first. */
static void
ask_to_replace (AetherRatesPage *self,
                GFile           *file,
                const char      *why)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  /* Translators: the reason an import was refused, then what Replace does */
  g_autofree char *body = g_strdup_printf (_("%s.\n\nReplace removes it for you; Undo puts it back."), why);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Replace a Tariff Version?"), body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "replace", _("_Replace"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "file", g_object_ref (file), g_object_unref);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_replace_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_chosen (GtkNativeDialog *chooser,
           int              response,
           AetherRatesPage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  if (!(message = aether_rates_page_import_file (self, file, &error)))
    {
      if (g_error_matches (error, AETHER_ERROR, AETHER_ERROR_EXISTS))
        ask_to_replace (self, file, error->message);
      else
        show_message (self, _("This Tariff Cannot Be Used"), error->message);
      return;
    }
  show_imported (self, message, FALSE);
}

static void
import_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AetherRatesPage *self = AETHER_RATES_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->service == NULL || self->chooser != NULL)
    return;

  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (_("Import a Tariff"),
                                                                  GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                  GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), NULL));
  gtk_file_filter_set_name (filter, _("Tariffs (JSON)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_chosen), self);
  gtk_native_dialog_show (self->chooser);
}

static void
sample_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AetherRatesPage *self = AETHER_RATES_PAGE (widget);
  g_autoptr(JsonNode) schedule = aether_sim_demo_rate_schedule ();
  g_autoptr(GError) error = NULL;

  if (self->service == NULL)
    return;
  if (!add_schedule (self, schedule, &error))
    show_message (self, _("The Sample Tariff Cannot Be Used"), error->message);
  else
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Using the sample tariff: replace it with yours any time")));
}

static void
on_editor_delete (AetherRateEditor *editor,
                  const char       *rate_id,
                  AetherRatesPage  *self)
{
  g_autoptr(GError) error = NULL;

  if (self->service != NULL && !aether_rates_page_remove_schedule (self, rate_id, &error))
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
}

/* Another version opens in a window of its own: the one open keeps
 * whatever was typed in it. */
static void
on_editor_open_version (AetherRateEditor *editor,
                        const char       *rate_id,
                        AetherRatesPage  *self)
{
  aether_rates_page_open_editor (self, "edit", rate_id);
}

/**
 * aether_rates_page_open_editor:
 * @self: the page
 * @how: "blank", "sample", "duplicate" or "edit"
 * @rate_id: (nullable): the stored version to duplicate or edit
 *
 * Opens the rate editor as the page's buttons do: for a new tariff (blank,
 * from the sample, or a copy of a stored one, from today) or on a stored
 * version.
 *
 * Returns: (transfer none) (nullable): the editor's window
 */
AetherRateEditor *
aether_rates_page_open_editor (AetherRatesPage *self,
                               const char      *how,
                               const char      *rate_id)
{
  g_autoptr(JsonNode) schedule = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean stored = g_strcmp0 (how, "edit") == 0;
  AetherRateEditor *editor;

  g_return_val_if_fail (AETHER_IS_RATES_PAGE (self), NULL);

  if (self->service == NULL)
    return NULL;
  if (g_strcmp0 (how, "sample") == 0)
    schedule = aether_sim_demo_rate_schedule ();
  else if (rate_id != NULL && (stored || g_strcmp0 (how, "duplicate") == 0))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = aether_rates_get_stored_json (aether_service_get_store (self->service), rate_id, &error);

      if (text == NULL || !(schedule = json_from_string (text, &error)))
        {
          adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error ? error->message : _("That version is gone")));
          return NULL;
        }
      if (!stored)
        {
          JsonObject *object = json_node_get_object (schedule);
          g_autoptr(GDateTime) now = g_date_time_new_now_local ();
          g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
          /* Translators: the plan name of a duplicated tariff */
          g_autofree char *plan = g_strdup_printf (_("%s (copy)"), aether_json_get_string (object, "plan_name")
                                                                  ? aether_json_get_string (object, "plan_name") : rate_id);

          json_object_set_string_member (object, "plan_name", plan);
          json_object_set_string_member (object, "effective_date", today);
          json_object_remove_member (object, "expiry_date");
        }
    }

  editor = aether_rate_editor_new (self->service, schedule, stored);
  if (GTK_IS_WINDOW (root))
    {
      gtk_window_set_transient_for (GTK_WINDOW (editor), GTK_WINDOW (root));
      gtk_window_set_destroy_with_parent (GTK_WINDOW (editor), TRUE);
    }
  g_signal_connect_object (editor, "delete-requested", G_CALLBACK (on_editor_delete), self, 0);
  g_signal_connect_object (editor, "open-version", G_CALLBACK (on_editor_open_version), self, 0);
  if (self->listed != NULL)
    aether_rate_editor_set_versions (editor, self->listed, stored ? rate_id : NULL);
  gtk_window_present (GTK_WINDOW (editor));
  return editor;
}

static void
editor_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  const char *arg = g_variant_get_string (parameter, NULL);

  if (g_str_equal (action_name, "rates.new"))
    aether_rates_page_open_editor (AETHER_RATES_PAGE (widget), arg, NULL);
  else
    aether_rates_page_open_editor (AETHER_RATES_PAGE (widget), g_str_equal (action_name, "rates.edit") ? "edit" : "duplicate",
                                   arg);
}

/* Whoever wrote the tariff (this page, an undo), every page learns it. */
static void
on_tariff_changed (AetherRatesPage *self)
{
  aether_rates_page_reload (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static gboolean
progress_to_visible (GBinding     *binding,
                     const GValue *from,
                     GValue       *to,
                     gpointer      user_data)
{
  g_value_set_boolean (to, g_value_get_double (from) < 1.0);
  return TRUE;
}

void
aether_rates_page_set_service (AetherRatesPage *self,
                               AetherService   *service)
{
  g_return_if_fail (AETHER_IS_RATES_PAGE (self));

  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_set_object (&self->service, service);
  if (service != NULL)
    g_signal_connect_object (service, "tariff-changed", G_CALLBACK (on_tariff_changed), self, G_CONNECT_SWAPPED);

  /* Stored costs are priced again in the background after an edit. */
  if (self->reprice_bar == NULL && service != NULL)
    {
      self->reprice_bar = gtk_progress_bar_new ();
      gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->reprice_bar), _("Pricing stored costs with the new tariff…"));
      gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->reprice_bar), TRUE);
      gtk_box_prepend (self->content, self->reprice_bar);
      g_object_bind_property (service, "reprice-progress", self->reprice_bar, "fraction", G_BINDING_SYNC_CREATE);
      g_object_bind_property_full (service, "reprice-progress", self->reprice_bar, "visible", G_BINDING_SYNC_CREATE,
                                   progress_to_visible, NULL, NULL, NULL);
    }

  aether_rates_page_reload (self);
}

guint
aether_rates_page_get_n_schedules (AetherRatesPage *self)
{
  g_return_val_if_fail (AETHER_IS_RATES_PAGE (self), 0);

  /* The versions shown, not the Check Your Bill card after them. */
  return self->listed != NULL && gtk_stack_get_visible_child_name (self->stack) != NULL &&
         g_str_equal (gtk_stack_get_visible_child_name (self->stack), "schedules") ? self->listed->len : 0;
}

/**
 * aether_rates_page_get_week_grid:
 * @self: the page
 * @index: which schedule
 *
 * Returns: (transfer none) (nullable): the week shown for that schedule
 */
AetherWeekGrid *
aether_rates_page_get_week_grid (AetherRatesPage *self,
                                 guint            index)
{
  g_return_val_if_fail (AETHER_IS_RATES_PAGE (self), NULL);

  if (index >= self->groups->len)
    return NULL;
  return g_object_get_data (g_ptr_array_index (self->groups, index), "week-grid");
}

static void
aether_rates_page_dispose (GObject *object)
{
  AetherRatesPage *self = (AetherRatesPage *)object;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->service != NULL)
    g_signal_handlers_disconnect_by_data (self->service, self);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (aether_rates_page_parent_class)->dispose (object);
}

static void
aether_rates_page_finalize (GObject *object)
{
  g_clear_pointer (&AETHER_RATES_PAGE (object)->groups, g_ptr_array_unref);
  g_clear_pointer (&AETHER_RATES_PAGE (object)->listed, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_rates_page_parent_class)->finalize (object);
}

static void
check_bill_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AetherRatesPage *self = AETHER_RATES_PAGE (widget);
  AetherBillCheckWindow *window = aether_bill_check_window_new (self->service);
  GtkRoot *root = gtk_widget_get_root (widget);

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (window));
}

static void
aether_rates_page_class_init (AetherRatesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_rates_page_dispose;
  object_class->finalize = aether_rates_page_finalize;

  /**
   * AetherRatesPage::changed:
   *
   * A tariff version was added, corrected or removed: costs everywhere
   * change.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  g_type_ensure (AETHER_TYPE_WEEK_GRID);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/rates/aether-rates-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherRatesPage, toasts);
  gtk_widget_class_bind_template_child (widget_class, AetherRatesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AetherRatesPage, content);

  gtk_widget_class_install_action (widget_class, "rates.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "rates.check-bill", NULL, check_bill_action);
  gtk_widget_class_install_action (widget_class, "rates.sample", NULL, sample_action);
  gtk_widget_class_install_action (widget_class, "rates.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "rates.new", "s", editor_action);
  gtk_widget_class_install_action (widget_class, "rates.edit", "s", editor_action);
  gtk_widget_class_install_action (widget_class, "rates.duplicate", "s", editor_action);
}

static void
aether_rates_page_init (AetherRatesPage *self)
{
  self->groups = g_ptr_array_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
}
