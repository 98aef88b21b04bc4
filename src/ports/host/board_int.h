/*
** board_int.h -- state shared by the simulated board's files.
*/
#ifndef BOARD_INT_H
#define BOARD_INT_H

#include "board.h"

typedef struct board_state {
  board_opts o;          /* console and trace_out never NULL here */
  uint64_t now_us;       /* the virtual clock */
  uint64_t ns_left;      /* step time below one microsecond, carried */
  uint64_t wall0_ns;     /* realtime: wall clock at board_open */
} board_state;

extern board_state board_S;

void board_gpio_reset(void);
void board_bus_reset(void);
board_err board_uart_open(const char *path);
void board_uart_close(void);
void board_events_reset(void);

/* Bytes as "[01 02 ...]" into buf (at most 16 shown, then "+N"). */
void board_hex(char *buf, size_t n, const uint8_t *d, uint32_t len);

#endif /* BOARD_INT_H */
