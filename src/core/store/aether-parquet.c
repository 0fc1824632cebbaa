/* aether-parquet.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A small Apache Parquet writer (and the reader `db archive --verify`
 * needs), because no C Parquet library ships in Debian 12. It writes what
 * the archive needs and nothing more, by the format specification
 * (github.com/apache/parquet-format, parquet.thrift):
 *
 *   "PAR1", one row group with one data page (v1) per column, the
 *   FileMetaData in Thrift's compact protocol, its length, "PAR1";
 *   PLAIN values (INT64, DOUBLE, BYTE_ARRAY strings as UTF8 / STRING),
 *   TIMESTAMP(MILLIS, UTC) for times; optional columns carry their
 *   definition levels as an RLE run-length hybrid of bit width 1, behind
 *   a 4-byte length; pages are GZIP-compressed (zlib, through GIO, so the
 *   archive needs no new library).
 *
 * DuckDB and hyparquet read these files in the tests. */

#define G_LOG_DOMAIN "aether-parquet"

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-parquet.h"

/* parquet.thrift enums */
enum { PQ_INT64 = 2, PQ_DOUBLE = 5, PQ_BYTE_ARRAY = 6 };
enum { PQ_REQUIRED = 0, PQ_OPTIONAL = 1 };
enum { PQ_UTF8 = 0, PQ_TIMESTAMP_MILLIS = 9 };
enum { PQ_PLAIN = 0, PQ_RLE = 3 };
enum { PQ_GZIP = 2 };
enum { PQ_DATA_PAGE = 0 };

/* Thrift compact types */
enum { T_STOP = 0, T_TRUE = 1, T_FALSE = 2, T_BYTE = 3, T_I16 = 4, T_I32 = 5, T_I64 = 6, T_DOUBLE = 7,
       T_BINARY = 8, T_LIST = 9, T_SET = 10, T_MAP = 11, T_STRUCT = 12 };

/* ---- Thrift compact protocol, writing ----------------------------------- */

typedef struct
{
  GByteArray *buf;
  gint16      last[32];
  int         depth;
} TWriter;

static void
t_byte (TWriter *w,
        guint8   b)
{
  g_byte_array_append (w->buf, &b, 1);
}

static void
t_varint (TWriter *w,
          guint64  v)
{
  while (v >= 0x80)
    {
      t_byte (w, (guint8)(v | 0x80));
      v >>= 7;
    }
  t_byte (w, (guint8)v);
}

static void
t_zigzag (TWriter *w,
          gint64   v)
{
  t_varint (w, ((guint64)v << 1) ^ (guint64)(v >> 63));
}

static void
t_field (TWriter *w,
         gint16   id,
         guint8   type)
{
  gint16 delta = id - w->last[w->depth];

  if (delta > 0 && delta <= 15)
    t_byte (w, (guint8)(delta << 4 | type));
  else
    {
      t_byte (w, type);
      t_zigzag (w, id);
    }
  w->last[w->depth] = id;
}

static void
t_i32 (TWriter *w,
       gint16   id,
       gint32   v)
{
  t_field (w, id, T_I32);
  t_zigzag (w, v);
}

static void
t_i64 (TWriter *w,
       gint16   id,
       gint64   v)
{
  t_field (w, id, T_I64);
  t_zigzag (w, v);
}

static void
t_bytes (TWriter    *w,
         const char *s)
{
  gsize n = strlen (s);

  t_varint (w, n);
  g_byte_array_append (w->buf, (const guint8 *)s, n);
}

static void
t_string (TWriter    *w,
          gint16      id,
          const char *s)
{
  t_field (w, id, T_BINARY);
  t_bytes (w, s);
}

static void
t_bool (TWriter  *w,
        gint16    id,
        gboolean  v)
{
  t_field (w, id, v ? T_TRUE : T_FALSE);
}

static void
t_push (TWriter *w)
{
  g_assert (w->depth + 1 < (int)G_N_ELEMENTS (w->last));
  w->last[++w->depth] = 0;
}

static void
t_struct_begin (TWriter *w,
                gint16   id)
{
  t_field (w, id, T_STRUCT);
  t_push (w);
}

static void
t_struct_end (TWriter *w)
{
  t_byte (w, T_STOP);
  w->depth--;
}

