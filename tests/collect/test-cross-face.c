/* test-cross-face.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every face agrees with the store, and the store with the readings.
 *
 * The demo home runs through the service on the manual clock for days,
 * with a restart in between (the mains meter's counter bridges it), a late
 * backfill of what the meter buffered while the service was down (minutes
 * its counter already accounts for, so it must not count twice), and a
 * tariff edit. Then for each
 * day the energy and cost that the Dashboard's source (the hot tier),
 * History's source (the store's totals for the home), `db energy` and
 * `rates cost` report are compared with each other and with two
 * independent sums: one over the readings the collector produced (seen
 * through its ::reading signal, never through the store), one over the
 * simulator's own second-by-second truth. History's whole-home chart never
 * peaks above the highest power the meter reported. */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/wait.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "aether-sim-home.h"

#define SEED 7
/* Monday 2 March 2026, 00:00 UTC (tests run with TZ=UTC). */
#define T0 G_GINT64_CONSTANT (1772409600)
#define DAY (24 * 3600)

typedef struct
{
  char        *dir;
  char        *db;
  AetherClock *clock;
  GArray      *readings;     /* AetherReading of the home's meter, as collected */
  char        *meter;        /* the demo home's meter */
  double       max_power_w;  /* the highest power it reported */
} Fixture;

