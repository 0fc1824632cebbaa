/* test-user.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* AetherUser, the seed's User model: the seed's own example reads back
 * field by field (api_tokens included) and round-trips with keys this
 * version does not know; a copy is deep; retention is the seed's table
 * until set, and set is what is read back; the service stores it and
 * applies it to the store. */

#include "config.h"

#include "aether-core.h"

static const char seed_user[] =
  "{\"user_id\": \"usr-001\", \"username\": \"johndoe\", \"email\": \"john@example.com\", \"role\": \"admin\","
  " \"preferences\": {\"timezone\": \"America/New_York\", \"currency\": \"USD\", \"temperature_unit\": \"celsius\","
  "   \"date_format\": \"YYYY-MM-DD\", \"theme\": \"dark\","
  "   \"dashboard_layout\": {\"widgets\": [{\"type\": \"current_consumption\", \"position\": [0, 0], \"size\": [2, 1]}]},"
  "   \"notifications\": {\"email\": true, \"push\": true, \"sms\": false, \"alert_threshold\": \"medium\"}},"
  " \"api_tokens\": [{\"token_id\": \"tok-001\", \"name\": \"Home Assistant Integration\","
  "   \"permissions\": [\"read:metrics\", \"read:devices\"], \"created_at\": \"2024-01-01T00:00:00Z\","
  "   \"last_used\": \"2024-01-15T10:00:00Z\", \"expires_at\": \"2025-01-01T00:00:00Z\"}]}";

static void
test_seed_example (void)
{
  g_autoptr(JsonNode) node = json_from_string (seed_user, NULL);
  g_autoptr(AetherUser) user = aether_user_new_from_json (node, NULL);
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(JsonNode) back = NULL;
  AetherApiToken token;

  g_assert_nonnull (user);
  g_assert_cmpstr (aether_user_get_id (user), ==, "usr-001");
  g_assert_cmpstr (aether_user_get_timezone (user), ==, "America/New_York");
  tz = aether_user_dup_time_zone (user);
  g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, "America/New_York");
  g_assert_cmpstr (aether_user_get_currency (user), ==, "USD");
  g_assert_cmpstr (aether_user_get_temperature_unit (user), ==, "celsius");
  g_assert_cmpstr (aether_user_get_date_format (user), ==, "YYYY-MM-DD");
  g_assert_cmpstr (aether_user_get_theme (user), ==, "dark");
  g_assert_true (aether_user_get_notification (user, "email"));
  g_assert_false (aether_user_get_notification (user, "sms"));
  g_assert_true (aether_user_get_notification (user, "webhook"));   /* unset: on */

  g_assert_cmpuint (aether_user_get_n_api_tokens (user), ==, 1);
  g_assert_true (aether_user_get_api_token (user, 0, &token));
  g_assert_cmpstr (token.token_id, ==, "tok-001");
  g_assert_cmpstr (token.name, ==, "Home Assistant Integration");
  g_assert_cmpuint (g_strv_length ((char **)token.permissions), ==, 2);
  g_assert_cmpstr (token.permissions[1], ==, "read:devices");
  g_assert_cmpstr (token.expires_at, ==, "2025-01-01T00:00:00Z");
  g_assert_false (aether_user_get_api_token (user, 1, &token));

  /* Unknown keys (the dashboard layout) come back as they were. */
  back = aether_user_to_json (user);
  g_assert_true (json_node_equal (back, node));
}

static void
test_copy_is_deep_and_retention (void)
{
  g_autoptr(AetherUser) user = aether_user_new_default ();
  g_autoptr(AetherUser) copy = NULL;
  AetherRetention retention, defaults;

  aether_retention_init_defaults (&defaults);
  aether_user_get_retention (user, &retention);
  g_assert_false (aether_user_has_retention (user));
  g_assert_cmpmem (&retention, sizeof retention, &defaults, sizeof defaults);
  g_assert_true (aether_user_get_notification (user, "push"));
  g_assert_cmpstr (aether_user_get_theme (user), ==, "system");
  g_assert_nonnull (aether_user_get_timezone (user));

  copy = aether_user_copy (user);
  retention.samples_s[AETHER_TIER_RAW] = 6 * 3600;
  retention.energy_s[AETHER_TIER_1D] = 0;
  aether_user_set_retention (copy, &retention);
  aether_user_set_theme (copy, "light");
  g_assert_true (aether_user_has_retention (copy));
  g_assert_false (aether_user_has_retention (user));
  g_assert_cmpstr (aether_user_get_theme (user), ==, "system");
  {
    AetherRetention read;

    aether_user_get_retention (copy, &read);
    g_assert_cmpmem (&read, sizeof read, &retention, sizeof retention);
  }
}

