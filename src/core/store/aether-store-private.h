/* aether-store-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "aether-hot-tier.h"
#include "aether-sketch.h"
#include "aether-store.h"
#include "aether-store-writer.h"
#include "model/aether-units.h"

G_BEGIN_DECLS

/* The fields are aether-store.c's (opening, migrations) and
 * aether-store-registry.c's; the other files use the accessors below. */
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

  /* Opening safely (aether-store.c, aether-store-lock.c) */
  int              presence_fd;    /* DB.lock, byte 1 held shared; -1 */
  gboolean         wal_known;      /* the write-ahead log this store writes */
  guint64          wal_dev;
  guint64          wal_ino;
};


sqlite3  *_aether_store_get_db         (AetherStore   *self);
gboolean  _aether_sqlite_exec          (sqlite3       *db,
                                        const char    *sql,
                                        GError       **error);
gboolean  _aether_sqlite_fail          (sqlite3       *db,
                                        int            rc,
                                        const char    *what,
                                        GError       **error);
gboolean  _aether_store_configure_connection (sqlite3  *db,
                                              GError  **error);
gint64    _aether_store_ensure_series  (sqlite3       *db,
                                        GHashTable    *cache,
                                        const char    *device_id,
                                        const char    *metric_type,
                                        const char    *unit,
                                        GError       **error);
/* The unit table lives in the model (model/aether-units.c). */
#define _aether_normalize_unit aether_normalize_unit

AetherStore *_aether_store_open_reader (const char   *path,
                                        AetherClock  *clock,
                                        GError      **error);

/* What the hot tier is rebuilt from at start (aether-store-hot.c). Today's
 * energy is kept per quarter hour there (zone offsets and rate periods
 * change on quarter hours), so a tariff edit re-prices all of today. */
#define AETHER_HOT_SLOT_S  900
#define AETHER_HOT_N_SLOTS 100   /* a 25-hour day at the end of summer time */

typedef struct
{
  char    *device_id;
  double   rolled_wh;     /* the energy tiers, from midnight to the watermark */
  double   rolled_cost;
  double   rolled_slot_wh[AETHER_HOT_N_SLOTS];
  GArray  *counter;       /* AetherHotPoint: the `energy` readings after the
                           * watermark, the one before it first if it is
                           * within the hour the rollup looks back */
  gboolean have_last;     /* the last `energy` reading before the cut */
  gint64   last_us;
  double   last_value;
} AetherHotDeviceSeed;

typedef struct
{
  char   *device_id;
  char   *metric_type;
  GArray *points;         /* AetherHotPoint, oldest first */
} AetherHotSeriesSeed;

typedef struct
{
  gint64     day_start_us;
  gint64     until_us;
  GPtrArray *devices;     /* AetherHotDeviceSeed */
  GPtrArray *series;      /* AetherHotSeriesSeed */
} AetherHotSeed;

AetherHotSeed *_aether_store_read_hot_seed (AetherStore    *self,
                                            gint64          day_start_us,
                                            gint64          until_us,
                                            GError        **error);
void           _aether_hot_seed_free       (AetherHotSeed  *seed);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherHotSeed, _aether_hot_seed_free)
gboolean  _aether_store_insert_readings (sqlite3              *db,
                                         GHashTable           *series_cache,
                                         GTimeZone            *tz,
                                         const AetherReading **readings,
                                         guint                 n_readings,
                                         gboolean              skip_unknown_units,
                                         GError              **error);

/* Sinks' outboxes (aether-store-sinks.c). */
typedef struct _AetherOutbox AetherOutbox;

AetherOutbox *_aether_outbox_begin   (sqlite3       *db,
                                      GError       **error);
gboolean      _aether_outbox_add     (AetherOutbox  *outbox,
                                      gint64         ts_ms,
                                      gint64         series_id,
                                      double         value,
                                      GError       **error);
gboolean      _aether_outbox_finish  (AetherOutbox  *outbox,
                                      GError       **error);
void          _aether_outbox_free    (AetherOutbox  *outbox);

