/* test-restart.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A restart forgets nothing the Dashboard shows: the demo home runs on a
 * manual clock for hours, the service stops, a new one starts on the same
 * database, and its hot tier has the same today's energy and cost per
 * device (equal to an independent sum over the raw samples and to the
 * store's energy tiers) and the same last hour of points. Readings that
 * arrive while the store is being read back are counted once. */

#include "config.h"

#include <math.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "aether-core.h"
#include "aether-test-util.h"
#include "aether-sim-home.h"

#define SEED 42

typedef struct
{
  char          *dir;
  char          *db;
  AetherClock   *clock;
  AetherService *service;
  gint64         day_start_us;
} Fixture;

typedef struct
{
  char   *device_id;
  double  wh;
  double  cost;
} Today;

static void
today_free (gpointer data)
{
  Today *t = data;

  g_free (t->device_id);
  g_free (t);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  /* A Tuesday morning: the demo tariff's off-peak, then its peak at 16:00. */
  g_autoptr(GDateTime) start = g_date_time_new (tz, 2024, 3, 12, 13, 0, 0);
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, 2024, 3, 12, 0, 0, 0);

  aether_sim_home_reset_all ();
  f->dir = g_dir_make_tmp ("aether-restart-XXXXXX", NULL);
  f->db = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (g_date_time_to_unix (start) * G_USEC_PER_SEC);
  f->day_start_us = g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
  aether_clock_set_default (f->clock);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  /* The read-back thread must be done with the file before it goes. */
  while (f->service != NULL && aether_hot_tier_is_restoring (aether_service_get_hot_tier (f->service)))
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&f->service);
  aether_clock_set_default (NULL);
  g_clear_object (&f->clock);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  aether_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->db);
}

static void
wait_for_restore (Fixture *f)
{
  AetherHotTier *hot = aether_service_get_hot_tier (f->service);

  while (aether_hot_tier_is_restoring (hot))
    g_main_context_iteration (NULL, TRUE);
}

static void
start_service (Fixture  *f,
               gboolean  keep_raw)
{
  g_autoptr(GError) error = NULL;
  AetherStore *store;
  gboolean fresh = f->service == NULL && !g_file_test (f->db, G_FILE_TEST_EXISTS);

  g_clear_object (&f->service);
  f->service = aether_service_new (f->db, f->clock, &error);
  g_assert_no_error (error);
  store = aether_service_get_store (f->service);

  if (fresh)
    {
      g_autoptr(GPtrArray) added = aether_sim_add_demo_home (store, SEED, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (added);
    }

  if (keep_raw)
    {
      AetherRetention retention;

      /* So that the raw samples can be summed independently afterwards. */
      aether_retention_init_defaults (&retention);
      retention.samples_s[AETHER_TIER_RAW] = 0;
      aether_store_set_retention (store, &retention);
    }

  g_assert_cmpuint (aether_service_load (f->service, &error), ==, 13);
  g_assert_no_error (error);
  aether_service_start (f->service);
}

static void
stop_service (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (aether_service_stop (f->service, &error));
  g_assert_no_error (error);
}

static GPtrArray *
device_ids (Fixture *f)
{
  g_autoptr(GPtrArray) devices = aether_store_list_devices (aether_service_get_store (f->service), NULL);
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < devices->len; i++)
    g_ptr_array_add (ids, g_strdup (json_object_get_string_member (json_node_get_object (g_ptr_array_index (devices, i)),
                                                                   "device_id")));
  return ids;
}

static GPtrArray *
hot_today (Fixture   *f,
           GPtrArray *ids)
{
  GPtrArray *today = g_ptr_array_new_with_free_func (today_free);

  for (guint i = 0; i < ids->len; i++)
    {
      Today *t = g_new0 (Today, 1);

      t->device_id = g_strdup (g_ptr_array_index (ids, i));
      g_assert_true (aether_hot_tier_get_today (aether_service_get_hot_tier (f->service), t->device_id,
                                                &t->wh, &t->cost));
      g_ptr_array_add (today, t);
    }
  return today;
}

static void
assert_close (double got,
              double want)
{
  g_assert_cmpfloat_with_epsilon (got, want, 1e-6 + fabs (want) * 1e-9);
}

