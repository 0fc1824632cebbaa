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

  stripped = g_strstrip (g_strdup (text));

  if (parse_epoch (stripped, unix_us))
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

static gboolean
is_header (char **fields)
{
  return g_ascii_strcasecmp (g_strstrip (fields[0]), "timestamp") == 0;
}

/* A reading's time must lie in this window: a meter's clock, a file's
 * epoch column or swapped columns that say 1970 (`0`, `104.0`, `17961`)
 * are refused, not stored as a reading from 1970 that maintenance would
 * then have to walk from. */
#define PLAUSIBLE_FROM_US (G_GINT64_CONSTANT (946684800) * G_USEC_PER_SEC)     /* 2000-01-01 */
#define PLAUSIBLE_UNTIL_US (G_GINT64_CONSTANT (4102444800) * G_USEC_PER_SEC)   /* 2100-01-01 */

/* One row of `timestamp,device_id,metric_type,value,unit`, the one parser
 * of the file form (whole in memory or streamed). Returns FALSE with
 * @error naming the line, or TRUE with @reading filled (owned strings) or
 * *@skip set for a blank, comment or header line. */
static gboolean
parse_line (const char     *name,
            char           *line,
            guint           line_no,
            AetherReading  *out,
            gboolean       *skip,
            GError        **error)
{
  g_auto(GStrv) fields = NULL;
  g_autoptr(GError) local_error = NULL;
  AetherReading reading = { 0 };
  char *end = NULL;

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

  fields = g_strsplit (line, ",", -1);

  if (line_no == 1 && is_header (fields))
    {
      *skip = TRUE;
      return TRUE;
    }

  if (g_strv_length (fields) != 5)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s:%u: expected 5 fields (timestamp,device_id,metric_type,value,unit), found %u",
                   name, line_no, g_strv_length (fields));
      return FALSE;
    }

  for (guint f = 0; f < 5; f++)
    g_strstrip (fields[f]);

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

  reading.device_id = g_strdup (fields[1]);
  reading.metric_type = g_strdup (fields[2]);
  reading.unit = g_strdup (fields[4]);
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

      if (!parse_line (name, lines[i], i + 1, &reading, &skip, error))
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
  return self;
}

/**
 * aether_csv_reader_read:
 * @self: a reader
 * @readings: (element-type AetherReading): emptied, then filled with the
 *   next readings, in file order
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

      if (!parse_line (self->name, self->line, self->line_no, &reading, &skip, error))
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
  chunk = g_array_new (FALSE, TRUE, sizeof (AetherReading));   /* moved, not cleared */
  do
    {
      if (!aether_csv_reader_read (reader, chunk, NULL, 65536, error))
        {
          g_array_set_clear_func (chunk, clear_reading_element);
          return NULL;
        }
      g_array_append_vals (readings, chunk->data, chunk->len);
    }
  while (chunk->len > 0);

  return g_steal_pointer (&readings);
}
