/* aether-preferences-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences. Everything applies as it changes; there is no Apply button.
 * What the seed's User model has a field for (time zone, currency,
 * temperature unit, date format, theme, notification channels) and what
 * acts in the core (retention, backups) is the person's User record,
 * written through the service (aether_service_update_user()); what only
 * the desktop app needs (run in background, start at login) is GSettings.
 * Plugins are the plugin engine's own list. */

#define G_LOG_DOMAIN "aether-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#if HAVE_LIBPORTAL
# include <libportal-gtk4/portal-gtk4.h>
#endif

#include "aether-preferences-window.h"
#include "aether-tokens-page.h"

#define DAY (G_GINT64_CONSTANT (86400))

typedef struct
{
  gint64      seconds;
  const char *label;
} Duration;

static const Duration durations[] = {
  { 3600, N_("1 hour") },
  { 6 * 3600, N_("6 hours") },
  { DAY, N_("1 day") },
  { 7 * DAY, N_("7 days") },
  { 30 * DAY, N_("30 days") },
  { 90 * DAY, N_("90 days") },
  { 365 * DAY, N_("1 year") },
  { 2 * 365 * DAY, N_("2 years") },
  { 5 * 365 * DAY, N_("5 years") },
  { 7 * 365 * DAY, N_("7 years") },
  { 0, N_("Forever") },
};

/* The retention a row sets: a tier of power samples, of energy, or the
 * alert history. */
typedef enum { KEEP_SAMPLES, KEEP_ENERGY, KEEP_ALERTS } KeepKind;

typedef struct
{
  KeepKind    kind;
  AetherTier  tier;
  const char *title;
} KeepRow;

static const KeepRow keep_rows[] = {
  { KEEP_SAMPLES, AETHER_TIER_RAW, N_("Every Reading") },
  { KEEP_SAMPLES, AETHER_TIER_1M, N_("1-Minute Summaries") },
  { KEEP_SAMPLES, AETHER_TIER_5M, N_("5-Minute Summaries") },
  { KEEP_SAMPLES, AETHER_TIER_1H, N_("Hourly Summaries") },
  { KEEP_SAMPLES, AETHER_TIER_1D, N_("Daily Summaries") },
  { KEEP_ENERGY, AETHER_TIER_1M, N_("Per Minute") },
  { KEEP_ENERGY, AETHER_TIER_5M, N_("Per 5 Minutes") },
  { KEEP_ENERGY, AETHER_TIER_1H, N_("Per Hour") },
  { KEEP_ENERGY, AETHER_TIER_1D, N_("Per Day") },
  { KEEP_ALERTS, 0, N_("Alert History") },
};

static const char * const currencies[] = {
  "USD", "EUR", "GBP", "JPY", "CAD", "AUD", "NZD", "CHF", "SEK", "NOK", "DKK", "PLN", "CZK",
  "HUF", "INR", "CNY", "BRL", "MXN", "ZAR",
};

static const char * const date_formats[] = { NULL, "YYYY-MM-DD", "DD/MM/YYYY", "MM/DD/YYYY" };

struct _AetherPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template widgets */
  AdwPreferencesGroup  *region_group;
  GtkDropDown          *timezone_dropdown;
  AdwComboRow          *currency_row;
  AdwComboRow          *temperature_row;
  AdwComboRow          *date_format_row;
  AdwComboRow          *theme_row;
  GtkSwitch            *background_switch;
  GtkSwitch            *autostart_switch;
  AdwPreferencesGroup  *notifications_group;
  GtkSwitch            *push_switch;
  GtkSwitch            *webhook_switch;
  AdwActionRow         *database_row;
  AdwPreferencesGroup  *power_group;
  AdwPreferencesGroup  *energy_group;
  AdwPreferencesGroup  *backup_group;
  AdwActionRow         *backup_folder_row;
  AdwComboRow          *frequency_row;
  AdwActionRow         *backup_now_row;
  GtkButton            *backup_button;
  AdwExpanderRow       *restore_row;
  AdwPreferencesGroup  *plugins_group;
  AdwPreferencesGroup  *sinks_group;

  /* Owned references */
  GSettings            *settings;
  AetherService        *service;
  GCancellable         *cancellable;
  GPtrArray            *zones;          /* in the drop-down's order */
  GPtrArray            *currency_codes; /* in the combo's order */
  AdwComboRow          *keep[G_N_ELEMENTS (keep_rows)];
  GArray               *keep_seconds[G_N_ELEMENTS (keep_rows)];  /* gint64 per item */
  GPtrArray            *restore_rows;
  GPtrArray            *sink_rows;
  guint                 sinks_refresh_id;
  GCancellable         *sinks_cancellable;   /* the read under way, if any */
  gboolean              loading;
};

