/*
** test_run.c -- the device runtime (src/run) in process: the stepper, the
** log ring, telemetry, the sideband server through run_dev_input with real
** frames, notifications, the trial, the watchdog and the service gap.
**
** The port is faked here: the link is two byte queues (the test decodes
** what the device writes with link_rx), the watchdog a counter; time is the
** simulated board's (board_open, board_sleep_until), flash board_flash on
** a temporary file, the boot_dev set up as board_device.c does (boot_init,
** boot_select after installing an artifact with boot_begin/data/verify/
** activate). Programs are assembled in memory.
** Usage: test_run NAME (one case per CTest entry, run.unit.NAME).
*/
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm.h"
#include "board.h"
#include "board_flash.h"
#include "run_int.h"   /* run_dev_post: events without a guest that makes them */
#include "tcheck.h"

/* ---- the fake port ---------------------------------------------------------- */

static uint8_t rxq[4096];            /* bytes for run_port_link_read */
static uint32_t rxq_len;
static uint8_t txq[1 << 20];         /* what the device wrote */
static uint32_t txq_len;
static bool tx_refuse;               /* the port cannot take bytes now */
static uint32_t writes_refused, feeds;

int run_port_link_read(uint8_t *buf, uint32_t cap) {
  uint32_t n = rxq_len < cap ? rxq_len : cap;
  memcpy(buf, rxq, n);
  memmove(rxq, rxq + n, rxq_len - n);
  rxq_len -= n;
  return (int)n;
}

bool run_port_link_write(const uint8_t *p, uint32_t n) {
  if (tx_refuse) {
    writes_refused++;
    return false;
  }
  REQUIRE(txq_len + n <= sizeof txq);
  memcpy(txq + txq_len, p, n);
  txq_len += n;
  return true;
}

void run_port_wdog_feed(void) { feeds++; }

/* ---- frames out of the device ------------------------------------------------- */

typedef struct tframe {
  uint8_t m[LINK_MAX_FRAME];
  uint32_t n;
} tframe;

static tframe notes[512];            /* notifications seen, in order */
static uint32_t nnotes;
static tframe answers[64];           /* answers since the last take */
static uint32_t nanswers;
static link_rx crx;                  /* the client's decoder */
static uint32_t bad_out;

static void drain(void) {
  for (uint32_t i = 0; i < txq_len; i++) {
    link_rxev ev = link_rx_byte(&crx, txq[i]);
    if (ev == LINK_RX_BAD) bad_out++;
    if (ev != LINK_RX_FRAME) continue;
    tframe *f;
    if (link_is_note(crx.msg, crx.len)) {
      REQUIRE(nnotes < sizeof notes / sizeof notes[0]);
      f = &notes[nnotes++];
    } else {
      REQUIRE(nanswers < sizeof answers / sizeof answers[0]);
      f = &answers[nanswers++];
    }
    memcpy(f->m, crx.msg, crx.len);
    f->n = crx.len;
  }
  txq_len = 0;
  CHECKF(bad_out == 0, "%u damaged frames from the device", bad_out);
}

/* ---- the device ------------------------------------------------------------------ */

#define DEVID 0xC0C0C0C0u
static run_dev D;
static boot_dev B;
static _Alignas(8) uint8_t vmem[24576];
static cvm1_policy POL;
static uint8_t *art;
static size_t art_len;
static char flash_path[64];
static FILE *devnull;
static uint32_t boot_id = 100;

static void hook_console(void *ctx, const char *s, uint32_t n) { run_dev_console(ctx, s, n); }
static void hook_event(void *ctx, const char *name, uint32_t len, int32_t v) { run_dev_event(ctx, name, len, v); }
static void hook_telem(void *ctx, const char *name, uint32_t len, int32_t v) { run_dev_telemetry(ctx, name, len, v); }

/* Assemble src and package it unsigned. */
static uint8_t *build(const char *src, const char *version, uint32_t counter, size_t *len) {
  asm_diag dg;
  asm_prog *ap = asm_assemble("t.s", src, strlen(src), stderr, &dg);
  REQUIRE(ap);
  cvm1_meta meta;
  cvm1_meta_init(&meta);
  meta.build_time = 1;
  REQUIRE(cvm1_parse_version(version, meta.version) == CVM1_ERR_OK);
  meta.security_counter = counter;
  uint8_t *out = NULL;
  REQUIRE(cvm1_build(asm_image(ap), &meta, NULL, &out, len) == CVM1_ERR_OK);
  asm_free(ap);
  return out;
}

static void board_up(uint32_t step_ns) {
  board_opts bo;
  board_opts_init(&bo);
  bo.console = devnull;
  bo.step_ns = step_ns;
  REQUIRE(board_open(&bo) == BOARD_EOK);
}

static void remove_flash(void) {
  if (flash_path[0]) unlink(flash_path);
}

/* A fresh flash file; boot ids go up at every "reset". */
static void flash_fresh(void) {
  if (!flash_path[0]) {
    snprintf(flash_path, sizeof flash_path, "/tmp/run-unit-%d.img", (int)getpid());
    atexit(remove_flash);
  }
  if (board_flash_is_open()) board_flash_close();
  unlink(flash_path);
  REQUIRE(board_flash_open(flash_path) == 0);
}

/* The standby bank gets src (BEGIN, DATA, VERIFY, ACTIVATE); the next
** boot_select boots it as a trial. Returns the bank. */
static uint32_t install(const char *src, const char *version, uint32_t counter) {
  free(art);
  art = build(src, version, counter, &art_len);
  boot_init(&B, &POL, DEVID, ++boot_id);
  boot_select(&B);
  link_begin lb;
  REQUIRE(link_begin_for(art, (uint32_t)art_len, &lb));
  uint8_t bank;
  uint32_t next, detail;
  REQUIRE(boot_begin(&B, &lb, &bank, &next, &detail) == LINK_ST_OK);
  for (uint32_t off = next; off < art_len; off += 1024) {
    uint32_t n = art_len - off < 1024 ? (uint32_t)(art_len - off) : 1024;
    REQUIRE(boot_data(&B, off, art + off, n, &next, &detail) == LINK_ST_OK);
  }
  REQUIRE(boot_verify(&B, &bank, &detail) == LINK_ST_OK);
  REQUIRE(boot_activate(&B, bank, &detail) == LINK_ST_OK);
  return bank;
}

static run_cfg CFG;

static void cfg_default(void) {
  memset(&CFG, 0, sizeof CFG);
  CFG.pol = POL;
  CFG.device_id = DEVID;
  CFG.mem = vmem;
  CFG.mem_size = sizeof vmem;
  CFG.bbox_off = BOOT_BLACKBOX_OFF;
  CFG.bbox_pages = BOOT_BLACKBOX_SIZE / HAL_FLASH_PAGE;
}

/* A reset: the bootloader decides, the runtime starts (as board_device.c). */
static int dev_boot(uint32_t step_ns) {
  board_set_hooks(NULL);
  board_up(step_ns);
  boot_init(&B, &POL, DEVID, ++boot_id);
  int bank = boot_select(&B);
  run_boot b = { .bank = bank, .trial = B.trial, .boot_id = B.boot_id, .boots = 1,
                 .reset_reason = LINK_RESET_POWER_ON, .reverted = B.reverted };
  txq_len = rxq_len = 0;
  nnotes = nanswers = 0;
  tx_refuse = false;
  feeds = writes_refused = 0;
  link_rx_init(&crx);
  run_dev_start(&D, &CFG, &B, &b);
  board_hooks h = { &D, hook_console, hook_event, hook_telem };
  board_set_hooks(&h);
  return bank;
}

/* Install src, boot it as a trial, and (confirm) confirm it and boot again. */
static int dev_with(const char *src, bool confirm, uint32_t step_ns) {
  flash_fresh();
  uint32_t bank = install(src, "1.2.3", 3);
  if (confirm) {
    uint32_t detail;
    boot_init(&B, &POL, DEVID, ++boot_id);
    REQUIRE(boot_select(&B) == (int)bank && B.trial);
    REQUIRE(boot_confirm(&B, bank, &detail) == LINK_ST_OK);
  }
  int b = dev_boot(step_ns);
  REQUIRE(b == (int)bank);
  REQUIRE(D.b.trial == !confirm);
  return b;
}

static void advance_ms(uint64_t ms) { board_sleep_until(hal_time_us() + ms * 1000u); }

/* ---- requests --------------------------------------------------------------------- */

static uint16_t cseq = 1000;

/* A frame of cmd, seq, body onto w; its length. */
static uint32_t frame_of(uint8_t cmd, uint16_t seq, const uint8_t *body, uint32_t n, uint8_t *w,
                         uint32_t cap) {
  uint8_t msg[LINK_MAX_MSG];
  msg[0] = cmd;
  link_put16(msg + 1, seq);
  if (n) memcpy(msg + 3, body, n);
  uint32_t k = link_frame_encode(msg, 3 + n, w, cap);
  REQUIRE(k);
  return k;
}

static uint8_t rbody[LINK_MAX_MSG];
static uint32_t rlen, rdetail;

