/* test-bill-check.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Check Your Bill, driven as a person would: a Green Button file chosen,
 * stored through the service, and its bill beside the tariff's price. The
 * figures the window shows are compared with the file (summed here) and
 * the store. */

#include "config.h"

#include "aether-test-util.h"
#include "aether-ui-test-util.h"

#include "rates/aether-bill-check-window.h"
#include "rates/aether-rates-page.h"

#define GB_DIR TEST_DATA_DIR "/greenbutton"

static GtkWidget *
last_label (GtkWidget *root)
{
  GtkWidget *found = GTK_IS_LABEL (root) ? root : NULL;

  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *inner = last_label (c);

      if (inner != NULL)
        found = inner;
    }
  return found;
}

/* A row's value: the label suffixed to it, the last in the row. */
static const char *
row_value (GtkWidget  *root,
           const char *title)
{
  GtkWidget *row = aether_ui_test_find_row (root, title);

  g_assert_nonnull (row);
  return gtk_label_get_text (GTK_LABEL (last_label (row)));
}

static gboolean
has_label (GtkWidget  *root,
           const char *text)
{
  if (GTK_IS_LABEL (root) && strstr (gtk_label_get_text (GTK_LABEL (root)), text) != NULL)
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c; c = gtk_widget_get_next_sibling (c))
    if (gtk_widget_get_visible (c) && has_label (c, text))
      return TRUE;
  return FALSE;
}

static void
wait_for_page (AetherBillCheckWindow *window,
               const char            *name)
{
  GtkStack *stack = GTK_STACK (aether_ui_test_find_type (GTK_WIDGET (window), GTK_TYPE_STACK));
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_strcmp0 (gtk_stack_get_visible_child_name (stack), name) != 0 && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (stack), ==, name);
}

static void
test_nine_day_bill (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-bill-check-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherClock) clock = aether_clock_new_manual (G_GINT64_CONSTANT (1389398400) * G_USEC_PER_SEC);
  g_autoptr(AetherService) service = aether_service_new (db, clock, &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GFile) file = g_file_new_for_path (GB_DIR "/gbo_electricity_TestGBDataHourlyNineDaysBinnedDaily.xml");
  g_autoptr(GFile) broken = g_file_new_for_path (GB_DIR "/malformed/verdigris_PGEUsageSummary.xml");
  g_autoptr(JsonNode) device = NULL;
  g_autofree char *id = NULL;
  AetherBillCheckWindow *window;
  AdwStyleManager *style = adw_style_manager_get_default ();

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, GB_DIR "/flat-2013.json", &error));
  id = aether_service_add_rate_schedule (service, json_parser_get_root (parser), FALSE, &error);
  g_assert_no_error (error);

  window = aether_bill_check_window_new (service);
  gtk_window_present (GTK_WINDOW (window));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  /* The empty state leads somewhere. */
  g_assert_nonnull (aether_ui_test_find_button (GTK_WIDGET (window), "_Choose File…"));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "bill-check-empty");

  aether_bill_check_window_import (window, file);
  wait_for_page (window, "report");
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));

  /* The file's own figures, to its precision: Σ 199,563 Wh, Σ cost
   * $22.05567, a bill of $22.08; the tariff's flat $0.11/kWh. */
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "The utility’s interval costs"), ==, "$22.05567");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "The utility’s bill"), ==, "$22.08");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Your tariff’s price"), ==, "$21.95193");
  g_assert_cmpstr (row_value (GTK_WIDGET (window), "Difference"), ==, "−$0.12807");
  g_assert_true (has_label (GTK_WIDGET (window), "rounding"));
  g_assert_true (has_label (GTK_WIDGET (window), "199.6 kWh") || has_label (GTK_WIDGET (window), "199.56 kWh"));

  /* What it shows was stored: the utility meter, outside the home. */
  device = aether_store_get_device (aether_service_get_store (service), "utility-green-button-sample-data-file", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (device), "type"), ==, "utility_meter");

  aether_ui_test_save_screenshot (GTK_WIDGET (window), "bill-check-nine-day");
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "bill-check-nine-day-360px-dark");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);

  /* A broken file: the reason, and a way on; nothing more stored. */
  aether_bill_check_window_import (window, broken);
  wait_for_page (window, "error");
  g_assert_true (has_label (GTK_WIDGET (window), "Namespace prefix ns1"));
  g_assert_nonnull (aether_ui_test_find_button (GTK_WIDGET (window), "Choose _Another File…"));
  aether_ui_test_wait_for_frames (GTK_WIDGET (window));
  aether_ui_test_save_screenshot (GTK_WIDGET (window), "bill-check-error");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_true (aether_service_stop (service, &error));
  aether_test_remove_dir (dir);
}

/* The Rates page leads there: its Check Your Bill card opens the window. */
static void
test_rates_page_card (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-bill-card-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = aether_service_new (db, aether_clock_get_system (), &error);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *id = NULL;
  AetherRatesPage *page;
  GtkWidget *window, *row;
  gboolean opened = FALSE;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_file (parser, GB_DIR "/flat-2013.json", &error));
  id = aether_service_add_rate_schedule (service, json_parser_get_root (parser), FALSE, &error);
  g_assert_no_error (error);

  page = g_object_new (AETHER_TYPE_RATES_PAGE, NULL);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 900);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (page));
  aether_rates_page_set_service (page, service);
  gtk_window_present (GTK_WINDOW (window));
  aether_ui_test_wait_for_frames (window);

  row = aether_ui_test_find_row (window, "Import a Green Button File…");
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate (row));
  aether_ui_test_wait_for_frames (window);
  for (GList *l = gtk_window_list_toplevels (); l; l = g_list_delete_link (l, l))
    if (AETHER_IS_BILL_CHECK_WINDOW (l->data))
      {
        opened = TRUE;
        gtk_window_destroy (l->data);
      }
  g_assert_true (opened);

  gtk_window_destroy (GTK_WINDOW (window));
  aether_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/bill-check/nine-day-bill", test_nine_day_bill);
  g_test_add_func ("/ui/bill-check/rates-page-card", test_rates_page_card);

  return g_test_run ();
}
