/*
** fleet_store.h -- the fleet backend's store: ONE interface, two backends.
**
**   SQLite      (default) DIR/fleet.db, WAL journal, busy timeout, one writer
**               at a time (BEGIN IMMEDIATE).
**   PostgreSQL  a postgresql:// (or postgres://) URL through libpq, for
**               several fleetd processes sharing one database.
**
** Everything above this header (API, rollout, ingest) is the same code for
** both: the operations below are written once (fst_store.c) over a small
** backend interface (fst_int.h), and every statement is a constant SQL text
** with $1..$N parameters bound separately -- no value is ever formatted into
** SQL. Times are wall-clock milliseconds since 1970 (UTC). Artifact content is
** kept in the database (a BLOB / BYTEA column of the artifacts table), so
** several fleetd on several machines see the same artifacts.
**
** A store handle is not thread-safe: use one per thread, or serialise calls.
** Every function returns an fst_err; on failure fst_errmsg() says why (the
** database's own message where there is one).
*/
#ifndef FLEET_STORE_H
#define FLEET_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FST_SCHEMA_VERSION 4

#define FST_ERRORS(X) \
  X(OK,        "ok") \
  X(NOTFOUND,  "no such record") \
  X(CONFLICT,  "conflicts with an existing record") \
  X(INVALID,   "invalid argument") \
  X(BUSY,      "database is busy or locked") \
  X(DB,        "database error") \
  X(CONNECT,   "cannot open or connect to the database") \
  X(SCHEMA,    "database schema is newer than this fleetd") \
  X(NOMEM,     "out of memory") \
  X(URL,       "unsupported database URL")

typedef enum fst_err {
#define X(n, m) FST_ERR_##n,
  FST_ERRORS(X)
#undef X
  FST_ERR__COUNT
} fst_err;

const char *fst_err_str(fst_err e);     /* "no such record" */
const char *fst_err_name(fst_err e);    /* "NOTFOUND" */

typedef struct fst_store fst_store;

/* Open (creating and migrating the schema as needed). db NULL or "" or
** "sqlite:" uses DIR/fleet.db; "sqlite:PATH" a given file; postgresql://...
** or postgres://... PostgreSQL. On failure *out is NULL and, if errbuf is
** not NULL, the reason is written into it. */
fst_err fst_open(const char *dir, const char *db, fst_store **out, char *errbuf, size_t errlen);
void fst_close(fst_store *s);
const char *fst_backend(const fst_store *s);   /* "sqlite" or "postgresql" */
int fst_schema_version(fst_store *s);          /* as stored, -1 on error */
const char *fst_errmsg(const fst_store *s);    /* detail of the last failure */
int64_t fst_now_ms(void);                      /* wall clock */

/* Explicit transactions around several calls (batches); calls inside do not
** open their own. Nesting is not supported (FST_ERR_INVALID). */
fst_err fst_begin(fst_store *s);
fst_err fst_commit(fst_store *s);
void fst_rollback(fst_store *s);

/* ---- artifacts and the security counter ------------------------------- */

typedef struct fst_artifact {
  char sha256[65];          /* lowercase hex */
  int64_t size;
  char version[32];         /* "X.Y.Z" */
  int64_t counter;          /* security counter */
  char filename[256];
  int64_t created;
  char image_sha256[65];    /* its CVM1 digest: what a device reports running; "" unknown */
} fst_artifact;

/* The next security counter: one more than any handed out before, across
** every process sharing the database. */
fst_err fst_counter_next(fst_store *s, int64_t *counter);
/* FST_ERR_CONFLICT if the sha256 is already stored. */
fst_err fst_artifact_put(fst_store *s, const fst_artifact *a, const uint8_t *content, size_t len);
fst_err fst_artifact_get(fst_store *s, const char *sha256, fst_artifact *a);
/* Content as a malloc'd buffer (free it). */
fst_err fst_artifact_content(fst_store *s, const char *sha256, uint8_t **buf, size_t *len);
/* Newest first; *out malloc'd (free it). limit 0 = no limit. */
fst_err fst_artifact_list(fst_store *s, int64_t limit, fst_artifact **out, size_t *n);
/* Delete artifacts created before `before` that no deployment, job and no
** device (running or desired) refers to. */
fst_err fst_artifact_prune(fst_store *s, int64_t before, int64_t *deleted);

/* ---- tokens and audit --------------------------------------------------- */

