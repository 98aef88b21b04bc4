/*
** link.h -- the programming link: frames, messages and the client engine.
**
** Freestanding C11, shared by the device (the bootloader's protocol server
** in src/boot) and the host (`cockpit flash`); docs/boot-protocol.md is the
** specification. Three layers:
**
**   frames    one message per frame: message || CRC-32 (LE), COBS-encoded,
**             ended by a 0x00 byte. A receiver resynchronises at every 0x00,
**             so garbage costs at most the frame it hits.
**   messages  request  = cmd u8, seq u16, body
**             response = cmd|0x80 u8, seq u16 (echoed), status u8, body
**             Every request gets a response: status OK (ACK) with a body of
**             its own, or an error (NAK) with a u32 detail.
**   client    requests with timeouts and retries over a byte stream given
**             as callbacks, a windowed upload resumable at the last
**             acknowledged offset, and the flash workflow's single steps.
**
** All integers are little-endian.
*/
#ifndef LINK_H
#define LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LINK_PROTO_VERSION 1u
#define LINK_MAX_CHUNK  1024u     /* DATA bytes per frame, at most */
#define LINK_REQ_HDR    3u        /* cmd, seq */
#define LINK_RESP_HDR   4u        /* cmd|0x80, seq, status */
#define LINK_RESP_BIT   0x80u
#define LINK_MAX_MSG    (LINK_REQ_HDR + 4u + LINK_MAX_CHUNK)  /* a full DATA */
#define LINK_CRC_SIZE   4u
#define LINK_MAX_FRAME  (LINK_MAX_MSG + LINK_CRC_SIZE)        /* decoded */
/* COBS adds one byte per 254 and one more; then the 0x00 delimiter. */
#define LINK_WIRE_SIZE(n) ((n) + LINK_CRC_SIZE + ((n) + LINK_CRC_SIZE) / 254u + 2u)
#define LINK_MAX_WIRE   LINK_WIRE_SIZE(LINK_MAX_MSG)
#define LINK_NBANKS     2u
#define LINK_NO_BANK    0xFFu
#define LINK_DIGEST     32u
#define LINK_KEYID      8u

/* ---- frames ------------------------------------------------------------- */

/* Encode msg[0..n) as a frame into out (cap bytes; LINK_WIRE_SIZE(n) is
** always enough). Returns the wire length, 0 if it does not fit. */
uint32_t link_frame_encode(const uint8_t *msg, uint32_t n, uint8_t *out, uint32_t cap);
/* The same for the message a||b, without copying it together. */
uint32_t link_frame_encode2(const uint8_t *a, uint32_t na, const uint8_t *b, uint32_t nb,
                           uint8_t *out, uint32_t cap);

typedef enum link_rxev {
  LINK_RX_NONE,    /* byte taken, no frame ended */
  LINK_RX_FRAME,   /* a good frame: msg[0..len), until the next byte */
  LINK_RX_BAD      /* a frame ended damaged (encoding, CRC, size): dropped */
} link_rxev;

/* Streaming decoder: decodes COBS as bytes arrive, into its own buffer. */
typedef struct link_rx {
  uint8_t msg[LINK_MAX_FRAME];
  uint32_t len;           /* decoded bytes so far; message length after FRAME */
  uint8_t left;           /* data bytes left in the current COBS block */
  uint8_t code;           /* code byte of the current block, 0 before one */
  bool broken;            /* this frame is already damaged: wait for 0x00 */
  uint32_t frames, bad;   /* statistics */
} link_rx;

void link_rx_init(link_rx *r);
link_rxev link_rx_byte(link_rx *r, uint8_t b);

/* ---- commands and status codes ------------------------------------------ */

/* X(name, code, request body bytes (DATA: the fixed part), description) */
#define LINK_CMDS(X) \
  X(HELLO,    0x01,  0, "identify the device: versions, limits, boot id") \
  X(STATUS,   0x02,  0, "both banks, the running program, the install in progress") \
  X(BEGIN,    0x03, 46, "start or resume an install into the standby bank") \
  X(DATA,     0x04,  4, "write artifact bytes at an offset") \
  X(VERIFY,   0x05,  0, "check the received artifact in place and mark it installed") \
  X(ACTIVATE, 0x06,  1, "boot an installed bank next, as a trial") \
  X(CONFIRM,  0x07,  1, "confirm the running trial (raises the counter floor)") \
  X(REVERT,   0x08,  1, "reject a bank so that the other one boots next") \
  X(REBOOT,   0x09,  4, "restart the device after answering, if the boot id matches")

