/* aether-sketch.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A mergeable quantile sketch in the style of DDSketch: values fall into
 * logarithmic buckets of ratio γ = (1 + α) / (1 − α), so any quantile is
 * answered within α = 1 % of the true value, and two sketches merge by
 * adding their bucket counts. That is what lets the 1-minute p50/p95 roll
 * up to 5-minute, hourly and daily ones honestly: exact percentiles cannot
 * be merged, and a median of medians is wrong (DESIGN.md).
 *
 * Power can be zero (a plug that is off) or negative (a meter exporting),
 * so there is a zero count and a second store for negative values.
 *
 * Stored as a compact blob: a version byte, the zero count, then for each
 * store the number of buckets and (index delta, count) pairs as varints.
 * A minute of a steady load is a dozen bytes. */

#define G_LOG_DOMAIN "aether-sketch"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-sketch.h"

/* Values below this are counted as zero: a milliwatt is not a load. */
#define MIN_INDEXABLE 1e-3
#define BLOB_VERSION  1

typedef struct
{
  guint32 *counts;
  int      offset;    /* bucket index of counts[0] */
  guint    len;
} Store;

struct _AetherSketch
{
  Store    positive;
  Store    negative;
  guint64  zero_count;
  guint64  count;
  /* Meters often repeat a value: skip the logarithm then. */
  double   last_value;
  int      last_index;
};

static double gamma_ln;     /* ln γ */
static double gamma_value;

static void
init_gamma (void)
{
  if (G_UNLIKELY (gamma_ln == 0))
    {
      double a = AETHER_SKETCH_RELATIVE_ACCURACY;

      gamma_value = (1 + a) / (1 - a);
      gamma_ln = log (gamma_value);
    }
}

AetherSketch *
aether_sketch_new (void)
{
  init_gamma ();
  return g_new0 (AetherSketch, 1);
}

void
aether_sketch_free (AetherSketch *self)
{
  if (self == NULL)
    return;

  g_free (self->positive.counts);
  g_free (self->negative.counts);
  g_free (self);
}

static void
store_copy (Store       *dst,
            const Store *src)
{
  dst->offset = src->offset;
  dst->len = src->len;
  dst->counts = src->len ? g_memdup2 (src->counts, src->len * sizeof (guint32)) : NULL;
}

AetherSketch *
aether_sketch_copy (const AetherSketch *self)
{
  AetherSketch *copy = aether_sketch_new ();

  store_copy (&copy->positive, &self->positive);
  store_copy (&copy->negative, &self->negative);
  copy->zero_count = self->zero_count;
  copy->count = self->count;

  return copy;
}

static void
store_add (Store   *store,
           int      index,
           guint32  n)
{
  if (store->len == 0)
    {
      store->offset = index;
      store->len = 1;
      store->counts = g_new0 (guint32, 1);
    }
  else if (index < store->offset)
    {
      guint grow = (guint)(store->offset - index);
      guint32 *counts = g_new0 (guint32, store->len + grow);

      memcpy (counts + grow, store->counts, store->len * sizeof (guint32));
      g_free (store->counts);
      store->counts = counts;
      store->len += grow;
      store->offset = index;
    }
  else if (index >= store->offset + (int)store->len)
    {
      guint new_len = (guint)(index - store->offset) + 1;

      store->counts = g_renew (guint32, store->counts, new_len);
      memset (store->counts + store->len, 0, (new_len - store->len) * sizeof (guint32));
      store->len = new_len;
    }

  store->counts[index - store->offset] += n;
}

static inline int
index_of (double value)
{
  return (int)ceil (log (value) / gamma_ln);
}

static inline double
value_of (int index)
{
  /* The middle of the bucket (γ^(i−1), γ^i], in the relative sense. */
  return 2.0 * pow (gamma_value, index) / (gamma_value + 1.0);
}

void
aether_sketch_add (AetherSketch *self,
                   double        value)
{
  g_return_if_fail (self != NULL);

  if (!isfinite (value))
    return;

  if (value > MIN_INDEXABLE)
    {
      if (value != self->last_value)
        {
          self->last_value = value;
          self->last_index = index_of (value);
        }
      store_add (&self->positive, self->last_index, 1);
    }
  else if (value < -MIN_INDEXABLE)
    store_add (&self->negative, index_of (-value), 1);
  else
    self->zero_count++;

  self->count++;
}

static void
store_merge (Store       *dst,
             const Store *src)
{
  for (guint i = 0; i < src->len; i++)
    if (src->counts[i] != 0)
      store_add (dst, src->offset + (int)i, src->counts[i]);
}

void
aether_sketch_merge (AetherSketch       *self,
                     const AetherSketch *other)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (other != NULL);

  store_merge (&self->positive, &other->positive);
  store_merge (&self->negative, &other->negative);
  self->zero_count += other->zero_count;
  self->count += other->count;
}

guint64
aether_sketch_get_count (const AetherSketch *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->count;
}

/**
 * aether_sketch_quantile:
 * @self: a sketch
 * @q: the quantile, 0 to 1
 *
 * Returns: the value at @q, within 1 % of the true one; NAN if empty
 */
