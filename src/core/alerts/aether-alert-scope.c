/* aether-alert-scope.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a home- or room-scoped alert rule measures: which devices count for
 * the home and for a room (by the home rule in model/aether-home.c), the
 * power summed over a rule's scope, and the home's demand in the current
 * 15-minute block with its projection to the block's end. The state
 * machine that uses them is in aether-alert-engine.c. */

#define G_LOG_DOMAIN "aether-alert-engine"

#include "config.h"

#include "aether-alert-engine-private.h"

/* Whether @device_id is one of the devices summed for the home: the home
 * rule's members when the registry is known, else every device. */
gboolean
_aether_alert_engine_counts_for_home (AetherAlertEngine *self,
                                      const char        *device_id)
{
  return self->home == NULL || aether_home_counts (self->home, device_id);
}

/* Whether @device_id makes up @room's load, by the home rule (a meter in a
 * room does not, beside plugs), rooms compared case-insensitively. */
gboolean
_aether_alert_engine_counts_for_room (AetherAlertEngine *self,
                                      const char        *device_id,
                                      DeviceInfo        *info,
                                      const char        *room)
{
  if (self->home != NULL && aether_home_lookup (self->home, device_id) != NULL)
    {
      g_autoptr(GPtrArray) members = aether_home_get_room_members (self->home, room);

      return g_ptr_array_find_with_equal_func (members, device_id, g_str_equal, NULL);
    }
  return aether_room_equal (info->room, room);
}

double
_aether_alert_engine_scope_value (AetherAlertEngine *self,
                                  AetherAlertRule   *rule,
                                  const char        *metric,
                                  gboolean          *known)
{
  const char *target = aether_alert_rule_get_target (rule);
  AetherAlertScope scope = aether_alert_rule_get_scope (rule);
  GHashTableIter iter;
  gpointer key, value;
  double sum = 0;

  *known = FALSE;

  if (g_strcmp0 (metric, "power") != 0)
    return 0;

  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      DeviceInfo *info = value;

      if (!info->have_power)
        continue;
      if (scope == AETHER_ALERT_SCOPE_HOME && !_aether_alert_engine_counts_for_home (self, key))
        continue;
      if (scope == AETHER_ALERT_SCOPE_ROOM && !_aether_alert_engine_counts_for_room (self, key, info, target))
        continue;
      sum += info->power_w;
      *known = TRUE;
    }

  return sum;
}

/* @home_w: the home's power (every member summed) as of @timestamp_us */
void
_aether_alert_engine_update_demand (AetherAlertEngine *self,
                                    gint64             timestamp_us,
                                    double             home_w)
{
  gint64 block = timestamp_us / G_USEC_PER_SEC / DEMAND_WINDOW_S;

  if (block != self->demand_block)
    {
      self->demand_block = block;
      self->demand_wh = 0;
      self->demand_last_us = 0;
    }

  if (self->demand_last_us != 0 && timestamp_us > self->demand_last_us)
    self->demand_wh += (self->demand_last_w + home_w) / 2.0 *
                       (double)(timestamp_us - self->demand_last_us) / G_USEC_PER_SEC / 3600.0;

  self->demand_last_us = timestamp_us;
  self->demand_last_w = home_w;
}

double
_aether_alert_engine_projected_demand_kw (AetherAlertEngine *self)
{
  gint64 block_end_us = (self->demand_block + 1) * DEMAND_WINDOW_S * G_USEC_PER_SEC;
  double remaining_h = (double)MAX (0, block_end_us - self->demand_last_us) / G_USEC_PER_SEC / 3600.0;

  /* The block's average if the present power holds until it ends. */
  return (self->demand_wh + self->demand_last_w * remaining_h) / (DEMAND_WINDOW_S / 3600.0) / 1000.0;
}
