/* test-alert-editor.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The alert rule editor, driven through its widgets: one rule of each
 * condition type created and then edited, each checked against the rule
 * read back from the store; keys the editor does not show survive an edit;
 * the Test button posts through the webhook code to a real server on
 * 127.0.0.1; a rule's history shows on its page; a duplicate is a new rule
 * with the same settings. Screenshots alert-editor-*.png, light and dark,
 * wide and at 360 px. */

#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>

#include "aether-core.h"
#include "aether-sim-home.h"
#include "aether-ui-test-util.h"
#include "alerts/aether-alert-window.h"
#include "alerts/aether-alerts-page.h"

static JsonNode *
stored_rule (AetherService *service,
             const char    *name)
{
  g_autoptr(GPtrArray) alerts = aether_store_list_alerts (aether_service_get_store (service), NULL);

  for (guint i = 0; alerts != NULL && i < alerts->len; i++)
    if (g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (g_ptr_array_index (alerts, i)),
                                                               "name", NULL), name) == 0)
      return json_node_ref (g_ptr_array_index (alerts, i));
  return NULL;
}

/* The stored rule equals @expected, but for its generated id. */
static char *
assert_stored (AetherService *service,
               const char    *name,
               const char    *expected)
{
  g_autoptr(JsonNode) stored = stored_rule (service, name);
  g_autoptr(JsonNode) want = json_from_string (expected, NULL);
  g_autofree char *id = NULL;
  JsonObject *object;

  g_assert_nonnull (stored);
  g_assert_nonnull (want);
  object = json_node_get_object (stored);
  id = g_strdup (json_object_get_string_member (object, "alert_id"));
  json_object_remove_member (object, "alert_id");
  if (!json_node_equal (stored, want))
    {
      g_autofree char *got = json_to_string (stored, TRUE);

      g_error ("Stored rule “%s” is\n%s\nnot\n%s", name, got, expected);
    }
  return g_steal_pointer (&id);
}

static AetherService *
demo_service (const char *db)
{
  static const char flat[] =
    "{ \"rate_id\": \"tou\", \"effective_date\": \"2020-01-01\", \"currency\": \"USD\","
    "  \"rate_structure\": { \"periods\": ["
    "    { \"name\": \"peak\", \"rate\": 0.4, \"days\": [\"all\"], \"hours\": \"16:00-21:00\" },"
    "    { \"name\": \"off_peak\", \"rate\": 0.1, \"days\": [\"all\"], \"hours\": \"21:00-16:00\" } ] } }";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (1);
  g_autoptr(JsonNode) schedule = json_from_string (flat, NULL);
  AetherService *service = aether_service_new (db, aether_clock_get_system (), &error);

  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    g_assert_true (aether_store_put_device (aether_service_get_store (service), g_ptr_array_index (devices, i), &error));
  g_assert_true (aether_store_put_rate_schedule (aether_service_get_store (service), schedule, &error));
  g_assert_no_error (error);
  aether_service_load (service, &error);
  g_assert_no_error (error);
  aether_service_reload_tariff (service, &error);
  g_assert_no_error (error);
  return service;
}

