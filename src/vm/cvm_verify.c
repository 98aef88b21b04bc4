/*
** cvm_verify.c -- load-time verifier.
**
** Proves, once, everything the interpreter then relies on without checking:
** opcodes and operand fields, register operands inside the frame, jump
** targets on instruction boundaries inside the same function, no running off
** a function's end, global and array-table ranges, call windows, host calls
** and capabilities, entry points and memory layout. It also bounds the stack
** over the call graph. One pass marks instruction starts, a second checks
** operands, then call-graph relaxation passes compute the stack need.
*/
#include "cvm.h"

typedef struct vstate {
  const cvm_prog *p;
  uint32_t caps;        /* granted */
  uint8_t *starts;      /* bitmap: word i begins an instruction */
  uint32_t *need;       /* per function: bytes of stack on its deepest path */
  uint32_t *depth;      /* per function: frames on its deepest path */
  cvm_vinfo *info;
} vstate;

#define BIT_SET(b, i) ((b)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))
#define BIT_GET(b, i) (((b)[(i) >> 3] >> ((i) & 7)) & 1u)

static uint32_t func_end(const cvm_prog *p, uint32_t f) {
  return f + 1 < p->nfuncs ? CVM_FUNC_ENTRY(p, f + 1) : p->ncode;
}

uint32_t cvm_verify_scratch_size(const cvm_prog *p) {
  return ((p->ncode + 31) / 32) * 4 + p->nfuncs * 8;
}

static bool is_terminator(uint32_t op) {
  return op == CVM_OP_JMP || op == CVM_OP_RET || op == CVM_OP_RET0 || op == CVM_OP_SWITCH;
}

/* Is the array entry k inside its area for accesses of `size` bytes? */
static cvm_verr check_array(const vstate *v, uint32_t f, uint32_t k, uint32_t space,
                            uint32_t size) {
  const cvm_prog *p = v->p;
  if (k >= p->narrays) return CVM_VERR_ARRAY_INDEX;
  uint32_t sp = CVM_ARR_SPACE(p, k);
  if (space != CVM_SP__ && sp != space) return CVM_VERR_ARRAY_SPACE;
  if (sp != CVM_SP_G && sp != CVM_SP_L && sp != CVM_SP_R) return CVM_VERR_ARRAY_SPACE;
  uint32_t es = CVM_ARR_ESIZE(p, k);
  if (es != 1 && es != 2 && es != 4) return CVM_VERR_ARRAY_RANGE;
  if (size == 0) size = es;
  uint64_t end = (uint64_t)CVM_ARR_BASE(p, k) + (uint64_t)CVM_ARR_COUNT(p, k) * size;
  uint64_t limit = sp == CVM_SP_G ? p->globals_size
                 : sp == CVM_SP_L ? CVM_FUNC_ARRBYTES(p, f) : p->rodata_size;
  return end <= limit ? CVM_VERR_OK : CVM_VERR_ARRAY_RANGE;
}

static cvm_verr check_target(const vstate *v, uint32_t fs, uint32_t fe, int64_t t) {
  if (t < fs || t >= fe) return CVM_VERR_JUMP_RANGE;
  return BIT_GET(v->starts, (uint32_t)t) ? CVM_VERR_OK : CVM_VERR_JUMP_MISALIGNED;
}

