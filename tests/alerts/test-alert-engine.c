/* test-alert-engine.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Alert rules and the engine, driven by a manual clock. */

#include "config.h"

#include <string.h>

#include "aether-core.h"
#include "aether-sim-home.h"
#include "simulator-provider.h"

/* Monday 2024-01-15 00:00:00 UTC; the tests run with TZ=UTC. */
#define MONDAY G_GINT64_CONSTANT (1705276800)

/* The seed's own example, exactly as SEED-data-schema.md spells it. */
static const char *seed_alert =
  "{\n"
  "  \"alert_id\": \"alert-high-consumption-001\",\n"
  "  \"name\": \"High Office Consumption\",\n"
  "  \"enabled\": true,\n"
  "  \"conditions\": {\n"
  "    \"type\": \"threshold\",\n"
  "    \"metric\": \"power\",\n"
  "    \"device_id\": \"shelly-plug-office-01\",\n"
  "    \"operator\": \"greater_than\",\n"
  "    \"threshold\": 500,\n"
  "    \"duration_seconds\": 300\n"
  "  },\n"
  "  \"actions\": [\n"
  "    {\n"
  "      \"type\": \"notification\",\n"
  "      \"channels\": [\"email\", \"push\"],\n"
  "      \"message\": \"Office plug consuming >500W for 5 minutes\"\n"
  "    },\n"
  "    {\n"
  "      \"type\": \"automation\",\n"
  "      \"action\": \"turn_off\",\n"
  "      \"delay_seconds\": 600\n"
  "    }\n"
  "  ],\n"
  "  \"schedule\": {\n"
  "    \"active_hours\": \"00:00-23:59\",\n"
  "    \"active_days\": [\"all\"]\n"
  "  },\n"
  "  \"metadata\": {\n"
  "    \"created_by\": \"user123\",\n"
  "    \"created_at\": \"2024-01-01T00:00:00Z\",\n"
  "    \"trigger_count\": 5,\n"
  "    \"last_triggered\": \"2024-01-14T15:30:00Z\"\n"
  "  }\n"
  "}\n";

typedef struct
{
  AetherClock       *clock;
  AetherAlertEngine *engine;
  GPtrArray         *fired;        /* alert ids */
  GPtrArray         *cleared;
  GPtrArray         *automations;  /* "device:on|off" */
  char              *last_body;
} Fixture;

static void
on_fired (AetherAlertEngine *engine,
          AetherAlertRule   *rule,
          gpointer           event_ptr,
          Fixture           *f)
{
  const AetherAlertEvent *event = event_ptr;

  g_ptr_array_add (f->fired, g_strdup (aether_alert_rule_get_id (rule)));
  g_free (f->last_body);
  f->last_body = g_strdup (event->body);
}

static void
on_cleared (AetherAlertEngine *engine,
            AetherAlertRule   *rule,
            Fixture           *f)
{
  g_ptr_array_add (f->cleared, g_strdup (aether_alert_rule_get_id (rule)));
}

static void
on_automation (AetherAlertEngine *engine,
               AetherAlertRule   *rule,
               const char        *device_id,
               gboolean           turn_on,
               Fixture           *f)
{
  g_ptr_array_add (f->automations, g_strdup_printf ("%s:%s", device_id, turn_on ? "on" : "off"));
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  f->clock = aether_clock_new_manual (MONDAY * G_USEC_PER_SEC);
  f->engine = aether_alert_engine_new (f->clock, utc);
  f->fired = g_ptr_array_new_with_free_func (g_free);
  f->cleared = g_ptr_array_new_with_free_func (g_free);
  f->automations = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (f->engine, "fired", G_CALLBACK (on_fired), f);
  g_signal_connect (f->engine, "cleared", G_CALLBACK (on_cleared), f);
  g_signal_connect (f->engine, "automation", G_CALLBACK (on_automation), f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->engine);
  g_clear_object (&f->clock);
  g_ptr_array_unref (f->fired);
  g_ptr_array_unref (f->cleared);
  g_ptr_array_unref (f->automations);
  g_free (f->last_body);
}

