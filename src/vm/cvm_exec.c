/*
** cvm_exec.c -- the interpreter.
**
** Runs only verified programs, so it checks only what the verifier cannot
** prove: dynamic array indexes, descriptor addresses, division by zero and
** overflow, recursion depth, and the step budget. Dispatch is threaded
** (computed goto) under GCC/Clang, or a portable switch when built with
** CVM_NO_COMPUTED_GOTO; both are built and tested.
**
** Hot state lives in locals: pc (pointer into the code), R (the current
** frame's slots), ap (frame-array base), and q (the budget, see below); the
** current straight-line stretch began, for charging the budget).
*/
#include "cvm.h"

#if (defined(__GNUC__) || defined(__clang__)) && !defined(CVM_NO_COMPUTED_GOTO)
#define CVM_THREADED 1
#else
#define CVM_THREADED 0
#endif

static inline uint32_t ld16(const uint8_t *p) { uint16_t v; __builtin_memcpy(&v, p, 2); return v; }
static inline uint32_t ld32(const uint8_t *p) { uint32_t v; __builtin_memcpy(&v, p, 4); return v; }
static inline void st16(uint8_t *p, uint32_t v) { uint16_t x = (uint16_t)v; __builtin_memcpy(p, &x, 2); }
static inline void st32(uint8_t *p, uint32_t v) { __builtin_memcpy(p, &v, 4); }

/* Fields decoded at the host's word width (i is a uintptr_t), so they index
** without a separate zero-extension on 64-bit hosts. */
#define A   ((uintptr_t)CVM_I_A(i))
#if CVM_THREADED && defined(__x86_64__)
/* x86-64: B as one byte load from the code (pc is past the word): one
** instruction instead of three, for one more load */
#define B   ((uintptr_t)((const uint8_t *)(const void *)pc)[-2])
#define SB  ((int32_t)((const int8_t *)(const void *)pc)[-2])
#define SCJ ((intptr_t)((const int8_t *)(const void *)pc)[-1])   /* a J8 offset */
#else
#define SCJ CVM_I_SC(i)
#define SB  CVM_I_SB(i)
#define B   (((uintptr_t)i >> 16) & 0xFFu)
#endif
#define C   ((uintptr_t)i >> 24)
#define BX  ((uintptr_t)CVM_I_BX(i))
#define S32(x) ((int32_t)(x))

/* Budget: q is the code address at which the budget runs out if execution
** went straight on, so the budget left, in bytes of code (4 per word), is
** q - pc. Straight-line code costs nothing; a jump moves q by the distance
** it moves pc, and stops the run once pc has reached q. */
#define LEFT()        ((intptr_t)(q - (uintptr_t)pc))
#define JUMP(target)  do { const uint32_t *t_ = (target);                           \
                           q += (uintptr_t)((const uint8_t *)t_ - (const uint8_t *)pc); \
                           pc = t_; if (q <= (uintptr_t)pc) goto stop; } while (0)
/* A relative jump by off words: pc moves by a scaled add, off the path that
** q's update takes, so the next fetch does not wait for the budget. */
#define JUMPBY(off)   do { intptr_t o_ = (off); pc += o_; q += (uintptr_t)o_ * 4u;        \
                           if (q <= (uintptr_t)pc) goto stop; } while (0)
#define FAULT(f)      do { fault = CVM_FAULT_##f; goto faulted; } while (0)

/* Profiling build (cvm_exec_prof.c): count every executed instruction by
** pc, and every dynamic opcode pair, before dispatching it. */
#ifdef CVM_PROFILE
#define CVM_RUN_FN    cvm_run_profile
#define CVM_RUN_ARGS  cvm_vm *vm, uint32_t budget, cvm_profile *prof
#define PROF_HOOK()   do { prof->pc_counts[pc - code]++;                          \
                           if (prof->pair_counts)                                  \
                             prof->pair_counts[prof->last_op * CVM_OP__COUNT + CVM_I_OP(*pc)]++; \
                           prof->last_op = CVM_I_OP(*pc); } while (0)
#else
#define CVM_RUN_FN    cvm_run
#define CVM_RUN_ARGS  cvm_vm *vm, uint32_t budget
#define PROF_HOOK()   ((void)0)
#endif

