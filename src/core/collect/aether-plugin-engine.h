/* aether-plugin-engine.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "aether-device-provider.h"

G_BEGIN_DECLS

/**
 * AetherPluginInfo:
 * @module_name: the plugin's name as devices refer to it (`shelly`, `simulator`)
 * @name: a name for people
 * @description: (nullable): what it supports
 * @version: (nullable): its version, from its `.plugin` file
 * @builtin: whether it ships with AetherLens
 * @enabled: whether the user lets it load
 * @loaded: whether it is loaded now
 * @error: (nullable): why it did not load, for a person
 *
 * A plugin found on the search path.
 */
typedef struct
{
  char     *module_name;
  char     *name;
  char     *description;
  char     *version;
  gboolean  builtin;
  gboolean  enabled;
  gboolean  loaded;
  char     *error;
} AetherPluginInfo;

void aether_plugin_info_free (AetherPluginInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherPluginInfo, aether_plugin_info_free)

#define AETHER_TYPE_PLUGIN_ENGINE (aether_plugin_engine_get_type ())

G_DECLARE_FINAL_TYPE (AetherPluginEngine, aether_plugin_engine, AETHER, PLUGIN_ENGINE, GObject)

AetherPluginEngine   *aether_plugin_engine_new          (const char          *state_file);
void                  aether_plugin_engine_load_all     (AetherPluginEngine  *self);
GPtrArray            *aether_plugin_engine_list         (AetherPluginEngine  *self);
AetherDeviceProvider *aether_plugin_engine_get_provider (AetherPluginEngine  *self,
                                                         const char          *module_name,
                                                         GError             **error);
gboolean              aether_plugin_engine_set_enabled  (AetherPluginEngine  *self,
                                                         const char          *module_name,
                                                         gboolean             enabled,
                                                         GError             **error);

G_END_DECLS
