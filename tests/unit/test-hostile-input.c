/* test-hostile-input.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Hostile input, each case from the audit (issue 18) reproduced first:
 * a Shelly answering a megabyte of `[` (it crashed the collector), settings
 * that crashed `devices add` (seed=1e30) or were accepted and skipped later
 * (intervals of 0, -1, NaN, 1e-9, objects), a control character in an id,
 * 1e306 kW (infinite once in W) blocking every device's maintenance, 1e30
 * written as JSON nothing reads, passwords printed by `devices list`. Then a
 * bounded fuzz run from a fixed seed over every JSON input (device replies
 * through real servers on 127.0.0.1: Shelly and Tasmota over HTTP, Kasa
 * over its TCP protocol; tariffs, alert rules, URDB records) and CSV through the real CLI: no crash, and every bad case a
 * named error. */

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

/* A Shelly Plus on 127.0.0.1 answering its status with whatever the test
 * sets. */
typedef struct
{
  SoupServer *server;
  char       *host;
  char       *identity;
  GBytes     *status;
} FakeShelly;

static AetherPluginEngine *engine;

static void
shelly_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  FakeShelly *fake = user_data;

  soup_server_message_set_status (msg, 200, NULL);
  if (g_str_equal (path, "/shelly"))
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, fake->identity, strlen (fake->identity));
  else
    soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
                                      g_bytes_get_data (fake->status, NULL), g_bytes_get_size (fake->status));
}

