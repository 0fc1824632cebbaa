/* aether-store-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <sqlite3.h>

#include "aether-store.h"

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
gboolean  _aether_normalize_unit       (const char    *metric_type,
                                        const char    *unit,
                                        double        *factor,
                                        const char   **canonical);

gboolean  _aether_store_insert_readings (sqlite3              *db,
                                         GHashTable           *series_cache,
                                         GTimeZone            *tz,
                                         const AetherReading **readings,
                                         guint                 n_readings,
                                         gboolean              skip_unknown_units,
                                         GError              **error);

G_END_DECLS