#if CVM_THREADED
#define VMCASE(name)  L_##name:
#define NEXT          do { PROF_HOOK(); i = *pc++; goto *dt[CVM_I_OP(i)]; } while (0)
#else
#define VMCASE(name)  case CVM_OP_##name:
#define NEXT          continue
#endif

/* Array element address helpers. Entry e of the array table. */
#define AENT(k)       (arrays + (k) * CVM_ARRAY_SIZE)
#define ACHK(e, idx)  do { if ((idx) >= cvm_rd32((e) + 4)) FAULT(OOB); } while (0)

/* Descriptor access: index < count, then address inside [0, lim). The
** descriptor (base, count) is in R[dr], R[dr+1], the index in R[ir]. */
#if UINTPTR_MAX > 0xFFFFFFFFu   /* 64-bit hosts: the end cannot wrap */
#define PADDRX(addr, dr, ir, sz, sh) do {                                   \
    uintptr_t dr_ = (dr), idx_ = R[ir], off_ = (uintptr_t)R[dr_] + idx_ * (sz); \
    if (idx_ >= R[dr_ + 1]) FAULT(OOB);                                     \
    if (off_ + (sz) > lim) FAULT(MEMORY);                                   \
    (addr) = mem + off_;                                                    \
  } while (0)
#else
#define PADDRX(addr, dr, ir, sz, sh) do {                                   \
    uint32_t dr_ = (dr), base_ = R[dr_], idx_ = R[ir];                      \
    if (idx_ >= R[dr_ + 1]) FAULT(OOB);                                     \
    if (base_ > lim || idx_ >= ((lim - base_) >> (sh))) FAULT(MEMORY);      \
    (addr) = mem + base_ + idx_ * (sz);                                     \
  } while (0)
#endif
#define PADDR(addr, sz, sh) PADDRX(addr, C, B, sz, sh)

#ifndef CVM_TINY
#define MUL_W(x, y)   (ld32(x) * ld32(y))
#define MUL_S16(x, y) ((uint32_t)((int32_t)(int16_t)ld16(x) * (int32_t)(int16_t)ld16(y)))
#if defined(__GNUC__) || defined(__clang__)
#define CVM_NOINLINE __attribute__((noinline))
#else
#define CVM_NOINLINE
#endif
/* DOTP on a host: as many pairs as the budget allows (room, at least 1) in
** one call, when that is safe without checks: both vectors' first and last
** elements of the run in bounds (the indexes move by a constant, so every
** element between is too), the registers not overlapping each other, and
** neither vector lying over them. Returns the pairs done, with the
** registers updated; 0 when it is not safe -- an index leaves its vector
** (a fault is coming), registers overlap, a forged descriptor points at
** them -- and the interpreter runs one pair, which is the definition.
** Out of line, so the interpreter's own registers are not disturbed. */
#define DOT_SPAN(lo_, hi_, base, i0, il, sz) do {                              \
    uint64_t f_ = (uint64_t)(base) + (uint64_t)(i0) * (sz);                    \
    uint64_t l_ = (uint64_t)(base) + (uint64_t)(il) * (sz);                    \
    lo_ = f_ < l_ ? f_ : l_;                                                   \
    hi_ = (f_ < l_ ? l_ : f_) + (sz);                                          \
  } while (0)
/* One pair, checked, in the definition's order (x's index and address,
** then y's; the accumulator, the indexes, then the count): 1, or 0 with
** *fault set and nothing changed. */
#define DOT_ONE_PAIR(fn, sz, mul)                                               \
  static uint64_t fn(uint32_t *R, uintptr_t a, uintptr_t b, uintptr_t c, uint8_t *mem, \
                     uint32_t lim, cvm_fault *fault) {                          \
    uint64_t xo = (uint64_t)R[b] + (uint64_t)R[b + 2] * (sz);                  \
    uint64_t yo = (uint64_t)R[c] + (uint64_t)R[c + 2] * (sz);                  \
    if (R[b + 2] >= R[b + 1]) { *fault = CVM_FAULT_OOB; return 0; }           \
    if (xo + (sz) > lim) { *fault = CVM_FAULT_MEMORY; return 0; }             \
    if (R[c + 2] >= R[c + 1]) { *fault = CVM_FAULT_OOB; return 0; }           \
    if (yo + (sz) > lim) { *fault = CVM_FAULT_MEMORY; return 0; }             \
    R[a] += mul(mem + (uintptr_t)xo, mem + (uintptr_t)yo);                     \
    R[b + 2] += R[b + 3];                                                      \
    R[c + 2] += R[c + 3];                                                      \
    R[b + 4] -= 1u;                                                            \
    return 1;                                                                  \
  }
