/* aether-cli-devices.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli devices`, `demo` and `collect`: the device registry, the
 * demo home, and the headless service. `collect` runs until its duration
 * is up or SIGTERM/SIGINT arrives, and then stores everything read before
 * it exits, so a service manager can stop it at any time. */

#define G_LOG_DOMAIN "aether-cli-devices"

#include "config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>

#include "aether-cli-private.h"
#include "aether-devices.h"
#include "store/aether-store-energy-series.h"

static const char *
member (JsonObject *object,
        const char *name)
{
  return aether_json_get_string_or (object, name, "");
}

static const char *
or_empty (const char *text)
{
  return text ? text : "";
}

/* A registry record typed, or NULL (said on stderr) when it is malformed. */
static AetherDevice *
typed_device (JsonNode *node)
{
  g_autoptr(GError) error = NULL;
  AetherDevice *device = aether_device_new_from_json (node, &error);

  if (device == NULL)
    g_printerr (_("Device %s is left out: %s\n"),
                aether_json_get_string_or (json_node_get_object (node), "device_id", "?"), error->message);
  return device;
}

static void
print_device_row (AetherDevice *device)
{
  AetherDeviceRecordStatus status;

  aether_device_get_status (device, &status);
  printf ("%-24s %-22s %-14s %-12s %-10s %s\n",
          aether_device_get_id (device), aether_device_get_name (device), aether_device_get_device_type (device),
          or_empty (aether_device_get_location_room (device)), or_empty (aether_device_get_plugin (device)),
          status.online ? _("online") : _("offline"));
}

static int
devices_list (AetherCliContext  *ctx,
              int                argc,
              char             **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the seed's Device JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) devices = NULL;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(devices = aether_store_list_devices (store, &error)))
    return aether_cli_fail (error);

  if (as_json)
    {
      g_autoptr(JsonArray) array = json_array_new ();
      g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

      for (guint i = 0; i < devices->len; i++)
        json_array_add_element (array, aether_secrets_redact_device (g_ptr_array_index (devices, i)));
      json_node_set_array (root, array);
      aether_cli_print_json (root);
      return AETHER_CLI_EXIT_OK;
    }

  if (devices->len == 0)
    {
      printf ("%s\n", _("No devices. Add one with “aetherlens-cli devices add”, or try the demo home with "
                        "“aetherlens-cli demo”."));
      return AETHER_CLI_EXIT_OK;
    }

  printf ("%-24s %-22s %-14s %-12s %-10s %s\n", _("ID"), _("NAME"), _("TYPE"), _("ROOM"), _("PLUGIN"), _("STATUS"));
  for (guint i = 0; i < devices->len; i++)
    {
      g_autoptr(AetherDevice) device = typed_device (g_ptr_array_index (devices, i));

      if (device != NULL)
        print_device_row (device);
    }

  return AETHER_CLI_EXIT_OK;
}

static int
devices_show (AetherCliContext  *ctx,
              int                argc,
              char             **argv)
{
  gboolean as_json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &as_json, N_("Print the seed's Device JSON"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("ID");
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(JsonNode) device = NULL;
  g_autoptr(AetherDevice) typed = NULL;
  AetherDeviceRecordStatus status;

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one device id"));
      return aether_cli_fail (error);
    }

  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(device = aether_store_get_device (store, argv[1], &error)))
    return aether_cli_fail (error);

  if (as_json)
    {
      g_autoptr(JsonNode) shown = aether_secrets_redact_device (device);

      aether_cli_print_json (shown);
      return AETHER_CLI_EXIT_OK;
    }

  if (!(typed = aether_device_new_from_json (device, &error)))
    return aether_cli_fail (error);
  printf ("%-14s %s\n", _("ID"), aether_device_get_id (typed));
  printf ("%-14s %s\n", _("Name"), aether_device_get_name (typed));
  printf ("%-14s %s\n", _("Type"), aether_device_get_device_type (typed));
  printf ("%-14s %s %s\n", _("Model"), or_empty (aether_device_get_manufacturer (typed)),
          or_empty (aether_device_get_model (typed)));
  printf ("%-14s %s\n", _("Room"), or_empty (aether_device_get_location_room (typed)));
  printf ("%-14s %s\n", _("Plugin"), or_empty (aether_device_get_plugin (typed)));
  {
    g_autoptr(JsonNode) redacted = aether_secrets_redact_device (device);
    g_autoptr(AetherDevice) shown = aether_device_new_from_json (redacted, NULL);
    const char *password = shown ? aether_device_get_plugin_setting (shown, "password") : NULL;

    /* Never the password itself: where it is kept. */
    if (password != NULL && *password != '\0')
      printf ("%-14s %s\n", _("Password"), password);
  }
  if (aether_device_get_status (typed, &status))
    {
      printf ("%-14s %s\n", _("Status"), status.online ? _("online") : _("offline"));
      printf ("%-14s %s\n", _("Last seen"), or_empty (status.last_seen));
      printf ("%-14s %" G_GINT64_FORMAT "\n", _("Errors"), status.error_count);
      printf ("%-14s %.1f h\n", _("Running"), status.total_runtime_hours);
    }

  return AETHER_CLI_EXIT_OK;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

