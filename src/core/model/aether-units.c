/* aether-units.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one table of units: the store, the collector and the tariff all
 * convert what a device or a CSV says through it, to W, Wh, V and A. */

#define G_LOG_DOMAIN "aether-units"

#include "config.h"

#include <math.h>

#include "aether-error.h"
#include "aether-units.h"

/**
 * aether_normalize_unit:
 * @metric_type: the metric (`power`, `energy`, …)
 * @unit: the unit given with it
 * @factor: (out): what a value in @unit is multiplied by
 * @canonical: (out) (transfer none): the unit it is stored in
 *
 * Returns: %FALSE if @unit is not a unit of a metric we convert
 */
gboolean
aether_normalize_unit (const char  *metric_type,
                       const char  *unit,
                       double      *factor,
                       const char **canonical)
{
  static const struct { const char *metric; const char *unit; double factor; const char *canonical; } table[] = {
    { "power", "W", 1, "W" }, { "power", "w", 1, "W" }, { "power", "watts", 1, "W" }, { "power", "watt", 1, "W" },
    { "power", "kW", 1000, "W" }, { "power", "kw", 1000, "W" }, { "power", "kilowatts", 1000, "W" },
    { "energy", "Wh", 1, "Wh" }, { "energy", "wh", 1, "Wh" }, { "energy", "kWh", 1000, "Wh" },
    { "energy", "kwh", 1000, "Wh" }, { "energy", "watt_hours", 1, "Wh" },
    { "voltage", "V", 1, "V" }, { "voltage", "volts", 1, "V" }, { "voltage", "mV", 0.001, "V" },
    { "current", "A", 1, "A" }, { "current", "amps", 1, "A" }, { "current", "mA", 0.001, "A" },
  };
  gboolean known_metric = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      if (!g_str_equal (metric_type, table[i].metric))
        continue;
      known_metric = TRUE;
      if (g_str_equal (unit, table[i].unit))
        {
          *factor = table[i].factor;
          *canonical = table[i].canonical;
          return TRUE;
        }
    }

  if (known_metric)
    return FALSE;

  /* Metrics we do not convert keep their unit. */
  *factor = 1;
  *canonical = unit;
  return TRUE;
}

/**
 * aether_convert_value:
 * @metric_type: the metric (`power`, `energy`, …)
 * @unit: the unit @value is in
 * @value: the value
 * @converted: (out): @value in the unit it is stored in
 * @error: a location for a #GError
 *
 * Converts a reading to the unit it is stored in and checks the result,
 * not only the input: 1e306 kW is a finite number of kW and an infinite
 * number of W.
 *
 * Returns: %FALSE with %AETHER_ERROR_INVALID_DATA when @unit is not a unit
 *   of @metric_type or the converted value is not a finite number
 */
gboolean
aether_convert_value (const char  *metric_type,
                      const char  *unit,
                      double       value,
                      double      *converted,
                      GError     **error)
{
  const char *canonical = NULL;
  double factor = 1;

  g_return_val_if_fail (metric_type != NULL && unit != NULL, FALSE);

  if (!aether_normalize_unit (metric_type, unit, &factor, &canonical))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "“%s” is not a unit of %s", unit, metric_type);
      return FALSE;
    }

  *converted = value * factor;
  if (!isfinite (*converted))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s %s is not a finite number of %s", metric_type, unit, canonical);
      return FALSE;
    }
  return TRUE;
}
