/* test-kasa.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Kasa plugin, loaded through the plugin engine, against a fake Kasa
 * plug on 127.0.0.1: a threaded GSocketService speaking the legacy protocol
 * (4-byte length, autokey XOR from 171) and answering from recorded python-
 * kasa device dumps (tests/data/kasa, see SOURCES.md). The fake is written
 * from the protocol, not from the plugin, so a framing mistake on either
 * side shows. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

typedef enum {
  ANSWER_FILE,        /* fixture[module][method] */
  ANSWER_TEXT,        /* the text, framed and encrypted */
  ANSWER_TRUNCATED,   /* announces more than it sends, then closes */
  ANSWER_HUGE,        /* announces and starts sending 50 MB */
  ANSWER_HANG,        /* reads the request, never answers */
  ANSWER_CLOSE,       /* closes without a word */
} Answer;

typedef struct
{
  GSocketService *service;
  char           *host;

  GMutex          lock;
  JsonNode       *dump;        /* the recorded device */
  Answer          answer;      /* for requests of `hostile_method` */
  char           *hostile_method;
  char           *text;
  char           *last_request;
  char           *last_child;
  int             relay_state;
  int             child_state[6];
  GCancellable   *stop;

  AetherPluginEngine   *engine;
  AetherDeviceProvider *provider;
} Fixture;

static GBytes *
frame (const char *text)
{
  gsize len = strlen (text);
  guint8 *out = g_malloc (len + 4);
  guint8 key = 171;

  out[0] = len >> 24;
  out[1] = len >> 16;
  out[2] = len >> 8;
  out[3] = len;
  for (gsize i = 0; i < len; i++)
    out[4 + i] = key = key ^ (guint8)text[i];
  return g_bytes_new_take (out, len + 4);
}

static char *
unframe (const guint8 *data,
         gsize         len)
{
  char *out = g_malloc (len + 1);
  guint8 key = 171;

  for (gsize i = 0; i < len; i++)
    {
      out[i] = key ^ data[i];
      key = data[i];
    }
  out[len] = '\0';
  return out;
}

/* Builds the plug's answer to one request, as a real plug does: one object
 * per module asked, with `err_code -1` for modules it does not have. */
static char *
answer_from_dump (Fixture    *f,
                  JsonObject *request)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  JsonObject *dump = json_node_get_object (f->dump);
  GList *modules = json_object_get_members (request);

  json_builder_begin_object (b);
  for (GList *l = modules; l; l = l->next)
    {
      const char *module = l->data;
      JsonObject *methods;
      GList *names;

      if (g_str_equal (module, "context"))
        {
          JsonArray *ids = json_object_get_array_member (json_object_get_object_member (request, "context"), "child_ids");

          g_free (f->last_child);
          f->last_child = g_strdup (json_array_get_string_element (ids, 0));
          continue;
        }

      json_builder_set_member_name (b, module);
      json_builder_begin_object (b);
      methods = json_object_get_object_member (request, module);
      names = json_object_get_members (methods);
      for (GList *m = names; m; m = m->next)
        {
          const char *method = m->data;
          JsonObject *recorded = json_object_has_member (dump, module) ? json_object_get_object_member (dump, module) : NULL;

          if (g_str_equal (method, "set_relay_state"))
            {
              int state = json_object_get_int_member (json_object_get_object_member (methods, method), "state");

              JsonObject *sysinfo = json_object_get_object_member (json_object_get_object_member (dump, "system"),
                                                                   "get_sysinfo");

              /* The plug's sysinfo says so from now on, as a real one does. */
              if (f->last_child != NULL)
                {
                  guint outlet = f->last_child[strlen (f->last_child) - 1] - '1';
                  JsonArray *children = json_object_get_array_member (sysinfo, "children");

                  f->child_state[outlet] = state;
                  json_object_set_int_member (json_array_get_object_element (children, outlet), "state", state);
                }
              else
                {
                  f->relay_state = state;
                  json_object_set_int_member (sysinfo, "relay_state", state);
                }
              json_builder_set_member_name (b, method);
              json_builder_begin_object (b);
              json_builder_set_member_name (b, "err_code");
              json_builder_add_int_value (b, 0);
              json_builder_end_object (b);
            }
          else if (recorded != NULL && json_object_has_member (recorded, method))
            {
              json_builder_set_member_name (b, method);
              json_builder_add_value (b, json_node_copy (json_object_get_member (recorded, method)));
            }
          else
            {
              json_builder_set_member_name (b, "err_code");
              json_builder_add_int_value (b, -1);
              json_builder_set_member_name (b, "err_msg");
              json_builder_add_string_value (b, "module not support");
            }
        }
      g_list_free (names);
      json_builder_end_object (b);
    }
  g_list_free (modules);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  return json_to_string (root, FALSE);
}

