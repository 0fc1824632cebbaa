/* aether-clock.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AETHER_TYPE_CLOCK (aether_clock_get_type ())

G_DECLARE_FINAL_TYPE (AetherClock, aether_clock, AETHER, CLOCK, GObject)

/**
 * AetherClockFunc:
 * @user_data: the data passed to aether_clock_add_timeout()
 *
 * Returns: %G_SOURCE_CONTINUE to keep the timeout, %G_SOURCE_REMOVE to drop it
 */
typedef gboolean (*AetherClockFunc) (gpointer user_data);

AetherClock *aether_clock_get_system      (void);
AetherClock *aether_clock_get_default     (void);
void         aether_clock_set_default     (AetherClock     *clock);
AetherClock *aether_clock_new_manual      (gint64           start_unix_us);
gboolean     aether_clock_is_manual       (AetherClock     *self);
gint64       aether_clock_now_us          (AetherClock     *self);
gint64       aether_clock_now_s           (AetherClock     *self);
GDateTime   *aether_clock_now_local       (AetherClock     *self,
                                           GTimeZone       *tz);
void         aether_clock_set_us          (AetherClock     *self,
                                           gint64           unix_us);
void         aether_clock_advance_us      (AetherClock     *self,
                                           gint64           delta_us);
guint        aether_clock_add_timeout     (AetherClock     *self,
                                           guint            interval_ms,
                                           AetherClockFunc  func,
                                           gpointer         user_data,
                                           GDestroyNotify   notify);
void         aether_clock_remove_timeout  (AetherClock     *self,
                                           guint            id);

G_END_DECLS
