/* aether-history-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* History: a day, week, month or year of the whole home, a room or one
 * device, from the stored energy tiers. Energy is drawn as bars (hours of a
 * day, days of a week or month, months of a year) stacked by device or by
 * room; each bar is the store's energy total for its own span
 * (aether_store_energy_series_for_devices()), so the bars add up to the
 * period's total and to `db energy` by construction. A day also shows
 * average power as a line, from the power series. With a mains meter, the
 * whole home is the meter (the home rule, aether-home.h) and what it
 * counted beyond the plugs is its own band, "Untracked". Export (a meter
 * that feeds the grid) hangs below the zero line and is totalled apart.
 *
 * Beside the chart: the period against the one before and the same one a
 * year earlier, and its cost split by the tariff's rate periods — the
 * tariff engine says which period each instant lies in, the store's stored
 * cost says what it cost, so the split adds up to the total.
 *
 * Every read runs in a GTask thread on a read-only connection of its own,
 * so the window never waits for SQLite; a newer request cancels the one
 * before. */

#define G_LOG_DOMAIN "aether-history-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "aether-format.h"
#include "aether-share-row.h"
#include "aether-history-chart.h"
#include "aether-history-page.h"
#include "store/aether-store-energy-series.h"

#define LINE_POINTS 96   /* a day's power: a point every quarter hour */
#define MAX_SERIES  9    /* more than this many bands merge into "Other" */

typedef struct
{
  char *group_by;   /* NULL: the whole home */
  char *key;
} Subject;

/* What the page shows, kept for the tooltip, the CSV and the tests. */
typedef struct
{
  char   *name;
  double  wh;
  double  cost;
} Band;

struct _AetherHistoryPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkWidget           *toolbar;
  GtkStack            *stack;
  AdwStatusPage       *empty_status;
  GtkMenuButton       *date_button;
  GtkLabel            *range_label;
  GtkCalendar         *calendar;
  AdwComboRow         *subject_row;
  GtkLabel            *total_value;
  GtkLabel            *total_caption;
  GtkLabel            *compare_previous;
  GtkLabel            *compare_year;
  GtkLabel            *exported_label;
  AdwPreferencesGroup *chart_group;
  AetherHistoryChart  *chart;
  GtkFlowBox          *legend;
  char                *legend_key;  /* what the legend shows */
  GtkToggleButton     *by_device_button;
  GtkToggleButton     *by_room_button;
  AdwPreferencesGroup *periods_group;
  AdwPreferencesGroup *breakdown_group;

  /* Owned */
  AetherService       *service;
  GPtrArray           *devices;     /* JsonObject */
  AetherHome          *home;        /* the home rule over those devices */
  GCancellable        *reload_cancellable;
  GCancellable        *update_cancellable;
  GCancellable        *details_cancellable; /* comparisons and rate periods */
  GArray              *subjects;    /* Subject, in the dropdown's order */
  GPtrArray           *rows;        /* owned by breakdown_group */
  GPtrArray           *period_rows; /* owned by periods_group */
  char                *range;       /* day, week, month, year */
  GDateTime           *anchor;      /* local midnight of a day in the range */
  gboolean             has_data;
  gboolean             by_room;
  guint                refresh_id;  /* while shown: the current period grows */

  /* What is shown: bars × bands, as drawn */
  GArray              *edges;       /* gint64 µs, n_bars + 1 */
  GArray              *bands;       /* Band: names and the period's totals */
  GArray              *bar_wh;      /* double, n_bars × n_bands */
  GArray              *bar_cost;    /* double, n_bars */
  GArray              *bar_exported;/* double, n_bars */
  GArray              *periods;     /* Band: energy and cost per rate period */
  double               total_wh;
  double               total_cost;
  double               untracked_wh;
  double               exported_wh;
  gint64               drawn_at_us; /* when the answer was shown */
};

