/*
** cvm.h -- the CockpitVM virtual machine: instruction set, Host ABI tables,
** program view, load-time verifier and interpreter.
**
** Freestanding C11: no heap, no stdio. A program (cvm_prog) is a set of
** read-only views into an artifact that stays where it is (flash or a file
** buffer); a VM instance (cvm_vm) is a small struct plus one contiguous,
** host-granted memory region.
**
** Memory of an instance (byte offsets, all multiples of 4):
**   [0, globals_size)            globals (initialised from the data image)
**   [globals_size, ... )         register frames, growing up
**   [ ... , data_top)            frame arrays, growing down
**   [data_top, mem_size)         call records (12 bytes each), not
**                                addressable by any guest instruction
*/
#ifndef CVM_H
#define CVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "CockpitVM executes little-endian bytecode in place: little-endian hosts only"
#endif

/* ---- instruction set (isa/cvm_opcodes.def) ----------------------------- */

typedef enum cvm_op {
#define X(name, ...) CVM_OP_##name,
#include "cvm_opcodes.def"
#undef X
  CVM_OP__COUNT
} cvm_op;

typedef enum cvm_fmt {
  CVM_FMT_ABC, CVM_FMT_ABX, CVM_FMT_AXK, CVM_FMT_SJ, CVM_FMT_SW
} cvm_fmt;

typedef enum cvm_kind {
  CVM_K_N, CVM_K_RW, CVM_K_RR, CVM_K_RP, CVM_K_WP, CVM_K_RA,
  CVM_K_I8, CVM_K_I16, CVM_K_U8, CVM_K_U16, CVM_K_SH, CVM_K_K32,
  CVM_K_GW, CVM_K_KA, CVM_K_KX, CVM_K_FN, CVM_K_HC, CVM_K_NA,
  CVM_K_J8, CVM_K_J16, CVM_K_J24, CVM_K_RT, CVM_K_RY, CVM_K_RX,   /* groups of 3, 4, 5 */
  CVM_K__COUNT
} cvm_kind;

/* Array spaces: where an array table entry (or an access opcode) lives. */
typedef enum cvm_space {
  CVM_SP__ = 0,  /* not an array access */
  CVM_SP_G = 1,  /* globals: base is an absolute memory offset */
  CVM_SP_L = 2,  /* frame arrays: base is relative to the frame's array base */
  CVM_SP_R = 3,  /* read-only data of the artifact */
  CVM_SP_P = 4   /* through a run-time descriptor (opcodes only) */
} cvm_space;

/* Device builds define CVM_TINY: tables keep only what the verifier and
** interpreter need; names and documentation strings are host-only. */
typedef struct cvm_opinfo {
  uint8_t fmt, ka, kb, kc;    /* cvm_fmt, cvm_kind x3 */
  uint8_t space, size, sgn;   /* array accesses only */
#ifndef CVM_TINY
  const char *name, *effect, *desc;
#endif
} cvm_opinfo;

extern const cvm_opinfo cvm_opinfo_table[CVM_OP__COUNT];
extern const char *const cvm_fmt_names[];
extern const char *const cvm_kind_names[];

/* Instruction fields. Signed fields rely on arithmetic right shift. */
#define CVM_I_OP(i)   ((uint32_t)(i) & 0xFFu)
#define CVM_I_A(i)    (((uint32_t)(i) >> 8) & 0xFFu)
#define CVM_I_B(i)    (((uint32_t)(i) >> 16) & 0xFFu)
#define CVM_I_C(i)    ((uint32_t)(i) >> 24)
#define CVM_I_BX(i)   ((uint32_t)(i) >> 16)
#define CVM_I_SB(i)   ((int32_t)((uint32_t)(i) << 8) >> 24)
#define CVM_I_SC(i)   ((int32_t)(i) >> 24)
#define CVM_I_SBX(i)  ((int32_t)(i) >> 16)
#define CVM_I_SJ(i)   ((int32_t)(i) >> 8)

#define CVM_ENC_ABC(op, a, b, c) \
  ((uint32_t)(op) | ((uint32_t)(a) & 0xFFu) << 8 | ((uint32_t)(b) & 0xFFu) << 16 | \
   ((uint32_t)(c) & 0xFFu) << 24)
#define CVM_ENC_ABX(op, a, bx) \
  ((uint32_t)(op) | ((uint32_t)(a) & 0xFFu) << 8 | ((uint32_t)(bx) & 0xFFFFu) << 16)
#define CVM_ENC_SJ(op, sj) ((uint32_t)(op) | ((uint32_t)(sj) & 0xFFFFFFu) << 8)

/* Number of words an instruction occupies, given its first word (and, for
** SWITCH, its Bx). Unknown opcodes count as one word. */
uint32_t cvm_insn_words(uint32_t insn);

