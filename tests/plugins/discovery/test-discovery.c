/* test-discovery.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Finding Shelly and Tasmota devices over mDNS, through a fake Avahi on a
 * private bus standing in for the system bus. The fake speaks Avahi's
 * D-Bus API as documented (Server.ServiceBrowserNew, ServiceBrowser's
 * ItemNew and AllForNow, Server.ResolveService) and announces devices whose
 * HTTP side is a fake device on 127.0.0.1 serving recorded answers. One
 * browser says everything before the reply that names it, as Avahi may. */

#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "aether-core.h"
#include "aether-test-util.h"

static const char avahi_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.Avahi.Server'>"
  "    <method name='ServiceBrowserNew'>"
  "      <arg type='i' direction='in'/><arg type='i' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='u' direction='in'/><arg type='o' direction='out'/>"
  "    </method>"
  "    <method name='ResolveService'>"
  "      <arg type='i' direction='in'/><arg type='i' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='i' direction='in'/>"
  "      <arg type='u' direction='in'/>"
  "      <arg type='i' direction='out'/><arg type='i' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='s' direction='out'/><arg type='s' direction='out'/><arg type='s' direction='out'/>"
  "      <arg type='i' direction='out'/><arg type='s' direction='out'/><arg type='q' direction='out'/>"
  "      <arg type='aay' direction='out'/><arg type='u' direction='out'/>"
  "    </method>"
  "  </interface>"
  "</node>";

typedef struct
{
  const char *name;
  const char *type;
  guint       server;      /* which fake device answers, or none */
  const char *txt;
} Announced;

/* Two announcements of one Gen2 device, a Gen1 plug, a Tasmota and a
 * printer nobody asked about. */
static const Announced announced[] = {
  { "shellyplusplugs-e86beaeaa000", "_shelly._tcp", 1, "gen=2;app=PlusPlugS;ver=1.7.5" },
  { "shellyplusplugs-e86beaeaa000", "_http._tcp", 1, "gen=2" },
  { "shellyplug-s-C38EAB", "_http._tcp", 2, NULL },
  { "tasmota-AB12CD-1234", "_http._tcp", 3, NULL },
  { "Office Printer", "_http._tcp", 0, NULL },
};

static GTestDBus *bus;

typedef struct
{
  GDBusConnection    *avahi;
  guint               avahi_object;
  guint               avahi_name;
  guint               n_browsers;
  SoupServer         *servers[4];
  guint16             ports[4];
  AetherPluginEngine *engine;
} Fixture;

static Fixture *current;

static void
emit_items (GDBusConnection *connection,
            const char      *path,
            const char      *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (announced); i++)
    if (g_str_equal (announced[i].type, type))
      /* Once per protocol, as Avahi does on a dual-stack network. */
      for (int protocol = 0; protocol < 2; protocol++)
        g_dbus_connection_emit_signal (connection, NULL, path, "org.freedesktop.Avahi.ServiceBrowser", "ItemNew",
                                       g_variant_new ("(iisssu)", 2, protocol, announced[i].name, type, "local", 0), NULL);
  g_dbus_connection_emit_signal (connection, NULL, path, "org.freedesktop.Avahi.ServiceBrowser", "AllForNow", NULL, NULL);
}

typedef struct
{
  char *path;
  char *type;
} Later;

static gboolean
emit_later (gpointer data)
{
  Later *later = data;

  emit_items (current->avahi, later->path, later->type);
  g_free (later->path);
  g_free (later->type);
  g_free (later);
  return G_SOURCE_REMOVE;
}

static void
avahi_method (GDBusConnection       *connection,
              const char            *sender,
              const char            *path,
              const char            *interface,
              const char            *method,
              GVariant              *parameters,
              GDBusMethodInvocation *invocation,
              gpointer               user_data)
{
  Fixture *f = user_data;

  if (g_str_equal (method, "ServiceBrowserNew"))
    {
      const char *type;
      g_autofree char *browser = g_strdup_printf ("/Client1/ServiceBrowser%u", ++f->n_browsers);

      g_variant_get (parameters, "(ii&s&su)", NULL, NULL, &type, NULL, NULL);
      if (f->n_browsers % 2 == 1)
        /* The race Avahi is known for: signals before the reply. */
        emit_items (connection, browser, type);
      else
        {
          Later *later = g_new0 (Later, 1);

          later->path = g_strdup (browser);
          later->type = g_strdup (type);
          g_idle_add (emit_later, later);
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", browser));
      return;
    }

  if (g_str_equal (method, "ResolveService"))
    {
      const char *name, *type;
      int iface, protocol;

      g_variant_get (parameters, "(ii&s&s&siu)", &iface, &protocol, &name, &type, NULL, NULL, NULL);
      for (guint i = 0; i < G_N_ELEMENTS (announced); i++)
        if (g_str_equal (announced[i].name, name) && g_str_equal (announced[i].type, type))
          {
            g_auto(GStrv) records = g_strsplit (announced[i].txt ? announced[i].txt : "", ";", -1);
            g_autoptr(GVariantBuilder) txt = g_variant_builder_new (G_VARIANT_TYPE ("aay"));
            g_autofree char *host = g_strdup_printf ("%s.local", name);

            for (guint r = 0; records[r] && records[r][0]; r++)
              g_variant_builder_add_value (txt, g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, records[r],
                                                                          strlen (records[r]), 1));
            g_dbus_method_invocation_return_value (invocation,
                                                   g_variant_new ("(iissssisqaayu)", iface, protocol, name, type,
                                                                  "local", host, 0, "127.0.0.1",
                                                                  announced[i].server ? f->ports[announced[i].server] : 631,
                                                                  txt, 0));
            return;
          }
      g_dbus_method_invocation_return_dbus_error (invocation, "org.freedesktop.Avahi.TimeoutError", "Timeout reached");
      return;
    }

  g_assert_not_reached ();
}