static JsonNode *
parse_config_value (const AetherConfigField *fields,
                    const char              *key,
                    const char              *text)
{
  gboolean as_text = FALSE;
  JsonNode *node;

  /* A password or a name of digits is still text. */
  for (guint i = 0; fields != NULL && fields[i].key != NULL; i++)
    if (g_str_equal (fields[i].key, key))
      as_text = fields[i].type != AETHER_CONFIG_FIELD_INT && fields[i].type != AETHER_CONFIG_FIELD_BOOLEAN;

  /* Numbers and booleans as JSON; anything else is a string. */
  node = as_text ? NULL : aether_json_parse (text, -1, 1, NULL);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node))
    return node;
  g_clear_pointer (&node, json_node_unref);
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text);
  return node;
}

static int
devices_add (AetherCliContext  *ctx,
             int                argc,
             char             **argv)
{
  g_autofree char *plugin = NULL;
  g_autofree char *name = NULL;
  g_autofree char *room = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) configs = NULL;
  const GOptionEntry entries[] = {
    { "plugin", 0, 0, G_OPTION_ARG_STRING, &plugin, N_("The device's plugin (shelly, tasmota, kasa, simulator, …)"), "NAME" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name, N_("A name for people"), "TEXT" },
    { "room", 0, 0, G_OPTION_ARG_STRING, &room, N_("The room it is in"), "ROOM" },
    { "id", 0, 0, G_OPTION_ARG_STRING, &id, N_("Its id (default: made from the name)"), "ID" },
    { "config", 0, 0, G_OPTION_ARG_STRING_ARRAY, &configs, N_("A setting: ip_address=…, polling_interval=…, …"), "KEY=VALUE" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherPluginEngine) plugins = NULL;
  g_autoptr(JsonObject) configuration = json_object_new ();
  g_autoptr(JsonObject) plugin_config = json_object_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(AetherDeviceIdentity) identity = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autofree char *chosen = NULL;
  gboolean exact_id;
  AetherDeviceProvider *provider;

  g_option_context_set_summary (context, _("Add a device after asking it what it is."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);

  if (plugin == NULL || name == NULL)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--plugin and --name are required"));
      return aether_cli_fail (error);
    }

  plugins = aether_plugin_engine_new (NULL);
  aether_plugin_engine_load_all (plugins);
  if (!(provider = aether_plugin_engine_get_provider (plugins, plugin, &error)))
    return aether_cli_fail (error);

  json_object_set_string_member (configuration, "plugin", plugin);
  for (guint i = 0; configs && configs[i]; i++)
    {
      const char *eq = strchr (configs[i], '=');
      g_autofree char *key = NULL;

      if (eq == NULL || eq == configs[i])
        {
          g_set_error (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       _("--config “%s” is not KEY=VALUE"), configs[i]);
          return aether_cli_fail (error);
        }
      key = g_strndup (configs[i], eq - configs[i]);
      if (g_str_equal (key, "ip_address") || g_str_equal (key, "mac_address"))
        json_object_set_string_member (configuration, key, eq + 1);
      else
        json_object_set_member (plugin_config, key,
                                parse_config_value (aether_device_provider_get_config_fields (provider), key, eq + 1));
    }
  json_object_set_object_member (configuration, "plugin_config", json_object_ref (plugin_config));

  /* Settings a device could never be polled with are refused before it is
   * asked anything, naming the setting. */
  if (!aether_device_config_check (configuration, aether_device_provider_get_config_fields (provider), &error))
    return aether_cli_fail (error);

  /* Ask the device first: a wrong address is caught now, not in the log. */
  aether_device_provider_probe_async (provider, configuration, NULL, store_result, &result);
  if (!(identity = aether_device_provider_probe_finish (provider, wait_for (&result), &error)))
    {
      g_prefix_error (&error, _("The device did not answer as a %s device: "), plugin);
      return aether_cli_fail (error);
    }

  exact_id = id != NULL;
  if (id == NULL)
    id = aether_device_id_from_name (name);
  devices = aether_device_list_from_identity (identity, id, name, room, configuration);
  records = aether_device_list_to_json (devices);

  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)))
    return aether_cli_fail (error);

  /* A strip or a multi-channel relay is one registry device per channel,
   * all added or none; a name already used gets the next free id. */
  if (!(chosen = aether_devices_add (store, records, id, exact_id, aether_device_provider_get_config_fields (provider),
                                     &keyring_error, &error)))
    return aether_cli_fail (error);
  /* Passwords to the keyring where there is one; said when there is not. */
  if (keyring_error != NULL)
    g_printerr (_("No keyring to keep the password in (%s); it is kept in the database\n"), keyring_error->message);

  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *record = json_node_get_object (g_ptr_array_index (records, i));

      /* The ids chosen are in the records aether_devices_add() changed. */
      if (devices->len > 1)
        printf (_("Added %s (%s %s, channel %u) as %s\n"), aether_device_get_name (g_ptr_array_index (devices, i)),
                identity->manufacturer ? identity->manufacturer : "", identity->model ? identity->model : "", i + 1,
                aether_json_get_string (record, "device_id"));
      else
        printf (_("Added %s (%s %s) as %s\n"), name, identity->manufacturer ? identity->manufacturer : "",
                identity->model ? identity->model : "", chosen);
    }
  return AETHER_CLI_EXIT_OK;
}

