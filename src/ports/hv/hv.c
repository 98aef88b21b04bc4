/*
** hv.c -- the hypervisor's run loop: bank -> check -> verify -> run, with
** the same stopping rules as the simulated board's (src/ports/host/
** board_run.c) so a program ends the same way on both.
*/
#include "hv.h"
#include "hal.h"

/* ---- report lines ---------------------------------------------------------- */

void hv_line_mem(hv_line *l, const char *s, uint32_t n) {
  for (uint32_t i = 0; i < n && l->n < sizeof l->buf - 1; i++) l->buf[l->n++] = s[i];
}

void hv_line_str(hv_line *l, const char *s) {
  uint32_t n = 0;
  while (s[n]) n++;
  hv_line_mem(l, s, n);
}

void hv_line_u64(hv_line *l, uint64_t v) {
  char d[20];
  uint32_t n = 0;
  do {
    d[n++] = (char)('0' + (uint32_t)(v % 10u));
    v /= 10u;
  } while (v);
  while (n) hv_line_mem(l, &d[--n], 1);
}

void hv_line_i32(hv_line *l, int32_t v) {
  if (v < 0) hv_line_str(l, "-");
  hv_line_u64(l, v < 0 ? (uint64_t)(-(int64_t)v) : (uint64_t)v);
}

void hv_line_end(hv_line *l) {
  l->buf[l->n++] = '\n';
  hv_port_report(l->buf, l->n);
}

static void line_start(hv_line *l, const char *what) {
  l->n = 0;
  hv_line_str(l, "cockpit-hv: ");
  hv_line_str(l, what);
}

/* " v", or " key v" */
static void line_kv(hv_line *l, const char *key, uint64_t v) {
  hv_line_str(l, " ");
  if (key) {
    hv_line_str(l, key);
    hv_line_str(l, " ");
  }
  hv_line_u64(l, v);
}

void hv_report_event(const char *name, uint32_t name_len, int32_t value) {
  hv_line l;
  line_start(&l, "event ");
  for (uint32_t i = 0; i < name_len && i < 32u; i++) {
    char ch = name[i] > 0x20 && name[i] < 0x7F ? name[i] : '?';
    hv_line_mem(&l, &ch, 1);
  }
  hv_line_str(&l, " ");
  hv_line_i32(&l, value);
  hv_line_end(&l);
}

/* ---- running --------------------------------------------------------------- */

typedef enum { STOP_NONE, STOP_EXIT, STOP_FAULT, STOP_STEPS, STOP_TIME } hv_stop;

typedef struct hv_state {
  const hv_config *c;
  cvm_vm vm;
  uint64_t t0;
  hv_stop stop;
  uint32_t pc;
} hv_state;

static bool over_time(const hv_state *s, uint64_t now) {
  return s->c->max_us && now - s->t0 >= s->c->max_us;
}

/* Run the call in progress to its end; false when it stopped for good. */
static bool run_call(hv_state *s) {
  cvm_vm *vm = &s->vm;
  const hv_config *c = s->c;
  for (;;) {
    hv_port_service();
    if (c->max_steps && vm->steps >= c->max_steps) {
      s->stop = STOP_STEPS;
      s->pc = vm->pc;
      return false;
    }
    if (over_time(s, hal_time_us())) {
      s->stop = STOP_TIME;
      s->pc = vm->pc;
      return false;
    }
    uint64_t budget = HV_SLICE;
    if (c->max_steps && c->max_steps - vm->steps < budget) budget = c->max_steps - vm->steps;
    switch (cvm_run(vm, (uint32_t)budget)) {
    case CVM_DONE:
      return true;
    case CVM_FAULTED:
      s->stop = STOP_FAULT;
      s->pc = vm->fault_pc;
      return false;
    case CVM_SLEEPING: {
      uint64_t wake = vm->wake_us;
      if (c->max_us && wake - s->t0 > c->max_us) wake = s->t0 + c->max_us;
      hv_port_wait_until(wake);
      break;
    }
    default:
      break;
    }
  }
}

