/* aether-add-device-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Adding a device: the devices that announce themselves on the network
 * (each plugin's discover, through Avahi) at the top, one click filling the
 * form; the form itself built from the chosen plugin's config fields. The
 * device is asked what it is before anything is stored, so a wrong address
 * or a missing password is said here, in the plugin's words, and the form
 * stays as it was. A strip or a multi-channel device becomes one device per
 * channel, as with `aetherlens-cli devices add`. */

#define G_LOG_DOMAIN "aether-add-device-window"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "aether-add-device-window.h"

struct _AetherAddDeviceWindow
{
  AdwWindow             parent_instance;

  /* Template widgets */
  GtkButton            *add_button;
  GtkSpinner           *add_spinner;
  GtkWidget            *form;
  AdwPreferencesGroup  *found_group;
  GtkSpinner           *found_spinner;
  AdwComboRow          *kind_row;
  AdwEntryRow          *name_row;
  AdwEntryRow          *room_row;
  AdwPreferencesGroup  *settings_group;
  GtkLabel             *error_label;

  /* Owned */
  AetherService        *service;
  GCancellable         *cancellable;
  GPtrArray            *modules;        /* module names, in the kind row's order */
  GPtrArray            *setting_rows;   /* the settings group's rows */
  GPtrArray            *notes;          /* why discovery found nothing */
  JsonObject           *configuration;  /* being probed */
  guint                 n_searching;
  guint                 n_found;
  gboolean              adding;
};

G_DEFINE_FINAL_TYPE (AetherAddDeviceWindow, aether_add_device_window, ADW_TYPE_WINDOW)

enum {
  ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const AetherConfigField *
current_fields (AetherAddDeviceWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->kind_row);
  AetherDeviceProvider *provider;

  if (selected >= self->modules->len)
    return NULL;
  provider = aether_plugin_engine_get_provider (aether_service_get_plugin_engine (self->service),
                                                g_ptr_array_index (self->modules, selected), NULL);
  return provider ? aether_device_provider_get_config_fields (provider) : NULL;
}

static const char *
row_text (GtkWidget *row)
{
  if (GTK_IS_EDITABLE (row))
    return gtk_editable_get_text (GTK_EDITABLE (row));
  return "";
}

static void
update_sensitivity (AetherAddDeviceWindow *self)
{
  const AetherConfigField *fields = current_fields (self);
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  gboolean ready = fields != NULL && !self->adding && *name != '\0';

  for (guint i = 0; ready && i < self->setting_rows->len; i++)
    {
      const AetherConfigField *field = g_object_get_data (g_ptr_array_index (self->setting_rows, i), "field");

      if (field->required && *row_text (g_ptr_array_index (self->setting_rows, i)) == '\0')
        ready = FALSE;
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->add_button), ready);
}

