/* aether-rate-editor.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The rate editor: one tariff version in a window, every part of the
 * seed's Rate Schedule a person would otherwise write by hand. The editor
 * keeps what was typed (texts, not numbers: a price that does not read
 * keeps its text and says why) and a quarter-hour week per season, which
 * the grid paints; after every change it writes the schedule's JSON from
 * them, over a copy of the version it began from (members it does not
 * show are kept), and asks the core validator, whose messages (the days
 * and times of each gap) stand beside the grid. Save stays off while
 * there is any problem and writes through the service: a correction of
 * the version opened, or a new version (a new tariff, a duplicate, or
 * "new version from date…", which ends the one before). The what-if
 * beside the editor prices the stored days' hour profiles with the
 * schedule being edited and with the one in force, on a thread with its
 * own read-only connection, through the re-pricing code path. */

#define G_LOG_DOMAIN "aether-rate-editor"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "aether-format.h"
#include "aether-rate-editor.h"
#include "aether-rate-format.h"
#include "aether-rate-grid.h"
#include "aether-week-grid.h"

#define SLOTS_PER_DAY AETHER_RATE_GRID_SLOTS_PER_DAY
#define N_SLOTS       AETHER_RATE_GRID_N_SLOTS
#define NONE          AETHER_RATE_GRID_NONE

typedef struct
{
  char *limit;   /* kWh, empty for the last tier */
  char *price;
} Tier;

typedef struct
{
  char      *name;
  char      *price;
  char      *sell;
  GPtrArray *tiers;          /* Tier */
  char      *hours_problem;  /* what is wrong with the hours typed as text */
  char      *hours_typed;    /* those hours, as typed */
} Period;

typedef struct
{
  char      *name;
  guint      first_month;   /* 1–12 */
  guint      last_month;
  GPtrArray *periods;       /* Period */
  guint8     slots[N_SLOTS];
} Season;

typedef struct
{
  char    *name;
  char    *percent;
  gboolean energy;
  gboolean demand;
  gboolean fixed;
} Tax;

struct _AetherRateEditor
{
  AdwWindow            parent_instance;

  /* Widgets, owned by the window */
  AdwToastOverlay     *toasts;
  AdwWindowTitle      *title;
  GtkWidget           *save;
  AdwFlap             *flap;
  AdwPreferencesPage  *page;
  AdwEntryRow         *provider;
  AdwEntryRow         *plan;
  AdwEntryRow         *currency;
  AdwActionRow        *tz_row;
  GtkMenuButton       *tz_button;
  GtkSearchEntry      *tz_search;
  GtkFilterListModel  *tz_filtered;
  AdwEntryRow         *effective;
  AdwEntryRow         *expiry;
  AdwPreferencesGroup *versions_group;
  GPtrArray           *version_rows;
  GtkWidget           *new_version_button;
  AdwPreferencesGroup *seasons_group;
  AdwPreferencesGroup *periods_group;
  AetherRateGrid      *grid;
  GtkListBox          *messages;
  AdwEntryRow         *monthly;
  AdwEntryRow         *daily;
  AdwComboRow         *tier_basis;
  AdwEntryRow         *demand_rate;
  AdwComboRow         *demand_window;
  AdwExpanderRow      *demand_periods_row;
  AdwPreferencesGroup *taxes_group;
  AdwEntryRow         *carbon;
  GtkSpinButton       *cycle_day;
  GtkBox              *whatif_box;
  GtkLabel            *whatif_status;
  GPtrArray           *season_rows;     /* borrowed rows of seasons_group */
  GPtrArray           *period_rows;     /* AdwExpanderRow, borrowed */
  GPtrArray           *hours_entries;   /* each period's hours as text, borrowed */
  GPtrArray           *extra_rows;      /* rows of periods_group that are not periods */
  GPtrArray           *tax_rows;
  GPtrArray           *demand_checks;
  GPtrArray           *whatif_widgets;

  /* Owned */
  AetherService       *service;
  JsonObject          *original;
  char                *rate_id;         /* the stored version corrected; NULL adds one */
  char                *tz;
  GPtrArray           *seasons;         /* Season */
  guint                season;          /* the one whose week is shown */
  GPtrArray           *taxes;           /* Tax */
  char               **demand_periods;  /* NULL: every period */
  GPtrArray           *problems;
  GCancellable        *whatif_cancellable;
  guint                whatif_timeout;
  gboolean             have_whatif;
  double               whatif_totals[4];
  gboolean             building;        /* rows being made: their signals are not edits */
  char                *opened;          /* the JSON as shown when opened, to know what changed */
  gboolean             may_close;       /* saved, deleted or discarded */
  GtkNativeDialog     *chooser;
};

G_DEFINE_FINAL_TYPE (AetherRateEditor, aether_rate_editor, ADW_TYPE_WINDOW)

enum {
  DELETE_REQUESTED,
  OPEN_VERSION,
  WHAT_IF_READY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const day_keys[] = {
  "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
};

static void revalidate (AetherRateEditor *self);
static void rebuild_periods (AetherRateEditor *self);
static void rebuild_seasons (AetherRateEditor *self);
static void rebuild_taxes (AetherRateEditor *self);
static void rebuild_demand_periods (AetherRateEditor *self);
static GPtrArray *all_period_names (AetherRateEditor *self);

/* g_ptr_array_sort() hands pointers to the elements. */
static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static void
set_name (GtkWidget  *widget,
          const char *format,
          ...) G_GNUC_PRINTF (2, 3);

/* Names the tests and the CSS find a widget by. */
static void
set_name (GtkWidget  *widget,
          const char *format,
          ...)
{
  g_autofree char *name = NULL;
  va_list args;

  va_start (args, format);
  name = g_strdup_vprintf (format, args);
  va_end (args);
  gtk_widget_set_name (widget, name);
}

/* ---- The model: what was typed ------------------------------------------ */

static void
tier_free (gpointer data)
{
  Tier *tier = data;

  g_free (tier->limit);
  g_free (tier->price);
  g_free (tier);
}

static Tier *
tier_new (const char *limit,
          const char *price)
{
  Tier *tier = g_new0 (Tier, 1);

  tier->limit = g_strdup (limit ? limit : "");
  tier->price = g_strdup (price ? price : "");
  return tier;
}

static void
period_free (gpointer data)
{
  Period *period = data;

  g_free (period->name);
  g_free (period->price);
  g_free (period->sell);
  g_ptr_array_unref (period->tiers);
  g_free (period->hours_problem);
  g_free (period->hours_typed);
  g_free (period);
}

static Period *
period_new (const char *name,
            const char *price)
{
  Period *period = g_new0 (Period, 1);

  period->name = g_strdup (name);
  period->price = g_strdup (price ? price : "");
  period->sell = g_strdup ("");
  period->tiers = g_ptr_array_new_with_free_func (tier_free);
  return period;
}

static Period *
period_copy (const Period *from)
{
  Period *period = period_new (from->name, from->price);

  g_free (period->sell);
  period->sell = g_strdup (from->sell);
  for (guint i = 0; i < from->tiers->len; i++)
    {
      Tier *t = g_ptr_array_index (from->tiers, i);

      g_ptr_array_add (period->tiers, tier_new (t->limit, t->price));
    }
  return period;
}

static void
season_free (gpointer data)
{
  Season *season = data;

  g_free (season->name);
  g_ptr_array_unref (season->periods);
  g_free (season);
}

static Season *
season_new (const char *name)
{
  Season *season = g_new0 (Season, 1);

  season->name = g_strdup (name);
  season->first_month = 1;
  season->last_month = 12;
  season->periods = g_ptr_array_new_with_free_func (period_free);
  memset (season->slots, NONE, N_SLOTS);
  return season;
}

static void
tax_free (gpointer data)
{
  Tax *tax = data;

  g_free (tax->name);
  g_free (tax->percent);
  g_free (tax);
}

static guint
current_season_index (AetherRateEditor *self)
{
  return MIN (self->season, self->seasons->len - 1);
}

static Season *
current_season (AetherRateEditor *self)
{
  return g_ptr_array_index (self->seasons, current_season_index (self));
}

static void
set_current_season (AetherRateEditor *self,
                    guint             index)
{
  self->season = index;
}

/* ---- JSON members -------------------------------------------------------- */


static char *
number_text (JsonObject *object,
             const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_DOUBLE && json_node_get_value_type (node) != G_TYPE_INT64))
    return g_strdup ("");
  return g_strdup_printf ("%g", json_node_get_double (node));
}

/* ---- Hours as text, from the quarter-hour slots -------------------------- */

static char *
day_ranges (const guint8 *slots,
            guint         day,
            guint         period)
{
  GString *text = g_string_new (NULL);

  for (guint q = 0; q < SLOTS_PER_DAY;)
    {
      guint end;

      if (slots[day * SLOTS_PER_DAY + q] != period)
        {
          q++;
          continue;
        }
      for (end = q; end < SLOTS_PER_DAY && slots[day * SLOTS_PER_DAY + end] == period; end++)
        ;
      g_string_append_printf (text, "%s%02u:%02u-%02u:%02u", text->len ? "," : "", q / 4, q % 4 * 15, end / 4,
                              end % 4 * 15);
      q = end;
    }
  return g_string_free (text, FALSE);
}

typedef struct
{
  guint8  days;
  char   *hours;
} DayGroup;

static void
day_group_clear (gpointer data)
{
  g_free (((DayGroup *)data)->hours);
}

/* The days that share the same hours of @period, in the order of the week. */
static GArray *
period_day_groups (const guint8 *slots,
                   guint         period)
{
  GArray *groups = g_array_new (FALSE, TRUE, sizeof (DayGroup));

  g_array_set_clear_func (groups, day_group_clear);
  for (guint d = 0; d < 7; d++)
    {
      g_autofree char *hours = day_ranges (slots, d, period);
      gboolean found = FALSE;

      if (hours[0] == '\0')
        continue;
      for (guint g = 0; g < groups->len && !found; g++)
        {
          DayGroup *group = &g_array_index (groups, DayGroup, g);

          if (g_str_equal (group->hours, hours))
            {
              group->days |= 1 << d;
              found = TRUE;
            }
        }
      if (!found)
        {
          DayGroup group = { 1 << d, g_steal_pointer (&hours) };

          g_array_append_val (groups, group);
        }
    }
  return groups;
}

static char *
describe_days (guint8 days)
{
  static const char *titles[7];
  GString *text;

  titles[0] = _("Monday"); titles[1] = _("Tuesday"); titles[2] = _("Wednesday"); titles[3] = _("Thursday");
  titles[4] = _("Friday"); titles[5] = _("Saturday"); titles[6] = _("Sunday");
  if (days == 0x7f)
    return g_strdup (_("Every day"));
  if (days == 0x1f)
    return g_strdup (_("Weekdays"));
  if (days == 0x60)
    return g_strdup (_("Weekends"));
  text = g_string_new (NULL);
  for (guint d = 0; d < 7; d++)
    if (days & (1 << d))
      g_string_append_printf (text, "%s%s", text->len ? ", " : "", titles[d]);
  return g_string_free (text, FALSE);
}

/* The text form of a period's hours, e.g. "Weekdays 16:00-21:00". */
static char *
describe_hours (const guint8 *slots,
                guint         period)
{
  g_autoptr(GArray) groups = period_day_groups (slots, period);
  GString *text = g_string_new (NULL);

  for (guint g = 0; g < groups->len; g++)
    {
      DayGroup *group = &g_array_index (groups, DayGroup, g);
      g_autofree char *days = describe_days (group->days);
      g_autofree char *hours = g_strdelimit (g_strdup (group->hours), ",", ' ');

      g_string_append_printf (text, "%s%s %s", text->len ? " · " : "", days, hours);
    }
  if (text->len == 0)
    g_string_append (text, _("No hours yet: select it and paint the week"));
  return g_string_free (text, FALSE);
}

static JsonNode *days_json (guint8 days);

static JsonNode *
days_json (guint8 days)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  if (days == 0x7f)
    json_array_add_string_element (array, "all");
  else if (days == 0x1f)
    json_array_add_string_element (array, "weekdays");
  else if (days == 0x60)
    json_array_add_string_element (array, "weekends");
  else
    for (guint d = 0; d < 7; d++)
      if (days & (1 << d))
        json_array_add_string_element (array, day_keys[d]);
  json_node_take_array (node, array);
  return node;
}

/* The hours of @period in the schedule's own words, as the text form
 * shows them: "weekdays 16:00-21:00; saturday,sunday 10:00-12:00". */
static char *
hours_text (const guint8 *slots,
            guint         period)
{
  g_autoptr(GArray) groups = period_day_groups (slots, period);
  GString *text = g_string_new (NULL);

  for (guint g = 0; g < groups->len; g++)
    {
      DayGroup *group = &g_array_index (groups, DayGroup, g);
      g_autoptr(JsonNode) days = days_json (group->days);
      JsonArray *array = json_node_get_array (days);

      g_string_append (text, text->len ? "; " : "");
      for (guint i = 0; i < json_array_get_length (array); i++)
        g_string_append_printf (text, "%s%s", i ? "," : "", json_array_get_string_element (array, i));
      g_string_append_printf (text, " %s", group->hours);
    }
  return g_string_free (text, FALSE);
}

/* Reads the text form of a period's hours with the core's own rule (a
 * one-period schedule parsed by the validator), and on success gives
 * those quarter hours of @slots to @period: the text and the grid say
 * the same. Returns what is wrong, or %NULL. */
