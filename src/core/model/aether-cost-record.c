/* aether-cost-record.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The seed's Cost Record model as a typed object: what one device's energy
 * cost over one period, under which rate. The tariff engine writes them
 * (aether-tariff.c); faces read them here. The JSON is kept whole (keys
 * this version does not know round-trip); the times are parsed once, on
 * reading.
 *
 * Seed fields: `calculation_id`, `timestamp`, `device_id`, `period.{start,
 * end,duration_minutes}`, `consumption.{energy_kwh,average_power_w,
 * peak_power_w}`, `cost_breakdown.{energy_cost,demand_charge,taxes,total}`,
 * `rate_applied.{rate_id,period,rate_per_kwh}`,
 * `carbon_emissions.{co2_kg,intensity_g_per_kwh}`. Only the id, the device
 * and the period are required; a missing figure reads as 0. */

#define G_LOG_DOMAIN "aether-cost-record"

#include "config.h"

#include "aether-cost-record.h"
#include "aether-error.h"
#include "aether-json.h"
#include "aether-reading.h"

struct _AetherCostRecord
{
  GObject     parent_instance;

  JsonObject *json;
  gint64      timestamp_us;
  gint64      start_us;
  gint64      end_us;
};

G_DEFINE_FINAL_TYPE (AetherCostRecord, aether_cost_record, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CALCULATION_ID,
  PROP_DEVICE_ID,
  PROP_ENERGY_KWH,
  PROP_TOTAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The seed's numbers, each `object.member`. */
static const char * const numbers[][2] = {
  { "period", "duration_minutes" },
  { "consumption", "energy_kwh" }, { "consumption", "average_power_w" }, { "consumption", "peak_power_w" },
  { "cost_breakdown", "energy_cost" }, { "cost_breakdown", "demand_charge" },
  { "cost_breakdown", "taxes" }, { "cost_breakdown", "total" },
  { "rate_applied", "rate_per_kwh" },
  { "carbon_emissions", "co2_kg" }, { "carbon_emissions", "intensity_g_per_kwh" },
};

static void
aether_cost_record_finalize (GObject *object)
{
  AetherCostRecord *self = AETHER_COST_RECORD (object);

  g_clear_pointer (&self->json, json_object_unref);

  G_OBJECT_CLASS (aether_cost_record_parent_class)->finalize (object);
}

static void
aether_cost_record_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  AetherCostRecord *self = AETHER_COST_RECORD (object);

  switch (prop_id)
    {
    case PROP_CALCULATION_ID:
      g_value_set_string (value, aether_cost_record_get_id (self));
      break;
    case PROP_DEVICE_ID:
      g_value_set_string (value, aether_cost_record_get_device_id (self));
      break;
    case PROP_ENERGY_KWH:
      g_value_set_double (value, aether_cost_record_get_energy_kwh (self));
      break;
    case PROP_TOTAL:
      g_value_set_double (value, aether_cost_record_get_total (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aether_cost_record_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  AetherCostRecord *self = AETHER_COST_RECORD (object);

  switch (prop_id)
    {
    case PROP_TOTAL:
      aether_cost_record_set_total (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aether_cost_record_class_init (AetherCostRecordClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = aether_cost_record_finalize;
  object_class->get_property = aether_cost_record_get_property;
  object_class->set_property = aether_cost_record_set_property;

  properties[PROP_CALCULATION_ID] =
    g_param_spec_string ("calculation-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_DEVICE_ID] =
    g_param_spec_string ("device-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_ENERGY_KWH] =
    g_param_spec_double ("energy-kwh", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_TOTAL] =
    g_param_spec_double ("total", NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
aether_cost_record_init (AetherCostRecord *self)
{
}

static gboolean
read_time (JsonObject  *object,
           const char  *path,
           const char  *member,
           gboolean     required,
           gint64      *us,
           GError     **error)
{
  JsonNode *node = json_object_get_member (object, member);
  const char *text = aether_json_get_string (object, member);
  g_autoptr(GError) local_error = NULL;

  *us = 0;
  if (node == NULL && !required)
    return TRUE;
  if (text == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   node == NULL ? "Cost record field “%s%s” is missing"
                                : "Cost record field “%s%s” must be an ISO 8601 time", path, member);
      return FALSE;
    }
  if (!aether_parse_timestamp (text, us, &local_error))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "Cost record field “%s%s” is not a time: %s", path, member, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_string (JsonObject  *object,
              const char  *member,
              GError     **error)
{
  const char *text = aether_json_get_string (object, member);

  if (text == NULL || *text == '\0')
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   json_object_has_member (object, member)
                   ? "Cost record field “%s” must be a non-empty string"
                   : "Cost record field “%s” is missing", member);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_record (AetherCostRecord *self,
             JsonObject       *object,
             GError          **error)
{
  JsonObject *period;
  JsonObject *rate;

  if (!check_string (object, "calculation_id", error) ||
      !check_string (object, "device_id", error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      JsonNode *parent = json_object_get_member (object, numbers[i][0]);
      JsonNode *node;
      double value;

      if (parent == NULL)
        continue;
      if (!JSON_NODE_HOLDS_OBJECT (parent))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "Cost record field “%s” must be an object", numbers[i][0]);
          return FALSE;
        }
      node = json_object_get_member (json_node_get_object (parent), numbers[i][1]);
      if (node != NULL && !aether_json_node_get_number (node, &value))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "Cost record field “%s.%s” must be a number", numbers[i][0], numbers[i][1]);
          return FALSE;
        }
    }

  if ((period = aether_json_get_object (object, "period")) == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "Cost record field “period” is missing");
      return FALSE;
    }
  if (!read_time (period, "period.", "start", TRUE, &self->start_us, error) ||
      !read_time (period, "period.", "end", TRUE, &self->end_us, error) ||
      !read_time (object, "", "timestamp", FALSE, &self->timestamp_us, error))
    return FALSE;
  if (self->end_us < self->start_us)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "Cost record field “period.end” is before “period.start”");
      return FALSE;
    }

  if ((rate = aether_json_get_object (object, "rate_applied")) != NULL &&
      ((json_object_has_member (rate, "rate_id") && aether_json_get_string (rate, "rate_id") == NULL) ||
       (json_object_has_member (rate, "period") && aether_json_get_string (rate, "period") == NULL)))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "Cost record fields “rate_applied.rate_id” and “rate_applied.period” must be strings");
      return FALSE;
    }
  return TRUE;
}

/**
 * aether_cost_record_new_from_json:
 * @node: the seed's Cost Record JSON
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with @error
 *   set naming the wrong member
 */
AetherCostRecord *
aether_cost_record_new_from_json (JsonNode  *node,
                                  GError   **error)
{
  g_autoptr(AetherCostRecord) self = NULL;

  g_return_val_if_fail (node != NULL, NULL);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           "A cost record must be a JSON object");
      return NULL;
    }
  self = g_object_new (AETHER_TYPE_COST_RECORD, NULL);
  if (!read_record (self, json_node_get_object (node), error))
    return NULL;
  self->json = aether_json_object_copy (json_node_get_object (node));
  return g_steal_pointer (&self);
}

