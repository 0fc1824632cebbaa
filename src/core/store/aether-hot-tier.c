/* aether-hot-tier.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The hot tier replaces the seed's Redis: what live views read, never the
 * database. Per series, the current value (fresh for 60 s, like the seed's
 * `EX 60`), the last hour at full resolution (whose tail is the seed's last
 * 60 points); per device, today's energy and cost (the seed's daily
 * accumulators, reset at local midnight) and its status; and the current
 * rate period with its next change.
 *
 * Energy arrives as the collector's monotonic `energy` reading, so today's
 * energy is the sum of its deltas; each delta is priced at its time when a
 * pricer is set. Today's energy is also kept per quarter hour, so a new
 * pricer (a tariff edit) re-prices today at once instead of at midnight.
 * Points are kept as a float and a 32-bit second offset, so an hour of 1 s
 * readings is 28 KB a series.
 *
 * When the service starts, the hot tier is rebuilt from the store
 * (aether_hot_tier_restore()): a thread with its own read connection reads
 * what was stored before the moment of the call, while readings from then
 * on arrive live; the two meet on the main loop, where the first live
 * reading of each device is bridged to the last stored one, so nothing is
 * lost or counted twice. */

#define G_LOG_DOMAIN "aether-hot-tier"

#include "config.h"

#include <string.h>

#include "aether-hot-tier.h"
#include "aether-store-private.h"
#include "model/aether-energy-rule.h"

#define FRESH_US     (G_GINT64_CONSTANT (60) * G_USEC_PER_SEC)
#define HOUR_US      (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define RECENT_MAX   60
#define SLOT_S       AETHER_HOT_SLOT_S
#define N_SLOTS      AETHER_HOT_N_SLOTS

typedef struct
{
  gint32 offset_ms;  /* from base_us; an hour fits with room */
  float  value;
} Point;

typedef struct
{
  gint64  base_us;
  Point  *ring;
  guint   capacity;
  guint   head;      /* index of the oldest */
  guint   len;
  gint64  last_us;
  double  last_value;
} Series;

typedef struct
{
  gint64   day_start_us;
  double   energy_wh;
  double   cost;
  gboolean have_energy;
  double   last_counter;
  gint64   last_counter_us;
  double   slot_wh[N_SLOTS];   /* today's energy per quarter hour since midnight */
  gboolean have_counter;
  gboolean counter_from_store;
  double   first_counter;     /* the first live reading, for the bridge */
  gint64   first_counter_us;
  gboolean online;
  gint64   last_seen_us;
  guint    error_count;
  gboolean have_status;
} Device;

struct _AetherHotTier
{
  GObject       parent_instance;

  /* Owned references */
  AetherClock  *clock;
  AetherPricer *pricer;
  GTimeZone    *tz;
  GHashTable   *series;    /* "device\x1fmetric" → Series */
  GHashTable   *devices;   /* device → Device */
  char         *rate_period;
  double        rate_per_kwh;
  gint64        next_change_us;

  /* State */
  guint         restore_started : 1;
  guint         restoring : 1;
};

