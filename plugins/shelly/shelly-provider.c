/* shelly-provider.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shelly devices over HTTP, both generations. `/shelly` says which: Plus,
 * Pro, Gen3 and Gen4 devices have `gen` ≥ 2 and speak JSON-RPC
 * (`/rpc/Shelly.GetStatus`, `/rpc/Switch.Set`, digest authentication with
 * SHA-256 when `auth_en`); first-generation devices have `/status` and
 * `/relay/N?turn=` with basic authentication. The generation is learned
 * once per address.
 *
 * Units are converted here: Gen1 plug and relay `meters[].total` is in
 * watt-minutes (÷ 60 → Wh); Gen1 `emeters[].total` and Gen2 `aenergy.total`
 * and `*_total_act_energy` are already Wh. Gen1 meter timestamps are local
 * time pretending to be UTC, so readings are stamped on arrival.
 *
 * Channels: a Gen1 device's meters or emeters in order; Gen2 `switch:N`,
 * `cover:N` (a 2PM in shutter mode meters its motor), `pm1:N`, `em1:N` by N; a Pro 3EM in triphase profile (`em:0`) has phases
 * A, B, C as channels 0–2 and the whole meter as channel 3. */

#define G_LOG_DOMAIN "shelly-provider"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "shelly-provider.h"

struct _ShellyProvider
{
  GObject     parent_instance;

  /* host → generation (1 or 2) */
  GHashTable *generations;
};

static void provider_iface_init (AetherDeviceProviderInterface *iface);

G_DEFINE_DYNAMIC_TYPE_EXTENDED (ShellyProvider, shelly_provider, G_TYPE_OBJECT, G_TYPE_FLAG_FINAL,
                                G_IMPLEMENT_INTERFACE_DYNAMIC (AETHER_TYPE_DEVICE_PROVIDER, provider_iface_init))

void
shelly_provider_register (GTypeModule *module)
{
  shelly_provider_register_type (module);
}

static const AetherConfigField config_fields[] = {
  { "ip_address", N_("Address"), AETHER_CONFIG_FIELD_HOST, NULL, FALSE, TRUE,
    N_("The device’s IP address or host name, as your router or the Shelly app shows it") },
  { "username", N_("User Name"), AETHER_CONFIG_FIELD_STRING, "admin", FALSE, FALSE,
    N_("Only if the device is protected; Plus, Pro and later always use “admin”") },
  { "password", N_("Password"), AETHER_CONFIG_FIELD_PASSWORD, NULL, TRUE, FALSE,
    N_("The password set under Settings → Authentication on the device") },
  { "polling_interval", N_("Polling Interval"), AETHER_CONFIG_FIELD_INT, "10", FALSE, FALSE,
    N_("Seconds between readings") },
  { NULL }
};

static const AetherConfigField *
shelly_get_config_fields (AetherDeviceProvider *provider)
{
  return config_fields;
}

typedef struct
{
  ShellyProvider *self;
  char           *host;
  char           *username;
  char           *password;
  char           *name;
  guint           timeout;
  guint           channel;
  gboolean        on;
  int             gen;
  int             step;
} Call;

static void
call_free (gpointer data)
{
  Call *c = data;

  g_object_unref (c->self);
  g_free (c->host);
  g_free (c->username);
  g_free (c->password);
  g_free (c->name);
  g_free (c);
}

static Call *
call_new (ShellyProvider  *self,
          JsonObject      *config,
          GError         **error)
{
  JsonObject *pc = aether_json_get_object (config, "plugin_config");
  const char *host = aether_json_get_string_or (config, "ip_address", NULL);
  Call *c;

  if (host == NULL || *host == '\0')
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                           "A Shelly needs its address (configuration.ip_address)");
      return NULL;
    }

  c = g_new0 (Call, 1);
  c->self = g_object_ref (self);
  c->host = g_strdup (host);
  c->name = g_strdup_printf ("The Shelly at %s", host);
  c->timeout = pc ? (guint)aether_json_get_int_or (pc, "timeout_seconds", 5) : 5;
  if (pc != NULL)
    {
      c->username = g_strdup (aether_json_get_string_or (pc, "username", "admin"));
      c->password = g_strdup (aether_json_get_string_or (pc, "password", NULL));
    }
  c->gen = GPOINTER_TO_INT (g_hash_table_lookup (self->generations, host));
  return c;
}

