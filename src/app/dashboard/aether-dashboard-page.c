/* aether-dashboard-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Dashboard: the home's power now, today's energy and cost, the rate in
 * force and when it changes, the last hour as a chart, and the devices
 * using most. Everything comes from the hot tier (memory, never the
 * database) and is refreshed every two seconds while the page is shown.
 *
 * What "the home" is comes from AetherHome (src/core/model/aether-home.h):
 * the energy meters when there are any, else the sum of the devices. The
 * caption under "Now" says which, since the plugs listed beside it are then
 * not part of the figure. The registry is read once per change of devices
 * (aether_dashboard_page_reload()), never on the two-second tick.
 *
 * On first readings the home figure waits until every device it sums has
 * reported (or is known to be offline): a partial sum would disagree with
 * the devices listed under "Using Most Now". */

#define G_LOG_DOMAIN "aether-dashboard-page"

#include "config.h"

#include <glib/gi18n.h>
#include <langinfo.h>
#include <math.h>
#include <string.h>

#include "aether-dashboard-page.h"
#include "aether-figure.h"
#include "aether-format.h"
#include "aether-share-row.h"
#include "aether-power-chart.h"

/* Devices report every ten seconds or so; each refresh that changes a
 * figure lays the window out again (on X11 a dozen round trips), so the
 * page looks every five seconds, not every two. */
#define REFRESH_SECONDS   5
#define CHART_BUCKETS     60
#define BUCKET_SECONDS    60
#define TOP_DEVICES       5
/* A reading older than this is not "now". */
#define STALE_US          (5 * 60 * G_USEC_PER_SEC)

struct _AetherDashboardPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkStack            *stack;
  GtkWidget           *now_value;
  GtkLabel            *now_caption;
  GtkWidget           *today_value;
  GtkLabel            *today_caption;
  GtkLabel            *rate_value;
  GtkLabel            *rate_caption;
  GtkLabel            *cheapest_caption;
  AetherPowerChart    *chart;
  AdwPreferencesGroup *top_group;
  AdwActionRow        *bill_row;
  GtkLabel            *bill_value;
  GtkLabel            *projection_value;
  AdwActionRow        *yesterday_row;
  GtkLabel            *yesterday_value;
  AdwPreferencesGroup *standby_group;
  AdwPreferencesGroup *cycle_group;
  GtkBox              *sections;
  GtkWidget           *cards;
  AdwPreferencesGroup *chart_group;

  /* Owned */
  AetherService       *service;
  AetherHome          *home;        /* the registry, read when devices change */
  GPtrArray           *devices;     /* AetherDevice, the registry, in order */
  GSettings           *interface;   /* GNOME's clock format, when installed */
  GPtrArray           *top_rows;    /* owned by top_group */
  guint                refresh_id;
  gulong               restored_id;
  /* The store's figures (cycle, yesterday, always-on), read on a thread */
  GCancellable        *insights_cancellable;
  GPtrArray           *standby_rows;     /* AdwActionRow, owned by standby_group */
  GHashTable          *standby_texts;    /* device id ("" the home) → char * power, cost */
  gint64               insights_read_us; /* monotonic; 0 never */
  guint                insights_loading : 1;
  gulong               user_changed_id;
};

G_DEFINE_FINAL_TYPE (AetherDashboardPage, aether_dashboard_page, ADW_TYPE_BIN)

static gint64
now_us (AetherDashboardPage *self)
{
  /* The service's clock, which tests drive by hand. */
  return aether_clock_now_us (aether_store_get_clock (aether_service_get_store (self->service)));
}

static gboolean
current_power (AetherDashboardPage *self,
               const char          *device_id,
               gint64               now,
               double              *watts)
{
  gint64 time_us = 0;

  return aether_hot_tier_get_current (aether_service_get_hot_tier (self->service), device_id, "power", watts,
                                      &time_us) &&
         now - time_us < STALE_US;
}

/* A device that has not reported since the service started, and is not
 * known to be offline: its first reading is still to come. */
static gboolean
is_waiting (AetherDashboardPage *self,
            const char          *device_id,
            gint64               now)
{
  AetherHotTier *hot = aether_service_get_hot_tier (self->service);
  gboolean online = FALSE;
  double watts;

  if (current_power (self, device_id, now, &watts))
    return FALSE;
  return !aether_hot_tier_get_device_status (hot, device_id, &online, NULL, NULL) || online;
}

/* A time of day as the person reads clocks: GNOME's clock format when the
 * desktop has one, else the locale's. */
static char *
format_time_of_day (AetherDashboardPage *self,
                    GDateTime           *time)
{
  gboolean twelve_hour;

  if (self->interface != NULL)
    {
      g_autofree char *format = g_settings_get_string (self->interface, "clock-format");

      twelve_hour = g_strcmp0 (format, "12h") == 0;
    }
  else
    {
      const char *t_fmt = nl_langinfo (T_FMT);

      twelve_hour = strstr (t_fmt, "%p") != NULL || strstr (t_fmt, "%r") != NULL || strstr (t_fmt, "%I") != NULL;
    }

  /* Translators: a time of day on a 12-hour clock, see g_date_time_format() */
  return g_date_time_format (time, twelve_hour ? _("%-l:%M %p") : _("%H:%M"));
}

/* The last hour in minute buckets: each device's average in each minute,
 * carried forward over minutes it was not read in, summed over devices. */