/* Check one operand field of kind k holding value x. */
static cvm_verr check_field(const vstate *v, uint32_t f, uint32_t insn, uint32_t k,
                            uint32_t x, uint32_t ns) {
  const cvm_prog *p = v->p;
  const cvm_opinfo *oi = &cvm_opinfo_table[CVM_I_OP(insn)];
  switch (k) {
    case CVM_K_N: return x == 0 ? CVM_VERR_OK : CVM_VERR_NONZERO_FIELD;
    case CVM_K_RW: case CVM_K_RR: case CVM_K_RA:
      return x < ns ? CVM_VERR_OK : CVM_VERR_REG_RANGE;
    case CVM_K_RP: case CVM_K_WP:
      return x + 1 < ns ? CVM_VERR_OK : CVM_VERR_REG_RANGE;
    case CVM_K_RT: case CVM_K_RY: case CVM_K_RX:   /* 3, 4 and 5 registers */
      return x + (k - CVM_K_RT) + 2 < ns ? CVM_VERR_OK : CVM_VERR_REG_RANGE;
    case CVM_K_SH: return x <= 31 ? CVM_VERR_OK : CVM_VERR_SHIFT_RANGE;
    case CVM_K_GW:
      return (uint64_t)x * 4 + 4 <= p->globals_size ? CVM_VERR_OK : CVM_VERR_GLOBAL_RANGE;
    case CVM_K_KA:
      return check_array(v, f, x, oi->space == CVM_SP__ ? CVM_SP_L : oi->space, oi->size);
    case CVM_K_KX:
      if (CVM_I_OP(insn) == CVM_OP_AINIT) {
        if (x == CVM_AINIT_ZERO) return CVM_VERR_OK;
        return check_array(v, f, x, CVM_SP_R, 0);
      }
      return check_array(v, f, x, CVM_SP__, 0);
    case CVM_K_FN: return x < p->nfuncs ? CVM_VERR_OK : CVM_VERR_FUNC_INDEX;
    case CVM_K_HC: {
      const cvm_hcinfo *hc = cvm_hc_find(x);
      if (!hc) return CVM_VERR_HOSTCALL_UNKNOWN;
      if (!(p->caps & CVM_CAPBIT(hc->cap))) return CVM_VERR_CAP_UNDECLARED;
      if (!(v->caps & CVM_CAPBIT(hc->cap))) return CVM_VERR_CAP_DENIED;
      return CVM_VERR_OK;
    }
    default: return CVM_VERR_OK;   /* immediates, counts, jumps: checked elsewhere */
  }
}

/* Pass 1 for function f: mark instruction starts, check opcodes and lengths. */
static cvm_verr scan_function(vstate *v, uint32_t f) {
  const cvm_prog *p = v->p;
  uint32_t pc = CVM_FUNC_ENTRY(p, f), fe = func_end(p, f), last = 0;
  while (pc < fe) {
    uint32_t insn = p->code[pc];
    v->info->pc = pc;
    if (CVM_I_OP(insn) >= CVM_OP__COUNT) return CVM_VERR_BAD_OPCODE;
    uint32_t n = cvm_insn_words(insn);
    if (n > fe - pc) return CVM_VERR_TRUNCATED;
    BIT_SET(v->starts, pc);
    last = CVM_I_OP(insn);
    pc += n;
  }
  return is_terminator(last) ? CVM_VERR_OK : CVM_VERR_FALLTHROUGH;
}

