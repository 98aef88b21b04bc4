/*
** cmd_sil.c -- `cockpit sil FILE [--board B]`: run a program on emulated
** hardware (software in the loop). Lays out the board's flash image as on
** the real part -- bootloader, hypervisor, the artifact in bank A -- plus
** the SIL harness page with this run's settings, starts QEMU with a time
** limit, passes the guest's console (the board's UART) to stdout, reads
** the hypervisor's report line from semihosting stderr and ends as
** `cockpit run` does: main's status, 70 after a fault, 75 at a limit.
**
** The board comes from the firmware build (src/ports/firmware.mk):
** FIRMWARE/BOARD/board.txt says how to lay out the image and run QEMU;
** FIRMWARE/BOARD/PART.bin are the images. FIRMWARE is --firmware, else
** $COCKPIT_FIRMWARE, else ../firmware beside the cockpit executable.
*/
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "board_serial.h"
#include "boot.h"
#include "cli.h"
#include "link.h"
#include "../ports/hv/hv_sil.h"

static const char usage_head[] =
  "usage: cockpit sil FILE [--board B] [options]\n"
  "       cockpit sil --empty --link PATH [--board B] [options]\n\n"
  "Run an artifact, or a .c or .s file built in memory, on emulated hardware:\n"
  "the board's bootloader and hypervisor firmware with the program in flash\n"
  "bank A, under QEMU. The device checks the artifact (digest, Host ABI, ISA,\n"
  "signature with --trust) and verifies it itself. The guest's console goes\n"
  "to stdout; faults and limits are reported on stderr as by `cockpit run`.\n"
  "Exit status: main's return value; 70 after a fault; 75 at a step or time\n"
  "limit or the host time limit; 1 if the device refuses the program.\n"
  "Needs `make firmware` (or the sil.firmware test) and qemu-system-arm.\n\n"
  "options:\n"
  "  --board B             mps2-an386 (Cortex-M4, default), mps2-an385 (M3),\n"
  "                        mps2-an500 (M7), mps2-an505 (M33), microbit (M0),\n"
  "                        or another board the firmware build made\n"
  "  --firmware DIR        where the firmware build put the boards\n"
  "  --timeout S           host time limit in seconds (default 60)\n"
  "  --trust FILE          provision this public key: the device then runs\n"
  "                        only artifacts it signed (default: unsigned ok)\n"
  "  --counter-floor N     the device's anti-rollback floor\n"
  "  --image FILE          keep the flash image that was run\n"
  "  --hv FILE.bin         put this image in the hypervisor's place (e.g. the\n"
  "                        measuring firmware cockpit-bench.bin)\n"
  "  --events              show the guest's events (event_emit) on stderr, and\n"
  "                        the longest gap between two service passes\n"
  "  --empty               no program: the banks stay erased and the device\n"
  "                        waits for an install on its link\n"
  "  --link PATH           the device's link (UART1) on a pty symlinked at PATH,\n"
  "                        for `cockpit flash --uart PATH`\n"
  "  --health-ms N         the hypervisor confirms a trial after N ms without a\n"
  "                        fault (default 0: only a CONFIRM command does)\n"
  "board options (as cockpit run; time is the emulated board's):\n"
  "  --max-steps N  --max-ms N  --seed N  --device-id N  --uart-in FILE\n"
  "  --realtime            the emulated clock follows the host's (default: it\n"
  "                        counts instructions, 8 ns each, and skips idle time)\n";

#define SIL_MAX_PARTS 4
#define SIL_MAX_ARGS 16
#define SIL_REPORT "cockpit-hv: "

typedef struct sil_board {
  char qemu[64], machine[64];
  char *args[SIL_MAX_ARGS];
  unsigned nargs;
  uint32_t image_size;
  struct { char name[32]; uint32_t off; } part[SIL_MAX_PARTS];
  unsigned nparts;
  uint32_t bank_off, bank_size, sil_off;
  uint32_t load;       /* where QEMU loads the image; 0: -kernel (at 0) */
} sil_board;

