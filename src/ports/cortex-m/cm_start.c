/*
** cm_start.c -- reset, vector table and fault entry for every Cortex-M
** image (bootloader, hypervisor, smoke tests). ARMv6-M compatible.
*/
#include "cm.h"

#ifndef CM_NIRQ
#define CM_NIRQ 0     /* external interrupts in the table (none used yet) */
#endif

extern uint32_t _estack, _sidata, _sdata, _edata, _sbss, _ebss;
extern const void *const cm_vectors[];

void cm_reset_handler(void) __attribute__((noreturn));
void cm_fault_entry(void);
void cm_systick_handler(void);
void cm_fault_c(const uint32_t *frame, uint32_t ipsr) __attribute__((noreturn, used));

void cm_reset_handler(void) {
  cm_irq_off();
  const uint32_t *s = &_sidata;
  for (uint32_t *d = &_sdata; d < &_edata;) *d++ = *s++;
  for (uint32_t *d = &_sbss; d < &_ebss;) *d++ = 0;
  CM_REG(CM_SCB_VTOR) = (uint32_t)(uintptr_t)cm_vectors;
  cm_dsb();
  cm_isb();
  port_main();
}

/* Hand the stacked frame (MSP or PSP, by EXC_RETURN bit 2) to cm_fault_c. */
__attribute__((naked)) void cm_fault_entry(void) {
  __asm__ volatile(
    "movs r0, #4\n"
    "mov r1, lr\n"
    "tst r0, r1\n"
    "beq 1f\n"
    "mrs r0, psp\n"
    "b 2f\n"
    "1: mrs r0, msp\n"
    "2: mrs r1, ipsr\n"
    "ldr r2, =cm_fault_c\n"
    "bx r2\n");
}

void cm_fault_c(const uint32_t *frame, uint32_t ipsr) {
  port_crash(frame[6], ipsr & 0x1FFu);
}

/* 16 system entries, then the port's external interrupts (all faults). */
__attribute__((section(".vectors"), used))
const void *const cm_vectors[16 + CM_NIRQ] = {
  [0] = &_estack,
  [1] = (const void *)cm_reset_handler,
  [2] = (const void *)cm_fault_entry,   /* NMI */
  [3] = (const void *)cm_fault_entry,   /* HardFault */
  [4] = (const void *)cm_fault_entry,   /* MemManage */
  [5] = (const void *)cm_fault_entry,   /* BusFault */
  [6] = (const void *)cm_fault_entry,   /* UsageFault */
  [7] = (const void *)cm_fault_entry,   /* SecureFault (v8-M) */
  [11] = (const void *)cm_fault_entry,  /* SVCall: not used */
  [12] = (const void *)cm_fault_entry,  /* DebugMonitor */
  [14] = (const void *)cm_fault_entry,  /* PendSV: not used */
  [15] = (const void *)cm_systick_handler,
#if CM_NIRQ > 0
  [16 ... 15 + CM_NIRQ] = (const void *)cm_fault_entry,
#endif
};

void cm_jump(uint32_t vectors) {
  const volatile uint32_t *v = (const volatile uint32_t *)(uintptr_t)vectors;
  uint32_t sp = v[0], pc = v[1];
  cm_irq_off();
  CM_REG(CM_SYST_CSR) = 0;
  CM_REG(CM_SCB_VTOR) = vectors;
  cm_dsb();
  cm_isb();
  __asm__ volatile("msr msp, %0\n bx %1\n" :: "r"(sp), "r"(pc) : "memory");
  __builtin_unreachable();
}

void cm_reset(void) {
  cm_dsb();
  CM_REG(CM_SCB_AIRCR) = 0x05FA0004u;   /* VECTKEY | SYSRESETREQ */
  cm_dsb();
  for (;;) cm_wfi();
}
