/* aether-store.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one SQLite file: opening it safely, its numbered migrations, and the
 * registry of the seed's JSON models (devices, users, rate schedules, cost
 * records, alerts; in aether-store-registry.c). Samples, rollups and
 * queries are in the other aether-store-*.c files (DESIGN.md's file map).
 *
 * Opening is cheap: SQLite reads the header and the schema, which a file
 * that is not a database, or whose first pages are damaged, fails. The full
 * `PRAGMA quick_check` runs only after a crash: when the opener is alone
 * (aether-store-lock.c) and finds a write-ahead log, which a clean close
 * removes. A busy or locked database is an error to try again, never
 * damage. A damaged one is moved aside with its WAL, under a name nothing
 * else has (never deleted, never over an earlier one), by an opener that is
 * alone, and the error says where it went. A database written by a newer
 * AetherLens is refused before anything touches it. Each migration runs in
 * one transaction with its row in `schema_versions`, the version read
 * again inside it, so a crash leaves the previous version intact and two
 * processes upgrading at once apply each step once. Files are 0600.
 *
 * Registry rows keep the seed's top-level fields as columns and nested
 * objects as JSON text, as the seed's own SQL does, and are written back in
 * the seed's shape. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "aether-error.h"
#include "aether-store-lock.h"
#include "aether-store-private.h"

G_DEFINE_FINAL_TYPE (AetherStore, aether_store, G_TYPE_OBJECT)

/* The migrations, in order. Never edit one that has shipped: add another. */
static const struct {
  guint       version;
  const char *description;
  const char *sql;
} migrations[] = {
  { 1, "Registry, series, raw samples and rollup tiers",
    "CREATE TABLE devices ("
    "  device_id TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL,"
    "  manufacturer TEXT, model TEXT,"
    "  location TEXT NOT NULL DEFAULT '{}', capabilities TEXT NOT NULL DEFAULT '[]',"
    "  configuration TEXT NOT NULL DEFAULT '{}', metadata TEXT DEFAULT '{}', status TEXT DEFAULT '{}',"
    "  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
    "CREATE INDEX idx_devices_type ON devices(type);"
    "CREATE TABLE users ("
    "  user_id TEXT PRIMARY KEY, username TEXT NOT NULL, email TEXT, role TEXT,"
    "  preferences TEXT NOT NULL DEFAULT '{}', api_tokens TEXT NOT NULL DEFAULT '[]',"
    "  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
    "CREATE TABLE rate_schedules ("
    "  rate_id TEXT PRIMARY KEY, effective_date TEXT, expiry_date TEXT, json TEXT NOT NULL,"
    "  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
    "CREATE TABLE cost_records ("
    "  calculation_id TEXT PRIMARY KEY, device_id TEXT, period_start INTEGER, period_end INTEGER,"
    "  json TEXT NOT NULL,"
    "  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
    "CREATE INDEX idx_cost_records_device ON cost_records(device_id, period_start);"
    "CREATE TABLE alerts ("
    "  alert_id TEXT PRIMARY KEY, enabled INTEGER NOT NULL DEFAULT 1, json TEXT NOT NULL,"
    "  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);"
    "CREATE TABLE series ("
    "  series_id INTEGER PRIMARY KEY, device_id TEXT NOT NULL, metric_type TEXT NOT NULL,"
    "  unit TEXT NOT NULL, tags TEXT NOT NULL DEFAULT '{}',"
    "  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, UNIQUE (device_id, metric_type));"
    /* Keyed by time first: live inserts append at the end of the tree. */
    "CREATE TABLE samples (ts INTEGER NOT NULL, series_id INTEGER NOT NULL, value REAL NOT NULL,"
    "  PRIMARY KEY (ts, series_id)) WITHOUT ROWID;"
    "CREATE TABLE rollup_1m (series_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,"
    "  sum REAL, min REAL, max REAL, first REAL, last REAL, sketch BLOB,"
    "  PRIMARY KEY (series_id, bucket)) WITHOUT ROWID;"
    "CREATE TABLE rollup_5m (series_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,"
    "  sum REAL, min REAL, max REAL, first REAL, last REAL, sketch BLOB,"
    "  PRIMARY KEY (series_id, bucket)) WITHOUT ROWID;"
    "CREATE TABLE rollup_1h (series_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,"
    "  sum REAL, min REAL, max REAL, first REAL, last REAL, sketch BLOB,"
    "  PRIMARY KEY (series_id, bucket)) WITHOUT ROWID;"
    "CREATE TABLE rollup_1d (series_id INTEGER NOT NULL, bucket INTEGER NOT NULL, count INTEGER NOT NULL,"
    "  sum REAL, min REAL, max REAL, first REAL, last REAL, sketch BLOB,"
    "  PRIMARY KEY (series_id, bucket)) WITHOUT ROWID;" },

  { 2, "Energy, cost and CO2 per device per bucket, the daily hour-of-day profile, rollup watermarks",
    "CREATE TABLE energy_1m (device_id TEXT NOT NULL, bucket INTEGER NOT NULL, energy_wh REAL NOT NULL,"
    "  cost REAL, co2_kg REAL, PRIMARY KEY (device_id, bucket)) WITHOUT ROWID;"
    "CREATE TABLE energy_5m (device_id TEXT NOT NULL, bucket INTEGER NOT NULL, energy_wh REAL NOT NULL,"
    "  cost REAL, co2_kg REAL, PRIMARY KEY (device_id, bucket)) WITHOUT ROWID;"
    "CREATE TABLE energy_1h (device_id TEXT NOT NULL, bucket INTEGER NOT NULL, energy_wh REAL NOT NULL,"
    "  cost REAL, co2_kg REAL, PRIMARY KEY (device_id, bucket)) WITHOUT ROWID;"
    "CREATE TABLE energy_1d (device_id TEXT NOT NULL, bucket INTEGER NOT NULL, energy_wh REAL NOT NULL,"
    "  cost REAL, co2_kg REAL, hour_profile TEXT, PRIMARY KEY (device_id, bucket)) WITHOUT ROWID;"
    "CREATE TABLE rollup_state (tier TEXT PRIMARY KEY, watermark INTEGER NOT NULL);" },

  { 3, "Alert history, device status log and the seed's metrics view",
    "CREATE TABLE alert_history (id INTEGER PRIMARY KEY, time INTEGER NOT NULL, alert_id TEXT NOT NULL,"
    "  kind TEXT NOT NULL, detail TEXT);"
    "CREATE INDEX idx_alert_history_time ON alert_history(time);"
    "CREATE TABLE device_status_log (ts INTEGER NOT NULL, device_id TEXT NOT NULL, online INTEGER,"
    "  error_count INTEGER, PRIMARY KEY (ts, device_id)) WITHOUT ROWID;"
    "CREATE VIEW metrics AS"
    "  SELECT strftime('%Y-%m-%dT%H:%M:%fZ', s.ts / 1000.0, 'unixepoch') AS time,"
    "         r.device_id AS device_id, r.metric_type AS metric_type, s.value AS value,"
    "         r.unit AS unit, r.tags AS tags, '{}' AS metadata"
    "  FROM samples s JOIN series r USING (series_id);" },

  { 4, "Re-pricing jobs, resumable after a crash",
    "CREATE TABLE reprice_jobs (id INTEGER PRIMARY KEY, from_s INTEGER NOT NULL, to_s INTEGER NOT NULL,"
    "  next_s INTEGER NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);" },

  { 5, "Alert snoozes and cooldowns, kept across a restart",
    "CREATE TABLE alert_state (alert_id TEXT PRIMARY KEY, snoozed_until_us INTEGER NOT NULL DEFAULT 0,"
    "  last_fired_us INTEGER NOT NULL DEFAULT 0);" },

  { 6, "Exported energy (negative power) per device per bucket, beside the imported",
    "ALTER TABLE energy_1m ADD COLUMN exported_wh REAL NOT NULL DEFAULT 0;"
    "ALTER TABLE energy_5m ADD COLUMN exported_wh REAL NOT NULL DEFAULT 0;"
    "ALTER TABLE energy_1h ADD COLUMN exported_wh REAL NOT NULL DEFAULT 0;"
    "ALTER TABLE energy_1d ADD COLUMN exported_wh REAL NOT NULL DEFAULT 0;" },

  /* The VACUUM that switches an older file over cannot run in a
   * transaction: ensure_incremental_vacuum() does it after this commits. */
  { 7, "Incremental vacuum: the file gives back the pages retention frees",
    "SELECT 1;" },

  /* Outbox rows hold the values, not a reference to the sample: retention
   * deletes raw samples after an hour, and a sink may be away for a day. */
  { 8, "Sinks (InfluxDB, PostgreSQL) and their durable outbox",
    "CREATE TABLE sinks (sink_id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL CHECK (kind IN ('influxdb', 'postgres')), name TEXT NOT NULL UNIQUE,"
    "  config TEXT NOT NULL DEFAULT '{}', enabled INTEGER NOT NULL DEFAULT 1, created INTEGER NOT NULL,"
    "  max_queued INTEGER NOT NULL, next_seq INTEGER NOT NULL DEFAULT 1, queued INTEGER NOT NULL DEFAULT 0,"
    "  delivered INTEGER NOT NULL DEFAULT 0, dropped INTEGER NOT NULL DEFAULT 0, dropped_since INTEGER,"
    "  state TEXT NOT NULL DEFAULT 'new', last_error TEXT, last_attempt INTEGER, last_delivered INTEGER);"
    "CREATE TABLE sink_outbox (sink_id INTEGER NOT NULL REFERENCES sinks (sink_id) ON DELETE CASCADE,"
    "  seq INTEGER NOT NULL, ts INTEGER NOT NULL, series_id INTEGER NOT NULL, value REAL NOT NULL,"
    "  enqueued INTEGER NOT NULL, PRIMARY KEY (sink_id, seq)) WITHOUT ROWID;" },
};

