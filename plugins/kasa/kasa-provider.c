/* kasa-provider.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* TP-Link Kasa plugs over their local protocol: JSON on TCP port 9999,
 * each message a 4-byte big-endian length and the text "encrypted" with an
 * autokey XOR (key 171, then each byte's cipher byte is the next key).
 * `system.get_sysinfo` identifies the plug; `emeter.get_realtime` reads it,
 * in either of two unit styles: old firmware sends `power` W, `total` kWh,
 * `voltage` V, `current` A; newer firmware `power_mw`, `total_wh`,
 * `voltage_mv`, `current_ma`. A plug without an energy meter (no `ENE` in
 * its `feature`, e.g. the HS100) says so instead of reading 0 W. Power
 * strips (HS300) have `children`; channel N is child N, addressed with
 * `context.child_ids`. The relay's state comes with the sysinfo each poll
 * asks first: `relay_state`, or the outlet's `state` on a strip, as a
 * `relay` reading. The newer SMART/KLAP protocol (KP125M, P110) is not
 * spoken here. */

#define G_LOG_DOMAIN "kasa-provider"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "kasa-provider.h"

#define KASA_PORT 9999

struct _KasaProvider
{
  GObject parent_instance;
};

static void provider_iface_init (AetherDeviceProviderInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (KasaProvider, kasa_provider, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (AETHER_TYPE_DEVICE_PROVIDER, provider_iface_init))

void
kasa_provider_register (GTypeModule *module)
{
  kasa_provider_register_type (module);
}

static const AetherConfigField config_fields[] = {
  { "ip_address", N_("Address"), AETHER_CONFIG_FIELD_HOST, NULL, FALSE, TRUE,
    N_("The plug’s IP address, as your router or the Kasa app shows it") },
  { "polling_interval", N_("Polling Interval"), AETHER_CONFIG_FIELD_INT, "10", FALSE, FALSE,
    N_("Seconds between readings") },
  { NULL }
};

static const AetherConfigField *
kasa_get_config_fields (AetherDeviceProvider *provider)
{
  return config_fields;
}

static GBytes *
encrypt (const char *text)
{
  gsize len = strlen (text);
  guint8 *out = g_malloc (len + 4);
  guint8 key = 171;

  out[0] = (len >> 24) & 0xff;
  out[1] = (len >> 16) & 0xff;
  out[2] = (len >> 8) & 0xff;
  out[3] = len & 0xff;
  for (gsize i = 0; i < len; i++)
    {
      key = key ^ (guint8)text[i];
      out[4 + i] = key;
    }
  return g_bytes_new_take (out, len + 4);
}

static char *
decrypt (const guint8 *data,
         gsize         len)
{
  char *out = g_malloc (len + 1);
  guint8 key = 171;

  for (gsize i = 0; i < len; i++)
    {
      out[i] = (char)(key ^ data[i]);
      key = data[i];
    }
  out[len] = '\0';
  return out;
}

typedef struct
{
  char              *host;
  char              *name;
  char              *request;
  guint              timeout;
  guint              channel;
  gboolean           on;
  int                step;       /* 0 probe, 1 poll, 2 switch */
  int                relay;      /* what sysinfo said of the relay: 1, 0, or -1 unknown */
  char              *child_id;
  GSocketConnection *connection;
  guint8             header[4];
  guint8            *body;
  gsize              body_len;
} Call;

static void
call_free (gpointer data)
{
  Call *c = data;

  g_free (c->host);
  g_free (c->name);
  g_free (c->request);
  g_free (c->child_id);
  g_clear_object (&c->connection);
  g_free (c->body);
  g_free (c);
}

static void send_request (GTask *task, const char *request, GAsyncReadyCallback done);

static void
fail_io (GTask  *task,
         GError *error)
{
  Call *c = g_task_get_task_data (task);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_task_return_error (task, error);
  else
    {
      int code = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ? AETHER_ERROR_TIMED_OUT : AETHER_ERROR_UNREACHABLE;

      g_task_return_new_error (task, AETHER_ERROR, code, code == AETHER_ERROR_TIMED_OUT
                               ? "%s did not answer in time" : "%s cannot be reached (%s): check its address",
                               c->name, error->message);
      g_error_free (error);
    }
}

typedef void (*AnswerFunc) (GTask *task, JsonObject *answer);

static void
on_body (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;
  gsize read = 0;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) parse_error = NULL;
  AnswerFunc answer = g_object_get_data (G_OBJECT (task), "answer");

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &read, &error))
    {
      fail_io (g_steal_pointer (&task), error);
      return;
    }
  if (read != c->body_len)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s closed the connection mid-answer", c->name);
      return;
    }

  g_clear_object (&c->connection);
  text = decrypt (c->body, c->body_len);
  if (!(root = aether_json_parse (text, -1, AETHER_JSON_MAX_DEPTH, &parse_error)) || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s sent something that is not a Kasa answer (%s)",
                               c->name, parse_error ? parse_error->message : "not an object");
      return;
    }

  answer (g_steal_pointer (&task), json_node_get_object (root));
}

