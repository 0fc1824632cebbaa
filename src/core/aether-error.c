/* aether-error.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The project's one error domain. Codes live in the header so that the app,
 * the CLI and plugins can branch on them. */

#define G_LOG_DOMAIN "aether-error"

#include "config.h"

#include "aether-error.h"

G_DEFINE_QUARK (aether-error-quark, aether_error)
