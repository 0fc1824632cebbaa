/* aether-service-tokens.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seed's `api_tokens` through the service: made (the secret shown
 * once, only its SHA-256 kept), revoked (removed from the record), and
 * checked for the local API. The record is read from the database for each
 * of these, not from the service's copy: `aetherlens-cli tokens` and a
 * running collector are different processes, and a token made or revoked
 * in one holds in the other at once. `last_used` is written at most once a
 * minute per token, so a busy client does not write on every request. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>
#include <stdio.h>
#include <sys/random.h>

#include "aether-error.h"
#include "aether-service-private.h"

/* How stale `last_used` may get before a use writes it again. */
#define LAST_USED_EVERY_US (60 * G_USEC_PER_SEC)
#define SECRET_PREFIX      "aetherlens_"

/* To the second, as the seed writes its times. */
static gint64
now_us (AetherService *self)
{
  gint64 now = aether_clock_now_us (aether_store_get_clock (aether_service_get_store (self)));

  return now - now % G_USEC_PER_SEC;
}

/* The person's record as stored now, kept as the service's copy too. */
static AetherUser *
fresh_user (AetherService  *self,
            GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) stored = aether_store_get_user (aether_service_get_store (self), AETHER_USER_LOCAL_ID,
                                                      &local_error);
  g_autoptr(AetherUser) user = NULL;

  if (stored == NULL && local_error != NULL && !g_error_matches (local_error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  user = stored ? aether_user_new_from_json (stored, error) : aether_service_dup_user (self);
  if (user == NULL)
    return NULL;
  {
    g_autoptr(AetherUser) kept = aether_user_copy (user);

    _aether_service_set_user (self, kept);
  }
  return g_steal_pointer (&user);
}

static gboolean
put_user (AetherService  *self,
          AetherUser     *user,
          GError        **error)
{
  g_autoptr(JsonNode) json = aether_user_to_json (user);
  g_autoptr(AetherUser) kept = NULL;

  if (!aether_store_put_user (aether_service_get_store (self), json, error))
    return FALSE;
  kept = aether_user_copy (user);
  _aether_service_set_user (self, kept);
  return TRUE;
}

/**
 * aether_api_secret_hash:
 * @secret: a token's secret
 *
 * Returns: (transfer full): its SHA-256, in hex: what is stored
 */
char *
aether_api_secret_hash (const char *secret)
{
  g_return_val_if_fail (secret != NULL, NULL);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, secret, -1);
}

static gboolean
random_hex (guint     n_bytes,
            char    **hex,
            GError  **error)
{
  guint8 bytes[32];
  GString *out;

  g_assert (n_bytes <= sizeof bytes);
  if (getrandom (bytes, n_bytes, 0) != (ssize_t)n_bytes)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_FAILED, _("Could not make a random secret"));
      return FALSE;
    }
  out = g_string_sized_new (n_bytes * 2);
  for (guint i = 0; i < n_bytes; i++)
    g_string_append_printf (out, "%02x", bytes[i]);
  *hex = g_string_free (out, FALSE);
  return TRUE;
}

/* `YYYY-MM-DD` (the start of that day, UTC) or a full ISO 8601 time. */
static gboolean
parse_expiry (const char  *text,
              gint64      *us,
              GError     **error)
{
  g_autofree char *full = NULL;
  int y, m, d;
  char end;

  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &end) == 3 && strlen (text) == 10)
    full = g_strdup_printf ("%sT00:00:00Z", text);
  if (!aether_parse_timestamp (full ? full : text, us, NULL))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("The expiry date “%s” is not a date like 2026-12-31"), text);
      return FALSE;
    }
  return TRUE;
}

/**
 * aether_service_create_api_token:
 * @self: a service
 * @name: what the token is for
 * @permissions: (array zero-terminated=1): what it may do, from
 *   aether_api_permissions()
 * @expires: (nullable): the day it stops working (`YYYY-MM-DD`, from its
 *   start in UTC), or %NULL for never
 * @token_id: (out) (optional) (transfer full): its id
 * @error: a location for a #GError
 *
 * Makes a token. Its secret is returned here and nowhere else: only its
 * hash is stored.
 *
 * Returns: (transfer full) (nullable): the secret, or %NULL with @error set
 */
