/* test-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window as a person sees it: five pages behind a view switcher
 * that moves to the bottom on a phone-sized window, a primary menu, state
 * remembered in GSettings. Each window is saved as a PNG in
 * $G_TEST_BUILDDIR/screenshots so a person can look at what the tests saw. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "aether-application.h"
#include "aether-ui-test-util.h"
#include "aether-format.h"
#include "aether-preferences-window.h"
#include "aether-window.h"
#include "dashboard/aether-dashboard-page.h"
#include "dashboard/aether-power-chart.h"
#include "alerts/aether-alerts-page.h"
#include "devices/aether-devices-page.h"
#include "history/aether-history-page.h"
#include "rates/aether-rates-page.h"

static AetherApplication *app;

static const char * const expected_pages[][2] = {
  { "dashboard", "Dashboard" },
  { "history", "History" },
  { "devices", "Devices" },
  { "rates", "Rates" },
  { "alerts", "Alerts" },
};

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The first descendant of @type whose @property is @value: a row by its
 * title, a button by its label, as a person finds them. */
static GtkWidget *
find_by_text (GtkWidget  *widget,
              GType       type,
              const char *property,
              const char *value)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    {
      g_autofree char *text = NULL;

      g_object_get (widget, property, &text, NULL);
      if (g_strcmp0 (text, value) == 0)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_by_text (child, type, property, value);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_visible_error (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error") && gtk_widget_get_visible (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_visible_error (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static AetherWindow *
new_window (void)
{
  AetherWindow *window = aether_window_new (app);

  gtk_window_present (GTK_WINDOW (window));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));

  return window;
}

static void
destroy_window (gpointer window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_window_has_five_pages_in_order (void)
{
  AetherWindow *window = new_window ();
  AdwViewStack *stack = ADW_VIEW_STACK (find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (stack);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pages)), ==, G_N_ELEMENTS (expected_pages));

  for (guint i = 0; i < G_N_ELEMENTS (expected_pages); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);
      GtkWidget *child = adw_view_stack_page_get_child (page);

      /* A page wider than 360 px scrolls sideways inside the shell. */
      if (GTK_IS_SCROLLED_WINDOW (child))
        child = find_descendant (child, AETHER_TYPE_HISTORY_PAGE);
      g_assert_cmpstr (adw_view_stack_page_get_name (page), ==, expected_pages[i][0]);
      g_assert_cmpstr (adw_view_stack_page_get_title (page), ==, expected_pages[i][1]);
      g_assert_nonnull (adw_view_stack_page_get_icon_name (page));

      /* Each page, while there is nothing to show, says what will live
       * there and offers a way on: add a device, the demo home, import a
       * tariff, a new alert, its help. */
      {
        AdwStatusPage *status = ADW_STATUS_PAGE (find_descendant (child, ADW_TYPE_STATUS_PAGE));

        g_assert_true (AETHER_IS_DEVICES_PAGE (child) || AETHER_IS_DASHBOARD_PAGE (child) ||
                       AETHER_IS_HISTORY_PAGE (child) || AETHER_IS_RATES_PAGE (child) ||
                       AETHER_IS_ALERTS_PAGE (child));
        g_assert_nonnull (status);
        g_assert_cmpuint (strlen (adw_status_page_get_description (status)), >, 40);
        g_assert_nonnull (find_descendant (adw_status_page_get_child (status), GTK_TYPE_BUTTON));
      }
    }

  destroy_window (window);
}

static void
test_window_switches_to_each_page_and_saves_png (void)
{
  AetherWindow *window;
  AdwViewStack *stack;

  g_settings_set_string (aether_application_get_settings (app), "visible-page", "dashboard");
  window = new_window ();
  stack = ADW_VIEW_STACK (find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));

  for (guint i = 0; i < G_N_ELEMENTS (expected_pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("window-%s", expected_pages[i][0]);
      GtkWidget *child;

      /* Through the window's action, as Alt+1…5 do. */
      gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", expected_pages[i][0]);
      aether_ui_test_wait_for_frames (GTK_WIDGET (window));

      g_assert_cmpstr (aether_window_get_visible_page (window), ==, expected_pages[i][0]);
      child = adw_view_stack_get_visible_child (stack);
      g_assert_true (gtk_widget_get_mapped (child));
      g_assert_true (gtk_widget_get_child_visible (child));

      aether_ui_test_save_screenshot (GTK_WIDGET (window), name);
    }

  destroy_window (window);
}

static void
test_window_narrow_moves_switcher_to_bottom (void)
{
  AetherWindow *window = aether_window_new (app);
  AdwViewSwitcherBar *bar;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_window_present (GTK_WINDOW (window));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));

  bar = ADW_VIEW_SWITCHER_BAR (find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_SWITCHER_BAR));
  g_assert_true (adw_view_switcher_bar_get_reveal (bar));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-narrow");

  destroy_window (window);
}

