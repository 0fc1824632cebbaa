/* test-rate-editor.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The rate editor driven through its widgets, as a person would: opened
 * from the Rates page, a seasonal time-of-use tariff with tiers and a
 * demand charge built from blank by painting the week (drags and keys on
 * the grid), the gap named while it is incomplete and Save off, then
 * saved and read back from the store as the JSON expected; a stored
 * version's price corrected with a decimal comma; the what-if compared
 * with a sum over the raw samples the test stored. */

#include "config.h"

#include "aether-test-util.h"
#include "aether-ui-test-util.h"

#include <glib/gstdio.h>

#include "rates/aether-rate-editor.h"
#include "rates/aether-rate-grid.h"
#include "rates/aether-rates-page.h"

/* 2026-03-16 12:00 UTC, a Monday: last month is February 2026. */
#define NOW_S 1773662400
/* Monday 2026-02-02 00:00 UTC, a week of samples from it. */
#define SAMPLES_FROM_S 1769990400
#define SAMPLES_TO_S   (SAMPLES_FROM_S + 7 * 86400)

typedef struct
{
  char          *dir;
  AetherClock   *clock;
  AetherService *service;
  GtkWidget     *window;
  AetherRatesPage *page;
} Fixture;

static GtkWidget *
named (AetherRateEditor *editor,
       const char       *name)
{
  GtkWidget *widget = aether_ui_test_find_named (GTK_WIDGET (editor), name);

  if (widget == NULL)
    g_error ("No widget named %s in the editor", name);
  return widget;
}

static void
type_into (AetherRateEditor *editor,
           const char       *name,
           const char       *text)
{
  gtk_editable_set_text (GTK_EDITABLE (named (editor, name)), text);
}

static void
click (AetherRateEditor *editor,
       const char       *name)
{
  GtkWidget *widget = named (editor, name);

  g_assert_true (gtk_widget_is_sensitive (widget));
  if (GTK_IS_CHECK_BUTTON (widget))
    gtk_check_button_set_active (GTK_CHECK_BUTTON (widget), !gtk_check_button_get_active (GTK_CHECK_BUTTON (widget)));
  else
    g_signal_emit_by_name (widget, "clicked");
}

static void
iterate (void)
{
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static gpointer
controller_of (GtkWidget *widget,
               GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;
    }
  g_error ("No %s on the widget", g_type_name (type));
  return NULL;
}

/* A drag from one cell to another, as the grid's drag gesture sees it. */
static void
drag (AetherRateEditor *editor,
      guint             day0,
      guint             hour0,
      guint             day1,
      guint             hour1)
{
  AetherRateGrid *grid = AETHER_RATE_GRID (named (editor, "grid"));
  GtkGesture *gesture = controller_of (GTK_WIDGET (grid), GTK_TYPE_GESTURE_DRAG);
  double x0, y0, x1, y1;

  aether_rate_grid_get_cell_center (grid, day0, hour0, &x0, &y0);
  aether_rate_grid_get_cell_center (grid, day1, hour1, &x1, &y1);
  g_signal_emit_by_name (gesture, "drag-begin", x0, y0);
  /* Through the middle first: the rectangle follows the pointer. */
  g_signal_emit_by_name (gesture, "drag-update", (x1 - x0) / 2, (y1 - y0) / 2);
  g_signal_emit_by_name (gesture, "drag-update", x1 - x0, y1 - y0);
  g_signal_emit_by_name (gesture, "drag-end", x1 - x0, y1 - y0);
}