typedef struct
{
  gint64  seq;
  gint64  ts_ms;
  double  value;
  char   *device_id;     /* NULL: its series is gone */
  char   *metric_type;
  char   *unit;
  char   *device_type;   /* nullable */
  char   *room;          /* nullable */
} AetherOutboxRow;

void          _aether_outbox_row_free  (AetherOutboxRow *row);
GPtrArray    *_aether_outbox_read      (sqlite3       *db,
                                        gint64         sink_id,
                                        guint          max,
                                        GError       **error);
gboolean      _aether_outbox_ack       (sqlite3       *db,
                                        gint64         sink_id,
                                        gint64         through_seq,
                                        gint64         delivered,
                                        gint64         now_ms,
                                        GError       **error);
gboolean      _aether_sink_set_failing (sqlite3       *db,
                                        gint64         sink_id,
                                        const char    *message,
                                        gint64         now_ms,
                                        GError       **error);
GPtrArray    *_aether_sinks_read       (sqlite3       *db,
                                        const char    *name,
                                        GError       **error);

/* Accessors for the fields aether-store.c owns. */
AetherPricer          *_aether_store_get_pricer       (AetherStore *self);
const AetherRetention *_aether_store_get_retention    (AetherStore *self);
GTimeZone             *_aether_store_get_time_zone    (AetherStore *self);
GHashTable            *_aether_store_get_series_cache (AetherStore *self);
gboolean               _aether_store_upgrade          (AetherStore *self,
                                                       GError     **error);

/* `PRAGMA quick_check` passes: the one check run when the store opens, on
 * a backup before it is restored and on a backup just written. */
gboolean  _aether_store_quick_check    (sqlite3       *db);

/* Who has the database open (aether-store-lock.c). */
int       _aether_store_presence_acquire (const char  *db_path,
                                          gboolean    *alone,
                                          GError     **error);
void      _aether_store_presence_share   (int          fd);

/* Creates @path with mode 0600 when it is missing and takes group and
 * other access away from it and its -wal and -shm when it exists. */
void      _aether_store_restrict_mode    (const char  *path);

/* The file shrinks after retention: at most @max_pages free pages are
 * given back, in short steps (aether-store.c). Maintenance gives back up to
 * 256 MiB a run, so a run on the main loop stays short. */
#define AETHER_VACUUM_PAGES_PER_MAINTAIN (256 * 1024)
gboolean  _aether_store_incremental_vacuum (sqlite3      *db,
                                            gint64        max_pages,
                                            GError      **error);

/* ---- Tiers (aether-store-tiers.c) ---------------------------------------- */

/* rollup_state key: set when the 1-minute watermark was moved back, which
 * means the minute before it already holds the energy of the segment that
 * straddles the watermark; the re-roll must not add it a second time. */
#define CARRY_COUNTED_KEY "1m-carry-counted"
/* rollup_state keys, in its place: the 1-minute watermark was moved back
 * to CARRY_FROM_KEY (s) from CARRY_UNTIL_KEY (ms, the furthest it had
 * been): a segment across the first that ended before the second was
 * rolled already, and the minutes before the first hold its part. */
#define CARRY_FROM_KEY "1m-carry-from"
#define CARRY_UNTIL_KEY "1m-carry-until"
/* rollup_state key: the first minute before the 1-minute watermark that a
 * segment still open at it will add energy to; the coarser tiers roll only
 * the minutes before it. */
#define ENERGY_OPEN_KEY "1m-energy-open"
/* … and until when (ms) a reading could still add to it. */
#define ENERGY_OPEN_UNTIL_KEY "1m-energy-open-until"
/* rollup_state key: the latest time (s) before which retention deleted
 * raw samples: minutes before it cannot all be rolled again. */
#define RAW_CUT_KEY "raw-cut"

extern const char * const _aether_rollup_tables[AETHER_N_TIERS];
extern const char * const _aether_energy_tables[AETHER_N_TIERS];

gboolean  _aether_get_state            (sqlite3       *db,
                                        const char    *key,
                                        gint64        *value);
gboolean  _aether_set_state            (sqlite3       *db,
                                        const char    *key,
                                        gint64         value,
                                        GError       **error);
