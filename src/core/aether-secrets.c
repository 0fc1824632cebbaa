/* aether-secrets.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Device passwords go to the keyring (the Secret Service, or the Secret
 * portal inside Flatpak), not into the database. A protected device's
 * `plugin_config` lists the keys kept there under `keyring`, and the
 * service fills them in, in memory, when it loads the device. Where there
 * is no keyring (a home server without a desktop session) the password
 * stays in the database as before, and the caller is told so.
 *
 * Every call is bounded: a keyring that never answers (a prompt nobody
 * sees) costs five seconds, not a hung collector.
 *
 * AETHERLENS_SECRET_COLLECTION=session keeps secrets in the keyring's
 * in-memory session collection, for tests. */

#define G_LOG_DOMAIN "aether-secrets"

#include "config.h"

#include <libsecret/secret.h>
#include <string.h>

#include "aether-error.h"
#include "aether-json.h"
#include "aether-secrets.h"

#define TIMEOUT_MS 5000

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "io.github.aetherlens.DeviceSecret", SECRET_SCHEMA_NONE,
    {
      { "device", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "field", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

static const char *
collection (void)
{
  return g_strcmp0 (g_getenv ("AETHERLENS_SECRET_COLLECTION"), "session") == 0
         ? SECRET_COLLECTION_SESSION : SECRET_COLLECTION_DEFAULT;
}

typedef struct
{
  GMainContext *context;
  GAsyncResult *result;
  gboolean      timed_out;
} Wait;

static void
on_done (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_context_wakeup (wait->context);
}

static gboolean
on_timeout (gpointer user_data)
{
  Wait *wait = user_data;

  wait->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the call on a context of its own until it answers or the time is up. */
static GAsyncResult *
wait_for (Wait         *wait,
          GCancellable *cancellable)
{
  g_autoptr(GSource) timeout = g_timeout_source_new (TIMEOUT_MS);

  g_source_set_callback (timeout, on_timeout, wait, NULL);
  g_source_attach (timeout, wait->context);
  while (wait->result == NULL && !wait->timed_out)
    g_main_context_iteration (wait->context, TRUE);
  if (wait->result == NULL)
    {
      g_cancellable_cancel (cancellable);
      while (wait->result == NULL)
        g_main_context_iteration (wait->context, TRUE);
    }
  g_source_destroy (timeout);
  return wait->result;
}

static gboolean
fail_if_timed_out (Wait    *wait,
                   GError **error)
{
  if (!wait->timed_out)
    return FALSE;
  g_clear_error (error);
  g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_TIMED_OUT,
                       "The keyring did not answer in time; is it locked, waiting for its password?");
  return TRUE;
}

/**
 * aether_secrets_store:
 * @device_id: the device
 * @key: the `plugin_config` key, e.g. `password`
 * @secret: the secret
 * @error: a location for a #GError
 *
 * Returns: %TRUE if the keyring holds it now
 */
gboolean
aether_secrets_store (const char  *device_id,
                      const char  *key,
                      const char  *secret,
                      GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *label = g_strdup_printf ("AetherLens: %s of %s", key, device_id);
  Wait wait = { context, NULL, FALSE };
  gboolean ok;

  g_main_context_push_thread_default (context);
  secret_password_store (get_schema (), collection (), label, secret, cancellable, on_done, &wait,
                         "device", device_id, "field", key, NULL);
  wait_for (&wait, cancellable);
  ok = secret_password_store_finish (wait.result, error);
  g_main_context_pop_thread_default (context);
  g_object_unref (wait.result);
  if (fail_if_timed_out (&wait, error))
    return FALSE;
  return ok;
}

/**
 * aether_secrets_lookup:
 * @device_id: the device
 * @key: the `plugin_config` key
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL with @error set
 */
char *
aether_secrets_lookup (const char  *device_id,
                       const char  *key,
                       GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Wait wait = { context, NULL, FALSE };
  char *secret;

  g_main_context_push_thread_default (context);
  secret_password_lookup (get_schema (), cancellable, on_done, &wait, "device", device_id, "field", key, NULL);
  wait_for (&wait, cancellable);
  secret = secret_password_lookup_finish (wait.result, error);
  g_main_context_pop_thread_default (context);
  g_object_unref (wait.result);
  if (fail_if_timed_out (&wait, error))
    {
      g_free (secret);
      return NULL;
    }
  if (secret == NULL && (error == NULL || *error == NULL))
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, "The keyring holds no %s for %s", key, device_id);
  return secret;
}

/**
 * aether_secrets_clear:
 * @device_id: the device
 * @error: a location for a #GError
 *
 * Forgets every secret of a device.
 *
 * Returns: %FALSE if the keyring could not be asked
 */
gboolean
aether_secrets_clear (const char  *device_id,
                      GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) local_error = NULL;
  Wait wait = { context, NULL, FALSE };

  g_main_context_push_thread_default (context);
  secret_password_clear (get_schema (), cancellable, on_done, &wait, "device", device_id, NULL);
  wait_for (&wait, cancellable);
  secret_password_clear_finish (wait.result, &local_error);
  g_main_context_pop_thread_default (context);
  g_object_unref (wait.result);
  if (fail_if_timed_out (&wait, error))
    return FALSE;
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/**
 * aether_secrets_protect_device:
 * @device: a registry record in the seed's Device model
 * @fields: its plugin's config fields
 * @error: why the keyring could not take them, when it could not
 *
 * Moves the values of @fields marked secret from the record's
 * `plugin_config` to the keyring, listing their keys under
 * `plugin_config.keyring`. On failure the record is left as it was, the
 * secrets in it.
 *
 * Returns: %TRUE if there was nothing to move or all of it moved
 */
gboolean
aether_secrets_protect_device (JsonNode                 *device,
                               const AetherConfigField  *fields,
                               GError                  **error)
{
  JsonObject *object = json_node_get_object (device);
  const char *device_id = json_object_get_string_member (object, "device_id");
  JsonNode *config_node = json_object_get_member (object, "configuration");
  JsonObject *config = config_node && JSON_NODE_HOLDS_OBJECT (config_node) ? json_node_get_object (config_node) : NULL;
  JsonNode *plugin_node = config ? json_object_get_member (config, "plugin_config") : NULL;
  JsonObject *plugin_config = plugin_node && JSON_NODE_HOLDS_OBJECT (plugin_node) ? json_node_get_object (plugin_node) : NULL;
  g_autoptr(GPtrArray) moved = g_ptr_array_new ();
  JsonArray *keyring;

  for (guint i = 0; fields != NULL && fields[i].key != NULL && plugin_config != NULL; i++)
    {
      const char *value;

      if (!(fields[i].secret || fields[i].type == AETHER_CONFIG_FIELD_PASSWORD) ||
          !json_object_has_member (plugin_config, fields[i].key))
        continue;
      value = json_object_get_string_member_with_default (plugin_config, fields[i].key, NULL);
      if (value == NULL || *value == '\0')
        continue;
      if (!aether_secrets_store (device_id, fields[i].key, value, error))
        {
          /* All or nothing: what went to the keyring leaves it again. */
          if (moved->len > 0)
            aether_secrets_clear (device_id, NULL);
          return FALSE;
        }
      g_ptr_array_add (moved, (gpointer)fields[i].key);
    }

  if (moved->len == 0)
    return TRUE;

  keyring = json_array_new ();
  for (guint i = 0; i < moved->len; i++)
    {
      json_array_add_string_element (keyring, g_ptr_array_index (moved, i));
      json_object_remove_member (plugin_config, g_ptr_array_index (moved, i));
    }
  json_object_set_array_member (plugin_config, "keyring", keyring);
  return TRUE;
}

/**
 * aether_secrets_reveal_config:
 * @device_id: the device
 * @configuration: its stored `configuration`
 *
 * Returns: (transfer full): a copy of @configuration with the secrets the
 *   keyring holds for it filled in, for the plugin's eyes only (a secret
 *   the keyring cannot give is left out: the device will say it wants a
 *   password)
 */
JsonObject *
aether_secrets_reveal_config (const char *device_id,
                              JsonObject *configuration)
{
  g_autoptr(JsonNode) wrapper = json_node_init_object (json_node_alloc (), configuration);
  g_autoptr(JsonNode) copy = aether_json_deep_copy (wrapper);
  JsonObject *config = json_node_get_object (copy);
  JsonNode *plugin_node = json_object_get_member (config, "plugin_config");
  JsonObject *plugin_config = plugin_node && JSON_NODE_HOLDS_OBJECT (plugin_node) ? json_node_get_object (plugin_node) : NULL;
  JsonNode *keys = plugin_config ? json_object_get_member (plugin_config, "keyring") : NULL;

  for (guint i = 0; keys != NULL && JSON_NODE_HOLDS_ARRAY (keys) && i < json_array_get_length (json_node_get_array (keys)); i++)
    {
      const char *key = json_array_get_string_element (json_node_get_array (keys), i);
      g_autoptr(GError) error = NULL;
      g_autofree char *secret = key ? aether_secrets_lookup (device_id, key, &error) : NULL;

      if (secret != NULL)
        json_object_set_string_member (plugin_config, key, secret);
      else if (key != NULL)
        g_warning ("The %s of %s is not available from the keyring: %s", key, device_id, error->message);
    }

  return json_object_ref (config);
}

/**
 * aether_secrets_shutdown:
 *
 * Lets go of the keyring's connection, for a clean exit (and for tests
 * that tear their bus down).
 */
void
aether_secrets_shutdown (void)
{
  secret_service_disconnect ();
}

/* Keys that hold a secret whatever the plugin calls its field. */
static gboolean
is_secret_key (const char *key)
{
  static const char * const words[] = { "password", "passwd", "secret", "token", "api_key", "apikey" };
  g_autofree char *lower = g_ascii_strdown (key, -1);

  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    if (strstr (lower, words[i]) != NULL)
      return TRUE;
  return FALSE;
}

/**
 * aether_secrets_redact_device:
 * @device: a registry record (the seed's Device)
 *
 * The record as it may be shown or printed: a secret still in the record
 * (there was no keyring) reads "(stored in the database)", one in the
 * keyring "(stored in the keyring)". The record itself is not changed.
 *
 * Returns: (transfer full): a copy fit for output
 */
JsonNode *
aether_secrets_redact_device (JsonNode *device)
{
  JsonNode *copy;
  JsonObject *plugin_config;
  JsonArray *keyring;
  JsonObjectIter iter;
  const char *key;
  JsonNode *value;
  g_autoptr(GPtrArray) hidden = g_ptr_array_new ();

  g_return_val_if_fail (device != NULL, NULL);

  copy = aether_json_deep_copy (device);
  plugin_config = JSON_NODE_HOLDS_OBJECT (copy)
                  ? aether_json_get_object (aether_json_get_object (json_node_get_object (copy), "configuration"),
                                            "plugin_config")
                  : NULL;
  if (plugin_config == NULL)
    return copy;

  json_object_iter_init (&iter, plugin_config);
  while (json_object_iter_next (&iter, &key, &value))
    if (is_secret_key (key) && !JSON_NODE_HOLDS_NULL (value))
      g_ptr_array_add (hidden, (gpointer)key);
  for (guint i = 0; i < hidden->len; i++)
    json_object_set_string_member (plugin_config, g_ptr_array_index (hidden, i), "(stored in the database)");

  keyring = aether_json_get_array (plugin_config, "keyring");
  for (guint i = 0; keyring != NULL && i < json_array_get_length (keyring); i++)
    {
      JsonNode *element = json_array_get_element (keyring, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING &&
          !json_object_has_member (plugin_config, json_node_get_string (element)))
        json_object_set_string_member (plugin_config, json_node_get_string (element), "(stored in the keyring)");
    }
  return copy;
}
