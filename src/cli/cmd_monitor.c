/*
** cmd_monitor.c -- `cockpit monitor`: subscribe to a running device's
** notifications (docs/sideband.md) and print one line for each heartbeat,
** event, log line and telemetry sample, as text or JSON Lines.
*/
#include <signal.h>
#include <string.h>

#include "cli_link.h"

static const char usage[] =
  "usage: cockpit monitor --uart PATH [--json] [--seconds N] [options]\n\n"
  "Watch the device at the serial port PATH: subscribe to its notifications\n"
  "(SET NOTIFY: heartbeat, log, telemetry, event), renew the subscription every\n"
  "3 s, and print one line per notification until interrupted (Ctrl-C; the\n"
  "subscription is cancelled on the way out) or for N seconds. Each line\n"
  "starts with the seconds since the monitor started:\n"
  "  2.013 heartbeat up 12.3 s boot 1a2b3c4d running bank A trial host ready steps 41230\n"
  "  2.100 log 17: hello                   (\"log 15-16 lost\" before it if lines were lost)\n"
  "  2.500 telemetry up 12.5 s uptime_ms=12500 steps=41500 guest temp=23\n"
  "  3.001 event faulted: division by zero pc 40 bank A version 1.2.0\n"
  "  0.004 monitor bootloader: the device answers no runtime requests; polling HELLO\n"
  "Lost lines are reported, as are the device's lost notifications (heartbeat\n"
  "\"lost\") and notifications that did not arrive (\"monitor missed N\").\n\n"
  "  --json                one JSON object per line (JSON Lines), with the keys\n"
  "                        of docs/sideband.md (\"type\": heartbeat, log,\n"
  "                        telemetry, event, monitor, missed)\n"
  "  --seconds N           stop after N seconds (exit 0)\n"
  "  --uart PATH           the device's serial port (required)\n"
  CLI_LINK_OPTS_HELP
  "Exit status: 0 interrupted or done, 1 the link cannot be opened, the device\n"
  "does not answer at the start, or the link fails; 2 usage.\n";

#define RENEW_MS 3000u      /* well inside the device's LINK_NOTE_LEASE_MS */
#define POLL_MS 1000u       /* HELLO while the device is in its bootloader */
#define ALL_NOTES (LINK_NOTE_MASK(LINK_NOTE_HEARTBEAT) | LINK_NOTE_MASK(LINK_NOTE_LOG) | \
                   LINK_NOTE_MASK(LINK_NOTE_TELEMETRY) | LINK_NOTE_MASK(LINK_NOTE_EVENT))

typedef struct mon {
  bool json;
  uint64_t t0;
  uint32_t boot_id;          /* from the last heartbeat or HELLO */
  bool have_boot, have_seq, resubscribe;
  uint16_t last_seq;         /* the last notification's sequence number */
} mon;

static volatile sig_atomic_t stop_now;
static void on_signal(int sig) { (void)sig; stop_now = 1; }

/* ---- output: the line's start, in text or JSON ---------------------------- */

static double elapsed(const mon *m) { return (double)(board_serial_now_ms() - m->t0) / 1000.0; }

static void json_start(const mon *m, cli_json *j, const char *type) {
  cli_json_init_line(j, stdout);
  cli_json_open(j, '{');
  cli_json_key(j, "type"); cli_json_str(j, type);
  cli_json_key(j, "t"); cli_json_num(j, elapsed(m), 3);
}
static void json_end(cli_json *j) {
  cli_json_close(j, '}');
  cli_json_end(j);
  fflush(stdout);
}
static void text_start(const mon *m, const char *type) { printf("%.3f %s", elapsed(m), type); }
static void text_end(void) {
  putchar('\n');
  fflush(stdout);
}

static void say(const mon *m, const char *state, const char *text) {
  if (m->json) {
    cli_json j;
    json_start(m, &j, "monitor");
    cli_json_key(&j, "state"); cli_json_str(&j, state);
    cli_json_key(&j, "message"); cli_json_str(&j, text);
    json_end(&j);
  } else {
    text_start(m, "monitor");
    printf(" %s: %s", state, text);
    text_end();
  }
}

static void bank_str(char *b, uint32_t bank) { b[0] = bank < LINK_NBANKS ? cli_bank_letter(bank) : 0; b[1] = 0; }

/* ---- one printer per notification kind -------------------------------------- */