static gboolean
on_connection (GThreadedSocketService *service,
               GSocketConnection      *connection,
               GObject                *source,
               gpointer                user_data)
{
  Fixture *f = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  guint8 header[4];
  gsize got = 0, len;
  g_autofree guint8 *body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *reply = NULL;
  g_autoptr(JsonNode) request = NULL;
  g_autoptr(GBytes) framed = NULL;
  g_autoptr(GCancellable) stop = NULL;
  const char *kind;
  Answer answer = ANSWER_FILE;

  if (!g_input_stream_read_all (in, header, 4, &got, NULL, NULL) || got != 4)
    return TRUE;
  len = ((gsize)header[0] << 24) | (header[1] << 16) | (header[2] << 8) | header[3];
  g_assert_cmpuint (len, <, 4096);
  body = g_malloc (len);
  if (!g_input_stream_read_all (in, body, len, &got, NULL, NULL) || got != len)
    return TRUE;
  text = unframe (body, len);
  request = json_from_string (text, NULL);
  g_assert_nonnull (request);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (request));

  g_mutex_lock (&f->lock);
  g_free (f->last_request);
  f->last_request = g_strdup (text);
  g_clear_pointer (&f->last_child, g_free);
  kind = json_object_has_member (json_node_get_object (request), "emeter") ? "get_realtime"
         : strstr (text, "set_relay_state") ? "set_relay_state" : "get_sysinfo";
  if (f->hostile_method != NULL && g_str_equal (kind, f->hostile_method))
    answer = f->answer;
  reply = answer == ANSWER_TEXT ? g_strdup (f->text) : answer_from_dump (f, json_node_get_object (request));
  stop = g_object_ref (f->stop);
  g_mutex_unlock (&f->lock);

  switch (answer)
    {
    case ANSWER_FILE:
    case ANSWER_TEXT:
      framed = frame (reply);
      g_output_stream_write_all (out, g_bytes_get_data (framed, NULL), g_bytes_get_size (framed), NULL, NULL, NULL);
      break;
    case ANSWER_TRUNCATED:
      {
        const guint8 more[4] = { 0, 0, 0x10, 0 };   /* 4096 bytes, then 10 */

        framed = frame (reply);
        g_output_stream_write_all (out, more, 4, NULL, NULL, NULL);
        g_output_stream_write_all (out, (const guint8 *)g_bytes_get_data (framed, NULL) + 4, 10, NULL, NULL, NULL);
      }
      break;
    case ANSWER_HUGE:
      {
        const guint8 big[4] = { 0x03, 0x20, 0x00, 0x00 };   /* 50 MiB */
        g_autofree guint8 *chunk = g_malloc0 (65536);

        if (g_output_stream_write_all (out, big, 4, NULL, NULL, NULL))
          for (guint i = 0; i < 50 * 16; i++)
            if (!g_output_stream_write_all (out, chunk, 65536, NULL, NULL, NULL))
              break;
      }
      break;
    case ANSWER_HANG:
      /* Until the plugin gives up and closes, or the test ends. */
      g_input_stream_read (in, header, 1, stop, NULL);
      break;
    case ANSWER_CLOSE:
      break;
    default:
      g_assert_not_reached ();
    }
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
serve (Fixture    *f,
       const char *file)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "kasa", file, NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_mutex_lock (&f->lock);
  g_clear_pointer (&f->dump, json_node_unref);
  f->dump = json_from_string (contents, &error);
  g_assert_no_error (error);
  g_clear_pointer (&f->hostile_method, g_free);
  g_mutex_unlock (&f->lock);
}

