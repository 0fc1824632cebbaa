/* aether-history-chart.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* History's chart: energy as bars (an hour, a day or a month each) stacked
 * by series (devices, rooms, and what the meter counted that no plug did),
 * exported energy below the zero line, and optionally average power as a
 * line over the same axis — a kilowatt for an hour is a kilowatt-hour, so
 * on a day's hourly bars the two share one scale. A bar without data is
 * not drawn, and the line breaks where power was not recorded: gaps look
 * like gaps, never like zero.
 *
 * One bar is "selected" under the pointer or with the arrow keys while the
 * chart has focus; its breakdown is the tooltip and the accessible
 * description, so a screen reader hears what the pointer would show. */

#define G_LOG_DOMAIN "aether-history-chart"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "aether-format.h"
#include "aether-history-chart.h"

struct _AetherHistoryChart
{
  GtkWidget  parent_instance;

  guint      n_bars;
  guint      n_series;
  GStrv      series_names;
  double    *wh;            /* n_bars × n_series, bar by bar; NAN: no data */
  double    *exported_wh;   /* n_bars, or NULL */
  GStrv      axis_labels;
  GStrv      bar_titles;
  double    *line_kw;       /* n_line points across the whole range, NAN: gap */
  guint      n_line;
  char      *span;
  int        selected;      /* -1: none */
  int        widest_label;  /* the time axis' widest label in px, -1: not measured */
  int        top_label;     /* the value axis' widest, -1: not measured */
  double     top_kwh;       /* what top_label was measured for */
};

G_DEFINE_FINAL_TYPE (AetherHistoryChart, aether_history_chart, GTK_TYPE_WIDGET)

#define LABEL_WIDTH 48
#define AXIS_HEIGHT 22
#define PAD 8

/* GNOME's palette, one hue per series; untracked is the text colour. */
static const char * const palette[] = {
  "#3584e4", "#e5a50a", "#2ec27e", "#e66100", "#9141ac",
  "#c01c28", "#986a44", "#1c71d8", "#f5c211", "#26a269",
  "#dc8add", "#865e3c",
};

static double
nice_ceiling (double peak)
{
  /* Each with a round half for the middle gridline. */
  static const double steps[] = { 1, 1.2, 1.6, 2, 3, 4, 5, 6, 8 };
  double magnitude;
  double scaled;

  if (!(peak > 0))
    return 1;
  magnitude = pow (10, floor (log10 (peak)));
  scaled = peak / magnitude;
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (scaled <= steps[i])
      return steps[i] * magnitude;
  return 10 * magnitude;
}

static gboolean
is_untracked (AetherHistoryChart *self,
              guint               series)
{
  /* The page names it last; its colour is neutral so the devices stand out. */
  return self->series_names != NULL && series + 1 == self->n_series &&
         g_str_equal (self->series_names[series], _("Untracked"));
}

/**
 * aether_history_chart_get_color:
 * @self: a chart
 * @series: a series' index
 * @color: (out): the colour its band is drawn in
 */
void
aether_history_chart_get_color (AetherHistoryChart *self,
                                guint               series,
                                GdkRGBA            *color)
{
  g_return_if_fail (AETHER_IS_HISTORY_CHART (self));

  if (is_untracked (self, series))
    {
      gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), color);
      color->alpha = 0.35;
      return;
    }
  gdk_rgba_parse (color, palette[series % G_N_ELEMENTS (palette)]);
}

static double
bar_value (AetherHistoryChart *self,
           guint               bar,
           guint               series)
{
  return self->wh[bar * self->n_series + series];
}

static gboolean
bar_has_data (AetherHistoryChart *self,
              guint               bar)
{
  for (guint s = 0; s < self->n_series; s++)
    if (!isnan (bar_value (self, bar, s)))
      return TRUE;
  return self->exported_wh != NULL && !isnan (self->exported_wh[bar]) && self->exported_wh[bar] > 0;
}

/**
 * aether_history_chart_get_bar_total:
 * @self: a chart
 * @bar: a bar
 *
 * Returns: the bar's imported energy in Wh (its stack's height), NAN
 *   without data
 */