/* A file this big is compacted with a word first (VACUUM rewrites it). */
#define BIG_FILE_BYTES (64 * 1024 * 1024)

/* What a caller can do about @rc: busy, locked and read-only are not
 * damage. */
static int
error_code_of (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      return AETHER_ERROR_IO;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return AETHER_ERROR_CORRUPT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return AETHER_ERROR_BUSY;
    default:
      return AETHER_ERROR_FAILED;
    }
}

gboolean
_aether_sqlite_fail (sqlite3     *db,
                     int          rc,
                     const char  *what,
                     GError     **error)
{
  if ((rc & 0xff) == SQLITE_FULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO,
                   "%s: the disk is full; nothing was written, free some space and try again", what);
      return FALSE;
    }

  g_set_error (error, AETHER_ERROR, error_code_of (rc), "%s: %s", what,
               db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return FALSE;
}

gboolean
_aether_sqlite_exec (sqlite3     *db,
                     const char  *sql,
                     GError     **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      g_set_error (error, AETHER_ERROR, error_code_of (rc), "Database error: %s",
                   message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

gboolean
_aether_store_configure_connection (sqlite3  *db,
                                    GError  **error)
{
  sqlite3_busy_timeout (db, 5000);

  /* 1 KiB pages (a new file only): a commit a second rewrites the pages it
   * touches, and small pages halve the bytes written per live sample
   * (bench store: ~108 B with 1 KiB, ~148 B with 2 KiB, ~235 B with 4 KiB),
   * which is what wears an SD card; rollups, a batch job, lose ~10 %. */
  return _aether_sqlite_exec (db,
                              "PRAGMA page_size=1024;"
                              /* A new file only; older ones: migration 7.
                               * Its pointer-map pages add ~9 % to what a
                               * live commit writes (bench store: 118 B a
                               * sample, 108 B without). */
                              "PRAGMA auto_vacuum=INCREMENTAL;"
                              "PRAGMA journal_mode=WAL;"
                              "PRAGMA synchronous=NORMAL;"
                              "PRAGMA foreign_keys=ON;"
                              "PRAGMA temp_store=MEMORY;"
                              /* Reads through a mapping instead of a copy
                               * per page: rollups +9 % (bench store); a
                               * larger page cache measured slower. */
                              "PRAGMA mmap_size=268435456;",
                              error);
}

void
aether_retention_init_defaults (AetherRetention *retention)
{
  const gint64 day = 86400;

  g_return_if_fail (retention != NULL);

  memset (retention, 0, sizeof *retention);
  /* The seed's table: power raw 1 h, 1 min 7 d, 5 min 30 d, 1 h 90 d, 1 day 1 yr */
  retention->samples_s[AETHER_TIER_RAW] = 3600;
  retention->samples_s[AETHER_TIER_1M] = 7 * day;
  retention->samples_s[AETHER_TIER_5M] = 30 * day;
  retention->samples_s[AETHER_TIER_1H] = 90 * day;
  retention->samples_s[AETHER_TIER_1D] = 365 * day;
  /* Energy totals: 1 min 7 d, 5 min 30 d, 1 h 90 d, 1 day 5 yr */
  retention->energy_s[AETHER_TIER_1M] = 7 * day;
  retention->energy_s[AETHER_TIER_5M] = 30 * day;
  retention->energy_s[AETHER_TIER_1H] = 90 * day;
  retention->energy_s[AETHER_TIER_1D] = 5 * 365 * day;
  /* Cost records 1 day 7 yr; device status raw 24 h; alerts 90 d */
  retention->cost_records_s = 7 * 365 * day;
  retention->device_status_s = day;
  retention->alerts_s = 90 * day;
}

void
aether_energy_total_free (AetherEnergyTotal *total)
{
  if (total == NULL)
    return;

  g_free (total->key);
  g_free (total);
}

static const char * const tier_names[AETHER_N_TIERS] = { "raw", "1m", "5m", "1h", "1d" };
static const gint64 tier_widths[AETHER_N_TIERS] = { 0, 60, 300, 3600, 86400 };

const char *
aether_tier_to_string (AetherTier tier)
{
  g_return_val_if_fail (tier < AETHER_N_TIERS, NULL);

  return tier_names[tier];
}

gboolean
aether_tier_from_string (const char *name,
                         AetherTier *tier)
{
  for (guint i = 0; i < AETHER_N_TIERS; i++)
    {
      if (g_strcmp0 (name, tier_names[i]) == 0)
        {
          *tier = i;
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * aether_tier_get_width_s:
 * @tier: a tier
 *
 * Returns: the bucket width in seconds (0 for raw samples)
 */
gint64
aether_tier_get_width_s (AetherTier tier)
{
  g_return_val_if_fail (tier < AETHER_N_TIERS, 0);

  return tier_widths[tier];
}

static void
aether_store_finalize (GObject *object)
{
  AetherStore *self = (AetherStore *)object;

  g_clear_pointer (&self->series_cache, g_hash_table_unref);
  if (self->db != NULL)
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
    }
  if (self->presence_fd >= 0)
    close (self->presence_fd);
  self->presence_fd = -1;
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_object (&self->clock);
  g_clear_object (&self->pricer);

  G_OBJECT_CLASS (aether_store_parent_class)->finalize (object);
}

static void
aether_store_class_init (AetherStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aether_store_finalize;
}

static void
aether_store_init (AetherStore *self)
{
  aether_retention_init_defaults (&self->retention);
  self->presence_fd = -1;
  self->series_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->tz = g_time_zone_new_local ();
}

/**
 * aether_store_default_path:
 *
 * Returns: (transfer full): `$AETHERLENS_DB`, or the database in the user's
 *   data folder (`~/.local/share/aetherlens/aetherlens.db`)
 */
char *
aether_store_default_path (void)
{
  const char *env = g_getenv ("AETHERLENS_DB");

  if (env != NULL && env[0] != '\0')
    return g_strdup (env);

  return g_build_filename (g_get_user_data_dir (), "aetherlens", "aetherlens.db", NULL);
}

static gboolean
read_schema_version (sqlite3  *db,
                     guint    *version,
                     GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *version = 0;

  rc = sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_versions'",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the database", error);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    return _aether_sqlite_fail (db, rc, "Could not read the database", error);

  rc = sqlite3_prepare_v2 (db, "SELECT MAX(version) FROM schema_versions", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the schema version", error);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    *version = (guint)sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  return TRUE;
}

static gboolean
is_damage (int rc)
{
  return (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB;
}

/* Turns VACUUM on for a file made before migration 7 (a new file has it
 * from its first page, _aether_store_configure_connection()). Not in a
 * transaction, and not fatal: a busy file is compacted next time. */
static void
ensure_incremental_vacuum (sqlite3    *db,
                           const char *path)
{
  sqlite3_stmt *stmt = NULL;
  gint64 mode = -1;
  gint64 bytes = 0;
  g_autoptr(GError) error = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT auto_vacuum, page_count * page_size FROM pragma_auto_vacuum, pragma_page_count, pragma_page_size",
                          -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    {
      mode = sqlite3_column_int64 (stmt, 0);
      bytes = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (mode == 2 || mode < 0)
    return;

  if (bytes >= BIG_FILE_BYTES)
    g_message ("Compacting %s once (%.0f MB) so that it can shrink from now on; this can take a minute",
               path, bytes / 1e6);
  /* VACUUM copies what the file holds into a temporary database: on disk,
   * not in memory, for a file of a year. */
  if (!_aether_sqlite_exec (db, "PRAGMA temp_store=FILE; PRAGMA auto_vacuum=INCREMENTAL; VACUUM;", &error))
    g_message ("%s was not compacted yet (it will be tried again when it is next opened): %s",
               path, error->message);
  _aether_sqlite_exec (db, "PRAGMA temp_store=MEMORY;", NULL);
}

/* Each step in its own write transaction, the version read again inside it:
 * a second process upgrading at the same time waits for the first and
 * then finds the step done. */
static gboolean
migrate (sqlite3     *db,
         const char  *path,
         guint        from,
         guint        to,
         GError     **error)
{
  if (!_aether_sqlite_exec (db,
                            "CREATE TABLE IF NOT EXISTS schema_versions ("
                            "  version INTEGER PRIMARY KEY,"
                            "  applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,"
                            "  description TEXT);",
                            error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      char *record;
      gboolean ok;
      guint found = 0;

      if (migrations[i].version <= from || migrations[i].version > to)
        continue;

      if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
        return FALSE;
      if (!read_schema_version (db, &found, error))
        {
          _aether_sqlite_exec (db, "ROLLBACK;", NULL);
          return FALSE;
        }
      if (found >= migrations[i].version)
        {
          _aether_sqlite_exec (db, "ROLLBACK;", NULL);
          continue;
        }

      record = sqlite3_mprintf ("INSERT INTO schema_versions (version, description) VALUES (%u, %Q);",
                                migrations[i].version, migrations[i].description);
      ok = _aether_sqlite_exec (db, migrations[i].sql, error) && _aether_sqlite_exec (db, record, error);
      sqlite3_free (record);
      if (!ok)
        {
          _aether_sqlite_exec (db, "ROLLBACK;", NULL);
          g_prefix_error (error, "Could not upgrade the database to version %u: ", migrations[i].version);
          return FALSE;
        }

      if (!_aether_sqlite_exec (db, "COMMIT;", error))
        return FALSE;
    }

  if (to >= 7)
    ensure_incremental_vacuum (db, path);

  return TRUE;
}

/* Moves @from to @base, or @base.2, @base.3, … whichever nothing has: a
 * link cannot replace a file, so an earlier move is never overwritten. */
static char *
move_no_replace (const char  *from,
                 const char  *base,
                 GError     **error)
{
  for (guint n = 1; n < 1000; n++)
    {
      g_autofree char *target = n == 1 ? g_strdup (base) : g_strdup_printf ("%s.%u", base, n);

      if (link (from, target) == 0)
        {
          if (g_unlink (from) != 0)
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not move %s aside: %s",
                           from, g_strerror (errno));
              g_unlink (target);
              return NULL;
            }
          return g_steal_pointer (&target);
        }
      if (errno == EEXIST)
        continue;
      /* A file system without hard links: a rename, after a look. */
      if (!g_file_test (target, G_FILE_TEST_EXISTS) && g_rename (from, target) == 0)
        return g_steal_pointer (&target);
      if (errno != EEXIST && !g_file_test (target, G_FILE_TEST_EXISTS))
        break;
    }

  g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not move %s aside: %s", from, g_strerror (errno));
  return NULL;
}

/* The database and its WAL and shared memory, each under a name of its own;
 * the WAL must never be left beside a new file of the same name. */
static gboolean
move_aside (const char  *path,
            char       **moved_to,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *base = g_strdup_printf ("%s.corrupt-%s", path, stamp);
  g_autofree char *target = NULL;
  static const char * const suffixes[] = { "-wal", "-shm" };

  if (!(target = move_no_replace (path, base, error)))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);
      g_autofree char *done = NULL;

      if (g_file_test (from, G_FILE_TEST_EXISTS) && !(done = move_no_replace (from, to, error)))
        return FALSE;
    }

  *moved_to = g_steal_pointer (&target);
  return TRUE;
}

/* The full check: SQLITE_OK and *ok, or the error that stopped it (a busy
 * file is not a damaged one). */
static int
quick_check (sqlite3  *db,
             gboolean *ok)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL);

  *ok = FALSE;
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *ok = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") == 0;
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (stmt);

  return rc;
}

gboolean
_aether_store_quick_check (sqlite3 *db)
{
  gboolean ok;

  sqlite3_busy_timeout (db, 5000);
  return quick_check (db, &ok) == SQLITE_OK && ok;
}

void
_aether_store_restrict_mode (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };
  int fd;

  /* SQLite gives its -wal and -shm the mode of the database file. */
  if ((fd = open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) >= 0)
    {
      close (fd);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      struct stat st;

      if (g_stat (file, &st) == 0 && S_ISREG (st.st_mode) && st.st_uid == getuid () &&
          (st.st_mode & 077) != 0)
        g_chmod (file, st.st_mode & 0700);
    }
}

static void
remember_wal (AetherStore *self)
{
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  struct stat st;

  if (g_stat (wal, &st) == 0)
    {
      self->wal_known = TRUE;
      self->wal_dev = st.st_dev;
      self->wal_ino = st.st_ino;
    }
}

/**
 * aether_store_check_wal:
 * @self: a store open for writing
 * @error: a location for a #GError
 *
 * Whether the write-ahead log this store writes through is still the file
 * beside the database. A log deleted (or replaced) while the database is
 * open takes every commit since the last checkpoint with it, and later
 * ones go nowhere; a collector checks after it stores.
 *
 * Returns: %TRUE if it is
 */
gboolean
aether_store_check_wal (AetherStore  *self,
                        GError      **error)
{
  g_autofree char *wal = NULL;
  struct stat st;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (!self->wal_known)
    {
      remember_wal (self);
      return TRUE;
    }

  wal = g_strconcat (self->path, "-wal", NULL);
  if (g_stat (wal, &st) != 0 || st.st_dev != self->wal_dev || st.st_ino != self->wal_ino)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO,
                   "The database's write-ahead log %s was %s while AetherLens was writing to it: "
                   "readings stored since the last checkpoint are lost and new ones cannot be kept. "
                   "Stop AetherLens, run “aetherlens-cli db check”, and restore a backup if it fails",
                   wal, g_stat (wal, &st) != 0 ? "deleted" : "replaced");
      return FALSE;
    }

  return TRUE;
}

