/* aether-service-private.h
 *
 * Copyright 2026 The AetherLens authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shared between aether-service.c and the aether-service-*.c files that
 * carry its concerns; nothing outside src/core includes it. */

#pragma once

#include "aether-service.h"
#include "alerts/aether-webhook.h"
#include "store/aether-store-lock.h"
#include "store/aether-store-writer.h"

G_BEGIN_DECLS

typedef struct _AetherServiceWatch AetherServiceWatch;

AetherServiceWatch *_aether_service_watch_new          (AetherService      *service,
                                                        AetherClock        *clock);
void                _aether_service_watch_free         (AetherServiceWatch *watch);
void                _aether_service_watch_remember     (AetherServiceWatch *watch);
void                _aether_service_watch_start        (AetherServiceWatch *watch);
void                _aether_service_watch_stop         (AetherServiceWatch *watch);
gboolean            _aether_service_watch_check        (AetherServiceWatch *watch);
gboolean            _aether_service_watch_reload       (AetherServiceWatch *watch);

gboolean            _aether_service_reload_changed     (AetherService      *self);

typedef struct _AetherServiceFeeds AetherServiceFeeds;

AetherServiceFeeds *_aether_service_feeds_new          (AetherService      *service,
                                                        AetherClock        *clock);
void                _aether_service_feeds_free         (AetherServiceFeeds *feeds);
void                _aether_service_feeds_sync         (AetherServiceFeeds *feeds);
void                _aether_service_feeds_start        (AetherServiceFeeds *feeds);
void                _aether_service_feeds_stop         (AetherServiceFeeds *feeds);
AetherServiceFeeds *_aether_service_get_feeds          (AetherService      *self);
void                _aether_service_tariff_changed     (AetherService      *self);

void                _aether_service_sync_rules         (AetherService      *self,
                                                        GPtrArray          *rules);
void                _aether_service_forget_device      (AetherService      *self,
                                                        const char         *device_id);
void                _aether_service_update_rate_period (AetherService      *self);

AetherUser         *_aether_service_peek_user          (AetherService      *self);
AetherUser         *_aether_service_get_cached_user    (AetherService      *self);
void                _aether_service_set_user           (AetherService      *self,
                                                        AetherUser         *user);
void                _aether_service_apply_user         (AetherService      *self,
                                                        AetherUser         *user);
void                _aether_service_flush              (AetherService      *self);
void                _aether_service_backup_if_due      (AetherService      *self,
                                                        gint64              now_us);

void                _aether_service_start_sinks        (AetherService      *self);
void                _aether_service_stop_sinks         (AetherService      *self);
AetherStoreWriter  *_aether_service_get_writer         (AetherService      *self);

/* aether-service-actions.c: what a fired alert does */
void                _aether_service_connect_actions    (AetherService      *self);

/* aether-service-tariff.c: the tariff in force, re-pricing, costs */
void                _aether_service_set_reprice_progress (AetherService    *self,
                                                          double            fraction);
void                _aether_service_start_repricing    (AetherService      *self,
                                                        gboolean            restart);
void                _aether_service_update_costs       (AetherService      *self);

struct _AetherService
{
  GObject             parent_instance;

  /* Owned references */
  AetherClock        *clock;
  AetherStore        *store;
  AetherStoreWriter  *writer;
  AetherHotTier      *hot;
  AetherPluginEngine *plugins;
  AetherCollector    *collector;
  AetherAlertEngine  *alerts;
  AetherNotifier     *notifier;
  AetherWebhook      *webhook;
  AetherTariff       *tariff;
  AetherTariff       *maintain_tariff;   /* the same versions, for the writer thread's maintenance */
  GHashTable         *configs;     /* device id → JsonObject configuration */
  AetherServiceWatch *watch;       /* changes other processes make */
  AetherServiceFeeds *feeds;       /* price and carbon feeds on a timer */
  AetherUser         *user;        /* the person's preferences, read once */
  AetherSinkDeliverer *sinks;      /* while collecting */

  guint               housekeeping_id;

  /* One collector per database (aether-store-lock.c); what went wrong
   * with the file while collecting, reported by stop() */
  AetherStoreLock    *collector_lock;
  GError             *store_error;

  /* Re-pricing on a worker thread */
  GCancellable       *reprice_cancellable;   /* set while it runs */
  gboolean            reprice_again;         /* the tariff changed meanwhile */
  double              reprice_progress;
};

G_END_DECLS
