/* aether-rate-editor.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "aether-core.h"

G_BEGIN_DECLS

#define AETHER_TYPE_RATE_EDITOR (aether_rate_editor_get_type ())

G_DECLARE_FINAL_TYPE (AetherRateEditor, aether_rate_editor, AETHER, RATE_EDITOR, AdwWindow)

AetherRateEditor *aether_rate_editor_new               (AetherService *service,
                                                        JsonNode      *schedule,
                                                        gboolean       is_stored);
void              aether_rate_editor_set_schedule      (AetherRateEditor *self,
                                                        JsonNode         *schedule,
                                                        gboolean          is_stored);
JsonNode         *aether_rate_editor_build_json        (AetherRateEditor *self);
GPtrArray        *aether_rate_editor_get_problems      (AetherRateEditor *self);
gboolean          aether_rate_editor_save              (AetherRateEditor *self,
                                                        GError          **error);
void              aether_rate_editor_set_versions      (AetherRateEditor *self,
                                                        GPtrArray        *versions,
                                                        const char       *shown_id);
gboolean          aether_rate_editor_export_file       (AetherRateEditor *self,
                                                        GFile            *file,
                                                        GError          **error);
gboolean          aether_rate_editor_import_file       (AetherRateEditor *self,
                                                        GFile            *file,
                                                        GError          **error);
void              aether_rate_editor_start_new_version (AetherRateEditor *self,
                                                        const char       *date);
gboolean          aether_rate_editor_get_what_if       (AetherRateEditor *self,
                                                        double           *month_cost,
                                                        double           *month_cost_in_force,
                                                        double           *year_cost,
                                                        double           *year_cost_in_force);

G_END_DECLS
