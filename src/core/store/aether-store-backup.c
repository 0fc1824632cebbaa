/* aether-store-backup.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The database as a whole: aether_store_stats() (rows and bytes per tier),
 * aether_store_check() (SQLite's full integrity check),
 * aether_store_backup() (the online backup API, the copy checked, then
 * rotated) and aether_store_restore() (a backup checked before it replaces
 * the live database, which is then brought up to date; never while a
 * collector writes to it: restore takes the collector lock). Backups are
 * 0600, as the database is. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-sketch.h"
#include "model/aether-home.h"
#include "aether-store-lock.h"
#include "aether-store-private.h"

/* ---- Stats, check, backup ---------------------------------------------- */

static gint64
query_int (sqlite3    *db,
           const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 v = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    v = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return v;
}

/**
 * aether_store_stats:
 * @self: a store
 * @error: a location for a #GError
 *
 * Returns: (transfer full): JSON with rows and bytes per tier and in all
 */
JsonNode *
aether_store_stats (AetherStore  *self,
                    GError      **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  sqlite3 *db;
  gboolean have_dbstat;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  db = _aether_store_get_db (self);
  have_dbstat = query_int (db, "SELECT COUNT(*) FROM dbstat LIMIT 1") >= 0;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, aether_store_get_path (self));
  json_builder_set_member_name (builder, "schema_version");
  json_builder_add_int_value (builder, aether_store_get_schema_version (self));
  json_builder_set_member_name (builder, "file_bytes");
  json_builder_add_int_value (builder, query_int (db, "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"));
  json_builder_set_member_name (builder, "tiers");
  json_builder_begin_object (builder);
  for (guint t = 0; t < AETHER_N_TIERS; t++)
    {
      g_autofree char *rows_sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", _aether_rollup_tables[t]);
      g_autofree char *bytes_sql = g_strdup_printf ("SELECT SUM(pgsize) FROM dbstat WHERE name = '%s'", _aether_rollup_tables[t]);
      g_autofree char *summarised_sql = g_strdup_printf ("SELECT COALESCE(SUM(count), 0) FROM %s", _aether_rollup_tables[t]);
      gint64 rows = query_int (db, rows_sql);
      gint64 samples = t == AETHER_TIER_RAW ? rows : query_int (db, summarised_sql);

      json_builder_set_member_name (builder, aether_tier_to_string (t));
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rows");
      json_builder_add_int_value (builder, rows);
      json_builder_set_member_name (builder, "samples_summarised");
      json_builder_add_int_value (builder, samples);
      if (have_dbstat)
        {
          gint64 bytes = query_int (db, bytes_sql);

          json_builder_set_member_name (builder, "bytes");
          json_builder_add_int_value (builder, bytes);
          json_builder_set_member_name (builder, "bytes_per_row");
          json_builder_add_double_value (builder, rows > 0 ? (double)bytes / rows : 0);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * aether_store_check:
 * @self: a store
 * @error: a location for a #GError
 *
 * Runs SQLite's full integrity check.
 *
 * Returns: %TRUE if the database is sound
 */
gboolean
aether_store_check (AetherStore  *self,
                    GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GString) problems = g_string_new (NULL);
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  db = _aether_store_get_db (self);
  rc = sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not check the database", error);

  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *line = (const char *)sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (line, "ok") != 0)
        g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", line);
    }
  sqlite3_finalize (stmt);

  if (problems->len > 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT, "The database is damaged: %s", problems->str);
      return FALSE;
    }

  return TRUE;
}

static gboolean
copy_database (sqlite3     *from,
               sqlite3     *to,
               const char  *what,
               GError     **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (to, "main", from, "main");
  int rc;

  if (backup == NULL)
    return _aether_sqlite_fail (to, sqlite3_errcode (to), what, error);

  rc = sqlite3_backup_step (backup, -1);
  sqlite3_backup_finish (backup);

  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (to, rc, what, error);

  return TRUE;
}

/**
 * aether_store_restore:
 * @self: a store
 * @backup_path: a backup made by aether_store_backup()
 * @error: a location for a #GError
 *
 * Checks the backup (it opens, passes an integrity check, is an AetherLens
 * database no newer than this version) and only then copies it over the
 * live database, which is brought up to date afterwards.
 *
 * Returns: %TRUE if the database now holds the backup
 */
