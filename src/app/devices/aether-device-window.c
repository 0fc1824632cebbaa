/* aether-device-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One device's settings: its name, room, floor and tags; how it is reached
 * (address, how often it is read, a new password, which goes to the
 * keyring through the service); what probing found, to read; and removal,
 * keeping or deleting its history. Saving writes the registry record back
 * through the service with only those fields changed. Removing is asked
 * here and done by the Devices page (::remove-requested), whose toast
 * offers Undo; history is deleted only once that toast is gone. */

#define G_LOG_DOMAIN "aether-device-window"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-device-window.h"

struct _AetherDeviceWindow
{
  AdwWindow            parent_instance;

  /* Template widgets */
  GtkButton           *save_button;
  GtkLabel            *error_label;
  AdwEntryRow         *name_row;
  AdwEntryRow         *room_row;
  AdwEntryRow         *floor_row;
  AdwEntryRow         *tags_row;
  AdwPreferencesGroup *connection_group;
  AdwEntryRow         *address_row;
  AdwEntryRow         *interval_row;
  AdwEntryRow         *password_row;
  AdwPreferencesGroup *about_group;

  /* Owned */
  AetherService       *service;
  AetherDevice        *device;
};

G_DEFINE_FINAL_TYPE (AetherDeviceWindow, aether_device_window, ADW_TYPE_WINDOW)

enum {
  SAVED,
  REMOVE_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
parse_whole (const char *text,
             gint64      min,
             gint64      max,
             gint64     *value)
{
  g_autofree char *copy = g_strstrip (g_strdup (text));
  char *end = NULL;

  *value = g_ascii_strtoll (copy, &end, 10);
  return *copy != '\0' && end != copy && *end == '\0' && *value >= min && *value <= max;
}

/* What is wrong with the form, or NULL. */
static char *
validate (AetherDeviceWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *floor = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->floor_row))));
  g_autofree char *address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row))));
  const char *interval = gtk_editable_get_text (GTK_EDITABLE (self->interval_row));
  gint64 value;

  if (*name == '\0')
    return g_strdup (_("The device needs a name."));
  if (*floor != '\0' && !parse_whole (floor, -100, 1000, &value))
    /* Translators: what was typed */
    return g_strdup_printf (_("The floor “%s” is not a whole number."), floor);
  if (gtk_widget_get_visible (GTK_WIDGET (self->address_row)) && *address == '\0')
    return g_strdup (_("The device needs an address to be read."));
  if (*interval != '\0' && !parse_whole (interval, 1, 86400, &value))
    return g_strdup_printf (_("“%s” is not a number of seconds from 1 to 86400."), interval);
  return NULL;
}

static void
update_sensitivity (AetherDeviceWindow *self)
{
  g_autofree char *problem = validate (self);

  gtk_label_set_text (self->error_label, problem ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), problem != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), problem == NULL);
}

/* "Living Room" → "living_room": rooms are keys in the registry. */
static char *
room_key (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  GString *key = g_string_new (NULL);

  for (const char *p = g_strstrip (lower); *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || c == '-')
        g_string_append_c (key, '_');
      else
        g_string_append_unichar (key, c);
    }
  return g_string_free (key, FALSE);
}

static void
move_siblings (AetherDeviceWindow *self,
               const char         *plugin,
               const char         *old_address,
               const char         *address)
{
  const char *id = aether_device_get_id (self->device);
  g_autoptr(GPtrArray) devices = aether_service_list_device_objects (self->service, NULL);

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      AetherDevice *other = g_ptr_array_index (devices, i);
      g_autoptr(GError) error = NULL;

      if (g_strcmp0 (aether_device_get_id (other), id) == 0 || !aether_device_is_at (other, plugin, old_address))
        continue;
      aether_device_set_address (other, address);
      if (!aether_service_save_device (self->service, other, &error))
        g_message ("%s stays at %s: %s", aether_device_get_id (other), old_address, error->message);
    }
}

