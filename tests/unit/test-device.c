/* test-device.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* AetherDevice and AetherCostRecord, the seed's Device and Cost Record
 * models: the seed's own examples read back field by field and round-trip
 * unchanged (keys this version does not know included); a malformed
 * record is refused with an error naming the member; a copy is deep; the
 * properties notify when they change (and only then). */

#include "config.h"

#include "aether-core.h"

static const char seed_device[] =
  "{\"device_id\": \"shelly-plug-office-01\", \"name\": \"Office Desk Plug\", \"type\": \"smart_plug\","
  " \"manufacturer\": \"Shelly\", \"model\": \"Plug S\","
  " \"location\": {\"room\": \"office\", \"floor\": 2, \"building\": \"main\","
  "   \"coordinates\": {\"lat\": 37.7749, \"lng\": -122.4194}},"
  " \"capabilities\": [\"power_monitoring\", \"on_off_control\", \"scheduling\", \"energy_metering\"],"
  " \"configuration\": {\"ip_address\": \"192.168.1.100\", \"mac_address\": \"AA:BB:CC:DD:EE:FF\","
  "   \"firmware_version\": \"1.12.2\", \"plugin\": \"shelly\","
  "   \"plugin_config\": {\"polling_interval\": 30, \"auth_method\": \"basic\", \"timeout_seconds\": 5}},"
  " \"metadata\": {\"installation_date\": \"2024-01-01T00:00:00Z\", \"warranty_expiry\": \"2026-01-01T00:00:00Z\","
  "   \"purchase_price\": 24.99, \"nominal_power\": 2500, \"tags\": [\"critical\", \"always_on\"]},"
  " \"status\": {\"online\": true, \"last_seen\": \"2024-01-15T10:30:00Z\", \"error_count\": 0,"
  "   \"total_runtime_hours\": 720}}";

static const char seed_cost_record[] =
  "{\"calculation_id\": \"calc-2024-01-15-001\", \"timestamp\": \"2024-01-15T10:30:00Z\","
  " \"device_id\": \"shelly-plug-office-01\","
  " \"period\": {\"start\": \"2024-01-15T10:00:00Z\", \"end\": \"2024-01-15T10:30:00Z\", \"duration_minutes\": 30},"
  " \"consumption\": {\"energy_kwh\": 0.0627, \"average_power_w\": 125.4, \"peak_power_w\": 145.2},"
  " \"cost_breakdown\": {\"energy_cost\": 0.015, \"demand_charge\": 0.0, \"taxes\": 0.0012, \"total\": 0.0162},"
  " \"rate_applied\": {\"rate_id\": \"utility-tou-summer-2024\", \"period\": \"off_peak\", \"rate_per_kwh\": 0.24},"
  " \"carbon_emissions\": {\"co2_kg\": 0.025, \"intensity_g_per_kwh\": 400}}";

static AetherDevice *
device_from (const char *text)
{
  g_autoptr(JsonNode) node = json_from_string (text, NULL);
  g_autoptr(GError) error = NULL;
  AetherDevice *device = aether_device_new_from_json (node, &error);

  g_assert_no_error (error);
  return device;
}

