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

#include "aether-format.h"
#include "aether-share-row.h"

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
static void
share_bar_init (GtkWidget *bar,
                double     share)
{
  /* One colour, the accent: a share, not a warning level. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (share, 0, 1));
  gtk_widget_set_size_request (bar, 120, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Share of the device that uses most"), -1);
}

GtkWidget *
aether_share_row_new (const char *name,
                      const char *room,
                      double      share,
                      const char *value,
                      int         value_width)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
  GtkWidget *label = gtk_label_new (value);

  /* Names are text, not markup: “Tom & Jerry’s Lamp”. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  if (room != NULL)
    {
      g_autofree char *pretty = aether_format_key (room);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), pretty);
    }

  share_bar_init (bar, share);
  gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);

  gtk_widget_add_css_class (label, "numeric");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
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
  GtkWidget *bar = g_object_get_data (G_OBJECT (row), "aether-share-bar");
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "aether-share-value");
  g_autofree char *pretty = room ? aether_format_key (room) : NULL;

  g_return_if_fail (ADW_IS_ACTION_ROW (row) && bar != NULL && label != NULL);

  if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), name) != 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  if (g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), pretty) != 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), pretty);
  if (gtk_level_bar_get_value (GTK_LEVEL_BAR (bar)) != CLAMP (share, 0, 1))
    gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (share, 0, 1));
  if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), value) != 0)
    gtk_label_set_text (GTK_LABEL (label), value);
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
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  share_bar_init (bar, share);
  gtk_widget_set_halign (bar, GTK_ALIGN_END);
  gtk_widget_add_css_class (label, "numeric");
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);
  return row;
}
