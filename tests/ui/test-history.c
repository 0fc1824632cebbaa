/* test-history.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* History on a year of the demo home (five appliances and the mains meter,
 * every quarter hour, through the store's ingest path and maintenance, so
 * the older months live only in the coarser tiers as retention leaves
 * them): each range's bars add up to the store's energy, to `db energy` and
 * to an independent sum over the samples; untracked is the meter less its
 * plugs; the CSV export is the bars; a gap is drawn as a gap; the figures
 * are the same after the service is started again. Screenshots of every
 * range, light and dark, wide and phone-narrow, go to
 * $G_TEST_BUILDDIR/screenshots as history-*.png. */

#include "config.h"

#include "aether-test-util.h"

#include "aether-ui-test-util.h"

#include <math.h>

#include "aether-format.h"
#include "aether-sim-home.h"
#include "history/aether-history-page.h"
#include "test-history-data.h"

typedef struct
{
  char              *dir;
  char              *db;
  AetherClock       *clock;
  AetherService     *service;
  GtkWindow         *window;
  AetherHistoryPage *page;
  HistoryData       *data;
} Fixture;

static Fixture f;

static GDateTime *
utc (int y,
     int m,
     int d,
     int h)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();

  return g_date_time_new (tz, y, m, d, h, 0, 0);
}

static gint64
unix_of (int y,
         int m,
         int d,
         int h)
{
  g_autoptr(GDateTime) time = utc (y, m, d, h);

  return g_date_time_to_unix (time);
}

static void
start_service (void)
{
  g_autoptr(GError) error = NULL;
  gboolean fresh = !g_file_test (f.db, G_FILE_TEST_EXISTS);

  f.service = aether_service_new (f.db, f.clock, &error);
  g_assert_no_error (error);
  if (fresh)
    {
      g_autoptr(GPtrArray) added = aether_sim_add_demo_home (aether_service_get_store (f.service), 42, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (added);
    }
  /* Loaded, for the tariff that prices what is ingested; never started:
   * nothing is collected behind the test's back. */
  aether_service_load (f.service, &error);
  g_assert_no_error (error);
}

static void
wait_for_page (void)
{
  while (aether_history_page_is_loading (f.page))
    g_main_context_iteration (NULL, TRUE);
}

static void
show (const char *range,
      GDateTime  *day)
{
  aether_history_page_show (f.page, range, day);
  wait_for_page ();
}

static void
set_up_once (void)
{
  gint64 start_s;

  aether_sim_home_reset_all ();
  f.dir = g_dir_make_tmp ("aether-history-XXXXXX", NULL);
  f.db = g_build_filename (f.dir, "aetherlens.db", NULL);
  f.clock = aether_clock_new_manual (unix_of (2024, 6, 20, 0) * G_USEC_PER_SEC);
  aether_clock_set_default (f.clock);
  start_service ();

  start_s = g_get_monotonic_time ();
  f.data = history_data_ingest (aether_service_get_store (f.service), 4, unix_of (2023, 6, 1, 0), unix_of (2024, 6, 20, 0),
                                unix_of (2024, 6, 10, 8), unix_of (2024, 6, 10, 14));
  g_test_message ("A year of four appliances and the meter ingested and maintained in %.1f s",
                  (g_get_monotonic_time () - start_s) / 1e6);

  f.window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f.window, 1280, 1500);
  f.page = g_object_new (AETHER_TYPE_HISTORY_PAGE, NULL);
  gtk_window_set_child (f.window, GTK_WIDGET (f.page));
  gtk_window_present (f.window);
  aether_history_page_set_service (f.page, f.service);
  wait_for_page ();
}

