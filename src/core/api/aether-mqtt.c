/* aether-mqtt.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Readings to an MQTT broker (libmosquitto), for Home Assistant: every
 * reading at `aetherlens/DEVICE_ID/METRIC` (retained, the value as a
 * number), and Home Assistant's MQTT discovery: for each metric a device
 * reports a sensor config at `homeassistant/sensor/aetherlens_DEVICE_METRIC/
 * config` (device_class, state_class, unit, the availability topics, and
 * one HA device per AetherLens device), for a device with a relay a
 * `switch` at `homeassistant/switch/aetherlens_DEVICE/config` whose
 * commands (`ON`/`OFF` at `aetherlens/DEVICE_ID/set`) switch it through the
 * service. `aetherlens/status` is `online` while connected and `offline`
 * (the broker's will) when not; `aetherlens/DEVICE_ID/availability` says
 * whether the device answers its polls.
 *
 * Nothing here blocks collection: the main thread only builds messages and
 * pushes them on a queue (bounded: past MAX_QUEUED, while the broker is
 * away, readings are dropped and counted); a thread of its own connects,
 * runs mosquitto's loop and publishes, and when the connection fails tries
 * again after 1 s, 2 s, 4 s … at most 30 s. Discovery is announced again on
 * every new connection (the first reading of each metric after it), so a
 * broker restarted without persistence learns everything again. A command
 * from the broker is handed to the main context. */

#define G_LOG_DOMAIN "aether-mqtt"

#include "config.h"

#include <glib/gi18n.h>
#include <mosquitto.h>
#include <string.h>

#include "aether-error.h"
#include "aether-mqtt.h"
#include "model/aether-json.h"

#define MAX_QUEUED     5000
#define MAX_BACKOFF_S  30
#define KEEPALIVE_S    30
#define STATUS_TOPIC   "aetherlens/status"

typedef struct
{
  char     *topic;
  char     *payload;
  gboolean  retain;
  gboolean  droppable;
} Outgoing;

struct _AetherMqtt
{
  GObject           parent_instance;

  /* The main thread's */
  AetherService    *service;
  GMainContext     *context;
  GHashTable       *announced;        /* "device\tmetric" announced in this connection */
  GHashTable       *availability;     /* device → "online"/"offline" last published */
  int               seen_generation;
  gulong            reading_handler;
  gulong            status_handler;

  /* Set once, then read by the thread */
  char             *host;
  guint16           port;
  char             *username;
  char             *password;

  /* The thread's */
  struct mosquitto *mosq;
  GThread          *thread;
  guint             backoff_s;

  /* Shared */
  GAsyncQueue      *queue;            /* Outgoing */
  GMutex            lock;
  GCond             wake;
  gboolean          stopping;
  int               connected;        /* atomic */
  int               generation;       /* atomic: +1 per connection */
  guint             n_connects;       /* atomic */
  guint             n_dropped;        /* atomic */
};

G_DEFINE_FINAL_TYPE (AetherMqtt, aether_mqtt, G_TYPE_OBJECT)

static void
outgoing_free (Outgoing *out)
{
  g_free (out->topic);
  g_free (out->payload);
  g_free (out);
}

static void
aether_mqtt_dispose (GObject *object)
{
  AetherMqtt *self = AETHER_MQTT (object);

  aether_mqtt_stop (self);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (aether_mqtt_parent_class)->dispose (object);
}

static void
aether_mqtt_finalize (GObject *object)
{
  AetherMqtt *self = AETHER_MQTT (object);

  if (self->mosq != NULL)
    mosquitto_destroy (self->mosq);
  g_clear_pointer (&self->queue, g_async_queue_unref);
  g_clear_pointer (&self->announced, g_hash_table_unref);
  g_clear_pointer (&self->availability, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_free (self->host);
  g_free (self->username);
  g_free (self->password);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->wake);

  G_OBJECT_CLASS (aether_mqtt_parent_class)->finalize (object);
}

static void
aether_mqtt_class_init (AetherMqttClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aether_mqtt_dispose;
  object_class->finalize = aether_mqtt_finalize;
}

static void
aether_mqtt_init (AetherMqtt *self)
{
  self->queue = g_async_queue_new_full ((GDestroyNotify)outgoing_free);
  self->announced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->availability = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->backoff_s = 1;
  self->seen_generation = -1;
  g_mutex_init (&self->lock);
  g_cond_init (&self->wake);
}

