/* aether-window.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-application.h"

G_BEGIN_DECLS

#define AETHER_TYPE_WINDOW (aether_window_get_type ())

G_DECLARE_FINAL_TYPE (AetherWindow, aether_window, AETHER, WINDOW, AdwApplicationWindow)

AetherWindow *aether_window_new              (AetherApplication *application);
const char   *aether_window_get_visible_page (AetherWindow      *self);
void          aether_window_set_visible_page (AetherWindow      *self,
                                              const char        *page_name);
void          aether_window_reload_devices   (AetherWindow      *self);
void          aether_window_set_backfill_progress (AetherWindow *self,
                                                   double        fraction);
gboolean      aether_window_is_backfilling   (AetherWindow      *self);

G_END_DECLS
