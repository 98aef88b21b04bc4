/*
** cmd_bench.c -- `cockpit bench`: the interpreter benchmark suite, run as
** native code (CC -O2 -fwrapv), on the VM (`cockpit run ART`, the artifact
** built beforehand so compile time is not counted) and under Lua 5.4, with
** the best CPU time (user + system of the child, from wait4) of several
** runs, the ratios and their geometric means; with --callgrind also the
** instruction counts (callgrind's total Ir), which do not depend on noise.
**
** A benchmark is DIR/NAME.c (and, optionally, DIR/NAME.lua); every run of
** every variant must print exactly what the native program prints.
*/
#define _DEFAULT_SOURCE   /* wait4 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "cli.h"
#include "cli_profile.h"

extern char **environ;

#ifndef COCKPIT_BENCH_DIR
#define COCKPIT_BENCH_DIR "bench"
#endif

#define BENCH_MAX     64      /* benchmarks in one directory */
#define BENCH_NAME    48
#define BENCH_OUT     256     /* output compared: the first BENCH_OUT - 1 bytes */
#define NOPS          ((uint32_t)CVM_OP__COUNT)

static const char usage[] =
  "usage: cockpit bench [--runs N] [--only NAME[,NAME...]] [--callgrind] [--json]\n"
  "                     [--profile[=N]] [--dir DIR] [--cc CC] [--lua LUA]\n\n"
  "Build and run the benchmark suite: each DIR/NAME.c natively (CC -O2 -fwrapv),\n"
  "on the VM (built into an artifact first, then `cockpit run ART` is timed) and\n"
  "DIR/NAME.lua under Lua. Times are the best of N runs of the child's CPU time\n"
  "(user + system). Every run must print what the native program prints. The\n"
  "table gives the times, the ratios VM/native, Lua/native and Lua/VM, and their\n"
  "geometric means. Exit status 1 if anything fails to build or run, or prints\n"
  "something else.\n\n"
  "options:\n"
  "  --runs N           runs of each variant, the best counts (default 3)\n"
  "  --only NAMES       only these benchmarks (comma-separated)\n"
  "  --callgrind        also count instructions with valgrind --tool=callgrind\n"
  "                     (native and VM; deterministic, but about 50x slower)\n"
  "  --json             print the results as JSON instead of a table\n"
  "  --profile[=N]      also profile each benchmark on the VM (as run --profile)\n"
  "                     and show the suite's N (10) hottest opcodes and opcode\n"
  "                     pairs, each benchmark weighted equally\n"
  "  --dir DIR          benchmark sources (default: the source tree's bench/)\n"
  "  --cc CC            native compiler (default gcc)\n"
  "  --lua LUA          Lua 5.4 interpreter (default lua5.4; if absent, no Lua column)\n";

/* The three ways to run a benchmark. */
typedef enum bench_variant { BV_NATIVE, BV_VM, BV_LUA, BV__COUNT } bench_variant;
static const char *const bench_variant_names[BV__COUNT] = { "native", "VM", "Lua" };

/* What became of one variant of one benchmark. */
#define BENCH_STATES(X) \
  X(OK,      "ok") \
  X(NONE,    "n/a") \
  X(BUILD,   "no build") \
  X(FAILED,  "failed") \
  X(DIFFERS, "differs")

typedef enum bench_state {
#define X(name, text) BS_##name,
  BENCH_STATES(X)
#undef X
} bench_state;

static const char *const bench_state_text[] = {
#define X(name, text) text,
  BENCH_STATES(X)
#undef X
};

typedef struct bench {
  char name[BENCH_NAME];
  bool has_lua;
  bench_state st[BV__COUNT];
  double best[BV__COUNT];       /* seconds; HUGE_VAL until measured */
  uint64_t ir[2];               /* callgrind: native, VM; 0 if not counted */
  uint64_t vm_instr;            /* --profile: VM instructions executed, 0 if not */
  bench_state cg[2];            /* callgrind runs: native, VM */
  char out[BENCH_OUT];          /* what the native program printed */
  size_t outlen;
} bench;

typedef struct bench_ctx {
  const char *dir, *cc, *lua, *valgrind;   /* paths of the programs */
  const char *cc_name;                     /* --cc as given */
  char work[256];               /* temporary directory */
  char self[1024];              /* this cockpit executable */
  char cc_version[64], lua_version[64], valgrind_version[64];
  unsigned runs;
  bool callgrind, json;
  unsigned prof_top;            /* --profile rows, 0: no profile */
  unsigned nprof;               /* benchmarks profiled */
  double op_sum[NOPS], op_max[NOPS];                /* shares of instructions */
  double pair_sum[NOPS * NOPS], pair_max[NOPS * NOPS];
  bench b[BENCH_MAX];
  unsigned n;
} bench_ctx;

