/* aether-standby.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Always-on (standby) load: what a device, or the home, never goes below.
 * One short dip is not a load one lives with, so it is the lowest mean power
 * over a whole window (AETHER_STANDBY_WINDOW_S) in the last
 * AETHER_STANDBY_DAYS days, counting only windows that hold samples. Its
 * yearly cost is that power all year at the average price paid over the
 * same days (cost over energy): what switching it off would save. The
 * Dashboard asks here; the windows are the store's query columns. */

#define G_LOG_DOMAIN "aether-standby"

#include "config.h"

#include <math.h>

#include "aether-standby.h"

/**
 * aether_standby_lowest:
 * @window_means: (array length=n_windows): mean power of each window, W
 * @window_counts: (array length=n_windows): samples in each (0: no data)
 * @n_windows: how many
 * @watts: (out): the always-on load
 *
 * Returns: %FALSE while fewer than %AETHER_STANDBY_MIN_WINDOWS windows have
 *   data
 */
gboolean
aether_standby_lowest (const double  *window_means,
                       const guint64 *window_counts,
                       guint          n_windows,
                       double        *watts)
{
  guint with_data = 0;
  double lowest = INFINITY;

  g_return_val_if_fail (watts != NULL, FALSE);

  for (guint i = 0; i < n_windows; i++)
    {
      if (window_counts[i] == 0 || !isfinite (window_means[i]))
        continue;
      with_data++;
      /* Export is not a load: a meter that feeds the grid is at 0. */
      lowest = MIN (lowest, MAX (window_means[i], 0.0));
    }
  if (with_data < AETHER_STANDBY_MIN_WINDOWS)
    return FALSE;

  *watts = lowest;
  return TRUE;
}

/* A year of @watts, kWh (a year of 365.25 days). */
double
aether_standby_yearly_kwh (double watts)
{
  return watts * 365.25 * 24 / 1000.0;
}

/**
 * aether_standby_yearly_cost:
 * @watts: the always-on load
 * @energy_wh: energy over the days it was found in
 * @cost: what that energy cost
 *
 * Returns: the load's cost over a year at the average price of @energy_wh,
 *   0 when nothing was priced
 */
double
aether_standby_yearly_cost (double watts,
                            double energy_wh,
                            double cost)
{
  if (energy_wh <= 0 || !isfinite (cost))
    return 0;
  return aether_standby_yearly_kwh (watts) * cost / (energy_wh / 1000.0);
}
