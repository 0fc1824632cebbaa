/* aether-ui-test-util.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What every UI test does the same way: let a window draw, and save what
 * it shows as a PNG in <builddir>/tests/ui/screenshots/. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

void aether_ui_test_wait_for_frames  (GtkWidget  *window);
void aether_ui_test_save_screenshot  (GtkWidget  *widget,
                                      const char *name);
GtkWidget *aether_ui_test_find_named (GtkWidget  *widget,
                                      const char *name);

/* Finding and driving widgets as a person does: by what they say. */
GtkWidget *aether_ui_test_find_type      (GtkWidget  *root,
                                          GType       type);
GtkWidget *aether_ui_test_find_row       (GtkWidget  *root,
                                          const char *title);
GtkWidget *aether_ui_test_find_button    (GtkWidget  *root,
                                          const char *label);
GtkWidget *aether_ui_test_find_error     (GtkWidget  *root);
void       aether_ui_test_set_text       (GtkWidget  *root,
                                          const char *title,
                                          const char *text);
void       aether_ui_test_choose         (GtkWidget  *root,
                                          const char *title,
                                          const char *item);
void       aether_ui_test_set_switch     (GtkWidget  *root,
                                          const char *title,
                                          gboolean    on);
void       aether_ui_test_enable         (GtkWidget  *root,
                                          const char *title,
                                          gboolean    on);
void       aether_ui_test_click          (GtkWidget  *root,
                                          const char *label);
void       aether_ui_test_scroll_to_end  (GtkWidget  *root);

G_END_DECLS
