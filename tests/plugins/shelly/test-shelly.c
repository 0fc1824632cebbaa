/* test-shelly.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Shelly plugin, loaded through the plugin engine, against fake Shelly
 * devices on 127.0.0.1 serving recorded real responses (tests/data/shelly,
 * see SOURCES.md): `/shelly` and `/status` for the first generation,
 * `/rpc/Shelly.GetStatus` for Plus, Pro, Gen3 and Gen4. */

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

typedef struct
{
  SoupServer *server;
  char       *host;
  JsonNode   *bundle;
  char       *password;    /* Gen2 digest when set */
  char       *basic_password; /* Gen1 basic (user admin) when set */
  GPtrArray  *authorizations; /* each request's path and Authorization, "" for none */
  char       *raw_status;  /* replaces the status when set */
  char       *last_path;
  gboolean    relay_on;
  int         switched;      /* the channel last switched, -1 for none */
  guint       n_unauthorized;
  SoupServerMessage *paused;
} Fake;

static AetherPluginEngine *engine;
static AetherDeviceProvider *provider;

static gboolean
digest_ok (Fake              *fake,
           SoupServerMessage *msg)
{
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  g_autoptr(GHashTable) p = NULL;
  g_autofree char *ha1 = NULL, *ha2 = NULL, *a1 = NULL, *a2 = NULL, *in = NULL, *want = NULL;
  g_autofree char *uri = NULL;
  GUri *request_uri;

  if (auth == NULL || !g_str_has_prefix (auth, "Digest "))
    return FALSE;

  p = soup_header_parse_param_list (auth + 7);
  request_uri = soup_server_message_get_uri (msg);
  uri = g_uri_get_query (request_uri) ? g_strdup_printf ("%s?%s", g_uri_get_path (request_uri), g_uri_get_query (request_uri))
                                      : g_strdup (g_uri_get_path (request_uri));
  /* Independently of the plugin: RFC 7616 with SHA-256, user admin. */
  a1 = g_strdup_printf ("admin:shelly-test:%s", fake->password);
  a2 = g_strdup_printf ("GET:%s", uri);
  ha1 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, a1, -1);
  ha2 = g_compute_checksum_for_string (G_CHECKSUM_SHA256, a2, -1);
  in = g_strdup_printf ("%s:%s:%s:%s:%s:%s", ha1, "n0nce", (char *)g_hash_table_lookup (p, "nc"),
                        (char *)g_hash_table_lookup (p, "cnonce"), "auth", ha2);
  want = g_compute_checksum_for_string (G_CHECKSUM_SHA256, in, -1);

  return g_strcmp0 (g_hash_table_lookup (p, "response"), want) == 0 &&
         g_strcmp0 (g_hash_table_lookup (p, "uri"), uri) == 0;
}

static void
respond_json (SoupServerMessage *msg,
              JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_text (SoupServerMessage *msg,
              const char        *text)
{
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
handler (SoupServer        *server,
         SoupServerMessage *msg,
         const char        *path,
         GHashTable        *query,
         gpointer           user_data)
{
  Fake *fake = user_data;
  JsonObject *bundle = json_node_get_object (fake->bundle);

  {
    const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

    g_ptr_array_add (fake->authorizations, g_strdup_printf ("%s %s", path, auth ? auth : ""));
  }

  g_free (fake->last_path);
  fake->last_path = g_uri_get_query (soup_server_message_get_uri (msg))
    ? g_strdup_printf ("%s?%s", path, g_uri_get_query (soup_server_message_get_uri (msg))) : g_strdup (path);

  if (g_str_equal (path, "/shelly"))
    {
      respond_json (msg, json_object_get_member (bundle, "shelly"));
      return;
    }

  if (fake->basic_password != NULL)
    {
      const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
      g_autofree char *pair = g_strdup_printf ("admin:%s", fake->basic_password);
      g_autofree char *encoded = g_base64_encode ((const guchar *)pair, strlen (pair));
      g_autofree char *want = g_strdup_printf ("Basic %s", encoded);

      if (g_strcmp0 (auth, want) != 0)
        {
          fake->n_unauthorized++;
          soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                        "Basic realm=\"shelly\"");
          soup_server_message_set_status (msg, 401, NULL);
          return;
        }
    }

  if (fake->password != NULL && !digest_ok (fake, msg))
    {
      fake->n_unauthorized++;
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Digest qop=\"auth\", realm=\"shelly-test\", nonce=\"n0nce\", algorithm=SHA-256");
      soup_server_message_set_status (msg, 401, NULL);
      return;
    }

  if (g_str_equal (path, "/status") || g_str_equal (path, "/rpc/Shelly.GetStatus"))
    {
      if (g_strcmp0 (fake->raw_status, "@hang") == 0)
        {
          /* Accepts the request and never answers. */
          soup_server_message_pause (msg);
          fake->paused = g_object_ref (msg);
        }
      else if (g_strcmp0 (fake->raw_status, "@huge") == 0)
        {
          gsize size = 50 * 1024 * 1024;
          char *huge = g_malloc (size);

          memset (huge, ' ', size);
          huge[0] = '{';
          soup_server_message_set_status (msg, 200, NULL);
          soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, huge, size);
        }
      else if (fake->raw_status != NULL && fake->raw_status[0] == '@')
        {
          if (g_str_equal (fake->raw_status, "@401"))
            soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                          "Basic realm=\"shelly\"");
          soup_server_message_set_status (msg, (guint)g_ascii_strtoull (fake->raw_status + 1, NULL, 10), NULL);
        }
      else if (fake->raw_status != NULL)
        respond_text (msg, fake->raw_status);
      else if (fake->switched >= 0)
        {
          /* The recorded status, with the relay as it was switched to. */
          g_autoptr(JsonNode) status = json_node_copy (json_object_get_member (bundle, "status"));
          JsonObject *o = json_node_get_object (status);
          g_autofree char *key = g_strdup_printf ("switch:%d", fake->switched);

          if (json_object_has_member (o, "relays"))
            json_object_set_boolean_member (json_array_get_object_element (json_object_get_array_member (o, "relays"),
                                                                           (guint)fake->switched),
                                            "ison", fake->relay_on);
          else
            json_object_set_boolean_member (json_object_get_object_member (o, key), "output", fake->relay_on);
          respond_json (msg, status);
        }
      else
        respond_json (msg, json_object_get_member (bundle, "status"));
    }
  else if (g_str_has_prefix (path, "/relay/"))
    {
      fake->relay_on = g_strcmp0 (g_hash_table_lookup (query, "turn"), "on") == 0;
      fake->switched = (int)g_ascii_strtoll (path + strlen ("/relay/"), NULL, 10);
      respond_text (msg, fake->relay_on ? "{\"ison\": true}" : "{\"ison\": false}");
    }
  else if (g_str_equal (path, "/rpc/Switch.Set"))
    {
      gboolean was = fake->relay_on;

      fake->relay_on = g_strcmp0 (g_hash_table_lookup (query, "on"), "true") == 0;
      fake->switched = (int)g_ascii_strtoll (g_hash_table_lookup (query, "id"), NULL, 10);
      respond_text (msg, was ? "{\"was_on\": true}" : "{\"was_on\": false}");
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static JsonNode *
load (const char *file)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "shelly", file, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, &error));
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

