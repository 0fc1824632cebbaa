/* aether-store-registry.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The registry of the seed's JSON models: devices (and their status log),
 * users, rate schedules, cost records, alerts and the alert history.
 * Registry rows keep the seed's top-level fields as columns and nested
 * objects as JSON text, as the seed's own SQL does, and are written back in
 * the seed's shape. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <string.h>

#include "aether-error.h"
#include "aether-redact.h"
#include "aether-json.h"
#include "aether-store-private.h"

/* Everything written is read back first (aether_json_to_string()): a value
 * JSON cannot hold is refused by name rather than stored as a row nothing
 * reads, which would replace a good one. */
static gboolean
node_to_text (JsonNode    *node,
              const char  *what,
              char       **text,
              GError     **error)
{
  *text = NULL;
  if (node == NULL)
    return TRUE;
  if (!(*text = aether_json_to_string (node, FALSE, error)))
    {
      g_prefix_error (error, "The %s was not stored: ", what);
      return FALSE;
    }
  return TRUE;
}

/* A stored row that does not read (written by hand, or by an old version)
 * is said, never silently dropped. */
static JsonNode *
text_to_node (const char *text,
              const char *what)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if (text == NULL)
    return NULL;
  if (!(node = aether_json_parse_stored (text, &error)))
    g_message ("A stored %s cannot be read and is left out: %s", what, error->message);
  return node;
}

static gboolean
require_object (JsonNode    *node,
                const char  *what,
                JsonObject **object,
                GError     **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "A %s must be a JSON object", what);
      return FALSE;
    }

  *object = json_node_get_object (node);
  return TRUE;
}

static gboolean
require_strings (JsonObject         *object,
                 const char         *what,
                 const char * const *members,
                 GError            **error)
{
  for (guint i = 0; members[i] != NULL; i++)
    {
      const char *value = aether_json_get_string (object, members[i]);

      if (value == NULL || value[0] == '\0')
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "The %s has no “%s” (a non-empty string is needed)", what, members[i]);
          return FALSE;
        }
    }

  return TRUE;
}

static gboolean
check_member_type (JsonObject    *object,
                   const char    *what,
                   const char    *member,
                   JsonNodeType   type,
                   GError       **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node) || JSON_NODE_TYPE (node) == type)
    return TRUE;

  g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "The %s’s “%s” must be %s", what, member,
               type == JSON_NODE_OBJECT ? "an object" : type == JSON_NODE_ARRAY ? "a list" : "a value");
  return FALSE;
}

