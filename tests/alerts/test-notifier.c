/* test-notifier.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A real notification to a mock notification daemon (python3-dbusmock's
 * notification_daemon template) on a private session bus: the right title,
 * body and buttons arrive, and pressing "Turn Off" reaches the app's action
 * with the device. Runs inside dbus-run-session with
 * GNOTIFICATION_BACKEND=freedesktop. */

#include "config.h"

#include <string.h>

#include "aether-core.h"
#include "aether-sim-home.h"

#define MOCK_NAME  "org.freedesktop.Notifications"
#define MOCK_PATH  "/org/freedesktop/Notifications"
#define MOCK_IFACE "org.freedesktop.DBus.Mock"

static GSubprocess *mock_daemon;
static char *mock_log;
static GDBusConnection *bus;
static GApplication *app;
static char *turned_off;
static char *snoozed;

static void
start_mock_daemon (void)
{
  g_autoptr(GError) error = NULL;
  const char *python = g_getenv ("AETHER_TEST_PYTHON");
  gint64 give_up = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  mock_daemon = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE, &error,
                                  python ? python : "python3", "-m", "dbusmock",
                                  "--template", "notification_daemon",
                                  "--parameters", "{\"capabilities\": \"body actions\"}",
                                  "--logfile", mock_log,
                                  NULL);
  g_assert_no_error (error);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);

  while (g_get_monotonic_time () < give_up)
    {
      g_autoptr(GVariant) reply =
        g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                     "org.freedesktop.DBus", "NameHasOwner",
                                     g_variant_new ("(s)", MOCK_NAME), G_VARIANT_TYPE ("(b)"),
                                     G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
      gboolean has_owner = FALSE;

      if (reply != NULL)
        g_variant_get (reply, "(b)", &has_owner);
      if (has_owner)
        return;
      g_usleep (50 * 1000);
    }

  g_error ("The mock notification daemon did not appear on the bus");
}

static GVariant *
get_notify_calls (void)
{
  g_autoptr(GError) error = NULL;
  GVariant *reply =
    g_dbus_connection_call_sync (bus, MOCK_NAME, MOCK_PATH, MOCK_IFACE, "GetMethodCalls",
                                 g_variant_new ("(s)", "Notify"), G_VARIANT_TYPE ("(a(tav))"),
                                 G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);

  g_assert_no_error (error);
  return reply;
}

/* The last Notify call's body (4) and actions (5), as the daemon got them. */
static void
last_notify (char   **body,
             GStrv   *actions)
{
  g_autoptr(GVariant) calls = get_notify_calls ();
  g_autoptr(GVariant) list = g_variant_get_child_value (calls, 0);
  g_autoptr(GVariant) call = NULL;
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GVariant) v4 = NULL;
  g_autoptr(GVariant) v5 = NULL;
  g_autoptr(GVariant) s4 = NULL;
  g_autoptr(GVariant) s5 = NULL;
  guint64 when;

  g_assert_cmpuint (g_variant_n_children (list), >, 0);
  call = g_variant_get_child_value (list, g_variant_n_children (list) - 1);
  g_variant_get (call, "(t@av)", &when, &args);
  v4 = g_variant_get_child_value (args, 4);
  v5 = g_variant_get_child_value (args, 5);
  s4 = g_variant_get_variant (v4);
  s5 = g_variant_get_variant (v5);
  if (body)
    *body = g_variant_dup_string (s4, NULL);
  if (actions)
    *actions = g_variant_dup_strv (s5, NULL);
}

static guint
n_notify_calls (void)
{
  g_autoptr(GVariant) calls = get_notify_calls ();
  g_autoptr(GVariant) list = g_variant_get_child_value (calls, 0);

  return g_variant_n_children (list);
}

/* Waits (on the main loop) for the daemon to have more than @before calls. */
static void
wait_for_notify_calls (guint before)
{
  gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (n_notify_calls () <= before && g_get_monotonic_time () < give_up)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (1000);
    }
  g_assert_cmpuint (n_notify_calls (), >, before);
}