static void board_free(sil_board *b) {
  for (unsigned i = 0; i < b->nargs; i++) free(b->args[i]);
  b->nargs = 0;
}

static bool parse_u32(const char *s, uint32_t *v) {
  char *end;
  errno = 0;
  unsigned long x = strtoul(s, &end, 0);
  if (errno || end == s || *end || x > 0xFFFFFFFFul) return false;
  *v = (uint32_t)x;
  return true;
}

/* board.txt: KEY=VALUE lines (src/ports/firmware.mk). */
static int board_load(const char *path, sil_board *b) {
  size_t len;
  char *text = cli_read_file("sil", path, &len);
  if (!text) return CLI_EXIT_ERROR;
  *b = (sil_board){0};
  int rc = CLI_EXIT_OK;
  for (char *save = NULL, *ln = strtok_r(text, "\n", &save); ln && !rc;
       ln = strtok_r(NULL, "\n", &save)) {
    char *v = strchr(ln, '=');
    if (!v) continue;
    *v++ = '\0';
    char *at;
    bool ok = true;
    if (!strcmp(ln, "qemu")) {
      ok = strlen(v) < sizeof b->qemu;
      if (ok) strcpy(b->qemu, v);
    } else if (!strcmp(ln, "machine")) {
      ok = strlen(v) < sizeof b->machine;
      if (ok) strcpy(b->machine, v);
    } else if (!strcmp(ln, "arg")) {
      ok = b->nargs < SIL_MAX_ARGS && (b->args[b->nargs] = strdup(v)) != NULL;
      if (ok) b->nargs++;
    } else if (!strcmp(ln, "image")) {
      ok = parse_u32(v, &b->image_size);
    } else if (!strcmp(ln, "part")) {
      ok = b->nparts < SIL_MAX_PARTS && (at = strchr(v, '@')) != NULL &&
           (size_t)(at - v) < sizeof b->part[0].name;
      if (ok) {
        *at = '\0';
        strcpy(b->part[b->nparts].name, v);
        ok = parse_u32(at + 1, &b->part[b->nparts++].off);
      }
    } else if (!strcmp(ln, "bank")) {
      ok = (at = strchr(v, '+')) != NULL;
      if (ok) {
        *at = '\0';
        ok = parse_u32(v, &b->bank_off) && parse_u32(at + 1, &b->bank_size);
      }
    } else if (!strcmp(ln, "sil")) {
      ok = parse_u32(v, &b->sil_off);
    } else if (!strcmp(ln, "load")) {
      ok = parse_u32(v, &b->load);
    }
    if (!ok) rc = cli_error("sil", "%s: bad line '%s=%s'", path, ln, v);
  }
  free(text);
  if (!rc && (!b->qemu[0] || !b->machine[0] || !b->image_size || !b->bank_size ||
              b->bank_off > b->image_size || b->bank_size > b->image_size - b->bank_off ||
              b->sil_off > b->image_size ||
              sizeof(hv_sil_page) > b->image_size - b->sil_off))
    rc = cli_error("sil", "%s: incomplete or inconsistent board description", path);
  if (rc) board_free(b);
  return rc;
}

/* ---- the flash image ----------------------------------------------------- */

static int place_file(const char *path, uint8_t *img, uint32_t size, uint32_t off) {
  size_t len;
  char *data = cli_read_file("sil", path, &len);
  if (!data) return CLI_EXIT_ERROR;
  int rc = CLI_EXIT_OK;
  if (off > size || len > size - off)
    rc = cli_error("sil", "%s: %zu bytes do not fit at 0x%x", path, len, (unsigned)off);
  else
    memcpy(img + off, data, len);
  free(data);
  return rc;
}

typedef struct sil_opts {
  const board_opts *bo;
  const char *trust;
  uint32_t counter_floor;
  const char *hv;          /* replaces the cockpit-hv part, or NULL */
  uint32_t health_ms;
  const char *link;        /* pty symlink for UART1, or NULL */
  bool empty, events;
} sil_opts;

