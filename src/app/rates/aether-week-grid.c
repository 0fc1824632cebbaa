/* aether-week-grid.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A week of a rate schedule at a glance: seven rows of 24 hours, each hour
 * coloured by the rate period in force at its middle, as the tariff
 * engine itself decides it (seasons, holidays of the schedule and DST all
 * included). The colours come from the GNOME palette in the order the
 * periods were added or first appear; the legend beside it uses the same
 * ones. */

#define G_LOG_DOMAIN "aether-week-grid"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-week-grid.h"

#define LABEL_WIDTH 40
#define HEADER_HEIGHT 18

struct _AetherWeekGrid
{
  GtkWidget  parent_instance;

  char      *cells[7][24];   /* period names, NULL where none applies */
  GPtrArray *periods;        /* names in order of first appearance */
};

G_DEFINE_FINAL_TYPE (AetherWeekGrid, aether_week_grid, GTK_TYPE_WIDGET)

/* GNOME's palette: blue, green, yellow, orange, red, purple, brown. */
static const char * const palette[] = {
  "#3584e4", "#33d17a", "#f6d32d", "#ff7800", "#e01b24", "#9141ac", "#986a44",
};

/**
 * aether_week_grid_get_palette_color:
 * @index: a period's position
 * @color: (out): its colour, the same the week grid gives it
 */
void
aether_week_grid_get_palette_color (guint    index,
                                    GdkRGBA *color)
{
  gdk_rgba_parse (color, palette[index % G_N_ELEMENTS (palette)]);
}

void
aether_week_grid_get_period_color (AetherWeekGrid *self,
                                   const char     *period,
                                   GdkRGBA        *color)
{
  guint index = 0;

  g_return_if_fail (AETHER_IS_WEEK_GRID (self));

  if (period == NULL || !g_ptr_array_find_with_equal_func (self->periods, period, g_str_equal, &index))
    {
      gdk_rgba_parse (color, "#deddda");
      return;
    }
  aether_week_grid_get_palette_color (index, color);
}

/**
 * aether_week_grid_append_labels:
 * @widget: a week drawn as 7 rows of 24 hours
 * @snapshot: its snapshot
 * @label_width: the width left of the hours for the day names
 * @header_height: the height above the days for the hours
 * @cell_w: an hour's width
 * @cell_h: a day's height
 *
 * Draws the day names down the side and every sixth hour along the top,
 * as both week grids (the page's and the editor's) label them.
 */
void
aether_week_grid_append_labels (GtkWidget   *widget,
                                GtkSnapshot *snapshot,
                                int          label_width,
                                int          header_height,
                                double       cell_w,
                                double       cell_h)
{
  /* Monday first, as ISO weeks are. */
  const char *days[7] = { C_("weekday", "Mon"), C_("weekday", "Tue"), C_("weekday", "Wed"), C_("weekday", "Thu"),
                          C_("weekday", "Fri"), C_("weekday", "Sat"), C_("weekday", "Sun") };
  int width = gtk_widget_get_width (widget);
  GdkRGBA fg;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);

  /* Day names down the side, hours along the top. */
  for (guint d = 0; d < 7; d++)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, days[d]);
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, header_height + d * cell_h + (cell_h - lh) / 2));
      gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.7f });
      gtk_snapshot_restore (snapshot);
      g_object_unref (layout);
    }
  for (guint h = 0; h <= 24; h += 6)
    {
      g_autofree char *text = g_strdup_printf ("%02u:00", h % 24);
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (CLAMP (label_width + h * cell_w - lw / 2.0, 0, width - lw), 0));
      gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.7f });
      gtk_snapshot_restore (snapshot);
      g_object_unref (layout);
    }
}

static void
aether_week_grid_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AetherWeekGrid *self = AETHER_WEEK_GRID (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double cell_w = (double)(width - LABEL_WIDTH) / 24;
  double cell_h = (double)(height - HEADER_HEIGHT) / 7;

  if (cell_w <= 0 || cell_h <= 0)
    return;

  for (guint d = 0; d < 7; d++)
    for (guint h = 0; h < 24; h++)
      {
        GdkRGBA color;

        aether_week_grid_get_period_color (self, self->cells[d][h], &color);
        gtk_snapshot_append_color (snapshot, &color,
                                   &GRAPHENE_RECT_INIT (LABEL_WIDTH + h * cell_w + 1, HEADER_HEIGHT + d * cell_h + 1,
                                                        cell_w - 2, cell_h - 2));
      }

  aether_week_grid_append_labels (widget, snapshot, LABEL_WIDTH, HEADER_HEIGHT, cell_w, cell_h);
}

