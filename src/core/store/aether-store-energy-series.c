/* aether-store-energy-series.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Energy per device cut into consecutive buckets (History's bars: hours of
 * a day, days of a month, months of a year), each bucket being exactly what
 * aether_store_energy_totals_for_devices() answers for it. The stitching of
 * tiers (each instant from one tier, the finest that holds it) therefore
 * stays in one place, aether-store-query.c, and the bars of a range add up
 * to the range's total by construction: the totals count a stored bucket by
 * where it starts, so buckets that share edges share nothing else.
 *
 * One thing the totals cannot do is cut a day that only the daily tier
 * still holds (retention took its hours): the whole day starts at
 * midnight, so it would all land in the first bucket. Such a day is spread
 * over the buckets by its stored hour-of-day profile instead — the same
 * profile re-pricing replays — its cost in proportion to what each hour
 * costs at the given pricer (the tariff) or, without one, to its energy.
 * The day's totals are kept exactly; only where in the day they lie moves. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <math.h>
#include <sqlite3.h>

#include "aether-error.h"
#include "aether-store-energy-series.h"
#include "aether-store-private.h"

static AetherEnergyTotal *
find_or_add (GPtrArray  *totals,
             const char *device_id)
{
  AetherEnergyTotal *total;

  for (guint i = 0; i < totals->len; i++)
    if (g_str_equal (((AetherEnergyTotal *)g_ptr_array_index (totals, i))->key, device_id))
      return g_ptr_array_index (totals, i);
  total = g_new0 (AetherEnergyTotal, 1);
  total->key = g_strdup (device_id);
  g_ptr_array_add (totals, total);
  return total;
}

/* Reads the daily row of @device_id at @day: its import and its 24 hours
 * (scaled to add up to the import exactly; the profile is stored to six
 * digits). FALSE when there is none. */
static gboolean
read_day (sqlite3_stmt *stmt,
          const char   *device_id,
          gint64        day,
          double       *energy_wh,
          double        hours[24])
{
  gboolean found = FALSE;

  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, day);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 1) == SQLITE_TEXT)
    {
      g_autoptr(JsonNode) profile = json_from_string ((const char *)sqlite3_column_text (stmt, 1), NULL);
      JsonArray *array = profile && JSON_NODE_HOLDS_ARRAY (profile) ? json_node_get_array (profile) : NULL;
      double sum = 0;

      *energy_wh = sqlite3_column_double (stmt, 0);
      for (guint h = 0; array != NULL && h < 24; h++)
        sum += hours[h] = h < json_array_get_length (array) ? json_array_get_double_element (array, h) : 0;
      if (array != NULL && sum > 0)
        {
          for (guint h = 0; h < 24; h++)
            hours[h] *= *energy_wh / sum;
          found = TRUE;
        }
    }
  sqlite3_reset (stmt);
  return found;
}

/* Spreads days that the first bucket of the day holds whole (a daily
 * bucket: nothing finer is left) over the day's buckets by their profile. */
