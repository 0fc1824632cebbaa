/* aether-device.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seed's Device model as a typed object. The JSON is kept whole (keys
 * this version does not know, a plugin's own settings, `status`
 * round-trip) and is read and written through typed accessors, so no face
 * walks it. The fields the pages show are GObject properties that notify
 * when they change.
 *
 * Seed fields: `device_id`, `name`, `type`, `manufacturer`, `model`,
 * `location.{room,floor}`, `capabilities`, `configuration.{ip_address,
 * mac_address, firmware_version, plugin, plugin_config}`, `metadata.tags`.
 * Extensions inside `plugin_config`: `channel` (which channel of a
 * multi-channel device this record is, from 0), `polling_interval`
 * (seconds) and `keyring` (the keys whose secrets are in the keyring under
 * the device's id rather than in the record). The home rule's facts
 * (energy meter, imported) are the ones aether-home.c reads. */

#define G_LOG_DOMAIN "aether-device"

#include "config.h"

#include <string.h>

#include "aether-device.h"
#include "aether-error.h"
#include "aether-home.h"
#include "aether-json.h"

struct _AetherDevice
{
  GObject     parent_instance;

  JsonObject *json;
  GStrv       capabilities;
  GStrv       tags;
  GStrv       keyring;
};

G_DEFINE_FINAL_TYPE (AetherDevice, aether_device, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DEVICE_ID,
  PROP_NAME,
  PROP_DEVICE_TYPE,
  PROP_IS_ENERGY_METER,
  PROP_ROOM,
  PROP_ADDRESS,
  PROP_PLUGIN,
  PROP_CHANNEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
aether_device_finalize (GObject *object)
{
  AetherDevice *self = AETHER_DEVICE (object);

  g_clear_pointer (&self->json, json_object_unref);
  g_clear_pointer (&self->capabilities, g_strfreev);
  g_clear_pointer (&self->tags, g_strfreev);
  g_clear_pointer (&self->keyring, g_strfreev);

  G_OBJECT_CLASS (aether_device_parent_class)->finalize (object);
}

static void
aether_device_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  AetherDevice *self = AETHER_DEVICE (object);

  switch (prop_id)
    {
    case PROP_DEVICE_ID:
      g_value_set_string (value, aether_device_get_id (self));
      break;
    case PROP_NAME:
      g_value_set_string (value, aether_device_get_name (self));
      break;
    case PROP_DEVICE_TYPE:
      g_value_set_string (value, aether_device_get_device_type (self));
      break;
    case PROP_IS_ENERGY_METER:
      g_value_set_boolean (value, aether_device_get_is_energy_meter (self));
      break;
    case PROP_ROOM:
      g_value_set_string (value, aether_device_get_location_room (self));
      break;
    case PROP_ADDRESS:
      g_value_set_string (value, aether_device_get_address (self));
      break;
    case PROP_PLUGIN:
      g_value_set_string (value, aether_device_get_plugin (self));
      break;
    case PROP_CHANNEL:
      g_value_set_int (value, aether_device_get_channel (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aether_device_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  AetherDevice *self = AETHER_DEVICE (object);

  switch (prop_id)
    {
    case PROP_NAME:
      aether_device_set_name (self, g_value_get_string (value));
      break;
    case PROP_DEVICE_TYPE:
      aether_device_set_device_type (self, g_value_get_string (value));
      break;
    case PROP_ROOM:
      aether_device_set_location_room (self, g_value_get_string (value));
      break;
    case PROP_ADDRESS:
      aether_device_set_address (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aether_device_class_init (AetherDeviceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aether_device_finalize;
  object_class->get_property = aether_device_get_property;
  object_class->set_property = aether_device_set_property;

  properties[PROP_DEVICE_ID] =
    g_param_spec_string ("device-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DEVICE_TYPE] =
    g_param_spec_string ("device-type", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_IS_ENERGY_METER] =
    g_param_spec_boolean ("is-energy-meter", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_ROOM] =
    g_param_spec_string ("room", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_ADDRESS] =
    g_param_spec_string ("address", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PLUGIN] =
    g_param_spec_string ("plugin", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_CHANNEL] =
    g_param_spec_int ("channel", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aether_device_init (AetherDevice *self)
{
}

/* Validation: every check names the member that is wrong. */

static gboolean
check_type (JsonObject   *object,
            const char   *path,
            const char   *member,
            JsonNodeType  type,
            gboolean      required,
            GError      **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || (!required && JSON_NODE_HOLDS_NULL (node)))
    {
      if (!required)
        return TRUE;
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Device field “%s%s” is missing", path, member);
      return FALSE;
    }
  if (JSON_NODE_TYPE (node) != type)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Device field “%s%s” must be %s", path, member,
                   type == JSON_NODE_OBJECT ? "an object" : type == JSON_NODE_ARRAY ? "an array" : "a value");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_string (JsonObject  *object,
              const char  *path,
              const char  *member,
              gboolean     required,
              GError     **error)
{
  JsonNode *node;

  if (!check_type (object, path, member, JSON_NODE_VALUE, required, error))
    return FALSE;
  node = json_object_get_member (object, member);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) != G_TYPE_STRING ||
       (required && *json_node_get_string (node) == '\0')))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   required ? "Device field “%s%s” must be a non-empty string"
                            : "Device field “%s%s” must be a string", path, member);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_integer (JsonObject  *object,
               const char  *path,
               const char  *member,
               gint64       minimum,
               GError     **error)
{
  JsonNode *node;
  double value;

  if (!check_type (object, path, member, JSON_NODE_VALUE, FALSE, error))
    return FALSE;
  if ((node = json_object_get_member (object, member)) == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!aether_json_node_get_number (node, &value) || value != (double)(gint64)value || value < minimum)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Device field “%s%s” must be a whole number of at least %" G_GINT64_FORMAT,
                   path, member, minimum);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_strings (JsonObject  *object,
               const char  *path,
               const char  *member,
               GError     **error)
{
  JsonArray *array;

  if (!check_type (object, path, member, JSON_NODE_ARRAY, FALSE, error))
    return FALSE;
  if ((array = aether_json_get_array (object, member)) == NULL)
    return TRUE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "Device field “%s%s[%u]” must be a string", path, member, i);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
validate (JsonObject  *object,
          GError     **error)
{
  static const char * const optional[] = { "manufacturer", "model" };
  static const char * const config_strings[] = { "ip_address", "mac_address", "firmware_version", "plugin" };
  JsonObject *location, *config, *plugin_config, *metadata;

  if (!check_string (object, "", "device_id", TRUE, error) ||
      !check_string (object, "", "name", TRUE, error) ||
      !check_string (object, "", "type", TRUE, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (optional); i++)
    if (!check_string (object, "", optional[i], FALSE, error))
      return FALSE;
  if (!check_type (object, "", "location", JSON_NODE_OBJECT, FALSE, error) ||
      !check_strings (object, "", "capabilities", error) ||
      !check_type (object, "", "configuration", JSON_NODE_OBJECT, FALSE, error) ||
      !check_type (object, "", "metadata", JSON_NODE_OBJECT, FALSE, error) ||
      !check_type (object, "", "status", JSON_NODE_OBJECT, FALSE, error))
    return FALSE;

  if ((location = aether_json_get_object (object, "location")) != NULL &&
      (!check_string (location, "location.", "room", FALSE, error) ||
       !check_integer (location, "location.", "floor", G_MININT32, error)))
    return FALSE;

  if ((config = aether_json_get_object (object, "configuration")) != NULL)
    {
      for (guint i = 0; i < G_N_ELEMENTS (config_strings); i++)
        if (!check_string (config, "configuration.", config_strings[i], FALSE, error))
          return FALSE;
      if (!check_type (config, "configuration.", "plugin_config", JSON_NODE_OBJECT, FALSE, error))
        return FALSE;
      if ((plugin_config = aether_json_get_object (config, "plugin_config")) != NULL &&
          (!check_integer (plugin_config, "configuration.plugin_config.", "channel", 0, error) ||
           !check_strings (plugin_config, "configuration.plugin_config.", "keyring", error)))
        return FALSE;
    }

  if ((metadata = aether_json_get_object (object, "metadata")) != NULL &&
      !check_strings (metadata, "metadata.", "tags", error))
    return FALSE;

  return TRUE;
}

static GStrv
read_strings (JsonObject *object,
              const char *member)
{
  JsonArray *array = object ? aether_json_get_array (object, member) : NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  return g_strv_builder_end (builder);
}

static JsonObject *
configuration (AetherDevice *self,
               gboolean      create)
{
  return create ? aether_json_ensure_object (self->json, "configuration")
                : aether_json_get_object (self->json, "configuration");
}

static JsonObject *
plugin_config (AetherDevice *self,
               gboolean      create)
{
  JsonObject *config = configuration (self, create);

  if (config == NULL)
    return NULL;
  return create ? aether_json_ensure_object (config, "plugin_config")
                : aether_json_get_object (config, "plugin_config");
}

static void
read_lists (AetherDevice *self)
{
  g_strfreev (self->capabilities);
  self->capabilities = read_strings (self->json, "capabilities");
  g_strfreev (self->tags);
  self->tags = read_strings (aether_json_get_object (self->json, "metadata"), "tags");
  g_strfreev (self->keyring);
  self->keyring = read_strings (plugin_config (self, FALSE), "keyring");
}

/* Sets or (for NULL or "") removes a string member. Returns whether it changed. */
static gboolean
set_string (JsonObject *object,
            const char *member,
            const char *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;
  if (g_strcmp0 (aether_json_get_string (object, member), value) == 0 &&
      (value != NULL || !json_object_has_member (object, member)))
    return FALSE;
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_remove_member (object, member);
  return TRUE;
}

/**
 * aether_device_new_from_json:
 * @node: the seed's Device JSON
 * @error: a location for a #GError
 *
 * Checks the record (`device_id`, `name` and `type` are needed; every
 * other member, when there, must be of the seed's type) and keeps a copy
 * of it.
 *
 * Returns: (transfer full) (nullable): the device, or %NULL with @error
 *   set naming the wrong member
 */
AetherDevice *
aether_device_new_from_json (JsonNode  *node,
                             GError   **error)
{
  AetherDevice *self;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "A device must be a JSON object");
      return NULL;
    }
  if (!validate (json_node_get_object (node), error))
    return NULL;

  self = g_object_new (AETHER_TYPE_DEVICE, NULL);
  self->json = aether_json_object_copy (json_node_get_object (node));
  read_lists (self);
  return self;
}

/**
 * aether_device_copy:
 * @self: a device
 *
 * Returns: (transfer full): a deep copy, to change without changing @self
 */
AetherDevice *
aether_device_copy (AetherDevice *self)
{
  AetherDevice *copy;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);

  copy = g_object_new (AETHER_TYPE_DEVICE, NULL);
  copy->json = aether_json_object_copy (self->json);
  read_lists (copy);
  return copy;
}

/**
 * aether_device_to_json:
 * @self: a device
 *
 * Returns: (transfer full): the seed's JSON, a copy of its own
 */
JsonNode *
aether_device_to_json (AetherDevice *self)
{
  JsonNode *node;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, aether_json_object_copy (self->json));
  return node;
}

/**
 * aether_device_list_from_json:
 * @nodes: (element-type JsonNode): registry records
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherDevice) (nullable): the
 *   devices, or %NULL with @error set when one of them is malformed
 */
GPtrArray *
aether_device_list_from_json (GPtrArray  *nodes,
                              GError    **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (nodes != NULL, NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      AetherDevice *device = aether_device_new_from_json (g_ptr_array_index (nodes, i), error);

      if (device == NULL)
        return NULL;
      g_ptr_array_add (devices, device);
    }
  return g_steal_pointer (&devices);
}

/**
 * aether_device_list_to_json:
 * @devices: (element-type AetherDevice): devices
 *
 * Returns: (transfer full) (element-type JsonNode): their records
 */
GPtrArray *
aether_device_list_to_json (GPtrArray *devices)
{
  GPtrArray *nodes = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  g_return_val_if_fail (devices != NULL, nodes);

  for (guint i = 0; i < devices->len; i++)
    g_ptr_array_add (nodes, aether_device_to_json (g_ptr_array_index (devices, i)));
  return nodes;
}

/**
 * aether_device_list_from_identity:
 * @identity: what probing found
 * @id: the device's id
 * @name: its name
 * @room: (nullable): its room
 * @configuration: the seed's `configuration` it was probed with
 *
 * The records of a probed device, one per channel (see
 * aether_device_identity_to_devices()).
 *
 * Returns: (transfer full) (element-type AetherDevice): the devices
 */
GPtrArray *
aether_device_list_from_identity (const AetherDeviceIdentity *identity,
                                  const char                 *id,
                                  const char                 *name,
                                  const char                 *room,
                                  JsonObject                 *configuration)
{
  g_autoptr(GPtrArray) nodes = aether_device_identity_to_devices (identity, id, name, room, configuration);
  g_autoptr(GError) error = NULL;
  GPtrArray *devices = aether_device_list_from_json (nodes, &error);

  /* The records were made here: a failure is a programming error. */
  if (devices == NULL)
    {
      g_critical ("A probed device's records do not validate: %s", error->message);
      devices = g_ptr_array_new_with_free_func (g_object_unref);
    }
  return devices;
}

/**
 * aether_device_get_id:
 * @self: a device
 *
 * Returns: its `device_id`
 */
const char *
aether_device_get_id (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return aether_json_get_string (self->json, "device_id");
}

/**
 * aether_device_get_name:
 * @self: a device
 *
 * Returns: its name
 */
const char *
aether_device_get_name (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return aether_json_get_string (self->json, "name");
}

/**
 * aether_device_set_name:
 * @self: a device
 * @name: a non-empty name
 */
void
aether_device_set_name (AetherDevice *self,
                        const char   *name)
{
  g_return_if_fail (AETHER_IS_DEVICE (self));
  g_return_if_fail (name != NULL && *name != '\0');

  if (set_string (self->json, "name", name))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

/**
 * aether_device_get_device_type:
 * @self: a device
 *
 * Returns: its seed `type` (`smart_plug`, `energy_meter`, …)
 */
const char *
aether_device_get_device_type (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return aether_json_get_string (self->json, "type");
}

/**
 * aether_device_set_device_type:
 * @self: a device
 * @type: a non-empty seed `type`
 */
void
aether_device_set_device_type (AetherDevice *self,
                               const char   *type)
{
  gboolean was_meter;

  g_return_if_fail (AETHER_IS_DEVICE (self));
  g_return_if_fail (type != NULL && *type != '\0');

  was_meter = aether_device_get_is_energy_meter (self);
  if (!set_string (self->json, "type", type))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE_TYPE]);
  if (was_meter != aether_device_get_is_energy_meter (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_ENERGY_METER]);
}

/**
 * aether_device_get_is_energy_meter:
 * @self: a device
 *
 * Returns: whether it is an energy meter, which stands for the home (the
 *   home rule, aether_home_new())
 */
gboolean
aether_device_get_is_energy_meter (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), FALSE);
  return aether_device_is_energy_meter (self->json);
}

