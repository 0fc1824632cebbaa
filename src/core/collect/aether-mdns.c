/* aether-mdns.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Finds services on the local network through Avahi's D-Bus API on the
 * system bus, the way GNOME's own file and printer dialogs do: a
 * ServiceBrowser per service type, then ResolveService for each item, done
 * when every browser said AllForNow or the time is up. Nothing of ours
 * sends multicast; without Avahi there is simply nothing to find, and the
 * caller is told so (AETHER_ERROR_UNSUPPORTED) to say it to the user.
 *
 * Avahi may emit a browser's first signals before the reply that names its
 * path reaches us, so signals of unknown browsers are kept and replayed
 * once the path is known. */

#define G_LOG_DOMAIN "aether-mdns"

#include "config.h"

#include <string.h>

#include "aether-error.h"
#include "aether-mdns.h"

#define AVAHI_NAME               "org.freedesktop.Avahi"
#define AVAHI_SERVER             "org.freedesktop.Avahi.Server"
#define AVAHI_SERVICE_BROWSER    "org.freedesktop.Avahi.ServiceBrowser"
#define AVAHI_IF_UNSPEC          (-1)
#define AVAHI_PROTO_UNSPEC       (-1)
#define AVAHI_PROTO_INET         0

void
aether_mdns_service_free (AetherMdnsService *service)
{
  if (service == NULL)
    return;
  g_free (service->name);
  g_free (service->type);
  g_free (service->host);
  g_free (service->address);
  g_strfreev (service->txt);
  g_free (service);
}

/**
 * aether_mdns_service_get_txt:
 * @service: a service
 * @key: a TXT key, e.g. `gen`
 *
 * Returns: (nullable): the value of @key in the service's TXT records
 */
const char *
aether_mdns_service_get_txt (const AetherMdnsService *service,
                             const char              *key)
{
  gsize len = strlen (key);

  for (guint i = 0; service->txt && service->txt[i]; i++)
    if (g_ascii_strncasecmp (service->txt[i], key, len) == 0 && service->txt[i][len] == '=')
      return service->txt[i] + len + 1;
  return NULL;
}

/**
 * aether_mdns_service_dup_authority:
 * @service: a service
 * @default_port: the port the device family always uses
 *
 * Returns: the address as a device's `ip_address`: `192.168.1.30`, or
 *   `192.168.1.30:8080` when the port is not the usual one
 */
char *
aether_mdns_service_dup_authority (const AetherMdnsService *service,
                                   guint16                  default_port)
{
  if (service->port == default_port || service->port == 0)
    return g_strdup (service->address);
  return g_strdup_printf ("%s:%u", service->address, service->port);
}

/**
 * aether_mdns_service_to_config:
 * @service: a service
 * @plugin: the plugin that recognised it
 * @default_port: the port the device family always uses
 *
 * Returns: (transfer full): a device `configuration` for @service, as
 *   #AetherDeviceProviderInterface.discover_finish returns them, with the
 *   name it announced as `discovered_name`
 */
JsonObject *
aether_mdns_service_to_config (const AetherMdnsService *service,
                               const char              *plugin,
                               guint16                  default_port)
{
  JsonObject *config = json_object_new ();
  g_autofree char *authority = aether_mdns_service_dup_authority (service, default_port);

  json_object_set_string_member (config, "plugin", plugin);
  json_object_set_string_member (config, "ip_address", authority);
  json_object_set_string_member (config, "discovered_name", service->name);
  json_object_set_object_member (config, "plugin_config", json_object_new ());
  return config;
}

typedef struct
{
  char  *path;
  char  *member;
  GVariant *parameters;
} EarlySignal;

static void
early_signal_free (EarlySignal *signal)
{
  g_free (signal->path);
  g_free (signal->member);
  g_variant_unref (signal->parameters);
  g_free (signal);
}

typedef struct
{
  GDBusConnection *bus;
  char           **types;
  guint            n_browsers_pending;
  GPtrArray       *browsers;      /* object paths */
  guint            n_all_for_now;
  guint            n_resolving;
  guint            subscription;
  GHashTable      *seen;          /* "name\ttype" */
  GPtrArray       *services;
  GPtrArray       *early;
  GSource         *timeout;
  gboolean         done;
} Browse;

