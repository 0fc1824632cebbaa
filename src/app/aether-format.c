/* aether-format.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Numbers as the pages show them: power, energy, money in the tariff's
 * currency, and registry keys as words. */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "aether-format.h"

/* "845 W", "1.23 kW" */
char *
aether_format_power (double watts)
{
  if (watts >= 10000)
    return g_strdup_printf (_("%.1f kW"), watts / 1000);
  if (watts >= 1000)
    return g_strdup_printf (_("%.2f kW"), watts / 1000);
  return g_strdup_printf (_("%.0f W"), watts);
}

/* Small loads with their tenths ("0.5 W", "9.2 W"), as an always-on load
 * is read; otherwise as aether_format_power(). */
char *
aether_format_small_power (double watts)
{
  if (watts < 10)
    return g_strdup_printf (_("%.1f W"), watts);
  return aether_format_power (watts);
}

/* "12.4 kWh", "850 Wh" */
char *
aether_format_energy (double wh)
{
  if (wh >= 1000)
    return g_strdup_printf (_("%.1f kWh"), wh / 1000);
  return g_strdup_printf (_("%.0f Wh"), wh);
}

/* An amount in the tariff's currency: "$2.31", "€0.35", "2.31 CHF", and
 * "−$0.12" with a minus sign (not a hyphen) before the currency. */
char *
aether_format_money (double      amount,
                     const char *currency)
{
  static const struct { const char *code; const char *symbol; } symbols[] = {
    { "USD", "$" }, { "CAD", "$" }, { "AUD", "$" }, { "NZD", "$" },
    { "EUR", "€" }, { "GBP", "£" }, { "JPY", "¥" }, { "INR", "₹" },
  };

  /* Rounded first, so that −0.001 is "$0.00", not "−$0.00". */
  if (amount < 0 && round (amount * 100) != 0)
    {
      g_autofree char *positive = aether_format_money (-amount, currency);

      return g_strconcat ("−", positive, NULL);
    }
  amount = fabs (amount);

  for (guint i = 0; currency != NULL && i < G_N_ELEMENTS (symbols); i++)
    if (g_str_equal (symbols[i].code, currency))
      return g_strdup_printf ("%s%.2f", symbols[i].symbol, amount);
  return g_strdup_printf ("%.2f %s", amount, currency ? currency : "");
}

/**
 * aether_format_money_precise:
 * @amount: an amount
 * @currency: (nullable): its currency code
 * @max_decimals: the most decimals to show (2 to 6)
 *
 * An amount to the precision it was given in, up to @max_decimals, and
 * never fewer than two decimals: "$22.05567", "$22.08", a price per kWh
 * "£0.1722", "−£0.0172".
 *
 * Returns: (transfer full): the amount in the currency's own form
 */
char *
aether_format_money_precise (double      amount,
                             const char *currency,
                             guint       max_decimals)
{
  g_autofree char *cents = NULL;
  g_autofree char *plain = NULL;
  char digits[64];
  GString *out;
  const char *dot;
  gsize n;

  max_decimals = CLAMP (max_decimals, 2, 6);
  g_snprintf (digits, sizeof digits, "%.*f", (int)max_decimals, fabs (amount));
  n = strlen (digits);
  while (n > 0 && digits[n - 1] == '0' && n > 3 && digits[n - 3] != '.')
    digits[--n] = '\0';
  if (amount < 0 && g_ascii_strtod (digits, NULL) != 0)
    {
      g_autofree char *positive = aether_format_money_precise (-amount, currency, max_decimals);

      return g_strconcat ("−", positive, NULL);
    }

  /* Put the extra decimals into the currency's own money form. */
  cents = aether_format_money (fabs (amount), currency);
  plain = g_strdup_printf ("%.2f", fabs (amount));
  dot = strstr (digits, ".");
  if (dot == NULL || strlen (dot) <= 3 || strstr (cents, plain) == NULL)
    return g_steal_pointer (&cents);
  out = g_string_new (cents);
  g_string_replace (out, plain, digits, 1);
  return g_string_free (out, FALSE);
}

/* "living_room" → "Living room", "off_peak" → "Off peak": keys read as words. */
char *
aether_format_key (const char *key)
{
  char *text = g_strdelimit (g_strdup (key ? key : ""), "_-", ' ');

  if (text[0] != '\0')
    text[0] = g_ascii_toupper (text[0]);
  return text;
}
