/* aether-device-provider.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "aether-home.h"

G_BEGIN_DECLS

/**
 * AetherMetric:
 * @AETHER_METRIC_POWER: active power, W
 * @AETHER_METRIC_ENERGY: an energy counter, Wh (monotonic until the device resets it)
 * @AETHER_METRIC_VOLTAGE: RMS voltage, V
 * @AETHER_METRIC_CURRENT: RMS current, A
 * @AETHER_METRIC_POWER_FACTOR: power factor, 0–1
 * @AETHER_METRIC_FREQUENCY: grid frequency, Hz
 * @AETHER_METRIC_TEMPERATURE: device temperature, °C
 * @AETHER_METRIC_RELAY: whether the device's relay is closed: 1 on, 0 off
 *   (no unit); a state, never added into power or energy
 *
 * What a plugin can report. Each metric has one unit, so the core never
 * guesses: plugins convert (Shelly's watt-minutes, Kasa's milliwatts) at
 * the edge.
 */
typedef enum
{
  AETHER_METRIC_POWER,
  AETHER_METRIC_ENERGY,
  AETHER_METRIC_VOLTAGE,
  AETHER_METRIC_CURRENT,
  AETHER_METRIC_POWER_FACTOR,
  AETHER_METRIC_FREQUENCY,
  AETHER_METRIC_TEMPERATURE,
  AETHER_METRIC_RELAY,
  AETHER_N_METRICS,
} AetherMetric;

const char *aether_metric_to_string (AetherMetric  metric);
const char *aether_metric_get_unit  (AetherMetric  metric);
gboolean    aether_metric_from_string (const char   *name,
                                       AetherMetric *metric);

/**
 * AetherSample:
 * @metric: what was measured
 * @channel: the channel (relay, phase, outlet) it belongs to, 0 for single-channel devices
 * @value: the value, in the metric's unit
 * @device_time_us: the device's own timestamp in µs since the epoch, or 0 if it has none
 *
 * One value from one poll.
 */
typedef struct
{
  AetherMetric metric;
  guint        channel;
  double       value;
  gint64       device_time_us;
} AetherSample;

/**
 * AetherConfigFieldType:
 * @AETHER_CONFIG_FIELD_STRING: free text
 * @AETHER_CONFIG_FIELD_HOST: a host name or IP address, optionally with a port
 * @AETHER_CONFIG_FIELD_INT: a whole number
 * @AETHER_CONFIG_FIELD_BOOLEAN: a yes/no switch
 * @AETHER_CONFIG_FIELD_PASSWORD: a secret, kept in the keyring, never in the database
 */
typedef enum
{
  AETHER_CONFIG_FIELD_STRING,
  AETHER_CONFIG_FIELD_HOST,
  AETHER_CONFIG_FIELD_INT,
  AETHER_CONFIG_FIELD_BOOLEAN,
  AETHER_CONFIG_FIELD_PASSWORD,
} AetherConfigFieldType;

/**
 * AetherConfigField:
 * @key: the key in the device's `plugin_config` (or `ip_address` for the address)
 * @label: a translated label for the form
 * @type: what kind of value it takes
 * @default_value: (nullable): the value when none is given, as text
 * @secret: whether the value is a secret
 * @required: whether a device cannot work without it
 * @help: (nullable): one translated sentence for the form
 *
 * One field of the form a person fills to add a device of a plugin. Static
 * data owned by the plugin.
 */
typedef struct
{
  const char            *key;
  const char            *label;
  AetherConfigFieldType  type;
  const char            *default_value;
  gboolean               secret;
  gboolean               required;
  const char            *help;
} AetherConfigField;

#define AETHER_TYPE_DEVICE_IDENTITY (aether_device_identity_get_type ())

/**
 * AetherDeviceIdentity:
 * @manufacturer: (nullable): e.g. "Shelly"
 * @model: (nullable): e.g. "Plug S"
 * @firmware_version: (nullable): as the device reports it
 * @mac_address: (nullable): `AA:BB:CC:DD:EE:FF`
 * @capabilities: the seed's capability names (`power_monitoring`, `on_off_control`,
 *   `energy_metering`, …), %NULL-terminated
 * @n_channels: how many channels the device measures or switches
 * @suggested_name: (nullable): the name the device calls itself
 * @suggested_type: (nullable): the seed's device `type` (`smart_plug`, `energy_meter`, …)
 *
 * What probing a device found out. Fills the seed's Device fields.
 */
typedef struct
{
  char   *manufacturer;
  char   *model;
  char   *firmware_version;
  char   *mac_address;
  char  **capabilities;
  guint   n_channels;
  char   *suggested_name;
  char   *suggested_type;
} AetherDeviceIdentity;