/* ---- names -------------------------------------------------------------- */

/* A device id as a topic level and an object id: MQTT's wildcards and
 * separators, and anything Home Assistant does not take in an id, become _. */
static char *
topic_id (const char *device_id)
{
  GString *out = g_string_new (NULL);

  for (const char *p = device_id; *p; p++)
    g_string_append_c (out, g_ascii_isalnum (*p) || *p == '-' || *p == '_' ? *p : '_');
  return g_string_free (out, FALSE);
}

typedef struct
{
  const char *metric;
  const char *name;
  const char *device_class;
  const char *state_class;
} MetricInfo;

static const MetricInfo metric_infos[] = {
  { "power",        N_("Power"),        "power",        "measurement" },
  { "energy",       N_("Energy"),       "energy",       "total_increasing" },
  { "voltage",      N_("Voltage"),      "voltage",      "measurement" },
  { "current",      N_("Current"),      "current",      "measurement" },
  { "power_factor", N_("Power factor"), "power_factor", "measurement" },
  { "frequency",    N_("Frequency"),    "frequency",    "measurement" },
  { "temperature",  N_("Temperature"),  "temperature",  "measurement" },
  { "humidity",     N_("Humidity"),     "humidity",     "measurement" },
};

static const MetricInfo *
metric_info (const char *metric)
{
  for (guint i = 0; i < G_N_ELEMENTS (metric_infos); i++)
    if (g_str_equal (metric_infos[i].metric, metric))
      return &metric_infos[i];
  return NULL;
}

/* ---- the thread --------------------------------------------------------- */

static gboolean
is_stopping (AetherMqtt *self)
{
  gboolean stopping;

  g_mutex_lock (&self->lock);
  stopping = self->stopping;
  g_mutex_unlock (&self->lock);
  return stopping;
}

/* Waits @seconds, or until stopped. */
static void
back_off (AetherMqtt *self)
{
  gint64 until = g_get_monotonic_time () + self->backoff_s * G_USEC_PER_SEC;

  g_debug ("Trying %s:%u again in %u s", self->host, self->port, self->backoff_s);
  g_mutex_lock (&self->lock);
  while (!self->stopping && g_cond_wait_until (&self->wake, &self->lock, until))
    ;
  g_mutex_unlock (&self->lock);
  self->backoff_s = MIN (self->backoff_s * 2, MAX_BACKOFF_S);
}

static void
on_connect (struct mosquitto *mosq,
            void             *data,
            int               rc)
{
  AetherMqtt *self = data;

  if (rc != 0)
    {
      g_warning ("The MQTT broker %s:%u refused the connection: %s", self->host, self->port,
                 mosquitto_connack_string (rc));
      return;
    }
  g_debug ("Connected to %s:%u", self->host, self->port);
  self->backoff_s = 1;
  mosquitto_subscribe (mosq, NULL, "aetherlens/+/set", 1);
  mosquitto_publish (mosq, NULL, STATUS_TOPIC, strlen ("online"), "online", 1, true);
  g_atomic_int_inc (&self->n_connects);
  g_atomic_int_inc (&self->generation);
  g_atomic_int_set (&self->connected, TRUE);
}

static void
on_disconnect (struct mosquitto *mosq,
               void             *data,
               int               rc)
{
  AetherMqtt *self = data;

  g_atomic_int_set (&self->connected, FALSE);
}

typedef struct
{
  AetherMqtt *self;
  char       *topic_id;
  char       *payload;
} Command;

static void
command_free (Command *command)
{
  g_object_unref (command->self);
  g_free (command->topic_id);
  g_free (command->payload);
  g_free (command);
}

static gboolean run_command (gpointer data);

static void
on_message (struct mosquitto                *mosq,
            void                            *data,
            const struct mosquitto_message  *message)
{
  AetherMqtt *self = data;
  g_auto(GStrv) levels = g_strsplit (message->topic, "/", -1);
  Command *command;

  if (g_strv_length (levels) != 3 || !g_str_equal (levels[0], "aetherlens") || !g_str_equal (levels[2], "set") ||
      message->payloadlen > 16)
    return;
  command = g_new0 (Command, 1);
  command->self = g_object_ref (self);
  command->topic_id = g_strdup (levels[1]);
  command->payload = g_strndup (message->payload, message->payloadlen);
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, run_command, command, (GDestroyNotify)command_free);
}

