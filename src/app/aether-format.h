/* aether-format.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *aether_format_power    (double      watts);
char *aether_format_energy   (double      wh);
char *aether_format_small_power (double    watts);
char *aether_format_money    (double      amount,
                              const char *currency);
char *aether_format_money_precise (double      amount,
                                   const char *currency,
                                   guint       max_decimals);
char *aether_format_key      (const char *key);

G_END_DECLS