static char *
apply_hours_text (guint8     *slots,
                  guint       period,
                  const char *text)
{
  g_auto(GStrv) groups = g_strsplit (text, ";", -1);
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(AetherRateSchedule) parsed = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  const guint8 *week;
  guint n = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rate_id");
  json_builder_add_string_value (b, "hours");
  json_builder_set_member_name (b, "rate_structure");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "periods");
  json_builder_begin_array (b);
  for (guint g = 0; groups[g]; g++)
    {
      char *group = g_strstrip (groups[g]);
      char *space = strpbrk (group, " \t");
      g_auto(GStrv) days = NULL;

      if (group[0] == '\0')
        continue;
      if (space == NULL)
        /* Translators: the text form of a period's hours, as typed */
        return g_strdup_printf (_("“%s” needs days and hours, e.g. “weekdays 16:00-21:00”"), group);
      *space = '\0';
      days = g_strsplit (group, ",", -1);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, "hours");
      json_builder_set_member_name (b, "rate");
      json_builder_add_double_value (b, 0);
      json_builder_set_member_name (b, "days");
      json_builder_begin_array (b);
      for (guint d = 0; days[d]; d++)
        json_builder_add_string_value (b, g_strstrip (days[d]));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "hours");
      json_builder_add_string_value (b, g_strstrip (space + 1));
      json_builder_end_object (b);
      n++;
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  node = json_builder_get_root (b);

  parsed = aether_rate_schedule_parse_json (node, &problems);
  for (guint i = 0; i < problems->len; i++)
    {
      const char *problem = g_ptr_array_index (problems, i);

      /* The other periods cover the rest: gaps are theirs, not this text's. */
      if (strstr (problem, "not covered") == NULL && (n > 0 || strstr (problem, "no periods") == NULL))
        {
          const char *said = g_str_has_prefix (problem, "Rate “hours”: ") ? problem + strlen ("Rate “hours”: ") : problem;

          return g_strdup (said);
        }
    }

  week = n > 0 ? aether_rate_schedule_get_season_week (parsed, 0) : NULL;
  for (guint m = 0; week != NULL && m < 7 * 1440; m++)
    if (week[m] != week[m - m % 15])
      return g_strdup (_("The editor works in quarter hours: begin and end on :00, :15, :30 or :45"));

  for (guint q = 0; q < N_SLOTS; q++)
    {
      gboolean in = week != NULL && week[q * 15] != NONE;

      if (in)
        slots[q] = (guint8)period;
      else if (slots[q] == period)
        slots[q] = NONE;
    }
  return NULL;
}


/* ---- Writing the schedule ------------------------------------------------ */

typedef struct
{
  GPtrArray *problems;
} Build;

static gboolean
text_is_blank (const char *text)
{
  for (; text && *text; text++)
    if (!g_ascii_isspace (*text))
      return FALSE;
  return TRUE;
}

/* Reads a number the person typed into @object's @member, or says what is
 * wrong with it (the JSON gets 0, so the validator does not say it twice). */
static void
put_number (Build      *b,
            JsonObject *object,
            const char *member,
            const char *text,
            gboolean    optional,
            const char *what)
{
  g_autoptr(GError) error = NULL;
  double value;

  if (optional && text_is_blank (text))
    {
      json_object_remove_member (object, member);
      return;
    }
  if (!aether_parse_price (text, &value, &error))
    {
      /* Translators: what is wrong with a field, e.g. "Peak, price: “0.1x” is not a number" */
      g_ptr_array_add (b->problems, g_strdup_printf (_("%s: %s"), what, error->message));
      value = 0;
    }
  json_object_set_double_member (object, member, value);
}

static JsonArray *
periods_json (Build  *b,
              Season *season,
              guint   n_seasons)
{
  JsonArray *array = json_array_new ();

  for (guint p = 0; p < season->periods->len; p++)
    {
      Period *period = g_ptr_array_index (season->periods, p);
      g_autoptr(GArray) groups = period_day_groups (season->slots, p);
      /* Translators: a season and a period, e.g. "summer: peak" */
      g_autofree char *label = n_seasons > 1 ? g_strdup_printf (_("%s: %s"), season->name, period->name)
                                             : g_strdup (period->name);

      if (text_is_blank (period->name))
        g_ptr_array_add (b->problems, g_strdup (_("A period has no name")));
      if (period->hours_problem != NULL)
        /* Translators: a period, then what is wrong with its hours as typed */
        g_ptr_array_add (b->problems, g_strdup_printf (_("Rate “%s”, hours: %s"), label, period->hours_problem));
      if (groups->len == 0)
        /* Translators: a period (and season) no hour was painted with */
        g_ptr_array_add (b->problems, g_strdup_printf (_("Rate “%s”: no hours yet; paint some, or delete it"), label));

      for (guint g = 0; g < groups->len; g++)
        {
          DayGroup *group = &g_array_index (groups, DayGroup, g);
          JsonObject *object = json_object_new ();
          Build quiet = { g_ptr_array_new_with_free_func (g_free) };
          Build *into = g == 0 ? b : &quiet;   /* each text's problem said once */

          json_object_set_string_member (object, "name", period->name);
          if (period->tiers->len == 0)
            {
              g_autofree char *what = g_strdup_printf (_("%s, price"), label);

              put_number (into, object, "rate", period->price, FALSE, what);
            }
          else
            {
              JsonArray *tiers = json_array_new ();

              for (guint t = 0; t < period->tiers->len; t++)
                {
                  Tier *tier = g_ptr_array_index (period->tiers, t);
                  JsonObject *to = json_object_new ();
                  g_autofree char *what_limit = g_strdup_printf (_("%s, tier %u limit"), label, t + 1);
                  g_autofree char *what_price = g_strdup_printf (_("%s, tier %u price"), label, t + 1);

                  put_number (into, to, "max_kwh", tier->limit, TRUE, what_limit);
                  put_number (into, to, "rate", tier->price, FALSE, what_price);
                  json_array_add_object_element (tiers, to);
                }
              json_object_set_array_member (object, "tiers", tiers);
            }
          {
            g_autofree char *what = g_strdup_printf (_("%s, sell price"), label);

            put_number (into, object, "sell_rate", period->sell, TRUE, what);
          }
          json_object_set_member (object, "days", days_json (group->days));
          json_object_set_string_member (object, "hours", group->hours);
          json_array_add_object_element (array, object);
          g_ptr_array_unref (quiet.problems);
        }
    }

  return array;
}

static char *
slug (const char *text)
{
  GString *out = g_string_new (NULL);
  g_autofree char *lower = g_utf8_strdown (text ? text : "", -1);

  for (const char *c = lower; *c; c++)
    {
      if (g_ascii_isalnum (*c))
        g_string_append_c (out, *c);
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append (out, "tariff");
  return g_string_free (out, FALSE);
}

static const char *
row_text (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static char *
stripped (AdwEntryRow *row)
{
  return g_strstrip (g_strdup (row_text (row)));
}

static void
put_string_or_remove (JsonObject *object,
                      const char *member,
                      const char *text)
{
  if (text == NULL || text[0] == '\0')
    json_object_remove_member (object, member);
  else
    json_object_set_string_member (object, member, text);
}

static JsonNode *
build (AetherRateEditor *self,
       GPtrArray        *problems)
{
  Build b = { problems };
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  JsonObject *structure = json_object_new ();
  JsonObject *fixed;
  g_autofree char *provider = stripped (self->provider);
  g_autofree char *plan = stripped (self->plan);
  g_autofree char *currency = stripped (self->currency);
  g_autofree char *effective = stripped (self->effective);
  g_autofree char *expiry = stripped (self->expiry);
  g_autofree char *carbon = stripped (self->carbon);
  guint window_minutes[] = { 15, 5, 30, 60 };
  gboolean has_demand;

  /* Members the editor does not show (metadata, …) stay as they were. */
  if (self->original != NULL)
    {
      g_autoptr(JsonNode) copy = NULL;
      JsonNode *wrap = json_node_new (JSON_NODE_OBJECT);

      json_node_set_object (wrap, self->original);
      copy = json_node_copy (wrap);
      json_node_unref (wrap);
      json_object_unref (object);
      object = json_object_ref (json_node_get_object (copy));
    }
  json_node_take_object (node, object);

  if (self->rate_id != NULL)
    json_object_set_string_member (object, "rate_id", self->rate_id);
  else
    {
      g_autofree char *base = slug (plan[0] ? plan : provider);
      g_autofree char *id = g_strdup_printf ("%s-%s", base, effective[0] ? effective : "new");

      json_object_set_string_member (object, "rate_id", id);
    }
  put_string_or_remove (object, "provider", provider);
  put_string_or_remove (object, "plan_name", plan);
  if (plan[0] == '\0')
    g_ptr_array_add (problems, g_strdup (_("The plan needs a name")));
  if (strlen (currency) != 3 || !g_ascii_isalpha (currency[0]) || !g_ascii_isalpha (currency[1]) ||
      !g_ascii_isalpha (currency[2]))
    g_ptr_array_add (problems, g_strdup_printf (_("Currency “%s” is not a three-letter code such as EUR or USD"), currency));
  {
    g_autofree char *upper = g_ascii_strup (currency, -1);

    json_object_set_string_member (object, "currency", upper);
  }
  json_object_set_string_member (object, "time_zones", self->tz);
  if (effective[0] == '\0')
    g_ptr_array_add (problems, g_strdup (_("The date it takes effect is missing (YYYY-MM-DD)")));
  put_string_or_remove (object, "effective_date", effective);
  put_string_or_remove (object, "expiry_date", expiry);

  /* The rate structure. */
  {
    JsonObject *was = aether_json_get_object (object, "rate_structure");

    if (was != NULL && aether_json_get_string (was, "type") != NULL)
      json_object_set_string_member (structure, "type", aether_json_get_string (was, "type"));
    else
      json_object_set_string_member (structure, "type", "time_of_use");
  }
  if (adw_combo_row_get_selected (self->tier_basis) == 1)
    json_object_set_string_member (structure, "tier_basis", "daily");
  if (self->seasons->len == 1)
    json_object_set_array_member (structure, "periods", periods_json (&b, g_ptr_array_index (self->seasons, 0), 1));
  else
    {
      JsonArray *seasons = json_array_new ();

      for (guint s = 0; s < self->seasons->len; s++)
        {
          Season *season = g_ptr_array_index (self->seasons, s);
          JsonObject *so = json_object_new ();
          JsonArray *months = json_array_new ();

          if (text_is_blank (season->name))
            g_ptr_array_add (problems, g_strdup_printf (_("Season %u has no name"), s + 1));
          json_object_set_string_member (so, "name", season->name);
          for (guint m = season->first_month; ; m = m % 12 + 1)
            {
              json_array_add_int_element (months, m);
              if (m == season->last_month)
                break;
            }
          json_object_set_array_member (so, "months", months);
          json_object_set_array_member (so, "periods", periods_json (&b, season, self->seasons->len));
          json_array_add_object_element (seasons, so);
        }
      json_object_set_array_member (structure, "seasons", seasons);
    }
  json_object_set_object_member (object, "rate_structure", structure);

  /* Charges: the seed's fixed_charges, demand's window and periods beside. */
  fixed = aether_json_get_object (object, "fixed_charges");
  if (fixed == NULL)
    {
      fixed = json_object_new ();
      json_object_set_object_member (object, "fixed_charges", fixed);
    }
  put_number (&b, fixed, "monthly_service", row_text (self->monthly), TRUE, _("Monthly service charge"));
  put_number (&b, fixed, "daily_service", row_text (self->daily), TRUE, _("Daily service charge"));
  put_number (&b, fixed, "demand_charge", row_text (self->demand_rate), TRUE, _("Demand charge"));
  has_demand = json_object_has_member (fixed, "demand_charge");
  if (json_object_get_size (fixed) == 0)
    json_object_remove_member (object, "fixed_charges");

  json_object_remove_member (object, "demand");
  if (has_demand)
    {
      guint window = window_minutes[MIN (adw_combo_row_get_selected (self->demand_window), 3)];

      if (window != 15 || self->demand_periods != NULL)
        {
          JsonObject *demand = json_object_new ();

          json_object_set_int_member (demand, "window_minutes", window);
          if (self->demand_periods != NULL)
            {
              JsonArray *periods = json_array_new ();

              g_autoptr(GPtrArray) names = all_period_names (self);

              for (guint i = 0; self->demand_periods[i]; i++)
                {
                  /* A period renamed since it was ticked. */
                  if (!g_ptr_array_find_with_equal_func (names, self->demand_periods[i], g_str_equal, NULL))
                    g_ptr_array_add (problems, g_strdup_printf (_("The demand charge counts in “%s”, which is no "
                                                                  "period: tick the periods again"),
                                                                self->demand_periods[i]));
                  json_array_add_string_element (periods, self->demand_periods[i]);
                }
              json_object_set_array_member (demand, "periods", periods);
            }
          json_object_set_object_member (object, "demand", demand);
        }
    }

  json_object_remove_member (object, "taxes");
  if (self->taxes->len > 0)
    {
      JsonArray *taxes = json_array_new ();

      for (guint i = 0; i < self->taxes->len; i++)
        {
          Tax *tax = g_ptr_array_index (self->taxes, i);
          JsonObject *to = json_object_new ();
          JsonArray *applies = json_array_new ();
          g_autofree char *what = g_strdup_printf (_("Tax “%s”, percent"), tax->name);

          json_object_set_string_member (to, "name", tax->name);
          put_number (&b, to, "percent", tax->percent, FALSE, what);
          if (tax->energy)
            json_array_add_string_element (applies, "energy");
          if (tax->demand)
            json_array_add_string_element (applies, "demand");
          if (tax->fixed)
            json_array_add_string_element (applies, "fixed");
          if (json_array_get_length (applies) == 0)
            g_ptr_array_add (problems, g_strdup_printf (_("Tax “%s” applies to nothing: choose energy, demand or fixed"),
                                                        tax->name));
          json_object_set_array_member (to, "applies_to", applies);
          json_array_add_object_element (taxes, to);
        }
      json_object_set_array_member (object, "taxes", taxes);
    }

  /* One figure, or 24 by hour separated by spaces or semicolons (a comma
   * may be a decimal point). */
  json_object_remove_member (object, "carbon_intensity_g_per_kwh");
  if (carbon[0] != '\0')
    {
      g_auto(GStrv) parts = g_regex_split_simple ("[\\s;]+", carbon, 0, 0);
      guint n = g_strv_length (parts);

      if (n == 1)
        put_number (&b, object, "carbon_intensity_g_per_kwh", carbon, FALSE, _("Carbon intensity"));
      else if (n != 24)
        g_ptr_array_add (problems, g_strdup_printf (_("Carbon intensity: write one figure, or 24 (one per hour, "
                                                      "separated by spaces), not %u"), n));
      else
        {
          JsonArray *hours = json_array_new ();

          for (guint h = 0; h < 24; h++)
            {
              g_autoptr(GError) error = NULL;
              double value = 0;

              if (!aether_parse_price (parts[h], &value, &error))
                g_ptr_array_add (problems, g_strdup_printf (_("Carbon intensity at %02u:00: %s"), h, error->message));
              json_array_add_double_element (hours, value);
            }
          json_object_set_array_member (object, "carbon_intensity_g_per_kwh", hours);
        }
    }

  {
    int day = gtk_spin_button_get_value_as_int (self->cycle_day);

    if (day != 1 || json_object_has_member (object, "billing_cycle_start_day"))
      json_object_set_int_member (object, "billing_cycle_start_day", day);
  }

  return node;
}

/**
 * aether_rate_editor_build_json:
 * @self: an editor
 *
 * Returns: (transfer full): the schedule as the editor would save it
 */
JsonNode *
aether_rate_editor_build_json (AetherRateEditor *self)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (AETHER_IS_RATE_EDITOR (self), NULL);

  return build (self, problems);
}

/**
 * aether_rate_editor_get_problems:
 * @self: an editor
 *
 * Returns: (transfer none) (element-type utf8): what stands beside the grid
 */
GPtrArray *
aether_rate_editor_get_problems (AetherRateEditor *self)
{
  g_return_val_if_fail (AETHER_IS_RATE_EDITOR (self), NULL);

  return self->problems;
}

/* ---- Validation as you type ---------------------------------------------- */

static void
set_row_error (GtkWidget  *row,
               const char *text)
{
  g_autoptr(GError) error = NULL;
  double value;
  gboolean bad = !text_is_blank (text) && !aether_parse_price (text, &value, &error);

  if (bad)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
  gtk_widget_set_tooltip_text (row, bad ? error->message : NULL);
}

static void schedule_what_if (AetherRateEditor *self);

static void
update_period_subtitles (AetherRateEditor *self)
{
  Season *season = current_season (self);

  for (guint p = 0; p < self->period_rows->len && p < season->periods->len; p++)
    {
      g_autofree char *hours = describe_hours (season->slots, p);
      GtkWidget *entry = p < self->hours_entries->len ? g_ptr_array_index (self->hours_entries, p) : NULL;
      GtkRoot *root = entry ? gtk_widget_get_root (entry) : NULL;
      GtkWidget *focus = root ? gtk_root_get_focus (root) : NULL;
      Period *period = g_ptr_array_index (season->periods, p);

      adw_expander_row_set_subtitle (g_ptr_array_index (self->period_rows, p), hours);
      /* The text form follows the grid, except while it is being typed in
       * (or does not read: what was typed stays). */
      if (entry != NULL && period->hours_problem == NULL &&
          !(focus != NULL && (focus == entry || gtk_widget_is_ancestor (focus, entry))))
        {
          g_autofree char *text = hours_text (season->slots, p);

          if (g_strcmp0 (text, gtk_editable_get_text (GTK_EDITABLE (entry))) != 0)
            {
              gboolean was_building = self->building;

              self->building = TRUE;
              gtk_editable_set_text (GTK_EDITABLE (entry), text);
              self->building = was_building;
            }
        }
    }
}

static void
revalidate (AetherRateEditor *self)
{
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GPtrArray) found = NULL;
  GtkWidget *child;

  if (self->building)
    return;

  node = build (self, problems);
  found = aether_rate_schedule_validate_json (node);
  for (guint i = 0; i < found->len; i++)
    {
      const char *message = g_ptr_array_index (found, i);

      /* A missing rate is already said as what is wrong with its text. */
      if (!g_ptr_array_find_with_equal_func (problems, message, g_str_equal, NULL))
        g_ptr_array_add (problems, g_strdup (message));
    }
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  self->problems = g_steal_pointer (&problems);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->messages))))
    gtk_list_box_remove (self->messages, child);
  for (guint i = 0; i < self->problems->len; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      const char *message = g_ptr_array_index (self->problems, i);
      g_autofree char *first = g_utf8_strup (message, g_utf8_next_char (message) - message);
      /* The validator's sentences may begin with a day ("weekends 00:00–…"). */
      g_autofree char *title = g_strconcat (first, g_utf8_next_char (message), NULL);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (icon, "warning");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->messages, row);
    }
  if (self->problems->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Every hour of the week has one period: ready to save"));
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_add_css_class (icon, "success");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->messages, row);
    }

  gtk_widget_set_sensitive (self->save, self->problems->len == 0);
  gtk_widget_set_tooltip_text (self->save, self->problems->len == 0 ? _("Store this version; stored costs are priced again")
                                                                   : _("Fix the problems beside the week first"));
  update_period_subtitles (self);
  schedule_what_if (self);
}

