/* aether-api-server.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aether-service.h"

G_BEGIN_DECLS

/* The most a request may carry. */
#define AETHER_API_MAX_BODY  4096
#define AETHER_API_MAX_QUERY 2048

#define AETHER_TYPE_API_SERVER (aether_api_server_get_type ())

G_DECLARE_FINAL_TYPE (AetherApiServer, aether_api_server, AETHER, API_SERVER, GObject)

gboolean         aether_api_parse_address   (const char       *text,
                                             char            **host,
                                             guint16          *port,
                                             GError          **error);
AetherApiServer *aether_api_server_new      (AetherService    *service);
gboolean         aether_api_server_listen   (AetherApiServer  *self,
                                             const char       *address,
                                             GError          **error);
guint16          aether_api_server_get_port (AetherApiServer  *self);
const char      *aether_api_server_get_host (AetherApiServer  *self);
void             aether_api_server_stop     (AetherApiServer  *self);

G_END_DECLS
