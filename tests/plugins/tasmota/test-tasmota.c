/* test-tasmota.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Tasmota plugin, loaded through the plugin engine like any plugin,
 * against a fake Tasmota on 127.0.0.1 that serves recorded real responses
 * (tests/data/tasmota, see SOURCES.md) and misbehaves on request. */

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

typedef enum { SERVE_FILE, SERVE_TEXT, SERVE_STATUS, SERVE_HANG, SERVE_HUGE } Mode;

typedef struct
{
  SoupServer          *server;
  char                *host;
  Mode                 mode;
  char                *body;       /* for SERVE_FILE (a path) or SERVE_TEXT */
  guint                status;
  char                *last_command;
  GString             *commands;   /* every command since serve(), `|` between */
  char                *state_file; /* answers Status 11 when set */
  gboolean             switched;   /* a Power command came: Status 11 says power_state */
  char                *power_state;
  GPtrArray           *paused;
  AetherPluginEngine  *engine;
  AetherDeviceProvider *provider;
} Fixture;

static char *
data_path (const char *name)
{
  return g_build_filename (TEST_DATA_DIR, "tasmota", name, NULL);
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fixture *f = user_data;
  const char *cmnd = query ? g_hash_table_lookup (query, "cmnd") : NULL;

  g_free (f->last_command);
  f->last_command = g_strdup (cmnd);
  if (cmnd != NULL)
    g_string_append_printf (f->commands, "%s%s", f->commands->len ? "|" : "", cmnd);

  /* Status 11 from a recorded STATE: as recorded (the MQTT form), or, once
   * switched, wrapped in StatusSTS as the HTTP answer is, saying the state
   * the relay was switched to. */
  if (f->state_file != NULL && g_strcmp0 (cmnd, "Status 11") == 0)
    {
      g_autofree char *contents = NULL;
      g_autofree char *reply = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (f->state_file, &contents, &length, NULL));
      if (f->switched)
        {
          g_autoptr(JsonNode) sts = json_from_string (contents, NULL);
          g_autoptr(JsonObject) wrapper = json_object_new ();
          g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

          json_object_set_string_member (json_node_get_object (sts), "POWER", f->power_state);
          json_object_set_member (wrapper, "StatusSTS", g_steal_pointer (&sts));
          json_node_set_object (root, wrapper);
          reply = json_to_string (root, FALSE);
        }
      else
        reply = g_strndup (contents, length);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
      return;
    }

  /* Relay commands change the fake device's state. */
  if (cmnd != NULL && g_str_has_prefix (cmnd, "Power") && strchr (cmnd, ' '))
    {
      g_autofree char *upper = g_ascii_strup (strchr (cmnd, ' ') + 1, -1);
      g_autofree char *key = g_strndup (cmnd, strchr (cmnd, ' ') - cmnd);
      g_autofree char *reply = NULL;
      g_autofree char *upper_key = g_ascii_strup (key, -1);

      g_free (f->power_state);
      f->power_state = g_strdup (upper);
      f->switched = TRUE;
      reply = g_strdup_printf ("{\"%s\":\"%s\"}", upper_key, upper);
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, reply, strlen (reply));
      return;
    }

  switch (f->mode)
    {
    case SERVE_FILE:
      {
        g_autofree char *contents = NULL;
        gsize length = 0;

        g_assert_true (g_file_get_contents (f->body, &contents, &length, NULL));
        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, contents, length);
      }
      break;
    case SERVE_TEXT:
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, f->body, strlen (f->body));
      break;
    case SERVE_STATUS:
      soup_server_message_set_status (msg, f->status, NULL);
      break;
    case SERVE_HANG:
      /* Accepts the request and never answers. */
      soup_server_message_pause (msg);
      g_ptr_array_add (f->paused, g_object_ref (msg));
      break;
    case SERVE_HUGE:
      {
        gsize size = 50 * 1024 * 1024;
        char *huge = g_malloc (size);

        memset (huge, ' ', size);
        huge[0] = '{';
        soup_server_message_set_status (msg, 200, NULL);
        soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, huge, size);
      }
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;
  GSList *uris;

  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, "/cm", handler, f, NULL);
  g_assert_true (soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (f->server);
  f->host = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  f->paused = g_ptr_array_new_with_free_func (g_object_unref);
  f->power_state = g_strdup ("ON");
  f->commands = g_string_new (NULL);

  state = g_build_filename (g_get_tmp_dir (), "aether-tasmota-plugins.ini", NULL);
  f->engine = aether_plugin_engine_new (state);
  aether_plugin_engine_load_all (f->engine);
  f->provider = aether_plugin_engine_get_provider (f->engine, "tasmota", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  for (guint i = 0; i < f->paused->len; i++)
    soup_server_message_unpause (g_ptr_array_index (f->paused, i));
  g_ptr_array_unref (f->paused);
  soup_server_disconnect (f->server);
  g_clear_object (&f->server);
  g_clear_object (&f->engine);
  g_free (f->host);
  g_free (f->body);
  g_free (f->last_command);
  g_free (f->power_state);
  g_free (f->state_file);
  g_string_free (f->commands, TRUE);
}

static JsonObject *
config (Fixture    *f,
        const char *password)
{
  g_autofree char *json = g_strdup_printf ("{\"ip_address\": \"%s\", \"plugin\": \"tasmota\", \"plugin_config\": "
                                           "{\"timeout_seconds\": 1%s%s%s}}", f->host,
                                           password ? ", \"password\": \"" : "", password ? password : "",
                                           password ? "\"" : "");
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_object_ref (json_node_get_object (node));
}

static GArray *
poll_device (Fixture  *f,
             GError  **error)
{
  g_autoptr(JsonObject) c = config (f, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_poll_async (f->provider, c, NULL, aether_test_store_result, &result);
  return aether_device_provider_poll_finish (f->provider, aether_test_wait_for (&result), error);
}

static void
serve (Fixture    *f,
       const char *file)
{
  f->mode = SERVE_FILE;
  g_free (f->body);
  f->body = data_path (file);
  g_string_truncate (f->commands, 0);
}

/* A meter's Status 8 from one recorded file, its relays' Status 11 from
 * another (the same device's SENSOR and STATE). */
static void
serve_with_state (Fixture    *f,
                  const char *sensor_file,
                  const char *state_file)
{
  serve (f, sensor_file);
  g_free (f->state_file);
  f->state_file = data_path (state_file);
}

static void
test_probe_identifies_the_plug (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(JsonObject) c = config (f, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherDeviceIdentity) id = NULL;

  serve (f, "tasmoadmin_status0_plug_v11.1.0.json");
  aether_device_provider_probe_async (f->provider, c, NULL, aether_test_store_result, &result);
  id = aether_device_provider_probe_finish (f->provider, aether_test_wait_for (&result), &error);

  g_assert_no_error (error);
  g_assert_cmpstr (f->last_command, ==, "Status 0");
  g_assert_cmpstr (id->manufacturer, ==, "Tasmota");
  g_assert_cmpstr (id->model, ==, "socket-1");
  g_assert_cmpstr (id->firmware_version, ==, "11.1.0(tasmota)");
  g_assert_cmpstr (id->mac_address, ==, "24:62:AB:AA:AA:AA");
  g_assert_true (aether_device_identity_has_capability (id, "power_monitoring"));
  g_assert_true (aether_device_identity_has_capability (id, "energy_metering"));
  g_assert_true (aether_device_identity_has_capability (id, "on_off_control"));
}

/* Every recorded response, with its readings checked by hand against the
 * file: NAN where the firmware sends no such field. Energy in Wh. */
static const struct {
  const char *file;
  guint       channel;
  double      power_w;
  double      energy_wh;
  double      voltage_v;
  double      current_a;
  double      factor;
  double      frequency;
} expected[] = {
  { "tasmoadmin_status0_plug_v11.1.0.json", 0, 0, 179, 0, 0, 0, NAN },
  { "evcc18879_status8_3phase_arrays.json", 0, 1, 0, 230, 0.022, 0.16, 50 },
  { "evcc18879_status8_3phase_arrays.json", 2, 0, NAN, 230, 0, 0, 50 },
  { "tasmota20459_tele_SENSOR_athom_plug_2024.json", 0, 0, 1066000, 227.7, 0, 0, NAN },
  { "tasmota2785_tele_SENSOR_pow_2018.json", 0, 0, 52, 198, 0, 0, NAN },
  { "tasmota3585_tele_SENSOR_S31_v6.1.1_loaded.json", 0, 1022, 2622, 120, 8.564, 0.99, NAN },
  { "tasmota3585_tele_SENSOR_S31_v6.1.1_idle.json", 0, 0, 2630, 120, 0, 0, NAN },
  { "tasmota4956_tele_SENSOR_2019.json", 0, 0, 15349, 121, 0, 0, NAN },
};

static void
test_every_recorded_response_reads_right (Fixture       *f,
                                          gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = NULL;

      serve (f, expected[i].file);
      samples = poll_device (f, &error);
      g_assert_no_error (error);
      g_test_message ("%s channel %u", expected[i].file, expected[i].channel);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_POWER, expected[i].channel), expected[i].power_w);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_ENERGY, expected[i].channel), expected[i].energy_wh);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_VOLTAGE, expected[i].channel), expected[i].voltage_v);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_CURRENT, expected[i].channel), expected[i].current_a);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_POWER_FACTOR, expected[i].channel), expected[i].factor);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_FREQUENCY, expected[i].channel), expected[i].frequency);
    }
  /* The meter, then the relays. */
  g_assert_cmpstr (f->commands->str, ==, "Status 8|Status 11");
}