static void
press (AetherRateEditor *editor,
       guint             keyval,
       GdkModifierType   state)
{
  GtkEventController *keys = controller_of (named (editor, "grid"), GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_signal_emit_by_name (keys, "key-pressed", keyval, 0, state, &handled);
  g_assert_true (handled);
}

static gboolean
has_problem (AetherRateEditor *editor,
             const char       *text)
{
  GPtrArray *problems = aether_rate_editor_get_problems (editor);

  for (guint i = 0; i < problems->len; i++)
    if (strstr (g_ptr_array_index (problems, i), text) != NULL)
      return TRUE;
  return FALSE;
}

static gboolean
messages_show (AetherRateEditor *editor,
               const char       *text)
{
  GtkWidget *list = named (editor, "messages");

  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_PREFERENCES_ROW (row) && strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), text))
      return TRUE;
  for (GtkWidget *row = gtk_widget_get_first_child (list); row; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_PREFERENCES_ROW (row))
      g_test_message ("Beside the grid: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  return FALSE;
}

static AetherRateEditor *
find_editor_but (AetherRateEditor *not_this)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (AETHER_IS_RATE_EDITOR (window) && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          window != (GObject *)not_this)
        return AETHER_RATE_EDITOR (window);
    }
  return NULL;
}

static AetherRateEditor *
find_editor (void)
{
  return find_editor_but (NULL);
}

/* Scrolls the editor so @name is at the top, for a screenshot of it. */
static void
scroll_to (AetherRateEditor *editor,
           const char       *name)
{
  GtkWidget *target = named (editor, name);
  GtkWidget *scroller = gtk_widget_get_ancestor (target, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t at;

  g_assert_true (gtk_widget_compute_point (target, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scroller)),
                                           &GRAPHENE_POINT_INIT (0, 0), &at));
  /* The viewport's coordinates are what is visible now. */
  gtk_adjustment_set_value (adj, MAX (0, gtk_adjustment_get_value (adj) + at.y - 80));
}

static void
screenshots (AetherRateEditor *editor,
             const char       *what)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  const int widths[] = { 1280, 360 };

  for (guint w = 0; w < G_N_ELEMENTS (widths); w++)
    for (guint dark = 0; dark < 2; dark++)
      {
        g_autofree char *name = g_strdup_printf ("rate-editor-%s-%dpx-%s", what, widths[w], dark ? "dark" : "light");

        adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
        gtk_window_set_default_size (GTK_WINDOW (editor), widths[w], 800);
        aether_ui_test_wait_for_frames (GTK_WIDGET (editor));
        if (g_str_equal (what, "top"))
          scroll_to (editor, "provider");
        else
          scroll_to (editor, g_str_equal (what, "edit") ? "period-0-price" : "grid");
        aether_ui_test_wait_for_frames (GTK_WIDGET (editor));
        aether_ui_test_save_screenshot (GTK_WIDGET (editor), name);
      }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (GTK_WINDOW (editor), 1280, 800);
  aether_ui_test_wait_for_frames (GTK_WIDGET (editor));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  static const char flat[] =
    "{ \"rate_id\": \"flat\", \"plan_name\": \"Flat\", \"effective_date\": \"2020-01-01\", \"currency\": \"EUR\","
    "  \"time_zones\": \"UTC\","
    "  \"rate_structure\": { \"periods\": [ { \"name\": \"all\", \"rate\": 0.1, \"days\": [\"all\"],"
    "  \"hours\": \"00:00-24:00\" } ] } }";
  static const char lamp[] =
    "{ \"device_id\": \"lamp\", \"name\": \"Lamp\", \"type\": \"smart_plug\", \"manufacturer\": \"Shelly\","
    "  \"model\": \"Plug S\", \"plugin_id\": \"shelly\", \"connection\": { \"address\": \"127.0.0.1\" } }";
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autoptr(JsonNode) schedule = json_from_string (flat, NULL);
  g_autoptr(JsonNode) device = json_from_string (lamp, NULL);
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autofree char *id = NULL;
  AetherStore *store;

  f->dir = g_dir_make_tmp ("aether-rate-editor-XXXXXX", NULL);
  db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual ((gint64)NOW_S * G_USEC_PER_SEC);
  f->service = aether_service_new (db, f->clock, &error);
  g_assert_no_error (error);
  store = aether_service_get_store (f->service);
  g_assert_true (aether_store_put_device (store, device, &error));
  g_assert_no_error (error);
  id = aether_service_add_rate_schedule (f->service, schedule, FALSE, &error);
  g_assert_no_error (error);

  /* A week of 100 W, sampled each minute, rolled up into days with their
   * hour profiles. */
  for (gint64 t = SAMPLES_FROM_S; t < SAMPLES_TO_S; t += 60)
    {
      AetherReading r = { t * G_USEC_PER_SEC, (char *)"lamp", (char *)"power", 100.0, (char *)"W" };

      g_array_append_val (readings, r);
    }
  g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_true (aether_store_maintain (store, (gint64)NOW_S * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);

  f->page = g_object_new (AETHER_TYPE_RATES_PAGE, NULL);
  f->window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  aether_rates_page_set_service (f->page, f->service);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  AetherRateEditor *editor;

  while ((editor = find_editor ()))
    gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (f->window));
  iterate ();
  g_clear_object (&f->service);
  g_clear_object (&f->clock);
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
}

