/* shelly-plugin.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Registers the Shelly provider with libpeas. */

#define G_LOG_DOMAIN "shelly-plugin"

#include "config.h"

#include <libpeas/peas.h>

#include "shelly-provider.h"

G_MODULE_EXPORT void peas_register_types (PeasObjectModule *module);

G_MODULE_EXPORT void
peas_register_types (PeasObjectModule *module)
{
  shelly_provider_register (G_TYPE_MODULE (module));
  peas_object_module_register_extension_type (module, AETHER_TYPE_DEVICE_PROVIDER, SHELLY_TYPE_PROVIDER);
}