/**
 * aether_store_find_moved_aside:
 * @self: a store
 *
 * A collector must not start filling a new, empty database in place of one
 * that was moved aside as damaged without being told to.
 *
 * Returns: (transfer full) (nullable): the newest damaged file moved aside
 *   from this path, when this database holds no readings yet
 */
char *
aether_store_find_moved_aside (AetherStore *self)
{
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *prefix = NULL;
  g_autofree char *newest = NULL;
  g_autoptr(GDir) listing = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean has_readings = TRUE;
  const char *entry;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  if (sqlite3_prepare_v2 (self->db, "SELECT EXISTS (SELECT 1 FROM series)", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    has_readings = sqlite3_column_int (stmt, 0) != 0;
  sqlite3_finalize (stmt);
  if (has_readings)
    return NULL;

  dir = g_path_get_dirname (self->path);
  name = g_path_get_basename (self->path);
  prefix = g_strconcat (name, ".corrupt-", NULL);
  if (!(listing = g_dir_open (dir, 0, NULL)))
    return NULL;
  /* The stamp sorts by time; .2, .3 … after the first of a second. */
  while ((entry = g_dir_read_name (listing)))
    if (g_str_has_prefix (entry, prefix) && !g_str_has_suffix (entry, "-wal") &&
        !g_str_has_suffix (entry, "-shm") && g_strcmp0 (entry, newest) > 0)
      {
        g_free (newest);
        newest = g_strdup (entry);
      }

  return newest ? g_build_filename (dir, newest, NULL) : NULL;
}

static gboolean
wal_left_behind (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  struct stat st;

  return g_stat (wal, &st) == 0 && st.st_size > 0;
}

/**
 * aether_store_open_at_version:
 * @path: the database file; created with its folder if missing
 * @clock: the clock
 * @version: migrate no further than this (tests build old databases with it)
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the store, or %NULL
 */
AetherStore *
aether_store_open_at_version (const char   *path,
                              AetherClock  *clock,
                              guint         version,
                              GError      **error)
{
  g_autoptr(AetherStore) self = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean alone = FALSE;
  gboolean damaged = FALSE;
  guint found = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (AETHER_IS_CLOCK (clock), NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not create %s: %s",
                   dir, g_strerror (errno));
      return NULL;
    }

  self = g_object_new (AETHER_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->clock = g_object_ref (clock);

  self->presence_fd = _aether_store_presence_acquire (path, &alone, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  _aether_store_restrict_mode (path);

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf ("Could not open %s", path);
      return _aether_sqlite_fail (self->db, rc, what, error), NULL;
    }
  /* Before anything reads: a file another process is writing is busy for
   * a moment, not damaged. */
  sqlite3_busy_timeout (self->db, 5000);

  /* The cheap check, every time: the header and the schema. */
  if (!read_schema_version (self->db, &found, &local_error))
    {
      if (local_error->code == AETHER_ERROR_BUSY)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_BUSY,
                       "The database %s is busy: another program has kept it locked for over 5 seconds "
                       "(%s). Nothing was changed; try again when it is done",
                       path, local_error->message);
          return NULL;
        }
      if (local_error->code != AETHER_ERROR_CORRUPT)
        {
          g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
          return NULL;
        }
      damaged = TRUE;
    }
  /* The full one after a crash, by the one opener that is alone. */
  else if (alone && wal_left_behind (path))
    {
      gboolean ok = FALSE;

      rc = quick_check (self->db, &ok);
      if (rc != SQLITE_OK && !is_damage (rc))
        {
          g_autofree char *what = g_strdup_printf ("Could not check %s", path);
          return _aether_sqlite_fail (self->db, rc, what, error), NULL;
        }
      damaged = !ok;
    }

  if (damaged)
    {
      g_autofree char *moved_to = NULL;

      sqlite3_close_v2 (self->db);
      self->db = NULL;
      if (!alone)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT,
                       "The database %s looks damaged, but another program has it open, so it was "
                       "left where it is: close AetherLens everywhere and try again",
                       path);
          return NULL;
        }
      if (!move_aside (path, &moved_to, error))
        return NULL;
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT,
                   "The database %s is damaged. It was moved to %s (nothing was deleted); "
                   "restore the newest backup with “aetherlens-cli db restore”, or start afresh",
                   path, moved_to);
      return NULL;
    }

  /* The checks only the first opener runs are done: others may come in. */
  _aether_store_presence_share (self->presence_fd);

  if (found > AETHER_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_VERSION_TOO_NEW,
                   "The database %s was written by a newer AetherLens (schema version %u; this "
                   "version knows up to %u). It was not changed: update AetherLens to open it",
                   path, found, AETHER_STORE_SCHEMA_VERSION);
      return NULL;
    }

  if (!_aether_store_configure_connection (self->db, error))
    return NULL;

  if (found < version && !migrate (self->db, path, found, version, error))
    return NULL;

  self->schema_version = MAX (found, version);
  remember_wal (self);

  return g_steal_pointer (&self);
}

