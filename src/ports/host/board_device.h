/*
** board_device.h -- the simulated device: bootloader, then hypervisor, on
** the simulated board with a file-backed flash and a serial port.
**
** At every (re)boot the bootloader (boot_select) picks the bank to run; the
** hypervisor binds the artifact in place (execute-in-place from the flash
** mapping), verifies the bytecode and runs it -- main(), or setup() then
** loop() -- on the board with virtual time kept in step with the wall
** clock, while it serves the programming protocol on the serial port.
** A trial is confirmed once it has run health_ms without a fault; a fault
** on trial rejects it and resets; no confirmation within trial_ms resets
** (a watchdog), and the bootloader then reverts. REBOOT resets after its
** answer is out. Guest output goes to the board's console (stdout);
** device messages, one line each prefixed "device: ", to log (stderr).
*/
#ifndef BOARD_DEVICE_H
#define BOARD_DEVICE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "board.h"
#include "cvm1.h"

#define BOARD_DEVICE_MEM (24u * 1024u)   /* the VM's memory, as on the STM32G474 */

typedef struct board_device_opts {
  const char *flash;           /* flash image file (created erased) */
  const char *uart;            /* pty link to make, or a serial device */
  uint32_t baud;               /* a serial device's speed (0: 115200); on a
                               ** pty, 0 or a rate limit on what it receives */
  const cvm1_pubkey *keys;     /* trust store; nkeys 0: unsigned accepted */
  uint32_t nkeys;
  uint64_t cut_after;          /* power cut at this flash operation; 0 never */
  uint32_t cut_seed;
  uint32_t health_ms;          /* trial runs this long without a fault: confirm; 0 never */
  uint32_t trial_ms;           /* no confirmation by then: reset; 0 never */
  uint64_t max_ms;             /* stop the device after this long; 0 never */
  uint32_t wdog_ms;            /* watchdog: reset when not fed this long (1000); 0 off */
  uint32_t stall_ms;           /* fault injection: the host loop stalls once, this
                               ** long after start (the watchdog resets it); 0 never */
  uint16_t hv_version[3];      /* what HELLO reports for the hypervisor */
  const char *oled_png;        /* the status display (an SSD1306 model on the
                               ** board's I2C) kept current in this PNG; NULL:
                               ** no display */
  uint32_t oled_scale;         /* its pixels, scale x scale (0: 4) */
  board_opts board;            /* the guest's board (caps, trace, ...) */
  FILE *log;                   /* NULL: stderr */
} board_device_opts;

void board_device_opts_init(board_device_opts *o);

/* Run until SIGINT/SIGTERM or max_ms (exit status 0), or a power cut
** (BOARD_FLASH_CUT_STATUS), or a start-up error (1, with a message). */
int board_device_run(const board_device_opts *o);

#endif /* BOARD_DEVICE_H */
