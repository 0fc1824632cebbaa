/* test-tariff.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Rate schedules and the cost engine, each case computed by hand in its
 * comment. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>

#include "aether-core.h"

#define EPS 1e-6

static AetherTariff *
tariff_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (json, &error);
  g_autoptr(AetherRateSchedule) schedule = NULL;
  AetherTariff *tariff = aether_tariff_new ();

  g_assert_no_error (error);
  schedule = aether_rate_schedule_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (aether_tariff_add_schedule (tariff, schedule, &error));
  return tariff;
}

static gint64
utc (int y, int mo, int d, int h, int mi)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, mo, d, h, mi, 0);
  return g_date_time_to_unix (dt);
}

static gint64
local (const char *zone, int y, int mo, int d, int h, int mi)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);
  g_autoptr(GDateTime) dt = g_date_time_new (tz, y, mo, d, h, mi, 0);
  return g_date_time_to_unix (dt);
}

static JsonObject *
summary_of (JsonNode *cost)
{
  return json_object_get_object_member (json_node_get_object (cost), "summary");
}

static double
period_cost (JsonNode   *cost,
             const char *period)
{
  JsonObject *by = json_object_get_object_member (summary_of (cost), "by_period");

  return json_object_has_member (by, period)
    ? json_object_get_double_member (json_object_get_object_member (by, period), "cost") : 0;
}

static JsonNode *
cost_of (AetherTariff *tariff,
         gint64        start,
         gint64        end,
         double        kwh)
{
  AetherEnergyInterval iv = { start, end, kwh, 0 };
  g_autoptr(GError) error = NULL;
  JsonNode *cost = aether_tariff_cost (tariff, "plug", &iv, 1, &error);

  g_assert_no_error (error);
  return cost;
}

/* The seed's example, with its weekday gaps closed (off_peak to 16:00 and
 * from 21:00) so it can price. */
static const char *seed_fixed =
  "{\"rate_id\": \"utility-tou-summer-2024\", \"provider\": \"Pacific Gas & Electric\","
  " \"plan_name\": \"Time-of-Use Summer\", \"effective_date\": \"2024-06-01\", \"expiry_date\": \"2024-09-30\","
  " \"currency\": \"USD\", \"time_zones\": \"America/Los_Angeles\","
  " \"rate_structure\": {\"type\": \"time_of_use\", \"periods\": ["
  "  {\"name\": \"peak\", \"rate\": 0.42, \"unit\": \"kWh\", \"days\": [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\"], \"hours\": \"16:00-21:00\"},"
  "  {\"name\": \"off_peak\", \"rate\": 0.24, \"unit\": \"kWh\", \"days\": [\"all\"], \"hours\": \"00:00-16:00,21:00-23:59\"},"
  "  {\"name\": \"super_off_peak\", \"rate\": 0.12, \"unit\": \"kWh\", \"days\": [\"saturday\", \"sunday\"], \"hours\": \"00:00-23:59\"}]},"
  " \"fixed_charges\": {\"monthly_service\": 10.00, \"demand_charge\": 15.00},"
  " \"metadata\": {\"source\": \"manual_entry\", \"last_verified\": \"2024-01-15\"}}";

static void
test_seed_example_gaps_are_named (void)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "store", "seed-rate-schedule.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherRateSchedule) refused = NULL;

  g_assert_true (json_parser_load_from_file (parser, path, NULL));
  problems = aether_rate_schedule_validate_json (json_parser_get_root (parser));

  /* Weekday off-peak ends at 15:00 and starts again at 22:00; peak is 16–21. */
  g_assert_cmpuint (problems->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, "weekdays 15:00–16:00 are not covered by any period");
  g_assert_cmpstr (g_ptr_array_index (problems, 1), ==, "weekdays 21:00–22:00 are not covered by any period");

  refused = aether_rate_schedule_new_from_json (json_parser_get_root (parser), &error);
  g_assert_null (refused);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE);
}

static void
test_schedule_round_trips_exactly (void)
{
  g_autoptr(JsonNode) node = json_from_string (seed_fixed, NULL);
  g_autoptr(AetherRateSchedule) schedule = aether_rate_schedule_new_from_json (node, NULL);
  g_autoptr(JsonNode) back = aether_rate_schedule_to_json (schedule);

  g_assert_true (json_node_equal (node, back));
}