static void
get (Call                *c,
     GTask               *task,
     const char          *path,
     GAsyncReadyCallback  callback)
{
  g_autofree char *url = g_strdup_printf ("http://%s%s", c->host, path);

  aether_http_get_json_async (url, c->name, c->password ? c->username : NULL, c->password, c->timeout,
                              g_task_get_cancellable (task), callback, task);
}

/* A number a device sent, or an error naming the field. Absent is fine. */
static gboolean
field (Call        *c,
       JsonObject  *o,
       const char  *name,
       double      *value,
       gboolean    *present,
       GError     **error)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;

  *present = FALSE;
  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;

  if (JSON_NODE_HOLDS_VALUE (n) &&
      (json_node_get_value_type (n) == G_TYPE_INT64 || json_node_get_value_type (n) == G_TYPE_DOUBLE) &&
      isfinite (json_node_get_double (n)))
    {
      *value = json_node_get_double (n);
      *present = TRUE;
      return TRUE;
    }

  g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s sent “%s” for %s, which is not a number",
               c->name, JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING
                        ? json_node_get_string (n) : "something else", name);
  return FALSE;
}

static gboolean
add (Call         *c,
     GArray       *samples,
     JsonObject   *o,
     const char   *name,
     AetherMetric  metric,
     guint         channel,
     double        factor,
     GError      **error)
{
  AetherSample s = { metric, channel, 0, 0 };
  gboolean present;

  if (!field (c, o, name, &s.value, &present, error))
    return FALSE;
  if (present)
    {
      s.value *= factor;
      g_array_append_val (samples, s);
    }
  return TRUE;
}

/* A relay's state, a JSON boolean, as a `relay` reading of 1 or 0. Absent
 * is fine (a cover, a meter without a relay). */
static gboolean
add_relay (Call        *c,
           GArray      *samples,
           JsonObject  *o,
           const char  *name,
           guint        channel,
           GError     **error)
{
  JsonNode *n = o ? json_object_get_member (o, name) : NULL;
  AetherSample s = { AETHER_METRIC_RELAY, channel, 0, 0 };

  if (n == NULL || JSON_NODE_HOLDS_NULL (n))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                   "%s sent something other than true or false for %s", c->name, name);
      return FALSE;
    }

  s.value = json_node_get_boolean (n) ? 1 : 0;
  g_array_append_val (samples, s);
  return TRUE;
}

static GArray *
parse_gen1 (Call        *c,
            JsonObject  *status,
            GError     **error)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, TRUE, sizeof (AetherSample));
  JsonArray *meters = aether_json_get_array (status, "meters");
  JsonArray *emeters = aether_json_get_array (status, "emeters");
  JsonArray *relays = aether_json_get_array (status, "relays");

  for (guint i = 0; meters != NULL && i < json_array_get_length (meters); i++)
    {
      JsonObject *m = aether_json_array_get_object (meters, i);

      /* meters[].total is in watt-minutes. */
      if (!add (c, samples, m, "power", AETHER_METRIC_POWER, i, 1, error) ||
          !add (c, samples, m, "total", AETHER_METRIC_ENERGY, i, 1.0 / 60.0, error))
        return NULL;
    }

  for (guint i = 0; emeters != NULL && i < json_array_get_length (emeters); i++)
    {
      JsonObject *m = aether_json_array_get_object (emeters, i);

      if (!add (c, samples, m, "power", AETHER_METRIC_POWER, i, 1, error) ||
          !add (c, samples, m, "voltage", AETHER_METRIC_VOLTAGE, i, 1, error) ||
          !add (c, samples, m, "current", AETHER_METRIC_CURRENT, i, 1, error) ||
          !add (c, samples, m, "pf", AETHER_METRIC_POWER_FACTOR, i, 1, error) ||
          !add (c, samples, m, "total", AETHER_METRIC_ENERGY, i, 1, error))
        return NULL;
    }

  if (samples->len == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED, "%s has no power meter", c->name);
      return NULL;
    }

  /* relays[n] is what /relay/n switches. */
  for (guint i = 0; relays != NULL && i < json_array_get_length (relays); i++)
    if (!add_relay (c, samples, aether_json_array_get_object (relays, i), "ison", i, error))
      return NULL;

  return g_steal_pointer (&samples);
}