static void
publish_queued (AetherMqtt *self)
{
  Outgoing *out;

  while (g_atomic_int_get (&self->connected) && (out = g_async_queue_try_pop (self->queue)) != NULL)
    {
      int rc = mosquitto_publish (self->mosq, NULL, out->topic, strlen (out->payload), out->payload,
                                  out->droppable ? 0 : 1, out->retain);

      if (rc != MOSQ_ERR_SUCCESS)
        g_debug ("Could not publish %s: %s", out->topic, mosquitto_strerror (rc));
      outgoing_free (out);
    }
}

static gpointer
run (gpointer data)
{
  AetherMqtt *self = data;
  gboolean ever = FALSE;
  gboolean session = FALSE;

  while (!is_stopping (self))
    {
      int rc;

      if (!session)
        {
          /* Without waiting for the TCP handshake: a broker that does not
           * answer at all must not hold up stopping. */
          rc = ever ? mosquitto_reconnect_async (self->mosq)
                    : mosquitto_connect_async (self->mosq, self->host, self->port, KEEPALIVE_S);
          if (rc != MOSQ_ERR_SUCCESS)
            {
              g_debug ("Could not reach the MQTT broker %s:%u: %s", self->host, self->port,
                       rc == MOSQ_ERR_ERRNO ? g_strerror (errno) : mosquitto_strerror (rc));
              back_off (self);
              continue;
            }
          ever = session = TRUE;
        }

      publish_queued (self);
      rc = mosquitto_loop (self->mosq, 100, 1);
      if (rc != MOSQ_ERR_SUCCESS && !is_stopping (self))
        {
          g_debug ("Lost the MQTT broker %s:%u: %s", self->host, self->port, mosquitto_strerror (rc));
          g_atomic_int_set (&self->connected, FALSE);
          session = FALSE;
          back_off (self);
        }
    }

  if (session && g_atomic_int_get (&self->connected))
    {
      int mid = 0;

      /* Offline, on purpose: said before leaving (the will is for when we
       * cannot). */
      publish_queued (self);
      mosquitto_publish (self->mosq, &mid, STATUS_TOPIC, strlen ("offline"), "offline", 1, true);
      for (guint i = 0; i < 10 && mosquitto_want_write (self->mosq); i++)
        mosquitto_loop (self->mosq, 50, 1);
      mosquitto_disconnect (self->mosq);
      mosquitto_loop (self->mosq, 50, 1);
    }
  return NULL;
}

/* ---- the main thread ---------------------------------------------------- */

static void
push (AetherMqtt *self,
      const char *topic,
      char       *payload,
      gboolean    retain,
      gboolean    droppable)
{
  Outgoing *out;

  if (droppable && g_async_queue_length (self->queue) >= MAX_QUEUED)
    {
      g_atomic_int_inc (&self->n_dropped);
      g_free (payload);
      return;
    }
  out = g_new0 (Outgoing, 1);
  out->topic = g_strdup (topic);
  out->payload = payload;
  out->retain = retain;
  out->droppable = droppable;
  g_async_queue_push (self->queue, out);
  /* The thread waits at most 100 ms in mosquitto's loop: no need to wake it. */
}