static void
test_device_seed (void)
{
  g_autoptr(AetherDevice) device = device_from (seed_device);
  g_autoptr(JsonNode) seed = json_from_string (seed_device, NULL);
  g_autoptr(JsonNode) back = NULL;
  const char * const *caps;
  gint64 floor = 0, interval = 0;

  g_assert_cmpstr (aether_device_get_id (device), ==, "shelly-plug-office-01");
  g_assert_cmpstr (aether_device_get_name (device), ==, "Office Desk Plug");
  g_assert_cmpstr (aether_device_get_device_type (device), ==, "smart_plug");
  g_assert_false (aether_device_get_is_energy_meter (device));
  g_assert_false (aether_device_get_is_imported (device));
  g_assert_cmpstr (aether_device_get_manufacturer (device), ==, "Shelly");
  g_assert_cmpstr (aether_device_get_model (device), ==, "Plug S");
  g_assert_cmpstr (aether_device_get_location_room (device), ==, "office");
  g_assert_true (aether_device_get_floor (device, &floor));
  g_assert_cmpint (floor, ==, 2);
  caps = aether_device_get_capabilities (device);
  g_assert_cmpuint (g_strv_length ((char **)caps), ==, 4);
  g_assert_cmpstr (caps[1], ==, "on_off_control");
  g_assert_true (aether_device_has_capability (device, "energy_metering"));
  g_assert_false (aether_device_has_capability (device, "dimming"));
  g_assert_cmpstr (aether_device_get_tags (device)[0], ==, "critical");
  g_assert_cmpstr (aether_device_get_plugin (device), ==, "shelly");
  g_assert_cmpstr (aether_device_get_address (device), ==, "192.168.1.100");
  g_assert_cmpstr (aether_device_get_mac_address (device), ==, "AA:BB:CC:DD:EE:FF");
  g_assert_cmpstr (aether_device_get_firmware_version (device), ==, "1.12.2");
  g_assert_cmpstr (aether_device_get_plugin_setting (device, "auth_method"), ==, "basic");
  g_assert_true (aether_device_get_polling_interval (device, &interval));
  g_assert_cmpint (interval, ==, 30);
  g_assert_cmpint (aether_device_get_channel (device), ==, -1);
  g_assert_cmpuint (g_strv_length ((char **)aether_device_get_keyring_keys (device)), ==, 0);
  g_assert_true (aether_device_is_at (device, "shelly", "192.168.1.100"));
  g_assert_false (aether_device_is_at (device, "shelly", "192.168.1.101"));

  {
    AetherDeviceRecordStatus status;

    g_assert_true (aether_device_get_status (device, &status));
    g_assert_true (status.online);
    g_assert_cmpstr (status.last_seen, ==, "2024-01-15T10:30:00Z");
    g_assert_cmpint (status.error_count, ==, 0);
    g_assert_cmpfloat (status.total_runtime_hours, ==, 720);
  }

  /* Every member round-trips, `status` and `coordinates` included. */
  back = aether_device_to_json (device);
  g_assert_true (json_node_equal (seed, back));
}

static void
test_device_channel_keyring (void)
{
  g_autoptr(AetherDevice) device = device_from (
    "{\"device_id\": \"em-2\", \"name\": \"Mains 2\", \"type\": \"energy_meter\","
    " \"configuration\": {\"plugin\": \"shelly\", \"plugin_config\": {\"channel\": 1, \"keyring\": [\"password\"]}}}");
  const char * const *keys;

  g_assert_true (aether_device_get_is_energy_meter (device));
  g_assert_cmpint (aether_device_get_channel (device), ==, 1);
  g_assert_null (aether_device_get_location_room (device));
  keys = aether_device_get_keyring_keys (device);
  g_assert_cmpuint (g_strv_length ((char **)keys), ==, 1);
  g_assert_cmpstr (keys[0], ==, "password");

  /* A secret moved to the keyring leaves the record. */
  aether_device_set_plugin_setting (device, "token", "s3cret");
  aether_device_add_keyring_key (device, "token");
  g_assert_null (aether_device_get_plugin_setting (device, "token"));
  keys = aether_device_get_keyring_keys (device);
  g_assert_cmpuint (g_strv_length ((char **)keys), ==, 2);
  g_assert_cmpstr (keys[1], ==, "token");
  aether_device_add_keyring_key (device, "token");
  g_assert_cmpuint (g_strv_length ((char **)aether_device_get_keyring_keys (device)), ==, 2);
}

static void
test_device_identity (void)
{
  g_autoptr(AetherDeviceIdentity) identity = aether_device_identity_new ();
  g_autoptr(JsonObject) config = json_object_new ();
  g_autoptr(GPtrArray) devices = NULL;
  const char * const caps[] = { "power_monitoring", "energy_metering", NULL };

  identity->n_channels = 3;
  identity->manufacturer = g_strdup ("Shelly");
  identity->capabilities = g_strdupv ((char **)caps);
  identity->suggested_type = g_strdup ("energy_meter");
  json_object_set_string_member (config, "plugin", "shelly");
  json_object_set_string_member (config, "ip_address", "10.0.0.7");

  devices = aether_device_list_from_identity (identity, "mains", "Mains", "Garage", config);
  g_assert_cmpuint (devices->len, ==, 3);
  for (guint i = 0; i < devices->len; i++)
    {
      AetherDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *id = g_strdup_printf ("mains-%u", i + 1);

      g_assert_cmpstr (aether_device_get_id (device), ==, id);
      g_assert_cmpint (aether_device_get_channel (device), ==, (int)i);
      g_assert_cmpstr (aether_device_get_location_room (device), ==, "Garage");
      g_assert_true (aether_device_is_at (device, "shelly", "10.0.0.7"));
      g_assert_true (aether_device_has_capability (device, "energy_metering"));
    }
}