DOT_ONE_PAIR(dot_w_one, 4u, MUL_W)
DOT_ONE_PAIR(dot_s16_one, 2u, MUL_S16)
#define DOT_FAST(fn, sz, mul)                                                   \
  static CVM_NOINLINE uint64_t fn(uint32_t *R, uintptr_t a, uintptr_t b, uintptr_t c, \
                                  uint8_t *mem, uint32_t lim, intptr_t room, int one, \
                                  cvm_fault *fault) {                           \
    if (one || a - b < 5u || a - c < 4u || (b < c ? c - b < 5u : b - c < 4u))   \
      return fn##_one(R, a, b, c, mem, lim, fault);                            \
    uint32_t *X = R + b, *Y = R + c;                                           \
    uint64_t pairs = X[4] ? X[4] : (uint64_t)1 << 32;                           \
    uint64_t m = room < 1 ? 1u : (uint64_t)room < pairs ? (uint64_t)room : pairs; \
    uint32_t xi = X[2], xs = X[3], yi = Y[2], ys = Y[3];                       \
    int64_t xl = (int64_t)xi + (int64_t)(m - 1) * (int32_t)xs;                 \
    int64_t yl = (int64_t)yi + (int64_t)(m - 1) * (int32_t)ys;                 \
    if (xi >= X[1] || xl < 0 || xl >= (int64_t)X[1] || yi >= Y[1] || yl < 0 ||  \
        yl >= (int64_t)Y[1])                                                   \
      return fn##_one(R, a, b, c, mem, lim, fault);                            \
    uint64_t xlo, xhi, ylo, yhi;                                               \
    DOT_SPAN(xlo, xhi, X[0], xi, xl, sz);                                      \
    DOT_SPAN(ylo, yhi, Y[0], yi, yl, sz);                                      \
    uintptr_t rlo = a < b ? a : b, rhi = a > b + 4 ? a : b + 4;                \
    rlo = c < rlo ? c : rlo;                                                   \
    rhi = c + 3 > rhi ? c + 3 : rhi;                                           \
    uint64_t flo = (uint64_t)((uint8_t *)R - mem) + rlo * 4u, fhi = flo + (rhi - rlo + 1) * 4u; \
    if (xhi > lim || yhi > lim || (xhi > flo && xlo < fhi) || (yhi > flo && ylo < fhi)) \
      return fn##_one(R, a, b, c, mem, lim, fault);                            \
    const uint8_t *x = mem + (uintptr_t)((uint64_t)X[0] + (uint64_t)xi * (sz)); \
    const uint8_t *y = mem + (uintptr_t)((uint64_t)Y[0] + (uint64_t)yi * (sz)); \
    intptr_t xd = (intptr_t)(int32_t)xs * (intptr_t)(sz), yd = (intptr_t)(int32_t)ys * (intptr_t)(sz); \
    uint32_t acc = R[a];                                                       \
    for (uint64_t n = m; n; n--, x += xd, y += yd) acc += mul(x, y);           \
    R[a] = acc;                                                                \
    X[2] = xi + (uint32_t)m * xs;                                              \
    Y[2] = yi + (uint32_t)m * ys;                                              \
    X[4] = (uint32_t)(pairs - m);                                               \
    return m;                                                                  \
  }
DOT_FAST(dot_w, 4u, MUL_W)
DOT_FAST(dot_s16, 2u, MUL_S16)
#endif