static JsonNode *
discovery_config (JsonObject *device,
                  const char *device_id,
                  const char *tid,
                  const char *metric,
                  const char *unit)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  const MetricInfo *info = metric_info (metric);
  g_autofree char *unique = g_strdup_printf ("aetherlens_%s_%s", tid, metric);
  g_autofree char *state = g_strdup_printf ("aetherlens/%s/%s", tid, metric);
  g_autofree char *availability = g_strdup_printf ("aetherlens/%s/availability", tid);
  g_autofree char *command = g_strdup_printf ("aetherlens/%s/set", tid);
  g_autofree char *identifier = g_strdup_printf ("aetherlens_%s", tid);
  const char *name = device ? aether_json_get_string (device, "name") : NULL;
  const char *room = device ? aether_json_get_string (aether_json_get_object (device, "location"), "room") : NULL;
  const char *manufacturer = device ? aether_json_get_string (device, "manufacturer") : NULL;
  const char *model = device ? aether_json_get_string (device, "model") : NULL;
  gboolean is_switch = g_str_equal (metric, "relay");

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, is_switch ? _("Power switch") : info ? _(info->name) : metric);
  json_builder_set_member_name (b, "unique_id");
  json_builder_add_string_value (b, unique);
  json_builder_set_member_name (b, "object_id");
  json_builder_add_string_value (b, unique);
  json_builder_set_member_name (b, "state_topic");
  json_builder_add_string_value (b, state);
  if (is_switch)
    {
      json_builder_set_member_name (b, "command_topic");
      json_builder_add_string_value (b, command);
      json_builder_set_member_name (b, "payload_on");
      json_builder_add_string_value (b, "ON");
      json_builder_set_member_name (b, "payload_off");
      json_builder_add_string_value (b, "OFF");
      json_builder_set_member_name (b, "state_on");
      json_builder_add_string_value (b, "1");
      json_builder_set_member_name (b, "state_off");
      json_builder_add_string_value (b, "0");
      json_builder_set_member_name (b, "device_class");
      json_builder_add_string_value (b, "outlet");
    }
  else
    {
      if (info != NULL)
        {
          json_builder_set_member_name (b, "device_class");
          json_builder_add_string_value (b, info->device_class);
        }
      json_builder_set_member_name (b, "state_class");
      json_builder_add_string_value (b, info ? info->state_class : "measurement");
      if (unit != NULL && *unit != '\0')
        {
          json_builder_set_member_name (b, "unit_of_measurement");
          json_builder_add_string_value (b, unit);
        }
    }
  json_builder_set_member_name (b, "availability");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "topic");
  json_builder_add_string_value (b, STATUS_TOPIC);
  json_builder_end_object (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "topic");
  json_builder_add_string_value (b, availability);
  json_builder_end_object (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "availability_mode");
  json_builder_add_string_value (b, "all");
  json_builder_set_member_name (b, "device");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "identifiers");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, identifier);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name ? name : device_id);
  if (manufacturer != NULL)
    {
      json_builder_set_member_name (b, "manufacturer");
      json_builder_add_string_value (b, manufacturer);
    }
  if (model != NULL)
    {
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, model);
    }
  if (room != NULL)
    {
      json_builder_set_member_name (b, "suggested_area");
      json_builder_add_string_value (b, room);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
announce (AetherMqtt          *self,
          const AetherReading *reading,
          const char          *tid)
{
  g_autoptr(JsonNode) device = aether_store_get_device (aether_service_get_store (self->service), reading->device_id, NULL);
  g_autoptr(JsonNode) config = discovery_config (device ? json_node_get_object (device) : NULL, reading->device_id,
                                                 tid, reading->metric_type, reading->unit);
  g_autofree char *topic = g_str_equal (reading->metric_type, "relay")
                           ? g_strdup_printf ("homeassistant/switch/aetherlens_%s/config", tid)
                           : g_strdup_printf ("homeassistant/sensor/aetherlens_%s_%s/config", tid, reading->metric_type);

  push (self, topic, json_to_string (config, FALSE), TRUE, FALSE);
}

static void
publish_availability (AetherMqtt *self,
                      const char *device_id,
                      const char *tid,
                      gboolean    online)
{
  const char *value = online ? "online" : "offline";
  g_autofree char *topic = NULL;

  if (g_strcmp0 (g_hash_table_lookup (self->availability, device_id), value) == 0)
    return;
  g_hash_table_replace (self->availability, g_strdup (device_id), g_strdup (value));
  topic = g_strdup_printf ("aetherlens/%s/availability", tid);
  push (self, topic, g_strdup (value), TRUE, FALSE);
}

/* A new connection: announce everything again. */
static void
check_generation (AetherMqtt *self)
{
  int generation = g_atomic_int_get (&self->generation);

  if (generation != self->seen_generation)
    {
      g_hash_table_remove_all (self->announced);
      g_hash_table_remove_all (self->availability);
      self->seen_generation = generation;
    }
}

static void
on_reading (AetherCollector *collector,
            gpointer         data,
            AetherMqtt      *self)
{
  const AetherReading *reading = data;
  g_autofree char *tid = topic_id (reading->device_id);
  g_autofree char *key = g_strconcat (reading->device_id, "\t", reading->metric_type, NULL);
  g_autofree char *topic = g_strdup_printf ("aetherlens/%s/%s", tid, reading->metric_type);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  /* The device's raw counter, resets and all, is the collector's to
   * resume from; Home Assistant gets `energy`, which only grows. */
  if (g_str_equal (reading->metric_type, "energy_counter"))
    return;
  check_generation (self);
  if (!g_hash_table_contains (self->announced, key))
    {
      announce (self, reading, tid);
      g_hash_table_add (self->announced, g_steal_pointer (&key));
    }
  publish_availability (self, reading->device_id, tid, TRUE);
  push (self, topic, g_strdup (g_ascii_dtostr (number, sizeof number, reading->value)), TRUE, TRUE);
}

static void
on_status_changed (AetherCollector *collector,
                   const char      *device_id,
                   AetherMqtt      *self)
{
  g_autofree char *tid = topic_id (device_id);
  gboolean online = TRUE;

  check_generation (self);
  if (aether_hot_tier_get_device_status (aether_service_get_hot_tier (self->service), device_id, &online, NULL, NULL))
    publish_availability (self, device_id, tid, online);
}

static void
on_switched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autofree char *device_id = user_data;
  g_autoptr(GError) error = NULL;

  if (!aether_service_set_state_finish (AETHER_SERVICE (object), result, &error))
    g_warning ("Home Assistant asked to switch %s, which failed: %s", device_id, error->message);
}

