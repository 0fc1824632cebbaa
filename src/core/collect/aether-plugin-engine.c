/* aether-plugin-engine.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Finds and loads device plugins with libpeas-1.0. Built-in plugins that
 * are embedded in the executable (the simulator) have their `.plugin` file
 * in our resources; installed ones live in PLUGINDIR; a user's own load the
 * same way from ~/.local/share/aetherlens/plugins and from every folder in
 * AETHERLENS_PLUGIN_PATH. An executable that runs from its build tree, not
 * installed (`_build/src/cli/aetherlens-cli`), also finds the plugins built
 * there, before any installed ones, which may be another version. A plugin
 * whose `X-AetherLens-ABI` is not ours is listed with the reason and never
 * loaded: loading it could crash us.
 *
 * Which plugins the user disabled is kept in a small key file (not
 * GSettings, so a headless server needs no schema). */

#define G_LOG_DOMAIN "aether-plugin-engine"

#include "config.h"

#include <errno.h>
#include <libpeas/peas.h>
#include <stdlib.h>

#include "aether-error.h"
#include "aether-plugin-engine.h"
#include "aether-version.h"

#define EMBEDDED_PLUGINS_PATH "resource:///io/github/aetherlens/plugins"

struct _AetherPluginEngine
{
  GObject     parent_instance;

  /* Owned references */
  PeasEngine *engine;
  GHashTable *providers;     /* module name → AetherDeviceProvider */
  GHashTable *load_errors;   /* module name → message */
  GHashTable *disabled;      /* set of module names */
  char       *state_file;
};

G_DEFINE_FINAL_TYPE (AetherPluginEngine, aether_plugin_engine, G_TYPE_OBJECT)

void
aether_plugin_info_free (AetherPluginInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->module_name);
  g_free (info->name);
  g_free (info->description);
  g_free (info->version);
  g_free (info->error);
  g_free (info);
}

static void
aether_plugin_engine_finalize (GObject *object)
{
  AetherPluginEngine *self = (AetherPluginEngine *)object;

  g_clear_pointer (&self->providers, g_hash_table_unref);
  g_clear_object (&self->engine);
  g_clear_pointer (&self->load_errors, g_hash_table_unref);
  g_clear_pointer (&self->disabled, g_hash_table_unref);
  g_clear_pointer (&self->state_file, g_free);

  G_OBJECT_CLASS (aether_plugin_engine_parent_class)->finalize (object);
}

static void
aether_plugin_engine_class_init (AetherPluginEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aether_plugin_engine_finalize;
}

static void
aether_plugin_engine_init (AetherPluginEngine *self)
{
  self->providers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->load_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->disabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
read_state (AetherPluginEngine *self)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_auto(GStrv) disabled = NULL;

  if (!g_key_file_load_from_file (keyfile, self->state_file, G_KEY_FILE_NONE, NULL))
    return;

  disabled = g_key_file_get_string_list (keyfile, "Plugins", "Disabled", NULL, NULL);
  for (guint i = 0; disabled != NULL && disabled[i] != NULL; i++)
    g_hash_table_add (self->disabled, g_strdup (disabled[i]));
}

static gboolean
write_state (AetherPluginEngine  *self,
             GError             **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autofree char *dir = g_path_get_dirname (self->state_file);
  g_autofree const char **names = (const char **)g_hash_table_get_keys_as_array (self->disabled, NULL);

  g_key_file_set_string_list (keyfile, "Plugins", "Disabled", names,
                              g_hash_table_size (self->disabled));

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO,
                   "Could not create %s: %s", dir, g_strerror (errno));
      return FALSE;
    }

  return g_key_file_save_to_file (keyfile, self->state_file, error);
}

/* Whether this executable lives in the build tree it was built in: then
 * it is being run uninstalled, and its plugins are beside it rather than in
 * PLUGINDIR. An installed copy, or one moved elsewhere, is not; both paths
 * are resolved, since /proc/self/exe names the real file. */
static gboolean
running_from_build_tree (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *root = realpath (AETHER_BUILD_ROOT, NULL);
  g_autofree char *prefix = NULL;

  if (exe == NULL || root == NULL)
    return FALSE;

  prefix = g_str_has_suffix (root, G_DIR_SEPARATOR_S) ? g_strdup (root) : g_strconcat (root, G_DIR_SEPARATOR_S, NULL);
  return g_str_has_prefix (exe, prefix);
}

