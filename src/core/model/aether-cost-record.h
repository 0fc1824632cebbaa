/* aether-cost-record.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define AETHER_TYPE_COST_RECORD (aether_cost_record_get_type ())

G_DECLARE_FINAL_TYPE (AetherCostRecord, aether_cost_record, AETHER, COST_RECORD, GObject)

AetherCostRecord *aether_cost_record_new_from_json     (JsonNode          *node,
                                                        GError           **error);
AetherCostRecord *aether_cost_record_copy              (AetherCostRecord  *self);
JsonNode         *aether_cost_record_to_json           (AetherCostRecord  *self);
GPtrArray        *aether_cost_record_list_from_json    (GPtrArray         *nodes,
                                                        GError           **error);

const char       *aether_cost_record_get_id            (AetherCostRecord  *self);
const char       *aether_cost_record_get_device_id     (AetherCostRecord  *self);
gint64            aether_cost_record_get_timestamp     (AetherCostRecord  *self);
gint64            aether_cost_record_get_start         (AetherCostRecord  *self);
gint64            aether_cost_record_get_end           (AetherCostRecord  *self);
gint64            aether_cost_record_get_duration_minutes (AetherCostRecord *self);
double            aether_cost_record_get_energy_kwh    (AetherCostRecord  *self);
double            aether_cost_record_get_average_power_w (AetherCostRecord *self);
double            aether_cost_record_get_peak_power_w  (AetherCostRecord  *self);
double            aether_cost_record_get_energy_cost   (AetherCostRecord  *self);
double            aether_cost_record_get_demand_charge (AetherCostRecord  *self);
double            aether_cost_record_get_taxes         (AetherCostRecord  *self);
double            aether_cost_record_get_total         (AetherCostRecord  *self);
void              aether_cost_record_set_total         (AetherCostRecord  *self,
                                                        double             total);
const char       *aether_cost_record_get_rate_id       (AetherCostRecord  *self);
const char       *aether_cost_record_get_rate_period   (AetherCostRecord  *self);
double            aether_cost_record_get_rate_per_kwh  (AetherCostRecord  *self);
double            aether_cost_record_get_co2_kg        (AetherCostRecord  *self);
double            aether_cost_record_get_intensity_g_per_kwh (AetherCostRecord *self);

G_END_DECLS