/* ---- files and programs ------------------------------------------------ */

static void path_of(char *buf, size_t n, const char *dir, const char *name, const char *ext) {
  snprintf(buf, n, "%s/%s%s", dir, name, ext);
}

/* Up to cap-1 bytes of a file, NUL-terminated; the length, or -1. */
static long slurp(const char *path, char *buf, size_t cap) {
  FILE *f = fopen(path, "rb");
  if (!f) return -1;
  size_t n = fread(buf, 1, cap - 1, f);
  buf[n] = '\0';
  fclose(f);
  return (long)n;
}

/* PROG itself if it has a slash, else the first executable in PATH; or NULL. */
static const char *find_prog(const char *prog, char *buf, size_t n) {
  if (strchr(prog, '/')) return access(prog, X_OK) == 0 ? prog : NULL;
  const char *path = getenv("PATH");
  if (!path) path = "/usr/bin:/bin";
  while (*path) {
    size_t k = strcspn(path, ":");
    if (k > 0 && k + strlen(prog) + 2 <= n) {
      snprintf(buf, n, "%.*s/%s", (int)k, path, prog);
      if (access(buf, X_OK) == 0) return buf;
    }
    path += k;
    if (*path == ':') path++;
  }
  return NULL;
}

/* Start argv with stdin from /dev/null, stdout and stderr into files
** (NULL: inherited). Returns the pid, or -1. */
static pid_t spawn(char *const argv[], const char *out, const char *err) {
  posix_spawn_file_actions_t fa;
  pid_t pid;
  if (posix_spawn_file_actions_init(&fa)) return -1;
  int rc = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  if (!rc && out) rc = posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!rc && err) rc = posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!rc) rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  return rc ? -1 : pid;
}

/* Run to the end: exit status (-1 if it could not start or was killed);
** *cpu: its user + system seconds, if not NULL. */
static int run(char *const argv[], const char *out, const char *err, double *cpu) {
  pid_t pid = spawn(argv, out, err);
  if (pid < 0) return -1;
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0)
    if (errno != EINTR) return -1;
  if (cpu)
    *cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The first line a program prints with `arg` (e.g. --version), cut at two
** spaces (Lua's banner), into buf; "" if none. */
static void version_of(bench_ctx *c, const char *prog, const char *arg, char *buf, size_t n) {
  char out[300], text[256];
  snprintf(out, sizeof out, "%s/version.txt", c->work);
  char *argv[] = { (char *)prog, (char *)arg, NULL };
  buf[0] = '\0';
  if (run(argv, out, "/dev/null", NULL) != 0 || slurp(out, text, sizeof text) <= 0) return;
  text[strcspn(text, "\n")] = '\0';
  char *two = strstr(text, "  ");
  if (two) *two = '\0';
  snprintf(buf, n, "%.*s", (int)(n - 1), text);
}

/* ---- the suite --------------------------------------------------------- */

static int name_cmp(const void *a, const void *b) {
  return strcmp(((const bench *)a)->name, ((const bench *)b)->name);
}

/* Fill c->b with DIR/ *.c, or only the names in `only`. */
static int discover(bench_ctx *c, const char *only) {
  DIR *d = opendir(c->dir);
  if (!d) return cli_error("bench", "%s: %s", c->dir, strerror(errno));
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t k = strlen(e->d_name);
    if (k < 3 || k - 2 >= BENCH_NAME || !cli_has_suffix(e->d_name, ".c")) continue;
    if (c->n == BENCH_MAX) {
      closedir(d);
      return cli_error("bench", "%s: more than %d benchmarks", c->dir, BENCH_MAX);
    }
    bench *b = &c->b[c->n++];
    memset(b, 0, sizeof *b);
    memcpy(b->name, e->d_name, k - 2);
  }
  closedir(d);
  qsort(c->b, c->n, sizeof c->b[0], name_cmp);
  if (only) {
    bool want[BENCH_MAX] = { false };
    for (const char *s = only; *s;) {
      size_t k = strcspn(s, ",");
      unsigned i = 0;
      while (i < c->n && !(strlen(c->b[i].name) == k && strncmp(c->b[i].name, s, k) == 0)) i++;
      if (k == 0 || i == c->n)
        return cli_usage_error("bench", "--only: no benchmark '%.*s' in %s", (int)k, s, c->dir);
      want[i] = true;
      s += k;
      if (*s == ',') s++;
    }
    unsigned m = 0;
    for (unsigned i = 0; i < c->n; i++)
      if (want[i]) c->b[m++] = c->b[i];
    c->n = m;
  }
  if (c->n == 0) return cli_error("bench", "%s: no benchmarks (*.c)", c->dir);
  return CLI_EXIT_OK;
}

