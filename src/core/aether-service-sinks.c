/* aether-service-sinks.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The faces' one way to add, list, remove and backfill sinks. What a sink
 * needs is checked here, with errors naming what is wrong; its secret (an
 * InfluxDB token, a PostgreSQL password, also one written inside the
 * conninfo) goes to the keyring under "sink:NAME", like a device's, and the
 * configuration lists it under `keyring`. Without a keyring the secret
 * stays in the configuration and the caller is told so. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <glib/gi18n.h>
#include <libpq-fe.h>
#include <string.h>

#include "aether-error.h"
#include "aether-secrets.h"
#include "aether-service-private.h"
#include "model/aether-json.h"
#include "sinks/aether-sink-private.h"
#include "store/aether-store-sinks.h"

static gboolean
check_influxdb (JsonObject  *config,
                GError     **error)
{
  const char *url = aether_json_get_string_or (config, "url", NULL);
  const char *database = aether_json_get_string_or (config, "database", NULL);
  const char *org = aether_json_get_string_or (config, "org", NULL);
  const char *bucket = aether_json_get_string_or (config, "bucket", NULL);
  g_autoptr(GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("--url “%s” is not an http:// or https:// address of an InfluxDB server"), url ? url : "");
      return FALSE;
    }
  if ((org == NULL) != (bucket == NULL))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("InfluxDB 2 needs both --org and --bucket"));
      return FALSE;
    }
  if (database == NULL && org == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("Name the InfluxDB database with --database (InfluxDB 1), or --org and --bucket (InfluxDB 2)"));
      return FALSE;
    }
  return TRUE;
}

/* Quotes a conninfo value: single quotes, with ' and \ escaped. */
static void
append_conninfo_value (GString    *out,
                       const char *value)
{
  g_string_append_c (out, '\'');
  for (const char *p = value; *p; p++)
    {
      if (*p == '\'' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '\'');
}

/* Checks the conninfo and takes a password out of it. */
static gboolean
check_postgres (JsonObject  *config,
                char       **password,
                GError     **error)
{
  const char *conninfo = aether_json_get_string_or (config, "conninfo", NULL);
  g_autoptr(GString) rest = g_string_new (NULL);
  PQconninfoOption *options;
  char *message = NULL;

  if (conninfo == NULL || *conninfo == '\0')
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("Give the PostgreSQL server with --conninfo, e.g. “host=db.lan dbname=energy user=aether”"));
      return FALSE;
    }
  if (!(options = PQconninfoParse (conninfo, &message)))
    {
      g_autofree char *line = g_strdup (message ? message : "");

      g_strstrip (line);
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("--conninfo “%s” is not a PostgreSQL connection string: %s"), conninfo, line);
      PQfreemem (message);
      return FALSE;
    }

  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (strcmp (o->keyword, "password") == 0)
        {
          g_free (*password);
          *password = g_strdup (o->val);
          continue;
        }
      if (rest->len > 0)
        g_string_append_c (rest, ' ');
      g_string_append_printf (rest, "%s=", o->keyword);
      append_conninfo_value (rest, o->val);
    }
  PQconninfoFree (options);
  json_object_set_string_member (config, "conninfo", rest->str);
  return TRUE;
}

/**
 * aether_service_add_sink:
 * @self: a service
 * @kind: `influxdb` or `postgres`
 * @name: its name
 * @config: (transfer none): `url` and `database` or `org` and `bucket`
 *   (influxdb); `conninfo` (postgres); copied, not changed
 * @secret: (nullable): the token or password; a password in the conninfo
 *   is taken from there
 * @max_queued: the outbox's cap, 0 for the default
 * @secret_in_keyring: (out) (optional): whether the keyring took the
 *   secret (%FALSE: it is kept in the database)
 * @error: a location for a #GError
 *
 * Adds a sink: every reading stored from now on is queued for it and
 * delivered by the process that collects.
 *
 * Returns: %TRUE if added
 */
gboolean
aether_service_add_sink (AetherService  *self,
                         const char     *kind,
                         const char     *name,
                         JsonObject     *config,
                         const char     *secret,
                         gint64          max_queued,
                         gboolean       *secret_in_keyring,
                         GError        **error)
{
  g_autoptr(JsonNode) wrapper = NULL;
  g_autoptr(JsonNode) copy = NULL;
  g_autofree char *password = NULL;
  g_autofree char *owner = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(AetherSinkRecord) existing = NULL;
  JsonObject *stored;
  const char *key;
  gboolean in_keyring = FALSE;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  if (secret_in_keyring != NULL)
    *secret_in_keyring = FALSE;

  wrapper = json_node_init_object (json_node_alloc (), config);
  copy = aether_json_deep_copy (wrapper);
  stored = json_node_get_object (copy);

  if (g_strcmp0 (kind, "influxdb") == 0)
    {
      if (!check_influxdb (stored, error))
        return FALSE;
      key = "token";
    }
  else if (g_strcmp0 (kind, "postgres") == 0)
    {
      if (!check_postgres (stored, &password, error))
        return FALSE;
      key = "password";
    }
  else
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a kind of sink: influxdb or postgres"), kind ? kind : "");
      return FALSE;
    }

  if ((existing = aether_store_get_sink (aether_service_get_store (self), name ? name : "", NULL)))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS,
                   _("There is already a sink named “%s”; remove it first"), name);
      return FALSE;
    }

  if (secret != NULL && *secret != '\0')
    {
      g_free (password);
      password = g_strdup (secret);
    }
  owner = _aether_sink_secret_owner (name ? name : "");
  if (password != NULL)
    {
      if (aether_secrets_store (owner, key, password, &keyring_error))
        {
          JsonArray *keys = json_array_new ();

          json_array_add_string_element (keys, key);
          json_object_set_array_member (stored, "keyring", keys);
          in_keyring = TRUE;
        }
      else
        {
          g_message ("No keyring (%s): the %s of sink “%s” is kept in the database",
                     keyring_error->message, key, name);
          json_object_set_string_member (stored, key, password);
        }
    }

  if (!aether_store_add_sink (aether_service_get_store (self), kind, name, stored, max_queued,
                              g_get_real_time () / 1000, error))
    {
      if (in_keyring)
        aether_secrets_clear (owner, NULL);
      return FALSE;
    }

  if (secret_in_keyring != NULL)
    *secret_in_keyring = in_keyring;
  aether_service_retry_sinks (self);
  return TRUE;
}

