/* test-api.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The local HTTP API, served by the real AetherApiServer on 127.0.0.1 (an
 * ephemeral port) for the real service, asked by a real libsoup client:
 * a store with two known hours of a plug (1 Wh every 10 s) priced by a flat
 * tariff, the plug a fake Tasmota on 127.0.0.1 that switches. Every status
 * code (401 without, with a bad, expired or revoked token; 403 without the
 * permission; 404; 400 naming the parameter; 405; 413; 414) and every
 * endpoint's JSON, Prometheus text, and a switch through the API. And
 * `aetherlens-cli collect --api`. */

#include "config.h"

#include <libsoup/soup.h>
#include <math.h>

#include "aether-core.h"
#include "aether-test-util.h"

#define T0 G_GINT64_CONSTANT (1705312800)   /* 2024-01-15 10:00:00 UTC */
#define US(s) ((gint64)(s) * G_USEC_PER_SEC)
#define PLUG "desk-plug"

#define FLAT \
  "{\"rate_id\": \"flat\", \"plan_name\": \"Flat\", \"effective_date\": \"2020-01-01\"," \
  " \"currency\": \"EUR\", \"time_zones\": \"UTC\", \"rate_structure\": {\"type\": \"flat\"," \
  " \"periods\": [{\"name\": \"all_day\", \"rate\": 0.25, \"days\": [\"all\"], \"hours\": \"00:00-24:00\"}]}}"