/**
 * aether_plugin_engine_new:
 * @state_file: (nullable): where enabled/disabled choices are kept, or %NULL
 *   for `$XDG_CONFIG_HOME/aetherlens/plugins.ini`
 *
 * Returns: (transfer full): an engine with its search path set
 */
AetherPluginEngine *
aether_plugin_engine_new (const char *state_file)
{
  AetherPluginEngine *self = g_object_new (AETHER_TYPE_PLUGIN_ENGINE, NULL);
  g_autofree char *user_dir = g_build_filename (g_get_user_data_dir (), "aetherlens", "plugins", NULL);
  const char *env_path = g_getenv ("AETHERLENS_PLUGIN_PATH");

  self->state_file = state_file
    ? g_strdup (state_file)
    : g_build_filename (g_get_user_config_dir (), "aetherlens", "plugins.ini", NULL);
  read_state (self);

  /* A private engine: the app and the CLI have one each, tests many. */
  self->engine = peas_engine_new ();

  /* Earlier paths win when two plugins share a module name. */
  if (env_path != NULL)
    {
      g_auto(GStrv) dirs = g_strsplit (env_path, G_SEARCHPATH_SEPARATOR_S, -1);

      for (guint i = 0; dirs[i] != NULL; i++)
        if (dirs[i][0] != '\0')
          peas_engine_add_search_path (self->engine, dirs[i], NULL);
    }
  peas_engine_add_search_path (self->engine, user_dir, NULL);
  peas_engine_add_search_path (self->engine, EMBEDDED_PLUGINS_PATH, EMBEDDED_PLUGINS_PATH);
  /* libpeas looks one folder down: _build/plugins/shelly/shelly.plugin. */
  if (running_from_build_tree ())
    peas_engine_add_search_path (self->engine, AETHER_BUILD_PLUGINDIR, NULL);
  peas_engine_add_search_path (self->engine, PLUGINDIR, NULL);

  return self;
}

static gboolean
check_abi (const PeasPluginInfo  *info,
           GError               **error)
{
  const char *abi = peas_plugin_info_get_external_data (info, "AetherLens-ABI");
  g_autofree char *ours = g_strdup_printf ("%u", aether_plugin_abi ());

  if (abi == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                   "Plugin “%s” does not say which AetherLens plugin ABI it was built for "
                   "(X-AetherLens-ABI); this version needs %s",
                   peas_plugin_info_get_module_name (info), ours);
      return FALSE;
    }

  if (!g_str_equal (abi, ours))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                   "Plugin “%s” was built for AetherLens plugin ABI %s; this version needs %s",
                   peas_plugin_info_get_module_name (info), abi, ours);
      return FALSE;
    }

  return TRUE;
}

static void
load_one (AetherPluginEngine *self,
          PeasPluginInfo     *info)
{
  const char *module = peas_plugin_info_get_module_name (info);
  g_autoptr(GError) error = NULL;
  PeasExtension *extension;

  if (g_hash_table_contains (self->providers, module) ||
      g_hash_table_contains (self->disabled, module))
    return;

  g_hash_table_remove (self->load_errors, module);

  if (!check_abi (info, &error))
    {
      g_hash_table_insert (self->load_errors, g_strdup (module), g_strdup (error->message));
      return;
    }

  if (!peas_engine_load_plugin (self->engine, info))
    {
      const char *why = NULL;

      if (!peas_plugin_info_is_available (info, &error) && error != NULL)
        why = error->message;
      g_hash_table_insert (self->load_errors, g_strdup (module),
                           g_strdup_printf ("Plugin “%s” could not be loaded: %s",
                                            module, why ? why : "unknown error"));
      return;
    }

  if (!peas_engine_provides_extension (self->engine, info, AETHER_TYPE_DEVICE_PROVIDER))
    {
      g_hash_table_insert (self->load_errors, g_strdup (module),
                           g_strdup_printf ("Plugin “%s” provides no device provider", module));
      return;
    }

  extension = peas_engine_create_extension (self->engine, info, AETHER_TYPE_DEVICE_PROVIDER, NULL);
  if (extension == NULL)
    {
      g_hash_table_insert (self->load_errors, g_strdup (module),
                           g_strdup_printf ("Plugin “%s” failed to create its provider", module));
      return;
    }

  g_hash_table_insert (self->providers, g_strdup (module), extension);
}