static void
test_demo_home_fills_the_devices_page (void)
{
  AetherWindow *window = new_window ();
  AetherDevicesPage *page = AETHER_DEVICES_PAGE (find_descendant (GTK_WIDGET (window), AETHER_TYPE_DEVICES_PAGE));
  AetherService *service = aether_application_get_service (app);
  gint64 give_up;

  g_assert_nonnull (service);
  g_assert_cmpuint (aether_devices_page_get_n_rows (page), ==, 0);

  aether_window_set_visible_page (window, "devices");
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-devices-empty");

  /* The empty state's button. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "demo-home", NULL);
  g_assert_cmpuint (aether_devices_page_get_n_rows (page), ==, 13);

  /* Its year of history is written in the background, with a bar. */
  g_assert_true (aether_window_is_backfilling (window));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-demo-backfilling");
  give_up = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < give_up && aether_window_is_backfilling (window))
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_false (aether_window_is_backfilling (window));

  /* The demo devices poll every 10 s: wait for every first reading. */
  give_up = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < give_up &&
         aether_collector_get_n_polls (aether_service_get_collector (service)) < 13)
    g_main_context_iteration (NULL, FALSE), g_usleep (10000);
  g_assert_cmpuint (aether_collector_get_n_polls (aether_service_get_collector (service)), >=, 13);

  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-devices-demo");

  /* The dashboard shows the whole-home meter's power and who uses most. */
  {
    AetherDashboardPage *dashboard = AETHER_DASHBOARD_PAGE (find_descendant (GTK_WIDGET (window),
                                                                             AETHER_TYPE_DASHBOARD_PAGE));

    aether_window_set_visible_page (window, "dashboard");
    aether_dashboard_page_refresh (dashboard);
    g_assert_cmpstr (aether_dashboard_page_get_now_text (dashboard), !=, "—");
    g_assert_true (g_str_has_suffix (aether_dashboard_page_get_now_text (dashboard), "W"));
    g_assert_cmpuint (aether_dashboard_page_get_n_top_rows (dashboard), >, 0);
    g_assert_nonnull (find_by_text (GTK_WIDGET (dashboard), GTK_TYPE_LABEL, "label", "Mains meter"));
    /* The chart is an image with a name for screen readers. */
    {
      GtkWidget *chart = find_descendant (GTK_WIDGET (dashboard), AETHER_TYPE_POWER_CHART);

      gtk_test_accessible_assert_role (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_ROLE_IMG);
      gtk_test_accessible_assert_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_LABEL, "Power over the last hour");
    }
    aether_ui_test_wait_for_frames (GTK_WIDGET (window));
    aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-dashboard-demo");
  }

  destroy_window (window);
}

static void
test_window_restores_size_and_page (void)
{
  GSettings *settings = aether_application_get_settings (app);
  AetherWindow *window;
  int width = 0;
  int height = 0;

  g_settings_set_int (settings, "window-width", 900);
  g_settings_set_int (settings, "window-height", 640);
  g_settings_set_boolean (settings, "window-maximized", FALSE);
  g_settings_set_string (settings, "visible-page", "rates");

  window = new_window ();
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 900);
  g_assert_cmpint (height, ==, 640);
  g_assert_cmpstr (aether_window_get_visible_page (window), ==, "rates");

  /* Closing saves what the person left. */
  aether_window_set_visible_page (window, "alerts");
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 720);
  gtk_window_close (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  {
    g_autofree char *page = g_settings_get_string (settings, "visible-page");

    g_assert_cmpstr (page, ==, "alerts");
    g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1100);
    g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 720);
  }

  g_settings_set_string (settings, "visible-page", "dashboard");
}

static void
test_window_primary_menu_offers_the_four_entries (void)
{
  AetherWindow *window = new_window ();
  GtkMenuButton *button = GTK_MENU_BUTTON (find_descendant (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON));
  GMenuModel *menu = gtk_menu_button_get_menu_model (button);
  GMenuModel *section = g_menu_model_get_item_link (menu, 0, G_MENU_LINK_SECTION);
  static const char * const actions[] = {
    "app.preferences", "win.show-help-overlay", "app.help", "app.about",
  };

  g_assert_true (gtk_menu_button_get_primary (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (button)), ==, "Main Menu");
  g_assert_cmpint (g_menu_model_get_n_items (section), ==, G_N_ELEMENTS (actions));

  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      g_autofree char *action = NULL;

      g_assert_true (g_menu_model_get_item_attribute (section, i, G_MENU_ATTRIBUTE_ACTION, "s", &action));
      g_assert_cmpstr (action, ==, actions[i]);
    }

  /* Every app action the menu and the pages use exists. */
  g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (app), "preferences") != NULL);
  g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (app), "about") != NULL);
  g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (app), "help") != NULL);
  g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (app), "help-page") != NULL);
  g_assert_true (g_action_map_lookup_action (G_ACTION_MAP (app), "quit") != NULL);

  g_object_unref (section);
  destroy_window (window);
}

static void
test_window_shortcuts_are_installed (void)
{
  g_auto(GStrv) quit = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.quit");
  g_auto(GStrv) prefs = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.preferences");
  g_auto(GStrv) help = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "app.help");

  g_assert_cmpstr (quit[0], ==, "<Control>q");
  g_assert_cmpstr (prefs[0], ==, "<Control>comma");
  g_assert_cmpstr (help[0], ==, "F1");
}

/* Buttons that show only an icon must say in words what they do: a
 * screen reader has nothing else to read. Returns how many were checked. */
