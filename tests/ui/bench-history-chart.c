/* bench-history-chart.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* History's chart benchmark (`meson test --benchmark bench-history-chart`):
 * a year of eight appliances and the mains meter stored through the store's
 * ingest path, then
 *
 *  - the chart at 1,000 px with the year's 365 daily bars stacked from the
 *    eight series (read by aether_store_energy_series_for_devices(), the
 *    page's query) and a 1,000-point power line (aether_store_query_devices()):
 *    the median time to snapshot and render one frame (target ≤ 4 ms);
 *  - the History page itself: the median time from a range change (the
 *    next month, the next year) to the first frame painted with its answer
 *    (target ≤ 50 ms).
 *
 * It prints its figures; it asserts nothing about time. */

#include "config.h"

#include "aether-test-util.h"

#include "aether-ui-test-util.h"

#include <math.h>

#include "aether-sim-home.h"
#include "history/aether-history-page.h"
#include "store/aether-store-energy-series.h"
#include "test-history-data.h"

#define FRAMES 60
#define CHANGES 12

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y ? 1 : 0;
}

static double
median (GArray *values)
{
  g_array_sort (values, compare_doubles);
  return g_array_index (values, double, values->len / 2);
}

static gint64
unix_of (int y,
         int m,
         int d)
{
  g_autoptr(GDateTime) time = g_date_time_new_local (y, m, d, 0, 0, 0);

  return g_date_time_to_unix (time);
}

static void
on_after_paint (GdkFrameClock *clock,
                gint64        *painted_at)
{
  *painted_at = g_get_monotonic_time ();
}

/* The chart alone, fed by the real queries, drawn again and again. */
static void
bench_frames (AetherStore       *store,
              const HistoryData *data)
{
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) snapshot_times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GArray) line = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  guint n_series = data->device_ids->len - 1;
  const char *meter[] = { "demo-mains", NULL };
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  GtkWidget *chart = aether_history_chart_new ();
  g_autofree double *wh = NULL;
  g_autofree double *kw = g_new (double, 1000);
  gint64 from_s = unix_of (2023, 7, 1), to_s = unix_of (2024, 7, 1);
  gint64 query_us;
  guint n_bars;

  for (gint64 t = from_s; t <= to_s; t += 86400)
    {
      gint64 us = t * G_USEC_PER_SEC;

      g_array_append_val (edges, us);
    }
  n_bars = edges->len - 1;

  query_us = g_get_monotonic_time ();
  g_ptr_array_add (data->device_ids, NULL);
  series = aether_store_energy_series_for_devices (store, (const char * const *)data->device_ids->pdata,
                                                   (const gint64 *)(gpointer)edges->data, edges->len, NULL, NULL, &error);
  g_ptr_array_remove_index (data->device_ids, data->device_ids->len - 1);
  g_assert_no_error (error);
  line = aether_store_query_devices (store, meter, "power", from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, 1000, NULL, &error);
  g_assert_no_error (error);
  query_us = g_get_monotonic_time () - query_us;

  wh = g_new (double, n_bars * n_series);
  for (guint b = 0; b < n_bars; b++)
    {
      GPtrArray *totals = g_ptr_array_index (series, b);

      for (guint s = 0; s < n_series; s++)
        {
          wh[b * n_series + s] = NAN;
          for (guint i = 0; i < totals->len; i++)
            if (g_str_equal (((AetherEnergyTotal *)g_ptr_array_index (totals, i))->key, g_ptr_array_index (data->device_ids, s)))
              wh[b * n_series + s] = ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->energy_wh;
        }
      g_ptr_array_add (labels, g_strdup_printf ("%u", b % 31 + 1));
    }
  for (guint s = 0; s < n_series; s++)
    g_ptr_array_add (names, g_ptr_array_index (data->device_ids, s));
  for (guint k = 0; k < 1000; k++)
    kw[k] = NAN;
  for (guint i = 0; i < line->len; i++)
    {
      AetherBucket *bucket = &g_array_index (line, AetherBucket, i);
      gint64 c = (bucket->start_us / G_USEC_PER_SEC - from_s) * 1000 / (to_s - from_s);

      if (c >= 0 && c < 1000 && bucket->count > 0)
        kw[c] = bucket->avg / 1000;
    }

  aether_history_chart_set_bars (AETHER_HISTORY_CHART (chart), n_bars, n_series, (const char * const *)names->pdata, wh, NULL,
                                 (const char * const *)labels->pdata, (const char * const *)labels->pdata);
  aether_history_chart_set_line (AETHER_HISTORY_CHART (chart), kw, 1000);
  gtk_widget_set_size_request (chart, 1000, 300);
  gtk_window_set_child (window, chart);
  gtk_window_present (window);
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  g_assert_cmpint (gtk_widget_get_width (chart), >=, 1000);

  for (guint i = 0; i < FRAMES; i++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;
      gint64 start = g_get_monotonic_time ();
      double ms;

      /* A moving crosshair, so nothing can be cached from the frame before. */
      aether_history_chart_select (AETHER_HISTORY_CHART (chart), i % n_bars);
      GTK_WIDGET_GET_CLASS (chart)->snapshot (chart, snapshot);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (snapshot_times, ms);
      texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                             &GRAPHENE_RECT_INIT (0, 0, gtk_widget_get_width (chart),
                                                                  gtk_widget_get_height (chart)));
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
    }

  g_print ("history chart: %u series x %u daily bars + a %u-point power line at %d px: "
           "median snapshot+render %.2f ms per frame (target <= 4 ms), of which the snapshot %.2f ms; queries %.1f ms\n",
           n_series, n_bars, line->len, gtk_widget_get_width (chart), median (times), median (snapshot_times),
           query_us / 1000.0);
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "bench-history-chart");
  gtk_window_destroy (window);
}