static void
test_device_invalid (void)
{
  static const struct { const char *json; const char *field; } cases[] = {
    { "[1, 2]", "object" },
    { "{\"name\": \"A\", \"type\": \"smart_plug\"}", "“device_id” is missing" },
    { "{\"device_id\": \"\", \"name\": \"A\", \"type\": \"smart_plug\"}", "“device_id” must be a non-empty string" },
    { "{\"device_id\": \"a\", \"name\": 3, \"type\": \"smart_plug\"}", "“name”" },
    { "{\"device_id\": \"a\", \"name\": \"A\"}", "“type” is missing" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"location\": []}", "“location” must be an object" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"location\": {\"room\": 4}}", "“location.room”" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"location\": {\"floor\": 1.5}}", "“location.floor”" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"capabilities\": [\"ok\", 7]}", "“capabilities[1]”" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"configuration\": {\"ip_address\": true}}",
      "“configuration.ip_address”" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"configuration\": {\"plugin_config\": 1}}",
      "“configuration.plugin_config” must be an object" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"configuration\": {\"plugin_config\": {\"channel\": -1}}}",
      "“configuration.plugin_config.channel”" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"configuration\": {\"plugin_config\": {\"keyring\": \"pw\"}}}",
      "“configuration.plugin_config.keyring” must be an array" },
    { "{\"device_id\": \"a\", \"name\": \"A\", \"type\": \"x\", \"metadata\": {\"tags\": [null]}}", "“metadata.tags[0]”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(AetherDevice) device = aether_device_new_from_json (node, &error);

      g_assert_null (device);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
      if (strstr (error->message, cases[i].field) == NULL)
        g_error ("case %u: “%s” does not name %s", i, error->message, cases[i].field);
    }
}

static void
test_device_copy (void)
{
  g_autoptr(AetherDevice) device = device_from (seed_device);
  g_autoptr(AetherDevice) copy = aether_device_copy (device);
  const char * const tags[] = { "new", NULL };

  aether_device_set_name (copy, "Renamed");
  aether_device_set_location_room (copy, "Kitchen");
  aether_device_set_address (copy, "10.0.0.1");
  aether_device_set_tags (copy, tags);
  aether_device_set_polling_interval (copy, TRUE, 5);
  aether_device_set_floor (copy, FALSE, 0);
  aether_device_add_keyring_key (copy, "password");

  g_assert_cmpstr (aether_device_get_name (device), ==, "Office Desk Plug");
  g_assert_cmpstr (aether_device_get_location_room (device), ==, "office");
  g_assert_cmpstr (aether_device_get_address (device), ==, "192.168.1.100");
  g_assert_cmpstr (aether_device_get_tags (device)[0], ==, "critical");
  g_assert_true (aether_device_get_floor (device, NULL));
  g_assert_cmpuint (g_strv_length ((char **)aether_device_get_keyring_keys (device)), ==, 0);

  g_assert_cmpstr (aether_device_get_name (copy), ==, "Renamed");
  g_assert_cmpstr (aether_device_get_location_room (copy), ==, "Kitchen");
  g_assert_false (aether_device_get_floor (copy, NULL));
  g_assert_cmpstr (aether_device_get_tags (copy)[0], ==, "new");

  /* to_json is a copy too. */
  {
    g_autoptr(JsonNode) node = aether_device_to_json (device);

    json_object_set_string_member (json_node_get_object (node), "name", "Changed");
    g_assert_cmpstr (aether_device_get_name (device), ==, "Office Desk Plug");
  }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  GHashTable *counts = user_data;
  const char *name = g_param_spec_get_name (pspec);

  g_hash_table_insert (counts, (gpointer)name,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, name)) + 1));
}

#define N_NOTIFY(counts, name) GPOINTER_TO_UINT (g_hash_table_lookup (counts, name))

