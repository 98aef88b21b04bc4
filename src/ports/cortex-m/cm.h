/*
** cm.h -- Cortex-M support shared by every Arm port: core registers,
** start-up contract, SysTick time base, semihosting.
**
** Start-up (cm_start.c): the linker script provides _estack, _sidata,
** _sdata, _edata, _sbss, _ebss and places cm_vectors (section .vectors) at
** the image's start. Reset copies .data, zeroes .bss, points VTOR at the
** image's own table and calls port_main(), which never returns.
**
** Nothing here assumes a hardware divider: ARMv6-M (Cortex-M0) builds use
** libgcc's division helpers, and the tick arithmetic avoids 64-bit divides.
*/
#ifndef CM_H
#define CM_H

#include <stdbool.h>
#include <stdint.h>

#define CM_REG(a) (*(volatile uint32_t *)(uintptr_t)(a))

/* System control space */
#define CM_SYST_CSR   0xE000E010u   /* SysTick control and status */
#define CM_SYST_RVR   0xE000E014u   /* reload value */
#define CM_SYST_CVR   0xE000E018u   /* current value */
#define CM_SCB_ICSR   0xE000ED04u
#define CM_SCB_VTOR   0xE000ED08u
#define CM_SCB_AIRCR  0xE000ED0Cu
#define CM_SCB_CFSR   0xE000ED28u
#define CM_SCB_HFSR   0xE000ED2Cu

static inline void cm_wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void cm_irq_off(void) { __asm__ volatile("cpsid i" ::: "memory"); }
static inline void cm_irq_on(void) { __asm__ volatile("cpsie i" ::: "memory"); }
static inline void cm_dsb(void) { __asm__ volatile("dsb 0xF" ::: "memory"); }
static inline void cm_isb(void) { __asm__ volatile("isb 0xF" ::: "memory"); }

/* Provided by the port: its main program. */
void port_main(void) __attribute__((noreturn));
/* Provided by the port: a processor fault (HardFault, ...) with the
** faulting pc and the exception number. */
void port_crash(uint32_t pc, uint32_t exc) __attribute__((noreturn));

/* Jump to another image (the bootloader to the hypervisor): load its stack
** pointer and reset vector from its vector table at `vectors`, point VTOR
** there, and branch. Interrupts are left disabled for the new image. */
void cm_jump(uint32_t vectors) __attribute__((noreturn));
/* Request a system reset (AIRCR.SYSRESETREQ). */
void cm_reset(void) __attribute__((noreturn));

/* ---- SysTick time base ------------------------------------------------- */

/* Interrupt every millisecond from a core clock of hz (a multiple of 1000,
** at most 16.7 GHz / 1000 per tick). */
void cm_tick_start(uint32_t hz);
/* Microseconds since cm_tick_start, monotonic. */
uint64_t cm_tick_us(void);
/* Sleep (WFI) until cm_tick_us() >= us. */
void cm_tick_wait_until(uint64_t us);

/* ---- semihosting (only under a debugger or QEMU: a real part without
** one stops at the BKPT) ------------------------------------------------- */

enum { CM_SEMI_STDOUT = 1, CM_SEMI_STDERR = 2 };
/* Write n bytes to the host's stdout or stderr. */
void cm_semi_write(int stream, const char *s, uint32_t n);
/* End the emulation with an exit status (SYS_EXIT_EXTENDED). */
void cm_semi_exit(int status) __attribute__((noreturn));

#endif /* CM_H */
