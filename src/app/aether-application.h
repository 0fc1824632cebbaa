/* aether-application.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_APPLICATION (aether_application_get_type ())

G_DECLARE_FINAL_TYPE (AetherApplication, aether_application, AETHER, APPLICATION, AdwApplication)

AetherApplication *aether_application_new           (const char         *application_id,
                                                     GApplicationFlags   flags);
GSettings         *aether_application_get_settings  (AetherApplication  *self);
AetherService     *aether_application_get_service   (AetherApplication  *self);

G_END_DECLS