static GArray *
parse_gen2 (Call        *c,
            JsonObject  *status,
            GError     **error)
{
  g_autoptr(GArray) samples = g_array_new (FALSE, TRUE, sizeof (AetherSample));
  g_autoptr(GList) keys = json_object_get_members (status);
  static const char phases[] = { 'a', 'b', 'c' };
  guint n_relays = 0;

  for (GList *l = keys; l; l = l->next)
    {
      const char *key = l->data;
      JsonObject *o = aether_json_get_object (status, key);
      const char *colon = strchr (key, ':');
      guint n = colon ? (guint)g_ascii_strtoull (colon + 1, NULL, 10) : 0;

      if (o == NULL)
        continue;

      if (g_str_has_prefix (key, "switch:") || g_str_has_prefix (key, "cover:") || g_str_has_prefix (key, "pm1:"))
        {
          /* switch:N's output is what Switch.Set?id=N switches. */
          if (g_str_has_prefix (key, "switch:") && !add_relay (c, samples, o, "output", n, error))
            return NULL;
          if (!json_object_has_member (o, "apower"))
            continue;   /* a relay without a meter */
          if (!add (c, samples, o, "apower", AETHER_METRIC_POWER, n, 1, error) ||
              !add (c, samples, o, "voltage", AETHER_METRIC_VOLTAGE, n, 1, error) ||
              !add (c, samples, o, "current", AETHER_METRIC_CURRENT, n, 1, error) ||
              !add (c, samples, o, "pf", AETHER_METRIC_POWER_FACTOR, n, 1, error) ||
              !add (c, samples, o, "freq", AETHER_METRIC_FREQUENCY, n, 1, error) ||
              !add (c, samples, aether_json_get_object (o, "aenergy"), "total", AETHER_METRIC_ENERGY, n, 1, error) ||
              !add (c, samples, aether_json_get_object (o, "temperature"), "tC", AETHER_METRIC_TEMPERATURE, n, 1, error))
            return NULL;
        }
      else if (g_str_has_prefix (key, "em1:"))
        {
          if (!add (c, samples, o, "act_power", AETHER_METRIC_POWER, n, 1, error) ||
              !add (c, samples, o, "voltage", AETHER_METRIC_VOLTAGE, n, 1, error) ||
              !add (c, samples, o, "current", AETHER_METRIC_CURRENT, n, 1, error) ||
              !add (c, samples, o, "pf", AETHER_METRIC_POWER_FACTOR, n, 1, error) ||
              !add (c, samples, o, "freq", AETHER_METRIC_FREQUENCY, n, 1, error))
            return NULL;
        }
      else if (g_str_has_prefix (key, "em1data:"))
        {
          if (!add (c, samples, o, "total_act_energy", AETHER_METRIC_ENERGY, n, 1, error))
            return NULL;
        }
      else if (g_str_equal (key, "em:0"))
        {
          for (guint p = 0; p < 3; p++)
            {
              char name[32];

#define PHASE(suffix) (g_snprintf (name, sizeof name, "%c_%s", phases[p], suffix), name)
              if (!add (c, samples, o, PHASE ("act_power"), AETHER_METRIC_POWER, p, 1, error) ||
                  !add (c, samples, o, PHASE ("voltage"), AETHER_METRIC_VOLTAGE, p, 1, error) ||
                  !add (c, samples, o, PHASE ("current"), AETHER_METRIC_CURRENT, p, 1, error) ||
                  !add (c, samples, o, PHASE ("pf"), AETHER_METRIC_POWER_FACTOR, p, 1, error) ||
                  !add (c, samples, o, PHASE ("freq"), AETHER_METRIC_FREQUENCY, p, 1, error))
                return NULL;
#undef PHASE
            }
          if (!add (c, samples, o, "total_act_power", AETHER_METRIC_POWER, 3, 1, error) ||
              !add (c, samples, o, "total_current", AETHER_METRIC_CURRENT, 3, 1, error))
            return NULL;
        }
      else if (g_str_equal (key, "emdata:0"))
        {
          for (guint p = 0; p < 3; p++)
            {
              char name[32];

              g_snprintf (name, sizeof name, "%c_total_act_energy", phases[p]);
              if (!add (c, samples, o, name, AETHER_METRIC_ENERGY, p, 1, error))
                return NULL;
            }
          if (!add (c, samples, o, "total_act", AETHER_METRIC_ENERGY, 3, 1, error))
            return NULL;
        }
    }

  /* Relays alone are not a meter: never 0 W for a device that cannot tell. */
  for (guint i = 0; i < samples->len; i++)
    if (g_array_index (samples, AetherSample, i).metric == AETHER_METRIC_RELAY)
      n_relays++;
  if (samples->len == n_relays)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_UNSUPPORTED, "%s has no power meter", c->name);
      return NULL;
    }

  return g_steal_pointer (&samples);
}