/**
 * aether_store_open:
 * @path: the database file
 * @clock: the clock every time-dependent part uses
 * @error: a location for a #GError
 *
 * Opens (or creates) the database and brings it to the latest schema.
 *
 * Returns: (transfer full): the store, or %NULL
 */
AetherStore *
aether_store_open (const char   *path,
                   AetherClock  *clock,
                   GError      **error)
{
  return aether_store_open_at_version (path, clock, AETHER_STORE_SCHEMA_VERSION, error);
}

/**
 * aether_store_open_reader:
 * @self: an open store
 * @error: a location for a #GError
 *
 * A second, read-only connection to the same file, for one thread: the
 * store's own connection belongs to the thread that opened it, and WAL
 * lets readers run while it writes. It keeps @self's time zone and
 * retention, so queries answer as @self's would. Unref it in the thread
 * that used it, or once that thread is done with it.
 *
 * Returns: (transfer full): a store that only reads, or %NULL
 */
AetherStore *
aether_store_open_reader (AetherStore  *self,
                          GError      **error)
{
  g_autoptr(AetherStore) reader = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  if (!(reader = _aether_store_open_reader (self->path, self->clock, error)))
    return NULL;
  g_time_zone_unref (reader->tz);
  reader->tz = g_time_zone_ref (self->tz);
  reader->retention = self->retention;

  return g_steal_pointer (&reader);
}

