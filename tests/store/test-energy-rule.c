/* test-energy-rule.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One energy rule on every path: the same readings (power only, counter
 * only, both, exporting, gapped, irregular) give the same imported and
 * exported kWh through the model's rule summed here, live collection's
 * AetherEnergyMeter, the store (ingest, maintain, energy totals), the
 * tariff's intervals and cost summary, and the real CLI (db ingest, db
 * maintain, db energy, rates cost). Costs agree too: imports at the buy
 * rate, exports credited at the sell rate. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "aether-core.h"
#include "aether-test-util.h"

#define T0 G_GINT64_CONSTANT (1735722000)   /* Wednesday 2025-01-01 09:00 UTC */
#define US(s) ((gint64)(s) * G_USEC_PER_SEC)
#define RATE 0.30
#define SELL 0.08

static const char flat_tariff[] =
  "{ \"rate_id\": \"flat-sell\", \"provider\": \"Test\", \"plan_name\": \"Flat with a sell rate\","
  "  \"effective_date\": \"2020-01-01\", \"currency\": \"USD\","
  "  \"rate_structure\": { \"type\": \"time_of_use\", \"periods\": ["
  "    { \"name\": \"all\", \"rate\": 0.30, \"sell_rate\": 0.08, \"unit\": \"kWh\","
  "      \"days\": [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\", \"saturday\", \"sunday\"],"
  "      \"hours\": \"00:00-24:00\" } ] } }";

typedef struct
{
  gint64   t;        /* seconds */
  gboolean has_power;
  double   watts;
  gboolean has_counter;
  double   wh;
} Sample;

typedef struct
{
  const char *name;
  GArray *(*make) (void);
} Case;

static void
push (GArray *a, gint64 t, gboolean hp, double w, gboolean hc, double wh)
{
  Sample s = { t, hp, w, hc, wh };

  g_array_append_val (a, s);
}

/* The brief's case: 7 s and 13 s apart, a 400 s gap, ten minutes at −300 W,
 * then back across zero. */
static GArray *
make_power_irregular (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (Sample));
  gint64 t = T0 + 3;
  guint i = 0;

  for (; t < T0 + 1800; t += (i++ % 2) ? 13 : 7)
    push (a, t, TRUE, 400 + 300 * sin ((double)t / 97.0), FALSE, 0);
  t += 400;
  for (gint64 end = t + 600; t < end; t += (i++ % 2) ? 13 : 7)
    push (a, t, TRUE, -300, FALSE, 0);
  for (gint64 end = t + 300; t < end; t += (i++ % 2) ? 13 : 7)
    push (a, t, TRUE, -300 + (double)(t - end + 300) * 3, FALSE, 0);
  return a;
}

/* A counter every 10 s, a reset and a 400 s gap it counts across. */
static GArray *
make_counter_only (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (Sample));
  double wh = 5000;

  for (gint64 t = T0 + 5; t < T0 + 3600; t += 10)
    {
      if (t == T0 + 1205)
        wh = 0.4;                    /* the plug rebooted */
      if (t == T0 + 2005)
        t += 400;                    /* offline, still counting */
      wh += 0.3 + 0.2 * sin ((double)t / 50.0);
      push (a, t, FALSE, 0, TRUE, wh);
    }
  return a;
}

/* Power and a counter at the same instants: the counter is the witness. */
static GArray *
make_mixed (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (Sample));
  double wh = 120;

  for (gint64 t = T0 + 2; t < T0 + 2400; t += 10)
    {
      wh += 1.5;
      push (a, t, TRUE, 500 + 100 * cos ((double)t / 30.0), TRUE, wh);
    }
  return a;
}

/* Solar: power swings across zero, crossing it inside segments and minutes. */
static GArray *
make_exporting (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (Sample));

  for (gint64 t = T0 + 1; t < T0 + 5400; t += 10)
    push (a, t, TRUE, -800 + 1500 * sin ((double)t / 310.0), FALSE, 0);
  return a;
}

/* Gaps of 45 s (more than three 10 s intervals) and of an hour. */
static GArray *
make_gapped (void)
{
  GArray *a = g_array_new (FALSE, FALSE, sizeof (Sample));
  gint64 t = T0 + 4;

  for (; t < T0 + 900; t += 10)
    push (a, t, TRUE, 900 - (double)(t - T0) / 3, FALSE, 0);
  t += 35;
  for (gint64 end = t + 600; t < end; t += 10)
    push (a, t, TRUE, -150 + (double)(t % 7) * 20, FALSE, 0);
  t += 3600;
  for (gint64 end = t + 900; t < end; t += 10)
    push (a, t, TRUE, 700, FALSE, 0);
  return a;
}

