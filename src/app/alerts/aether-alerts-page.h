/* aether-alerts-page.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"
#include "aether-alert-window.h"

G_BEGIN_DECLS

#define AETHER_TYPE_ALERTS_PAGE (aether_alerts_page_get_type ())

G_DECLARE_FINAL_TYPE (AetherAlertsPage, aether_alerts_page, AETHER, ALERTS_PAGE, AdwBin)

void               aether_alerts_page_set_service   (AetherAlertsPage *self,
                                                     AetherService    *service);
void               aether_alerts_page_reload        (AetherAlertsPage *self);
AetherAlertWindow *aether_alerts_page_new_alert     (AetherAlertsPage *self);
AetherAlertWindow *aether_alerts_page_edit_alert    (AetherAlertsPage *self,
                                                     const char       *alert_id);
void               aether_alerts_page_remove_alert  (AetherAlertsPage *self,
                                                     const char       *alert_id);
guint              aether_alerts_page_get_n_alerts  (AetherAlertsPage *self);

G_END_DECLS
