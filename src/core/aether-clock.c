/* aether-clock.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every time-dependent piece of the core asks an AetherClock for the time and
 * for its timers instead of calling g_get_real_time() or g_timeout_add().
 * The system clock forwards to GLib. A manual clock only moves when a test
 * tells it to, and fires the timers that fall due on the way, in deadline
 * order, so a test can run days of collection, rollups and alerts in
 * milliseconds and get the same answer every time. */

#define G_LOG_DOMAIN "aether-clock"

#include "config.h"

#include "aether-clock.h"

typedef struct
{
  guint           id;
  gint64          deadline_us;
  gint64          interval_us;
  AetherClockFunc func;
  gpointer        user_data;
  GDestroyNotify  notify;
  guint           removed : 1;
} ManualTimer;

struct _AetherClock
{
  GObject    parent_instance;

  /* Owned; manual clocks only */
  GPtrArray *timers;

  gint64     now_us;
  guint      last_timer_id;
  guint      dispatching;
  guint      manual : 1;
};

G_DEFINE_FINAL_TYPE (AetherClock, aether_clock, G_TYPE_OBJECT)

enum {
  JUMPED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
manual_timer_free (gpointer data)
{
  ManualTimer *timer = data;

  if (timer->notify != NULL)
    timer->notify (timer->user_data);
  g_free (timer);
}

static void
aether_clock_finalize (GObject *object)
{
  AetherClock *self = (AetherClock *)object;

  g_clear_pointer (&self->timers, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_clock_parent_class)->finalize (object);
}

static void
aether_clock_class_init (AetherClockClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aether_clock_finalize;

  /**
   * AetherClock::jumped:
   * @self: the clock
   * @delta_us: how far the clock moved, in microseconds (negative when it went back)
   *
   * Emitted when a manual clock is set to a new time with aether_clock_set_us(),
   * as a wall clock does after a suspend or an NTP correction.
   */
  signals[JUMPED] =
    g_signal_new ("jumped",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);
}

static void
aether_clock_init (AetherClock *self)
{
}

/**
 * aether_clock_get_system:
 *
 * Returns: (transfer none): the clock that reads the real time
 */
AetherClock *
aether_clock_get_system (void)
{
  static AetherClock *system_clock;

  if (g_once_init_enter (&system_clock))
    g_once_init_leave (&system_clock, g_object_new (AETHER_TYPE_CLOCK, NULL));

  return system_clock;
}

static AetherClock *default_clock;

/**
 * aether_clock_get_default:
 *
 * The clock for code that has no other way to be handed one, such as a
 * plugin's provider created by libpeas. The system clock unless a test or
 * an accelerated run set another.
 *
 * Returns: (transfer none): the default clock
 */
AetherClock *
aether_clock_get_default (void)
{
  if (default_clock != NULL)
    return default_clock;

  return aether_clock_get_system ();
}

/**
 * aether_clock_set_default:
 * @clock: (nullable): the clock, or %NULL for the system clock
 *
 * Sets the clock aether_clock_get_default() returns.
 */
void
aether_clock_set_default (AetherClock *clock)
{
  g_return_if_fail (!clock || AETHER_IS_CLOCK (clock));

  g_set_object (&default_clock, clock);
}

/**
 * aether_clock_new_manual:
 * @start_unix_us: the time the clock starts at, in microseconds since the epoch
 *
 * Returns: (transfer full): a clock that only moves when told to
 */
AetherClock *
aether_clock_new_manual (gint64 start_unix_us)
{
  AetherClock *self = g_object_new (AETHER_TYPE_CLOCK, NULL);

  self->manual = TRUE;
  self->now_us = start_unix_us;
  self->timers = g_ptr_array_new_with_free_func (manual_timer_free);

  return self;
}

gboolean
aether_clock_is_manual (AetherClock *self)
{
  g_return_val_if_fail (AETHER_IS_CLOCK (self), FALSE);

  return self->manual;
}

/**
 * aether_clock_now_us:
 * @self: a clock
 *
 * Returns: the wall-clock time in microseconds since the Unix epoch
 */
gint64
aether_clock_now_us (AetherClock *self)
{
  g_return_val_if_fail (AETHER_IS_CLOCK (self), 0);

  if (self->manual)
    return self->now_us;

  return g_get_real_time ();
}

gint64
aether_clock_now_s (AetherClock *self)
{
  return aether_clock_now_us (self) / G_USEC_PER_SEC;
}

/**
 * aether_clock_now_local:
 * @self: a clock
 * @tz: (nullable): a time zone, or %NULL for the local one
 *
 * Returns: (transfer full): the current time in @tz
 */
GDateTime *
aether_clock_now_local (AetherClock *self,
                        GTimeZone   *tz)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GTimeZone) local = NULL;
  gint64 now_us;

  g_return_val_if_fail (AETHER_IS_CLOCK (self), NULL);

  now_us = aether_clock_now_us (self);
  utc = g_date_time_new_from_unix_utc (now_us / G_USEC_PER_SEC);
  utc = g_date_time_add (g_steal_pointer (&utc), now_us % G_USEC_PER_SEC);

  if (tz == NULL)
    tz = local = g_time_zone_new_local ();

  return g_date_time_to_timezone (utc, tz);
}