static void
assert_same_last_hour (GPtrArray     *ids,
                       GPtrArray     *before,
                       AetherHotTier *hot)
{
  for (guint i = 0; i < ids->len; i++)
    {
      GArray *was = g_ptr_array_index (before, i);
      g_autoptr(GArray) is = aether_hot_tier_get_last_hour (hot, g_ptr_array_index (ids, i), "power");

      g_assert_cmpuint (was->len, >, 300);
      g_assert_cmpuint (is->len, ==, was->len);
      for (guint p = 0; p < is->len; p++)
        {
          g_assert_cmpint (g_array_index (is, AetherHotPoint, p).time_us, ==,
                           g_array_index (was, AetherHotPoint, p).time_us);
          g_assert_cmpfloat (g_array_index (is, AetherHotPoint, p).value, ==,
                             g_array_index (was, AetherHotPoint, p).value);
        }
    }
}

static void
test_today_and_last_hour_survive_restart (Fixture       *f,
                                          gconstpointer  data)
{
  gboolean keep_raw = GPOINTER_TO_INT (data);
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GPtrArray) hours = g_ptr_array_new_with_free_func ((GDestroyNotify)g_array_unref);
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(AetherHome) home = NULL;
  g_autoptr(GPtrArray) registry = NULL;
  AetherHotTier *hot;
  double home_before = 0, home_after = 0, home_cost_before = 0, home_cost_after = 0;
  guint n_using = 0;
  gint64 now_us, started;

  start_service (f, keep_raw);
  aether_test_run_for (f->clock, 4 * 3600);
  stop_service (f);
  /* The old service is gone a second before the new one reads the store,
   * as it would be: no reading is stamped at the very moment of the cut. */
  aether_clock_advance_us (f->clock, G_USEC_PER_SEC);
  now_us = aether_clock_now_us (f->clock);

  ids = device_ids (f);
  before = hot_today (f, ids);
  hot = aether_service_get_hot_tier (f->service);
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (hours, aether_hot_tier_get_last_hour (hot, g_ptr_array_index (ids, i), "power"));

  registry = aether_store_list_devices (aether_service_get_store (f->service), NULL);
  home = aether_home_new (registry);

  started = g_get_monotonic_time ();
  start_service (f, keep_raw);
  hot = aether_service_get_hot_tier (f->service);
  g_assert_true (aether_hot_tier_is_restoring (hot));
  wait_for_restore (f);
  g_test_message ("Read back in %.1f ms (load and start included)", (g_get_monotonic_time () - started) / 1000.0);
  g_assert_cmpint (aether_clock_now_us (f->clock), ==, now_us);

  after = hot_today (f, ids);
  g_assert_true (aether_store_maintain (aether_service_get_store (f->service), now_us, NULL, NULL));
  totals = aether_store_energy_totals (aether_service_get_store (f->service), f->day_start_us, now_us, "device", NULL);
  g_assert_nonnull (totals);
  for (guint i = 0; i < totals->len; i++)
    g_hash_table_insert (stored, ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->key, g_ptr_array_index (totals, i));

  for (guint i = 0; i < ids->len; i++)
    {
      Today *was = g_ptr_array_index (before, i);
      Today *is = g_ptr_array_index (after, i);
      AetherEnergyTotal *total = g_hash_table_lookup (stored, is->device_id);

      g_test_message ("%s: %.3f Wh %.4f before, %.3f Wh %.4f after, %.3f Wh %.4f stored, %.3f Wh raw", is->device_id,
                      was->wh, was->cost, is->wh, is->cost, total ? total->energy_wh : NAN, total ? total->cost : NAN,
                      aether_test_raw_counter_wh (f->db, is->device_id, f->day_start_us, now_us));
      if (was->wh > 0)
        n_using++;
      assert_close (is->wh, was->wh);
      assert_close (is->cost, was->cost);
      g_assert_nonnull (total);
      assert_close (is->wh, total->energy_wh);
      assert_close (is->cost, total->cost);
      if (keep_raw)
        assert_close (is->wh, aether_test_raw_counter_wh (f->db, is->device_id, f->day_start_us, now_us));

      if (aether_home_counts (home, is->device_id))
        {
          home_before += was->wh;
          home_after += is->wh;
          home_cost_before += was->cost;
          home_cost_after += is->cost;
        }
    }
  g_test_message ("home: %.1f Wh, %.4f before; %.1f Wh, %.4f after", home_before, home_cost_before,
                  home_after, home_cost_after);
  g_assert_cmpuint (n_using, >=, 8);
  g_assert_cmpfloat (home_before, >, 1000);
  g_assert_cmpfloat (home_cost_before, >, 0);
  assert_close (home_after, home_before);
  assert_close (home_cost_after, home_cost_before);

  assert_same_last_hour (ids, hours, hot);
}