G_DEFINE_FINAL_TYPE (AetherHistoryPage, aether_history_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_RANGE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
subject_clear (gpointer data)
{
  Subject *subject = data;

  g_free (subject->group_by);
  g_free (subject->key);
}

static void
band_clear (gpointer data)
{
  g_free (((Band *)data)->name);
}

static GDateTime *
add_range (const char *range,
           GDateTime  *time,
           int         n)
{
  if (g_str_equal (range, "week"))
    return g_date_time_add_weeks (time, n);
  if (g_str_equal (range, "month"))
    return g_date_time_add_months (time, n);
  if (g_str_equal (range, "year"))
    return g_date_time_add_years (time, n);
  return g_date_time_add_days (time, n);
}

/* The range around the anchor, in local time: [from, to). */
static void
get_range (AetherHistoryPage  *self,
           GDateTime         **from,
           GDateTime         **to)
{
  int y, m, d;

  g_date_time_get_ymd (self->anchor, &y, &m, &d);
  if (g_str_equal (self->range, "week"))
    {
      g_autoptr(GDateTime) day = g_date_time_new_local (y, m, d, 0, 0, 0);

      *from = g_date_time_add_days (day, 1 - g_date_time_get_day_of_week (day));
    }
  else if (g_str_equal (self->range, "month"))
    *from = g_date_time_new_local (y, m, 1, 0, 0, 0);
  else if (g_str_equal (self->range, "year"))
    *from = g_date_time_new_local (y, 1, 1, 0, 0, 0);
  else
    *from = g_date_time_new_local (y, m, d, 0, 0, 0);
  *to = add_range (self->range, *from, 1);
}

/* A bar's step: an hour of a day, a day of a week or month, a month of a
 * year. Hours are added in absolute time (a fall-back day has 25), days
 * and months in local time (midnight stays midnight). */
static GDateTime *
next_edge (const char *range,
           GDateTime  *edge)
{
  if (g_str_equal (range, "year"))
    return g_date_time_add_months (edge, 1);
  if (g_str_equal (range, "day"))
    return g_date_time_add_hours (edge, 1);
  return g_date_time_add_days (edge, 1);
}

static char *
describe_range (const char *range,
                GDateTime  *from,
                GDateTime  *to)
{
  g_autoptr(GDateTime) last = g_date_time_add_days (to, -1);

  if (g_str_equal (range, "week"))
    {
      /* Translators: the first day of a week, in strftime format */
      g_autofree char *a = g_date_time_format (from, _("%-d %b"));
      /* Translators: the last day of a week, in strftime format */
      g_autofree char *b = g_date_time_format (last, _("%-d %b %Y"));

      /* Translators: a week, from its first to its last day */
      return g_strdup_printf (_("%s – %s"), a, b);
    }
  if (g_str_equal (range, "month"))
    /* Translators: a month, in strftime format */
    return g_date_time_format (from, _("%B %Y"));
  if (g_str_equal (range, "year"))
    /* Translators: a year, in strftime format */
    return g_date_time_format (from, _("%Y"));
  /* Translators: a day on the date button, in strftime format; keep it short */
  return g_date_time_format (from, _("%a %-d %b %Y"));
}

/* A bar's label on the time axis: hours of a day, weekdays of a week, days
 * of a month, months of a year, in the locale's names. */
static char *
format_axis_label (const char *range,
                   GDateTime  *edge)
{
  if (g_str_equal (range, "day"))
    /* Translators: an hour on the chart's time axis, in strftime format */
    return g_date_time_format (edge, _("%H:%M"));
  if (g_str_equal (range, "week"))
    /* Translators: a weekday on the chart's time axis, in strftime format */
    return g_date_time_format (edge, _("%a"));
  if (g_str_equal (range, "month"))
    /* Translators: a day of the month on the chart's time axis, in strftime format */
    return g_date_time_format (edge, _("%-d"));
  /* Translators: a month on the chart's time axis, in strftime format */
  return g_date_time_format (edge, _("%b"));
}

/* A bar's time in its tooltip and in the CSV's description. */
static char *
format_bar_title (const char *range,
                  GDateTime  *edge,
                  GDateTime  *end)
{
  if (g_str_equal (range, "day"))
    {
      /* Translators: the start of an hour in a tooltip, in strftime format */
      g_autofree char *a = g_date_time_format (edge, _("%H:%M"));
      /* Translators: the end of an hour in a tooltip, in strftime format */
      g_autofree char *b = g_date_time_format (end, _("%H:%M"));

      /* Translators: an hour, from its start to its end */
      return g_strdup_printf (_("%s – %s"), a, b);
    }
  if (g_str_equal (range, "year"))
    /* Translators: a month in a tooltip, in strftime format */
    return g_date_time_format (edge, _("%B %Y"));
  /* Translators: a day in a tooltip, in strftime format */
  return g_date_time_format (edge, _("%A %-d %B"));
}

static void
clear_rows (GPtrArray           *rows,
            AdwPreferencesGroup *group)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

/* ---- Reading, in a thread ---------------------------------------------- */

typedef struct
{
  char   *name;
  double  wh;
  double  cost;
} PeriodShare;

static void
period_share_clear (gpointer data)
{
  g_free (((PeriodShare *)data)->name);
}

typedef struct
{
  AetherStore *store;        /* the service's; the thread opens a reader of it */
  gboolean     list_only;    /* a reload: the registry alone */
  gboolean     details;      /* the comparisons and rate periods, not the bars */
  char        *group_by;     /* NULL: the whole home */
  char        *key;
  GArray      *edges;        /* gint64 µs: the bars' edges */
  gboolean     with_line;    /* a day: power as a line too */
  gint64       previous_from_us, previous_to_us;
  gint64       year_from_us, year_to_us;

  /* Answers */
  GPtrArray   *devices;      /* JsonNode */
  AetherHome  *home;
  GPtrArray   *series;       /* per bar: AetherEnergyTotal per device */
  GError      *series_error;
  GArray      *line;         /* AetherBucket of the subject's power, or NULL */
  GPtrArray   *previous;     /* AetherEnergyTotal of the counted devices */
  GPtrArray   *last_year;
  GArray      *periods;      /* PeriodShare, or NULL without a tariff */
  GHashTable  *counted;      /* ids the subject sums */
} Load;

static void
load_free (gpointer data)
{
  Load *load = data;

  g_clear_object (&load->store);
  g_free (load->group_by);
  g_free (load->key);
  g_clear_pointer (&load->edges, g_array_unref);
  g_clear_pointer (&load->devices, g_ptr_array_unref);
  g_clear_pointer (&load->home, aether_home_unref);
  g_clear_pointer (&load->series, g_ptr_array_unref);
  g_clear_error (&load->series_error);
  g_clear_pointer (&load->line, g_array_unref);
  g_clear_pointer (&load->previous, g_ptr_array_unref);
  g_clear_pointer (&load->last_year, g_ptr_array_unref);
  g_clear_pointer (&load->periods, g_array_unref);
  g_clear_pointer (&load->counted, g_hash_table_unref);
  g_free (load);
}

/* The range's energy and cost per rate period: the tariff engine says
 * which period each instant lies in (runs from one change to the next, cut
 * at midnights too, so a day only the daily tier holds is spread over its
 * runs by its hour profile), the store says what each run used and cost. */
static GArray *
split_by_period (AetherStore        *reader,
                 AetherTariff       *tariff,
                 const char * const *ids,
                 gint64              from_us,
                 gint64              to_us,
                 GCancellable       *cancellable)
{
  g_autoptr(GArray) shares = g_array_new (FALSE, TRUE, sizeof (PeriodShare));
  g_autoptr(GHashTable) index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(GTimeZone) tz = g_time_zone_new_local ();
  gint64 t = from_us / G_USEC_PER_SEC;
  gint64 end = to_us / G_USEC_PER_SEC;

  g_array_set_clear_func (shares, period_share_clear);
  while (t < end)
    {
      AetherRateSchedule *schedule = aether_tariff_schedule_at (tariff, t);
      const AetherRatePeriod *period = schedule ? aether_rate_schedule_period_at (schedule, t) : NULL;
      gint64 next = schedule ? aether_rate_schedule_next_change (schedule, t) : end;
      g_autoptr(GDateTime) local = g_date_time_new_from_unix_local (t);
      g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_time_get_year (local), g_date_time_get_month (local),
                                                       g_date_time_get_day_of_month (local), 0, 0, 0);
      g_autoptr(GDateTime) tomorrow = g_date_time_add_days (midnight, 1);
      gint64 us = t * G_USEC_PER_SEC;

      if (next <= t || next > end)
        next = end;
      if (schedule != NULL && aether_rate_schedule_get_expiry (schedule) > t)
        next = MIN (next, aether_rate_schedule_get_expiry (schedule));
      next = MIN (next, g_date_time_to_unix (tomorrow));
      g_array_append_val (edges, us);
      g_ptr_array_add (names, (gpointer)(period ? period->name : ""));
      t = next;
    }
  {
    gint64 us = end * G_USEC_PER_SEC;

    g_array_append_val (edges, us);
  }
  if (edges->len < 2 ||
      !(series = aether_store_energy_series_for_devices (reader, ids, (const gint64 *)(gpointer)edges->data, edges->len,
                                                         AETHER_PRICER (tariff), cancellable, NULL)))
    return NULL;

  for (guint r = 0; r < series->len; r++)
    {
      GPtrArray *totals = g_ptr_array_index (series, r);
      const char *name = g_ptr_array_index (names, r);
      PeriodShare *share;
      gpointer at;

      if (!g_hash_table_lookup_extended (index, name, NULL, &at))
        {
          PeriodShare fresh = { g_strdup (name), 0, 0 };

          g_array_append_val (shares, fresh);
          at = GUINT_TO_POINTER (shares->len);
          g_hash_table_insert (index, g_array_index (shares, PeriodShare, shares->len - 1).name, at);
        }
      share = &g_array_index (shares, PeriodShare, GPOINTER_TO_UINT (at) - 1);
      for (guint i = 0; i < totals->len; i++)
        {
          AetherEnergyTotal *total = g_ptr_array_index (totals, i);

          share->wh += total->energy_wh;
          share->cost += total->cost;
        }
    }

  return g_steal_pointer (&shares);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(AetherStore) reader = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_autoptr(GPtrArray) room_members = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  guint n_versions = 0;
  gint64 from_us, to_us;
  GError *error = NULL;

  /* The store's own connection belongs to the main thread. */
  if (!(reader = aether_store_open_reader (load->store, &error)) ||
      !(load->devices = aether_store_list_devices (reader, &error)))
    {
      g_task_return_error (task, error);
      return;
    }
  load->home = aether_home_new (load->devices);
  if (load->list_only || g_task_return_error_if_cancelled (task))
    {
      if (!g_task_had_error (task))
        g_task_return_boolean (task, TRUE);
      return;
    }

  /* Who the subject is, by the home rule. */
  if (load->group_by == NULL)
    g_ptr_array_extend (ids, aether_home_get_members (load->home), NULL, NULL);
  else if (g_str_equal (load->group_by, "room"))
    g_ptr_array_extend (ids, room_members = aether_home_get_room_members (load->home, load->key), NULL, NULL);
  else
    g_ptr_array_add (ids, load->key);
  load->counted = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (load->counted, g_strdup (g_ptr_array_index (ids, i)));
  g_ptr_array_add (ids, NULL);

  from_us = g_array_index (load->edges, gint64, 0);
  to_us = g_array_index (load->edges, gint64, load->edges->len - 1);

  /* The tariff prices the hours of days only the daily tier still holds:
   * needed for hourly bars and the rate periods, not for a day or longer. */
  if (load->details || load->with_line)
    tariff = aether_rates_load_tariff (reader, &n_versions, NULL);
  if (tariff != NULL && n_versions == 0)
    g_clear_object (&tariff);

  /* Second, once the bars are drawn: the same span before, a year
   * before, and the cost by rate period. */
  if (load->details)
    {
      if (load->previous_to_us > load->previous_from_us)
        load->previous = aether_store_energy_totals_for_devices (reader, (const char * const *)ids->pdata,
                                                                 load->previous_from_us, load->previous_to_us, NULL);
      if (load->year_to_us > load->year_from_us)
        load->last_year = aether_store_energy_totals_for_devices (reader, (const char * const *)ids->pdata,
                                                                  load->year_from_us, load->year_to_us, NULL);
      if (tariff != NULL && !g_cancellable_is_cancelled (cancellable))
        load->periods = split_by_period (reader, tariff, (const char * const *)ids->pdata, from_us, to_us, cancellable);
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_boolean (task, TRUE);
      return;
    }

  /* Every device's energy per bar: the bands are appliances behind a meter. */
  for (guint i = 0; i < load->devices->len; i++)
    g_ptr_array_add (all, (gpointer)json_object_get_string_member (json_node_get_object (g_ptr_array_index (load->devices, i)),
                                                                 "device_id"));
  g_ptr_array_add (all, NULL);
  load->series = aether_store_energy_series_for_devices (reader, (const char * const *)all->pdata,
                                                         (const gint64 *)(gpointer)load->edges->data, load->edges->len,
                                                         tariff ? AETHER_PRICER (tariff) : NULL, cancellable,
                                                         &load->series_error);
  if (g_task_return_error_if_cancelled (task))
    return;

  if (load->with_line)
    load->line = aether_store_query_devices (reader, (const char * const *)ids->pdata, "power", from_us, to_us,
                                             LINE_POINTS, NULL, NULL);

  g_task_return_boolean (task, TRUE);
}

