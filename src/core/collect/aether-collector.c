/* aether-collector.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The collector polls every device through its plugin on the main loop
 * (no threads: plugins are async), and turns answers into readings for the
 * sinks (storage writer, hot tier) and into the seed's device status.
 *
 * Each device has its own timer on the AetherClock, started at a phase
 * spread over its interval so a thousand devices at 1 s do not all fire at
 * once. A poll that does not answer within the device's timeout is
 * cancelled; failures back off exponentially (capped at five minutes) and
 * mark the device offline, without touching any other device. At most
 * max_concurrent polls run at once; the rest wait their turn in order.
 *
 * Energy is derived per device by an AetherEnergyMeter (counter or
 * trapezoid, gaps recorded) and emitted as a monotonic `energy` reading in
 * Wh, so storage never sees a device's raw counter with its resets. The
 * device's own counter is kept beside it as `energy_counter`, as read,
 * so that the next start (aether_collector_restore_energy()) counts from
 * it: what the device counted while we were stopped is real energy. A
 * step the device's rated power cannot explain is not energy; it is said
 * once per device in the log.
 *
 * Multi-channel devices (a Shelly 2.5, an HS300 strip) are one registry
 * device per channel, each with `plugin_config.channel`; a poll's samples of
 * other channels are ignored here.
 *
 * A relay's state is a reading like any other (`relay`, 1 or 0), so what
 * shows a switch follows the device, whoever switched it. It is a state:
 * it never reaches the energy meter. */

#define G_LOG_DOMAIN "aether-collector"

#include "config.h"

#include <math.h>

#include "aether-collector.h"
#include "model/aether-energy-meter.h"
#include "aether-error.h"

#define DEFAULT_POLL_INTERVAL_S   10
#define DEFAULT_TIMEOUT_S         5
#define DEFAULT_MAX_CONCURRENT    32
#define MAX_BACKOFF_US            (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)
#define DEVICE_CLOCK_TOLERANCE_US (G_GINT64_CONSTANT (300) * G_USEC_PER_SEC)
#define RUNNING_THRESHOLD_W       0.5

typedef struct
{
  /* Borrowed; the collector outlives its slots' work */
  AetherCollector      *collector;

  /* Owned */
  char                 *device_id;
  AetherDeviceProvider *provider;
  JsonObject           *config;
  GCancellable         *cancellable;
  AetherEnergyMeter    *meter;

  AetherDeviceStatus    status;

  gint64                interval_us;
  gint64                timeout_us;
  gint64                next_poll_us;
  gint64                last_power_us;
  double                last_power_w;
  guint                 channel;
  guint                 timer_id;
  guint                 timeout_id;
  guint                 poll_serial;

  guint                 in_flight : 1;
  guint                 queued : 1;
  guint                 removed : 1;
  guint                 have_power : 1;
  guint                 poll_again : 1;
  guint                 told_implausible : 1;
  guint                 recorded : 1;
} DeviceSlot;

struct _AetherCollector
{
  GObject      parent_instance;

  /* Owned references */
  AetherClock *clock;
  GPtrArray   *sinks;
  GHashTable  *slots;    /* device_id → DeviceSlot (rc) */
  GQueue       pending;  /* DeviceSlot (rc) waiting for a free poll */

  gulong       jumped_handler;
  guint        max_concurrent;
  guint        n_in_flight;
  guint        n_polls;

  guint        running : 1;
};

G_DEFINE_FINAL_TYPE (AetherCollector, aether_collector, G_TYPE_OBJECT)