static double
store_total_wh (const char *device_id,
                gint64      from_s,
                gint64      to_s,
                double     *cost)
{
  const char *ids[] = { device_id, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) totals = aether_store_energy_totals_for_devices (aether_service_get_store (f.service), ids,
                                                                        from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC,
                                                                        &error);

  g_assert_no_error (error);
  if (cost)
    *cost = totals->len ? ((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->cost : 0;
  return totals->len ? ((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->energy_wh : 0;
}

/* `db energy`'s home total, from another process. */
static double
cli_total_wh (gint64 from_s,
              gint64 to_s)
{
  g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, from_s);
  g_autofree char *to = g_strdup_printf ("%" G_GINT64_FORMAT, to_s);
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *total;

  g_assert_cmpint (aether_test_run_cli (f.db, &out, NULL, "db", "energy", "--from", from, "--to", to, NULL), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  total = json_object_get_object_member (json_node_get_object (root), "total");
  g_assert_cmpstr (json_object_get_string_member (total, "counts"), ==, "energy meters");
  return json_object_get_double_member (total, "energy_kwh") * 1000;
}

static void
assert_close (double got,
              double want)
{
  g_assert_cmpfloat_with_epsilon (got, want, MAX (1e-6 * fabs (want), 1e-6));
}

static double
sum_of_bars (void)
{
  AetherHistoryChart *chart = aether_history_page_get_chart (f.page);
  double sum = 0;

  for (guint b = 0; b < aether_history_chart_get_n_bars (chart); b++)
    if (!isnan (aether_history_chart_get_bar_total (chart, b)))
      sum += aether_history_chart_get_bar_total (chart, b);
  return sum;
}

static void
range_edges (const char *range,
             GDateTime  *day,
             gint64     *from_s,
             gint64     *to_s)
{
  int y, m, d;

  g_date_time_get_ymd (day, &y, &m, &d);
  if (g_str_equal (range, "year"))
    {
      *from_s = unix_of (y, 1, 1, 0);
      *to_s = unix_of (y + 1, 1, 1, 0);
    }
  else if (g_str_equal (range, "month"))
    {
      *from_s = unix_of (y, m, 1, 0);
      *to_s = m == 12 ? unix_of (y + 1, 1, 1, 0) : unix_of (y, m + 1, 1, 0);
    }
  else if (g_str_equal (range, "week"))
    {
      *from_s = unix_of (y, m, d, 0) - (g_date_time_get_day_of_week (day) - 1) * 86400;
      *to_s = *from_s + 7 * 86400;
    }
  else
    {
      *from_s = unix_of (y, m, d, 0);
      *to_s = *from_s + 86400;
    }
}

/* Each range's bars add up to the home's energy in the store (the meter's,
 * by the home rule), to `db energy`, and to the samples summed here. */
static void
test_bars_equal_store (void)
{
  static const struct { const char *range; int y, m, d; } cases[] = {
    { "day", 2024, 6, 10 },     /* the 1-minute tier, with a gap */
    { "day", 2024, 6, 18 },
    { "week", 2024, 6, 12 },
    { "month", 2024, 5, 15 },   /* minutes, 5 minutes and hours */
    { "month", 2024, 1, 15 },   /* hours only */
    { "year", 2024, 3, 1 },     /* days, and everything finer */
    { "year", 2023, 9, 1 },     /* days only, from May */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) day = utc (cases[i].y, cases[i].m, cases[i].d, 0);
      gint64 from_s, to_s;
      double total, untracked, exported, cost, store_cost;
      double store_wh, truth;
      g_autofree char *text = NULL;

      show (cases[i].range, day);
      range_edges (cases[i].range, day, &from_s, &to_s);
      aether_history_page_get_totals (f.page, &total, &untracked, &exported, &cost);
      store_wh = store_total_wh ("demo-mains", from_s, to_s, &store_cost);
      truth = history_data_true_wh (f.data, f.data->device_ids->len - 1, from_s, to_s);
      g_test_message ("%s of %d-%02d-%02d: bars %.3f Wh, store %.3f Wh, db energy %.3f Wh, samples %.3f Wh",
                      cases[i].range, cases[i].y, cases[i].m, cases[i].d, sum_of_bars (), store_wh,
                      cli_total_wh (from_s, to_s), truth);

      g_assert_true (aether_history_page_has_data (f.page));
      g_assert_cmpfloat (store_wh, >, 0);
      assert_close (sum_of_bars (), total);
      assert_close (total, store_wh);
      assert_close (cost, store_cost);
      assert_close (cli_total_wh (from_s, to_s), store_wh);
      /* The samples summed here, exactly, from whichever tiers hold the
       * range (the edges between ingested weeks included). */
      assert_close (total, truth);
      text = aether_format_energy (store_wh);
      g_assert_cmpstr (aether_history_page_get_total_text (f.page), ==, text);
      g_assert_cmpfloat (exported, ==, 0);
    }
}

/* The gap day: no bar where nothing was recorded, and an hour's bar is
 * that hour's energy. */
static void
test_gap_is_a_gap (void)
{
  g_autoptr(GDateTime) day = utc (2024, 6, 10, 0);
  AetherHistoryChart *chart = aether_history_page_get_chart (f.page);
  gint64 midnight = unix_of (2024, 6, 10, 0);

  show ("day", day);
  g_assert_cmpuint (aether_history_chart_get_n_bars (chart), ==, 24);
  for (guint h = 0; h < 24; h++)
    {
      double truth = history_data_true_wh (f.data, f.data->device_ids->len - 1, midnight + h * 3600, midnight + (h + 1) * 3600);

      if (h >= 8 && h < 14)
        g_assert_true (isnan (aether_history_chart_get_bar_total (chart, h)));
      else if (h == 7 || h == 14)
        /* The hours at the gap's edges: only their samples' segments. */
        assert_close (aether_history_chart_get_bar_total (chart, h), truth);
      else
        {
          g_assert_cmpfloat (truth, >, 0);
          assert_close (aether_history_chart_get_bar_total (chart, h), truth);
        }
    }

  /* The crosshair says what the bar holds. */
  {
    g_autofree char *energy = aether_format_energy (aether_history_chart_get_bar_total (chart, 16));
    g_autofree char *text = NULL;

    aether_history_chart_select (chart, 16);
    text = aether_history_chart_describe_bar (chart, 16);
    g_assert_nonnull (strstr (text, "16:00 – 17:00"));
    g_assert_nonnull (strstr (text, energy));
    g_assert_nonnull (strstr (text, "Untracked"));
    g_free (text);
    text = aether_history_chart_describe_bar (chart, 10);
    g_assert_nonnull (strstr (text, "No data recorded"));
  }
  /* The arrow keys move it, as the chart's key controller hears them. */
  {
    g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (chart));
    gboolean handled = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
      {
        g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

        if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
          g_signal_emit_by_name (controller, "key-pressed", GDK_KEY_Right, 0, 0, &handled);
      }
    g_assert_true (handled);
    g_assert_cmpint (aether_history_chart_get_selected (chart), ==, 17);
  }
  aether_ui_test_wait_for_frames (GTK_WIDGET (f.window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f.window), "history-day-gap-crosshair");
  aether_history_chart_select (chart, -1);
}

/* A weekday's energy by rate period (the demo tariff: peak 16:00–21:00 at
 * $0.38, off-peak otherwise at $0.22) is the samples of those hours and
 * costs their rate — on a recent day from the 1-minute tier, and on a day
 * in January that only the daily tier still holds, whose hours come from
 * its stored hour profile. */
static void
test_rate_periods (void)
{
  static const int days[][3] = { { 2024, 6, 18 }, { 2024, 1, 16 } };

  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autoptr(GDateTime) day = utc (days[i][0], days[i][1], days[i][2], 0);
      AetherHistoryChart *chart = aether_history_page_get_chart (f.page);
      gint64 midnight = g_date_time_to_unix (day);
      guint meter = f.data->device_ids->len - 1;
      double peak_truth = history_data_true_wh (f.data, meter, midnight + 16 * 3600, midnight + 21 * 3600);
      double day_truth = history_data_true_wh (f.data, meter, midnight, midnight + 86400);
      double peak_wh, peak_cost, off_wh, off_cost, total, cost;

      show ("day", day);
      /* Every hour where its samples say, however old the day. */
      for (guint h = 0; h < 24; h++)
        g_assert_cmpfloat_with_epsilon (aether_history_chart_get_bar_total (chart, h),
                                        history_data_true_wh (f.data, meter, midnight + h * 3600, midnight + (h + 1) * 3600),
                                        1e-5 * day_truth);
      g_assert_true (aether_history_page_get_period (f.page, "peak", &peak_wh, &peak_cost));
      g_assert_true (aether_history_page_get_period (f.page, "off_peak", &off_wh, &off_cost));
      aether_history_page_get_totals (f.page, &total, NULL, NULL, &cost);
      g_test_message ("%d-%02d-%02d: peak %.3f Wh (samples %.3f) $%.4f, off-peak %.3f Wh $%.4f", days[i][0], days[i][1],
                      days[i][2], peak_wh, peak_truth, peak_cost, off_wh, off_cost);
      g_assert_cmpfloat_with_epsilon (peak_wh, peak_truth, 1e-5 * day_truth);
      g_assert_cmpfloat_with_epsilon (off_wh, day_truth - peak_truth, 1e-5 * day_truth);
      g_assert_cmpfloat_with_epsilon (peak_cost, 0.38 * peak_wh / 1000, 1e-4 * cost);
      g_assert_cmpfloat_with_epsilon (off_cost, 0.22 * off_wh / 1000, 1e-4 * cost);
      assert_close (peak_wh + off_wh, total);
      assert_close (peak_cost + off_cost, cost);
    }
  aether_ui_test_wait_for_frames (GTK_WIDGET (f.window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f.window), "history-day-from-daily-tier");
}

/* Untracked is the meter less its plugs, per the store and per the truth
 * (the meter read 180 W more than the plugs did). */
static void
test_untracked_is_meter_less_plugs (void)
{
  static const char *ranges[] = { "day", "week", "month", "year" };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autoptr(GDateTime) day = utc (2024, 6, 12, 0);
      gint64 from_s, to_s;
      double untracked, plugs = 0, hours = 0;

      show (ranges[i], day);
      range_edges (ranges[i], day, &from_s, &to_s);
      aether_history_page_get_totals (f.page, NULL, &untracked, NULL, NULL);
      for (guint d = 0; d + 1 < f.data->device_ids->len; d++)
        plugs += store_total_wh (g_ptr_array_index (f.data->device_ids, d), from_s, to_s, NULL);
      for (gint64 t = MAX (from_s, f.data->from_s); t + f.data->step_s <= MIN (to_s, f.data->to_s - f.data->step_s);
           t += f.data->step_s)
        if ((t < f.data->gap_from_s || t >= f.data->gap_to_s) &&
            (t + f.data->step_s < f.data->gap_from_s || t + f.data->step_s >= f.data->gap_to_s))
          hours += f.data->step_s / 3600.0;

      g_test_message ("%s: untracked %.3f Wh, meter less plugs %.3f Wh, %g h at 180 W", ranges[i], untracked,
                      store_total_wh ("demo-mains", from_s, to_s, NULL) - plugs, hours);
      assert_close (untracked, store_total_wh ("demo-mains", from_s, to_s, NULL) - plugs);
      /* The truth: the meter read 180 W more than its plugs did. */
      assert_close (untracked, HISTORY_DATA_UNTRACKED_W * hours);
    }
}