static void
misbehave (Fixture    *f,
           const char *method,
           Answer      answer,
           const char *text)
{
  g_mutex_lock (&f->lock);
  g_free (f->hostile_method);
  f->hostile_method = g_strdup (method);
  f->answer = answer;
  g_free (f->text);
  f->text = g_strdup (text);
  g_mutex_unlock (&f->lock);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_mutex_init (&f->lock);
  f->stop = g_cancellable_new ();
  f->relay_state = -1;
  f->service = g_threaded_socket_service_new (8);
  g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (f->service), address, G_SOCKET_TYPE_STREAM,
                                                G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
  g_assert_no_error (error);
  f->host = g_strdup_printf ("127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_signal_connect (f->service, "run", G_CALLBACK (on_connection), f);
  g_socket_service_start (f->service);
  serve (f, "HS110_EU_4.0_1.0.4.json");

  state = g_build_filename (g_get_tmp_dir (), "aether-kasa-plugins.ini", NULL);
  f->engine = aether_plugin_engine_new (state);
  aether_plugin_engine_load_all (f->engine);
  f->provider = aether_plugin_engine_get_provider (f->engine, "kasa", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_cancellable_cancel (f->stop);
  g_socket_service_stop (f->service);
  g_socket_listener_close (G_SOCKET_LISTENER (f->service));
  g_clear_object (&f->service);
  g_clear_object (&f->engine);
  g_clear_object (&f->stop);
  g_clear_pointer (&f->dump, json_node_unref);
  g_free (f->host);
  g_free (f->hostile_method);
  g_free (f->text);
  g_free (f->last_request);
  g_free (f->last_child);
  g_mutex_clear (&f->lock);
}

static JsonObject *
config (Fixture *f,
        guint    channel)
{
  g_autofree char *json = g_strdup_printf ("{\"ip_address\": \"%s\", \"plugin\": \"kasa\", \"plugin_config\": "
                                           "{\"timeout_seconds\": 1, \"channel\": %u}}", f->host, channel);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_object_ref (json_node_get_object (node));
}

static GArray *
poll_device (Fixture  *f,
             guint     channel,
             GError  **error)
{
  g_autoptr(JsonObject) c = config (f, channel);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_poll_async (f->provider, c, NULL, aether_test_store_result, &result);
  return aether_device_provider_poll_finish (f->provider, aether_test_wait_for (&result), error);
}

static AetherDeviceIdentity *
probe_device (Fixture  *f,
              GError  **error)
{
  g_autoptr(JsonObject) c = config (f, 0);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_probe_async (f->provider, c, NULL, aether_test_store_result, &result);
  return aether_device_provider_probe_finish (f->provider, aether_test_wait_for (&result), error);
}

/* Every recorded plug, checked by hand against its file. Old firmware
 * (hardware 1.x) sends W, kWh, V and A; newer firmware mW, Wh, mV and mA.
 * NAN power means the plug has no meter. */
static const struct {
  const char *file;
  const char *model;
  const char *firmware;
  const char *mac;
  guint       n_channels;
  double      power_w;
  double      energy_wh;
  double      voltage_v;
  double      current_a;
} expected[] = {
  { "HS110_EU_1.0_1.2.5.json", "HS110(EU)", "1.2.5 Build 171213 Rel.101523", "50:C7:BF:00:00:00", 1,
    0.928511, 55139, 231.067823, 0.014937 },
  { "HS110_US_1.0_1.2.6.json", "HS110(US)", "1.2.6 Build 200727 Rel.121701", "00:00:00:00:00:00", 1,
    7.677094, 30404, 118.917389, 0.128037 },
  { "HS110_EU_4.0_1.0.4.json", "HS110(EU)", "1.0.4 Build 191111 Rel.143500", "B0:95:75:00:00:00", 1,
    61.753, 16323, 230.837, 0.451 },
  { "KP115_EU_1.0_1.0.16.json", "KP115(EU)", "1.0.16 Build 210205 Rel.163735", "C0:06:C3:00:00:00", 1,
    63.499, 12068, 230.577, 0.296 },
  { "KP115_US_1.0_1.0.21.json", "KP115(US)", "1.0.21 Build 231129 Rel.171238", "54:AF:97:00:00:00", 1,
    0, 0, 120.652, 0 },
  { "KP125_US_1.0_1.0.6.json", "KP125(US)", "1.0.6 Build 210928 Rel.185924", "00:00:00:00:00:00", 1,
    100.277, 12170, 119.425, 0.978 },
  { "EP25_US_1.0_1.0.14.json", "EP25(US)", "1.0.14 Build 240424 Rel.094105", "AC:15:A2:00:00:00", 1,
    0, 50, 125.403, 0 },
  { "HS300_US_2.0_1.0.12.json", "HS300(US)", "1.0.12 Build 220121 Rel.175814", "C0:06:C3:00:00:00", 6,
    0.277, 62, 120.110, 0.006 },
  { "HS100_UK_4.1_1.1.0.json", "HS100(UK)", "1.1.0 Build 201016 Rel.175121", "CC:32:E5:00:00:00", 1,
    NAN, NAN, NAN, NAN },
};

static void
test_probe_identifies_every_plug (Fixture       *f,
                                  gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(AetherDeviceIdentity) id = NULL;
      gboolean metered = !isnan (expected[i].power_w);

      g_test_message ("%s", expected[i].file);
      serve (f, expected[i].file);
      id = probe_device (f, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (id->manufacturer, ==, "TP-Link");
      g_assert_cmpstr (id->model, ==, expected[i].model);
      g_assert_cmpstr (id->firmware_version, ==, expected[i].firmware);
      g_assert_cmpstr (id->mac_address, ==, expected[i].mac);
      g_assert_cmpuint (id->n_channels, ==, expected[i].n_channels);
      g_assert_cmpstr (id->suggested_type, ==, expected[i].n_channels > 1 ? "power_strip" : "smart_plug");
      g_assert_true (aether_device_identity_has_capability (id, "on_off_control"));
      g_assert_cmpint (aether_device_identity_has_capability (id, "power_monitoring"), ==, metered);
      g_assert_cmpint (aether_device_identity_has_capability (id, "energy_metering"), ==, metered);
    }
}

static void
test_every_recorded_plug_reads_right (Fixture       *f,
                                      gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = NULL;

      g_test_message ("%s", expected[i].file);
      serve (f, expected[i].file);
      samples = poll_device (f, 0, &error);
      if (isnan (expected[i].power_w))
        {
          /* Reported as unmeasurable, never as 0 W. */
          g_assert_null (samples);
          g_assert_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED);
          g_assert_nonnull (strstr (error->message, "HS100(UK)) has no energy meter"));
          continue;
        }
      g_assert_no_error (error);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_POWER, 0), expected[i].power_w);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), expected[i].energy_wh);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_VOLTAGE, 0), expected[i].voltage_v);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_CURRENT, 0), expected[i].current_a);
    }
}