static void put32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* A slot or floor record: v, ~v (src/boot/boot.h). */
static void put_record(uint8_t *img, uint32_t off, uint32_t v) {
  put32(img + off, v);
  put32(img + off + 4, ~v);
}

static int make_image(const char *dir, const sil_board *b, const cli_prog *p,
                      const sil_opts *so, uint8_t **out) {
  uint8_t *img = malloc(b->image_size);
  if (!img) return cli_error("sil", "out of memory");
  memset(img, 0xFF, b->image_size);             /* erased flash */
  for (unsigned i = 0; i < b->nparts; i++) {
    char path[4200];
    snprintf(path, sizeof path, "%.4000s/%s.bin", dir, b->part[i].name);
    if (so->hv && !strcmp(b->part[i].name, "cockpit-hv")) snprintf(path, sizeof path, "%s", so->hv);
    int rc = place_file(path, img, b->image_size, b->part[i].off);
    if (rc) { free(img); return rc; }
  }
  if (b->bank_off != BOOT_BANK_OFF(0) || b->bank_size != BOOT_BANK_SIZE ||
      b->image_size < BOOT_FLASH_SIZE) {
    free(img);
    return cli_error("sil", "the board's layout is not the product's (src/boot/boot.h)");
  }
  if (!so->empty) {
    if (p->len > BOOT_ART_MAX) {
      free(img);
      return cli_error("sil", "the artifact (%zu bytes) does not fit a bank (%u bytes)",
                       p->len, (unsigned)BOOT_ART_MAX);
    }
    /* Installed and activated, as the programming protocol leaves it. */
    memcpy(img + b->bank_off, p->art, p->len);
    put_record(img, BOOT_REC_OFF(0, BOOT_REC_IMAGE), (uint32_t)p->len);
    put_record(img, BOOT_REC_OFF(0, BOOT_REC_ACTIVE), 1);
  }
  if (so->counter_floor) put_record(img, BOOT_FLOOR_OFF, so->counter_floor);

  uint8_t *pg = img + b->sil_off;
  memset(pg, 0, sizeof(hv_sil_page));
  uint64_t steps = so->bo->max_steps;
  uint64_t ms = so->bo->max_us / 1000u;
  uint32_t words[10] = {
    HV_SIL_MAGIC, HV_SIL_VERSION, so->trust ? 0u : HV_SIL_UNSIGNED_OK,
    (uint32_t)steps, (uint32_t)(steps >> 32), ms > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)ms,
    so->bo->seed, so->bo->device_id, so->counter_floor, so->trust ? 1u : 0u
  };
  for (int i = 0; i < 10; i++) put32(pg + 4 * i, words[i]);
  put32(pg + offsetof(hv_sil_page, health_ms), so->health_ms);
  if (so->trust) {
    cvm1_err e = cvm1_load_pub(so->trust, pg + offsetof(hv_sil_page, keys));
    if (e) {
      free(img);
      return cli_error("sil", "%s: %s", so->trust, cvm1_err_str(e));
    }
  }
  *out = img;
  return CLI_EXIT_OK;
}

/* ---- the hypervisor's report --------------------------------------------- */

typedef struct sil_report {
  bool seen;
  board_result r;
  const char *why;     /* the device refused or crashed: message */
  char msg[256];
  bool waiting;        /* the bootloader waits for an install */
} sil_report;