static FakeShelly *
fake_shelly_new (void)
{
  FakeShelly *fake = g_new0 (FakeShelly, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->identity = g_strdup ("{\"name\": null, \"id\": \"shellyplusplugs-e86beaeaa000\", \"mac\": \"E86BEAEAA000\","
                             " \"model\": \"SNPL-00112EU\", \"gen\": 2, \"fw_id\": \"x\", \"ver\": \"1.0.0\"}");
  fake->status = g_bytes_new_static ("{}", 2);
  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, shelly_handler, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (fake->server);
  fake->host = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return fake;
}

static void
fake_shelly_free (FakeShelly *fake)
{
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  g_bytes_unref (fake->status);
  g_free (fake->identity);
  g_free (fake->host);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeShelly, fake_shelly_free)

static AetherDeviceProvider *
provider_named (const char *name)
{
  g_autoptr(GError) error = NULL;
  AetherDeviceProvider *provider = aether_plugin_engine_get_provider (engine, name, &error);

  g_assert_no_error (error);
  return provider;
}

static JsonObject *
fake_config (FakeShelly *fake)
{
  g_autofree char *json = g_strdup_printf ("{\"ip_address\": \"%s\", \"plugin_config\": {\"timeout_seconds\": 5}}",
                                           fake->host);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_object_ref (json_node_get_object (node));
}

/* A Kasa plug on 127.0.0.1 (the legacy protocol: a 4-byte length, then
 * the autokey XOR from 171) answering every request with whatever the test
 * sets, from a thread of its own. */
typedef struct
{
  GSocketService *service;
  guint16         port;
  GMutex          lock;
  char           *answer;
} FakeKasa;

static gboolean
kasa_on_connection (GThreadedSocketService *service,
                    GSocketConnection      *connection,
                    GObject                *source,
                    gpointer                user_data)
{
  FakeKasa *fake = user_data;
  GInputStream *in = g_io_stream_get_input_stream (G_IO_STREAM (connection));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));
  guint8 header[4];
  g_autofree guint8 *body = NULL;
  g_autofree char *answer = NULL;
  g_autofree guint8 *framed = NULL;
  gsize got = 0, len;
  guint8 key = 171;

  if (!g_input_stream_read_all (in, header, 4, &got, NULL, NULL) || got != 4)
    return TRUE;
  len = ((gsize)header[0] << 24) | ((gsize)header[1] << 16) | ((gsize)header[2] << 8) | header[3];
  if (len > 65536)
    return TRUE;
  body = g_malloc (len + 1);
  if (!g_input_stream_read_all (in, body, len, &got, NULL, NULL) || got != len)
    return TRUE;

  g_mutex_lock (&fake->lock);
  answer = g_strdup (fake->answer);
  g_mutex_unlock (&fake->lock);

  len = strlen (answer);
  framed = g_malloc (len + 4);
  framed[0] = len >> 24;
  framed[1] = len >> 16;
  framed[2] = len >> 8;
  framed[3] = len;
  for (gsize i = 0; i < len; i++)
    framed[4 + i] = key = key ^ (guint8)answer[i];
  g_output_stream_write_all (out, framed, len + 4, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static FakeKasa *
fake_kasa_new (void)
{
  FakeKasa *fake = g_new0 (FakeKasa, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  g_mutex_init (&fake->lock);
  fake->answer = g_strdup ("{}");
  fake->service = g_threaded_socket_service_new (2);
  g_socket_listener_add_address (G_SOCKET_LISTENER (fake->service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  fake->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (fake->service, "run", G_CALLBACK (kasa_on_connection), fake);
  g_socket_service_start (fake->service);
  return fake;
}

static void
fake_kasa_set_answer (FakeKasa   *fake,
                      const char *answer)
{
  g_mutex_lock (&fake->lock);
  g_free (fake->answer);
  fake->answer = g_strdup (answer);
  g_mutex_unlock (&fake->lock);
}

static void
fake_kasa_free (FakeKasa *fake)
{
  g_socket_service_stop (fake->service);
  g_socket_listener_close (G_SOCKET_LISTENER (fake->service));
  g_object_unref (fake->service);
  g_mutex_clear (&fake->lock);
  g_free (fake->answer);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeKasa, fake_kasa_free)

static GArray *
poll_kasa (FakeKasa  *fake,
           GError   **error)
{
  g_autofree char *json = g_strdup_printf ("{\"ip_address\": \"127.0.0.1:%u\", \"plugin_config\": {\"timeout_seconds\": 5}}",
                                           fake->port);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_poll_async (provider_named ("kasa"), json_node_get_object (node), NULL,
                                     aether_test_store_result, &result);
  return aether_device_provider_poll_finish (provider_named ("kasa"), aether_test_wait_for (&result), error);
}

/* One poll of the fake by @plugin, as the collector does it. */
static GArray *
poll_fake_as (FakeShelly  *fake,
              const char  *plugin,
              GError     **error)
{
  g_autoptr(JsonObject) config = fake_config (fake);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_poll_async (provider_named (plugin), config, NULL, aether_test_store_result, &result);
  return aether_device_provider_poll_finish (provider_named (plugin), aether_test_wait_for (&result), error);
}

static GArray *
poll_fake (FakeShelly  *fake,
           GError     **error)
{
  return poll_fake_as (fake, "shelly", error);
}

/* Asking the fake what it is, as `devices add` does. */
static AetherDeviceIdentity *
probe_fake (FakeShelly  *fake,
            GError     **error)
{
  g_autoptr(JsonObject) config = fake_config (fake);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_probe_async (provider_named ("shelly"), config, NULL, aether_test_store_result, &result);
  return aether_device_provider_probe_finish (provider_named ("shelly"), aether_test_wait_for (&result), error);
}

static void
test_megabyte_of_brackets_from_a_shelly_is_its_poll_error (void)
{
  g_autoptr(FakeShelly) fake = fake_shelly_new ();
  gsize size = 1000 * 1000;   /* under the 1 MiB cap on bodies */
  char *brackets = g_malloc (size);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;

  memset (brackets, '[', size);
  g_bytes_unref (fake->status);
  fake->status = g_bytes_new_take (brackets, size);

  samples = poll_fake (fake, &error);
  g_assert_null (samples);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "not JSON"));
  g_assert_nonnull (strstr (error->message, "more than 64 levels deep"));

  /* The same device answering properly again is read. */
  g_clear_error (&error);
  g_bytes_unref (fake->status);
  {
    static const char reply[] = "{\"switch:0\": {\"id\": 0, \"output\": true, \"apower\": 36.7,"
                                " \"voltage\": 232.1, \"aenergy\": {\"total\": 499599.717}}}";

    fake->status = g_bytes_new_static (reply, strlen (reply));
  }
  g_clear_pointer (&samples, g_array_unref);
  samples = poll_fake (fake, &error);
  g_assert_no_error (error);
  aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_POWER, 0), 36.7);
}

/* What a command printed when the test does not look at it (kept out of
 * the TAP stream). */
static char *ignored;