/* ---- Host ABI (isa/cvm_hostabi.def) ------------------------------------ */

#define CVM_ABI_VERSION 0x0101u   /* major 1, minor 1: telemetry() */

typedef enum cvm_cap {
  CVM_CAP_GPIO, CVM_CAP_ANALOG, CVM_CAP_TIME, CVM_CAP_LOG, CVM_CAP_UART,
  CVM_CAP_I2C, CVM_CAP_SPI, CVM_CAP_SYS, CVM_CAP_EVENT,
  CVM_CAP__COUNT
} cvm_cap;
#define CVM_CAPBIT(c) (1u << (c))
#define CVM_CAPS_ALL  ((1u << CVM_CAP__COUNT) - 1u)
extern const char *const cvm_cap_names[CVM_CAP__COUNT];

typedef enum cvm_hcid {
#define X(id, name, ...) CVM_HC_##name = id,
#include "cvm_hostabi.def"
#undef X
  CVM_HC__MAX = 0xFF
} cvm_hcid;

typedef struct cvm_hcinfo {
  uint8_t id, cap;
  char ret;                /* 'v', 'i' or 'u' */
  const char *sig;
#ifndef CVM_TINY
  const char *name, *params, *desc;
#endif
} cvm_hcinfo;

extern const cvm_hcinfo cvm_hc_table[];
extern const unsigned cvm_hc_count;
const cvm_hcinfo *cvm_hc_find(uint32_t id);   /* NULL if no such call */
/* Register slots the fixed part of a signature takes; *variadic set if '.' */
uint32_t cvm_hc_slots(const cvm_hcinfo *hc, bool *variadic);

uint32_t cvm_abi_hash(void);   /* FNV-1a 32 over the Host ABI table text */
uint32_t cvm_isa_hash(void);   /* FNV-1a 32 over the opcode table text */

/* ---- program: read-only views into an artifact ------------------------- */

/* Function table entry, CVM_FUNC_SIZE bytes, little-endian:
**   u32 entry (word index), u8 nparams, u8 nslots, u16 arrbytes (frame
**   array bytes, multiple of 4). Function i spans [entry_i, entry_{i+1}). */
#define CVM_FUNC_SIZE 8u
/* Array table entry, CVM_ARRAY_SIZE bytes, little-endian:
**   u32 base (bytes), u32 count (elements), u8 esize (1, 2, 4),
**   u8 space (cvm_space G/L/R), u16 inner (inner dimension, 0 if 1-D). */
#define CVM_ARRAY_SIZE 12u
/* Line table entry, CVM_LINE_SIZE bytes: u32 pc (word), u32 line. Sorted. */
#define CVM_LINE_SIZE 8u
/* A call record on the call stack: return pc, caller fp, caller ap. */
#define CVM_CALL_RECORD 12u
#define CVM_NO_ENTRY 0xFFFFu
/* Descriptor base tag for read-only data (host calls only) */
#define CVM_DESC_RODATA 0x80000000u
#define CVM_AINIT_ZERO 0xFFFFu

typedef struct cvm_prog {
  const uint32_t *code;  uint32_t ncode;       /* words, 4-byte aligned */
  const uint8_t *funcs;  uint32_t nfuncs;
  const uint8_t *arrays; uint32_t narrays;
  const uint8_t *rodata; uint32_t rodata_size;
  const uint8_t *data;   uint32_t data_size;   /* initial globals */
  uint32_t globals_size;                       /* bytes, >= data_size */
  uint32_t mem_size;                           /* memory the program asks for */
  uint32_t max_depth;                          /* call records reserved */
  uint32_t caps;                               /* capability groups used */
  uint16_t entry_main, entry_setup, entry_loop;
  /* optional debug information (may be NULL / 0) */
  const uint8_t *lines;  uint32_t nlines;
  const char *names;     uint32_t names_size;  /* NUL-separated: file, funcs */
} cvm_prog;

/* Little-endian field readers for the tables above. */
static inline uint32_t cvm_rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static inline uint32_t cvm_rd32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
#define CVM_FUNC_ENTRY(p, f)    cvm_rd32((p)->funcs + (f) * CVM_FUNC_SIZE)
#define CVM_FUNC_NPARAMS(p, f)  ((p)->funcs[(f) * CVM_FUNC_SIZE + 4])
#define CVM_FUNC_NSLOTS(p, f)   ((p)->funcs[(f) * CVM_FUNC_SIZE + 5])
#define CVM_FUNC_ARRBYTES(p, f) cvm_rd16((p)->funcs + (f) * CVM_FUNC_SIZE + 6)
#define CVM_ARR_BASE(p, k)      cvm_rd32((p)->arrays + (k) * CVM_ARRAY_SIZE)
#define CVM_ARR_COUNT(p, k)     cvm_rd32((p)->arrays + (k) * CVM_ARRAY_SIZE + 4)
#define CVM_ARR_ESIZE(p, k)     ((p)->arrays[(k) * CVM_ARRAY_SIZE + 8])
#define CVM_ARR_SPACE(p, k)     ((p)->arrays[(k) * CVM_ARRAY_SIZE + 9])
#define CVM_ARR_INNER(p, k)     cvm_rd16((p)->arrays + (k) * CVM_ARRAY_SIZE + 10)