/**
 * aether_device_get_is_imported:
 * @self: a device
 *
 * Returns: whether it is a utility's meter imported from a file, never
 *   polled nor summed into the home
 */
gboolean
aether_device_get_is_imported (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), FALSE);
  return aether_device_is_imported (self->json);
}

/**
 * aether_device_get_location_room:
 * @self: a device
 *
 * Returns: (nullable): its `location.room` as stored (compare rooms with
 *   aether_room_equal())
 */
const char *
aether_device_get_location_room (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return aether_device_get_room (self->json);
}

/**
 * aether_device_set_location_room:
 * @self: a device
 * @room: (nullable): its room; %NULL or empty for none
 */
void
aether_device_set_location_room (AetherDevice *self,
                                 const char   *room)
{
  g_return_if_fail (AETHER_IS_DEVICE (self));

  if (set_string (aether_json_ensure_object (self->json, "location"), "room", room))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROOM]);
}

/**
 * aether_device_get_floor:
 * @self: a device
 * @floor: (out) (optional): its `location.floor`
 *
 * Returns: whether it has a floor
 */
gboolean
aether_device_get_floor (AetherDevice *self,
                         gint64       *floor)
{
  JsonObject *location;
  JsonNode *node;
  double value;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), FALSE);

  if ((location = aether_json_get_object (self->json, "location")) == NULL ||
      (node = json_object_get_member (location, "floor")) == NULL ||
      !aether_json_node_get_number (node, &value))
    return FALSE;
  if (floor != NULL)
    *floor = (gint64)value;
  return TRUE;
}

