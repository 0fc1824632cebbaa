/* aether-api-server.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The local HTTP API, off unless asked for (`collect --api ADDRESS:PORT`),
 * on 127.0.0.1 unless another address is given. Every request carries
 * `Authorization: Bearer SECRET`, one of the seed's `api_tokens` (see
 * aether-service-tokens.c); 401 without one or with a bad, revoked or
 * expired one, 403 when it lacks the endpoint's permission. Bodies are at
 * most AETHER_API_MAX_BODY bytes (refused before they are read), query
 * strings AETHER_API_MAX_QUERY. Errors are `{"error": "…"}`, naming the
 * bad parameter.
 *
 *   GET  /api/v1/devices, /api/v1/devices/{id}   read:devices  the seed's Device
 *   POST /api/v1/devices/{id}/state {"on": b}    write:devices switched through the service
 *   GET  /api/v1/metrics?device_id=&metric_type=&from=&to=&points=
 *                                                read:metrics  aether_report_series()
 *   GET  /api/v1/energy?from=&to=&group_by=      read:costs    aether_report_energy()
 *   GET  /api/v1/costs?device_id=&from=&to=      read:costs    Cost Records, hour by hour
 *   GET  /metrics                                read:metrics  Prometheus text
 *
 * It runs on the main context of the service, which it reads as the app's
 * pages do; a switch is asynchronous, the message paused meanwhile. */

#define G_LOG_DOMAIN "aether-api"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <math.h>
#include <string.h>

#include "aether-api-server.h"
#include "aether-error.h"
#include "aether-report.h"
#include "aether-secrets.h"
#include "model/aether-json.h"
#include "store/aether-store-energy-series.h"

/* The most points a series and the longest range Cost Records are made for. */
#define MAX_POINTS    10000
#define MAX_COST_DAYS 31

struct _AetherApiServer
{
  GObject        parent_instance;

  AetherService *service;
  SoupServer    *server;
  char          *host;
  guint16        port;
};

G_DEFINE_FINAL_TYPE (AetherApiServer, aether_api_server, G_TYPE_OBJECT)

static void
aether_api_server_dispose (GObject *object)
{
  AetherApiServer *self = AETHER_API_SERVER (object);

  aether_api_server_stop (self);
  g_clear_object (&self->service);

  G_OBJECT_CLASS (aether_api_server_parent_class)->dispose (object);
}

static void
aether_api_server_finalize (GObject *object)
{
  AetherApiServer *self = AETHER_API_SERVER (object);

  g_free (self->host);

  G_OBJECT_CLASS (aether_api_server_parent_class)->finalize (object);
}

static void
aether_api_server_class_init (AetherApiServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = aether_api_server_dispose;
  object_class->finalize = aether_api_server_finalize;
}

static void
aether_api_server_init (AetherApiServer *self)
{
}

/* ---- answers ------------------------------------------------------------ */

static void
reply_json (SoupServerMessage *msg,
            guint              status,
            JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  gsize len = strlen (text);

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, g_steal_pointer (&text), len);
}

static void
reply_error (SoupServerMessage *msg,
             guint              status,
             const char        *message)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (object, "error", message);
  json_node_set_object (node, object);
  reply_json (msg, status, node);
}

static void G_GNUC_PRINTF (3, 4)
reply_errorf (SoupServerMessage *msg,
              guint              status,
              const char        *format,
              ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  reply_error (msg, status, message);
}