/* Debug lookups; return false when the program carries no such data. */
bool cvm_line_for_pc(const cvm_prog *p, uint32_t pc, uint32_t *line);
const char *cvm_source_name(const cvm_prog *p);          /* or NULL */
const char *cvm_func_name(const cvm_prog *p, uint32_t f); /* or NULL */
uint32_t cvm_func_of_pc(const cvm_prog *p, uint32_t pc);  /* nfuncs if none */

/* ---- verifier ---------------------------------------------------------- */

#define CVM_VERRORS(X) \
  X(OK,               "ok") \
  X(PROG,             "malformed program: missing or misaligned section") \
  X(NO_CODE,          "program has no code or no functions") \
  X(FUNC_TABLE,       "function entries are not increasing from 0 or lie outside the code") \
  X(FUNC_FRAME,       "function frame is invalid (no slots, or fewer slots than parameters)") \
  X(BAD_OPCODE,       "unknown opcode") \
  X(NONZERO_FIELD,    "unused instruction field is not zero") \
  X(TRUNCATED,        "instruction runs past the end of its function") \
  X(REG_RANGE,        "register operand outside the function's frame (stack underflow/overflow)") \
  X(SHIFT_RANGE,      "constant shift count above 31") \
  X(JUMP_RANGE,       "jump target outside its function") \
  X(JUMP_MISALIGNED,  "jump target is not an instruction boundary") \
  X(GLOBAL_RANGE,     "global word outside the globals area") \
  X(ARRAY_INDEX,      "array table index out of range") \
  X(ARRAY_SPACE,      "array entry does not match the access (global, frame or read-only)") \
  X(ARRAY_RANGE,      "array entry exceeds its memory area") \
  X(FUNC_INDEX,       "call to a function that does not exist") \
  X(CALL_ARGS,        "call arguments do not fit in the caller's frame") \
  X(HOSTCALL_UNKNOWN, "host call not in this device's ABI") \
  X(HOSTCALL_ARGS,    "host call with the wrong number of argument slots") \
  X(CAP_UNDECLARED,   "host call in a capability group the program does not declare") \
  X(CAP_DENIED,       "host call in a capability group the host does not grant") \
  X(FALLTHROUGH,      "function can run off its end (last instruction must jump or return)") \
  X(ENTRY,            "no valid entry point (main, or setup and loop, taking no parameters)") \
  X(MEMORY,           "memory layout is inconsistent (globals, data image, call records)") \
  X(STACK,            "statically known stack need exceeds the program's memory") \
  X(SCRATCH,          "verifier scratch area too small")

typedef enum cvm_verr {
#define X(name, msg) CVM_VERR_##name,
  CVM_VERRORS(X)
#undef X
  CVM_VERR__COUNT
} cvm_verr;

typedef struct cvm_vinfo {
  uint32_t pc;          /* where the first error was found (word index) */
  uint32_t func;        /* function of that pc */
  uint32_t max_stack;   /* bytes of frames + frame arrays on the deepest path */
  uint32_t max_depth;   /* deepest call chain (call records) */
  bool recursive;       /* call graph has a cycle: depth known only at run time */
  bool ok;              /* set only by a successful cvm_verify */
} cvm_vinfo;

const char *cvm_verr_str(cvm_verr e);
const char *cvm_verr_name(cvm_verr e);

/* Scratch bytes cvm_verify needs for a program: one bit per code word plus
** 8 bytes per function. A device passes the VM memory it is about to grant. */
uint32_t cvm_verify_scratch_size(const cvm_prog *p);
cvm_verr cvm_verify(const cvm_prog *p, uint32_t granted_caps, void *scratch,
                    uint32_t scratch_size, cvm_vinfo *info);

/* ---- faults and execution ---------------------------------------------- */

#define CVM_FAULTS(X) \
  X(NONE,       "no fault") \
  X(OOB,        "array index out of bounds") \
  X(MEMORY,     "access outside the program's memory") \
  X(DIV_ZERO,   "division by zero") \
  X(DIV_OVERFLOW, "integer overflow in division (INT_MIN / -1)") \
  X(STACK,      "stack overflow") \
  X(HOST_ARG,   "bad host-call argument") \
  X(HOST,       "host call failed") \
  X(BUDGET,     "step budget exhausted") \
  X(NOT_VERIFIED, "program was not verified")

