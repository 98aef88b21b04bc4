/*
** cli_profile.c -- `cockpit run --profile`: counting through the board's
** run hook, and the report.
**
** The VM counts in 32-bit cells; this file folds them into 64-bit totals
** before any can overflow (at most 2^31 instruction words per fold, each
** slice at most CLI_PROFILE_SLICE), so the counts are exact however long
** the program runs.
*/
#include "cli_profile.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define NOPS ((uint32_t)CVM_OP__COUNT)
/* Tests build this file with small values to exercise slicing and folds. */
#ifndef CLI_PROFILE_SLICE
#define CLI_PROFILE_SLICE (1u << 24)
#endif
#ifndef CLI_PROFILE_FOLD
#define CLI_PROFILE_FOLD  (1ull << 31)
#endif

int cli_profile_opt(const char *cmd, const char *arg, unsigned *top) {
  static const char opt[] = "--profile";
  size_t n = sizeof opt - 1;
  if (strncmp(arg, opt, n) != 0) return 0;
  if (arg[n] == '\0') {
    *top = CLI_PROFILE_TOP;
    return 1;
  }
  if (arg[n] != '=') return 0;
  uint32_t v;
  if (!cli_parse_u32(arg + n + 1, &v) || v < 1 || v > 1000) {
    cli_usage_error(cmd, "bad --profile '%s' (expected rows per table, 1..1000)", arg + n + 1);
    return -1;
  }
  *top = v;
  return 1;
}

bool cli_profile_start(cli_profile *cp, const cvm_prog *p, board_opts *o) {
  memset(cp, 0, sizeof *cp);
  cp->prog = p;
  size_t nc = p->ncode ? p->ncode : 1, np = (size_t)NOPS * NOPS;
  cp->prof.pc_counts = calloc(nc, sizeof *cp->prof.pc_counts);
  cp->prof.pair_counts = calloc(np, sizeof *cp->prof.pair_counts);
  cp->pc_total = calloc(nc, sizeof *cp->pc_total);
  cp->pair_total = calloc(np, sizeof *cp->pair_total);
  if (!cp->prof.pc_counts || !cp->prof.pair_counts || !cp->pc_total || !cp->pair_total) {
    cli_profile_free(cp);
    return false;
  }
  o->run = cli_profile_run;
  o->run_ctx = cp;
  return true;
}

void cli_profile_free(cli_profile *cp) {
  free(cp->prof.pc_counts);
  free(cp->prof.pair_counts);
  free(cp->pc_total);
  free(cp->pair_total);
  memset(cp, 0, sizeof *cp);
}

/* Move the 32-bit counts into the totals. */
void cli_profile_finish(cli_profile *cp) {
  for (uint32_t k = 0; k < cp->prog->ncode; k++) {
    cp->pc_total[k] += cp->prof.pc_counts[k];
    cp->prof.pc_counts[k] = 0;
  }
  for (uint32_t k = 0; k < NOPS * NOPS; k++) {
    cp->pair_total[k] += cp->prof.pair_counts[k];
    cp->prof.pair_counts[k] = 0;
  }
  cp->pending = 0;
}

cvm_status cli_profile_run(cvm_vm *vm, uint32_t budget, void *ctx) {
  cli_profile *cp = ctx;
  if (budget > CLI_PROFILE_SLICE) budget = CLI_PROFILE_SLICE;
  uint64_t before = vm->steps;
  uint32_t first = vm->pc < cp->prog->ncode ? CVM_I_OP(cp->prog->code[vm->pc]) : 0;
  cvm_status st = cvm_run_profile(vm, budget, &cp->prof);
  if (!cp->started) {
    /* The VM pairs the very first instruction with opcode 0: not a pair. */
    uint32_t *c = &cp->prof.pair_counts[first];
    if (first < NOPS && *c) --*c;
    cp->started = true;
  }
  cp->pending += vm->steps - before;
  if (cp->pending >= CLI_PROFILE_FOLD) cli_profile_finish(cp);
  return st;
}

/* ---- the report ----------------------------------------------------------- */

typedef struct prow { uint64_t n; uint32_t key; } prow;

static int prow_cmp(const void *a, const void *b) {
  const prow *x = a, *y = b;
  if (x->n != y->n) return x->n > y->n ? -1 : 1;
  return x->key < y->key ? -1 : x->key > y->key;
}

/* Rows with a count, sorted; returns how many. */
static uint32_t rows_of(const uint64_t *count, uint32_t n, prow *out) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++)
    if (count[i]) out[k++] = (prow){ count[i], i };
  qsort(out, k, sizeof *out, prow_cmp);
  return k;
}

static const char *op_name(uint32_t op) {
  return op < NOPS ? cvm_opinfo_table[op].name : "?";
}

/* Line `line` (1-based) of src, without leading blanks: *len bytes at the
** result, or NULL. */
static const char *src_line(const char *src, size_t srclen, uint32_t line, int *len) {
  if (!src) return NULL;
  size_t a = 0;
  for (uint32_t l = 1; l < line; l++) {
    while (a < srclen && src[a] != '\n') a++;
    if (a == srclen) return NULL;
    a++;
  }
  while (a < srclen && (src[a] == ' ' || src[a] == '\t')) a++;
  size_t e = a;
  while (e < srclen && src[e] != '\n') e++;
  while (e > a && (src[e - 1] == '\r' || src[e - 1] == ' ' || src[e - 1] == '\t')) e--;
  *len = (int)(e - a > 100 ? 100 : e - a);
  return src + a;
}