/* What the what-if must say, from the samples the test wrote: each minute
 * between two samples is 100 W for 60 s, priced by the hour it starts in. */
static double
independent_cost (double (*rate) (gint64 t))
{
  double cost = 0;

  for (gint64 t = SAMPLES_FROM_S; t + 60 < SAMPLES_TO_S; t += 60)
    cost += 100.0 * 60 / 3600 / 1000 * rate (t);
  return cost;
}

static double
winter_rate (gint64 t)
{
  gint64 day = (t - SAMPLES_FROM_S) / 86400;   /* 0 = Monday */
  gint64 hour = t % 86400 / 3600;

  /* Tiered off-peak hours are priced at their first tier, as stored buckets are. */
  return day < 5 && hour >= 16 && hour < 21 ? 0.40 : 0.15;
}

static double
flat_rate (gint64 t)
{
  return 0.10;
}

static const char expected_json[] =
  "{ \"rate_id\": \"evening-peak-2026-01-01\", \"provider\": \"Example Power & Light\", \"plan_name\": \"Evening Peak\","
  "  \"currency\": \"EUR\", \"time_zones\": \"UTC\", \"effective_date\": \"2026-01-01\","
  "  \"rate_structure\": { \"type\": \"time_of_use\", \"seasons\": ["
  "    { \"name\": \"winter\", \"months\": [10, 11, 12, 1, 2, 3, 4, 5], \"periods\": ["
  "      { \"name\": \"off_peak\", \"tiers\": [ { \"max_kwh\": 500.0, \"rate\": 0.15 }, { \"rate\": 0.2 } ],"
  "        \"days\": [\"weekdays\"], \"hours\": \"00:00-16:00,21:00-24:00\" },"
  "      { \"name\": \"off_peak\", \"tiers\": [ { \"max_kwh\": 500.0, \"rate\": 0.15 }, { \"rate\": 0.2 } ],"
  "        \"days\": [\"weekends\"], \"hours\": \"00:00-24:00\" },"
  "      { \"name\": \"peak\", \"rate\": 0.4, \"days\": [\"weekdays\"], \"hours\": \"16:00-21:00\" } ] },"
  "    { \"name\": \"summer\", \"months\": [6, 7, 8, 9], \"periods\": ["
  "      { \"name\": \"off_peak\", \"rate\": 0.15, \"days\": [\"weekdays\"], \"hours\": \"00:00-14:00,21:00-24:00\" },"
  "      { \"name\": \"off_peak\", \"rate\": 0.15, \"days\": [\"weekends\"], \"hours\": \"00:00-24:00\" },"
  "      { \"name\": \"peak\", \"rate\": 0.55, \"sell_rate\": -0.02, \"days\": [\"weekdays\"], \"hours\": \"14:00-21:00\" } ] } ] },"
  "  \"fixed_charges\": { \"monthly_service\": 9.95, \"demand_charge\": 12.5 },"
  "  \"demand\": { \"window_minutes\": 30, \"periods\": [\"peak\"] } }";

/* Each edit starts the what-if again: wait until the figures are for the
 * schedule as it is now. */
