/*
** test_cop_docs.c -- docs/fleet-protocol.md against the core's tables
** (the .def files of src/copilot/core) and encoders: every topic's row with its
** direction, QoS, retain and queued flags as the table says; every refusal
** reason, job state, job reason (with the state it ends in), phase and
** command named in its table; and every example payload in the doc is
** the encoder's exact output for the example's inputs.
** Usage: test_cop_docs fleet-protocol.md   (check)
**        test_cop_docs --print             (the examples, to paste)
*/
#include <string.h>

#include "cop.h"
#include "cvm1.h"
#include "tcheck.h"

static const cop_linkstat LS = { 3, 5 };
static const cop_stamp ST = { 1796281262345ull, 0x5EC0B007u, 8123456, true };

/* The examples, in the doc's order: name, payload. */
static char ex[16][COP_MSG_MAX];
static const char *ex_name[16];
static int nex;

static void add(const char *name, size_t n) {
  if (!n) { fprintf(stderr, "example %s does not encode\n", name); exit(2); }
  ex_name[nex++] = name;
}

static void examples(void) {
  link_rt_status rs;
  memset(&rs, 0, sizeof rs);
  rs.vm_state = LINK_VM_RUNNING; rs.host_state = LINK_HOST_READY; rs.reset_reason = 0;
  rs.running = 1; rs.version[0] = 1; rs.version[1] = 4; rs.counter = 7;
  for (int i = 0; i < 32; i++) rs.digest[i] = (uint8_t)(0x10 + i);
  rs.boots = 3; rs.faults = 0; rs.telemetry_ms = 1000;
  memcpy(rs.name, "blink.c", 7); rs.name_len = 7;
  add("status", cop_enc_status(ex[nex], COP_MSG_MAX, &ST, true, &rs, NULL));
  add("status (will)", cop_enc_status(ex[nex], COP_MSG_MAX, &ST, false, NULL, "lost"));

  link_heartbeat h;
  memset(&h, 0, sizeof h);
  h.vm_state = LINK_VM_SLEEPING; h.running = 1; h.steps = 912345; h.log_next = 42; h.bbox_next = 2;
  add("heartbeat", cop_enc_heartbeat(ex[nex], COP_MSG_MAX, &ST, &h, &LS));

  link_telemetry t;
  memset(&t, 0, sizeof t);
  t.count = 2;
  memcpy(t.v[0].name, "temp_c10", 8); t.v[0].name_len = 8; t.v[0].value = 215; t.v[0].flags = LINK_TV_GUEST;
  memcpy(t.v[1].name, "steps", 5); t.v[1].name_len = 5; t.v[1].value = 912345;
  add("telemetry", cop_enc_telemetry(ex[nex], COP_MSG_MAX, &ST, &t));

  link_log_note l;
  memset(&l, 0, sizeof l);
  l.seq = 41; l.level = 1; l.len = 12; memcpy(l.text, "led on, t=21", 12);
  add("log", cop_enc_log(ex[nex], COP_MSG_MAX, &ST, &l));

  link_event_note e;
  memset(&e, 0, sizeof e);
  e.event = LINK_EV_TRIAL_CONFIRMED; e.bank = 1; e.version[0] = 1; e.version[1] = 4;
  add("event", cop_enc_event(ex[nex], COP_MSG_MAX, &ST, &e));

  cop_job j;
  cop_job_init(&j);
  strcpy(j.m.id, "rollout-17.dev-3");
  for (int i = 0; i < 32; i++) j.m.sha256[i] = (uint8_t)(0xA0 + i);
  j.m.size = 3120; j.m.version[0] = 1; j.m.version[1] = 4;
  j.state = COP_JS_IN_PROGRESS; j.phase = COP_PH_PROGRAMMING; j.percent = 40; j.updates = 6;
  add("job update (progress)", cop_enc_job_update(ex[nex], COP_MSG_MAX, &ST, &j));
  j.state = COP_JS_REJECTED; j.phase = COP_PH_NONE; j.reason = COP_JR_COUNTER; j.updates = 7;
  j.dev_status = LINK_ST_VERIFY; j.dev_detail = CVM1_ERR_ROLLBACK;
  add("job update (rejected)", cop_enc_job_update(ex[nex], COP_MSG_MAX, &ST, &j));
  j.state = COP_JS_FAILED; j.reason = COP_JR_TRIAL_FAULTED; j.updates = 8;
  j.dev_status = 0; j.dev_detail = 0;
  j.rv.cause = COP_RV_FAULT; j.rv.fault = CVM_FAULT_DIV_ZERO; j.rv.where = 1; j.rv.pc = 17; j.rv.line = 3;
  add("job update (reverted)", cop_enc_job_update(ex[nex], COP_MSG_MAX, &ST, &j));

  add("cmd response", cop_enc_cmd_response(ex[nex], COP_MSG_MAX, &ST, "c-88", COP_CMD_TELEMETRY_INTERVAL,
                                           true, NULL, 500));
  add("refusal", cop_enc_refusal(ex[nex], COP_MSG_MAX, &ST, "cmd", "c-89", COP_E_EXPIRED, "expires", 61));
  add("dropped", cop_enc_dropped(ex[nex], COP_MSG_MAX, &ST, 120, 345));
}