static GtkWidget *
open_new (AetherService *service)
{
  GtkWidget *window = GTK_WIDGET (aether_alert_window_new (NULL, service, NULL));

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static GtkWidget *
open_rule (AetherService *service,
           const char    *id)
{
  GtkWidget *window = GTK_WIDGET (aether_alert_window_new_for_rule (NULL, service, id));

  g_assert_nonnull (window);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

/* Saving stores the rule and closes the window. */
static void
save (GtkWidget  *window,
      const char *label)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  aether_ui_test_click (window, label);
  g_assert_null (window);
}

static void
test_every_condition (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-alert-editor-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = demo_service (db);
  g_autofree char *id = NULL;
  GtkWidget *window;

  /* Threshold: a device's current below a limit, for 2.5 minutes, with a
   * message, a switch-off after 30 s and a webhook, weekday evenings. */
  window = open_new (service);
  aether_ui_test_set_text (window, "_Name", "TV current low");
  aether_ui_test_choose (window, "_Kind", "Reading Limit");
  aether_ui_test_choose (window, "_Watch", "Living Room TV");
  aether_ui_test_choose (window, "_Reading", "Current");
  aether_ui_test_choose (window, "_Is", "Below");
  aether_ui_test_set_text (window, "Limit (A)", "0,5");
  aether_ui_test_set_text (window, "For at Least (_Minutes)", "2.5");
  aether_ui_test_set_text (window, "M_essage (Optional)", "The TV is on standby");
  aether_ui_test_enable (window, "Switch the Device", TRUE);
  aether_ui_test_choose (window, "_Turn It", "Off");
  aether_ui_test_set_text (window, "_After (Seconds)", "30");
  aether_ui_test_enable (window, "Call a Web Address", TRUE);
  aether_ui_test_set_text (window, "_URL", "http://127.0.0.1:9/hook");
  aether_ui_test_set_text (window, "_From (HH:MM)", "18:00");
  aether_ui_test_set_text (window, "_Until (HH:MM)", "23:00");
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "alert-editor-threshold");
  save (window, "C_reate");
  id = assert_stored (service, "TV current low",
    "{\"name\": \"TV current low\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"threshold\", \"metric\": \"current\", \"operator\": \"less_than\","
    "   \"threshold\": 0.5, \"device_id\": \"demo-tv\", \"duration_seconds\": 150},"
    " \"actions\": [{\"type\": \"notification\", \"message\": \"The TV is on standby\"},"
    "   {\"type\": \"automation\", \"action\": \"turn_off\", \"delay_seconds\": 30},"
    "   {\"type\": \"webhook\", \"url\": \"http://127.0.0.1:9/hook\"}],"
    " \"schedule\": {\"active_hours\": \"18:00-23:00\", \"active_days\": [\"all\"]}}");

  /* Edited: a room, equal to, no actions but the notification, weekends. */
  window = open_rule (service, id);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "Edit Alert");
  aether_ui_test_choose (window, "_Watch", "Living room (room)");
  aether_ui_test_choose (window, "_Reading", "Voltage");
  aether_ui_test_choose (window, "_Is", "Not Equal To");
  aether_ui_test_set_text (window, "Limit (V)", "230");
  aether_ui_test_set_text (window, "M_essage (Optional)", "");
  aether_ui_test_enable (window, "Call a Web Address", FALSE);
  for (guint i = 0; i < 5; i++)
    {
      const char *days[] = { "Mo", "Tu", "We", "Th", "Fr" };

      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (aether_ui_test_find_button (window, days[i])), FALSE);
    }
  save (window, "_Save");
  g_free (assert_stored (service, "TV current low",
    "{\"name\": \"TV current low\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"threshold\", \"metric\": \"voltage\", \"operator\": \"not_equals\","
    "   \"threshold\": 230, \"room\": \"living_room\", \"duration_seconds\": 150},"
    " \"actions\": [{\"type\": \"notification\"}],"
    " \"schedule\": {\"active_hours\": \"18:00-23:00\", \"active_days\": [\"saturday\", \"sunday\"]}}"));
  g_clear_pointer (&id, g_free);

  /* Cost: today, then the projected bill. */
  window = open_new (service);
  aether_ui_test_set_text (window, "_Name", "Spending");
  aether_ui_test_choose (window, "_Kind", "Cost Limit");
  aether_ui_test_set_text (window, "Limit (USD)", "4.20");
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "alert-editor-cost");
  save (window, "C_reate");
  id = assert_stored (service, "Spending",
    "{\"name\": \"Spending\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"cost\", \"cost_scope\": \"today\", \"threshold\": 4.2},"
    " \"actions\": [{\"type\": \"notification\"}],"
    " \"schedule\": {\"active_hours\": \"00:00-23:59\", \"active_days\": [\"all\"]}}");
  window = open_rule (service, id);
  aether_ui_test_choose (window, "C_ost Of", "The Projected Bill");
  aether_ui_test_set_text (window, "Limit (USD)", "120");
  save (window, "_Save");
  g_free (assert_stored (service, "Spending",
    "{\"name\": \"Spending\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"cost\", \"cost_scope\": \"projected_bill\", \"threshold\": 120},"
    " \"actions\": [{\"type\": \"notification\"}],"
    " \"schedule\": {\"active_hours\": \"00:00-23:59\", \"active_days\": [\"all\"]}}"));
  g_clear_pointer (&id, g_free);

  /* Offline: needs a device; Whole Home says why Create waits. */
  window = open_new (service);
  aether_ui_test_set_text (window, "_Name", "Router gone");
  aether_ui_test_choose (window, "_Kind", "Device Offline");
  aether_ui_test_set_text (window, "For at Least (_Minutes)", "10");
  g_assert_false (gtk_widget_is_sensitive (aether_ui_test_find_button (window, "C_reate")));
  aether_ui_test_choose (window, "_Watch", "Router");
  save (window, "C_reate");
  id = assert_stored (service, "Router gone",
    "{\"name\": \"Router gone\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"offline\", \"device_id\": \"demo-router\", \"duration_seconds\": 600},"
    " \"actions\": [{\"type\": \"notification\"}],"
    " \"schedule\": {\"active_hours\": \"00:00-23:59\", \"active_days\": [\"all\"]}}");
  window = open_rule (service, id);
  aether_ui_test_set_text (window, "For at Least (_Minutes)", "15");
  save (window, "_Save");
  g_free (assert_stored (service, "Router gone",
    "{\"name\": \"Router gone\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"offline\", \"device_id\": \"demo-router\", \"duration_seconds\": 900},"
    " \"actions\": [{\"type\": \"notification\"}],"
    " \"schedule\": {\"active_hours\": \"00:00-23:59\", \"active_days\": [\"all\"]}}"));
  g_clear_pointer (&id, g_free);

  /* Rate period: the periods come from the tariff. */
  window = open_new (service);
  aether_ui_test_set_text (window, "_Name", "EV at peak");
  aether_ui_test_choose (window, "_Kind", "Rate Period Use");
  aether_ui_test_choose (window, "_Watch", "EV Charger");
  aether_ui_test_choose (window, "_During", "Peak");
  aether_ui_test_set_text (window, "Power Above (W)", "1000");
  aether_ui_test_set_text (window, "For at Least (_Minutes)", "1");
  aether_ui_test_enable (window, "Switch the Device", TRUE);
  save (window, "C_reate");
  id = assert_stored (service, "EV at peak",
    "{\"name\": \"EV at peak\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"rate_period\", \"metric\": \"power\", \"period\": \"peak\", \"threshold\": 1000,"
    "   \"device_id\": \"demo-ev_charger\", \"duration_seconds\": 60},"
    " \"actions\": [{\"type\": \"notification\"}, {\"type\": \"automation\", \"action\": \"turn_off\", \"delay_seconds\": 0}],"
    " \"schedule\": {\"active_hours\": \"00:00-23:59\", \"active_days\": [\"all\"]}}");
  window = open_rule (service, id);
  aether_ui_test_choose (window, "_During", "Off peak");
  aether_ui_test_choose (window, "_Turn It", "On");
  save (window, "_Save");
  g_free (assert_stored (service, "EV at peak",
    "{\"name\": \"EV at peak\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"rate_period\", \"metric\": \"power\", \"period\": \"off_peak\", \"threshold\": 1000,"
    "   \"device_id\": \"demo-ev_charger\", \"duration_seconds\": 60},"
    " \"actions\": [{\"type\": \"notification\"}, {\"type\": \"automation\", \"action\": \"turn_on\", \"delay_seconds\": 0}],"
    " \"schedule\": {\"active_hours\": \"00:00-23:59\", \"active_days\": [\"all\"]}}"));
  g_clear_pointer (&id, g_free);

  /* Demand: the peak so far (no limit), then a limit in kW; a schedule
   * across midnight. */
  window = open_new (service);
  aether_ui_test_set_text (window, "_Name", "Demand");
  aether_ui_test_choose (window, "_Kind", "Peak Demand");
  aether_ui_test_set_text (window, "_From (HH:MM)", "22:00");
  aether_ui_test_set_text (window, "_Until (HH:MM)", "06:00");
  save (window, "C_reate");
  id = assert_stored (service, "Demand",
    "{\"name\": \"Demand\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"demand\"},"
    " \"actions\": [{\"type\": \"notification\"}],"
    " \"schedule\": {\"active_hours\": \"22:00-06:00\", \"active_days\": [\"all\"]}}");
  window = open_rule (service, id);
  aether_ui_test_set_text (window, "Limit (kW, Empty for the Peak So Far)", "7.5");
  save (window, "_Save");
  g_free (assert_stored (service, "Demand",
    "{\"name\": \"Demand\", \"enabled\": true,"
    " \"conditions\": {\"type\": \"demand\", \"threshold_kw\": 7.5},"
    " \"actions\": [{\"type\": \"notification\"}],"
    " \"schedule\": {\"active_hours\": \"22:00-06:00\", \"active_days\": [\"all\"]}}"));

  /* Every one reached the engine. */
  g_assert_nonnull (aether_alert_engine_get_rule (aether_service_get_alert_engine (service), id));
  g_assert_true (aether_service_stop (service, NULL));
}