/* A recorded device: a dump file with `shelly` and `status`, or, written
 * "identity-file+status-file", the two answers recorded separately. */
static Fake *
fake_new (const char *file)
{
  g_autoptr(GError) error = NULL;
  Fake *fake = g_new0 (Fake, 1);
  const char *plus = strchr (file, '+');
  GSList *uris;

  if (plus == NULL)
    fake->bundle = load (file);
  else
    {
      g_autofree char *identity_file = g_strndup (file, plus - file);
      JsonObject *bundle = json_object_new ();

      json_object_set_member (bundle, "shelly", load (identity_file));
      json_object_set_member (bundle, "status", *(plus + 1) ? load (plus + 1) : json_from_string ("{}", NULL));
      fake->bundle = json_node_init_object (json_node_alloc (), bundle);
      json_object_unref (bundle);
    }
  fake->server = soup_server_new (NULL, NULL);
  fake->authorizations = g_ptr_array_new_with_free_func (g_free);
  fake->relay_on = TRUE;
  fake->switched = -1;
  soup_server_add_handler (fake->server, NULL, handler, fake, NULL);
  g_assert_true (soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (fake->server);
  fake->host = g_strdup_printf ("127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
  return fake;
}

static void
fake_free (Fake *fake)
{
  if (fake->paused != NULL)
    {
      soup_server_message_unpause (fake->paused);
      g_object_unref (fake->paused);
    }
  soup_server_disconnect (fake->server);
  g_object_unref (fake->server);
  json_node_unref (fake->bundle);
  g_free (fake->host);
  g_free (fake->password);
  g_free (fake->basic_password);
  g_ptr_array_unref (fake->authorizations);
  g_free (fake->raw_status);
  g_free (fake->last_path);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Fake, fake_free)

static JsonObject *
config_for (Fake       *fake,
            const char *password)
{
  g_autofree char *json = g_strdup_printf ("{\"ip_address\": \"%s\", \"plugin_config\": {\"timeout_seconds\": 2%s%s%s}}",
                                           fake->host, password ? ", \"password\": \"" : "",
                                           password ? password : "", password ? "\"" : "");
  g_autoptr(JsonNode) node = json_from_string (json, NULL);

  return json_object_ref (json_node_get_object (node));
}

static GArray *
poll_fake (Fake        *fake,
           const char  *password,
           GError     **error)
{
  g_autoptr(JsonObject) c = config_for (fake, password);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_poll_async (provider, c, NULL, aether_test_store_result, &result);
  return aether_device_provider_poll_finish (provider, aether_test_wait_for (&result), error);
}

/* Per recorded device and channel: power W, energy Wh, voltage V (NAN: the
 * device does not report it). Read off each file: Gen1 meters' total is
 * watt-minutes (2632 → 43.867 Wh); the Pro 3EM's channel 3 is the meter. */
static const struct {
  const char *file;
  guint       channel;
  double      power;
  double      energy;
  double      voltage;
} expected[] = {
  { "aioshelly_gen1_plug_s_SHPLG-S_fw1.14.0_dump.json", 0, 0.0, 2632.0 / 60, NAN },
  { "matterbridge_shellyem3-485519D732F4.json", 0, 6.6, 31972.1, 238.82 },
  { "matterbridge_shellyem3-485519D732F4.json", 2, 0, 0, 238.75 },
  { "matterbridge_shellyplug-s-4022D88349C4.json", 0, 0, 0, NAN },
  { "matterbridge_shellyplug-s-C38EAB.json", 0, 0, 2933.5, NAN },
  { "matterbridge_shellyswitch25-3494546BBF7E.json", 1, 0, 5.0 / 60, NAN },
  { "aioshelly_plus_1pm_SNSW-001P16EU_fw1.1.0_dump.json", 0, 0.0, 110.046, 232.8 },
  { "aioshelly_plus_plug_it_SNPL-00110IT_fw1.1.0_dump.json", 0, 0.8, 922.282, 222.6 },
  { "aioshelly_plus_plug_s_SNPL-00112EU_fw1.1.0_dump.json", 0, 2.7, 7258.589, 227.9 },
  { "aioshelly_pro_3em_SPEM-003CEBEU_fw1.1.0_dump.json", 0, 375.5, 2034616.71, 229.0 },
  { "aioshelly_pro_3em_SPEM-003CEBEU_fw1.1.0_dump.json", 3, 558.965, 2589773.39, NAN },
  { "aioshelly_pro_4pm_SPSW-004PE16EU_fw1.0.3_dump.json", 3, 0.0, 0.0, 121.8 },
  { "matterbridge_shelly1pmg4-A085E3BD0544.json", 0, 0, 0, 233.7 },
  { "matterbridge_shelly3em63g3-84FCE6367400.json", 1, 2.1, 7108.03, 236.4 },
  { "matterbridge_shelly3em63g3-84FCE6367400.json", 3, 5.942, 20527.33, NAN },
  { "matterbridge_shellyazplug-E4B3232DC0CC.json", 0, 0, 3, 237.5 },
  { "matterbridge_shellyemg3-84FCE636582C.json", 0, 4.1, 43644.87, 234.9 },
  { "matterbridge_shellyemminig4-D885ACEF41A8.json", 0, 2.6, 58.83, 233 },
  { "matterbridge_shellyplugsg3-5432045CE094.json", 0, 0, 20, 238.3 },
  { "matterbridge_shellyplus1pm-441793D69718.json", 0, 0, 66, 232.9 },
  { "matterbridge_shellyplusplugs-E86BEAEAA000.json", 0, 36.7, 499599.717, 232.1 },
  { "matterbridge_shellypmminig3-84FCE63957F4.json", 0, 4.4, 73112.963, 234.5 },
  { "matterbridge_shellypro1pm-EC62608AB9A4.json", 0, 5.2, 84885.708, 232.1 },
  { "matterbridge_shellypro3em-A0DD6CA0C27C.json", 2, 6.8, 45236.95, 232.7 },
  { "matterbridge_shellypro3em-A0DD6CA0C27C.monophase.json", 2, 6.5, 0.15, 234.5 },
  { "matterbridge_shellyproem50-A0DD6CA09158.json", 0, 231.9, 8797809.13, 232.9 },
  { "matterbridge_shellypstripg4-D885ACE52518.json", 1, 0, 858, 232.5 },
  /* A 2PM Gen3 in shutter mode meters the motor (its Cover.GetStatus file
   * is the same cover:0 object on its own). */
  { "aioshelly_mini_1_gen4_Shelly.GetDeviceInfo.json+aioshelly_2pm_gen3_Shelly.GetStatus.json", 0, 0, 314.614, 219.2 },
};

static void
test_every_recorded_device_reads_right (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(Fake) fake = fake_new (expected[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = poll_fake (fake, NULL, &error);

      g_test_message ("%s channel %u", expected[i].file, expected[i].channel);
      g_assert_no_error (error);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_POWER, expected[i].channel), expected[i].power);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_ENERGY, expected[i].channel), expected[i].energy);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_VOLTAGE, expected[i].channel), expected[i].voltage);
    }
}

