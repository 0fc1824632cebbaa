/* aether-sim-home.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The demo home: twelve appliances and a whole-home meter whose power is a
 * pure function of the seed and the second, so the same seed gives the same
 * day every time, at any speed. Each appliance follows its own habit in the
 * home's local time: the fridge's compressor cycles, the heat pump follows a
 * cold night and a mild afternoon, the EV charges in the evening, the
 * washer, dryer and dishwasher run their programmes on some days.
 *
 * Power is constant within each second, so the energy the home "really"
 * used is an exact sum, which the tests compare with what the collector
 * derived from polls. The whole-home meter is the sum of every appliance
 * plus an untracked load (the oven, the kettle, the hob: no plug sees them). */

#define G_LOG_DOMAIN "aether-sim-home"

#include "config.h"

#include <math.h>

#include <json-glib/json-glib.h>

#include "aether-sim-home.h"

static const AetherSimKindInfo kind_info[AETHER_SIM_N_KINDS] = {
  [AETHER_SIM_FRIDGE]       = { "fridge", "Kitchen Fridge", "kitchen", "appliance", TRUE, TRUE },
  [AETHER_SIM_HEAT_PUMP]    = { "heat_pump", "Heat Pump", "utility", "hvac", TRUE, FALSE },
  [AETHER_SIM_WATER_HEATER] = { "water_heater", "Water Heater", "utility", "water_heater", TRUE, TRUE },
  [AETHER_SIM_EV_CHARGER]   = { "ev_charger", "EV Charger", "garage", "ev_charger", TRUE, TRUE },
  [AETHER_SIM_WASHER]       = { "washer", "Washing Machine", "laundry", "appliance", TRUE, TRUE },
  [AETHER_SIM_DRYER]        = { "dryer", "Tumble Dryer", "laundry", "appliance", TRUE, TRUE },
  [AETHER_SIM_DISHWASHER]   = { "dishwasher", "Dishwasher", "kitchen", "appliance", TRUE, TRUE },
  [AETHER_SIM_TV]           = { "tv", "Living Room TV", "living_room", "smart_plug", FALSE, TRUE },
  [AETHER_SIM_LIGHTS]       = { "lights", "Living Room Lights", "living_room", "lighting", FALSE, TRUE },
  [AETHER_SIM_OFFICE_PC]    = { "office_pc", "Office PC", "office", "smart_plug", TRUE, TRUE },
  [AETHER_SIM_MONITOR]      = { "monitor", "Office Monitor", "office", "smart_plug", FALSE, TRUE },
  [AETHER_SIM_ROUTER]       = { "router", "Router", "hallway", "smart_plug", FALSE, TRUE },
  [AETHER_SIM_MAINS]        = { "mains", "Whole Home", "utility", "energy_meter", TRUE, FALSE },
};

struct _AetherSimHome
{
  guint64    seed;
  guint      instance;
  GTimeZone *tz;

  /* Local-time cache: the offset is valid in [cache_from, cache_to). */
  gint64     cache_from;
  gint64     cache_to;
  gint32     cache_offset;

  gint64     accounted_to;   /* energy is summed up to this second (exclusive) */
  double     energy_wh[AETHER_SIM_N_KINDS];
  double     untracked_wh;
  gboolean   off[AETHER_SIM_N_KINDS];
};

const AetherSimKindInfo *
aether_sim_kind_get_info (AetherSimKind kind)
{
  g_return_val_if_fail (kind < AETHER_SIM_N_KINDS, NULL);

  return &kind_info[kind];
}