static void
browse_free (gpointer data)
{
  Browse *b = data;

  if (b->subscription != 0)
    g_dbus_connection_signal_unsubscribe (b->bus, b->subscription);
  g_clear_object (&b->bus);
  g_strfreev (b->types);
  g_ptr_array_unref (b->browsers);
  g_hash_table_unref (b->seen);
  g_ptr_array_unref (b->services);
  g_ptr_array_unref (b->early);
  if (b->timeout != NULL)
    g_source_destroy (b->timeout);
  g_clear_pointer (&b->timeout, g_source_unref);
  g_free (b);
}

static int
compare_services (gconstpointer a,
                  gconstpointer b)
{
  const AetherMdnsService *x = *(AetherMdnsService **)a;
  const AetherMdnsService *y = *(AetherMdnsService **)b;
  int r = g_ascii_strcasecmp (x->name, y->name);

  return r != 0 ? r : g_strcmp0 (x->type, y->type);
}

/* Ends the browse once, with what was found, or with @error. */
static void
browse_end (GTask  *task,
            GError *error)
{
  Browse *b = g_task_get_task_data (task);

  if (b->done)
    {
      g_clear_error (&error);
      return;
    }
  b->done = TRUE;

  g_source_destroy (b->timeout);
  if (b->subscription != 0)
    {
      g_dbus_connection_signal_unsubscribe (b->bus, b->subscription);
      b->subscription = 0;
    }
  for (guint i = 0; b->bus != NULL && i < b->browsers->len; i++)
    g_dbus_connection_call (b->bus, AVAHI_NAME, g_ptr_array_index (b->browsers, i), AVAHI_SERVICE_BROWSER, "Free",
                            NULL, NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL, NULL);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    {
      g_ptr_array_sort (b->services, compare_services);
      g_task_return_pointer (task, g_ptr_array_ref (b->services), (GDestroyNotify)g_ptr_array_unref);
    }
}

static void
maybe_end (GTask *task)
{
  Browse *b = g_task_get_task_data (task);

  if (b->n_browsers_pending == 0 && b->n_all_for_now >= b->browsers->len && b->n_resolving == 0)
    browse_end (task, NULL);
}

static void
on_resolved (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Browse *b = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  g_autoptr(GVariantIter) txt = NULL;
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_free);
  AetherMdnsService *service;
  GVariant *record;
  gint32 iface, protocol, aprotocol;
  guint32 flags;
  const char *name, *type, *domain, *host, *address;
  guint16 port;

  b->n_resolving--;
  if (b->done)
    return;
  if (reply == NULL)
    {
      /* A device that went away between browse and resolve. */
      g_debug ("Could not resolve a service: %s", error->message);
      maybe_end (task);
      return;
    }

  g_variant_get (reply, "(ii&s&s&s&si&sqaayu)", &iface, &protocol, &name, &type, &domain, &host,
                 &aprotocol, &address, &port, &txt, &flags);
  while ((record = g_variant_iter_next_value (txt)))
    {
      gsize len = 0;
      const char *bytes = g_variant_get_fixed_array (record, &len, 1);

      if (g_utf8_validate_len (bytes, len, NULL))
        g_ptr_array_add (records, g_strndup (bytes, len));
      g_variant_unref (record);
    }
  g_ptr_array_add (records, NULL);

  service = g_new0 (AetherMdnsService, 1);
  service->name = g_strdup (name);
  service->type = g_strdup (type);
  service->host = g_strdup (host);
  service->address = g_strdup (address);
  service->port = port;
  service->txt = g_strdupv ((char **)records->pdata);
  g_ptr_array_add (b->services, service);

  maybe_end (task);
}

