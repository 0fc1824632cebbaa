/* aether-service.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The running house, shared by the app and `aetherlens-cli collect`: the
 * store with its writer thread, the hot tier, the plugin engine, the
 * collector fed from the device registry, and the alert engine wired to the
 * collector's readings, with its actions (notification, automation,
 * webhook) carried out and recorded. Device status is saved and
 * maintenance (rollups, retention) asked of the writer thread once a minute
 * on the clock. Stopping flushes everything read. The concerns live in
 * aether-service-*.c (actions, control, tariff, watch, feeds, ...), over
 * the struct in aether-service-private.h. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include "aether-devices.h"
#include "aether-rates.h"
#include "aether-reading.h"
#include "aether-secrets.h"
#include "aether-service.h"
#include "aether-service-private.h"
#include "alerts/aether-webhook.h"
#include "model/aether-energy-rule.h"
#include "store/aether-store-lock.h"
#include "store/aether-store-writer.h"
#include "tariff/aether-tariff.h"

#define HOUSEKEEPING_MS (60 * 1000)

G_DEFINE_FINAL_TYPE (AetherService, aether_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_REPRICE_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
aether_service_dispose (GObject *object)
{
  AetherService *self = (AetherService *)object;

  if (self->housekeeping_id != 0)
    {
      aether_clock_remove_timeout (self->clock, self->housekeeping_id);
      self->housekeeping_id = 0;
    }
  g_clear_pointer (&self->watch, _aether_service_watch_free);
  g_clear_pointer (&self->feeds, _aether_service_feeds_free);
  if (self->reprice_cancellable != NULL)
    g_cancellable_cancel (self->reprice_cancellable);
  g_clear_object (&self->reprice_cancellable);
  if (self->writer != NULL)
    aether_store_writer_close (self->writer, NULL);
  _aether_service_stop_sinks (self);

  g_clear_object (&self->alerts);
  g_clear_object (&self->collector);
  g_clear_object (&self->writer);
  g_clear_object (&self->hot);
  g_clear_object (&self->plugins);
  g_clear_object (&self->notifier);
  g_clear_object (&self->webhook);
  g_clear_object (&self->tariff);
  g_clear_object (&self->maintain_tariff);
  g_clear_object (&self->store);
  g_clear_pointer (&self->collector_lock, aether_store_lock_release);
  g_clear_error (&self->store_error);
  g_clear_object (&self->user);
  g_clear_pointer (&self->configs, g_hash_table_unref);

  G_OBJECT_CLASS (aether_service_parent_class)->dispose (object);
}

static void
aether_service_finalize (GObject *object)
{
  AetherService *self = (AetherService *)object;

  g_clear_object (&self->clock);

  G_OBJECT_CLASS (aether_service_parent_class)->finalize (object);
}

static void
aether_service_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  AetherService *self = AETHER_SERVICE (object);

  switch (prop_id)
    {
    case PROP_REPRICE_PROGRESS:
      g_value_set_double (value, self->reprice_progress);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aether_service_class_init (AetherServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aether_service_dispose;
  object_class->finalize = aether_service_finalize;

  /**
   * AetherService::devices-changed:
   *
   * Another process (`aetherlens-cli devices add`) changed the registry and
   * the collector now has the new device set.
   */
  g_signal_new ("devices-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * AetherService::alerts-changed:
   *
   * Another process changed the alert rules; the engine has them.
   */
  g_signal_new ("alerts-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * AetherService::tariff-changed:
   *
   * A rate schedule version was added, corrected or removed, here (see
   * aether-service-rates.c) or by another process: the tariff is rebuilt
   * and costs may change.
   */
  g_signal_new ("tariff-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * AetherService::store-failed:
   * @error: what happened to the database file
   *
   * The database file cannot keep what is collected any more (its
   * write-ahead log was deleted under the writer). Emitted once; stop()
   * then fails with the same error. A headless collector exits on it.
   */
  g_signal_new ("store-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);

  /**
   * AetherService::user-changed:
   *
   * The person's preferences changed (aether-service-user.c).
   */
  g_signal_new ("user-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                NULL, NULL, NULL, G_TYPE_NONE, 0);
  object_class->get_property = aether_service_get_property;

  /**
   * AetherService:reprice-progress:
   *
   * How much of the stored history has been priced again after a tariff
   * change, 0 to 1; 1 when nothing waits.
   */
  properties[PROP_REPRICE_PROGRESS] =
    g_param_spec_double ("reprice-progress", NULL, NULL, 0.0, 1.0, 1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aether_service_init (AetherService *self)
{
  self->reprice_progress = 1.0;
  self->configs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)json_object_unref);
}

static void
on_reading (AetherCollector *collector,
            gpointer         reading,
            AetherService   *self)
{
  aether_alert_engine_process_reading (self->alerts, reading);
}

static void
on_status_changed (AetherCollector *collector,
                   const char      *device_id,
                   AetherService   *self)
{
  const AetherDeviceStatus *status = aether_collector_get_status (collector, device_id);

  aether_hot_tier_set_device_status (self->hot, device_id, status->online, status->last_seen_us,
                                     status->error_count);
  if (status->last_seen_us != 0)
    aether_alert_engine_device_seen (self->alerts, device_id, status->last_seen_us);
}

/**
 * aether_service_new:
 * @db_path: the database
 * @clock: the clock for everything
 * @error: a location for a #GError
 *
 * Returns: (transfer full): the service, not yet collecting
 */
AetherService *
aether_service_new (const char   *db_path,
                    AetherClock  *clock,
                    GError      **error)
{
  g_autoptr(AetherService) self = NULL;

  g_return_val_if_fail (db_path != NULL, NULL);
  g_return_val_if_fail (AETHER_IS_CLOCK (clock), NULL);

  self = g_object_new (AETHER_TYPE_SERVICE, NULL);
  self->clock = g_object_ref (clock);

  if (!(self->store = aether_store_open (db_path, clock, error)) ||
      !(self->writer = aether_store_writer_new (db_path, 1000, 5000, error)))
    return NULL;

  self->hot = aether_hot_tier_new (clock, NULL);
  self->plugins = aether_plugin_engine_new (NULL);
  aether_plugin_engine_load_all (self->plugins);
  self->collector = aether_collector_new (clock);
  aether_collector_add_sink (self->collector, AETHER_READING_SINK (self->writer));
  aether_collector_add_sink (self->collector, AETHER_READING_SINK (self->hot));
  self->alerts = aether_alert_engine_new (clock, NULL);
  self->webhook = aether_webhook_new (clock);

  g_signal_connect (self->collector, "reading", G_CALLBACK (on_reading), self);
  g_signal_connect (self->collector, "status-changed", G_CALLBACK (on_status_changed), self);
  _aether_service_connect_actions (self);
  self->watch = _aether_service_watch_new (self, clock);
  self->feeds = _aether_service_feeds_new (self, clock);

  return g_steal_pointer (&self);
}

AetherUser *
_aether_service_peek_user (AetherService *self)
{
  if (self->user == NULL)
    g_object_unref (aether_service_dup_user (self));
  return self->user;
}

AetherUser *
_aether_service_get_cached_user (AetherService *self)
{
  return self->user;
}

void
_aether_service_set_user (AetherService *self,
                          AetherUser    *user)
{
  g_set_object (&self->user, user);
}

void
_aether_service_flush (AetherService *self)
{
  g_autoptr(GError) error = NULL;

  if (!aether_reading_sink_flush (AETHER_READING_SINK (self->writer), &error))
    g_warning ("Readings could not be stored yet (they are kept and tried again): %s", error->message);
}

void
_aether_service_start_sinks (AetherService *self)
{
  g_autoptr(GError) error = NULL;

  if (self->sinks != NULL)
    return;
  if (!(self->sinks = aether_sink_deliverer_new (aether_store_get_path (self->store), 0, &error)))
    g_warning ("Readings stay queued for the sinks, not delivered: %s", error->message);
}

void
_aether_service_stop_sinks (AetherService *self)
{
  if (self->sinks == NULL)
    return;
  aether_sink_deliverer_stop (self->sinks);
  g_clear_object (&self->sinks);
}

/**
 * aether_service_get_sink_deliverer:
 * @self: a service
 *
 * Returns: (transfer none) (nullable): what delivers the sinks' outboxes,
 *   while this service collects
 */
AetherSinkDeliverer *
aether_service_get_sink_deliverer (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return self->sinks;
}

/**
 * aether_service_get_store:
 * @self: a service
 *
 * Returns: (transfer none): its store
 */
AetherStore *
aether_service_get_store (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return self->store;
}

/**
 * aether_service_get_collector:
 * @self: a service
 *
 * Returns: (transfer none): its collector
 */
AetherCollector *
aether_service_get_collector (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return self->collector;
}

/**
 * aether_service_get_hot_tier:
 * @self: a service
 *
 * Returns: (transfer none): its hot tier
 */
AetherHotTier *
aether_service_get_hot_tier (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return self->hot;
}

/**
 * aether_service_get_alert_engine:
 * @self: a service
 *
 * Returns: (transfer none): its alert engine
 */
AetherAlertEngine *
aether_service_get_alert_engine (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return self->alerts;
}

/**
 * aether_service_get_plugin_engine:
 * @self: a service
 *
 * Returns: (transfer none): its plugin engine
 */
AetherPluginEngine *
aether_service_get_plugin_engine (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return self->plugins;
}

/**
 * aether_service_remove_device:
 * @self: a service
 * @device_id: the device
 * @error: a location for a #GError
 *
 * Stops collecting a device and removes it from the registry. Its readings
 * stay in the history.
 *
 * Returns: %TRUE if it was removed
 */
gboolean
aether_service_remove_device (AetherService  *self,
                              const char     *device_id,
                              GError        **error)
{
  g_autoptr(JsonNode) removed = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  if (!(removed = aether_devices_remove (self->store, device_id, error)))
    return FALSE;
  /* Its passwords stay in the keyring while the removal can be undone:
   * aether_service_forget_device_secrets() takes them once it cannot. */
  /* Collection stops, the engine forgets it, `devices-changed`. */
  _aether_service_reload_changed (self);
  return TRUE;
}

/**
 * aether_service_forget_device_secrets:
 * @self: a service
 * @device_id: a device removed with aether_service_remove_device()
 *
 * Takes a removed device's passwords out of the keyring once its removal
 * can no longer be undone. A device that was put back keeps them.
 */
void
aether_service_forget_device_secrets (AetherService *self,
                                      const char    *device_id)
{
  g_autoptr(JsonNode) device = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (AETHER_IS_SERVICE (self));
  g_return_if_fail (device_id != NULL);

  if ((device = aether_store_get_device (self->store, device_id, NULL)) != NULL)
    return;
  if (!aether_secrets_clear (device_id, &error))
    g_debug ("Could not forget the passwords of %s: %s", device_id, error->message);
}

/**
 * aether_service_set_notifier:
 * @self: a service
 * @notifier: (nullable): where alerts go as notifications; without one they
 *   are logged
 */
void
aether_service_set_notifier (AetherService  *self,
                             AetherNotifier *notifier)
{
  g_return_if_fail (AETHER_IS_SERVICE (self));

  g_set_object (&self->notifier, notifier);
}

static gboolean
has_capability (JsonObject *device,
                const char *capability)
{
  JsonArray *caps;

  if (!json_object_has_member (device, "capabilities"))
    return FALSE;
  caps = json_object_get_array_member (device, "capabilities");
  for (guint i = 0; i < json_array_get_length (caps); i++)
    if (g_strcmp0 (json_array_get_string_element (caps, i), capability) == 0)
      return TRUE;
  return FALSE;
}

/* ---- Re-pricing ------------------------------------------------------- */

void
_aether_service_set_reprice_progress (AetherService *self,
                                      double         fraction)
{
  if (self->reprice_progress == fraction)
    return;
  self->reprice_progress = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPRICE_PROGRESS]);
}

/**
 * aether_service_load:
 * @self: a service
 * @error: a location for a #GError
 *
 * Adds every registry device to the collector and every alert rule to the
 * engine. A device whose plugin is missing, or a rule that does not parse,
 * is reported in the log and skipped: one bad entry does not stop the rest.
 *
 * Returns: how many devices will be collected
 */
guint
aether_service_load (AetherService  *self,
                     GError        **error)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) rules = NULL;
  gboolean flushed = FALSE;
  guint n = 0;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), 0);

  if (!(devices = aether_store_list_devices (self->store, error)) ||
      !(rules = aether_store_list_alerts (self->store, error)))
    return 0;

  /* The person's retention (and everything read from their record). */
  g_clear_object (&self->user);
  g_object_unref (aether_service_dup_user (self));

  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      const char *id = json_object_get_string_member (device, "device_id");
      JsonObject *config = json_object_get_object_member (device, "configuration");
      const char *plugin = config ? json_object_get_string_member_with_default (config, "plugin", NULL) : NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) revealed = NULL;
      AetherDeviceProvider *provider;

      aether_alert_engine_set_device (self->alerts, id,
                                      json_object_get_string_member_with_default (device, "name", id),
                                      aether_device_get_room (device),
                                      has_capability (device, "on_off_control"));

      /* The utility's own meter, from its file: nothing to poll. */
      if (plugin == NULL && aether_device_is_imported (device))
        continue;

      if (plugin == NULL)
        {
          g_warning ("Device %s names no plugin; it will not be collected", id);
          continue;
        }

      /* Loading again (after adding devices) leaves running ones alone. */
      if (aether_collector_get_status (self->collector, id) != NULL)
        {
          n++;
          continue;
        }

      /* Passwords kept in the keyring join the configuration in memory only. */
      {
        JsonNode *pc = json_object_get_member (config, "plugin_config");

        if (pc != NULL && JSON_NODE_HOLDS_OBJECT (pc) && json_object_has_member (json_node_get_object (pc), "keyring"))
          {
            g_clear_pointer (&revealed, json_object_unref);
            revealed = aether_secrets_reveal_config (id, config);
            config = revealed;
          }
      }

      if (!(provider = aether_plugin_engine_get_provider (self->plugins, plugin, &local_error)) ||
          !aether_collector_add_device (self->collector, id, provider, config, &local_error))
        {
          g_warning ("Device %s will not be collected: %s", id, local_error->message);
          continue;
        }

      g_hash_table_replace (self->configs, g_strdup (id), json_object_ref (config));

      /* Energy goes on from where the store has it: the device's counter
       * counted while nobody read it. What the writer still holds (a device
       * collected anew after a change) goes in first. */
      aether_collector_set_max_power (self->collector, id, aether_energy_rule_max_power_w (device));
      {
        AetherEnergyMeterState resume;

        if (!flushed)
          {
            if (!aether_reading_sink_flush (AETHER_READING_SINK (self->writer), &local_error))
              g_warning ("Readings could not be stored yet: %s", local_error->message);
            g_clear_error (&local_error);
            flushed = TRUE;
          }
        if (aether_store_get_energy_resume (self->store, id, &resume, &local_error))
          aether_collector_restore_energy (self->collector, id, &resume);
        else
          g_warning ("Device %s starts its energy from zero: %s", id, local_error->message);
        g_clear_error (&local_error);
      }

      if (json_object_has_member (device, "status"))
        {
          JsonObject *s = json_object_get_object_member (device, "status");
          AetherDeviceStatus status = { 0 };
          const char *last_seen = json_object_get_string_member_with_default (s, "last_seen", NULL);

          status.online = json_object_get_boolean_member_with_default (s, "online", FALSE);
          status.error_count = (guint)json_object_get_int_member_with_default (s, "error_count", 0);
          status.total_runtime_hours = json_object_get_double_member_with_default (s, "total_runtime_hours", 0);
          if (last_seen != NULL)
            aether_parse_timestamp (last_seen, &status.last_seen_us, NULL);
          aether_collector_restore_status (self->collector, id, &status);
        }

      n++;
    }

  /* The home rule (meters, else every device) over the whole registry. */
  {
    g_autoptr(AetherHome) home = aether_home_new (devices);

    aether_alert_engine_set_home (self->alerts, home);
  }

  aether_service_reload_tariff (self, NULL);
  _aether_service_sync_rules (self, rules);
  _aether_service_watch_remember (self->watch);

  return n;
}

