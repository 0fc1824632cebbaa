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
