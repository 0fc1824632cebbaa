/* aether-urdb.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Imports OpenEI Utility Rate Database records into our rate schedule.
 * URDB describes energy prices as 12×24 month-by-hour matrices of period
 * indices, for weekdays and weekends; months with the same pair of rows
 * become a season, and the hours of each period in them its hour ranges.
 * Tiers keep their limits (per billing period, or per day for "kWh daily"),
 * `rate + adj` is the price, `sell` the export price. Fixed charges in
 * $/month or $/day, and a flat or time-of-use demand charge that has one
 * rate, map directly.
 *
 * What our model cannot hold is named in @notes, one sentence each, never
 * dropped silently: minimum charges, demand tiers, demand rates that vary
 * by month or hour beyond one rate, and URDB's lack of a time zone. */

#define G_LOG_DOMAIN "aether-urdb"

#include "config.h"

#include <math.h>
#include <string.h>

#include "aether-error.h"
#include "aether-json.h"
#include "aether-urdb.h"

static void
note (GPtrArray  *notes,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
note (GPtrArray  *notes,
      const char *format,
      ...)
{
  va_list args;

  if (notes == NULL)
    return;
  va_start (args, format);
  g_ptr_array_add (notes, g_strdup_vprintf (format, args));
  va_end (args);
}

static double
number (JsonObject *object,
        const char *member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return 0;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    return g_ascii_strtod (json_node_get_string (node), NULL);
  return json_node_get_double (node);
}

/* rate + adj without the float noise of the sum (0.1 + 0.2). */
static double
price (JsonObject *tier)
{
  return round ((number (tier, "rate") + number (tier, "adj")) * 1e8) / 1e8;
}

static gboolean
get_matrix (JsonObject *record,
            const char *member,
            int         m[12][24])
{
  JsonArray *rows = aether_json_get_array (record, member);

  if (rows == NULL || json_array_get_length (rows) != 12)
    return FALSE;

  for (guint i = 0; i < 12; i++)
    {
      JsonArray *row = aether_json_array_get_array (rows, i);

      if (row == NULL || json_array_get_length (row) != 24)
        return FALSE;
      for (guint h = 0; h < 24; h++)
        {
          double period;

          if (!aether_json_node_get_number (json_array_get_element (row, h), &period) || !(fabs (period) < 1e6))
            return FALSE;
          m[i][h] = (int)period;
        }
    }

  return TRUE;
}

static char *
hours_of (const int row[24],
          int       period)
{
  GString *text = g_string_new (NULL);

  for (int h = 0; h < 24;)
    {
      int end;

      if (row[h] != period)
        {
          h++;
          continue;
        }
      for (end = h; end < 24 && row[end] == period; end++)
        ;
      g_string_append_printf (text, "%s%02d:00-%s", text->len ? "," : "", h,
                              end == 24 ? "23:59" : "");
      if (end < 24)
        g_string_append_printf (text, "%02d:00", end);
      h = end;
    }

  return g_string_free (text, FALSE);
}

static char *
months_text (guint16 months)
{
  GString *text = g_string_new (NULL);

  for (int m = 0; m < 12; m++)
    if (months & (1 << m))
      g_string_append_printf (text, "%s%d", text->len ? "," : "", m + 1);
  return g_string_free (text, FALSE);
}

static char *
epoch_date (JsonObject *record,
            const char *member)
{
  JsonNode *node = json_object_get_member (record, member);
  g_autoptr(GDateTime) dt = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) == G_TYPE_STRING)
    return NULL;
  dt = g_date_time_new_from_unix_utc (json_node_get_int (node));
  return dt ? g_date_time_format (dt, "%Y-%m-%d") : NULL;
}

