/* test-alert-state.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the alert engine remembers and how it speaks: snoozes and cooldowns
 * survive a restart of the service (through the database), a snooze stops
 * a waiting automation, the home is the home rule's set of devices, and
 * what a notification says names the device and the value, never its id.
 * A manual clock drives everything. */

#include "config.h"

#include <string.h>

#include "aether-core.h"

/* Monday 2024-01-15 00:00:00 UTC; the tests run with TZ=UTC. */
#define MONDAY G_GINT64_CONSTANT (1705276800)

static const char *plug_rule =
  "{\"alert_id\": \"pc-left-on\", \"name\": \"PC Left On\","
  " \"conditions\": {\"type\": \"threshold\", \"metric\": \"power\", \"device_id\": \"pc\","
  "                  \"operator\": \"greater_than\", \"threshold\": 100, \"duration_seconds\": 60},"
  " \"actions\": [{\"type\": \"automation\", \"action\": \"turn_off\", \"delay_seconds\": 600}]}";

typedef struct
{
  GPtrArray *fired;        /* alert ids */
  GPtrArray *automations;  /* alert ids */
  char      *last_body;
  gboolean   last_controllable;
} Seen;

static void
on_fired (AetherAlertEngine *engine,
          AetherAlertRule   *rule,
          gpointer           event_ptr,
          Seen              *seen)
{
  const AetherAlertEvent *event = event_ptr;

  g_ptr_array_add (seen->fired, g_strdup (aether_alert_rule_get_id (rule)));
  g_free (seen->last_body);
  seen->last_body = g_strdup (event->body);
  seen->last_controllable = event->controllable;
}

static void
on_automation (AetherAlertEngine *engine,
               AetherAlertRule   *rule,
               const char        *device_id,
               gboolean           turn_on,
               Seen              *seen)
{
  g_ptr_array_add (seen->automations, g_strdup (aether_alert_rule_get_id (rule)));
}

static void
seen_init (Seen              *seen,
           AetherAlertEngine *engine)
{
  seen->fired = g_ptr_array_new_with_free_func (g_free);
  seen->automations = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (engine, "fired", G_CALLBACK (on_fired), seen);
  g_signal_connect (engine, "automation", G_CALLBACK (on_automation), seen);
}

static void
seen_clear (Seen *seen)
{
  g_clear_pointer (&seen->fired, g_ptr_array_unref);
  g_clear_pointer (&seen->automations, g_ptr_array_unref);
  g_clear_pointer (&seen->last_body, g_free);
}

/* One reading a second of @watts from @device, for @seconds. */
static void
feed (AetherClock       *clock,
      AetherAlertEngine *engine,
      const char        *device,
      double             watts,
      guint              seconds)
{
  for (guint i = 0; i < seconds; i++)
    {
      AetherReading reading = { aether_clock_now_us (clock), (char *)device, (char *)"power", watts, (char *)"W" };

      aether_alert_engine_process_reading (engine, &reading);
      aether_clock_advance_us (clock, G_USEC_PER_SEC);
    }
}

static AetherService *
start_service (const char  *db,
               AetherClock *clock)
{
  g_autoptr(GError) error = NULL;
  AetherService *service = aether_service_new (db, clock, &error);

  g_assert_no_error (error);
  aether_service_load (service, &error);
  g_assert_no_error (error);
  return service;
}

static void
stop_service (AetherService **service)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aether_service_stop (*service, &error));
  g_assert_no_error (error);
  g_clear_object (service);
}

/* The bug: a rule snoozed from its notification fired again after the app
 * restarted, and its automation switched the PC off again. */
