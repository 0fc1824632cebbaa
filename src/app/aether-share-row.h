/* aether-share-row.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GtkWidget *aether_share_row_new (const char *name,
                                 const char *room,
                                 double      share,
                                 const char *value,
                                 int         value_width);
void       aether_share_row_update (GtkWidget  *row,
                                    const char *name,
                                    const char *room,
                                    double      share,
                                    const char *value);
GtkWidget *aether_share_row_new_stacked (const char *name,
                                         const char *subtitle,
                                         double      share,
                                         const char *value);
void       aether_share_row_update_stacked (GtkWidget  *row,
                                            const char *name,
                                            const char *subtitle,
                                            double      share,
                                            const char *value);

G_END_DECLS
