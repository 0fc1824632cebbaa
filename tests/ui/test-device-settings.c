/* test-device-settings.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Device settings, driven through the window's widgets: room, floor, tags,
 * polling interval and a new password reach the stored device; removing
 * with "delete history" and then Undo keeps every reading; removing with
 * "delete history" and letting the toast go deletes that device's history
 * and nobody else's. Screenshots device-settings-*.png. */

#include "config.h"

#include <adwaita.h>

#include "aether-core.h"
#include "aether-sim-home.h"
#include "aether-ui-test-util.h"
#include "devices/aether-device-window.h"
#include "devices/aether-devices-page.h"

#define T0 G_GINT64_CONSTANT (1767225600)   /* 2026-01-01 00:00 UTC */

static AdwMessageDialog *
find_dialog (void)
{
  GList *toplevels = gtk_window_list_toplevels ();
  AdwMessageDialog *dialog = NULL;

  for (GList *l = toplevels; l && dialog == NULL; l = l->next)
    if (ADW_IS_MESSAGE_DIALOG (l->data) && gtk_widget_get_visible (l->data))
      dialog = l->data;
  g_list_free (toplevels);
  return dialog;
}

typedef struct
{
  char             *dir;
  AetherService    *service;
  GtkWidget        *window;
  AetherDevicesPage *page;
} Fixture;

/* The demo home, an hour of readings for the TV and the router. */
static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (1);
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  AetherStore *store;

  f->dir = g_dir_make_tmp ("aether-device-settings-XXXXXX", NULL);
  db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->service = aether_service_new (db, aether_clock_get_system (), &error);
  g_assert_no_error (error);
  store = aether_service_get_store (f->service);
  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));

      /* The TV wants a password, so the form offers a new one. */
      if (g_str_equal (json_object_get_string_member (device, "device_id"), "demo-tv"))
        json_object_set_string_member (json_object_get_object_member (json_object_get_object_member (device, "configuration"),
                                                                      "plugin_config"), "password", "old");
      g_assert_true (aether_store_put_device (store, g_ptr_array_index (devices, i), &error));
    }
  for (gint64 t = T0; t < T0 + 3600; t += 10)
    {
      AetherReading tv = { t * G_USEC_PER_SEC, (char *)"demo-tv", (char *)"power", 80, (char *)"W" };
      AetherReading router = { t * G_USEC_PER_SEC, (char *)"demo-router", (char *)"power", 8, (char *)"W" };

      g_array_append_val (readings, tv);
      g_array_append_val (readings, router);
    }
  g_assert_true (aether_store_ingest (store, (AetherReading *)readings->data, readings->len, &error));
  g_assert_no_error (error);
  g_assert_true (aether_store_maintain (store, (T0 + 7200) * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);
  aether_service_load (f->service, &error);
  g_assert_no_error (error);

  f->page = g_object_new (AETHER_TYPE_DEVICES_PAGE, NULL);
  f->window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (f->window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (f->window), GTK_WIDGET (f->page));
  aether_devices_page_set_service (f->page, f->service);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  g_assert_true (aether_service_stop (f->service, NULL));
  g_clear_object (&f->service);
  g_free (f->dir);
}

/* Every raw sample and 1-minute bucket of a device's power. */
static guint64
history_count (AetherService *service,
               const char    *device_id)
{
  guint64 n = 0;

  for (AetherTier tier = AETHER_TIER_RAW; tier <= AETHER_TIER_1M; tier++)
    {
      g_autoptr(GArray) buckets = aether_store_query (aether_service_get_store (service), device_id, "power",
                                                      T0 * G_USEC_PER_SEC, (T0 + 3600) * G_USEC_PER_SEC,
                                                      10000, tier, NULL, NULL);

      for (guint i = 0; buckets != NULL && i < buckets->len; i++)
        n += g_array_index (buckets, AetherBucket, i).count;
    }
  return n;
}

static double
energy_wh (AetherService *service,
           const char    *device_id)
{
  const char *ids[] = { device_id, NULL };
  g_autoptr(GPtrArray) totals = aether_store_energy_totals_for_devices (aether_service_get_store (service), ids,
                                                                        T0 * G_USEC_PER_SEC, (T0 + 3600) * G_USEC_PER_SEC,
                                                                        NULL);
  double sum = 0;

  for (guint i = 0; totals != NULL && i < totals->len; i++)
    sum += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->energy_wh;
  return sum;
}

