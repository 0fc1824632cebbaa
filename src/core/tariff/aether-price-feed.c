/* aether-price-feed.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Prices and carbon intensities per interval, as the services publish them:
 *
 *   octopus_agile        Octopus Energy's unit rates: `results[]` of
 *                        {value_inc_vat, value_exc_vat, valid_from, valid_to}
 *                        in pence per kWh, newest first;
 *   nordpool             Nord Pool day-ahead prices (the Expektra feed):
 *                        `data[]` of {utc, value} in currency per MWh, the
 *                        values as strings, hourly;
 *   entsoe               ENTSO-E Transparency day-ahead prices: a
 *                        Publication_MarketDocument of TimeSeries/Period
 *                        with a resolution and Points, currency per MWh;
 *   uk_carbon_intensity  National Grid ESO's Carbon Intensity API: `data[]`
 *                        of {from, to, intensity {actual, forecast}} in g/kWh.
 *
 * Every price becomes currency per kWh; negative prices are kept (they are
 * real: paid to use power when the wind blows). The slots go into the
 * stored schedule (its `rate_structure.prices` or `carbon_intensity_feed`),
 * replacing what the feed covers and keeping the rest. */

#define G_LOG_DOMAIN "aether-price-feed"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "aether-error.h"
#include "aether-price-feed.h"
#include "aether-reading.h"

static gboolean
parse_time (const char *text,
            gint64     *unix_s)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *with_seconds = NULL;

  if (text == NULL)
    return FALSE;
  dt = g_date_time_new_from_iso8601 (text, NULL);
  /* The Carbon Intensity API writes minutes only: 2020-05-24T20:30Z. */
  if (dt == NULL && strlen (text) == 17 && text[16] == 'Z')
    {
      with_seconds = g_strdup_printf ("%.16s:00Z", text);
      dt = g_date_time_new_from_iso8601 (with_seconds, NULL);
    }
  if (dt == NULL)
    return FALSE;
  *unix_s = g_date_time_to_unix (dt);
  return TRUE;
}

static gboolean
number_member (JsonObject *o,
               const char *member,
               double     *value)
{
  JsonNode *node = o ? json_object_get_member (o, member) : NULL;
  char *end = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    {
      /* Nord Pool's values are strings: "38.04". */
      *value = g_ascii_strtod (json_node_get_string (node), &end);
      return end != NULL && end != json_node_get_string (node) && *end == '\0' && isfinite (*value);
    }
  if (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE)
    return FALSE;
  *value = json_node_get_double (node);
  return isfinite (*value);
}

static int
compare_slots (gconstpointer a,
               gconstpointer b)
{
  const AetherFeedSlot *x = a, *y = b;

  return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static gboolean
bad_entry (GError    **error,
           const char *format,
           guint       index,
           const char *what)
{
  g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("%s feed, entry %u: %s"), format, index + 1, what);
  return FALSE;
}

static gboolean
parse_agile (JsonObject  *root,
             const char  *field,
             GArray      *slots,
             GError     **error)
{
  JsonNode *results = json_object_get_member (root, "results");

  if (results == NULL || !JSON_NODE_HOLDS_ARRAY (results))
    return bad_entry (error, "Octopus Agile", 0, _("there is no “results” list"));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (results)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (results), i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      AetherFeedSlot slot;
      double pence;

      if (o == NULL ||
          !parse_time (json_object_get_string_member_with_default (o, "valid_from", NULL), &slot.start_s) ||
          !parse_time (json_object_get_string_member_with_default (o, "valid_to", NULL), &slot.end_s))
        return bad_entry (error, "Octopus Agile", i, _("valid_from and valid_to must be ISO 8601 times"));
      if (!number_member (o, field ? field : "value_inc_vat", &pence))
        return bad_entry (error, "Octopus Agile", i, _("the price is missing or not a number"));
      slot.value = pence / 100.0;   /* p/kWh to £/kWh */
      g_array_append_val (slots, slot);
    }
  return TRUE;
}

