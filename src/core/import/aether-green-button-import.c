/* aether-green-button-import.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A Green Button file into the store, and the file's bills against ours.
 *
 * Each MeterReading becomes a utility meter device (`utility-…`, type
 * `utility_meter`, never collected and never part of "the home": it is the
 * utility's view of the same energy the home's own meters see). Energy in
 * Wh becomes the device's `energy` counter — a reading at every interval
 * edge — so the energy rule spreads each interval over its minutes as it
 * does any counter; energy received from the home (`flowDirection` 19) is
 * its own device, so export is never netted into import. Other quantities
 * keep their unit under their own metric (gas in therms is `gas`, never
 * electricity). The utility's cost of each interval is the `utility_cost`
 * series, in the file's currency, beside the cost our tariff gives. */

#define G_LOG_DOMAIN "aether-green-button"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "aether-error.h"
#include "aether-green-button-import.h"
#include "aether-reading.h"
#include "collect/aether-device-provider.h"
#include "store/aether-store-private.h"

static void
meter_free (AetherGreenButtonMeter *meter)
{
  g_free (meter->device_id);
  g_free (meter->name);
  g_free (meter->commodity);
  g_free (meter->metric_type);
  g_free (meter->unit);
  g_free (meter->currency);
  g_free (meter);
}

static const char *
metric_for_unit (const char *unit)
{
  if (g_str_equal (unit, "Wh"))
    return "energy";
  if (g_str_equal (unit, "therm") || g_str_equal (unit, "m³"))
    return "gas";
  if (g_str_equal (unit, "VArh"))
    return "reactive_energy";
  if (g_str_equal (unit, "W"))
    return "demand";
  return "utility_reading";
}

static char *
usage_point_slug (AetherGreenButtonUsagePoint *point,
                  const char                  *source_name)
{
  const char *basis = point->title;
  g_autofree char *from_href = NULL;
  g_autofree char *slug = NULL;

  if (basis == NULL && point->href != NULL)
    {
      const char *slash = strrchr (point->href, '/');

      basis = from_href = g_strdup (slash ? slash + 1 : point->href);
    }
  if (basis == NULL || *basis == '\0')
    basis = source_name;
  slug = aether_device_id_from_name (basis);
  return g_strdup (slug && *slug ? slug : "meter");
}

static JsonNode *
summaries_to_json (AetherGreenButtonUsagePoint *point)
{
  JsonArray *array = json_array_new ();
  JsonNode *node;

  for (guint i = 0; i < point->summaries->len; i++)
    {
      AetherGreenButtonSummary *s = g_ptr_array_index (point->summaries, i);
      JsonObject *o = json_object_new ();

      json_object_set_int_member (o, "start", s->start_s);
      json_object_set_int_member (o, "duration_s", s->duration_s);
      if (!isnan (s->bill))
        json_object_set_double_member (o, "bill", s->bill);
      if (!isnan (s->cost_additional))
        json_object_set_double_member (o, "cost_additional", s->cost_additional);
      if (!isnan (s->consumption))
        {
          json_object_set_double_member (o, "consumption", s->consumption);
          json_object_set_string_member (o, "consumption_unit", s->consumption_unit);
        }
      if (s->currency != NULL)
        json_object_set_string_member (o, "currency", s->currency);
      json_array_add_object_element (array, o);
    }
  node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

static JsonNode *
device_record (AetherGreenButtonUsagePoint *point,
               AetherGreenButtonReading    *reading,
               AetherGreenButtonMeter      *meter,
               const char                  *source_name)
{
  JsonObject *device = json_object_new ();
  JsonObject *configuration = json_object_new ();
  JsonObject *metadata = json_object_new ();
  JsonArray *capabilities = json_array_new ();
  JsonNode *node;

  json_object_set_string_member (device, "device_id", meter->device_id);
  json_object_set_string_member (device, "name", meter->name);
  json_object_set_string_member (device, "type", "utility_meter");
  json_object_set_string_member (device, "manufacturer", _("Utility (Green Button)"));
  json_object_set_string_member (device, "model", point->commodity);
  if (g_str_equal (meter->metric_type, "energy"))
    json_array_add_string_element (capabilities, "energy_metering");
  json_object_set_array_member (device, "capabilities", capabilities);
  /* No plugin: imported data is never polled. */
  json_object_set_object_member (configuration, "plugin_config", json_object_new ());
  json_object_set_object_member (device, "configuration", configuration);

  json_object_set_string_member (metadata, "source", "green_button");
  json_object_set_string_member (metadata, "source_file", source_name);
  if (point->href != NULL)
    json_object_set_string_member (metadata, "usage_point", point->href);
  if (reading->href != NULL)
    json_object_set_string_member (metadata, "meter_reading", reading->href);
  json_object_set_string_member (metadata, "flow", reading->received ? "received" : "delivered");
  json_object_set_string_member (metadata, "unit", reading->unit);
  if (reading->currency != NULL)
    json_object_set_string_member (metadata, "currency", reading->currency);
  json_object_set_member (metadata, "billing_periods", summaries_to_json (point));
  json_object_set_object_member (device, "metadata", metadata);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, device);
  return node;
}

