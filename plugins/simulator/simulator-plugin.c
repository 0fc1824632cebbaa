/* simulator-plugin.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Registers the simulator's types. The plugin is embedded in the
 * executables (`Embedded=` in simulator.plugin, which lives in our
 * resources), so the demo home works even with no plugin installed. */

#define G_LOG_DOMAIN "simulator-plugin"

#include "config.h"

#include <libpeas/peas.h>

#include "simulator-plugin.h"
#include "simulator-provider.h"

void
aether_simulator_register_types (PeasObjectModule *module)
{
  peas_object_module_register_extension_type (module,
                                              AETHER_TYPE_DEVICE_PROVIDER,
                                              SIMULATOR_TYPE_PROVIDER);
}

/**
 * aether_simulator_plugin_ensure:
 *
 * Keeps the embedded plugin in a statically linked executable: the linker
 * drops objects nothing refers to, and libpeas only finds the register
 * function by name at run time.
 */
void
aether_simulator_plugin_ensure (void)
{
  static volatile gpointer keep;

  keep = (gpointer)aether_simulator_register_types;
  (void)keep;
}