typedef enum fst_role { FST_ROLE_NONE = 0, FST_ROLE_VIEWER, FST_ROLE_OPERATOR, FST_ROLE_ADMIN } fst_role;
const char *fst_role_name(fst_role r);            /* "viewer"...; "none" */
fst_role fst_role_parse(const char *s);           /* FST_ROLE_NONE if unknown */

typedef struct fst_token {
  int64_t id;
  char name[128];
  fst_role role;
  int64_t created, revoked;  /* revoked 0 = live */
} fst_token;

/* hash: SHA-256 of the token, lowercase hex. */
fst_err fst_token_add(fst_store *s, const char *hash, fst_role role, const char *name, int64_t *id);
/* A live (not revoked) token by its hash. */
fst_err fst_token_find(fst_store *s, const char *hash, fst_token *t);
fst_err fst_token_revoke(fst_store *s, int64_t id);
fst_err fst_token_list(fst_store *s, fst_token **out, size_t *n);

typedef struct fst_audit {
  int64_t id, time;
  char token[128];
  char method[16];
  char path[512];
  int status;
  char detail[512];
} fst_audit;

fst_err fst_audit_add(fst_store *s, const char *token_name, const char *method,
                      const char *path, int status, const char *detail);
/* Newest first. */
fst_err fst_audit_list(fst_store *s, int64_t limit, fst_audit **out, size_t *n);

/* ---- dashboard sessions (fst_session.c) --------------------------------- */

/* A browser session made from a token (POST /api/v1/session): the store
** keeps the SHA-256 of its random id (lowercase hex), the token's id and an
** expiry (ms). A session is live while it has not expired and its token is
** not revoked: revoking a token ends its sessions. */
fst_err fst_session_add(fst_store *s, const char *hash, int64_t token_id, int64_t expires);
/* The live session's token (FST_ERR_NOTFOUND when expired, revoked or
** unknown); *expires (may be NULL) gets its expiry. */
fst_err fst_session_find(fst_store *s, const char *hash, int64_t now, fst_token *t, int64_t *expires);
/* FST_ERR_NOTFOUND when there is no such session. */
fst_err fst_session_delete(fst_store *s, const char *hash);
/* Delete sessions that expired before now or whose token is revoked. */
fst_err fst_session_prune(fst_store *s, int64_t now, int64_t *deleted);

/* ---- devices ------------------------------------------------------------ */

#define FST_MAX_TAGS 16
#define FST_TAG_MAX 64

typedef struct fst_device {
  char id[128];
  bool online;
  int64_t last_seen;         /* ms, 0 = never */
  char running_sha[65];
  char running_version[32];
  char vm_state[32];
  char *banks;               /* JSON text (malloc'd by the store, or NULL) */
  char boot_id[64];
  int64_t uptime_ms;
  char reset_reason[64];
  char desired_sha[65];
  int ntags;
  char tags[FST_MAX_TAGS][FST_TAG_MAX];
} fst_device;

/* Insert or update a device's reported status (every field but tags and
** desired_sha, which the operator owns). */
fst_err fst_device_upsert(fst_store *s, const fst_device *d);
fst_err fst_device_get(fst_store *s, const char *id, fst_device *d);

/* What one message from a device says about it (the ingest, #14): NULL
** strings and negative numbers leave a field as it is. The device is made
** if it is new. last_seen becomes max(last_seen, time), for any report. A
** report with state (a field, or online) changes the device only when its
** time is at least that of the newest such report applied before, so a late
** (queued, redelivered) heartbeat never rolls back what a newer one said --
** except with `always`: a status (retained, or the last will) is the
** copilot's own word on the device and the connection, and its time comes
** from another clock (the copilot's) than the heartbeats' (the device's
** uptime mapped), so it applies whatever its time (and does not take part
** in that order). */
typedef struct fst_report {
  const char *id;
  int64_t time;              /* the message's wall clock, ms */
  int online;                /* -1 keep, 0 offline, 1 online */
  bool always;
  const char *running_sha, *running_version, *vm_state, *banks, *boot_id, *reset_reason;
  int64_t uptime_ms;         /* -1 keep */
} fst_report;
fst_err fst_device_report(fst_store *s, const fst_report *r);
/* tag NULL: every device; else those with that tag. Sorted by id. */
fst_err fst_device_list(fst_store *s, const char *tag, fst_device **out, size_t *n);
/* Replace the device's tags. FST_ERR_NOTFOUND if no such device. */
fst_err fst_device_set_tags(fst_store *s, const char *id, const char (*tags)[FST_TAG_MAX], int ntags);
fst_err fst_device_set_desired(fst_store *s, const char *id, const char *sha256);
void fst_device_free(fst_device *d);                  /* the banks text */
void fst_device_list_free(fst_device *v, size_t n);

