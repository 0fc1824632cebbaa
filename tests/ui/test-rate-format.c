/* test-rate-format.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A period's price as the Rates page writes it, tested on the formatting
 * function itself: a tiered period shows its tiers, never "$0.00/kWh", and
 * each price to the precision the utility gives it (up to 1/100 000). */

#define G_LOG_DOMAIN "test-rate-format"

#include "config.h"

#include "aether-core.h"
#include "aether-format.h"
#include "rates/aether-rate-format.h"

static JsonObject *
object_from (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (node));
}

static void
assert_price (const char *period_json,
              const char *currency,
              gboolean    daily,
              const char *want)
{
  g_autoptr(JsonObject) period = object_from (period_json);
  g_autofree char *got = aether_format_period_price (period, currency, daily, FALSE);
  g_auto(GStrv) pieces = g_strsplit (want, ", ", -1);
  g_autofree char *lines = NULL;
  g_autofree char *got_lines = aether_format_period_price (period, currency, daily, TRUE);

  g_assert_cmpstr (got, ==, want);

  /* The row's label: the same tiers, one a line. */
  if (g_strv_length (pieces) > 1)
    {
      char *last = pieces[g_strv_length (pieces) - 1];

      g_assert_true (g_str_has_prefix (last, "then "));
    }
  lines = g_strjoinv ("\n", pieces);
  g_assert_cmpstr (got_lines, ==, lines);
}

static void
test_single_rate (void)
{
  assert_price ("{\"name\": \"off_peak\", \"rate\": 0.22}", "USD", FALSE, "$0.22/kWh");
  assert_price ("{\"name\": \"off_peak\", \"rate\": 0.22}", "CHF", FALSE, "0.22 CHF/kWh");
}

/* The seed's tiered period has no "rate" of its own: this showed $0.00. */
static void
test_tiers_without_a_rate_show_each_tier (void)
{
  static const char *two = "{\"name\": \"standard\", \"tiers\": [{\"max_kwh\": 500, \"rate\": 0.12}, {\"rate\": 0.18}]}";
  static const char *three = "{\"name\": \"standard\", \"tiers\": [{\"max_kwh\": 300, \"rate\": 0.1},"
                             " {\"max_kwh\": 1000, \"rate\": 0.15}, {\"rate\": 0.2}]}";

  assert_price (two, "USD", FALSE, "$0.12/kWh up to 500 kWh, then $0.18/kWh");
  assert_price (two, "EUR", FALSE, "€0.12/kWh up to 500 kWh, then €0.18/kWh");
  assert_price (three, "USD", FALSE, "$0.10/kWh up to 300 kWh, $0.15/kWh up to 1000 kWh, then $0.20/kWh");
}

/* PG&E E-1 from the Utility Rate Database: three tiers counted per day
 * ("kWh daily"), different limits in winter and summer. */
static void
test_urdb_daily_tiers (void)
{
  g_autofree char *path = g_build_filename (TEST_DATA_DIR, "tariff", "urdb", "python-openei_plan_tier_data.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) schedules = aether_urdb_import_file (path, "America/Los_Angeles", NULL, &error);
  JsonObject *schedule, *structure;
  JsonArray *seasons;
  const char *want[] = {
    "$0.25902/kWh up to 8.2 kWh a day, $0.32596/kWh up to 32.8 kWh a day, then $0.40745/kWh",
    "$0.25902/kWh up to 6.8 kWh a day, $0.32596/kWh up to 27.2 kWh a day, then $0.40745/kWh",
  };

  g_assert_no_error (error);
  g_assert_cmpuint (schedules->len, ==, 1);
  schedule = json_node_get_object (g_ptr_array_index (schedules, 0));
  structure = json_object_get_object_member (schedule, "rate_structure");
  g_assert_cmpstr (json_object_get_string_member (structure, "tier_basis"), ==, "daily");
  seasons = json_object_get_array_member (structure, "seasons");
  g_assert_cmpuint (json_array_get_length (seasons), ==, G_N_ELEMENTS (want));

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    {
      JsonArray *periods = json_object_get_array_member (json_array_get_object_element (seasons, i), "periods");
      g_autofree char *got = aether_format_period_price (json_array_get_object_element (periods, 0), "USD", TRUE, FALSE);

      g_assert_cmpstr (got, ==, want[i]);
    }
}

/* What a person types into a price: a decimal point or comma, a minus,
 * and a refusal that says why for anything else. */
static void
test_parse_price (void)
{
  static const struct { const char *text; double value; } good[] = {
    { "0.12", 0.12 }, { "0,12", 0.12 }, { " -0,05 ", -0.05 }, { "−0.05", -0.05 }, { "12", 12 }, { "0,125", 0.125 },
  };
  static const struct { const char *text; const char *why; } bad[] = {
    { "", "A number is needed" },
    { "0.1x", "“0.1x” is not a number" },
    { "1,234.5", "“1,234.5” is not a number: write it without thousands separators" },
    { "1,234", "“1,234” could be a thousand or a decimal: write 1234 or 1.234" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      double value = 0;

      g_assert_true (aether_parse_price (good[i].text, &value, &error));
      g_assert_no_error (error);
      g_assert_cmpfloat (value, ==, good[i].value);
    }
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      double value = 0;

      g_assert_false (aether_parse_price (bad[i].text, &value, &error));
      g_assert_cmpstr (error->message, ==, bad[i].why);
    }
}

/* Money: a minus sign before the currency, never "−$0.00"; prices to the
 * precision they were given in, at least two decimals. */
static void
test_money (void)
{
  struct { double amount; guint decimals; const char *currency; const char *want; } cases[] = {
    { 2.31, 2, "USD", "$2.31" },
    { -0.12, 2, "USD", "−$0.12" },
    { -0.001, 2, "USD", "$0.00" },
    { 0.35, 2, "CHF", "0.35 CHF" },
    { 22.05567, 5, "USD", "$22.05567" },
    { 22.08, 5, "USD", "$22.08" },
    { -0.12807, 5, "USD", "−$0.12807" },
    { -0.01722, 5, "GBP", "−£0.01722" },
    { -0.0000001, 5, "GBP", "£0.00" },
    { 0.2, 5, "EUR", "€0.20" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = cases[i].decimals == 2
                             ? aether_format_money (cases[i].amount, cases[i].currency)
                             : aether_format_money_precise (cases[i].amount, cases[i].currency, cases[i].decimals);

      g_assert_cmpstr (got, ==, cases[i].want);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rates/format/single-rate", test_single_rate);
  g_test_add_func ("/rates/format/money", test_money);
  g_test_add_func ("/rates/format/tiers-without-a-rate-show-each-tier", test_tiers_without_a_rate_show_each_tier);
  g_test_add_func ("/rates/format/urdb-daily-tiers", test_urdb_daily_tiers);
  g_test_add_func ("/rates/format/parse-price-with-point-or-comma", test_parse_price);

  return g_test_run ();
}