static void
update_chart (AetherDashboardPage *self,
              GPtrArray           *members,
              gint64               now)
{
  double total[CHART_BUCKETS];
  gboolean any[CHART_BUCKETS] = { FALSE };
  gint64 start_us = now - (gint64)CHART_BUCKETS * BUCKET_SECONDS * G_USEC_PER_SEC;

  for (guint b = 0; b < CHART_BUCKETS; b++)
    total[b] = 0;

  for (guint i = 0; i < members->len; i++)
    {
      g_autoptr(GArray) points = aether_hot_tier_get_last_hour (aether_service_get_hot_tier (self->service),
                                                                g_ptr_array_index (members, i), "power");
      double sum[CHART_BUCKETS] = { 0 };
      guint count[CHART_BUCKETS] = { 0 };
      double last = NAN;

      for (guint p = 0; points != NULL && p < points->len; p++)
        {
          AetherHotPoint *point = &g_array_index (points, AetherHotPoint, p);
          gint64 b = (point->time_us - start_us) / (BUCKET_SECONDS * G_USEC_PER_SEC);

          if (b >= 0 && b < CHART_BUCKETS && isfinite (point->value))
            {
              sum[b] += point->value;
              count[b]++;
            }
        }

      for (guint b = 0; b < CHART_BUCKETS; b++)
        {
          if (count[b] > 0)
            last = sum[b] / count[b];
          if (!isnan (last))
            {
              total[b] += last;
              any[b] = TRUE;
            }
        }
    }

  for (guint b = 0; b < CHART_BUCKETS; b++)
    if (!any[b])
      total[b] = NAN;
  aether_power_chart_set_values (self->chart, total, CHART_BUCKETS, BUCKET_SECONDS);
}

typedef struct
{
  AetherDevice *device;
  double        watts;
} Using;

static int
compare_using (gconstpointer a,
               gconstpointer b)
{
  const Using *x = a;
  const Using *y = b;

  return x->watts < y->watts ? 1 : x->watts > y->watts ? -1 : 0;
}

static void
update_top (AetherDashboardPage *self,
            gint64               now)
{
  g_autoptr(GArray) using = g_array_new (FALSE, FALSE, sizeof (Using));
  g_autofree char *waiting_text = NULL;
  double most = 0;
  guint waiting = 0;

  /* Appliances, not the meters that see them all. */
  for (guint i = 0; i < self->devices->len; i++)
    {
      Using u = { g_ptr_array_index (self->devices, i), 0 };
      const char *id = aether_device_get_id (u.device);

      if (aether_device_get_is_energy_meter (u.device))
        continue;
      if (current_power (self, id, now, &u.watts))
        {
          if (u.watts >= 0.5)
            g_array_append_val (using, u);
        }
      else if (is_waiting (self, id, now))
        waiting++;
    }
  g_array_sort (using, compare_using);
  if (using->len > 0)
    most = g_array_index (using, Using, 0).watts;

  /* "Nothing is drawing power" only once every device could say so. */
  if (waiting > 0)
    waiting_text = g_strdup_printf (ngettext ("%u device has not reported yet.",
                                              "%u devices have not reported yet.", waiting), waiting);
  {
    const char *description = waiting_text ? waiting_text :
                              using->len == 0 ? _("Nothing is drawing power right now.") : NULL;
    const char *shown = adw_preferences_group_get_description (self->top_group);

    /* The group gives "" for no description: setting NULL again would lay
     * the window out again every refresh. */
    if (g_strcmp0 (shown ? shown : "", description ? description : "") != 0)
      adw_preferences_group_set_description (self->top_group, description);
  }

  /* The rows stay and show new figures; only a change in how many there
   * are adds or removes one. */
  while (self->top_rows->len > MIN (using->len, TOP_DEVICES))
    {
      adw_preferences_group_remove (self->top_group, g_ptr_array_index (self->top_rows, self->top_rows->len - 1));
      g_ptr_array_set_size (self->top_rows, self->top_rows->len - 1);
    }

  for (guint i = 0; i < MIN (using->len, TOP_DEVICES); i++)
    {
      Using *u = &g_array_index (using, Using, i);
      g_autofree char *power = aether_format_power (u->watts);
      const char *name = aether_device_get_name (u->device);
      const char *room = aether_device_get_location_room (u->device);
      double share = most > 0 ? u->watts / most : 0;

      if (i < self->top_rows->len)
        aether_share_row_update (g_ptr_array_index (self->top_rows, i), name, room, share, power);
      else
        {
          GtkWidget *row = aether_share_row_new (name, room, share, power, 72);

          adw_preferences_group_add (self->top_group, row);
          g_ptr_array_add (self->top_rows, row);
        }
    }
}

/* A dynamic tariff's cheapest hour among the prices known for the next
 * day: when to run the dishwasher. Hidden for fixed tariffs, whose
 * periods the caption above already names. */
static void
update_cheapest (AetherDashboardPage *self)
{
  AetherTariff *tariff = aether_service_get_tariff (self->service);
  gint64 now_s = now_us (self) / G_USEC_PER_SEC;
  AetherRateSchedule *schedule = tariff ? aether_tariff_schedule_at (tariff, now_s) : NULL;
  gint64 start_s = 0;
  double average = 0;

  if (schedule == NULL || !aether_rate_schedule_is_dynamic (schedule) ||
      !aether_tariff_cheapest_ahead (tariff, now_s, 24 * 3600, 3600, &start_s, &average))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->cheapest_caption), FALSE);
      return;
    }

  {
    g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (start_s);
    g_autoptr(GDateTime) end = g_date_time_add_hours (start, 1);
    g_autofree char *from = format_time_of_day (self, start);
    g_autofree char *to = format_time_of_day (self, end);
    g_autofree char *money = aether_format_money_precise (average, aether_service_get_currency (self->service), 5);
    /* Translators: the cheapest hour among the prices known ahead, e.g.
     * "Cheapest hour ahead: 13:00–14:00 at −£0.02/kWh" */
    g_autofree char *text = g_strdup_printf (_("Cheapest hour ahead: %s–%s at %s/kWh"), from, to, money);

    gtk_label_set_text (self->cheapest_caption, text);
    gtk_widget_set_visible (GTK_WIDGET (self->cheapest_caption), TRUE);
  }
}

