/* aether-reading.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Readings at the edge: the CSV form that `aetherlens-cli db ingest` and
 * `rates cost` read (`timestamp,device_id,metric_type,value,unit`), and the
 * timestamps people write (ISO 8601 with an offset, or epoch seconds).
 * A file either parses whole or not at all, and an error names its line. */

#define G_LOG_DOMAIN "aether-reading"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aether-error.h"
#include "aether-reading.h"
#include "aether-units.h"

void
aether_reading_clear (AetherReading *reading)
{
  g_return_if_fail (reading != NULL);

  g_clear_pointer (&reading->device_id, g_free);
  g_clear_pointer (&reading->metric_type, g_free);
  g_clear_pointer (&reading->unit, g_free);
}

static gboolean
parse_epoch (const char *text,
             gint64     *unix_us)
{
  char *end = NULL;
  double seconds;

  if (!g_ascii_isdigit (text[0]) && text[0] != '-')
    return FALSE;

  errno = 0;
  seconds = g_ascii_strtod (text, &end);
  if (errno != 0 || end == text || *end != '\0' || !isfinite (seconds))
    return FALSE;

  /* Reject what is clearly not seconds (a year, a millisecond epoch). */
  if (seconds < 0 || seconds > 32503680000.0)
    return FALSE;

  *unix_us = (gint64)llround (seconds * G_USEC_PER_SEC);
  return TRUE;
}

static gboolean
digits (const char *s,
        guint       n,
        int        *value)
{
  int v = 0;

  for (guint i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit (s[i]))
        return FALSE;
      v = v * 10 + (s[i] - '0');
    }
  *value = v;
  return TRUE;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil). */
static gint64
days_from_civil (int y,
                 int m,
                 int d)
{
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The form files write on every row, `YYYY-MM-DDTHH:MM:SS` then `Z` or
 * `±HH:MM`, without GDateTime (a few allocations and a zone per row).
 * Anything else, or a field out of range, is left to GDateTime. */
static gboolean
parse_iso_fast (const char *t,
                gint64     *unix_us)
{
  int y, mo, d, h, mi, sec, oh = 0, om = 0;
  gint64 offset_s = 0;

  if (strlen (t) < 20 ||
      !digits (t, 4, &y) || t[4] != '-' || !digits (t + 5, 2, &mo) || t[7] != '-' ||
      !digits (t + 8, 2, &d) || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') ||
      !digits (t + 11, 2, &h) || t[13] != ':' || !digits (t + 14, 2, &mi) || t[16] != ':' ||
      !digits (t + 17, 2, &sec))
    return FALSE;

  if ((t[19] == 'Z' || t[19] == 'z') && t[20] == '\0')
    offset_s = 0;
  else if ((t[19] == '+' || t[19] == '-') && digits (t + 20, 2, &oh) && t[22] == ':' &&
           digits (t + 23, 2, &om) && t[25] == '\0' && oh < 24 && om < 60)
    offset_s = (t[19] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  else
    return FALSE;

  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > g_date_get_days_in_month (mo, y) ||
      h > 23 || mi > 59 || sec > 59)
    return FALSE;

  *unix_us = ((days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + sec) - offset_s) * G_USEC_PER_SEC;
  return *unix_us >= 0;
}

/**
 * aether_parse_timestamp:
 * @text: an ISO 8601 date-time with an offset (`2024-01-15T10:30:00Z`,
 *   `2024-01-15T02:30:00-08:00`) or epoch seconds (`1705314600`)
 * @unix_us: (out): the instant, in microseconds since the epoch
 * @error: a location for a #GError
 *
 * A local time without an offset is refused: the same text names two instants
 * on a fall-back night, and a bill must not guess.
 *
 * Returns: %TRUE if @text named an instant
 */
gboolean
aether_parse_timestamp (const char  *text,
                        gint64      *unix_us,
                        GError     **error)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *stripped = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (unix_us != NULL, FALSE);

  /* The common case, stripped already, without a copy. */
  if (parse_iso_fast (text, unix_us))
    return TRUE;

  stripped = g_strstrip (g_strdup (text));

  if (parse_iso_fast (stripped, unix_us) || parse_epoch (stripped, unix_us))
    return TRUE;

  /* g_date_time_new_from_iso8601() uses this zone only for text without an
   * offset; passing NULL makes it refuse such text, which is what we want. */
  dt = g_date_time_new_from_iso8601 (stripped, NULL);
  if (dt == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "“%s” is not a timestamp: write ISO 8601 with an offset "
                   "(2024-01-15T10:30:00Z) or epoch seconds",
                   stripped);
      return FALSE;
    }

  /* Epoch seconds cannot be negative either: nothing is read before 1970. */
  if (g_date_time_to_unix (dt) < 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "“%s” is before 1970: no reading or range can start that early", stripped);
      return FALSE;
    }

  *unix_us = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

