/*
** cop.h -- the copilot's portable core: the MQTT bridge's message formats,
** its job state machine and its on-disk queue (docs/fleet-protocol.md).
**
** Freestanding C11: no OS headers, no malloc, no stdio. Everything the
** core needs from the world comes through the small interfaces below
** (cop_storage for the queue, cop_transport for the Linux or ESP-IDF main
** loop); the job machine does no I/O at all: events in, actions out.
**
** Pieces:
**   cop_json.c   strict JSON reader (RFC 8259) into a caller's token array,
**                and a writer into a caller's buffer
**   cop_time.c   RFC 3339 date-times; the device's uptime mapped to wall
**                clock per boot id
**   cop_msg.c    encoders of every device->backend message, decoders of the
**                backend's job notify and cmd, the replay table
**   cop_job.c    the install job as a pure state machine, its persisted record
**   cop_queue.c  a bounded FIFO of messages in one storage blob, power-cut safe
**
** The tables (*.def, X-macros) are the single source of topics, job states,
** job reasons, commands and refusal reasons.
*/
#ifndef COP_H
#define COP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bbox.h"
#include "link.h"

#define COP_SCHEMA      1u      /* "v" of every payload */
#define COP_PAYLOAD_MAX 2048u   /* largest payload taken from the backend */
#define COP_MSG_MAX     4096u   /* largest payload the core writes (telemetry, bbox) */
#define COP_ID_MAX      64u     /* job, command and device ids */
#define COP_URL_MAX     256u
#define COP_TOPIC_MAX   (16u + COP_ID_MAX + 1u + COP_ID_MAX + 16u)
#define COP_TIME_LEN    24u     /* "2026-12-03T07:01:02.345Z" */
#define COP_WILL_DELAY_S 30u    /* MQTT 5 will delay of the offline status */

/* ---- tables ------------------------------------------------------------- */

enum { COP_UP = 0, COP_DOWN = 1 };

typedef enum cop_err {
#define X(name, wire, desc) COP_E_##name,
#include "cop_errors.def"
#undef X
  COP_E__COUNT
} cop_err;
const char *cop_err_name(cop_err e);    /* wire name, "?" if unknown */
const char *cop_err_str(cop_err e);

typedef enum cop_topic {
#define X(name, suffix, dir, qos, retain, queued) COP_T_##name,
#include "cop_topics.def"
#undef X
  COP_T__COUNT
} cop_topic;
typedef struct cop_topic_info {
  const char *suffix;
  uint8_t dir, qos, retain, queued;
} cop_topic_info;
const cop_topic_info *cop_topic_get(cop_topic t);   /* NULL if unknown */
/* "fleet/devices/{dev}/{suffix}" with {job} replaced by job (may be NULL
** where the suffix has none). Returns the length, 0 if it does not fit or
** an id is not safe (cop_id_ok). */
size_t cop_topic_name(char *out, size_t cap, cop_topic t, const char *dev, const char *job);
/* Ids: 1..COP_ID_MAX of [A-Za-z0-9._-] (safe as one topic level). */
bool cop_id_ok(const char *s, size_t n);

typedef enum cop_jstate {
#define X(name, wire, terminal) COP_JS_##name,
#include "cop_jobs.def"
#undef X
  COP_JS__COUNT
} cop_jstate;
const char *cop_jstate_name(uint32_t s);     /* "IN_PROGRESS", "?" */
bool cop_jstate_terminal(uint32_t s);

typedef enum cop_jreason {
#define X(name, wire, state, desc) COP_JR_##name,
#include "cop_reasons.def"
#undef X
  COP_JR__COUNT
} cop_jreason;
const char *cop_jreason_name(uint32_t r);
const char *cop_jreason_str(uint32_t r);
cop_jstate cop_jreason_state(uint32_t r);    /* the state it ends a job in */

typedef enum cop_rv {
#define X(name, wire, desc) COP_RV_##name,
#include "cop_reverts.def"
#undef X
  COP_RV__COUNT
} cop_rv;
const char *cop_rv_name(uint32_t c);         /* "timeout", "?" */
const char *cop_rv_str(uint32_t c);
const char *cop_fault_name(uint32_t f);      /* cvm_fault: "DIV_ZERO", "?" */

/* Why the device reverted a trial, as far as it tells (its bank's reject
** reason, its blackbox records, its events). */
typedef struct cop_revert {
  uint8_t cause;        /* cop_rv; COP_RV_NONE: not known */
  uint8_t fault;        /* cvm_fault of a FAULT, 0 none or not known */
  uint8_t where;        /* 1: pc (and line, 0 unknown) are known */
  uint8_t spare;
  uint32_t pc, line;
} cop_revert;