/* Native executable and VM artifact of one benchmark. */
static void build(bench_ctx *c, bench *b) {
  char src[512], exe[512], art[512], lua[512];
  path_of(src, sizeof src, c->dir, b->name, ".c");
  path_of(exe, sizeof exe, c->work, b->name, ".native");
  path_of(art, sizeof art, c->work, b->name, ".cvm1");
  path_of(lua, sizeof lua, c->dir, b->name, ".lua");
  for (int v = 0; v < BV__COUNT; v++) {
    b->st[v] = BS_OK;
    b->best[v] = HUGE_VAL;
  }
  b->cg[0] = b->cg[1] = BS_NONE;

  char *cc[] = { (char *)c->cc, "-O2", "-fwrapv", "-w", "-o", exe, src, NULL };
  if (run(cc, NULL, NULL, NULL) != 0) {
    cli_error("bench", "%s: native build with %s failed", src, c->cc);
    b->st[BV_NATIVE] = BS_BUILD;
  }

  size_t len;
  char *text = cli_read_file("bench", src, &len);
  uint8_t *bytes = NULL;
  size_t nbytes = 0;
  cli_build_opts o;
  cli_build_opts_init(&o);
  if (!text || cli_build("bench", src, text, len, &o, &bytes, &nbytes) != CLI_EXIT_OK ||
      cli_write_file("bench", art, bytes, nbytes) != CLI_EXIT_OK)
    b->st[BV_VM] = BS_BUILD;
  free(text);
  free(bytes);

  b->has_lua = c->lua && access(lua, R_OK) == 0;
  if (!b->has_lua) b->st[BV_LUA] = BS_NONE;
}

/* argv of variant v of b (paths in the three buffers). */
static void argv_of(bench_ctx *c, const bench *b, bench_variant v, char *p, size_t n,
                    char *argv[4]) {
  switch (v) {
  case BV_NATIVE:
    path_of(p, n, c->work, b->name, ".native");
    argv[0] = p, argv[1] = NULL;
    break;
  case BV_VM:
    path_of(p, n, c->work, b->name, ".cvm1");
    argv[0] = c->self, argv[1] = "run", argv[2] = p, argv[3] = NULL;
    break;
  default:
    path_of(p, n, c->dir, b->name, ".lua");
    argv[0] = (char *)c->lua, argv[1] = p, argv[2] = NULL;
    break;
  }
}

/* Compare a run's output with the native one (the first native run sets
** it); BS_OK or BS_DIFFERS, with a message. */
static bench_state check_output(bench *b, bench_variant v, const char *outfile, const char *what) {
  char got[BENCH_OUT];
  long n = slurp(outfile, got, sizeof got);
  if (n < 0) n = 0;
  if (v == BV_NATIVE && b->outlen == 0) {
    memcpy(b->out, got, (size_t)n + 1);
    b->outlen = (size_t)n;
    if (n > 0) return BS_OK;
  }
  if ((size_t)n == b->outlen && memcmp(got, b->out, b->outlen) == 0 && n > 0) return BS_OK;
  got[strcspn(got, "\n")] = '\0';
  cli_error("bench", "%s: %s printed '%s', native printed '%.*s'", b->name, what, got,
            (int)strcspn(b->out, "\n"), b->out);
  return BS_DIFFERS;
}

static void time_one(bench_ctx *c, bench *b, bench_variant v) {
  if (b->st[v] != BS_OK || (v != BV_NATIVE && b->st[BV_NATIVE] != BS_OK)) return;
  char p[512], out[512], err[512];
  char *argv[4];
  argv_of(c, b, v, p, sizeof p, argv);
  snprintf(out, sizeof out, "%s/%s.%s.out", c->work, b->name, bench_variant_names[v]);
  snprintf(err, sizeof err, "%s/%s.%s.err", c->work, b->name, bench_variant_names[v]);
  double t;
  int rc = run(argv, out, err, &t);
  if (rc != 0) {
    char msg[200];
    long k = slurp(err, msg, sizeof msg);
    if (k > 0) msg[strcspn(msg, "\n")] = '\0';
    cli_error("bench", "%s: %s run failed (status %d)%s%s", b->name, bench_variant_names[v], rc,
              k > 0 ? ": " : "", k > 0 ? msg : "");
    b->st[v] = BS_FAILED;
    return;
  }
  if ((b->st[v] = check_output(b, v, out, bench_variant_names[v])) != BS_OK) return;
  if (t < b->best[v]) b->best[v] = t;
}

/* ---- callgrind ------------------------------------------------------------ */

/* Has a best time: built, ran, printed what native printed. */
static bool timed(const bench *b, bench_variant v) { return b->st[v] == BS_OK && b->best[v] < HUGE_VAL; }

