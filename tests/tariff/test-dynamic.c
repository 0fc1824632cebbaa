/* test-dynamic.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Dynamic prices and carbon intensity from real feeds (Octopus Agile,
 * Nord Pool, UK Carbon Intensity; an ENTSO-E document written here),
 * priced by hand, through the tariff and through the store and the CLI. */

#include "config.h"

#include <math.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "tariff/aether-price-feed.h"

#include <libsoup/soup.h>

#define PRICES TEST_DATA_DIR "/prices"
#define AGILE PRICES "/octopus_agile_standard-unit-rates_E-1R-AGILE-18-02-21-D_2020-05-24_25.json"
#define CARBON PRICES "/uk_carbonintensity_intensity_fw24h_2020-05-24_25.json"
#define NORDPOOL PRICES "/nordpool_spotprice_expektra_DKK_2020-05-25.json"

static const char *agile_schedule =
  "{\"rate_id\": \"agile-2020\", \"provider\": \"Octopus Energy\", \"plan_name\": \"Agile Octopus\","
  " \"effective_date\": \"2020-01-01\", \"currency\": \"GBP\", \"time_zones\": \"Europe/London\","
  " \"rate_structure\": {\"type\": \"dynamic\", \"prices\": []}}";

static gint64
at (const char *iso)
{
  gint64 us;

  g_assert_true (aether_parse_timestamp (iso, &us, NULL));
  return us / G_USEC_PER_SEC;
}

static JsonNode *
merged_schedule (const char *schedule_json,
                 const char *feed_path,
                 const char *format)
{
  g_autoptr(JsonNode) schedule = json_from_string (schedule_json, NULL);
  g_autofree char *data = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  JsonNode *merged;

  g_assert_true (g_file_get_contents (feed_path, &data, &length, NULL));
  slots = aether_price_feed_parse (data, length, format, NULL, NULL, &error);
  g_assert_no_error (error);
  merged = aether_price_feed_merge (schedule, format, slots, &error);
  g_assert_no_error (error);
  return merged;
}

static AetherTariff *
tariff_from (JsonNode *schedule)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherRateSchedule) s = aether_rate_schedule_new_from_json (schedule, &error);
  AetherTariff *tariff = aether_tariff_new ();

  g_assert_no_error (error);
  g_assert_true (aether_tariff_add_schedule (tariff, s, &error));
  g_assert_no_error (error);
  return tariff;
}

/* 2 kW from 12:00 to 13:30 UTC on 24 May 2020: 1 kWh in each of three
 * Agile half-hours at 0, −2.058 and −1.2705 p/kWh (VAT included), so the
 * load earns (0 + 2.058 + 1.2705) / 100 = £0.033285. */
static void
test_agile_prices_a_load (void)
{
  g_autoptr(JsonNode) schedule = merged_schedule (agile_schedule, AGILE, "octopus_agile");
  g_autoptr(AetherTariff) tariff = tariff_from (schedule);
  AetherEnergyInterval load = { .start_s = at ("2020-05-24T12:00:00Z"), .end_s = at ("2020-05-24T13:30:00Z"), .energy_kwh = 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) priced = aether_tariff_cost (tariff, "heater", &load, 1, &error);
  JsonObject *summary;

  g_assert_no_error (error);
  summary = json_object_get_object_member (json_node_get_object (priced), "summary");
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary, "energy_kwh"), 3, 1e-9);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (summary, "energy_cost"), -0.033285, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (summary, "currency"), ==, "GBP");
}

/* A minute the feed has no price for is never priced at a guess. */
static void
test_no_price_is_named (void)
{
  g_autoptr(JsonNode) schedule = merged_schedule (agile_schedule, AGILE, "octopus_agile");
  g_autoptr(AetherTariff) tariff = tariff_from (schedule);
  AetherEnergyInterval load = { .start_s = at ("2020-05-26T00:00:00Z"), .end_s = at ("2020-05-26T01:00:00Z"), .energy_kwh = 1 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) priced = aether_tariff_cost (tariff, "heater", &load, 1, &error);

  g_assert_null (priced);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE);
  g_assert_nonnull (strstr (error->message, "has no price for 2020-05-26T00:00:00Z"));
}