static void
reading_copy_clear (gpointer data)
{
  aether_reading_clear (data);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  aether_sim_home_reset_all ();
  f->dir = g_dir_make_tmp ("aether-cross-face-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (T0 * G_USEC_PER_SEC);
  aether_clock_set_default (f->clock);
  f->readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
  g_array_set_clear_func (f->readings, reading_copy_clear);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  aether_test_remove_dir (f->dir);
  g_array_unref (f->readings);
  aether_clock_set_default (NULL);
  g_clear_object (&f->clock);
  g_free (f->meter);
  g_free (f->dir);
  g_free (f->db);
}

static void
on_reading (AetherCollector     *collector,
            const AetherReading *reading,
            Fixture             *f)
{
  AetherReading copy;

  if (g_strcmp0 (reading->device_id, f->meter) != 0)
    return;
  if (g_str_equal (reading->metric_type, "power"))
    f->max_power_w = MAX (f->max_power_w, reading->value);
  if (!g_str_equal (reading->metric_type, "energy"))
    return;
  copy.timestamp_us = reading->timestamp_us;
  copy.device_id = g_strdup (reading->device_id);
  copy.metric_type = g_strdup (reading->metric_type);
  copy.value = reading->value;
  copy.unit = g_strdup (reading->unit);
  g_array_append_val (f->readings, copy);
}

static AetherService *
start_service (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = aether_service_new (f->db, f->clock, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (aether_service_load (service, &error), ==, AETHER_SIM_N_KINDS);
  g_assert_no_error (error);
  g_signal_connect (aether_service_get_collector (service), "reading", G_CALLBACK (on_reading), f);
  aether_service_start (service);
  /* The hot tier is read back from the store in a thread: let it finish,
   * as the Dashboard does before it shows Today. */
  while (aether_hot_tier_is_restoring (aether_service_get_hot_tier (service)))
    g_main_context_iteration (NULL, TRUE);
  return g_steal_pointer (&service);
}

static void
stop_service (AetherService *service)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aether_service_stop (service, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
run_until (Fixture *f,
           gint64   unix_s)
{
  while (aether_clock_now_s (f->clock) < unix_s)
    {
      aether_clock_advance_us (f->clock, G_USEC_PER_SEC);
      while (g_main_context_iteration (NULL, FALSE))
        ;
    }
}

/* The meter's energy in [from, to) from its collected counter readings:
 * consecutive deltas (a counter that went back starts again from zero),
 * a delta spread evenly over the time between its two readings. */
static double
readings_energy_wh (Fixture *f,
                    gint64   from_s,
                    gint64   to_s)
{
  double wh = 0;

  for (guint i = 1; i < f->readings->len; i++)
    {
      const AetherReading *a = &g_array_index (f->readings, AetherReading, i - 1);
      const AetherReading *b = &g_array_index (f->readings, AetherReading, i);
      double t0 = a->timestamp_us / 1e6, t1 = b->timestamp_us / 1e6;
      double delta = b->value >= a->value ? b->value - a->value : b->value;
      double lo = MAX (t0, (double)from_s), hi = MIN (t1, (double)to_s);

      if (t1 > t0 && hi > lo)
        wh += delta * (hi - lo) / (t1 - t0);
    }

  return wh;
}

/* What the meter really saw, second by second, from the simulator. */
static double
true_energy_wh (gint64 from_s,
                gint64 to_s)
{
  AetherSimHome *home = aether_sim_home_get (SEED, 0);
  double wh = 0;

  for (gint64 s = from_s; s < to_s; s++)
    wh += aether_sim_home_power_at (home, AETHER_SIM_MAINS, s) / 3600.0;
  return wh;
}

/* The store opened and maintained as `aetherlens-cli db maintain` does it:
 * priced with the stored tariff. */
static AetherStore *
open_maintained (Fixture *f,
                 gint64   now_s)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherClock) clock = aether_clock_new_manual (now_s * G_USEC_PER_SEC);
  g_autoptr(AetherStore) store = aether_store_open (f->db, clock, &error);
  g_autoptr(AetherTariff) tariff = NULL;
  guint n_versions = 0;

  g_assert_no_error (error);
  tariff = aether_rates_load_tariff (store, &n_versions, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_versions, ==, 1);
  aether_store_set_pricer (store, AETHER_PRICER (tariff));
  g_assert_true (aether_store_maintain (store, now_s * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);
  return g_steal_pointer (&store);
}

/* The store's energy and cost for the home, the way History sums it: the
 * home rule's members, through the store's totals for a set of devices;
 * and checked against the per-device rows filtered by the same rule. */
static void
store_home_energy (AetherStore *store,
                   gint64       from_s,
                   gint64       to_s,
                   double      *wh,
                   double      *cost)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = aether_store_list_devices (store, &error);
  g_autoptr(AetherHome) home = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  double rows_wh = 0, rows_cost = 0;
  GPtrArray *members;

  g_assert_no_error (error);
  home = aether_home_new (devices);
  members = aether_home_get_members (home);
  for (guint i = 0; i < members->len; i++)
    g_ptr_array_add (ids, g_ptr_array_index (members, i));
  g_ptr_array_add (ids, NULL);

  totals = aether_store_energy_totals_for_devices (store, (const char * const *)ids->pdata,
                                                   from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, &error);
  g_assert_no_error (error);
  *wh = *cost = 0;
  for (guint i = 0; i < totals->len; i++)
    {
      *wh += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->energy_wh;
      *cost += ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->cost;
    }

  rows = aether_store_energy_totals (store, from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, "device", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (rows, i);

      if (aether_home_counts (home, t->key))
        {
          rows_wh += t->energy_wh;
          rows_cost += t->cost;
        }
    }
  g_assert_cmpfloat_with_epsilon (rows_wh, *wh, 1e-6);
  g_assert_cmpfloat_with_epsilon (rows_cost, *cost, 1e-9);
}

/* aetherlens-cli on the fixture's database; what it said on failure is
 * shown. */
static int
run_cli_said (Fixture  *f,
              int       status,
              char     *err)
{
  if (status != 0)
    g_test_message ("aetherlens-cli said: %s", err);
  g_free (err);
  return status;
}

#define run_cli(f, out, ...) \
  ({ char *err_ = NULL; int status_ = aether_test_run_cli ((f)->db, out, &err_, __VA_ARGS__); \
     run_cli_said (f, status_, err_); })

/* `db energy` for a day: the meter's own row (its plugs are beside it) and
 * the total, which must be the home's by the home rule. */
static double
cli_energy_wh (Fixture *f,
               gint64   from_s,
               gint64   to_s,
               double  *cost,
               double  *total_wh,
               double  *total_cost)
{
  g_autofree char *from = g_strdup_printf ("%" G_GINT64_FORMAT, from_s);
  g_autofree char *to = g_strdup_printf ("%" G_GINT64_FORMAT, to_s);
  g_autofree char *out = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *total;
  JsonArray *rows;
  double wh = 0;

  g_assert_cmpint (run_cli (f, &out, "db", "energy", "--from", from, "--to", to, NULL), ==, 0);
  root = json_from_string (out, &error);
  g_assert_no_error (error);
  rows = json_object_get_array_member (json_node_get_object (root), "totals");
  *cost = 0;
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (g_strcmp0 (json_object_get_string_member (row, "key"), f->meter) == 0)
        {
          wh += json_object_get_double_member (row, "energy_kwh") * 1000;
          *cost += json_object_get_double_member (row, "cost");
        }
    }
  total = json_object_get_object_member (json_node_get_object (root), "total");
  g_assert_cmpstr (json_object_get_string_member (total, "counts"), ==, "energy meters");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (total, "devices")), ==, 1);
  *total_wh = json_object_get_double_member (total, "energy_kwh") * 1000;
  *total_cost = json_object_get_double_member (total, "cost");
  return wh;
}