static void
test_hostile_devices_give_clear_errors (Fixture       *f,
                                        gconstpointer  data)
{
  static const struct { Mode mode; const char *text; guint status; int code; const char *says; } cases[] = {
    { SERVE_TEXT, "{\"StatusSNS\": {\"ENERGY\": {\"Power\": 12", 0, AETHER_ERROR_INVALID_DATA, "not JSON" },
    { SERVE_TEXT, "<html>hello</html>", 0, AETHER_ERROR_INVALID_DATA, "not JSON" },
    { SERVE_TEXT, "{\"StatusSNS\": {\"ENERGY\": {\"Power\": \"NaN\"}}}", 0, AETHER_ERROR_INVALID_DATA,
      "sent “NaN” for Power, which is not a number" },
    { SERVE_TEXT, "{\"StatusSNS\": {\"ENERGY\": {\"Power\": [1, \"x\"]}}}", 0, AETHER_ERROR_INVALID_DATA, "for Power" },
    { SERVE_TEXT, "{\"StatusSNS\": {\"Time\": \"2024-01-01T00:00:00\"}}", 0, AETHER_ERROR_UNSUPPORTED, "has no energy meter" },
    { SERVE_TEXT, "{ \"WARNING\": \"Need user=<username>&password=<password>\" }", 0, AETHER_ERROR_AUTH_REQUIRED,
      "wants a user name and password" },
    { SERVE_STATUS, NULL, 401, AETHER_ERROR_AUTH_REQUIRED, "wants a user name and password" },
    { SERVE_STATUS, NULL, 500, AETHER_ERROR_FAILED, "answered HTTP 500" },
    { SERVE_HUGE, NULL, 0, AETHER_ERROR_INVALID_DATA, "sent more than 1024 KiB" },
    { SERVE_HANG, NULL, 0, AETHER_ERROR_TIMED_OUT, "did not answer in time" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = NULL;

      f->mode = cases[i].mode;
      g_free (f->body);
      f->body = g_strdup (cases[i].text);
      f->status = cases[i].status;

      samples = poll_device (f, &error);
      g_assert_null (samples);
      g_assert_error (error, AETHER_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].says);
    }
}

