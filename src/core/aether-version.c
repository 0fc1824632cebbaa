/* aether-version.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Build-time identity, so the CLI and the app report the same version. */

#define G_LOG_DOMAIN "aether-version"

#include "config.h"

#include "aether-version.h"

const char *
aether_version_string (void)
{
  return PACKAGE_VERSION;
}

/**
 * aether_plugin_abi:
 *
 * Returns: the plugin ABI this build accepts in a `.plugin` file's
 *   `X-AetherLens-ABI` key
 */
guint
aether_plugin_abi (void)
{
  return AETHER_PLUGIN_ABI;
}
