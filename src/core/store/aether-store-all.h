/* aether-store-all.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Public headers of the store area, included by aether-core.h. */

#pragma once

#include "aether-hot-tier.h"
#include "aether-sketch.h"
#include "aether-store.h"
#include "aether-store-alert-state.h"
#include "aether-store-lock.h"
#include "aether-store-sinks.h"
#include "aether-store-writer.h"
#include "aether-store-backfill.h"
