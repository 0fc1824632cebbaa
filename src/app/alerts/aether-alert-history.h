/* aether-alert-history.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

GtkWidget *aether_alert_history_row_new (AetherService *service,
                                         JsonObject    *entry,
                                         gboolean       with_name);
char      *aether_alert_format_time     (AetherService *service,
                                         gint64         unix_us,
                                         gboolean       with_date);

G_END_DECLS