static AetherDeviceIdentity *
probe_fake (Fake        *fake,
            const char  *password,
            GError     **error)
{
  g_autoptr(JsonObject) c = config_for (fake, password);
  g_autoptr(GAsyncResult) result = NULL;

  aether_device_provider_probe_async (provider, c, NULL, aether_test_store_result, &result);
  return aether_device_provider_probe_finish (provider, aether_test_wait_for (&result), error);
}

/* Every recorded device's identity, read off its /shelly (or
 * Shelly.GetDeviceInfo) and, for Plus and Pro, the channels its status
 * shows. Capabilities: M metered, S switchable. */
static const struct {
  const char *file;
  const char *model;
  const char *firmware;
  const char *mac;
  guint       n_channels;
  const char *caps;
  const char *type;
} identities[] = {
  { "aioshelly_gen1_plug_s_SHPLG-S_fw1.14.0_dump.json", "SHPLG-S", "20230913-113421/v1.14.0-gcb84623", "AA:BB:CC:DD:EE:FF", 1, "MS", "smart_plug" },
  { "matterbridge_shellyem3-485519D732F4.json", "SHEM-3", "20230913-114244/v1.14.0-gcb84623", "48:55:19:D7:32:F4", 3, "MS", "energy_meter" },
  { "matterbridge_shellyplug-s-4022D88349C4.json", "SHPLG-S", "20230913-113421/v1.14.0-gcb84623", "40:22:D8:83:49:C4", 1, "MS", "smart_plug" },
  { "matterbridge_shellyplug-s-C38EAB.json", "SHPLG-S", "20230913-113421/v1.14.0-gcb84623", "E8:68:E7:C3:8E:AB", 1, "MS", "smart_plug" },
  { "matterbridge_shellyswitch25-3494546BBF7E.json", "SHSW-25", "20230913-112234/v1.14.0-gcb84623", "34:94:54:6B:BF:7E", 2, "MS", "smart_plug" },
  { "aioshelly_plus_1pm_SNSW-001P16EU_fw1.1.0_dump.json", "SNSW-001P16EU", "1.1.0", "AA:BB:CC:DD:EE:FF", 1, "MS", "smart_plug" },
  { "aioshelly_plus_plug_it_SNPL-00110IT_fw1.1.0_dump.json", "SNPL-00110IT", "1.1.0", "AA:BB:CC:DD:EE:FF", 1, "MS", "smart_plug" },
  { "aioshelly_plus_plug_s_SNPL-00112EU_fw1.1.0_dump.json", "SNPL-00112EU", "1.1.0", "AA:BB:CC:DD:EE:FF", 1, "MS", "smart_plug" },
  { "aioshelly_pro_3em_SPEM-003CEBEU_fw1.1.0_dump.json", "SPEM-003CEBEU", "1.1.0", "AA:BB:CC:DD:EE:FF", 3, "M", "energy_meter" },
  { "aioshelly_pro_4pm_SPSW-004PE16EU_fw1.0.3_dump.json", "SPSW-004PE16EU", "1.0.3", "AA:BB:CC:DD:EE:FF", 4, "MS", "smart_plug" },
  { "matterbridge_shelly1pmg4-A085E3BD0544.json", "S4SW-001P16EU", "1.7.5", "A0:85:E3:BD:05:44", 1, "MS", "smart_plug" },
  { "matterbridge_shelly3em63g3-84FCE6367400.json", "S3EM-003CXCEU63", "1.4.99-dev111396", "84:FC:E6:36:74:00", 3, "M", "energy_meter" },
  { "matterbridge_shellyazplug-E4B3232DC0CC.json", "S3PL-10112EU", "1.2.2-plugazprod0", "E4:B3:23:2D:C0:CC", 1, "MS", "smart_plug" },
  { "matterbridge_shellyemg3-84FCE636582C.json", "S3EM-002CXCEU", "1.7.5", "84:FC:E6:36:58:2C", 2, "MS", "energy_meter" },
  { "matterbridge_shellyplugsg3-5432045CE094.json", "S3PL-00112EU", "1.2.3-matter22", "54:32:04:5C:E0:94", 1, "MS", "smart_plug" },
  { "matterbridge_shellyplus1pm-441793D69718.json", "SNSW-001P16EU", "1.7.5", "44:17:93:D6:97:18", 1, "MS", "smart_plug" },
  { "matterbridge_shellyplusplugs-E86BEAEAA000.json", "SNPL-00112EU", "1.7.5", "E8:6B:EA:EA:A0:00", 1, "MS", "smart_plug" },
  { "matterbridge_shellypmminig3-84FCE63957F4.json", "S3PM-001PCEU16", "1.7.5", "84:FC:E6:39:57:F4", 1, "M", "smart_plug" },
  { "matterbridge_shellypro1pm-EC62608AB9A4.json", "SPSW-201PE16EU", "1.7.5", "EC:62:60:8A:B9:A4", 1, "MS", "smart_plug" },
  { "matterbridge_shellypro3em-A0DD6CA0C27C.json", "SPEM-003CEBEU", "1.7.5", "A0:DD:6C:A0:C2:7C", 3, "M", "energy_meter" },
  { "matterbridge_shellypro3em-A0DD6CA0C27C.monophase.json", "SPEM-003CEBEU", "1.7.5", "A0:DD:6C:A0:C2:7C", 3, "M", "energy_meter" },
  { "matterbridge_shellyproem50-A0DD6CA09158.json", "SPEM-002CEBEU50", "1.7.5", "A0:DD:6C:A0:91:58", 2, "MS", "energy_meter" },
  { "matterbridge_shellypstripg4-D885ACE52518.json", "S4PL-00416EU", "1.7.99-powerstripg4prod1", "D8:85:AC:E5:25:18", 4, "MS", "smart_plug" },
  /* Recorded as separate answers: a 1 Mini Gen4 switches but has no meter. */
  { "aioshelly_mini_1_gen4_Shelly.GetDeviceInfo.json+aioshelly_mini_1_gen4_Shelly.GetStatus.json", "S4SW-001X8EU",
    "1.5.99-g4prod1", "AA:BB:CC:DD:EE:FF", 1, "S", "smart_plug" },
};

