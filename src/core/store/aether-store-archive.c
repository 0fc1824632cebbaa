/* aether-store-archive.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seed's cold archive: the hourly and daily tiers, a month a file, as
 * Parquet that DuckDB, pandas, Spark or hyparquet read. One row per bucket,
 * device and metric with the bucket's count, sum, min, max, first, last
 * and its p50 and p95 (from the sketch); the device's energy, export, cost
 * and CO₂ of the bucket sit on its `energy` row (a device without an
 * energy series gets one with only those), so summing `energy_wh` over a
 * file gives the stored energy, never a multiple of it. Archiving copies:
 * nothing is removed from the database. A month is archived once it has
 * ended before the date given; running it again rewrites the same files. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <math.h>

#include "aether-error.h"
#include "aether-parquet.h"
#include "aether-sketch.h"
#include "aether-store.h"
#include "aether-store-private.h"

enum {
  COL_BUCKET, COL_DEVICE, COL_METRIC, COL_COUNT, COL_SUM, COL_MIN, COL_MAX, COL_FIRST, COL_LAST, COL_P50, COL_P95,
  COL_ENERGY, COL_EXPORTED, COL_COST, COL_CO2, N_COLS
};

static const AetherParquetColumn columns[N_COLS] = {
  { "bucket_start", AETHER_PARQUET_TIMESTAMP_MS, FALSE },
  { "device_id", AETHER_PARQUET_STRING, FALSE },
  { "metric_type", AETHER_PARQUET_STRING, FALSE },
  { "count", AETHER_PARQUET_INT64, TRUE },
  { "sum", AETHER_PARQUET_DOUBLE, TRUE },
  { "min", AETHER_PARQUET_DOUBLE, TRUE },
  { "max", AETHER_PARQUET_DOUBLE, TRUE },
  { "first", AETHER_PARQUET_DOUBLE, TRUE },
  { "last", AETHER_PARQUET_DOUBLE, TRUE },
  { "p50", AETHER_PARQUET_DOUBLE, TRUE },
  { "p95", AETHER_PARQUET_DOUBLE, TRUE },
  { "energy_wh", AETHER_PARQUET_DOUBLE, TRUE },
  { "exported_wh", AETHER_PARQUET_DOUBLE, TRUE },
  { "cost", AETHER_PARQUET_DOUBLE, TRUE },
  { "co2_g", AETHER_PARQUET_DOUBLE, TRUE },
};

/* Series rows (with the device's energy on its energy series), then the
 * energy of devices that have no energy series in that bucket. */
#define ROWS_SQL \
  "SELECT r.bucket, s.device_id, s.metric_type, r.count, r.sum, r.min, r.max, r.first, r.last, r.sketch," \
  "       e.energy_wh, e.exported_wh, e.cost, e.co2_kg" \
  "  FROM rollup_%1$s r JOIN series s USING (series_id)" \
  "  LEFT JOIN energy_%1$s e ON s.metric_type = 'energy' AND e.device_id = s.device_id AND e.bucket = r.bucket" \
  " WHERE r.bucket >= ?1 AND r.bucket < ?2" \
  " UNION ALL " \
  "SELECT e.bucket, e.device_id, 'energy', NULL, NULL, NULL, NULL, NULL, NULL, NULL," \
  "       e.energy_wh, e.exported_wh, e.cost, e.co2_kg" \
  "  FROM energy_%1$s e" \
  " WHERE e.bucket >= ?1 AND e.bucket < ?2 AND NOT EXISTS (" \
  "   SELECT 1 FROM series s JOIN rollup_%1$s r USING (series_id)" \
  "    WHERE s.device_id = e.device_id AND s.metric_type = 'energy' AND r.bucket = e.bucket)" \
  " ORDER BY 1, 2, 3"

static void
add_optional_double (AetherParquetWriter *w,
                     guint                column,
                     sqlite3_stmt        *stmt,
                     int                  index,
                     double               scale)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL || !isfinite (sqlite3_column_double (stmt, index)))
    aether_parquet_writer_add_null (w, column);
  else
    aether_parquet_writer_add_double (w, column, sqlite3_column_double (stmt, index) * scale);
}