G_DEFINE_FINAL_TYPE (AetherPreferencesWindow, aether_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/**
 * aether_preferences_apply_theme:
 * @theme: `system`, `light` or `dark`, the seed's `preferences.theme`
 *
 * Gives the style manager the person's colour scheme.
 */
void
aether_preferences_apply_theme (const char *theme)
{
  AdwColorScheme scheme = ADW_COLOR_SCHEME_DEFAULT;

  if (g_strcmp0 (theme, "light") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_LIGHT;
  else if (g_strcmp0 (theme, "dark") == 0)
    scheme = ADW_COLOR_SCHEME_FORCE_DARK;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), scheme);
}

static char *
get_data_dir (void)
{
  return g_build_filename (g_get_user_data_dir (), "aetherlens", NULL);
}

static void
open_data_folder_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  g_autofree char *dir = get_data_dir ();
  g_autofree char *uri = NULL;

  g_mkdir_with_parents (dir, 0700);
  uri = g_filename_to_uri (dir, NULL, NULL);
  gtk_show_uri (GTK_WINDOW (widget), uri, GDK_CURRENT_TIME);
}

static void
toast (AetherPreferencesWindow *self,
       const char              *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

/* Reads the record, lets @change edit it, stores it; a failure is said. */
static void
change_user (AetherPreferencesWindow *self,
             void                   (*change) (AetherPreferencesWindow *self,
                                               AetherUser              *user))
{
  g_autoptr(AetherUser) user = NULL;
  g_autoptr(GError) error = NULL;

  if (self->loading || self->service == NULL)
    return;
  user = aether_service_dup_user (self->service);
  change (self, user);
  if (!aether_service_update_user (self->service, user, &error))
    toast (self, error->message);
}

/* Region and units */

static void
set_timezone (AetherPreferencesWindow *self,
              AetherUser              *user)
{
  guint i = gtk_drop_down_get_selected (self->timezone_dropdown);

  if (i < self->zones->len)
    aether_user_set_timezone (user, g_ptr_array_index (self->zones, i));
}

static void
set_currency (AetherPreferencesWindow *self,
              AetherUser              *user)
{
  guint i = adw_combo_row_get_selected (self->currency_row);

  if (i < self->currency_codes->len)
    aether_user_set_currency (user, g_ptr_array_index (self->currency_codes, i));
}

static void
set_units (AetherPreferencesWindow *self,
           AetherUser              *user)
{
  guint format = adw_combo_row_get_selected (self->date_format_row);

  aether_user_set_temperature_unit (user, adw_combo_row_get_selected (self->temperature_row) == 1 ? "fahrenheit" : "celsius");
  aether_user_set_date_format (user, format < G_N_ELEMENTS (date_formats) ? date_formats[format] : NULL);
}

static void
set_theme (AetherPreferencesWindow *self,
           AetherUser              *user)
{
  static const char * const themes[] = { "system", "light", "dark" };

  aether_user_set_theme (user, themes[MIN (adw_combo_row_get_selected (self->theme_row), 2)]);
  aether_preferences_apply_theme (aether_user_get_theme (user));
}

static void
set_channels (AetherPreferencesWindow *self,
              AetherUser              *user)
{
  aether_user_set_notification (user, "push", gtk_switch_get_active (self->push_switch));
  aether_user_set_notification (user, "webhook", gtk_switch_get_active (self->webhook_switch));
}

static void on_timezone_changed (AetherPreferencesWindow *self) { change_user (self, set_timezone); }
static void on_currency_changed (AetherPreferencesWindow *self) { change_user (self, set_currency); }
static void on_units_changed (AetherPreferencesWindow *self) { change_user (self, set_units); }
static void on_theme_changed (AetherPreferencesWindow *self) { change_user (self, set_theme); }
static void on_channels_changed (AetherPreferencesWindow *self) { change_user (self, set_channels); }

/* Every zone the system knows (zone1970.tab, as GNOME Settings lists them). */
static GPtrArray *
list_zones (void)
{
  GPtrArray *zones = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;

  if (g_file_get_contents ("/usr/share/zoneinfo/zone1970.tab", &contents, NULL, NULL))
    {
      lines = g_strsplit (contents, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_auto(GStrv) fields = lines[i][0] != '#' ? g_strsplit (lines[i], "\t", 4) : NULL;

          if (fields != NULL && g_strv_length (fields) >= 3)
            g_ptr_array_add (zones, g_strdup (fields[2]));
        }
    }
  g_ptr_array_add (zones, g_strdup ("UTC"));
  g_ptr_array_sort (zones, (GCompareFunc)g_strcmp0);
  return zones;
}

static void
fill_region (AetherPreferencesWindow *self,
             AetherUser              *user)
{
  g_autoptr(GtkStringList) zone_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) currency_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) format_names = gtk_string_list_new (NULL);
  g_autofree char *system_currency = aether_system_currency ();
  const char *zone = aether_user_get_timezone (user);
  const char *currency = aether_user_get_currency (user);
  const char *format = aether_user_get_date_format (user);
  guint index;

  self->zones = list_zones ();
  if (zone != NULL && !g_ptr_array_find_with_equal_func (self->zones, zone, g_str_equal, NULL))
    g_ptr_array_add (self->zones, g_strdup (zone));
  for (guint i = 0; i < self->zones->len; i++)
    {
      g_autofree char *pretty = g_strdelimit (g_strdup (g_ptr_array_index (self->zones, i)), "_", ' ');

      gtk_string_list_append (zone_names, pretty);
    }
  gtk_drop_down_set_expression (self->timezone_dropdown,
                                gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string"));
  gtk_drop_down_set_model (self->timezone_dropdown, G_LIST_MODEL (zone_names));
  if (zone != NULL && g_ptr_array_find_with_equal_func (self->zones, zone, g_str_equal, &index))
    gtk_drop_down_set_selected (self->timezone_dropdown, index);

  /* The system's money first, then the common ones. */
  self->currency_codes = g_ptr_array_new_with_free_func (g_free);
  if (system_currency != NULL)
    g_ptr_array_add (self->currency_codes, g_strdup (system_currency));
  for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
    if (!g_ptr_array_find_with_equal_func (self->currency_codes, currencies[i], g_str_equal, NULL))
      g_ptr_array_add (self->currency_codes, g_strdup (currencies[i]));
  if (currency != NULL && !g_ptr_array_find_with_equal_func (self->currency_codes, currency, g_str_equal, NULL))
    g_ptr_array_add (self->currency_codes, g_strdup (currency));
  for (guint i = 0; i < self->currency_codes->len; i++)
    gtk_string_list_append (currency_names, g_ptr_array_index (self->currency_codes, i));
  adw_combo_row_set_model (self->currency_row, G_LIST_MODEL (currency_names));
  if (currency != NULL && g_ptr_array_find_with_equal_func (self->currency_codes, currency, g_str_equal, &index))
    adw_combo_row_set_selected (self->currency_row, index);

  adw_combo_row_set_selected (self->temperature_row, g_strcmp0 (aether_user_get_temperature_unit (user), "fahrenheit") == 0);

  gtk_string_list_append (format_names, _("Language Default"));
  gtk_string_list_append (format_names, "2026-01-31");
  gtk_string_list_append (format_names, "31/01/2026");
  gtk_string_list_append (format_names, "01/31/2026");
  adw_combo_row_set_model (self->date_format_row, G_LIST_MODEL (format_names));
  for (guint i = 1; i < G_N_ELEMENTS (date_formats); i++)
    if (g_strcmp0 (format, date_formats[i]) == 0)
      adw_combo_row_set_selected (self->date_format_row, i);

  adw_combo_row_set_selected (self->theme_row, g_str_equal (aether_user_get_theme (user), "light") ? 1
                                               : g_str_equal (aether_user_get_theme (user), "dark") ? 2 : 0);
  gtk_switch_set_active (self->push_switch, aether_user_get_notification (user, "push"));
  gtk_switch_set_active (self->webhook_switch, aether_user_get_notification (user, "webhook"));
}

