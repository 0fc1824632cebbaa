/* aether-devices-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Devices page: an empty state that offers the demo home, or a row per
 * registry device with its room, whether it answers and its power now (from
 * the hot tier, never the database), and a switch for plugs with a relay.
 * Rows update when the collector reports on a device. The switch shows the
 * device's latest `relay` reading, whoever switched it (a person here, an
 * automation, a notification's Turn Off, the button on the plug); a
 * reading moves it without sending anything back to the device. */

#define G_LOG_DOMAIN "aether-devices-page"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-add-device-window.h"
#include "aether-device-window.h"
#include "aether-devices-page.h"

struct _AetherDevicesPage
{
  AdwBin                parent_instance;

  /* Template widgets */
  AdwToastOverlay      *toasts;
  GtkStack             *stack;
  AdwPreferencesGroup  *group;

  /* Owned references */
  AetherService        *service;
  GHashTable           *rows;     /* device id → AdwActionRow (owned by the group) */
  gboolean              stale;    /* a status changed while the page was not shown */
  GHashTable           *rooms;    /* device id → room */
  GHashTable           *switches; /* device id → GtkSwitch (owned by its row) */

  gulong                status_handler;
  gulong                reading_handler;
  AdwToast            *removal_toast;   /* weak */
};

G_DEFINE_FINAL_TYPE (AetherDevicesPage, aether_devices_page, ADW_TYPE_BIN)

/* "living_room" → "Living room": registry keys read as words. */
static char *
pretty_room (const char *room)
{
  char *text;

  if (room == NULL || *room == '\0')
    return g_strdup (_("No room"));

  text = g_strdelimit (g_strdup (room), "_-", ' ');
  text[0] = g_ascii_toupper (text[0]);
  return text;
}

static void
update_row (AetherDevicesPage *self,
            const char        *device_id)
{
  AdwActionRow *row = g_hash_table_lookup (self->rows, device_id);
  AetherHotTier *hot = aether_service_get_hot_tier (self->service);
  g_autofree char *room = pretty_room (g_hash_table_lookup (self->rooms, device_id));
  g_autofree char *subtitle = NULL;
  gboolean online = FALSE;
  gint64 last_seen = 0;
  guint errors = 0;
  double watts = 0;

  if (row == NULL)
    return;

  if (!aether_hot_tier_get_device_status (hot, device_id, &online, &last_seen, &errors))
    subtitle = g_strdup_printf ("%s · %s", room, _("Waiting for the first reading"));
  else if (!online)
    subtitle = g_strdup_printf ("%s · %s", room, _("Not answering"));
  else if (aether_hot_tier_get_current (hot, device_id, "power", &watts, NULL))
    /* Translators: a room, then the power a device draws now */
    subtitle = g_strdup_printf (_("%s · %.0f W"), room, watts);
  else
    subtitle = g_strdup_printf ("%s · %s", room, _("Online"));

  adw_action_row_set_subtitle (row, subtitle);
}

static void
on_status_changed (AetherCollector   *collector,
                   const char        *device_id,
                   AetherDevicesPage *self)
{
  /* A hidden page is brought up to date when it is shown: a row's new
   * text lays the whole window out again, and statuses come every poll. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = TRUE;
      return;
    }
  update_row (self, device_id);
}

static void
aether_devices_page_map (GtkWidget *widget)
{
  AetherDevicesPage *self = AETHER_DEVICES_PAGE (widget);

  GTK_WIDGET_CLASS (aether_devices_page_parent_class)->map (widget);

  if (self->stale)
    {
      GHashTableIter iter;
      gpointer key;

      self->stale = FALSE;
      g_hash_table_iter_init (&iter, self->rows);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        update_row (self, key);
    }
}

static gboolean on_switch_state_set (GtkSwitch         *toggle,
                                     gboolean           state,
                                     AetherDevicesPage *self);

/* Shows what the device is, without asking it to be anything. */
static void
show_relay (AetherDevicesPage *self,
            GtkSwitch         *toggle,
            gboolean           on)
{
  g_signal_handlers_block_by_func (toggle, on_switch_state_set, self);
  gtk_switch_set_active (toggle, on);
  gtk_switch_set_state (toggle, on);
  g_signal_handlers_unblock_by_func (toggle, on_switch_state_set, self);
}

/* The latest relay reading of the last hour, if there is one. */
static gboolean
latest_relay (AetherDevicesPage *self,
              const char        *device_id,
              gboolean          *on)
{
  g_autoptr(GArray) last = aether_hot_tier_get_recent (aether_service_get_hot_tier (self->service),
                                                       device_id, "relay", 1);

  if (last->len == 0)
    return FALSE;
  *on = g_array_index (last, AetherHotPoint, 0).value != 0;
  return TRUE;
}

static void
on_reading (AetherCollector     *collector,
            const AetherReading *reading,
            AetherDevicesPage   *self)
{
  GtkSwitch *toggle;

  if (g_strcmp0 (reading->metric_type, "relay") != 0 ||
      !(toggle = g_hash_table_lookup (self->switches, reading->device_id)))
    return;

  show_relay (self, toggle, reading->value != 0);
}

typedef struct
{
  AetherDevicesPage *self;
  char              *device_id;
  gboolean           on;
} SwitchCall;

static void
on_switched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  SwitchCall *call = user_data;
  AetherDevicesPage *self = call->self;
  g_autoptr(GError) error = NULL;

  /* On success the service reads the relay back, and its reading moves
   * the switch; on failure it goes back to what the device last said. */
  if (!aether_service_set_state_finish (AETHER_SERVICE (object), result, &error))
    {
      GtkSwitch *toggle = g_hash_table_lookup (self->switches, call->device_id);
      gboolean on = !call->on;

      g_debug ("Could not switch %s: %s", call->device_id, error->message);
      if (toggle != NULL && self->service != NULL)
        {
          latest_relay (self, call->device_id, &on);
          show_relay (self, toggle, on);
        }
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
    }

  g_object_unref (call->self);
  g_free (call->device_id);
  g_free (call);
}