/* "cockpit-boot: ..." lines: refusals and the wait for an install. */
static void parse_boot(const char *line, sil_report *rep) {
  char bank;
  unsigned st, err, why;
  if (sscanf(line, "bank %c state %u err %u reason %u", &bank, &st, &err, &why) == 4) {
    if (err)
      snprintf(rep->msg, sizeof rep->msg, "refused by the device (bank %c): %s", bank,
               cvm1_err_str((cvm1_err)err));
    else
      snprintf(rep->msg, sizeof rep->msg, "the device will not run bank %c: %s (%s)", bank,
               link_bank_state_str(st), link_reason_str(why));
    rep->why = rep->msg;
  } else if (strstr(line, "waiting for an install")) {
    rep->waiting = true;
  } else if (sscanf(line, "crash exception %u", &st) == 1) {
    snprintf(rep->msg, sizeof rep->msg, "the bootloader crashed: %s", line);
    rep->why = rep->msg;
  }
}

/* The number after the last " KEY " of the line (the verb may hold KEY). */
static uint64_t field(const char *line, const char *key) {
  char pat[32];
  snprintf(pat, sizeof pat, " %s ", key);
  const char *last = NULL;
  for (const char *s = strstr(line, pat); s; s = strstr(s + 1, pat)) last = s;
  return last ? strtoull(last + strlen(pat), NULL, 10) : 0;
}

static void parse_report(const char *line, const cli_prog *p, sil_report *rep) {
  board_result *r = &rep->r;
  unsigned long long a = 0, c = 0, d = 0;
  long long code;
  r->main = p->prog.entry_main != CVM_NO_ENTRY;
  r->steps = field(line, "steps");
  r->time_us = field(line, "us");
  rep->seen = true;
  if (sscanf(line, "exit %lld", &code) == 1) {
    r->stop = BOARD_STOP_EXIT;
    r->exit_code = (int32_t)code;
  } else if (sscanf(line, "fault %llu pc %llu", &a, &c) == 2) {
    r->stop = BOARD_STOP_FAULT;
    r->fault = (cvm_fault)a;
    r->pc = (uint32_t)c;
  } else if (!strncmp(line, "limit ", 6)) {
    r->stop = strncmp(line + 6, "time", 4) ? BOARD_STOP_STEPS : BOARD_STOP_TIME;
    r->pc = (uint32_t)field(line, "pc");
  } else if (sscanf(line, "refused bank %llu err %llu", &a, &c) == 2) {
    snprintf(rep->msg, sizeof rep->msg, "refused by the device (bank %c): %s",
             a ? 'B' : 'A', cvm1_err_str((cvm1_err)c));
    rep->why = rep->msg;
  } else if (sscanf(line, "verify %llu pc %llu func %llu", &a, &c, &d) == 3) {
    const char *fn = cvm_func_name(&p->prog, (uint32_t)d);
    snprintf(rep->msg, sizeof rep->msg, "verification failed on the device: %s (%s) at pc %llu in %s",
             cvm_verr_str((cvm_verr)a), cvm_verr_name((cvm_verr)a), c, fn ? fn : "function");
    rep->why = rep->msg;
  } else if (sscanf(line, "memory need %llu have %llu", &a, &c) == 2) {
    snprintf(rep->msg, sizeof rep->msg,
             "the device's VM memory is too small (%llu bytes needed, %llu available)", a, c);
    rep->why = rep->msg;
  } else if (!strcmp(line, "entry")) {
    rep->why = board_err_str(BOARD_EENTRY);
  } else if (sscanf(line, "crash exception %llu pc %llu", &a, &c) == 2) {
    snprintf(rep->msg, sizeof rep->msg, "the firmware crashed: exception %llu at 0x%08llx", a, c);
    rep->why = rep->msg;
  } else {
    rep->seen = false;
  }
}

/* ---- QEMU ------------------------------------------------------------------- */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

typedef struct sil_run {
  int status;          /* QEMU's exit status, -1 if killed */
  bool timed_out, exec_failed, stopped;
} sil_run;

#define SIL_BOOT "cockpit-boot: "

