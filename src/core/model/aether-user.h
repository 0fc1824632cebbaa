/* aether-user.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "store/aether-store.h"

G_BEGIN_DECLS

/**
 * AetherApiToken:
 * @token_id: its id
 * @name: what it is for
 * @permissions: (array zero-terminated=1): what it may do (`read:metrics`, …)
 * @created_at: (nullable): when it was made, ISO 8601
 * @last_used: (nullable): when it was last used
 * @expires_at: (nullable): when it stops working
 *
 * One of the seed's `api_tokens`.
 */
typedef struct
{
  const char         *token_id;
  const char         *name;
  const char * const *permissions;
  const char         *created_at;
  const char         *last_used;
  const char         *expires_at;
} AetherApiToken;

#define AETHER_USER_LOCAL_ID "local"

/* The permissions an API token can carry. */
#define AETHER_API_READ_METRICS  "read:metrics"
#define AETHER_API_READ_DEVICES  "read:devices"
#define AETHER_API_READ_COSTS    "read:costs"
#define AETHER_API_WRITE_DEVICES "write:devices"

#define AETHER_TYPE_USER (aether_user_get_type ())

G_DECLARE_FINAL_TYPE (AetherUser, aether_user, AETHER, USER, GObject)

AetherUser  *aether_user_new_default          (void);
AetherUser  *aether_user_new_from_json        (JsonNode        *node,
                                               GError         **error);
AetherUser  *aether_user_copy                 (AetherUser      *self);
JsonNode    *aether_user_to_json              (AetherUser      *self);

const char  *aether_user_get_id               (AetherUser      *self);
const char  *aether_user_get_timezone         (AetherUser      *self);
void         aether_user_set_timezone         (AetherUser      *self,
                                               const char      *timezone);
GTimeZone   *aether_user_dup_time_zone        (AetherUser      *self);
const char  *aether_user_get_currency         (AetherUser      *self);
void         aether_user_set_currency         (AetherUser      *self,
                                               const char      *currency);
const char  *aether_user_get_temperature_unit (AetherUser      *self);
void         aether_user_set_temperature_unit (AetherUser      *self,
                                               const char      *unit);
const char  *aether_user_get_date_format      (AetherUser      *self);
void         aether_user_set_date_format      (AetherUser      *self,
                                               const char      *format);
const char  *aether_user_get_theme            (AetherUser      *self);
void         aether_user_set_theme            (AetherUser      *self,
                                               const char      *theme);
gboolean     aether_user_get_notification     (AetherUser      *self,
                                               const char      *channel);
void         aether_user_set_notification     (AetherUser      *self,
                                               const char      *channel,
                                               gboolean         enabled);
void         aether_user_get_retention        (AetherUser      *self,
                                               AetherRetention *retention);
gboolean     aether_user_has_retention        (AetherUser      *self);
void         aether_user_set_retention        (AetherUser      *self,
                                               const AetherRetention *retention);
const char  *aether_user_get_backup_folder    (AetherUser      *self);
void         aether_user_set_backup_folder    (AetherUser      *self,
                                               const char      *folder);
const char  *aether_user_get_backup_frequency (AetherUser      *self);
void         aether_user_set_backup_frequency (AetherUser      *self,
                                               const char      *frequency);
guint        aether_user_get_backup_keep      (AetherUser      *self);
guint        aether_user_get_n_api_tokens     (AetherUser      *self);
gboolean     aether_user_get_api_token        (AetherUser      *self,
                                               guint            index,
                                               AetherApiToken  *token);
void         aether_user_add_api_token        (AetherUser      *self,
                                               const char      *token_id,
                                               const char      *name,
                                               const char * const *permissions,
                                               const char      *created_at,
                                               const char      *expires_at,
                                               const char      *secret_sha256);
int          aether_user_find_api_token       (AetherUser      *self,
                                               const char      *token_id);
int          aether_user_find_api_token_by_hash (AetherUser    *self,
                                               const char      *secret_sha256);
gboolean     aether_user_remove_api_token     (AetherUser      *self,
                                               const char      *token_id);
void         aether_user_set_api_token_last_used (AetherUser   *self,
                                               guint            index,
                                               const char      *last_used);
void         aether_user_set_api_tokens_from  (AetherUser      *self,
                                               AetherUser      *other);

const char * const *aether_api_permissions    (void);
gboolean     aether_api_permission_is_known   (const char      *permission);
gboolean     aether_api_token_has_permission  (const AetherApiToken *token,
                                               const char      *permission);

char        *aether_system_currency           (void);

GStrv        aether_user_dup_dashboard_widgets (AetherUser     *self);
void         aether_user_set_dashboard_widgets (AetherUser     *self,
                                                const char * const *types);

G_END_DECLS
