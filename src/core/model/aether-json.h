/* aether-json.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * AETHER_JSON_MAX_DEPTH:
 *
 * How deeply the JSON AetherLens reads may nest. The seed's models nest
 * six levels at most and a URDB record eight; json-glib's parser recurses
 * once per level and a megabyte of `[` overflows the stack.
 */
#define AETHER_JSON_MAX_DEPTH 64

JsonNode   *aether_json_parse        (const char  *data,
                                      gssize       length,
                                      guint        max_depth,
                                      GError     **error);
JsonNode   *aether_json_parse_file   (const char  *path,
                                      guint        max_depth,
                                      GError     **error);
JsonNode   *aether_json_parse_stored (const char  *text,
                                      GError     **error);
char       *aether_json_to_string    (JsonNode    *node,
                                      gboolean     pretty,
                                      GError     **error);
JsonNode   *aether_json_deep_copy    (JsonNode    *node);
JsonObject *aether_json_object_copy  (JsonObject  *object);
JsonObject *aether_json_ensure_object (JsonObject *object,
                                       const char *member);

JsonObject *aether_json_get_object   (JsonObject  *object,
                                      const char  *member);
JsonArray  *aether_json_get_array    (JsonObject  *object,
                                      const char  *member);
const char *aether_json_get_string   (JsonObject  *object,
                                      const char  *member);
JsonObject *aether_json_array_get_object (JsonArray   *array,
                                          guint        index);
JsonArray  *aether_json_array_get_array  (JsonArray   *array,
                                          guint        index);
gboolean    aether_json_node_get_number  (JsonNode    *node,
                                          double      *value);
const char *aether_json_get_string_or   (JsonObject  *object,
                                         const char  *member,
                                         const char  *fallback);
gint64      aether_json_get_int_or      (JsonObject  *object,
                                         const char  *member,
                                         gint64       fallback);
gboolean    aether_json_get_boolean_or  (JsonObject  *object,
                                         const char  *member,
                                         gboolean     fallback);

void        aether_json_builder_add_int    (JsonBuilder *builder,
                                            const char  *member,
                                            gint64       value);
void        aether_json_builder_add_double (JsonBuilder *builder,
                                            const char  *member,
                                            double       value);
void        aether_json_builder_add_string (JsonBuilder *builder,
                                            const char  *member,
                                            const char  *value);

G_END_DECLS
