/* kasa-provider.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aether-core.h"

G_BEGIN_DECLS

#define KASA_TYPE_PROVIDER (kasa_provider_get_type ())

G_DECLARE_FINAL_TYPE (KasaProvider, kasa_provider, KASA, PROVIDER, GObject)

void kasa_provider_register (GTypeModule *module);

G_END_DECLS
