/* aether-rate-grid.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The week of a season being edited, painted: seven rows of 24 hours, each
 * hour the colour of its period. A drag paints the rectangle of days and
 * hours between where it started and where the pointer is with the
 * selected period (the brush); the arrow keys move a focus cell and Space
 * or Enter paints it, Shift with an arrow paints as it moves. The grid
 * edits the season's quarter-hour slots in place (an imported schedule
 * may change period on a quarter hour: such an hour is drawn in stripes)
 * and says `changed` after every stroke; hours no period covers are
 * hatched in the error colour, the gaps the validator names beside it. */

#define G_LOG_DOMAIN "aether-rate-grid"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "aether-rate-grid.h"
#include "aether-week-grid.h"

#define LABEL_WIDTH   40
#define HEADER_HEIGHT 18
#define QUARTERS      4

struct _AetherRateGrid
{
  GtkWidget  parent_instance;

  /* Borrowed: the season's slots */
  guint8    *slots;

  guint      brush;
  guint      focus_day;
  guint      focus_hour;

  /* A drag in progress */
  guint8    *before;
  guint      start_day;
  guint      start_hour;
  double     start_x;
  double     start_y;

  char    *(*describe) (guint day, guint hour, gpointer data);
  gpointer   describe_data;
};

G_DEFINE_FINAL_TYPE (AetherRateGrid, aether_rate_grid, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
cell_size (AetherRateGrid *self,
           double         *w,
           double         *h)
{
  *w = (double)(gtk_widget_get_width (GTK_WIDGET (self)) - LABEL_WIDTH) / 24;
  *h = (double)(gtk_widget_get_height (GTK_WIDGET (self)) - HEADER_HEIGHT) / 7;
}

static gboolean
cell_at (AetherRateGrid *self,
         double          x,
         double          y,
         guint          *day,
         guint          *hour)
{
  double w, h;

  cell_size (self, &w, &h);
  if (w <= 0 || h <= 0)
    return FALSE;
  *hour = (guint)CLAMP ((x - LABEL_WIDTH) / w, 0, 23);
  *day = (guint)CLAMP ((y - HEADER_HEIGHT) / h, 0, 6);
  return TRUE;
}

/**
 * aether_rate_grid_get_cell_center:
 * @self: a grid
 * @day: 0 for Monday … 6 for Sunday
 * @hour: 0 … 23
 * @x: (out): the cell's middle, in the grid's coordinates
 * @y: (out): the cell's middle
 */
void
aether_rate_grid_get_cell_center (AetherRateGrid *self,
                                  guint           day,
                                  guint           hour,
                                  double         *x,
                                  double         *y)
{
  double w, h;

  g_return_if_fail (AETHER_IS_RATE_GRID (self));

  cell_size (self, &w, &h);
  *x = LABEL_WIDTH + (hour + 0.5) * w;
  *y = HEADER_HEIGHT + (day + 0.5) * h;
}

static void
update_description (AetherRateGrid *self)
{
  g_autofree char *text = NULL;

  if (self->describe == NULL)
    return;
  text = self->describe (self->focus_day, self->focus_hour, self->describe_data);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text, -1);
}