/* The first poll after the restart may land before the store has been read
 * back, or after: either way each reading is counted once. */
static void
test_readings_during_restore_count_once (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GPtrArray) today = NULL;
  AetherHotTier *hot;
  gint64 now_us;

  start_service (f, TRUE);
  aether_test_run_for (f->clock, 2 * 3600);
  stop_service (f);
  aether_clock_advance_us (f->clock, G_USEC_PER_SEC);

  start_service (f, TRUE);
  hot = aether_service_get_hot_tier (f->service);
  g_assert_true (aether_hot_tier_is_restoring (hot));
  /* Polls answer on the main loop, as does the read-back: no waiting for it. */
  aether_test_run_for (f->clock, 120);
  wait_for_restore (f);
  aether_test_run_for (f->clock, 600);
  stop_service (f);
  now_us = aether_clock_now_us (f->clock) + 1;

  ids = device_ids (f);
  today = hot_today (f, ids);
  for (guint i = 0; i < ids->len; i++)
    {
      Today *t = g_ptr_array_index (today, i);
      double raw = aether_test_raw_counter_wh (f->db, t->device_id, f->day_start_us, now_us);

      g_test_message ("%s: %.3f Wh in the hot tier, %.3f Wh in raw samples", t->device_id, t->wh, raw);
      assert_close (t->wh, raw);
    }
}

/* Readings pushed while the store is read are merged with it, in whichever
 * order the two arrive: the first live reading bridges from the last
 * stored one. */
static void
test_live_readings_before_read_back_bridge (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(AetherHotTier) hot = NULL;
  double stored_wh = 0, wh = 0;
  gint64 now_us;

  start_service (f, TRUE);
  aether_test_run_for (f->clock, 3600);
  stop_service (f);
  g_clear_object (&f->service);
  aether_clock_advance_us (f->clock, G_USEC_PER_SEC);
  now_us = aether_clock_now_us (f->clock);
  stored_wh = aether_test_raw_counter_wh (f->db, "demo-mains", f->day_start_us, now_us);

  hot = aether_hot_tier_new (f->clock, NULL);
  aether_hot_tier_restore (hot, f->db);
  /* Two readings before the main loop can see the read-back: the counter
   * moves on by 5 Wh and then by 7 Wh from where the store left it. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    double last;
    AetherReading a = { now_us + G_USEC_PER_SEC, (char *)"demo-mains", (char *)"energy", 0, (char *)"Wh" };
    AetherReading b = { now_us + 2 * G_USEC_PER_SEC, (char *)"demo-mains", (char *)"energy", 0, (char *)"Wh" };

    g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    /* The read-back thread may hold the file a moment. */
    sqlite3_busy_timeout (db, 5000);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT x.value FROM samples x JOIN series s USING (series_id)"
                                             " WHERE s.device_id = 'demo-mains' AND s.metric_type = 'energy'"
                                             " ORDER BY x.ts DESC LIMIT 1", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    last = sqlite3_column_double (stmt, 0);
    sqlite3_finalize (stmt);
    sqlite3_close (db);

    a.value = last + 5;
    b.value = last + 12;
    aether_clock_advance_us (f->clock, 2 * G_USEC_PER_SEC);
    aether_reading_sink_push (AETHER_READING_SINK (hot), &a);
    aether_reading_sink_push (AETHER_READING_SINK (hot), &b);
  }

  while (aether_hot_tier_is_restoring (hot))
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (aether_hot_tier_get_today (hot, "demo-mains", &wh, NULL));
  g_test_message ("stored %.3f Wh, hot tier %.3f Wh", stored_wh, wh);
  g_assert_cmpfloat (stored_wh, >, 100);
  assert_close (wh, stored_wh + 12);
}

