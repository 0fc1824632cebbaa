/* test-rate-versions.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writing tariff versions: an edit changes only what was edited, a version
 * goes only when a person removes it, and undo puts it back exactly. The
 * scenario of the bug report: the demo tariff since 2020, a new schedule
 * imported from the 1st of this month (the demo one now ends the day
 * before), then a price of the older version corrected. */

#define G_LOG_DOMAIN "test-rate-versions"

#include "config.h"

#include <glib/gstdio.h>

#include "aether-core.h"
#include "store/aether-store-private.h"

/* "Now": 2026-12-02 12:00 UTC; this month began on 2026-12-01. */
#define NOW_US (G_GINT64_CONSTANT (1796212800) * G_USEC_PER_SEC)

#define OLDER \
  "{\"rate_id\": \"demo-home-tou\", \"plan_name\": \"Time-of-Use (demo home)\", \"effective_date\": \"2020-01-01\"," \
  " \"currency\": \"USD\", \"time_zones\": \"America/Los_Angeles\", \"rate_structure\": {\"type\": \"time_of_use\"," \
  " \"periods\": [{\"name\": \"peak\", \"rate\": 0.38, \"days\": [\"monday\", \"tuesday\", \"wednesday\"," \
  " \"thursday\", \"friday\"], \"hours\": \"16:00-21:00\"}, {\"name\": \"off_peak\", \"rate\": 0.22, \"days\":" \
  " [\"monday\", \"tuesday\", \"wednesday\", \"thursday\", \"friday\"], \"hours\": \"00:00-16:00,21:00-24:00\"}," \
  " {\"name\": \"weekend\", \"rate\": 0.15, \"days\": [\"saturday\", \"sunday\"], \"hours\": \"00:00-24:00\"}]}," \
  " \"fixed_charges\": {\"monthly_service\": 10.0}}"

#define NEWER \
  "{\"rate_id\": \"flat-2026-12\", \"plan_name\": \"Flat (December 2026)\", \"effective_date\": \"2026-12-01\"," \
  " \"currency\": \"USD\", \"time_zones\": \"America/Los_Angeles\", \"rate_structure\": {\"type\": \"flat\"," \
  " \"periods\": [{\"name\": \"all_day\", \"rate\": 0.31, \"days\": [\"all\"], \"hours\": \"00:00-24:00\"}]}}"

typedef struct
{
  char        *dir;
  char        *path;
  AetherClock *clock;
  AetherStore *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("aether-rate-versions-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "aetherlens.db", NULL);
  f->clock = aether_clock_new_manual (NOW_US);
  f->store = aether_store_open (f->path, f->clock, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  static const char * const suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&f->store);
  g_clear_object (&f->clock);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);
  return node;
}

static void
add (Fixture    *f,
     const char *text)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = aether_rates_add_schedule (f->store, node, NOW_US, TRUE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
}

/* The stored version with @id, parsed. */
static JsonNode *
stored (Fixture    *f,
        const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = aether_rates_get_stored_json (f->store, id, &error);

  g_assert_no_error (error);
  return parse (text);
}

static guint
n_stored (Fixture *f)
{
  g_autoptr(GPtrArray) all = aether_store_list_rate_schedules (f->store, NULL);

  return all->len;
}

static gint64
n_reprice_jobs (Fixture *f)
{
  sqlite3 *db = _aether_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM reprice_jobs", -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n;
}

/* Jobs that overlap are merged into one (the newest tariff prices all of
 * it), so a write is checked by what its job covers, from a clean slate. */
static void
clear_reprice_jobs (Fixture *f)
{
  g_assert_true (_aether_sqlite_exec (_aether_store_get_db (f->store), "DELETE FROM reprice_jobs;", NULL));
}

static gboolean
reprice_job_covers (Fixture *f,
                    gint64   unix_s)
{
  sqlite3 *db = _aether_store_get_db (f->store);
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM reprice_jobs WHERE from_s <= ?1 AND to_s >= ?1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, unix_s);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return n > 0;
}

/* Which version the stored ones price @unix_s with, as the service loads
 * them. */