static void
update_rate (AetherDashboardPage *self)
{
  double rate = 0;
  gint64 next_us = 0;
  const char *period = aether_hot_tier_get_rate_period (aether_service_get_hot_tier (self->service), &rate, &next_us);
  const char *currency = aether_service_get_currency (self->service);

  if (period == NULL)
    {
      gtk_label_set_text (self->rate_value, _("Not Set"));
      gtk_label_set_text (self->rate_caption, _("Enter your tariff on the Rates page to see costs."));
      return;
    }

  {
    g_autofree char *money = aether_format_money_precise (rate, currency, 5);
    /* Translators: a price per kilowatt-hour, e.g. "$0.32/kWh" */
    g_autofree char *value = g_strdup_printf (_("%s/kWh"), money);
    g_autofree char *caption = NULL;
    g_autofree char *pretty = aether_format_key (period);

    gtk_label_set_text (self->rate_value, value);
    if (next_us > 0)
      {
        g_autoptr(GDateTime) next = g_date_time_new_from_unix_local (next_us / G_USEC_PER_SEC);
        g_autofree char *clock = format_time_of_day (self, next);

        /* Translators: a rate period's name, then the time it ends */
        caption = g_strdup_printf (_("%s until %s"), pretty, clock);
      }
    else
      caption = g_strdup (pretty);
    gtk_label_set_text (self->rate_caption, caption);
  }
}

/* What the figure under "Now" is made of, in words. */
static char *
now_caption (AetherDashboardPage *self,
             GPtrArray           *members,
             guint                n_now,
             guint                n_waiting)
{
  g_autofree char *sum = NULL;
  guint n_offline = members->len - n_now - n_waiting;

  /* The devices listed below may have reported already: say whose
   * reading the home figure waits for. */
  if (n_waiting > 0 && aether_home_is_metered (self->home))
    return members->len == 1 ? g_strdup (_("Waiting for the mains meter"))
                             : g_strdup_printf (ngettext ("Waiting for %u mains meter",
                                                          "Waiting for %u mains meters", n_waiting), n_waiting);
  if (n_waiting > 0)
    {
      if (n_now == 0 && n_waiting == members->len)
        return g_strdup (_("Waiting for the first readings"));
      return g_strdup_printf (ngettext ("Waiting for %u device", "Waiting for %u devices", n_waiting), n_waiting);
    }
  if (n_now == 0)
    return g_strdup (aether_home_is_metered (self->home) ? _("The mains meter is offline") : _("Every device is offline"));

  if (aether_home_is_metered (self->home))
    sum = members->len == 1 ? g_strdup (_("Mains meter"))
                            : g_strdup_printf (ngettext ("Sum of %u mains meter", "Sum of %u mains meters", n_now), n_now);
  else
    sum = g_strdup_printf (ngettext ("Sum of %u device", "Sum of %u devices", n_now), n_now);

  if (n_offline == 0)
    return g_steal_pointer (&sum);
  {
    g_autofree char *offline = g_strdup_printf (ngettext ("%u offline", "%u offline", n_offline), n_offline);

    /* Translators: what the home figure sums, then how many are left out, e.g. "Sum of 11 devices, 1 offline" */
    return g_strdup_printf (_("%s, %s"), sum, offline);
  }
}



/* ---- The layout: the person's `dashboard_layout.widgets` ----------------- */

/* The seed's widget types and ours, each naming a section of the page. The
 * three cards are one section: any of their types places it. */
static const struct
{
  const char *type;
  guint       section;
} widget_types[] = {
  { "current_consumption", 0 },
  { "daily_cost",          0 },
  { "rate",                0 },
  { "power_chart",         1 },
  { "device_list",         2 },
  { "month_cost",          3 },
  { "standby",             4 },
};
#define N_SECTIONS 5
static const char * const section_types[N_SECTIONS] = {
  "current_consumption", "power_chart", "device_list", "month_cost", "standby",
};

static GtkWidget *
section_widget (AetherDashboardPage *self,
                guint                section)
{
  switch (section)
    {
    case 0: return self->cards;
    case 1: return GTK_WIDGET (self->chart_group);
    case 2: return GTK_WIDGET (self->top_group);
    case 3: return GTK_WIDGET (self->cycle_group);
    default: return GTK_WIDGET (self->standby_group);
    }
}

static gboolean
section_of_type (const char *type,
                 guint      *section)
{
  for (guint i = 0; i < G_N_ELEMENTS (widget_types); i++)
    if (g_str_equal (widget_types[i].type, type))
      {
        *section = widget_types[i].section;
        return TRUE;
      }
  return FALSE;
}

