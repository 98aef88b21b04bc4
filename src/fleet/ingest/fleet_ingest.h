/*
** fleet_ingest.h -- fleetd's MQTT ingest: what the devices' copilots send
** (docs/fleet-protocol.md) into the store (fleet_store.h).
**
** Three layers, each usable alone:
**
**   fin_parse    a pure function: (topic, payload) -> one typed record, or
**                a specific fin_err with the field and byte position at
**                fault. No I/O, no allocation; the record points into
**                nothing (every string is copied, bounded).
**   fin_writer   the batching writer: parsed records queue in memory and
**                go to the store in ONE transaction per batch, when the
**                batch holds `batch_max` records or `flush_ms` after its
**                first record. Duplicates (MQTT QoS 1 redelivery, a
**                blackbox read twice, a retained status seen again) are
**                stored once by the store's unique keys (see below). The
**                device registry is updated from status and heartbeats,
**                and every message moves the device's last_seen.
**   fin_client   the MQTT client (libmosquitto through src/copilot's
**                copl_mqtt: mqtts:// with mutual TLS, MQTT 5, reconnects
**                with backoff and jitter) on a thread of its own, feeding
**                fin_parse and the writer, with fin_publish for the rest of
**                fleetd (the rollout's jobs/notify and cmd).
**
** Duplicates, by kind (the sequence numbers the device gives, else its
** boot id and uptime):
**   telemetry   (device, boot_id, uptime_ms, name): one point per value
**   log         (device, boot_id, line): the device numbers its lines
**   blackbox    (device, rec_boot_id, seq): the record's own boot and
**               number, so the same crash read twice is one row
**   event, refused, dropped, cmd_response
**               (device, boot_id, uptime_ms, kind, dedup) where dedup is
**               the first 16 hex digits of the payload's SHA-256: a
**               redelivery is byte for byte the same message (the copilot
**               queues payloads, not values), two events in one
**               millisecond are not
**   status, heartbeat
**               not rows: they update the device (fst_device_report),
**               which is idempotent
**   job_update  handed to the on_job_update callback only (the rollout,
**               src/fleet/rollout, owns jobs); (job, seq) identifies an
**               update: seq counts a job's updates and never repeats
**
** Unknown fields in a payload are ignored (a newer copilot may add some
** within schema 1); a missing or other "v" is FIN_ERR_SCHEMA.
*/
#ifndef FLEET_INGEST_H
#define FLEET_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet_store.h"

#define FIN_SCHEMA 1
#define FIN_PAYLOAD_MAX 4096u     /* COP_MSG_MAX: the largest payload a copilot writes */
#define FIN_ID_MAX 64u            /* device, job and command ids */
#define FIN_TV_MAX 32u            /* telemetry values per message (LINK_TV_MAX) */
#define FIN_NAME_MAX 64u          /* telemetry names, program, file, function names */
#define FIN_TEXT_MAX 512u         /* a log line (120 device bytes, escaped) */
#define FIN_WORD_MAX 32u          /* states, reasons, kinds */

/* Errors: X(NAME, "wire name", "description"). */
#define FIN_ERRORS(X) \
  X(OK,         "ok",           "ok") \
  X(TOPIC,      "topic",        "not a device topic the backend reads (fleet/devices/{id}/...)") \
  X(DEVICE_ID,  "device_id",    "the topic's device id is not 1..64 of [A-Za-z0-9._-]") \
  X(JOB_ID,     "job_id",       "the topic's job id is not 1..64 of [A-Za-z0-9._-]") \
  X(EMPTY,      "empty",        "empty payload") \
  X(TOO_BIG,    "too_big",      "payload larger than FIN_PAYLOAD_MAX") \
  X(JSON,       "json",         "malformed JSON (json_err and pos say how and where)") \
  X(NOT_OBJECT, "not_object",   "the payload is not a JSON object") \
  X(SCHEMA,     "schema",       "missing or unsupported schema version \"v\"") \
  X(WRONG_TYPE, "wrong_type",   "the payload's \"type\" does not belong on its topic") \
  X(MISSING,    "missing",      "a required field is missing") \
  X(FIELD_TYPE, "field_type",   "a field has the wrong JSON type") \
  X(RANGE,      "range",        "a number out of range, or a string too long") \
  X(BAD_TIME,   "bad_time",     "time is not an RFC 3339 date-time") \
  X(BAD_BOOT,   "bad_boot",     "boot_id is not 8 hex digits, or boot_id and uptime_ms disagree on null") \
  X(BAD_VALUE,  "bad_value",    "a field's value is not one it may have (a state, a digest, a version)") \
  X(MISMATCH,   "mismatch",     "the payload's job id is not the topic's")

