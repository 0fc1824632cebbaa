/* aether-reading-sink.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seam between collection and what keeps readings. */

#define G_LOG_DOMAIN "aether-reading-sink"

#include "config.h"

#include "aether-reading-sink.h"

G_DEFINE_INTERFACE (AetherReadingSink, aether_reading_sink, G_TYPE_OBJECT)

static void
aether_reading_sink_default_init (AetherReadingSinkInterface *iface)
{
}

void
aether_reading_sink_push (AetherReadingSink   *self,
                          const AetherReading *reading)
{
  g_return_if_fail (AETHER_IS_READING_SINK (self));
  g_return_if_fail (reading != NULL);

  AETHER_READING_SINK_GET_IFACE (self)->push (self, reading);
}

/**
 * aether_reading_sink_flush:
 * @self: a sink
 * @error: a location for a #GError
 *
 * Returns: %TRUE when every reading pushed so far is stored
 */
gboolean
aether_reading_sink_flush (AetherReadingSink  *self,
                           GError            **error)
{
  AetherReadingSinkInterface *iface;

  g_return_val_if_fail (AETHER_IS_READING_SINK (self), FALSE);

  iface = AETHER_READING_SINK_GET_IFACE (self);
  if (iface->flush == NULL)
    return TRUE;

  return iface->flush (self, error);
}
