/* test-dashboard.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Dashboard on the demo home, driven by a manual clock: what "Now" is
 * made of is said in its caption, "Now" and "Using Most Now" agree while
 * the first readings come in, "Today" is what the store holds (and an
 * independent sum over raw samples) after a restart, and a home without a
 * meter is the sum of its devices. PNGs go to $G_TEST_BUILDDIR/screenshots. */

#include "config.h"

#include "aether-test-util.h"

#include "aether-ui-test-util.h"

#include <glib/gstdio.h>
#include <math.h>
#include <sqlite3.h>
#include <string.h>

#include "aether-format.h"
#include "aether-sim-home.h"
#include "dashboard/aether-dashboard-page.h"
#include "tariff/aether-price-feed.h"

#define AGILE TEST_DATA_DIR "/prices/octopus_agile_standard-unit-rates_E-1R-AGILE-18-02-21-D_2020-05-24_25.json"

typedef struct
{
  char                *dir;
  char                *db;
  AetherClock         *clock;
  AetherService       *service;
  GtkWindow           *window;
  AetherDashboardPage *page;
  gint64               day_start_us;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  /* A Tuesday afternoon: off-peak, with the demo tariff's peak at 16:00. */
  g_autoptr(GDateTime) start = g_date_time_new (tz, 2024, 3, 12, 13, 0, 0);
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, 2024, 3, 12, 0, 0, 0);

  aether_sim_home_reset_all ();
  f->dir = g_dir_make_tmp ("aether-dashboard-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (g_date_time_to_unix (start) * G_USEC_PER_SEC);
  f->day_start_us = g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
  aether_clock_set_default (f->clock);

  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 900, 860);
  f->page = g_object_new (AETHER_TYPE_DASHBOARD_PAGE, NULL);
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* The read-back thread must be done with the file before it goes. */
  while (f->service != NULL && aether_hot_tier_is_restoring (aether_service_get_hot_tier (f->service)))
    g_main_context_iteration (NULL, TRUE);
  gtk_window_destroy (f->window);
  g_clear_object (&f->service);
  aether_clock_set_default (NULL);
  g_clear_object (&f->clock);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static void