static const GDBusInterfaceVTable avahi_vtable = { avahi_method, NULL, NULL, { 0 } };

/* The fake devices' HTTP side: a path's recorded answer, by server. */
static void
device_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  const char *file = user_data;
  g_autofree char *full = g_build_filename (TEST_DATA_DIR, file, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *text = NULL;
  JsonNode *answer;

  g_assert_true (json_parser_load_from_file (parser, full, NULL));
  answer = json_parser_get_root (parser);
  /* Shelly dumps hold /shelly and the status; Tasmota's file is Status 0. */
  if (g_str_equal (path, "/shelly"))
    answer = json_object_get_member (json_node_get_object (answer), "shelly");
  else if (g_str_equal (path, "/status") || g_str_equal (path, "/rpc/Shelly.GetStatus"))
    answer = json_object_get_member (json_node_get_object (answer), "status");
  text = json_to_string (answer, FALSE);
  soup_server_message_set_status (msg, 200, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, text, strlen (text));
}

static void
start_avahi (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (avahi_xml, &error);
  g_autoptr(GVariant) reply = NULL;

  g_assert_no_error (error);
  f->avahi_object = g_dbus_connection_register_object (f->avahi, "/", info->interfaces[0], &avahi_vtable, f, NULL, &error);
  g_assert_no_error (error);
  reply = g_dbus_connection_call_sync (f->avahi, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "RequestName", g_variant_new ("(su)", "org.freedesktop.Avahi", 4),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error);
  g_assert_no_error (error);
}

static void
stop_avahi (Fixture *f)
{
  g_autoptr(GVariant) reply = NULL;

  reply = g_dbus_connection_call_sync (f->avahi, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                                       "ReleaseName", g_variant_new ("(s)", "org.freedesktop.Avahi"),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (f->avahi_object != 0)
    g_dbus_connection_unregister_object (f->avahi, f->avahi_object);
  f->avahi_object = 0;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  static const char *files[] = { NULL, "shelly/matterbridge_shellyplusplugs-E86BEAEAA000.json",
                                 "shelly/matterbridge_shellyplug-s-C38EAB.json",
                                 "tasmota/tasmoadmin_status0_plug_v11.1.0.json" };
  g_autoptr(GError) error = NULL;
  g_autofree char *state = NULL;

  current = f;
  f->avahi = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (bus),
                                                     G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                     G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                     NULL, NULL, &error);
  g_assert_no_error (error);
  start_avahi (f);

  for (guint i = 1; i < G_N_ELEMENTS (files); i++)
    {
      GSList *uris;

      f->servers[i] = soup_server_new (NULL, NULL);
      soup_server_add_handler (f->servers[i], NULL, device_handler, (gpointer)files[i], NULL);
      g_assert_true (soup_server_listen_local (f->servers[i], 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
      uris = soup_server_get_uris (f->servers[i]);
      f->ports[i] = g_uri_get_port (uris->data);
      g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);
    }

  state = g_build_filename (g_get_tmp_dir (), "aether-discovery-plugins.ini", NULL);
  f->engine = aether_plugin_engine_new (state);
  aether_plugin_engine_load_all (f->engine);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->engine);
  for (guint i = 1; i < G_N_ELEMENTS (f->servers); i++)
    {
      soup_server_disconnect (f->servers[i]);
      g_clear_object (&f->servers[i]);
    }
  stop_avahi (f);
  g_dbus_connection_close_sync (f->avahi, NULL, NULL);
  g_clear_object (&f->avahi);
  current = NULL;
}