/* ---- Periods ------------------------------------------------------------- */

typedef struct
{
  AetherRateEditor *self;
  guint             period;
  guint             tier;
  int               field;
} Ref;

enum { F_NAME, F_PRICE, F_SELL, F_TIER_LIMIT, F_TIER_PRICE, F_HOURS };

static Ref *
ref_new (AetherRateEditor *self,
         guint             period,
         guint             tier,
         int               field)
{
  Ref *ref = g_new0 (Ref, 1);

  ref->self = self;
  ref->period = period;
  ref->tier = tier;
  ref->field = field;
  return ref;
}

static void
on_period_text_changed (GtkEditable *editable,
                        Ref         *ref)
{
  AetherRateEditor *self = ref->self;
  Season *season = current_season (self);
  Period *period;
  char **slot = NULL;

  if (self->building || ref->period >= season->periods->len)
    return;
  period = g_ptr_array_index (season->periods, ref->period);
  if (ref->field == F_HOURS)
    {
      g_free (period->hours_problem);
      period->hours_problem = apply_hours_text (season->slots, ref->period, gtk_editable_get_text (editable));
      g_free (period->hours_typed);
      period->hours_typed = g_strdup (gtk_editable_get_text (editable));
      if (period->hours_problem != NULL)
        gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
      gtk_widget_set_tooltip_text (GTK_WIDGET (editable), period->hours_problem);
      gtk_widget_queue_draw (GTK_WIDGET (self->grid));
      revalidate (self);
      return;
    }
  switch (ref->field)
    {
    case F_NAME: slot = &period->name; break;
    case F_PRICE: slot = &period->price; break;
    case F_SELL: slot = &period->sell; break;
    case F_TIER_LIMIT: slot = &((Tier *)g_ptr_array_index (period->tiers, ref->tier))->limit; break;
    case F_TIER_PRICE: slot = &((Tier *)g_ptr_array_index (period->tiers, ref->tier))->price; break;
    default: g_assert_not_reached ();
    }
  /* The demand charge follows a period it counts in through a rename. */
  for (guint i = 0; ref->field == F_NAME && self->demand_periods && self->demand_periods[i]; i++)
    if (g_str_equal (self->demand_periods[i], *slot))
      {
        g_free (self->demand_periods[i]);
        self->demand_periods[i] = g_strdup (gtk_editable_get_text (editable));
      }
  g_free (*slot);
  *slot = g_strdup (gtk_editable_get_text (editable));

  if (ref->field == F_NAME)
    {
      rebuild_demand_periods (self);
      GtkWidget *row = g_ptr_array_index (self->period_rows, ref->period);
      g_autofree char *pretty = aether_format_key (period->name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pretty);
    }
  else
    set_row_error (GTK_WIDGET (editable), gtk_editable_get_text (editable));
  revalidate (self);
}

static GtkWidget *
entry_row (AetherRateEditor *self,
           const char       *title,
           const char       *text,
           const char       *name,
           Ref              *ref)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
  gtk_widget_set_name (row, name);
  if (ref->field != F_NAME && ref->field != F_HOURS)
    {
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_NUMBER);
      set_row_error (row, text);
    }
  g_signal_connect_data (row, "changed", G_CALLBACK (on_period_text_changed), ref, (GClosureNotify)(void (*)(void))g_free, 0);
  return row;
}

static void
on_brush_toggled (GtkCheckButton   *check,
                  AetherRateEditor *self)
{
  if (!gtk_check_button_get_active (check))
    return;
  aether_rate_grid_set_brush (self->grid, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "period")));
}

static void
period_action (GtkButton        *button,
               AetherRateEditor *self)
{
  const char *what = g_object_get_data (G_OBJECT (button), "what");
  guint p = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "period"));
  Season *season = current_season (self);
  Period *period = g_ptr_array_index (season->periods, p);

  if (g_str_equal (what, "delete"))
    {
      /* Its hours become a gap (named beside the grid), the others' indices move down. */
      for (guint i = 0; i < N_SLOTS; i++)
        if (season->slots[i] == p)
          season->slots[i] = NONE;
        else if (season->slots[i] != NONE && season->slots[i] > p)
          season->slots[i]--;
      g_ptr_array_remove_index (season->periods, p);
    }
  else if (g_str_equal (what, "up") || g_str_equal (what, "down"))
    {
      guint q = g_str_equal (what, "up") ? p - 1 : p + 1;
      gpointer a, b;

      if (q >= season->periods->len)
        return;
      a = season->periods->pdata[p];
      b = season->periods->pdata[q];
      season->periods->pdata[p] = b;
      season->periods->pdata[q] = a;
      for (guint i = 0; i < N_SLOTS; i++)
        if (season->slots[i] == p)
          season->slots[i] = q;
        else if (season->slots[i] == q)
          season->slots[i] = p;
    }
  else if (g_str_equal (what, "tier"))
    {
      if (period->tiers->len == 0)
        g_ptr_array_add (period->tiers, tier_new ("", period->price));
      g_ptr_array_add (period->tiers, tier_new ("", ""));
    }
  else if (g_str_equal (what, "untier"))
    {
      guint t = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "tier"));

      g_ptr_array_remove_index (period->tiers, t);
      if (period->tiers->len == 1)
        {
          g_free (period->price);
          period->price = g_strdup (((Tier *)g_ptr_array_index (period->tiers, 0))->price);
          g_ptr_array_set_size (period->tiers, 0);
        }
    }

  rebuild_periods (self);
  rebuild_demand_periods (self);
  revalidate (self);
}

static GtkWidget *
flat_button (const char       *icon,
             const char       *label,
             const char       *what,
             guint             period,
             AetherRateEditor *self)
{
  GtkWidget *button = icon ? gtk_button_new_from_icon_name (icon) : gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data (G_OBJECT (button), "what", (gpointer)what);
  g_object_set_data (G_OBJECT (button), "period", GUINT_TO_POINTER (period));
  g_signal_connect (button, "clicked", G_CALLBACK (period_action), self);
  return button;
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  guint period = GPOINTER_TO_UINT (user_data);
  GdkRGBA color;

  if (period == NONE)
    gdk_rgba_parse (&color, "rgba(224,27,36,0.3)");
  else
    aether_week_grid_get_palette_color (period, &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0 - 1, 0, 2 * G_PI);
  cairo_fill (cr);
}

static GtkWidget *
brush_prefix (AetherRateEditor *self,
              guint             period,
              GtkCheckButton   *group,
              const char       *label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *check = gtk_check_button_new ();
  GtkWidget *swatch = gtk_drawing_area_new ();

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  g_object_set_data (G_OBJECT (check), "period", GUINT_TO_POINTER (period));
  gtk_widget_set_tooltip_text (check, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (check, "toggled", G_CALLBACK (on_brush_toggled), self);
  if (aether_rate_grid_get_brush (self->grid) == period)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 14);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 14);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch, GUINT_TO_POINTER (period), NULL);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Its colour in the week"), -1);

  gtk_box_append (GTK_BOX (box), check);
  gtk_box_append (GTK_BOX (box), swatch);
  g_object_set_data (G_OBJECT (box), "check", check);
  return box;
}