double
aether_history_chart_get_bar_total (AetherHistoryChart *self,
                                    guint               bar)
{
  double total = 0;
  gboolean any = FALSE;

  g_return_val_if_fail (AETHER_IS_HISTORY_CHART (self), NAN);
  g_return_val_if_fail (bar < self->n_bars, NAN);

  for (guint s = 0; s < self->n_series; s++)
    if (!isnan (bar_value (self, bar, s)))
      {
        total += MAX (0, bar_value (self, bar, s));
        any = TRUE;
      }
  return any ? total : NAN;
}

guint
aether_history_chart_get_n_bars (AetherHistoryChart *self)
{
  g_return_val_if_fail (AETHER_IS_HISTORY_CHART (self), 0);

  return self->n_bars;
}

static char *
format_axis (double kwh)
{
  if (kwh == 0)
    return g_strdup ("0");
  if (kwh < 1)
    /* Translators: watt-hours on a chart axis */
    return g_strdup_printf (_("%g Wh"), round (kwh * 1000));
  /* Translators: kilowatt-hours on a chart axis */
  return g_strdup_printf (_("%g kWh"), kwh);
}

typedef struct
{
  double plot_x, plot_y, plot_w, plot_h;
  double top;     /* kWh at the top edge */
  double bottom;  /* kWh at the bottom edge (≤ 0: export below the line) */
  double label_width;
} Frame;

static void
get_frame (AetherHistoryChart *self,
           Frame              *f)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  double peak = 0, export = 0;

  for (guint b = 0; b < self->n_bars; b++)
    {
      double total = aether_history_chart_get_bar_total (self, b);

      if (!isnan (total))
        peak = MAX (peak, total / 1000);
      if (self->exported_wh != NULL && !isnan (self->exported_wh[b]))
        export = MAX (export, self->exported_wh[b] / 1000);
    }
  for (guint k = 0; k < self->n_line; k++)
    if (!isnan (self->line_kw[k]))
      peak = MAX (peak, self->line_kw[k]);

  f->top = nice_ceiling (peak);
  /* Room on the left for the widest of the axis' labels. */
  if (self->top_label < 0 || self->top_kwh != f->top)
    {
      g_autofree char *label = format_axis (f->top / 2 < 1 && f->top >= 1 ? f->top / 2 : f->top);
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), label);
      int lh;

      pango_layout_get_pixel_size (layout, &self->top_label, &lh);
      g_object_unref (layout);
      self->top_kwh = f->top;
    }
  f->label_width = MAX (LABEL_WIDTH, self->top_label + 2 * PAD);
  f->plot_x = f->label_width;
  f->plot_y = PAD;
  f->plot_w = width - f->plot_x - PAD;
  f->plot_h = height - PAD - AXIS_HEIGHT;
  /* Export gets room below zero in proportion, a quarter at the least. */
  f->bottom = export > 0 ? -MAX (nice_ceiling (export), f->top / 4) : 0;
}

static double
y_of (const Frame *f,
      double       kwh)
{
  return f->plot_y + f->plot_h * (f->top - CLAMP (kwh, f->bottom, f->top)) / (f->top - f->bottom);
}

static void
draw_label (GtkWidget *widget,
            cairo_t   *cr,
            const char *text,
            double     x,
            double     y,
            double     xalign)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, text);
  int lw, lh;

  pango_layout_get_pixel_size (layout, &lw, &lh);
  cairo_move_to (cr, x - lw * xalign, y - lh / 2.0);
  pango_cairo_show_layout (cr, layout);
  g_object_unref (layout);
}

