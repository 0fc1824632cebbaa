/* aether-test-util.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What many tests do the same way: wait for an async call on the default
 * main context, read a value out of a poll's samples, remove a test's
 * temporary folder, run the real aetherlens-cli, serve a fake Tasmota plug. */

#pragma once

#include "aether-core.h"

G_BEGIN_DECLS

void          aether_test_store_result  (GObject       *object,
                                         GAsyncResult  *result,
                                         gpointer       user_data);
GAsyncResult *aether_test_wait_for      (GAsyncResult **result);
double        aether_test_sample        (GArray        *samples,
                                         AetherMetric   metric,
                                         guint          channel);
void          aether_test_assert_value  (double         got,
                                         double         want);
void          aether_test_remove_dir    (const char    *dir);
int           aether_test_run_cli       (const char    *db,
                                         char         **out,
                                         char         **err,
                                         ...) G_GNUC_NULL_TERMINATED;
int           aether_test_run_cli_in_loop (const char  *db,
                                         char         **out,
                                         char         **err,
                                         ...) G_GNUC_NULL_TERMINATED;
int           aether_test_run_cli_argv  (const char * const *args,
                                         char         **out);
void          aether_test_run_for       (AetherClock   *clock,
                                         gint64         seconds);
gint64        aether_test_query_int     (const char    *db_path,
                                         const char    *sql);
double        aether_test_raw_counter_wh (const char   *db_path,
                                          const char   *device_id,
                                          gint64        from_us,
                                          gint64        to_us);

void          aether_test_record_log    (void);
GPtrArray    *aether_test_get_log       (void);
void          aether_test_clear_log     (void);
guint         aether_test_log_count     (const char    *text);

typedef struct _AetherTestDripServer AetherTestDripServer;

AetherTestDripServer *aether_test_drip_server_new      (const char           *head,
                                                        gssize                head_len);
guint16               aether_test_drip_server_get_port (AetherTestDripServer *self);
guint                 aether_test_drip_server_get_n_connections (AetherTestDripServer *self);
void                  aether_test_drip_server_free     (AetherTestDripServer *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherTestDripServer, aether_test_drip_server_free)

AetherService *aether_test_service_new      (const char     *name,
                                            gint64          now_us,
                                            gboolean        default_clock,
                                            char          **dir,
                                            char          **db,
                                            AetherClock   **clock);
void           aether_test_service_destroy  (AetherService **service,
                                            AetherClock   **clock,
                                            char          **dir,
                                            char          **db);

/* The fixture of a test that needs a service on a database of its own
 * and nothing else: set up with aether_test_service_new(). */
typedef struct
{
  char          *dir;
  char          *db;
  AetherClock   *clock;
  AetherService *service;
} AetherTestServiceFixture;

void           aether_test_service_fixture_teardown (AetherTestServiceFixture *f,
                                                     gconstpointer             data);

typedef struct _AetherTestPlug AetherTestPlug;

AetherTestPlug *aether_test_plug_new          (void);
guint16         aether_test_plug_get_port     (AetherTestPlug *self);
const char     *aether_test_plug_get_power    (AetherTestPlug *self);
const char     *aether_test_plug_get_commands (AetherTestPlug *self);
void            aether_test_plug_disconnect   (AetherTestPlug *self);
void            aether_test_plug_free         (AetherTestPlug *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherTestPlug, aether_test_plug_free)

G_END_DECLS