static void
save_statuses (AetherService *self)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, self->configs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const AetherDeviceStatus *status = aether_collector_get_status (self->collector, key);
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(GError) error = NULL;

      if (status == NULL)
        continue;

      object = json_object_new ();
      json_object_set_boolean_member (object, "online", status->online);
      if (status->last_seen_us != 0)
        {
          g_autofree char *when = aether_format_timestamp (status->last_seen_us - status->last_seen_us % G_USEC_PER_SEC);

          json_object_set_string_member (object, "last_seen", when);
        }
      json_object_set_int_member (object, "error_count", status->error_count);
      json_object_set_double_member (object, "total_runtime_hours",
                                     ((gint64)(status->total_runtime_hours * 1000 + 0.5)) / 1000.0);

      if (!aether_store_set_device_status (self->store, key, object, &error))
        g_warning ("Could not save the status of %s: %s", (const char *)key, error->message);
    }
}

/* A write-ahead log deleted under the writer loses what it held; said once,
 * loudly, and again by stop(). */
static void
check_store_file (AetherService *self)
{
  g_autoptr(GError) error = NULL;

  if (self->store_error == NULL && !aether_store_check_wal (self->store, &error))
    {
      g_critical ("%s", error->message);
      self->store_error = g_steal_pointer (&error);
      g_signal_emit_by_name (self, "store-failed", self->store_error);
    }
}