static void
handle_signal (GTask      *task,
               const char *member,
               GVariant   *parameters)
{
  Browse *b = g_task_get_task_data (task);

  if (g_str_equal (member, "ItemNew") && g_variant_is_of_type (parameters, G_VARIANT_TYPE ("(iisssu)")))
    {
      gint32 iface, protocol;
      const char *name, *type, *domain;
      guint32 flags;
      char *key;

      g_variant_get (parameters, "(ii&s&s&su)", &iface, &protocol, &name, &type, &domain, &flags);
      /* One device shows once per interface and protocol: resolve it once. */
      key = g_strdup_printf ("%s\t%s", name, type);
      if (!g_hash_table_add (b->seen, key))
        return;

      b->n_resolving++;
      g_dbus_connection_call (b->bus, AVAHI_NAME, "/", AVAHI_SERVER, "ResolveService",
                              g_variant_new ("(iisssiu)", iface, protocol, name, type, domain, AVAHI_PROTO_INET, 0),
                              G_VARIANT_TYPE ("(iissssisqaayu)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                              g_task_get_cancellable (task), on_resolved, g_object_ref (task));
    }
  else if (g_str_equal (member, "AllForNow"))
    {
      b->n_all_for_now++;
      maybe_end (task);
    }
  else if (g_str_equal (member, "Failure"))
    {
      g_debug ("An Avahi browser failed: %s", g_variant_get_type_string (parameters));
      b->n_all_for_now++;
      maybe_end (task);
    }
}

static gboolean
is_our_browser (Browse     *b,
                const char *path)
{
  for (guint i = 0; i < b->browsers->len; i++)
    if (g_str_equal (g_ptr_array_index (b->browsers, i), path))
      return TRUE;
  return FALSE;
}

static void
on_signal (GDBusConnection *bus,
           const char      *sender,
           const char      *path,
           const char      *interface,
           const char      *member,
           GVariant        *parameters,
           gpointer         user_data)
{
  GTask *task = user_data;
  Browse *b = g_task_get_task_data (task);

  if (b->done)
    return;

  if (is_our_browser (b, path))
    handle_signal (task, member, parameters);
  else if (b->n_browsers_pending > 0)
    {
      EarlySignal *early = g_new0 (EarlySignal, 1);

      early->path = g_strdup (path);
      early->member = g_strdup (member);
      early->parameters = g_variant_ref (parameters);
      g_ptr_array_add (b->early, early);
    }
}

static void
on_browser_new (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Browse *b = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  const char *path;

  b->n_browsers_pending--;
  if (b->done)
    return;

  if (reply == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        browse_end (task, g_steal_pointer (&error));
      else if (g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN) ||
               g_error_matches (error, G_DBUS_ERROR, G_DBUS_ERROR_NAME_HAS_NO_OWNER))
        browse_end (task, g_error_new_literal (AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                                               "Avahi is not running, so devices cannot be found on the network; "
                                               "add them by their address"));
      else
        {
          g_dbus_error_strip_remote_error (error);
          browse_end (task, g_error_new (AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                                         "Avahi could not look for devices (%s); add them by their address",
                                         error->message));
        }
      return;
    }

  g_variant_get (reply, "(&o)", &path);
  g_ptr_array_add (b->browsers, g_strdup (path));

  /* Replay what this browser said before we knew its name. */
  for (guint i = 0; i < b->early->len && !b->done; i++)
    {
      EarlySignal *early = g_ptr_array_index (b->early, i);

      if (g_str_equal (early->path, path))
        handle_signal (task, early->member, early->parameters);
    }
  maybe_end (task);
}

static gboolean
on_timeout (gpointer user_data)
{
  GTask *task = user_data;

  /* What was found in time is the answer. */
  browse_end (task, NULL);
  return G_SOURCE_REMOVE;
}

static void
on_bus (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Browse *b = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  b->bus = g_bus_get_finish (result, &error);
  if (b->bus == NULL)
    {
      g_debug ("No system bus: %s", error->message);
      browse_end (task, g_error_new_literal (AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                                             "Avahi is not running, so devices cannot be found on the network; "
                                             "add them by their address"));
      return;
    }

  /* Subscribed before any browser exists, so that no ItemNew is missed. */
  b->subscription = g_dbus_connection_signal_subscribe (b->bus, NULL, AVAHI_SERVICE_BROWSER, NULL, NULL, NULL,
                                                        G_DBUS_SIGNAL_FLAGS_NONE, on_signal,
                                                        g_object_ref (task), g_object_unref);

  for (guint i = 0; b->types[i] != NULL; i++)
    {
      b->n_browsers_pending++;
      g_dbus_connection_call (b->bus, AVAHI_NAME, "/", AVAHI_SERVER, "ServiceBrowserNew",
                              g_variant_new ("(iissu)", AVAHI_IF_UNSPEC, AVAHI_PROTO_UNSPEC, b->types[i], "", 0),
                              G_VARIANT_TYPE ("(o)"), G_DBUS_CALL_FLAGS_NONE, 5000,
                              g_task_get_cancellable (task), on_browser_new, g_object_ref (task));
    }
}

/**
 * aether_mdns_browse_async:
 * @types: service types to look for, e.g. `_http._tcp`
 * @timeout_ms: the longest to look
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the services found
 * @user_data: data for @callback
 *
 * Asks Avahi for the services of @types on the local network and resolves
 * each to an address.
 */
void
aether_mdns_browse_async (const char * const  *types,
                          guint                timeout_ms,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSource) timeout = g_timeout_source_new (timeout_ms);
  Browse *b = g_new0 (Browse, 1);

  g_return_if_fail (types != NULL && types[0] != NULL);

  g_task_set_source_tag (task, aether_mdns_browse_async);
  b->types = g_strdupv ((char **)types);
  b->browsers = g_ptr_array_new_with_free_func (g_free);
  b->seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  b->services = g_ptr_array_new_with_free_func ((GDestroyNotify)aether_mdns_service_free);
  b->early = g_ptr_array_new_with_free_func ((GDestroyNotify)early_signal_free);
  g_task_set_task_data (task, b, browse_free);

  b->timeout = g_source_ref (timeout);
  g_task_attach_source (task, timeout, on_timeout);
  g_bus_get (G_BUS_TYPE_SYSTEM, cancellable, on_bus, g_object_ref (task));
}