typedef enum link_cmd {
#define X(name, code, size, desc) LINK_##name = code,
  LINK_CMDS(X)
#undef X
  LINK_CMD__MAX
} link_cmd;

/* Status of a response: OK is an ACK, anything else a NAK whose u32 detail
** is given with the code. X(name, message) */
#define LINK_STATUSES(X) \
  X(OK,            "ok") \
  X(FRAME,         "frame damaged (encoding, CRC or size)") \
  X(UNKNOWN_CMD,   "unknown command") \
  X(LENGTH,        "message has the wrong length for its command") \
  X(STATE,         "command not valid now (no install in progress, or not complete)") \
  X(TRIAL,         "a trial is running: confirm or revert it first") \
  X(TOO_BIG,       "artifact larger than a bank") \
  X(ROLLBACK,      "security counter below the device's floor") \
  X(OFFSET,        "data not at the expected offset") \
  X(ALIGN,         "chunk offset or length not a multiple of 8 (only the last may be shorter)") \
  X(RANGE,         "data beyond the announced size") \
  X(MISMATCH,      "bytes or fields differ from what the device holds or announced") \
  X(DIGEST,        "received artifact does not match the announced digest") \
  X(VERIFY,        "artifact refused by the device") \
  X(FLASH,         "flash operation failed") \
  X(BANK,          "no such bank, or it is the running one") \
  X(NOT_INSTALLED, "bank holds no installed artifact") \
  X(DAMAGED,       "bank record damaged by a power loss: install again") \
  X(NOT_TRIAL,     "bank is not the running trial") \
  X(NO_FALLBACK,   "the other bank cannot boot: nothing to revert to") \
  X(REJECTED,      "bank was rejected: install again")

typedef enum link_st {
#define X(name, msg) LINK_ST_##name,
  LINK_STATUSES(X)
#undef X
  LINK_ST__COUNT
} link_st;

const char *link_st_str(link_st s);
const char *link_st_name(link_st s);
const char *link_cmd_name(uint32_t cmd);     /* "?" if unknown */
int link_cmd_body(uint32_t cmd);             /* request body bytes, -1 unknown */

/* ---- message bodies ------------------------------------------------------ */

/* Device modes (HELLO). */
enum { LINK_MODE_BOOTLOADER = 0, LINK_MODE_RUNNING = 1 };

typedef struct link_info {      /* HELLO response, LINK_INFO_SIZE bytes */
  uint16_t proto;
  uint32_t device_id;
  uint32_t boot_id;             /* changes at every boot */
  uint16_t boot_version[3];     /* bootloader */
  uint16_t hv_version[3];       /* hypervisor */
  uint16_t max_chunk;           /* DATA bytes per frame the device takes */
  uint8_t window;               /* DATA frames the client may have in flight */
  uint8_t nbanks;
  uint32_t bank_capacity;       /* largest artifact */
  uint8_t mode;                 /* LINK_MODE_* */
} link_info;
#define LINK_INFO_SIZE 31u

/* Bank states (STATUS). X(name, description) */
#define LINK_BANK_STATES(X) \
  X(EMPTY,     "empty") \
  X(WRITING,   "install in progress") \
  X(INVALID,   "no valid artifact") \
  X(INSTALLED, "installed, not activated") \
  X(PENDING,   "activated: boots next as a trial") \
  X(TRIAL,     "on trial, not confirmed") \
  X(CONFIRMED, "confirmed") \
  X(REJECTED,  "rejected")

typedef enum link_bank_state {
#define X(name, desc) LINK_BANK_##name,
  LINK_BANK_STATES(X)
#undef X
  LINK_BANK__COUNT
} link_bank_state;

