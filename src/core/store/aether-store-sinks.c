/* aether-store-sinks.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Sinks (an InfluxDB, a PostgreSQL) and their durable outbox. The writer
 * thread queues every reading it stores for each enabled sink in the same
 * transaction as the sample, so a reading is in the database and queued,
 * or neither. The deliverer (sinks/aether-sink-deliverer.c) reads a sink's
 * outbox oldest first in bounded batches and deletes what the sink
 * acknowledged. An outbox holds at most `max_queued` rows: past that a
 * reading is stored but not queued, counted, warned about once and shown
 * in the sink's status with the time from which `sinks backfill` sends the
 * gap again; nothing already queued is ever dropped. */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-error.h"
#include "model/aether-json.h"
#include "aether-store-private.h"
#include "aether-store-sinks.h"

void
aether_sink_record_free (AetherSinkRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->kind);
  g_free (record->name);
  g_clear_pointer (&record->config, json_object_unref);
  g_free (record->state);
  g_free (record->last_error);
  g_free (record);
}

static const char *sink_columns =
  "sink_id, kind, name, config, enabled, created, max_queued, queued, delivered, dropped,"
  " dropped_since, state, last_error, last_attempt, last_delivered";

static AetherSinkRecord *
record_from_row (sqlite3_stmt *stmt)
{
  AetherSinkRecord *record = g_new0 (AetherSinkRecord, 1);
  g_autoptr(JsonNode) config = NULL;

  record->id = sqlite3_column_int64 (stmt, 0);
  record->kind = g_strdup ((const char *)sqlite3_column_text (stmt, 1));
  record->name = g_strdup ((const char *)sqlite3_column_text (stmt, 2));
  config = json_from_string ((const char *)sqlite3_column_text (stmt, 3), NULL);
  record->config = config && JSON_NODE_HOLDS_OBJECT (config)
                   ? json_object_ref (json_node_get_object (config)) : json_object_new ();
  record->enabled = sqlite3_column_int (stmt, 4) != 0;
  record->created_ms = sqlite3_column_int64 (stmt, 5);
  record->max_queued = sqlite3_column_int64 (stmt, 6);
  record->queued = sqlite3_column_int64 (stmt, 7);
  record->delivered = sqlite3_column_int64 (stmt, 8);
  record->dropped = sqlite3_column_int64 (stmt, 9);
  record->dropped_since_ms = sqlite3_column_int64 (stmt, 10);
  record->state = g_strdup ((const char *)sqlite3_column_text (stmt, 11));
  record->last_error = g_strdup ((const char *)sqlite3_column_text (stmt, 12));
  record->last_attempt_ms = sqlite3_column_int64 (stmt, 13);
  record->last_delivered_ms = sqlite3_column_int64 (stmt, 14);
  return record;
}

/**
 * _aether_sinks_read:
 * @db: a connection
 * @name: (nullable): one sink, or all of them
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherSinkRecord): the sinks, by name
 */
GPtrArray *
_aether_sinks_read (sqlite3     *db,
                    const char  *name,
                    GError     **error)
{
  g_autoptr(GPtrArray) sinks = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_sink_record_free);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM sinks WHERE ?1 IS NULL OR name = ?1 ORDER BY name",
                                          sink_columns);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the sinks", error), NULL;
  if (name != NULL)
    sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (sinks, record_from_row (stmt));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read the sinks", error), NULL;

  return g_steal_pointer (&sinks);
}

static gboolean
valid_name (const char  *name,
            GError     **error)
{
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL) || g_utf8_strlen (name, -1) > 64)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("A sink’s name is 1 to 64 characters of text"));
      return FALSE;
    }
  for (const char *p = name; *p; p++)
    if (g_ascii_iscntrl (*p) || *p == ' ')
      {
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                     _("Sink name “%s”: no spaces or control characters"), name);
        return FALSE;
      }
  return TRUE;
}

