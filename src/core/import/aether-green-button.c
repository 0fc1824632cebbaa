/* aether-green-button.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Green Button (NAESB ESPI) files, as utilities export them: an Atom feed
 * (or one entry) whose entries hold a UsagePoint, its MeterReadings, each
 * MeterReading's ReadingType and IntervalBlocks, Usage Summaries and
 * LocalTimeParameters. What belongs to what is said by the Atom links
 * (`self`, `up`, `related`), never by the order of the entries; real files
 * put the namespaces every way XML allows (a default namespace on each
 * element, `espi:`, `ns0:`/`ns1:`, `atom:`/`ns:`), so elements are matched
 * by namespace and local name with a namespace-aware parser. A file that is
 * not namespace-well-formed is refused: a prefix that was never declared
 * means the file was cut out of a larger one, and guessing what it meant is
 * how numbers go wrong.
 *
 * Values are `value` × 10^`powerOfTenMultiplier` in the ReadingType's
 * `uom`; costs and bills are in hundred-thousandths of the currency. */

#define G_LOG_DOMAIN "aether-green-button"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "aether-error.h"
#include "aether-green-button.h"

#define ATOM_NS "http://www.w3.org/2005/Atom"
#define ESPI_NS "http://naesb.org/espi"

/* Costs in ESPI are in 1/100 000 of the currency. */
#define COST_SCALE 1e-5

static void
set_str (char       **slot,
         const char  *value)
{
  g_free (*slot);
  *slot = g_strdup (value);
}

typedef struct
{
  char *self;
  char *up;
  char *title;
  GPtrArray *related;
  xmlNode *resource;            /* the first ESPI element of the content */
  xmlNode *content;
  const char *foreign;          /* the content's element in another namespace */
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->self);
  g_free (entry->up);
  g_free (entry->title);
  g_ptr_array_unref (entry->related);
  g_free (entry);
}

static gboolean
is_element (xmlNode    *node,
            const char *ns,
            const char *name)
{
  return node != NULL && node->type == XML_ELEMENT_NODE &&
         g_strcmp0 ((const char *)node->name, name) == 0 &&
         node->ns != NULL && g_strcmp0 ((const char *)node->ns->href, ns) == 0;
}

static xmlNode *
child (xmlNode    *node,
       const char *name)
{
  if (node == NULL)
    return NULL;
  for (xmlNode *c = node->children; c; c = c->next)
    if (is_element (c, ESPI_NS, name))
      return c;
  return NULL;
}

static char *
text_of (xmlNode *node)
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

/* A number element, or FALSE when it is missing or not a number. */
static gboolean
number_of (xmlNode    *parent,
           const char *name,
           double     *value)
{
  g_autofree char *text = text_of (child (parent, name));
  char *end = NULL;

  if (text == NULL || *text == '\0')
    return FALSE;
  *value = g_ascii_strtod (text, &end);
  return end != NULL && *end == '\0' && isfinite (*value);
}

static gint64
integer_of (xmlNode    *parent,
            const char *name,
            gint64      fallback)
{
  double v;

  if (!number_of (parent, name, &v) || v != floor (v) || fabs (v) > 1e15)
    return fallback;
  return (gint64)v;
}

