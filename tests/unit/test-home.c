/* test-home.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The home rule: meters stand for the home when there are any (every phase
 * of a three-phase meter), otherwise every device; never both. Rooms are
 * one room whatever their case. */

#include "config.h"

#include "aether-core.h"

static JsonNode *
device (const char *id,
        const char *type,
        const char *room)
{
  g_autofree char *json = g_strdup_printf ("{\"device_id\": \"%s\", \"name\": \"%s\", \"type\": \"%s\"%s%s%s}",
                                           id, id, type,
                                           room ? ", \"location\": {\"room\": \"" : "",
                                           room ? room : "", room ? "\"}" : "");

  return json_from_string (json, NULL);
}

static GPtrArray *
registry (const char *first, ...)
{
  GPtrArray *devices = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  va_list ap;

  va_start (ap, first);
  for (const char *id = first; id; id = va_arg (ap, const char *))
    {
      const char *type = va_arg (ap, const char *);
      const char *room = va_arg (ap, const char *);

      g_ptr_array_add (devices, device (id, type, room));
    }
  va_end (ap);
  return devices;
}

static gboolean
has (GPtrArray  *ids,
     const char *id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_str_equal (g_ptr_array_index (ids, i), id))
      return TRUE;
  return FALSE;
}

static void
test_three_phase_meter_stands_for_the_home (void)
{
  g_autoptr(GPtrArray) devices = registry ("em-1", "energy_meter", "Utility",
                                           "em-2", "energy_meter", "Utility",
                                           "em-3", "energy_meter", "Utility",
                                           "fridge", "appliance", "Kitchen",
                                           "kettle", "smart_plug", "kitchen",
                                           NULL);
  g_autoptr(AetherHome) home = aether_home_new (devices);
  GPtrArray *members = aether_home_get_members (home);

  g_assert_true (aether_home_is_metered (home));
  g_assert_cmpuint (members->len, ==, 3);
  g_assert_true (has (members, "em-1") && has (members, "em-2") && has (members, "em-3"));
  /* The plugs behind the meter are never added to it. */
  g_assert_false (aether_home_counts (home, "fridge"));
  g_assert_false (aether_home_counts (home, "kettle"));
  g_assert_true (aether_home_counts (home, "em-2"));
  g_assert_false (aether_home_counts (home, "unknown"));
}

static void
test_without_meters_the_home_is_every_device (void)
{
  g_autoptr(GPtrArray) devices = registry ("fridge", "appliance", "Kitchen",
                                           "tv", "smart_plug", NULL,
                                           NULL);
  g_autoptr(AetherHome) home = aether_home_new (devices);

  g_assert_false (aether_home_is_metered (home));
  g_assert_cmpuint (aether_home_get_members (home)->len, ==, 2);
  g_assert_true (aether_home_counts (home, "tv"));
  g_assert_true (aether_home_counts (home, "fridge"));
}

/* The utility's meter, imported from its Green Button file, sees the same
 * energy as the home's devices: it is never summed with them. */
static void
test_utility_meter_is_not_the_home (void)
{
  g_autoptr(GPtrArray) plugs = registry ("fridge", "appliance", "Kitchen",
                                         "utility-main-st", "utility_meter", NULL,
                                         NULL);
  g_autoptr(GPtrArray) metered = registry ("em-1", "energy_meter", NULL,
                                           "utility-main-st", "utility_meter", "Kitchen",
                                           NULL);
  g_autoptr(AetherHome) home = aether_home_new (plugs);
  g_autoptr(AetherHome) metered_home = aether_home_new (metered);
  g_autoptr(GPtrArray) kitchen = NULL;

  g_assert_false (aether_home_is_metered (home));
  g_assert_cmpuint (aether_home_get_members (home)->len, ==, 1);
  g_assert_false (aether_home_counts (home, "utility-main-st"));
  g_assert_cmpuint (aether_home_get_members (metered_home)->len, ==, 1);
  g_assert_false (aether_home_counts (metered_home, "utility-main-st"));
  kitchen = aether_home_get_room_members (metered_home, "kitchen");
  g_assert_cmpuint (kitchen->len, ==, 0);
}

static void
test_rooms_match_whatever_their_case (void)
{
  g_autoptr(GPtrArray) devices = registry ("em", "energy_meter", "Kitchen",
                                           "fridge", "appliance", "Kitchen",
                                           "kettle", "smart_plug", " kitchen ",
                                           "tv", "smart_plug", "Living Room",
                                           "lamp", "lighting", "living room",
                                           "meter-only", "energy_meter", "Garage",
                                           NULL);
  g_autoptr(AetherHome) home = aether_home_new (devices);
  g_autoptr(GPtrArray) kitchen = aether_home_get_room_members (home, "KITCHEN");
  g_autoptr(GPtrArray) garage = aether_home_get_room_members (home, "garage");
  g_autoptr(GPtrArray) rooms = aether_home_get_rooms (home);

  g_assert_true (aether_room_equal ("Kitchen", "kitchen"));
  g_assert_true (aether_room_equal ("Living Room", "  living room"));
  g_assert_false (aether_room_equal ("Kitchen", "Garage"));
  g_assert_false (aether_room_equal ("Kitchen", NULL));
  g_assert_true (aether_room_equal (NULL, ""));

  /* A room is its plugs; the meter in it is not added to them. */
  g_assert_cmpuint (kitchen->len, ==, 2);
  g_assert_true (has (kitchen, "fridge") && has (kitchen, "kettle"));
  /* A room with only a meter is what the meter sees. */
  g_assert_cmpuint (garage->len, ==, 1);
  g_assert_true (has (garage, "meter-only"));

  /* Each room once, as first spelt. */
  g_assert_cmpuint (rooms->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (rooms, 0), ==, "Kitchen");
  g_assert_cmpstr (g_ptr_array_index (rooms, 1), ==, "Living Room");
  g_assert_cmpstr (g_ptr_array_index (rooms, 2), ==, "Garage");
  g_assert_cmpstr (aether_home_get_room_of (home, "lamp"), ==, "living room");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/home/three-phase-meter-stands-for-the-home", test_three_phase_meter_stands_for_the_home);
  g_test_add_func ("/model/home/without-meters-the-home-is-every-device", test_without_meters_the_home_is_every_device);
  g_test_add_func ("/model/home/rooms-match-whatever-their-case", test_rooms_match_whatever_their_case);
  g_test_add_func ("/model/home/utility-meter-is-not-the-home", test_utility_meter_is_not_the_home);

  return g_test_run ();
}