/* One request straight into run_dev_input: exactly one answer, to it. */
static link_st req(uint8_t cmd, const uint8_t *body, uint32_t n) {
  uint8_t w[LINK_MAX_WIRE];
  uint16_t seq = ++cseq;
  uint32_t k = frame_of(cmd, seq, body, n, w, sizeof w);
  nanswers = 0;
  run_dev_input(&D, w, k);
  drain();
  CHECKF(nanswers == 1, "%u answers to %s", nanswers, link_rt_cmd_body(cmd) >= 0 ?
         link_rt_cmd_name(cmd) : link_cmd_name(cmd));
  if (nanswers < 1) return LINK_ST__COUNT;
  tframe *f = &answers[0];
  CHECK(f->n >= LINK_RESP_HDR);
  CHECKF(f->m[0] == (cmd | LINK_RESP_BIT), "answer 0x%02x to 0x%02x", f->m[0], cmd);
  CHECK(link_get16(f->m + 1) == seq);
  rlen = f->n - LINK_RESP_HDR;
  memcpy(rbody, f->m + LINK_RESP_HDR, rlen);
  link_st st = (link_st)f->m[3];
  if (st != LINK_ST_OK) {
    CHECK(rlen == 4);
    rdetail = link_get32(rbody);
  }
  return st;
}

static link_st req_set(uint8_t key, uint32_t v, uint32_t *now) {
  uint8_t b[5] = { key };
  link_put32(b + 1, v);
  link_st st = req(LINK_SET, b, 5);
  if (st == LINK_ST_OK) {
    CHECK(rlen == 4);
    if (now) *now = link_get32(rbody);
  }
  return st;
}

static link_rt_status rt_status(void) {
  link_rt_status s;
  memset(&s, 0, sizeof s);
  CHECK(req(LINK_RT_STATUS, NULL, 0) == LINK_ST_OK);
  CHECKF(rlen == LINK_RT_STATUS_SIZE, "RT_STATUS body %u bytes", rlen);
  CHECK(link_rt_status_get(rbody, rlen, &s));
  return s;
}

static link_st req_logs(uint32_t from, link_logs *lg) {
  uint8_t b[4];
  link_put32(b, from);
  link_st st = req(LINK_LOGS, b, 4);
  if (st == LINK_ST_OK) CHECK(link_logs_get(rbody, rlen, lg));
  return st;
}

static link_st req_bb(uint8_t op, uint32_t from) {
  uint8_t b[5] = { op };
  link_put32(b + 1, from);
  return req(LINK_BLACKBOX, b, 5);
}

/* ---- programs ------------------------------------------------------------------------- */

static const char P_MAIN7[] = ".func main 0\n LDI r0, 7\n RET r0\n.end\n";
static const char P_SETUPLOOP[] =
  ".string s \"S\\n\"\n.string l \"L\\n\"\n.entry setup loop\n"
  ".func setup 0\n MKARR r0, s\n SYS r0, printf, 2\n RET0\n.end\n"
  ".func loop 0\n MKARR r0, l\n SYS r0, printf, 2\n RET0\n.end\n";
static const char P_SLEEP[] =
  ".entry setup loop\n.func setup 0\n RET0\n.end\n"
  ".func loop 0\n LDI r0, 100\n SYS r0, delay, 1\n RET0\n.end\n";
/* pc 0 LDI, then 1 ADDI, 2 JMP 1 forever */
static const char P_BUSY[] = ".func main 0\n LDI r0, 0\nl: ADDI r0, r0, 1\n JMP l\n.end\n";
static const char P_FAULT[] =
  ".source \"fault.c\"\n.func main 0\n.line 3\n LDI r0, 1\n LDI r1, 0\n.line 5\n DIV r0, r0, r1\n"
  " RET r0\n.end\n";
/* recursive, so the verifier cannot size its stack: main's frame (200
** slots) does not fit the 64 bytes asked for, and its first call faults */
static const char P_STACK[] = ".memory 64\n.depth 1\n.func main 0 200\n CALL r0, main\n RET0\n.end\n";
static const char P_BADCODE[] = ".func main 0\n .word 0xFFFFFFFF\n RET0\n.end\n";
static const char P_NOENTRY[] = ".entry none\n.func f 0\n RET0\n.end\n";
/* The sideband's guest: a line and a metric in setup, then sleeps 10 ms. */
static const char P_DEV[] =
  ".source \"dev.c\"\n"
  ".string hi \"hello\\n\"\n.string tn \"temp\"\n.entry setup loop\n"
  ".func setup 0\n MKARR r0, hi\n SYS r0, printf, 2\n MKARR r0, tn\n LDI r2, 23\n"
  " SYS r0, telemetry, 3\n RET0\n.end\n"
  ".func loop 0\n LDI r0, 10\n SYS r0, delay, 1\n RET0\n.end\n";

/* ---- step ----------------------------------------------------------------------------- */

static char con[4096];
static uint32_t ncon;
static void cap_console(void *ctx, const char *s, uint32_t n) {
  (void)ctx;
  if (ncon + n < sizeof con) memcpy(con + ncon, s, n), ncon += n;
}

static cvm_prog PROG;
static uint8_t *PART;
static void prog_of(const char *src) {
  size_t len;
  free(PART);
  PART = build(src, "1.0.0", 0, &len);
  REQUIRE(cvm1_load(PART, len, &POL, &PROG, NULL) == CVM1_ERR_OK);
}

static uint32_t exec_calls;
static cvm_status count_exec(cvm_vm *vm, uint32_t budget, void *ctx) {
  (void)ctx;
  exec_calls++;
  return cvm_run(vm, budget);
}

static void t_step(void) {
  board_up(0);
  board_hooks h = { NULL, cap_console, NULL, NULL };
  board_set_hooks(&h);
  run_prog r;

  /* failures first: verification, memory, no entry */
  prog_of(P_BADCODE);
  memset(&r, 0, sizeof r);
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EVERIFY);
  CHECK(r.verr != CVM_VERR_OK && r.state == RUN_IDLE);
  CHECK(run_prog_step(&r, 100) == RUN_IDLE);
  prog_of(P_MAIN7);
  memset(&r, 0, sizeof r);
  uint32_t scratch = cvm_verify_scratch_size(&PROG);
  if (scratch > 0)
    CHECK(run_prog_start(&r, &PROG, NULL, vmem, scratch - 1, 0, POL.granted_caps) == RUN_EMEMORY);
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, PROG.mem_size - 4, 0, POL.granted_caps) == RUN_EMEMORY ||
        scratch > PROG.mem_size - 4);
  /* a verified program and a grant larger than the memory there is */
  cvm_vinfo vi = r.vi;
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EOK);
  vi = r.vi;
  CHECK(vi.ok);
  CHECK(run_prog_start(&r, &PROG, &vi, vmem, 1024, 4096, POL.granted_caps) == RUN_EMEMORY);
  /* entry-less: the verifier refuses it (ENTRY); verified already, RUN_EENTRY */
  prog_of(P_NOENTRY);
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EVERIFY);
  CHECK(r.verr == CVM_VERR_ENTRY);
  cvm_vinfo ok = { .ok = true };
  CHECK(run_prog_start(&r, &PROG, &ok, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EENTRY);

  /* a first call that faults: OK, FAULTED */
  prog_of(P_STACK);
  memset(&r, 0, sizeof r);
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EOK);
  CHECK(r.state == RUN_FAULTED && r.vm.fault == CVM_FAULT_STACK);
  CHECK(run_prog_step(&r, 100) == RUN_FAULTED);

  /* main's exit value; the exec hook set before start is kept */
  prog_of(P_MAIN7);
  memset(&r, 0, sizeof r);
  r.exec = count_exec;
  exec_calls = 0;
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EOK);
  CHECK(r.state == RUN_RUNNING && r.phase == RUN_PH_MAIN);
  CHECK(run_prog_step(&r, 100) == RUN_EXITED);
  CHECK(r.vm.result == 7 && exec_calls == 1);
  CHECK(run_prog_step(&r, 100) == RUN_EXITED && exec_calls == 1);   /* nothing more runs */
  CHECK(run_prog_stack_free(&r) > 0 && run_prog_stack_free(&r) <= r.vm.mem_size);

  /* setup once, then loop again and again */
  prog_of(P_SETUPLOOP);
  memset(&r, 0, sizeof r);
  ncon = 0;
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EOK);
  CHECK(r.phase == RUN_PH_SETUP);
  CHECK(run_prog_step(&r, 1000) == RUN_RUNNING);
  CHECK(r.phase == RUN_PH_LOOP && r.loops == 0);
  for (int i = 0; i < 5; i++) CHECK(run_prog_step(&r, 1000) == RUN_RUNNING);
  CHECKF(r.loops == 5, "loops %u", r.loops);
  con[ncon] = 0;
  CHECKF(strcmp(con, "S\nL\nL\nL\nL\nL\n") == 0, "console \"%s\"", con);

  /* sleeping: wake_us is now + 100 ms; the next step after it goes on */
  prog_of(P_SLEEP);
  memset(&r, 0, sizeof r);
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EOK);
  CHECK(run_prog_step(&r, 1000) == RUN_RUNNING);              /* setup */
  uint64_t t = hal_time_us();
  CHECK(run_prog_step(&r, 1000) == RUN_SLEEPING);
  CHECKF(r.vm.wake_us == t + 100000u, "wake %llu", (unsigned long long)r.vm.wake_us);
  board_sleep_until(r.vm.wake_us);
  CHECK(run_prog_step(&r, 1000) == RUN_RUNNING);              /* loop ends, the next starts */
  CHECK(r.loops == 1);
  CHECK(run_prog_step(&r, 1000) == RUN_SLEEPING);
  CHECK(r.vm.wake_us == t + 200000u);

  /* max_steps: LIMIT STEPS at the pc where it stopped, in slices of 3. The
  ** VM checks its budget at backward jumps, calls and host calls, so a run
  ** may go past it by one straight-line stretch (here ADDI, JMP: 2 words):
  ** the limit stops at the first check at or past max_steps, at pc 1. */
  for (uint64_t max = 1; max <= 12; max++) {
    prog_of(P_BUSY);
    memset(&r, 0, sizeof r);
    r.max_steps = max;
    CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EOK);
    CHECK(r.max_steps == max);
    run_state st = RUN_RUNNING;
    uint32_t calls = 0;
    while (st == RUN_RUNNING && calls < 100) st = run_prog_step(&r, 3), calls++;
    CHECK(st == RUN_LIMIT && r.limit == RUN_LIMIT_STEPS);
    uint64_t want = max < 3 ? 3 : (max % 2 ? max : max + 1);   /* LDI, then pairs */
    CHECKF(r.vm.steps == want, "max %llu: steps %llu", (unsigned long long)max,
           (unsigned long long)r.vm.steps);
    CHECKF(r.pc == 1 && r.pc == r.vm.pc, "max %llu: pc %u", (unsigned long long)max, r.pc);
    CHECK(run_prog_step(&r, 3) == RUN_LIMIT && r.vm.steps == want);
  }

  /* run_prog_limit TIME */
  prog_of(P_BUSY);
  memset(&r, 0, sizeof r);
  CHECK(run_prog_start(&r, &PROG, NULL, vmem, sizeof vmem, 0, POL.granted_caps) == RUN_EOK);
  CHECK(run_prog_step(&r, 5) == RUN_RUNNING);
  run_prog_limit(&r, RUN_LIMIT_TIME);
  CHECK(r.state == RUN_LIMIT && r.limit == RUN_LIMIT_TIME && r.pc == r.vm.pc);
  CHECK(run_prog_step(&r, 5) == RUN_LIMIT);
  CHECK(strcmp(run_err_str(RUN_EVERIFY), "program failed verification") == 0);
  CHECK(strcmp(run_err_str(RUN_E__COUNT), "unknown runtime error") == 0);
  board_set_hooks(NULL);
}