static gboolean
step_done (sqlite3       *db,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, what, error);
  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/**
 * aether_store_put_device:
 * @self: a store
 * @device: the seed's Device JSON
 * @error: a location for a #GError
 *
 * Adds the device, or replaces the one with the same `device_id`.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_store_put_device (AetherStore  *self,
                         JsonNode     *device,
                         GError      **error)
{
  static const char * const required[] = { "device_id", "name", "type", NULL };
  static const struct { const char *member; JsonNodeType type; } nested[] = {
    { "location", JSON_NODE_OBJECT }, { "capabilities", JSON_NODE_ARRAY },
    { "configuration", JSON_NODE_OBJECT }, { "metadata", JSON_NODE_OBJECT },
    { "status", JSON_NODE_OBJECT },
  };
  static const char * const members[] = { "location", "capabilities", "configuration", "metadata", "status" };
  JsonObject *object;
  sqlite3_stmt *stmt = NULL;
  char *texts[G_N_ELEMENTS (members)] = { NULL, };
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (!require_object (device, "device", &object, error) ||
      !require_strings (object, "device", required, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (nested); i++)
    if (!check_member_type (object, "device", nested[i].member, nested[i].type, error))
      return FALSE;

  for (guint i = 0; ok && i < G_N_ELEMENTS (members); i++)
    ok = node_to_text (json_object_get_member (object, members[i]), "device", &texts[i], error);
  if (!ok)
    {
      for (guint i = 0; i < G_N_ELEMENTS (members); i++)
        g_free (texts[i]);
      return FALSE;
    }

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO devices (device_id, name, type, manufacturer, model, location,"
                           " capabilities, configuration, metadata, status)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, COALESCE(?6, '{}'), COALESCE(?7, '[]'),"
                           "         COALESCE(?8, '{}'), ?9, ?10)"
                           " ON CONFLICT (device_id) DO UPDATE SET name = ?2, type = ?3,"
                           " manufacturer = ?4, model = ?5, location = COALESCE(?6, '{}'),"
                           " capabilities = COALESCE(?7, '[]'), configuration = COALESCE(?8, '{}'),"
                           " metadata = ?9, status = ?10, updated_at = CURRENT_TIMESTAMP",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      for (guint i = 0; i < G_N_ELEMENTS (members); i++)
        g_free (texts[i]);
      return _aether_sqlite_fail (self->db, rc, "Could not store the device", error);
    }

  bind_text_or_null (stmt, 1, aether_json_get_string (object, "device_id"));
  bind_text_or_null (stmt, 2, aether_json_get_string (object, "name"));
  bind_text_or_null (stmt, 3, aether_json_get_string (object, "type"));
  bind_text_or_null (stmt, 4, aether_json_get_string (object, "manufacturer"));
  bind_text_or_null (stmt, 5, aether_json_get_string (object, "model"));
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    {
      bind_text_or_null (stmt, 6 + (int)i, texts[i]);
      g_free (texts[i]);
    }

  return step_done (self->db, stmt, "Could not store the device", error);
}

static void
set_json_member (JsonObject *object,
                 const char *member,
                 const char *text)
{
  JsonNode *node = text_to_node (text, member);

  if (node != NULL)
    json_object_set_member (object, member, node);
}

static JsonNode *
device_from_row (sqlite3_stmt *stmt)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  /* The seed's order of keys. */
  json_object_set_string_member (object, "device_id", (const char *)sqlite3_column_text (stmt, 0));
  json_object_set_string_member (object, "name", (const char *)sqlite3_column_text (stmt, 1));
  json_object_set_string_member (object, "type", (const char *)sqlite3_column_text (stmt, 2));
  if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
    json_object_set_string_member (object, "manufacturer", (const char *)sqlite3_column_text (stmt, 3));
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
    json_object_set_string_member (object, "model", (const char *)sqlite3_column_text (stmt, 4));
  set_json_member (object, "location", (const char *)sqlite3_column_text (stmt, 5));
  set_json_member (object, "capabilities", (const char *)sqlite3_column_text (stmt, 6));
  set_json_member (object, "configuration", (const char *)sqlite3_column_text (stmt, 7));
  set_json_member (object, "metadata", (const char *)sqlite3_column_text (stmt, 8));
  set_json_member (object, "status", (const char *)sqlite3_column_text (stmt, 9));

  json_node_take_object (node, object);
  return node;
}

#define DEVICE_COLUMNS "device_id, name, type, manufacturer, model, location, capabilities," \
                       " configuration, metadata, status"

/**
 * aether_store_get_device:
 * @self: a store
 * @device_id: a device
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the seed's Device JSON, or %NULL with
 *   %AETHER_ERROR_NOT_FOUND
 */
JsonNode *
aether_store_get_device (AetherStore  *self,
                         const char   *device_id,
                         GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  JsonNode *node = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  rc = sqlite3_prepare_v2 (self->db, "SELECT " DEVICE_COLUMNS " FROM devices WHERE device_id = ?",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not read the device", error), NULL;

  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    node = device_from_row (stmt);
  else if (rc == SQLITE_DONE)
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, "There is no device “%s”", device_id);
  else
    _aether_sqlite_fail (self->db, rc, "Could not read the device", error);

  sqlite3_finalize (stmt);
  return node;
}

/**
 * aether_store_list_devices:
 * @self: a store
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type JsonNode): every device, by name
 */
GPtrArray *
aether_store_list_devices (AetherStore  *self,
                           GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  rc = sqlite3_prepare_v2 (self->db, "SELECT " DEVICE_COLUMNS " FROM devices ORDER BY name, device_id",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not list devices", error), NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, device_from_row (stmt));
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (self->db, rc, "Could not list devices", error), NULL;

  return g_steal_pointer (&list);
}

static gboolean
delete_by_key (AetherStore  *self,
               const char   *sql,
               const char   *key,
               const char   *what,
               GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not delete", error);

  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (!step_done (self->db, stmt, "Could not delete", error))
    return FALSE;

  if (sqlite3_changes (self->db) == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, "There is no %s “%s”", what, key);
      return FALSE;
    }

  return TRUE;
}

gboolean
aether_store_remove_device (AetherStore  *self,
                            const char   *device_id,
                            GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  return delete_by_key (self, "DELETE FROM devices WHERE device_id = ?", device_id,
                        "device", error);
}

/**
 * aether_store_set_device_status:
 * @self: a store
 * @device_id: a device
 * @status: the seed's `status` object
 * @error: a location for a #GError
 *
 * Records the status and appends it to the 24-hour status log.
 *
 * Returns: %TRUE if stored
 */