static gboolean
spread_whole_days (AetherStore        *self,
                   GPtrArray          *series,
                   const gint64       *edges_us,
                   guint               n_edges,
                   AetherPricer       *pricer,
                   GError            **error)
{
  sqlite3 *db = _aether_store_get_db (self);
  g_autofree char *sql = g_strdup_printf ("SELECT energy_wh, hour_profile FROM %s WHERE device_id = ? AND bucket = ?",
                                          _aether_energy_tables[AETHER_TIER_1D]);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the hour profiles", error);

  for (guint first = 0; first + 1 < n_edges; first++)
    {
      gint64 day = edges_us[first] / G_USEC_PER_SEC;
      gint64 next_day;
      guint last;
      GPtrArray *head = g_ptr_array_index (series, first);

      /* Only a bucket that starts a day, and only if the day is cut finer. */
      if (_aether_bucket_of (self, AETHER_TIER_1D, day) != day)
        continue;
      next_day = _aether_bucket_of (self, AETHER_TIER_1D, day + 36 * 3600);
      for (last = first; last + 1 < n_edges && edges_us[last + 1] / G_USEC_PER_SEC < next_day; last++)
        ;
      if (last == first || last + 1 >= n_edges || edges_us[last + 1] / G_USEC_PER_SEC != next_day)
        continue;

      for (guint i = 0; i < head->len; i++)
        {
          AetherEnergyTotal *total = g_ptr_array_index (head, i);
          gboolean later = FALSE;
          double day_wh = 0, hours[24], weights[24], weight_sum = 0;
          double cost = total->cost, co2 = total->co2_kg;

          for (guint b = first + 1; b <= last && !later; b++)
            {
              GPtrArray *totals = g_ptr_array_index (series, b);

              for (guint k = 0; k < totals->len && !later; k++)
                later = g_str_equal (((AetherEnergyTotal *)g_ptr_array_index (totals, k))->key, total->key);
            }
          /* Finer tiers hold the day (or the first bucket is the daily
           * row's and nothing else): only a daily row is spread. */
          if (later || total->energy_wh <= 0 || !read_day (stmt, total->key, day, &day_wh, hours) ||
              fabs (day_wh - total->energy_wh) > 1e-9 * MAX (day_wh, 1))
            continue;

          for (guint h = 0; h < 24; h++)
            {
              AetherPrice price = { 0 };

              weights[h] = hours[h];
              if (pricer != NULL && hours[h] > 0 &&
                  aether_pricer_price_energy (pricer, total->key, day + h * 3600, day + (h + 1) * 3600, hours[h] / 1000,
                                              &price, NULL))
                weights[h] = MAX (price.cost, 0);
              weight_sum += weights[h];
            }
          if (weight_sum <= 0)
            for (guint h = 0; h < 24; h++)
              weight_sum += weights[h] = hours[h];

          /* The day leaves its first bucket (its export stays: the profile
           * is of the import) and goes where its hours lie. */
          total->energy_wh = 0;
          total->cost = 0;
          total->co2_kg = 0;
          for (guint h = 0; h < 24; h++)
            {
              gint64 start = day + h * 3600, end = MIN (start + 3600, next_day);

              for (guint b = first; b <= last && start < end; b++)
                {
                  gint64 lo = MAX (start, edges_us[b] / G_USEC_PER_SEC);
                  gint64 hi = MIN (end, edges_us[b + 1] / G_USEC_PER_SEC);
                  double part;
                  AetherEnergyTotal *into;

                  if (hi <= lo)
                    continue;
                  part = (double)(hi - lo) / (end - start);
                  into = find_or_add (g_ptr_array_index (series, b), total->key);
                  into->energy_wh += hours[h] * part;
                  into->cost += cost * weights[h] / weight_sum * part;
                  into->co2_kg += co2 * (day_wh > 0 ? hours[h] / day_wh : 0) * part;
                }
            }
        }
    }

  sqlite3_finalize (stmt);
  return TRUE;
}

/**
 * aether_store_energy_series_for_devices:
 * @self: a store
 * @device_ids: (array zero-terminated=1): the devices
 * @edges_us: (array length=n_edges): increasing instants; bucket i is
 *   [edges_us[i], edges_us[i + 1])
 * @n_edges: how many edges, at least 2
 * @pricer: (nullable): what an hour costs, to spread a day's cost over its
 *   hours where only the daily tier holds it; %NULL: by energy
 * @cancellable: (nullable): stops between buckets
 * @error: a location for a #GError
 *
 * Energy, cost, CO₂ and export of each of @device_ids per bucket, as
 * aether_store_energy_totals_for_devices() gives them for the bucket; a
 * day only the daily tier holds is spread over the buckets that cut it by
 * its hour profile.
 *
 * Returns: (transfer full) (element-type GPtrArray): @n_edges - 1 arrays of
 *   #AetherEnergyTotal (a device without energy in a bucket is not in it)
 */
GPtrArray *
aether_store_energy_series_for_devices (AetherStore        *self,
                                        const char * const *device_ids,
                                        const gint64       *edges_us,
                                        guint               n_edges,
                                        AetherPricer       *pricer,
                                        GCancellable       *cancellable,
                                        GError            **error)
{
  g_autoptr(GPtrArray) series = NULL;
  /* One set of statements and tier spans for every bar. */
  g_autoptr(AetherEnergyCache) cache = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (device_ids != NULL, NULL);
  g_return_val_if_fail (edges_us != NULL, NULL);

  if (n_edges < 2)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, "An energy series needs at least two edges, not %u", n_edges);
      return NULL;
    }

  series = g_ptr_array_new_full (n_edges - 1, (GDestroyNotify)g_ptr_array_unref);
  for (guint i = 0; i + 1 < n_edges; i++)
    {
      GPtrArray *totals;

      if (edges_us[i + 1] < edges_us[i])
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       "Energy series edge %u is earlier than the one before it", i + 1);
          return NULL;
        }
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      if (cache == NULL)
        cache = _aether_energy_cache_new ();
      if (!(totals = _aether_store_energy_totals_cached (self, device_ids, edges_us[i], edges_us[i + 1], cache, error)))
        return NULL;
      g_ptr_array_add (series, totals);
    }

  if (!spread_whole_days (self, series, edges_us, n_edges, pricer, error))
    return NULL;
  return g_steal_pointer (&series);
}
