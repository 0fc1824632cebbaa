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

  /* The plug rebooted: its counter starts again from zero. */
  g_assert_true (aether_energy_meter_push_counter (meter, S (20), 1.25, &step));
  g_assert_true (step.counter_reset);
  g_assert_cmpfloat_with_epsilon (step.delta_wh, 1.25, 1e-9);
  g_assert_cmpuint (aether_energy_meter_get_n_resets (meter), ==, 1);
  g_assert_cmpfloat_with_epsilon (aether_energy_meter_get_total_wh (meter), 3.75, 1e-9);
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

  return g_test_run ();
}
