/*
** fapi_cmd.c -- commands to devices: POST and GET /api/v1/devices/{id}/commands,
** GET /api/v1/devices/{id}/commands/{cid} (fleet_cmd.h does the sending).
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fapi_int.h"
#include "fleet_rollout.h"

#define LIST_DEFAULT 100
#define LIST_MAX 1000

static json_t *command_json(const fst_command *m) {
  return json_pack("{s:I, s:s, s:s, s:o, s:s, s:o, s:s?, s:s, s:s, s:I, s:I, s:I, s:o}", "id", (json_int_t)m->id,
                   "device", m->device, "command", m->op, "value",
                   m->has_value ? json_integer(m->value) : json_null(), "state", fst_cmd_state_name(m->state),
                   "result", m->has_result ? json_integer(m->result) : json_null(), "reason",
                   m->reason[0] ? m->reason : NULL, "msg_id", m->msg_id, "created_by", m->created_by, "created",
                   (json_int_t)m->created, "updated", (json_int_t)m->updated, "expires", (json_int_t)m->expires,
                   "sent", m->sent ? json_integer(m->sent) : json_null());
}

/* The device of the path: 400 for a bad id, 404 when unknown. */
static bool known_device(fapi_ctx *c) {
  if (!fapi_check_device_id(c, c->params[0])) return false;
  fst_device d;
  fst_err e = fst_device_get(c->s, c->params[0], &d);
  if (e) return fapi_store_fail(c, e);
  fst_device_free(&d);
  return true;
}

void fapi_h_command_create(fapi_ctx *c) {
  static const fapi_field f[] = {
    { "command", JSON_STRING, true }, { "value", JSON_INTEGER, false }, { "expiry_s", JSON_INTEGER, false } };
  if (!fapi_check_device_id(c, c->params[0])) return;
  /* the device's topic fleet/devices/{id}/cmd: a protocol id only */
  if (!frl_good_device_id(c->params[0])) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "commands go to device ids of 1..64 of [A-Za-z0-9._-] (docs/fleet-protocol.md)");
    return;
  }
  json_t *o;
  if (!fapi_body(c, f, sizeof f / sizeof f[0], &o)) return;
  const char *name = json_string_value(json_object_get(o, "command"));
  json_t *jv = json_object_get(o, "value"), *je = json_object_get(o, "expiry_s");
  int k = fcmd_op_find(name);
  if (k < 0) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "command must be one of %s", fcmd_op_list());
    goto out;
  }
  const fcmd_op_info *op = &fcmd_ops[k];
  if (jv && !op->field) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "%s takes no value", op->name);
    goto out;
  }
  if (!jv && op->required) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "%s needs a value (%s, %lld..%lld)", op->name, op->field, (long long)op->min,
              (long long)op->max);
    goto out;
  }
  if (jv && (json_integer_value(jv) < op->min || json_integer_value(jv) > op->max)) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "value of %s (%s) must be an integer %lld..%lld", op->name, op->field,
              (long long)op->min, (long long)op->max);
    goto out;
  }
  int64_t expiry_s = je ? json_integer_value(je) : FCMD_EXPIRY_DEFAULT_S;
  if (expiry_s < 1 || expiry_s > FCMD_EXPIRY_MAX_S) {
    fapi_fail(c, FAPI_ERR_MALFORMED, "expiry_s must be an integer 1..%d", FCMD_EXPIRY_MAX_S);
    goto out;
  }
  if (!known_device(c)) goto out;
  fst_command m = { .has_value = op->field != NULL };
  if (jv) {
    m.value = json_integer_value(jv);
  } else if (op->field && op->def == FCMD_DEFAULT_STORE) {
    fst_err e = fst_crash_next_seq(c->s, c->params[0], &m.value);
    if (e) {
      fapi_store_fail(c, e);
      goto out;
    }
    if (m.value > op->max) m.value = op->max;
  } else {
    m.value = op->def;
  }
  snprintf(m.device, sizeof m.device, "%.127s", c->params[0]);   /* fapi_check_device_id: < 128 */
  snprintf(m.op, sizeof m.op, "%s", op->name);
  snprintf(m.created_by, sizeof m.created_by, "%s", c->tok.name);
  if (!fcmd_new_msg_id(m.msg_id, sizeof m.msg_id)) {
    fapi_fail(c, FAPI_ERR_INTERNAL, "no randomness for the command's id");
    goto out;
  }
  int64_t now = fst_now_ms();
  m.expires = now + expiry_s * 1000;
  fst_err e = fst_command_add(c->s, &m);
  if (e) {
    fapi_store_fail(c, e);
    goto out;
  }
  /* sent now when the broker is there; else pending, for the daemon's pass */
  fcmd_send_result r = fcmd_send(c->s, &m, now, &c->a->pub);
  fst_command g;
  if ((e = fst_command_get(c->s, m.device, m.id, &g))) {
    fapi_store_fail(c, e);
    goto out;
  }
  fapi_json(c, 202, command_json(&g));
  snprintf(c->detail, sizeof c->detail, "command %lld %s to %.128s: %s", (long long)g.id, g.op, g.device,
           r == FCMD_SENT ? "sent" : fst_cmd_state_name(g.state));
out:
  json_decref(o);
}

void fapi_h_commands(fapi_ctx *c) {
  int64_t limit;
  if (!fapi_check_device_id(c, c->params[0]) || !fapi_q_int(c, "limit", LIST_DEFAULT, 1, LIST_MAX, &limit) ||
      !known_device(c))
    return;
  fst_command *v;
  size_t n;
  fst_err e = fst_command_list(c->s, c->params[0], limit, &v, &n);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  json_t *arr = json_array();
  for (size_t i = 0; i < n; i++) json_array_append_new(arr, command_json(&v[i]));
  free(v);
  fapi_json(c, 200, json_pack("{s:o}", "commands", arr));
}

void fapi_h_command(fapi_ctx *c) {
  if (!fapi_check_device_id(c, c->params[0])) return;
  const char *p = c->params[1];
  char *end;
  errno = 0;
  long long id = strtoll(p, &end, 10);
  if (!*p || *end || errno || id < 1 || *p < '1' || *p > '9') {
    fapi_fail(c, FAPI_ERR_MALFORMED, "a command id is a positive integer");
    return;
  }
  fst_command m;
  fst_err e = fst_command_get(c->s, c->params[0], id, &m);
  if (e) {
    fapi_store_fail(c, e);
    return;
  }
  fapi_json(c, 200, command_json(&m));
}