/* After a restore: bring whatever version came back up to date. */
gboolean
_aether_store_upgrade (AetherStore  *self,
                       GError      **error)
{
  guint found = 0;

  if (!read_schema_version (self->db, &found, error))
    return FALSE;
  if (found < AETHER_STORE_SCHEMA_VERSION && !migrate (self->db, self->path, found, AETHER_STORE_SCHEMA_VERSION, error))
    return FALSE;
  self->schema_version = AETHER_STORE_SCHEMA_VERSION;
  return TRUE;
}

const char *
aether_store_get_path (AetherStore *self)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  return self->path;
}

guint
aether_store_get_schema_version (AetherStore *self)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), 0);

  return self->schema_version;
}

/**
 * aether_store_get_clock:
 * @self: a store
 *
 * Returns: (transfer none): its clock
 */
AetherClock *
aether_store_get_clock (AetherStore *self)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  return self->clock;
}

sqlite3 *
_aether_store_get_db (AetherStore *self)
{
  return self->db;
}

/**
 * aether_store_set_pricer:
 * @self: a store
 * @pricer: (nullable): prices energy in rollups; without one, energy alone
 */
void
aether_store_set_pricer (AetherStore  *self,
                         AetherPricer *pricer)
{
  g_return_if_fail (AETHER_IS_STORE (self));

  g_set_object (&self->pricer, pricer);
}