/* ---- log -------------------------------------------------------------------------------- */

static void log_line(run_log *l, char c, uint32_t n) {
  char buf[200];
  memset(buf, c, n);
  buf[n] = '\n';
  run_log_write(l, buf, n + 1);
}

static int get(const run_log *l, uint32_t seq, char *out) {
  uint8_t level = 9;
  int n = run_log_get(l, seq, (uint8_t *)out, 200, &level);
  if (n >= 0) {
    out[n] = 0;
    CHECK(level == 0);
  }
  return n;
}

static void t_log(void) {
  static run_log l;
  char t[256];
  run_log_init(&l);
  /* nothing yet, future numbers */
  CHECK(run_log_get(&l, 0, (uint8_t *)t, sizeof t, &(uint8_t){0}) == -1);
  run_log_write(&l, "ab\r\ncd\n\n", 8);
  CHECK(l.first == 0 && l.next == 3);
  CHECK(get(&l, 0, t) == 2 && strcmp(t, "ab") == 0);          /* '\r' dropped */
  CHECK(get(&l, 1, t) == 2 && strcmp(t, "cd") == 0);
  CHECK(get(&l, 2, t) == 0);                                  /* an empty line */
  CHECK(get(&l, 3, t) == -1 && get(&l, 1000, t) == -1);
  /* partial lines wait for '\n' or a flush */
  run_log_write(&l, "ef", 2);
  CHECK(l.next == 3);
  run_log_flush(&l);
  CHECK(l.next == 4 && get(&l, 3, t) == 2 && strcmp(t, "ef") == 0);
  run_log_flush(&l);
  CHECK(l.next == 4);                                         /* nothing pending: no line */
  /* the 120-byte cut, in pieces */
  char big[300];
  memset(big, 'x', sizeof big);
  run_log_write(&l, big, 100);
  run_log_write(&l, big, 150);
  CHECK(l.next == 6 && l.npart == 10);
  CHECK(get(&l, 4, t) == (int)LINK_LOG_LINE_MAX && get(&l, 5, t) == (int)LINK_LOG_LINE_MAX);
  run_log_write(&l, "\n", 1);
  CHECK(l.next == 7 && get(&l, 6, t) == 10);
  /* a line of exactly 120 bytes and its '\n': one line */
  uint32_t before = l.next;
  log_line(&l, 'y', LINK_LOG_LINE_MAX);
  CHECKF(l.next == before + 1, "120 bytes + newline made %u lines", l.next - before);

  /* eviction: 122-byte entries, 4 fit in 512 (488); lost counts unsent */
  run_log_init(&l);
  for (int i = 0; i < 4; i++) log_line(&l, (char)('a' + i), 120);
  CHECK(l.first == 0 && l.next == 4 && l.lost == 0 && l.head - l.tail == 488);
  /* a line that fills the ring exactly: no eviction */
  log_line(&l, 'e', (uint32_t)(RUN_LOG_RING - 488 - 2));
  CHECK(l.head - l.tail == RUN_LOG_RING && l.first == 0 && l.lost == 0);
  CHECK(get(&l, 4, t) == (int)(RUN_LOG_RING - 490) && t[0] == 'e');
  /* one byte more evicts the oldest, never sent: lost */
  log_line(&l, 'f', 0);
  CHECK(l.first == 1 && l.next == 6 && l.lost == 1);
  CHECK(get(&l, 0, t) == -1);                                 /* evicted */
  CHECK(get(&l, 1, t) == 120 && t[0] == 'b');
  CHECK(get(&l, 5, t) == 0 && get(&l, 6, t) == -1);
  /* lines already sent (noted) are evicted without counting */
  l.noted = 4;
  for (int i = 0; i < 3; i++) log_line(&l, 'g', 120);         /* evicts 1, 2, 3 */
  CHECKF(l.first == 4 && l.lost == 1, "first %u lost %u", l.first, l.lost);
  log_line(&l, 'h', 120);                                     /* evicts 4: noted 4, not sent yet */
  CHECKF(l.first == 5 && l.lost == 2 && l.noted == 5, "first %u lost %u noted %u", l.first, l.lost, l.noted);
  /* reads across the end of the ring keep their bytes */
  for (uint32_t seq = l.first; seq < l.next; seq++) {
    int n = get(&l, seq, t);
    CHECK(n >= 0);
    for (int i = 1; i < n; i++) CHECK(t[i] == t[0]);
  }
  /* a level above the guest's: lines are not kept */
  l.level = 1;
  before = l.next;
  log_line(&l, 'z', 5);
  CHECK(l.next == before);
}

/* ---- telem ------------------------------------------------------------------------------- */

static void t_telem(void) {
  board_up(0);
  static run_telem t;
  run_telem_init(&t, 500);
  CHECK(t.interval_ms == 500 && t.n == 0);
  /* empty and too-long names are dropped */
  char name[40];
  memset(name, 'n', sizeof name);
  CHECK(!run_telem_put(&t, name, 0, 1));
  CHECK(!run_telem_put(&t, name, LINK_NAME_MAX + 1, 1));
  CHECK(t.dropped == 2 && t.n == 0);
  CHECK(run_telem_put(&t, name, LINK_NAME_MAX, 1) && t.n == 1);
  /* the latest value per name */
  CHECK(run_telem_put(&t, "a", 1, 5) && run_telem_put(&t, "a", 1, 6) && t.n == 2);
  CHECK(t.g[1].len == 1 && t.g[1].name[0] == 'a' && t.g[1].value == 6);
  CHECK(run_telem_put(&t, "ab", 2, 7) && t.n == 3);          /* a prefix is another name */
  /* the table fills: new names dropped, old ones still updated */
  for (uint32_t i = t.n; i < RUN_TELEM_GUEST; i++) {
    char nm[2] = { (char)('A' + i), 0 };
    CHECK(run_telem_put(&t, nm, 1, (int32_t)i));
  }
  CHECK(t.n == RUN_TELEM_GUEST);
  uint32_t dropped = t.dropped;
  CHECK(!run_telem_put(&t, "new", 3, 1) && t.dropped == dropped + 1);
  CHECK(run_telem_put(&t, "a", 1, -9) && t.g[1].value == -9);
  /* 100 calls a second: the calls so far count */
  uint32_t calls = t.calls;   /* every call with a good name counts, "new" too */
  CHECKF(calls == RUN_TELEM_GUEST + 3, "calls %u", calls);
  for (uint32_t i = calls; i < RUN_TELEM_CALLS; i++) CHECK(run_telem_put(&t, "a", 1, (int32_t)i));
  dropped = t.dropped;
  CHECK(!run_telem_put(&t, "a", 1, 1000) && t.dropped == dropped + 1);
  CHECK(t.g[1].value == (int32_t)RUN_TELEM_CALLS - 1);
  advance_ms(999);
  CHECK(!run_telem_put(&t, "a", 1, 1000));                   /* still the same second */
  advance_ms(1);
  CHECK(run_telem_put(&t, "a", 1, 1001) && t.calls == 1);    /* a new second */
  advance_ms(500);
  for (uint32_t i = 1; i < RUN_TELEM_CALLS; i++) CHECK(run_telem_put(&t, "a", 1, 1));
  CHECK(!run_telem_put(&t, "a", 1, 1));
  advance_ms(500);                                           /* 1 s after the second began */
  CHECK(run_telem_put(&t, "a", 1, 2));
}

