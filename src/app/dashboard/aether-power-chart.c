/* aether-power-chart.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Power over a span (the dashboard's last hour, a day or a year of
 * history) as an area under a line, optionally with each column's minimum
 * to maximum behind it, and a few round gridlines labelled in W or kW. Values come already
 * averaged into buckets (a minute or so each), never as raw points, so
 * drawing stays cheap however many devices feed it; a bucket without data
 * (NAN) leaves a gap rather than a false zero. Colours come from the
 * widget's style, so it follows the dark style and high contrast. */

#define G_LOG_DOMAIN "aether-power-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "aether-power-chart.h"

struct _AetherPowerChart
{
  GtkWidget  parent_instance;

  GArray    *values;       /* double watts, oldest first; NAN = no data */
  GArray    *low;          /* the band under the line: minima … */
  GArray    *high;         /* … and maxima, or empty */
  guint      seconds_per_value;
  char      *span;         /* "the last hour", for screen readers */
};

G_DEFINE_FINAL_TYPE (AetherPowerChart, aether_power_chart, GTK_TYPE_WIDGET)

#define LABEL_WIDTH 56
#define PAD 6

/* A round top for the axis: 1, 2 or 5 × 10ⁿ above the peak. */
static double
nice_ceiling (double peak)
{
  double magnitude;
  double scaled;

  if (!(peak > 0))
    return 100;
  magnitude = pow (10, floor (log10 (peak)));
  scaled = peak / magnitude;
  return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 5 ? 5 : 10) * magnitude;
}

static char *
format_watts (double watts)
{
  if (watts >= 1000)
    /* Translators: kilowatts on a chart axis */
    return g_strdup_printf (_("%g kW"), watts / 1000);
  /* Translators: watts on a chart axis */
  return g_strdup_printf (_("%g W"), watts);
}

double
aether_power_chart_get_peak (AetherPowerChart *self)
{
  double peak = 0;

  g_return_val_if_fail (AETHER_IS_POWER_CHART (self), 0);

  for (guint i = 0; i < self->values->len; i++)
    if (!isnan (g_array_index (self->values, double, i)))
      peak = MAX (peak, g_array_index (self->values, double, i));
  for (guint i = 0; i < self->high->len; i++)
    if (!isnan (g_array_index (self->high, double, i)))
      peak = MAX (peak, g_array_index (self->high, double, i));
  return peak;
}

static void
aether_power_chart_snapshot (GtkWidget   *widget,
                             GtkSnapshot *snapshot)
{
  AetherPowerChart *self = AETHER_POWER_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  double top = nice_ceiling (aether_power_chart_get_peak (self));
  double plot_x = LABEL_WIDTH, plot_y = PAD;
  double plot_w = width - LABEL_WIDTH - PAD, plot_h = height - 2 * PAD;
  GdkRGBA fg, accent;
  cairo_t *cr;
  guint n = self->values->len;

  if (plot_w <= 0 || plot_h <= 0)
    return;

  /* GTK 4.8: the style context is how a widget learns its colours. */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  /* The accent colour, as libadwaita names it; blue where it is unknown. */
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));

  /* Gridlines at 0, ½ and the top, labelled. */
  for (guint g = 0; g <= 2; g++)
    {
      double value = top * g / 2;
      double y = plot_y + plot_h - plot_h * g / 2;
      g_autofree char *label = format_watts (value);
      PangoLayout *layout = gtk_widget_create_pango_layout (widget, label);
      int lw, lh;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.15);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, plot_x, floor (y) + 0.5);
      cairo_line_to (cr, plot_x + plot_w, floor (y) + 0.5);
      cairo_stroke (cr);

      pango_layout_get_pixel_size (layout, &lw, &lh);
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
      cairo_move_to (cr, LABEL_WIDTH - PAD - lw, CLAMP (y - lh / 2.0, 0, height - lh));
      pango_cairo_show_layout (cr, layout);
      g_object_unref (layout);
    }

  /* The spread within each column (minimum to maximum), as thin bars: the
   * peaks a long range's averages would hide. */
  if (self->high->len == n && self->low->len == n && n > 0)
    {
      double column = MAX (1, plot_w / n);

      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.30);
      for (guint k = 0; k < n; k++)
        {
          double lo = g_array_index (self->low, double, k);
          double hi = g_array_index (self->high, double, k);
          double x = plot_x + plot_w * (n > 1 ? (double)k / (n - 1) : 1);

          if (isnan (lo) || isnan (hi))
            continue;
          cairo_rectangle (cr, x - column / 2, plot_y + plot_h - plot_h * MIN (hi / top, 1),
                           column, MAX (1, plot_h * (MIN (hi / top, 1) - MIN (MAX (lo, 0) / top, 1))));
        }
      cairo_fill (cr);
    }

  /* Each run of buckets with data: an area and its line. */
  for (guint i = 0; i < n; )
    {
      guint start, end;

      while (i < n && isnan (g_array_index (self->values, double, i)))
        i++;
      start = i;
      while (i < n && !isnan (g_array_index (self->values, double, i)))
        i++;
      end = i;
      if (start >= end)
        continue;

      /* A single reading so far: a dot, not an invisible line. */
      if (end - start == 1)
        {
          double x = plot_x + plot_w * (n > 1 ? (double)start / (n - 1) : 1);
          double y = plot_y + plot_h - plot_h * MIN (g_array_index (self->values, double, start) / top, 1);

          cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1);
          cairo_arc (cr, x, y, 3, 0, 2 * G_PI);
          cairo_fill (cr);
          continue;
        }

      for (int pass = 0; pass < 2; pass++)
        {
          for (guint k = start; k < end; k++)
            {
              double x = plot_x + plot_w * (n > 1 ? (double)k / (n - 1) : 1);
              double y = plot_y + plot_h - plot_h * MIN (g_array_index (self->values, double, k) / top, 1);

              if (k == start && pass == 0)
                {
                  cairo_move_to (cr, x, plot_y + plot_h);
                  cairo_line_to (cr, x, y);
                }
              else if (k == start)
                cairo_move_to (cr, x, y);
              else
                cairo_line_to (cr, x, y);
            }
          if (pass == 0)
            {
              cairo_line_to (cr, plot_x + plot_w * (n > 1 ? (double)(end - 1) / (n - 1) : 1), plot_y + plot_h);
              cairo_close_path (cr);
              cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.25);
              cairo_fill (cr);
            }
          else
            {
              cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 1);
              cairo_set_line_width (cr, 2);
              cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
              cairo_stroke (cr);
            }
        }
    }

  cairo_destroy (cr);
}

