/* aether-redact.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *aether_redact_url          (const char *url);
char *aether_redact_urls_in_text (const char *text);

G_END_DECLS
