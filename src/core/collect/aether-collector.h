/* aether-collector.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aether-clock.h"
#include "aether-device-provider.h"
#include "aether-reading-sink.h"
#include "model/aether-energy-meter.h"

G_BEGIN_DECLS

/**
 * AetherDeviceStatus:
 * @online: whether the last poll succeeded
 * @last_seen_us: when the device last answered, µs since the epoch, 0 if never
 * @error_count: how many polls failed, in all
 * @total_runtime_hours: how long the device has been drawing power
 *   (above 0.5 W) while we watched
 * @consecutive_errors: failures since the last success (drives the back-off)
 * @last_error: (nullable): the last failure, for a person
 *
 * The seed's Device `status`, kept current by the collector.
 */
typedef struct
{
  gboolean  online;
  gint64    last_seen_us;
  guint     error_count;
  double    total_runtime_hours;
  guint     consecutive_errors;
  char     *last_error;
} AetherDeviceStatus;

#define AETHER_TYPE_COLLECTOR (aether_collector_get_type ())

G_DECLARE_FINAL_TYPE (AetherCollector, aether_collector, AETHER, COLLECTOR, GObject)

AetherCollector          *aether_collector_new                (AetherClock           *clock);
void                      aether_collector_add_sink           (AetherCollector       *self,
                                                               AetherReadingSink     *sink);
gboolean                  aether_collector_add_device         (AetherCollector       *self,
                                                               const char            *device_id,
                                                               AetherDeviceProvider  *provider,
                                                               JsonObject            *configuration,
                                                               GError               **error);
gboolean                  aether_collector_remove_device      (AetherCollector       *self,
                                                               const char            *device_id);
void                      aether_collector_restore_status     (AetherCollector       *self,
                                                               const char            *device_id,
                                                               const AetherDeviceStatus *status);
void                      aether_collector_start              (AetherCollector       *self);
gboolean                  aether_collector_poll_now           (AetherCollector       *self,
                                                               const char            *device_id);
gboolean                  aether_collector_stop               (AetherCollector       *self,
                                                               GError               **error);
gboolean                  aether_collector_is_running         (AetherCollector       *self);
void                      aether_collector_set_max_concurrent (AetherCollector       *self,
                                                               guint                  max_polls);
guint                     aether_collector_get_n_devices      (AetherCollector       *self);
guint                     aether_collector_get_n_polls        (AetherCollector       *self);
guint                     aether_collector_get_n_in_flight    (AetherCollector       *self);
const AetherDeviceStatus *aether_collector_get_status         (AetherCollector       *self,
                                                               const char            *device_id);
double                    aether_collector_get_energy_wh      (AetherCollector       *self,
                                                               const char            *device_id);
guint                     aether_collector_get_n_gaps         (AetherCollector       *self,
                                                               const char            *device_id);
guint                     aether_collector_get_n_implausible  (AetherCollector       *self,
                                                               const char            *device_id);
void                      aether_collector_set_max_power      (AetherCollector       *self,
                                                               const char            *device_id,
                                                               double                 max_power_w);
void                      aether_collector_restore_energy     (AetherCollector       *self,
                                                               const char            *device_id,
                                                               const AetherEnergyMeterState *state);
guint                     aether_collector_get_n_resets       (AetherCollector       *self,
                                                               const char            *device_id);
gint64                    aether_collector_get_next_poll_us   (AetherCollector       *self,
                                                               const char            *device_id);

G_END_DECLS
