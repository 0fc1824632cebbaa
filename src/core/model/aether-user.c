/* aether-user.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seed's User model: who uses the home and how they want it shown.
 * The JSON is kept whole (keys this version does not know round-trip) and
 * read and written through typed accessors, so no face walks it.
 *
 * Seed fields: `preferences.timezone`, `currency`, `temperature_unit`,
 * `date_format`, `theme`, `notifications.{email,push,sms}`, and
 * `api_tokens`. Extensions, all inside `preferences` and optional:
 * `notifications.webhook` (whether rules' webhooks are called),
 * `retention` (seconds per tier: `{"power": {"raw": 3600, "1m": …},
 * "energy": {…}, "cost_records": …, "device_status": …, "alerts": …}`,
 * missing values are the seed's defaults) and `backups` (`folder`,
 * `frequency` of `never`, `daily` or `weekly`, `keep`). A desktop has one
 * person: their record is `local`. */

#define G_LOG_DOMAIN "aether-user"

#include "config.h"

#include <locale.h>
#include <string.h>

#include "aether-error.h"
#include "aether-json.h"
#include "aether-user.h"

struct _AetherUser
{
  GObject     parent_instance;

  JsonObject *json;
  GPtrArray  *permissions;   /* GStrv per api token */
};

G_DEFINE_FINAL_TYPE (AetherUser, aether_user, G_TYPE_OBJECT)

static void
aether_user_finalize (GObject *object)
{
  AetherUser *self = AETHER_USER (object);

  g_clear_pointer (&self->json, json_object_unref);
  g_clear_pointer (&self->permissions, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_user_parent_class)->finalize (object);
}

static void
aether_user_class_init (AetherUserClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aether_user_finalize;
}

static void
aether_user_init (AetherUser *self)
{
  self->permissions = g_ptr_array_new_with_free_func ((GDestroyNotify)g_strfreev);
}

static JsonObject *
member_object (JsonObject *object,
               const char *member,
               gboolean    create)
{
  return create ? aether_json_ensure_object (object, member) : aether_json_get_object (object, member);
}

static JsonObject *
preferences (AetherUser *self,
             gboolean    create)
{
  return member_object (self->json, "preferences", create);
}

static void
set_preference (AetherUser *self,
                const char *member,
                const char *value)
{
  JsonObject *prefs = preferences (self, TRUE);

  if (value != NULL && *value != '\0')
    json_object_set_string_member (prefs, member, value);
  else if (json_object_has_member (prefs, member))
    json_object_remove_member (prefs, member);
}

static void
read_tokens (AetherUser *self)
{
  JsonNode *node = json_object_get_member (self->json, "api_tokens");
  JsonArray *tokens = node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;

  g_ptr_array_set_size (self->permissions, 0);
  for (guint i = 0; tokens != NULL && i < json_array_get_length (tokens); i++)
    {
      JsonNode *token = json_array_get_element (tokens, i);
      JsonNode *perms = JSON_NODE_HOLDS_OBJECT (token)
                        ? json_object_get_member (json_node_get_object (token), "permissions") : NULL;
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

      for (guint p = 0; perms != NULL && JSON_NODE_HOLDS_ARRAY (perms) &&
                        p < json_array_get_length (json_node_get_array (perms)); p++)
        {
          JsonNode *perm = json_array_get_element (json_node_get_array (perms), p);

          if (JSON_NODE_HOLDS_VALUE (perm) && json_node_get_value_type (perm) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (perm));
        }
      g_ptr_array_add (self->permissions, g_strv_builder_end (builder));
    }
}

/**
 * aether_system_currency:
 *
 * Returns: (transfer full) (nullable): the ISO 4217 code of the system
 *   locale's money (`LC_MONETARY`), or %NULL in the C locale
 */
char *
aether_system_currency (void)
{
  const char *code;
  g_autofree char *saved = g_strdup (setlocale (LC_MONETARY, NULL));
  char *result = NULL;

  /* The app calls setlocale (LC_ALL, ""); a test or the CLI may not have. */
  if (g_strcmp0 (saved, "C") == 0 || g_strcmp0 (saved, "POSIX") == 0)
    setlocale (LC_MONETARY, "");
  code = localeconv ()->int_curr_symbol;
  if (code != NULL && strlen (code) >= 3)
    result = g_strndup (code, 3);
  if (saved != NULL)
    setlocale (LC_MONETARY, saved);
  return result;
}