enum {
  READING,
  STATUS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_poll    (DeviceSlot *slot);
static void schedule_poll (DeviceSlot *slot,
                           gint64      delay_us);

static void
device_slot_clear (gpointer data)
{
  DeviceSlot *slot = data;

  g_clear_pointer (&slot->device_id, g_free);
  g_clear_object (&slot->provider);
  g_clear_pointer (&slot->config, json_object_unref);
  g_clear_object (&slot->cancellable);
  g_clear_pointer (&slot->meter, aether_energy_meter_free);
  g_clear_pointer (&slot->status.last_error, g_free);
}

static DeviceSlot *
device_slot_ref (DeviceSlot *slot)
{
  return g_rc_box_acquire (slot);
}

static void
device_slot_unref (gpointer slot)
{
  g_rc_box_release_full (slot, device_slot_clear);
}

static void
cancel_slot_work (DeviceSlot *slot)
{
  AetherCollector *self = slot->collector;

  if (slot->timer_id != 0)
    {
      aether_clock_remove_timeout (self->clock, slot->timer_id);
      slot->timer_id = 0;
    }

  if (slot->timeout_id != 0)
    {
      aether_clock_remove_timeout (self->clock, slot->timeout_id);
      slot->timeout_id = 0;
    }

  if (slot->in_flight)
    {
      /* The plugin's answer, when it comes, is dropped by its serial. */
      slot->in_flight = FALSE;
      slot->poll_serial++;
      self->n_in_flight--;
      g_cancellable_cancel (slot->cancellable);
      g_clear_object (&slot->cancellable);
    }

  if (slot->queued)
    {
      GList *link = g_queue_find (&self->pending, slot);

      if (link != NULL)
        {
          g_queue_delete_link (&self->pending, link);
          device_slot_unref (slot);
        }
      slot->queued = FALSE;
    }
}

static void
on_clock_jumped (AetherCollector *self,
                 gint64           delta_us)
{
  GHashTableIter iter;
  gpointer value;

  /* A suspend or a clock correction: integrate nothing across it. */
  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      DeviceSlot *slot = value;

      aether_energy_meter_break (slot->meter);
      slot->have_power = FALSE;
    }
}

static void
aether_collector_dispose (GObject *object)
{
  AetherCollector *self = (AetherCollector *)object;

  if (self->slots != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->slots);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          DeviceSlot *slot = value;

          slot->removed = TRUE;
          cancel_slot_work (slot);
        }
    }

  g_clear_signal_handler (&self->jumped_handler, self->clock);
  g_clear_pointer (&self->slots, g_hash_table_unref);
  g_clear_pointer (&self->sinks, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_collector_parent_class)->dispose (object);
}

static void
aether_collector_finalize (GObject *object)
{
  AetherCollector *self = (AetherCollector *)object;

  g_clear_object (&self->clock);

  G_OBJECT_CLASS (aether_collector_parent_class)->finalize (object);
}

