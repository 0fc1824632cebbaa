/* test-collector.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The collector driving the demo home on a manual clock: a day in about a
 * second, checked against the energy the simulator says it used. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "aether-sim-home.h"
#include "simulator-provider.h"

#define T0 G_GINT64_CONSTANT (1705276800)   /* Monday 2024-01-15 00:00:00 UTC */
#define SEED 7

/* A sink that keeps what it is given, like a store that never fails. */
#define TEST_TYPE_SINK (test_sink_get_type ())
G_DECLARE_FINAL_TYPE (TestSink, test_sink, TEST, SINK, GObject)

struct _TestSink
{
  GObject  parent_instance;
  GArray  *readings;
  guint    n_flushes;
};

static void test_sink_iface_init (AetherReadingSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TestSink, test_sink, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AETHER_TYPE_READING_SINK, test_sink_iface_init))

static void
test_sink_push (AetherReadingSink   *sink,
                const AetherReading *reading)
{
  TestSink *self = TEST_SINK (sink);
  AetherReading copy = *reading;

  copy.device_id = g_strdup (reading->device_id);
  copy.metric_type = g_strdup (reading->metric_type);
  copy.unit = g_strdup (reading->unit);
  g_array_append_val (self->readings, copy);
}

static gboolean
test_sink_flush (AetherReadingSink  *sink,
                 GError            **error)
{
  TEST_SINK (sink)->n_flushes++;
  return TRUE;
}

static void
test_sink_iface_init (AetherReadingSinkInterface *iface)
{
  iface->push = test_sink_push;
  iface->flush = test_sink_flush;
}

static void
test_sink_finalize (GObject *object)
{
  g_array_unref (TEST_SINK (object)->readings);
  G_OBJECT_CLASS (test_sink_parent_class)->finalize (object);
}

static void
test_sink_class_init (TestSinkClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_sink_finalize;
}

static void
clear_reading (gpointer data)
{
  aether_reading_clear (data);
}

static void
test_sink_init (TestSink *self)
{
  self->readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_array_set_clear_func (self->readings, clear_reading);
}

typedef struct
{
  AetherClock          *clock;
  AetherCollector      *collector;
  AetherDeviceProvider *provider;
  TestSink             *sink;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  aether_sim_home_reset_all ();
  f->clock = aether_clock_new_manual (T0 * G_USEC_PER_SEC);
  aether_clock_set_default (f->clock);
  f->collector = aether_collector_new (f->clock);
  f->provider = g_object_new (SIMULATOR_TYPE_PROVIDER, NULL);
  f->sink = g_object_new (TEST_TYPE_SINK, NULL);
  aether_collector_add_sink (f->collector, AETHER_READING_SINK (f->sink));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->collector);
  g_clear_object (&f->provider);
  g_clear_object (&f->sink);
  aether_clock_set_default (NULL);
  g_clear_object (&f->clock);
  /* Let cancelled tasks finish. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static JsonObject *
sim_config (const char *kind,
            guint       instance,
            int         interval_s,
            const char *fault)
{
  g_autofree char *json =
    g_strdup_printf ("{\"plugin\": \"simulator\", \"plugin_config\": {\"sim_device\": \"%s\", "
                     "\"seed\": %d, \"instance\": %u, \"polling_interval\": %d, "
                     "\"timeout_seconds\": 2%s%s%s}}",
                     kind, SEED, instance, interval_s,
                     fault ? ", \"fault\": \"" : "", fault ? fault : "", fault ? "\"" : "");
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_object_ref (json_node_get_object (node));
}

static void
add_device (Fixture    *f,
            const char *id,
            JsonObject *config)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aether_collector_add_device (f->collector, id, f->provider, config, &error));
  g_assert_no_error (error);
  json_object_unref (config);
}

typedef struct
{
  gint64 first_us;
  gint64 last_us;
  double first_wh;
  double last_wh;
  guint  n;
} EnergySpan;

static EnergySpan
energy_span (Fixture    *f,
             const char *id)
{
  EnergySpan span = { 0 };

  for (guint i = 0; i < f->sink->readings->len; i++)
    {
      AetherReading *r = &g_array_index (f->sink->readings, AetherReading, i);

      if (!g_str_equal (r->device_id, id) || !g_str_equal (r->metric_type, "energy"))
        continue;
      if (span.n++ == 0)
        {
          span.first_us = r->timestamp_us;
          span.first_wh = r->value;
        }
      span.last_us = r->timestamp_us;
      span.last_wh = r->value;
    }

  return span;
}

/* What the home really used in [from, to), summed second by second. */
static double
true_energy_wh (AetherSimKind kind,
                gint64        from_s,
                gint64        to_s)
{
  AetherSimHome *home = aether_sim_home_get (SEED, 0);
  double wh = 0;

  for (gint64 s = from_s; s < to_s; s++)
    wh += aether_sim_home_power_at (home, kind, s) / 3600.0;

  return wh;
}