static void
add_reading (GArray     *readings,
             gint64      time_s,
             const char *device_id,
             const char *metric_type,
             double      value,
             const char *unit)
{
  AetherReading r = {
    .timestamp_us = time_s * G_USEC_PER_SEC,
    .device_id = g_strdup (device_id),
    .metric_type = g_strdup (metric_type),
    .value = value,
    .unit = g_strdup (unit),
  };

  g_array_append_val (readings, r);
}

/* The intervals of one reading as samples: a Wh counter read at every
 * interval edge (a gap between intervals keeps the count), or one value
 * per interval at its start for what is not energy; the utility's cost of
 * each interval at its start. */
static void
readings_of (AetherGreenButtonReading *reading,
             AetherGreenButtonMeter   *meter,
             GArray                   *out)
{
  gboolean counter = g_str_equal (meter->metric_type, "energy");
  double count = 0;
  gint64 last_end = G_MININT64;

  meter->utility_cost = NAN;
  for (guint i = 0; i < reading->intervals->len; i++)
    {
      AetherGreenButtonInterval *iv = &g_array_index (reading->intervals, AetherGreenButtonInterval, i);
      gint64 end = iv->start_s + iv->duration_s;

      /* An interval that overlaps the one before (a file that repeats
       * itself) would count the same energy twice. */
      if (iv->start_s < last_end)
        {
          meter->n_overlapping++;
          continue;
        }
      if (counter)
        {
          add_reading (out, iv->start_s, meter->device_id, "energy", count, "Wh");
          count += iv->value;
          /* The edge is the next interval's start when they touch. */
          if (i + 1 >= reading->intervals->len ||
              g_array_index (reading->intervals, AetherGreenButtonInterval, i + 1).start_s != end)
            add_reading (out, end, meter->device_id, "energy", count, "Wh");
        }
      else
        add_reading (out, iv->start_s, meter->device_id, meter->metric_type, iv->value, meter->unit);
      last_end = MAX (last_end, end);

      meter->total += iv->value;
      meter->n_intervals++;
      if (!isnan (iv->cost))
        {
          if (isnan (meter->utility_cost))
            meter->utility_cost = 0;
          meter->utility_cost += iv->cost;
          add_reading (out, iv->start_s, meter->device_id, "utility_cost", iv->cost,
                       reading->currency ? reading->currency : "currency");
        }
    }
  if (reading->intervals->len > 0)
    {
      meter->from_s = g_array_index (reading->intervals, AetherGreenButtonInterval, 0).start_s;
      meter->to_s = last_end;
    }
}

/**
 * aether_green_button_import:
 * @store: a store
 * @feed: a parsed file
 * @source_name: the file's name, kept with the devices
 * @error: a location for a #GError
 *
 * Stores every MeterReading of @feed as a utility meter device with its
 * readings. Importing the same file again changes nothing.
 *
 * Returns: (transfer full) (element-type AetherGreenButtonMeter) (nullable):
 *   what was stored, or %NULL with @error set and nothing stored
 */