typedef enum cop_cmd_op {
#define X(name, op, desc) COP_CMD_##name,
#include "cop_cmds.def"
#undef X
  COP_CMD__COUNT
} cop_cmd_op;
const char *cop_cmd_name(uint32_t op);

/* ---- JSON --------------------------------------------------------------- */

#define COP_JSON_DEPTH 8u

typedef enum cop_jtype {
  COP_J_OBJECT, COP_J_ARRAY, COP_J_STRING, COP_J_NUMBER, COP_J_TRUE, COP_J_FALSE, COP_J_NULL
} cop_jtype;

/* One value. Strings: start/len are the bytes between the quotes (still
** escaped). Objects: children are key, value, key, value, ... (count is the
** number of members). next is the index of the token after this value and
** everything inside it. */
typedef struct cop_jtok {
  uint8_t type;
  uint32_t start, len;
  uint32_t count;
  uint32_t next;
} cop_jtok;

typedef struct cop_json {
  const char *src;
  uint32_t len;
  cop_jtok *tok;
  uint32_t ntok, cap;
  uint32_t err_pos;   /* byte offset of the error */
} cop_json;

/* Parse src[0..len) whole: one value, whitespace around it only. Strings
** must be valid UTF-8 without control characters and with valid escapes
** (surrogates paired); numbers as RFC 8259's grammar; no duplicate keys;
** at most COP_JSON_DEPTH levels and cap tokens. */
cop_err cop_json_parse(cop_json *j, const char *src, size_t len, cop_jtok *tok, uint32_t cap);
/* The same with another size limit than COP_PAYLOAD_MAX (the backend reads
** the copilot's own messages, up to COP_MSG_MAX). */
cop_err cop_json_parse_max(cop_json *j, const char *src, size_t len, cop_jtok *tok, uint32_t cap, size_t max);
/* The value of key in the object at token obj, or -1. */
int32_t cop_json_get(const cop_json *j, uint32_t obj, const char *key);
/* Unescape string token t into out (cap bytes, NUL-ended); *n its length.
** COP_E_TYPE if not a string, COP_E_RANGE if it does not fit. */
cop_err cop_json_str(const cop_json *j, uint32_t t, char *out, size_t cap, size_t *n);
/* Integer token t in [min, max] (no fraction or exponent). */
cop_err cop_json_int(const cop_json *j, uint32_t t, int64_t min, int64_t max, int64_t *v);

/* Writer: appends into buf; any overflow makes cop_jw_end return 0. Commas
** are placed by the writer; strings are escaped (control characters as
** \u00XX, invalid UTF-8 as U+FFFD). */
typedef struct cop_jw {
  char *buf;
  size_t cap, len;
  bool overflow;
  uint8_t depth;
  uint8_t first[COP_JSON_DEPTH + 1];   /* no member yet at this level */
  bool after_key;
} cop_jw;
void cop_jw_init(cop_jw *w, char *buf, size_t cap);
void cop_jw_obj(cop_jw *w);
void cop_jw_obj_end(cop_jw *w);
void cop_jw_arr(cop_jw *w);
void cop_jw_arr_end(cop_jw *w);
void cop_jw_key(cop_jw *w, const char *k);
void cop_jw_str(cop_jw *w, const char *s);
void cop_jw_strn(cop_jw *w, const char *s, size_t n);
void cop_jw_int(cop_jw *w, int64_t v);
void cop_jw_uint(cop_jw *w, uint64_t v);
void cop_jw_bool(cop_jw *w, bool v);
void cop_jw_null(cop_jw *w);
void cop_jw_hex(cop_jw *w, const uint8_t *p, size_t n);   /* as a string */
void cop_jw_version(cop_jw *w, const uint16_t v[3]);       /* "MAJOR.MINOR.PATCH" */
size_t cop_jw_end(cop_jw *w);   /* length (NUL-ended in buf), 0 on overflow */

/* ---- time --------------------------------------------------------------- */

/* Unix ms to "YYYY-MM-DDTHH:MM:SS.mmmZ" (COP_TIME_LEN chars + NUL; years
** 1970..9999, later clamp to 9999-12-31T23:59:59.999Z). */
void cop_time_fmt(uint64_t unix_ms, char out[COP_TIME_LEN + 1]);
/* RFC 3339 date-time (T or t, Z or +hh:mm/-hh:mm, any fraction digits,
** truncated to ms) to Unix ms. Leap second 60 is refused (COP_E_BAD_TIME). */
cop_err cop_time_parse(const char *s, size_t n, uint64_t *unix_ms);