static void
t_list_begin (TWriter *w,
              gint16   id,
              guint8   type,
              guint    size)
{
  t_field (w, id, T_LIST);
  if (size < 15)
    t_byte (w, (guint8)(size << 4 | type));
  else
    {
      t_byte (w, 0xf0 | type);
      t_varint (w, size);
    }
}

/* ---- Columns ------------------------------------------------------------- */

typedef struct
{
  AetherParquetColumn spec;
  char       *name;
  GByteArray *values;       /* PLAIN */
  GByteArray *defined;      /* one byte a row: 1 value, 0 null */
  guint64     n_rows;
} Column;

struct _AetherParquetWriter
{
  Column *columns;
  guint   n_columns;
};

/**
 * aether_parquet_writer_new:
 * @columns: (array length=n_columns): the schema
 * @n_columns: how many columns
 *
 * Returns: (transfer full): a writer; add a value (or a null) to every
 *   column for each row, then write the file
 */
AetherParquetWriter *
aether_parquet_writer_new (const AetherParquetColumn *columns,
                           guint                      n_columns)
{
  AetherParquetWriter *self = g_new0 (AetherParquetWriter, 1);

  self->n_columns = n_columns;
  self->columns = g_new0 (Column, n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      self->columns[i].spec = columns[i];
      self->columns[i].name = g_strdup (columns[i].name);
      self->columns[i].spec.name = self->columns[i].name;
      self->columns[i].values = g_byte_array_new ();
      self->columns[i].defined = g_byte_array_new ();
    }
  return self;
}

void
aether_parquet_writer_free (AetherParquetWriter *self)
{
  if (self == NULL)
    return;
  for (guint i = 0; i < self->n_columns; i++)
    {
      g_free (self->columns[i].name);
      g_byte_array_unref (self->columns[i].values);
      g_byte_array_unref (self->columns[i].defined);
    }
  g_free (self->columns);
  g_free (self);
}

static void
mark (Column  *c,
      guint8   defined)
{
  g_byte_array_append (c->defined, &defined, 1);
  c->n_rows++;
}

void
aether_parquet_writer_add_int64 (AetherParquetWriter *self,
                                 guint                column,
                                 gint64               value)
{
  Column *c = &self->columns[column];
  guint64 le = GUINT64_TO_LE ((guint64)value);

  g_return_if_fail (c->spec.type == AETHER_PARQUET_INT64 || c->spec.type == AETHER_PARQUET_TIMESTAMP_MS);
  g_byte_array_append (c->values, (const guint8 *)&le, 8);
  mark (c, 1);
}

void
aether_parquet_writer_add_double (AetherParquetWriter *self,
                                  guint                column,
                                  double               value)
{
  Column *c = &self->columns[column];
  union { double d; guint64 u; } v = { .d = value };
  guint64 le = GUINT64_TO_LE (v.u);

  g_return_if_fail (c->spec.type == AETHER_PARQUET_DOUBLE);
  g_byte_array_append (c->values, (const guint8 *)&le, 8);
  mark (c, 1);
}

void
aether_parquet_writer_add_string (AetherParquetWriter *self,
                                  guint                column,
                                  const char          *value)
{
  Column *c = &self->columns[column];
  guint32 n = (guint32)strlen (value);
  guint32 le = GUINT32_TO_LE (n);

  g_return_if_fail (c->spec.type == AETHER_PARQUET_STRING);
  g_byte_array_append (c->values, (const guint8 *)&le, 4);
  g_byte_array_append (c->values, (const guint8 *)value, n);
  mark (c, 1);
}

void
aether_parquet_writer_add_null (AetherParquetWriter *self,
                                guint                column)
{
  Column *c = &self->columns[column];

  g_return_if_fail (c->spec.optional);
  mark (c, 0);
}

guint64
aether_parquet_writer_get_n_rows (AetherParquetWriter *self)
{
  return self->n_columns > 0 ? self->columns[0].n_rows : 0;
}

/* Definition levels as RLE runs (the hybrid's run form): a varint of the
 * run length shifted left once, then the level in one byte. */
static GByteArray *
definition_levels (Column *c)
{
  TWriter w = { .buf = g_byte_array_new () };

  for (guint i = 0; i < c->defined->len;)
    {
      guint j = i;

      while (j < c->defined->len && c->defined->data[j] == c->defined->data[i])
        j++;
      t_varint (&w, (guint64)(j - i) << 1);
      t_byte (&w, c->defined->data[i]);
      i = j;
    }
  return w.buf;
}