static void
start_load (AetherHistoryPage   *self,
            Load                *load,
            GCancellable       **slot,
            GAsyncReadyCallback  callback)
{
  g_autoptr(GTask) task = NULL;

  if (*slot != NULL)
    g_cancellable_cancel (*slot);
  g_clear_object (slot);
  *slot = g_cancellable_new ();

  load->store = g_object_ref (aether_service_get_store (self->service));
  /* The page is the callback's, not the task's source object: the task may
   * be finalized in the worker thread, and a widget must not be. */
  task = g_task_new (NULL, *slot, callback, g_object_ref (self));
  g_task_set_source_tag (task, start_load);
  g_task_set_task_data (task, load, load_free);
  g_task_run_in_thread (task, load_in_thread);
}

/* ---- Showing the answers ------------------------------------------------ */

typedef struct
{
  char      *name;
  GPtrArray *ids;      /* the devices it adds up */
  double     wh;
  double     cost;
  gboolean   untracked;
} Stack;

static void
stack_clear (gpointer data)
{
  Stack *stack = data;

  g_free (stack->name);
  g_clear_pointer (&stack->ids, g_ptr_array_unref);
}

static int
compare_stacks (gconstpointer a,
                gconstpointer b)
{
  const Stack *x = a;
  const Stack *y = b;

  return x->wh < y->wh ? 1 : x->wh > y->wh ? -1 : 0;
}

static AetherEnergyTotal *
find_total (GPtrArray  *totals,
            const char *device_id)
{
  for (guint i = 0; totals != NULL && i < totals->len; i++)
    if (g_str_equal (((AetherEnergyTotal *)g_ptr_array_index (totals, i))->key, device_id))
      return g_ptr_array_index (totals, i);
  return NULL;
}

static void
sum_totals (GPtrArray  *totals,
            GHashTable *ids,
            double     *wh,
            double     *cost,
            double     *co2,
            double     *exported,
            gboolean   *any)
{
  for (guint i = 0; totals != NULL && i < totals->len; i++)
    {
      AetherEnergyTotal *total = g_ptr_array_index (totals, i);

      if (!g_hash_table_contains (ids, total->key))
        continue;
      *wh += total->energy_wh;
      if (cost)
        *cost += total->cost;
      if (co2)
        *co2 += total->co2_kg;
      if (exported)
        *exported += total->exported_wh;
      if (any)
        *any = TRUE;
    }
}

/* The bands the bars are stacked from: each appliance (or room) the subject
 * covers, most first, the smallest merged into "Other" so colours stay
 * apart, and — where a meter counts the home — what it counted that no
 * plug did. */
static GArray *
make_stacks (AetherHistoryPage *self,
             Load              *load,
             AetherHome        *home)
{
  g_autoptr(GArray) stacks = g_array_new (FALSE, TRUE, sizeof (Stack));
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean metered_home = load->group_by == NULL && aether_home_is_metered (home);
  gboolean single = g_strcmp0 (load->group_by, "device") == 0;

  g_array_set_clear_func (stacks, stack_clear);
  for (guint i = 0; i < load->devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (load->devices, i));
      const char *id = json_object_get_string_member (device, "device_id");
      g_autofree char *name = NULL;
      gpointer at;

      /* A band is an appliance: never the meter that sums them, except
       * where the meter is all the subject has. */
      if (single ? !g_hash_table_contains (load->counted, id)
                 : metered_home ? aether_device_is_energy_meter (device)
                                : !g_hash_table_contains (load->counted, id))
        continue;
      if (self->by_room && !single)
        {
          const char *room = aether_home_get_room_of (home, id);

          name = room != NULL ? aether_format_key (room) : g_strdup (_("No Room"));
        }
      else
        name = g_strdup (json_object_get_string_member (device, "name"));

      if (!g_hash_table_lookup_extended (by_name, name, NULL, &at))
        {
          Stack stack = { g_strdup (name), g_ptr_array_new_with_free_func (g_free), 0, 0, FALSE };

          g_array_append_val (stacks, stack);
          at = GUINT_TO_POINTER (stacks->len);
          g_hash_table_insert (by_name, g_array_index (stacks, Stack, stacks->len - 1).name, at);
        }
      g_ptr_array_add (g_array_index (stacks, Stack, GPOINTER_TO_UINT (at) - 1).ids, g_strdup (id));
    }

  /* Their totals over the range, to order them. */
  for (guint s = 0; s < stacks->len; s++)
    {
      Stack *stack = &g_array_index (stacks, Stack, s);

      for (guint b = 0; load->series != NULL && b < load->series->len; b++)
        for (guint d = 0; d < stack->ids->len; d++)
          {
            AetherEnergyTotal *total = find_total (g_ptr_array_index (load->series, b), g_ptr_array_index (stack->ids, d));

            if (total != NULL)
              {
                stack->wh += total->energy_wh;
                stack->cost += total->cost;
              }
          }
    }
  g_array_sort (stacks, compare_stacks);
  while (stacks->len > 0 && g_array_index (stacks, Stack, stacks->len - 1).wh <= 0)
    g_array_remove_index (stacks, stacks->len - 1);
  if (stacks->len > MAX_SERIES)
    {
      Stack *other = &g_array_index (stacks, Stack, MAX_SERIES - 1);

      g_free (other->name);
      other->name = g_strdup (_("Other"));
      while (stacks->len > MAX_SERIES)
        {
          Stack *last = &g_array_index (stacks, Stack, stacks->len - 1);

          other = &g_array_index (stacks, Stack, MAX_SERIES - 1);
          g_ptr_array_extend_and_steal (other->ids, g_steal_pointer (&last->ids));
          other->wh += last->wh;
          other->cost += last->cost;
          g_array_remove_index (stacks, stacks->len - 1);
        }
    }
  if (metered_home)
    {
      Stack untracked = { g_strdup (_("Untracked")), g_ptr_array_new (), 0, 0, TRUE };

      g_array_append_val (stacks, untracked);
    }
  return g_steal_pointer (&stacks);
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  GdkRGBA *color = user_data;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
add_legend_item (AetherHistoryPage *self,
                 const char        *name,
                 const GdkRGBA     *color)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *label = gtk_label_new (name);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 10);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 10);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch, gdk_rgba_copy (color), (GDestroyNotify)gdk_rgba_free);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_append (self->legend, box);
  gtk_widget_set_focusable (gtk_widget_get_parent (box), FALSE);
}

static char *
format_delta (double      wh,
              double      cost,
              gboolean    priced,
              const char *currency)
{
  g_autofree char *energy = aether_format_energy (fabs (wh));
  g_autofree char *money = aether_format_money (fabs (cost), currency);
  const char *sign = wh > 0 ? "+" : wh < 0 ? "−" : "±";
  const char *money_sign = cost > 0 ? "+" : cost < 0 ? "−" : "±";

  if (priced)
    /* Translators: a change in energy and in cost, signs included */
    return g_strdup_printf (_("%s%s (%s%s)"), sign, energy, money_sign, money);
  return g_strdup_printf ("%s%s", sign, energy);
}

static void
update_comparison (AetherHistoryPage *self,
                   GtkLabel          *label,
                   const char        *what,
                   GPtrArray         *totals,
                   Load              *load,
                   gboolean           priced)
{
  const char *currency = aether_service_get_currency (self->service);
  double wh = 0, cost = 0;
  gboolean any = FALSE;
  g_autofree char *delta = NULL;
  g_autofree char *text = NULL;

  sum_totals (totals, load->counted, &wh, &cost, NULL, NULL, &any);
  if (!any)
    {
      /* Translators: %s is "the previous week", "the same month last year", … */
      text = g_strdup_printf (_("Nothing recorded in %s"), what);
      gtk_label_set_text (label, text);
      return;
    }
  delta = format_delta (self->total_wh - wh, self->total_cost - cost, priced, currency);
  {
    g_autofree char *then = aether_format_energy (wh);

    /* Translators: a change against another period: the change, then the
     * other period ("the previous week"), then its energy */
    text = g_strdup_printf (_("%s against %s (%s)"), delta, what, then);
  }
  gtk_label_set_text (label, text);
}