static char **
discard (void)
{
  g_clear_pointer (&ignored, g_free);
  return &ignored;
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("aether-hostile-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static char *
write_file (const char *dir,
            const char *name,
            const char *contents,
            gssize      length)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, name, NULL);

  g_file_set_contents (path, contents, length, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_rates_alerts_and_urdb_refuse_deep_nesting (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autofree char *deep = g_strnfill (1000 * 1000, '[');
  g_autofree char *path = write_file (dir, "deep.json", deep, -1);
  const char * const commands[][3] = {
    { "rates", "validate", NULL }, { "rates", "add", NULL }, { "alerts", "add", NULL }, { "rates", "import-urdb", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autofree char *err = NULL;
      int status = aether_test_run_cli (db, discard (), &err, commands[i][0], commands[i][1], path, NULL);

      g_test_message ("%s %s: %s", commands[i][0], commands[i][1], err);
      g_assert_cmpint (status, ==, 1);
      g_assert_nonnull (strstr (err, "deep.json: The JSON nests more than 64 levels deep (at byte 65, line 1)"));
    }

  aether_test_remove_dir (dir);
}

static void
test_huge_settings_are_refused_by_name (void)
{
  static const struct { const char *config; const char *message; } cases[] = {
    { "seed=1e30", "plugin_config.seed must be a whole number from -2147483647 to 2147483647, not 1e+30" },
    { "instance=1e20", "plugin_config.instance must be a whole number from -2147483647 to 2147483647, not 1e+20" },
    { "seed=abc", "plugin_config.seed must be a whole number, not text" },
    { "polling_interval=0", "plugin_config.polling_interval must be between 1 and 86400 seconds, not 0" },
    { "polling_interval=-1", "plugin_config.polling_interval must be between 1 and 86400 seconds, not -1" },
    { "polling_interval=1e-9", "plugin_config.polling_interval must be between 1 and 86400 seconds, not 1e-09" },
    { "polling_interval=NaN", "plugin_config.polling_interval must be a number of seconds, not text" },
    { "timeout_seconds=0.5", "plugin_config.timeout_seconds must be between 1 and 86400 seconds, not 0.5" },
  };
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autofree char *out = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *err = NULL;
      int status = aether_test_run_cli (db, discard (), &err, "devices", "add", "--plugin", "simulator", "--name", "Fridge",
                                        "--config", "sim_device=fridge", "--config", cases[i].config, NULL);

      g_test_message ("%s: %s", cases[i].config, err);
      g_assert_cmpint (status, ==, 2);
      g_assert_nonnull (strstr (err, cases[i].message));
    }

  /* Nothing was stored, and the same device with sane settings is. */
  g_assert_cmpint (aether_test_run_cli (db, &out, NULL, "devices", "list", "--json", NULL), ==, 0);
  g_assert_cmpstr (g_strstrip (out), ==, "[]");
  g_assert_cmpint (aether_test_run_cli (db, discard (), NULL, "devices", "add", "--plugin", "simulator", "--name", "Fridge",
                                        "--config", "sim_device=fridge", "--config", "seed=7",
                                        "--config", "polling_interval=2.5", NULL), ==, 0);

  aether_test_remove_dir (dir);
}

static JsonNode *
record (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = aether_json_parse (json, -1, AETHER_JSON_MAX_DEPTH, &error);

  g_assert_no_error (error);
  return node;
}

static void
test_device_records_are_checked_on_add_and_update (void)
{
  static const struct { const char *plugin_config; const char *message; } cases[] = {
    { "{\"polling_interval\": {}}", "plugin_config.polling_interval must be a number of seconds, not an object" },
    { "{\"timeout_seconds\": [1]}", "plugin_config.timeout_seconds must be a number of seconds, not a list" },
    { "{\"polling_interval\": 1e-9}", "plugin_config.polling_interval must be between 1 and 86400 seconds, not 1e-09" },
    { "{\"channel\": -1}", "plugin_config.channel must be a whole number from 0 to 2147483647, not -1" },
    { "{\"channel\": 1.5}", "plugin_config.channel must be a whole number from 0 to 2147483647, not 1.5" },
    { "{\"anything\": 1e300}", "plugin_config.anything is 1e+300, too large for a setting" },
    { "[]", "plugin_config must be an object, not a list" },
  };
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (db, aether_clock_get_default (), &error);
  g_autofree char *added = NULL;

  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"device_id\": \"plug\", \"name\": \"Plug\", \"type\": \"smart_plug\","
                                               " \"configuration\": {\"plugin\": \"simulator\", \"plugin_config\": %s}}",
                                               cases[i].plugin_config);
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

      g_ptr_array_add (records, record (json));
      g_assert_null (aether_devices_add (store, records, "plug", TRUE, NULL, NULL, &error));
      g_test_message ("%s", error->message);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_clear_error (&error);
    }

  /* A \x1f in an id would file its series as another device's
   * ("a\x1fpower" + "\x1fenergy"); control characters in names are refused too. */
  {
    g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

    g_ptr_array_add (records, record ("{\"device_id\": \"a\\u001fpower\", \"name\": \"A\", \"type\": \"smart_plug\"}"));
    g_assert_null (aether_devices_add (store, records, "a\x1fpower", TRUE, NULL, NULL, &error));
    g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
    g_assert_cmpstr (error->message, ==, "The device’s id “a\\037power” has a control character (U+001F) at byte 2;"
                                         " use letters, digits and punctuation");
    g_clear_error (&error);
  }

  {
    g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
    g_autoptr(JsonNode) changed = NULL;

    g_ptr_array_add (records, record ("{\"device_id\": \"plug\", \"name\": \"Plug\", \"type\": \"smart_plug\","
                                      " \"configuration\": {\"plugin\": \"simulator\", \"plugin_config\": {\"polling_interval\": 10}}}"));
    added = aether_devices_add (store, records, "plug", TRUE, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (added, ==, "plug");

    /* Changing it is checked by the same rule; the stored device stays. */
    changed = record ("{\"device_id\": \"plug\", \"name\": \"Plug\\nTwo\", \"type\": \"smart_plug\"}");
    g_assert_false (aether_devices_update (store, changed, &error));
    g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
    g_clear_error (&error);
    g_clear_pointer (&changed, json_node_unref);
    changed = record ("{\"device_id\": \"plug\", \"name\": \"Plug\", \"type\": \"smart_plug\","
                      " \"configuration\": {\"plugin\": \"simulator\", \"plugin_config\": {\"polling_interval\": -1}}}");
    g_assert_false (aether_devices_update (store, changed, &error));
    g_assert_nonnull (strstr (error->message, "Device “plug”: plugin_config.polling_interval must be between 1"));
    g_clear_error (&error);
    g_clear_pointer (&changed, json_node_unref);
    changed = aether_store_get_device (store, "plug", &error);
    g_assert_no_error (error);
    g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (json_object_get_object_member (
                       json_node_get_object (changed), "configuration"), "plugin_config"), "polling_interval"), ==, 10);
  }

  g_clear_object (&store);
  aether_test_remove_dir (dir);
}