/* The sections shown, in order: the person's layout, else all of them. */
static GArray *
current_order (AetherDashboardPage *self)
{
  GArray *order = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(AetherUser) user = self->service ? aether_service_dup_user (self->service) : NULL;
  g_auto(GStrv) types = user ? aether_user_dup_dashboard_widgets (user) : NULL;
  gboolean placed[N_SECTIONS] = { FALSE };

  for (guint i = 0; types != NULL && types[i] != NULL; i++)
    {
      guint section;

      if (section_of_type (types[i], &section) && !placed[section])
        {
          placed[section] = TRUE;
          g_array_append_val (order, section);
        }
    }
  if (order->len == 0)
    for (guint section = 0; section < N_SECTIONS; section++)
      g_array_append_val (order, section);
  return order;
}

static void
apply_layout (AetherDashboardPage *self)
{
  g_autoptr(GArray) order = current_order (self);
  GtkWidget *previous = NULL;

  for (guint section = 0; section < N_SECTIONS; section++)
    gtk_widget_set_visible (section_widget (self, section), FALSE);
  for (guint i = 0; i < order->len; i++)
    {
      GtkWidget *widget = section_widget (self, g_array_index (order, guint, i));

      gtk_widget_set_visible (widget, TRUE);
      gtk_box_reorder_child_after (self->sections, widget, previous);
      previous = widget;
    }
}

/**
 * aether_dashboard_page_move_widget:
 * @self: the page
 * @type: a widget type (`device_list`, `power_chart`, …)
 * @delta: -1 up, 1 down
 * @error: a location for a #GError
 *
 * Moves a section of the Dashboard and stores the layout in the person's
 * preferences, through the service (which keeps the User record).
 *
 * Returns: %TRUE if the layout was stored
 */
gboolean
aether_dashboard_page_move_widget (AetherDashboardPage  *self,
                                   const char           *type,
                                   int                   delta,
                                   GError              **error)
{
  g_autoptr(GArray) order = NULL;
  g_autoptr(AetherUser) user = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) types = NULL;
  guint section, at = G_MAXUINT;

  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), FALSE);
  g_return_val_if_fail (self->service != NULL, FALSE);

  if (!section_of_type (type, &section))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT, _("The Dashboard has no “%s”"), type);
      return FALSE;
    }
  order = current_order (self);
  for (guint i = 0; i < order->len; i++)
    if (g_array_index (order, guint, i) == section)
      at = i;
  if (at == G_MAXUINT || (int)at + delta < 0 || (int)at + delta >= (int)order->len)
    return TRUE;
  g_array_index (order, guint, at) = g_array_index (order, guint, at + delta);
  g_array_index (order, guint, at + delta) = section;

  for (guint i = 0; i < order->len; i++)
    {
      guint s = g_array_index (order, guint, i);

      if (s == 0)
        {
          g_strv_builder_add (builder, "current_consumption");
          g_strv_builder_add (builder, "daily_cost");
          g_strv_builder_add (builder, "rate");
        }
      else
        g_strv_builder_add (builder, section_types[s]);
    }
  types = g_strv_builder_end (builder);
  user = aether_service_dup_user (self->service);
  aether_user_set_dashboard_widgets (user, (const char * const *)types);
  /* The service applies it and says user-changed: the page follows. */
  return aether_service_update_user (self->service, user, error);
}

/**
 * aether_dashboard_page_dup_layout:
 * @self: the page
 *
 * Returns: (transfer full): the types of the sections shown, in order
 */
GStrv
aether_dashboard_page_dup_layout (AetherDashboardPage *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sections)); child;
       child = gtk_widget_get_next_sibling (child))
    for (guint section = 0; section < N_SECTIONS; section++)
      if (child == section_widget (self, section) && gtk_widget_get_visible (child))
        g_strv_builder_add (builder, section_types[section]);
  return g_strv_builder_end (builder);
}

static void
on_move_clicked (GtkButton           *button,
                 AetherDashboardPage *self)
{
  g_autoptr(GError) error = NULL;
  const char *type = g_object_get_data (G_OBJECT (button), "widget-type");
  int delta = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "delta"));

  if (!aether_dashboard_page_move_widget (self, type, delta, &error))
    g_warning ("Could not store the Dashboard's layout: %s", error->message);
}

/* Up and down buttons in a group's header. */
static void
add_move_buttons (AetherDashboardPage *self,
                  AdwPreferencesGroup *group,
                  const char          *type)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

  gtk_widget_add_css_class (box, "linked");
  for (int delta = -1; delta <= 1; delta += 2)
    {
      GtkWidget *button = gtk_button_new_from_icon_name (delta < 0 ? "go-up-symbolic" : "go-down-symbolic");
      const char *tip = delta < 0 ? _("Move Up") : _("Move Down");

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (button, tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip, -1);
      g_object_set_data (G_OBJECT (button), "widget-type", (gpointer)type);
      g_object_set_data (G_OBJECT (button), "delta", GINT_TO_POINTER (delta));
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_move_clicked), self, 0);
      gtk_box_append (GTK_BOX (box), button);
    }
  adw_preferences_group_set_header_suffix (group, box);
}

/* ---- The store's figures, off the main loop ------------------------------ */

#define INSIGHTS_SECONDS 60

typedef struct
{
  char   *device_id;     /* NULL: the home */
  double  watts;
  double  yearly_cost;
} StandbyFigure;

static void
standby_figure_free (StandbyFigure *f)
{
  g_free (f->device_id);
  g_free (f);
}

typedef struct
{
  AetherStore          *store;
  GPtrArray            *device_ids;   /* char *, every device */
  GPtrArray            *member_ids;   /* char *, NULL-terminated */
  GDateTime            *now;
  /* Results */
  gboolean              have_projection;
  AetherCostProjection  projection;
  double                today_wh, today_cost;
  double                yesterday_wh, yesterday_cost;
  GPtrArray            *standby;      /* StandbyFigure */
} Insights;