static void
test_snooze_survives_restart (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-snooze-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (MONDAY * G_USEC_PER_SEC);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(JsonNode) rule = json_from_string (plug_rule, NULL);
  g_autoptr(GPtrArray) states = NULL;
  g_autoptr(GError) error = NULL;
  AetherAlertState *state;
  AetherAlertEngine *engine;
  Seen seen = { 0 };
  gint64 snoozed_until;

  service = start_service (db, clock);
  g_assert_true (aether_store_put_alert (aether_service_get_store (service), rule, &error));
  g_assert_no_error (error);
  stop_service (&service);

  service = start_service (db, clock);
  engine = aether_service_get_alert_engine (service);
  seen_init (&seen, engine);
  aether_alert_engine_set_device (engine, "pc", "Study PC", "study", TRUE);

  feed (clock, engine, "pc", 250, 61);
  g_assert_cmpuint (seen.fired->len, ==, 1);

  /* Snoozed for an hour from its notification, before the automation. */
  g_assert_true (aether_alert_engine_snooze (engine, "pc-left-on", 3600));
  snoozed_until = aether_clock_now_us (clock) + G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  g_assert_cmpint (aether_alert_engine_get_snoozed_until (engine, "pc-left-on"), ==, snoozed_until);

  /* Kept in the database, with when it fired (its cooldown runs from there). */
  states = aether_store_list_alert_states (aether_service_get_store (service), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (states->len, ==, 1);
  state = g_ptr_array_index (states, 0);
  g_assert_cmpstr (state->alert_id, ==, "pc-left-on");
  g_assert_cmpint (state->snoozed_until_us, ==, snoozed_until);
  g_assert_cmpint (state->last_fired_us, ==, (MONDAY + 60) * G_USEC_PER_SEC);
  seen_clear (&seen);
  stop_service (&service);

  /* The app restarts 5 minutes later; the PC still draws 250 W. */
  aether_clock_advance_us (clock, G_GINT64_CONSTANT (300) * G_USEC_PER_SEC);
  service = start_service (db, clock);
  engine = aether_service_get_alert_engine (service);
  seen_init (&seen, engine);
  aether_alert_engine_set_device (engine, "pc", "Study PC", "study", TRUE);
  g_assert_cmpint (aether_alert_engine_get_snoozed_until (engine, "pc-left-on"), ==, snoozed_until);

  feed (clock, engine, "pc", 250, 30 * 60);
  g_assert_cmpuint (seen.fired->len, ==, 0);
  g_assert_cmpuint (seen.automations->len, ==, 0);

  /* The hour is up: it may fire again (after its duration). */
  aether_clock_set_us (clock, snoozed_until);
  feed (clock, engine, "pc", 250, 62);
  g_assert_cmpuint (seen.fired->len, ==, 1);
  g_assert_cmpint (aether_alert_engine_get_snoozed_until (engine, "pc-left-on"), ==, 0);

  seen_clear (&seen);
  stop_service (&service);
}

static void
test_cooldown_survives_restart (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-cooldown-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (MONDAY * G_USEC_PER_SEC);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(JsonNode) rule = json_from_string ("{\"alert_id\": \"kettle\", \"name\": \"Kettle\","
                                               " \"conditions\": {\"type\": \"threshold\", \"device_id\": \"kettle\","
                                               " \"operator\": \"greater_than\", \"threshold\": 1000,"
                                               " \"cooldown_seconds\": 900}}", NULL);
  g_autoptr(GError) error = NULL;
  AetherAlertEngine *engine;
  Seen seen = { 0 };

  service = start_service (db, clock);
  g_assert_true (aether_store_put_alert (aether_service_get_store (service), rule, &error));
  stop_service (&service);

  service = start_service (db, clock);
  engine = aether_service_get_alert_engine (service);
  seen_init (&seen, engine);
  feed (clock, engine, "kettle", 2000, 1);
  g_assert_cmpuint (seen.fired->len, ==, 1);
  seen_clear (&seen);
  stop_service (&service);

  /* Restarted 5 minutes on, the kettle boils again: still in its 15-minute cooldown. */
  aether_clock_advance_us (clock, G_GINT64_CONSTANT (300) * G_USEC_PER_SEC);
  service = start_service (db, clock);
  engine = aether_service_get_alert_engine (service);
  seen_init (&seen, engine);
  feed (clock, engine, "kettle", 2000, 9 * 60);
  g_assert_cmpuint (seen.fired->len, ==, 0);
  /* 15 minutes after it fired: allowed again. */
  feed (clock, engine, "kettle", 2000, 61);
  g_assert_cmpuint (seen.fired->len, ==, 1);

  seen_clear (&seen);
  stop_service (&service);
}

static void
test_snooze_cancels_waiting_automation (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (MONDAY * G_USEC_PER_SEC);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(AetherAlertEngine) engine = aether_alert_engine_new (clock, utc);
  g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_data (plug_rule, -1, NULL);
  Seen seen = { 0 };

  seen_init (&seen, engine);
  aether_alert_engine_set_device (engine, "pc", "Study PC", "study", TRUE);
  aether_alert_engine_add_rule (engine, rule);

  feed (clock, engine, "pc", 250, 61);
  g_assert_cmpuint (seen.fired->len, ==, 1);
  g_assert_true (aether_alert_engine_snooze (engine, "pc-left-on", 3600));
  feed (clock, engine, "pc", 250, 700);
  g_assert_cmpuint (seen.automations->len, ==, 0);
  g_assert_false (aether_alert_engine_snooze (engine, "no-such-rule", 60));

  seen_clear (&seen);
}

static AetherHome *
home_of (const char * const *records)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  for (guint i = 0; records[i]; i++)
    g_ptr_array_add (devices, json_from_string (records[i], NULL));
  return aether_home_new (devices);
}