static void
test_probe_fills_the_seed_fields (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (identities); i++)
    {
      g_autoptr(Fake) fake = fake_new (identities[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(AetherDeviceIdentity) id = probe_fake (fake, NULL, &error);

      g_test_message ("%s", identities[i].file);
      g_assert_no_error (error);
      g_assert_cmpstr (id->manufacturer, ==, "Shelly");
      g_assert_cmpstr (id->model, ==, identities[i].model);
      g_assert_cmpstr (id->firmware_version, ==, identities[i].firmware);
      g_assert_cmpstr (id->mac_address, ==, identities[i].mac);
      g_assert_cmpuint (id->n_channels, ==, identities[i].n_channels);
      g_assert_cmpstr (id->suggested_type, ==, identities[i].type);
      g_assert_cmpint (aether_device_identity_has_capability (id, "power_monitoring"), ==, strchr (identities[i].caps, 'M') != NULL);
      g_assert_cmpint (aether_device_identity_has_capability (id, "energy_metering"), ==, strchr (identities[i].caps, 'M') != NULL);
      g_assert_cmpint (aether_device_identity_has_capability (id, "on_off_control"), ==, strchr (identities[i].caps, 'S') != NULL);
    }
}

static void
test_meterless_and_protected_devices_say_so (void)
{
  g_autoptr(Fake) mini = fake_new ("aioshelly_mini_1_gen4_Shelly.GetDeviceInfo.json+aioshelly_mini_1_gen4_Shelly.GetStatus.json");
  g_autoptr(Fake) plus2pm = fake_new ("aioshelly_plus_2pm_shelly.json+");
  g_autoptr(Fake) emmini = fake_new ("matterbridge_shellyemminig4-D885ACEF41A8.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autoptr(AetherDeviceIdentity) id = NULL;

  /* Switchable, not measurable: never 0 W. */
  samples = poll_fake (mini, NULL, &error);
  g_assert_null (samples);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "has no power meter"));
  g_clear_error (&error);

  /* `auth_en` in /shelly: asked for the password before anything else. */
  id = probe_fake (plus2pm, NULL, &error);
  g_assert_null (id);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED);
  g_assert_nonnull (strstr (error->message, "Settings → Authentication"));
  g_clear_error (&error);

  id = probe_fake (emmini, NULL, &error);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED);
  g_clear_error (&error);
  id = probe_fake (emmini, "any", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id->model, ==, "S4EM-001PXCEU16");
  g_assert_cmpuint (id->n_channels, ==, 1);
}