static void head(FILE *f, const char *title, uint32_t shown, uint32_t all, const char *what,
                 const char *col) {
  if (shown < all) fprintf(f, "%s (top %u of %u):\n", title, (unsigned)shown, (unsigned)all);
  else fprintf(f, "%s:\n", title);
  fprintf(f, "  %14s  %6s  %s\n", what, "share", col);
}

static void count(FILE *f, uint64_t n, uint64_t total) {
  fprintf(f, "  %14llu  %5.1f%%  ", (unsigned long long)n, 100.0 * (double)n / (double)total);
}

void cli_profile_report(cli_profile *cp, FILE *f, unsigned top, const char *path,
                        const char *src, size_t srclen) {
  const cvm_prog *p = cp->prog;
  if (!p || !cp->pc_total) return;
  cli_profile_finish(cp);
  uint32_t nc = p->ncode, nf = p->nfuncs, nl = p->nlines;
  size_t cap = nc > NOPS * NOPS ? nc : NOPS * NOPS;
  uint64_t *agg = calloc(cap, sizeof *agg);
  prow *rows = calloc(cap, sizeof *rows);
  if (!agg || !rows) {
    fprintf(f, "profile: out of memory\n");
    free(agg);
    free(rows);
    return;
  }
  uint64_t total = 0;
  for (uint32_t k = 0; k < nc; k++) total += cp->pc_total[k];
  const char *file = cvm_source_name(p);
  if (!file || !path || strcmp(file, path) != 0) src = NULL;
  fprintf(f, "profile: %llu instructions executed\n", (unsigned long long)total);
  if (total == 0) goto done;

  /* functions */
  for (uint32_t k = 0; k < nc; k++) {
    uint32_t fn = cvm_func_of_pc(p, k);
    if (fn < nf) agg[fn] += cp->pc_total[k];
  }
  uint32_t n = rows_of(agg, nf, rows), shown = n < top ? n : top;
  head(f, "functions", shown, n, "instructions", "function");
  for (uint32_t k = 0; k < shown; k++) {
    const char *name = cvm_func_name(p, rows[k].key);
    count(f, rows[k].n, total);
    if (name) fprintf(f, "%s\n", name);
    else fprintf(f, "function %u\n", (unsigned)rows[k].key);
  }

  /* source lines: the line table maps pc ranges to lines */
  uint32_t maxline = 0, line;
  for (uint32_t k = 0; k < nl; k++) {
    line = cvm_rd32(p->lines + k * CVM_LINE_SIZE + 4);
    if (line > maxline) maxline = line;
  }
  if (nl == 0 || maxline == 0) {
    fprintf(f, "lines: the program has no line table\n");
  } else {
    uint64_t *byline = calloc((size_t)maxline + 1, sizeof *byline);
    prow *lrows = calloc((size_t)maxline + 1, sizeof *lrows);
    if (byline && lrows) {
      for (uint32_t k = 0; k < nc; k++)
        if (cp->pc_total[k] && cvm_line_for_pc(p, k, &line) && line <= maxline)
          byline[line] += cp->pc_total[k];
      n = rows_of(byline, maxline + 1, lrows);
      shown = n < top ? n : top;
      head(f, "lines", shown, n, "instructions", "line");
      for (uint32_t k = 0; k < shown; k++) {
        int len = 0;
        const char *text = src_line(src, srclen, lrows[k].key, &len);
        count(f, lrows[k].n, total);
        fprintf(f, "%s:%u", file ? file : "line", (unsigned)lrows[k].key);
        if (text && len > 0) fprintf(f, "  %.*s", len, text);
        fputc('\n', f);
      }
    } else {
      fprintf(f, "lines: out of memory\n");
    }
    free(byline);
    free(lrows);
  }

  /* opcodes */
  memset(agg, 0, cap * sizeof *agg);
  for (uint32_t k = 0; k < nc; k++)
    if (cp->pc_total[k]) agg[CVM_I_OP(p->code[k]) % NOPS] += cp->pc_total[k];
  n = rows_of(agg, NOPS, rows);
  shown = n < top ? n : top;
  head(f, "opcodes", shown, n, "instructions", "opcode");
  for (uint32_t k = 0; k < shown; k++) {
    count(f, rows[k].n, total);
    fprintf(f, "%s\n", op_name(rows[k].key));
  }

  /* opcode pairs: share of all instructions that start such a pair */
  n = rows_of(cp->pair_total, NOPS * NOPS, rows);
  shown = n < top ? n : top;
  head(f, "opcode pairs, superinstruction candidates", shown, n, "times", "first -> next");
  for (uint32_t k = 0; k < shown; k++) {
    count(f, rows[k].n, total);
    fprintf(f, "%s -> %s\n", op_name(rows[k].key / NOPS), op_name(rows[k].key % NOPS));
  }
done:
  free(agg);
  free(rows);
}
