/* aether-devices.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writing the device registry, the same from the CLI and, through the
 * service, the app. Three writes and nothing else changes `devices` for a
 * person (the service's own status saves aside):
 *
 * - adding a device: every channel of it in one transaction, all or none.
 *   Its id is made from its name ("Kitchen Plug" → `kitchen-plug`); when
 *   that is taken (for any channel) the next free one is used
 *   (`kitchen-plug-2`), so adding never replaces a device. An id a person
 *   gave explicitly is used as it is, or refused when it is taken.
 * - updating a device: same id, only that row; it must exist.
 * - removing a device: only when a person asks; the stored record is
 *   handed back so it can be put back exactly. */

#define G_LOG_DOMAIN "aether-devices"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "aether-devices.h"
#include "aether-error.h"
#include "aether-json.h"
#include "aether-secrets.h"
#include "store/aether-store-private.h"

static const char *
record_id (JsonNode *record)
{
  return json_object_get_string_member_with_default (json_node_get_object (record), "device_id", "");
}

static gboolean
exists (AetherStore *store,
        const char  *device_id)
{
  g_autoptr(JsonNode) existing = aether_store_get_device (store, device_id, NULL);

  return existing != NULL;
}

/* @record's id with the leading @base replaced by @candidate: records are
 * `base` (one channel) or `base-N` (one per channel). */
static char *
renumbered (JsonNode   *record,
            const char *base,
            const char *candidate)
{
  const char *id = record_id (record);

  if (!g_str_has_prefix (id, base))
    return NULL;
  return g_strconcat (candidate, id + strlen (base), NULL);
}

/* Whether no record, given @candidate for @base, names a stored device;
 * @taken gets the first one that does. */
static gboolean
all_free (AetherStore  *store,
          GPtrArray    *records,
          const char   *base,
          const char   *candidate,
          char        **taken)
{
  for (guint i = 0; i < records->len; i++)
    {
      g_autofree char *id = renumbered (g_ptr_array_index (records, i), base, candidate);

      if (id != NULL && exists (store, id))
        {
          if (taken != NULL)
            *taken = g_steal_pointer (&id);
          return FALSE;
        }
    }
  return TRUE;
}

/* Ids key every series ("device\x1fmetric"), so a control character in
 * one could make two devices share a series; names are shown everywhere. */
static gboolean
check_text (const char  *text,
            const char  *what,
            gsize        max_bytes,
            GError     **error)
{
  if (text == NULL || *text == '\0')
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("The device’s %s is empty"), what);
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("The device’s %s is not UTF-8 text"), what);
      return FALSE;
    }
  if (strlen (text) > max_bytes)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("The device’s %s is longer than %" G_GSIZE_FORMAT " bytes"), what, max_bytes);
      return FALSE;
    }
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      {
        g_autofree char *escaped = g_strescape (text, NULL);

        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                     _("The device’s %s “%s” has a control character (U+%04X) at byte %d; use letters, digits and"
                       " punctuation"), what, escaped, g_utf8_get_char (p), (int)(p - text) + 1);
        return FALSE;
      }
  return TRUE;
}

/**
 * aether_devices_check:
 * @device: a registry record (the seed's Device)
 * @fields: (nullable): its plugin's settings, to check each by its type
 * @error: a location for a #GError
 *
 * The one check of a record before it is stored, for adding and changing
 * alike: an id and a name without control characters, and a configuration
 * aether_device_config_check() accepts (intervals of 1 s to a day,
 * whole-number settings that are whole numbers a plugin can hold).
 *
 * Returns: %FALSE with %AETHER_ERROR_INVALID_ARGUMENT naming what is wrong
 */
gboolean
aether_devices_check (JsonNode                 *device,
                      const AetherConfigField  *fields,
                      GError                  **error)
{
  JsonObject *object;
  JsonNode *configuration;

  g_return_val_if_fail (device != NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (device))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("A device must be a JSON object"));
      return FALSE;
    }
  object = json_node_get_object (device);

  if (!check_text (aether_json_get_string (object, "device_id"), _("id"), 128, error) ||
      !check_text (aether_json_get_string (object, "name"), _("name"), 256, error))
    return FALSE;

  configuration = json_object_get_member (object, "configuration");
  if (configuration != NULL && !JSON_NODE_HOLDS_OBJECT (configuration))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("The device’s configuration must be an object"));
      return FALSE;
    }
  if (configuration != NULL && !aether_device_config_check (json_node_get_object (configuration), fields, error))
    {
      g_prefix_error (error, _("Device “%s”: "), aether_json_get_string (object, "device_id"));
      return FALSE;
    }
  return TRUE;
}

/**
 * aether_devices_add:
 * @store: a store
 * @records: (element-type JsonNode): the registry records of one device,
 *   one per channel, as aether_device_identity_to_devices() makes them
 *   with @id
 * @id: the id the records were made with
 * @exact_id: %TRUE when a person chose @id: it is refused when taken;
 *   %FALSE to take the next free one (`@id-2`, `@id-3`, …)
 * @secret_fields: (nullable): the plugin's settings, to move passwords to
 *   the keyring under the final ids; %NULL for records already protected
 *   (putting a removed device back)
 * @keyring_error: (nullable): set when there was no keyring and the
 *   password stays in the database
 * @error: a location for a #GError
 *
 * Adds every channel of a device in one transaction. The records' ids are
 * changed to the one chosen.
 *
 * Returns: (transfer full) (nullable): the id used, or %NULL with @error
 *   set and nothing stored
 */
