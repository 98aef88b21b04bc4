/*
** hv.c -- report lines, and the runner of boards without a bootloader:
** bank -> check -> verify -> run on the stepper (src/run), which gives the
** same stopping rules as the simulated board's.
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

/* ---- the stop line ----------------------------------------------------------- */

int hv_report_stop(const run_prog *r, uint64_t us, uint64_t gap_us) {
  hv_line l;
  int status;
  bool is_main = r->phase == RUN_PH_MAIN;
  switch (r->state) {
  case RUN_EXITED:
    line_start(&l, "exit ");
    hv_line_i32(&l, r->vm.result);
    status = r->vm.result;
    break;
  case RUN_FAULTED:
    line_start(&l, "fault");
    line_kv(&l, NULL, r->vm.fault);
    line_kv(&l, "pc", r->pc);
    status = HV_STATUS_FAULT;
    break;
  case RUN_LIMIT:
    line_start(&l, r->limit == RUN_LIMIT_TIME ? "limit time" : "limit steps");
    line_kv(&l, "pc", r->pc);
    status = r->limit == RUN_LIMIT_TIME && !is_main ? 0 : HV_STATUS_LIMIT;
    break;
  default:
    line_start(&l, "entry");
    hv_line_end(&l);
    return HV_STATUS_ERROR;
  }
  line_kv(&l, "steps", r->vm.steps);
  line_kv(&l, "us", us);
  if (gap_us) line_kv(&l, "gap", gap_us);
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

int hv_report_start(const run_prog *r, run_err e, const cvm_prog *p, uint32_t have) {
  switch (e) {
  case RUN_EVERIFY: {
    hv_line l;
    line_start(&l, "verify");
    line_kv(&l, NULL, r->verr);
    line_kv(&l, "pc", r->vi.pc);
    line_kv(&l, "func", r->vi.func);
    hv_line_end(&l);
    return HV_STATUS_ERROR;
  }
  case RUN_EMEMORY: {
    uint32_t need = cvm_verify_scratch_size(p), size = (p->mem_size + 3u) & ~3u;
    return refuse("memory need", need > have ? need : size, "have", have);
  }
  default: {
    hv_line l;
    line_start(&l, "entry");
    hv_line_end(&l);
    return HV_STATUS_ERROR;
  }
  }
}

/* ---- the runner (boards without a bootloader) ------------------------------ */

int hv_run(const hv_config *c) {
  static run_prog r;
  static cvm_prog prog;
  cvm1_err first = CVM1_ERR_TRUNCATED;
  bool found = false;
  for (uint32_t b = 0; b < HV_BANKS && !found; b++) {
    uint32_t total;
    cvm1_err e = CVM1_ERR_TRUNCATED;
    if (c->bank[b]) e = cvm1_size(c->bank[b], c->bank_size, &total);
    if (!e) e = cvm1_load(c->bank[b], total, &c->policy, &prog, NULL);
    if (!e) found = true;
    else if (b == 0) first = e;
  }
  if (!found) return refuse("refused bank", 0, "err", first);
  r.max_steps = c->max_steps;
  run_err e = run_prog_start(&r, &prog, 0, c->mem, c->mem_size, 0, c->policy.granted_caps);
  if (e != RUN_EOK) return hv_report_start(&r, e, &prog, c->mem_size);
  uint64_t t0 = hal_time_us();
  for (;;) {
    hv_port_service();
    uint64_t now = hal_time_us();
    if (r.state == RUN_SLEEPING || r.state == RUN_RUNNING) {
      if (c->max_us && now - t0 >= c->max_us) run_prog_limit(&r, RUN_LIMIT_TIME);
      else if (r.state == RUN_SLEEPING && r.vm.wake_us > now) {
        uint64_t wake = r.vm.wake_us;
        if (c->max_us && wake - t0 > c->max_us) wake = t0 + c->max_us;
        hv_port_wait_until(wake);
        continue;
      } else {
        run_prog_step(&r, HV_SLICE);
        continue;
      }
    }
    return hv_report_stop(&r, hal_time_us() - t0, 0);
  }
}