static gboolean
run_command (gpointer data)
{
  Command *command = data;
  AetherMqtt *self = command->self;
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *payload = g_ascii_strdown (g_strstrip (command->payload), -1);
  gboolean on;

  if (self->service == NULL)
    return G_SOURCE_REMOVE;
  if (g_str_equal (payload, "on") || g_str_equal (payload, "1") || g_str_equal (payload, "true"))
    on = TRUE;
  else if (g_str_equal (payload, "off") || g_str_equal (payload, "0") || g_str_equal (payload, "false"))
    on = FALSE;
  else
    {
      g_warning ("aetherlens/%s/set: “%s” is neither ON nor OFF", command->topic_id, command->payload);
      return G_SOURCE_REMOVE;
    }

  devices = aether_store_list_devices (aether_service_get_store (self->service), NULL);
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      const char *id = aether_json_get_string (json_node_get_object (g_ptr_array_index (devices, i)), "device_id");
      g_autofree char *tid = id ? topic_id (id) : NULL;

      if (g_strcmp0 (tid, command->topic_id) == 0)
        {
          aether_service_set_state_async (self->service, id, on, NULL, on_switched, g_strdup (id));
          return G_SOURCE_REMOVE;
        }
    }
  g_warning ("aetherlens/%s/set: there is no such device", command->topic_id);
  return G_SOURCE_REMOVE;
}

/* ---- public ------------------------------------------------------------- */

/**
 * aether_mqtt_parse_url:
 * @url: `mqtt://HOST[:PORT]`
 * @host: (out) (transfer full): the host
 * @port: (out): the port, 1883 unless given
 * @error: a location for a #GError
 *
 * Returns: %TRUE if @url is a broker's
 */
gboolean
aether_mqtt_parse_url (const char  *url,
                       char       **host,
                       guint16     *port,
                       GError     **error)
{
  g_autoptr(GUri) uri = NULL;

  g_return_val_if_fail (url != NULL, FALSE);

  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "mqtt") != 0 || g_uri_get_host (uri) == NULL ||
      *g_uri_get_host (uri) == '\0' || (g_uri_get_path (uri)[0] != '\0' && !g_str_equal (g_uri_get_path (uri), "/")))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a broker’s address: give mqtt://HOST:PORT, such as mqtt://127.0.0.1:1883"), url);
      return FALSE;
    }
  *host = g_strdup (g_uri_get_host (uri));
  *port = g_uri_get_port (uri) > 0 ? (guint16)g_uri_get_port (uri) : 1883;
  return TRUE;
}

/**
 * aether_mqtt_keyring_id:
 * @host: a broker's host
 * @port: its port
 *
 * Returns: (transfer full): what the broker's user name and password are
 *   kept under in the keyring (`username`, `password`)
 */