/* The first and last raw sample of a device's series: time (µs) and value. */
static gboolean
series_ends (const char *db_path,
             const char *device_id,
             const char *metric_type,
             gint64     *first_us,
             double     *first,
             gint64     *last_us,
             double     *last)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gboolean found = FALSE;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  for (guint end = 0; end < 2; end++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT x.ts, x.value FROM samples x JOIN series s USING (series_id)"
                                              " WHERE s.device_id = ? AND s.metric_type = ? ORDER BY x.ts %s LIMIT 1",
                                              end == 0 ? "ASC" : "DESC");

      g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
      sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, metric_type, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          *(end == 0 ? first_us : last_us) = sqlite3_column_int64 (stmt, 0) * 1000;
          *(end == 0 ? first : last) = sqlite3_column_double (stmt, 1);
          found = TRUE;
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_close (db);

  return found;
}

/* Restarts lose no energy a counter saw: the demo home through the service,
 * stopped and started 30 times (2 minutes collecting, then @data seconds
 * stopped). A device with a counter stores exactly its counter's delta
 * (what it counted while we were stopped is real energy: before, each stop
 * lost the span from the last reading before it to the first after, 12 %
 * of the integral after 30 restarts); a device with only power is bridged
 * by the gap rule: across a stop shorter than three intervals, not across
 * a longer one. */
static void
test_counters_bridge_restarts (Fixture       *f,
                               gconstpointer  data)
{
  guint stop_s = GPOINTER_TO_UINT (data);
  g_autoptr(AetherSimHome) truth = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  g_autoptr(GHashTable) stored = g_hash_table_new (g_str_hash, g_str_equal);
  AetherStore *store;
  gint64 now_us;
  guint n_counters = 0, n_power = 0;

  for (guint i = 0; i < 30; i++)
    {
      start_service (f, TRUE);
      aether_test_run_for (f->clock, 120);
      stop_service (f);
      aether_clock_advance_us (f->clock, stop_s * G_USEC_PER_SEC);
    }
  wait_for_restore (f);
  /* Into the next minute, so that maintenance rolls the last readings up. */
  now_us = aether_clock_now_us (f->clock);
  aether_clock_advance_us (f->clock, 61 * G_USEC_PER_SEC - now_us % (60 * G_USEC_PER_SEC));
  now_us = aether_clock_now_us (f->clock);
  store = aether_service_get_store (f->service);
  g_assert_true (aether_store_maintain (store, now_us, NULL, NULL));
  totals = aether_store_energy_totals (store, f->day_start_us, now_us, "device", NULL);
  g_assert_nonnull (totals);
  for (guint i = 0; i < totals->len; i++)
    g_hash_table_insert (stored, ((AetherEnergyTotal *)g_ptr_array_index (totals, i))->key, g_ptr_array_index (totals, i));

  truth = aether_sim_home_new (SEED, 0, NULL);
  devices = aether_store_list_devices (store, NULL);
  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      const char *id = json_object_get_string_member (device, "device_id");
      JsonObject *pc = json_object_get_object_member (json_object_get_object_member (device, "configuration"),
                                                      "plugin_config");
      AetherEnergyTotal *total = g_hash_table_lookup (stored, id);
      gint64 first_us = 0, last_us = 0;
      double first = 0, last = 0, counter_wh, true_wh = 0;
      AetherSimKind kind;

      g_assert_true (aether_sim_kind_from_key (json_object_get_string_member (pc, "sim_device"), &kind));
      g_assert_nonnull (total);
      g_assert_true (series_ends (f->db, id, "energy", &first_us, &first, &last_us, &last));
      /* Power is constant within a second: the exact energy between the
       * first and the last reading. */
      for (gint64 s = first_us / G_USEC_PER_SEC; s < last_us / G_USEC_PER_SEC; s++)
        true_wh += aether_sim_home_power_at (truth, kind, s) / 3600.0;

      if (aether_sim_kind_get_info (kind)->has_counter)
        {
          gint64 c0_us, c1_us;
          double c0, c1;

          g_assert_true (series_ends (f->db, id, "energy_counter", &c0_us, &c0, &c1_us, &c1));
          g_assert_cmpint (c0_us, ==, first_us);
          g_assert_cmpint (c1_us, ==, last_us);
          counter_wh = c1 - c0;
          g_test_message ("%s: %.3f Wh stored, its counter moved %.3f Wh (%.5f), %.3f Wh true",
                          id, total->energy_wh, counter_wh, total->energy_wh / counter_wh, true_wh);
          if (counter_wh > 1)
            {
              g_assert_cmpfloat (fabs (total->energy_wh / counter_wh - 1), <=, 0.002);
              n_counters++;
            }
          else
            g_assert_cmpfloat (fabs (total->energy_wh - counter_wh), <=, 0.002);
          /* The counter is the device's own truth. */
          g_assert_cmpfloat (fabs (counter_wh - true_wh), <=, 0.002 * true_wh + 0.01);
        }
      else
        {
          g_test_message ("%s: %.3f Wh stored, %.3f Wh true (%.4f)", id, total->energy_wh, true_wh,
                          total->energy_wh / true_wh);
          if (true_wh > 1)
            n_power++;
          if (stop_s < 20)
            /* Every stop bridged by the gap rule: the trapezoid's error only. */
            g_assert_cmpfloat (fabs (total->energy_wh - true_wh), <=, 0.01 * true_wh + 0.01);
          else
            /* Nothing invented across a stop longer than three intervals. */
            g_assert_cmpfloat (total->energy_wh, <, 0.95 * true_wh + 0.01);
        }
      /* The store's tiers and the raw samples agree. */
      assert_close (total->energy_wh, aether_test_raw_counter_wh (f->db, id, f->day_start_us, now_us));
    }
  g_assert_cmpuint (n_counters, >=, 4);
  g_assert_cmpuint (n_power, >=, 2);
}

