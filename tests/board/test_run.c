/*
** test_run.c -- the board's run loop (board_run) on hand-assembled
** programs: exit codes, faults and their messages, limits, sleeping on
** virtual time, setup/loop, yield, realtime, traces.
*/
#include <time.h>

#include "tcheck.h"
#include "tcap.h"
#include "board.h"
#include "bprog.h"

static tcap out, trace;
static board_opts opts;
static bprog B;
static board_result R;

static void fresh_opts(void) {
  board_opts_init(&opts);
  opts.console = out.f;
  opts.trace = true;
  opts.trace_out = trace.f;
  tcap_clear(&out);
  tcap_clear(&trace);
}

static int run(const cvm_prog *p) { return board_run(p, NULL, &opts, &R); }
static const char *describe(const cvm_prog *p) {
  static char buf[256];
  board_describe(buf, sizeof buf, p, &R);
  return buf;
}

static void test_exit_code(void) {
  fresh_opts();
  bp_init(&B);
  B.p.entry_main = bp_func(&B, 1);
  OPX(&B, LDI, 0, 42);
  OP3(&B, RET, 0, 0, 0);
  const cvm_prog *p = bp_done(&B);
  CHECK(run(p) == 42 && R.stop == BOARD_STOP_EXIT && R.exit_code == 42 && R.main, "exit 42");
  CHECK(R.steps == 2 && R.time_us == 0, "steps %llu", (unsigned long long)R.steps);
  CHECK(describe(p)[0] == '\0', "no message for a normal exit");
  CHECK(strcmp(tcap_text(&trace), "[        0.000 ms] start main\n[        0.000 ms] exit 42\n") == 0,
        "trace: %s", tcap_text(&trace));
  /* the same with a verification the caller already did */
  uint8_t scratch[256];
  cvm_vinfo vi;
  CHECK(cvm_verify(p, CVM_CAPS_ALL, scratch, sizeof scratch, &vi) == CVM_VERR_OK, "verify");
  CHECK(board_run(p, &vi, &opts, &R) == 42, "pre-verified");
  B.code[0] = CVM_ENC_ABX(CVM_OP_LDI, 0, (uint16_t)-3);
  CHECK(board_run(p, &vi, &opts, &R) == -3 && board_exit_status(&R) == -3, "negative exit code");
}

static void test_fault(void) {
  fresh_opts();
  bp_init(&B);
  B.p.entry_main = bp_func(&B, 2);
  bp_line(&B, 3);
  OPX(&B, LDI, 0, 1);
  OPX(&B, LDI, 1, 0);
  bp_line(&B, 7);
  OP3(&B, DIV, 0, 0, 1);
  OP3(&B, RET, 0, 0, 0);
  B.nlines = 0;                    /* first without a line table */
  const cvm_prog *p = bp_done(&B);
  CHECK(run(p) == BOARD_STATUS_FAULT && R.stop == BOARD_STOP_FAULT && R.fault == CVM_FAULT_DIV_ZERO &&
        R.pc == 2, "division fault at pc %u", R.pc);
  CHECK(strcmp(describe(p), "fault: division by zero at pc 2") == 0, "no names: %s", describe(p));
  B.nlines = 2;
  bp_names(&B, "blink.c\0main", 13);
  p = bp_done(&B);
  run(p);
  CHECK(strcmp(describe(p), "blink.c:7: fault: division by zero in 'main' (pc 2)") == 0, "with lines: %s", describe(p));
  CHECK(strstr(tcap_text(&trace), "] blink.c:7: fault: division by zero in 'main' (pc 2)\n") != NULL, "fault traced");

  /* a host call with a bad argument faults at the SYS */
  fresh_opts();
  bp_init(&B);
  B.p.entry_main = bp_func(&B, 2);
  bp_line(&B, 4);
  OPX(&B, LDI, 0, 99);
  OPX(&B, LDI, 1, 1);
  bp_line(&B, 5);
  SYSC(&B, 0, pinMode, 2);
  OP3(&B, RET0, 0, 0, 0);
  bp_names(&B, "t.c", 4);
  p = bp_done(&B);
  CHECK(run(p) == BOARD_STATUS_FAULT && R.fault == CVM_FAULT_HOST_ARG && R.pc == 2, "host-call fault");
  CHECK(strcmp(describe(p), "t.c:5: fault: bad host-call argument (pc 2)") == 0, "%s", describe(p));
  B.nnames = 0;                    /* lines but no file name */
  p = bp_done(&B);
  run(p);
  CHECK(strcmp(describe(p), "program:5: fault: bad host-call argument (pc 2)") == 0, "%s", describe(p));
}

