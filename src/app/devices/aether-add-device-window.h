/* aether-add-device-window.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_ADD_DEVICE_WINDOW (aether_add_device_window_get_type ())

G_DECLARE_FINAL_TYPE (AetherAddDeviceWindow, aether_add_device_window, AETHER, ADD_DEVICE_WINDOW, AdwWindow)

AetherAddDeviceWindow *aether_add_device_window_new              (GtkWindow             *parent,
                                                                  AetherService         *service);
gboolean               aether_add_device_window_is_searching    (AetherAddDeviceWindow *self);
gboolean               aether_add_device_window_is_adding       (AetherAddDeviceWindow *self);

G_END_DECLS