/* ---- sideband ------------------------------------------------------------------------------ */

static void t_sideband(void) {
  cfg_default();
  CFG.telemetry_ms = 0;
  dev_with(P_DEV, true, 0);
  REQUIRE(D.have_prog);
  CHECK(run_dev_poll(&D) == RUN_ACT_NONE);                    /* setup: a line, a metric */
  CHECK(run_dev_poll(&D) == RUN_ACT_NONE);                    /* loop: sleeps */
  drain();
  CHECK(nnotes == 0 && nanswers == 0);                        /* nothing unasked */

  /* failures first: a damaged frame, wrong lengths, unknown commands and keys */
  uint8_t w[64];
  uint32_t k = frame_of(LINK_RT_STATUS, 7, NULL, 0, w, sizeof w);
  w[1] ^= 0x01;                                               /* the CRC no longer matches */
  nanswers = 0;
  run_dev_input(&D, w, k);
  drain();
  CHECK(nanswers == 1);
  if (nanswers == 1) {
    CHECK(answers[0].n == 8 && answers[0].m[0] == LINK_RESP_BIT && link_get16(answers[0].m + 1) == 0);
    CHECK(answers[0].m[3] == LINK_ST_FRAME && link_get32(answers[0].m + 4) == 0);
  }
  link_rt_status s = rt_status();
  CHECK(s.link_errors == 1 && s.naks == 1 && s.link_frames == 1);
  uint8_t junk[8] = { 0 };
  CHECK(req(LINK_RT_STATUS, junk, 1) == LINK_ST_LENGTH && rdetail == 0);
  CHECK(req(LINK_LOGS, junk, 3) == LINK_ST_LENGTH && rdetail == 4);
  CHECK(req(LINK_BLACKBOX, junk, 6) == LINK_ST_LENGTH && rdetail == 5);
  CHECK(req(LINK_SET, junk, 4) == LINK_ST_LENGTH && rdetail == 5);
  CHECK(req(LINK_ENTER_BOOTLOADER, junk, 0) == LINK_ST_LENGTH && rdetail == 4);
  CHECK(req(LINK_TELEMETRY, junk, 8) == LINK_ST_LENGTH && rdetail == 0);
  CHECK(req(0x16, NULL, 0) == LINK_ST_UNKNOWN_CMD && rdetail == 0x16);
  CHECK(req(0x3F, NULL, 0) == LINK_ST_UNKNOWN_CMD && rdetail == 0x3F);
  CHECK(req_set(0, 1, NULL) == LINK_ST_RANGE && rdetail == 0);
  CHECK(req_set(4, 1, NULL) == LINK_ST_RANGE && rdetail == 4);
  CHECK(req_set(0xFF, 1, NULL) == LINK_ST_RANGE && rdetail == 0xFF);
  CHECK(req_bb(2, 0) == LINK_ST_RANGE && rdetail == 2);
  /* a frame too short for a request: FRAME from the boot server */
  uint8_t two[2] = { LINK_HELLO, 0 };
  k = link_frame_encode(two, 2, w, sizeof w);
  nanswers = 0;
  run_dev_input(&D, w, k);
  drain();
  CHECK(nanswers == 1 && answers[0].m[3] == LINK_ST_FRAME);

  /* RT_STATUS: sane fields */
  s = rt_status();
  CHECK(s.vm_state == LINK_VM_SLEEPING && s.host_state == LINK_HOST_READY);
  CHECK(s.reset_reason == LINK_RESET_POWER_ON && s.running == (uint8_t)B.running && !s.trial);
  CHECK(s.version[0] == 1 && s.version[1] == 2 && s.version[2] == 3 && s.counter == 3);
  CHECK(memcmp(s.digest, B.bank[B.running].st.digest, LINK_DIGEST) == 0);
  CHECK(s.boot_id == B.boot_id && s.boots == 1 && s.flags == 0);
  CHECK(s.steps == D.rp.vm.steps && s.steps > 0 && s.faults == 0);
  CHECKF(s.naks == 14 && s.link_errors == 1 && s.link_frames == 15, "naks %u errors %u frames %u",
         s.naks, s.link_errors, s.link_frames);
  CHECK(s.log_next == 1 && s.log_lost == 0 && s.bbox_next == 0 && s.bbox_count == 0);
  CHECK(s.stack_free > 0 && s.stack_free <= sizeof vmem);
  CHECK(s.telemetry_ms == 1000 && s.log_level == 0);         /* run_cfg: 0 is 1000 */
  CHECK(s.name_len == 5 && memcmp(s.name, "dev.c", 5) == 0);
  advance_ms(1234);
  s = rt_status();
  CHECK(s.uptime_ms == 1234);

  /* TELEMETRY: the host's five, then the guest's */
  CHECK(req(LINK_TELEMETRY, NULL, 0) == LINK_ST_OK);
  static link_telemetry tm;
  CHECK(link_telemetry_get(rbody, rlen, &tm));
  CHECK(tm.uptime_ms == 1234 && tm.count == 6);
  static const char *const host[] = { "uptime_ms", "steps", "faults", "stack_free", "link_errors" };
  for (uint32_t i = 0; i < 5 && i < tm.count; i++)
    CHECKF(tm.v[i].flags == 0 && tm.v[i].name_len == strlen(host[i]) &&
           !memcmp(tm.v[i].name, host[i], tm.v[i].name_len), "value %u", i);
  CHECK(tm.v[0].value == 1234 && tm.v[4].value == 1);
  CHECKF(tm.count == 6 && tm.v[5].flags == LINK_TV_GUEST && tm.v[5].name_len == 4 &&
         !memcmp(tm.v[5].name, "temp", 4) && tm.v[5].value == 23, "guest value");

  /* LOGS: from 0, from the middle, beyond next (read as 0), with lost */
  for (int i = 1; i <= 9; i++) {
    char line[140];
    int n = snprintf(line, sizeof line, "line %d ", i);
    memset(line + n, '.', 110 - (size_t)n);
    line[110] = '\n';
    run_dev_console(&D, line, 111);
  }
  link_logs lg;
  const uint8_t *text;
  uint8_t level;
  uint32_t n;
  CHECK(req_logs(0, &lg) == LINK_ST_OK);
  /* 4 lines of 110 fit the ring with "hello": 0..9 made, 5 evicted */
  CHECKF(lg.first == D.log.first && lg.lost == D.log.first && lg.count >= 1, "first %u lost %u count %u",
         lg.first, lg.lost, lg.count);
  CHECK(D.log.lost == D.log.first && D.log.next == 10);
  uint32_t seq = lg.first, total = 0;
  uint32_t from = 0;
  while (seq < 10 && total < 20) {
    CHECK(req_logs(from, &lg) == LINK_ST_OK);
    if (lg.count == 0) break;
    CHECK(lg.first == seq);
    while (link_logs_line(&lg, &level, &text, &n)) {
      char want[16];
      int wl = snprintf(want, sizeof want, "line %u ", seq);
      CHECKF(n == 110 && !memcmp(text, want, (size_t)wl), "line %u", seq);
      seq++;
      total++;
    }
    CHECK(lg.next == seq);
    from = lg.next;
  }
  CHECK(seq == 10);
  CHECK(req_logs(8, &lg) == LINK_ST_OK && lg.first == 8 && lg.lost == 0 && lg.count == 2 && lg.next == 10);
  CHECK(req_logs(10, &lg) == LINK_ST_OK && lg.first == 10 && lg.count == 0 && lg.next == 10 && lg.lost == 0);
  CHECK(req_logs(11, &lg) == LINK_ST_OK && lg.first == D.log.first && lg.lost == D.log.first);
  CHECK(req_logs(0xFFFFFFFFu, &lg) == LINK_ST_OK && lg.first == D.log.first);

  /* BLACKBOX: READ in pages following next, CLEAR below a number */
  CHECK(req_bb(LINK_BB_READ, 0) == LINK_ST_OK);
  link_bb_read br;
  CHECK(link_bb_read_get(rbody, rlen, &br) && br.count == 0 && br.held == 0 && br.next == 0);
  for (uint32_t i = 0; i < 5; i++) {
    bbox_rec r;
    bbox_rec_init(&r, BBOX_KIND_HOST);
    r.pc = 100 + i;
    REQUIRE(bbox_append(&D.bb, &r) == BBOX_OK);
  }
  uint32_t got = 0, pages = 0;
  from = 0;
  for (;;) {
    CHECK(req_bb(LINK_BB_READ, from) == LINK_ST_OK);
    CHECK(link_bb_read_get(rbody, rlen, &br));
    CHECK(br.held == 5 && br.rec_size == BBOX_WIRE_SIZE);
    if (!br.count) break;
    pages++;
    for (uint32_t i = 0; i < br.count; i++) {
      bbox_rec r;
      CHECK(bbox_rec_get(br.recs + i * BBOX_WIRE_SIZE, BBOX_WIRE_SIZE, &r));
      CHECK(r.seq == got && r.pc == 100 + got && r.kind == BBOX_KIND_HOST);
      got++;
    }
    CHECK(br.next == got);
    from = br.next;
    if (pages > 10) break;
  }
  CHECKF(got == 5 && pages == 3, "%u records in %u pages", got, pages);
  CHECK(req_bb(LINK_BB_READ, 100) == LINK_ST_OK && link_bb_read_get(rbody, rlen, &br) &&
        br.count == 0 && br.next == 5);
  CHECK(req_bb(LINK_BB_CLEAR, 3) == LINK_ST_OK && rlen == 4 && link_get32(rbody) == 5);
  CHECK(req_bb(LINK_BB_READ, 0) == LINK_ST_OK && link_bb_read_get(rbody, rlen, &br));
  CHECKF(br.held == 2 && br.count == 2 && br.next == 5, "after clear: held %u count %u next %u",
         br.held, br.count, br.next);
  if (br.count) {
    bbox_rec r;
    CHECK(bbox_rec_get(br.recs, BBOX_WIRE_SIZE, &r) && r.seq == 3);
  }
  s = rt_status();
  CHECK(s.bbox_next == 5 && s.bbox_count == 2);

  /* SET: each key echoes the value in force */
  uint32_t now;
  CHECK(req_set(LINK_SET_TELEMETRY_MS, 250, &now) == LINK_ST_OK && now == 250);
  CHECK(req_set(LINK_SET_LOG_LEVEL, 3, &now) == LINK_ST_OK && now == 3);
  CHECK(req_set(LINK_SET_LOG_LEVEL, 1000, &now) == LINK_ST_OK && now == 255);
  CHECK(req_set(LINK_SET_LOG_LEVEL, 0, &now) == LINK_ST_OK && now == 0);
  CHECK(req_set(LINK_SET_NOTIFY, 0xFFFFFFFFu, &now) == LINK_ST_OK && now == 0x1Eu);
  CHECK(req_set(LINK_SET_NOTIFY, 0, &now) == LINK_ST_OK && now == 0);
  s = rt_status();
  CHECK(s.telemetry_ms == 250 && s.log_level == 0 && !(s.flags & LINK_RTF_NOTIFY));
  drain();
  nnotes = 0;

  /* programming commands: the boot server answers */
  CHECK(req(LINK_HELLO, NULL, 0) == LINK_ST_OK);
  link_info in;
  CHECK(link_info_get(rbody, rlen, &in) && in.boot_id == B.boot_id && in.mode == LINK_MODE_RUNNING &&
        in.device_id == DEVID);
  CHECK(req(LINK_STATUS, NULL, 0) == LINK_ST_OK);
  link_status ls;
  CHECK(link_status_get(rbody, rlen, &ls) && ls.running == (uint8_t)B.running && ls.floor == 3);
  CHECK(ls.bank[B.running].state == LINK_BANK_CONFIRMED);
  uint8_t bank = (uint8_t)B.running;
  CHECK(req(LINK_REVERT, &bank, 1) == LINK_ST_NO_FALLBACK);
  CHECK(req(LINK_VERIFY, NULL, 0) == LINK_ST_STATE);
  CHECK(req(LINK_DATA, junk, 2) == LINK_ST_LENGTH);

  /* several requests in one chunk, split anywhere: one answer each, in order */
  uint8_t many[1024];
  uint32_t m = 0;
  uint16_t seqs[4];
  static const uint8_t cmds[4] = { LINK_RT_STATUS, LINK_HELLO, LINK_TELEMETRY, 0x30 };
  for (int i = 0; i < 4; i++) {
    seqs[i] = ++cseq;
    m += frame_of(cmds[i], seqs[i], NULL, 0, many + m, sizeof many - m);
  }
  for (uint32_t cut = 0; cut <= m; cut += 7) {
    nanswers = 0;
    run_dev_input(&D, many, cut);
    run_dev_input(&D, many + cut, m - cut);
    drain();
    CHECK(nanswers == 4);
    for (uint32_t i = 0; i < nanswers && i < 4; i++)
      CHECK(answers[i].m[0] == (cmds[i] | LINK_RESP_BIT) && link_get16(answers[i].m + 1) == seqs[i]);
  }
  /* and through run_port_link_read, at the poll */
  memcpy(rxq, many, m);
  rxq_len = m;
  nanswers = 0;
  run_dev_poll(&D);
  drain();
  CHECK(nanswers == 4 && rxq_len == 0);
  /* host state while a frame is half in */
  run_dev_input(&D, many, 3);
  CHECK(D.host_state == LINK_HOST_RX_ACTIVE);
  run_dev_input(&D, many + 3, 1);
  nanswers = 0;
  run_dev_input(&D, many + 4, m - 4);
  drain();
  CHECK(D.host_state == LINK_HOST_READY && nanswers == 4);
  /* more than 10 damaged frames in 10 s: degraded */
  for (int i = 0; i < 11; i++) {
    uint8_t bad[3] = { 0x05, 0x01, 0x00 };
    run_dev_input(&D, bad, 3);
  }
  drain();
  s = rt_status();
  CHECK(s.host_state == LINK_HOST_DEGRADED && s.link_errors == 12);
  advance_ms(10001);
  s = rt_status();
  CHECK(s.host_state == LINK_HOST_READY);
  board_set_hooks(NULL);
}