static void
test_digest_authentication (void)
{
  g_autoptr(Fake) fake = fake_new ("aioshelly_plus_plug_s_SNPL-00112EU_fw1.1.0_dump.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;

  fake->password = g_strdup ("s3cret");

  /* Without the password: a clear error. */
  samples = poll_fake (fake, NULL, &error);
  g_assert_null (samples);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED);
  g_clear_error (&error);

  /* A wrong one is refused too; the right one reads. */
  samples = poll_fake (fake, "wrong", &error);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED);
  g_clear_error (&error);
  samples = poll_fake (fake, "s3cret", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_POWER, 0), ==, 2.7);
}

static void
assert_requests (Fake              *fake,
                 const char * const *want)
{
  for (guint i = 0; i < fake->authorizations->len; i++)
    g_test_message ("request %u: %s", i, (char *)g_ptr_array_index (fake->authorizations, i));
  g_assert_cmpuint (fake->authorizations->len, ==, g_strv_length ((char **)want));
  /* "PATH " is a request without an Authorization header. */
  for (guint i = 0; want[i] != NULL; i++)
    if (g_str_has_suffix (want[i], " "))
      g_assert_cmpstr (g_ptr_array_index (fake->authorizations, i), ==, want[i]);
    else
      g_assert_true (g_str_has_prefix (g_ptr_array_index (fake->authorizations, i), want[i]));
}

/* Credentials go only where they are asked for, in the scheme asked for:
 * never a Basic header (the password in plain text) to a Gen2 device, which
 * challenges with Digest, nor to a device that does not ask at all. */
static void
test_credentials_only_when_challenged (void)
{
  g_autoptr(Fake) gen2 = fake_new ("aioshelly_plus_plug_s_SNPL-00112EU_fw1.1.0_dump.json");
  g_autoptr(Fake) gen1 = fake_new ("aioshelly_gen1_plug_s_SHPLG-S_fw1.14.0_dump.json");
  g_autoptr(Fake) open = fake_new ("aioshelly_plus_1pm_SNSW-001P16EU_fw1.1.0_dump.json");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = NULL;
  g_autofree char *basic = NULL;
  const char *gen2_want[] = { "/shelly ", "/rpc/Shelly.GetStatus ", "/rpc/Shelly.GetStatus Digest username=\"admin\"", NULL };
  const char *gen1_want[] = { "/shelly ", "/status ", NULL, NULL };
  const char *open_want[] = { "/shelly ", "/rpc/Shelly.GetStatus ", NULL };

  gen2->password = g_strdup ("s3cret");
  samples = poll_fake (gen2, "s3cret", &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_POWER, 0), ==, 2.7);
  assert_requests (gen2, gen2_want);
  /* The first ask of each request carries nothing; the answer is Digest. */
  g_assert_cmpstr (g_ptr_array_index (gen2->authorizations, 1), ==, "/rpc/Shelly.GetStatus ");
  g_clear_pointer (&samples, g_array_unref);

  /* A first-generation device challenges with Basic: answered with Basic. */
  gen1->basic_password = g_strdup ("pw1");
  basic = g_strdup_printf ("/status Basic %s", "YWRtaW46cHcx");   /* admin:pw1 */
  gen1_want[2] = basic;
  samples = poll_fake (gen1, "pw1", &error);
  g_assert_no_error (error);
  assert_requests (gen1, gen1_want);
  g_assert_cmpstr (g_ptr_array_index (gen1->authorizations, 2), ==, basic);
  g_clear_pointer (&samples, g_array_unref);

  /* A password configured for a device that does not ask: never sent. */
  samples = poll_fake (open, "s3cret", &error);
  g_assert_no_error (error);
  assert_requests (open, open_want);
  for (guint i = 0; i < open->authorizations->len; i++)
    g_assert_null (strstr (g_ptr_array_index (open->authorizations, i), "Basic"));
}

/* `aetherlens-cli devices add`, run as a person would, against a device
 * that answers a byte at a time and never finishes: it ends, failed. */
static void
run_cli_add (const char  *plugin,
             const char  *address,
             char       **err)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-drip-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *plugin_arg = g_strdup_printf ("--plugin=%s", plugin);
  g_autofree char *address_arg = g_strdup_printf ("ip_address=%s", address);

  g_assert_cmpint (aether_test_run_cli_in_loop (db, NULL, err, "devices", "add", plugin_arg, "--name=Drip",
                                                "--config", address_arg, "--config", "timeout_seconds=1", NULL), ==, 1);
  aether_test_remove_dir (dir);
}

static void
test_dripping_device_add_ends (void)
{
  g_autoptr(AetherTestDripServer) drip =
    aether_test_drip_server_new ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 1000000\r\n\r\n{", -1);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", aether_test_drip_server_get_port (drip));
  g_autofree char *err = NULL;

  run_cli_add ("shelly", address, &err);
  g_assert_nonnull (strstr (err, address));
  g_assert_nonnull (strstr (err, "did not answer in time (within 1 s)"));
}

/* A poll of a dripping device ends at its timeout as a failed poll; the
 * device is offline, not stuck. */
