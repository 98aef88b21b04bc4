/*
** mb.h -- the BBC micro:bit (nRF51822, Cortex-M0: ARMv6-M, no hardware
** divide) under QEMU: the portability smoke test for the smallest core.
** 256 KB of flash at 0 carry the product's layout (boot, hypervisor, banks
** at the STM32G474's offsets); 16 KB of RAM leave the VM 8 KB.
*/
#ifndef MB_H
#define MB_H

#include <stdint.h>

#define MB_SYSCLK       16000000u
#define MB_FLASH_BASE   0x00000000u
#define MB_FLASH_SIZE   0x20000u      /* the product's 128 KB */
#define MB_HV_OFF       0x04000u
#define MB_BANK_A_OFF   0x10000u
#define MB_BANK_B_OFF   0x18000u
#define MB_BANK_SIZE    0x08000u
#define MB_SIL_OFF      0x20000u      /* SIL harness page (hv_sil.h) */
#define MB_RAM_BASE     0x20000000u
#define MB_RAM_SIZE     0x4000u

/* UART0 */
#define MB_UART         0x40002000u
#define MB_UART_STARTRX 0x000u
#define MB_UART_STARTTX 0x008u
#define MB_UART_RXDRDY  0x108u
#define MB_UART_TXDRDY  0x11Cu
#define MB_UART_ENABLE  0x500u
#define MB_UART_RXD     0x518u
#define MB_UART_TXD     0x51Cu
/* Non-volatile memory controller: 1 KB pages */
#define MB_NVMC         0x4001E000u
#define MB_NVMC_READY   0x400u
#define MB_NVMC_CONFIG  0x504u        /* 0 read, 1 write, 2 erase */
#define MB_NVMC_ERASEPAGE 0x508u
#define MB_NVMC_PAGE    1024u

void mb_console_init(void);

#endif /* MB_H */
