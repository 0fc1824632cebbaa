/* test-mqtt.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Readings to MQTT for Home Assistant against a real Debian `mosquitto`
 * started here on 127.0.0.1 (a free port, its configuration in a temporary
 * folder), watched by a real `mosquitto_sub`: the real service collects a
 * fake Tasmota plug on 127.0.0.1; discovery configs and readings arrive
 * with the right topics and payloads, a `set` from `mosquitto_pub` switches
 * the plug, and the broker killed and started again mid-run loses nothing
 * for good — collection goes on meanwhile, the bridge reconnects and
 * announces everything again. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>

#include "aether-core.h"
#include "aether-test-keyring.h"
#include "aether-test-util.h"

#define T0 G_GINT64_CONSTANT (1705312800)   /* 2024-01-15 10:00:00 UTC */
#define PLUG "desk-plug"
/* How long to wait for something that should come, before failing. */
#define GIVE_UP_S 60

typedef struct
{
  char            *dir;
  char            *db;
  char            *conf;
  guint16          port;
  AetherClock     *clock;
  AetherService   *service;
  AetherMqtt      *mqtt;
  AetherTestPlug  *plug;      /* a fake Tasmota plug */
  GSubprocess     *broker;
  GSubprocess     *sub;
  GDataInputStream *sub_out;
  GPtrArray       *lines;       /* what mosquitto_sub printed: "TOPIC PAYLOAD" */
  GCancellable    *cancellable;
  const char      *user;        /* the subscriber's login, if the broker wants one */
  const char      *pass;
} Fixture;

static AetherTestKeyring *keyring;

/* A broker or client of a test that failed dies with it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GSubprocessFlags    flags,
       const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr(GError) error = NULL;
  GSubprocess *process;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_socket_bind (socket, any, TRUE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
start_broker (Fixture *f)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  gint64 give_up = g_get_monotonic_time () + GIVE_UP_S * G_USEC_PER_SEC;

  g_autofree char *program = g_find_program_in_path ("mosquitto");
  const char *argv[] = { program ? program : "/usr/sbin/mosquitto", "-c", f->conf, NULL };

  f->broker = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, argv);

  /* Up when it takes a connection. */
  for (;;)
    {
      g_autoptr(GSocketConnection) connection = g_socket_client_connect_to_host (client, "127.0.0.1", f->port, NULL, NULL);

      if (connection != NULL)
        break;
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      g_usleep (20000);
    }
}

static void
kill_broker (Fixture *f)
{
  g_subprocess_send_signal (f->broker, SIGKILL);
  g_assert_false (g_subprocess_wait (f->broker, NULL, NULL) && g_subprocess_get_successful (f->broker));
  g_clear_object (&f->broker);
}

static void on_line (GObject *object, GAsyncResult *result, gpointer user_data);

static void
read_next_line (Fixture *f)
{
  g_data_input_stream_read_line_async (f->sub_out, G_PRIORITY_DEFAULT, f->cancellable, on_line, f);
}

static void
on_line (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, &error);
  Fixture *f;

  if (line == NULL)
    return;   /* closed, or cancelled: the fixture may be gone */
  f = user_data;
  g_ptr_array_add (f->lines, line);
  read_next_line (f);
}

static void
start_subscriber (Fixture *f)
{
  g_autofree char *port = g_strdup_printf ("%u", f->port);
  const char *argv[] = { "mosquitto_sub", "-h", "127.0.0.1", "-p", port, "-v", "-t", "aetherlens/#",
                         "-t", "homeassistant/#", f->user ? "-u" : NULL, f->user, "-P", f->pass, NULL };

  f->sub = spawn (G_SUBPROCESS_FLAGS_STDOUT_PIPE, argv);
  f->sub_out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->sub));
  read_next_line (f);
}

