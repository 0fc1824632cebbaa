/* aether-service-watch.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Noticing what another process changed. `aetherlens-cli alerts add` (or
 * `devices add`, `rates add`) writes the same file while the app runs; the
 * service must pick it up without a restart.
 *
 * Every two seconds on the service's clock, `PRAGMA data_version` on the
 * service's own connection says whether any other connection committed.
 * It also moves for the service's writer thread (its own connection, a
 * commit a second), so a change of data_version only means "look": a
 * fingerprint of each registry table (devices without their status, alert
 * rules without their metadata, rate schedules) says what really changed,
 * and only that is reloaded: the collector's device set, the engine's
 * rules, the tariff. The service's own writes (a status a minute, a rule's
 * trigger count) change no fingerprint. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include "aether-service-private.h"
#include "store/aether-store-alert-state.h"
#include "store/aether-store-private.h"

#define WATCH_INTERVAL_MS 2000

struct _AetherServiceWatch
{
  /* Borrowed: the service owns the watch */
  AetherService *service;

  /* Owned */
  AetherClock   *clock;
  GHashTable    *device_configs;   /* device id → configuration as stored */
  char          *devices_fp;
  char          *alerts_fp;
  char          *rates_fp;

  gint64         data_version;
  guint          timer;
};

static gint64
read_data_version (sqlite3 *db)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (db, "PRAGMA data_version", -1, &stmt, NULL) != SQLITE_OK)
    return -1;
  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* A digest of every row @sql returns (every column as text). When
 * @first_two is not %NULL it gets column 0 → column 1 of each row. */