gboolean  _aether_get_watermark        (sqlite3       *db,
                                        AetherTier     tier,
                                        gint64        *value);
gboolean  _aether_set_watermark        (sqlite3       *db,
                                        AetherTier     tier,
                                        gint64         value,
                                        GError       **error);

gint64    _aether_day_start            (GTimeZone     *tz,
                                        gint64         unix_s);
gint64    _aether_bucket_in            (GTimeZone     *tz,
                                        AetherTier     tier,
                                        gint64         unix_s);
gint64    _aether_bucket_of            (AetherStore   *self,
                                        AetherTier     tier,
                                        gint64         unix_s);

/* A bucket in memory. */
typedef struct
{
  gint64        start;     /* seconds */
  guint64       count;
  double        sum;
  double        min;
  double        max;
  double        first;
  double        last;
  AetherSketch *sketch;
} Acc;

void      _aether_acc_clear            (Acc           *acc);
void      _aether_acc_add_value        (Acc           *acc,
                                        double         v);
void      _aether_acc_merge            (Acc           *acc,
                                        const Acc     *other);
void      _aether_acc_merge_row        (Acc           *acc,
                                        sqlite3_stmt  *stmt,
                                        int            first_col);
void      _aether_acc_from_row         (Acc           *acc,
                                        sqlite3_stmt  *stmt,
                                        int            first_col);

/* ---- Maintenance (aether-store-rollup.c) ---------------------------------- */

/* What maintenance runs on: the store's connection (aether_store_maintain())
 * or the writer thread's (the service's, in slices). */
typedef struct
{
  sqlite3               *db;
  GTimeZone             *tz;
  const AetherRetention *retention;
  AetherPricer          *pricer;      /* nullable; used on this thread only */
  const gint            *stop;        /* nullable: stop between transactions when set */
  gint64                 deadline_us; /* 0, or stop between transactions after this monotonic time */
  GHashTable            *stmts;       /* the run's statements (set by _aether_maintain()) */
} AetherMaintainCtx;

gboolean  _aether_maintain             (const AetherMaintainCtx *self,
                                        gint64                   now_us,
                                        AetherMaintainStats     *stats,
                                        gboolean                *finished,
                                        GError                 **error);

/* One write of the registry: BEGIN IMMEDIATE, then COMMIT, or ROLLBACK
 * when @ok is FALSE or the commit fails (aether-store.c). */
gboolean     _aether_store_begin_write (AetherStore  *self,
                                        GError      **error);
gboolean     _aether_store_end_write   (AetherStore  *self,
                                        gboolean      ok,
                                        GError      **error);

/* A job run on the writer thread's connection, after the readings pushed
 * before it are committed (aether-store-writer.c). @db is NULL when the
 * writer was closed first; @stopping is set when close() was called. */
typedef void (*AetherWriterJob) (sqlite3      *db,
                                 GTimeZone    *tz,
                                 const gint   *stopping,
                                 gpointer      data);

void         _aether_store_writer_run_job (AetherStoreWriter *self,
                                           AetherWriterJob    job,
                                           gpointer           data);

/* aether-store-progress.c: a worker's progress on the caller's context */
typedef void (*AetherStoreProgressFunc) (double   fraction,
                                         gpointer user_data);

void _aether_store_report_progress (GTask                   *task,
                                    GMainContext            *context,
                                    AetherStoreProgressFunc  progress,
                                    gpointer                 progress_data,
                                    double                   fraction);

/* aether-store-query.c: energy totals of one device list over many ranges */
typedef struct _AetherEnergyCache AetherEnergyCache;
AetherEnergyCache *_aether_energy_cache_new           (void);
void               _aether_energy_cache_free          (AetherEnergyCache  *cache);
GPtrArray         *_aether_store_energy_totals_cached (AetherStore        *self,
                                                       const char * const *device_ids,
                                                       gint64              from_us,
                                                       gint64              to_us,
                                                       AetherEnergyCache  *cache,
                                                       GError            **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherEnergyCache, _aether_energy_cache_free)

G_END_DECLS