static const char *
previous_name (const char *range)
{
  if (g_str_equal (range, "week"))
    return _("the week before");
  if (g_str_equal (range, "month"))
    return _("the month before");
  if (g_str_equal (range, "year"))
    return _("the year before");
  return _("the day before");
}

static const char *
last_year_name (const char *range)
{
  if (g_str_equal (range, "week"))
    return _("the same week last year");
  if (g_str_equal (range, "month"))
    return _("the same month last year");
  if (g_str_equal (range, "year"))
    return _("the year before that");
  return _("the same day last year");
}

/* What a breakdown row shows: the energy, and its cost when priced. */
static char *
share_row_text (AetherHistoryPage *self,
                double             wh,
                double             cost,
                gboolean           priced)
{
  g_autofree char *energy = aether_format_energy (wh);
  g_autofree char *money = NULL;

  if (!priced)
    return g_steal_pointer (&energy);
  money = aether_format_money (cost, aether_service_get_currency (self->service));
  return g_strdup_printf ("%s · %s", energy, money);
}

/* A row of the breakdown: the name (and room), the energy and cost over a
 * share bar. */
static GtkWidget *
add_share_row (AetherHistoryPage   *self,
               AdwPreferencesGroup *group,
               const char          *name,
               const char          *subtitle,
               double               share,
               double               wh,
               double               cost,
               gboolean             priced)
{
  g_autofree char *text = share_row_text (self, wh, cost, priced);
  GtkWidget *row = aether_share_row_new_stacked (name, subtitle, share, text);

  adw_preferences_group_add (group, row);
  return row;
}

/* The same figures in a row already there: a range change keeps the
 * breakdown's rows instead of laying the page out again. */
static void
update_share_row (AetherHistoryPage *self,
                  GtkWidget         *row,
                  const char        *name,
                  const char        *subtitle,
                  double             share,
                  double             wh,
                  double             cost,
                  gboolean           priced)
{
  g_autofree char *text = share_row_text (self, wh, cost, priced);

  aether_share_row_update_stacked (row, name, subtitle, share, text);
}

static void
show_answers (AetherHistoryPage *self,
              Load              *load,
              AetherHome        *home,
              const char        *span)
{
  g_autoptr(GArray) stacks = make_stacks (self, load, home);
  guint n_bars = load->edges->len - 1;
  guint n_bands = stacks->len;
  g_autofree double *wh = g_new (double, MAX (n_bars * n_bands, 1));
  g_autofree double *exported = g_new0 (double, MAX (n_bars, 1));
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) axis = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) titles = g_ptr_array_new_with_free_func (g_free);
  const char *currency = aether_service_get_currency (self->service);
  double co2 = 0, most = 0;
  gboolean priced = FALSE, any_export = FALSE;
  GtkWidget *child;

  if (load->series == NULL && load->series_error != NULL)
    g_warning ("Could not read the energy per bar: %s", load->series_error->message);

  g_array_set_size (self->edges, 0);
  g_array_append_vals (self->edges, load->edges->data, load->edges->len);
  g_array_set_size (self->bands, 0);
  g_array_set_size (self->bar_wh, n_bars * (n_bands + 1));
  g_array_set_size (self->bar_cost, n_bars);
  g_array_set_size (self->bar_exported, n_bars);
  self->total_wh = self->total_cost = self->untracked_wh = self->exported_wh = 0;

  for (guint b = 0; b < n_bars; b++)
    {
      GPtrArray *totals = load->series ? g_ptr_array_index (load->series, b) : NULL;
      double bar_wh = 0, bar_cost = 0, bar_export = 0, plugs = 0;
      gboolean any = FALSE;
      g_autoptr(GDateTime) edge = g_date_time_new_from_unix_local (g_array_index (load->edges, gint64, b) / G_USEC_PER_SEC);
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_local (g_array_index (load->edges, gint64, b + 1) / G_USEC_PER_SEC);

      sum_totals (totals, load->counted, &bar_wh, &bar_cost, &co2, &bar_export, &any);
      for (guint s = 0; s < n_bands; s++)
        {
          Stack *stack = &g_array_index (stacks, Stack, s);
          double value = 0;
          gboolean has = FALSE;

          for (guint d = 0; !stack->untracked && d < stack->ids->len; d++)
            {
              AetherEnergyTotal *total = find_total (totals, g_ptr_array_index (stack->ids, d));

              if (total != NULL)
                {
                  value += total->energy_wh;
                  has = TRUE;
                }
            }
          if (!stack->untracked)
            plugs += value;
          wh[b * n_bands + s] = has ? value : NAN;
        }
      /* The meter less its plugs, by the home rule: what nothing else counted. */
      for (guint s = 0; s < n_bands; s++)
        if (g_array_index (stacks, Stack, s).untracked)
          {
            wh[b * n_bands + s] = any ? bar_wh - plugs : NAN;
            if (any)
              {
                g_array_index (stacks, Stack, s).wh += bar_wh - plugs;
                self->untracked_wh += bar_wh - plugs;
              }
          }

      for (guint s = 0; s < n_bands; s++)
        g_array_index (self->bar_wh, double, b * (n_bands + 1) + s) = wh[b * n_bands + s];
      g_array_index (self->bar_wh, double, b * (n_bands + 1) + n_bands) = any ? bar_wh : NAN;
      g_array_index (self->bar_cost, double, b) = bar_cost;
      g_array_index (self->bar_exported, double, b) = bar_export;
      exported[b] = any ? bar_export : NAN;
      any_export |= bar_export > 0;
      priced |= bar_cost != 0;
      self->total_wh += bar_wh;
      self->total_cost += bar_cost;
      self->exported_wh += bar_export;
      self->has_data |= any;

      g_ptr_array_add (axis, format_axis_label (self->range, edge));
      g_ptr_array_add (titles, format_bar_title (self->range, edge, end));
    }

  for (guint s = 0; s < n_bands; s++)
    {
      Stack *stack = &g_array_index (stacks, Stack, s);
      Band band = { g_strdup (stack->name), stack->wh, stack->cost };

      g_array_append_val (self->bands, band);
      g_ptr_array_add (names, stack->name);
    }
  g_ptr_array_add (axis, NULL);
  g_ptr_array_add (titles, NULL);

  aether_history_chart_set_span (self->chart, span);
  aether_history_chart_set_bars (self->chart, n_bars, n_bands, (const char * const *)names->pdata, wh,
                                 any_export ? exported : NULL, (const char * const *)axis->pdata,
                                 (const char * const *)titles->pdata);

  /* A day's average power over the bars, in kW (an hour at 1 kW is 1 kWh). */
  if (load->line != NULL && load->line->len > 0)
    {
      g_autofree double *kw = g_new (double, LINE_POINTS);
      gint64 from_us = g_array_index (load->edges, gint64, 0);
      gint64 range = g_array_index (load->edges, gint64, n_bars) - from_us;

      for (guint k = 0; k < LINE_POINTS; k++)
        kw[k] = NAN;
      for (guint i = 0; i < load->line->len; i++)
        {
          AetherBucket *bucket = &g_array_index (load->line, AetherBucket, i);
          gint64 c = ((bucket->start_us - from_us) * LINE_POINTS + range / 2) / range;

          if (c >= 0 && c < LINE_POINTS && bucket->count > 0)
            kw[c] = bucket->avg / 1000;
        }
      aether_history_chart_set_line (self->chart, kw, LINE_POINTS);
    }
  else
    aether_history_chart_set_line (self->chart, NULL, 0);

  /* The legend: one swatch per band, and the line's; kept as it is when
   * the range changes and the bands do not. */
  {
    g_autoptr(GString) key = g_string_new (NULL);

    for (guint s = 0; s < n_bands; s++)
      g_string_append_printf (key, "%s\n", (const char *)g_ptr_array_index (names, s));
    g_string_append_printf (key, "%d%d", any_export, load->line != NULL && load->line->len > 0);
    if (g_strcmp0 (self->legend_key, key->str) == 0)
      goto legend_done;
    g_free (self->legend_key);
    self->legend_key = g_strdup (key->str);
  }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend))) != NULL)
    gtk_flow_box_remove (self->legend, child);
  for (guint s = 0; s < n_bands; s++)
    {
      GdkRGBA color;

      aether_history_chart_get_color (self->chart, s, &color);
      add_legend_item (self, g_ptr_array_index (names, s), &color);
    }
  if (any_export)
    {
      GdkRGBA color;

      gdk_rgba_parse (&color, "#33d17a");
      add_legend_item (self, _("Exported"), &color);
    }
  if (load->line != NULL && load->line->len > 0)
    {
      GdkRGBA color;

      gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (self)), &color);
      add_legend_item (self, _("Average power (kW)"), &color);
    }
