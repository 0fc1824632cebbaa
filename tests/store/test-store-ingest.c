/* test-store-ingest.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `db ingest` and maintenance against what they are fed: a CSV streamed in
 * chunks is still one transaction (a bad row far past the first chunk
 * rolls everything back and is named), rows that repeat a stored reading
 * are skipped and named rather than counted, timestamps that say 1970
 * (or any time no reading comes from) are refused with their line, and
 * maintenance over a sparse history — or a 1970 reading stored through
 * the API — skips the empty hours instead of walking them; the writer
 * thread's maintenance stores exactly what the store's does. */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "aether-core.h"
#include "aether-test-util.h"

#define T0 G_GINT64_CONSTANT (1705312800)   /* 2024-01-15 10:00:00 UTC */
#define US(s) ((gint64)(s) * G_USEC_PER_SEC)

typedef struct
{
  char *dir;
  char *db;
  char *csv;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("aether-ingest-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->csv = g_build_filename (f->dir, "readings.csv", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->csv);
}

/* Every stored row of the rollup and energy tiers, as text. */
static char *
dump_tiers (const char *db_path)
{
  static const char * const queries[] = {
    "SELECT series_id, bucket, count, printf('%.17g', sum), min, max, first, last, hex(sketch) FROM rollup_1m",
    "SELECT series_id, bucket, count, printf('%.17g', sum), min, max, first, last, hex(sketch) FROM rollup_5m",
    "SELECT series_id, bucket, count, printf('%.17g', sum), min, max, first, last, hex(sketch) FROM rollup_1h",
    "SELECT series_id, bucket, count, printf('%.17g', sum), min, max, first, last, hex(sketch) FROM rollup_1d",
    "SELECT device_id, bucket, printf('%.17g', energy_wh), printf('%.17g', exported_wh) FROM energy_1m",
    "SELECT device_id, bucket, printf('%.17g', energy_wh), printf('%.17g', exported_wh) FROM energy_5m",
    "SELECT device_id, bucket, printf('%.17g', energy_wh), printf('%.17g', exported_wh) FROM energy_1h",
    "SELECT device_id, bucket, printf('%.17g', energy_wh), hour_profile FROM energy_1d",
    "SELECT tier, watermark FROM rollup_state",
  };
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (out, "%s|", (const char *)sqlite3_column_text (stmt, c));
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
      g_string_append (out, "--\n");
    }
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

/* Timestamps no reading comes from: epoch 0, a small float, days since
 * the epoch, a value in the timestamp column (swapped columns), an ISO
 * time before 1970. Each is refused, naming its line, in memory and
 * streamed alike, and `db ingest` stores nothing. */
static void
test_implausible_timestamps (Fixture       *f,
                             gconstpointer  data)
{
  static const char * const bad[] = { "0", "104.0", "17961", "230.5", "1969-12-31T23:00:00Z", "1970-01-01T00:00:00Z" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *csv = g_strdup_printf ("timestamp,device_id,metric_type,value,unit\n"
                                              "2024-01-15T10:00:00Z,plug,power,100,W\n"
                                              "%s,plug,power,100,W\n", bad[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) parsed = aether_readings_parse_csv (csv, -1, "x.csv", &error);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;

      g_assert_null (parsed);
      g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
      g_assert_true (g_str_has_prefix (error->message, "x.csv:3: "));

      g_assert_true (g_file_set_contents (f->csv, csv, -1, NULL));
      g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "db", "ingest", f->csv, NULL), ==, 1);
      g_assert_nonnull (strstr (err, "readings.csv:3: "));
      g_assert_cmpint (aether_test_query_int (f->db, "SELECT count(*) FROM samples"), ==, 0);
    }
}

/* A file larger than a chunk (65,536 rows) with a bad row near its end:
 * the error names the line and nothing from the chunks before is kept.
 * Without the bad row, every reading is stored in one go. */
