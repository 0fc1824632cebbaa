/* test-json.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The one JSON reader and writer: deep nesting is refused before json-glib
 * recurses into it (a megabyte of `[` crashed the collector), numbers
 * json-glib 1.6 writes wrongly (`1e+30.0`) are written so they read back,
 * values JSON cannot hold are refused by name, and old rows with the bad
 * form are still read. */

#include "config.h"

#include <math.h>

#include "aether-core.h"

static void
test_megabyte_of_brackets_is_refused_by_depth (void)
{
  gsize n = 1000 * 1000;
  g_autofree char *text = g_malloc (n);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  memset (text, '[', n);
  node = aether_json_parse (text, n, AETHER_JSON_MAX_DEPTH, &error);
  g_assert_null (node);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "more than 64 levels deep"));
  g_assert_nonnull (strstr (error->message, "at byte 65"));
  g_clear_error (&error);

  /* Objects count too, and the position is the bracket that went over. */
  g_clear_pointer (&text, g_free);
  text = g_strnfill (200, '{');
  g_assert_null (aether_json_parse (text, -1, 3, &error));
  g_assert_nonnull (strstr (error->message, "more than 3 levels deep (at byte 4, line 1)"));
}

static void
test_brackets_in_strings_do_not_count (void)
{
  g_autofree char *deep = g_strnfill (500, '[');
  g_autofree char *text = g_strdup_printf ("{\"name\": \"%s\\\"%s\", \"n\": [[1]]}", deep, deep);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = aether_json_parse (text, -1, 3, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (json_object_get_string_member (json_node_get_object (node), "name")), ==, 1001);
}

static void
test_depth_inside_comments_and_single_quotes_is_still_bounded (void)
{
  /* Whatever json-glib makes of comments and single quotes, a quote in
   * one cannot hide the brackets after it from the count. */
  static const char * const prefixes[] = { "/* \" */", "// \"\n", "'\"'", "[\"\\\\\"," };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *deep = g_strnfill (200000, '[');
      g_autofree char *text = g_strconcat (prefixes[i], deep, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = aether_json_parse (text, -1, AETHER_JSON_MAX_DEPTH, &error);

      g_assert_null (node);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
    }
}

static void
test_not_json_is_a_named_error (void)
{
  static const char * const bad[] = { "", "   ", "{", "[1,]", "{\"a\" 1}", "nul", "\xff\xfe", "1e999", "[-1e400]" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = aether_json_parse (bad[i], -1, AETHER_JSON_MAX_DEPTH, &error);
      g_autofree char *shown = g_strescape (bad[i], NULL);

      g_test_message ("%s → %s", shown, error ? error->message : "(parsed)");
      g_assert_null (node);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (aether_json_parse ("{\"a\": 1}\0[", 10, AETHER_JSON_MAX_DEPTH, &error));
    g_assert_nonnull (strstr (error->message, "NUL byte at byte 9"));
  }
  {
    g_autoptr(GError) error = NULL;

    g_assert_null (aether_json_parse ("{\"power\": 1e999}", -1, AETHER_JSON_MAX_DEPTH, &error));
    g_assert_nonnull (strstr (error->message, "“power” is a number too large"));
  }
}

static void
test_large_doubles_are_written_so_they_read_back (void)
{
  static const double values[] = { 1e30, -1e20, 1e306, 1e-300, 5e-324, 1.5e30, 0.1, 1e16, 3 };

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) back = NULL;
      g_autofree char *text = NULL;

      json_object_set_double_member (object, "seed", values[i]);
      json_object_set_string_member (object, "note", "1e+30.0 in a string stays");
      json_node_set_object (node, object);

      text = aether_json_to_string (node, FALSE, &error);
      g_assert_no_error (error);
      g_test_message ("%g → %s", values[i], text);
      g_assert_null (strstr (text, "e+30.0,"));
      back = aether_json_parse (text, -1, AETHER_JSON_MAX_DEPTH, &error);
      g_assert_no_error (error);
      g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (back), "seed"), ==, values[i]);
      g_assert_cmpstr (json_object_get_string_member (json_node_get_object (back), "note"), ==,
                       "1e+30.0 in a string stays");
    }
}

