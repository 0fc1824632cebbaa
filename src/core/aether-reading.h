/* aether-reading.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/**
 * AetherReading:
 * @timestamp_us: when the value was measured, microseconds since the Unix epoch (UTC)
 * @device_id: the seed's `device_id`
 * @metric_type: the seed's `metric_type` (`power`, `energy`, `voltage`, …)
 * @value: the value, in @unit
 * @unit: the unit as written at the edge (`W`, `watts`, `Wh`, `kWh`, `V`, …)
 *
 * One value of one metric of one device: the seed's time-series metric without
 * its tags and metadata, which belong to the series.
 */
typedef struct
{
  gint64  timestamp_us;
  char   *device_id;
  char   *metric_type;
  double  value;
  char   *unit;
} AetherReading;

void       aether_reading_clear             (AetherReading  *reading);

gboolean   aether_parse_timestamp           (const char     *text,
                                             gint64         *unix_us,
                                             GError        **error);
char      *aether_format_timestamp          (gint64          unix_us);

GArray    *aether_readings_parse_csv        (const char     *contents,
                                             gsize           length,
                                             const char     *filename,
                                             GError        **error);
GArray    *aether_readings_load_csv         (const char     *path,
                                             GError        **error);

/* Streaming, for files of any size (`db ingest`). */
typedef struct _AetherCsvReader AetherCsvReader;

AetherCsvReader *aether_csv_reader_open     (const char       *path,
                                             GError          **error);
gboolean   aether_csv_reader_read           (AetherCsvReader  *self,
                                             GArray           *readings,
                                             GArray           *lines,
                                             guint             max,
                                             GError          **error);
const char *aether_csv_reader_get_name      (AetherCsvReader  *self);
void       aether_csv_reader_free           (AetherCsvReader  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherCsvReader, aether_csv_reader_free)

G_END_DECLS