static guint
assert_icon_buttons_are_labelled (GtkWidget *widget)
{
  guint n = 0;
  const char *icon = NULL;

  if (GTK_IS_MENU_BUTTON (widget))
    icon = gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget));
  else if (GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (gtk_widget_get_parent (widget)))
    icon = gtk_button_get_icon_name (GTK_BUTTON (widget));

  if (icon != NULL && gtk_widget_get_visible (widget))
    {
      if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
        g_error ("A %s showing only “%s” (tooltip “%s”) has no accessible label",
                 G_OBJECT_TYPE_NAME (widget), icon, gtk_widget_get_tooltip_text (widget));
      n++;
    }
  /* A menu button's own toggle is the menu button, checked above. */
  if (GTK_IS_MENU_BUTTON (widget))
    return n;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    n += assert_icon_buttons_are_labelled (child);
  return n;
}

static void
test_window_accessible_roles (void)
{
  AetherWindow *window = new_window ();
  GtkWidget *button = find_descendant (GTK_WIDGET (window), GTK_TYPE_MENU_BUTTON);

  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (window), GTK_ACCESSIBLE_ROLE_WINDOW);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_ROLE_BUTTON);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, "Main Menu");

  /* Every page, as a person would step through them. */
  for (guint i = 0; i < G_N_ELEMENTS (expected_pages); i++)
    {
      AdwViewStack *stack = ADW_VIEW_STACK (find_descendant (GTK_WIDGET (window), ADW_TYPE_VIEW_STACK));

      adw_view_stack_set_visible_child_name (stack, expected_pages[i][0]);
      aether_ui_test_wait_for_frames (GTK_WIDGET (window));
    }
  g_assert_cmpuint (assert_icon_buttons_are_labelled (GTK_WIDGET (window)), >=, 1);

  destroy_window (window);
}

static void
test_preferences_window_binds_background_setting (void)
{
  AetherPreferencesWindow *prefs = aether_preferences_window_new (app);
  GSettings *settings = aether_application_get_settings (app);
  GtkSwitch *toggle;

  gtk_window_present (GTK_WINDOW (prefs));
  aether_ui_test_wait_for_frames (GTK_WIDGET (prefs));

  toggle = GTK_SWITCH (find_descendant (GTK_WIDGET (prefs), GTK_TYPE_SWITCH));
  g_assert_false (gtk_switch_get_active (toggle));
  gtk_switch_set_active (toggle, TRUE);
  g_assert_true (g_settings_get_boolean (settings, "run-in-background"));
  gtk_switch_set_active (toggle, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "run-in-background"));

  aether_ui_test_wait_for_frames (GTK_WIDGET (prefs));
  aether_ui_test_save_screenshot (GTK_WIDGET (prefs), "preferences");
  destroy_window (prefs);
}

static void
test_about_and_shortcuts_windows_open (void)
{
  AetherWindow *window = new_window ();
  GtkWindow *overlay;
  GtkWidget *about = NULL;

  /* The shortcuts window comes from gtk/help-overlay.ui in our resources. */
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  gtk_window_present (overlay);
  aether_ui_test_wait_for_frames (GTK_WIDGET (overlay));
  aether_ui_test_save_screenshot (GTK_WIDGET (overlay), "shortcuts");
  gtk_window_close (overlay);

  g_action_group_activate_action (G_ACTION_GROUP (app), "about", NULL);
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

    for (GList *l = toplevels; l; l = l->next)
      if (ADW_IS_ABOUT_WINDOW (l->data))
        about = l->data;
  }
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpint (adw_about_window_get_license_type (ADW_ABOUT_WINDOW (about)), ==, GTK_LICENSE_GPL_3_0);
  aether_ui_test_wait_for_frames (about);
  aether_ui_test_save_screenshot (about, "about");

  destroy_window (about);
  destroy_window (window);
}

/* A fake Tasmota plug on 127.0.0.1, answering with a recorded Status 0. */
static void
serve_tasmota (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  g_autofree char *file = g_build_filename (TEST_DATA_DIR, "tasmota", "tasmoadmin_status0_plug_v11.1.0.json", NULL);
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (file, &contents, &length, NULL));
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, contents, length);
}

static AetherAddDeviceWindow *
find_add_device_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (AETHER_IS_ADD_DEVICE_WINDOW (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return AETHER_ADD_DEVICE_WINDOW (item);
    }
  return NULL;
}

static void
select_kind (GtkWidget  *add_window,
             const char *kind)
{
  AdwComboRow *row = ADW_COMBO_ROW (find_descendant (add_window, ADW_TYPE_COMBO_ROW));
  GListModel *kinds = adw_combo_row_get_model (row);

  for (guint i = 0; i < g_list_model_get_n_items (kinds); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (kinds), i), kind))
      {
        adw_combo_row_set_selected (row, i);
        return;
      }
  g_error ("No kind “%s” to choose", kind);
}