static AetherAlertRule *
rule_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  AetherAlertRule *rule = aether_alert_rule_new_from_data (json, -1, &error);

  g_assert_no_error (error);
  return rule;
}

/* One reading a second of @watts from @device, for @seconds. */
static void
feed (Fixture    *f,
      const char *device,
      double      watts,
      guint       seconds)
{
  for (guint i = 0; i < seconds; i++)
    {
      AetherReading r = {
        .timestamp_us = aether_clock_now_us (f->clock),
        .device_id = (char *)device,
        .metric_type = (char *)"power",
        .value = watts,
        .unit = (char *)"W",
      };

      aether_alert_engine_process_reading (f->engine, &r);
      aether_clock_advance_us (f->clock, G_USEC_PER_SEC);
    }
}

static void
test_seed_example_round_trips (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule = rule_from (seed_alert);
  g_autoptr(JsonNode) original = json_from_string (seed_alert, NULL);
  g_autoptr(JsonNode) written = aether_alert_rule_to_json (rule);
  const AetherAlertAction *action;

  g_assert_true (json_node_equal (original, written));

  g_assert_cmpstr (aether_alert_rule_get_id (rule), ==, "alert-high-consumption-001");
  g_assert_cmpint (aether_alert_rule_get_condition_type (rule), ==, AETHER_ALERT_CONDITION_THRESHOLD);
  g_assert_cmpint (aether_alert_rule_get_scope (rule), ==, AETHER_ALERT_SCOPE_DEVICE);
  g_assert_cmpstr (aether_alert_rule_get_target (rule), ==, "shelly-plug-office-01");
  g_assert_cmpfloat (aether_alert_rule_get_threshold (rule), ==, 500);
  g_assert_cmpuint (aether_alert_rule_get_duration (rule), ==, 300);
  g_assert_cmpuint (aether_alert_rule_get_n_actions (rule), ==, 2);
  action = aether_alert_rule_get_action (rule, 1);
  g_assert_cmpint (action->type, ==, AETHER_ALERT_ACTION_AUTOMATION);
  g_assert_false (action->turn_on);
  g_assert_cmpuint (action->delay_seconds, ==, 600);
  g_assert_cmpuint (aether_alert_rule_get_trigger_count (rule), ==, 5);
}