legend_done:

  /* The period's total, and what it is against. */
  {
    g_autofree char *energy = aether_format_energy (self->total_wh);
    g_autofree char *money = aether_format_money (self->total_cost, currency);
    g_autofree char *caption = NULL;

    gtk_label_set_text (self->total_value, energy);
    if (priced && co2 > 0)
      /* Translators: a cost, then kilograms of CO₂ */
      caption = g_strdup_printf (_("%s · %.1f kg CO₂"), money, co2);
    else if (priced)
      caption = g_strdup (money);
    else
      caption = g_strdup (_("Costs appear once a tariff is set on the Rates page"));
    gtk_label_set_text (self->total_caption, caption);
  }
  /* The comparisons follow (show_details()); until then, nothing stale. */
  gtk_label_set_text (self->compare_previous, "…");
  gtk_label_set_text (self->compare_year, "…");
  gtk_widget_set_visible (GTK_WIDGET (self->exported_label), self->exported_wh > 0);
  if (self->exported_wh > 0)
    {
      g_autofree char *energy = aether_format_energy (self->exported_wh);
      /* Translators: energy sent to the grid in the period; it is not in the total above */
      g_autofree char *text = g_strdup_printf (_("%s exported to the grid, not counted above"), energy);

      gtk_label_set_text (self->exported_label, text);
    }

  /* The breakdown: each band, untracked as its own row. */
  if (self->rows->len != n_bands)
    clear_rows (self->rows, self->breakdown_group);
  clear_rows (self->period_rows, self->periods_group);
  gtk_widget_set_visible (GTK_WIDGET (self->periods_group), FALSE);
  g_array_set_size (self->periods, 0);
  for (guint s = 0; s < n_bands; s++)
    most = MAX (most, g_array_index (stacks, Stack, s).wh);
  gtk_widget_set_visible (GTK_WIDGET (self->breakdown_group), n_bands > 1 || (n_bands == 1 && load->group_by == NULL));
  adw_preferences_group_set_title (self->breakdown_group, self->by_room && g_strcmp0 (load->group_by, "device") != 0
                                                          ? _("Energy by Room") : _("Energy by Device"));
  {
    guint used = 0;
    g_autofree char *description = NULL;

    for (guint s = 0; s < n_bands; s++)
      used += !g_array_index (stacks, Stack, s).untracked;
    if (used == 0)
      description = g_strdup (_("Only the meter measured this period: no plug measured its own use"));
    else
      description = self->by_room ? g_strdup_printf (ngettext ("%u room used energy in this period",
                                                             "%u rooms used energy in this period", used), used)
                                : g_strdup_printf (ngettext ("%u device used energy in this period",
                                                             "%u devices used energy in this period", used), used);
    adw_preferences_group_set_description (self->breakdown_group, description);
  }
  for (guint s = 0; s < n_bands; s++)
    {
      Stack *stack = &g_array_index (stacks, Stack, s);
      g_autofree char *room = NULL;
      const char *subtitle = NULL;

      if (stack->untracked)
        subtitle = _("Counted by the meter, not by any plug");
      else if (!self->by_room && stack->ids->len == 1)
        {
          const char *key = aether_home_get_room_of (home, g_ptr_array_index (stack->ids, 0));

          subtitle = room = key ? aether_format_key (key) : NULL;
        }
      if (s < self->rows->len)
        update_share_row (self, g_ptr_array_index (self->rows, s), stack->name, subtitle,
                          most > 0 ? MAX (stack->wh, 0) / most : 0, stack->wh,
                          stack->untracked ? 0 : stack->cost, priced && !stack->untracked);
      else
        g_ptr_array_add (self->rows,
                         add_share_row (self, self->breakdown_group, stack->name, subtitle,
                                        most > 0 ? MAX (stack->wh, 0) / most : 0, stack->wh,
                                        stack->untracked ? 0 : stack->cost, priced && !stack->untracked));
    }

}

/* The comparisons and the cost by rate period, once the bars are drawn. */
static void
show_details (AetherHistoryPage *self,
              Load              *load)
{
  gboolean priced = self->total_cost != 0;

  update_comparison (self, self->compare_previous, previous_name (self->range), load->previous, load, priced);
  update_comparison (self, self->compare_year, last_year_name (self->range), load->last_year, load, priced);

  /* Cost by rate period, from the tariff engine's periods. */
  clear_rows (self->period_rows, self->periods_group);
  g_array_set_size (self->periods, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->periods_group), load->periods != NULL && load->periods->len > 0 && priced);
  for (guint p = 0; load->periods != NULL && p < load->periods->len; p++)
    {
      PeriodShare *share = &g_array_index (load->periods, PeriodShare, p);
      g_autofree char *name = share->name[0] ? aether_format_key (share->name) : g_strdup (_("No Rate"));
      Band band = { g_strdup (share->name), share->wh, share->cost };

      g_array_append_val (self->periods, band);
      g_ptr_array_add (self->period_rows,
                       add_share_row (self, self->periods_group, name, NULL,
                                      self->total_wh > 0 ? share->wh / self->total_wh : 0, share->wh, share->cost, TRUE));
    }
}

static void
on_details_loaded (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(AetherHistoryPage) self = user_data;
  GTask *task = G_TASK (result);
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (g_task_get_cancellable (task) == self->details_cancellable)
    g_clear_object (&self->details_cancellable);
  if (!g_task_propagate_boolean (task, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not compare the history: %s", error->message);
      return;
    }
  show_details (self, load);
}

static Load *
load_new (const char *group_by,
          const char *key)
{
  Load *load = g_new0 (Load, 1);

  load->group_by = g_strdup (group_by);
  load->key = g_strdup (key);
  return load;
}

/* The comparisons wait for the bars' frame to be painted: their answer
 * would lay the page out again before it, and their queries would take
 * the cores the frame needs. A window that paints no frame (hidden, not
 * mapped) waits a moment at most. */
typedef struct
{
  AetherHistoryPage *self;         /* a reference */
  Load              *load;
  GCancellable      *cancellable;  /* the details slot when it was deferred */
  GdkFrameClock     *clock;
  gulong             handler;
  guint              timeout;
} Deferred;

static void
deferred_run (Deferred *deferred)
{
  AetherHistoryPage *self = deferred->self;

  if (deferred->handler != 0)
    g_signal_handler_disconnect (deferred->clock, deferred->handler);
  g_clear_handle_id (&deferred->timeout, g_source_remove);
  /* Still the request of the page's range, or a newer one replaced it. */
  if (self->details_cancellable == deferred->cancellable &&
      !g_cancellable_is_cancelled (deferred->cancellable) && self->service != NULL)
    {
      g_autoptr(GTask) task = NULL;

      deferred->load->store = g_object_ref (aether_service_get_store (self->service));
      task = g_task_new (NULL, deferred->cancellable, on_details_loaded, g_object_ref (self));
      g_task_set_source_tag (task, start_load);
      g_task_set_task_data (task, g_steal_pointer (&deferred->load), load_free);
      g_task_run_in_thread (task, load_in_thread);
    }
  else if (self->details_cancellable == deferred->cancellable)
    g_clear_object (&self->details_cancellable);
  g_clear_pointer (&deferred->load, load_free);
  g_clear_object (&deferred->cancellable);
  g_clear_object (&deferred->clock);
  g_object_unref (deferred->self);
  g_free (deferred);
}

static void
on_deferred_painted (GdkFrameClock *clock,
                     Deferred      *deferred)
{
  deferred_run (deferred);
}

static gboolean
on_deferred_timeout (gpointer data)
{
  Deferred *deferred = data;

  deferred->timeout = 0;
  deferred_run (deferred);
  return G_SOURCE_REMOVE;
}

static void
defer_details (AetherHistoryPage *self,
               Load              *load)
{
  Deferred *deferred = g_new0 (Deferred, 1);
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (self));

  if (self->details_cancellable != NULL)
    g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->details_cancellable);
  self->details_cancellable = g_cancellable_new ();
  deferred->self = g_object_ref (self);
  deferred->load = load;
  deferred->cancellable = g_object_ref (self->details_cancellable);
  if (clock != NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      deferred->clock = g_object_ref (clock);
      deferred->handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_deferred_painted), deferred);
    }
  deferred->timeout = g_timeout_add (deferred->clock != NULL ? 100 : 0, on_deferred_timeout, deferred);
}