GType                 aether_device_identity_get_type        (void) G_GNUC_CONST;
AetherDeviceIdentity *aether_device_identity_new             (void);
AetherDeviceIdentity *aether_device_identity_copy            (const AetherDeviceIdentity *self);
void                  aether_device_identity_free            (AetherDeviceIdentity       *self);
gboolean              aether_device_identity_has_capability  (const AetherDeviceIdentity *self,
                                                              const char                 *capability);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherDeviceIdentity, aether_device_identity_free)

char                 *aether_device_id_from_name             (const char                 *name);
gboolean              aether_device_config_check             (JsonObject                 *configuration,
                                                              const AetherConfigField    *fields,
                                                              GError                    **error);
gboolean              aether_device_config_get_seconds       (JsonObject                 *plugin_config,
                                                              const char                 *key,
                                                              double                      fallback_s,
                                                              gint64                     *us,
                                                              GError                    **error);
GPtrArray            *aether_device_identity_to_devices      (const AetherDeviceIdentity *identity,
                                                              const char                 *id,
                                                              const char                 *name,
                                                              const char                 *room,
                                                              JsonObject                 *configuration);

#define AETHER_TYPE_DEVICE_PROVIDER (aether_device_provider_get_type ())

G_DECLARE_INTERFACE (AetherDeviceProvider, aether_device_provider, AETHER, DEVICE_PROVIDER, GObject)

/**
 * AetherDeviceProviderInterface:
 * @get_config_fields: the fields a device of this plugin needs, ending with a
 *   zeroed entry; the UI builds its form from them
 * @probe_async: contacts the device and finds out what it is
 * @probe_finish: returns an #AetherDeviceIdentity
 * @poll_async: reads the device's current values
 * @poll_finish: returns a #GArray of #AetherSample
 * @set_state_async: switches a controllable device on or off
 * @set_state_finish: whether it worked
 * @discover_async: (optional): looks for devices on the network
 * @discover_finish: returns a #GPtrArray of #JsonObject device configurations,
 *   each with the name the device goes by on the network as `discovered_name`
 *
 * The extension point of device plugins. Each call gets the device's
 * `configuration` object from the seed's Device model (`ip_address`,
 * `plugin_config`, …) and returns GErrors in %AETHER_ERROR a person can act
 * on: %AETHER_ERROR_UNREACHABLE, %AETHER_ERROR_TIMED_OUT,
 * %AETHER_ERROR_AUTH_REQUIRED, %AETHER_ERROR_INVALID_DATA.
 */
struct _AetherDeviceProviderInterface
{
  GTypeInterface parent_iface;

  const AetherConfigField *(*get_config_fields) (AetherDeviceProvider  *self);

  void                  (*probe_async)        (AetherDeviceProvider  *self,
                                               JsonObject            *config,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
  AetherDeviceIdentity *(*probe_finish)       (AetherDeviceProvider  *self,
                                               GAsyncResult          *result,
                                               GError               **error);

  void                  (*poll_async)         (AetherDeviceProvider  *self,
                                               JsonObject            *config,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
  GArray               *(*poll_finish)        (AetherDeviceProvider  *self,
                                               GAsyncResult          *result,
                                               GError               **error);

  void                  (*set_state_async)    (AetherDeviceProvider  *self,
                                               JsonObject            *config,
                                               guint                  channel,
                                               gboolean               on,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
  gboolean              (*set_state_finish)   (AetherDeviceProvider  *self,
                                               GAsyncResult          *result,
                                               GError               **error);

  void                  (*discover_async)     (AetherDeviceProvider  *self,
                                               GCancellable          *cancellable,
                                               GAsyncReadyCallback    callback,
                                               gpointer               user_data);
  GPtrArray            *(*discover_finish)    (AetherDeviceProvider  *self,
                                               GAsyncResult          *result,
                                               GError               **error);
};

const AetherConfigField *aether_device_provider_get_config_fields (AetherDeviceProvider  *self);
void                  aether_device_provider_probe_async      (AetherDeviceProvider  *self,
                                                               JsonObject            *config,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
AetherDeviceIdentity *aether_device_provider_probe_finish     (AetherDeviceProvider  *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);
void                  aether_device_provider_poll_async       (AetherDeviceProvider  *self,
                                                               JsonObject            *config,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
GArray               *aether_device_provider_poll_finish      (AetherDeviceProvider  *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);
void                  aether_device_provider_set_state_async  (AetherDeviceProvider  *self,
                                                               JsonObject            *config,
                                                               guint                  channel,
                                                               gboolean               on,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
gboolean              aether_device_provider_set_state_finish (AetherDeviceProvider  *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);
gboolean              aether_device_provider_can_discover     (AetherDeviceProvider  *self);
void                  aether_device_provider_discover_async   (AetherDeviceProvider  *self,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
GPtrArray            *aether_device_provider_discover_finish  (AetherDeviceProvider  *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);

G_END_DECLS