/* Why a bank was rejected. X(name, description) */
#define LINK_REASONS(X) \
  X(NONE,       "-") \
  X(FAULT,      "the program faulted on trial") \
  X(NO_CONFIRM, "trial ended without confirmation (reset, watchdog, power loss)") \
  X(MANUAL,     "reverted by command") \
  X(VERIFY,     "failed verification at boot") \
  X(UNKNOWN,    "reason record damaged")

typedef enum link_reason {
#define X(name, desc) LINK_REASON_##name,
  LINK_REASONS(X)
#undef X
  LINK_REASON__COUNT
} link_reason;

const char *link_bank_state_name(uint32_t s);   /* "trial", ... */
const char *link_bank_state_str(uint32_t s);
const char *link_reason_name(uint32_t r);
const char *link_reason_str(uint32_t r);

typedef struct link_bank {      /* LINK_BANK_SIZE bytes */
  uint8_t state;                /* link_bank_state */
  uint8_t reason;               /* link_reason, when REJECTED */
  uint8_t verdict;              /* cvm1_err of the device's check, 0 = ok */
  uint8_t flags;                /* LINK_BF_* */
  uint32_t gen;                 /* activation generation, 0 never */
  uint32_t size;                /* artifact bytes, 0 unknown */
  uint16_t version[3];
  uint32_t counter;             /* security counter */
  uint8_t keyid[LINK_KEYID];    /* zero if unsigned */
  uint8_t digest[LINK_DIGEST];  /* the artifact's image digest (CVM1 SHA256) */
} link_bank;
#define LINK_BANK_SIZE 62u
#define LINK_BF_RUNNING 0x01u   /* this bank's program is running */
#define LINK_BF_SIGNED  0x02u   /* it carries a signature */

typedef struct link_status {    /* STATUS response, LINK_STATUS_SIZE bytes */
  uint32_t floor;               /* security-counter floor */
  uint32_t boot_id;
  uint8_t running;              /* bank, or LINK_NO_BANK */
  uint8_t ses_bank;             /* install in progress into, or LINK_NO_BANK */
  uint32_t ses_size, ses_next;  /* its size and next expected offset */
  link_bank bank[LINK_NBANKS];
} link_status;
#define LINK_STATUS_SIZE (18u + LINK_NBANKS * LINK_BANK_SIZE)

typedef struct link_begin {     /* BEGIN request */
  uint32_t size;
  uint8_t digest[LINK_DIGEST];  /* SHA-256 of all size bytes (transfer digest) */
  uint16_t version[3];          /* as in the artifact's header */
  uint32_t counter;
} link_begin;

/* Little-endian helpers. */
static inline void link_put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void link_put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static inline uint32_t link_get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static inline uint32_t link_get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void link_put64(uint8_t *p, uint64_t v) {
  link_put32(p, (uint32_t)v);
  link_put32(p + 4, (uint32_t)(v >> 32));
}
static inline uint64_t link_get64(const uint8_t *p) {
  return (uint64_t)link_get32(p) | (uint64_t)link_get32(p + 4) << 32;
}

/* Body codecs: put writes exactly the *_SIZE bytes; get reads them from a
** body of len bytes and returns false if len is not that size. */
void link_info_put(uint8_t *p, const link_info *in);
bool link_info_get(const uint8_t *p, uint32_t len, link_info *out);
void link_status_put(uint8_t *p, const link_status *st);
bool link_status_get(const uint8_t *p, uint32_t len, link_status *out);
#define LINK_BEGIN_SIZE 46u
void link_begin_put(uint8_t *p, const link_begin *b);
bool link_begin_get(const uint8_t *p, uint32_t len, link_begin *out);


/* ---- the sideband: runtime messages (docs/sideband.md) --------------------
** The hypervisor answers these beside the programming commands above, on
** the same link and framing (src/run serves them; the bootloader answers
** them UNKNOWN_CMD, which is how a client tells it is in bootloader mode).
** Integers little-endian; strings are length-prefixed bytes, not NUL-ended.
** X(name, code, request body bytes, description) */
#define LINK_RT_CMDS(X) \
  X(RT_STATUS,        0x10, 0, "runtime status: VM state, program, uptime, boot id, reset reason, counters") \
  X(TELEMETRY,        0x11, 0, "the current telemetry values, the host's and the guest's") \
  X(LOGS,             0x12, 4, "guest output lines from a sequence number on") \
  X(BLACKBOX,         0x13, 5, "read crash records from a sequence number on, or clear them") \
  X(SET,              0x14, 5, "set a runtime setting (telemetry interval, log level, notifications)") \
  X(ENTER_BOOTLOADER, 0x15, 4, "stop the program at a safe point and restart into the bootloader")