/**
 * aether_store_add_sink:
 * @self: a store
 * @kind: `influxdb` or `postgres`
 * @name: its name, unique
 * @config: what the deliverer needs to reach it, without secrets
 * @max_queued: the outbox's cap (0 for the default)
 * @now_ms: when it was added
 * @error: a location for a #GError
 *
 * Readings stored from now on are queued for it.
 *
 * Returns: %TRUE if added
 */
gboolean
aether_store_add_sink (AetherStore  *self,
                       const char   *kind,
                       const char   *name,
                       JsonObject   *config,
                       gint64        max_queued,
                       gint64        now_ms,
                       GError      **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  if (g_strcmp0 (kind, "influxdb") != 0 && g_strcmp0 (kind, "postgres") != 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a kind of sink: influxdb or postgres"), kind ? kind : "");
      return FALSE;
    }
  if (!valid_name (name, error))
    return FALSE;
  if (max_queued < 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("The outbox’s cap must be a positive number of readings"));
      return FALSE;
    }

  node = json_node_init_object (json_node_alloc (), config);
  text = json_to_string (node, FALSE);

  db = _aether_store_get_db (self);
  rc = sqlite3_prepare_v2 (db, "INSERT INTO sinks (kind, name, config, created, max_queued) VALUES (?, ?, ?, ?, ?)",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not add the sink", error);
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, now_ms);
  sqlite3_bind_int64 (stmt, 5, max_queued > 0 ? max_queued : AETHER_SINK_DEFAULT_MAX_QUEUED);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc == SQLITE_CONSTRAINT)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS, _("There is already a sink named “%s”"), name);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not add the sink", error);

  return TRUE;
}

/**
 * aether_store_remove_sink:
 * @self: a store
 * @name: a sink
 * @error: a location for a #GError
 *
 * Removes the sink and what its outbox still held.
 *
 * Returns: %TRUE if removed
 */
gboolean
aether_store_remove_sink (AetherStore  *self,
                          const char   *name,
                          GError      **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gint64 id = -1;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  db = _aether_store_get_db (self);
  if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
    return FALSE;
  rc = sqlite3_prepare_v2 (db, "SELECT sink_id FROM sinks WHERE name = ?", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  if (id < 0)
    {
      _aether_sqlite_exec (db, "ROLLBACK;", NULL);
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, _("There is no sink named “%s”"), name);
      return FALSE;
    }

  {
    g_autofree char *sql = g_strdup_printf ("DELETE FROM sink_outbox WHERE sink_id = %" G_GINT64_FORMAT ";"
                                            "DELETE FROM sinks WHERE sink_id = %" G_GINT64_FORMAT ";"
                                            "COMMIT;", id, id);

    if (!_aether_sqlite_exec (db, sql, error))
      {
        _aether_sqlite_exec (db, "ROLLBACK;", NULL);
        return FALSE;
      }
  }

  return TRUE;
}

/**
 * aether_store_list_sinks:
 * @self: a store
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherSinkRecord): the sinks, by name
 */
GPtrArray *
aether_store_list_sinks (AetherStore  *self,
                         GError      **error)
{
  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);

  return _aether_sinks_read (_aether_store_get_db (self), NULL, error);
}

/**
 * aether_store_get_sink:
 * @self: a store
 * @name: a sink
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the sink, or %NULL with %AETHER_ERROR_NOT_FOUND
 */
AetherSinkRecord *
aether_store_get_sink (AetherStore  *self,
                       const char   *name,
                       GError      **error)
{
  g_autoptr(GPtrArray) sinks = NULL;

  g_return_val_if_fail (AETHER_IS_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  if (!(sinks = _aether_sinks_read (_aether_store_get_db (self), name, error)))
    return NULL;
  if (sinks->len == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, _("There is no sink named “%s”"), name);
      return NULL;
    }
  return g_ptr_array_steal_index (sinks, 0);
}

/**
 * aether_store_set_sink_enabled:
 * @self: a store
 * @name: a sink
 * @enabled: whether readings are queued for it and delivered
 * @error: a location for a #GError
 *
 * Returns: %TRUE if changed
 */
