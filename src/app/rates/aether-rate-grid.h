/* aether-rate-grid.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AETHER_RATE_GRID_SLOTS_PER_DAY 96
#define AETHER_RATE_GRID_N_SLOTS       (7 * AETHER_RATE_GRID_SLOTS_PER_DAY)
#define AETHER_RATE_GRID_NONE          0xff

#define AETHER_TYPE_RATE_GRID (aether_rate_grid_get_type ())

G_DECLARE_FINAL_TYPE (AetherRateGrid, aether_rate_grid, AETHER, RATE_GRID, GtkWidget)

GtkWidget *aether_rate_grid_new            (void);
void       aether_rate_grid_set_slots      (AetherRateGrid *self,
                                            guint8         *slots);
void       aether_rate_grid_set_brush      (AetherRateGrid *self,
                                            guint           period);
guint      aether_rate_grid_get_brush      (AetherRateGrid *self);
void       aether_rate_grid_set_focus_cell (AetherRateGrid *self,
                                            guint           day,
                                            guint           hour);
void       aether_rate_grid_get_focus_cell (AetherRateGrid *self,
                                            guint          *day,
                                            guint          *hour);
void       aether_rate_grid_paint          (AetherRateGrid *self,
                                            guint           day0,
                                            guint           hour0,
                                            guint           day1,
                                            guint           hour1);
void       aether_rate_grid_get_cell_center (AetherRateGrid *self,
                                             guint           day,
                                             guint           hour,
                                             double         *x,
                                             double         *y);
void       aether_rate_grid_set_describe_func (AetherRateGrid *self,
                                               char         *(*describe) (guint day, guint hour, gpointer data),
                                               gpointer        data);

G_END_DECLS
