/* aether-units.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean aether_normalize_unit (const char  *metric_type,
                                const char  *unit,
                                double      *factor,
                                const char **canonical);
gboolean aether_convert_value  (const char  *metric_type,
                                const char  *unit,
                                double       value,
                                double      *converted,
                                GError     **error);

G_END_DECLS