/* ---- notify ------------------------------------------------------------------------------- */

static uint32_t count_notes(uint8_t kind, uint32_t from) {
  uint32_t c = 0;
  for (uint32_t i = from; i < nnotes; i++)
    if ((notes[i].m[0] & 0x3F) == kind) c++;
  return c;
}

static void check_note_seqs(void) {
  for (uint32_t i = 1; i < nnotes; i++)
    CHECKF(link_get16(notes[i].m + 1) == (uint16_t)(link_get16(notes[i - 1].m + 1) + 1u),
           "note %u seq %u after %u", i, link_get16(notes[i].m + 1), link_get16(notes[i - 1].m + 1));
}

static void t_notify(void) {
  cfg_default();
  CFG.heartbeat_ms = 200;
  CFG.telemetry_ms = 0;
  dev_with(P_DEV, true, 0);
  /* no notification without SET NOTIFY */
  for (int i = 0; i < 50; i++) {
    run_dev_poll(&D);
    advance_ms(10);
  }
  drain();
  CHECK(nnotes == 0);
  CHECK(D.notes_lost == 0);

  /* HEARTBEAT: one at once, then every 200 ms of hal time */
  uint32_t now;
  uint64_t t_sub = hal_time_us() / 1000u;
  CHECK(req_set(LINK_SET_NOTIFY, LINK_NOTE_MASK(LINK_NOTE_HEARTBEAT), &now) == LINK_ST_OK);
  CHECK(now == LINK_NOTE_MASK(LINK_NOTE_HEARTBEAT));
  for (int i = 0; i < 100; i++) {                             /* 1 s in 10 ms polls */
    run_dev_poll(&D);
    advance_ms(10);
  }
  drain();
  CHECKF(nnotes == 5, "%u heartbeats in 1 s", nnotes);
  for (uint32_t i = 0; i < nnotes; i++) {
    link_heartbeat h;
    CHECK(notes[i].m[0] == (0xC0 | LINK_NOTE_HEARTBEAT) && notes[i].m[3] == 0);
    CHECK(link_heartbeat_get(notes[i].m + 4, notes[i].n - 4, &h));
    CHECKF(h.uptime_ms == t_sub + 200u * i, "heartbeat %u at %llu", i, (unsigned long long)h.uptime_ms);
    CHECK(h.boot_id == B.boot_id && h.running == (uint8_t)B.running && !h.trial);
    CHECK(h.vm_state == LINK_VM_SLEEPING || h.vm_state == LINK_VM_RUNNING);
  }
  CHECK(link_get16(notes[0].m + 1) == 0);
  check_note_seqs();

  /* LOG and EVENT notes: in order, numbered */
  nnotes = 0;
  CHECK(req_set(LINK_SET_NOTIFY, LINK_NOTE_MASK(LINK_NOTE_LOG) | LINK_NOTE_MASK(LINK_NOTE_EVENT), &now) ==
        LINK_ST_OK);
  run_dev_poll(&D);
  drain();
  /* what was there before: the STARTED event, "hello" (line 0) */
  CHECK(count_notes(LINK_NOTE_EVENT, 0) == 1 && count_notes(LINK_NOTE_LOG, 0) == 1);
  for (uint32_t i = 0; i < nnotes; i++) {
    if ((notes[i].m[0] & 0x3F) == LINK_NOTE_EVENT) {
      link_event_note e;
      CHECK(link_event_get(notes[i].m + 4, notes[i].n - 4, &e) && e.event == LINK_EV_STARTED);
      CHECK(e.bank == (uint8_t)B.running && e.version[1] == 2);
    } else {
      link_log_note ln;
      CHECK(link_log_note_get(notes[i].m + 4, notes[i].n - 4, &ln));
      CHECK(ln.seq == 0 && ln.len == 5 && !memcmp(ln.text, "hello", 5) && ln.lost == 0);
    }
  }
  uint32_t mark = nnotes;
  for (int i = 0; i < 20; i++) {
    char line[16];
    int n = snprintf(line, sizeof line, "n%d\n", i);
    run_dev_console(&D, line, (uint32_t)n);
  }
  for (int i = 0; i < 5; i++) run_dev_poll(&D);               /* 8 lines a pass */
  drain();
  uint32_t want = 1;
  for (uint32_t i = mark; i < nnotes; i++) {
    link_log_note ln;
    CHECK((notes[i].m[0] & 0x3F) == LINK_NOTE_LOG);
    CHECK(link_log_note_get(notes[i].m + 4, notes[i].n - 4, &ln));
    char w[16];
    int n = snprintf(w, sizeof w, "n%u", want - 1);
    CHECKF(ln.seq == want && ln.len == (uint8_t)n && !memcmp(ln.text, w, (size_t)n), "log note %u", want);
    want++;
  }
  CHECK(want == 21);
  check_note_seqs();
  /* lines evicted before they were sent: the next note says how many */
  mark = nnotes;
  char big[130];
  memset(big, 'q', sizeof big);
  big[120] = '\n';
  for (int i = 0; i < 10; i++) run_dev_console(&D, big, 121);
  run_dev_poll(&D);
  drain();
  CHECK(D.log.lost == 6 && nnotes > mark);
  if (nnotes > mark) {
    link_log_note ln;
    CHECK(link_log_note_get(notes[mark].m + 4, notes[mark].n - 4, &ln));
    CHECKF(ln.seq == 27 && ln.lost == 6, "first note after eviction: seq %u lost %u", ln.seq, ln.lost);
  }
  /* a guest event (a fault record's CRASH) */
  mark = nnotes;
  run_dev_post(&D, LINK_EV_LIMIT, 0, 77, 0, 0);
  run_dev_poll(&D);
  drain();
  CHECK(count_notes(LINK_NOTE_EVENT, mark) == 1);

  /* the lease: lapses LINK_NOTE_LEASE_MS after the last request */
  CHECK(req_set(LINK_SET_NOTIFY, LINK_NOTE_MASK(LINK_NOTE_HEARTBEAT), &now) == LINK_ST_OK);
  uint64_t t0 = hal_time_us();
  nnotes = 0;
  for (uint32_t ms = 0; ms < LINK_NOTE_LEASE_MS - 100; ms += 100) {
    board_sleep_until(t0 + ms * 1000u);
    run_dev_poll(&D);
  }
  CHECK(D.notify != 0);
  (void)rt_status();                                          /* any request renews it */
  uint64_t t1 = hal_time_us();
  for (uint32_t ms = 0; ms < LINK_NOTE_LEASE_MS - 100; ms += 100) {
    board_sleep_until(t1 + ms * 1000u);
    run_dev_poll(&D);
  }
  CHECK(D.notify != 0);
  CHECK(req(LINK_HELLO, NULL, 0) == LINK_ST_OK);              /* programming commands too */
  uint64_t t2 = hal_time_us();
  board_sleep_until(t2 + (LINK_NOTE_LEASE_MS - 1) * 1000u);
  run_dev_poll(&D);
  CHECK(D.notify != 0);
  board_sleep_until(t2 + LINK_NOTE_LEASE_MS * 1000u);
  run_dev_poll(&D);
  drain();
  CHECK(D.notify == 0);
  uint32_t seen = nnotes;
  for (int i = 0; i < 20; i++) {
    advance_ms(100);
    run_dev_poll(&D);
  }
  drain();
  CHECK(nnotes == seen);                                      /* lapsed: nothing */
  link_rt_status s = rt_status();
  CHECK(!(s.flags & LINK_RTF_NOTIFY));

  /* notes the port cannot take are counted */
  CHECK(req_set(LINK_SET_NOTIFY, LINK_NOTE_MASK(LINK_NOTE_HEARTBEAT) | LINK_NOTE_MASK(LINK_NOTE_EVENT), &now) ==
        LINK_ST_OK);
  run_dev_poll(&D);
  drain();
  nnotes = 0;
  uint32_t lost0 = D.notes_lost;
  tx_refuse = true;
  advance_ms(200);
  run_dev_poll(&D);                                           /* a heartbeat, refused */
  CHECK(D.notes_lost == lost0 + 1);
  run_dev_post(&D, LINK_EV_LIMIT, 1, 0, 0, 0);                /* an event while the port is full */
  for (int i = 0; i < 3; i++) run_dev_poll(&D);
  tx_refuse = false;
  run_dev_poll(&D);
  drain();
  /* the event got through once the port took bytes again, or was counted */
  uint32_t ev = count_notes(LINK_NOTE_EVENT, 0);
  CHECKF(ev + (D.notes_lost - lost0 - 1) == 1, "event delivered %u times, notes_lost +%u", ev,
         D.notes_lost - lost0);
  CHECK(ev == 1 && D.notes_lost == lost0 + 1);
  /* more events than the queue holds while the port is full: the oldest
  ** unsent are evicted and counted, the rest go out in order */
  nnotes = 0;
  lost0 = D.notes_lost;
  tx_refuse = true;
  for (int i = 0; i < (int)RUN_EVENTS + 2; i++) run_dev_post(&D, LINK_EV_LIMIT, i, 0, 0, 0);
  run_dev_poll(&D);
  tx_refuse = false;
  run_dev_poll(&D);
  drain();
  CHECK(D.notes_lost == lost0 + 2);
  CHECK(count_notes(LINK_NOTE_EVENT, 0) == RUN_EVENTS);
  for (uint32_t i = 0, v = 2; i < nnotes; i++) {
    link_event_note e;
    if ((notes[i].m[0] & 0x3F) != LINK_NOTE_EVENT) continue;
    CHECK(link_event_get(notes[i].m + 4, notes[i].n - 4, &e) && e.value == (int32_t)v++);
  }
  s = rt_status();
  CHECK(s.notes_lost == D.notes_lost);
  board_set_hooks(NULL);
}