static void
aether_rate_grid_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  AetherRateGrid *self = AETHER_RATE_GRID (widget);
  GdkRGBA fg, gap;
  double cw, ch;

  cell_size (self, &cw, &ch);
  if (cw <= 0 || ch <= 0)
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  gdk_rgba_parse (&gap, "#e01b24");

  for (guint d = 0; d < 7; d++)
    for (guint h = 0; h < 24; h++)
      {
        graphene_rect_t cell = GRAPHENE_RECT_INIT (LABEL_WIDTH + h * cw + 1, HEADER_HEIGHT + d * ch + 1, cw - 2, ch - 2);

        const guint8 *quarters = self->slots ? &self->slots[d * AETHER_RATE_GRID_SLOTS_PER_DAY + h * QUARTERS] : NULL;
        /* An hour of one period is one block; stripes only where a
         * schedule changes period within the hour. */
        guint parts = quarters == NULL ||
                      (quarters[1] == quarters[0] && quarters[2] == quarters[0] && quarters[3] == quarters[0]) ? 1 : QUARTERS;

        for (guint q = 0; q < parts; q++)
          {
            guint8 period = quarters ? quarters[q] : AETHER_RATE_GRID_NONE;
            graphene_rect_t part = GRAPHENE_RECT_INIT (cell.origin.x + q * cell.size.width / parts, cell.origin.y,
                                                       cell.size.width / parts, cell.size.height);
            GdkRGBA color;

            if (period == AETHER_RATE_GRID_NONE)
              {
                /* A gap: a faint red wash with a stripe, so it reads in
                 * light and dark alike and without colour vision. */
                color = gap;
                color.alpha = 0.18f;
                gtk_snapshot_append_color (snapshot, &color, &part);
                color.alpha = 0.8f;
                gtk_snapshot_append_color (snapshot, &color,
                                           &GRAPHENE_RECT_INIT (part.origin.x, part.origin.y + part.size.height / 2 - 1,
                                                                part.size.width, 2));
                continue;
              }
            aether_week_grid_get_palette_color (period, &color);
            gtk_snapshot_append_color (snapshot, &color, &part);
          }
      }

  if (gtk_widget_has_focus (widget))
    {
      GskRoundedRect outline;
      float border[4] = { 2, 2, 2, 2 };
      GdkRGBA colors[4] = { fg, fg, fg, fg };

      gsk_rounded_rect_init_from_rect (&outline,
                                       &GRAPHENE_RECT_INIT (LABEL_WIDTH + self->focus_hour * cw - 1,
                                                            HEADER_HEIGHT + self->focus_day * ch - 1, cw + 2, ch + 2), 2);
      gtk_snapshot_append_border (snapshot, &outline, border, colors);
    }

  aether_week_grid_append_labels (widget, snapshot, LABEL_WIDTH, HEADER_HEIGHT, cw, ch);
}

static void
aether_rate_grid_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  /* Ten pixels an hour still take a finger's drag at 360 px. */
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? LABEL_WIDTH + 24 * 10 : HEADER_HEIGHT + 7 * 24;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? LABEL_WIDTH + 24 * 26 : HEADER_HEIGHT + 7 * 30;
}

static void
paint_rect (AetherRateGrid *self,
            guint           day0,
            guint           hour0,
            guint           day1,
            guint           hour1)
{
  for (guint d = MIN (day0, day1); d <= MAX (day0, day1); d++)
    for (guint h = MIN (hour0, hour1); h <= MAX (hour0, hour1); h++)
      for (guint q = 0; q < QUARTERS; q++)
        self->slots[d * AETHER_RATE_GRID_SLOTS_PER_DAY + h * QUARTERS + q] = (guint8)self->brush;
}

/**
 * aether_rate_grid_paint:
 * @self: a grid
 * @day0: the first corner's day (0 = Monday)
 * @hour0: its hour
 * @day1: the other corner's day
 * @hour1: its hour
 *
 * Paints the rectangle between two cells with the brush, as a drag does.
 */