gboolean
aether_store_set_device_status (AetherStore  *self,
                                const char   *device_id,
                                JsonObject   *status,
                                GError      **error)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  json_node_set_object (node, status);
  if (!node_to_text (node, "device status", &text, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db, "UPDATE devices SET status = ?2, updated_at = CURRENT_TIMESTAMP"
                                     " WHERE device_id = ?1", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not store the device status", error);
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  if (!step_done (self->db, stmt, "Could not store the device status", error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db, "INSERT OR REPLACE INTO device_status_log (ts, device_id, online, error_count)"
                                     " VALUES (?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not log the device status", error);
  sqlite3_bind_int64 (stmt, 1, aether_clock_now_us (self->clock) / 1000);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, json_object_get_boolean_member_with_default (status, "online", FALSE));
  sqlite3_bind_int64 (stmt, 4, json_object_get_int_member_with_default (status, "error_count", 0));

  return step_done (self->db, stmt, "Could not log the device status", error);
}

gboolean
aether_store_put_user (AetherStore  *self,
                       JsonNode     *user,
                       GError      **error)
{
  static const char * const required[] = { "user_id", "username", NULL };
  JsonObject *object;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *preferences = NULL;
  g_autofree char *tokens = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (!require_object (user, "user", &object, error) ||
      !require_strings (object, "user", required, error) ||
      !check_member_type (object, "user", "preferences", JSON_NODE_OBJECT, error) ||
      !check_member_type (object, "user", "api_tokens", JSON_NODE_ARRAY, error))
    return FALSE;

  if (!node_to_text (json_object_get_member (object, "preferences"), "user", &preferences, error) ||
      !node_to_text (json_object_get_member (object, "api_tokens"), "user", &tokens, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO users (user_id, username, email, role, preferences, api_tokens)"
                           " VALUES (?1, ?2, ?3, ?4, COALESCE(?5, '{}'), COALESCE(?6, '[]'))"
                           " ON CONFLICT (user_id) DO UPDATE SET username = ?2, email = ?3, role = ?4,"
                           " preferences = COALESCE(?5, '{}'), api_tokens = COALESCE(?6, '[]'),"
                           " updated_at = CURRENT_TIMESTAMP", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not store the user", error);

  bind_text_or_null (stmt, 1, aether_json_get_string (object, "user_id"));
  bind_text_or_null (stmt, 2, aether_json_get_string (object, "username"));
  bind_text_or_null (stmt, 3, aether_json_get_string (object, "email"));
  bind_text_or_null (stmt, 4, aether_json_get_string (object, "role"));
  bind_text_or_null (stmt, 5, preferences);
  bind_text_or_null (stmt, 6, tokens);

  return step_done (self->db, stmt, "Could not store the user", error);
}

/**
 * aether_store_get_user:
 * @self: a store
 * @user_id: a user
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the seed's User JSON, or %NULL
 */
JsonNode *
aether_store_get_user (AetherStore  *self,
                       const char   *user_id,
                       GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  JsonNode *node = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  rc = sqlite3_prepare_v2 (self->db, "SELECT user_id, username, email, role, preferences, api_tokens"
                                     " FROM users WHERE user_id = ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not read the user", error), NULL;

  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "user_id", (const char *)sqlite3_column_text (stmt, 0));
      json_object_set_string_member (object, "username", (const char *)sqlite3_column_text (stmt, 1));
      if (sqlite3_column_type (stmt, 2) != SQLITE_NULL)
        json_object_set_string_member (object, "email", (const char *)sqlite3_column_text (stmt, 2));
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        json_object_set_string_member (object, "role", (const char *)sqlite3_column_text (stmt, 3));
      set_json_member (object, "preferences", (const char *)sqlite3_column_text (stmt, 4));
      set_json_member (object, "api_tokens", (const char *)sqlite3_column_text (stmt, 5));
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, object);
    }
  else if (rc == SQLITE_DONE)
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, "There is no user “%s”", user_id);
  else
    _aether_sqlite_fail (self->db, rc, "Could not read the user", error);

  sqlite3_finalize (stmt);
  return node;
}