static void
test_demo_home_day_energy_matches_simulator (Fixture       *f,
                                             gconstpointer  data)
{
  double sum_devices = 0;
  double untracked = 0;
  EnergySpan mains;

  for (guint k = 0; k < AETHER_SIM_N_KINDS; k++)
    add_device (f, aether_sim_kind_get_info (k)->key,
                sim_config (aether_sim_kind_get_info (k)->key, 0, 10, NULL));

  aether_collector_start (f->collector);
  aether_test_run_for (f->clock, 24 * 3600);

  for (guint k = 0; k < AETHER_SIM_N_KINDS; k++)
    {
      const char *id = aether_sim_kind_get_info (k)->key;
      EnergySpan span = energy_span (f, id);
      double truth = true_energy_wh (k, span.first_us / G_USEC_PER_SEC, span.last_us / G_USEC_PER_SEC);
      double got = span.last_wh - span.first_wh;
      /* Some days the EV stays away and there is no washing. */
      double rel = truth > 0 ? fabs (got - truth) / truth : fabs (got);

      g_test_message ("%-13s %s polls=%u collected=%.2f Wh truth=%.2f Wh error=%.4f%%",
                      id, aether_sim_kind_get_info (k)->has_counter ? "counter" : "power  ",
                      span.n, got, truth, 100 * rel);
      /* One poll every 10 s for a day, give or take the phase. */
      g_assert_cmpuint (span.n, >=, 8630);
      g_assert_cmpfloat (rel, <, 0.005);

      if (k != AETHER_SIM_MAINS)
        sum_devices += got;
    }

  /* The whole-home meter is every plug plus what no plug sees. */
  mains = energy_span (f, "mains");
  {
    AetherSimHome *home = aether_sim_home_get (SEED, 0);

    for (gint64 s = mains.first_us / G_USEC_PER_SEC; s < mains.last_us / G_USEC_PER_SEC; s++)
      untracked += aether_sim_home_untracked_power_at (home, s) / 3600.0;
  }
  g_test_message ("mains %.2f Wh = devices %.2f Wh + untracked %.2f Wh (%.2f)",
                  mains.last_wh - mains.first_wh, sum_devices, untracked, sum_devices + untracked);
  g_assert_cmpfloat (fabs ((mains.last_wh - mains.first_wh) - (sum_devices + untracked)) /
                     (mains.last_wh - mains.first_wh), <, 0.005);

  /* Every device was seen and is online. */
  for (guint k = 0; k < AETHER_SIM_N_KINDS; k++)
    {
      const AetherDeviceStatus *status = aether_collector_get_status (f->collector, aether_sim_kind_get_info (k)->key);

      g_assert_true (status->online);
      g_assert_cmpuint (status->error_count, ==, 0);
      g_assert_cmpint (status->last_seen_us, >, (T0 + 24 * 3600 - 11) * G_USEC_PER_SEC);
    }

  /* The router draws power all day: about 24 h of runtime. */
  g_assert_cmpfloat_with_epsilon (aether_collector_get_status (f->collector, "router")->total_runtime_hours,
                                  24.0, 0.01);
}

