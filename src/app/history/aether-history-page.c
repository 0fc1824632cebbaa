/* aether-history-page.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* History: a day, week, month or year of the whole home, a room or one
 * device, from the stored tiers. The chart asks the store for as many
 * columns as it shows (the store picks the coarsest tier that still has
 * them and returns min, max and mean per column), so a year is as quick as
 * a day; energy and cost come from the rollups' totals, split by device.
 *
 * Who makes up the whole home or a room is the home rule's
 * (aether-home.h), asked of a registry listing read with the data. Every
 * read runs in a GTask thread on a read-only connection of its own, so the
 * window never waits for SQLite; a newer request cancels the one before. */

#define G_LOG_DOMAIN "aether-history-page"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "aether-format.h"
#include "aether-share-row.h"
#include "aether-history-page.h"
#include "dashboard/aether-power-chart.h"

#define YEAR_COLUMNS  365
#define COLUMNS       240

typedef struct
{
  char *group_by;   /* NULL: the whole home */
  char *key;
} Subject;

struct _AetherHistoryPage
{
  AdwBin               parent_instance;

  /* Template widgets */
  GtkWidget           *toolbar;
  GtkStack            *stack;
  AdwStatusPage       *empty_status;
  GtkLabel            *range_label;
  AdwComboRow         *subject_row;
  GtkLabel            *total_value;
  GtkLabel            *total_caption;
  AetherPowerChart    *chart;
  GtkLabel            *from_label;
  GtkLabel            *to_label;
  AdwPreferencesGroup *breakdown_group;

  /* Owned */
  AetherService       *service;
  GPtrArray           *devices;     /* JsonObject */
  AetherHome          *home;        /* the home rule over those devices */
  GCancellable        *reload_cancellable;
  GCancellable        *update_cancellable;
  GArray              *subjects;    /* Subject, in the dropdown's order */
  GPtrArray           *rows;        /* owned by breakdown_group */
  char                *range;       /* day, week, month, year */
  GDateTime           *anchor;      /* local midnight of a day in the range */
  gboolean             has_data;
  guint                refresh_id;  /* while shown: the current period grows */
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
      *to = g_date_time_add_weeks (*from, 1);
    }
  else if (g_str_equal (self->range, "month"))
    {
      *from = g_date_time_new_local (y, m, 1, 0, 0, 0);
      *to = g_date_time_add_months (*from, 1);
    }
  else if (g_str_equal (self->range, "year"))
    {
      *from = g_date_time_new_local (y, 1, 1, 0, 0, 0);
      *to = g_date_time_add_years (*from, 1);
    }
  else
    {
      *from = g_date_time_new_local (y, m, d, 0, 0, 0);
      *to = g_date_time_add_days (*from, 1);
    }
}

static char *
describe_range (AetherHistoryPage *self,
                GDateTime         *from,
                GDateTime         *to)
{
  g_autoptr(GDateTime) last = g_date_time_add_days (to, -1);

  if (g_str_equal (self->range, "week"))
    {
      /* Translators: the first day of a week, in strftime format */
      g_autofree char *a = g_date_time_format (from, _("%-d %b"));
      /* Translators: the last day of a week, in strftime format */
      g_autofree char *b = g_date_time_format (last, _("%-d %b %Y"));

      /* Translators: a week, from its first to its last day */
      return g_strdup_printf (_("%s – %s"), a, b);
    }
  if (g_str_equal (self->range, "month"))
    /* Translators: a month, in strftime format */
    return g_date_time_format (from, _("%B %Y"));
  if (g_str_equal (self->range, "year"))
    /* Translators: a year, in strftime format */
    return g_date_time_format (from, _("%Y"));
  /* Translators: a day, in strftime format */
  return g_date_time_format (from, _("%A %-d %B %Y"));
}

static void
clear_rows (AetherHistoryPage *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->breakdown_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
}

/* ---- Reading, in a thread ---------------------------------------------- */

typedef struct
{
  AetherStore *store;      /* the service's; the thread opens a reader of it */
  gboolean     list_only;  /* a reload: the registry alone */
  char        *group_by;   /* NULL: the whole home */
  char        *key;
  gint64       from_us;
  gint64       to_us;
  guint        columns;

  /* Answers */
  GPtrArray   *devices;    /* JsonNode */
  AetherHome  *home;
  GArray      *buckets;    /* AetherBucket, or NULL */
  GError      *chart_error;
  GPtrArray   *totals;     /* AetherEnergyTotal per device, or NULL */
  GError      *totals_error;
  GHashTable  *counted;    /* ids the subject sums */
} Load;

