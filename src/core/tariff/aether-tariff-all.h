/* aether-tariff-all.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Public headers of the tariff area, included by aether-core.h. */

#pragma once

#include "aether-rate-schedule.h"
#include "aether-tariff.h"
#include "aether-urdb.h"