static GBytes *
gzip (const guint8  *data,
      gsize          length,
      GError       **error)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_data (data, length, NULL);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (compressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              NULL, error) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static guint8
physical_type (AetherParquetType type)
{
  switch (type)
    {
    case AETHER_PARQUET_INT64:
    case AETHER_PARQUET_TIMESTAMP_MS:
      return PQ_INT64;
    case AETHER_PARQUET_DOUBLE:
      return PQ_DOUBLE;
    case AETHER_PARQUET_STRING:
    default:
      return PQ_BYTE_ARRAY;
    }
}

/**
 * aether_parquet_writer_write:
 * @self: a writer
 * @path: the file; written beside it and renamed into place, so a
 *   half-written archive is never taken for a whole one
 * @error: a location for a #GError
 *
 * Returns: %TRUE if the file was written
 */
gboolean
aether_parquet_writer_write (AetherParquetWriter  *self,
                             const char           *path,
                             GError              **error)
{
  g_autoptr(GByteArray) file = g_byte_array_new ();
  g_autofree gint64 *offsets = g_new0 (gint64, self->n_columns);
  g_autofree gint64 *compressed = g_new0 (gint64, self->n_columns);
  g_autofree gint64 *uncompressed = g_new0 (gint64, self->n_columns);
  guint64 n_rows = aether_parquet_writer_get_n_rows (self);
  TWriter meta = { .buf = g_byte_array_new () };
  guint32 meta_length;
  gint64 total = 0;
  gboolean ok;

  for (guint i = 0; i < self->n_columns; i++)
    if (self->columns[i].n_rows != n_rows)
      {
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_FAILED, "Parquet column %s has %" G_GUINT64_FORMAT
                     " rows, not %" G_GUINT64_FORMAT, self->columns[i].name, self->columns[i].n_rows, n_rows);
        g_byte_array_unref (meta.buf);
        return FALSE;
      }

  g_byte_array_append (file, (const guint8 *)"PAR1", 4);

  for (guint i = 0; i < self->n_columns; i++)
    {
      Column *c = &self->columns[i];
      g_autoptr(GByteArray) page = g_byte_array_new ();
      g_autoptr(GBytes) packed = NULL;
      TWriter header = { .buf = g_byte_array_new () };
      gsize packed_length;

      if (c->spec.optional)
        {
          g_autoptr(GByteArray) levels = definition_levels (c);
          guint32 le = GUINT32_TO_LE (levels->len);

          g_byte_array_append (page, (const guint8 *)&le, 4);
          g_byte_array_append (page, levels->data, levels->len);
        }
      g_byte_array_append (page, c->values->data, c->values->len);

      if (!(packed = gzip (page->data, page->len, error)))
        {
          g_byte_array_unref (header.buf);
          g_byte_array_unref (meta.buf);
          return FALSE;
        }
      packed_length = g_bytes_get_size (packed);

      /* PageHeader */
      t_i32 (&header, 1, PQ_DATA_PAGE);
      t_i32 (&header, 2, (gint32)page->len);
      t_i32 (&header, 3, (gint32)packed_length);
      t_struct_begin (&header, 5);
      t_i32 (&header, 1, (gint32)c->n_rows);
      t_i32 (&header, 2, PQ_PLAIN);
      t_i32 (&header, 3, PQ_RLE);
      t_i32 (&header, 4, PQ_RLE);
      t_struct_end (&header);
      t_byte (&header, T_STOP);

      offsets[i] = file->len;
      uncompressed[i] = header.buf->len + page->len;
      compressed[i] = header.buf->len + packed_length;
      total += compressed[i];
      g_byte_array_append (file, header.buf->data, header.buf->len);
      g_byte_array_append (file, g_bytes_get_data (packed, NULL), packed_length);
      g_byte_array_unref (header.buf);
    }

  /* FileMetaData */
  t_i32 (&meta, 1, 1);
  t_list_begin (&meta, 2, T_STRUCT, self->n_columns + 1);
  t_push (&meta);
  t_string (&meta, 4, "schema");
  t_i32 (&meta, 5, (gint32)self->n_columns);
  t_struct_end (&meta);
  for (guint i = 0; i < self->n_columns; i++)
    {
      Column *c = &self->columns[i];

      t_push (&meta);
      t_i32 (&meta, 1, physical_type (c->spec.type));
      t_i32 (&meta, 3, c->spec.optional ? PQ_OPTIONAL : PQ_REQUIRED);
      t_string (&meta, 4, c->name);
      if (c->spec.type == AETHER_PARQUET_STRING)
        {
          t_i32 (&meta, 6, PQ_UTF8);
          t_struct_begin (&meta, 10);       /* LogicalType */
          t_struct_begin (&meta, 1);        /* STRING */
          t_struct_end (&meta);
          t_struct_end (&meta);
        }
      else if (c->spec.type == AETHER_PARQUET_TIMESTAMP_MS)
        {
          t_i32 (&meta, 6, PQ_TIMESTAMP_MILLIS);
          t_struct_begin (&meta, 10);       /* LogicalType */
          t_struct_begin (&meta, 8);        /* TIMESTAMP */
          t_bool (&meta, 1, TRUE);          /* isAdjustedToUTC */
          t_struct_begin (&meta, 2);        /* unit */
          t_struct_begin (&meta, 1);        /* MILLIS */
          t_struct_end (&meta);
          t_struct_end (&meta);
          t_struct_end (&meta);
          t_struct_end (&meta);
        }
      t_struct_end (&meta);
    }
  t_i64 (&meta, 3, (gint64)n_rows);
  t_list_begin (&meta, 4, T_STRUCT, 1);
  t_push (&meta);                           /* RowGroup */
  t_list_begin (&meta, 1, T_STRUCT, self->n_columns);
  for (guint i = 0; i < self->n_columns; i++)
    {
      Column *c = &self->columns[i];

      t_push (&meta);                       /* ColumnChunk */
      t_i64 (&meta, 2, offsets[i]);
      t_struct_begin (&meta, 3);            /* ColumnMetaData */
      t_i32 (&meta, 1, physical_type (c->spec.type));
      t_list_begin (&meta, 2, T_I32, 2);
      t_zigzag (&meta, PQ_PLAIN);
      t_zigzag (&meta, PQ_RLE);
      t_list_begin (&meta, 3, T_BINARY, 1);
      t_bytes (&meta, c->name);
      t_i32 (&meta, 4, PQ_GZIP);
      t_i64 (&meta, 5, (gint64)c->n_rows);
      t_i64 (&meta, 6, uncompressed[i]);
      t_i64 (&meta, 7, compressed[i]);
      t_i64 (&meta, 9, offsets[i]);
      t_struct_end (&meta);
      t_struct_end (&meta);
    }
  t_i64 (&meta, 2, total);
  t_i64 (&meta, 3, (gint64)n_rows);
  t_struct_end (&meta);
  t_string (&meta, 6, "AetherLens " PACKAGE_VERSION);
  t_byte (&meta, T_STOP);

  g_byte_array_append (file, meta.buf->data, meta.buf->len);
  meta_length = GUINT32_TO_LE (meta.buf->len);
  g_byte_array_append (file, (const guint8 *)&meta_length, 4);
  g_byte_array_append (file, (const guint8 *)"PAR1", 4);
  g_byte_array_unref (meta.buf);

  ok = g_file_set_contents_full (path, (const char *)file->data, file->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE, 0600, error);
  return ok;
}