static void
aether_week_grid_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? LABEL_WIDTH + 24 * 8 : HEADER_HEIGHT + 7 * 16;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? LABEL_WIDTH + 24 * 24 : HEADER_HEIGHT + 7 * 24;
}

/**
 * aether_week_grid_set_schedule:
 * @self: a grid
 * @schedule: the schedule to show
 * @week_start_s: the Monday 00:00 of the week to show, in the schedule's zone
 */
void
aether_week_grid_set_schedule (AetherWeekGrid     *self,
                               AetherRateSchedule *schedule,
                               gint64              week_start_s)
{
  g_autoptr(GDateTime) monday = NULL;

  g_return_if_fail (AETHER_IS_WEEK_GRID (self));
  g_return_if_fail (schedule != NULL);

  monday = g_date_time_new_from_unix_utc (week_start_s);
  monday = g_date_time_to_timezone (g_steal_pointer (&monday), aether_rate_schedule_get_time_zone (schedule));

  for (guint d = 0; d < 7; d++)
    for (guint h = 0; h < 24; h++)
      {
        /* Wall-clock hours, so a DST day still shows 24 of them. */
        g_autoptr(GDateTime) day = g_date_time_add_days (monday, d);
        g_autoptr(GDateTime) at = g_date_time_new (aether_rate_schedule_get_time_zone (schedule),
                                                   g_date_time_get_year (day), g_date_time_get_month (day),
                                                   g_date_time_get_day_of_month (day), h, 30, 0);
        const AetherRatePeriod *period = at ? aether_rate_schedule_period_at (schedule, g_date_time_to_unix (at)) : NULL;

        g_free (self->cells[d][h]);
        self->cells[d][h] = period ? g_strdup (period->name) : NULL;
        if (period && !g_ptr_array_find_with_equal_func (self->periods, period->name, g_str_equal, NULL))
          g_ptr_array_add (self->periods, g_strdup (period->name));
      }

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * aether_week_grid_add_period:
 * @self: a grid
 * @period: a period's name
 *
 * Gives @period the next colour, so that periods of other seasons, not in
 * the week shown, have theirs in the legend too.
 */
void
aether_week_grid_add_period (AetherWeekGrid *self,
                             const char     *period)
{
  g_return_if_fail (AETHER_IS_WEEK_GRID (self));

  if (period != NULL && !g_ptr_array_find_with_equal_func (self->periods, period, g_str_equal, NULL))
    g_ptr_array_add (self->periods, g_strdup (period));
}

/**
 * aether_week_grid_get_period:
 * @self: a grid
 * @day: 0 for Monday … 6 for Sunday
 * @hour: 0 … 23
 *
 * Returns: (nullable): the period in force in that hour
 */
const char *
aether_week_grid_get_period (AetherWeekGrid *self,
                             guint           day,
                             guint           hour)
{
  g_return_val_if_fail (AETHER_IS_WEEK_GRID (self), NULL);
  g_return_val_if_fail (day < 7 && hour < 24, NULL);

  return self->cells[day][hour];
}

GtkWidget *
aether_week_grid_new (void)
{
  return g_object_new (AETHER_TYPE_WEEK_GRID, NULL);
}

static void
aether_week_grid_finalize (GObject *object)
{
  AetherWeekGrid *self = AETHER_WEEK_GRID (object);

  for (guint d = 0; d < 7; d++)
    for (guint h = 0; h < 24; h++)
      g_free (self->cells[d][h]);
  g_clear_pointer (&self->periods, g_ptr_array_unref);

  G_OBJECT_CLASS (aether_week_grid_parent_class)->finalize (object);
}

static void
aether_week_grid_class_init (AetherWeekGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = aether_week_grid_finalize;
  widget_class->snapshot = aether_week_grid_snapshot;
  widget_class->measure = aether_week_grid_measure;

  gtk_widget_class_set_css_name (widget_class, "weekgrid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
aether_week_grid_init (AetherWeekGrid *self)
{
  self->periods = g_ptr_array_new_with_free_func (g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("The rate periods of each hour of the week"), -1);
}