static char *doc;

static void need(const char *what, const char *s) {
  t_checks++;
  if (!strstr(doc, s)) {
    t_failures++;
    fprintf(stderr, "docs lack %s: %s\n", what, s);
  }
}

int main(int argc, char **argv) {
  examples();
  if (argc == 2 && !strcmp(argv[1], "--print")) {
    for (int i = 0; i < nex; i++) printf("%s\n%s\n\n", ex_name[i], ex[i]);
    return 0;
  }
  if (argc != 2) { fprintf(stderr, "usage: test_cop_docs fleet-protocol.md | --print\n"); return 2; }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  static char buf[1 << 18];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  doc = buf;
  char want[256];
  for (int t = 0; t < COP_T__COUNT; t++) {
    const cop_topic_info *ti = cop_topic_get((cop_topic)t);
    snprintf(want, sizeof want, "| `%s` | %s | %u | %s | %s |", ti->suffix,
             ti->dir == COP_UP ? "device → backend" : "backend → device", ti->qos, ti->retain ? "yes" : "no",
             ti->queued ? "yes" : "no");
    need("topic row", want);
  }
  for (int e = 1; e < COP_E__COUNT; e++) {
    snprintf(want, sizeof want, "| `%s` |", cop_err_name((cop_err)e));
    need("refusal reason", want);
  }
  for (uint32_t s = 0; s < COP_JS__COUNT; s++) {
    snprintf(want, sizeof want, "| `%s` | %s |", cop_jstate_name(s), cop_jstate_terminal(s) ? "yes" : "no");
    need("job state", want);
  }
  for (uint32_t r = 1; r < COP_JR__COUNT; r++) {
    snprintf(want, sizeof want, "| `%s` | `%s` |", cop_jreason_name(r), cop_jstate_name(cop_jreason_state(r)));
    need("job reason", want);
  }
  for (uint32_t p = 1; p < COP_PH__COUNT; p++) {
    snprintf(want, sizeof want, "| `%s` |", cop_phase_name(p));
    need("phase", want);
  }
  for (uint32_t c = 0; c < COP_CMD__COUNT; c++) {
    snprintf(want, sizeof want, "| `%s` |", cop_cmd_name(c));
    need("command", want);
  }
  for (uint32_t e = 0; e < LINK_EV__COUNT; e++) {
    snprintf(want, sizeof want, "`%s`", link_event_name(e));
    need("device event", want);
  }
  for (uint32_t c = 1; c < COP_RV__COUNT; c++) {
    snprintf(want, sizeof want, "| `%s` |", cop_rv_name(c));
    need("revert cause", want);
  }
  snprintf(want, sizeof want, "%u s", COP_WILL_DELAY_S);
  need("the will delay", want);
  for (int i = 0; i < nex; i++) need(ex_name[i], ex[i]);
  return t_done("copilot.core.docs");
}