static void
test_validation_names_what_is_wrong (void)
{
  static const struct { const char *periods; const char *extra; const char *problem; } cases[] = {
    { "{\"name\": \"peak\", \"rate\": 0.4, \"days\": [\"all\"], \"hours\": \"25:00-26:00\"}", "",
      "Rate “peak”: hours “25:00-26:00” are not a time of day (write HH:MM-HH:MM, 00:00 to 23:59)" },
    { "{\"name\": \"peak\", \"rate\": \"cheap\", \"days\": [\"all\"], \"hours\": \"00:00-23:59\"}", "",
      "Rate “peak”: the rate per kWh is missing or not a number" },
    { "{\"name\": \"peak\", \"rate\": 0.4, \"days\": [\"funday\"], \"hours\": \"00:00-23:59\"}", "",
      "Rate “peak”: “funday” is not a day (monday … sunday, all, weekdays, weekends)" },
    { "{\"name\": \"a\", \"rate\": 0.4, \"days\": [\"all\"], \"hours\": \"00:00-23:59\"}", ", \"expiry_date\": \"2023-12-31\"",
      "The expiry date 2023-12-31 comes before the effective date 2024-01-01" },
    { "{\"name\": \"a\", \"rate\": 0.4, \"days\": [\"weekdays\"], \"hours\": \"00:00-23:59\"},"
      "{\"name\": \"b\", \"rate\": 0.3, \"days\": [\"weekdays\"], \"hours\": \"08:00-09:00\"},"
      "{\"name\": \"c\", \"rate\": 0.3, \"days\": [\"weekends\"], \"hours\": \"00:00-23:59\"}", "",
      "“a” and “b” both cover weekdays 08:00–09:00 on the same kind of day (the more specific day list wins; these are equal)" },
    { "{\"name\": \"a\", \"rate\": 0.4, \"days\": [\"monday\", \"wednesday\"], \"hours\": \"00:00-23:59\"}", "",
      "Tuesday, Thursday, Friday, Saturday, Sunday 00:00–24:00 are not covered by any period" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"rate_id\": \"x\", \"effective_date\": \"2024-01-01\"%s,"
                                               " \"time_zones\": \"UTC\", \"rate_structure\": {\"periods\": [%s]}}",
                                               cases[i].extra, cases[i].periods);
      g_autoptr(JsonNode) node = json_from_string (json, NULL);
      g_autoptr(GPtrArray) problems = aether_rate_schedule_validate_json (node);

      g_assert_cmpuint (problems->len, >=, 1);
      g_assert_cmpstr (g_ptr_array_index (problems, 0), ==, cases[i].problem);
    }
}

static void
test_overlapping_versions_are_refused (void)
{
  g_autoptr(AetherTariff) tariff = tariff_from (seed_fixed);
  g_autofree char *second = g_strdup (seed_fixed);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(AetherRateSchedule) schedule = NULL;
  g_autoptr(GError) error = NULL;

  /* A second version from September 1st, while the first runs to September 30th. */
  memcpy (strstr (second, "2024-06-01"), "2024-09-01", 10);
  memcpy (strstr (second, "utility-tou-summer-2024"), "utility-tou-summer-2025", 23);
  node = json_from_string (second, NULL);
  schedule = aether_rate_schedule_new_from_json (node, NULL);
  g_assert_false (aether_tariff_add_schedule (tariff, schedule, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE);
  g_assert_nonnull (strstr (error->message, "overlaps “utility-tou-summer-2024”"));
}

static void
test_seed_weekday_and_weekend (void)
{
  g_autoptr(AetherTariff) tariff = tariff_from (seed_fixed);
  /* Monday 2024-06-03 10:00–11:00 PDT, 1 kWh: off_peak 0.24 → 0.24 */
  g_autoptr(JsonNode) weekday = cost_of (tariff, local ("America/Los_Angeles", 2024, 6, 3, 10, 0),
                                         local ("America/Los_Angeles", 2024, 6, 3, 11, 0), 1.0);
  /* Saturday 2024-06-08 17:00–18:00, 1 kWh: super_off_peak beats off_peak → 0.12 */
  g_autoptr(JsonNode) weekend = cost_of (tariff, local ("America/Los_Angeles", 2024, 6, 8, 17, 0),
                                         local ("America/Los_Angeles", 2024, 6, 8, 18, 0), 1.0);
  JsonObject *record = json_array_get_object_element (json_object_get_array_member (json_node_get_object (weekday), "records"), 0);

  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (weekday), "energy_cost"), 0.24, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (weekend), "energy_cost"), 0.12, EPS);
  g_assert_cmpfloat_with_epsilon (period_cost (weekend, "super_off_peak"), 0.12, EPS);

  /* The record is the seed's Cost Record shape. */
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "rate_applied"), "period"), ==, "off_peak");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (record, "rate_applied"), "rate_id"), ==, "utility-tou-summer-2024");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (record, "rate_applied"), "rate_per_kwh"), 0.24, EPS);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (record, "period"), "duration_minutes"), ==, 60);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (record, "consumption"), "energy_kwh"), 1.0, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (record, "consumption"), "average_power_w"), 1000.0, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (record, "cost_breakdown"), "total"), 0.24, EPS);
  g_assert_true (json_object_has_member (record, "carbon_emissions"));
  g_assert_true (json_object_has_member (record, "calculation_id"));
}