static guint
status_for_error (const GError *error)
{
  if (error->domain != AETHER_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;
  switch (error->code)
    {
    case AETHER_ERROR_NOT_FOUND:
      return SOUP_STATUS_NOT_FOUND;
    case AETHER_ERROR_INVALID_ARGUMENT:
      return SOUP_STATUS_BAD_REQUEST;
    case AETHER_ERROR_INVALID_SCHEDULE:
    case AETHER_ERROR_UNSUPPORTED:
    case AETHER_ERROR_INVALID_DATA:
      return SOUP_STATUS_CONFLICT;
    case AETHER_ERROR_BUSY:
      return SOUP_STATUS_SERVICE_UNAVAILABLE;
    case AETHER_ERROR_TIMED_OUT:
      return SOUP_STATUS_GATEWAY_TIMEOUT;
    case AETHER_ERROR_UNREACHABLE:
    case AETHER_ERROR_AUTH_REQUIRED:
      return SOUP_STATUS_BAD_GATEWAY;
    default:
      return SOUP_STATUS_INTERNAL_SERVER_ERROR;
    }
}

static void
reply_gerror (SoupServerMessage *msg,
              const GError      *error)
{
  reply_error (msg, status_for_error (error), error->message);
}

/* ---- parameters --------------------------------------------------------- */

static const char *
param (GHashTable *query,
       const char *name)
{
  const char *value = query ? g_hash_table_lookup (query, name) : NULL;

  return value != NULL && *value != '\0' ? value : NULL;
}

static gboolean
param_time (SoupServerMessage *msg,
            GHashTable        *query,
            const char        *name,
            gint64             fallback_us,
            gint64            *us)
{
  const char *text = param (query, name);
  g_autoptr(GError) error = NULL;

  if (text == NULL)
    {
      *us = fallback_us;
      return TRUE;
    }
  if (!aether_parse_timestamp (text, us, &error))
    {
      reply_errorf (msg, SOUP_STATUS_BAD_REQUEST, _("The parameter %s is not a time: %s"), name, error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
param_range (SoupServerMessage *msg,
             GHashTable        *query,
             gint64             from_default_us,
             gint64             to_default_us,
             gint64            *from_us,
             gint64            *to_us)
{
  if (!param_time (msg, query, "from", from_default_us, from_us) ||
      !param_time (msg, query, "to", to_default_us, to_us))
    return FALSE;
  if (*to_us <= *from_us)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, _("The parameter to must be after from"));
      return FALSE;
    }
  return TRUE;
}

static char *
format_us (gint64 us)
{
  return aether_format_timestamp (us);
}

static gint64
now_us (AetherApiServer *self)
{
  return aether_clock_now_us (aether_store_get_clock (aether_service_get_store (self->service)));
}

static gint64
start_of_today_us (AetherApiServer *self)
{
  g_autoptr(GTimeZone) tz = aether_service_dup_time_zone (self->service);
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (now_us (self) / G_USEC_PER_SEC);
  g_autoptr(GDateTime) here = g_date_time_to_timezone (now, tz);
  g_autoptr(GDateTime) midnight = g_date_time_new (tz, g_date_time_get_year (here), g_date_time_get_month (here),
                                                   g_date_time_get_day_of_month (here), 0, 0, 0);

  return g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
}

/* ---- endpoints ---------------------------------------------------------- */

static void
get_devices (AetherApiServer   *self,
             SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = aether_store_list_devices (aether_service_get_store (self->service), &error);
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);

  if (devices == NULL)
    {
      reply_gerror (msg, error);
      return;
    }
  for (guint i = 0; i < devices->len; i++)
    json_array_add_element (array, aether_secrets_redact_device (g_ptr_array_index (devices, i)));
  json_node_set_array (root, array);
  reply_json (msg, SOUP_STATUS_OK, root);
}

static JsonNode *
lookup_device (AetherApiServer   *self,
               SoupServerMessage *msg,
               const char        *device_id)
{
  g_autoptr(GError) error = NULL;
  JsonNode *device = aether_store_get_device (aether_service_get_store (self->service), device_id, &error);

  if (device == NULL && g_error_matches (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND))
    reply_errorf (msg, SOUP_STATUS_NOT_FOUND, _("There is no device “%s”"), device_id);
  else if (device == NULL)
    reply_gerror (msg, error);
  return device;
}

static void
get_device (AetherApiServer   *self,
            SoupServerMessage *msg,
            const char        *device_id)
{
  g_autoptr(JsonNode) device = lookup_device (self, msg, device_id);
  g_autoptr(JsonNode) shown = NULL;

  if (device == NULL)
    return;
  shown = aether_secrets_redact_device (device);
  reply_json (msg, SOUP_STATUS_OK, shown);
}

typedef struct
{
  SoupServerMessage *msg;
  char              *device_id;
  gboolean           on;
} Switch;

static void
on_switched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Switch *sw = user_data;
  g_autoptr(GError) error = NULL;

  if (!aether_service_set_state_finish (AETHER_SERVICE (object), result, &error))
    reply_gerror (sw->msg, error);
  else
    {
      g_autoptr(JsonObject) object_out = json_object_new ();
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

      json_object_set_string_member (object_out, "device_id", sw->device_id);
      json_object_set_boolean_member (object_out, "on", sw->on);
      json_node_set_object (node, object_out);
      reply_json (sw->msg, SOUP_STATUS_OK, node);
    }
  soup_server_message_unpause (sw->msg);
  g_object_unref (sw->msg);
  g_free (sw->device_id);
  g_free (sw);
}

