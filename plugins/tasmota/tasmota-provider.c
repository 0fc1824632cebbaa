/* tasmota-provider.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Tasmota over HTTP. `cm?cmnd=Status%200` identifies the device (StatusFWR
 * firmware, StatusNET MAC, Status names, StatusSNS.ENERGY what it
 * measures); `Status%208` reads StatusSNS.ENERGY: Power W, Voltage V,
 * Current A, Factor, Frequency Hz and the Total counter in kWh (→ Wh). On
 * multi-channel meters the per-phase fields are arrays, one channel each;
 * Total stays one number and belongs to channel 0. Old firmware leaves
 * fields out: what is missing is simply not reported. Tasmota's times are
 * local without an offset, so the reading is stamped when it arrives.
 *
 * A device with a web password answers HTTP 200 with
 * `{"WARNING": "Need user=…&password=…"}`: that is "authentication
 * required", not a reading. Numbers that are not numbers ("NaN", strings)
 * make the whole poll an error. Switching is `Power[N] On|Off`; after the
 * meter each poll asks `Status%2011` for StatusSTS, whose `POWER` (one
 * relay) or `POWER1`…`POWERn` say what each relay is, as `relay` readings
 * on channel N−1. */

#define G_LOG_DOMAIN "tasmota-provider"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "tasmota-provider.h"

struct _TasmotaProvider
{
  GObject parent_instance;
};

static void provider_iface_init (AetherDeviceProviderInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (TasmotaProvider, tasmota_provider, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (AETHER_TYPE_DEVICE_PROVIDER, provider_iface_init))

void
tasmota_provider_register (GTypeModule *module)
{
  tasmota_provider_register_type (module);
}

static const AetherConfigField config_fields[] = {
  { "ip_address", N_("Address"), AETHER_CONFIG_FIELD_HOST, NULL, FALSE, TRUE,
    N_("The device’s IP address or host name, as your router lists it") },
  { "username", N_("User Name"), AETHER_CONFIG_FIELD_STRING, "admin", FALSE, FALSE,
    N_("Only if a web admin password is set on the device") },
  { "password", N_("Password"), AETHER_CONFIG_FIELD_PASSWORD, NULL, TRUE, FALSE,
    N_("The device’s web admin password") },
  { "polling_interval", N_("Polling Interval"), AETHER_CONFIG_FIELD_INT, "10", FALSE, FALSE,
    N_("Seconds between readings") },
  { NULL }
};

static const AetherConfigField *
tasmota_get_config_fields (AetherDeviceProvider *provider)
{
  return config_fields;
}

typedef struct
{
  char *host;
  char *username;
  char *password;
  char *name;
  guint timeout;
} Target;

static void
target_free (Target *t)
{
  g_free (t->host);
  g_free (t->username);
  g_free (t->password);
  g_free (t->name);
  g_free (t);
}

static Target *
target_from_config (JsonObject  *config,
                    GError     **error)
{
  JsonObject *pc = aether_json_get_object (config, "plugin_config");
  const char *host = aether_json_get_string_or (config, "ip_address", NULL);
  Target *t;

  if (host == NULL || *host == '\0')
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           "A Tasmota device needs its address (configuration.ip_address)");
      return NULL;
    }

  t = g_new0 (Target, 1);
  t->host = g_strdup (host);
  t->name = g_strdup_printf ("The Tasmota at %s", host);
  t->timeout = pc ? (guint)aether_json_get_int_or (pc, "timeout_seconds", 5) : 5;
  if (pc != NULL)
    {
      t->username = g_strdup (aether_json_get_string_or (pc, "username", NULL));
      t->password = g_strdup (aether_json_get_string_or (pc, "password", NULL));
    }
  return t;
}

static char *
command_url (Target     *t,
             const char *command)
{
  g_autofree char *escaped = g_uri_escape_string (command, NULL, FALSE);
  GString *url = g_string_new (NULL);

  g_string_append_printf (url, "http://%s/cm?cmnd=%s", t->host, escaped);
  if (t->password != NULL && *t->password != '\0')
    {
      g_autofree char *user = g_uri_escape_string (t->username ? t->username : "admin", NULL, FALSE);
      g_autofree char *pass = g_uri_escape_string (t->password, NULL, FALSE);

      g_string_append_printf (url, "&user=%s&password=%s", user, pass);
    }
  return g_string_free (url, FALSE);
}