static void
test_interval_straddling_16_00_splits (void)
{
  g_autoptr(AetherTariff) tariff = tariff_from (seed_fixed);
  /* Monday 15:30–16:30, 1 kWh: 0.5 × 0.24 + 0.5 × 0.42 = 0.33, two records */
  g_autoptr(JsonNode) cost = cost_of (tariff, local ("America/Los_Angeles", 2024, 6, 3, 15, 30),
                                      local ("America/Los_Angeles", 2024, 6, 3, 16, 30), 1.0);
  JsonArray *records = json_object_get_array_member (json_node_get_object (cost), "records");

  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (cost), "energy_cost"), 0.33, EPS);
  g_assert_cmpuint (json_array_get_length (records), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                   json_array_get_object_element (records, 0), "rate_applied"), "period"), ==, "off_peak");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                   json_array_get_object_element (records, 1), "rate_applied"), "period"), ==, "peak");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (
                   json_array_get_object_element (records, 1), "period"), "start"), ==, "2024-06-03T23:00:00Z");
}

#define DST_SCHEDULE \
  "{\"rate_id\": \"dst\", \"effective_date\": \"2024-01-01\", \"time_zones\": \"%s\"," \
  " \"rate_structure\": {\"periods\": [" \
  "  {\"name\": \"two\", \"rate\": 5.0, \"days\": [\"all\"], \"hours\": \"%s\"}," \
  "  {\"name\": \"rest\", \"rate\": 0.1, \"days\": [\"all\"], \"hours\": \"%s\"}]}}"

static void
test_dst_fall_back_hour_priced_twice (void)
{
  /* Los Angeles, 2024-11-03: 01:00–02:00 happens twice. UTC 08:00–10:00 is
   * 01:00 PDT to 02:00 PST: two hours, both at the 01:00 rate of 5. */
  g_autofree char *la = g_strdup_printf (DST_SCHEDULE, "America/Los_Angeles", "01:00-02:00", "00:00-01:00,02:00-23:59");
  g_autoptr(AetherTariff) la_tariff = tariff_from (la);
  g_autoptr(JsonNode) la_cost = cost_of (la_tariff, utc (2024, 11, 3, 8, 0), utc (2024, 11, 3, 10, 0), 2.0);
  /* Berlin, 2024-10-27: 02:00–03:00 twice, UTC 00:00–02:00. */
  g_autofree char *berlin = g_strdup_printf (DST_SCHEDULE, "Europe/Berlin", "02:00-03:00", "00:00-02:00,03:00-23:59");
  g_autoptr(AetherTariff) berlin_tariff = tariff_from (berlin);
  g_autoptr(JsonNode) berlin_cost = cost_of (berlin_tariff, utc (2024, 10, 27, 0, 0), utc (2024, 10, 27, 2, 0), 2.0);

  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (la_cost), "energy_cost"), 10.0, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (berlin_cost), "energy_cost"), 10.0, EPS);
}

