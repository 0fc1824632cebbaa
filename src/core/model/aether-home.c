/* SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The home rule (see aether-home.h): built from a registry listing, then
 * asked which devices stand for the home, which make up a room. */

#define G_LOG_DOMAIN "aether-home"

#include "config.h"

#include "aether-home.h"

struct _AetherHome
{
  gatomicrefcount  ref_count;
  gboolean         metered;
  GPtrArray       *devices;   /* JsonNode, in registry order */
  GHashTable      *by_id;     /* id → JsonObject (borrowed from devices) */
  GPtrArray       *members;   /* ids that make up the home */
};

G_DEFINE_BOXED_TYPE (AetherHome, aether_home, aether_home_ref, aether_home_unref)

/**
 * aether_device_get_room:
 * @device: a registry record in the seed's Device model
 *
 * Returns: (nullable): its `location.room`
 */
const char *
aether_device_get_room (JsonObject *device)
{
  JsonNode *location = json_object_get_member (device, "location");

  if (location == NULL || !JSON_NODE_HOLDS_OBJECT (location))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (location), "room", NULL);
}

/**
 * aether_device_is_energy_meter:
 * @device: a registry record
 *
 * An energy meter (a whole-home meter, an EM on the mains) already sees the
 * appliances behind it: wherever "the home" is summed, the meters stand
 * for it when there are any.
 *
 * Returns: whether its `type` is `energy_meter`
 */
gboolean
aether_device_is_energy_meter (JsonObject *device)
{
  return g_strcmp0 (json_object_get_string_member_with_default (device, "type", NULL), "energy_meter") == 0;
}

/**
 * aether_device_is_imported:
 * @device: a registry record
 *
 * A utility meter imported from the utility's own file (Green Button) is
 * the utility's view of energy the home's meters already see: it is never
 * polled and never summed into the home or a room.
 *
 * Returns: whether its `type` is `utility_meter`
 */
gboolean
aether_device_is_imported (JsonObject *device)
{
  return g_strcmp0 (json_object_get_string_member_with_default (device, "type", NULL), "utility_meter") == 0;
}

/**
 * aether_room_key:
 * @room: (nullable): a room as a person typed it
 *
 * Returns: (transfer full) (nullable): the key rooms are compared by:
 *   case-folded, with surrounding spaces dropped
 */
char *
aether_room_key (const char *room)
{
  g_autofree char *stripped = NULL;

  if (room == NULL)
    return NULL;
  stripped = g_strstrip (g_strdup (room));
  if (*stripped == '\0')
    return NULL;
  return g_utf8_casefold (stripped, -1);
}

/**
 * aether_room_equal:
 * @a: (nullable): a room
 * @b: (nullable): another
 *
 * Returns: whether they name the same room ("Kitchen" and "kitchen" do)
 */
gboolean
aether_room_equal (const char *a,
                   const char *b)
{
  g_autofree char *ka = aether_room_key (a);
  g_autofree char *kb = aether_room_key (b);

  return g_strcmp0 (ka, kb) == 0;
}

/* The home rule itself: its meters when it has any, else every device;
 * never what was imported from the utility. */
static gboolean
counts_for_home (AetherHome *self,
                 JsonObject *device)
{
  return !aether_device_is_imported (device) && (!self->metered || aether_device_is_energy_meter (device));
}

/**
 * aether_home_new:
 * @devices: (element-type JsonNode): registry records, as
 *   aether_store_list_devices() gives them
 *
 * Returns: (transfer full): the home those devices make up
 */
AetherHome *
aether_home_new (GPtrArray *devices)
{
  AetherHome *self = g_new0 (AetherHome, 1);

  g_return_val_if_fail (devices != NULL, NULL);

  g_atomic_ref_count_init (&self->ref_count);
  self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  self->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  self->members = g_ptr_array_new ();

  for (guint i = 0; i < devices->len; i++)
    {
      JsonNode *node = g_ptr_array_index (devices, i);
      JsonObject *device;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      device = json_node_get_object (node);
      if ((id = json_object_get_string_member_with_default (device, "device_id", NULL)) == NULL)
        continue;
      g_ptr_array_add (self->devices, json_node_ref (node));
      g_hash_table_insert (self->by_id, (gpointer)id, device);
      self->metered |= aether_device_is_energy_meter (device);
    }

  for (guint i = 0; i < self->devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (self->devices, i));

      if (counts_for_home (self, device))
        g_ptr_array_add (self->members, (gpointer)json_object_get_string_member (device, "device_id"));
    }

  return self;
}