typedef enum fin_err {
#define X(n, w, d) FIN_ERR_##n,
  FIN_ERRORS(X)
#undef X
  FIN_ERR__COUNT
} fin_err;
const char *fin_err_name(fin_err e);   /* "too_big"; "?" if unknown */
const char *fin_err_str(fin_err e);

/* Message kinds: X(NAME, topic suffix under fleet/devices/{id}/ ("{job}":
** one level, the job id), payload types accepted there, space-separated). */
#define FIN_KINDS(X) \
  X(STATUS,       "status",            "status") \
  X(HEARTBEAT,    "heartbeat",         "heartbeat") \
  X(TELEMETRY,    "telemetry",         "telemetry") \
  X(LOG,          "logs",              "log") \
  X(EVENT,        "events",            "event refused dropped") \
  X(BLACKBOX,     "blackbox",          "blackbox") \
  X(JOB_UPDATE,   "jobs/{job}/update", "job_update") \
  X(CMD_RESPONSE, "cmd/response",      "cmd_response")

typedef enum fin_kind {
#define X(n, suf, types) FIN_K_##n,
  FIN_KINDS(X)
#undef X
  FIN_K__COUNT
} fin_kind;
const char *fin_kind_suffix(fin_kind k);   /* "jobs/{job}/update" */
const char *fin_kind_name(fin_kind k);     /* "JOB_UPDATE" */

/* The envelope every device message carries. */
typedef struct fin_stamp {
  int64_t time_ms;            /* "time": wall clock, Unix ms */
  bool known;                 /* false: boot_id and uptime_ms were null */
  char boot_id[9];            /* 8 lowercase hex digits, "" when not known */
  int64_t uptime_ms;          /* -1 when not known */
} fin_stamp;

typedef struct fin_status {
  bool online;                /* "state": "online" / "offline" */
  char reason[FIN_WORD_MAX];  /* offline: "lost" (the will), "shutdown"; "" online */
  bool has_device;            /* "device" not null */
  char vm_state[FIN_WORD_MAX], host_state[FIN_WORD_MAX], reset_reason[FIN_WORD_MAX];
  char bank[2];               /* "A", "B", "" none */
  bool trial;
  char program[FIN_NAME_MAX];
  char version[24];           /* "MAJOR.MINOR.PATCH" */
  int64_t counter;
  char digest[65];            /* the running image's SHA-256, lowercase hex */
  int64_t boots, faults, telemetry_ms;
} fin_status;

typedef struct fin_heartbeat {
  char vm_state[FIN_WORD_MAX], host_state[FIN_WORD_MAX];
  char bank[2];
  bool trial;
  int64_t steps, log_next, log_lost, notes_lost, bbox_next;
} fin_heartbeat;

typedef struct fin_tvalue {
  char name[FIN_NAME_MAX];
  int64_t value;
  bool guest;
} fin_tvalue;
typedef struct fin_telemetry {
  uint32_t count;
  fin_tvalue v[FIN_TV_MAX];
} fin_telemetry;

typedef struct fin_log {
  int64_t line, lost, level;
  char text[FIN_TEXT_MAX];
} fin_log;

/* An event: type "event" (kind = its "event", e.g. "trial_confirmed"),
** "refused" or "dropped" (kind = the type). The whole payload is kept as
** the stored event's detail. */
typedef struct fin_event {
  char kind[FIN_WORD_MAX];
  char name[FIN_NAME_MAX];    /* event: a guest event's name; refused: its reason */
  int64_t value;              /* event: value; dropped: count */
} fin_event;

typedef struct fin_blackbox {
  int64_t seq;                /* the record's number on the device */
  char kind[FIN_WORD_MAX];    /* fault, watchdog, ... */
  int64_t fault;
  char reset_reason[FIN_WORD_MAX];
  char bank[2];
  int64_t pc, line;
  int64_t func;               /* -1: null (unknown) */
  char func_name[FIN_NAME_MAX], file[FIN_NAME_MAX];
  char version[24];
  int64_t counter;
  char digest[65];
  char rec_boot_id[9];        /* the crash's own boot and uptime */
  int64_t rec_uptime_ms;
} fin_blackbox;

