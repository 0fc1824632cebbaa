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
  GtkLabel            *now_value;
  GtkLabel            *now_caption;
  GtkLabel            *today_value;
  GtkLabel            *today_caption;
  GtkLabel            *rate_value;
  GtkLabel            *rate_caption;
  GtkLabel            *cheapest_caption;
  AetherPowerChart    *chart;
  AdwPreferencesGroup *top_group;

  /* Owned */
  AetherService       *service;
  AetherHome          *home;        /* the registry, read when devices change */
  GPtrArray           *devices;     /* JsonObject, the registry, in order */
  GSettings           *interface;   /* GNOME's clock format, when installed */
  GPtrArray           *top_rows;    /* owned by top_group */
  guint                refresh_id;
  gulong               restored_id;
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
  JsonObject *device;
  double      watts;
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
      const char *id = json_object_get_string_member (u.device, "device_id");

      if (aether_device_is_energy_meter (u.device))
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

    if (g_strcmp0 (adw_preferences_group_get_description (self->top_group), description) != 0)
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
      const char *name = json_object_get_string_member (u->device, "name");
      const char *room = aether_device_get_room (u->device);
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

    gtk_label_set_text (self->now_value, n_now > 0 && n_waiting == 0 ? power : "—");
    gtk_label_set_text (self->now_caption, caption);

    /* Until the store is read back, today's figure would start from zero. */
    gtk_label_set_text (self->today_value, restoring ? "—" : energy);
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
  if (self->service != NULL && (devices = aether_store_list_devices (aether_service_get_store (self->service), NULL)))
    {
      self->home = aether_home_new (devices);
      for (guint i = 0; i < devices->len; i++)
        g_ptr_array_add (self->devices, json_object_ref (json_node_get_object (g_ptr_array_index (devices, i))));
    }

  gtk_stack_set_visible_child_name (self->stack, self->devices->len > 0 ? "live" : "empty");
  stop_refreshing (self);
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
    g_clear_signal_handler (&self->restored_id, aether_service_get_hot_tier (self->service));
  g_set_object (&self->service, service);
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

  return gtk_label_get_text (self->now_value);
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

  return gtk_label_get_text (self->today_value);
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
  if (self->service != NULL)
    g_clear_signal_handler (&self->restored_id, aether_service_get_hot_tier (self->service));
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
}

static void
aether_dashboard_page_init (AetherDashboardPage *self)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  self->top_rows = g_ptr_array_new ();

  if (source != NULL &&
      (schema = g_settings_schema_source_lookup (source, "org.gnome.desktop.interface", TRUE)) != NULL &&
      g_settings_schema_has_key (schema, "clock-format"))
    self->interface = g_settings_new ("org.gnome.desktop.interface");

  gtk_widget_init_template (GTK_WIDGET (self));
}
