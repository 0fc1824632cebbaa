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
 * on the clock. Stopping flushes everything read. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "aether-error.h"
#include "aether-devices.h"
#include "aether-rates.h"
#include "aether-reading.h"
#include "aether-redact.h"
#include "aether-secrets.h"
#include "aether-service.h"
#include "aether-service-private.h"
#include "alerts/aether-webhook.h"
#include "model/aether-energy-rule.h"
#include "store/aether-store-alert-state.h"
#include "store/aether-store-lock.h"
#include "store/aether-store-writer.h"
#include "tariff/aether-tariff.h"

#define HOUSEKEEPING_MS (60 * 1000)

struct _AetherService
{
  GObject             parent_instance;

  /* Owned references */
  AetherClock        *clock;
  AetherStore        *store;
  AetherStoreWriter  *writer;
  AetherHotTier      *hot;
  AetherPluginEngine *plugins;
  AetherCollector    *collector;
  AetherAlertEngine  *alerts;
  AetherNotifier     *notifier;
  AetherWebhook      *webhook;
  AetherTariff       *tariff;
  AetherTariff       *maintain_tariff;   /* the same versions, for the writer thread's maintenance */
  GHashTable         *configs;     /* device id → JsonObject configuration */
  AetherServiceWatch *watch;       /* changes other processes make */
  AetherServiceFeeds *feeds;       /* price and carbon feeds on a timer */
  AetherUser         *user;        /* the person's preferences, read once */
  AetherSinkDeliverer *sinks;      /* while collecting */

  guint               housekeeping_id;

  /* One collector per database (aether-store-lock.c); what went wrong
   * with the file while collecting, reported by stop() */
  AetherStoreLock    *collector_lock;
  GError             *store_error;

  /* Re-pricing on a worker thread */
  GCancellable       *reprice_cancellable;   /* set while it runs */
  gboolean            reprice_again;         /* the tariff changed meanwhile */
  double              reprice_progress;
};

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

static void
record_history (AetherService *self,
                const char    *alert_id,
                const char    *kind,
                const char    *detail)
{
  g_autoptr(GError) error = NULL;

  if (!aether_store_add_alert_history (self->store, aether_clock_now_us (self->clock), alert_id, kind, detail, &error))
    g_warning ("Could not record alert history: %s", error->message);
}

typedef struct
{
  AetherService *self;
  char          *alert_id;
  char          *url;
} WebhookCall;

static void
on_webhook_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  WebhookCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *detail = NULL;
  guint attempts = 0;

  if (aether_webhook_post_finish (AETHER_WEBHOOK (object), result, &attempts, &error))
    /* Translators: a web address, then how many tries it took */
    detail = g_strdup_printf (ngettext ("Posted to %s (%u attempt)", "Posted to %s (%u attempts)", attempts),
                              call->url, attempts);
  else
    detail = g_strdup_printf (_("Webhook failed: %s"), error->message);

  aether_alert_engine_record_action_result (call->self->alerts, call->alert_id, detail);
  record_history (call->self, call->alert_id, "action", detail);

  g_object_unref (call->self);
  g_free (call->alert_id);
  g_free (call->url);
  g_free (call);
}

static void
on_alert_fired (AetherAlertEngine *alerts,
                AetherAlertRule   *rule,
                gpointer           event_ptr,
                AetherService     *self)
{
  const AetherAlertEvent *event = event_ptr;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) rule_json = aether_alert_rule_to_json (rule);

  record_history (self, event->alert_id, "fired", event->body);

  /* The rule's metadata (trigger_count, last_triggered) changed. */
  if (!aether_store_put_alert (self->store, rule_json, &error))
    g_warning ("Could not save alert %s: %s", event->alert_id, error->message);

  if (self->notifier != NULL && aether_user_get_notification (_aether_service_peek_user (self), "push"))
    aether_notifier_notify (self->notifier, event);
  else
    g_message ("Alert “%s”: %s", event->title, event->body);

  for (guint i = 0; i < aether_alert_rule_get_n_actions (rule); i++)
    {
      const AetherAlertAction *action = aether_alert_rule_get_action (rule, i);
      g_autoptr(JsonBuilder) builder = NULL;
      g_autoptr(JsonNode) body = NULL;
      g_autofree char *when = NULL;
      WebhookCall *call;

      if (action->type != AETHER_ALERT_ACTION_WEBHOOK)
        continue;
      /* The person turned webhooks off in Preferences. */
      if (!aether_user_get_notification (_aether_service_peek_user (self), "webhook"))
        {
          record_history (self, event->alert_id, "action", _("Webhook not called: webhooks are off in Preferences"));
          continue;
        }

      when = aether_format_timestamp (aether_clock_now_us (self->clock));
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "alert_id");
      json_builder_add_string_value (builder, event->alert_id);
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, event->title);
      json_builder_set_member_name (builder, "message");
      json_builder_add_string_value (builder, action->message ? action->message : event->body);
      json_builder_set_member_name (builder, "device_id");
      if (event->device_id)
        json_builder_add_string_value (builder, event->device_id);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "time");
      json_builder_add_string_value (builder, when);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);

      call = g_new0 (WebhookCall, 1);
      call->self = g_object_ref (self);
      call->alert_id = g_strdup (event->alert_id);
      /* What the history and the log may show of it. */
      call->url = aether_redact_url (action->url);
      aether_webhook_post_async (self->webhook, action->url, body, NULL, on_webhook_done, call);
    }
}