static void
post_state (AetherApiServer   *self,
            SoupServerMessage *msg,
            const char        *device_id)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(JsonNode) device = NULL;
  g_autoptr(JsonNode) parsed = NULL;
  JsonNode *on;
  Switch *sw;

  if (!(device = lookup_device (self, msg, device_id)))
    return;
  if (g_bytes_get_size (bytes) > AETHER_API_MAX_BODY)
    {
      reply_errorf (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("A request body is at most %d bytes"), AETHER_API_MAX_BODY);
      return;
    }
  parsed = json_from_string (g_bytes_get_size (bytes) ? g_bytes_get_data (bytes, NULL) : "", NULL);
  if (parsed == NULL || !JSON_NODE_HOLDS_OBJECT (parsed) ||
      !(on = json_object_get_member (json_node_get_object (parsed), "on")) ||
      !JSON_NODE_HOLDS_VALUE (on) || json_node_get_value_type (on) != G_TYPE_BOOLEAN)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, _("The body must be {\"on\": true} or {\"on\": false}: “on” is missing or not true or false"));
      return;
    }

  sw = g_new0 (Switch, 1);
  sw->msg = g_object_ref (msg);
  sw->device_id = g_strdup (device_id);
  sw->on = json_node_get_boolean (on);
  soup_server_message_pause (msg);
  aether_service_set_state_async (self->service, device_id, sw->on, NULL, on_switched, sw);
}

static void
get_metrics (AetherApiServer   *self,
             SoupServerMessage *msg,
             GHashTable        *query)
{
  const char *device_id = param (query, "device_id");
  const char *metric = param (query, "metric_type");
  const char *points_text = param (query, "points");
  g_autoptr(JsonNode) device = NULL;
  g_autoptr(GArray) buckets = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gint64 now = now_us (self);
  gint64 from_us, to_us;
  guint64 points = 1000;
  AetherTier used;

  if (device_id == NULL)
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, _("The parameter device_id is required"));
      return;
    }
  if (metric == NULL)
    metric = "power";
  if (points_text != NULL &&
      (!g_ascii_string_to_unsigned (points_text, 10, 1, MAX_POINTS, &points, NULL)))
    {
      reply_errorf (msg, SOUP_STATUS_BAD_REQUEST, _("The parameter points must be a whole number from 1 to %d"), MAX_POINTS);
      return;
    }
  if (!param_range (msg, query, now - G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC, now, &from_us, &to_us) ||
      !(device = lookup_device (self, msg, device_id)))
    return;

  if (!(buckets = aether_store_query (aether_service_get_store (self->service), device_id, metric, from_us, to_us,
                                      (guint)points, -1, &used, &error)))
    {
      if (g_error_matches (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT))
        reply_errorf (msg, SOUP_STATUS_BAD_REQUEST, _("The parameter metric_type: %s"), error->message);
      else
        reply_gerror (msg, error);
      return;
    }
  root = aether_report_series ("device_id", device_id, metric, used, FALSE, buckets);
  reply_json (msg, SOUP_STATUS_OK, root);
}