/**
 * aether_device_set_floor:
 * @self: a device
 * @has_floor: whether it has one
 * @floor: its floor
 */
void
aether_device_set_floor (AetherDevice *self,
                         gboolean      has_floor,
                         gint64        floor)
{
  JsonObject *location;

  g_return_if_fail (AETHER_IS_DEVICE (self));

  location = aether_json_ensure_object (self->json, "location");
  if (has_floor)
    json_object_set_int_member (location, "floor", floor);
  else if (json_object_has_member (location, "floor"))
    json_object_remove_member (location, "floor");
}

/**
 * aether_device_get_manufacturer:
 * @self: a device
 *
 * Returns: (nullable): its maker
 */
const char *
aether_device_get_manufacturer (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return aether_json_get_string (self->json, "manufacturer");
}

/**
 * aether_device_get_model:
 * @self: a device
 *
 * Returns: (nullable): its model
 */
const char *
aether_device_get_model (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return aether_json_get_string (self->json, "model");
}

/**
 * aether_device_get_capabilities:
 * @self: a device
 *
 * Returns: (array zero-terminated=1) (transfer none): the seed's
 *   capability names (`power_monitoring`, `on_off_control`, …)
 */
const char * const *
aether_device_get_capabilities (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return (const char * const *)self->capabilities;
}

