/* aether-tokens-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences › API: the local API's tokens (the seed's `api_tokens`),
 * listed with what each may do and when it was last used, made (the secret
 * shown once, with a Copy button) and revoked, all through the service. The
 * list follows `user-changed`, which every token change emits. */

#define G_LOG_DOMAIN "aether-tokens-page"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-tokens-page.h"
#include "alerts/aether-alert-history.h"

struct _AetherTokensPage
{
  AdwPreferencesPage   parent_instance;

  AetherService       *service;
  AdwPreferencesGroup *group;
  GPtrArray           *rows;
  /* The New Token dialog's */
  GtkEditable         *name_entry;
  GPtrArray           *checks;       /* one per aether_api_permissions() */
};

G_DEFINE_FINAL_TYPE (AetherTokensPage, aether_tokens_page, ADW_TYPE_PREFERENCES_PAGE)

static const char *
permission_label (const char *permission)
{
  if (g_str_equal (permission, AETHER_API_READ_METRICS))
    return _("Read readings");
  if (g_str_equal (permission, AETHER_API_READ_DEVICES))
    return _("Read devices");
  if (g_str_equal (permission, AETHER_API_READ_COSTS))
    return _("Read energy and costs");
  if (g_str_equal (permission, AETHER_API_WRITE_DEVICES))
    return _("Switch devices");
  return permission;
}

static void refill (AetherTokensPage *self);

/* An ISO 8601 time from the record as the person reads times. */
static char *
format_time (AetherTokensPage *self,
             const char       *iso)
{
  gint64 us;

  if (!aether_parse_timestamp (iso, &us, NULL))
    return g_strdup (iso);
  return aether_alert_format_time (self->service, us, TRUE);
}

static GtkWindow *
toplevel (AetherTokensPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_error (AetherTokensPage *self,
            const char       *heading,
            const GError     *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (toplevel (self), heading, error->message));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- revoking ----------------------------------------------------------- */

static void
on_revoke_response (AdwMessageDialog *dialog,
                    const char       *response,
                    AetherTokensPage *self)
{
  const char *token_id = g_object_get_data (G_OBJECT (dialog), "token-id");
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "revoke") != 0)
    return;
  if (!aether_service_revoke_api_token (self->service, token_id, &error))
    show_error (self, _("The Token Was Not Revoked"), error);
}

static void
on_revoke_clicked (GtkButton        *button,
                   AetherTokensPage *self)
{
  const char *token_id = g_object_get_data (G_OBJECT (button), "token-id");
  const char *name = g_object_get_data (G_OBJECT (button), "token-name");
  g_autofree char *body = g_strdup_printf (_("Programs using “%s” will be refused from their next request."), name);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (toplevel (self), _("Revoke Token?"), body));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "revoke", _("_Revoke"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "revoke", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "token-id", g_strdup (token_id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_revoke_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- making ------------------------------------------------------------- */

static void
on_copy_clicked (GtkButton *button,
                 GtkLabel  *secret)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), gtk_label_get_text (secret));
  gtk_button_set_label (button, _("Copied"));
}

static void
show_secret (AetherTokensPage *self,
             const char       *secret)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (toplevel (self), _("Token Made"),
                                                                         _("Copy the secret now: it is not shown again. "
                                                                           "Programs send it as “Authorization: Bearer …”.")));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (secret);
  GtkWidget *copy = gtk_button_new_with_mnemonic (_("_Copy"));

  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_CHAR);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_valign (copy, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (copy, _("Copy the secret"));
  g_signal_connect (copy, "clicked", G_CALLBACK (on_copy_clicked), label);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), copy);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_response (dialog, "close", _("_Done"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static GPtrArray *
checked_permissions (AetherTokensPage *self)
{
  const char * const *all = aether_api_permissions ();
  GPtrArray *chosen = g_ptr_array_new ();

  for (guint i = 0; self->checks != NULL && i < self->checks->len; i++)
    if (gtk_check_button_get_active (g_ptr_array_index (self->checks, i)))
      g_ptr_array_add (chosen, (gpointer)all[i]);
  g_ptr_array_add (chosen, NULL);
  return chosen;
}

static void
update_create (AetherTokensPage *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (gtk_widget_get_ancestor (GTK_WIDGET (self->name_entry),
                                                                          ADW_TYPE_MESSAGE_DIALOG));
  g_autoptr(GPtrArray) chosen = checked_permissions (self);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (self->name_entry)));

  if (dialog != NULL)
    adw_message_dialog_set_response_enabled (dialog, "create", *name != '\0' && chosen->len > 1);
}

static void
on_new_response (AdwMessageDialog *dialog,
                 const char       *response,
                 AetherTokensPage *self)
{
  g_autoptr(GPtrArray) chosen = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;

  if (g_strcmp0 (response, "create") == 0)
    {
      chosen = checked_permissions (self);
      secret = aether_service_create_api_token (self->service, gtk_editable_get_text (self->name_entry),
                                                (const char * const *)chosen->pdata, NULL, NULL, &error);
    }
  self->name_entry = NULL;
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  if (error != NULL)
    show_error (self, _("The Token Was Not Made"), error);
  else if (secret != NULL)
    show_secret (self, secret);
}