gboolean
aether_sim_kind_from_key (const char    *key,
                          AetherSimKind *kind)
{
  g_return_val_if_fail (key != NULL, FALSE);

  for (guint i = 0; i < AETHER_SIM_N_KINDS; i++)
    {
      if (g_str_equal (key, kind_info[i].key))
        {
          *kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

static guint64
mix64 (guint64 x)
{
  /* splitmix64's finaliser: every input bit moves every output bit. */
  x += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15);
  x = (x ^ (x >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  x = (x ^ (x >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return x ^ (x >> 31);
}

/* A number in [0, 1) fixed by the home, the appliance and @key. */
static double
noise (const AetherSimHome *self,
       guint                kind,
       gint64               key)
{
  guint64 h = mix64 (self->seed ^ mix64 ((guint64)self->instance * 131 + kind) ^ mix64 ((guint64)key));

  return (double)(h >> 11) / (double)(G_GUINT64_CONSTANT (1) << 53);
}

AetherSimHome *
aether_sim_home_new (guint64    seed,
                     guint      instance,
                     GTimeZone *tz)
{
  AetherSimHome *self = g_new0 (AetherSimHome, 1);

  self->seed = seed;
  self->instance = instance;
  self->tz = tz ? g_time_zone_ref (tz) : g_time_zone_new_local ();
  self->cache_from = 1;
  self->cache_to = 0;

  return self;
}

void
aether_sim_home_free (AetherSimHome *self)
{
  if (self == NULL)
    return;

  g_time_zone_unref (self->tz);
  g_free (self);
}

static GHashTable *homes;
G_LOCK_DEFINE_STATIC (homes);

/**
 * aether_sim_home_get:
 * @seed: the home's seed
 * @instance: which copy of the home (benchmarks run many)
 *
 * Returns: (transfer none): the shared home for @seed and @instance, in the
 *   local time zone
 */
AetherSimHome *
aether_sim_home_get (guint64 seed,
                     guint   instance)
{
  guint64 key = mix64 (seed) ^ instance;
  AetherSimHome *home;

  G_LOCK (homes);
  if (homes == NULL)
    homes = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                   (GDestroyNotify)aether_sim_home_free);
  home = g_hash_table_lookup (homes, &key);
  if (home == NULL)
    {
      home = aether_sim_home_new (seed, instance, NULL);
      g_hash_table_insert (homes, g_memdup2 (&key, sizeof key), home);
    }
  G_UNLOCK (homes);

  return home;
}

/**
 * aether_sim_home_reset_all:
 *
 * Forgets every shared home, so a test starts from a fresh one.
 */
void
aether_sim_home_reset_all (void)
{
  G_LOCK (homes);
  g_clear_pointer (&homes, g_hash_table_unref);
  G_UNLOCK (homes);
}

static gint64
local_seconds (AetherSimHome *self,
               gint64         unix_s)
{
  if (unix_s < self->cache_from || unix_s >= self->cache_to)
    {
      gint interval = g_time_zone_find_interval (self->tz, G_TIME_TYPE_UNIVERSAL, unix_s);

      self->cache_offset = g_time_zone_get_offset (self->tz, MAX (interval, 0));
      /* Offsets change on the hour or half hour; re-check every quarter. */
      self->cache_from = unix_s - (unix_s % 900);
      self->cache_to = self->cache_from + 900;
    }

  return unix_s + self->cache_offset;
}

/* A window [start, start + len) in seconds of the day. */
static inline gboolean
in_window (gint64 sod,
           gint64 start,
           gint64 len)
{
  return sod >= start && sod < start + len;
}

#define H(h, m) ((gint64)(h) * 3600 + (gint64)(m) * 60)

static double
appliance_power (AetherSimHome *self,
                 AetherSimKind  kind,
                 gint64         unix_s)
{
  gint64 local = local_seconds (self, unix_s);
  gint64 day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  gint64 sod = local - day * 86400;
  guint weekday = (guint)((day + 3) % 7);   /* 1970-01-01 was a Thursday; 0 = Monday */
  gboolean weekend = weekday >= 5;
  double jitter = noise (self, kind, unix_s) - 0.5;   /* per-second wobble */

  switch (kind)
    {
    case AETHER_SIM_FRIDGE:
      {
        /* 48-minute cycles; the compressor runs 14–20 minutes of each. */
        gint64 cycle = unix_s / 2880;
        gint64 phase = unix_s % 2880;
        gint64 run = 840 + (gint64)(noise (self, kind, -cycle) * 360);

        if (phase < run)
          return (phase < 5 ? 320.0 : 105.0) + 4.0 * jitter;
        return 1.5;
      }

    case AETHER_SIM_HEAT_PUMP:
      {
        /* It heats in winter and cools in summer. Coldest before dawn,
         * hottest mid-afternoon; some days colder or hotter than others.
         * The year's coldest day is about 20 January (a northern home). */
        double hour = sod / 3600.0;
        double cold = 0.5 + 0.5 * cos (2 * G_PI * (hour - 4.0) / 24.0);
        double heat = 0.5 + 0.5 * cos (2 * G_PI * (hour - 16.0) / 24.0);
        double day_factor = 0.7 + 0.6 * noise (self, kind, -day);
        double season = cos (2 * G_PI * ((double)day - 19.0) / 365.2425);   /* 1 midwinter, -1 midsummer */
        double heating = CLAMP ((season - 0.05) / 0.95, 0.0, 1.0);
        double cooling = CLAMP ((-season - 0.45) / 0.55, 0.0, 1.0);

        if (heating > 0)
          return (120.0 + 230.0 * heating) + 1400.0 * heating * cold * day_factor + 30.0 * jitter;
        if (cooling > 0 && in_window (sod, H (11, 0), 11 * 3600))
          return 250.0 + 1300.0 * cooling * heat * day_factor + 25.0 * jitter;
        return 12.0 + 1.0 * jitter;   /* standby, its controller */
      }

    case AETHER_SIM_WATER_HEATER:
      if (in_window (sod, H (6, 30), 45 * 60) || in_window (sod, H (19, 0), 40 * 60))
        return 3000.0 + 20.0 * jitter;
      /* Thermostat top-ups: 8 minutes every 4 hours. */
      if (sod % (4 * 3600) < 8 * 60)
        return 3000.0 + 20.0 * jitter;
      return 0.0;

    case AETHER_SIM_EV_CHARGER:
      {
        /* Charges most evenings from 18:30 for one to four hours. */
        double d = noise (self, kind, -day);
        gint64 len = (gint64)(3600 + d * 3 * 3600) / 60 * 60;

        if (d < 0.8 && in_window (sod, H (18, 30), len))
          return 7200.0 + 40.0 * jitter;
        return 2.0;   /* the charger's own electronics */
      }

    case AETHER_SIM_WASHER:
    case AETHER_SIM_DRYER:
      {
        /* Wash days: weekends at 09:00, some weekdays at 18:00. */
        gboolean wash_day = weekend || noise (self, AETHER_SIM_WASHER, -day) < 0.35;
        gint64 start = weekend ? H (9, 0) : H (18, 0);
        gint64 t;

        if (!wash_day)
          return kind == AETHER_SIM_WASHER ? 0.5 : 0.4;   /* standby */

        t = sod - start;
        if (kind == AETHER_SIM_WASHER)
          {
            if (t < 0 || t >= 110 * 60)
              return kind == AETHER_SIM_WASHER ? 0.5 : 0.4;   /* standby */
            if (t < 18 * 60)
              return 2100.0 + 30.0 * jitter;           /* heating the water */
            if (t < 100 * 60)
              return 180.0 + 120.0 * (noise (self, kind, unix_s / 30)); /* tumbling */
            return 480.0 + 40.0 * jitter;              /* spin */
          }

        /* The dryer starts when the washer is done. */
        t -= 115 * 60;
        if (t < 0 || t >= 70 * 60)
          return kind == AETHER_SIM_WASHER ? 0.5 : 0.4;   /* standby */
        return ((t / 300) % 3 == 2 ? 250.0 : 2400.0) + 25.0 * jitter;
      }

    case AETHER_SIM_DISHWASHER:
      {
        gint64 t = sod - H (21, 0);

        if (t < 0 || t >= 90 * 60)
          return 0.6;   /* standby */
        if (in_window (t, 20 * 60, 20 * 60) || in_window (t, 70 * 60, 10 * 60))
          return 1800.0 + 25.0 * jitter;
        return 90.0 + 10.0 * jitter;
      }

    case AETHER_SIM_TV:
      if (in_window (sod, H (19, 0), 4 * 3600) ||
          (weekend && in_window (sod, H (14, 0), 2 * 3600)))
        return 118.0 + 10.0 * jitter;
      return 0.5;

    case AETHER_SIM_LIGHTS:
      {
        /* Brighter as the evening gets darker; a little in the morning. */
        if (in_window (sod, H (17, 0), H (6, 30)))
          return 60.0 + 120.0 * MIN (1.0, (sod - H (17, 0)) / 7200.0);
        if (in_window (sod, H (6, 30), 90 * 60))
          return 80.0;
        return 0.0;
      }

    case AETHER_SIM_OFFICE_PC:
    case AETHER_SIM_MONITOR:
      {
        gboolean working = !weekend && in_window (sod, H (8, 30), 9 * 3600);

        if (kind == AETHER_SIM_MONITOR)
          return working ? 28.0 + 1.0 * jitter : 0.3;
        if (!working)
          return 3.0;
        /* Load changes minute by minute: compiling, reading, a meeting. */
        return 90.0 + 160.0 * noise (self, kind, unix_s / 60) + 5.0 * jitter;
      }

    case AETHER_SIM_ROUTER:
      return 9.0 + 1.0 * jitter;

    case AETHER_SIM_MAINS:
    case AETHER_SIM_N_KINDS:
    default:
      g_assert_not_reached ();
    }

  return 0.0;
}

/**
 * aether_sim_home_untracked_power_at:
 * @self: a home
 * @unix_s: a second
 *
 * Returns: the power no plug sees: a base load, the kettle in the morning,
 *   the oven at dinner time
 */
double
aether_sim_home_untracked_power_at (AetherSimHome *self,
                                    gint64         unix_s)
{
  gint64 local = local_seconds (self, unix_s);
  gint64 sod = ((local % 86400) + 86400) % 86400;
  double p = 55.0 + 20.0 * noise (self, AETHER_SIM_N_KINDS, unix_s / 10);

  if (in_window (sod, H (7, 10), 4 * 60))
    p += 2200.0;   /* kettle */
  if (in_window (sod, H (18, 0), 50 * 60))
    p += 1900.0;   /* oven */

  return p;
}

/**
 * aether_sim_home_power_at:
 * @self: a home
 * @kind: an appliance
 * @unix_s: a second
 *
 * Returns: what @kind draws during @unix_s, W; 0 when switched off. For the
 *   mains meter, the sum of all appliances and the untracked load.
 */
double
aether_sim_home_power_at (AetherSimHome *self,
                          AetherSimKind  kind,
                          gint64         unix_s)
{
  double sum;

  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (kind < AETHER_SIM_N_KINDS, 0.0);

  if (kind != AETHER_SIM_MAINS)
    return self->off[kind] ? 0.0 : appliance_power (self, kind, unix_s);

  sum = aether_sim_home_untracked_power_at (self, unix_s);
  for (guint k = 0; k < AETHER_SIM_MAINS; k++)
    if (!self->off[k])
      sum += appliance_power (self, k, unix_s);

  return sum;
}

/**
 * aether_sim_home_advance:
 * @self: a home
 * @unix_s: the present second
 *
 * Adds up the energy of every second up to @unix_s. The first call only
 * sets where counting starts.
 */
void
aether_sim_home_advance (AetherSimHome *self,
                         gint64         unix_s)
{
  g_return_if_fail (self != NULL);

  if (self->accounted_to == 0)
    {
      self->accounted_to = unix_s;
      return;
    }

  for (gint64 s = self->accounted_to; s < unix_s; s++)
    {
      double untracked = aether_sim_home_untracked_power_at (self, s);
      double total = untracked;

      for (guint k = 0; k < AETHER_SIM_MAINS; k++)
        {
          double p = self->off[k] ? 0.0 : appliance_power (self, k, s);

          self->energy_wh[k] += p / 3600.0;
          total += p;
        }

      self->untracked_wh += untracked / 3600.0;
      self->energy_wh[AETHER_SIM_MAINS] += total / 3600.0;
    }

  self->accounted_to = MAX (self->accounted_to, unix_s);
}

/**
 * aether_sim_home_get_energy_wh:
 * @self: a home
 * @kind: an appliance
 *
 * Returns: what @kind used since counting started, Wh: the truth the
 *   collector's derived energy is checked against
 */
double
aether_sim_home_get_energy_wh (AetherSimHome *self,
                               AetherSimKind  kind)
{
  g_return_val_if_fail (self != NULL, 0.0);
  g_return_val_if_fail (kind < AETHER_SIM_N_KINDS, 0.0);

  return self->energy_wh[kind];
}

double
aether_sim_home_get_untracked_wh (AetherSimHome *self)
{
  g_return_val_if_fail (self != NULL, 0.0);

  return self->untracked_wh;
}

/**
 * aether_sim_home_set_on:
 * @self: a home
 * @kind: a switchable appliance
 * @on: the new state
 * @unix_s: now, so energy up to the switch is counted in the old state
 */
void
aether_sim_home_set_on (AetherSimHome *self,
                        AetherSimKind  kind,
                        gboolean       on,
                        gint64         unix_s)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (kind < AETHER_SIM_MAINS);

  aether_sim_home_advance (self, unix_s);
  self->off[kind] = !on;
}

gboolean
aether_sim_home_get_on (AetherSimHome *self,
                        AetherSimKind  kind)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (kind < AETHER_SIM_N_KINDS, FALSE);

  return !self->off[kind];
}

/**
 * aether_sim_demo_devices:
 * @seed: which demo home
 *
 * Returns: (transfer full) (element-type JsonNode): the demo home's devices
 *   in the seed's Device shape, ready for the registry
 */
GPtrArray *
aether_sim_demo_devices (guint64 seed)
{
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func ((GDestroyNotify)json_node_unref);

  for (guint k = 0; k < AETHER_SIM_N_KINDS; k++)
    {
      const AetherSimKindInfo *info = aether_sim_kind_get_info (k);
      g_autoptr(JsonBuilder) b = json_builder_new ();
      g_autofree char *id = g_strdup_printf ("demo-%s", info->key);
      g_autofree char *model = g_strdup_printf ("Simulated %s", info->name);
      g_autoptr(JsonNode) device = NULL;

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "device_id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, info->name);
      json_builder_set_member_name (b, "type");
      json_builder_add_string_value (b, info->type);
      json_builder_set_member_name (b, "manufacturer");
      json_builder_add_string_value (b, "AetherLens");
      json_builder_set_member_name (b, "model");
      json_builder_add_string_value (b, model);
      json_builder_set_member_name (b, "location");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "room");
      json_builder_add_string_value (b, info->room);
      json_builder_set_member_name (b, "floor");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "building");
      json_builder_add_string_value (b, "demo home");
      json_builder_end_object (b);
      json_builder_set_member_name (b, "capabilities");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "power_monitoring");
      if (info->has_counter)
        json_builder_add_string_value (b, "energy_metering");
      if (info->switchable)
        json_builder_add_string_value (b, "on_off_control");
      json_builder_end_array (b);
      json_builder_set_member_name (b, "configuration");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "plugin");
      json_builder_add_string_value (b, "simulator");
      json_builder_set_member_name (b, "plugin_config");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "sim_device");
      json_builder_add_string_value (b, info->key);
      json_builder_set_member_name (b, "seed");
      json_builder_add_int_value (b, (gint64)seed);
      json_builder_set_member_name (b, "polling_interval");
      json_builder_add_int_value (b, 10);
      json_builder_set_member_name (b, "timeout_seconds");
      json_builder_add_int_value (b, 5);
      json_builder_end_object (b);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "metadata");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tags");
      json_builder_begin_array (b);
      json_builder_add_string_value (b, "demo");
      json_builder_end_array (b);
      json_builder_end_object (b);
      json_builder_set_member_name (b, "status");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "online");
      json_builder_add_boolean_value (b, FALSE);
      json_builder_set_member_name (b, "error_count");
      json_builder_add_int_value (b, 0);
      json_builder_set_member_name (b, "total_runtime_hours");
      json_builder_add_int_value (b, 0);
      json_builder_end_object (b);
      json_builder_end_object (b);

      device = json_builder_get_root (b);
      g_ptr_array_add (added, g_steal_pointer (&device));
    }

  return g_steal_pointer (&added);
}