static void on_identity (GObject *object, GAsyncResult *result, gpointer user_data);

static void
on_status (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = aether_http_get_json_finish (result, &error);
  GArray *samples;

  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s sent a status that is not an object", c->name);
      return;
    }

  samples = c->gen >= 2 ? parse_gen2 (c, json_node_get_object (root), &error)
                        : parse_gen1 (c, json_node_get_object (root), &error);
  if (samples == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, samples, (GDestroyNotify)g_array_unref);
}

static void
on_switched (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  g_autoptr(JsonNode) root = aether_http_get_json_finish (result, &error);

  if (root == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* The step after the generation is known. */
static void
continue_call (GTask *task)
{
  Call *c = g_task_get_task_data (task);
  g_autofree char *path = NULL;

  switch (c->step)
    {
    case 1: /* poll */
      get (c, task, c->gen >= 2 ? "/rpc/Shelly.GetStatus" : "/status", on_status);
      break;
    case 2: /* switch */
      path = c->gen >= 2 ? g_strdup_printf ("/rpc/Switch.Set?id=%u&on=%s", c->channel, c->on ? "true" : "false")
                         : g_strdup_printf ("/relay/%u?turn=%s", c->channel, c->on ? "on" : "off");
      get (c, task, path, on_switched);
      break;
    default:
      g_assert_not_reached ();
    }
}

static int
generation_of (JsonObject *shelly)
{
  return (int)CLAMP (aether_json_get_int_or (shelly, "gen", 1), 0, 100);
}

/* What the status of a Plus or Pro device says of it, since its /shelly
 * does not: one channel per metered `switch:N`, `cover:N` or `pm1:N`, per
 * `em1:N`; a three-phase `em:0` has its phases as channels 0–2 (its whole-
 * meter channel 3 is their sum, not a device of its own). */
static void
describe_gen2 (JsonObject           *status,
               AetherDeviceIdentity *id)
{
  g_autoptr(GList) keys = json_object_get_members (status);
  g_autoptr(GPtrArray) caps = g_ptr_array_new ();
  gboolean metered = FALSE, switchable = FALSE;
  guint n = 1;

  for (GList *l = keys; l; l = l->next)
    {
      const char *key = l->data;
      const char *colon = strchr (key, ':');
      JsonObject *o = aether_json_get_object (status, key);
      guint index = colon ? (guint)g_ascii_strtoull (colon + 1, NULL, 10) : 0;

      if (o == NULL || colon == NULL)
        continue;
      if (g_str_has_prefix (key, "switch:"))
        switchable = TRUE;
      if (g_str_equal (key, "em:0"))
        {
          n = MAX (n, 3);
          metered = TRUE;
        }
      else if (((g_str_has_prefix (key, "switch:") || g_str_has_prefix (key, "cover:")) && json_object_has_member (o, "apower")) ||
               g_str_has_prefix (key, "pm1:") || g_str_has_prefix (key, "em1:"))
        {
          n = MAX (n, index + 1);
          metered = TRUE;
        }
    }

  id->n_channels = n;
  if (metered)
    {
      g_ptr_array_add (caps, (gpointer)"power_monitoring");
      g_ptr_array_add (caps, (gpointer)"energy_metering");
    }
  if (switchable)
    g_ptr_array_add (caps, (gpointer)"on_off_control");
  g_ptr_array_add (caps, NULL);
  g_strfreev (id->capabilities);
  id->capabilities = g_strdupv ((char **)caps->pdata);
}

static void
on_probe_status (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = aether_http_get_json_finish (result, &error);
  AetherDeviceIdentity *id = g_object_steal_data (G_OBJECT (task), "identity");

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      aether_device_identity_free (id);
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, "%s sent a status that is not an object", c->name);
      return;
    }

  describe_gen2 (json_node_get_object (root), id);
  g_task_return_pointer (task, id, (GDestroyNotify)aether_device_identity_free);
}