static gboolean
on_switch_state_set (GtkSwitch         *toggle,
                     gboolean           state,
                     AetherDevicesPage *self)
{
  SwitchCall *call = g_new0 (SwitchCall, 1);

  call->self = g_object_ref (self);
  call->device_id = g_strdup (g_object_get_data (G_OBJECT (toggle), "device-id"));
  call->on = state;
  aether_service_set_state_async (self->service, call->device_id, state, NULL, on_switched, call);
  gtk_switch_set_state (toggle, state);

  return TRUE;
}

/**
 * aether_devices_page_reload:
 * @self: the page
 *
 * Rebuilds the rows from the registry.
 */
void
aether_devices_page_reload (AetherDevicesPage *self)
{
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (AETHER_IS_DEVICES_PAGE (self));

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    adw_preferences_group_remove (self->group, value);
  g_hash_table_remove_all (self->rows);
  g_hash_table_remove_all (self->rooms);
  g_hash_table_remove_all (self->switches);

  if (self->service == NULL ||
      !(devices = aether_service_list_device_objects (self->service, &error)))
    {
      if (error != NULL)
        g_warning ("Could not list devices: %s", error->message);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  for (guint i = 0; i < devices->len; i++)
    {
      AetherDevice *device = g_ptr_array_index (devices, i);
      const char *id = aether_device_get_id (device);
      GtkWidget *row = adw_action_row_new ();

      /* Names are text, not markup: “Tom & Jerry’s Lamp”. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), aether_device_get_name (device));
      g_hash_table_insert (self->rooms, g_strdup (id), g_strdup (aether_device_get_location_room (device)));

      if (aether_device_has_capability (device, "on_off_control"))
        {
          GtkWidget *toggle = gtk_switch_new ();
          g_autofree char *label = g_strdup_printf (_("Switch %s on or off"), aether_device_get_name (device));
          gboolean on = TRUE;

          /* Until the device has said otherwise, on, as a plug that is
           * powered and answering usually is. */
          latest_relay (self, id, &on);
          gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
          gtk_switch_set_active (GTK_SWITCH (toggle), on);
          gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
          g_object_set_data_full (G_OBJECT (toggle), "device-id", g_strdup (id), g_free);
          g_signal_connect (toggle, "state-set", G_CALLBACK (on_switch_state_set), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
          g_hash_table_insert (self->switches, g_strdup (id), toggle);
        }

      /* The row opens the device: its name, room and what probing found. */
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "devices.edit");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", id);

      {
        GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
        g_autofree char *label = g_strdup_printf (_("Remove %s"), aether_device_get_name (device));

        gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
        gtk_widget_add_css_class (remove, "flat");
        gtk_widget_set_tooltip_text (remove, label);
        gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
        gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "devices.remove");
        gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", id);
        adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      }

      adw_preferences_group_add (self->group, row);
      g_hash_table_insert (self->rows, g_strdup (id), row);
      update_row (self, id);
    }

  gtk_stack_set_visible_child_name (self->stack, devices->len > 0 ? "list" : "empty");
}

/**
 * aether_devices_page_set_service:
 * @self: the page
 * @service: (nullable): the running service
 */