/* Pass 2 for function f: operands. */
static cvm_verr check_function(vstate *v, uint32_t f) {
  const cvm_prog *p = v->p;
  uint32_t fs = CVM_FUNC_ENTRY(p, f), fe = func_end(p, f), ns = CVM_FUNC_NSLOTS(p, f);
  cvm_verr e;
  for (uint32_t pc = fs; pc < fe; pc += cvm_insn_words(p->code[pc])) {
    uint32_t insn = p->code[pc], op = CVM_I_OP(insn);
    const cvm_opinfo *oi = &cvm_opinfo_table[op];
    uint32_t next = pc + cvm_insn_words(insn);
    v->info->pc = pc;
    switch (oi->fmt) {
      case CVM_FMT_ABC:
        if ((e = check_field(v, f, insn, oi->ka, CVM_I_A(insn), ns)) ||
            (e = check_field(v, f, insn, oi->kb, CVM_I_B(insn), ns)) ||
            (e = check_field(v, f, insn, oi->kc, CVM_I_C(insn), ns)))
          return e;
        if (oi->kc == CVM_K_J8 &&
            (e = check_target(v, fs, fe, (int64_t)next + CVM_I_SC(insn))))
          return e;
        break;
      case CVM_FMT_ABX:
        if ((e = check_field(v, f, insn, oi->ka, CVM_I_A(insn), ns)) ||
            (e = check_field(v, f, insn, oi->kb, CVM_I_BX(insn), ns)))
          return e;
        if (oi->kb == CVM_K_J16 &&
            (e = check_target(v, fs, fe, (int64_t)next + CVM_I_SBX(insn))))
          return e;
        break;
      case CVM_FMT_AXK:
        if ((e = check_field(v, f, insn, oi->ka, CVM_I_A(insn), ns))) return e;
        if (CVM_I_BX(insn) != 0) return CVM_VERR_NONZERO_FIELD;
        break;
      case CVM_FMT_SJ:
        if ((e = check_target(v, fs, fe, (int64_t)next + CVM_I_SJ(insn)))) return e;
        break;
      case CVM_FMT_SW: {
        if ((e = check_field(v, f, insn, oi->ka, CVM_I_A(insn), ns))) return e;
        uint32_t n = CVM_I_BX(insn);
        for (uint32_t j = 0; j <= n; j++)
          if ((e = check_target(v, fs, fe, (int64_t)next + (int32_t)p->code[pc + 1 + j])))
            return e;
        break;
      }
      default: return CVM_VERR_BAD_OPCODE;
    }
    /* Cross-field rules. */
    if (op == CVM_OP_CALL) {
      uint32_t g = CVM_I_BX(insn);
      if (CVM_I_A(insn) + CVM_FUNC_NPARAMS(p, g) > ns) return CVM_VERR_CALL_ARGS;
    } else if (op == CVM_OP_SYS) {
      bool va;
      uint32_t want = cvm_hc_slots(cvm_hc_find(CVM_I_B(insn)), &va), got = CVM_I_C(insn);
      if (va ? got < want : got != want) return CVM_VERR_HOSTCALL_ARGS;
      if (CVM_I_A(insn) + got > ns) return CVM_VERR_REG_RANGE;
    }
  }
  return CVM_VERR_OK;
}

/* One relaxation pass of the stack bound over all call sites. Returns true
** when any function's bound grew. */
static bool relax(vstate *v) {
  const cvm_prog *p = v->p;
  bool changed = false;
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    uint32_t fs = CVM_FUNC_ENTRY(p, f), fe = func_end(p, f);
    uint32_t slots = CVM_FUNC_NSLOTS(p, f) * 4u, arr = CVM_FUNC_ARRBYTES(p, f);
    uint64_t need = slots, depth = 1;
    for (uint32_t pc = fs; pc < fe; pc += cvm_insn_words(p->code[pc])) {
      uint32_t insn = p->code[pc];
      if (CVM_I_OP(insn) != CVM_OP_CALL) continue;
      uint32_t g = CVM_I_BX(insn);
      uint64_t n = (uint64_t)CVM_I_A(insn) * 4 + v->need[g];
      if (n > need) need = n;
      if (v->depth[g] + 1 > depth) depth = v->depth[g] + 1;
    }
    need += arr;
    if (need > 0xFFFFFFFFu) need = 0xFFFFFFFFu;
    if (depth > 0xFFFFFFFFu) depth = 0xFFFFFFFFu;
    if (need != v->need[f] || depth != v->depth[f]) {
      v->need[f] = (uint32_t)need;
      v->depth[f] = (uint32_t)depth;
      changed = true;
    }
  }
  return changed;
}

static bool entry_ok(const cvm_prog *p, uint32_t f) {
  return f < p->nfuncs && CVM_FUNC_NPARAMS(p, f) == 0;
}

