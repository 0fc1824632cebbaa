/* aether-tariff-intervals.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Readings (the storage CSV form) to each device's energy per interval,
 * by the one energy rule (model/aether-energy-rule.c): what `rates cost`
 * and `rates bill` price a file of readings with. */

#define G_LOG_DOMAIN "aether-tariff"

#include "config.h"

#include "aether-error.h"
#include "aether-reading.h"
#include "aether-tariff.h"
#include "model/aether-energy-rule.h"
#include "model/aether-units.h"

static void
free_interval_array (gpointer data)
{
  g_array_unref (data);
}

typedef struct
{
  GArray *buckets;
  gint64  base_s;
  gint64  interval_s;
} Spread;

static void
spread_part (gint64                   bucket_start_us,
             const AetherEnergySplit *part,
             gpointer                 user_data)
{
  Spread *sp = user_data;
  gint64 index = (bucket_start_us / G_USEC_PER_SEC - sp->base_s) / sp->interval_s;
  AetherEnergyInterval *iv;

  if (index < 0)
    return;

  if ((guint)index >= sp->buckets->len)
    {
      guint old = sp->buckets->len;

      g_array_set_size (sp->buckets, (guint)index + 1);
      for (guint i = old; i < sp->buckets->len; i++)
        {
          iv = &g_array_index (sp->buckets, AetherEnergyInterval, i);
          iv->start_s = sp->base_s + (gint64)i * sp->interval_s;
          iv->end_s = iv->start_s + sp->interval_s;
        }
    }
  iv = &g_array_index (sp->buckets, AetherEnergyInterval, index);
  iv->energy_kwh += part->imported_wh / 1000.0;
  iv->exported_kwh += part->exported_wh / 1000.0;
}

typedef struct
{
  AetherEnergyCadence cadence;
  gboolean            have_prev;
  gint64              prev_us;
  double              prev_value;
} DeviceEnergy;

/**
 * aether_energy_intervals_from_readings:
 * @readings: (element-type AetherReading): readings in the storage CSV form
 * @interval_s: the length of an interval
 * @error: a location for a #GError
 *
 * Derives each device's energy per interval: from its `energy` counter
 * (Wh or kWh) when it has one, otherwise from its `power` (W or kW) by the
 * trapezoid rule, never across a gap of more than three sampling intervals.
 *
 * Returns: (transfer full) (element-type utf8 GArray): device id → its
 *   #AetherEnergyInterval array, aligned to @interval_s
 */
GHashTable *
aether_energy_intervals_from_readings (GArray  *readings,
                                       gint64   interval_s,
                                       GError **error)
{
  g_autoptr(GHashTable) result = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_interval_array);
  g_autoptr(GHashTable) has_counter = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) devices = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  gint64 base = G_MAXINT64;

  g_return_val_if_fail (readings != NULL, NULL);
  g_return_val_if_fail (interval_s > 0, NULL);

  for (guint i = 0; i < readings->len; i++)
    {
      AetherReading *r = &g_array_index (readings, AetherReading, i);

      if (g_str_equal (r->metric_type, "energy"))
        g_hash_table_add (has_counter, r->device_id);
      base = MIN (base, r->timestamp_us / G_USEC_PER_SEC);
    }

  if (readings->len == 0)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "There are no readings");
      return NULL;
    }

  base -= ((base % interval_s) + interval_s) % interval_s;

  for (guint i = 0; i < readings->len; i++)
    {
      AetherReading *r = &g_array_index (readings, AetherReading, i);
      gboolean counter = g_hash_table_contains (has_counter, r->device_id);
      DeviceEnergy *dev;
      GArray *buckets;
      const char *canonical;
      double factor;
      double value;

      if (counter ? !g_str_equal (r->metric_type, "energy") : !g_str_equal (r->metric_type, "power"))
        continue;

      if (!aether_normalize_unit (r->metric_type, r->unit, &factor, &canonical))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "“%s” is not a unit of %s (use W or kW for power, Wh or kWh for energy)",
                       r->unit, r->metric_type);
          return NULL;
        }
      value = r->value * factor;

      if (!(dev = g_hash_table_lookup (devices, r->device_id)))
        {
          /* The sampling interval is learned from the samples, as the
           * store learns it. */
          dev = g_new0 (DeviceEnergy, 1);
          g_hash_table_insert (devices, r->device_id, dev);
        }
      if (!(buckets = g_hash_table_lookup (result, r->device_id)))
        {
          buckets = g_array_new (FALSE, TRUE, sizeof (AetherEnergyInterval));
          g_hash_table_insert (result, g_strdup (r->device_id), buckets);
        }

      if (dev->have_prev && r->timestamp_us > dev->prev_us)
        {
          gint64 dt_us = r->timestamp_us - dev->prev_us;
          Spread sp = { buckets, base, interval_s };

          if (counter)
            {
              AetherEnergySplit whole;

              aether_energy_rule_counter (dev->prev_value, value, &whole);
              aether_energy_rule_spread_counter (dev->prev_us, r->timestamp_us, &whole,
                                                 base * G_USEC_PER_SEC, interval_s * G_USEC_PER_SEC,
                                                 spread_part, &sp);
            }
          else if (!aether_energy_rule_is_gap (&dev->cadence, dt_us))
            aether_energy_rule_spread_power (dev->prev_us, dev->prev_value, r->timestamp_us, value,
                                             base * G_USEC_PER_SEC, interval_s * G_USEC_PER_SEC,
                                             spread_part, &sp);
          aether_energy_rule_learn (&dev->cadence, dt_us);
        }
      else if (dev->have_prev)
        continue;   /* out of order, or a clock that went back: not a segment */

      dev->have_prev = TRUE;
      dev->prev_us = r->timestamp_us;
      dev->prev_value = value;

      if (!counter)
        {
          gint64 index = (r->timestamp_us / G_USEC_PER_SEC - base) / interval_s;

          if ((guint)index < buckets->len)
            g_array_index (buckets, AetherEnergyInterval, index).peak_w =
              MAX (g_array_index (buckets, AetherEnergyInterval, index).peak_w, value);
        }
    }

  return g_steal_pointer (&result);
}