static void
test_faulty_devices_go_offline_and_back_off (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(GHashTable) polls = g_hash_table_new (g_str_hash, g_str_equal);
  static const char *faults[] = { "timeout", "error", "nonsense", "auth" };
  const AetherDeviceStatus *status;
  EnergySpan good;

  add_device (f, "good", sim_config ("router", 0, 10, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    add_device (f, faults[i], sim_config ("router", 0, 10, faults[i]));

  aether_collector_start (f->collector);
  aether_test_run_for (f->clock, 600);

  /* The healthy device was not held up: one poll every 10 s. */
  good = energy_span (f, "good");
  g_assert_cmpuint (good.n, >=, 59);
  status = aether_collector_get_status (f->collector, "good");
  g_assert_true (status->online);
  g_assert_cmpuint (status->error_count, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      status = aether_collector_get_status (f->collector, faults[i]);
      g_test_message ("%s: %u errors, last: %s", faults[i], status->error_count, status->last_error);
      g_assert_false (status->online);
      /* Backing off 10, 20, 40, 80, 160, 300 s: about 6 tries in 10 minutes, not 60. */
      g_assert_cmpuint (status->error_count, >=, 4);
      g_assert_cmpuint (status->error_count, <=, 8);
      g_assert_cmpuint (energy_span (f, faults[i]).n, ==, 0);
    }

  g_assert_nonnull (strstr (aether_collector_get_status (f->collector, "timeout")->last_error,
                            "did not answer within 2 s"));
  g_assert_nonnull (strstr (aether_collector_get_status (f->collector, "nonsense")->last_error,
                            "power that is not a number"));
  g_assert_nonnull (strstr (aether_collector_get_status (f->collector, "auth")->last_error,
                            "password"));
}

static void
test_device_recovers_after_backoff (Fixture       *f,
                                    gconstpointer  data)
{
  JsonObject *config = sim_config ("router", 0, 10, "error");
  const AetherDeviceStatus *status;

  json_object_ref (config);
  add_device (f, "flaky", config);
  aether_collector_start (f->collector);
  aether_test_run_for (f->clock, 120);
  status = aether_collector_get_status (f->collector, "flaky");
  g_assert_false (status->online);

  /* The Wi-Fi comes back. */
  json_object_remove_member (json_object_get_object_member (config, "plugin_config"), "fault");
  aether_test_run_for (f->clock, 400);
  status = aether_collector_get_status (f->collector, "flaky");
  g_assert_true (status->online);
  g_assert_cmpuint (status->consecutive_errors, ==, 0);
  g_assert_cmpuint (status->error_count, >=, 3);
  g_assert_null (status->last_error);

  /* And is polled at its interval again. */
  {
    guint before = energy_span (f, "flaky").n;

    aether_test_run_for (f->clock, 100);
    g_assert_cmpuint (energy_span (f, "flaky").n - before, >=, 9);
  }

  json_object_unref (config);
}

static void
test_concurrent_polls_are_capped (Fixture       *f,
                                  gconstpointer  data)
{
  guint max_seen = 0;

  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *id = g_strdup_printf ("hung-%u", i);

      add_device (f, id, sim_config ("router", 0, 5, "timeout"));
    }

  aether_collector_set_max_concurrent (f->collector, 2);
  aether_collector_start (f->collector);

  for (guint i = 0; i < 120; i++)
    {
      aether_test_run_for (f->clock, 1);
      max_seen = MAX (max_seen, aether_collector_get_n_in_flight (f->collector));
    }

  g_assert_cmpuint (max_seen, ==, 2);
  /* Each still had its turn. */
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *id = g_strdup_printf ("hung-%u", i);

      g_assert_cmpuint (aether_collector_get_status (f->collector, id)->error_count, >=, 1);
    }
}

static void
test_clock_jump_is_not_integrated (Fixture       *f,
                                   gconstpointer  data)
{
  EnergySpan span;
  double truth;

  /* The TV is power-only: integrated, so a suspend must not be bridged. */
  add_device (f, "tv", sim_config ("tv", 0, 10, NULL));
  aether_collector_start (f->collector);
  aether_test_run_for (f->clock, 19 * 3600);     /* to 19:00, when the TV goes on */
  aether_test_run_for (f->clock, 600);

  /* Suspend for an hour while the TV draws ~120 W. */
  aether_clock_set_us (f->clock, aether_clock_now_us (f->clock) + (gint64)3600 * G_USEC_PER_SEC);
  aether_test_run_for (f->clock, 600);

  span = energy_span (f, "tv");
  truth = true_energy_wh (AETHER_SIM_TV, span.first_us / G_USEC_PER_SEC, span.last_us / G_USEC_PER_SEC);
  /* The hour asleep holds ~118 Wh the collector must not have invented. */
  g_assert_cmpfloat (span.last_wh - span.first_wh, <, truth - 100.0);
  g_assert_cmpuint (aether_collector_get_n_gaps (f->collector, "tv"), >=, 1);
}