/* ---- Reading back ---------------------------------------------------------- */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
  gboolean      ok;
} TReader;

static guint64
r_varint (TReader *r)
{
  guint64 v = 0;

  for (guint shift = 0; shift < 64; shift += 7)
    {
      guint8 b;

      if (r->p >= r->end)
        {
          r->ok = FALSE;
          return 0;
        }
      b = *r->p++;
      v |= (guint64)(b & 0x7f) << shift;
      if (!(b & 0x80))
        return v;
    }
  r->ok = FALSE;
  return 0;
}

static gint64
r_zigzag (TReader *r)
{
  guint64 v = r_varint (r);

  return (gint64)(v >> 1) ^ -(gint64)(v & 1);
}

static gboolean
r_field (TReader *r,
         gint16  *last,
         gint16  *id,
         guint8  *type)
{
  guint8 b;

  if (r->p >= r->end)
    return r->ok = FALSE;
  b = *r->p++;
  if (b == T_STOP)
    return FALSE;
  *type = b & 0x0f;
  *id = (b >> 4) ? *last + (b >> 4) : (gint16)r_zigzag (r);
  *last = *id;
  return r->ok;
}

static void r_skip (TReader *r, guint8 type, int depth);

static void
r_skip_struct (TReader *r,
               int      depth)
{
  gint16 last = 0, id;
  guint8 type;

  while (r->ok && r_field (r, &last, &id, &type))
    r_skip (r, type, depth + 1);
}