/* Documents kept whole: a key column or two for lookups, the JSON as given. */
static gboolean
put_document (AetherStore  *self,
              const char   *sql,
              const char   *what,
              const char   *id,
              const char   *col2,
              const char   *col3,
              gint64        int2,
              gint64        int3,
              gboolean      ints,
              JsonNode     *node,
              GError      **error)
{
  g_autofree char *text = NULL;
  g_autofree char *message = g_strdup_printf ("Could not store the %s", what);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!node_to_text (node, what, &text, error))
    return FALSE;

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, message, error);

  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (ints)
    {
      bind_text_or_null (stmt, 2, col2);
      sqlite3_bind_int64 (stmt, 3, int2);
      sqlite3_bind_int64 (stmt, 4, int3);
    }
  else
    {
      bind_text_or_null (stmt, 2, col2);
      bind_text_or_null (stmt, 3, col3);
      (void)int2;
      (void)int3;
    }
  sqlite3_bind_text (stmt, ints ? 5 : 4, text, -1, SQLITE_TRANSIENT);

  return step_done (self->db, stmt, message, error);
}

static GPtrArray *
list_documents (AetherStore  *self,
                const char   *sql,
                const char   *bind,
                const char   *what,
                GError      **error)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not read the database", error), NULL;

  if (bind != NULL)
    sqlite3_bind_text (stmt, 1, bind, -1, SQLITE_TRANSIENT);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      JsonNode *node = text_to_node ((const char *)sqlite3_column_text (stmt, 0), what);

      if (node != NULL)
        g_ptr_array_add (list, node);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (self->db, rc, "Could not read the database", error), NULL;

  return g_steal_pointer (&list);
}

/**
 * aether_store_put_rate_schedule:
 * @self: a store
 * @schedule: the seed's Rate Schedule JSON (validated by the tariff engine)
 * @error: a location for a #GError
 *
 * Returns: %TRUE if stored
 */
gboolean
aether_store_put_rate_schedule (AetherStore  *self,
                                JsonNode     *schedule,
                                GError      **error)
{
  static const char * const required[] = { "rate_id", NULL };
  JsonObject *object;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (!require_object (schedule, "rate schedule", &object, error) ||
      !require_strings (object, "rate schedule", required, error))
    return FALSE;

  return put_document (self,
                       "INSERT INTO rate_schedules (rate_id, effective_date, expiry_date, json)"
                       " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (rate_id) DO UPDATE SET"
                       " effective_date = ?2, expiry_date = ?3, json = ?4, updated_at = CURRENT_TIMESTAMP",
                       "rate schedule", aether_json_get_string (object, "rate_id"),
                       aether_json_get_string (object, "effective_date"), aether_json_get_string (object, "expiry_date"),
                       0, 0, FALSE, schedule, error);
}

/**
 * aether_store_list_rate_schedules:
 * @self: a store
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type JsonNode): by effective date
 */
GPtrArray *
aether_store_list_rate_schedules (AetherStore  *self,
                                  GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  return list_documents (self, "SELECT json FROM rate_schedules ORDER BY effective_date, rate_id", NULL,
                         "rate schedule", error);
}

/**
 * aether_store_put_cost_record:
 * @self: a store
 * @record: the seed's Cost Record JSON
 * @error: a location for a #GError
 *
 * Returns: %TRUE if stored
 */
gboolean
aether_store_put_cost_record (AetherStore  *self,
                              JsonNode     *record,
                              GError      **error)
{
  static const char * const required[] = { "calculation_id", NULL };
  JsonObject *object;
  JsonObject *period = NULL;
  gint64 start = 0, end = 0;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (!require_object (record, "cost record", &object, error) ||
      !require_strings (object, "cost record", required, error) ||
      !check_member_type (object, "cost record", "period", JSON_NODE_OBJECT, error))
    return FALSE;

  if (json_object_has_member (object, "period"))
    period = json_object_get_object_member (object, "period");
  if (period != NULL)
    {
      const char *s = aether_json_get_string (period, "start");
      const char *e = aether_json_get_string (period, "end");

      if ((s && !aether_parse_timestamp (s, &start, error)) ||
          (e && !aether_parse_timestamp (e, &end, error)))
        {
          g_prefix_error (error, "The cost record’s period: ");
          return FALSE;
        }
    }

  return put_document (self,
                       "INSERT INTO cost_records (calculation_id, device_id, period_start, period_end, json)"
                       " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (calculation_id) DO UPDATE SET"
                       " device_id = ?2, period_start = ?3, period_end = ?4, json = ?5,"
                       " updated_at = CURRENT_TIMESTAMP",
                       "cost record", aether_json_get_string (object, "calculation_id"),
                       aether_json_get_string (object, "device_id"), NULL,
                       start / G_USEC_PER_SEC, end / G_USEC_PER_SEC, TRUE, record, error);
}

