/* aether-rates.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writing rate schedules (the versions of the household's tariff), the same
 * from the CLI and, through the service, the Rates page. Three writes and
 * nothing else touches `rate_schedules`:
 *
 * - adding a version: it must be valid and must not overlap another one;
 *   superseding, a version that began earlier ends the day before the new
 *   one begins (only its expiry_date changes). A version that would be
 *   entirely covered is never deleted: the import is refused, naming it, so
 *   the person removes it (with undo) or dates the import differently.
 * - updating a version in place: same id, only that row changes.
 * - removing a version: only when a person asks; the stored JSON is handed
 *   back so it can be put back exactly.
 *
 * Each write is one transaction, with the re-pricing job for the dates it
 * changed, so history always shows the tariff that applied and a failure
 * half-way leaves the versions as they were. */

#define G_LOG_DOMAIN "aether-rates"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-error.h"
#include "aether-json.h"
#include "aether-rates.h"
#include "store/aether-store-private.h"
#include "tariff/aether-rate-schedule.h"
#include "tariff/aether-tariff.h"
#include "tariff/aether-price-feed.h"

/* Every problem with a schedule at once, as one error. */
static gboolean
check_schedule (JsonNode  *schedule,
                GError   **error)
{
  g_autoptr(GPtrArray) problems = aether_rate_schedule_validate_json (schedule);
  g_autoptr(GString) text = NULL;

  if (problems->len == 0)
    return TRUE;

  text = g_string_new (NULL);
  for (guint i = 0; i < problems->len; i++)
    g_string_append_printf (text, "%s• %s", i ? "\n" : "", (char *)g_ptr_array_index (problems, i));
  g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE, "%s", text->str);
  return FALSE;
}

static gboolean
queue_reprice (AetherStore         *store,
               AetherRateSchedule  *schedule,
               gint64               now_us,
               GError             **error)
{
  gint64 from_s = MAX (aether_rate_schedule_get_effective (schedule), 0);
  gint64 to_s = MIN (aether_rate_schedule_get_expiry (schedule), now_us / G_USEC_PER_SEC);

  return aether_store_add_reprice_job (store, from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, error);
}

static gboolean
overlaps (AetherRateSchedule *a,
          AetherRateSchedule *b)
{
  /* The tariff engine's own rule, [effective, expiry) against each other. */
  return aether_rate_schedule_get_effective (a) < aether_rate_schedule_get_expiry (b) &&
         aether_rate_schedule_get_effective (b) < aether_rate_schedule_get_expiry (a);
}

/* Whether @parsed, superseding, would leave nothing of @other: it begins no
 * earlier (the one rule for what an import may not simply end). */
static gboolean
covers (AetherRateSchedule *parsed,
        AetherRateSchedule *other)
{
  return overlaps (other, parsed) &&
         aether_rate_schedule_get_effective (other) >= aether_rate_schedule_get_effective (parsed);
}

static const char *
describe (JsonNode *node)
{
  JsonObject *object = json_node_get_object (node);
  const char *plan = json_object_get_string_member_with_default (object, "plan_name", NULL);

  return plan ? plan : json_object_get_string_member_with_default (object, "rate_id", "");
}

/* The stored JSON text of one version, exactly as it is in the database. */
static char *
stored_text (AetherStore  *store,
             const char   *rate_id,
             GError      **error)
{
  sqlite3 *db = _aether_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  char *text = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT json FROM rate_schedules WHERE rate_id = ?", -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the rate schedules", error), NULL;
  sqlite3_bind_text (stmt, 1, rate_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    text = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  if (rc == SQLITE_ROW)
    return text;
  if (rc == SQLITE_DONE)
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, _("There is no tariff version “%s”"), rate_id);
  else
    _aether_sqlite_fail (db, rc, "Could not read the rate schedules", error);
  return NULL;
}

/**
 * aether_rates_get_stored_json:
 * @store: the database
 * @rate_id: a version's id
 * @error: a location for a #GError
 *
 * The version's JSON text exactly as stored, for comparing and for undo.
 *
 * Returns: (transfer full) (nullable): the text, or %NULL with @error set
 */
char *
aether_rates_get_stored_json (AetherStore  *store,
                              const char   *rate_id,
                              GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (rate_id != NULL, NULL);

  return stored_text (store, rate_id, error);
}

