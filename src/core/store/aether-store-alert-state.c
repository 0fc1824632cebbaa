/* aether-store-alert-state.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the alert engine must not forget on a restart: per rule, until when
 * it is snoozed and when it last fired (its cooldown runs from there). A
 * rule snoozed from a notification that switched a PC off must not switch
 * it off again because the app was restarted. One row per rule, written
 * when the engine says it changed (a firing, a snooze). */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include "aether-store-alert-state.h"
#include "aether-store-private.h"

void
aether_alert_state_free (AetherAlertState *state)
{
  if (state == NULL)
    return;
  g_free (state->alert_id);
  g_free (state);
}

/**
 * aether_store_put_alert_state:
 * @self: a store
 * @alert_id: a rule
 * @snoozed_until_us: the end of its snooze, or 0
 * @last_fired_us: when it last fired, or 0
 * @error: a location for a #GError
 *
 * Returns: %TRUE if stored
 */
gboolean
aether_store_put_alert_state (AetherStore  *self,
                              const char   *alert_id,
                              gint64        snoozed_until_us,
                              gint64        last_fired_us,
                              GError      **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (alert_id != NULL, FALSE);

  db = _aether_store_get_db (self);
  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO alert_state (alert_id, snoozed_until_us, last_fired_us) VALUES (?1, ?2, ?3)"
                           " ON CONFLICT (alert_id) DO UPDATE SET snoozed_until_us = ?2, last_fired_us = ?3",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not keep the alert’s snooze", error);

  sqlite3_bind_text (stmt, 1, alert_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, snoozed_until_us);
  sqlite3_bind_int64 (stmt, 3, last_fired_us);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not keep the alert’s snooze", error);
  return TRUE;
}

/**
 * aether_store_list_alert_states:
 * @self: a store
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherAlertState): every rule's
 *   stored state, by id
 */
GPtrArray *
aether_store_list_alert_states (AetherStore  *self,
                                GError      **error)
{
  g_autoptr(GPtrArray) states = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  db = _aether_store_get_db (self);
  rc = sqlite3_prepare_v2 (db, "SELECT alert_id, snoozed_until_us, last_fired_us FROM alert_state ORDER BY alert_id",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the alerts’ snoozes", error), NULL;

  states = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_alert_state_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AetherAlertState *state = g_new0 (AetherAlertState, 1);

      state->alert_id = g_strdup ((const char *)sqlite3_column_text (stmt, 0));
      state->snoozed_until_us = sqlite3_column_int64 (stmt, 1);
      state->last_fired_us = sqlite3_column_int64 (stmt, 2);
      g_ptr_array_add (states, state);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read the alerts’ snoozes", error), NULL;

  return g_steal_pointer (&states);
}
