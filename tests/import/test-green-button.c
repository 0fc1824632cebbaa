/* test-green-button.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Green Button import and reconciliation through the real CLI, checked
 * against sums taken over the XML text itself (a regular expression, not
 * the parser under test). */

#include "config.h"

#include <math.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "import/aether-green-button.h"

#define GB_DIR TEST_DATA_DIR "/greenbutton"
#define NINE_DAYS GB_DIR "/gbo_electricity_TestGBDataHourlyNineDaysBinnedDaily.xml"
#define ONE_YEAR GB_DIR "/gbo_electricity_TestGBDataOneYearDailyBinnedMonthly.xml"
#define FLAT GB_DIR "/flat-2013.json"

typedef struct
{
  char *dir;
  char *db;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = g_dir_make_tmp ("aether-gb-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "test.db", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

/* Σ value and Σ cost of every IntervalReading, read off the text. */
static void
sum_file (const char *path,
          double     *value,
          double     *cost,
          guint      *n)
{
  g_autofree char *text = NULL;
  g_autoptr(GRegex) reading = g_regex_new ("<IntervalReading>(.*?)</IntervalReading>", G_REGEX_DOTALL, 0, NULL);
  g_autoptr(GRegex) v = g_regex_new ("<value>(-?[0-9]+)</value>", 0, 0, NULL);
  g_autoptr(GRegex) c = g_regex_new ("<cost>(-?[0-9]+)</cost>", 0, 0, NULL);
  g_autoptr(GMatchInfo) m = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  *value = *cost = 0;
  *n = 0;
  g_regex_match (reading, text, 0, &m);
  while (g_match_info_matches (m))
    {
      g_autofree char *body = g_match_info_fetch (m, 1);
      g_autoptr(GMatchInfo) mv = NULL;
      g_autoptr(GMatchInfo) mc = NULL;

      if (g_regex_match (v, body, 0, &mv))
        {
          g_autofree char *t = g_match_info_fetch (mv, 1);
          *value += g_ascii_strtod (t, NULL);
        }
      if (g_regex_match (c, body, 0, &mc))
        {
          g_autofree char *t = g_match_info_fetch (mc, 1);
          *cost += g_ascii_strtod (t, NULL) * 1e-5;
        }
      (*n)++;
      g_match_info_next (m, NULL);
    }
}

/* The CLI, with what it prints kept out of the TAP stream. */
#define run_quietly(db, ...) \
  ({ g_autofree char *_out = NULL; g_autofree char *_err = NULL; \
     aether_test_run_cli (db, &_out, &_err, __VA_ARGS__); })

static JsonNode *
run_json (const char *db,
          ...)
{
  /* Small wrapper: the CLI's JSON output, parsed. */
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *arg;
  va_list ap;
  int status;

  g_ptr_array_add (args, (char *)"--db");
  g_ptr_array_add (args, (char *)db);
  va_start (ap, db);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (char *)arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  status = aether_test_run_cli_argv ((const char * const *)args->pdata, &out);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (json_parser_load_from_data (parser, out, -1, NULL));
  return json_node_copy (json_parser_get_root (parser));
}

/* Each fixture imports with what the file holds, or is refused naming why
 * and with nothing stored. */
static void
test_every_fixture (Fixture       *f,
                    gconstpointer  data)
{
  static const struct { const char *file; const char *refusal; } cases[] = {
    { "gbo_electricity_TestGBDataHourlyNineDaysBinnedDaily.xml", NULL },
    { "gbo_electricity_TestGBDataOneYearDailyBinnedMonthly.xml", NULL },
    { "gbo_abridged_electric_containerized.xml", NULL },
    { "gbo_abridged_gas_direct.xml", NULL },
    { "cityssm_intervals_APUC000000_electric.xml", NULL },
    { "verdigris_BulkSCEUsageSummaryAndIntervalBlock.xml", NULL },
    { "gbo_abridged_gas_containerized.xml", "is empty (no uom, no power of ten)" },
    { "verdigris_ESPIReadingType.xml", "holds no interval readings with a ReadingType (only: ReadingType)" },
    { "verdigris_BulkSCERetailCustomer.xml", "(only: CustomerAccount" },
    { "malformed/verdigris_PGEUsageSummary.xml", "line 8: Namespace prefix ns1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_build_filename (GB_DIR, cases[i].file, NULL);
      g_autofree char *db = g_strdup_printf ("%s.%u", f->db, i);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *list = NULL;
      g_autofree char *list_err = NULL;
      int status = aether_test_run_cli (db, &out, &err, "import", "greenbutton", path, NULL);

      g_strdelimit (out, "\n", ' ');
      g_strdelimit (err, "\n", ' ');
      g_test_message ("%s: %s%s", cases[i].file, out, err);
      if (cases[i].refusal == NULL)
        {
          double value, cost;
          guint n;
          g_autofree char *count = NULL;

          g_assert_cmpint (status, ==, 0);
          sum_file (path, &value, &cost, &n);
          /* The file's own count appears in what the import says. */
          count = g_strdup_printf (" %u reading", n);
          if (g_str_has_prefix (cases[i].file, "cityssm"))
            /* Two meter readings (Wh and ×10³ uom 169): the readings are split between them. */
            g_assert_nonnull (strstr (out, "readings"));
          else
            g_assert_nonnull (strstr (out, count));
        }
      else
        {
          g_assert_cmpint (status, !=, 0);
          g_assert_nonnull (strstr (err, cases[i].refusal));
          /* Nothing stored: no device. */
          aether_test_run_cli (db, &list, &list_err, "devices", "list", "--json", NULL);
          g_assert_null (strstr (list ? list : "", "utility-"));
        }
    }
}

/* The nine-day hourly file: Σ 199,563 Wh = overallConsumptionLastPeriod,
 * Σ cost $22.05567 against a bill of $22.08, exactly. */
static void
test_nine_day_reconciliation (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(JsonNode) report = run_json (f->db, "rates", "reconcile", "--json", "--schedule", FLAT, NINE_DAYS, NULL);
  JsonArray *points = json_object_get_array_member (json_node_get_object (report), "usage_points");
  JsonObject *period, *utility, *ours;
  g_autofree char *text = NULL;
  double value, cost;
  guint n;

  sum_file (NINE_DAYS, &value, &cost, &n);
  g_assert_cmpfloat (value, ==, 199563);
  g_assert_cmpfloat_with_epsilon (cost, 22.05567, 1e-9);

  g_assert_cmpuint (json_array_get_length (points), ==, 1);
  period = json_array_get_object_element (json_object_get_array_member (json_array_get_object_element (points, 0), "periods"), 0);
  utility = json_object_get_object_member (period, "utility");
  ours = json_object_get_object_member (period, "ours");
  g_assert_cmpint (json_object_get_int_member (period, "intervals"), ==, 216);
  g_assert_cmpfloat (json_object_get_double_member (period, "energy_wh"), ==, 199563);
  g_assert_cmpfloat (json_object_get_double_member (period, "utility_consumption"), ==, 199563);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (utility, "interval_cost"), 22.05567, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (utility, "bill"), 22.08, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (period, "bill_minus_intervals"), 0.02433, 1e-9);
  g_assert_nonnull (strstr (json_object_get_string_member (period, "bill_minus_intervals_cause"), "rounding"));
  /* Ours: the flat $0.11/kWh of the test schedule, by hand. */
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (ours, "total"), 199.563 * 0.11, 1e-5);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (period, "difference"), 199.563 * 0.11 - 22.08, 1e-5);
  g_assert_cmpstr (json_object_get_string_member (period, "start"), ==, "2014-01-01T00:00:00-05");

  /* And a person reads the same figures. */
  g_assert_cmpint (aether_test_run_cli (f->db, &text, NULL, "rates", "reconcile", "--schedule", FLAT, NINE_DAYS, NULL), ==, 0);
  g_assert_nonnull (strstr (text, "199563.000 Wh"));
  g_assert_nonnull (strstr (text, "22.05567 USD"));
  g_assert_nonnull (strstr (text, "22.08 USD"));
}