static void
aether_collector_class_init (AetherCollectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aether_collector_dispose;
  object_class->finalize = aether_collector_finalize;

  /**
   * AetherCollector::reading:
   * @self: the collector
   * @reading: (type gpointer): the #AetherReading, valid during the emission
   *
   * Emitted for every reading, after the sinks have it. Live views and the
   * alert engine listen here.
   */
  signals[READING] =
    g_signal_new ("reading",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_POINTER);

  /**
   * AetherCollector::status-changed:
   * @self: the collector
   * @device_id: the device
   *
   * Emitted after every poll of @device_id, successful or not.
   */
  signals[STATUS_CHANGED] =
    g_signal_new ("status-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
aether_collector_init (AetherCollector *self)
{
  self->sinks = g_ptr_array_new_with_free_func (g_object_unref);
  self->slots = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, device_slot_unref);
  self->max_concurrent = DEFAULT_MAX_CONCURRENT;
  g_queue_init (&self->pending);
}

/**
 * aether_collector_new:
 * @clock: the clock that drives polling
 *
 * Returns: (transfer full): a collector with no devices
 */
AetherCollector *
aether_collector_new (AetherClock *clock)
{
  AetherCollector *self;

  g_return_val_if_fail (AETHER_IS_CLOCK (clock), NULL);

  self = g_object_new (AETHER_TYPE_COLLECTOR, NULL);
  self->clock = g_object_ref (clock);
  self->jumped_handler = g_signal_connect_swapped (clock, "jumped",
                                                   G_CALLBACK (on_clock_jumped), self);

  return self;
}

/**
 * aether_collector_add_sink:
 * @self: a collector
 * @sink: where readings go
 */
void
aether_collector_add_sink (AetherCollector   *self,
                           AetherReadingSink *sink)
{
  g_return_if_fail (AETHER_IS_COLLECTOR (self));
  g_return_if_fail (AETHER_IS_READING_SINK (sink));

  g_ptr_array_add (self->sinks, g_object_ref (sink));
}

static gint64
config_get_seconds (JsonObject  *plugin_config,
                    const char  *key,
                    gint64       fallback_s,
                    GError     **error)
{
  gint64 us;

  return aether_device_config_get_seconds (plugin_config, key, fallback_s, &us, error) ? us : -1;
}

/**
 * aether_collector_add_device:
 * @self: a collector
 * @device_id: the seed's `device_id`
 * @provider: the plugin's provider
 * @configuration: the seed's Device `configuration` object; its
 *   `plugin_config` may set `polling_interval`, `timeout_seconds` and `channel`
 * @error: a location for a #GError
 *
 * Starts polling @device_id if the collector is running.
 *
 * Returns: %TRUE if the device was added
 */
gboolean
aether_collector_add_device (AetherCollector       *self,
                             const char            *device_id,
                             AetherDeviceProvider  *provider,
                             JsonObject            *configuration,
                             GError               **error)
{
  JsonObject *plugin_config = NULL;
  DeviceSlot *slot;
  gint64 interval_us;
  gint64 timeout_us;

  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (provider), FALSE);
  g_return_val_if_fail (configuration != NULL, FALSE);

  if (g_hash_table_contains (self->slots, device_id))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS,
                   "Device “%s” is already being collected", device_id);
      return FALSE;
    }

  if (json_object_has_member (configuration, "plugin_config"))
    plugin_config = json_object_get_object_member (configuration, "plugin_config");

  if ((interval_us = config_get_seconds (plugin_config, "polling_interval",
                                         DEFAULT_POLL_INTERVAL_S, error)) < 0 ||
      (timeout_us = config_get_seconds (plugin_config, "timeout_seconds",
                                        DEFAULT_TIMEOUT_S, error)) < 0)
    {
      g_prefix_error (error, "Device “%s”: ", device_id);
      return FALSE;
    }

  slot = g_rc_box_new0 (DeviceSlot);
  slot->collector = self;
  slot->device_id = g_strdup (device_id);
  slot->provider = g_object_ref (provider);
  slot->config = json_object_ref (configuration);
  slot->interval_us = interval_us;
  /* A timeout longer than the interval would stack polls up. */
  slot->timeout_us = MIN (timeout_us, MAX (interval_us, G_USEC_PER_SEC));
  slot->meter = aether_energy_meter_new (interval_us);
  if (plugin_config != NULL && json_object_has_member (plugin_config, "channel"))
    slot->channel = (guint)MAX (0, json_object_get_int_member (plugin_config, "channel"));

  g_hash_table_insert (self->slots, slot->device_id, slot);

  if (self->running)
    {
      /* Spread the first polls over the interval, the same way every run. */
      guint32 hash = g_str_hash (device_id);

      schedule_poll (slot, (gint64)(hash % (guint32)MAX (1, interval_us / 1000)) * 1000);
    }

  return TRUE;
}

/**
 * aether_collector_remove_device:
 * @self: a collector
 * @device_id: the device
 *
 * Returns: %TRUE if the device was being collected
 */
gboolean
aether_collector_remove_device (AetherCollector *self,
                                const char      *device_id)
{
  DeviceSlot *slot;

  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  if (!(slot = g_hash_table_lookup (self->slots, device_id)))
    return FALSE;

  slot->removed = TRUE;
  cancel_slot_work (slot);
  g_hash_table_remove (self->slots, device_id);

  return TRUE;
}

