/* aether-collect-all.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Public headers of the collection area, included by aether-core.h. */

#pragma once

#include "aether-collector.h"
#include "aether-device-provider.h"
#include "aether-http.h"
#include "aether-mdns.h"
#include "aether-plugin-engine.h"
#include "aether-reading-sink.h"