/**
 * aether_user_new_default:
 *
 * The person using this computer, with the system's time zone and
 * currency and desktop notifications on.
 *
 * Returns: (transfer full): a new user
 */
AetherUser *
aether_user_new_default (void)
{
  AetherUser *self = g_object_new (AETHER_TYPE_USER, NULL);
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autofree char *currency = aether_system_currency ();
  JsonObject *prefs;
  JsonObject *notifications;

  self->json = json_object_new ();
  json_object_set_string_member (self->json, "user_id", AETHER_USER_LOCAL_ID);
  json_object_set_string_member (self->json, "username", g_get_user_name ());
  json_object_set_string_member (self->json, "role", "admin");
  prefs = preferences (self, TRUE);
  if (g_time_zone_get_identifier (local) != NULL && g_strcmp0 (g_time_zone_get_identifier (local), "UTC") != 0)
    json_object_set_string_member (prefs, "timezone", g_time_zone_get_identifier (local));
  else
    json_object_set_string_member (prefs, "timezone", "UTC");
  if (currency != NULL)
    json_object_set_string_member (prefs, "currency", currency);
  json_object_set_string_member (prefs, "temperature_unit", "celsius");
  json_object_set_string_member (prefs, "theme", "system");
  notifications = member_object (prefs, "notifications", TRUE);
  json_object_set_boolean_member (notifications, "push", TRUE);
  json_object_set_boolean_member (notifications, "webhook", TRUE);
  json_object_set_array_member (self->json, "api_tokens", json_array_new ());
  return self;
}

/**
 * aether_user_new_from_json:
 * @node: the seed's User JSON
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the user, or %NULL with @error set
 */
AetherUser *
aether_user_new_from_json (JsonNode  *node,
                           GError   **error)
{
  AetherUser *self;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node) || aether_json_get_string (json_node_get_object (node), "user_id") == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "A user must be a JSON object with a user_id");
      return NULL;
    }

  self = g_object_new (AETHER_TYPE_USER, NULL);
  /* A copy of our own to change. */
  self->json = aether_json_object_copy (json_node_get_object (node));
  read_tokens (self);
  return self;
}

/**
 * aether_user_copy:
 * @self: a user
 *
 * Returns: (transfer full): a deep copy, to change without changing @self
 */
AetherUser *
aether_user_copy (AetherUser *self)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (AETHER_IS_USER (self), NULL);

  node = aether_user_to_json (self);
  return aether_user_new_from_json (node, NULL);
}

/**
 * aether_user_to_json:
 * @self: a user
 *
 * Returns: (transfer full): the seed's JSON (shares @self's object)
 */
JsonNode *
aether_user_to_json (AetherUser *self)
{
  JsonNode *node;

  g_return_val_if_fail (AETHER_IS_USER (self), NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, self->json);
  return node;
}

const char *
aether_user_get_id (AetherUser *self)
{
  g_return_val_if_fail (AETHER_IS_USER (self), NULL);
  return aether_json_get_string (self->json, "user_id");
}

const char *
aether_user_get_timezone (AetherUser *self)
{
  g_return_val_if_fail (AETHER_IS_USER (self), NULL);
  return aether_json_get_string (preferences (self, FALSE), "timezone");
}

void
aether_user_set_timezone (AetherUser *self,
                          const char *timezone)
{
  g_return_if_fail (AETHER_IS_USER (self));
  set_preference (self, "timezone", timezone);
}

/**
 * aether_user_dup_time_zone:
 * @self: a user
 *
 * Returns: (transfer full): the person's time zone, the system's when
 *   they chose none (or one this system does not know)
 */
GTimeZone *
aether_user_dup_time_zone (AetherUser *self)
{
  const char *id;
  GTimeZone *tz;

  g_return_val_if_fail (AETHER_IS_USER (self), g_time_zone_new_local ());

  id = aether_user_get_timezone (self);
  if (id != NULL && (tz = g_time_zone_new_identifier (id)) != NULL)
    return tz;
  return g_time_zone_new_local ();
}

const char *
aether_user_get_currency (AetherUser *self)
{
  g_return_val_if_fail (AETHER_IS_USER (self), NULL);
  return aether_json_get_string (preferences (self, FALSE), "currency");
}