/* @other's last day becomes the day before @parsed's first: a copy of the
 * stored JSON with only expiry_date changed. */
static gboolean
end_before (AetherStore         *store,
            JsonNode            *node,
            AetherRateSchedule  *parsed,
            GError             **error)
{
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (aether_rate_schedule_get_effective (parsed));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (start, aether_rate_schedule_get_time_zone (parsed));
  g_autoptr(GDateTime) day_before = g_date_time_add_days (local, -1);
  g_autofree char *date = g_date_time_format (day_before, "%Y-%m-%d");
  g_autoptr(JsonNode) trimmed = json_node_copy (node);

  json_object_set_string_member (json_node_get_object (trimmed), "expiry_date", date);
  return aether_store_put_rate_schedule (store, trimmed, error);
}

/* Everything adding @schedule writes, inside the caller's transaction. */
static gboolean
add_in_transaction (AetherStore         *store,
                    JsonNode            *schedule,
                    AetherRateSchedule  *parsed,
                    gint64               now_us,
                    gboolean             supersede,
                    GError             **error)
{
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GPtrArray) to_end = g_ptr_array_new ();
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();
  const char *id = aether_rate_schedule_get_id (parsed);

  if (!(existing = aether_store_list_rate_schedules (store, error)))
    return FALSE;

  for (guint i = 0; i < existing->len; i++)
    {
      JsonNode *node = g_ptr_array_index (existing, i);
      g_autoptr(AetherRateSchedule) other = aether_rate_schedule_new_from_json (node, NULL);

      /* The version with the same id is the one being replaced. */
      if (other == NULL || g_strcmp0 (aether_rate_schedule_get_id (other), id) == 0)
        continue;
      if (!overlaps (other, parsed))
        continue;
      if (!supersede)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE,
                       _("“%s” overlaps the tariff version “%s”: give the older one an expiry date before the "
                         "newer one’s effective date"), describe (schedule), describe (node));
          return FALSE;
        }
      /* Superseding never deletes: a version that begins no earlier than
       * the new one would be covered entirely, and only a person may
       * remove it. */
      if (covers (parsed, other))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS,
                       _("“%s” would replace the tariff version “%s” entirely (it begins on %s). Remove that "
                         "version first, or give this one a later effective date"),
                       describe (schedule), describe (node),
                       json_object_get_string_member_with_default (json_node_get_object (node), "effective_date", "?"));
          return FALSE;
        }
      g_ptr_array_add (to_end, node);
    }

  for (guint i = 0; i < to_end->len; i++)
    if (!end_before (store, g_ptr_array_index (to_end, i), parsed, error))
      return FALSE;

  /* The versions as they now stand must make one tariff. */
  g_clear_pointer (&existing, g_ptr_array_unref);
  if (!(existing = aether_store_list_rate_schedules (store, error)))
    return FALSE;
  for (guint i = 0; i < existing->len; i++)
    {
      g_autoptr(AetherRateSchedule) other = aether_rate_schedule_new_from_json (g_ptr_array_index (existing, i), NULL);

      if (other != NULL && g_strcmp0 (aether_rate_schedule_get_id (other), id) != 0 &&
          !aether_tariff_add_schedule (tariff, other, error))
        return FALSE;
    }

  return aether_tariff_add_schedule (tariff, parsed, error) &&
         aether_store_put_rate_schedule (store, schedule, error) &&
         queue_reprice (store, parsed, now_us, error);
}

/**
 * aether_rates_add_schedule:
 * @store: the database
 * @schedule: a rate schedule in the seed's model
 * @now_us: the current time (costs up to it are re-priced)
 * @supersede: whether a version in force when this one begins ends the
 *   day before, rather than the overlap being an error
 * @error: a location for a #GError naming what is wrong
 *
 * Stores a version, or replaces the one with its id. Superseding never
 * deletes a version: one that this one would cover entirely (it begins no
 * earlier) is named in the error instead, so nothing is lost that the
 * person did not ask to remove.
 *
 * Returns: (transfer full) (nullable): the schedule's id, or %NULL with
 *   @error set (and nothing changed)
 */