static void
test_dst_spring_forward_hour_not_priced (void)
{
  /* Los Angeles, 2024-03-10: 02:00–03:00 never happens. UTC 09:00–11:00 is
   * 01:00 PST to 04:00 PDT: two hours at 0.1, none at the 02:00 rate. */
  g_autofree char *la = g_strdup_printf (DST_SCHEDULE, "America/Los_Angeles", "02:00-03:00", "00:00-02:00,03:00-23:59");
  g_autoptr(AetherTariff) la_tariff = tariff_from (la);
  g_autoptr(JsonNode) la_cost = cost_of (la_tariff, utc (2024, 3, 10, 9, 0), utc (2024, 3, 10, 11, 0), 2.0);
  /* Berlin, 2024-03-31: 02:00–03:00 skipped; UTC 00:00–02:00 is 01:00 CET to 04:00 CEST. */
  g_autoptr(AetherTariff) berlin_tariff = NULL;
  g_autoptr(JsonNode) berlin_cost = NULL;
  g_autofree char *berlin = g_strdup_printf (DST_SCHEDULE, "Europe/Berlin", "02:00-03:00", "00:00-02:00,03:00-23:59");

  berlin_tariff = tariff_from (berlin);
  berlin_cost = cost_of (berlin_tariff, utc (2024, 3, 31, 0, 0), utc (2024, 3, 31, 2, 0), 2.0);

  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (la_cost), "energy_cost"), 0.2, EPS);
  g_assert_cmpfloat_with_epsilon (period_cost (la_cost, "two"), 0.0, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (berlin_cost), "energy_cost"), 0.2, EPS);
}

static const char *flat_tiers =
  "{\"rate_id\": \"tiers\", \"effective_date\": \"2024-01-01\", \"time_zones\": \"UTC\","
  " \"rate_structure\": {\"periods\": [{\"name\": \"all_day\", \"days\": [\"all\"], \"hours\": \"00:00-23:59\","
  "   \"tiers\": [{\"max_kwh\": 10, \"rate\": 0.1}, {\"rate\": 0.2}]}]},"
  " \"fixed_charges\": {\"monthly_service\": 10},"
  " \"taxes\": [{\"name\": \"VAT\", \"percent\": 10, \"applies_to\": [\"energy\", \"fixed\"]}]}";

static void
test_tiers_cross_limit_mid_interval (void)
{
  g_autoptr(AetherTariff) tariff = tariff_from (flat_tiers);
  /* 8 kWh, then 4 kWh: the second hour crosses 10 kWh after 2 kWh:
   * 8 × 0.1 + 2 × 0.1 + 2 × 0.2 = 1.4 */
  AetherEnergyInterval ivs[] = {
    { utc (2024, 1, 10, 0, 0), utc (2024, 1, 10, 1, 0), 8.0, 0 },
    { utc (2024, 1, 10, 1, 0), utc (2024, 1, 10, 2, 0), 4.0, 0 },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) bill = aether_tariff_bill (tariff, ivs, 2, utc (2024, 1, 1, 0, 0), &error);
  JsonObject *energy;
  JsonArray *tiers;

  g_assert_no_error (error);
  energy = json_object_get_object_member (json_node_get_object (bill), "energy");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (energy, "cost"), 1.4, EPS);
  tiers = json_object_get_array_member (json_object_get_object_member (
            json_object_get_object_member (energy, "by_period"), "all_day"), "tiers");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_array_get_object_element (tiers, 0), "energy_kwh"), 10.0, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_array_get_object_element (tiers, 1), "energy_kwh"), 2.0, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_array_get_object_element (tiers, 1), "cost"), 0.4, EPS);
}

