/* aether-share-row.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A device's row in a ranking (the Dashboard's "Using Most Now", History's
 * breakdown): its name, its room, a bar of its share of the first and its
 * value. */

#include "config.h"

#include <glib/gi18n.h>

#include "aether-figure.h"
#include "aether-format.h"
#include "aether-share-row.h"

/* The bar of a device's share. A GtkLevelBar's new value lays the window
 * out again (its block is a child widget); this one only draws again, so a
 * ranking refreshed every few seconds costs a redraw (see aether-figure.c
 * for why a layout is dear on X11). */
#define AETHER_TYPE_SHARE_BAR (aether_share_bar_get_type ())
G_DECLARE_FINAL_TYPE (AetherShareBar, aether_share_bar, AETHER, SHARE_BAR, GtkWidget)

struct _AetherShareBar
{
  GtkWidget parent_instance;
  double    share;
};

G_DEFINE_FINAL_TYPE (AetherShareBar, aether_share_bar, GTK_TYPE_WIDGET)

#define SHARE_BAR_HEIGHT 6

static void
aether_share_bar_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = *natural = orientation == GTK_ORIENTATION_VERTICAL ? SHARE_BAR_HEIGHT : 24;
}

static void
aether_share_bar_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AetherShareBar *self = AETHER_SHARE_BAR (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  float width = gtk_widget_get_width (widget);
  float height = gtk_widget_get_height (widget);
  float y = (height - SHARE_BAR_HEIGHT) / 2;
  GdkRGBA fg, accent, trough;
  GskRoundedRect rect;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  G_GNUC_END_IGNORE_DEPRECATIONS
  trough = fg;
  trough.alpha *= 0.15;

  gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (0, y, width, SHARE_BAR_HEIGHT), SHARE_BAR_HEIGHT / 2.0);
  gtk_snapshot_push_rounded_clip (snapshot, &rect);
  gtk_snapshot_append_color (snapshot, &trough, &GRAPHENE_RECT_INIT (0, y, width, SHARE_BAR_HEIGHT));
  gtk_snapshot_pop (snapshot);

  if (self->share > 0)
    {
      float fill = MAX (2, width * self->share);

      gsk_rounded_rect_init_from_rect (&rect, &GRAPHENE_RECT_INIT (0, y, fill, SHARE_BAR_HEIGHT),
                                       MIN (fill, SHARE_BAR_HEIGHT) / 2.0);
      gtk_snapshot_push_rounded_clip (snapshot, &rect);
      gtk_snapshot_append_color (snapshot, &accent, &GRAPHENE_RECT_INIT (0, y, fill, SHARE_BAR_HEIGHT));
      gtk_snapshot_pop (snapshot);
    }
}

static void
aether_share_bar_class_init (AetherShareBarClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->measure = aether_share_bar_measure;
  widget_class->snapshot = aether_share_bar_snapshot;
  gtk_widget_class_set_css_name (widget_class, "sharebar");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_METER);
}

static void
aether_share_bar_init (AetherShareBar *self)
{
}

static void
share_bar_set (GtkWidget *bar,
               double     share)
{
  AetherShareBar *self = AETHER_SHARE_BAR (bar);

  share = CLAMP (share, 0, 1);
  if (self->share == share)
    return;
  self->share = share;
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, share, -1);
  gtk_widget_queue_draw (bar);
}

static GtkWidget *
share_bar_new (double share)
{
  GtkWidget *bar = g_object_new (AETHER_TYPE_SHARE_BAR, NULL);

  /* One colour, the accent: a share, not a warning level. */
  gtk_widget_set_size_request (bar, 120, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Share of the device that uses most"),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, 1.0,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, 0.0,
                                  -1);
  share_bar_set (bar, share);
  return bar;
}

/* Shows new figures in a row from either constructor, setting only what
 * changed: each new text lays the window out again. */
