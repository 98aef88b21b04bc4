/*
** fleet_rollout.h -- the rollout engine: a deployment's state machine over
** the store (fleet_store.h), independent of MQTT. Messages to devices go
** through a sender the caller gives (fleetd: its MQTT client; tests: a
** fake); device reports come in through frl_on_job_update and
** frl_device_online (ingest calls them).
**
** A deployment installs one artifact on a target resolved to devices when
** it is made (frl_create). Stages are cumulative percentages of the
** target: with N devices stage k holds the devices up to ceil(N * p_k / 100)
** in the target's order. A stage's jobs are sent when it starts; the next
** stage starts only when every job of the stages so far has ended and at
** most max_failures jobs of the deployment are FAILED, REJECTED or
** TIMED_OUT. As soon as more have, the deployment halts: jobs never sent
** are CANCELED (reason "halted", never delivered), jobs sent and not yet
** programming get a cancel, and with rollback every device that installed
** the new program in this deployment gets a rollback job for the program
** it ran before (previous_sha) -- also one whose job ends SUCCEEDED after
** the halt. When every stage is done within max_failures the deployment
** has succeeded.
**
** Deadlines (the `now` given, ms): a sent job QUEUED past sent +
** job_timeout_s is TIMED_OUT ("deadline"); from its first IN_PROGRESS a
** job has job_timeout_s + FRL_TRIAL_S + FRL_GRACE_S (the copilot's own
** deadline and trial time, and the time for its report to arrive) before
** the engine ends it TIMED_OUT ("deadline", "trial_timeout" in the trial).
** A timed-out job gets a cancel, so a device that comes back does not
** start it. SUCCEEDED comes only from the device.
**
** Each device's desired program (fst_device_set_desired) is the artifact
** when its job is sent, previous_sha when its rollback job is sent or its
** sent job is CANCELED.
**
** Several fleetd on one database: frl_tick advances a deployment only
** under its lease (fst_deployment_claim), and every job write is a
** compare-and-set (fst_job_put), so updates, cancels and ticks in other
** processes never overwrite each other. Messages are at-least-once: a job
** is marked owed before it is sent and cleared after; the copilot treats a
** repeated notify as idempotent.
*/
#ifndef FLEET_ROLLOUT_H
#define FLEET_ROLLOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet_store.h"

#define FRL_TRIAL_S 300          /* trial_s in every notify (the copilot's default) */
#define FRL_GRACE_S 60           /* for the device's own timeout report to arrive */
#define FRL_LEASE_MS 30000       /* a tick's lease on its deployment (wall clock) */
#define FRL_TIMEOUT_MAX_S 2592000  /* job_timeout_s: 1..this (the copilot's range) */
#define FRL_MAX_DEVICES 100000   /* per deployment */
#define FRL_JOB_ID_MAX 64        /* the protocol's id length */
#define FRL_URL_MAX 256          /* the protocol's url length */

#define FRL_ERRORS(X) \
  X(OK,           "ok") \
  X(IDLE,         "no deployment to advance") \
  X(STALE,        "duplicate, out-of-order or late update: ignored") \
  X(UNKNOWN_JOB,  "no such job: ignored") \
  X(WRONG_DEVICE, "the job belongs to another device or artifact: ignored") \
  X(BAD_UPDATE,   "malformed job update") \
  X(INVALID,      "invalid argument") \
  X(NOTFOUND,     "no such deployment, artifact or device") \
  X(CONFLICT,     "a device has a job of another running deployment") \
  X(NOT_RUNNING,  "the deployment is not running") \
  X(SEND,         "the sender failed (retried on the next tick)") \
  X(STORE,        "store error")

typedef enum frl_err {
#define X(n, m) FRL_ERR_##n,
  FRL_ERRORS(X)
#undef X
  FRL_ERR__COUNT
} frl_err;
const char *frl_err_str(frl_err e);    /* "no such job: ignored" */
const char *frl_err_name(frl_err e);   /* "UNKNOWN_JOB" */

/* How messages reach devices. json is the whole jobs/notify payload
** (docs/fleet-protocol.md); send_cancel's is {"v":1,"id":JOB,"cancel":true}.
** Both publish retained on fleet/devices/{device}/jobs/notify. Return 0
** when the message was handed to the broker, anything else to have it sent
** again on the next tick. public_url: the fleetd's public base
** (https://HOST[:PORT], no trailing '/'); the artifact URL in a notify is
** public_url + /api/v1/artifacts/{sha256}/content. */
typedef struct frl_sender {
  void *user;
  int (*send_job)(void *user, const char *device, const char *job_id, const char *json);
  int (*send_cancel)(void *user, const char *device, const char *job_id, const char *json);
  const char *public_url;
  /* Optional: a signed download URL for (artifact, device), good until
  ** exp_s (fleetd: fapi_content_url); 0 when written into out. NULL, or
  ** a failure: the plain URL, which needs a token. */
  int (*content_url)(void *user, const char *sha256, const char *device, long long exp_s, char *out, size_t cap);
  /* Optional: a rollback job's artifact. A device's security-counter floor
  ** is the counter of the last program it confirmed, so it refuses the
  ** program it ran before as it was stored; restamp stores that program
  ** again under a fresh counter (fleetd: fapi_restamp) and writes its
  ** sha256 into out: 0 done, 1 no such artifact (the job FAILED
  ** no_artifact), anything else: tried again on the next tick. NULL: the
  ** rollback job installs previous_sha itself. */
  int (*restamp)(void *user, fst_store *s, const char *sha256, char out[65]);
} frl_sender;