/* A device configured differently is collected anew while the service
 * runs: its energy goes on from where it was (what the writer still held
 * is stored first), its `energy` never drops back to zero, and what its
 * counter counted is what is stored. */
static void
test_reconfigured_device_keeps_its_energy (Fixture       *f,
                                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(JsonNode) mains = NULL;
  AetherStore *store;
  gint64 first_us, last_us, c0_us, c1_us, now_us;
  double first, last, c0, c1, wh;

  start_service (f, TRUE);
  aether_test_run_for (f->clock, 300);
  store = aether_service_get_store (f->service);
  devices = aether_store_list_devices (store, &error);
  for (guint i = 0; i < devices->len; i++)
    if (g_str_equal (json_object_get_string_member (json_node_get_object (g_ptr_array_index (devices, i)), "device_id"),
                     "demo-mains"))
      mains = json_node_copy (g_ptr_array_index (devices, i));
  g_assert_nonnull (mains);
  json_object_set_int_member (json_object_get_object_member (json_object_get_object_member (json_node_get_object (mains),
                                                                                            "configuration"),
                                                             "plugin_config"),
                              "polling_interval", 5);
  g_assert_true (aether_service_update_device (f->service, mains, &error));
  g_assert_no_error (error);
  aether_test_run_for (f->clock, 300);
  stop_service (f);

  /* Never back to zero: no "reset" for the store to count. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    double prev = -1;
    guint n = 0;

    g_assert_cmpint (sqlite3_open_v2 (f->db, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT x.value FROM samples x JOIN series s USING (series_id)"
                                             " WHERE s.device_id = 'demo-mains' AND s.metric_type = 'energy'"
                                             " ORDER BY x.ts", -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        g_assert_cmpfloat (sqlite3_column_double (stmt, 0), >=, prev);
        prev = sqlite3_column_double (stmt, 0);
        n++;
      }
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    /* 30 readings at 10 s, then 60 at 5 s. */
    g_assert_cmpuint (n, >=, 85);
  }

  g_assert_true (series_ends (f->db, "demo-mains", "energy", &first_us, &first, &last_us, &last));
  g_assert_true (series_ends (f->db, "demo-mains", "energy_counter", &c0_us, &c0, &c1_us, &c1));
  now_us = aether_clock_now_us (f->clock) + 1;
  wh = aether_test_raw_counter_wh (f->db, "demo-mains", f->day_start_us, now_us);
  g_test_message ("demo-mains: %.3f Wh in its energy readings, its counter moved %.3f Wh", wh, c1 - c0);
  g_assert_cmpfloat (c1 - c0, >, 100);
  g_assert_cmpfloat_with_epsilon (wh, c1 - c0, 1e-6 * (c1 - c0));
  g_assert_cmpfloat_with_epsilon (last - first, c1 - c0, 1e-6 * (c1 - c0));
}

