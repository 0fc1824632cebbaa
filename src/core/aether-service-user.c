/* aether-service-user.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The person's preferences through the service: the seed's User record
 * (`local`), read once and kept, written in one put, and applied where they
 * act (the store's retention; which channels alerts use; scheduled
 * backups). `user-changed` tells the pages, which ask here for the time
 * zone times are shown in. Backups and restores go through here too. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <glib/gstdio.h>

#include "aether-error.h"
#include "aether-service-private.h"

/* Applies what acts inside the core: retention, when the person chose
 * one (a store opened with a retention of its caller's keeps it). */
void
_aether_service_apply_user (AetherService *self,
                            AetherUser    *user)
{
  AetherRetention retention;

  if (!aether_user_has_retention (user))
    return;
  aether_user_get_retention (user, &retention);
  aether_store_set_retention (aether_service_get_store (self), &retention);
}

/**
 * aether_service_dup_user:
 * @self: a service
 *
 * Returns: (transfer full): a copy of the person's record, to read or to
 *   change and give to aether_service_update_user()
 */
AetherUser *
aether_service_dup_user (AetherService *self)
{
  AetherUser *user;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);

  if ((user = _aether_service_get_cached_user (self)) == NULL)
    {
      g_autoptr(JsonNode) stored = aether_store_get_user (aether_service_get_store (self), AETHER_USER_LOCAL_ID, NULL);
      g_autoptr(AetherUser) loaded = stored ? aether_user_new_from_json (stored, NULL) : NULL;

      user = loaded ? g_steal_pointer (&loaded) : aether_user_new_default ();
      _aether_service_set_user (self, user);
      _aether_service_apply_user (self, user);
      g_object_unref (user);
    }

  return aether_user_copy (user);
}

/**
 * aether_service_update_user:
 * @self: a service
 * @user: the person's record, changed
 * @error: a location for a #GError
 *
 * Stores @user and applies it at once (retention from the next
 * maintenance, channels from the next alert), then emits `user-changed`.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_service_update_user (AetherService  *self,
                            AetherUser     *user,
                            GError        **error)
{
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(AetherUser) kept = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (AETHER_IS_USER (user), FALSE);

  /* The tokens are the database's, changed only through
   * aether-service-tokens.c (perhaps by another process meanwhile). */
  {
    g_autoptr(JsonNode) stored = aether_store_get_user (aether_service_get_store (self), AETHER_USER_LOCAL_ID, NULL);
    g_autoptr(AetherUser) current = stored ? aether_user_new_from_json (stored, NULL) : NULL;

    kept = aether_user_copy (user);
    if (current != NULL)
      aether_user_set_api_tokens_from (kept, current);
  }
  json = aether_user_to_json (kept);
  if (!aether_store_put_user (aether_service_get_store (self), json, error))
    return FALSE;
  _aether_service_set_user (self, kept);
  _aether_service_apply_user (self, kept);
  g_signal_emit_by_name (self, "user-changed");
  return TRUE;
}

/**
 * aether_service_dup_time_zone:
 * @self: a service
 *
 * Returns: (transfer full): the zone the person reads times in
 */
GTimeZone *
aether_service_dup_time_zone (AetherService *self)
{
  g_autoptr(AetherUser) user = aether_service_dup_user (self);

  return aether_user_dup_time_zone (user);
}

/**
 * aether_service_dup_backup_folder:
 * @self: a service
 *
 * Returns: (transfer full): where backups go: the person's folder, else
 *   `backups` beside the database
 */
char *
aether_service_dup_backup_folder (AetherService *self)
{
  g_autoptr(AetherUser) user = aether_service_dup_user (self);
  g_autofree char *dir = NULL;

  if (aether_user_get_backup_folder (user) != NULL)
    return g_strdup (aether_user_get_backup_folder (user));
  dir = g_path_get_dirname (aether_store_get_path (aether_service_get_store (self)));
  return g_build_filename (dir, "backups", NULL);
}

/**
 * aether_service_list_backups:
 * @self: a service
 *
 * Returns: (transfer full) (element-type utf8): the backups in the backup
 *   folder, newest first
 */