/**
 * aether_sim_demo_rate_schedule:
 *
 * The demo home's tariff, in the seed's Rate Schedule model: a weekday
 * peak from 16:00 to 21:00, off-peak otherwise, a cheaper weekend, and a
 * monthly service charge, so that costs show from the first reading.
 *
 * Returns: (transfer full): the schedule
 */
JsonNode *
aether_sim_demo_rate_schedule (void)
{
  g_autoptr(GBytes) bytes = g_resources_lookup_data ("/io/github/aetherlens/plugins/simulator/demo-rate-schedule.json",
                                                     G_RESOURCE_LOOKUP_FLAGS_NONE, NULL);
  g_autoptr(GError) error = NULL;
  JsonNode *schedule;

  g_assert (bytes != NULL);
  schedule = json_from_string (g_bytes_get_data (bytes, NULL), &error);
  g_assert_no_error (error);
  return schedule;
}

/**
 * aether_sim_add_demo_home:
 * @store: the registry
 * @seed: which demo home
 * @added_tariff: (out) (optional): whether its tariff was added too
 * @error: a location for a #GError
 *
 * Stores the demo home's devices, and its tariff when there is no rate
 * schedule yet (one the person entered is never replaced).
 *
 * Returns: (transfer container) (element-type JsonNode) (nullable): the
 *   devices added
 */