static void
test_settings_reach_the_device (Fixture       *f,
                                gconstpointer  data)
{
  GtkWidget *window = GTK_WIDGET (aether_devices_page_edit_device (f->page, "demo-tv"));
  g_autoptr(JsonNode) stored = NULL;
  JsonObject *device, *config, *plugin_config;
  JsonArray *tags;
  g_autofree char *secret = NULL;

  g_assert_nonnull (window);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (aether_ui_test_find_row (window, "_Room"))), ==, "Living room");
  aether_ui_test_set_text (window, "_Room", "Bedroom");
  aether_ui_test_set_text (window, "_Floor", "1");
  aether_ui_test_set_text (window, "_Tags (Separated by Commas)", "media, standby ,");
  aether_ui_test_set_text (window, "Read _Every (Seconds)", "thirty");
  g_assert_false (gtk_widget_is_sensitive (aether_ui_test_find_button (window, "_Save")));
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "device-settings-error");
  aether_ui_test_set_text (window, "Read _Every (Seconds)", "30");
  aether_ui_test_set_text (window, "New _Password (Kept in the Keyring)", "s3cret");
  g_assert_true (gtk_widget_is_sensitive (aether_ui_test_find_button (window, "_Save")));
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "device-settings");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_DARK);
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 720);
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "device-settings-360px-dark");
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);
  g_signal_emit_by_name (aether_ui_test_find_button (window, "_Save"), "clicked");

  stored = aether_store_get_device (aether_service_get_store (f->service), "demo-tv", NULL);
  device = json_node_get_object (stored);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (device, "location"), "room"), ==, "bedroom");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (device, "location"), "floor"), ==, 1);
  tags = json_object_get_array_member (json_object_get_object_member (device, "metadata"), "tags");
  g_assert_cmpuint (json_array_get_length (tags), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "media");
  g_assert_cmpstr (json_array_get_string_element (tags, 1), ==, "standby");
  config = json_object_get_object_member (device, "configuration");
  plugin_config = json_object_get_object_member (config, "plugin_config");
  g_assert_cmpint (json_object_get_int_member (plugin_config, "polling_interval"), ==, 30);
  /* The new password is kept: in the keyring when there is one (then
   * never in the record), else in the record, as when it was added. */
  secret = aether_secrets_lookup ("demo-tv", "password", NULL);
  if (secret != NULL)
    {
      g_assert_cmpstr (secret, ==, "s3cret");
      g_assert_false (json_object_has_member (plugin_config, "password"));
    }
  else
    g_assert_cmpstr (json_object_get_string_member (plugin_config, "password"), ==, "s3cret");
  /* The collector reads it at the new interval. */
  g_assert_nonnull (aether_collector_get_status (aether_service_get_collector (f->service), "demo-tv"));
}

static void
remove_through_window (Fixture    *f,
                       const char *device_id,
                       const char *response)
{
  GtkWidget *window = GTK_WIDGET (aether_devices_page_edit_device (f->page, device_id));
  AdwMessageDialog *dialog;

  g_signal_emit_by_name (aether_ui_test_find_button (window, "_Remove Device…"), "clicked");
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  aether_ui_test_wait_for_frames (GTK_WIDGET (dialog));
  aether_ui_test_save_screenshot (GTK_WIDGET (dialog), "device-settings-remove");
  adw_message_dialog_response (dialog, response);
  /* The dialog closes, then the window. */
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *)&window);
  while (window != NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (find_dialog ());
}

static void
test_delete_history_undo_keeps_it (Fixture       *f,
                                   gconstpointer  data)
{
  guint64 before = history_count (f->service, "demo-tv");
  double before_wh = energy_wh (f->service, "demo-tv");
  AdwToast *toast;

  g_assert_cmpuint (before, >, 0);
  g_assert_cmpfloat (before_wh, >, 0);
  remove_through_window (f, "demo-tv", "delete");
  g_assert_null (aether_store_get_device (aether_service_get_store (f->service), "demo-tv", NULL));
  toast = aether_devices_page_get_removal_toast (f->page);
  g_assert_nonnull (toast);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“Living Room TV” removed; its history will be deleted");
  /* Nothing is deleted while Undo is offered. */
  g_assert_cmpuint (history_count (f->service, "demo-tv"), ==, before);

  g_signal_emit_by_name (toast, "button-clicked");
  adw_toast_dismiss (toast);
  g_assert_nonnull (aether_store_get_device (aether_service_get_store (f->service), "demo-tv", NULL));
  g_assert_cmpuint (history_count (f->service, "demo-tv"), ==, before);
  g_assert_cmpfloat (energy_wh (f->service, "demo-tv"), ==, before_wh);
}