static void
show_error (AetherAddDeviceWindow *self,
            const char            *message)
{
  gtk_label_set_text (self->error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

/* The settings group, rebuilt from the chosen plugin's fields. */
static void
rebuild_settings (AetherAddDeviceWindow *self)
{
  const AetherConfigField *fields = current_fields (self);

  for (guint i = 0; i < self->setting_rows->len; i++)
    adw_preferences_group_remove (self->settings_group, g_ptr_array_index (self->setting_rows, i));
  g_ptr_array_set_size (self->setting_rows, 0);

  for (guint i = 0; fields != NULL && fields[i].key != NULL; i++)
    {
      const AetherConfigField *field = &fields[i];
      GtkWidget *row;

      if (field->type == AETHER_CONFIG_FIELD_BOOLEAN)
        {
          GtkWidget *toggle = gtk_switch_new ();

          row = adw_action_row_new ();
          gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
          gtk_switch_set_active (GTK_SWITCH (toggle), g_strcmp0 (field->default_value, "true") == 0);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
          adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
          g_object_set_data (G_OBJECT (row), "switch", toggle);
          if (field->help)
            adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(field->help));
        }
      else
        {
          row = field->secret || field->type == AETHER_CONFIG_FIELD_PASSWORD
                ? adw_password_entry_row_new () : adw_entry_row_new ();
          if (field->default_value)
            gtk_editable_set_text (GTK_EDITABLE (row), field->default_value);
          if (field->type == AETHER_CONFIG_FIELD_INT)
            gtk_editable_set_width_chars (GTK_EDITABLE (row), 6);
          g_signal_connect_swapped (row, "changed", G_CALLBACK (update_sensitivity), self);
          if (field->help)
            {
              gtk_widget_set_tooltip_text (row, _(field->help));
              gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _(field->help), -1);
            }
        }
      /* Names are text, not markup: “Tom & Jerry’s Lamp”. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(field->label));
      g_object_set_data (G_OBJECT (row), "field", (gpointer)field);
      adw_preferences_group_add (self->settings_group, row);
      g_ptr_array_add (self->setting_rows, row);
    }

  update_sensitivity (self);
}

static GtkWidget *
setting_row (AetherAddDeviceWindow *self,
             const char            *key)
{
  for (guint i = 0; i < self->setting_rows->len; i++)
    {
      const AetherConfigField *field = g_object_get_data (g_ptr_array_index (self->setting_rows, i), "field");

      if (g_str_equal (field->key, key))
        return g_ptr_array_index (self->setting_rows, i);
    }
  return NULL;
}

static void
on_kind_changed (AetherAddDeviceWindow *self)
{
  show_error (self, NULL);
  rebuild_settings (self);
}

/* The form as a device configuration, or an error naming the field. */
static JsonObject *
read_configuration (AetherAddDeviceWindow  *self,
                    GError                **error)
{
  g_autoptr(JsonObject) configuration = json_object_new ();
  JsonObject *plugin_config = json_object_new ();

  json_object_set_string_member (configuration, "plugin",
                                 g_ptr_array_index (self->modules, adw_combo_row_get_selected (self->kind_row)));
  json_object_set_object_member (configuration, "plugin_config", plugin_config);

  for (guint i = 0; i < self->setting_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->setting_rows, i);
      const AetherConfigField *field = g_object_get_data (G_OBJECT (row), "field");
      g_autofree char *text = g_strstrip (g_strdup (row_text (row)));

      if (field->type == AETHER_CONFIG_FIELD_BOOLEAN)
        {
          json_object_set_boolean_member (plugin_config, field->key,
                                          gtk_switch_get_active (g_object_get_data (G_OBJECT (row), "switch")));
          continue;
        }
      if (*text == '\0')
        continue;

      if (field->type == AETHER_CONFIG_FIELD_INT)
        {
          char *end = NULL;
          gint64 value = g_ascii_strtoll (text, &end, 10);

          if (end == text || *end != '\0' || value < 0)
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           /* Translators: a form field's label, then what was typed */
                           _("%s must be a whole number, not “%s”"), _(field->label), text);
              return NULL;
            }
          json_object_set_int_member (plugin_config, field->key, value);
        }
      else if (g_str_equal (field->key, "ip_address") || g_str_equal (field->key, "mac_address"))
        json_object_set_string_member (configuration, field->key, text);
      else
        json_object_set_string_member (plugin_config, field->key, text);
    }

  /* The same check adding it will make, before the device is asked. */
  if (!aether_device_config_check (configuration, current_fields (self), error))
    return NULL;

  return g_steal_pointer (&configuration);
}

static void
set_adding (AetherAddDeviceWindow *self,
            gboolean               adding)
{
  self->adding = adding;
  gtk_widget_set_sensitive (self->form, !adding);
  gtk_widget_set_visible (GTK_WIDGET (self->add_spinner), adding);
  gtk_spinner_set_spinning (self->add_spinner, adding);
  update_sensitivity (self);
}

static void
on_probed (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(AetherAddDeviceWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherDeviceIdentity) identity = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) keyring_error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *base = NULL;
  g_autofree char *name = NULL;
  g_autofree char *room = NULL;

  identity = aether_device_provider_probe_finish (AETHER_DEVICE_PROVIDER (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_adding (self, FALSE);
  if (identity == NULL)
    {
      g_autofree char *message = g_strdup_printf (_("The device could not be added: %s"), error->message);

      show_error (self, message);
      /* A password is the one thing the person can fix right here. */
      if (g_error_matches (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED) && setting_row (self, "password"))
        gtk_widget_grab_focus (setting_row (self, "password"));
      return;
    }

  name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  room = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->room_row))));
  base = aether_device_id_from_name (name);
  devices = aether_device_list_from_identity (identity, base, name, *room ? room : NULL, self->configuration);

  /* Every channel or none; "desk-lamp-2" when "desk-lamp" is taken. The
   * password goes to the keyring; without one it stays in the database. */
  if (!(id = aether_service_add_device_objects (self->service, devices, base, FALSE,
                                                aether_device_provider_get_config_fields (AETHER_DEVICE_PROVIDER (object)),
                                                &keyring_error, &error)))
    {
      g_autofree char *message = g_strdup_printf (_("The device answered, but could not be saved: %s"), error->message);

      show_error (self, message);
      return;
    }
  if (keyring_error != NULL)
    g_warning ("No keyring for the password of %s: %s", id, keyring_error->message);

  /* The service collects it now if it runs; start it if it did not. */
  aether_service_start (self->service);

  g_signal_emit (self, signals[ADDED], 0, name, devices->len);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_add_clicked (AetherAddDeviceWindow *self)
{
  g_autoptr(GError) error = NULL;
  AetherDeviceProvider *provider;

  show_error (self, NULL);
  g_clear_pointer (&self->configuration, json_object_unref);
  if (!(self->configuration = read_configuration (self, &error)) ||
      !(provider = aether_plugin_engine_get_provider (aether_service_get_plugin_engine (self->service),
                                                      json_object_get_string_member (self->configuration, "plugin"),
                                                      &error)))
    {
      show_error (self, error->message);
      return;
    }

  set_adding (self, TRUE);
  aether_device_provider_probe_async (provider, self->configuration, self->cancellable, on_probed, g_object_ref (self));
}

