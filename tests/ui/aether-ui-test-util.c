/* aether-ui-test-util.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "aether-ui-test-util.h"

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  (*(guint *)user_data)++;
}

/* Lets GTK lay out and draw @window for a while, so that what we capture is
 * what a person would see: not a half-allocated first frame, nor a view
 * switcher caught in the middle of its cross-fade (libadwaita's transitions
 * last 200 ms). Disabling animations instead trips a GTK 4.8 allocation
 * warning in AdwViewSwitcherTitle. */
void
aether_ui_test_wait_for_frames (GtkWidget *window)
{
  GdkFrameClock *clock;
  guint painted = 0;
  gulong handler;
  gint64 give_up;
  gint64 settled;

  while (!gtk_widget_get_mapped (window))
    g_main_context_iteration (NULL, TRUE);

  clock = gtk_widget_get_frame_clock (window);
  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint), &painted);
  gtk_widget_queue_draw (window);

  settled = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  give_up = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while ((painted < 2 || g_get_monotonic_time () < settled) &&
         g_get_monotonic_time () < give_up)
    {
      gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
      g_main_context_iteration (NULL, TRUE);
    }

  g_signal_handler_disconnect (clock, handler);
  g_assert_cmpuint (painted, >=, 2);
}

void
aether_ui_test_save_screenshot (GtkWidget  *widget,
                                const char *name)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_test_get_dir (G_TEST_BUILT), "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_native (widget));
  int width, height;

  /* A widget whose page was just rebuilt may have nothing drawn yet (its
   * snapshot is empty until the next frame): draw again and ask again. */
  for (guint attempt = 0; node == NULL && attempt < 10; attempt++)
    {
      g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();

      if (attempt > 0)
        aether_ui_test_wait_for_frames (window);
      width = gtk_widget_get_width (widget);
      height = gtk_widget_get_height (widget);
      if (width <= 0 || height <= 0)
        continue;
      gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
      node = gtk_snapshot_to_node (snapshot);
    }
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);
  g_assert_nonnull (node);

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (window)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_nonnull (texture);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, width);

  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Saved %s", path);
}

/**
 * aether_ui_test_find_type:
 * @root: where to look
 * @type: a widget type
 *
 * Returns: (transfer none) (nullable): the first widget of @type, depth first
 */
GtkWidget *
aether_ui_test_find_type (GtkWidget *root,
                          GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = aether_ui_test_find_type (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_where (GtkWidget  *root,
            gboolean  (*match) (GtkWidget *widget, const char *text),
            const char *text)
{
  if (match (root, text))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_where (child, match, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_row_titled (GtkWidget  *widget,
               const char *title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static gboolean
is_button_labelled (GtkWidget  *widget,
                    const char *label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_error (GtkWidget  *widget,
          const char *unused)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, "error");
}

/**
 * aether_ui_test_find_row:
 * @root: where to look
 * @title: a row's title as written, mnemonic included ("_Name")
 *
 * Returns: (transfer none) (nullable): the first preferences row with it
 */
GtkWidget *
aether_ui_test_find_row (GtkWidget  *root,
                         const char *title)
{
  return find_where (root, is_row_titled, title);
}

/**
 * aether_ui_test_find_button:
 * @root: where to look
 * @label: a button's label, mnemonic included ("C_reate")
 *
 * Returns: (transfer none) (nullable): the first button with it
 */
GtkWidget *
aether_ui_test_find_button (GtkWidget  *root,
                            const char *label)
{
  return find_where (root, is_button_labelled, label);
}

/**
 * aether_ui_test_find_error:
 * @root: where to look
 *
 * Returns: (transfer none) (nullable): the first label styled as an error
 */
GtkWidget *
aether_ui_test_find_error (GtkWidget *root)
{
  return find_where (root, is_error, NULL);
}

static GtkWidget *
row (GtkWidget  *root,
     const char *title)
{
  GtkWidget *found = aether_ui_test_find_row (root, title);

  if (found == NULL)
    g_error ("No row “%s”", title);
  return found;
}

/**
 * aether_ui_test_set_text:
 * @root: where the row is
 * @title: an entry row's title
 * @text: what to type
 */
void
aether_ui_test_set_text (GtkWidget  *root,
                         const char *title,
                         const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row (root, title)), text);
}

/**
 * aether_ui_test_choose:
 * @root: where the row is
 * @title: a combo row's title, or that of a row with a drop-down
 * @item: the item to choose, as shown
 */
void
aether_ui_test_choose (GtkWidget  *root,
                       const char *title,
                       const char *item)
{
  GtkWidget *found = row (root, title);
  GtkDropDown *dropdown = ADW_IS_COMBO_ROW (found) ? NULL
                          : GTK_DROP_DOWN (aether_ui_test_find_type (found, GTK_TYPE_DROP_DOWN));
  GListModel *model = dropdown ? gtk_drop_down_get_model (dropdown) : adw_combo_row_get_model (ADW_COMBO_ROW (found));

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    if (g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (model), i), item))
      {
        if (dropdown != NULL)
          gtk_drop_down_set_selected (dropdown, i);
        else
          adw_combo_row_set_selected (ADW_COMBO_ROW (found), i);
        return;
      }
  g_error ("“%s” has no item “%s”", title, item);
}

