/* aether-redact.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Addresses as they may be shown or kept as text. A webhook's URL often
 * carries its credential (`user:password@`, `?token=`, a Home Assistant
 * webhook id); the alert history, the log and every error show it through
 * aether_redact_url(), and text that may hold addresses written before
 * (stored history) through aether_redact_urls_in_text(). */

#define G_LOG_DOMAIN "aether-redact"

#include "config.h"

#include <string.h>

#include "aether-redact.h"

/* A query parameter whose value is a credential, by its name. */
static gboolean
is_secret_name (const char *name,
                gsize       len)
{
  static const char * const secret_words[] = {
    "token", "key", "secret", "pass", "pwd", "auth", "sig", "credential", "session", "code",
  };
  g_autofree char *lower = g_ascii_strdown (name, (gssize)len);

  for (guint i = 0; i < G_N_ELEMENTS (secret_words); i++)
    if (strstr (lower, secret_words[i]) != NULL)
      return TRUE;
  return FALSE;
}

static char *
redact_query (const char *query)
{
  g_auto(GStrv) pairs = g_strsplit (query, "&", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; pairs[i] != NULL; i++)
    {
      const char *eq = strchr (pairs[i], '=');

      if (i > 0)
        g_string_append_c (out, '&');
      if (eq != NULL && is_secret_name (pairs[i], (gsize)(eq - pairs[i])))
        g_string_append_printf (out, "%.*s=***", (int)(eq - pairs[i]), pairs[i]);
      else
        g_string_append (out, pairs[i]);
    }
  return g_string_free (out, FALSE);
}

/**
 * aether_redact_url:
 * @url: a webhook's address
 *
 * @url as it may be shown or kept as text: user name and password, the
 * values of query parameters named like a credential (`token`, `key`,
 * `secret`, `password`, `auth`, `sig`, …), a Home Assistant webhook id and
 * any fragment replaced by `***`. An address that does not parse keeps
 * only its scheme and host part, and no user part, query or fragment.
 *
 * Returns: (transfer full): the redacted address
 */
char *
aether_redact_url (const char *url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *query = NULL;
  g_autofree char *path = NULL;
  const char *hook;

  g_return_val_if_fail (url != NULL, NULL);

  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL)
    {
      /* Not an address we understand: keep what surely is no secret. */
      const char *start = strstr (url, "://");
      const char *end, *at;

      start = start ? start + 3 : url;
      end = start + strcspn (start, "/?#");
      at = memchr (start, '@', (gsize)(end - start));
      if (at != NULL)
        return g_strdup_printf ("%.*s***@%.*s", (int)(start - url), url, (int)(end - at - 1), at + 1);
      return g_strndup (url, (gsize)(end - url));
    }

  path = g_strdup (g_uri_get_path (uri));
  /* Home Assistant's webhook id is the whole credential. */
  if ((hook = strstr (path, "/api/webhook/")) != NULL && hook[strlen ("/api/webhook/")] != '\0')
    {
      char *redacted = g_strdup_printf ("%.*s/api/webhook/***", (int)(hook - path), path);

      g_free (path);
      path = redacted;
    }
  if (g_uri_get_query (uri) != NULL)
    query = redact_query (g_uri_get_query (uri));

  return g_uri_join (G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS, g_uri_get_scheme (uri),
                     g_uri_get_userinfo (uri) != NULL ? "***" : NULL,
                     g_uri_get_host (uri), g_uri_get_port (uri), path, query,
                     g_uri_get_fragment (uri) != NULL ? "***" : NULL);
}

/**
 * aether_redact_urls_in_text:
 * @text: (nullable): text that may name http(s) addresses
 *
 * @text with every `http://` and `https://` address in it redacted by
 * aether_redact_url(); an address ends at white space or a closing
 * bracket or quote, and punctuation at its end is the sentence's.
 *
 * Returns: (transfer full) (nullable): the redacted text
 */
char *
aether_redact_urls_in_text (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;

  out = g_string_new (NULL);
  p = text;
  for (;;)
    {
      const char *http = strstr (p, "http://");
      const char *https = strstr (p, "https://");
      const char *start = http && (!https || http < https) ? http : https;
      g_autofree char *url = NULL;
      g_autofree char *shown = NULL;
      gsize len;

      if (start == NULL)
        break;
      len = strcspn (start, " \t\n)]>\"'");
      /* A sentence's punctuation after it ("…/hook: timed out") is not
       * part of it. */
      while (len > 0 && strchr (".,;:!?", start[len - 1]) != NULL)
        len--;
      url = g_strndup (start, len);
      shown = aether_redact_url (url);
      g_string_append_len (out, p, start - p);
      g_string_append (out, shown);
      p = start + len;
    }
  g_string_append (out, p);

  return g_string_free (out, FALSE);
}