static void
set_row_text (GtkWidget  *add_window,
              const char *title,
              const char *text)
{
  GtkWidget *row = find_by_text (add_window, ADW_TYPE_ENTRY_ROW, "title", title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
test_add_device_window_adds_a_tasmota (void)
{
  AetherWindow *window = new_window ();
  AetherDevicesPage *page = AETHER_DEVICES_PAGE (find_descendant (GTK_WIDGET (window), AETHER_TYPE_DEVICES_PAGE));
  AetherStore *store = aether_service_get_store (aether_application_get_service (app));
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) device = NULL;
  g_autofree char *address = NULL;
  AetherAddDeviceWindow *add_window;
  GtkWidget *add_button;
  GtkWidget *error_label;
  guint rows_before = aether_devices_page_get_n_rows (page);
  gint64 give_up;
  GSList *uris;

  soup_server_add_handler (server, "/cm", serve_tasmota, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  address = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  /* Ctrl+N's action opens it over the Devices page. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-device", NULL);
  g_assert_cmpstr (aether_window_get_visible_page (window), ==, "devices");
  add_window = find_add_device_window ();
  g_assert_nonnull (add_window);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (add_window)) == GTK_WINDOW (window));

  /* With no Avahi on this bus the search ends at once and says why. */
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (aether_add_device_window_is_searching (add_window) && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (aether_add_device_window_is_searching (add_window));

  add_button = find_by_text (GTK_WIDGET (add_window), GTK_TYPE_BUTTON, "label", "_Add");
  g_assert_nonnull (add_button);
  g_assert_false (gtk_widget_get_sensitive (add_button));

  select_kind (GTK_WIDGET (add_window), "Tasmota");
  set_row_text (GTK_WIDGET (add_window), "_Name", "Coffee Maker");
  set_row_text (GTK_WIDGET (add_window), "_Room", "kitchen");
  /* Required address still empty. */
  g_assert_false (gtk_widget_get_sensitive (add_button));

  /* A wrong address: said in the window, the form kept. */
  set_row_text (GTK_WIDGET (add_window), "Address", "127.0.0.1:1");
  g_assert_true (gtk_widget_get_sensitive (add_button));
  g_signal_emit_by_name (add_button, "clicked");
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (aether_add_device_window_is_adding (add_window) && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  error_label = find_visible_error (GTK_WIDGET (add_window));
  g_assert_nonnull (error_label);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (error_label)), "cannot be reached"));
  aether_ui_test_wait_for_frames (GTK_WIDGET (add_window));
  aether_ui_test_save_screenshot (GTK_WIDGET (add_window), "add-device-error");

  /* The right one: probed, stored, listed, and the window gone. */
  set_row_text (GTK_WIDGET (add_window), "Address", address);
  g_signal_emit_by_name (add_button, "clicked");
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (find_add_device_window () != NULL && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (find_add_device_window ());

  device = aether_store_get_device (store, "coffee-maker", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (device), "model"), ==, "socket-1");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (device), "location"),
                                                  "room"), ==, "kitchen");
  g_assert_cmpuint (aether_devices_page_get_n_rows (page), ==, rows_before + 1);
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-devices-added");

  /* Its row opens it: renamed and moved, the registry follows. */
  {
    AetherDeviceWindow *edit = aether_devices_page_edit_device (page, "coffee-maker");
    g_autoptr(JsonNode) renamed = NULL;

    g_assert_nonnull (edit);
    g_assert_nonnull (find_by_text (GTK_WIDGET (edit), ADW_TYPE_ACTION_ROW, "subtitle", "socket-1"));
    set_row_text (GTK_WIDGET (edit), "_Name", "Espresso Machine");
    set_row_text (GTK_WIDGET (edit), "_Room", "Dining Room");
    aether_ui_test_wait_for_frames (GTK_WIDGET (edit));
    aether_ui_test_save_screenshot (GTK_WIDGET (edit), "device");
    g_signal_emit_by_name (find_by_text (GTK_WIDGET (edit), GTK_TYPE_BUTTON, "label", "_Save"), "clicked");
    renamed = aether_store_get_device (store, "coffee-maker", NULL);
    g_assert_cmpstr (json_object_get_string_member (json_node_get_object (renamed), "name"), ==, "Espresso Machine");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (renamed), "location"),
                                                    "room"), ==, "dining_room");
  }

  /* Its row's button removes it again: from the registry and the page. */
  gtk_widget_activate_action (GTK_WIDGET (page), "devices.remove", "s", "coffee-maker");
  g_assert_cmpuint (aether_devices_page_get_n_rows (page), ==, rows_before);
  g_assert_null (aether_store_get_device (store, "coffee-maker", NULL));

  soup_server_disconnect (server);
  destroy_window (window);
}