double
aether_sketch_quantile (const AetherSketch *self,
                        double              q)
{
  guint64 rank;
  guint64 seen = 0;

  g_return_val_if_fail (self != NULL, NAN);

  if (self->count == 0 || q < 0 || q > 1)
    return NAN;

  rank = (guint64)floor (q * (double)(self->count - 1));

  /* Negative values, most negative first. */
  for (guint i = self->negative.len; i > 0; i--)
    {
      seen += self->negative.counts[i - 1];
      if (seen > rank)
        return -value_of (self->negative.offset + (int)i - 1);
    }

  seen += self->zero_count;
  if (seen > rank)
    return 0.0;

  for (guint i = 0; i < self->positive.len; i++)
    {
      seen += self->positive.counts[i];
      if (seen > rank)
        return value_of (self->positive.offset + (int)i);
    }

  return value_of (self->positive.offset + (int)self->positive.len - 1);
}

static void
put_varint (GByteArray *out,
            guint64     v)
{
  while (v >= 0x80)
    {
      guint8 b = (guint8)(v | 0x80);

      g_byte_array_append (out, &b, 1);
      v >>= 7;
    }

  {
    guint8 b = (guint8)v;
    g_byte_array_append (out, &b, 1);
  }
}

static gboolean
get_varint (const guint8 **p,
            const guint8  *end,
            guint64       *v)
{
  guint shift = 0;

  *v = 0;
  while (*p < end && shift < 64)
    {
      guint8 b = *(*p)++;

      *v |= (guint64)(b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        return TRUE;
      shift += 7;
    }

  return FALSE;
}

static guint64
zigzag (gint64 v)
{
  return ((guint64)v << 1) ^ (guint64)(v >> 63);
}

static gint64
unzigzag (guint64 v)
{
  return (gint64)(v >> 1) ^ -(gint64)(v & 1);
}

static void
store_serialize (const Store *store,
                 GByteArray  *out)
{
  guint n = 0;
  int previous = 0;

  for (guint i = 0; i < store->len; i++)
    n += store->counts[i] != 0;

  put_varint (out, n);
  for (guint i = 0; i < store->len; i++)
    {
      int index;

      if (store->counts[i] == 0)
        continue;
      index = store->offset + (int)i;
      put_varint (out, zigzag (index - previous));
      put_varint (out, store->counts[i]);
      previous = index;
    }
}

/**
 * aether_sketch_serialize:
 * @self: a sketch
 *
 * Returns: (transfer full): the sketch as a compact blob
 */
GBytes *
aether_sketch_serialize (const AetherSketch *self)
{
  GByteArray *out = g_byte_array_sized_new (16);

  g_return_val_if_fail (self != NULL, NULL);

  aether_sketch_serialize_into (self, out);
  return g_byte_array_free_to_bytes (out);
}

/**
 * aether_sketch_serialize_into:
 * @self: a sketch
 * @out: where to append the blob aether_sketch_serialize() returns
 *
 * For a caller writing many sketches through one buffer.
 */
void
aether_sketch_serialize_into (const AetherSketch *self,
                              GByteArray         *out)
{
  guint8 version = BLOB_VERSION;

  g_return_if_fail (self != NULL);
  g_return_if_fail (out != NULL);

  g_byte_array_append (out, &version, 1);
  put_varint (out, self->zero_count);
  store_serialize (&self->positive, out);
  store_serialize (&self->negative, out);
}

/* Walks a blob's buckets: checks it whole when @into is NULL, else adds them
 * to @into (a blob already checked). */
static gboolean
walk_store_blob (Store          *into,
                 const guint8  **p,
                 const guint8   *end,
                 guint64        *total)
{
  guint64 n;
  gint64 index = 0;

  if (!get_varint (p, end, &n) || n > 100000)
    return FALSE;

  for (guint64 i = 0; i < n; i++)
    {
      guint64 delta, count;

      if (!get_varint (p, end, &delta) || !get_varint (p, end, &count) || count > G_MAXUINT32)
        return FALSE;
      index += unzigzag (delta);
      if (index < -100000 || index > 100000)
        return FALSE;
      if (into != NULL && count != 0)
        store_add (into, (int)index, (guint32)count);
      *total += count;
    }

  return TRUE;
}

static gboolean
walk_blob (AetherSketch *into,
           const guint8 *data,
           gsize         length)
{
  const guint8 *p = data;
  const guint8 *end = data + length;
  guint64 zero = 0, total = 0;

  if (length < 1 || *p++ != BLOB_VERSION)
    return FALSE;
  if (!get_varint (&p, end, &zero) ||
      !walk_store_blob (into ? &into->positive : NULL, &p, end, &total) ||
      !walk_store_blob (into ? &into->negative : NULL, &p, end, &total) ||
      p != end)
    return FALSE;

  if (into != NULL)
    {
      into->zero_count += zero;
      into->count += total + zero;
    }
  return TRUE;
}

/**
 * aether_sketch_deserialize:
 * @data: a blob from aether_sketch_serialize()
 * @length: its length
 *
 * Returns: (transfer full) (nullable): the sketch, or %NULL if @data is not one
 */
AetherSketch *
aether_sketch_deserialize (const guint8 *data,
                           gsize         length)
{
  g_autoptr(AetherSketch) self = aether_sketch_new ();

  if (!walk_blob (self, data, length))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * aether_sketch_merge_blob:
 * @self: a sketch
 * @data: a blob from aether_sketch_serialize()
 * @length: its length
 *
 * aether_sketch_merge() of aether_sketch_deserialize (@data), without
 * building that sketch: the same counts, no allocation. A blob that is not
 * a sketch is not merged at all.
 *
 * Returns: %TRUE if @data was a sketch and is merged
 */
gboolean
aether_sketch_merge_blob (AetherSketch *self,
                          const guint8 *data,
                          gsize         length)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* Checked whole first, so a bad blob leaves @self as it was. */
  if (!walk_blob (NULL, data, length))
    return FALSE;
  return walk_blob (self, data, length);
}