start_service (Fixture  *f,
               gboolean  with_meter)
{
  g_autoptr(GError) error = NULL;
  gboolean fresh = !g_file_test (f->db, G_FILE_TEST_EXISTS);
  AetherStore *store;

  g_clear_object (&f->service);
  f->service = aether_service_new (f->db, f->clock, &error);
  g_assert_no_error (error);
  store = aether_service_get_store (f->service);

  if (fresh && with_meter)
    {
      g_autoptr(GPtrArray) added = aether_sim_add_demo_home (store, 42, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (added);
    }
  else if (fresh)
    {
      g_autoptr(GPtrArray) devices = aether_sim_demo_devices (42);

      /* The appliances alone: no mains meter, no tariff. */
      for (guint i = 0; i < devices->len; i++)
        if (!aether_device_is_energy_meter (json_node_get_object (g_ptr_array_index (devices, i))))
          g_assert_true (aether_store_put_device (store, g_ptr_array_index (devices, i), &error));
    }

  /* Raw samples kept, so they can be summed independently. */
  {
    AetherRetention retention;

    aether_retention_init_defaults (&retention);
    retention.samples_s[AETHER_TIER_RAW] = 0;
    aether_store_set_retention (store, &retention);
  }

  aether_service_load (f->service, &error);
  g_assert_no_error (error);
  aether_service_start (f->service);
  aether_dashboard_page_set_service (f->page, f->service);
}

static void
wait_for_restore (Fixture *f)
{
  while (aether_hot_tier_is_restoring (aether_service_get_hot_tier (f->service)))
    g_main_context_iteration (NULL, TRUE);
}

static gboolean
has_reported (Fixture    *f,
              const char *device_id,
              double     *watts)
{
  return aether_hot_tier_get_current (aether_service_get_hot_tier (f->service), device_id, "power", watts, NULL);
}

/* While the demo home's first polls come in one by one, "Now" shows the
 * meter's figure once the meter has reported and says it is the meter,
 * and the list never claims that nothing draws power while a device has
 * not said so yet. */
static void
test_first_readings_agree (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (42);
  gboolean saw_meter_before_all = FALSE, saw_waiting = FALSE;

  start_service (f, TRUE);
  gtk_window_present (f->window);
  wait_for_restore (f);
  aether_dashboard_page_refresh (f->page);
  g_assert_cmpstr (aether_dashboard_page_get_now_text (f->page), ==, "—");
  g_assert_cmpstr (aether_dashboard_page_get_now_caption (f->page), ==, "Waiting for the mains meter");

  for (guint s = 0; s < 12; s++)
    {
      double mains = 0;
      guint reported = 0;
      gboolean meter = has_reported (f, "demo-mains", &mains);
      const char *description;

      for (guint i = 0; i < devices->len; i++)
        {
          JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
          double watts;

          if (!aether_device_is_energy_meter (device) &&
              has_reported (f, json_object_get_string_member (device, "device_id"), &watts))
            reported++;
        }

      aether_dashboard_page_refresh (f->page);
      description = aether_dashboard_page_get_top_description (f->page);
      g_test_message ("%us: meter %s, %u of 12 appliances; Now “%s” (%s); list “%s”", s, meter ? "in" : "not in",
                      reported, aether_dashboard_page_get_now_text (f->page),
                      aether_dashboard_page_get_now_caption (f->page), description ? description : "");

      if (meter)
        {
          g_autofree char *power = aether_format_power (mains);

          g_assert_cmpstr (aether_dashboard_page_get_now_text (f->page), ==, power);
          g_assert_cmpstr (aether_dashboard_page_get_now_caption (f->page), ==, "Mains meter");
          saw_meter_before_all |= reported < 12;
        }
      else
        {
          g_assert_cmpstr (aether_dashboard_page_get_now_text (f->page), ==, "—");
          g_assert_cmpstr (aether_dashboard_page_get_now_caption (f->page), ==, "Waiting for the mains meter");
        }

      if (reported < 12)
        {
          g_autofree char *waiting = g_strdup_printf (reported == 11 ? "%u device has not reported yet."
                                                                     : "%u devices have not reported yet.",
                                                      12 - reported);

          g_assert_cmpstr (description, ==, waiting);
          saw_waiting = TRUE;
        }
      else
        g_assert_cmpstr (description, !=, "Nothing is drawing power right now.");

      if (s == 5)
        {
          aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
          aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-first-readings");
        }
      aether_test_run_for (f->clock, 1);
    }

  g_assert_true (saw_waiting);
  g_assert_true (saw_meter_before_all || has_reported (f, "demo-mains", NULL));
  g_assert_cmpuint (aether_dashboard_page_get_n_top_rows (f->page), >, 0);
}

/* The bug this guards against: after a restart "Today" read 0 Wh with
 * 1.3 kWh stored. */
static void
test_today_survives_restart (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *before_cost = NULL;
  g_autofree char *stored_text = NULL;
  g_autofree char *raw_text = NULL;
  g_autofree char *money = NULL;
  g_autofree char *so_far = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now_us;
  double stored_wh = 0, stored_cost = 0;

  start_service (f, TRUE);
  gtk_window_present (f->window);
  aether_test_run_for (f->clock, 2 * 3600);
  g_assert_true (aether_service_stop (f->service, &error));
  aether_clock_advance_us (f->clock, G_USEC_PER_SEC);
  now_us = aether_clock_now_us (f->clock);
  aether_dashboard_page_refresh (f->page);
  before = g_strdup (aether_dashboard_page_get_today_text (f->page));
  before_cost = g_strdup (aether_dashboard_page_get_today_caption (f->page));

  start_service (f, TRUE);
  wait_for_restore (f);
  aether_dashboard_page_refresh (f->page);
  g_test_message ("Today before the restart “%s” (%s), after “%s” (%s)", before, before_cost,
                  aether_dashboard_page_get_today_text (f->page), aether_dashboard_page_get_today_caption (f->page));

  /* The home is the mains meter: its energy in the store, and in raw samples. */
  g_assert_true (aether_store_maintain (aether_service_get_store (f->service), now_us, NULL, &error));
  totals = aether_store_energy_totals (aether_service_get_store (f->service), f->day_start_us, now_us, "device", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < totals->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (totals, i);

      if (g_str_equal (t->key, "demo-mains"))
        {
          stored_wh = t->energy_wh;
          stored_cost = t->cost;
        }
    }
  g_assert_cmpfloat (stored_wh, >, 1000);
  stored_text = aether_format_energy (stored_wh);
  raw_text = aether_format_energy (aether_test_raw_counter_wh (f->db, "demo-mains", f->day_start_us, now_us));
  money = aether_format_money (stored_cost, aether_service_get_currency (f->service));
  so_far = g_strdup_printf ("%s so far", money);

  g_assert_cmpstr (aether_dashboard_page_get_today_text (f->page), ==, before);
  g_assert_cmpstr (aether_dashboard_page_get_today_caption (f->page), ==, before_cost);
  g_assert_cmpstr (aether_dashboard_page_get_today_text (f->page), ==, stored_text);
  g_assert_cmpstr (aether_dashboard_page_get_today_text (f->page), ==, raw_text);
  g_assert_cmpstr (aether_dashboard_page_get_today_caption (f->page), ==, so_far);
  /* The demo tariff's peak starts at 16:00; the C locale reads a 24-hour clock. */
  g_assert_cmpstr (aether_dashboard_page_get_rate_caption (f->page), ==, "Off peak until 16:00");
  g_assert_null (aether_dashboard_page_get_cheapest_caption (f->page));

  /* The last hour is drawn again too, and the meter's next reading is "Now". */
  aether_test_run_for (f->clock, 15);
  aether_dashboard_page_refresh (f->page);
  g_assert_cmpstr (aether_dashboard_page_get_now_caption (f->page), ==, "Mains meter");
  aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-after-restart");
}

/* Without a meter the home is every device, and the caption says how many. */
static void
test_unmetered_home_is_the_sum (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (42);
  g_autofree char *power = NULL;
  double sum = 0;

  start_service (f, FALSE);
  gtk_window_present (f->window);
  aether_test_run_for (f->clock, 20 * 60);
  aether_dashboard_page_refresh (f->page);

  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      double watts = 0;

      if (aether_device_is_energy_meter (device))
        continue;
      g_assert_true (has_reported (f, json_object_get_string_member (device, "device_id"), &watts));
      sum += watts;
    }
  power = aether_format_power (sum);

  g_assert_cmpstr (aether_dashboard_page_get_now_text (f->page), ==, power);
  g_assert_cmpstr (aether_dashboard_page_get_now_caption (f->page), ==, "Sum of 12 devices");
  g_assert_cmpstr (aether_dashboard_page_get_today_caption (f->page), ==, "Costs appear once a tariff is set");
  aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-unmetered");
}

