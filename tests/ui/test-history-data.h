/* test-history-data.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A year of the demo home's power, for History's tests and its benchmark. */

#pragma once

#include "aether-core.h"

G_BEGIN_DECLS

typedef struct
{
  GPtrArray *device_ids;   /* char*, the appliances with data, then the meter */
  gint64     from_s;       /* first sample */
  gint64     to_s;         /* one step past the last */
  gint64     step_s;
  gint64     gap_from_s;   /* no samples in [gap_from_s, gap_to_s) */
  gint64     gap_to_s;
} HistoryData;

double       history_data_watts       (const HistoryData *data,
                                       guint              device,
                                       gint64             t_s);
HistoryData *history_data_ingest      (AetherStore       *store,
                                       guint              n_appliances,
                                       gint64             from_s,
                                       gint64             to_s,
                                       gint64             gap_from_s,
                                       gint64             gap_to_s);
double       history_data_true_wh     (const HistoryData *data,
                                       guint              device,
                                       gint64             from_s,
                                       gint64             to_s);
void         history_data_free        (HistoryData       *data);

#define HISTORY_DATA_UNTRACKED_W 180.0

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HistoryData, history_data_free)

G_END_DECLS