static guint
r_list (TReader *r,
        guint8  *type)
{
  guint8 b;
  guint n;

  if (r->p >= r->end)
    {
      r->ok = FALSE;
      return 0;
    }
  b = *r->p++;
  *type = b & 0x0f;
  n = b >> 4;
  if (n == 15)
    n = (guint)r_varint (r);
  if (n > (guint)(r->end - r->p))   /* every element takes a byte at least */
    r->ok = FALSE;
  return r->ok ? n : 0;
}

static void
r_skip (TReader *r,
        guint8   type,
        int      depth)
{
  if (depth > 32)
    {
      r->ok = FALSE;
      return;
    }
  switch (type)
    {
    case T_TRUE:
    case T_FALSE:
      break;
    case T_BYTE:
      r->p++;
      break;
    case T_I16:
    case T_I32:
    case T_I64:
      r_varint (r);
      break;
    case T_DOUBLE:
      r->p += 8;
      break;
    case T_BINARY:
      r->p += r_varint (r);
      break;
    case T_LIST:
    case T_SET:
      {
        guint8 elem;
        guint n = r_list (r, &elem);

        for (guint i = 0; r->ok && i < n; i++)
          r_skip (r, elem == T_TRUE || elem == T_FALSE ? T_BYTE : elem, depth + 1);
      }
      break;
    case T_STRUCT:
      r_skip_struct (r, depth);
      break;
    default:
      r->ok = FALSE;
    }
  if (r->p > r->end)
    r->ok = FALSE;
}

static char *
r_string (TReader *r)
{
  guint64 n = r_varint (r);
  char *s;

  if (!r->ok || n > (guint64)(r->end - r->p))
    {
      r->ok = FALSE;
      return NULL;
    }
  s = g_strndup ((const char *)r->p, n);
  r->p += n;
  return s;
}

typedef struct
{
  char   *name;
  gint32  type;
  gint32  repetition;
  gint64  num_values;
  gint64  data_page_offset;
  gint32  codec;
} ChunkInfo;

void
aether_parquet_summary_free (AetherParquetSummary *summary)
{
  if (summary == NULL)
    return;
  g_strfreev (summary->names);
  g_free (summary->sums);
  g_free (summary);
}

static gboolean
corrupt (GError    **error,
         const char *path,
         const char *what)
{
  g_set_error (error, AETHER_ERROR, AETHER_ERROR_CORRUPT, _("%s is not a readable Parquet file: %s"), path, what);
  return FALSE;
}

static GBytes *
gunzip (const guint8  *data,
        gsize          length,
        GError       **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  g_autoptr(GInputStream) raw = g_memory_input_stream_new_from_data (data, length, NULL);
  g_autoptr(GInputStream) in = g_converter_input_stream_new (raw, G_CONVERTER (decompressor));
  g_autoptr(GOutputStream) out = g_memory_output_stream_new_resizable ();

  if (g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                              NULL, error) < 0)
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