static const char *home_rule =
  "{\"alert_id\": \"home\", \"name\": \"Home Over 5 kW\", \"conditions\": {\"type\": \"threshold\","
  " \"operator\": \"greater_than\", \"threshold\": 5000}}";

/* A three-phase meter is three energy-meter devices: the home is their
 * sum; the plugs behind them are not added on top. */
static void
test_three_phase_meter_is_summed (void)
{
  static const char * const registry[] = {
    "{\"device_id\": \"em-a\", \"name\": \"Mains A\", \"type\": \"energy_meter\"}",
    "{\"device_id\": \"em-b\", \"name\": \"Mains B\", \"type\": \"energy_meter\"}",
    "{\"device_id\": \"em-c\", \"name\": \"Mains C\", \"type\": \"energy_meter\"}",
    "{\"device_id\": \"oven\", \"name\": \"Oven\", \"type\": \"smart_plug\"}",
    NULL,
  };
  g_autoptr(AetherClock) clock = aether_clock_new_manual (MONDAY * G_USEC_PER_SEC);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(AetherAlertEngine) engine = aether_alert_engine_new (clock, utc);
  g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_data (home_rule, -1, NULL);
  g_autoptr(AetherHome) home = home_of (registry);
  Seen seen = { 0 };

  seen_init (&seen, engine);
  aether_alert_engine_set_home (engine, home);
  aether_alert_engine_add_rule (engine, rule);

  feed (clock, engine, "em-a", 1600, 1);
  feed (clock, engine, "em-b", 1600, 1);
  /* The oven is behind the meter: 1600 + 1600 + 4000 would be 7200 W. */
  feed (clock, engine, "oven", 4000, 1);
  g_assert_cmpuint (seen.fired->len, ==, 0);
  /* Phase C: 1600 + 1600 + 1900 = 5100 W, over 5000 only summed. */
  feed (clock, engine, "em-c", 1900, 1);
  g_assert_cmpuint (seen.fired->len, ==, 1);
  g_assert_cmpstr (seen.last_body, ==, "The whole home: power 5100 W (limit 5000 W)");

  seen_clear (&seen);
}

static void
test_home_without_meters_sums_devices (void)
{
  static const char * const registry[] = {
    "{\"device_id\": \"oven\", \"name\": \"Oven\", \"type\": \"smart_plug\"}",
    "{\"device_id\": \"ev\", \"name\": \"EV Charger\", \"type\": \"smart_plug\"}",
    NULL,
  };
  g_autoptr(AetherClock) clock = aether_clock_new_manual (MONDAY * G_USEC_PER_SEC);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(AetherAlertEngine) engine = aether_alert_engine_new (clock, utc);
  g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_data (home_rule, -1, NULL);
  g_autoptr(AetherHome) home = home_of (registry);
  Seen seen = { 0 };

  seen_init (&seen, engine);
  aether_alert_engine_set_home (engine, home);
  aether_alert_engine_add_rule (engine, rule);

  feed (clock, engine, "oven", 3000, 1);
  /* Not in the registry (removed): not part of the home. */
  feed (clock, engine, "old-heater", 3000, 1);
  g_assert_cmpuint (seen.fired->len, ==, 0);
  feed (clock, engine, "ev", 2500, 1);
  g_assert_cmpuint (seen.fired->len, ==, 1);
  g_assert_cmpstr (seen.last_body, ==, "The whole home: power 5500 W (limit 5000 W)");

  seen_clear (&seen);
}

/* A room is compared case-insensitively, and a meter in a room beside plugs
 * is not part of its load. */