static void
stop_subscriber (Fixture *f)
{
  if (f->sub == NULL)
    return;
  g_cancellable_cancel (f->cancellable);
  g_subprocess_send_signal (f->sub, SIGTERM);
  g_subprocess_wait (f->sub, NULL, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->sub_out);
  g_clear_object (&f->sub);
  g_clear_object (&f->cancellable);
  f->cancellable = g_cancellable_new ();
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) device = NULL;
  g_autofree char *json = NULL;
  g_autofree char *conf = NULL;
  guint plug_port;

  f->dir = g_dir_make_tmp ("aether-mqtt-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->conf = g_build_filename (f->dir, "mosquitto.conf", NULL);
  f->port = free_port ();
  conf = g_strdup_printf ("listener %u 127.0.0.1\nallow_anonymous true\npersistence false\n", f->port);
  g_assert_true (g_file_set_contents (f->conf, conf, -1, NULL));
  f->lines = g_ptr_array_new_with_free_func (g_free);
  f->cancellable = g_cancellable_new ();

  f->plug = aether_test_plug_new ();
  plug_port = aether_test_plug_get_port (f->plug);

  f->clock = aether_clock_new_manual (T0 * G_USEC_PER_SEC);
  f->service = aether_service_new (f->db, f->clock, &error);
  g_assert_no_error (error);
  json = g_strdup_printf ("{\"device_id\": \"" PLUG "\", \"name\": \"Desk Plug\", \"type\": \"smart_plug\","
                          " \"manufacturer\": \"Sonoff\", \"model\": \"S31\", \"location\": {\"room\": \"Office\"},"
                          " \"configuration\": {\"plugin\": \"tasmota\", \"ip_address\": \"127.0.0.1:%u\","
                          " \"polling_interval\": 5, \"plugin_config\": {\"timeout_seconds\": 2}}}", plug_port);
  device = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (aether_store_put_device (aether_service_get_store (f->service), device, &error));
  aether_service_load (f->service, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->mqtt != NULL)
    aether_mqtt_stop (f->mqtt);
  g_clear_object (&f->mqtt);
  stop_subscriber (f);
  if (f->broker != NULL)
    kill_broker (f);
  aether_service_stop (f->service, NULL);
  g_clear_object (&f->service);
  g_clear_pointer (&f->plug, aether_test_plug_free);
  g_clear_object (&f->clock);
  g_clear_object (&f->cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  aether_test_remove_dir (f->dir);
  g_ptr_array_unref (f->lines);
  g_free (f->conf);
  g_free (f->dir);
  g_free (f->db);
}

/* One second of collection: the clock moves, the polls answer, and real
 * time passes for the broker and the bridge's thread. */
static void
tick (Fixture *f)
{
  aether_clock_advance_us (f->clock, G_USEC_PER_SEC);
  for (guint i = 0; i < 5; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (4000);
    }
}

static const char *
find_line (Fixture    *f,
           const char *prefix,
           guint       from)
{
  for (guint i = from; i < f->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (f->lines, i), prefix))
      return g_ptr_array_index (f->lines, i);
  return NULL;
}

/* Collects until mosquitto_sub has printed a line starting @prefix. */
static const char *
wait_for_line (Fixture    *f,
               const char *prefix,
               guint       from)
{
  gint64 give_up = g_get_monotonic_time () + GIVE_UP_S * G_USEC_PER_SEC;
  const char *line;

  while ((line = find_line (f, prefix, from)) == NULL)
    {
      if (g_get_monotonic_time () > give_up)
        {
          g_autofree char *seen = NULL;

          g_ptr_array_add (f->lines, NULL);
          seen = g_strjoinv ("\n", (char **)f->lines->pdata);
          g_error ("No “%s” from the broker; it said:\n%s", prefix, seen);
        }
      tick (f);
    }
  return line;
}

static void publish (Fixture *f, const char *topic, const char *payload);

/* Until mosquitto_sub is seen to be subscribed: what it is sent from now
 * on, it prints. */
static void
wait_subscribed (Fixture *f)
{
  gint64 give_up = g_get_monotonic_time () + GIVE_UP_S * G_USEC_PER_SEC;
  guint mark = f->lines->len;

  while (find_line (f, "aetherlens/probe ready", mark) == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      publish (f, "aetherlens/probe", "ready");
      for (guint i = 0; i < 5; i++)
        {
          while (g_main_context_iteration (NULL, FALSE))
            ;
          g_usleep (10000);
        }
    }
}

