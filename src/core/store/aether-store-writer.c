/* aether-store-writer.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The storage writer: a thread with its own SQLite connection that takes
 * readings from the main loop through a queue and commits them once a
 * second, or sooner when a few thousand are waiting. The main loop never
 * waits for the disk, and one commit a second keeps writes (and SD cards)
 * small.
 *
 * A batch that cannot be written (a full disk) stays queued and is tried
 * again at the next commit, so nothing read is dropped while the cause is
 * fixed; flush() reports the error. flush() and close() wait until every
 * reading pushed before them is committed: that is what SIGTERM and closing
 * the app call, so nothing read is lost. */

#define G_LOG_DOMAIN "aether-store-writer"

#include "config.h"

#include <string.h>

#include "aether-error.h"
#include "aether-store-private.h"
#include "aether-store-writer.h"

typedef enum
{
  ITEM_READING,
  ITEM_WAKE,
  ITEM_FLUSH,
  ITEM_STOP,
  ITEM_MAINTAIN,
  ITEM_JOB,
} ItemKind;

/* Maintenance asked of the thread: run in slices between commits. */
typedef struct
{
  gint64           now_us;
  AetherPricer    *pricer;      /* the thread's own; nullable */
  AetherRetention  retention;
} Maintenance;

typedef struct
{
  ItemKind       kind;
  AetherReading  reading;
  /* For flush and stop: the caller waits on this */
  GMutex        *mutex;
  GCond         *cond;
  gboolean      *done;
  GError       **error;
  /* For maintenance */
  Maintenance   *maintenance;
  /* For a job */
  AetherWriterJob job;
  gpointer        job_data;
} Item;

struct _AetherStoreWriter
{
  GObject       parent_instance;

  /* Owned; the thread's own */
  sqlite3      *db;
  GThread      *thread;
  GAsyncQueue  *queue;       /* requests, and a wake-up for readings */
  GHashTable   *series;

  /* Readings wait here, not in the queue, so that pushing one does not
   * wake the thread: it takes them at its next commit, once an interval.
   * Only a reading for a thread asleep with nothing to do (or a full
   * batch) sends it ITEM_WAKE. */
  GMutex        incoming_lock;
  GPtrArray    *incoming;     /* of Item, owned */
  gboolean      asleep;
  GTimeZone    *tz;          /* the daily tier's, as the store's */

  guint         commit_interval_ms;
  guint         max_batch;
  gssize        n_written;   /* atomic */
  gssize        n_commits;   /* atomic */
  gssize        n_maintained; /* atomic: maintenance runs finished */
  gint          stopping;    /* atomic: close() was called */
  gboolean      closed;
};

static void sink_iface_init (AetherReadingSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AetherStoreWriter, aether_store_writer, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AETHER_TYPE_READING_SINK, sink_iface_init))

static void
maintenance_free (Maintenance *m)
{
  g_clear_object (&m->pricer);
  g_free (m);
}

static void
item_free (Item *item)
{
  aether_reading_clear (&item->reading);
  g_clear_pointer (&item->maintenance, maintenance_free);
  g_free (item);
}

/* A slice of maintenance: about this long, then readings are committed
 * again, so a long roll-up (a backfill, a first run over old history)
 * neither holds readings back nor keeps close() waiting. */
#define MAINTAIN_SLICE_US (200 * 1000)

/* Returns TRUE when @m is done (or failed, and is left for the next). */
static gboolean
maintain_slice (AetherStoreWriter *self,
                Maintenance       *m)
{
  g_autoptr(GError) error = NULL;
  AetherMaintainStats stats;
  AetherMaintainCtx ctx = {
    .db = self->db,
    .tz = self->tz,
    .retention = &m->retention,
    .pricer = m->pricer,
    .stop = &self->stopping,
    .deadline_us = g_get_monotonic_time () + MAINTAIN_SLICE_US,
  };
  gboolean finished = FALSE;

  if (!_aether_maintain (&ctx, m->now_us, &stats, &finished, &error))
    {
      g_warning ("Maintenance failed (it will be tried again): %s", error->message);
      return TRUE;
    }
  if (finished)
    g_atomic_pointer_add (&self->n_maintained, 1);

  return finished;
}

/* Writes @batch in one transaction; on failure everything stays in @batch.
 * The insert path is aether_store_ingest()'s, so a reading that arrives
 * after maintenance rolled its minute moves the watermarks back and is
 * rolled up, not left for retention to delete. */
