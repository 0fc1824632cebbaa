/* aether-urdb.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

JsonNode  *aether_urdb_import_record (JsonObject  *record,
                                      const char  *time_zone,
                                      GPtrArray   *notes,
                                      GError     **error);
GPtrArray *aether_urdb_import_file   (const char  *path,
                                      const char  *time_zone,
                                      GPtrArray   *notes,
                                      GError     **error);

G_END_DECLS