/**
 * aether_format_timestamp:
 * @unix_us: an instant
 *
 * Returns: (transfer full): the instant as the seed writes it, ISO 8601 in UTC
 *   (`2024-01-15T10:30:00Z`), with fractional seconds only when there are any
 */
char *
aether_format_timestamp (gint64 unix_us)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 seconds = unix_us / G_USEC_PER_SEC;
  gint64 micros = unix_us % G_USEC_PER_SEC;

  if (micros < 0)
    {
      micros += G_USEC_PER_SEC;
      seconds -= 1;
    }

  dt = g_date_time_new_from_unix_utc (seconds);
  if (dt == NULL)
    return g_strdup ("invalid");

  if (micros == 0)
    return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

  {
    g_autofree char *base = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
    g_autofree char *frac = g_strdup_printf ("%06" G_GINT64_FORMAT, micros);
    gsize len = strlen (frac);

    while (len > 1 && frac[len - 1] == '0')
      frac[--len] = '\0';

    return g_strdup_printf ("%s.%sZ", base, frac);
  }
}

static void
clear_reading_element (gpointer data)
{
  aether_reading_clear (data);
}

/* A reading's time must lie in this window: a meter's clock, a file's
 * epoch column or swapped columns that say 1970 (`0`, `104.0`, `17961`)
 * are refused, not stored as a reading from 1970 that maintenance would
 * then have to walk from. */
#define PLAUSIBLE_FROM_US (G_GINT64_CONSTANT (946684800) * G_USEC_PER_SEC)     /* 2000-01-01 */
#define PLAUSIBLE_UNTIL_US (G_GINT64_CONSTANT (4102444800) * G_USEC_PER_SEC)   /* 2100-01-01 */

/* The strings a file repeats on every row (device ids, metrics, units),
 * kept once by a streaming reader: its readings borrow them. */
typedef struct
{
  GHashTable *strings;   /* owned string → itself */
  const char *last[3];   /* the previous row's, to skip the lookup */
} StringPool;

static const char *
pool_intern (StringPool *pool,
             guint       slot,
             const char *text)
{
  char *kept;

  if (pool->last[slot] != NULL && strcmp (pool->last[slot], text) == 0)
    return pool->last[slot];
  if (!(kept = g_hash_table_lookup (pool->strings, text)))
    {
      kept = g_strdup (text);
      g_hash_table_add (pool->strings, kept);
    }
  return pool->last[slot] = kept;
}

static char *
strip_field (char *start,
             char *end)
{
  while (start < end && g_ascii_isspace (*start))
    start++;
  while (end > start && g_ascii_isspace (end[-1]))
    end--;
  *end = '\0';
  return start;
}

/* One row of `timestamp,device_id,metric_type,value,unit`, the one parser
 * of the file form (whole in memory or streamed). Returns FALSE with
 * @error naming the line, or TRUE with @reading filled or *@skip set for a
 * blank, comment or header line. The reading's strings are @pool's when
 * one is given, else its own. */