static const char *
currency_code (gint64 numeric)
{
  static const struct { int numeric; const char *code; } table[] = {
    { 36, "AUD" }, { 124, "CAD" }, { 156, "CNY" }, { 208, "DKK" }, { 348, "HUF" }, { 356, "INR" },
    { 392, "JPY" }, { 484, "MXN" }, { 554, "NZD" }, { 578, "NOK" }, { 710, "ZAR" }, { 752, "SEK" },
    { 756, "CHF" }, { 826, "GBP" }, { 840, "USD" }, { 978, "EUR" }, { 985, "PLN" }, { 986, "BRL" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    if (table[i].numeric == numeric)
      return table[i].code;
  return NULL;
}

static char *
unit_name (gint64 uom)
{
  switch (uom)
    {
    case 38: return g_strdup ("W");
    case 42: return g_strdup ("m³");
    case 72: return g_strdup ("Wh");
    case 73: return g_strdup ("VArh");
    case 169: return g_strdup ("therm");
    default: return g_strdup_printf ("uom %" G_GINT64_FORMAT, uom);
    }
}

static const char *
commodity_name (gint64 kind)
{
  switch (kind)
    {
    case 0: return "electricity";
    case 1: return "gas";
    case 2: return "water";
    default: return "other";
    }
}

/* ---- LocalTimeParameters ------------------------------------------------ */

/* An ESPI DST rule as a POSIX rule (`M3.2.0/2:00:00`): bits 28–31 month,
 * 25–27 operator, 20–24 day of month, 17–19 day of week (Monday 1 …
 * Sunday 7), 12–16 hour, 0–11 seconds. */
static char *
posix_rule (guint32 rule)
{
  guint month = (rule >> 28) & 0xf;
  guint op = (rule >> 25) & 0x7;
  guint dom = (rule >> 20) & 0x1f;
  guint dow = (rule >> 17) & 0x7;
  guint hour = (rule >> 12) & 0x1f;
  guint seconds = rule & 0xfff;
  guint week;

  if (month < 1 || month > 12 || hour > 23 || seconds > 3599)
    return NULL;

  if (op >= 2)
    week = op == 7 ? 5 : op - 1;   /* the first … fifth, or the last */
  else if (dom >= 1 && dom <= 31)
    week = MIN ((dom - 1) / 7 + 1, 5);   /* on or after a day of the month */
  else
    return NULL;

  if (op == 0 && dom >= 1)
    {
      /* A fixed day: as a day of a non-leap year (POSIX Jn). */
      static const guint before[] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };

      return g_strdup_printf ("J%u/%u:%02u:%02u", before[month - 1] + dom, hour, seconds / 60, seconds % 60);
    }
  if (dow < 1 || dow > 7)
    return NULL;
  return g_strdup_printf ("M%u.%u.%u/%u:%02u:%02u", month, week, dow % 7, hour, seconds / 60, seconds % 60);
}

static char *
posix_offset (gint64 utc_offset_s)
{
  /* POSIX offsets are west-positive. */
  gint64 west = -utc_offset_s;
  gint64 a = ABS (west);

  return g_strdup_printf ("%s%" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT ":%02" G_GINT64_FORMAT,
                          west < 0 ? "-" : "", a / 3600, (a / 60) % 60, a % 60);
}

/**
 * aether_green_button_time_zone:
 * @tz_offset_s: `tzOffset`, seconds east of UTC
 * @dst_offset_s: `dstOffset`, seconds added in summer (0: none)
 * @dst_start_rule: `dstStartRule`
 * @dst_end_rule: `dstEndRule`
 *
 * Returns: (transfer full): the zone LocalTimeParameters describe, with its
 *   summer time rules when it has them
 */
GTimeZone *
aether_green_button_time_zone (gint64  tz_offset_s,
                               gint64  dst_offset_s,
                               guint32 dst_start_rule,
                               guint32 dst_end_rule)
{
  g_autofree char *std = posix_offset (tz_offset_s);
  g_autofree char *dst = posix_offset (tz_offset_s + dst_offset_s);
  g_autofree char *start = dst_offset_s != 0 ? posix_rule (dst_start_rule) : NULL;
  g_autofree char *end = dst_offset_s != 0 ? posix_rule (dst_end_rule) : NULL;
  g_autofree char *identifier = NULL;
  GTimeZone *zone = NULL;

  if (start != NULL && end != NULL)
    {
      identifier = g_strdup_printf ("LST%sLDT%s,%s,%s", std, dst, start, end);
      zone = g_time_zone_new_identifier (identifier);
    }
  if (zone == NULL)
    zone = g_time_zone_new_offset ((gint32)CLAMP (tz_offset_s, -14 * 3600, 14 * 3600));
  return zone;
}

/* ---- The feed ------------------------------------------------------------ */

static void
reading_free (AetherGreenButtonReading *reading)
{
  g_free (reading->href);
  g_free (reading->title);
  g_free (reading->unit);
  g_free (reading->currency);
  g_array_unref (reading->intervals);
  g_free (reading);
}

static void
summary_free (AetherGreenButtonSummary *summary)
{
  g_free (summary->consumption_unit);
  g_free (summary->currency);
  g_free (summary);
}

static void
usage_point_free (AetherGreenButtonUsagePoint *point)
{
  g_free (point->href);
  g_free (point->title);
  g_ptr_array_unref (point->readings);
  g_ptr_array_unref (point->summaries);
  g_clear_pointer (&point->time_zone, g_time_zone_unref);
  g_free (point);
}

/**
 * aether_green_button_feed_free:
 * @feed: (transfer full): a feed
 */
void
aether_green_button_feed_free (AetherGreenButtonFeed *feed)
{
  if (feed == NULL)
    return;
  g_ptr_array_unref (feed->usage_points);
  g_free (feed);
}

static void
collect_entries (xmlNode   *node,
                 GPtrArray *entries)
{
  for (; node; node = node->next)
    {
      if (is_element (node, ATOM_NS, "entry"))
        {
          Entry *entry = g_new0 (Entry, 1);

          entry->related = g_ptr_array_new_with_free_func (g_free);
          for (xmlNode *c = node->children; c; c = c->next)
            {
              if (is_element (c, ATOM_NS, "link"))
                {
                  xmlChar *rel = xmlGetProp (c, (const xmlChar *)"rel");
                  xmlChar *href = xmlGetProp (c, (const xmlChar *)"href");

                  if (href != NULL)
                    {
                      g_autofree char *h = g_strstrip (g_strdup ((const char *)href));

                      if (g_strcmp0 ((const char *)rel, "self") == 0)
                        set_str (&entry->self, h);
                      else if (g_strcmp0 ((const char *)rel, "up") == 0)
                        set_str (&entry->up, h);
                      else if (g_strcmp0 ((const char *)rel, "related") == 0)
                        g_ptr_array_add (entry->related, g_steal_pointer (&h));
                    }
                  xmlFree (rel);
                  xmlFree (href);
                }
              else if (is_element (c, ATOM_NS, "title"))
                {
                  g_autofree char *t = text_of (c);

                  if (t != NULL && *t != '\0')
                    set_str (&entry->title, t);
                }
              else if (is_element (c, ATOM_NS, "content"))
                {
                  entry->content = c;
                  for (xmlNode *r = c->children; r && entry->resource == NULL; r = r->next)
                    {
                      if (r->type != XML_ELEMENT_NODE)
                        continue;
                      if (r->ns != NULL && g_strcmp0 ((const char *)r->ns->href, ESPI_NS) == 0)
                        entry->resource = r;
                      else if (entry->foreign == NULL)
                        entry->foreign = (const char *)r->name;
                    }
                }
            }
          g_ptr_array_add (entries, entry);
          continue;
        }
      if (node->type == XML_ELEMENT_NODE)
        collect_entries (node->children, entries);
    }
}

static const char *
kind_of (Entry *entry)
{
  return entry->resource ? (const char *)entry->resource->name : "";
}

static gboolean
has_related (Entry      *entry,
             const char *href)
{
  if (href == NULL)
    return FALSE;
  for (guint i = 0; i < entry->related->len; i++)
    if (g_str_equal (g_ptr_array_index (entry->related, i), href))
      return TRUE;
  return FALSE;
}

/* Whether @child_entry belongs to @owner: the owner links to the child's
 * collection (`up`) or to the child itself, or the child's own link lies
 * under the owner's. */
static gboolean
belongs_to (Entry *child_entry,
            Entry *owner)
{
  if (has_related (owner, child_entry->up) || has_related (owner, child_entry->self))
    return TRUE;
  if (owner->self != NULL && child_entry->self != NULL)
    {
      g_autofree char *prefix = g_strconcat (owner->self, "/", NULL);

      return g_str_has_prefix (child_entry->self, prefix);
    }
  return FALSE;
}

/* The one entry of @kind that @child_entry belongs to; when no link says,
 * the only one there is. */
static Entry *
owner_of (Entry      *child_entry,
          GPtrArray  *entries,
          const char *kind)
{
  Entry *only = NULL;
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);

      if (!g_str_equal (kind_of (e), kind))
        continue;
      if (belongs_to (child_entry, e))
        return e;
      only = e;
      n++;
    }
  return n == 1 ? only : NULL;
}