static void
test_dripping_device_poll_times_out (void)
{
  g_autoptr(AetherTestDripServer) drip =
    aether_test_drip_server_new ("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n{\"shelly\": ", -1);
  g_autofree char *json = g_strdup_printf ("{\"plugin\": \"shelly\", \"ip_address\": \"127.0.0.1:%u\", "
                                           "\"plugin_config\": {\"polling_interval\": 2, \"timeout_seconds\": 1}}",
                                           aether_test_drip_server_get_port (drip));
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(AetherCollector) collector = aether_collector_new (aether_clock_get_system ());
  g_autoptr(GError) error = NULL;
  const AetherDeviceStatus *status;
  gint64 started = g_get_monotonic_time ();

  g_assert_true (aether_collector_add_device (collector, "drip", provider, json_node_get_object (node), &error));
  g_assert_no_error (error);
  aether_collector_start (collector);
  while (aether_collector_get_n_polls (collector) == 0)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("the poll ended after %.1f s", (g_get_monotonic_time () - started) / 1e6);

  status = aether_collector_get_status (collector, "drip");
  g_assert_false (status->online);
  g_assert_cmpuint (status->consecutive_errors, ==, 1);
  g_assert_nonnull (strstr (status->last_error, "did not answer"));
  g_assert_true (aether_collector_stop (collector, NULL));
}

typedef struct
{
  AetherClock     *clock;
  AetherCollector *collector;
  double           energy_wh;
  guint            n_energy;
} Collecting;

static void
on_reading (AetherCollector *collector,
            AetherReading   *reading,
            Collecting      *c)
{
  if (g_str_equal (reading->metric_type, "energy"))
    {
      c->energy_wh = reading->value;
      c->n_energy++;
    }
}

/* One poll a second on the manual clock, each answered by the fake plug
 * with its counter at @total_wh. */
static void
poll_with_counter (Collecting *c,
                   Fake       *fake,
                   double      total_wh)
{
  guint n = aether_collector_get_n_polls (c->collector);

  g_free (fake->raw_status);
  fake->raw_status = g_strdup_printf ("{\"switch:0\": {\"apower\": 120.0, \"aenergy\": {\"total\": %.3f}}}", total_wh);
  aether_clock_advance_us (c->clock, G_USEC_PER_SEC);
  while (aether_collector_get_n_polls (c->collector) == n)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (aether_collector_get_status (c->collector, "plug")->online);
}

static void
collecting_start (Collecting *c,
                  Fake       *fake)
{
  g_autofree char *json = g_strdup_printf ("{\"plugin\": \"shelly\", \"ip_address\": \"%s\", "
                                           "\"plugin_config\": {\"polling_interval\": 1, \"timeout_seconds\": 2}}",
                                           fake->host);
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;

  c->clock = aether_clock_new_manual (G_GINT64_CONSTANT (1705312800) * G_USEC_PER_SEC);
  c->collector = aether_collector_new (c->clock);
  g_signal_connect (c->collector, "reading", G_CALLBACK (on_reading), c);
  g_assert_true (aether_collector_add_device (c->collector, "plug", provider, json_node_get_object (node), &error));
  g_assert_no_error (error);
  /* A plug rated 16 A at 230 V. */
  aether_collector_set_max_power (c->collector, "plug", 2 * 3680.0);
  aether_collector_start (c->collector);
}

static void
collecting_stop (Collecting *c)
{
  g_assert_true (aether_collector_stop (c->collector, NULL));
  g_clear_object (&c->collector);
  g_clear_object (&c->clock);
}

/* The audit's hostile plugs, through the collector: a counter that jumps
 * by 10¹² Wh between two polls (stored as real, it cost 2.2e8 USD in a
 * minute) and a counter flapping between two values for 75 s (a reset
 * counted each time, 4.2e7 kWh) are not energy; it is said once. */
static void
test_counter_jump_and_flap_are_not_energy (void)
{
  g_autoptr(Fake) fake = fake_new ("aioshelly_plus_plug_s_SNPL-00112EU_fw1.1.0_dump.json");
  Collecting c = { 0 };

  collecting_start (&c, fake);
  poll_with_counter (&c, fake, 7258.589);
  poll_with_counter (&c, fake, 7258.623);
  poll_with_counter (&c, fake, 1e12 + 7258.623);
  g_assert_cmpuint (aether_test_log_count ("Device plug: its energy counter jumped to 1e+12 Wh in 1 s, more than the device can draw"), ==, 1);
  for (guint i = 1; i <= 10; i++)
    poll_with_counter (&c, fake, 1e12 + 7258.623 + 0.033 * i);
  g_test_message ("after the jump: %.3f Wh", c.energy_wh);
  g_assert_cmpuint (aether_test_log_count ("jumped"), ==, 1);   /* once, not every poll */
  g_assert_cmpfloat_with_epsilon (c.energy_wh, 0.034 + 0.33, 1e-3);
  g_assert_cmpuint (aether_collector_get_n_implausible (c.collector, "plug"), ==, 1);
  collecting_stop (&c);

  collecting_start (&c, fake);
  poll_with_counter (&c, fake, 7258.589);
  aether_test_clear_log ();
  for (guint i = 1; i <= 75; i++)
    poll_with_counter (&c, fake, i % 2 == 1 ? 1.14e9 : 7258.589);
  g_assert_cmpuint (aether_test_log_count ("Device plug: its energy counter jumped"), ==, 1);
  g_test_message ("after 75 s of flapping: %.3f Wh, %u resets", c.energy_wh,
                  aether_collector_get_n_resets (c.collector, "plug"));
  g_assert_cmpfloat (c.energy_wh, ==, 0);
  g_assert_cmpuint (aether_collector_get_n_resets (c.collector, "plug"), <=, 1);
  collecting_stop (&c);
}