typedef struct
{
  char            *dir;
  char            *db;
  AetherClock     *clock;
  AetherService   *service;
  AetherApiServer *api;
  AetherTestPlug  *plug;      /* a fake Tasmota plug */
  SoupSession     *session;
  char            *all;        /* a token with every permission */
  char            *base;       /* http://127.0.0.1:PORT */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *every[] = { AETHER_API_READ_METRICS, AETHER_API_READ_DEVICES, AETHER_API_READ_COSTS,
                          AETHER_API_WRITE_DEVICES, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(JsonNode) device = NULL;
  g_autoptr(JsonNode) schedule = json_from_string (FLAT, NULL);
  g_autofree char *json = NULL;
  g_autofree char *id = NULL;
  AetherStore *store;
  guint port;

  f->dir = g_dir_make_tmp ("aether-api-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (US (T0 + 2 * 3600));

  f->plug = aether_test_plug_new ();
  port = aether_test_plug_get_port (f->plug);

  f->service = aether_service_new (f->db, f->clock, &error);
  g_assert_no_error (error);
  store = aether_service_get_store (f->service);
  json = g_strdup_printf ("{\"device_id\": \"" PLUG "\", \"name\": \"Desk \\\"Plug\\\"\", \"type\": \"smart_plug\","
                          " \"location\": {\"room\": \"Office\"}, \"status\": {\"online\": true},"
                          " \"configuration\": {\"plugin\": \"tasmota\", \"ip_address\": \"127.0.0.1:%u\","
                          " \"plugin_config\": {\"username\": \"admin\", \"password\": \"hunter2\","
                          " \"timeout_seconds\": 2}}}", port);
  device = json_from_string (json, &error);
  g_assert_no_error (error);
  g_assert_true (aether_store_put_device (store, device, &error));
  g_assert_no_error (error);
  id = aether_service_add_rate_schedule (f->service, schedule, FALSE, &error);
  g_assert_no_error (error);
  aether_service_load (f->service, &error);
  g_assert_no_error (error);

  /* Two hours: 1 Wh every 10 s (360 W). */
  for (gint64 t = T0; t < T0 + 2 * 3600; t += 10)
    {
      AetherReading energy = { US (t), (char *)PLUG, (char *)"energy", (double)(t - T0) / 10, (char *)"Wh" };
      AetherReading power = { US (t), (char *)PLUG, (char *)"power", 360, (char *)"W" };

      g_array_append_val (readings, energy);
      g_array_append_val (readings, power);
    }
  g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_no_error (error);
  g_assert_true (aether_store_maintain (store, US (T0 + 2 * 3600), NULL, &error));
  g_assert_no_error (error);

  f->all = aether_service_create_api_token (f->service, "Everything", every, NULL, NULL, &error);
  g_assert_no_error (error);

  f->api = aether_api_server_new (f->service);
  g_assert_true (aether_api_server_listen (f->api, "127.0.0.1:0", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (aether_api_server_get_port (f->api), >, 0);
  f->base = g_strdup_printf ("http://127.0.0.1:%u", aether_api_server_get_port (f->api));
  f->session = soup_session_new ();
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->api);
  if (f->service != NULL)
    aether_service_stop (f->service, NULL);
  g_clear_object (&f->service);
  g_clear_pointer (&f->plug, aether_test_plug_free);
  g_clear_object (&f->clock);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  aether_test_remove_dir (f->dir);
  g_free (f->all);
  g_free (f->base);
  g_free (f->dir);
  g_free (f->db);
}

/* One request; its status, and its body as text. */
static char *
request_full (Fixture      *f,
              const char   *method,
              const char   *path,
              const char   *token,
              const char   *auth_header,
              const char   *body,
              gssize        content_length,
              guint        *status,
              SoupMessage **kept)
{
  g_autofree char *uri = g_strconcat (f->base, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *header = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", header);
    }
  if (auth_header != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth_header);
  if (body != NULL)
    {
      g_autoptr(GBytes) content = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", content);
      if (content_length >= 0)
        soup_message_headers_set_content_length (soup_message_get_request_headers (msg), content_length);
    }
  soup_session_send_and_read_async (f->session, msg, G_PRIORITY_DEFAULT, NULL, aether_test_store_result, &result);
  bytes = soup_session_send_and_read_finish (f->session, aether_test_wait_for (&result), &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (msg);
  if (kept != NULL)
    *kept = g_object_ref (msg);
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

static char *
request (Fixture    *f,
         const char *method,
         const char *path,
         const char *token,
         const char *body,
         guint      *status)
{
  return request_full (f, method, path, token, NULL, body, -1, status, NULL);
}

/* A JSON answer with @want. */
static JsonNode *
get_json (Fixture    *f,
          const char *method,
          const char *path,
          const char *token,
          const char *body,
          guint       want)
{
  guint status = 0;
  g_autofree char *text = request (f, method, path, token, body, &status);
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  if (status != want)
    g_error ("%s %s: %u, not %u: %s", method, path, status, want, text);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

/* An error with @want whose message holds @needle. */
static void
assert_error (Fixture    *f,
              const char *method,
              const char *path,
              const char *token,
              const char *body,
              guint       want,
              const char *needle)
{
  g_autoptr(JsonNode) node = get_json (f, method, path, token, body, want);
  const char *message = aether_json_get_string (json_node_get_object (node), "error");

  g_assert_nonnull (message);
  if (needle != NULL && strstr (message, needle) == NULL)
    g_error ("%s %s: “%s” does not say “%s”", method, path, message, needle);
}

static char *
token_with (Fixture    *f,
            const char *permission,
            const char *expires,
            char      **id)
{
  const char *permissions[] = { permission, NULL };
  g_autoptr(GError) error = NULL;
  char *secret = aether_service_create_api_token (f->service, "Some", permissions, expires, id, &error);

  g_assert_no_error (error);
  return secret;
}

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *devices_only = token_with (f, AETHER_API_READ_DEVICES, NULL, NULL);
  g_autofree char *expiring = token_with (f, AETHER_API_READ_DEVICES, "2024-01-16", NULL);
  g_autofree char *revoked_id = NULL;
  g_autofree char *revoked = token_with (f, AETHER_API_READ_DEVICES, NULL, &revoked_id);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherUser) user = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) ok = NULL;
  AetherApiToken token;
  guint status = 0;

  /* Without a token, with another scheme, with a wrong one. */
  text = request_full (f, "GET", "/api/v1/devices", NULL, NULL, NULL, -1, &status, &msg);
  g_assert_cmpuint (status, ==, 401);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "WWW-Authenticate"), ==, "Bearer");
  g_assert_nonnull (strstr (text, "Authorization: Bearer"));
  g_clear_pointer (&text, g_free);
  text = request_full (f, "GET", "/api/v1/devices", NULL, "Basic YWRtaW46YWRtaW4=", NULL, -1, &status, NULL);
  g_assert_cmpuint (status, ==, 401);
  assert_error (f, "GET", "/api/v1/devices", "aetherlens_0000", NULL, 401, "not known");
  assert_error (f, "GET", "/metrics", NULL, NULL, 401, NULL);

  /* Under-privileged: 403 naming what it lacks, on every endpoint. */
  assert_error (f, "GET", "/api/v1/metrics?device_id=" PLUG, devices_only, NULL, 403, "read:metrics");
  assert_error (f, "GET", "/metrics", devices_only, NULL, 403, "read:metrics");
  assert_error (f, "GET", "/api/v1/energy", devices_only, NULL, 403, "read:costs");
  assert_error (f, "GET", "/api/v1/costs", devices_only, NULL, 403, "read:costs");
  assert_error (f, "POST", "/api/v1/devices/" PLUG "/state", devices_only, "{\"on\": false}", 403, "write:devices");
  g_assert_cmpstr (aether_test_plug_get_commands (f->plug), ==, "");
  ok = get_json (f, "GET", "/api/v1/devices", devices_only, NULL, 200);

  /* Expired, once the clock passes its day. */
  g_clear_pointer (&ok, json_node_unref);
  ok = get_json (f, "GET", "/api/v1/devices", expiring, NULL, 200);
  aether_clock_advance_us (f->clock, US (86400));
  assert_error (f, "GET", "/api/v1/devices", expiring, NULL, 401, "expired");

  /* Revoked: refused from the next request on. */
  g_clear_pointer (&ok, json_node_unref);
  ok = get_json (f, "GET", "/api/v1/devices", revoked, NULL, 200);
  g_assert_true (aether_service_revoke_api_token (f->service, revoked_id, &error));
  g_assert_no_error (error);
  assert_error (f, "GET", "/api/v1/devices", revoked, NULL, 401, "not known");

  /* The token used is marked used. */
  user = aether_service_dup_api_tokens (f->service, &error);
  g_assert_no_error (error);
  for (guint i = 0; aether_user_get_api_token (user, i, &token); i++)
    if (g_str_equal (token.name, "Everything"))
      g_assert_null (token.last_used);
    else
      g_assert_nonnull (token.last_used);
}

static void
test_bad_requests (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GString) long_query = g_string_new ("/api/v1/metrics?device_id=" PLUG "&x=");
  g_autofree char *text = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  guint status = 0;

  assert_error (f, "GET", "/api/v2/devices", f->all, NULL, 404, "/api/v2/devices");
  assert_error (f, "GET", "/api/v1/devices/nothing-here", f->all, NULL, 404, "nothing-here");
  assert_error (f, "GET", "/api/v1/metrics?device_id=nothing-here", f->all, NULL, 404, "nothing-here");
  assert_error (f, "POST", "/api/v1/devices/nothing-here/state", f->all, "{\"on\": true}", 404, "nothing-here");
  assert_error (f, "GET", "/api/v1/metrics", f->all, NULL, 400, "device_id");
  assert_error (f, "GET", "/api/v1/metrics?device_id=" PLUG "&from=yesterday", f->all, NULL, 400, "from");
  assert_error (f, "GET", "/api/v1/metrics?device_id=" PLUG "&to=2024-13-45T00:00:00Z", f->all, NULL, 400, "to");
  assert_error (f, "GET", "/api/v1/metrics?device_id=" PLUG "&from=2024-01-15T12:00:00Z&to=2024-01-15T10:00:00Z",
                f->all, NULL, 400, "to");
  assert_error (f, "GET", "/api/v1/metrics?device_id=" PLUG "&points=0", f->all, NULL, 400, "points");
  assert_error (f, "GET", "/api/v1/metrics?device_id=" PLUG "&points=many", f->all, NULL, 400, "points");
  assert_error (f, "GET", "/api/v1/energy?group_by=planet", f->all, NULL, 400, "group_by");
  assert_error (f, "GET", "/api/v1/costs?from=2023-01-01T00:00:00Z", f->all, NULL, 400, "31");
  assert_error (f, "POST", "/api/v1/devices/" PLUG "/state", f->all, "{\"on\": \"yes\"}", 400, "on");
  assert_error (f, "POST", "/api/v1/devices/" PLUG "/state", f->all, "not json", 400, "on");
  assert_error (f, "POST", "/api/v1/devices/" PLUG "/state", f->all, "", 400, "on");

  /* The wrong method, with what to use. */
  text = request_full (f, "GET", "/api/v1/devices/" PLUG "/state", f->all, NULL, NULL, -1, &status, &msg);
  g_assert_cmpuint (status, ==, 405);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"), ==, "POST");
  assert_error (f, "DELETE", "/api/v1/devices/" PLUG, f->all, NULL, 405, "GET");

  /* Too big: refused before the body is read; a query too long. */
  {
    g_autofree char *big = g_strnfill (AETHER_API_MAX_BODY + 1, ' ');

    assert_error (f, "POST", "/api/v1/devices/" PLUG "/state", f->all, big, 413, "4096");
  }
  for (guint i = 0; i < AETHER_API_MAX_QUERY; i++)
    g_string_append_c (long_query, 'a');
  assert_error (f, "GET", long_query->str, f->all, NULL, 414, "2048");
  g_assert_cmpstr (aether_test_plug_get_commands (f->plug), ==, "");
}