static AetherService *service;
static gboolean switched;

static void
on_switched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aether_service_set_state_finish (AETHER_SERVICE (object), result, &error));
  g_assert_no_error (error);
  switched = TRUE;
}

/* As the app does it: the device is switched through the service. */
static void
on_turn_off (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  g_free (turned_off);
  turned_off = g_variant_dup_string (parameter, NULL);
  if (service != NULL)
    aether_service_set_state_async (service, turned_off, FALSE, NULL, on_switched, NULL);
}

static void
on_snooze (GSimpleAction *action,
           GVariant      *parameter,
           gpointer       user_data)
{
  g_free (snoozed);
  snoozed = g_variant_dup_string (parameter, NULL);
}

static void
on_show_device (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
}

static const GActionEntry actions[] = {
  { "turn-off-device", on_turn_off, "s" },
  { "snooze-alert", on_snooze, "s" },
  { "show-device", on_show_device, "s" },
};

static void
test_notification_reaches_daemon_and_turn_off_works (void)
{
  g_autoptr(AetherNotifier) notifier = aether_notifier_new (app);
  g_autoptr(GVariant) calls = NULL;
  g_autoptr(GVariant) args = NULL;
  g_autoptr(GVariant) call = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *body = NULL;
  g_autofree char *turn_off_key = NULL;
  g_autofree char *snooze_key = NULL;
  g_auto(GStrv) notify_actions = NULL;
  AetherAlertEvent event = {
    .alert_id = "alert-high-consumption-001",
    .title = "High Office Consumption",
    .body = "Office Desk Plug has drawn 612 W for 5 minutes",
    .device_id = "shelly-plug-office-01",
    .controllable = TRUE,
  };
  gint64 sent_us;
  guint64 seen_s = 0;
  guint32 notification_id = 0;
  gint64 give_up;

  sent_us = g_get_real_time ();
  aether_notifier_notify (notifier, &event);

  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < give_up)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_clear_pointer (&calls, g_variant_unref);
      calls = get_notify_calls ();
      if (g_variant_n_children (g_variant_get_child_value (calls, 0)) > 0)
        break;
      g_usleep (10 * 1000);
    }

  {
    g_autoptr(GVariant) list = g_variant_get_child_value (calls, 0);

    g_assert_cmpuint (g_variant_n_children (list), ==, 1);
    call = g_variant_get_child_value (list, 0);
  }
  /* dbusmock stamps calls in whole seconds: enough to say it was now. */
  g_variant_get (call, "(t@av)", &seen_s, &args);
  g_assert_cmpint ((gint64)seen_s, >=, sent_us / G_USEC_PER_SEC - 1);

  /* Notify (app_name, replaces_id, app_icon, summary, body, actions, hints, timeout) */
  {
    g_autoptr(GVariant) v3 = g_variant_get_child_value (args, 3);
    g_autoptr(GVariant) v4 = g_variant_get_child_value (args, 4);
    g_autoptr(GVariant) v5 = g_variant_get_child_value (args, 5);
    g_autoptr(GVariant) s3 = g_variant_get_variant (v3);
    g_autoptr(GVariant) s4 = g_variant_get_variant (v4);
    g_autoptr(GVariant) s5 = g_variant_get_variant (v5);

    summary = g_variant_dup_string (s3, NULL);
    body = g_variant_dup_string (s4, NULL);
    notify_actions = g_variant_dup_strv (s5, NULL);
  }

  g_assert_cmpstr (summary, ==, "High Office Consumption");
  g_assert_cmpstr (body, ==, "Office Desk Plug has drawn 612 W for 5 minutes");

  /* Actions come as key, label pairs; keys are the detailed action names. */
  for (guint i = 0; notify_actions[i] && notify_actions[i + 1]; i += 2)
    {
      if (g_str_equal (notify_actions[i + 1], "Turn Off"))
        turn_off_key = g_strdup (notify_actions[i]);
      else if (g_str_equal (notify_actions[i + 1], "Snooze 1 h"))
        snooze_key = g_strdup (notify_actions[i]);
    }
  g_assert_nonnull (turn_off_key);
  g_assert_nonnull (snooze_key);

  /* The mock daemon numbers notifications from 1. */
  notification_id = 1;

  /* The person presses "Turn Off". */
  {
    GVariantBuilder signal_args;
    g_autoptr(GVariant) reply = NULL;

    g_variant_builder_init (&signal_args, G_VARIANT_TYPE ("av"));
    g_variant_builder_add (&signal_args, "v", g_variant_new_uint32 (notification_id));
    g_variant_builder_add (&signal_args, "v", g_variant_new_string (turn_off_key));
    reply = g_dbus_connection_call_sync (bus, MOCK_NAME, MOCK_PATH, MOCK_IFACE, "EmitSignal",
                                         g_variant_new ("(sssav)", "org.freedesktop.Notifications",
                                                        "ActionInvoked", "us", &signal_args),
                                         NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error (error);
  }

  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (turned_off == NULL && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (turned_off, ==, "shelly-plug-office-01");
  g_assert_null (snoozed);
}

/* Counts the Notify calls in the mock's log, and returns the time of the
 * last (the log stamps calls to the millisecond). */
static guint
logged_notifies (double *last_s)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  guint n = 0;

  if (!g_file_get_contents (mock_log, &text, NULL, NULL))
    return 0;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], " Notify ") != NULL)
      {
        n++;
        *last_s = g_ascii_strtod (lines[i], NULL);
      }
  return n;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static void