GPtrArray *
aether_service_list_backups (AetherService *self)
{
  g_autofree char *folder = aether_service_dup_backup_folder (self);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  GPtrArray *backups = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "aetherlens-") && g_str_has_suffix (name, ".db"))
      g_ptr_array_add (backups, g_build_filename (folder, name, NULL));
  /* The names carry the time, YYYYMMDD-HHMMSS. */
  g_ptr_array_sort (backups, (GCompareFunc)g_strcmp0);
  for (guint i = 0; i < backups->len / 2; i++)
    {
      gpointer tmp = backups->pdata[i];

      backups->pdata[i] = backups->pdata[backups->len - 1 - i];
      backups->pdata[backups->len - 1 - i] = tmp;
    }
  return backups;
}

typedef struct
{
  AetherStore *reader;
  char        *folder;
  guint        keep;
} BackupData;

static void
backup_data_free (BackupData *data)
{
  g_clear_object (&data->reader);
  g_free (data->folder);
  g_free (data);
}

static void
backup_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  BackupData *data = task_data;
  g_autoptr(GError) error = NULL;
  char *path;

  if (g_mkdir_with_parents (data->folder, 0700) != 0)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_FAILED,
                               "Could not make the backup folder %s", data->folder);
      return;
    }
  /* A read-only connection of its own: the window never waits for the copy. */
  if (!(path = aether_store_backup (data->reader, data->folder, data->keep, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, path, g_free);
}

/**
 * aether_service_backup_async:
 * @self: a service
 * @folder: (nullable): where to, %NULL for the backup folder
 * @keep: how many to keep there, 0 for as many as the person chose
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the backup made
 * @user_data: data for @callback
 *
 * Backs the database up on a thread.
 */
void
aether_service_backup_async (AetherService       *self,
                             const char          *folder,
                             guint                keep,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(AetherUser) user = NULL;
  BackupData *data;

  g_return_if_fail (AETHER_IS_SERVICE (self));

  g_autoptr(GError) error = NULL;
  AetherStore *reader;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_service_backup_async);
  if (!(reader = aether_store_open_reader (aether_service_get_store (self), &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  user = aether_service_dup_user (self);
  data = g_new0 (BackupData, 1);
  data->reader = reader;
  data->folder = folder ? g_strdup (folder) : aether_service_dup_backup_folder (self);
  data->keep = keep ? keep : aether_user_get_backup_keep (user);
  g_task_set_task_data (task, data, (GDestroyNotify)backup_data_free);
  g_task_run_in_thread (task, backup_thread);
}

/**
 * aether_service_backup_finish:
 * @self: a service
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the backup's path
 */
char *
aether_service_backup_finish (AetherService  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * aether_service_restore:
 * @self: a service
 * @backup_path: a backup made by a backup
 * @error: a location for a #GError
 *
 * Puts a backup in place of the live database after checking it (a
 * damaged or newer backup restores nothing), then reloads devices, rules
 * and tariffs from it. Readings still on their way are stored first.
 *
 * Returns: %TRUE if the database now holds the backup
 */
gboolean
aether_service_restore (AetherService  *self,
                        const char     *backup_path,
                        GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  _aether_service_flush (self);
  if (!aether_store_restore (aether_service_get_store (self), backup_path, error))
    return FALSE;
  _aether_service_set_user (self, NULL);
  _aether_service_reload_changed (self);
  aether_service_reload_tariff (self, NULL);
  g_signal_emit_by_name (self, "user-changed");
  return TRUE;
}

/* From housekeeping: a backup when the person's frequency says one is due
 * (the newest in the folder is older than a day or a week). */
void
_aether_service_backup_if_due (AetherService *self,
                               gint64         now_us)
{
  g_autoptr(AetherUser) user = aether_service_dup_user (self);
  const char *frequency = aether_user_get_backup_frequency (user);
  g_autoptr(GPtrArray) backups = NULL;
  gint64 every_s;
  GStatBuf st;

  if (g_str_equal (frequency, "never"))
    return;
  every_s = g_str_equal (frequency, "weekly") ? 7 * 86400 : 86400;
  backups = aether_service_list_backups (self);
  if (backups->len > 0 && g_stat (g_ptr_array_index (backups, 0), &st) == 0 &&
      (gint64)st.st_mtime + every_s > now_us / G_USEC_PER_SEC)
    return;
  aether_service_backup_async (self, NULL, 0, NULL, NULL, NULL);
}