static ManualTimer *
find_due_timer (AetherClock *self,
                gint64       until_us)
{
  ManualTimer *best = NULL;

  for (guint i = 0; i < self->timers->len; i++)
    {
      ManualTimer *timer = g_ptr_array_index (self->timers, i);

      if (timer->removed || timer->deadline_us > until_us)
        continue;

      /* Ties fire in the order the timers were added, like GLib's. */
      if (best == NULL ||
          timer->deadline_us < best->deadline_us ||
          (timer->deadline_us == best->deadline_us && timer->id < best->id))
        best = timer;
    }

  return best;
}

static void
sweep_removed_timers (AetherClock *self)
{
  for (guint i = self->timers->len; i > 0; i--)
    {
      ManualTimer *timer = g_ptr_array_index (self->timers, i - 1);

      if (timer->removed)
        g_ptr_array_remove_index (self->timers, i - 1);
    }
}

/**
 * aether_clock_advance_us:
 * @self: a manual clock
 * @delta_us: how far to move, in microseconds; must not be negative
 *
 * Moves the clock forward, firing every timer that falls due on the way at
 * its own deadline, in order. Work the timers start (main-loop sources that
 * are not clock timers) is not run; iterate the main context for that.
 */
void
aether_clock_advance_us (AetherClock *self,
                         gint64       delta_us)
{
  gint64 target_us;
  ManualTimer *timer;

  g_return_if_fail (AETHER_IS_CLOCK (self));
  g_return_if_fail (self->manual);
  g_return_if_fail (delta_us >= 0);

  g_object_ref (self);

  target_us = self->now_us + delta_us;
  self->dispatching++;

  while ((timer = find_due_timer (self, target_us)))
    {
      self->now_us = MAX (self->now_us, timer->deadline_us);

      if (timer->func (timer->user_data) == G_SOURCE_CONTINUE && !timer->removed)
        timer->deadline_us += timer->interval_us;
      else
        timer->removed = TRUE;
    }

  self->now_us = target_us;
  if (--self->dispatching == 0)
    sweep_removed_timers (self);

  g_object_unref (self);
}

/**
 * aether_clock_set_us:
 * @self: a manual clock
 * @unix_us: the new time
 *
 * Jumps the clock without firing timers, as a wall clock does across a suspend,
 * and emits #AetherClock::jumped. Timers keep their intervals from the new time.
 */
void
aether_clock_set_us (AetherClock *self,
                     gint64       unix_us)
{
  gint64 delta_us;

  g_return_if_fail (AETHER_IS_CLOCK (self));
  g_return_if_fail (self->manual);

  delta_us = unix_us - self->now_us;
  self->now_us = unix_us;

  for (guint i = 0; i < self->timers->len; i++)
    {
      ManualTimer *timer = g_ptr_array_index (self->timers, i);
      timer->deadline_us = unix_us + timer->interval_us;
    }

  g_signal_emit (self, signals[JUMPED], 0, delta_us);
}

/**
 * aether_clock_add_timeout:
 * @self: a clock
 * @interval_ms: the period, in milliseconds
 * @func: called every @interval_ms until it returns %G_SOURCE_REMOVE
 * @user_data: data for @func
 * @notify: (nullable): frees @user_data when the timeout is removed
 *
 * Returns: an id for aether_clock_remove_timeout(), never 0
 */
guint
aether_clock_add_timeout (AetherClock     *self,
                          guint            interval_ms,
                          AetherClockFunc  func,
                          gpointer         user_data,
                          GDestroyNotify   notify)
{
  ManualTimer *timer;

  g_return_val_if_fail (AETHER_IS_CLOCK (self), 0);
  g_return_val_if_fail (func != NULL, 0);

  /* A second or more is rounded to whole seconds, which share GLib's one
   * wakeup a second with every other such timer of the process: the
   * collector's staggered polls, the offline check and the watchers wake
   * the idle app together instead of one by one. Callers that keep a
   * phase (the collector) count from the time they meant, so the rounding
   * does not drift. Shorter delays ("poll now") stay exact. */
  if (!self->manual && interval_ms >= 1000)
    return g_timeout_add_seconds_full (G_PRIORITY_DEFAULT, (interval_ms + 500) / 1000, func, user_data, notify);
  if (!self->manual)
    return g_timeout_add_full (G_PRIORITY_DEFAULT, interval_ms, func, user_data, notify);

  timer = g_new0 (ManualTimer, 1);
  timer->id = ++self->last_timer_id;
  timer->interval_us = MAX (1, (gint64)interval_ms * 1000);
  timer->deadline_us = self->now_us + timer->interval_us;
  timer->func = func;
  timer->user_data = user_data;
  timer->notify = notify;
  g_ptr_array_add (self->timers, timer);

  return timer->id;
}

void
aether_clock_remove_timeout (AetherClock *self,
                             guint        id)
{
  g_return_if_fail (AETHER_IS_CLOCK (self));
  g_return_if_fail (id != 0);

  if (!self->manual)
    {
      g_source_remove (id);
      return;
    }

  for (guint i = 0; i < self->timers->len; i++)
    {
      ManualTimer *timer = g_ptr_array_index (self->timers, i);

      if (timer->id == id && !timer->removed)
        {
          timer->removed = TRUE;
          if (self->dispatching == 0)
            sweep_removed_timers (self);
          return;
        }
    }

  g_critical ("No clock timeout with id %u", id);
}
