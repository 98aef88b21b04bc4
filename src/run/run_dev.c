/*
** run_dev.c -- the supervisor: the hypervisor's loop body, the same on the
** simulated device and on every firmware. One run_dev_poll() runs one
** guest slice (when it is due) and then one pass of the host's services,
** so the gap between two passes is bounded by the slice budget:
**
**   link       frames in: programming commands and runtime requests
**   trial      confirm after health_ms without a fault; a fault rejects
**              the bank and resets; no confirmation by trial_ms resets
**   heartbeat  at its fixed interval, to a subscribed client
**   telemetry  the host's and the guest's values at the set interval
**   log        guest output lines, in order, as the link takes them
**   events     started, exited, faulted, confirmed, reverted, ...
**   display    the status screen (cfg.oled): at most one page every
**              OLED_PASS_MS, only when a line changed
**   watchdog   fed at the end of a pass, only when every service above
**              kept its deadline
*/
#include "run_int.h"


static uint64_t now_ms(void) { return hal_time_us() / 1000u; }

static void srv_out(void *ctx, const uint8_t *p, uint32_t n) {
  (void)ctx;
  run_port_link_write(p, n);
}

static uint8_t vm_state(const run_dev *d) {
  if (d->boot_req) return LINK_VM_STOPPED;
  if (!d->have_prog) return LINK_VM_NONE;
  switch (d->rp.state) {
  case RUN_RUNNING:  return LINK_VM_RUNNING;
  case RUN_SLEEPING: return LINK_VM_SLEEPING;
  case RUN_EXITED:   return LINK_VM_EXITED;
  case RUN_FAULTED:  return LINK_VM_FAULTED;
  case RUN_LIMIT:    return LINK_VM_LIMIT;
  default:           return LINK_VM_NONE;
  }
}

/* READY and DEGRADED as the services are now (the last input left one of
** them, maybe long ago); the other states as they are. */
static uint8_t host_state(const run_dev *d) {
  if (d->host_state != LINK_HOST_READY && d->host_state != LINK_HOST_DEGRADED) return d->host_state;
  return run_dev_degraded(d) ? LINK_HOST_DEGRADED : LINK_HOST_READY;
}

/* Memory the program's stacks can still grow into: the VM memory it was
** not given, and what its deepest known stack leaves of what it was. */
static uint32_t stack_free(const run_dev *d) {
  if (!d->have_prog) return d->cfg.mem_size;
  return d->cfg.mem_size - d->rp.vm.mem_size + run_prog_stack_free(&d->rp);
}

/* ---- events ------------------------------------------------------------- */

void run_dev_post(run_dev *d, uint8_t ev, int32_t value, uint32_t pc, const char *name,
                 uint32_t len) {
  run_events *q = &d->ev;
  if (q->next - q->first == RUN_EVENTS) {
    if (q->noted <= q->first) {
      d->notes_lost++;
      q->noted = q->first + 1u;
    }
    q->first++;
  }
  link_event_note *e = &q->e[q->next % RUN_EVENTS];
  __builtin_memset(e, 0, sizeof *e);
  e->uptime_ms = (hal_time_us() - d->t0_us) / 1000u;
  e->event = ev;
  e->bank = d->b.bank < 0 ? LINK_NO_BANK : (uint8_t)d->b.bank;
  e->value = value;
  e->pc = pc;
  if (d->b.bank >= 0) __builtin_memcpy(e->version, d->boot->bank[d->b.bank].st.version, sizeof e->version);
  if (len > LINK_NAME_MAX) len = LINK_NAME_MAX;
  if (name) __builtin_memcpy(e->name, name, len);
  e->name_len = (uint8_t)(name ? len : 0);
  q->next++;
}

/* ---- the blackbox ----------------------------------------------------------- */

_Static_assert((int)BBOX_RESET_WATCHDOG == (int)LINK_RESET_WATCHDOG &&
               (int)BBOX_RESET_UNKNOWN == (int)LINK_RESET_UNKNOWN, "one table of reset reasons");