/* What the import stores is what the file says: the store's energy for the
 * nine days equals the sum over the XML, and importing again changes
 * nothing. The utility meter is not part of the home. */
static void
test_stored_equals_file (Fixture       *f,
                         gconstpointer  data)
{
  double value, cost;
  guint n;

  sum_file (NINE_DAYS, &value, &cost, &n);
  {
      g_autoptr(JsonNode) energy = NULL;
      JsonArray *totals;
      JsonObject *row, *total;

      g_assert_cmpint (run_quietly (f->db, "import", "greenbutton", NINE_DAYS, NULL), ==, 0);
      /* Twice: the second import replaces the same readings. */
      g_assert_cmpint (run_quietly (f->db, "import", "greenbutton", NINE_DAYS, NULL), ==, 0);
      g_assert_cmpint (run_quietly (f->db, "db", "maintain", "--now", "2014-01-12T00:00:00Z", NULL), ==, 0);
      energy = run_json (f->db, "db", "energy", "--from", "2014-01-01T00:00:00Z", "--to", "2014-01-11T00:00:00Z", NULL);
      totals = json_object_get_array_member (json_node_get_object (energy), "totals");
      g_assert_cmpuint (json_array_get_length (totals), ==, 1);
      row = json_array_get_object_element (totals, 0);
      g_assert_cmpstr (json_object_get_string_member (row, "key"), ==, "utility-green-button-sample-data-file");
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "energy_kwh"), value / 1000.0, 1e-6);
      /* The home is the home's own devices, never the utility's view of them. */
      total = json_object_get_object_member (json_node_get_object (energy), "total");
      g_assert_cmpfloat (json_object_get_double_member (total, "energy_kwh"), ==, 0);
    }
}