/* The carbon feed replaces the hourly figure where it has one: 1 kW over
 * the half-hour from 20:30 on 24 May at a forecast of 146 g/kWh is 73 g. */
static void
test_carbon_feed (void)
{
  g_autoptr(JsonNode) priced_schedule = merged_schedule (agile_schedule, AGILE, "octopus_agile");
  g_autofree char *text = json_to_string (priced_schedule, FALSE);
  g_autoptr(JsonNode) schedule = merged_schedule (text, CARBON, "uk_carbon_intensity");
  g_autoptr(AetherTariff) tariff = tariff_from (schedule);
  AetherEnergyInterval load = { .start_s = at ("2020-05-24T20:30:00Z"), .end_s = at ("2020-05-24T21:00:00Z"), .energy_kwh = 0.5 };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) priced = aether_tariff_cost (tariff, "heater", &load, 1, &error);

  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (json_object_get_object_member (json_node_get_object (priced), "summary"),
                                                                "co2_kg"), 0.073, 1e-9);
}

/* The prices ahead, and the cheapest hour among them: from 10:00 to
 * 16:00 on 24 May, 13:00–14:00 at (−1.2705 − 2.1735) / 2 = −1.722 p/kWh. */
static void
test_cheapest_hour (void)
{
  g_autoptr(JsonNode) schedule = merged_schedule (agile_schedule, AGILE, "octopus_agile");
  g_autoptr(AetherTariff) tariff = tariff_from (schedule);
  g_autoptr(GArray) slots = aether_tariff_prices_between (tariff, at ("2020-05-24T10:00:00Z"), at ("2020-05-24T16:00:00Z"));
  gint64 start = 0;
  double average = 0;

  g_assert_cmpuint (slots->len, ==, 12);
  g_assert_cmpfloat_with_epsilon (g_array_index (slots, AetherPriceSlot, 0).rate, -0.005775, 1e-12);
  g_assert_cmpint (g_array_index (slots, AetherPriceSlot, 11).end_s, ==, at ("2020-05-24T16:00:00Z"));
  g_assert_true (aether_price_slots_cheapest (slots, 3600, &start, &average));
  g_assert_cmpint (start, ==, at ("2020-05-24T13:00:00Z"));
  g_assert_cmpfloat_with_epsilon (average, -0.01722, 1e-12);
  /* Nothing seven hours long fits in six priced ones. */
  g_assert_false (aether_price_slots_cheapest (slots, 7 * 3600, &start, &average));
}

/* Nord Pool: DKK per MWh, as strings, hourly. */
static void
test_nordpool_per_kwh (void)
{
  g_autofree char *data = NULL;
  g_autofree char *currency = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  AetherFeedSlot *first;

  g_assert_true (g_file_get_contents (NORDPOOL, &data, &length, NULL));
  g_assert_cmpstr (aether_price_feed_detect (data, length), ==, "nordpool");
  slots = aether_price_feed_parse (data, length, NULL, NULL, &currency, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (currency, ==, "DKK");
  first = &g_array_index (slots, AetherFeedSlot, 0);
  g_assert_cmpint (first->start_s, ==, at ("2020-05-24T21:00:00Z"));
  g_assert_cmpint (first->end_s - first->start_s, ==, 3600);
  g_assert_cmpfloat_with_epsilon (first->value, 0.03804, 1e-12);
}

/* ENTSO-E day-ahead prices: a Period with a resolution and Points. */
static void
test_entsoe (void)
{
  const char *doc =
    "<?xml version='1.0' encoding='UTF-8'?>"
    "<Publication_MarketDocument xmlns='urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:0'>"
    " <TimeSeries><currency_Unit.name>EUR</currency_Unit.name><price_Measure_Unit.name>MWH</price_Measure_Unit.name>"
    "  <Period><timeInterval><start>2020-05-24T22:00Z</start><end>2020-05-25T00:00Z</end></timeInterval>"
    "   <resolution>PT60M</resolution>"
    "   <Point><position>1</position><price.amount>25.50</price.amount></Point>"
    "   <Point><position>2</position><price.amount>-3.10</price.amount></Point>"
    "  </Period></TimeSeries></Publication_MarketDocument>";
  g_autofree char *currency = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = aether_price_feed_parse (doc, strlen (doc), NULL, NULL, &currency, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (currency, ==, "EUR");
  g_assert_cmpuint (slots->len, ==, 2);
  g_assert_cmpint (g_array_index (slots, AetherFeedSlot, 1).start_s, ==, at ("2020-05-24T23:00:00Z"));
  g_assert_cmpfloat_with_epsilon (g_array_index (slots, AetherFeedSlot, 0).value, 0.0255, 1e-12);
  g_assert_cmpfloat_with_epsilon (g_array_index (slots, AetherFeedSlot, 1).value, -0.0031, 1e-12);
}

/* A bad entry is named, and a feed for the wrong currency is refused. */
static void
test_bad_feeds (void)
{
  const char *broken = "{\"results\": [{\"value_inc_vat\": 7.3, \"valid_from\": \"yesterday\", \"valid_to\": \"2020-05-25T22:00:00Z\"}]}";
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = aether_price_feed_parse (broken, strlen (broken), NULL, NULL, NULL, &error);

  g_assert_null (slots);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "entry 1"));
}