static void
test_devices (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonNode) list = get_json (f, "GET", "/api/v1/devices", f->all, NULL, 200);
  g_autoptr(JsonNode) one = get_json (f, "GET", "/api/v1/devices/" PLUG, f->all, NULL, 200);
  g_autofree char *text = NULL;
  JsonObject *device;
  guint status;

  g_assert_true (JSON_NODE_HOLDS_ARRAY (list));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  device = json_array_get_object_element (json_node_get_array (list), 0);
  g_assert_cmpstr (aether_json_get_string (device, "device_id"), ==, PLUG);
  g_assert_cmpstr (aether_json_get_string (device, "name"), ==, "Desk \"Plug\"");
  g_assert_cmpstr (aether_json_get_string (aether_json_get_object (device, "location"), "room"), ==, "Office");
  g_assert_true (json_node_equal (one, json_array_get_element (json_node_get_array (list), 0)));

  /* Never a device's password. */
  text = request (f, "GET", "/api/v1/devices", f->all, NULL, &status);
  g_assert_null (strstr (text, "hunter2"));
  g_clear_pointer (&text, g_free);
  text = request (f, "GET", "/api/v1/devices/" PLUG, f->all, NULL, &status);
  g_assert_null (strstr (text, "hunter2"));
}

static double
member_double (JsonObject *object,
               const char *name)
{
  g_assert_true (json_object_has_member (object, name));
  return json_object_get_double_member (object, name);
}