static int
devices_remove (AetherCliContext  *ctx,
                int                argc,
                char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(JsonNode) removed = NULL;

  if (argc != 2)
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Give one device id"));
      return aether_cli_fail (error);
    }

  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)) ||
      !(removed = aether_devices_remove (store, argv[1], &error)))
    return aether_cli_fail (error);

  /* Nothing here can undo it: its passwords leave the keyring with it. */
  {
    g_autoptr(AetherDevice) device = aether_device_new_from_json (removed, NULL);

    if (device == NULL || aether_device_get_keyring_keys (device)[0] != NULL)
      aether_secrets_clear (argv[1], NULL);
  }

  printf (_("Removed %s; its readings stay in the history\n"), argv[1]);
  return AETHER_CLI_EXIT_OK;
}

static int
devices_set (AetherCliContext  *ctx,
             int                argc,
             char             **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  gboolean on;

  if (argc != 3 || (!g_str_equal (argv[2], "on") && !g_str_equal (argv[2], "off")))
    {
      g_set_error_literal (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("Usage: devices set ID on|off"));
      return aether_cli_fail (error);
    }
  on = g_str_equal (argv[2], "on");

  if (!(service = aether_service_new (ctx->db_path, ctx->clock, &error)))
    return aether_cli_fail (error);

  aether_service_set_state_async (service, argv[1], on, NULL, store_result, &result);
  if (!aether_service_set_state_finish (service, wait_for (&result), &error))
    return aether_cli_fail (error);

  printf (_("Turned %s %s\n"), argv[1], on ? _("on") : _("off"));
  return AETHER_CLI_EXIT_OK;
}

typedef struct
{
  char                 *plugin;
  JsonObject           *config;
  AetherDeviceIdentity *identity;
  GError               *error;
} Found;

static void
found_free (Found *found)
{
  g_free (found->plugin);
  json_object_unref (found->config);
  g_clear_pointer (&found->identity, aether_device_identity_free);
  g_clear_error (&found->error);
  g_free (found);
}

typedef struct
{
  guint      pending;
  GPtrArray *found;
  GPtrArray *notes;
} Discovery;

static void
on_found_probed (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Found *found = user_data;
  Discovery *d = g_object_get_data (object, "discovery");

  found->identity = aether_device_provider_probe_finish (AETHER_DEVICE_PROVIDER (object), result, &found->error);
  d->pending--;
}