/* Device uptime to wall clock, per boot: the first time a boot id is seen
** the offset (now - uptime) is taken and kept for that boot. */
#define COP_BOOTS 4u
typedef struct cop_clock {
  struct { uint32_t boot_id; int64_t offset; uint32_t used; } b[COP_BOOTS];
  uint32_t tick;
  bool have_last;
  uint32_t last_boot;     /* the boot seen most recently */
  uint64_t last_uptime;   /* and its uptime */
  uint64_t last_now;      /* at this copilot time */
} cop_clock;
void cop_clock_init(cop_clock *c);
/* Wall clock (Unix ms) of uptime_ms in boot boot_id, now being the
** copilot's clock. */
uint64_t cop_clock_map(cop_clock *c, uint32_t boot_id, uint64_t uptime_ms, uint64_t now_ms);

/* What stamps every device->backend message: time, boot_id, uptime_ms.
** known false: the copilot has not heard the device yet (boot_id and
** uptime_ms are null). */
typedef struct cop_stamp {
  uint64_t time_ms;
  uint32_t boot_id;
  uint64_t uptime_ms;
  bool known;
} cop_stamp;
/* A message from the device in boot boot_id at uptime. */
cop_stamp cop_stamp_dev(cop_clock *c, uint32_t boot_id, uint64_t uptime_ms, uint64_t now_ms);
/* A message of the copilot's own (refusals, job updates, will): the last
** boot seen, its uptime advanced to now. */
cop_stamp cop_stamp_now(const cop_clock *c, uint64_t now_ms);

/* ---- messages ------------------------------------------------------------ */

/* Encoders: write one payload into out (cap bytes, NUL-ended), return its
** length, 0 if it does not fit. */
/* What the copilot saw of the link (its heartbeats carry it): the device's
** notifications it never got (gaps in their numbering, per boot) and the
** damaged frames it received, since it started. */
typedef struct cop_linkstat {
  uint64_t notes_missed;
  uint64_t frames_bad;
} cop_linkstat;
size_t cop_enc_heartbeat(char *out, size_t cap, const cop_stamp *s, const link_heartbeat *h,
                         const cop_linkstat *l);
size_t cop_enc_log(char *out, size_t cap, const cop_stamp *s, const link_log_note *l);
size_t cop_enc_telemetry(char *out, size_t cap, const cop_stamp *s, const link_telemetry *t);
size_t cop_enc_event(char *out, size_t cap, const cop_stamp *s, const link_event_note *e);
size_t cop_enc_bbox(char *out, size_t cap, const cop_stamp *s, const bbox_rec *r);
/* status: online with the device's runtime status (st may be NULL: not
** known yet), or offline (the last will; reason "lost" or "shutdown"). */
size_t cop_enc_status(char *out, size_t cap, const cop_stamp *s, bool online,
                      const link_rt_status *st, const char *reason);
/* An event the copilot makes: a refusal of a payload (topic: the suffix
** it came on; id: the message's id if one was read, else NULL). */
size_t cop_enc_refusal(char *out, size_t cap, const cop_stamp *s, const char *topic,
                       const char *id, cop_err e, const char *field, uint32_t pos);
/* Queue overflow: count messages dropped since the last report. */
size_t cop_enc_dropped(char *out, size_t cap, const cop_stamp *s, uint32_t count, uint64_t total);

/* Job notify (backend -> device). */
typedef struct cop_job_msg {
  char id[COP_ID_MAX + 1];
  bool cancel;                  /* {"v":1,"id":..,"cancel":true} */
  uint8_t sha256[32];           /* of the whole artifact file */
  bool has_image;
  uint8_t image[32];            /* optional image_sha256: the CVM1 image digest */
  uint32_t size;
  char url[COP_URL_MAX + 1];
  uint16_t version[3];
  uint32_t timeout_s;           /* the job's deadline from its arrival (default 3600) */
  uint32_t trial_s;             /* time for the device's verdict on trial (default 300) */
} cop_job_msg;

/* Why a payload was refused. */
typedef struct cop_why {
  cop_err err;
  const char *field;            /* the field at fault, or NULL */
  uint32_t pos;                 /* byte offset for JSON errors */
  char id[COP_ID_MAX + 1];      /* the message's id if it was read, else "" */
} cop_why;

