/* aether-sketch.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The relative accuracy of every quantile the sketch answers. */
#define AETHER_SKETCH_RELATIVE_ACCURACY 0.01

typedef struct _AetherSketch AetherSketch;

AetherSketch *aether_sketch_new          (void);
void          aether_sketch_free         (AetherSketch       *self);
AetherSketch *aether_sketch_copy         (const AetherSketch *self);
void          aether_sketch_add          (AetherSketch       *self,
                                          double              value);
void          aether_sketch_merge        (AetherSketch       *self,
                                          const AetherSketch *other);
guint64       aether_sketch_get_count    (const AetherSketch *self);
double        aether_sketch_quantile     (const AetherSketch *self,
                                          double              q);
GBytes       *aether_sketch_serialize    (const AetherSketch *self);
void          aether_sketch_serialize_into (const AetherSketch *self,
                                          GByteArray         *out);
AetherSketch *aether_sketch_deserialize  (const guint8       *data,
                                          gsize               length);
gboolean      aether_sketch_merge_blob   (AetherSketch       *self,
                                          const guint8       *data,
                                          gsize               length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherSketch, aether_sketch_free)

G_END_DECLS
