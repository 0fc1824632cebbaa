/* test-energy-meter.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aether-core.h"

#define S(x) ((gint64)(x) * G_USEC_PER_SEC)

static void
test_trapezoid_integrates_power (void)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));
  AetherEnergyStep step;

  g_assert_false (aether_energy_meter_push_power (meter, S (0), 100, &step));
  /* (100 + 300) / 2 W for 10 s = 2000 J = 0.5555… Wh */
  g_assert_true (aether_energy_meter_push_power (meter, S (10), 300, &step));
  g_assert_cmpfloat_with_epsilon (step.delta_wh, 2000.0 / 3600.0, 1e-12);
  g_assert_cmpint (step.start_us, ==, S (0));
  g_assert_cmpint (step.end_us, ==, S (10));
  g_assert_false (step.gap);

  g_assert_true (aether_energy_meter_push_power (meter, S (20), 300, &step));
  g_assert_cmpfloat_with_epsilon (aether_energy_meter_get_total_wh (meter),
                                  (2000.0 + 3000.0) / 3600.0, 1e-12);
}

static void
test_gap_over_three_intervals_is_not_bridged (void)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));
  AetherEnergyStep step;

  aether_energy_meter_push_power (meter, S (0), 1000, &step);
  /* 30 s is three intervals: still bridged. */
  g_assert_true (aether_energy_meter_push_power (meter, S (30), 1000, &step));
  g_assert_false (step.gap);
  g_assert_cmpfloat_with_epsilon (step.delta_wh, 1000.0 * 30 / 3600, 1e-12);

  /* 31 s later: a gap, no energy invented for it. */
  g_assert_true (aether_energy_meter_push_power (meter, S (61), 1000, &step));
  g_assert_true (step.gap);
  g_assert_cmpfloat (step.delta_wh, ==, 0.0);
  g_assert_cmpuint (aether_energy_meter_get_n_gaps (meter), ==, 1);
  g_assert_cmpfloat_with_epsilon (aether_energy_meter_get_total_wh (meter), 1000.0 * 30 / 3600, 1e-12);
}

static void
test_counter_deltas_and_reset (void)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));
  AetherEnergyStep step;

  g_assert_false (aether_energy_meter_push_counter (meter, S (0), 5000.0, &step));
  g_assert_true (aether_energy_meter_push_counter (meter, S (10), 5002.5, &step));
  g_assert_cmpfloat_with_epsilon (step.delta_wh, 2.5, 1e-9);

  /* The plug rebooted: its counter starts again from zero. What it
   * counted since is added once the next reading shows it did not flap. */
  g_assert_true (aether_energy_meter_push_counter (meter, S (20), 1.25, &step));
  g_assert_true (step.counter_reset);
  g_assert_cmpfloat (step.delta_wh, ==, 0);
  g_assert_cmpuint (aether_energy_meter_get_n_resets (meter), ==, 1);
  g_assert_true (aether_energy_meter_push_counter (meter, S (30), 2.0, &step));
  g_assert_false (step.flap);
  g_assert_cmpfloat_with_epsilon (step.delta_wh, 2.0, 1e-9);
  g_assert_cmpuint (aether_energy_meter_get_n_resets (meter), ==, 1);
  g_assert_cmpfloat_with_epsilon (aether_energy_meter_get_total_wh (meter), 4.5, 1e-9);
}

static void
test_counter_keeps_energy_across_a_gap (void)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));
  AetherEnergyStep step;

  aether_energy_meter_push_counter (meter, S (0), 100.0, &step);
  /* An hour unseen: the device counted it, so it is energy, flagged. */
  g_assert_true (aether_energy_meter_push_counter (meter, S (3600), 160.0, &step));
  g_assert_true (step.gap);
  g_assert_cmpfloat_with_epsilon (step.delta_wh, 60.0, 1e-9);
}

static void
test_counter_wins_over_power (void)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));
  AetherEnergyStep step;

  aether_energy_meter_push_counter (meter, S (0), 10.0, &step);
  aether_energy_meter_push_power (meter, S (0), 3600, &step);
  aether_energy_meter_push_counter (meter, S (10), 20.0, &step);
  /* Power would say 10 Wh as well; it must not be added a second time. */
  g_assert_false (aether_energy_meter_push_power (meter, S (10), 3600, &step));
  g_assert_true (aether_energy_meter_uses_counter (meter));
  g_assert_cmpfloat_with_epsilon (aether_energy_meter_get_total_wh (meter), 10.0, 1e-9);
}

