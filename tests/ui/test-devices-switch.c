/* test-devices-switch.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Devices page's switch follows the device's relay readings, on the
 * demo home run by the real service on a manual clock: switched off by an
 * automation or a notification's Turn Off (both go through the service),
 * by hand on the plug itself, or by a person on the page. Nothing the page
 * shows is sent back to the device. */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "aether-sim-home.h"
#include "devices/aether-devices-page.h"

#define T0     G_GINT64_CONSTANT (1705312800)   /* Monday 2024-01-15 10:00:00 UTC */
#define SEED   42
#define ROUTER "demo-router"

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A row by its title, as a person finds it. */
static GtkWidget *
find_row (GtkWidget  *widget,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0)
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static void
test_switch_follows_the_relay (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-switch-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (T0 * G_USEC_PER_SEC);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (SEED);
  g_autoptr(GError) error = NULL;
  AetherDevicesPage *page;
  AetherSimHome *home;
  GtkSwitch *toggle;
  GtkWidget *row;

  aether_sim_home_reset_all ();
  home = aether_sim_home_get (SEED, 0);
  aether_clock_set_default (clock);
  service = aether_service_new (db, clock, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < devices->len; i++)
    g_assert_true (aether_store_put_device (aether_service_get_store (service), g_ptr_array_index (devices, i), &error));
  aether_service_load (service, &error);
  g_assert_no_error (error);
  aether_service_start (service);

  page = g_object_ref_sink (g_object_new (AETHER_TYPE_DEVICES_PAGE, NULL));
  aether_devices_page_set_service (page, service);
  row = find_row (GTK_WIDGET (page), "Router");
  g_assert_nonnull (row);
  toggle = GTK_SWITCH (find_descendant (row, GTK_TYPE_SWITCH));
  g_assert_nonnull (toggle);

  /* The first readings: the router is on. */
  aether_test_run_for (clock, 11);
  g_assert_true (gtk_switch_get_active (toggle));

  /* An automation or a Turn Off switches it off: the switch follows at
   * once, without the clock moving, and sends nothing back. */
  {
    g_autoptr(GAsyncResult) result = NULL;

    aether_service_set_state_async (service, ROUTER, FALSE, NULL, store_result, &result);
    while (result == NULL)
      g_main_context_iteration (NULL, TRUE);
    g_assert_true (aether_service_set_state_finish (service, result, &error));
    g_assert_no_error (error);
  }
  settle ();
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_false (gtk_switch_get_state (toggle));
  g_assert_false (aether_sim_home_get_on (home, AETHER_SIM_ROUTER));

  /* A person switches it on again: one click, and it is on. */
  gtk_switch_set_active (toggle, TRUE);
  settle ();
  g_assert_true (aether_sim_home_get_on (home, AETHER_SIM_ROUTER));
  g_assert_true (gtk_switch_get_active (toggle));

  /* Switched off on the plug itself: the next poll shows it. */
  aether_sim_home_set_on (home, AETHER_SIM_ROUTER, FALSE, aether_clock_now_s (clock));
  aether_test_run_for (clock, 10);
  g_assert_false (gtk_switch_get_active (toggle));
  g_assert_false (aether_sim_home_get_on (home, AETHER_SIM_ROUTER));

  /* A page built now starts from the latest reading, not from “on”. */
  aether_devices_page_reload (page);
  toggle = GTK_SWITCH (find_descendant (find_row (GTK_WIDGET (page), "Router"), GTK_TYPE_SWITCH));
  g_assert_false (gtk_switch_get_active (toggle));

  g_clear_object (&page);
  aether_service_stop (service, NULL);
  g_clear_object (&service);
  aether_clock_set_default (NULL);
  settle ();

  aether_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/devices/switch-follows-the-relay", test_switch_follows_the_relay);

  return g_test_run ();
}
