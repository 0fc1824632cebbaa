/* aether-alerts-all.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Public headers of the alerts area, included by aether-core.h. */

#pragma once

#include "aether-notifier.h"
#include "aether-webhook.h"
