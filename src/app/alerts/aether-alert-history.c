/* aether-alert-history.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One entry of an alert's history (it went off, it is over, what an action
 * did) as a row, for the Alerts page's recent activity and a rule's own
 * page in the editor alike. Times are shown in the person's time zone
 * (Preferences), in the order their locale writes dates. */

#define G_LOG_DOMAIN "aether-alert-history"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-alert-history.h"

/**
 * aether_alert_format_time:
 * @service: the running service (for the person's time zone)
 * @unix_us: a time
 * @with_date: whether to write the date as well
 *
 * Returns: (transfer full): the time as the person reads it
 */
char *
aether_alert_format_time (AetherService *service,
                          gint64         unix_us,
                          gboolean       with_date)
{
  g_autoptr(GTimeZone) tz = aether_service_dup_time_zone (service);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_us / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(AetherUser) user = aether_service_dup_user (service);
  const char *date_format = aether_user_get_date_format (user);

  if (!with_date)
    return g_date_time_format (local, "%X");
  if (g_strcmp0 (date_format, "YYYY-MM-DD") == 0)
    return g_date_time_format (local, "%Y-%m-%d %X");
  if (g_strcmp0 (date_format, "DD/MM/YYYY") == 0)
    return g_date_time_format (local, "%d/%m/%Y %X");
  if (g_strcmp0 (date_format, "MM/DD/YYYY") == 0)
    return g_date_time_format (local, "%m/%d/%Y %X");
  /* The locale's own order. */
  return g_date_time_format (local, "%x %X");
}

/**
 * aether_alert_history_row_new:
 * @service: the running service
 * @entry: one entry of aether_store_list_alert_history()
 * @with_name: whether the title names the rule (the page's list of every
 *   rule) or only says what happened (a rule's own history)
 *
 * Returns: (transfer floating): a row
 */
GtkWidget *
aether_alert_history_row_new (AetherService *service,
                              JsonObject    *entry,
                              gboolean       with_name)
{
  GtkWidget *row = adw_action_row_new ();
  const char *alert_id = json_object_get_string_member_with_default (entry, "alert_id", "");
  const char *kind = json_object_get_string_member_with_default (entry, "kind", "");
  const char *detail = json_object_get_string_member_with_default (entry, "detail", NULL);
  AetherAlertRule *rule = aether_alert_engine_get_rule (aether_service_get_alert_engine (service), alert_id);
  const char *name = rule ? aether_alert_rule_get_name (rule) : alert_id;
  const char *time = json_object_get_string_member_with_default (entry, "time", NULL);
  g_autofree char *title = NULL;
  g_autofree char *when = NULL;
  gint64 time_us = 0;

  if (!with_name)
    title = g_strdup (g_str_equal (kind, "fired") ? _("Went off")
                      : g_str_equal (kind, "cleared") ? _("Was over")
                      : _("Acted"));
  else if (g_str_equal (kind, "fired"))
    /* Translators: an alert's name */
    title = g_strdup_printf (_("%s went off"), name);
  else if (g_str_equal (kind, "cleared"))
    title = g_strdup_printf (_("%s is over"), name);
  else
    title = g_strdup_printf (_("%s acted"), name);

  if (time != NULL && aether_parse_timestamp (time, &time_us, NULL))
    when = aether_alert_format_time (service, time_us, TRUE);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (when != NULL || detail != NULL)
    {
      g_autofree char *subtitle = g_strdup_printf ("%s%s%s", when ? when : "", when && detail ? " · " : "", detail ? detail : "");

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }
  return row;
}