static void test_limits(void) {
  fresh_opts();
  bp_init(&B);
  B.p.entry_main = bp_func(&B, 1);
  OPJ(&B, JMP, -1);                /* for (;;) ; */
  const cvm_prog *p = bp_done(&B);
  opts.max_steps = 1000;
  CHECK(run(p) == BOARD_STATUS_LIMIT && R.stop == BOARD_STOP_STEPS && R.steps >= 1000 && R.steps <= 1001,
        "step limit after %llu", (unsigned long long)R.steps);
  CHECK(strcmp(describe(p), "stopped: step limit reached after 1000 instructions (pc 0)") == 0, "%s",
        describe(p));
  opts.slice = 7;                  /* the limit holds across small slices */
  CHECK(run(p) == BOARD_STATUS_LIMIT && R.steps == 1000, "small slices: %llu", (unsigned long long)R.steps);

  /* time only moves when charged per step: 1 us per step, 10 ms limit */
  fresh_opts();
  opts.step_ns = 1000;
  opts.max_us = 10000;
  CHECK(run(p) == BOARD_STATUS_LIMIT && R.stop == BOARD_STOP_TIME && R.time_us >= 10000 &&
        R.steps >= 10000 && R.steps < 10000 + BOARD_SLICE + 1, "step time: %llu us, %llu steps",
        (unsigned long long)R.time_us, (unsigned long long)R.steps);
  CHECK(strncmp(describe(p), "stopped: time limit reached at ", 31) == 0, "%s", describe(p));

  /* a main() sleeping forever meets the time limit exactly */
  fresh_opts();
  bp_init(&B);
  B.p.entry_main = bp_func(&B, 1);
  OPX(&B, LDI, 0, 300);
  SYSC(&B, 0, delay, 1);
  OPJ(&B, JMP, -3);
  p = bp_done(&B);
  opts.max_us = 1000000;
  CHECK(run(p) == BOARD_STATUS_LIMIT && R.stop == BOARD_STOP_TIME && R.time_us == 1000000, "time limit");
  CHECK(strcmp(describe(p), "stopped: time limit reached at 1000.000 ms") == 0, "%s", describe(p));
  CHECK(strstr(tcap_text(&trace), "[      900.000 ms] sleep 300.000 ms\n"
                                  "[     1000.000 ms] stopped: time limit reached at 1000.000 ms\n"),
        "trace: %s", tcap_text(&trace));
}