static void
test_room_by_the_home_rule (void)
{
  static const char * const registry[] = {
    "{\"device_id\": \"em\", \"name\": \"Mains\", \"type\": \"energy_meter\", \"location\": {\"room\": \"Kitchen\"}}",
    "{\"device_id\": \"kettle\", \"name\": \"Kettle\", \"type\": \"smart_plug\", \"location\": {\"room\": \"kitchen\"}}",
    "{\"device_id\": \"oven\", \"name\": \"Oven\", \"type\": \"smart_plug\", \"location\": {\"room\": \"Kitchen \"}}",
    NULL,
  };
  g_autoptr(AetherClock) clock = aether_clock_new_manual (MONDAY * G_USEC_PER_SEC);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(AetherAlertEngine) engine = aether_alert_engine_new (clock, utc);
  g_autoptr(AetherAlertRule) rule =
    aether_alert_rule_new_from_data ("{\"alert_id\": \"kitchen\", \"name\": \"Kitchen\", \"conditions\": {\"type\": \"threshold\","
                                     " \"room\": \"KITCHEN\", \"operator\": \"greater_than\", \"threshold\": 2000}}", -1, NULL);
  g_autoptr(AetherHome) home = home_of (registry);
  Seen seen = { 0 };

  seen_init (&seen, engine);
  aether_alert_engine_set_home (engine, home);
  aether_alert_engine_set_device (engine, "em", "Mains", "Kitchen", FALSE);
  aether_alert_engine_set_device (engine, "kettle", "Kettle", "kitchen", TRUE);
  aether_alert_engine_set_device (engine, "oven", "Oven", "Kitchen ", TRUE);
  aether_alert_engine_add_rule (engine, rule);

  feed (clock, engine, "em", 6000, 1);
  feed (clock, engine, "kettle", 1500, 1);
  g_assert_cmpuint (seen.fired->len, ==, 0);
  feed (clock, engine, "oven", 600, 1);
  g_assert_cmpuint (seen.fired->len, ==, 1);

  seen_clear (&seen);
}

/* A device that does not answer cannot be switched off from the
 * notification either; the body names it, not its id. */
static void
test_offline_offers_no_turn_off (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (MONDAY * G_USEC_PER_SEC);
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(AetherAlertEngine) engine = aether_alert_engine_new (clock, utc);
  g_autoptr(AetherAlertRule) rule =
    aether_alert_rule_new_from_data ("{\"alert_id\": \"gone\", \"name\": \"Freezer Offline\", \"conditions\":"
                                     " {\"type\": \"offline\", \"device_id\": \"shelly-freezer-7\", \"duration_seconds\": 60}}",
                                     -1, NULL);
  Seen seen = { 0 };

  seen_init (&seen, engine);
  aether_alert_engine_set_device (engine, "shelly-freezer-7", "Garage Freezer", "garage", TRUE);
  aether_alert_engine_add_rule (engine, rule);
  feed (clock, engine, "shelly-freezer-7", 90, 1);
  aether_clock_advance_us (clock, 62 * G_USEC_PER_SEC);

  g_assert_cmpuint (seen.fired->len, ==, 1);
  g_assert_false (seen.last_controllable);
  g_assert_cmpstr (seen.last_body, ==, "Garage Freezer has not answered for 61 seconds");
  g_assert_null (strstr (seen.last_body, "shelly-freezer-7"));

  seen_clear (&seen);
}

static void
test_durations_have_plural_forms (void)
{
  static const struct { guint seconds; const char *words; } cases[] = {
    { 1, "1 second" }, { 45, "45 seconds" }, { 60, "1 minute" },
    { 90, "90 seconds" }, { 120, "2 minutes" }, { 300, "5 minutes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *words = aether_alert_describe_duration (cases[i].seconds);

      g_assert_cmpstr (words, ==, cases[i].words);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/alerts/state/snooze-survives-restart", test_snooze_survives_restart);
  g_test_add_func ("/alerts/state/cooldown-survives-restart", test_cooldown_survives_restart);
  g_test_add_func ("/alerts/state/snooze-cancels-waiting-automation", test_snooze_cancels_waiting_automation);
  g_test_add_func ("/alerts/home/three-phase-meter-is-summed", test_three_phase_meter_is_summed);
  g_test_add_func ("/alerts/home/without-meters-sums-devices", test_home_without_meters_sums_devices);
  g_test_add_func ("/alerts/home/room-by-the-home-rule", test_room_by_the_home_rule);
  g_test_add_func ("/alerts/text/offline-offers-no-turn-off", test_offline_offers_no_turn_off);
  g_test_add_func ("/alerts/text/durations-have-plural-forms", test_durations_have_plural_forms);

  return g_test_run ();
}