static void
test_hostile_devices_give_clear_errors (void)
{
  static const struct { const char *status; int code; const char *says; gboolean gen1; } cases[] = {
    { "{\"switch:0\": {\"apower\": 12", AETHER_ERROR_INVALID_DATA, "not JSON" },
    { "{\"switch:0\": {\"apower\": \"NaN\"}}", AETHER_ERROR_INVALID_DATA, "sent “NaN” for apower" },
    { "{\"switch:0\": {\"apower\": 5, \"aenergy\": {\"total\": \"lots\"}}}", AETHER_ERROR_INVALID_DATA, "for total" },
    { "{\"sys\": {}}", AETHER_ERROR_UNSUPPORTED, "has no power meter" },
    { "{\"switch:0\": {\"output\": true}}", AETHER_ERROR_UNSUPPORTED, "has no power meter" },
    { "{\"switch:0\": {\"apower\": 5, \"output\": \"yes\"}}", AETHER_ERROR_INVALID_DATA,
      "something other than true or false for output" },
    { "{\"meters\": [{\"power\": 1}], \"relays\": [{\"ison\": 1}]}", AETHER_ERROR_INVALID_DATA,
      "something other than true or false for ison", TRUE },
    { "[1, 2, 3]", AETHER_ERROR_INVALID_DATA, "not an object" },
    { "{\"meters\": [{\"power\": \"12 W\"}]}", AETHER_ERROR_INVALID_DATA, "sent “12 W” for power", TRUE },
    { "{\"emeters\": [{\"power\": 1, \"voltage\": true}]}", AETHER_ERROR_INVALID_DATA, "sent “something else” for voltage", TRUE },
    { "{\"meters\": [{\"power\": 1, \"total\": 5", AETHER_ERROR_INVALID_DATA, "not JSON", TRUE },
    { "@401", AETHER_ERROR_AUTH_REQUIRED, "user name and password", TRUE },
    { "@401", AETHER_ERROR_AUTH_REQUIRED, "user name and password" },
    { "@500", AETHER_ERROR_FAILED, "answered HTTP 500" },
    { "@huge", AETHER_ERROR_INVALID_DATA, "sent more than 1024 KiB" },
    { "@hang", AETHER_ERROR_TIMED_OUT, "did not answer in time" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Fake) fake = fake_new (cases[i].gen1 ? "aioshelly_gen1_plug_s_SHPLG-S_fw1.14.0_dump.json"
                                                     : "aioshelly_plus_plug_s_SNPL-00112EU_fw1.1.0_dump.json");
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = NULL;

      fake->raw_status = g_strdup (cases[i].status);
      samples = poll_fake (fake, NULL, &error);
      g_assert_null (samples);
      g_assert_error (error, AETHER_ERROR, cases[i].code);
      if (strstr (error->message, cases[i].says) == NULL)
        g_error ("case %u: “%s” does not say “%s”", i, error->message, cases[i].says);
    }
}

static void
test_relay_control_both_generations (void)
{
  g_autoptr(Fake) gen1 = fake_new ("aioshelly_gen1_plug_s_SHPLG-S_fw1.14.0_dump.json");
  g_autoptr(Fake) gen2 = fake_new ("aioshelly_pro_4pm_SPSW-004PE16EU_fw1.0.3_dump.json");
  g_autoptr(JsonObject) c1 = config_for (gen1, NULL);
  g_autoptr(JsonObject) c2 = config_for (gen2, NULL);
  g_autoptr(GAsyncResult) r1 = NULL;
  g_autoptr(GAsyncResult) r2 = NULL;
  g_autoptr(GError) error = NULL;

  aether_device_provider_set_state_async (provider, c1, 0, FALSE, NULL, aether_test_store_result, &r1);
  g_assert_true (aether_device_provider_set_state_finish (provider, aether_test_wait_for (&r1), &error));
  g_assert_no_error (error);
  g_assert_false (gen1->relay_on);
  g_assert_cmpstr (gen1->last_path, ==, "/relay/0?turn=off");

  aether_device_provider_set_state_async (provider, c2, 2, FALSE, NULL, aether_test_store_result, &r2);
  g_assert_true (aether_device_provider_set_state_finish (provider, aether_test_wait_for (&r2), &error));
  g_assert_false (gen2->relay_on);
  g_assert_cmpstr (gen2->last_path, ==, "/rpc/Switch.Set?id=2&on=false");
}

/* The relay per recorded device and channel, read off each file: Gen1
 * relays[n].ison, Gen2+ switch:N.output; NAN where the device has no relay
 * there (a shutter, a 3EM Pro, a 2.5 in roller mode). */
static const struct {
  const char *file;
  guint       channel;
  double      relay;
} relays[] = {
  { "aioshelly_gen1_plug_s_SHPLG-S_fw1.14.0_dump.json", 0, 0 },
  { "matterbridge_shellyplug-s-4022D88349C4.json", 0, 1 },
  { "matterbridge_shellyem3-485519D732F4.json", 0, 0 },
  { "matterbridge_shellyswitch25-3494546BBF7E.json", 1, NAN },
  { "aioshelly_plus_plug_s_SNPL-00112EU_fw1.1.0_dump.json", 0, 1 },
  { "aioshelly_plus_1pm_SNSW-001P16EU_fw1.1.0_dump.json", 0, 0 },
  { "aioshelly_pro_4pm_SPSW-004PE16EU_fw1.0.3_dump.json", 3, 0 },
  { "aioshelly_pro_3em_SPEM-003CEBEU_fw1.1.0_dump.json", 0, NAN },
  { "matterbridge_shellypro1pm-EC62608AB9A4.json", 0, 1 },
  { "matterbridge_shellypstripg4-D885ACE52518.json", 2, 1 },
  { "matterbridge_shelly1pmg4-A085E3BD0544.json", 0, 0 },
  /* A relay without a meter beside two metered channels. */
  { "matterbridge_shellyemg3-84FCE636582C.json", 0, 0 },
  { "aioshelly_mini_1_gen4_Shelly.GetDeviceInfo.json+aioshelly_2pm_gen3_Shelly.GetStatus.json", 0, NAN },
};

