/* aether-device-provider.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The device-provider interface every plugin implements, the metric names
 * and units the core understands, and the identity a probe returns. The
 * wrappers check arguments and fill in what a plugin may leave out
 * (discovery, switching for metering-only devices). A probe has a deadline
 * as a whole, whatever the plugin does: a device that answers a byte at a
 * time must not keep `devices add` or the Add Device window waiting. */

#define G_LOG_DOMAIN "aether-device-provider"

#include "config.h"

#include <math.h>

#include "aether-device-provider.h"
#include "aether-error.h"
#include "aether-json.h"

#define DEFAULT_TIMEOUT_S   5
/* A probe is a few requests (what the device is, then its channels). */
#define PROBE_REQUESTS      3

static const struct {
  const char *name;
  const char *unit;
} metric_info[AETHER_N_METRICS] = {
  [AETHER_METRIC_POWER]        = { "power", "W" },
  [AETHER_METRIC_ENERGY]       = { "energy", "Wh" },
  [AETHER_METRIC_VOLTAGE]      = { "voltage", "V" },
  [AETHER_METRIC_CURRENT]      = { "current", "A" },
  [AETHER_METRIC_POWER_FACTOR] = { "power_factor", "" },
  [AETHER_METRIC_FREQUENCY]    = { "frequency", "Hz" },
  [AETHER_METRIC_TEMPERATURE]  = { "temperature", "°C" },
  /* A state, not a quantity: 1 or 0, dimensionless like a power factor. */
  [AETHER_METRIC_RELAY]        = { "relay", "" },
};

/**
 * aether_metric_to_string:
 * @metric: a metric
 *
 * Returns: the seed's `metric_type` for @metric
 */
const char *
aether_metric_to_string (AetherMetric metric)
{
  g_return_val_if_fail (metric < AETHER_N_METRICS, NULL);

  return metric_info[metric].name;
}

/**
 * aether_metric_get_unit:
 * @metric: a metric
 *
 * Returns: the one unit values of @metric are in
 */
const char *
aether_metric_get_unit (AetherMetric metric)
{
  g_return_val_if_fail (metric < AETHER_N_METRICS, NULL);

  return metric_info[metric].unit;
}

gboolean
aether_metric_from_string (const char   *name,
                           AetherMetric *metric)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < AETHER_N_METRICS; i++)
    {
      if (g_str_equal (name, metric_info[i].name))
        {
          if (metric != NULL)
            *metric = i;
          return TRUE;
        }
    }

  return FALSE;
}

G_DEFINE_BOXED_TYPE (AetherDeviceIdentity, aether_device_identity,
                     aether_device_identity_copy, aether_device_identity_free)

AetherDeviceIdentity *
aether_device_identity_new (void)
{
  AetherDeviceIdentity *self = g_new0 (AetherDeviceIdentity, 1);

  self->capabilities = g_new0 (char *, 1);
  self->n_channels = 1;

  return self;
}

AetherDeviceIdentity *
aether_device_identity_copy (const AetherDeviceIdentity *self)
{
  AetherDeviceIdentity *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (AetherDeviceIdentity, 1);
  copy->manufacturer = g_strdup (self->manufacturer);
  copy->model = g_strdup (self->model);
  copy->firmware_version = g_strdup (self->firmware_version);
  copy->mac_address = g_strdup (self->mac_address);
  copy->capabilities = g_strdupv (self->capabilities);
  copy->n_channels = self->n_channels;
  copy->suggested_name = g_strdup (self->suggested_name);
  copy->suggested_type = g_strdup (self->suggested_type);

  return copy;
}

void
aether_device_identity_free (AetherDeviceIdentity *self)
{
  if (self == NULL)
    return;

  g_free (self->manufacturer);
  g_free (self->model);
  g_free (self->firmware_version);
  g_free (self->mac_address);
  g_strfreev (self->capabilities);
  g_free (self->suggested_name);
  g_free (self->suggested_type);
  g_free (self);
}