static void
test_readme_example_reads_right (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "kasa", "schnavid_hs110_emeter_get_realtime_v2fw.json", NULL);
  g_autofree char *realtime = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;

  /* A realtime answer on its own, from a newer-firmware HS110. */
  g_assert_true (g_file_get_contents (path, &realtime, NULL, NULL));
  serve (f, "HS110_EU_4.0_1.0.4.json");
  misbehave (f, "get_realtime", ANSWER_TEXT, realtime);
  samples = poll_device (f, 0, &error);
  g_assert_no_error (error);
  aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_POWER, 0), 7.448);
  aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), 10701);
  aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_VOLTAGE, 0), 231.742);
  aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_CURRENT, 0), 0.143);
}

static void
test_strip_outlets_are_addressed_by_child_id (Fixture       *f,
                                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(JsonObject) c = NULL;

  serve (f, "HS300_US_2.0_1.0.12.json");
  samples = poll_device (f, 2, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (f->last_child, ==, "SCRUBBED_CHILD_DEVICE_ID_3");
  /* Samples of outlet 3 are channel 2, as the collector and storage expect. */
  g_assert_cmpuint (g_array_index (samples, AetherSample, 0).channel, ==, 2);
  g_clear_pointer (&samples, g_array_unref);

  samples = poll_device (f, 6, &error);
  g_assert_null (samples);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "has no outlet 7"));
}