/* Through the store: a day of 1 kW priced by the stored dynamic schedule
 * equals the fixture's half-hours summed here (£0.8710275, 23 of them
 * negative), CO₂ the carbon feed's (501.5 g from 20:30); a feed imported
 * again for part of the range keeps the rest; Nord Pool's DKK is refused
 * for a GBP tariff. */
static void
test_through_the_store (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-dynamic-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autofree char *schedule_path = g_build_filename (dir, "agile.json", NULL);
  g_autofree char *csv_path = g_build_filename (dir, "load.csv", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GString) csv = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autoptr(JsonParser) feed = json_parser_new ();
  g_autoptr(JsonParser) energy = json_parser_new ();
  JsonArray *results;
  JsonObject *row;
  double expected = 0;
  guint negative = 0;
  gint64 day = at ("2020-05-24T00:00:00Z");

  /* The expected cost, from the fixture itself. */
  g_assert_true (json_parser_load_from_file (feed, AGILE, NULL));
  results = json_object_get_array_member (json_node_get_object (json_parser_get_root (feed)), "results");
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *r = json_array_get_object_element (results, i);
      gint64 from = at (json_object_get_string_member (r, "valid_from"));

      if (from >= day && from < day + 86400)
        {
          expected += 0.5 * json_object_get_double_member (r, "value_inc_vat") / 100.0;
          negative += json_object_get_double_member (r, "value_inc_vat") < 0;
        }
    }
  g_assert_cmpfloat_with_epsilon (expected, 0.8710275, 1e-9);
  g_assert_cmpuint (negative, ==, 23);

  for (gint64 t = day; t <= day + 86400; t += 60)
    g_string_append_printf (csv, "%" G_GINT64_FORMAT ",heater,power,1000,W\n", t);
  g_assert_true (g_file_set_contents (csv_path, csv->str, -1, NULL));
  g_assert_true (g_file_set_contents (schedule_path, agile_schedule, -1, NULL));

  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "rates", "add", schedule_path, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "rates", "import-feed", "agile-2020", AGILE, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Stored 100 intervals"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "rates", "import-feed", "agile-2020", CARBON, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "rates", "import-feed", "agile-2020", NORDPOOL, NULL), ==, 1);
  g_assert_nonnull (strstr (err, "in DKK, but rate schedule “agile-2020” is in GBP"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "db", "ingest", csv_path, NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "db", "maintain", "--now", "2020-05-25T06:00:00Z", NULL), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (db, &out, &err, "db", "energy", "--from", "2020-05-24T00:00:00Z",
                                        "--to", "2020-05-25T00:00:00Z", NULL), ==, 0);
  g_assert_true (json_parser_load_from_data (energy, out, -1, NULL));
  row = json_array_get_object_element (json_object_get_array_member (json_node_get_object (json_parser_get_root (energy)), "totals"), 0);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "energy_kwh"), 24, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "cost"), expected, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (row, "co2_kg"), 0.5015, 1e-6);

  aether_test_remove_dir (dir);
}

typedef struct
{
  guint requests;
  guint status;
} Server;