static Entry *
reading_type_of (Entry     *meter_reading,
                 GPtrArray *entries)
{
  Entry *only = NULL;
  guint n = 0;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);

      if (!g_str_equal (kind_of (e), "ReadingType"))
        continue;
      if (has_related (meter_reading, e->self))
        return e;
      only = e;
      n++;
    }
  return n == 1 ? only : NULL;
}

static int
compare_intervals (gconstpointer a,
                   gconstpointer b)
{
  const AetherGreenButtonInterval *x = a, *y = b;

  return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static int
compare_summaries (gconstpointer a,
                   gconstpointer b)
{
  const AetherGreenButtonSummary *x = *(AetherGreenButtonSummary **)a, *y = *(AetherGreenButtonSummary **)b;

  return (x->start_s > y->start_s) - (x->start_s < y->start_s);
}

static gboolean
add_block (AetherGreenButtonReading *reading,
           xmlNode                  *block,
           double                    scale,
           const char               *filename,
           GError                  **error)
{
  for (xmlNode *r = block->children; r; r = r->next)
    {
      AetherGreenButtonInterval interval = { 0 };
      xmlNode *period;
      double value, cost, start, duration;

      if (!is_element (r, ESPI_NS, "IntervalReading"))
        continue;
      period = child (r, "timePeriod");
      if (!number_of (r, "value", &value) || period == NULL ||
          !number_of (period, "start", &start) || !number_of (period, "duration", &duration) ||
          duration <= 0 || start < 0 || start > 4102444800.0 /* 2100 */)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       _("%s, line %d: an IntervalReading without a number value and a time period"),
                       filename, r->line);
          return FALSE;
        }
      interval.start_s = (gint64)start;
      interval.duration_s = (gint64)duration;
      interval.value = value * scale;
      interval.cost = number_of (r, "cost", &cost) ? cost * COST_SCALE : NAN;
      g_array_append_val (reading->intervals, interval);
    }
  return TRUE;
}