/* A snooze or a firing is kept, so a restart does not fire (and switch a
 * device off) again what the person snoozed. */
static void
on_alert_state_changed (AetherAlertEngine *alerts,
                        AetherAlertRule   *rule,
                        AetherService     *self)
{
  g_autoptr(GError) error = NULL;
  gint64 snoozed_until = 0, last_fired = 0;

  if (!aether_alert_engine_get_state (alerts, aether_alert_rule_get_id (rule), &snoozed_until, &last_fired))
    return;
  if (!aether_store_put_alert_state (self->store, aether_alert_rule_get_id (rule), snoozed_until, last_fired, &error))
    g_warning ("Could not keep the snooze of alert %s: %s", aether_alert_rule_get_id (rule), error->message);
}

static void
on_alert_cleared (AetherAlertEngine *alerts,
                  AetherAlertRule   *rule,
                  AetherService     *self)
{
  record_history (self, aether_alert_rule_get_id (rule), "cleared", NULL);
  if (self->notifier != NULL)
    aether_notifier_withdraw (self->notifier, aether_alert_rule_get_id (rule));
}

typedef struct
{
  AetherService *self;
  char          *alert_id;
  char          *device_id;
  gboolean       on;
} AutomationCall;

static void
on_automation_done (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  AutomationCall *call = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) device = aether_store_get_device (call->self->store, call->device_id, NULL);
  g_autofree char *detail = NULL;
  const char *name;

  /* A person reads the device's name, not its registry id. */
  name = device ? json_object_get_string_member_with_default (json_node_get_object (device), "name", NULL) : NULL;
  if (name == NULL)
    name = _("the device");

  if (aether_service_set_state_finish (call->self, result, &error))
    detail = g_strdup_printf (call->on ? _("Turned %s on") : _("Turned %s off"), name);
  else
    detail = g_strdup_printf (call->on ? _("Could not turn %s on: %s") : _("Could not turn %s off: %s"),
                              name, error->message);

  aether_alert_engine_record_action_result (call->self->alerts, call->alert_id, detail);
  record_history (call->self, call->alert_id, "action", detail);

  /* The person hears what was done on their behalf. */
  if (call->self->notifier != NULL)
    {
      AetherAlertRule *rule = aether_alert_engine_get_rule (call->self->alerts, call->alert_id);
      /* Its own notification beside the alert's, but its Snooze button
       * still names the rule (an id that exists). */
      AetherAlertEvent event = {
        .alert_id = call->alert_id,
        .title = rule ? aether_alert_rule_get_name (rule) : _("Alert"),
        .body = detail,
        .device_id = call->device_id,
        .controllable = FALSE,
        .tag = "automation",
      };

      aether_notifier_notify (call->self->notifier, &event);
    }
  else
    g_message ("%s", detail);

  g_object_unref (call->self);
  g_free (call->alert_id);
  g_free (call->device_id);
  g_free (call);
}

