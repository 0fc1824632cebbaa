/* aether-store-sinks.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aether-store.h"

G_BEGIN_DECLS

/* An outbox holds this many readings per sink unless told otherwise: a day
 * of 100 series read every second, about 350 MiB of the database. */
#define AETHER_SINK_DEFAULT_MAX_QUEUED ((gint64)10 * 1000 * 1000)

typedef struct
{
  gint64      id;
  char       *kind;              /* "influxdb" or "postgres" */
  char       *name;
  JsonObject *config;            /* the secrets are in the keyring */
  gboolean    enabled;
  gint64      created_ms;
  gint64      max_queued;

  /* What the deliverer says about it */
  gint64      queued;            /* in the outbox now */
  gint64      delivered;         /* acknowledged by the sink, ever */
  gint64      dropped;           /* not queued: the outbox was full */
  gint64      dropped_since_ms;  /* the first of those, or 0 */
  char       *state;             /* "new", "ok", "failing" */
  char       *last_error;        /* nullable */
  gint64      last_attempt_ms;
  gint64      last_delivered_ms;
} AetherSinkRecord;

void              aether_sink_record_free    (AetherSinkRecord  *record);
char             *aether_sink_record_describe_status (const AetherSinkRecord *record);

gboolean          aether_store_add_sink      (AetherStore       *self,
                                              const char        *kind,
                                              const char        *name,
                                              JsonObject        *config,
                                              gint64             max_queued,
                                              gint64             now_ms,
                                              GError           **error);
gboolean          aether_store_remove_sink   (AetherStore       *self,
                                              const char        *name,
                                              GError           **error);
GPtrArray        *aether_store_list_sinks    (AetherStore       *self,
                                              GError           **error);
AetherSinkRecord *aether_store_get_sink      (AetherStore       *self,
                                              const char        *name,
                                              GError           **error);
gboolean          aether_store_set_sink_enabled (AetherStore    *self,
                                              const char        *name,
                                              gboolean           enabled,
                                              GError           **error);
gint64            aether_store_backfill_sink (AetherStore       *self,
                                              const char        *name,
                                              gint64             from_us,
                                              gint64             to_us,
                                              gint64            *not_queued,
                                              GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherSinkRecord, aether_sink_record_free)

G_END_DECLS