static JsonObject *
config_of (const char *line,
           JsonNode  **node)
{
  g_autoptr(GError) error = NULL;

  *node = json_from_string (strchr (line, ' ') + 1, &error);
  g_assert_no_error (error);
  return json_node_get_object (*node);
}

static void
assert_sensor (Fixture    *f,
               const char *metric,
               const char *device_class,
               const char *state_class,
               const char *unit)
{
  g_autofree char *prefix = g_strdup_printf ("homeassistant/sensor/aetherlens_" PLUG "_%s/config ", metric);
  g_autofree char *state = g_strdup_printf ("aetherlens/" PLUG "/%s", metric);
  g_autofree char *unique = g_strdup_printf ("aetherlens_" PLUG "_%s", metric);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *config = config_of (wait_for_line (f, prefix, 0), &node);
  JsonObject *device = json_object_get_object_member (config, "device");
  JsonArray *availability = json_object_get_array_member (config, "availability");

  g_assert_cmpstr (json_object_get_string_member (config, "state_topic"), ==, state);
  g_assert_cmpstr (json_object_get_string_member (config, "unique_id"), ==, unique);
  g_assert_cmpstr (json_object_get_string_member (config, "device_class"), ==, device_class);
  g_assert_cmpstr (json_object_get_string_member (config, "state_class"), ==, state_class);
  g_assert_cmpstr (json_object_get_string_member (config, "unit_of_measurement"), ==, unit);
  g_assert_cmpuint (json_array_get_length (availability), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (availability, 0), "topic"), ==,
                   "aetherlens/status");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (availability, 1), "topic"), ==,
                   "aetherlens/" PLUG "/availability");
  /* One Home Assistant device per AetherLens device. */
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (device, "identifiers"), 0), ==,
                   "aetherlens_" PLUG);
  g_assert_cmpstr (json_object_get_string_member (device, "name"), ==, "Desk Plug");
  g_assert_cmpstr (json_object_get_string_member (device, "manufacturer"), ==, "Sonoff");
  g_assert_cmpstr (json_object_get_string_member (device, "model"), ==, "S31");
  g_assert_cmpstr (json_object_get_string_member (device, "suggested_area"), ==, "Office");
}

static void
publish (Fixture    *f,
         const char *topic,
         const char *payload)
{
  g_autofree char *port = g_strdup_printf ("%u", f->port);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { "mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t", topic, "-m", payload,
                         f->user ? "-u" : NULL, f->user, "-P", f->pass, NULL };
  g_autoptr(GSubprocess) pub = spawn (G_SUBPROCESS_FLAGS_NONE, argv);

  g_assert_true (g_subprocess_wait_check (pub, NULL, &error));
  g_assert_no_error (error);
}

static void
publish_set (Fixture    *f,
             const char *payload)
{
  publish (f, "aetherlens/" PLUG "/set", payload);
}

static gboolean
have_mosquitto (void)
{
  g_autofree char *program = g_find_program_in_path ("mosquitto");

  return program != NULL || g_file_test ("/usr/sbin/mosquitto", G_FILE_TEST_IS_EXECUTABLE);
}