static const Case cases[] = {
  { "power-irregular", make_power_irregular },
  { "counter-only", make_counter_only },
  { "mixed", make_mixed },
  { "exporting", make_exporting },
  { "gapped", make_gapped },
};

/* (a) The rule itself: a learned cadence, segment by segment. */
static void
rule_totals (GArray *a, AetherEnergySplit *out)
{
  AetherEnergyCadence cadence = { 0 };
  gboolean counter = FALSE;

  *out = (AetherEnergySplit) { 0 };
  for (guint i = 0; i < a->len; i++)
    counter |= g_array_index (a, Sample, i).has_counter;

  for (guint i = 1; i < a->len; i++)
    {
      const Sample *p = &g_array_index (a, Sample, i - 1);
      const Sample *s = &g_array_index (a, Sample, i);
      AetherEnergySplit part;

      if (counter)
        aether_energy_rule_counter (p->wh, s->wh, &part);
      else if (!aether_energy_rule_is_gap (&cadence, US (s->t - p->t)))
        aether_energy_rule_power (US (p->t), p->watts, US (s->t), s->watts, US (p->t), US (s->t), &part);
      else
        part = (AetherEnergySplit) { 0 };
      aether_energy_rule_learn (&cadence, US (s->t - p->t));
      out->imported_wh += part.imported_wh;
      out->exported_wh += part.exported_wh;
    }
}

static void
assert_same (double got, double want)
{
  if (want == 0)
    g_assert_cmpfloat (fabs (got), <, 1e-12);
  else
    g_assert_cmpfloat (fabs (got - want) / fabs (want), <, 1e-9);
}

/* The tariff's JSON gives energy and money to a millionth (a bill's
 * precision): it must be the rule's figure rounded so. */
static void
assert_rounded (double got, double want)
{
  g_assert_cmpfloat (fabs (got - round (want * 1e6) / 1e6), <, 1e-12);
}

static char *
write_csv (const char *dir, GArray *a)
{
  g_autoptr(GString) text = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "readings.csv", NULL);

  for (guint i = 0; i < a->len; i++)
    {
      const Sample *s = &g_array_index (a, Sample, i);
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (s->has_counter)
        g_string_append_printf (text, "%" G_GINT64_FORMAT ",dev,energy,%s,Wh\n", s->t,
                                g_ascii_dtostr (buf, sizeof buf, s->wh));
      if (s->has_power)
        g_string_append_printf (text, "%" G_GINT64_FORMAT ",dev,power,%s,W\n", s->t,
                                g_ascii_dtostr (buf, sizeof buf, s->watts));
    }
  g_assert_true (g_file_set_contents (path, text->str, -1, &error));
  g_assert_no_error (error);
  return path;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d && (name = g_dir_read_name (d)))
    {
      g_autofree char *p = g_build_filename (dir, name, NULL);

      g_remove (p);
    }
  g_rmdir (dir);
}