static void
test_bad_rules_say_what_is_wrong (Fixture       *f,
                                  gconstpointer  data)
{
  static const struct { const char *json; const char *message; } cases[] = {
    { "{\"alert_id\": \"a\", \"name\": \"A\", \"conditions\": {\"type\": \"magic\"}}",
      "Alert “A”: condition type “magic” is not one of threshold, cost, offline, rate_period, demand" },
    { "{\"alert_id\": \"a\", \"name\": \"A\", \"conditions\": {\"type\": \"threshold\", \"threshold\": 5}}",
      "Alert “A”: conditions.operator is missing" },
    { "{\"alert_id\": \"a\", \"name\": \"A\", \"conditions\": {\"type\": \"threshold\", \"operator\": \"greater_than\", \"threshold\": \"lots\"}}",
      "Alert “A”: conditions.threshold must be a number" },
    { "{\"alert_id\": \"a\", \"name\": \"A\", \"conditions\": {\"type\": \"offline\", \"duration_seconds\": 60}}",
      "Alert “A”: an offline alert needs conditions.device_id" },
    { "{\"alert_id\": \"a\", \"name\": \"A\", \"conditions\": {\"type\": \"cost\", \"threshold\": 5}, \"schedule\": {\"active_hours\": \"25:00-26:00\"}}",
      "Alert “A”: active hours “25:00-26:00” are not a time range like 08:00-22:00" },
    { "{\"alert_id\": \"a\", \"name\": \"A\", \"conditions\": {\"type\": \"cost\", \"threshold\": 5}, \"schedule\": {\"active_days\": [\"caturday\"]}}",
      "Alert “A”: “caturday” is not a day (monday … sunday, all, weekdays, weekends)" },
    { "{\"alert_id\": \"a\", \"name\": \"A\", \"conditions\": {\"type\": \"cost\", \"threshold\": 5}, \"actions\": [{\"type\": \"automation\", \"action\": \"explode\"}]}",
      "Alert “A”: automation action “explode” is not turn_off or turn_on" },
    { "{\"name\": \"A\"}", "An alert needs an alert_id" },
    { "{\"alert_id\": ", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_data (cases[i].json, -1, &error);

      g_assert_null (rule);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
      if (cases[i].message != NULL)
        g_assert_cmpstr (error->message, ==, cases[i].message);
      else
        g_assert_true (g_str_has_prefix (error->message, "The alert is not valid JSON"));
    }
}

static void
test_fires_once_when_duration_reached (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule = rule_from (seed_alert);
  g_autoptr(JsonNode) json = NULL;
  JsonObject *metadata;

  aether_alert_engine_set_device (f->engine, "shelly-plug-office-01", "Office Desk Plug", "office", TRUE);
  aether_alert_engine_add_rule (f->engine, rule);

  /* Above 500 W from 00:00:00 to 00:04:59: not yet. */
  feed (f, "shelly-plug-office-01", 612, 299);
  g_assert_cmpuint (f->fired->len, ==, 0);

  /* At 00:05:00 it has held for 300 seconds: exactly once. */
  feed (f, "shelly-plug-office-01", 612, 1);
  g_assert_cmpuint (f->fired->len, ==, 1);
  feed (f, "shelly-plug-office-01", 640, 200);
  g_assert_cmpuint (f->fired->len, ==, 1);
  g_assert_true (aether_alert_engine_is_firing (f->engine, "alert-high-consumption-001"));

  /* The rule's own message, then the device's name and the value measured
   * (never its id), and the seed's metadata kept current. */
  g_assert_cmpstr (f->last_body, ==, "Office plug consuming >500W for 5 minutes\n"
                                     "Office Desk Plug: power 612 W for 5 minutes (limit 500 W)");
  g_assert_null (strstr (f->last_body, "shelly-plug-office-01"));
  g_assert_cmpuint (aether_alert_rule_get_trigger_count (rule), ==, 6);
  json = aether_alert_rule_to_json (rule);
  metadata = json_object_get_object_member (json_node_get_object (json), "metadata");
  g_assert_cmpstr (json_object_get_string_member (metadata, "last_triggered"), ==, "2024-01-15T00:05:00Z");
}

static void
test_short_spike_does_not_fire (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule = rule_from (seed_alert);

  aether_alert_engine_add_rule (f->engine, rule);
  feed (f, "shelly-plug-office-01", 900, 200);
  feed (f, "shelly-plug-office-01", 100, 10);
  feed (f, "shelly-plug-office-01", 900, 200);
  g_assert_cmpuint (f->fired->len, ==, 0);
}

static void
test_clears_with_hysteresis_and_cooldown (Fixture       *f,
                                          gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule =
    rule_from ("{\"alert_id\": \"kettle\", \"name\": \"Kettle\", \"conditions\": {\"type\": \"threshold\","
               " \"device_id\": \"plug\", \"operator\": \"greater_than\", \"threshold\": 500,"
               " \"duration_seconds\": 10, \"cooldown_seconds\": 600}}");

  aether_alert_engine_add_rule (f->engine, rule);
  feed (f, "plug", 600, 11);
  g_assert_cmpuint (f->fired->len, ==, 1);

  /* 490 W is under the threshold but within the 5 % hysteresis (475 W). */
  feed (f, "plug", 490, 30);
  g_assert_cmpuint (f->cleared->len, ==, 0);

  feed (f, "plug", 470, 1);
  g_assert_cmpuint (f->cleared->len, ==, 1);
  g_assert_false (aether_alert_engine_is_firing (f->engine, "kettle"));

  /* Flapping inside the cooldown does not fire again… */
  for (guint i = 0; i < 10; i++)
    {
      feed (f, "plug", 600, 15);
      feed (f, "plug", 400, 15);
    }
  g_assert_cmpuint (f->fired->len, ==, 1);

  /* …but after it, a new episode does. */
  feed (f, "plug", 400, 300);
  feed (f, "plug", 600, 11);
  g_assert_cmpuint (f->fired->len, ==, 2);
}

static void
test_active_hours_across_midnight (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule =
    rule_from ("{\"alert_id\": \"night\", \"name\": \"Night\", \"conditions\": {\"type\": \"threshold\","
               " \"device_id\": \"plug\", \"operator\": \"greater_than\", \"threshold\": 100,"
               " \"cooldown_seconds\": 0},"
               " \"schedule\": {\"active_hours\": \"22:00-06:00\", \"active_days\": [\"friday\"]}}");
  static const struct { int day; int hour; gboolean active; } cases[] = {
    { 4, 21, FALSE },  /* Friday 21:00: before the window */
    { 4, 23, TRUE },   /* Friday 23:00 */
    { 5, 2, TRUE },    /* Saturday 02:00: still Friday night */
    { 5, 6, FALSE },   /* Saturday 06:00: the window ended */
    { 5, 23, FALSE },  /* Saturday 23:00: Saturday is not active */
    { 6, 3, FALSE },   /* Sunday 03:00: Saturday night */
    { 3, 3, FALSE },   /* Thursday 03:00: Wednesday night */
  };

  aether_alert_engine_add_rule (f->engine, rule);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      guint before = f->fired->len;

      aether_clock_set_us (f->clock, (MONDAY + cases[i].day * 86400 + cases[i].hour * 3600) * G_USEC_PER_SEC);
      feed (f, "plug", 200, 1);
      g_assert_cmpuint (f->fired->len - before, ==, cases[i].active ? 1 : 0);
      feed (f, "plug", 0, 1);   /* clear for the next case */
    }
}

