/* aether-sim-home.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "aether-core.h"

G_BEGIN_DECLS

/**
 * AetherSimKind:
 *
 * The appliances of the demo home. %AETHER_SIM_MAINS is the whole-home
 * meter: every other appliance plus a load no plug sees.
 */
typedef enum
{
  AETHER_SIM_FRIDGE,
  AETHER_SIM_HEAT_PUMP,
  AETHER_SIM_WATER_HEATER,
  AETHER_SIM_EV_CHARGER,
  AETHER_SIM_WASHER,
  AETHER_SIM_DRYER,
  AETHER_SIM_DISHWASHER,
  AETHER_SIM_TV,
  AETHER_SIM_LIGHTS,
  AETHER_SIM_OFFICE_PC,
  AETHER_SIM_MONITOR,
  AETHER_SIM_ROUTER,
  AETHER_SIM_MAINS,
  AETHER_SIM_N_KINDS,
} AetherSimKind;

/**
 * AetherSimKindInfo:
 * @key: the `sim_device` value in a device's `plugin_config`
 * @name: the device's name in the demo home
 * @room: its room
 * @type: the seed's device `type`
 * @has_counter: whether it reports an energy counter (else only power)
 * @switchable: whether it can be switched on and off
 */
typedef struct
{
  const char *key;
  const char *name;
  const char *room;
  const char *type;
  gboolean    has_counter;
  gboolean    switchable;
} AetherSimKindInfo;

typedef struct _AetherSimHome AetherSimHome;

const AetherSimKindInfo *aether_sim_kind_get_info     (AetherSimKind   kind);
gboolean                 aether_sim_kind_from_key     (const char     *key,
                                                       AetherSimKind  *kind);

AetherSimHome *aether_sim_home_get                (guint64         seed,
                                                   guint           instance);
AetherSimHome *aether_sim_home_new                (guint64         seed,
                                                   guint           instance,
                                                   GTimeZone      *tz);
void           aether_sim_home_free               (AetherSimHome  *self);
double         aether_sim_home_power_at           (AetherSimHome  *self,
                                                   AetherSimKind   kind,
                                                   gint64          unix_s);
double         aether_sim_home_untracked_power_at (AetherSimHome  *self,
                                                   gint64          unix_s);
void           aether_sim_home_advance            (AetherSimHome  *self,
                                                   gint64          unix_s);
double         aether_sim_home_get_energy_wh      (AetherSimHome  *self,
                                                   AetherSimKind   kind);
double         aether_sim_home_get_untracked_wh   (AetherSimHome  *self);
void           aether_sim_home_set_on             (AetherSimHome  *self,
                                                   AetherSimKind   kind,
                                                   gboolean        on,
                                                   gint64          unix_s);
gboolean       aether_sim_home_get_on             (AetherSimHome  *self,
                                                   AetherSimKind   kind);
void           aether_sim_home_reset_all          (void);
GPtrArray     *aether_sim_demo_devices            (guint64         seed);
JsonNode      *aether_sim_demo_rate_schedule      (void);
GPtrArray     *aether_sim_add_demo_home           (AetherStore    *store,
                                                   guint64         seed,
                                                   gboolean       *added_tariff,
                                                   GError        **error);
AetherBackfill *aether_sim_demo_backfill_new      (guint64         seed,
                                                   GTimeZone      *tz);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherSimHome, aether_sim_home_free)

G_END_DECLS