static char *
version_at (Fixture *f,
            gint64   unix_s)
{
  g_autoptr(GPtrArray) all = aether_store_list_rate_schedules (f->store, NULL);
  g_autoptr(AetherTariff) tariff = aether_tariff_new ();
  g_autoptr(GError) error = NULL;
  AetherRateSchedule *schedule;

  for (guint i = 0; i < all->len; i++)
    {
      g_autoptr(AetherRateSchedule) version = aether_rate_schedule_new_from_json (g_ptr_array_index (all, i), &error);

      g_assert_no_error (error);
      g_assert_true (aether_tariff_add_schedule (tariff, version, &error));
      g_assert_no_error (error);
    }
  schedule = aether_tariff_schedule_at (tariff, unix_s);
  return schedule ? g_strdup (aether_rate_schedule_get_id (schedule)) : NULL;
}

static JsonObject *
period (JsonNode *schedule,
        guint     index)
{
  JsonObject *structure = json_object_get_object_member (json_node_get_object (schedule), "rate_structure");

  return json_array_get_object_element (json_object_get_array_member (structure, "periods"), index);
}

static void
two_versions (Fixture *f)
{
  g_autoptr(JsonNode) older = NULL;

  add (f, OLDER);
  add (f, NEWER);
  older = stored (f, "demo-home-tou");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (older), "expiry_date"), ==, "2026-11-30");
  g_assert_cmpuint (n_stored (f), ==, 2);
}

static void
test_editing_older_version_keeps_newer (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) older = NULL;
  g_autoptr(JsonNode) after = NULL;
  g_autofree char *newer_before = NULL;
  g_autofree char *newer_after = NULL;
  g_autofree char *today = NULL;

  two_versions (f);
  newer_before = aether_rates_get_stored_json (f->store, "flat-2026-12", &error);
  g_assert_no_error (error);
  clear_reprice_jobs (f);

  /* "Off peak" of the older version, corrected. */
  older = stored (f, "demo-home-tou");
  g_assert_cmpstr (json_object_get_string_member (period (older, 1), "name"), ==, "off_peak");
  json_object_set_double_member (period (older, 1), "rate", 0.21);
  g_assert_true (aether_rates_update_schedule (f->store, older, NOW_US, &error));
  g_assert_no_error (error);

  /* Both versions are there; the newer one byte for byte as it was. */
  g_assert_cmpuint (n_stored (f), ==, 2);
  newer_after = aether_rates_get_stored_json (f->store, "flat-2026-12", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (newer_after, ==, newer_before);
  after = stored (f, "demo-home-tou");
  g_assert_cmpfloat (json_object_get_double_member (period (after, 1), "rate"), ==, 0.21);
  g_assert_cmpfloat (json_object_get_double_member (period (after, 0), "rate"), ==, 0.38);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (after), "expiry_date"), ==, "2026-11-30");

  /* Today is still priced, by the newer version; the older one's dates are
   * queued for re-pricing. */
  today = version_at (f, NOW_US / G_USEC_PER_SEC);
  g_assert_cmpstr (today, ==, "flat-2026-12");
  /* 1 June 2025, in the older version. */
  g_assert_true (reprice_job_covers (f, 1748736000));
  g_assert_false (reprice_job_covers (f, NOW_US / G_USEC_PER_SEC));
}

/* What the Rates page used to do for an edit (store it again, superseding)
 * must not take the newer version either. */
static void
test_readding_older_version_superseding_keeps_newer (Fixture       *f,
                                                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) older = NULL;
  g_autofree char *id = NULL;
  g_autofree char *today = NULL;

  two_versions (f);
  older = stored (f, "demo-home-tou");
  json_object_set_double_member (period (older, 1), "rate", 0.2);
  id = aether_rates_add_schedule (f->store, older, NOW_US, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "demo-home-tou");
  g_assert_cmpuint (n_stored (f), ==, 2);
  today = version_at (f, NOW_US / G_USEC_PER_SEC);
  g_assert_cmpstr (today, ==, "flat-2026-12");
}

