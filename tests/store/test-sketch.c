/* test-sketch.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "aether-core.h"

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return (x > y) - (x < y);
}

/* The value at rank floor(q × (n − 1)) of the sorted data: the definition
 * the sketch answers for. */
static double
exact_quantile (GArray *sorted,
                double  q)
{
  return g_array_index (sorted, double, (guint)floor (q * (sorted->len - 1)));
}

static void
test_quantiles_within_one_percent (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(AetherSketch) sketch = aether_sketch_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  static const double qs[] = { 0.01, 0.25, 0.5, 0.75, 0.95, 0.99 };

  /* Household power: mostly standby, some loads, a few big spikes. */
  for (guint i = 0; i < 100000; i++)
    {
      double v = exp (g_rand_double_range (rand, log (0.5), log (9000)));

      g_array_append_val (values, v);
      aether_sketch_add (sketch, v);
    }
  g_array_sort (values, compare_doubles);

  g_assert_cmpuint (aether_sketch_get_count (sketch), ==, 100000);
  for (guint i = 0; i < G_N_ELEMENTS (qs); i++)
    {
      double exact = exact_quantile (values, qs[i]);
      double got = aether_sketch_quantile (sketch, qs[i]);

      g_assert_cmpfloat (fabs (got - exact) / exact, <=, 0.01);
    }
}

static void
test_merge_equals_union (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(AetherSketch) whole = aether_sketch_new ();
  g_autoptr(AetherSketch) merged = aether_sketch_new ();
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));

  /* 60 one-minute sketches merged, as the 1 h tier does. */
  for (guint m = 0; m < 60; m++)
    {
      g_autoptr(AetherSketch) minute = aether_sketch_new ();

      for (guint s = 0; s < 60; s++)
        {
          double v = 100 + 900 * g_rand_double (rand) * (m % 10 == 0 ? 3 : 1);

          aether_sketch_add (minute, v);
          aether_sketch_add (whole, v);
          g_array_append_val (values, v);
        }
      aether_sketch_merge (merged, minute);
    }
  g_array_sort (values, compare_doubles);

  for (double q = 0.05; q < 1.0; q += 0.05)
    {
      g_assert_cmpfloat (aether_sketch_quantile (merged, q), ==, aether_sketch_quantile (whole, q));
      g_assert_cmpfloat (fabs (aether_sketch_quantile (merged, q) - exact_quantile (values, q)) /
                         exact_quantile (values, q), <=, 0.01);
    }
}

static void
test_zero_and_negative_values (void)
{
  g_autoptr(AetherSketch) sketch = aether_sketch_new ();

  /* A meter exporting, then idle, then drawing. */
  for (int i = 0; i < 30; i++)
    aether_sketch_add (sketch, -500);
  for (int i = 0; i < 40; i++)
    aether_sketch_add (sketch, 0);
  for (int i = 0; i < 30; i++)
    aether_sketch_add (sketch, 2000);

  g_assert_cmpfloat (fabs (aether_sketch_quantile (sketch, 0.1) + 500) / 500, <=, 0.01);
  g_assert_cmpfloat (aether_sketch_quantile (sketch, 0.5), ==, 0.0);
  g_assert_cmpfloat (fabs (aether_sketch_quantile (sketch, 0.95) - 2000) / 2000, <=, 0.01);
  g_assert_true (isnan (aether_sketch_quantile (sketch, 1.5)));
}

static void
test_serialization_round_trips_compactly (void)
{
  g_autoptr(AetherSketch) sketch = aether_sketch_new ();
  g_autoptr(AetherSketch) back = NULL;
  g_autoptr(GBytes) blob = NULL;
  static const guint8 garbage[] = { 1, 0xff, 0xff, 0xff };

  /* A minute of a steady 120 W fridge. */
  for (int i = 0; i < 60; i++)
    aether_sketch_add (sketch, 118 + (i % 5));

  blob = aether_sketch_serialize (sketch);
  g_assert_cmpuint (g_bytes_get_size (blob), <, 24);
  back = aether_sketch_deserialize (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob));
  g_assert_nonnull (back);
  g_assert_cmpuint (aether_sketch_get_count (back), ==, 60);
  g_assert_cmpfloat (aether_sketch_quantile (back, 0.5), ==, aether_sketch_quantile (sketch, 0.5));

  g_assert_null (aether_sketch_deserialize (garbage, sizeof garbage));
  g_assert_null (aether_sketch_deserialize (garbage, 0));
}

/* Merging a stored blob directly gives the bytes merging its
 * deserialized sketch gives; a blob that is not a sketch changes nothing. */
static void
test_merge_blob_equals_merge (void)
{
  g_autoptr(AetherSketch) a = aether_sketch_new ();
  g_autoptr(AetherSketch) b = aether_sketch_new ();
  g_autoptr(AetherSketch) via_sketch = NULL;
  g_autoptr(AetherSketch) via_blob = NULL;
  g_autoptr(AetherSketch) parsed = NULL;
  g_autoptr(GBytes) blob_b = NULL;
  g_autoptr(GBytes) want = NULL;
  g_autoptr(GBytes) got = NULL;
  const guint8 garbage[] = { 1, 5, 200 };

  for (int i = 0; i < 500; i++)
    {
      aether_sketch_add (a, 100 + (i % 37) * 3.5);
      aether_sketch_add (b, (i % 3 == 0) ? 0 : (i % 5 == 0 ? -40.0 - i : 2000.0 + i * 7));
    }
  blob_b = aether_sketch_serialize (b);
  via_sketch = aether_sketch_copy (a);
  via_blob = aether_sketch_copy (a);

  parsed = aether_sketch_deserialize (g_bytes_get_data (blob_b, NULL), g_bytes_get_size (blob_b));
  aether_sketch_merge (via_sketch, parsed);
  g_assert_true (aether_sketch_merge_blob (via_blob, g_bytes_get_data (blob_b, NULL), g_bytes_get_size (blob_b)));

  want = aether_sketch_serialize (via_sketch);
  got = aether_sketch_serialize (via_blob);
  g_assert_true (g_bytes_equal (want, got));
  g_assert_cmpuint (aether_sketch_get_count (via_blob), ==, 1000);

  g_assert_false (aether_sketch_merge_blob (via_blob, garbage, sizeof garbage));
  g_clear_pointer (&got, g_bytes_unref);
  got = aether_sketch_serialize (via_blob);
  g_assert_true (g_bytes_equal (want, got));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/sketch/quantiles-within-one-percent", test_quantiles_within_one_percent);
  g_test_add_func ("/store/sketch/merge-equals-union", test_merge_equals_union);
  g_test_add_func ("/store/sketch/zero-and-negative-values", test_zero_and_negative_values);
  g_test_add_func ("/store/sketch/serialization-round-trips-compactly", test_serialization_round_trips_compactly);
  g_test_add_func ("/store/sketch/merge-blob-equals-merge", test_merge_blob_equals_merge);

  return g_test_run ();
}
