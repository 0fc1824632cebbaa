/* tasmota-provider.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aether-core.h"

G_BEGIN_DECLS

#define TASMOTA_TYPE_PROVIDER (tasmota_provider_get_type ())

G_DECLARE_FINAL_TYPE (TasmotaProvider, tasmota_provider, TASMOTA, PROVIDER, GObject)

void tasmota_provider_register (GTypeModule *module);

G_END_DECLS