gboolean
aether_device_identity_has_capability (const AetherDeviceIdentity *self,
                                       const char                 *capability)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (capability != NULL, FALSE);

  return self->capabilities != NULL &&
         g_strv_contains ((const char * const *)self->capabilities, capability);
}

/* How a setting's value is described in an error. */
static const char *
describe_kind (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    return "an object";
  if (JSON_NODE_HOLDS_ARRAY (node))
    return "a list";
  if (JSON_NODE_HOLDS_NULL (node))
    return "null";
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return "text";
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return "true or false";
  return "a number";
}

static gboolean
is_number (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) &&
         (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE);
}

/**
 * aether_device_config_get_seconds:
 * @plugin_config: (nullable): a device's `plugin_config`
 * @key: `polling_interval` or `timeout_seconds`
 * @fallback_s: the value when @key is not set
 * @us: (out): the value in microseconds
 * @error: a location for a #GError
 *
 * The one rule for a device's intervals: a number of seconds from 1 to a
 * day. Adding and changing a device
 * refuse anything else, the collector reads it the same way.
 *
 * Returns: %FALSE with %AETHER_ERROR_INVALID_ARGUMENT naming @key
 */
gboolean
aether_device_config_get_seconds (JsonObject  *plugin_config,
                                  const char  *key,
                                  double       fallback_s,
                                  gint64      *us,
                                  GError     **error)
{
  /* Plugins read whole seconds: a timeout of 0.5 would be none at all. */
  double least = 1;
  JsonNode *node = plugin_config ? json_object_get_member (plugin_config, key) : NULL;
  double value = fallback_s;

  if (node != NULL)
    {
      if (!is_number (node))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       "plugin_config.%s must be a number of seconds, not %s", key, describe_kind (node));
          return FALSE;
        }
      value = json_node_get_double (node);
      if (!(value >= least && value <= 86400))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       "plugin_config.%s must be between %g and 86400 seconds, not %g", key, least, value);
          return FALSE;
        }
    }

  *us = (gint64)llround (value * G_USEC_PER_SEC);
  return TRUE;
}

/* Whole numbers a plugin reads with json_object_get_int_member(): beyond
 * ±2^31 they are no seed, instance or channel, and a double past 2^63 is
 * undefined behaviour to convert. */
#define CONFIG_INT_LIMIT 2147483647.0

/**
 * aether_device_config_check:
 * @configuration: the seed's Device `configuration`
 * @fields: (nullable) (array zero-terminated=1): the plugin's settings,
 *   to check each against its type; %NULL for the checks every plugin shares
 * @error: a location for a #GError
 *
 * Checks a device's configuration before anything is probed or stored:
 * `plugin_config` is an object, the intervals follow
 * aether_device_config_get_seconds(), every whole-number setting of the
 * plugin is a whole number a plugin can hold, a yes/no setting is true or
 * false, a text setting is text, and no number anywhere in it is past what
 * a setting can be.
 *
 * Returns: %FALSE with %AETHER_ERROR_INVALID_ARGUMENT naming the setting
 */