static gboolean
parse_nordpool (JsonObject  *root,
                GArray      *slots,
                char       **currency,
                GError     **error)
{
  JsonNode *data = json_object_get_member (root, "data");
  const char *unit = json_object_get_string_member_with_default (root, "unit", "EUR/MWh");
  g_auto(GStrv) parts = g_strsplit (unit, "/", 2);
  double per_kwh;

  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
    return bad_entry (error, "Nord Pool", 0, _("there is no “data” list"));
  if (parts[0] == NULL || parts[1] == NULL)
    return bad_entry (error, "Nord Pool", 0, _("the unit is not CURRENCY/MWh"));
  if (g_ascii_strcasecmp (parts[1], "MWh") == 0)
    per_kwh = 1000.0;
  else if (g_ascii_strcasecmp (parts[1], "kWh") == 0)
    per_kwh = 1.0;
  else
    return bad_entry (error, "Nord Pool", 0, _("the unit is not per MWh or per kWh"));
  *currency = g_strdup (parts[0]);

  for (guint i = 0; i < json_array_get_length (json_node_get_array (data)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (data), i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      AetherFeedSlot slot;
      double price;

      if (o == NULL || !parse_time (json_object_get_string_member_with_default (o, "utc", NULL), &slot.start_s))
        return bad_entry (error, "Nord Pool", i, _("utc must be an ISO 8601 time"));
      if (!number_member (o, "value", &price))
        return bad_entry (error, "Nord Pool", i, _("the price is missing or not a number"));
      slot.end_s = slot.start_s + 3600;   /* day-ahead prices are hourly */
      slot.value = price / per_kwh;
      g_array_append_val (slots, slot);
    }
  return TRUE;
}

static gboolean
parse_carbon (JsonObject  *root,
              GArray      *slots,
              GError     **error)
{
  JsonNode *data = json_object_get_member (root, "data");

  if (data == NULL || !JSON_NODE_HOLDS_ARRAY (data))
    return bad_entry (error, "Carbon Intensity", 0, _("there is no “data” list"));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (data)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (data), i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *intensity = o ? json_object_get_member (o, "intensity") : NULL;
      AetherFeedSlot slot;

      if (o == NULL || !parse_time (json_object_get_string_member_with_default (o, "from", NULL), &slot.start_s) ||
          !parse_time (json_object_get_string_member_with_default (o, "to", NULL), &slot.end_s))
        return bad_entry (error, "Carbon Intensity", i, _("from and to must be ISO 8601 times"));
      /* What was measured, where it is known yet; else the forecast. */
      if (intensity == NULL || !JSON_NODE_HOLDS_OBJECT (intensity) ||
          (!number_member (json_node_get_object (intensity), "actual", &slot.value) &&
           !number_member (json_node_get_object (intensity), "forecast", &slot.value)) ||
          slot.value < 0)
        return bad_entry (error, "Carbon Intensity", i, _("it has neither an actual nor a forecast intensity"));
      g_array_append_val (slots, slot);
    }
  return TRUE;
}

/* ENTSO-E's ISO 8601 durations: PT15M, PT30M, PT60M, P1D. */
static gint64
resolution_s (const char *text)
{
  int n;
  char unit, tail;

  if (text == NULL)
    return 0;
  if (sscanf (text, "PT%d%c%c", &n, &unit, &tail) == 2 && n > 0)
    return unit == 'M' ? n * 60 : unit == 'H' ? n * 3600 : 0;
  if (sscanf (text, "P%d%c%c", &n, &unit, &tail) == 2 && n > 0 && unit == 'D')
    return n * 86400;
  return 0;
}

static xmlNode *
xml_child (xmlNode    *node,
           const char *name)
{
  for (xmlNode *c = node ? node->children : NULL; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && g_str_equal ((const char *)c->name, name))
      return c;
  return NULL;
}

