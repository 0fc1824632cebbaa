/* aether-store-alert-state.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "aether-store.h"

G_BEGIN_DECLS

/**
 * AetherAlertState:
 * @alert_id: the rule
 * @snoozed_until_us: the end of its snooze, or 0
 * @last_fired_us: when it last fired (its cooldown runs from there), or 0
 */
typedef struct
{
  char   *alert_id;
  gint64  snoozed_until_us;
  gint64  last_fired_us;
} AetherAlertState;

void       aether_alert_state_free          (AetherAlertState  *state);

gboolean   aether_store_put_alert_state     (AetherStore       *self,
                                             const char        *alert_id,
                                             gint64             snoozed_until_us,
                                             gint64             last_fired_us,
                                             GError           **error);
GPtrArray *aether_store_list_alert_states   (AetherStore       *self,
                                             GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherAlertState, aether_alert_state_free)

G_END_DECLS