char *
aether_rates_add_schedule (AetherStore  *store,
                           JsonNode     *schedule,
                           gint64        now_us,
                           gboolean      supersede,
                           GError      **error)
{
  g_autoptr(AetherRateSchedule) parsed = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (schedule != NULL, NULL);

  if (!check_schedule (schedule, error) ||
      !(parsed = aether_rate_schedule_new_from_json (schedule, error)) ||
      !_aether_store_begin_write (store, error) ||
      !_aether_store_end_write (store, add_in_transaction (store, schedule, parsed, now_us, supersede, error), error))
    return NULL;

  return g_strdup (aether_rate_schedule_get_id (parsed));
}

static gboolean
update_in_transaction (AetherStore         *store,
                       JsonNode            *schedule,
                       AetherRateSchedule  *parsed,
                       gint64               now_us,
                       GError             **error)
{
  const char *id = aether_rate_schedule_get_id (parsed);
  g_autofree char *before = NULL;
  g_autoptr(JsonNode) old_node = NULL;
  g_autoptr(AetherRateSchedule) old = NULL;
  g_autoptr(GPtrArray) existing = NULL;

  if (!(before = stored_text (store, id, error)))
    return FALSE;
  old_node = aether_json_parse_stored (before, NULL);
  old = old_node ? aether_rate_schedule_new_from_json (old_node, NULL) : NULL;

  /* The other versions are not touched, so they must still fit around it. */
  if (!(existing = aether_store_list_rate_schedules (store, error)))
    return FALSE;
  for (guint i = 0; i < existing->len; i++)
    {
      JsonNode *node = g_ptr_array_index (existing, i);
      g_autoptr(AetherRateSchedule) other = aether_rate_schedule_new_from_json (node, NULL);

      if (other != NULL && g_strcmp0 (aether_rate_schedule_get_id (other), id) != 0 && overlaps (other, parsed))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE,
                       _("With these dates “%s” would overlap the tariff version “%s”"),
                       describe (schedule), describe (node));
          return FALSE;
        }
    }

  /* Costs in the old dates and the new ones are priced again. */
  return aether_store_put_rate_schedule (store, schedule, error) &&
         (old == NULL || queue_reprice (store, old, now_us, error)) &&
         queue_reprice (store, parsed, now_us, error);
}

/**
 * aether_rates_list_covered:
 * @store: the database
 * @schedule: a rate schedule about to be added, superseding
 * @error: a location for a #GError
 *
 * The versions @schedule would cover entirely, which adding it refuses
 * with %AETHER_ERROR_EXISTS: the Rates page asks the person whether to
 * remove them (with undo) and then adds it.
 *
 * Returns: (transfer full) (element-type utf8) (nullable): their ids
 */
GPtrArray *
aether_rates_list_covered (AetherStore  *store,
                           JsonNode     *schedule,
                           GError      **error)
{
  g_autoptr(AetherRateSchedule) parsed = NULL;
  g_autoptr(GPtrArray) existing = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (schedule != NULL, NULL);

  if (!(parsed = aether_rate_schedule_new_from_json (schedule, error)) ||
      !(existing = aether_store_list_rate_schedules (store, error)))
    return NULL;
  for (guint i = 0; i < existing->len; i++)
    {
      g_autoptr(AetherRateSchedule) other = aether_rate_schedule_new_from_json (g_ptr_array_index (existing, i), NULL);

      if (other != NULL && g_strcmp0 (aether_rate_schedule_get_id (other), aether_rate_schedule_get_id (parsed)) != 0 &&
          covers (parsed, other))
        g_ptr_array_add (ids, g_strdup (aether_rate_schedule_get_id (other)));
    }
  return g_steal_pointer (&ids);
}