static void
get_energy (AetherApiServer   *self,
            SoupServerMessage *msg,
            GHashTable        *query)
{
  const char *group_by = param (query, "group_by");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  gint64 from_us, to_us;

  if (group_by == NULL)
    group_by = "device";
  if (!g_str_equal (group_by, "device") && !g_str_equal (group_by, "room") && !g_str_equal (group_by, "type"))
    {
      reply_error (msg, SOUP_STATUS_BAD_REQUEST, _("The parameter group_by must be device, room or type"));
      return;
    }
  if (!param_range (msg, query, start_of_today_us (self), now_us (self), &from_us, &to_us))
    return;
  from_text = format_us (from_us);
  to_text = format_us (to_us);
  if (!(root = aether_report_energy (aether_service_get_store (self->service), from_us, to_us, from_text, to_text,
                                     group_by, &error)))
    {
      reply_gerror (msg, error);
      return;
    }
  reply_json (msg, SOUP_STATUS_OK, root);
}

/* The seed's Cost Records of each device, hour by hour: the stored energy
 * of each hour priced by the tariff. */
static void
get_costs (AetherApiServer   *self,
           SoupServerMessage *msg,
           GHashTable        *query)
{
  const char *device_id = param (query, "device_id");
  AetherTariff *tariff = aether_service_get_tariff (self->service);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) edges = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) series = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *from_text = NULL;
  g_autofree char *to_text = NULL;
  const gint64 hour_us = G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC;
  gint64 from_us, to_us;

  if (!param_range (msg, query, start_of_today_us (self), now_us (self), &from_us, &to_us))
    return;
  if (to_us - from_us > (gint64)MAX_COST_DAYS * 24 * hour_us)
    {
      reply_errorf (msg, SOUP_STATUS_BAD_REQUEST, _("The range from to to is at most %d days"), MAX_COST_DAYS);
      return;
    }
  if (device_id != NULL)
    {
      g_autoptr(JsonNode) device = lookup_device (self, msg, device_id);

      if (device == NULL)
        return;
      g_ptr_array_add (ids, g_strdup (device_id));
    }
  else
    {
      g_autoptr(GPtrArray) devices = aether_store_list_devices (aether_service_get_store (self->service), &error);

      if (devices == NULL)
        {
          reply_gerror (msg, error);
          return;
        }
      for (guint i = 0; i < devices->len; i++)
        g_ptr_array_add (ids, g_strdup (aether_json_get_string (json_node_get_object (g_ptr_array_index (devices, i)),
                                                                "device_id")));
    }
  g_ptr_array_add (ids, NULL);
  if (tariff == NULL)
    {
      reply_error (msg, SOUP_STATUS_CONFLICT, _("There is no rate schedule to price energy with: add one with "
                                                "“aetherlens-cli rates import”"));
      return;
    }

  /* Hours on the hour, the range's ends cut where they fall. */
  g_array_append_val (edges, from_us);
  for (gint64 t = (from_us / hour_us + 1) * hour_us; t < to_us; t += hour_us)
    g_array_append_val (edges, t);
  g_array_append_val (edges, to_us);

  if (!(series = aether_store_energy_series_for_devices (aether_service_get_store (self->service),
                                                         (const char * const *)ids->pdata,
                                                         (const gint64 *)(gpointer)edges->data, edges->len,
                                                         NULL, NULL, &error)))
    {
      reply_gerror (msg, error);
      return;
    }

  from_text = format_us (from_us);
  to_text = format_us (to_us);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, from_text);
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, to_text);
  json_builder_set_member_name (builder, "currency");
  json_builder_add_string_value (builder, aether_service_get_currency (self->service));
  json_builder_set_member_name (builder, "records");
  json_builder_begin_array (builder);
  for (guint d = 0; ids->pdata[d] != NULL; d++)
    {
      const char *id = ids->pdata[d];
      g_autoptr(GArray) intervals = g_array_new (FALSE, TRUE, sizeof (AetherEnergyInterval));
      g_autoptr(JsonNode) priced = NULL;
      JsonArray *records;

      for (guint b = 0; b < series->len; b++)
        {
          GPtrArray *totals = g_ptr_array_index (series, b);

          for (guint i = 0; i < totals->len; i++)
            {
              AetherEnergyTotal *t = g_ptr_array_index (totals, i);
              AetherEnergyInterval iv = { 0 };

              if (!g_str_equal (t->key, id) || (t->energy_wh == 0 && t->exported_wh == 0))
                continue;
              iv.start_s = g_array_index (edges, gint64, b) / G_USEC_PER_SEC;
              iv.end_s = g_array_index (edges, gint64, b + 1) / G_USEC_PER_SEC;
              iv.energy_kwh = t->energy_wh / 1000.0;
              iv.exported_kwh = t->exported_wh / 1000.0;
              g_array_append_val (intervals, iv);
            }
        }
      if (intervals->len == 0)
        continue;
      if (!(priced = aether_tariff_cost (tariff, id, (AetherEnergyInterval *)(gpointer)intervals->data,
                                         intervals->len, &error)))
        {
          reply_gerror (msg, error);
          return;
        }
      records = json_object_get_array_member (json_node_get_object (priced), "records");
      for (guint i = 0; records != NULL && i < json_array_get_length (records); i++)
        json_builder_add_value (builder, json_node_copy (json_array_get_element (records, i)));
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  reply_json (msg, SOUP_STATUS_OK, root);
}

