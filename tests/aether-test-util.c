/* aether-test-util.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "aether-test-util.h"

/**
 * aether_test_store_result:
 *
 * A #GAsyncReadyCallback keeping the result in the #GAsyncResult pointer
 * given as @user_data, for aether_test_wait_for().
 */
void
aether_test_store_result (GObject      *object,
                          GAsyncResult *result,
                          gpointer      user_data)
{
  *(GAsyncResult **)user_data = g_object_ref (result);
}

/* Runs the default main context until the call has answered. */
GAsyncResult *
aether_test_wait_for (GAsyncResult **result)
{
  while (*result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *result;
}

/* The value of @metric on @channel in a poll's samples, NAN if absent. */
double
aether_test_sample (GArray       *samples,
                    AetherMetric  metric,
                    guint         channel)
{
  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      AetherSample *s = &g_array_index (samples, AetherSample, i);

      if (s->metric == metric && s->channel == channel)
        return s->value;
    }
  return NAN;
}

/* @want, or absent when @want is NAN; to 1e-9 relative. */
void
aether_test_assert_value (double got,
                          double want)
{
  if (isnan (want))
    g_assert_true (isnan (got));
  else
    g_assert_cmpfloat_with_epsilon (got, want, 1e-9 * MAX (1.0, fabs (want)));
}
