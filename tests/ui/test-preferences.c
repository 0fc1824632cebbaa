/* test-preferences.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences, driven through the window's widgets, and seen taking
 * effect: a retention reaches the store's retention (and survives a
 * restart of the service); a time zone changes how the Alerts page shows a
 * time; the style reaches the style manager; the channels and currency are
 * the User record's; Back Up Now makes a backup and Restore puts it back
 * after backing up what there was; a plugin turned off is off in the
 * engine; Start at Login writes the autostart entry. Screenshots
 * preferences-*.png. */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "aether-core.h"
#include "aether-preferences-window.h"
#include "aether-test-util.h"
#include "aether-ui-test-util.h"
#include "alerts/aether-alerts-page.h"

static AetherService *
new_service (const char *db)
{
  g_autoptr(GError) error = NULL;
  AetherService *service = aether_service_new (db, aether_clock_get_system (), &error);

  g_assert_no_error (error);
  aether_service_load (service, &error);
  g_assert_no_error (error);
  return service;
}

static void
screenshot_pages (GtkWidget  *window,
                  const char *suffix)
{
  const char *pages[] = { "general", "storage", "plugins" };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *name = g_strdup_printf ("preferences-%s%s", pages[i], suffix);

      adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), pages[i]);
      aether_ui_test_wait_for_frames (window);
      aether_ui_test_save_screenshot (window, name);
    }
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "general");
}

static void
test_preferences_take_effect (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-preferences-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = new_service (db);
  g_autoptr(JsonNode) rule = json_from_string ("{\"alert_id\": \"a\", \"name\": \"Kettle\", \"conditions\":"
                                               " {\"type\": \"threshold\", \"operator\": \"greater_than\","
                                               " \"threshold\": 2000}}", NULL);
  g_autoptr(AetherUser) user = NULL;
  g_autoptr(JsonNode) stored = NULL;
  AetherRetention retention;
  GtkWidget *window, *page_window, *page, *row;

  g_assert_nonnull (aether_service_add_alert (service, rule, NULL));
  g_assert_true (aether_store_add_alert_history (aether_service_get_store (service),
                                                 G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC,
                                                 "a", "fired", "Home draws 2.4 kW", NULL));
  page = g_object_new (AETHER_TYPE_ALERTS_PAGE, NULL);
  page_window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (page_window), page);
  aether_alerts_page_set_service (AETHER_ALERTS_PAGE (page), service);
  gtk_window_present (GTK_WINDOW (page_window));
  row = aether_ui_test_find_row (page, "Kettle went off");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "01/01/26 00:00:00 · Home draws 2.4 kW");

  window = GTK_WIDGET (aether_preferences_window_new_for_service (NULL, service));
  gtk_window_present (GTK_WINDOW (window));
  screenshot_pages (window, "");

  /* Retention: the seed's default first, then what was chosen, in the
   * store's retention now and after a restart. */
  aether_store_get_retention (aether_service_get_store (service), &retention);
  g_assert_cmpint (retention.samples_s[AETHER_TIER_RAW], ==, 3600);
  g_assert_cmpint (retention.energy_s[AETHER_TIER_1D], ==, 5 * 365 * 86400);
  aether_ui_test_choose (window, "Every Reading", "6 hours");
  aether_ui_test_choose (window, "Per Day", "Forever");
  aether_ui_test_choose (window, "Alert History", "1 year");
  aether_store_get_retention (aether_service_get_store (service), &retention);
  g_assert_cmpint (retention.samples_s[AETHER_TIER_RAW], ==, 6 * 3600);
  g_assert_cmpint (retention.energy_s[AETHER_TIER_1D], ==, 0);
  g_assert_cmpint (retention.alerts_s, ==, 365 * 86400);
  g_assert_cmpint (retention.samples_s[AETHER_TIER_1M], ==, 7 * 86400);

  /* The time zone changes how a time is shown, at once. */
  aether_ui_test_choose (window, "_Time Zone", "Asia/Tokyo");
  row = aether_ui_test_find_row (page, "Kettle went off");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "01/01/26 09:00:00 · Home draws 2.4 kW");
  aether_ui_test_choose (window, "_Dates", "2026-01-31");
  row = aether_ui_test_find_row (page, "Kettle went off");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "2026-01-01 09:00:00 · Home draws 2.4 kW");

  /* Currency, units, channels and style are the User record's. */
  aether_ui_test_choose (window, "_Currency", "EUR");
  aether_ui_test_choose (window, "T_emperature", "Fahrenheit");
  aether_ui_test_set_switch (window, "Desktop _Notifications", FALSE);
  aether_ui_test_choose (window, "_Style", "Dark");
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==, ADW_COLOR_SCHEME_FORCE_DARK);
  screenshot_pages (window, "-dark");
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  screenshot_pages (window, "-360px-dark");
  aether_ui_test_choose (window, "_Style", "Follow System");
  g_assert_cmpint (adw_style_manager_get_color_scheme (adw_style_manager_get_default ()), ==, ADW_COLOR_SCHEME_DEFAULT);

  stored = aether_store_get_user (aether_service_get_store (service), AETHER_USER_LOCAL_ID, NULL);
  g_assert_nonnull (stored);
  user = aether_user_new_from_json (stored, NULL);
  g_assert_cmpstr (aether_user_get_timezone (user), ==, "Asia/Tokyo");
  g_assert_cmpstr (aether_user_get_currency (user), ==, "EUR");
  g_assert_cmpstr (aether_user_get_temperature_unit (user), ==, "fahrenheit");
  g_assert_cmpstr (aether_user_get_date_format (user), ==, "YYYY-MM-DD");
  g_assert_cmpstr (aether_user_get_theme (user), ==, "system");
  g_assert_false (aether_user_get_notification (user, "push"));
  g_assert_true (aether_user_get_notification (user, "webhook"));

  gtk_window_destroy (GTK_WINDOW (window));
  gtk_window_destroy (GTK_WINDOW (page_window));
  g_assert_true (aether_service_stop (service, NULL));
  g_clear_object (&service);

  /* A restart applies them. */
  service = new_service (db);
  aether_store_get_retention (aether_service_get_store (service), &retention);
  g_assert_cmpint (retention.samples_s[AETHER_TIER_RAW], ==, 6 * 3600);
  g_assert_true (aether_service_stop (service, NULL));
}

