/* aether-service-feeds.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Price and carbon feeds fetched on a timer. A stored version whose
 * `rate_structure.price_feed` (or `carbon_feed`) names a `url` is fetched
 * when the service starts and every `refresh_minutes` (60 unless said,
 * never more often than every 5), and what came back goes into the version
 * through aether_rates_apply_feed(), as `rates import-feed` does with a
 * file. A feed that fails (the server away, a reply that does not parse)
 * is tried again at the next refresh and said in the log and in
 * aether_service_get_feed_error(); prices already stored stay. Storing a
 * feed reloads the tariff, which asks this file again which feeds there
 * are: a feed whose address, format and refresh did not change keeps its
 * timer, so a fetch never causes another. */

#define G_LOG_DOMAIN "aether-service"

#include "config.h"

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "aether-rates.h"
#include "aether-service-private.h"
#include "tariff/aether-price-feed.h"

/* A reply larger than this is not a day of prices. */
#define MAX_FEED_BYTES (16 * 1024 * 1024)

typedef struct
{
  AetherServiceFeeds *feeds;
  char  *key;              /* rate_id, then "prices" or "carbon" */
  char  *rate_id;
  char  *url;
  char  *format;
  char  *field;
  guint  refresh_s;
  guint  timer_id;
  char  *last_error;
  GCancellable *cancellable;
} Feed;

struct _AetherServiceFeeds
{
  AetherService *service;   /* unowned: it owns us */
  AetherClock   *clock;
  SoupSession   *session;
  GHashTable    *feeds;     /* key → Feed */
  gboolean       started;
};

static void
feed_free (Feed *feed)
{
  if (feed->timer_id != 0)
    aether_clock_remove_timeout (feed->feeds->clock, feed->timer_id);
  g_cancellable_cancel (feed->cancellable);
  g_clear_object (&feed->cancellable);
  g_free (feed->key);
  g_free (feed->rate_id);
  g_free (feed->url);
  g_free (feed->format);
  g_free (feed->field);
  g_free (feed->last_error);
  g_free (feed);
}

AetherServiceFeeds *
_aether_service_feeds_new (AetherService *service,
                           AetherClock   *clock)
{
  AetherServiceFeeds *feeds = g_new0 (AetherServiceFeeds, 1);

  feeds->service = service;
  feeds->clock = g_object_ref (clock);
  feeds->session = soup_session_new_with_options ("timeout", 30, "user-agent", "AetherLens", NULL);
  feeds->feeds = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)feed_free);
  return feeds;
}

void
_aether_service_feeds_free (AetherServiceFeeds *feeds)
{
  if (feeds == NULL)
    return;
  g_hash_table_unref (feeds->feeds);
  g_object_unref (feeds->session);
  g_object_unref (feeds->clock);
  g_free (feeds);
}

static void
set_error (Feed       *feed,
           const char *message)
{
  g_free (feed->last_error);
  feed->last_error = g_strdup (message);
  if (message != NULL)
    g_message ("Feed %s for rate schedule %s: %s", feed->url, feed->rate_id, message);
}

static void
fetched (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Feed *feed = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  AetherService *service;
  gsize length = 0;
  const char *data;
  guint n = 0;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;   /* the feed is gone: @feed with it */

  service = feed->feeds->service;
  if (body == NULL)
    {
      set_error (feed, error->message);
      return;
    }
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    {
      g_autofree char *message = g_strdup_printf (_("the server answered %u %s"), soup_message_get_status (msg),
                                                  soup_message_get_reason_phrase (msg));
      set_error (feed, message);
      return;
    }
  data = g_bytes_get_data (body, &length);
  if (length == 0 || length > MAX_FEED_BYTES)
    {
      set_error (feed, length == 0 ? _("the reply is empty") : _("the reply is too large to be a price feed"));
      return;
    }
  /* The feed is parsed whole into a copy: a NUL-terminated one. */
  {
    g_autofree char *text = g_strndup (data, length);

    if (!aether_rates_apply_feed (aether_service_get_store (service), feed->rate_id, text, length, feed->format,
                                  feed->field, aether_clock_now_us (feed->feeds->clock), &n, &error))
      {
        set_error (feed, error->message);
        return;
      }
  }
  set_error (feed, NULL);
  g_debug ("Feed %s: %u intervals stored in %s", feed->url, n, feed->rate_id);
  /* May replace the table this feed is in; nothing of @feed is used after. */
  _aether_service_tariff_changed (service);
}

static void
fetch (Feed *feed)
{
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", feed->url);

  if (msg == NULL)
    {
      set_error (feed, _("the address is not a web address"));
      return;
    }
  g_cancellable_cancel (feed->cancellable);
  g_clear_object (&feed->cancellable);
  feed->cancellable = g_cancellable_new ();
  soup_session_send_and_read_async (feed->feeds->session, msg, G_PRIORITY_DEFAULT, feed->cancellable, fetched, feed);
}

static gboolean
refresh (gpointer user_data)
{
  fetch (user_data);
  return G_SOURCE_CONTINUE;
}

