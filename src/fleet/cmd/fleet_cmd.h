/*
** fleet_cmd.h -- commands to devices (POST /api/v1/devices/{id}/commands,
** docs/fleet-api.md): the ops, the cmd payload of docs/fleet-protocol.md,
** sending (with the MQTT 5 message expiry), the daemon's pass (pending ones
** sent, stale ones expired) and the device's cmd/response into the store.
**
** Used by the API (a command is stored, then published at once when the
** broker is there) and by the daemon (src/fleet/daemon); the MQTT client is
** behind a publish callback, so tests pass a fake. Sending is a claim
** first (pending -> sent, compare-and-set in the store), so with several
** fleetd on one database a command goes out from one of them only; a
** publish that fails puts it back to pending for the next pass.
*/
#ifndef FLEET_CMD_H
#define FLEET_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fleet_store.h"

/* The ops: X(NAME, "API name", "wire op" (cop_cmds.def), "wire field" of the
** value or NULL, value required, minimum, maximum, default). A default of
** FCMD_DEFAULT_STORE: from the store (blackbox-clear: one past the newest
** crash record fleetd holds for the device, so nothing it has not read is
** cleared). */
#define FCMD_DEFAULT_STORE (-1)
#define FCMD_OPS(X) \
  X(REBOOT,             "reboot",             "reboot",             NULL,          false, 0, 0,          0) \
  X(BLACKBOX_READ,      "blackbox-read",      "blackbox_read",      "from",        false, 0, 4294967295, 0) \
  X(BLACKBOX_CLEAR,     "blackbox-clear",     "blackbox_clear",     "from",        false, 0, 4294967295, FCMD_DEFAULT_STORE) \
  X(TELEMETRY_INTERVAL, "telemetry-interval", "telemetry_interval", "interval_ms", true,  0, 86400000,   0)

typedef enum fcmd_op {
#define X(n, api, wire, field, req, lo, hi, def) FCMD_OP_##n,
  FCMD_OPS(X)
#undef X
  FCMD_OP__COUNT
} fcmd_op;

typedef struct fcmd_op_info {
  const char *name, *wire, *field;   /* field NULL: the op takes no value */
  bool required;
  int64_t min, max, def;
} fcmd_op_info;
extern const fcmd_op_info fcmd_ops[FCMD_OP__COUNT];
/* By API name ("blackbox-clear"); -1 if unknown. */
int fcmd_op_find(const char *name);
/* "reboot, blackbox-read, ..." for messages. */
const char *fcmd_op_list(void);

#define FCMD_EXPIRY_DEFAULT_S 60
#define FCMD_EXPIRY_MAX_S 86400

/* What sends: 0 when the broker took it (QoS 1), nonzero when it was not
** sent (no broker, not connected). expiry_s: the MQTT 5 message expiry. */
typedef int fcmd_publish_fn(void *user, const char *topic, const void *payload, size_t len, uint32_t expiry_s);
typedef struct fcmd_publisher {
  fcmd_publish_fn *fn;               /* NULL: nothing is sent (commands stay pending) */
  void *user;
} fcmd_publisher;

/* A fresh wire id "cmd-" + 16 random hex digits (out: 21 bytes at least).
** Random, not the row id: a copilot remembers the ids it ran (its replay
** table), also across a database made anew. false if no randomness. */
bool fcmd_new_msg_id(char *out, size_t cap);

/* The cmd payload (docs/fleet-protocol.md) of a stored command: {"v":1,
** "id", "op", "expires" (RFC 3339, ms), and the op's field}. Returns the
** length, 0 when it does not fit or the op is unknown. */
size_t fcmd_payload(const fst_command *c, char *out, size_t cap);

typedef enum fcmd_send_result {
  FCMD_SENT,                         /* published, state sent */
  FCMD_NOT_SENT,                     /* the publisher said no: pending again */
  FCMD_EXPIRED,                      /* its expiry is past: expired, not sent */
  FCMD_TAKEN,                        /* not pending any more (another fleetd, the answer) */
  FCMD_STORE                         /* the store failed (fst_errmsg) */
} fcmd_send_result;

/* Claim a pending command (pending -> sent) and publish it on
** fleet/devices/{device}/cmd with the expiry left (whole seconds, rounded
** up); a failed publish puts it back to pending. */
fcmd_send_result fcmd_send(fst_store *s, const fst_command *c, int64_t now, const fcmd_publisher *p);

typedef struct fcmd_pass_stats { int64_t sent, not_sent, expired; } fcmd_pass_stats;
/* The daemon's pass: commands past their expiry with no answer are
** expired; pending ones are sent (at most FCMD_PASS_MAX, oldest first;
** stops at the first the publisher refuses). */
#define FCMD_PASS_MAX 64
fst_err fcmd_pass(fst_store *s, int64_t now, const fcmd_publisher *p, fcmd_pass_stats *st);

/* A device's cmd/response (fin_cmd_response): ok -> succeeded with value
** as the result; not ok -> failed with reason, or expired when the device
** refused it as "expired". msg_id "" (the device could not read the id):
** nothing to update, FST_ERR_NOTFOUND. *id (may be NULL) gets the
** command's id. FST_ERR_CONFLICT: answered already (a redelivery). */
fst_err fcmd_on_response(fst_store *s, const char *device, const char *msg_id, bool ok, const char *reason,
                         int64_t value, int64_t now, int64_t *id);

#endif /* FLEET_CMD_H */