void
aether_user_set_currency (AetherUser *self,
                          const char *currency)
{
  g_return_if_fail (AETHER_IS_USER (self));
  set_preference (self, "currency", currency);
}

const char *
aether_user_get_temperature_unit (AetherUser *self)
{
  const char *unit;

  g_return_val_if_fail (AETHER_IS_USER (self), "celsius");
  unit = aether_json_get_string (preferences (self, FALSE), "temperature_unit");
  return unit ? unit : "celsius";
}

void
aether_user_set_temperature_unit (AetherUser *self,
                                  const char *unit)
{
  g_return_if_fail (AETHER_IS_USER (self));
  set_preference (self, "temperature_unit", unit);
}

/**
 * aether_user_get_date_format:
 * @self: a user
 *
 * Returns: (nullable): `YYYY-MM-DD`, `DD/MM/YYYY`, `MM/DD/YYYY`, or %NULL
 *   for the locale's own
 */
const char *
aether_user_get_date_format (AetherUser *self)
{
  g_return_val_if_fail (AETHER_IS_USER (self), NULL);
  return aether_json_get_string (preferences (self, FALSE), "date_format");
}

void
aether_user_set_date_format (AetherUser *self,
                             const char *format)
{
  g_return_if_fail (AETHER_IS_USER (self));
  set_preference (self, "date_format", format);
}

/**
 * aether_user_get_theme:
 * @self: a user
 *
 * Returns: `system`, `light` or `dark`
 */
const char *
aether_user_get_theme (AetherUser *self)
{
  const char *theme;

  g_return_val_if_fail (AETHER_IS_USER (self), "system");
  theme = aether_json_get_string (preferences (self, FALSE), "theme");
  if (g_strcmp0 (theme, "light") == 0 || g_strcmp0 (theme, "dark") == 0)
    return theme;
  return "system";
}

void
aether_user_set_theme (AetherUser *self,
                       const char *theme)
{
  g_return_if_fail (AETHER_IS_USER (self));
  set_preference (self, "theme", theme);
}

/**
 * aether_user_get_notification:
 * @self: a user
 * @channel: `push` (desktop notifications), `webhook`, `email` or `sms`
 *
 * Returns: whether alerts use @channel; desktop notifications and webhooks
 *   are on unless turned off
 */
gboolean
aether_user_get_notification (AetherUser *self,
                              const char *channel)
{
  JsonObject *prefs;
  JsonObject *notifications;
  gboolean fallback;

  g_return_val_if_fail (AETHER_IS_USER (self), TRUE);

  fallback = g_strcmp0 (channel, "push") == 0 || g_strcmp0 (channel, "webhook") == 0;
  prefs = preferences (self, FALSE);
  notifications = prefs ? member_object (prefs, "notifications", FALSE) : NULL;
  if (notifications == NULL)
    return fallback;
  return json_object_get_boolean_member_with_default (notifications, channel, fallback);
}

void
aether_user_set_notification (AetherUser *self,
                              const char *channel,
                              gboolean    enabled)
{
  g_return_if_fail (AETHER_IS_USER (self));
  json_object_set_boolean_member (member_object (preferences (self, TRUE), "notifications", TRUE), channel, enabled);
}

static void
read_tiers (JsonObject *object,
            gint64     *seconds)
{
  for (AetherTier tier = 0; object != NULL && tier < AETHER_N_TIERS; tier++)
    if (json_object_has_member (object, aether_tier_to_string (tier)))
      seconds[tier] = MAX (0, json_object_get_int_member (object, aether_tier_to_string (tier)));
}

/**
 * aether_user_get_retention:
 * @self: a user
 * @retention: (out): how long each tier is kept
 *
 * The seed's defaults where the person changed nothing.
 */
void
aether_user_get_retention (AetherUser      *self,
                           AetherRetention *retention)
{
  JsonObject *prefs;
  JsonObject *object;

  g_return_if_fail (AETHER_IS_USER (self));
  g_return_if_fail (retention != NULL);

  aether_retention_init_defaults (retention);
  prefs = preferences (self, FALSE);
  if (prefs == NULL || !(object = member_object (prefs, "retention", FALSE)))
    return;

  read_tiers (member_object (object, "power", FALSE), retention->samples_s);
  read_tiers (member_object (object, "energy", FALSE), retention->energy_s);
  retention->cost_records_s = json_object_get_int_member_with_default (object, "cost_records", retention->cost_records_s);
  retention->device_status_s = json_object_get_int_member_with_default (object, "device_status", retention->device_status_s);
  retention->alerts_s = json_object_get_int_member_with_default (object, "alerts", retention->alerts_s);
}