/**
 * aether_collector_restore_status:
 * @self: a collector
 * @device_id: a device added before
 * @status: the status stored last time
 *
 * Carries a device's counters (errors, runtime) over from the registry.
 */
void
aether_collector_restore_status (AetherCollector          *self,
                                 const char               *device_id,
                                 const AetherDeviceStatus *status)
{
  DeviceSlot *slot;

  g_return_if_fail (AETHER_IS_COLLECTOR (self));
  g_return_if_fail (status != NULL);

  if (!(slot = g_hash_table_lookup (self->slots, device_id)))
    return;

  slot->status.online = status->online;
  slot->status.last_seen_us = status->last_seen_us;
  slot->status.error_count = status->error_count;
  slot->status.total_runtime_hours = status->total_runtime_hours;
}

static void
poll_or_queue (DeviceSlot *slot)
{
  AetherCollector *self = slot->collector;

  if (slot->removed || !self->running)
    return;

  if (slot->in_flight || slot->queued)
    return;

  if (self->n_in_flight >= self->max_concurrent)
    {
      slot->queued = TRUE;
      g_queue_push_tail (&self->pending, device_slot_ref (slot));
      return;
    }

  start_poll (slot);
}

static gboolean
on_poll_due (gpointer user_data)
{
  DeviceSlot *slot = user_data;

  slot->timer_id = 0;
  poll_or_queue (slot);

  return G_SOURCE_REMOVE;
}

static void
schedule_poll (DeviceSlot *slot,
               gint64      delay_us)
{
  AetherCollector *self = slot->collector;
  guint delay_ms = (guint)MAX (1, (delay_us + 999) / 1000);

  g_assert (slot->timer_id == 0);

  slot->next_poll_us = aether_clock_now_us (self->clock) + (gint64)delay_ms * 1000;
  slot->timer_id = aether_clock_add_timeout (self->clock, delay_ms, on_poll_due,
                                             device_slot_ref (slot), device_slot_unref);
}

static void
start_next_pending (AetherCollector *self)
{
  while (self->running &&
         self->n_in_flight < self->max_concurrent &&
         !g_queue_is_empty (&self->pending))
    {
      DeviceSlot *slot = g_queue_pop_head (&self->pending);

      slot->queued = FALSE;
      if (!slot->removed)
        start_poll (slot);
      device_slot_unref (slot);
    }
}

static void
emit_reading (AetherCollector *self,
              DeviceSlot      *slot,
              gint64           time_us,
              const char      *metric_type,
              double           value,
              const char      *unit)
{
  AetherReading reading = {
    .timestamp_us = time_us,
    .device_id = slot->device_id,
    .metric_type = (char *)metric_type,
    .value = value,
    .unit = (char *)unit,
  };

  for (guint i = 0; i < self->sinks->len; i++)
    aether_reading_sink_push (g_ptr_array_index (self->sinks, i), &reading);

  g_signal_emit (self, signals[READING], 0, &reading);
}

static gboolean
check_sample (const AetherSample  *sample,
              GError             **error)
{
  const char *what = aether_metric_to_string (sample->metric);
  double v = sample->value;
  gboolean ok;

  if (!isfinite (v))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "The device reported a %s that is not a number", what);
      return FALSE;
    }

  switch (sample->metric)
    {
    case AETHER_METRIC_POWER:
      /* Beyond any household circuit, in either direction. */
      ok = fabs (v) <= 1e6;
      break;
    case AETHER_METRIC_ENERGY:
      ok = v >= 0;
      break;
    case AETHER_METRIC_VOLTAGE:
      ok = v >= 0 && v <= 1000;
      break;
    case AETHER_METRIC_CURRENT:
      ok = fabs (v) <= 10000;
      break;
    case AETHER_METRIC_POWER_FACTOR:
      ok = fabs (v) <= 1.01;
      break;
    case AETHER_METRIC_FREQUENCY:
      ok = v >= 0 && v <= 1000;
      break;
    case AETHER_METRIC_TEMPERATURE:
      ok = v >= -100 && v <= 300;
      break;
    case AETHER_METRIC_RELAY:
      ok = v == 0 || v == 1;
      break;
    case AETHER_N_METRICS:
    default:
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "The device reported an unknown kind of value");
      return FALSE;
    }

  if (!ok)
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                 "The device reported an impossible %s of %g %s",
                 what, v, aether_metric_get_unit (sample->metric));

  return ok;
}