static bool show_heartbeat(mon *m, const uint8_t *p, uint32_t n) {
  link_heartbeat h;
  if (!link_heartbeat_get(p, n, &h)) return false;
  if (m->have_boot && h.boot_id != m->boot_id) m->resubscribe = true;   /* it reset */
  m->boot_id = h.boot_id;
  m->have_boot = true;
  char bank[2];
  bank_str(bank, h.running);
  if (m->json) {
    cli_json j;
    json_start(m, &j, "heartbeat");
    cli_json_key(&j, "uptime_ms"); cli_json_int(&j, (int64_t)h.uptime_ms);
    cli_json_key(&j, "boot_id"); cli_json_int(&j, h.boot_id);
    cli_json_key(&j, "vm_state"); cli_json_str(&j, link_vm_state_name(h.vm_state));
    cli_json_key(&j, "host_state"); cli_json_str(&j, link_host_state_name(h.host_state));
    cli_json_key(&j, "bank"); cli_json_str(&j, bank);
    cli_json_key(&j, "trial"); cli_json_bool(&j, h.trial != 0);
    cli_json_key(&j, "steps"); cli_json_int(&j, (int64_t)h.steps);
    cli_json_key(&j, "log_next"); cli_json_int(&j, h.log_next);
    cli_json_key(&j, "log_lost"); cli_json_int(&j, h.log_lost);
    cli_json_key(&j, "notes_lost"); cli_json_int(&j, h.notes_lost);
    cli_json_key(&j, "bbox_next"); cli_json_int(&j, h.bbox_next);
    json_end(&j);
    return true;
  }
  text_start(m, "heartbeat");
  printf(" up %.1f s boot %08x %s", (double)h.uptime_ms / 1000.0, (unsigned)h.boot_id,
         link_vm_state_name(h.vm_state));
  if (bank[0]) printf(" bank %s%s", bank, h.trial ? " trial" : "");
  printf(" host %s steps %llu", link_host_state_name(h.host_state), (unsigned long long)h.steps);
  if (h.log_lost || h.notes_lost)
    printf(" lost %u log lines, %u notifications", (unsigned)h.log_lost, (unsigned)h.notes_lost);
  if (h.bbox_next) printf(" blackbox %u", (unsigned)h.bbox_next);
  text_end();
  return true;
}

static bool show_log(mon *m, const uint8_t *p, uint32_t n) {
  link_log_note l;
  if (!link_log_note_get(p, n, &l)) return false;
  char text[LINK_LOG_LINE_MAX + 1];
  cli_text(text, (const uint8_t *)l.text, l.len);
  if (m->json) {
    cli_json j;
    json_start(m, &j, "log");
    cli_json_key(&j, "line"); cli_json_int(&j, l.seq);
    cli_json_key(&j, "lost"); cli_json_int(&j, l.lost);
    cli_json_key(&j, "level"); cli_json_int(&j, l.level);
    cli_json_key(&j, "uptime_ms"); cli_json_int(&j, (int64_t)l.uptime_ms);
    cli_json_key(&j, "text"); cli_json_str(&j, text);
    json_end(&j);
    return true;
  }
  if (l.lost) {
    text_start(m, "log");
    printf(" %u-%u lost (%u lines the device could not keep)", (unsigned)(l.seq - l.lost),
           (unsigned)(l.seq - 1), (unsigned)l.lost);
    text_end();
  }
  text_start(m, "log");
  printf(" %u: %s", (unsigned)l.seq, text);
  text_end();
  return true;
}

static bool show_telemetry(mon *m, const uint8_t *p, uint32_t n) {
  static link_telemetry t;
  if (!link_telemetry_get(p, n, &t)) return false;
  char name[LINK_NAME_MAX + 1];
  cli_json j;
  if (m->json) {
    json_start(m, &j, "telemetry");
    cli_json_key(&j, "uptime_ms"); cli_json_int(&j, (int64_t)t.uptime_ms);
    cli_json_key(&j, "values");
    cli_json_open(&j, '[');
  } else {
    text_start(m, "telemetry");
    printf(" up %.1f s", (double)t.uptime_ms / 1000.0);
  }
  for (int guest = 0; guest < 2; guest++) {     /* the host's values, then the guest's */
    bool first = true;
    for (uint32_t i = 0; i < t.count; i++) {
      const link_tvalue *v = &t.v[i];
      if (((v->flags & LINK_TV_GUEST) != 0) != guest) continue;
      cli_text(name, (const uint8_t *)v->name, v->name_len);
      if (m->json) {
        cli_json_open(&j, '{');
        cli_json_key(&j, "name"); cli_json_str(&j, name);
        cli_json_key(&j, "value"); cli_json_int(&j, v->value);
        cli_json_key(&j, "guest"); cli_json_bool(&j, guest);
        cli_json_close(&j, '}');
      } else {
        printf("%s %s=%lld", guest && first ? " guest" : "", name, (long long)v->value);
      }
      first = false;
    }
  }
  if (m->json) {
    cli_json_close(&j, ']');
    json_end(&j);
  } else {
    text_end();
  }
  return true;
}