void
aether_devices_page_set_service (AetherDevicesPage *self,
                                 AetherService     *service)
{
  g_return_if_fail (AETHER_IS_DEVICES_PAGE (self));

  if (self->service != NULL)
    {
      g_clear_signal_handler (&self->status_handler, aether_service_get_collector (self->service));
      g_clear_signal_handler (&self->reading_handler, aether_service_get_collector (self->service));
    }
  g_set_object (&self->service, service);
  if (service != NULL)
    {
      self->status_handler = g_signal_connect_object (aether_service_get_collector (service), "status-changed",
                                                      G_CALLBACK (on_status_changed), self, 0);
      self->reading_handler = g_signal_connect_object (aether_service_get_collector (service), "reading",
                                                       G_CALLBACK (on_reading), self, 0);
    }

  aether_devices_page_reload (self);
}

guint
aether_devices_page_get_n_rows (AetherDevicesPage *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICES_PAGE (self), 0);

  return g_hash_table_size (self->rows);
}

static void
on_device_added (AetherAddDeviceWindow *window,
                 const char            *name,
                 guint                  n_devices,
                 AetherDevicesPage     *self)
{
  g_autofree char *title = NULL;

  /* Every page that shows devices, through the window when there is one. */
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.reload-devices", NULL))
    aether_devices_page_reload (self);
  if (n_devices > 1)
    /* Translators: a device's name; each of its outlets or channels is listed on its own */
    title = g_strdup_printf (_("“%s” added, one row per channel"), name);
  else
    title = g_strdup_printf (_("“%s” added"), name);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (title));
}

/**
 * aether_devices_page_add_device:
 * @self: the page
 *
 * Opens the window that adds a device.
 *
 * Returns: (transfer none) (nullable): the window, or %NULL without a service
 */
AetherAddDeviceWindow *
aether_devices_page_add_device (AetherDevicesPage *self)
{
  AetherAddDeviceWindow *window;
  GtkRoot *root;

  g_return_val_if_fail (AETHER_IS_DEVICES_PAGE (self), NULL);

  if (self->service == NULL)
    return NULL;

  root = gtk_widget_get_root (GTK_WIDGET (self));
  window = aether_add_device_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->service);
  g_signal_connect_object (window, "added", G_CALLBACK (on_device_added), self, 0);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
restore_device (AdwToast          *toast,
                AetherDevicesPage *self)
{
  AetherDevice *device = g_object_get_data (G_OBJECT (toast), "device");
  g_autoptr(GError) error = NULL;

  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *id = NULL;
  const char *device_id = aether_device_get_id (device);

  if (self->service == NULL)
    return;
  g_object_set_data (G_OBJECT (toast), "undone", GINT_TO_POINTER (TRUE));
  /* Put back exactly: its own id (refused if another took it since), its
   * passwords already in the keyring. */
  devices = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (devices, aether_device_copy (device));
  if (!(id = aether_service_add_device_objects (self->service, devices, device_id, TRUE, NULL, NULL, &error)))
    {
      adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  aether_service_start (self->service);
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.reload-devices", NULL))
    aether_devices_page_reload (self);
}

/* The removal can no longer be undone: its passwords leave the keyring. */
static void
on_removal_toast_dismissed (AdwToast          *toast,
                            AetherDevicesPage *self)
{
  AetherDevice *device = g_object_get_data (G_OBJECT (toast), "device");
  const char *device_id;
  g_autoptr(GError) error = NULL;

  if (self->service == NULL || device == NULL || g_object_get_data (G_OBJECT (toast), "undone"))
    return;
  device_id = aether_device_get_id (device);
  aether_service_forget_device_secrets (self->service, device_id);
  /* Deleted only now, when Undo is gone: never what was put back. */
  if (g_object_get_data (G_OBJECT (toast), "delete-history") &&
      !aether_service_delete_device_history (self->service, device_id, &error))
    g_warning ("The history of %s was kept: %s", device_id, error->message);
}

/**
 * aether_devices_page_remove_device:
 * @self: the page
 * @device_id: the device to remove
 *
 * Stops reading a device and removes it from the registry, as its button
 * does, offering to undo it. Its readings stay in the history.
 */
void
aether_devices_page_remove_device (AetherDevicesPage *self,
                                   const char        *device_id)
{
  aether_devices_page_remove_device_full (self, device_id, FALSE);
}

/**
 * aether_devices_page_remove_device_full:
 * @self: the page
 * @device_id: the device to remove
 * @delete_history: whether its history goes too
 *
 * Removes a device, offering to undo it. With @delete_history its
 * readings, energy and costs are deleted once the toast is gone without
 * Undo, never before.
 */
void
aether_devices_page_remove_device_full (AetherDevicesPage *self,
                                        const char        *device_id,
                                        gboolean           delete_history)
{
  g_autoptr(AetherDevice) device = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_return_if_fail (AETHER_IS_DEVICES_PAGE (self));

  if (self->service == NULL ||
      !(device = aether_service_lookup_device (self->service, device_id, &error)) ||
      !aether_service_remove_device (self->service, device_id, &error))
    {
      if (error != NULL)
        adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
      return;
    }
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.reload-devices", NULL))
    aether_devices_page_reload (self);

  /* Translators: a device's name */
  title = g_strdup_printf (delete_history ? _("“%s” removed; its history will be deleted")
                                          : _("“%s” removed; its history stays"),
                           aether_device_get_name (device));
  toast = adw_toast_new (title);
  if (delete_history)
    g_object_set_data (G_OBJECT (toast), "delete-history", GINT_TO_POINTER (TRUE));
  adw_toast_set_button_label (toast, _("_Undo"));
  g_object_set_data_full (G_OBJECT (toast), "device", g_steal_pointer (&device), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (restore_device), self, 0);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_removal_toast_dismissed), self, 0);
  g_set_weak_pointer (&self->removal_toast, toast);
  adw_toast_overlay_add_toast (self->toasts, toast);
}

