/* aether-sink-deliverer.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The deliverer: a thread with its own SQLite connection that sends each
 * enabled sink's outbox (aether-store-sinks.c) oldest first, a bounded
 * batch at a time, and deletes a batch once the sink took it. A sink that
 * fails is tried again after a backoff that doubles from half a second to
 * a minute; its status in the database says why (a wrong password, a
 * server that does not answer), for `sinks status` and Preferences in any
 * process. The list of sinks is read again every few seconds, so a sink
 * added by the CLI while the app collects is delivered to without a
 * restart. What was sent but not yet acknowledged when the thread stops
 * is sent again: both kinds of sink keep one row per (device, metric,
 * time), so that repeats nothing. */

#define G_LOG_DOMAIN "aether-sinks"

#include "config.h"

#include <string.h>

#include "aether-error.h"
#include "aether-secrets.h"
#include "model/aether-json.h"
#include "store/aether-store-private.h"
#include "store/aether-store-sinks.h"
#include "aether-sink-deliverer.h"
#include "aether-sink-private.h"

#define MIN_BACKOFF_US   (500 * 1000)
#define MAX_BACKOFF_US   (60 * G_USEC_PER_SEC)
#define RELOAD_US        (5 * G_USEC_PER_SEC)
/* With no sink to deliver to, the thread sleeps: a sink added through
 * this service wakes it at once (retry_now), one added by another process
 * is found within this. */
#define IDLE_RELOAD_US   (60 * G_USEC_PER_SEC)
#define IDLE_WAIT_US     (1 * G_USEC_PER_SEC)

struct _AetherSinkDeliverer
{
  GObject     parent_instance;

  /* Owned; the thread's own */
  sqlite3    *db;
  GThread    *thread;
  GHashTable *targets;      /* sink id → AetherSinkTarget */
  GCancellable *cancellable; /* stop() cuts a request short with it */

  guint       batch_size;
  GMutex      mutex;
  GCond       cond;
  gboolean    stopping;     /* under mutex */
  gboolean    retry;        /* under mutex: forget the backoffs */
  gssize      n_delivered;  /* atomic */
  gssize      n_failures;   /* atomic */
};

G_DEFINE_FINAL_TYPE (AetherSinkDeliverer, aether_sink_deliverer, G_TYPE_OBJECT)

static void
target_free (AetherSinkTarget *target)
{
  if (target->connection != NULL && target->connection_free != NULL)
    target->connection_free (target->connection);
  g_free (target->name);
  g_free (target->kind);
  g_free (target->config_text);
  g_clear_pointer (&target->config, json_object_unref);
  if (target->secret != NULL)
    memset (target->secret, 0, strlen (target->secret));
  g_free (target->secret);
  g_free (target->secret_error);
  g_free (target);
}

static char *
config_to_text (JsonObject *config)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), config);

  return json_to_string (node, FALSE);
}

/**
 * _aether_sink_secret_owner:
 * @name: a sink
 *
 * Returns: (transfer full): who its secrets belong to in the keyring
 */
char *
_aether_sink_secret_owner (const char *name)
{
  return g_strconcat ("sink:", name, NULL);
}

static AetherSinkTarget *
target_new (AetherSinkRecord *record,
            const char       *config_text,
            GCancellable     *cancellable)
{
  AetherSinkTarget *target = g_new0 (AetherSinkTarget, 1);
  JsonArray *keys = aether_json_get_array (record->config, "keyring");

  target->id = record->id;
  target->name = g_strdup (record->name);
  target->kind = g_strdup (record->kind);
  target->config_text = g_strdup (config_text);
  target->config = json_object_ref (record->config);
  target->cancellable = cancellable;

  /* A secret still in the configuration (there was no keyring) is used
   * as it is; one in the keyring is asked for once per configuration. */
  for (guint i = 0; keys != NULL && i < json_array_get_length (keys); i++)
    {
      const char *key = json_array_get_string_element (keys, i);
      g_autofree char *owner = _aether_sink_secret_owner (record->name);
      g_autoptr(GError) error = NULL;

      if (key == NULL)
        continue;
      g_clear_pointer (&target->secret, g_free);
      if (!(target->secret = aether_secrets_lookup (owner, key, &error)))
        target->secret_error = g_strdup_printf ("the %s of sink “%s” is not available from the keyring: %s",
                                                key, record->name, error->message);
    }
  if (target->secret == NULL && target->secret_error == NULL)
    {
      const char *inline_secret = aether_json_get_string_or (record->config, "token",
                                                             aether_json_get_string_or (record->config, "password",
                                                                                        NULL));

      target->secret = g_strdup (inline_secret);
    }

  return target;
}

/* The sinks as the database has them now; a target whose configuration
 * did not change keeps its connection and its backoff. */
