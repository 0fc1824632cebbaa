/* aether-error.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define AETHER_ERROR (aether_error_quark ())

/**
 * AetherError:
 * @AETHER_ERROR_FAILED: something went wrong that has no better code
 * @AETHER_ERROR_INVALID_DATA: input (a file, a device response, JSON) is malformed
 * @AETHER_ERROR_INVALID_ARGUMENT: a caller passed an impossible value (a user typo on the CLI)
 * @AETHER_ERROR_NOT_FOUND: the named device, series, schedule or file does not exist
 * @AETHER_ERROR_EXISTS: an object with that id already exists
 * @AETHER_ERROR_VERSION_TOO_NEW: the database was written by a newer AetherLens
 * @AETHER_ERROR_CORRUPT: stored data failed an integrity check
 * @AETHER_ERROR_IO: reading or writing storage failed (disk full, permissions)
 * @AETHER_ERROR_INVALID_SCHEDULE: a rate schedule does not validate
 * @AETHER_ERROR_UNSUPPORTED: the input uses a feature AetherLens cannot represent
 * @AETHER_ERROR_TIMED_OUT: a device or service did not answer in time
 * @AETHER_ERROR_AUTH_REQUIRED: a device needs credentials, or rejected the ones given
 * @AETHER_ERROR_UNREACHABLE: a device could not be contacted
 * @AETHER_ERROR_BUSY: another operation holds the resource; try again later
 *
 * Error codes in the project's error domain. Each is something a caller can act on;
 * the message is something a person can act on.
 */
typedef enum
{
  AETHER_ERROR_FAILED,
  AETHER_ERROR_INVALID_DATA,
  AETHER_ERROR_INVALID_ARGUMENT,
  AETHER_ERROR_NOT_FOUND,
  AETHER_ERROR_EXISTS,
  AETHER_ERROR_VERSION_TOO_NEW,
  AETHER_ERROR_CORRUPT,
  AETHER_ERROR_IO,
  AETHER_ERROR_INVALID_SCHEDULE,
  AETHER_ERROR_UNSUPPORTED,
  AETHER_ERROR_TIMED_OUT,
  AETHER_ERROR_AUTH_REQUIRED,
  AETHER_ERROR_UNREACHABLE,
  AETHER_ERROR_BUSY,
} AetherError;

GQuark aether_error_quark (void);

G_END_DECLS
