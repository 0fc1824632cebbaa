/* aether-history-page.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"
#include "aether-history-chart.h"

G_BEGIN_DECLS

#define AETHER_TYPE_HISTORY_PAGE (aether_history_page_get_type ())

G_DECLARE_FINAL_TYPE (AetherHistoryPage, aether_history_page, AETHER, HISTORY_PAGE, AdwBin)

void        aether_history_page_set_service     (AetherHistoryPage *self,
                                                 AetherService     *service);
void        aether_history_page_reload          (AetherHistoryPage *self);
void        aether_history_page_show            (AetherHistoryPage *self,
                                                 const char        *range,
                                                 GDateTime         *date);
gboolean    aether_history_page_is_loading      (AetherHistoryPage *self);
gboolean    aether_history_page_has_data        (AetherHistoryPage *self);
const char *aether_history_page_get_total_text  (AetherHistoryPage *self);
void        aether_history_page_set_by_room     (AetherHistoryPage *self,
                                                 gboolean           by_room);
void        aether_history_page_select_subject  (AetherHistoryPage *self,
                                                 guint              index);
AetherHistoryChart *aether_history_page_get_chart (AetherHistoryPage *self);
void        aether_history_page_get_totals      (AetherHistoryPage *self,
                                                 double            *total_wh,
                                                 double            *untracked_wh,
                                                 double            *exported_wh,
                                                 double            *cost);
gboolean    aether_history_page_get_period      (AetherHistoryPage *self,
                                                 const char        *name,
                                                 double            *wh,
                                                 double            *cost);
gint64      aether_history_page_get_drawn_at    (AetherHistoryPage *self);
char       *aether_history_page_build_csv       (AetherHistoryPage *self);
gboolean    aether_history_page_export_to_file  (AetherHistoryPage *self,
                                                 GFile             *file,
                                                 GError           **error);

G_END_DECLS
