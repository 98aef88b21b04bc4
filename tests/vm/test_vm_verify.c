/*
** test_vm_verify.c -- the verifier accepts good programs and rejects a
** table of hand-made bad ones, each with its own error.
*/
#include <stdio.h>

#include "tprog.h"

bool tp_seen[CVM_OP__COUNT];
static tprog T;
static int failures, checks;

/* Each case builds a program into t; `want` is the error it must produce. */
typedef struct vcase {
  const char *name;
  cvm_verr want;
  void (*build)(tprog *t);
  uint32_t grant;   /* 0 = all */
} vcase;

static void ok_prog(tprog *t) { tp_func(t, 0, 2, 0); ABX(LDI, 0, 1); ABC(RET, 0, 0, 0); }
static void bad_opcode(tprog *t) { tp_func(t, 0, 2, 0); tp_w(t, 0xEE); ABC(RET, 0, 0, 0); }
static void nonzero_field(tprog *t) { tp_func(t, 0, 2, 0); ABC(MOV, 0, 1, 5); ABC(RET, 0, 0, 0); }
static void jump_out(tprog *t) { tp_func(t, 0, 2, 0); SJ(JMP, 5); ABC(RET, 0, 0, 0); }
static void jump_back_out(tprog *t) { tp_func(t, 0, 2, 0); SJ(JMP, -2); ABC(RET, 0, 0, 0); }
static void jump_into_other_func(tprog *t) {
  tp_func(t, 0, 2, 0); SJ(JMP, 1); ABC(RET, 0, 0, 0);
  tp_func(t, 0, 2, 0); ABC(RET, 0, 0, 0);
}
static void jump_mid_insn(tprog *t) {
  tp_func(t, 0, 2, 0); SJ(JMP, 1); tp_ldk(t, 0, 0x01000000u | CVM_OP_RET); ABC(RET, 0, 0, 0);
}
static void branch8_out(tprog *t) { tp_func(t, 0, 2, 0); ABC(JEQ, 0, 1, 100); ABC(RET, 0, 0, 0); }
static void switch_target_out(tprog *t) {
  tp_func(t, 0, 2, 0); ABX(SWITCH, 0, 1); t->code[t->ncode++] = 0; t->code[t->ncode++] = 9;
  ABC(RET, 0, 0, 0);
}
static void stack_underflow(tprog *t) { tp_func(t, 0, 2, 0); ABC(ADD, 0, 1, 2); ABC(RET, 0, 0, 0); }
static void write_past_frame(tprog *t) { tp_func(t, 0, 2, 0); ABX(LDI, 200, 1); ABC(RET, 0, 0, 0); }
static void pair_past_frame(tprog *t) {
  tp_func(t, 0, 2, 0); tp_array(t, 0, 4, 4, CVM_SP_G); ABX(MKARR, 1, 0); ABC(RET, 0, 0, 0);
}
static void step_pair_past_frame(tprog *t) {   /* ADDLT's limit is R[B+1] */
  tp_func(t, 0, 2, 0); ABC(ADDLT, 0, 1, 0); ABC(RET, 0, 0, 0);
}
static void triple_past_frame(tprog *t) {   /* MACP's index is R[B+2] */
  tp_func(t, 0, 4, 0); ABC(MACP, 0, 0, 2); ABC(RET, 0, 0, 0);
}
static void shift_range(tprog *t) { tp_func(t, 0, 2, 0); ABC(SHLI, 0, 0, 32); ABC(RET, 0, 0, 0); }
static void fallthrough(tprog *t) { tp_func(t, 0, 2, 0); ABX(LDI, 0, 1); }
static void truncated_ldk(tprog *t) { tp_func(t, 0, 2, 0); ABC(RET, 0, 0, 0); ABX(LDK, 0, 0); }
static void unknown_hostcall(tprog *t) { tp_func(t, 0, 2, 0); ABC(SYS, 0, 0xEE, 0); ABC(RET, 0, 0, 0); }
static void hostcall_args(tprog *t) { tp_func(t, 0, 4, 0); ABC(SYS, 0, CVM_HC_digitalWrite, 1); ABC(RET, 0, 0, 0); }
static void cap_denied(tprog *t) { tp_func(t, 0, 4, 0); ABC(SYS, 0, CVM_HC_digitalWrite, 2); ABC(RET, 0, 0, 0); }
static void cap_undeclared(tprog *t) {
  cap_denied(t);
  t->p.caps = CVM_CAPBIT(CVM_CAP_LOG);
}
static void global_range(tprog *t) { tp_func(t, 0, 2, 0); ABX(LDG, 0, 64); ABC(RET, 0, 0, 0); }
static void array_index(tprog *t) { tp_func(t, 0, 2, 0); ABC(LDG32, 0, 1, 3); ABC(RET, 0, 0, 0); }
static void array_space(tprog *t) {
  tp_func(t, 0, 2, 0); tp_array(t, 0, 4, 4, CVM_SP_R); ABC(LDG32, 0, 1, 0); ABC(RET, 0, 0, 0);
}
static void array_range_global(tprog *t) {
  tp_func(t, 0, 2, 0); tp_array(t, 200, 100, 4, CVM_SP_G); ABC(STG32, 0, 1, 0); ABC(RET, 0, 0, 0);
}
static void array_range_frame(tprog *t) {
  tp_func(t, 0, 2, 8); tp_array(t, 0, 4, 4, CVM_SP_L); ABC(LDL32, 0, 1, 0); ABC(RET, 0, 0, 0);
}
static void array_range_wide_access(tprog *t) {   /* byte array read as words */
  tp_func(t, 0, 2, 0); tp_array(t, 248, 8, 1, CVM_SP_G); ABC(LDG32, 0, 1, 0); ABC(RET, 0, 0, 0);
}
static void array_range_huge(tprog *t) {
  tp_func(t, 0, 2, 0); tp_array(t, 0, 0x40000001u, 4, CVM_SP_G); ABC(LDG32, 0, 1, 0); ABC(RET, 0, 0, 0);
}
static void func_index(tprog *t) { tp_func(t, 0, 2, 0); ABX(CALL, 1, 9); ABC(RET, 0, 0, 0); }
static void call_args(tprog *t) {
  tp_func(t, 0, 2, 0); ABX(CALL, 1, 1); ABC(RET, 0, 0, 0);
  tp_func(t, 3, 3, 0); ABC(RET, 0, 0, 0);
}
static void func_table_order(tprog *t) {
  ok_prog(t); tp_func(t, 0, 2, 0); ABC(RET0, 0, 0, 0);
  wr32(t->funcs + CVM_FUNC_SIZE, 0);
}
static void func_frame(tprog *t) { ok_prog(t); tp_func(t, 2, 1, 0); ABC(RET, 0, 0, 0); }
static void entry_params(tprog *t) { tp_func(t, 1, 2, 0); ABC(RET, 0, 0, 0); }
static void entry_missing(tprog *t) { ok_prog(t); t->p.entry_main = CVM_NO_ENTRY; }
static void entry_both(tprog *t) { ok_prog(t); t->p.entry_setup = 0; t->p.entry_loop = 0; }
static void memory_layout(tprog *t) { ok_prog(t); t->p.globals_size = 254; }
static void memory_data(tprog *t) { ok_prog(t); t->ndata = 300; }
static void memory_records(tprog *t) { ok_prog(t); t->p.max_depth = 100000; }
static void no_code(tprog *t) { (void)t; }
static void static_stack(tprog *t) {
  tp_func(t, 0, 2, 0); ABX(CALL, 1, 1); ABC(RET, 0, 0, 0);
  tp_func(t, 0, 200, 0); ABX(CALL, 199, 2); ABC(RET0, 0, 0, 0);
  tp_func(t, 0, 200, 0); ABX(CALL, 199, 3); ABC(RET0, 0, 0, 0);
  tp_func(t, 0, 200, 0); ABX(CALL, 199, 4); ABC(RET0, 0, 0, 0);
  tp_func(t, 0, 200, 0); ABX(CALL, 199, 5); ABC(RET0, 0, 0, 0);
  tp_func(t, 0, 200, 60000); ABC(RET0, 0, 0, 0);
}
static void ainit_src_space(tprog *t) {
  tp_func(t, 0, 2, 16); tp_array(t, 0, 4, 4, CVM_SP_L); tp_array(t, 0, 4, 4, CVM_SP_G);
  ABX(AINIT, 0, 1); ABC(RET, 0, 0, 0);
}