static char *
xml_text (xmlNode *node)
{
  xmlChar *content;
  char *text;

  if (node == NULL)
    return NULL;
  content = xmlNodeGetContent (node);
  text = g_strstrip (g_strdup ((const char *)content));
  xmlFree (content);
  return text;
}

static gboolean
parse_entsoe (const char  *data,
              gsize        length,
              GArray      *slots,
              char       **currency,
              GError     **error)
{
  xmlDocPtr doc;
  xmlNode *root;
  gboolean ok = TRUE;
  guint index = 0;

  if (length > G_MAXINT ||
      !(doc = xmlReadMemory (data, (int)length, "entsoe.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)))
    return bad_entry (error, "ENTSO-E", 0, _("not XML"));
  root = xmlDocGetRootElement (doc);
  if (root == NULL || !g_str_equal ((const char *)root->name, "Publication_MarketDocument"))
    {
      xmlFreeDoc (doc);
      return bad_entry (error, "ENTSO-E", 0, _("not a Publication_MarketDocument"));
    }

  for (xmlNode *ts = root->children; ok && ts; ts = ts->next)
    {
      g_autofree char *unit_currency = NULL;
      g_autofree char *measure = NULL;
      double per_kwh;

      if (ts->type != XML_ELEMENT_NODE || !g_str_equal ((const char *)ts->name, "TimeSeries"))
        continue;
      unit_currency = xml_text (xml_child (ts, "currency_Unit.name"));
      measure = xml_text (xml_child (ts, "price_Measure_Unit.name"));
      per_kwh = measure && g_ascii_strcasecmp (measure, "KWH") == 0 ? 1.0 : 1000.0;
      if (unit_currency != NULL && *currency == NULL)
        *currency = g_strdup (unit_currency);

      for (xmlNode *period = ts->children; ok && period; period = period->next)
        {
          xmlNode *interval = xml_child (period, "timeInterval");
          g_autofree char *start_text = xml_text (xml_child (interval, "start"));
          g_autofree char *end_text = xml_text (xml_child (interval, "end"));
          g_autofree char *resolution = xml_text (xml_child (period, "resolution"));
          gint64 start, end, step = resolution_s (resolution);

          if (period->type != XML_ELEMENT_NODE || !g_str_equal ((const char *)period->name, "Period"))
            continue;
          if (!parse_time (start_text, &start) || !parse_time (end_text, &end) || step <= 0)
            {
              ok = bad_entry (error, "ENTSO-E", index, _("a Period needs a timeInterval and a resolution"));
              break;
            }
          for (xmlNode *point = period->children; point; point = point->next)
            {
              g_autofree char *position_text = NULL;
              g_autofree char *price_text = NULL;
              AetherFeedSlot slot;
              gint64 position;
              char *tail = NULL;

              if (point->type != XML_ELEMENT_NODE || !g_str_equal ((const char *)point->name, "Point"))
                continue;
              position_text = xml_text (xml_child (point, "position"));
              price_text = xml_text (xml_child (point, "price.amount"));
              position = position_text ? g_ascii_strtoll (position_text, NULL, 10) : 0;
              slot.value = price_text ? g_ascii_strtod (price_text, &tail) : NAN;
              if (position < 1 || tail == NULL || *tail != '\0' || !isfinite (slot.value))
                {
                  ok = bad_entry (error, "ENTSO-E", index, _("a Point needs a position and a price.amount"));
                  break;
                }
              slot.start_s = start + (position - 1) * step;
              slot.end_s = MIN (slot.start_s + step, end);
              slot.value /= per_kwh;
              if (slot.start_s < end)
                g_array_append_val (slots, slot);
              index++;
            }
        }
    }

  xmlFreeDoc (doc);
  return ok;
}

/**
 * aether_price_feed_detect:
 * @data: a feed
 * @length: its length
 *
 * Returns: (nullable): the format the feed is in, or %NULL
 */
const char *
aether_price_feed_detect (const char *data,
                          gsize       length)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *root = NULL;

  if (length > 0 && data[0] != '<' && json_parser_load_from_data (parser, data, (gssize)length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_get_object (json_parser_get_root (parser));

  if (root == NULL)
    return length > 0 && g_strstr_len (data, MIN (length, 4096), "Publication_MarketDocument") ? "entsoe" : NULL;
  if (json_object_has_member (root, "results"))
    return "octopus_agile";
  if (json_object_has_member (root, "data"))
    {
      JsonNode *list = json_object_get_member (root, "data");

      if (JSON_NODE_HOLDS_ARRAY (list) && json_array_get_length (json_node_get_array (list)) > 0)
        {
          JsonNode *first = json_array_get_element (json_node_get_array (list), 0);

          if (JSON_NODE_HOLDS_OBJECT (first) && json_object_has_member (json_node_get_object (first), "intensity"))
            return "uk_carbon_intensity";
          if (JSON_NODE_HOLDS_OBJECT (first) && json_object_has_member (json_node_get_object (first), "utc"))
            return "nordpool";
        }
    }
  return NULL;
}

/**
 * aether_price_feed_is_carbon:
 * @format: a feed format
 *
 * Returns: whether it gives carbon intensities rather than prices
 */
gboolean
aether_price_feed_is_carbon (const char *format)
{
  return g_strcmp0 (format, "uk_carbon_intensity") == 0;
}

/**
 * aether_price_feed_parse:
 * @data: what the service answered (or the file)
 * @length: its length
 * @format: (nullable): `octopus_agile`, `nordpool`, `entsoe` or
 *   `uk_carbon_intensity`; %NULL to tell from the content
 * @field: (nullable): which price of an Agile entry (`value_inc_vat`, the
 *   default, or `value_exc_vat`)
 * @currency: (out) (optional) (transfer full): the currency its prices are
 *   in, when the feed says (`GBP` for Agile), else %NULL
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (element-type AetherFeedSlot): the intervals in
 *   time order, or %NULL with @error naming the entry that is wrong
 */
GArray *
aether_price_feed_parse (const char  *data,
                         gsize        length,
                         const char  *format,
                         const char  *field,
                         char       **currency,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GArray) slots = g_array_new (FALSE, FALSE, sizeof (AetherFeedSlot));
  g_autofree char *found_currency = NULL;
  JsonObject *root = NULL;
  gboolean ok;

  if (length > 0 && data[0] != '<' && json_parser_load_from_data (parser, data, (gssize)length, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_get_object (json_parser_get_root (parser));

  if (format == NULL && (format = aether_price_feed_detect (data, length)) == NULL)
    {
      g_set_error_literal (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                           _("This is not a price or carbon feed AetherLens reads (Octopus Agile, Nord Pool, "
                             "ENTSO-E, UK Carbon Intensity)"));
      return NULL;
    }

  if (g_str_equal (format, "entsoe"))
    ok = parse_entsoe (data, length, slots, &found_currency, error);
  else if (root == NULL)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("The %s feed is not a JSON object"), format);
      return NULL;
    }
  else if (g_str_equal (format, "octopus_agile"))
    {
      ok = parse_agile (root, field, slots, error);
      found_currency = g_strdup ("GBP");
    }
  else if (g_str_equal (format, "nordpool"))
    ok = parse_nordpool (root, slots, &found_currency, error);
  else if (g_str_equal (format, "uk_carbon_intensity"))
    ok = parse_carbon (root, slots, error);
  else
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a feed format (octopus_agile, nordpool, entsoe, uk_carbon_intensity)"), format);
      return NULL;
    }
  if (!ok)
    return NULL;
  if (slots->len == 0)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("The %s feed has no intervals"), format);
      return NULL;
    }

  g_array_sort (slots, compare_slots);
  for (guint i = 0; i < slots->len; i++)
    {
      AetherFeedSlot *slot = &g_array_index (slots, AetherFeedSlot, i);

      if (slot->end_s <= slot->start_s ||
          (i > 0 && slot->start_s < g_array_index (slots, AetherFeedSlot, i - 1).end_s))
        {
          g_autofree char *when = aether_format_timestamp (slot->start_s * G_USEC_PER_SEC);

          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       _("The %s feed’s intervals overlap or end before they start at %s"), format, when);
          return NULL;
        }
    }

  if (currency != NULL)
    *currency = g_steal_pointer (&found_currency);
  return g_steal_pointer (&slots);
}