AetherPricer *
_aether_store_get_pricer (AetherStore *self)
{
  return self->pricer;
}

void
aether_store_set_retention (AetherStore           *self,
                            const AetherRetention *retention)
{
  g_return_if_fail (AETHER_IS_STORE (self));
  g_return_if_fail (retention != NULL);

  self->retention = *retention;
}

const AetherRetention *
_aether_store_get_retention (AetherStore *self)
{
  return &self->retention;
}

/**
 * aether_store_set_time_zone:
 * @self: a store
 * @tz: the zone whose midnights bound the daily tier
 */
void
aether_store_set_time_zone (AetherStore *self,
                            GTimeZone   *tz)
{
  g_return_if_fail (AETHER_IS_STORE (self));
  g_return_if_fail (tz != NULL);

  g_time_zone_unref (self->tz);
  self->tz = g_time_zone_ref (tz);
}

/**
 * aether_store_get_retention:
 * @self: a store
 * @retention: (out): how long each tier is kept, as maintenance applies it
 */
void
aether_store_get_retention (AetherStore     *self,
                            AetherRetention *retention)
{
  g_return_if_fail (AETHER_IS_STORE (self));
  g_return_if_fail (retention != NULL);

  *retention = self->retention;
}

GTimeZone *
_aether_store_get_time_zone (AetherStore *self)
{
  return self->tz;
}

