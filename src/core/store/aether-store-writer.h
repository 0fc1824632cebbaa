/* aether-store-writer.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "aether-reading-sink.h"

G_BEGIN_DECLS

#define AETHER_TYPE_STORE_WRITER (aether_store_writer_get_type ())

G_DECLARE_FINAL_TYPE (AetherStoreWriter, aether_store_writer, AETHER, STORE_WRITER, GObject)

AetherStoreWriter *aether_store_writer_new            (const char         *path,
                                                       guint               commit_interval_ms,
                                                       guint               max_batch,
                                                       GError            **error);
void               aether_store_writer_set_time_zone  (AetherStoreWriter  *self,
                                                       GTimeZone          *tz);
guint64            aether_store_writer_get_n_written  (AetherStoreWriter  *self);
guint64            aether_store_writer_get_n_commits  (AetherStoreWriter  *self);
void               aether_store_writer_maintain       (AetherStoreWriter  *self,
                                                       AetherStore        *store,
                                                       gint64              now_us,
                                                       AetherPricer       *pricer);
guint64            aether_store_writer_get_n_maintained (AetherStoreWriter *self);
gboolean           aether_store_writer_close          (AetherStoreWriter  *self,
                                                       GError            **error);

G_END_DECLS
