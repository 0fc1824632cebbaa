/* aether-mdns.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * AetherMdnsService:
 * @name: the service's instance name, e.g. `shellyplug-s-C38EAB`
 * @type: e.g. `_http._tcp`
 * @host: the host name it resolved to, e.g. `shellyplug-s-C38EAB.local`
 * @address: its IPv4 address
 * @port: its port
 * @txt: (nullable): its TXT records, `key=value` each, %NULL-terminated
 *
 * A service on the local network, found and resolved through Avahi.
 */
typedef struct
{
  char     *name;
  char     *type;
  char     *host;
  char     *address;
  guint16   port;
  char    **txt;
} AetherMdnsService;

void        aether_mdns_service_free      (AetherMdnsService        *service);
const char *aether_mdns_service_get_txt   (const AetherMdnsService  *service,
                                           const char               *key);
char       *aether_mdns_service_dup_authority (const AetherMdnsService *service,
                                               guint16                  default_port);

JsonObject *aether_mdns_service_to_config    (const AetherMdnsService *service,
                                               const char              *plugin,
                                               guint16                  default_port);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherMdnsService, aether_mdns_service_free)

void        aether_mdns_browse_async      (const char * const       *types,
                                           guint                     timeout_ms,
                                           GCancellable             *cancellable,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);
GPtrArray  *aether_mdns_browse_finish     (GAsyncResult             *result,
                                           GError                  **error);

/**
 * AetherMdnsMatchFunc:
 * @service: a service found on the network
 *
 * Returns: whether @service is a device of the caller's family
 */
typedef gboolean (*AetherMdnsMatchFunc) (const AetherMdnsService *service);

void        aether_mdns_discover_async    (gpointer                  source_object,
                                           const char * const       *types,
                                           AetherMdnsMatchFunc       match,
                                           const char               *plugin,
                                           guint16                   default_port,
                                           GCancellable             *cancellable,
                                           GAsyncReadyCallback       callback,
                                           gpointer                  user_data);
GPtrArray  *aether_mdns_discover_finish   (GAsyncResult             *result,
                                           GError                  **error);

G_END_DECLS