static void
insights_free (Insights *in)
{
  g_clear_object (&in->store);
  g_clear_pointer (&in->device_ids, g_ptr_array_unref);
  g_clear_pointer (&in->member_ids, g_ptr_array_unref);
  g_clear_pointer (&in->now, g_date_time_unref);
  g_clear_pointer (&in->standby, g_ptr_array_unref);
  g_free (in);
}

static void
sum_totals (GPtrArray *totals,
            double    *wh,
            double    *cost)
{
  *wh = *cost = 0;
  for (guint i = 0; totals != NULL && i < totals->len; i++)
    {
      AetherEnergyTotal *t = g_ptr_array_index (totals, i);

      *wh += t->energy_wh;
      *cost += t->cost;
    }
}

static gboolean
standby_of (GArray *columns,
            double *watts)
{
  g_autofree double *means = NULL;
  g_autofree guint64 *counts = NULL;

  if (columns == NULL)
    return FALSE;
  means = g_new0 (double, columns->len + 1);
  counts = g_new0 (guint64, columns->len + 1);
  for (guint i = 0; i < columns->len; i++)
    {
      AetherBucket *b = &g_array_index (columns, AetherBucket, i);

      means[i] = b->avg;
      counts[i] = b->count;
    }
  return aether_standby_lowest (means, counts, columns->len, watts);
}

static void
insights_in_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  Insights *in = task_data;
  g_autoptr(AetherStore) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) today = NULL;
  g_autoptr(GDateTime) yesterday = NULL;
  g_autoptr(GDateTime) yesterday_now = NULL;
  g_autoptr(GPtrArray) totals = NULL;
  const char * const *members = (const char * const *)in->member_ids->pdata;
  gint64 now_s = g_date_time_to_unix (in->now);
  gint64 to_s = now_s - now_s % AETHER_STANDBY_WINDOW_S;
  gint64 from_s = to_s - (gint64)AETHER_STANDBY_DAYS * 86400;
  guint points = (guint)((to_s - from_s) / AETHER_STANDBY_WINDOW_S);
  double week_wh = 0, week_cost = 0, watts;

  if (!(reader = aether_store_open_reader (in->store, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* The month so far and its projection: the service's rule. */
  in->have_projection = aether_service_project_cost (reader, members, in->now, &in->projection, NULL);

  /* Today against the same time yesterday. */
  today = g_date_time_new (g_date_time_get_timezone (in->now), g_date_time_get_year (in->now),
                           g_date_time_get_month (in->now), g_date_time_get_day_of_month (in->now), 0, 0, 0);
  yesterday = g_date_time_add_days (today, -1);
  yesterday_now = g_date_time_add_days (in->now, -1);
  totals = aether_store_energy_totals_for_devices (reader, members, g_date_time_to_unix (today) * G_USEC_PER_SEC,
                                                   now_s * G_USEC_PER_SEC, NULL);
  sum_totals (totals, &in->today_wh, &in->today_cost);
  g_clear_pointer (&totals, g_ptr_array_unref);
  totals = aether_store_energy_totals_for_devices (reader, members, g_date_time_to_unix (yesterday) * G_USEC_PER_SEC,
                                                   g_date_time_to_unix (yesterday_now) * G_USEC_PER_SEC, NULL);
  sum_totals (totals, &in->yesterday_wh, &in->yesterday_cost);
  g_clear_pointer (&totals, g_ptr_array_unref);

  /* Always on: the home, then each device, at the week's average price. */
  totals = aether_store_energy_totals_for_devices (reader, members, from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, NULL);
  sum_totals (totals, &week_wh, &week_cost);
  in->standby = g_ptr_array_new_with_free_func ((GDestroyNotify)standby_figure_free);
  {
    g_autoptr(GArray) columns = aether_store_query_devices (reader, members, "power", from_s * G_USEC_PER_SEC,
                                                            to_s * G_USEC_PER_SEC, points, NULL, NULL);

    if (standby_of (columns, &watts))
      {
        StandbyFigure *f = g_new0 (StandbyFigure, 1);

        f->watts = watts;
        f->yearly_cost = aether_standby_yearly_cost (watts, week_wh, week_cost);
        g_ptr_array_add (in->standby, f);
      }
  }
  for (guint i = 0; i < in->device_ids->len; i++)
    {
      const char *id = g_ptr_array_index (in->device_ids, i);
      g_autoptr(GArray) columns = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      columns = aether_store_query (reader, id, "power", from_s * G_USEC_PER_SEC, to_s * G_USEC_PER_SEC, points, -1,
                                    NULL, NULL);
      if (standby_of (columns, &watts))
        {
          StandbyFigure *f = g_new0 (StandbyFigure, 1);

          f->device_id = g_strdup (id);
          f->watts = watts;
          f->yearly_cost = aether_standby_yearly_cost (watts, week_wh, week_cost);
          g_ptr_array_add (in->standby, f);
        }
    }

  g_task_return_boolean (task, TRUE);
}

static const char *
device_name (AetherDashboardPage *self,
             const char          *device_id)
{
  for (guint i = 0; i < self->devices->len; i++)
    {
      AetherDevice *d = g_ptr_array_index (self->devices, i);

      if (g_strcmp0 (aether_device_get_id (d), device_id) == 0)
        return aether_device_get_name (d);
    }
  return device_id;
}

static int
compare_standby (gconstpointer a,
                 gconstpointer b)
{
  const StandbyFigure *x = *(const StandbyFigure * const *)a;
  const StandbyFigure *y = *(const StandbyFigure * const *)b;

  /* The home first, then the largest. */
  if ((x->device_id == NULL) != (y->device_id == NULL))
    return x->device_id == NULL ? -1 : 1;
  return (x->watts < y->watts) - (x->watts > y->watts);
}

static void
show_insights (AetherDashboardPage *self,
               Insights            *in)
{
  const char *currency = aether_service_get_currency (self->service);

  if (in->have_projection)
    {
      g_autofree char *so_far = aether_format_money (in->projection.so_far, currency);
      g_autofree char *projected = aether_format_money (in->projection.projected, currency);
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (in->projection.cycle_start_s);
      g_autofree char *day = g_date_time_format (start, "%-d %B");
      /* Translators: the start of the billing month, e.g. "Since 1 December" */
      g_autofree char *since = g_strdup_printf (_("Since %s"), g_strstrip (day));

      gtk_label_set_text (self->bill_value, so_far);
      adw_action_row_set_subtitle (self->bill_row, since);
      gtk_label_set_text (self->projection_value, projected);
    }

  {
    g_autofree char *today = aether_format_energy (in->today_wh);
    g_autofree char *then = aether_format_energy (in->yesterday_wh);
    g_autofree char *diff = aether_format_energy (fabs (in->today_wh - in->yesterday_wh));
    g_autofree char *caption = NULL;
    g_autofree char *value = NULL;

    if (in->yesterday_wh <= 0)
      caption = g_strdup (_("Nothing stored for yesterday"));
    else if (in->today_wh >= in->yesterday_wh)
      /* Translators: today's energy so far against yesterday's by the same time */
      caption = g_strdup_printf (_("%s more than the %s used by this time yesterday"), diff, then);
    else
      caption = g_strdup_printf (_("%s less than the %s used by this time yesterday"), diff, then);
    value = g_strdup (today);
    gtk_label_set_text (self->yesterday_value, value);
    adw_action_row_set_subtitle (self->yesterday_row, caption);
  }

  /* The always-on rows, rebuilt. */
  for (guint i = 0; i < self->standby_rows->len; i++)
    adw_preferences_group_remove (self->standby_group, g_ptr_array_index (self->standby_rows, i));
  g_ptr_array_set_size (self->standby_rows, 0);
  g_hash_table_remove_all (self->standby_texts);
  g_ptr_array_sort (in->standby, compare_standby);
  for (guint i = 0; i < in->standby->len; i++)
    {
      StandbyFigure *f = g_ptr_array_index (in->standby, i);
      g_autofree char *power = aether_format_small_power (f->watts);
      g_autofree char *money = aether_format_money (f->yearly_cost, currency);
      /* Translators: what an always-on load costs over a year */
      g_autofree char *per_year = g_strdup_printf (_("%s a year"), money);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *label = gtk_label_new (power);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                     f->device_id ? device_name (self, f->device_id) : _("The whole home"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), per_year);
      gtk_widget_add_css_class (label, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      adw_preferences_group_add (self->standby_group, row);
      g_ptr_array_add (self->standby_rows, row);
      g_hash_table_insert (self->standby_texts, g_strdup (f->device_id ? f->device_id : ""),
                           g_strdup_printf ("%s\x1f%s", power, per_year));
    }
}

static void
on_insights (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  AetherDashboardPage *self = AETHER_DASHBOARD_PAGE (object);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->insights_loading = FALSE;
          g_debug ("Could not read the month's figures: %s", error->message);
        }
      return;
    }
  self->insights_loading = FALSE;
  self->insights_read_us = g_get_monotonic_time ();
  show_insights (self, g_task_get_task_data (G_TASK (result)));
}

