/* aether-store-rollup-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the maintenance files (aether-store-rollup*.c) share: the run's
 * statement cache and the multi-row bucket writer. */

#pragma once

#include "aether-store-private.h"

G_BEGIN_DECLS

#define CHUNK_S         3600
/* A transaction of the 1-minute step ends after this many samples, hour
 * chunks or microseconds, whichever comes first: few commits (each one
 * writes and may checkpoint the WAL) yet short locks. */
#define TX_SAMPLES      200000
#define TX_CHUNKS       168
#define TX_US           (100 * 1000)

/* Rows a bucket INSERT carries: one statement step per this many buckets
 * instead of one per bucket (9 parameters a row, well under SQLite's
 * 32,766). */
#define AETHER_ROLLUP_BATCH_ROWS 64

sqlite3_stmt *_aether_rollup_stmt       (const AetherMaintainCtx  *self,
                                         gconstpointer             key,
                                         const char               *sql,
                                         GError                  **error);

/* Buckets of one tier waiting to be written with INSERT OR REPLACE, in
 * the order they were added. */
typedef struct
{
  const AetherMaintainCtx *self;
  AetherTier               tier;
  GArray                  *rows;   /* AetherBatchRow */
  GByteArray              *blobs;  /* the rows' sketches, end to end */
} AetherAccBatch;

void          _aether_acc_batch_init    (AetherAccBatch           *batch,
                                         const AetherMaintainCtx  *self,
                                         AetherTier                tier);
void          _aether_acc_batch_clear   (AetherAccBatch           *batch);
gboolean      _aether_acc_batch_add     (AetherAccBatch           *batch,
                                         gint64                    series_id,
                                         const Acc                *acc,
                                         GError                  **error);
gboolean      _aether_acc_batch_flush   (AetherAccBatch           *batch,
                                         GError                  **error);

GHashTable   *_aether_rollup_load_series (sqlite3                  *db,
                                         GError                  **error);
gboolean      _aether_roll_raw_chunk    (const AetherMaintainCtx  *self,
                                         sqlite3                  *db,
                                         GHashTable               *series,
                                         gint64                    from_s,
                                         gint64                    to_s,
                                         gint64                    carry_from,
                                         gint64                    carry_until_ms,
                                         gint64                   *open_from,
                                         gint64                   *open_until,
                                         AetherMaintainStats      *stats,
                                         GError                  **error);

G_END_DECLS