gboolean
aether_store_set_sink_enabled (AetherStore  *self,
                               const char   *name,
                               gboolean      enabled,
                               GError      **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), FALSE);

  db = _aether_store_get_db (self);
  rc = sqlite3_prepare_v2 (db, "UPDATE sinks SET enabled = ? WHERE name = ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not change the sink", error);
  sqlite3_bind_int (stmt, 1, enabled ? 1 : 0);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not change the sink", error);
  if (sqlite3_changes (db) == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND, _("There is no sink named “%s”"), name);
      return FALSE;
    }
  return TRUE;
}

/**
 * aether_store_backfill_sink:
 * @self: a store
 * @name: a sink
 * @from_us: the first instant to send
 * @to_us: the end (exclusive)
 * @not_queued: (out) (optional): readings left out because the outbox is full
 * @error: a location for a #GError
 *
 * Queues the raw samples the store still holds in [@from_us, @to_us) for
 * @name, oldest first, after what its outbox holds. A sink that stores by
 * (device, metric, time) keeps one copy of a reading sent twice. A
 * backfill from before the first reading that did not fit in the outbox
 * clears that warning when everything fitted, or moves its time on to
 * the first reading that did not fit this time.
 *
 * Returns: how many readings were queued, or -1 with @error set
 */
gint64
aether_store_backfill_sink (AetherStore  *self,
                            const char   *name,
                            gint64        from_us,
                            gint64        to_us,
                            gint64       *not_queued,
                            GError      **error)
{
  g_autoptr(AetherSinkRecord) sink = NULL;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gint64 room, available = 0, queued;
  gint64 from_ms = from_us / 1000, to_ms = to_us / 1000;
  gint64 first_left_ms = 0;
  int rc;

  g_return_val_if_fail (AETHER_IS_STORE (self), -1);

  db = _aether_store_get_db (self);
  if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
    return -1;
  if (!(sink = aether_store_get_sink (self, name, error)))
    goto fail;

  rc = sqlite3_prepare_v2 (db, "SELECT COUNT(*) FROM samples WHERE ts >= ? AND ts < ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (db, rc, "Could not read the samples", error);
      goto fail;
    }
  sqlite3_bind_int64 (stmt, 1, from_ms);
  sqlite3_bind_int64 (stmt, 2, to_ms);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    available = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  room = MAX (0, sink->max_queued - sink->queued);
  rc = sqlite3_prepare_v2 (db,
                           "INSERT INTO sink_outbox (sink_id, seq, ts, series_id, value, enqueued)"
                           " SELECT ?1, ?2 + ROW_NUMBER () OVER (ORDER BY ts, series_id) - 1, ts, series_id, value, ?3"
                           " FROM samples WHERE ts >= ?4 AND ts < ?5 ORDER BY ts, series_id LIMIT ?6",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (db, rc, "Could not queue the history", error);
      goto fail;
    }
  {
    gint64 next_seq = 1;
    sqlite3_stmt *seq_stmt = NULL;

    if (sqlite3_prepare_v2 (db, "SELECT next_seq FROM sinks WHERE sink_id = ?", -1, &seq_stmt, NULL) == SQLITE_OK)
      {
        sqlite3_bind_int64 (seq_stmt, 1, sink->id);
        if (sqlite3_step (seq_stmt) == SQLITE_ROW)
          next_seq = sqlite3_column_int64 (seq_stmt, 0);
      }
    sqlite3_finalize (seq_stmt);
    sqlite3_bind_int64 (stmt, 1, sink->id);
    sqlite3_bind_int64 (stmt, 2, next_seq);
  }
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / 1000);
  sqlite3_bind_int64 (stmt, 4, from_ms);
  sqlite3_bind_int64 (stmt, 5, to_ms);
  sqlite3_bind_int64 (stmt, 6, room);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _aether_sqlite_fail (db, rc, "Could not queue the history", error);
      goto fail;
    }
  queued = sqlite3_changes (db);

  /* A backfill from before the gap moves the gap on to the first reading
   * it could not queue, or closes it when everything fitted. */
  if (available > queued)
    {
      rc = sqlite3_prepare_v2 (db, "SELECT ts FROM samples WHERE ts >= ? AND ts < ? ORDER BY ts, series_id"
                                   " LIMIT 1 OFFSET ?", -1, &stmt, NULL);
      if (rc != SQLITE_OK)
        {
          _aether_sqlite_fail (db, rc, "Could not queue the history", error);
          goto fail;
        }
      sqlite3_bind_int64 (stmt, 1, from_ms);
      sqlite3_bind_int64 (stmt, 2, to_ms);
      sqlite3_bind_int64 (stmt, 3, queued);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        first_left_ms = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }

  rc = sqlite3_prepare_v2 (db,
                           "UPDATE sinks SET next_seq = next_seq + ?2, queued = queued + ?2,"
                           " dropped = CASE WHEN dropped_since IS NOT NULL AND ?3 <= dropped_since AND ?4 = 0"
                           "   THEN 0 ELSE dropped END,"
                           " dropped_since = CASE WHEN dropped_since IS NULL OR ?3 > dropped_since THEN dropped_since"
                           "   WHEN ?4 = 0 THEN NULL ELSE MAX (dropped_since, ?5) END"
                           " WHERE sink_id = ?1", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (db, rc, "Could not queue the history", error);
      goto fail;
    }
  sqlite3_bind_int64 (stmt, 1, sink->id);
  sqlite3_bind_int64 (stmt, 2, queued);
  sqlite3_bind_int64 (stmt, 3, from_ms);
  sqlite3_bind_int64 (stmt, 4, available - queued);
  sqlite3_bind_int64 (stmt, 5, first_left_ms);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      _aether_sqlite_fail (db, rc, "Could not queue the history", error);
      goto fail;
    }

  if (!_aether_sqlite_exec (db, "COMMIT;", error))
    goto fail;

  if (not_queued != NULL)
    *not_queued = available - queued;
  return queued;

