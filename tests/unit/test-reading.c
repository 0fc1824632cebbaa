/* test-reading.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "aether-core.h"

static void
test_timestamp_iso_with_offset (void)
{
  g_autoptr(GError) error = NULL;
  gint64 us = 0;

  g_assert_true (aether_parse_timestamp ("2024-01-15T10:30:00Z", &us, &error));
  g_assert_no_error (error);
  g_assert_cmpint (us, ==, G_GINT64_CONSTANT (1705314600) * G_USEC_PER_SEC);

  g_assert_true (aether_parse_timestamp ("2024-01-15T02:30:00-08:00", &us, &error));
  g_assert_cmpint (us, ==, G_GINT64_CONSTANT (1705314600) * G_USEC_PER_SEC);
}

static void
test_timestamp_epoch_seconds (void)
{
  g_autoptr(GError) error = NULL;
  gint64 us = 0;

  g_assert_true (aether_parse_timestamp (" 1705314600 ", &us, &error));
  g_assert_cmpint (us, ==, G_GINT64_CONSTANT (1705314600) * G_USEC_PER_SEC);
  g_assert_true (aether_parse_timestamp ("1705314600.25", &us, &error));
  g_assert_cmpint (us, ==, G_GINT64_CONSTANT (1705314600250000));
}

static void
test_timestamp_without_offset_is_refused (void)
{
  g_autoptr(GError) error = NULL;
  gint64 us = 0;

  g_assert_false (aether_parse_timestamp ("2024-01-15T10:30:00", &us, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "“2024-01-15T10:30:00” is not a timestamp"));
}

static void
test_timestamp_formats_like_the_seed (void)
{
  g_autofree char *whole = aether_format_timestamp (G_GINT64_CONSTANT (1705314600) * G_USEC_PER_SEC);
  g_autofree char *frac = aether_format_timestamp (G_GINT64_CONSTANT (1705314600250000));

  g_assert_cmpstr (whole, ==, "2024-01-15T10:30:00Z");
  g_assert_cmpstr (frac, ==, "2024-01-15T10:30:00.25Z");
}

static void
test_csv_parses_with_header_and_comments (void)
{
  const char *csv =
    "timestamp,device_id,metric_type,value,unit\n"
    "# a comment\n"
    "2024-01-15T10:30:00Z,shelly-plug-office-01,power,125.4,W\n"
    "\n"
    "1705314660, shelly-plug-office-01 ,energy,1.5,Wh\r\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) readings = aether_readings_parse_csv (csv, -1, "x.csv", &error);
  AetherReading *r;

  g_assert_no_error (error);
  g_assert_cmpuint (readings->len, ==, 2);
  r = &g_array_index (readings, AetherReading, 0);
  g_assert_cmpstr (r->device_id, ==, "shelly-plug-office-01");
  g_assert_cmpstr (r->metric_type, ==, "power");
  g_assert_cmpfloat (r->value, ==, 125.4);
  g_assert_cmpstr (r->unit, ==, "W");
  r = &g_array_index (readings, AetherReading, 1);
  g_assert_cmpint (r->timestamp_us, ==, G_GINT64_CONSTANT (1705314660) * G_USEC_PER_SEC);
  g_assert_cmpstr (r->device_id, ==, "shelly-plug-office-01");
  g_assert_cmpstr (r->unit, ==, "Wh");
}

static void
test_csv_bad_row_names_its_line (void)
{
  const char *csv =
    "timestamp,device_id,metric_type,value,unit\n"
    "2024-01-15T10:30:00Z,plug,power,125.4,W\n"
    "2024-01-15T10:31:00Z,plug,power,NaN,W\n";
  const char *short_row = "2024-01-15T10:30:00Z,plug,power\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) error2 = NULL;

  g_assert_null (aether_readings_parse_csv (csv, -1, "bad.csv", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_assert_cmpstr (error->message, ==, "bad.csv:3: value “NaN” is not a finite number");

  g_assert_null (aether_readings_parse_csv (short_row, -1, "short.csv", &error2));
  g_assert_nonnull (strstr (error2->message, "short.csv:1: expected 5 fields"));
}

static void
test_csv_missing_file_is_not_found (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_null (aether_readings_load_csv ("/nonexistent/readings.csv", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/reading/timestamp/iso-with-offset", test_timestamp_iso_with_offset);
  g_test_add_func ("/reading/timestamp/epoch-seconds", test_timestamp_epoch_seconds);
  g_test_add_func ("/reading/timestamp/without-offset-is-refused", test_timestamp_without_offset_is_refused);
  g_test_add_func ("/reading/timestamp/formats-like-the-seed", test_timestamp_formats_like_the_seed);
  g_test_add_func ("/reading/csv/header-and-comments", test_csv_parses_with_header_and_comments);
  g_test_add_func ("/reading/csv/bad-row-names-its-line", test_csv_bad_row_names_its_line);
  g_test_add_func ("/reading/csv/missing-file-is-not-found", test_csv_missing_file_is_not_found);

  return g_test_run ();
}
