/* aether-alert-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A new alert, the common kind: the power of a device, a room or the whole
 * home above a limit for some minutes; notify, and optionally switch the
 * device off. It becomes an alert in the seed's Alert Configuration model,
 * checked by the same code as any other before it is stored. */

#define G_LOG_DOMAIN "aether-alert-window"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-alert-window.h"
#include "aether-format.h"

typedef struct
{
  char     *group_by;    /* NULL (home), "room" or "device" */
  char     *key;
  char     *label;
  gboolean  switchable;
} Target;

struct _AetherAlertWindow
{
  AdwWindow        parent_instance;

  /* Template widgets */
  GtkButton       *create_button;
  GtkLabel        *error_label;
  AdwComboRow     *target_row;
  AdwEntryRow     *watts_row;
  AdwEntryRow     *minutes_row;
  AdwEntryRow     *name_row;
  AdwActionRow    *turn_off_row;
  GtkSwitch       *turn_off_switch;

  /* Owned */
  AetherService   *service;
  GArray          *targets;     /* Target, in the combo's order */
};

G_DEFINE_FINAL_TYPE (AetherAlertWindow, aether_alert_window, ADW_TYPE_WINDOW)

enum {
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
target_clear (gpointer data)
{
  Target *target = data;

  g_free (target->group_by);
  g_free (target->key);
  g_free (target->label);
}

static gboolean
parse_number (AdwEntryRow *row,
              double      *value)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
  char *end = NULL;

  *value = g_ascii_strtod (text, &end);
  return end != text && *end == '\0' && *value > 0;
}

static const Target *
current_target (AetherAlertWindow *self)
{
  guint selected = adw_combo_row_get_selected (self->target_row);

  return selected < self->targets->len ? &g_array_index (self->targets, Target, selected) : NULL;
}

static void
update_sensitivity (AetherAlertWindow *self)
{
  const Target *target = current_target (self);
  double watts, minutes;

  gtk_widget_set_sensitive (GTK_WIDGET (self->turn_off_row), target != NULL && target->switchable);
  if (target == NULL || !target->switchable)
    gtk_switch_set_active (self->turn_off_switch, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->create_button),
                            target != NULL && parse_number (self->watts_row, &watts) &&
                            parse_number (self->minutes_row, &minutes));
}

static char *
default_name (const Target *target,
              double        watts)
{
  /* Translators: an alert's name: what is watched, then a power */
  return g_strdup_printf (_("%s above %g W"), target->label, watts);
}

static void
on_create_clicked (AetherAlertWindow *self)
{
  const Target *target = current_target (self);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
  g_autofree char *id = NULL;
  g_autofree char *message = NULL;
  double watts = 0, minutes = 0;

  if (target == NULL || !parse_number (self->watts_row, &watts) || !parse_number (self->minutes_row, &minutes))
    return;
  if (*name == '\0')
    {
      g_free (name);
      name = default_name (target, watts);
    }
  {
    g_autofree char *slug = aether_device_id_from_name (name);

    id = g_strdup_printf ("alert-%s-%" G_GINT64_FORMAT, slug, g_get_real_time () / G_USEC_PER_SEC);
  }
  /* Translators: a notification's text: an alert's name, then a power */
  message = g_strdup_printf (_("%s: over %g W for %g minutes"), name, watts, minutes);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "alert_id");
  json_builder_add_string_value (b, id);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);
  json_builder_set_member_name (b, "enabled");
  json_builder_add_boolean_value (b, TRUE);
  json_builder_set_member_name (b, "conditions");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "threshold");
  json_builder_set_member_name (b, "metric");
  json_builder_add_string_value (b, "power");
  if (target->group_by != NULL)
    {
      json_builder_set_member_name (b, g_str_equal (target->group_by, "room") ? "room" : "device_id");
      json_builder_add_string_value (b, target->key);
    }
  json_builder_set_member_name (b, "operator");
  json_builder_add_string_value (b, "greater_than");
  json_builder_set_member_name (b, "threshold");
  json_builder_add_double_value (b, watts);
  json_builder_set_member_name (b, "duration_seconds");
  json_builder_add_int_value (b, (gint64)(minutes * 60));
  json_builder_end_object (b);
  json_builder_set_member_name (b, "actions");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "notification");
  json_builder_set_member_name (b, "message");
  json_builder_add_string_value (b, message);
  json_builder_end_object (b);
  if (gtk_switch_get_active (self->turn_off_switch))
    {
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, "automation");
      json_builder_set_member_name (b, "action");
      json_builder_add_string_value (b, "turn_off");
      json_builder_set_member_name (b, "delay_seconds");
      json_builder_add_int_value (b, 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "schedule");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "active_hours");
  json_builder_add_string_value (b, "00:00-23:59");
  json_builder_set_member_name (b, "active_days");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, "all");
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);

  if (!(added = aether_service_add_alert (self->service, node, &error)))
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }

  g_signal_emit (self, signals[CREATED], 0, name);
  gtk_window_close (GTK_WINDOW (self));
}

