/* aether-reading-sink.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "aether-reading.h"

G_BEGIN_DECLS

#define AETHER_TYPE_READING_SINK (aether_reading_sink_get_type ())

G_DECLARE_INTERFACE (AetherReadingSink, aether_reading_sink, AETHER, READING_SINK, GObject)

/**
 * AetherReadingSinkInterface:
 * @push: takes a copy of one reading; must not block (the collector runs on
 *   the main loop)
 * @flush: makes everything pushed so far durable before returning
 *
 * Where the collector's readings go: the storage writer, the hot tier, a
 * test's list. The collector never knows which.
 */
struct _AetherReadingSinkInterface
{
  GTypeInterface parent_iface;

  void     (*push)  (AetherReadingSink    *self,
                     const AetherReading  *reading);
  gboolean (*flush) (AetherReadingSink    *self,
                     GError              **error);
};

void     aether_reading_sink_push  (AetherReadingSink    *self,
                                    const AetherReading  *reading);
gboolean aether_reading_sink_flush (AetherReadingSink    *self,
                                    GError              **error);

G_END_DECLS