static void
read_insights (AetherDashboardPage *self)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *members = aether_home_get_members (self->home);
  Insights *in;

  g_cancellable_cancel (self->insights_cancellable);
  g_clear_object (&self->insights_cancellable);
  self->insights_cancellable = g_cancellable_new ();

  in = g_new0 (Insights, 1);
  in->store = g_object_ref (aether_service_get_store (self->service));
  in->now = aether_clock_now_local (aether_store_get_clock (in->store), NULL);
  in->device_ids = g_ptr_array_new_with_free_func (g_free);
  /* Each appliance; a meter is the whole home's row. */
  for (guint i = 0; i < self->devices->len; i++)
    if (!aether_device_get_is_energy_meter (g_ptr_array_index (self->devices, i)))
      g_ptr_array_add (in->device_ids, g_strdup (aether_device_get_id (g_ptr_array_index (self->devices, i))));
  in->member_ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < members->len; i++)
    g_ptr_array_add (in->member_ids, g_strdup (g_ptr_array_index (members, i)));
  g_ptr_array_add (in->member_ids, NULL);

  self->insights_loading = TRUE;
  task = g_task_new (self, self->insights_cancellable, on_insights, NULL);
  g_task_set_task_data (task, in, (GDestroyNotify)insights_free);
  g_task_run_in_thread (task, insights_in_thread);
}