static void
on_header (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;
  gsize read = 0;

  if (!g_input_stream_read_all_finish (G_INPUT_STREAM (object), result, &read, &error))
    {
      fail_io (g_steal_pointer (&task), error);
      return;
    }
  if (read != 4)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s closed the connection without answering", c->name);
      return;
    }

  c->body_len = ((gsize)c->header[0] << 24) | ((gsize)c->header[1] << 16) | ((gsize)c->header[2] << 8) | c->header[3];
  if (c->body_len == 0 || c->body_len > AETHER_HTTP_MAX_BODY)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                               "%s announced an answer of %" G_GSIZE_FORMAT " bytes; that is not a plug reading",
                               c->name, c->body_len);
      return;
    }

  g_free (c->body);
  c->body = g_malloc (c->body_len);
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (c->connection)), c->body, c->body_len,
                                 G_PRIORITY_DEFAULT, g_task_get_cancellable (task), on_body, task);
  task = NULL;
}

static void
on_written (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      fail_io (g_steal_pointer (&task), error);
      return;
    }

  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (c->connection)), c->header, 4,
                                 G_PRIORITY_DEFAULT, cancellable, on_header, g_steal_pointer (&task));
}

static void
on_connected (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GBytes) message = NULL;
  GCancellable *cancellable = g_task_get_cancellable (task);
  gsize size;
  gconstpointer data;

  c->connection = g_socket_client_connect_to_host_finish (G_SOCKET_CLIENT (object), result, &error);
  if (c->connection == NULL)
    {
      fail_io (g_steal_pointer (&task), error);
      return;
    }

  /* The socket timeout covers reads and writes: a plug that accepts and
   * never answers times out. */
  g_socket_set_timeout (g_socket_connection_get_socket (c->connection), c->timeout);

  message = encrypt (c->request);
  data = g_bytes_get_data (message, &size);
  g_object_set_data_full (G_OBJECT (task), "message", g_bytes_ref (message), (GDestroyNotify)g_bytes_unref);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (c->connection)), data, size,
                                   G_PRIORITY_DEFAULT, cancellable, on_written, g_steal_pointer (&task));
}

static void
send_request (GTask               *task,
              const char          *request,
              GAsyncReadyCallback  unused)
{
  Call *c = g_task_get_task_data (task);
  g_autoptr(GSocketClient) client = g_socket_client_new ();

  g_free (c->request);
  c->request = g_strdup (request);
  g_socket_client_set_timeout (client, c->timeout);
  g_socket_client_connect_to_host_async (client, c->host, KASA_PORT, g_task_get_cancellable (task), on_connected, task);
}

static JsonObject *
member_object (JsonObject *o,
               const char *a,
               const char *b)
{
  JsonNode *n = o ? json_object_get_member (o, a) : NULL;

  if (n == NULL || !JSON_NODE_HOLDS_OBJECT (n))
    return NULL;
  if (b == NULL)
    return json_node_get_object (n);
  return member_object (json_node_get_object (n), b, NULL);
}

