/* aether-standby.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The always-on load, written once: the lowest power held for a whole
 * window (half an hour) in the last days (a week). */
#define AETHER_STANDBY_WINDOW_S  (30 * 60)
#define AETHER_STANDBY_DAYS      7
/* At least this many windows with data, else it is not known yet. */
#define AETHER_STANDBY_MIN_WINDOWS 24

gboolean aether_standby_lowest      (const double  *window_means,
                                     const guint64 *window_counts,
                                     guint          n_windows,
                                     double        *watts);
double   aether_standby_yearly_kwh  (double         watts);
double   aether_standby_yearly_cost (double         watts,
                                     double         energy_wh,
                                     double         cost);

G_END_DECLS