/* Retention */

static gint64 *
keep_field (AetherRetention *retention,
            const KeepRow   *row)
{
  switch (row->kind)
    {
    case KEEP_SAMPLES:
      return &retention->samples_s[row->tier];
    case KEEP_ENERGY:
      return &retention->energy_s[row->tier];
    case KEEP_ALERTS:
    default:
      return &retention->alerts_s;
    }
}

static void
set_retention (AetherPreferencesWindow *self,
               AetherUser              *user)
{
  AetherRetention retention;

  aether_user_get_retention (user, &retention);
  for (guint i = 0; i < G_N_ELEMENTS (keep_rows); i++)
    {
      guint selected = adw_combo_row_get_selected (self->keep[i]);

      if (selected < self->keep_seconds[i]->len)
        *keep_field (&retention, &keep_rows[i]) = g_array_index (self->keep_seconds[i], gint64, selected);
    }
  aether_user_set_retention (user, &retention);
}

static void on_retention_changed (AetherPreferencesWindow *self) { change_user (self, set_retention); }

static char *
describe_seconds (gint64 seconds)
{
  for (guint i = 0; i < G_N_ELEMENTS (durations); i++)
    if (durations[i].seconds == seconds)
      return g_strdup (_(durations[i].label));
  if (seconds % DAY == 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day", "%u days", (gulong)(seconds / DAY)),
                            (guint)(seconds / DAY));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u hour", "%u hours", (gulong)MAX (1, seconds / 3600)),
                          (guint)MAX (1, seconds / 3600));
}

