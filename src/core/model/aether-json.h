/* aether-json.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What every reader and writer of the seed's JSON models needs, once: a
 * member that may be missing or of another type, an object member made
 * when missing, and a deep copy to change without changing the original. */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

const char *aether_json_get_string    (JsonObject *object,
                                       const char *member);
JsonObject *aether_json_get_object    (JsonObject *object,
                                       const char *member);
JsonObject *aether_json_ensure_object (JsonObject *object,
                                       const char *member);
JsonObject *aether_json_object_copy   (JsonObject *object);
JsonNode   *aether_json_node_copy     (JsonNode   *node);

G_END_DECLS