static void
test_automation_after_delay (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule = rule_from (seed_alert);

  aether_alert_engine_set_device (f->engine, "shelly-plug-office-01", "Office Desk Plug", "office", TRUE);
  aether_alert_engine_add_rule (f->engine, rule);

  /* Fired at 00:05:00; the automation waits 600 s more, to 00:15:00. */
  feed (f, "shelly-plug-office-01", 700, 301);
  g_assert_cmpuint (f->fired->len, ==, 1);
  feed (f, "shelly-plug-office-01", 700, 598);
  g_assert_cmpuint (f->automations->len, ==, 0);
  feed (f, "shelly-plug-office-01", 700, 1);
  g_assert_cmpuint (f->automations->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->automations, 0), ==, "shelly-plug-office-01:off");
}

static void
test_automation_cancelled_when_condition_clears (Fixture       *f,
                                                 gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule = rule_from (seed_alert);
  GPtrArray *history;
  AetherAlertHistoryEntry *last;

  aether_alert_engine_add_rule (f->engine, rule);
  feed (f, "shelly-plug-office-01", 700, 301);
  feed (f, "shelly-plug-office-01", 700, 300);
  feed (f, "shelly-plug-office-01", 20, 600);

  g_assert_cmpuint (f->automations->len, ==, 0);
  g_assert_cmpuint (f->cleared->len, ==, 1);

  history = aether_alert_engine_get_history (f->engine);
  g_assert_cmpuint (history->len, ==, 3);
  g_assert_cmpint (((AetherAlertHistoryEntry *)g_ptr_array_index (history, 0))->kind, ==, AETHER_ALERT_HISTORY_FIRED);
  last = g_ptr_array_index (history, 1);
  g_assert_cmpint (last->kind, ==, AETHER_ALERT_HISTORY_ACTION);
  g_assert_cmpstr (last->detail, ==, "Automation cancelled: the condition cleared first");
  g_assert_cmpint (((AetherAlertHistoryEntry *)g_ptr_array_index (history, 2))->kind, ==, AETHER_ALERT_HISTORY_CLEARED);
}