gboolean
aether_device_config_check (JsonObject               *configuration,
                            const AetherConfigField  *fields,
                            GError                  **error)
{
  JsonNode *pc_node;
  JsonObject *plugin_config;
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;
  gint64 us;

  g_return_val_if_fail (configuration != NULL, FALSE);

  pc_node = json_object_get_member (configuration, "plugin_config");
  if (pc_node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (pc_node))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   "plugin_config must be an object, not %s", describe_kind (pc_node));
      return FALSE;
    }
  plugin_config = json_node_get_object (pc_node);

  if (!aether_device_config_get_seconds (plugin_config, "polling_interval", 10, &us, error) ||
      !aether_device_config_get_seconds (plugin_config, "timeout_seconds", 5, &us, error))
    return FALSE;

  json_object_iter_init (&iter, plugin_config);
  while (json_object_iter_next (&iter, &key, &node))
    {
      const AetherConfigField *field = NULL;
      gboolean whole = g_str_equal (key, "channel") || g_str_equal (key, "instance");

      for (guint i = 0; fields != NULL && fields[i].key != NULL; i++)
        if (g_str_equal (fields[i].key, key))
          field = &fields[i];

      if (g_str_equal (key, "polling_interval") || g_str_equal (key, "timeout_seconds"))
        continue;

      if (field != NULL && field->type == AETHER_CONFIG_FIELD_BOOLEAN &&
          !(JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       "plugin_config.%s must be true or false, not %s", key, describe_kind (node));
          return FALSE;
        }
      if (field != NULL && field->type != AETHER_CONFIG_FIELD_INT && field->type != AETHER_CONFIG_FIELD_BOOLEAN &&
          !(JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       "plugin_config.%s must be text, not %s", key, describe_kind (node));
          return FALSE;
        }

      if ((field != NULL && field->type == AETHER_CONFIG_FIELD_INT) || whole)
        {
          double value;

          if (!is_number (node))
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           "plugin_config.%s must be a whole number, not %s", key, describe_kind (node));
              return FALSE;
            }
          value = json_node_get_double (node);
          if (!(fabs (value) <= CONFIG_INT_LIMIT) || value != floor (value) ||
              (g_str_equal (key, "channel") && value < 0))
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           "plugin_config.%s must be a whole number from %s to 2147483647, not %g", key,
                           g_str_equal (key, "channel") ? "0" : "-2147483647", value);
              return FALSE;
            }
          continue;
        }

      /* A setting no plugin declares is kept as it is, but a number past
       * any whole number a plugin could read is no setting. */
      if (is_number (node) && !(fabs (json_node_get_double (node)) <= 9007199254740992.0))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       "plugin_config.%s is %g, too large for a setting", key, json_node_get_double (node));
          return FALSE;
        }
    }

  return TRUE;
}

/**
 * aether_device_id_from_name:
 * @name: a device's name for people
 *
 * Returns: a registry id made from @name: "Desk Lamp" → `desk-lamp`
 */
char *
aether_device_id_from_name (const char *name)
{
  g_autofree char *lower = g_utf8_strdown (name, -1);
  GString *id = g_string_new (NULL);

  for (const char *p = lower; *p; p++)
    g_string_append_c (id, g_ascii_isalnum (*p) ? *p : '-');
  return g_string_free (id, FALSE);
}

static void
set_identity_fields (JsonObject                 *configuration,
                     const AetherDeviceIdentity *identity)
{
  if (identity->firmware_version)
    json_object_set_string_member (configuration, "firmware_version", identity->firmware_version);
  if (identity->mac_address)
    json_object_set_string_member (configuration, "mac_address", identity->mac_address);
}

/* The seed's Device model for a probed device, or for one channel of it. */
static JsonNode *
build_device (const char                 *id,
              const char                 *name,
              const char                 *room,
              const AetherDeviceIdentity *identity,
              JsonObject                 *configuration)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "device_id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, identity->suggested_type ? identity->suggested_type : "smart_plug");
  if (identity->manufacturer)
    {
      json_builder_set_member_name (b, "manufacturer");
      json_builder_add_string_value (b, identity->manufacturer);
    }
  if (identity->model)
    {
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, identity->model);
    }
  json_builder_set_member_name (b, "location");
  json_builder_begin_object (b);
  if (room)
    {
      json_builder_set_member_name (b, "room");
      json_builder_add_string_value (b, room);
    }
  json_builder_end_object (b);
  json_builder_set_member_name (b, "capabilities");
  json_builder_begin_array (b);
  for (guint i = 0; identity->capabilities && identity->capabilities[i]; i++)
    json_builder_add_string_value (b, identity->capabilities[i]);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "configuration");
  {
    JsonNode *c = json_node_new (JSON_NODE_OBJECT);

    json_node_set_object (c, configuration);
    json_builder_add_value (b, c);
  }
  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "status");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "online");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "error_count");
  json_builder_add_int_value (b, 0);
  json_builder_set_member_name (b, "total_runtime_hours");
  json_builder_add_int_value (b, 0);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}