fail:
  _aether_sqlite_exec (db, "ROLLBACK;", NULL);
  return -1;
}

/* ---- Queueing, on the writer thread -------------------------------------- */

typedef struct
{
  gint64   id;
  char    *name;
  gint64   next_seq;
  gint64   room;          /* how many more the outbox takes */
  gint64   added;
  gint64   dropped;
  gboolean was_dropping;
  gint64   first_dropped_ms;
} OutboxSink;

struct _AetherOutbox
{
  sqlite3      *db;
  sqlite3_stmt *insert;
  GArray       *sinks;    /* OutboxSink */
  gint64        now_ms;
};

static void
outbox_sink_clear (OutboxSink *sink)
{
  g_free (sink->name);
}

void
_aether_outbox_free (AetherOutbox *outbox)
{
  if (outbox == NULL)
    return;
  g_clear_pointer (&outbox->insert, sqlite3_finalize);
  g_clear_pointer (&outbox->sinks, g_array_unref);
  g_free (outbox);
}

/**
 * _aether_outbox_begin:
 * @db: a connection inside a write transaction
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): what queues readings for the
 *   enabled sinks, or %NULL (and no error) when there is none
 */
AetherOutbox *
_aether_outbox_begin (sqlite3  *db,
                      GError  **error)
{
  g_autoptr(GArray) sinks = g_array_new (FALSE, TRUE, sizeof (OutboxSink));
  AetherOutbox *outbox;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_array_set_clear_func (sinks, (GDestroyNotify)outbox_sink_clear);
  rc = sqlite3_prepare_v2 (db, "SELECT sink_id, name, next_seq, max_queued - queued, dropped_since IS NOT NULL"
                               " FROM sinks WHERE enabled", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the sinks", error), NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      OutboxSink sink = {
        .id = sqlite3_column_int64 (stmt, 0),
        .name = g_strdup ((const char *)sqlite3_column_text (stmt, 1)),
        .next_seq = sqlite3_column_int64 (stmt, 2),
        .room = MAX (0, sqlite3_column_int64 (stmt, 3)),
        .was_dropping = sqlite3_column_int (stmt, 4) != 0,
      };

      g_array_append_val (sinks, sink);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read the sinks", error), NULL;
  if (sinks->len == 0)
    return NULL;

  outbox = g_new0 (AetherOutbox, 1);
  outbox->db = db;
  outbox->sinks = g_steal_pointer (&sinks);
  outbox->now_ms = g_get_real_time () / 1000;
  rc = sqlite3_prepare_v2 (db, "INSERT INTO sink_outbox (sink_id, seq, ts, series_id, value, enqueued)"
                               " VALUES (?, ?, ?, ?, ?, ?)", -1, &outbox->insert, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (db, rc, "Could not queue readings for the sinks", error);
      _aether_outbox_free (outbox);
      return NULL;
    }

  return outbox;
}