static void
test_offline_device (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule =
    rule_from ("{\"alert_id\": \"gone\", \"name\": \"Fridge Offline\", \"conditions\": {\"type\": \"offline\","
               " \"device_id\": \"fridge\", \"duration_seconds\": 120}}");

  aether_alert_engine_set_device (f->engine, "fridge", "Kitchen Fridge", "kitchen", TRUE);
  aether_alert_engine_add_rule (f->engine, rule);
  feed (f, "fridge", 100, 10);

  /* Last seen at 00:00:09; 120 s of silence is allowed. */
  aether_clock_advance_us (f->clock, 119 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->fired->len, ==, 0);
  aether_clock_advance_us (f->clock, 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (f->fired->len, ==, 1);
  g_assert_cmpstr (f->last_body, ==, "Kitchen Fridge has not answered for 121 seconds");

  /* It answers again: cleared. */
  feed (f, "fridge", 100, 1);
  g_assert_cmpuint (f->cleared->len, ==, 1);
}

static void
test_room_and_home_totals (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(AetherAlertRule) room =
    rule_from ("{\"alert_id\": \"kitchen\", \"name\": \"Kitchen\", \"conditions\": {\"type\": \"threshold\","
               " \"room\": \"kitchen\", \"operator\": \"greater_than\", \"threshold\": 2000}}");
  g_autoptr(AetherAlertRule) home =
    rule_from ("{\"alert_id\": \"home\", \"name\": \"Home\", \"conditions\": {\"type\": \"threshold\","
               " \"operator\": \"greater_than\", \"threshold\": 5000}}");

  aether_alert_engine_set_device (f->engine, "kettle", "Kettle", "kitchen", TRUE);
  aether_alert_engine_set_device (f->engine, "oven", "Oven", "kitchen", FALSE);
  aether_alert_engine_set_device (f->engine, "ev", "EV", "garage", TRUE);
  aether_alert_engine_add_rule (f->engine, room);
  aether_alert_engine_add_rule (f->engine, home);

  feed (f, "kettle", 1500, 1);
  feed (f, "ev", 2000, 1);
  g_assert_cmpuint (f->fired->len, ==, 0);
  feed (f, "oven", 1000, 1);   /* kitchen 2500 W, home 4500 W */
  g_assert_cmpuint (f->fired->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (f->fired, 0), ==, "kitchen");
  feed (f, "ev", 3600, 1);     /* home 6100 W */
  g_assert_cmpuint (f->fired->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (f->fired, 1), ==, "home");
}

static void
test_rate_period_cost_and_demand (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(AetherAlertRule) peak =
    rule_from ("{\"alert_id\": \"peak\", \"name\": \"Dryer at Peak\", \"conditions\": {\"type\": \"rate_period\","
               " \"device_id\": \"dryer\", \"period\": \"peak\", \"threshold\": 1000, \"duration_seconds\": 60}}");
  g_autoptr(AetherAlertRule) cost =
    rule_from ("{\"alert_id\": \"cost\", \"name\": \"Pricey Day\", \"conditions\": {\"type\": \"cost\","
               " \"cost_scope\": \"today\", \"operator\": \"greater_than\", \"threshold\": 5}}");
  g_autoptr(AetherAlertRule) demand =
    rule_from ("{\"alert_id\": \"demand\", \"name\": \"Demand\", \"conditions\": {\"type\": \"demand\","
               " \"threshold_kw\": 4}}");

  aether_alert_engine_add_rule (f->engine, peak);
  aether_alert_engine_add_rule (f->engine, cost);
  aether_alert_engine_add_rule (f->engine, demand);
  {
    g_autoptr(GPtrArray) registry = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
    g_autoptr(AetherHome) h = NULL;

    g_ptr_array_add (registry, json_from_string ("{\"device_id\": \"mains\", \"type\": \"energy_meter\"}", NULL));
    g_ptr_array_add (registry, json_from_string ("{\"device_id\": \"dryer\", \"type\": \"smart_plug\"}", NULL));
    h = aether_home_new (registry);
    aether_alert_engine_set_home (f->engine, h);
  }

  /* Off-peak: the dryer may run. */
  aether_alert_engine_set_rate_period (f->engine, "off_peak");
  feed (f, "dryer", 2400, 120);
  g_assert_cmpuint (f->fired->len, ==, 0);
  aether_alert_engine_set_rate_period (f->engine, "peak");
  feed (f, "dryer", 2400, 61);
  g_assert_cmpuint (f->fired->len, ==, 1);

  aether_alert_engine_set_costs (f->engine, 4.99, 80);
  g_assert_cmpuint (f->fired->len, ==, 1);
  aether_alert_engine_set_costs (f->engine, 5.01, 80);
  g_assert_cmpuint (f->fired->len, ==, 2);

  /* 2 kW for the first 5 minutes of a quarter hour, then 8 kW: the
   * quarter's average is heading past 4 kW before it ends. */
  aether_clock_set_us (f->clock, (MONDAY + 3600) * G_USEC_PER_SEC);
  feed (f, "mains", 2000, 300);
  g_assert_cmpuint (f->fired->len, ==, 2);
  feed (f, "mains", 8000, 2);
  g_assert_cmpuint (f->fired->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (f->fired, 2), ==, "demand");
}

static void
test_history_keeps_ninety_days (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule =
    rule_from ("{\"alert_id\": \"x\", \"name\": \"X\", \"conditions\": {\"type\": \"threshold\","
               " \"device_id\": \"plug\", \"operator\": \"greater_than\", \"threshold\": 1, \"cooldown_seconds\": 0}}");

  aether_alert_engine_add_rule (f->engine, rule);
  feed (f, "plug", 5, 1);
  feed (f, "plug", 0, 1);
  aether_clock_set_us (f->clock, (MONDAY + 91 * 86400) * G_USEC_PER_SEC);
  feed (f, "plug", 5, 1);
  g_assert_cmpuint (aether_alert_engine_get_history (f->engine)->len, ==, 3);
  g_assert_cmpuint (aether_alert_engine_prune_history (f->engine, 90), ==, 2);
  g_assert_cmpuint (aether_alert_engine_get_history (f->engine)->len, ==, 1);
}

/* End to end: the collector polls the demo home's water heater, the engine
 * sees it draw 3 kW, and the automation switches the simulated relay off
 * after its delay. */
typedef struct
{
  AetherDeviceProvider *provider;
  JsonObject           *config;
  AetherAlertEngine    *engine;
} Switcher;

static void
on_switched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Switcher *s = user_data;
  g_autoptr(GError) error = NULL;

  if (aether_device_provider_set_state_finish (AETHER_DEVICE_PROVIDER (object), result, &error))
    aether_alert_engine_record_action_result (s->engine, "hot-water", "Turned Water Heater off");
  else
    aether_alert_engine_record_action_result (s->engine, "hot-water", error->message);
}

