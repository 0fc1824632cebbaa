/* aether-store-purge.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Deleting a removed device's history, because a person asked to: every
 * tier of its samples, its energy and cost, its Cost Records and status
 * log, in one transaction. Refused while the device is in the registry, so
 * a device put back by Undo can never lose its history to a late purge. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include "aether-error.h"
#include "aether-store-private.h"

/**
 * aether_store_delete_device_history:
 * @self: a store
 * @device_id: a device no longer in the registry
 * @error: a location for a #GError
 *
 * Returns: %TRUE if its history is gone (or there was none)
 */
gboolean
aether_store_delete_device_history (AetherStore  *self,
                                    const char   *device_id,
                                    GError      **error)
{
  static const char * const statements[] = {
    "DELETE FROM samples WHERE series_id IN (SELECT series_id FROM series WHERE device_id = ?1)",
    "DELETE FROM rollup_1m WHERE series_id IN (SELECT series_id FROM series WHERE device_id = ?1)",
    "DELETE FROM rollup_5m WHERE series_id IN (SELECT series_id FROM series WHERE device_id = ?1)",
    "DELETE FROM rollup_1h WHERE series_id IN (SELECT series_id FROM series WHERE device_id = ?1)",
    "DELETE FROM rollup_1d WHERE series_id IN (SELECT series_id FROM series WHERE device_id = ?1)",
    "DELETE FROM series WHERE device_id = ?1",
    "DELETE FROM energy_1m WHERE device_id = ?1",
    "DELETE FROM energy_5m WHERE device_id = ?1",
    "DELETE FROM energy_1h WHERE device_id = ?1",
    "DELETE FROM energy_1d WHERE device_id = ?1",
    "DELETE FROM cost_records WHERE device_id = ?1",
    "DELETE FROM device_status_log WHERE device_id = ?1",
  };
  g_autoptr(JsonNode) device = NULL;
  sqlite3 *db;
  gboolean ok = TRUE;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  if (!_aether_store_begin_write (self, error))
    return FALSE;

  if ((device = aether_store_get_device (self, device_id, NULL)) != NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS,
                   "“%s” is in the registry again; its history is kept", device_id);
      ok = FALSE;
    }

  db = _aether_store_get_db (self);
  for (guint i = 0; ok && i < G_N_ELEMENTS (statements); i++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (db, statements[i], -1, &stmt, NULL);

      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        ok = _aether_sqlite_fail (db, rc, "Could not delete the device’s history", error);
    }

  if (!_aether_store_end_write (self, ok, ok ? error : NULL))
    return FALSE;
  g_hash_table_remove_all (_aether_store_get_series_cache (self));
  return TRUE;
}