/* A call that cannot start faulted (stack), or is refused (STOP_NONE). */
static bool start_call(hv_state *s, uint32_t f) {
  if (cvm_call(&s->vm, f)) return true;
  if (s->vm.status == CVM_FAULTED) {
    s->stop = STOP_FAULT;
    s->pc = s->vm.fault_pc;
  }
  return false;
}

static void run_program(hv_state *s, const cvm_prog *p) {
  if (p->entry_main != CVM_NO_ENTRY) {
    if (start_call(s, p->entry_main) && run_call(s)) s->stop = STOP_EXIT;
    return;
  }
  if (p->entry_setup != CVM_NO_ENTRY && (!start_call(s, p->entry_setup) || !run_call(s)))
    return;
  while (start_call(s, p->entry_loop) && run_call(s)) {}
}

static int report_stop(hv_state *s, bool is_main) {
  hv_line l;
  const cvm_vm *vm = &s->vm;
  int status;
  switch (s->stop) {
  case STOP_NONE:
    line_start(&l, "entry");
    hv_line_end(&l);
    return HV_STATUS_ERROR;
  case STOP_EXIT:
    line_start(&l, "exit ");
    hv_line_i32(&l, vm->result);
    status = vm->result;
    break;
  case STOP_FAULT:
    line_start(&l, "fault");
    line_kv(&l, NULL, vm->fault);
    line_kv(&l, "pc", s->pc);
    status = HV_STATUS_FAULT;
    break;
  default:
    line_start(&l, s->stop == STOP_STEPS ? "limit steps" : "limit time");
    line_kv(&l, "pc", s->pc);
    status = s->stop == STOP_TIME && !is_main ? 0 : HV_STATUS_LIMIT;
    break;
  }
  line_kv(&l, "steps", vm->steps);
  line_kv(&l, "us", hal_time_us() - s->t0);
  hv_line_end(&l);
  return status;
}

static int refuse(const char *what, uint32_t a, const char *k2, uint32_t b) {
  hv_line l;
  line_start(&l, what);
  line_kv(&l, NULL, a);
  if (k2) line_kv(&l, k2, b);
  hv_line_end(&l);
  return HV_STATUS_ERROR;
}

int hv_run(const hv_config *c) {
  static hv_state s;
  cvm_prog prog;
  cvm1_err first = CVM1_ERR_TRUNCATED;
  uint32_t first_bank = 0;
  bool found = false;
  for (uint32_t b = 0; b < HV_BANKS && !found; b++) {
    uint32_t total;
    cvm1_err e = CVM1_ERR_TRUNCATED;
    if (c->bank[b]) e = cvm1_size(c->bank[b], c->bank_size, &total);
    if (!e) e = cvm1_load(c->bank[b], total, &c->policy, &prog, NULL);
    if (!e) found = true;
    else if (b == 0) { first = e; first_bank = b; }
  }
  if (!found) return refuse("refused bank", first_bank, "err", first);

  cvm_vinfo vi;
  uint32_t need = cvm_verify_scratch_size(&prog);
  if (need > c->mem_size) return refuse("memory need", need, "have", c->mem_size);
  cvm_verr ve = cvm_verify(&prog, c->policy.granted_caps, c->mem, c->mem_size, &vi);
  if (ve) {
    hv_line l;
    line_start(&l, "verify");
    line_kv(&l, NULL, ve);
    line_kv(&l, "pc", vi.pc);
    line_kv(&l, "func", vi.func);
    hv_line_end(&l);
    return HV_STATUS_ERROR;
  }
  bool is_main = prog.entry_main != CVM_NO_ENTRY;
  if (!is_main && prog.entry_loop == CVM_NO_ENTRY) {
    hv_line l;
    line_start(&l, "entry");
    hv_line_end(&l);
    return HV_STATUS_ERROR;
  }
  uint32_t size = (prog.mem_size + 3u) & ~3u;
  if (size > c->mem_size) return refuse("memory need", size, "have", c->mem_size);
  s = (hv_state){ .c = c };
  cvm_host_reset();
  if (cvm_init(&s.vm, &prog, &vi, c->mem, size ? size : 4u, c->policy.granted_caps))
    return refuse("memory need", size, "have", c->mem_size);
  s.t0 = hal_time_us();
  run_program(&s, &prog);
  return report_stop(&s, is_main);
}