/* An import that would leave nothing of a version is refused, naming it,
 * and nothing at all changes (the earlier version is not trimmed
 * either: one transaction). */
static void
test_superseding_never_deletes_a_covered_version (Fixture       *f,
                                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) june = parse ("{\"rate_id\": \"june\", \"plan_name\": \"June plan\", \"effective_date\": "
                                    "\"2026-06-01\", \"time_zones\": \"America/Los_Angeles\", \"rate_structure\": "
                                    "{\"type\": \"flat\", \"periods\": [{\"name\": \"all_day\", \"rate\": 0.2, "
                                    "\"days\": [\"all\"], \"hours\": \"00:00-24:00\"}]}}");
  g_autoptr(GPtrArray) covered = NULL;
  g_autoptr(JsonNode) older = NULL;
  g_autofree char *id = NULL;
  gint64 jobs;

  two_versions (f);
  jobs = n_reprice_jobs (f);

  covered = aether_rates_list_covered (f->store, june, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (covered->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (covered, 0), ==, "flat-2026-12");

  id = aether_rates_add_schedule (f->store, june, NOW_US, TRUE, &error);
  g_assert_null (id);
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, "Flat (December 2026)"));
  g_assert_nonnull (strstr (error->message, "2026-12-01"));

  g_assert_cmpuint (n_stored (f), ==, 2);
  older = stored (f, "demo-home-tou");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (older), "expiry_date"), ==, "2026-11-30");
  g_assert_cmpint (n_reprice_jobs (f), ==, jobs);
}

