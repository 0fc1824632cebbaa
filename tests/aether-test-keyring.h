/* aether-test-keyring.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A real gnome-keyring-daemon on a private session bus, its in-memory
 * session collection, a home of its own: nothing of the person's keyring
 * is touched. */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _AetherTestKeyring AetherTestKeyring;

AetherTestKeyring *aether_test_keyring_up        (void);
gboolean           aether_test_keyring_available (AetherTestKeyring *keyring);
void               aether_test_keyring_down      (AetherTestKeyring *keyring);

G_END_DECLS