static AetherGreenButtonSummary *
parse_summary (xmlNode *resource)
{
  AetherGreenButtonSummary *summary = g_new0 (AetherGreenButtonSummary, 1);
  xmlNode *period = child (resource, "billingPeriod");
  xmlNode *overall = child (resource, "overallConsumptionLastPeriod");
  double v;

  summary->start_s = integer_of (period, "start", 0);
  summary->duration_s = integer_of (period, "duration", 0);
  summary->bill = number_of (resource, "billLastPeriod", &v) ? v * COST_SCALE : NAN;
  summary->cost_additional = number_of (resource, "costAdditionalLastPeriod", &v) ? v * COST_SCALE : NAN;
  summary->consumption = NAN;
  if (overall != NULL && number_of (overall, "value", &v))
    {
      summary->consumption = v * pow (10, (double)integer_of (overall, "powerOfTenMultiplier", 0));
      summary->consumption_unit = unit_name (integer_of (overall, "uom", 72));
    }
  summary->currency = g_strdup (currency_code (integer_of (resource, "currency", 0)));
  return summary;
}

static AetherGreenButtonUsagePoint *
usage_point_for (GHashTable *points,
                 GPtrArray  *order,
                 Entry      *entry,
                 GPtrArray  *entries)
{
  AetherGreenButtonUsagePoint *point = g_hash_table_lookup (points, entry);

  if (point != NULL)
    return point;

  point = g_new0 (AetherGreenButtonUsagePoint, 1);
  point->href = g_strdup (entry->self);
  point->title = g_strdup (entry->title);
  point->commodity = (char *)"electricity";
  point->readings = g_ptr_array_new_with_free_func ((GDestroyNotify)reading_free);
  point->summaries = g_ptr_array_new_with_free_func ((GDestroyNotify)summary_free);

  if (g_str_equal (kind_of (entry), "UsagePoint"))
    {
      xmlNode *category = child (entry->resource, "ServiceCategory");

      point->commodity = (char *)commodity_name (integer_of (category, "kind", 0));

      /* LocalTimeParameters: the linked one, else the only one. */
      for (guint pass = 0; pass < 2 && point->time_zone == NULL; pass++)
        {
          guint n = 0;
          Entry *found = NULL;

          for (guint i = 0; i < entries->len; i++)
            {
              Entry *e = g_ptr_array_index (entries, i);

              if (!g_str_equal (kind_of (e), "LocalTimeParameters"))
                continue;
              n++;
              if (pass == 0 ? has_related (entry, e->self) : TRUE)
                found = e;
            }
          if (found != NULL && (pass == 0 || n == 1))
            {
              g_autofree char *start = text_of (child (found->resource, "dstStartRule"));
              g_autofree char *end = text_of (child (found->resource, "dstEndRule"));

              point->time_zone = aether_green_button_time_zone (integer_of (found->resource, "tzOffset", 0),
                                                                integer_of (found->resource, "dstOffset", 0),
                                                                start ? (guint32)g_ascii_strtoull (start, NULL, 16) : 0,
                                                                end ? (guint32)g_ascii_strtoull (end, NULL, 16) : 0);
            }
        }
    }
  if (point->time_zone == NULL)
    point->time_zone = g_time_zone_new_utc ();

  g_hash_table_insert (points, entry, point);
  g_ptr_array_add (order, point);
  return point;
}

