/* aether-cli-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "aether-core.h"
#include "aether-sim-home.h"

G_BEGIN_DECLS

/* Exit codes: 0 success, 1 the input is wrong or a check failed, 2 usage. */
#define AETHER_CLI_EXIT_OK      0
#define AETHER_CLI_EXIT_FAILURE 1
#define AETHER_CLI_EXIT_USAGE   2

typedef struct
{
  /* Owned */
  char        *db_path;
  AetherClock *clock;
  const char  *prgname;
} AetherCliContext;

/* Every subcommand has this shape: argv[0] is the subcommand's own name. */
typedef int (*AetherCliCommandFunc) (AetherCliContext  *ctx,
                                     int                argc,
                                     char             **argv);

typedef struct
{
  const char           *name;
  AetherCliCommandFunc  func;
  const char           *summary;
} AetherCliCommand;

int   aether_cli_dispatch          (AetherCliContext        *ctx,
                                    const char              *group,
                                    const AetherCliCommand  *commands,
                                    int                      argc,
                                    char                   **argv);
int   aether_cli_fail              (const GError            *error);
void  aether_cli_print_json        (JsonNode                *node);
char *aether_cli_default_db_path   (void);

/* Command groups, one file each. */
int   aether_cli_db_main           (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_rates_main        (AetherCliContext *ctx, int argc, char **argv);
struct rusage;
double aether_cli_cpu_seconds     (const struct rusage *usage);
void   aether_cli_remove_bench_dir (const char         *dir);
gint64 aether_cli_bytes_written    (void);

int   aether_cli_bench_main        (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_devices_main      (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_demo_main         (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_collect_main      (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_alerts_main       (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_import_main       (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_db_archive        (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_sinks_main        (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_tokens_main       (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_mqtt_main         (AetherCliContext *ctx, int argc, char **argv);

/* Benchmarks live beside the commands they measure. */
int   aether_cli_bench_store       (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_reprice     (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_tariff      (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_collect     (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_open        (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_api         (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_rollup      (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_ingest      (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_sinks       (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_backfill    (AetherCliContext *ctx, int argc, char **argv);
int   aether_cli_bench_chart       (AetherCliContext *ctx, int argc, char **argv);

G_END_DECLS