static void
test_add_device_window_looks_right (void)
{
  AetherWindow *window = new_window ();
  AetherAddDeviceWindow *add_window;
  gint64 give_up;

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-device", NULL);
  add_window = find_add_device_window ();
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (aether_add_device_window_is_searching (add_window) && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  select_kind (GTK_WIDGET (add_window), "TP-Link Kasa");
  aether_ui_test_wait_for_frames (GTK_WIDGET (add_window));
  aether_ui_test_save_screenshot (GTK_WIDGET (add_window), "add-device");

  /* The form is the Kasa plugin's own settings, with their defaults, and
   * Add waits until what is required is there. */
  {
    GtkWidget *name = find_by_text (GTK_WIDGET (add_window), ADW_TYPE_ENTRY_ROW, "title", "_Name");
    GtkWidget *address = find_by_text (GTK_WIDGET (add_window), ADW_TYPE_ENTRY_ROW, "title", "Address");
    GtkWidget *interval = find_by_text (GTK_WIDGET (add_window), ADW_TYPE_ENTRY_ROW, "title", "Polling Interval");
    GtkWidget *add = find_by_text (GTK_WIDGET (add_window), GTK_TYPE_BUTTON, "label", "_Add");

    g_assert_nonnull (name);
    g_assert_nonnull (address);
    g_assert_nonnull (interval);
    g_assert_nonnull (add);
    g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (interval)), ==, "10");
    g_assert_false (gtk_widget_get_sensitive (add));
    gtk_editable_set_text (GTK_EDITABLE (name), "Desk Lamp");
    g_assert_false (gtk_widget_get_sensitive (add));
    gtk_editable_set_text (GTK_EDITABLE (address), "127.0.0.1");
    g_assert_true (gtk_widget_get_sensitive (add));
    gtk_editable_set_text (GTK_EDITABLE (name), "   ");
    g_assert_false (gtk_widget_get_sensitive (add));
  }

  /* Escape closes it, as any dialog. */
  gtk_widget_activate_action (GTK_WIDGET (add_window), "window.close", NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_add_device_window ());
  destroy_window (window);
}

/* History reads in a thread: wait for its answer. */
static void
wait_for_history (AetherHistoryPage *history)
{
  while (aether_history_page_is_loading (history))
    g_main_context_iteration (NULL, TRUE);
}

/* A stored day (yesterday, a minute apart: the meter at 1 kW, the heat pump
 * at 500 W), rolled up as the service does, then shown. */
static void
test_history_shows_a_stored_day (void)
{
  AetherWindow *window = new_window ();
  AetherHistoryPage *history = AETHER_HISTORY_PAGE (find_descendant (GTK_WIDGET (window), AETHER_TYPE_HISTORY_PAGE));
  AetherStore *store = aether_service_get_store (aether_application_get_service (app));
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) today = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                                      g_date_time_get_day_of_month (now), 0, 0, 0);
  g_autoptr(GDateTime) yesterday = g_date_time_add_days (today, -1);
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GError) error = NULL;
  gint64 start_us = g_date_time_to_unix (yesterday) * G_USEC_PER_SEC;

  /* Needs the demo home's registry. */
  g_assert_nonnull (aether_store_get_device (store, "demo-mains", NULL));
  for (guint m = 0; m <= 24 * 60; m++)
    {
      AetherReading mains = { start_us + (gint64)m * 60 * G_USEC_PER_SEC, (char *)"demo-mains", (char *)"power", 1000, (char *)"W" };
      AetherReading pump = { start_us + (gint64)m * 60 * G_USEC_PER_SEC, (char *)"demo-heat_pump", (char *)"power", 500, (char *)"W" };

      g_array_append_val (readings, mains);
      g_array_append_val (readings, pump);
    }
  g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_no_error (error);
  g_assert_true (aether_store_maintain (store, g_get_real_time (), NULL, &error));
  g_assert_no_error (error);

  aether_window_set_visible_page (window, "history");
  aether_history_page_reload (history);
  aether_history_page_show (history, "day", yesterday);
  wait_for_history (history);
  g_assert_true (aether_history_page_has_data (history));
  /* The demo home came with a year of history, so these readings lie over
   * a backfilled day: the total is the store's, whatever it holds. */
  /* The Whole Home total is the store's total for the home's members. */
  {
    const char *mains[] = { "demo-mains", NULL };
    g_autoptr(GPtrArray) totals = aether_store_energy_totals_for_devices (store, mains, start_us, start_us + (gint64)86400 * G_USEC_PER_SEC,
                                                                          &error);
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (totals->len, ==, 1);
    text = aether_format_energy (((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->energy_wh);
    g_assert_cmpstr (aether_history_page_get_total_text (history), ==, text);
  }
  g_assert_nonnull (find_by_text (GTK_WIDGET (history), ADW_TYPE_ACTION_ROW, "title", "Heat Pump"));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-history-day");

  /* The year around it, from the coarser tiers. */
  aether_history_page_show (history, "year", yesterday);
  wait_for_history (history);
  g_assert_true (aether_history_page_has_data (history));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-history-year");

  /* A day with nothing stored says so. */
  {
    g_autoptr(GDateTime) long_ago = g_date_time_add_years (yesterday, -3);

    aether_history_page_show (history, "day", long_ago);
    wait_for_history (history);
    g_assert_false (aether_history_page_has_data (history));
  }

  destroy_window (window);
}

/* The demo home's tariff as a week, then imports: a broken schedule is
 * refused with its problems named, a Utility Rate Database record is taken
 * and supersedes the sample. */
static void
test_rates_page_shows_and_imports (void)
{
  AetherWindow *window = new_window ();
  AetherRatesPage *rates = AETHER_RATES_PAGE (find_descendant (GTK_WIDGET (window), AETHER_TYPE_RATES_PAGE));
  g_autofree char *dir = g_dir_make_tmp ("aether-rates-XXXXXX", NULL);
  g_autofree char *broken_path = g_build_filename (dir, "broken.json", NULL);
  g_autofree char *urdb_path = g_build_filename (TEST_DATA_DIR, "tariff", "urdb", "python-openei_plan_data.json", NULL);
  g_autoptr(GFile) broken = g_file_new_for_path (broken_path);
  g_autoptr(GFile) urdb = g_file_new_for_path (urdb_path);
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  AetherWeekGrid *grid;

  aether_window_set_visible_page (window, "rates");
  aether_rates_page_reload (rates);
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 1);
  grid = aether_rates_page_get_week_grid (rates, 0);
  g_assert_cmpstr (aether_week_grid_get_period (grid, 0, 17), ==, "peak");
  g_assert_cmpstr (aether_week_grid_get_period (grid, 0, 3), ==, "off_peak");
  g_assert_cmpstr (aether_week_grid_get_period (grid, 5, 12), ==, "weekend");
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (grid), GTK_ACCESSIBLE_ROLE_IMG);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (grid), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       "The rate periods of each hour of the week");
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-rates-sample");

  /* A price corrected in place: stored under the same id, shown at once. */
  {
    AetherStore *store = aether_service_get_store (aether_application_get_service (app));
    g_autoptr(GPtrArray) schedules = aether_store_list_rate_schedules (store, NULL);
    g_autoptr(GPtrArray) after = NULL;
    JsonNode *schedule = g_ptr_array_index (schedules, 0);
    JsonArray *periods = json_object_get_array_member (json_object_get_object_member (json_node_get_object (schedule),
                                                                                      "rate_structure"), "periods");
    JsonObject *peak = json_array_get_object_element (periods, 0);

    g_assert_cmpstr (json_object_get_string_member (peak, "name"), ==, "peak");
    g_assert_false (aether_rates_page_set_price (rates, schedule, peak, -1, &error));
    g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_assert_true (aether_rates_page_set_price (rates, schedule, peak, 0.45, &error));
    g_assert_no_error (error);
    after = aether_store_list_rate_schedules (store, NULL);
    g_assert_cmpuint (after->len, ==, 1);
    g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (
                         json_object_get_array_member (json_object_get_object_member (
                           json_node_get_object (g_ptr_array_index (after, 0)), "rate_structure"), "periods"), 0), "rate"),
                       ==, 0.45);
    g_assert_nonnull (find_by_text (GTK_WIDGET (rates), GTK_TYPE_LABEL, "label", "$0.45/kWh"));
  }

  g_assert_true (g_file_set_contents (broken_path,
                                      "{\"rate_id\": \"broken\", \"currency\": \"USD\", \"rate_structure\": {"
                                      "\"type\": \"time_of_use\", \"periods\": [{\"name\": \"peak\", \"rate\": -1, "
                                      "\"days\": [\"monday\"], \"hours\": \"16:00-21:00\"}]}}", -1, NULL));
  message = aether_rates_page_import_file (rates, broken, &error);
  g_assert_null (message);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "• "));
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 1);
  g_clear_error (&error);

  /* It begins (2016) before the sample (2020), which would go entirely:
   * refused, until the person agrees to replace it. */
  message = aether_rates_page_import_file (rates, urdb, &error);
  g_assert_null (message);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 1);
  message = aether_rates_page_import_file_replacing (rates, urdb, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", message);
  g_assert_true (g_str_has_prefix (message, "Imported “"));
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), >=, 1);
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-rates-imported");

  g_unlink (broken_path);
  g_rmdir (dir);
  destroy_window (window);
}