/* The values of one column chunk: how many are defined, and their sum. */
static gboolean
read_chunk (const guint8  *file,
            gsize          length,
            ChunkInfo     *chunk,
            double        *sum,
            const char    *path,
            GError       **error)
{
  TReader r = { .ok = TRUE };
  gint16 last = 0, id;
  guint8 type;
  gint32 page_type = -1, uncompressed = -1, compressed = -1;
  g_autoptr(GBytes) page = NULL;
  const guint8 *p, *end;
  guint64 n_defined = 0;

  if (chunk->data_page_offset < 4 || (gsize)chunk->data_page_offset >= length)
    return corrupt (error, path, "a column chunk starts outside the file");
  r.p = file + chunk->data_page_offset;
  r.end = file + length;
  while (r.ok && r_field (&r, &last, &id, &type))
    {
      if (id == 1 && type == T_I32)
        page_type = (gint32)r_zigzag (&r);
      else if (id == 2 && type == T_I32)
        uncompressed = (gint32)r_zigzag (&r);
      else if (id == 3 && type == T_I32)
        compressed = (gint32)r_zigzag (&r);
      else
        r_skip (&r, type, 0);
    }
  if (!r.ok || page_type != PQ_DATA_PAGE || compressed < 0 || uncompressed < 0 ||
      (gsize)compressed > (gsize)(r.end - r.p))
    return corrupt (error, path, "a page header is damaged");

  if (chunk->codec == PQ_GZIP)
    {
      if (!(page = gunzip (r.p, compressed, error)))
        return FALSE;
    }
  else if (chunk->codec == 0)
    page = g_bytes_new (r.p, compressed);
  else
    return corrupt (error, path, "a page is compressed with a codec this reader does not know");
  if (g_bytes_get_size (page) != (gsize)uncompressed)
    return corrupt (error, path, "a page is not the size its header says");

  p = g_bytes_get_data (page, NULL);
  end = p + g_bytes_get_size (page);
  n_defined = (guint64)chunk->num_values;
  if (chunk->repetition == PQ_OPTIONAL)
    {
      guint32 levels_length;
      TReader levels = { .ok = TRUE };

      if (end - p < 4)
        return corrupt (error, path, "definition levels are missing");
      memcpy (&levels_length, p, 4);
      levels_length = GUINT32_FROM_LE (levels_length);
      p += 4;
      if (levels_length > (guint32)(end - p))
        return corrupt (error, path, "definition levels run past the page");
      levels.p = p;
      levels.end = p + levels_length;
      n_defined = 0;
      while (levels.ok && levels.p < levels.end)
        {
          guint64 header = r_varint (&levels);

          if (header & 1)
            {
              /* Bit-packed groups of eight, one bit each. */
              guint64 bytes = header >> 1;

              for (guint64 b = 0; b < bytes && levels.p < levels.end; b++)
                n_defined += (guint64)__builtin_popcount (*levels.p++);
            }
          else if (levels.p < levels.end)
            n_defined += (*levels.p++ ? header >> 1 : 0);
        }
      p += levels_length;
    }

  *sum = 0;
  for (guint64 i = 0; i < n_defined; i++)
    {
      if (chunk->type == PQ_BYTE_ARRAY)
        {
          guint32 n;

          if (end - p < 4)
            return corrupt (error, path, "a string runs past its page");
          memcpy (&n, p, 4);
          n = GUINT32_FROM_LE (n);
          if (n > (guint32)(end - p - 4))
            return corrupt (error, path, "a string runs past its page");
          p += 4 + n;
        }
      else
        {
          guint64 raw;

          if (end - p < 8)
            return corrupt (error, path, "values run past their page");
          memcpy (&raw, p, 8);
          raw = GUINT64_FROM_LE (raw);
          p += 8;
          if (chunk->type == PQ_DOUBLE)
            {
              union { guint64 u; double d; } v = { .u = raw };

              *sum += v.d;
            }
          else
            *sum += (double)(gint64)raw;
        }
    }
  return TRUE;
}

/**
 * aether_parquet_read_summary:
 * @path: a Parquet file
 * @error: a location for a #GError
 *
 * Reads a file as this writer writes them (one row group, one page a
 * column) back whole: its footer, every page, every value.
 *
 * Returns: (transfer full) (nullable): its rows and each column's sum
 */