/**
 * aether_device_identity_to_devices:
 * @identity: what probing the device found
 * @id: the registry id to give it
 * @name: its name for people
 * @room: (nullable): the room it is in
 * @configuration: the configuration it was probed with
 *
 * The registry records for a probed device, in the seed's Device model. A
 * device with several channels (a power strip, a 2-channel relay, a
 * three-phase meter) becomes one device per channel, `ID-1` … `ID-N` named
 * "NAME 1" … "NAME N", each with `plugin_config.channel`, unless
 * @configuration chose a channel: every channel is then polled, priced and
 * switched on its own, and rooms and totals count each once.
 *
 * Returns: (transfer container) (element-type JsonNode): the records
 */
GPtrArray *
aether_device_identity_to_devices (const AetherDeviceIdentity *identity,
                                   const char                 *id,
                                   const char                 *name,
                                   const char                 *room,
                                   JsonObject                 *configuration)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(JsonNode) template = json_node_init_object (json_node_alloc (), configuration);
  JsonNode *plugin_config;

  g_return_val_if_fail (identity != NULL && id != NULL && name != NULL && configuration != NULL, devices);

  plugin_config = json_object_get_member (configuration, "plugin_config");
  if (identity->n_channels <= 1 ||
      (plugin_config != NULL && JSON_NODE_HOLDS_OBJECT (plugin_config) &&
       json_object_has_member (json_node_get_object (plugin_config), "channel")))
    {
      g_autoptr(JsonNode) copy = aether_json_deep_copy (template);

      set_identity_fields (json_node_get_object (copy), identity);
      g_ptr_array_add (devices, build_device (id, name, room, identity, json_node_get_object (copy)));
      return devices;
    }

  for (guint channel = 0; channel < identity->n_channels; channel++)
    {
      g_autoptr(JsonNode) copy = aether_json_deep_copy (template);
      JsonObject *config = json_node_get_object (copy);
      g_autofree char *channel_id = g_strdup_printf ("%s-%u", id, channel + 1);
      g_autofree char *channel_name = g_strdup_printf ("%s %u", name, channel + 1);

      if (!json_object_has_member (config, "plugin_config") ||
          !JSON_NODE_HOLDS_OBJECT (json_object_get_member (config, "plugin_config")))
        json_object_set_object_member (config, "plugin_config", json_object_new ());
      json_object_set_int_member (json_object_get_object_member (config, "plugin_config"), "channel", channel);
      set_identity_fields (config, identity);
      g_ptr_array_add (devices, build_device (channel_id, channel_name, room, identity, config));
    }
  return devices;
}

G_DEFINE_INTERFACE (AetherDeviceProvider, aether_device_provider, G_TYPE_OBJECT)

static void
default_set_state_async (AetherDeviceProvider *self,
                         JsonObject           *config,
                         guint                 channel,
                         gboolean              on,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  g_task_report_new_error (self, callback, user_data, default_set_state_async,
                           AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                           "This device only measures; it cannot be switched on or off");
}

static gboolean
default_set_state_finish (AetherDeviceProvider  *self,
                          GAsyncResult          *result,
                          GError               **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
aether_device_provider_default_init (AetherDeviceProviderInterface *iface)
{
  iface->set_state_async = default_set_state_async;
  iface->set_state_finish = default_set_state_finish;
}

/**
 * aether_device_provider_get_config_fields:
 * @self: a provider
 *
 * Returns: (transfer none) (array zero-terminated=1): the fields a device of
 *   this plugin needs, ending with an entry whose @key is %NULL
 */
const AetherConfigField *
aether_device_provider_get_config_fields (AetherDeviceProvider *self)
{
  static const AetherConfigField none[] = { { NULL } };
  AetherDeviceProviderInterface *iface;

  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), NULL);

  iface = AETHER_DEVICE_PROVIDER_GET_IFACE (self);
  if (iface->get_config_fields == NULL)
    return none;

  return iface->get_config_fields (self);
}

