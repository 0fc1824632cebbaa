/* aether-json.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "aether-json"

#include "config.h"

#include "aether-json.h"

/**
 * aether_json_get_string:
 * @object: (nullable): an object
 * @member: a member's name
 *
 * Returns: (nullable): the member's text, or %NULL when it is missing or
 *   not a string
 */
const char *
aether_json_get_string (JsonObject *object,
                        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/**
 * aether_json_get_object:
 * @object: (nullable): an object
 * @member: a member's name
 *
 * Returns: (transfer none) (nullable): the member, or %NULL when it is
 *   missing or not an object
 */
JsonObject *
aether_json_get_object (JsonObject *object,
                        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * aether_json_ensure_object:
 * @object: an object
 * @member: a member's name
 *
 * Returns: (transfer none): the member, made empty when it was missing or
 *   not an object
 */
JsonObject *
aether_json_ensure_object (JsonObject *object,
                           const char *member)
{
  JsonObject *child = aether_json_get_object (object, member);

  if (child == NULL)
    {
      json_object_set_object_member (object, member, json_object_new ());
      child = json_object_get_object_member (object, member);
    }
  return child;
}

/**
 * aether_json_node_copy:
 * @node: a node
 *
 * json_node_copy() shares objects and arrays; this copies all the way
 * down, so the copy can be changed alone.
 *
 * Returns: (transfer full): a deep copy
 */
JsonNode *
aether_json_node_copy (JsonNode *node)
{
  JsonNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      copy = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (copy, aether_json_object_copy (json_node_get_object (node)));
      return copy;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *new_array = json_array_sized_new (json_array_get_length (array));

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (new_array, aether_json_node_copy (json_array_get_element (array, i)));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, new_array);
        return copy;
      }

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

/**
 * aether_json_object_copy:
 * @object: an object
 *
 * Returns: (transfer full): a deep copy, members in the same order
 */
JsonObject *
aether_json_object_copy (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  g_autoptr(GList) members = NULL;

  g_return_val_if_fail (object != NULL, copy);

  members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (copy, l->data, aether_json_node_copy (json_object_get_member (object, l->data)));
  return copy;
}
