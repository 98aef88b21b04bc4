/*
** board_run.c -- the host run loop: one program on the simulated board,
** driven in slices, sleeping on virtual time, stopped by its end, a fault
** or a limit.
*/
#include "board_int.h"
#include "run.h"

#include <stdlib.h>

static uint32_t ms_part(uint64_t us) { return (uint32_t)(us % 1000u); }
static unsigned long long ms_whole(uint64_t us) { return (unsigned long long)(us / 1000u); }

/* The stepper's end as the board reports it. */
static void take_stop(const run_prog *rp, board_result *r) {
  r->pc = rp->pc;
  switch (rp->state) {
  case RUN_EXITED:
    r->stop = BOARD_STOP_EXIT;
    r->exit_code = rp->vm.result;
    break;
  case RUN_FAULTED:
    r->stop = BOARD_STOP_FAULT;
    r->fault = (cvm_fault)rp->vm.fault;
    break;
  case RUN_LIMIT:
    r->stop = BOARD_STOP_STEPS;
    break;
  default:
    r->stop = BOARD_STOP_ERROR;
    r->err = BOARD_ECALL;
    break;
  }
}

/* Slices until the program ends, faults or reaches a limit; sleeping on the
** board's clock (virtual, or real with --realtime). */
static void run_slices(run_prog *rp, const board_opts *o, board_result *r) {
  uint32_t budget = o->slice ? o->slice : BOARD_SLICE;
  for (;;) {
    if (o->max_us && board_now_us() >= o->max_us) {
      run_prog_limit(rp, RUN_LIMIT_TIME);
      r->stop = BOARD_STOP_TIME;
      r->pc = rp->pc;
      return;
    }
    uint64_t before = rp->vm.steps;
    run_state st = run_prog_step(rp, budget);
    board_charge_steps(rp->vm.steps - before);
    if (st == RUN_SLEEPING) {
      uint64_t now = board_now_us(), wake = rp->vm.wake_us > now ? rp->vm.wake_us : now;
      board_trace("sleep %llu.%03u ms", ms_whole(wake - now), (unsigned)ms_part(wake - now));
      if (o->max_us && wake > o->max_us) {
        board_sleep_until(o->max_us);
        run_prog_limit(rp, RUN_LIMIT_TIME);
        r->stop = BOARD_STOP_TIME;
        r->pc = rp->pc;
        return;
      }
      board_sleep_until(wake);
      continue;
    }
    if (st != RUN_RUNNING) {
      take_stop(rp, r);
      return;
    }
  }
}

int board_run(const cvm_prog *p, const cvm_vinfo *vi, const board_opts *o,
              board_result *r) {
  *r = (board_result){ .stop = BOARD_STOP_ERROR, .err = BOARD_EOK };
  r->main = p->entry_main != CVM_NO_ENTRY;
  if (!r->main && p->entry_loop == CVM_NO_ENTRY && vi && vi->ok) {
    r->err = BOARD_EENTRY;
    return board_exit_status(r);
  }
  /* Room for the program and, before it runs, the verifier's scratch. */
  uint32_t size = o->mem_size > p->mem_size ? o->mem_size : p->mem_size;
  size = (size + 3u) & ~3u;
  uint32_t cap = size ? size : 4u, need = vi && vi->ok ? 0 : cvm_verify_scratch_size(p);
  if (need > cap) cap = (need + 3u) & ~3u;
  uint8_t *mem = malloc(cap);
  if (!mem) { r->err = BOARD_ENOMEM; return board_exit_status(r); }
  board_err be = board_open(o);
  if (be != BOARD_EOK) {
    free(mem);
    r->err = be;
    return board_exit_status(r);
  }
  static run_prog rp;
  rp.exec = o->run;
  rp.exec_ctx = o->run_ctx;
  rp.max_steps = o->max_steps;
  run_err e = run_prog_start(&rp, p, vi, mem, cap, size, o->caps);
  static const board_err errs[RUN_E__COUNT] = {
    [RUN_EOK] = BOARD_EOK, [RUN_EARTIFACT] = BOARD_EVERIFY, [RUN_EVERIFY] = BOARD_EVERIFY,
    [RUN_EMEMORY] = BOARD_EINIT, [RUN_EENTRY] = BOARD_EENTRY, [RUN_ECALL] = BOARD_ECALL,
  };
  if (e != RUN_EOK) {
    r->err = errs[e];
    r->verr = rp.verr;
  } else {
    board_trace(r->main ? "start main" : "start setup/loop");
    if (rp.state == RUN_FAULTED) take_stop(&rp, r);
    else run_slices(&rp, o, r);
  }
  r->steps = rp.vm.steps;
  r->loops = rp.loops;
  r->time_us = board_now_us();
  if (board_tracing() && e == RUN_EOK) {
    char line[256];
    if (r->stop == BOARD_STOP_EXIT) board_trace("exit %d", (int)r->exit_code);
    else if (board_describe(line, sizeof line, p, r) > 0) board_trace("%s", line);
  }
  board_close();
  free(mem);
  return board_exit_status(r);
}