char *
aether_mqtt_keyring_id (const char *host,
                        guint16     port)
{
  return g_strdup_printf ("mqtt://%s:%u", host, port);
}

/**
 * aether_mqtt_new:
 * @service: the service whose readings it publishes
 * @url: the broker, `mqtt://HOST[:PORT]`
 * @username: (nullable): the broker's user
 * @password: (nullable): and password
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the bridge, not yet started
 */
AetherMqtt *
aether_mqtt_new (AetherService  *service,
                 const char     *url,
                 const char     *username,
                 const char     *password,
                 GError        **error)
{
  static gsize initialised = 0;
  g_autoptr(AetherMqtt) self = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  if (g_once_init_enter (&initialised))
    {
      mosquitto_lib_init ();
      g_once_init_leave (&initialised, 1);
    }

  self = g_object_new (AETHER_TYPE_MQTT, NULL);
  if (!aether_mqtt_parse_url (url, &self->host, &self->port, error))
    return NULL;
  self->service = g_object_ref (service);
  self->username = g_strdup (username);
  self->password = g_strdup (password);
  self->context = g_main_context_ref_thread_default ();

  if (!(self->mosq = mosquitto_new (NULL, true, self)))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_FAILED, _("Could not make an MQTT client"));
      return NULL;
    }
  mosquitto_int_option (self->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_connect_callback_set (self->mosq, on_connect);
  mosquitto_disconnect_callback_set (self->mosq, on_disconnect);
  mosquitto_message_callback_set (self->mosq, on_message);
  mosquitto_will_set (self->mosq, STATUS_TOPIC, strlen ("offline"), "offline", 1, true);
  if (username != NULL)
    mosquitto_username_pw_set (self->mosq, username, password);
  return g_steal_pointer (&self);
}

/**
 * aether_mqtt_start:
 * @self: a bridge
 *
 * Starts publishing the service's readings, connecting on a thread of its
 * own (and again whenever the broker goes away).
 */
void
aether_mqtt_start (AetherMqtt *self)
{
  AetherCollector *collector;

  g_return_if_fail (AETHER_IS_MQTT (self));
  g_return_if_fail (self->thread == NULL);

  collector = aether_service_get_collector (self->service);
  self->reading_handler = g_signal_connect (collector, "reading", G_CALLBACK (on_reading), self);
  self->status_handler = g_signal_connect (collector, "status-changed", G_CALLBACK (on_status_changed), self);
  self->thread = g_thread_new ("aether-mqtt", run, self);
}

/**
 * aether_mqtt_stop:
 * @self: a bridge
 *
 * Says `offline`, disconnects and stops the thread.
 */
void
aether_mqtt_stop (AetherMqtt *self)
{
  g_return_if_fail (AETHER_IS_MQTT (self));

  if (self->service != NULL)
    {
      AetherCollector *collector = aether_service_get_collector (self->service);

      g_clear_signal_handler (&self->reading_handler, collector);
      g_clear_signal_handler (&self->status_handler, collector);
    }
  if (self->thread == NULL)
    return;
  g_mutex_lock (&self->lock);
  self->stopping = TRUE;
  g_cond_broadcast (&self->wake);
  g_mutex_unlock (&self->lock);
  g_thread_join (g_steal_pointer (&self->thread));
}

/**
 * aether_mqtt_get_n_connects:
 * @self: a bridge
 *
 * Returns: how many times it has connected
 */
guint
aether_mqtt_get_n_connects (AetherMqtt *self)
{
  g_return_val_if_fail (AETHER_IS_MQTT (self), 0);
  return (guint)g_atomic_int_get (&self->n_connects);
}

/**
 * aether_mqtt_is_connected:
 * @self: a bridge
 *
 * Returns: whether it is connected now
 */
gboolean
aether_mqtt_is_connected (AetherMqtt *self)
{
  g_return_val_if_fail (AETHER_IS_MQTT (self), FALSE);
  return g_atomic_int_get (&self->connected);
}

/**
 * aether_mqtt_get_n_dropped:
 * @self: a bridge
 *
 * Returns: how many readings were dropped while the broker was away
 */
guint
aether_mqtt_get_n_dropped (AetherMqtt *self)
{
  g_return_val_if_fail (AETHER_IS_MQTT (self), 0);
  return (guint)g_atomic_int_get (&self->n_dropped);
}
