/* aether-ui-test-util.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What every UI test does the same way: let a window draw, and save what
 * it shows as a PNG in <builddir>/tests/ui/screenshots/. */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void aether_ui_test_wait_for_frames  (GtkWidget  *window);
void aether_ui_test_save_screenshot  (GtkWidget  *widget,
                                      const char *name);
GtkWidget *aether_ui_test_find_named (GtkWidget  *widget,
                                      const char *name);

G_END_DECLS
