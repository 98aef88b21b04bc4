/*
** rv.h -- the RISC-V port: QEMU's `virt` board with an RV32IMAC hart,
** machine mode only. DRAM at 0x80000000 holds the product's flash layout
** (boot, hypervisor, banks, SIL page at the same offsets), the 32 KB of
** RAM follow at 0x80100000; NS16550 UART at 0x10000000; the CLINT's
** 10 MHz mtime for time; semihosting for the report and the exit status.
*/
#ifndef RV_H
#define RV_H

#include <stdint.h>

#define RV_REG(a) (*(volatile uint32_t *)(uintptr_t)(a))

#define RV_FLASH_BASE   0x80000000u
#define RV_HV_OFF       0x04000u
#define RV_BANK_A_OFF   0x10000u
#define RV_BANK_B_OFF   0x18000u
#define RV_BANK_SIZE    0x08000u
#define RV_SIL_OFF      0x20000u

#define RV_UART         0x10000000u   /* NS16550: byte registers */
#define RV_UART_LSR     5u            /* bit 0 data ready, bit 5 THR empty */
#define RV_CLINT_MTIMECMP 0x02004000u
#define RV_CLINT_MTIME  0x0200BFF8u
#define RV_MTIME_HZ     10000000u

/* rv_start.c */
uint64_t rv_mtime(void);
void rv_wait_until(uint64_t us);       /* WFI on the timer compare */
void rv_semi_write(int stream, const char *s, uint32_t n);   /* 2 = stderr */
void rv_semi_exit(int status) __attribute__((noreturn));
void port_main(void) __attribute__((noreturn));
void port_crash(uint32_t pc, uint32_t cause) __attribute__((noreturn));

#endif /* RV_H */