static void
add_period (JsonBuilder *b,
            JsonArray   *structure,
            int          index,
            const char  *days,
            const char  *hours,
            gboolean    *daily,
            GPtrArray   *notes)
{
  JsonArray *tiers = aether_json_array_get_array (structure, index);
  g_autofree char *name = g_strdup_printf ("period_%d", index + 1);
  double sell = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, name);

  if (tiers == NULL || json_array_get_length (tiers) == 0)
    {
      json_builder_set_member_name (b, "rate");
      json_builder_add_double_value (b, 0);
    }
  else if (json_array_get_length (tiers) == 1)
    {
      JsonObject *t = aether_json_array_get_object (tiers, 0);

      json_builder_set_member_name (b, "rate");
      json_builder_add_double_value (b, price (t));
      sell = number (t, "sell");
    }
  else
    {
      json_builder_set_member_name (b, "rate");
      json_builder_add_double_value (b, price (aether_json_array_get_object (tiers, 0)));
      json_builder_set_member_name (b, "tiers");
      json_builder_begin_array (b);
      for (guint i = 0; i < json_array_get_length (tiers); i++)
        {
          JsonObject *t = aether_json_array_get_object (tiers, i);
          const char *unit = json_object_get_string_member_with_default (t, "unit", "kWh");

          json_builder_begin_object (b);
          if (json_object_has_member (t, "max") && i + 1 < json_array_get_length (tiers))
            {
              json_builder_set_member_name (b, "max_kwh");
              json_builder_add_double_value (b, number (t, "max"));
            }
          json_builder_set_member_name (b, "rate");
          json_builder_add_double_value (b, price (t));
          json_builder_end_object (b);

          if (g_strcmp0 (unit, "kWh daily") == 0)
            *daily = TRUE;
          else if (g_strcmp0 (unit, "kWh") != 0)
            note (notes, "Tier %u of %s has limits in “%s”; they are read as kWh per billing period",
                  i + 1, name, unit);
          sell = MAX (sell, number (t, "sell"));
        }
      json_builder_end_array (b);
    }

  if (sell > 0)
    {
      json_builder_set_member_name (b, "sell_rate");
      json_builder_add_double_value (b, sell);
    }
  json_builder_set_member_name (b, "unit");
  json_builder_add_string_value (b, "kWh");
  json_builder_set_member_name (b, "days");
  json_builder_begin_array (b);
  json_builder_add_string_value (b, days);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "hours");
  json_builder_add_string_value (b, hours);
  json_builder_end_object (b);
}

/* One demand rate for the periods whose hours all carry it, if the URDB
 * demand matrices allow that; anything else is noted. */