typedef enum link_rt_cmd {
#define X(name, code, size, desc) LINK_##name = code,
  LINK_RT_CMDS(X)
#undef X
  LINK_RT_CMD__END
} link_rt_cmd;

int link_rt_cmd_body(uint32_t cmd);          /* request body bytes, -1 not a runtime command */
const char *link_rt_cmd_name(uint32_t cmd);  /* "?" if unknown */

/* Notifications: sent by the device on its own, only to a client that asked
** for them (SET NOTIFY with a mask of their bits), framed like responses:
**   0xC0|kind u8 | seq u16 (the notifications' own sequence) | status u8 (0) | body
** No request has bit 0x40 set, so no answer is ever taken for one; a client
** that did not ask skips them by type. A subscription lapses after
** LINK_NOTE_LEASE_MS without a request from the client, and at every reset.
** X(name, kind, description) */
#define LINK_NOTE_BIT      0x40u
#define LINK_NOTE_LEASE_MS 10000u
#define LINK_NOTES(X) \
  X(HEARTBEAT, 1, "the device is alive: uptime, boot id, states, counters (fixed interval)") \
  X(LOG,       2, "one line of guest output, numbered") \
  X(TELEMETRY, 3, "a telemetry sample: every value at the set interval") \
  X(EVENT,     4, "program started, exited, faulted, trial confirmed, reverted, watchdog reset, ...")

typedef enum link_note {
#define X(name, kind, desc) LINK_NOTE_##name = kind,
  LINK_NOTES(X)
#undef X
  LINK_NOTE__END
} link_note;
#define LINK_NOTE_MASK(kind) (1u << (kind))
bool link_is_note(const uint8_t *msg, uint32_t len);   /* a notification frame? */
const char *link_note_name(uint32_t kind);             /* "heartbeat", "?" */

/* VM states. X(name, description) */
#define LINK_VM_STATES(X) \
  X(NONE,     "no program") \
  X(RUNNING,  "running") \
  X(SLEEPING, "sleeping (delay)") \
  X(EXITED,   "main returned") \
  X(FAULTED,  "faulted") \
  X(LIMIT,    "stopped by a limit") \
  X(STOPPED,  "stopped for the bootloader")
typedef enum link_vm_state {
#define X(name, desc) LINK_VM_##name,
  LINK_VM_STATES(X)
#undef X
  LINK_VM__COUNT
} link_vm_state;

/* The host's state machine (docs/sideband.md draws the transitions). */
#define LINK_HOST_STATES(X) \
  X(READY,                "idle, waiting for requests") \
  X(RX_ACTIVE,            "receiving a frame") \
  X(PROCESSING,           "carrying out a request (flash writes)") \
  X(BOOTLOADER_REQUESTED, "ENTER_BOOTLOADER taken: stopping at the next safe point") \
  X(DEGRADED,             "a service failed (flash, display, link errors): running, reported")
typedef enum link_host_state {
#define X(name, desc) LINK_HOST_##name,
  LINK_HOST_STATES(X)
#undef X
  LINK_HOST__COUNT
} link_host_state;

/* Why the device last reset (values shared with src/bbox). */
#define LINK_RESETS(X) \
  X(POWER_ON, "power-on") \
  X(SOFTWARE, "software") \
  X(WATCHDOG, "watchdog") \
  X(PIN,      "reset pin") \
  X(BROWNOUT, "brown-out") \
  X(UNKNOWN,  "unknown")
typedef enum link_reset {
#define X(name, desc) LINK_RESET_##name,
  LINK_RESETS(X)
#undef X
  LINK_RESET__COUNT
} link_reset;