static gboolean
set_state (Fixture  *f,
           guint     channel,
           gboolean  on,
           GError  **error)
{
  g_autoptr(JsonObject) c = config (f, 0);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_set_state_async (f->provider, c, channel, on, NULL, aether_test_store_result, &result);
  return aether_device_provider_set_state_finish (f->provider, aether_test_wait_for (&result), error);
}

static void
test_relay_control (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  serve (f, "KP115_EU_1.0_1.0.16.json");
  g_assert_true (set_state (f, 0, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->relay_state, ==, 0);
  g_assert_null (f->last_child);
  g_assert_true (set_state (f, 0, TRUE, &error));
  g_assert_cmpint (f->relay_state, ==, 1);

  /* A plug without a meter still switches. */
  serve (f, "HS100_UK_4.1_1.1.0.json");
  g_assert_true (set_state (f, 0, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpint (f->relay_state, ==, 0);

  /* One outlet of the strip, and only that one. */
  serve (f, "HS300_US_2.0_1.0.12.json");
  f->relay_state = -1;
  g_assert_true (set_state (f, 4, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->last_child, ==, "SCRUBBED_CHILD_DEVICE_ID_5");
  g_assert_cmpint (f->child_state[4], ==, 0);
  g_assert_cmpint (f->relay_state, ==, -1);

  /* A refusal is reported, not taken for success. */
  serve (f, "KP115_EU_1.0_1.0.16.json");
  misbehave (f, "set_relay_state", ANSWER_TEXT, "{\"system\": {\"set_relay_state\": {\"err_code\": -2, \"err_msg\": \"member not support\"}}}");
  g_assert_false (set_state (f, 0, TRUE, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_FAILED);
}

/* The relay as each recorded plug's sysinfo has it: `relay_state`, or the
 * outlet's `state` on the HS300 (all six recorded on). */
static const struct {
  const char *file;
  guint       channel;
  double      relay;
} relays[] = {
  { "HS110_EU_1.0_1.2.5.json", 0, 1 },
  { "HS110_EU_4.0_1.0.4.json", 0, 1 },
  { "KP115_EU_1.0_1.0.16.json", 0, 1 },
  { "KP115_US_1.0_1.0.21.json", 0, 0 },
  { "KP125_US_1.0_1.0.6.json", 0, 1 },
  { "EP25_US_1.0_1.0.14.json", 0, 1 },
  { "HS300_US_2.0_1.0.12.json", 3, 1 },
};

static void
test_relay_state_is_read (Fixture       *f,
                          gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (relays); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = NULL;

      g_test_message ("%s channel %u", relays[i].file, relays[i].channel);
      serve (f, relays[i].file);
      samples = poll_device (f, relays[i].channel, &error);
      g_assert_no_error (error);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_RELAY, relays[i].channel), relays[i].relay);
    }
}

static void
test_switching_off_is_read_back (Fixture       *f,
                                 gconstpointer  data)
{
  static const struct { const char *file; guint channel; } cases[] = {
    { "HS110_EU_4.0_1.0.4.json", 0 },
    { "HS300_US_2.0_1.0.12.json", 4 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s channel %u", cases[i].file, cases[i].channel);
      serve (f, cases[i].file);
      for (guint round = 0; round < 2; round++)
        {
          gboolean on = round == 1;
          g_autoptr(GError) error = NULL;
          g_autoptr(GArray) samples = NULL;

          g_assert_true (set_state (f, cases[i].channel, on, &error));
          g_assert_no_error (error);
          samples = poll_device (f, cases[i].channel, &error);
          g_assert_no_error (error);
          g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_RELAY, cases[i].channel), ==, on ? 1 : 0);
        }
    }

  /* Another outlet of the strip is still on. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) samples = NULL;

    g_assert_true (set_state (f, 4, FALSE, &error));
    samples = poll_device (f, 3, &error);
    g_assert_no_error (error);
    g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_RELAY, 3), ==, 1);
  }
}

static void
test_hostile_plugs_give_clear_errors (Fixture       *f,
                                      gconstpointer  data)
{
  static const struct { const char *method; Answer answer; const char *text; int code; const char *says; } cases[] = {
    { "get_realtime", ANSWER_TEXT, "{\"emeter\": {\"get_realtime\": {\"power_mw\": 12", AETHER_ERROR_INVALID_DATA, "not a Kasa answer" },
    { "get_realtime", ANSWER_TEXT, "[1, 2, 3]", AETHER_ERROR_INVALID_DATA, "not a Kasa answer" },
    { "get_realtime", ANSWER_TEXT, "{\"emeter\": {\"get_realtime\": {\"power_mw\": \"NaN\", \"total_wh\": 5}}}",
      AETHER_ERROR_INVALID_DATA, "sent “NaN” for power_mw, which is not a number" },
    { "get_realtime", ANSWER_TEXT, "{\"emeter\": {\"get_realtime\": {\"power\": \"12.5\"}}}",
      AETHER_ERROR_INVALID_DATA, "sent “12.5” for power" },
    { "get_realtime", ANSWER_TEXT, "{\"emeter\": {\"get_realtime\": {\"power_mw\": [1]}}}",
      AETHER_ERROR_INVALID_DATA, "sent “something else” for power_mw" },
    { "get_realtime", ANSWER_TEXT, "{\"emeter\": {\"get_realtime\": {\"err_code\": -1, \"err_msg\": \"module not support\"}}}",
      AETHER_ERROR_FAILED, "refused the request (error -1: module not support)" },
    { "get_realtime", ANSWER_TEXT, "{\"emeter\": {\"get_realtime\": {\"err_code\": 0}}}",
      AETHER_ERROR_INVALID_DATA, "sent no power reading" },
    { "get_realtime", ANSWER_TEXT, "{\"system\": {}}", AETHER_ERROR_UNSUPPORTED, "has no energy meter" },
    { "get_sysinfo", ANSWER_TEXT, "{\"system\": {\"get_sysinfo\": 5}}", AETHER_ERROR_INVALID_DATA, "without system information" },
    { "get_realtime", ANSWER_TRUNCATED, NULL, AETHER_ERROR_INVALID_DATA, "closed the connection mid-answer" },
    { "get_sysinfo", ANSWER_CLOSE, NULL, AETHER_ERROR_INVALID_DATA, "closed the connection without answering" },
    { "get_realtime", ANSWER_HUGE, NULL, AETHER_ERROR_INVALID_DATA, "announced an answer of 52428800 bytes" },
    { "get_realtime", ANSWER_HANG, NULL, AETHER_ERROR_TIMED_OUT, "did not answer in time" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = NULL;

      serve (f, "HS110_EU_4.0_1.0.4.json");
      misbehave (f, cases[i].method, cases[i].answer, cases[i].text);
      samples = poll_device (f, 0, &error);
      g_assert_null (samples);
      if (error == NULL || error->domain != AETHER_ERROR || error->code != cases[i].code ||
          strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: “%s” (code %d) does not say “%s” (code %d)", i, error ? error->message : "no error",
                 error ? error->code : 0, cases[i].says, cases[i].code);
      /* Every message names the plug. */
      g_assert_nonnull (strstr (error->message, f->host));
    }
}

