/* aether-alerts-all.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Public headers of the alerts area, included by aether-core.h. */

#pragma once

#include "aether-alert-engine.h"
#include "aether-alert-rule.h"
#include "aether-notifier.h"
#include "aether-webhook.h"