/* ---- trial -------------------------------------------------------------------------------- */

static uint32_t bb_kinds(uint8_t *kinds, uint32_t cap, bbox_rec *last) {
  uint32_t n = 0;
  bbox_rec r;
  for (uint32_t seq = 0; bbox_read(&D.bb, seq, &r) == BBOX_OK && n < cap; seq = r.seq + 1) {
    kinds[n++] = r.kind;
    if (last) last[n - 1] = r;
  }
  return n;
}

static bool has_event(uint8_t ev) {
  for (uint32_t s = D.ev.first; s < D.ev.next; s++)
    if (D.ev.e[s % RUN_EVENTS].event == ev) return true;
  return false;
}

static void t_trial(void) {
  /* a trial that faults: rejected FAULT, REBOOT, records fault + reverted */
  cfg_default();
  CFG.health_ms = 1000;
  CFG.trial_ms = 5000;
  int bank = dev_with(P_FAULT, false, 0);
  CHECK(D.have_prog && B.trial);
  run_act a = run_dev_poll(&D);
  CHECK(a == RUN_ACT_REBOOT);
  CHECK(D.rp.state == RUN_FAULTED && D.rp.vm.fault == CVM_FAULT_DIV_ZERO && D.rp.pc == 2);
  CHECK(B.bank[bank].st.state == LINK_BANK_REJECTED && B.bank[bank].st.reason == LINK_REASON_FAULT);
  uint8_t kinds[8];
  bbox_rec recs[8];
  uint32_t nk = bb_kinds(kinds, 8, recs);
  CHECKF(nk == 2 && kinds[0] == BBOX_KIND_FAULT && kinds[1] == BBOX_KIND_REVERTED, "%u records", nk);
  if (nk >= 1) {
    CHECK(recs[0].pc == 2 && recs[0].fault == CVM_FAULT_DIV_ZERO && recs[0].line == 5);
    CHECK(strcmp(recs[0].func_name, "main") == 0 && strcmp(recs[0].file, "fault.c") == 0);
    CHECK(recs[0].bank == bank && recs[0].counter == 3 && recs[0].boot_id == B.boot_id);
  }
  CHECK(has_event(LINK_EV_FAULTED) && has_event(LINK_EV_REVERTED) && has_event(LINK_EV_CRASH));
  CHECK(run_dev_poll(&D) == RUN_ACT_REBOOT);                  /* until the port resets */
  /* the reset: the bootloader does not boot it again */
  boot_init(&B, &POL, DEVID, ++boot_id);
  CHECK(boot_select(&B) == -1);

  /* a trial whose first call faults (no room for main's frame) */
  cfg_default();
  CFG.health_ms = 1000;
  CFG.trial_ms = 5000;
  bank = dev_with(P_STACK, false, 0);
  CHECK(D.rp.state == RUN_FAULTED);
  a = RUN_ACT_NONE;
  for (int i = 0; i < 30 && a == RUN_ACT_NONE; i++) {
    a = run_dev_poll(&D);
    advance_ms(100);
  }
  CHECKF(a == RUN_ACT_REBOOT && B.bank[bank].st.state == LINK_BANK_REJECTED &&
         B.bank[bank].st.reason == LINK_REASON_FAULT,
         "first call faulted on trial: act %d, bank state %s", a, link_bank_state_name(B.bank[bank].st.state));
  CHECK(D.faults == 1 && has_event(LINK_EV_FAULTED));
  nk = bb_kinds(kinds, 8, recs);
  CHECK(nk == 2 && kinds[0] == BBOX_KIND_FAULT && recs[0].fault == CVM_FAULT_STACK &&
        kinds[1] == BBOX_KIND_REVERTED);

  /* confirmed after health_ms */
  cfg_default();
  CFG.health_ms = 1000;
  CFG.trial_ms = 5000;
  bank = dev_with(P_DEV, false, 0);
  CHECK(req_set(LINK_SET_NOTIFY, LINK_NOTE_MASK(LINK_NOTE_EVENT), NULL) == LINK_ST_OK);
  a = RUN_ACT_NONE;
  for (int i = 0; i < 99; i++) {
    a = run_dev_poll(&D);
    CHECK(a == RUN_ACT_NONE);
    advance_ms(10);
  }
  CHECK(B.trial && B.bank[bank].st.state == LINK_BANK_TRIAL);
  advance_ms(10);
  CHECK(run_dev_poll(&D) == RUN_ACT_NONE);
  CHECK(!B.trial && B.bank[bank].st.state == LINK_BANK_CONFIRMED && B.floor == 3);
  drain();
  bool confirmed = false;
  for (uint32_t i = 0; i < nnotes; i++) {
    link_event_note e;
    if (link_event_get(notes[i].m + 4, notes[i].n - 4, &e) && e.event == LINK_EV_TRIAL_CONFIRMED)
      confirmed = e.value == 3 && e.uptime_ms == 1000;
  }
  CHECK(confirmed);
  advance_ms(10000);
  CHECK(run_dev_poll(&D) == RUN_ACT_NONE);                    /* confirmed: trial_ms is over */
  boot_init(&B, &POL, DEVID, ++boot_id);
  CHECK(boot_select(&B) == bank && !B.trial);

  /* not confirmed by trial_ms: REBOOT, a reverted record */
  cfg_default();
  CFG.health_ms = 0;
  CFG.trial_ms = 2000;
  bank = dev_with(P_DEV, false, 0);
  for (int i = 0; i < 199; i++) {
    CHECK(run_dev_poll(&D) == RUN_ACT_NONE);
    advance_ms(10);
  }
  advance_ms(10);
  CHECK(run_dev_poll(&D) == RUN_ACT_REBOOT);
  nk = bb_kinds(kinds, 8, NULL);
  CHECK(nk == 1 && kinds[0] == BBOX_KIND_REVERTED);
  boot_init(&B, &POL, DEVID, ++boot_id);
  CHECK(boot_select(&B) == -1);                               /* BOOTED, never confirmed */
  CHECK(B.bank[bank].st.state == LINK_BANK_REJECTED && B.bank[bank].st.reason == LINK_REASON_NO_CONFIRM);

  /* REBOOT: with another boot id NAKed... with this one, RUN_ACT_REBOOT */
  cfg_default();
  dev_with(P_DEV, true, 0);
  run_dev_poll(&D);
  uint8_t id[4];
  link_put32(id, B.boot_id + 1);
  CHECK(req(LINK_REBOOT, id, 4) != LINK_ST_OK || !D.srv.reboot);
  CHECK(run_dev_poll(&D) == RUN_ACT_NONE);
  link_put32(id, B.boot_id);
  CHECK(req(LINK_REBOOT, id, 4) == LINK_ST_OK);
  CHECK(run_dev_poll(&D) == RUN_ACT_REBOOT);

  /* ENTER_BOOTLOADER with another boot id: acknowledged, ignored */
  cfg_default();
  dev_with(P_BUSY, true, 0);
  run_dev_poll(&D);
  link_put32(id, B.boot_id - 1);
  CHECK(req(LINK_ENTER_BOOTLOADER, id, 4) == LINK_ST_OK && rlen == 0);
  CHECK(!D.boot_req && run_dev_poll(&D) == RUN_ACT_NONE);
  /* with this one: no answer until the next poll, which runs no slice */
  link_put32(id, B.boot_id);
  uint8_t w[32];
  uint16_t seq = ++cseq;
  uint32_t k = frame_of(LINK_ENTER_BOOTLOADER, seq, id, 4, w, sizeof w);
  nanswers = 0;
  run_dev_input(&D, w, k);
  drain();
  CHECK(nanswers == 0 && D.boot_req && D.host_state == LINK_HOST_BOOTLOADER_REQUESTED);
  /* requests meanwhile are still answered */
  link_rt_status s = rt_status();
  CHECK(s.vm_state == LINK_VM_STOPPED && s.host_state == LINK_HOST_BOOTLOADER_REQUESTED &&
        (s.flags & LINK_RTF_BOOTLOADER));
  CHECK(req(LINK_HELLO, NULL, 0) == LINK_ST_OK);
  CHECK(D.host_state == LINK_HOST_BOOTLOADER_REQUESTED);
  CHECK(req(LINK_ENTER_BOOTLOADER, id, 4) == LINK_ST_OK && rlen == 0);   /* a second: ACK */
  CHECK(D.boot_req_seq == seq);
  uint64_t steps = D.rp.vm.steps;
  nanswers = 0;
  CHECK(run_dev_poll(&D) == RUN_ACT_BOOTLOADER);
  drain();
  CHECK(D.rp.vm.steps == steps);
  CHECK(nanswers == 1 && answers[0].m[0] == (LINK_ENTER_BOOTLOADER | LINK_RESP_BIT) &&
        link_get16(answers[0].m + 1) == seq && answers[0].m[3] == LINK_ST_OK && answers[0].n == 4);
  CHECK(has_event(LINK_EV_BOOTLOADER));
  board_set_hooks(NULL);
}