/* A crash record: what ran, where it stopped, file:line and function from
** the artifact's line table when it has one. */
static void record(run_dev *d, uint32_t kind, uint32_t fault, uint32_t pc, int bank) {
  if (!d->bb_ok) return;
  bbox_rec r;
  bbox_rec_init(&r, kind);
  r.fault = (uint8_t)fault;
  r.reset_reason = d->b.reset_reason;
  r.boot_id = d->b.boot_id;
  r.uptime_ms = (hal_time_us() - d->t0_us) / 1000u;
  r.pc = pc;
  if (bank >= 0 && bank < (int)BOOT_NBANKS) {
    const link_bank *bk = &d->boot->bank[bank].st;
    r.bank = (uint8_t)bank;
    __builtin_memcpy(r.version, bk->version, sizeof r.version);
    r.counter = bk->counter;
    __builtin_memcpy(r.digest, bk->digest, sizeof r.digest);
  }
  if (d->have_prog && bank == d->b.bank && fault) {   /* where the program stopped */
    const cvm_prog *p = &d->prog;
    uint32_t line, f = cvm_func_of_pc(p, pc);
    if (cvm_line_for_pc(p, pc, &line)) r.line = line;
    if (f < p->nfuncs) r.func = (uint16_t)f;
    const char *fn = cvm_func_name(p, f), *file = cvm_source_name(p);
    if (fn) bbox_name_set(r.func_name, fn, BBOX_NAME_LEN);
    if (file) bbox_name_set(r.file, file, BBOX_NAME_LEN);
  }
  bbox_err e = bbox_append(&d->bb, &r);
  d->degraded = e != BBOX_OK;
  if (e == BBOX_OK) run_dev_post(d, LINK_EV_CRASH, (int32_t)r.seq, pc, 0, 0);
}

/* ---- start ---------------------------------------------------------------- */

static run_act stopped(run_dev *d, run_state st);

/* The bootloader checked the bank; the hypervisor checks it again in
** place (digest, signature, policy) before it binds it. */
static bool start_prog(run_dev *d) {
  uint32_t size;
  const uint8_t *art = boot_image(d->boot, (uint32_t)d->b.bank, &size);
  d->art_err = art ? cvm1_load(art, size, &d->cfg.pol, &d->prog, 0) : CVM1_ERR_TRUNCATED;
  if (d->art_err != CVM1_ERR_OK) {
    d->start_err = RUN_EARTIFACT;
    return false;
  }
  d->rp.max_steps = d->cfg.max_steps;
  d->start_err = run_prog_start(&d->rp, &d->prog, 0, d->cfg.mem, d->cfg.mem_size, 0,
                                d->cfg.pol.granted_caps);
  if (d->start_err != RUN_EOK) return false;
  d->have_prog = true;
  return true;
}

void run_dev_start(run_dev *d, const run_cfg *c, boot_dev *boot, const run_boot *b) {
  __builtin_memset(d, 0, sizeof *d);
  d->cfg = *c;
  if (!d->cfg.slice) d->cfg.slice = RUN_SLICE;
  if (!d->cfg.heartbeat_ms) d->cfg.heartbeat_ms = 1000u;
  if (!d->cfg.wdog_ms) d->cfg.wdog_ms = 1000u;
  d->boot = boot;
  d->b = *b;
  d->t0_us = d->last_pass_us = hal_time_us();
  boot_srv_init(&d->srv, boot, srv_out, d);
  run_log_init(&d->log);
  run_telem_init(&d->telem, d->cfg.telemetry_ms ? d->cfg.telemetry_ms : 1000u);
  d->telem.next_ms = now_ms() + d->telem.interval_ms;
  for (uint32_t i = 0; i < SVC__COUNT; i++) d->svc_ms[i] = now_ms();
  run_tap = (run_taps){ d, run_dev_console, run_dev_event, run_dev_telemetry };
  cvm_host_own_i2c(OLED_ADDR, d->cfg.oled);   /* a guest gets HAL_EOWNED */
  if (d->cfg.bbox_pages)
    d->bb_ok = bbox_open(&d->bb, d->cfg.bbox_off, d->cfg.bbox_pages) == BBOX_OK;
  if (b->reset_reason == LINK_RESET_WATCHDOG) {
    run_dev_post(d, LINK_EV_WATCHDOG_RESET, 0, 0, 0, 0);
    record(d, BBOX_KIND_WATCHDOG, 0, 0, b->bank);
  }
  if (b->reverted >= 0) {
    run_dev_post(d, LINK_EV_REVERTED, b->reverted, 0, "boot", 4);
    record(d, BBOX_KIND_REVERTED, 0, 0, b->reverted);
  }
  if (b->bank < 0) return;
  if (start_prog(d)) {
    run_dev_post(d, LINK_EV_STARTED, b->trial, 0, 0, 0);
    if (d->rp.state == RUN_FAULTED) stopped(d, RUN_FAULTED);   /* its first call */
  } else {
    d->have_prog = false;
    d->rp.state = RUN_FAULTED;
  }
}