/**
 * aether_green_button_parse:
 * @data: the file's bytes
 * @length: their length
 * @filename: the name errors say
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): the usage points with their interval
 *   readings and billing summaries, or %NULL with @error naming what is
 *   wrong (and nothing half-read)
 */
AetherGreenButtonFeed *
aether_green_button_parse (const char  *data,
                           gsize        length,
                           const char  *filename,
                           GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify)entry_free);
  g_autoptr(GHashTable) points = g_hash_table_new (NULL, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func ((GDestroyNotify)usage_point_free);
  xmlParserCtxtPtr ctxt;
  xmlDocPtr doc;
  AetherGreenButtonFeed *feed;
  guint n_intervals = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (length > G_MAXINT)
    {
      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("%s is too large to be a Green Button file"), filename);
      return NULL;
    }

  /* No network, no external entities, no DTD: a file is only what it says. */
  ctxt = xmlNewParserCtxt ();
  doc = xmlCtxtReadMemory (ctxt, data, (int)length, filename, NULL,
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == NULL || !ctxt->wellFormed || !ctxt->nsWellFormed)
    {
      const xmlError *e = xmlCtxtGetLastError (ctxt);
      g_autofree char *message = g_strstrip (g_strdup (e && e->message ? e->message : _("not XML")));

      g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA, _("%s, line %d: %s"),
                   filename, e ? e->line : 0, message);
      if (doc != NULL)
        xmlFreeDoc (doc);
      xmlFreeParserCtxt (ctxt);
      return NULL;
    }
  xmlFreeParserCtxt (ctxt);

  collect_entries (xmlDocGetRootElement (doc), entries);

  /* Every MeterReading, with its ReadingType, its IntervalBlocks and the
   * UsagePoint it belongs to. */
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *mr = g_ptr_array_index (entries, i);
      Entry *type, *owner;
      AetherGreenButtonReading *reading;
      AetherGreenButtonUsagePoint *point;
      double scale;
      gint64 flow;
      g_autofree char *currency = NULL;

      if (!g_str_equal (kind_of (mr), "MeterReading"))
        continue;

      reading = g_new0 (AetherGreenButtonReading, 1);
      reading->href = g_strdup (mr->self);
      reading->title = g_strdup (mr->title);
      reading->intervals = g_array_new (FALSE, FALSE, sizeof (AetherGreenButtonInterval));

      if ((type = reading_type_of (mr, entries)) == NULL)
        {
          g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                       _("%s: the MeterReading “%s” links to no ReadingType in the file, so the unit of its values is unknown"),
                       filename, mr->self ? mr->self : "");
          reading_free (reading);
          xmlFreeDoc (doc);
          return NULL;
        }
      /* A ReadingType without a uom does not say what was measured. */
      if (integer_of (type->resource, "uom", -1) >= 0)
        reading->unit = unit_name (integer_of (type->resource, "uom", -1));
      scale = pow (10, (double)integer_of (type->resource, "powerOfTenMultiplier", 0));
      flow = integer_of (type->resource, "flowDirection", 1);
      reading->received = flow == 19;
      reading->interval_s = integer_of (type->resource, "intervalLength", 0);
      reading->currency = g_strdup (currency_code (integer_of (type->resource, "currency", 0)));

      for (guint j = 0; j < entries->len; j++)
        {
          Entry *block = g_ptr_array_index (entries, j);

          if (!g_str_equal (kind_of (block), "IntervalBlock") || owner_of (block, entries, "MeterReading") != mr)
            continue;
          /* One entry may hold several blocks. */
          for (xmlNode *b = block->content->children; b; b = b->next)
            if (is_element (b, ESPI_NS, "IntervalBlock") && !add_block (reading, b, scale, filename, error))
              {
                reading_free (reading);
                xmlFreeDoc (doc);
                return NULL;
              }
        }
      g_array_sort (reading->intervals, compare_intervals);
      n_intervals += reading->intervals->len;

      owner = owner_of (mr, entries, "UsagePoint");
      point = usage_point_for (points, order, owner ? owner : mr, entries);
      if (g_strcmp0 (reading->unit, "therm") == 0)
        point->commodity = (char *)"gas";
      g_ptr_array_add (point->readings, reading);
    }

  /* Billing summaries, to their UsagePoint. */
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);
      Entry *owner;

      if (!g_str_equal (kind_of (e), "ElectricPowerUsageSummary") && !g_str_equal (kind_of (e), "UsageSummary"))
        continue;
      owner = owner_of (e, entries, "UsagePoint");
      if (owner != NULL || order->len == 1)
        {
          AetherGreenButtonUsagePoint *point = owner ? usage_point_for (points, order, owner, entries)
                                                     : g_ptr_array_index (order, 0);

          g_ptr_array_add (point->summaries, parse_summary (e->resource));
        }
    }
  for (guint i = 0; i < order->len; i++)
    g_ptr_array_sort (((AetherGreenButtonUsagePoint *)g_ptr_array_index (order, i))->summaries, compare_summaries);

  if (n_intervals == 0)
    {
      GString *kinds = g_string_new (NULL);

      for (guint i = 0; i < entries->len; i++)
        {
          Entry *e = g_ptr_array_index (entries, i);
          const char *k = *kind_of (e) ? kind_of (e) : e->foreign ? e->foreign : "";

          if (*k != '\0' && !strstr (kinds->str, k))
            g_string_append_printf (kinds, "%s%s", kinds->len ? ", " : "", k);
        }
      if (entries->len == 0)
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                     _("%s is not a Green Button file: it has no Atom entries"), filename);
      else
        g_set_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_DATA,
                     _("%s holds no interval readings with a ReadingType (only: %s)"), filename,
                     kinds->len ? kinds->str : _("empty entries"));
      g_string_free (kinds, TRUE);
      xmlFreeDoc (doc);
      return NULL;
    }

  /* The entries point into the document: they go first. */
  g_clear_pointer (&entries, g_ptr_array_unref);
  xmlFreeDoc (doc);

  feed = g_new0 (AetherGreenButtonFeed, 1);
  feed->usage_points = g_steal_pointer (&order);
  return feed;
}

/**
 * aether_green_button_load:
 * @path: a Green Button XML file
 * @error: a location for a #GError
 *
 * Returns: (transfer full) (nullable): see aether_green_button_parse()
 */
AetherGreenButtonFeed *
aether_green_button_load (const char  *path,
                          GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *name = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  name = g_path_get_basename (path);
  return aether_green_button_parse (contents, length, name, error);
}