static gboolean
refresh (gpointer user_data)
{
  AetherDashboardPage *self = user_data;
  AetherHotTier *hot = aether_service_get_hot_tier (self->service);
  GPtrArray *members = aether_home_get_members (self->home);
  gint64 now = now_us (self);
  double now_w = 0, today_wh = 0, today_cost = 0;
  guint n_now = 0, n_waiting = 0;
  /* Without a tariff the hot tier's costs are zeros, not prices. */
  gboolean priced = aether_hot_tier_get_rate_period (hot, NULL, NULL) != NULL;
  gboolean restoring = aether_hot_tier_is_restoring (hot);

  for (guint i = 0; i < members->len; i++)
    {
      const char *id = g_ptr_array_index (members, i);
      double watts, wh = 0, cost = NAN;

      if (current_power (self, id, now, &watts))
        {
          now_w += watts;
          n_now++;
        }
      else if (is_waiting (self, id, now))
        n_waiting++;
      if (aether_hot_tier_get_today (hot, id, &wh, &cost))
        {
          today_wh += wh;
          if (!isnan (cost))
            today_cost += cost;
        }
    }

  {
    g_autofree char *power = aether_format_power (now_w);
    g_autofree char *energy = aether_format_energy (today_wh);
    g_autofree char *caption = now_caption (self, members, n_now, n_waiting);

    aether_figure_set_text (self->now_value, n_now > 0 && n_waiting == 0 ? power : "—");
    gtk_label_set_text (self->now_caption, caption);

    /* Until the store is read back, today's figure would start from zero. */
    aether_figure_set_text (self->today_value, restoring ? "—" : energy);
    if (restoring)
      gtk_label_set_text (self->today_caption, _("Reading today’s total…"));
    else if (priced)
      {
        g_autofree char *money = aether_format_money (today_cost, aether_service_get_currency (self->service));
        /* Translators: the cost of today's energy so far */
        g_autofree char *so_far = g_strdup_printf (_("%s so far"), money);

        gtk_label_set_text (self->today_caption, so_far);
      }
    else
      gtk_label_set_text (self->today_caption, _("Costs appear once a tariff is set"));
  }

  update_rate (self);
  update_cheapest (self);
  update_chart (self, members, now);
  update_top (self, now);

  /* The store's figures change by the minute: read again once a minute. */
  if (!self->insights_loading &&
      (self->insights_read_us == 0 || g_get_monotonic_time () - self->insights_read_us >= INSIGHTS_SECONDS * G_USEC_PER_SEC))
    read_insights (self);

  return G_SOURCE_CONTINUE;
}

static void
start_refreshing (AetherDashboardPage *self)
{
  if (self->refresh_id != 0 || self->service == NULL || self->home == NULL || self->devices->len == 0)
    return;
  refresh (self);
  self->refresh_id = g_timeout_add_seconds (REFRESH_SECONDS, refresh, self);
}

static void
stop_refreshing (AetherDashboardPage *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
}

/**
 * aether_dashboard_page_reload:
 * @self: the page
 *
 * Reads the registry again, after devices were added or removed.
 */
void
aether_dashboard_page_reload (AetherDashboardPage *self)
{
  g_autoptr(GPtrArray) devices = NULL;

  g_return_if_fail (AETHER_IS_DASHBOARD_PAGE (self));

  g_ptr_array_set_size (self->devices, 0);
  g_clear_pointer (&self->home, aether_home_unref);
  if (self->service != NULL && (devices = aether_service_list_device_objects (self->service, NULL)))
    {
      g_autoptr(GPtrArray) records = aether_device_list_to_json (devices);

      self->home = aether_home_new (records);
      for (guint i = 0; i < devices->len; i++)
        g_ptr_array_add (self->devices, g_object_ref (g_ptr_array_index (devices, i)));
    }

  gtk_stack_set_visible_child_name (self->stack, self->devices->len > 0 ? "live" : "empty");
  apply_layout (self);
  stop_refreshing (self);
  g_cancellable_cancel (self->insights_cancellable);
  g_clear_object (&self->insights_cancellable);
  self->insights_loading = FALSE;
  self->insights_read_us = 0;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_refreshing (self);
}

/**
 * aether_dashboard_page_refresh:
 * @self: the page
 *
 * Shows the latest readings now rather than at the next tick.
 */
void
aether_dashboard_page_refresh (AetherDashboardPage *self)
{
  g_return_if_fail (AETHER_IS_DASHBOARD_PAGE (self));

  if (self->service != NULL && self->home != NULL && self->devices->len > 0)
    refresh (self);
}

/**
 * aether_dashboard_page_set_service:
 * @self: the page
 * @service: (nullable): the running service
 */
void
aether_dashboard_page_set_service (AetherDashboardPage *self,
                                   AetherService       *service)
{
  g_return_if_fail (AETHER_IS_DASHBOARD_PAGE (self));

  if (self->service != NULL)
    {
      g_clear_signal_handler (&self->restored_id, aether_service_get_hot_tier (self->service));
      g_clear_signal_handler (&self->user_changed_id, self->service);
    }
  g_set_object (&self->service, service);
  /* The layout is the person's: it follows their User record. */
  if (service != NULL)
    self->user_changed_id = g_signal_connect_object (service, "user-changed", G_CALLBACK (apply_layout), self,
                                                     G_CONNECT_SWAPPED);
  /* Today's figure as soon as the store was read back, not at the next tick. */
  if (service != NULL)
    self->restored_id = g_signal_connect_object (aether_service_get_hot_tier (service), "restored",
                                                 G_CALLBACK (aether_dashboard_page_refresh), self,
                                                 G_CONNECT_SWAPPED);
  aether_dashboard_page_reload (self);
}

guint
aether_dashboard_page_get_n_top_rows (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), 0);

  return self->top_rows->len;
}

const char *
aether_dashboard_page_get_now_text (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return aether_figure_get_text (self->now_value);
}

/* For tests: what a person reads on the page. */
const char *
aether_dashboard_page_get_now_caption (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return gtk_label_get_text (self->now_caption);
}

const char *
aether_dashboard_page_get_today_text (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return aether_figure_get_text (self->today_value);
}

