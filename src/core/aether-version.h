/* aether-version.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

const char *aether_version_string (void);
guint       aether_plugin_abi      (void);

G_END_DECLS