static gboolean
check_err (GTask      *task,
           JsonObject *reply)
{
  Call *c = g_task_get_task_data (task);
  gint64 err = aether_json_get_int_or (reply, "err_code", 0);

  if (err != 0)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_FAILED, "%s refused the request (error %" G_GINT64_FORMAT ": %s)",
                               c->name, err, aether_json_get_string_or (reply, "err_msg", "no reason given"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
has_meter (JsonObject *sysinfo)
{
  const char *feature = aether_json_get_string_or (sysinfo, "feature", "");

  return strstr (feature, "ENE") != NULL;
}

static void
answer_probe (GTask      *task,
              JsonObject *answer)
{
  JsonObject *sysinfo = member_object (answer, "system", "get_sysinfo");
  Call *c = g_task_get_task_data (task);
  AetherDeviceIdentity *id;
  g_autoptr(GPtrArray) caps = g_ptr_array_new ();
  const char *model;

  if (sysinfo == NULL)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s answered without system information", c->name);
      g_object_unref (task);
      return;
    }

  model = aether_json_get_string_or (sysinfo, "model", "Kasa");
  id = aether_device_identity_new ();
  id->manufacturer = g_strdup ("TP-Link");
  id->model = g_strdup (model);
  id->firmware_version = g_strdup (aether_json_get_string_or (sysinfo, "sw_ver", NULL));
  id->mac_address = g_strdup (aether_json_get_string_or (sysinfo, "mac",
                                aether_json_get_string_or (sysinfo, "mic_mac", NULL)));
  id->suggested_name = g_strdup (aether_json_get_string_or (sysinfo, "alias", model));
  id->suggested_type = g_strdup (json_object_has_member (sysinfo, "children") ? "power_strip" : "smart_plug");
  if (has_meter (sysinfo))
    {
      g_ptr_array_add (caps, (gpointer)"power_monitoring");
      g_ptr_array_add (caps, (gpointer)"energy_metering");
    }
  if (json_object_has_member (sysinfo, "relay_state") || json_object_has_member (sysinfo, "children"))
    g_ptr_array_add (caps, (gpointer)"on_off_control");
  g_ptr_array_add (caps, NULL);
  g_strfreev (id->capabilities);
  id->capabilities = g_strdupv ((char **)caps->pdata);
  if (json_object_has_member (sysinfo, "children"))
    id->n_channels = (aether_json_get_array (sysinfo, "children") ? json_array_get_length (aether_json_get_array (sysinfo, "children")) : 0);

  g_task_return_pointer (task, id, (GDestroyNotify)aether_device_identity_free);
  g_object_unref (task);
}

static gboolean
reading (GTask        *task,
         JsonObject   *rt,
         const char   *new_name,
         const char   *old_name,
         double        new_factor,
         double        old_factor,
         AetherMetric  metric,
         GArray       *samples)
{
  Call *c = g_task_get_task_data (task);
  const char *name = json_object_has_member (rt, new_name) ? new_name : json_object_has_member (rt, old_name) ? old_name : NULL;
  double factor = name == new_name ? new_factor : old_factor;
  JsonNode *n;
  AetherSample s = { metric, c->channel, 0, 0 };

  if (name == NULL)
    return TRUE;

  n = json_object_get_member (rt, name);
  if (!JSON_NODE_HOLDS_VALUE (n) ||
      (json_node_get_value_type (n) != G_TYPE_INT64 && json_node_get_value_type (n) != G_TYPE_DOUBLE) ||
      !isfinite (json_node_get_double (n)))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s sent “%s” for %s, which is not a number",
                               c->name, JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                                        ? json_node_get_string (n) : "something else", name);
      return FALSE;
    }

  s.value = json_node_get_double (n) * factor;
  g_array_append_val (samples, s);
  return TRUE;
}