static void
test_relay_state_is_read (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (relays); i++)
    {
      g_autoptr(Fake) fake = fake_new (relays[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) samples = poll_fake (fake, NULL, &error);

      g_test_message ("%s channel %u", relays[i].file, relays[i].channel);
      g_assert_no_error (error);
      aether_test_assert_value (aether_test_sample (samples, AETHER_METRIC_RELAY, relays[i].channel), relays[i].relay);
    }
}

static void
test_switching_off_is_read_back (void)
{
  static const struct { const char *file; guint channel; guint other; } cases[] = {
    { "matterbridge_shellyplug-s-4022D88349C4.json", 0, G_MAXUINT },
    { "matterbridge_shellypstripg4-D885ACE52518.json", 1, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Fake) fake = fake_new (cases[i].file);
      g_autoptr(JsonObject) c = config_for (fake, NULL);
      g_autoptr(GError) error = NULL;

      g_test_message ("%s channel %u", cases[i].file, cases[i].channel);
      for (guint round = 0; round < 2; round++)
        {
          gboolean on = round == 1;
          g_autoptr(GAsyncResult) result = NULL;
          g_autoptr(GArray) samples = NULL;

          aether_device_provider_set_state_async (provider, c, cases[i].channel, on, NULL, aether_test_store_result, &result);
          g_assert_true (aether_device_provider_set_state_finish (provider, aether_test_wait_for (&result), &error));
          g_assert_no_error (error);

          samples = poll_fake (fake, NULL, &error);
          g_assert_no_error (error);
          g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_RELAY, cases[i].channel), ==, on ? 1 : 0);
          /* The strip's other outlets stay as they were (recorded on). */
          if (cases[i].other != G_MAXUINT)
            g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_RELAY, cases[i].other), ==, 1);
        }
    }
}

static void
test_counter_going_backwards_is_a_reset (void)
{
  g_autoptr(Fake) fake = fake_new ("aioshelly_plus_plug_s_SNPL-00112EU_fw1.1.0_dump.json");
  g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (10 * G_USEC_PER_SEC);
  AetherEnergyStep step;
  g_autoptr(GError) error = NULL;

  {
    g_autoptr(GArray) samples = poll_fake (fake, NULL, &error);

    g_assert_no_error (error);
    aether_energy_meter_push_counter (meter, 0, aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), &step);
  }
  /* The same plug after a firmware reset of its counter. */
  fake->raw_status = g_strdup ("{\"switch:0\": {\"apower\": 2.7, \"aenergy\": {\"total\": 0.5}}}");
  {
    g_autoptr(GArray) samples = poll_fake (fake, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpfloat (aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), ==, 0.5);
    g_assert_true (aether_energy_meter_push_counter (meter, 10 * G_USEC_PER_SEC,
                                                     aether_test_sample (samples, AETHER_METRIC_ENERGY, 0), &step));
    g_assert_true (step.counter_reset);
    g_assert_cmpuint (aether_energy_meter_get_n_resets (meter), ==, 1);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *state = g_build_filename (g_get_tmp_dir (), "aether-shelly-plugins.ini", NULL);

  g_test_init (&argc, &argv, NULL);
  aether_test_record_log ();

  engine = aether_plugin_engine_new (state);
  aether_plugin_engine_load_all (engine);
  provider = aether_plugin_engine_get_provider (engine, "shelly", &error);
  g_assert_no_error (error);

  g_test_add_func ("/plugins/shelly/every-recorded-device-reads-right", test_every_recorded_device_reads_right);
  g_test_add_func ("/plugins/shelly/probe-fills-the-seed-fields", test_probe_fills_the_seed_fields);
  g_test_add_func ("/plugins/shelly/meterless-and-protected-devices-say-so", test_meterless_and_protected_devices_say_so);
  g_test_add_func ("/plugins/shelly/digest-authentication", test_digest_authentication);
  g_test_add_func ("/plugins/shelly/credentials-only-when-challenged", test_credentials_only_when_challenged);
  g_test_add_func ("/plugins/shelly/dripping-device-add-ends", test_dripping_device_add_ends);
  g_test_add_func ("/plugins/shelly/dripping-device-poll-times-out", test_dripping_device_poll_times_out);
  g_test_add_func ("/plugins/shelly/counter-jump-and-flap-are-not-energy", test_counter_jump_and_flap_are_not_energy);
  g_test_add_func ("/plugins/shelly/counter-going-backwards-is-a-reset", test_counter_going_backwards_is_a_reset);
  g_test_add_func ("/plugins/shelly/hostile-devices-give-clear-errors", test_hostile_devices_give_clear_errors);
  g_test_add_func ("/plugins/shelly/relay-control-both-generations", test_relay_control_both_generations);
  g_test_add_func ("/plugins/shelly/relay-state-is-read", test_relay_state_is_read);
  g_test_add_func ("/plugins/shelly/switching-off-is-read-back", test_switching_off_is_read_back);

  return g_test_run ();
}