static void
fill_retention (AetherPreferencesWindow *self,
                AetherUser              *user)
{
  AetherRetention retention, defaults;

  aether_user_get_retention (user, &retention);
  aether_retention_init_defaults (&defaults);
  for (guint i = 0; i < G_N_ELEMENTS (keep_rows); i++)
    {
      g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
      gint64 value = *keep_field (&retention, &keep_rows[i]);
      gint64 fallback = *keep_field (&defaults, &keep_rows[i]);
      g_autofree char *standard = describe_seconds (fallback);
      /* Translators: how long the seed keeps a tier by default */
      g_autofree char *subtitle = g_strdup_printf (_("Standard: %s"), standard);
      AdwComboRow *row = ADW_COMBO_ROW (adw_combo_row_new ());
      guint selected = G_MAXUINT;

      self->keep_seconds[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (guint d = 0; d < G_N_ELEMENTS (durations); d++)
        {
          g_array_append_val (self->keep_seconds[i], durations[d].seconds);
          gtk_string_list_append (names, _(durations[d].label));
          if (durations[d].seconds == value)
            selected = d;
        }
      if (selected == G_MAXUINT)
        {
          g_autofree char *label = describe_seconds (value);

          g_array_append_val (self->keep_seconds[i], value);
          gtk_string_list_append (names, label);
          selected = self->keep_seconds[i]->len - 1;
        }
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(keep_rows[i].title));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_combo_row_set_model (row, G_LIST_MODEL (names));
      adw_combo_row_set_selected (row, selected);
      g_signal_connect_swapped (row, "notify::selected", G_CALLBACK (on_retention_changed), self);
      adw_preferences_group_add (keep_rows[i].kind == KEEP_SAMPLES ? self->power_group : self->energy_group,
                                 GTK_WIDGET (row));
      self->keep[i] = row;
    }
}

/* Backups */

static void
set_frequency (AetherPreferencesWindow *self,
               AetherUser              *user)
{
  static const char * const frequencies[] = { "never", "daily", "weekly" };

  aether_user_set_backup_frequency (user, frequencies[MIN (adw_combo_row_get_selected (self->frequency_row), 2)]);
}

static void on_frequency_changed (AetherPreferencesWindow *self) { change_user (self, set_frequency); }

static char *
backup_time (AetherPreferencesWindow *self,
             const char              *path)
{
  g_autofree char *name = g_path_get_basename (path);
  int y, mo, d, h, mi, s;

  /* aetherlens-YYYYMMDD-HHMMSS.db, in UTC; shown in the person's zone */
  if (sscanf (name, "aetherlens-%4d%2d%2d-%2d%2d%2d", &y, &mo, &d, &h, &mi, &s) == 6)
    {
      g_autoptr(GTimeZone) tz = aether_service_dup_time_zone (self->service);
      g_autoptr(GDateTime) utc = g_date_time_new_utc (y, mo, d, h, mi, s);
      g_autoptr(GDateTime) local = utc ? g_date_time_to_timezone (utc, tz) : NULL;

      if (local != NULL)
        return g_date_time_format (local, "%x %X");
    }
  return g_steal_pointer (&name);
}

static void fill_backups (AetherPreferencesWindow *self);

typedef struct
{
  AetherPreferencesWindow *self;
  char                    *path;
} Restore;

static void
on_safety_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Restore *restore = user_data;
  AetherPreferencesWindow *self = restore->self;
  g_autofree char *safety = NULL;
  g_autoptr(GError) error = NULL;

  safety = aether_service_backup_finish (AETHER_SERVICE (object), result, &error);
  if (safety == NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Nothing was restored: the database could not be backed up first (%s)"),
                                               error->message);

      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, text);
    }
  else if (!aether_service_restore (AETHER_SERVICE (object), restore->path, &error))
    toast (self, error->message);
  else
    {
      g_autofree char *when = backup_time (self, restore->path);
      /* Translators: a date and time */
      g_autofree char *text = g_strdup_printf (_("Restored the backup of %s"), when);

      toast (self, text);
      fill_backups (self);
    }
  g_object_unref (restore->self);
  g_free (restore->path);
  g_free (restore);
}

/**
 * aether_preferences_window_restore:
 * @self: the window
 * @backup_path: a backup
 *
 * Restores @backup_path, as the Restore dialog's button does: the
 * database as it is now is backed up first (into the backup folder's
 * `before-restore`), so nothing is lost.
 */
void
aether_preferences_window_restore (AetherPreferencesWindow *self,
                                   const char              *backup_path)
{
  g_autofree char *folder = NULL;
  g_autofree char *safety_folder = NULL;
  Restore *restore;

  g_return_if_fail (AETHER_IS_PREFERENCES_WINDOW (self));

  folder = aether_service_dup_backup_folder (self->service);
  safety_folder = g_build_filename (folder, "before-restore", NULL);
  restore = g_new0 (Restore, 1);
  restore->self = g_object_ref (self);
  restore->path = g_strdup (backup_path);
  aether_service_backup_async (self->service, safety_folder, 3, self->cancellable, on_safety_done, restore);
}

static void
on_restore_response (AdwMessageDialog        *dialog,
                     const char              *response,
                     AetherPreferencesWindow *self)
{
  if (g_strcmp0 (response, "restore") == 0)
    aether_preferences_window_restore (self, g_object_get_data (G_OBJECT (dialog), "path"));
}