static void
clear_rows (AdwPreferencesGroup *group,
            GPtrArray           *rows)
{
  for (guint i = 0; i < rows->len; i++)
    adw_preferences_group_remove (group, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

static void
rebuild_periods (AetherRateEditor *self)
{
  Season *season = current_season (self);
  GtkCheckButton *group = NULL;
  gboolean was_building = self->building;
  GtkWidget *clear_row, *prefix;

  self->building = TRUE;
  clear_rows (self->periods_group, self->period_rows);
  g_ptr_array_set_size (self->hours_entries, 0);
  clear_rows (self->periods_group, self->extra_rows);
  if (aether_rate_grid_get_brush (self->grid) != NONE && aether_rate_grid_get_brush (self->grid) >= season->periods->len)
    aether_rate_grid_set_brush (self->grid, season->periods->len > 0 ? season->periods->len - 1 : NONE);

  for (guint p = 0; p < season->periods->len; p++)
    {
      Period *period = g_ptr_array_index (season->periods, p);
      GtkWidget *row = adw_expander_row_new ();
      GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *actions = adw_action_row_new ();
      g_autofree char *pretty = aether_format_key (period->name);
      g_autofree char *paint = g_strdup_printf (_("Paint with %s"), pretty);
      g_autofree char *name_id = g_strdup_printf ("period-%u-name", p);
      g_autofree char *price_id = g_strdup_printf ("period-%u-price", p);
      g_autofree char *sell_id = g_strdup_printf ("period-%u-sell", p);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pretty);
      prefix = brush_prefix (self, p, group, paint);
      if (group == NULL)
        group = g_object_get_data (G_OBJECT (prefix), "check");
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), prefix);
      set_name (g_object_get_data (G_OBJECT (prefix), "check"), "period-%u-brush", p);

      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), entry_row (self, _("Name"), period->name, name_id,
                                                                    ref_new (self, p, 0, F_NAME)));
      {
        /* What was typed and does not read stays as typed. */
        g_autofree char *text = period->hours_problem && period->hours_typed ? g_strdup (period->hours_typed)
                                                                             : hours_text (season->slots, p);
        GtkWidget *hours = entry_row (self, _("Hours (e.g. weekdays 16:00-21:00; saturday 10:00-12:00)"), text, "",
                                      ref_new (self, p, 0, F_HOURS));

        set_name (hours, "period-%u-hours", p);
        if (period->hours_problem != NULL)
          {
            gtk_widget_add_css_class (hours, "error");
            gtk_widget_set_tooltip_text (hours, period->hours_problem);
          }
        g_ptr_array_add (self->hours_entries, hours);
        adw_expander_row_add_row (ADW_EXPANDER_ROW (row), hours);
      }
      if (period->tiers->len == 0)
        adw_expander_row_add_row (ADW_EXPANDER_ROW (row), entry_row (self, _("Price per kWh"), period->price, price_id,
                                                                      ref_new (self, p, 0, F_PRICE)));
      for (guint t = 0; t < period->tiers->len; t++)
        {
          Tier *tier = g_ptr_array_index (period->tiers, t);
          g_autofree char *limit_title = t + 1 < period->tiers->len
                                         ? g_strdup_printf (_("Tier %u: up to kWh"), t + 1)
                                         : g_strdup_printf (_("Tier %u: up to kWh (empty for the rest)"), t + 1);
          g_autofree char *price_title = g_strdup_printf (_("Tier %u: price per kWh"), t + 1);
          g_autofree char *limit_id = g_strdup_printf ("period-%u-tier-%u-limit", p, t);
          g_autofree char *tprice_id = g_strdup_printf ("period-%u-tier-%u-price", p, t);
          GtkWidget *price_row = entry_row (self, price_title, tier->price, tprice_id, ref_new (self, p, t, F_TIER_PRICE));
          GtkWidget *remove = flat_button ("list-remove-symbolic", _("Remove this tier"), "untier", p, self);

          g_object_set_data (G_OBJECT (remove), "tier", GUINT_TO_POINTER (t));
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), entry_row (self, limit_title, tier->limit, limit_id,
                                                                        ref_new (self, p, t, F_TIER_LIMIT)));
          adw_entry_row_add_suffix (ADW_ENTRY_ROW (price_row), remove);
          adw_expander_row_add_row (ADW_EXPANDER_ROW (row), price_row);
        }
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), entry_row (self, _("Sell price per kWh (export, optional)"),
                                                                    period->sell, sell_id, ref_new (self, p, 0, F_SELL)));

      {
        GtkWidget *tier = flat_button (NULL, _("Add _Tier"), "tier", p, self);
        GtkWidget *up = flat_button ("go-up-symbolic", _("Move up"), "up", p, self);
        GtkWidget *down = flat_button ("go-down-symbolic", _("Move down"), "down", p, self);
        GtkWidget *del = flat_button ("user-trash-symbolic", _("Delete this period"), "delete", p, self);

        set_name (tier, "period-%u-add-tier", p);
        set_name (del, "period-%u-delete", p);
        gtk_widget_set_sensitive (up, p > 0);
        gtk_widget_set_sensitive (down, p + 1 < season->periods->len);
        gtk_box_append (GTK_BOX (buttons), tier);
        gtk_box_append (GTK_BOX (buttons), up);
        gtk_box_append (GTK_BOX (buttons), down);
        gtk_box_append (GTK_BOX (buttons), del);
        gtk_widget_set_halign (buttons, GTK_ALIGN_END);
        gtk_widget_set_hexpand (buttons, TRUE);
        adw_action_row_add_suffix (ADW_ACTION_ROW (actions), buttons);
        gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (actions), FALSE);
        adw_expander_row_add_row (ADW_EXPANDER_ROW (row), actions);
      }

      adw_preferences_group_add (self->periods_group, row);
      g_ptr_array_add (self->period_rows, row);
    }

  /* Painting with nothing opens a gap on purpose. */
  clear_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (clear_row), _("No Period"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (clear_row), _("Paints hours out of every period"));
  prefix = brush_prefix (self, NONE, group, _("Paint with no period"));
  adw_action_row_add_prefix (ADW_ACTION_ROW (clear_row), prefix);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (clear_row), g_object_get_data (G_OBJECT (prefix), "check"));
  adw_preferences_group_add (self->periods_group, clear_row);
  g_ptr_array_add (self->extra_rows, clear_row);

  self->building = was_building;
  update_period_subtitles (self);
}

static void
add_period_clicked (GtkButton        *button,
                    AetherRateEditor *self)
{
  Season *season = current_season (self);
  g_autofree char *name = NULL;

  if (season->periods->len >= NONE - 1)
    return;
  name = season->periods->len == 0 ? g_strdup ("off_peak")
         : season->periods->len == 1 ? g_strdup ("peak")
         : g_strdup_printf ("period_%u", season->periods->len + 1);
  g_ptr_array_add (season->periods, period_new (name, ""));
  aether_rate_grid_set_brush (self->grid, season->periods->len - 1);
  rebuild_periods (self);
  rebuild_demand_periods (self);
  /* The new period opens, its name ready to change. */
  adw_expander_row_set_expanded (g_ptr_array_index (self->period_rows, season->periods->len - 1), TRUE);
  revalidate (self);
}

/* ---- Seasons ------------------------------------------------------------- */

static GtkStringList *
month_names (void)
{
  return gtk_string_list_new ((const char *[]) { _("January"), _("February"), _("March"), _("April"), _("May"), _("June"),
                                                 _("July"), _("August"), _("September"), _("October"), _("November"),
                                                 _("December"), NULL });
}

static void
on_season_shown (GtkCheckButton   *check,
                 AetherRateEditor *self)
{
  if (self->building || !gtk_check_button_get_active (check))
    return;
  set_current_season (self, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "season")));
  aether_rate_grid_set_slots (self->grid, current_season (self)->slots);
  rebuild_periods (self);
  revalidate (self);
}

static void
on_season_name_changed (GtkEditable      *editable,
                        AetherRateEditor *self)
{
  Season *season = g_ptr_array_index (self->seasons, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (editable), "season")));
  GtkWidget *expander = g_object_get_data (G_OBJECT (editable), "expander");
  g_autofree char *pretty = NULL;

  if (self->building)
    return;
  g_free (season->name);
  season->name = g_strdup (gtk_editable_get_text (editable));
  pretty = aether_format_key (season->name);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), pretty);
  revalidate (self);
}

static void
update_season_subtitle (Season    *season,
                        GtkWidget *expander)
{
  g_autoptr(GtkStringList) months = month_names ();
  /* Translators: the months of a season, e.g. "June to September" */
  g_autofree char *text = g_strdup_printf (_("%s to %s"), gtk_string_list_get_string (months, season->first_month - 1),
                                           gtk_string_list_get_string (months, season->last_month - 1));

  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), text);
}

static void
on_season_month_changed (AdwComboRow      *combo,
                         GParamSpec       *pspec,
                         AetherRateEditor *self)
{
  Season *season = g_ptr_array_index (self->seasons, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (combo), "season")));

  if (self->building)
    return;
  if (g_object_get_data (G_OBJECT (combo), "last"))
    season->last_month = adw_combo_row_get_selected (combo) + 1;
  else
    season->first_month = adw_combo_row_get_selected (combo) + 1;
  update_season_subtitle (season, g_object_get_data (G_OBJECT (combo), "expander"));
  revalidate (self);
}

static void
remove_season_clicked (GtkButton        *button,
                       AetherRateEditor *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "season"));

  if (self->seasons->len <= 1)
    return;
  g_ptr_array_remove_index (self->seasons, index);
  set_current_season (self, 0);
  aether_rate_grid_set_slots (self->grid, current_season (self)->slots);
  rebuild_seasons (self);
  rebuild_periods (self);
  rebuild_demand_periods (self);
  revalidate (self);
}

static void
add_season_clicked (GtkButton        *button,
                    AetherRateEditor *self)
{
  Season *from = current_season (self);
  Season *season;

  /* A second season splits the year (summer June to September); either
   * way it begins as a copy of the season shown, prices and hours. */
  if (self->seasons->len == 1)
    {
      g_free (from->name);
      from->name = g_strdup ("winter");
      from->first_month = 10;
      from->last_month = 5;
      season = season_new ("summer");
      season->first_month = 6;
      season->last_month = 9;
    }
  else
    {
      g_autofree char *name = g_strdup_printf ("season_%u", self->seasons->len + 1);

      season = season_new (name);
      season->first_month = season->last_month = 1;
    }
  for (guint p = 0; p < from->periods->len; p++)
    g_ptr_array_add (season->periods, period_copy (g_ptr_array_index (from->periods, p)));
  memcpy (season->slots, from->slots, N_SLOTS);
  g_ptr_array_add (self->seasons, season);
  set_current_season (self, self->seasons->len - 1);
  aether_rate_grid_set_slots (self->grid, season->slots);
  rebuild_seasons (self);
  rebuild_periods (self);
  revalidate (self);
}

static void
rebuild_seasons (AetherRateEditor *self)
{
  GtkCheckButton *group = NULL;
  gboolean was_building = self->building;

  self->building = TRUE;
  clear_rows (self->seasons_group, self->season_rows);

  if (self->seasons->len == 1)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The Same All Year"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("Add a season where the prices or hours change by month"));
      adw_preferences_group_add (self->seasons_group, row);
      g_ptr_array_add (self->season_rows, row);
      self->building = was_building;
      return;
    }

  for (guint s = 0; s < self->seasons->len; s++)
    {
      Season *season = g_ptr_array_index (self->seasons, s);
      GtkWidget *row = adw_expander_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      GtkWidget *name = adw_entry_row_new ();
      GtkWidget *first = adw_combo_row_new ();
      GtkWidget *last = adw_combo_row_new ();
      GtkWidget *remove_row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Remove Season"));
      g_autoptr(GtkStringList) months1 = month_names ();
      g_autoptr(GtkStringList) months2 = month_names ();
      g_autofree char *pretty = aether_format_key (season->name);
      g_autofree char *show = g_strdup_printf (_("Show the week of %s"), pretty);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pretty);
      update_season_subtitle (season, row);

      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      group = group ? group : GTK_CHECK_BUTTON (check);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), s == current_season_index (self));
      g_object_set_data (G_OBJECT (check), "season", GUINT_TO_POINTER (s));
      gtk_widget_set_tooltip_text (check, show);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, show, -1);
      set_name (check, "season-%u-show", s);
      g_signal_connect (check, "toggled", G_CALLBACK (on_season_shown), self);
      adw_expander_row_add_prefix (ADW_EXPANDER_ROW (row), check);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name), _("Name"));
      gtk_editable_set_text (GTK_EDITABLE (name), season->name);
      set_name (name, "season-%u-name", s);
      g_object_set_data (G_OBJECT (name), "season", GUINT_TO_POINTER (s));
      g_object_set_data (G_OBJECT (name), "expander", row);
      g_signal_connect (name, "changed", G_CALLBACK (on_season_name_changed), self);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (first), _("From"));
      adw_combo_row_set_model (ADW_COMBO_ROW (first), G_LIST_MODEL (months1));
      adw_combo_row_set_selected (ADW_COMBO_ROW (first), season->first_month - 1);
      set_name (first, "season-%u-first", s);
      g_object_set_data (G_OBJECT (first), "season", GUINT_TO_POINTER (s));
      g_object_set_data (G_OBJECT (first), "expander", row);
      g_signal_connect (first, "notify::selected", G_CALLBACK (on_season_month_changed), self);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), first);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (last), _("To"));
      adw_combo_row_set_model (ADW_COMBO_ROW (last), G_LIST_MODEL (months2));
      adw_combo_row_set_selected (ADW_COMBO_ROW (last), season->last_month - 1);
      set_name (last, "season-%u-last", s);
      g_object_set_data (G_OBJECT (last), "season", GUINT_TO_POINTER (s));
      g_object_set_data (G_OBJECT (last), "last", GUINT_TO_POINTER (1));
      g_object_set_data (G_OBJECT (last), "expander", row);
      g_signal_connect (last, "notify::selected", G_CALLBACK (on_season_month_changed), self);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), last);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "destructive-action");
      g_object_set_data (G_OBJECT (remove), "season", GUINT_TO_POINTER (s));
      set_name (remove, "season-%u-remove", s);
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_season_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (remove_row), remove);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (remove_row), _("Its periods and hours go with it"));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), remove_row);

      adw_preferences_group_add (self->seasons_group, row);
      g_ptr_array_add (self->season_rows, row);
    }
  self->building = was_building;
}

/* ---- Demand periods ------------------------------------------------------ */

static GPtrArray *
all_period_names (AetherRateEditor *self)
{
  GPtrArray *names = g_ptr_array_new ();

  for (guint s = 0; s < self->seasons->len; s++)
    {
      Season *season = g_ptr_array_index (self->seasons, s);

      for (guint p = 0; p < season->periods->len; p++)
        {
          Period *period = g_ptr_array_index (season->periods, p);

          if (!g_ptr_array_find_with_equal_func (names, period->name, g_str_equal, NULL))
            g_ptr_array_add (names, period->name);
        }
    }
  return names;
}

static void
on_demand_check_toggled (GtkCheckButton   *check,
                         AetherRateEditor *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  gboolean all = TRUE;

  if (self->building)
    return;
  for (guint i = 0; i < self->demand_checks->len; i++)
    {
      GtkCheckButton *c = g_ptr_array_index (self->demand_checks, i);

      if (gtk_check_button_get_active (c))
        g_strv_builder_add (builder, g_object_get_data (G_OBJECT (c), "name"));
      else
        all = FALSE;
    }
  g_clear_pointer (&self->demand_periods, g_strfreev);
  if (!all)
    self->demand_periods = g_strv_builder_end (builder);
  revalidate (self);
}

static void
rebuild_demand_periods (AetherRateEditor *self)
{
  g_autoptr(GPtrArray) names = all_period_names (self);
  gboolean was_building = self->building;

  self->building = TRUE;
  for (guint i = 0; i < self->demand_checks->len; i++)
    adw_expander_row_remove (self->demand_periods_row,
                             gtk_widget_get_ancestor (g_ptr_array_index (self->demand_checks, i), ADW_TYPE_ACTION_ROW));
  g_ptr_array_set_size (self->demand_checks, 0);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *pretty = aether_format_key (name);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pretty);
      g_object_set_data_full (G_OBJECT (check), "name", g_strdup (name), g_free);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check),
                                   self->demand_periods == NULL ||
                                   g_strv_contains ((const char * const *)self->demand_periods, name));
      set_name (check, "demand-period-%s", name);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      g_signal_connect (check, "toggled", G_CALLBACK (on_demand_check_toggled), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_expander_row_add_row (self->demand_periods_row, row);
      g_ptr_array_add (self->demand_checks, check);
    }
  self->building = was_building;
}

/* ---- Taxes --------------------------------------------------------------- */