static void
test_home_assistant (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *sw;
  gint64 give_up;
  guint polls, mark;

  if (!have_mosquitto ())
    {
      g_test_skip ("mosquitto is not installed (apt install mosquitto mosquitto-clients)");
      return;
    }

  start_broker (f);
  start_subscriber (f);
  wait_subscribed (f);
  url = g_strdup_printf ("mqtt://127.0.0.1:%u", f->port);
  f->mqtt = aether_mqtt_new (f->service, url, NULL, NULL, &error);
  g_assert_no_error (error);
  aether_mqtt_start (f->mqtt);
  aether_service_start (f->service);

  /* Discovery, one sensor per metric, and the readings. */
  assert_sensor (f, "power", "power", "measurement", "W");
  assert_sensor (f, "energy", "energy", "total_increasing", "Wh");
  assert_sensor (f, "voltage", "voltage", "measurement", "V");
  wait_for_line (f, "aetherlens/" PLUG "/power 360", 0);
  wait_for_line (f, "aetherlens/" PLUG "/energy ", 0);
  wait_for_line (f, "aetherlens/" PLUG "/voltage 230", 0);
  wait_for_line (f, "aetherlens/" PLUG "/availability online", 0);
  wait_for_line (f, "aetherlens/status online", 0);

  /* The plug's relay: a switch that obeys aetherlens/ID/set. */
  sw = config_of (wait_for_line (f, "homeassistant/switch/aetherlens_" PLUG "/config ", 0), &node);
  g_assert_cmpstr (json_object_get_string_member (sw, "command_topic"), ==, "aetherlens/" PLUG "/set");
  g_assert_cmpstr (json_object_get_string_member (sw, "state_topic"), ==, "aetherlens/" PLUG "/relay");
  g_assert_cmpstr (json_object_get_string_member (sw, "state_on"), ==, "1");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (sw, "device"), "name"), ==, "Desk Plug");
  wait_for_line (f, "aetherlens/" PLUG "/relay 1", 0);
  mark = f->lines->len;
  publish_set (f, "OFF");
  wait_for_line (f, "aetherlens/" PLUG "/relay 0", mark);
  g_assert_cmpstr (aether_test_plug_get_power (f->plug), ==, "OFF");
  g_assert_nonnull (strstr (aether_test_plug_get_commands (f->plug), "Power Off"));
  mark = f->lines->len;
  publish_set (f, "ON");
  wait_for_line (f, "aetherlens/" PLUG "/relay 1", mark);
  g_assert_cmpstr (aether_test_plug_get_power (f->plug), ==, "ON");
  g_assert_cmpuint (aether_mqtt_get_n_connects (f->mqtt), ==, 1);
  /* The raw counter is not Home Assistant's. */
  g_assert_null (find_line (f, "aetherlens/" PLUG "/energy_counter", 0));
  g_assert_null (find_line (f, "homeassistant/sensor/aetherlens_" PLUG "_energy_counter", 0));

  /* The broker killed: collection goes on, the bridge notices. */
  stop_subscriber (f);
  kill_broker (f);
  polls = aether_collector_get_n_polls (aether_service_get_collector (f->service));
  give_up = g_get_monotonic_time () + GIVE_UP_S * G_USEC_PER_SEC;
  while (aether_mqtt_is_connected (f->mqtt) ||
         aether_collector_get_n_polls (aether_service_get_collector (f->service)) < polls + 4)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, give_up);
      tick (f);
    }

  /* Back (without the retained messages: no persistence): it reconnects
   * and announces everything again. */
  g_ptr_array_set_size (f->lines, 0);
  start_broker (f);
  start_subscriber (f);
  wait_for_line (f, "aetherlens/status online", 0);
  assert_sensor (f, "power", "power", "measurement", "W");
  wait_for_line (f, "homeassistant/switch/aetherlens_" PLUG "/config ", 0);
  wait_for_line (f, "aetherlens/" PLUG "/power 360", 0);
  g_assert_cmpuint (aether_mqtt_get_n_connects (f->mqtt), ==, 2);
  mark = f->lines->len;
  publish_set (f, "off");
  wait_for_line (f, "aetherlens/" PLUG "/relay 0", mark);

  /* Stopped on purpose: offline, said before leaving. */
  mark = f->lines->len;
  aether_mqtt_stop (f->mqtt);
  wait_for_line (f, "aetherlens/status offline", mark);
}

/* A broker that wants a login: `mqtt login` keeps it in the keyring and
 * `collect --mqtt` logs in with it. */