/* The page: from a range change to the frame painted with its answer. */
static void
bench_range_changes (AetherService *service)
{
  static const struct { const char *range; int y, m, d; } steps[] = {
    { "year", 2024, 3, 1 }, { "year", 2023, 9, 1 }, { "month", 2024, 5, 15 }, { "month", 2024, 1, 15 },
    { "week", 2024, 6, 12 }, { "day", 2024, 6, 18 },
  };
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  AetherHistoryPage *page = g_object_new (AETHER_TYPE_HISTORY_PAGE, NULL);
  GdkFrameClock *clock;
  gint64 painted_at = 0;
  gulong handler;

  gtk_window_set_default_size (window, 1100, 1200);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  aether_history_page_set_service (page, service);
  while (aether_history_page_is_loading (page))
    g_main_context_iteration (NULL, TRUE);
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted_at);

  for (guint i = 0; i < CHANGES; i++)
    {
      g_autoptr(GDateTime) day = g_date_time_new_local (steps[i % G_N_ELEMENTS (steps)].y, steps[i % G_N_ELEMENTS (steps)].m,
                                                        steps[i % G_N_ELEMENTS (steps)].d, 0, 0, 0);
      gint64 start = g_get_monotonic_time ();
      gint64 drawn;
      double ms;

      aether_history_page_show (page, steps[i % G_N_ELEMENTS (steps)].range, day);
      /* The bars, not the comparisons that follow them. */
      while (aether_history_page_get_drawn_at (page) < start)
        g_main_context_iteration (NULL, TRUE);
      drawn = aether_history_page_get_drawn_at (page);
      /* The first frame painted after the answer was put on the page. */
      while (painted_at <= drawn)
        {
          gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
          g_main_context_iteration (NULL, TRUE);
        }
      ms = (painted_at - start) / 1000.0;
      g_array_append_val (times, ms);
      g_print ("  %s of %d-%02d-%02d: %.1f ms (the answer on the page after %.1f ms)\n", steps[i % G_N_ELEMENTS (steps)].range,
               steps[i % G_N_ELEMENTS (steps)].y, steps[i % G_N_ELEMENTS (steps)].m, steps[i % G_N_ELEMENTS (steps)].d, ms,
               (drawn - start) / 1000.0);
    }
  while (aether_history_page_is_loading (page))
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, handler);

  g_print ("history page: median %.1f ms from a range change to its drawn frame over %u changes (target <= 50 ms)\n",
           median (times), CHANGES);
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_autoptr(AetherClock) clock = NULL;
  g_autoptr(AetherService) service = NULL;
  g_autoptr(HistoryData) data = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  aether_sim_home_reset_all ();
  dir = g_dir_make_tmp ("aether-bench-history-XXXXXX", NULL);
  db = g_build_filename (dir, "aetherlens.db", NULL);
  clock = aether_clock_new_manual (unix_of (2024, 7, 1) * G_USEC_PER_SEC);
  aether_clock_set_default (clock);
  service = aether_service_new (db, clock, &error);
  g_assert_no_error (error);
  g_assert_nonnull (aether_sim_add_demo_home (aether_service_get_store (service), 42, NULL, &error));
  aether_service_load (service, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  data = history_data_ingest (aether_service_get_store (service), 8, unix_of (2023, 7, 1), unix_of (2024, 7, 1), 0, 0);
  g_print ("a year of 8 appliances and the meter stored and maintained in %.1f s\n", (g_get_monotonic_time () - start) / 1e6);

  bench_frames (aether_service_get_store (service), data);
  bench_range_changes (service);

  g_clear_object (&service);
  aether_clock_set_default (NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  aether_test_remove_dir (dir);
  return 0;
}
