/* aether-store-progress.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A worker's progress told on the caller's main context, written once for
 * backfill and re-pricing: dropped once the task's result is delivered
 * (the caller may be gone by then). */

#define G_LOG_DOMAIN "aether-store"

#include "config.h"

#include "aether-store-private.h"

typedef struct
{
  GTask                   *task;
  AetherStoreProgressFunc  progress;
  gpointer                 progress_data;
  double                   fraction;
} ProgressCall;

static gboolean
deliver_progress (gpointer data)
{
  ProgressCall *call = data;

  /* Once the result is delivered the caller may be gone. */
  if (!g_task_get_completed (call->task) && call->progress != NULL)
    call->progress (call->fraction, call->progress_data);

  return G_SOURCE_REMOVE;
}

static void
progress_call_free (gpointer data)
{
  ProgressCall *call = data;

  g_object_unref (call->task);
  g_free (call);
}

/* From the worker thread: @progress (owned by @task's data, alive while
 * the call holds @task) hears @fraction on @context. */
void
_aether_store_report_progress (GTask                   *task,
                               GMainContext            *context,
                               AetherStoreProgressFunc  progress,
                               gpointer                 progress_data,
                               double                   fraction)
{
  ProgressCall *call = g_new0 (ProgressCall, 1);

  call->task = g_object_ref (task);
  call->progress = progress;
  call->progress_data = progress_data;
  call->fraction = fraction;
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, deliver_progress, call, progress_call_free);
}
