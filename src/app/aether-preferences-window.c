/* aether-preferences-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences: settings bound straight to GSettings, so they apply as soon
 * as they change and there is no Apply button. Groups for collection,
 * storage and notifications fill in as those parts arrive. */

#define G_LOG_DOMAIN "aether-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-preferences-window.h"

struct _AetherPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  GtkSwitch            *background_switch;
  AdwActionRow         *database_row;

  /* Owned references */
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (AetherPreferencesWindow, aether_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/**
 * aether_preferences_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new preferences window
 */
AetherPreferencesWindow *
aether_preferences_window_new (AetherApplication *application)
{
  g_return_val_if_fail (AETHER_IS_APPLICATION (application), NULL);

  return g_object_new (AETHER_TYPE_PREFERENCES_WINDOW,
                       "application", application,
                       NULL);
}

static char *
get_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "aetherlens", NULL);
}

static void
open_data_folder_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_autofree char *dir = get_data_dir ();
  g_autofree char *uri = NULL;

  g_mkdir_with_parents (dir, 0700);
  uri = g_filename_to_uri (dir, NULL, NULL);
  gtk_show_uri (GTK_WINDOW (widget), uri, GDK_CURRENT_TIME);
}

static void
aether_preferences_window_dispose (GObject *object)
{
  AetherPreferencesWindow *self = (AetherPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), AETHER_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (aether_preferences_window_parent_class)->dispose (object);
}

static void
aether_preferences_window_class_init (AetherPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/aether-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, database_row);

  gtk_widget_class_install_action (widget_class, "preferences.open-data-folder", NULL,
                                   open_data_folder_action);
}

static void
aether_preferences_window_init (AetherPreferencesWindow *self)
{
  g_autofree char *dir = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_APPLICATION_ID);
  g_settings_bind (self->settings, "run-in-background",
                   self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  dir = get_data_dir ();
  adw_action_row_set_subtitle (self->database_row, dir);
}
