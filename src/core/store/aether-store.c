/* aether-store.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one SQLite file: opening it safely, its numbered migrations, and the
 * registry of the seed's JSON models (devices, users, rate schedules, cost
 * records, alerts). Samples, rollups and queries are in
 * aether-store-series.c.
 *
 * Opening runs `PRAGMA quick_check`; a database that fails it is moved aside
 * with its WAL (never deleted) and the error says where it went. A database
 * written by a newer AetherLens is refused before anything touches it. Each
 * migration runs in one transaction with its row in `schema_versions`, so a
 * crash leaves the previous version intact.
 *
 * Registry rows keep the seed's top-level fields as columns and nested
 * objects as JSON text, as the seed's own SQL does, and are written back in
 * the seed's shape. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "aether-error.h"
#include "aether-store-private.h"

struct _AetherStore
{
  GObject          parent_instance;

  /* Owned references */
  sqlite3         *db;
  char            *path;
  AetherClock     *clock;
  AetherPricer    *pricer;
  GTimeZone       *tz;
  GHashTable      *series_cache;   /* "device\x1fmetric" → series id */

  AetherRetention  retention;
  guint            schema_version;
};

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
};

gboolean
_aether_sqlite_fail (sqlite3     *db,
                     int          rc,
                     const char  *what,
                     GError     **error)
{
  int code;
  int primary = rc & 0xff;

  switch (primary)
    {
    case SQLITE_FULL:
      code = AETHER_ERROR_IO;
      g_set_error (error, AETHER_ERROR, code,
                   "%s: the disk is full; nothing was written, free some space and try again", what);
      return FALSE;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      code = AETHER_ERROR_CORRUPT;
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      code = AETHER_ERROR_BUSY;
      break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      code = AETHER_ERROR_IO;
      break;
    default:
      code = AETHER_ERROR_FAILED;
      break;
    }

  g_set_error (error, AETHER_ERROR, code, "%s: %s", what,
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
      int code = (rc & 0xff) == SQLITE_FULL ? AETHER_ERROR_IO :
                 (rc & 0xff) == SQLITE_CORRUPT || (rc & 0xff) == SQLITE_NOTADB ? AETHER_ERROR_CORRUPT :
                 (rc & 0xff) == SQLITE_BUSY ? AETHER_ERROR_BUSY : AETHER_ERROR_FAILED;

      g_set_error (error, AETHER_ERROR, code, "Database error: %s",
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
migrate (sqlite3  *db,
         guint     from,
         guint     to,
         GError  **error)
{
  if (from == 0 &&
      !_aether_sqlite_exec (db,
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

      if (migrations[i].version <= from || migrations[i].version > to)
        continue;

      record = sqlite3_mprintf ("INSERT INTO schema_versions (version, description) VALUES (%u, %Q);",
                                migrations[i].version, migrations[i].description);

      if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
        {
          sqlite3_free (record);
          return FALSE;
        }

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

  return TRUE;
}

static gboolean
move_aside (const char  *path,
            char       **moved_to,
            GError     **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *target = g_strdup_printf ("%s.corrupt-%s", path, stamp);
  static const char * const suffixes[] = { "-wal", "-shm" };

  if (g_rename (path, target) != 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, "Could not move %s aside: %s",
                   path, g_strerror (errno));
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *from = g_strconcat (path, suffixes[i], NULL);
      g_autofree char *to = g_strconcat (target, suffixes[i], NULL);

      if (g_file_test (from, G_FILE_TEST_EXISTS))
        g_rename (from, to);
    }

  *moved_to = g_steal_pointer (&target);
  return TRUE;
}

static gboolean
quick_check (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gboolean ok = FALSE;

  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    ok = g_strcmp0 ((const char *)sqlite3_column_text (stmt, 0), "ok") == 0;

  sqlite3_finalize (stmt);
  return ok;
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

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_autofree char *what = g_strdup_printf ("Could not open %s", path);
      return _aether_sqlite_fail (self->db, rc, what, error), NULL;
    }

  if (!quick_check (self->db))
    {
      g_autofree char *moved_to = NULL;

      sqlite3_close_v2 (self->db);
      self->db = NULL;
      if (!move_aside (path, &moved_to, error))
        return NULL;
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT,
                   "The database %s is damaged. It was moved to %s (nothing was deleted); "
                   "restore the newest backup with “aetherlens-cli db restore”, or start afresh",
                   path, moved_to);
      return NULL;
    }

  if (!read_schema_version (self->db, &found, error))
    return NULL;

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

  if (found < version && !migrate (self->db, found, version, error))
    return NULL;

  self->schema_version = MAX (found, version);

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

gboolean _aether_store_upgrade (AetherStore *self, GError **error);

/* After a restore: bring whatever version came back up to date. */
gboolean
_aether_store_upgrade (AetherStore  *self,
                       GError      **error)
{
  guint found = 0;

  if (!read_schema_version (self->db, &found, error))
    return FALSE;
  if (found < AETHER_STORE_SCHEMA_VERSION && !migrate (self->db, found, AETHER_STORE_SCHEMA_VERSION, error))
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

AetherPricer *_aether_store_get_pricer (AetherStore *self);
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

const AetherRetention *_aether_store_get_retention (AetherStore *self);
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

GTimeZone *_aether_store_get_time_zone (AetherStore *self);
GTimeZone *
_aether_store_get_time_zone (AetherStore *self)
{
  return self->tz;
}

GHashTable *_aether_store_get_series_cache (AetherStore *self);
GHashTable *
_aether_store_get_series_cache (AetherStore *self)
{
  return self->series_cache;
}

/* ---- Registry ---------------------------------------------------------- */

static char *
node_to_text (JsonNode *node)
{
  return node ? json_to_string (node, FALSE) : NULL;
}

static JsonNode *
text_to_node (const char *text)
{
  if (text == NULL)
    return NULL;
  return json_from_string (text, NULL);
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

static const char *
member_string (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
require_strings (JsonObject         *object,
                 const char         *what,
                 const char * const *members,
                 GError            **error)
{
  for (guint i = 0; members[i] != NULL; i++)
    {
      const char *value = member_string (object, members[i]);

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
  JsonObject *object;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  if (!require_object (device, "device", &object, error) ||
      !require_strings (object, "device", required, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (nested); i++)
    if (!check_member_type (object, "device", nested[i].member, nested[i].type, error))
      return FALSE;

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
    return _aether_sqlite_fail (self->db, rc, "Could not store the device", error);

  bind_text_or_null (stmt, 1, member_string (object, "device_id"));
  bind_text_or_null (stmt, 2, member_string (object, "name"));
  bind_text_or_null (stmt, 3, member_string (object, "type"));
  bind_text_or_null (stmt, 4, member_string (object, "manufacturer"));
  bind_text_or_null (stmt, 5, member_string (object, "model"));
  {
    static const char * const members[] = { "location", "capabilities", "configuration", "metadata", "status" };

    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      {
        g_autofree char *text = node_to_text (json_object_get_member (object, members[i]));

        bind_text_or_null (stmt, 6 + (int)i, text);
      }
  }

  return step_done (self->db, stmt, "Could not store the device", error);
}

static void
set_json_member (JsonObject *object,
                 const char *member,
                 const char *text)
{
  JsonNode *node = text_to_node (text);

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
  text = json_to_string (node, FALSE);

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

  preferences = node_to_text (json_object_get_member (object, "preferences"));
  tokens = node_to_text (json_object_get_member (object, "api_tokens"));

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO users (user_id, username, email, role, preferences, api_tokens)"
                           " VALUES (?1, ?2, ?3, ?4, COALESCE(?5, '{}'), COALESCE(?6, '[]'))"
                           " ON CONFLICT (user_id) DO UPDATE SET username = ?2, email = ?3, role = ?4,"
                           " preferences = COALESCE(?5, '{}'), api_tokens = COALESCE(?6, '[]'),"
                           " updated_at = CURRENT_TIMESTAMP", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (self->db, rc, "Could not store the user", error);

  bind_text_or_null (stmt, 1, member_string (object, "user_id"));
  bind_text_or_null (stmt, 2, member_string (object, "username"));
  bind_text_or_null (stmt, 3, member_string (object, "email"));
  bind_text_or_null (stmt, 4, member_string (object, "role"));
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
  g_autofree char *text = json_to_string (node, FALSE);
  g_autofree char *message = g_strdup_printf ("Could not store the %s", what);
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

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
      JsonNode *node = text_to_node ((const char *)sqlite3_column_text (stmt, 0));

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
                       "rate schedule", member_string (object, "rate_id"),
                       member_string (object, "effective_date"), member_string (object, "expiry_date"),
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

  return list_documents (self, "SELECT json FROM rate_schedules ORDER BY effective_date, rate_id", NULL, error);
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
      const char *s = member_string (period, "start");
      const char *e = member_string (period, "end");

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
                       "cost record", member_string (object, "calculation_id"),
                       member_string (object, "device_id"), NULL,
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
                           device_id, error);

  return list_documents (self, "SELECT json FROM cost_records ORDER BY period_start", NULL, error);
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
                       "alert", member_string (object, "alert_id"), enabled, NULL,
                       0, 0, FALSE, alert, error);
}

GPtrArray *
aether_store_list_alerts (AetherStore  *self,
                          GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  return list_documents (self, "SELECT json FROM alerts ORDER BY alert_id", NULL, error);
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
  bind_text_or_null (stmt, 4, detail);

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

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, when);
      json_builder_set_member_name (builder, "alert_id");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 1));
      json_builder_set_member_name (builder, "kind");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 2));
      json_builder_set_member_name (builder, "detail");
      json_builder_add_string_value (builder, (const char *)sqlite3_column_text (stmt, 3));
      json_builder_end_object (builder);
    }
  sqlite3_finalize (stmt);
  json_builder_end_array (builder);

  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (self->db, rc, "Could not read the alert history", error), NULL;

  return json_builder_get_root (builder);
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