static void
load_free (gpointer data)
{
  Load *load = data;

  g_clear_object (&load->store);
  g_free (load->group_by);
  g_free (load->key);
  g_clear_pointer (&load->devices, g_ptr_array_unref);
  g_clear_pointer (&load->home, aether_home_unref);
  g_clear_pointer (&load->buckets, g_array_unref);
  g_clear_error (&load->chart_error);
  g_clear_pointer (&load->totals, g_ptr_array_unref);
  g_clear_error (&load->totals_error);
  g_clear_pointer (&load->counted, g_hash_table_unref);
  g_free (load);
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

  load->buckets = aether_store_query_devices (reader, (const char * const *)ids->pdata, "power", load->from_us,
                                              load->to_us, load->columns, NULL, &load->chart_error);
  if (g_task_return_error_if_cancelled (task))
    return;

  /* Every device's energy: the breakdown lists appliances behind a meter. */
  for (guint i = 0; i < load->devices->len; i++)
    g_ptr_array_add (all, (gpointer)json_object_get_string_member (json_node_get_object (g_ptr_array_index (load->devices, i)),
                                                                 "device_id"));
  g_ptr_array_add (all, NULL);
  load->totals = aether_store_energy_totals_for_devices (reader, (const char * const *)all->pdata, load->from_us,
                                                         load->to_us, &load->totals_error);

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

static void
update_chart (AetherHistoryPage *self,
              Load              *load,
              const char        *span)
{
  guint columns = load->columns;
  g_autofree double *avg = g_new (double, columns);
  g_autofree double *low = g_new (double, columns);
  g_autofree double *high = g_new (double, columns);
  gint64 range = load->to_us - load->from_us;

  for (guint c = 0; c < columns; c++)
    avg[c] = low[c] = high[c] = NAN;

  /* Nothing stored yet is an empty chart, not a failure. */
  if (load->buckets == NULL && !g_error_matches (load->chart_error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND))
    g_warning ("Could not read the history: %s", load->chart_error->message);

  /* The store cut the range into as many columns as the chart has; a
   * column's start is rounded down to the microsecond, so round back. */
  for (guint i = 0; load->buckets != NULL && i < load->buckets->len; i++)
    {
      AetherBucket *b = &g_array_index (load->buckets, AetherBucket, i);
      gint64 c = ((b->start_us - load->from_us) * (gint64)columns + range / 2) / range;

      if (c < 0 || c >= columns || b->count == 0)
        continue;
      avg[c] = b->avg;
      low[c] = b->min;
      high[c] = b->max;
      self->has_data = TRUE;
    }

  aether_power_chart_set_span (self->chart, span);
  aether_power_chart_set_values (self->chart, avg, columns, (guint)(range / G_USEC_PER_SEC / columns));
  aether_power_chart_set_band (self->chart, low, high, columns);
}

typedef struct
{
  JsonObject *device;
  double      wh;
  double      cost;
} Share;

static int
compare_shares (gconstpointer a,
                gconstpointer b)
{
  const Share *x = a;
  const Share *y = b;

  return x->wh < y->wh ? 1 : x->wh > y->wh ? -1 : 0;
}

static void
update_totals (AetherHistoryPage *self,
               Load              *load,
               AetherHome        *home)
{
  g_autoptr(GArray) shares = g_array_new (FALSE, FALSE, sizeof (Share));
  const char *currency = aether_service_get_currency (self->service);
  double wh = 0, cost = 0, co2 = 0, most = 0;
  gboolean priced = FALSE;

  clear_rows (self);
  if (load->totals == NULL)
    g_warning ("Could not read the energy totals: %s", load->totals_error->message);

  for (guint i = 0; load->totals != NULL && i < load->totals->len; i++)
    {
      AetherEnergyTotal *total = g_ptr_array_index (load->totals, i);
      JsonObject *device = aether_home_lookup (home, total->key);
      Share share = { device, total->energy_wh, total->cost };
      gboolean counted;

      if (device == NULL)
        continue;
      counted = g_hash_table_contains (load->counted, total->key);
      if (counted)
        {
          wh += total->energy_wh;
          cost += total->cost;
          co2 += total->co2_kg;
          priced |= total->cost != 0;
        }
      /* The breakdown lists appliances, never the meter that sums them. */
      if (!aether_device_is_energy_meter (device) && (counted || load->group_by == NULL) && total->energy_wh > 0)
        g_array_append_val (shares, share);
    }
  if (wh > 0)
    self->has_data = TRUE;

  {
    g_autofree char *energy = aether_format_energy (wh);
    g_autofree char *money = aether_format_money (cost, currency);
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

  g_array_sort (shares, compare_shares);
  if (shares->len > 0)
    most = g_array_index (shares, Share, 0).wh;
  /* One device's breakdown would be the device itself. */
  gtk_widget_set_visible (GTK_WIDGET (self->breakdown_group),
                          shares->len > 0 && g_strcmp0 (load->group_by, "device") != 0);
  {
    g_autofree char *description = g_strdup_printf (ngettext ("%u device used energy in this period",
                                                              "%u devices used energy in this period", shares->len),
                                                    shares->len);

    adw_preferences_group_set_description (self->breakdown_group, description);
  }
  for (guint i = 0; i < shares->len; i++)
    {
      Share *share = &g_array_index (shares, Share, i);
      g_autofree char *energy = aether_format_energy (share->wh);
      g_autofree char *money = aether_format_money (share->cost, currency);
      g_autofree char *text = priced ? g_strdup_printf ("%s · %s", energy, money) : g_strdup (energy);
      GtkWidget *row = aether_share_row_new (json_object_get_string_member (share->device, "name"), aether_device_get_room (share->device),
                                             most > 0 ? share->wh / most : 0, text, 140);

      adw_preferences_group_add (self->breakdown_group, row);
      g_ptr_array_add (self->rows, row);
    }
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
  span = describe_range (self, from, to);
  self->has_data = FALSE;
  update_chart (self, load, span);
  update_totals (self, load, home);

  /* The controls stay: another period or another device is a click away. */
  if (!self->has_data)
    {
      gtk_label_set_text (self->total_value, _("Nothing Recorded"));
      gtk_label_set_text (self->total_caption, _("No readings were stored in this period. Choose another, or "
                                                 "press the date to go back to now."));
    }
  gtk_stack_set_visible_child_name (self->stack, "chart");
}

static char *
format_edge (AetherHistoryPage *self,
             GDateTime         *time)
{
  if (g_str_equal (self->range, "day"))
    /* Translators: a time of day under the chart, in strftime format */
    return g_date_time_format (time, _("%H:%M"));
  /* Translators: a day under the chart, in strftime format */
  return g_date_time_format (time, _("%-d %b"));
}

static void
update (AetherHistoryPage *self)
{
  g_autoptr(GDateTime) from = NULL;
  g_autoptr(GDateTime) to = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *span = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  guint selected = adw_combo_row_get_selected (self->subject_row);
  const Subject *subject;
  Load *load;

  get_range (self, &from, &to);
  span = describe_range (self, from, to);
  gtk_label_set_text (self->range_label, span);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.next", g_date_time_compare (to, now) <= 0);

  /* The registry is still being read: its answer updates the page. */
  if (self->reload_cancellable != NULL)
    return;

  /* Periods to page through only once there is something to show. */
  gtk_widget_set_visible (self->toolbar, self->service != NULL && self->devices->len > 0);
  if (self->service == NULL || self->devices->len == 0 || selected >= self->subjects->len)
    {
      if (self->update_cancellable != NULL)
        g_cancellable_cancel (self->update_cancellable);
      g_clear_object (&self->update_cancellable);
      self->has_data = FALSE;
      adw_status_page_set_title (self->empty_status, _("No History Yet"));
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  from_text = format_edge (self, from);
  to_text = format_edge (self, to);
  gtk_label_set_text (self->from_label, from_text);
  gtk_label_set_text (self->to_label, to_text);

  subject = &g_array_index (self->subjects, Subject, selected);
  load = g_new0 (Load, 1);
  load->group_by = g_strdup (subject->group_by);
  load->key = g_strdup (subject->key);
  load->from_us = g_date_time_to_unix (from) * G_USEC_PER_SEC;
  load->to_us = g_date_time_to_unix (to) * G_USEC_PER_SEC;
  load->columns = g_str_equal (self->range, "year") ? YEAR_COLUMNS : COLUMNS;
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
  g_clear_object (&self->update_cancellable);

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

  return self->reload_cancellable != NULL || self->update_cancellable != NULL;
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

static void
step (AetherHistoryPage *self,
      int                direction)
{
  GDateTime *next;

  if (g_str_equal (self->range, "week"))
    next = g_date_time_add_weeks (self->anchor, direction);
  else if (g_str_equal (self->range, "month"))
    next = g_date_time_add_months (self->anchor, direction);
  else if (g_str_equal (self->range, "year"))
    next = g_date_time_add_years (self->anchor, direction);
  else
    next = g_date_time_add_days (self->anchor, direction);
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

  aether_history_page_show (self, self->range, NULL);
}

static void
on_subject_changed (AetherHistoryPage *self)
{
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
  g_clear_object (&self->reload_cancellable);
  g_clear_object (&self->update_cancellable);
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
  g_clear_pointer (&self->anchor, g_date_time_unref);
  g_clear_pointer (&self->range, g_free);

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

  g_type_ensure (AETHER_TYPE_POWER_CHART);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/history/aether-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, toolbar);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, subject_row);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, total_value);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, total_caption);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, chart);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, from_label);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, to_label);
  gtk_widget_class_bind_template_child (widget_class, AetherHistoryPage, breakdown_group);

  gtk_widget_class_install_property_action (widget_class, "history.range", "range");
  gtk_widget_class_install_action (widget_class, "history.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "history.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "history.today", NULL, today_action);
}

static void
aether_history_page_init (AetherHistoryPage *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();

  self->devices = g_ptr_array_new_with_free_func ((GDestroyNotify)json_object_unref);
  self->subjects = g_array_new (FALSE, TRUE, sizeof (Subject));
  g_array_set_clear_func (self->subjects, subject_clear);
  self->rows = g_ptr_array_new ();
  self->range = g_strdup ("day");
  self->anchor = g_date_time_new_local (g_date_time_get_year (now), g_date_time_get_month (now),
                                        g_date_time_get_day_of_month (now), 0, 0, 0);

  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->subject_row, "notify::selected", G_CALLBACK (on_subject_changed), self);
}