static gboolean
write_batch (AetherStoreWriter  *self,
             GPtrArray          *batch,
             GError            **error)
{
  g_autofree const AetherReading **readings = NULL;

  if (batch->len == 0)
    return TRUE;

  readings = g_new (const AetherReading *, batch->len);
  for (guint i = 0; i < batch->len; i++)
    readings[i] = &((Item *)g_ptr_array_index (batch, i))->reading;

  if (!_aether_sqlite_exec (self->db, "BEGIN IMMEDIATE;", error))
    return FALSE;

  if (!_aether_store_insert_readings (self->db, self->series, self->tz, readings, batch->len, TRUE, error) ||
      !_aether_sqlite_exec (self->db, "COMMIT;", error))
    {
      _aether_sqlite_exec (self->db, "ROLLBACK;", NULL);
      g_hash_table_remove_all (self->series);
      return FALSE;
    }

  g_atomic_pointer_add (&self->n_written, batch->len);
  g_atomic_pointer_add (&self->n_commits, 1);
  g_ptr_array_set_size (batch, 0);
  return TRUE;
}

static void
answer (Item     *item,
        GError   *error)
{
  g_mutex_lock (item->mutex);
  if (error != NULL && item->error != NULL)
    *item->error = g_error_copy (error);
  *item->done = TRUE;
  g_cond_signal (item->cond);
  g_mutex_unlock (item->mutex);
  g_free (item);
}

static gpointer
writer_thread (gpointer data)
{
  AetherStoreWriter *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify)item_free);
  gint64 interval_us = (gint64)self->commit_interval_ms * 1000;
  /* The readings are committed an interval after the last commit: a
   * home's polls come every second or so and go in with one wakeup. */
  gint64 last_commit = -interval_us;
  Maintenance *pending = NULL;

  for (;;)
    {
      Item *item;
      g_autoptr(GError) error = NULL;
      gboolean sleep;

      /* With maintenance to do, look at the queue and go on with it; with
       * nothing held, sleep until something comes (an idle home's writer
       * wakes only when readings do); else wait for the next commit. */
      g_mutex_lock (&self->incoming_lock);
      sleep = pending == NULL && batch->len == 0 && self->incoming->len == 0;
      self->asleep = sleep;
      g_mutex_unlock (&self->incoming_lock);

      if (pending != NULL)
        item = g_async_queue_try_pop (self->queue);
      else if (sleep)
        item = g_async_queue_pop (self->queue);
      else
        item = g_async_queue_timeout_pop (self->queue,
                                          (guint64)MAX (0, last_commit + interval_us - g_get_monotonic_time ()));

      g_mutex_lock (&self->incoming_lock);
      self->asleep = FALSE;
      for (guint i = 0; i < self->incoming->len; i++)
        g_ptr_array_add (batch, g_ptr_array_index (self->incoming, i));
      g_ptr_array_set_size (self->incoming, 0);
      g_mutex_unlock (&self->incoming_lock);

      if (item != NULL && item->kind == ITEM_WAKE)
        g_clear_pointer (&item, item_free);
      if (item == NULL && pending == NULL && batch->len < self->max_batch &&
          g_get_monotonic_time () < last_commit + interval_us)
        continue;

      /* Readings pushed before a request are committed before it is
       * answered, and before maintenance rolls their minutes up. */
      if (batch->len > 0 &&
          (item != NULL || batch->len >= self->max_batch || g_get_monotonic_time () >= last_commit + interval_us))
        {
          if (!write_batch (self, batch, &error))
            g_warning ("Readings kept in memory, not yet stored: %s", error->message);
          last_commit = g_get_monotonic_time ();
        }

      if (item != NULL && item->kind == ITEM_MAINTAIN)
        {
          /* A later request covers an earlier one. */
          g_clear_pointer (&pending, maintenance_free);
          pending = g_steal_pointer (&item->maintenance);
          item_free (item);
          item = NULL;
        }
      else if (item != NULL && item->kind == ITEM_JOB)
        {
          item->job (self->db, self->tz, &self->stopping, item->job_data);
          item_free (item);
          item = NULL;
          /* The readings that waited meanwhile go in at once. */
          last_commit = g_get_monotonic_time () - interval_us;
        }
      else if (item != NULL)
        {
          ItemKind kind = item->kind;

          answer (item, error);
          if (kind == ITEM_STOP)
            break;
        }

      if (pending != NULL && !g_atomic_int_get (&self->stopping) && maintain_slice (self, pending))
        g_clear_pointer (&pending, maintenance_free);
    }

  /* Maintenance not finished is resumed by the next run: every step
   * committed its progress. Jobs still queued are told the store closed. */
  g_clear_pointer (&pending, maintenance_free);
  {
    Item *left;

    while ((left = g_async_queue_try_pop (self->queue)) != NULL)
      {
        if (left->kind == ITEM_JOB)
          left->job (NULL, self->tz, &self->stopping, left->job_data);
        if (left->kind == ITEM_FLUSH || left->kind == ITEM_STOP)
          answer (left, NULL);
        else
          item_free (left);
      }
  }
  return NULL;
}