/**
 * aether_device_has_capability:
 * @self: a device
 * @capability: a seed capability name
 *
 * Returns: whether the device has it
 */
gboolean
aether_device_has_capability (AetherDevice *self,
                              const char   *capability)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (capability != NULL, FALSE);
  return g_strv_contains ((const char * const *)self->capabilities, capability);
}

/**
 * aether_device_get_tags:
 * @self: a device
 *
 * Returns: (array zero-terminated=1) (transfer none): its `metadata.tags`
 */
const char * const *
aether_device_get_tags (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return (const char * const *)self->tags;
}

/**
 * aether_device_set_tags:
 * @self: a device
 * @tags: (nullable) (array zero-terminated=1): its tags; %NULL or empty for none
 */
void
aether_device_set_tags (AetherDevice       *self,
                        const char * const *tags)
{
  JsonObject *metadata;

  g_return_if_fail (AETHER_IS_DEVICE (self));

  if (tags != NULL && tags[0] != NULL)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; tags[i] != NULL; i++)
        json_array_add_string_element (array, tags[i]);
      json_object_set_array_member (aether_json_ensure_object (self->json, "metadata"), "tags", array);
    }
  else if ((metadata = aether_json_get_object (self->json, "metadata")) != NULL &&
           json_object_has_member (metadata, "tags"))
    json_object_remove_member (metadata, "tags");
  read_lists (self);
}

