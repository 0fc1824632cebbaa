/* test-store-late.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Readings the writer commits after maintenance already rolled their
 * minutes (the writer is up to a commit behind the clock) are rolled up
 * again, not left out of the energy tiers: the same rule as for a backfill
 * through aether_store_ingest(). */

#include "config.h"

#include <glib/gstdio.h>

#include "aether-core.h"
#include "aether-test-util.h"

#define T0 G_GINT64_CONSTANT (1705312800)   /* 2024-01-15 10:00:00 UTC */
#define US(s) ((gint64)(s) * G_USEC_PER_SEC)

static void
push_counter (AetherStoreWriter *writer,
              const char        *device_id,
              gint64             from_s,
              gint64             to_s,
              double             wh_per_10s)
{
  g_autoptr(GError) error = NULL;

  for (gint64 t = from_s; t < to_s; t += 10)
    {
      AetherReading r = { US (t), (char *)device_id, (char *)"energy", (double)(t - from_s) / 10 * wh_per_10s,
                          (char *)"Wh" };

      aether_reading_sink_push (AETHER_READING_SINK (writer), &r);
    }
  g_assert_true (aether_reading_sink_flush (AETHER_READING_SINK (writer), &error));
  g_assert_no_error (error);
}

static double
energy_of (AetherStore *store,
           const char  *device_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) totals = aether_store_energy_totals (store, US (T0), US (T0 + 3 * 3600), "device", &error);

  g_assert_no_error (error);
  for (guint i = 0; i < totals->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (totals, i);

      if (g_str_equal (t->key, device_id))
        return t->energy_wh;
    }
  return 0;
}

static void
test_late_writer_readings_are_rolled_up (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-late-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (US (T0 + 2 * 3600));
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);
  g_autoptr(AetherStoreWriter) writer = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();

  g_assert_no_error (error);
  aether_store_set_time_zone (store, utc);
  writer = aether_store_writer_new (path, 1000, 5000, &error);
  g_assert_no_error (error);

  /* Two hours of a plug, 1 Wh every 10 s, rolled up. */
  push_counter (writer, "plug", T0, T0 + 2 * 3600, 1);
  g_assert_true (aether_store_maintain (store, US (T0 + 2 * 3600), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (energy_of (store, "plug"), 719, 1e-9);

  /* Then the first commit of a heater that reported for the last 40
   * minutes, behind the watermark (further back: see the next test). */
  push_counter (writer, "heater", T0 + 4800, T0 + 2 * 3600, 2);
  g_assert_true (aether_store_maintain (store, US (T0 + 2 * 3600), NULL, &error));
  g_assert_no_error (error);

  /* (2400 s / 10 - 1) deltas of 2 Wh, and the plug as it was. */
  g_assert_cmpfloat_with_epsilon (energy_of (store, "heater"), 478, 1e-9);
  g_assert_cmpfloat_with_epsilon (energy_of (store, "plug"), 719, 1e-9);

  g_assert_true (aether_store_writer_close (writer, &error));
  g_clear_object (&store);
  aether_test_remove_dir (dir);
}

/* A backfill older than the hour of raw samples retention keeps: the
 * minutes it re-opens are rolled again from what is left, and where a
 * series lost the sample before its first one, the energy stored for that
 * minute is kept rather than replaced by a part of it. */
static void
test_backfill_past_raw_retention_keeps_others (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-late-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (US (T0 + 2 * 3600));
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);
  g_autoptr(AetherStoreWriter) writer = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GArray) late = g_array_new (FALSE, TRUE, sizeof (AetherReading));

  g_assert_no_error (error);
  aether_store_set_time_zone (store, utc);
  writer = aether_store_writer_new (path, 1000, 5000, &error);
  g_assert_no_error (error);

  push_counter (writer, "plug", T0, T0 + 2 * 3600, 1);
  g_assert_true (aether_store_maintain (store, US (T0 + 2 * 3600), NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (energy_of (store, "plug"), 719, 1e-9);

  /* Ten minutes of a heater's power from the first hour, whose raw samples
   * retention has already removed. */
  for (gint64 t = T0 + 600; t <= T0 + 1200; t += 10)
    {
      AetherReading r = { US (t), (char *)"heater", (char *)"power", 1200, (char *)"W" };

      g_array_append_val (late, r);
    }
  g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)late->data, late->len, &error));
  g_assert_no_error (error);
  g_assert_true (aether_store_maintain (store, US (T0 + 2 * 3600), NULL, &error));
  g_assert_no_error (error);

  g_assert_cmpfloat_with_epsilon (energy_of (store, "heater"), 200, 1e-9);
  g_assert_cmpfloat_with_epsilon (energy_of (store, "plug"), 719, 1e-9);

  g_assert_true (aether_store_writer_close (writer, &error));
  g_clear_object (&store);
  aether_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/writer/late-readings-are-rolled-up", test_late_writer_readings_are_rolled_up);
  g_test_add_func ("/store/ingest/backfill-past-raw-retention-keeps-others",
                   test_backfill_past_raw_retention_keeps_others);

  return g_test_run ();
}
