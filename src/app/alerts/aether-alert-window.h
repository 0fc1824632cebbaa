/* aether-alert-window.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_ALERT_WINDOW (aether_alert_window_get_type ())

G_DECLARE_FINAL_TYPE (AetherAlertWindow, aether_alert_window, AETHER, ALERT_WINDOW, AdwWindow)

AetherAlertWindow *aether_alert_window_new          (GtkWindow         *parent,
                                                     AetherService     *service,
                                                     const char        *device_id);
AetherAlertWindow *aether_alert_window_new_for_rule (GtkWindow         *parent,
                                                     AetherService     *service,
                                                     const char        *alert_id);
JsonNode          *aether_alert_window_build_rule   (AetherAlertWindow *self);

G_END_DECLS