static void
wait_for_what_if (AetherRateEditor *editor)
{
  double a, b, c, d;
  gint64 give_up = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!aether_rate_editor_get_what_if (editor, &a, &b, &c, &d) && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (aether_rate_editor_get_what_if (editor, &a, &b, &c, &d));
}

static void
test_build_seasonal_tou_by_painting (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) expected = json_from_string (expected_json, &error);
  g_autofree char *stored = NULL;
  g_autofree char *flat = NULL;
  g_autoptr(JsonNode) stored_node = NULL;
  g_autoptr(JsonNode) flat_node = NULL;
  AetherRateEditor *editor;
  double month, month_in_force, year, year_in_force;

  g_assert_no_error (error);

  /* From the page, as its menu does. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "rates.new", "s", "blank"));
  editor = find_editor ();
  g_assert_nonnull (editor);
  gtk_window_set_default_size (GTK_WINDOW (editor), 1280, 800);
  aether_ui_test_wait_for_frames (GTK_WIDGET (editor));
  g_assert_false (gtk_widget_is_sensitive (named (editor, "save")));

  type_into (editor, "provider", "Example Power & Light");
  type_into (editor, "plan", "Evening Peak");
  type_into (editor, "currency", "EUR");
  type_into (editor, "effective", "2026-01-01");
  /* The searchable zone list: typed, Enter takes the first match. */
  type_into (editor, "tz-search", "UTC");
  g_signal_emit_by_name (named (editor, "tz-search"), "activate");
  g_assert_cmpstr (gtk_menu_button_get_label (GTK_MENU_BUTTON (named (editor, "tz-button"))), ==, "UTC");

  click (editor, "add-period");
  click (editor, "add-period");
  type_into (editor, "period-0-price", "0,15");
  type_into (editor, "period-1-price", "0.40");
  g_assert_true (messages_show (editor, "Rate “peak”: no hours yet; paint some, or delete it"));

  /* Weekdays off-peak with one drag; the weekend is still a gap, named. */
  click (editor, "period-0-brush");
  drag (editor, 0, 0, 4, 23);
  g_assert_true (messages_show (editor, "Weekends 00:00–24:00 are not covered by any period"));
  g_assert_false (gtk_widget_is_sensitive (named (editor, "save")));
  screenshots (editor, "gap");

  /* The weekend with the keyboard: down to Saturday, Space, Shift+Right
   * paints as it goes, then Sunday back the other way. */
  aether_rate_grid_set_focus_cell (AETHER_RATE_GRID (named (editor, "grid")), 0, 0);
  for (guint i = 0; i < 5; i++)
    press (editor, GDK_KEY_Down, 0);
  press (editor, GDK_KEY_space, 0);
  for (guint i = 0; i < 23; i++)
    press (editor, GDK_KEY_Right, GDK_SHIFT_MASK);
  press (editor, GDK_KEY_Down, 0);
  press (editor, GDK_KEY_Return, 0);
  for (guint i = 0; i < 23; i++)
    press (editor, GDK_KEY_Left, GDK_SHIFT_MASK);
  g_assert_false (has_problem (editor, "not covered"));

  /* Peak on weekday evenings; the text form follows. */
  click (editor, "period-1-brush");
  drag (editor, 4, 20, 0, 16);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (gtk_widget_get_ancestor (named (editor, "period-1-name"),
                                                                                                ADW_TYPE_EXPANDER_ROW))),
                   ==, "Weekdays 16:00-21:00");
  g_assert_cmpuint (aether_rate_editor_get_problems (editor)->len, ==, 0);
  g_assert_true (gtk_widget_is_sensitive (named (editor, "save")));

  /* A summer season, a copy of the week: its peak starts at 14:00 and costs more. */
  click (editor, "add-season");
  type_into (editor, "period-1-price", "0,55");
  type_into (editor, "period-1-sell", "-0,02");
  drag (editor, 0, 14, 4, 15);

  /* Back to winter: off-peak gets tiers. */
  click (editor, "season-0-show");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-1-price"))), ==, "0.40");
  click (editor, "period-0-add-tier");
  g_assert_true (has_problem (editor, "only the last tier may have no max_kwh"));
  type_into (editor, "period-0-tier-0-limit", "500");
  type_into (editor, "period-0-tier-1-price", "0.20");

  type_into (editor, "monthly", "9,95");
  type_into (editor, "demand-rate", "12.5");
  adw_combo_row_set_selected (ADW_COMBO_ROW (named (editor, "demand-window")), 2);
  click (editor, "demand-period-off_peak");
  g_assert_cmpuint (aether_rate_editor_get_problems (editor)->len, ==, 0);

  /* What February would have cost, against a sum over the raw samples. */
  wait_for_what_if (editor);
  g_assert_true (aether_rate_editor_get_what_if (editor, &month, &month_in_force, &year, &year_in_force));
  g_test_message ("What-if %.12g (in force %.12g), from the samples %.12g (%.12g)", month, month_in_force,
                  independent_cost (winter_rate), independent_cost (flat_rate));
  /* The hour profiles are stored as JSON text: a millionth of a euro. */
  g_assert_cmpfloat_with_epsilon (month, independent_cost (winter_rate), 1e-6);
  g_assert_cmpfloat_with_epsilon (month_in_force, independent_cost (flat_rate), 1e-6);
  g_assert_cmpfloat_with_epsilon (year, month, 1e-9);
  g_assert_cmpfloat_with_epsilon (year_in_force, month_in_force, 1e-9);
  g_assert_true (ADW_IS_ACTION_ROW (named (editor, "what-if-month")));

  screenshots (editor, "week");
  screenshots (editor, "top");

  /* Export writes what Save stores. */
  {
    g_autofree char *path = g_build_filename (f->dir, "exported.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_true (aether_rate_editor_export_file (editor, file, &error));
    g_assert_no_error (error);
    g_assert_true (json_parser_load_from_file (parser, path, &error));
    g_assert_true (json_node_equal (json_parser_get_root (parser), expected));
  }

  click (editor, "save");
  iterate ();
  g_assert_null (find_editor ());

  /* Saving priced the stored days again in the background; what they
   * cost now is what the what-if said. */
  while (aether_service_get_reprice_progress (f->service) < 1.0)
    g_main_context_iteration (NULL, TRUE);
  {
    g_autoptr(GPtrArray) totals = aether_store_energy_totals (aether_service_get_store (f->service),
                                                              (gint64)SAMPLES_FROM_S * G_USEC_PER_SEC,
                                                              (gint64)SAMPLES_TO_S * G_USEC_PER_SEC, "device", &error);
    double cost = 0;

    g_assert_no_error (error);
    for (guint i = 0; i < totals->len; i++)
      cost += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->cost;
    g_assert_cmpfloat_with_epsilon (cost, month, 1e-6);
  }

  stored = aether_rates_get_stored_json (aether_service_get_store (f->service), "evening-peak-2026-01-01", &error);
  g_assert_no_error (error);
  stored_node = json_from_string (stored, &error);
  g_assert_no_error (error);
  if (!json_node_equal (stored_node, expected))
    g_error ("Stored:\n%s\nexpected:\n%s", stored, json_to_string (expected, TRUE));

  /* The flat tariff was ended the day before, not deleted. */
  flat = aether_rates_get_stored_json (aether_service_get_store (f->service), "flat", &error);
  g_assert_no_error (error);
  flat_node = json_from_string (flat, NULL);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (flat_node), "expiry_date"), ==, "2025-12-31");

  /* Both versions are listed in the editor, with their dates; the other
   * one opens in a window of its own. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "rates.edit", "s", "evening-peak-2026-01-01"));
  editor = find_editor ();
  g_assert_nonnull (editor);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (editor, "version-flat"))), ==,
                   "2020-01-01 to 2025-12-31");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (named (editor, "version-evening-peak-2026-01-01"))), ==,
                   "From 2026-01-01");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-0-tier-0-limit"))), ==, "500");
  g_signal_emit_by_name (named (editor, "version-flat"), "activated");
  g_assert_nonnull (find_editor_but (editor));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (find_editor_but (editor), "period-0-price"))), ==, "0.1");
}

static void
test_edit_price_with_comma (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *stored = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *period;
  AetherRateEditor *editor;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "rates.edit", "s", "flat"));
  editor = find_editor ();
  g_assert_nonnull (editor);
  aether_ui_test_wait_for_frames (GTK_WIDGET (editor));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-0-price"))), ==, "0.1");

  /* A typo keeps its text, says why, and keeps Save off. */
  type_into (editor, "period-0-price", "0,1x");
  g_assert_true (messages_show (editor, "All, price: “0,1x” is not a number"));
  g_assert_true (gtk_widget_has_css_class (named (editor, "period-0-price"), "error"));
  g_assert_false (gtk_widget_is_sensitive (named (editor, "save")));
  /* Closing now would lose what was typed: the editor asks first. */
  gtk_window_close (GTK_WINDOW (editor));
  iterate ();
  g_assert_true (find_editor () == editor);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    AdwMessageDialog *ask = NULL;

    for (guint i = 0; i < g_list_model_get_n_items (toplevels) && ask == NULL; i++)
      {
        g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

        if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
          ask = ADW_MESSAGE_DIALOG (window);
      }
    g_assert_nonnull (ask);
    g_assert_cmpstr (adw_message_dialog_get_heading (ask), ==, "Discard Your Changes?");
    adw_message_dialog_response (ask, "cancel");
    gtk_window_destroy (GTK_WINDOW (ask));
    iterate ();
  }
  /* A season added and removed rebuilds the rows: the text is still there. */
  click (editor, "add-season");
  click (editor, "season-0-show");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-0-price"))), ==, "0,1x");
  click (editor, "season-1-remove");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-0-price"))), ==, "0,1x");

  type_into (editor, "period-0-price", "0,125");
  g_assert_false (gtk_widget_has_css_class (named (editor, "period-0-price"), "error"));
  screenshots (editor, "edit");
  g_assert_cmpuint (aether_rate_editor_get_problems (editor)->len, ==, 0);
  click (editor, "save");
  iterate ();

  stored = aether_rates_get_stored_json (aether_service_get_store (f->service), "flat", &error);
  g_assert_no_error (error);
  node = json_from_string (stored, NULL);
  period = json_array_get_object_element (json_object_get_array_member (json_object_get_object_member (
                                            json_node_get_object (node), "rate_structure"), "periods"), 0);
  g_assert_cmpfloat (json_object_get_double_member (period, "rate"), ==, 0.125);
  g_assert_cmpstr (json_object_get_string_member (period, "hours"), ==, "00:00-24:00");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "plan_name"), ==, "Flat");

  /* A schedule file opened into the editor of a stored version corrects
   * that version (its id), checked like anything typed. */
  {
    static const char file_json[] =
      "{ \"rate_id\": \"from-a-file\", \"plan_name\": \"Two Rates\", \"currency\": \"EUR\", \"time_zones\": \"UTC\","
      "  \"effective_date\": \"2020-01-01\", \"metadata\": { \"source\": \"manual_entry\" },"
      "  \"rate_structure\": { \"periods\": ["
      "    { \"name\": \"night\", \"rate\": -0.01, \"days\": [\"all\"], \"hours\": \"00:00-07:00\" },"
      "    { \"name\": \"day\", \"rate\": 0.3, \"days\": [\"all\"], \"hours\": \"07:00-23:59\" } ] } }";
    g_autofree char *path = g_build_filename (f->dir, "two-rates.json", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autofree char *again = NULL;
    g_autoptr(JsonNode) again_node = NULL;
    JsonObject *object;

    g_assert_true (g_file_set_contents (path, file_json, -1, &error));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "rates.edit", "s", "flat"));
    editor = find_editor ();
    g_assert_true (aether_rate_editor_import_file (editor, file, &error));
    g_assert_no_error (error);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-0-price"))), ==, "-0.01");
    g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (gtk_widget_get_ancestor (
                       named (editor, "period-1-name"), ADW_TYPE_EXPANDER_ROW))), ==, "Every day 07:00-24:00");
    click (editor, "save");
    iterate ();

    again = aether_rates_get_stored_json (aether_service_get_store (f->service), "flat", &error);
    g_assert_no_error (error);
    again_node = json_from_string (again, NULL);
    object = json_node_get_object (again_node);
    g_assert_cmpstr (json_object_get_string_member (object, "plan_name"), ==, "Two Rates");
    /* Members the editor does not show come along. */
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "metadata"), "source"), ==,
                     "manual_entry");
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (json_object_get_array_member (
                         json_object_get_object_member (object, "rate_structure"), "periods"), 0), "rate"), ==, -0.01);
  }
}