static void
aether_history_chart_snapshot (GtkWidget   *widget,
                               GtkSnapshot *snapshot)
{
  AetherHistoryChart *self = AETHER_HISTORY_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg, accent, export_color;
  Frame f;
  double slot, bar_w;
  guint label_step = 1;
  cairo_t *cr;

  get_frame (self, &f);
  if (f.plot_w <= 0 || f.plot_h <= 0 || self->n_bars == 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "accent_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  gdk_rgba_parse (&export_color, "#33d17a");

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  slot = f.plot_w / self->n_bars;
  bar_w = MAX (1, floor (slot * (slot > 8 ? 0.72 : 0.8)));

  /* The selected bar's column, behind everything: the crosshair. */
  if (self->selected >= 0 && (guint)self->selected < self->n_bars)
    {
      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.08);
      cairo_rectangle (cr, f.plot_x + slot * self->selected, f.plot_y, slot, f.plot_h);
      cairo_fill (cr);
    }

  /* Gridlines at the top, half way and zero (and the export's floor). */
  {
    double marks[] = { f.top, f.top / 2, 0, f.bottom };

    for (guint g = 0; g < G_N_ELEMENTS (marks); g++)
      {
        g_autofree char *label = NULL;
        double y;

        if (g == 3 && f.bottom == 0)
          break;
        y = floor (y_of (&f, marks[g])) + 0.5;
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, marks[g] == 0 ? 0.35 : 0.12);
        cairo_set_line_width (cr, 1);
        cairo_move_to (cr, f.plot_x, y);
        cairo_line_to (cr, f.plot_x + f.plot_w, y);
        cairo_stroke (cr);

        label = format_axis (fabs (marks[g]));
        cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.55);
        draw_label (widget, cr, label, f.label_width - PAD, CLAMP (y, 8, height - AXIS_HEIGHT - 4), 1);
      }
  }

  /* The bars: each series stacked from zero, one path per series (the
   * selected bar apart, at full strength), export hanging below zero. */
  {
    g_autofree double *base = g_new0 (double, self->n_bars);

    for (guint s = 0; s < self->n_series; s++)
      {
        GdkRGBA color;

        aether_history_chart_get_color (self, s, &color);
        for (int pass = 0; pass < 2; pass++)
          {
            gboolean any = FALSE;

            for (guint b = 0; b < self->n_bars; b++)
              {
                double kwh = bar_value (self, b, s) / 1000;
                double x = round (f.plot_x + slot * b + (slot - bar_w) / 2);
                double y0, y1;

                /* Pass 0: every bar but the selected; pass 1: the selected.
                 * On whole pixels: cairo fills those without antialiasing. */
                if ((pass == 1) != ((int)b == self->selected) || isnan (kwh) || kwh <= 0)
                  continue;
                y0 = round (y_of (&f, base[b]));
                y1 = round (y_of (&f, base[b] + kwh));
                if (y1 >= y0)
                  continue;
                cairo_rectangle (cr, x, y1, bar_w, y0 - y1);
                any = TRUE;
              }
            if (!any)
              continue;
            cairo_set_source_rgba (cr, color.red, color.green, color.blue,
                                   color.alpha * (pass == 0 && self->selected >= 0 ? 0.75 : 1));
            cairo_fill (cr);
          }
        for (guint b = 0; b < self->n_bars; b++)
          if (!isnan (bar_value (self, b, s)) && bar_value (self, b, s) > 0)
            base[b] += bar_value (self, b, s) / 1000;
      }

    if (self->exported_wh != NULL)
      {
        for (guint b = 0; b < self->n_bars; b++)
          {
            double x = f.plot_x + slot * b + (slot - bar_w) / 2;
            double y0 = y_of (&f, 0);
            double y1;

            if (isnan (self->exported_wh[b]) || self->exported_wh[b] <= 0)
              continue;
            y1 = y_of (&f, -self->exported_wh[b] / 1000);
            cairo_rectangle (cr, x, y0, bar_w, MAX (y1 - y0, 0.5));
          }
        cairo_set_source_rgba (cr, export_color.red, export_color.green, export_color.blue, 0.85);
        cairo_fill (cr);
      }
  }

  /* Average power, where the range is short: a line broken at gaps. */
  if (self->n_line > 0)
    {
      gboolean drawing = FALSE;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.8);
      cairo_set_line_width (cr, 1.5);
      cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
      for (guint k = 0; k < self->n_line; k++)
        {
          double x = f.plot_x + f.plot_w * (k + 0.5) / self->n_line;

          if (isnan (self->line_kw[k]))
            {
              drawing = FALSE;
              continue;
            }
          if (!drawing)
            cairo_move_to (cr, x, y_of (&f, self->line_kw[k]));
          else
            cairo_line_to (cr, x, y_of (&f, self->line_kw[k]));
          drawing = TRUE;
        }
      cairo_stroke (cr);
    }

  /* The time axis: as many of the bars' labels as fit without touching. */
  if (self->axis_labels != NULL)
    {
      int widest;

      /* Measured once per set of labels: a year has 365 of them. */
      if (self->widest_label < 0)
        {
          PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);

          self->widest_label = 0;
          for (guint b = 0; b < self->n_bars; b++)
            {
              int lw, lh;

              pango_layout_set_text (layout, self->axis_labels[b], -1);
              pango_layout_get_pixel_size (layout, &lw, &lh);
              self->widest_label = MAX (self->widest_label, lw);
            }
          g_object_unref (layout);
        }
      widest = self->widest_label;
      while (label_step < self->n_bars && slot * label_step < widest + 8)
        label_step = label_step < 2 ? 2 : label_step < 3 ? 3 : label_step < 6 ? 6 : label_step * 2;

      cairo_set_source_rgba (cr, fg.red, fg.green, fg.blue, 0.6);
      for (guint b = 0; b < self->n_bars; b += label_step)
        draw_label (widget, cr, self->axis_labels[b], f.plot_x + slot * (b + 0.5), height - AXIS_HEIGHT / 2.0, 0.5);
    }

  /* The crosshair's line through the middle of the selected bar. */
  if (self->selected >= 0 && (guint)self->selected < self->n_bars)
    {
      double x = floor (f.plot_x + slot * (self->selected + 0.5)) + 0.5;

      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.9);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, x, f.plot_y);
      cairo_line_to (cr, x, f.plot_y + f.plot_h);
      cairo_stroke (cr);
    }

  /* Keyboard focus is visible, as on any focusable widget. */
  if (gtk_widget_has_visible_focus (widget))
    {
      cairo_set_source_rgba (cr, accent.red, accent.green, accent.blue, 0.6);
      cairo_set_line_width (cr, 2);
      cairo_rectangle (cr, 1, 1, width - 2, height - 2);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);
}