static char *
fingerprint (sqlite3    *db,
             const char *sql,
             GHashTable *first_two)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA1);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int n = sqlite3_column_count (stmt);

      for (int i = 0; i < n; i++)
        {
          const char *text = (const char *)sqlite3_column_text (stmt, i);

          g_checksum_update (sum, (const guchar *)(text ? text : "\x01"), -1);
          g_checksum_update (sum, (const guchar *)"\x1f", 1);
        }
      g_checksum_update (sum, (const guchar *)"\x1e", 1);
      if (first_two != NULL && n >= 2 && sqlite3_column_text (stmt, 0) != NULL)
        g_hash_table_replace (first_two, g_strdup ((const char *)sqlite3_column_text (stmt, 0)),
                              g_strdup ((const char *)sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  /* A busy database is looked at again on the next tick. */
  if (rc != SQLITE_DONE)
    return NULL;
  return g_strdup (g_checksum_get_string (sum));
}

/* Status (a save a minute) and metadata (trigger counts) are the service's
 * own bookkeeping, not a change someone made. */
#define DEVICES_SQL "SELECT device_id, configuration, name, type, manufacturer, model, location, capabilities" \
                    " FROM devices ORDER BY device_id"
#define ALERTS_SQL  "SELECT alert_id, enabled, json_remove(json, '$.metadata') FROM alerts ORDER BY alert_id"
#define RATES_SQL   "SELECT rate_id, effective_date, expiry_date, json FROM rate_schedules ORDER BY rate_id"

typedef struct
{
  char       *devices;
  char       *alerts;
  char       *rates;
  GHashTable *configs;
} Fingerprints;

static gboolean
take_fingerprints (AetherServiceWatch *watch,
                   Fingerprints       *fp)
{
  sqlite3 *db = _aether_store_get_db (aether_service_get_store (watch->service));

  fp->configs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fp->devices = fingerprint (db, DEVICES_SQL, fp->configs);
  fp->alerts = fingerprint (db, ALERTS_SQL, NULL);
  fp->rates = fingerprint (db, RATES_SQL, NULL);
  return fp->devices != NULL && fp->alerts != NULL && fp->rates != NULL;
}

static void
fingerprints_clear (Fingerprints *fp)
{
  g_clear_pointer (&fp->devices, g_free);
  g_clear_pointer (&fp->alerts, g_free);
  g_clear_pointer (&fp->rates, g_free);
  g_clear_pointer (&fp->configs, g_hash_table_unref);
}

static void
keep_fingerprints (AetherServiceWatch *watch,
                   Fingerprints       *fp)
{
  g_free (watch->devices_fp);
  watch->devices_fp = g_steal_pointer (&fp->devices);
  g_free (watch->alerts_fp);
  watch->alerts_fp = g_steal_pointer (&fp->alerts);
  g_free (watch->rates_fp);
  watch->rates_fp = g_steal_pointer (&fp->rates);
  g_clear_pointer (&watch->device_configs, g_hash_table_unref);
  watch->device_configs = g_steal_pointer (&fp->configs);
}

AetherServiceWatch *
_aether_service_watch_new (AetherService *service,
                           AetherClock   *clock)
{
  AetherServiceWatch *watch = g_new0 (AetherServiceWatch, 1);

  watch->service = service;
  watch->clock = g_object_ref (clock);
  watch->data_version = -1;
  watch->device_configs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return watch;
}

void
_aether_service_watch_free (AetherServiceWatch *watch)
{
  if (watch == NULL)
    return;
  _aether_service_watch_stop (watch);
  g_clear_pointer (&watch->device_configs, g_hash_table_unref);
  g_free (watch->devices_fp);
  g_free (watch->alerts_fp);
  g_free (watch->rates_fp);
  g_clear_object (&watch->clock);
  g_free (watch);
}

/* What the service has just loaded is the baseline. */
void
_aether_service_watch_remember (AetherServiceWatch *watch)
{
  Fingerprints fp = { 0 };

  watch->data_version = read_data_version (_aether_store_get_db (aether_service_get_store (watch->service)));
  if (take_fingerprints (watch, &fp))
    keep_fingerprints (watch, &fp);
  fingerprints_clear (&fp);
}

/* Returns: whether anything was reloaded */
gboolean
_aether_service_watch_check (AetherServiceWatch *watch)
{
  gint64 version = read_data_version (_aether_store_get_db (aether_service_get_store (watch->service)));

  if (version == watch->data_version)
    return FALSE;
  return _aether_service_watch_reload (watch);
}

/* Reloads what differs from what the service last loaded, and emits one
 * signal per registry that changed. The service's own writes (see
 * aether-service-devices.c) call this directly: data_version does not move
 * for a connection's own commits.
 *
 * Returns: whether anything was reloaded */
gboolean
_aether_service_watch_reload (AetherServiceWatch *watch)
{
  AetherService *service = watch->service;
  AetherStore *store = aether_service_get_store (service);
  Fingerprints fp = { 0 };
  gboolean devices, alerts, rates;
  gint64 version = read_data_version (_aether_store_get_db (store));

  if (!take_fingerprints (watch, &fp))
    {
      fingerprints_clear (&fp);
      return FALSE;
    }
  watch->data_version = version;

  devices = g_strcmp0 (fp.devices, watch->devices_fp) != 0;
  alerts = g_strcmp0 (fp.alerts, watch->alerts_fp) != 0;
  rates = g_strcmp0 (fp.rates, watch->rates_fp) != 0;

  if (devices)
    {
      GHashTableIter iter;
      gpointer key, value;

      /* Gone, or configured differently (another address, another
       * channel): stop collecting it; a changed one is loaded again. */
      g_hash_table_iter_init (&iter, watch->device_configs);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (g_strcmp0 (g_hash_table_lookup (fp.configs, key), value) != 0)
          _aether_service_forget_device (service, key);
    }

  if (!devices && !alerts && !rates)
    {
      fingerprints_clear (&fp);
      return FALSE;
    }

  keep_fingerprints (watch, &fp);
  fingerprints_clear (&fp);

  if (devices)
    {
      g_autoptr(GError) error = NULL;

      /* Loading again adds what is new, leaves running devices alone and
       * gives the alert engine the new names, rooms and home. */
      aether_service_load (service, &error);
      if (error != NULL)
        g_warning ("Could not load the devices another program changed: %s", error->message);
    }
  else if (alerts)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) rules = aether_store_list_alerts (store, &error);

      if (rules != NULL)
        _aether_service_sync_rules (service, rules);
      else
        g_warning ("Could not read the alerts another program changed: %s", error->message);
    }

  if (rates && !devices)
    aether_service_reload_tariff (service, NULL);
  if (rates)
    _aether_service_update_rate_period (service);

  /* Only now: the handlers (the pages) see the reloaded state. */
  if (devices)
    g_signal_emit_by_name (service, "devices-changed");
  if (alerts)
    g_signal_emit_by_name (service, "alerts-changed");
  if (rates)
    g_signal_emit_by_name (service, "tariff-changed");

  return TRUE;
}