typedef enum cvm_fault {
#define X(name, msg) CVM_FAULT_##name,
  CVM_FAULTS(X)
#undef X
  CVM_FAULT__COUNT
} cvm_fault;

const char *cvm_fault_str(cvm_fault f);
const char *cvm_fault_name(cvm_fault f);

typedef enum cvm_status {
  CVM_IDLE,       /* no call in progress: cvm_call() starts one */
  CVM_RUNNABLE,   /* budget used up or yielded: cvm_run() continues */
  CVM_SLEEPING,   /* waiting until wake_us: cvm_run() continues after it */
  CVM_DONE,       /* the call returned; result holds its value */
  CVM_FAULTED     /* stopped for good; fault and fault_pc say why */
} cvm_status;

typedef struct cvm_vm {
  const cvm_prog *prog;
  uint8_t *mem;           /* 4-byte aligned */
  uint32_t mem_size;
  uint32_t data_top;      /* start of the call-record area */
  uint32_t pc;            /* word index of the next instruction */
  uint32_t fp, ap;        /* frame base, frame-array base (bytes) */
  uint32_t depth;         /* call records in use */
  uint32_t max_depth;     /* call records that fit */
  uint32_t caps;          /* granted capability groups */
  int32_t result;         /* value of the finished call */
  uint8_t status;         /* cvm_status */
  uint8_t fault;          /* cvm_fault */
  uint8_t yielded;        /* last stop was a yield() */
  uint8_t verified;
  uint32_t fault_pc;
  uint64_t wake_us;       /* CVM_SLEEPING: hal time to resume at */
  uint64_t steps;         /* instruction words executed, all calls */
  void *user;             /* host's own pointer */
} cvm_vm;
/* The per-instance budget: everything else is the guest's own memory. */
_Static_assert(sizeof(cvm_vm) <= 128, "cvm_vm must stay within 128 bytes");

/* Bind an instance to a verified program and a memory region. Clears memory
** and copies the data image into the globals. Returns CVM_VERR_OK, or
** CVM_VERR_MEMORY when mem_size is smaller than the program asks for. */
cvm_verr cvm_init(cvm_vm *vm, const cvm_prog *p, const cvm_vinfo *verified,
                  void *mem, uint32_t mem_size, uint32_t granted_caps);
/* Start a call of function f (taking no parameters) at the top level. */
bool cvm_call(cvm_vm *vm, uint32_t f);
/* Run for at most `budget` instruction words, or until the call returns,
** faults, sleeps or yields. Budget is checked at backward jumps, calls and
** host calls, so a run may exceed it by one straight-line stretch. */
cvm_status cvm_run(cvm_vm *vm, uint32_t budget);

/* Profiling (host builds): like cvm_run, but counts each executed
** instruction by pc (pc_counts: ncode entries) and, if pair_counts is not
** NULL, each dynamic opcode pair (CVM_OP__COUNT squared entries, indexed
** [previous * CVM_OP__COUNT + next]). The caller zeroes the arrays. */
typedef struct cvm_profile {
  uint32_t *pc_counts;
  uint32_t *pair_counts;
  uint32_t last_op;
} cvm_profile;
cvm_status cvm_run_profile(cvm_vm *vm, uint32_t budget, cvm_profile *prof);

/* Host-call dispatch (cvm_host.c). args points at R[A]; nslots is C. The
** result goes to args[0]. Returns CVM_FAULT_NONE or the fault to raise. A
** call may put the VM to sleep (vm->wake_us, status CVM_SLEEPING) or yield. */
cvm_fault cvm_host_call(cvm_vm *vm, uint32_t id, int32_t *args, uint32_t nslots);

/* Resolve a descriptor (base, count) for a host call: returns a pointer to
** count*esize readable bytes in memory or read-only data, or NULL. */
const uint8_t *cvm_desc_read(const cvm_vm *vm, int32_t base, int32_t count,
                             uint32_t esize, uint32_t *nbytes);
uint8_t *cvm_desc_write(const cvm_vm *vm, int32_t base, int32_t count,
                        uint32_t esize, uint32_t *nbytes);
/* Forget host-call state shared by all instances (random()'s generator, so
** it is seeded again from hal_random_seed()). Hosts call it before a run. */
void cvm_host_reset(void);
/* Mark an I2C address as the host's (own) or give it back: the guest's
** i2c_* calls to it return HAL_EOWNED (-9) without touching the bus. */
void cvm_host_own_i2c(uint8_t addr, bool own);

#endif /* CVM_H */