static gboolean
archive_month (AetherStore          *self,
               const char           *tier,
               const char           *folder,
               GDateTime            *month,
               AetherArchiveStats   *stats,
               GError              **error)
{
  sqlite3 *db = _aether_store_get_db (self);
  g_autoptr(GDateTime) next = g_date_time_add_months (month, 1);
  g_autofree char *sql = g_strdup_printf (ROWS_SQL, tier);
  g_autofree char *name = g_date_time_format (month, "%Y-%m.parquet");
  g_autofree char *path = g_build_filename (folder, name, NULL);
  g_autoptr(AetherParquetWriter) w = aether_parquet_writer_new (columns, N_COLS);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL)) != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the tier to archive", error);
  sqlite3_bind_int64 (stmt, 1, g_date_time_to_unix (month));
  sqlite3_bind_int64 (stmt, 2, g_date_time_to_unix (next));

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      aether_parquet_writer_add_int64 (w, COL_BUCKET, sqlite3_column_int64 (stmt, 0) * 1000);
      aether_parquet_writer_add_string (w, COL_DEVICE, (const char *)sqlite3_column_text (stmt, 1));
      aether_parquet_writer_add_string (w, COL_METRIC, (const char *)sqlite3_column_text (stmt, 2));
      if (sqlite3_column_type (stmt, 3) == SQLITE_NULL)
        aether_parquet_writer_add_null (w, COL_COUNT);
      else
        aether_parquet_writer_add_int64 (w, COL_COUNT, sqlite3_column_int64 (stmt, 3));
      for (guint c = COL_SUM; c <= COL_LAST; c++)
        add_optional_double (w, c, stmt, 4 + (int)(c - COL_SUM), 1);
      {
        g_autoptr(AetherSketch) sketch = NULL;

        if (sqlite3_column_type (stmt, 9) == SQLITE_BLOB)
          sketch = aether_sketch_deserialize (sqlite3_column_blob (stmt, 9), sqlite3_column_bytes (stmt, 9));
        if (sketch != NULL && aether_sketch_get_count (sketch) > 0)
          {
            aether_parquet_writer_add_double (w, COL_P50, aether_sketch_quantile (sketch, 0.5));
            aether_parquet_writer_add_double (w, COL_P95, aether_sketch_quantile (sketch, 0.95));
          }
        else
          {
            aether_parquet_writer_add_null (w, COL_P50);
            aether_parquet_writer_add_null (w, COL_P95);
          }
      }
      add_optional_double (w, COL_ENERGY, stmt, 10, 1);
      add_optional_double (w, COL_EXPORTED, stmt, 11, 1);
      add_optional_double (w, COL_COST, stmt, 12, 1);
      add_optional_double (w, COL_CO2, stmt, 13, 1000);   /* kg to g */
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read the tier to archive", error);

  if (aether_parquet_writer_get_n_rows (w) == 0)
    return TRUE;
  if (!aether_parquet_writer_write (w, path, error))
    return FALSE;
  stats->n_files++;
  stats->n_rows += aether_parquet_writer_get_n_rows (w);
  {
    GStatBuf st;

    if (g_stat (path, &st) == 0)
      stats->n_bytes += (guint64)st.st_size;
  }
  return TRUE;
}

/**
 * aether_store_archive:
 * @self: a store
 * @before_us: archive the months that ended before this
 * @dir: the folder; `hourly/` and `daily/` are made in it
 * @stats: (out caller-allocates) (optional): what was written
 * @error: a location for a #GError
 *
 * Writes the hourly and daily tiers as Parquet, a file per month
 * (`hourly/2026-01.parquet`), in the store's time zone. The database is
 * only read.
 *
 * Returns: %TRUE if every file was written
 */
gboolean
aether_store_archive (AetherStore         *self,
                      gint64               before_us,
                      const char          *dir,
                      AetherArchiveStats  *stats,
                      GError             **error)
{
  static const struct { const char *tier; const char *folder; } tiers[] = {
    { "1h", "hourly" }, { "1d", "daily" },
  };
  AetherArchiveStats local = { 0 };
  GTimeZone *tz = _aether_store_get_time_zone (self);
  sqlite3 *db = _aether_store_get_db (self);

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (dir != NULL, FALSE);

  for (guint t = 0; t < G_N_ELEMENTS (tiers); t++)
    {
      g_autofree char *folder = g_build_filename (dir, tiers[t].folder, NULL);
      g_autofree char *sql = g_strdup_printf ("SELECT MIN(bucket) FROM (SELECT MIN(bucket) AS bucket FROM rollup_%s"
                                              " UNION ALL SELECT MIN(bucket) FROM energy_%s)",
                                              tiers[t].tier, tiers[t].tier);
      sqlite3_stmt *stmt = NULL;
      gint64 first = G_MAXINT64;
      int rc;

      if ((rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL)) != SQLITE_OK)
        return _aether_sqlite_fail (db, rc, "Could not read the tier to archive", error);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        first = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      if (first == G_MAXINT64)
        continue;

      if (g_mkdir_with_parents (folder, 0700) != 0)
        {
          int saved = errno;

          g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, _("Could not make the folder %s: %s"), folder,
                       g_strerror (saved));
          return FALSE;
        }

      {
        g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (first);
        g_autoptr(GDateTime) local_start = g_date_time_to_timezone (start, tz);
        g_autoptr(GDateTime) month = g_date_time_new (tz, g_date_time_get_year (local_start),
                                                      g_date_time_get_month (local_start), 1, 0, 0, 0);

        while (TRUE)
          {
            g_autoptr(GDateTime) next = g_date_time_add_months (month, 1);

            if (g_date_time_to_unix (next) * G_USEC_PER_SEC > before_us)
              break;
            if (!archive_month (self, tiers[t].tier, folder, month, &local, error))
              return FALSE;
            g_date_time_unref (month);
            month = g_steal_pointer (&next);
          }
      }
    }

  if (stats != NULL)
    *stats = local;
  return TRUE;
}
