/*
** board_flash.h -- the simulated board's flash: hal_flash_* (hal.h) on a
** file, so its contents survive restarts, or on memory for tests.
**
** STM32G474 rules: BOARD_FLASH_SIZE bytes, pages of HAL_FLASH_PAGE erasing
** to 0xFF, double-word programming into erased double-words only. Each
** erase and each program call is one operation, counted from
** board_flash_open(). A power cut can be armed at operation N: that
** operation is interrupted -- a program writes the double-words before a
** randomly chosen one, then leaves that one unwritten, written, or (half
** the time) torn: only some of its zero bits programmed; none after it. An
** erase likewise leaves the page as it was, erased, or with only some of
** its zero bits set -- and then the cut handler runs: by default the process
** exits at once with BOARD_FLASH_CUT_STATUS, leaving the file as a power
** loss would (the file is mapped shared, so what was written is in it).
**
** A timing model (STM32G474 datasheet maxima) adds each operation's
** duration to a busy counter that simulations read; nothing waits.
*/
#ifndef BOARD_FLASH_H
#define BOARD_FLASH_H

#include <stdbool.h>
#include <stdint.h>

#include "hal.h"

#define BOARD_FLASH_SIZE       0x20000u   /* 128 KB */
#define BOARD_FLASH_CUT_STATUS 99         /* exit status after a power cut */
#define BOARD_FLASH_ERASE_NS   24470000u  /* page erase, max */
#define BOARD_FLASH_DWORD_NS   90800u     /* one double-word, max */

/* Open the flash: path NULL for memory, else a file, created erased when
** missing (it must then be exactly BOARD_FLASH_SIZE bytes). Resets the
** counters and disarms any cut. 0, or -1 with errno set. */
int board_flash_open(const char *path);
void board_flash_close(void);
bool board_flash_is_open(void);
uint8_t *board_flash_bytes(void);        /* the raw contents (tests) */

typedef struct board_flash_stats {
  uint64_t ops;                          /* erases + programs */
  uint64_t erases, programs, dwords;
  uint64_t busy_ns;                      /* modelled time of all of them */
} board_flash_stats;
const board_flash_stats *board_flash_stats_get(void);

/* Arm a power cut at operation number n (counting as stats.ops does, from
** 1; 0 disarms). seed picks where and how the operation is torn. handler
** NULL: print a line on stderr and _exit(BOARD_FLASH_CUT_STATUS); else it
** is called (a test longjmps out of it) and must not return to the flash
** code -- if it does, the operation reports HAL_EFLASH. */
void board_flash_cut_at(uint64_t n, uint32_t seed, void (*handler)(void *ctx), void *ctx);

#endif /* BOARD_FLASH_H */