static void
aether_power_chart_measure (GtkWidget      *widget,
                            GtkOrientation  orientation,
                            int             for_size,
                            int            *minimum,
                            int            *natural,
                            int            *minimum_baseline,
                            int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 180;
}

/**
 * aether_power_chart_set_values:
 * @self: a chart
 * @watts: (array length=n_values): average power per bucket, oldest first;
 *   NAN where there is no data
 * @n_values: how many buckets
 * @seconds_per_value: how long each bucket is
 */
void
aether_power_chart_set_values (AetherPowerChart *self,
                               const double     *watts,
                               guint             n_values,
                               guint             seconds_per_value)
{
  g_autofree char *description = NULL;
  g_autofree char *peak = NULL;

  g_return_if_fail (AETHER_IS_POWER_CHART (self));

  g_array_set_size (self->values, 0);
  g_array_append_vals (self->values, watts, n_values);
  g_array_set_size (self->low, 0);
  g_array_set_size (self->high, 0);
  self->seconds_per_value = seconds_per_value;

  peak = format_watts (round (aether_power_chart_get_peak (self)));
  /* Translators: a chart's description for screen readers: a span of time
   * ("the last hour", "Tuesday 24 November"), then a power */
  description = g_strdup_printf (_("Power over %s, peaking at %s"), self->span ? self->span : _("the last hour"), peak);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * aether_power_chart_set_band:
 * @self: a chart
 * @low: (array length=n_values): each column's minimum
 * @high: (array length=n_values): each column's maximum
 * @n_values: as many as the values
 *
 * Shows the spread within each column behind the line. Call after
 * aether_power_chart_set_values().
 */
void
aether_power_chart_set_band (AetherPowerChart *self,
                             const double     *low,
                             const double     *high,
                             guint             n_values)
{
  g_return_if_fail (AETHER_IS_POWER_CHART (self));

  g_array_set_size (self->low, 0);
  g_array_set_size (self->high, 0);
  g_array_append_vals (self->low, low, n_values);
  g_array_append_vals (self->high, high, n_values);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * aether_power_chart_set_span:
 * @self: a chart
 * @span: the time it covers, as a person says it ("Tuesday 24 November")
 */
void
aether_power_chart_set_span (AetherPowerChart *self,
                             const char       *span)
{
  g_autofree char *label = NULL;

  g_return_if_fail (AETHER_IS_POWER_CHART (self));

  g_free (self->span);
  self->span = g_strdup (span);
  /* Translators: a chart's name for screen readers; %s is a span of time */
  label = g_strdup_printf (_("Power over %s"), span);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

GtkWidget *
aether_power_chart_new (void)
{
  return g_object_new (AETHER_TYPE_POWER_CHART, NULL);
}

static void
aether_power_chart_finalize (GObject *object)
{
  AetherPowerChart *self = AETHER_POWER_CHART (object);

  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->low, g_array_unref);
  g_clear_pointer (&self->high, g_array_unref);
  g_clear_pointer (&self->span, g_free);

  G_OBJECT_CLASS (aether_power_chart_parent_class)->finalize (object);
}

static void
aether_power_chart_class_init (AetherPowerChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = aether_power_chart_finalize;
  widget_class->snapshot = aether_power_chart_snapshot;
  widget_class->measure = aether_power_chart_measure;

  gtk_widget_class_set_css_name (widget_class, "powerchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
aether_power_chart_init (AetherPowerChart *self)
{
  self->values = g_array_new (FALSE, FALSE, sizeof (double));
  self->low = g_array_new (FALSE, FALSE, sizeof (double));
  self->high = g_array_new (FALSE, FALSE, sizeof (double));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Power over the last hour"), -1);
}