/* ---- the guest's slice ------------------------------------------------------ */

/* The program stopped: its event, and on trial the verdict. */
static run_act stopped(run_dev *d, run_state st) {
  const run_prog *r = &d->rp;
  if (st == RUN_EXITED) run_dev_post(d, LINK_EV_EXITED, r->vm.result, 0, 0, 0);
  else if (st == RUN_LIMIT) run_dev_post(d, LINK_EV_LIMIT, 0, r->pc, 0, 0);
  else {
    d->faults++;
    run_dev_post(d, LINK_EV_FAULTED, r->vm.fault, r->pc, 0, 0);
    record(d, BBOX_KIND_FAULT, r->vm.fault, r->pc, d->b.bank);
  }
  if (st != RUN_EXITED && st != RUN_LIMIT && d->boot->trial) {
    uint32_t detail;
    boot_reject(d->boot, (uint32_t)d->boot->running, LINK_REASON_FAULT, &detail);
    run_dev_post(d, LINK_EV_REVERTED, d->b.bank, r->pc, "fault", 5);
    record(d, BBOX_KIND_REVERTED, r->vm.fault, r->pc, d->b.bank);
    d->want_reboot = true;
  }
  return RUN_ACT_NONE;
}

static void guest_slice(run_dev *d, uint64_t now) {
  run_prog *r = &d->rp;
  if (!d->have_prog || d->boot_req) return;
  if (r->state == RUN_SLEEPING && r->vm.wake_us > now &&
      (!d->cfg.max_us || now - d->t0_us < d->cfg.max_us))
    return;
  if (r->state != RUN_RUNNING && r->state != RUN_SLEEPING) return;
  if (d->cfg.max_us && now - d->t0_us >= d->cfg.max_us) {
    run_prog_limit(r, RUN_LIMIT_TIME);
    stopped(d, RUN_LIMIT);
    return;
  }
  run_state st = run_prog_step(r, d->cfg.slice);
  if (st != RUN_RUNNING && st != RUN_SLEEPING) stopped(d, st);
}

/* ---- services --------------------------------------------------------------- */

static void trial(run_dev *d, uint64_t up_ms) {
  boot_dev *b = d->boot;
  if (!b->trial || d->want_reboot) return;
  if (d->have_prog && d->rp.state == RUN_FAULTED) return;   /* stopped() decided */
  if (!d->have_prog) {                                       /* cannot start */
    uint32_t detail;
    boot_reject(b, (uint32_t)b->running, LINK_REASON_FAULT, &detail);
    run_dev_post(d, LINK_EV_REVERTED, d->b.bank, 0, "start", 5);
    record(d, BBOX_KIND_REVERTED, 0, 0, d->b.bank);
    d->want_reboot = true;
    return;
  }
  if (d->cfg.health_ms && up_ms >= d->cfg.health_ms) {
    uint32_t detail;
    if (boot_confirm(b, (uint32_t)b->running, &detail) == LINK_ST_OK)
      run_dev_post(d, LINK_EV_TRIAL_CONFIRMED, (int32_t)b->floor, 0, "health", 6);
    return;
  }
  if (d->cfg.trial_ms && up_ms >= d->cfg.trial_ms) {   /* the trial's watchdog */
    run_dev_post(d, LINK_EV_REVERTED, d->b.bank, 0, "timeout", 7);
    record(d, BBOX_KIND_REVERTED, 0, 0, d->b.bank);
    d->want_reboot = true;
  }
}