static void
test_login (void)
{
  Fixture f = { 0 };
  g_autoptr(GError) error = NULL;
  g_autofree char *passwords = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *url = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GSubprocess) login = NULL;
  const char *cli = g_getenv ("AETHERLENS_CLI");

  if (!have_mosquitto ())
    {
      g_test_skip ("mosquitto is not installed (apt install mosquitto mosquitto-clients)");
      return;
    }
  if (!aether_test_keyring_available (keyring))
    {
      g_test_skip ("gnome-keyring-daemon is not installed");
      return;
    }

  f.dir = g_dir_make_tmp ("aether-mqtt-login-XXXXXX", NULL);
  f.db = g_build_filename (f.dir, "aetherlens.db", NULL);
  f.conf = g_build_filename (f.dir, "mosquitto.conf", NULL);
  f.port = free_port ();
  f.lines = g_ptr_array_new_with_free_func (g_free);
  f.cancellable = g_cancellable_new ();
  f.user = "aetherlens";
  f.pass = "s3cret";
  passwords = g_build_filename (f.dir, "passwords", NULL);
  /* Started as root, mosquitto reads the file as the user mosquitto. */
  g_assert_cmpint (g_chmod (f.dir, 0755), ==, 0);
  {
    const char *argv[] = { "mosquitto_passwd", "-b", "-c", passwords, "aetherlens", "s3cret", NULL };
    g_autoptr(GSubprocess) make = spawn (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, argv);

    g_assert_true (g_subprocess_wait_check (make, NULL, &error));
    g_assert_no_error (error);
  }
  conf = g_strdup_printf ("listener %u 127.0.0.1\nallow_anonymous false\npassword_file %s\npersistence false\n",
                          f.port, passwords);
  g_assert_true (g_file_set_contents (f.conf, conf, -1, NULL));
  start_broker (&f);
  start_subscriber (&f);
  wait_subscribed (&f);
  url = g_strdup_printf ("mqtt://127.0.0.1:%u", f.port);

  /* The password from standard input, into the keyring. */
  login = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error, cli, "mqtt", "login", url, "--username", "aetherlens", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (login, "s3cret\n", NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (login));
  g_assert_null (strstr (out, "s3cret"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli_in_loop (f.db, &out, &err, "collect", "--mqtt", url, "--duration", "2", NULL), ==, 0);
  expected = g_strdup_printf ("Publishing to the MQTT broker 127.0.0.1:%u\n", f.port);
  g_assert_nonnull (strstr (err, expected));
  /* It logged in, said it was there and, stopping, that it left. */
  wait_for_line (&f, "aetherlens/status online", 0);
  wait_for_line (&f, "aetherlens/status offline", 0);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f.db, &out, &err, "mqtt", "logout", url, NULL), ==, 0);

  stop_subscriber (&f);
  kill_broker (&f);
  g_clear_object (&f.cancellable);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  aether_test_remove_dir (f.dir);
  g_ptr_array_unref (f.lines);
  g_free (f.conf);
  g_free (f.db);
  g_free (f.dir);
}

static void
test_urls (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aether-mqtt-cli-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *err = NULL;
  guint16 port = 0;

  g_assert_true (aether_mqtt_parse_url ("mqtt://broker.local", &host, &port, &error));
  g_assert_cmpstr (host, ==, "broker.local");
  g_assert_cmpuint (port, ==, 1883);
  g_clear_pointer (&host, g_free);
  g_assert_true (aether_mqtt_parse_url ("mqtt://127.0.0.1:1884/", &host, &port, &error));
  g_assert_cmpuint (port, ==, 1884);
  g_clear_pointer (&host, g_free);
  for (guint i = 0; i < 3; i++)
    {
      static const char * const bad[] = { "http://127.0.0.1", "127.0.0.1:1883", "mqtt://host/topic" };

      g_assert_false (aether_mqtt_parse_url (bad[i], &host, &port, &error));
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }

  g_assert_cmpint (aether_test_run_cli (db, NULL, &err, "collect", "--mqtt", "tcp://nowhere", "--duration", "1", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "tcp://nowhere"));
  aether_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  keyring = aether_test_keyring_up ();

  g_test_add ("/mqtt/home-assistant", Fixture, NULL, fixture_setup, test_home_assistant, fixture_teardown);
  g_test_add_func ("/mqtt/login", test_login);
  g_test_add_func ("/mqtt/urls", test_urls);

  status = g_test_run ();
  aether_test_keyring_down (keyring);
  return status;
}
