/*
** fleet_daemon.h -- what `cockpit fleetd` runs beside its HTTP server: the
** MQTT ingest (src/fleet/ingest), the rollout engine (src/fleet/rollout)
** and its sender, the OTLP export (src/fleet/otlp), retention, and the
** ingest's counts into the metrics (src/fleet/metrics). The HTTP server
** itself (libmicrohttpd around src/fleet/api) stays in src/cli/cmd_fleetd.c.
**
** Threads and store connections (a store handle belongs to one thread):
**   the ingest's thread    its own connection: the batching writer, and the
**                          job updates and device-online calls into the
**                          rollout, and command responses into the
**                          commands (fcmd_on_response), from its callbacks
**   the caller's thread    fdm_run: a connection for rollout ticks and
**                          retention, every FDM_TICK_MS
**   the export thread      no store
** Job notifies and cancels go out through fin_publish (thread-safe), with
** artifact URLs signed by the API (fapi_content_url), so a copilot
** downloads without a token.
*/
#ifndef FLEET_DAEMON_H
#define FLEET_DAEMON_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet_api.h"

#define FDM_TICK_MS 200            /* rollout ticks */
#define FDM_TICKS_PER_PASS 32      /* deployments advanced per pass at most */
#define FDM_RETAIN_EVERY_MS 60000  /* retention runs */

typedef struct fdm fdm;

/* Commands (fleet_cmd.h) from the API go out through the daemon's MQTT
** client, which starts after the API: fapi_config.publish =
** fdm_slot_publish with publish_user = a slot that fdm_start fills
** (fdm_cfg.slot) and fdm_stop empties before it stops the client. While it
** is empty a publish says "not sent" and the command stays pending (the
** pass sends it). */
typedef struct fdm_slot { pthread_mutex_t mu; fdm *d; } fdm_slot;
#define FDM_SLOT_INIT { PTHREAD_MUTEX_INITIALIZER, NULL }
int fdm_slot_publish(void *slot, const char *topic, const void *payload, size_t len, uint32_t expiry_s);

typedef struct fdm_cfg {
  const char *dir, *db;            /* the store, as fleetd opened it */
  fapi *api;                       /* for signed artifact URLs (read only) */
  const char *public_url;          /* https://HOST[:PORT] the copilots reach fleetd at, or NULL (fdm_set_public_url) */
  const char *owner;               /* lease owner name (unique per process) */
  /* MQTT (all NULL: no ingest, rollouts cannot send) */
  const char *broker, *ca, *cert, *key;
  const char *client_id;           /* stable per fleetd */
  bool share;                      /* MQTT 5 shared subscriptions */
  uint32_t ingest_batch, ingest_flush_ms;   /* 0: the writer's defaults */
  const char *otlp;                /* OTLP collector root, or NULL */
  int64_t retain_ms;               /* telemetry and logs older than this are pruned; 0: kept */
  int64_t retain_artifacts_ms;     /* unreferenced artifacts older than this; 0: kept */
  fdm_slot *slot;                  /* the API's command publisher, or NULL */
} fdm_cfg;

/* NULL with the reason in why (and *usage true when it is the options). */
fdm *fdm_start(const fdm_cfg *cfg, bool *usage, char *why, size_t whycap);
/* Where copilots reach this fleetd for artifacts (https://HOST[:PORT]);
** known once the HTTP server is bound, so set after fdm_start. Until it is
** https://, deployments are not advanced (said once). -1: out of memory. */
int fdm_set_public_url(fdm *d, const char *url);
/* One pass: rollout ticks, commands (pending ones sent, stale ones
** expired), retention when due, metrics. Returns ms until
** the next pass is due. */
int fdm_pass(fdm *d);
/* Stop ingest (its last batch written) and export (bounded), free. */
void fdm_stop(fdm *d);

#endif /* FLEET_DAEMON_H */
