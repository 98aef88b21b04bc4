/*
** cmd_blackbox.c -- `cockpit blackbox`: read a device's crash records
** (BLACKBOX READ from 0, following `next` until a read returns none), print
** them, and clear them if asked (BLACKBOX CLEAR below the last `next`).
*/
#include <string.h>

#include "cli_bbox.h"
#include "cli_link.h"

static const char usage[] =
  "usage: cockpit blackbox --uart PATH [--json] [--clear] [options]\n\n"
  "Read every crash record the device at the serial port PATH holds (its\n"
  "blackbox: faults, limits, watchdog resets, reverted trials) and print one\n"
  "line per record: number, kind, fault, file:line and function, pc, program\n"
  "version, counter and digest prefix, bank, boot id, uptime, reset reason.\n\n"
  "  --json                a JSON array of the records, one object each\n"
  "  --clear               clear the records read, after reading them (a record\n"
  "                        made in between is kept); says how many\n"
  "  --uart PATH           the device's serial port (required)\n"
  CLI_LINK_OPTS_HELP
  "Exit status: 0 done, 1 the link failed, the device has no runtime (it is in\n"
  "its bootloader) or refused, 2 usage.\n";

#define MAX_READS 4096u      /* a device that never says "no more" */

static int fail(cli_link *l, link_cerr e, const char *what) {
  if (cli_link_no_runtime(l, e))
    return cli_error("blackbox", "%s: the device answers no runtime requests (it is in its bootloader, "
                     "or its hypervisor is older)", l->uart);
  if (e == LINK_C_NAK) return cli_error("blackbox", "%s: device refused %s: %s", l->uart, what, link_st_str(l->c.st));
  return cli_error("blackbox", "%s: %s: %s", l->uart, what, link_cerr_str(e));
}

int cmd_blackbox(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  static cli_link l;
  cli_link_init(&l);
  bool json = false, clear = false;
  for (int i = 1; i < argc;) {
    int r = cli_link_opt("blackbox", &l, argc, argv, &i);
    if (r < 0) return CLI_EXIT_USAGE;
    if (r) continue;
    if (!strcmp(argv[i], "--json")) json = true;
    else if (!strcmp(argv[i], "--clear")) clear = true;
    else if (argv[i][0] == '-') return cli_usage_error("blackbox", "unknown option '%s'", argv[i]);
    else return cli_usage_error("blackbox", "unexpected argument '%s'", argv[i]);
    i++;
  }
  if (!l.uart) return cli_usage_error("blackbox", "--uart PATH is required");
  if (cli_link_open("blackbox", &l)) return CLI_EXIT_ERROR;

  cli_json j;
  uint32_t from = 0, nrec = 0, held = 0;
  int rc = CLI_EXIT_OK;
  bool opened = false;
  for (uint32_t k = 0; k < MAX_READS; k++) {
    link_cerr e = link_blackbox_req(&l.c, LINK_BB_READ, from);
    if (e) { rc = fail(&l, e, "BLACKBOX READ"); break; }
    link_bb_read r;
    if (!link_bb_read_get(l.c.resp, l.c.resp_len, &r)) { rc = fail(&l, LINK_C_PROTO, "BLACKBOX READ"); break; }
    held = r.held;
    if (json && !opened) {
      cli_json_init(&j, stdout);
      cli_json_open(&j, '[');
      opened = true;
    }
    for (uint32_t i = 0; i < r.count; i++, nrec++) {
      const uint8_t *p = r.recs + (uint32_t)i * r.rec_size;
      if (json) cli_bbox_json(&j, nrec, p, r.rec_size);
      else cli_bbox_text(nrec, p, r.rec_size);
    }
    if (!r.count || r.next == from) { from = r.next; break; }
    from = r.next;
  }
  if (opened) {
    cli_json_close(&j, ']');
    cli_json_end(&j);
  }
  if (rc) {
    cli_link_close(&l);
    return rc;
  }
  if (!json && !nrec) printf("no records (%u held)\n", (unsigned)held);
  if (clear) {
    link_cerr e = link_blackbox_req(&l.c, LINK_BB_CLEAR, from);
    if (e) rc = fail(&l, e, "BLACKBOX CLEAR");
    else if (json) fprintf(stderr, "cockpit blackbox: cleared %u records\n", (unsigned)nrec);
    else printf("cleared %u records\n", (unsigned)nrec);
  }
  cli_link_close(&l);
  return rc;
}