/**
 * aether_device_get_plugin:
 * @self: a device
 *
 * Returns: (nullable): the plugin that collects it
 */
const char *
aether_device_get_plugin (AetherDevice *self)
{
  JsonObject *config;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  config = configuration (self, FALSE);
  return config ? aether_json_get_string (config, "plugin") : NULL;
}

/**
 * aether_device_get_address:
 * @self: a device
 *
 * Returns: (nullable): its `configuration.ip_address` (a host name or
 *   address)
 */
const char *
aether_device_get_address (AetherDevice *self)
{
  JsonObject *config;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  config = configuration (self, FALSE);
  return config ? aether_json_get_string (config, "ip_address") : NULL;
}

/**
 * aether_device_set_address:
 * @self: a device
 * @address: (nullable): its new address; %NULL or empty for none
 */
void
aether_device_set_address (AetherDevice *self,
                           const char   *address)
{
  g_return_if_fail (AETHER_IS_DEVICE (self));

  if (set_string (configuration (self, TRUE), "ip_address", address))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ADDRESS]);
}

/**
 * aether_device_get_firmware_version:
 * @self: a device
 *
 * Returns: (nullable): the firmware it reported
 */
const char *
aether_device_get_firmware_version (AetherDevice *self)
{
  JsonObject *config;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  config = configuration (self, FALSE);
  return config ? aether_json_get_string (config, "firmware_version") : NULL;
}