static void test_sleep_time(void) {
  fresh_opts();
  bp_init(&B);
  B.p.entry_main = bp_func(&B, 1);
  OPX(&B, LDI, 0, 250);
  SYSC(&B, 0, delay, 1);
  OPX(&B, LDI, 0, 500);
  SYSC(&B, 0, delayMicroseconds, 1);
  SYSC(&B, 0, micros, 0);
  OP3(&B, RET, 0, 0, 0);
  const cvm_prog *p = bp_done(&B);
  CHECK(run(p) == 250500 && R.time_us == 250500, "virtual time after sleeps");
  CHECK(strstr(tcap_text(&trace), "[        0.000 ms] sleep 250.000 ms\n[      250.000 ms] sleep 0.500 ms\n"),
        "sleep trace: %s", tcap_text(&trace));
  /* 400 ns per step, charged when the VM returns to the host: a sleep
  ** starts from the clock its slice began with, so only the 2 steps after
  ** the last sleep (and the carried 0.4 us) show: 1.2 us */
  opts.step_ns = 400;
  CHECK(run(p) == 250500 && R.time_us == 250501, "step time adds: %llu", (unsigned long long)R.time_us);

  /* realtime: the sleep really waits */
  fresh_opts();
  opts.realtime = true;
  B.code[0] = CVM_ENC_ABX(CVM_OP_LDI, 0, 40);
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  CHECK(run(p) == 40500, "realtime result");
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double ms = (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6;
  CHECK(ms >= 40.0 && ms < 2000.0, "realtime took %.1f ms", ms);
}

static void test_setup_loop(void) {
  fresh_opts();
  bp_init(&B);
  B.p.entry_setup = bp_func(&B, 2);
  OPX(&B, LDI, 0, 13);
  OPX(&B, LDI, 1, HAL_OUTPUT);
  SYSC(&B, 0, pinMode, 2);
  OP3(&B, RET0, 0, 0, 0);
  B.p.entry_loop = bp_func(&B, 2);
  for (int level = 1; level >= 0; level--) {
    OPX(&B, LDI, 0, 13);
    OPX(&B, LDI, 1, level);
    SYSC(&B, 0, digitalWrite, 2);
    OPX(&B, LDI, 0, 1000);
    SYSC(&B, 0, delay, 1);
  }
  OP3(&B, RET0, 0, 0, 0);
  const cvm_prog *p = bp_done(&B);
  opts.max_us = 3500000;
  CHECK(run(p) == 0 && R.stop == BOARD_STOP_TIME && !R.main && R.loops == 1 && R.time_us == 3500000,
        "blink: loops %u", R.loops);
  const char *want =
    "[        0.000 ms] start setup/loop\n"
    "[        0.000 ms] gpio 13 mode OUTPUT\n"
    "[        0.000 ms] gpio 13 = HIGH (LED on)\n"
    "[        0.000 ms] sleep 1000.000 ms\n"
    "[     1000.000 ms] gpio 13 = LOW (LED off)\n"
    "[     1000.000 ms] sleep 1000.000 ms\n"
    "[     2000.000 ms] gpio 13 = HIGH (LED on)\n"
    "[     2000.000 ms] sleep 1000.000 ms\n"
    "[     3000.000 ms] gpio 13 = LOW (LED off)\n"
    "[     3000.000 ms] sleep 1000.000 ms\n"
    "[     3500.000 ms] stopped: time limit reached at 3500.000 ms\n";
  CHECK(strcmp(tcap_text(&trace), want) == 0, "blink trace:\n%s", tcap_text(&trace));
  CHECK(tcap_text(&out)[0] == '\0', "nothing on the console");
  opts.trace = false;
  tcap_clear(&trace);
  opts.max_us = 10000000;          /* stops as the clock reaches 10 s, before loop 5 returns */
  CHECK(run(p) == 0 && R.loops == 4 && tcap_text(&trace)[0] == '\0', "no trace without --trace: %u loops, '%s'",
        R.loops, tcap_text(&trace));

  /* a loop() that never sleeps: stopped by the step limit */
  fresh_opts();
  opts.trace = false;
  bp_init(&B);
  B.p.entry_setup = bp_func(&B, 1);
  OP3(&B, RET0, 0, 0, 0);
  B.p.entry_loop = bp_func(&B, 1);
  OP3(&B, RET0, 0, 0, 0);
  p = bp_done(&B);
  opts.max_steps = 5000;
  CHECK(run(p) == BOARD_STATUS_LIMIT && R.stop == BOARD_STOP_STEPS && R.loops == 4999, "loops %u", R.loops);

  /* the button, read every 10 ms, pressed from 25 to 45 ms */
  fresh_opts();
  bp_init(&B);
  B.p.entry_setup = bp_func(&B, 1);
  OP3(&B, RET0, 0, 0, 0);
  B.p.entry_loop = bp_func(&B, 1);
  OPX(&B, LDI, 0, BOARD_BUTTON_PIN);
  SYSC(&B, 0, digitalRead, 1);
  OPX(&B, LDI, 0, 10);
  SYSC(&B, 0, delay, 1);
  OP3(&B, RET0, 0, 0, 0);
  p = bp_done(&B);
  opts.max_us = 100000;
  opts.button[0] = (board_window){ 25000, 45000 };
  opts.nbutton = 1;
  run(p);
  CHECK(strstr(tcap_text(&trace), "[       30.000 ms] gpio 2 = HIGH (button pressed)\n") &&
        strstr(tcap_text(&trace), "[       50.000 ms] gpio 2 = LOW (button released)\n") &&
        !strstr(tcap_text(&trace), "[       40.000 ms] gpio"), "button trace:\n%s", tcap_text(&trace));
}

static void test_output_yield_random(void) {
  fresh_opts();
  bp_init(&B);
  uint32_t fmt = bp_rostr(&B, "n=%d r=%d\n");
  B.p.entry_main = bp_func(&B, 5);
  OPX(&B, LDI, 4, 0);
  OPX(&B, MKARR, 0, fmt);          /* 1: yield three times */
  SYSC(&B, 2, yield, 0);
  OP3(&B, ADDI, 4, 4, 1);
  OP3(&B, JLTI, 4, 3, (uint8_t)-3);
  OPX(&B, LDI, 3, 1000);
  SYSC(&B, 3, random, 1);
  OP3(&B, MOV, 2, 4, 0);
  SYSC(&B, 0, printf, 4);
  OP3(&B, RET, 4, 0, 0);
  const cvm_prog *p = bp_done(&B);
  CHECK(run(p) == 3, "yields then exit 3 (%d)", R.exit_code);
  char first[64];
  snprintf(first, sizeof first, "%s", tcap_text(&out));
  CHECK(strncmp(first, "n=3 r=", 6) == 0, "printf output: %s", first);
  tcap_clear(&out);
  run(p);
  CHECK(strcmp(tcap_text(&out), first) == 0, "same random() on every run: %s", tcap_text(&out));
  opts.seed = 99;
  tcap_clear(&out);
  run(p);
  CHECK(strcmp(tcap_text(&out), first) != 0, "another seed, another value");
}

static void test_errors(void) {
  fresh_opts();
  bp_init(&B);
  B.p.entry_main = bp_func(&B, 2);
  OPX(&B, LDI, 0, 13);
  OPX(&B, LDI, 1, 1);
  SYSC(&B, 0, pinMode, 2);
  OP3(&B, RET0, 0, 0, 0);
  const cvm_prog *p = bp_done(&B);
  opts.caps = CVM_CAPS_ALL & ~CVM_CAPBIT(CVM_CAP_GPIO);
  CHECK(run(p) == BOARD_STATUS_ERROR && R.stop == BOARD_STOP_ERROR && R.err == BOARD_EVERIFY &&
        R.verr == CVM_VERR_CAP_DENIED, "GPIO not granted");
  char want[200];
  snprintf(want, sizeof want, "error: program failed verification: %s", cvm_verr_str(CVM_VERR_CAP_DENIED));
  CHECK(strcmp(describe(p), want) == 0, "%s", describe(p));
  fresh_opts();
  opts.uart_in = "/nonexistent/uart-input";
  CHECK(run(p) == BOARD_STATUS_ERROR && R.err == BOARD_EUART_IN, "missing uart input file");
  CHECK(strcmp(describe(p), "error: cannot open the serial input file") == 0, "%s", describe(p));
  fresh_opts();
  opts.mem_size = 64;              /* smaller than asked: the program's size wins */
  CHECK(run(p) == 0 && R.stop == BOARD_STOP_EXIT, "mem_size below the program's");
  B.p.entry_main = CVM_NO_ENTRY;
  CHECK(run(p) == BOARD_STATUS_ERROR && R.err == BOARD_EVERIFY && R.verr == CVM_VERR_ENTRY, "no entry");
  for (int e = 0; e <= BOARD_E__COUNT; e++) CHECK(board_err_str((board_err)e)[0], "message %d", e);
}

int main(void) {
  tcap_open(&out);
  tcap_open(&trace);
  test_exit_code();
  test_fault();
  test_limits();
  test_sleep_time();
  test_setup_loop();
  test_output_yield_random();
  test_errors();
  tcap_close(&out);
  tcap_close(&trace);
  return t_done("board.run");
}