static void
on_identity (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Call *c = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr(JsonNode) root = aether_http_get_json_finish (result, &error);
  JsonObject *shelly;
  AetherDeviceIdentity *id;
  g_autoptr(GPtrArray) caps = NULL;
  const char *mac;

  if (root == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root) ||
      (!json_object_has_member (json_node_get_object (root), "mac") &&
       !json_object_has_member (json_node_get_object (root), "type")))
    {
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                               "%s answered, but not like a Shelly (no mac or type in /shelly)", c->name);
      return;
    }

  shelly = json_node_get_object (root);
  c->gen = generation_of (shelly);
  g_hash_table_replace (c->self->generations, g_strdup (c->host), GINT_TO_POINTER (c->gen));

  if (c->step != 0)
    {
      continue_call (g_steal_pointer (&task));
      return;
    }

  /* Probe: identity only. */
  id = aether_device_identity_new ();
  id->manufacturer = g_strdup ("Shelly");
  id->model = g_strdup (aether_json_get_string_or (shelly, c->gen >= 2 ? "model" : "type", "Shelly"));
  id->firmware_version = g_strdup (aether_json_get_string_or (shelly, c->gen >= 2 ? "ver" : "fw", NULL));
  mac = aether_json_get_string_or (shelly, "mac", NULL);
  if (mac != NULL && strlen (mac) == 12)
    id->mac_address = g_strdup_printf ("%.2s:%.2s:%.2s:%.2s:%.2s:%.2s", mac, mac + 2, mac + 4, mac + 6, mac + 8, mac + 10);
  else
    id->mac_address = g_strdup (mac);
  id->suggested_name = g_strdup (aether_json_get_string_or (shelly, "name", id->model));
  id->suggested_type = g_strdup (json_object_has_member (shelly, "num_emeters") ||
                                 g_strrstr (id->model ? id->model : "", "EM") ? "energy_meter" : "smart_plug");

  caps = g_ptr_array_new ();
  g_ptr_array_add (caps, (gpointer)"power_monitoring");
  g_ptr_array_add (caps, (gpointer)"energy_metering");
  if (aether_json_get_int_or (shelly, "num_outputs", c->gen >= 2 ? 1 : 0) > 0)
    g_ptr_array_add (caps, (gpointer)"on_off_control");
  g_ptr_array_add (caps, NULL);
  g_strfreev (id->capabilities);
  id->capabilities = g_strdupv ((char **)caps->pdata);
  id->n_channels = (guint)MAX (1, MAX (aether_json_get_int_or (shelly, "num_meters", 1),
                                       aether_json_get_int_or (shelly, "num_emeters", 1)));

  if (aether_json_get_boolean_or (shelly, c->gen >= 2 ? "auth_en" : "auth", FALSE) &&
      (c->password == NULL || *c->password == '\0'))
    {
      aether_device_identity_free (id);
      g_task_return_new_error (task, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED,
                               "%s is protected with a password: enter the one set under Settings → Authentication",
                               c->name);
      return;
    }

  /* /shelly of Plus and Pro devices does not say how many outputs or
   * meters there are; their status does. */
  if (c->gen >= 2)
    {
      g_object_set_data_full (G_OBJECT (task), "identity", id, (GDestroyNotify)aether_device_identity_free);
      get (c, g_steal_pointer (&task), "/rpc/Shelly.GetStatus", on_probe_status);
      return;
    }

  g_task_return_pointer (task, id, (GDestroyNotify)aether_device_identity_free);
}