static gboolean
parse_line (const char     *name,
            char           *line,
            guint           line_no,
            StringPool     *pool,
            AetherReading  *out,
            gboolean       *skip,
            GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  AetherReading reading = { 0 };
  char *fields[5];
  guint n_fields = 1;
  char *end = NULL;
  char *field_start;

  *skip = FALSE;
  line = g_strstrip (line);

  if (line[0] == '\0' || line[0] == '#')
    {
      *skip = TRUE;
      return TRUE;
    }

  if (!g_utf8_validate (line, -1, NULL))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s:%u: is not UTF-8 text", name, line_no);
      return FALSE;
    }

  /* Split in place, each field stripped. */
  field_start = line;
  for (char *c = line; ; c++)
    {
      if (*c != ',' && *c != '\0')
        continue;
      if (n_fields <= 5)
        {
          gboolean last = *c == '\0';

          fields[n_fields - 1] = strip_field (field_start, c);
          if (last)
            break;
          field_start = c + 1;
        }
      else if (*c == '\0')
        break;
      n_fields++;
    }

  if (line_no == 1 && g_ascii_strcasecmp (fields[0], "timestamp") == 0)
    {
      *skip = TRUE;
      return TRUE;
    }

  if (n_fields != 5)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s:%u: expected 5 fields (timestamp,device_id,metric_type,value,unit), found %u",
                   name, line_no, n_fields);
      return FALSE;
    }

  if (!aether_parse_timestamp (fields[0], &reading.timestamp_us, &local_error))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s:%u: %s", name, line_no, local_error->message);
      return FALSE;
    }

  if (reading.timestamp_us < PLAUSIBLE_FROM_US || reading.timestamp_us >= PLAUSIBLE_UNTIL_US)
    {
      g_autofree char *when = aether_format_timestamp (reading.timestamp_us);

      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s:%u: timestamp “%s” is %s, not a time a reading can be from "
                   "(2000 to 2100; are the columns in the order timestamp,device_id,metric_type,value,unit?)",
                   name, line_no, fields[0], when);
      return FALSE;
    }

  if (fields[1][0] == '\0' || fields[2][0] == '\0')
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s:%u: the %s is empty", name, line_no,
                   fields[1][0] == '\0' ? "device_id" : "metric_type");
      return FALSE;
    }

  errno = 0;
  reading.value = g_ascii_strtod (fields[3], &end);
  if (fields[3][0] == '\0' || errno != 0 || *end != '\0' || !isfinite (reading.value))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s:%u: value “%s” is not a finite number", name, line_no, fields[3]);
      return FALSE;
    }

  /* Finite after conversion too; an unknown unit is left to the caller
   * (the store says which, `rates cost` skips the metric). */
  {
    double converted, factor;
    const char *canonical;

    if (aether_normalize_unit (fields[2], fields[4], &factor, &canonical) &&
        !aether_convert_value (fields[2], fields[4], reading.value, &converted, &local_error))
      {
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                     "%s:%u: value “%s”: %s", name, line_no, fields[3], local_error->message);
        return FALSE;
      }
  }

  if (pool != NULL)
    {
      reading.device_id = (char *)pool_intern (pool, 0, fields[1]);
      reading.metric_type = (char *)pool_intern (pool, 1, fields[2]);
      reading.unit = (char *)pool_intern (pool, 2, fields[4]);
    }
  else
    {
      reading.device_id = g_strdup (fields[1]);
      reading.metric_type = g_strdup (fields[2]);
      reading.unit = g_strdup (fields[4]);
    }
  *out = reading;
  return TRUE;
}

static GArray *
new_readings (void)
{
  GArray *readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));

  g_array_set_clear_func (readings, clear_reading_element);
  return readings;
}

/**
 * aether_readings_parse_csv:
 * @contents: the file's text
 * @length: its length, or -1 if nul-terminated
 * @filename: (nullable): the name errors use
 * @error: a location for a #GError
 *
 * Parses rows of `timestamp,device_id,metric_type,value,unit`, with an
 * optional header row. Blank lines and lines starting with `#` are skipped.
 * A reading's time must be from 2000 to 2100.
 *
 * Returns: (transfer full) (element-type AetherReading): the readings in file
 *   order, or %NULL with @error naming the first bad line
 */
GArray *
aether_readings_parse_csv (const char  *contents,
                           gsize        length,
                           const char  *filename,
                           GError     **error)
{
  g_autoptr(GArray) readings = NULL;
  g_autofree char *copy = NULL;
  g_auto(GStrv) lines = NULL;
  const char *name = filename ? filename : "input";

  g_return_val_if_fail (contents != NULL, NULL);

  if (length == (gsize)-1)
    length = strlen (contents);

  if (!g_utf8_validate (contents, length, NULL))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s: is not UTF-8 text", name);
      return NULL;
    }

  readings = new_readings ();
  copy = g_strndup (contents, length);
  lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      AetherReading reading = { 0 };
      gboolean skip;

      if (!parse_line (name, lines[i], i + 1, NULL, &reading, &skip, error))
        return NULL;
      if (!skip)
        g_array_append_val (readings, reading);
    }

  return g_steal_pointer (&readings);
}

/* ---- Streaming ---------------------------------------------------------- */

struct _AetherCsvReader
{
  FILE    *file;
  char    *name;
  char    *line;       /* getline()'s buffer */
  size_t   line_size;
  guint    line_no;
  StringPool pool;
};

