/* aether-rates.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Adding a rate schedule (a version of the household's tariff), the same
 * from the CLI and the Rates page: it must be valid, must not overlap
 * another version in time (replacing the version with its own id is
 * allowed), and the costs already stored in its dates are priced again by
 * a resumable job, so history always shows the tariff that applied. */

#define G_LOG_DOMAIN "aether-rates"

#include "config.h"

#include "aether-rates.h"
#include "tariff/aether-rate-schedule.h"
#include "tariff/aether-tariff.h"

/* Ends @other where @parsed begins, or removes it when nothing of it would
 * be left. Versions that do not overlap are left alone. */
static gboolean
make_room (AetherStore         *store,
           JsonNode            *node,
           AetherRateSchedule  *other,
           AetherRateSchedule  *parsed,
           GError             **error)
{
  gint64 begins = aether_rate_schedule_get_effective (parsed);
  gint64 ends = aether_rate_schedule_get_expiry (parsed);
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) day_before = NULL;
  g_autoptr(JsonNode) trimmed = NULL;
  g_autofree char *date = NULL;

  if (aether_rate_schedule_get_expiry (other) < begins || aether_rate_schedule_get_effective (other) > ends)
    return TRUE;
  if (aether_rate_schedule_get_effective (other) >= begins)
    return aether_store_remove_rate_schedule (store, aether_rate_schedule_get_id (other), error);

  /* Its last day is the day before the new version's first. */
  start = g_date_time_new_from_unix_utc (begins);
  start = g_date_time_to_timezone (g_steal_pointer (&start), aether_rate_schedule_get_time_zone (parsed));
  day_before = g_date_time_add_days (start, -1);
  date = g_date_time_format (day_before, "%Y-%m-%d");
  {
    /* A copy of its own: the listed node is the caller's. */
    g_autofree char *text = json_to_string (node, FALSE);

    trimmed = json_from_string (text, NULL);
  }
  json_object_set_string_member (json_node_get_object (trimmed), "expiry_date", date);
  return aether_store_put_rate_schedule (store, trimmed, error);
}

/**
 * aether_rates_add_schedule:
 * @store: the database
 * @schedule: a rate schedule in the seed's model
 * @now_us: the current time (costs up to it are re-priced)
 * @supersede: whether a version in force at the same time ends where this
 *   one begins (or goes, when it would begin no earlier), rather than the
 *   overlap being an error
 * @error: a location for a #GError naming what is wrong
 *
 * Returns: (transfer full) (nullable): the schedule's id, or %NULL with
 *   @error set
 */
char *
aether_rates_add_schedule (AetherStore  *store,
                           JsonNode     *schedule,
                           gint64        now_us,
                           gboolean      supersede,
                           GError      **error)
{
  g_autoptr(AetherRateSchedule) parsed = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();
  gint64 from_us, to_us;

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (schedule != NULL, NULL);

  if (!(parsed = aether_rate_schedule_new_from_json (schedule, error)) ||
      !(existing = aether_store_list_rate_schedules (store, error)))
    return NULL;

  /* Versions must not overlap, except the one being replaced; superseding,
   * the new one ends the others where it begins. */
  for (guint i = 0; i < existing->len; i++)
    {
      JsonNode *node = g_ptr_array_index (existing, i);
      g_autoptr(AetherRateSchedule) other = aether_rate_schedule_new_from_json (node, NULL);

      if (other == NULL || g_strcmp0 (aether_rate_schedule_get_id (other), aether_rate_schedule_get_id (parsed)) == 0)
        continue;
      if (supersede && !make_room (store, node, other, parsed, error))
        return NULL;
      if (!supersede && !aether_tariff_add_schedule (tariff, other, error))
        return NULL;
    }
  if (!aether_tariff_add_schedule (tariff, parsed, error) ||
      !aether_store_put_rate_schedule (store, schedule, error))
    return NULL;

  /* Stored history in its dates is priced again, in the background. */
  from_us = MAX (aether_rate_schedule_get_effective (parsed), 0) * G_USEC_PER_SEC;
  to_us = MIN (aether_rate_schedule_get_expiry (parsed), now_us / G_USEC_PER_SEC) * G_USEC_PER_SEC;
  if (!aether_store_add_reprice_job (store, from_us, to_us, error))
    return NULL;

  return g_strdup (aether_rate_schedule_get_id (parsed));
}

/**
 * aether_rates_load_tariff:
 * @store: the database
 * @n_versions: (out) (optional): how many stored versions it holds
 * @error: a location for a #GError
 *
 * The tariff built from the stored rate schedule versions: what prices
 * energy wherever it is rolled up (the service, `db maintain`) and what
 * re-pricing uses. A version that does not validate is skipped with a
 * warning, so one bad version does not leave everything unpriced.
 *
 * Returns: (transfer full) (nullable): the tariff (it may hold no version),
 *   or %NULL if the schedules could not be read
 */
AetherTariff *
aether_rates_load_tariff (AetherStore  *store,
                          guint        *n_versions,
                          GError      **error)
{
  g_autoptr(GPtrArray) schedules = NULL;
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();
  guint n = 0;

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);

  if (n_versions != NULL)
    *n_versions = 0;

  if (!(schedules = aether_store_list_rate_schedules (store, error)))
    return NULL;

  for (guint i = 0; i < schedules->len; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autoptr(AetherRateSchedule) schedule = aether_rate_schedule_new_from_json (g_ptr_array_index (schedules, i),
                                                                                  &local_error);

      if (schedule == NULL || !aether_tariff_add_schedule (tariff, schedule, &local_error))
        g_warning ("Skipping a rate schedule: %s", local_error->message);
      else
        n++;
    }

  if (n_versions != NULL)
    *n_versions = n;
  return g_steal_pointer (&tariff);
}