gboolean
_aether_outbox_add (AetherOutbox  *outbox,
                    gint64         ts_ms,
                    gint64         series_id,
                    double         value,
                    GError       **error)
{
  for (guint i = 0; i < outbox->sinks->len; i++)
    {
      OutboxSink *sink = &g_array_index (outbox->sinks, OutboxSink, i);
      int rc;

      if (sink->room == 0)
        {
          if (sink->dropped++ == 0)
            sink->first_dropped_ms = ts_ms;
          continue;
        }

      sqlite3_bind_int64 (outbox->insert, 1, sink->id);
      sqlite3_bind_int64 (outbox->insert, 2, sink->next_seq);
      sqlite3_bind_int64 (outbox->insert, 3, ts_ms);
      sqlite3_bind_int64 (outbox->insert, 4, series_id);
      sqlite3_bind_double (outbox->insert, 5, value);
      sqlite3_bind_int64 (outbox->insert, 6, outbox->now_ms);
      rc = sqlite3_step (outbox->insert);
      sqlite3_reset (outbox->insert);
      if (rc != SQLITE_DONE)
        return _aether_sqlite_fail (outbox->db, rc, "Could not queue readings for the sinks", error);
      sink->next_seq++;
      sink->room--;
      sink->added++;
    }

  return TRUE;
}

/**
 * _aether_outbox_finish:
 * @outbox: an outbox
 * @error: a location for a #GError
 *
 * Counts what was queued and what did not fit, in the same transaction.
 *
 * Returns: %TRUE if recorded
 */
gboolean
_aether_outbox_finish (AetherOutbox  *outbox,
                       GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (outbox->db,
                           "UPDATE sinks SET next_seq = ?2, queued = queued + ?3, dropped = dropped + ?4,"
                           " dropped_since = COALESCE (dropped_since, ?5) WHERE sink_id = ?1",
                           -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (outbox->db, rc, "Could not queue readings for the sinks", error);

  for (guint i = 0; i < outbox->sinks->len; i++)
    {
      OutboxSink *sink = &g_array_index (outbox->sinks, OutboxSink, i);

      if (sink->added == 0 && sink->dropped == 0)
        continue;
      sqlite3_bind_int64 (stmt, 1, sink->id);
      sqlite3_bind_int64 (stmt, 2, sink->next_seq);
      sqlite3_bind_int64 (stmt, 3, sink->added);
      sqlite3_bind_int64 (stmt, 4, sink->dropped);
      if (sink->dropped > 0)
        sqlite3_bind_int64 (stmt, 5, sink->first_dropped_ms);
      else
        sqlite3_bind_null (stmt, 5);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          return _aether_sqlite_fail (outbox->db, rc, "Could not queue readings for the sinks", error);
        }
      if (sink->dropped > 0 && !sink->was_dropping)
        g_warning ("Sink “%s”: its outbox is full; readings are stored but no longer queued for it until it "
                   "catches up (nothing already queued is lost). Send the gap later with "
                   "“aetherlens-cli sinks backfill %s --from %" G_GINT64_FORMAT "”, or raise its cap",
                   sink->name, sink->name, sink->first_dropped_ms / 1000);
    }
  sqlite3_finalize (stmt);

  return TRUE;
}