enum {
  RESTORED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void sink_iface_init (AetherReadingSinkInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (AetherHotTier, aether_hot_tier, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (AETHER_TYPE_READING_SINK, sink_iface_init))

static void
series_free (gpointer data)
{
  Series *series = data;

  g_free (series->ring);
  g_free (series);
}

static char *
series_key (const char *device_id,
            const char *metric_type)
{
  return g_strconcat (device_id, "\x1f", metric_type, NULL);
}

static Point *
point_at (Series *series,
          guint   i)
{
  return &series->ring[(series->head + i) % series->capacity];
}

static void
series_drop_older_than (Series *series,
                        gint64  cutoff_us)
{
  while (series->len > 0 && series->base_us + point_at (series, 0)->offset_ms * (gint64)1000 < cutoff_us)
    {
      series->head = (series->head + 1) % series->capacity;
      series->len--;
    }
}

static void
series_append (Series *series,
               gint64  time_us,
               double  value)
{
  Point *p;

  if (series->len == 0)
    {
      series->base_us = time_us;
      series->head = 0;
    }

  /* Re-base before the offset overflows (after ~24 days). */
  if (time_us - series->base_us > (gint64)G_MAXINT32 * 1000 / 2)
    {
      gint64 shift = time_us - HOUR_US - series->base_us;

      for (guint i = 0; i < series->len; i++)
        point_at (series, i)->offset_ms -= (gint32)(shift / 1000);
      series->base_us += shift / 1000 * 1000;
    }

  series_drop_older_than (series, time_us - HOUR_US);

  if (series->len == series->capacity)
    {
      guint capacity = MAX (64, series->capacity * 2);
      Point *ring = g_new (Point, capacity);

      for (guint i = 0; i < series->len; i++)
        ring[i] = *point_at (series, i);
      g_free (series->ring);
      series->ring = ring;
      series->capacity = capacity;
      series->head = 0;
    }

  p = &series->ring[(series->head + series->len) % series->capacity];
  p->offset_ms = (gint32)((time_us - series->base_us) / 1000);
  p->value = (float)value;
  series->len++;
  series->last_us = time_us;
  series->last_value = value;
}

static gint64
local_day_start_us (AetherHotTier *self,
                    gint64         time_us)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (time_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, self->tz);
  g_autoptr(GDateTime) midnight = g_date_time_new (self->tz, g_date_time_get_year (local),
                                                   g_date_time_get_month (local),
                                                   g_date_time_get_day_of_month (local), 0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

static Device *
ensure_device (AetherHotTier *self,
               const char    *device_id)
{
  Device *device = g_hash_table_lookup (self->devices, device_id);

  if (device == NULL)
    {
      device = g_new0 (Device, 1);
      g_hash_table_insert (self->devices, g_strdup (device_id), device);
    }

  return device;
}

/* The energy rule (model/aether-energy-rule.c), as the store uses it: a
 * counter that went back was reset, and counts from zero. */
static double
counter_delta (double previous,
               double value)
{
  AetherEnergySplit split;

  aether_energy_rule_counter (previous, value, &split);
  return split.imported_wh;
}

static double price_delta (AetherHotTier *self, const char *device_id, gint64 time_us, double delta_wh);

typedef struct
{
  AetherHotTier *self;
  Device        *device;
  const char    *device_id;
} TodayPart;

static void
add_today_part (gint64                   minute_us,
                const AetherEnergySplit *part,
                gpointer                 user_data)
{
  TodayPart *t = user_data;
  double delta_wh = part->imported_wh;

  /* The part before midnight is yesterday's, as in the store. */
  if (minute_us < t->device->day_start_us)
    return;
  t->device->energy_wh += delta_wh;
  if (delta_wh > 0)
    t->device->slot_wh[CLAMP ((minute_us - t->device->day_start_us) / (SLOT_S * G_USEC_PER_SEC), 0, N_SLOTS - 1)] += delta_wh;
  t->device->cost += price_delta (t->self, t->device_id, minute_us, delta_wh);
}

/* One delta of today's energy, from @from_us to @time_us: split at minute
 * edges by the energy rule, as the store splits it, and each minute's part
 * counted in the day's total, in its quarter hour (for re-pricing) and
 * priced with the minute's rate. */
static void
add_today (AetherHotTier *self,
           Device        *device,
           const char    *device_id,
           gint64         from_us,
           gint64         time_us,
           double         delta_wh)
{
  TodayPart t = { self, device, device_id };
  AetherEnergySplit whole = { delta_wh, 0 };

  aether_energy_rule_spread_counter (from_us, time_us, &whole, 0, 60 * G_USEC_PER_SEC, add_today_part, &t);
}

static double
price_delta (AetherHotTier *self,
             const char    *device_id,
             gint64         time_us,
             double         delta_wh)
{
  AetherPrice price;
  gint64 t = time_us / G_USEC_PER_SEC;

  if (self->pricer != NULL && delta_wh > 0 &&
      aether_pricer_price_energy (self->pricer, device_id, t, t + 60, delta_wh / 1000.0, &price, NULL))
    return price.cost;
  return 0;
}

static void
hot_tier_push (AetherReadingSink   *sink,
               const AetherReading *reading)
{
  AetherHotTier *self = AETHER_HOT_TIER (sink);
  g_autofree char *key = series_key (reading->device_id, reading->metric_type);
  Series *series = g_hash_table_lookup (self->series, key);

  if (series == NULL)
    {
      series = g_new0 (Series, 1);
      g_hash_table_insert (self->series, g_steal_pointer (&key), series);
    }
  series_append (series, reading->timestamp_us, reading->value);

  if (g_strcmp0 (reading->metric_type, "energy") == 0)
    {
      Device *device = ensure_device (self, reading->device_id);
      gint64 day = local_day_start_us (self, reading->timestamp_us);

      if (day != device->day_start_us)
        {
          device->day_start_us = day;
          device->energy_wh = 0;
          device->cost = 0;
          memset (device->slot_wh, 0, sizeof device->slot_wh);
        }
      device->have_energy = TRUE;

      /* A stored reading more than an hour old is beyond what maintenance
       * looks back to, so the store does not count the gap either. */
      if (device->have_counter &&
          (!device->counter_from_store || reading->timestamp_us - device->last_counter_us <= HOUR_US))
        {
          double delta = counter_delta (device->last_counter, reading->value);

          add_today (self, device, reading->device_id, device->last_counter_us, reading->timestamp_us, delta);
        }
      else if (!device->have_counter)
        {
          device->first_counter = reading->value;
          device->first_counter_us = reading->timestamp_us;
        }

      device->last_counter = reading->value;
      device->last_counter_us = reading->timestamp_us;
      device->have_counter = TRUE;
      device->counter_from_store = FALSE;
    }
}

static void
sink_iface_init (AetherReadingSinkInterface *iface)
{
  iface->push = hot_tier_push;
}

static void
aether_hot_tier_finalize (GObject *object)
{
  AetherHotTier *self = (AetherHotTier *)object;

  g_clear_pointer (&self->series, g_hash_table_unref);
  g_clear_pointer (&self->devices, g_hash_table_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_clear_pointer (&self->rate_period, g_free);
  g_clear_object (&self->clock);
  g_clear_object (&self->pricer);

  G_OBJECT_CLASS (aether_hot_tier_parent_class)->finalize (object);
}

static void
aether_hot_tier_class_init (AetherHotTierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = aether_hot_tier_finalize;

  /**
   * AetherHotTier::restored:
   *
   * Today's totals and the last hour were read back from the store.
   */
  signals[RESTORED] = g_signal_new ("restored", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
aether_hot_tier_init (AetherHotTier *self)
{
  self->series = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, series_free);
  self->devices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * aether_hot_tier_new:
 * @clock: the clock that decides freshness
 * @tz: (nullable): the zone whose midnight resets daily totals; %NULL for local
 *
 * Returns: (transfer full): an empty hot tier
 */
AetherHotTier *
aether_hot_tier_new (AetherClock *clock,
                     GTimeZone   *tz)
{
  AetherHotTier *self;

  g_return_val_if_fail (AETHER_IS_CLOCK (clock), NULL);

  self = g_object_new (AETHER_TYPE_HOT_TIER, NULL);
  self->clock = g_object_ref (clock);
  self->tz = tz ? g_time_zone_ref (tz) : g_time_zone_new_local ();

  return self;
}

void
aether_hot_tier_set_pricer (AetherHotTier *self,
                            AetherPricer  *pricer)
{
  GHashTableIter iter;
  gpointer key, value;
  gint64 today;

  g_return_if_fail (AETHER_IS_HOT_TIER (self));

  if (!g_set_object (&self->pricer, pricer))
    return;

  /* Today's cost at the new prices, now: the Dashboard must not show the
   * old tariff until midnight. */
  today = local_day_start_us (self, aether_clock_now_us (self->clock));
  g_hash_table_iter_init (&iter, self->devices);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      Device *device = value;

      if (device->day_start_us != today)
        continue;
      device->cost = 0;
      for (guint i = 0; pricer != NULL && i < N_SLOTS; i++)
        {
          gint64 start = today / G_USEC_PER_SEC + (gint64)i * SLOT_S;
          AetherPrice price;

          if (device->slot_wh[i] > 0 &&
              aether_pricer_price_energy (pricer, key, start, start + SLOT_S, device->slot_wh[i] / 1000.0, &price, NULL))
            device->cost += price.cost;
        }
    }
}

/**
 * aether_hot_tier_get_current:
 * @self: a hot tier
 * @device_id: a device
 * @metric_type: a metric
 * @value: (out) (optional): the value
 * @time_us: (out) (optional): when it was read
 *
 * Returns: %TRUE if there is a value no older than 60 s
 */
gboolean
aether_hot_tier_get_current (AetherHotTier *self,
                             const char    *device_id,
                             const char    *metric_type,
                             double        *value,
                             gint64        *time_us)
{
  g_autofree char *key = NULL;
  Series *series;

  g_return_val_if_fail (AETHER_IS_HOT_TIER (self), FALSE);

  key = series_key (device_id, metric_type);
  series = g_hash_table_lookup (self->series, key);
  if (series == NULL || series->len == 0 ||
      aether_clock_now_us (self->clock) - series->last_us > FRESH_US)
    return FALSE;

  if (value != NULL)
    *value = series->last_value;
  if (time_us != NULL)
    *time_us = series->last_us;
  return TRUE;
}

static GArray *
copy_tail (AetherHotTier *self,
           const char    *device_id,
           const char    *metric_type,
           guint          max_points)
{
  g_autofree char *key = series_key (device_id, metric_type);
  Series *series = g_hash_table_lookup (self->series, key);
  GArray *out = g_array_new (FALSE, FALSE, sizeof (AetherHotPoint));

  if (series == NULL)
    return out;

  series_drop_older_than (series, aether_clock_now_us (self->clock) - HOUR_US);

  for (guint i = series->len > max_points ? series->len - max_points : 0; i < series->len; i++)
    {
      Point *p = point_at (series, i);
      AetherHotPoint point = { series->base_us + p->offset_ms * (gint64)1000, p->value };

      g_array_append_val (out, point);
    }

  return out;
}

/**
 * aether_hot_tier_get_recent:
 * @self: a hot tier
 * @device_id: a device
 * @metric_type: a metric
 * @max_points: how many, at most (the seed keeps 60)
 *
 * Returns: (transfer full) (element-type AetherHotPoint): oldest first
 */
GArray *
aether_hot_tier_get_recent (AetherHotTier *self,
                            const char    *device_id,
                            const char    *metric_type,
                            guint          max_points)
{
  g_return_val_if_fail (AETHER_IS_HOT_TIER (self), NULL);

  return copy_tail (self, device_id, metric_type, max_points ? max_points : RECENT_MAX);
}

/**
 * aether_hot_tier_get_last_hour:
 * @self: a hot tier
 * @device_id: a device
 * @metric_type: a metric
 *
 * Returns: (transfer full) (element-type AetherHotPoint): every point of the
 *   last hour, oldest first
 */
GArray *
aether_hot_tier_get_last_hour (AetherHotTier *self,
                               const char    *device_id,
                               const char    *metric_type)
{
  g_return_val_if_fail (AETHER_IS_HOT_TIER (self), NULL);

  return copy_tail (self, device_id, metric_type, G_MAXUINT);
}

/**
 * aether_hot_tier_get_today:
 * @self: a hot tier
 * @device_id: a device
 * @energy_wh: (out) (optional): energy since local midnight
 * @cost: (out) (optional): its cost, if a pricer is set
 *
 * Returns: %TRUE if the device has reported energy today
 */
gboolean
aether_hot_tier_get_today (AetherHotTier *self,
                           const char    *device_id,
                           double        *energy_wh,
                           double        *cost)
{
  Device *device;

  g_return_val_if_fail (AETHER_IS_HOT_TIER (self), FALSE);

  device = g_hash_table_lookup (self->devices, device_id);
  if (device == NULL || !device->have_energy ||
      device->day_start_us != local_day_start_us (self, aether_clock_now_us (self->clock)))
    return FALSE;

  if (energy_wh != NULL)
    *energy_wh = device->energy_wh;
  if (cost != NULL)
    *cost = device->cost;
  return TRUE;
}

void
aether_hot_tier_set_device_status (AetherHotTier *self,
                                   const char    *device_id,
                                   gboolean       online,
                                   gint64         last_seen_us,
                                   guint          error_count)
{
  Device *device;

  g_return_if_fail (AETHER_IS_HOT_TIER (self));

  device = ensure_device (self, device_id);
  device->online = online;
  device->last_seen_us = last_seen_us;
  device->error_count = error_count;
  device->have_status = TRUE;
}

gboolean
aether_hot_tier_get_device_status (AetherHotTier *self,
                                   const char    *device_id,
                                   gboolean      *online,
                                   gint64        *last_seen_us,
                                   guint         *error_count)
{
  Device *device;

  g_return_val_if_fail (AETHER_IS_HOT_TIER (self), FALSE);

  device = g_hash_table_lookup (self->devices, device_id);
  if (device == NULL || !device->have_status)
    return FALSE;

  if (online) *online = device->online;
  if (last_seen_us) *last_seen_us = device->last_seen_us;
  if (error_count) *error_count = device->error_count;
  return TRUE;
}

/**
 * aether_hot_tier_set_rate_period:
 * @self: a hot tier
 * @period: (nullable): the period in force
 * @rate_per_kwh: its rate
 * @next_change_us: when the period next changes
 */
void
aether_hot_tier_set_rate_period (AetherHotTier *self,
                                 const char    *period,
                                 double         rate_per_kwh,
                                 gint64         next_change_us)
{
  g_return_if_fail (AETHER_IS_HOT_TIER (self));

  g_free (self->rate_period);
  self->rate_period = g_strdup (period);
  self->rate_per_kwh = rate_per_kwh;
  self->next_change_us = next_change_us;
}

/**
 * aether_hot_tier_get_rate_period:
 * @self: a hot tier
 * @rate_per_kwh: (out) (optional): its rate
 * @next_change_us: (out) (optional): when it changes
 *
 * Returns: (nullable): the period in force
 */
const char *
aether_hot_tier_get_rate_period (AetherHotTier *self,
                                 double        *rate_per_kwh,
                                 gint64        *next_change_us)
{
  g_return_val_if_fail (AETHER_IS_HOT_TIER (self), NULL);

  if (rate_per_kwh) *rate_per_kwh = self->rate_per_kwh;
  if (next_change_us) *next_change_us = self->next_change_us;
  return self->rate_period;
}

/* ---- Rebuilt from the store at start ----------------------------------- */

typedef struct
{
  char        *db_path;
  AetherClock *clock;
  gint64       day_start_us;
  gint64       until_us;
} RestoreData;

static void
restore_data_free (gpointer data)
{
  RestoreData *rd = data;

  g_free (rd->db_path);
  g_clear_object (&rd->clock);
  g_free (rd);
}

static void
restore_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RestoreData *rd = task_data;
  g_autoptr(AetherStore) reader = NULL;
  AetherHotSeed *seed;
  GError *error = NULL;

  if (!(reader = _aether_store_open_reader (rd->db_path, rd->clock, &error)) ||
      !(seed = _aether_store_read_hot_seed (reader, rd->day_start_us, rd->until_us, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, seed, (GDestroyNotify)_aether_hot_seed_free);
}

/* The stored points go before the live ones; a live point wins over a
 * stored one at the same time or later. */
static void
apply_series_seed (AetherHotTier       *self,
                   AetherHotSeriesSeed *seed,
                   gint64               now_us)
{
  g_autofree char *key = series_key (seed->device_id, seed->metric_type);
  Series *series = g_hash_table_lookup (self->series, key);
  g_autoptr(GArray) live = g_array_new (FALSE, FALSE, sizeof (AetherHotPoint));
  gint64 first_live_us = G_MAXINT64;

  if (seed->points->len == 0)
    return;

  if (series == NULL)
    {
      series = g_new0 (Series, 1);
      g_hash_table_insert (self->series, g_steal_pointer (&key), series);
    }

  for (guint i = 0; i < series->len; i++)
    {
      Point *p = point_at (series, i);
      AetherHotPoint point = { series->base_us + p->offset_ms * (gint64)1000, p->value };

      g_array_append_val (live, point);
    }
  if (live->len > 0)
    first_live_us = g_array_index (live, AetherHotPoint, 0).time_us;

  series->len = 0;
  for (guint i = 0; i < seed->points->len; i++)
    {
      AetherHotPoint *p = &g_array_index (seed->points, AetherHotPoint, i);

      if (p->time_us >= first_live_us)
        break;
      if (p->time_us >= now_us - HOUR_US)
        series_append (series, p->time_us, p->value);
    }
  for (guint i = 0; i < live->len; i++)
    series_append (series, g_array_index (live, AetherHotPoint, i).time_us,
                   g_array_index (live, AetherHotPoint, i).value);
}

static void
apply_device_seed (AetherHotTier       *self,
                   AetherHotSeed       *seed,
                   AetherHotDeviceSeed *stored)
{
  Device *device = ensure_device (self, stored->device_id);
  gboolean live = device->have_counter;

  if (live)
    {
      /* Live readings came first: midnight may even have passed meanwhile. */
      if (device->day_start_us != seed->day_start_us)
        return;
    }
  else
    {
      device->day_start_us = seed->day_start_us;
      device->energy_wh = 0;
      device->cost = 0;
      memset (device->slot_wh, 0, sizeof device->slot_wh);
    }

  /* What the energy tiers hold, quarter hour by quarter hour. */
  device->energy_wh += stored->rolled_wh;
  device->cost += stored->rolled_cost;
  for (guint i = 0; i < N_SLOTS; i++)
    device->slot_wh[i] += stored->rolled_slot_wh[i];

  /* The readings after the watermark, by the live rule. */
  for (guint i = 1; i < stored->counter->len; i++)
    {
      AetherHotPoint *a = &g_array_index (stored->counter, AetherHotPoint, i - 1);
      AetherHotPoint *b = &g_array_index (stored->counter, AetherHotPoint, i);

      if (b->time_us <= a->time_us || b->time_us < seed->day_start_us)
        continue;
      add_today (self, device, stored->device_id, a->time_us, b->time_us, counter_delta (a->value, b->value));
    }

  /* The delta from the last stored reading to the first live one. */
  if (live && stored->have_last && device->first_counter_us > stored->last_us &&
      device->first_counter_us - stored->last_us <= HOUR_US)
    add_today (self, device, stored->device_id, stored->last_us, device->first_counter_us,
               counter_delta (stored->last_value, device->first_counter));

  device->have_energy = TRUE;
  if (!live && stored->have_last)
    {
      device->last_counter = stored->last_value;
      device->last_counter_us = stored->last_us;
      device->have_counter = TRUE;
      device->counter_from_store = TRUE;
    }
}

static void
restore_done (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  AetherHotTier *self = AETHER_HOT_TIER (object);
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherHotSeed) seed = g_task_propagate_pointer (G_TASK (result), &error);

  self->restoring = FALSE;

  if (seed == NULL)
    {
      g_warning ("Today’s totals could not be read back, so they count from now: %s", error->message);
      g_signal_emit (self, signals[RESTORED], 0);
      return;
    }

  for (guint i = 0; i < seed->devices->len; i++)
    apply_device_seed (self, seed, g_ptr_array_index (seed->devices, i));
  for (guint i = 0; i < seed->series->len; i++)
    apply_series_seed (self, g_ptr_array_index (seed->series, i), aether_clock_now_us (self->clock));

  g_signal_emit (self, signals[RESTORED], 0);
}

/**
 * aether_hot_tier_restore:
 * @self: a hot tier
 * @db_path: the database the service stores readings in
 *
 * Rebuilds today's energy and cost per device and the last hour of every
 * series from what the store holds from before now, in a thread with its
 * own read connection; readings pushed meanwhile are merged, not lost.
 * Call it before the collector starts. Only the first call does anything;
 * #AetherHotTier::restored is emitted when it is done.
 */
void
aether_hot_tier_restore (AetherHotTier *self,
                         const char    *db_path)
{
  g_autoptr(GTask) task = NULL;
  RestoreData *rd;

  g_return_if_fail (AETHER_IS_HOT_TIER (self));
  g_return_if_fail (db_path != NULL);

  if (self->restore_started)
    return;
  self->restore_started = TRUE;
  self->restoring = TRUE;

  rd = g_new0 (RestoreData, 1);
  rd->db_path = g_strdup (db_path);
  rd->clock = g_object_ref (self->clock);
  rd->until_us = aether_clock_now_us (self->clock);
  rd->day_start_us = local_day_start_us (self, rd->until_us);

  task = g_task_new (self, NULL, restore_done, NULL);
  g_task_set_source_tag (task, aether_hot_tier_restore);
  g_task_set_task_data (task, rd, restore_data_free);
  g_task_run_in_thread (task, restore_thread);
}

/**
 * aether_hot_tier_is_restoring:
 * @self: a hot tier
 *
 * Returns: whether today's totals are still being read back from the store
 */
gboolean
aether_hot_tier_is_restoring (AetherHotTier *self)
{
  g_return_val_if_fail (AETHER_IS_HOT_TIER (self), FALSE);

  return self->restoring;
}

/**
 * aether_hot_tier_add_stored_minute:
 * @self: a hot tier
 * @device_id: a device
 * @minute_us: a minute of today
 * @energy_wh: the energy stored for it
 * @cost: its cost
 *
 * Adds a minute stored after the hot tier was read back (a backfill, which
 * ends where live readings begin) to today's total; a minute of another
 * day is ignored.
 */
void
aether_hot_tier_add_stored_minute (AetherHotTier *self,
                                   const char    *device_id,
                                   gint64         minute_us,
                                   double         energy_wh,
                                   double         cost)
{
  gint64 day_start_us;
  Device *device;

  g_return_if_fail (AETHER_IS_HOT_TIER (self));
  g_return_if_fail (device_id != NULL);

  day_start_us = local_day_start_us (self, aether_clock_now_us (self->clock));
  if (minute_us < day_start_us)
    return;

  device = ensure_device (self, device_id);
  if (!device->have_energy && !device->have_counter)
    {
      device->day_start_us = day_start_us;
      device->energy_wh = 0;
      device->cost = 0;
      memset (device->slot_wh, 0, sizeof device->slot_wh);
    }
  if (device->day_start_us != day_start_us)
    return;
  device->energy_wh += energy_wh;
  device->cost += cost;
  if (energy_wh > 0)
    device->slot_wh[CLAMP ((minute_us - day_start_us) / (SLOT_S * G_USEC_PER_SEC), 0, N_SLOTS - 1)] += energy_wh;
  device->have_energy = TRUE;
}
