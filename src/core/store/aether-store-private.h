/* aether-store-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "aether-hot-tier.h"
#include "aether-store.h"
#include "model/aether-units.h"

G_BEGIN_DECLS

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

G_END_DECLS