/* ---- Delivering, on the deliverer's connection --------------------------- */

void
_aether_outbox_row_free (AetherOutboxRow *row)
{
  if (row == NULL)
    return;
  g_free (row->device_id);
  g_free (row->metric_type);
  g_free (row->unit);
  g_free (row->device_type);
  g_free (row->room);
  g_free (row);
}

/**
 * _aether_outbox_read:
 * @db: a connection
 * @sink_id: a sink
 * @max: at most this many
 * @error: a location for a #GError
 *
 * The oldest rows of the sink's outbox, with what names them: the series'
 * device and metric, the device's type and room (a row whose series is
 * gone has no device id; it is acknowledged unsent).
 *
 * Returns: (transfer full) (element-type AetherOutboxRow): the rows
 */
GPtrArray *
_aether_outbox_read (sqlite3     *db,
                     gint64       sink_id,
                     guint        max,
                     GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify)_aether_outbox_row_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT o.seq, o.ts, o.value, s.device_id, s.metric_type, s.unit, d.type,"
                           "       json_extract (d.location, '$.room')"
                           " FROM sink_outbox o LEFT JOIN series s ON s.series_id = o.series_id"
                           " LEFT JOIN devices d ON d.device_id = s.device_id"
                           " WHERE o.sink_id = ? ORDER BY o.seq LIMIT ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not read the outbox", error), NULL;
  sqlite3_bind_int64 (stmt, 1, sink_id);
  sqlite3_bind_int64 (stmt, 2, max);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      AetherOutboxRow *row = g_new0 (AetherOutboxRow, 1);

      row->seq = sqlite3_column_int64 (stmt, 0);
      row->ts_ms = sqlite3_column_int64 (stmt, 1);
      row->value = sqlite3_column_double (stmt, 2);
      row->device_id = g_strdup ((const char *)sqlite3_column_text (stmt, 3));
      row->metric_type = g_strdup ((const char *)sqlite3_column_text (stmt, 4));
      row->unit = g_strdup ((const char *)sqlite3_column_text (stmt, 5));
      if (sqlite3_column_type (stmt, 6) == SQLITE_TEXT)
        row->device_type = g_strdup ((const char *)sqlite3_column_text (stmt, 6));
      if (sqlite3_column_type (stmt, 7) == SQLITE_TEXT)
        row->room = g_strdup ((const char *)sqlite3_column_text (stmt, 7));
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not read the outbox", error), NULL;

  return g_steal_pointer (&rows);
}

/**
 * _aether_outbox_ack:
 * @db: a connection
 * @sink_id: a sink
 * @through_seq: the last row the sink acknowledged
 * @delivered: how many of them it was sent
 * @now_ms: now
 * @error: a location for a #GError
 *
 * Deletes the acknowledged rows and marks the sink as delivering.
 *
 * Returns: %TRUE if recorded
 */