/**
 * aether_history_chart_describe_bar:
 * @self: a chart
 * @bar: a bar
 *
 * Returns: (transfer full): the bar's title and what each series used in it,
 *   one per line, as the tooltip shows it
 */
char *
aether_history_chart_describe_bar (AetherHistoryChart *self,
                                   guint               bar)
{
  GString *text;
  double total;

  g_return_val_if_fail (AETHER_IS_HISTORY_CHART (self), NULL);
  g_return_val_if_fail (bar < self->n_bars, NULL);

  text = g_string_new (self->bar_titles ? self->bar_titles[bar] : "");
  total = aether_history_chart_get_bar_total (self, bar);
  if (!bar_has_data (self, bar))
    {
      g_string_append_c (text, '\n');
      g_string_append (text, _("No data recorded"));
      return g_string_free (text, FALSE);
    }
  {
    g_autofree char *energy = aether_format_energy (total);

    /* Translators: a bar's total in the chart's tooltip */
    g_string_append_printf (text, "\n%s", energy);
  }
  for (int s = self->n_series - 1; s >= 0; s--)
    {
      double wh = bar_value (self, bar, s);
      g_autofree char *energy = NULL;

      if (isnan (wh) || wh <= 0)
        continue;
      energy = aether_format_energy (wh);
      /* Translators: a series and its energy in a chart's tooltip */
      g_string_append_printf (text, _("\n%s: %s"), self->series_names[s], energy);
    }
  if (self->exported_wh != NULL && !isnan (self->exported_wh[bar]) && self->exported_wh[bar] > 0)
    {
      g_autofree char *energy = aether_format_energy (self->exported_wh[bar]);

      /* Translators: energy sent to the grid, in a chart's tooltip */
      g_string_append_printf (text, _("\nExported: %s"), energy);
    }
  return g_string_free (text, FALSE);
}

