/* aether-history-chart.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define AETHER_TYPE_HISTORY_CHART (aether_history_chart_get_type ())

G_DECLARE_FINAL_TYPE (AetherHistoryChart, aether_history_chart, AETHER, HISTORY_CHART, GtkWidget)

GtkWidget *aether_history_chart_new           (void);
void       aether_history_chart_set_bars      (AetherHistoryChart  *self,
                                               guint                n_bars,
                                               guint                n_series,
                                               const char * const  *series_names,
                                               const double        *wh,
                                               const double        *exported_wh,
                                               const char * const  *axis_labels,
                                               const char * const  *bar_titles);
void       aether_history_chart_set_line      (AetherHistoryChart  *self,
                                               const double        *kw,
                                               guint                n_points);
void       aether_history_chart_set_span      (AetherHistoryChart  *self,
                                               const char          *span);
void       aether_history_chart_get_color     (AetherHistoryChart  *self,
                                               guint                series,
                                               GdkRGBA             *color);
int        aether_history_chart_get_selected  (AetherHistoryChart  *self);
void       aether_history_chart_select        (AetherHistoryChart  *self,
                                               int                  bar);
char      *aether_history_chart_describe_bar  (AetherHistoryChart  *self,
                                               guint                bar);
double     aether_history_chart_get_bar_total (AetherHistoryChart  *self,
                                               guint                bar);
guint      aether_history_chart_get_n_bars    (AetherHistoryChart  *self);

G_END_DECLS