uint32_t run_dev_telemetry_body(run_dev *d, uint8_t *out, uint32_t cap) {
  static const char *const names[] = { "uptime_ms", "steps", "faults", "stack_free", "link_errors" };
  uint64_t up = (hal_time_us() - d->t0_us) / 1000u;
  int64_t v[] = { (int64_t)up, (int64_t)d->rp.vm.steps, d->faults,
                  stack_free(d), d->link_errors };
  if (cap < 9u) return 0;
  link_put64(out, up);
  uint32_t at = 9u, count = 0;
  for (uint32_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    uint32_t len = 0;
    while (names[i][len]) len++;
    uint32_t n = link_tvalue_put(out + at, cap - at, 0, v[i], names[i], len);
    if (!n) break;
    at += n;
    count++;
  }
  for (uint32_t i = 0; i < d->telem.n; i++) {
    uint32_t n = link_tvalue_put(out + at, cap - at, LINK_TV_GUEST, d->telem.g[i].value,
                                 d->telem.g[i].name, d->telem.g[i].len);
    if (!n) break;
    at += n;
    count++;
  }
  out[8] = (uint8_t)count;
  return at;
}

/* A heartbeat the link cannot take (full of the guest's log lines) is
** tried again at the next pass, before any line, until the next one is
** due: a flood of output never hides that the device is alive. It counts
** once in notes_lost. */
static void heartbeat(run_dev *d, uint64_t ms, uint64_t up_ms) {
  bool retry = d->hb_due && ms < d->next_hb_ms;
  if (!retry && ms < d->next_hb_ms) return;
  if (!retry) {
    d->next_hb_ms = ms + d->cfg.heartbeat_ms;
    d->svc_ms[SVC_HEARTBEAT] = ms;
  }
  link_heartbeat h = {
    .uptime_ms = up_ms, .boot_id = d->b.boot_id, .vm_state = vm_state(d),
    .host_state = host_state(d), .running = d->b.bank < 0 ? LINK_NO_BANK : (uint8_t)d->b.bank,
    .trial = d->boot->trial, .steps = d->rp.vm.steps, .log_next = d->log.next,
    .log_lost = d->log.lost, .notes_lost = d->notes_lost,
    .bbox_next = d->bb_ok ? bbox_next_seq(&d->bb) : 0,
  };
  uint8_t body[LINK_HEARTBEAT_SIZE];
  uint32_t n = link_heartbeat_put(body, sizeof body, &h);
  uint32_t lost = d->notes_lost;
  d->hb_due = !run_side_note(d, LINK_NOTE_HEARTBEAT, body, n) &&
              (d->notify & LINK_NOTE_MASK(LINK_NOTE_HEARTBEAT));
  if (retry && d->hb_due) d->notes_lost = lost;
}

static void telemetry(run_dev *d, uint64_t ms) {
  run_telem *t = &d->telem;
  if (!t->interval_ms || ms < t->next_ms) return;
  t->next_ms = ms + t->interval_ms;
  d->svc_ms[SVC_TELEMETRY] = ms;
  uint32_t n = run_dev_telemetry_body(d, d->body, RUN_MSG_MAX - LINK_RESP_HDR);
  if (n) run_side_note(d, LINK_NOTE_TELEMETRY, d->body, n);
}