static void
add_demand (JsonBuilder *b,
            JsonObject  *record,
            int          weekday[12][24],
            int          weekend[12][24],
            GPtrArray   *notes)
{
  JsonArray *flat = aether_json_get_array (record, "flatdemandstructure");
  JsonArray *tou = aether_json_get_array (record, "demandratestructure");
  int dwd[12][24], dwe[12][24];
  double rate = 0;
  gboolean mixed = FALSE;
  g_autoptr(GHashTable) periods = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) excluded = g_hash_table_new (g_direct_hash, g_direct_equal);

  if (flat != NULL && json_array_get_length (flat) > 0)
    {
      double first = -1;

      for (guint i = 0; i < json_array_get_length (flat); i++)
        {
          JsonArray *tiers = aether_json_array_get_array (flat, i);
          JsonObject *t = tiers && json_array_get_length (tiers) ? aether_json_array_get_object (tiers, 0) : NULL;
          double r = t ? price (t) : 0;

          if (tiers && json_array_get_length (tiers) > 1)
            note (notes, "Flat demand tiers are not supported; the first tier’s rate is used");
          if (first < 0)
            first = r;
          else if (fabs (r - first) > 1e-9)
            mixed = TRUE;
          rate = MAX (rate, r);
        }
      if (mixed)
        note (notes, "The flat demand charge varies by month; the highest, %.4g $/kW, is used all year", rate);
    }

  if (tou != NULL && json_array_get_length (tou) > 0 &&
      get_matrix (record, "demandweekdayschedule", dwd) && get_matrix (record, "demandweekendschedule", dwe))
    {
      double tou_rate = 0;
      gboolean tou_mixed = FALSE;

      for (guint i = 0; i < json_array_get_length (tou); i++)
        {
          JsonArray *tiers = aether_json_array_get_array (tou, i);
          JsonObject *t = tiers && json_array_get_length (tiers) ? aether_json_array_get_object (tiers, 0) : NULL;
          double r = t ? price (t) : 0;

          if (tiers && json_array_get_length (tiers) > 1)
            note (notes, "Demand tiers are not supported; the first tier’s rate of demand period %u is used", i + 1);
          if (r > 0 && tou_rate > 0 && fabs (r - tou_rate) > 1e-9)
            tou_mixed = TRUE;
          tou_rate = MAX (tou_rate, r);
        }

      /* Which energy periods the charged demand hours fall in. */
      for (int m = 0; m < 12; m++)
        for (int h = 0; h < 24; h++)
          {
            const int pairs[2][2] = { { dwd[m][h], weekday[m][h] }, { dwe[m][h], weekend[m][h] } };

            for (int k = 0; k < 2; k++)
              {
                JsonArray *tiers = aether_json_array_get_array (tou, pairs[k][0]);
                JsonObject *t = tiers && json_array_get_length (tiers) ? aether_json_array_get_object (tiers, 0) : NULL;
                double r = t ? price (t) : 0;

                if (r > 0)
                  g_hash_table_add (periods, GINT_TO_POINTER (pairs[k][1] + 1));
                else
                  g_hash_table_add (excluded, GINT_TO_POINTER (pairs[k][1] + 1));
              }
          }

      if (tou_mixed)
        note (notes, "Time-of-use demand rates differ by period; the highest, %.4g $/kW, is used", tou_rate);

      if (rate > 0 && tou_rate > 0)
        note (notes, "Both a flat and a time-of-use demand charge: they are added into one rate of %.4g $/kW "
                     "in the time-of-use hours", rate + tou_rate);
      rate += tou_rate;
    }

  if (rate <= 0)
    return;

  json_builder_set_member_name (b, "demand");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rate_per_kw");
  json_builder_add_double_value (b, rate);
  json_builder_set_member_name (b, "window_minutes");
  json_builder_add_int_value (b, 15);
  if (g_hash_table_size (periods) > 0)
    {
      GHashTableIter iter;
      gpointer key;
      gboolean exact = TRUE;

      g_hash_table_iter_init (&iter, periods);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        if (g_hash_table_contains (excluded, key))
          exact = FALSE;

      if (!exact)
        note (notes, "Demand is charged in hours that do not line up with energy periods; it is applied in "
                     "every period that has some charged hours");

      json_builder_set_member_name (b, "periods");
      json_builder_begin_array (b);
      for (int p = 1; p < 256; p++)
        if (g_hash_table_contains (periods, GINT_TO_POINTER (p)))
          {
            g_autofree char *name = g_strdup_printf ("period_%d", p);
            json_builder_add_string_value (b, name);
          }
      json_builder_end_array (b);
    }
  json_builder_end_object (b);
}

/**
 * aether_urdb_import_record:
 * @record: one URDB rate record (`detail=full`)
 * @time_zone: (nullable): the IANA zone of the utility (URDB has none)
 * @notes: (element-type utf8) (nullable): where to list what could not be
 *   represented
 * @error: a location for a #GError
 *
 * Returns: (transfer full): our rate schedule JSON, or %NULL when the
 *   record has no energy rates at all
 */
