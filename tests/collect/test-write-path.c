/* test-write-path.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The faces' one write path for devices and alert rules: the real
 * `aetherlens-cli devices add` (AETHERLENS_CLI) on the simulator plugin,
 * aether-devices.c and aether-alerts-registry.c on a store, and the
 * service's wrappers, which reload what changed and say so once. The
 * service runs on a manual clock. */

#include "config.h"

#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

/* Monday 2024-01-15 12:00:00 UTC; the tests run with TZ=UTC. */
#define NOON G_GINT64_CONSTANT (1705320000)

typedef struct
{
  char          *dir;
  char          *db;
  AetherClock   *clock;
  AetherService *service;
  guint          devices_changed;
  guint          alerts_changed;
} Fixture;

static void
count (guint *counter)
{
  (*counter)++;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->service = aether_test_service_new ("write", NOON * G_USEC_PER_SEC, TRUE, &f->dir, &f->db, &f->clock);
  aether_service_load (f->service, &error);
  g_assert_no_error (error);
  aether_service_start (f->service);
  g_signal_connect_swapped (f->service, "devices-changed", G_CALLBACK (count), &f->devices_changed);
  g_signal_connect_swapped (f->service, "alerts-changed", G_CALLBACK (count), &f->alerts_changed);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  aether_test_service_destroy (&f->service, &f->clock, &f->dir, &f->db);
}

static int
run_cli (Fixture     *f,
         char       **err,
         const char  *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  va_list args;
  int status = -1;

  g_ptr_array_add (argv, (gpointer)g_getenv ("AETHERLENS_CLI"));
  g_assert_nonnull (argv->pdata[0]);
  g_ptr_array_add (argv, (gpointer)"--db");
  g_ptr_array_add (argv, f->db);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer)a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* The registry as text, device by device, without the times the store
 * keeps for itself. */
static char *
device_text (AetherStore *store,
             const char  *device_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) device = aether_store_get_device (store, device_id, &error);
  JsonObject *o;

  if (device == NULL)
    return NULL;
  o = json_node_get_object (device);
  if (json_object_has_member (o, "metadata"))
    json_object_remove_member (o, "metadata");
  if (json_object_has_member (o, "status"))
    json_object_remove_member (o, "status");
  return json_to_string (device, FALSE);
}

static guint
n_devices (AetherStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = aether_store_list_devices (store, &error);

  g_assert_no_error (error);
  return devices->len;
}

static const char *
sim_device_of (AetherStore *store,
               const char  *device_id)
{
  static char kind[64];
  g_autoptr(JsonNode) device = aether_store_get_device (store, device_id, NULL);
  JsonObject *config;

  g_assert_nonnull (device);
  config = json_object_get_object_member (json_object_get_object_member (json_node_get_object (device), "configuration"),
                                          "plugin_config");
  g_strlcpy (kind, json_object_get_string_member (config, "sim_device"), sizeof kind);
  return kind;
}

/* The bug: a second "Kitchen Plug" replaced the first. */
static void
test_cli_same_name_twice_makes_two_devices (Fixture       *f,
                                            gconstpointer  data)
{
  AetherStore *store = aether_service_get_store (f->service);
  g_autofree char *err = NULL;

  g_assert_cmpint (run_cli (f, NULL, "devices", "add", "--plugin", "simulator", "--name", "Kitchen Plug",
                            "--config", "sim_device=fridge", NULL), ==, 0);
  g_assert_cmpint (run_cli (f, &err, "devices", "add", "--plugin", "simulator", "--name", "Kitchen Plug",
                            "--config", "sim_device=tv", NULL), ==, 0);

  g_assert_cmpuint (n_devices (store), ==, 2);
  g_assert_cmpstr (sim_device_of (store, "kitchen-plug"), ==, "fridge");
  g_assert_cmpstr (sim_device_of (store, "kitchen-plug-2"), ==, "tv");

  /* A third goes on counting. */
  g_assert_cmpint (run_cli (f, NULL, "devices", "add", "--plugin", "simulator", "--name", "Kitchen Plug",
                            "--config", "sim_device=lights", NULL), ==, 0);
  g_assert_cmpuint (n_devices (store), ==, 3);
  g_assert_cmpstr (sim_device_of (store, "kitchen-plug"), ==, "fridge");
  g_assert_cmpstr (sim_device_of (store, "kitchen-plug-2"), ==, "tv");
  g_assert_cmpstr (sim_device_of (store, "kitchen-plug-3"), ==, "lights");
}