static const vcase cases[] = {
  { "valid program",                 CVM_VERR_OK,               ok_prog, 0 },
  { "unknown opcode",                CVM_VERR_BAD_OPCODE,       bad_opcode, 0 },
  { "unused field not zero",         CVM_VERR_NONZERO_FIELD,    nonzero_field, 0 },
  { "jump past the end",             CVM_VERR_JUMP_RANGE,       jump_out, 0 },
  { "jump before the start",         CVM_VERR_JUMP_RANGE,       jump_back_out, 0 },
  { "jump into another function",    CVM_VERR_JUMP_RANGE,       jump_into_other_func, 0 },
  { "jump into an instruction",      CVM_VERR_JUMP_MISALIGNED,  jump_mid_insn, 0 },
  { "branch out of range",           CVM_VERR_JUMP_RANGE,       branch8_out, 0 },
  { "switch target out of range",    CVM_VERR_JUMP_RANGE,       switch_target_out, 0 },
  { "stack underflow (read past frame)", CVM_VERR_REG_RANGE,    stack_underflow, 0 },
  { "write past frame",              CVM_VERR_REG_RANGE,        write_past_frame, 0 },
  { "descriptor pair past frame",    CVM_VERR_REG_RANGE,        pair_past_frame, 0 },
  { "step/limit pair past frame",    CVM_VERR_REG_RANGE,        step_pair_past_frame, 0 },
  { "descriptor triple past frame",  CVM_VERR_REG_RANGE,        triple_past_frame, 0 },
  { "shift count 32",                CVM_VERR_SHIFT_RANGE,      shift_range, 0 },
  { "falls off the end",             CVM_VERR_FALLTHROUGH,      fallthrough, 0 },
  { "truncated LDK",                 CVM_VERR_TRUNCATED,        truncated_ldk, 0 },
  { "unknown host call",             CVM_VERR_HOSTCALL_UNKNOWN, unknown_hostcall, 0 },
  { "host call argument count",      CVM_VERR_HOSTCALL_ARGS,    hostcall_args, 0 },
  { "capability not granted",        CVM_VERR_CAP_DENIED,       cap_denied, CVM_CAPBIT(CVM_CAP_LOG) },
  { "capability not declared",       CVM_VERR_CAP_UNDECLARED,   cap_undeclared, 0 },
  { "global out of range",           CVM_VERR_GLOBAL_RANGE,     global_range, 0 },
  { "no such array",                 CVM_VERR_ARRAY_INDEX,      array_index, 0 },
  { "array of the wrong space",      CVM_VERR_ARRAY_SPACE,      array_space, 0 },
  { "global array past globals",     CVM_VERR_ARRAY_RANGE,      array_range_global, 0 },
  { "frame array past frame",        CVM_VERR_ARRAY_RANGE,      array_range_frame, 0 },
  { "byte array read as words",      CVM_VERR_ARRAY_RANGE,      array_range_wide_access, 0 },
  { "array size overflows",          CVM_VERR_ARRAY_RANGE,      array_range_huge, 0 },
  { "call to missing function",      CVM_VERR_FUNC_INDEX,       func_index, 0 },
  { "call window past frame",        CVM_VERR_CALL_ARGS,        call_args, 0 },
  { "function table not increasing", CVM_VERR_FUNC_TABLE,      func_table_order, 0 },
  { "fewer slots than parameters",   CVM_VERR_FUNC_FRAME,       func_frame, 0 },
  { "main takes parameters",         CVM_VERR_ENTRY,            entry_params, 0 },
  { "no entry point",                CVM_VERR_ENTRY,            entry_missing, 0 },
  { "main and setup/loop",           CVM_VERR_ENTRY,            entry_both, 0 },
  { "misaligned globals size",       CVM_VERR_MEMORY,           memory_layout, 0 },
  { "data image larger than globals", CVM_VERR_MEMORY,          memory_data, 0 },
  { "call records do not fit",       CVM_VERR_MEMORY,           memory_records, 0 },
  { "empty program",                 CVM_VERR_NO_CODE,          no_code, 0 },
  { "static stack exceeds memory",   CVM_VERR_STACK,            static_stack, 0 },
  { "AINIT from a global array",     CVM_VERR_ARRAY_SPACE,      ainit_src_space, 0 },
};