char *
aether_devices_add (AetherStore              *store,
                    GPtrArray                *records,
                    const char               *id,
                    gboolean                  exact_id,
                    const AetherConfigField  *secret_fields,
                    GError                  **keyring_error,
                    GError                  **error)
{
  g_autofree char *chosen = NULL;
  g_autofree char *taken = NULL;
  g_autoptr(GPtrArray) protected = g_ptr_array_new_with_free_func (g_free);
  gboolean ok = TRUE;

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (records != NULL && records->len > 0, NULL);
  g_return_val_if_fail (id != NULL && *id != '\0', NULL);

  for (guint i = 0; i < records->len; i++)
    if (!aether_devices_check (g_ptr_array_index (records, i), secret_fields, error))
      return NULL;

  for (guint i = 0; i < records->len; i++)
    if (!g_str_has_prefix (record_id (g_ptr_array_index (records, i)), id))
      {
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                     _("Device “%s” was not made with the id “%s”"), record_id (g_ptr_array_index (records, i)), id);
        return NULL;
      }

  if (!_aether_store_begin_write (store, error))
    return NULL;

  /* Chosen inside the transaction: another program adding the same name
   * at the same moment gets the next number, never this device. */
  if (exact_id)
    {
      if (!all_free (store, records, id, id, &taken))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS,
                       _("A device with the id “%s” exists already; choose another id or remove it first"), taken);
          _aether_store_end_write (store, FALSE, NULL);
          return NULL;
        }
      chosen = g_strdup (id);
    }
  else
    for (guint n = 1; chosen == NULL; n++)
      {
        g_autofree char *candidate = n == 1 ? g_strdup (id) : g_strdup_printf ("%s-%u", id, n);

        if (all_free (store, records, id, candidate, NULL))
          chosen = g_steal_pointer (&candidate);
      }

  for (guint i = 0; ok && i < records->len; i++)
    {
      JsonNode *record = g_ptr_array_index (records, i);
      g_autofree char *final_id = renumbered (record, id, chosen);
      g_autoptr(GError) local_error = NULL;

      json_object_set_string_member (json_node_get_object (record), "device_id", final_id);

      /* Passwords to the keyring under the id they will be looked up by. */
      if (secret_fields != NULL)
        {
          if (aether_secrets_protect_device (record, secret_fields, &local_error))
            g_ptr_array_add (protected, g_strdup (final_id));
          else if (keyring_error != NULL && *keyring_error == NULL)
            g_propagate_error (keyring_error, g_steal_pointer (&local_error));
        }

      ok = aether_store_put_device (store, record, error);
    }

  if (!_aether_store_end_write (store, ok, ok ? error : NULL))
    {
      /* Nothing stored: nothing of it stays in the keyring either. */
      for (guint i = 0; i < protected->len; i++)
        aether_secrets_clear (g_ptr_array_index (protected, i), NULL);
      return NULL;
    }
  return g_steal_pointer (&chosen);
}

/**
 * aether_devices_update:
 * @store: a store
 * @device: a stored device, changed (renamed, moved to another room,
 *   configured differently); same `device_id`
 * @error: a location for a #GError
 *
 * Stores the change to that one device; it must exist.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_devices_update (AetherStore  *store,
                       JsonNode     *device,
                       GError      **error)
{
  const char *id;
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE (store), FALSE);
  g_return_val_if_fail (device != NULL, FALSE);

  if (!JSON_NODE_HOLDS_OBJECT (device) || *(id = record_id (device)) == '\0')
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("The device has no device_id"));
      return FALSE;
    }
  if (!aether_devices_check (device, NULL, error))
    return FALSE;

  if (!_aether_store_begin_write (store, error))
    return FALSE;
  if (!(ok = exists (store, id)))
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                 _("There is no device “%s” to change; “devices list” shows the ids"), id);
  else
    ok = aether_store_put_device (store, device, error);
  return _aether_store_end_write (store, ok, ok ? error : NULL);
}

/**
 * aether_devices_remove:
 * @store: a store
 * @device_id: the device to remove
 * @error: a location for a #GError
 *
 * Removes one device because a person asked to. Its readings stay.
 *
 * Returns: (transfer full) (nullable): the record as stored; give it to
 *   aether_devices_add() (exact id, no secret fields) to undo
 */
JsonNode *
aether_devices_remove (AetherStore  *store,
                       const char   *device_id,
                       GError      **error)
{
  g_autoptr(JsonNode) removed = NULL;
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  if (!_aether_store_begin_write (store, error))
    return NULL;
  ok = (removed = aether_store_get_device (store, device_id, error)) != NULL &&
       aether_store_remove_device (store, device_id, error);
  if (!_aether_store_end_write (store, ok, ok ? error : NULL))
    return NULL;
  return g_steal_pointer (&removed);
}