static void
on_new_clicked (GtkButton        *button,
                AetherTokensPage *self)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (toplevel (self), _("New Token"),
                                                                         _("A program such as Home Assistant uses it "
                                                                           "to read from the local API.")));
  const char * const *all = aether_api_permissions ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *entry = gtk_entry_new ();

  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Name, such as Home Assistant"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name"), -1);
  gtk_box_append (GTK_BOX (box), entry);
  self->name_entry = GTK_EDITABLE (entry);
  g_clear_pointer (&self->checks, g_ptr_array_unref);
  self->checks = g_ptr_array_new ();
  for (guint i = 0; all[i] != NULL; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (permission_label (all[i]));

      /* What most want: read readings and devices. */
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), g_str_has_prefix (all[i], "read:") &&
                                                             !g_str_equal (all[i], AETHER_API_READ_COSTS));
      g_signal_connect_object (check, "toggled", G_CALLBACK (update_create), self, G_CONNECT_SWAPPED);
      g_ptr_array_add (self->checks, check);
      gtk_box_append (GTK_BOX (box), check);
    }
  g_signal_connect_object (entry, "changed", G_CALLBACK (update_create), self, G_CONNECT_SWAPPED);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "create", _("C_reate"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "create", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "create");
  adw_message_dialog_set_close_response (dialog, "cancel");
  adw_message_dialog_set_response_enabled (dialog, "create", FALSE);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_new_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (entry);
}

/* ---- the list ----------------------------------------------------------- */

static void
refill (AetherTokensPage *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherUser) user = aether_service_dup_api_tokens (self->service, &error);
  AetherApiToken token;

  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);

  if (user == NULL || aether_user_get_n_api_tokens (user) == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), user ? _("No Tokens") : error->message);
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
      return;
    }

  for (guint i = 0; aether_user_get_api_token (user, i, &token); i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *revoke = gtk_button_new_with_mnemonic (_("Re_voke"));
      g_autoptr(GPtrArray) labels = g_ptr_array_new ();
      g_autofree char *can = NULL;
      g_autofree char *used = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *last_used = token.last_used ? format_time (self, token.last_used) : NULL;
      g_autofree char *expires = token.expires_at ? format_time (self, token.expires_at) : NULL;

      for (guint p = 0; token.permissions[p] != NULL; p++)
        g_ptr_array_add (labels, (gpointer)permission_label (token.permissions[p]));
      g_ptr_array_add (labels, NULL);
      can = g_strjoinv (", ", (char **)labels->pdata);
      /* TRANSLATORS: when a token was last used, a date and time */
      used = last_used ? g_strdup_printf (_("last used %s"), last_used) : g_strdup (_("never used"));
      if (expires != NULL)
        /* TRANSLATORS: what a token may do · when it was used · when it expires */
        subtitle = g_strdup_printf (_("%s · %s · expires %s"), can, used, expires);
      else
        subtitle = g_strdup_printf ("%s · %s", can, used);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), token.name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (revoke, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (revoke, "destructive-action");
      g_object_set_data_full (G_OBJECT (revoke), "token-id", g_strdup (token.token_id), g_free);
      g_object_set_data_full (G_OBJECT (revoke), "token-name", g_strdup (token.name), g_free);
      g_signal_connect_object (revoke, "clicked", G_CALLBACK (on_revoke_clicked), self, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), revoke);
      adw_preferences_group_add (self->group, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
aether_tokens_page_dispose (GObject *object)
{
  AetherTokensPage *self = AETHER_TOKENS_PAGE (object);

  g_clear_object (&self->service);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->checks, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_tokens_page_parent_class)->dispose (object);
}

static void
aether_tokens_page_class_init (AetherTokensPageClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = aether_tokens_page_dispose;
}

static void
aether_tokens_page_init (AetherTokensPage *self)
{
  GtkWidget *add = gtk_button_new_with_mnemonic (_("_New Token…"));

  self->rows = g_ptr_array_new ();
  adw_preferences_page_set_name (ADW_PREFERENCES_PAGE (self), "api");
  adw_preferences_page_set_title (ADW_PREFERENCES_PAGE (self), _("API"));
  adw_preferences_page_set_icon_name (ADW_PREFERENCES_PAGE (self), "network-server-symbolic");

  self->group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->group, _("API Tokens"));
  adw_preferences_group_set_description (self->group,
                                         _("Programs such as Home Assistant and Grafana read from the local API "
                                           "(aetherlens-cli collect --api) with a token. Each token may do only "
                                           "what it was given."));
  gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (add, "flat");
  g_signal_connect_object (add, "clicked", G_CALLBACK (on_new_clicked), self, 0);
  adw_preferences_group_set_header_suffix (self->group, add);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), self->group);
}

/**
 * aether_tokens_page_new:
 * @service: the service whose tokens it shows
 *
 * Returns: (transfer full): the page
 */
GtkWidget *
aether_tokens_page_new (AetherService *service)
{
  AetherTokensPage *self;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  self = g_object_new (AETHER_TYPE_TOKENS_PAGE, NULL);
  self->service = g_object_ref (service);
  g_signal_connect_object (service, "user-changed", G_CALLBACK (refill), self, G_CONNECT_SWAPPED);
  refill (self);
  return GTK_WIDGET (self);
}
