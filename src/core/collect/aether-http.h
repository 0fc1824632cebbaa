/* aether-http.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The most a device may send: more is an error, not an allocation. */
#define AETHER_HTTP_MAX_BODY (1024 * 1024)

void      aether_http_get_json_async  (const char           *url,
                                       const char           *device_name,
                                       const char           *username,
                                       const char           *password,
                                       guint                 timeout_s,
                                       GCancellable         *cancellable,
                                       GAsyncReadyCallback   callback,
                                       gpointer              user_data);
JsonNode *aether_http_get_json_finish (GAsyncResult         *result,
                                       GError              **error);

G_END_DECLS