static void
test_delete_history_when_toast_goes (Fixture       *f,
                                     gconstpointer  data)
{
  guint64 router = history_count (f->service, "demo-router");
  double router_wh = energy_wh (f->service, "demo-router");
  AdwToast *toast;

  remove_through_window (f, "demo-tv", "delete");
  toast = aether_devices_page_get_removal_toast (f->page);
  g_assert_nonnull (toast);
  adw_toast_dismiss (toast);
  g_assert_cmpuint (history_count (f->service, "demo-tv"), ==, 0);
  g_assert_cmpfloat (energy_wh (f->service, "demo-tv"), ==, 0);
  /* Only what was asked for. */
  g_assert_cmpuint (history_count (f->service, "demo-router"), ==, router);
  g_assert_cmpfloat (energy_wh (f->service, "demo-router"), ==, router_wh);

  /* Keeping the history keeps it, toast gone or not. */
  router = history_count (f->service, "demo-router");
  remove_through_window (f, "demo-router", "keep");
  toast = aether_devices_page_get_removal_toast (f->page);
  g_assert_cmpstr (adw_toast_get_title (toast), ==, "“Router” removed; its history stays");
  adw_toast_dismiss (toast);
  g_assert_cmpuint (history_count (f->service, "demo-router"), ==, router);
}

/* The channels of one device are one registry device each, at one
 * address: changing it in one moves them all, and nobody else. */
static void
test_address_moves_every_channel (Fixture       *f,
                                  gconstpointer  data)
{
  static const char * const records[] = {
    "{\"device_id\": \"pro-0\", \"name\": \"Pro 2PM channel 1\", \"type\": \"smart_plug\","
    " \"configuration\": {\"plugin\": \"shelly\", \"ip_address\": \"127.0.0.1:9\", \"plugin_config\": {\"channel\": 0}}}",
    "{\"device_id\": \"pro-1\", \"name\": \"Pro 2PM channel 2\", \"type\": \"smart_plug\","
    " \"configuration\": {\"plugin\": \"shelly\", \"ip_address\": \"127.0.0.1:9\", \"plugin_config\": {\"channel\": 1}}}",
    "{\"device_id\": \"elsewhere\", \"name\": \"Another Shelly\", \"type\": \"smart_plug\","
    " \"configuration\": {\"plugin\": \"shelly\", \"ip_address\": \"127.0.0.1:11\"}}",
  };
  GtkWidget *window;

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      g_autoptr(JsonNode) record = json_from_string (records[i], NULL);

      g_assert_true (aether_store_put_device (aether_service_get_store (f->service), record, NULL));
    }
  window = GTK_WIDGET (aether_devices_page_edit_device (f->page, "pro-0"));
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_visible (aether_ui_test_find_row (window, "_Address")));
  aether_ui_test_set_text (window, "_Address", "");
  g_assert_false (gtk_widget_is_sensitive (aether_ui_test_find_button (window, "_Save")));
  aether_ui_test_set_text (window, "_Address", "127.0.0.1:10");
  g_signal_emit_by_name (aether_ui_test_find_button (window, "_Save"), "clicked");

  for (guint i = 0; i < G_N_ELEMENTS (records); i++)
    {
      const char *ids[] = { "pro-0", "pro-1", "elsewhere" };
      const char *want[] = { "127.0.0.1:10", "127.0.0.1:10", "127.0.0.1:11" };
      g_autoptr(JsonNode) stored = aether_store_get_device (aether_service_get_store (f->service), ids[i], NULL);

      g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (json_node_get_object (stored),
                                                                                     "configuration"), "ip_address"),
                       ==, want[i]);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("AETHERLENS_SECRET_COLLECTION", "session", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/ui/device-settings/settings-reach-the-device", Fixture, NULL,
              fixture_set_up, test_settings_reach_the_device, fixture_tear_down);
  g_test_add ("/ui/device-settings/delete-history-undo-keeps-it", Fixture, NULL,
              fixture_set_up, test_delete_history_undo_keeps_it, fixture_tear_down);
  g_test_add ("/ui/device-settings/delete-history-when-toast-goes", Fixture, NULL,
              fixture_set_up, test_delete_history_when_toast_goes, fixture_tear_down);

  g_test_add ("/ui/device-settings/address-moves-every-channel", Fixture, NULL,
              fixture_set_up, test_address_moves_every_channel, fixture_tear_down);

  return g_test_run ();
}