static char *
write_temp_file (const char *dir,
                 const char *name,
                 const char *contents)
{
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static JsonObject *
find_period (JsonNode   *schedule,
             const char *name)
{
  JsonArray *periods = json_object_get_array_member (json_object_get_object_member (json_node_get_object (schedule),
                                                                                    "rate_structure"), "periods");

  for (guint i = 0; i < json_array_get_length (periods); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (periods, i), "name"), name) == 0)
      return json_array_get_object_element (periods, i);
  g_assert_not_reached ();
}

/* The bug report's scenario: the sample tariff, a schedule imported from
 * the 1st of this month, then "Off peak" of the older version corrected:
 * both versions stay, today stays covered. Then a version removed and put
 * back with Undo, and a tiered tariff showing its tiers' prices. */
static void
test_rates_page_keeps_versions_and_undoes (void)
{
  AetherService *service = aether_application_get_service (app);
  AetherStore *store = aether_service_get_store (service);
  AetherWindow *window = new_window ();
  AetherRatesPage *rates = AETHER_RATES_PAGE (find_descendant (GTK_WIDGET (window), AETHER_TYPE_RATES_PAGE));
  g_autofree char *dir = g_dir_make_tmp ("aether-rates-XXXXXX", NULL);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) first = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now), 1, 0, 0, 0);
  g_autoptr(GDateTime) day_before = g_date_time_add_days (first, -1);
  g_autofree char *first_text = g_date_time_format (first, "%Y-%m-%d");
  g_autofree char *until = g_date_time_format (day_before, "%Y-%m-%d");
  g_autofree char *json = g_strdup_printf ("{\"rate_id\": \"flat-this-month\", \"plan_name\": \"Flat from the 1st\", "
                                           "\"effective_date\": \"%s\", \"currency\": \"USD\", \"rate_structure\": "
                                           "{\"type\": \"flat\", \"periods\": [{\"name\": \"all_day\", \"rate\": 0.31, "
                                           "\"days\": [\"all\"], \"hours\": \"00:00-24:00\"}]}}", first_text);
  g_autofree char *newer_path = write_temp_file (dir, "newer.json", json);
  g_autofree char *tiered_path = g_build_filename (TEST_DATA_DIR, "tariff", "urdb", "python-openei_plan_tier_data.json",
                                                   NULL);
  g_autoptr(GFile) newer_file = g_file_new_for_path (newer_path);
  g_autoptr(GFile) tiered_file = g_file_new_for_path (tiered_path);
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *newer_before = NULL;
  g_autofree char *newer_after = NULL;
  g_autoptr(AdwToast) toast = NULL;
  JsonNode *older = NULL;

  /* From the sample tariff alone. */
  schedules = aether_store_list_rate_schedules (store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < schedules->len; i++)
    {
      g_autoptr(JsonNode) gone = aether_service_remove_rate_schedule (service, json_object_get_string_member (
                                                                        json_node_get_object (g_ptr_array_index (schedules, i)),
                                                                        "rate_id"), &error);
      g_assert_no_error (error);
    }
  g_clear_pointer (&schedules, g_ptr_array_unref);
  aether_window_set_visible_page (window, "rates");
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (rates), "rates.sample", NULL);
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 1);

  message = aether_rates_page_import_file (rates, newer_file, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 2);
  schedules = aether_store_list_rate_schedules (store, &error);
  older = g_ptr_array_index (schedules, 0);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (older), "rate_id"), ==, "demo-home-tou");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (older), "expiry_date"), ==, until);
  newer_before = aether_rates_get_stored_json (store, "flat-this-month", &error);
  g_assert_no_error (error);

  /* "Off peak" of the older version, corrected as its row does. */
  g_assert_true (aether_rates_page_set_price (rates, older, find_period (older, "off_peak"), 0.2, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 2);
  newer_after = aether_rates_get_stored_json (store, "flat-this-month", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (newer_after, ==, newer_before);
  g_assert_cmpstr (aether_service_get_currency (service), ==, "USD");
  g_assert_nonnull (find_by_text (GTK_WIDGET (rates), GTK_TYPE_LABEL, "label", "$0.20/kWh"));
  g_assert_nonnull (find_by_text (GTK_WIDGET (rates), GTK_TYPE_LABEL, "label", "$0.31/kWh"));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-rates-two-versions");

  /* Removed by the person, and back with Undo: the same id, the same JSON. */
  toast = g_object_ref (aether_rates_page_remove_schedule (rates, "flat-this-month", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 1);
  g_assert_null (aether_service_get_currency (service));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-rates-removed");
  g_signal_emit_by_name (toast, "button-clicked");
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 2);
  g_clear_pointer (&newer_after, g_free);
  newer_after = aether_rates_get_stored_json (store, "flat-this-month", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (newer_after, ==, newer_before);
  g_assert_cmpstr (aether_service_get_currency (service), ==, "USD");
  g_clear_object (&toast);

  /* A tiered tariff (PG&E E-1, from 2021) would cover the newer version:
   * replaced at the person's word, its tiers shown with their prices. */
  g_clear_pointer (&message, g_free);
  message = aether_rates_page_import_file (rates, tiered_file, &error);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "Flat from the 1st"));
  g_clear_error (&error);
  message = aether_rates_page_import_file_replacing (rates, tiered_file, &toast, &error);
  g_assert_no_error (error);
  g_object_ref (toast);
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 2);
  g_assert_nonnull (find_by_text (GTK_WIDGET (rates), GTK_TYPE_LABEL, "label",
                                  "$0.25902/kWh up to 6.8 kWh a day\n$0.32596/kWh up to 27.2 kWh a day\nthen $0.40745/kWh"));
  g_assert_null (find_by_text (GTK_WIDGET (rates), GTK_TYPE_LABEL, "label", "$0.00/kWh"));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-rates-tiered");

  /* Undo puts it all back as it was: the sample until the day before the
   * 1st, the newer version byte for byte. */
  g_signal_emit_by_name (toast, "button-clicked");
  g_assert_cmpuint (aether_rates_page_get_n_schedules (rates), ==, 2);
  g_clear_pointer (&newer_after, g_free);
  newer_after = aether_rates_get_stored_json (store, "flat-this-month", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (newer_after, ==, newer_before);
  g_clear_pointer (&schedules, g_ptr_array_unref);
  schedules = aether_store_list_rate_schedules (store, &error);
  g_assert_cmpuint (schedules->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (g_ptr_array_index (schedules, 0)), "expiry_date"),
                   ==, until);

  g_unlink (newer_path);
  g_rmdir (dir);
  destroy_window (window);
}