static void
exec_sql (const char *db_path,
          const char *sql)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
  sqlite3_close (db);
}

static void
test_infinite_readings_never_block_maintenance (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autofree char *huge = write_file (dir, "huge.csv",
                                      "timestamp,device_id,metric_type,value,unit\n"
                                      "2026-12-01T00:00:00Z,a,power,1e306,kW\n", -1);
  g_autoptr(GString) csv = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autofree char *good = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out = NULL;

  /* 1e306 is finite; 1e306 kW in W is not, and the line is named. */
  g_assert_cmpint (aether_test_run_cli (db, discard (), &err, "db", "ingest", huge, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "huge.csv:2: value “1e306”: power kW is not a finite number of W"));

  /* Device b: 1 kW for an hour is 1 kWh. Device a: the infinities an older
   * version let in, straight into the samples. */
  for (guint m = 0; m < 60; m++)
    g_string_append_printf (csv, "2026-12-01T00:%02u:00Z,b,power,1000,W\n", m);
  g_string_append (csv, "2026-12-01T01:00:00Z,b,power,1000,W\n"
                        "2026-12-01T00:00:00Z,a,power,5,W\n");
  good = write_file (dir, "good.csv", csv->str, csv->len);
  g_assert_cmpint (aether_test_run_cli (db, discard (), NULL, "db", "ingest", good, NULL), ==, 0);
  exec_sql (db, "INSERT INTO samples (ts, series_id, value) SELECT 1764547260000, series_id, 9e999 FROM series WHERE device_id = 'a';"
                "INSERT INTO samples (ts, series_id, value) SELECT 1764547320000, series_id, -9e999 FROM series WHERE device_id = 'a';");

  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (db, discard (), &err, "db", "maintain", NULL), ==, 0);
  g_assert_null (strstr (err, "NOT NULL"));
  g_assert_cmpint (aether_test_run_cli (db, &out, NULL, "db", "energy", "--from", "2026-12-01T00:00:00Z",
                                        "--to", "2026-12-01T02:00:00Z", NULL), ==, 0);
  g_test_message ("%s", out);
  {
    g_autoptr(JsonNode) node = record (out);
    JsonArray *devices = aether_json_get_array (json_node_get_object (node), "totals");
    gboolean seen = FALSE;

    g_assert_nonnull (devices);
    for (guint i = 0; i < json_array_get_length (devices); i++)
      {
        JsonObject *d = json_array_get_object_element (devices, i);

        if (g_strcmp0 (aether_json_get_string (d, "key"), "b") == 0)
          {
            aether_test_assert_value (json_object_get_double_member (d, "energy_kwh"), 1.0);
            seen = TRUE;
          }
      }
    g_assert_true (seen);
  }

  aether_test_remove_dir (dir);
}