static void
test_unreachable_device_is_named (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autofree char *expected_name = g_strdup_printf ("The Tasmota at %s cannot be reached", f->host);

  soup_server_disconnect (f->server);
  samples = poll_device (f, &error);
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

  /* The Athom plug's counter, then the same plug after `EnergyTotal 0`. */
  serve (f, "tasmota20459_tele_SENSOR_athom_plug_2024.json");
  {
    g_autoptr(GArray) samples = poll_device (f, &error);

    aether_energy_meter_push_counter (meter, 0, aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), &step);
  }
  f->mode = SERVE_TEXT;
  g_free (f->body);
  f->body = g_strdup ("{\"StatusSNS\": {\"ENERGY\": {\"Total\": 0.000, \"Power\": 0.0}}}");
  {
    g_autoptr(GArray) samples = poll_device (f, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), ==, 0);
    g_assert_true (aether_energy_meter_push_counter (meter, 10 * G_USEC_PER_SEC,
                                                     aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), &step));
    g_assert_true (step.counter_reset);
    g_assert_cmpfloat (step.delta_wh, ==, 0);
    g_assert_cmpuint (aether_energy_meter_get_n_resets (meter), ==, 1);
  }
}

static gboolean
set_state (Fixture   *f,
           JsonObject *c,
           guint      channel,
           gboolean   on,
           GError   **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_set_state_async (f->provider, c, channel, on, NULL, aether_test_store_result, &result);
  return aether_device_provider_set_state_finish (f->provider, aether_test_wait_for (&result), error);
}