static void
on_restore_clicked (GtkButton               *button,
                    AetherPreferencesWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (button), "path");
  g_autofree char *when = backup_time (self, path);
  /* Translators: a date and time */
  g_autofree char *heading = g_strdup_printf (_("Restore the Backup of %s?"), when);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading,
                                              _("Devices, alerts, tariffs and readings become what they were then. "
                                                "What the database holds now is backed up first, so this too can "
                                                "be restored."));

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "restore", _("_Restore"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "restore", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "path", g_strdup (path), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_restore_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
fill_backups (AetherPreferencesWindow *self)
{
  g_autoptr(AetherUser) user = aether_service_dup_user (self->service);
  g_autoptr(GPtrArray) backups = aether_service_list_backups (self->service);
  g_autofree char *folder = aether_service_dup_backup_folder (self->service);
  const char *frequency = aether_user_get_backup_frequency (user);

  adw_action_row_set_subtitle (self->backup_folder_row, folder);
  self->loading = TRUE;
  adw_combo_row_set_selected (self->frequency_row, g_str_equal (frequency, "daily") ? 1 : g_str_equal (frequency, "weekly") ? 2 : 0);
  self->loading = FALSE;

  if (backups->len > 0)
    {
      g_autofree char *when = backup_time (self, g_ptr_array_index (backups, 0));

      adw_action_row_set_subtitle (self->backup_now_row, when);
    }
  else
    adw_action_row_set_subtitle (self->backup_now_row, _("None yet"));

  for (guint i = 0; i < self->restore_rows->len; i++)
    adw_expander_row_remove (self->restore_row, g_ptr_array_index (self->restore_rows, i));
  g_ptr_array_set_size (self->restore_rows, 0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->restore_row), backups->len > 0);
  for (guint i = 0; i < MIN (backups->len, 10); i++)
    {
      const char *path = g_ptr_array_index (backups, i);
      g_autofree char *when = backup_time (self, path);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Restore…"));
      /* Translators: a date and time */
      g_autofree char *label = g_strdup_printf (_("Restore the backup of %s"), when);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (button), "path", g_strdup (path), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (on_restore_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      adw_expander_row_add_row (self->restore_row, row);
      g_ptr_array_add (self->restore_rows, row);
    }
}

static void
on_sink_switched (GtkSwitch               *toggle,
                  GParamSpec              *pspec,
                  AetherPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;
  const char *name = g_object_get_data (G_OBJECT (toggle), "sink");

  if (self->loading)
    return;
  if (!aether_service_set_sink_enabled (self->service, name, gtk_switch_get_active (toggle), &error))
    g_warning ("%s", error->message);
}

/* One row a sink: its name, kind and what its status says, a switch to
 * pause it. */
static void
show_sinks (AetherPreferencesWindow *self,
            GPtrArray               *sinks,
            const GError            *error)
{
  for (guint i = 0; i < self->sink_rows->len; i++)
    adw_preferences_group_remove (self->sinks_group, g_ptr_array_index (self->sink_rows, i));
  g_ptr_array_set_size (self->sink_rows, 0);

  if (sinks == NULL || sinks->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No Servers"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sinks == NULL ? error->message
                                                                       : _("Readings are kept in this database only"));
      adw_preferences_group_add (self->sinks_group, row);
      g_ptr_array_add (self->sink_rows, row);
      return;
    }

  self->loading = TRUE;
  for (guint i = 0; i < sinks->len; i++)
    {
      AetherSinkRecord *record = g_ptr_array_index (sinks, i);
      g_autofree char *status = aether_sink_record_describe_status (record);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s",
                                                   g_str_equal (record->kind, "influxdb") ? "InfluxDB" : "PostgreSQL",
                                                   status);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), record->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (toggle), record->enabled);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, record->name, -1);
      g_object_set_data_full (G_OBJECT (toggle), "sink", g_strdup (record->name), g_free);
      g_signal_connect (toggle, "notify::active", G_CALLBACK (on_sink_switched), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      if (record->dropped > 0 || g_strcmp0 (record->state, "failing") == 0)
        gtk_widget_add_css_class (row, "warning");
      adw_preferences_group_add (self->sinks_group, row);
      g_ptr_array_add (self->sink_rows, row);
    }
  self->loading = FALSE;
}

static void
on_sinks_read (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  AetherPreferencesWindow *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sinks = aether_service_list_sinks_finish (AETHER_SERVICE (object), result, &error);

  /* A read cancelled (the window unmapped, or a newer read asked for)
   * shows nothing: the widgets may be gone. */
  if (g_task_return_error_if_cancelled (task))
    return;
  if (self->sinks_cancellable == g_task_get_cancellable (task))
    g_clear_object (&self->sinks_cancellable);
  show_sinks (self, sinks, error);
  g_task_return_boolean (task, TRUE);
}

