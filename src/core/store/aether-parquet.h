/* aether-parquet.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  AETHER_PARQUET_INT64,
  AETHER_PARQUET_DOUBLE,
  AETHER_PARQUET_STRING,
  AETHER_PARQUET_TIMESTAMP_MS,
} AetherParquetType;

/**
 * AetherParquetColumn:
 * @name: the column's name
 * @type: what it holds
 * @optional: whether a row may have no value
 */
typedef struct
{
  const char        *name;
  AetherParquetType  type;
  gboolean           optional;
} AetherParquetColumn;

typedef struct _AetherParquetWriter AetherParquetWriter;

AetherParquetWriter *aether_parquet_writer_new        (const AetherParquetColumn *columns,
                                                       guint                      n_columns);
void                 aether_parquet_writer_free       (AetherParquetWriter       *self);
void                 aether_parquet_writer_add_int64  (AetherParquetWriter       *self,
                                                       guint                      column,
                                                       gint64                     value);
void                 aether_parquet_writer_add_double (AetherParquetWriter       *self,
                                                       guint                      column,
                                                       double                     value);
void                 aether_parquet_writer_add_string (AetherParquetWriter       *self,
                                                       guint                      column,
                                                       const char                *value);
void                 aether_parquet_writer_add_null   (AetherParquetWriter       *self,
                                                       guint                      column);
guint64              aether_parquet_writer_get_n_rows (AetherParquetWriter       *self);
gboolean             aether_parquet_writer_write      (AetherParquetWriter       *self,
                                                       const char                *path,
                                                       GError                   **error);

/**
 * AetherParquetSummary:
 * @n_rows: rows in the file
 * @n_columns: its columns
 * @sums: (array length=n_columns): for each DOUBLE or INT64 column, the sum
 *   of its values (0 for strings)
 */
typedef struct
{
  guint64  n_rows;
  guint    n_columns;
  char   **names;
  double  *sums;
} AetherParquetSummary;

AetherParquetSummary *aether_parquet_read_summary (const char            *path,
                                                  GError               **error);
void                  aether_parquet_summary_free (AetherParquetSummary  *summary);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherParquetWriter, aether_parquet_writer_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherParquetSummary, aether_parquet_summary_free)

G_END_DECLS
