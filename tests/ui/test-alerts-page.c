/* test-alerts-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Alerts page on its own: a snoozed rule says until when (the time in
 * the user's locale), also after a restart of the service, and a rule that
 * another program adds while the page is shown appears on it. */

#include "config.h"

#include <adwaita.h>

#include "aether-core.h"
#include "alerts/aether-alerts-page.h"

static const char *rule_json =
  "{\"alert_id\": \"pc-left-on\", \"name\": \"PC Left On\","
  " \"conditions\": {\"type\": \"threshold\", \"device_id\": \"pc\","
  " \"operator\": \"greater_than\", \"threshold\": 100}}";

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static AetherService *
load_service (const char *db)
{
  g_autoptr(GError) error = NULL;
  AetherService *service = aether_service_new (db, aether_clock_get_system (), &error);

  g_assert_no_error (error);
  aether_service_load (service, &error);
  g_assert_no_error (error);
  return service;
}

static void
test_snoozed_rule_says_until_when (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-alerts-page-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(JsonNode) rule = json_from_string (rule_json, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) until = NULL;
  g_autofree char *clock_time = NULL;
  g_autofree char *want = NULL;
  GtkWidget *window;
  GtkWidget *page;
  GtkWidget *label;
  gint64 until_us;

  service = load_service (db);
  g_assert_true (aether_store_put_alert (aether_service_get_store (service), rule, &error));
  g_assert_no_error (error);
  aether_service_load (service, &error);
  g_assert_true (aether_alert_engine_snooze (aether_service_get_alert_engine (service), "pc-left-on", 60));
  until_us = aether_alert_engine_get_snoozed_until (aether_service_get_alert_engine (service), "pc-left-on");
  g_assert_cmpint (until_us, >, 0);
  g_assert_true (aether_service_stop (service, NULL));
  g_clear_object (&service);

  /* Restarted: the snooze is still there, and the page says so. */
  service = load_service (db);
  g_assert_cmpint (aether_alert_engine_get_snoozed_until (aether_service_get_alert_engine (service), "pc-left-on"),
                   ==, until_us);

  page = g_object_new (AETHER_TYPE_ALERTS_PAGE, NULL);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  aether_alerts_page_set_service (AETHER_ALERTS_PAGE (page), service);
  gtk_window_present (GTK_WINDOW (window));

  label = find_named (page, "snoozed");
  g_assert_nonnull (label);
  /* The tests run in C.UTF-8 and UTC, where %X is 24-hour HH:MM:SS;
   * 60 seconds ahead is today unless the test runs at midnight. */
  until = g_date_time_new_from_unix_utc (until_us / G_USEC_PER_SEC);
  clock_time = g_strdup_printf ("%02d:%02d:%02d", g_date_time_get_hour (until),
                                g_date_time_get_minute (until), g_date_time_get_second (until));
  want = g_strdup_printf ("Snoozed until %s", clock_time);
  if (g_date_time_get_hour (until) != 0 || g_date_time_get_minute (until) > 1)
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, want);
  else
    g_assert_true (g_str_has_suffix (gtk_label_get_label (GTK_LABEL (label)), clock_time));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (aether_service_stop (service, NULL));
}

static void
on_alerts_changed (gboolean *changed)
{
  *changed = TRUE;
}

static void
test_rule_added_elsewhere_appears (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-alerts-page-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = load_service (db);
  g_autoptr(AetherStore) other = NULL;
  g_autoptr(JsonNode) rule = json_from_string (rule_json, NULL);
  g_autoptr(GError) error = NULL;
  GtkWidget *window;
  GtkWidget *page;
  gboolean changed = FALSE;
  gint64 give_up;

  aether_service_start (service);
  page = g_object_new (AETHER_TYPE_ALERTS_PAGE, NULL);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  aether_alerts_page_set_service (AETHER_ALERTS_PAGE (page), service);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_cmpuint (aether_alerts_page_get_n_alerts (AETHER_ALERTS_PAGE (page)), ==, 0);
  g_signal_connect_swapped (service, "alerts-changed", G_CALLBACK (on_alerts_changed), &changed);

  /* Another program (another connection) adds a rule. */
  other = aether_store_open (db, aether_clock_get_system (), &error);
  g_assert_no_error (error);
  g_assert_true (aether_store_put_alert (other, rule, &error));
  g_assert_no_error (error);

  give_up = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!changed && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (changed);
  g_assert_cmpuint (aether_alerts_page_get_n_alerts (AETHER_ALERTS_PAGE (page)), ==, 1);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (aether_service_stop (service, NULL));
}

static AdwActionRow *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_ACTION_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return ADW_ACTION_ROW (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      AdwActionRow *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Rules in words, with the plural the number asks for. */
static void
test_rules_in_words (void)
{
  static const struct { const char *json; const char *title; const char *words; } rules[] = {
    { "{\"alert_id\": \"a\", \"name\": \"Five\", \"conditions\": {\"type\": \"threshold\", \"metric\": \"power\","
      " \"operator\": \"greater_than\", \"threshold\": 2000, \"duration_seconds\": 300}}",
      "Five", "Whole home power above 2.00 kW for 5 minutes" },
    { "{\"alert_id\": \"b\", \"name\": \"One\", \"conditions\": {\"type\": \"threshold\", \"metric\": \"power\","
      " \"operator\": \"greater_than\", \"threshold\": 500, \"duration_seconds\": 60}}",
      "One", "Whole home power above 500 W for 1 minute" },
    { "{\"alert_id\": \"c\", \"name\": \"Gone\", \"conditions\": {\"type\": \"offline\", \"device_id\": \"nowhere\","
      " \"duration_seconds\": 600}}",
      "Gone", "A device no longer listed not answering for 10 minutes" },
  };
  g_autofree char *dir = g_dir_make_tmp ("aether-alerts-page-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherService) service = load_service (db);
  GtkWidget *window;
  GtkWidget *page;

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      g_autoptr(JsonNode) rule = json_from_string (rules[i].json, NULL);

      g_assert_true (aether_store_put_alert (aether_service_get_store (service), rule, NULL));
    }
  aether_service_load (service, NULL);

  page = g_object_new (AETHER_TYPE_ALERTS_PAGE, NULL);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), page);
  aether_alerts_page_set_service (AETHER_ALERTS_PAGE (page), service);
  gtk_window_present (GTK_WINDOW (window));

  for (guint i = 0; i < G_N_ELEMENTS (rules); i++)
    {
      AdwActionRow *row = find_row (page, rules[i].title);

      g_assert_nonnull (row);
      g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, rules[i].words);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (aether_service_stop (service, NULL));
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/alerts/snoozed-rule-says-until-when", test_snoozed_rule_says_until_when);
  g_test_add_func ("/ui/alerts/rule-added-elsewhere-appears", test_rule_added_elsewhere_appears);
  g_test_add_func ("/ui/alerts/rules-in-words", test_rules_in_words);

  return g_test_run ();
}