/**
 * aether_plugin_engine_load_all:
 * @self: an engine
 *
 * Loads every enabled plugin on the search path whose ABI matches. Those
 * that fail are listed by aether_plugin_engine_list() with the reason.
 */
void
aether_plugin_engine_load_all (AetherPluginEngine *self)
{
  g_return_if_fail (AETHER_IS_PLUGIN_ENGINE (self));

  peas_engine_rescan_plugins (self->engine);

  for (const GList *l = peas_engine_get_plugin_list (self->engine); l; l = l->next)
    load_one (self, l->data);
}

/**
 * aether_plugin_engine_list:
 * @self: an engine
 *
 * Returns: (transfer full) (element-type AetherPluginInfo): every plugin found
 */
GPtrArray *
aether_plugin_engine_list (AetherPluginEngine *self)
{
  GPtrArray *list;

  g_return_val_if_fail (AETHER_IS_PLUGIN_ENGINE (self), NULL);

  list = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_plugin_info_free);

  for (const GList *l = peas_engine_get_plugin_list (self->engine); l; l = l->next)
    {
      PeasPluginInfo *pinfo = l->data;
      AetherPluginInfo *info = g_new0 (AetherPluginInfo, 1);
      const char *module = peas_plugin_info_get_module_name (pinfo);

      info->module_name = g_strdup (module);
      info->name = g_strdup (peas_plugin_info_get_name (pinfo));
      info->description = g_strdup (peas_plugin_info_get_description (pinfo));
      info->version = g_strdup (peas_plugin_info_get_version (pinfo));
      info->builtin = peas_plugin_info_is_builtin (pinfo) ||
                      g_str_has_prefix (peas_plugin_info_get_module_dir (pinfo), "resource://");
      info->enabled = !g_hash_table_contains (self->disabled, module);
      info->loaded = g_hash_table_contains (self->providers, module);
      info->error = g_strdup (g_hash_table_lookup (self->load_errors, module));
      g_ptr_array_add (list, info);
    }

  return list;
}

/**
 * aether_plugin_engine_get_provider:
 * @self: an engine
 * @module_name: a plugin's module name, as in a device's `configuration.plugin`
 * @error: a location for a #GError
 *
 * Returns: (transfer none): the plugin's provider, or %NULL with @error
 *   saying why it is not there
 */
AetherDeviceProvider *
aether_plugin_engine_get_provider (AetherPluginEngine  *self,
                                   const char          *module_name,
                                   GError             **error)
{
  AetherDeviceProvider *provider;
  const char *why;

  g_return_val_if_fail (AETHER_IS_PLUGIN_ENGINE (self), NULL);
  g_return_val_if_fail (module_name != NULL, NULL);

  if ((provider = g_hash_table_lookup (self->providers, module_name)))
    return provider;

  if (g_hash_table_contains (self->disabled, module_name))
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                 "Plugin “%s” is disabled", module_name);
  else if ((why = g_hash_table_lookup (self->load_errors, module_name)))
    g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED, why);
  else
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                 "No plugin named “%s” is installed", module_name);

  return NULL;
}

/**
 * aether_plugin_engine_set_enabled:
 * @self: an engine
 * @module_name: a plugin
 * @enabled: whether it may load
 * @error: a location for a #GError
 *
 * Remembers the choice. Enabling loads the plugin now; disabling takes
 * effect at the next start, as unloading a module under running polls is
 * not safe.
 *
 * Returns: %TRUE if the choice was saved
 */
gboolean
aether_plugin_engine_set_enabled (AetherPluginEngine  *self,
                                  const char          *module_name,
                                  gboolean             enabled,
                                  GError             **error)
{
  PeasPluginInfo *info;

  g_return_val_if_fail (AETHER_IS_PLUGIN_ENGINE (self), FALSE);
  g_return_val_if_fail (module_name != NULL, FALSE);

  if (!(info = peas_engine_get_plugin_info (self->engine, module_name)))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                   "No plugin named “%s” is installed", module_name);
      return FALSE;
    }

  if (enabled)
    g_hash_table_remove (self->disabled, module_name);
  else
    g_hash_table_add (self->disabled, g_strdup (module_name));

  if (!write_state (self, error))
    return FALSE;

  if (enabled)
    load_one (self, info);

  return TRUE;
}