static void
test_backup_and_restore (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-preferences-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *folder = g_build_filename (dir, "my-backups", NULL);
  g_autofree char *safety = g_build_filename (folder, "before-restore", NULL);
  g_autoptr(AetherService) service = new_service (db);
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(JsonNode) rule = json_from_string ("{\"alert_id\": \"later\", \"name\": \"Later\", \"conditions\":"
                                               " {\"type\": \"threshold\", \"operator\": \"greater_than\","
                                               " \"threshold\": 1}}", NULL);
  g_autoptr(GDir) safety_dir = NULL;
  GtkWidget *window = GTK_WIDGET (aether_preferences_window_new_for_service (NULL, service));
  GtkWidget *button;
  gint64 give_up = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  gtk_window_present (GTK_WINDOW (window));
  aether_preferences_window_set_backup_folder (AETHER_PREFERENCES_WINDOW (window), folder);
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "storage");
  aether_ui_test_choose (window, "_Back Up Automatically", "Every Week");
  {
    g_autoptr(AetherUser) user = aether_service_dup_user (service);

    g_assert_cmpstr (aether_user_get_backup_frequency (user), ==, "weekly");
    g_assert_cmpstr (aether_user_get_backup_folder (user), ==, folder);
  }

  button = aether_ui_test_find_type (aether_ui_test_find_row (window, "Last Backup"), GTK_TYPE_BUTTON);
  g_assert_nonnull (button);
  gtk_widget_activate (button);
  while ((backups = aether_service_list_backups (service))->len == 0 && g_get_monotonic_time () < give_up)
    {
      g_clear_pointer (&backups, g_ptr_array_unref);
      g_main_context_iteration (NULL, TRUE);
    }
  g_assert_cmpuint (backups->len, ==, 1);
  while (!gtk_widget_is_sensitive (button) && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  aether_ui_test_wait_for_frames (window);
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (aether_ui_test_find_row (window, "Restore a Backup")), TRUE);
  aether_ui_test_wait_for_frames (window);
  {
    /* The Backups group is at the end of the Storage page. */
    GtkWidget *storage = gtk_widget_get_ancestor (aether_ui_test_find_row (window, "Restore a Backup"), ADW_TYPE_PREFERENCES_PAGE);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (aether_ui_test_find_type (storage, GTK_TYPE_SCROLLED_WINDOW)));

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    aether_ui_test_wait_for_frames (window);
  }
  aether_ui_test_save_screenshot (window, "preferences-backups");

  /* Something added after the backup, then the backup restored: the rule
   * is gone from the database, and kept in the backup made first. */
  g_assert_nonnull (aether_service_add_alert (service, rule, NULL));
  aether_preferences_window_restore (AETHER_PREFERENCES_WINDOW (window), g_ptr_array_index (backups, 0));
  while (aether_alert_engine_get_rule (aether_service_get_alert_engine (service), "later") != NULL &&
         g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (aether_alert_engine_get_rule (aether_service_get_alert_engine (service), "later"));
  safety_dir = g_dir_open (safety, 0, NULL);
  g_assert_nonnull (safety_dir);
  g_assert_nonnull (g_dir_read_name (safety_dir));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (aether_service_stop (service, NULL));
}

