/*
** cmd_device.c -- `cockpit device`: a simulated device (bootloader, then
** hypervisor running the active bank) with its programming port on a pty.
*/
#include <stdlib.h>
#include <string.h>

#include "board_device.h"
#include "board_flash.h"
#include "cli.h"

static const char usage_head[] =
  "usage: cockpit device --flash IMG --uart PATH [options] [board options]\n\n"
  "Run a simulated device. Its flash is the file IMG (128 KB, created erased\n"
  "when missing), so installs survive restarts. At every reset the bootloader\n"
  "picks the newest activated bank that verifies; the hypervisor runs it\n"
  "(guest output on stdout) and serves the programming protocol on PATH, a pty\n"
  "made for it (or PATH itself when it is a serial device), for `cockpit flash`\n"
  "or any serial tool. Device messages go to stderr. A trial is confirmed\n"
  "after --health-ms without a fault, rejected when it faults, and reverted\n"
  "when not confirmed within --trial-ms. Runs until interrupted; exit status\n"
  "99 after a power cut.\n\n"
  "options:\n"
  "  --flash FILE            the flash image\n"
  "  --uart PATH             the programming port\n"
  "  --trust KEY.pub         trust this signing key (up to 4); without any,\n"
  "                          unsigned artifacts are accepted (development)\n"
  "  --health-ms N           confirm a trial after N ms without a fault (1000;\n"
  "                          0: only a CONFIRM command does)\n"
  "  --trial-ms N            reset a trial not confirmed within N ms (10000; 0 never)\n"
  "  --cut-power-after N     power fails during flash operation N (counted from\n"
  "                          the start): the operation is left torn, exit 99\n"
  "  --cut-seed N            where in that operation power fails (0)\n"
  "  --baud N                speed of a real serial device (115200); on the pty,\n"
  "                          receive no faster than N baud would deliver (8N1)\n"
  "  --max-ms N              stop after N ms of wall-clock time\n"
  "  --watchdog-ms N         the watchdog resets the device when the host's services\n"
  "                          miss their deadlines this long (5000; 0: off)\n"
  "  --stall-host-ms N       fault injection: after N ms the host loop stalls (feeds\n"
  "                          nothing), so the watchdog resets the device once\n"
  "  --oled FILE.png         a status display (SSD1306 128x32 model on I2C 0x3C,\n"
  "                          owned by the host) kept current in FILE.png\n"
  "  --oled-scale N          its pixels N x N in the picture (1..16; 4)\n"
  "board options (for the guest):\n";

#define MAX_KEYS 4

static bool parse_version(const char *s, uint16_t v[3]) {
  return cvm1_parse_version(s, v) == CVM1_ERR_OK;
}

int cmd_device(int argc, char **argv) {
  char usage[4096];
  snprintf(usage, sizeof usage, "%s%s", usage_head, board_opts_help);
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  board_device_opts o;
  board_device_opts_init(&o);
  if (!parse_version(COCKPIT_VERSION, o.hv_version)) memset(o.hv_version, 0, sizeof o.hv_version);
  static cvm1_pubkey keys[MAX_KEYS];
  const char *v;
  for (int i = 1; i < argc;) {
    int r;
    uint32_t n;
    struct { const char *opt; uint32_t *dst; } nums[] = {
      { "--health-ms", &o.health_ms }, { "--trial-ms", &o.trial_ms },
      { "--cut-seed", &o.cut_seed }, { "--baud", &o.baud },
      { "--watchdog-ms", &o.wdog_ms }, { "--stall-host-ms", &o.stall_ms },
      { "--oled-scale", &o.oled_scale },
    };
    bool done = false;
    for (size_t k = 0; k < sizeof nums / sizeof nums[0] && !done; k++) {
      if ((r = cli_opt(argc, argv, &i, nums[k].opt, &v)) < 0) return CLI_EXIT_USAGE;
      if (!r) continue;
      if (!cli_parse_u32(v, nums[k].dst)) return cli_usage_error("device", "bad %s value '%s'", nums[k].opt, v);
      done = true;
    }
    if (done) continue;
    if ((r = cli_opt(argc, argv, &i, "--cut-power-after", &v)) < 0) return CLI_EXIT_USAGE;
    if (r) {
      if (!cli_parse_u32(v, &n) || !n) return cli_usage_error("device", "bad --cut-power-after value '%s'", v);
      o.cut_after = n;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--max-ms", &v)) < 0) return CLI_EXIT_USAGE;
    if (r) {
      if (!cli_parse_u32(v, &n)) return cli_usage_error("device", "bad --max-ms value '%s'", v);
      o.max_ms = n;
      continue;
    }
    if ((r = cli_opt(argc, argv, &i, "--flash", &o.flash)) < 0) return CLI_EXIT_USAGE;
    if (r) continue;
    if ((r = cli_opt(argc, argv, &i, "--uart", &o.uart)) < 0) return CLI_EXIT_USAGE;
    if (r) continue;
    if ((r = cli_opt(argc, argv, &i, "--oled", &o.oled_png)) < 0) return CLI_EXIT_USAGE;
    if (r) continue;
    if ((r = cli_opt(argc, argv, &i, "--trust", &v)) < 0) return CLI_EXIT_USAGE;
    if (r) {
      if (o.nkeys == MAX_KEYS) return cli_usage_error("device", "at most %d --trust keys", MAX_KEYS);
      cvm1_err e = cvm1_load_pub(v, keys[o.nkeys]);
      if (e != CVM1_ERR_OK) return cli_error("device", "%s: %s", v, cvm1_err_str(e));
      o.nkeys++;
      continue;
    }
    char msg[256];
    if ((r = board_parse_opt(&o.board, argc, argv, &i, msg, sizeof msg)) < 0)
      return cli_usage_error("device", "%s", msg);
    if (r) continue;
    if (argv[i][0] == '-') return cli_usage_error("device", "unknown option '%s'", argv[i]);
    return cli_usage_error("device", "unexpected argument '%s'", argv[i]);
  }
  if (!o.flash) return cli_usage_error("device", "--flash IMG is required");
  if (!o.uart) return cli_usage_error("device", "--uart PATH is required");
  if (o.oled_scale > 16) return cli_usage_error("device", "bad --oled-scale value %u (1..16)", (unsigned)o.oled_scale);
  if (o.oled_png && !*o.oled_png) return cli_usage_error("device", "--oled needs a file name");
  o.keys = (const cvm1_pubkey *)keys;
  return board_device_run(&o);
}