static void
test_unreachable_plug_is_named (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autofree char *expected_name = g_strdup_printf ("The Kasa plug at %s cannot be reached", f->host);

  g_socket_service_stop (f->service);
  g_socket_listener_close (G_SOCKET_LISTENER (f->service));
  samples = poll_device (f, 0, &error);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (error->message, expected_name));
}

static void
test_counter_going_backwards_is_a_reset (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (10 * G_USEC_PER_SEC);
  AetherEnergyStep step;
  g_autoptr(GError) error = NULL;

  serve (f, "KP115_EU_1.0_1.0.16.json");
  {
    g_autoptr(GArray) samples = poll_device (f, 0, &error);

    g_assert_no_error (error);
    aether_energy_meter_push_counter (meter, 0, aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), &step);
  }
  /* The same plug after "erase_emeter_stat". */
  misbehave (f, "get_realtime", ANSWER_TEXT,
             "{\"emeter\": {\"get_realtime\": {\"power_mw\": 63000, \"total_wh\": 1, \"err_code\": 0}}}");
  {
    g_autoptr(GArray) samples = poll_device (f, 0, &error);

    g_assert_no_error (error);
    g_assert_true (aether_energy_meter_push_counter (meter, 10 * G_USEC_PER_SEC,
                                                     aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), &step));
    g_assert_true (step.counter_reset);
    g_assert_cmpuint (aether_energy_meter_get_n_resets (meter), ==, 1);
  }
}

