/* aether-application.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The application object: app-wide actions (preferences, help, about, quit),
 * their shortcuts, and the one main window. With "run in background" on,
 * closing the window hides it and holds the application, so collection and
 * alerts can go on; activating the app again shows the same window. */

#define G_LOG_DOMAIN "aether-application"

#include "config.h"

#include <glib/gi18n.h>
#if HAVE_LIBPORTAL
# include <libportal-gtk4/portal-gtk4.h>
#endif

#include "aether-application.h"
#include "aether-preferences-window.h"
#include "aether-window.h"
#include "aether-sim-home.h"

struct _AetherApplication
{
  AdwApplication  parent_instance;

  /* Owned references */
  GSettings      *settings;
  AetherService  *service;
  AetherNotifier *notifier;
  GError         *service_error;
  AetherApiServer *api;

  guint           held_for_background : 1;
};

G_DEFINE_FINAL_TYPE (AetherApplication, aether_application, ADW_TYPE_APPLICATION)

/**
 * aether_application_new:
 * @application_id: the application id (the `.Devel` one in development builds)
 * @flags: the application flags
 *
 * Returns: (transfer full): a new #AetherApplication
 */
AetherApplication *
aether_application_new (const char        *application_id,
                        GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (AETHER_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       /* The same resources serve the stable and .Devel ids. */
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}

/**
 * aether_application_get_settings:
 * @self: the application
 *
 * Returns: (transfer none): the application's settings
 */
GSettings *
aether_application_get_settings (AetherApplication *self)
{
  g_return_val_if_fail (AETHER_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * aether_application_get_service:
 * @self: the application
 *
 * Returns: (transfer none) (nullable): the running service, or %NULL if the
 *   database could not be opened
 */
AetherService *
aether_application_get_service (AetherApplication *self)
{
  g_return_val_if_fail (AETHER_IS_APPLICATION (self), NULL);

  return self->service;
}

static AetherWindow *
find_main_window (AetherApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    {
      if (AETHER_IS_WINDOW (l->data))
        return l->data;
    }

  return NULL;
}

#if HAVE_LIBPORTAL
static void
on_background_answer (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  /* Denied: we still hold the application while the session lasts, but
   * the desktop may stop us; say so in the log rather than pretend. */
  if (!xdp_portal_request_background_finish (XDP_PORTAL (object), result, &error))
    g_warning ("Running in the background was not allowed: %s", error ? error->message : "denied");
}
#endif

static gboolean
on_main_window_close_request (AetherApplication *self,
                              AetherWindow      *window)
{
  if (!g_settings_get_boolean (self->settings, "run-in-background"))
    return FALSE;

#if HAVE_LIBPORTAL
  /* In a sandbox, ask the background portal, as GNOME expects. */
  if (xdp_portal_running_under_sandbox ())
    {
      g_autoptr(XdpPortal) portal = xdp_portal_new ();
      XdpParent *parent = xdp_parent_new_gtk (GTK_WINDOW (window));

      xdp_portal_request_background (portal, parent,
                                     _("AetherLens keeps reading your devices and raising alerts"),
                                     NULL, XDP_BACKGROUND_FLAG_NONE, NULL, on_background_answer, NULL);
      xdp_parent_free (parent);
    }
#endif

  /* Keep the application, and so collection and alerts, alive. */
  gtk_widget_set_visible (GTK_WIDGET (window), FALSE);
  if (!self->held_for_background)
    {
      g_application_hold (G_APPLICATION (self));
      self->held_for_background = TRUE;
    }

  return TRUE;
}

static void
aether_application_activate (GApplication *app)
{
  AetherApplication *self = AETHER_APPLICATION (app);
  AetherWindow *window = find_main_window (self);

  if (window == NULL)
    {
      window = aether_window_new (self);
      g_signal_connect_object (window, "close-request",
                               G_CALLBACK (on_main_window_close_request),
                               self, G_CONNECT_SWAPPED);
    }

  if (self->held_for_background)
    {
      self->held_for_background = FALSE;
      g_application_release (app);
    }

  gtk_window_present (GTK_WINDOW (window));

  if (self->service_error != NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (window), _("Your Data Could Not Be Opened"),
                                                  self->service_error->message);

      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
      g_clear_error (&self->service_error);
    }
}

static void
apply_user_theme (AetherService *service)
{
  g_autoptr(AetherUser) user = aether_service_dup_user (service);

  aether_preferences_apply_theme (aether_user_get_theme (user));
}

/* The local API, where Preferences › API says (`api-address`), or not at
 * all. */
static void
apply_api_address (AetherApplication *self)
{
  g_autofree char *address = g_settings_get_string (self->settings, "api-address");
  g_autoptr(GError) error = NULL;

  if (self->api != NULL)
    aether_api_server_stop (self->api);
  g_clear_object (&self->api);
  if (self->service == NULL || *address == '\0')
    return;
  self->api = aether_api_server_new (self->service);
  if (!aether_api_server_listen (self->api, address, &error))
    {
      g_warning ("%s", error->message);
      g_clear_object (&self->api);
    }
}

static void
aether_application_startup (GApplication *app)
{
  AetherApplication *self = AETHER_APPLICATION (app);
  g_autofree char *db_path = aether_store_default_path ();
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (aether_application_parent_class)->startup (app);

  self->settings = g_settings_new (BASE_APPLICATION_ID);

  /* Collection and alerts run in the app too; the window only shows them. */
  self->service = aether_service_new (db_path, aether_clock_get_system (), &self->service_error);
  if (self->service != NULL)
    {
      self->notifier = aether_notifier_new (app);
      aether_service_set_notifier (self->service, self->notifier);
      aether_service_load (self->service, &error);
      if (error != NULL)
        g_warning ("%s", error->message);
      aether_service_start (self->service);
      /* The person's colour scheme, now and whenever it changes. */
      apply_user_theme (self->service);
      g_signal_connect (self->service, "user-changed", G_CALLBACK (apply_user_theme), NULL);
      apply_api_address (self);
      g_signal_connect_object (self->settings, "changed::api-address", G_CALLBACK (apply_api_address), self,
                               G_CONNECT_SWAPPED);
    }

  /* Started at login (`--gapplication-service`, Preferences' Start at
   * Login): no window, collecting until the person opens one. */
  if ((g_application_get_flags (app) & G_APPLICATION_IS_SERVICE) &&
      g_settings_get_boolean (self->settings, "run-in-background") && !self->held_for_background)
    {
      self->held_for_background = TRUE;
      g_application_hold (app);
    }
}

static void
aether_application_shutdown (GApplication *app)
{
  AetherApplication *self = AETHER_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  if (self->api != NULL)
    aether_api_server_stop (self->api);
  g_clear_object (&self->api);
  /* Everything read is stored before the process ends. */
  if (self->service != NULL && !aether_service_stop (self->service, &error))
    g_warning ("Some readings could not be stored: %s", error->message);

  G_APPLICATION_CLASS (aether_application_parent_class)->shutdown (app);
}

static void
aether_application_dispose (GObject *object)
{
  AetherApplication *self = (AetherApplication *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->service);
  g_clear_object (&self->notifier);
  g_clear_error (&self->service_error);

  G_OBJECT_CLASS (aether_application_parent_class)->dispose (object);
}

static void
aether_application_class_init (AetherApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = aether_application_dispose;

  app_class->activate = aether_application_activate;
  app_class->startup = aether_application_startup;
  app_class->shutdown = aether_application_shutdown;
}

static void
aether_application_about_action (GSimpleAction *action,
                                 GVariant      *parameter,
                                 gpointer       user_data)
{
  static const char *developers[] = { "The AetherLens authors", NULL };
  AetherApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "modal", TRUE,
                        "application-name", _("AetherLens"),
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("The AetherLens authors"),
                        "version", PACKAGE_VERSION,
                        "website", PACKAGE_WEBSITE,
                        "issue-url", PACKAGE_BUGREPORTS,
                        "comments", _("See where your electricity goes, what it costs "
                                      "at your real tariff, and get told in seconds "
                                      "when something is wrong."),
                        "developers", developers,
                        /* Translators: replace with your names, one per line */
                        "translator-credits", _("translator-credits"),
                        "copyright", "© 2026 The AetherLens authors",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        NULL);

  gtk_window_present (GTK_WINDOW (about));
}

static void
aether_application_preferences_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  AetherApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  AetherPreferencesWindow *prefs = aether_preferences_window_new (self);

  gtk_window_set_transient_for (GTK_WINDOW (prefs), parent);
  gtk_window_present (GTK_WINDOW (prefs));
}