GPtrArray *
aether_sim_add_demo_home (AetherStore  *store,
                          guint64       seed,
                          gboolean     *added_tariff,
                          GError      **error)
{
  g_autoptr(GPtrArray) devices = aether_sim_demo_devices (seed);
  g_autoptr(GPtrArray) schedules = NULL;

  if (added_tariff)
    *added_tariff = FALSE;

  for (guint i = 0; i < devices->len; i++)
    if (!aether_store_put_device (store, g_ptr_array_index (devices, i), error))
      return NULL;

  if (!(schedules = aether_store_list_rate_schedules (store, error)))
    return NULL;
  if (schedules->len == 0)
    {
      g_autoptr(JsonNode) schedule = aether_sim_demo_rate_schedule ();

      if (!aether_store_put_rate_schedule (store, schedule, error))
        return NULL;
      if (added_tariff)
        *added_tariff = TRUE;
    }

  return g_steal_pointer (&devices);
}

/* ---- A year behind it ----------------------------------------------------- */

static void
sample_demo_home (gint64   unix_s,
                  double  *values,
                  gpointer user_data)
{
  AetherSimHome *home = user_data;
  double sum = aether_sim_home_untracked_power_at (home, unix_s);

  for (guint k = 0; k < AETHER_SIM_MAINS; k++)
    {
      values[k] = appliance_power (home, k, unix_s);
      sum += values[k];
    }
  /* The meter sees every appliance and the untracked load, at the same
   * instant: its energy is theirs plus the untracked, exactly. */
  values[AETHER_SIM_MAINS] = sum;
}

/**
 * aether_sim_demo_backfill_new:
 * @seed: which demo home
 * @tz: (nullable): its zone (local time by default, as the live home)
 *
 * The demo home's history as a backfill source: each device's power at any
 * second, the same function of seed and second that live collection reads.
 *
 * Returns: (transfer full): the source, for aether_store_backfill()
 */
AetherBackfill *
aether_sim_demo_backfill_new (guint64    seed,
                              GTimeZone *tz)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  for (guint k = 0; k < AETHER_SIM_N_KINDS; k++)
    g_ptr_array_add (ids, g_strdup_printf ("demo-%s", kind_info[k].key));
  g_ptr_array_add (ids, NULL);

  return aether_backfill_new ((const char * const *)ids->pdata, sample_demo_home,
                              aether_sim_home_new (seed, 0, tz), (GDestroyNotify)aether_sim_home_free);
}