static void
test_metrics (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(JsonNode) series = get_json (f, "GET", "/api/v1/metrics?device_id=" PLUG "&metric_type=power"
                                         "&from=2024-01-15T10:00:00Z&to=2024-01-15T12:00:00Z&points=2", f->all, NULL, 200);
  g_autoptr(JsonNode) fine = get_json (f, "GET", "/api/v1/metrics?device_id=" PLUG
                                       "&from=2024-01-15T11:00:00Z&to=2024-01-15T12:00:00Z", f->all, NULL, 200);
  JsonObject *object = json_node_get_object (series);
  JsonArray *buckets = json_object_get_array_member (object, "buckets");
  guint64 count = 0;

  /* The store's query, its tier chosen to fit the points. */
  g_assert_cmpstr (aether_json_get_string (object, "device_id"), ==, PLUG);
  g_assert_cmpstr (aether_json_get_string (object, "metric_type"), ==, "power");
  g_assert_cmpstr (aether_json_get_string (object, "tier"), ==, "1h");
  g_assert_cmpuint (json_array_get_length (buckets), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *b = json_array_get_object_element (buckets, i);

      g_assert_cmpfloat (member_double (b, "avg"), ==, 360);
      g_assert_cmpfloat (member_double (b, "min"), ==, 360);
      g_assert_cmpfloat (member_double (b, "max"), ==, 360);
      count += json_object_get_int_member (b, "count");
    }
  g_assert_cmpstr (aether_json_get_string (json_array_get_object_element (buckets, 0), "start"), ==, "2024-01-15T10:00:00Z");
  g_assert_cmpuint (count, ==, 720);

  /* The last hour (raw is kept an hour) without points (1000 at most):
   * every sample fits, raw. */
  g_assert_cmpstr (aether_json_get_string (json_node_get_object (fine), "tier"), ==, "raw");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (fine), "buckets")), ==, 360);
}