/**
 * aether_cost_record_copy:
 * @self: a record
 *
 * Returns: (transfer full): a deep copy
 */
AetherCostRecord *
aether_cost_record_copy (AetherCostRecord *self)
{
  AetherCostRecord *copy;

  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), NULL);

  copy = g_object_new (AETHER_TYPE_COST_RECORD, NULL);
  copy->json = aether_json_object_copy (self->json);
  copy->timestamp_us = self->timestamp_us;
  copy->start_us = self->start_us;
  copy->end_us = self->end_us;
  return copy;
}

/**
 * aether_cost_record_to_json:
 * @self: a record
 *
 * Returns: (transfer full): the seed's JSON, a copy of its own
 */
JsonNode *
aether_cost_record_to_json (AetherCostRecord *self)
{
  JsonNode *node;

  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), NULL);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, aether_json_object_copy (self->json));
  return node;
}

/**
 * aether_cost_record_list_from_json:
 * @nodes: (element-type JsonNode): stored records
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherCostRecord) (nullable): the
 *   records, or %NULL with @error set when one is malformed
 */
GPtrArray *
aether_cost_record_list_from_json (GPtrArray  *nodes,
                                   GError    **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (nodes != NULL, NULL);

  for (guint i = 0; i < nodes->len; i++)
    {
      AetherCostRecord *record = aether_cost_record_new_from_json (g_ptr_array_index (nodes, i), error);

      if (record == NULL)
        return NULL;
      g_ptr_array_add (records, record);
    }
  return g_steal_pointer (&records);
}

static double
number (AetherCostRecord *self,
        const char       *parent,
        const char       *member)
{
  JsonObject *object = aether_json_get_object (self->json, parent);
  double value = 0;

  if (object == NULL || !aether_json_node_get_number (json_object_get_member (object, member), &value))
    return 0;
  return value;
}

static const char *
string (AetherCostRecord *self,
        const char       *parent,
        const char       *member)
{
  return aether_json_get_string (aether_json_get_object (self->json, parent), member);
}

#define NUMBER_GETTER(name, parent, member) \
  double \
  aether_cost_record_get_##name (AetherCostRecord *self) \
  { \
    g_return_val_if_fail (AETHER_IS_COST_RECORD (self), 0); \
    return number (self, parent, member); \
  }