/* A step the device cannot have made is said once per device, not every
 * poll of a device whose counter has gone mad. */
static void
note_step (DeviceSlot             *slot,
           const AetherEnergyStep *step,
           double                  counter_wh)
{
  if (!step->implausible || slot->told_implausible)
    return;

  slot->told_implausible = TRUE;
  if (isfinite (counter_wh))
    g_message ("Device %s: its energy counter jumped to %g Wh in %.0f s, more than the device can draw; "
               "not counted as energy (said once)",
               slot->device_id, counter_wh, (double)(step->end_us - step->start_us) / G_USEC_PER_SEC);
  else
    g_message ("Device %s: its power over %.0f s gives more energy than the device can draw; "
               "not counted as energy (said once)",
               slot->device_id, (double)(step->end_us - step->start_us) / G_USEC_PER_SEC);
}

static gboolean
record_samples (AetherCollector  *self,
                DeviceSlot       *slot,
                GArray           *samples,
                GError          **error)
{
  gint64 now_us = aether_clock_now_us (self->clock);
  gboolean any = FALSE;
  gint64 time_us = now_us;

  /* Check everything before recording anything: half a poll is nonsense. */
  for (guint i = 0; i < samples->len; i++)
    {
      const AetherSample *sample = &g_array_index (samples, AetherSample, i);

      if (sample->channel != slot->channel)
        continue;
      if (!check_sample (sample, error))
        return FALSE;
      any = TRUE;

      /* The device's own time is better, if its clock is right. */
      if (sample->device_time_us != 0 &&
          ABS (sample->device_time_us - now_us) <= DEVICE_CLOCK_TOLERANCE_US)
        time_us = sample->device_time_us;
    }

  if (!any)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "The device answered without a reading for channel %u", slot->channel);
      return FALSE;
    }

  slot->recorded = TRUE;
  for (guint i = 0; i < samples->len; i++)
    {
      const AetherSample *sample = &g_array_index (samples, AetherSample, i);
      AetherEnergyStep step;

      if (sample->channel != slot->channel)
        continue;

      if (sample->metric == AETHER_METRIC_ENERGY)
        {
          if (aether_energy_meter_push_counter (slot->meter, time_us, sample->value, &step))
            note_step (slot, &step, sample->value);
          /* As read: where the next start counts from. */
          emit_reading (self, slot, time_us, "energy_counter", sample->value, "Wh");
          continue;
        }

      if (sample->metric == AETHER_METRIC_POWER)
        {
          gboolean have_step = aether_energy_meter_push_power (slot->meter, time_us, sample->value, &step);

          if (have_step)
            note_step (slot, &step, NAN);

          if (have_step && !step.gap && slot->have_power && slot->last_power_w > RUNNING_THRESHOLD_W)
            slot->status.total_runtime_hours += (double)(time_us - slot->last_power_us) / G_USEC_PER_SEC / 3600.0;

          slot->have_power = TRUE;
          slot->last_power_us = time_us;
          slot->last_power_w = sample->value;
        }

      emit_reading (self, slot, time_us,
                    aether_metric_to_string (sample->metric),
                    sample->value,
                    aether_metric_get_unit (sample->metric));
    }

  emit_reading (self, slot, time_us, "energy",
                aether_energy_meter_get_total_wh (slot->meter), "Wh");

  return TRUE;
}