/* Reads the sinks on a thread (aether_service_list_sinks_async()), in place
 * of a read still under way. */
static void
read_sinks (AetherPreferencesWindow *self,
            GAsyncReadyCallback      callback,
            gpointer                 user_data)
{
  GTask *task;

  g_cancellable_cancel (self->sinks_cancellable);
  g_clear_object (&self->sinks_cancellable);
  self->sinks_cancellable = g_cancellable_new ();

  task = g_task_new (self, self->sinks_cancellable, callback, user_data);
  g_task_set_source_tag (task, read_sinks);
  aether_service_list_sinks_async (self->service, self->sinks_cancellable, on_sinks_read, task);
}

/* Read again every few seconds while the window is mapped (the sinks table
 * is a handful of rows); a read still under way is left to answer. */
static gboolean
refresh_sinks (gpointer user_data)
{
  AetherPreferencesWindow *self = user_data;

  if (self->sinks_cancellable == NULL)
    read_sinks (self, NULL, NULL);
  return G_SOURCE_CONTINUE;
}

/**
 * aether_preferences_window_refresh_sinks:
 * @self: a preferences window
 * @callback: (nullable): called once the sinks are shown
 * @user_data: data for @callback
 *
 * Reads the sinks and their status again now, off the main loop (it
 * happens every few seconds anyway while the window is mapped).
 */
void
aether_preferences_window_refresh_sinks (AetherPreferencesWindow *self,
                                         GAsyncReadyCallback      callback,
                                         gpointer                 user_data)
{
  g_return_if_fail (AETHER_IS_PREFERENCES_WINDOW (self));

  if (self->service != NULL)
    read_sinks (self, callback, user_data);
  else
    {
      g_autoptr(GTask) task = g_task_new (self, NULL, callback, user_data);

      g_task_set_source_tag (task, read_sinks);
      g_task_return_boolean (task, TRUE);
    }
}

/**
 * aether_preferences_window_refresh_sinks_finish:
 * @self: a preferences window
 * @result: the result
 * @error: a location for a #GError
 *
 * Returns: whether the sinks were shown (%FALSE with %G_IO_ERROR_CANCELLED
 *   when a newer read took its place, or the window was unmapped)
 */
gboolean
aether_preferences_window_refresh_sinks_finish (AetherPreferencesWindow  *self,
                                                GAsyncResult             *result,
                                                GError                  **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
aether_preferences_window_map (GtkWidget *widget)
{
  AetherPreferencesWindow *self = AETHER_PREFERENCES_WINDOW (widget);

  GTK_WIDGET_CLASS (aether_preferences_window_parent_class)->map (widget);

  if (self->service != NULL && self->sinks_refresh_id == 0)
    {
      read_sinks (self, NULL, NULL);
      self->sinks_refresh_id = g_timeout_add_seconds (5, refresh_sinks, self);
    }
}

static void
aether_preferences_window_unmap (GtkWidget *widget)
{
  AetherPreferencesWindow *self = AETHER_PREFERENCES_WINDOW (widget);

  g_clear_handle_id (&self->sinks_refresh_id, g_source_remove);
  g_cancellable_cancel (self->sinks_cancellable);
  g_clear_object (&self->sinks_cancellable);

  GTK_WIDGET_CLASS (aether_preferences_window_parent_class)->unmap (widget);
}

static void
on_backup_done (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AetherPreferencesWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = aether_service_backup_finish (AETHER_SERVICE (object), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (self->backup_button), TRUE);
  if (path == NULL)
    {
      toast (self, error->message);
      return;
    }
  toast (self, _("Backed up"));
  fill_backups (self);
}

static void
back_up_now_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  AetherPreferencesWindow *self = AETHER_PREFERENCES_WINDOW (widget);

  gtk_widget_set_sensitive (GTK_WIDGET (self->backup_button), FALSE);
  aether_service_backup_async (self->service, NULL, 0, self->cancellable, on_backup_done, g_object_ref (self));
}

static void
set_folder (AetherPreferencesWindow *self,
            AetherUser              *user)
{
  aether_user_set_backup_folder (user, g_object_get_data (G_OBJECT (self), "chosen-folder"));
}

/**
 * aether_preferences_window_set_backup_folder:
 * @self: the window
 * @folder: where backups go from now on
 */
void
aether_preferences_window_set_backup_folder (AetherPreferencesWindow *self,
                                             const char              *folder)
{
  g_object_set_data_full (G_OBJECT (self), "chosen-folder", g_strdup (folder), g_free);
  change_user (self, set_folder);
  fill_backups (self);
}

static void
on_folder_chosen (GtkNativeDialog         *chooser,
                  int                      response,
                  AetherPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file ? g_file_get_path (file) : NULL;

      if (path != NULL)
        aether_preferences_window_set_backup_folder (self, path);
    }
  g_object_unref (chooser);
}

