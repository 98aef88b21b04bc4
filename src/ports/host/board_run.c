/*
** board_run.c -- the host run loop: one program on the simulated board,
** driven in slices, sleeping on virtual time, stopped by its end, a fault
** or a limit.
*/
#include "board_int.h"

#include <stdlib.h>

typedef enum { RUN_DONE, RUN_STOP } run_end;

static uint32_t ms_part(uint64_t us) { return (uint32_t)(us % 1000u); }
static unsigned long long ms_whole(uint64_t us) { return (unsigned long long)(us / 1000u); }

/* Run the call in progress until it returns; RUN_STOP with r filled when
** it faults or reaches a limit. */
static run_end run_call(cvm_vm *vm, const board_opts *o, board_result *r) {
  for (;;) {
    if (o->max_steps && vm->steps >= o->max_steps) {
      r->stop = BOARD_STOP_STEPS;
      r->pc = vm->pc;
      return RUN_STOP;
    }
    if (o->max_us && board_now_us() >= o->max_us) {
      r->stop = BOARD_STOP_TIME;
      r->pc = vm->pc;
      return RUN_STOP;
    }
    uint64_t budget = o->slice ? o->slice : BOARD_SLICE;
    if (o->max_steps && o->max_steps - vm->steps < budget) budget = o->max_steps - vm->steps;
    uint64_t before = vm->steps;
    cvm_status st = o->run ? o->run(vm, (uint32_t)budget, o->run_ctx) : cvm_run(vm, (uint32_t)budget);
    board_charge_steps(vm->steps - before);
    switch (st) {
    case CVM_DONE:
      return RUN_DONE;
    case CVM_FAULTED:
      r->stop = BOARD_STOP_FAULT;
      r->fault = (cvm_fault)vm->fault;
      r->pc = vm->fault_pc;
      return RUN_STOP;
    case CVM_SLEEPING: {
      uint64_t now = board_now_us(), wake = vm->wake_us > now ? vm->wake_us : now;
      board_trace("sleep %llu.%03u ms", ms_whole(wake - now), (unsigned)ms_part(wake - now));
      if (o->max_us && wake > o->max_us) {
        board_sleep_until(o->max_us);
        r->stop = BOARD_STOP_TIME;
        r->pc = vm->pc;
        return RUN_STOP;
      }
      board_sleep_until(wake);
      break;
    }
    default:
      break;      /* budget used up or yielded: the host's turn is over */
    }
  }
}

static bool start_call(cvm_vm *vm, uint32_t f, board_result *r) {
  if (cvm_call(vm, f)) return true;
  if (vm->status == CVM_FAULTED) {
    r->stop = BOARD_STOP_FAULT;
    r->fault = (cvm_fault)vm->fault;
    r->pc = vm->fault_pc;
  } else {
    r->stop = BOARD_STOP_ERROR;
    r->err = BOARD_ECALL;
  }
  return false;
}

static void run_program(cvm_vm *vm, const cvm_prog *p, const board_opts *o, board_result *r) {
  if (r->main) {
    board_trace("start main");
    if (!start_call(vm, p->entry_main, r) || run_call(vm, o, r) == RUN_STOP) return;
    r->stop = BOARD_STOP_EXIT;
    r->exit_code = vm->result;
    return;
  }
  board_trace("start setup/loop");
  if (p->entry_setup != CVM_NO_ENTRY &&
      (!start_call(vm, p->entry_setup, r) || run_call(vm, o, r) == RUN_STOP))
    return;
  for (;;) {
    if (!start_call(vm, p->entry_loop, r) || run_call(vm, o, r) == RUN_STOP) return;
    r->loops++;
  }
}

int board_run(const cvm_prog *p, const cvm_vinfo *vi, const board_opts *o,
              board_result *r) {
  cvm_vinfo own;
  void *mem = NULL;
  cvm_vm vm;
  *r = (board_result){ .stop = BOARD_STOP_ERROR, .err = BOARD_EOK };
  r->main = p->entry_main != CVM_NO_ENTRY;

  if (!vi || !vi->ok) {
    uint32_t n = cvm_verify_scratch_size(p);
    void *scratch = malloc(n ? n : 1);
    if (!scratch) { r->err = BOARD_ENOMEM; return board_exit_status(r); }
    r->verr = cvm_verify(p, o->caps, scratch, n, &own);
    free(scratch);
    if (r->verr != CVM_VERR_OK) { r->err = BOARD_EVERIFY; return board_exit_status(r); }
    vi = &own;
  }
  if (!r->main && p->entry_loop == CVM_NO_ENTRY) {
    r->err = BOARD_EENTRY;
    return board_exit_status(r);
  }
  uint32_t size = o->mem_size > p->mem_size ? o->mem_size : p->mem_size;
  size = (size + 3u) & ~3u;
  mem = malloc(size ? size : 4);
  if (!mem) { r->err = BOARD_ENOMEM; return board_exit_status(r); }
  board_err be = board_open(o);
  if (be != BOARD_EOK) {
    free(mem);
    r->err = be;
    return board_exit_status(r);
  }
  cvm_host_reset();
  if (cvm_init(&vm, p, vi, mem, size ? size : 4, o->caps) != CVM_VERR_OK) {
    r->err = BOARD_EINIT;
  } else {
    run_program(&vm, p, o, r);
    r->steps = vm.steps;
  }
  r->time_us = board_now_us();
  if (board_tracing()) {
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
