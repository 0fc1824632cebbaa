/* aether-json.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading and writing JSON, once for the whole house.
 *
 * Reading: everything that comes from outside (a device's reply, a tariff
 * or rule file, a URDB record, a stored row) goes through
 * aether_json_parse(), which first measures how deeply the text nests and
 * refuses it past a bound: json-glib's parser recurses once per level, and
 * a device answering a megabyte of `[` would otherwise overflow the stack
 * of whatever reads it. Numbers too large for a double are refused too, so
 * no infinity gets in.
 *
 * Writing: json-glib 1.6 writes a double such as 1e30 as `1e+30.0`, which
 * no parser reads back (its own included). aether_json_to_string() writes
 * such numbers correctly, refuses values JSON cannot hold (infinity, NaN)
 * naming where they are, and reads what it wrote back before handing it
 * out, so nothing unreadable is ever stored in place of something good.
 * aether_json_parse_stored() reads rows written before that fix.
 *
 * And the typed getters every reader of the seed's models shares. */

#define G_LOG_DOMAIN "aether-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-json.h"

/* Where the string opened by the quote at @start ends (its closing quote,
 * or @length), escapes skipped; @lines counts the newlines in it. */
static gsize
string_end (const char *data,
            gsize       length,
            gsize       start,
            guint      *lines)
{
  for (gsize i = start + 1; i < length; i++)
    {
      if (data[i] == '\n')
        (*lines)++;
      if (data[i] == '\\')
        i++;
      else if (data[i] == data[start])
        return i;
    }
  return length;
}

/* Measures nesting the way json-glib's scanner reads it: brackets inside
 * strings (double- or single-quoted) and comments do not count. Treating
 * more as a string than json-glib does is safe: json-glib stops at the
 * first token it does not accept and never recurses past it. */
static gboolean
check_depth (const char  *data,
             gsize        length,
             guint        max_depth,
             GError     **error)
{
  guint depth = 0;
  guint line = 1;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (c == '\n')
        line++;

      switch (c)
        {
        case '"':
        case '\'':
          i = string_end (data, length, i, &line);
          break;

        case '/':
          if (i + 1 < length && data[i + 1] == '*')
            {
              const char *end = g_strstr_len (data + i + 2, length - i - 2, "*/");

              for (gsize j = i; j < (end ? (gsize)(end - data) : length); j++)
                line += data[j] == '\n';
              i = end ? (gsize)(end - data) + 1 : length;
            }
          else if (i + 1 < length && data[i + 1] == '/')
            {
              while (i < length && data[i] != '\n')
                i++;
              line++;
            }
          break;

        case '[':
        case '{':
          if (++depth > max_depth)
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "The JSON nests more than %u levels deep (at byte %" G_GSIZE_FORMAT ", line %u);"
                           " that is not a document AetherLens reads", max_depth, i + 1, line);
              return FALSE;
            }
          break;

        case ']':
        case '}':
          if (depth > 0)
            depth--;
          break;

        default:
          break;
        }
    }

  return TRUE;
}

static void
append_path (GString    *path,
             const char *member,
             guint       index)
{
  if (member != NULL)
    g_string_append_printf (path, "%s%s", path->len > 0 ? "." : "", member);
  else
    g_string_append_printf (path, "[%u]", index);
}

/* Whether a double that JSON cannot hold (infinity, NaN) is in @node; with
 * @path, also where (built only then: most documents have none, and a
 * path per member would cost as much as parsing). */
static gboolean
find_non_finite (JsonNode *node,
                 GString  *path,
                 double   *value)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        {
          *value = json_node_get_double (node);
          return TRUE;
        }
      return FALSE;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        for (guint i = 0; i < n; i++)
          {
            JsonNode *child = json_array_get_element (array, i);
            gsize len = path ? path->len : 0;

            if (JSON_NODE_TYPE (child) == JSON_NODE_NULL ||
                (JSON_NODE_TYPE (child) == JSON_NODE_VALUE && json_node_get_value_type (child) != G_TYPE_DOUBLE))
              continue;
            if (path != NULL)
              append_path (path, NULL, i);
            if (find_non_finite (child, path, value))
              return TRUE;
            if (path != NULL)
              g_string_truncate (path, len);
          }
        return FALSE;
      }

    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *member;
        JsonNode *child;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &member, &child))
          {
            gsize len = path ? path->len : 0;

            if (JSON_NODE_TYPE (child) == JSON_NODE_NULL ||
                (JSON_NODE_TYPE (child) == JSON_NODE_VALUE && json_node_get_value_type (child) != G_TYPE_DOUBLE))
              continue;
            if (path != NULL)
              append_path (path, member, 0);
            if (find_non_finite (child, path, value))
              return TRUE;
            if (path != NULL)
              g_string_truncate (path, len);
          }
        return FALSE;
      }

    case JSON_NODE_NULL:
    default:
      return FALSE;
    }
}