static void
on_found_activated (AdwActionRow          *row,
                    AetherAddDeviceWindow *self)
{
  JsonObject *config = g_object_get_data (G_OBJECT (row), "configuration");
  const char *plugin = json_object_get_string_member (config, "plugin");
  GtkWidget *address;
  guint index;

  if (!g_ptr_array_find_with_equal_func (self->modules, plugin, g_str_equal, &index))
    return;
  adw_combo_row_set_selected (self->kind_row, index);
  if ((address = setting_row (self, "ip_address")))
    gtk_editable_set_text (GTK_EDITABLE (address), json_object_get_string_member (config, "ip_address"));
  /* The name is the person's to give. */
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static gboolean
already_added (GPtrArray  *devices,
               JsonObject *found)
{
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    if (aether_device_is_at (g_ptr_array_index (devices, i),
                             aether_json_get_string (found, "plugin"), aether_json_get_string (found, "ip_address")))
      return TRUE;
  return FALSE;
}

static void
end_search (AetherAddDeviceWindow *self)
{
  gtk_spinner_set_spinning (self->found_spinner, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->found_spinner), FALSE);

  if (self->n_found > 0)
    adw_preferences_group_set_description (self->found_group, _("Choose one to fill in its address."));
  else if (self->notes->len > 0)
    {
      g_autofree char *escaped = g_markup_escape_text (g_ptr_array_index (self->notes, 0), -1);

      adw_preferences_group_set_description (self->found_group, escaped);
    }
  else
    adw_preferences_group_set_description (self->found_group,
                                           _("No device announced itself. Enter your device’s address below."));
}

static void
on_discovered (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(AetherAddDeviceWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = aether_device_provider_discover_finish (AETHER_DEVICE_PROVIDER (object), result, &error);
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) infos = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->n_searching--;
  if (found == NULL)
    {
      if (!g_ptr_array_find_with_equal_func (self->notes, error->message, g_str_equal, NULL))
        g_ptr_array_add (self->notes, g_strdup (error->message));
    }

  /* The registry and the plugins' names, read once for all that was found. */
  if (found != NULL && found->len > 0)
    {
      devices = aether_service_list_device_objects (self->service, NULL);
      infos = aether_plugin_engine_list (aether_service_get_plugin_engine (self->service));
    }

  for (guint i = 0; found != NULL && i < found->len; i++)
    {
      JsonObject *config = g_ptr_array_index (found, i);
      GtkWidget *row = adw_action_row_new ();
      const char *plugin = json_object_get_string_member (config, "plugin");
      const char *kind = plugin;
      g_autofree char *subtitle = NULL;
      gboolean known = already_added (devices, config);

      for (guint j = 0; j < infos->len; j++)
        if (g_str_equal (((AetherPluginInfo *)g_ptr_array_index (infos, j))->module_name, plugin))
          kind = ((AetherPluginInfo *)g_ptr_array_index (infos, j))->name;

      subtitle = known
        /* Translators: a kind of device, its address */
        ? g_strdup_printf (_("%s · %s · added already"), kind, json_object_get_string_member (config, "ip_address"))
        : g_strdup_printf (_("%s · %s"), kind, json_object_get_string_member (config, "ip_address"));
      /* Names are text, not markup: “Tom & Jerry’s Lamp”. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), json_object_get_string_member (config, "discovered_name"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_sensitive (row, !known);
      if (!known)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          g_object_set_data_full (G_OBJECT (row), "configuration", json_object_ref (config),
                                  (GDestroyNotify)json_object_unref);
          g_signal_connect (row, "activated", G_CALLBACK (on_found_activated), self);
        }
      adw_preferences_group_add (self->found_group, row);
      self->n_found++;
    }

  if (self->n_searching == 0)
    end_search (self);
}

static void
start_search (AetherAddDeviceWindow *self)
{
  AetherPluginEngine *engine = aether_service_get_plugin_engine (self->service);

  for (guint i = 0; i < self->modules->len; i++)
    {
      AetherDeviceProvider *provider = aether_plugin_engine_get_provider (engine, g_ptr_array_index (self->modules, i), NULL);

      if (provider == NULL || !aether_device_provider_can_discover (provider))
        continue;
      self->n_searching++;
      aether_device_provider_discover_async (provider, self->cancellable, on_discovered, g_object_ref (self));
    }
  if (self->n_searching == 0)
    end_search (self);
}

static void
fill_kinds (AetherAddDeviceWindow *self)
{
  g_autoptr(GPtrArray) infos = aether_plugin_engine_list (aether_service_get_plugin_engine (self->service));
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  for (guint i = 0; i < infos->len; i++)
    {
      AetherPluginInfo *info = g_ptr_array_index (infos, i);

      /* The simulator has its own door: the demo home. */
      if (!info->loaded || g_str_equal (info->module_name, "simulator"))
        continue;
      g_ptr_array_add (self->modules, g_strdup (info->module_name));
      gtk_string_list_append (names, info->name);
    }
  adw_combo_row_set_model (self->kind_row, G_LIST_MODEL (names));
}

