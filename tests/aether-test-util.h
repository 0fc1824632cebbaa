/* aether-test-util.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What many tests do the same way: wait for an async call on the default
 * main context, and read a value out of a poll's samples. */

#pragma once

#include "aether-core.h"

G_BEGIN_DECLS

void          aether_test_store_result  (GObject       *object,
                                         GAsyncResult  *result,
                                         gpointer       user_data);
GAsyncResult *aether_test_wait_for      (GAsyncResult **result);
double        aether_test_sample        (GArray        *samples,
                                         AetherMetric   metric,
                                         guint          channel);
void          aether_test_assert_value  (double         got,
                                         double         want);

G_END_DECLS
