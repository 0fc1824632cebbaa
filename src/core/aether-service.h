/* aether-service.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "aether-clock.h"
#include "alerts/aether-alert-engine.h"
#include "alerts/aether-notifier.h"
#include "collect/aether-collector.h"
#include "collect/aether-plugin-engine.h"
#include "model/aether-user.h"
#include "model/aether-device.h"
#include "model/aether-cost-record.h"
#include "sinks/aether-sink-deliverer.h"
#include "store/aether-hot-tier.h"
#include "store/aether-store-backfill.h"
#include "store/aether-store.h"
#include "tariff/aether-tariff.h"

G_BEGIN_DECLS

#define AETHER_TYPE_SERVICE (aether_service_get_type ())

G_DECLARE_FINAL_TYPE (AetherService, aether_service, AETHER, SERVICE, GObject)

/**
 * AetherCostProjection:
 * @cycle_start_s: the cycle's first second (the month's local midnight)
 * @cycle_end_s: the next cycle's
 * @so_far: the cost stored from the cycle's start to now
 * @projected: the whole cycle at the same pace
 */
typedef struct
{
  gint64 cycle_start_s;
  gint64 cycle_end_s;
  double so_far;
  double projected;
} AetherCostProjection;

gboolean            aether_service_project_cost        (AetherStore         *store,
                                                        const char * const  *member_ids,
                                                        GDateTime           *now,
                                                        AetherCostProjection *projection,
                                                        GError             **error);

AetherService      *aether_service_new                 (const char          *db_path,
                                                        AetherClock         *clock,
                                                        GError             **error);
AetherStore        *aether_service_get_store           (AetherService       *self);
AetherCollector    *aether_service_get_collector       (AetherService       *self);
AetherHotTier      *aether_service_get_hot_tier        (AetherService       *self);
AetherAlertEngine  *aether_service_get_alert_engine    (AetherService       *self);
AetherPluginEngine *aether_service_get_plugin_engine   (AetherService       *self);
const char         *aether_service_get_currency        (AetherService       *self);
gboolean            aether_service_remove_device       (AetherService       *self,
                                                        const char          *device_id,
                                                        GError             **error);
char               *aether_service_add_devices         (AetherService       *self,
                                                        GPtrArray           *records,
                                                        const char          *id,
                                                        gboolean             exact_id,
                                                        const AetherConfigField *secret_fields,
                                                        GError             **keyring_error,
                                                        GError             **error);
gboolean            aether_service_update_device       (AetherService       *self,
                                                        JsonNode            *device,
                                                        GError             **error);
void                aether_service_set_device_secret   (AetherService       *self,
                                                        JsonNode            *device,
                                                        const char          *key,
                                                        const char          *secret,
                                                        GError             **keyring_error);
gboolean            aether_service_delete_device_history (AetherService     *self,
                                                          const char        *device_id,
                                                          GError           **error);
char               *aether_service_add_alert           (AetherService       *self,
                                                        JsonNode            *rule,
                                                        GError             **error);
gboolean            aether_service_update_alert        (AetherService       *self,
                                                        JsonNode            *rule,
                                                        GError             **error);
JsonNode           *aether_service_remove_alert        (AetherService       *self,
                                                        const char          *alert_id,
                                                        GError             **error);