void
aether_rate_grid_paint (AetherRateGrid *self,
                        guint           day0,
                        guint           hour0,
                        guint           day1,
                        guint           hour1)
{
  g_return_if_fail (AETHER_IS_RATE_GRID (self));
  g_return_if_fail (day0 < 7 && day1 < 7 && hour0 < 24 && hour1 < 24);

  if (self->slots == NULL)
    return;
  paint_rect (self, day0, hour0, day1, hour1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  update_description (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_drag_begin (GtkGestureDrag *gesture,
               double          x,
               double          y,
               AetherRateGrid *self)
{
  if (self->slots == NULL || !cell_at (self, x, y, &self->start_day, &self->start_hour))
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self));
  self->start_x = x;
  self->start_y = y;
  g_free (self->before);
  self->before = g_memdup2 (self->slots, AETHER_RATE_GRID_N_SLOTS);
  self->focus_day = self->start_day;
  self->focus_hour = self->start_hour;
  aether_rate_grid_paint (self, self->start_day, self->start_hour, self->start_day, self->start_hour);
}

static void
on_drag_update (GtkGestureDrag *gesture,
                double          dx,
                double          dy,
                AetherRateGrid *self)
{
  guint day, hour;

  if (self->before == NULL || !cell_at (self, self->start_x + dx, self->start_y + dy, &day, &hour))
    return;

  /* The rectangle follows the pointer: what it left is as it was. */
  memcpy (self->slots, self->before, AETHER_RATE_GRID_N_SLOTS);
  self->focus_day = day;
  self->focus_hour = hour;
  aether_rate_grid_paint (self, self->start_day, self->start_hour, day, hour);
}

static void
on_drag_end (GtkGestureDrag *gesture,
             double          dx,
             double          dy,
             AetherRateGrid *self)
{
  g_clear_pointer (&self->before, g_free);
}

static gboolean
on_key_pressed (GtkEventControllerKey *controller,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                AetherRateGrid        *self)
{
  int day = self->focus_day, hour = self->focus_hour;

  switch (keyval)
    {
    case GDK_KEY_Left: case GDK_KEY_KP_Left: hour--; break;
    case GDK_KEY_Right: case GDK_KEY_KP_Right: hour++; break;
    case GDK_KEY_Up: case GDK_KEY_KP_Up: day--; break;
    case GDK_KEY_Down: case GDK_KEY_KP_Down: day++; break;
    case GDK_KEY_Home: hour = 0; break;
    case GDK_KEY_End: hour = 23; break;
    case GDK_KEY_space: case GDK_KEY_Return: case GDK_KEY_KP_Enter: case GDK_KEY_KP_Space:
      aether_rate_grid_paint (self, day, hour, day, hour);
      return TRUE;
    default:
      return FALSE;
    }

  if (day < 0 || day > 6 || hour < 0 || hour > 23)
    return FALSE;   /* let focus move on */
  self->focus_day = day;
  self->focus_hour = hour;
  if (state & GDK_SHIFT_MASK)
    aether_rate_grid_paint (self, day, hour, day, hour);
  else
    update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

void
aether_rate_grid_set_slots (AetherRateGrid *self,
                            guint8         *slots)
{
  g_return_if_fail (AETHER_IS_RATE_GRID (self));

  self->slots = slots;
  g_clear_pointer (&self->before, g_free);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/**
 * aether_rate_grid_set_brush:
 * @self: a grid
 * @period: the period index strokes paint, or %AETHER_RATE_GRID_NONE to clear
 */
void
aether_rate_grid_set_brush (AetherRateGrid *self,
                            guint           period)
{
  g_return_if_fail (AETHER_IS_RATE_GRID (self));

  self->brush = MIN (period, AETHER_RATE_GRID_NONE);
}

guint
aether_rate_grid_get_brush (AetherRateGrid *self)
{
  g_return_val_if_fail (AETHER_IS_RATE_GRID (self), AETHER_RATE_GRID_NONE);

  return self->brush;
}

void
aether_rate_grid_set_focus_cell (AetherRateGrid *self,
                                 guint           day,
                                 guint           hour)
{
  g_return_if_fail (AETHER_IS_RATE_GRID (self));
  g_return_if_fail (day < 7 && hour < 24);

  self->focus_day = day;
  self->focus_hour = hour;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
aether_rate_grid_get_focus_cell (AetherRateGrid *self,
                                 guint          *day,
                                 guint          *hour)
{
  g_return_if_fail (AETHER_IS_RATE_GRID (self));

  *day = self->focus_day;
  *hour = self->focus_hour;
}

/**
 * aether_rate_grid_set_describe_func:
 * @self: a grid
 * @describe: says what the focus cell is, for a screen reader
 * @data: its data
 */
void
aether_rate_grid_set_describe_func (AetherRateGrid *self,
                                    char         *(*describe) (guint day, guint hour, gpointer data),
                                    gpointer        data)
{
  g_return_if_fail (AETHER_IS_RATE_GRID (self));

  self->describe = describe;
  self->describe_data = data;
  update_description (self);
}

GtkWidget *
aether_rate_grid_new (void)
{
  return g_object_new (AETHER_TYPE_RATE_GRID, NULL);
}

static void
aether_rate_grid_finalize (GObject *object)
{
  g_clear_pointer (&AETHER_RATE_GRID (object)->before, g_free);

  G_OBJECT_CLASS (aether_rate_grid_parent_class)->finalize (object);
}

static void
aether_rate_grid_class_init (AetherRateGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = aether_rate_grid_finalize;
  widget_class->snapshot = aether_rate_grid_snapshot;
  widget_class->measure = aether_rate_grid_measure;

  /**
   * AetherRateGrid::changed:
   *
   * A stroke painted some hours.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);

  gtk_widget_class_set_css_name (widget_class, "rategrid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
aether_rate_grid_init (AetherRateGrid *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  self->brush = 0;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_focus_on_click (GTK_WIDGET (self), TRUE);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Hours of the week: drag, or move with the arrow keys and press Space, to give hours "
                                    "to the selected period"), -1);
}