static void
test_large_numbers_are_stored_readably_and_never_replace_good_rows (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (db, aether_clock_get_default (), &error);
  g_autoptr(JsonNode) rule = record ("{\"alert_id\": \"big\", \"name\": \"Big\", \"enabled\": true,"
                                     " \"conditions\": {\"type\": \"threshold\", \"device_id\": \"b\","
                                     " \"metric\": \"power\", \"operator\": \"greater_than\", \"threshold\": 1e30}}");
  g_autoptr(JsonNode) good = record ("{\"rate_id\": \"r\", \"effective_date\": \"2026-01-01\", \"currency\": \"USD\","
                                     " \"rate_structure\": {\"type\": \"flat\", \"rate\": 0.25}}");
  g_autoptr(JsonNode) infinite = aether_json_deep_copy (good);
  g_autoptr(GPtrArray) alerts = NULL;
  g_autoptr(GPtrArray) schedules = NULL;
  JsonObject *conditions;

  g_assert_no_error (error);

  /* json-glib alone writes 1e30 as `1e+30.0`: the rule was stored and
   * then left out of every listing. */
  g_assert_true (aether_store_put_alert (store, rule, &error));
  g_assert_no_error (error);
  alerts = aether_store_list_alerts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (alerts->len, ==, 1);
  conditions = aether_json_get_object (json_node_get_object (g_ptr_array_index (alerts, 0)), "conditions");
  g_assert_cmpfloat (json_object_get_double_member (conditions, "threshold"), ==, 1e30);

  /* A value JSON cannot hold never replaces a good row. */
  g_assert_true (aether_store_put_rate_schedule (store, good, &error));
  json_object_set_double_member (aether_json_get_object (json_node_get_object (infinite), "rate_structure"), "rate", INFINITY);
  g_assert_false (aether_store_put_rate_schedule (store, infinite, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "The rate schedule was not stored: “rate_structure.rate” is ∞, which cannot be"
                                       " stored; give a finite number");
  schedules = aether_store_list_rate_schedules (store, &error);
  g_assert_cmpuint (schedules->len, ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (aether_json_get_object (json_node_get_object (
                       g_ptr_array_index (schedules, 0)), "rate_structure"), "rate"), ==, 0.25);

  /* A row an older version wrote is read, not skipped. */
  g_clear_object (&store);
  exec_sql (db, "UPDATE alerts SET json = '{\"alert_id\": \"big\", \"name\": \"Big\", \"conditions\":"
                " {\"type\": \"threshold\", \"value\": 1e+30.0}}'");
  store = aether_store_open (db, aether_clock_get_default (), &error);
  g_clear_pointer (&alerts, g_ptr_array_unref);
  alerts = aether_store_list_alerts (store, &error);
  g_assert_cmpuint (alerts->len, ==, 1);

  g_clear_object (&store);
  aether_test_remove_dir (dir);
}

static void
test_device_passwords_are_never_printed (void)
{
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  g_autofree char *list = NULL;
  g_autofree char *show = NULL;
  g_autofree char *show_json = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(JsonNode) stored = NULL;
  const char *old_bus = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  g_autofree char *saved = g_strdup (old_bus);
  g_autofree char *saved_collection = g_strdup (g_getenv ("AETHERLENS_SECRET_COLLECTION"));

  /* No keyring: the password stays in the database. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/aetherlens-test-bus", TRUE);
  g_unsetenv ("AETHERLENS_SECRET_COLLECTION");
  g_assert_cmpint (aether_test_run_cli (db, discard (), &err, "devices", "add", "--plugin", "simulator", "--name", "Locked",
                                        "--config", "sim_device=fridge", "--config", "fault=auth",
                                        "--config", "password=hunter2", NULL), ==, 0);
  g_test_message ("%s", err);
  g_assert_cmpint (aether_test_run_cli (db, &list, NULL, "devices", "list", "--json", NULL), ==, 0);
  g_assert_cmpint (aether_test_run_cli (db, &show_json, NULL, "devices", "show", "--json", "locked", NULL), ==, 0);
  g_assert_cmpint (aether_test_run_cli (db, &show, NULL, "devices", "show", "locked", NULL), ==, 0);
  if (saved != NULL)
    g_setenv ("DBUS_SESSION_BUS_ADDRESS", saved, TRUE);
  else
    g_unsetenv ("DBUS_SESSION_BUS_ADDRESS");
  if (saved_collection != NULL)
    g_setenv ("AETHERLENS_SECRET_COLLECTION", saved_collection, TRUE);

  g_assert_null (strstr (list, "hunter2"));
  g_assert_null (strstr (show_json, "hunter2"));
  g_assert_null (strstr (show, "hunter2"));
  g_assert_nonnull (strstr (list, "\"password\" : \"(stored in the database)\""));
  g_assert_nonnull (strstr (show, "(stored in the database)"));

  /* Nor in an error: Tasmota's URL carries the password in its query. */
  {
    g_autofree char *refused = NULL;

    g_assert_cmpint (aether_test_run_cli (db, discard (), &refused, "devices", "add", "--plugin", "tasmota", "--name", "T",
                                          "--config", "ip_address=[::1", "--config", "password=hunter2", NULL), ==, 2);
    g_test_message ("%s", refused);
    g_assert_nonnull (strstr (refused, "is not an address AetherLens can ask"));
    g_assert_null (strstr (refused, "hunter2"));
  }

  /* It is still there for the device. */
  store = aether_store_open (db, aether_clock_get_default (), &error);
  stored = aether_store_get_device (store, "locked", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (aether_json_get_object (aether_json_get_object (
                     json_node_get_object (stored), "configuration"), "plugin_config"), "password"), ==, "hunter2");

  g_clear_object (&store);
  aether_test_remove_dir (dir);
}

/* The fuzz run. */

static char *
read_text (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return text;
}

static GString *
mutate (GRand      *rand,
        const char *base)
{
  static const char * const numbers[] = {
    "1e999", "-1e999", "1e30", "1e306", "NaN", "-0", "1e-400", "99999999999999999999999", "0.0000001", "-1", "\"7\"",
    "null", "{}", "[]", "true",
  };
  GString *text = g_string_new (base);
  guint kind = g_rand_int_range (rand, 0, 9);
  gsize at = text->len > 0 ? (gsize)g_rand_int_range (rand, 0, (gint32)text->len) : 0;

  switch (kind)
    {
    case 0:   /* cut short */
      g_string_truncate (text, at);
      break;

    case 1:   /* nested far too deep, or just deep enough */
      {
        gsize n = g_rand_boolean (rand) ? (gsize)g_rand_int_range (rand, 60, 200000) : 64;
        g_autofree char *open = g_strnfill (n, g_rand_boolean (rand) ? '[' : '{');

        g_string_insert (text, at, open);
      }
      break;

    case 2:   /* a number replaced by something hostile */
    case 3:
      for (guint k = 0; k < 4; k++)
        {
          gsize start = (gsize)g_rand_int_range (rand, 0, (gint32)MAX (1, text->len));
          gsize end;

          while (start < text->len && !g_ascii_isdigit (text->str[start]))
            start++;
          end = start;
          while (end < text->len && (g_ascii_isdigit (text->str[end]) || text->str[end] == '.'))
            end++;
          if (end > start)
            {
              g_string_erase (text, start, end - start);
              g_string_insert (text, start, numbers[g_rand_int_range (rand, 0, G_N_ELEMENTS (numbers))]);
            }
        }
      break;

    case 4:   /* bytes flipped, control characters and NULs included */
      for (guint k = 0; k < 8 && text->len > 0; k++)
        text->str[g_rand_int_range (rand, 0, (gint32)text->len)] = (char)g_rand_int_range (rand, 0, 256);
      break;

    case 5:   /* a stray quote or backslash */
      g_string_insert_c (text, at, "\"\\{}[],:"[g_rand_int_range (rand, 0, 8)]);
      break;

    case 6:   /* a slice repeated */
      {
        gsize len = MIN ((gsize)g_rand_int_range (rand, 1, 400), text->len - at);
        g_autofree char *slice = g_strndup (text->str + at, len);

        g_string_insert (text, at, slice);
      }
      break;

    case 7:   /* a string replaced by a long one or by control characters */
      {
        const char *quote = strchr (text->str + at, '"');

        if (quote != NULL)
          g_string_insert (text, quote - text->str + 1,
                           g_rand_boolean (rand) ? "\x1f\x01\n\t" : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
      }
      break;

    default:  /* members' values swapped for other kinds */
      {
        const char *colon = strchr (text->str + at, ':');

        if (colon != NULL)
          g_string_insert (text, colon - text->str + 1, numbers[g_rand_int_range (rand, 0, G_N_ELEMENTS (numbers))]);
      }
      break;
    }

  return text;
}

static void
assert_named (const GError *error,
              const char   *what,
              guint         n)
{
  g_assert_nonnull (error);
  if (error->domain != AETHER_ERROR || error->message == NULL || strlen (error->message) < 8)
    g_error ("%s case %u: an unnamed error (%s)", what, n, error->message);
}

static void
test_fuzz_json_inputs (void)
{
  /* A fixed seed; AETHERLENS_FUZZ_SEED runs another one by hand. */
  g_autoptr(GRand) rand = g_rand_new_with_seed (g_getenv ("AETHERLENS_FUZZ_SEED")
                                                ? (guint32)g_ascii_strtoull (g_getenv ("AETHERLENS_FUZZ_SEED"), NULL, 10) : 18);
  g_autofree char *dir = temp_dir ();
  g_autofree char *tariff_path = g_build_filename (g_getenv ("AETHERLENS_SOURCE_ROOT"), "plugins", "simulator",
                                                   "demo-rate-schedule.json", NULL);
  g_autofree char *urdb_path = g_build_filename (TEST_DATA_DIR, "tariff", "urdb", "python-openei_plan_tier_data.json", NULL);
  g_autofree char *shelly_path = g_build_filename (TEST_DATA_DIR, "shelly",
                                                   "aioshelly_pro_3em_SPEM-003CEBEU_fw1.1.0_dump.json", NULL);
  g_autofree char *tariff = read_text (tariff_path);
  g_autofree char *urdb = read_text (urdb_path);
  g_autofree char *shelly_dump = read_text (shelly_path);
  g_autofree char *tasmota_path = g_build_filename (TEST_DATA_DIR, "tasmota", "evcc18879_status8_3phase_arrays.json", NULL);
  g_autofree char *tasmota = read_text (tasmota_path);
  g_autofree char *identity = NULL;
  g_autofree char *kasa_path = g_build_filename (TEST_DATA_DIR, "kasa", "HS110_EU_4.0_1.0.4.json", NULL);
  g_autofree char *kasa = read_text (kasa_path);
  g_autoptr(FakeKasa) kasa_plug = fake_kasa_new ();
  g_autofree char *status = NULL;
  const char *rule = "{\"alert_id\": \"hot\", \"name\": \"Too much\", \"enabled\": true, \"severity\": \"warning\","
                     " \"conditions\": {\"type\": \"threshold\", \"device_id\": \"heat-pump\", \"metric\": \"power\","
                     " \"operator\": \"greater_than\", \"threshold\": 3000, \"duration_seconds\": 300},"
                     " \"schedule\": {\"days\": [\"monday\", \"friday\"], \"start\": \"08:00\", \"end\": \"18:00\"},"
                     " \"actions\": [{\"type\": \"notification\"}, {\"type\": \"webhook\", \"url\": \"http://127.0.0.1:9/x\"}]}";
  g_autoptr(FakeShelly) fake = fake_shelly_new ();
  static const char * const names[] = { "reply", "tariff", "rule", "URDB", "identity", "Tasmota reply", "Kasa reply" };
  guint counts[7] = { 0, }, refused[7] = { 0, };
  const guint n_cases = 490;

  {
    g_autoptr(JsonNode) dump = record (shelly_dump);

    status = json_to_string (json_object_get_member (json_node_get_object (dump), "status"), FALSE);
    identity = json_to_string (json_object_get_member (json_node_get_object (dump), "shelly"), FALSE);
  }

  for (guint n = 0; n < n_cases; n++)
    {
      guint target = n % 7;
      const char * const bases[] = { status, tariff, rule, urdb, identity, tasmota, kasa };
      const char *base = bases[target];
      g_autoptr(GString) text = mutate (rand, base);
      g_autoptr(GError) error = NULL;
      gboolean ok = FALSE;

      counts[target]++;
      switch (target)
        {
        case 0:   /* a device reply, over HTTP, as the collector reads it */
          {
            g_autoptr(GArray) samples = NULL;

            g_bytes_unref (fake->status);
            fake->status = g_bytes_new (text->str, text->len);
            ok = (samples = poll_fake (fake, &error)) != NULL;
          }
          break;

        case 1:   /* a tariff: read, validated, built, and written back */
          {
            g_autoptr(JsonNode) node = aether_json_parse (text->str, text->len, AETHER_JSON_MAX_DEPTH, &error);
            g_autoptr(AetherRateSchedule) schedule = NULL;

            if (node != NULL)
              {
                g_autoptr(GPtrArray) problems = aether_rate_schedule_validate_json (node);
                g_autofree char *again = NULL;

                for (guint i = 0; i < problems->len; i++)
                  g_assert_cmpuint (strlen (g_ptr_array_index (problems, i)), >, 8);
                ok = (schedule = aether_rate_schedule_new_from_json (node, &error)) != NULL;
                /* Anything that was read can be written so it reads back. */
                again = aether_json_to_string (node, FALSE, NULL);
                g_assert_nonnull (again);
              }
          }
          break;

        case 2:   /* an alert rule, as `alerts add` and the store read it */
          {
            g_autoptr(AetherAlertRule) parsed = aether_alert_rule_new_from_data (text->str, text->len, &error);

            ok = parsed != NULL;
          }
          break;

        case 4:   /* what a Shelly says it is, as `devices add` asks */
          {
            g_autoptr(AetherDeviceIdentity) probed = NULL;
            g_autofree char *saved = fake->identity;

            fake->identity = g_strndup (text->str, text->len);
            ok = (probed = probe_fake (fake, &error)) != NULL;
            g_free (fake->identity);
            fake->identity = g_steal_pointer (&saved);
          }
          break;

        case 5:   /* a Tasmota's status, over HTTP */
          {
            g_autoptr(GArray) samples = NULL;

            g_bytes_unref (fake->status);
            fake->status = g_bytes_new (text->str, text->len);
            ok = (samples = poll_fake_as (fake, "tasmota", &error)) != NULL;
          }
          break;

        case 6:   /* a Kasa plug's answer, over its own TCP protocol */
          {
            g_autoptr(GArray) samples = NULL;

            /* The protocol carries text: what a NUL ends is what a plug sends. */
            fake_kasa_set_answer (kasa_plug, text->str);
            ok = (samples = poll_kasa (kasa_plug, &error)) != NULL;
          }
          break;

        case 3:   /* a URDB record, from a file as `rates import-urdb` reads it */
        default:
          {
            g_autofree char *path = write_file (dir, "urdb.json", text->str, text->len);
            g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
            g_autoptr(GPtrArray) schedules = aether_urdb_import_file (path, "America/Los_Angeles", notes, &error);

            ok = schedules != NULL;
          }
          break;
        }

      if (!ok)
        {
          refused[target]++;
          assert_named (error, names[target], n);
        }
    }

  for (guint t = 0; t < G_N_ELEMENTS (names); t++)
    g_test_message ("fuzz: %s %u cases, %u refused with a named error", names[t], counts[t], refused[t]);
  /* The run exercised both sides: every input refused something, and
   * mutated input that is still good was read. */
  {
    guint accepted = 0;

    for (guint t = 0; t < G_N_ELEMENTS (names); t++)
      {
        g_assert_cmpuint (refused[t], >, 0);
        accepted += counts[t] - refused[t];
      }
    g_assert_cmpuint (accepted, >, n_cases / 20);
  }

  aether_test_remove_dir (dir);
}

static void
test_fuzz_csv_through_the_cli (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1814);
  g_autofree char *dir = temp_dir ();
  g_autofree char *db = g_build_filename (dir, "t.db", NULL);
  const char *base = "timestamp,device_id,metric_type,value,unit\n"
                     "2026-12-01T00:00:00Z,plug,power,100.5,W\n"
                     "2026-12-01T00:01:00+01:00,plug,energy,1.25,kWh\n"
                     "1764547320,meter,voltage,230,V\n";
  guint stored = 0, refused = 0;

  for (guint n = 0; n < 60; n++)
    {
      g_autoptr(GString) text = mutate (rand, base);
      g_autofree char *path = NULL;
      g_autofree char *err = NULL;
      int status;

      path = write_file (dir, "in.csv", text->str, text->len);
      status = aether_test_run_cli (db, discard (), &err, "db", "ingest", path, NULL);
      if (status != 0 && status != 1)
        g_error ("CSV case %u: exit %d (%s)", n, status, err);
      if (status == 0)
        stored++;
      else
        {
          refused++;
          g_assert_nonnull (strstr (err, "aetherlens-cli: "));
          g_assert_cmpuint (strlen (err), >, strlen ("aetherlens-cli: ") + 8);
        }
    }
  g_test_message ("fuzz: CSV %u stored, %u refused", stored, refused);
  g_assert_cmpuint (refused, >, 0);
  g_assert_cmpuint (stored, >, 0);

  /* What was stored is still a database the CLI reads. (Not `db maintain`:
   * a mutated epoch such as `17` is a 1970 reading, and maintenance walking
   * from 1970 is issue 18's item 8, not input handling.) */
  g_assert_cmpint (aether_test_run_cli (db, discard (), NULL, "db", "stats", NULL), ==, 0);

  aether_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  engine = aether_plugin_engine_new (NULL);
  aether_plugin_engine_load_all (engine);

  g_test_add_func ("/hostile/shelly/megabyte-of-brackets-is-a-poll-error",
                   test_megabyte_of_brackets_from_a_shelly_is_its_poll_error);
  g_test_add_func ("/hostile/cli/rates-alerts-urdb-refuse-deep-nesting", test_rates_alerts_and_urdb_refuse_deep_nesting);
  g_test_add_func ("/hostile/devices/huge-settings-refused-by-name", test_huge_settings_are_refused_by_name);
  g_test_add_func ("/hostile/devices/records-checked-on-add-and-update", test_device_records_are_checked_on_add_and_update);
  g_test_add_func ("/hostile/store/infinite-readings-never-block-maintenance",
                   test_infinite_readings_never_block_maintenance);
  g_test_add_func ("/hostile/store/large-numbers-readable-never-replace-good-rows",
                   test_large_numbers_are_stored_readably_and_never_replace_good_rows);
  g_test_add_func ("/hostile/secrets/passwords-never-printed", test_device_passwords_are_never_printed);
  g_test_add_func ("/hostile/fuzz/json-inputs", test_fuzz_json_inputs);
  g_test_add_func ("/hostile/fuzz/csv-through-the-cli", test_fuzz_csv_through_the_cli);

  status = g_test_run ();
  g_clear_object (&engine);
  g_clear_pointer (&ignored, g_free);
  return status;
}
