/* test-history-data.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A year of power for some of the demo home's appliances and its mains
 * meter (their sum plus an untracked load), every five minutes, through the
 * store's own ingest path and maintenance — a week at a time, maintained as
 * the service would, so retention leaves what it would have left (minutes
 * for a week, hours for 90 days, days beyond). Seasons show: heating in
 * winter. A stretch without samples is a gap. The true energy is summed
 * here from the same samples, independently of the store. */

#include "config.h"

#include <math.h>

#include "test-history-data.h"

double
history_data_watts (const HistoryData *data,
                    guint              device,
                    gint64             t_s)
{
  double hour = (double)(t_s % 86400) / 3600;
  double day = (double)(t_s / 86400);
  double season = cos (2 * G_PI * (day - 15) / 365.25);   /* 1 in mid-January */
  guint n = data->device_ids->len - 1;

  if (device == n)
    {
      double sum = HISTORY_DATA_UNTRACKED_W;

      for (guint d = 0; d < n; d++)
        sum += history_data_watts (data, d, t_s);
      return sum;
    }
  /* The first appliance heats: most in winter, in the mornings and evenings. */
  if (device == 0)
    return MAX (0, 1800 * season + 600) * (0.6 + 0.4 * cos (2 * G_PI * (hour - 7) / 12));
  return (60 + 90 * device) * (1.2 + sin (2 * G_PI * (hour + 5 * device) / 24)) *
         (1 + 0.15 * sin (day * 0.7 + device));
}

static gboolean
is_sampled (const HistoryData *data,
            gint64             t_s)
{
  return t_s < data->gap_from_s || t_s >= data->gap_to_s;
}

/**
 * history_data_ingest:
 * @store: the store, with the demo home's registry
 * @n_appliances: how many of the demo home's appliances get readings
 * @from_s: the first sample, on a quarter hour
 * @to_s: the end, on a quarter hour
 * @gap_from_s: the start of a stretch without samples
 * @gap_to_s: its end
 *
 * Returns: (transfer full): what was stored
 */
HistoryData *
history_data_ingest (AetherStore *store,
                     guint        n_appliances,
                     gint64       from_s,
                     gint64       to_s,
                     gint64       gap_from_s,
                     gint64       gap_to_s)
{
  static const char * const appliances[] = {
    "demo-heat_pump", "demo-water_heater", "demo-fridge", "demo-ev_charger",
    "demo-office_pc", "demo-tv", "demo-dishwasher", "demo-lights",
  };
  HistoryData *data = g_new0 (HistoryData, 1);
  g_autoptr(GError) error = NULL;
  const gint64 chunk_s = 7 * 86400;

  data->device_ids = g_ptr_array_new_with_free_func (g_free);
  data->from_s = from_s;
  data->to_s = to_s;
  data->step_s = 300;
  data->gap_from_s = gap_from_s;
  data->gap_to_s = gap_to_s;
  /* The heat pump first: it heats, so winter shows. */
  for (guint i = 0; i < G_N_ELEMENTS (appliances) && i < n_appliances; i++)
    g_ptr_array_add (data->device_ids, g_strdup (appliances[i]));
  g_ptr_array_add (data->device_ids, g_strdup ("demo-mains"));

  /* A week at a time, each chunk ending on a sample that is also its
   * maintenance time; the segment into the next chunk is added to the
   * minute it starts in, and the coarser tiers wait for that minute. */
  for (gint64 chunk = from_s; chunk < to_s; )
    {
      g_autoptr(GArray) readings = g_array_new (FALSE, TRUE, sizeof (AetherReading));
      gint64 end = MIN (chunk + chunk_s, to_s);
      gint64 t;

      for (t = chunk; t <= end && t < to_s; t += data->step_s)
        {
          if (!is_sampled (data, t))
            continue;
          for (guint d = 0; d < data->device_ids->len; d++)
            {
              AetherReading reading = { t * G_USEC_PER_SEC, g_ptr_array_index (data->device_ids, d), (char *)"power",
                                        history_data_watts (data, d, t), (char *)"W" };

              g_array_append_val (readings, reading);
            }
        }
      g_assert_true (aether_store_ingest (store, (AetherReading *)(gpointer)readings->data, readings->len, &error));
      g_assert_no_error (error);
      g_assert_true (aether_store_maintain (store, end * G_USEC_PER_SEC, NULL, &error));
      g_assert_no_error (error);
      chunk = t;
    }

  return data;
}

/**
 * history_data_true_wh:
 * @data: what was stored
 * @device: an index into @data's devices
 * @from_s: start, on a quarter hour
 * @to_s: end, on a quarter hour
 *
 * The energy rule done by hand: the trapezoid between consecutive samples,
 * never across more than three sampling intervals.
 *
 * Returns: the device's energy in [from_s, to_s)
 */
double
history_data_true_wh (const HistoryData *data,
                      guint              device,
                      gint64             from_s,
                      gint64             to_s)
{
  double wh = 0;
  gint64 previous = G_MININT64;

  for (gint64 t = MAX (data->from_s, from_s); t <= MIN (to_s, data->to_s - data->step_s); t += data->step_s)
    {
      if (!is_sampled (data, t))
        continue;
      if (previous != G_MININT64 && t - previous <= 3 * data->step_s)
        wh += (history_data_watts (data, device, previous) + history_data_watts (data, device, t)) / 2 *
              (t - previous) / 3600.0;
      previous = t;
    }
  return wh;
}

void
history_data_free (HistoryData *data)
{
  g_ptr_array_unref (data->device_ids);
  g_free (data);
}