/* Events (EVENT notifications). X(name, description) */
#define LINK_EVENTS(X) \
  X(STARTED,         "program started") \
  X(EXITED,          "main returned") \
  X(FAULTED,         "program faulted") \
  X(LIMIT,           "program stopped by a limit") \
  X(TRIAL_CONFIRMED, "trial confirmed") \
  X(REVERTED,        "trial rejected: the previous program runs after the reset") \
  X(WATCHDOG_RESET,  "the last reset was the watchdog's") \
  X(BOOTLOADER,      "entering the bootloader") \
  X(CRASH,           "a crash record was written to the blackbox")
typedef enum link_event {
#define X(name, desc) LINK_EV_##name,
  LINK_EVENTS(X)
#undef X
  LINK_EV__COUNT
} link_event;

const char *link_vm_state_name(uint32_t s);     /* lower case: "running" */
const char *link_host_state_name(uint32_t s);   /* "ready", "rx_active", ... */
const char *link_reset_name(uint32_t r);        /* "watchdog" */
const char *link_event_name(uint32_t e);        /* "trial_confirmed" */
/* Names are the tables' identifiers in lower case ("power_on"), for JSON and
** for tokens in text; *_str are the description column, for sentences.
** Both "?" for a value outside the table. */
const char *link_vm_state_str(uint32_t s);      /* "sleeping (delay)" */
const char *link_host_state_str(uint32_t s);
const char *link_reset_str(uint32_t r);         /* "power-on" */
const char *link_event_str(uint32_t e);
const char *link_set_key_name(uint32_t k);      /* "telemetry_ms" */

/* SET keys. X(name, code, description) */
#define LINK_SET_KEYS(X) \
  X(TELEMETRY_MS, 1, "telemetry sample interval in ms (0: no samples)") \
  X(LOG_LEVEL,    2, "guest output at or above this level is kept (0 all)") \
  X(NOTIFY,       3, "notifications wanted: a mask of 1 << kind (0 none)")
typedef enum link_set_key {
#define X(name, code, desc) LINK_SET_##name = code,
  LINK_SET_KEYS(X)
#undef X
  LINK_SET__END
} link_set_key;

#define LINK_NAME_MAX 32u      /* telemetry names, program names */

typedef struct link_rt_status {  /* RT_STATUS response, LINK_RT_STATUS_SIZE bytes */
  uint8_t vm_state;              /* link_vm_state */
  uint8_t host_state;            /* link_host_state */
  uint8_t reset_reason;          /* link_reset */
  uint8_t running;               /* bank, or LINK_NO_BANK */
  uint8_t trial;                 /* 1: the program runs on trial */
  uint8_t flags;                 /* LINK_RTF_* */
  uint16_t version[3];           /* running program */
  uint32_t counter;
  uint8_t digest[LINK_DIGEST];   /* its image digest */
  uint32_t boot_id, boots;       /* boots: resets since power-on */
  uint64_t uptime_ms, steps;     /* since this boot */
  int32_t exit_code;             /* EXITED */
  uint32_t fault, fault_pc;      /* FAULTED (cvm_fault), or LIMIT's pc */
  uint32_t faults;               /* guest faults since power-on */
  uint32_t link_frames, link_errors, naks;   /* frames in, damaged frames, NAKs sent */
  uint32_t log_next, log_lost;   /* next log line's number; lines lost to a full ring */
  uint32_t notes_lost;           /* notifications the link could not take */
  uint32_t telem_dropped;        /* telemetry calls dropped by the rate limit */
  uint32_t bbox_next, bbox_count;   /* blackbox: next record number, records held */
  uint32_t stack_free;           /* VM memory never used by the stacks, bytes */
  uint32_t gap_max_us;           /* longest gap between two service passes */
  uint32_t telemetry_ms;         /* settings in force */
  uint8_t log_level;
  uint8_t name_len;
  char name[LINK_NAME_MAX];      /* program name (source file), name_len bytes used */
} link_rt_status;
#define LINK_RTF_BOOTLOADER 0x01u  /* ENTER_BOOTLOADER requested */
#define LINK_RTF_OLED       0x02u  /* the status display answers */
#define LINK_RTF_NOTIFY     0x04u  /* notifications are subscribed */
#define LINK_RT_STATUS_SIZE 170u