static void
on_tax_changed (GObject          *widget,
                GParamSpec       *pspec,
                AetherRateEditor *self)
{
  Tax *tax = g_ptr_array_index (self->taxes, GPOINTER_TO_UINT (g_object_get_data (widget, "tax")));
  const char *field = g_object_get_data (widget, "field");

  if (self->building)
    return;
  if (g_str_equal (field, "name"))
    {
      g_free (tax->name);
      tax->name = g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
      adw_preferences_row_set_title (g_object_get_data (widget, "expander"), tax->name);
    }
  else if (g_str_equal (field, "percent"))
    {
      g_free (tax->percent);
      tax->percent = g_strdup (gtk_editable_get_text (GTK_EDITABLE (widget)));
      set_row_error (GTK_WIDGET (widget), tax->percent);
    }
  else
    {
      gboolean active = gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (widget));

      if (g_str_equal (field, "energy"))
        tax->energy = active;
      else if (g_str_equal (field, "demand"))
        tax->demand = active;
      else
        tax->fixed = active;
    }
  revalidate (self);
}

static void
remove_tax_clicked (GtkButton        *button,
                    AetherRateEditor *self)
{
  g_ptr_array_remove_index (self->taxes, GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "tax")));
  rebuild_taxes (self);
  revalidate (self);
}

static void
add_tax_clicked (GtkButton        *button,
                 AetherRateEditor *self)
{
  Tax *tax = g_new0 (Tax, 1);

  tax->name = g_strdup (_("Sales tax"));
  tax->percent = g_strdup ("");
  tax->energy = tax->demand = tax->fixed = TRUE;
  g_ptr_array_add (self->taxes, tax);
  rebuild_taxes (self);
  adw_expander_row_set_expanded (g_ptr_array_index (self->tax_rows, self->tax_rows->len - 1), TRUE);
  revalidate (self);
}

static void
rebuild_taxes (AetherRateEditor *self)
{
  gboolean was_building = self->building;

  self->building = TRUE;
  clear_rows (self->taxes_group, self->tax_rows);
  for (guint i = 0; i < self->taxes->len; i++)
    {
      Tax *tax = g_ptr_array_index (self->taxes, i);
      GtkWidget *row = adw_expander_row_new ();
      GtkWidget *name = adw_entry_row_new ();
      GtkWidget *percent = adw_entry_row_new ();
      GtkWidget *applies = adw_action_row_new ();
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
      const char *fields[] = { "energy", "demand", "fixed" };
      const char *labels[] = { _("Energy"), _("Demand"), _("Fixed") };
      gboolean on[] = { tax->energy, tax->demand, tax->fixed };

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), tax->name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (name), _("Name"));
      gtk_editable_set_text (GTK_EDITABLE (name), tax->name);
      g_object_set_data (G_OBJECT (name), "tax", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (name), "field", (gpointer)"name");
      g_object_set_data (G_OBJECT (name), "expander", row);
      g_signal_connect (name, "notify::text", G_CALLBACK (on_tax_changed), self);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), name);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (percent), _("Percent"));
      gtk_editable_set_text (GTK_EDITABLE (percent), tax->percent);
      set_name (percent, "tax-%u-percent", i);
      g_object_set_data (G_OBJECT (percent), "tax", GUINT_TO_POINTER (i));
      g_object_set_data (G_OBJECT (percent), "field", (gpointer)"percent");
      set_row_error (percent, tax->percent);
      g_signal_connect (percent, "notify::text", G_CALLBACK (on_tax_changed), self);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), percent);

      gtk_widget_add_css_class (box, "linked");
      gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
      for (guint f = 0; f < 3; f++)
        {
          GtkWidget *toggle = gtk_toggle_button_new_with_label (labels[f]);

          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (toggle), on[f]);
          g_object_set_data (G_OBJECT (toggle), "tax", GUINT_TO_POINTER (i));
          g_object_set_data (G_OBJECT (toggle), "field", (gpointer)fields[f]);
          g_signal_connect (toggle, "notify::active", G_CALLBACK (on_tax_changed), self);
          gtk_box_append (GTK_BOX (box), toggle);
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (applies), _("On"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (applies), box);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), applies);

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      gtk_widget_set_tooltip_text (remove, _("Remove this tax"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Remove this tax"), -1);
      g_object_set_data (G_OBJECT (remove), "tax", GUINT_TO_POINTER (i));
      g_signal_connect (remove, "clicked", G_CALLBACK (remove_tax_clicked), self);
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), remove);

      adw_preferences_group_add (self->taxes_group, row);
      g_ptr_array_add (self->tax_rows, row);
    }
  self->building = was_building;
}

/* ---- Time zones ---------------------------------------------------------- */

static GtkStringList *
time_zone_names (void)
{
  GtkStringList *list = gtk_string_list_new (NULL);
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  /* zone1970.tab lists the zones worth choosing from, one a line. */
  if (g_file_get_contents ("/usr/share/zoneinfo/zone1970.tab", &text, NULL, NULL))
    {
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

      for (guint i = 0; lines[i]; i++)
        {
          g_auto(GStrv) cols = NULL;

          if (lines[i][0] == '#' || lines[i][0] == '\0')
            continue;
          cols = g_strsplit (lines[i], "\t", -1);
          if (g_strv_length (cols) >= 3)
            g_ptr_array_add (names, g_strdup (cols[2]));
        }
    }
  g_ptr_array_add (names, g_strdup ("UTC"));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    gtk_string_list_append (list, g_ptr_array_index (names, i));
  return list;
}

static void
set_time_zone (AetherRateEditor *self,
               const char       *tz)
{
  g_free (self->tz);
  self->tz = g_strdup (tz);
  gtk_menu_button_set_label (self->tz_button, tz);
  revalidate (self);
}

static void
on_tz_activate (GtkListView      *view,
                guint             position,
                AetherRateEditor *self)
{
  g_autoptr(GtkStringObject) item = g_list_model_get_item (G_LIST_MODEL (self->tz_filtered), position);

  if (item == NULL)
    return;
  set_time_zone (self, gtk_string_object_get_string (item));
  gtk_menu_button_popdown (self->tz_button);
}

static void
on_tz_search_activate (GtkSearchEntry   *entry,
                       AetherRateEditor *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->tz_filtered)) > 0)
    on_tz_activate (NULL, 0, self);
}

static void
setup_tz_item (GtkSignalListItemFactory *factory,
               GtkListItem              *item)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

static void
bind_tz_item (GtkSignalListItemFactory *factory,
              GtkListItem              *item)
{
  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)),
                      gtk_string_object_get_string (gtk_list_item_get_item (item)));
}

static GtkWidget *
time_zone_popover (AetherRateEditor *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkStringFilter *filter = gtk_string_filter_new (gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *view;

  self->tz_search = GTK_SEARCH_ENTRY (gtk_search_entry_new ());
  gtk_widget_set_name (GTK_WIDGET (self->tz_search), "tz-search");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tz_search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search time zones"), -1);
  gtk_string_filter_set_match_mode (filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  g_object_bind_property (self->tz_search, "text", filter, "search", G_BINDING_DEFAULT);
  self->tz_filtered = gtk_filter_list_model_new (G_LIST_MODEL (time_zone_names ()), GTK_FILTER (filter));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_tz_item), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tz_item), NULL);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->tz_filtered)))),
                            factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (view), TRUE);
  g_signal_connect (view, "activate", G_CALLBACK (on_tz_activate), self);
  g_signal_connect (self->tz_search, "activate", G_CALLBACK (on_tz_search_activate), self);

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scroller), 260);
  gtk_scrolled_window_set_min_content_width (GTK_SCROLLED_WINDOW (scroller), 240);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->tz_search));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_popover_set_default_widget (GTK_POPOVER (popover), NULL);
  return popover;
}

/* ---- Loading a schedule into the editor ---------------------------------- */

static void
load_periods (Season     *season,
              JsonArray  *json_periods,
              GPtrArray  *parsed,
              const guint8 *week)
{
  guint8 map[256];

  memset (map, NONE, sizeof map);
  for (guint i = 0; json_periods != NULL && i < json_array_get_length (json_periods) && i < parsed->len; i++)
    {
      JsonObject *po = json_array_get_object_element (json_periods, i);
      const char *name = aether_json_get_string (po, "name") ? aether_json_get_string (po, "name") : "";
      guint found = NONE;

      /* One editor period per name: a period written as several entries
       * (weekdays and Saturday, say) is one thing to a person. */
      for (guint p = 0; p < season->periods->len && found == NONE; p++)
        if (g_str_equal (((Period *)g_ptr_array_index (season->periods, p))->name, name))
          found = p;
      if (found == NONE)
        {
          g_autofree char *price = number_text (po, "rate");
          Period *period = period_new (name, price);
          JsonArray *tiers = aether_json_get_array (po, "tiers");

          g_free (period->sell);
          period->sell = number_text (po, "sell_rate");
          for (guint t = 0; tiers != NULL && t < json_array_get_length (tiers); t++)
            {
              JsonObject *to = json_array_get_object_element (tiers, t);
              g_autofree char *limit = number_text (to, "max_kwh");
              g_autofree char *rate = number_text (to, "rate");

              g_ptr_array_add (period->tiers, tier_new (limit, rate));
            }
          if (period->tiers->len > 0 && period->price[0] == '\0')
            {
              g_free (period->price);
              period->price = g_strdup (((Tier *)g_ptr_array_index (period->tiers, 0))->price);
            }
          g_ptr_array_add (season->periods, period);
          found = season->periods->len - 1;
        }
      map[i] = (guint8)found;
    }

  for (guint d = 0; d < 7; d++)
    for (guint q = 0; q < SLOTS_PER_DAY; q++)
      season->slots[d * SLOTS_PER_DAY + q] = map[week[d * 1440 + q * 15]];
}

static void
set_entry (AdwEntryRow *row,
           const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text ? text : "");
}

/**
 * aether_rate_editor_set_schedule:
 * @self: an editor
 * @schedule: (nullable): a schedule to start from; %NULL for a blank one
 * @is_stored: whether @schedule is a stored version that Save corrects;
 *   otherwise Save adds a new version
 *
 * Shows @schedule in the editor: its identity, its seasons and their
 * weeks as pricing reads them, its charges, taxes and carbon.
 */
void
aether_rate_editor_set_schedule (AetherRateEditor *self,
                                 JsonNode         *schedule,
                                 gboolean          is_stored)
{
  g_autoptr(AetherRateSchedule) parsed = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  JsonObject *object = schedule && JSON_NODE_HOLDS_OBJECT (schedule) ? json_node_get_object (schedule) : NULL;
  JsonObject *structure = aether_json_get_object (object, "rate_structure");
  JsonObject *fixed = aether_json_get_object (object, "fixed_charges");
  JsonObject *demand = aether_json_get_object (object, "demand");
  JsonArray *taxes = aether_json_get_array (object, "taxes");
  JsonNode *carbon = object ? json_object_get_member (object, "carbon_intensity_g_per_kwh") : NULL;
  g_autoptr(GDateTime) today = g_date_time_new_now_local ();

  g_return_if_fail (AETHER_IS_RATE_EDITOR (self));

  self->building = TRUE;
  g_clear_pointer (&self->original, json_object_unref);
  g_clear_pointer (&self->rate_id, g_free);
  g_clear_pointer (&self->demand_periods, g_strfreev);
  g_ptr_array_set_size (self->seasons, 0);
  g_ptr_array_set_size (self->taxes, 0);
  set_current_season (self, 0);

  if (object != NULL)
    {
      self->original = json_object_ref (object);
      if (is_stored)
        self->rate_id = g_strdup (aether_json_get_string (object, "rate_id"));
      parsed = aether_rate_schedule_parse_json (schedule, &problems);
    }

  set_entry (self->provider, aether_json_get_string (object, "provider"));
  set_entry (self->plan, aether_json_get_string (object, "plan_name"));
  set_entry (self->currency, aether_json_get_string (object, "currency") ? aether_json_get_string (object, "currency") : "USD");
  g_free (self->tz);
  self->tz = g_strdup (aether_json_get_string (object, "time_zones"));
  if (self->tz == NULL)
    {
      g_autoptr(GTimeZone) local = g_time_zone_new_local ();

      self->tz = g_strdup (g_time_zone_get_identifier (local));
    }
  gtk_menu_button_set_label (self->tz_button, self->tz);
  if (aether_json_get_string (object, "effective_date"))
    set_entry (self->effective, aether_json_get_string (object, "effective_date"));
  else
    {
      g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");

      set_entry (self->effective, date);
    }
  set_entry (self->expiry, aether_json_get_string (object, "expiry_date"));
  gtk_widget_set_visible (self->new_version_button, is_stored);

  /* Seasons and their weeks, as pricing reads them. */
  if (parsed != NULL && structure != NULL)
    {
      JsonArray *seasons = aether_json_get_array (structure, "seasons");

      for (guint s = 0; s < aether_rate_schedule_get_n_seasons (parsed); s++)
        {
          guint16 months = 0;
          GPtrArray *periods = NULL;
          const char *name = aether_rate_schedule_get_season (parsed, s, &months, &periods);
          Season *season = season_new (name ? name : "all_year");
          JsonArray *json_periods = seasons ? aether_json_get_array (json_array_get_object_element (seasons, s), "periods")
                                            : aether_json_get_array (structure, "periods");

          /* The months as a range: its first month follows one outside it. */
          if (months != 0 && months != 0xfff)
            for (guint m = 0; m < 12; m++)
              if ((months & (1 << m)) && !(months & (1 << ((m + 11) % 12))))
                {
                  season->first_month = m + 1;
                  for (season->last_month = m + 1; months & (1 << (season->last_month % 12)); )
                    season->last_month = season->last_month % 12 + 1;
                  break;
                }
          load_periods (season, json_periods, periods, aether_rate_schedule_get_season_week (parsed, s));
          g_ptr_array_add (self->seasons, season);
        }
    }
  if (self->seasons->len == 0)
    g_ptr_array_add (self->seasons, season_new ("all_year"));

  adw_combo_row_set_selected (self->tier_basis, g_strcmp0 (aether_json_get_string (structure, "tier_basis"), "daily") == 0);
  {
    g_autofree char *monthly = number_text (fixed, "monthly_service");
    g_autofree char *daily = number_text (fixed, "daily_service");
    g_autofree char *rate = number_text (fixed, "demand_charge");
    g_autofree char *rate_per_kw = number_text (demand, "rate_per_kw");
    JsonArray *periods = aether_json_get_array (demand, "periods");
    gint64 window = demand ? json_object_get_int_member_with_default (demand, "window_minutes", 15) : 15;

    set_entry (self->monthly, monthly);
    set_entry (self->daily, daily);
    set_entry (self->demand_rate, rate_per_kw[0] ? rate_per_kw : rate);
    adw_combo_row_set_selected (self->demand_window, window == 5 ? 1 : window == 30 ? 2 : window == 60 ? 3 : 0);
    if (periods != NULL)
      {
        self->demand_periods = g_new0 (char *, json_array_get_length (periods) + 1);
        for (guint i = 0; i < json_array_get_length (periods); i++)
          self->demand_periods[i] = g_strdup (json_array_get_string_element (periods, i));
      }
  }

  for (guint i = 0; taxes != NULL && i < json_array_get_length (taxes); i++)
    {
      JsonObject *to = json_array_get_object_element (taxes, i);
      JsonArray *applies = aether_json_get_array (to, "applies_to");
      Tax *tax = g_new0 (Tax, 1);

      tax->name = g_strdup (aether_json_get_string (to, "name") ? aether_json_get_string (to, "name") : _("Tax"));
      tax->percent = number_text (to, "percent");
      tax->energy = tax->demand = tax->fixed = applies == NULL;
      for (guint j = 0; applies != NULL && j < json_array_get_length (applies); j++)
        {
          const char *what = json_array_get_string_element (applies, j);

          tax->energy |= g_strcmp0 (what, "energy") == 0;
          tax->demand |= g_strcmp0 (what, "demand") == 0;
          tax->fixed |= g_strcmp0 (what, "fixed") == 0;
        }
      g_ptr_array_add (self->taxes, tax);
    }

  if (carbon != NULL && JSON_NODE_HOLDS_ARRAY (carbon))
    {
      JsonArray *hours = json_node_get_array (carbon);
      g_autoptr(GString) text = g_string_new (NULL);

      for (guint h = 0; h < json_array_get_length (hours); h++)
        g_string_append_printf (text, "%s%g", h ? " " : "", json_array_get_double_element (hours, h));
      set_entry (self->carbon, text->str);
    }
  else
    {
      g_autofree char *value = number_text (object, "carbon_intensity_g_per_kwh");

      set_entry (self->carbon, value);
    }
  gtk_spin_button_set_value (self->cycle_day, object ? json_object_get_int_member_with_default (object, "billing_cycle_start_day", 1) : 1);

  aether_rate_grid_set_brush (self->grid, current_season (self)->periods->len > 0 ? 0 : NONE);
  aether_rate_grid_set_slots (self->grid, current_season (self)->slots);
  rebuild_seasons (self);
  rebuild_periods (self);
  rebuild_demand_periods (self);
  rebuild_taxes (self);

  adw_window_title_set_title (self->title, is_stored ? _("Edit Tariff") : _("New Tariff"));
  adw_window_title_set_subtitle (self->title, aether_json_get_string (object, "plan_name"));
  self->building = FALSE;
  revalidate (self);

  {
    g_autoptr(JsonNode) shown = aether_rate_editor_build_json (self);

    g_free (self->opened);
    self->opened = json_to_string (shown, FALSE);
  }
}

