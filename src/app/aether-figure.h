/* aether-figure.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget  *aether_figure_new      (const char *text,
                                    guint       chars);
void        aether_figure_set_text (GtkWidget  *figure,
                                    const char *text);
const char *aether_figure_get_text (GtkWidget  *figure);

G_END_DECLS