/* ---- watchdog and gap ------------------------------------------------------------------------ */

/* Each slice charges its instructions to hal time (step_ns), as a CPU would. */
static uint64_t max_slice_steps;
static uint32_t slices;
static cvm_status timed_exec(cvm_vm *vm, uint32_t budget, void *ctx) {
  (void)ctx;
  uint64_t s0 = vm->steps;
  cvm_status st = cvm_run(vm, budget);
  uint64_t n = vm->steps - s0;
  board_charge_steps(n);
  if (n > max_slice_steps) max_slice_steps = n;
  slices++;
  return st;
}

static void t_watchdog(void) {
  cfg_default();
  CFG.wdog_ms = 500;
  CFG.heartbeat_ms = 200;
  CFG.telemetry_ms = 100;
  dev_with(P_DEV, true, 0);
  /* fed every poll while the services keep their deadlines */
  for (int i = 0; i < 200; i++) {
    uint32_t f = feeds;
    CHECK(run_dev_poll(&D) == RUN_ACT_NONE);
    CHECKF(feeds == f + 1, "poll %d not fed", i);
    advance_ms(i % 2 ? 499 : 3);
  }
  /* a pass later than wdog_ms: that poll does not feed */
  advance_ms(501);
  uint32_t f = feeds;
  run_dev_poll(&D);
  CHECKF(feeds == f, "a pass 501 ms after the last (wdog_ms 500) fed the watchdog");
  f = feeds;
  run_dev_poll(&D);                                           /* back on time */
  CHECK(feeds == f + 1);
  /* exactly wdog_ms late is still in time */
  advance_ms(500);
  f = feeds;
  run_dev_poll(&D);
  CHECK(feeds == f + 1);
  /* a new telemetry interval starts its deadline afresh: off for a while,
  ** then on (or a long interval, then a short one) is no missed sample */
  CHECK(req_set(LINK_SET_TELEMETRY_MS, 0, NULL) == LINK_ST_OK);
  for (int i = 0; i < 30; i++) {
    advance_ms(100);
    run_dev_poll(&D);
  }
  static const uint32_t ivs[] = { 2000, 60000, 100 };
  for (uint32_t k = 0; k < 3; k++) {
    CHECK(req_set(LINK_SET_TELEMETRY_MS, ivs[k], NULL) == LINK_ST_OK);
    uint32_t missed = 0;
    for (int i = 0; i < 30; i++) {
      advance_ms(100);
      f = feeds;
      run_dev_poll(&D);
      missed += feeds == f;
    }
    CHECKF(missed == 0, "telemetry_ms %u: %u polls not fed", ivs[k], missed);
  }

  /* a busy guest: the slice budget returns control, every poll is fed */
  cfg_default();
  CFG.wdog_ms = 100;
  CFG.slice = 10000;
  dev_with(P_BUSY, true, 1000);                                /* 1 us an instruction */
  D.rp.exec = timed_exec;
  slices = 0;
  for (int i = 0; i < 100; i++) {
    uint32_t f2 = feeds;
    uint64_t t = hal_time_us();
    CHECK(run_dev_poll(&D) == RUN_ACT_NONE);
    CHECK(feeds == f2 + 1);
    CHECK(hal_time_us() - t >= 9000u);                         /* the slice took its time */
  }
  CHECK(slices == 100 && D.rp.state == RUN_RUNNING);
  board_set_hooks(NULL);
}