/* The year of daily readings reconciles month by month: every month is a
 * period, and the periods add up to the file. */
static void
test_year_per_month (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(JsonNode) report = run_json (f->db, "rates", "reconcile", "--json", "--schedule", FLAT, ONE_YEAR, NULL);
  JsonArray *periods = json_object_get_array_member (
    json_array_get_object_element (json_object_get_array_member (json_node_get_object (report), "usage_points"), 0), "periods");
  double value, cost, energy = 0, utility_cost = 0;
  guint n, intervals = 0;

  sum_file (ONE_YEAR, &value, &cost, &n);
  /* 1 January 2013 to 21 March 2014: fifteen months (February 2014 is the
   * file's own billing period). */
  g_assert_cmpuint (json_array_get_length (periods), ==, 15);
  for (guint i = 0; i < json_array_get_length (periods); i++)
    {
      JsonObject *p = json_array_get_object_element (periods, i);

      energy += json_object_get_double_member (p, "energy_wh");
      utility_cost += json_object_get_double_member (json_object_get_object_member (p, "utility"), "interval_cost");
      intervals += (guint)json_object_get_int_member (p, "intervals");
    }
  g_assert_cmpuint (intervals, ==, n);
  g_assert_cmpfloat_with_epsilon (energy, value, 1e-6);
  g_assert_cmpfloat_with_epsilon (utility_cost, cost, 1e-4);
}

/* Gas in therms stays gas: its own metric, no electricity energy. */
static void
test_gas_stays_gas (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(JsonNode) energy = NULL;
  g_autofree char *out = NULL;

  g_assert_cmpint (aether_test_run_cli (f->db, &out, NULL, "import", "greenbutton", GB_DIR "/gbo_abridged_gas_direct.xml", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "therm"));
  g_assert_cmpint (run_quietly (f->db, "db", "maintain", "--now", "2021-11-01T00:00:00Z", NULL), ==, 0);
  energy = run_json (f->db, "db", "energy", "--from", "2021-05-01T00:00:00Z", "--to", "2021-11-01T00:00:00Z", NULL);
  {
    JsonArray *totals = json_object_get_array_member (json_node_get_object (energy), "totals");

    for (guint i = 0; i < json_array_get_length (totals); i++)
      g_assert_cmpfloat (json_object_get_double_member (json_array_get_object_element (totals, i), "energy_kwh"), ==, 0);
  }
}

/* LocalTimeParameters: North American rules (second Sunday of March to the
 * first of November, 02:00) on a −5 h zone. */
static void
test_local_time (void)
{
  g_autoptr(GTimeZone) zone = aether_green_button_time_zone (-18000, 3600, 0x360E2000, 0xB40E2000);
  g_autoptr(GDateTime) winter = g_date_time_new_utc (2014, 1, 15, 12, 0, 0);
  g_autoptr(GDateTime) summer = g_date_time_new_utc (2014, 7, 15, 12, 0, 0);
  g_autoptr(GDateTime) before = g_date_time_new_utc (2014, 3, 9, 6, 59, 0);   /* 01:59 EST */
  g_autoptr(GDateTime) after = g_date_time_new_utc (2014, 3, 9, 7, 1, 0);     /* 03:01 EDT */
  g_autoptr(GDateTime) november = g_date_time_new_utc (2014, 11, 2, 6, 1, 0); /* 01:01 EST */

  g_assert_cmpint (g_time_zone_get_offset (zone, g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, g_date_time_to_unix (winter))), ==, -18000);
  g_assert_cmpint (g_time_zone_get_offset (zone, g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, g_date_time_to_unix (summer))), ==, -14400);
  g_assert_cmpint (g_time_zone_get_offset (zone, g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, g_date_time_to_unix (before))), ==, -18000);
  g_assert_cmpint (g_time_zone_get_offset (zone, g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, g_date_time_to_unix (after))), ==, -14400);
  g_assert_cmpint (g_time_zone_get_offset (zone, g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, g_date_time_to_unix (november))), ==, -18000);
}