int main(void) {
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const vcase *c = &cases[i];
    tprog *t = &T;
    tp_init(t);
    c->build(t);
    tp_bind(t);
    cvm_verr e = cvm_verify(&t->p, c->grant ? c->grant : CVM_CAPS_ALL, t->scratch,
                            sizeof t->scratch, &t->info);
    checks++;
    if (e != c->want) {
      failures++;
      printf("FAIL %-36s got %s (%s), want %s\n", c->name, cvm_verr_name(e), cvm_verr_str(e),
             cvm_verr_name(c->want));
    } else {
      printf("ok   %-36s %s: %s\n", c->name, cvm_verr_name(e), cvm_verr_str(e));
    }
    checks++;
    if ((e == CVM_VERR_OK) != t->info.ok) { failures++; printf("FAIL info.ok mismatch\n"); }
  }
  /* every error has a distinct message */
  for (int a = 0; a < CVM_VERR__COUNT; a++)
    for (int b = a + 1; b < CVM_VERR__COUNT; b++) {
      checks++;
      if (cvm_verr_str((cvm_verr)a) == cvm_verr_str((cvm_verr)b)) failures++;
    }
  /* too little scratch */
  tp_init(&T);
  ok_prog(&T);
  tp_bind(&T);
  checks++;
  if (cvm_verify(&T.p, CVM_CAPS_ALL, T.scratch, 2, &T.info) != CVM_VERR_SCRATCH) failures++;
  /* an unverified program never runs */
  checks++;
  if (cvm_init(&T.vm, &T.p, &T.info, T.mem, sizeof T.mem, CVM_CAPS_ALL) == CVM_VERR_OK) failures++;
  printf("%d checks, %d failed\n", checks, failures);
  return failures != 0;
}