cop_err cop_dec_job(const char *p, size_t n, cop_job_msg *out, cop_why *why);

typedef struct cop_cmd {
  char id[COP_ID_MAX + 1];
  uint8_t op;                   /* cop_cmd_op */
  uint32_t from;                /* blackbox_read / blackbox_clear */
  uint32_t interval_ms;         /* telemetry_interval */
  uint64_t expires_ms;          /* Unix ms */
} cop_cmd;

/* Decode a cmd payload. expiry_left_s: the MQTT 5 message expiry interval
** left when it arrived (UINT32_MAX: none given); now_ms the copilot's
** clock. Refused COP_E_EXPIRED when its "expires" is past or the broker's
** expiry ran out (0 left). */
cop_err cop_dec_cmd(const char *p, size_t n, uint64_t now_ms, uint32_t expiry_left_s,
                    cop_cmd *out, cop_why *why);

/* A command's answer on cmd/response. ok false: reason is a cop_err wire
** name or a link status name (device refused). */
size_t cop_enc_cmd_response(char *out, size_t cap, const cop_stamp *s, const char *id,
                            uint32_t op, bool ok, const char *reason, int64_t value);

/* Replay protection: the ids of the last COP_REPLAY_N commands and jobs,
** with their expiry. A fixed-size struct the transport may persist as bytes
** (cop_replay_seal sets its CRC, cop_replay_check tests it). */
#define COP_REPLAY_N 16u
typedef struct cop_replay {
  uint32_t magic;
  uint32_t next;
  struct { char id[COP_ID_MAX + 1]; uint8_t kind; uint64_t until_ms; } e[COP_REPLAY_N];
  uint32_t crc;
} cop_replay;
void cop_replay_init(cop_replay *r);
/* true (and remembered) if id is new for kind; false: replayed. */
bool cop_replay_take(cop_replay *r, uint8_t kind, const char *id, uint64_t until_ms);
void cop_replay_seal(cop_replay *r);
bool cop_replay_check(const cop_replay *r);

/* ---- the job state machine ---------------------------------------------- */

/* What the copilot knows of the device (STATUS and RT_STATUS). */
typedef struct cop_dev {
  bool known;
  uint32_t boot_id;
  uint8_t running;              /* bank or LINK_NO_BANK */
  bool trial;                   /* the running program is not confirmed (on
                                ** trial, or rejected and about to be left) */
  uint8_t digest[32];           /* running program's image digest */
  uint8_t other_state;          /* link_bank_state of the other bank */
  uint8_t other_reason;         /* its link_reason when REJECTED */
  cop_revert rv;                /* why the other bank's trial was reverted, when
                                ** REJECTED and the transport found out */
} cop_dev;

/* Phases of IN_PROGRESS. */
#define COP_PHASES(X) \
  X(NONE,        "") \
  X(DOWNLOADING, "downloading") \
  X(VERIFYING,   "verifying") \
  X(PROGRAMMING, "programming") \
  X(ACTIVATING,  "activating") \
  X(TRIAL,       "trial")
typedef enum cop_phase {
#define X(name, wire) COP_PH_##name,
  COP_PHASES(X)
#undef X
  COP_PH__COUNT
} cop_phase;
const char *cop_phase_name(uint32_t p);

/* The persisted job record: fixed size, sealed with a CRC (cop_job_seal);
** the transport writes it as bytes under --state after every
** COP_JA_PERSIST, and gives it back to cop_job_resume after a restart. */
#define COP_JOB_MAGIC 0x4B504F43u   /* "COPK" (the record with rv, bbox_mark) */
#define COP_JOB_PAST  4u
#define COP_JOB_RESUMING 0x01u      /* spare[0]: resumed in ACTIVATING, STATUS decides */
typedef struct cop_job {
  uint32_t magic;
  uint8_t state, phase, reason, percent;
  uint8_t dev_status, spare[3];     /* link_st of a device refusal */
  uint32_t dev_detail;
  cop_job_msg m;
  uint8_t image[32];                /* image digest (from m or the download) */
  bool has_image;
  uint32_t dl_offset;               /* bytes downloaded and kept */
  uint32_t prog_offset;             /* last offset the device acknowledged */
  uint32_t boot_before;             /* the device's boot id when activated */
  uint64_t deadline_ms, trial_deadline_ms;
  uint32_t updates;                 /* job updates published (their seq) */
  uint32_t bbox_mark;               /* the device's next blackbox record at the activation */
  cop_revert rv;                    /* why the device reverted the trial (device.detail) */
  /* ids of the jobs that held the slot before (newest first): a late
  ** redelivery of one of them is refused COP_E_REPLAYED, never rerun */
  char past[COP_JOB_PAST][COP_ID_MAX + 1];
  uint32_t crc;
} cop_job;