/* ---- Prometheus --------------------------------------------------------- */

static void
append_label (GString    *out,
              const char *name,
              const char *value,
              gboolean    first)
{
  g_string_append_printf (out, "%s%s=\"", first ? "" : ",", name);
  for (const char *p = value ? value : ""; *p; p++)
    {
      if (*p == '\\')
        g_string_append (out, "\\\\");
      else if (*p == '"')
        g_string_append (out, "\\\"");
      else if (*p == '\n')
        g_string_append (out, "\\n");
      else
        g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_sample (GString    *out,
               const char *metric,
               JsonObject *device,
               const char *currency,
               double      value)
{
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append_printf (out, "%s{", metric);
  append_label (out, "device_id", aether_json_get_string (device, "device_id"), TRUE);
  append_label (out, "name", aether_json_get_string (device, "name"), FALSE);
  append_label (out, "room", aether_json_get_string (aether_json_get_object (device, "location"), "room"), FALSE);
  if (currency != NULL)
    append_label (out, "currency", currency, FALSE);
  g_string_append_printf (out, "} %s\n", g_ascii_dtostr (number, sizeof number, value));
}

static void
get_prometheus (AetherApiServer   *self,
                SoupServerMessage *msg)
{
  AetherStore *store = aether_service_get_store (self->service);
  AetherHotTier *hot = aether_service_get_hot_tier (self->service);
  const char *currency = aether_service_get_currency (self->service);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) all_time = NULL;
  g_autoptr(GPtrArray) today = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  gint64 now = now_us (self);
  gsize len;

  if (!(devices = aether_store_list_devices (store, &error)) ||
      !(all_time = aether_store_energy_totals (store, 0, now + 1, "device", &error)) ||
      !(today = aether_store_energy_totals (store, start_of_today_us (self), now + 1, "device", &error)))
    {
      reply_gerror (msg, error);
      return;
    }

  g_string_append (out, "# HELP aetherlens_power_watts The power each device draws now.\n"
                        "# TYPE aetherlens_power_watts gauge\n");
  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      double watts;

      if (aether_hot_tier_get_current (hot, aether_json_get_string (device, "device_id"), "power", &watts, NULL) &&
          isfinite (watts))
        append_sample (out, "aetherlens_power_watts", device, NULL, watts);
    }

  g_string_append (out, "# HELP aetherlens_energy_watt_hours_total The energy each device used, as stored.\n"
                        "# TYPE aetherlens_energy_watt_hours_total counter\n");
  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      double wh = 0;

      for (guint t = 0; t < all_time->len; t++)
        {
          AetherEnergyTotal *total = g_ptr_array_index (all_time, t);

          if (g_strcmp0 (total->key, aether_json_get_string (device, "device_id")) == 0)
            wh = total->energy_wh;
        }
      append_sample (out, "aetherlens_energy_watt_hours_total", device, NULL, wh);
    }

  g_string_append (out, "# HELP aetherlens_cost_today The cost of each device's energy since midnight.\n"
                        "# TYPE aetherlens_cost_today gauge\n");
  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      const char *id = aether_json_get_string (device, "device_id");
      double energy_wh = 0, cost = 0;

      /* What the pages show: the hot tier while collecting, else the store. */
      if (!aether_hot_tier_get_today (hot, id, &energy_wh, &cost))
        for (guint t = 0; t < today->len; t++)
          {
            AetherEnergyTotal *total = g_ptr_array_index (today, t);

            if (g_strcmp0 (total->key, id) == 0)
              cost = total->cost;
          }
      append_sample (out, "aetherlens_cost_today", device, currency ? currency : "", cost);
    }

  g_string_append (out, "# HELP aetherlens_device_online Whether each device answered its last poll.\n"
                        "# TYPE aetherlens_device_online gauge\n");
  for (guint i = 0; i < devices->len; i++)
    {
      JsonObject *device = json_node_get_object (g_ptr_array_index (devices, i));
      gboolean online = FALSE;

      if (!aether_hot_tier_get_device_status (hot, aether_json_get_string (device, "device_id"), &online, NULL, NULL))
        online = aether_json_get_boolean_or (aether_json_get_object (device, "status"), "online", FALSE);
      append_sample (out, "aetherlens_device_online", device, NULL, online ? 1 : 0);
    }

  len = out->len;
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/plain; version=0.0.4; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (g_steal_pointer (&out), FALSE), len);
}