static void
on_discovered (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  Discovery *d = user_data;
  AetherDeviceProvider *provider = AETHER_DEVICE_PROVIDER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) configs = aether_device_provider_discover_finish (provider, result, &error);

  d->pending--;
  if (configs == NULL)
    {
      /* Every mDNS plugin says the same when Avahi is away: say it once. */
      if (!g_ptr_array_find_with_equal_func (d->notes, error->message, g_str_equal, NULL))
        g_ptr_array_add (d->notes, g_strdup (error->message));
      return;
    }

  /* Ask each what it is, all at once. */
  for (guint i = 0; i < configs->len; i++)
    {
      Found *found = g_new0 (Found, 1);

      found->config = json_object_ref (g_ptr_array_index (configs, i));
      found->plugin = g_strdup (json_object_get_string_member (found->config, "plugin"));
      g_ptr_array_add (d->found, found);
      d->pending++;
      aether_device_provider_probe_async (provider, found->config, NULL, on_found_probed, found);
    }
}

static int
compare_found (gconstpointer a,
               gconstpointer b)
{
  const Found *x = *(Found **)a;
  const Found *y = *(Found **)b;
  int r = g_strcmp0 (x->plugin, y->plugin);

  return r != 0 ? r : g_ascii_strcasecmp (member (x->config, "discovered_name"), member (y->config, "discovered_name"));
}

static const char *
registered_as (GPtrArray  *devices,
               const char *plugin,
               const char *address)
{
  for (guint i = 0; devices && i < devices->len; i++)
    {
      AetherDevice *device = g_ptr_array_index (devices, i);

      if (aether_device_is_at (device, plugin, address))
        return aether_device_get_id (device);
    }
  return NULL;
}

static int
devices_discover (AetherCliContext  *ctx,
                  int                argc,
                  char             **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherPluginEngine) plugins = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify)found_free);
  g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
  Discovery d = { 0, found, notes };

  g_option_context_set_summary (context, _("Look for Shelly, Tasmota (through Avahi) and Kasa devices on the local "
                                           "network and say how to add each."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);

  plugins = aether_plugin_engine_new (NULL);
  aether_plugin_engine_load_all (plugins);
  infos = aether_plugin_engine_list (plugins);
  for (guint i = 0; i < infos->len; i++)
    {
      AetherPluginInfo *info = g_ptr_array_index (infos, i);
      AetherDeviceProvider *provider;

      if (!info->loaded || !(provider = aether_plugin_engine_get_provider (plugins, info->module_name, NULL)) ||
          !aether_device_provider_can_discover (provider))
        continue;
      g_object_set_data (G_OBJECT (provider), "discovery", &d);
      d.pending++;
      aether_device_provider_discover_async (provider, NULL, on_discovered, &d);
    }
  while (d.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < notes->len; i++)
    g_printerr ("%s\n", (char *)g_ptr_array_index (notes, i));
  if (found->len == 0)
    {
      printf ("%s\n", _("No devices found on the network. Devices can always be added by address with "
                        "“devices add”."));
      return AETHER_CLI_EXIT_OK;
    }

  g_ptr_array_sort (found, compare_found);

  /* Which are known already: a registry that cannot be read hides nothing. */
  if ((store = aether_store_open (ctx->db_path, ctx->clock, NULL)) &&
      (records = aether_store_list_devices (store, NULL)))
    devices = aether_device_list_from_json (records, NULL);

  for (guint i = 0; i < found->len; i++)
    {
      Found *f = g_ptr_array_index (found, i);
      const char *address = member (f->config, "ip_address");
      const char *known = registered_as (devices, f->plugin, address);

      printf ("%-8s %-22s %-28s ", f->plugin, address, member (f->config, "discovered_name"));
      if (f->identity != NULL)
        printf ("%s %s", f->identity->manufacturer ? f->identity->manufacturer : "", f->identity->model ? f->identity->model : "");
      else
        printf ("%s", f->error->message);
      printf ("\n");
      if (known != NULL)
        {
          /* TRANSLATORS: the id of a device in the registry */
          g_autofree char *note = g_strdup_printf (_("added already, as %s"), known);

          printf ("         %s\n", note);
        }
      else
        printf ("         aetherlens-cli devices add --plugin %s --name NAME --config ip_address=%s\n", f->plugin, address);
    }
  return AETHER_CLI_EXIT_OK;
}

static const AetherCliCommand devices_commands[] = {
  { "list",   devices_list,   N_("List the devices") },
  { "show",   devices_show,   N_("Show one device") },
  { "add",    devices_add,    N_("Add a device, after probing it") },
  { "discover", devices_discover, N_("Look for devices on the network") },
  { "remove", devices_remove, N_("Remove a device") },
  { "set",    devices_set,    N_("Switch a device on or off") },
  { NULL }
};