gboolean
aether_store_restore (AetherStore  *self,
                      const char   *backup_path,
                      GError      **error)
{
  sqlite3 *source = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(AetherStoreLock) lock = NULL;
  gint64 version = -1;
  gboolean ok = FALSE;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (backup_path != NULL, FALSE);

  if (!g_file_test (backup_path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, "There is no backup at %s", backup_path);
      return FALSE;
    }

  /* A collector writing meanwhile would file its next readings under the
   * series ids of the database it had, which the backup gives to others. */
  if (!(lock = aether_store_lock_collector (aether_store_get_path (self), error)))
    {
      g_prefix_error (error, "Nothing was restored: ");
      return FALSE;
    }

  rc = sqlite3_open_v2 (backup_path, &source, SQLITE_OPEN_READONLY, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (source, rc, "Could not open the backup", error);
      goto out;
    }

  if (!_aether_store_quick_check (source))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT,
                   "%s is damaged or not a database; nothing was restored", backup_path);
      goto out;
    }

  if (sqlite3_prepare_v2 (source, "SELECT MAX(version) FROM schema_versions", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (version < 1)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s is not an AetherLens database; nothing was restored", backup_path);
      goto out;
    }
  if (version > AETHER_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_VERSION_TOO_NEW,
                   "%s was written by a newer AetherLens (schema version %" G_GINT64_FORMAT "); nothing was restored",
                   backup_path, version);
      goto out;
    }

  if (!copy_database (source, _aether_store_get_db (self), "Could not restore the backup", error))
    goto out;

  g_hash_table_remove_all (_aether_store_get_series_cache (self));
  ok = _aether_store_upgrade (self, error);

out:
  sqlite3_close_v2 (source);
  return ok;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char **)a, *(const char **)b);
}

/**
 * aether_store_backup:
 * @self: a store
 * @directory: where backups are kept
 * @keep: how many backups to keep (older ones are deleted)
 * @error: a location for a #GError
 *
 * Copies the live database with SQLite's online backup API into
 * `aetherlens-YYYYMMDD-HHMMSS.db`, checks the copy, then rotates.
 *
 * Returns: (transfer full): the backup's path, or %NULL
 */
char *
aether_store_backup (AetherStore  *self,
                     const char   *directory,
                     guint         keep,
                     GError      **error)
{
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *stamp = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) existing = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = NULL;
  sqlite3 *target = NULL;
  const char *entry;
  gboolean ok;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (directory != NULL, NULL);

  if (g_mkdir_with_parents (directory, 0700) != 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not create %s: %s", directory, g_strerror (errno));
      return NULL;
    }

  now = g_date_time_new_from_unix_utc (aether_clock_now_s (aether_store_get_clock (self)));
  stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  name = g_strdup_printf ("aetherlens-%s.db", stamp);
  path = g_build_filename (directory, name, NULL);

  _aether_store_restrict_mode (path);
  rc = sqlite3_open_v2 (path, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (target, rc, "Could not create the backup", error);
      sqlite3_close_v2 (target);
      return NULL;
    }

  ok = copy_database (_aether_store_get_db (self), target, "Could not write the backup", error);
  if (ok && !_aether_store_quick_check (target))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT, "The backup %s did not pass its check", path);
      ok = FALSE;
    }
  sqlite3_close_v2 (target);

  if (!ok)
    {
      g_unlink (path);
      return NULL;
    }

  /* Rotation: the newest @keep stay. */
  if ((dir = g_dir_open (directory, 0, NULL)))
    while ((entry = g_dir_read_name (dir)))
      if (g_str_has_prefix (entry, "aetherlens-") && g_str_has_suffix (entry, ".db"))
        g_ptr_array_add (existing, g_strdup (entry));

  /* Older versions left backups readable by all. */
  for (guint i = 0; i < existing->len; i++)
    {
      g_autofree char *file = g_build_filename (directory, g_ptr_array_index (existing, i), NULL);

      _aether_store_restrict_mode (file);
    }

  g_ptr_array_sort (existing, compare_strings);
  for (guint i = 0; keep > 0 && i + keep < existing->len; i++)
    {
      g_autofree char *old = g_build_filename (directory, g_ptr_array_index (existing, i), NULL);

      g_unlink (old);
    }

  return g_steal_pointer (&path);
}