/* Bad input is named and keeps what was typed; keys the editor does not
 * show are kept by an edit. */
static void
test_errors_and_unknown_keys (void)
{
  static const char rule_json[] =
    "{\"alert_id\": \"kept\", \"name\": \"Kept\", \"enabled\": false, \"x_note\": \"mine\","
    " \"conditions\": {\"type\": \"threshold\", \"metric\": \"power\", \"operator\": \"greater_than\","
    "   \"threshold\": 100, \"hysteresis\": 7, \"cooldown_seconds\": 60},"
    " \"metadata\": {\"trigger_count\": 3}}";
  g_autofree char *dir = g_dir_make_tmp ("aether-alert-editor-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = demo_service (db);
  g_autoptr(JsonNode) rule = json_from_string (rule_json, NULL);
  g_autoptr(JsonNode) stored = NULL;
  GtkWidget *window, *error_label = NULL;

  g_assert_nonnull (aether_service_add_alert (service, rule, NULL));
  window = open_rule (service, "kept");
  aether_ui_test_set_text (window, "Limit (W)", "12x");
  error_label = aether_ui_test_find_error (window);
  g_assert_nonnull (error_label);
  g_assert_true (gtk_widget_get_visible (error_label));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (error_label)), ==, "The limit “12x” is not a number.");
  g_assert_false (gtk_widget_is_sensitive (aether_ui_test_find_button (window, "_Save")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (aether_ui_test_find_row (window, "Limit (W)"))), ==, "12x");
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "alert-editor-error");

  aether_ui_test_set_text (window, "Limit (W)", "150");
  g_assert_false (gtk_widget_get_visible (error_label));
  save (window, "_Save");

  stored = stored_rule (service, "Kept");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (stored), "x_note"), ==, "mine");
  g_assert_false (json_object_get_boolean_member (json_node_get_object (stored), "enabled"));
  {
    JsonObject *c = json_object_get_object_member (json_node_get_object (stored), "conditions");

    g_assert_cmpfloat (json_object_get_double_member (c, "threshold"), ==, 150);
    g_assert_cmpfloat (json_object_get_double_member (c, "hysteresis"), ==, 7);
    g_assert_cmpint (json_object_get_int_member (c, "cooldown_seconds"), ==, 60);
  }
  g_assert_true (aether_service_stop (service, NULL));
}