void                aether_service_test_webhook_async  (AetherService       *self,
                                                        const char          *url,
                                                        const char          *alert_id,
                                                        const char          *name,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean            aether_service_test_webhook_finish (AetherService       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
void                aether_service_forget_device_secrets (AetherService     *self,
                                                          const char        *device_id);
void                aether_service_set_notifier        (AetherService       *self,
                                                        AetherNotifier      *notifier);
guint               aether_service_load                (AetherService       *self,
                                                        GError             **error);
guint               aether_service_reload_tariff       (AetherService       *self,
                                                        GError             **error);
char               *aether_service_add_rate_schedule   (AetherService       *self,
                                                        JsonNode            *schedule,
                                                        gboolean             supersede,
                                                        GError             **error);
gboolean            aether_service_update_rate_schedule (AetherService      *self,
                                                        JsonNode            *schedule,
                                                        GError             **error);
void                aether_service_import_green_button_async  (AetherService       *self,
                                                               GFile               *file,
                                                               GCancellable        *cancellable,
                                                               GAsyncReadyCallback  callback,
                                                               gpointer             user_data);
JsonNode           *aether_service_import_green_button_finish (AetherService       *self,
                                                               GAsyncResult        *result,
                                                               GError             **error);
AetherTariff       *aether_service_get_tariff          (AetherService       *self);
const char         *aether_service_get_feed_error      (AetherService       *self,
                                                        const char          *rate_id);
JsonNode           *aether_service_remove_rate_schedule (AetherService      *self,
                                                        const char          *rate_id,
                                                        GError             **error);
AetherUser         *aether_service_dup_user            (AetherService       *self);
gboolean            aether_service_update_user         (AetherService       *self,
                                                        AetherUser          *user,
                                                        GError             **error);
GTimeZone          *aether_service_dup_time_zone       (AetherService       *self);
char               *aether_service_dup_backup_folder   (AetherService       *self);
GPtrArray          *aether_service_list_backups        (AetherService       *self);
void                aether_service_backup_async        (AetherService       *self,
                                                        const char          *folder,
                                                        guint                keep,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
char               *aether_service_backup_finish       (AetherService       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
gboolean            aether_service_restore             (AetherService       *self,
                                                        const char          *backup_path,
                                                        GError             **error);
double              aether_service_get_reprice_progress (AetherService      *self);
gboolean            aether_service_lock_collector      (AetherService       *self,
                                                        GError             **error);
void                aether_service_start               (AetherService       *self);
gboolean            aether_service_stop                (AetherService       *self,
                                                        GError             **error);
void                aether_service_set_state_async     (AetherService       *self,
                                                        const char          *device_id,
                                                        gboolean             on,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean            aether_service_set_state_finish    (AetherService       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);

/* Sinks (aether-service-sinks.c) */
gboolean            aether_service_add_sink            (AetherService       *self,
                                                        const char          *kind,
                                                        const char          *name,
                                                        JsonObject          *config,
                                                        const char          *secret,
                                                        gint64               max_queued,
                                                        gboolean            *secret_in_keyring,
                                                        GError             **error);
gboolean            aether_service_remove_sink         (AetherService       *self,
                                                        const char          *name,
                                                        GError             **error);
GPtrArray          *aether_service_list_sinks          (AetherService       *self,
                                                        GError             **error);
void                aether_service_list_sinks_async    (AetherService       *self,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
GPtrArray          *aether_service_list_sinks_finish   (AetherService       *self,
                                                        GAsyncResult        *result,
                                                        GError             **error);
gint64              aether_service_backfill_sink       (AetherService       *self,
                                                        const char          *name,
                                                        gint64               from_us,
                                                        gint64               to_us,
                                                        gint64              *not_queued,
                                                        GError             **error);
void                aether_service_retry_sinks         (AetherService       *self);
gboolean            aether_service_set_sink_enabled    (AetherService       *self,
                                                        const char          *name,
                                                        gboolean             enabled,
                                                        GError             **error);
AetherSinkDeliverer *aether_service_get_sink_deliverer (AetherService       *self);
/**
 * AetherApiAuth:
 * @AETHER_API_AUTH_OK: the token may do what was asked
 * @AETHER_API_AUTH_MISSING: no token was given
 * @AETHER_API_AUTH_INVALID: no token has that secret (or it was revoked)
 * @AETHER_API_AUTH_EXPIRED: the token is past its expiry
 * @AETHER_API_AUTH_FORBIDDEN: the token lacks the permission
 */
typedef enum
{
  AETHER_API_AUTH_OK,
  AETHER_API_AUTH_MISSING,
  AETHER_API_AUTH_INVALID,
  AETHER_API_AUTH_EXPIRED,
  AETHER_API_AUTH_FORBIDDEN,
} AetherApiAuth;

char               *aether_api_secret_hash             (const char          *secret);
char               *aether_service_create_api_token    (AetherService       *self,
                                                        const char          *name,
                                                        const char * const  *permissions,
                                                        const char          *expires,
                                                        char               **token_id,
                                                        GError             **error);
gboolean            aether_service_revoke_api_token    (AetherService       *self,
                                                        const char          *token_id,
                                                        GError             **error);
AetherUser         *aether_service_dup_api_tokens      (AetherService       *self,
                                                        GError             **error);
AetherApiAuth       aether_service_authorize_api       (AetherService       *self,
                                                        const char          *secret,
                                                        const char          *permission,
                                                        char               **token_id);
void                aether_service_backfill_async      (AetherService       *self,
                                                        AetherBackfill      *backfill,
                                                        guint                days,
                                                        AetherBackfillProgress progress,
                                                        gpointer             progress_data,
                                                        GDestroyNotify       progress_data_free,
                                                        GCancellable        *cancellable,
                                                        GAsyncReadyCallback  callback,
                                                        gpointer             user_data);
gboolean            aether_service_backfill_finish     (AetherService       *self,
                                                        GAsyncResult        *result,
                                                        AetherBackfillStats *stats,
                                                        GError             **error);

/* The seed's models, typed (aether-service-devices.c). */
GPtrArray          *aether_service_list_device_objects (AetherService     *self,
                                                        GError           **error);
AetherDevice       *aether_service_lookup_device       (AetherService     *self,
                                                        const char        *device_id,
                                                        GError           **error);
char               *aether_service_add_device_objects  (AetherService     *self,
                                                        GPtrArray         *devices,
                                                        const char        *id,
                                                        gboolean           exact_id,
                                                        const AetherConfigField *secret_fields,
                                                        GError           **keyring_error,
                                                        GError           **error);
gboolean            aether_service_save_device         (AetherService     *self,
                                                        AetherDevice      *device,
                                                        GError           **error);
void                aether_service_set_device_password (AetherService     *self,
                                                        AetherDevice      *device,
                                                        const char        *key,
                                                        const char        *secret,
                                                        GError           **keyring_error);
GPtrArray          *aether_service_list_cost_record_objects (AetherService *self,
                                                             const char    *device_id,
                                                             GError       **error);

G_END_DECLS