static gboolean
on_watch_tick (gpointer user_data)
{
  _aether_service_watch_check (user_data);
  return G_SOURCE_CONTINUE;
}

void
_aether_service_watch_start (AetherServiceWatch *watch)
{
  if (watch->timer == 0)
    watch->timer = aether_clock_add_timeout (watch->clock, WATCH_INTERVAL_MS, on_watch_tick, watch, NULL);
}

void
_aether_service_watch_stop (AetherServiceWatch *watch)
{
  if (watch->timer != 0)
    {
      aether_clock_remove_timeout (watch->clock, watch->timer);
      watch->timer = 0;
    }
}

/* A rule's document without its metadata (trigger count, last fired):
 * what says whether a person changed the rule. */
static gboolean
same_rule (AetherAlertRule *a,
           JsonNode        *b_json)
{
  g_autoptr(JsonNode) a_json = aether_alert_rule_to_json (a);
  g_autoptr(JsonObject) a_obj = json_object_new ();
  g_autoptr(JsonObject) b_obj = json_object_new ();
  g_autoptr(JsonNode) a_node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) b_node = json_node_new (JSON_NODE_OBJECT);
  JsonObjectIter iter;
  const char *name;
  JsonNode *member;

  if (!JSON_NODE_HOLDS_OBJECT (a_json) || !JSON_NODE_HOLDS_OBJECT (b_json))
    return FALSE;

  json_object_iter_init (&iter, json_node_get_object (a_json));
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_str_equal (name, "metadata"))
      json_object_set_member (a_obj, name, json_node_copy (member));
  json_object_iter_init (&iter, json_node_get_object (b_json));
  while (json_object_iter_next (&iter, &name, &member))
    if (!g_str_equal (name, "metadata"))
      json_object_set_member (b_obj, name, json_node_copy (member));

  json_node_set_object (a_node, a_obj);
  json_node_set_object (b_node, b_obj);
  return json_node_equal (a_node, b_node);
}

/**
 * _aether_service_sync_rules:
 * @self: a service
 * @rules: (element-type JsonNode): the stored rules
 *
 * Makes the engine's rules the stored ones: a rule unchanged keeps its
 * state (firing, pending, cooldown); a new or changed one starts with the
 * snooze and last firing kept in the database; one no longer stored goes.
 */
void
_aether_service_sync_rules (AetherService *self,
                            GPtrArray     *rules)
{
  AetherAlertEngine *engine = aether_service_get_alert_engine (self);
  g_autoptr(GPtrArray) current = aether_alert_engine_list_rules (engine);
  g_autoptr(GHashTable) stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) states = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) state_list = NULL;
  g_autoptr(GError) error = NULL;

  if (!(state_list = aether_store_list_alert_states (aether_service_get_store (self), &error)))
    g_warning ("Alerts start without their snoozes: %s", error->message);
  for (guint i = 0; state_list != NULL && i < state_list->len; i++)
    {
      AetherAlertState *state = g_ptr_array_index (state_list, i);

      g_hash_table_insert (states, state->alert_id, state);
    }

  for (guint i = 0; i < rules->len; i++)
    {
      JsonNode *json = g_ptr_array_index (rules, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(AetherAlertRule) rule = aether_alert_rule_new_from_json (json, &local_error);
      AetherAlertRule *running;
      AetherAlertState *state;

      if (rule == NULL)
        {
          g_warning ("Skipping an alert: %s", local_error->message);
          continue;
        }

      g_hash_table_add (stored, g_strdup (aether_alert_rule_get_id (rule)));
      running = aether_alert_engine_get_rule (engine, aether_alert_rule_get_id (rule));
      if (running != NULL && same_rule (running, json))
        continue;

      aether_alert_engine_add_rule (engine, rule);
      if ((state = g_hash_table_lookup (states, aether_alert_rule_get_id (rule))) != NULL)
        aether_alert_engine_restore_state (engine, state->alert_id, state->snoozed_until_us, state->last_fired_us);
    }

  for (guint i = 0; i < current->len; i++)
    {
      const char *id = aether_alert_rule_get_id (g_ptr_array_index (current, i));

      if (!g_hash_table_contains (stored, id))
        aether_alert_engine_remove_rule (engine, id);
    }
}