/**
 * aether_device_get_mac_address:
 * @self: a device
 *
 * Returns: (nullable): its hardware address
 */
const char *
aether_device_get_mac_address (AetherDevice *self)
{
  JsonObject *config;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  config = configuration (self, FALSE);
  return config ? aether_json_get_string (config, "mac_address") : NULL;
}

/**
 * aether_device_get_channel:
 * @self: a device
 *
 * Returns: which channel of a multi-channel device it is (from 0), or -1
 *   for a device of one channel
 */
int
aether_device_get_channel (AetherDevice *self)
{
  JsonObject *pc;
  JsonNode *node;
  double value;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), -1);

  if ((pc = plugin_config (self, FALSE)) == NULL ||
      (node = json_object_get_member (pc, "channel")) == NULL ||
      !aether_json_node_get_number (node, &value) || value < 0 || value > G_MAXINT)
    return -1;
  return (int)value;
}

/**
 * aether_device_get_polling_interval:
 * @self: a device
 * @seconds: (out) (optional): its `plugin_config.polling_interval`
 *
 * Returns: whether it has its own polling interval
 */
gboolean
aether_device_get_polling_interval (AetherDevice *self,
                                    gint64       *seconds)
{
  JsonObject *pc;
  JsonNode *node;
  double value;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), FALSE);

  if ((pc = plugin_config (self, FALSE)) == NULL ||
      (node = json_object_get_member (pc, "polling_interval")) == NULL ||
      !aether_json_node_get_number (node, &value))
    return FALSE;
  if (seconds != NULL)
    *seconds = (gint64)value;
  return TRUE;
}

/**
 * aether_device_set_polling_interval:
 * @self: a device
 * @has_interval: whether it has its own
 * @seconds: the interval
 */
void
aether_device_set_polling_interval (AetherDevice *self,
                                    gboolean      has_interval,
                                    gint64        seconds)
{
  JsonObject *pc;

  g_return_if_fail (AETHER_IS_DEVICE (self));

  pc = plugin_config (self, has_interval);
  if (has_interval)
    json_object_set_int_member (pc, "polling_interval", seconds);
  else if (pc != NULL && json_object_has_member (pc, "polling_interval"))
    json_object_remove_member (pc, "polling_interval");
}

/**
 * aether_device_get_plugin_setting:
 * @self: a device
 * @key: a `plugin_config` key the plugin defines
 *
 * Returns: (nullable): its value, when it is a string
 */
const char *
aether_device_get_plugin_setting (AetherDevice *self,
                                  const char   *key)
{
  JsonObject *pc;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  pc = plugin_config (self, FALSE);
  return pc ? aether_json_get_string (pc, key) : NULL;
}

/**
 * aether_device_set_plugin_setting:
 * @self: a device
 * @key: a `plugin_config` key the plugin defines
 * @value: (nullable): its value; %NULL to remove it
 */
