/* aether-sink-influxdb.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* InfluxDB through its line protocol over HTTP, in the seed's shape:
 * measurement `device_metrics`, tags device_id, room, device_type and
 * metric_type, fields value and quality_score (1: the store keeps only
 * readings that passed the collector's checks), nanosecond timestamps.
 * Version 1 is written at `/write?db=` (the database is created when the
 * server says it is missing), version 2 at `/api/v2/write?org=&bucket=`;
 * version 2 takes `Authorization: Token …`, version 1 a `user:password`
 * (Basic, which every 1.x knows) or a token. InfluxDB
 * keeps one point per series and time, so a batch sent twice is stored
 * once. */

#define G_LOG_DOMAIN "aether-sinks"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>
#include <string.h>

#include "aether-error.h"
#include "model/aether-json.h"
#include "store/aether-store-private.h"
#include "aether-sink-private.h"

#define TIMEOUT_S 30

/* Tag values escape commas, equals signs and spaces; a line break cannot
 * be written at all and becomes a space. */
static void
append_tag (GString    *out,
            const char *key,
            const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  g_string_append_c (out, ',');
  g_string_append (out, key);
  g_string_append_c (out, '=');
  for (const char *p = value; *p; p++)
    {
      char c = (*p == '\n' || *p == '\r') ? ' ' : *p;

      if (c == ',' || c == '=' || c == ' ')
        g_string_append_c (out, '\\');
      g_string_append_c (out, c);
    }
  /* A value ending in a backslash would escape what follows: InfluxDB
   * reads it as an escaped space (line protocol has no way to end a tag
   * value with a backslash). */
  if (out->str[out->len - 1] == '\\')
    g_string_append_c (out, ' ');
}

char *
_aether_sink_influxdb_lines (GPtrArray *rows)
{
  GString *out = g_string_sized_new (rows->len * 140);

  for (guint i = 0; i < rows->len; i++)
    {
      AetherOutboxRow *row = g_ptr_array_index (rows, i);
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      if (row->device_id == NULL)
        continue;
      g_string_append (out, "device_metrics");
      append_tag (out, "device_id", row->device_id);
      append_tag (out, "device_type", row->device_type);
      append_tag (out, "metric_type", row->metric_type);
      append_tag (out, "room", row->room);
      g_string_append (out, " value=");
      g_string_append (out, g_ascii_dtostr (number, sizeof number, row->value));
      g_string_append_printf (out, ",quality_score=1 %" G_GINT64_FORMAT "000000\n", row->ts_ms);
    }

  return g_string_free (out, FALSE);
}

typedef struct
{
  SoupSession *session;
  gboolean     created;    /* the database, once */
} Connection;

static void
connection_free (gpointer data)
{
  Connection *connection = data;

  g_clear_object (&connection->session);
  g_free (connection);
}

static char *
trimmed_url (JsonObject *config)
{
  g_autofree char *url = g_strdup (aether_json_get_string_or (config, "url", ""));
  gsize len = strlen (url);

  while (len > 0 && url[len - 1] == '/')
    url[--len] = '\0';
  return g_steal_pointer (&url);
}

/* POSTs @body to @url; the status and what the server said come back. */
static gboolean
post (AetherSinkTarget  *target,
      Connection        *connection,
      const char        *url,
      const char        *body,
      guint             *status,
      char             **answer,
      GError           **error)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) request = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *base = trimmed_url (target->config);

  if (!(msg = soup_message_new ("POST", url)))
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   "“%s” is not a URL of an InfluxDB server", base);
      return FALSE;
    }
  soup_message_set_request_body_from_bytes (msg, "text/plain; charset=utf-8", request);
  if (target->secret != NULL)
    {
      g_autofree char *value = NULL;

      /* InfluxDB 1.x before 1.8 knows only Basic for user:password. */
      if (!aether_json_get_string_or (target->config, "org", NULL) && strchr (target->secret, ':') != NULL)
        {
          g_autofree char *encoded = g_base64_encode ((const guchar *)target->secret, strlen (target->secret));

          value = g_strconcat ("Basic ", encoded, NULL);
        }
      else
        value = g_strconcat ("Token ", target->secret, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  if (!(response = soup_session_send_and_read (connection->session, msg, target->cancellable, &local_error)))
    {
      g_set_error (error, AETHER_ERROR,
                   g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT)
                   ? AETHER_ERROR_TIMED_OUT : AETHER_ERROR_UNREACHABLE,
                   _("InfluxDB at %s could not be reached: %s"), base, local_error->message);
      return FALSE;
    }

  *status = soup_message_get_status (msg);
  {
    gsize size = 0;
    const char *data = g_bytes_get_data (response, &size);

    *answer = g_strndup (data ? data : "", MIN (size, 300));
  }
  g_strstrip (*answer);
  return TRUE;
}