cvm_verr cvm_verify(const cvm_prog *p, uint32_t granted_caps, void *scratch,
                    uint32_t scratch_size, cvm_vinfo *info) {
  cvm_vinfo dummy;
  if (!info) info = &dummy;
  *info = (cvm_vinfo){0};
  if (!p) return CVM_VERR_PROG;
  if (!p->code || ((uintptr_t)p->code & 3u) || !p->funcs ||
      (p->narrays && !p->arrays) || (p->rodata_size && !p->rodata) ||
      (p->data_size && !p->data) || (p->nlines && !p->lines))
    return CVM_VERR_PROG;
  if (p->ncode == 0 || p->nfuncs == 0) return CVM_VERR_NO_CODE;

  /* memory layout */
  if ((p->globals_size & 3u) || (p->mem_size & 3u) || p->data_size > p->globals_size ||
      p->max_depth == 0 ||
      (uint64_t)p->globals_size + (uint64_t)p->max_depth * CVM_CALL_RECORD > p->mem_size)
    return CVM_VERR_MEMORY;

  /* entry points */
  bool has_main = p->entry_main != CVM_NO_ENTRY;
  bool has_loop = p->entry_setup != CVM_NO_ENTRY || p->entry_loop != CVM_NO_ENTRY;
  if (has_main ? !entry_ok(p, p->entry_main) || has_loop
               : !entry_ok(p, p->entry_setup) || !entry_ok(p, p->entry_loop))
    return CVM_VERR_ENTRY;

  /* function table */
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    uint32_t e = CVM_FUNC_ENTRY(p, f);
    info->func = f;
    info->pc = e;
    if ((f == 0 && e != 0) || e >= p->ncode || (f > 0 && e <= CVM_FUNC_ENTRY(p, f - 1)))
      return CVM_VERR_FUNC_TABLE;
    if (CVM_FUNC_NSLOTS(p, f) == 0 || CVM_FUNC_NSLOTS(p, f) < CVM_FUNC_NPARAMS(p, f) ||
        (CVM_FUNC_ARRBYTES(p, f) & 3u))
      return CVM_VERR_FUNC_FRAME;
  }

  if (!scratch || ((uintptr_t)scratch & 3u) || scratch_size < cvm_verify_scratch_size(p))
    return CVM_VERR_SCRATCH;
  uint32_t bitmap_bytes = ((p->ncode + 31) / 32) * 4;
  vstate v = { p, granted_caps, (uint8_t *)scratch,
               (uint32_t *)((uint8_t *)scratch + bitmap_bytes), NULL, info };
  v.depth = v.need + p->nfuncs;
  for (uint32_t i = 0; i < bitmap_bytes; i++) v.starts[i] = 0;

  cvm_verr e;
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    info->func = f;
    if ((e = scan_function(&v, f))) return e;
  }
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    info->func = f;
    if ((e = check_function(&v, f))) return e;
  }
  info->pc = 0;
  info->func = 0;

  /* Stack bound: relax until stable; still changing after nfuncs passes
  ** means the call graph has a cycle. need[] counts the frames' slots and
  ** arrays; depth[] the frames (the top-level frame needs no call record). */
  for (uint32_t f = 0; f < p->nfuncs; f++) v.need[f] = v.depth[f] = 0;
  uint32_t pass = 0;
  while (relax(&v)) {
    if (++pass > p->nfuncs) { info->recursive = true; break; }
  }
  uint32_t roots[2] = { has_main ? p->entry_main : p->entry_setup,
                        has_main ? p->entry_main : p->entry_loop };
  for (int i = 0; i < 2; i++) {
    if (v.need[roots[i]] > info->max_stack) info->max_stack = v.need[roots[i]];
    if (v.depth[roots[i]] - 1 > info->max_depth) info->max_depth = v.depth[roots[i]] - 1;
  }
  if (!info->recursive) {
    uint64_t avail = p->mem_size - p->globals_size - (uint64_t)p->max_depth * CVM_CALL_RECORD;
    if (info->max_stack > avail || info->max_depth > p->max_depth) return CVM_VERR_STACK;
  }
  info->ok = true;
  return CVM_VERR_OK;
}