static void
serve_agile (SoupServer        *server,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query,
             gpointer           user_data)
{
  Server *state = user_data;
  g_autofree char *body = NULL;
  gsize length;

  state->requests++;
  if (state->status != 200)
    {
      soup_server_message_set_status (msg, state->status, NULL);
      return;
    }
  g_assert_true (g_file_get_contents (g_str_equal (path, "/carbon") ? CARBON : AGILE, &body, &length, NULL));
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, length);
  soup_server_message_set_status (msg, 200, NULL);
}

static gboolean
has_prices (AetherService *service)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = aether_rates_get_stored_json (aether_service_get_store (service), "agile-feed", &error);

  return text != NULL && strstr (text, "2020-05-25T21:30:00Z") != NULL && strstr (text, "g_per_kwh") != NULL;
}

/* The service fetches a version's feeds from their addresses when it
 * starts and at every refresh; a server that fails is tried again and the
 * prices already stored stay. */
static void
test_fetched_on_a_timer (void)
{
  g_autofree char *dir = g_dir_make_tmp ("aether-feed-XXXXXX", NULL);
  g_autofree char *db = g_build_filename (dir, "test.db", NULL);
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(AetherClock) clock = aether_clock_new_manual (G_GINT64_CONSTANT (1590364800) * G_USEC_PER_SEC);
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) schedule = NULL;
  g_autofree char *base = NULL;
  g_autofree char *json = NULL;
  g_autofree char *id = NULL;
  Server state = { .status = 200 };
  GSList *uris;
  gint64 deadline;
  guint before;

  soup_server_add_handler (server, NULL, serve_agile, &state, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  uris = soup_server_get_uris (server);
  base = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify)g_uri_unref);

  json = g_strdup_printf ("{\"rate_id\": \"agile-feed\", \"effective_date\": \"2020-01-01\", \"currency\": \"GBP\","
                          " \"rate_structure\": {\"type\": \"dynamic\", \"prices\": [],"
                          "   \"price_feed\": {\"format\": \"octopus_agile\", \"url\": \"%srates\", \"refresh_minutes\": 30}},"
                          " \"carbon_feed\": {\"url\": \"%scarbon\", \"refresh_minutes\": 30}}", base, base);
  schedule = json_from_string (json, &error);
  g_assert_no_error (error);

  service = aether_service_new (db, clock, &error);
  g_assert_no_error (error);
  id = aether_service_add_rate_schedule (service, schedule, FALSE, &error);
  g_assert_no_error (error);
  aether_service_load (service, &error);
  g_assert_no_error (error);
  aether_service_start (service);

  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (!has_prices (service) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (has_prices (service));
  g_assert_null (aether_service_get_feed_error (service, "agile-feed"));
  /* Storing the feed reloaded the tariff without fetching again. */
  g_assert_cmpuint (state.requests, ==, 2);

  /* The server fails: the next refresh says so, the prices stay. */
  state.status = 503;
  before = state.requests;
  aether_clock_advance_us (clock, 31 * 60 * G_USEC_PER_SEC);
  deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
  while (aether_service_get_feed_error (service, "agile-feed") == NULL && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (state.requests, >, before);
  g_assert_nonnull (strstr (aether_service_get_feed_error (service, "agile-feed"), "503"));
  g_assert_true (has_prices (service));

  g_assert_true (aether_service_stop (service, &error));
  g_assert_no_error (error);
  g_clear_object (&service);
  soup_server_disconnect (server);
  aether_test_remove_dir (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/tariff/dynamic/agile-prices-a-load", test_agile_prices_a_load);
  g_test_add_func ("/tariff/dynamic/no-price-is-named", test_no_price_is_named);
  g_test_add_func ("/tariff/dynamic/carbon-feed", test_carbon_feed);
  g_test_add_func ("/tariff/dynamic/cheapest-hour", test_cheapest_hour);
  g_test_add_func ("/tariff/dynamic/nordpool-per-kwh", test_nordpool_per_kwh);
  g_test_add_func ("/tariff/dynamic/entsoe", test_entsoe);
  g_test_add_func ("/tariff/dynamic/bad-feeds", test_bad_feeds);
  g_test_add_func ("/tariff/dynamic/through-the-store", test_through_the_store);
  g_test_add_func ("/tariff/dynamic/fetched-on-a-timer", test_fetched_on_a_timer);

  return g_test_run ();
}