static void
test_every_path_same_kwh (gconstpointer data)
{
  const Case *c = data;
  g_autoptr(GArray) samples = c->make ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("aether-energy-rule-XXXXXX", &error);
  g_autofree char *csv = NULL;
  g_autofree char *tariff_path = g_build_filename (dir, "tariff.json", NULL);
  g_autofree char *db_api = g_build_filename (dir, "api.db", NULL);
  g_autofree char *db_cli = g_build_filename (dir, "cli.db", NULL);
  g_autofree char *maintain_now = NULL;
  AetherEnergySplit want;
  double want_cost;
  gint64 last_t;

  g_assert_no_error (error);
  rule_totals (samples, &want);
  want_cost = want.imported_wh / 1000 * RATE - want.exported_wh / 1000 * SELL;
  g_test_message ("%s: imported %.9f kWh, exported %.9f kWh", c->name, want.imported_wh / 1000,
                  want.exported_wh / 1000);
  last_t = g_array_index (samples, Sample, samples->len - 1).t;
  csv = write_csv (dir, samples);
  g_assert_true (g_file_set_contents (tariff_path, flat_tariff, -1, &error));

  /* Live collection: the meter at the collector's poll interval. */
  {
    g_autoptr(AetherEnergyMeter) meter = aether_energy_meter_new (US (10));

    for (guint i = 0; i < samples->len; i++)
      {
        const Sample *s = &g_array_index (samples, Sample, i);
        AetherEnergyStep step;

        if (s->has_counter)
          aether_energy_meter_push_counter (meter, US (s->t), s->wh, &step);
        if (s->has_power)
          aether_energy_meter_push_power (meter, US (s->t), s->watts, &step);
      }
    assert_same (aether_energy_meter_get_total_wh (meter), want.imported_wh);
    assert_same (aether_energy_meter_get_exported_wh (meter), want.exported_wh);
  }

  /* (b) The store: ingest, maintain, energy totals. */
  {
    g_autoptr(AetherClock) clock = aether_clock_new_manual (US (last_t + 7200));
    g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
    g_autoptr(AetherStore) store = aether_store_open (db_api, clock, &error);
    g_autoptr(AetherRateSchedule) schedule = NULL;
    g_autoptr(AetherTariff) pricer = aether_tariff_new ();
    g_autoptr(GArray) readings = aether_readings_load_csv (csv, &error);
    g_autoptr(GPtrArray) totals = NULL;
    g_autoptr(JsonNode) node = json_from_string (flat_tariff, &error);
    AetherEnergyTotal *t;

    g_assert_no_error (error);
    aether_store_set_time_zone (store, utc);
    schedule = aether_rate_schedule_new_from_json (node, &error);
    g_assert_no_error (error);
    g_assert_true (aether_tariff_add_schedule (pricer, schedule, &error));
    aether_store_set_pricer (store, AETHER_PRICER (pricer));
    g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
    g_assert_no_error (error);
    g_assert_true (aether_store_maintain (store, US (last_t + 7200), NULL, &error));
    g_assert_no_error (error);
    totals = aether_store_energy_totals (store, US (T0 - 3600), US (last_t + 3600), "device", &error);
    g_assert_no_error (error);
    g_assert_cmpuint (totals->len, ==, 1);
    t = g_ptr_array_index (totals, 0);
    assert_same (t->energy_wh, want.imported_wh);
    assert_same (t->exported_wh, want.exported_wh);
    assert_same (t->cost, want_cost);
  }

  /* (c) The tariff: intervals from the readings, priced. */
  {
    g_autoptr(GArray) readings = aether_readings_load_csv (csv, &error);
    g_autoptr(GHashTable) per_device = NULL;
    g_autoptr(AetherTariff) tariff = aether_tariff_new ();
    g_autoptr(AetherRateSchedule) schedule = NULL;
    g_autoptr(JsonNode) node = json_from_string (flat_tariff, &error);
    g_autoptr(JsonNode) cost = NULL;
    GArray *iv;
    double imported = 0, exported = 0;
    JsonObject *summary;

    g_assert_no_error (error);
    per_device = aether_energy_intervals_from_readings (readings, 900, &error);
    g_assert_no_error (error);
    iv = g_hash_table_lookup (per_device, "dev");
    g_assert_nonnull (iv);
    for (guint i = 0; i < iv->len; i++)
      {
        imported += g_array_index (iv, AetherEnergyInterval, i).energy_kwh;
        exported += g_array_index (iv, AetherEnergyInterval, i).exported_kwh;
      }
    assert_same (imported, want.imported_wh / 1000);
    assert_same (exported, want.exported_wh / 1000);

    schedule = aether_rate_schedule_new_from_json (node, &error);
    g_assert_no_error (error);
    g_assert_true (aether_tariff_add_schedule (tariff, schedule, &error));
    cost = aether_tariff_cost (tariff, "dev", (AetherEnergyInterval *)(gpointer)iv->data, iv->len, &error);
    g_assert_no_error (error);
    summary = json_object_get_object_member (json_node_get_object (cost), "summary");
    assert_rounded (json_object_get_double_member (summary, "energy_kwh"), want.imported_wh / 1000);
    assert_rounded (json_object_get_double_member (summary, "exported_kwh"), want.exported_wh / 1000);
    assert_rounded (json_object_get_double_member (summary, "energy_cost"), want_cost);
  }

  /* (d) The real CLI. */
  {
    g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (last_t + 7200);
    g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (T0 - 3600);
    g_autoptr(GDateTime) to = g_date_time_new_from_unix_utc (last_t + 3600);
    g_autofree char *now_text = g_date_time_format_iso8601 (now);
    g_autofree char *from_text = g_date_time_format_iso8601 (from);
    g_autofree char *to_text = g_date_time_format_iso8601 (to);
    g_autofree char *out = NULL;
    g_autofree char *cost_out = NULL;
    g_autoptr(JsonNode) root = NULL;
    g_autoptr(JsonNode) cost_root = NULL;
    JsonObject *row, *total, *summary;

    g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "--db", db_cli, "rates", "add", tariff_path, NULL }, NULL), ==, 0);
    g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "--db", db_cli, "db", "ingest", csv, NULL }, NULL), ==, 0);
    g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "--db", db_cli, "db", "maintain", "--now", now_text, NULL }, NULL), ==, 0);
    g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "--db", db_cli, "db", "energy", "--from", from_text,
                                                 "--to", to_text, NULL }, &out), ==, 0);
    root = json_from_string (out, &error);
    g_assert_no_error (error);
    row = json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "totals"), 0);
    assert_same (json_object_get_double_member (row, "energy_kwh"), want.imported_wh / 1000);
    assert_same (json_object_get_double_member (row, "exported_kwh"), want.exported_wh / 1000);
    assert_same (json_object_get_double_member (row, "cost"), want_cost);
    /* A CSV registers no device: the home has no meter, so the device it
     * names is the whole total. */
    total = json_object_get_object_member (json_node_get_object (root), "total");
    g_assert_cmpstr (json_object_get_string_member (total, "counts"), ==, "every device");
    assert_same (json_object_get_double_member (total, "energy_kwh"), want.imported_wh / 1000);
    assert_same (json_object_get_double_member (total, "exported_kwh"), want.exported_wh / 1000);
    assert_same (json_object_get_double_member (total, "cost"), want_cost);

    g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "rates", "cost", "--schedule", tariff_path, "--readings", csv, NULL },
                              &cost_out), ==, 0);
    cost_root = json_from_string (cost_out, &error);
    g_assert_no_error (error);
    summary = json_object_get_object_member (json_node_get_object (cost_root), "summary");
    assert_rounded (json_object_get_double_member (summary, "energy_kwh"), want.imported_wh / 1000);
    assert_rounded (json_object_get_double_member (summary, "exported_kwh"), want.exported_wh / 1000);
    assert_rounded (json_object_get_double_member (summary, "energy_cost"), want_cost);

    {
      g_autofree char *bill_out = NULL;
      g_autoptr(JsonNode) bill_root = NULL;
      JsonObject *energy;

      g_assert_cmpint (aether_test_run_cli_argv ((const char *[]) { "rates", "bill", "--schedule", tariff_path, "--readings", csv,
                                                   "--cycle-start", "2025-01-01", NULL }, &bill_out), ==, 0);
      bill_root = json_from_string (bill_out, &error);
      g_assert_no_error (error);
      energy = json_object_get_object_member (json_node_get_object (bill_root), "energy");
      assert_rounded (json_object_get_double_member (energy, "energy_kwh"), want.imported_wh / 1000);
      assert_rounded (json_object_get_double_member (energy, "exported_kwh"), want.exported_wh / 1000);
      assert_rounded (json_object_get_double_member (energy, "cost"), want_cost);
    }
  }

  remove_tree (dir);
}