static gboolean
check_finite (JsonNode    *node,
              gboolean     reading,
              GError     **error)
{
  g_autoptr(GString) path = NULL;
  double value = 0;

  if (!find_non_finite (node, NULL, &value))
    return TRUE;
  path = g_string_new (NULL);
  find_non_finite (node, path, &value);

  if (reading)
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                 "The JSON’s “%s” is a number too large to read", path->len > 0 ? path->str : "value");
  else
    g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                 "“%s” is %s, which cannot be stored; give a finite number",
                 path->len > 0 ? path->str : "The value", isnan (value) ? "NaN" : value > 0 ? "∞" : "−∞");
  return FALSE;
}

/**
 * aether_json_parse:
 * @data: the text
 * @length: its length in bytes, or -1 when it ends with a NUL
 * @max_depth: how deeply it may nest, usually %AETHER_JSON_MAX_DEPTH
 * @error: a location for a #GError
 *
 * Parses JSON from outside (a device, a file, the database) without
 * trusting it: too deep a nesting and numbers too large for a double are
 * refused with %AETHER_ERROR_INVALID_DATA naming where, as is anything
 * json-glib does not read.
 *
 * Returns: (transfer full): the document, or %NULL with @error set
 */
JsonNode *
aether_json_parse (const char  *data,
                   gssize       length,
                   guint        max_depth,
                   GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize size;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  size = length < 0 ? strlen (data) : (gsize)length;
  if (!check_depth (data, size, max_depth, error))
    return NULL;

  /* json-glib reads up to the first NUL whatever the length says; a NUL
   * inside is not JSON. */
  if (memchr (data, '\0', size) != NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "The JSON has a NUL byte at byte %" G_GSIZE_FORMAT,
                   (gsize)((const char *)memchr (data, '\0', size) - data) + 1);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, size ? data : "", size, &local_error))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "Not JSON: %s", local_error->message);
      return NULL;
    }

  if (json_parser_get_root (parser) == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "Not JSON: the text is empty");
      return NULL;
    }

  if (!check_finite (json_parser_get_root (parser), TRUE, error))
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

/**
 * aether_json_parse_file:
 * @path: a file
 * @max_depth: how deeply it may nest, usually %AETHER_JSON_MAX_DEPTH
 * @error: a location for a #GError
 *
 * aether_json_parse() for a file; errors name the file.
 *
 * Returns: (transfer full): the document, or %NULL with @error set
 */
JsonNode *
aether_json_parse_file (const char  *path,
                        guint        max_depth,
                        GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, AETHER_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? AETHER_ERROR_NOT_FOUND : AETHER_ERROR_IO,
                   "%s", local_error->message);
      return NULL;
    }

  if (!(node = aether_json_parse (contents, length, max_depth, &local_error)))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s: %s", path, local_error->message);
      return NULL;
    }
  return node;
}

/* json-glib 1.6 appends ".0" to every double written without a point, so
 * 1e30 comes out as `1e+30.0`. Takes that ".0" off again (outside strings). */
static void
repair_exponents (GString *text)
{
  guint lines = 0;

  for (gsize i = 0; i < text->len; i++)
    {
      char c = text->str[i];
      gsize start;
      const char *e = NULL;

      if (c == '"')
        {
          i = string_end (text->str, text->len, i, &lines);
          continue;
        }
      if (c != '-' && !g_ascii_isdigit (c))
        continue;

      start = i;
      while (i < text->len && strchr ("0123456789+-.eE", text->str[i]) != NULL)
        {
          if (text->str[i] == 'e' || text->str[i] == 'E')
            e = text->str + i;
          i++;
        }
      if (e != NULL && i - start >= 2 && text->str[i - 2] == '.' && text->str[i - 1] == '0' &&
          text->str + i - 2 > e)
        {
          g_string_erase (text, i - 2, 2);
          i -= 2;
        }
      i--;
    }
}

