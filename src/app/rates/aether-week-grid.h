/* aether-week-grid.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_WEEK_GRID (aether_week_grid_get_type ())

G_DECLARE_FINAL_TYPE (AetherWeekGrid, aether_week_grid, AETHER, WEEK_GRID, GtkWidget)

GtkWidget  *aether_week_grid_new               (void);
void        aether_week_grid_set_schedule      (AetherWeekGrid     *self,
                                                AetherRateSchedule *schedule,
                                                gint64              week_start_s);
void        aether_week_grid_add_period        (AetherWeekGrid     *self,
                                                const char         *period);
const char *aether_week_grid_get_period        (AetherWeekGrid     *self,
                                                guint               day,
                                                guint               hour);
void        aether_week_grid_get_period_color  (AetherWeekGrid     *self,
                                                const char         *period,
                                                GdkRGBA            *color);
void        aether_week_grid_get_palette_color (guint               index,
                                                GdkRGBA            *color);
void        aether_week_grid_append_labels     (GtkWidget          *widget,
                                                GtkSnapshot        *snapshot,
                                                int                 label_width,
                                                int                 header_height,
                                                double              cell_w,
                                                double              cell_h);

G_END_DECLS