static double
store_energy_wh (Fixture *f,
                 double  *cost)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) totals = aether_store_energy_totals (aether_service_get_store (f->service), US (T0), US (T0 + 7200),
                                                            "device", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (totals->len, ==, 1);
  *cost = ((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->cost;
  return ((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->energy_wh;
}

static void
test_energy_and_costs (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(JsonNode) energy = get_json (f, "GET", "/api/v1/energy?from=2024-01-15T10:00:00Z&to=2024-01-15T12:00:00Z",
                                         f->all, NULL, 200);
  g_autoptr(JsonNode) by_room = get_json (f, "GET", "/api/v1/energy?from=2024-01-15T10:00:00Z&to=2024-01-15T12:00:00Z"
                                          "&group_by=room", f->all, NULL, 200);
  g_autoptr(JsonNode) today = get_json (f, "GET", "/api/v1/energy", f->all, NULL, 200);
  g_autoptr(JsonNode) costs = get_json (f, "GET", "/api/v1/costs?device_id=" PLUG "&from=2024-01-15T10:00:00Z"
                                        "&to=2024-01-15T12:00:00Z", f->all, NULL, 200);
  g_autoptr(JsonNode) all_costs = get_json (f, "GET", "/api/v1/costs?from=2024-01-15T10:00:00Z&to=2024-01-15T12:00:00Z",
                                            f->all, NULL, 200);
  JsonObject *object = json_node_get_object (energy);
  JsonObject *total;
  JsonArray *records;
  double stored_cost = 0;
  double wh = store_energy_wh (f, &stored_cost);
  double kwh = 0, money = 0;

  /* Two hours of 1 Wh every 10 s, as the store and `db energy` total them. */
  g_assert_cmpfloat (fabs (wh - 720), <=, 1);
  g_assert_cmpstr (aether_json_get_string (object, "group_by"), ==, "device");
  g_assert_cmpstr (aether_json_get_string (object, "from"), ==, "2024-01-15T10:00:00Z");
  total = json_array_get_object_element (json_object_get_array_member (object, "totals"), 0);
  g_assert_cmpstr (aether_json_get_string (total, "key"), ==, PLUG);
  g_assert_cmpfloat (fabs (member_double (total, "energy_kwh") - wh / 1000), <, 1e-9);
  g_assert_cmpfloat (fabs (member_double (total, "cost") - stored_cost), <, 1e-9);
  total = json_object_get_object_member (object, "total");
  g_assert_cmpfloat (fabs (member_double (total, "energy_kwh") - wh / 1000), <, 1e-9);
  g_assert_cmpstr (aether_json_get_string (json_array_get_object_element (json_object_get_array_member (json_node_get_object (by_room), "totals"), 0),
                                           "key"), ==, "Office");
  /* By default: today, from midnight to now. */
  g_assert_cmpstr (aether_json_get_string (json_node_get_object (today), "from"), ==, "2024-01-15T00:00:00Z");
  g_assert_cmpstr (aether_json_get_string (json_node_get_object (today), "to"), ==, "2024-01-15T12:00:00Z");

  /* Cost Records in the seed's shape, hour by hour, at the flat rate. */
  g_assert_cmpstr (aether_json_get_string (json_node_get_object (costs), "currency"), ==, "EUR");
  records = json_object_get_array_member (json_node_get_object (costs), "records");
  g_assert_cmpuint (json_array_get_length (records), >=, 2);
  for (guint i = 0; i < json_array_get_length (records); i++)
    {
      JsonObject *r = json_array_get_object_element (records, i);

      g_assert_cmpstr (aether_json_get_string (r, "device_id"), ==, PLUG);
      g_assert_nonnull (aether_json_get_string (r, "calculation_id"));
      g_assert_nonnull (aether_json_get_string (aether_json_get_object (r, "period"), "start"));
      g_assert_cmpstr (aether_json_get_string (aether_json_get_object (r, "rate_applied"), "rate_id"), ==, "flat");
      kwh += member_double (aether_json_get_object (r, "consumption"), "energy_kwh");
      money += member_double (aether_json_get_object (r, "cost_breakdown"), "total");
    }
  g_assert_cmpfloat (fabs (kwh - wh / 1000), <, 1e-5);
  g_assert_cmpfloat (fabs (money - wh / 1000 * 0.25), <, 1e-5);
  g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (costs), "records"),
                                  json_object_get_member (json_node_get_object (all_costs), "records")));
}

static void
test_prometheus (Fixture       *f,
                 gconstpointer  data)
{
  AetherReading now = { US (T0 + 2 * 3600), (char *)PLUG, (char *)"power", 42.5, (char *)"W" };
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *text = NULL;
  g_autofree char *energy_line = NULL;
  double cost = 0;
  double wh = store_energy_wh (f, &cost);
  guint status = 0;

  /* The power now, from what the collector last read. */
  aether_reading_sink_push (AETHER_READING_SINK (aether_service_get_hot_tier (f->service)), &now);

  text = request_full (f, "GET", "/metrics", f->all, NULL, NULL, -1, &status, &msg);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (g_str_has_prefix (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                                   "text/plain"));
  g_assert_nonnull (strstr (text, "# TYPE aetherlens_power_watts gauge\n"));
  g_assert_nonnull (strstr (text, "aetherlens_power_watts{device_id=\"" PLUG "\",name=\"Desk \\\"Plug\\\"\",room=\"Office\"} 42.5\n"));
  g_assert_nonnull (strstr (text, "# TYPE aetherlens_energy_watt_hours_total counter\n"));
  energy_line = g_strdup_printf ("aetherlens_energy_watt_hours_total{device_id=\"" PLUG "\",name=\"Desk \\\"Plug\\\"\","
                                 "room=\"Office\"} %g\n", wh);
  if (strstr (text, energy_line) == NULL)
    g_error ("No “%s” in:\n%s", energy_line, text);
  g_assert_nonnull (strstr (text, "# TYPE aetherlens_cost_today gauge\n"));
  g_assert_nonnull (strstr (text, "aetherlens_cost_today{device_id=\"" PLUG "\",name=\"Desk \\\"Plug\\\"\",room=\"Office\",currency=\"EUR\"} "));
  g_assert_nonnull (strstr (text, "aetherlens_device_online{device_id=\"" PLUG "\",name=\"Desk \\\"Plug\\\"\",room=\"Office\"} 1\n"));
}

static void
test_switch (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(JsonNode) off = get_json (f, "POST", "/api/v1/devices/" PLUG "/state", f->all, "{\"on\": false}", 200);
  g_autoptr(JsonNode) on = NULL;

  g_assert_cmpstr (aether_json_get_string (json_node_get_object (off), "device_id"), ==, PLUG);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (off), "on"));
  g_assert_cmpstr (aether_test_plug_get_power (f->plug), ==, "OFF");
  g_assert_nonnull (strstr (aether_test_plug_get_commands (f->plug), "Power Off"));

  on = get_json (f, "POST", "/api/v1/devices/" PLUG "/state", f->all, "{\"on\": true}", 200);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (on), "on"));
  g_assert_cmpstr (aether_test_plug_get_power (f->plug), ==, "ON");

  /* A plug that does not answer: a gateway error, not a hang. */
  aether_test_plug_disconnect (f->plug);
  assert_error (f, "POST", "/api/v1/devices/" PLUG "/state", f->all, "{\"on\": false}", 502, NULL);
}