/**
 * aether_user_has_retention:
 * @self: a user
 *
 * Returns: whether the person chose how long tiers are kept (otherwise
 *   whoever opened the store decides: the seed's defaults, or a caller's
 *   own, such as `db ingest` keeping everything)
 */
gboolean
aether_user_has_retention (AetherUser *self)
{
  JsonObject *prefs;

  g_return_val_if_fail (AETHER_IS_USER (self), FALSE);
  prefs = preferences (self, FALSE);
  return prefs != NULL && member_object (prefs, "retention", FALSE) != NULL;
}

/**
 * aether_user_set_retention:
 * @self: a user
 * @retention: how long each tier is kept
 */
void
aether_user_set_retention (AetherUser            *self,
                           const AetherRetention *retention)
{
  JsonObject *object = json_object_new ();
  JsonObject *power = json_object_new ();
  JsonObject *energy = json_object_new ();

  g_return_if_fail (AETHER_IS_USER (self));
  g_return_if_fail (retention != NULL);

  for (AetherTier tier = 0; tier < AETHER_N_TIERS; tier++)
    {
      json_object_set_int_member (power, aether_tier_to_string (tier), retention->samples_s[tier]);
      if (tier != AETHER_TIER_RAW)
        json_object_set_int_member (energy, aether_tier_to_string (tier), retention->energy_s[tier]);
    }
  json_object_set_object_member (object, "power", power);
  json_object_set_object_member (object, "energy", energy);
  json_object_set_int_member (object, "cost_records", retention->cost_records_s);
  json_object_set_int_member (object, "device_status", retention->device_status_s);
  json_object_set_int_member (object, "alerts", retention->alerts_s);
  json_object_set_object_member (preferences (self, TRUE), "retention", object);
}

static JsonObject *
backups (AetherUser *self,
         gboolean    create)
{
  JsonObject *prefs = preferences (self, create);

  return prefs ? member_object (prefs, "backups", create) : NULL;
}

/**
 * aether_user_get_backup_folder:
 * @self: a user
 *
 * Returns: (nullable): where backups go, %NULL for the data folder's
 *   `backups`
 */
const char *
aether_user_get_backup_folder (AetherUser *self)
{
  g_return_val_if_fail (AETHER_IS_USER (self), NULL);
  return aether_json_get_string (backups (self, FALSE), "folder");
}

void
aether_user_set_backup_folder (AetherUser *self,
                               const char *folder)
{
  g_return_if_fail (AETHER_IS_USER (self));
  if (folder != NULL)
    json_object_set_string_member (backups (self, TRUE), "folder", folder);
  else if (backups (self, FALSE) != NULL)
    json_object_remove_member (backups (self, FALSE), "folder");
}

/**
 * aether_user_get_backup_frequency:
 * @self: a user
 *
 * Returns: `never`, `daily` or `weekly`
 */
const char *
aether_user_get_backup_frequency (AetherUser *self)
{
  const char *frequency;

  g_return_val_if_fail (AETHER_IS_USER (self), "never");
  frequency = aether_json_get_string (backups (self, FALSE), "frequency");
  if (g_strcmp0 (frequency, "daily") == 0 || g_strcmp0 (frequency, "weekly") == 0)
    return frequency;
  return "never";
}

void
aether_user_set_backup_frequency (AetherUser *self,
                                  const char *frequency)
{
  g_return_if_fail (AETHER_IS_USER (self));
  json_object_set_string_member (backups (self, TRUE), "frequency", frequency);
}

/**
 * aether_user_get_backup_keep:
 * @self: a user
 *
 * Returns: how many backups are kept (7 unless set)
 */
guint
aether_user_get_backup_keep (AetherUser *self)
{
  JsonObject *object;

  g_return_val_if_fail (AETHER_IS_USER (self), 7);
  object = backups (self, FALSE);
  return object ? (guint)CLAMP (json_object_get_int_member_with_default (object, "keep", 7), 1, 1000) : 7;
}

guint
aether_user_get_n_api_tokens (AetherUser *self)
{
  g_return_val_if_fail (AETHER_IS_USER (self), 0);
  return self->permissions->len;
}