/* ---- routing ------------------------------------------------------------ */

typedef enum
{
  ROUTE_NONE,
  ROUTE_DEVICES,
  ROUTE_DEVICE,
  ROUTE_DEVICE_STATE,
  ROUTE_METRICS,
  ROUTE_ENERGY,
  ROUTE_COSTS,
  ROUTE_PROMETHEUS,
} Route;

static Route
route_for (const char  *path,
           char       **device_id)
{
  g_auto(GStrv) parts = NULL;
  guint n;

  if (g_str_equal (path, "/metrics"))
    return ROUTE_PROMETHEUS;
  if (!g_str_has_prefix (path, "/api/v1/"))
    return ROUTE_NONE;
  parts = g_strsplit (path + strlen ("/api/v1/"), "/", -1);
  n = g_strv_length (parts);
  if (n == 1 && g_str_equal (parts[0], "devices"))
    return ROUTE_DEVICES;
  if (n == 1 && g_str_equal (parts[0], "metrics"))
    return ROUTE_METRICS;
  if (n == 1 && g_str_equal (parts[0], "energy"))
    return ROUTE_ENERGY;
  if (n == 1 && g_str_equal (parts[0], "costs"))
    return ROUTE_COSTS;
  if ((n == 2 || (n == 3 && g_str_equal (parts[2], "state"))) &&
      g_str_equal (parts[0], "devices") && *parts[1] != '\0')
    {
      *device_id = g_uri_unescape_string (parts[1], NULL);
      if (*device_id == NULL)
        return ROUTE_NONE;
      return n == 2 ? ROUTE_DEVICE : ROUTE_DEVICE_STATE;
    }
  return ROUTE_NONE;
}

static const char *
permission_for (Route route)
{
  switch (route)
    {
    case ROUTE_DEVICES:
    case ROUTE_DEVICE:
      return AETHER_API_READ_DEVICES;
    case ROUTE_DEVICE_STATE:
      return AETHER_API_WRITE_DEVICES;
    case ROUTE_METRICS:
    case ROUTE_PROMETHEUS:
      return AETHER_API_READ_METRICS;
    case ROUTE_ENERGY:
    case ROUTE_COSTS:
      return AETHER_API_READ_COSTS;
    case ROUTE_NONE:
    default:
      return NULL;
    }
}

static const char *
bearer (SoupServerMessage *msg)
{
  const char *header = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (header == NULL || g_ascii_strncasecmp (header, "Bearer ", 7) != 0)
    return NULL;
  header += 7;
  while (*header == ' ')
    header++;
  return header;
}