static void
answer_realtime (GTask      *task,
                 JsonObject *answer)
{
  JsonObject *rt = member_object (answer, "emeter", "get_realtime");
  g_autoptr(GArray) samples = g_array_new (FALSE, TRUE, sizeof (AetherSample));
  Call *c = g_task_get_task_data (task);

  if (rt == NULL)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED, "%s has no energy meter", c->name);
      g_object_unref (task);
      return;
    }
  if (!check_err (task, rt) ||
      !reading (task, rt, "power_mw", "power", 0.001, 1, AETHER_METRIC_POWER, samples) ||
      !reading (task, rt, "total_wh", "total", 1, 1000, AETHER_METRIC_ENERGY, samples) ||
      !reading (task, rt, "voltage_mv", "voltage", 0.001, 1, AETHER_METRIC_VOLTAGE, samples) ||
      !reading (task, rt, "current_ma", "current", 0.001, 1, AETHER_METRIC_CURRENT, samples))
    {
      g_object_unref (task);
      return;
    }
  if (samples->len == 0 || g_array_index (samples, AetherSample, 0).metric != AETHER_METRIC_POWER)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s sent no power reading", c->name);
      g_object_unref (task);
      return;
    }
  if (c->relay >= 0)
    {
      AetherSample relay = { AETHER_METRIC_RELAY, c->channel, c->relay, 0 };

      g_array_append_val (samples, relay);
    }

  g_task_return_pointer (task, g_steal_pointer (&samples), (GDestroyNotify)g_array_unref);
  g_object_unref (task);
}

static void
answer_switch (GTask      *task,
               JsonObject *answer)
{
  JsonObject *reply = member_object (answer, "system", "set_relay_state");

  if (reply == NULL)
    {
      Call *c = g_task_get_task_data (task);

      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s did not confirm the switch", c->name);
    }
  else if (check_err (task, reply))
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static char *
with_context (Call       *c,
              const char *body)
{
  if (c->child_id == NULL)
    return g_strdup_printf ("{%s}", body);
  return g_strdup_printf ("{\"context\": {\"child_ids\": [\"%s\"]}, %s}", c->child_id, body);
}

/* 1 or 0 from a plug's `relay_state` or an outlet's `state`; -1 when it is
 * missing or something else, and then no relay reading is made up. */
static int
relay_state_of (JsonObject *o,
                const char *name)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  gint64 v;

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_INT64)
    return -1;
  v = json_node_get_int (n);
  return v == 0 || v == 1 ? (int)v : -1;
}

/* sysinfo first: it says whether there is a meter and which child is the channel. */
static void
answer_sysinfo_then (GTask      *task,
                     JsonObject *answer)
{
  JsonObject *sysinfo = member_object (answer, "system", "get_sysinfo");
  Call *c = g_task_get_task_data (task);
  g_autofree char *request = NULL;

  if (sysinfo == NULL)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s answered without system information", c->name);
      g_object_unref (task);
      return;
    }

  if (c->step == 1 && !has_meter (sysinfo))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                               "%s (%s) has no energy meter; it can be switched, not measured", c->name,
                               aether_json_get_string_or (sysinfo, "model", "Kasa"));
      g_object_unref (task);
      return;
    }

  if (json_object_has_member (sysinfo, "children"))
    {
      JsonArray *children = aether_json_get_array (sysinfo, "children");
      JsonObject *child = aether_json_array_get_object (children, c->channel);
      const char *id = child ? aether_json_get_string_or (child, "id", NULL) : NULL;
      const char *device_id = aether_json_get_string_or (sysinfo, "deviceId", "");

      if (id == NULL)
        {
          g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, "%s has no outlet %u", c->name, c->channel + 1);
          g_object_unref (task);
          return;
        }
      /* Child ids may be given whole or as the suffix after the device id. */
      c->child_id = g_str_has_prefix (id, device_id) || strlen (id) > 2 ? g_strdup (id) : g_strconcat (device_id, id, NULL);
      c->relay = relay_state_of (child, "state");
    }
  else
    c->relay = relay_state_of (sysinfo, "relay_state");

  if (c->step == 1)
    {
      request = with_context (c, "\"emeter\": {\"get_realtime\": {}}");
      g_object_set_data (G_OBJECT (task), "answer", answer_realtime);
    }
  else
    {
      g_autofree char *body = g_strdup_printf ("\"system\": {\"set_relay_state\": {\"state\": %d}}", c->on ? 1 : 0);

      request = with_context (c, body);
      g_object_set_data (G_OBJECT (task), "answer", answer_switch);
    }
  send_request (task, request, NULL);
}