/* ---- what devices report ------------------------------------------------ */

/* Duplicates (the same device, boot id and sequence number, and for
** telemetry the same name) are stored once: *inserted counts new rows.
** Each batch is one transaction. */
typedef struct fst_point {
  const char *device, *boot_id, *name;
  int64_t seq, time;
  double value;
} fst_point;
fst_err fst_telemetry_insert(fst_store *s, const fst_point *p, size_t n, size_t *inserted);

typedef struct fst_log {
  const char *device, *boot_id, *text;
  int64_t seq, time;
} fst_log;
fst_err fst_logs_insert(fst_store *s, const fst_log *l, size_t n, size_t *inserted);

/* Events are told apart by (device, boot_id, seq, kind, dedup): dedup (NULL
** = "") names the message when seq alone cannot (fleet_ingest.h: a digest
** of the payload, seq being the device's uptime). */
typedef struct fst_event {
  const char *device, *boot_id, *kind, *detail;   /* detail: JSON text or NULL */
  int64_t seq, time;
  const char *dedup;
} fst_event;
fst_err fst_events_insert(fst_store *s, const fst_event *e, size_t n, size_t *inserted);

typedef struct fst_crash {
  const char *device, *boot_id, *file, *function, *version, *sha256, *reason, *detail;
  int64_t seq, time, line, pc;
} fst_crash;
fst_err fst_crashes_insert(fst_store *s, const fst_crash *c, size_t n, size_t *inserted);

/* Rows read back: every string malloc'd in one block with the array; free
** the array with free(). `id` is the store's own monotonic cursor. */
typedef struct fst_log_row { int64_t id, seq, time; char *boot_id, *text; } fst_log_row;
typedef struct fst_point_row { int64_t seq, time; double value; char *name, *boot_id; } fst_point_row;
typedef struct fst_event_row { int64_t id, seq, time; char *boot_id, *kind, *detail; } fst_event_row;
typedef struct fst_crash_row {
  int64_t id, seq, time, line, pc;
  char *boot_id, *file, *function, *version, *sha256, *reason, *detail;
} fst_crash_row;

/* Logs with id > since, oldest first, at most limit (0 = no limit). */
fst_err fst_logs_list(fst_store *s, const char *device, int64_t since, int64_t limit,
                      fst_log_row **out, size_t *n);
/* Points with from <= time <= to (name NULL: every name), oldest first. */
fst_err fst_telemetry_list(fst_store *s, const char *device, const char *name, int64_t from,
                           int64_t to, int64_t limit, fst_point_row **out, size_t *n);
/* Newest first. */
fst_err fst_events_list(fst_store *s, const char *device, int64_t limit, fst_event_row **out, size_t *n);
fst_err fst_crashes_list(fst_store *s, const char *device, int64_t limit, fst_crash_row **out, size_t *n);

/* Retention: delete telemetry and logs with time < before. */
fst_err fst_prune(fst_store *s, int64_t before, int64_t *telemetry, int64_t *logs);

/* ---- deployments, stages, jobs ----------------------------------------- */

/* Job states, as AWS IoT Jobs (and the copilot, #13) name them. */
#define FST_JOB_STATES(X) \
  X(QUEUED, 0) X(IN_PROGRESS, 0) X(SUCCEEDED, 1) X(FAILED, 1) \
  X(REJECTED, 1) X(TIMED_OUT, 1) X(CANCELED, 1)
typedef enum fst_job_state {
#define X(n, t) FST_JOB_##n,
  FST_JOB_STATES(X)
#undef X
  FST_JOB__COUNT
} fst_job_state;
const char *fst_job_state_name(fst_job_state s);      /* "QUEUED" */
int fst_job_state_parse(const char *s);              /* -1 if unknown */
bool fst_job_state_terminal(fst_job_state s);

#define FST_DEPLOY_STATES(X) X(running) X(succeeded) X(halted) X(canceled)
typedef enum fst_deploy_state {
#define X(n) FST_DEPLOY_##n,
  FST_DEPLOY_STATES(X)
#undef X
  FST_DEPLOY__COUNT
} fst_deploy_state;
const char *fst_deploy_state_name(fst_deploy_state s);
int fst_deploy_state_parse(const char *s);

