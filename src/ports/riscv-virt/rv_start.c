/*
** rv_start.c -- start-up, trap entry, timer and semihosting for the RISC-V
** images: set the stack, copy .data, clear .bss, call port_main; any trap
** is a crash reported with mepc and mcause.
*/
#include "rv.h"

/* CSR instructions (Zicsr), named for the assembler whatever -march says. */
#define CSR(insn) ".option push\n.option arch, +zicsr\n" insn "\n.option pop\n"

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
void rv_start(void) __attribute__((naked, section(".text.start")));
void rv_main(void) __attribute__((noreturn, used));
void rv_trap(void) __attribute__((interrupt("machine"), aligned(4), used));

void rv_start(void) {
  __asm__ volatile(
    ".option push\n.option norelax\n"
    "la sp, _estack\n"
    ".option pop\n"
    "j rv_main\n");
}

void rv_main(void) {
  const uint32_t *s = &_sidata;
  for (uint32_t *d = &_sdata; d < &_edata;) *d++ = *s++;
  for (uint32_t *d = &_sbss; d < &_ebss;) *d++ = 0;
  __asm__ volatile(CSR("csrw mtvec, %0") ::"r"((uintptr_t)rv_trap));
  port_main();
}

void rv_trap(void) {
  uint32_t cause, pc;
  __asm__ volatile(CSR("csrr %0, mcause") : "=r"(cause));
  __asm__ volatile(CSR("csrr %0, mepc") : "=r"(pc));
  port_crash(pc, cause);
}

uint64_t rv_mtime(void) {
  uint32_t hi, lo;
  do {
    hi = RV_REG(RV_CLINT_MTIME + 4);
    lo = RV_REG(RV_CLINT_MTIME);
  } while (hi != RV_REG(RV_CLINT_MTIME + 4));
  return (uint64_t)hi << 32 | lo;
}

/* Sleep until mtime reaches the deadline: the timer's pending bit wakes
** WFI even with interrupts globally off (mstatus.MIE clear). */
void rv_wait_until(uint64_t us) {
  uint64_t at = us * (RV_MTIME_HZ / 1000000u);
  RV_REG(RV_CLINT_MTIMECMP + 4) = 0xFFFFFFFFu;
  RV_REG(RV_CLINT_MTIMECMP) = (uint32_t)at;
  RV_REG(RV_CLINT_MTIMECMP + 4) = (uint32_t)(at >> 32);
  __asm__ volatile(CSR("csrs mie, %0") ::"r"(1u << 7));    /* MTIE */
  while (rv_mtime() < at) __asm__ volatile("wfi");
  __asm__ volatile(CSR("csrc mie, %0") ::"r"(1u << 7));
}

/* The semihosting call: a0 op, a1 argument; the three-instruction
** sequence must not be compressed. */
static uint32_t semi_call(uint32_t op, const void *arg) {
  register uint32_t a0 __asm__("a0") = op;
  register const void *a1 __asm__("a1") = arg;
  __asm__ volatile(
    ".option push\n.option norvc\n"
    ".balign 16\n"
    "slli x0, x0, 0x1f\n"
    "ebreak\n"
    "srai x0, x0, 7\n"
    ".option pop\n"
    : "+r"(a0) : "r"(a1) : "memory");
  return a0;
}

void rv_semi_write(int stream, const char *s, uint32_t n) {
  static int32_t handle[3] = { -1, -1, -1 };
  if (stream != 1 && stream != 2) return;
  if (handle[stream] < 0) {
    static const char tt[] = ":tt";
    uint32_t a[3] = { (uint32_t)(uintptr_t)tt, stream == 1 ? 4u : 8u, 3u };
    handle[stream] = (int32_t)semi_call(0x01, a);
    if (handle[stream] < 0) return;
  }
  uint32_t a[3] = { (uint32_t)handle[stream], (uint32_t)(uintptr_t)s, n };
  semi_call(0x05, a);
}

void rv_semi_exit(int status) {
  uint32_t a[2] = { 0x20026u, (uint32_t)status };
  for (;;) semi_call(0x20, a);
}