void
aether_device_set_plugin_setting (AetherDevice *self,
                                  const char   *key,
                                  const char   *value)
{
  JsonObject *pc;

  g_return_if_fail (AETHER_IS_DEVICE (self));
  g_return_if_fail (key != NULL);

  pc = plugin_config (self, value != NULL);
  if (value != NULL)
    json_object_set_string_member (pc, key, value);
  else if (pc != NULL && json_object_has_member (pc, key))
    json_object_remove_member (pc, key);
}

/**
 * aether_device_get_keyring_keys:
 * @self: a device
 *
 * Returns: (array zero-terminated=1) (transfer none): the `plugin_config`
 *   keys whose secrets are in the keyring under the device's id
 */
const char * const *
aether_device_get_keyring_keys (AetherDevice *self)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  return (const char * const *)self->keyring;
}

/**
 * aether_device_add_keyring_key:
 * @self: a device
 * @key: a `plugin_config` key whose secret was put in the keyring
 *
 * Lists @key under `plugin_config.keyring` and drops its value from the
 * record, so the record never holds the secret.
 */
void
aether_device_add_keyring_key (AetherDevice *self,
                               const char   *key)
{
  JsonObject *pc;

  g_return_if_fail (AETHER_IS_DEVICE (self));
  g_return_if_fail (key != NULL);

  pc = plugin_config (self, TRUE);
  if (json_object_has_member (pc, key))
    json_object_remove_member (pc, key);
  if (g_strv_contains ((const char * const *)self->keyring, key))
    return;
  if (aether_json_get_array (pc, "keyring") == NULL)
    json_object_set_array_member (pc, "keyring", json_array_new ());
  json_array_add_string_element (aether_json_get_array (pc, "keyring"), key);
  read_lists (self);
}

/**
 * aether_device_dup_configuration:
 * @self: a device
 *
 * The seed's `configuration`, for the plugin that collects the device.
 *
 * Returns: (transfer full): a copy of it (empty when there is none)
 */
JsonObject *
aether_device_dup_configuration (AetherDevice *self)
{
  JsonObject *config;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), NULL);
  config = configuration (self, FALSE);
  return config ? aether_json_object_copy (config) : json_object_new ();
}

/**
 * aether_device_is_at:
 * @self: a device
 * @plugin: (nullable): a plugin
 * @address: (nullable): an address
 *
 * The channels of one physical device share its plugin and its address.
 *
 * Returns: whether @self is collected by @plugin at @address
 */
gboolean
aether_device_is_at (AetherDevice *self,
                     const char   *plugin,
                     const char   *address)
{
  g_return_val_if_fail (AETHER_IS_DEVICE (self), FALSE);

  return configuration (self, FALSE) != NULL &&
         g_strcmp0 (aether_device_get_plugin (self), plugin) == 0 &&
         g_strcmp0 (aether_device_get_address (self), address) == 0;
}

/**
 * aether_device_get_status:
 * @self: a device
 * @status: (out caller-allocates): its `status` (all false or zero when
 *   it has none); the strings belong to @self
 *
 * Returns: whether the record has a `status`
 */
gboolean
aether_device_get_status (AetherDevice       *self,
                          AetherDeviceRecordStatus *status)
{
  JsonObject *object;
  double value;

  g_return_val_if_fail (AETHER_IS_DEVICE (self), FALSE);
  g_return_val_if_fail (status != NULL, FALSE);

  memset (status, 0, sizeof *status);
  if ((object = aether_json_get_object (self->json, "status")) == NULL)
    return FALSE;
  status->online = aether_json_get_boolean_or (object, "online", FALSE);
  status->last_seen = aether_json_get_string (object, "last_seen");
  if (aether_json_node_get_number (json_object_get_member (object, "error_count"), &value))
    status->error_count = (gint64)value;
  if (aether_json_node_get_number (json_object_get_member (object, "total_runtime_hours"), &value))
    status->total_runtime_hours = value;
  return TRUE;
}