static void
share_row_show (GtkWidget  *row,
                const char *name,
                const char *subtitle,
                double      share,
                const char *value)
{
  GtkWidget *bar = g_object_get_data (G_OBJECT (row), "aether-share-bar");
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "aether-share-value");
  const char *shown = NULL;

  g_return_if_fail (ADW_IS_ACTION_ROW (row) && bar != NULL && label != NULL);

  if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name) != 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  /* A row with no subtitle gives "" back, not NULL. */
  shown = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  if (g_strcmp0 (shown ? shown : "", subtitle ? subtitle : "") != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  share_bar_set (bar, share);
  if (GTK_IS_INSCRIPTION (label))
    aether_figure_set_text (label, value);
  else if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), value) != 0)
    gtk_label_set_text (GTK_LABEL (label), value);
}

/**
 * aether_share_row_new:
 * @name: the device's name (text, not markup)
 * @room: (nullable): its room, as a registry key
 * @share: 0 … 1, its part of the largest value in the ranking
 * @value: what it used, as shown
 * @value_width: the width to give the value, so values line up
 *
 * Returns: (transfer floating): an #AdwActionRow
 */
GtkWidget *
aether_share_row_new (const char *name,
                      const char *room,
                      double      share,
                      const char *value,
                      int         value_width)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *bar = share_bar_new (share);
  /* Refreshed every few seconds: drawn again, not laid out again. */
  GtkWidget *label = aether_figure_new (value, 1);

  /* Names are text, not markup: “Tom & Jerry’s Lamp”. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  if (room != NULL)
    {
      g_autofree char *pretty = aether_format_key (room);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), pretty);
    }

  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);

  gtk_widget_add_css_class (label, "numeric");
  gtk_inscription_set_xalign (GTK_INSCRIPTION (label), 1);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (label, value_width, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), bar);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  g_object_set_data (G_OBJECT (row), "aether-share-bar", bar);
  g_object_set_data (G_OBJECT (row), "aether-share-value", label);
  return row;
}

/**
 * aether_share_row_update:
 * @row: a row from aether_share_row_new()
 * @name: the device's name (text, not markup)
 * @room: (nullable): its room, as a registry key
 * @share: 0 … 1, its part of the largest value in the ranking
 * @value: what it used, as shown
 *
 * Shows new figures in the same row, so that a ranking refreshed every
 * few seconds changes only the text that changed instead of rebuilding
 * its rows (each rebuild lays the whole window out again).
 */
void
aether_share_row_update (GtkWidget  *row,
                         const char *name,
                         const char *room,
                         double      share,
                         const char *value)
{
  g_autofree char *pretty = room ? aether_format_key (room) : NULL;

  share_row_show (row, name, pretty, share, value);
}

/**
 * aether_share_row_new_stacked:
 * @name: the row's title (text, not markup)
 * @subtitle: (nullable): a line under it, as shown
 * @share: the bar's fill, 0 to 1
 * @value: the figure, shown above the bar
 *
 * A share row whose figure sits over its bar, so a narrow window still
 * leaves the name its room (History's breakdowns).
 *
 * Returns: (transfer floating): an #AdwActionRow
 */
GtkWidget *
aether_share_row_new_stacked (const char *name,
                              const char *subtitle,
                              double      share,
                              const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *bar = share_bar_new (share);
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_halign (bar, GTK_ALIGN_END);
  gtk_widget_add_css_class (label, "numeric");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  g_object_set_data (G_OBJECT (row), "aether-share-bar", bar);
  g_object_set_data (G_OBJECT (row), "aether-share-value", label);
  return row;
}

/**
 * aether_share_row_update_stacked:
 * @row: a row from aether_share_row_new_stacked()
 * @name: the row's title (text, not markup)
 * @subtitle: (nullable): a line under it, as shown
 * @share: the bar's fill, 0 to 1
 * @value: the figure, shown above the bar
 *
 * Shows new figures in the same stacked row (History's range changes),
 * changing only what changed instead of laying the page out again.
 */
void
aether_share_row_update_stacked (GtkWidget  *row,
                                 const char *name,
                                 const char *subtitle,
                                 double      share,
                                 const char *value)
{
  share_row_show (row, name, subtitle, share, value);
}