/* Deleting from the editor is the page's removal, with its Undo: the
 * version goes, the window closes. */
static void
test_delete_from_editor (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *left = NULL;
  AetherRateEditor *editor;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "rates.edit", "s", "flat"));
  editor = find_editor ();
  g_assert_nonnull (editor);

  /* The text form of the hours and the grid say the same, both ways. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-0-hours"))), ==, "all 00:00-24:00");
  click (editor, "add-period");
  type_into (editor, "period-1-hours", "weekdays 16:00-21:00");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-0-hours"))), ==,
                   "weekdays 00:00-16:00,21:00-24:00; weekends 00:00-24:00");
  type_into (editor, "period-1-price", "0.5");
  g_assert_cmpuint (aether_rate_editor_get_problems (editor)->len, ==, 0);
  type_into (editor, "period-1-hours", "weekdays 16:10-21:00");
  g_assert_true (messages_show (editor, "Rate “peak”, hours: The editor works in quarter hours"));
  type_into (editor, "period-1-hours", "funday 16:00-21:00");
  g_assert_true (messages_show (editor, "Rate “peak”, hours: “funday” is not a day"));
  g_assert_true (gtk_widget_has_css_class (named (editor, "period-1-hours"), "error"));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (named (editor, "period-1-hours"))), ==, "funday 16:00-21:00");
  type_into (editor, "period-1-hours", "weekdays 16:00-21:00; saturday 10:00-12:15");
  g_assert_cmpuint (aether_rate_editor_get_problems (editor)->len, ==, 0);
  {
    g_autoptr(JsonNode) node = aether_rate_editor_build_json (editor);
    JsonArray *periods = json_object_get_array_member (json_object_get_object_member (json_node_get_object (node),
                                                                                      "rate_structure"), "periods");
    JsonObject *last = json_array_get_object_element (periods, json_array_get_length (periods) - 1);

    g_assert_cmpstr (json_object_get_string_member (last, "name"), ==, "peak");
    g_assert_cmpstr (json_object_get_string_member (last, "hours"), ==, "10:00-12:15");
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (editor), "editor.delete", NULL));
  iterate ();
  g_assert_null (find_editor ());
  left = aether_rates_get_stored_json (aether_service_get_store (f->service), "flat", &error);
  g_assert_null (left);
  g_assert_cmpuint (aether_rates_page_get_n_schedules (f->page), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  /* Days and the schedule's zone agree: the store's days are UTC days. */
  g_setenv ("TZ", "UTC", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/rate-editor/seasonal-tou-from-blank-by-painting", Fixture, NULL, fixture_set_up,
              test_build_seasonal_tou_by_painting, fixture_tear_down);
  g_test_add ("/ui/rate-editor/edit-price-with-decimal-comma", Fixture, NULL, fixture_set_up,
              test_edit_price_with_comma, fixture_tear_down);

  g_test_add ("/ui/rate-editor/delete-goes-through-the-page", Fixture, NULL, fixture_set_up,
              test_delete_from_editor, fixture_tear_down);

  return g_test_run ();
}
