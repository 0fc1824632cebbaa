/* aether-cli-bench.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli bench`: benchmarks that print their figures as JSON.
 * Speed targets are checked here, by people reading numbers, never by timed
 * assertions in tests. Each benchmark lives beside the commands it measures. */

#define G_LOG_DOMAIN "aether-cli-bench"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-cli-private.h"

static const AetherCliCommand bench_commands[] = {
  { "store",  aether_cli_bench_store,  N_("Ingest, rollup, query and size figures of the storage engine") },
  { "rollup", aether_cli_bench_rollup, N_("Rollup speed at 1 s and 60 s sampling, and as history grows from a week to a year") },
  { "ingest", aether_cli_bench_ingest, N_("db ingest of a CSV: samples per second and peak memory for two file sizes") },
  { "reprice", aether_cli_bench_reprice, N_("Time to re-price a year of stored history after a tariff edit") },
  { "tariff", aether_cli_bench_tariff, N_("Time to price a year of 1-minute intervals") },
  { "collect", aether_cli_bench_collect, N_("CPU and memory of the collector polling simulated devices") },
  { "open",   aether_cli_bench_open,   N_("Opening the database and a query as history grows; file size after maintenance") },
  { "api",    aether_cli_bench_api,    N_("Time per request of the local API's endpoints on the demo home") },
  { "sinks",  aether_cli_bench_sinks,  N_("Readings a second delivered to InfluxDB and PostgreSQL; the writer's cost of an outbox") },
  { "backfill", aether_cli_bench_backfill, N_("Time to write the demo home's year of history") },
  { "chart",  aether_cli_bench_chart,  N_("The store's half of a History frame: 8 series over a year at 1,000 columns") },
  { NULL }
};

int
aether_cli_bench_main (AetherCliContext  *ctx,
                       int                argc,
                       char             **argv)
{
  return aether_cli_dispatch (ctx, "bench", bench_commands, argc, argv);
}
