/* aether-preferences-window.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-application.h"

G_BEGIN_DECLS

#define AETHER_TYPE_PREFERENCES_WINDOW (aether_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (AetherPreferencesWindow, aether_preferences_window, AETHER, PREFERENCES_WINDOW, AdwPreferencesWindow)

AetherPreferencesWindow *aether_preferences_window_new               (AetherApplication       *application);
AetherPreferencesWindow *aether_preferences_window_new_for_service   (GtkApplication          *application,
                                                                      AetherService           *service);
void                     aether_preferences_window_restore           (AetherPreferencesWindow *self,
                                                                      const char              *backup_path);
void                     aether_preferences_window_set_backup_folder (AetherPreferencesWindow *self,
                                                                      const char              *folder);
void                     aether_preferences_apply_theme              (const char              *theme);
void                     aether_preferences_window_refresh_sinks     (AetherPreferencesWindow *self,
                                                                      GAsyncReadyCallback      callback,
                                                                      gpointer                 user_data);
gboolean                 aether_preferences_window_refresh_sinks_finish (AetherPreferencesWindow  *self,
                                                                         GAsyncResult             *result,
                                                                         GError                  **error);

G_END_DECLS