static void
on_update_loaded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AetherHistoryPage) self = user_data;
  GTask *task = G_TASK (result);
  Load *load = g_task_get_task_data (task);
  /* Taken here: the task may be freed in its thread, the records must not. */
  g_autoptr(GPtrArray) devices = g_steal_pointer (&load->devices);
  g_autoptr(AetherHome) home = g_steal_pointer (&load->home);
  g_autoptr(GError) error = NULL;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autofree char *span = NULL;

  /* A newer request, or a page going away, cancelled this one. */
  if (!g_task_propagate_boolean (task, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read the history: %s", error->message);
      if (g_task_get_cancellable (task) == self->update_cancellable)
        g_clear_object (&self->update_cancellable);
      return;
    }
  if (g_task_get_cancellable (task) == self->update_cancellable)
    g_clear_object (&self->update_cancellable);

  get_range (self, &from, &to);
  span = describe_range (self->range, from, to);
  self->has_data = FALSE;
  load->devices = g_steal_pointer (&devices);
  show_answers (self, load, home, span);
  self->drawn_at_us = g_get_monotonic_time ();

  /* The controls stay: another period or another device is a click away. */
  if (!self->has_data)
    {
      gtk_label_set_text (self->total_value, _("Nothing Recorded"));
      gtk_label_set_text (self->total_caption, _("No readings were stored in this period. Choose another "
                                                 "on the date button."));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->compare_previous), self->has_data);
  /* A year's "same period last year" is the year before: said once. */
  gtk_widget_set_visible (GTK_WIDGET (self->compare_year), self->has_data && !g_str_equal (self->range, "year"));
  gtk_stack_set_visible_child_name (self->stack, "chart");

  if (self->has_data)
    {
      Load *details = load_new (load->group_by, load->key);

      details->details = TRUE;
      details->edges = g_array_ref (load->edges);
      details->previous_from_us = load->previous_from_us;
      details->previous_to_us = load->previous_to_us;
      details->year_from_us = load->year_from_us;
      details->year_to_us = load->year_to_us;
      defer_details (self, details);
    }
}

static void
update (AetherHistoryPage *self)
{
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) previous = NULL;
  g_autoptr(GDateTime) year_from = NULL;
  g_autofree char *span = NULL;
  guint selected = adw_combo_row_get_selected (self->subject_row);
  const Subject *subject;
  gint64 elapsed_us;
  Load *load;

  get_range (self, &from, &to);
  span = describe_range (self->range, from, to);
  gtk_label_set_text (self->range_label, span);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->date_button), span);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.next", g_date_time_compare (to, now) <= 0);
  {
    g_autoptr(GDateTime) noon = g_date_time_add_hours (self->anchor, 12);

    g_signal_handlers_block_matched (self->calendar, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
    gtk_calendar_select_day (self->calendar, noon);
    g_signal_handlers_unblock_matched (self->calendar, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  }

  /* The registry is still being read: its answer updates the page. */
  if (self->reload_cancellable != NULL)
    return;

  /* Periods to page through only once there is something to show. */
  gtk_widget_set_visible (self->toolbar, self->service != NULL && self->devices->len > 0);
  if (self->service == NULL || self->devices->len == 0 || selected >= self->subjects->len)
    {
      if (self->update_cancellable != NULL)
        g_cancellable_cancel (self->update_cancellable);
      if (self->details_cancellable != NULL)
        g_cancellable_cancel (self->details_cancellable);
      g_clear_object (&self->update_cancellable);
      g_clear_object (&self->details_cancellable);
      self->has_data = FALSE;
      adw_status_page_set_title (self->empty_status, _("No History Yet"));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  if (self->details_cancellable != NULL)
    g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->details_cancellable);

  subject = &g_array_index (self->subjects, Subject, selected);
  load = load_new (subject->group_by, subject->key);
  load->with_line = g_str_equal (self->range, "day");
  load->edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  {
    g_autoptr(GDateTime) edge = g_date_time_ref (from);

    while (g_date_time_compare (edge, to) < 0)
      {
        GDateTime *next = next_edge (self->range, edge);
        gint64 us = g_date_time_to_unix (edge) * G_USEC_PER_SEC;

        g_array_append_val (load->edges, us);
        g_date_time_unref (edge);
        edge = next;
      }
    {
      gint64 us = g_date_time_to_unix (to) * G_USEC_PER_SEC;

      g_array_append_val (load->edges, us);
    }
  }

  /* A period still going on is compared with as much of the others. */
  elapsed_us = (MIN (g_date_time_to_unix (to), g_date_time_to_unix (now)) - g_date_time_to_unix (from)) * G_USEC_PER_SEC;
  previous = add_range (self->range, from, -1);
  year_from = g_date_time_add_years (from, -1);
  load->previous_from_us = g_date_time_to_unix (previous) * G_USEC_PER_SEC;
  load->previous_to_us = load->previous_from_us + MAX (elapsed_us, 0);
  load->year_from_us = g_date_time_to_unix (year_from) * G_USEC_PER_SEC;
  load->year_to_us = load->year_from_us + MAX (elapsed_us, 0);
  start_load (self, load, &self->update_cancellable, on_update_loaded);
}

static void
fill_subjects (AetherHistoryPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) rooms = self->home ? aether_home_get_rooms (self->home) : g_ptr_array_new ();
  Subject home = { NULL, NULL };

  g_array_set_size (self->subjects, 0);
  gtk_string_list_append (names, _("Whole Home"));
  g_array_append_val (self->subjects, home);

  /* Each room once, however its devices spell it. */
  g_ptr_array_sort (rooms, (GCompareFunc)g_strcmp0);
  for (guint i = 0; i < rooms->len; i++)
    {
      g_autofree char *pretty = aether_format_key (g_ptr_array_index (rooms, i));
      /* Translators: a room in the list of what the history shows */
      g_autofree char *name = g_strdup_printf (_("%s (room)"), pretty);
      Subject subject = { g_strdup ("room"), g_strdup (g_ptr_array_index (rooms, i)) };

      gtk_string_list_append (names, name);
      g_array_append_val (self->subjects, subject);
    }
  for (guint i = 0; i < self->devices->len; i++)
    {
      JsonObject *device = g_ptr_array_index (self->devices, i);
      Subject subject = { g_strdup ("device"), g_strdup (json_object_get_string_member (device, "device_id")) };

      gtk_string_list_append (names, json_object_get_string_member (device, "name"));
      g_array_append_val (self->subjects, subject);
    }

  g_signal_handlers_block_matched (self->subject_row, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
  adw_combo_row_set_model (self->subject_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->subject_row, 0);
  g_signal_handlers_unblock_matched (self->subject_row, G_SIGNAL_MATCH_DATA, 0, 0, NULL, NULL, self);
}

static void
on_reload_loaded (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(AetherHistoryPage) self = user_data;
  GTask *task = G_TASK (result);
  Load *load = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  /* Taken here: the task may be freed in its thread, the records must not. */
  g_autoptr(GPtrArray) devices = g_steal_pointer (&load->devices);
  g_autoptr(AetherHome) home = g_steal_pointer (&load->home);

  if (!g_task_propagate_boolean (task, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_warning ("Could not read the devices: %s", error->message);
    }
  if (g_task_get_cancellable (task) == self->reload_cancellable)
    g_clear_object (&self->reload_cancellable);

  g_ptr_array_set_size (self->devices, 0);
  g_clear_pointer (&self->home, aether_home_unref);
  self->home = g_steal_pointer (&home);
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    g_ptr_array_add (self->devices, json_object_ref (json_node_get_object (g_ptr_array_index (devices, i))));
  fill_subjects (self);
  update (self);
}

/**
 * aether_history_page_reload:
 * @self: the page
 *
 * Reads the registry again, after devices were added or removed; the page
 * updates when the answer comes (aether_history_page_is_loading()).
 */
void
aether_history_page_reload (AetherHistoryPage *self)
{
  Load *load;

  g_return_if_fail (AETHER_IS_HISTORY_PAGE (self));

  if (self->service == NULL)
    {
      g_ptr_array_set_size (self->devices, 0);
      g_clear_pointer (&self->home, aether_home_unref);
      fill_subjects (self);
      update (self);
      return;
    }

  /* What was being read for the old registry is of no use any more. */
  if (self->update_cancellable != NULL)
    g_cancellable_cancel (self->update_cancellable);
  if (self->details_cancellable != NULL)
    g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->update_cancellable);
  g_clear_object (&self->details_cancellable);

  load = g_new0 (Load, 1);
  load->list_only = TRUE;
  start_load (self, load, &self->reload_cancellable, on_reload_loaded);
}

/**
 * aether_history_page_is_loading:
 * @self: the page
 *
 * Returns: whether a read is under way, whose answer will change the page
 */
gboolean
aether_history_page_is_loading (AetherHistoryPage *self)
{
  g_return_val_if_fail (AETHER_IS_HISTORY_PAGE (self), FALSE);

  return self->reload_cancellable != NULL || self->update_cancellable != NULL || self->details_cancellable != NULL;
}

void
aether_history_page_set_service (AetherHistoryPage *self,
                                 AetherService     *service)
{
  g_return_if_fail (AETHER_IS_HISTORY_PAGE (self));

  g_set_object (&self->service, service);
  aether_history_page_reload (self);
}

/**
 * aether_history_page_show:
 * @self: the page
 * @range: `day`, `week`, `month` or `year`
 * @date: (nullable): a day in the range to show; %NULL for today
 */
void
aether_history_page_show (AetherHistoryPage *self,
                          const char        *range,
                          GDateTime         *date)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  int y, m, d;

  g_return_if_fail (AETHER_IS_HISTORY_PAGE (self));

  g_date_time_get_ymd (date ? date : now, &y, &m, &d);
  g_clear_pointer (&self->anchor, g_date_time_unref);
  self->anchor = g_date_time_new_local (y, m, d, 0, 0, 0);
  g_object_set (self, "range", range, NULL);
  update (self);
}