static gint64
backoff_delay (DeviceSlot *slot)
{
  guint shift = MIN (slot->status.consecutive_errors, 8);
  gint64 delay = slot->interval_us << shift;

  return MIN (delay, MAX (MAX_BACKOFF_US, slot->interval_us));
}

typedef struct
{
  DeviceSlot *slot;
  guint       serial;
} PollCall;

static void
finish_poll (DeviceSlot *slot,
             GArray     *samples,
             GError     *error)
{
  AetherCollector *self = slot->collector;
  g_autoptr(GError) local_error = error;
  gint64 now_us;
  gint64 delay_us;

  if (slot->timeout_id != 0)
    {
      aether_clock_remove_timeout (self->clock, slot->timeout_id);
      slot->timeout_id = 0;
    }

  /* Whatever arrives for this poll from now on is stale. */
  slot->poll_serial++;
  slot->in_flight = FALSE;
  g_clear_object (&slot->cancellable);
  self->n_in_flight--;
  self->n_polls++;

  if (slot->removed || !self->running)
    goto out;

  now_us = aether_clock_now_us (self->clock);

  if (samples != NULL && record_samples (self, slot, samples, &local_error))
    {
      slot->status.online = TRUE;
      slot->status.last_seen_us = now_us;
      slot->status.consecutive_errors = 0;
      g_clear_pointer (&slot->status.last_error, g_free);

      /* Keep the phase; after a long stall, start again from now. */
      delay_us = slot->next_poll_us + slot->interval_us - now_us;
      if (delay_us <= 0)
        delay_us = slot->interval_us;

      /* Asked for while this poll was under way (a switch): its answer may
       * predate what was asked, so read the device once more, now. */
      if (slot->poll_again)
        delay_us = 0;
    }
  else
    {
      g_assert (local_error != NULL);
      slot->status.online = FALSE;
      slot->status.error_count++;
      slot->status.consecutive_errors++;
      g_free (slot->status.last_error);
      slot->status.last_error = g_strdup (local_error->message);
      g_debug ("Device %s: %s", slot->device_id, local_error->message);

      delay_us = backoff_delay (slot);
    }

  slot->poll_again = FALSE;
  schedule_poll (slot, delay_us);
  g_signal_emit (self, signals[STATUS_CHANGED], 0, slot->device_id);

out:
  start_next_pending (self);
}

static void
on_poll_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  PollCall *call = user_data;
  DeviceSlot *slot = call->slot;
  g_autoptr(GArray) samples = NULL;
  GError *error = NULL;

  samples = aether_device_provider_poll_finish (AETHER_DEVICE_PROVIDER (object), result, &error);

  /* A poll that already timed out was finished then; a late answer, even a
   * good one, would come out of order. */
  if (call->serial == slot->poll_serial && slot->in_flight)
    finish_poll (slot, samples, error);
  else
    g_clear_error (&error);

  device_slot_unref (slot);
  g_free (call);
}

static gboolean
on_poll_timeout (gpointer user_data)
{
  DeviceSlot *slot = user_data;

  slot->timeout_id = 0;

  if (slot->in_flight)
    {
      GError *error = g_error_new (AETHER_ERROR, AETHER_ERROR_TIMED_OUT,
                                   "The device did not answer within %g s",
                                   (double)slot->timeout_us / G_USEC_PER_SEC);

      /* Cancel, but do not wait for the plugin to notice: a plugin that
       * ignores its cancellable must not hold the device forever. */
      if (slot->cancellable != NULL)
        g_cancellable_cancel (slot->cancellable);
      finish_poll (slot, NULL, error);
    }

  return G_SOURCE_REMOVE;
}

static void
start_poll (DeviceSlot *slot)
{
  AetherCollector *self = slot->collector;
  PollCall *call;

  g_assert (!slot->in_flight);

  slot->in_flight = TRUE;
  slot->cancellable = g_cancellable_new ();
  self->n_in_flight++;

  slot->timeout_id = aether_clock_add_timeout (self->clock,
                                               (guint)MAX (1, slot->timeout_us / 1000),
                                               on_poll_timeout,
                                               device_slot_ref (slot),
                                               device_slot_unref);

  call = g_new0 (PollCall, 1);
  call->slot = device_slot_ref (slot);
  call->serial = slot->poll_serial;

  aether_device_provider_poll_async (slot->provider,
                                     slot->config,
                                     slot->cancellable,
                                     on_poll_done,
                                     call);
}