GHashTable *
_aether_store_get_series_cache (AetherStore *self)
{
  return self->series_cache;
}

/**
 * _aether_store_open_reader:
 * @path: an existing database at the current schema version
 * @clock: the clock
 * @error: a location for a #GError
 *
 * A connection that only reads, for a thread of its own (the hot tier is
 * rebuilt off the main loop at start): no integrity check, no migration,
 * nothing written, so it can run beside the writer and the main connection.
 *
 * Returns: (transfer full): the store, or %NULL
 */
AetherStore *
_aether_store_open_reader (const char   *path,
                           AetherClock  *clock,
                           GError      **error)
{
  g_autoptr(AetherStore) self = NULL;
  guint found = 0;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (AETHER_IS_CLOCK (clock), NULL);

  self = g_object_new (AETHER_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->clock = g_object_ref (clock);

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf ("Could not open %s to read", path);
      return _aether_sqlite_fail (self->db, rc, what, error), NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);

  if (!read_schema_version (self->db, &found, error))
    return NULL;
  if (found != AETHER_STORE_SCHEMA_VERSION)
    {
      g_set_error (error, AETHER_ERROR, found > AETHER_STORE_SCHEMA_VERSION ? AETHER_ERROR_VERSION_TOO_NEW : AETHER_ERROR_FAILED,
                   "The database %s is at schema version %u, not %u: open it with aether_store_open() first",
                   path, found, AETHER_STORE_SCHEMA_VERSION);
      return NULL;
    }
  if (!_aether_sqlite_exec (self->db, "PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;", error))
    return NULL;

  self->schema_version = found;

  return g_steal_pointer (&self);
}