/* A job state report (jobs/{job}/update), for the rollout. */
typedef struct fin_job_update {
  char device[FIN_ID_MAX + 1];  /* from the topic */
  char job[FIN_ID_MAX + 1];     /* the topic's job id, equal to the payload's "job" */
  int64_t seq;                  /* 1, 2, ...: the job's updates, never repeated */
  fst_job_state state;          /* QUEUED ... CANCELED (fleet_store.h's names) */
  char phase[FIN_WORD_MAX];     /* IN_PROGRESS: downloading, verifying, programming,
                                   activating, trial; "" otherwise */
  int percent;                  /* downloading / programming: 0..100; -1 null */
  char reason[FIN_WORD_MAX];    /* "" null; else confirmed, trial_faulted, ... */
  bool has_device;              /* the device's refusal: */
  char dev_status[FIN_WORD_MAX];/*   the link status name ("VERIFY") */
  char dev_detail[FIN_WORD_MAX];/*   the cvm1_err name or a number, as text */
  char version[24];             /* the job's artifact version */
  char sha256[65];              /* and its SHA-256 */
  fin_stamp st;                 /* time, the device's boot and uptime */
} fin_job_update;

typedef struct fin_cmd_response {
  char id[FIN_ID_MAX + 1];    /* "" when the command's id was not read (null) */
  char op[FIN_WORD_MAX];      /* "" null */
  bool ok;
  char reason[FIN_WORD_MAX];  /* "" null */
  int64_t value;
} fin_cmd_response;

typedef struct fin_msg {
  fin_kind kind;
  char type[FIN_WORD_MAX];    /* the payload's "type" */
  char device[FIN_ID_MAX + 1];
  fin_stamp st;
  union {
    fin_status status;
    fin_heartbeat heartbeat;
    fin_telemetry telemetry;
    fin_log log;
    fin_event event;
    fin_blackbox blackbox;
    fin_job_update job;
    fin_cmd_response cmd;
  } u;
  char dedup[17];             /* payload digest (see the top of this file) */
} fin_msg;

/* Why a message was refused. */
typedef struct fin_why {
  fin_err err;
  const char *field;          /* the field at fault ("values[3].name" as "name"), or NULL */
  uint32_t pos;               /* byte offset in the payload */
  int json_err;               /* FIN_ERR_JSON: the JSON reader's reason, as */
  const char *json_reason;    /*   its wire name ("syntax", "depth", "utf8", ...) */
} fin_why;

/* Parse one message. topic: the full MQTT topic; payload[0..len). why may
** be NULL. On an error *out is partly written and must not be used. */
fin_err fin_parse(const char *topic, const void *payload, size_t len, fin_msg *out, fin_why *why);

/* The topic filters the backend subscribes to, one per kind, with "+" for
** the device and job levels, under prefix (e.g. "$share/fleetd/" for an
** MQTT 5 shared subscription, "" for a plain one). Returns the length, 0
** if it does not fit. */
size_t fin_filter(fin_kind k, const char *prefix, char *out, size_t cap);

/* ---- the batching writer ---------------------------------------------- */

typedef struct fin_writer fin_writer;

typedef struct fin_stats {
  uint64_t received;          /* messages handed to fin_writer_add / fin_client */
  uint64_t refused;           /* ... of them refused by fin_parse */
  uint64_t refused_by[FIN_ERR__COUNT];
  uint64_t by_kind[FIN_K__COUNT];   /* accepted, per kind */
  uint64_t rows_written;      /* new rows in the store */
  uint64_t duplicates;        /* records the store already had */
  uint64_t device_reports;    /* status and heartbeat updates applied */
  uint64_t batches, batch_errors;
  uint64_t dropped;           /* records given up (store failing, queue full) */
  uint64_t queued;            /* records waiting for the next batch now */
  int64_t lag_ms;             /* of the last batch: commit time minus the oldest record's time */
  uint64_t job_updates, cmd_responses;
  uint64_t published, acked;  /* fin_publish calls that went out; of them acknowledged (fin_client) */
} fin_stats;

