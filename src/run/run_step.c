/*
** run_step.c -- the stepper: one program, main() to its end or setup()
** once and loop() forever, one slice at a time. The caller keeps time and
** decides when to step again; the stopping rules are the same everywhere.
*/
#include "run.h"

static const char *const err_msgs[] = {
#define X(name, msg) msg,
  RUN_ERRORS(X)
#undef X
};

const char *run_err_str(run_err e) {
  return (unsigned)e < RUN_E__COUNT ? err_msgs[e] : "unknown runtime error";
}

static bool start_call(run_prog *r, uint32_t f, run_phase ph) {
  if (cvm_call(&r->vm, f)) {
    r->phase = (uint8_t)ph;
    r->state = RUN_RUNNING;
    return true;
  }
  if (r->vm.status == CVM_FAULTED) {
    r->state = RUN_FAULTED;
    r->pc = r->vm.fault_pc;
  }
  return false;
}

run_err run_prog_start(run_prog *r, const cvm_prog *p, const cvm_vinfo *vi, uint8_t *mem,
                       uint32_t mem_cap, uint32_t grant, uint32_t caps) {
  run_exec_fn exec = r->exec;
  void *ctx = r->exec_ctx;
  uint64_t max_steps = r->max_steps;
  __builtin_memset(r, 0, sizeof *r);
  r->exec = exec;
  r->exec_ctx = ctx;
  r->max_steps = max_steps;
  r->prog = p;
  r->state = RUN_IDLE;
  if (vi && vi->ok) {
    r->vi = *vi;
  } else {
    uint32_t need = cvm_verify_scratch_size(p);
    if (need > mem_cap) return RUN_EMEMORY;
    r->verr = cvm_verify(p, caps, mem, mem_cap, &r->vi);
    if (r->verr != CVM_VERR_OK) return RUN_EVERIFY;
  }
  bool is_main = p->entry_main != CVM_NO_ENTRY;
  if (!is_main && p->entry_loop == CVM_NO_ENTRY) return RUN_EENTRY;
  uint32_t size = grant > p->mem_size ? grant : p->mem_size;
  size = (size + 3u) & ~3u;
  if (!size) size = 4u;
  if (size > mem_cap || cvm_init(&r->vm, p, &r->vi, mem, size, caps) != CVM_VERR_OK)
    return RUN_EMEMORY;
  cvm_host_reset();
  bool ok;
  if (is_main) ok = start_call(r, p->entry_main, RUN_PH_MAIN);
  else if (p->entry_setup != CVM_NO_ENTRY) ok = start_call(r, p->entry_setup, RUN_PH_SETUP);
  else ok = start_call(r, p->entry_loop, RUN_PH_LOOP);
  return ok || r->state == RUN_FAULTED ? RUN_EOK : RUN_ECALL;
}

run_state run_prog_step(run_prog *r, uint32_t budget) {
  if (r->state != RUN_RUNNING && r->state != RUN_SLEEPING) return (run_state)r->state;
  cvm_vm *vm = &r->vm;
  if (r->max_steps && vm->steps >= r->max_steps) {
    run_prog_limit(r, RUN_LIMIT_STEPS);
    return RUN_LIMIT;
  }
  if (r->max_steps && r->max_steps - vm->steps < budget) budget = (uint32_t)(r->max_steps - vm->steps);
  cvm_status st = r->exec ? r->exec(vm, budget, r->exec_ctx) : cvm_run(vm, budget);
  switch (st) {
  case CVM_DONE:
    if (r->phase == RUN_PH_MAIN) {
      r->state = RUN_EXITED;
      break;
    }
    if (r->phase == RUN_PH_LOOP) r->loops++;
    if (!start_call(r, r->prog->entry_loop, RUN_PH_LOOP) && r->state != RUN_FAULTED)
      r->state = RUN_ERROR;
    break;
  case CVM_FAULTED:
    r->state = RUN_FAULTED;
    r->pc = vm->fault_pc;
    break;
  case CVM_SLEEPING:
    r->state = RUN_SLEEPING;
    break;
  default:
    r->state = RUN_RUNNING;
    break;
  }
  if (r->state == RUN_RUNNING && r->max_steps && vm->steps >= r->max_steps) run_prog_limit(r, RUN_LIMIT_STEPS);
  return (run_state)r->state;
}

void run_prog_limit(run_prog *r, run_limit why) {
  r->state = RUN_LIMIT;
  r->limit = (uint8_t)why;
  r->pc = r->vm.pc;
}

uint32_t run_prog_stack_free(const run_prog *r) {
  const cvm_vm *vm = &r->vm;
  if (!r->prog || !vm->mem_size) return 0;
  uint32_t globals = (r->prog->globals_size + 3u) & ~3u;
  uint32_t area = vm->data_top > globals ? vm->data_top - globals : 0;
  if (r->vi.recursive)     /* known only at run time: what the frames leave now */
    return vm->ap > vm->fp ? vm->ap - vm->fp : 0;
  return r->vi.max_stack < area ? area - r->vi.max_stack : 0;
}