static void
test_cli_adds_one_device_per_outlet (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-kasa-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *address = g_strdup_printf ("ip_address=%s", f->host);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GAsyncResult) result = NULL;

  serve (f, "HS300_US_2.0_1.0.12.json");
  /* The fake plug accepts in this thread's main context: run the CLI
   * without blocking it. */
  cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                          g_getenv ("AETHERLENS_CLI"), "--db", db, "devices", "add", "--plugin=kasa",
                          "--name=Desk Strip", "--config", address, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (cli, NULL, NULL, aether_test_store_result, &result);
  g_assert_true (g_subprocess_communicate_utf8_finish (cli, aether_test_wait_for (&result), &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_successful (cli));
  g_assert_nonnull (strstr (out, "Added Desk Strip 6 (TP-Link HS300(US), channel 6) as desk-strip-6"));

  store = aether_store_open (db, aether_clock_get_system (), &error);
  g_assert_no_error (error);
  devices = aether_store_list_devices (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (devices->len, ==, 6);
  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      JsonObject *configuration = json_object_get_object_member (device, "configuration");
      JsonObject *plugin_config = json_object_get_object_member (configuration, "plugin_config");
      g_autofree char *id = g_strdup_printf ("desk-strip-%u", i + 1);

      g_assert_cmpstr (json_object_get_string_member (device, "device_id"), ==, id);
      g_assert_cmpstr (json_object_get_string_member (device, "type"), ==, "power_strip");
      g_assert_cmpint (json_object_get_int_member (plugin_config, "channel"), ==, i);
    }
  g_clear_object (&store);
  aether_test_remove_dir (dir);
  g_rmdir (dir);
}

/* A plug that says a long answer is coming and then sends it a byte every
 * 50 ms: each read is quick, so only the probe's own deadline ends
 * `devices add`, with an error naming the address. */
static void
test_dripping_plug_add_ends (Fixture       *f,
                             gconstpointer  data)
{
  static const char head[] = { 0, 0, 0x10, 0 };   /* 4,096 bytes follow */
  g_autoptr(AetherTestDripServer) drip = aether_test_drip_server_new (head, sizeof head);
  g_autofree char *dir = g_dir_make_tmp ("aether-kasa-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *host = g_strdup_printf ("127.0.0.1:%u", aether_test_drip_server_get_port (drip));
  g_autofree char *address = g_strdup_printf ("ip_address=%s", host);
  g_autofree char *err = NULL;

  g_assert_cmpint (aether_test_run_cli_in_loop (db, NULL, &err, "devices", "add", "--plugin=kasa", "--name=Drip",
                                                "--config", address, "--config", "timeout_seconds=1", NULL), ==, 1);
  g_assert_nonnull (strstr (err, host));
  g_assert_nonnull (strstr (err, "did not finish answering within 3 s"));
  g_assert_cmpuint (aether_test_drip_server_get_n_connections (drip), >=, 1);
  aether_test_remove_dir (dir);
}

/* The Kasa app's discovery, aimed at 127.0.0.1: a UDP socket on the fake
 * plug's port answers the XOR-coded sysinfo request, after a stray
 * datagram that is no answer at all. */
static gboolean
on_discovery_request (GSocket      *socket,
                      GIOCondition  condition,
                      gpointer      user_data)
{
  Fixture *f = user_data;
  guint8 buffer[2048];
  g_autoptr(GSocketAddress) from = NULL;
  g_autofree char *request = NULL;
  g_autofree char *answer = NULL;
  g_autoptr(GBytes) framed = NULL;
  gssize n = g_socket_receive_from (socket, &from, (char *)buffer, sizeof buffer, NULL, NULL);
  JsonObject *sysinfo;

  g_assert_cmpint (n, >, 0);
  request = unframe (buffer, (gsize)n);
  g_assert_nonnull (strstr (request, "get_sysinfo"));

  sysinfo = json_object_get_object_member (json_object_get_object_member (json_node_get_object (f->dump), "system"),
                                           "get_sysinfo");
  {
    g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), sysinfo);
    g_autofree char *inner = json_to_string (node, FALSE);

    answer = g_strdup_printf ("{\"system\": {\"get_sysinfo\": %s}}", inner);
  }
  framed = frame (answer);
  g_socket_send_to (socket, from, "hello", 5, NULL, NULL);
  g_socket_send_to (socket, from, (const char *)g_bytes_get_data (framed, NULL) + 4, g_bytes_get_size (framed) - 4,
                    NULL, NULL);
  return G_SOURCE_CONTINUE;
}