/* Tasmota answers 200 with a WARNING when it wants its password. */
static gboolean
check_warning (Target      *t,
               JsonNode    *root,
               GError     **error)
{
  JsonObject *object;
  const char *warning;

  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s sent JSON that is not an object", t->name);
      return FALSE;
    }

  object = json_node_get_object (root);
  warning = aether_json_get_string_or (object, "WARNING", NULL);
  if (warning != NULL)
    {
      if (strstr (warning, "user=") != NULL)
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED,
                     "%s wants a user name and password: enter the web admin password set on the device",
                     t->name);
      else
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_FAILED, "%s warns: %s", t->name, warning);
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  Target   *target;
  GArray   *samples;   /* a poll's meter readings, while it asks for the relays */
  gboolean  on;
} Call;

static void
call_free (gpointer data)
{
  Call *call = data;

  target_free (call->target);
  g_clear_pointer (&call->samples, g_array_unref);
  g_free (call);
}

/* A reading's number, refusing strings, "NaN" and the like. */
static gboolean
read_number (Target     *t,
             JsonNode   *node,
             const char *field,
             double     *value,
             GError    **error)
{
  if (JSON_NODE_HOLDS_VALUE (node) &&
      (json_node_get_value_type (node) == G_TYPE_INT64 || json_node_get_value_type (node) == G_TYPE_DOUBLE) &&
      isfinite (json_node_get_double (node)))
    {
      *value = json_node_get_double (node);
      return TRUE;
    }

  g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s sent “%s” for %s, which is not a number",
               t->name, JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
                        ? json_node_get_string (node) : "something else", field);
  return FALSE;
}

static gboolean
add_field (Target       *t,
           JsonObject   *energy,
           const char   *field,
           AetherMetric  metric,
           double        factor,
           GArray       *samples,
           GError      **error)
{
  JsonNode *node = json_object_get_member (energy, field);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *values = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (values); i++)
        {
          AetherSample sample = { metric, i, 0, 0 };

          if (!read_number (t, json_array_get_element (values, i), field, &sample.value, error))
            return FALSE;
          sample.value *= factor;
          g_array_append_val (samples, sample);
        }
      return TRUE;
    }

  {
    AetherSample sample = { metric, 0, 0, 0 };

    if (!read_number (t, node, field, &sample.value, error))
      return FALSE;
    sample.value *= factor;
    g_array_append_val (samples, sample);
  }
  return TRUE;
}

/* StatusSNS.ENERGY into samples. */
static GArray *
parse_energy (Target      *t,
              JsonObject  *sns,
              GError     **error)
{
  JsonObject *energy = aether_json_get_object (sns, "ENERGY");
  g_autoptr(GArray) samples = g_array_new (FALSE, TRUE, sizeof (AetherSample));

  if (energy == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED,
                   "%s has no energy meter (its status has no ENERGY section)", t->name);
      return NULL;
    }

  if (!add_field (t, energy, "Power", AETHER_METRIC_POWER, 1, samples, error) ||
      !add_field (t, energy, "Total", AETHER_METRIC_ENERGY, 1000, samples, error) ||
      !add_field (t, energy, "Voltage", AETHER_METRIC_VOLTAGE, 1, samples, error) ||
      !add_field (t, energy, "Current", AETHER_METRIC_CURRENT, 1, samples, error) ||
      !add_field (t, energy, "Factor", AETHER_METRIC_POWER_FACTOR, 1, samples, error) ||
      !add_field (t, energy, "Frequency", AETHER_METRIC_FREQUENCY, 1, samples, error))
    return NULL;

  return g_steal_pointer (&samples);
}