/**
 * aether_ui_test_set_switch:
 * @root: where the row is
 * @title: the title of a row with a switch
 * @on: the switch's new state
 */
void
aether_ui_test_set_switch (GtkWidget  *root,
                           const char *title,
                           gboolean    on)
{
  gtk_switch_set_active (GTK_SWITCH (aether_ui_test_find_type (row (root, title), GTK_TYPE_SWITCH)), on);
}

/**
 * aether_ui_test_enable:
 * @root: where the row is
 * @title: an expander row's title
 * @on: whether its enable switch is on
 */
void
aether_ui_test_enable (GtkWidget  *root,
                       const char *title,
                       gboolean    on)
{
  adw_expander_row_set_enable_expansion (ADW_EXPANDER_ROW (row (root, title)), on);
}

/**
 * aether_ui_test_click:
 * @root: where the button is
 * @label: its label
 *
 * Clicks it, failing (with the form's error, if it shows one) when it
 * cannot be clicked.
 */
void
aether_ui_test_click (GtkWidget  *root,
                      const char *label)
{
  GtkWidget *button = aether_ui_test_find_button (root, label);
  GtkWidget *error;

  if (button == NULL)
    g_error ("No button “%s”", label);
  if (!gtk_widget_is_sensitive (button))
    {
      error = aether_ui_test_find_error (root);
      g_error ("“%s” cannot be clicked: %s", label, error ? gtk_label_get_text (GTK_LABEL (error)) : "");
    }
  g_signal_emit_by_name (button, "clicked");
}

/**
 * aether_ui_test_scroll_to_end:
 * @root: a window or page with a scrolled window
 *
 * Scrolls its first scrolled window to the end and lets it draw.
 */
void
aether_ui_test_scroll_to_end (GtkWidget *root)
{
  GtkWidget *scrolled = aether_ui_test_find_type (root, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  aether_ui_test_wait_for_frames (gtk_widget_get_ancestor (root, GTK_TYPE_WINDOW) ? gtk_widget_get_ancestor (root, GTK_TYPE_WINDOW) : root);
}

/**
 * aether_ui_test_find_named:
 * @widget: where to start
 * @name: a widget name (gtk_widget_set_name())
 *
 * Returns: (transfer none) (nullable): the first widget in @widget's tree,
 *   itself included, with that name
 */
GtkWidget *
aether_ui_test_find_named (GtkWidget  *widget,
                           const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = aether_ui_test_find_named (child, name);

      if (found != NULL)
        return found;
    }
  return NULL;
}