static GPtrArray *
discover (Fixture     *f,
          const char  *plugin,
          GError     **error)
{
  AetherDeviceProvider *provider = aether_plugin_engine_get_provider (f->engine, plugin, NULL);
  g_autoptr(GAsyncResult) result = NULL;

  g_assert_true (aether_device_provider_can_discover (provider));
  aether_device_provider_discover_async (provider, NULL, aether_test_store_result, &result);
  return aether_device_provider_discover_finish (provider, aether_test_wait_for (&result), error);
}

static void
check_config (JsonObject *config,
              const char *plugin,
              const char *name,
              guint16     port)
{
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);

  g_assert_cmpstr (json_object_get_string_member (config, "plugin"), ==, plugin);
  g_assert_cmpstr (json_object_get_string_member (config, "ip_address"), ==, address);
  g_assert_cmpstr (json_object_get_string_member (config, "discovered_name"), ==, name);
}

static void
test_finds_shelly_and_tasmota (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shellies = discover (f, "shelly", &error);
  g_autoptr(GPtrArray) tasmotas = NULL;

  g_assert_no_error (error);
  /* One device per device, whatever it announced and on how many protocols. */
  g_assert_cmpuint (shellies->len, ==, 2);
  check_config (g_ptr_array_index (shellies, 0), "shelly", "shellyplug-s-C38EAB", f->ports[2]);
  check_config (g_ptr_array_index (shellies, 1), "shelly", "shellyplusplugs-e86beaeaa000", f->ports[1]);

  tasmotas = discover (f, "tasmota", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tasmotas->len, ==, 1);
  check_config (g_ptr_array_index (tasmotas, 0), "tasmota", "tasmota-AB12CD-1234", f->ports[3]);
}

static void
test_found_devices_probe (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) shellies = discover (f, "shelly", &error);
  AetherDeviceProvider *provider = aether_plugin_engine_get_provider (f->engine, "shelly", NULL);

  /* What discovery gives is a configuration the plugin can use as is. */
  for (guint i = 0; i < shellies->len; i++)
    {
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(AetherDeviceIdentity) id = NULL;

      aether_device_provider_probe_async (provider, g_ptr_array_index (shellies, i), NULL, aether_test_store_result, &result);
      id = aether_device_provider_probe_finish (provider, aether_test_wait_for (&result), &error);
      g_assert_no_error (error);
      g_assert_cmpstr (id->model, ==, i == 0 ? "SHPLG-S" : "SNPL-00112EU");
    }
}

static void
test_without_avahi_nothing_is_found (Fixture       *f,
                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  stop_avahi (f);
  found = discover (f, "shelly", &error);
  g_assert_null (found);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "Avahi is not running"));
}

static void
test_cli_lists_what_it_found (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-discovery-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *tasmota_line = NULL;
  g_autofree char *add_line = NULL;
  g_autoptr(GSubprocess) cli = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* The fakes answer on this thread's main context: wait without blocking it. */
  cli = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                          g_getenv ("AETHERLENS_CLI"), "--db", db, "devices", "discover", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (cli, NULL, NULL, aether_test_store_result, &result);
  g_assert_true (g_subprocess_communicate_utf8_finish (cli, aether_test_wait_for (&result), &out, &err, &error));
  g_test_message ("%s%s", out, err);
  g_assert_true (g_subprocess_get_successful (cli));

  tasmota_line = g_strdup_printf ("tasmota  127.0.0.1:%-12u tasmota-AB12CD-1234          Tasmota socket-1", f->ports[3]);
  add_line = g_strdup_printf ("aetherlens-cli devices add --plugin tasmota --name NAME --config ip_address=127.0.0.1:%u",
                              f->ports[3]);
  g_assert_nonnull (strstr (out, tasmota_line));
  g_assert_nonnull (strstr (out, add_line));
  g_assert_nonnull (strstr (out, "shellyplusplugs-e86beaeaa000 Shelly SNPL-00112EU"));
  g_assert_nonnull (strstr (out, "shellyplug-s-C38EAB          Shelly SHPLG-S"));
  g_assert_null (strstr (out, "Printer"));

  g_unlink (db);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  /* A private bus, which is the system bus for the code under test. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);
  g_setenv ("DBUS_SYSTEM_BUS_ADDRESS", g_test_dbus_get_bus_address (bus), TRUE);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/plugins/discovery/finds-shelly-and-tasmota", test_finds_shelly_and_tasmota);
  ADD ("/plugins/discovery/found-devices-probe", test_found_devices_probe);
  ADD ("/plugins/discovery/without-avahi-nothing-is-found", test_without_avahi_nothing_is_found);
  ADD ("/plugins/discovery/cli-lists-what-it-found", test_cli_lists_what_it_found);
#undef ADD

  status = g_test_run ();
  g_test_dbus_down (bus);
  g_object_unref (bus);
  return status;
}
