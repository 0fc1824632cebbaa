/* aether-tokens-page.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_TOKENS_PAGE (aether_tokens_page_get_type ())

G_DECLARE_FINAL_TYPE (AetherTokensPage, aether_tokens_page, AETHER, TOKENS_PAGE, AdwPreferencesPage)

GtkWidget *aether_tokens_page_new (AetherService *service);

G_END_DECLS