static void
reload_targets (AetherSinkDeliverer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) records = _aether_sinks_read (self->db, NULL, &error);
  g_autoptr(GHashTable) seen = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (records == NULL)
    {
      g_warning ("Could not read the sinks (tried again shortly): %s", error->message);
      return;
    }

  seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < records->len; i++)
    {
      AetherSinkRecord *record = g_ptr_array_index (records, i);
      AetherSinkTarget *target;
      g_autofree char *text = NULL;
      g_autofree char *config = NULL;

      if (!record->enabled)
        continue;
      config = config_to_text (record->config);
      text = g_strdup_printf ("%s\x1f%s\x1f%s", record->kind, record->name, config);
      target = g_hash_table_lookup (self->targets, &record->id);
      if (target == NULL || g_strcmp0 (target->config_text, text) != 0)
        {
          target = target_new (record, text, self->cancellable);
          g_hash_table_replace (self->targets, &target->id, target);
        }
      g_hash_table_add (seen, &target->id);
    }

  g_hash_table_iter_init (&iter, self->targets);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen, key))
      g_hash_table_iter_remove (&iter);
}

static gboolean
deliver (AetherSinkTarget  *target,
         GPtrArray         *rows,
         GError           **error)
{
  if (target->secret_error != NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED, target->secret_error);
      return FALSE;
    }
  if (g_strcmp0 (target->kind, "influxdb") == 0)
    return _aether_sink_influxdb_deliver (target, rows, error);
  if (g_strcmp0 (target->kind, "postgres") == 0)
    return _aether_sink_postgres_deliver (target, rows, error);

  g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED, "“%s” is not a kind of sink", target->kind);
  return FALSE;
}

/* One batch for @target. Returns TRUE when it sent a whole batch (there
 * may be more waiting). */
static gboolean
deliver_batch (AetherSinkDeliverer *self,
               AetherSinkTarget    *target,
               gint64               now_us)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = _aether_outbox_read (self->db, target->id, self->batch_size, &error);
  gint64 through, sent = 0;

  if (rows == NULL)
    {
      g_warning ("Could not read the outbox of sink “%s” (tried again shortly): %s", target->name, error->message);
      target->next_try_us = now_us + MIN_BACKOFF_US;
      return FALSE;
    }
  if (rows->len == 0)
    return FALSE;

  if (!deliver (target, rows, &error))
    {
      g_autoptr(GError) status_error = NULL;
      gboolean first = target->backoff_us == 0;

      /* Cut short by stop(): not the sink's fault. */
      if (g_cancellable_is_cancelled (self->cancellable))
        return FALSE;

      target->backoff_us = first ? MIN_BACKOFF_US : MIN (target->backoff_us * 2, MAX_BACKOFF_US);
      target->next_try_us = now_us + target->backoff_us;
      g_atomic_pointer_add (&self->n_failures, 1);
      if (first)
        g_warning ("Sink “%s”: %s (its readings stay queued; trying again)", target->name, error->message);
      if (!_aether_sink_set_failing (self->db, target->id, error->message, g_get_real_time () / 1000, &status_error))
        g_warning ("%s", status_error->message);
      return FALSE;
    }

  if (target->backoff_us != 0)
    g_message ("Sink “%s” is taking readings again", target->name);
  target->backoff_us = 0;
  target->next_try_us = 0;
  for (guint i = 0; i < rows->len; i++)
    if (((AetherOutboxRow *)g_ptr_array_index (rows, i))->device_id != NULL)
      sent++;
  through = ((AetherOutboxRow *)g_ptr_array_index (rows, rows->len - 1))->seq;
  if (!_aether_outbox_ack (self->db, target->id, through, sent, g_get_real_time () / 1000, &error))
    {
      /* Sent again later: the sink keeps one row per reading. */
      g_warning ("Sink “%s”: %s", target->name, error->message);
      target->next_try_us = now_us + MIN_BACKOFF_US;
      return FALSE;
    }
  g_atomic_pointer_add (&self->n_delivered, sent);

  return rows->len >= self->batch_size;
}

static gpointer
deliverer_thread (gpointer data)
{
  AetherSinkDeliverer *self = data;
  g_autoptr(GMainContext) context = g_main_context_new ();
  gint64 next_reload = 0;

  /* libsoup and the keyring run their calls on this thread's context. */
  g_main_context_push_thread_default (context);

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      gint64 wake = now + IDLE_WAIT_US;
      gboolean more = FALSE;
      gboolean retry;
      GHashTableIter iter;
      gpointer value;

      g_mutex_lock (&self->mutex);
      retry = self->retry;
      self->retry = FALSE;
      if (self->stopping)
        {
          g_mutex_unlock (&self->mutex);
          break;
        }
      g_mutex_unlock (&self->mutex);

      if (retry || now >= next_reload)
        {
          reload_targets (self);
          next_reload = now + (g_hash_table_size (self->targets) > 0 ? RELOAD_US : IDLE_RELOAD_US);
        }
      if (g_hash_table_size (self->targets) == 0)
        wake = next_reload;

      g_hash_table_iter_init (&iter, self->targets);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          AetherSinkTarget *target = value;

          if (retry)
            target->next_try_us = 0;
          if (now < target->next_try_us)
            {
              wake = MIN (wake, target->next_try_us);
              continue;
            }
          if (deliver_batch (self, target, now))
            more = TRUE;
          else if (target->next_try_us > now)
            wake = MIN (wake, target->next_try_us);
        }

      while (g_main_context_iteration (context, FALSE))
        ;

      if (more)
        continue;

      g_mutex_lock (&self->mutex);
      while (!self->stopping && !self->retry && g_get_monotonic_time () < wake)
        if (!g_cond_wait_until (&self->cond, &self->mutex, wake))
          break;
      g_mutex_unlock (&self->mutex);
    }

  g_hash_table_remove_all (self->targets);
  while (g_main_context_iteration (context, FALSE))
    ;
  g_main_context_pop_thread_default (context);
  return NULL;
}