static void
on_save_clicked (AetherDeviceWindow *self)
{
  AetherDevice *device = self->device;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *room = room_key (gtk_editable_get_text (GTK_EDITABLE (self->room_row)));
  g_autofree char *floor = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->floor_row))));
  g_autofree char *address = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->address_row))));
  g_auto(GStrv) tags = g_strsplit (gtk_editable_get_text (GTK_EDITABLE (self->tags_row)), ",", -1);
  const char *interval = gtk_editable_get_text (GTK_EDITABLE (self->interval_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autoptr(GStrvBuilder) tag_list = g_strv_builder_new ();
  g_auto(GStrv) tag_array = NULL;
  g_autofree char *old_address = NULL;
  g_autofree char *problem = NULL;
  gint64 value = 0;
  gboolean has_floor;

  if ((problem = validate (self)) != NULL)
    return;

  aether_device_set_name (device, name);
  aether_device_set_location_room (device, room);
  has_floor = *floor != '\0' && parse_whole (floor, -100, 1000, &value);
  aether_device_set_floor (device, has_floor, value);

  for (guint i = 0; tags[i] != NULL; i++)
    {
      g_strstrip (tags[i]);
      if (*tags[i] != '\0')
        g_strv_builder_add (tag_list, tags[i]);
    }
  tag_array = g_strv_builder_end (tag_list);
  aether_device_set_tags (device, (const char * const *)tag_array);

  old_address = g_strdup (aether_device_get_address (device));
  if (gtk_widget_get_visible (GTK_WIDGET (self->address_row)))
    aether_device_set_address (device, address);
  if (parse_whole (interval, 1, 86400, &value))
    aether_device_set_polling_interval (device, TRUE, value);
  if (gtk_widget_get_visible (GTK_WIDGET (self->password_row)) && *password != '\0')
    aether_service_set_device_password (self->service, device, "password", password, &keyring_error);
  if (keyring_error != NULL)
    g_message ("No keyring for the password of %s (it stays in the database): %s",
               aether_device_get_id (device), keyring_error->message);

  if (!aether_service_save_device (self->service, device, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Device Could Not Be Saved"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  /* The other channels of a multi-channel device (one registry device
   * each) are at the same address: they move with it. */
  if (old_address != NULL && gtk_widget_get_visible (GTK_WIDGET (self->address_row)) &&
      !g_str_equal (old_address, address))
    move_siblings (self, aether_device_get_plugin (device), old_address, address);

  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
close_idle (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

static void
on_remove_response (AdwMessageDialog   *dialog,
                    const char         *response,
                    AetherDeviceWindow *self)
{
  g_autofree char *id = NULL;

  if (g_strcmp0 (response, "keep") != 0 && g_strcmp0 (response, "delete") != 0)
    return;
  id = g_strdup (aether_device_get_id (self->device));
  g_signal_emit (self, signals[REMOVE_REQUESTED], 0, id, g_str_equal (response, "delete"));
  /* After the dialog, which belongs to this window, has closed. */
  g_idle_add_full (G_PRIORITY_HIGH_IDLE, close_idle, g_object_ref (self), g_object_unref);
}

static void
on_remove_clicked (AetherDeviceWindow *self)
{
  const char *name = aether_device_get_name (self->device);
  /* Translators: a device's name */
  g_autofree char *heading = g_strdup_printf (_("Remove “%s”?"), name);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("It stops being read. Its history can stay for the totals and "
                                                "charts of the days it was used, or be deleted. Either can be "
                                                "undone for a few seconds."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("Remove and _Delete History"),
                                    "keep", _("_Remove, Keep History"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_remove_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_fact (AetherDeviceWindow *self,
          const char         *title,
          const char         *value)
{
  GtkWidget *row;

  if (value == NULL || *value == '\0')
    return;
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), value);
  gtk_widget_add_css_class (row, "property");
  adw_preferences_group_add (self->about_group, row);
}

/**
 * aether_device_window_new:
 * @parent: (nullable): the window it belongs to
 * @service: the running service
 * @device_id: the device
 *
 * Returns: (transfer full) (nullable): a new window, or %NULL when there
 *   is no such device
 */
AetherDeviceWindow *
aether_device_window_new (GtkWindow     *parent,
                          AetherService *service,
                          const char    *device_id)
{
  AetherDeviceWindow *self;
  AetherDevice *device;
  const char *room_name;
  const char * const *tags;
  g_autofree char *room = NULL;
  gint64 value;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  if (!(device = aether_service_lookup_device (service, device_id, NULL)))
    return NULL;

  self = g_object_new (AETHER_TYPE_DEVICE_WINDOW, "transient-for", parent, NULL);
  self->service = g_object_ref (service);
  self->device = device;

  gtk_window_set_title (GTK_WINDOW (self), aether_device_get_name (device));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), aether_device_get_name (device));
  if ((room_name = aether_device_get_location_room (device)) != NULL)
    {
      room = g_strdelimit (g_strdup (room_name), "_", ' ');
      room[0] = g_ascii_toupper (room[0]);
      gtk_editable_set_text (GTK_EDITABLE (self->room_row), room);
    }

  /* Floor, tags, the connection. */
  if (aether_device_get_floor (device, &value))
    {
      g_autofree char *floor = g_strdup_printf ("%" G_GINT64_FORMAT, value);

      gtk_editable_set_text (GTK_EDITABLE (self->floor_row), floor);
    }
  tags = aether_device_get_tags (device);
  {
    g_autofree char *text = g_strjoinv (", ", (char **)tags);

    gtk_editable_set_text (GTK_EDITABLE (self->tags_row), text);
  }
  {
    const char *plugin = aether_device_get_plugin (device);
    AetherDeviceProvider *provider = plugin ? aether_plugin_engine_get_provider (aether_service_get_plugin_engine (service),
                                                                                plugin, NULL) : NULL;
    const AetherConfigField *fields = provider ? aether_device_provider_get_config_fields (provider) : NULL;
    gboolean has_address = aether_device_get_address (device) != NULL;
    gboolean has_password = aether_device_get_plugin_setting (device, "password") != NULL ||
                            aether_device_get_keyring_keys (device)[0] != NULL;
    g_autofree char *interval = NULL;

    for (guint i = 0; fields != NULL && fields[i].key != NULL; i++)
      {
        has_address |= g_str_equal (fields[i].key, "ip_address");
        has_password |= g_str_equal (fields[i].key, "password");
        if (g_str_equal (fields[i].key, "polling_interval") && fields[i].default_value)
          interval = g_strdup (fields[i].default_value);
      }
    gtk_widget_set_visible (GTK_WIDGET (self->address_row), has_address);
    gtk_widget_set_visible (GTK_WIDGET (self->password_row), has_password);
    if (has_address)
      gtk_editable_set_text (GTK_EDITABLE (self->address_row),
                             aether_device_get_address (device) ? aether_device_get_address (device) : "");
    if (aether_device_get_polling_interval (device, &value))
      {
        g_free (interval);
        interval = g_strdup_printf ("%" G_GINT64_FORMAT, value);
      }
    gtk_editable_set_text (GTK_EDITABLE (self->interval_row), interval ? interval : "10");
  }

  add_fact (self, _("Maker"), aether_device_get_manufacturer (device));
  add_fact (self, _("Model"), aether_device_get_model (device));
  add_fact (self, _("Firmware"), aether_device_get_firmware_version (device));
  add_fact (self, _("Hardware Address"), aether_device_get_mac_address (device));
  add_fact (self, _("Plugin"), aether_device_get_plugin (device));
  add_fact (self, _("Identifier"), device_id);

  update_sensitivity (self);
  return self;
}

static void
aether_device_window_finalize (GObject *object)
{
  AetherDeviceWindow *self = (AetherDeviceWindow *)object;

  g_clear_object (&self->service);
  g_clear_object (&self->device);

  G_OBJECT_CLASS (aether_device_window_parent_class)->finalize (object);
}

static void
aether_device_window_class_init (AetherDeviceWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = aether_device_window_finalize;

  /**
   * AetherDeviceWindow::saved:
   *
   * The device's name or room changed in the registry.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 0);

  /**
   * AetherDeviceWindow::remove-requested:
   * @self: the window
   * @device_id: the device
   * @delete_history: whether the person chose to delete its history too
   *
   * The person confirmed removing the device; the window closes.
   */
  signals[REMOVE_REQUESTED] = g_signal_new ("remove-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                            NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/devices/aether-device-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, room_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, floor_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, tags_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, connection_group);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, address_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, interval_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, about_group);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_remove_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitivity);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aether_device_window_init (AetherDeviceWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