/* Lines and events not yet sent, while the link takes them. */
static void pending_notes(run_dev *d, uint64_t ms) {
  d->svc_ms[SVC_LOG] = ms;
  if (!d->notify) return;
  run_events *q = &d->ev;
  if (q->noted < q->first) q->noted = q->first;
  while ((d->notify & LINK_NOTE_MASK(LINK_NOTE_EVENT)) && q->noted < q->next) {
    uint32_t n = link_event_put(d->body, RUN_MSG_MAX - LINK_RESP_HDR, &q->e[q->noted % RUN_EVENTS]);
    if (!run_side_note(d, LINK_NOTE_EVENT, d->body, n)) break;
    q->noted++;
  }
  run_log *l = &d->log;
  if (l->noted < l->first) l->noted = l->first;
  for (uint32_t k = 0; k < 8u && (d->notify & LINK_NOTE_MASK(LINK_NOTE_LOG)) && l->noted < l->next; k++) {
    uint8_t level;
    int len = run_log_get(l, l->noted, d->body + 17, LINK_LOG_LINE_MAX, &level);
    if (len < 0) break;
    link_put32(d->body, l->noted);
    link_put32(d->body + 4, l->lost - l->lost_noted);   /* evicted unsent, just before it */
    d->body[8] = level;
    link_put64(d->body + 9, (hal_time_us() - d->t0_us) / 1000u);
    if (!run_side_note(d, LINK_NOTE_LOG, d->body, 17u + (uint32_t)len)) break;
    l->noted++;
    l->lost_noted = l->lost;
  }
}

static void link_in(run_dev *d, uint64_t ms) {
  uint8_t buf[256];
  for (uint32_t k = 0; k < 8u; k++) {
    int n = run_port_link_read(buf, sizeof buf);
    d->link_gone = n < 0;
    if (n <= 0) break;
    run_dev_input(d, buf, (uint32_t)n);
  }
  d->svc_ms[SVC_LINK] = ms;
  if (d->notify && ms >= d->notify_until_ms) d->notify = 0;   /* the lease lapsed */
}

static bool link_bad(const run_dev *d);

/* ---- the status display ------------------------------------------------------ */

/* A page takes 3 ms on the bus at 400 kHz (12.5 ms at 100 kHz): one at
** most every OLED_PASS_MS, so the screen costs a pass that much at worst
** and the uptime line, which changes every second, one page a second. A
** display that never answered is looked for again every OLED_RETRY_MS. */
#define OLED_PASS_MS  100u
#define OLED_RETRY_MS 5000u
/* A frame within this long: "link ok" (a client that subscribed renews
** its lease at least this often). */
#define LINK_ACTIVE_MS LINK_NOTE_LEASE_MS

/* The program's name for the screen: its source file's base name without
** ".c", or "-". */
static void oled_name(const run_dev *d, char out[16]) {
  const char *n = d->have_prog ? cvm_source_name(&d->prog) : 0;
  uint32_t len = 0, at = 0;
  if (n) {
    for (uint32_t i = 0; n[i]; i++)
      if (n[i] == '/' || n[i] == '\\') at = i + 1u;
    n += at;
    while (n[len]) len++;
    if (len > 2 && n[len - 2] == '.' && n[len - 1] == 'c') len -= 2;
  }
  if (len > 16) len = 16;
  __builtin_memset(out, 0, 16);
  if (len) __builtin_memcpy(out, n, len);
}

void run_dev_oled_status(const run_dev *d, oled_status *s) {
  __builtin_memset(s, 0, sizeof *s);
  uint64_t ms = now_ms();
  s->device_id = d->cfg.device_id;
  oled_name(d, s->name);
  if (d->b.bank >= 0) __builtin_memcpy(s->version, d->boot->bank[d->b.bank].st.version, sizeof s->version);
  /* a program in delay() is running to whoever reads the screen; showing
  ** SLEEP would flicker with every loop() */
  s->vm = vm_state(d) == LINK_VM_SLEEPING ? LINK_VM_RUNNING : vm_state(d);
  s->trial = d->boot->trial;
  s->bank = (int8_t)(d->b.bank < 0 ? -1 : d->b.bank);
  s->uptime_s = (uint32_t)((hal_time_us() - d->t0_us) / 1000000u);
  if (d->link_gone || link_bad(d)) s->link = OLED_LINK_DOWN;
  else if (d->link_rx && ms - d->link_rx_ms <= LINK_ACTIVE_MS) s->link = OLED_LINK_ACTIVE;
  else s->link = OLED_LINK_IDLE;
}

static void display(run_dev *d, uint64_t ms) {
  if (!d->cfg.oled || ms < d->oled_next_ms) return;
  oled_status st;
  run_dev_oled_status(d, &st);
  int r = oled_service(&d->oled, &st);
  if (r >= 0 && (d->oled.ok & OLED_OK_UP)) d->oled_seen = true;
  d->oled_next_ms = ms + (r < 0 && !d->oled_seen ? OLED_RETRY_MS : OLED_PASS_MS);
}