static void
on_hook (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  GString *received = user_data;
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_string_append_len (received, body->data, body->length);
  soup_server_message_set_status (msg, 200, NULL);
}

static void
test_webhook_history_duplicate (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-alert-editor-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = demo_service (db);
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GString) received = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autofree char *url = NULL;
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) original = NULL;
  g_autoptr(JsonNode) copy = NULL;
  GtkWidget *window;
  GtkWidget *history;
  gint64 give_up;

  soup_server_add_handler (server, "/hook", on_hook, received, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  url = g_strdup_printf ("http://127.0.0.1:%d/hook", g_uri_get_port (uris->data));
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify)g_uri_unref);

  window = open_new (service);
  aether_ui_test_set_text (window, "_Name", "Kettle");
  aether_ui_test_choose (window, "_Watch", "Kitchen (room)");
  aether_ui_test_set_text (window, "Limit (W)", "2000");
  aether_ui_test_enable (window, "Call a Web Address", TRUE);
  aether_ui_test_set_text (window, "_URL", url);
  aether_ui_test_click (window, "_Test");
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (received->len == 0 && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  body = json_from_string (received->str, NULL);
  g_assert_nonnull (body);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (body), "test"));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (body), "title"), ==, "Kettle");
  /* The button is back for another test. */
  while ((aether_ui_test_find_button (window, "_Test") == NULL || !gtk_widget_is_sensitive (aether_ui_test_find_button (window, "_Test"))) &&
         g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);
  save (window, "C_reate");
  original = stored_rule (service, "Kettle");
  id = g_strdup (json_object_get_string_member (json_node_get_object (original), "alert_id"));

  /* What happened to it, on its page. */
  g_assert_true (aether_store_add_alert_history (aether_service_get_store (service), G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC,
                                                 id, "fired", "Kitchen draws 2.4 kW", NULL));
  g_assert_true (aether_store_add_alert_history (aether_service_get_store (service), G_GINT64_CONSTANT (1767225660) * G_USEC_PER_SEC,
                                                 id, "action", "Posted to the hook (1 attempt)", NULL));
  g_assert_true (aether_store_add_alert_history (aether_service_get_store (service), G_GINT64_CONSTANT (1767225600) * G_USEC_PER_SEC,
                                                 "someone-else", "fired", "Not this one", NULL));
  window = open_rule (service, id);
  history = aether_ui_test_find_row (window, "Went off");
  g_assert_nonnull (history);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (history)), ==,
                   "01/01/26 00:00:00 · Kitchen draws 2.4 kW");
  g_assert_nonnull (aether_ui_test_find_row (window, "Acted"));
  g_assert_null (aether_ui_test_find_row (window, "Not this one"));
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "alert-editor-edit");
  aether_ui_test_scroll_to_end (window);
  aether_ui_test_save_screenshot (window, "alert-editor-edit-history");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "alert-editor-edit-dark");
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "alert-editor-360px-dark");
  aether_ui_test_scroll_to_end (window);
  aether_ui_test_save_screenshot (window, "alert-editor-360px-dark-history");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  /* Duplicated: a new rule, same settings, the original untouched. */
  aether_ui_test_click (window, "_Duplicate Alert");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (aether_ui_test_find_row (window, "_Name"))), ==, "Kettle (Copy)");
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (window)), ==, "New Alert");
  save (window, "C_reate");
  copy = stored_rule (service, "Kettle (Copy)");
  g_assert_nonnull (copy);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (copy), "alert_id"), !=, id);
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (copy), "conditions"),
                                  json_object_get_member (json_node_get_object (original), "conditions")));
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (copy), "actions"),
                                  json_object_get_member (json_node_get_object (original), "actions")));
  g_clear_pointer (&original, json_node_unref);
  original = stored_rule (service, "Kettle");
  g_assert_nonnull (original);

  g_assert_true (aether_service_stop (service, NULL));
}