static void
test_non_finite_values_are_refused_by_name (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"conditions\": {\"thresholds\": [1, 2]}}", NULL);
  JsonArray *thresholds = json_object_get_array_member (json_object_get_object_member (json_node_get_object (node),
                                                                                       "conditions"), "thresholds");
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_array_remove_element (thresholds, 1);
  json_array_add_double_element (thresholds, INFINITY);
  text = aether_json_to_string (node, TRUE, &error);
  g_assert_null (text);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "“conditions.thresholds[1]” is ∞, which cannot be stored; give a finite number");
}

static void
test_rows_written_by_json_glib_are_still_read (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = aether_json_parse_stored ("{\"a\": 1e+30.0, \"b\": [-2e-300.0], \"s\": \"1e+30.0\"}", &error);
  JsonObject *object;

  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpfloat (json_object_get_double_member (object, "a"), ==, 1e30);
  g_assert_cmpfloat (json_array_get_double_element (json_object_get_array_member (object, "b"), 0), ==, -2e-300);
  g_assert_cmpstr (json_object_get_string_member (object, "s"), ==, "1e+30.0");

  g_assert_null (aether_json_parse_stored ("{\"a\": inf.0}", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
}

static void
test_deep_copy_shares_nothing (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"plugin_config\": {\"channel\": 1, \"list\": [1, null, \"x\"]}}", NULL);
  g_autoptr(JsonNode) copy = aether_json_deep_copy (node);
  JsonObject *original = json_object_get_object_member (json_node_get_object (node), "plugin_config");
  g_autofree char *before = json_to_string (node, FALSE);
  g_autofree char *after = NULL;

  json_object_set_int_member (json_object_get_object_member (json_node_get_object (copy), "plugin_config"), "channel", 2);
  g_assert_cmpint (json_object_get_int_member (original, "channel"), ==, 1);
  json_object_set_int_member (original, "channel", 1);
  json_object_set_int_member (json_object_get_object_member (json_node_get_object (copy), "plugin_config"), "channel", 1);
  after = json_to_string (copy, FALSE);
  g_assert_cmpstr (before, ==, after);
}

static void
test_typed_getters (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"o\": {}, \"a\": [], \"s\": \"x\", \"n\": 1}", NULL);
  JsonObject *object = json_node_get_object (node);

  g_assert_nonnull (aether_json_get_object (object, "o"));
  g_assert_null (aether_json_get_object (object, "a"));
  g_assert_nonnull (aether_json_get_array (object, "a"));
  g_assert_null (aether_json_get_array (NULL, "a"));
  g_assert_cmpstr (aether_json_get_string (object, "s"), ==, "x");
  g_assert_null (aether_json_get_string (object, "n"));
  g_assert_null (aether_json_get_string (object, "missing"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/parse/megabyte-of-brackets-refused-by-depth", test_megabyte_of_brackets_is_refused_by_depth);
  g_test_add_func ("/json/parse/brackets-in-strings-do-not-count", test_brackets_in_strings_do_not_count);
  g_test_add_func ("/json/parse/comments-and-quotes-cannot-hide-depth",
                   test_depth_inside_comments_and_single_quotes_is_still_bounded);
  g_test_add_func ("/json/parse/not-json-is-a-named-error", test_not_json_is_a_named_error);
  g_test_add_func ("/json/write/large-doubles-read-back", test_large_doubles_are_written_so_they_read_back);
  g_test_add_func ("/json/write/non-finite-refused-by-name", test_non_finite_values_are_refused_by_name);
  g_test_add_func ("/json/read/json-glib-rows-still-read", test_rows_written_by_json_glib_are_still_read);
  g_test_add_func ("/json/deep-copy-shares-nothing", test_deep_copy_shares_nothing);
  g_test_add_func ("/json/typed-getters", test_typed_getters);

  return g_test_run ();
}