/**
 * aether_json_parse_stored:
 * @text: JSON text AetherLens wrote
 * @error: a location for a #GError
 *
 * aether_json_parse() for what the database holds, which also reads the
 * numbers older versions wrote as `1e+30.0`: a row stored before that was
 * fixed is read, not skipped.
 *
 * Returns: (transfer full): the document, or %NULL with @error set
 */
JsonNode *
aether_json_parse_stored (const char  *text,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) repaired = NULL;
  JsonNode *node;

  g_return_val_if_fail (text != NULL, NULL);

  if ((node = aether_json_parse (text, -1, AETHER_JSON_MAX_DEPTH, &local_error)))
    return node;

  repaired = g_string_new (text);
  repair_exponents (repaired);
  if (!g_str_equal (repaired->str, text) &&
      (node = aether_json_parse (repaired->str, repaired->len, AETHER_JSON_MAX_DEPTH, NULL)))
    return node;

  g_propagate_error (error, g_steal_pointer (&local_error));
  return NULL;
}

/**
 * aether_json_to_string:
 * @node: a document
 * @pretty: %TRUE to indent by two spaces, one member a line
 * @error: a location for a #GError
 *
 * Writes @node as JSON that reads back: large and tiny doubles are written
 * correctly (json-glib 1.6 does not), a value JSON cannot hold (infinity,
 * NaN) is refused with %AETHER_ERROR_INVALID_DATA naming where it is, and
 * the text is parsed again before it is returned.
 *
 * Returns: (transfer full): the text, or %NULL with @error set
 */
char *
aether_json_to_string (JsonNode  *node,
                       gboolean   pretty,
                       GError   **error)
{
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(JsonNode) back = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GString) text = NULL;
  gsize length = 0;
  char *data;

  g_return_val_if_fail (node != NULL, NULL);

  if (!check_finite (node, FALSE, error))
    return NULL;

  generator = json_generator_new ();
  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  data = json_generator_to_data (generator, &length);
  text = g_string_new_len (data, length);
  g_free (data);
  repair_exponents (text);

  if (!(back = aether_json_parse (text->str, text->len, G_MAXUINT, &local_error)))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "What would be written does not read back as JSON (%s); nothing was written",
                   local_error->message);
      return NULL;
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * aether_json_deep_copy:
 * @node: a document
 *
 * A copy sharing nothing with @node (json_node_copy() shares objects and
 * arrays), so changing one channel's configuration leaves the others'.
 *
 * Returns: (transfer full): the copy
 */
JsonNode *
aether_json_deep_copy (JsonNode *node)
{
  JsonNode *copy;

  g_return_val_if_fail (node != NULL, NULL);

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_object_new ();
        JsonObjectIter iter;
        const char *member;
        JsonNode *child;

        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &member, &child))
          json_object_set_member (object, member, aether_json_deep_copy (child));
        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, object);
        return copy;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *source = json_node_get_array (node);
        JsonArray *array = json_array_sized_new (json_array_get_length (source));

        for (guint i = 0; i < json_array_get_length (source); i++)
          json_array_add_element (array, aether_json_deep_copy (json_array_get_element (source, i)));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, array);
        return copy;
      }

    case JSON_NODE_VALUE:
      {
        g_auto(GValue) value = G_VALUE_INIT;

        copy = json_node_new (JSON_NODE_VALUE);
        json_node_get_value (node, &value);
        json_node_set_value (copy, &value);
        return copy;
      }

    case JSON_NODE_NULL:
    default:
      return json_node_new (JSON_NODE_NULL);
    }
}

/**
 * aether_json_get_object:
 * @object: (nullable): an object
 * @member: a member's name
 *
 * Returns: (transfer none) (nullable): the member when it is an object
 */