/* The Alerts page opens a rule in the editor when its row is activated. */
static void
test_page_opens_editor (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-alert-editor-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = demo_service (db);
  g_autoptr(JsonNode) rule = json_from_string ("{\"alert_id\": \"pc\", \"name\": \"PC On\", \"conditions\":"
                                               " {\"type\": \"threshold\", \"device_id\": \"demo-office_pc\","
                                               " \"operator\": \"greater_than\", \"threshold\": 100}}", NULL);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *page = g_object_new (AETHER_TYPE_ALERTS_PAGE, NULL);
  GtkWidget *row;
  GList *toplevels;
  AetherAlertWindow *editor = NULL;

  g_assert_nonnull (aether_service_add_alert (service, rule, NULL));
  gtk_window_set_child (GTK_WINDOW (window), page);
  aether_alerts_page_set_service (AETHER_ALERTS_PAGE (page), service);
  gtk_window_present (GTK_WINDOW (window));
  row = aether_ui_test_find_row (page, "PC On");
  g_assert_nonnull (row);
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row)));
  g_signal_emit_by_name (row, "activated");

  toplevels = gtk_window_list_toplevels ();
  for (GList *l = toplevels; l; l = l->next)
    if (AETHER_IS_ALERT_WINDOW (l->data))
      editor = l->data;
  g_list_free (toplevels);
  g_assert_nonnull (editor);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (aether_ui_test_find_row (GTK_WIDGET (editor), "_Name"))), ==, "PC On");
  gtk_window_destroy (GTK_WINDOW (editor));
  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (aether_service_stop (service, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/alert-editor/every-condition", test_every_condition);
  g_test_add_func ("/ui/alert-editor/errors-and-unknown-keys", test_errors_and_unknown_keys);
  g_test_add_func ("/ui/alert-editor/webhook-history-duplicate", test_webhook_history_duplicate);
  g_test_add_func ("/ui/alert-editor/page-opens-editor", test_page_opens_editor);

  return g_test_run ();
}
