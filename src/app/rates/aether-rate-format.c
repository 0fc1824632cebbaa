/* aether-rate-format.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A rate period's price in words, as the Rates page shows it: one price
 * per kWh, or a tiered period's blocks ("$0.12/kWh up to 500 kWh, then
 * $0.18/kWh"). The period is the seed's JSON; the engine reads the same
 * members (rate, tiers[].rate, tiers[].max_kwh). */

#define G_LOG_DOMAIN "aether-rate-format"

#include "config.h"

#include <glib/gi18n.h>
#include <gio/gio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "aether-format.h"
#include "aether-rate-format.h"

/* %g shows limits as utilities write them (6.8, 500, 1000), without a
 * trailing ".000". */
static char *
format_limit (double max_kwh)
{
  return g_strdup_printf ("%g", max_kwh);
}

/**
 * aether_format_period_price:
 * @period: a period of a rate schedule (the seed's JSON)
 * @currency: (nullable): the schedule's currency code
 * @tiers_daily: whether the tiers count per day (`tier_basis` "daily")
 *   rather than per billing cycle
 * @tier_per_line: whether each tier goes on a line of its own (a row's
 *   price label) rather than after a comma (a sentence)
 *
 * Returns: (transfer full): e.g. "$0.22/kWh", or for tiers
 *   "$0.12/kWh up to 500 kWh, then $0.18/kWh"
 */
char *
aether_format_period_price (JsonObject *period,
                            const char *currency,
                            gboolean    tiers_daily,
                            gboolean    tier_per_line)
{
  JsonNode *tiers_node;
  JsonArray *tiers;
  g_autoptr(GString) text = NULL;
  guint n;

  g_return_val_if_fail (period != NULL, NULL);

  tiers_node = json_object_get_member (period, "tiers");
  tiers = tiers_node && JSON_NODE_HOLDS_ARRAY (tiers_node) ? json_node_get_array (tiers_node) : NULL;
  n = tiers ? json_array_get_length (tiers) : 0;

  if (n == 0)
    {
      g_autofree char *money = aether_format_money_precise (json_object_get_double_member_with_default (period, "rate", 0),
                                                            currency, 5);

      /* Translators: a price per kilowatt-hour, e.g. "$0.22/kWh" */
      return g_strdup_printf (_("%s/kWh"), money);
    }

  text = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *tier = json_array_get_object_element (tiers, i);
      g_autofree char *money = NULL;
      g_autofree char *piece = NULL;

      if (tier == NULL)
        continue;
      money = aether_format_money_precise (json_object_get_double_member_with_default (tier, "rate", 0), currency, 5);
      if (json_object_has_member (tier, "max_kwh"))
        {
          g_autofree char *limit = format_limit (json_object_get_double_member (tier, "max_kwh"));

          piece = tiers_daily
                  /* Translators: a tier's price and its limit, e.g. "$0.26/kWh up to 6.8 kWh a day" */
                  ? g_strdup_printf (_("%s/kWh up to %s kWh a day"), money, limit)
                  /* Translators: a tier's price and its limit, e.g. "$0.12/kWh up to 500 kWh" */
                  : g_strdup_printf (_("%s/kWh up to %s kWh"), money, limit);
        }
      else
        piece = g_strdup_printf (_("%s/kWh"), money);

      if (i == 0)
        g_string_append (text, piece);
      else if (i + 1 == n)
        g_string_append_printf (text, tier_per_line
                                      /* Translators: the last tier, on a line of its own, e.g. "then $0.18/kWh" */
                                      ? _("\nthen %s")
                                      /* Translators: the last tier, after the others, e.g. ", then $0.18/kWh" */
                                      : _(", then %s"), piece);
      else
        g_string_append_printf (text, tier_per_line ? "\n%s" : _(", %s"), piece);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * aether_parse_price:
 * @text: what a person typed
 * @value: (out): the number
 * @error: a location for a #GError saying what is wrong with @text
 *
 * Reads a price or a quantity as people write them: "0.12", "-0.05", and
 * "0,12" with a decimal comma (in any locale: a lone comma can only be a
 * decimal point, unless it is followed by exactly three digits where the
 * locale writes a decimal point, "1,234", which is refused as
 * ambiguous). Thousands separators are not accepted in either form.
 *
 * Returns: %TRUE if @text is a number
 */
gboolean
aether_parse_price (const char  *text,
                    double      *value,
                    GError     **error)
{
  g_autofree char *copy = g_strstrip (g_strdup (text ? text : ""));
  const char *point = localeconv ()->decimal_point;
  char *comma, *end = NULL;

  if (copy[0] == '\0')
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("A number is needed"));
      return FALSE;
    }

  /* U+2212 MINUS SIGN, as some keyboards and copied bills have it. */
  if (g_str_has_prefix (copy, "−"))
    {
      char *ascii = g_strconcat ("-", copy + strlen ("−"), NULL);

      g_free (copy);
      copy = ascii;
    }

  comma = strchr (copy, ',');
  if (comma != NULL)
    {
      gsize digits = strspn (comma + 1, "0123456789");

      if (strchr (comma + 1, ',') != NULL || strchr (copy, '.') != NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” is not a number: write it without thousands separators"), copy);
          return FALSE;
        }
      if (g_strcmp0 (point, ",") != 0 && digits == 3 && comma[4] == '\0' && strspn (copy, "-0") != (gsize)(comma - copy))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("“%s” could be a thousand or a decimal: write 1234 or 1.234"), copy);
          return FALSE;
        }
      *comma = '.';
    }

  *value = g_ascii_strtod (copy, &end);
  if (end == copy || *end != '\0' || !isfinite (*value))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, _("“%s” is not a number"), text);
      return FALSE;
    }
  return TRUE;
}