/* Telemetry values: TELEMETRY's response and TELEMETRY notification bodies
** are `uptime_ms u64, count u8` then count entries of
** `flags u8 (LINK_TV_GUEST), value i64, name_len u8, name`. */
#define LINK_TV_GUEST 0x01u
typedef struct link_tvalue {
  uint8_t flags;
  int64_t value;
  uint8_t name_len;
  char name[LINK_NAME_MAX];
} link_tvalue;
#define LINK_TV_MAX 32u
typedef struct link_telemetry {
  uint64_t uptime_ms;
  uint32_t count;
  link_tvalue v[LINK_TV_MAX];
} link_telemetry;

/* LOGS response: `first u32, next u32, lost u32, count u8` then count lines
** of `level u8, len u8, text`, numbered first, first+1, ... (lost: lines
** between the request's number and first that the ring no longer holds).
** LOG notification: `seq u32, lost u32 (lost just before it), level u8,
** uptime_ms u64, text` (the rest of the body). */
#define LINK_LOG_LINE_MAX 120u
#define LINK_LOGS_FIXED 13u       /* LOGS response before its lines */
#define LINK_LOG_NOTE_FIXED 17u   /* LOG notification before its text */
typedef struct link_log_note {
  uint32_t seq, lost;
  uint8_t level;
  uint64_t uptime_ms;
  uint8_t len;
  char text[LINK_LOG_LINE_MAX];   /* len bytes used, not NUL-ended */
} link_log_note;
/* A LOGS response, checked whole by link_logs_get; its lines walked with
** link_logs_line (false after the last). */
typedef struct link_logs {
  uint32_t first, next, lost, count;
  const uint8_t *p;               /* the lines */
  uint32_t len, at;
} link_logs;

/* BLACKBOX request: `op u8 (LINK_BB_READ / LINK_BB_CLEAR), from u32`.
** READ response: `next u32 (ask from here next), held u32, rec_size u16,
** count u8` then count records of rec_size bytes (src/bbox's wire format).
** CLEAR response: `next u32` (the next record number after the clear).
** CLEAR removes the records numbered below `from` (a client passes the
** `next` of its last READ, so a record made in between is kept).
** SET request: `key u8, value u32`; response: `value u32`, the value now in
** force; an unknown key is NAKed RANGE (detail: the key).
** ENTER_BOOTLOADER request: `boot_id u32` (as REBOOT's); empty ACK. */
enum { LINK_BB_READ = 0, LINK_BB_CLEAR = 1 };
#define LINK_BB_READ_FIXED 11u    /* READ response before its records */
typedef struct link_bb_read {
  uint32_t next, held;
  uint16_t rec_size;
  uint8_t count;
  const uint8_t *recs;            /* count * rec_size bytes */
} link_bb_read;

/* HEARTBEAT body: `uptime_ms u64, boot_id u32, vm_state u8, host_state u8,
** running u8, trial u8, steps u64, log_next u32, log_lost u32, notes_lost
** u32, bbox_next u32` (LINK_HEARTBEAT_SIZE). */
typedef struct link_heartbeat {
  uint64_t uptime_ms;
  uint32_t boot_id;
  uint8_t vm_state, host_state, running, trial;
  uint64_t steps;
  uint32_t log_next, log_lost, notes_lost, bbox_next;
} link_heartbeat;
#define LINK_HEARTBEAT_SIZE 40u

/* EVENT body: `uptime_ms u64, event u8, bank u8, value i32 (exit code,
** fault, guest value), pc u32, version u16[3], name_len u8, name` (name:
** the guest event's name, or empty). */
typedef struct link_event_note {
  uint64_t uptime_ms;
  uint8_t event;
  uint8_t bank;
  int32_t value;
  uint32_t pc;
  uint16_t version[3];
  uint8_t name_len;
  char name[LINK_NAME_MAX];
} link_event_note;
#define LINK_EVENT_FIXED 25u      /* EVENT body before its name */
/* The largest body a response or notification can carry. */
#define LINK_MAX_BODY (LINK_MAX_MSG - LINK_RESP_HDR)