JsonNode *
aether_urdb_import_record (JsonObject  *record,
                           const char  *time_zone,
                           GPtrArray   *notes,
                           GError     **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  JsonArray *structure;
  int weekday[12][24], weekend[12][24];
  gboolean done[12] = { FALSE };
  gboolean daily = FALSE;
  const char *name = json_object_get_string_member_with_default (record, "name", "URDB rate");
  const char *label = json_object_get_string_member_with_default (record, "label", NULL);
  g_autofree char *rate_id = NULL;
  g_autofree char *start = epoch_date (record, "startdate");
  g_autofree char *end = epoch_date (record, "enddate");
  const char *units;

  structure = aether_json_get_array (record, "energyratestructure");

  if (structure == NULL || json_array_get_length (structure) == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                   "URDB rate “%s” has no energy rates (energyratestructure): nothing to import", name);
      return NULL;
    }

  if (!get_matrix (record, "energyweekdayschedule", weekday) ||
      !get_matrix (record, "energyweekendschedule", weekend))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "URDB rate “%s”: energyweekdayschedule and energyweekendschedule must be 12×24", name);
      return NULL;
    }

  for (int m = 0; m < 12; m++)
    for (int h = 0; h < 24; h++)
      if (weekday[m][h] < 0 || weekday[m][h] >= (int)json_array_get_length (structure) ||
          weekend[m][h] < 0 || weekend[m][h] >= (int)json_array_get_length (structure))
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       "URDB rate “%s”: the schedule names period %d, which energyratestructure does not have",
                       name, MAX (weekday[m][h], weekend[m][h]));
          return NULL;
        }

  if (label != NULL)
    rate_id = g_strdup_printf ("urdb-%s", label);
  else
    {
      g_autofree char *lower = g_ascii_strdown (name, -1);

      rate_id = g_strdup_printf ("urdb-%s", g_strcanon (lower, "abcdefghijklmnopqrstuvwxyz0123456789", '-'));
    }

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rate_id");
  json_builder_add_string_value (b, rate_id);
  json_builder_set_member_name (b, "provider");
  json_builder_add_string_value (b, json_object_get_string_member_with_default (record, "utility", "unknown"));
  json_builder_set_member_name (b, "plan_name");
  json_builder_add_string_value (b, name);
  if (start != NULL)
    {
      json_builder_set_member_name (b, "effective_date");
      json_builder_add_string_value (b, start);
    }
  if (end != NULL && start != NULL && g_strcmp0 (end, start) < 0)
    note (notes, "The record’s end date %s comes before its start date %s; it is imported without an end",
          end, start);
  else if (end != NULL)
    {
      json_builder_set_member_name (b, "expiry_date");
      json_builder_add_string_value (b, end);
    }
  json_builder_set_member_name (b, "currency");
  json_builder_add_string_value (b, "USD");
  if (time_zone != NULL)
    {
      json_builder_set_member_name (b, "time_zones");
      json_builder_add_string_value (b, time_zone);
    }
  else
    note (notes, "URDB records have no time zone: add \"time_zones\" (e.g. America/Phoenix), or the computer’s own zone is used");

  json_builder_set_member_name (b, "rate_structure");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");
  json_builder_add_string_value (b, "time_of_use");
  json_builder_set_member_name (b, "seasons");
  json_builder_begin_array (b);

  for (int m = 0; m < 12; m++)
    {
      guint16 months = 0;
      g_autofree char *month_list = NULL;
      g_autofree char *season_name = NULL;
      g_autoptr(GHashTable) used = g_hash_table_new (g_direct_hash, g_direct_equal);

      if (done[m])
        continue;

      for (int o = m; o < 12; o++)
        if (!done[o] && memcmp (weekday[o], weekday[m], sizeof weekday[m]) == 0 &&
            memcmp (weekend[o], weekend[m], sizeof weekend[m]) == 0)
          {
            months |= 1 << o;
            done[o] = TRUE;
          }

      month_list = months_text (months);
      season_name = g_strdup_printf ("months %s", month_list);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, season_name);
      json_builder_set_member_name (b, "months");
      json_builder_begin_array (b);
      for (int o = 0; o < 12; o++)
        if (months & (1 << o))
          json_builder_add_int_value (b, o + 1);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "periods");
      json_builder_begin_array (b);

      for (int h = 0; h < 24; h++)
        {
          g_hash_table_add (used, GINT_TO_POINTER (weekday[m][h] + 1));
          g_hash_table_add (used, GINT_TO_POINTER (weekend[m][h] + 1));
        }

      for (int p = 0; p < (int)json_array_get_length (structure); p++)
        {
          g_autofree char *wd = NULL;
          g_autofree char *we = NULL;

          if (!g_hash_table_contains (used, GINT_TO_POINTER (p + 1)))
            continue;

          wd = hours_of (weekday[m], p);
          we = hours_of (weekend[m], p);

          if (*wd != '\0' && g_strcmp0 (wd, we) == 0)
            add_period (b, structure, p, "all", wd, &daily, notes);
          else
            {
              if (*wd != '\0')
                add_period (b, structure, p, "weekdays", wd, &daily, notes);
              if (*we != '\0')
                add_period (b, structure, p, "weekends", we, &daily, notes);
            }
        }

      json_builder_end_array (b);
      json_builder_end_object (b);
    }

  json_builder_end_array (b);
  if (daily)
    {
      json_builder_set_member_name (b, "tier_basis");
      json_builder_add_string_value (b, "daily");
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "fixed_charges");
  json_builder_begin_object (b);
  units = json_object_get_string_member_with_default (record, "fixedchargeunits", "$/month");
  if (json_object_has_member (record, "fixedchargefirstmeter"))
    {
      double v = number (record, "fixedchargefirstmeter");

      if (g_strcmp0 (units, "$/day") == 0)
        json_builder_set_member_name (b, "daily_service");
      else
        {
          if (g_strcmp0 (units, "$/month") != 0)
            note (notes, "Fixed charge units “%s” are read as $/month", units);
          json_builder_set_member_name (b, "monthly_service");
        }
      json_builder_add_double_value (b, v);
    }
  else if (json_object_has_member (record, "fixedmonthlycharge"))
    {
      json_builder_set_member_name (b, "monthly_service");
      json_builder_add_double_value (b, number (record, "fixedmonthlycharge"));
    }
  json_builder_end_object (b);

  add_demand (b, record, weekday, weekend, notes);

  if (number (record, "mincharge") > 0)
    note (notes, "The minimum charge of %.2f %s is not applied", number (record, "mincharge"),
          json_object_get_string_member_with_default (record, "minchargeunits", "$/month"));
  if (json_object_has_member (record, "coincidentratestructure"))
    note (notes, "Coincident demand charges are not supported");

  json_builder_set_member_name (b, "metadata");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "source");
  json_builder_add_string_value (b, "openei_urdb");
  if (label != NULL)
    {
      json_builder_set_member_name (b, "urdb_label");
      json_builder_add_string_value (b, label);
    }
  json_builder_end_object (b);
  json_builder_end_object (b);

  return json_builder_get_root (b);
}