gboolean
_aether_outbox_ack (sqlite3  *db,
                    gint64    sink_id,
                    gint64    through_seq,
                    gint64    delivered,
                    gint64    now_ms,
                    GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 removed;
  int rc;

  if (!_aether_sqlite_exec (db, "BEGIN IMMEDIATE;", error))
    return FALSE;
  rc = sqlite3_prepare_v2 (db, "DELETE FROM sink_outbox WHERE sink_id = ? AND seq <= ?", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, sink_id);
  sqlite3_bind_int64 (stmt, 2, through_seq);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    goto fail;
  removed = sqlite3_changes (db);

  rc = sqlite3_prepare_v2 (db, "UPDATE sinks SET queued = MAX (0, queued - ?2), delivered = delivered + ?3,"
                               " state = 'ok', last_error = NULL, last_attempt = ?4, last_delivered = ?4"
                               " WHERE sink_id = ?1", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    goto fail;
  sqlite3_bind_int64 (stmt, 1, sink_id);
  sqlite3_bind_int64 (stmt, 2, removed);
  sqlite3_bind_int64 (stmt, 3, delivered);
  sqlite3_bind_int64 (stmt, 4, now_ms);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    goto fail;

  return _aether_sqlite_exec (db, "COMMIT;", error);

fail:
  _aether_sqlite_fail (db, rc, "Could not acknowledge what the sink took", error);
  _aether_sqlite_exec (db, "ROLLBACK;", NULL);
  return FALSE;
}

/**
 * _aether_sink_set_failing:
 * @db: a connection
 * @sink_id: a sink
 * @message: why it could not be delivered to
 * @now_ms: now
 * @error: a location for a #GError
 *
 * Returns: %TRUE if recorded
 */
gboolean
_aether_sink_set_failing (sqlite3     *db,
                          gint64       sink_id,
                          const char  *message,
                          gint64       now_ms,
                          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "UPDATE sinks SET state = 'failing', last_error = ?2, last_attempt = ?3"
                               " WHERE sink_id = ?1", -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return _aether_sqlite_fail (db, rc, "Could not record the sink’s state", error);
  sqlite3_bind_int64 (stmt, 1, sink_id);
  sqlite3_bind_text (stmt, 2, message, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, now_ms);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return _aether_sqlite_fail (db, rc, "Could not record the sink’s state", error);
  return TRUE;
}

static char *
format_time_ms (gint64 ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc ? g_date_time_to_local (utc) : NULL;

  return local ? g_date_time_format (local, "%Y-%m-%d %H:%M:%S") : g_strdup ("?");
}

/**
 * aether_sink_record_describe_status:
 * @record: a sink
 *
 * Returns: (transfer full): a sentence or two saying how the sink is
 *   doing: delivering, failing and why, and an outbox that is full
 */
char *
aether_sink_record_describe_status (const AetherSinkRecord *record)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *queued = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" G_GINT64_FORMAT " reading queued",
                                                          "%" G_GINT64_FORMAT " readings queued",
                                                          (gulong)record->queued),
                                             record->queued);

  g_return_val_if_fail (record != NULL, NULL);

  if (!record->enabled)
    g_string_append_printf (text, _("Turned off; %s."), queued);
  else if (g_strcmp0 (record->state, "failing") == 0)
    g_string_append_printf (text, _("Not delivering: %s. %s, kept until it answers; trying again."),
                            record->last_error ? record->last_error : _("unknown error"), queued);
  else if (g_strcmp0 (record->state, "ok") == 0)
    {
      g_autofree char *when = format_time_ms (record->last_delivered_ms);

      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "Delivering: %" G_GINT64_FORMAT " reading delivered, the last at %s; %s.",
                                                 "Delivering: %" G_GINT64_FORMAT " readings delivered, the last at %s; %s.",
                                                 (gulong)record->delivered),
                              record->delivered, when, queued);
    }
  else
    g_string_append_printf (text, _("Not delivered to yet; %s."), queued);

  if (record->dropped > 0)
    {
      g_autofree char *since = format_time_ms (record->dropped_since_ms);

      g_string_append (text, " ");
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "Warning: the outbox is full (%" G_GINT64_FORMAT " readings); "
                                                 "%" G_GINT64_FORMAT " reading since %s was stored but not queued. "
                                                 "Send it with “aetherlens-cli sinks backfill %s --from %" G_GINT64_FORMAT "”.",
                                                 "Warning: the outbox is full (%" G_GINT64_FORMAT " readings); "
                                                 "%" G_GINT64_FORMAT " readings since %s were stored but not queued. "
                                                 "Send them with “aetherlens-cli sinks backfill %s --from %" G_GINT64_FORMAT "”.",
                                                 (gulong)record->dropped),
                              record->max_queued, record->dropped, since, record->name,
                              record->dropped_since_ms / 1000);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}