/**
 * aether_store_list_cost_records:
 * @self: a store
 * @device_id: (nullable): one device, or all
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type JsonNode): by period start
 */
GPtrArray *
aether_store_list_cost_records (AetherStore  *self,
                                const char   *device_id,
                                GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  if (device_id != NULL)
    return list_documents (self, "SELECT json FROM cost_records WHERE device_id = ? ORDER BY period_start",
                           device_id, "cost record", error);

  return list_documents (self, "SELECT json FROM cost_records ORDER BY period_start", NULL, "cost record", error);
}

/**
 * aether_store_put_alert:
 * @self: a store
 * @alert: the seed's Alert Configuration JSON
 * @error: a location for a #GError
 *
 * Returns: %TRUE if stored
 */
gboolean
aether_store_put_alert (AetherStore  *self,
                        JsonNode     *alert,
                        GError      **error)
{
  static const char * const required[] = { "alert_id", NULL };
  JsonObject *object;
  g_autofree char *enabled = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (!require_object (alert, "alert", &object, error) ||
      !require_strings (object, "alert", required, error))
    return FALSE;

  enabled = g_strdup (json_object_get_boolean_member_with_default (object, "enabled", TRUE) ? "1" : "0");

  return put_document (self,
                       "INSERT INTO alerts (alert_id, enabled, json) VALUES (?1, ?2, ?4)"
                       " ON CONFLICT (alert_id) DO UPDATE SET enabled = ?2, json = ?4,"
                       " updated_at = CURRENT_TIMESTAMP",
                       "alert", aether_json_get_string (object, "alert_id"), enabled, NULL,
                       0, 0, FALSE, alert, error);
}

GPtrArray *
aether_store_list_alerts (AetherStore  *self,
                          GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  return list_documents (self, "SELECT json FROM alerts ORDER BY alert_id", NULL, "alert", error);
}

gboolean
aether_store_remove_alert (AetherStore  *self,
                           const char   *alert_id,
                           GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  return delete_by_key (self, "DELETE FROM alerts WHERE alert_id = ?", alert_id,
                        "alert", error);
}

/**
 * aether_store_remove_rate_schedule:
 * @self: a store
 * @rate_id: the schedule version's id
 * @error: a location for a #GError
 *
 * Removes one rate schedule version. Costs already stored keep the prices
 * they were given until a re-price job covers their dates.
 *
 * Returns: %TRUE if it was removed
 */
gboolean
aether_store_remove_rate_schedule (AetherStore  *self,
                                   const char   *rate_id,
                                   GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  return delete_by_key (self, "DELETE FROM rate_schedules WHERE rate_id = ?", rate_id, "rate schedule", error);
}

gboolean
aether_store_add_alert_history (AetherStore  *self,
                                gint64        time_us,
                                const char   *alert_id,
                                const char   *kind,
                                const char   *detail,
                                GError      **error)
{
  g_autofree char *shown = aether_redact_urls_in_text (detail);
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  rc = sqlite3_prepare_v2 (self->db, "INSERT INTO alert_history (time, alert_id, kind, detail)"
                                     " VALUES (?, ?, ?, ?)", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not record the alert", error);

  sqlite3_bind_int64 (stmt, 1, time_us / 1000);
  sqlite3_bind_text (stmt, 2, alert_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, kind, -1, SQLITE_TRANSIENT);
  /* A webhook's address is kept without its credentials. */
  bind_text_or_null (stmt, 4, shown);

  return step_done (self->db, stmt, "Could not record the alert", error);
}

/**
 * aether_store_list_alert_history:
 * @self: a store
 * @error: a location for a #GError
 *
 * Returns: (transfer full): a JSON array of {time, alert_id, kind, detail}, oldest first
 */
JsonNode *
aether_store_list_alert_history (AetherStore  *self,
                                 GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  rc = sqlite3_prepare_v2 (self->db, "SELECT time, alert_id, kind, detail FROM alert_history ORDER BY time, id",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not read the alert history", error), NULL;

  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autofree char *when = aether_format_timestamp (sqlite3_column_int64 (stmt, 0) * 1000);
      /* Rows written before addresses were redacted are shown redacted. */
      g_autofree char *detail = aether_redact_urls_in_text ((const char *)sqlite3_column_text (stmt, 3));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, when);
      json_builder_set_member_name (builder, "alert_id");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, detail);
      json_builder_end_object (builder);
    }
  sqlite3_finalize (stmt);
  json_builder_end_array (builder);

  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (self->db, rc, "Could not read the alert history", error), NULL;

  return json_builder_get_root (builder);
}