/**
 * aether_history_page_set_by_room:
 * @self: the page
 * @by_room: stack the bars by room rather than by device
 */
void
aether_history_page_set_by_room (AetherHistoryPage *self,
                                 gboolean           by_room)
{
  g_return_if_fail (AETHER_IS_HISTORY_PAGE (self));

  gtk_toggle_button_set_active (by_room ? self->by_room_button : self->by_device_button, TRUE);
}

/**
 * aether_history_page_select_subject:
 * @self: the page
 * @index: 0 for the whole home, then each room, then each device
 */
void
aether_history_page_select_subject (AetherHistoryPage *self,
                                    guint              index)
{
  g_return_if_fail (AETHER_IS_HISTORY_PAGE (self));

  adw_combo_row_set_selected (self->subject_row, index);
}

gboolean
aether_history_page_has_data (AetherHistoryPage *self)
{
  g_return_val_if_fail (AETHER_IS_HISTORY_PAGE (self), FALSE);

  return self->has_data;
}

const char *
aether_history_page_get_total_text (AetherHistoryPage *self)
{
  g_return_val_if_fail (AETHER_IS_HISTORY_PAGE (self), NULL);

  return gtk_label_get_text (self->total_value);
}

/**
 * aether_history_page_get_chart:
 * @self: the page
 *
 * Returns: (transfer none): the energy chart
 */
AetherHistoryChart *
aether_history_page_get_chart (AetherHistoryPage *self)
{
  g_return_val_if_fail (AETHER_IS_HISTORY_PAGE (self), NULL);

  return self->chart;
}

/**
 * aether_history_page_get_totals:
 * @self: the page
 * @total_wh: (out) (optional): the subject's energy in the shown range
 * @untracked_wh: (out) (optional): the meter's energy beyond its plugs
 * @exported_wh: (out) (optional): the energy exported
 * @cost: (out) (optional): what it cost
 *
 * What the shown bars add up to.
 */
void
aether_history_page_get_totals (AetherHistoryPage *self,
                                double            *total_wh,
                                double            *untracked_wh,
                                double            *exported_wh,
                                double            *cost)
{
  g_return_if_fail (AETHER_IS_HISTORY_PAGE (self));

  if (total_wh)
    *total_wh = self->total_wh;
  if (untracked_wh)
    *untracked_wh = self->untracked_wh;
  if (exported_wh)
    *exported_wh = self->exported_wh;
  if (cost)
    *cost = self->total_cost;
}

/**
 * aether_history_page_get_period:
 * @self: the page
 * @name: a rate period's name (`peak`, …)
 * @wh: (out): the energy used in it in the shown range
 * @cost: (out): what that cost
 *
 * Returns: whether the cost-by-period list shows @name
 */
gboolean
aether_history_page_get_period (AetherHistoryPage *self,
                                const char        *name,
                                double            *wh,
                                double            *cost)
{
  g_return_val_if_fail (AETHER_IS_HISTORY_PAGE (self), FALSE);

  for (guint p = 0; p < self->periods->len; p++)
    if (g_str_equal (g_array_index (self->periods, Band, p).name, name))
      {
        *wh = g_array_index (self->periods, Band, p).wh;
        *cost = g_array_index (self->periods, Band, p).cost;
        return TRUE;
      }
  return FALSE;
}

/**
 * aether_history_page_get_drawn_at:
 * @self: the page
 *
 * Returns: the monotonic time the last answer was put on screen
 */
gint64
aether_history_page_get_drawn_at (AetherHistoryPage *self)
{
  g_return_val_if_fail (AETHER_IS_HISTORY_PAGE (self), 0);

  return self->drawn_at_us;
}