static void
test_plugins_and_login (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-preferences-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *autostart = g_build_filename (g_get_user_config_dir (), "autostart",
                                                 APPLICATION_ID ".desktop", NULL);
  g_autoptr(AetherService) service = new_service (db);
  g_autoptr(GSettings) settings = g_settings_new (BASE_APPLICATION_ID);
  g_autoptr(GPtrArray) plugins = NULL;
  GtkWidget *window = GTK_WIDGET (aether_preferences_window_new_for_service (NULL, service));
  GtkWidget *row;
  gboolean found = FALSE;

  gtk_window_present (GTK_WINDOW (window));
  row = aether_ui_test_find_row (window, "Shelly");
  g_assert_nonnull (row);
  g_assert_true (g_str_has_suffix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "comes with AetherLens") ||
                 strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Version") != NULL);
  aether_ui_test_set_switch (window, "Shelly", FALSE);
  plugins = aether_plugin_engine_list (aether_service_get_plugin_engine (service));
  for (guint i = 0; i < plugins->len; i++)
    {
      AetherPluginInfo *info = g_ptr_array_index (plugins, i);

      if (g_strcmp0 (info->name, "Shelly") == 0)
        {
          g_assert_false (info->enabled);
          found = TRUE;
        }
    }
  g_assert_true (found);
  aether_ui_test_set_switch (window, "Shelly", TRUE);

  /* Start at login needs Run in Background. */
  g_assert_false (gtk_widget_get_sensitive (aether_ui_test_find_type (aether_ui_test_find_row (window, "Start at _Login"), GTK_TYPE_SWITCH)));
  aether_ui_test_set_switch (window, "_Run in Background", TRUE);
  aether_ui_test_set_switch (window, "Start at _Login", TRUE);
  g_assert_true (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_true (g_file_test (autostart, G_FILE_TEST_EXISTS));
  aether_ui_test_set_switch (window, "Start at _Login", FALSE);
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));
  /* Turning Run in Background off turns Start at Login off with it. */
  aether_ui_test_set_switch (window, "Start at _Login", TRUE);
  g_assert_true (g_file_test (autostart, G_FILE_TEST_EXISTS));
  aether_ui_test_set_switch (window, "_Run in Background", FALSE);
  g_assert_false (g_settings_get_boolean (settings, "start-at-login"));
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (aether_service_stop (service, NULL));
}

/* The sinks are read on a thread: wait for that read to be shown. */
static void
refresh_sinks (GtkWidget *window)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  aether_preferences_window_refresh_sinks (AETHER_PREFERENCES_WINDOW (window), aether_test_store_result, &result);
  g_assert_true (aether_preferences_window_refresh_sinks_finish (AETHER_PREFERENCES_WINDOW (window),
                                                                 aether_test_wait_for (&result), &error));
  g_assert_no_error (error);
}

static void
test_sinks_listed (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-preferences-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = new_service (db);
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *window = GTK_WIDGET (aether_preferences_window_new_for_service (NULL, service));
  GtkWidget *row;

  /* Nothing is read before the window is mapped. */
  g_assert_null (aether_ui_test_find_row (window, "No Servers"));
  gtk_window_present (GTK_WINDOW (window));
  refresh_sinks (window);
  g_assert_nonnull (aether_ui_test_find_row (window, "No Servers"));

  json_object_set_string_member (config, "url", "http://127.0.0.1:9");
  json_object_set_string_member (config, "database", "energy");
  g_assert_true (aether_service_add_sink (service, "influxdb", "influx", config, NULL, 0, NULL, &error));
  g_assert_no_error (error);
  refresh_sinks (window);

  g_assert_null (aether_ui_test_find_row (window, "No Servers"));
  row = aether_ui_test_find_row (window, "influx");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                   "InfluxDB · Not delivered to yet; 0 readings queued.");

  /* Its switch pauses it, through the service. */
  aether_ui_test_set_switch (window, "influx", FALSE);
  record = aether_store_get_sink (aether_service_get_store (service), "influx", &error);
  g_assert_no_error (error);
  g_assert_false (record->enabled);
  row = aether_ui_test_find_row (window, "influx");
  refresh_sinks (window);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (aether_ui_test_find_row (window, "influx"))), ==,
                   "InfluxDB · Turned off; 0 readings queued.");

  /* A window hidden reads no more: the read under way is cancelled. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    aether_preferences_window_refresh_sinks (AETHER_PREFERENCES_WINDOW (window), aether_test_store_result, &result);
    gtk_widget_set_visible (window, FALSE);
    g_assert_false (aether_preferences_window_refresh_sinks_finish (AETHER_PREFERENCES_WINDOW (window),
                                                                    aether_test_wait_for (&result), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/preferences/take-effect", test_preferences_take_effect);
  g_test_add_func ("/ui/preferences/backup-and-restore", test_backup_and_restore);
  g_test_add_func ("/ui/preferences/plugins-and-login", test_plugins_and_login);
  g_test_add_func ("/ui/preferences/sinks-listed", test_sinks_listed);

  return g_test_run ();
}