/* A ReadingType is found by its link, wherever it stands in the file: the
 * same data with the entries reversed gives the same readings. */
static void
test_links_not_order (void)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherGreenButtonFeed) feed = NULL;
  AetherGreenButtonUsagePoint *point;
  AetherGreenButtonReading *reading;
  const char *doc =
    "<feed xmlns='http://www.w3.org/2005/Atom'>"
    " <entry><link rel='self' href='/RT/wrong'/><content><ReadingType xmlns='http://naesb.org/espi'>"
    "  <uom>169</uom><powerOfTenMultiplier>0</powerOfTenMultiplier></ReadingType></content></entry>"
    " <entry><link rel='self' href='/UP/1/MR/1/IB/1'/><link rel='up' href='/UP/1/MR/1/IB'/><content>"
    "  <espi:IntervalBlock xmlns:espi='http://naesb.org/espi'><espi:IntervalReading><espi:cost>100000</espi:cost>"
    "  <espi:timePeriod><espi:duration>3600</espi:duration><espi:start>1388552400</espi:start></espi:timePeriod>"
    "  <espi:value>5</espi:value></espi:IntervalReading></espi:IntervalBlock></content></entry>"
    " <entry><link rel='self' href='/UP/1/MR/1'/><link rel='up' href='/UP/1/MR'/>"
    "  <link rel='related' href='/UP/1/MR/1/IB'/><link rel='related' href='/RT/right'/>"
    "  <content><MeterReading xmlns='http://naesb.org/espi'/></content></entry>"
    " <entry><link rel='self' href='/RT/right'/><content><ns0:ReadingType xmlns:ns0='http://naesb.org/espi'>"
    "  <ns0:uom>72</ns0:uom><ns0:powerOfTenMultiplier>3</ns0:powerOfTenMultiplier><ns0:flowDirection>19</ns0:flowDirection>"
    "  </ns0:ReadingType></content></entry>"
    " <entry><link rel='self' href='/UP/1'/><link rel='related' href='/UP/1/MR'/><title>Home</title>"
    "  <content><UsagePoint xmlns='http://naesb.org/espi'><ServiceCategory><kind>0</kind></ServiceCategory></UsagePoint></content></entry>"
    "</feed>";

  feed = aether_green_button_parse (doc, strlen (doc), "links.xml", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (feed->usage_points->len, ==, 1);
  point = g_ptr_array_index (feed->usage_points, 0);
  g_assert_cmpstr (point->title, ==, "Home");
  g_assert_cmpstr (point->commodity, ==, "electricity");
  reading = g_ptr_array_index (point->readings, 0);
  g_assert_cmpstr (reading->unit, ==, "Wh");
  g_assert_true (reading->received);
  g_assert_cmpuint (reading->intervals->len, ==, 1);
  g_assert_cmpfloat (g_array_index (reading->intervals, AetherGreenButtonInterval, 0).value, ==, 5000);
  g_assert_cmpfloat_with_epsilon (g_array_index (reading->intervals, AetherGreenButtonInterval, 0).cost, 1.0, 1e-12);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/import/green-button/every-fixture", Fixture, NULL, fixture_set_up, test_every_fixture, fixture_tear_down);
  g_test_add ("/import/green-button/nine-day-reconciliation", Fixture, NULL, fixture_set_up, test_nine_day_reconciliation, fixture_tear_down);
  g_test_add ("/import/green-button/stored-equals-file", Fixture, NULL, fixture_set_up, test_stored_equals_file, fixture_tear_down);
  g_test_add ("/import/green-button/year-per-month", Fixture, NULL, fixture_set_up, test_year_per_month, fixture_tear_down);
  g_test_add ("/import/green-button/gas-stays-gas", Fixture, NULL, fixture_set_up, test_gas_stays_gas, fixture_tear_down);
  g_test_add_func ("/import/green-button/local-time", test_local_time);
  g_test_add_func ("/import/green-button/links-not-order", test_links_not_order);

  return g_test_run ();
}