JsonObject *
aether_json_get_object (JsonObject *object,
                        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * aether_json_get_array:
 * @object: (nullable): an object
 * @member: a member's name
 *
 * Returns: (transfer none) (nullable): the member when it is a list
 */
JsonArray *
aether_json_get_array (JsonObject *object,
                       const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * aether_json_get_string:
 * @object: (nullable): an object
 * @member: a member's name
 *
 * Returns: (transfer none) (nullable): the member when it is a string
 */
const char *
aether_json_get_string (JsonObject *object,
                        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/**
 * aether_json_array_get_object:
 * @array: (nullable): a list
 * @index: a position
 *
 * Returns: (transfer none) (nullable): the element when it is an object
 */
JsonObject *
aether_json_array_get_object (JsonArray *array,
                              guint      index)
{
  JsonNode *node = array && index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/**
 * aether_json_array_get_array:
 * @array: (nullable): a list
 * @index: a position
 *
 * Returns: (transfer none) (nullable): the element when it is a list
 */
JsonArray *
aether_json_array_get_array (JsonArray *array,
                             guint      index)
{
  JsonNode *node = array && index < json_array_get_length (array) ? json_array_get_element (array, index) : NULL;

  return node && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/**
 * aether_json_node_get_number:
 * @node: (nullable): a node
 * @value: (out): its value
 *
 * Returns: %TRUE when @node is a number (whole or not)
 */
gboolean
aether_json_node_get_number (JsonNode *node,
                             double   *value)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE))
    return FALSE;
  *value = json_node_get_double (node);
  return TRUE;
}

/**
 * aether_json_get_string_or:
 * @object: (nullable): an object
 * @member: a member's name
 * @fallback: (nullable): what to return when it is not text
 *
 * json_object_get_string_member_with_default() for what a device sent:
 * a member of another kind (an object, a list) is @fallback, not a
 * critical warning.
 *
 * Returns: (transfer none) (nullable): the text, or @fallback
 */
const char *
aether_json_get_string_or (JsonObject *object,
                           const char *member,
                           const char *fallback)
{
  const char *value = aether_json_get_string (object, member);

  return value ? value : fallback;
}

/**
 * aether_json_get_int_or:
 * @object: (nullable): an object
 * @member: a member's name
 * @fallback: what to return when it is not a number
 *
 * A whole number from what a device sent: a number is rounded toward zero
 * and held within the range of #gint64 (converting 1e30 is undefined
 * behaviour in C), true and false are 1 and 0, anything else @fallback.
 *
 * Returns: the number, or @fallback
 */
gint64
aether_json_get_int_or (JsonObject *object,
                        const char *member,
                        gint64      fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;
  double value;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node) ? 1 : 0;
  if (!aether_json_node_get_number (node, &value) || isnan (value))
    return fallback;
  return (gint64)CLAMP (value, -9.2e18, 9.2e18);
}

/**
 * aether_json_get_boolean_or:
 * @object: (nullable): an object
 * @member: a member's name
 * @fallback: what to return when it is not true or false
 *
 * Returns: the value, or @fallback
 */
gboolean
aether_json_get_boolean_or (JsonObject *object,
                            const char *member,
                            gboolean    fallback)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    return json_node_get_boolean (node);
  return fallback;
}

/**
 * aether_json_object_copy:
 * @object: an object
 *
 * Returns: (transfer full): a copy sharing nothing with @object (see
 *   aether_json_deep_copy(), the one deep copy)
 */
JsonObject *
aether_json_object_copy (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) copy = NULL;

  g_return_val_if_fail (object != NULL, json_object_new ());

  json_node_set_object (node, object);
  copy = aether_json_deep_copy (node);
  return json_object_ref (json_node_get_object (copy));
}

/**
 * aether_json_ensure_object:
 * @object: an object
 * @member: a member name
 *
 * Returns: (transfer none): @object's object member @member, made empty
 *   first when it is missing or not an object
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

/* Members written into a JsonBuilder: a name and its value in one call; a
 * number that is not finite (no reading) is written as null, which JSON
 * can say and NaN it cannot. */
void
aether_json_builder_add_int (JsonBuilder *builder,
                             const char  *member,
                             gint64       value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
aether_json_builder_add_double (JsonBuilder *builder,
                                const char  *member,
                                double       value)
{
  json_builder_set_member_name (builder, member);
  if (isfinite (value))
    json_builder_add_double_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
aether_json_builder_add_string (JsonBuilder *builder,
                                const char  *member,
                                const char  *value)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_string_value (builder, value);
}