static void
do_automation (AetherAlertEngine *engine,
               AetherAlertRule   *rule,
               const char        *device_id,
               gboolean           turn_on,
               Switcher          *s)
{
  aether_device_provider_set_state_async (s->provider, s->config, 0, turn_on, NULL, on_switched, s);
}

static void
forward_reading (AetherCollector *collector,
                 gpointer         reading,
                 AetherAlertEngine *engine)
{
  aether_alert_engine_process_reading (engine, reading);
}

static void
test_automation_switches_simulated_device (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(AetherAlertRule) rule =
    rule_from ("{\"alert_id\": \"hot-water\", \"name\": \"Water Heater On\", \"conditions\": {\"type\": \"threshold\","
               " \"device_id\": \"water_heater\", \"operator\": \"greater_than\", \"threshold\": 2500,"
               " \"duration_seconds\": 60},"
               " \"actions\": [{\"type\": \"automation\", \"action\": \"turn_off\", \"delay_seconds\": 120}]}");
  g_autoptr(AetherCollector) collector = NULL;
  g_autoptr(AetherDeviceProvider) provider = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"plugin_config\": {\"sim_device\": \"water_heater\", \"seed\": 3,"
                                               " \"polling_interval\": 5}}", NULL);
  AetherSimHome *home;
  Switcher s;
  GPtrArray *history;

  aether_sim_home_reset_all ();
  aether_clock_set_default (f->clock);
  /* Monday 06:25; the heater comes on at 06:30. */
  aether_clock_set_us (f->clock, (MONDAY + 6 * 3600 + 25 * 60) * G_USEC_PER_SEC);

  provider = g_object_new (SIMULATOR_TYPE_PROVIDER, NULL);
  s.provider = provider;
  s.config = json_node_get_object (node);
  s.engine = f->engine;
  collector = aether_collector_new (f->clock);
  g_assert_true (aether_collector_add_device (collector, "water_heater", provider, s.config, NULL));
  g_signal_connect (collector, "reading", G_CALLBACK (forward_reading), f->engine);
  g_signal_connect (f->engine, "automation", G_CALLBACK (do_automation), &s);
  aether_alert_engine_set_device (f->engine, "water_heater", "Water Heater", "utility", TRUE);
  aether_alert_engine_add_rule (f->engine, rule);
  aether_collector_start (collector);

  home = aether_sim_home_get (3, 0);
  for (guint i = 0; i < 15 * 60; i++)
    {
      aether_clock_advance_us (f->clock, G_USEC_PER_SEC);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      if (i == 5 * 60 + 60 + 100)
        g_assert_true (aether_sim_home_get_on (home, AETHER_SIM_WATER_HEATER));
    }

  g_assert_cmpuint (f->fired->len, ==, 1);
  g_assert_cmpuint (f->automations->len, ==, 1);
  g_assert_false (aether_sim_home_get_on (home, AETHER_SIM_WATER_HEATER));
  /* Off means 0 W, so the rule cleared. */
  g_assert_cmpuint (f->cleared->len, ==, 1);

  history = aether_alert_engine_get_history (f->engine);
  g_assert_cmpstr (((AetherAlertHistoryEntry *)g_ptr_array_index (history, 1))->detail, ==,
                   "Turned Water Heater off");

  aether_collector_stop (collector, NULL);
  aether_clock_set_default (NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/alerts/rule/seed-example-round-trips", test_seed_example_round_trips);
  ADD ("/alerts/rule/bad-rules-say-what-is-wrong", test_bad_rules_say_what_is_wrong);
  ADD ("/alerts/engine/fires-once-when-duration-reached", test_fires_once_when_duration_reached);
  ADD ("/alerts/engine/short-spike-does-not-fire", test_short_spike_does_not_fire);
  ADD ("/alerts/engine/clears-with-hysteresis-and-cooldown", test_clears_with_hysteresis_and_cooldown);
  ADD ("/alerts/engine/active-hours-across-midnight", test_active_hours_across_midnight);
  ADD ("/alerts/engine/automation-after-delay", test_automation_after_delay);
  ADD ("/alerts/engine/automation-cancelled-when-condition-clears", test_automation_cancelled_when_condition_clears);
  ADD ("/alerts/engine/offline-device", test_offline_device);
  ADD ("/alerts/engine/room-and-home-totals", test_room_and_home_totals);
  ADD ("/alerts/engine/rate-period-cost-and-demand", test_rate_period_cost_and_demand);
  ADD ("/alerts/engine/history-keeps-ninety-days", test_history_keeps_ninety_days);
  ADD ("/alerts/engine/automation-switches-simulated-device", test_automation_switches_simulated_device);
#undef ADD

  return g_test_run ();
}
