/*
** cvm_vm.c -- instance set-up: bind a verified program to memory, start calls.
*/
#include "cvm.h"

cvm_verr cvm_init(cvm_vm *vm, const cvm_prog *p, const cvm_vinfo *verified,
                  void *mem, uint32_t mem_size, uint32_t granted_caps) {
  *vm = (cvm_vm){0};
  vm->prog = p;
  if (!verified || !verified->ok) return CVM_VERR_PROG;
  if (!mem || ((uintptr_t)mem & 3u)) return CVM_VERR_MEMORY;
  mem_size &= ~3u;
  if (mem_size < p->mem_size) return CVM_VERR_MEMORY;
  vm->mem = (uint8_t *)mem;
  vm->mem_size = mem_size;
  vm->max_depth = p->max_depth;
  vm->data_top = mem_size - p->max_depth * CVM_CALL_RECORD;
  vm->caps = granted_caps;
  __builtin_memset(mem, 0, mem_size);
  if (p->data_size) __builtin_memcpy(mem, p->data, p->data_size);
  vm->verified = 1;
  vm->status = CVM_IDLE;
  return CVM_VERR_OK;
}

bool cvm_call(cvm_vm *vm, uint32_t f) {
  const cvm_prog *p = vm->prog;
  if (!vm->verified || vm->status == CVM_RUNNABLE || vm->status == CVM_SLEEPING ||
      vm->status == CVM_FAULTED || f >= p->nfuncs || CVM_FUNC_NPARAMS(p, f) != 0)
    return false;
  uint32_t fp = p->globals_size, arr = CVM_FUNC_ARRBYTES(p, f);
  if ((uint64_t)fp + CVM_FUNC_NSLOTS(p, f) * 4u + arr > vm->data_top) {
    vm->fault = CVM_FAULT_STACK;
    vm->fault_pc = CVM_FUNC_ENTRY(p, f);
    vm->status = CVM_FAULTED;
    return false;
  }
  vm->fp = fp;
  vm->ap = vm->data_top - arr;
  vm->depth = 0;
  vm->pc = CVM_FUNC_ENTRY(p, f);
  vm->result = 0;
  vm->status = CVM_RUNNABLE;
  return true;
}