static AetherAlertWindow *
find_alert_window (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (toplevels, i);

      if (AETHER_IS_ALERT_WINDOW (item) && gtk_widget_get_visible (GTK_WIDGET (item)))
        return AETHER_ALERT_WINDOW (item);
    }
  return NULL;
}

/* A new alert on the heat pump, made as a person would, then switched off
 * and removed. */
static void
test_alerts_page_makes_and_removes_an_alert (void)
{
  AetherWindow *window = new_window ();
  AetherAlertsPage *alerts = AETHER_ALERTS_PAGE (find_descendant (GTK_WIDGET (window), AETHER_TYPE_ALERTS_PAGE));
  AetherStore *store = aether_service_get_store (aether_application_get_service (app));
  AetherAlertWindow *alert_window;
  AdwComboRow *target;
  GListModel *targets;
  GtkWidget *create;
  g_autoptr(GPtrArray) stored = NULL;
  JsonObject *rule;
  guint before;

  aether_window_set_visible_page (window, "alerts");
  aether_alerts_page_reload (alerts);
  before = aether_alerts_page_get_n_alerts (alerts);

  gtk_widget_activate_action (GTK_WIDGET (alerts), "alerts.new", NULL);
  alert_window = find_alert_window ();
  g_assert_nonnull (alert_window);
  create = find_by_text (GTK_WIDGET (alert_window), GTK_TYPE_BUTTON, "label", "C_reate");
  g_assert_false (gtk_widget_get_sensitive (create));

  target = ADW_COMBO_ROW (find_by_text (GTK_WIDGET (alert_window), ADW_TYPE_COMBO_ROW, "title", "_Watch"));
  targets = adw_combo_row_get_model (target);
  for (guint i = 0; i < g_list_model_get_n_items (targets); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (targets), i), "Living Room TV"))
      adw_combo_row_set_selected (target, i);
  set_row_text (GTK_WIDGET (alert_window), "Limit (W)", "150");
  set_row_text (GTK_WIDGET (alert_window), "For at Least (_Minutes)", "2");
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (find_by_text (GTK_WIDGET (alert_window), ADW_TYPE_EXPANDER_ROW,
                                                                         "title", "Switch the Device")), TRUE);
  g_assert_true (gtk_widget_get_sensitive (create));
  aether_ui_test_wait_for_frames (GTK_WIDGET (alert_window));
  aether_ui_test_save_screenshot (GTK_WIDGET (alert_window), "new-alert");

  g_signal_emit_by_name (create, "clicked");
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (find_alert_window ());
  g_assert_cmpuint (aether_alerts_page_get_n_alerts (alerts), ==, before + 1);

  stored = aether_store_list_alerts (store, NULL);
  rule = NULL;
  for (guint i = 0; i < stored->len; i++)
    if (g_str_equal (json_object_get_string_member (json_node_get_object (g_ptr_array_index (stored, i)), "name"),
                     "Living Room TV above 150 W"))
      rule = json_node_get_object (g_ptr_array_index (stored, i));
  g_assert_nonnull (rule);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (rule, "conditions"), "device_id"), ==,
                   "demo-tv");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (rule, "conditions"), "duration_seconds"), ==, 120);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (rule, "actions")), ==, 2);
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "window-alerts-list");

  aether_alerts_page_remove_alert (alerts, json_object_get_string_member (rule, "alert_id"));
  g_assert_cmpuint (aether_alerts_page_get_n_alerts (alerts), ==, before);

  destroy_window (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);

  /* A database of its own, so runs do not see each other's devices. */
  {
    g_autofree char *dir = g_dir_make_tmp ("aether-ui-XXXXXX", NULL);
    g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);

    g_setenv ("AETHERLENS_DB", db, TRUE);
  }

  /* Screenshots as GNOME shows the window: only a close button. */
  g_object_set (gtk_settings_get_default (),
                "gtk-decoration-layout", ":close",
                NULL);

  app = aether_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/window/has-five-pages-in-order", test_window_has_five_pages_in_order);
  g_test_add_func ("/ui/window/switches-to-each-page-and-saves-png", test_window_switches_to_each_page_and_saves_png);
  g_test_add_func ("/ui/window/narrow-moves-switcher-to-bottom", test_window_narrow_moves_switcher_to_bottom);
  g_test_add_func ("/ui/window/restores-size-and-page", test_window_restores_size_and_page);
  g_test_add_func ("/ui/devices/demo-home-fills-the-page", test_demo_home_fills_the_devices_page);
  g_test_add_func ("/ui/window/primary-menu-offers-four-entries", test_window_primary_menu_offers_the_four_entries);
  g_test_add_func ("/ui/window/shortcuts-are-installed", test_window_shortcuts_are_installed);
  g_test_add_func ("/ui/window/accessible-roles", test_window_accessible_roles);
  g_test_add_func ("/ui/preferences/binds-background-setting", test_preferences_window_binds_background_setting);
  g_test_add_func ("/ui/about-and-shortcuts-windows-open", test_about_and_shortcuts_windows_open);
  g_test_add_func ("/ui/devices/add-device-window-looks-right", test_add_device_window_looks_right);
  g_test_add_func ("/ui/devices/add-device-window-adds-a-tasmota", test_add_device_window_adds_a_tasmota);
  g_test_add_func ("/ui/history/shows-a-stored-day", test_history_shows_a_stored_day);
  g_test_add_func ("/ui/rates/shows-and-imports", test_rates_page_shows_and_imports);
  g_test_add_func ("/ui/alerts/makes-and-removes-an-alert", test_alerts_page_makes_and_removes_an_alert);
  g_test_add_func ("/ui/rates/keeps-versions-and-undoes", test_rates_page_keeps_versions_and_undoes);

  ret = g_test_run ();

  g_clear_object (&app);
  return ret;
}