/**
 * aether_cost_record_get_energy_kwh:
 * @self: a record
 *
 * The getters of the seed's figures: `consumption.energy_kwh`,
 * `.average_power_w`, `.peak_power_w`, `cost_breakdown.energy_cost`,
 * `.demand_charge`, `.taxes`, `.total`, `rate_applied.rate_per_kwh`,
 * `carbon_emissions.co2_kg`, `.intensity_g_per_kwh`; 0 when missing.
 *
 * Returns: the energy imported over the period, in kWh
 */
NUMBER_GETTER (energy_kwh, "consumption", "energy_kwh")
NUMBER_GETTER (average_power_w, "consumption", "average_power_w")
NUMBER_GETTER (peak_power_w, "consumption", "peak_power_w")
NUMBER_GETTER (energy_cost, "cost_breakdown", "energy_cost")
NUMBER_GETTER (demand_charge, "cost_breakdown", "demand_charge")
NUMBER_GETTER (taxes, "cost_breakdown", "taxes")
NUMBER_GETTER (total, "cost_breakdown", "total")
NUMBER_GETTER (rate_per_kwh, "rate_applied", "rate_per_kwh")
NUMBER_GETTER (co2_kg, "carbon_emissions", "co2_kg")
NUMBER_GETTER (intensity_g_per_kwh, "carbon_emissions", "intensity_g_per_kwh")

/**
 * aether_cost_record_set_total:
 * @self: a record
 * @total: the period's total cost (a re-priced record)
 */
void
aether_cost_record_set_total (AetherCostRecord *self,
                              double            total)
{
  g_return_if_fail (AETHER_IS_COST_RECORD (self));

  if (number (self, "cost_breakdown", "total") == total &&
      json_object_has_member (aether_json_ensure_object (self->json, "cost_breakdown"), "total"))
    return;
  json_object_set_double_member (aether_json_ensure_object (self->json, "cost_breakdown"), "total", total);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
}

/**
 * aether_cost_record_get_id:
 * @self: a record
 *
 * Returns: its `calculation_id`
 */
const char *
aether_cost_record_get_id (AetherCostRecord *self)
{
  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), NULL);
  return aether_json_get_string (self->json, "calculation_id");
}

/**
 * aether_cost_record_get_device_id:
 * @self: a record
 *
 * Returns: the device it prices
 */
const char *
aether_cost_record_get_device_id (AetherCostRecord *self)
{
  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), NULL);
  return aether_json_get_string (self->json, "device_id");
}

/**
 * aether_cost_record_get_timestamp:
 * @self: a record
 *
 * Returns: when it was calculated, in µs since the epoch (0 when unknown)
 */
gint64
aether_cost_record_get_timestamp (AetherCostRecord *self)
{
  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), 0);
  return self->timestamp_us;
}

/**
 * aether_cost_record_get_start:
 * @self: a record
 *
 * Returns: the period's start, in µs since the epoch
 */
gint64
aether_cost_record_get_start (AetherCostRecord *self)
{
  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), 0);
  return self->start_us;
}

/**
 * aether_cost_record_get_end:
 * @self: a record
 *
 * Returns: the period's end, in µs since the epoch
 */
gint64
aether_cost_record_get_end (AetherCostRecord *self)
{
  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), 0);
  return self->end_us;
}

/**
 * aether_cost_record_get_duration_minutes:
 * @self: a record
 *
 * Returns: `period.duration_minutes`, or the period's length when missing
 */
gint64
aether_cost_record_get_duration_minutes (AetherCostRecord *self)
{
  JsonObject *period;

  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), 0);

  period = aether_json_get_object (self->json, "period");
  if (period != NULL && json_object_has_member (period, "duration_minutes"))
    return (gint64)number (self, "period", "duration_minutes");
  return (self->end_us - self->start_us) / (60 * G_USEC_PER_SEC);
}

/**
 * aether_cost_record_get_rate_id:
 * @self: a record
 *
 * Returns: (nullable): the rate schedule it was priced with
 */
const char *
aether_cost_record_get_rate_id (AetherCostRecord *self)
{
  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), NULL);
  return string (self, "rate_applied", "rate_id");
}

/**
 * aether_cost_record_get_rate_period:
 * @self: a record
 *
 * Returns: (nullable): the schedule's period (`peak`, `off_peak`, …)
 */
const char *
aether_cost_record_get_rate_period (AetherCostRecord *self)
{
  g_return_val_if_fail (AETHER_IS_COST_RECORD (self), NULL);
  return string (self, "rate_applied", "period");
}