static void
append_csv_field (GString    *csv,
                  const char *text)
{
  if (strpbrk (text, ",\"\n") == NULL)
    {
      g_string_append (csv, text);
      return;
    }
  g_string_append_c (csv, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  g_string_append_c (csv, '"');
}

static void
append_csv_number (GString *csv,
                   double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_c (csv, ',');
  if (!isnan (value))
    g_string_append (csv, g_ascii_formatd (buffer, sizeof buffer, "%.6f", value));
}

/**
 * aether_history_page_build_csv:
 * @self: the page
 *
 * The shown bars as CSV: a row per bar with its start and end (ISO 8601
 * with the offset), each band's kWh, the total, the export and the cost.
 * An empty field is a band without data in that bar.
 *
 * Returns: (transfer full): the CSV text
 */
char *
aether_history_page_build_csv (AetherHistoryPage *self)
{
  GString *csv = g_string_new ("start,end");
  guint n_bands = self->bands->len;
  guint n_bars = self->edges->len > 0 ? self->edges->len - 1 : 0;

  g_return_val_if_fail (AETHER_IS_HISTORY_PAGE (self), NULL);

  for (guint s = 0; s < n_bands; s++)
    {
      g_autofree char *header = g_strdup_printf ("%s (kWh)", g_array_index (self->bands, Band, s).name);

      g_string_append_c (csv, ',');
      append_csv_field (csv, header);
    }
  g_string_append (csv, ",total_kwh,exported_kwh,cost\n");
  for (guint b = 0; b < n_bars; b++)
    {
      g_autoptr(GDateTime) start = g_date_time_new_from_unix_local (g_array_index (self->edges, gint64, b) / G_USEC_PER_SEC);
      g_autoptr(GDateTime) end = g_date_time_new_from_unix_local (g_array_index (self->edges, gint64, b + 1) / G_USEC_PER_SEC);
      g_autofree char *a = g_date_time_format_iso8601 (start);
      g_autofree char *z = g_date_time_format_iso8601 (end);
      double total = g_array_index (self->bar_wh, double, b * (n_bands + 1) + n_bands);

      g_string_append_printf (csv, "%s,%s", a, z);
      for (guint s = 0; s <= n_bands; s++)
        append_csv_number (csv, g_array_index (self->bar_wh, double, b * (n_bands + 1) + s) / 1000);
      append_csv_number (csv, isnan (total) ? NAN : g_array_index (self->bar_exported, double, b) / 1000);
      append_csv_number (csv, isnan (total) ? NAN : g_array_index (self->bar_cost, double, b));
      g_string_append_c (csv, '\n');
    }
  return g_string_free (csv, FALSE);
}

/**
 * aether_history_page_export_to_file:
 * @self: the page
 * @file: where to write
 * @error: a location for a #GError
 *
 * Writes aether_history_page_build_csv() to @file, replacing it.
 *
 * Returns: whether it was written
 */
gboolean
aether_history_page_export_to_file (AetherHistoryPage  *self,
                                    GFile              *file,
                                    GError            **error)
{
  g_autofree char *csv = NULL;

  g_return_val_if_fail (AETHER_IS_HISTORY_PAGE (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  csv = aether_history_page_build_csv (self);
  return g_file_replace_contents (file, csv, strlen (csv), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}

static void
on_export_written (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(AetherHistoryPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    {
      AdwToast *toast;
      GtkWidget *overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
      g_autofree char *title = g_strdup_printf (_("Could not export: %s"), error->message);

      g_warning ("%s", title);
      if (overlay != NULL)
        {
          toast = adw_toast_new (title);
          adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
        }
    }
}

static void
on_export_response (GtkNativeDialog   *dialog,
                    int                response,
                    AetherHistoryPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      char *csv = aether_history_page_build_csv (self);
      g_autoptr(GBytes) bytes = g_bytes_new_take (csv, strlen (csv));

      g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL,
                                           on_export_written, g_object_ref (self));
    }
  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AetherHistoryPage *self = AETHER_HISTORY_PAGE (widget);
  GtkNative *native = gtk_widget_get_native (widget);
  GtkFileChooserNative *dialog;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autofree char *start = NULL;
  g_autofree char *name = NULL;

  get_range (self, &from, &to);
  start = g_date_time_format (from, "%Y-%m-%d");
  /* Translators: the suggested file name of an export; %s are a range (day, week…) and its first day */
  name = g_strdup_printf (_("energy-%s-%s.csv"), self->range, start);
  dialog = gtk_file_chooser_native_new (_("Export Energy"), GTK_IS_WINDOW (native) ? GTK_WINDOW (native) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (on_export_response), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
step (AetherHistoryPage *self,
      int                direction)
{
  GDateTime *next = add_range (self->range, self->anchor, direction);

  g_date_time_unref (self->anchor);
  self->anchor = next;
  update (self);
}

static void
previous_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  step (AETHER_HISTORY_PAGE (widget), -1);
}

static void
next_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  step (AETHER_HISTORY_PAGE (widget), 1);
}

static void
today_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  AetherHistoryPage *self = AETHER_HISTORY_PAGE (widget);

  gtk_menu_button_popdown (self->date_button);
  aether_history_page_show (self, self->range, NULL);
}

static void
on_day_selected (AetherHistoryPage *self)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (self->calendar);

  gtk_menu_button_popdown (self->date_button);
  aether_history_page_show (self, self->range, day);
}

static void
on_subject_changed (AetherHistoryPage *self)
{
  update (self);
}

static void
on_stack_toggled (AetherHistoryPage *self)
{
  gboolean by_room = gtk_toggle_button_get_active (self->by_room_button);

  if (by_room == self->by_room)
    return;
  self->by_room = by_room;
  update (self);
}

static void
aether_history_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  AetherHistoryPage *self = AETHER_HISTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_RANGE:
      g_value_set_string (value, self->range);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
aether_history_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  AetherHistoryPage *self = AETHER_HISTORY_PAGE (object);
  const char *range;

  switch (prop_id)
    {
    case PROP_RANGE:
      range = g_value_get_string (value);
      if (range == NULL || !(g_str_equal (range, "day") || g_str_equal (range, "week") ||
                             g_str_equal (range, "month") || g_str_equal (range, "year")))
        range = "day";
      if (g_strcmp0 (self->range, range) != 0)
        {
          g_free (self->range);
          self->range = g_strdup (range);
          g_object_notify_by_pspec (object, pspec);
          if (self->anchor != NULL)
            update (self);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static gboolean
on_refresh (gpointer user_data)
{
  AetherHistoryPage *self = user_data;
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  /* Only a period still going on has anything new to show. */
  get_range (self, &from, &to);
  if (g_date_time_compare (now, to) < 0)
    update (self);
  return G_SOURCE_CONTINUE;
}

static void
aether_history_page_map (GtkWidget *widget)
{
  AetherHistoryPage *self = AETHER_HISTORY_PAGE (widget);

  GTK_WIDGET_CLASS (aether_history_page_parent_class)->map (widget);
  /* Readings stored since it was last shown, then a minute at a time. */
  update (self);
  if (self->refresh_id == 0)
    self->refresh_id = g_timeout_add_seconds (60, on_refresh, self);
}

static void
aether_history_page_unmap (GtkWidget *widget)
{
  g_clear_handle_id (&AETHER_HISTORY_PAGE (widget)->refresh_id, g_source_remove);
  GTK_WIDGET_CLASS (aether_history_page_parent_class)->unmap (widget);
}

static void
aether_history_page_dispose (GObject *object)
{
  AetherHistoryPage *self = (AetherHistoryPage *)object;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  /* Answers still on their way are of no use to a page going away. */
  if (self->reload_cancellable != NULL)
    g_cancellable_cancel (self->reload_cancellable);
  if (self->update_cancellable != NULL)
    g_cancellable_cancel (self->update_cancellable);
  if (self->details_cancellable != NULL)
    g_cancellable_cancel (self->details_cancellable);
  g_clear_object (&self->reload_cancellable);
  g_clear_object (&self->update_cancellable);
  g_clear_object (&self->details_cancellable);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (aether_history_page_parent_class)->dispose (object);
}

static void
aether_history_page_finalize (GObject *object)
{
  AetherHistoryPage *self = (AetherHistoryPage *)object;

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->home, aether_home_unref);
  g_clear_pointer (&self->subjects, g_array_unref);
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  g_clear_pointer (&self->legend_key, g_free);
  g_clear_pointer (&self->period_rows, g_ptr_array_unref);
  g_clear_pointer (&self->anchor, g_date_time_unref);
  g_clear_pointer (&self->range, g_free);
  g_clear_pointer (&self->edges, g_array_unref);
  g_clear_pointer (&self->bands, g_array_unref);
  g_clear_pointer (&self->bar_wh, g_array_unref);
  g_clear_pointer (&self->bar_cost, g_array_unref);
  g_clear_pointer (&self->bar_exported, g_array_unref);
  g_clear_pointer (&self->periods, g_array_unref);

  G_OBJECT_CLASS (aether_history_page_parent_class)->finalize (object);
}

static void
aether_history_page_class_init (AetherHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_history_page_dispose;
  object_class->finalize = aether_history_page_finalize;
  object_class->get_property = aether_history_page_get_property;
  object_class->set_property = aether_history_page_set_property;
  widget_class->map = aether_history_page_map;
  widget_class->unmap = aether_history_page_unmap;

  properties[PROP_RANGE] = g_param_spec_string ("range", NULL, NULL, "day",
                                                G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (AETHER_TYPE_HISTORY_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/history/aether-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, date_button);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, calendar);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, subject_row);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, total_value);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, total_caption);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, compare_previous);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, compare_year);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, exported_label);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, chart_group);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, chart);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, legend);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, by_device_button);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, by_room_button);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, periods_group);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, breakdown_group);
  gtk_widget_class_bind_template_callback (widget_class, on_day_selected);
  gtk_widget_class_bind_template_callback (widget_class, on_stack_toggled);

  gtk_widget_class_install_property_action (widget_class, "history.range", "range");
  gtk_widget_class_install_action (widget_class, "history.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "history.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "history.today", NULL, today_action);
  gtk_widget_class_install_action (widget_class, "history.export", NULL, export_action);
}

static void
aether_history_page_init (AetherHistoryPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  self->subjects = g_array_new (FALSE, TRUE, sizeof (Subject));
  g_array_set_clear_func (self->subjects, subject_clear);
  self->rows = g_ptr_array_new ();
  self->period_rows = g_ptr_array_new ();
  self->range = g_strdup ("day");
  self->anchor = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                        g_date_time_get_day_of_month (now), 0, 0, 0);
  self->edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->bands = g_array_new (FALSE, TRUE, sizeof (Band));
  g_array_set_clear_func (self->bands, band_clear);
  self->bar_wh = g_array_new (FALSE, TRUE, sizeof (double));
  self->bar_cost = g_array_new (FALSE, TRUE, sizeof (double));
  self->bar_exported = g_array_new (FALSE, TRUE, sizeof (double));
  self->periods = g_array_new (FALSE, TRUE, sizeof (Band));
  g_array_set_clear_func (self->periods, band_clear);

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->subject_row, "notify::selected", G_CALLBACK (on_subject_changed), self);
}
