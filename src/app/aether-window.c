/* aether-window.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The main window: a view switcher over the five pages (Dashboard, History,
 * Devices, Rates, Alerts) that moves to a bottom bar on narrow screens. The
 * window remembers its size, maximized state and last page in GSettings. */

#define G_LOG_DOMAIN "aether-window"

#include "config.h"

#include <glib/gi18n.h>

#include "aether-window.h"
#include "alerts/aether-alerts-page.h"
#include "dashboard/aether-dashboard-page.h"
#include "history/aether-history-page.h"
#include "rates/aether-rates-page.h"
#include "devices/aether-devices-page.h"

struct _AetherWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template widgets */
  AdwHeaderBar         *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  AdwViewStack         *stack;
  GtkMenuButton        *primary_menu_button;
  AetherDevicesPage    *devices_page;
  AetherDashboardPage  *dashboard_page;
  AetherHistoryPage    *history_page;
  AetherRatesPage      *rates_page;
  AetherAlertsPage     *alerts_page;
  GtkRevealer          *backfill_revealer;
  GtkProgressBar       *backfill_bar;

  /* Owned references */
  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (AetherWindow, aether_window, ADW_TYPE_APPLICATION_WINDOW)

static const char * const page_names[] = {
  "dashboard", "history", "devices", "rates", "alerts",
};

/**
 * aether_window_new:
 * @application: the application
 *
 * Returns: (transfer full): a new main window
 */
AetherWindow *
aether_window_new (AetherApplication *application)
{
  AetherWindow *self;

  g_return_val_if_fail (AETHER_IS_APPLICATION (application), NULL);

  self = g_object_new (AETHER_TYPE_WINDOW,
                       "application", application,
                       NULL);
  aether_devices_page_set_service (self->devices_page, aether_application_get_service (application));
  aether_dashboard_page_set_service (self->dashboard_page, aether_application_get_service (application));
  aether_history_page_set_service (self->history_page, aether_application_get_service (application));
  aether_rates_page_set_service (self->rates_page, aether_application_get_service (application));
  aether_alerts_page_set_service (self->alerts_page, aether_application_get_service (application));
  /* A new tariff changes every cost shown. */
  g_signal_connect_object (self->rates_page, "changed", G_CALLBACK (aether_window_reload_devices), self, G_CONNECT_SWAPPED);

  return self;
}

/**
 * aether_window_reload_devices:
 * @self: a window
 *
 * Shows the registry again after devices were added or removed.
 */
void
aether_window_reload_devices (AetherWindow *self)
{
  g_return_if_fail (AETHER_IS_WINDOW (self));

  aether_devices_page_reload (self->devices_page);
  aether_dashboard_page_reload (self->dashboard_page);
  aether_history_page_reload (self->history_page);
  aether_rates_page_reload (self->rates_page);
  aether_alerts_page_reload (self->alerts_page);
}

/**
 * aether_window_set_backfill_progress:
 * @self: a window
 * @fraction: how much of the demo home's history is written, 0 to 1; below
 *   0 hides the bar
 *
 * Shows the demo history being written above the pages.
 */
void
aether_window_set_backfill_progress (AetherWindow *self,
                                     double        fraction)
{
  g_return_if_fail (AETHER_IS_WINDOW (self));

  gtk_revealer_set_reveal_child (self->backfill_revealer, fraction >= 0);
  if (fraction >= 0)
    gtk_progress_bar_set_fraction (self->backfill_bar, CLAMP (fraction, 0, 1));
}

/**
 * aether_window_is_backfilling:
 * @self: a window
 *
 * Returns: whether it shows the demo history being written
 */
gboolean
aether_window_is_backfilling (AetherWindow *self)
{
  g_return_val_if_fail (AETHER_IS_WINDOW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->backfill_revealer);
}

/**
 * aether_window_get_visible_page:
 * @self: a window
 *
 * Returns: (transfer none): the name of the page shown
 */
const char *
aether_window_get_visible_page (AetherWindow *self)
{
  g_return_val_if_fail (AETHER_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->stack);
}

void
aether_window_set_visible_page (AetherWindow *self,
                                const char   *page_name)
{
  g_return_if_fail (AETHER_IS_WINDOW (self));
  g_return_if_fail (page_name != NULL);

  if (adw_view_stack_get_child_by_name (self->stack, page_name) == NULL)
    {
      g_warning ("No page named “%s”", page_name);
      return;
    }

  adw_view_stack_set_visible_child_name (self->stack, page_name);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  aether_window_set_visible_page (AETHER_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
reload_devices_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  aether_window_reload_devices (AETHER_WINDOW (widget));
}

static void
add_device_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  AetherWindow *self = AETHER_WINDOW (widget);

  aether_window_set_visible_page (self, "devices");
  aether_devices_page_add_device (self->devices_page);
}

static void
aether_window_save_state (AetherWindow *self)
{
  int width = 0;
  int height = 0;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);

  g_settings_delay (self->settings);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)) && width > 0 && height > 0)
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
  g_settings_set_string (self->settings, "visible-page", aether_window_get_visible_page (self));
  g_settings_apply (self->settings);
}

static void
aether_window_restore_state (AetherWindow *self)
{
  g_autofree char *page = g_settings_get_string (self->settings, "visible-page");

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));

  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  if (adw_view_stack_get_child_by_name (self->stack, page) != NULL)
    adw_view_stack_set_visible_child_name (self->stack, page);
}

static gboolean
aether_window_close_request (GtkWindow *window)
{
  aether_window_save_state (AETHER_WINDOW (window));

  return GTK_WINDOW_CLASS (aether_window_parent_class)->close_request (window);
}

static void
aether_window_dispose (GObject *object)
{
  AetherWindow *self = (AetherWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), AETHER_TYPE_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (aether_window_parent_class)->dispose (object);
}

static void
aether_window_class_init (AetherWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = aether_window_dispose;
  window_class->close_request = aether_window_close_request;

  g_type_ensure (AETHER_TYPE_DEVICES_PAGE);
  g_type_ensure (AETHER_TYPE_DASHBOARD_PAGE);
  g_type_ensure (AETHER_TYPE_HISTORY_PAGE);
  g_type_ensure (AETHER_TYPE_RATES_PAGE);
  g_type_ensure (AETHER_TYPE_ALERTS_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_BASE_PATH "/aether-window.ui");
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, primary_menu_button);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, devices_page);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, dashboard_page);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, history_page);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, rates_page);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, alerts_page);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, backfill_revealer);
  gtk_widget_class_bind_template_child (widget_class, AetherWindow, backfill_bar);

  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.add-device", NULL, add_device_action);
  gtk_widget_class_install_action (widget_class, "win.reload-devices", NULL, reload_devices_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "win.add-device", NULL);

  /* Alt+1…5 go to the pages in their order, as in GNOME Settings' tabs. */
  for (guint i = 0; i < G_N_ELEMENTS (page_names); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_ALT_MASK,
                                         "win.show-page", "s", page_names[i]);

}

static void
aether_window_init (AetherWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (BASE_APPLICATION_ID);

  if (DEVELOPMENT_BUILD)
    gtk_widget_add_css_class (GTK_WIDGET (self), "devel");

  aether_window_restore_state (self);
}