static void
test_break_stops_integration (void)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));
  AetherEnergyStep step;

  aether_energy_meter_push_power (meter, S (0), 500, &step);
  aether_energy_meter_break (meter);
  g_assert_false (aether_energy_meter_push_power (meter, S (10), 500, &step));
  g_assert_cmpfloat (aether_energy_meter_get_total_wh (meter), ==, 0.0);
  g_assert_cmpuint (aether_energy_meter_get_n_gaps (meter), ==, 1);
}

/* The audit's case: a counter that jumps by 10¹² Wh in a minute (2.2e8 USD
 * at the demo tariff) is no energy; the counter goes on from the new value. */
static void
test_counter_jump_is_implausible (void)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (60));
  AetherEnergyStep step;

  aether_energy_meter_set_max_power (meter, 2 * 3680.0);
  aether_energy_meter_push_counter (meter, S (0), 1000.0, &step);
  g_assert_true (aether_energy_meter_push_counter (meter, S (60), 1000.0 + 1e12, &step));
  g_assert_true (step.implausible);
  g_assert_cmpfloat (step.delta_wh, ==, 0);
  g_assert_true (aether_energy_meter_push_counter (meter, S (120), 1000.0 + 1e12 + 50, &step));
  g_assert_false (step.implausible);
  g_assert_cmpfloat_with_epsilon (aether_energy_meter_get_total_wh (meter), 50, 1e-3);

  /* At the limit (2 × 3680 W for a minute, and a counter's 1 Wh) is energy;
   * past it is not. */
  g_assert_true (aether_energy_meter_push_counter (meter, S (180), 1000.0 + 1e12 + 50 + 2 * 3680.0 / 60 + 1, &step));
  g_assert_false (step.implausible);
  g_assert_true (aether_energy_meter_push_counter (meter, S (240), 1000.0 + 1e12 + 50 + 2 * 3680.0 / 30 + 3, &step));
  g_assert_true (step.implausible);
  g_assert_cmpuint (aether_energy_meter_get_n_implausible (meter), ==, 2);

  /* Power alike: a megawatt on a plug is not energy. */
  {
    g_autoptr(AetherEnergyMeter) power = aether_energy_meter_new (S (10));

    aether_energy_meter_set_max_power (power, 2 * 3680.0);
    aether_energy_meter_push_power (power, S (0), 100, &step);
    g_assert_true (aether_energy_meter_push_power (power, S (10), 1e6, &step));
    g_assert_true (step.implausible);
    g_assert_cmpfloat (aether_energy_meter_get_total_wh (power), ==, 0);
  }
}

/* The audit's case: a counter flapping between two values for 75 s (once a
 * second) counted a reset every time, 4.2e7 kWh. A "reset" followed by a
 * return to where it was is a flap: nothing is counted from zero. */
static void
test_counter_flap_is_no_reset (void)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (1));
  AetherEnergyStep step;
  guint n_flaps = 0;

  for (guint i = 0; i <= 75; i++)
    {
      double value = i % 2 == 0 ? 5.6e8 : 1000.0;

      if (aether_energy_meter_push_counter (meter, S (i), value, &step))
        n_flaps += step.flap;
    }
  g_assert_cmpfloat (aether_energy_meter_get_total_wh (meter), ==, 0);
  g_assert_cmpuint (n_flaps, ==, 37);
  g_assert_cmpuint (aether_energy_meter_get_n_flaps (meter), ==, 37);
  g_assert_cmpuint (aether_energy_meter_get_n_resets (meter), ==, 1);   /* the last one, waiting */

  /* Small values alike (a counter's rounding jitter on a new plug), where
   * the energy limit alone would let each "reset" through. */
  {
    g_autoptr(AetherEnergyMeter) jitter = aether_energy_meter_new (S (10));

    for (guint i = 0; i <= 20; i++)
      aether_energy_meter_push_counter (jitter, S (10 * i), i % 2 == 0 ? 50.0 : 49.99, &step);
    g_assert_cmpfloat (aether_energy_meter_get_total_wh (jitter), ==, 0);
    g_assert_cmpuint (aether_energy_meter_get_n_resets (jitter), ==, 0);
  }
}

