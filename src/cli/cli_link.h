/*
** cli_link.h -- what the commands that talk to a device share (flash,
** monitor, blackbox): the --uart/--baud/--timeout-ms options, opening the
** serial port as a link client, and small formatting helpers.
*/
#ifndef CLI_LINK_H
#define CLI_LINK_H

#include "board_serial.h"
#include "cli.h"
#include "link.h"

typedef struct cli_link {
  const char *uart;
  uint32_t baud, timeout_ms;
  board_serial ser;
  link_client c;
  bool open;
} cli_link;

/* The options' help lines, for a command's usage text. */
#define CLI_LINK_OPTS_HELP \
  "  --timeout-ms N        wait this long for each answer (1000)\n" \
  "  --baud N              serial speed (115200)\n"

/* Defaults: 115200 baud, 1000 ms per answer. */
void cli_link_init(cli_link *l);
/* argv[*i] is --uart, --baud or --timeout-ms: 1 consumed, 0 not one, -1
** after a usage message (the caller returns CLI_EXIT_USAGE). */
int cli_link_opt(const char *cmd, cli_link *l, int argc, char **argv, int *i);
/* Open l->uart (which the caller checked is set) and start a client on it:
** CLI_EXIT_OK, or CLI_EXIT_ERROR after "cockpit CMD: cannot open ...". */
int cli_link_open(const char *cmd, cli_link *l);
void cli_link_close(cli_link *l);

/* Does the device refuse runtime requests (a bootloader, or an older
** hypervisor): e is a NAK UNKNOWN_CMD. */
bool cli_link_no_runtime(const cli_link *l, link_cerr e);

/* 'A', 'B', or '-' for no bank. */
char cli_bank_letter(uint32_t b);
/* n bytes as lower-case hex into out (2n+1 bytes). */
void cli_hex(char *out, const uint8_t *p, uint32_t n);
/* n bytes of device text into out (n+1 bytes), NUL-ended, with control
** bytes and bytes over 0x7E shown as '?': safe to print and to quote. */
void cli_text(char *out, const uint8_t *p, uint32_t n);

#endif /* CLI_LINK_H */