static void
test_cli_explicit_existing_id_is_refused (Fixture       *f,
                                          gconstpointer  data)
{
  AetherStore *store = aether_service_get_store (f->service);
  g_autofree char *err = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;

  g_assert_cmpint (run_cli (f, NULL, "devices", "add", "--plugin", "simulator", "--name", "Fridge",
                            "--id", "cold", "--config", "sim_device=fridge", NULL), ==, 0);
  before = device_text (store, "cold");
  g_assert_nonnull (before);

  g_assert_cmpint (run_cli (f, &err, "devices", "add", "--plugin", "simulator", "--name", "Telly",
                            "--id", "cold", "--config", "sim_device=tv", NULL), !=, 0);
  /* The error names the id that is taken. */
  g_assert_nonnull (strstr (err, "“cold”"));

  after = device_text (store, "cold");
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpuint (n_devices (store), ==, 1);
}

/* Records for a @n-channel simulated device named @name. */
static GPtrArray *
make_records (const char *id,
              const char *name,
              guint       n)
{
  AetherDeviceIdentity *identity = aether_device_identity_new ();
  g_autoptr(JsonNode) config = json_from_string ("{\"plugin\": \"simulator\","
                                                 " \"plugin_config\": {\"sim_device\": \"lights\"}}", NULL);
  GPtrArray *records;

  identity->manufacturer = g_strdup ("AetherLens");
  identity->model = g_strdup ("Simulated strip");
  identity->suggested_type = g_strdup ("smart_plug");
  identity->n_channels = n;
  g_strfreev (identity->capabilities);
  identity->capabilities = g_strsplit ("power_monitoring,on_off_control", ",", -1);
  records = aether_device_identity_to_devices (identity, id, name, "Office", json_node_get_object (config));
  aether_device_identity_free (identity);
  return records;
}

/* A failure half-way through a strip leaves no channel of it. */
static void
test_multi_channel_add_is_all_or_nothing (Fixture       *f,
                                          gconstpointer  data)
{
  AetherStore *store = aether_service_get_store (f->service);
  g_autoptr(GPtrArray) records = make_records ("strip", "Strip", 3);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  g_assert_cmpuint (records->len, ==, 3);
  /* The second channel is a record the store refuses. */
  json_object_remove_member (json_node_get_object (g_ptr_array_index (records, 1)), "type");

  id = aether_service_add_devices (f->service, records, "strip", FALSE, NULL, NULL, &error);
  g_assert_null (id);
  g_assert_nonnull (error);
  g_assert_cmpuint (n_devices (store), ==, 0);
  g_assert_null (aether_store_get_device (store, "strip-1", NULL));
  g_assert_cmpuint (aether_collector_get_n_devices (aether_service_get_collector (f->service)), ==, 0);
  g_assert_cmpuint (f->devices_changed, ==, 0);

  /* The same strip, whole: every channel, one signal. */
  g_clear_error (&error);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = make_records ("strip", "Strip", 3);
  id = aether_service_add_devices (f->service, records, "strip", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "strip");
  g_assert_cmpuint (n_devices (store), ==, 3);
  g_assert_cmpuint (aether_collector_get_n_devices (aether_service_get_collector (f->service)), ==, 3);
  g_assert_cmpuint (f->devices_changed, ==, 1);

  /* A second strip by that name: every one of its channels is new. */
  g_clear_pointer (&id, g_free);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = make_records ("strip", "Strip", 3);
  id = aether_service_add_devices (f->service, records, "strip", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "strip-2");
  g_assert_nonnull (aether_store_get_device (store, "strip-2-3", NULL));
  g_assert_cmpuint (n_devices (store), ==, 6);
  g_assert_cmpuint (f->devices_changed, ==, 2);
}