AetherParquetSummary *
aether_parquet_read_summary (const char  *path,
                             GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(AetherParquetSummary) summary = g_new0 (AetherParquetSummary, 1);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) repetitions = g_array_new (FALSE, FALSE, sizeof (gint32));
  TReader r = { .ok = TRUE };
  const guint8 *file;
  gsize length;
  guint32 meta_length;
  gint16 last = 0, id;
  guint8 type;
  ChunkInfo *info = NULL;
  guint n_info = 0;
  gboolean ok = TRUE;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  file = (const guint8 *)contents;
  if (length < 12 || memcmp (file, "PAR1", 4) != 0 || memcmp (file + length - 4, "PAR1", 4) != 0)
    {
      corrupt (error, path, "no PAR1 magic at both ends");
      return NULL;
    }
  memcpy (&meta_length, file + length - 8, 4);
  meta_length = GUINT32_FROM_LE (meta_length);
  if (meta_length > length - 12)
    {
      corrupt (error, path, "the footer's length is wrong");
      return NULL;
    }
  r.p = file + length - 8 - meta_length;
  r.end = file + length - 8;

  /* FileMetaData: 2 schema, 3 num_rows, 4 row_groups. */
  while (r.ok && r_field (&r, &last, &id, &type))
    {
      if (id == 2 && type == T_LIST)
        {
          guint8 elem;
          guint n = r_list (&r, &elem);

          for (guint i = 0; r.ok && i < n; i++)
            {
              gint16 l = 0, fid;
              guint8 ft;
              char *name = NULL;
              gint32 repetition = PQ_REQUIRED;
              gboolean leaf = FALSE;

              while (r.ok && r_field (&r, &l, &fid, &ft))
                {
                  if (fid == 1 && ft == T_I32)
                    {
                      r_zigzag (&r);
                      leaf = TRUE;
                    }
                  else if (fid == 3 && ft == T_I32)
                    repetition = (gint32)r_zigzag (&r);
                  else if (fid == 4 && ft == T_BINARY)
                    {
                      g_free (name);
                      name = r_string (&r);
                    }
                  else
                    r_skip (&r, ft, 1);
                }
              if (leaf)
                {
                  g_ptr_array_add (names, name);
                  g_array_append_val (repetitions, repetition);
                }
              else
                g_free (name);
            }
        }
      else if (id == 3 && type == T_I64)
        summary->n_rows = (guint64)r_zigzag (&r);
      else if (id == 4 && type == T_LIST)
        {
          guint8 elem;
          guint n_groups = r_list (&r, &elem);

          for (guint g = 0; r.ok && g < n_groups; g++)
            {
              gint16 l = 0, fid;
              guint8 ft;

              while (r.ok && r_field (&r, &l, &fid, &ft))
                {
                  if (fid == 1 && ft == T_LIST)
                    {
                      guint n_columns = r_list (&r, &elem);

                      info = g_renew (ChunkInfo, info, n_info + n_columns);
                      for (guint c = 0; r.ok && c < n_columns; c++)
                        {
                          ChunkInfo *chunk = &info[n_info++];
                          gint16 cl = 0, cid;
                          guint8 ct;

                          memset (chunk, 0, sizeof *chunk);
                          while (r.ok && r_field (&r, &cl, &cid, &ct))
                            {
                              if (cid == 3 && ct == T_STRUCT)
                                {
                                  gint16 ml = 0, mid;
                                  guint8 mt;

                                  while (r.ok && r_field (&r, &ml, &mid, &mt))
                                    {
                                      if (mid == 1 && mt == T_I32)
                                        chunk->type = (gint32)r_zigzag (&r);
                                      else if (mid == 4 && mt == T_I32)
                                        chunk->codec = (gint32)r_zigzag (&r);
                                      else if (mid == 5 && mt == T_I64)
                                        chunk->num_values = r_zigzag (&r);
                                      else if (mid == 9 && mt == T_I64)
                                        chunk->data_page_offset = r_zigzag (&r);
                                      else
                                        r_skip (&r, mt, 2);
                                    }
                                }
                              else
                                r_skip (&r, ct, 2);
                            }
                        }
                    }
                  else
                    r_skip (&r, ft, 1);
                }
            }
        }
      else
        r_skip (&r, type, 0);
    }

  if (!r.ok || names->len == 0 || n_info % names->len != 0)
    {
      g_free (info);
      corrupt (error, path, "the footer is damaged");
      return NULL;
    }

  summary->n_columns = names->len;
  summary->sums = g_new0 (double, names->len);
  for (guint i = 0; ok && i < n_info; i++)
    {
      double sum = 0;

      info[i].repetition = g_array_index (repetitions, gint32, i % names->len);
      ok = read_chunk (file, length, &info[i], &sum, path, error);
      summary->sums[i % names->len] += sum;
    }
  g_free (info);
  if (!ok)
    return NULL;

  g_ptr_array_add (names, NULL);
  summary->names = (char **)g_ptr_array_steal (names, NULL);
  return g_steal_pointer (&summary);
}