static void
choose_folder_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Backup Folder"), GTK_WINDOW (widget),
                                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                                               _("_Select"), _("_Cancel"));

  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (on_folder_chosen), widget);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Plugins */

static gboolean
on_plugin_toggled (GtkSwitch               *toggle,
                   gboolean                 enabled,
                   AetherPreferencesWindow *self)
{
  g_autoptr(GError) error = NULL;

  if (!aether_plugin_engine_set_enabled (aether_service_get_plugin_engine (self->service),
                                         g_object_get_data (G_OBJECT (toggle), "module"), enabled, &error))
    {
      toast (self, error->message);
      return TRUE;   /* the switch stays as it was */
    }
  gtk_switch_set_state (toggle, enabled);
  return TRUE;
}

static void
fill_plugins (AetherPreferencesWindow *self)
{
  g_autoptr(GPtrArray) plugins = aether_plugin_engine_list (aether_service_get_plugin_engine (self->service));

  for (guint i = 0; plugins != NULL && i < plugins->len; i++)
    {
      AetherPluginInfo *info = g_ptr_array_index (plugins, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *toggle = gtk_switch_new ();
      /* Translators: a version number */
      g_autofree char *version = info->version ? g_strdup_printf (_("Version %s"), info->version)
                                 /* Translators: the application's version */
                                 : g_strdup_printf (_("Version %s, comes with AetherLens"), PACKAGE_VERSION);
      g_autofree char *subtitle = NULL;
      /* Translators: a plugin's name */
      g_autofree char *label = g_strdup_printf (_("Use %s"), info->name ? info->name : info->module_name);

      if (info->error != NULL)
        subtitle = g_strdup_printf ("%s\n%s · %s", info->description ? info->description : "", version, info->error);
      else
        subtitle = g_strdup_printf ("%s\n%s", info->description ? info->description : "", version);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->name ? info->name : info->module_name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_switch_set_active (GTK_SWITCH (toggle), info->enabled);
      gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      g_object_set_data_full (G_OBJECT (toggle), "module", g_strdup (info->module_name), g_free);
      g_signal_connect (toggle, "state-set", G_CALLBACK (on_plugin_toggled), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
      adw_preferences_group_add (self->plugins_group, row);
    }
}

/* Start at login: the background portal's autostart in a sandbox, an
 * XDG autostart entry otherwise. */

static char *
autostart_path (void)
{
  g_autofree char *name = g_strconcat (APPLICATION_ID, ".desktop", NULL);

  return g_build_filename (g_get_user_config_dir (), "autostart", name, NULL);
}

#if HAVE_LIBPORTAL
static void
on_autostart_answer (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!xdp_portal_request_background_finish (XDP_PORTAL (object), result, &error))
    g_message ("Starting at login was not allowed: %s", error ? error->message : "denied");
}
#endif

static void
apply_autostart (AetherPreferencesWindow *self)
{
  gboolean on = g_settings_get_boolean (self->settings, "start-at-login");
  g_autofree char *path = autostart_path ();

#if HAVE_LIBPORTAL
  if (xdp_portal_running_under_sandbox ())
    {
      g_autoptr(XdpPortal) portal = xdp_portal_new ();
      XdpParent *parent = xdp_parent_new_gtk (GTK_WINDOW (self));
      g_autoptr(GPtrArray) command = g_ptr_array_new ();

      g_ptr_array_add (command, (gpointer)"aetherlens");
      g_ptr_array_add (command, (gpointer)"--gapplication-service");
      g_ptr_array_add (command, NULL);
      xdp_portal_request_background (portal, parent, _("AetherLens reads your devices from the moment you log in"),
                                     on ? command : NULL,
                                     on ? XDP_BACKGROUND_FLAG_AUTOSTART : XDP_BACKGROUND_FLAG_NONE,
                                     NULL, on_autostart_answer, NULL);
      xdp_parent_free (parent);
      return;
    }
#endif

  if (on)
    {
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *contents = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=AetherLens\n"
                                                   "Exec=aetherlens --gapplication-service\n"
                                                   "X-GNOME-Autostart-enabled=true\nNoDisplay=true\n");
      g_autoptr(GError) error = NULL;

      if (g_mkdir_with_parents (dir, 0700) != 0 || !g_file_set_contents (path, contents, -1, &error))
        toast (self, error ? error->message : _("The autostart folder could not be made"));
    }
  else
    g_unlink (path);
}

static void
on_background_changed (AetherPreferencesWindow *self)
{
  /* Without running in the background, starting at login would start
   * something that stops at once. */
  if (!g_settings_get_boolean (self->settings, "run-in-background") &&
      g_settings_get_boolean (self->settings, "start-at-login"))
    g_settings_set_boolean (self->settings, "start-at-login", FALSE);
}

/**
 * aether_preferences_window_new_for_service:
 * @application: (nullable): the application
 * @service: (nullable): the running service; without one only the
 *   settings of this computer are shown
 *
 * Returns: (transfer full): a new preferences window
 */