/**
 * aether_service_remove_sink:
 * @self: a service
 * @name: a sink
 * @error: a location for a #GError
 *
 * Removes the sink, what its outbox held and its secret.
 *
 * Returns: %TRUE if removed
 */
gboolean
aether_service_remove_sink (AetherService  *self,
                            const char     *name,
                            GError        **error)
{
  g_autoptr(AetherSinkRecord) record = NULL;
  g_autofree char *owner = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!(record = aether_store_get_sink (aether_service_get_store (self), name, error)) ||
      !aether_store_remove_sink (aether_service_get_store (self), name, error))
    return FALSE;

  if (aether_json_get_array (record->config, "keyring") != NULL)
    {
      g_autoptr(GError) keyring_error = NULL;

      owner = _aether_sink_secret_owner (name);
      if (!aether_secrets_clear (owner, &keyring_error))
        g_warning ("The keyring still holds the secret of sink “%s”: %s", name, keyring_error->message);
    }
  aether_service_retry_sinks (self);
  return TRUE;
}

/**
 * aether_service_list_sinks:
 * @self: a service
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherSinkRecord): the sinks and
 *   their status, by name
 */
GPtrArray *
aether_service_list_sinks (AetherService  *self,
                           GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);

  return aether_store_list_sinks (aether_service_get_store (self), error);
}

static void
list_sinks_in_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  g_autoptr(AetherStore) reader = NULL;
  GPtrArray *sinks;
  GError *error = NULL;

  /* The store's own connection belongs to the main thread. */
  if (!(reader = aether_store_open_reader (task_data, &error)) ||
      !(sinks = aether_store_list_sinks (reader, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  if (!g_task_return_error_if_cancelled (task))
    g_task_return_pointer (task, sinks, (GDestroyNotify)g_ptr_array_unref);
  else
    g_ptr_array_unref (sinks);
}

/**
 * aether_service_list_sinks_async:
 * @self: a service
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the sinks
 * @user_data: data for @callback
 *
 * Reads the sinks and their status as aether_service_list_sinks() does,
 * on a thread with a read-only connection of its own: a window never waits
 * for SQLite.
 */
void
aether_service_list_sinks_async (AetherService       *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (AETHER_IS_SERVICE (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_service_list_sinks_async);
  g_task_set_task_data (task, g_object_ref (aether_service_get_store (self)), g_object_unref);
  g_task_run_in_thread (task, list_sinks_in_thread);
}

/**
 * aether_service_list_sinks_finish:
 * @self: a service
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherSinkRecord): the sinks and
 *   their status, by name, or %NULL
 */
GPtrArray *
aether_service_list_sinks_finish (AetherService  *self,
                                  GAsyncResult   *result,
                                  GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * aether_service_backfill_sink:
 * @self: a service
 * @name: a sink
 * @from_us: from this instant
 * @to_us: to this one (exclusive)
 * @not_queued: (out) (optional): readings that did not fit in the outbox
 * @error: a location for a #GError
 *
 * Queues the raw readings the store holds in the range for @name
 * (aether_store_backfill_sink()).
 *
 * Returns: how many were queued, or -1
 */
gint64
aether_service_backfill_sink (AetherService  *self,
                              const char     *name,
                              gint64          from_us,
                              gint64          to_us,
                              gint64         *not_queued,
                              GError        **error)
{
  gint64 n;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), -1);

  if (from_us >= to_us)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("--from must be before --to"));
      return -1;
    }
  /* What the writer holds goes into the outbox before the history does. */
  _aether_service_flush (self);
  n = aether_store_backfill_sink (aether_service_get_store (self), name, from_us, to_us, not_queued, error);
  if (n > 0)
    aether_service_retry_sinks (self);
  return n;
}

/**
 * aether_service_retry_sinks:
 * @self: a service
 *
 * Tries every sink now, whatever its backoff, when this service delivers.
 */
void
aether_service_retry_sinks (AetherService *self)
{
  AetherSinkDeliverer *deliverer;

  g_return_if_fail (AETHER_IS_SERVICE (self));

  if ((deliverer = aether_service_get_sink_deliverer (self)))
    aether_sink_deliverer_retry_now (deliverer);
}

/**
 * aether_service_set_sink_enabled:
 * @self: a service
 * @name: a sink
 * @enabled: whether readings are queued for it and delivered
 * @error: a location for a #GError
 *
 * Returns: %TRUE if changed
 */
gboolean
aether_service_set_sink_enabled (AetherService  *self,
                                 const char     *name,
                                 gboolean        enabled,
                                 GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);

  if (!aether_store_set_sink_enabled (aether_service_get_store (self), name, enabled, error))
    return FALSE;
  aether_service_retry_sinks (self);
  return TRUE;
}
