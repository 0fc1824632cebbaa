/* simulator-provider.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aether-core.h"

G_BEGIN_DECLS

#define SIMULATOR_TYPE_PROVIDER (simulator_provider_get_type ())

G_DECLARE_FINAL_TYPE (SimulatorProvider, simulator_provider, SIMULATOR, PROVIDER, GObject)

G_END_DECLS