static void
aether_sink_deliverer_finalize (GObject *object)
{
  AetherSinkDeliverer *self = (AetherSinkDeliverer *)object;

  aether_sink_deliverer_stop (self);
  g_clear_pointer (&self->targets, g_hash_table_unref);
  g_clear_object (&self->cancellable);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);

  G_OBJECT_CLASS (aether_sink_deliverer_parent_class)->finalize (object);
}

static void
aether_sink_deliverer_class_init (AetherSinkDelivererClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aether_sink_deliverer_finalize;
}

static void
aether_sink_deliverer_init (AetherSinkDeliverer *self)
{
  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->cancellable = g_cancellable_new ();
  self->targets = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, (GDestroyNotify)target_free);
}

/**
 * aether_sink_deliverer_new:
 * @db_path: the database, already created by aether_store_open()
 * @batch_size: readings a request at most (0: %AETHER_SINK_BATCH)
 * @error: a location for a #GError
 *
 * Returns: (transfer full): a running deliverer
 */
AetherSinkDeliverer *
aether_sink_deliverer_new (const char  *db_path,
                           guint        batch_size,
                           GError     **error)
{
  g_autoptr(AetherSinkDeliverer) self = NULL;
  int rc;

  g_return_val_if_fail (db_path != NULL, NULL);

  self = g_object_new (AETHER_TYPE_SINK_DELIVERER, NULL);
  self->batch_size = batch_size > 0 ? batch_size : AETHER_SINK_BATCH;

  rc = sqlite3_open_v2 (db_path, &self->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK || !_aether_store_configure_connection (self->db, error))
    {
      if (rc != SQLITE_OK)
        _aether_sqlite_fail (self->db, rc, "The sinks’ deliverer could not open the database", error);
      sqlite3_close_v2 (self->db);
      self->db = NULL;
      return NULL;
    }

  self->thread = g_thread_new ("aether-sinks", deliverer_thread, self);
  return g_steal_pointer (&self);
}

/**
 * aether_sink_deliverer_retry_now:
 * @self: a deliverer
 *
 * Reads the sinks again and tries each one now, whatever its backoff: a
 * server that came back, a password that was fixed.
 */
void
aether_sink_deliverer_retry_now (AetherSinkDeliverer *self)
{
  g_return_if_fail (AETHER_IS_SINK_DELIVERER (self));

  g_mutex_lock (&self->mutex);
  self->retry = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
}

/**
 * aether_sink_deliverer_get_n_delivered:
 * @self: a deliverer
 *
 * Returns: readings the sinks took since it started, all sinks together
 */
guint64
aether_sink_deliverer_get_n_delivered (AetherSinkDeliverer *self)
{
  g_return_val_if_fail (AETHER_IS_SINK_DELIVERER (self), 0);

  return (guint64)g_atomic_pointer_get (&self->n_delivered);
}

/**
 * aether_sink_deliverer_get_n_failures:
 * @self: a deliverer
 *
 * Returns: batches a sink refused or did not answer for
 */
guint64
aether_sink_deliverer_get_n_failures (AetherSinkDeliverer *self)
{
  g_return_val_if_fail (AETHER_IS_SINK_DELIVERER (self), 0);

  return (guint64)g_atomic_pointer_get (&self->n_failures);
}

/**
 * aether_sink_deliverer_stop:
 * @self: a deliverer
 *
 * Stops at once, cutting short a request under way (what it sent and was
 * not acknowledged is sent again next time), and closes the database.
 */
void
aether_sink_deliverer_stop (AetherSinkDeliverer *self)
{
  g_return_if_fail (AETHER_IS_SINK_DELIVERER (self));

  if (self->thread == NULL)
    return;

  g_mutex_lock (&self->mutex);
  self->stopping = TRUE;
  g_cond_signal (&self->cond);
  g_mutex_unlock (&self->mutex);
  /* A server that does not answer must not hold up a SIGTERM. */
  g_cancellable_cancel (self->cancellable);
  g_thread_join (self->thread);
  self->thread = NULL;
  sqlite3_close_v2 (self->db);
  self->db = NULL;
}