AetherPreferencesWindow *
aether_preferences_window_new_for_service (GtkApplication *application,
                                           AetherService  *service)
{
  AetherPreferencesWindow *self = g_object_new (AETHER_TYPE_PREFERENCES_WINDOW,
                                                "application", application,
                                                NULL);
  g_autoptr(AetherUser) user = NULL;

  g_set_object (&self->service, service);
  gtk_widget_set_sensitive (GTK_WIDGET (self->region_group), service != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->notifications_group), service != NULL);
  if (service == NULL)
    return self;

  self->loading = TRUE;
  user = aether_service_dup_user (service);
  fill_region (self, user);
  fill_retention (self, user);
  fill_plugins (self);
  self->loading = FALSE;
  fill_backups (self);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (self), ADW_PREFERENCES_PAGE (aether_tokens_page_new (service)));

  g_signal_connect_swapped (self->timezone_dropdown, "notify::selected", G_CALLBACK (on_timezone_changed), self);
  g_signal_connect_swapped (self->currency_row, "notify::selected", G_CALLBACK (on_currency_changed), self);
  g_signal_connect_swapped (self->temperature_row, "notify::selected", G_CALLBACK (on_units_changed), self);
  g_signal_connect_swapped (self->date_format_row, "notify::selected", G_CALLBACK (on_units_changed), self);
  g_signal_connect_swapped (self->theme_row, "notify::selected", G_CALLBACK (on_theme_changed), self);
  g_signal_connect_swapped (self->push_switch, "notify::active", G_CALLBACK (on_channels_changed), self);
  g_signal_connect_swapped (self->webhook_switch, "notify::active", G_CALLBACK (on_channels_changed), self);
  g_signal_connect_swapped (self->frequency_row, "notify::selected", G_CALLBACK (on_frequency_changed), self);
  return self;
}

/**
 * aether_preferences_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new preferences window
 */
AetherPreferencesWindow *
aether_preferences_window_new (AetherApplication *application)
{
  g_return_val_if_fail (AETHER_IS_APPLICATION (application), NULL);

  return aether_preferences_window_new_for_service (GTK_APPLICATION (application),
                                                    aether_application_get_service (application));
}

static void
aether_preferences_window_dispose (GObject *object)
{
  AetherPreferencesWindow *self = (AetherPreferencesWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->sinks_refresh_id, g_source_remove);
  g_cancellable_cancel (self->sinks_cancellable);
  g_clear_object (&self->sinks_cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), AETHER_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->zones, g_ptr_array_unref);
  g_clear_pointer (&self->currency_codes, g_ptr_array_unref);
  g_clear_pointer (&self->restore_rows, g_ptr_array_unref);
  g_clear_pointer (&self->sink_rows, g_ptr_array_unref);
  for (guint i = 0; i < G_N_ELEMENTS (keep_rows); i++)
    g_clear_pointer (&self->keep_seconds[i], g_array_unref);

  G_OBJECT_CLASS (aether_preferences_window_parent_class)->dispose (object);
}

static void
aether_preferences_window_class_init (AetherPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = aether_preferences_window_dispose;
  widget_class->map = aether_preferences_window_map;
  widget_class->unmap = aether_preferences_window_unmap;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               RESOURCE_BASE_PATH "/aether-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, region_group);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, timezone_dropdown);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, currency_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, temperature_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, date_format_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, theme_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, autostart_switch);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, notifications_group);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, push_switch);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, webhook_switch);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, power_group);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, energy_group);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, backup_group);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, backup_folder_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, frequency_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, backup_now_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, backup_button);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, restore_row);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, plugins_group);
  gtk_widget_class_bind_template_child (widget_class, AetherPreferencesWindow, sinks_group);

  gtk_widget_class_install_action (widget_class, "preferences.open-data-folder", NULL, open_data_folder_action);
  gtk_widget_class_install_action (widget_class, "preferences.back-up-now", NULL, back_up_now_action);
  gtk_widget_class_install_action (widget_class, "preferences.choose-backup-folder", NULL, choose_folder_action);
}

static void
aether_preferences_window_init (AetherPreferencesWindow *self)
{
  g_autofree char *dir = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->restore_rows = g_ptr_array_new ();
  self->sink_rows = g_ptr_array_new ();
  self->settings = g_settings_new (BASE_APPLICATION_ID);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "start-at-login", self->autostart_switch, "active", G_SETTINGS_BIND_DEFAULT);
  /* Starting at login without a window means running in the background. */
  g_settings_bind (self->settings, "run-in-background", self->autostart_switch, "sensitive", G_SETTINGS_BIND_GET);
  g_signal_connect_object (self->settings, "changed::start-at-login", G_CALLBACK (apply_autostart), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::run-in-background", G_CALLBACK (on_background_changed), self, G_CONNECT_SWAPPED);

  dir = get_data_dir ();
  adw_action_row_set_subtitle (self->database_row, dir);
}