int board_exit_status(const board_result *r) {
  switch (r->stop) {
  case BOARD_STOP_EXIT:  return r->exit_code;
  case BOARD_STOP_FAULT: return BOARD_STATUS_FAULT;
  case BOARD_STOP_STEPS: return BOARD_STATUS_LIMIT;
  case BOARD_STOP_TIME:  return r->main ? BOARD_STATUS_LIMIT : 0;
  default:               return BOARD_STATUS_ERROR;
  }
}

/* "FILE:LINE: " when the program has a line table for pc, else "". */
static size_t where(char *buf, size_t n, const cvm_prog *p, uint32_t pc) {
  uint32_t line;
  if (!p || !cvm_line_for_pc(p, pc, &line)) {
    if (n) buf[0] = '\0';
    return 0;
  }
  const char *file = cvm_source_name(p);
  int k = snprintf(buf, n, "%s:%u: ", file ? file : "program", (unsigned)line);
  return k < 0 ? 0 : (size_t)k;
}

size_t board_describe(char *buf, size_t n, const cvm_prog *p, const board_result *r) {
  char at[200];
  int k = 0;
  size_t w = where(at, sizeof at, p, r->pc);
  switch (r->stop) {
  case BOARD_STOP_EXIT:
    if (n) buf[0] = '\0';
    return 0;
  case BOARD_STOP_FAULT: {
    const char *fn = p ? cvm_func_name(p, cvm_func_of_pc(p, r->pc)) : NULL;
    char in[80] = "";
    if (fn) snprintf(in, sizeof in, " in '%.60s'", fn);
    if (w) k = snprintf(buf, n, "%sfault: %s%s (pc %u)", at, cvm_fault_str(r->fault), in, (unsigned)r->pc);
    else k = snprintf(buf, n, "fault: %s%s at pc %u", cvm_fault_str(r->fault), in, (unsigned)r->pc);
    break;
  }
  case BOARD_STOP_STEPS:
    k = snprintf(buf, n, "%sstopped: step limit reached after %llu instructions (pc %u)", at,
                 (unsigned long long)r->steps, (unsigned)r->pc);
    break;
  case BOARD_STOP_TIME:
    k = snprintf(buf, n, "stopped: time limit reached at %llu.%03u ms", ms_whole(r->time_us),
                 (unsigned)ms_part(r->time_us));
    break;
  case BOARD_STOP_ERROR:
    if (r->err == BOARD_EVERIFY)
      k = snprintf(buf, n, "error: %s: %s", board_err_str(r->err), cvm_verr_str(r->verr));
    else
      k = snprintf(buf, n, "error: %s", board_err_str(r->err));
    break;
  }
  return k < 0 ? 0 : (size_t)k;
}
