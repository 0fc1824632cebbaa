/* aether-devices-page.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"
#include "aether-add-device-window.h"
#include "aether-device-window.h"

G_BEGIN_DECLS

#define AETHER_TYPE_DEVICES_PAGE (aether_devices_page_get_type ())

G_DECLARE_FINAL_TYPE (AetherDevicesPage, aether_devices_page, AETHER, DEVICES_PAGE, AdwBin)

void  aether_devices_page_set_service  (AetherDevicesPage *self,
                                        AetherService     *service);
void  aether_devices_page_reload       (AetherDevicesPage *self);
guint aether_devices_page_get_n_rows   (AetherDevicesPage *self);
AetherAddDeviceWindow *aether_devices_page_add_device (AetherDevicesPage *self);
void  aether_devices_page_remove_device (AetherDevicesPage *self,
                                         const char        *device_id);
void                aether_devices_page_remove_device_full (AetherDevicesPage *self,
                                                            const char        *device_id,
                                                            gboolean           delete_history);
AetherDeviceWindow *aether_devices_page_edit_device (AetherDevicesPage *self,
                                                     const char        *device_id);

AdwToast           *aether_devices_page_get_removal_toast (AetherDevicesPage *self);

G_END_DECLS
