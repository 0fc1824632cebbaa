/* aether-cli-db.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `aetherlens-cli db`: placeholder until its engine lands. */

#define G_LOG_DOMAIN "aether-cli-db"

#include "config.h"

#include <stdio.h>

#include "aether-cli-private.h"

int
aether_cli_db_main (AetherCliContext  *ctx,
                      int                argc,
                      char             **argv)
{
  fprintf (stderr, "%s: the “db” commands are not part of this build yet\n", ctx->prgname);
  return AETHER_CLI_EXIT_FAILURE;
}

int
aether_cli_bench_store (AetherCliContext  *ctx,
                        int                argc,
                        char             **argv)
{
  return aether_cli_db_main (ctx, argc, argv);
}