static void
begin (KasaProvider        *self,
       JsonObject          *config,
       int                  step,
       guint                channel,
       gboolean             on,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             tag)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  JsonObject *pc = aether_json_get_object (config, "plugin_config");
  const char *host = aether_json_get_string_or (config, "ip_address", NULL);
  Call *c;

  g_task_set_source_tag (task, tag);
  if (host == NULL || *host == '\0')
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                               "A Kasa plug needs its address (configuration.ip_address)");
      g_object_unref (task);
      return;
    }

  c = g_new0 (Call, 1);
  c->host = g_strdup (host);
  c->name = g_strdup_printf ("The Kasa plug at %s", host);
  c->timeout = pc ? (guint)aether_json_get_int_or (pc, "timeout_seconds", 5) : 5;
  c->step = step;
  c->channel = channel;
  c->on = on;
  c->relay = -1;
  g_task_set_task_data (task, c, call_free);

  g_object_set_data (G_OBJECT (task), "answer", step == 0 ? answer_probe : answer_sysinfo_then);
  send_request (task, "{\"system\": {\"get_sysinfo\": {}}}", NULL);
}

static void
kasa_probe_async (AetherDeviceProvider *provider, JsonObject *config, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  begin (KASA_PROVIDER (provider), config, 0, 0, FALSE, cancellable, callback, user_data, kasa_probe_async);
}

static AetherDeviceIdentity *
kasa_probe_finish (AetherDeviceProvider *provider, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kasa_poll_async (AetherDeviceProvider *provider, JsonObject *config, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  JsonObject *pc = aether_json_get_object (config, "plugin_config");
  guint channel = pc ? (guint)aether_json_get_int_or (pc, "channel", 0) : 0;

  begin (KASA_PROVIDER (provider), config, 1, channel, FALSE, cancellable, callback, user_data, kasa_poll_async);
}

static GArray *
kasa_poll_finish (AetherDeviceProvider *provider, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
kasa_set_state_async (AetherDeviceProvider *provider, JsonObject *config, guint channel, gboolean on,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  begin (KASA_PROVIDER (provider), config, 2, channel, on, cancellable, callback, user_data, kasa_set_state_async);
}

static gboolean
kasa_set_state_finish (AetherDeviceProvider *provider, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- Discovery: the Kasa app's own way, a UDP broadcast to port 9999 of
 * the same XOR-coded sysinfo request (without the length prefix); every
 * plug on the network answers from port 9999 with its sysinfo. The
 * AETHERLENS_KASA_DISCOVERY_TARGET variable (host:port) aims it elsewhere,
 * for tests on 127.0.0.1. */

#define DISCOVERY_MS 2000

typedef struct
{
  GSocket    *socket;
  GSource    *readable;
  GSource    *timeout;
  GPtrArray  *found;      /* JsonObject configurations */
  GHashTable *seen;       /* addresses */
} Discovery;

static void
discovery_free (gpointer data)
{
  Discovery *d = data;

  if (d->readable != NULL)
    g_source_destroy (d->readable);
  if (d->timeout != NULL)
    g_source_destroy (d->timeout);
  g_clear_pointer (&d->readable, g_source_unref);
  g_clear_pointer (&d->timeout, g_source_unref);
  g_clear_object (&d->socket);
  g_ptr_array_unref (d->found);
  g_hash_table_unref (d->seen);
  g_free (d);
}

static gboolean
on_discovery_done (gpointer user_data)
{
  GTask *task = user_data;
  Discovery *d = g_task_get_task_data (task);

  g_task_return_pointer (task, g_ptr_array_ref (d->found), (GDestroyNotify)g_ptr_array_unref);
  g_source_destroy (d->readable);
  return G_SOURCE_REMOVE;
}

static gboolean
on_discovery_answer (GSocket      *socket,
                     GIOCondition  condition,
                     gpointer      user_data)
{
  GTask *task = user_data;
  Discovery *d = g_task_get_task_data (task);
  guint8 buffer[8192];
  g_autoptr(GSocketAddress) from = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  g_autofree char *host = NULL;
  g_autofree char *address = NULL;
  JsonObject *sysinfo, *config;
  gssize n;
  guint16 port;

  n = g_socket_receive_from (socket, &from, (char *)buffer, sizeof buffer, NULL, NULL);
  if (n <= 0 || !G_IS_INET_SOCKET_ADDRESS (from))
    return G_SOURCE_CONTINUE;

  text = decrypt (buffer, (gsize)n);
  answer = aether_json_parse (text, -1, AETHER_JSON_MAX_DEPTH, NULL);
  /* Anything else on the port, or a plug that is not a plug, is no answer. */
  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      !(sysinfo = member_object (json_node_get_object (answer), "system", "get_sysinfo")))
    return G_SOURCE_CONTINUE;

  host = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (from)));
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (from));
  address = port == KASA_PORT ? g_strdup (host) : g_strdup_printf ("%s:%u", host, port);
  if (!g_hash_table_add (d->seen, g_strdup (address)))
    return G_SOURCE_CONTINUE;

  config = json_object_new ();
  json_object_set_string_member (config, "plugin", "kasa");
  json_object_set_string_member (config, "ip_address", address);
  json_object_set_string_member (config, "discovered_name",
                                 aether_json_get_string_or (sysinfo, "alias",
                                   aether_json_get_string_or (sysinfo, "model", "Kasa")));
  json_object_set_object_member (config, "plugin_config", json_object_new ());
  g_ptr_array_add (d->found, config);
  return G_SOURCE_CONTINUE;
}

