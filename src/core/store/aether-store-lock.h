/* aether-store-lock.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "aether-store.h"

G_BEGIN_DECLS

/* One collector per database: a lock beside it (`DB.lock`) that the
 * service takes while it collects, and `db restore` while it restores.
 * Read-only commands never take it. */
typedef struct _AetherStoreLock AetherStoreLock;

AetherStoreLock *aether_store_lock_collector      (const char       *db_path,
                                                   GError          **error);
void             aether_store_lock_release        (AetherStoreLock  *lock);
char            *aether_store_lock_describe_holder (const char      *db_path);

/* What a collector checks before and while it writes (aether-store.c). */
char            *aether_store_find_moved_aside    (AetherStore      *self);
gboolean         aether_store_check_wal           (AetherStore      *self,
                                                   GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AetherStoreLock, aether_store_lock_release)

G_END_DECLS