/**
 * aether_collector_poll_now:
 * @self: a collector
 * @device_id: a device
 *
 * Reads @device_id as soon as a poll is free instead of at its next turn,
 * for when something just changed it (it was switched on or off) and what
 * shows it should not wait an interval. A poll under way is followed by
 * another one, since it may have been answered before the change. Later
 * polls keep the interval, counted from this one.
 *
 * Returns: %TRUE if @device_id is collected
 */
gboolean
aether_collector_poll_now (AetherCollector *self,
                           const char      *device_id)
{
  DeviceSlot *slot;

  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), FALSE);
  g_return_val_if_fail (device_id != NULL, FALSE);

  if (!(slot = g_hash_table_lookup (self->slots, device_id)))
    return FALSE;

  if (!self->running || slot->queued)
    return TRUE;

  if (slot->in_flight)
    {
      slot->poll_again = TRUE;
      return TRUE;
    }

  if (slot->timer_id != 0)
    {
      aether_clock_remove_timeout (self->clock, slot->timer_id);
      slot->timer_id = 0;
    }
  slot->next_poll_us = aether_clock_now_us (self->clock);
  poll_or_queue (slot);

  return TRUE;
}

/**
 * aether_collector_start:
 * @self: a collector
 *
 * Starts polling every device, each at a phase spread over its interval.
 */
void
aether_collector_start (AetherCollector *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (AETHER_IS_COLLECTOR (self));

  if (self->running)
    return;

  self->running = TRUE;

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      DeviceSlot *slot = value;
      guint32 hash = g_str_hash (slot->device_id);

      if (slot->timer_id == 0 && !slot->in_flight)
        schedule_poll (slot, (gint64)(hash % (guint32)MAX (1, slot->interval_us / 1000)) * 1000);
    }
}

/**
 * aether_collector_stop:
 * @self: a collector
 * @error: a location for a #GError
 *
 * Stops polling, cancels polls under way and flushes every sink, so that
 * everything read so far is stored when this returns.
 *
 * Returns: %TRUE if every sink flushed
 */
gboolean
aether_collector_stop (AetherCollector  *self,
                       GError          **error)
{
  GHashTableIter iter;
  gpointer value;
  gboolean ok = TRUE;

  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), FALSE);

  self->running = FALSE;

  g_hash_table_iter_init (&iter, self->slots);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    cancel_slot_work (value);

  for (guint i = 0; i < self->sinks->len; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!aether_reading_sink_flush (g_ptr_array_index (self->sinks, i), &local_error))
        {
          g_warning ("Could not store the last readings: %s", local_error->message);
          if (ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
        }
    }

  return ok;
}

gboolean
aether_collector_is_running (AetherCollector *self)
{
  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), FALSE);

  return self->running;
}

void
aether_collector_set_max_concurrent (AetherCollector *self,
                                     guint            max_polls)
{
  g_return_if_fail (AETHER_IS_COLLECTOR (self));
  g_return_if_fail (max_polls > 0);

  self->max_concurrent = max_polls;
  start_next_pending (self);
}

guint
aether_collector_get_n_devices (AetherCollector *self)
{
  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), 0);

  return g_hash_table_size (self->slots);
}

/**
 * aether_collector_get_n_polls:
 * @self: a collector
 *
 * Returns: how many polls have completed, successfully or not
 */
guint
aether_collector_get_n_polls (AetherCollector *self)
{
  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), 0);

  return self->n_polls;
}

guint
aether_collector_get_n_in_flight (AetherCollector *self)
{
  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), 0);

  return self->n_in_flight;
}