cvm_status CVM_RUN_FN(CVM_RUN_ARGS) {
  if (vm->status != CVM_RUNNABLE && vm->status != CVM_SLEEPING) return (cvm_status)vm->status;
  if (!vm->verified) {
    vm->fault = CVM_FAULT_NOT_VERIFIED;
    vm->status = CVM_FAULTED;
    return CVM_FAULTED;
  }
  const cvm_prog *P = vm->prog;
  const uint32_t *const code = P->code;
  const uint32_t *pc = code + vm->pc;
  uint8_t *const mem = vm->mem;
  uint32_t *const G = (uint32_t *)(void *)mem;
  const uint8_t *const K = P->rodata;
  const uint32_t lim = vm->data_top;
  const uint8_t *const arrays = P->arrays, *const funcs = P->funcs;
  /* call records: rec is the next free one */
  uint32_t *const rec_base = (uint32_t *)(void *)(mem + lim);
  uint32_t *const rec_end = rec_base + vm->max_depth * 3u;
  uint32_t *rec = rec_base + vm->depth * 3u;
  uint32_t *R = (uint32_t *)(void *)(mem + vm->fp);
  uint32_t ap = vm->ap;
  uintptr_t start = (uintptr_t)(budget > 0x1FFFFFFFu ? 0x1FFFFFFFu : budget) * 4;
  if (start > UINTPTR_MAX - (uintptr_t)pc) start = (UINTPTR_MAX - (uintptr_t)pc) & ~(uintptr_t)3;
  uintptr_t q = (uintptr_t)pc + start;
  cvm_fault fault = CVM_FAULT_NONE;
  uintptr_t i;

  vm->status = CVM_RUNNABLE;
  vm->yielded = 0;

#if CVM_THREADED
  static const void *const disp[CVM_OP__COUNT] = {
#define X(name, ...) &&L_##name,
#include "cvm_opcodes.def"
#undef X
  };
  /* the table's address in a register, not rematerialised in each handler */
  const void *const *dt = disp;
#if !defined(__clang__) && (defined(__x86_64__) || defined(__aarch64__))
  __asm__("" : "+r"(dt));
#endif
  NEXT;
#else
  for (;;) {
    PROF_HOOK();
    i = *pc++;
    switch (CVM_I_OP(i)) {
#endif

  /* ---- moves ---- */
  VMCASE(MOV)    R[A] = R[B]; NEXT;
  VMCASE(LDI)    R[A] = (uint32_t)CVM_I_SBX(i); NEXT;
  VMCASE(LDK)    R[A] = *pc++; NEXT;
  VMCASE(LDG)    R[A] = G[BX]; NEXT;
  VMCASE(STG)    G[BX] = R[A]; NEXT;

  /* ---- arithmetic ---- */
  VMCASE(ADD)    R[A] = R[B] + R[C]; NEXT;
  VMCASE(SUB)    R[A] = R[B] - R[C]; NEXT;
  VMCASE(MUL)    R[A] = R[B] * R[C]; NEXT;
#ifdef CVM_TINY   /* division and remainder share their checks: flash before speed */
  VMCASE(DIV)
  VMCASE(MOD) {
    int32_t x = S32(R[B]), y = S32(R[C]);
    if (y == 0) FAULT(DIV_ZERO);
    if (y == -1 && x == INT32_MIN) FAULT(DIV_OVERFLOW);
    R[A] = (uint32_t)(CVM_I_OP(i) == CVM_OP_DIV ? x / y : x % y);
    NEXT;
  }
  VMCASE(DIVU)
  VMCASE(MODU) {
    if (R[C] == 0) FAULT(DIV_ZERO);
    R[A] = CVM_I_OP(i) == CVM_OP_DIVU ? R[B] / R[C] : R[B] % R[C];
    NEXT;
  }
#else
  VMCASE(DIV) {
    int32_t x = S32(R[B]), y = S32(R[C]);
    if (y == 0) FAULT(DIV_ZERO);
    if (y == -1 && x == INT32_MIN) FAULT(DIV_OVERFLOW);
    R[A] = (uint32_t)(x / y);
    NEXT;
  }
  VMCASE(DIVU) {
    if (R[C] == 0) FAULT(DIV_ZERO);
    R[A] = R[B] / R[C];
    NEXT;
  }
  VMCASE(MOD) {
    int32_t x = S32(R[B]), y = S32(R[C]);
    if (y == 0) FAULT(DIV_ZERO);
    if (y == -1 && x == INT32_MIN) FAULT(DIV_OVERFLOW);
    R[A] = (uint32_t)(x % y);
    NEXT;
  }
  VMCASE(MODU) {
    if (R[C] == 0) FAULT(DIV_ZERO);
    R[A] = R[B] % R[C];
    NEXT;
  }
#endif
  VMCASE(AND)    R[A] = R[B] & R[C]; NEXT;
  VMCASE(OR)     R[A] = R[B] | R[C]; NEXT;
  VMCASE(XOR)    R[A] = R[B] ^ R[C]; NEXT;
  VMCASE(SHL)    R[A] = R[B] << (R[C] & 31u); NEXT;
  VMCASE(SHR)    R[A] = (uint32_t)(S32(R[B]) >> (R[C] & 31u)); NEXT;
  VMCASE(SHRU)   R[A] = R[B] >> (R[C] & 31u); NEXT;
  VMCASE(ADDI)   R[A] = R[B] + (uint32_t)CVM_I_SC(i); NEXT;
  VMCASE(MULI)   R[A] = R[B] * (uint32_t)CVM_I_SC(i); NEXT;
  VMCASE(ANDI)   R[A] = R[B] & C; NEXT;
  VMCASE(ORI)    R[A] = R[B] | C; NEXT;
  VMCASE(XORI)   R[A] = R[B] ^ C; NEXT;
  VMCASE(SHLI)   R[A] = R[B] << C; NEXT;
  VMCASE(SHRI)   R[A] = (uint32_t)(S32(R[B]) >> C); NEXT;
  VMCASE(SHRUI)  R[A] = R[B] >> C; NEXT;
  VMCASE(NEG)    R[A] = 0u - R[B]; NEXT;
  VMCASE(NOT)    R[A] = ~R[B]; NEXT;
  VMCASE(LNOT)   R[A] = R[B] == 0; NEXT;
  VMCASE(SEXT8)  R[A] = (uint32_t)(int32_t)(int8_t)(uint8_t)R[B]; NEXT;
  VMCASE(ZEXT8)  R[A] = R[B] & 0xFFu; NEXT;
  VMCASE(SEXT16) R[A] = (uint32_t)(int32_t)(int16_t)(uint16_t)R[B]; NEXT;
  VMCASE(ZEXT16) R[A] = R[B] & 0xFFFFu; NEXT;
  VMCASE(MLA)    R[A] += R[B] * R[C]; NEXT;

  /* ---- comparisons ---- */
  VMCASE(EQ)     R[A] = R[B] == R[C]; NEXT;
  VMCASE(NE)     R[A] = R[B] != R[C]; NEXT;
  VMCASE(LT)     R[A] = S32(R[B]) < S32(R[C]); NEXT;
  VMCASE(LE)     R[A] = S32(R[B]) <= S32(R[C]); NEXT;
  VMCASE(LTU)    R[A] = R[B] < R[C]; NEXT;
  VMCASE(LEU)    R[A] = R[B] <= R[C]; NEXT;
  VMCASE(EQI)    R[A] = S32(R[B]) == CVM_I_SC(i); NEXT;
  VMCASE(NEI)    R[A] = S32(R[B]) != CVM_I_SC(i); NEXT;
  VMCASE(LTI)    R[A] = S32(R[B]) < CVM_I_SC(i); NEXT;
  VMCASE(LEI)    R[A] = S32(R[B]) <= CVM_I_SC(i); NEXT;
  VMCASE(GTI)    R[A] = S32(R[B]) > CVM_I_SC(i); NEXT;
  VMCASE(GEI)    R[A] = S32(R[B]) >= CVM_I_SC(i); NEXT;

  /* ---- control ---- */
  VMCASE(JMP)    JUMPBY(CVM_I_SJ(i)); NEXT;
  VMCASE(JZ)     if (R[A] == 0) JUMPBY(CVM_I_SBX(i)); NEXT;
  VMCASE(JNZ)    if (R[A] != 0) JUMPBY(CVM_I_SBX(i)); NEXT;
  VMCASE(JEQ)    if (R[A] == R[B]) JUMPBY(SCJ); NEXT;
  VMCASE(JNE)    if (R[A] != R[B]) JUMPBY(SCJ); NEXT;
  VMCASE(JLT)    if (S32(R[A]) < S32(R[B])) JUMPBY(SCJ); NEXT;
  VMCASE(JLE)    if (S32(R[A]) <= S32(R[B])) JUMPBY(SCJ); NEXT;
  VMCASE(JLTU)   if (R[A] < R[B]) JUMPBY(SCJ); NEXT;
  VMCASE(JLEU)   if (R[A] <= R[B]) JUMPBY(SCJ); NEXT;
  VMCASE(JEQI)   if (S32(R[A]) == SB) JUMPBY(SCJ); NEXT;
  VMCASE(JNEI)   if (S32(R[A]) != SB) JUMPBY(SCJ); NEXT;
  VMCASE(JLTI)   if (S32(R[A]) < SB) JUMPBY(SCJ); NEXT;
  VMCASE(JLEI)   if (S32(R[A]) <= SB) JUMPBY(SCJ); NEXT;
  VMCASE(JGTI)   if (S32(R[A]) > SB) JUMPBY(SCJ); NEXT;
  VMCASE(JGEI)   if (S32(R[A]) >= SB) JUMPBY(SCJ); NEXT;
  VMCASE(SWITCH) {
    uint32_t n = BX, v = R[A];
    JUMPBY((intptr_t)n + 1 + (int32_t)pc[v < n ? v : n]);
    NEXT;
  }
  VMCASE(CALL) {
    const uint8_t *fe = funcs + BX * CVM_FUNC_SIZE;
    uint32_t *nR = R + A;
    uint32_t nfp = (uint32_t)((uint8_t *)nR - mem);
    uint32_t arr = cvm_rd16(fe + 6);
    if (rec == rec_end || ap - nfp < fe[5] * 4u + arr) FAULT(STACK);
    rec[0] = (uint32_t)((const uint8_t *)pc - (const uint8_t *)code);   /* bytes */
    rec[1] = (uint32_t)((uint8_t *)R - mem);
    rec[2] = ap;
    rec += 3;
    ap -= arr;
    R = nR;
    JUMP(code + cvm_rd32(fe));
    NEXT;
  }
  VMCASE(RET) {
    uint32_t v = R[A];
    if (rec == rec_base) { vm->result = S32(v); goto done; }
    R[0] = v;
    goto ret;
  }
  VMCASE(RET0) {
    if (rec == rec_base) { vm->result = 0; goto done; }
    R[0] = 0;
  ret: {
      rec -= 3;
      R = (uint32_t *)(void *)(mem + rec[1]);
      ap = rec[2];
      /* no budget check: returning cannot loop without a CALL, which checks */
      const uint32_t *t = (const uint32_t *)(const void *)((const uint8_t *)code + rec[0]);
      q += (uintptr_t)((const uint8_t *)t - (const uint8_t *)pc);
      pc = t;
      NEXT;
    }
  }
  VMCASE(SYS) {
    vm->pc = (uint32_t)(pc - code);
    vm->fp = (uint32_t)((uint8_t *)R - mem);
    vm->ap = ap;
    fault = cvm_host_call(vm, B, (int32_t *)(void *)&R[A], C);
    if (fault != CVM_FAULT_NONE) goto faulted;
    if (vm->status == CVM_SLEEPING || vm->yielded || LEFT() <= 0) goto stop;
    NEXT;
  }
  VMCASE(CHK)    if (R[A] >= BX) FAULT(OOB); NEXT;
#ifdef CVM_TINY   /* the signed loop closers share one handler */
  VMCASE(INCNE) {
    uint32_t v = R[A] + 1u;
    R[A] = v;
    if (v != R[B]) JUMPBY(SCJ);
    NEXT;
  }
  VMCASE(INCLT)
  VMCASE(ADDLT)
  VMCASE(INCLTI) {
    uint32_t op = CVM_I_OP(i), v = R[A] + (op == CVM_OP_ADDLT ? R[B] : 1u);
    R[A] = v;
    int32_t lim = op == CVM_OP_INCLTI ? SB : S32(R[B + (op == CVM_OP_ADDLT)]);
    if (S32(v) < lim) JUMPBY(SCJ);
    NEXT;
  }
#else
  VMCASE(INCLT) {
    uint32_t v = R[A] + 1u;
    R[A] = v;
    if (S32(v) < S32(R[B])) JUMPBY(SCJ);
    NEXT;
  }
  VMCASE(INCNE) {
    uint32_t v = R[A] + 1u;
    R[A] = v;
    if (v != R[B]) JUMPBY(SCJ);
    NEXT;
  }
  VMCASE(ADDLT) {
    uint32_t v = R[A] + R[B];
    R[A] = v;
    if (S32(v) < S32(R[B + 1])) JUMPBY(SCJ);
    NEXT;
  }
  VMCASE(INCLTI) {
    uint32_t v = R[A] + 1u;
    R[A] = v;
    if (S32(v) < SB) JUMPBY(SCJ);
    NEXT;
  }

#endif

  /* ---- arrays: static entries ---- */
#define LD_STATIC(name, basexpr, load)                                    \
  VMCASE(name) {                                                          \
    const uint8_t *e = AENT(C);                                           \
    uintptr_t idx = R[B];                                                 \
    ACHK(e, idx);                                                         \
    R[A] = load;                                                          \
    NEXT;                                                                 \
  }
#define GB (mem + cvm_rd32(e))
#define LB (mem + ap + cvm_rd32(e))
#define KB (K + cvm_rd32(e))
  LD_STATIC(LDGS8,  GB, (uint32_t)(int32_t)(int8_t)GB[idx])
  LD_STATIC(LDGU8,  GB, GB[idx])
  LD_STATIC(LDGS16, GB, (uint32_t)(int32_t)(int16_t)ld16(GB + idx * 2))
  LD_STATIC(LDGU16, GB, ld16(GB + idx * 2))
  LD_STATIC(LDG32,  GB, ld32(GB + idx * 4))
  LD_STATIC(LDLS8,  LB, (uint32_t)(int32_t)(int8_t)LB[idx])
  LD_STATIC(LDLU8,  LB, LB[idx])
  LD_STATIC(LDLS16, LB, (uint32_t)(int32_t)(int16_t)ld16(LB + idx * 2))
  LD_STATIC(LDLU16, LB, ld16(LB + idx * 2))
  LD_STATIC(LDL32,  LB, ld32(LB + idx * 4))
  LD_STATIC(LDRS8,  KB, (uint32_t)(int32_t)(int8_t)KB[idx])
  LD_STATIC(LDRU8,  KB, KB[idx])
  LD_STATIC(LDRS16, KB, (uint32_t)(int32_t)(int16_t)ld16(KB + idx * 2))
  LD_STATIC(LDRU16, KB, ld16(KB + idx * 2))
  LD_STATIC(LDR32,  KB, ld32(KB + idx * 4))
#define ST_STATIC(name, store)                                            \
  VMCASE(name) {                                                          \
    const uint8_t *e = AENT(C);                                           \
    uintptr_t idx = R[B];                                                 \
    ACHK(e, idx);                                                         \
    store;                                                                \
    NEXT;                                                                 \
  }
  ST_STATIC(STG8,  GB[idx] = (uint8_t)R[A])
  ST_STATIC(STG16, st16(GB + idx * 2, R[A]))
  ST_STATIC(STG32, st32(GB + idx * 4, R[A]))
  ST_STATIC(STL8,  LB[idx] = (uint8_t)R[A])
  ST_STATIC(STL16, st16(LB + idx * 2, R[A]))
  ST_STATIC(STL32, st32(LB + idx * 4, R[A]))
#undef GB
#undef LB
#undef KB

  /* ---- arrays: through descriptors ---- */
#define LD_DESC(name, sz, sh, load)                                       \
  VMCASE(name) {                                                          \
    uint8_t *ad;                                                          \
    PADDR(ad, sz, sh);                                                    \
    R[A] = load;                                                          \
    NEXT;                                                                 \
  }
  LD_DESC(LDPS8,  1, 0, (uint32_t)(int32_t)(int8_t)*ad)
  LD_DESC(LDPU8,  1, 0, *ad)
  LD_DESC(LDPS16, 2, 1, (uint32_t)(int32_t)(int16_t)ld16(ad))
  LD_DESC(LDPU16, 2, 1, ld16(ad))
  LD_DESC(LDP32,  4, 2, ld32(ad))
#define ST_DESC(name, sz, sh, store)                                      \
  VMCASE(name) {                                                          \
    uint8_t *ad;                                                          \
    PADDR(ad, sz, sh);                                                    \
    store;                                                                \
    NEXT;                                                                 \
  }
  ST_DESC(STP8,  1, 0, *ad = (uint8_t)R[A])
  ST_DESC(STP16, 2, 1, st16(ad, R[A]))
  ST_DESC(STP32, 4, 2, st32(ad, R[A]))

  /* multiply-accumulate of two elements, each through a register triple;
  ** DOTP: one such step of a dot product, then the indexes move by their
  ** steps and the loop goes back to the same instruction until the count
  ** in R[B+4] runs out. Each backward jump costs a word of budget, so a
  ** long product is preempted like the loop it stands for, and resumes
  ** from its registers. */
#ifdef CVM_TINY   /* one handler for all four: flash before speed */
  VMCASE(MACP)
  VMCASE(MACPS16)
  VMCASE(DOTP)
  VMCASE(DOTPS16) {
    uint32_t op = CVM_I_OP(pc[-1]);
    uint32_t h = op == CVM_OP_MACPS16 || op == CVM_OP_DOTPS16, sz = 4u >> h;
    uint8_t *x, *y;
    PADDRX(x, B, B + 2, sz, 2 - h);
    PADDRX(y, C, C + 2, sz, 2 - h);
    R[A] += h ? (uint32_t)((int32_t)(int16_t)ld16(x) * (int32_t)(int16_t)ld16(y))
              : ld32(x) * ld32(y);
    if (op == CVM_OP_DOTP || op == CVM_OP_DOTPS16) {
      R[B + 2] += R[B + 3];
      R[C + 2] += R[C + 3];
      if (--R[B + 4]) JUMPBY(-1);
    }
    NEXT;
  }
#else
#ifdef CVM_PROFILE
#define DOT_ONE 1         /* profiles count each pair, as the steps do */
#else
#define DOT_ONE 0
#endif
  /* DOTP on a host: dot_w/dot_s16 run as many pairs as they safely can */
#define DOT_HANDLER(name, fn)                                                   \
  VMCASE(name) {                                                               \
    cvm_fault f_ = CVM_FAULT_NONE;                                             \
    uint64_t k_ = fn(R, A, B, C, mem, lim, (intptr_t)(q - (uintptr_t)(pc - 1)) / 4, DOT_ONE, &f_); \
    if (!k_) { fault = f_; goto faulted; }                                     \
    q -= (uintptr_t)(k_ - 1) * 4u;         /* the pairs' backward jumps but one */ \
    if (R[B + 4]) JUMPBY(-1);              /* ... and that one, or fall through */ \
    NEXT;                                                                      \
  }
  DOT_HANDLER(DOTP, dot_w)
  DOT_HANDLER(DOTPS16, dot_s16)
  VMCASE(MACP) {
    uint8_t *x, *y;
    PADDRX(x, B, B + 2, 4, 2);
    PADDRX(y, C, C + 2, 4, 2);
    R[A] += ld32(x) * ld32(y);
    NEXT;
  }
  VMCASE(MACPS16) {
    uint8_t *x, *y;
    PADDRX(x, B, B + 2, 2, 1);
    PADDRX(y, C, C + 2, 2, 1);
    R[A] += (uint32_t)((int32_t)(int16_t)ld16(x) * (int32_t)(int16_t)ld16(y));
    NEXT;
  }
#endif
  VMCASE(MKARR) {
    const uint8_t *e = AENT(BX);
    uint32_t base = cvm_rd32(e), sp = e[9];
    R[A] = sp == CVM_SP_L ? ap + base : sp == CVM_SP_R ? (base | CVM_DESC_RODATA) : base;
    R[A + 1] = cvm_rd32(e + 4);
    NEXT;
  }
  VMCASE(AINIT) {
    const uint8_t *d = AENT(A);
    uint8_t *dst = mem + ap + cvm_rd32(d);
    uint32_t n = cvm_rd32(d + 4) * d[8], m = 0;
    if (BX != CVM_AINIT_ZERO) {
      const uint8_t *s = AENT(BX);
      m = cvm_rd32(s + 4) * s[8];
      if (m > n) m = n;
      __builtin_memcpy(dst, K + cvm_rd32(s), m);
    }
    __builtin_memset(dst + m, 0, n - m);
    NEXT;
  }

#if !CVM_THREADED
    }  /* switch */
  }    /* for */
#endif

done:
  rec = rec_base;               /* depth 0 */
  vm->status = CVM_DONE;
  goto out;

faulted:
  /* every faulting instruction is one word long: it is at pc - 1 */
  vm->fault = (uint8_t)fault;
  vm->fault_pc = (uint32_t)(pc - 1 - code);
  vm->status = CVM_FAULTED;
  goto out;

stop:
  vm->pc = (uint32_t)(pc - code);
  vm->fp = (uint32_t)((uint8_t *)R - mem);
  vm->ap = ap;
  if (vm->status != CVM_SLEEPING) vm->status = CVM_RUNNABLE;
out:
  vm->depth = (uint32_t)(rec - rec_base) / 3u;
  vm->steps += (uint64_t)((intptr_t)start - LEFT()) / 4u;
  return (cvm_status)vm->status;
}
