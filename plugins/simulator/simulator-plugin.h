/* simulator-plugin.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libpeas/peas.h>

G_BEGIN_DECLS

void aether_simulator_register_types (PeasObjectModule *module);
void aether_simulator_plugin_ensure  (void);

G_END_DECLS