static gint64
entry_time (JsonObject *o,
            const char *member)
{
  gint64 us;
  JsonNode *node = json_object_get_member (o, member);

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      aether_parse_timestamp (json_node_get_string (node), &us, NULL))
    return us / G_USEC_PER_SEC;
  return G_MININT64;
}

/**
 * aether_price_feed_merge:
 * @schedule: a stored schedule (a dynamic one, for prices)
 * @format: the feed's format
 * @slots: (element-type AetherFeedSlot): what the feed gave
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): a copy of @schedule with the feed's
 *   intervals in place of the ones they cover, the others kept
 */
JsonNode *
aether_price_feed_merge (JsonNode    *schedule,
                         const char  *format,
                         GArray      *slots,
                         GError     **error)
{
  g_autoptr(JsonNode) copy = json_node_copy (schedule);
  JsonObject *object = json_node_get_object (copy);
  gboolean carbon = aether_price_feed_is_carbon (format);
  const char *value_member = carbon ? "g_per_kwh" : "rate";
  JsonObject *holder;
  JsonNode *list_node;
  JsonArray *old, *merged;
  gint64 from, to;

  g_return_val_if_fail (slots != NULL && slots->len > 0, NULL);

  from = g_array_index (slots, AetherFeedSlot, 0).start_s;
  to = g_array_index (slots, AetherFeedSlot, slots->len - 1).end_s;

  if (carbon)
    holder = object;
  else
    {
      JsonNode *structure = json_object_get_member (object, "rate_structure");

      if (structure == NULL || !JSON_NODE_HOLDS_OBJECT (structure) ||
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (structure), "type", NULL),
                     "dynamic") != 0)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT,
                       _("Rate schedule “%s” is not dynamic (rate_structure.type “dynamic”): its prices do not "
                         "come from a feed"),
                       json_object_get_string_member_with_default (object, "rate_id", "?"));
          return NULL;
        }
      holder = json_node_get_object (structure);
    }

  list_node = json_object_get_member (holder, carbon ? "carbon_intensity_feed" : "prices");
  old = list_node && JSON_NODE_HOLDS_ARRAY (list_node) ? json_node_get_array (list_node) : NULL;
  merged = json_array_new ();

  /* What the feed does not cover stays, before and after it. */
  for (guint pass = 0; pass < 2; pass++)
    {
      if (pass == 1)
        for (guint i = 0; i < slots->len; i++)
          {
            AetherFeedSlot *slot = &g_array_index (slots, AetherFeedSlot, i);
            JsonObject *entry = json_object_new ();
            g_autofree char *start = aether_format_timestamp (slot->start_s * G_USEC_PER_SEC);
            g_autofree char *end = aether_format_timestamp (slot->end_s * G_USEC_PER_SEC);

            json_object_set_string_member (entry, "start", start);
            json_object_set_string_member (entry, "end", end);
            /* To a millionth, as every stored price. */
            json_object_set_double_member (entry, value_member, round (slot->value * 1e6) / 1e6);
            json_array_add_object_element (merged, entry);
          }
      for (guint i = 0; old != NULL && i < json_array_get_length (old); i++)
        {
          JsonNode *node = json_array_get_element (old, i);
          gint64 start, end;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          start = entry_time (json_node_get_object (node), "start");
          end = entry_time (json_node_get_object (node), "end");
          if ((pass == 0 && end <= from && end != G_MININT64) || (pass == 1 && start >= to))
            json_array_add_element (merged, json_node_copy (node));
        }
    }

  json_object_set_array_member (holder, carbon ? "carbon_intensity_feed" : "prices", merged);
  return g_steal_pointer (&copy);
}