static void
test_service_stores_and_applies (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-user-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = aether_service_new (db, aether_clock_get_system (), &error);
  g_autoptr(AetherUser) user = NULL;
  g_autoptr(AetherUser) again = NULL;
  AetherRetention retention;

  g_assert_no_error (error);
  user = aether_service_dup_user (service);
  g_assert_cmpstr (aether_user_get_id (user), ==, AETHER_USER_LOCAL_ID);
  aether_user_get_retention (user, &retention);
  retention.alerts_s = 30 * 86400;
  aether_user_set_retention (user, &retention);
  aether_user_set_timezone (user, "Europe/Paris");
  g_assert_true (aether_service_update_user (service, user, &error));
  g_assert_no_error (error);

  aether_store_get_retention (aether_service_get_store (service), &retention);
  g_assert_cmpint (retention.alerts_s, ==, 30 * 86400);
  again = aether_service_dup_user (service);
  g_assert_cmpstr (aether_user_get_timezone (again), ==, "Europe/Paris");
  {
    g_autoptr(GTimeZone) tz = aether_service_dup_time_zone (service);

    g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, "Europe/Paris");
  }
  g_assert_true (aether_service_stop (service, NULL));
}


/* The Dashboard's layout: the seed's widgets in reading order (row, then
 * column), written back as a column keeping each widget's other members. */
static void
test_dashboard_widgets (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"user_id\": \"local\", \"username\": \"local\", \"preferences\": {"
                                               " \"dashboard_layout\": {\"columns\": 3, \"widgets\": ["
                                               " {\"type\": \"device_list\", \"position\": [0, 1], \"size\": [3, 2]},"
                                               " {\"type\": \"daily_cost\", \"position\": [2, 0], \"size\": [1, 1]},"
                                               " {\"type\": \"current_consumption\", \"position\": [0, 0], \"size\": [2, 1]},"
                                               " {\"type\": \"daily_cost\", \"position\": [0, 5]},"
                                               " {\"position\": [0, 9]}]}}}", NULL);
  g_autoptr(AetherUser) user = aether_user_new_from_json (node, NULL);
  g_autoptr(AetherUser) fresh = aether_user_new_default ();
  g_autoptr(JsonNode) back = NULL;
  g_auto(GStrv) widgets = aether_user_dup_dashboard_widgets (user);
  g_auto(GStrv) again = NULL;
  g_autofree char *joined = g_strjoinv (",", widgets);
  const char * const order[] = { "standby", "device_list", NULL };
  JsonObject *layout;
  JsonArray *list;

  g_assert_cmpstr (joined, ==, "current_consumption,daily_cost,device_list");
  g_assert_null (aether_user_dup_dashboard_widgets (fresh));

  aether_user_set_dashboard_widgets (user, order);
  again = aether_user_dup_dashboard_widgets (user);
  g_clear_pointer (&joined, g_free);
  joined = g_strjoinv (",", again);
  g_assert_cmpstr (joined, ==, "standby,device_list");
  back = aether_user_to_json (user);
  layout = json_object_get_object_member (json_object_get_object_member (json_node_get_object (back), "preferences"),
                                          "dashboard_layout");
  g_assert_cmpint (json_object_get_int_member (layout, "columns"), ==, 3);
  list = json_object_get_array_member (layout, "widgets");
  g_assert_cmpuint (json_array_get_length (list), ==, 2);
  /* The list kept its size; its new place is the second row. */
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (json_array_get_object_element (list, 1), "size"), 1), ==, 2);
  g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (json_array_get_object_element (list, 1), "position"), 1), ==, 1);

  aether_user_set_dashboard_widgets (user, NULL);
  g_assert_null (aether_user_dup_dashboard_widgets (user));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/user/seed-example", test_seed_example);
  g_test_add_func ("/model/user/dashboard-widgets", test_dashboard_widgets);
  g_test_add_func ("/model/user/copy-is-deep-and-retention", test_copy_is_deep_and_retention);
  g_test_add_func ("/model/user/service-stores-and-applies", test_service_stores_and_applies);

  return g_test_run ();
}