static void
test_relay_control (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonObject) c = config (f, "s3cret");
  g_autoptr(GError) error = NULL;

  g_assert_true (set_state (f, c, 0, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (f->last_command, ==, "Power Off");
  g_assert_cmpstr (f->power_state, ==, "OFF");

  g_assert_true (set_state (f, c, 1, TRUE, &error));
  g_assert_cmpstr (f->last_command, ==, "Power2 On");
  g_assert_cmpstr (f->power_state, ==, "ON");
}

/* The relay as each recorded answer has it: StatusSTS.POWER of a Status 0
 * ("OFF"), and the top-level POWER of two plugs' STATE, one on, one off. */
static const struct {
  const char *sensor_file;
  const char *state_file;
  double      relay;
} relays[] = {
  { "tasmoadmin_status0_plug_v11.1.0.json", NULL, 0 },
  { "tasmota20459_tele_SENSOR_athom_plug_2024.json", "tasmota20459_tele_STATE_athom_plug_2024.json", 1 },
  { "tasmota2785_tele_SENSOR_pow_2018.json", "tasmota2785_tele_STATE_pow_2018.json", 0 },
};

static void
test_relay_state_is_read (Fixture       *f,
                          gconstpointer  data)
{
  for (guint i = 0; i < G_N_ELEMENTS (relays); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = NULL;

      g_test_message ("%s + %s", relays[i].sensor_file, relays[i].state_file);
      if (relays[i].state_file != NULL)
        serve_with_state (f, relays[i].sensor_file, relays[i].state_file);
      else
        serve (f, relays[i].sensor_file);
      samples = poll_device (f, &error);
      g_assert_no_error (error);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_RELAY, 0), relays[i].relay);
      g_clear_pointer (&f->state_file, g_free);
    }

  /* A SENSOR answer has no relay in it: none is made up. */
  serve (f, "tasmota3585_tele_SENSOR_S31_v6.1.1_loaded.json");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) samples = poll_device (f, &error);

    g_assert_no_error (error);
    aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_RELAY, 0), NAN);
  }

  /* Several relays are POWER1…POWERn (as Tasmota documents them; no
   * recorded answer has two), channels 0…n−1; a renamed state (StateText)
   * is left out rather than failing the meter. */
  f->mode = SERVE_TEXT;
  g_free (f->body);
  f->body = g_strdup ("{\"StatusSNS\": {\"ENERGY\": {\"Power\": [5, 7, 0]}}, "
                      "\"StatusSTS\": {\"POWER1\": \"ON\", \"POWER2\": \"OFF\", \"POWER3\": \"AN\"}}");
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GArray) samples = poll_device (f, &error);

    g_assert_no_error (error);
    aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_RELAY, 0), 1);
    aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_RELAY, 1), 0);
    aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_RELAY, 2), NAN);
    aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_POWER, 1), 7);
  }
}

static void
test_switching_off_is_read_back (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(JsonObject) c = config (f, NULL);
  g_autoptr(GError) error = NULL;

  /* The Athom plug, recorded on. */
  serve_with_state (f, "tasmota20459_tele_SENSOR_athom_plug_2024.json", "tasmota20459_tele_STATE_athom_plug_2024.json");
  {
    g_autoptr(GArray) samples = poll_device (f, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_RELAY, 0), ==, 1);
  }

  g_assert_true (set_state (f, c, 0, FALSE, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GArray) samples = poll_device (f, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_RELAY, 0), ==, 0);
  }

  g_assert_true (set_state (f, c, 0, TRUE, &error));
  {
    g_autoptr(GArray) samples = poll_device (f, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_RELAY, 0), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/plugins/tasmota/probe-identifies-the-plug", test_probe_identifies_the_plug);
  ADD ("/plugins/tasmota/every-recorded-response-reads-right", test_every_recorded_response_reads_right);
  ADD ("/plugins/tasmota/hostile-devices-give-clear-errors", test_hostile_devices_give_clear_errors);
  ADD ("/plugins/tasmota/unreachable-device-is-named", test_unreachable_device_is_named);
  ADD ("/plugins/tasmota/counter-going-backwards-is-a-reset", test_counter_going_backwards_is_a_reset);
  ADD ("/plugins/tasmota/relay-control", test_relay_control);
  ADD ("/plugins/tasmota/relay-state-is-read", test_relay_state_is_read);
  ADD ("/plugins/tasmota/switching-off-is-read-back", test_switching_off_is_read_back);
#undef ADD

  return g_test_run ();
}