/* Codecs. put returns the bytes written (cap: the room there is; 0 if it
** does not fit); get returns false on any malformed body (wrong length,
** count beyond what the body holds, a name over LINK_NAME_MAX). */
uint32_t link_rt_status_put(uint8_t *p, uint32_t cap, const link_rt_status *s);
bool link_rt_status_get(const uint8_t *p, uint32_t len, link_rt_status *s);
uint32_t link_telemetry_put(uint8_t *p, uint32_t cap, const link_telemetry *t);
/* One entry of a telemetry body (a device encodes its values in place). */
uint32_t link_tvalue_put(uint8_t *p, uint32_t cap, uint8_t flags, int64_t value,
                         const char *name, uint32_t len);
bool link_telemetry_get(const uint8_t *p, uint32_t len, link_telemetry *t);
uint32_t link_heartbeat_put(uint8_t *p, uint32_t cap, const link_heartbeat *h);
bool link_heartbeat_get(const uint8_t *p, uint32_t len, link_heartbeat *h);
uint32_t link_event_put(uint8_t *p, uint32_t cap, const link_event_note *e);
bool link_event_get(const uint8_t *p, uint32_t len, link_event_note *e);
uint32_t link_log_note_put(uint8_t *p, uint32_t cap, const link_log_note *l);
bool link_log_note_get(const uint8_t *p, uint32_t len, link_log_note *l);
bool link_logs_get(const uint8_t *p, uint32_t len, link_logs *out);
bool link_logs_line(link_logs *it, uint8_t *level, const uint8_t **text, uint32_t *n);
bool link_bb_read_get(const uint8_t *p, uint32_t len, link_bb_read *out);
/* Encode one notification (header + body) as a frame into out (0 if it does
** not fit, or the body is over LINK_MAX_BODY, or kind is over 0x3F). */
uint32_t link_note_encode(uint8_t kind, uint16_t seq, const uint8_t *body, uint32_t n,
                          uint8_t *out, uint32_t cap);

/* ---- client engine ------------------------------------------------------- */

/* The byte stream, as callbacks. send: all n bytes or < 0. recv: waits up
** to timeout_ms for at least one byte; returns bytes read, 0 on timeout,
** < 0 when the link is gone. now_ms: a monotonic clock. */
typedef struct link_io {
  void *ctx;
  int (*send)(void *ctx, const uint8_t *p, uint32_t n);
  int (*recv)(void *ctx, uint8_t *p, uint32_t cap, uint32_t timeout_ms);
  uint64_t (*now_ms)(void *ctx);
} link_io;
#define LINK_MAX_WINDOW 8u

typedef enum link_cerr {
  LINK_C_OK,
  LINK_C_NAK,        /* the device refused: status and detail say why */
  LINK_C_TIMEOUT,    /* no answer after every retry */
  LINK_C_IO,         /* the byte stream failed */
  LINK_C_PROTO,      /* an answer that makes no sense (wrong body) */
  LINK_C_ARG         /* bad argument (artifact too large, ...) */
} link_cerr;
const char *link_cerr_str(link_cerr e);

typedef void (*link_progress_fn)(void *ctx, uint32_t done, uint32_t total);

typedef struct link_client {
  link_io io;
  uint32_t timeout_ms;    /* per answer (default 1000) */
  uint32_t retries;       /* resends before giving up (default 5) */
  uint16_t seq;
  link_st st;             /* last NAK's status and detail */
  uint32_t detail;
  uint8_t last_cmd;       /* command of the last NAK */
  /* statistics */
  uint32_t sent_frames, resent, timeouts, bad_frames, stale;
  bool flushed;           /* the 0x00 that ends any earlier garbage was sent */
  link_rx rx;
  uint8_t in[256];        /* bytes received, not yet decoded */
  uint32_t in_pos, in_len;
  uint8_t tx[LINK_MAX_WIRE];
  uint8_t msg[LINK_MAX_MSG];
  uint8_t resp[LINK_MAX_MSG];  /* body of the last matched response */
  uint32_t resp_len;
  /* Notifications (docs/sideband.md): handed to on_note as they arrive,
  ** while a request waits or in link_poll; skipped (counted) without one. */
  void (*on_note)(void *ctx, uint8_t kind, uint16_t seq, const uint8_t *body, uint32_t n);
  void *note_ctx;
  uint32_t notes;
} link_client;

void link_client_init(link_client *c, const link_io *io);

/* One request with retries: body[0..n) out, response body in c->resp. */
link_cerr link_request(link_client *c, uint8_t cmd, const uint8_t *body, uint32_t n);