/**
 * aether_rates_update_schedule:
 * @store: the database
 * @schedule: a stored version, changed
 * @now_us: the current time (costs up to it are re-priced)
 * @error: a location for a #GError
 *
 * Stores a correction to a version under its id. Only that row changes;
 * if its dates would now overlap another version it is refused.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_rates_update_schedule (AetherStore  *store,
                              JsonNode     *schedule,
                              gint64        now_us,
                              GError      **error)
{
  g_autoptr(AetherRateSchedule) parsed = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (store), FALSE);
  g_return_val_if_fail (schedule != NULL, FALSE);

  return check_schedule (schedule, error) &&
         (parsed = aether_rate_schedule_new_from_json (schedule, error)) != NULL &&
         _aether_store_begin_write (store, error) &&
         _aether_store_end_write (store, update_in_transaction (store, schedule, parsed, now_us, error), error);
}

/**
 * aether_rates_apply_feed:
 * @store: the database
 * @rate_id: a stored version
 * @data: a price or carbon feed (see aether_price_feed_parse())
 * @length: its length
 * @format: (nullable): its format, or %NULL to tell from the content
 * @field: (nullable): which price of the feed (Agile: `value_inc_vat`)
 * @now_us: the current time (costs up to it are re-priced)
 * @n_slots: (out) (optional): how many intervals it gave
 * @error: a location for a #GError
 *
 * Puts a feed's prices (into a dynamic version) or carbon intensities
 * (into any version) in place of what they cover, in one transaction; the
 * stored costs they change are re-priced.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_rates_apply_feed (AetherStore  *store,
                         const char   *rate_id,
                         const char   *data,
                         gsize         length,
                         const char   *format,
                         const char   *field,
                         gint64        now_us,
                         guint        *n_slots,
                         GError      **error)
{
  g_autoptr(GArray) slots = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_autoptr(JsonNode) merged = NULL;
  g_autoptr(AetherRateSchedule) parsed = NULL;
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE (store), FALSE);
  g_return_val_if_fail (rate_id != NULL, FALSE);

  if (format == NULL && (format = aether_price_feed_detect (data, length)) == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           _("This is not a price or carbon feed AetherLens reads (Octopus Agile, Nord Pool, "
                             "ENTSO-E, UK Carbon Intensity)"));
      return FALSE;
    }
  if (!(slots = aether_price_feed_parse (data, length, format, field, &currency, error)))
    return FALSE;

  if (!_aether_store_begin_write (store, error))
    return FALSE;
  ok = (text = stored_text (store, rate_id, error)) != NULL &&
       (stored = json_from_string (text, error)) != NULL;
  if (ok)
    {
      const char *schedule_currency = json_object_get_string_member_with_default (json_node_get_object (stored),
                                                                                  "currency", "USD");
      if (!aether_price_feed_is_carbon (format) && currency != NULL && g_ascii_strcasecmp (currency, schedule_currency) != 0)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       _("The feed’s prices are in %s, but rate schedule “%s” is in %s"), currency, rate_id,
                       schedule_currency);
          ok = FALSE;
        }
      ok = ok && (merged = aether_price_feed_merge (stored, format, slots, error)) != NULL &&
           check_schedule (merged, error) &&
           (parsed = aether_rate_schedule_new_from_json (merged, error)) != NULL &&
           update_in_transaction (store, merged, parsed, now_us, error);
    }
  if (!_aether_store_end_write (store, ok, ok ? error : NULL))
    return FALSE;
  if (n_slots != NULL)
    *n_slots = slots->len;
  return TRUE;
}

/**
 * aether_rates_remove_schedule:
 * @store: the database
 * @rate_id: the version's id
 * @now_us: the current time (costs up to it are re-priced)
 * @error: a location for a #GError
 *
 * Removes one version, because a person asked to. Costs in its dates are
 * priced again (without a price where no other version applies).
 *
 * Returns: (transfer full) (nullable): the version as it was stored, to
 *   put back with aether_rates_add_schedule() on undo, or %NULL with
 *   @error set
 */
JsonNode *
aether_rates_remove_schedule (AetherStore  *store,
                              const char   *rate_id,
                              gint64        now_us,
                              GError      **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(AetherRateSchedule) parsed = NULL;
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (rate_id != NULL, NULL);

  if (!_aether_store_begin_write (store, error))
    return NULL;
  ok = (text = stored_text (store, rate_id, error)) != NULL &&
       (node = aether_json_parse_stored (text, error)) != NULL &&
       aether_store_remove_rate_schedule (store, rate_id, error);
  if (ok && (parsed = aether_rate_schedule_new_from_json (node, NULL)) != NULL)
    ok = queue_reprice (store, parsed, now_us, error);
  if (!_aether_store_end_write (store, ok, error))
    return NULL;

  return g_steal_pointer (&node);
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