/* Steps of this many pages, each its own short transaction, so that the
 * writer thread never waits long. */
#define VACUUM_STEP_PAGES 2048

gboolean
_aether_store_incremental_vacuum (sqlite3      *db,
                                  gint64        max_pages,
                                  GError      **error)
{
  gint64 given_back = 0;
  gint64 was_free = G_MAXINT64;
  sqlite3_stmt *stmt = NULL;
  gint64 mode = 0;

  /* A file the migration could not compact yet keeps its free pages. */
  if (sqlite3_prepare_v2 (db, "PRAGMA auto_vacuum", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    mode = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  if (mode != 2)
    return TRUE;

  while (given_back < max_pages)
    {
      gint64 free_pages = 0;
      gint64 step;
      g_autofree char *sql = NULL;

      if (sqlite3_prepare_v2 (db, "PRAGMA freelist_count", -1, &stmt, NULL) == SQLITE_OK &&
          sqlite3_step (stmt) == SQLITE_ROW)
        free_pages = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      if (free_pages == 0 || free_pages >= was_free)
        break;
      was_free = free_pages;

      step = MIN (MIN (free_pages, VACUUM_STEP_PAGES), max_pages - given_back);
      sql = g_strdup_printf ("PRAGMA incremental_vacuum(%" G_GINT64_FORMAT ");", step);
      if (!_aether_sqlite_exec (db, sql, error))
        return FALSE;
      given_back += step;
    }

  return TRUE;
}

/* The registry's writers (rates, devices, alerts) each make one
 * transaction of a person's change; a job they record inside it is a
 * savepoint (see aether_store_add_reprice_job()). */
gboolean
_aether_store_begin_write (AetherStore  *self,
                           GError      **error)
{
  return _aether_sqlite_exec (self->db, "BEGIN IMMEDIATE;", error);
}

gboolean
_aether_store_end_write (AetherStore  *self,
                         gboolean      ok,
                         GError      **error)
{
  if (ok && _aether_sqlite_exec (self->db, "COMMIT;", error))
    return TRUE;
  _aether_sqlite_exec (self->db, "ROLLBACK;", NULL);
  return FALSE;
}