static void
test_discovery_finds_the_plug (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) udp = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, (guint16)atoi (strchr (f->host, ':') + 1));
  g_autoptr(GSource) source = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(AetherDeviceIdentity) id = NULL;
  g_autofree char *previous = NULL;
  JsonObject *config;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (udp, address, FALSE, &error));
  source = g_socket_create_source (udp, G_IO_IN, NULL);
  g_source_set_callback (source, (GSourceFunc)(void (*)(void))on_discovery_request, f, NULL);
  g_source_attach (source, NULL);

  serve (f, "HS110_EU_4.0_1.0.4.json");
  previous = g_strdup (g_getenv ("AETHERLENS_KASA_DISCOVERY_TARGET"));
  g_setenv ("AETHERLENS_KASA_DISCOVERY_TARGET", f->host, TRUE);
  g_assert_true (aether_device_provider_can_discover (f->provider));
  aether_device_provider_discover_async (f->provider, NULL, aether_test_store_result, &result);
  found = aether_device_provider_discover_finish (f->provider, aether_test_wait_for (&result), &error);
  if (previous != NULL)
    g_setenv ("AETHERLENS_KASA_DISCOVERY_TARGET", previous, TRUE);
  else
    g_unsetenv ("AETHERLENS_KASA_DISCOVERY_TARGET");
  g_source_destroy (source);

  g_assert_no_error (error);
  g_assert_cmpuint (found->len, ==, 1);
  config = g_ptr_array_index (found, 0);
  g_assert_cmpstr (json_object_get_string_member (config, "plugin"), ==, "kasa");
  g_assert_cmpstr (json_object_get_string_member (config, "ip_address"), ==, f->host);
  g_assert_cmpstr (json_object_get_string_member (config, "discovered_name"), ==, "#MASKED_NAME#");

  /* What it found is an address the plugin can use as it is. */
  g_clear_object (&result);
  aether_device_provider_probe_async (f->provider, config, NULL, aether_test_store_result, &result);
  id = aether_device_provider_probe_finish (f->provider, aether_test_wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id->model, ==, "HS110(EU)");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/plugins/kasa/probe-identifies-every-plug", test_probe_identifies_every_plug);
  ADD ("/plugins/kasa/every-recorded-plug-reads-right", test_every_recorded_plug_reads_right);
  ADD ("/plugins/kasa/readme-example-reads-right", test_readme_example_reads_right);
  ADD ("/plugins/kasa/strip-outlets-are-addressed-by-child-id", test_strip_outlets_are_addressed_by_child_id);
  ADD ("/plugins/kasa/relay-control", test_relay_control);
  ADD ("/plugins/kasa/relay-state-is-read", test_relay_state_is_read);
  ADD ("/plugins/kasa/switching-off-is-read-back", test_switching_off_is_read_back);
  ADD ("/plugins/kasa/hostile-plugs-give-clear-errors", test_hostile_plugs_give_clear_errors);
  ADD ("/plugins/kasa/unreachable-plug-is-named", test_unreachable_plug_is_named);
  ADD ("/plugins/kasa/counter-going-backwards-is-a-reset", test_counter_going_backwards_is_a_reset);
  ADD ("/plugins/kasa/cli-adds-one-device-per-outlet", test_cli_adds_one_device_per_outlet);
  ADD ("/plugins/kasa/dripping-plug-add-ends", test_dripping_plug_add_ends);
  ADD ("/plugins/kasa/discovery-finds-the-plug", test_discovery_finds_the_plug);
#undef ADD

  return g_test_run ();
}