static void
on_version_activated (AdwActionRow     *row,
                      AetherRateEditor *self)
{
  g_signal_emit (self, signals[OPEN_VERSION], 0, g_object_get_data (G_OBJECT (row), "rate-id"));
}

/**
 * aether_rate_editor_set_versions:
 * @self: an editor
 * @versions: (element-type JsonNode): the stored versions, as the Rates
 *   page lists them
 * @shown_id: (nullable): the one this editor corrects
 *
 * Lists the versions beside the identity, with their dates; another one
 * opens (in a window of its own) when its row is activated.
 */
void
aether_rate_editor_set_versions (AetherRateEditor *self,
                                 GPtrArray        *versions,
                                 const char       *shown_id)
{
  g_return_if_fail (AETHER_IS_RATE_EDITOR (self));

  clear_rows (self->versions_group, self->version_rows);
  for (guint i = 0; i < versions->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (versions, i));
      const char *id = aether_json_get_string (object, "rate_id");
      const char *plan = aether_json_get_string (object, "plan_name");
      const char *from = aether_json_get_string (object, "effective_date");
      const char *until = aether_json_get_string (object, "expiry_date");
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *dates = NULL;

      if (from && until)
        /* Translators: a tariff version's dates */
        dates = g_strdup_printf (_("%s to %s"), from, until);
      else if (from)
        /* Translators: a tariff version still in force, from its date */
        dates = g_strdup_printf (_("From %s"), from);
      else
        dates = g_strdup (_("Always"));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), plan ? plan : id);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), dates);
      set_name (row, "version-%s", id);
      if (g_strcmp0 (id, shown_id) == 0)
        {
          GtkWidget *label = gtk_label_new (_("Editing"));

          gtk_widget_add_css_class (label, "dim-label");
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
        }
      else
        {
          g_object_set_data_full (G_OBJECT (row), "rate-id", g_strdup (id), g_free);
          gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
          gtk_widget_set_tooltip_text (row, _("Edit this version in a window of its own"));
          g_signal_connect (row, "activated", G_CALLBACK (on_version_activated), self);
        }
      adw_preferences_group_add (self->versions_group, row);
      g_ptr_array_add (self->version_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->versions_group), versions->len > 0);
}

/**
 * aether_rate_editor_start_new_version:
 * @self: an editor showing a stored version
 * @date: the day the new version takes effect (YYYY-MM-DD)
 *
 * Makes Save add a new version from @date, with the editor's contents;
 * the version in force then ends the day before (nothing is deleted).
 */
void
aether_rate_editor_start_new_version (AetherRateEditor *self,
                                      const char       *date)
{
  g_autofree char *title = NULL;

  g_return_if_fail (AETHER_IS_RATE_EDITOR (self));

  g_clear_pointer (&self->rate_id, g_free);
  set_entry (self->effective, date);
  set_entry (self->expiry, NULL);
  gtk_widget_set_visible (self->new_version_button, FALSE);
  adw_window_title_set_title (self->title, _("New Version"));
  /* Translators: what saving a new version does */
  title = g_strdup_printf (_("Saving adds a version from %s; the one before ends the day before"), date);
  adw_toast_overlay_add_toast (self->toasts, adw_toast_new (title));
  revalidate (self);
}

static void
on_new_version_response (AdwMessageDialog *dialog,
                         const char       *response,
                         AetherRateEditor *self)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);
  g_autofree char *date = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));

  if (g_str_equal (response, "start"))
    aether_rate_editor_start_new_version (self, date);
}

static void
new_version_clicked (GtkButton        *button,
                     AetherRateEditor *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) next = g_date_time_add_months (now, 1);
  g_autofree char *first = g_strdup_printf ("%04d-%02d-01", g_date_time_get_year (next), g_date_time_get_month (next));
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("New Version From…"),
                                              _("The day the new prices take effect (YYYY-MM-DD). The version in force "
                                                "then ends the day before; nothing is deleted."));
  GtkWidget *entry = gtk_entry_new ();

  gtk_editable_set_text (GTK_EDITABLE (entry), first);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Effective date"), -1);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "start", _("_Start Version"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "start", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "start");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_new_version_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Saving -------------------------------------------------------------- */

/**
 * aether_rate_editor_save:
 * @self: an editor without problems
 * @error: a location for a #GError
 *
 * Stores what the editor shows through the service, as Save does: a
 * correction of the version opened, or a new version that ends the one in
 * force when it begins. Stored costs are re-priced in the background.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
aether_rate_editor_save (AetherRateEditor  *self,
                         GError           **error)
{
  g_autoptr(JsonNode) node = NULL;

  g_return_val_if_fail (AETHER_IS_RATE_EDITOR (self), FALSE);

  if (self->problems != NULL && self->problems->len > 0)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_SCHEDULE, g_ptr_array_index (self->problems, 0));
      return FALSE;
    }
  node = aether_rate_editor_build_json (self);
  if (self->rate_id != NULL)
    return aether_service_update_rate_schedule (self->service, node, error);
  else
    {
      g_autofree char *id = aether_service_add_rate_schedule (self->service, node, TRUE, error);

      if (id == NULL)
        return FALSE;
      self->rate_id = g_steal_pointer (&id);
      return TRUE;
    }
}

static void
save_clicked (GtkButton        *button,
              AetherRateEditor *self)
{
  g_autoptr(GError) error = NULL;

  if (!aether_rate_editor_save (self, &error))
    {
      AdwToast *toast = adw_toast_new (error->message);

      adw_toast_set_timeout (toast, 0);
      adw_toast_overlay_add_toast (self->toasts, toast);
      return;
    }
  self->may_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AetherRateEditor *self = AETHER_RATE_EDITOR (widget);

  /* Ctrl+S does what the button does, and nothing while it is off. */
  if (gtk_widget_is_sensitive (self->save))
    save_clicked (GTK_BUTTON (self->save), self);
}

