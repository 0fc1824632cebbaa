/* aether-store.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aether-clock.h"
#include "aether-pricer.h"
#include "aether-reading.h"
#include "model/aether-energy-meter.h"

G_BEGIN_DECLS

/**
 * AetherTier:
 *
 * The resolutions the store keeps. Each rolls up into the next.
 */
typedef enum
{
  AETHER_TIER_RAW,
  AETHER_TIER_1M,
  AETHER_TIER_5M,
  AETHER_TIER_1H,
  AETHER_TIER_1D,
  AETHER_N_TIERS,
} AetherTier;

const char *aether_tier_to_string   (AetherTier   tier);
gboolean    aether_tier_from_string (const char  *name,
                                     AetherTier  *tier);
gint64      aether_tier_get_width_s (AetherTier   tier);

/**
 * AetherRetention:
 * @samples_s: how long each tier of power (and other metric) samples is kept,
 *   in seconds, indexed by #AetherTier
 * @energy_s: how long per-device energy and cost is kept per tier
 * @cost_records_s: how long Cost Records are kept
 * @device_status_s: how long the raw device status log is kept
 * @alerts_s: how long alert history is kept
 *
 * The seed's retention table, in seconds. 0 keeps forever.
 */
typedef struct
{
  gint64 samples_s[AETHER_N_TIERS];
  gint64 energy_s[AETHER_N_TIERS];
  gint64 cost_records_s;
  gint64 device_status_s;
  gint64 alerts_s;
} AetherRetention;

void aether_retention_init_defaults (AetherRetention *retention);

/**
 * AetherBucket:
 * @start_us: the start of the bucket (or the sample's time for raw data)
 * @count: how many samples it summarises
 * @min: the smallest value
 * @max: the largest value
 * @avg: the mean
 * @first: the first value
 * @last: the last value
 * @p50: the median, within 1 %
 * @p95: the 95th percentile, within 1 %
 */
typedef struct
{
  gint64  start_us;
  guint64 count;
  double  min;
  double  max;
  double  avg;
  double  first;
  double  last;
  double  p50;
  double  p95;
} AetherBucket;

/**
 * AetherEnergyTotal:
 * @key: the device, room or type
 * @energy_wh: energy imported in the range
 * @cost: its cost, 0 until a tariff priced it: the import's cost less the
 *   export's credit at the sell rate
 * @co2_kg: its emissions
 * @exported_wh: energy exported in the range (negative power)
 */
typedef struct
{
  char   *key;
  double  energy_wh;
  double  cost;
  double  co2_kg;
  double  exported_wh;
} AetherEnergyTotal;

void aether_energy_total_free (AetherEnergyTotal *total);

/**
 * AetherMaintainStats:
 * @rolled: rows written per tier
 * @deleted: rows deleted by retention
 * @samples_rolled: raw samples summarised into 1-minute buckets
 * @rollup_us: time spent rolling up (all tiers, energy included)
 * @retention_us: time spent deleting what retention no longer keeps
 * @raw_slices: hour slices of raw samples rolled up (one transaction each)
 * @skipped_slices: runs of hours without a sample skipped in one step
 */
typedef struct
{
  guint64 rolled[AETHER_N_TIERS];
  guint64 deleted;
  guint64 samples_rolled;
  gint64  rollup_us;
  gint64  retention_us;
  guint64 raw_slices;
  guint64 skipped_slices;
} AetherMaintainStats;

/**
 * AetherIngestStats:
 * @stored: readings stored
 * @duplicates: rows skipped because they repeat a stored reading (the same
 *   device, metric and time, stored before or earlier in the same ingest)
 * @duplicate_lines: the lines of the first such rows (0 past @duplicates)
 */
#define AETHER_INGEST_N_LINES 5

typedef struct
{
  guint64 stored;
  guint64 duplicates;
  guint   duplicate_lines[AETHER_INGEST_N_LINES];
} AetherIngestStats;

typedef struct _AetherStoreIngest AetherStoreIngest;

#define AETHER_STORE_SCHEMA_VERSION 8

#define AETHER_TYPE_STORE (aether_store_get_type ())

G_DECLARE_FINAL_TYPE (AetherStore, aether_store, AETHER, STORE, GObject)