AetherHome *
aether_home_ref (AetherHome *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
aether_home_unref (AetherHome *self)
{
  g_return_if_fail (self != NULL);
  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_ptr_array_unref (self->members);
  g_hash_table_unref (self->by_id);
  g_ptr_array_unref (self->devices);
  g_free (self);
}

/**
 * aether_home_is_metered:
 *
 * Returns: whether energy meters stand for the home (there is at least one)
 */
gboolean
aether_home_is_metered (AetherHome *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->metered;
}

/**
 * aether_home_counts:
 * @device_id: a device
 *
 * Returns: whether @device_id is one of the devices summed for the home
 */
gboolean
aether_home_counts (AetherHome *self,
                    const char *device_id)
{
  JsonObject *device;

  g_return_val_if_fail (self != NULL, FALSE);

  if (device_id == NULL || (device = g_hash_table_lookup (self->by_id, device_id)) == NULL)
    return FALSE;
  return counts_for_home (self, device);
}

/**
 * aether_home_get_members:
 *
 * Returns: (transfer none) (element-type utf8): the ids summed for the home
 */
GPtrArray *
aether_home_get_members (AetherHome *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->members;
}

/**
 * aether_home_get_room_members:
 * @room: a room, in any case
 *
 * A room is the sum of its devices. An energy meter placed in a room (the
 * mains meter "in the garage") is not part of that room's load unless it is
 * the only kind of device the room has: the room is then what it meters.
 *
 * Returns: (transfer container) (element-type utf8): the ids in @room
 */
GPtrArray *
aether_home_get_room_members (AetherHome *self,
                              const char *room)
{
  g_autoptr(GPtrArray) plugs = g_ptr_array_new ();
  g_autoptr(GPtrArray) meters = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (self->devices, i));

      if (aether_device_is_imported (device) || !aether_room_equal (aether_device_get_room (device), room))
        continue;
      g_ptr_array_add (aether_device_is_energy_meter (device) ? meters : plugs,
                       (gpointer)json_object_get_string_member (device, "device_id"));
    }

  return g_ptr_array_ref (plugs->len > 0 ? plugs : meters);
}

/**
 * aether_home_get_rooms:
 *
 * Returns: (transfer full) (element-type utf8): each room once, spelt as
 *   the first device in it spells it
 */
GPtrArray *
aether_home_get_rooms (AetherHome *self)
{
  g_autoptr(GPtrArray) rooms = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  g_return_val_if_fail (self != NULL, NULL);

  for (guint i = 0; i < self->devices->len; i++)
    {
      const char *room = aether_device_get_room (json_node_get_object (g_ptr_array_index (self->devices, i)));
      char *key = aether_room_key (room);

      if (key == NULL)
        continue;
      if (g_hash_table_contains (seen, key))
        {
          g_free (key);
          continue;
        }
      g_hash_table_add (seen, key);
      g_ptr_array_add (rooms, g_strstrip (g_strdup (room)));
    }

  return g_steal_pointer (&rooms);
}

/**
 * aether_home_lookup:
 * @device_id: a device
 *
 * Returns: (transfer none) (nullable): its registry record
 */
JsonObject *
aether_home_lookup (AetherHome *self,
                    const char *device_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  return device_id ? g_hash_table_lookup (self->by_id, device_id) : NULL;
}

/**
 * aether_home_get_room_of:
 * @device_id: a device
 *
 * Returns: (transfer none) (nullable): the room it is in
 */
const char *
aether_home_get_room_of (AetherHome *self,
                         const char *device_id)
{
  JsonObject *device = aether_home_lookup (self, device_id);

  return device ? aether_device_get_room (device) : NULL;
}
