/* aether-store-backfill.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aether-store.h"
#include "aether-store-writer.h"

G_BEGIN_DECLS

/**
 * AetherBackfillSampleFunc:
 * @unix_s: a second
 * @values: (out caller-allocates) (array): one power value per series, W
 * @user_data: the data given with it
 *
 * What every series of a backfill read at @unix_s. Called from the thread
 * the backfill runs on.
 */
typedef void (*AetherBackfillSampleFunc) (gint64   unix_s,
                                          double  *values,
                                          gpointer user_data);

/**
 * AetherBackfillProgress:
 * @fraction: how much is written, 0 to 1
 * @user_data: the data given with it
 */
typedef void (*AetherBackfillProgress) (double   fraction,
                                        gpointer user_data);

/**
 * AetherBackfillStats:
 * @days: local days written
 * @rows: rows written, every tier
 * @from_s: the first second written
 * @to_s: where the backfill ends (exclusive): the minute live collection
 *   goes on from
 * @skipped: nothing was written: the devices already have history
 */
typedef struct
{
  guint    days;
  guint64  rows;
  gint64   from_s;
  gint64   to_s;
  gboolean skipped;
} AetherBackfillStats;

/**
 * AetherBackfillMinute:
 * @series: which series (an index into the backfill's devices)
 * @minute_s: the minute's start
 * @energy_wh: its energy
 * @cost: its cost (0 unpriced)
 *
 * A minute of today the backfill wrote, for the hot tier.
 */
typedef struct
{
  guint  series;
  gint64 minute_s;
  double energy_wh;
  double cost;
} AetherBackfillMinute;

typedef struct _AetherBackfill AetherBackfill;

AetherBackfill *aether_backfill_new          (const char * const        *device_ids,
                                              AetherBackfillSampleFunc   sample,
                                              gpointer                   sample_data,
                                              GDestroyNotify             sample_data_free);
void            aether_backfill_free         (AetherBackfill            *self);
guint           aether_backfill_get_n_series (AetherBackfill            *self);
const char     *aether_backfill_get_device_id (AetherBackfill           *self,
                                               guint                     series);
const AetherBackfillMinute *aether_backfill_get_today (AetherBackfill   *self,
                                                       guint            *n_minutes);

gboolean        aether_store_backfill        (AetherStore               *store,
                                              AetherBackfill            *backfill,
                                              guint                      days,
                                              AetherBackfillProgress     progress,
                                              gpointer                   progress_data,
                                              AetherBackfillStats       *stats,
                                              GError                   **error);

void            aether_store_writer_backfill_async  (AetherStoreWriter      *writer,
                                                     AetherStore            *store,
                                                     AetherBackfill         *backfill,
                                                     guint                   days,
                                                     AetherPricer           *pricer,
                                                     AetherBackfillProgress  progress,
                                                     gpointer                progress_data,
                                                     GDestroyNotify          progress_data_free,
                                                     GCancellable           *cancellable,
                                                     GAsyncReadyCallback     callback,
                                                     gpointer                user_data);
gboolean        aether_store_writer_backfill_finish (AetherStoreWriter      *writer,
                                                     GAsyncResult           *result,
                                                     AetherBackfillStats    *stats,
                                                     GError                **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherBackfill, aether_backfill_free)

G_END_DECLS