typedef struct fin_writer_cfg {
  fst_store *store;           /* borrowed; used only from the writer's thread */
  size_t batch_max;           /* 0: 5000 records (bench-fleet: 500 cost a third of the rate) */
  uint32_t flush_ms;          /* 0: 200 ms */
  size_t queue_max;           /* 0: 100000 records; past it new records are dropped (counted) */
  /* Called for every job update as it is added (not batched), on the
  ** caller's thread; user is the callback's own. The ingest stores nothing
  ** for job updates itself. */
  void (*on_job_update)(void *user, const fin_job_update *u);
  /* Called for every command response (it is also stored as an event). */
  void (*on_cmd_response)(void *user, const char *device, const fin_cmd_response *r, const fin_stamp *st);
  /* Called for every message parsed and accepted, before it is queued, on
  ** the caller's thread (fleetd: a device back online, log lines to OTLP). */
  void (*on_msg)(void *user, const fin_msg *m);
  void *user;
  int64_t (*now_ms)(void);    /* monotonic ms for flush_ms (tests); NULL: CLOCK_MONOTONIC */
} fin_writer_cfg;

fin_writer *fin_writer_new(const fin_writer_cfg *cfg);   /* NULL: out of memory */
/* Flushes what is queued (one last batch), then frees. */
void fin_writer_free(fin_writer *w);
/* One parsed message, with its payload (kept as the detail of events and
** crashes). Status, heartbeat and records are queued; a job update goes to
** the callback at once. */
fin_err fin_writer_add(fin_writer *w, const fin_msg *m, const void *payload, size_t len);
/* Parse and add; a refused message is counted in the stats. */
fin_err fin_writer_ingest(fin_writer *w, const char *topic, const void *payload, size_t len, fin_why *why);
/* Write a batch if one is due (batch_max reached, or flush_ms since its
** first record); force: whatever is queued. Returns the store's error of a
** failed batch (which stays queued and is tried again), FST_ERR_OK
** otherwise. */
fst_err fin_writer_flush(fin_writer *w, bool force);
/* Milliseconds until the next batch is due (-1: nothing queued). */
int fin_writer_due_ms(fin_writer *w);
void fin_writer_stats(fin_writer *w, fin_stats *st);

/* ---- the MQTT client ---------------------------------------------------- */

typedef enum fin_client_err {
  FIN_CLIENT_OK = 0,
  FIN_CLIENT_ARG,             /* bad configuration (URL, files) */
  FIN_CLIENT_NOCONN,          /* publish while not connected: try again later */
  FIN_CLIENT_MQTT,            /* another client error (fin_client_errmsg) */
  FIN_CLIENT_THREAD           /* the thread could not start */
} fin_client_err;

typedef struct fin_client fin_client;

typedef struct fin_client_cfg {
  const char *url;            /* --broker mqtts://HOST:PORT */
  const char *ca_file;        /* --ca: the fleet CA */
  const char *cert_file;      /* --cert: fleetd's certificate (a `cockpit ca` server one) */
  const char *key_file;       /* --key */
  const char *client_id;      /* stable per fleetd (its session); required */
  const char *share_group;    /* shared-subscription group; NULL: "fleetd"; "": plain subscriptions */
  fin_writer_cfg writer;      /* the writer the client feeds (its store: the client's own) */
  /* The journal (NULL: none): every accepted message is appended to this
  ** file as it arrives (already acknowledged to the broker), and the file
  ** is emptied when a batch commits with nothing left queued. At start
  ** what it holds (a fleetd killed before its batch committed) is replayed
  ** into the store first; duplicates are recognised as ever, so a replay
  ** stores nothing twice. */
  const char *journal;
  /* connection changes, for the log: state "connected", "backoff", ... */
  void (*on_state)(void *user, const char *state, const char *detail);
  void *user;
} fin_client_cfg;

/* Make the client and start its thread (connects, subscribes, reconnects
** with backoff until fin_client_stop). NULL on failure with the reason in
** why. */
fin_client *fin_client_start(const fin_client_cfg *cfg, fin_client_err *err, char *why, size_t whycap);
/* Disconnect, write the last batch, join the thread, free. */
void fin_client_stop(fin_client *c);
/* Publish (thread-safe; also from the callbacks): QoS 1; expiry_s > 0 sets
** the MQTT 5 message expiry (commands). FIN_CLIENT_NOCONN while the broker
** is away: nothing is queued here, the caller tries again. */
fin_client_err fin_publish(fin_client *c, const char *topic, const void *payload, size_t len, bool retain,
                           uint32_t expiry_s);
bool fin_client_connected(fin_client *c);
void fin_client_stats(fin_client *c, fin_stats *st);
const char *fin_client_errmsg(fin_client *c);

#endif /* FLEET_INGEST_H */