/**
 * aether_urdb_import_file:
 * @path: a URDB API response (`{"items": […]}`), one record, or a REopt
 *   scenario holding `ElectricTariff.urdb_response`
 * @time_zone: (nullable): the utility's IANA zone
 * @notes: (element-type utf8) (nullable): what could not be represented
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type JsonNode): our schedules, one per record
 */
GPtrArray *
aether_urdb_import_file (const char  *path,
                         const char  *time_zone,
                         GPtrArray   *notes,
                         GError     **error)
{
  g_autoptr(JsonNode) parsed = NULL;
  g_autoptr(GPtrArray) schedules = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);
  JsonObject *root;
  JsonArray *items = NULL;
  g_autoptr(JsonArray) single = NULL;

  if (!(parsed = aether_json_parse_file (path, AETHER_JSON_MAX_DEPTH, error)))
    return NULL;

  if (!JSON_NODE_HOLDS_OBJECT (parsed))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s is not a URDB response", path);
      return NULL;
    }
  root = json_node_get_object (parsed);

  if (json_object_has_member (root, "error"))
    {
      JsonObject *e = aether_json_get_object (root, "error");

      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s is an OpenEI error response: %s", path,
                   e ? json_object_get_string_member_with_default (e, "message",
                         json_object_get_string_member_with_default (e, "code", "unknown")) : "unknown");
      return NULL;
    }

  if (json_object_has_member (root, "items"))
    items = aether_json_get_array (root, "items");
  else if (json_object_has_member (root, "ElectricTariff"))
    {
      JsonObject *tariff = aether_json_get_object (root, "ElectricTariff");

      single = json_array_new ();
      if (tariff && json_object_has_member (tariff, "urdb_response"))
        json_array_add_object_element (single, json_object_ref (aether_json_get_object (tariff, "urdb_response")));
      items = single;
    }
  else
    {
      single = json_array_new ();
      json_array_add_object_element (single, json_object_ref (root));
      items = single;
    }

  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *record = aether_json_array_get_object (items, i);
      g_autoptr(GError) item_error = NULL;
      JsonNode *schedule = aether_urdb_import_record (record, time_zone, notes, &item_error);

      if (schedule != NULL)
        g_ptr_array_add (schedules, schedule);
      else
        note (notes, "Record %u (%s) was not imported: %s", i + 1,
              json_object_get_string_member_with_default (record, "name", "?"), item_error->message);
    }

  if (schedules->len == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                   "%s holds no rate with energy prices (a list or lookup response has only names; "
                   "ask the API with detail=full)", path);
      return NULL;
    }

  return g_steal_pointer (&schedules);
}
