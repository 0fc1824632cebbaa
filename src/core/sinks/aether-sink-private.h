/* aether-sink-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the deliverer shares with the two kinds of sink. */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _AetherSinkTarget AetherSinkTarget;

/* One sink as the deliverer thread holds it: its configuration, its
 * secret from the keyring, its connection, its backoff. */
struct _AetherSinkTarget
{
  gint64      id;
  char       *name;
  char       *kind;
  char       *config_text;     /* to notice a change */
  JsonObject *config;
  char       *secret;          /* token or password; nullable */
  char       *secret_error;    /* why the keyring could not give it */

  gint64      backoff_us;
  gint64      next_try_us;

  gpointer    connection;      /* the kind's own */
  GDestroyNotify connection_free;

  GCancellable *cancellable;   /* borrowed: the deliverer's, cancelled by stop() */
};

/* Each returns TRUE when the sink took every row of @rows (an
 * AetherOutboxRow array; rows without a device are skipped). */
gboolean  _aether_sink_influxdb_deliver  (AetherSinkTarget  *target,
                                          GPtrArray         *rows,
                                          GError           **error);
gboolean  _aether_sink_postgres_deliver  (AetherSinkTarget  *target,
                                          GPtrArray         *rows,
                                          GError           **error);

char     *_aether_sink_secret_owner      (const char        *name);

/* The line protocol for @rows, for the deliverer and its tests. */
char     *_aether_sink_influxdb_lines    (GPtrArray         *rows);

G_END_DECLS