static void
aether_store_writer_finalize (GObject *object)
{
  AetherStoreWriter *self = (AetherStoreWriter *)object;

  if (!self->closed)
    aether_store_writer_close (self, NULL);

  g_clear_pointer (&self->queue, g_async_queue_unref);
  if (self->incoming != NULL)
    g_ptr_array_foreach (self->incoming, (GFunc)item_free, NULL);
  g_clear_pointer (&self->incoming, g_ptr_array_unref);
  g_mutex_clear (&self->incoming_lock);
  g_clear_pointer (&self->series, g_hash_table_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (aether_store_writer_parent_class)->finalize (object);
}

static void
aether_store_writer_class_init (AetherStoreWriterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aether_store_writer_finalize;
}

static void
aether_store_writer_init (AetherStoreWriter *self)
{
  self->queue = g_async_queue_new ();
  g_mutex_init (&self->incoming_lock);
  /* No free function: the thread moves its items into its batch. */
  self->incoming = g_ptr_array_new ();
  self->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->tz = g_time_zone_new_local ();
}

/**
 * aether_store_writer_set_time_zone:
 * @self: a writer
 * @tz: the zone whose midnight starts the daily tier, as given to
 *   aether_store_set_time_zone(); local time until set
 *
 * A late reading moves the daily watermark back to its local day. Call it
 * before pushing readings.
 */
void
aether_store_writer_set_time_zone (AetherStoreWriter *self,
                                   GTimeZone         *tz)
{
  g_return_if_fail (AETHER_IS_STORE_WRITER (self));
  g_return_if_fail (tz != NULL);

  /* The thread reads it; swapping is safe only before readings flow. */
  g_time_zone_unref (self->tz);
  self->tz = g_time_zone_ref (tz);
}

/**
 * aether_store_writer_new:
 * @path: the database, already created by aether_store_open()
 * @commit_interval_ms: how often to commit (1000 in the app)
 * @max_batch: commit sooner when this many readings wait
 * @error: a location for a #GError
 *
 * Returns: (transfer full): a running writer
 */
AetherStoreWriter *
aether_store_writer_new (const char  *path,
                         guint        commit_interval_ms,
                         guint        max_batch,
                         GError     **error)
{
  g_autoptr(AetherStoreWriter) self = NULL;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (AETHER_TYPE_STORE_WRITER, NULL);
  self->commit_interval_ms = MAX (1, commit_interval_ms);
  self->max_batch = MAX (1, max_batch);

  rc = sqlite3_open_v2 (path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      _aether_sqlite_fail (self->db, rc, "The writer could not open the database", error);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
      self->closed = TRUE;
      return NULL;
    }

  if (!_aether_store_configure_connection (self->db, error))
    {
      sqlite3_close_v2 (self->db);
      self->db = NULL;
      self->closed = TRUE;
      return NULL;
    }

  self->thread = g_thread_new ("aether-writer", writer_thread, self);

  return g_steal_pointer (&self);
}

static void
writer_push (AetherReadingSink   *sink,
             const AetherReading *reading)
{
  AetherStoreWriter *self = AETHER_STORE_WRITER (sink);
  Item *item;
  gboolean wake;

  g_return_if_fail (!self->closed);

  item = g_new0 (Item, 1);
  item->kind = ITEM_READING;
  item->reading.timestamp_us = reading->timestamp_us;
  item->reading.device_id = g_strdup (reading->device_id);
  item->reading.metric_type = g_strdup (reading->metric_type);
  item->reading.value = reading->value;
  item->reading.unit = g_strdup (reading->unit);

  g_mutex_lock (&self->incoming_lock);
  g_ptr_array_add (self->incoming, item);
  wake = self->asleep || self->incoming->len == self->max_batch;
  self->asleep = FALSE;
  g_mutex_unlock (&self->incoming_lock);

  if (wake)
    {
      Item *wake_item = g_new0 (Item, 1);

      wake_item->kind = ITEM_WAKE;
      g_async_queue_push (self->queue, wake_item);
    }
}

static gboolean
send_and_wait (AetherStoreWriter  *self,
               ItemKind            kind,
               GError            **error)
{
  GMutex mutex;
  GCond cond;
  gboolean done = FALSE;
  GError *local_error = NULL;
  Item *item = g_new0 (Item, 1);

  g_mutex_init (&mutex);
  g_cond_init (&cond);
  item->kind = kind;
  item->mutex = &mutex;
  item->cond = &cond;
  item->done = &done;
  item->error = &local_error;

  g_async_queue_push (self->queue, item);

  g_mutex_lock (&mutex);
  while (!done)
    g_cond_wait (&cond, &mutex);
  g_mutex_unlock (&mutex);

  g_mutex_clear (&mutex);
  g_cond_clear (&cond);

  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
writer_flush (AetherReadingSink  *sink,
              GError            **error)
{
  AetherStoreWriter *self = AETHER_STORE_WRITER (sink);

  if (self->closed)
    return TRUE;

  return send_and_wait (self, ITEM_FLUSH, error);
}

static void
sink_iface_init (AetherReadingSinkInterface *iface)
{
  iface->push = writer_push;
  iface->flush = writer_flush;
}

/**
 * aether_store_writer_close:
 * @self: a writer
 * @error: a location for a #GError
 *
 * Commits everything pushed so far and stops the thread.
 *
 * Returns: %TRUE if everything was stored
 */
gboolean
aether_store_writer_close (AetherStoreWriter  *self,
                           GError            **error)
{
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_STORE_WRITER (self), FALSE);

  if (self->closed)
    return TRUE;

  /* Maintenance under way stops at its next transaction. */
  g_atomic_int_set (&self->stopping, 1);
  ok = send_and_wait (self, ITEM_STOP, error);
  g_thread_join (self->thread);
  self->thread = NULL;
  sqlite3_close_v2 (self->db);
  self->db = NULL;
  self->closed = TRUE;

  return ok;
}

guint64
aether_store_writer_get_n_written (AetherStoreWriter *self)
{
  g_return_val_if_fail (AETHER_IS_STORE_WRITER (self), 0);

  return (guint64)g_atomic_pointer_get (&self->n_written);
}

/**
 * aether_store_writer_maintain:
 * @self: a writer
 * @store: the store whose retention to apply
 * @now_us: maintain as of this time
 * @pricer: (nullable) (transfer none): prices new energy; the thread keeps
 *   a reference and must be the only one using it (pricers cache lookups)
 *
 * Asks the writer thread to run maintenance (aether_store_maintain()) on
 * its own connection, after committing the readings pushed before, in
 * slices between its commits, so the main loop never waits for it and
 * close() waits at most for one transaction of it. A request made while
 * one is under way replaces it.
 */
void
aether_store_writer_maintain (AetherStoreWriter *self,
                              AetherStore       *store,
                              gint64             now_us,
                              AetherPricer      *pricer)
{
  Item *item;

  g_return_if_fail (AETHER_IS_STORE_WRITER (self));
  g_return_if_fail (AETHER_IS_STORE (store));
  g_return_if_fail (!self->closed);

  item = g_new0 (Item, 1);
  item->kind = ITEM_MAINTAIN;
  item->maintenance = g_new0 (Maintenance, 1);
  item->maintenance->now_us = now_us;
  item->maintenance->pricer = pricer ? g_object_ref (pricer) : NULL;
  item->maintenance->retention = *_aether_store_get_retention (store);
  g_async_queue_push (self->queue, item);
}

/**
 * aether_store_writer_get_n_maintained:
 * @self: a writer
 *
 * Returns: how many maintenance runs the thread finished
 */
guint64
aether_store_writer_get_n_maintained (AetherStoreWriter *self)
{
  g_return_val_if_fail (AETHER_IS_STORE_WRITER (self), 0);

  return (guint64)g_atomic_pointer_get (&self->n_maintained);
}

/* Runs @job on the thread (see AetherWriterJob); once the writer is
 * closed, at once with no connection. */
void
_aether_store_writer_run_job (AetherStoreWriter *self,
                              AetherWriterJob    job,
                              gpointer           data)
{
  Item *item;

  g_return_if_fail (AETHER_IS_STORE_WRITER (self));
  g_return_if_fail (job != NULL);

  if (self->closed)
    {
      job (NULL, self->tz, &self->stopping, data);
      return;
    }

  item = g_new0 (Item, 1);
  item->kind = ITEM_JOB;
  item->job = job;
  item->job_data = data;
  g_async_queue_push (self->queue, item);
}

guint64
aether_store_writer_get_n_commits (AetherStoreWriter *self)
{
  g_return_val_if_fail (AETHER_IS_STORE_WRITER (self), 0);

  return (guint64)g_atomic_pointer_get (&self->n_commits);
}