static void
on_automation (AetherAlertEngine *alerts,
               AetherAlertRule   *rule,
               const char        *device_id,
               gboolean           turn_on,
               AetherService     *self)
{
  AutomationCall *call = g_new0 (AutomationCall, 1);

  call->self = g_object_ref (self);
  call->alert_id = g_strdup (aether_alert_rule_get_id (rule));
  call->device_id = g_strdup (device_id);
  call->on = turn_on;
  aether_service_set_state_async (self, device_id, turn_on, NULL, on_automation_done, call);
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
  g_signal_connect (self->alerts, "fired", G_CALLBACK (on_alert_fired), self);
  g_signal_connect (self->alerts, "cleared", G_CALLBACK (on_alert_cleared), self);
  g_signal_connect (self->alerts, "automation", G_CALLBACK (on_automation), self);
  g_signal_connect (self->alerts, "state-changed", G_CALLBACK (on_alert_state_changed), self);
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
 * aether_service_get_currency:
 * @self: a service
 *
 * Returns: (nullable): the currency of the rate schedule in force now, as
 *   an ISO 4217 code; without one, the person's (Preferences), or %NULL
 */
const char *
aether_service_get_currency (AetherService *self)
{
  AetherRateSchedule *schedule;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);

  schedule = self->tariff ? aether_tariff_schedule_at (self->tariff, aether_clock_now_s (self->clock)) : NULL;
  if (schedule != NULL)
    return aether_rate_schedule_get_currency (schedule);
  /* No tariff: the person's currency (the system's unless they chose). */
  return aether_user_get_currency (_aether_service_peek_user (self));
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

static void
set_reprice_progress (AetherService *self,
                      double         fraction)
{
  if (self->reprice_progress == fraction)
    return;
  self->reprice_progress = fraction;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REPRICE_PROGRESS]);
}

/**
 * aether_service_get_reprice_progress:
 * @self: a service
 *
 * Returns: how much of the re-pricing after a tariff change is done, 0 to
 *   1; 1 when nothing waits
 */
double
aether_service_get_reprice_progress (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), 1.0);

  return self->reprice_progress;
}

static void
weak_ref_free (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

static GWeakRef *
weak_ref_new (AetherService *self)
{
  GWeakRef *ref = g_new0 (GWeakRef, 1);

  g_weak_ref_init (ref, self);
  return ref;
}

static void
on_reprice_progress (double   fraction,
                     gpointer user_data)
{
  g_autoptr(AetherService) self = g_weak_ref_get (user_data);

  /* A cancelled run's last slices say nothing of the run that follows. */
  if (self != NULL && self->reprice_cancellable != NULL && !g_cancellable_is_cancelled (self->reprice_cancellable))
    set_reprice_progress (self, fraction);
}

static void start_repricing (AetherService *self,
                             gboolean       restart);

static void
on_reprice_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(AetherService) self = g_weak_ref_get (user_data);
  g_autoptr(GError) error = NULL;
  gboolean ok = aether_store_reprice_jobs_finish (AETHER_STORE (object), result, NULL, &error);

  weak_ref_free (user_data);
  if (self == NULL)
    return;

  g_clear_object (&self->reprice_cancellable);
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Re-pricing failed (it will be tried again): %s", error->message);

  if (self->reprice_again)
    {
      self->reprice_again = FALSE;
      start_repricing (self, FALSE);
    }
  else if (ok)
    set_reprice_progress (self, 1.0);
}

/* Re-pricing runs on a worker thread with its own connection, newest day
 * first, so the window never waits and today's costs change first. The
 * worker prices with a tariff of its own: pricers keep lookup caches and
 * are not shared between threads. @restart: a run going on was started
 * with an older tariff, so it starts over. */
static void
start_repricing (AetherService *self,
                 gboolean       restart)
{
  g_autoptr(AetherTariff) tariff = NULL;
  guint n = 0;

  if (self->reprice_cancellable != NULL)
    {
      if (restart)
        {
          self->reprice_again = TRUE;
          g_cancellable_cancel (self->reprice_cancellable);
        }
      return;
    }

  if (self->tariff == NULL || aether_store_get_n_reprice_jobs (self->store) == 0 ||
      !(tariff = aether_rates_load_tariff (self->store, &n, NULL)) || n == 0)
    return;

  set_reprice_progress (self, 0.0);
  self->reprice_cancellable = g_cancellable_new ();
  aether_store_reprice_jobs_async (self->store, AETHER_PRICER (tariff),
                                   on_reprice_progress, weak_ref_new (self), weak_ref_free,
                                   self->reprice_cancellable, on_reprice_done, weak_ref_new (self));
}

/**
 * aether_service_reload_tariff:
 * @self: a service
 * @error: a location for a #GError
 *
 * Builds the tariff from the stored rate schedule versions and prices new
 * readings with it. A version that does not validate is skipped and
 * reported.
 *
 * Returns: how many versions are in force
 */