static void
on_discard_response (AdwMessageDialog *dialog,
                     const char       *response,
                     AetherRateEditor *self)
{
  if (!g_str_equal (response, "discard"))
    return;
  self->may_close = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

/* Nothing typed is lost without asking: closing with changes does. */
static gboolean
aether_rate_editor_close_request (GtkWindow *window)
{
  AetherRateEditor *self = AETHER_RATE_EDITOR (window);
  g_autoptr(JsonNode) now = NULL;
  g_autofree char *text = NULL;
  GtkWidget *dialog;

  if (self->may_close)
    return GTK_WINDOW_CLASS (aether_rate_editor_parent_class)->close_request (window);
  now = aether_rate_editor_build_json (self);
  text = json_to_string (now, FALSE);
  if (g_strcmp0 (text, self->opened) == 0)
    return GTK_WINDOW_CLASS (aether_rate_editor_parent_class)->close_request (window);

  dialog = adw_message_dialog_new (window, _("Discard Your Changes?"),
                                   _("The tariff has changes that are not saved. Discarding them cannot be undone."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Keep Editing"), "discard", _("_Discard"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_discard_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return TRUE;
}

/* ---- Export and import of our JSON --------------------------------------- */

/**
 * aether_rate_editor_export_file:
 * @self: an editor
 * @file: where to write
 * @error: a location for a #GError
 *
 * Writes the schedule as the editor shows it, in our JSON, as Export does.
 *
 * Returns: %TRUE if written
 */
gboolean
aether_rate_editor_export_file (AetherRateEditor  *self,
                                GFile             *file,
                                GError           **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (AETHER_IS_RATE_EDITOR (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  node = aether_rate_editor_build_json (self);
  text = json_to_string (node, TRUE);
  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL,
                                  error);
}

/**
 * aether_rate_editor_import_file:
 * @self: an editor
 * @file: a rate schedule in our JSON
 * @error: a location for a #GError
 *
 * Shows @file's schedule in the editor, as Open does, checked like
 * anything typed. The version opened stays the one Save corrects, and
 * closing still asks while the result differs from it.
 *
 * Returns: %TRUE if @file holds a JSON object
 */
gboolean
aether_rate_editor_import_file (AetherRateEditor  *self,
                                GFile             *file,
                                GError           **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *path = NULL;
  g_autofree char *keep_id = NULL;
  g_autofree char *keep_opened = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (AETHER_IS_RATE_EDITOR (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  path = g_file_get_path (file);
  if (!json_parser_load_from_file (parser, path, &local_error) || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("%s is not a rate schedule: %s"), path,
                   local_error ? local_error->message : _("it holds no JSON object"));
      return FALSE;
    }

  keep_id = g_strdup (self->rate_id);
  keep_opened = g_strdup (self->opened);
  aether_rate_editor_set_schedule (self, json_parser_get_root (parser), keep_id != NULL);
  g_free (self->rate_id);
  self->rate_id = g_steal_pointer (&keep_id);
  g_free (self->opened);
  self->opened = g_steal_pointer (&keep_opened);
  revalidate (self);
  return TRUE;
}

static void
on_export_chosen (GtkNativeDialog  *chooser,
                  int               response,
                  AetherRateEditor *self)
{
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
  g_autoptr(GError) error = NULL;
  gboolean exporting = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "export"));

  g_clear_object (&self->chooser);
  if (file == NULL)
    return;

  if (exporting ? !aether_rate_editor_export_file (self, file, &error) : !aether_rate_editor_import_file (self, file, &error))
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (error->message));
  else if (exporting)
    adw_toast_overlay_add_toast (self->toasts, adw_toast_new (_("Tariff exported")));
}

static void
file_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  AetherRateEditor *self = AETHER_RATE_EDITOR (widget);
  gboolean exporting = g_str_equal (action_name, "editor.export");
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->chooser != NULL)
    return;
  self->chooser = GTK_NATIVE_DIALOG (gtk_file_chooser_native_new (exporting ? _("Export the Tariff") : _("Open a Tariff"),
                                                                  GTK_WINDOW (self),
                                                                  exporting ? GTK_FILE_CHOOSER_ACTION_SAVE
                                                                            : GTK_FILE_CHOOSER_ACTION_OPEN,
                                                                  exporting ? _("_Export") : _("_Open"), NULL));
  gtk_file_filter_set_name (filter, _("Rate schedules (JSON)"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  if (exporting)
    {
      g_autofree char *name = g_strdup_printf ("%s.json", self->rate_id ? self->rate_id : "tariff");

      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
    }
  g_object_set_data (G_OBJECT (self->chooser), "export", GINT_TO_POINTER (exporting));
  g_signal_connect (self->chooser, "response", G_CALLBACK (on_export_chosen), self);
  gtk_native_dialog_show (self->chooser);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  AetherRateEditor *self = AETHER_RATE_EDITOR (widget);
  g_autofree char *id = g_strdup (self->rate_id);

  if (id == NULL)
    return;
  /* The Rates page removes it, with its Undo. */
  self->may_close = TRUE;
  g_signal_emit (self, signals[DELETE_REQUESTED], 0, id);
  gtk_window_close (GTK_WINDOW (self));
}

/* ---- What-if ------------------------------------------------------------- */

typedef struct
{
  AetherStore *store;
  JsonNode    *edited;
  gint64       month_from;
  gint64       to;
  gint64       year_from;
} WhatIf;

typedef struct
{
  GHashTable *by_period;   /* "which\x1fperiod" → double[2]: kWh, cost */
  double      totals[4];   /* month edited, month in force, year edited, year in force */
  gboolean    have_in_force;
  gint64      month_from;
  gint64      month_to;
  gint64      year_from;
  GTimeZone  *tz;
} WhatIfResult;

static void
what_if_free (gpointer data)
{
  WhatIf *w = data;

  g_clear_object (&w->store);
  g_clear_pointer (&w->edited, json_node_unref);
  g_free (w);
}

static void
what_if_result_free (gpointer data)
{
  WhatIfResult *r = data;

  g_hash_table_unref (r->by_period);
  g_clear_pointer (&r->tz, g_time_zone_unref);
  g_free (r);
}

typedef struct
{
  WhatIfResult *result;
  guint         which;   /* index into totals */
} Tally;

static void
tally_hour (const char        *device_id,
            gint64             start_s,
            double             energy_kwh,
            const AetherPrice *price,
            gpointer           user_data)
{
  Tally *t = user_data;
  g_autofree char *key = g_strdup_printf ("%u\x1f%s", t->which, price->period ? price->period : "");
  double *sums = g_hash_table_lookup (t->result->by_period, key);

  if (sums == NULL)
    {
      sums = g_new0 (double, 2);
      g_hash_table_insert (t->result->by_period, g_steal_pointer (&key), sums);
    }
  sums[0] += energy_kwh;
  sums[1] += price->cost;
  t->result->totals[t->which] += price->cost;
}

static void
what_if_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  WhatIf *w = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) reader = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(AetherHome) home = NULL;
  g_autoptr(AetherTariff) edited = aether_tariff_new ();
  g_autoptr(AetherTariff) in_force = NULL;
  g_autoptr(AetherRateSchedule) schedule = NULL;
  WhatIfResult *result;
  GPtrArray *members;

  if (!(reader = aether_store_open_reader (w->store, &error)) ||
      !(devices = aether_store_list_devices (reader, &error)) ||
      !(schedule = aether_rate_schedule_new_from_json (w->edited, &error)) ||
      !aether_tariff_add_schedule (edited, schedule, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  home = aether_home_new (devices);
  members = aether_home_get_members (home);
  in_force = aether_rates_load_tariff (reader, NULL, NULL);

  result = g_new0 (WhatIfResult, 1);
  result->by_period = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  result->month_from = w->month_from;
  result->month_to = w->to;
  result->year_from = w->year_from;
  result->tz = g_time_zone_ref (aether_rate_schedule_get_time_zone (schedule));
  result->have_in_force = in_force != NULL;
  for (guint which = 0; which < 4 && !g_cancellable_is_cancelled (cancellable); which++)
    {
      AetherTariff *tariff = which % 2 == 0 ? edited : in_force;
      Tally tally = { result, which };

      if (tariff == NULL)
        continue;
      if (!aether_store_price_hour_profiles (reader, AETHER_PRICER (tariff), members, which < 2 ? w->month_from : w->year_from,
                                             w->to, tally_hour, &tally, &error))
        {
          what_if_result_free (result);
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  if (g_task_return_error_if_cancelled (task))
    what_if_result_free (result);
  else
    g_task_return_pointer (task, result, what_if_result_free);
}

static void
clear_what_if (AetherRateEditor *self)
{
  for (guint i = 0; i < self->whatif_widgets->len; i++)
    gtk_box_remove (self->whatif_box, g_ptr_array_index (self->whatif_widgets, i));
  g_ptr_array_set_size (self->whatif_widgets, 0);
}

static GtkWidget *
money_label (double      amount,
             const char *currency)
{
  g_autofree char *text = aether_format_money (amount, currency);
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "numeric");
  return label;
}

static GtkWidget *
what_if_group (AetherRateEditor *self,
               WhatIfResult     *r,
               guint             which,
               const char       *title,
               const char       *currency)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *total = adw_action_row_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  {
    g_autoptr(GDateTime) from = g_date_time_new_from_unix_utc (which == 0 ? r->month_from : r->year_from);
    g_autoptr(GDateTime) to = g_date_time_new_from_unix_utc (r->month_to - 1);
    g_autoptr(GDateTime) from_local = g_date_time_to_timezone (from, r->tz);
    g_autoptr(GDateTime) to_local = g_date_time_to_timezone (to, r->tz);
    g_autofree char *first = g_date_time_format (from_local, "%B %Y");
    g_autofree char *last = g_date_time_format (to_local, "%B %Y");
    /* Translators: a range of months, e.g. "March 2025 to February 2026" */
    g_autofree char *range = which == 0 ? g_strdup (first) : g_strdup_printf (_("%s to %s"), first, last);

    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), range);
  }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (total), _("This schedule"));
  if (r->have_in_force)
    {
      g_autofree char *now = aether_format_money (r->totals[which + 1], currency);
      g_autofree char *diff = aether_format_money (r->totals[which] - r->totals[which + 1], currency);
      /* Translators: the cost under the tariff in force, then the difference */
      g_autofree char *subtitle = g_strdup_printf (_("In force: %s (%s%s)"), now,
                                                   r->totals[which] >= r->totals[which + 1] ? "+" : "", diff);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (total), subtitle);
    }
  adw_action_row_add_suffix (ADW_ACTION_ROW (total), money_label (r->totals[which], currency));
  gtk_widget_set_name (total, which == 0 ? "what-if-month" : "what-if-year");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), total);

  g_hash_table_iter_init (&iter, r->by_period);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      const char *k = key;

      /* The schedule edited's periods; the one in force may name others. */
      if ((guint)(k[0] - '0') == which)
        {
          const char *name = strchr (k, '\x1f') + 1;

          if (!g_ptr_array_find_with_equal_func (names, name, g_str_equal, NULL))
            g_ptr_array_add (names, (gpointer)name);
        }
    }
  g_ptr_array_sort (names, compare_strings);

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *mine_key = g_strdup_printf ("%u\x1f%s", which, name);
      g_autofree char *theirs_key = g_strdup_printf ("%u\x1f%s", which + 1, name);
      double *mine = g_hash_table_lookup (r->by_period, mine_key);
      double *theirs = g_hash_table_lookup (r->by_period, theirs_key);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *pretty = aether_format_key (name);
      g_autofree char *energy = aether_format_energy (mine[0] * 1000);
      g_autofree char *subtitle = NULL;

      if (theirs != NULL)
        {
          g_autofree char *now = aether_format_money (theirs[1], currency);

          /* Translators: energy in a period, then its cost under the tariff in force */
          subtitle = g_strdup_printf (_("%s · in force %s"), energy, now);
        }
      else
        subtitle = g_strdup (energy);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pretty);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), money_label (mine[1], currency));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  return group;
}

static void
what_if_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  AetherRateEditor *self = AETHER_RATE_EDITOR (source);
  g_autoptr(GError) error = NULL;
  WhatIfResult *r = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *currency = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  clear_what_if (self);
  if (r == NULL)
    {
      gtk_label_set_text (self->whatif_status, error->message);
      self->have_whatif = FALSE;
      return;
    }

  currency = g_ascii_strup (row_text (self->currency), -1);
  memcpy (self->whatif_totals, r->totals, sizeof r->totals);
  self->have_whatif = TRUE;
  gtk_label_set_text (self->whatif_status,
                      _("Energy from the stored days’ hour profiles, priced as re-pricing does; fixed and demand charges "
                        "are left out."));
  {
    GtkWidget *month = what_if_group (self, r, 0, _("Last Month"), currency);
    GtkWidget *year = what_if_group (self, r, 2, _("Last 12 Months"), currency);

    gtk_box_append (self->whatif_box, month);
    gtk_box_append (self->whatif_box, year);
    g_ptr_array_add (self->whatif_widgets, month);
    g_ptr_array_add (self->whatif_widgets, year);
  }
  what_if_result_free (r);
  g_signal_emit (self, signals[WHAT_IF_READY], 0);
}

static gboolean
run_what_if (gpointer data)
{
  AetherRateEditor *self = data;
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) month = NULL;
  g_autoptr(GDateTime) last = NULL;
  g_autoptr(GDateTime) year = NULL;
  JsonObject *object;
  WhatIf *w;

  self->whatif_timeout = 0;
  if (self->service == NULL)
    return G_SOURCE_REMOVE;

  g_cancellable_cancel (self->whatif_cancellable);
  g_clear_object (&self->whatif_cancellable);
  self->whatif_cancellable = g_cancellable_new ();

  w = g_new0 (WhatIf, 1);
  w->store = g_object_ref (aether_service_get_store (self->service));
  w->edited = aether_rate_editor_build_json (self);
  /* The schedule being edited prices the whole range, whatever its dates. */
  object = json_node_get_object (w->edited);
  json_object_remove_member (object, "effective_date");
  json_object_remove_member (object, "expiry_date");

  tz = g_time_zone_new_identifier (self->tz);
  if (tz == NULL)
    tz = g_time_zone_new_local ();
  now = g_date_time_new_from_unix_utc (aether_clock_now_us (aether_store_get_clock (w->store)) / G_USEC_PER_SEC);
  now = g_date_time_to_timezone (g_steal_pointer (&now), tz);
  month = g_date_time_new (tz, g_date_time_get_year (now), g_date_time_get_month (now), 1, 0, 0, 0);
  last = g_date_time_add_months (month, -1);
  year = g_date_time_add_months (month, -12);
  w->to = g_date_time_to_unix (month);
  w->month_from = g_date_time_to_unix (last);
  w->year_from = g_date_time_to_unix (year);

  gtk_label_set_text (self->whatif_status, _("Pricing the stored days…"));
  task = g_task_new (self, self->whatif_cancellable, what_if_done, NULL);
  g_task_set_source_tag (task, run_what_if);
  g_task_set_task_data (task, w, what_if_free);
  g_task_run_in_thread (task, what_if_thread);
  return G_SOURCE_REMOVE;
}

static void
schedule_what_if (AetherRateEditor *self)
{
  if (self->problems == NULL || self->problems->len > 0)
    {
      g_clear_handle_id (&self->whatif_timeout, g_source_remove);
      g_cancellable_cancel (self->whatif_cancellable);
      clear_what_if (self);
      self->have_whatif = FALSE;
      gtk_label_set_text (self->whatif_status, _("Once the schedule has no problems, this shows what your stored use would "
                                                 "have cost under it."));
      return;
    }
  /* Typing a price is many changes: price once it settles. */
  self->have_whatif = FALSE;
  g_clear_handle_id (&self->whatif_timeout, g_source_remove);
  self->whatif_timeout = g_timeout_add (300, run_what_if, self);
}

/**
 * aether_rate_editor_get_what_if:
 * @self: an editor
 * @month_cost: (out): last month's energy cost under the schedule edited
 * @month_cost_in_force: (out): under the one in force
 * @year_cost: (out): the last 12 months' under the schedule edited
 * @year_cost_in_force: (out): under the one in force
 *
 * Returns: whether the what-if shows figures
 */
gboolean
aether_rate_editor_get_what_if (AetherRateEditor *self,
                                double           *month_cost,
                                double           *month_cost_in_force,
                                double           *year_cost,
                                double           *year_cost_in_force)
{
  g_return_val_if_fail (AETHER_IS_RATE_EDITOR (self), FALSE);

  *month_cost = self->whatif_totals[0];
  *month_cost_in_force = self->whatif_totals[1];
  *year_cost = self->whatif_totals[2];
  *year_cost_in_force = self->whatif_totals[3];
  return self->have_whatif;
}

/* ---- The window ---------------------------------------------------------- */

static void
on_field_changed (AetherRateEditor *self)
{
  if (!self->building)
    revalidate (self);
}

static void
on_number_field_changed (GtkEditable      *editable,
                         AetherRateEditor *self)
{
  set_row_error (GTK_WIDGET (editable), gtk_editable_get_text (editable));
  on_field_changed (self);
}

static AdwEntryRow *
add_entry (AdwPreferencesGroup *group,
           const char          *title,
           const char          *name,
           gboolean             number,
           AetherRateEditor    *self)
{
  GtkWidget *row = adw_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_set_name (row, name);
  if (number)
    {
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_NUMBER);
      g_signal_connect (row, "changed", G_CALLBACK (on_number_field_changed), self);
    }
  else
    g_signal_connect_swapped (row, "changed", G_CALLBACK (on_field_changed), self);
  adw_preferences_group_add (group, row);
  return ADW_ENTRY_ROW (row);
}

static GtkWidget *
header_button (const char *label,
               GCallback   callback,
               gpointer    data)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_signal_connect (button, "clicked", callback, data);
  return button;
}

static char *
describe_cell (guint    day,
               guint    hour,
               gpointer data)
{
  AetherRateEditor *self = data;
  Season *season = current_season (self);
  guint8 p = season->slots[day * SLOTS_PER_DAY + hour * 4];
  const char *days[] = { N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
                         N_("Sunday") };

  /* Translators: the focus cell of the week grid, e.g. "Monday 16:00: peak" */
  return g_strdup_printf (_("%s %02u:00: %s"), _(days[day]), hour,
                          p == NONE || p >= season->periods->len ? _("no period")
                                                                 : ((Period *)g_ptr_array_index (season->periods, p))->name);
}

