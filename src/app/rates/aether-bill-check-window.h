/* aether-bill-check-window.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_BILL_CHECK_WINDOW (aether_bill_check_window_get_type ())

G_DECLARE_FINAL_TYPE (AetherBillCheckWindow, aether_bill_check_window, AETHER, BILL_CHECK_WINDOW, AdwWindow)

AetherBillCheckWindow *aether_bill_check_window_new        (AetherService         *service);
void                   aether_bill_check_window_import     (AetherBillCheckWindow *self,
                                                            GFile                 *file);
JsonNode              *aether_bill_check_window_get_report (AetherBillCheckWindow *self);

G_END_DECLS