/* On Octopus Agile, the Rate card names the cheapest hour among the
 * prices known ahead: at 10:00 UTC on 24 May 2020 that is 13:00–14:00 at
 * (−1.2705 − 2.1735) / 2 = −1.722 p/kWh by hand, and the same as the
 * tariff the service holds says. A fixed tariff shows no such line. */
static void
test_cheapest_hour_ahead (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(JsonNode) schedule = json_from_string ("{\"rate_id\": \"agile-2020\", \"provider\": \"Octopus Energy\","
                                                   " \"plan_name\": \"Agile Octopus\", \"effective_date\": \"2020-01-01\","
                                                   " \"currency\": \"GBP\", \"time_zones\": \"Europe/London\","
                                                   " \"rate_structure\": {\"type\": \"dynamic\", \"prices\": []}}", NULL);
  g_autoptr(JsonNode) merged = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *feed = NULL;
  g_autofree char *rate_id = NULL;
  g_autofree char *money = NULL;
  g_autofree char *expected = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_utc (2020, 5, 24, 10, 0, 0);
  g_autoptr(GDateTime) hand_start = g_date_time_new_utc (2020, 5, 24, 13, 0, 0);
  g_autoptr(GDateTime) local_start = NULL;
  g_autoptr(GDateTime) local_end = NULL;
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  gint64 start_s = 0;
  double average = 0;
  gsize length;

  aether_clock_set_us (f->clock, g_date_time_to_unix (now) * G_USEC_PER_SEC);
  start_service (f, FALSE);
  gtk_window_present (f->window);
  wait_for_restore (f);
  aether_dashboard_page_refresh (f->page);
  /* No tariff, no line. */
  g_assert_null (aether_dashboard_page_get_cheapest_caption (f->page));

  g_assert_true (g_file_get_contents (AGILE, &feed, &length, NULL));
  slots = aether_price_feed_parse (feed, length, "octopus_agile", NULL, NULL, &error);
  g_assert_no_error (error);
  merged = aether_price_feed_merge (schedule, "octopus_agile", slots, &error);
  g_assert_no_error (error);
  rate_id = aether_service_add_rate_schedule (f->service, merged, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (rate_id);
  aether_dashboard_page_refresh (f->page);

  /* What the service's tariff says, and what the hand says. */
  g_assert_true (aether_tariff_cheapest_ahead (aether_service_get_tariff (f->service),
                                               g_date_time_to_unix (now), 24 * 3600, 3600,
                                               &start_s, &average));
  g_assert_cmpint (start_s, ==, g_date_time_to_unix (hand_start));
  g_assert_cmpfloat_with_epsilon (average, -0.01722, 1e-9);

  local_start = g_date_time_new_from_unix_local (start_s);
  local_end = g_date_time_add_hours (local_start, 1);
  from = g_date_time_format (local_start, "%H:%M");
  to = g_date_time_format (local_end, "%H:%M");
  money = aether_format_money_precise (-0.01722, "GBP", 5);
  g_assert_cmpstr (money, ==, "−£0.01722");
  expected = g_strdup_printf ("Cheapest hour ahead: %s–%s at %s/kWh", from, to, money);
  g_assert_cmpstr (aether_dashboard_page_get_cheapest_caption (f->page), ==, expected);

  aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-cheapest-hour");
}

/* With a month of the demo home's history behind it: the bill so far and
 * its projection are the service's projection over the store, today is set
 * against the store's total for yesterday at the same time, and each
 * always-on load is the standby rule over the store's columns. */
static void
wait_for_store_figures (Fixture *f)
{
  aether_dashboard_page_read_store (f->page);
  while (aether_dashboard_page_is_reading_store (f->page))
    g_main_context_iteration (NULL, TRUE);
}

static double
home_total (AetherStore *store,
            gint64       from_s,
            gint64       to_s,
            double      *cost)
{
  const char *mains[] = { "demo-mains", NULL };
  g_autoptr(GPtrArray) totals = aether_store_energy_totals_for_devices (store, mains, from_s * G_USEC_PER_SEC,
                                                                        to_s * G_USEC_PER_SEC, NULL);
  double wh = 0;

  *cost = 0;
  for (guint i = 0; totals != NULL && i < totals->len; i++)
    {
      wh += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->energy_wh;
      *cost += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->cost;
    }
  return wh;
}

static void
assert_standby_shown (Fixture     *f,
                      const char  *device_id,
                      double       week_wh,
                      double       week_cost,
                      double      *watts_out)
{
  AetherStore *store = aether_service_get_store (f->service);
  gint64 now_s = aether_clock_now_s (f->clock);
  gint64 to_s = now_s - now_s % AETHER_STANDBY_WINDOW_S;
  gint64 from_s = to_s - AETHER_STANDBY_DAYS * 86400;
  guint points = (guint)((to_s - from_s) / AETHER_STANDBY_WINDOW_S);
  const char *mains[] = { "demo-mains", NULL };
  g_autoptr(GArray) columns = device_id
    ? aether_store_query (store, device_id, "power", from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, points, -1, NULL, NULL)
    : aether_store_query_devices (store, mains, "power", from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, points, NULL, NULL);
  g_autofree double *means = g_new0 (double, columns->len + 1);
  g_autofree guint64 *counts = g_new0 (guint64, columns->len + 1);
  g_autofree char *power = NULL;
  g_autofree char *money = NULL;
  g_autofree char *expected = NULL;
  double watts;

  for (guint i = 0; i < columns->len; i++)
    {
      means[i] = g_array_index (columns, AetherBucket, i).avg;
      counts[i] = g_array_index (columns, AetherBucket, i).count;
    }
  g_assert_true (aether_standby_lowest (means, counts, columns->len, &watts));
  power = aether_format_small_power (watts);
  money = aether_format_money (aether_standby_yearly_cost (watts, week_wh, week_cost),
                               aether_service_get_currency (f->service));
  expected = g_strdup_printf ("%s\x1f%s a year", power, money);
  g_test_message ("always on %s: %s", device_id ? device_id : "home", expected);
  g_assert_cmpstr (aether_dashboard_page_get_standby_text (f->page, device_id), ==, expected);
  *watts_out = watts;
}

static void
test_backfilled_figures (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (42);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) yesterday_now = NULL;
  AetherCostProjection projection;
  const char *mains[] = { "demo-mains", NULL };
  double today_cost, yesterday_cost, week_wh, week_cost, watts, home_watts, sum_watts = 0;
  double today_wh, yesterday_wh;
  gint64 now_s, to_s;

  /* The demo home and 30 days of its history, as `demo --days 30` writes. */
  {
    g_autoptr(AetherStore) store = aether_store_open (f->db, f->clock, &error);
    g_autoptr(GPtrArray) added = NULL;
    g_autoptr(AetherTariff) tariff = NULL;
    g_autoptr(AetherBackfill) backfill = aether_sim_demo_backfill_new (42, NULL);

    g_assert_no_error (error);
    added = aether_sim_add_demo_home (store, 42, NULL, &error);
    g_assert_no_error (error);
    tariff = aether_rates_load_tariff (store, NULL, &error);
    aether_store_set_pricer (store, AETHER_PRICER (tariff));
    g_assert_true (aether_store_backfill (store, backfill, 30, NULL, NULL, NULL, &error));
    g_assert_no_error (error);
  }

  start_service (f, TRUE);
  gtk_window_present (f->window);
  wait_for_restore (f);
  aether_test_run_for (f->clock, 30);
  aether_dashboard_page_refresh (f->page);
  wait_for_store_figures (f);

  /* The month: the service's projection over the store. */
  now = aether_clock_now_local (f->clock, NULL);
  g_assert_true (aether_service_project_cost (aether_service_get_store (f->service), mains, now, &projection, &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (projection.so_far, >, 0);
  g_assert_cmpfloat (projection.projected, >, projection.so_far);
  {
    g_autofree char *so_far = aether_format_money (projection.so_far, aether_service_get_currency (f->service));
    g_autofree char *projected = aether_format_money (projection.projected, aether_service_get_currency (f->service));

    g_assert_cmpstr (aether_dashboard_page_get_bill_text (f->page), ==, so_far);
    g_assert_cmpstr (aether_dashboard_page_get_projection_text (f->page), ==, projected);
  }

  /* Today against yesterday by the same time. */
  now_s = aether_clock_now_s (f->clock);
  yesterday_now = g_date_time_add_days (now, -1);
  today_wh = home_total (aether_service_get_store (f->service), f->day_start_us / G_USEC_PER_SEC, now_s, &today_cost);
  yesterday_wh = home_total (aether_service_get_store (f->service), f->day_start_us / G_USEC_PER_SEC - 86400,
                             g_date_time_to_unix (yesterday_now), &yesterday_cost);
  g_assert_cmpfloat (yesterday_wh, >, 0);
  {
    g_autofree char *today = aether_format_energy (today_wh);
    g_autofree char *then = aether_format_energy (yesterday_wh);

    g_assert_cmpstr (aether_dashboard_page_get_yesterday_text (f->page), ==, today);
    g_assert_nonnull (strstr (aether_dashboard_page_get_yesterday_caption (f->page), then));
  }

  /* Always on, the home and every device, at the week's average price. */
  to_s = now_s - now_s % AETHER_STANDBY_WINDOW_S;
  week_wh = home_total (aether_service_get_store (f->service), to_s - AETHER_STANDBY_DAYS * 86400, to_s, &week_cost);
  assert_standby_shown (f, NULL, week_wh, week_cost, &home_watts);
  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));

      /* The meter is the home's row, not one of its own. */
      if (aether_device_is_energy_meter (device))
        {
          g_assert_null (aether_dashboard_page_get_standby_text (f->page, json_object_get_string_member (device, "device_id")));
          continue;
        }
      assert_standby_shown (f, json_object_get_string_member (device, "device_id"), week_wh, week_cost, &watts);
      sum_watts += watts;
    }
  /* The router never sleeps: about 9 W. The home's floor is at least the
   * sum of the devices' floors, which need not come at the same time. */
  g_assert_cmpfloat (fabs (g_ascii_strtod (aether_dashboard_page_get_standby_text (f->page, "demo-router"), NULL) - 9), <, 1);
  g_assert_cmpfloat (home_watts, >=, sum_watts);

  aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-backfilled");

  /* The month and the always-on loads, further down. */
  {
    GtkStack *stack = GTK_STACK (aether_ui_test_find_type (GTK_WIDGET (f->page), GTK_TYPE_STACK));
    GtkScrolledWindow *scrolled = GTK_SCROLLED_WINDOW (gtk_stack_get_visible_child (stack));
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (scrolled);

    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * 0.4);
    aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
    aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-month");
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
    aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-always-on");
  }
}