char *
aether_service_create_api_token (AetherService       *self,
                                 const char          *name,
                                 const char * const  *permissions,
                                 const char          *expires,
                                 char               **token_id,
                                 GError             **error)
{
  g_autoptr(AetherUser) user = NULL;
  g_autofree char *id_hex = NULL;
  g_autofree char *secret_hex = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *id = NULL;
  g_autofree char *created_at = NULL;
  g_autofree char *expires_at = NULL;
  g_autofree char *trimmed = NULL;
  gint64 now = now_us (self);

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);

  if (name == NULL || !g_utf8_validate (name, -1, NULL) || *(trimmed = g_strstrip (g_strdup (name))) == '\0')
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("A token needs a name"));
      return NULL;
    }
  if (permissions == NULL || permissions[0] == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           _("A token needs at least one permission"));
      return NULL;
    }
  for (guint i = 0; permissions[i] != NULL; i++)
    if (!aether_api_permission_is_known (permissions[i]))
      {
        g_autofree char *known = g_strjoinv (", ", (char **)aether_api_permissions ());

        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                     _("“%s” is not a permission; the permissions are %s"), permissions[i], known);
        return NULL;
      }
  if (expires != NULL)
    {
      gint64 expires_us;

      if (!parse_expiry (expires, &expires_us, error))
        return NULL;
      if (expires_us <= now)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       _("The expiry date %s is already past"), expires);
          return NULL;
        }
      expires_at = aether_format_timestamp (expires_us);
    }

  if (!(user = fresh_user (self, error)) ||
      !random_hex (6, &id_hex, error) ||
      !random_hex (32, &secret_hex, error))
    return NULL;
  id = g_strconcat ("tok-", id_hex, NULL);
  secret = g_strconcat (SECRET_PREFIX, secret_hex, NULL);
  hash = aether_api_secret_hash (secret);
  created_at = aether_format_timestamp (now);

  aether_user_add_api_token (user, id, trimmed, permissions, created_at, expires_at, hash);
  if (!put_user (self, user, error))
    return NULL;
  g_signal_emit_by_name (self, "user-changed");
  if (token_id != NULL)
    *token_id = g_steal_pointer (&id);
  return g_steal_pointer (&secret);
}

/**
 * aether_service_revoke_api_token:
 * @self: a service
 * @token_id: the token's id
 * @error: a location for a #GError
 *
 * Removes the token: it is refused from the next request on.
 *
 * Returns: %TRUE if it was revoked
 */
gboolean
aether_service_revoke_api_token (AetherService  *self,
                                 const char     *token_id,
                                 GError        **error)
{
  g_autoptr(AetherUser) user = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);

  if (!(user = fresh_user (self, error)))
    return FALSE;
  if (!aether_user_remove_api_token (user, token_id))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, _("There is no token “%s”"), token_id);
      return FALSE;
    }
  if (!put_user (self, user, error))
    return FALSE;
  g_signal_emit_by_name (self, "user-changed");
  return TRUE;
}

/**
 * aether_service_dup_api_tokens:
 * @self: a service
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the person's record as stored now,
 *   to read its tokens from
 */
AetherUser *
aether_service_dup_api_tokens (AetherService  *self,
                               GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return fresh_user (self, error);
}

/**
 * aether_service_authorize_api:
 * @self: a service
 * @secret: (nullable): the secret presented, %NULL when there was none
 * @permission: what the request needs
 * @token_id: (out) (optional) (transfer full): the token that was used
 *
 * Checks a request's token: known, not past its expiry, carrying
 * @permission. A known, unexpired token's `last_used` is brought up to
 * date (at most once a minute).
 *
 * Returns: whether the request may go on, and if not why
 */
AetherApiAuth
aether_service_authorize_api (AetherService  *self,
                              const char     *secret,
                              const char     *permission,
                              char          **token_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherUser) user = NULL;
  g_autofree char *hash = NULL;
  AetherApiToken token;
  gint64 now = now_us (self);
  gint64 at_us;
  int index;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), AETHER_API_AUTH_INVALID);

  if (secret == NULL || *secret == '\0')
    return AETHER_API_AUTH_MISSING;
  if (!(user = fresh_user (self, &error)))
    {
      g_warning ("Could not read the API tokens: %s", error->message);
      return AETHER_API_AUTH_INVALID;
    }
  hash = aether_api_secret_hash (secret);
  if ((index = aether_user_find_api_token_by_hash (user, hash)) < 0 ||
      !aether_user_get_api_token (user, (guint)index, &token))
    return AETHER_API_AUTH_INVALID;
  if (token.expires_at != NULL &&
      (!aether_parse_timestamp (token.expires_at, &at_us, NULL) || at_us <= now))
    return AETHER_API_AUTH_EXPIRED;

  if (token_id != NULL)
    *token_id = g_strdup (token.token_id);

  if (token.last_used == NULL || !aether_parse_timestamp (token.last_used, &at_us, NULL) ||
      now - at_us >= LAST_USED_EVERY_US || at_us > now)
    {
      g_autofree char *used = aether_format_timestamp (now);

      aether_user_set_api_token_last_used (user, (guint)index, used);
      if (!put_user (self, user, &error))
        g_warning ("Could not note when token %s was used: %s", token.token_id, error->message);
    }

  return aether_api_token_has_permission (&token, permission) ? AETHER_API_AUTH_OK : AETHER_API_AUTH_FORBIDDEN;
}