static void
update_description (AetherHistoryChart *self)
{
  g_autofree char *description = NULL;

  if (self->selected >= 0 && (guint)self->selected < self->n_bars)
    description = aether_history_chart_describe_bar (self, self->selected);
  else
    /* Translators: how to explore the chart, for screen readers */
    description = g_strdup (_("Use the left and right arrow keys to read each bar"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

int
aether_history_chart_get_selected (AetherHistoryChart *self)
{
  g_return_val_if_fail (AETHER_IS_HISTORY_CHART (self), -1);

  return self->selected;
}

/**
 * aether_history_chart_select:
 * @self: a chart
 * @bar: a bar, or -1 for none
 *
 * Moves the crosshair (as the pointer or the arrow keys do).
 */
void
aether_history_chart_select (AetherHistoryChart *self,
                             int                 bar)
{
  g_return_if_fail (AETHER_IS_HISTORY_CHART (self));

  bar = bar < 0 || self->n_bars == 0 ? -1 : MIN (bar, (int)self->n_bars - 1);
  if (bar == self->selected)
    return;
  self->selected = bar;
  update_description (self);
  gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static int
bar_at (AetherHistoryChart *self,
        double              x)
{
  Frame f;

  get_frame (self, &f);
  if (self->n_bars == 0 || f.plot_w <= 0 || x < f.plot_x || x >= f.plot_x + f.plot_w)
    return -1;
  return (int)((x - f.plot_x) / (f.plot_w / self->n_bars));
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           AetherHistoryChart       *self)
{
  aether_history_chart_select (self, bar_at (self, x));
}

static void
on_leave (GtkEventControllerMotion *motion,
          AetherHistoryChart       *self)
{
  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    aether_history_chart_select (self, -1);
}

static gboolean
on_key_pressed (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                AetherHistoryChart    *self)
{
  int last = (int)self->n_bars - 1;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      aether_history_chart_select (self, self->selected < 0 ? last : MAX (self->selected - 1, 0));
      return TRUE;
    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      aether_history_chart_select (self, self->selected < 0 ? 0 : MIN (self->selected + 1, last));
      return TRUE;
    case GDK_KEY_Home:
      aether_history_chart_select (self, 0);
      return TRUE;
    case GDK_KEY_End:
      aether_history_chart_select (self, last);
      return TRUE;
    case GDK_KEY_Escape:
      if (self->selected < 0)
        return FALSE;
      aether_history_chart_select (self, -1);
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
aether_history_chart_query_tooltip (GtkWidget  *widget,
                                    int         x,
                                    int         y,
                                    gboolean    keyboard_mode,
                                    GtkTooltip *tooltip)
{
  AetherHistoryChart *self = AETHER_HISTORY_CHART (widget);
  int bar = keyboard_mode ? self->selected : bar_at (self, x);
  g_autofree char *text = NULL;

  if (bar < 0 || (guint)bar >= self->n_bars)
    return FALSE;
  text = aether_history_chart_describe_bar (self, bar);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* Text measured for one font is wrong for another. */
static void
on_font_changed (AetherHistoryChart *self)
{
  self->widest_label = -1;
  self->top_label = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_focus_changed (AetherHistoryChart *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
aether_history_chart_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 200 : 160;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 640 : 240;
}

/**
 * aether_history_chart_set_bars:
 * @self: a chart
 * @n_bars: how many bars
 * @n_series: how many series each is stacked from
 * @series_names: (array length=n_series): their names (the last may be
 *   "Untracked", drawn in a neutral colour)
 * @wh: (array): @n_bars × @n_series energies in Wh, bar by bar; NAN where
 *   a series has no data
 * @exported_wh: (array length=n_bars) (nullable): energy exported per bar
 * @axis_labels: (array length=n_bars): each bar's label on the time axis
 * @bar_titles: (array length=n_bars): each bar's time, as the tooltip says it
 */
void
aether_history_chart_set_bars (AetherHistoryChart *self,
                               guint               n_bars,
                               guint               n_series,
                               const char * const *series_names,
                               const double       *wh,
                               const double       *exported_wh,
                               const char * const *axis_labels,
                               const char * const *bar_titles)
{
  g_return_if_fail (AETHER_IS_HISTORY_CHART (self));
  g_return_if_fail (n_bars == 0 || wh != NULL || n_series == 0);

  self->n_bars = n_bars;
  self->n_series = n_series;
  g_clear_pointer (&self->series_names, g_strfreev);
  g_clear_pointer (&self->axis_labels, g_strfreev);
  g_clear_pointer (&self->bar_titles, g_strfreev);
  g_clear_pointer (&self->wh, g_free);
  g_clear_pointer (&self->exported_wh, g_free);
  self->series_names = g_new0 (char *, n_series + 1);
  for (guint s = 0; s < n_series; s++)
    self->series_names[s] = g_strdup (series_names[s]);
  self->wh = g_memdup2 (wh, sizeof (double) * n_bars * MAX (n_series, 1));
  if (exported_wh != NULL)
    self->exported_wh = g_memdup2 (exported_wh, sizeof (double) * n_bars);
  self->axis_labels = g_new0 (char *, n_bars + 1);
  self->bar_titles = g_new0 (char *, n_bars + 1);
  for (guint b = 0; b < n_bars; b++)
    {
      self->axis_labels[b] = g_strdup (axis_labels[b]);
      self->bar_titles[b] = g_strdup (bar_titles[b]);
    }
  if (self->selected >= (int)n_bars)
    self->selected = -1;
  self->widest_label = -1;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * aether_history_chart_set_line:
 * @self: a chart
 * @kw: (array length=n_points) (nullable): average power in kW across the
 *   whole range, NAN where nothing was recorded; %NULL for no line
 * @n_points: how many
 */
void
aether_history_chart_set_line (AetherHistoryChart *self,
                               const double       *kw,
                               guint               n_points)
{
  g_return_if_fail (AETHER_IS_HISTORY_CHART (self));

  g_clear_pointer (&self->line_kw, g_free);
  self->n_line = kw != NULL ? n_points : 0;
  if (kw != NULL)
    self->line_kw = g_memdup2 (kw, sizeof (double) * n_points);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * aether_history_chart_set_span:
 * @self: a chart
 * @span: the time it covers, as a person says it
 */
void
aether_history_chart_set_span (AetherHistoryChart *self,
                               const char         *span)
{
  g_autofree char *label = NULL;

  g_return_if_fail (AETHER_IS_HISTORY_CHART (self));

  g_free (self->span);
  self->span = g_strdup (span);
  /* Translators: the chart's name for screen readers; %s is a span of time */
  label = g_strdup_printf (_("Energy over %s"), span);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
}

GtkWidget *
aether_history_chart_new (void)
{
  return g_object_new (AETHER_TYPE_HISTORY_CHART, NULL);
}

static void
aether_history_chart_finalize (GObject *object)
{
  AetherHistoryChart *self = AETHER_HISTORY_CHART (object);

  g_clear_pointer (&self->series_names, g_strfreev);
  g_clear_pointer (&self->axis_labels, g_strfreev);
  g_clear_pointer (&self->bar_titles, g_strfreev);
  g_clear_pointer (&self->wh, g_free);
  g_clear_pointer (&self->exported_wh, g_free);
  g_clear_pointer (&self->line_kw, g_free);
  g_clear_pointer (&self->span, g_free);

  G_OBJECT_CLASS (aether_history_chart_parent_class)->finalize (object);
}

static void
aether_history_chart_class_init (AetherHistoryChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = aether_history_chart_finalize;
  widget_class->snapshot = aether_history_chart_snapshot;
  widget_class->measure = aether_history_chart_measure;
  widget_class->query_tooltip = aether_history_chart_query_tooltip;

  gtk_widget_class_set_css_name (widget_class, "historychart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
aether_history_chart_init (AetherHistoryChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->selected = -1;
  self->widest_label = -1;
  self->top_label = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_focus_changed), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  g_signal_connect_object (gtk_settings_get_default (), "notify::gtk-font-name", G_CALLBACK (on_font_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (gtk_settings_get_default (), "notify::gtk-xft-dpi", G_CALLBACK (on_font_changed), self,
                           G_CONNECT_SWAPPED);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Energy"), -1);
  update_description (self);
}