AetherStore *aether_store_open                 (const char           *path,
                                                AetherClock          *clock,
                                                GError              **error);
AetherStore *aether_store_open_at_version      (const char           *path,
                                                AetherClock          *clock,
                                                guint                 version,
                                                GError              **error);
AetherStore *aether_store_open_reader          (AetherStore          *self,
                                                GError              **error);
char        *aether_store_default_path         (void);
const char  *aether_store_get_path             (AetherStore          *self);
guint        aether_store_get_schema_version   (AetherStore          *self);
AetherClock *aether_store_get_clock            (AetherStore          *self);
void         aether_store_set_pricer           (AetherStore          *self,
                                                AetherPricer         *pricer);
void         aether_store_set_retention        (AetherStore          *self,
                                                const AetherRetention *retention);
void         aether_store_get_retention        (AetherStore          *self,
                                                AetherRetention      *retention);
void         aether_store_set_time_zone        (AetherStore          *self,
                                                GTimeZone            *tz);

/* Registry: the seed's JSON models */
gboolean     aether_store_put_device           (AetherStore          *self,
                                                JsonNode             *device,
                                                GError              **error);
JsonNode    *aether_store_get_device           (AetherStore          *self,
                                                const char           *device_id,
                                                GError              **error);
GPtrArray   *aether_store_list_devices         (AetherStore          *self,
                                                GError              **error);
gboolean     aether_store_remove_device        (AetherStore          *self,
                                                const char           *device_id,
                                                GError              **error);
gboolean     aether_store_delete_device_history (AetherStore         *self,
                                                const char           *device_id,
                                                GError              **error);
gboolean     aether_store_set_device_status    (AetherStore          *self,
                                                const char           *device_id,
                                                JsonObject           *status,
                                                GError              **error);
gboolean     aether_store_put_user             (AetherStore          *self,
                                                JsonNode             *user,
                                                GError              **error);
JsonNode    *aether_store_get_user             (AetherStore          *self,
                                                const char           *user_id,
                                                GError              **error);
gboolean     aether_store_put_rate_schedule    (AetherStore          *self,
                                                JsonNode             *schedule,
                                                GError              **error);
GPtrArray   *aether_store_list_rate_schedules  (AetherStore          *self,
                                                GError              **error);
gboolean     aether_store_remove_rate_schedule (AetherStore          *self,
                                                const char           *rate_id,
                                                GError              **error);
gboolean     aether_store_put_cost_record      (AetherStore          *self,
                                                JsonNode             *record,
                                                GError              **error);
GPtrArray   *aether_store_list_cost_records    (AetherStore          *self,
                                                const char           *device_id,
                                                GError              **error);
gboolean     aether_store_put_alert            (AetherStore          *self,
                                                JsonNode             *alert,
                                                GError              **error);
GPtrArray   *aether_store_list_alerts          (AetherStore          *self,
                                                GError              **error);
gboolean     aether_store_remove_alert         (AetherStore          *self,
                                                const char           *alert_id,
                                                GError              **error);
gboolean     aether_store_add_alert_history    (AetherStore          *self,
                                                gint64                time_us,
                                                const char           *alert_id,
                                                const char           *kind,
                                                const char           *detail,
                                                GError              **error);
JsonNode    *aether_store_list_alert_history   (AetherStore          *self,
                                                GError              **error);

/**
 * AetherArchiveStats:
 * @n_files: Parquet files written
 * @n_rows: rows in them
 * @n_bytes: their size on disk
 */
typedef struct
{
  guint   n_files;
  guint64 n_rows;
  guint64 n_bytes;
} AetherArchiveStats;

gboolean     aether_store_archive              (AetherStore          *self,
                                                gint64                before_us,
                                                const char           *dir,
                                                AetherArchiveStats   *stats,
                                                GError              **error);

/* Samples */
gboolean     aether_store_ingest               (AetherStore          *self,
                                                const AetherReading  *readings,
                                                guint                 n_readings,
                                                GError              **error);
AetherStoreIngest *aether_store_ingest_begin   (AetherStore          *self,
                                                GError              **error);
gboolean     aether_store_ingest_add           (AetherStoreIngest    *ingest,
                                                const AetherReading  *readings,
                                                guint                 n_readings,
                                                const guint          *lines,
                                                GError              **error);