const char *
aether_dashboard_page_get_today_caption (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return gtk_label_get_text (self->today_caption);
}

const char *
aether_dashboard_page_get_top_description (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return adw_preferences_group_get_description (self->top_group);
}

const char *
aether_dashboard_page_get_rate_caption (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return gtk_label_get_text (self->rate_caption);
}

/**
 * aether_dashboard_page_get_cheapest_caption:
 * @self: a dashboard page
 *
 * Returns: (nullable): the cheapest hour ahead as shown, %NULL when hidden
 */
const char *
aether_dashboard_page_get_cheapest_caption (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->cheapest_caption)))
    return NULL;
  return gtk_label_get_text (self->cheapest_caption);
}

static void
aether_dashboard_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (aether_dashboard_page_parent_class)->map (widget);
  start_refreshing (AETHER_DASHBOARD_PAGE (widget));
}

static void
aether_dashboard_page_unmap (GtkWidget *widget)
{
  stop_refreshing (AETHER_DASHBOARD_PAGE (widget));
  GTK_WIDGET_CLASS (aether_dashboard_page_parent_class)->unmap (widget);
}

static void
aether_dashboard_page_dispose (GObject *object)
{
  AetherDashboardPage *self = (AetherDashboardPage *)object;

  stop_refreshing (self);
  g_cancellable_cancel (self->insights_cancellable);
  g_clear_object (&self->insights_cancellable);
  if (self->service != NULL)
    {
      g_clear_signal_handler (&self->restored_id, aether_service_get_hot_tier (self->service));
      g_clear_signal_handler (&self->user_changed_id, self->service);
    }
  g_clear_object (&self->service);
  g_clear_object (&self->interface);
  g_clear_pointer (&self->home, aether_home_unref);

  G_OBJECT_CLASS (aether_dashboard_page_parent_class)->dispose (object);
}

static void
aether_dashboard_page_finalize (GObject *object)
{
  AetherDashboardPage *self = (AetherDashboardPage *)object;

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->top_rows, g_ptr_array_unref);
  g_clear_pointer (&self->standby_rows, g_ptr_array_unref);
  g_clear_pointer (&self->standby_texts, g_hash_table_unref);

  G_OBJECT_CLASS (aether_dashboard_page_parent_class)->finalize (object);
}

static void
aether_dashboard_page_class_init (AetherDashboardPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_dashboard_page_dispose;
  object_class->finalize = aether_dashboard_page_finalize;
  widget_class->map = aether_dashboard_page_map;
  widget_class->unmap = aether_dashboard_page_unmap;

  g_type_ensure (AETHER_TYPE_POWER_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/dashboard/aether-dashboard-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, now_value);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, now_caption);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, today_value);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, today_caption);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, rate_value);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, rate_caption);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, cheapest_caption);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, chart);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, top_group);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, bill_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, bill_value);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, projection_value);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, yesterday_row);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, yesterday_value);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, standby_group);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, sections);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, cards);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, chart_group);
  gtk_widget_class_bind_template_child (widget_class, AetherDashboardPage, cycle_group);
}

static void
aether_dashboard_page_init (AetherDashboardPage *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  self->devices = g_ptr_array_new_with_free_func (g_object_unref);
  self->top_rows = g_ptr_array_new ();
  self->standby_rows = g_ptr_array_new ();
  self->standby_texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  if (source != NULL &&
      (schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE)) != NULL &&
      g_settings_schema_has_key (schema, "clock-format"))
    self->interface = g_settings_new ("org.gnome.desktop.interface");

  gtk_widget_init_template (GTK_WIDGET (self));

  add_move_buttons (self, self->chart_group, "power_chart");
  add_move_buttons (self, self->top_group, "device_list");
  add_move_buttons (self, self->cycle_group, "month_cost");
  add_move_buttons (self, self->standby_group, "standby");
}

/* For tests: the store's figures as shown. */
gboolean
aether_dashboard_page_is_reading_store (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), FALSE);

  return self->insights_loading;
}

/**
 * aether_dashboard_page_read_store:
 * @self: the page
 *
 * Reads the month, yesterday and the always-on loads again now (they are
 * otherwise read once a minute while the page is shown).
 */
void
aether_dashboard_page_read_store (AetherDashboardPage *self)
{
  g_return_if_fail (AETHER_IS_DASHBOARD_PAGE (self));

  if (self->service != NULL && self->home != NULL && self->devices->len > 0)
    read_insights (self);
}

const char *
aether_dashboard_page_get_bill_text (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return gtk_label_get_text (self->bill_value);
}

const char *
aether_dashboard_page_get_projection_text (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return gtk_label_get_text (self->projection_value);
}

const char *
aether_dashboard_page_get_yesterday_text (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return gtk_label_get_text (self->yesterday_value);
}

const char *
aether_dashboard_page_get_yesterday_caption (AetherDashboardPage *self)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return adw_action_row_get_subtitle (self->yesterday_row);
}

/**
 * aether_dashboard_page_get_standby_text:
 * @self: the page
 * @device_id: (nullable): a device, or %NULL for the whole home
 *
 * Returns: (nullable): its always-on power and yearly cost as shown,
 *   separated by U+001F, or %NULL when it is not shown
 */
const char *
aether_dashboard_page_get_standby_text (AetherDashboardPage *self,
                                        const char          *device_id)
{
  g_return_val_if_fail (AETHER_IS_DASHBOARD_PAGE (self), NULL);

  return g_hash_table_lookup (self->standby_texts, device_id ? device_id : "");
}
