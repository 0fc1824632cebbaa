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

/**
 * aether_readings_parse_csv:
 * @contents: the file's text
 * @length: its length, or -1 if nul-terminated
 * @filename: (nullable): the name errors use
 * @error: a location for a #GError
 *
 * Parses rows of `timestamp,device_id,metric_type,value,unit`, with an
 * optional header row. Blank lines and lines starting with `#` are skipped.
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

  readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_array_set_clear_func (readings, clear_reading_element);

  copy = g_strndup (contents, length);
  lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;
      g_autoptr(GError) local_error = NULL;
      AetherReading reading = { 0 };
      char *line = g_strstrip (lines[i]);
      char *end = NULL;
      guint line_no = i + 1;

      if (line[0] == '\0' || line[0] == '#')
        continue;

      fields = g_strsplit (line, ",", -1);

      if (i == 0 && is_header (fields))
        continue;

      if (g_strv_length (fields) != 5)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "%s:%u: expected 5 fields (timestamp,device_id,metric_type,value,unit), found %u",
                       name, line_no, g_strv_length (fields));
          return NULL;
        }

      for (guint f = 0; f < 5; f++)
        g_strstrip (fields[f]);

      if (!aether_parse_timestamp (fields[0], &reading.timestamp_us, &local_error))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "%s:%u: %s", name, line_no, local_error->message);
          return NULL;
        }

      if (fields[1][0] == '\0' || fields[2][0] == '\0')
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "%s:%u: the %s is empty", name, line_no,
                       fields[1][0] == '\0' ? "device_id" : "metric_type");
          return NULL;
        }

      errno = 0;
      reading.value = g_ascii_strtod (fields[3], &end);
      if (fields[3][0] == '\0' || errno != 0 || *end != '\0' || !isfinite (reading.value))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "%s:%u: value “%s” is not a finite number", name, line_no, fields[3]);
          return NULL;
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
            return NULL;
          }
      }

      reading.device_id = g_strdup (fields[1]);
      reading.metric_type = g_strdup (fields[2]);
      reading.unit = g_strdup (fields[4]);
      g_array_append_val (readings, reading);
    }

  return g_steal_pointer (&readings);
}

/**
 * aether_readings_load_csv:
 * @path: a file
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherReading): as
 *   aether_readings_parse_csv()
 */
GArray *
aether_readings_load_csv (const char  *path,
                          GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, AETHER_ERROR,
                   g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT)
                     ? AETHER_ERROR_NOT_FOUND : AETHER_ERROR_IO,
                   "%s", local_error->message);
      return NULL;
    }

  return aether_readings_parse_csv (contents, length, path, error);
}
