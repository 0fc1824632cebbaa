/* kasa-plugin.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Registers the Kasa provider with libpeas. */

#define G_LOG_DOMAIN "kasa-plugin"

#include "config.h"

#include <libpeas/peas.h>

#include "kasa-provider.h"

G_MODULE_EXPORT void peas_register_types (PeasObjectModule *module);

G_MODULE_EXPORT void
peas_register_types (PeasObjectModule *module)
{
  kasa_provider_register (G_TYPE_MODULE (module));
  peas_object_module_register_extension_type (module, AETHER_TYPE_DEVICE_PROVIDER, KASA_TYPE_PROVIDER);
}
