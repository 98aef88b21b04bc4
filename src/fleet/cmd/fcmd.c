/*
** fcmd.c -- commands to devices (fleet_cmd.h).
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/rand.h>

#include "fleet_cmd.h"

const fcmd_op_info fcmd_ops[FCMD_OP__COUNT] = {
#define X(n, api, wire, field, req, lo, hi, def) { api, wire, field, req, lo, hi, def },
  FCMD_OPS(X)
#undef X
};

int fcmd_op_find(const char *name) {
  for (int i = 0; name && i < FCMD_OP__COUNT; i++)
    if (!strcmp(fcmd_ops[i].name, name)) return i;
  return -1;
}

const char *fcmd_op_list(void) {
  static const char list[] = ""
#define X(n, api, wire, field, req, lo, hi, def) api ", "
    FCMD_OPS(X)
#undef X
    ;
  static char out[sizeof list];
  if (!out[0]) {
    memcpy(out, list, sizeof list);
    out[sizeof list - 3] = 0;   /* the last ", " */
  }
  return out;
}

bool fcmd_new_msg_id(char *out, size_t cap) {
  unsigned char r[8];
  if (cap < 21 || RAND_bytes(r, sizeof r) != 1) return false;
  memcpy(out, "cmd-", 4);
  for (int i = 0; i < 8; i++) snprintf(out + 4 + 2 * i, 3, "%02x", r[i]);
  return true;
}

/* RFC 3339 UTC with milliseconds, as the copilot writes and reads them. */
static void rfc3339(int64_t ms, char out[64]) {
  time_t t = (time_t)(ms / 1000);
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
           tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

size_t fcmd_payload(const fst_command *c, char *out, size_t cap) {
  int k = fcmd_op_find(c->op);
  if (k < 0 || c->expires <= 0) return 0;
  const fcmd_op_info *op = &fcmd_ops[k];
  char exp[64];
  rfc3339(c->expires, exp);
  json_t *o = json_pack("{s:i, s:s, s:s, s:s}", "v", 1, "id", c->msg_id, "op", op->wire, "expires", exp);
  if (!o) return 0;
  if (op->field && c->has_value) json_object_set_new(o, op->field, json_integer(c->value));
  size_t n = json_dumpb(o, out, cap, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
  json_decref(o);
  if (n == 0 || n >= cap) return 0;
  out[n] = 0;
  return n;
}

fcmd_send_result fcmd_send(fst_store *s, const fst_command *c, int64_t now, const fcmd_publisher *p) {
  if (c->expires <= now) {
    fst_err e = fst_command_transition(s, c->id, FST_CMD_pending, FST_CMD_expired, now);
    return e == FST_ERR_OK ? FCMD_EXPIRED : e == FST_ERR_CONFLICT ? FCMD_TAKEN : FCMD_STORE;
  }
  if (!p || !p->fn) return FCMD_NOT_SENT;
  char payload[512], topic[256];
  size_t n = fcmd_payload(c, payload, sizeof payload);
  if (!n || snprintf(topic, sizeof topic, "fleet/devices/%s/cmd", c->device) >= (int)sizeof topic) {
    /* cannot be made: a stored row fleetd does not understand */
    fst_command_transition(s, c->id, FST_CMD_pending, FST_CMD_failed, now);
    return FCMD_STORE;
  }
  fst_err e = fst_command_transition(s, c->id, FST_CMD_pending, FST_CMD_sent, now);
  if (e) return e == FST_ERR_CONFLICT ? FCMD_TAKEN : FCMD_STORE;
  int64_t left = (c->expires - now + 999) / 1000;
  if (left > UINT32_MAX) left = UINT32_MAX;
  if (p->fn(p->user, topic, payload, n, (uint32_t)left) == 0) return FCMD_SENT;
  /* not sent: pending again, for the next pass (unless answered meanwhile) */
  fst_command_transition(s, c->id, FST_CMD_sent, FST_CMD_pending, now);
  return FCMD_NOT_SENT;
}

fst_err fcmd_pass(fst_store *s, int64_t now, const fcmd_publisher *p, fcmd_pass_stats *st) {
  fcmd_pass_stats z = { 0, 0, 0 };
  if (!st) st = &z;
  *st = z;
  fst_err e = fst_commands_expire(s, now, &st->expired);
  if (e || !p || !p->fn) return e;
  fst_command *v;
  size_t n;
  if ((e = fst_commands_pending(s, now, FCMD_PASS_MAX, &v, &n))) return e;
  for (size_t i = 0; i < n; i++) {
    fcmd_send_result r = fcmd_send(s, &v[i], now, p);
    if (r == FCMD_SENT) st->sent++;
    if (r == FCMD_EXPIRED) st->expired++;
    if (r == FCMD_NOT_SENT) {
      st->not_sent++;
      break;   /* the broker is away: the rest wait for the next pass */
    }
  }
  free(v);
  return FST_ERR_OK;
}

fst_err fcmd_on_response(fst_store *s, const char *device, const char *msg_id, bool ok, const char *reason,
                         int64_t value, int64_t now, int64_t *id) {
  /* an id the device could not read ("") matches no command: FST_ERR_NOTFOUND */
  fst_cmd_state st = ok ? FST_CMD_succeeded
                        : reason && !strcmp(reason, "expired") ? FST_CMD_expired : FST_CMD_failed;
  return fst_command_answer(s, device, msg_id ? msg_id : "", st, ok ? &value : NULL, ok ? "" : reason ? reason : "", now, id);
}