/* One line of stderr; true when the run is over for us. */
static bool handle_line(char *line, const cli_prog *p, const sil_opts *so, sil_report *rep) {
  if (!strncmp(line, SIL_BOOT, strlen(SIL_BOOT))) {
    if (so->link || so->events) fprintf(stderr, "%s\n", line);
    parse_boot(line + strlen(SIL_BOOT), rep);
    return rep->waiting && !so->link;       /* nothing will ever run */
  }
  if (strncmp(line, SIL_REPORT, strlen(SIL_REPORT))) {
    fprintf(stderr, "%s\n", line);           /* QEMU's own messages */
    return false;
  }
  const char *rest = line + strlen(SIL_REPORT);
  if (!strncmp(rest, "event ", 6) || !strncmp(rest, "trial ", 6)) {
    if (so->events || so->link) fprintf(stderr, "%s\n", line);
    return false;
  }
  parse_report(rest, p, rep);
  if (rep->seen && so->events && strstr(rest, " gap "))
    fprintf(stderr, "sil: the longest gap between two service passes: %llu us (emulated)\n",
            (unsigned long long)field(rest, "gap"));
  return false;
}

static int run_qemu(char *const argv[], const char *uart_in, int link_fd, double timeout,
                    const cli_prog *p, const sil_opts *so, sil_report *rep, sil_run *run) {
  int pipefd[2];
  if (pipe(pipefd) < 0) return cli_error("sil", "pipe: %s", strerror(errno));
  int in = open(uart_in ? uart_in : "/dev/null", O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    close(pipefd[0]);
    close(pipefd[1]);
    return cli_error("sil", "%s: %s", uart_in ? uart_in : "/dev/null", strerror(errno));
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return cli_error("sil", "fork: %s", strerror(errno));
  if (pid == 0) {
    dup2(in, 0);
    dup2(pipefd[1], 2);
    close(pipefd[0]);
    if (link_fd >= 0) fcntl(link_fd, F_SETFD, 0);   /* QEMU's -add-fd */
    execvp(argv[0], argv);
    fprintf(stderr, "cockpit sil: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  close(in);
  close(pipefd[1]);
  *run = (sil_run){0};
  char buf[4096];
  size_t have = 0;
  double deadline = now_s() + timeout;
  for (;;) {
    double left = deadline - now_s();
    if (left <= 0) {
      kill(pid, SIGKILL);
      run->timed_out = true;
      break;
    }
    struct pollfd pf = { pipefd[0], POLLIN, 0 };
    int k = poll(&pf, 1, (int)(left * 1000) + 1);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) continue;
    ssize_t n = read(pipefd[0], buf + have, sizeof buf - 1 - have);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    have += (size_t)n;
    char *start = buf, *nl;
    while ((nl = memchr(start, '\n', have - (size_t)(start - buf)))) {
      *nl = '\0';
      if (handle_line(start, p, so, rep) && !run->stopped) {
        kill(pid, SIGKILL);
        run->stopped = true;
      }
      start = nl + 1;
    }
    have -= (size_t)(start - buf);
    memmove(buf, start, have);
    if (have == sizeof buf - 1) {             /* an overlong line: pass it on */
      buf[have] = '\0';
      handle_line(buf, p, so, rep);
      have = 0;
    }
  }
  if (have) {
    buf[have] = '\0';
    handle_line(buf, p, so, rep);
  }
  close(pipefd[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {}
  run->status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  run->exec_failed = WIFEXITED(st) && WEXITSTATUS(st) == 127 && !rep->seen;
  if (run->stopped) run->status = -1;
  return CLI_EXIT_OK;
}

/* ---- the command ------------------------------------------------------------ */

static char *firmware_dir(const char *opt) {
  if (opt) return strdup(opt);
  const char *env = getenv("COCKPIT_FIRMWARE");
  if (env && *env) return strdup(env);
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0) return strdup("build/firmware");
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (slash) *slash = '\0';
  char *out = malloc(strlen(exe) + 16);
  if (out) sprintf(out, "%s/../firmware", exe);
  return out;
}

static int parse_args(int argc, char **argv, board_opts *o, sil_opts *so, const char **in,
                      const char **board, const char **fwdir, double *timeout,
                      const char **image) {
  for (int i = 1; i < argc;) {
    char msg[256];
    const char *v;
    int r = board_parse_opt(o, argc, argv, &i, msg, sizeof msg);
    if (r < 0) return cli_usage_error("sil", "%s", msg);
    if (r > 0) continue;
    if ((r = cli_opt(argc, argv, &i, "--board", board)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if ((r = cli_opt(argc, argv, &i, "--firmware", fwdir)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if ((r = cli_opt(argc, argv, &i, "--trust", &so->trust)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if ((r = cli_opt(argc, argv, &i, "--image", image)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if ((r = cli_opt(argc, argv, &i, "--hv", &so->hv)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if ((r = cli_opt(argc, argv, &i, "--counter-floor", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_u32(v, &so->counter_floor))
        return cli_usage_error("sil", "bad --counter-floor value '%s'", v);
    } else if ((r = cli_opt(argc, argv, &i, "--timeout", &v)) != 0) {
      uint32_t t;
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_u32(v, &t) || t == 0 || t > 86400)
        return cli_usage_error("sil", "bad --timeout value '%s' (seconds, 1..86400)", v);
      *timeout = t;
    } else if ((r = cli_opt(argc, argv, &i, "--health-ms", &v)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
      if (!cli_parse_u32(v, &so->health_ms))
        return cli_usage_error("sil", "bad --health-ms value '%s'", v);
    } else if (!strcmp(argv[i], "--events")) {
      so->events = true;
      i++;
    } else if (!strcmp(argv[i], "--empty")) {
      so->empty = true;
      i++;
    } else if ((r = cli_opt(argc, argv, &i, "--link", &so->link)) != 0) {
      if (r < 0) return CLI_EXIT_USAGE;
    } else if (argv[i][0] == '-' && argv[i][1]) {
      return cli_usage_error("sil", "unknown option '%s'", argv[i]);
    } else {
      if (*in) return cli_usage_error("sil", "more than one program");
      *in = argv[i++];
    }
  }
  if (!*in && !so->empty) return cli_usage_error("sil", "no program to run");
  if (*in && so->empty) return cli_usage_error("sil", "--empty takes no program");
  if (o->trace || o->step_ns || o->nbutton)
    return cli_usage_error("sil", "--trace, --step-ns and --button are "
                           "simulated-board options (use cockpit run)");
  return CLI_EXIT_OK;
}

int cmd_sil(int argc, char **argv) {
  if (cli_help(argc, argv, usage_head)) return CLI_EXIT_OK;
  board_opts o;
  board_opts_init(&o);
  sil_opts so = { .bo = &o };
  const char *in = NULL, *bname = "mps2-an386", *fwopt = NULL, *keep = NULL;
  double timeout = 60;
  int rc = parse_args(argc, argv, &o, &so, &in, &bname, &fwopt, &timeout, &keep);
  if (rc) return rc;
  if (strchr(bname, '/') || !*bname) return cli_usage_error("sil", "bad board name '%s'", bname);

  char *fw = firmware_dir(fwopt);
  if (!fw) return cli_error("sil", "out of memory");
  char dir[4096], path[4200];
  snprintf(dir, sizeof dir, "%s/%s", fw, bname);
  snprintf(path, sizeof path, "%s/board.txt", dir);
  free(fw);
  if (access(path, R_OK) != 0)
    return cli_error("sil", "no firmware for board '%s' in %s (build it: make firmware)",
                     bname, dir);
  sil_board b;
  if ((rc = board_load(path, &b))) return rc;

  cli_prog p = {0};
  if (in && (rc = cli_load("sil", in, NULL, false, &p))) { board_free(&b); return rc; }
  if (!in) in = "(empty)";
  uint8_t *img = NULL;
  if ((rc = make_image(dir, &b, &p, &so, &img))) goto done;

  char tmp[] = "/tmp/cockpit-sil-XXXXXX";
  const char *imgpath = keep;
  int fd = keep ? open(keep, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : mkstemp(tmp);
  if (!keep) imgpath = tmp;
  if (fd < 0 || write(fd, img, b.image_size) != (ssize_t)b.image_size) {
    rc = cli_error("sil", "%s: %s", imgpath, strerror(errno));
    if (fd >= 0) close(fd);
    goto done;
  }
  close(fd);

  char *qargv[32 + SIL_MAX_ARGS];
  unsigned n = 0;
  qargv[n++] = b.qemu;
  qargv[n++] = "-M";
  qargv[n++] = b.machine;
  qargv[n++] = "-display";
  qargv[n++] = "none";
  qargv[n++] = "-monitor";
  qargv[n++] = "none";
  qargv[n++] = "-serial";
  qargv[n++] = "stdio";
  board_serial ser = { .fd = -1, .keep = -1 };
  char addfd[32];
  if (so.link) {             /* UART1, the link, on our pty */
    char msg[300];
    if (board_serial_serve(&ser, so.link, 115200, msg, sizeof msg) < 0) {
      rc = cli_error("sil", "%s", msg);
      if (!keep) unlink(tmp);
      goto done;
    }
    snprintf(addfd, sizeof addfd, "fd=%d,set=1", ser.fd);
    qargv[n++] = "-add-fd";
    qargv[n++] = addfd;
    qargv[n++] = "-chardev";
    qargv[n++] = "serial,id=link,path=/dev/fdset/1";
    qargv[n++] = "-serial";
    qargv[n++] = "chardev:link";
  }
  /* Virtual time from the instruction count, 8 ns each (a 125 MHz core):
  ** deterministic, and idle time (delay) passes at once. */
  if (!o.realtime) {
    qargv[n++] = "-icount";
    qargv[n++] = "shift=3,sleep=off";
  }
  for (unsigned i = 0; i < b.nargs; i++) qargv[n++] = b.args[i];
  char loader[4200];
  if (b.load) {           /* boards that boot elsewhere than 0 (AN505) */
    snprintf(loader, sizeof loader, "loader,file=%s,addr=0x%x,force-raw=on", imgpath,
             (unsigned)b.load);
    qargv[n++] = "-device";
    qargv[n++] = loader;
  } else {
    qargv[n++] = "-kernel";
    qargv[n++] = (char *)imgpath;
  }
  qargv[n] = NULL;

  sil_report rep = {0};
  sil_run run = {0};
  rc = run_qemu(qargv, o.uart_in, ser.fd, timeout, &p, &so, &rep, &run);
  fflush(stdout);
  if (so.link) board_serial_close(&ser);
  if (!keep) unlink(tmp);
  if (rc) goto done;
  if (run.exec_failed) {
    rc = CLI_EXIT_ERROR;
  } else if (run.timed_out) {
    fprintf(stderr, "stopped: host time limit of %.0f s reached\n", timeout);
    rc = BOARD_STATUS_LIMIT;
  } else if (rep.why) {
    rc = cli_error("sil", "%s: %s", in, rep.why);
  } else if (rep.waiting && !rep.seen) {
    rc = cli_error("sil", "%s: the device has nothing it may run: its bootloader waits for an "
                   "install", in);
  } else if (!rep.seen) {
    rc = cli_error("sil", "%s: QEMU ended (status %d) without a report from the hypervisor",
                   in, run.status);
  } else {
    char line[512];
    if (so.empty)             /* the installed program is not known here */
      rep.r.main = !(rep.r.stop == BOARD_STOP_TIME && run.status == 0);
    if (board_describe(line, sizeof line, &p.prog, &rep.r) > 0) fprintf(stderr, "%s\n", line);
    rc = board_exit_status(&rep.r);
    if (run.status != (rc & 0xFF))
      rc = cli_error("sil", "%s: QEMU exit status %d disagrees with the report (%d)", in,
                     run.status, rc);
  }
done:
  free(img);
  cli_prog_free(&p);
  board_free(&b);
  return rc;
}