/**
 * aether_user_get_api_token:
 * @self: a user
 * @index: which token
 * @token: (out): the token, valid while @self is unchanged
 *
 * Returns: %TRUE if there is such a token
 */
gboolean
aether_user_get_api_token (AetherUser     *self,
                           guint           index,
                           AetherApiToken *token)
{
  JsonObject *object;

  g_return_val_if_fail (AETHER_IS_USER (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);

  if (index >= self->permissions->len)
    return FALSE;
  object = json_array_get_object_element (json_object_get_array_member (self->json, "api_tokens"), index);
  token->token_id = aether_json_get_string (object, "token_id");
  token->name = aether_json_get_string (object, "name");
  token->permissions = (const char * const *)g_ptr_array_index (self->permissions, index);
  token->created_at = aether_json_get_string (object, "created_at");
  token->last_used = aether_json_get_string (object, "last_used");
  token->expires_at = aether_json_get_string (object, "expires_at");
  return TRUE;
}

/* ---- The Dashboard's layout ------------------------------------------------ */

typedef struct
{
  const char *type;
  gint64      row;
  gint64      column;
  guint       index;
} PlacedWidget;

static int
compare_placed (gconstpointer a,
                gconstpointer b)
{
  const PlacedWidget *x = a, *y = b;

  if (x->row != y->row)
    return (x->row > y->row) - (x->row < y->row);
  if (x->column != y->column)
    return (x->column > y->column) - (x->column < y->column);
  return (x->index > y->index) - (x->index < y->index);
}

static gint64
position_at (JsonObject *widget,
             guint       i)
{
  JsonArray *position = aether_json_get_array (widget, "position");
  JsonNode *node;

  if (position == NULL || json_array_get_length (position) <= i)
    return 0;
  node = json_array_get_element (position, i);
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) != G_TYPE_STRING
    ? (gint64)json_node_get_double (node) : 0;
}

/**
 * aether_user_dup_dashboard_widgets:
 * @self: a user
 *
 * The seed's `preferences.dashboard_layout.widgets`, in reading order: by
 * `position` row, then column (`[column, row]`, as the seed's sample has
 * it), then as listed. A type listed twice counts once.
 *
 * Returns: (transfer full) (nullable): the widget types, or %NULL when the
 *   person has no layout (the Dashboard's own order then)
 */
GStrv
aether_user_dup_dashboard_widgets (AetherUser *self)
{
  JsonObject *layout;
  JsonArray *widgets;
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (PlacedWidget));
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  g_return_val_if_fail (AETHER_IS_USER (self), NULL);

  layout = aether_json_get_object (preferences (self, FALSE), "dashboard_layout");
  if (layout == NULL || !(widgets = aether_json_get_array (layout, "widgets")))
    return NULL;

  for (guint i = 0; i < json_array_get_length (widgets); i++)
    {
      JsonNode *node = json_array_get_element (widgets, i);
      JsonObject *widget = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *type = widget ? aether_json_get_string (widget, "type") : NULL;
      PlacedWidget p;

      if (type == NULL || *type == '\0')
        continue;
      p.type = type;
      p.column = position_at (widget, 0);
      p.row = position_at (widget, 1);
      p.index = i;
      g_array_append_val (placed, p);
    }
  g_array_sort (placed, compare_placed);
  for (guint i = 0; i < placed->len; i++)
    {
      const char *type = g_array_index (placed, PlacedWidget, i).type;

      if (g_hash_table_add (seen, (gpointer)type))
        g_strv_builder_add (builder, type);
    }
  return g_strv_builder_end (builder);
}

/**
 * aether_user_set_dashboard_widgets:
 * @self: a user
 * @types: (array zero-terminated=1) (nullable): the widget types in order,
 *   or %NULL for the Dashboard's own layout
 *
 * Writes `preferences.dashboard_layout.widgets` as a column of widgets, one
 * a row (`position` `[0, row]`); a widget already there keeps its `size`
 * and any other member. Other members of `dashboard_layout` are kept.
 */