static void
test_prorated_monthly_charges_and_taxes (void)
{
  g_autoptr(AetherTariff) tariff = tariff_from (flat_tiers);
  AetherEnergyInterval jan = { utc (2024, 1, 10, 0, 0), utc (2024, 1, 10, 1, 0), 10.0, 0 };
  AetherEnergyInterval feb = { utc (2023, 2, 10, 0, 0), utc (2023, 2, 10, 1, 0), 10.0, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) jan_bill = aether_tariff_bill (tariff, &jan, 1, utc (2024, 1, 1, 0, 0), &error);
  g_autoptr(JsonNode) feb_bill = NULL;
  g_autoptr(JsonNode) mid_bill = NULL;
  JsonObject *o;

  /* January: 31 days × 10/31 = 10.00; energy 10 × 0.1 = 1.00;
   * VAT 10 % of (1.00 + 10.00) = 1.10; total 12.10 */
  o = json_node_get_object (jan_bill);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (o, "cycle"), "days"), 31, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (o, "fixed_charges"), "total"), 10.0, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_array_get_object_element (
                                  json_object_get_array_member (o, "taxes"), 0), "amount"), 1.1, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "total"), 12.1, EPS);

  /* February 2023: 28 days × 10/28 = 10.00 */
  g_autoptr(AetherTariff) t2 = NULL;
  (void)t2;
  {
    g_autofree char *older = g_strdup (flat_tiers);

    memcpy (strstr (older, "2024-01-01"), "2023-01-01", 10);
    g_clear_object (&tariff);
    tariff = tariff_from (older);
  }
  feb_bill = aether_tariff_bill (tariff, &feb, 1, utc (2023, 2, 1, 0, 0), &error);
  g_assert_no_error (error);
  o = json_node_get_object (feb_bill);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (o, "cycle"), "days"), 28, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (o, "fixed_charges"), "total"), 10.0, EPS);

  /* A cycle from 2024-01-15: 17 January days × 10/31 + 14 February days × 10/29 */
  g_clear_object (&tariff);
  tariff = tariff_from (flat_tiers);
  mid_bill = aether_tariff_bill (tariff, &jan, 1, utc (2024, 1, 15, 0, 0), &error);
  o = json_node_get_object (mid_bill);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (o, "fixed_charges"), "total"),
                                  17 * 10.0 / 31 + 14 * 10.0 / 29, EPS);
}

static void
test_demand_charge_from_15_minute_peak (void)
{
  g_autoptr(AetherTariff) tariff = tariff_from (seed_fixed);
  g_autoptr(GArray) ivs = g_array_new (FALSE, FALSE, sizeof (AetherEnergyInterval));
  gint64 day = local ("America/Los_Angeles", 2024, 6, 3, 0, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) bill = NULL;
  JsonObject *demand;

  /* 1 kW all day in 15-minute steps, but 4 kW from 12:00 to 12:15:
   * peak 4 kW × 15 $/kW = 60 */
  for (int q = 0; q < 96; q++)
    {
      AetherEnergyInterval iv = { day + q * 900, day + (q + 1) * 900, q == 48 ? 1.0 : 0.25, 0 };
      g_array_append_val (ivs, iv);
    }

  bill = aether_tariff_bill (tariff, (AetherEnergyInterval *)(gpointer)ivs->data, ivs->len,
                             local ("America/Los_Angeles", 2024, 6, 1, 0, 0), &error);
  g_assert_no_error (error);
  demand = json_object_get_object_member (json_node_get_object (bill), "demand");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (demand, "peak_kw"), 4.0, EPS);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (demand, "charge"), 60.0, EPS);
  g_assert_cmpstr (json_object_get_string_member (demand, "peak_time"), ==, "2024-06-03T19:00:00Z");
  /* The readings stop on day 3 of 30: a projection of the cycle. */
  g_assert_true (json_object_has_member (json_node_get_object (bill), "projection"));
}

static JsonNode *
import_urdb (const char  *name,
             const char  *zone,
             GPtrArray   *notes)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "tariff", "urdb", name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) schedules = aether_urdb_import_file (path, zone, notes, &error);

  g_assert_no_error (error);
  return json_node_copy (g_ptr_array_index (schedules, 0));
}

/* The rate of the period called @name in the first season that has it
 * (or the flat list of periods). */
static double
period_rate (JsonNode   *schedule,
             const char *name)
{
  JsonObject *structure = json_object_get_object_member (json_node_get_object (schedule), "rate_structure");
  JsonArray *seasons = json_object_get_array_member (structure, "seasons");
  guint n_lists = seasons ? json_array_get_length (seasons) : 1;

  for (guint s = 0; s < n_lists; s++)
    {
      JsonObject *holder = seasons ? json_array_get_object_element (seasons, s) : structure;
      JsonArray *periods = json_object_get_array_member (holder, "periods");

      for (guint p = 0; p < json_array_get_length (periods); p++)
        {
          JsonObject *period = json_array_get_object_element (periods, p);

          if (g_strcmp0 (json_object_get_string_member (period, "name"), name) == 0)
            return json_object_get_double_member (period, "rate");
        }
    }
  g_error ("No period %s", name);
}