static void
test_device_notify (void)
{
  g_autoptr(AetherDevice) device = device_from (seed_device);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *room = NULL;
  gboolean meter = TRUE;
  int channel = 0;

  g_signal_connect (device, "notify", G_CALLBACK (count_notify), counts);

  aether_device_set_name (device, "Office Desk Plug");   /* unchanged */
  g_assert_cmpuint (N_NOTIFY (counts, "name"), ==, 0);
  aether_device_set_name (device, "Desk");
  g_assert_cmpuint (N_NOTIFY (counts, "name"), ==, 1);

  g_object_set (device, "room", "Study", NULL);
  g_object_set (device, "room", "Study", NULL);
  g_assert_cmpuint (N_NOTIFY (counts, "room"), ==, 1);
  g_object_get (device, "room", &room, "is-energy-meter", &meter, "channel", &channel, NULL);
  g_assert_cmpstr (room, ==, "Study");
  g_assert_false (meter);
  g_assert_cmpint (channel, ==, -1);

  aether_device_set_location_room (device, NULL);
  g_assert_cmpuint (N_NOTIFY (counts, "room"), ==, 2);
  g_assert_null (aether_device_get_location_room (device));

  aether_device_set_device_type (device, "energy_meter");
  g_assert_cmpuint (N_NOTIFY (counts, "device-type"), ==, 1);
  g_assert_cmpuint (N_NOTIFY (counts, "is-energy-meter"), ==, 1);
  aether_device_set_device_type (device, "smart_meter");
  g_assert_cmpuint (N_NOTIFY (counts, "is-energy-meter"), ==, 2);
  aether_device_set_device_type (device, "smart_plug");
  g_assert_cmpuint (N_NOTIFY (counts, "device-type"), ==, 3);
  g_assert_cmpuint (N_NOTIFY (counts, "is-energy-meter"), ==, 2);

  aether_device_set_address (device, "10.1.1.1");
  aether_device_set_address (device, "10.1.1.1");
  g_assert_cmpuint (N_NOTIFY (counts, "address"), ==, 1);
}

static void
test_cost_record_seed (void)
{
  g_autoptr(JsonNode) seed = json_from_string (seed_cost_record, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherCostRecord) record = aether_cost_record_new_from_json (seed, &error);
  g_autoptr(JsonNode) back = NULL;
  gint64 start = 0;

  g_assert_no_error (error);
  g_assert_true (aether_parse_timestamp ("2024-01-15T10:00:00Z", &start, NULL));
  g_assert_cmpstr (aether_cost_record_get_id (record), ==, "calc-2024-01-15-001");
  g_assert_cmpstr (aether_cost_record_get_device_id (record), ==, "shelly-plug-office-01");
  g_assert_cmpint (aether_cost_record_get_start (record), ==, start);
  g_assert_cmpint (aether_cost_record_get_end (record), ==, start + 30 * 60 * G_USEC_PER_SEC);
  g_assert_cmpint (aether_cost_record_get_timestamp (record), ==, start + 30 * 60 * G_USEC_PER_SEC);
  g_assert_cmpint (aether_cost_record_get_duration_minutes (record), ==, 30);
  g_assert_cmpfloat (aether_cost_record_get_energy_kwh (record), ==, 0.0627);
  g_assert_cmpfloat (aether_cost_record_get_average_power_w (record), ==, 125.4);
  g_assert_cmpfloat (aether_cost_record_get_peak_power_w (record), ==, 145.2);
  g_assert_cmpfloat (aether_cost_record_get_energy_cost (record), ==, 0.015);
  g_assert_cmpfloat (aether_cost_record_get_demand_charge (record), ==, 0.0);
  g_assert_cmpfloat (aether_cost_record_get_taxes (record), ==, 0.0012);
  g_assert_cmpfloat (aether_cost_record_get_total (record), ==, 0.0162);
  g_assert_cmpstr (aether_cost_record_get_rate_id (record), ==, "utility-tou-summer-2024");
  g_assert_cmpstr (aether_cost_record_get_rate_period (record), ==, "off_peak");
  g_assert_cmpfloat (aether_cost_record_get_rate_per_kwh (record), ==, 0.24);
  g_assert_cmpfloat (aether_cost_record_get_co2_kg (record), ==, 0.025);
  g_assert_cmpfloat (aether_cost_record_get_intensity_g_per_kwh (record), ==, 400);

  back = aether_cost_record_to_json (record);
  g_assert_true (json_node_equal (seed, back));
}

