/* test-tokens-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences › API, driven through its widgets: the tokens listed with
 * what they may do; New Token makes one with the permissions ticked and
 * shows its secret once, which Copy puts on the clipboard and the service
 * accepts; Revoke, confirmed, removes one, which the service then refuses.
 * Screenshots preferences-api*.png. */

#include "config.h"

#include <adwaita.h>

#include "aether-core.h"
#include "aether-preferences-window.h"
#include "aether-test-util.h"
#include "aether-ui-test-util.h"

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

static void
settle (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static GtkWidget *
find_check (GtkWidget  *root,
            const char *label)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_CHECK_BUTTON (child) && g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (child)), label) == 0)
        return child;
      if ((found = find_check (child, label)) != NULL)
        return found;
    }
  return NULL;
}

static void
on_text (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  *(char **)user_data = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (object), result, NULL);
  if (*(char **)user_data == NULL)
    *(char **)user_data = g_strdup ("");
}

static void
test_tokens_page (void)
{
  const char *read_metrics[] = { AETHER_API_READ_METRICS, NULL };
  g_autofree char *dir = g_dir_make_tmp ("aether-tokens-page-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = aether_service_new (db, aether_clock_get_system (), &error);
  g_autofree char *grafana = NULL;
  g_autofree char *grafana_id = NULL;
  g_autofree char *copied = NULL;
  g_autofree char *shown = NULL;
  g_autoptr(AetherUser) user = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *window, *row, *label, *button;
  AetherApiToken token;

  g_assert_no_error (error);
  grafana = aether_service_create_api_token (service, "Grafana", read_metrics, NULL, &grafana_id, &error);
  g_assert_no_error (error);

  window = GTK_WIDGET (aether_preferences_window_new_for_service (NULL, service));
  gtk_window_present (GTK_WINDOW (window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "api");
  aether_ui_test_wait_for_frames (window);

  row = aether_ui_test_find_row (window, "Grafana");
  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "Read readings · never used");
  aether_ui_test_save_screenshot (window, "preferences-api");

  /* New Token: Create waits for a name. */
  aether_ui_test_click (window, "_New Token…");
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "create"));
  gtk_editable_set_text (GTK_EDITABLE (aether_ui_test_find_type (GTK_WIDGET (dialog), GTK_TYPE_ENTRY)), "Home Assistant");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "create"));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_check (GTK_WIDGET (dialog), "Switch devices")), TRUE);
  aether_ui_test_wait_for_frames (GTK_WIDGET (dialog));
  aether_ui_test_save_screenshot (GTK_WIDGET (dialog), "preferences-api-new");
  adw_message_dialog_response (dialog, "create");
  settle ();

  /* The secret, once, with Copy. */
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, "Token Made");
  label = gtk_widget_get_first_child (adw_message_dialog_get_extra_child (dialog));
  g_assert_true (GTK_IS_LABEL (label));
  g_assert_true (gtk_label_get_selectable (GTK_LABEL (label)));
  shown = g_strdup (gtk_label_get_text (GTK_LABEL (label)));
  g_assert_true (g_str_has_prefix (shown, "aetherlens_"));
  aether_ui_test_wait_for_frames (GTK_WIDGET (dialog));
  aether_ui_test_save_screenshot (GTK_WIDGET (dialog), "preferences-api-secret");
  button = aether_ui_test_find_button (GTK_WIDGET (dialog), "_Copy");
  g_assert_nonnull (button);
  aether_ui_test_click (GTK_WIDGET (dialog), "_Copy");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "Copied");
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (button), NULL, on_text, &copied);
  while (copied == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (copied, ==, shown);
  adw_message_dialog_response (dialog, "close");
  settle ();

  /* Made as ticked, and listed. */
  g_assert_cmpint (aether_service_authorize_api (service, shown, AETHER_API_WRITE_DEVICES, NULL), ==, AETHER_API_AUTH_OK);
  g_assert_cmpint (aether_service_authorize_api (service, shown, AETHER_API_READ_COSTS, NULL), ==, AETHER_API_AUTH_FORBIDDEN);
  row = aether_ui_test_find_row (window, "Home Assistant");
  g_assert_nonnull (row);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                                   "Read readings, Read devices, Switch devices · "));

  /* Revoke, confirmed. */
  row = aether_ui_test_find_row (window, "Grafana");
  aether_ui_test_click (row, "Re_voke");
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "revoke");
  settle ();
  g_assert_null (aether_ui_test_find_row (window, "Grafana"));
  g_assert_cmpint (aether_service_authorize_api (service, grafana, AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_INVALID);
  user = aether_service_dup_api_tokens (service, &error);
  g_assert_cmpuint (aether_user_get_n_api_tokens (user), ==, 1);
  g_assert_true (aether_user_get_api_token (user, 0, &token));
  g_assert_cmpstr (token.name, ==, "Home Assistant");
  aether_ui_test_wait_for_frames (window);
  aether_ui_test_save_screenshot (window, "preferences-api-after");

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
  aether_service_stop (service, NULL);
  g_clear_object (&service);
  aether_test_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/ui/preferences/api-tokens", test_tokens_page);

  return g_test_run ();
}
