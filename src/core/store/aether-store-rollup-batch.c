/* aether-store-rollup-batch.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writing rollup buckets: a run's statements prepared once, and buckets
 * inserted AETHER_ROLLUP_BATCH_ROWS to a statement (multi-row VALUES), so
 * a bucket costs a B-tree insert rather than a statement execution. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <string.h>

#include "aether-sketch.h"
#include "aether-store-rollup-private.h"

/* Flushed when this many rows wait: bounded memory in a long scan. */
#define BATCH_FLUSH_ROWS (AETHER_ROLLUP_BATCH_ROWS * 16)

typedef struct
{
  gint64 series_id;
  gint64 start;
  gint64 count;
  double sum, min, max, first, last;
  guint  blob_offset;
  guint  blob_length;
  gboolean has_sketch;
} AetherBatchRow;

/* One address per tier and statement shape: the cache keys. */
static const char many_keys[AETHER_N_TIERS];
static const char one_keys[AETHER_N_TIERS];

/* Statements a maintenance run uses again and again (every chunk, every
 * series), prepared once per run and keyed by @key's address. Reset before
 * it is handed out. */
sqlite3_stmt *
_aether_rollup_stmt (const AetherMaintainCtx  *self,
                     gconstpointer             key,
                     const char               *sql,
                     GError                  **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, key);
  int rc;

  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (self->db, rc, "Could not roll up", error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, (gpointer)key, stmt);
  return stmt;
}

static sqlite3_stmt *
insert_stmt (const AetherMaintainCtx  *self,
             AetherTier                tier,
             gboolean                  many,
             GError                  **error)
{
  gconstpointer key = many ? &many_keys[tier] : &one_keys[tier];
  sqlite3_stmt *stmt = g_hash_table_lookup (self->stmts, key);
  g_autoptr(GString) sql = NULL;

  if (stmt != NULL)
    return _aether_rollup_stmt (self, key, NULL, error);

  sql = g_string_new (NULL);
  g_string_printf (sql, "INSERT OR REPLACE INTO %s (series_id, bucket, count, sum, min, max, first, last, sketch)"
                   " VALUES ", _aether_rollup_tables[tier]);
  for (guint i = 0; i < (many ? AETHER_ROLLUP_BATCH_ROWS : 1); i++)
    g_string_append (sql, i == 0 ? "(?,?,?,?,?,?,?,?,?)" : ",(?,?,?,?,?,?,?,?,?)");
  return _aether_rollup_stmt (self, key, sql->str, error);
}

void
_aether_acc_batch_init (AetherAccBatch           *batch,
                        const AetherMaintainCtx  *self,
                        AetherTier                tier)
{
  batch->self = self;
  batch->tier = tier;
  batch->rows = g_array_sized_new (FALSE, FALSE, sizeof (AetherBatchRow), BATCH_FLUSH_ROWS);
  batch->blobs = g_byte_array_sized_new (BATCH_FLUSH_ROWS * 32);
}

void
_aether_acc_batch_clear (AetherAccBatch *batch)
{
  g_clear_pointer (&batch->rows, g_array_unref);
  g_clear_pointer (&batch->blobs, g_byte_array_unref);
}

/* Copies @acc (its sketch serialized): the caller may clear it at once. */
gboolean
_aether_acc_batch_add (AetherAccBatch  *batch,
                       gint64           series_id,
                       const Acc       *acc,
                       GError         **error)
{
  AetherBatchRow row = {
    series_id, acc->start, (gint64)acc->count, acc->sum, acc->min, acc->max, acc->first, acc->last,
    batch->blobs->len, 0, acc->sketch != NULL,
  };

  if (acc->sketch != NULL)
    {
      aether_sketch_serialize_into (acc->sketch, batch->blobs);
      row.blob_length = batch->blobs->len - row.blob_offset;
    }
  g_array_append_val (batch->rows, row);

  if (batch->rows->len >= BATCH_FLUSH_ROWS)
    return _aether_acc_batch_flush (batch, error);
  return TRUE;
}

static void
bind_row (sqlite3_stmt         *stmt,
          int                   base,
          const AetherBatchRow *row,
          const guint8         *blobs)
{
  sqlite3_bind_int64 (stmt, base + 1, row->series_id);
  sqlite3_bind_int64 (stmt, base + 2, row->start);
  sqlite3_bind_int64 (stmt, base + 3, row->count);
  sqlite3_bind_double (stmt, base + 4, row->sum);
  sqlite3_bind_double (stmt, base + 5, row->min);
  sqlite3_bind_double (stmt, base + 6, row->max);
  sqlite3_bind_double (stmt, base + 7, row->first);
  sqlite3_bind_double (stmt, base + 8, row->last);
  if (row->has_sketch)
    sqlite3_bind_blob (stmt, base + 9, blobs + row->blob_offset, (int)row->blob_length, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, base + 9);
}

/* Writes every waiting row, in the order they were added. */
gboolean
_aether_acc_batch_flush (AetherAccBatch  *batch,
                         GError         **error)
{
  const AetherBatchRow *rows = (const AetherBatchRow *)(gpointer)batch->rows->data;
  guint n = batch->rows->len;
  guint i = 0;

  while (i < n)
    {
      gboolean many = n - i >= AETHER_ROLLUP_BATCH_ROWS;
      guint take = many ? AETHER_ROLLUP_BATCH_ROWS : 1;
      sqlite3_stmt *stmt = insert_stmt (batch->self, batch->tier, many, error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      for (guint r = 0; r < take; r++)
        bind_row (stmt, (int)r * 9, &rows[i + r], batch->blobs->data);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        return _aether_sqlite_fail (batch->self->db, rc, "Could not store rollups", error);
      i += take;
    }

  g_array_set_size (batch->rows, 0);
  g_byte_array_set_size (batch->blobs, 0);
  return TRUE;
}