/**
 * aether_devices_page_get_removal_toast:
 * @self: the page
 *
 * Returns: (transfer none) (nullable): the toast of the last removal,
 *   while it is shown
 */
AdwToast *
aether_devices_page_get_removal_toast (AetherDevicesPage *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICES_PAGE (self), NULL);
  return self->removal_toast;
}

static void
on_device_saved (AetherDevicesPage *self)
{
  if (!gtk_widget_activate_action (GTK_WIDGET (self), "win.reload-devices", NULL))
    aether_devices_page_reload (self);
}

/**
 * aether_devices_page_edit_device:
 * @self: the page
 * @device_id: the device
 *
 * Returns: (transfer none) (nullable): the window it opened for the device
 */
AetherDeviceWindow *
aether_devices_page_edit_device (AetherDevicesPage *self,
                                 const char        *device_id)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AetherDeviceWindow *window;

  g_return_val_if_fail (AETHER_IS_DEVICES_PAGE (self), NULL);

  if (self->service == NULL ||
      !(window = aether_device_window_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, self->service, device_id)))
    return NULL;
  g_signal_connect_object (window, "saved", G_CALLBACK (on_device_saved), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (window, "remove-requested", G_CALLBACK (aether_devices_page_remove_device_full), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  aether_devices_page_edit_device (AETHER_DEVICES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  aether_devices_page_remove_device (AETHER_DEVICES_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
add_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  aether_devices_page_add_device (AETHER_DEVICES_PAGE (widget));
}

static void
aether_devices_page_dispose (GObject *object)
{
  AetherDevicesPage *self = (AetherDevicesPage *)object;

  g_clear_weak_pointer (&self->removal_toast);
  if (self->service != NULL)
    {
      g_clear_signal_handler (&self->status_handler, aether_service_get_collector (self->service));
      g_clear_signal_handler (&self->reading_handler, aether_service_get_collector (self->service));
    }
  g_clear_object (&self->service);
  /* AdwBin unparents its child (the template's stack) itself. */

  G_OBJECT_CLASS (aether_devices_page_parent_class)->dispose (object);
}

static void
aether_devices_page_finalize (GObject *object)
{
  AetherDevicesPage *self = (AetherDevicesPage *)object;

  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_clear_pointer (&self->rooms, g_hash_table_unref);
  g_clear_pointer (&self->switches, g_hash_table_unref);

  G_OBJECT_CLASS (aether_devices_page_parent_class)->finalize (object);
}

static void
aether_devices_page_class_init (AetherDevicesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_devices_page_dispose;
  object_class->finalize = aether_devices_page_finalize;
  widget_class->map = aether_devices_page_map;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/devices/aether-devices-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherDevicesPage, toasts);
  gtk_widget_class_bind_template_child (widget_class, AetherDevicesPage, stack);

  gtk_widget_class_install_action (widget_class, "devices.add", NULL, add_action);
  gtk_widget_class_install_action (widget_class, "devices.remove", "s", remove_action);
  gtk_widget_class_install_action (widget_class, "devices.edit", "s", edit_action);
  gtk_widget_class_bind_template_child (widget_class, AetherDevicesPage, group);
}

static void
aether_devices_page_init (AetherDevicesPage *self)
{
  self->rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->switches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));
}