/* Refuses a body too big before it is read. */
static void
on_early (SoupServer        *server,
          SoupServerMessage *msg,
          const char        *path,
          GHashTable        *query,
          gpointer           user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);

  if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    reply_error (msg, SOUP_STATUS_LENGTH_REQUIRED, _("A request body needs a Content-Length"));
  else if (encoding == SOUP_ENCODING_CONTENT_LENGTH &&
           soup_message_headers_get_content_length (headers) > AETHER_API_MAX_BODY)
    reply_errorf (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, _("A request body is at most %d bytes"), AETHER_API_MAX_BODY);
}

static void
on_request (SoupServer        *server,
            SoupServerMessage *msg,
            const char        *path,
            GHashTable        *query,
            gpointer           user_data)
{
  AetherApiServer *self = user_data;
  const char *method = soup_server_message_get_method (msg);
  const char *query_text = g_uri_get_query (soup_server_message_get_uri (msg));
  g_autofree char *device_id = NULL;
  g_autofree char *token_id = NULL;
  Route route = route_for (path, &device_id);
  const char *wanted = route == ROUTE_DEVICE_STATE ? SOUP_METHOD_POST : SOUP_METHOD_GET;

  if (query_text != NULL && strlen (query_text) > AETHER_API_MAX_QUERY)
    {
      reply_errorf (msg, SOUP_STATUS_REQUEST_URI_TOO_LONG, _("A query is at most %d bytes"), AETHER_API_MAX_QUERY);
      return;
    }
  if (route == ROUTE_NONE)
    {
      reply_errorf (msg, SOUP_STATUS_NOT_FOUND, _("There is no endpoint %s"), path);
      return;
    }
  if (g_strcmp0 (method, wanted) != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", wanted);
      reply_errorf (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, _("%s takes %s"), path, wanted);
      return;
    }

  switch (aether_service_authorize_api (self->service, bearer (msg), permission_for (route), &token_id))
    {
    case AETHER_API_AUTH_OK:
      break;
    case AETHER_API_AUTH_MISSING:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate", "Bearer");
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, _("Send a token: “Authorization: Bearer SECRET”"));
      return;
    case AETHER_API_AUTH_EXPIRED:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer error=\"invalid_token\"");
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, _("The token has expired"));
      return;
    case AETHER_API_AUTH_INVALID:
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                    "Bearer error=\"invalid_token\"");
      reply_error (msg, SOUP_STATUS_UNAUTHORIZED, _("The token is not known (or was revoked)"));
      return;
    case AETHER_API_AUTH_FORBIDDEN:
    default:
      reply_errorf (msg, SOUP_STATUS_FORBIDDEN, _("The token lacks the permission %s"), permission_for (route));
      return;
    }

  g_debug ("%s %s by %s", method, path, token_id);
  switch (route)
    {
    case ROUTE_DEVICES:
      get_devices (self, msg);
      break;
    case ROUTE_DEVICE:
      get_device (self, msg, device_id);
      break;
    case ROUTE_DEVICE_STATE:
      post_state (self, msg, device_id);
      break;
    case ROUTE_METRICS:
      get_metrics (self, msg, query);
      break;
    case ROUTE_ENERGY:
      get_energy (self, msg, query);
      break;
    case ROUTE_COSTS:
      get_costs (self, msg, query);
      break;
    case ROUTE_PROMETHEUS:
      get_prometheus (self, msg);
      break;
    case ROUTE_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* ---- public ------------------------------------------------------------- */

/**
 * aether_api_parse_address:
 * @text: `ADDRESS:PORT`, `[IPv6]:PORT` or `PORT` (on 127.0.0.1)
 * @host: (out) (transfer full): the address
 * @port: (out): the port (0: any free one)
 * @error: a location for a #GError
 *
 * Returns: %TRUE if @text is an address to listen on
 */
gboolean
aether_api_parse_address (const char  *text,
                          char       **host,
                          guint16     *port,
                          GError     **error)
{
  g_autofree char *address = NULL;
  const char *port_text;
  guint64 value;

  g_return_val_if_fail (text != NULL, FALSE);

  if (text[0] == '[')
    {
      const char *close = strchr (text, ']');

      if (close == NULL || close[1] != ':')
        goto bad;
      address = g_strndup (text + 1, close - text - 1);
      port_text = close + 2;
    }
  else if (strrchr (text, ':') != NULL)
    {
      const char *colon = strrchr (text, ':');

      address = g_strndup (text, colon - text);
      port_text = colon + 1;
    }
  else
    {
      address = g_strdup ("127.0.0.1");
      port_text = text;
    }
  if (*address == '\0')
    {
      g_free (address);
      address = g_strdup ("127.0.0.1");
    }
  if (!g_hostname_is_ip_address (address) ||
      !g_ascii_string_to_unsigned (port_text, 10, 0, 65535, &value, NULL))
    goto bad;

  *host = g_steal_pointer (&address);
  *port = (guint16)value;
  return TRUE;

bad:
  g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
               _("“%s” is not an address to listen on: give ADDRESS:PORT, such as 127.0.0.1:8780"), text);
  return FALSE;
}