static void
test_stop_flushes_and_polls_no_more (Fixture       *f,
                                     gconstpointer  data)
{
  guint n;
  g_autoptr(GError) error = NULL;

  add_device (f, "router", sim_config ("router", 0, 1, NULL));
  aether_collector_start (f->collector);
  aether_test_run_for (f->clock, 30);

  g_assert_true (aether_collector_stop (f->collector, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->sink->n_flushes, ==, 1);

  n = f->sink->readings->len;
  aether_test_run_for (f->clock, 30);
  g_assert_cmpuint (f->sink->readings->len, ==, n);
  g_assert_false (aether_collector_is_running (f->collector));
}

static void
test_bad_configuration_is_refused (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string ("{\"plugin_config\": {\"polling_interval\": -5}}", NULL);
  JsonObject *config = json_node_get_object (node);

  g_assert_false (aether_collector_add_device (f->collector, "x", f->provider, config, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "Device “x”: plugin_config.polling_interval must be between 1 and 86400 seconds, not -5");

  add_device (f, "dup", sim_config ("tv", 0, 10, NULL));
  g_clear_error (&error);
  g_assert_false (aether_collector_add_device (f->collector, "dup", f->provider,
                                               json_node_get_object (node), &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS);
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static gboolean
set_state (Fixture     *f,
           JsonObject  *config,
           gboolean     on,
           GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_set_state_async (f->provider, config, 0, on, NULL, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return aether_device_provider_set_state_finish (f->provider, result, error);
}

static void
test_switching_off_stops_the_draw (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(JsonObject) router = sim_config ("router", 0, 10, NULL);
  g_autoptr(JsonObject) heat_pump = sim_config ("heat_pump", 0, 10, NULL);
  g_autoptr(GError) error = NULL;
  AetherSimHome *home = aether_sim_home_get (SEED, 0);

  g_assert_true (set_state (f, router, FALSE, &error));
  g_assert_no_error (error);
  g_assert_false (aether_sim_home_get_on (home, AETHER_SIM_ROUTER));
  g_assert_cmpfloat (aether_sim_home_power_at (home, AETHER_SIM_ROUTER, T0), ==, 0.0);

  g_assert_true (set_state (f, router, TRUE, &error));
  g_assert_cmpfloat (aether_sim_home_power_at (home, AETHER_SIM_ROUTER, T0), >, 8.0);

  /* The heat pump has no relay, and says so. */
  g_assert_false (set_state (f, heat_pump, FALSE, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED);
  g_assert_cmpstr (error->message, ==, "Heat Pump cannot be switched on or off");
  g_assert_true (aether_sim_home_get_on (home, AETHER_SIM_HEAT_PUMP));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/collect/collector/demo-home-day-energy-matches-simulator", test_demo_home_day_energy_matches_simulator);
  ADD ("/collect/collector/faulty-devices-go-offline-and-back-off", test_faulty_devices_go_offline_and_back_off);
  ADD ("/collect/collector/device-recovers-after-backoff", test_device_recovers_after_backoff);
  ADD ("/collect/collector/concurrent-polls-are-capped", test_concurrent_polls_are_capped);
  ADD ("/collect/collector/clock-jump-is-not-integrated", test_clock_jump_is_not_integrated);
  ADD ("/collect/collector/stop-flushes-and-polls-no-more", test_stop_flushes_and_polls_no_more);
  ADD ("/collect/collector/bad-configuration-is-refused", test_bad_configuration_is_refused);
  ADD ("/collect/simulator/switching-off-stops-the-draw", test_switching_off_stops_the_draw);

#undef ADD

  return g_test_run ();
}