void
aether_user_set_dashboard_widgets (AetherUser         *self,
                                   const char * const *types)
{
  JsonObject *prefs;
  JsonObject *layout;
  JsonArray *old;
  g_autoptr(JsonArray) widgets = NULL;

  g_return_if_fail (AETHER_IS_USER (self));

  prefs = preferences (self, TRUE);
  if (types == NULL)
    {
      if ((layout = aether_json_get_object (prefs, "dashboard_layout")) != NULL)
        json_object_remove_member (layout, "widgets");
      return;
    }

  layout = aether_json_ensure_object (prefs, "dashboard_layout");
  old = aether_json_get_array (layout, "widgets");
  widgets = json_array_new ();
  for (guint i = 0; types[i] != NULL; i++)
    {
      JsonObject *widget = NULL;
      JsonArray *position = json_array_new ();

      for (guint j = 0; old != NULL && j < json_array_get_length (old) && widget == NULL; j++)
        {
          JsonNode *node = json_array_get_element (old, j);

          if (JSON_NODE_HOLDS_OBJECT (node) &&
              g_strcmp0 (aether_json_get_string (json_node_get_object (node), "type"), types[i]) == 0)
            {
              g_autoptr(JsonNode) copy = aether_json_deep_copy (node);

              widget = json_object_ref (json_node_get_object (copy));
            }
        }
      if (widget == NULL)
        {
          JsonArray *size = json_array_new ();

          widget = json_object_new ();
          json_object_set_string_member (widget, "type", types[i]);
          json_array_add_int_element (size, 3);
          json_array_add_int_element (size, 1);
          json_object_set_array_member (widget, "size", size);
        }
      json_array_add_int_element (position, 0);
      json_array_add_int_element (position, i);
      json_object_set_array_member (widget, "position", position);
      json_array_add_object_element (widgets, widget);
    }
  json_object_set_array_member (layout, "widgets", g_steal_pointer (&widgets));
}

/* ---- API tokens ------------------------------------------------------- */

/* What a token may be given; the API asks for one per endpoint. */
static const char * const api_permissions[] = {
  AETHER_API_READ_METRICS,
  AETHER_API_READ_DEVICES,
  AETHER_API_READ_COSTS,
  AETHER_API_WRITE_DEVICES,
  NULL
};

/**
 * aether_api_permissions:
 *
 * Returns: (array zero-terminated=1) (transfer none): every permission a
 *   token can carry
 */
const char * const *
aether_api_permissions (void)
{
  return api_permissions;
}

/**
 * aether_api_permission_is_known:
 * @permission: a permission such as `read:metrics`
 *
 * Returns: %TRUE if it is one of aether_api_permissions()
 */
gboolean
aether_api_permission_is_known (const char *permission)
{
  return permission != NULL && g_strv_contains (api_permissions, permission);
}

/**
 * aether_api_token_has_permission:
 * @token: a token
 * @permission: what it is asked to do
 *
 * Returns: %TRUE if @token carries @permission
 */
gboolean
aether_api_token_has_permission (const AetherApiToken *token,
                                 const char           *permission)
{
  g_return_val_if_fail (token != NULL, FALSE);
  return token->permissions != NULL && permission != NULL && g_strv_contains (token->permissions, permission);
}

static JsonArray *
ensure_tokens (AetherUser *self)
{
  JsonNode *node = json_object_get_member (self->json, "api_tokens");

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    json_object_set_array_member (self->json, "api_tokens", json_array_new ());
  return json_object_get_array_member (self->json, "api_tokens");
}