/**
 * aether_api_server_new:
 * @service: the service it answers for
 *
 * Returns: (transfer full): a server, not yet listening
 */
AetherApiServer *
aether_api_server_new (AetherService *service)
{
  AetherApiServer *self;

  g_return_val_if_fail (AETHER_IS_SERVICE (service), NULL);

  self = g_object_new (AETHER_TYPE_API_SERVER, NULL);
  self->service = g_object_ref (service);
  return self;
}

/**
 * aether_api_server_listen:
 * @self: a server
 * @address: where, as aether_api_parse_address() reads it
 * @error: a location for a #GError
 *
 * Returns: %TRUE if it listens
 */
gboolean
aether_api_server_listen (AetherApiServer  *self,
                          const char       *address,
                          GError          **error)
{
  g_autoptr(GSocketAddress) where = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *host = NULL;
  GSList *listeners;
  guint16 port;

  g_return_val_if_fail (AETHER_IS_API_SERVER (self), FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (!aether_api_parse_address (address, &host, &port, error))
    return FALSE;

  self->server = soup_server_new ("server-header", "AetherLens", NULL);
  soup_server_add_early_handler (self->server, NULL, on_early, self, NULL);
  soup_server_add_handler (self->server, NULL, on_request, self, NULL);
  where = g_inet_socket_address_new_from_string (host, port);
  if (!soup_server_listen (self->server, where, 0, &local_error))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_IO, _("Could not serve the API on %s: %s"), address,
                   local_error->message);
      g_clear_object (&self->server);
      return FALSE;
    }

  listeners = soup_server_get_listeners (self->server);
  if (listeners != NULL)
    {
      g_autoptr(GSocketAddress) local = g_socket_get_local_address (listeners->data, NULL);

      if (G_IS_INET_SOCKET_ADDRESS (local))
        port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));
    }
  g_slist_free (listeners);
  g_free (self->host);
  self->host = g_steal_pointer (&host);
  self->port = port;
  return TRUE;
}

/**
 * aether_api_server_get_port:
 * @self: a server
 *
 * Returns: the port it listens on (the one chosen when asked for 0)
 */
guint16
aether_api_server_get_port (AetherApiServer *self)
{
  g_return_val_if_fail (AETHER_IS_API_SERVER (self), 0);
  return self->port;
}

/**
 * aether_api_server_get_host:
 * @self: a server
 *
 * Returns: (nullable): the address it listens on
 */
const char *
aether_api_server_get_host (AetherApiServer *self)
{
  g_return_val_if_fail (AETHER_IS_API_SERVER (self), NULL);
  return self->host;
}

/**
 * aether_api_server_stop:
 * @self: a server
 *
 * Stops listening and drops its connections.
 */
void
aether_api_server_stop (AetherApiServer *self)
{
  g_return_if_fail (AETHER_IS_API_SERVER (self));

  if (self->server != NULL)
    {
      soup_server_disconnect (self->server);
      g_clear_object (&self->server);
    }
}
