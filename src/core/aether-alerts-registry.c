/* aether-alerts-registry.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writing alert rules, the same from the CLI and, through the service, the
 * Alerts page and the New Alert window. A rule is checked by the alert
 * engine's own parser before it is stored, so what is stored always loads.
 * Adding refuses an id that exists (it never replaces a rule); updating
 * needs the rule to exist; removing hands the stored rule back for undo.
 * Each write is one transaction. */

#define G_LOG_DOMAIN "aether-alerts"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-alerts-registry.h"
#include "aether-error.h"
#include "alerts/aether-alert-rule.h"
#include "store/aether-store-private.h"

/* The stored rule @alert_id, or %NULL (@error set when reading failed). */
static JsonNode *
find (AetherStore  *store,
      const char   *alert_id,
      GError      **error)
{
  g_autoptr(GPtrArray) rules = aether_store_list_alerts (store, error);

  for (guint i = 0; rules != NULL && i < rules->len; i++)
    {
      JsonNode *rule = g_ptr_array_index (rules, i);

      if (JSON_NODE_HOLDS_OBJECT (rule) &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (rule), "alert_id", NULL),
                     alert_id) == 0)
        return json_node_ref (rule);
    }
  return NULL;
}

/* The rule's id once the engine's parser accepts it. */
static char *
check_rule (JsonNode  *rule,
            GError   **error)
{
  g_autoptr(AetherAlertRule) parsed = aether_alert_rule_new_from_json (rule, error);

  return parsed ? g_strdup (aether_alert_rule_get_id (parsed)) : NULL;
}

/* Stores @rule in one transaction if a rule with its id exists exactly
 * when @replacing says it must. */
static char *
put_rule (AetherStore  *store,
          JsonNode     *rule,
          gboolean      replacing,
          GError      **error)
{
  g_autofree char *id = NULL;
  g_autoptr(JsonNode) existing = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  if (!(id = check_rule (rule, error)) || !_aether_store_begin_write (store, error))
    return NULL;
  existing = find (store, id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      ok = FALSE;
    }
  else if (existing != NULL && !replacing)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS,
                   _("An alert with the id “%s” exists already; give the new one another alert_id"), id);
      ok = FALSE;
    }
  else if (existing == NULL && replacing)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                   _("There is no alert “%s” to change; “alerts list” shows the ids"), id);
      ok = FALSE;
    }
  else
    ok = aether_store_put_alert (store, rule, error);
  if (!_aether_store_end_write (store, ok, ok ? error : NULL))
    return NULL;
  return g_steal_pointer (&id);
}

/**
 * aether_alerts_add:
 * @store: a store
 * @rule: the seed's Alert Configuration JSON
 * @error: a location for a #GError
 *
 * Stores a new rule (or puts a removed one back, for undo). A rule with
 * the same id is never replaced: that is refused.
 *
 * Returns: (transfer full) (nullable): its id, or %NULL with @error set
 */
char *
aether_alerts_add (AetherStore  *store,
                   JsonNode     *rule,
                   GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (rule != NULL, NULL);

  return put_rule (store, rule, FALSE, error);
}

/**
 * aether_alerts_update:
 * @store: a store
 * @rule: a stored rule, changed (same alert_id)
 * @error: a location for a #GError
 *
 * Stores the change to that one rule; it must exist.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_alerts_update (AetherStore  *store,
                      JsonNode     *rule,
                      GError      **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (store), FALSE);
  g_return_val_if_fail (rule != NULL, FALSE);

  id = put_rule (store, rule, TRUE, error);
  return id != NULL;
}

/**
 * aether_alerts_remove:
 * @store: a store
 * @alert_id: the rule to remove
 * @error: a location for a #GError
 *
 * Removes one rule because a person asked to.
 *
 * Returns: (transfer full) (nullable): the rule as stored; give it to
 *   aether_alerts_add() to undo
 */
JsonNode *
aether_alerts_remove (AetherStore  *store,
                      const char   *alert_id,
                      GError      **error)
{
  g_autoptr(JsonNode) removed = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (alert_id != NULL, NULL);

  if (!_aether_store_begin_write (store, error))
    return NULL;
  removed = find (store, alert_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      ok = FALSE;
    }
  else if (removed == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                   _("There is no alert “%s”; “alerts list” shows the ids"), alert_id);
      ok = FALSE;
    }
  else
    ok = aether_store_remove_alert (store, alert_id, error);
  if (!_aether_store_end_write (store, ok, ok ? error : NULL))
    return NULL;
  return g_steal_pointer (&removed);
}