typedef struct
{
  GCancellable *cancellable;   /* the plugin's: the caller's, or the deadline */
  GCancellable *outer;
  gulong        outer_handler;
  GSource      *deadline;
  char         *address;
  guint         deadline_s;
  guint         done : 1;
} ProbeCall;

static void
probe_call_free (gpointer data)
{
  ProbeCall *call = data;

  if (call->deadline != NULL)
    {
      g_source_destroy (call->deadline);
      g_source_unref (call->deadline);
    }
  if (call->outer != NULL)
    g_cancellable_disconnect (call->outer, call->outer_handler);
  g_clear_object (&call->outer);
  g_clear_object (&call->cancellable);
  g_free (call->address);
  g_free (call);
}

static void
on_probe_outer_cancelled (GCancellable *outer,
                          GCancellable *ours)
{
  g_cancellable_cancel (ours);
}

static gboolean
on_probe_deadline (gpointer user_data)
{
  GTask *task = user_data;
  ProbeCall *call = g_task_get_task_data (task);

  if (!call->done)
    {
      call->done = TRUE;
      g_cancellable_cancel (call->cancellable);
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_TIMED_OUT,
                               "%s%s did not finish answering within %u s: check that it is the kind "
                               "of device chosen and that it is not busy",
                               call->address ? "The device at " : "The device",
                               call->address ? call->address : "", call->deadline_s);
    }

  return G_SOURCE_REMOVE;
}

static void
on_probed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ProbeCall *call = g_task_get_task_data (task);
  AetherDeviceProvider *self = AETHER_DEVICE_PROVIDER (object);
  GError *error = NULL;
  AetherDeviceIdentity *identity;

  identity = AETHER_DEVICE_PROVIDER_GET_IFACE (self)->probe_finish (self, result, &error);

  /* After the deadline the answer is nobody's. */
  if (call->done)
    {
      g_clear_pointer (&identity, aether_device_identity_free);
      g_clear_error (&error);
      return;
    }

  call->done = TRUE;
  if (identity == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, identity, (GDestroyNotify)aether_device_identity_free);
}

/* plugin_config.timeout_seconds as the plugins read it, or the default. */
static guint
probe_timeout_s (JsonObject *config)
{
  JsonNode *pc = json_object_get_member (config, "plugin_config");
  JsonNode *node = pc && JSON_NODE_HOLDS_OBJECT (pc)
                   ? json_object_get_member (json_node_get_object (pc), "timeout_seconds") : NULL;
  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return DEFAULT_TIMEOUT_S;

  value = json_node_get_double (node);
  if (!(value >= 1 && value <= 3600))
    return DEFAULT_TIMEOUT_S;

  return (guint)ceil (value);
}

/**
 * aether_device_provider_probe_async:
 * @self: a provider
 * @config: the seed's Device `configuration` to probe with
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Asks the device what it is. The probe as a whole ends within a few
 * times `plugin_config.timeout_seconds` (5 s unless set): past that it is
 * cancelled and fails with %AETHER_ERROR_TIMED_OUT naming the address,
 * however the device dribbles its answer.
 */
void
aether_device_provider_probe_async (AetherDeviceProvider *self,
                                    JsonObject           *config,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  ProbeCall *call;

  g_return_if_fail (AETHER_IS_DEVICE_PROVIDER (self));
  g_return_if_fail (config != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, aether_device_provider_probe_async);

  call = g_new0 (ProbeCall, 1);
  call->cancellable = g_cancellable_new ();
  call->address = g_strdup (json_object_get_string_member_with_default (config, "ip_address", NULL));
  if (call->address != NULL && *call->address == '\0')
    g_clear_pointer (&call->address, g_free);
  call->deadline_s = PROBE_REQUESTS * probe_timeout_s (config);
  g_task_set_task_data (task, call, probe_call_free);

  if (cancellable != NULL)
    {
      call->outer = g_object_ref (cancellable);
      call->outer_handler = g_cancellable_connect (cancellable, G_CALLBACK (on_probe_outer_cancelled),
                                                   g_object_ref (call->cancellable), g_object_unref);
    }

  call->deadline = g_timeout_source_new_seconds (call->deadline_s);
  g_source_set_static_name (call->deadline, "[aether] probe deadline");
  g_task_attach_source (task, call->deadline, on_probe_deadline);

  AETHER_DEVICE_PROVIDER_GET_IFACE (self)->probe_async (self, config, call->cancellable, on_probed,
                                                        g_steal_pointer (&task));
}