static bool show_event(mon *m, const uint8_t *p, uint32_t n) {
  link_event_note e;
  if (!link_event_get(p, n, &e)) return false;
  char name[LINK_NAME_MAX + 1], ver[24], bank[2];
  cli_text(name, (const uint8_t *)e.name, e.name_len);
  snprintf(ver, sizeof ver, "%u.%u.%u", e.version[0], e.version[1], e.version[2]);
  bank_str(bank, e.bank);
  const char *fault = e.event == LINK_EV_FAULTED && (uint32_t)e.value < CVM_FAULT__COUNT
                        ? cvm_fault_str((cvm_fault)e.value) : "";
  if (m->json) {
    cli_json j;
    json_start(m, &j, "event");
    cli_json_key(&j, "uptime_ms"); cli_json_int(&j, (int64_t)e.uptime_ms);
    cli_json_key(&j, "event"); cli_json_str(&j, link_event_name(e.event));
    cli_json_key(&j, "bank"); cli_json_str(&j, bank);
    cli_json_key(&j, "value"); cli_json_int(&j, e.value);
    cli_json_key(&j, "fault"); cli_json_str(&j, fault);
    cli_json_key(&j, "pc"); cli_json_int(&j, e.pc);
    cli_json_key(&j, "version"); cli_json_str(&j, ver);
    cli_json_key(&j, "name"); cli_json_str(&j, name);
    json_end(&j);
    return true;
  }
  text_start(m, "event");
  printf(" %s", link_event_name(e.event));
  if (e.event == LINK_EV_FAULTED) printf(": %s pc %u", fault[0] ? fault : "?", (unsigned)e.pc);
  else if (e.event == LINK_EV_LIMIT) printf(" pc %u", (unsigned)e.pc);
  else if (e.event == LINK_EV_EXITED) printf(" status %d", (int)e.value);
  else if (e.event == LINK_EV_CRASH) printf(" record %d", (int)e.value);
  if (bank[0]) printf(" bank %s version %s", bank, ver);
  text_end();
  return true;
}

typedef bool (*show_fn)(mon *m, const uint8_t *p, uint32_t n);
static const show_fn shows[LINK_NOTE__END] = {
  [LINK_NOTE_HEARTBEAT] = show_heartbeat, [LINK_NOTE_LOG] = show_log,
  [LINK_NOTE_TELEMETRY] = show_telemetry, [LINK_NOTE_EVENT] = show_event,
};

static void on_note(void *ctx, uint8_t kind, uint16_t seq, const uint8_t *body, uint32_t n) {
  mon *m = ctx;
  uint16_t gap = (uint16_t)(seq - m->last_seq - 1u);
  if (m->have_seq && gap && gap < 0x8000u) {      /* damaged or dropped on the way */
    char msg[80];
    snprintf(msg, sizeof msg, "%u notifications did not arrive", (unsigned)gap);
    if (m->json) {
      cli_json j;
      json_start(m, &j, "missed");
      cli_json_key(&j, "count"); cli_json_int(&j, gap);
      json_end(&j);
    } else {
      text_start(m, "monitor missed");
      printf(" %s", msg);
      text_end();
    }
  }
  m->last_seq = seq;
  m->have_seq = true;
  if (kind >= LINK_NOTE__END || !shows[kind]) return;     /* a newer kind: skipped */
  if (!shows[kind](m, body, n)) {
    char msg[80];
    snprintf(msg, sizeof msg, "a malformed %s notification (%u bytes) skipped", link_note_name(kind), (unsigned)n);
    say(m, "malformed", msg);
  }
}

/* ---- the loop ------------------------------------------------------------- */

typedef enum mon_state { MON_NONE, MON_SUBSCRIBED, MON_BOOTLOADER, MON_SILENT } mon_state;

