/*
** board_opts.c -- board options and their command-line form.
*/
#include "board.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void board_opts_init(board_opts *o) {
  memset(o, 0, sizeof *o);
  o->slice = BOARD_SLICE;
  o->device_id = BOARD_DEVICE_ID;
  o->seed = BOARD_SEED;
  o->caps = CVM_CAPS_ALL;
}

const char board_opts_help[] =
  "  --trace               trace board events with virtual timestamps on stderr\n"
  "  --realtime            sleep in real time instead of advancing the clock at once\n"
  "  --max-steps N         stop after N instruction words\n"
  "  --max-ms N            stop when the virtual clock reaches N ms\n"
  "  --step-ns N           advance the clock N ns per instruction word (default 0)\n"
  "  --seed N              random() seed (default 1)\n"
  "  --device-id N         device_id() (default 0xC0C0C0C0)\n"
  "  --uart-in FILE        serial port input from FILE ('-': stdin)\n"
  "  --button MS:MS[,...]  button (pin 2) pressed during these virtual ms windows\n";

/* A whole unsigned number (decimal or 0x hex) up to max. */
static bool parse_u64(const char *s, uint64_t max, uint64_t *v) {
  char *end;
  if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return false;
  errno = 0;
  unsigned long long x = strtoull(s, &end, 0);
  if (errno || *end || x > max) return false;
  *v = x;
  return true;
}

/* "100:200,500:650" in ms, each window from < to. */
static bool parse_windows(board_opts *o, const char *s) {
  uint32_t n = 0;
  while (*s) {
    char num[24];
    uint64_t from, to;
    size_t k = strcspn(s, ":");
    if (k == 0 || k >= sizeof num || s[k] != ':') return false;
    memcpy(num, s, k);
    num[k] = '\0';
    if (!parse_u64(num, UINT64_MAX / 1000u, &from)) return false;
    s += k + 1;
    k = strcspn(s, ",");
    if (k == 0 || k >= sizeof num) return false;
    memcpy(num, s, k);
    num[k] = '\0';
    if (!parse_u64(num, UINT64_MAX / 1000u, &to) || to <= from) return false;
    s += k;
    if (*s == ',' && *++s == '\0') return false;
    if (n >= BOARD_MAX_WINDOWS) return false;
    o->button[n].from_us = from * 1000u;
    o->button[n].to_us = to * 1000u;
    n++;
  }
  if (n == 0) return false;
  o->nbutton = n;
  return true;
}

typedef enum { O_FLAG, O_NUM, O_STR } opt_kind;

static const struct board_optdef {
  const char *name;
  opt_kind kind;
} board_optdefs[] = {
  { "--trace", O_FLAG }, { "--realtime", O_FLAG },
  { "--max-steps", O_NUM }, { "--max-ms", O_NUM }, { "--step-ns", O_NUM },
  { "--seed", O_NUM }, { "--device-id", O_NUM },
  { "--uart-in", O_STR }, { "--button", O_STR },
};

int board_parse_opt(board_opts *o, int argc, char *const argv[], int *i,
                    char *msg, size_t msglen) {
  const char *arg = argv[*i];
  const struct board_optdef *d = NULL;
  size_t nlen = 0;
  for (size_t k = 0; k < sizeof board_optdefs / sizeof board_optdefs[0]; k++) {
    size_t l = strlen(board_optdefs[k].name);
    if (strncmp(arg, board_optdefs[k].name, l) == 0 && (arg[l] == '\0' || arg[l] == '=')) {
      d = &board_optdefs[k];
      nlen = l;
      break;
    }
  }
  if (!d) return 0;

  const char *val = NULL;
  int used = 1;
  if (arg[nlen] == '=') {
    if (d->kind == O_FLAG) {
      snprintf(msg, msglen, "%s takes no value", d->name);
      return -1;
    }
    val = arg + nlen + 1;
  } else if (d->kind != O_FLAG) {
    if (*i + 1 >= argc) {
      snprintf(msg, msglen, "%s needs a value", d->name);
      return -1;
    }
    val = argv[*i + 1];
    used = 2;
  }

  uint64_t v = 0;
  bool ok = true;
  const char *n = d->name;
  if (!strcmp(n, "--trace")) o->trace = true;
  else if (!strcmp(n, "--realtime")) o->realtime = true;
  else if (!strcmp(n, "--max-steps")) ok = parse_u64(val, UINT64_MAX, &o->max_steps);
  else if (!strcmp(n, "--max-ms")) {
    if ((ok = parse_u64(val, UINT64_MAX / 1000u, &v))) o->max_us = v * 1000u;
  } else if (!strcmp(n, "--step-ns")) {
    if ((ok = parse_u64(val, 1000000u, &v))) o->step_ns = (uint32_t)v;
  } else if (!strcmp(n, "--seed")) {
    if ((ok = parse_u64(val, UINT32_MAX, &v))) o->seed = (uint32_t)v;
  } else if (!strcmp(n, "--device-id")) {
    if ((ok = parse_u64(val, UINT32_MAX, &v))) o->device_id = (uint32_t)v;
  } else if (!strcmp(n, "--uart-in")) {
    if ((ok = *val != '\0')) o->uart_in = val;
  } else if (!strcmp(n, "--button")) {
    board_opts t = *o;
    if ((ok = parse_windows(&t, val))) *o = t;
  }
  if (!ok) {
    snprintf(msg, msglen, "%s: %s '%s'", d->name, board_err_str(BOARD_EOPT_VALUE), val);
    return -1;
  }
  *i += used;
  return 1;
}