static gboolean
create_database (AetherSinkTarget  *target,
                 Connection        *connection,
                 const char        *base,
                 const char        *database,
                 GError           **error)
{
  g_autofree char *query = g_strdup_printf ("CREATE DATABASE \"%s\"", database);
  g_autofree char *escaped = g_uri_escape_string (query, NULL, FALSE);
  g_autofree char *url = g_strdup_printf ("%s/query?q=%s", base, escaped);
  g_autofree char *answer = NULL;
  guint status = 0;

  if (!post (target, connection, url, "", &status, &answer, error))
    return FALSE;
  if (status != 200)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_FAILED,
                   "InfluxDB at %s could not create the database “%s” (HTTP %u): %s",
                   base, database, status, answer);
      return FALSE;
    }
  g_message ("Created the InfluxDB database “%s” at %s", database, base);
  return TRUE;
}

gboolean
_aether_sink_influxdb_deliver (AetherSinkTarget  *target,
                               GPtrArray         *rows,
                               GError           **error)
{
  Connection *connection = target->connection;
  g_autofree char *base = trimmed_url (target->config);
  g_autofree char *url = NULL;
  g_autofree char *body = NULL;
  const char *database = aether_json_get_string_or (target->config, "database", NULL);
  const char *org = aether_json_get_string_or (target->config, "org", NULL);
  const char *bucket = aether_json_get_string_or (target->config, "bucket", NULL);

  if (connection == NULL)
    {
      connection = g_new0 (Connection, 1);
      connection->session = soup_session_new_with_options ("timeout", TIMEOUT_S, "idle-timeout", 60,
                                                           "user-agent", "AetherLens/" PACKAGE_VERSION, NULL);
      target->connection = connection;
      target->connection_free = connection_free;
    }

  if (org != NULL && bucket != NULL)
    {
      g_autofree char *o = g_uri_escape_string (org, NULL, FALSE);
      g_autofree char *b = g_uri_escape_string (bucket, NULL, FALSE);

      url = g_strdup_printf ("%s/api/v2/write?org=%s&bucket=%s&precision=ns", base, o, b);
    }
  else if (database != NULL)
    {
      g_autofree char *d = g_uri_escape_string (database, NULL, FALSE);

      url = g_strdup_printf ("%s/write?db=%s&precision=ns", base, d);
    }
  else
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   "Sink “%s” names neither a database (InfluxDB 1) nor an org and bucket (InfluxDB 2)",
                   target->name);
      return FALSE;
    }

  body = _aether_sink_influxdb_lines (rows);
  if (*body == '\0')
    return TRUE;

  for (guint attempt = 0; attempt < 2; attempt++)
    {
      g_autofree char *answer = NULL;
      guint status = 0;

      if (!post (target, connection, url, body, &status, &answer, error))
        return FALSE;
      if (status == 204 || status == 200)
        return TRUE;

      if (status == 401 || status == 403)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_AUTH_REQUIRED,
                       target->secret
                       ? _("InfluxDB at %s refused the token (HTTP %u): remove the sink and add it again with the right one")
                       : _("InfluxDB at %s wants a token (HTTP %u): remove the sink and add it again with --token"),
                       base, status);
          return FALSE;
        }
      if (status == 404 && database != NULL && org == NULL && !connection->created &&
          strstr (answer, "database not found") != NULL)
        {
          if (!create_database (target, connection, base, database, error))
            return FALSE;
          connection->created = TRUE;
          continue;
        }

      g_set_error (error, AETHER_ERROR, AETHER_ERROR_FAILED, _("InfluxDB at %s answered HTTP %u: %s"),
                   base, status, *answer ? answer : soup_status_get_phrase (status));
      return FALSE;
    }

  g_set_error (error, AETHER_ERROR, AETHER_ERROR_FAILED, "InfluxDB at %s has no database “%s”", base, database);
  return FALSE;
}