static bool healthy(const run_dev *d, uint64_t ms) {
  uint64_t limit[SVC__COUNT] = { d->cfg.wdog_ms, d->cfg.heartbeat_ms + d->cfg.wdog_ms,
                                 d->telem.interval_ms ? d->telem.interval_ms + d->cfg.wdog_ms : 0,
                                 d->cfg.wdog_ms };
  for (uint32_t i = 0; i < SVC__COUNT; i++)
    if (limit[i] && ms - d->svc_ms[i] > limit[i]) return false;
  return true;
}

run_act run_dev_poll(run_dev *d) {
  uint64_t now = hal_time_us();
  guest_slice(d, now);
  now = hal_time_us();
  uint64_t gap = now - d->last_pass_us;
  if (gap > d->gap_max_us) d->gap_max_us = gap;
  uint64_t ms = now / 1000u, up = (now - d->t0_us) / 1000u;
  link_in(d, ms);
  trial(d, up);
  heartbeat(d, ms, up);
  telemetry(d, ms);
  pending_notes(d, ms);
  display(d, ms);
  d->last_pass_us = hal_time_us();
  /* a pass later than wdog_ms (a stalled loop, an overlong slice) is not
  ** fed, though every service just ran in it: the watchdog would have bitten */
  if (gap <= (uint64_t)d->cfg.wdog_ms * 1000u && healthy(d, ms)) run_port_wdog_feed();
  if (d->boot_req) {
    run_side_answer_bootloader(d);
    run_dev_post(d, LINK_EV_BOOTLOADER, 0, 0, 0, 0);
    return RUN_ACT_BOOTLOADER;
  }
  if (d->srv.reboot || d->want_reboot) return RUN_ACT_REBOOT;
  return RUN_ACT_NONE;
}

/* When the next pass is due, for a port that idles between passes. */
uint64_t run_dev_wake_us(const run_dev *d) {
  uint64_t now = hal_time_us(), w = now + 100000u;
  if (d->have_prog && d->rp.state == RUN_RUNNING) return now;
  if (d->have_prog && d->rp.state == RUN_SLEEPING && d->rp.vm.wake_us < w) w = d->rp.vm.wake_us;
  uint64_t hb = d->next_hb_ms * 1000u, tm = d->telem.next_ms * 1000u;
  if (d->notify && hb < w) w = hb;
  if (d->telem.interval_ms && tm < w) w = tm;
  if (d->boot->trial) {
    uint64_t at = d->t0_us + (uint64_t)(d->cfg.health_ms ? d->cfg.health_ms : d->cfg.trial_ms) * 1000u;
    if ((d->cfg.health_ms || d->cfg.trial_ms) && at < w) w = at;
  }
  return w < now ? now : w;
}

/* ---- the HAL's hooks ---------------------------------------------------------- */

void run_dev_console(run_dev *d, const char *s, uint32_t n) { run_log_write(&d->log, s, n); }

/* event_emit: a named counter, kept with the guest's telemetry. */
void run_dev_event(run_dev *d, const char *name, uint32_t len, int32_t value) {
  run_telem_put(&d->telem, name, len, value);
}

void run_dev_telemetry(run_dev *d, const char *name, uint32_t len, int32_t value) {
  run_telem_put(&d->telem, name, len, value);
}

/* The watchdog is about to reset the device: the record is written at the
** next boot, when the reset reason says watchdog (a port whose watchdog
** gives no early warning has nothing else to go on). */
void run_dev_watchdog(run_dev *d) { (void)d; }

/* More than 10 damaged frames in 10 s: the link is degraded. */
#define ERR_WINDOW_MS 10000u
#define ERR_LIMIT     10u

void run_dev_link_error(run_dev *d) {
  uint64_t ms = now_ms();
  if (ms - d->err_window_ms > ERR_WINDOW_MS) {
    d->err_window_ms = ms;
    d->err_window = 0;
  }
  d->err_window++;
}