/* Each importing fixture gives exactly its one plan, with a price read off
 * the record by hand: energyratestructure[N - 1][0], rate + adj, is
 * period_N's (first-tier) price. */
static void
test_every_urdb_fixture_imports_or_says_why (void)
{
  static const struct {
    const char *file;
    gboolean    imports;
    const char *says;
    guint       n_schedules;
    const char *period;
    double      rate;
  } cases[] = {
    { "python-openei_plan_data.json", TRUE, NULL, 1, "period_3", 0.19847 + 0.02651779 },
    { "python-openei_plan_demand_data.json", TRUE, NULL, 1, "period_1", 0.07798 + 0.005741 },
    { "python-openei_plan_tier_data.json", TRUE, "minimum charge", 1, "period_2", 0.25902 },
    { "python-openei_plan_adjustments_data.json", TRUE, NULL, 1, "period_1", 0.18034 + 0.07345 },
    { "python-openei_fixed_charge_rate.json", TRUE, NULL, 1, "period_1", 0.06821 + 0.03726 },
    { "python-openei_sell_rate.json", TRUE, NULL, 1, "period_3", 0.16182 + 0.06655 },
    { "reopt_multi_tier_urdb_response.json", TRUE, "Demand tiers are not supported", 1, "period_3", 0.061731 },
    { "reopt_scenario_incentives_SCE_GS-2_TOU_B_urdb_response.json", TRUE, "flat and a time-of-use demand", 1,
      "period_1", 0.0712 },
    { "reopt_scenario_re_emissions_Entergy_AR_LPS_TOU_urdb_response.json", TRUE, NULL, 1, "period_3",
      0.01086 + 0.01882 },
    { "python-openei_lookup.json", FALSE, "only names", 0, NULL, 0 },
    { "python-openei_lookup_radius.json", FALSE, "only names", 0, NULL, 0 },
    { "python-openei_api_error.json", FALSE, "No api_key was supplied", 0, NULL, 0 },
    { "python-openei_rate_limit.json", FALSE, "exceeded your rate limit", 0, NULL, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (TEST_DATA_DIR, "tariff", "urdb", cases[i].file, NULL);
      g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) schedules = aether_urdb_import_file (path, "America/Phoenix", notes, &error);

      if (!cases[i].imports)
        {
          g_assert_null (schedules);
          g_assert_nonnull (strstr (error->message, cases[i].says));
          continue;
        }

      g_assert_no_error (error);
      g_test_message ("%s: %u schedules", cases[i].file, schedules->len);
      g_assert_cmpuint (schedules->len, ==, cases[i].n_schedules);
      g_assert_cmpfloat_with_epsilon (period_rate (g_ptr_array_index (schedules, 0), cases[i].period), cases[i].rate, 1e-9);
      for (guint s = 0; s < schedules->len; s++)
        {
          g_autoptr(GPtrArray) problems = aether_rate_schedule_validate_json (g_ptr_array_index (schedules, s));

          if (problems->len > 0)
            g_error ("%s: %s", cases[i].file, (char *)g_ptr_array_index (problems, 0));
        }
      if (cases[i].says != NULL)
        {
          gboolean found = FALSE;

          for (guint n = 0; n < notes->len; n++)
            found |= strstr (g_ptr_array_index (notes, n), cases[i].says) != NULL;
          g_assert_true (found);
        }
    }
}

static void
test_aps_prices_a_known_load (void)
{
  g_autoptr(JsonNode) node = import_urdb ("python-openei_plan_data.json", "America/Phoenix", NULL);
  g_autoptr(AetherRateSchedule) schedule = aether_rate_schedule_new_from_json (node, NULL);
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();
  g_autoptr(JsonNode) cost = NULL;

  g_assert_true (aether_tariff_add_schedule (tariff, schedule, NULL));
  /* Monday 2024-06-03, 1 kWh an hour all day, Phoenix time.
   * Summer on-peak 12:00–19:00: 7 × (0.24477 + 0.02824917) = 1.91113419
   * Summer off-peak, 17 hours: 17 × (0.06118 + 0.02138383) = 1.40358511
   * Total 3.3147193 */
  cost = cost_of (tariff, local ("America/Phoenix", 2024, 6, 3, 0, 0), local ("America/Phoenix", 2024, 6, 4, 0, 0), 24.0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (cost), "energy_cost"), 3.3147193, 1e-6);
  g_assert_cmpfloat_with_epsilon (period_cost (cost, "period_1"), 1.91113419, 1e-6);
  g_assert_cmpfloat_with_epsilon (period_cost (cost, "period_2"), 1.40358511, 1e-6);
  /* The fixed charge, 16.91 $/month, for one June day: 16.91 / 30 */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (cost), "fixed_charges"), 16.91 / 30, 1e-6);
}

