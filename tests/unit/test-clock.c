/* test-clock.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "aether-core.h"

#define T0 G_GINT64_CONSTANT (1705312800000000) /* 2024-01-15T10:00:00Z */

typedef struct
{
  AetherClock *clock;
  GArray      *fired_at;
  guint        remaining;
} TimerLog;

static gboolean
record_tick (gpointer user_data)
{
  TimerLog *log = user_data;
  gint64 now = aether_clock_now_us (log->clock);

  g_array_append_val (log->fired_at, now);

  if (log->remaining > 0 && --log->remaining == 0)
    return G_SOURCE_REMOVE;

  return G_SOURCE_CONTINUE;
}

static void
test_system_clock_reads_real_time (void)
{
  AetherClock *clock = aether_clock_get_system ();
  gint64 before = g_get_real_time ();
  gint64 now = aether_clock_now_us (clock);
  gint64 after = g_get_real_time ();

  g_assert_false (aether_clock_is_manual (clock));
  g_assert_cmpint (now, >=, before);
  g_assert_cmpint (now, <=, after);
  g_assert_true (clock == aether_clock_get_system ());
}

static void
test_manual_clock_only_moves_when_told (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (T0);

  g_assert_true (aether_clock_is_manual (clock));
  g_assert_cmpint (aether_clock_now_us (clock), ==, T0);
  g_usleep (1000);
  g_assert_cmpint (aether_clock_now_us (clock), ==, T0);

  aether_clock_advance_us (clock, 90 * G_USEC_PER_SEC);
  g_assert_cmpint (aether_clock_now_s (clock), ==, T0 / G_USEC_PER_SEC + 90);
}

static void
test_manual_clock_fires_timers_at_their_deadlines (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (T0);
  TimerLog log = { clock, g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };

  aether_clock_add_timeout (clock, 1000, record_tick, &log, NULL);

  /* A whole day in one call: 86400 ticks, each at its own second. */
  aether_clock_advance_us (clock, (gint64)86400 * G_USEC_PER_SEC);

  g_assert_cmpuint (log.fired_at->len, ==, 86400);
  g_assert_cmpint (g_array_index (log.fired_at, gint64, 0), ==, T0 + G_USEC_PER_SEC);
  g_assert_cmpint (g_array_index (log.fired_at, gint64, 86399), ==, T0 + (gint64)86400 * G_USEC_PER_SEC);

  g_array_unref (log.fired_at);
}

static void
test_manual_clock_interleaves_timers_in_order (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (T0);
  TimerLog fast = { clock, g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  TimerLog slow = { clock, g_array_new (FALSE, FALSE, sizeof (gint64)), 2 };

  aether_clock_add_timeout (clock, 300, record_tick, &fast, NULL);
  aether_clock_add_timeout (clock, 1000, record_tick, &slow, NULL);

  aether_clock_advance_us (clock, 3 * G_USEC_PER_SEC);

  /* The slow timer removed itself after two ticks. */
  g_assert_cmpuint (slow.fired_at->len, ==, 2);
  g_assert_cmpint (g_array_index (slow.fired_at, gint64, 1), ==, T0 + 2 * G_USEC_PER_SEC);
  g_assert_cmpuint (fast.fired_at->len, ==, 10);
  for (guint i = 1; i < fast.fired_at->len; i++)
    g_assert_cmpint (g_array_index (fast.fired_at, gint64, i) -
                     g_array_index (fast.fired_at, gint64, i - 1), ==, 300000);

  g_array_unref (fast.fired_at);
  g_array_unref (slow.fired_at);
}

static void
on_jumped (AetherClock *clock,
           gint64       delta_us,
           gpointer     user_data)
{
  *(gint64 *)user_data = delta_us;
}

static void
test_manual_clock_jump_skips_timers_and_says_so (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (T0);
  TimerLog log = { clock, g_array_new (FALSE, FALSE, sizeof (gint64)), 0 };
  gint64 jumped = 0;
  guint id;

  id = aether_clock_add_timeout (clock, 1000, record_tick, &log, NULL);
  g_signal_connect (clock, "jumped", G_CALLBACK (on_jumped), &jumped);

  /* A suspend of an hour: no timer fires for the time spent asleep. */
  aether_clock_set_us (clock, T0 + (gint64)3600 * G_USEC_PER_SEC);
  g_assert_cmpint (jumped, ==, (gint64)3600 * G_USEC_PER_SEC);
  g_assert_cmpuint (log.fired_at->len, ==, 0);

  aether_clock_advance_us (clock, G_USEC_PER_SEC);
  g_assert_cmpuint (log.fired_at->len, ==, 1);

  aether_clock_remove_timeout (clock, id);
  aether_clock_advance_us (clock, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (log.fired_at->len, ==, 1);

  g_array_unref (log.fired_at);
}

static void
test_manual_clock_local_time_follows_zone (void)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (T0);
  g_autoptr(GTimeZone) la = g_time_zone_new_identifier ("America/Los_Angeles");
  g_autoptr(GDateTime) local = NULL;

  g_assert_nonnull (la);
  local = aether_clock_now_local (clock, la);
  g_assert_cmpint (g_date_time_get_hour (local), ==, 2);
  g_assert_cmpint (g_date_time_get_day_of_month (local), ==, 15);
}

static void
test_error_domain_is_stable (void)
{
  g_autoptr(GError) error = g_error_new (AETHER_ERROR, AETHER_ERROR_VERSION_TOO_NEW, "x");

  g_assert_true (g_error_matches (error, AETHER_ERROR, AETHER_ERROR_VERSION_TOO_NEW));
  g_assert_cmpstr (g_quark_to_string (AETHER_ERROR), ==, "aether-error-quark");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/clock/system/reads-real-time", test_system_clock_reads_real_time);
  g_test_add_func ("/clock/manual/only-moves-when-told", test_manual_clock_only_moves_when_told);
  g_test_add_func ("/clock/manual/fires-timers-at-deadlines", test_manual_clock_fires_timers_at_their_deadlines);
  g_test_add_func ("/clock/manual/interleaves-timers-in-order", test_manual_clock_interleaves_timers_in_order);
  g_test_add_func ("/clock/manual/jump-skips-timers", test_manual_clock_jump_skips_timers_and_says_so);
  g_test_add_func ("/clock/manual/local-time-follows-zone", test_manual_clock_local_time_follows_zone);
  g_test_add_func ("/error/domain-is-stable", test_error_domain_is_stable);

  return g_test_run ();
}