int
aether_cli_devices_main (AetherCliContext  *ctx,
                         int                argc,
                         char             **argv)
{
  return aether_cli_dispatch (ctx, "devices", devices_commands, argc, argv);
}

static void
print_backfill_progress (double   fraction,
                         gpointer user_data)
{
  int *last = user_data;
  int percent = (int)(fraction * 100);

  /* Every tenth, on stderr: the rows printed after stay clean. */
  if (percent / 10 > *last / 10 || percent == 100)
    {
      g_printerr (_("Backfilling history: %d %%\n"), percent);
      *last = percent;
    }
}

/* The demo home's history: @days back from now, priced with the stored
 * tariff, on the store's connection. */
static gboolean
backfill_demo (AetherStore          *store,
               guint64               seed,
               guint                 days,
               gboolean              show_progress,
               AetherBackfillStats  *stats,
               GError              **error)
{
  g_autoptr(AetherTariff) tariff = NULL;
  g_autoptr(AetherBackfill) backfill = aether_sim_demo_backfill_new (seed, NULL);
  guint n_versions = 0;
  int last = -1;

  if (!(tariff = aether_rates_load_tariff (store, &n_versions, error)))
    return FALSE;
  if (n_versions > 0)
    aether_store_set_pricer (store, AETHER_PRICER (tariff));
  if (!aether_store_backfill (store, backfill, days, show_progress ? print_backfill_progress : NULL, &last,
                              stats, error))
    {
      aether_store_set_pricer (store, NULL);
      return FALSE;
    }
  aether_store_set_pricer (store, NULL);
  return TRUE;
}