static void
begin (ShellyProvider      *self,
       JsonObject          *config,
       int                  step,
       guint                channel,
       gboolean             on,
       GCancellable        *cancellable,
       GAsyncReadyCallback  callback,
       gpointer             user_data,
       gpointer             tag)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(GError) error = NULL;
  Call *c;

  g_task_set_source_tag (task, tag);
  if (!(c = call_new (self, config, &error)))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  c->step = step;
  c->channel = channel;
  c->on = on;
  g_task_set_task_data (task, c, call_free);

  if (step != 0 && c->gen != 0)
    continue_call (g_steal_pointer (&task));
  else
    get (c, g_steal_pointer (&task), "/shelly", on_identity);
}

static void
shelly_probe_async (AetherDeviceProvider *provider, JsonObject *config, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  begin (SHELLY_PROVIDER (provider), config, 0, 0, FALSE, cancellable, callback, user_data, shelly_probe_async);
}

static AetherDeviceIdentity *
shelly_probe_finish (AetherDeviceProvider *provider, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
shelly_poll_async (AetherDeviceProvider *provider, JsonObject *config, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  begin (SHELLY_PROVIDER (provider), config, 1, 0, FALSE, cancellable, callback, user_data, shelly_poll_async);
}

static GArray *
shelly_poll_finish (AetherDeviceProvider *provider, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
shelly_set_state_async (AetherDeviceProvider *provider, JsonObject *config, guint channel, gboolean on,
                        GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  begin (SHELLY_PROVIDER (provider), config, 2, channel, on, cancellable, callback, user_data, shelly_set_state_async);
}

static gboolean
shelly_set_state_finish (AetherDeviceProvider *provider, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
is_shelly (const AetherMdnsService *service)
{
  /* Plus, Pro and later announce _shelly._tcp; the first generation only
   * _http._tcp, under its host name (shellyplug-s-C38EAB). */
  return g_str_equal (service->type, "_shelly._tcp") || g_ascii_strncasecmp (service->name, "shelly", 6) == 0;
}

static void
shelly_discover_async (AetherDeviceProvider *provider, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  static const char * const types[] = { "_shelly._tcp", "_http._tcp", NULL };

  aether_mdns_discover_async (provider, types, is_shelly, "shelly", 80, cancellable, callback, user_data);
}

static GPtrArray *
shelly_discover_finish (AetherDeviceProvider *provider, GAsyncResult *result, GError **error)
{
  return aether_mdns_discover_finish (result, error);
}

static void
provider_iface_init (AetherDeviceProviderInterface *iface)
{
  iface->get_config_fields = shelly_get_config_fields;
  iface->probe_async = shelly_probe_async;
  iface->probe_finish = shelly_probe_finish;
  iface->poll_async = shelly_poll_async;
  iface->poll_finish = shelly_poll_finish;
  iface->set_state_async = shelly_set_state_async;
  iface->set_state_finish = shelly_set_state_finish;
  iface->discover_async = shelly_discover_async;
  iface->discover_finish = shelly_discover_finish;
}

static void
shelly_provider_finalize (GObject *object)
{
  g_clear_pointer (&SHELLY_PROVIDER (object)->generations, g_hash_table_unref);
  G_OBJECT_CLASS (shelly_provider_parent_class)->finalize (object);
}

static void
shelly_provider_class_init (ShellyProviderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = shelly_provider_finalize;
}

static void
shelly_provider_class_finalize (ShellyProviderClass *klass)
{
}

static void
shelly_provider_init (ShellyProvider *self)
{
  self->generations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}