guint
aether_service_reload_tariff (AetherService  *self,
                              GError        **error)
{
  g_autoptr(AetherTariff) tariff = NULL;
  guint n = 0;

  g_return_val_if_fail (AETHER_IS_SERVICE (self), 0);

  if (!(tariff = aether_rates_load_tariff (self->store, &n, error)))
    return 0;

  g_clear_object (&self->tariff);
  g_clear_object (&self->maintain_tariff);
  if (n > 0)
    {
      self->tariff = g_object_ref (tariff);
      /* Maintenance prices on the writer thread, with a tariff of its own:
       * pricers keep lookup caches and are not shared between threads. */
      self->maintain_tariff = aether_rates_load_tariff (self->store, NULL, NULL);
    }
  aether_store_set_pricer (self->store, n > 0 ? AETHER_PRICER (tariff) : NULL);
  aether_hot_tier_set_pricer (self->hot, n > 0 ? AETHER_PRICER (tariff) : NULL);

  /* An edit queued a re-pricing job: start it now, today first, with the
   * new tariff (a run already going starts over with it). */
  start_repricing (self, TRUE);
  /* A version may name a feed, or no longer. */
  _aether_service_feeds_sync (self->feeds);

  return n;
}

static void
update_rate_period (AetherService *self)
{
  gint64 now = aether_clock_now_s (self->clock);
  AetherRateSchedule *schedule = self->tariff ? aether_tariff_schedule_at (self->tariff, now) : NULL;
  const AetherRatePeriod *period = schedule ? aether_rate_schedule_period_at (schedule, now) : NULL;
  double rate = period ? aether_rate_schedule_rate_at (schedule, period, now) : 0;

  aether_hot_tier_set_rate_period (self->hot, period ? period->name : NULL, isnan (rate) ? 0 : rate,
                                   schedule ? aether_rate_schedule_next_change (schedule, now) * G_USEC_PER_SEC : 0);
  aether_alert_engine_set_rate_period (self->alerts, period ? period->name : NULL);
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

/**
 * aether_service_project_cost:
 * @store: the store to read (the service's, or a reader on another thread)
 * @member_ids: (array zero-terminated=1): the home's members (AetherHome)
 * @now: the present, in the zone whose month is the cycle
 * @projection: (out caller-allocates): the cycle so far and its projection
 * @error: a location for a #GError
 *
 * The service's cost projection, written once: the stored cost of the
 * month so far, and the whole month at the same pace. Cost alerts and the
 * Dashboard use it. Touches only @store, so it may run on a thread.
 *
 * Returns: %TRUE unless the store could not be read
 */
gboolean
aether_service_project_cost (AetherStore           *store,
                             const char * const    *member_ids,
                             GDateTime             *now,
                             AetherCostProjection  *projection,
                             GError               **error)
{
  g_autoptr(GDateTime) month_start = NULL;
  g_autoptr(GDateTime) month_end = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  double month = 0, elapsed, length;

  g_return_val_if_fail (AETHER_IS_STORE (store), FALSE);
  g_return_val_if_fail (now != NULL && projection != NULL, FALSE);

  month_start = g_date_time_new (g_date_time_get_timezone (now), g_date_time_get_year (now),
                                 g_date_time_get_month (now), 1, 0, 0, 0);
  month_end = g_date_time_add_months (month_start, 1);
  if (!(totals = aether_store_energy_totals_for_devices (store, member_ids,
                                                         g_date_time_to_unix (month_start) * G_USEC_PER_SEC,
                                                         g_date_time_to_unix (now) * G_USEC_PER_SEC + g_date_time_get_microsecond (now), error)))
    return FALSE;
  for (guint i = 0; i < totals->len; i++)
    month += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->cost;

  elapsed = (double)(g_date_time_to_unix (now) - g_date_time_to_unix (month_start)) / 86400.0;
  length = g_date_get_days_in_month (g_date_time_get_month (now), g_date_time_get_year (now));
  projection->cycle_start_s = g_date_time_to_unix (month_start);
  projection->cycle_end_s = g_date_time_to_unix (month_end);
  projection->so_far = month;
  projection->projected = elapsed > 0.04 ? month * length / elapsed : month;
  return TRUE;
}

/* Today's cost from the hot tier (the whole-home meter if there is one,
 * else every device), and the bill of the cycle projected from the month
 * so far, for cost alerts. */
static void
update_costs (AetherService *self)
{
  g_autoptr(GPtrArray) devices = aether_store_list_devices (self->store, NULL);
  g_autoptr(GDateTime) now = aether_clock_now_local (self->clock, NULL);
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(AetherHome) home = NULL;
  AetherCostProjection projection = { 0 };
  GPtrArray *members;
  double today = 0;

  if (self->tariff == NULL || devices == NULL)
    return;

  /* The home's cost by the home rule: its meters, else every device. */
  home = aether_home_new (devices);
  members = aether_home_get_members (home);
  ids = g_ptr_array_new ();
  for (guint i = 0; i < members->len; i++)
    {
      double cost = 0;

      if (aether_hot_tier_get_today (self->hot, g_ptr_array_index (members, i), NULL, &cost))
        today += cost;
      g_ptr_array_add (ids, g_ptr_array_index (members, i));
    }
  g_ptr_array_add (ids, NULL);

  aether_service_project_cost (self->store, (const char * const *)ids->pdata, now, &projection, NULL);
  aether_alert_engine_set_costs (self->alerts, today, projection.projected);
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
  update_rate_period (self);
  update_costs (self);
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
  start_repricing (self, FALSE);
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
  update_rate_period (self);
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

static void
on_set_state_done (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AetherService *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (aether_device_provider_set_state_finish (AETHER_DEVICE_PROVIDER (object), result, &error))
    {
      /* Read the relay back now, so every switch shown follows at once. */
      aether_collector_poll_now (self->collector, g_task_get_task_data (task));
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

/**
 * aether_service_set_state_async:
 * @self: a service
 * @device_id: a device in the registry
 * @on: the state to switch it to
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 */
void
aether_service_set_state_async (AetherService       *self,
                                const char          *device_id,
                                gboolean             on,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(JsonNode) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) revealed = NULL;
  JsonObject *config;
  AetherDeviceProvider *provider;
  const char *plugin;
  guint channel = 0;

  g_return_if_fail (AETHER_IS_SERVICE (self));
  g_return_if_fail (device_id != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_service_set_state_async);
  g_task_set_task_data (task, g_strdup (device_id), g_free);

  if (!(device = aether_store_get_device (self->store, device_id, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  config = json_object_get_object_member (json_node_get_object (device), "configuration");
  /* The plugin needs the password the keyring keeps: the configuration the
   * collector polls with, or the stored one with it filled in. */
  if (g_hash_table_contains (self->configs, device_id))
    config = g_hash_table_lookup (self->configs, device_id);
  else if (config != NULL && json_object_has_member (config, "plugin_config") &&
           JSON_NODE_HOLDS_OBJECT (json_object_get_member (config, "plugin_config")) &&
           json_object_has_member (json_object_get_object_member (config, "plugin_config"), "keyring"))
    config = revealed = aether_secrets_reveal_config (device_id, config);
  if (config == NULL)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                               _("Device “%s” has no configuration to reach it with"), device_id);
      return;
    }
  plugin = json_object_get_string_member_with_default (config, "plugin", "");
  if (!(provider = aether_plugin_engine_get_provider (self->plugins, plugin, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (json_object_has_member (config, "plugin_config"))
    channel = (guint)json_object_get_int_member_with_default (json_object_get_object_member (config, "plugin_config"),
                                                              "channel", 0);

  aether_device_provider_set_state_async (provider, config, channel, on, cancellable,
                                          on_set_state_done, g_steal_pointer (&task));
}

gboolean
aether_service_set_state_finish (AetherService  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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

/* After the service's own write to the registry or the rules: reloads
 * what changed the way a write by another process is reloaded. */
/**
 * aether_service_get_tariff:
 * @self: a service
 *
 * Returns: (transfer none) (nullable): the tariff its costs are priced
 *   with, or %NULL when no schedule is stored
 */
AetherTariff *
aether_service_get_tariff (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), NULL);
  return self->tariff;
}

AetherServiceFeeds *
_aether_service_get_feeds (AetherService *self)
{
  return self->feeds;
}

gboolean
_aether_service_reload_changed (AetherService *self)
{
  g_return_val_if_fail (AETHER_IS_SERVICE (self), FALSE);

  return _aether_service_watch_reload (self->watch);
}

/* After the tariff was rebuilt: the period in force may differ. */
void
_aether_service_update_rate_period (AetherService *self)
{
  g_return_if_fail (AETHER_IS_SERVICE (self));

  update_rate_period (self);
}