static void
test_addresses (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  guint16 port = 1;

  g_assert_true (aether_api_parse_address ("127.0.0.1:8780", &host, &port, &error));
  g_assert_cmpstr (host, ==, "127.0.0.1");
  g_assert_cmpuint (port, ==, 8780);
  g_clear_pointer (&host, g_free);
  g_assert_true (aether_api_parse_address ("8780", &host, &port, &error));
  g_assert_cmpstr (host, ==, "127.0.0.1");
  g_clear_pointer (&host, g_free);
  g_assert_true (aether_api_parse_address ("[::1]:0", &host, &port, &error));
  g_assert_cmpstr (host, ==, "::1");
  g_assert_cmpuint (port, ==, 0);
  g_clear_pointer (&host, g_free);
  g_assert_true (aether_api_parse_address ("0.0.0.0:9000", &host, &port, &error));
  g_assert_cmpstr (host, ==, "0.0.0.0");
  g_clear_pointer (&host, g_free);

  for (guint i = 0; i < 4; i++)
    {
      static const char * const bad[] = { "localhost:80", "127.0.0.1:99999", "127.0.0.1:", "[::1]8080" };

      g_assert_false (aether_api_parse_address (bad[i], &host, &port, &error));
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i]));
      g_clear_error (&error);
    }
}

