/* test-archive.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Parquet archive, read back by our own reader and by two real ones
 * (DuckDB and hyparquet, from tests/parquet), against `db energy`. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "store/aether-parquet.h"

typedef struct
{
  char *dir;
  char *db;
  char *archive;
} Fixture;

static double
run_energy_kwh (const char *db,
                const char *from,
                const char *to)
{
  const char *args[] = { "--db", db, "db", "energy", "--from", from, "--to", to, NULL };
  g_autofree char *out = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_cmpint (aether_test_run_cli_argv (args, &out), ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  return json_object_get_double_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                     "total"), "energy_kwh");
}

/* January and February 2026 of two devices at five-minute power readings,
 * rolled up as of 5 March (hourly and daily tiers kept), archived. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GString) csv = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autofree char *csv_path = NULL;
  gint64 t0 = 1767225600;   /* 2026-01-01T00:00:00Z */

  f->dir = g_dir_make_tmp ("aether-archive-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "test.db", NULL);
  f->archive = g_build_filename (f->dir, "archive", NULL);
  csv_path = g_build_filename (f->dir, "readings.csv", NULL);

  for (int i = 0; i <= 59 * 288; i++)
    {
      gint64 t = t0 + (gint64)i * 300;

      g_string_append_printf (csv, "%" G_GINT64_FORMAT ",fridge,power,%.3f,W\n", t, 100 + 50 * sin (i / 20.0));
      g_string_append_printf (csv, "%" G_GINT64_FORMAT ",heater,power,%d,W\n", t, (i / 12) % 3 == 0 ? 1500 : 0);
    }
  g_assert_true (g_file_set_contents (csv_path, csv->str, -1, NULL));

  {
    const char *ingest[] = { "--db", f->db, "db", "ingest", csv_path, NULL };
    const char *maintain[] = { "--db", f->db, "db", "maintain", "--now", "2026-03-05T00:00:00Z", NULL };
    const char *archive[] = { "--db", f->db, "db", "archive", "--before", "2026-03-01", "--dir", f->archive, NULL };

    g_assert_cmpint (aether_test_run_cli_argv (ingest, NULL), ==, 0);
    g_assert_cmpint (aether_test_run_cli_argv (maintain, NULL), ==, 0);
    g_assert_cmpint (aether_test_run_cli_argv (archive, NULL), ==, 0);
  }
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->archive);
}

static double
column_sum (AetherParquetSummary *summary,
            const char           *name)
{
  for (guint i = 0; i < summary->n_columns; i++)
    if (g_str_equal (summary->names[i], name))
      return summary->sums[i];
  g_assert_not_reached ();
}

/* Each month's file holds that month's stored energy, hourly and daily,
 * and is the owner's alone (0600). */