test_turn_off_switches_the_device (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-turnoff-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (42);
  g_autoptr(AetherNotifier) notifier = aether_notifier_new (app);
  AetherAlertEvent event = {
    .alert_id = "router-awake",
    .title = "Router Still On",
    .body = "Router has drawn 9 W all night",
    .device_id = "demo-router",
    .controllable = TRUE,
  };
  AetherSimHome *home = aether_sim_home_get (42, 0);
  g_autofree char *key = NULL;
  double ignored;
  guint id;
  gint64 give_up;

  service = aether_service_new (db, aether_clock_get_system (), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    g_assert_true (aether_store_put_device (aether_service_get_store (service), g_ptr_array_index (devices, i), &error));
  aether_service_load (service, &error);
  g_assert_no_error (error);
  g_assert_true (aether_sim_home_get_on (home, AETHER_SIM_ROUTER));

  aether_notifier_notify (notifier, &event);
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  id = logged_notifies (&ignored);
  while (g_get_monotonic_time () < give_up)
    {
      g_main_context_iteration (NULL, FALSE);
      if (logged_notifies (&ignored) > id)
        break;
      g_usleep (1000);
    }
  /* The mock numbers notifications 1, 2, … in order. */
  id = logged_notifies (&ignored);
  key = g_strdup ("app.turn-off-device('demo-router')");

  {
    GVariantBuilder args;
    g_autoptr(GVariant) reply = NULL;

    g_variant_builder_init (&args, G_VARIANT_TYPE ("av"));
    g_variant_builder_add (&args, "v", g_variant_new_uint32 (id));
    g_variant_builder_add (&args, "v", g_variant_new_string (key));
    reply = g_dbus_connection_call_sync (bus, MOCK_NAME, MOCK_PATH, MOCK_IFACE, "EmitSignal",
                                         g_variant_new ("(sssav)", "org.freedesktop.Notifications",
                                                        "ActionInvoked", "us", &args),
                                         NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
    g_assert_no_error (error);
  }

  switched = FALSE;
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!switched && g_get_monotonic_time () < give_up)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (switched);
  g_assert_false (aether_sim_home_get_on (home, AETHER_SIM_ROUTER));

  g_clear_object (&service);
}

static void
test_reading_to_notify_latency (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (g_get_real_time ());
  g_autoptr(AetherAlertEngine) engine = aether_alert_engine_new (clock, NULL);
  g_autoptr(AetherNotifier) notifier = aether_notifier_new (app);
  g_autoptr(GArray) latencies = g_array_new (FALSE, FALSE, sizeof (double));
  double last = 0;

  aether_alert_engine_set_device (engine, "plug", "Office Desk Plug", "office", TRUE);

  for (guint run = 0; run < 7; run++)
    {
      g_autofree char *json = g_strdup_printf ("{\"alert_id\": \"latency-%u\", \"name\": \"High Power\","
                                               " \"conditions\": {\"type\": \"threshold\", \"device_id\": \"plug\","
                                               " \"operator\": \"greater_than\", \"threshold\": 500}}", run);
      g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_data (json, -1, NULL);
      guint before = logged_notifies (&last);
      AetherReading reading = { aether_clock_now_us (clock), (char *)"plug", (char *)"power", 900.0, (char *)"W" };
      gulong handler;
      double sent_s, latency;
      gint64 give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      aether_alert_engine_add_rule (engine, rule);
      handler = g_signal_connect_swapped (engine, "fired", G_CALLBACK (aether_notifier_notify_from_signal), notifier);

      /* The reading that completes the condition, as the collector hands it over. */
      sent_s = g_get_real_time () / 1e6;
      aether_alert_engine_process_reading (engine, &reading);

      while (logged_notifies (&last) == before && g_get_monotonic_time () < give_up)
        {
          g_main_context_iteration (NULL, FALSE);
          g_usleep (500);
        }
      g_assert_cmpuint (logged_notifies (&last), ==, before + 1);

      /* What arrived is the reading's value on the device's name. */
      {
        g_autofree char *body = NULL;

        last_notify (&body, NULL);
        g_assert_cmpstr (body, ==, "Office Desk Plug: power 900 W (limit 500 W)");
      }

      latency = MAX (0.0, last - sent_s) * 1000.0;
      g_array_append_val (latencies, latency);
      g_signal_handler_disconnect (engine, handler);
      aether_alert_engine_remove_rule (engine, rule ? aether_alert_rule_get_id (rule) : "");

      /* Back below the threshold for the next run. */
      reading.value = 0;
      aether_alert_engine_process_reading (engine, &reading);
    }

  g_array_sort (latencies, compare_doubles);
  g_test_message ("reading -> Notify on the bus: median %.1f ms, worst %.1f ms over %u alerts (target <= 1000 ms)",
                  g_array_index (latencies, double, latencies->len / 2),
                  g_array_index (latencies, double, latencies->len - 1), latencies->len);
  g_assert_cmpuint (latencies->len, ==, 7);
}

/* Through the service, from the registry: the body names the device as the
 * registry does and carries the measured value, never the device id; the
 * automation's own notification snoozes the rule that exists and offers
 * no Turn Off. */
static void
test_body_names_the_device_and_value (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-body-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (g_get_real_time ());
  g_autoptr(AetherNotifier) notifier = aether_notifier_new (app);
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (42);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) rule = json_from_string ("{\"alert_id\": \"router-awake\", \"name\": \"Router Still On\","
                                               " \"conditions\": {\"type\": \"threshold\", \"device_id\": \"demo-router\","
                                               " \"operator\": \"greater_than\", \"threshold\": 5},"
                                               " \"actions\": [{\"type\": \"automation\", \"action\": \"turn_off\","
                                               " \"delay_seconds\": 0}]}", NULL);
  g_autoptr(AetherService) own = NULL;
  g_autofree char *body = NULL;
  g_auto(GStrv) notify_actions = NULL;
  AetherReading reading = { aether_clock_now_us (clock), (char *)"demo-router", (char *)"power", 9.5, (char *)"W" };
  gboolean snoozes_rule = FALSE, turn_off = FALSE;
  guint before;

  aether_clock_set_default (clock);
  own = aether_service_new (db, clock, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    g_assert_true (aether_store_put_device (aether_service_get_store (own), g_ptr_array_index (devices, i), &error));
  g_assert_true (aether_store_put_alert (aether_service_get_store (own), rule, &error));
  aether_service_load (own, &error);
  g_assert_no_error (error);
  aether_service_set_notifier (own, notifier);

  before = n_notify_calls ();
  aether_alert_engine_process_reading (aether_service_get_alert_engine (own), &reading);
  wait_for_notify_calls (before);

  {
    g_autoptr(JsonNode) router = aether_store_get_device (aether_service_get_store (own), "demo-router", &error);
    const char *name = json_object_get_string_member (json_node_get_object (router), "name");
    g_autofree char *want = g_strdup_printf ("%s: power 9.5 W (limit 5 W)", name);
    g_auto(GStrv) first_actions = NULL;

    /* The alert's notification is the first of the two. */
    {
      g_autoptr(GVariant) calls = get_notify_calls ();
      g_autoptr(GVariant) list = g_variant_get_child_value (calls, 0);
      g_autoptr(GVariant) call = g_variant_get_child_value (list, before);
      g_autoptr(GVariant) args = NULL;
      g_autoptr(GVariant) v4 = NULL;
      g_autoptr(GVariant) s4 = NULL;
      guint64 when;

      g_variant_get (call, "(t@av)", &when, &args);
      v4 = g_variant_get_child_value (args, 4);
      s4 = g_variant_get_variant (v4);
      body = g_variant_dup_string (s4, NULL);
    }
    g_assert_cmpstr (body, ==, want);
    g_assert_null (strstr (body, "demo-router"));

    /* The automation switched the router off and said so, by name. */
    wait_for_notify_calls (before + 1);
    g_clear_pointer (&body, g_free);
    last_notify (&body, &notify_actions);
    g_free (want);
    want = g_strdup_printf ("Turned %s off", name);
    g_assert_cmpstr (body, ==, want);
  }

  for (guint i = 0; notify_actions[i] && notify_actions[i + 1]; i += 2)
    {
      snoozes_rule |= g_str_equal (notify_actions[i], "app.snooze-alert::router-awake");
      turn_off |= g_str_equal (notify_actions[i + 1], "Turn Off");
    }
  g_assert_true (snoozes_rule);
  g_assert_false (turn_off);

  g_clear_object (&own);
  aether_clock_set_default (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log_dir = g_dir_make_tmp ("aether-notify-XXXXXX", NULL);
  int ret;

  g_test_init (&argc, &argv, NULL);
  mock_log = g_build_filename (log_dir, "mock.log", NULL);

  start_mock_daemon ();

  app = g_application_new ("io.github.aetherlens.AetherLens.NotifierTest", G_APPLICATION_NON_UNIQUE);
  g_action_map_add_action_entries (G_ACTION_MAP (app), actions, G_N_ELEMENTS (actions), NULL);
  g_application_register (app, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/alerts/notifier/reaches-daemon-and-turn-off-works",
                   test_notification_reaches_daemon_and_turn_off_works);
  g_test_add_func ("/alerts/notifier/reading-to-notify-latency", test_reading_to_notify_latency);
  g_test_add_func ("/alerts/notifier/turn-off-switches-the-device", test_turn_off_switches_the_device);
  g_test_add_func ("/alerts/notifier/body-names-the-device-and-value", test_body_names_the_device_and_value);

  ret = g_test_run ();

  g_clear_object (&app);
  g_subprocess_force_exit (mock_daemon);
  g_clear_object (&mock_daemon);
  g_clear_object (&bus);

  return ret;
}
