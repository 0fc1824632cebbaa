/* aether-core.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The umbrella header of libaether-core. The app, the CLI, plugins and tests
 * include this one header; it never pulls in GTK. */

#pragma once

#define AETHER_CORE_INSIDE

#include "aether-clock.h"
#include "aether-error.h"
#include "aether-pricer.h"
#include "aether-reading.h"
#include "aether-redact.h"
#include "aether-version.h"

/* Sub-areas add their public headers here. */
#include "model/aether-energy-meter.h"
#include "model/aether-energy-rule.h"
#include "model/aether-home.h"
#include "model/aether-json.h"
#include "model/aether-units.h"
#include "model/aether-user.h"
#include "model/aether-standby.h"
#include "model/aether-device.h"
#include "model/aether-cost-record.h"
#include "store/aether-store-all.h"
#include "tariff/aether-tariff-all.h"
#include "collect/aether-collect-all.h"
#include "alerts/aether-alerts-all.h"
#include "aether-alerts-registry.h"
#include "aether-devices.h"
#include "aether-rates.h"
#include "aether-secrets.h"
#include "aether-service.h"
#include "aether-report.h"
#include "api/aether-api-server.h"
#include "api/aether-mqtt.h"

#undef AETHER_CORE_INSIDE
