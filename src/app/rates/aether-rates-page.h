/* aether-rates-page.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"
#include "aether-rate-editor.h"
#include "aether-week-grid.h"

G_BEGIN_DECLS

#define AETHER_TYPE_RATES_PAGE (aether_rates_page_get_type ())

G_DECLARE_FINAL_TYPE (AetherRatesPage, aether_rates_page, AETHER, RATES_PAGE, AdwBin)

void            aether_rates_page_set_service      (AetherRatesPage  *self,
                                                    AetherService    *service);
void            aether_rates_page_reload           (AetherRatesPage  *self);
char           *aether_rates_page_import_file      (AetherRatesPage  *self,
                                                    GFile            *file,
                                                    GError          **error);
char           *aether_rates_page_import_file_replacing (AetherRatesPage  *self,
                                                        GFile            *file,
                                                        AdwToast        **toast,
                                                        GError          **error);
AdwToast       *aether_rates_page_remove_schedule  (AetherRatesPage  *self,
                                                    const char       *rate_id,
                                                    GError          **error);
gboolean        aether_rates_page_set_price        (AetherRatesPage  *self,
                                                    JsonNode         *schedule,
                                                    JsonObject       *period,
                                                    double            price,
                                                    GError          **error);
guint           aether_rates_page_get_n_schedules  (AetherRatesPage  *self);
AetherWeekGrid *aether_rates_page_get_week_grid    (AetherRatesPage  *self,
                                                    guint             index);
AetherRateEditor *aether_rates_page_open_editor (AetherRatesPage  *self,
                                                const char       *how,
                                                const char       *rate_id);

G_END_DECLS