static void
test_streamed_ingest_is_all_or_nothing (Fixture       *f,
                                        gconstpointer  data)
{
  const guint n = 70000;
  g_autoptr(GString) csv = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *want_line = NULL;
  g_autofree char *want_stored = NULL;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (csv, "%" G_GINT64_FORMAT ",plug-%u,power,%u.5,W\n", T0 + i / 4, i % 4, i % 1000);
  g_string_append (csv, "2024-01-15T12:00:00Z,plug-0,power,ten,W\n");
  g_assert_true (g_file_set_contents (f->csv, csv->str, -1, NULL));

  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "db", "ingest", f->csv, NULL), ==, 1);
  want_line = g_strdup_printf ("readings.csv:%u: value “ten” is not a finite number", n + 2);
  g_assert_nonnull (strstr (err, want_line));
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT count(*) FROM samples"), ==, 0);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT count(*) FROM series"), ==, 0);

  /* An unknown unit past the first chunk is named by its line too. */
  g_string_truncate (csv, csv->len - strlen ("2024-01-15T12:00:00Z,plug-0,power,ten,W\n"));
  g_string_append (csv, "2024-01-15T12:00:00Z,plug-0,power,10,furlongs\n");
  g_assert_true (g_file_set_contents (f->csv, csv->str, -1, NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "db", "ingest", f->csv, NULL), ==, 1);
  g_clear_pointer (&want_line, g_free);
  want_line = g_strdup_printf ("readings.csv:%u: “furlongs” is not a unit of power", n + 2);
  g_assert_nonnull (strstr (err, want_line));
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT count(*) FROM samples"), ==, 0);

  g_string_truncate (csv, csv->len - strlen ("2024-01-15T12:00:00Z,plug-0,power,10,furlongs\n"));
  g_assert_true (g_file_set_contents (f->csv, csv->str, -1, NULL));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "db", "ingest", f->csv, NULL), ==, 0);
  want_stored = g_strdup_printf ("Stored %u readings from", n);
  g_assert_nonnull (strstr (out, want_stored));
  g_assert_null (strstr (out, "Skipped"));
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT count(*) FROM samples"), ==, n);
}

/* A row that repeats a reading (the same device, metric and time) is not
 * counted as stored: the first stays, the repeat is skipped and its line
 * named, in the same file and on a second ingest of it. */
static void
test_duplicate_rows_are_named (Fixture       *f,
                               gconstpointer  data)
{
  const char *csv =
    "timestamp,device_id,metric_type,value,unit\n"
    "2024-01-15T10:00:00Z,plug,power,100,W\n"
    "2024-01-15T10:00:10Z,plug,power,110,W\n"
    "2024-01-15T10:00:00Z,plug,power,999,W\n"
    "2024-01-15T10:00:00Z,plug,voltage,230,V\n";
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_assert_true (g_file_set_contents (f->csv, csv, -1, NULL));
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "db", "ingest", f->csv, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Stored 3 readings from"));
  g_assert_nonnull (strstr (out, "Skipped 1 row that repeats a stored reading"));
  g_assert_nonnull (strstr (out, ": line 4\n"));
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT count(*) FROM samples"), ==, 3);
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT value FROM samples JOIN series USING (series_id)"
                                                 " WHERE metric_type = 'power' AND ts = 1705312800000"), ==, 100);

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "db", "ingest", f->csv, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Stored 0 readings from"));
  g_assert_nonnull (strstr (out, "Skipped 4 rows that repeat a stored reading"));
  g_assert_nonnull (strstr (out, ": lines 2, 3, 4, 5\n"));
  g_assert_cmpint (aether_test_query_int (f->db, "SELECT count(*) FROM samples"), ==, 3);
}

static void
ingest_minutes (AetherStore *store,
                const char  *device_id,
                gint64       from_s,
                guint        n)
{
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < n; i++)
    {
      AetherReading r = { US (from_s + 60 * (gint64)i), (char *)device_id, (char *)"power", 100.0 + i, (char *)"W" };

      g_array_append_val (readings, r);
    }
  g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_no_error (error);
}

/* A sample a year ago and samples now: maintenance rolls the hours that
 * have samples and skips the year between in a step, instead of walking
 * 8,760 empty hours. */