/* The protocol's job id of a job row: "rollout-DEPLOYMENT.JOB". */
void frl_job_id(char out[FRL_JOB_ID_MAX + 1], int64_t deployment, int64_t job);
/* Parse one back; false if it is not one of ours. */
bool frl_job_id_parse(const char *id, int64_t *deployment, int64_t *job);

/* A new deployment. devices: the resolved target in stage order, no
** duplicates (checked), each 1..64 of [A-Za-z0-9._-] and known to the store
** (its running program becomes the job's previous_sha). stages: 1 to
** FST_MAX_STAGES strictly increasing percentages 1..100 ending at 100.
** FRL_ERR_NOTFOUND: unknown artifact or device; FRL_ERR_CONFLICT: a device
** has a job of another running deployment (fst_errmsg says which);
** FRL_ERR_INVALID: a bad value (frl_check_spec's message). */
typedef struct frl_spec {
  const char *artifact;          /* sha256 */
  const char *target;            /* the target JSON as given (kept for display) */
  const int *stages;
  int nstages;
  int64_t max_failures;          /* >= 0 */
  int64_t job_timeout_s;         /* 1..FRL_TIMEOUT_MAX_S */
  bool rollback;
  const char *created_by;
  const char *const *devices;
  size_t ndevices;               /* 1..FRL_MAX_DEVICES */
} frl_spec;
/* NULL if the spec is well formed, else what is wrong (a static text). */
const char *frl_check_spec(const frl_spec *sp);
/* 1..64 of [A-Za-z0-9._-]: a device id that is one MQTT topic level. */
bool frl_good_device_id(const char *id);
frl_err frl_create(fst_store *s, const frl_spec *sp, int64_t *id);

/* Claim one unsettled deployment (fst_deployment_claim, leased to owner),
** advance it as far as it goes at `now`, send what it owes, give the lease
** back. FRL_ERR_IDLE when there was none to claim; FRL_ERR_SEND when a
** message could not be sent (it stays owed). Each call advances one
** deployment and they take turns (the one given back longest ago first,
** a deployment given back is claimable again at once): calling it k times
** a second advances k open deployments a second. `now` is the engine's
** clock for deadlines; leases use the wall clock. */
frl_err frl_tick(fst_store *s, int64_t now, const char *owner, const frl_sender *sender);

/* A device's report on fleet/devices/{device}/jobs/{job}/update, as ingest
** parsed it. */
typedef struct frl_job_update {
  const char *device;            /* the device whose topic it came on */
  const char *job;               /* the job id */
  const char *state;             /* "QUEUED" ... "CANCELED" */
  const char *phase;             /* NULL/"" or "downloading" ... "trial" */
  const char *reason;            /* NULL/"" or a reason ([a-z0-9_], at most 64) */
  int percent;                   /* 0..100, or -1 for null */
  int64_t seq;                   /* the update's seq, 0 if not given */
  const char *sha256;            /* NULL or the artifact the update is about */
  int64_t now;                   /* ms it arrived; 0: the wall clock */
} frl_job_update;

/* Apply a job update. Ignored (an frl_err says why, nothing is written):
** updates for unknown jobs, for another device's job or another artifact,
** with a seq not above the last applied one, going backwards (IN_PROGRESS
** to QUEUED, an earlier phase, less progress in one phase), after the job
** ended; SUCCEEDED other than "confirmed" or "already_installed" is
** BAD_UPDATE. */
frl_err frl_on_job_update(fst_store *s, const frl_job_update *u);

/* The device is seen online (it was offline): its QUEUED jobs that were
** sent are owed again, and the next tick sends their notify again -- or,
** when the job's deployment is no longer running (halted, canceled), its
** cancel again, never the notify. */
frl_err frl_device_online(fst_store *s, const char *device);

/* Cancel a running deployment (POST /deployments/{id}/cancel): it is
** canceled at once, its jobs never sent CANCELED ("canceled"), its sent
** jobs not yet programming get a cancel on the next tick; jobs programming
** go on to their end. FRL_ERR_NOT_RUNNING if it is not running. */
frl_err frl_cancel(fst_store *s, int64_t id, int64_t now);

/* FAILED, REJECTED and TIMED_OUT install jobs: what max_failures counts. */
int64_t frl_failures(const fst_job *jobs, size_t n);

#endif /* FLEET_ROLLOUT_H */