static JsonObject *
token_object (AetherUser *self,
              guint       index)
{
  JsonArray *tokens = ensure_tokens (self);
  JsonNode *node = index < json_array_get_length (tokens) ? json_array_get_element (tokens, index) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * aether_user_add_api_token:
 * @self: a user
 * @token_id: its id
 * @name: what it is for
 * @permissions: (array zero-terminated=1): what it may do
 * @created_at: when it is made, ISO 8601
 * @expires_at: (nullable): when it stops working, ISO 8601
 * @secret_sha256: the SHA-256 of its secret, in hex: the secret itself is
 *   never kept
 *
 * Adds one of the seed's `api_tokens`, with the hash of its secret beside
 * the seed's fields (`secret_sha256`).
 */
void
aether_user_add_api_token (AetherUser         *self,
                           const char         *token_id,
                           const char         *name,
                           const char * const *permissions,
                           const char         *created_at,
                           const char         *expires_at,
                           const char         *secret_sha256)
{
  JsonObject *token;
  JsonArray *perms;

  g_return_if_fail (AETHER_IS_USER (self));
  g_return_if_fail (token_id != NULL && name != NULL && secret_sha256 != NULL);

  token = json_object_new ();
  perms = json_array_new ();
  json_object_set_string_member (token, "token_id", token_id);
  json_object_set_string_member (token, "name", name);
  for (guint i = 0; permissions != NULL && permissions[i] != NULL; i++)
    json_array_add_string_element (perms, permissions[i]);
  json_object_set_array_member (token, "permissions", perms);
  json_object_set_string_member (token, "created_at", created_at);
  if (expires_at != NULL)
    json_object_set_string_member (token, "expires_at", expires_at);
  json_object_set_string_member (token, "secret_sha256", secret_sha256);
  json_array_add_object_element (ensure_tokens (self), token);
  read_tokens (self);
}

/**
 * aether_user_find_api_token:
 * @self: a user
 * @token_id: a token's id
 *
 * Returns: its index, or -1
 */
int
aether_user_find_api_token (AetherUser *self,
                            const char *token_id)
{
  g_return_val_if_fail (AETHER_IS_USER (self), -1);

  for (guint i = 0; i < self->permissions->len; i++)
    {
      JsonObject *token = token_object (self, i);

      if (token != NULL && g_strcmp0 (aether_json_get_string (token, "token_id"), token_id) == 0)
        return (int)i;
    }
  return -1;
}

/* Compares without stopping at the first difference. */
static gboolean
equal_in_constant_time (const char *a,
                        const char *b)
{
  gsize la = strlen (a), lb = strlen (b);
  guint diff = la != lb;

  for (gsize i = 0; i < MIN (la, lb); i++)
    diff |= (guchar)a[i] ^ (guchar)b[i];
  return diff == 0;
}

/**
 * aether_user_find_api_token_by_hash:
 * @self: a user
 * @secret_sha256: the SHA-256 of a secret presented, in hex
 *
 * Returns: the index of the token with that secret, or -1
 */
int
aether_user_find_api_token_by_hash (AetherUser *self,
                                    const char *secret_sha256)
{
  int found = -1;

  g_return_val_if_fail (AETHER_IS_USER (self), -1);
  g_return_val_if_fail (secret_sha256 != NULL, -1);

  for (guint i = 0; i < self->permissions->len; i++)
    {
      JsonObject *token = token_object (self, i);
      const char *hash = token ? aether_json_get_string (token, "secret_sha256") : NULL;

      if (hash != NULL && equal_in_constant_time (hash, secret_sha256) && found < 0)
        found = (int)i;
    }
  return found;
}

/**
 * aether_user_remove_api_token:
 * @self: a user
 * @token_id: a token's id
 *
 * Returns: %TRUE if there was such a token
 */
gboolean
aether_user_remove_api_token (AetherUser *self,
                              const char *token_id)
{
  int index;

  g_return_val_if_fail (AETHER_IS_USER (self), FALSE);

  if ((index = aether_user_find_api_token (self, token_id)) < 0)
    return FALSE;
  json_array_remove_element (ensure_tokens (self), (guint)index);
  read_tokens (self);
  return TRUE;
}

/**
 * aether_user_set_api_token_last_used:
 * @self: a user
 * @index: which token
 * @last_used: when it was used, ISO 8601
 */
void
aether_user_set_api_token_last_used (AetherUser *self,
                                     guint       index,
                                     const char *last_used)
{
  JsonObject *token;

  g_return_if_fail (AETHER_IS_USER (self));

  if ((token = token_object (self, index)) != NULL)
    json_object_set_string_member (token, "last_used", last_used);
}

/**
 * aether_user_set_api_tokens_from:
 * @self: a user
 * @other: the record whose tokens are the real ones
 *
 * Gives @self @other's tokens: a record changed for its preferences never
 * brings back a token revoked meanwhile, nor drops one made meanwhile.
 */
void
aether_user_set_api_tokens_from (AetherUser *self,
                                 AetherUser *other)
{
  JsonNode *node;

  g_return_if_fail (AETHER_IS_USER (self));
  g_return_if_fail (AETHER_IS_USER (other));

  node = json_object_get_member (other->json, "api_tokens");
  if (node != NULL)
    json_object_set_member (self->json, "api_tokens", json_node_copy (node));
  else if (json_object_has_member (self->json, "api_tokens"))
    json_object_remove_member (self->json, "api_tokens");
  read_tokens (self);
}