GPtrArray *
aether_green_button_import (AetherStore            *store,
                            AetherGreenButtonFeed  *feed,
                            const char             *source_name,
                            GError                **error)
{
  g_autoptr(GPtrArray) meters = g_ptr_array_new_with_free_func ((GDestroyNotify)meter_free);
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  g_autoptr(GArray) readings = g_array_new (FALSE, FALSE, sizeof (AetherReading));
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean ok = TRUE;

  g_return_val_if_fail (AETHER_IS_STORE (store), NULL);
  g_return_val_if_fail (feed != NULL, NULL);

  g_array_set_clear_func (readings, (GDestroyNotify)aether_reading_clear);

  for (guint p = 0; p < feed->usage_points->len; p++)
    {
      AetherGreenButtonUsagePoint *point = g_ptr_array_index (feed->usage_points, p);
      g_autofree char *slug = usage_point_slug (point, source_name);

      for (guint r = 0; r < point->readings->len; r++)
        {
          AetherGreenButtonReading *reading = g_ptr_array_index (point->readings, r);
          AetherGreenButtonMeter *meter;
          g_autofree char *base = NULL;
          g_autoptr(JsonNode) existing = NULL;

          if (reading->intervals->len == 0)
            continue;
          /* Some exports leave the ReadingType empty: without its uom and
           * power of ten, 12000 could be 12 therms or 12 kWh. */
          if (reading->unit == NULL)
            {
              g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           _("%s: the ReadingType of “%s” is empty (no uom, no power of ten), so what its "
                             "values measure is unknown; nothing was stored"),
                           source_name, reading->href ? reading->href : point->title ? point->title : "");
              return NULL;
            }

          meter = g_new0 (AetherGreenButtonMeter, 1);
          meter->commodity = g_strdup (point->commodity);
          meter->unit = g_strdup (reading->unit);
          meter->metric_type = g_strdup (metric_for_unit (reading->unit));
          meter->received = reading->received;
          meter->currency = g_strdup (reading->currency);

          /* One id per meter reading, the same on every import. */
          base = g_strdup_printf ("utility-%s%s%s%s", slug,
                                  g_str_equal (meter->metric_type, "energy") ? "" : "-",
                                  g_str_equal (meter->metric_type, "energy") ? "" : meter->metric_type,
                                  reading->received ? "-received" : "");
          meter->device_id = g_strdup (base);
          for (guint n = 2; g_hash_table_contains (ids, meter->device_id); n++)
            {
              g_free (meter->device_id);
              meter->device_id = g_strdup_printf ("%s-%u", base, n);
            }
          g_hash_table_add (ids, g_strdup (meter->device_id));

          if (reading->received)
            /* TRANSLATORS: the first %s is the service address or the file's title */
            meter->name = g_strdup_printf (_("%s (returned to the grid)"), point->title ? point->title : source_name);
          else if (g_str_equal (point->commodity, "gas"))
            meter->name = g_strdup_printf (_("%s (gas)"), point->title ? point->title : source_name);
          else
            meter->name = g_strdup_printf (_("%s (utility meter)"), point->title ? point->title : source_name);

          readings_of (reading, meter, readings);

          existing = aether_store_get_device (store, meter->device_id, NULL);
          meter->new_device = existing == NULL;
          g_ptr_array_add (records, device_record (point, reading, meter, source_name));
          g_ptr_array_add (meters, meter);
        }
    }

  if (meters->len == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("%s holds no interval readings"), source_name);
      return NULL;
    }

  /* The devices in one transaction, then the readings in another; readings
   * that cannot be stored take the new devices back with them. */
  if (!_aether_store_begin_write (store, error))
    return NULL;
  for (guint i = 0; ok && i < records->len; i++)
    {
      AetherGreenButtonMeter *meter = g_ptr_array_index (meters, i);
      JsonNode *record = g_ptr_array_index (records, i);
      g_autoptr(JsonNode) existing = aether_store_get_device (store, meter->device_id, NULL);

      if (existing != NULL &&
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (existing), "type", NULL),
                     "utility_meter") != 0)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS,
                       _("A device “%s” exists already and is not a utility meter; rename it first"), meter->device_id);
          ok = FALSE;
          break;
        }
      ok = aether_store_put_device (store, record, error);
    }
  if (!_aether_store_end_write (store, ok, ok ? error : NULL))
    return NULL;

  if (!aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, error))
    {
      for (guint i = 0; i < meters->len; i++)
        {
          AetherGreenButtonMeter *meter = g_ptr_array_index (meters, i);

          if (meter->new_device)
            aether_store_remove_device (store, meter->device_id, NULL);
        }
      return NULL;
    }

  return g_steal_pointer (&meters);
}

/* ---- Reconciliation ------------------------------------------------------ */

static void
set_money (JsonObject *o,
           const char *member,
           double      value)
{
  /* To the file's own precision, 1/100 000, without float noise. */
  json_object_set_double_member (o, member, round (value * 1e5) / 1e5);
}

