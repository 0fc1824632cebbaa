/* test-rates-reprice.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Rates page while stored costs are priced again after an edit: a
 * progress bar bound to the service's reprice-progress, shown from the
 * edit until the worker thread is done, and the costs it stands for. */

#include "config.h"

#include "aether-test-util.h"

#include <glib/gstdio.h>

#include "rates/aether-rates-page.h"

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static double
total_cost (AetherStore *store,
            gint64       from_s,
            gint64       to_s)
{
  g_autoptr(GPtrArray) totals = aether_store_energy_totals (store, from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC,
                                                            "device", NULL);
  double sum = 0;

  for (guint i = 0; totals != NULL && i < totals->len; i++)
    sum += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->cost;
  return sum;
}

static void
test_rates_page_shows_repricing (void)
{
  static const char flat[] =
    "{ \"rate_id\": \"flat\", \"effective_date\": \"2020-01-01\", \"currency\": \"USD\","
    "  \"rate_structure\": { \"periods\": [ { \"name\": \"all\", \"rate\": 0.1, \"days\": [\"all\"],"
    "  \"hours\": \"00:00-24:00\" } ] } }";
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aether-rates-reprice-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  /* The page prices up to the real time: the history ends now. */
  const gint64 now = g_get_real_time () / G_USEC_PER_SEC / 60 * 60;
  const gint64 start = now - 3 * 86400;
  g_autoptr(AetherClock) clock = aether_clock_new_manual (now * G_USEC_PER_SEC);
  g_autoptr(AetherService) service = aether_service_new (db, clock, &error);
  g_autoptr(JsonNode) schedule = json_from_string (flat, NULL);
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GPtrArray) stored = NULL;
  g_autofree char *id = NULL;
  AetherStore *store;
  AetherRatesPage *page;
  GtkWidget *window;
  GtkWidget *bar;
  double before;

  g_assert_no_error (error);
  store = aether_service_get_store (service);
  id = aether_rates_add_schedule (store, schedule, now * G_USEC_PER_SEC, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aether_service_reload_tariff (service, &error), ==, 1);
  while (aether_service_get_reprice_progress (service) < 1.0)
    g_main_context_iteration (NULL, TRUE);

  /* Three days at 100 W, priced at 0.1 as they are rolled up. */
  for (gint64 t = start; t < now; t += 60)
    {
      AetherReading r = { t * G_USEC_PER_SEC, (char *)"lamp", (char *)"power", 100.0, (char *)"W" };

      g_array_append_val (readings, r);
    }
  g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
  g_assert_true (aether_store_maintain (store, now * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);
  before = total_cost (store, start, now);
  g_assert_cmpfloat_with_epsilon (before, 0.1 * 100.0 * (readings->len - 1) / 60 / 1000, 1e-9);

  page = g_object_new (AETHER_TYPE_RATES_PAGE, NULL);
  window = gtk_window_new ();
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  aether_rates_page_set_service (page, service);
  gtk_window_present (GTK_WINDOW (window));

  bar = find_descendant (GTK_WIDGET (page), GTK_TYPE_PROGRESS_BAR);
  g_assert_nonnull (bar);
  g_assert_false (gtk_widget_get_visible (bar));

  /* The price is corrected: the bar shows at once, the window waits for nothing. */
  stored = aether_store_list_rate_schedules (store, &error);
  g_assert_no_error (error);
  {
    JsonNode *node = g_ptr_array_index (stored, 0);
    JsonArray *periods = json_object_get_array_member (json_object_get_object_member (json_node_get_object (node),
                                                                                      "rate_structure"), "periods");

    g_assert_true (aether_rates_page_set_price (page, node, json_array_get_object_element (periods, 0), 0.3, &error));
    g_assert_no_error (error);
  }
  g_assert_true (gtk_widget_get_visible (bar));
  g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)), ==,
                     aether_service_get_reprice_progress (service));

  while (aether_service_get_reprice_progress (service) < 1.0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (gtk_widget_get_visible (bar));
  g_assert_cmpfloat_with_epsilon (total_cost (store, start, now), 3 * before, 1e-9);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&service);
  aether_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/rates/reprice-progress-bar", test_rates_page_shows_repricing);

  return g_test_run ();
}