static DeviceSlot *
lookup_slot (AetherCollector *self,
             const char      *device_id)
{
  g_return_val_if_fail (AETHER_IS_COLLECTOR (self), NULL);
  g_return_val_if_fail (device_id != NULL, NULL);

  return g_hash_table_lookup (self->slots, device_id);
}

/**
 * aether_collector_get_status:
 * @self: a collector
 * @device_id: a device
 *
 * Returns: (transfer none) (nullable): the device's status, or %NULL if it
 *   is not collected
 */
const AetherDeviceStatus *
aether_collector_get_status (AetherCollector *self,
                             const char      *device_id)
{
  DeviceSlot *slot = lookup_slot (self, device_id);

  return slot ? &slot->status : NULL;
}

/**
 * aether_collector_get_energy_wh:
 * @self: a collector
 * @device_id: a device
 *
 * Returns: the energy derived for @device_id, Wh: since collection started,
 *   or since the device was first collected when aether_collector_restore_energy()
 *   carried it over
 */
double
aether_collector_get_energy_wh (AetherCollector *self,
                                const char      *device_id)
{
  DeviceSlot *slot = lookup_slot (self, device_id);

  return slot ? aether_energy_meter_get_total_wh (slot->meter) : 0.0;
}

guint
aether_collector_get_n_gaps (AetherCollector *self,
                             const char      *device_id)
{
  DeviceSlot *slot = lookup_slot (self, device_id);

  return slot ? aether_energy_meter_get_n_gaps (slot->meter) : 0;
}

/**
 * aether_collector_get_n_implausible:
 * @self: a collector
 * @device_id: a device
 *
 * Returns: how many readings of @device_id gave more energy than the device
 *   can draw (not counted)
 */
guint
aether_collector_get_n_implausible (AetherCollector *self,
                                    const char      *device_id)
{
  DeviceSlot *slot = lookup_slot (self, device_id);

  return slot ? aether_energy_meter_get_n_implausible (slot->meter) : 0;
}

/**
 * aether_collector_set_max_power:
 * @self: a collector
 * @device_id: a device added before
 * @max_power_w: the most it can draw (aether_energy_rule_max_power_w())
 */
void
aether_collector_set_max_power (AetherCollector *self,
                                const char      *device_id,
                                double           max_power_w)
{
  DeviceSlot *slot = lookup_slot (self, device_id);

  if (slot != NULL)
    aether_energy_meter_set_max_power (slot->meter, max_power_w);
}

/**
 * aether_collector_restore_energy:
 * @self: a collector
 * @device_id: a device added before, not polled yet
 * @state: where its energy stood when it was last read (the store's last
 *   `energy` and `energy_counter` readings)
 *
 * The device's `energy` goes on from there, and its counter's delta across
 * the stop is counted (power only as far as the gap rule allows).
 */
void
aether_collector_restore_energy (AetherCollector              *self,
                                 const char                   *device_id,
                                 const AetherEnergyMeterState *state)
{
  DeviceSlot *slot = lookup_slot (self, device_id);

  g_return_if_fail (state != NULL);

  /* Only before its first reading: after it, the meter has its own. */
  if (slot == NULL || slot->recorded)
    return;

  aether_energy_meter_restore (slot->meter, state);
}

guint
aether_collector_get_n_resets (AetherCollector *self,
                               const char      *device_id)
{
  DeviceSlot *slot = lookup_slot (self, device_id);

  return slot ? aether_energy_meter_get_n_resets (slot->meter) : 0;
}

/**
 * aether_collector_get_next_poll_us:
 * @self: a collector
 * @device_id: a device
 *
 * Returns: when @device_id is next polled, µs since the epoch, or 0
 */
gint64
aether_collector_get_next_poll_us (AetherCollector *self,
                                   const char      *device_id)
{
  DeviceSlot *slot = lookup_slot (self, device_id);

  return slot && slot->timer_id != 0 ? slot->next_poll_us : 0;
}