static void
arm (AetherServiceFeeds *feeds,
     Feed               *feed)
{
  if (feed->timer_id == 0)
    feed->timer_id = aether_clock_add_timeout (feeds->clock, feed->refresh_s * 1000, refresh, feed, NULL);
  fetch (feed);
}

static void
want (GHashTable *wanted,
      const char *rate_id,
      const char *kind,
      JsonObject *config)
{
  const char *url = config ? json_object_get_string_member_with_default (config, "url", NULL) : NULL;
  const char *format = config ? json_object_get_string_member_with_default (config, "format", NULL) : NULL;
  JsonNode *minutes = config ? json_object_get_member (config, "refresh_minutes") : NULL;
  Feed *feed;

  if (url == NULL || *url == '\0')
    return;
  feed = g_new0 (Feed, 1);
  feed->key = g_strdup_printf ("%s\x1f%s", rate_id, kind);
  feed->rate_id = g_strdup (rate_id);
  feed->url = g_strdup (url);
  /* A carbon feed is a carbon feed whatever its content looks like. */
  feed->format = g_strdup (format ? format : g_str_equal (kind, "carbon") ? "uk_carbon_intensity" : NULL);
  feed->field = g_strdup (config ? json_object_get_string_member_with_default (config, "field", NULL) : NULL);
  feed->refresh_s = 3600;
  if (minutes != NULL && JSON_NODE_HOLDS_VALUE (minutes) &&
      (json_node_get_value_type (minutes) == G_TYPE_INT64 || json_node_get_value_type (minutes) == G_TYPE_DOUBLE))
    feed->refresh_s = (guint)CLAMP (json_node_get_double (minutes), 5, 7 * 1440) * 60;
  g_hash_table_replace (wanted, feed->key, feed);
}

static gboolean
same (Feed *a,
      Feed *b)
{
  return g_strcmp0 (a->url, b->url) == 0 && g_strcmp0 (a->format, b->format) == 0 &&
         g_strcmp0 (a->field, b->field) == 0 && a->refresh_s == b->refresh_s;
}

/* The feeds the stored versions name, with their timers: new ones start,
 * changed ones start over, unchanged ones are left alone. */
void
_aether_service_feeds_sync (AetherServiceFeeds *feeds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) schedules = aether_store_list_rate_schedules (aether_service_get_store (feeds->service), &error);
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify)feed_free);
  GHashTableIter iter;
  Feed *feed;

  if (schedules == NULL)
    return;

  for (guint i = 0; i < schedules->len; i++)
    {
      JsonObject *o = json_node_get_object (g_ptr_array_index (schedules, i));
      const char *rate_id = json_object_get_string_member_with_default (o, "rate_id", NULL);
      JsonNode *structure = json_object_get_member (o, "rate_structure");
      JsonNode *price_feed = structure && JSON_NODE_HOLDS_OBJECT (structure)
                               ? json_object_get_member (json_node_get_object (structure), "price_feed") : NULL;
      JsonNode *carbon_feed = json_object_get_member (o, "carbon_feed");

      if (rate_id == NULL)
        continue;
      if (price_feed != NULL && JSON_NODE_HOLDS_OBJECT (price_feed))
        want (wanted, rate_id, "prices", json_node_get_object (price_feed));
      if (carbon_feed != NULL && JSON_NODE_HOLDS_OBJECT (carbon_feed))
        want (wanted, rate_id, "carbon", json_node_get_object (carbon_feed));
    }

  /* Gone or changed: stop. */
  g_hash_table_iter_init (&iter, feeds->feeds);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&feed))
    {
      Feed *next = g_hash_table_lookup (wanted, feed->key);

      if (next == NULL || !same (feed, next))
        g_hash_table_iter_remove (&iter);
      else
        g_hash_table_remove (wanted, feed->key);
    }

  /* New or changed: start. */
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&feed))
    {
      g_hash_table_iter_steal (&iter);
      feed->feeds = feeds;
      g_hash_table_insert (feeds->feeds, feed->key, feed);
      if (feeds->started)
        arm (feeds, feed);
    }
}

void
_aether_service_feeds_start (AetherServiceFeeds *feeds)
{
  GHashTableIter iter;
  Feed *feed;

  feeds->started = TRUE;
  _aether_service_feeds_sync (feeds);
  g_hash_table_iter_init (&iter, feeds->feeds);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *)&feed))
    arm (feeds, feed);
}

void
_aether_service_feeds_stop (AetherServiceFeeds *feeds)
{
  feeds->started = FALSE;
  g_hash_table_remove_all (feeds->feeds);
}

/**
 * aether_service_get_feed_error:
 * @self: a service
 * @rate_id: a stored version
 *
 * Returns: (nullable): why the last fetch of its price (or carbon) feed
 *   failed, or %NULL when it worked or has not run
 */
const char *
aether_service_get_feed_error (AetherService *self,
                               const char    *rate_id)
{
  AetherServiceFeeds *feeds = _aether_service_get_feeds (self);
  const char *kinds[] = { "prices", "carbon" };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *key = g_strdup_printf ("%s\x1f%s", rate_id, kinds[i]);
      Feed *feed = g_hash_table_lookup (feeds->feeds, key);

      if (feed != NULL && feed->last_error != NULL)
        return feed->last_error;
    }
  return NULL;
}