/* Subscribe (or renew): the new state; *fatal when the link is gone. */
static mon_state renew(mon *m, cli_link *l, mon_state was, bool *fatal) {
  uint32_t keep = l->c.retries;
  l->c.retries = 1;
  uint32_t now_mask = 0;
  link_cerr e = link_set_req(&l->c, LINK_SET_NOTIFY, ALL_NOTES, &now_mask);
  mon_state st = was;
  char msg[160];
  if (e == LINK_C_OK) {
    st = MON_SUBSCRIBED;
    if (was != MON_SUBSCRIBED || m->resubscribe) {
      snprintf(msg, sizeof msg, "notifications 0x%02x (heartbeat, log, telemetry, event)", (unsigned)now_mask);
      say(m, "subscribed", msg);
    }
    m->resubscribe = false;
  } else if (cli_link_no_runtime(l, e)) {
    link_info in;
    e = link_hello(&l->c, &in);           /* alive? (and a new boot, later) */
    if (e == LINK_C_OK || e == LINK_C_NAK) {
      st = MON_BOOTLOADER;
      if (was != MON_BOOTLOADER) say(m, "bootloader", "the device answers no runtime requests (UNKNOWN_CMD); polling HELLO");
    }
  }
  if (e == LINK_C_TIMEOUT || e == LINK_C_PROTO) {
    st = MON_SILENT;
    if (was != MON_SILENT) {
      snprintf(msg, sizeof msg, "%s; still trying", link_cerr_str(e));
      say(m, "no_answer", msg);
    }
  } else if (e == LINK_C_NAK && st != MON_BOOTLOADER) {
    snprintf(msg, sizeof msg, "SET NOTIFY refused: %s", link_st_str(l->c.st));
    say(m, "refused", msg);
  }
  *fatal = e == LINK_C_IO;
  l->c.retries = keep;
  return st;
}

int cmd_monitor(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  static cli_link l;
  cli_link_init(&l);
  static mon m;
  memset(&m, 0, sizeof m);
  uint32_t seconds = 0;
  bool timed = false;
  for (int i = 1; i < argc;) {
    int r = cli_link_opt("monitor", &l, argc, argv, &i);
    if (r < 0) return CLI_EXIT_USAGE;
    if (r) continue;
    const char *v;
    if ((r = cli_opt(argc, argv, &i, "--seconds", &v)) < 0) return CLI_EXIT_USAGE;
    if (r && (!cli_parse_u32(v, &seconds) || !seconds)) return cli_usage_error("monitor", "bad --seconds value '%s'", v);
    if (r) { timed = true; continue; }
    if (!strcmp(argv[i], "--json")) m.json = true;
    else if (argv[i][0] == '-') return cli_usage_error("monitor", "unknown option '%s'", argv[i]);
    else return cli_usage_error("monitor", "unexpected argument '%s'", argv[i]);
    i++;
  }
  if (!l.uart) return cli_usage_error("monitor", "--uart PATH is required");
  if (cli_link_open("monitor", &l)) return CLI_EXIT_ERROR;
  m.t0 = board_serial_now_ms();
  l.c.on_note = on_note;
  l.c.note_ctx = &m;

  /* The device must answer at the start: HELLO. */
  link_info in;
  link_cerr e = link_hello(&l.c, &in);
  if (e) {
    cli_link_close(&l);
    return cli_error("monitor", "%s: HELLO: %s", l.uart, link_cerr_str(e));
  }
  m.boot_id = in.boot_id;
  m.have_boot = true;

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);

  uint64_t end = m.t0 + (uint64_t)seconds * 1000u, next = 0;
  mon_state st = MON_NONE;
  int rc = CLI_EXIT_OK;
  while (!stop_now) {
    uint64_t now = board_serial_now_ms();
    if (timed && now >= end) break;
    if (now >= next || m.resubscribe) {
      bool fatal;
      st = renew(&m, &l, st, &fatal);
      if (fatal) { rc = cli_error("monitor", "%s: the link failed", l.uart); break; }
      next = board_serial_now_ms() + (st == MON_SUBSCRIBED ? RENEW_MS : POLL_MS);
      continue;
    }
    uint64_t until = next;
    if (timed && end < until) until = end;
    uint32_t wait = until - now > 200 ? 200 : (uint32_t)(until - now);
    if (link_poll(&l.c, wait) == LINK_C_IO && !stop_now) {
      rc = cli_error("monitor", "%s: the link failed", l.uart);
      break;
    }
  }
  if (st == MON_SUBSCRIBED && rc == CLI_EXIT_OK) {   /* unsubscribe: best effort */
    l.c.retries = 0;
    l.c.on_note = NULL;
    link_set_req(&l.c, LINK_SET_NOTIFY, 0, NULL);
  }
  cli_link_close(&l);
  return rc;
}