#define FST_MAX_STAGES 16

typedef struct fst_deployment {
  int64_t id;
  char artifact[65];
  char *target;              /* JSON text as given (malloc'd by the store) */
  int nstages;
  int stages[FST_MAX_STAGES];  /* cumulative percentages */
  int current_stage;
  int64_t max_failures, job_timeout_s;
  bool rollback;
  fst_deploy_state state;
  char created_by[128];
  int64_t created, updated;
  char lease_owner[64];
  int64_t lease_until;
  bool settled;              /* the rollout engine has nothing left to do */
} fst_deployment;

/* What the rollout engine owes a job's device (a message not yet sent). */
typedef enum fst_owed { FST_OWE_NOTHING = 0, FST_OWE_JOB, FST_OWE_CANCEL } fst_owed;

typedef struct fst_job {
  int64_t id, deployment;
  char device[128];
  int stage;
  bool rollback;             /* a rollback job (installs previous_sha) */
  char artifact[65];         /* what this job installs */
  fst_job_state state;
  char reason[256];
  char phase[16];            /* IN_PROGRESS phase as the device reports it */
  int progress;              /* percent */
  char previous_sha[65];     /* what the device ran before (for rollback) */
  int64_t seq;               /* the device's last applied update number */
  int64_t sent, deadline;    /* ms: first sent (0 never), when it times out (0 none) */
  fst_owed owed;
  int64_t rev;               /* bumped by every write (compare-and-set) */
  int64_t created, updated;
} fst_job;

/* A deployment with its stages and one QUEUED job per device (stage is the
** stage the device belongs to; each installs d->artifact), in one
** transaction; d->id is set.
** FST_ERR_CONFLICT if one of the devices has a job of another running
** deployment that is not terminal; FST_ERR_NOTFOUND if the artifact is
** unknown. */
fst_err fst_deployment_create(fst_store *s, fst_deployment *d, const fst_job *jobs, size_t njobs);
fst_err fst_deployment_get(fst_store *s, int64_t id, fst_deployment *d);
fst_err fst_deployment_list(fst_store *s, int64_t limit, fst_deployment **out, size_t *n);
void fst_deployment_free(fst_deployment *d);
void fst_deployment_list_free(fst_deployment *v, size_t n);
/* Force a state (settled unless running). */
fst_err fst_deployment_set_state(fst_store *s, int64_t id, fst_deploy_state st, int current_stage);
/* Compare-and-set: only if the deployment is in state `from`
** (FST_ERR_CONFLICT otherwise, FST_ERR_NOTFOUND if there is none). */
fst_err fst_deployment_transition(fst_store *s, int64_t id, fst_deploy_state from, fst_deploy_state to,
                                  int current_stage, bool settled);
/* Jobs sorted by stage, then id. */
fst_err fst_jobs_list(fst_store *s, int64_t deployment, fst_job **out, size_t *n);
/* A device's jobs that are QUEUED or IN_PROGRESS, in any deployment. */
fst_err fst_jobs_open(fst_store *s, const char *device, fst_job **out, size_t *n);
fst_err fst_job_get(fst_store *s, int64_t id, fst_job *j);
/* Add a job to a deployment (a rollback job); j->id is set. FST_ERR_CONFLICT
** if the deployment has that device's job of that kind already. */
fst_err fst_job_add(fst_store *s, fst_job *j);
/* Write a job's mutable fields (state, reason, phase, progress, seq, sent,
** deadline, owed, updated) if nobody wrote it since it was read: the row's
** rev must still be j->rev (then both are bumped); FST_ERR_CONFLICT when it
** changed (read it again and decide again). */
fst_err fst_job_put(fst_store *s, fst_job *j);
/* Set a job's state, reason and progress (progress < 0 keeps it). */
fst_err fst_job_update(fst_store *s, int64_t job, fst_job_state st, const char *reason, int progress);

/* Claim one deployment for advancing: one not settled whose lease is free
** or expired, the one given back longest ago first (so a few fleetd take
** turns over many deployments); it is leased to `owner` until now +
** lease_ms (wall clock). With several processes on one database exactly
** one gets it (PostgreSQL: SELECT ... FOR UPDATE SKIP LOCKED in a
** transaction; SQLite: BEGIN IMMEDIATE, the single writer).
** FST_ERR_NOTFOUND when there is none. */
fst_err fst_deployment_claim(fst_store *s, const char *owner, int64_t lease_ms, int64_t *id);
/* Give the lease back (only if `owner` holds it): claimable again at once. */
fst_err fst_deployment_release(fst_store *s, int64_t id, const char *owner);