/**
 * aether_device_provider_probe_finish:
 * @self: a provider
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full): what the device is, or %NULL
 */
AetherDeviceIdentity *
aether_device_provider_probe_finish (AetherDeviceProvider  *self,
                                     GAsyncResult          *result,
                                     GError               **error)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == aether_device_provider_probe_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
aether_device_provider_poll_async (AetherDeviceProvider *self,
                                   JsonObject           *config,
                                   GCancellable         *cancellable,
                                   GAsyncReadyCallback   callback,
                                   gpointer              user_data)
{
  g_return_if_fail (AETHER_IS_DEVICE_PROVIDER (self));
  g_return_if_fail (config != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  AETHER_DEVICE_PROVIDER_GET_IFACE (self)->poll_async (self, config, cancellable, callback, user_data);
}

/**
 * aether_device_provider_poll_finish:
 * @self: a provider
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherSample): the samples, or %NULL
 */
GArray *
aether_device_provider_poll_finish (AetherDeviceProvider  *self,
                                    GAsyncResult          *result,
                                    GError               **error)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), NULL);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->poll_finish (self, result, error);
}

void
aether_device_provider_set_state_async (AetherDeviceProvider *self,
                                        JsonObject           *config,
                                        guint                 channel,
                                        gboolean              on,
                                        GCancellable         *cancellable,
                                        GAsyncReadyCallback   callback,
                                        gpointer              user_data)
{
  g_return_if_fail (AETHER_IS_DEVICE_PROVIDER (self));
  g_return_if_fail (config != NULL);

  AETHER_DEVICE_PROVIDER_GET_IFACE (self)->set_state_async (self, config, channel, on,
                                                            cancellable, callback, user_data);
}

gboolean
aether_device_provider_set_state_finish (AetherDeviceProvider  *self,
                                         GAsyncResult          *result,
                                         GError               **error)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), FALSE);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->set_state_finish (self, result, error);
}

gboolean
aether_device_provider_can_discover (AetherDeviceProvider *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), FALSE);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->discover_async != NULL;
}

void
aether_device_provider_discover_async (AetherDeviceProvider *self,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data)
{
  AetherDeviceProviderInterface *iface;

  g_return_if_fail (AETHER_IS_DEVICE_PROVIDER (self));

  iface = AETHER_DEVICE_PROVIDER_GET_IFACE (self);

  if (iface->discover_async == NULL)
    {
      /* Nothing to find is an answer, not an error. */
      g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

      g_task_set_source_tag (task, aether_device_provider_discover_async);
      g_task_return_pointer (task,
                             g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref),
                             (GDestroyNotify)g_ptr_array_unref);
      return;
    }

  iface->discover_async (self, cancellable, callback, user_data);
}

/**
 * aether_device_provider_discover_finish:
 * @self: a provider
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type JsonObject): device configurations found
 */
GPtrArray *
aether_device_provider_discover_finish (AetherDeviceProvider  *self,
                                        GAsyncResult          *result,
                                        GError               **error)
{
  g_return_val_if_fail (AETHER_IS_DEVICE_PROVIDER (self), NULL);

  if (g_task_is_valid (result, self) &&
      g_task_get_source_tag (G_TASK (result)) == aether_device_provider_discover_async)
    return g_task_propagate_pointer (G_TASK (result), error);

  return AETHER_DEVICE_PROVIDER_GET_IFACE (self)->discover_finish (self, result, error);
}
