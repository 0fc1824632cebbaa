/* test-tokens.c
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The local API's tokens (the seed's `api_tokens`), through the service and
 * the real aetherlens-cli on one database: the secret is printed once and
 * never stored (only its SHA-256), `tokens list` shows no secret, revoked
 * and expired tokens are refused, a missing permission is told apart from
 * a bad token, `last_used` is kept current at most once a minute, and a
 * preference change from an older copy of the record neither revives a
 * revoked token nor drops a new one. */

#include "config.h"

#include <glib/gstdio.h>

#include "aether-core.h"
#include "aether-test-util.h"

#define T0 G_GINT64_CONSTANT (1705312800)   /* 2024-01-15 10:00:00 UTC */

typedef AetherTestServiceFixture Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->service = aether_test_service_new ("tokens", T0 * G_USEC_PER_SEC, FALSE, &f->dir, &f->db, &f->clock);
}


static char *
file_contents (const char *path)
{
  char *contents = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  /* A database file holds NULs: make it searchable. */
  for (gsize i = 0; i < len; i++)
    if (contents[i] == '\0')
      contents[i] = ' ';
  return contents;
}

static void
test_service (Fixture       *f,
              gconstpointer  data)
{
  const char *read_only[] = { AETHER_API_READ_METRICS, AETHER_API_READ_DEVICES, NULL };
  const char *bogus[] = { "read:everything", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *expiring = NULL;
  g_autofree char *id = NULL;
  g_autofree char *expiring_id = NULL;
  g_autofree char *used_by = NULL;
  g_autofree char *hash = NULL;
  g_autoptr(AetherUser) user = NULL;
  g_autoptr(AetherUser) stale = NULL;
  g_autofree char *first_use = NULL;
  AetherApiToken token;
  char *none;

  /* Bad input, named. */
  g_assert_null (aether_service_create_api_token (f->service, "HA", bogus, NULL, NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "read:everything"));
  g_clear_error (&error);
  g_assert_null (aether_service_create_api_token (f->service, "  ", read_only, NULL, NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_null (aether_service_create_api_token (f->service, "HA", read_only, "2023-12-31", NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "2023-12-31"));
  g_clear_error (&error);
  g_assert_null (aether_service_create_api_token (f->service, "HA", read_only, "next week", NULL, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "next week"));
  g_clear_error (&error);

  stale = aether_service_dup_user (f->service);

  secret = aether_service_create_api_token (f->service, "Home Assistant Integration", read_only, NULL, &id, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (secret, "aetherlens_"));
  g_assert_cmpuint (strlen (secret), ==, strlen ("aetherlens_") + 64);
  g_assert_true (g_str_has_prefix (id, "tok-"));
  expiring = aether_service_create_api_token (f->service, "Grafana", read_only, "2024-02-01", &expiring_id, &error);
  g_assert_no_error (error);

  /* The seed's shape; the hash, never the secret. */
  user = aether_service_dup_api_tokens (f->service, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (aether_user_get_n_api_tokens (user), ==, 2);
  g_assert_true (aether_user_get_api_token (user, 0, &token));
  g_assert_cmpstr (token.token_id, ==, id);
  g_assert_cmpstr (token.name, ==, "Home Assistant Integration");
  g_assert_cmpstrv (token.permissions, read_only);
  g_assert_cmpstr (token.created_at, ==, "2024-01-15T10:00:00Z");
  g_assert_null (token.last_used);
  g_assert_null (token.expires_at);
  g_assert_true (aether_user_get_api_token (user, 1, &token));
  g_assert_cmpstr (token.expires_at, ==, "2024-02-01T00:00:00Z");
  {
    g_autoptr(JsonNode) json = aether_user_to_json (user);
    g_autofree char *text = json_to_string (json, FALSE);

    hash = aether_api_secret_hash (secret);
    g_assert_null (strstr (text, secret));
    g_assert_nonnull (strstr (text, hash));
  }
  g_clear_object (&user);

  /* Checked. */
  g_assert_cmpint (aether_service_authorize_api (f->service, NULL, AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_MISSING);
  g_assert_cmpint (aether_service_authorize_api (f->service, "aetherlens_nope", AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_INVALID);
  g_assert_cmpint (aether_service_authorize_api (f->service, hash, AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_INVALID);
  g_assert_cmpint (aether_service_authorize_api (f->service, secret, AETHER_API_WRITE_DEVICES, NULL), ==, AETHER_API_AUTH_FORBIDDEN);
  g_assert_cmpint (aether_service_authorize_api (f->service, secret, AETHER_API_READ_METRICS, &used_by), ==, AETHER_API_AUTH_OK);
  g_assert_cmpstr (used_by, ==, id);

  /* last_used: written, then not again within the minute. */
  user = aether_service_dup_api_tokens (f->service, &error);
  g_assert_true (aether_user_get_api_token (user, 0, &token));
  g_assert_cmpstr (token.last_used, ==, "2024-01-15T10:00:00Z");
  g_clear_object (&user);
  aether_clock_advance_us (f->clock, 30 * G_USEC_PER_SEC);
  g_assert_cmpint (aether_service_authorize_api (f->service, secret, AETHER_API_READ_DEVICES, NULL), ==, AETHER_API_AUTH_OK);
  user = aether_service_dup_api_tokens (f->service, &error);
  g_assert_true (aether_user_get_api_token (user, 0, &token));
  g_assert_cmpstr (token.last_used, ==, "2024-01-15T10:00:00Z");
  g_clear_object (&user);
  aether_clock_advance_us (f->clock, 31 * G_USEC_PER_SEC);
  g_assert_cmpint (aether_service_authorize_api (f->service, secret, AETHER_API_READ_DEVICES, NULL), ==, AETHER_API_AUTH_OK);
  user = aether_service_dup_api_tokens (f->service, &error);
  g_assert_true (aether_user_get_api_token (user, 0, &token));
  g_assert_cmpstr (token.last_used, ==, "2024-01-15T10:01:01Z");
  g_clear_object (&user);

  /* A preference changed on a copy taken before the tokens were made
   * keeps them. */
  aether_user_set_theme (stale, "dark");
  g_assert_true (aether_service_update_user (f->service, stale, &error));
  g_assert_no_error (error);
  user = aether_service_dup_api_tokens (f->service, &error);
  g_assert_cmpuint (aether_user_get_n_api_tokens (user), ==, 2);
  g_assert_cmpstr (aether_user_get_theme (user), ==, "dark");
  g_clear_object (&user);

  /* Expired. */
  g_assert_cmpint (aether_service_authorize_api (f->service, expiring, AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_OK);
  aether_clock_advance_us (f->clock, (gint64)17 * 86400 * G_USEC_PER_SEC);
  g_assert_cmpint (aether_service_authorize_api (f->service, expiring, AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_EXPIRED);

  /* Revoked. */
  g_assert_true (aether_service_revoke_api_token (f->service, id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (aether_service_authorize_api (f->service, secret, AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_INVALID);
  g_assert_false (aether_service_revoke_api_token (f->service, id, &error));
  g_assert_error (error, AETHER_ERROR, AETHER_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The secret never reached the disk. */
  g_clear_object (&f->service);
  none = file_contents (f->db);
  g_assert_null (strstr (none, secret));
  g_free (none);
}

static char *
secret_from (const char *out)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "aetherlens_"))
      return g_strdup (lines[i]);
  g_assert_not_reached ();
}

static void
test_cli (Fixture       *f,
          gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *secret = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(AetherUser) user = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *token;
  AetherApiToken t;

  g_clear_object (&f->service);

  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "tokens", "create", "--name", "Home Assistant",
                                        "--permissions", "read:metrics, read:devices", "--expires", "2099-01-01", NULL), ==, 0);
  secret = secret_from (out);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Bad input: exit 2, the bad part named. */
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "tokens", "create", "--name", "x",
                                        "--permissions", "read:metrics,write:everything", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "write:everything"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "tokens", "create", "--name", "x",
                                        "--permissions", "read:metrics", "--expires", "31/12/2099", NULL), ==, 2);
  g_assert_nonnull (strstr (err, "31/12/2099"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Listed without the secret or its hash. */
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "tokens", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "Home Assistant"));
  g_assert_nonnull (strstr (out, "read:metrics,read:devices"));
  g_assert_null (strstr (out, secret));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "tokens", "list", "--json", NULL), ==, 0);
  {
    g_autofree char *hash = aether_api_secret_hash (secret);

    g_assert_null (strstr (out, hash));
  }
  listed = json_from_string (out, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (listed)), ==, 1);
  token = json_array_get_object_element (json_node_get_array (listed), 0);
  g_assert_cmpstr (json_object_get_string_member (token, "name"), ==, "Home Assistant");
  g_assert_cmpstr (json_object_get_string_member (token, "expires_at"), ==, "2099-01-01T00:00:00Z");
  g_assert_false (json_object_has_member (token, "secret_sha256"));

  /* The service in this process sees what the CLI made, and the CLI's
   * revoke at once. */
  f->service = aether_service_new (f->db, f->clock, &error);
  g_assert_no_error (error);
  g_assert_cmpint (aether_service_authorize_api (f->service, secret, AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_OK);
  user = aether_service_dup_api_tokens (f->service, &error);
  g_assert_true (aether_user_get_api_token (user, 0, &t));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "tokens", "revoke", t.token_id, NULL), ==, 0);
  g_assert_cmpint (aether_service_authorize_api (f->service, secret, AETHER_API_READ_METRICS, NULL), ==, AETHER_API_AUTH_INVALID);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  g_assert_cmpint (aether_test_run_cli (f->db, &out, &err, "tokens", "revoke", "tok-nothing", NULL), ==, 1);
  g_assert_nonnull (strstr (err, "tok-nothing"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/tokens/service", Fixture, NULL, fixture_setup, test_service, aether_test_service_fixture_teardown);
  g_test_add ("/tokens/cli", Fixture, NULL, fixture_setup, test_cli, aether_test_service_fixture_teardown);

  return g_test_run ();
}
