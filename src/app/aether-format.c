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

/* An amount in the tariff's currency: "$2.31", "€0.35", "2.31 CHF". */
char *
aether_format_money (double      amount,
              const char *currency)
{
  static const struct { const char *code; const char *symbol; } symbols[] = {
    { "USD", "$" }, { "CAD", "$" }, { "AUD", "$" }, { "NZD", "$" },
    { "EUR", "€" }, { "GBP", "£" }, { "JPY", "¥" }, { "INR", "₹" },
  };

  for (guint i = 0; currency != NULL && i < G_N_ELEMENTS (symbols); i++)
    if (g_str_equal (symbols[i].code, currency))
      return g_strdup_printf ("%s%.2f", symbols[i].symbol, amount);
  return g_strdup_printf ("%.2f %s", amount, currency ? currency : "");
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