static void
on_probe_answer (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  Target *t = call->target;
  GError *error = NULL;
  g_autoptr(JsonNode) root = aether_http_get_json_finish (result, &error);
  g_autoptr(GPtrArray) caps = g_ptr_array_new ();
  JsonObject *o, *status, *fwr, *net, *sns, *energy;
  AetherDeviceIdentity *id;
  JsonNode *power;

  if (root == NULL || !check_warning (t, root, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  o = json_node_get_object (root);
  status = aether_json_get_object (o, "Status");
  fwr = aether_json_get_object (o, "StatusFWR");
  net = aether_json_get_object (o, "StatusNET");
  sns = aether_json_get_object (o, "StatusSNS");
  energy = aether_json_get_object (sns, "ENERGY");

  if (status == NULL && fwr == NULL)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                               "%s answered, but not like Tasmota (no Status or StatusFWR)", t->name);
      return;
    }

  id = aether_device_identity_new ();
  id->manufacturer = g_strdup ("Tasmota");
  id->model = g_strdup (status ? aether_json_get_string_or (status, "DeviceName", "Tasmota device")
                               : "Tasmota device");
  id->firmware_version = g_strdup (fwr ? aether_json_get_string_or (fwr, "Version", NULL) : NULL);
  id->mac_address = g_strdup (net ? aether_json_get_string_or (net, "Mac", NULL) : NULL);
  id->suggested_name = g_strdup (id->model);
  id->suggested_type = g_strdup (energy ? "smart_plug" : "switch");

  if (energy != NULL)
    {
      g_ptr_array_add (caps, (gpointer)"power_monitoring");
      if (json_object_has_member (energy, "Total"))
        g_ptr_array_add (caps, (gpointer)"energy_metering");
      power = json_object_get_member (energy, "Power");
      if (power != NULL && JSON_NODE_HOLDS_ARRAY (power))
        id->n_channels = json_array_get_length (json_node_get_array (power));
    }
  if (status != NULL && json_object_has_member (status, "Power"))
    g_ptr_array_add (caps, (gpointer)"on_off_control");
  g_ptr_array_add (caps, NULL);
  g_strfreev (id->capabilities);
  id->capabilities = g_strdupv ((char **)caps->pdata);

  g_task_return_pointer (task, id, (GDestroyNotify)aether_device_identity_free);
}

