/*
** mps2_bench.c -- the measuring firmware (cockpit-bench, placed where the
** hypervisor goes): counts Cortex-M4 instructions of
**   - Fletcher-32 over 360 bytes, native (tests/sil/bench/fletcher32.c
**     built with -DCOCKPIT_NATIVE, -Os like all firmware) and in the VM
**     (the same source as the guest in bank A: its bench() function, one
**     cvm_call and cvm_run to completion per call);
**   - checking the artifact in bank A as the bootloader does: SHA-256 of
**     its image, the Ed25519 signature, the whole cvm1_check.
**
** Counting: under `cockpit sil` QEMU runs with -icount shift=3, so every
** guest instruction advances virtual time by exactly 8 ns; SysTick counts
** the 25 MHz clock (40 ns) free-running with its interrupt off, so one
** tick is exactly 5 instructions and a reading is exact to the
** instruction that reads it. Workloads are repeated and the cost of the
** empty measuring loop is subtracted. Results go to the console, one line
** each: `NAME insns N.N per call (R calls, T ticks)`.
*/
#include "cm.h"
#include "ed25519.h"
#include "hal.h"
#include "hv.h"
#include "hv_sil.h"
#include "mps2.h"
#include "sha256.h"

#define INSNS_PER_TICK 5u    /* 40 ns ticks / 8 ns instructions */
#define VM_MEM_SIZE (24u * 1024u)
static uint32_t vm_mem[VM_MEM_SIZE / 4u];

/* The native kernel (fletcher32.c) */
void bench_init(void);
uint32_t bench(void);

void hv_port_report(const char *s, uint32_t n) { cm_semi_write(CM_SEMI_STDERR, s, n); }
void hv_port_wait_until(uint64_t us) { (void)us; }
void hv_port_service(void) {}

void port_crash(uint32_t pc, uint32_t exc) {
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-hv: crash exception ");
  hv_line_u64(&l, exc);
  hv_line_str(&l, " pc ");
  hv_line_u64(&l, pc);
  hv_line_end(&l);
  cm_semi_exit(HV_STATUS_ERROR);
}

static void say(const char *s) {
  uint32_t n = 0;
  while (s[n]) n++;
  hal_console_write(s, n);
}

static void print_line(const hv_line *l) { hal_console_write(l->buf, l->n); }

/* ---- the clock ---------------------------------------------------------------- */

static void clock_start(void) {
  CM_REG(CM_SYST_CSR) = 0;
  CM_REG(CM_SYST_RVR) = 0xFFFFFFu;
  CM_REG(CM_SYST_CVR) = 0;
  CM_REG(CM_SYST_CSR) = 5u;        /* core clock, enabled, no interrupt */
}

static uint32_t now(void) { return CM_REG(CM_SYST_CVR); }
static uint32_t since(uint32_t t0) { return (t0 - now()) & 0xFFFFFFu; }   /* counts down */

/* ---- workloads ------------------------------------------------------------------ */

typedef void (*work_fn)(void *ctx);

__attribute__((noinline)) static void work_empty(void *ctx) { __asm__ volatile("" ::"r"(ctx)); }
static uint32_t native_result;
static void work_native(void *ctx) { (void)ctx; native_result = bench(); }

typedef struct vm_ctx {
  cvm_vm vm;
  uint32_t f;
  bool ok;
} vm_ctx;

static void work_vm(void *ctx) {
  vm_ctx *v = ctx;
  if (!cvm_call(&v->vm, v->f)) { v->ok = false; return; }
  while (cvm_run(&v->vm, 0xFFFFFFFFu) == CVM_RUNNABLE) {}
  if (v->vm.status != CVM_DONE) v->ok = false;
}

static uint32_t measure(work_fn fn, void *ctx, uint32_t reps) {
  uint32_t t0 = now();
  for (uint32_t i = 0; i < reps; i++) fn(ctx);
  return since(t0);
}

/* "NAME insns X.X per call (R calls, T ticks)" after subtracting the
** empty loop's ticks for as many calls. */
static void report(const char *name, uint32_t ticks, uint32_t base, uint32_t reps) {
  uint64_t insns10 = (uint64_t)(ticks > base ? ticks - base : 0) * INSNS_PER_TICK * 10u / reps;
  hv_line l = { .n = 0 };
  hv_line_str(&l, name);
  hv_line_str(&l, " insns ");
  hv_line_u64(&l, insns10 / 10u);
  hv_line_str(&l, ".");
  hv_line_u64(&l, insns10 % 10u);
  hv_line_str(&l, " per call (");
  hv_line_u64(&l, reps);
  hv_line_str(&l, " calls, ");
  hv_line_u64(&l, ticks);
  hv_line_str(&l, " ticks)\n");
  print_line(&l);
}