static void
test_pge_daily_tiers_price_a_known_load (void)
{
  g_autoptr(JsonNode) node = import_urdb ("python-openei_plan_tier_data.json", "America/Los_Angeles", NULL);
  g_autoptr(AetherRateSchedule) schedule = aether_rate_schedule_new_from_json (node, NULL);
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();
  g_autoptr(JsonNode) cost = NULL;
  gint64 start = local ("America/Los_Angeles", 2021, 7, 1, 0, 0);

  g_assert_true (aether_tariff_add_schedule (tariff, schedule, NULL));
  g_assert_nonnull (aether_tariff_schedule_at (tariff, start));
  /* Two summer days of 24 kWh; tiers reset daily (“kWh daily”):
   * each day 6.8 × 0.25902 + 17.2 × 0.32596 = 1.761336 + 5.606512 = 7.367848 */
  cost = cost_of (tariff, start, start + 2 * 86400, 48.0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary_of (cost), "energy_cost"), 2 * 7.367848, 1e-6);
}

static void
test_pricer_for_storage (void)
{
  g_autoptr(AetherTariff) tariff = tariff_from (seed_fixed);
  g_autoptr(GError) error = NULL;
  AetherPrice price;
  gint64 peak_minute = local ("America/Los_Angeles", 2024, 6, 3, 17, 0);

  g_assert_true (aether_pricer_price_energy (AETHER_PRICER (tariff), "plug", peak_minute, peak_minute + 60,
                                             0.01, &price, &error));
  g_assert_cmpstr (price.period, ==, "peak");
  g_assert_cmpfloat_with_epsilon (price.cost, 0.0042, EPS);

  /* Before the schedule is in force: no price, and it says why. */
  g_assert_false (aether_pricer_price_energy (AETHER_PRICER (tariff), "plug", utc (2020, 1, 1, 0, 0),
                                              utc (2020, 1, 1, 0, 1), 0.01, &price, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE);
}

#define FLAT_RATE \
  "{\"rate_id\": \"flat-%s\", \"effective_date\": \"2024-01-01\", \"time_zones\": \"UTC\"," \
  " \"rate_structure\": {\"periods\": [{\"name\": \"flat\", \"rate\": %s, \"days\": [\"all\"], \"hours\": \"00:00-23:59\"}]}}"

static AetherTariff *
flat_tariff (const char *rate)
{
  g_autofree char *json = g_strdup_printf (FLAT_RATE, rate, rate);

  return tariff_from (json);
}

static double
total_cost (AetherStore *store,
            gint64       from_s,
            gint64       to_s)
{
  g_autoptr(GPtrArray) totals = aether_store_energy_totals (store, from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC,
                                                            "device", NULL);

  g_assert_cmpuint (totals->len, ==, 1);
  return ((AetherEnergyTotal *)g_ptr_array_index (totals, 0))->cost;
}

static void
test_reprice_job_resumes_and_reprices_every_tier (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-reprice-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "aetherlens.db", NULL);
  g_autoptr(GTimeZone) utc_zone = g_time_zone_new_utc ();
  g_autoptr(AetherClock) clock = aether_clock_new_manual (0);
  g_autoptr(AetherTariff) cheap = flat_tariff ("0.1");
  g_autoptr(AetherTariff) dear = flat_tariff ("0.2");
  g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_autoptr(GError) error = NULL;
  gint64 t0 = utc (2024, 3, 1, 0, 0);
  guint left = 99;

  for (guint i = 0; i < 3 * 1440; i++)
    {
      AetherReading r = { (t0 + (gint64)i * 60) * G_USEC_PER_SEC, (char *)"lamp", (char *)"power", 100.0, (char *)"W" };
      g_array_append_val (readings, r);
    }

  {
    g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);

    g_assert_no_error (error);
    aether_store_set_time_zone (store, utc_zone);
    aether_store_set_pricer (store, AETHER_PRICER (cheap));
    g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
    g_assert_true (aether_store_maintain (store, (t0 + 3 * 86400 + 60) * G_USEC_PER_SEC, NULL, &error));
    g_assert_no_error (error);
    /* 100 W for three days less the last minute: 7.19833 kWh at 0.1 */
    g_assert_cmpfloat_with_epsilon (total_cost (store, t0, t0 + 3 * 86400), 0.1 * 100 * (3 * 1440 - 1) / 60 / 1000, 1e-6);

    /* The schedule is corrected: twice the price. One day, then a "crash". */
    aether_store_set_pricer (store, AETHER_PRICER (dear));
    g_assert_true (aether_store_add_reprice_job (store, t0 * G_USEC_PER_SEC, (t0 + 3 * 86400) * G_USEC_PER_SEC, &error));
    g_assert_true (aether_store_run_reprice_jobs (store, 1, &left, &error));
    g_assert_cmpuint (left, ==, 2);
  }

  {
    g_autoptr(AetherStore) store = aether_store_open (path, clock, &error);

    g_assert_no_error (error);
    aether_store_set_time_zone (store, utc_zone);
    aether_store_set_pricer (store, AETHER_PRICER (dear));
    g_assert_true (aether_store_run_reprice_jobs (store, 0, &left, &error));
    g_assert_cmpuint (left, ==, 0);
    g_assert_cmpfloat_with_epsilon (total_cost (store, t0, t0 + 3 * 86400), 0.2 * 100 * (3 * 1440 - 1) / 60 / 1000, 1e-6);

    /* The daily tier was re-priced too: ask a range only it still covers. */
    {
      AetherRetention r;

      aether_retention_init_defaults (&r);
      r.energy_s[AETHER_TIER_1M] = 3600;
      r.energy_s[AETHER_TIER_5M] = 3600;
      r.energy_s[AETHER_TIER_1H] = 3600;
      aether_store_set_retention (store, &r);
      g_assert_true (aether_store_maintain (store, (t0 + 10 * 86400) * G_USEC_PER_SEC, NULL, &error));
      g_assert_cmpfloat_with_epsilon (total_cost (store, t0, t0 + 86400), 0.2 * 2.4, 1e-6);
    }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tariff/validate/seed-example-gaps-are-named", test_seed_example_gaps_are_named);
  g_test_add_func ("/tariff/validate/names-what-is-wrong", test_validation_names_what_is_wrong);
  g_test_add_func ("/tariff/validate/overlapping-versions-refused", test_overlapping_versions_are_refused);
  g_test_add_func ("/tariff/model/round-trips-exactly", test_schedule_round_trips_exactly);
  g_test_add_func ("/tariff/price/seed-weekday-and-weekend", test_seed_weekday_and_weekend);
  g_test_add_func ("/tariff/price/interval-straddling-16-00-splits", test_interval_straddling_16_00_splits);
  g_test_add_func ("/tariff/dst/fall-back-hour-priced-twice", test_dst_fall_back_hour_priced_twice);
  g_test_add_func ("/tariff/dst/spring-forward-hour-not-priced", test_dst_spring_forward_hour_not_priced);
  g_test_add_func ("/tariff/bill/tiers-cross-limit-mid-interval", test_tiers_cross_limit_mid_interval);
  g_test_add_func ("/tariff/bill/prorated-monthly-charges-and-taxes", test_prorated_monthly_charges_and_taxes);
  g_test_add_func ("/tariff/bill/demand-charge-from-15-minute-peak", test_demand_charge_from_15_minute_peak);
  g_test_add_func ("/tariff/urdb/every-fixture-imports-or-says-why", test_every_urdb_fixture_imports_or_says_why);
  g_test_add_func ("/tariff/urdb/aps-prices-known-load", test_aps_prices_a_known_load);
  g_test_add_func ("/tariff/urdb/pge-daily-tiers-price-known-load", test_pge_daily_tiers_price_a_known_load);
  g_test_add_func ("/tariff/pricer/for-storage", test_pricer_for_storage);
  g_test_add_func ("/tariff/reprice/job-resumes-and-reprices-every-tier", test_reprice_job_resumes_and_reprices_every_tier);

  return g_test_run ();
}
