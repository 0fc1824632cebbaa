/* aether-device-window.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_DEVICE_WINDOW (aether_device_window_get_type ())

G_DECLARE_FINAL_TYPE (AetherDeviceWindow, aether_device_window, AETHER, DEVICE_WINDOW, AdwWindow)

AetherDeviceWindow *aether_device_window_new (GtkWindow     *parent,
                                              AetherService *service,
                                              const char    *device_id);

G_END_DECLS