static void
test_update_changes_only_that_row (Fixture       *f,
                                   gconstpointer  data)
{
  AetherStore *store = aether_service_get_store (f->service);
  g_autoptr(GPtrArray) records = make_records ("pair", "Pair", 2);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *other_before = NULL;
  g_autofree char *other_after = NULL;
  g_autoptr(JsonNode) device = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) stored = NULL;
  JsonObject *o;

  id = aether_service_add_devices (f->service, records, "pair", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->devices_changed, ==, 1);
  other_before = device_text (store, "pair-2");

  /* Renamed and moved, as the Device window does. */
  device = aether_store_get_device (store, "pair-1", &error);
  o = json_node_get_object (device);
  json_object_set_string_member (o, "name", "Desk Lamp");
  json_object_set_string_member (json_object_get_object_member (o, "location"), "room", "Study");
  g_assert_true (aether_service_update_device (f->service, device, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->devices_changed, ==, 2);

  stored = aether_store_get_device (store, "pair-1", &error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (stored), "name"), ==, "Desk Lamp");
  g_assert_cmpstr (aether_device_get_room (json_node_get_object (stored)), ==, "Study");
  other_after = device_text (store, "pair-2");
  g_assert_cmpstr (other_after, ==, other_before);
  g_assert_cmpuint (n_devices (store), ==, 2);
  /* Renaming is no reason to stop collecting it. */
  g_assert_cmpuint (aether_collector_get_n_devices (aether_service_get_collector (f->service)), ==, 2);

  /* Updating never creates: an id that is not there is refused. */
  missing = json_from_string ("{\"device_id\": \"nowhere\", \"name\": \"Nowhere\", \"type\": \"smart_plug\"}", NULL);
  g_assert_false (aether_service_update_device (f->service, missing, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  g_assert_cmpuint (n_devices (store), ==, 2);
  g_assert_cmpuint (f->devices_changed, ==, 2);

  /* Removing: once, the collector lets it go; undo puts it back as it was. */
  g_clear_error (&error);
  {
    g_autofree char *before = device_text (store, "pair-2");
    g_autofree char *restored_text = NULL;
    g_autoptr(JsonNode) removed = aether_store_get_device (store, "pair-2", NULL);
    g_autoptr(GPtrArray) again = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
    g_autofree char *restored = NULL;

    g_assert_true (aether_service_remove_device (f->service, "pair-2", &error));
    g_assert_no_error (error);
    g_assert_cmpuint (f->devices_changed, ==, 3);
    g_assert_null (aether_collector_get_status (aether_service_get_collector (f->service), "pair-2"));
    g_assert_cmpuint (n_devices (store), ==, 1);

    g_ptr_array_add (again, json_node_copy (removed));
    restored = aether_service_add_devices (f->service, again, "pair-2", TRUE, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (restored, ==, "pair-2");
    g_assert_cmpuint (f->devices_changed, ==, 4);
    restored_text = device_text (store, "pair-2");
    g_assert_cmpstr (restored_text, ==, before);

    /* Putting it back once more is refused: it is there. */
    g_clear_pointer (&restored, g_free);
    restored = aether_service_add_devices (f->service, again, "pair-2", TRUE, NULL, NULL, &error);
    g_assert_null (restored);
    g_assert_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS);
    g_assert_cmpuint (f->devices_changed, ==, 4);
  }
  g_assert_cmpuint (f->alerts_changed, ==, 0);
}

static JsonNode *
cost_rule (const char *id,
           double      threshold)
{
  g_autofree char *json = g_strdup_printf ("{\"alert_id\": \"%s\", \"name\": \"Cost over %g\","
                                           " \"conditions\": {\"type\": \"cost\", \"cost_scope\": \"today\","
                                           " \"operator\": \"greater_than\", \"threshold\": %g}}",
                                           id, threshold, threshold);

  return json_from_string (json, NULL);
}

/* Adding, changing and removing one rule leaves the others' state: a rule
 * firing stays firing (it does not fire again). */
static void
test_alert_writes_keep_other_rules_firing (Fixture       *f,
                                           gconstpointer  data)
{
  AetherAlertEngine *engine = aether_service_get_alert_engine (f->service);
  g_autoptr(JsonNode) a = cost_rule ("over-two", 2.0);
  g_autoptr(JsonNode) b = cost_rule ("over-four", 4.0);
  g_autoptr(JsonNode) b_changed = cost_rule ("over-four", 3.0);
  g_autoptr(JsonNode) removed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  guint fired = 0;

  g_signal_connect_swapped (engine, "fired", G_CALLBACK (count), &fired);

  id = aether_service_add_alert (f->service, a, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "over-two");
  g_assert_cmpuint (f->alerts_changed, ==, 1);
  g_assert_nonnull (aether_alert_engine_get_rule (engine, "over-two"));

  aether_alert_engine_set_costs (engine, 3.10, 40);
  g_assert_cmpuint (fired, ==, 1);
  g_assert_true (aether_alert_engine_is_firing (engine, "over-two"));

  /* Another rule added: the first keeps firing, without firing again. */
  g_clear_pointer (&id, g_free);
  id = aether_service_add_alert (f->service, b, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (f->alerts_changed, ==, 2);
  g_assert_true (aether_alert_engine_is_firing (engine, "over-two"));
  g_assert_false (aether_alert_engine_is_firing (engine, "over-four"));

  /* The same id again is refused, nothing changes. */
  g_clear_pointer (&id, g_free);
  id = aether_service_add_alert (f->service, b_changed, &error);
  g_assert_null (id);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_cmpuint (f->alerts_changed, ==, 2);

  /* Changed: now below today's cost; the first still firing, untouched. */
  g_assert_true (aether_service_update_alert (f->service, b_changed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (f->alerts_changed, ==, 3);
  g_assert_true (aether_alert_engine_is_firing (engine, "over-two"));
  aether_alert_engine_set_costs (engine, 3.20, 41);
  g_assert_true (aether_alert_engine_is_firing (engine, "over-four"));
  g_assert_cmpuint (fired, ==, 2);

  /* Removed: gone from the engine; the first keeps its state. */
  removed = aether_service_remove_alert (f->service, "over-four", &error);
  g_assert_no_error (error);
  g_assert_nonnull (removed);
  g_assert_cmpuint (f->alerts_changed, ==, 4);
  g_assert_null (aether_alert_engine_get_rule (engine, "over-four"));
  g_assert_true (aether_alert_engine_is_firing (engine, "over-two"));
  g_assert_cmpuint (fired, ==, 2);

  /* Removing what is not there says so. */
  g_assert_null (aether_service_remove_alert (f->service, "over-four", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  g_assert_cmpuint (f->alerts_changed, ==, 4);
  g_assert_cmpuint (f->devices_changed, ==, 0);
}

/* The typed path the app uses: a channel list in, AetherDevice out, a
 * change saved through the service, a malformed record left out. */
static void
test_typed_devices (Fixture       *f,
                    gconstpointer  data)
{
  AetherStore *store = aether_service_get_store (f->service);
  g_autoptr(GPtrArray) records = make_records ("duo", "Duo", 2);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(AetherDevice) device = NULL;
  g_autoptr(AetherDevice) again = NULL;
  g_autoptr(AetherDevice) none = NULL;
  g_autoptr(JsonNode) bad = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *id2 = NULL;

  devices = aether_device_list_from_json (records, &error);
  g_assert_no_error (error);
  id = aether_service_add_device_objects (f->service, devices, "duo", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "duo");
  g_assert_cmpuint (f->devices_changed, ==, 1);
  /* The same name again is a second device, never a replacement. */
  id2 = aether_service_add_device_objects (f->service, devices, "duo", FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id2, !=, "duo");

  listed = aether_service_list_device_objects (f->service, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 4);

  device = aether_service_lookup_device (f->service, "duo-1", &error);
  g_assert_no_error (error);
  g_assert_cmpint (aether_device_get_channel (device), ==, 0);
  aether_device_set_name (device, "Desk Lamp");
  aether_device_set_location_room (device, "Study");
  g_assert_true (aether_service_save_device (f->service, device, &error));
  g_assert_no_error (error);
  again = aether_service_lookup_device (f->service, "duo-1", &error);
  g_assert_cmpstr (aether_device_get_name (again), ==, "Desk Lamp");
  g_assert_cmpstr (aether_device_get_location_room (again), ==, "Study");

  none = aether_service_lookup_device (f->service, "nowhere", &error);
  g_assert_null (none);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A record the store takes but the model refuses is left out of the
   * typed list, not the cause of an empty page. */
  bad = json_from_string ("{\"device_id\": \"odd\", \"name\": \"Odd\", \"type\": \"smart_plug\","
                          " \"capabilities\": [1]}", NULL);
  g_assert_true (aether_store_put_device (store, bad, &error));
  g_assert_no_error (error);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = aether_service_list_device_objects (f->service, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 4);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/write-path/devices/cli-same-name-twice-makes-two-devices", test_cli_same_name_twice_makes_two_devices);
  ADD ("/write-path/devices/cli-explicit-existing-id-is-refused", test_cli_explicit_existing_id_is_refused);
  ADD ("/write-path/devices/multi-channel-add-is-all-or-nothing", test_multi_channel_add_is_all_or_nothing);
  ADD ("/write-path/devices/update-changes-only-that-row", test_update_changes_only_that_row);
  ADD ("/write-path/alerts/writes-keep-other-rules-firing", test_alert_writes_keep_other_rules_firing);
  ADD ("/write-path/devices/typed", test_typed_devices);
#undef ADD

  return g_test_run ();
}
