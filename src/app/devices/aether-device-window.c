/* aether-device-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One device: its name and room, which the person may change, and what
 * probing found (maker, model, firmware, address, plugin) to read. Saving
 * writes the registry record back with only those two fields changed. */

#define G_LOG_DOMAIN "aether-device-window"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-device-window.h"

struct _AetherDeviceWindow
{
  AdwWindow            parent_instance;

  /* Template widgets */
  GtkButton           *save_button;
  AdwEntryRow         *name_row;
  AdwEntryRow         *room_row;
  AdwPreferencesGroup *about_group;

  /* Owned */
  AetherService       *service;
  JsonNode            *device;
};

G_DEFINE_FINAL_TYPE (AetherDeviceWindow, aether_device_window, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_sensitivity (AetherDeviceWindow *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), *name != '\0');
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
on_save_clicked (AetherDeviceWindow *self)
{
  JsonObject *device = json_node_get_object (self->device);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *room = room_key (gtk_editable_get_text (GTK_EDITABLE (self->room_row)));
  g_autoptr(GError) error = NULL;
  JsonObject *location;

  json_object_set_string_member (device, "name", name);
  if (!json_object_has_member (device, "location") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (device, "location")))
    json_object_set_object_member (device, "location", json_object_new ());
  location = json_object_get_object_member (device, "location");
  if (*room != '\0')
    json_object_set_string_member (location, "room", room);
  else if (json_object_has_member (location, "room"))
    json_object_remove_member (location, "room");

  if (!aether_service_update_device (self->service, self->device, &error))
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Device Could Not Be Saved"), error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  g_signal_emit (self, signals[SAVED], 0);
  gtk_window_close (GTK_WINDOW (self));
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
  JsonObject *device, *config, *location;
  g_autofree char *room = NULL;
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  if (!(node = aether_store_get_device (aether_service_get_store (service), device_id, NULL)))
    return NULL;

  self = g_object_new (AETHER_TYPE_DEVICE_WINDOW, "transient-for", parent, NULL);
  self->service = g_object_ref (service);
  self->device = g_steal_pointer (&node);
  device = json_node_get_object (self->device);
  config = json_object_has_member (device, "configuration") ? json_object_get_object_member (device, "configuration") : NULL;
  location = json_object_has_member (device, "location") ? json_object_get_object_member (device, "location") : NULL;

  gtk_window_set_title (GTK_WINDOW (self), json_object_get_string_member_with_default (device, "name", device_id));
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), json_object_get_string_member_with_default (device, "name", ""));
  if (location && json_object_get_string_member_with_default (location, "room", NULL))
    {
      room = g_strdelimit (g_strdup (json_object_get_string_member (location, "room")), "_", ' ');
      room[0] = g_ascii_toupper (room[0]);
      gtk_editable_set_text (GTK_EDITABLE (self->room_row), room);
    }

  add_fact (self, _("Maker"), json_object_get_string_member_with_default (device, "manufacturer", NULL));
  add_fact (self, _("Model"), json_object_get_string_member_with_default (device, "model", NULL));
  add_fact (self, _("Firmware"), config ? json_object_get_string_member_with_default (config, "firmware_version", NULL) : NULL);
  add_fact (self, _("Address"), config ? json_object_get_string_member_with_default (config, "ip_address", NULL) : NULL);
  add_fact (self, _("Hardware Address"), config ? json_object_get_string_member_with_default (config, "mac_address", NULL) : NULL);
  add_fact (self, _("Plugin"), config ? json_object_get_string_member_with_default (config, "plugin", NULL) : NULL);
  add_fact (self, _("Identifier"), device_id);

  update_sensitivity (self);
  return self;
}

static void
aether_device_window_finalize (GObject *object)
{
  AetherDeviceWindow *self = (AetherDeviceWindow *)object;

  g_clear_object (&self->service);
  g_clear_pointer (&self->device, json_node_unref);

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

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/devices/aether-device-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, save_button);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, room_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDeviceWindow, about_group);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitivity);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aether_device_window_init (AetherDeviceWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