static void
test_months_equal_the_store (Fixture       *f,
                             gconstpointer  data)
{
  static const struct { const char *file; const char *from; const char *to; } months[] = {
    { "2026-01.parquet", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z" },
    { "2026-02.parquet", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z" },
  };

  for (guint m = 0; m < G_N_ELEMENTS (months); m++)
    {
      double stored = run_energy_kwh (f->db, months[m].from, months[m].to) * 1000.0;

      g_assert_cmpfloat (stored, >, 0);
      for (guint t = 0; t < 2; t++)
        {
          g_autofree char *path = g_build_filename (f->archive, t == 0 ? "hourly" : "daily", months[m].file, NULL);
          g_autoptr(GError) error = NULL;
          g_autoptr(AetherParquetSummary) summary = aether_parquet_read_summary (path, &error);
          GStatBuf st;

          g_assert_no_error (error);
          g_assert_cmpfloat_with_epsilon (column_sum (summary, "energy_wh"), stored, 1e-6 * stored);
          g_assert_cmpint (g_stat (path, &st), ==, 0);
          g_assert_cmpint (st.st_mode & 0777, ==, 0600);
        }
    }
  /* March has not ended: not archived. */
  {
    g_autofree char *march = g_build_filename (f->archive, "hourly", "2026-03.parquet", NULL);

    g_assert_false (g_file_test (march, G_FILE_TEST_EXISTS));
  }
}

/* DuckDB and hyparquet read every file, with the same rows and the same
 * energy as `db energy`, and see bucket_start as a UTC timestamp. */
static void
test_real_readers (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *script = g_build_filename (g_getenv ("AETHERLENS_SOURCE_ROOT"), "tests", "parquet", "read-parquet.mjs", NULL);
  g_autofree char *modules = g_build_filename (g_getenv ("AETHERLENS_SOURCE_ROOT"), "tests", "parquet", "node_modules", "hyparquet", NULL);
  g_autofree char *node = g_find_program_in_path ("node");
  double stored = run_energy_kwh (f->db, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z") * 1000.0;

  if (node == NULL || !g_file_test (modules, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("node and tests/parquet/node_modules are needed (./build-aux/dev.sh test installs them)");
      return;
    }

  for (guint t = 0; t < 2; t++)
    {
      const char *tier = t == 0 ? "hourly" : "daily";
      g_autofree char *jan = g_build_filename (f->archive, tier, "2026-01.parquet", NULL);
      g_autofree char *feb = g_build_filename (f->archive, tier, "2026-02.parquet", NULL);
      g_autofree char *jan_out = NULL;
      g_autoptr(AetherParquetSummary) a = aether_parquet_read_summary (jan, NULL);
      g_autoptr(AetherParquetSummary) b = aether_parquet_read_summary (feb, NULL);
      const char *argv[] = { node, script, jan, feb, NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonObject *root, *hy, *duck;
      int status;

      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status, &error);
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("read-parquet.mjs failed: %s", err);
      g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
      root = json_node_get_object (json_parser_get_root (parser));
      hy = json_object_get_object_member (root, "hyparquet");
      duck = json_object_get_object_member (root, "duckdb");

      g_assert_cmpint (json_object_get_int_member (hy, "rows"), ==, a->n_rows + b->n_rows);
      g_assert_cmpint (json_object_get_int_member (duck, "rows"), ==, a->n_rows + b->n_rows);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (hy, "energy_wh"), stored, 1e-6 * stored);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (duck, "energy_wh"), stored, 1e-6 * stored);
      g_assert_cmpstr (json_object_get_string_member (duck, "type"), ==, "TIMESTAMP WITH TIME ZONE");
      g_assert_cmpstr (json_object_get_string_member (duck, "first"), ==, "2026-01-01 00:00:00+00");
    }
}

/* A damaged file is named by --verify; archiving again rewrites the same
 * bytes. */
static void
test_verify_and_again (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->archive, "daily", "2026-01.parquet", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  gsize before_length, after_length;

  g_assert_cmpint (aether_test_run_cli (NULL, &out, &err, "db", "archive", "--verify", f->archive, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Every one of 4 files reads back whole"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_true (g_file_get_contents (path, &before, &before_length, NULL));
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "db", "archive", "--before", "2026-03-01", "--dir", f->archive, NULL), ==, 0);
  g_assert_true (g_file_get_contents (path, &after, &after_length, NULL));
  g_assert_cmpmem (before, before_length, after, after_length);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Cut the footer off. */
  g_assert_true (g_file_set_contents (path, before, before_length / 2, NULL));
  g_assert_cmpint (aether_test_run_cli (NULL, &out, &err, "db", "archive", "--verify", f->archive, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "2026-01.parquet is not a readable Parquet file"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/store/archive/months-equal-the-store", Fixture, NULL, fixture_set_up, test_months_equal_the_store, fixture_tear_down);
  g_test_add ("/store/archive/real-readers", Fixture, NULL, fixture_set_up, test_real_readers, fixture_tear_down);
  g_test_add ("/store/archive/verify-and-again", Fixture, NULL, fixture_set_up, test_verify_and_again, fixture_tear_down);

  return g_test_run ();
}