static void
test_maintain_sparse_history (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (US (T0 + 365 * 86400 + 3600));
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (f->db, clock, &error);
  AetherMaintainStats stats;

  g_assert_no_error (error);
  ingest_minutes (store, "plug", T0, 10);
  ingest_minutes (store, "plug", T0 + 365 * 86400, 30);

  g_assert_true (aether_store_maintain (store, US (T0 + 365 * 86400 + 3600), &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.samples_rolled, ==, 40);
  g_assert_cmpuint (stats.rolled[AETHER_TIER_1M], ==, 40);
  /* The hour a year ago and the hour now. */
  g_assert_cmpuint (stats.raw_slices, ==, 2);
  g_assert_cmpuint (stats.skipped_slices, <=, 2);
  g_assert_cmpuint (stats.rolled[AETHER_TIER_1H], ==, 2);
  g_assert_cmpuint (stats.rolled[AETHER_TIER_1D], ==, 1);   /* today is not over */

  /* Again: nothing to do, nothing walked. */
  g_assert_true (aether_store_maintain (store, US (T0 + 365 * 86400 + 3600), &stats, &error));
  g_assert_cmpuint (stats.raw_slices, ==, 0);
}

/* A reading from 1970 that reached the store through the API (the CSV
 * refuses it): maintenance skips the 54 years after it. */
static void
test_maintain_1970_reading (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(AetherClock) clock = aether_clock_new_manual (US (T0 + 3600));
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (f->db, clock, &error);
  AetherMaintainStats stats;
  AetherReading r = { US (104), (char *)"plug", (char *)"power", 50, (char *)"W" };

  g_assert_no_error (error);
  g_assert_true (aether_store_ingest (store, &r, 1, &error));
  ingest_minutes (store, "plug", T0, 30);

  g_assert_true (aether_store_maintain (store, US (T0 + 3600), &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.samples_rolled, ==, 31);
  g_assert_cmpuint (stats.raw_slices, ==, 2);
  g_assert_cmpuint (stats.skipped_slices, <=, 2);
  g_assert_cmpuint (stats.rolled[AETHER_TIER_1H], ==, 2);
  g_assert_cmpuint (stats.rolled[AETHER_TIER_1D], ==, 1);   /* 1970's day; today is not over */
}

/* The service's maintenance on the writer thread's connection stores
 * byte for byte what aether_store_maintain() stores. */
static void
test_writer_maintenance_matches_store (Fixture       *f,
                                       gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other.db", NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (US (T0 + 6 * 3600));
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GError) error = NULL;
  g_autofree char *by_store = NULL;
  g_autofree char *by_writer = NULL;
  const char *paths[] = { f->db, other };

  for (guint p = 0; p < 2; p++)
    {
      g_autoptr(AetherStore) store = aether_store_open (paths[p], clock, &error);
      g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));

      g_assert_no_error (error);
      aether_store_set_time_zone (store, utc);
      for (gint64 t = T0 + 7; t < T0 + 5 * 3600; t += 10)
        {
          AetherReading power = { US (t), (char *)"plug", (char *)"power", 80.0 + (t % 37), (char *)"W" };
          AetherReading counter = { US (t), (char *)"meter", (char *)"energy", (double)(t - T0) / 7.0, (char *)"Wh" };

          g_array_append_val (readings, power);
          g_array_append_val (readings, counter);
        }
      g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));

      if (p == 0)
        g_assert_true (aether_store_maintain (store, US (T0 + 6 * 3600), NULL, &error));
      else
        {
          g_autoptr(AetherStoreWriter) writer = aether_store_writer_new (paths[p], 1000, 5000, &error);

          g_assert_no_error (error);
          aether_store_writer_set_time_zone (writer, utc);
          aether_store_writer_maintain (writer, store, US (T0 + 6 * 3600), NULL);
          while (aether_store_writer_get_n_maintained (writer) == 0)
            g_usleep (10 * 1000);
          g_assert_true (aether_store_writer_close (writer, &error));
        }
      g_assert_no_error (error);
    }

  by_store = dump_tiers (f->db);
  by_writer = dump_tiers (other);
  g_assert_cmpint (strlen (by_store), >, 1000);
  g_assert_cmpstr (by_store, ==, by_writer);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/ingest/implausible-timestamps", Fixture, NULL, fixture_set_up,
              test_implausible_timestamps, fixture_tear_down);
  g_test_add ("/store/ingest/streamed-all-or-nothing", Fixture, NULL, fixture_set_up,
              test_streamed_ingest_is_all_or_nothing, fixture_tear_down);
  g_test_add ("/store/ingest/duplicate-rows", Fixture, NULL, fixture_set_up,
              test_duplicate_rows_are_named, fixture_tear_down);
  g_test_add ("/store/maintain/sparse-history", Fixture, NULL, fixture_set_up,
              test_maintain_sparse_history, fixture_tear_down);
  g_test_add ("/store/maintain/1970-reading", Fixture, NULL, fixture_set_up,
              test_maintain_1970_reading, fixture_tear_down);
  g_test_add ("/store/maintain/writer-thread", Fixture, NULL, fixture_set_up,
              test_writer_maintenance_matches_store, fixture_tear_down);

  return g_test_run ();
}