static void
build_window (AetherRateEditor *self)
{
  GtkWidget *toolbar = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *menu_button = gtk_menu_button_new ();
  GtkWidget *whatif_toggle = gtk_toggle_button_new ();
  GtkWidget *flap_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *flap_scroller = gtk_scrolled_window_new ();
  GtkWidget *whatif_title = gtk_label_new (_("What If"));
  AdwPreferencesGroup *identity = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *week = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *charges = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  AdwPreferencesGroup *carbon = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GtkStringList) windows = gtk_string_list_new ((const char *[]) { _("15 minutes"), _("5 minutes"),
                                                                             _("30 minutes"), _("60 minutes"), NULL });
  g_autoptr(GtkStringList) bases = gtk_string_list_new ((const char *[]) { _("Per billing cycle"), _("Per day"), NULL });

  self->title = ADW_WINDOW_TITLE (adw_window_title_new (_("New Tariff"), NULL));
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header), GTK_WIDGET (self->title));
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_set_show_start_title_buttons (ADW_HEADER_BAR (header), FALSE);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_close), self);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);

  self->save = gtk_button_new_with_mnemonic (_("_Save"));
  gtk_widget_add_css_class (self->save, "suggested-action");
  gtk_widget_set_name (self->save, "save");
  g_signal_connect (self->save, "clicked", G_CALLBACK (save_clicked), self);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), self->save);

  g_menu_append (menu, _("_Open a Schedule File…"), "editor.import");
  g_menu_append (menu, _("_Export…"), "editor.export");
  g_menu_append (menu, _("_Delete This Version"), "editor.delete");
  g_menu_append (menu, _("_Help"), "app.help-page('rate-editor')");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (menu_button), G_MENU_MODEL (menu));
  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (menu_button), "open-menu-symbolic");
  gtk_widget_set_tooltip_text (menu_button, _("Tariff menu"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (menu_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Tariff menu"), -1);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), menu_button);

  gtk_button_set_icon_name (GTK_BUTTON (whatif_toggle), "accessories-calculator-symbolic");
  gtk_widget_set_tooltip_text (whatif_toggle, _("What stored use would have cost"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (whatif_toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Show what stored use would have cost"), -1);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), whatif_toggle);
  gtk_box_append (GTK_BOX (toolbar), header);

  /* Identity. */
  adw_preferences_group_set_title (identity, _("Tariff"));
  self->new_version_button = header_button (_("_New Version From…"), G_CALLBACK (new_version_clicked), self);
  gtk_widget_set_tooltip_text (self->new_version_button, _("New prices from a date; this version ends the day before"));
  adw_preferences_group_set_header_suffix (identity, self->new_version_button);
  self->provider = add_entry (identity, _("Provider"), "provider", FALSE, self);
  self->plan = add_entry (identity, _("Plan Name"), "plan", FALSE, self);
  self->currency = add_entry (identity, _("Currency (EUR, USD, GBP…)"), "currency", FALSE, self);
  self->tz_row = ADW_ACTION_ROW (adw_action_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tz_row), _("Time Zone"));
  self->tz_button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_widget_set_name (GTK_WIDGET (self->tz_button), "tz-button");
  gtk_widget_set_valign (GTK_WIDGET (self->tz_button), GTK_ALIGN_CENTER);
  gtk_menu_button_set_popover (self->tz_button, time_zone_popover (self));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->tz_button), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Choose the time zone"), -1);
  adw_action_row_add_suffix (self->tz_row, GTK_WIDGET (self->tz_button));
  adw_action_row_set_activatable_widget (self->tz_row, GTK_WIDGET (self->tz_button));
  adw_preferences_group_add (identity, GTK_WIDGET (self->tz_row));
  self->effective = add_entry (identity, _("Takes Effect (YYYY-MM-DD)"), "effective", FALSE, self);
  self->expiry = add_entry (identity, _("Ends (YYYY-MM-DD, optional)"), "expiry", FALSE, self);

  /* Seasons. */
  self->seasons_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->seasons_group, _("Seasons"));
  {
    GtkWidget *add = header_button (_("Add _Season"), G_CALLBACK (add_season_clicked), self);

    gtk_widget_set_name (add, "add-season");
    adw_preferences_group_set_header_suffix (self->seasons_group, add);
  }

  /* Periods and the week. */
  self->periods_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->periods_group, _("Periods"));
  adw_preferences_group_set_description (self->periods_group,
                                         _("Select a period, then drag across the week, or move with the arrow keys "
                                           "and press Space"));
  {
    GtkWidget *add = header_button (_("_Add Period"), G_CALLBACK (add_period_clicked), self);

    gtk_widget_set_name (add, "add-period");
    adw_preferences_group_set_header_suffix (self->periods_group, add);
  }

  adw_preferences_group_set_title (week, _("Week"));
  self->grid = AETHER_RATE_GRID (aether_rate_grid_new ());
  gtk_widget_set_name (GTK_WIDGET (self->grid), "grid");
  aether_rate_grid_set_describe_func (self->grid, describe_cell, self);
  g_signal_connect_swapped (self->grid, "changed", G_CALLBACK (revalidate), self);
  gtk_widget_set_margin_top (GTK_WIDGET (self->grid), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->grid), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (self->grid), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (self->grid), 12);
  gtk_widget_add_css_class (card, "card");
  gtk_box_append (GTK_BOX (card), GTK_WIDGET (self->grid));
  adw_preferences_group_add (week, card);
  self->messages = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->messages, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->messages), "boxed-list");
  gtk_widget_set_margin_top (GTK_WIDGET (self->messages), 12);
  gtk_widget_set_name (GTK_WIDGET (self->messages), "messages");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->messages), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Problems with the schedule"), -1);
  adw_preferences_group_add (week, GTK_WIDGET (self->messages));

  /* Charges. */
  adw_preferences_group_set_title (charges, _("Charges"));
  self->tier_basis = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->tier_basis), _("Tier Limits Count"));
  adw_combo_row_set_model (self->tier_basis, G_LIST_MODEL (bases));
  g_signal_connect_swapped (self->tier_basis, "notify::selected", G_CALLBACK (on_field_changed), self);
  adw_preferences_group_add (charges, GTK_WIDGET (self->tier_basis));
  self->monthly = add_entry (charges, _("Monthly Service Charge"), "monthly", TRUE, self);
  self->daily = add_entry (charges, _("Daily Service Charge"), "daily", TRUE, self);
  self->demand_rate = add_entry (charges, _("Demand Charge per kW"), "demand-rate", TRUE, self);
  self->demand_window = ADW_COMBO_ROW (adw_combo_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->demand_window), _("Demand Window"));
  gtk_widget_set_name (GTK_WIDGET (self->demand_window), "demand-window");
  adw_combo_row_set_model (self->demand_window, G_LIST_MODEL (windows));
  g_signal_connect_swapped (self->demand_window, "notify::selected", G_CALLBACK (on_field_changed), self);
  adw_preferences_group_add (charges, GTK_WIDGET (self->demand_window));
  self->demand_periods_row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->demand_periods_row), _("Demand Counts In"));
  adw_expander_row_set_subtitle (self->demand_periods_row, _("The periods whose peak is charged"));
  gtk_widget_set_name (GTK_WIDGET (self->demand_periods_row), "demand-periods");
  adw_preferences_group_add (charges, GTK_WIDGET (self->demand_periods_row));
  {
    GtkWidget *row = adw_action_row_new ();

    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Billing Cycle Starts On Day"));
    self->cycle_day = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (1, 28, 1));
    gtk_widget_set_valign (GTK_WIDGET (self->cycle_day), GTK_ALIGN_CENTER);
    gtk_accessible_update_property (GTK_ACCESSIBLE (self->cycle_day), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                    _("Billing cycle start day"), -1);
    g_signal_connect_swapped (self->cycle_day, "value-changed", G_CALLBACK (on_field_changed), self);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), GTK_WIDGET (self->cycle_day));
    adw_preferences_group_add (charges, row);
  }

  self->taxes_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->taxes_group, _("Taxes"));
  {
    GtkWidget *add = header_button (_("Add Ta_x"), G_CALLBACK (add_tax_clicked), self);

    gtk_widget_set_name (add, "add-tax");
    adw_preferences_group_set_header_suffix (self->taxes_group, add);
  }

  adw_preferences_group_set_title (carbon, _("Carbon"));
  self->carbon = add_entry (carbon, _("Grid Intensity, g/kWh (one figure, or 24 by hour)"), "carbon", FALSE, self);

  self->page = ADW_PREFERENCES_PAGE (adw_preferences_page_new ());
  adw_preferences_page_add (self->page, identity);
  self->versions_group = ADW_PREFERENCES_GROUP (adw_preferences_group_new ());
  adw_preferences_group_set_title (self->versions_group, _("Versions"));
  adw_preferences_group_set_description (self->versions_group,
                                         _("Each version holds the prices from its date; past days keep theirs"));
  gtk_widget_set_visible (GTK_WIDGET (self->versions_group), FALSE);
  adw_preferences_page_add (self->page, self->versions_group);
  adw_preferences_page_add (self->page, self->seasons_group);
  adw_preferences_page_add (self->page, self->periods_group);
  adw_preferences_page_add (self->page, week);
  adw_preferences_page_add (self->page, charges);
  adw_preferences_page_add (self->page, self->taxes_group);
  adw_preferences_page_add (self->page, carbon);

  /* The what-if, beside the editor when there is room. */
  gtk_widget_add_css_class (whatif_title, "title-4");
  gtk_label_set_xalign (GTK_LABEL (whatif_title), 0);
  self->whatif_status = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (self->whatif_status, TRUE);
  gtk_label_set_max_width_chars (self->whatif_status, 30);
  gtk_label_set_xalign (self->whatif_status, 0);
  gtk_widget_add_css_class (GTK_WIDGET (self->whatif_status), "dim-label");
  self->whatif_box = GTK_BOX (flap_box);
  gtk_widget_set_margin_top (flap_box, 24);
  gtk_widget_set_margin_bottom (flap_box, 24);
  gtk_widget_set_margin_start (flap_box, 12);
  gtk_widget_set_margin_end (flap_box, 12);
  gtk_box_append (GTK_BOX (flap_box), whatif_title);
  gtk_box_append (GTK_BOX (flap_box), GTK_WIDGET (self->whatif_status));
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (flap_scroller), flap_box);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (flap_scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (flap_scroller, 340, -1);
  gtk_widget_set_hexpand (flap_scroller, FALSE);
  gtk_widget_set_hexpand (GTK_WIDGET (self->page), TRUE);
  gtk_widget_add_css_class (flap_scroller, "background");

  self->flap = ADW_FLAP (adw_flap_new ());
  adw_flap_set_flap_position (self->flap, GTK_PACK_END);
  adw_flap_set_content (self->flap, GTK_WIDGET (self->page));
  adw_flap_set_flap (self->flap, flap_scroller);
  adw_flap_set_separator (self->flap, gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  adw_flap_set_fold_threshold_policy (self->flap, ADW_FOLD_THRESHOLD_POLICY_NATURAL);
  adw_flap_set_reveal_flap (self->flap, TRUE);
  g_object_bind_property (self->flap, "reveal-flap", whatif_toggle, "active", G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_widget_set_vexpand (GTK_WIDGET (self->flap), TRUE);

  self->toasts = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toasts, GTK_WIDGET (self->flap));
  gtk_box_append (GTK_BOX (toolbar), GTK_WIDGET (self->toasts));
  adw_window_set_content (ADW_WINDOW (self), toolbar);
}

static void
on_folded (AetherRateEditor *self)
{
  /* Beside the editor when it fits; behind the button when it does not. */
  adw_flap_set_reveal_flap (self->flap, !adw_flap_get_folded (self->flap));
}

/**
 * aether_rate_editor_new:
 * @service: the service every write goes through
 * @schedule: (nullable): a schedule to start from (a stored version, the
 *   sample, a duplicate), %NULL for a blank one
 * @is_stored: whether Save corrects @schedule rather than adding a version
 *
 * Returns: (transfer full): a new editor window
 */
AetherRateEditor *
aether_rate_editor_new (AetherService *service,
                        JsonNode      *schedule,
                        gboolean       is_stored)
{
  AetherRateEditor *self;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  self = g_object_new (AETHER_TYPE_RATE_EDITOR, NULL);
  self->service = g_object_ref (service);
  aether_rate_editor_set_schedule (self, schedule, is_stored);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.delete", is_stored);
  return self;
}

static void
aether_rate_editor_dispose (GObject *object)
{
  AetherRateEditor *self = AETHER_RATE_EDITOR (object);

  g_clear_handle_id (&self->whatif_timeout, g_source_remove);
  g_cancellable_cancel (self->whatif_cancellable);
  g_clear_object (&self->whatif_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (aether_rate_editor_parent_class)->dispose (object);
}

static void
aether_rate_editor_finalize (GObject *object)
{
  AetherRateEditor *self = AETHER_RATE_EDITOR (object);

  g_clear_pointer (&self->original, json_object_unref);
  g_free (self->rate_id);
  g_free (self->tz);
  g_free (self->opened);
  g_ptr_array_unref (self->seasons);
  g_ptr_array_unref (self->taxes);
  g_strfreev (self->demand_periods);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_ptr_array_unref (self->season_rows);
  g_ptr_array_unref (self->period_rows);
  g_ptr_array_unref (self->hours_entries);
  g_ptr_array_unref (self->extra_rows);
  g_ptr_array_unref (self->tax_rows);
  g_ptr_array_unref (self->demand_checks);
  g_ptr_array_unref (self->whatif_widgets);
  g_ptr_array_unref (self->version_rows);
  g_clear_object (&self->tz_filtered);

  G_OBJECT_CLASS (aether_rate_editor_parent_class)->finalize (object);
}

static void
aether_rate_editor_class_init (AetherRateEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_rate_editor_dispose;
  object_class->finalize = aether_rate_editor_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = aether_rate_editor_close_request;

  /**
   * AetherRateEditor::delete-requested:
   * @rate_id: the version to remove
   *
   * The person asked to delete the version shown; whoever opened the
   * editor removes it, offering undo.
   */
  signals[DELETE_REQUESTED] = g_signal_new ("delete-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                            NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AetherRateEditor::open-version:
   * @rate_id: a stored version
   *
   * The person asked to edit another version (in a window of its own).
   */
  signals[OPEN_VERSION] = g_signal_new ("open-version", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                        NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * AetherRateEditor::what-if-ready:
   *
   * The what-if shows figures for the schedule as it is now.
   */
  signals[WHAT_IF_READY] = g_signal_new ("what-if-ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                         NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "editor.export", NULL, file_action);
  gtk_widget_class_install_action (widget_class, "editor.import", NULL, file_action);
  gtk_widget_class_install_action (widget_class, "editor.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
}

static void
aether_rate_editor_init (AetherRateEditor *self)
{
  self->seasons = g_ptr_array_new_with_free_func (season_free);
  self->taxes = g_ptr_array_new_with_free_func (tax_free);
  self->season_rows = g_ptr_array_new ();
  self->period_rows = g_ptr_array_new ();
  self->hours_entries = g_ptr_array_new ();
  self->extra_rows = g_ptr_array_new ();
  self->tax_rows = g_ptr_array_new ();
  self->demand_checks = g_ptr_array_new ();
  self->whatif_widgets = g_ptr_array_new ();
  self->version_rows = g_ptr_array_new ();
  self->tz = g_strdup ("UTC");
  g_ptr_array_add (self->seasons, season_new ("all_year"));

  gtk_window_set_title (GTK_WINDOW (self), _("Rate Editor"));
  gtk_window_set_default_size (GTK_WINDOW (self), 1100, 760);
  gtk_widget_set_size_request (GTK_WIDGET (self), 360, 400);
  build_window (self);
  g_signal_connect_swapped (self->flap, "notify::folded", G_CALLBACK (on_folded), self);
}