/* The rule's own arithmetic, checked by hand: a line from +600 W to −300 W
 * over 90 s crosses zero at 60 s; split at a minute edge at 30 s. */
static void
test_rule_splits_at_zero_and_edges (void)
{
  AetherEnergySplit whole, a, b;

  aether_energy_rule_power (0, 600, US (90), -300, 0, US (90), &whole);
  g_assert_cmpfloat_with_epsilon (whole.imported_wh, 600.0 / 2 * 60 / 3600, 1e-12);
  g_assert_cmpfloat_with_epsilon (whole.exported_wh, 300.0 / 2 * 30 / 3600, 1e-12);

  aether_energy_rule_power (0, 600, US (90), -300, 0, US (30), &a);
  aether_energy_rule_power (0, 600, US (90), -300, US (30), US (90), &b);
  g_assert_cmpfloat_with_epsilon (a.imported_wh, (600.0 + 300.0) / 2 * 30 / 3600, 1e-12);
  g_assert_cmpfloat_with_epsilon (a.exported_wh, 0, 1e-12);
  g_assert_cmpfloat_with_epsilon (a.imported_wh + b.imported_wh, whole.imported_wh, 1e-12);
  g_assert_cmpfloat_with_epsilon (b.exported_wh, whole.exported_wh, 1e-12);
}

/* The gap rule: more than three intervals is a gap; five minutes while
 * the interval is unknown. */
static void
test_rule_gap (void)
{
  AetherEnergyCadence fixed = { US (10), TRUE };
  AetherEnergyCadence learned = { 0 };

  g_assert_false (aether_energy_rule_is_gap (&fixed, US (30)));
  g_assert_true (aether_energy_rule_is_gap (&fixed, US (31)));
  g_assert_false (aether_energy_rule_is_gap (&learned, US (300)));
  g_assert_true (aether_energy_rule_is_gap (&learned, US (301)));
  aether_energy_rule_learn (&learned, US (10));
  g_assert_cmpint (learned.interval_us, ==, US (10));
  g_assert_true (aether_energy_rule_is_gap (&learned, US (31)));
  aether_energy_rule_learn (&fixed, US (1));
  g_assert_cmpint (fixed.interval_us, ==, US (10));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/energy-rule/splits-at-zero-and-at-edges", test_rule_splits_at_zero_and_edges);
  g_test_add_func ("/energy-rule/gap-is-more-than-three-intervals", test_rule_gap);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/energy-rule/every-path-same-kwh/%s", cases[i].name);

      g_test_add_data_func (path, &cases[i], test_every_path_same_kwh);
    }

  return g_test_run ();
}