static void t_gap(void) {
  cfg_default();
  dev_with(P_BUSY, true, 1000);                                /* 1 us an instruction */
  D.rp.exec = timed_exec;
  max_slice_steps = 0;
  uint64_t worst = 0;
  for (int i = 0; i < 200; i++) {
    uint64_t s0 = D.rp.vm.steps;
    run_dev_poll(&D);
    uint64_t d = D.rp.vm.steps - s0;
    if (d > worst) worst = d;
  }
  link_rt_status s = rt_status();
  printf("gap: slice budget RUN_SLICE = %u instruction words; longest gap between two service "
         "passes with a busy guest: %llu instructions (gap_max_us %u at 1 us an instruction)\n",
         (unsigned)RUN_SLICE, (unsigned long long)worst, (unsigned)s.gap_max_us);
  /* the budget is checked at backward jumps: one slice, plus at most the
  ** straight-line stretch it ends in (ADDI, JMP here: one word more) */
  CHECKF(worst <= RUN_SLICE + 1u, "a pass after %llu instructions", (unsigned long long)worst);
  CHECK(worst >= RUN_SLICE);
  CHECK(s.gap_max_us >= worst && s.gap_max_us <= RUN_SLICE + 1u);
  /* a smaller slice: a shorter gap */
  cfg_default();
  CFG.slice = 1000;
  dev_with(P_BUSY, true, 1000);
  D.rp.exec = timed_exec;
  worst = 0;
  for (int i = 0; i < 200; i++) {
    uint64_t s0 = D.rp.vm.steps;
    run_dev_poll(&D);
    uint64_t d = D.rp.vm.steps - s0;
    if (d > worst) worst = d;
  }
  s = rt_status();
  printf("gap: slice 1000: %llu instructions, gap_max_us %u\n", (unsigned long long)worst,
         (unsigned)s.gap_max_us);
  CHECK(worst <= 1001u && s.gap_max_us <= 1001u);
  board_set_hooks(NULL);
}


/* ---- the status display ------------------------------------------------------------------ */

/* A guest that writes to the display's address: main returns what
** i2c_write said. */
static const char P_I2C_OLED[] =
  ".string b \"\\x00\"\n.func main 0\n LDI r0, 60\n MKARR r1, b\n LDI r3, 1\n"
  " SYS r0, i2c_write, 4\n RET r0\n.end\n";

/* Every pixel of the simulated panel against the screen the runtime means
** to show now, rendered by the driver's own row code (the framebuffer
** reference): the number of pixels that differ. */
static uint32_t panel_diff(void) {
  oled_status st;
  run_dev_oled_status(&D, &st);
  uint32_t bad = 0;
  for (uint32_t p = 0; p < OLED_PAGES; p++) {
    uint8_t px[OLED_W];
    oled_fb_row(px, &st, p);
    for (uint32_t x = 0; x < OLED_W; x++)
      for (uint32_t r = 0; r < 8; r++)
        bad += (uint32_t)board_ssd1306_pixel(x, p * 8u + r) != ((px[x] >> r) & 1u);
  }
  return bad;
}

/* Polls every 10 ms for ms. */
static void run_for(uint32_t ms) {
  for (uint32_t t = 0; t < ms; t += 10) {
    run_dev_poll(&D);
    advance_ms(10);
  }
}

static void t_oled(void) {
  /* the guest cannot reach the host's display: HAL_EOWNED, nothing on the bus */
  cfg_default();
  CFG.oled = true;
  flash_fresh();
  install(P_I2C_OLED, "1.0.0", 1);
  board_set_hooks(NULL);
  dev_boot(1000);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);
  uint64_t w0 = board_ssd1306_counts()->writes;
  run_dev_poll(&D);
  CHECKF(D.rp.state == RUN_EXITED && D.rp.vm.result == HAL_EOWNED, "state %d result %d",
         (int)D.rp.state, (int)D.rp.vm.result);
  CHECK(board_ssd1306_counts()->writes > w0);   /* the host's own set-up and page */
  /* without a display the address is the guest's again */
  cfg_default();
  flash_fresh();
  install(P_I2C_OLED, "1.0.0", 1);
  dev_boot(1000);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);
  run_dev_poll(&D);
  CHECKF(D.rp.state == RUN_EXITED && D.rp.vm.result == 0, "result %d", (int)D.rp.vm.result);

  /* the screen shows the runtime's state, pixel for pixel */
  cfg_default();
  CFG.oled = true;
  CFG.health_ms = 500;
  dev_with(P_DEV, false, 1000);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);
  run_for(600);
  CHECK(board_ssd1306_on());
  CHECKF(panel_diff() == 0, "%u pixels differ", panel_diff());
  oled_status st;
  run_dev_oled_status(&D, &st);
  char line[OLED_LINE];
  oled_status_line(&st, 0, line);
  CHECKF(strcmp(line, "ID C0C0C0C0    bank A") == 0 || strcmp(line, "ID C0C0C0C0    bank B") == 0, "%s", line);
  oled_status_line(&st, 1, line);
  CHECKF(strcmp(line, "dev 1.2.3") == 0, "%s", line);
  oled_status_line(&st, 2, line);
  CHECKF(strcmp(line, "RUN         link idle") == 0, "%s", line);   /* confirmed at 500 ms */
  /* the uptime line follows the clock; a frame makes the link "ok" */
  run_for(1500);
  link_rt_status rs = rt_status();
  run_for(300);
  CHECKF(panel_diff() == 0, "%u pixels differ", panel_diff());
  run_dev_oled_status(&D, &st);
  CHECK(st.uptime_s == 2 && st.link == OLED_LINK_ACTIVE);
  CHECK(rs.host_state == LINK_HOST_READY);
  /* a quiet screen costs no bus time */
  uint64_t w = board_ssd1306_counts()->writes;
  run_for(200);
  CHECK(board_ssd1306_counts()->writes == w);
  /* the display gone after it worked: DEGRADED, and back when it answers */
  board_i2c_detach(BOARD_SSD1306_ADDR);
  run_for(1000);
  CHECK(D.oled.fails > 0);
  rs = rt_status();
  CHECKF(rs.host_state == LINK_HOST_DEGRADED, "host state %u", rs.host_state);
  REQUIRE(board_i2c_attach(board_ssd1306()) == HAL_OK);   /* at power-on state */
  run_for(600);
  rs = rt_status();
  CHECKF(rs.host_state == LINK_HOST_READY, "host state %u", rs.host_state);
  run_for(300);
  CHECKF(panel_diff() == 0, "%u pixels differ after the display came back", panel_diff());
  /* a board without a display: not degraded, looked for every 5 s */
  cfg_default();
  CFG.oled = true;
  dev_with(P_DEV, true, 1000);
  run_for(1000);
  rs = rt_status();
  CHECK(rs.host_state == LINK_HOST_READY && D.oled.fails == 1);
  run_for(4500);
  CHECK(D.oled.fails == 2);
  board_set_hooks(NULL);
}

typedef struct test { const char *name; void (*fn)(void); } test;
static const test tests[] = {
  { "step", t_step },
  { "log", t_log },
  { "telem", t_telem },
  { "sideband", t_sideband },
  { "notify", t_notify },
  { "trial", t_trial },
  { "watchdog", t_watchdog },
  { "gap", t_gap },
  { "oled", t_oled },
};

int main(int argc, char **argv) {
  devnull = fopen("/dev/null", "w");
  REQUIRE(devnull);
  cvm1_policy_init(&POL);
  POL.flags |= CVM1_POL_UNSIGNED_OK;
  int ran = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
    if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
      tests[i].fn();
      ran++;
    }
  if (!ran) { fprintf(stderr, "no test named %s\n", argv[1]); return 2; }
  if (board_flash_is_open()) board_flash_close();
  free(art);
  free(PART);
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures ? 1 : 0;
}