/* The CSV export is the bars: a row each, the same totals. */
static void
test_csv_equals_bars (void)
{
  static const char *ranges[] = { "day", "month", "year" };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    {
      g_autoptr(GDateTime) day = utc (2024, 6, 12, 0);
      g_autofree char *path = g_build_filename (f.dir, "export.csv", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *contents = NULL;
      g_auto(GStrv) lines = NULL;
      g_auto(GStrv) header = NULL;
      AetherHistoryChart *chart = aether_history_page_get_chart (f.page);
      double sum = 0, total;
      guint total_column = 0;

      show (ranges[i], day);
      g_assert_true (aether_history_page_export_to_file (f.page, file, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
      lines = g_strsplit (g_strchomp (contents), "\n", -1);
      header = g_strsplit (lines[0], ",", -1);
      for (guint c = 0; header[c] != NULL; c++)
        if (g_str_equal (header[c], "total_kwh"))
          total_column = c;
      g_assert_cmpuint (total_column, >, 2);
      g_assert_cmpstr (header[total_column - 1], ==, "Untracked (kWh)");
      g_assert_cmpuint (g_strv_length (lines) - 1, ==, aether_history_chart_get_n_bars (chart));

      for (guint b = 0; lines[b + 1] != NULL; b++)
        {
          g_auto(GStrv) fields = g_strsplit (lines[b + 1], ",", -1);
          double bar = aether_history_chart_get_bar_total (chart, b);

          if (isnan (bar))
            {
              g_assert_cmpstr (fields[total_column], ==, "");
              continue;
            }
          assert_close (g_ascii_strtod (fields[total_column], NULL) * 1000, bar);
          sum += g_ascii_strtod (fields[total_column], NULL) * 1000;
        }
      aether_history_page_get_totals (f.page, &total, NULL, NULL, NULL);
      g_assert_cmpfloat_with_epsilon (sum, total, 1e-3 * aether_history_chart_get_n_bars (chart));
    }
}

/* Stacked by room, the bars are the same bars. */
static void
test_by_room_same_totals (void)
{
  g_autoptr(GDateTime) day = utc (2024, 6, 12, 0);
  double by_device, by_room;

  show ("week", day);
  by_device = sum_of_bars ();
  aether_history_page_set_by_room (f.page, TRUE);
  wait_for_page ();
  by_room = sum_of_bars ();
  assert_close (by_room, by_device);
  aether_ui_test_wait_for_frames (GTK_WIDGET (f.window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f.window), "history-week-by-room");
  aether_history_page_set_by_room (f.page, FALSE);
  wait_for_page ();
}

static void
test_screenshots (void)
{
  static const struct { const char *range; int y, m, d; } cases[] = {
    { "day", 2024, 6, 18 },
    { "week", 2024, 6, 12 },
    { "month", 2024, 5, 15 },
    { "year", 2024, 3, 1 },
  };
  static const struct { int width; int height; } sizes[] = { { 1280, 1500 }, { 360, 2000 } };
  AdwStyleManager *style = adw_style_manager_get_default ();

  for (guint dark = 0; dark < 2; dark++)
    for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
      {
        adw_style_manager_set_color_scheme (style, dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
        gtk_window_set_default_size (f.window, sizes[s].width, sizes[s].height);
        for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
          {
            g_autoptr(GDateTime) day = utc (cases[i].y, cases[i].m, cases[i].d, 0);
            g_autofree char *name = g_strdup_printf ("history-%s-%s-%d", cases[i].range, dark ? "dark" : "light",
                                                     sizes[s].width);

            show (cases[i].range, day);
            aether_ui_test_wait_for_frames (GTK_WIDGET (f.window));
            g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (f.page)), ==, sizes[s].width);
            aether_history_chart_select (aether_history_page_get_chart (f.page), -1);
            aether_ui_test_save_screenshot (GTK_WIDGET (f.window), name);
          }
      }
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  gtk_window_set_default_size (f.window, 1280, 1500);
}

/* After the service is started again on the same file, the page shows the
 * same figure, and it is what the store (opened anew) holds. */
static void
test_survives_restart (void)
{
  g_autoptr(GDateTime) day = utc (2024, 5, 15, 0);
  g_autofree char *before = NULL;
  g_autofree char *text = NULL;
  gint64 from_s, to_s;

  show ("month", day);
  before = g_strdup (aether_history_page_get_total_text (f.page));

  aether_history_page_set_service (f.page, NULL);

  g_clear_object (&f.service);
  start_service ();
  aether_history_page_set_service (f.page, f.service);
  wait_for_page ();
  show ("month", day);

  range_edges ("month", day, &from_s, &to_s);
  text = aether_format_energy (store_total_wh ("demo-mains", from_s, to_s, NULL));
  g_assert_cmpstr (aether_history_page_get_total_text (f.page), ==, before);
  g_assert_cmpstr (aether_history_page_get_total_text (f.page), ==, text);
  assert_close (sum_of_bars (), cli_total_wh (from_s, to_s));
}

/* A home whose meter exports (solar behind it at midday): the export is
 * totalled apart from the import, drawn below zero, and the CSV's export
 * column adds up to the store's. A home of its own, on another file. */
static void
test_export_shown_apart (void)
{
  g_autofree char *db = g_build_filename (f.dir, "exporting.db", NULL);
  g_autofree char *path = g_build_filename (f.dir, "exporting.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) day = utc (2024, 6, 19, 0);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 midnight = g_date_time_to_unix (day);
  const char *meter[] = { "demo-mains", NULL };
  g_autoptr(GPtrArray) totals = NULL;
  AetherEnergyTotal *total;
  double imported, exported, csv_exported = 0;

  service = aether_service_new (db, f.clock, &error);
  g_assert_no_error (error);
  g_assert_nonnull (aether_sim_add_demo_home (aether_service_get_store (service), 42, NULL, &error));
  aether_service_load (service, &error);
  g_assert_no_error (error);

  /* 400 W at night, down to −1.6 kW at noon: a line through zero. */
  for (gint64 t = midnight; t <= midnight + 86400; t += 60)
    {
      double hour = (t - midnight) / 3600.0;
      AetherReading reading = { t * G_USEC_PER_SEC, (char *)"demo-mains", (char *)"power",
                                400 - 2000 * MAX (0, sin (G_PI * (hour - 7) / 10)), (char *)"W" };

      g_array_append_val (readings, reading);
    }
  g_assert_true (aether_store_ingest (aether_service_get_store (service), (AetherReading *)(gpointer)readings->data,
                                      readings->len, &error));
  g_assert_true (aether_store_maintain (aether_service_get_store (service), (midnight + 86400 + 60) * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);

  aether_history_page_set_service (f.page, service);
  wait_for_page ();
  show ("day", day);
  aether_history_page_get_totals (f.page, &imported, NULL, &exported, NULL);
  totals = aether_store_energy_totals_for_devices (aether_service_get_store (service), meter, midnight * G_USEC_PER_SEC,
                                                   (midnight + 86400) * G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (totals->len, ==, 1);
  total = g_ptr_array_index (totals, 0);
  g_test_message ("imported %.3f Wh (store %.3f), exported %.3f Wh (store %.3f)", imported, total->energy_wh, exported,
                  total->exported_wh);
  g_assert_cmpfloat (total->exported_wh, >, 1000);
  assert_close (exported, total->exported_wh);
  assert_close (imported, total->energy_wh);
  assert_close (sum_of_bars (), total->energy_wh);

  g_assert_true (aether_history_page_export_to_file (f.page, file, &error));
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  lines = g_strsplit (g_strchomp (contents), "\n", -1);
  g_assert_true (g_str_has_suffix (lines[0], ",exported_kwh,cost"));
  for (guint b = 1; lines[b] != NULL; b++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[b], ",", -1);
      guint n = g_strv_length (fields);

      csv_exported += g_ascii_strtod (fields[n - 2], NULL) * 1000;
    }
  g_assert_cmpfloat_with_epsilon (csv_exported, total->exported_wh, 1e-3 * 24);

  aether_ui_test_wait_for_frames (GTK_WIDGET (f.window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f.window), "history-day-exporting");
  aether_history_page_set_service (f.page, f.service);
  wait_for_page ();
}


/* The demo home as it arrives, a year backfilled: each range drawn (the
 * screenshots are to be looked at), its bars adding up to the store's home
 * total and to `db energy`. A home of its own, on another file. */
static void
test_backfilled_demo (void)
{
  static const struct { const char *range; int y, m, d; } cases[] = {
    { "day", 2024, 6, 19 },
    { "week", 2024, 6, 12 },
    { "month", 2024, 1, 15 },
    { "year", 2024, 3, 1 },
    { "month", 2023, 7, 15 },
    { "year", 2023, 8, 1 },
  };
  g_autofree char *db = g_build_filename (f.dir, "backfilled.db", NULL);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;
  AetherHistoryPage *page;

  {
    g_autoptr(AetherStore) store = aether_store_open (db, f.clock, &error);
    g_autoptr(GPtrArray) added = NULL;
    g_autoptr(AetherTariff) tariff = NULL;
    g_autoptr(AetherBackfill) backfill = aether_sim_demo_backfill_new (42, NULL);

    g_assert_no_error (error);
    added = aether_sim_add_demo_home (store, 42, NULL, &error);
    g_assert_no_error (error);
    tariff = aether_rates_load_tariff (store, NULL, &error);
    aether_store_set_pricer (store, AETHER_PRICER (tariff));
    g_assert_true (aether_store_backfill (store, backfill, 365, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }
  service = aether_service_new (db, f.clock, &error);
  g_assert_no_error (error);
  aether_service_load (service, &error);
  g_assert_no_error (error);

  window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (window, 1280, 1500);
  page = g_object_new (AETHER_TYPE_HISTORY_PAGE, NULL);
  gtk_window_set_child (window, GTK_WIDGET (page));
  gtk_window_present (window);
  aether_history_page_set_service (page, service);
  while (aether_history_page_is_loading (page))
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) day = utc (cases[i].y, cases[i].m, cases[i].d, 0);
      g_autofree char *name = g_strdup_printf ("history-backfilled-%s-%04d-%02d", cases[i].range, cases[i].y, cases[i].m);
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;
      g_autofree char *out = NULL;
      g_autoptr(JsonNode) root = NULL;
      AetherHistoryChart *chart = aether_history_page_get_chart (page);
      const char *mains[] = { "demo-mains", NULL };
      g_autoptr(GPtrArray) totals = NULL;
      g_autofree char *text = NULL;
      gint64 from_s, to_s;
      double bars = 0, cli;

      aether_history_page_show (page, cases[i].range, day);
      while (aether_history_page_is_loading (page))
        g_main_context_iteration (NULL, TRUE);
      g_assert_true (aether_history_page_has_data (page));

      range_edges (cases[i].range, day, &from_s, &to_s);
      totals = aether_store_energy_totals_for_devices (aether_service_get_store (service), mains, from_s * G_USEC_PER_SEC,
                                                       to_s * G_USEC_PER_SEC, &error);
      g_assert_no_error (error);
      text = aether_format_energy (((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->energy_wh);
      g_assert_cmpstr (aether_history_page_get_total_text (page), ==, text);

      for (guint b = 0; b < aether_history_chart_get_n_bars (chart); b++)
        if (!isnan (aether_history_chart_get_bar_total (chart, b)))
          bars += aether_history_chart_get_bar_total (chart, b);
      from = g_strdup_printf ("%" G_GINT64_FORMAT, from_s);
      to = g_strdup_printf ("%" G_GINT64_FORMAT, to_s);
      g_assert_cmpint (aether_test_run_cli (db, &out, NULL, "db", "energy", "--from", from, "--to", to, NULL), ==, 0);
      root = json_from_string (out, &error);
      g_assert_no_error (error);
      cli = json_object_get_double_member (json_object_get_object_member (json_node_get_object (root), "total"),
                                           "energy_kwh") * 1000;
      g_test_message ("%s: %s, bars %.1f Wh, db energy %.1f Wh", name, text, bars, cli);
      assert_close (bars, cli);

      aether_ui_test_wait_for_frames (GTK_WIDGET (window));
      aether_history_chart_select (chart, -1);
      aether_ui_test_save_screenshot (GTK_WIDGET (window), name);
    }

  aether_history_page_set_service (page, NULL);
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", ":close", NULL);
  set_up_once ();

  g_test_add_func ("/ui/history/gap-is-a-gap", test_gap_is_a_gap);
  g_test_add_func ("/ui/history/bars-equal-store-db-energy-and-samples", test_bars_equal_store);
  g_test_add_func ("/ui/history/rate-periods-from-samples", test_rate_periods);
  g_test_add_func ("/ui/history/untracked-is-meter-less-plugs", test_untracked_is_meter_less_plugs);
  g_test_add_func ("/ui/history/csv-export-equals-bars", test_csv_equals_bars);
  g_test_add_func ("/ui/history/by-room-same-totals", test_by_room_same_totals);
  g_test_add_func ("/ui/history/screenshots", test_screenshots);
  g_test_add_func ("/ui/history/survives-restart", test_survives_restart);
  g_test_add_func ("/ui/history/export-shown-apart", test_export_shown_apart);
  g_test_add_func ("/ui/history/backfilled-demo", test_backfilled_demo);

  status = g_test_run ();

  gtk_window_destroy (f.window);


  g_clear_object (&f.service);
  g_clear_pointer (&f.data, history_data_free);
  aether_clock_set_default (NULL);
  g_clear_object (&f.clock);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  aether_test_remove_dir (f.dir);
  g_free (f.dir);
  g_free (f.db);
  return status;
}