typedef struct cg_job { bench *b; bench_variant v; pid_t pid; } cg_job;

static void cg_paths(bench_ctx *c, const cg_job *j, char *out, char *err, size_t n) {
  snprintf(out, n, "%s/%s.%s.cg.out", c->work, j->b->name, bench_variant_names[j->v]);
  snprintf(err, n, "%s/%s.%s.cg.err", c->work, j->b->name, bench_variant_names[j->v]);
}

static void cg_finish(bench_ctx *c, cg_job *j, int status) {
  char out[512], err[512], text[8192];
  cg_paths(c, j, out, err, sizeof out);
  const char *what = j->v == BV_NATIVE ? "native (callgrind)" : "VM (callgrind)";
  long n = slurp(err, text, sizeof text);
  const char *at = n > 0 ? strstr(text, "Collected : ") : NULL;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !at) {
    cli_error("bench", "%s: %s failed", j->b->name, what);
    j->b->cg[j->v] = BS_FAILED;
    return;
  }
  if ((j->b->cg[j->v] = check_output(j->b, j->v, out, what)) != BS_OK) return;
  j->b->ir[j->v] = strtoull(at + 12, NULL, 10);
}

/* Count instructions of the native and VM variants, two at a time: the
** counts do not depend on load, so parallel runs are fine here. */
static void callgrind_all(bench_ctx *c) {
  cg_job jobs[BENCH_MAX * 2];
  unsigned nj = 0, next = 0, running = 0;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  unsigned par = cpus >= 2 ? 2 : 1;
  for (unsigned i = 0; i < c->n; i++)
    for (int v = BV_NATIVE; v <= BV_VM; v++)
      if (timed(&c->b[i], (bench_variant)v))
        jobs[nj++] = (cg_job){ &c->b[i], (bench_variant)v, -1 };
  while (next < nj || running > 0) {
    while (running < par && next < nj) {
      cg_job *j = &jobs[next++];
      char p[512], out[512], err[512];
      char *sub[4];
      argv_of(c, j->b, j->v, p, sizeof p, sub);
      cg_paths(c, j, out, err, sizeof out);
      char *argv[8] = { (char *)c->valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null" };
      for (int k = 0; k < 4 && sub[k]; k++) argv[3 + k] = sub[k];
      if (isatty(2)) fprintf(stderr, "bench: callgrind %s %s\n", j->b->name, bench_variant_names[j->v]);
      if ((j->pid = spawn(argv, out, err)) < 0) {
        cli_error("bench", "%s: cannot start %s", j->b->name, c->valgrind);
        j->b->cg[j->v] = BS_FAILED;
        continue;
      }
      running++;
    }
    if (running == 0) break;
    int status;
    pid_t pid = wait(&status);
    if (pid < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (unsigned k = 0; k < nj; k++)
      if (jobs[k].pid == pid) {
        jobs[k].pid = -1;
        running--;
        cg_finish(c, &jobs[k], status);
      }
  }
}

/* ---- suite profile ---------------------------------------------------------- */

/* Run b's artifact in this process under the profiler; add its shares. */
static void profile_one(bench_ctx *c, bench *b) {
  char art[512];
  path_of(art, sizeof art, c->work, b->name, ".cvm1");
  cli_prog lp;
  if (cli_load("bench", art, NULL, true, &lp) != CLI_EXIT_OK) return;
  FILE *null = fopen("/dev/null", "w");
  board_opts o;
  board_opts_init(&o);
  o.console = null;
  cli_profile cp;
  board_result r;
  if (!null || !cli_profile_start(&cp, &lp.prog, &o)) {
    cli_error("bench", "%s: out of memory for the profile", b->name);
  } else {
    if (board_run(&lp.prog, NULL, &o, &r) != 0 || r.stop != BOARD_STOP_EXIT) {
      cli_error("bench", "%s: profile run failed", b->name);
    } else {
      cli_profile_finish(&cp);
      uint64_t total = 0;
      for (uint32_t k = 0; k < lp.prog.ncode; k++) total += cp.pc_total[k];
      if (total) {
        double op[NOPS] = { 0 };
        for (uint32_t k = 0; k < lp.prog.ncode; k++)
          op[CVM_I_OP(lp.prog.code[k]) % NOPS] += (double)cp.pc_total[k] / (double)total;
        for (uint32_t k = 0; k < NOPS; k++) {
          c->op_sum[k] += op[k];
          if (op[k] > c->op_max[k]) c->op_max[k] = op[k];
        }
        for (uint32_t k = 0; k < NOPS * NOPS; k++) {
          double s = (double)cp.pair_total[k] / (double)total;
          c->pair_sum[k] += s;
          if (s > c->pair_max[k]) c->pair_max[k] = s;
        }
        b->vm_instr = total;
        c->nprof++;
      }
    }
    cli_profile_free(&cp);
  }
  if (null) fclose(null);
  cli_prog_free(&lp);
}

typedef struct srow { double v; uint32_t key; } srow;

static int srow_cmp(const void *a, const void *b) {
  const srow *x = a, *y = b;
  if (x->v != y->v) return x->v > y->v ? -1 : 1;
  return x->key < y->key ? -1 : x->key > y->key;
}

/* Nonzero entries of v[0..n), largest first, into out; returns how many. */
static uint32_t srows(const double *v, uint32_t n, srow *out) {
  uint32_t k = 0;
  for (uint32_t i = 0; i < n; i++)
    if (v[i] > 0) out[k++] = (srow){ v[i], i };
  qsort(out, k, sizeof *out, srow_cmp);
  return k;
}

static const char *op_name(uint32_t op) { return cvm_opinfo_table[op % NOPS].name; }

static void print_profile(const bench_ctx *c) {
  static srow rows[NOPS * NOPS];
  printf("\nVM profile (each benchmark weighted equally; shares of executed instructions)\n");
  /* with callgrind: host instructions per VM instruction (process start included) */
  printf("%-12s %14s%s\n", "benchmark", "instructions", c->callgrind ? "  host per VM" : "");
  for (unsigned i = 0; i < c->n; i++) {
    const bench *b = &c->b[i];
    if (!b->vm_instr) continue;
    printf("%-12s %14llu", b->name, (unsigned long long)b->vm_instr);
    if (c->callgrind && b->ir[1]) printf("  %11.1f", (double)b->ir[1] / (double)b->vm_instr);
    printf("\n");
  }
  if (c->nprof == 0) return;
  for (int t = 0; t < 2; t++) {
    uint32_t n = t == 0 ? srows(c->op_sum, NOPS, rows) : srows(c->pair_sum, NOPS * NOPS, rows);
    uint32_t shown = n < c->prof_top ? n : c->prof_top;
    const char *title = t == 0 ? "opcodes" : "opcode pairs, superinstruction candidates";
    if (shown < n) printf("\n%s (top %u of %u):\n", title, (unsigned)shown, (unsigned)n);
    else printf("\n%s:\n", title);
    printf("  %10s  %10s  %s\n", "mean share", "max share", t == 0 ? "opcode" : "first -> next");
    for (uint32_t k = 0; k < shown; k++) {
      uint32_t key = rows[k].key;
      double max = t == 0 ? c->op_max[key] : c->pair_max[key];
      printf("  %9.1f%%  %9.1f%%  ", 100.0 * rows[k].v / c->nprof, 100.0 * max);
      if (t == 0) printf("%s\n", op_name(key));
      else printf("%s -> %s\n", op_name(key / NOPS), op_name(key % NOPS));
    }
  }
}

static void json_profile(cli_json *j, const bench_ctx *c) {
  static srow rows[NOPS * NOPS];
  cli_json_key(j, "profile"), cli_json_open(j, '{');
  cli_json_key(j, "instructions"), cli_json_open(j, '{');
  for (unsigned i = 0; i < c->n; i++)
    if (c->b[i].vm_instr) cli_json_key(j, c->b[i].name), cli_json_int(j, (int64_t)c->b[i].vm_instr);
  cli_json_close(j, '}');
  for (int t = 0; t < 2; t++) {
    uint32_t n = c->nprof == 0 ? 0
               : t == 0 ? srows(c->op_sum, NOPS, rows) : srows(c->pair_sum, NOPS * NOPS, rows);
    if (n > c->prof_top) n = c->prof_top;
    cli_json_key(j, t == 0 ? "opcodes" : "pairs"), cli_json_open(j, '[');
    for (uint32_t k = 0; k < n; k++) {
      uint32_t key = rows[k].key;
      cli_json_open(j, '{');
      if (t == 0) {
        cli_json_key(j, "op"), cli_json_str(j, op_name(key));
      } else {
        cli_json_key(j, "first"), cli_json_str(j, op_name(key / NOPS));
        cli_json_key(j, "next"), cli_json_str(j, op_name(key % NOPS));
      }
      cli_json_key(j, "mean_share"), cli_json_num(j, rows[k].v / c->nprof, 5);
      cli_json_key(j, "max_share"), cli_json_num(j, t == 0 ? c->op_max[key] : c->pair_max[key], 5);
      cli_json_close(j, '}');
    }
    cli_json_close(j, ']');
  }
  cli_json_close(j, '}');
}

/* ---- results -------------------------------------------------------------- */


/* Ratio x/y of two variants; NAN when either is missing. */
static double ratio(const bench *b, bench_variant x, bench_variant y) {
  if (!timed(b, x) || !timed(b, y) || b->best[y] <= 0) return NAN;
  return b->best[x] / b->best[y];
}

static double ir_ratio(const bench *b) {
  return b->ir[0] && b->ir[1] ? (double)b->ir[1] / (double)b->ir[0] : NAN;
}

/* Geometric mean of f over the benchmarks where it is defined; NAN if none. */
static double geomean(const bench_ctx *c, double (*f)(const bench *, const void *), const void *arg) {
  double s = 0;
  unsigned k = 0;
  for (unsigned i = 0; i < c->n; i++) {
    double r = f(&c->b[i], arg);
    if (r > 0 && isfinite(r)) s += log(r), k++;
  }
  return k ? exp(s / k) : NAN;
}

static const bench_variant ratio_pairs[3][2] = {
  { BV_VM, BV_NATIVE }, { BV_LUA, BV_NATIVE }, { BV_LUA, BV_VM } };
static const char *const ratio_names[3] = { "VM/native", "Lua/native", "Lua/VM" };

static double pair_ratio(const bench *b, const void *pair) {
  const bench_variant *p = pair;
  return ratio(b, p[0], p[1]);
}
static double ir_ratio_of(const bench *b, const void *unused) {
  (void)unused;
  return ir_ratio(b);
}

static void machine(char *cpu, size_t n, long *ncpu) {
  char text[16384];
  *ncpu = sysconf(_SC_NPROCESSORS_ONLN);
  snprintf(cpu, n, "unknown");
  if (slurp("/proc/cpuinfo", text, sizeof text) <= 0) return;
  char *m = strstr(text, "model name");
  if (!m || !(m = strchr(m, ':'))) return;
  m += 1 + strspn(m + 1, " \t");
  snprintf(cpu, n, "%.*s", (int)strcspn(m, "\n"), m);
}

static void cell_time(const bench *b, bench_variant v) {
  if (timed(b, v)) printf(" %10.1f", b->best[v] * 1e3);
  else printf(" %10s", b->st[v] == BS_OK ? "-" : bench_state_text[b->st[v]]);
}

static void cell_ratio(double r) {
  if (isfinite(r)) printf(" %10.2f", r);
  else printf(" %10s", "-");
}

static void print_table(const bench_ctx *c, const char *date, const char *cpu, long ncpu) {
  printf("cockpit bench, %s: %u benchmark%s, best of %u run%s, CPU time (user + system)\n", date,
         c->n, c->n == 1 ? "" : "s", c->runs, c->runs == 1 ? "" : "s");
  printf("machine: %s, %ld CPU%s\n", cpu, ncpu, ncpu == 1 ? "" : "s");
  printf("native: %s %s -O2 -fwrapv; VM: cockpit %s; Lua: %s\n\n", c->cc_name, c->cc_version,
         COCKPIT_VERSION, c->lua ? c->lua_version : "not found");
  printf("%-12s %10s %10s %10s %10s %10s %10s  %s\n", "benchmark", "native ms", "VM ms", "Lua ms",
         ratio_names[0], ratio_names[1], ratio_names[2], "output");
  for (unsigned i = 0; i < c->n; i++) {
    const bench *b = &c->b[i];
    printf("%-12s", b->name);
    for (int v = 0; v < BV__COUNT; v++) cell_time(b, (bench_variant)v);
    for (int k = 0; k < 3; k++) cell_ratio(ratio(b, ratio_pairs[k][0], ratio_pairs[k][1]));
    printf("  %.*s\n", (int)strcspn(b->out, "\n"), b->out);
  }
  printf("%-12s %10s %10s %10s", "geomean", "", "", "");
  for (int k = 0; k < 3; k++) cell_ratio(geomean(c, pair_ratio, ratio_pairs[k]));
  printf("\n");
  if (!c->callgrind) return;
  printf("\ninstructions (%s --tool=callgrind, millions)\n", c->valgrind_version);
  printf("%-12s %12s %12s %10s\n", "benchmark", "native", "VM", "VM/native");
  for (unsigned i = 0; i < c->n; i++) {
    const bench *b = &c->b[i];
    printf("%-12s", b->name);
    for (int v = 0; v < 2; v++) {
      if (b->ir[v]) printf(" %12.1f", (double)b->ir[v] / 1e6);
      else printf(" %12s", b->cg[v] == BS_NONE ? "-" : bench_state_text[b->cg[v]]);
    }
    cell_ratio(ir_ratio(b));
    printf("\n");
  }
  printf("%-12s %12s %12s", "geomean", "", "");
  cell_ratio(geomean(c, ir_ratio_of, NULL));
  printf("\n");
}

static void print_results(const bench_ctx *c, const char *date, const char *cpu, long ncpu) {
  print_table(c, date, cpu, ncpu);
  if (c->prof_top) print_profile(c);
}

static void json_ms(cli_json *j, const char *key, const bench *b, bench_variant v) {
  cli_json_key(j, key);
  cli_json_num(j, timed(b, v) ? b->best[v] * 1e3 : NAN, 3);
}

static void print_json(const bench_ctx *c, const char *date, const char *cpu, long ncpu) {
  static const char *const keys[3] = { "vm_native", "lua_native", "lua_vm" };
  cli_json j;
  cli_json_init(&j, stdout);
  cli_json_open(&j, '{');
  cli_json_key(&j, "date"), cli_json_str(&j, date);
  cli_json_key(&j, "machine"), cli_json_open(&j, '{');
  cli_json_key(&j, "cpu"), cli_json_str(&j, cpu);
  cli_json_key(&j, "nproc"), cli_json_int(&j, ncpu);
  cli_json_close(&j, '}');
  cli_json_key(&j, "runs"), cli_json_int(&j, c->runs);
  cli_json_key(&j, "cc"), cli_json_str(&j, c->cc_name);
  cli_json_key(&j, "cc_version"), cli_json_str(&j, c->cc_version);
  cli_json_key(&j, "cc_flags"), cli_json_str(&j, "-O2 -fwrapv");
  cli_json_key(&j, "cockpit_version"), cli_json_str(&j, COCKPIT_VERSION);
  cli_json_key(&j, "lua_version"), cli_json_str(&j, c->lua ? c->lua_version : "");
  cli_json_key(&j, "valgrind_version"), cli_json_str(&j, c->callgrind ? c->valgrind_version : "");
  cli_json_key(&j, "benchmarks"), cli_json_open(&j, '[');
  for (unsigned i = 0; i < c->n; i++) {
    const bench *b = &c->b[i];
    cli_json_open(&j, '{');
    cli_json_key(&j, "name"), cli_json_str(&j, b->name);
    char out[BENCH_OUT];
    snprintf(out, sizeof out, "%.*s", (int)strcspn(b->out, "\n"), b->out);
    cli_json_key(&j, "output"), cli_json_str(&j, out);
    for (int v = 0; v < BV__COUNT; v++) {
      char key[32];
      snprintf(key, sizeof key, "%s_state", v == BV_NATIVE ? "native" : v == BV_VM ? "vm" : "lua");
      cli_json_key(&j, key), cli_json_str(&j, bench_state_text[b->st[v]]);
    }
    json_ms(&j, "native_ms", b, BV_NATIVE);
    json_ms(&j, "vm_ms", b, BV_VM);
    json_ms(&j, "lua_ms", b, BV_LUA);
    for (int k = 0; k < 3; k++)
      cli_json_key(&j, keys[k]), cli_json_num(&j, ratio(b, ratio_pairs[k][0], ratio_pairs[k][1]), 4);
    if (c->callgrind) {
      cli_json_key(&j, "native_instructions"), cli_json_num(&j, b->ir[0] ? (double)b->ir[0] : NAN, 0);
      cli_json_key(&j, "vm_instructions"), cli_json_num(&j, b->ir[1] ? (double)b->ir[1] : NAN, 0);
      cli_json_key(&j, "vm_native_instructions"), cli_json_num(&j, ir_ratio(b), 4);
    }
    cli_json_close(&j, '}');
  }
  cli_json_close(&j, ']');
  cli_json_key(&j, "geomean"), cli_json_open(&j, '{');
  for (int k = 0; k < 3; k++)
    cli_json_key(&j, keys[k]), cli_json_num(&j, geomean(c, pair_ratio, ratio_pairs[k]), 4);
  if (c->callgrind)
    cli_json_key(&j, "vm_native_instructions"), cli_json_num(&j, geomean(c, ir_ratio_of, NULL), 4);
  cli_json_close(&j, '}');
  if (c->prof_top) json_profile(&j, c);
  cli_json_close(&j, '}');
  cli_json_end(&j);
}

/* Remove the work directory and what the suite left in it. */
static void clean(bench_ctx *c) {
  DIR *d = opendir(c->work);
  if (!d) return;
  struct dirent *e;
  char p[600];
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.') continue;
    snprintf(p, sizeof p, "%s/%s", c->work, e->d_name);
    unlink(p);
  }
  closedir(d);
  rmdir(c->work);
}

int cmd_bench(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  static bench_ctx ctx;
  bench_ctx *c = &ctx;
  memset(c, 0, sizeof *c);
  c->dir = COCKPIT_BENCH_DIR;
  c->runs = 3;
  const char *only = NULL, *cc = "gcc", *lua = "lua5.4", *v;
  for (int i = 1; i < argc;) {
    int r;
    if (!strcmp(argv[i], "--callgrind")) { c->callgrind = true; i++; continue; }
    if (!strcmp(argv[i], "--json")) { c->json = true; i++; continue; }
    if ((r = cli_profile_opt("bench", argv[i], &c->prof_top)) < 0) return CLI_EXIT_USAGE;
    if (r > 0 && ++i) continue;
    if ((r = cli_opt(argc, argv, &i, "--runs", &v)) < 0) return CLI_EXIT_USAGE;
    if (r > 0) {
      uint32_t n;
      if (!cli_parse_u32(v, &n) || n < 1 || n > 100)
        return cli_usage_error("bench", "bad --runs '%s' (expected 1..100)", v);
      c->runs = n;
      continue;
    }
    const char **slot[] = { &only, &c->dir, &cc, &lua };
    const char *const names[] = { "--only", "--dir", "--cc", "--lua" };
    for (int k = 0; k < 4 && r == 0; k++) {
      if ((r = cli_opt(argc, argv, &i, names[k], slot[k])) < 0) return CLI_EXIT_USAGE;
      if (r > 0 && !**slot[k]) return cli_usage_error("bench", "%s needs a value", names[k]);
    }
    if (r > 0) continue;
    if (argv[i][0] == '-') return cli_usage_error("bench", "unknown option '%s'", argv[i]);
    return cli_usage_error("bench", "unexpected argument '%s'", argv[i]);
  }

  int rc = discover(c, only);
  if (rc) return rc;
  static char ccbuf[1024], luabuf[1024], vgbuf[1024];
  c->cc_name = cc;
  if (!(c->cc = find_prog(cc, ccbuf, sizeof ccbuf)))
    return cli_error("bench", "native compiler '%s' not found", cc);
  if (!(c->lua = find_prog(lua, luabuf, sizeof luabuf)))
    fprintf(stderr, "cockpit bench: '%s' not found: no Lua times\n", lua);
  if (c->callgrind && !(c->valgrind = find_prog("valgrind", vgbuf, sizeof vgbuf))) {
    fprintf(stderr, "cockpit bench: valgrind not found: no instruction counts\n");
    c->callgrind = false;
  }
  ssize_t k = readlink("/proc/self/exe", c->self, sizeof c->self - 1);
  if (k <= 0 || (size_t)k >= sizeof c->self - 1)
    return cli_error("bench", "cannot find the cockpit executable (/proc/self/exe)");
  c->self[k] = '\0';
  const char *tmp = getenv("TMPDIR");
  snprintf(c->work, sizeof c->work, "%s/cockpit-bench-XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (!mkdtemp(c->work)) return cli_error("bench", "%s: %s", c->work, strerror(errno));

  version_of(c, c->cc, "-dumpfullversion", c->cc_version, sizeof c->cc_version);
  if (c->lua) version_of(c, c->lua, "-v", c->lua_version, sizeof c->lua_version);
  if (c->callgrind) version_of(c, c->valgrind, "--version", c->valgrind_version, sizeof c->valgrind_version);

  for (unsigned i = 0; i < c->n; i++) build(c, &c->b[i]);
  /* Runs interleave the benchmarks, so a passing disturbance costs one run. */
  for (unsigned r = 0; r < c->runs; r++)
    for (unsigned i = 0; i < c->n; i++) {
      if (isatty(2)) fprintf(stderr, "bench: run %u/%u %s\n", r + 1, c->runs, c->b[i].name);
      for (int v = 0; v < BV__COUNT; v++) time_one(c, &c->b[i], (bench_variant)v);
    }
  if (c->callgrind) callgrind_all(c);
  if (c->prof_top)
    for (unsigned i = 0; i < c->n; i++)
      if (timed(&c->b[i], BV_VM)) profile_one(c, &c->b[i]);

  char date[32], cpu[128];
  long ncpu;
  time_t now = time(NULL);
  struct tm tm;
  strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime_r(&now, &tm));
  machine(cpu, sizeof cpu, &ncpu);
  if (c->json) print_json(c, date, cpu, ncpu);
  else print_results(c, date, cpu, ncpu);
  fflush(stdout);
  clean(c);

  rc = CLI_EXIT_OK;
  for (unsigned i = 0; i < c->n; i++)
    for (int v = 0; v < BV__COUNT; v++)
      if ((c->b[i].st[v] != BS_OK && c->b[i].st[v] != BS_NONE) ||
          (v < 2 && c->b[i].cg[v] != BS_OK && c->b[i].cg[v] != BS_NONE))
        rc = CLI_EXIT_ERROR;
  return rc;
}