static void
aether_application_help_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  AetherApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* help:aetherlens is the Mallard document installed by gnome.yelp(). */
  gtk_show_uri (parent, "help:" PACKAGE_NAME, GDK_CURRENT_TIME);
}

static void
aether_application_help_page_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  AetherApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *uri = g_strdup_printf ("help:%s/%s", PACKAGE_NAME,
                                          g_variant_get_string (parameter, NULL));

  gtk_show_uri (parent, uri, GDK_CURRENT_TIME);
}

static void
aether_application_quit_action (GSimpleAction *action,
                                GVariant      *parameter,
                                gpointer       user_data)
{
  AetherApplication *self = user_data;

  if (self->held_for_background)
    {
      self->held_for_background = FALSE;
      g_application_release (G_APPLICATION (self));
    }

  g_application_quit (G_APPLICATION (self));
}

static void
set_backfill_progress (AetherApplication *self,
                       double             fraction)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (AETHER_IS_WINDOW (l->data))
      aether_window_set_backfill_progress (l->data, fraction);
}

static void
on_demo_backfill_progress (double   fraction,
                           gpointer user_data)
{
  set_backfill_progress (user_data, fraction);
}

static void
on_demo_backfilled (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AetherApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Cancelled: the app quit first; the next start goes on without it. */
  if (!aether_service_backfill_finish (AETHER_SERVICE (object), result, NULL, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Could not write the demo home's history: %s", error->message);

  set_backfill_progress (self, -1);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (AETHER_IS_WINDOW (l->data))
      aether_window_reload_devices (l->data);
}

static void
aether_application_demo_home_action (GSimpleAction *action,
                                     GVariant      *parameter,
                                     gpointer       user_data)
{
  AetherApplication *self = user_data;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GError) error = NULL;

  if (self->service == NULL)
    return;

  if (!(devices = aether_sim_add_demo_home (aether_service_get_store (self->service), 42, NULL, &error)))
    {
      g_warning ("Could not add the demo home: %s", error->message);
      return;
    }
  aether_service_reload_tariff (self->service, NULL);

  aether_service_load (self->service, NULL);
  aether_service_start (self->service);

  /* A year behind it, written on the writer thread while collection
   * starts: it ends where the first live reading begins. */
  set_backfill_progress (self, 0);
  aether_service_backfill_async (self->service, aether_sim_demo_backfill_new (42, NULL), 365,
                                 on_demo_backfill_progress, g_object_ref (self), g_object_unref, NULL,
                                 on_demo_backfilled, g_object_ref (self));

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (AETHER_IS_WINDOW (l->data))
      aether_window_reload_devices (l->data);
}

static void
aether_application_show_device_action (GSimpleAction *action,
                                       GVariant      *parameter,
                                       gpointer       user_data)
{
  AetherApplication *self = user_data;

  g_application_activate (G_APPLICATION (self));
  if (find_main_window (self) != NULL)
    aether_window_set_visible_page (find_main_window (self), "devices");
}

static void
on_turned_off (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  if (!aether_service_set_state_finish (AETHER_SERVICE (object), result, &error))
    g_warning ("Could not turn the device off: %s", error->message);
}

static void
aether_application_turn_off_device_action (GSimpleAction *action,
                                           GVariant      *parameter,
                                           gpointer       user_data)
{
  AetherApplication *self = user_data;

  if (self->service != NULL)
    aether_service_set_state_async (self->service, g_variant_get_string (parameter, NULL), FALSE,
                                    NULL, on_turned_off, NULL);
}

static void
aether_application_snooze_alert_action (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  AetherApplication *self = user_data;

  if (self->service != NULL)
    aether_alert_engine_snooze (aether_service_get_alert_engine (self->service),
                                g_variant_get_string (parameter, NULL), 3600);
}

static const GActionEntry app_actions[] = {
  { "demo-home", aether_application_demo_home_action },
  { "show-device", aether_application_show_device_action, "s" },
  { "turn-off-device", aether_application_turn_off_device_action, "s" },
  { "snooze-alert", aether_application_snooze_alert_action, "s" },
  { "quit", aether_application_quit_action },
  { "about", aether_application_about_action },
  { "preferences", aether_application_preferences_action },
  { "help", aether_application_help_action },
  { "help-page", aether_application_help_page_action, "s" },
};

static void
aether_application_init (AetherApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);

  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "app.quit",
                                         (const char *[]) { "<primary>q", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "app.preferences",
                                         (const char *[]) { "<primary>comma", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "app.help",
                                         (const char *[]) { "F1", NULL });
  gtk_application_set_accels_for_action (GTK_APPLICATION (self),
                                         "window.close",
                                         (const char *[]) { "<primary>w", NULL });
}