static gboolean
housekeeping (gpointer user_data)
{
  AetherService *self = user_data;

  save_statuses (self);
  _aether_service_update_rate_period (self);
  _aether_service_update_costs (self);
  check_store_file (self);
  /* Maintenance runs on the writer thread's connection, in slices between
   * its commits: the main loop (a window, the collector's polls) never
   * waits for it, and stopping waits for one transaction at most. What
   * the writer holds (at most a commit interval of readings) is committed
   * first, so a minute is never rolled while its readings are on their
   * way (a manual clock runs far ahead of the writer's commits, and late
   * rows re-rolled after retention cut their neighbours would otherwise
   * leave partial minutes). */
  aether_store_writer_maintain (self->writer, self->store, aether_clock_now_us (self->clock),
                                self->maintain_tariff ? AETHER_PRICER (self->maintain_tariff) : NULL);
  /* Jobs left by a crash, by `rates add` or by a failed run. */
  _aether_service_start_repricing (self, FALSE);
  aether_alert_engine_prune_history (self->alerts, 90);
  _aether_service_backup_if_due (self, aether_clock_now_us (self->clock));

  return G_SOURCE_CONTINUE;
}

/**
 * aether_service_lock_collector:
 * @self: a service
 * @error: a location for a #GError
 *
 * Takes the database's collector lock, which aether_service_start() needs:
 * one collector per database. Call it first to learn why it cannot be
 * taken; stop() lets go of it.
 *
 * Returns: %TRUE if this service may collect, %FALSE with
 *   %AETHER_ERROR_BUSY naming the process that collects instead
 */