static void
fill_targets (AetherAlertWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) devices = aether_store_list_devices (aether_service_get_store (self->service), NULL);
  g_autoptr(GPtrArray) rooms = g_ptr_array_new_with_free_func (g_free);
  Target home = { NULL, NULL, g_strdup (_("Whole Home")), FALSE };

  g_array_append_val (self->targets, home);
  gtk_string_list_append (names, home.label);

  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      const char *room = aether_device_get_room (json_node_get_object (g_ptr_array_index (devices, i)));

      if (room != NULL && !g_ptr_array_find_with_equal_func (rooms, room, g_str_equal, NULL))
        g_ptr_array_add (rooms, g_strdup (room));
    }
  g_ptr_array_sort (rooms, (GCompareFunc)g_strcmp0);
  for (guint i = 0; i < rooms->len; i++)
    {
      g_autofree char *pretty = aether_format_key (g_ptr_array_index (rooms, i));
      Target target = { g_strdup ("room"), g_strdup (g_ptr_array_index (rooms, i)), NULL, FALSE };

      /* Translators: a room among what an alert can watch */
      target.label = g_strdup_printf (_("%s (room)"), pretty);
      g_array_append_val (self->targets, target);
      gtk_string_list_append (names, target.label);
    }
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      JsonArray *caps = json_object_has_member (device, "capabilities")
                        ? json_object_get_array_member (device, "capabilities") : NULL;
      Target target = { g_strdup ("device"), g_strdup (json_object_get_string_member (device, "device_id")),
                        g_strdup (json_object_get_string_member (device, "name")), FALSE };

      for (guint c = 0; caps != NULL && c < json_array_get_length (caps); c++)
        target.switchable |= g_strcmp0 (json_array_get_string_element (caps, c), "on_off_control") == 0;
      g_array_append_val (self->targets, target);
      gtk_string_list_append (names, target.label);
    }

  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (names));
}

/**
 * aether_alert_window_new:
 * @parent: (nullable): the window it belongs to
 * @service: the running service
 * @device_id: (nullable): a device to watch, chosen already
 *
 * Returns: (transfer full): a new window
 */
AetherAlertWindow *
aether_alert_window_new (GtkWindow     *parent,
                         AetherService *service,
                         const char    *device_id)
{
  AetherAlertWindow *self;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  self = g_object_new (AETHER_TYPE_ALERT_WINDOW, "transient-for", parent, NULL);
  self->service = g_object_ref (service);
  fill_targets (self);
  for (guint i = 0; device_id != NULL && i < self->targets->len; i++)
    if (g_strcmp0 (g_array_index (self->targets, Target, i).key, device_id) == 0)
      adw_combo_row_set_selected (self->target_row, i);
  g_signal_connect_swapped (self->target_row, "notify::selected", G_CALLBACK (update_sensitivity), self);
  update_sensitivity (self);
  return self;
}

static void
aether_alert_window_finalize (GObject *object)
{
  AetherAlertWindow *self = (AetherAlertWindow *)object;

  g_clear_object (&self->service);
  g_clear_pointer (&self->targets, g_array_unref);

  G_OBJECT_CLASS (aether_alert_window_parent_class)->finalize (object);
}

static void
aether_alert_window_class_init (AetherAlertWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = aether_alert_window_finalize;

  /**
   * AetherAlertWindow::created:
   * @self: the window
   * @name: the new alert's name
   */
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/alerts/aether-alert-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, create_button);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, target_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, watts_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, minutes_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, name_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, turn_off_row);
  gtk_widget_class_bind_template_child (widget_class, AetherAlertWindow, turn_off_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_create_clicked);
  gtk_widget_class_bind_template_callback (widget_class, update_sensitivity);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
aether_alert_window_init (AetherAlertWindow *self)
{
  self->targets = g_array_new (FALSE, TRUE, sizeof (Target));
  g_array_set_clear_func (self->targets, target_clear);

  gtk_widget_init_template (GTK_WIDGET (self));
}