/**
 * aether_csv_reader_open:
 * @path: a CSV file of readings
 * @error: a location for a #GError
 *
 * A reader of the form aether_readings_parse_csv() takes, a chunk at a time,
 * so a file of any size is read in a bounded amount of memory.
 *
 * Returns: (transfer full): a reader, or %NULL
 */
AetherCsvReader *
aether_csv_reader_open (const char  *path,
                        GError     **error)
{
  AetherCsvReader *self;
  FILE *file;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(file = fopen (path, "re")))
    {
      int saved = errno;

      g_set_error (error, AETHER_ERROR, saved == ENOENT ? AETHER_ERROR_NOT_FOUND : AETHER_ERROR_IO,
                   "Failed to open file “%s”: %s", path, g_strerror (saved));
      return NULL;
    }

  self = g_new0 (AetherCsvReader, 1);
  self->file = file;
  self->name = g_strdup (path);
  self->pool.strings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return self;
}

/**
 * aether_csv_reader_read:
 * @self: a reader
 * @readings: (element-type AetherReading): emptied, then filled with the
 *   next readings, in file order; their strings belong to @self (rows
 *   repeat them) and stay valid until it is freed, so @readings must not
 *   clear its elements
 * @lines: (element-type guint) (nullable): emptied, then filled with the
 *   line of each reading
 * @max: at most this many
 * @error: a location for a #GError
 *
 * Returns: %FALSE with @error naming the line of the first bad row; %TRUE
 *   otherwise, with @readings empty at the end of the file
 */
gboolean
aether_csv_reader_read (AetherCsvReader  *self,
                        GArray           *readings,
                        GArray           *lines,
                        guint             max,
                        GError          **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (readings != NULL, FALSE);

  g_array_set_size (readings, 0);
  if (lines != NULL)
    g_array_set_size (lines, 0);

  while (readings->len < max)
    {
      AetherReading reading = { 0 };
      gboolean skip;
      gssize n = getline (&self->line, &self->line_size, self->file);

      if (n < 0)
        {
          if (ferror (self->file))
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO,
                           "%s:%u: could not be read: %s", self->name, self->line_no + 1, g_strerror (errno));
              return FALSE;
            }
          break;
        }
      self->line_no++;
      if ((gsize)n != strlen (self->line))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "%s:%u: is not UTF-8 text", self->name, self->line_no);
          return FALSE;
        }

      if (!parse_line (self->name, self->line, self->line_no, &self->pool, &reading, &skip, error))
        return FALSE;
      if (skip)
        continue;
      g_array_append_val (readings, reading);
      if (lines != NULL)
        g_array_append_val (lines, self->line_no);
    }

  return TRUE;
}

/**
 * aether_csv_reader_get_name:
 * @self: a reader
 *
 * Returns: the file's name, as errors give it
 */
const char *
aether_csv_reader_get_name (AetherCsvReader *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

void
aether_csv_reader_free (AetherCsvReader *self)
{
  if (self == NULL)
    return;

  if (self->file != NULL)
    fclose (self->file);
  g_free (self->line);
  g_free (self->name);
  g_clear_pointer (&self->pool.strings, g_hash_table_unref);
  g_free (self);
}

/**
 * aether_readings_load_csv:
 * @path: a file
 * @error: a location for a #GError
 *
 * Reads a whole file into memory, through the same parser as
 * aether_csv_reader_read(); `db ingest` streams instead.
 *
 * Returns: (transfer full) (element-type AetherReading): as
 *   aether_readings_parse_csv()
 */
GArray *
aether_readings_load_csv (const char  *path,
                          GError     **error)
{
  g_autoptr(AetherCsvReader) reader = NULL;
  g_autoptr(GArray) readings = NULL;
  g_autoptr(GArray) chunk = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!(reader = aether_csv_reader_open (path, error)))
    return NULL;

  readings = new_readings ();
  chunk = g_array_new (FALSE, TRUE, sizeof (AetherReading));   /* borrowed strings */
  do
    {
      if (!aether_csv_reader_read (reader, chunk, NULL, 65536, error))
        return NULL;
      for (guint i = 0; i < chunk->len; i++)
        {
          AetherReading r = g_array_index (chunk, AetherReading, i);

          r.device_id = g_strdup (r.device_id);
          r.metric_type = g_strdup (r.metric_type);
          r.unit = g_strdup (r.unit);
          g_array_append_val (readings, r);
        }
    }
  while (chunk->len > 0);

  return g_steal_pointer (&readings);
}
