/* aether-figure.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A figure that changes every few seconds: the live power, a device's
 * watts in a ranking. It is a GtkInscription, whose size comes from a
 * number of characters and not from its text, so a new value is drawn
 * again without laying the window out again. A GtkLabel's new text asks
 * the whole window for its size, which on X11 is a dozen round trips to
 * the server each time (issue 19: the idle app's wakeups). A figure that
 * changes once in minutes stays a GtkLabel. */

#include "config.h"

#include "aether-figure.h"

/**
 * aether_figure_new:
 * @text: (nullable): what it shows first
 * @chars: how many characters wide it is, whatever it shows
 *
 * Returns: (transfer floating): a #GtkInscription
 */
GtkWidget *
aether_figure_new (const char *text,
                   guint       chars)
{
  GtkWidget *figure = gtk_inscription_new (NULL);

  gtk_inscription_set_min_chars (GTK_INSCRIPTION (figure), chars);
  gtk_inscription_set_nat_chars (GTK_INSCRIPTION (figure), chars);
  gtk_inscription_set_text_overflow (GTK_INSCRIPTION (figure), GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  aether_figure_set_text (figure, text);
  return figure;
}

/**
 * aether_figure_set_text:
 * @figure: a #GtkInscription (from aether_figure_new() or a template)
 * @text: (nullable): what it shows
 *
 * Shows @text when it differs, and gives it to screen readers too.
 */
void
aether_figure_set_text (GtkWidget  *figure,
                        const char *text)
{
  g_return_if_fail (GTK_IS_INSCRIPTION (figure));

  if (g_strcmp0 (gtk_inscription_get_text (GTK_INSCRIPTION (figure)), text) == 0)
    return;
  gtk_inscription_set_text (GTK_INSCRIPTION (figure), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (figure), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  text ? text : "", -1);
}

/**
 * aether_figure_get_text:
 * @figure: a #GtkInscription
 *
 * Returns: (nullable): what it shows
 */
const char *
aether_figure_get_text (GtkWidget *figure)
{
  g_return_val_if_fail (GTK_IS_INSCRIPTION (figure), NULL);

  return gtk_inscription_get_text (GTK_INSCRIPTION (figure));
}