/* Why two prices of the same energy differ. Rounding each of @n lines to
 * a cent moves a total by at most half a cent a line. */
static const char *
likely_cause (double gap,
              double fixed,
              double taxes,
              double additional,
              guint  n)
{
  double tolerance = 0.01;

  if (fabs (gap) <= 0.005 * MAX (n, 1) + 1e-9)
    return N_("rounding: lines rounded to cents");
  if (!isnan (additional) && additional != 0 && fabs (gap - additional) < tolerance)
    return N_("the bill’s additional charges, which the file’s intervals leave out");
  if (fixed != 0 && fabs (gap + fixed) < tolerance)
    return N_("fixed charges: the stored tariff has service charges the bill does not");
  if (fixed != 0 && fabs (gap - fixed) < tolerance)
    return N_("fixed charges: the bill has service charges the stored tariff does not");
  if (taxes != 0 && fabs (fabs (gap) - taxes) < tolerance)
    return N_("taxes: the bill and the stored tariff tax differently");
  return N_("the energy prices: the stored tariff prices the same energy differently from the utility");
}

/* One usage point's delivered and received Wh as the tariff's intervals. */
static GArray *
energy_intervals (AetherGreenButtonUsagePoint *point,
                  gint64                       from_s,
                  gint64                       to_s,
                  double                      *utility_cost,
                  double                      *delivered_wh,
                  double                      *received_wh,
                  guint                       *n_intervals,
                  char                       **currency)
{
  g_autoptr(GHashTable) by_start = g_hash_table_new (g_int64_hash, g_int64_equal);
  GArray *out = g_array_new (FALSE, TRUE, sizeof (AetherEnergyInterval));

  *utility_cost = NAN;
  for (guint r = 0; r < point->readings->len; r++)
    {
      AetherGreenButtonReading *reading = g_ptr_array_index (point->readings, r);

      if (g_strcmp0 (reading->unit, "Wh") != 0)
        continue;
      if (*currency == NULL && reading->currency != NULL)
        *currency = g_strdup (reading->currency);
      for (guint i = 0; i < reading->intervals->len; i++)
        {
          AetherGreenButtonInterval *iv = &g_array_index (reading->intervals, AetherGreenButtonInterval, i);
          AetherEnergyInterval *e;
          gpointer slot;

          if (iv->start_s < from_s || iv->start_s >= to_s)
            continue;
          if (!g_hash_table_lookup_extended (by_start, &iv->start_s, NULL, &slot))
            {
              AetherEnergyInterval blank = { .start_s = iv->start_s, .end_s = iv->start_s + iv->duration_s };

              g_array_append_val (out, blank);
              slot = GUINT_TO_POINTER (out->len);
              /* Keys point into the reading, which outlives the table. */
              g_hash_table_insert (by_start, &iv->start_s, slot);
            }
          e = &g_array_index (out, AetherEnergyInterval, GPOINTER_TO_UINT (slot) - 1);
          if (reading->received)
            {
              e->exported_kwh += iv->value / 1000.0;
              *received_wh += iv->value;
            }
          else
            {
              e->energy_kwh += iv->value / 1000.0;
              *delivered_wh += iv->value;
              (*n_intervals)++;
            }
          if (!isnan (iv->cost))
            *utility_cost = (isnan (*utility_cost) ? 0 : *utility_cost) + iv->cost;
        }
    }
  return out;
}