static void
start (TasmotaProvider     *self,
       JsonObject          *config,
       const char          *command,
       gboolean             on,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             source_tag,
       GAsyncReadyCallback  answer)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  Call *call;
  Target *t;

  g_task_set_source_tag (task, source_tag);
  if (!(t = target_from_config (config, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  call = g_new0 (Call, 1);
  call->target = t;
  call->on = on;
  g_task_set_task_data (task, call, call_free);
  url = command_url (t, command);
  aether_http_get_json_async (url, t->name, NULL, NULL, t->timeout, cancellable, answer, g_steal_pointer (&task));
}

static void
tasmota_probe_async (AetherDeviceProvider *provider,
                     JsonObject           *config,
                     GCancellable         *cancellable,
                     GAsyncReadyCallback   callback,
                     gpointer              user_data)
{
  start (TASMOTA_PROVIDER (provider), config, "Status 0", FALSE, cancellable, callback, user_data,
         tasmota_probe_async, on_probe_answer);
}

static AetherDeviceIdentity *
tasmota_probe_finish (AetherDeviceProvider  *provider,
                      GAsyncResult          *result,
                      GError               **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* StatusSTS (or the MQTT STATE form, which is the same object unwrapped):
 * `POWER` for a single relay, `POWER1`…`POWERn` for several. */
static void
add_relays (Target     *t,
            JsonObject *sts,
            GArray     *samples)
{
  g_autoptr(GList) members = sts ? json_object_get_members (sts) : NULL;

  for (GList *l = members; l; l = l->next)
    {
      const char *key = l->data;
      const char *digits = key + strlen ("POWER");
      JsonNode *n = json_object_get_member (sts, key);
      AetherSample sample = { AETHER_METRIC_RELAY, 0, 0, 0 };
      const char *state;
      guint64 number = 0;

      if (!g_str_has_prefix (key, "POWER") ||
          (*digits != '\0' && (!g_ascii_string_to_unsigned (digits, 10, 1, 32, &number, NULL))))
        continue;
      if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
        continue;

      /* StateText1/2 can rename ON and OFF; a state we cannot read is left
       * out rather than failing the meter's readings with it. */
      state = json_node_get_string (n);
      if (g_ascii_strcasecmp (state, "ON") == 0)
        sample.value = 1;
      else if (g_ascii_strcasecmp (state, "OFF") == 0)
        sample.value = 0;
      else
        {
          g_debug ("%s says %s is “%s”, neither ON nor OFF", t->name, key, state);
          continue;
        }

      sample.channel = number > 0 ? (guint)number - 1 : 0;
      g_array_append_val (samples, sample);
    }
}

static void
on_poll_state_answer (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = aether_http_get_json_finish (result, &error);
  JsonObject *o;
  JsonObject *sts;

  if (root == NULL || !check_warning (call->target, root, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  o = json_node_get_object (root);
  sts = aether_json_get_object (o, "StatusSTS");
  add_relays (call->target, sts ? sts : o, call->samples);

  g_task_return_pointer (task, g_steal_pointer (&call->samples), (GDestroyNotify)g_array_unref);
}

static void
on_poll_answer (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = aether_http_get_json_finish (result, &error);
  g_autofree char *url = NULL;
  GCancellable *cancellable;
  JsonObject *o;
  JsonObject *sns;
  GArray *samples;

  if (root == NULL || !check_warning (call->target, root, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  o = json_node_get_object (root);
  /* Status 8 wraps the sensors in StatusSNS; the MQTT SENSOR form does not. */
  sns = aether_json_get_object (o, "StatusSNS");
  if (sns == NULL && json_object_has_member (o, "ENERGY"))
    sns = o;

  if (!(samples = parse_energy (call->target, sns, &error)))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The relays are in another status; one poll is both answers or neither. */
  call->samples = samples;
  url = command_url (call->target, "Status 11");
  cancellable = g_task_get_cancellable (task);
  aether_http_get_json_async (url, call->target->name, NULL, NULL, call->target->timeout,
                              cancellable, on_poll_state_answer, g_steal_pointer (&task));
}

static void
tasmota_poll_async (AetherDeviceProvider *provider,
                    JsonObject           *config,
                    GCancellable         *cancellable,
                    GAsyncReadyCallback   callback,
                    gpointer              user_data)
{
  start (TASMOTA_PROVIDER (provider), config, "Status 8", FALSE, cancellable, callback, user_data,
         tasmota_poll_async, on_poll_answer);
}

static GArray *
tasmota_poll_finish (AetherDeviceProvider  *provider,
                     GAsyncResult          *result,
                     GError               **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_switch_answer (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *call = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = aether_http_get_json_finish (result, &error);
  JsonObject *o;
  GList *members;
  const char *state = NULL;

  if (root == NULL || !check_warning (call->target, root, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* {"POWER": "OFF"} or {"POWER2": "ON"} */
  o = json_node_get_object (root);
  members = json_object_get_members (o);
  for (GList *l = members; l; l = l->next)
    if (g_str_has_prefix (l->data, "POWER"))
      state = aether_json_get_string_or (o, l->data, NULL);
  g_list_free (members);

  if (g_strcmp0 (state, call->on ? "ON" : "OFF") != 0)
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_FAILED, "%s did not switch %s (it says %s)",
                               call->target->name, call->on ? "on" : "off", state ? state : "nothing");
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static void
tasmota_set_state_async (AetherDeviceProvider *provider,
                         JsonObject           *config,
                         guint                 channel,
                         gboolean              on,
                         GCancellable         *cancellable,
                         GAsyncReadyCallback   callback,
                         gpointer              user_data)
{
  g_autofree char *command = channel == 0 ? g_strdup_printf ("Power %s", on ? "On" : "Off")
                                          : g_strdup_printf ("Power%u %s", channel + 1, on ? "On" : "Off");

  start (TASMOTA_PROVIDER (provider), config, command, on, cancellable, callback, user_data,
         tasmota_set_state_async, on_switch_answer);
}

static gboolean
tasmota_set_state_finish (AetherDeviceProvider  *provider,
                          GAsyncResult          *result,
                          GError               **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
is_tasmota (const AetherMdnsService *service)
{
  /* Tasmota announces its host name, tasmota-XXXXXX-NNNN unless renamed,
   * when mDNS is on (SetOption55 1). */
  return g_ascii_strncasecmp (service->name, "tasmota", 7) == 0;
}

static void
tasmota_discover_async (AetherDeviceProvider *provider, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  static const char * const types[] = { "_http._tcp", NULL };

  aether_mdns_discover_async (provider, types, is_tasmota, "tasmota", 80, cancellable, callback, user_data);
}

static GPtrArray *
tasmota_discover_finish (AetherDeviceProvider *provider, GAsyncResult *result, GError **error)
{
  return aether_mdns_discover_finish (result, error);
}

static void
provider_iface_init (AetherDeviceProviderInterface *iface)
{
  iface->get_config_fields = tasmota_get_config_fields;
  iface->probe_async = tasmota_probe_async;
  iface->probe_finish = tasmota_probe_finish;
  iface->poll_async = tasmota_poll_async;
  iface->poll_finish = tasmota_poll_finish;
  iface->set_state_async = tasmota_set_state_async;
  iface->set_state_finish = tasmota_set_state_finish;
  iface->discover_async = tasmota_discover_async;
  iface->discover_finish = tasmota_discover_finish;
}

static void
tasmota_provider_class_init (TasmotaProviderClass *klass)
{
}

static void
tasmota_provider_class_finalize (TasmotaProviderClass *klass)
{
}

static void
tasmota_provider_init (TasmotaProvider *self)
{
}
