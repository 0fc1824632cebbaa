/* aether-dashboard-page.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_DASHBOARD_PAGE (aether_dashboard_page_get_type ())

G_DECLARE_FINAL_TYPE (AetherDashboardPage, aether_dashboard_page, AETHER, DASHBOARD_PAGE, AdwBin)

void        aether_dashboard_page_set_service     (AetherDashboardPage *self,
                                                   AetherService       *service);
void        aether_dashboard_page_reload          (AetherDashboardPage *self);
void        aether_dashboard_page_refresh         (AetherDashboardPage *self);
guint       aether_dashboard_page_get_n_top_rows  (AetherDashboardPage *self);
const char *aether_dashboard_page_get_now_text    (AetherDashboardPage *self);
const char *aether_dashboard_page_get_now_caption (AetherDashboardPage *self);
const char *aether_dashboard_page_get_today_text  (AetherDashboardPage *self);
const char *aether_dashboard_page_get_today_caption (AetherDashboardPage *self);
const char *aether_dashboard_page_get_top_description (AetherDashboardPage *self);
const char *aether_dashboard_page_get_rate_caption (AetherDashboardPage *self);
const char *aether_dashboard_page_get_cheapest_caption (AetherDashboardPage *self);
gboolean    aether_dashboard_page_is_reading_store (AetherDashboardPage *self);
void        aether_dashboard_page_read_store      (AetherDashboardPage *self);
const char *aether_dashboard_page_get_bill_text   (AetherDashboardPage *self);
const char *aether_dashboard_page_get_projection_text (AetherDashboardPage *self);
const char *aether_dashboard_page_get_yesterday_text (AetherDashboardPage *self);
const char *aether_dashboard_page_get_yesterday_caption (AetherDashboardPage *self);
const char *aether_dashboard_page_get_standby_text (AetherDashboardPage *self,
                                                    const char          *device_id);
gboolean    aether_dashboard_page_move_widget     (AetherDashboardPage *self,
                                                   const char          *type,
                                                   int                  delta,
                                                   GError             **error);
GStrv       aether_dashboard_page_dup_layout      (AetherDashboardPage *self);

G_END_DECLS