static int
compare_energy_intervals (gconstpointer a,
                          gconstpointer b)
{
  const AetherEnergyInterval *x = a, *y = b;

  return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static JsonObject *
reconcile_period (AetherGreenButtonUsagePoint *point,
                  AetherTariff                *tariff,
                  gint64                       start_s,
                  gint64                       end_s,
                  AetherGreenButtonSummary    *summary,
                  GError                     **error)
{
  g_autofree char *currency = NULL;
  g_autoptr(GArray) intervals = NULL;
  g_autoptr(JsonNode) priced = NULL;
  g_autoptr(GDateTime) local_start = g_date_time_new_from_unix_utc (start_s);
  g_autoptr(GDateTime) local_end = g_date_time_new_from_unix_utc (end_s);
  g_autoptr(GDateTime) start_in_zone = g_date_time_to_timezone (local_start, point->time_zone);
  g_autoptr(GDateTime) end_in_zone = g_date_time_to_timezone (local_end, point->time_zone);
  g_autofree char *start_text = g_date_time_format_iso8601 (start_in_zone);
  g_autofree char *end_text = g_date_time_format_iso8601 (end_in_zone);
  JsonObject *period = json_object_new ();
  JsonObject *utility = json_object_new ();
  JsonObject *ours = json_object_new ();
  double utility_cost, delivered = 0, received = 0;
  guint n = 0;

  intervals = energy_intervals (point, start_s, end_s, &utility_cost, &delivered, &received, &n, &currency);
  g_array_sort (intervals, compare_energy_intervals);

  json_object_set_string_member (period, "start", start_text);
  json_object_set_string_member (period, "end", end_text);
  json_object_set_int_member (period, "intervals", n);
  json_object_set_double_member (period, "energy_wh", round (delivered * 1e3) / 1e3);
  json_object_set_double_member (period, "received_wh", round (received * 1e3) / 1e3);
  if (summary != NULL && !isnan (summary->consumption))
    {
      json_object_set_double_member (period, "utility_consumption", summary->consumption);
      json_object_set_string_member (period, "utility_consumption_unit", summary->consumption_unit);
    }

  if (currency == NULL && summary != NULL && summary->currency != NULL)
    currency = g_strdup (summary->currency);
  if (currency != NULL)
    json_object_set_string_member (utility, "currency", currency);
  if (!isnan (utility_cost))
    set_money (utility, "interval_cost", utility_cost);
  if (summary != NULL && !isnan (summary->bill))
    set_money (utility, "bill", summary->bill);
  if (summary != NULL && !isnan (summary->cost_additional))
    set_money (utility, "cost_additional", summary->cost_additional);
  json_object_set_object_member (period, "utility", utility);

  if (intervals->len == 0)
    {
      json_object_set_string_member (period, "note", _("The file has no interval readings in this period"));
      json_object_unref (ours);
      return period;
    }

  if (!(priced = aether_tariff_cost (tariff, "utility", (AetherEnergyInterval *)(gpointer)intervals->data,
                                     intervals->len, error)))
    {
      json_object_unref (ours);
      json_object_unref (period);
      return NULL;
    }
  {
    JsonObject *s = json_object_get_object_member (json_node_get_object (priced), "summary");
    double total = json_object_get_double_member (s, "total");
    double fixed = json_object_get_double_member (s, "fixed_charges");
    double taxes = json_object_get_double_member (s, "taxes");
    double reference = summary != NULL && !isnan (summary->bill) ? summary->bill : utility_cost;

    json_object_set_string_member (ours, "currency", json_object_get_string_member (s, "currency"));
    set_money (ours, "energy_cost", json_object_get_double_member (s, "energy_cost"));
    set_money (ours, "demand_charge", json_object_get_double_member (s, "demand_charge"));
    set_money (ours, "fixed_charges", fixed);
    set_money (ours, "taxes", taxes);
    set_money (ours, "total", total);
    json_object_set_object_member (period, "ours", ours);

    if (!isnan (reference))
      {
        set_money (period, "difference", total - reference);
        json_object_set_string_member (period, "likely_cause",
                                       _(likely_cause (reference - total, fixed, taxes,
                                                       summary ? summary->cost_additional : NAN, 1)));
      }
    if (summary != NULL && !isnan (summary->bill) && !isnan (utility_cost))
      {
        double gap = summary->bill - utility_cost;
        const char *cause = fabs (gap) <= 0.005 * MAX (n, 1) + 1e-9
                              ? N_("rounding: lines rounded to cents")
                              : !isnan (summary->cost_additional) && fabs (gap - summary->cost_additional) < 0.01
                                  ? N_("the bill’s additional charges, which the file’s intervals leave out")
                                  : N_("charges on the bill that its interval costs do not itemise");

        set_money (period, "bill_minus_intervals", gap);
        json_object_set_string_member (period, "bill_minus_intervals_cause", _(cause));
      }
  }
  return period;
}

/* Whether a billing period of the file covers part of [from, to). */
static gboolean
billed (AetherGreenButtonUsagePoint *point,
        gint64                       from_s,
        gint64                       to_s)
{
  for (guint i = 0; i < point->summaries->len; i++)
    {
      AetherGreenButtonSummary *s = g_ptr_array_index (point->summaries, i);

      if (s->duration_s > 0 && s->start_s < to_s && s->start_s + s->duration_s > from_s)
        return TRUE;
    }
  return FALSE;
}

/**
 * aether_green_button_reconcile:
 * @feed: a parsed file
 * @tariff: the tariff to price its energy with
 * @from_s: the start of the range to look at (G_MININT64: all)
 * @to_s: its end (G_MAXINT64: all)
 * @error: a location for a #GError
 *
 * For each billing period of each electricity usage point: the utility's
 * bill and its summed interval costs, our price for the same energy, the
 * difference and its likely cause. A usage point without billing periods
 * is reconciled per calendar month of its own time zone.
 *
 * Returns: (transfer full) (nullable): the report
 */
JsonNode *
aether_green_button_reconcile (AetherGreenButtonFeed  *feed,
                               AetherTariff           *tariff,
                               gint64                  from_s,
                               gint64                  to_s,
                               GError                **error)
{
  JsonArray *points = json_array_new ();
  JsonObject *root = json_object_new ();
  JsonNode *node;

  for (guint p = 0; p < feed->usage_points->len; p++)
    {
      AetherGreenButtonUsagePoint *point = g_ptr_array_index (feed->usage_points, p);
      JsonObject *o;
      JsonArray *periods;
      gint64 first = G_MAXINT64, last = G_MININT64;

      if (!g_str_equal (point->commodity, "electricity"))
        continue;

      o = json_object_new ();
      periods = json_array_new ();
      if (point->title != NULL)
        json_object_set_string_member (o, "title", point->title);
      if (point->href != NULL)
        json_object_set_string_member (o, "usage_point", point->href);
      json_object_set_array_member (o, "periods", periods);
      json_array_add_object_element (points, o);

      for (guint r = 0; r < point->readings->len; r++)
        {
          AetherGreenButtonReading *reading = g_ptr_array_index (point->readings, r);

          if (reading->intervals->len == 0 || g_strcmp0 (reading->unit, "Wh") != 0)
            continue;
          first = MIN (first, g_array_index (reading->intervals, AetherGreenButtonInterval, 0).start_s);
          last = MAX (last, g_array_index (reading->intervals, AetherGreenButtonInterval,
                                           reading->intervals->len - 1).start_s + 1);
        }
      if (first > last)
        continue;

      for (guint i = 0; i < point->summaries->len; i++)
          {
            AetherGreenButtonSummary *s = g_ptr_array_index (point->summaries, i);
            gint64 end = s->start_s + s->duration_s;
            JsonObject *period;

            if (s->duration_s <= 0 || end <= from_s || s->start_s >= to_s || end <= first || s->start_s >= last)
              continue;
            if (!(period = reconcile_period (point, tariff, MAX (s->start_s, from_s), MIN (end, to_s), s, error)))
              {
                json_array_unref (points);
                json_object_unref (root);
                return NULL;
              }
            json_array_add_object_element (periods, period);
          }

        {
          /* Calendar months in the meter's own zone, where no billing
           * period of the file says otherwise. */
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (MAX (first, from_s));
          g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, point->time_zone);
          g_autoptr(GDateTime) month = g_date_time_new (point->time_zone, g_date_time_get_year (local),
                                                        g_date_time_get_month (local), 1, 0, 0, 0);

          while (g_date_time_to_unix (month) < MIN (last, to_s))
            {
              g_autoptr(GDateTime) next = g_date_time_add_months (month, 1);
              JsonObject *period;

              if (billed (point, g_date_time_to_unix (month), g_date_time_to_unix (next)))
                {
                  g_date_time_unref (month);
                  month = g_steal_pointer (&next);
                  continue;
                }
              if (!(period = reconcile_period (point, tariff, MAX (g_date_time_to_unix (month), from_s),
                                               MIN (g_date_time_to_unix (next), to_s), NULL, error)))
                {
                  json_array_unref (points);
                  json_object_unref (root);
                  return NULL;
                }
              json_array_add_object_element (periods, period);
              g_date_time_unref (month);
              month = g_steal_pointer (&next);
            }
        }
    }

  if (json_array_get_length (points) == 0)
    {
      json_array_unref (points);
      json_object_unref (root);
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           _("The file has no electricity readings in Wh to reconcile"));
      return NULL;
    }

  json_object_set_array_member (root, "usage_points", points);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root);
  return node;
}