typedef enum cop_jev_type {
  COP_JE_NOTIFY,      /* a job message (msg); also its duplicates */
  COP_JE_CANCEL,
  COP_JE_DL_PROGRESS, /* offset: bytes downloaded and kept */
  COP_JE_DL_DONE,
  COP_JE_DL_FAILED,
  COP_JE_DIGEST_OK,   /* digest: the artifact's image digest (CVM1), or NULL */
  COP_JE_DIGEST_BAD,
  COP_JE_PROG_PROGRESS, /* offset: acknowledged by the device */
  COP_JE_PROG_REFUSED,  /* status (link_st), detail (cvm1_err for VERIFY) */
  COP_JE_PROG_DONE,     /* installed and verified in the standby bank */
  COP_JE_ACTIVATED,     /* activated and reboot asked; offset: the device's next
                        ** blackbox record number then (kept in bbox_mark) */
  COP_JE_STATUS,        /* dev: the device's state now (dev->rv says why the
                        ** trial's bank was rejected, when it was) */
  COP_JE_REVERTED,      /* the device reverted the trial: detail its link_reason,
                        ** dev->rv (if dev) why */
  COP_JE_TICK           /* time passes */
} cop_jev_type;

typedef struct cop_jev {
  uint8_t type;
  uint64_t now_ms;
  const cop_job_msg *msg;
  uint32_t offset;
  uint8_t status;
  uint32_t detail;
  const uint8_t *digest;
  const cop_dev *dev;
} cop_jev;

/* Actions, a mask; the transport carries them out in this order. */
#define COP_JA_DOWNLOAD  0x001u   /* download from dl_offset (0: from the start) */
#define COP_JA_ABORT_DL  0x002u   /* stop the download */
#define COP_JA_VERIFY    0x004u   /* check size + sha256 of the downloaded file */
#define COP_JA_INSTALL   0x008u   /* BEGIN, DATA from prog_offset, VERIFY */
#define COP_JA_ACTIVATE  0x010u   /* ACTIVATE the bank, REBOOT */
#define COP_JA_STATUS    0x020u   /* ask the device's status, give it as COP_JE_STATUS */
#define COP_JA_PUBLISH   0x040u   /* publish cop_enc_job_update on jobs/{job}/update */
#define COP_JA_PERSIST   0x080u   /* write the sealed record */
#define COP_JA_DISCARD   0x100u   /* remove the downloaded file */

typedef struct cop_jact {
  uint32_t mask;
  cop_err refused;    /* a message or cancel refused (publish a refusal), else OK */
} cop_jact;

/* One job at a time: a notify for another job id while one is active is
** refused COP_E_BUSY (the backend's retained notify is taken once the slot
** is free); the same id and artifact again only republishes (never
** restarts), another artifact under it is COP_E_CONFLICT, the ids of the
** last COP_JOB_PAST jobs are COP_E_REPLAYED. A cancel is a notify with
** cancel set, or COP_JE_CANCEL (msg NULL: the current job); after
** programming started it is COP_E_TOO_LATE, for no such job COP_E_NO_JOB.
** The record's layout is its version: change COP_JOB_MAGIC with it. */
void cop_job_init(cop_job *j);   /* empty slot */
bool cop_job_active(const cop_job *j);
/* One event; returns the actions. Pure: no I/O, the record is the state,
** sealed after every step (write it on COP_JA_PERSIST, which comes with
** every COP_JA_PUBLISH so that an update's seq never repeats). */
cop_jact cop_job_step(cop_job *j, const cop_jev *ev);
/* After a restart: check the record (CRC, bounds) and say what to do to go
** on where it stopped (resume download / install, ask the status). */
cop_jact cop_job_resume(cop_job *j, uint64_t now_ms);
void cop_job_seal(cop_job *j);
bool cop_job_check(const cop_job *j);
/* The reason a device's refusal (link_st, and cvm1_err for VERIFY) ends a
** job with: REJECTED for the artifact's signature, key, counter, ABI or
** form, else FAILED device_refused. */
cop_jreason cop_job_refusal_reason(uint32_t status, uint32_t detail);
size_t cop_enc_job_update(char *out, size_t cap, const cop_stamp *s, const cop_job *j);