static void
kasa_discover_async (AetherDeviceProvider *provider,
                     GCancellable         *cancellable,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  g_autoptr(GTask) task = g_task_new (provider, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketAddress) target = NULL;
  g_autoptr(GBytes) framed = encrypt ("{\"system\": {\"get_sysinfo\": {}}}");
  const char *override = g_getenv ("AETHERLENS_KASA_DISCOVERY_TARGET");
  Discovery *d = g_new0 (Discovery, 1);
  gsize size;
  const guint8 *data = g_bytes_get_data (framed, &size);

  g_task_set_source_tag (task, kasa_discover_async);
  d->found = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  d->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_task_set_task_data (task, d, discovery_free);

  if (override != NULL)
    {
      g_autoptr(GSocketConnectable) connectable = g_network_address_parse (override, KASA_PORT, &error);
      g_autoptr(GSocketAddressEnumerator) addresses = connectable ? g_socket_connectable_enumerate (connectable) : NULL;

      target = addresses ? g_socket_address_enumerator_next (addresses, NULL, &error) : NULL;
    }
  else
    {
      g_autoptr(GInetAddress) broadcast = g_inet_address_new_from_string ("255.255.255.255");

      target = g_inet_socket_address_new (broadcast, KASA_PORT);
    }

  if (target == NULL ||
      !(d->socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error)))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED, "Kasa plugs cannot be looked for here (%s)",
                               error ? error->message : "no address");
      return;
    }
  g_socket_set_broadcast (d->socket, TRUE);

  /* The payload without its length prefix: UDP carries its own length. */
  if (g_socket_send_to (d->socket, target, (const char *)data + 4, size - 4, cancellable, &error) < 0)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                               "Kasa plugs cannot be looked for on this network (%s)", error->message);
      return;
    }

  d->readable = g_socket_create_source (d->socket, G_IO_IN, cancellable);
  g_task_attach_source (task, d->readable, (GSourceFunc)(void (*)(void))on_discovery_answer);
  d->timeout = g_timeout_source_new (DISCOVERY_MS);
  g_task_attach_source (task, d->timeout, on_discovery_done);
}

static GPtrArray *
kasa_discover_finish (AetherDeviceProvider *provider,
                      GAsyncResult         *result,
                      GError              **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
provider_iface_init (AetherDeviceProviderInterface *iface)
{
  iface->get_config_fields = kasa_get_config_fields;
  iface->probe_async = kasa_probe_async;
  iface->probe_finish = kasa_probe_finish;
  iface->poll_async = kasa_poll_async;
  iface->poll_finish = kasa_poll_finish;
  iface->set_state_async = kasa_set_state_async;
  iface->set_state_finish = kasa_set_state_finish;
  iface->discover_async = kasa_discover_async;
  iface->discover_finish = kasa_discover_finish;
}

static void
kasa_provider_class_init (KasaProviderClass *klass)
{
}

static void
kasa_provider_class_finalize (KasaProviderClass *klass)
{
}

static void
kasa_provider_init (KasaProvider *self)
{
}