static bool link_bad(const run_dev *d) {
  return d->err_window > ERR_LIMIT && now_ms() - d->err_window_ms <= ERR_WINDOW_MS;
}

bool run_dev_degraded(const run_dev *d) {
  bool link = link_bad(d);
  bool screen = d->cfg.oled && d->oled_seen && !(d->oled.ok & OLED_OK_UP);
  return d->degraded || link || screen;
}

bool run_dev_blackbox(run_dev *d, uint8_t op, uint32_t from, uint8_t *out, uint32_t cap,
                      uint32_t *n) {
  if (op > LINK_BB_CLEAR || !d->bb_ok) return false;
  if (op == LINK_BB_CLEAR) {
    d->degraded = bbox_clear_below(&d->bb, from) != BBOX_OK;
    if (d->degraded) return false;
    link_put32(out, bbox_next_seq(&d->bb));
    *n = 4;
    return true;
  }
  uint32_t at = 11u, count = 0, next = from;
  bbox_rec r;
  while (cap - at >= BBOX_WIRE_SIZE && bbox_read(&d->bb, next, &r) == BBOX_OK) {
    bbox_rec_put(out + at, &r);
    at += BBOX_WIRE_SIZE;
    next = r.seq + 1u;
    count++;
  }
  if (!count && next < bbox_first_seq(&d->bb)) next = bbox_first_seq(&d->bb);
  if (!count && next > bbox_next_seq(&d->bb)) next = bbox_next_seq(&d->bb);
  link_put32(out, next);
  link_put32(out + 4, bbox_count(&d->bb));
  link_put16(out + 8, BBOX_WIRE_SIZE);
  out[10] = (uint8_t)count;
  *n = at;
  return true;
}

void run_dev_status(const run_dev *d, link_rt_status *s) {
  __builtin_memset(s, 0, sizeof *s);
  s->vm_state = vm_state(d);
  s->host_state = host_state(d);
  s->reset_reason = d->b.reset_reason;
  s->running = d->b.bank < 0 ? LINK_NO_BANK : (uint8_t)d->b.bank;
  s->trial = d->boot->trial;
  s->flags = (uint8_t)((d->boot_req ? LINK_RTF_BOOTLOADER : 0u) | (d->notify ? LINK_RTF_NOTIFY : 0u));
  if (d->b.bank >= 0) {
    const link_bank *bk = &d->boot->bank[d->b.bank].st;
    __builtin_memcpy(s->version, bk->version, sizeof s->version);
    s->counter = bk->counter;
    __builtin_memcpy(s->digest, bk->digest, sizeof s->digest);
  }
  s->boot_id = d->b.boot_id;
  s->boots = d->b.boots;
  s->uptime_ms = (hal_time_us() - d->t0_us) / 1000u;
  s->steps = d->rp.vm.steps;
  if (d->have_prog) {
    s->exit_code = d->rp.state == RUN_EXITED ? d->rp.vm.result : 0;
    s->fault = d->rp.state == RUN_FAULTED ? d->rp.vm.fault : 0;
    s->fault_pc = d->rp.state == RUN_FAULTED || d->rp.state == RUN_LIMIT ? d->rp.pc : 0;
    s->stack_free = stack_free(d);
    const char *name = cvm_source_name(&d->prog);
    uint32_t n = 0;
    while (name && name[n] && n < LINK_NAME_MAX) n++;
    if (name) __builtin_memcpy(s->name, name, n);
    s->name_len = (uint8_t)n;
  }
  s->faults = d->faults;
  s->link_frames = d->link_frames;
  s->link_errors = d->link_errors;
  s->naks = d->naks;
  s->log_next = d->log.next;
  s->log_lost = d->log.lost;
  s->notes_lost = d->notes_lost;
  s->telem_dropped = d->telem.dropped;
  if (d->bb_ok) {
    s->bbox_next = bbox_next_seq(&d->bb);
    s->bbox_count = bbox_count(&d->bb);
  }
  s->gap_max_us = d->gap_max_us > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)d->gap_max_us;
  s->telemetry_ms = d->telem.interval_ms;
  s->log_level = d->log.level;
}