gboolean     aether_store_ingest_commit        (AetherStoreIngest    *ingest,
                                                AetherIngestStats    *stats,
                                                GError              **error);
void         aether_store_ingest_abort         (AetherStoreIngest    *ingest);
gboolean     aether_store_maintain             (AetherStore          *self,
                                                gint64                now_us,
                                                AetherMaintainStats  *stats,
                                                GError              **error);
gboolean     aether_store_reprice              (AetherStore          *self,
                                                gint64                from_us,
                                                gint64                to_us,
                                                GError              **error);
gboolean     aether_store_add_reprice_job      (AetherStore          *self,
                                                gint64                from_us,
                                                gint64                to_us,
                                                GError              **error);
gboolean     aether_store_run_reprice_jobs     (AetherStore          *self,
                                                guint                 max_days,
                                                guint                *days_left,
                                                GError              **error);
guint        aether_store_get_n_reprice_jobs   (AetherStore          *self);

/**
 * AetherRepriceProgress:
 * @fraction: how much of the re-pricing is done, 0 to 1
 * @user_data: the data given with it
 */
typedef void (*AetherRepriceProgress) (double   fraction,
                                       gpointer user_data);

void         aether_store_reprice_jobs_async   (AetherStore          *self,
                                                AetherPricer         *pricer,
                                                AetherRepriceProgress progress,
                                                gpointer              progress_data,
                                                GDestroyNotify        progress_data_free,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean     aether_store_reprice_jobs_finish  (AetherStore          *self,
                                                GAsyncResult         *result,
                                                guint                *slices,
                                                GError              **error);

/**
 * AetherHourPricedFunc:
 * @device_id: the device
 * @start_s: the hour's start (a day's start for its export)
 * @energy_kwh: its energy; negative for export
 * @price: what it cost, and in which period
 * @user_data: the data given with it
 */
typedef void (*AetherHourPricedFunc) (const char        *device_id,
                                      gint64             start_s,
                                      double             energy_kwh,
                                      const AetherPrice *price,
                                      gpointer           user_data);

gboolean     aether_store_price_hour_profiles  (AetherStore          *self,
                                                AetherPricer         *pricer,
                                                GPtrArray            *device_ids,
                                                gint64                from_s,
                                                gint64                to_s,
                                                AetherHourPricedFunc  each,
                                                gpointer              each_data,
                                                GError              **error);

/* Queries */
GArray      *aether_store_query                (AetherStore          *self,
                                                const char           *device_id,
                                                const char           *metric_type,
                                                gint64                from_us,
                                                gint64                to_us,
                                                guint                 points,
                                                int                   tier,
                                                AetherTier           *tier_used,
                                                GError              **error);
GArray      *aether_store_query_group          (AetherStore          *self,
                                                const char           *group_by,
                                                const char           *key,
                                                const char           *metric_type,
                                                gint64                from_us,
                                                gint64                to_us,
                                                guint                 points,
                                                AetherTier           *tier_used,
                                                GError              **error);
GArray      *aether_store_query_devices        (AetherStore          *self,
                                                const char * const   *device_ids,
                                                const char           *metric_type,
                                                gint64                from_us,
                                                gint64                to_us,
                                                guint                 points,
                                                AetherTier           *tier_used,
                                                GError              **error);
gboolean     aether_store_get_energy_resume    (AetherStore          *self,
                                                const char           *device_id,
                                                AetherEnergyMeterState *state,
                                                GError              **error);
GPtrArray   *aether_store_energy_totals        (AetherStore          *self,
                                                gint64                from_us,
                                                gint64                to_us,
                                                const char           *group_by,
                                                GError              **error);
GPtrArray   *aether_store_energy_totals_for_devices (AetherStore        *self,
                                                     const char * const *device_ids,
                                                     gint64              from_us,
                                                     gint64              to_us,
                                                     GError            **error);
JsonNode    *aether_store_stats                (AetherStore          *self,
                                                GError              **error);
gboolean     aether_store_check                (AetherStore          *self,
                                                GError              **error);
char        *aether_store_backup               (AetherStore          *self,
                                                const char           *directory,
                                                guint                 keep,
                                                GError              **error);
gboolean     aether_store_restore              (AetherStore          *self,
                                                const char           *backup_path,
                                                GError              **error);

G_END_DECLS
