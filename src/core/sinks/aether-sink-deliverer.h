/* aether-sink-deliverer.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define AETHER_TYPE_SINK_DELIVERER (aether_sink_deliverer_get_type ())

G_DECLARE_FINAL_TYPE (AetherSinkDeliverer, aether_sink_deliverer, AETHER, SINK_DELIVERER, GObject)

/* Readings sent to a sink in one request or one COPY. */
#define AETHER_SINK_BATCH 5000

AetherSinkDeliverer *aether_sink_deliverer_new            (const char          *db_path,
                                                           guint                batch_size,
                                                           GError             **error);
void                 aether_sink_deliverer_retry_now      (AetherSinkDeliverer *self);
guint64              aether_sink_deliverer_get_n_delivered (AetherSinkDeliverer *self);
guint64              aether_sink_deliverer_get_n_failures (AetherSinkDeliverer *self);
void                 aether_sink_deliverer_stop           (AetherSinkDeliverer *self);

G_END_DECLS