static void
test_remove_then_undo_restores_exactly (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) removed = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *id = NULL;
  g_autofree char *today = NULL;

  two_versions (f);
  before = aether_rates_get_stored_json (f->store, "flat-2026-12", &error);
  g_assert_no_error (error);
  clear_reprice_jobs (f);

  removed = aether_rates_remove_schedule (f->store, "flat-2026-12", NOW_US, &error);
  g_assert_no_error (error);
  g_assert_nonnull (removed);
  g_assert_cmpuint (n_stored (f), ==, 1);
  g_assert_null (version_at (f, NOW_US / G_USEC_PER_SEC));
  g_assert_true (reprice_job_covers (f, NOW_US / G_USEC_PER_SEC));
  clear_reprice_jobs (f);

  /* Removing what is not there says so. */
  g_assert_null (aether_rates_remove_schedule (f->store, "flat-2026-12", NOW_US, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Undo: the same id, the same JSON, and its dates priced again. */
  id = aether_rates_add_schedule (f->store, removed, NOW_US, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, "flat-2026-12");
  after = aether_rates_get_stored_json (f->store, "flat-2026-12", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (after, ==, before);
  today = version_at (f, NOW_US / G_USEC_PER_SEC);
  g_assert_cmpstr (today, ==, "flat-2026-12");
  g_assert_true (reprice_job_covers (f, NOW_US / G_USEC_PER_SEC));
}

static void
test_update_refuses_unknown_or_overlapping (Fixture       *f,
                                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) unknown = parse (NEWER);
  g_autoptr(JsonNode) older = NULL;
  g_autoptr(JsonNode) unchanged = NULL;

  two_versions (f);

  json_object_set_string_member (json_node_get_object (unknown), "rate_id", "never-stored");
  json_object_set_string_member (json_node_get_object (unknown), "effective_date", "2030-01-01");
  g_assert_false (aether_rates_update_schedule (f->store, unknown, NOW_US, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_cmpuint (n_stored (f), ==, 2);

  /* Without its end date the older version would run into the newer. */
  older = stored (f, "demo-home-tou");
  json_object_remove_member (json_node_get_object (older), "expiry_date");
  g_assert_false (aether_rates_update_schedule (f->store, older, NOW_US, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE);
  g_assert_nonnull (strstr (error->message, "Flat (December 2026)"));
  g_clear_error (&error);
  unchanged = stored (f, "demo-home-tou");
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (unchanged), "expiry_date"), ==, "2026-11-30");

  /* A price that is no price is refused with the problem named. */
  json_object_set_string_member (json_node_get_object (older), "expiry_date", "2026-11-30");
  json_object_set_string_member (period (older, 1), "rate", "cheap");
  g_assert_false (aether_rates_update_schedule (f->store, older, NOW_US, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE);
  g_assert_nonnull (strstr (error->message, "off_peak"));
}

static void
count_emission (AetherService *service,
                guint         *count)
{
  (*count)++;
}

/* The service's write path: each write emits tariff-changed with the
 * tariff already reloaded. */
static void
test_service_writes_emit_tariff_changed (Fixture       *f,
                                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherService) service = NULL;
  g_autoptr(JsonNode) older = parse (OLDER);
  g_autoptr(JsonNode) newer = parse (NEWER);
  g_autoptr(JsonNode) edited = NULL;
  g_autoptr(JsonNode) removed = NULL;
  g_autofree char *id = NULL;
  g_autofree char *again = NULL;
  guint count = 0;

  g_clear_object (&f->store);
  service = aether_service_new (f->path, f->clock, &error);
  g_assert_no_error (error);
  f->store = g_object_ref (aether_service_get_store (service));
  g_signal_connect (service, "tariff-changed", G_CALLBACK (count_emission), &count);

  g_assert_null (aether_service_get_currency (service));
  id = aether_service_add_rate_schedule (service, older, TRUE, &error);
  g_assert_no_error (error);
  g_free (id);
  id = aether_service_add_rate_schedule (service, newer, TRUE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 2);
  g_assert_cmpstr (aether_service_get_currency (service), ==, "USD");

  edited = stored (f, "demo-home-tou");
  json_object_set_double_member (period (edited, 1), "rate", 0.21);
  g_assert_true (aether_service_update_rate_schedule (service, edited, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 3);
  g_assert_cmpuint (n_stored (f), ==, 2);
  g_assert_cmpstr (aether_service_get_currency (service), ==, "USD");

  removed = aether_service_remove_rate_schedule (service, "flat-2026-12", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (count, ==, 4);
  /* Nothing covers today now: the service prices nothing. */
  g_assert_null (aether_service_get_currency (service));

  again = aether_service_add_rate_schedule (service, removed, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, "flat-2026-12");
  g_assert_cmpuint (count, ==, 5);
  g_assert_cmpstr (aether_service_get_currency (service), ==, "USD");

  /* The rate in force (the Dashboard's) follows an edit at once, not at
   * the next housekeeping. */
  {
    g_autoptr(JsonNode) flat = stored (f, "flat-2026-12");
    double rate = 0;

    aether_hot_tier_get_rate_period (aether_service_get_hot_tier (service), &rate, NULL);
    g_assert_cmpfloat_with_epsilon (rate, 0.31, 1e-9);
    json_object_set_double_member (period (flat, 0), "rate", 0.29);
    g_assert_true (aether_service_update_rate_schedule (service, flat, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (count, ==, 6);
    aether_hot_tier_get_rate_period (aether_service_get_hot_tier (service), &rate, NULL);
    g_assert_cmpfloat_with_epsilon (rate, 0.29, 1e-9);
  }

  /* A refused write changes nothing and says nothing changed. */
  g_assert_null (aether_service_remove_rate_schedule (service, "never-stored", &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  g_assert_cmpuint (count, ==, 6);

  g_assert_true (aether_service_stop (service, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/rates/versions/editing-older-version-keeps-newer", test_editing_older_version_keeps_newer);
  ADD ("/rates/versions/readding-older-version-superseding-keeps-newer",
       test_readding_older_version_superseding_keeps_newer);
  ADD ("/rates/versions/superseding-never-deletes-a-covered-version", test_superseding_never_deletes_a_covered_version);
  ADD ("/rates/versions/remove-then-undo-restores-exactly", test_remove_then_undo_restores_exactly);
  ADD ("/rates/versions/update-refuses-unknown-or-overlapping", test_update_refuses_unknown_or_overlapping);
  ADD ("/rates/service/writes-emit-tariff-changed", test_service_writes_emit_tariff_changed);
#undef ADD

  return g_test_run ();
}