/* ---- the queue ----------------------------------------------------------- */

/* Storage: one blob (on Linux, one file under --state). read/write at an
** offset; sync makes earlier writes durable (fsync). All return 0 or < 0. */
typedef struct cop_storage {
  void *ctx;
  int (*read)(void *ctx, uint32_t off, void *p, uint32_t n);
  int (*write)(void *ctx, uint32_t off, const void *p, uint32_t n);
  int (*sync)(void *ctx);
} cop_storage;

/* Layout: two header slots at 0 and 64 (generation, head, tail, counts,
** CRC; the valid one with the higher generation wins), then a ring of
** records from COP_Q_DATA: len u16, topic u8, flags u8, crc u32 (of the
** header's first 4 bytes and the payload), payload. A record is written
** (and synced) before the header that makes it visible; a torn write
** leaves the old header in force. Overflow drops the OLDEST records
** (counted in dropped). */
#define COP_Q_HDR   64u
#define COP_Q_DATA  (2u * COP_Q_HDR)
#define COP_Q_REC   8u
typedef struct cop_queue {
  cop_storage st;
  uint32_t size;       /* ring bytes (blob size - COP_Q_DATA) */
  uint32_t gen;
  uint32_t head, tail; /* ring offsets: oldest record, where the next goes */
  uint32_t count;      /* records held */
  uint32_t used;       /* bytes held */
  uint64_t dropped;    /* records dropped for room, over the queue's life */
  uint64_t pushed, popped;
  uint32_t unreported; /* dropped since cop_queue_take_dropped */
} cop_queue;

/* Open (or create, if no header is valid) a queue in a blob of blob_size
** bytes (at least COP_Q_DATA + COP_Q_REC + 1). */
cop_err cop_queue_open(cop_queue *q, const cop_storage *st, uint32_t blob_size);
/* Append; drops the oldest records while there is no room (a payload over
** the ring's size is refused COP_E_TOO_BIG). */
cop_err cop_queue_push(cop_queue *q, uint8_t topic, const void *p, uint32_t n);
/* The oldest record, without removing it: into buf (cap), *n, *topic.
** COP_E_EMPTY when none. */
cop_err cop_queue_peek(cop_queue *q, uint8_t *topic, void *buf, uint32_t cap, uint32_t *n);
/* The k-th oldest record (0: the oldest, as cop_queue_peek): for sending
** several before the first is acknowledged. COP_E_EMPTY past the newest. */
cop_err cop_queue_peek_at(cop_queue *q, uint32_t k, uint8_t *topic, void *buf, uint32_t cap, uint32_t *n);
cop_err cop_queue_pop(cop_queue *q);    /* remove the oldest (after its PUBACK) */
uint32_t cop_queue_take_dropped(cop_queue *q);   /* dropped since the last call */
/* The oldest record's number: records are numbered from 0 as pushed, and
** each one popped or dropped for room takes its number with it, so a caller
** that sent the oldest record can tell whether it is still the oldest. */
static inline uint64_t cop_queue_head_seq(const cop_queue *q) { return q->popped + q->dropped; }
/* A record dropped for room that was delivered after all (it was in flight
** and the MQTT client sent it again): counted popped, not dropped. */
cop_err cop_queue_undrop(cop_queue *q);

/* ---- what the main loop gives the core --------------------------------- */

/* The transport the Linux (or ESP-IDF) side implements for its main loop;
** the core's pieces above take only what they need of it. expiry_s 0: none. */
typedef struct cop_transport {
  void *ctx;
  int (*publish)(void *ctx, const char *topic, const void *payload, size_t len,
                 uint8_t qos, bool retain, uint32_t expiry_s);
  uint64_t (*now_ms)(void *ctx);          /* Unix ms, the copilot's clock */
  cop_storage queue;                      /* the queue's blob */
  int (*save_job)(void *ctx, const cop_job *j);      /* sealed record */
  int (*save_replay)(void *ctx, const cop_replay *r);
} cop_transport;

/* Reconnect back-off: exponential from COP_BACKOFF_MIN_MS to
** COP_BACKOFF_MAX_MS with full jitter; rnd is the caller's random u32. */
#define COP_BACKOFF_MIN_MS 1000u
#define COP_BACKOFF_MAX_MS 60000u
uint32_t cop_backoff_ms(uint32_t attempt, uint32_t rnd);

uint32_t cop_crc32(uint32_t crc, const void *p, size_t n);   /* chains as crc32_update */

#endif /* COP_H */
