/*
** cli_link.c -- the serial link the device commands share (cli_link.h).
*/
#include <string.h>

#include "cli_link.h"

void cli_link_init(cli_link *l) {
  memset(l, 0, sizeof *l);
  l->baud = 115200;
  l->timeout_ms = 1000;
}

int cli_link_opt(const char *cmd, cli_link *l, int argc, char **argv, int *i) {
  const char *v;
  int r;
  if ((r = cli_opt(argc, argv, i, "--uart", &l->uart)) != 0) return r;
  if ((r = cli_opt(argc, argv, i, "--timeout-ms", &v)) < 0) return r;
  if (r && (!cli_parse_u32(v, &l->timeout_ms) || !l->timeout_ms)) {
    cli_usage_error(cmd, "bad --timeout-ms value '%s'", v);
    return -1;
  }
  if (r) return 1;
  if ((r = cli_opt(argc, argv, i, "--baud", &v)) < 0) return r;
  if (r && !cli_parse_u32(v, &l->baud)) {
    cli_usage_error(cmd, "bad --baud value '%s'", v);
    return -1;
  }
  return r;
}

int cli_link_open(const char *cmd, cli_link *l) {
  char msg[300];
  if (board_serial_open(&l->ser, l->uart, l->baud, msg, sizeof msg) < 0)
    return cli_error(cmd, "%s", msg);
  link_io io = board_serial_io(&l->ser);
  link_client_init(&l->c, &io);
  l->c.timeout_ms = l->timeout_ms;
  l->open = true;
  return CLI_EXIT_OK;
}

void cli_link_close(cli_link *l) {
  if (l->open) board_serial_close(&l->ser);
  l->open = false;
}

bool cli_link_no_runtime(const cli_link *l, link_cerr e) {
  return e == LINK_C_NAK && l->c.st == LINK_ST_UNKNOWN_CMD;
}

char cli_bank_letter(uint32_t b) { return b < LINK_NBANKS ? (char)('A' + b) : '-'; }

void cli_hex(char *out, const uint8_t *p, uint32_t n) {
  static const char digits[] = "0123456789abcdef";
  for (uint32_t i = 0; i < n; i++) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  out[2 * n] = 0;
}

void cli_text(char *out, const uint8_t *p, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) out[i] = p[i] >= 0x20 && p[i] < 0x7F ? (char)p[i] : '?';
  out[n] = 0;
}