/**
 * aether_add_device_window_new:
 * @parent: (nullable): the window it belongs to
 * @service: the running service
 *
 * Returns: (transfer full): a new window, already looking for devices
 */
AetherAddDeviceWindow *
aether_add_device_window_new (GtkWindow     *parent,
                              AetherService *service)
{
  AetherAddDeviceWindow *self;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  self = g_object_new (AETHER_TYPE_ADD_DEVICE_WINDOW, "transient-for", parent, NULL);
  self->service = g_object_ref (service);
  fill_kinds (self);
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (on_kind_changed), self);
  rebuild_settings (self);
  start_search (self);
  return self;
}

gboolean
aether_add_device_window_is_searching (AetherAddDeviceWindow *self)
{
  g_return_val_if_fail (AETHER_IS_ADD_DEVICE_WINDOW (self), FALSE);

  return self->n_searching > 0;
}

gboolean
aether_add_device_window_is_adding (AetherAddDeviceWindow *self)
{
  g_return_val_if_fail (AETHER_IS_ADD_DEVICE_WINDOW (self), FALSE);

  return self->adding;
}

static void
aether_add_device_window_dispose (GObject *object)
{
  AetherAddDeviceWindow *self = (AetherAddDeviceWindow *)object;

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (aether_add_device_window_parent_class)->dispose (object);
}

static void
aether_add_device_window_finalize (GObject *object)
{
  AetherAddDeviceWindow *self = (AetherAddDeviceWindow *)object;

  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->modules, g_ptr_array_unref);
  g_clear_pointer (&self->setting_rows, g_ptr_array_unref);
  g_clear_pointer (&self->notes, g_ptr_array_unref);
  g_clear_pointer (&self->configuration, json_object_unref);

  G_OBJECT_CLASS (aether_add_device_window_parent_class)->finalize (object);
}

static void
aether_add_device_window_class_init (AetherAddDeviceWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_add_device_window_dispose;
  object_class->finalize = aether_add_device_window_finalize;

  /**
   * AetherAddDeviceWindow::added:
   * @self: the window
   * @name: the name the person gave
   * @n_devices: how many registry devices it became (one per channel)
   *
   * Emitted once the device answered and was stored, before the window
   * closes.
   */
  signals[ADDED] = g_signal_new ("added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                 G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/devices/aether-add-device-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, add_button);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, add_spinner);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, form);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, found_group);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, found_spinner);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, kind_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, room_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, settings_group);
  gtk_widget_class_bind_template_child (widget_class, AetherAddDeviceWindow, error_label);
  gtk_widget_class_bind_template_callback (widget_class, on_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitivity);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aether_add_device_window_init (AetherAddDeviceWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->modules = g_ptr_array_new_with_free_func (g_free);
  self->setting_rows = g_ptr_array_new ();
  self->notes = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));
}
