/*
** cmd_copilot.c -- `cockpit copilot`: options and help only; the bridge
** itself is src/copilot (copl_run).
*/
#include <string.h>

#include "cli.h"
#include "copl.h"

static const char usage[] =
  "usage: cockpit copilot --uart PATH --broker mqtts://HOST:PORT --ca CA.pem\n"
  "                       --cert ID.crt --key ID.key --state DIR [options]\n\n"
  "Bridge the device at the serial port PATH to the fleet's MQTT broker\n"
  "(docs/fleet-protocol.md), as the co-processor beside it would: mutual TLS\n"
  "against the fleet CA, topics under fleet/devices/{id}/.\n"
  "  - publishes the device's heartbeats, logs, telemetry, events and blackbox\n"
  "    records, each stamped with wall-clock time, boot id and uptime; keeps\n"
  "    them in an on-disk queue under DIR while the broker is unreachable and\n"
  "    delivers them in order after the reconnect (what overflows is counted\n"
  "    and reported on events);\n"
  "  - status (retained) online, and offline by the last will (\"lost\", after\n"
  "    a will delay) or on the way out (\"shutdown\");\n"
  "  - runs commands from cmd (reboot, blackbox_read, blackbox_clear,\n"
  "    telemetry_interval) and answers on cmd/response; expired, replayed or\n"
  "    malformed ones are refused with an event;\n"
  "  - runs install jobs from jobs/notify: download over HTTPS (resumed),\n"
  "    size and sha256 checked before a byte goes to the device, install over\n"
  "    the link (resumed at the device's offset), trial, and SUCCEEDED only\n"
  "    once the device confirmed; states on jobs/{job}/update. The job's\n"
  "    record is kept in DIR, so a copilot killed mid-job resumes it.\n"
  "One line per event on stderr. Stops on SIGINT or SIGTERM.\n\n"
  "  --uart PATH           the device's serial port or pty (required)\n"
  "  --broker URL          mqtts://HOST[:PORT] (required; TLS only)\n"
  "  --ca FILE             the fleet CA (PEM): the broker's and the download\n"
  "                        server's certificates must chain to it (required)\n"
  "  --cert FILE           this device's certificate (PEM, required)\n"
  "  --key FILE            its private key (PEM, unencrypted, required)\n"
  "  --state DIR           the copilot's folder: job record, artifact, queue,\n"
  "                        replay table (made if missing; required)\n"
  "  --id ID               the device id (default: the certificate's CN)\n"
  "  --queue-size BYTES    the on-disk queue's size (default 1048576, at least 1024)\n"
  "  --will-delay S        seconds before the broker says offline (default 10)\n"
  "  --status-ms N         STATUS poll while a trial runs (default 1000)\n"
  "  --timeout-ms N        wait this long for each answer on the link (1000)\n"
  "  --baud N              serial speed (115200)\n"
  "Exit status: 0 stopped by a signal, 1 a bad file, folder or link, or the\n"
  "broker client broke; 2 usage.\n";

int cmd_copilot(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  copl_run_cfg c;
  memset(&c, 0, sizeof c);
  static const struct { const char *opt; size_t off; } strs[] = {
    {"--uart", offsetof(copl_run_cfg, uart)},       {"--broker", offsetof(copl_run_cfg, broker)},
    {"--ca", offsetof(copl_run_cfg, ca_file)},      {"--cert", offsetof(copl_run_cfg, cert_file)},
    {"--key", offsetof(copl_run_cfg, key_file)},    {"--state", offsetof(copl_run_cfg, state_dir)},
    {"--id", offsetof(copl_run_cfg, id)},
  };
  static const struct { const char *opt; size_t off; bool zero_ok; } nums[] = {
    {"--queue-size", offsetof(copl_run_cfg, queue_size), false},
    {"--will-delay", offsetof(copl_run_cfg, will_delay_s), false},
    {"--status-ms", offsetof(copl_run_cfg, status_ms), false},
    {"--timeout-ms", offsetof(copl_run_cfg, link_timeout_ms), false},
    {"--baud", offsetof(copl_run_cfg, baud), false},
  };
  for (int i = 1; i < argc;) {
    int r = 0;
    const char *v;
    for (size_t k = 0; !r && k < sizeof strs / sizeof strs[0]; k++) {
      if ((r = cli_opt(argc, argv, &i, strs[k].opt, &v)) < 0) return CLI_EXIT_USAGE;
      if (r) {
        if (!v[0]) return cli_usage_error("copilot", "%s needs a value", strs[k].opt);
        *(const char **)((char *)&c + strs[k].off) = v;
      }
    }
    for (size_t k = 0; !r && k < sizeof nums / sizeof nums[0]; k++) {
      if ((r = cli_opt(argc, argv, &i, nums[k].opt, &v)) < 0) return CLI_EXIT_USAGE;
      uint32_t n;
      if (r && (!cli_parse_u32(v, &n) || (!n && !nums[k].zero_ok)))
        return cli_usage_error("copilot", "bad %s value '%s'", nums[k].opt, v);
      if (r) *(uint32_t *)((char *)&c + nums[k].off) = n;
    }
    if (r) continue;
    if (argv[i][0] == '-') return cli_usage_error("copilot", "unknown option '%s'", argv[i]);
    return cli_usage_error("copilot", "unexpected argument '%s'", argv[i]);
  }
  static const struct { const char *opt; size_t off; } req[] = {
    {"--uart PATH", offsetof(copl_run_cfg, uart)},   {"--broker URL", offsetof(copl_run_cfg, broker)},
    {"--ca FILE", offsetof(copl_run_cfg, ca_file)},  {"--cert FILE", offsetof(copl_run_cfg, cert_file)},
    {"--key FILE", offsetof(copl_run_cfg, key_file)}, {"--state DIR", offsetof(copl_run_cfg, state_dir)},
  };
  for (size_t k = 0; k < sizeof req / sizeof req[0]; k++)
    if (!*(const char **)((char *)&c + req[k].off))
      return cli_usage_error("copilot", "%s is required", req[k].opt);
  if (c.queue_size && c.queue_size < 1024)
    return cli_usage_error("copilot", "--queue-size must be at least 1024 bytes");
  char host[256], why[256];
  int port;
  if (copl_parse_mqtts(c.broker, host, sizeof host, &port, why, sizeof why) != COPL_OK)
    return cli_usage_error("copilot", "--broker %s: %s", c.broker, why);
  return copl_run(&c) ? CLI_EXIT_ERROR : CLI_EXIT_OK;
}