gboolean
aether_service_lock_collector (AetherService  *self,
                               GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);

  if (self->collector_lock == NULL)
    self->collector_lock = aether_store_lock_collector (aether_store_get_path (self->store), error);

  return self->collector_lock != NULL;
}

AetherStoreWriter *
_aether_service_get_writer (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);

  return self->writer;
}

/**
 * aether_service_start:
 * @self: a service
 *
 * Starts collecting, evaluating alerts and, once a minute, maintenance.
 */
void
aether_service_start (AetherService *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *moved_aside = NULL;
  gboolean collecting;

  g_return_if_fail (AETHER_IS_SERVICE (self));

  /* One collector per database: without the lock this service shows what
   * is stored (and what other processes change) but reads no device. */
  if (!(collecting = aether_service_lock_collector (self, &error)))
    g_warning ("Not collecting: %s", error->message);
  else if ((moved_aside = aether_store_find_moved_aside (self->store)) != NULL)
    g_warning ("Collecting into a new database %s; the damaged one was moved to %s",
               aether_store_get_path (self->store), moved_aside);

  /* Today's totals and the last hour survive a restart. Before the first
   * poll: the store is read for what came before now, in a thread, and
   * readings from now on reach the hot tier live. */
  aether_hot_tier_restore (self->hot, aether_store_get_path (self->store));
  if (collecting)
    aether_collector_start (self->collector);
  _aether_service_update_rate_period (self);
  _aether_service_watch_start (self->watch);
  /* Feeds are fetched by the one process that collects into the file. */
  if (collecting)
    _aether_service_feeds_start (self->feeds);
  if (collecting && self->housekeeping_id == 0)
    self->housekeeping_id = aether_clock_add_timeout (self->clock, HOUSEKEEPING_MS, housekeeping, self, NULL);
  /* The sinks' outboxes are sent by the one process that collects. */
  if (collecting)
    _aether_service_start_sinks (self);
}

