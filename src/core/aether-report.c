/* aether-report.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The JSON every face prints or serves for a series over a range and for
 * energy totals: `aetherlens-cli db query` / `db energy` and the local
 * API's /api/v1/metrics and /api/v1/energy give the same document. */

#define G_LOG_DOMAIN "aether-report"

#include "config.h"

#include <math.h>

#include "aether-reading.h"
#include "aether-report.h"
#include "model/aether-json.h"
#include "model/aether-home.h"

/**
 * aether_report_series:
 * @key_member: `device_id`, `room` or `type`
 * @key: the device, room or type
 * @metric_type: the metric
 * @tier: the tier the query used
 * @as_samples: whether @buckets are raw samples asked for as such
 * @buckets: (element-type AetherBucket): what the query answered
 *
 * Returns: (transfer full): `{"device_id": …, "metric_type": …, "tier": …,
 *   "buckets": [{"start", "count", "min", "max", "avg", "first", "last",
 *   "p50", "p95"}…]}` (or `"samples": [{"timestamp", "value"}…]`)
 */
JsonNode *
aether_report_series (const char *key_member,
                      const char *key,
                      const char *metric_type,
                      AetherTier  tier,
                      gboolean    as_samples,
                      GArray     *buckets)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, key_member, key);
  aether_json_builder_add_string (builder, "metric_type", metric_type);
  aether_json_builder_add_string (builder, "tier", aether_tier_to_string (tier));
  json_builder_set_member_name (builder, as_samples ? "samples" : "buckets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < buckets->len; i++)
    {
      const AetherBucket *b = &g_array_index (buckets, AetherBucket, i);
      g_autofree char *start = aether_format_timestamp (b->start_us);

      json_builder_begin_object (builder);
      if (as_samples)
        {
          aether_json_builder_add_string (builder, "timestamp", start);
          aether_json_builder_add_double (builder, "value", b->first);
        }
      else
        {
          aether_json_builder_add_string (builder, "start", start);
          aether_json_builder_add_int (builder, "count", (gint64)b->count);
          aether_json_builder_add_double (builder, "min", b->min);
          aether_json_builder_add_double (builder, "max", b->max);
          aether_json_builder_add_double (builder, "avg", b->avg);
          aether_json_builder_add_double (builder, "first", b->first);
          aether_json_builder_add_double (builder, "last", b->last);
          aether_json_builder_add_double (builder, "p50", b->p50);
          aether_json_builder_add_double (builder, "p95", b->p95);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/**
 * aether_report_energy:
 * @store: a store
 * @from_us: the start of the range
 * @to_us: its end
 * @from_text: the start as given
 * @to_text: the end as given
 * @group_by: `device`, `room` or `type`
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): `{"from", "to", "group_by",
 *   "totals": [{"key", "energy_kwh", "exported_kwh", "cost", "co2_kg"}…],
 *   "total": {"counts", "devices", "energy_kwh", …}}`, the total by the
 *   home rule
 */
JsonNode *
aether_report_energy (AetherStore  *store,
                      gint64        from_us,
                      gint64        to_us,
                      const char   *from_text,
                      const char   *to_text,
                      const char   *group_by,
                      GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(AetherHome) home = NULL;
  g_autoptr(GPtrArray) per_device = NULL;
  g_autoptr(GPtrArray) counted = g_ptr_array_new ();
  double sum_wh = 0, sum_cost = 0, sum_co2 = 0, sum_exported_wh = 0;

  if (!(totals = aether_store_energy_totals (store, from_us, to_us, group_by, error)))
    return NULL;

  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "from", from_text);
  aether_json_builder_add_string (builder, "to", to_text);
  aether_json_builder_add_string (builder, "group_by", group_by);
  json_builder_set_member_name (builder, "totals");
  json_builder_begin_array (builder);
  for (guint i = 0; i < totals->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (totals, i);

      json_builder_begin_object (builder);
      aether_json_builder_add_string (builder, "key", t->key);
      aether_json_builder_add_double (builder, "energy_kwh", t->energy_wh / 1000.0);
      aether_json_builder_add_double (builder, "exported_kwh", t->exported_wh / 1000.0);
      aether_json_builder_add_double (builder, "cost", t->cost);
      aether_json_builder_add_double (builder, "co2_kg", t->co2_kg);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* The total is the home's, by the home rule: its meters when it has
   * any, else every device; never a meter and the plugs behind it.
   * Readings of a device the registry does not know (a CSV ingested on
   * its own) count as a device of an unmetered home. */
  if (!(devices = aether_store_list_devices (store, error)) ||
      !(per_device = aether_store_energy_totals (store, from_us, to_us, "device", error)))
    return NULL;
  home = aether_home_new (devices);

  for (guint i = 0; i < per_device->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (per_device, i);

      if (!aether_home_counts (home, t->key) &&
          (aether_home_is_metered (home) || aether_home_lookup (home, t->key) != NULL))
        continue;
      g_ptr_array_add (counted, t->key);
      sum_wh += t->energy_wh;
      sum_exported_wh += t->exported_wh;
      sum_cost += t->cost;
      sum_co2 += t->co2_kg;
    }

  json_builder_set_member_name (builder, "total");
  json_builder_begin_object (builder);
  aether_json_builder_add_string (builder, "counts", aether_home_is_metered (home) ? "energy meters" : "every device");
  json_builder_set_member_name (builder, "devices");
  json_builder_begin_array (builder);
  for (guint i = 0; i < counted->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (counted, i));
  json_builder_end_array (builder);
  aether_json_builder_add_double (builder, "energy_kwh", sum_wh / 1000.0);
  aether_json_builder_add_double (builder, "exported_kwh", sum_exported_wh / 1000.0);
  aether_json_builder_add_double (builder, "cost", sum_cost);
  aether_json_builder_add_double (builder, "co2_kg", sum_co2);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