/* Where a device's energy stood, read back for the collector's start: the
 * last `energy` reading with the counter and power of the same poll; after
 * retention cut the raw samples (a device offline longer than they are
 * kept), the last minute's. */
static void
test_resume_after_retention_cut (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = aether_store_open (f->db, f->clock, &error);
  gint64 t0 = aether_clock_now_us (f->clock);
  AetherEnergyMeterState state;
  AetherRetention retention;

  g_assert_no_error (error);
  for (guint i = 0; i < 30; i++)
    {
      gint64 t = t0 + i * 10 * G_USEC_PER_SEC + 123000;
      AetherReading readings[] = {
        { t, (char *)"plug", (char *)"power", 100.0 + i, (char *)"W" },
        { t, (char *)"plug", (char *)"energy_counter", 5000.0 + i, (char *)"Wh" },
        { t, (char *)"plug", (char *)"energy", 2.0 * i, (char *)"Wh" },
      };

      g_assert_true (aether_store_ingest (store, readings, G_N_ELEMENTS (readings), &error));
      g_assert_no_error (error);
    }

  g_assert_true (aether_store_get_energy_resume (store, "plug", &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state.time_us, ==, (t0 + 290 * G_USEC_PER_SEC + 123000) / 1000 * 1000);
  g_assert_cmpfloat (state.total_wh, ==, 58.0);
  g_assert_true (state.have_counter);
  g_assert_cmpfloat (state.counter_wh, ==, 5029.0);
  g_assert_true (state.have_power);
  g_assert_cmpfloat (state.power_w, ==, 129.0);

  /* Rolled up, and the raw samples cut a day later. */
  aether_retention_init_defaults (&retention);
  retention.samples_s[AETHER_TIER_RAW] = 3600;
  aether_store_set_retention (store, &retention);
  g_assert_true (aether_store_maintain (store, t0 + G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (aether_store_get_energy_resume (store, "plug", &state, &error));
  g_assert_no_error (error);
  g_assert_cmpint (state.time_us / (60 * G_USEC_PER_SEC), ==, (t0 + 290 * G_USEC_PER_SEC) / (60 * G_USEC_PER_SEC));
  g_assert_cmpfloat (state.total_wh, ==, 58.0);
  g_assert_true (state.have_counter);
  g_assert_cmpfloat (state.counter_wh, ==, 5029.0);
  g_assert_false (state.have_power);

  /* A device never read: nothing to go on from. */
  g_assert_true (aether_store_get_energy_resume (store, "nobody", &state, &error));
  g_assert_cmpint (state.time_us, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_setup, func, fixture_teardown)
  ADD ("/service/restart/today-and-last-hour-survive", test_today_and_last_hour_survive_restart, GINT_TO_POINTER (TRUE));
  ADD ("/service/restart/today-and-last-hour-survive-default-retention", test_today_and_last_hour_survive_restart,
       GINT_TO_POINTER (FALSE));
  ADD ("/service/restart/readings-during-read-back-count-once", test_readings_during_restore_count_once, NULL);
  ADD ("/service/restart/live-readings-before-read-back-bridge", test_live_readings_before_read_back_bridge, NULL);
  ADD ("/service/restart/counters-bridge-30-restarts-30s-stops", test_counters_bridge_restarts, GUINT_TO_POINTER (30));
  ADD ("/service/restart/power-bridged-across-5s-stops", test_counters_bridge_restarts, GUINT_TO_POINTER (5));
  ADD ("/service/restart/resume-after-retention-cut", test_resume_after_retention_cut, NULL);
  ADD ("/service/restart/reconfigured-device-keeps-its-energy", test_reconfigured_device_keeps_its_energy, NULL);

  return g_test_run ();
}