/* A meter starts where the store says the last one stopped: the counter's
 * delta across the stop is energy; power is bridged by the gap rule only. */
static void
test_restore_bridges_a_stop (void)
{
  AetherEnergyMeterState state = { S (100), 500.0, TRUE, 12000.0, TRUE, 360.0 };
  AetherEnergyStep step;

  {
    g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));

    aether_energy_meter_restore (meter, &state);
    g_assert_cmpfloat (aether_energy_meter_get_total_wh (meter), ==, 500.0);
    /* Stopped for ten minutes: the counter counted 60 Wh meanwhile. */
    g_assert_true (aether_energy_meter_push_counter (meter, S (700), 12060.0, &step));
    g_assert_true (step.gap);
    g_assert_cmpfloat_with_epsilon (step.delta_wh, 60.0, 1e-9);
    g_assert_cmpfloat_with_epsilon (aether_energy_meter_get_total_wh (meter), 560.0, 1e-9);
    /* Its power adds nothing beside the counter. */
    g_assert_false (aether_energy_meter_push_power (meter, S (700), 360.0, &step) && step.delta_wh > 0);
  }

  state.have_counter = FALSE;
  {
    g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));

    /* 25 s later: within three intervals, bridged by the line. */
    aether_energy_meter_restore (meter, &state);
    g_assert_true (aether_energy_meter_push_power (meter, S (125), 360.0, &step));
    g_assert_false (step.gap);
    g_assert_cmpfloat_with_epsilon (step.delta_wh, 360.0 * 25 / 3600, 1e-9);
  }
  {
    g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (S (10));

    /* 31 s later: a gap, nothing invented. */
    aether_energy_meter_restore (meter, &state);
    g_assert_true (aether_energy_meter_push_power (meter, S (131), 360.0, &step));
    g_assert_true (step.gap);
    g_assert_cmpfloat (aether_energy_meter_get_total_wh (meter), ==, 500.0);
  }
}

/* The limit, from the seed's Device: twice its rated power, else 25 kW a
 * channel, 250 kW for a meter. */
static void
test_max_power_from_the_device (void)
{
  static const struct { const char *json; double watts; } cases[] = {
    { "{\"type\": \"smart_plug\", \"metadata\": {\"nominal_power\": 2500}}", 5000 },
    { "{\"type\": \"smart_plug\"}", AETHER_ENERGY_DEFAULT_MAX_POWER_W },
    { "{\"type\": \"smart_plug\", \"metadata\": {\"nominal_power\": \"lots\"}}", AETHER_ENERGY_DEFAULT_MAX_POWER_W },
    { "{\"type\": \"smart_plug\", \"metadata\": {\"nominal_power\": -5}}", AETHER_ENERGY_DEFAULT_MAX_POWER_W },
    { "{\"type\": \"energy_meter\"}", AETHER_ENERGY_METER_MAX_POWER_W },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);

      g_assert_cmpfloat (aether_energy_rule_max_power_w (json_node_get_object (node)), ==, cases[i].watts);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/collect/energy/trapezoid-integrates-power", test_trapezoid_integrates_power);
  g_test_add_func ("/collect/energy/gap-over-three-intervals-not-bridged", test_gap_over_three_intervals_is_not_bridged);
  g_test_add_func ("/collect/energy/counter-deltas-and-reset", test_counter_deltas_and_reset);
  g_test_add_func ("/collect/energy/counter-keeps-energy-across-gap", test_counter_keeps_energy_across_a_gap);
  g_test_add_func ("/collect/energy/counter-wins-over-power", test_counter_wins_over_power);
  g_test_add_func ("/collect/energy/break-stops-integration", test_break_stops_integration);
  g_test_add_func ("/collect/energy/counter-jump-is-implausible", test_counter_jump_is_implausible);
  g_test_add_func ("/collect/energy/counter-flap-is-no-reset", test_counter_flap_is_no_reset);
  g_test_add_func ("/collect/energy/restore-bridges-a-stop", test_restore_bridges_a_stop);
  g_test_add_func ("/collect/energy/max-power-from-the-device", test_max_power_from_the_device);

  return g_test_run ();
}