static void
test_cli_collect (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-api-cli-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "collect", "--api", "somewhere", "--duration", "1", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "somewhere"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "collect", "--api", "127.0.0.1:0", "--duration", "1", NULL), ==, 0);
  g_assert_nonnull (strstr (err, "Serving the local API on http://127.0.0.1:"));
  aether_test_remove_dir (dir);
}

/* `bench api` prints its figures (what they are is not a test's). */
static void
test_bench (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) report = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *endpoints;

  g_assert_cmpint (aether_test_run_cli (NULL, &out, &err, "bench", "api", "--requests", "3", NULL), ==, 0);
  report = json_from_string (out, &error);
  g_assert_no_error (error);
  endpoints = json_object_get_array_member (json_node_get_object (report), "endpoints");
  g_assert_cmpuint (json_array_get_length (endpoints), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (endpoints, i), "bytes"), >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/api/auth", Fixture, NULL, fixture_setup, test_auth, fixture_teardown);
  g_test_add ("/api/bad-requests", Fixture, NULL, fixture_setup, test_bad_requests, fixture_teardown);
  g_test_add ("/api/devices", Fixture, NULL, fixture_setup, test_devices, fixture_teardown);
  g_test_add ("/api/metrics", Fixture, NULL, fixture_setup, test_metrics, fixture_teardown);
  g_test_add ("/api/energy-and-costs", Fixture, NULL, fixture_setup, test_energy_and_costs, fixture_teardown);
  g_test_add ("/api/prometheus", Fixture, NULL, fixture_setup, test_prometheus, fixture_teardown);
  g_test_add ("/api/switch", Fixture, NULL, fixture_setup, test_switch, fixture_teardown);
  g_test_add_func ("/api/addresses", test_addresses);
  g_test_add_func ("/api/cli-collect", test_cli_collect);
  g_test_add_func ("/api/bench", test_bench);

  return g_test_run ();
}
