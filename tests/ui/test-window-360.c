/* test-window-360.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window at 360 px, the narrowest phone: with the demo home and
 * an alert, every page asks for no more than 360 px, the view switcher
 * moves to the bottom bar, and each page is saved as
 * window-360px-PAGE.png, light and dark. */

#include "config.h"

#include <adwaita.h>

#include "aether-application.h"
#include "aether-ui-test-util.h"
#include "aether-window.h"

static AetherApplication *app;

static const char * const pages[] = { "dashboard", "history", "devices", "rates", "alerts" };

/* The widest minimum below @widget, for the failure message. */
static void
widest (GtkWidget  *widget,
        int         limit,
        GString    *out)
{
  int min = 0;

  if (!gtk_widget_get_visible (widget))
    return;
  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  if (min <= limit)
    return;
  g_string_append_printf (out, "\n  %s (%s) needs %d px", G_OBJECT_TYPE_NAME (widget),
                          gtk_widget_get_name (widget), min);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    widest (child, limit, out);
}

static void
test_every_page_fits_360 (void)
{
  AetherWindow *window = aether_window_new (app);
  AetherService *service = aether_application_get_service (app);
  g_autoptr(JsonNode) rule = json_from_string ("{\"alert_id\": \"kettle\", \"name\": \"Kettle left on\","
                                               " \"conditions\": {\"type\": \"threshold\", \"room\": \"kitchen\","
                                               " \"operator\": \"greater_than\", \"threshold\": 2000,"
                                               " \"duration_seconds\": 600}}", NULL);

  g_assert_nonnull (service);
  g_action_group_activate_action (G_ACTION_GROUP (app), "demo-home", NULL);
  g_assert_nonnull (aether_service_add_alert (service, rule, NULL));

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  gtk_window_present (GTK_WINDOW (window));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));

  for (guint dark = 0; dark < 2; dark++)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
      for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
        {
          g_autofree char *name = g_strdup_printf ("window-360px-%s%s", pages[i], dark ? "-dark" : "");
          g_autoptr(GString) why = g_string_new (NULL);
          int min = 0;

          aether_window_set_visible_page (window, pages[i]);
          aether_ui_test_wait_for_frames (GTK_WIDGET (window));
          gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
          widest (GTK_WIDGET (window), 360, why);
          if (min > 360)
            g_error ("The %s page needs %d px:%s", pages[i], min, why->str);
          g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);
          g_assert_true (adw_view_switcher_bar_get_reveal (ADW_VIEW_SWITCHER_BAR (aether_ui_test_find_type (GTK_WIDGET (window),
                                                                                                   ADW_TYPE_VIEW_SWITCHER_BAR))));
          aether_ui_test_save_screenshot (GTK_WIDGET (window), name);
        }
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int ret;

  gtk_test_init (&argc, &argv, NULL);

  /* A database of its own. */
  {
    g_autofree char *dir = g_dir_make_tmp ("aether-ui-360-XXXXXX", NULL);
    g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);

    g_setenv ("AETHERLENS_DB", db, TRUE);
  }
  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", ":close", NULL);

  app = aether_application_new (APPLICATION_ID, G_APPLICATION_NON_UNIQUE);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/ui/window-360/every-page-fits", test_every_page_fits_360);

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