/* What a day of the demo tariff costs, priced here from the readings: the
 * schedule has no zone of its own, so its hours are the test's (UTC);
 * weekdays 16:00–21:00 are peak. */
static double
readings_cost (Fixture *f,
               gint64   day,
               gint64   day_end,
               double   off_peak)
{
  gint64 peak_from = MIN (day + 16 * 3600, day_end), peak_to = MIN (day + 21 * 3600, day_end);
  double peak = readings_energy_wh (f, peak_from, peak_to);
  double rest = readings_energy_wh (f, day, day_end) - peak;

  return (peak * 0.38 + rest * off_peak) / 1000.0;
}

static void
assert_close (const char *what,
              double      got,
              double      want,
              double      rel)
{
  double tolerance = MAX (fabs (want) * rel, 1e-6);

  /* Every disagreement is reported, not just the first. */
  if (fabs (got - want) > tolerance)
    {
      g_test_message ("DISAGREES: %s: %.6f, expected %.6f (±%.6f)", what, got, want, tolerance);
      g_test_fail ();
    }
}

static void
test_every_face_agrees_with_the_store (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(AetherService) service = NULL;
  g_autoptr(GError) error = NULL;
  gint64 restart_at = T0 + DAY + 6 * 3600;
  gint64 back_at = restart_at + 600;
  gint64 end = T0 + 2 * DAY + 12 * 3600;
  g_autofree char *end_text = g_strdup_printf ("%" G_GINT64_FORMAT, end);
  double backfill_wh = 0;

  /* The demo home, its devices and its sample tariff. */
  {
    g_autoptr(AetherClock) clock = aether_clock_new_manual (T0 * G_USEC_PER_SEC);
    g_autoptr(AetherStore) store = aether_store_open (f->db, clock, &error);
    g_autoptr(GPtrArray) devices = NULL;
    g_autoptr(AetherHome) home = NULL;
    gboolean added_tariff = FALSE;

    g_assert_no_error (error);
    devices = aether_sim_add_demo_home (store, SEED, &added_tariff, &error);
    g_assert_no_error (error);
    g_assert_true (added_tariff);
    home = aether_home_new (devices);
    g_assert_true (aether_home_is_metered (home));
    g_assert_cmpuint (aether_home_get_members (home)->len, ==, 1);
    f->meter = g_strdup (g_ptr_array_index (aether_home_get_members (home), 0));
  }

  /* A day and six hours, then the service stops for ten minutes. */
  service = start_service (f);
  run_until (f, restart_at);
  stop_service (service);
  g_clear_object (&service);

  aether_clock_set_us (f->clock, back_at * G_USEC_PER_SEC);
  service = start_service (f);

  /* After the restart, the Dashboard's Today is what the store holds and
   * what the meter reported. */
  {
    double hot_wh = 0, hot_cost = 0, wh, cost;
    g_autoptr(AetherStore) store = open_maintained (f, back_at);

    aether_hot_tier_get_today (aether_service_get_hot_tier (service), f->meter, &hot_wh, &hot_cost);
    store_home_energy (store, T0 + DAY, back_at, &wh, &cost);
    g_test_message ("after restart: hot tier %.1f Wh $%.4f, store %.1f Wh $%.4f, readings %.1f Wh",
                    hot_wh, hot_cost, wh, cost, readings_energy_wh (f, T0 + DAY, back_at));
    assert_close ("Today after a restart (against the store)", hot_wh, wh, 0.002);
    assert_close ("Today's cost after a restart (against the store)", hot_cost, cost, 0.002);
    assert_close ("Today after a restart (against the readings)", hot_wh, readings_energy_wh (f, T0 + DAY, back_at), 0.002);
  }

  run_until (f, end);

  /* Dashboard's Today, from the hot tier, against the store and the readings
   * (the service stopped: everything flushed and rolled up). */
  {
    double hot_wh = 0, hot_cost = 0, wh, cost;
    g_autoptr(AetherStore) store = NULL;

    aether_hot_tier_get_today (aether_service_get_hot_tier (service), f->meter, &hot_wh, &hot_cost);
    stop_service (service);
    g_clear_object (&service);

    store = open_maintained (f, end);
    store_home_energy (store, T0 + 2 * DAY, end, &wh, &cost);
    g_test_message ("today: hot tier %.1f Wh $%.4f, store %.1f Wh $%.4f, readings %.1f Wh",
                    hot_wh, hot_cost, wh, cost, readings_energy_wh (f, T0 + 2 * DAY, end));
    assert_close ("Today (hot tier against store)", hot_wh, wh, 0.002);
    assert_close ("Today cost (hot tier against store)", hot_cost, cost, 0.002);
  }

  /* The late backfill: what the meter buffered while the service was down
   * arrives through `db ingest`, as its power every 10 s, and `db maintain`
   * rolls it up. */
  {
    g_autoptr(GString) csv = g_string_new ("timestamp,device_id,metric_type,value,unit\n");
    g_autofree char *path = g_build_filename (f->dir, "buffered.csv", NULL);
    g_autofree char *out = NULL;
    AetherSimHome *home = aether_sim_home_get (SEED, 0);

    for (gint64 t = restart_at; t <= back_at; t += 10)
      {
        double w = aether_sim_home_power_at (home, AETHER_SIM_MAINS, t);

        g_string_append_printf (csv, "%" G_GINT64_FORMAT ",%s,power,%.3f,W\n", t, f->meter, w);
        /* Its energy by the trapezoid rule, summed here on its own. */
        if (t > restart_at)
          backfill_wh += (w + aether_sim_home_power_at (home, AETHER_SIM_MAINS, t - 10)) / 2 * 10 / 3600.0;
      }
    g_assert_true (g_file_set_contents (path, csv->str, csv->len, &error));
    g_assert_no_error (error);
    g_test_message ("backfill: %.1f Wh of power in minutes the meter's counter accounts for", backfill_wh);
    g_assert_cmpint (run_cli (f, &out, "db", "ingest", path, NULL), ==, 0);
    g_clear_pointer (&out, g_free);
    g_assert_cmpint (run_cli (f, &out, "db", "maintain", "--now", end_text, NULL), ==, 0);
    g_unlink (path);
  }

  /* Each day: the store, `db energy`, the readings and the truth agree;
   * then again after "Off peak" is corrected from 0.22 to 0.20 and the
   * stored history re-priced in the background. */
  for (guint pass = 0; pass < 2; pass++)
    {
      double off_peak = pass == 0 ? 0.22 : 0.20;

      if (pass == 1)
        {
          g_autoptr(AetherService) editing = aether_service_new (f->db, f->clock, &error);
          g_autoptr(GPtrArray) schedules = NULL;
          JsonObject *periods_owner;
          JsonArray *periods;

          g_assert_no_error (error);
          g_assert_cmpuint (aether_service_reload_tariff (editing, &error), ==, 1);
          schedules = aether_store_list_rate_schedules (aether_service_get_store (editing), &error);
          g_assert_no_error (error);
          periods_owner = json_object_get_object_member (json_node_get_object (g_ptr_array_index (schedules, 0)),
                                                         "rate_structure");
          periods = json_object_get_array_member (periods_owner, "periods");
          g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (periods, 1), "name"), ==, "off_peak");
          json_object_set_double_member (json_array_get_object_element (periods, 1), "rate", 0.20);
          g_assert_true (aether_service_update_rate_schedule (editing, g_ptr_array_index (schedules, 0), &error));
          g_assert_no_error (error);
          while (aether_service_get_reprice_progress (editing) < 1.0)
            g_main_context_iteration (NULL, TRUE);
          g_assert_true (aether_service_stop (editing, &error));
          g_assert_no_error (error);
        }

      for (gint64 day = T0; day < end; day += DAY)
        {
          gint64 day_end = MIN (day + DAY, end);
          g_autoptr(AetherClock) clock = aether_clock_new_manual (end * G_USEC_PER_SEC);
          g_autoptr(AetherStore) store = aether_store_open (f->db, clock, &error);
          double wh, cost, cli_wh, cli_cost, cli_total_wh, cli_total_cost, collected, truth;

          g_assert_no_error (error);
          store_home_energy (store, day, day_end, &wh, &cost);
          cli_wh = cli_energy_wh (f, day, day_end, &cli_cost, &cli_total_wh, &cli_total_cost);
          /* The meter's counter bridged the restart (what it counted while
           * the service was down is in its first reading after), so the
           * backfill of its power in those minutes adds nothing: the counter
           * is the better witness of them. */
          collected = readings_energy_wh (f, day, day_end);
          truth = true_energy_wh (day, day_end);
          g_test_message ("day %" G_GINT64_FORMAT ": store %.1f Wh $%.4f, db energy %.1f Wh $%.4f, "
                          "readings %.1f Wh, truth %.1f Wh",
                          (day - T0) / DAY, wh, cost, cli_wh, cli_cost, collected, truth);
          assert_close ("db energy against the store", cli_wh, wh, 1e-9);
          assert_close ("db energy cost against the store", cli_cost, cost, 1e-9);
          assert_close ("db energy's total against the home", cli_total_wh, wh, 1e-9);
          assert_close ("db energy's total cost against the home", cli_total_cost, cost, 1e-9);
          assert_close ("store's cost against the readings priced here", cost,
                        readings_cost (f, day, day_end, off_peak), 0.002);
          assert_close ("store against the collected readings", wh, collected, 0.002);
          /* The counter bridged the restart's gap: every second is counted,
           * and the backfill's power once more would be 10 minutes too many. */
          assert_close ("store against the simulator", wh, truth, 0.002);
          g_assert_cmpfloat (cost, >, 0);

          /* History's whole-home chart: never above what the meter reported. */
          {
            g_autoptr(GArray) columns = aether_store_query (store, f->meter, "power",
                                                            day * G_USEC_PER_SEC, day_end * G_USEC_PER_SEC,
                                                            288, -1, NULL, &error);
            double peak = 0;

            g_assert_no_error (error);
            for (guint i = 0; i < columns->len; i++)
              peak = MAX (peak, g_array_index (columns, AetherBucket, i).max);
            g_test_message ("day %" G_GINT64_FORMAT ": chart peak %.1f W, meter's highest %.1f W",
                            (day - T0) / DAY, peak, f->max_power_w);
            g_assert_cmpfloat (peak, <=, f->max_power_w + 1e-6);
            g_assert_cmpfloat (peak, >, 0);
          }
        }

      /* History's week (Monday to now) is the sum of its days. */
      {
        g_autoptr(AetherStore) store = open_maintained (f, end);
        double week_wh, week_cost, days_wh = 0, days_cost = 0;

        store_home_energy (store, T0, end, &week_wh, &week_cost);
        for (gint64 day = T0; day < end; day += DAY)
          {
            double wh, cost;

            store_home_energy (store, day, MIN (day + DAY, end), &wh, &cost);
            days_wh += wh;
            days_cost += cost;
          }
        g_test_message ("week: %.1f Wh $%.4f, its days %.1f Wh $%.4f", week_wh, week_cost, days_wh, days_cost);
        assert_close ("the week against its days", week_wh, days_wh, 1e-9);
        assert_close ("the week's cost against its days", week_cost, days_cost, 1e-9);
      }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/cross-face/every-face-agrees-with-the-store", Fixture, NULL,
              fixture_setup, test_every_face_agrees_with_the_store, fixture_teardown);

  return g_test_run ();
}