/* ---- commands to devices (fst_cmd.c) ------------------------------------ */

/* A command's states: X(name, terminal). pending: stored, not published yet
** (the broker was away: the daemon's pass sends it); sent: published;
** succeeded / failed: the device's cmd/response said so; expired: its
** expiry passed with no answer (or the device refused it as expired). A
** device's answer that comes after expired still applies (it ran it before
** its expiry by its own clock, and the response was queued). */
#define FST_CMD_STATES(X) X(pending, 0) X(sent, 0) X(succeeded, 1) X(failed, 1) X(expired, 1)
typedef enum fst_cmd_state {
#define X(n, t) FST_CMD_##n,
  FST_CMD_STATES(X)
#undef X
  FST_CMD__COUNT
} fst_cmd_state;
const char *fst_cmd_state_name(fst_cmd_state s);     /* "pending" */
int fst_cmd_state_parse(const char *s);              /* -1 if unknown */

#define FST_CMD_MSG_ID_MAX 64

typedef struct fst_command {
  int64_t id;                /* set by fst_command_add */
  char device[128];
  char msg_id[FST_CMD_MSG_ID_MAX + 1];  /* the id on the wire (unique) */
  char op[32];               /* the API's name: "reboot", "blackbox-clear", ... */
  bool has_value;
  int64_t value;             /* the op's argument */
  fst_cmd_state state;
  bool has_result;
  int64_t result;            /* the response's value */
  char reason[64];           /* the response's reason, or "" */
  char created_by[128];      /* the token's name */
  int64_t created, updated;  /* ms */
  int64_t expires;           /* ms: after this it never runs */
  int64_t sent;              /* ms: when it was published (0: not yet) */
} fst_command;

/* Store a new command (state pending; id, created and updated set).
** FST_ERR_CONFLICT if msg_id is taken; FST_ERR_NOTFOUND if the device is
** unknown. */
fst_err fst_command_add(fst_store *s, fst_command *c);
/* One of a device's commands (FST_ERR_NOTFOUND: none with that id for it). */
fst_err fst_command_get(fst_store *s, const char *device, int64_t id, fst_command *c);
/* A device's commands, newest first; *out malloc'd (free it). limit 0: all. */
fst_err fst_command_list(fst_store *s, const char *device, int64_t limit, fst_command **out, size_t *n);
/* Compare-and-set: state from -> to (to sent: sent = now; to pending: sent = 0), FST_ERR_CONFLICT
** if it is not in `from` any more (another fleetd, or the answer, won). */
fst_err fst_command_transition(fst_store *s, int64_t id, fst_cmd_state from, fst_cmd_state to, int64_t now);
/* The device's answer to the command it got as msg_id: state (succeeded,
** failed or expired), result (NULL: none), reason ("" none); *id (may be
** NULL) gets the command's id. FST_ERR_NOTFOUND: no such command of that
** device; FST_ERR_CONFLICT: it was answered already (a redelivery). */
fst_err fst_command_answer(fst_store *s, const char *device, const char *msg_id, fst_cmd_state st,
                           const int64_t *result, const char *reason, int64_t now, int64_t *id);
/* Pending commands whose expiry is after now, oldest first (to send). */
fst_err fst_commands_pending(fst_store *s, int64_t now, int64_t limit, fst_command **out, size_t *n);
/* Pending and sent commands whose expiry is at or before now: expired. */
fst_err fst_commands_expire(fst_store *s, int64_t now, int64_t *expired);
/* One past the highest blackbox record number stored for the device (its
** crashes' seq), 0 when none. */
fst_err fst_crash_next_seq(fst_store *s, const char *device, int64_t *next);

/* ---- counts for /metrics (fst_stats.c) --------------------------------- */

typedef struct fst_stats {
  int64_t devices, devices_online;
  int64_t jobs[FST_JOB__COUNT];            /* by fst_job_state */
  int64_t deployments[FST_DEPLOY__COUNT];  /* by fst_deploy_state */
} fst_stats;
fst_err fst_stats_get(fst_store *s, fst_stats *st);

#endif /* FLEET_STORE_H */