static void
test_cost_record_invalid (void)
{
  static const struct { const char *json; const char *field; } cases[] = {
    { "\"calc\"", "object" },
    { "{\"device_id\": \"d\", \"period\": {\"start\": \"2024-01-15T10:00:00Z\", \"end\": \"2024-01-15T10:30:00Z\"}}",
      "“calculation_id” is missing" },
    { "{\"calculation_id\": \"c\", \"period\": {\"start\": \"2024-01-15T10:00:00Z\", \"end\": \"2024-01-15T10:30:00Z\"}}",
      "“device_id” is missing" },
    { "{\"calculation_id\": \"c\", \"device_id\": \"d\"}", "“period” is missing" },
    { "{\"calculation_id\": \"c\", \"device_id\": \"d\", \"period\": {\"end\": \"2024-01-15T10:30:00Z\"}}",
      "“period.start” is missing" },
    { "{\"calculation_id\": \"c\", \"device_id\": \"d\", \"period\": {\"start\": \"yesterday\", \"end\": \"2024-01-15T10:30:00Z\"}}",
      "“period.start” is not a time" },
    { "{\"calculation_id\": \"c\", \"device_id\": \"d\", \"period\": {\"start\": \"2024-01-15T11:00:00Z\", \"end\": \"2024-01-15T10:30:00Z\"}}",
      "“period.end” is before" },
    { "{\"calculation_id\": \"c\", \"device_id\": \"d\", \"period\": {\"start\": \"2024-01-15T10:00:00Z\", \"end\": \"2024-01-15T10:30:00Z\"},"
      " \"consumption\": {\"energy_kwh\": \"lots\"}}", "“consumption.energy_kwh” must be a number" },
    { "{\"calculation_id\": \"c\", \"device_id\": \"d\", \"period\": {\"start\": \"2024-01-15T10:00:00Z\", \"end\": \"2024-01-15T10:30:00Z\"},"
      " \"cost_breakdown\": [1]}", "“cost_breakdown” must be an object" },
    { "{\"calculation_id\": \"c\", \"device_id\": \"d\", \"period\": {\"start\": \"2024-01-15T10:00:00Z\", \"end\": \"2024-01-15T10:30:00Z\"},"
      " \"rate_applied\": {\"rate_id\": 5}}", "“rate_applied.rate_id”" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (cases[i].json, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(AetherCostRecord) record = aether_cost_record_new_from_json (node, &error);

      g_assert_null (record);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
      if (strstr (error->message, cases[i].field) == NULL)
        g_error ("case %u: “%s” does not name %s", i, error->message, cases[i].field);
    }
}

static void
test_cost_record_copy_notify (void)
{
  g_autoptr(JsonNode) seed = json_from_string (seed_cost_record, NULL);
  g_autoptr(AetherCostRecord) record = aether_cost_record_new_from_json (seed, NULL);
  g_autoptr(AetherCostRecord) copy = aether_cost_record_copy (record);
  g_autoptr(GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);
  double total = 0;

  g_signal_connect (copy, "notify", G_CALLBACK (count_notify), counts);
  aether_cost_record_set_total (copy, 0.0162);
  g_assert_cmpuint (N_NOTIFY (counts, "total"), ==, 0);
  aether_cost_record_set_total (copy, 1.5);
  g_assert_cmpuint (N_NOTIFY (counts, "total"), ==, 1);
  g_object_get (copy, "total", &total, NULL);
  g_assert_cmpfloat (total, ==, 1.5);
  g_assert_cmpfloat (aether_cost_record_get_total (record), ==, 0.0162);
  g_assert_cmpint (aether_cost_record_get_start (copy), ==, aether_cost_record_get_start (record));
}

/* What the tariff engine writes reads back typed. */
static void
test_cost_record_list (void)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (nodes, json_from_string (seed_cost_record, NULL));
  g_ptr_array_add (nodes, json_from_string (seed_cost_record, NULL));
  records = aether_cost_record_list_from_json (nodes, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (records->len, ==, 2);

  g_ptr_array_add (nodes, json_from_string ("{\"calculation_id\": \"x\"}", NULL));
  g_clear_pointer (&records, g_ptr_array_unref);
  records = aether_cost_record_list_from_json (nodes, &error);
  g_assert_null (records);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/device/seed", test_device_seed);
  g_test_add_func ("/device/channel-keyring", test_device_channel_keyring);
  g_test_add_func ("/device/identity", test_device_identity);
  g_test_add_func ("/device/invalid", test_device_invalid);
  g_test_add_func ("/device/copy", test_device_copy);
  g_test_add_func ("/device/notify", test_device_notify);
  g_test_add_func ("/cost-record/seed", test_cost_record_seed);
  g_test_add_func ("/cost-record/invalid", test_cost_record_invalid);
  g_test_add_func ("/cost-record/copy-notify", test_cost_record_copy_notify);
  g_test_add_func ("/cost-record/list", test_cost_record_list);

  return g_test_run ();
}
