/*
** mps2.h -- the Arm MPS2 board (QEMU mps2-an386, Cortex-M4; the same map
** serves AN385 Cortex-M3 and AN500 Cortex-M7): addresses, the flash layout
** of the emulated part, and the SIL harness page.
**
** The board's 4 MB SSRAM1 at 0 stands in for the STM32G474's 128 KB of
** flash, laid out the same (docs/hardware.md); 32 KB of SSRAM2 at
** 0x20000000 stand in for its RAM. The linker scripts cut both to the
** part's sizes so a build that would not fit the real part fails here too.
*/
#ifndef MPS2_H
#define MPS2_H

#include <stdint.h>

/* AN505 (Cortex-M33, built with MPS2_AN505) runs in the Secure state:
** its code SSRAM, RAM and peripherals at their secure aliases. */
#ifdef MPS2_AN505
#define MPS2_SYSCLK     20000000u
#define MPS2_FLASH_BASE 0x10000000u
#define MPS2_RAM_BASE   0x38000000u
#define MPS2_UART0      0x50200000u
#define MPS2_UART1      0x50201000u
#define MPS2_FPGAIO     0x50302000u
#define MPS2_SBCON      0x50207000u   /* not used: no I2C on the AN505 image */
#else
#define MPS2_SYSCLK     25000000u     /* core and peripheral clock */
#define MPS2_FLASH_BASE 0x00000000u
#define MPS2_RAM_BASE   0x20000000u
#define MPS2_UART0      0x40004000u   /* CMSDK APB UART0: console, QEMU serial 0 */
#define MPS2_UART1      0x40005000u   /* UART1: the link, QEMU serial 1 */
#define MPS2_FPGAIO     0x40028000u
#define MPS2_SBCON      0x4002A000u   /* SBCon two-wire interface, shield bus 1 */
#endif

/* Flash of the emulated part (offsets as hal_flash_*) */
#define MPS2_FLASH_SIZE 0x20000u      /* 128 KB */
#define MPS2_BOOT_OFF   0x00000u      /* bootloader, 16 KB */
#define MPS2_HV_OFF     0x04000u      /* hypervisor, 40 KB (src/boot/boot.h) */
#define MPS2_BANK_A_OFF 0x10000u      /* guest bank A, 32 KB */
#define MPS2_BANK_B_OFF 0x18000u      /* guest bank B, 32 KB */
#define MPS2_BANK_SIZE  0x08000u
/* The SIL harness page: after the part's flash, present only in the
** emulation; `cockpit sil` writes the run's settings there. */
#define MPS2_SIL_OFF    0x20000u      /* hv_sil.h */
#define MPS2_IMAGE_SIZE 0x21000u      /* flash + harness page */

#define MPS2_RAM_SIZE   0x8000u       /* 32 KB */

/* CMSDK APB UART registers */
#define MPS2_UART_DATA  0x00u
#define MPS2_UART_STATE 0x04u         /* bit 0 TX full, bit 1 RX full */
#define MPS2_UART_CTRL  0x08u         /* bit 0 TX enable, bit 1 RX enable */
#define MPS2_UART_BAUDDIV 0x10u
/* FPGA I/O: LEDs and push buttons */
#define MPS2_FPGAIO_LED    (MPS2_FPGAIO + 0x00u)
#define MPS2_FPGAIO_BUTTON (MPS2_FPGAIO + 0x08u)
/* SBCon: lines through set/clear registers (bit-banged I2C) */
#define MPS2_SBCON_READ 0x00u         /* bit 0 SCL, bit 1 SDA */
#define MPS2_SBCON_SET  0x00u
#define MPS2_SBCON_CLR  0x04u

void mps2_console_init(void);   /* UART0 and UART1 */

#endif /* MPS2_H */