int
aether_cli_demo_main (AetherCliContext  *ctx,
                      int                argc,
                      char             **argv)
{
  int seed = 42;
  int days = 365;
  const GOptionEntry entries[] = {
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Which demo home (the same number, the same home)"), "N" },
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Days of history to write (default 365; 0 for none)"), "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  gboolean added_tariff = FALSE;

  g_option_context_set_summary (context, _("Add the simulated demo home's devices to the registry, and its tariff "
                                           "when there is none, with a year of history behind them."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (days < 0 || days > 3660)
    {
      g_set_error (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("--days must be from 0 to 3660, not %d"), days);
      return aether_cli_fail (error);
    }
  if (!(store = aether_store_open (ctx->db_path, ctx->clock, &error)))
    return aether_cli_fail (error);

  if (!(devices = aether_sim_add_demo_home (store, (guint64)seed, &added_tariff, &error)))
    return aether_cli_fail (error);

  printf (_("The demo home has %u devices:\n"), devices->len);
  for (guint i = 0; i < devices->len; i++)
    {
      g_autoptr(AetherDevice) device = typed_device (g_ptr_array_index (devices, i));

      if (device != NULL)
        print_device_row (device);
    }
  if (added_tariff)
    printf ("%s\n", _("It came with its tariff, a weekday peak from 16:00 to 21:00 (see “aetherlens-cli rates”)."));

  if (days > 0)
    {
      AetherBackfillStats stats;

      if (!backfill_demo (store, (guint64)seed, (guint)days, TRUE, &stats, &error))
        return aether_cli_fail (error);
      if (stats.skipped)
        printf ("%s\n", _("Its devices already have history: none was added."));
      else
        printf (g_dngettext (GETTEXT_PACKAGE, "It has %u day of history behind it.\n",
                             "It has %u days of history behind it.\n", stats.days),
                stats.days);
    }
  printf ("%s\n", _("Run “aetherlens-cli collect” to start reading them."));

  return AETHER_CLI_EXIT_OK;
}

/* `bench backfill`: the demo home's year written into a new database, as
 * `demo` writes it, then the maintenance run after it. */
int
aether_cli_bench_backfill (AetherCliContext  *ctx,
                           int                argc,
                           char             **argv)
{
  int days = 365;
  const GOptionEntry entries[] = {
    { "days", 0, 0, G_OPTION_ARG_INT, &days, N_("Days of history (default 365)"), "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(AetherClock) clock = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  AetherBackfillStats stats;
  AetherMaintainStats maintained;
  /* 2026-06-15 12:34:56 UTC: a year over both seasons, a day under way. */
  const gint64 now_s = G_GINT64_CONSTANT (1781526896);
  gint64 started;
  double cpu, backfill_s, backfill_cpu_s, maintain_s;

  g_option_context_set_summary (context, _("Time to write the demo home's history into a new database; prints JSON."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (days < 1 || days > 3660)
    {
      g_set_error (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--days must be from 1 to 3660, not %d"), days);
      return aether_cli_fail (error);
    }
  if (!(dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error)))
    return aether_cli_fail (error);
  path = g_build_filename (dir, "backfill.db", NULL);
  clock = aether_clock_new_manual (now_s * G_USEC_PER_SEC);
  if (!(store = aether_store_open (path, clock, &error)) ||
      !(devices = aether_sim_add_demo_home (store, 42, NULL, &error)))
    return aether_cli_fail (error);

  started = g_get_monotonic_time ();
  cpu = aether_cli_cpu_seconds (NULL);
  if (!backfill_demo (store, 42, (guint)days, FALSE, &stats, &error))
    return aether_cli_fail (error);
  backfill_s = (g_get_monotonic_time () - started) / 1e6;
  backfill_cpu_s = aether_cli_cpu_seconds (NULL) - cpu;

  started = g_get_monotonic_time ();
  if (!aether_store_maintain (store, now_s * G_USEC_PER_SEC, &maintained, &error))
    return aether_cli_fail (error);
  maintain_s = (g_get_monotonic_time () - started) / 1e6;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "benchmark");
  json_builder_add_string_value (builder, "backfill");
  json_builder_set_member_name (builder, "devices");
  json_builder_add_int_value (builder, devices->len);
  json_builder_set_member_name (builder, "days");
  json_builder_add_int_value (builder, stats.days);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, (gint64)stats.rows);
  json_builder_set_member_name (builder, "backfill_s");
  json_builder_add_double_value (builder, backfill_s);
  json_builder_set_member_name (builder, "backfill_cpu_s");
  json_builder_add_double_value (builder, backfill_cpu_s);
  json_builder_set_member_name (builder, "maintain_after_s");
  json_builder_add_double_value (builder, maintain_s);
  json_builder_set_member_name (builder, "maintain_after_rows_deleted");
  json_builder_add_int_value (builder, (gint64)maintained.deleted);
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "backfill_s");
  json_builder_add_string_value (builder, "<= 10 for a year");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  aether_cli_print_json (root);

  g_clear_object (&store);
  aether_cli_remove_bench_dir (dir);
  return AETHER_CLI_EXIT_OK;
}


static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

static double
median_ms (GArray *times)
{
  g_array_sort (times, compare_doubles);
  return times->len ? g_array_index (times, double, times->len / 2) : 0;
}

/* `bench chart`: the store's half of a History frame on the demo home's
 * backfilled year: eight power series over the year at 1,000 columns (the
 * page's query, aether_store_query()), and a range change: a month's daily
 * bars of the eight (aether_store_energy_series_for_devices()) with their
 * columns. The drawing half needs GTK, which the CLI does not link: it is
 * `meson test --benchmark bench-history-chart`. */
int
aether_cli_bench_chart (AetherCliContext  *ctx,
                        int                argc,
                        char             **argv)
{
  int frames = 30;
  const GOptionEntry entries[] = {
    { "frames", 0, 0, G_OPTION_ARG_INT, &frames, N_("Frames to time (default 30)"), "N" },
    { NULL }
  };
  static const char * const series[] = {
    "demo-heat_pump", "demo-water_heater", "demo-ev_charger", "demo-fridge",
    "demo-washer", "demo-dryer", "demo-dishwasher", "demo-office_pc", NULL,
  };
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(AetherClock) clock = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherStore) reader = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GArray) frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) change_ms = g_array_new (FALSE, FALSE, sizeof (double));
  const gint64 now_s = G_GINT64_CONSTANT (1781526896);
  gint64 year_from = (now_s - 365 * 86400) * G_USEC_PER_SEC, year_to = now_s * G_USEC_PER_SEC;

  g_option_context_set_summary (context, _("The store's half of a History frame on a year of the demo home; prints JSON."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);
  if (frames < 1 || frames > 10000)
    {
      g_set_error (&error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("--frames must be from 1 to 10000, not %d"), frames);
      return aether_cli_fail (error);
    }
  if (!(dir = g_dir_make_tmp ("aetherlens-bench-XXXXXX", &error)))
    return aether_cli_fail (error);
  path = g_build_filename (dir, "chart.db", NULL);
  clock = aether_clock_new_manual (now_s * G_USEC_PER_SEC);
  if (!(store = aether_store_open (path, clock, &error)) ||
      !(devices = aether_sim_add_demo_home (store, 42, NULL, &error)) ||
      !backfill_demo (store, 42, 365, FALSE, NULL, &error) ||
      !(reader = aether_store_open_reader (store, &error)) ||
      !(tariff = aether_rates_load_tariff (reader, NULL, &error)))
    return aether_cli_fail (error);

  for (int f = 0; f < frames; f++)
    {
      gint64 start = g_get_monotonic_time ();
      double ms;

      for (guint i = 0; series[i] != NULL; i++)
        {
          g_autoptr(GArray) columns = aether_store_query (reader, series[i], "power", year_from, year_to, 1000, -1,
                                                          NULL, &error);

          if (columns == NULL)
            return aether_cli_fail (error);
        }
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (frame_ms, ms);
    }

  for (int f = 0; f < frames; f++)
    {
      /* A month further back each time: nothing cached from the last. */
      gint64 to = year_to - (gint64)(f % 11) * 30 * 86400 * G_USEC_PER_SEC;
      gint64 from = to - (gint64)30 * 86400 * G_USEC_PER_SEC;
      g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_autoptr(GPtrArray) bars = NULL;
      gint64 start = g_get_monotonic_time ();
      double ms;

      for (gint64 t = from; t <= to; t += (gint64)86400 * G_USEC_PER_SEC)
        g_array_append_val (edges, t);
      if (!(bars = aether_store_energy_series_for_devices (reader, series, (const gint64 *)(gpointer)edges->data,
                                                           edges->len, AETHER_PRICER (tariff), NULL, &error)))
        return aether_cli_fail (error);
      for (guint i = 0; series[i] != NULL; i++)
        {
          g_autoptr(GArray) columns = aether_store_query (reader, series[i], "power", from, to, 1000, -1, NULL, &error);

          if (columns == NULL)
            return aether_cli_fail (error);
        }
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (change_ms, ms);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "benchmark");
  json_builder_add_string_value (builder, "chart");
  json_builder_set_member_name (builder, "data");
  json_builder_add_string_value (builder, "the demo home's backfilled year, 8 power series, 1000 columns");
  json_builder_set_member_name (builder, "frames");
  json_builder_add_int_value (builder, frames);
  json_builder_set_member_name (builder, "query_median_ms_per_frame");
  json_builder_add_double_value (builder, median_ms (frame_ms));
  json_builder_set_member_name (builder, "range_change_query_median_ms");
  json_builder_add_double_value (builder, median_ms (change_ms));
  json_builder_set_member_name (builder, "note");
  json_builder_add_string_value (builder, "the store's half; the whole path (snapshot+render per frame, target 4 ms, and a range "
                                          "change on the History page to its drawn frame, target 50 ms) is timed by "
                                          "`meson test -C _build --benchmark bench-history-chart` (the CLI links no GTK)");
  json_builder_set_member_name (builder, "targets");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "frame_ms");
  json_builder_add_string_value (builder, "<= 4 (snapshot and render)");
  json_builder_set_member_name (builder, "range_change_to_drawn_frame_ms");
  json_builder_add_string_value (builder, "<= 50");
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  aether_cli_print_json (root);

  g_clear_object (&reader);
  g_clear_object (&store);
  aether_cli_remove_bench_dir (dir);
  return AETHER_CLI_EXIT_OK;
}

typedef struct
{
  GMainLoop *loop;
  int        signal_number;
} StopRequest;

static gboolean
on_signal (gpointer user_data)
{
  StopRequest *request = user_data;

  g_main_loop_quit (request->loop);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_duration (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
aether_cli_collect_main (AetherCliContext  *ctx,
                         int                argc,
                         char             **argv)
{
  int duration = 0;
  gboolean new_database = FALSE;
  g_autofree char *api_address = NULL;
  g_autofree char *mqtt_url = NULL;
  const GOptionEntry entries[] = {
    { "duration", 0, 0, G_OPTION_ARG_INT, &duration, N_("Stop after this many seconds (default: run until stopped)"), "SECONDS" },
    { "new-database", 0, 0, G_OPTION_ARG_NONE, &new_database,
      N_("Collect into a new database although a damaged one was moved aside"), NULL },
    { "api", 0, 0, G_OPTION_ARG_STRING, &api_address,
      N_("Serve the local API (tokens: “aetherlens-cli tokens”) on this address; a port alone is on 127.0.0.1"),
      "ADDRESS:PORT" },
    { "mqtt", 0, 0, G_OPTION_ARG_STRING, &mqtt_url,
      N_("Publish readings and Home Assistant discovery to this MQTT broker (log in with “aetherlens-cli mqtt login”)"),
      "mqtt://HOST:PORT" },
    { NULL }
  };
  g_autoptr(AetherApiServer) api = NULL;
  g_autoptr(AetherMqtt) mqtt = NULL;
  g_autofree char *moved_aside = NULL;
  g_autoptr(GOptionContext) context = g_option_context_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  StopRequest request = { 0 };
  guint sigterm, sigint;
  guint n;

  g_option_context_set_summary (context, _("Collect readings, keep the database maintained and raise alerts, "
                                           "without a display. SIGTERM or Ctrl+C stop it after storing "
                                           "everything read."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    return aether_cli_fail (error);

  if (!(service = aether_service_new (ctx->db_path, ctx->clock, &error)) ||
      !aether_service_lock_collector (service, &error))
    return aether_cli_fail (error);
  if (!new_database && (moved_aside = aether_store_find_moved_aside (aether_service_get_store (service))))
    {
      g_set_error (&error, AETHER_ERROR, AETHER_ERROR_CORRUPT,
                   _("%s is a new, empty database: the damaged one was moved to %s. Restore a backup "
                     "with “aetherlens-cli db restore”, or run “aetherlens-cli collect --new-database” "
                     "to start afresh"),
                   ctx->db_path, moved_aside);
      return aether_cli_fail (error);
    }

  n = aether_service_load (service, &error);
  if (error != NULL)
    return aether_cli_fail (error);
  if (n == 0)
    g_printerr ("%s\n", _("No devices to collect. Add one with “aetherlens-cli devices add”, or try "
                          "“aetherlens-cli demo”."));

  if (api_address != NULL)
    {
      g_autoptr(GInetAddress) bound = NULL;

      api = aether_api_server_new (service);
      if (!aether_api_server_listen (api, api_address, &error))
        return aether_cli_fail (error);
      bound = g_inet_address_new_from_string (aether_api_server_get_host (api));
      g_printerr (_("Serving the local API on http://%s%s%s:%u/\n"),
                  strchr (aether_api_server_get_host (api), ':') ? "[" : "", aether_api_server_get_host (api),
                  strchr (aether_api_server_get_host (api), ':') ? "]" : "", aether_api_server_get_port (api));
      if (bound != NULL && !g_inet_address_get_is_loopback (bound))
        g_printerr ("%s\n", _("The API is open to other machines on the network: only requests with a token are answered."));
    }

  if (mqtt_url != NULL)
    {
      g_autofree char *host = NULL;
      g_autofree char *id = NULL;
      g_autofree char *username = NULL;
      g_autofree char *password = NULL;
      guint16 port;

      if (!aether_mqtt_parse_url (mqtt_url, &host, &port, &error))
        return aether_cli_fail (error);
      /* The broker's login, when one was stored; else anonymous. */
      id = aether_mqtt_keyring_id (host, port);
      if ((username = aether_secrets_lookup (id, "username", NULL)) != NULL)
        password = aether_secrets_lookup (id, "password", NULL);
      if (!(mqtt = aether_mqtt_new (service, mqtt_url, username, password, &error)))
        return aether_cli_fail (error);
      aether_mqtt_start (mqtt);
      g_printerr (_("Publishing to the MQTT broker %s:%u%s\n"), host, port,
                  username ? "" : _(" (without logging in)"));
    }

  loop = g_main_loop_new (NULL, FALSE);
  request.loop = loop;
  sigterm = g_unix_signal_add (SIGTERM, on_signal, &request);
  sigint = g_unix_signal_add (SIGINT, on_signal, &request);
  if (duration > 0)
    g_timeout_add_seconds ((guint)duration, on_duration, loop);

  /* The database cannot keep readings any more: stop, and fail. */
  g_signal_connect_swapped (service, "store-failed", G_CALLBACK (g_main_loop_quit), loop);
  g_printerr (_("Collecting %u devices into %s\n"), n, ctx->db_path);
  aether_service_start (service);
  g_main_loop_run (loop);

  g_source_remove (sigterm);
  g_source_remove (sigint);
  if (api != NULL)
    aether_api_server_stop (api);
  if (mqtt != NULL)
    aether_mqtt_stop (mqtt);

  if (!aether_service_stop (service, &error))
    return aether_cli_fail (error);

  g_printerr (_("Stopped after %u polls; everything read is stored\n"),
              aether_collector_get_n_polls (aether_service_get_collector (service)));
  return AETHER_CLI_EXIT_OK;
}