/**
 * aether_service_stop:
 * @self: a service
 * @error: a location for a #GError
 *
 * Stops collecting and stores everything read so far.
 *
 * Returns: %TRUE if everything was stored
 */
gboolean
aether_service_stop (AetherService  *self,
                     GError        **error)
{
  gboolean ok;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);

  if (self->housekeeping_id != 0)
    {
      aether_clock_remove_timeout (self->clock, self->housekeeping_id);
      self->housekeeping_id = 0;
    }

  _aether_service_watch_stop (self->watch);
  _aether_service_feeds_stop (self->feeds);
  ok = aether_collector_stop (self->collector, error);
  save_statuses (self);
  if (self->collector_lock != NULL)
    check_store_file (self);
  if (ok && self->store_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->store_error));
      ok = FALSE;
    }

  /* No thread of ours may still be reading or writing the file once
   * stop() returns (a caller may close, move or delete it): today's
   * read-back is short; re-pricing is cancelled after its current day and
   * its jobs stay stored, so the next start takes them up again. */
  self->reprice_again = FALSE;
  if (self->reprice_cancellable != NULL)
    g_cancellable_cancel (self->reprice_cancellable);
  while (aether_hot_tier_is_restoring (self->hot) || self->reprice_cancellable != NULL)
    g_main_context_iteration (NULL, TRUE);
  _aether_service_stop_sinks (self);
  g_clear_pointer (&self->collector_lock, aether_store_lock_release);

  return ok;
}

/* A device gone from the registry (or whose configuration changed, to be
 * loaded again): collection stops, the registry and keyring are left as
 * they are (another process changed them). */
void
_aether_service_forget_device (AetherService *self,
                               const char    *device_id)
{
  g_return_if_fail (AETHER_IS_SERVICE (self));

  if (aether_collector_get_status (self->collector, device_id) != NULL)
    aether_collector_remove_device (self->collector, device_id);
  g_hash_table_remove (self->configs, device_id);
}

AetherServiceFeeds *
_aether_service_get_feeds (AetherService *self)
{
  return self->feeds;
}

/* After the service's own write to the registry or the rules: reloads
 * what changed the way a write by another process is reloaded. */
gboolean
_aether_service_reload_changed (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);

  return _aether_service_watch_reload (self->watch);
}