static char *
joined_layout (Fixture *f)
{
  g_auto(GStrv) layout = aether_dashboard_page_dup_layout (f->page);

  return g_strjoinv (",", layout);
}

/* The layout is the person's `dashboard_layout.widgets` (the seed's sample
 * shows two sections), and moving one is stored through the service. */
static void
test_layout_follows_preferences (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherUser) user = NULL;
  g_autoptr(JsonNode) stored = NULL;
  g_autofree char *layout = NULL;
  g_auto(GStrv) widgets = NULL;
  g_autoptr(JsonNode) sample = json_from_string ("{\"user_id\": \"local\", \"username\": \"local\","
                                                 " \"preferences\": {\"theme\": \"system\", \"dashboard_layout\": {"
                                                 " \"columns\": 3, \"widgets\": ["
                                                 " {\"type\": \"device_list\", \"position\": [0, 1], \"size\": [3, 2]},"
                                                 " {\"type\": \"daily_cost\", \"position\": [2, 0], \"size\": [1, 1]},"
                                                 " {\"type\": \"current_consumption\", \"position\": [0, 0], \"size\": [2, 1]}"
                                                 " ]}}}", &error);

  g_assert_no_error (error);
  start_service (f, TRUE);
  gtk_window_present (f->window);
  wait_for_restore (f);

  /* No layout stored: every section, the page's own order. */
  layout = joined_layout (f);
  g_assert_cmpstr (layout, ==, "current_consumption,power_chart,device_list,month_cost,standby");
  g_clear_pointer (&layout, g_free);

  /* The seed's sample, written as any face writes it. */
  user = aether_user_new_from_json (sample, &error);
  g_assert_no_error (error);
  g_assert_true (aether_service_update_user (f->service, user, &error));
  g_assert_no_error (error);
  layout = joined_layout (f);
  g_assert_cmpstr (layout, ==, "current_consumption,device_list");
  g_clear_pointer (&layout, g_free);
  aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-layout-seed");

  /* The device list moved up: shown so, and stored in the User record. */
  g_assert_true (aether_dashboard_page_move_widget (f->page, "device_list", -1, &error));
  g_assert_no_error (error);
  layout = joined_layout (f);
  g_assert_cmpstr (layout, ==, "device_list,current_consumption");
  g_clear_pointer (&layout, g_free);

  stored = aether_store_get_user (aether_service_get_store (f->service), "local", &error);
  g_assert_no_error (error);
  g_clear_object (&user);
  user = aether_user_new_from_json (stored, &error);
  g_assert_no_error (error);
  widgets = aether_user_dup_dashboard_widgets (user);
  layout = g_strjoinv (",", widgets);
  g_assert_cmpstr (layout, ==, "device_list,current_consumption,daily_cost,rate");
  g_clear_pointer (&layout, g_free);
  /* What the page did not touch is kept: the list's size, the columns. */
  {
    JsonObject *prefs = json_object_get_object_member (json_node_get_object (stored), "preferences");
    JsonObject *dl = json_object_get_object_member (prefs, "dashboard_layout");
    JsonObject *first = json_array_get_object_element (json_object_get_array_member (dl, "widgets"), 0);

    g_assert_cmpint (json_object_get_int_member (dl, "columns"), ==, 3);
    g_assert_cmpint (json_array_get_int_element (json_object_get_array_member (first, "size"), 1), ==, 2);
  }

  /* A restart shows it the same. */
  aether_dashboard_page_set_service (f->page, NULL);
  g_assert_true (aether_service_stop (f->service, &error));
  g_clear_object (&f->service);
  start_service (f, TRUE);
  wait_for_restore (f);
  layout = joined_layout (f);
  g_assert_cmpstr (layout, ==, "device_list,current_consumption");
  aether_ui_test_wait_for_frames (GTK_WIDGET (f->window));
  aether_ui_test_save_screenshot (GTK_WIDGET (f->window), "dashboard-layout-moved");
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_object_set (gtk_settings_get_default (), "gtk-decoration-layout", ":close", NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/ui/dashboard/first-readings-agree", test_first_readings_agree);
  ADD ("/ui/dashboard/cheapest-hour-ahead", test_cheapest_hour_ahead);
  ADD ("/ui/dashboard/today-survives-restart", test_today_survives_restart);
  ADD ("/ui/dashboard/unmetered-home-is-the-sum", test_unmetered_home_is_the_sum);
  ADD ("/ui/dashboard/backfilled-figures", test_backfilled_figures);
  ADD ("/ui/dashboard/layout-follows-preferences", test_layout_follows_preferences);

  return g_test_run ();
}
