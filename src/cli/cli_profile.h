/*
** cli_profile.h -- `cockpit run --profile`: count what a guest executes
** (cvm_run_profile through the board's run hook) and report it: the
** instructions per function and per source line, the hottest opcodes, and
** the hottest dynamic opcode pairs (candidates for superinstructions).
*/
#ifndef CLI_PROFILE_H
#define CLI_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "board.h"
#include "cvm.h"

#define CLI_PROFILE_TOP 10u   /* rows per table unless --profile=N */

typedef struct cli_profile {
  const cvm_prog *prog;
  cvm_profile prof;        /* the VM's 32-bit counters for the current stretch */
  uint64_t *pc_total;      /* ncode: executions of the instruction at each pc */
  uint64_t *pair_total;    /* CVM_OP__COUNT^2: [previous][next] */
  uint64_t pending;        /* instruction words counted since the last fold */
  bool started;            /* first slice done (its opening pair is dropped) */
} cli_profile;

/* argv[i] is --profile (1, *top = CLI_PROFILE_TOP), --profile=N (1,
** *top = N, 1..1000), something else (0), or has a bad N (-1, after a
** usage message for cmd). */
int cli_profile_opt(const char *cmd, const char *arg, unsigned *top);

/* Allocate the counters for p and make the board run slices through
** cvm_run_profile (o->run, o->run_ctx). False if out of memory. */
bool cli_profile_start(cli_profile *cp, const cvm_prog *p, board_opts *o);

/* The report, `top` rows per table. src (may be NULL) is the text of the
** file `path`: when the program's line table names that file, lines are
** shown with their text. */
void cli_profile_report(cli_profile *cp, FILE *f, unsigned top, const char *path,
                        const char *src, size_t srclen);

void cli_profile_free(cli_profile *cp);

/* Fold the VM's counters into pc_total and pair_total (the report does). */
void cli_profile_finish(cli_profile *cp);

/* The board's run hook (o->run) with a cli_profile as its context. */
cvm_status cli_profile_run(cvm_vm *vm, uint32_t budget, void *cp);

#endif /* CLI_PROFILE_H */