/**
 * aether_mdns_browse_finish:
 * @result: the result
 * @error: %AETHER_ERROR_UNSUPPORTED when Avahi cannot be asked
 *
 * Returns: (transfer container) (element-type AetherMdnsService): the
 *   services found, by name
 */
GPtrArray *
aether_mdns_browse_finish (GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  AetherMdnsMatchFunc  match;
  char                *plugin;
  guint16              default_port;
} Discover;

static void
discover_free (gpointer data)
{
  Discover *d = data;

  g_free (d->plugin);
  g_free (d);
}

static void
on_discovered (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Discover *d = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(GPtrArray) services = aether_mdns_browse_finish (result, &error);
  g_autoptr(GPtrArray) found = NULL;
  g_autoptr(GHashTable) seen = NULL;

  if (services == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  found = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < services->len; i++)
    {
      const AetherMdnsService *service = g_ptr_array_index (services, i);

      /* A device announcing several types is one device. */
      if (d->match (service) && g_hash_table_add (seen, g_ascii_strdown (service->name, -1)))
        g_ptr_array_add (found, aether_mdns_service_to_config (service, d->plugin, d->default_port));
    }
  g_task_return_pointer (task, g_steal_pointer (&found), (GDestroyNotify)g_ptr_array_unref);
}

/**
 * aether_mdns_discover_async:
 * @source_object: (nullable): the provider asking
 * @types: service types the family announces
 * @match: tells the family's devices from other services of @types
 * @plugin: the plugin's module name, for the configurations
 * @default_port: the port the family always uses
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the devices found
 * @user_data: data for @callback
 *
 * What a plugin's discover_async does when its devices announce themselves
 * over mDNS: browse for three seconds, keep what @match accepts, one
 * configuration per device.
 */
void
aether_mdns_discover_async (gpointer             source_object,
                            const char * const  *types,
                            AetherMdnsMatchFunc  match,
                            const char          *plugin,
                            guint16              default_port,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (source_object, cancellable, callback, user_data);
  Discover *d = g_new0 (Discover, 1);

  g_task_set_source_tag (task, aether_mdns_discover_async);
  d->match = match;
  d->plugin = g_strdup (plugin);
  d->default_port = default_port;
  g_task_set_task_data (task, d, discover_free);
  aether_mdns_browse_async (types, 3000, cancellable, on_discovered, g_steal_pointer (&task));
}

/**
 * aether_mdns_discover_finish:
 * @result: the result
 * @error: %AETHER_ERROR_UNSUPPORTED when Avahi cannot be asked
 *
 * Returns: (transfer container) (element-type JsonObject): device
 *   configurations
 */
GPtrArray *
aether_mdns_discover_finish (GAsyncResult  *result,
                             GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}
