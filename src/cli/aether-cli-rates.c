/* aether-cli-rates.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli rates`: placeholder until its engine lands. */

#define G_LOG_DOMAIN "aether-cli-rates"

#include "config.h"

#include <stdio.h>

#include "aether-cli-private.h"

int
aether_cli_rates_main (AetherCliContext  *ctx,
                      int                argc,
                      char             **argv)
{
  fprintf (stderr, "%s: the “rates” commands are not part of this build yet\n", ctx->prgname);
  return AETHER_CLI_EXIT_FAILURE;
}

int
aether_cli_bench_tariff (AetherCliContext  *ctx,
                         int                argc,
                         char             **argv)
{
  return aether_cli_rates_main (ctx, argc, argv);
}