static void fail(const char *why) {
  say("bench: ");
  say(why);
  say("\n");
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-hv: exit 1 steps 0 us 0");
  hv_line_end(&l);
  cm_semi_exit(1);
}

/* Function index by name (the artifact keeps its names section). */
static uint32_t find_func(const cvm_prog *p, const char *name) {
  for (uint32_t f = 0; f < p->nfuncs; f++) {
    const char *n = cvm_func_name(p, f);
    uint32_t i = 0;
    while (n && n[i] && n[i] == name[i]) i++;
    if (n && !n[i] && !name[i]) return f;
  }
  return p->nfuncs;
}

void port_main(void) {
  mps2_console_init();
  clock_start();
  const uint8_t *bank = hal_flash_map(MPS2_BANK_A_OFF);
  const hv_sil_page *page = (const hv_sil_page *)(uintptr_t)(MPS2_FLASH_BASE + MPS2_SIL_OFF);
  cvm1_policy pol;
  cvm1_policy_init(&pol);
  if (page->magic == HV_SIL_MAGIC) {
    pol.keys = page->keys;
    pol.nkeys = page->nkeys < HV_SIL_KEYS ? page->nkeys : HV_SIL_KEYS;
    if (page->flags & HV_SIL_UNSIGNED_OK) pol.flags |= CVM1_POL_UNSIGNED_OK;
  }
  uint32_t total;
  cvm1_info info;
  cvm_prog prog;
  if (cvm1_size(bank, MPS2_BANK_SIZE, &total)) fail("no artifact in bank A");
  if (cvm1_load(bank, total, &pol, &prog, &info)) fail("artifact refused");

  static vm_ctx v;
  uint32_t t;

  /* Verification as the bootloader does it, once each. */
  uint8_t digest[32];
  uint32_t t0 = now();
  sha256(bank, info.image_size, digest);
  t = since(t0);
  hv_line l = { .n = 0 };
  hv_line_str(&l, "artifact bytes ");
  hv_line_u64(&l, total);
  hv_line_str(&l, info.signature ? " signed\n" : " unsigned\n");
  print_line(&l);
  report("sha256_image", t, 0, 1);
  if (info.signature && pol.nkeys) {
    uint8_t msg[CVM1_SIGMSG_SIZE];
    cvm1_sig_message(digest, msg);
    t0 = now();
    bool ok = ed25519_verify(info.signature, pol.keys[0], msg, sizeof msg);
    t = since(t0);
    if (!ok) fail("signature does not verify");
    report("ed25519_verify", t, 0, 1);
  }
  t0 = now();
  cvm1_err e = cvm1_check(bank, total, &pol, &info);
  t = since(t0);
  if (e) fail("cvm1_check refused");
  report("cvm1_check", t, 0, 1);

  /* Fletcher-32 when the artifact has bench() (the benchmark guest). */
  v.f = find_func(&prog, "bench");
  if (v.f < prog.nfuncs) {
    cvm_vinfo vi;
    t0 = now();
    cvm_verr ve = cvm_verify(&prog, pol.granted_caps, vm_mem, sizeof vm_mem, &vi);
    t = since(t0);
    if (ve) fail("verifier refused the guest");
    report("cvm_verify", t, 0, 1);
    if (cvm_init(&v.vm, &prog, &vi, vm_mem, sizeof vm_mem, pol.granted_caps)) fail("cvm_init");
    uint32_t finit = find_func(&prog, "bench_init");
    v.ok = true;
    v.f = finit;
    if (finit < prog.nfuncs) work_vm(&v);
    v.f = find_func(&prog, "bench");
    bench_init();
    enum { REPS_NATIVE = 1000, REPS_VM = 100 };
    uint32_t base = measure(work_empty, 0, REPS_NATIVE);
    report("native_fletcher32", measure(work_native, 0, REPS_NATIVE), base, REPS_NATIVE);
    uint64_t steps0 = v.vm.steps;
    base = measure(work_empty, 0, REPS_VM);
    t = measure(work_vm, &v, REPS_VM);
    if (!v.ok) fail("the guest's bench() did not complete");
    report("vm_fletcher32", t, base, REPS_VM);
    l.n = 0;
    hv_line_str(&l, "vm_fletcher32 bytecode ");
    hv_line_u64(&l, (v.vm.steps - steps0) / REPS_VM);
    hv_line_str(&l, " instructions per call\n");
    print_line(&l);
    /* Both computed the same checksum (bench() returns it). */
    if ((uint32_t)v.vm.result != native_result) fail("native and VM checksums differ");
    l.n = 0;
    hv_line_str(&l, "checksum ");
    hv_line_u64(&l, native_result);
    hv_line_str(&l, " (native = VM)\n");
    print_line(&l);
  }
  l.n = 0;
  hv_line_str(&l, "cockpit-hv: exit 0 steps 0 us 0");
  hv_line_end(&l);
  cm_semi_exit(0);
}
