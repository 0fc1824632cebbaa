/* aether-service-import.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Green Button files through the service, for the app: read, stored and
 * reconciled on a thread with its own connection (a window never waits
 * for the parse or for SQLite), then `devices-changed`. The report is the
 * CLI's: what was stored (`meters`) and, when a tariff is stored, the
 * reconciliation (`reconciliation`, or `reconciliation_error` saying why
 * not: no tariff, or none in force at the file's dates). */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "aether-error.h"
#include "aether-rates.h"
#include "aether-service.h"
#include "aether-service-private.h"
#include "import/aether-green-button-import.h"

static JsonNode *
meters_to_json (GPtrArray *meters)
{
  JsonArray *array = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < meters->len; i++)
    {
      AetherGreenButtonMeter *m = g_ptr_array_index (meters, i);
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "device_id", m->device_id);
      json_object_set_string_member (o, "name", m->name);
      json_object_set_string_member (o, "commodity", m->commodity);
      json_object_set_string_member (o, "unit", m->unit);
      json_object_set_boolean_member (o, "received", m->received);
      json_object_set_int_member (o, "intervals", m->n_intervals);
      json_object_set_int_member (o, "overlapping", m->n_overlapping);
      json_object_set_double_member (o, "total", m->total);
      if (!isnan (m->utility_cost))
        json_object_set_double_member (o, "utility_cost", m->utility_cost);
      if (m->currency != NULL)
        json_object_set_string_member (o, "currency", m->currency);
      json_object_set_int_member (o, "from", m->from_s);
      json_object_set_int_member (o, "to", m->to_s);
      json_object_set_boolean_member (o, "new_device", m->new_device);
      json_array_add_object_element (array, o);
    }
  json_node_take_array (node, array);
  return node;
}

typedef struct
{
  char *db_path;
  GFile *file;
} ImportTask;

static void
import_task_free (ImportTask *data)
{
  g_free (data->db_path);
  g_clear_object (&data->file);
  g_free (data);
}

static void
import_in_thread (GTask        *task,
                  gpointer      source,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  ImportTask *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(AetherStore) store = NULL;
  g_autoptr(AetherGreenButtonFeed) feed = NULL;
  g_autoptr(GPtrArray) meters = NULL;
  g_autoptr(AetherTariff) tariff = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *name = g_file_get_basename (data->file);
  g_autoptr(GError) reconcile_error = NULL;
  JsonObject *report;
  JsonNode *node;
  gsize length;
  guint n_versions = 0;

  /* The whole file is read and checked before anything is stored. */
  if (!g_file_load_contents (data->file, cancellable, &contents, &length, NULL, &error) ||
      !(feed = aether_green_button_parse (contents, length, name, &error)) ||
      !(store = aether_store_open (data->db_path, aether_clock_get_system (), &error)) ||
      !(meters = aether_green_button_import (store, feed, name, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  report = json_object_new ();
  json_object_set_string_member (report, "file", name);
  json_object_set_member (report, "meters", meters_to_json (meters));

  if ((tariff = aether_rates_load_tariff (store, &n_versions, &reconcile_error)) != NULL && n_versions == 0)
    g_set_error_literal (&reconcile_error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND,
                         _("No tariff is stored to check the bills against: add yours on the Rates page"));
  if (reconcile_error == NULL)
    {
      JsonNode *reconciliation = aether_green_button_reconcile (feed, tariff, G_MININT64, G_MAXINT64, &reconcile_error);

      if (reconciliation != NULL)
        json_object_set_member (report, "reconciliation", reconciliation);
    }
  if (reconcile_error != NULL)
    json_object_set_string_member (report, "reconciliation_error", reconcile_error->message);

  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, report);
  g_task_return_pointer (task, node, (GDestroyNotify)json_node_unref);
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GTask *outer = user_data;
  g_autoptr(GError) error = NULL;
  JsonNode *report = g_task_propagate_pointer (G_TASK (result), &error);

  if (report == NULL)
    g_task_return_error (outer, g_steal_pointer (&error));
  else
    {
      AetherService *self = g_task_get_source_object (outer);
      g_autoptr(GError) load_error = NULL;

      /* The new utility meters join the registry the pages show. */
      aether_service_load (self, &load_error);
      if (load_error != NULL)
        g_warning ("Could not reload the devices: %s", load_error->message);
      g_signal_emit_by_name (self, "devices-changed");
      g_task_return_pointer (outer, report, (GDestroyNotify)json_node_unref);
    }
  g_object_unref (outer);
}

/**
 * aether_service_import_green_button_async:
 * @self: a service
 * @file: a Green Button (ESPI XML) file
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when it is stored and checked
 * @user_data: data for @callback
 *
 * Stores the file's meters as utility meter devices (see
 * aether_green_button_import()) and reconciles its bills with the stored
 * tariff, off the main loop.
 */
void
aether_service_import_green_button_async (AetherService       *self,
                                          GFile               *file,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *outer = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GTask) inner = g_task_new (self, cancellable, import_done, outer);
  ImportTask *data = g_new0 (ImportTask, 1);

  g_return_if_fail (AETHER_IS_SERVICE (self));
  g_return_if_fail (G_IS_FILE (file));

  g_task_set_source_tag (outer, aether_service_import_green_button_async);
  data->db_path = g_strdup (aether_store_get_path (aether_service_get_store (self)));
  data->file = g_object_ref (file);
  g_task_set_task_data (inner, data, (GDestroyNotify)import_task_free);
  g_task_run_in_thread (inner, import_in_thread);
}

/**
 * aether_service_import_green_button_finish:
 * @self: a service
 * @result: the result
 * @error: a location for a #GError naming what is wrong with the file
 *   (nothing was stored then)
 *
 * Returns: (transfer full) (nullable): the report
 */
JsonNode *
aether_service_import_green_button_finish (AetherService  *self,
                                           GAsyncResult   *result,
                                           GError        **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
