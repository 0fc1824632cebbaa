/* shelly-provider.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aether-core.h"

G_BEGIN_DECLS

#define SHELLY_TYPE_PROVIDER (shelly_provider_get_type ())

G_DECLARE_FINAL_TYPE (ShellyProvider, shelly_provider, SHELLY, PROVIDER, GObject)

void shelly_provider_register (GTypeModule *module);

G_END_DECLS