link_cerr link_hello(link_client *c, link_info *out);
link_cerr link_get_status(link_client *c, link_status *out);
/* BEGIN: *bank and *next (where to resume) from the device. */
link_cerr link_begin_req(link_client *c, const link_begin *b, uint8_t *bank, uint32_t *next);
/* DATA from offset `from` to the end of art, `window` frames in flight,
** `chunk` bytes each (multiple of 8, at most LINK_MAX_CHUNK). Goes back to
** the device's expected offset on a NAK OFFSET or a timeout. */
link_cerr link_upload(link_client *c, const uint8_t *art, uint32_t len, uint32_t from,
                      uint32_t chunk, uint32_t window, link_progress_fn fn, void *ctx);
link_cerr link_verify(link_client *c, uint8_t *bank);
link_cerr link_bank_cmd(link_client *c, uint8_t cmd, uint8_t bank);  /* ACTIVATE/CONFIRM/REVERT */
link_cerr link_reboot(link_client *c, uint32_t boot_id);
/* Runtime requests (the sideband); bodies decoded with the codecs above. */
link_cerr link_rt_status_req(link_client *c, link_rt_status *out);
link_cerr link_telemetry_req(link_client *c, link_telemetry *out);
link_cerr link_logs_req(link_client *c, uint32_t from);          /* body in c->resp */
link_cerr link_blackbox_req(link_client *c, uint8_t op, uint32_t from);  /* body in c->resp */
link_cerr link_set_req(link_client *c, uint8_t key, uint32_t value, uint32_t *now);
link_cerr link_enter_bootloader(link_client *c, uint32_t boot_id);
/* Wait up to wait_ms for notifications (to on_note) without a request;
** LINK_C_OK at the end of the wait, LINK_C_IO if the link failed. */
link_cerr link_poll(link_client *c, uint32_t wait_ms);
/* HELLO until the device answers with a boot id other than old_id, for up
** to wait_ms (in timeout_ms steps). */
link_cerr link_wait_reboot(link_client *c, uint32_t old_id, uint32_t wait_ms, link_info *out);

/* What BEGIN announces for an artifact: size, SHA-256 of all of it, and
** version and counter from its header (false if it is not a well-formed
** CVM1 artifact). */
bool link_begin_for(const uint8_t *art, uint32_t len, link_begin *out);

/* ---- the flash workflow (`cockpit flash`) -------------------------------- */

typedef struct link_flash_opts {
  bool confirm;              /* confirm the trial once it runs */
  uint32_t reboot_wait_ms;   /* for the device to come back (default 10000) */
  uint32_t resumes;          /* lost links resumed with BEGIN (default 3) */
  link_progress_fn progress;
  void *ctx;
} link_flash_opts;

/* Where the workflow stopped: a command (link_cmd), or one of these. */
enum { LINK_STEP_ARTIFACT = 0x20, LINK_STEP_RUN = 0x21 };

typedef struct link_flash_result {
  uint8_t step;              /* the failing step, 0 on success */
  uint8_t bank;              /* where the artifact went */
  bool already;              /* it was running already: nothing sent */
  bool confirmed;            /* it runs confirmed */
  uint32_t resumed;          /* uploads resumed after a lost link */
  link_status st;            /* the device's last STATUS */
} link_flash_result;

/* Install art (a CVM1 artifact) into the standby bank, verify it there,
** activate it, reboot the device and check that it runs it as a trial, then
** confirm if asked. A device already running it (same image digest and key
** id) is left alone (confirmed if asked and on trial). LINK_C_NAK with
** c->st when the device refuses, LINK_C_PROTO with step LINK_STEP_RUN when
** it came back running something else (the trial was reverted). */
link_cerr link_flash(link_client *c, const uint8_t *art, uint32_t len,
                     const link_flash_opts *o, link_flash_result *r);
/* Reject the running bank so that the other one boots, and reboot. */
link_cerr link_revert_running(link_client *c, uint32_t wait_ms, link_flash_result *r);
/* Does bank b of st hold art (image digest and key id)? */
bool link_bank_holds(const link_bank *b, const uint8_t *art, uint32_t len);

#endif /* LINK_H */
