/*
** ui_seed.c -- devices for the dashboard's browser tests, written through
** the store's interface (what MQTT ingest writes): three devices with
** versions, VM states, tags and banks; for dev-1 telemetry over the last
** half hour, log lines, an event and a crash report.
**   ui_seed DIR [DB]
*/
#include <stdio.h>
#include <string.h>

#include "fleet_store.h"

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: ui_seed DIR [DB]\n");
    return 2;
  }
  fst_store *s;
  char err[512];
  if (fst_open(argv[1], argc > 2 ? argv[2] : NULL, &s, err, sizeof err)) {
    fprintf(stderr, "ui_seed: %s\n", err);
    return 1;
  }
  int64_t now = fst_now_ms();
  static const struct { const char *id, *version, *vm, *tag; bool online; char sha; } devs[] = {
    { "dev-1", "1.0.0", "running", "lab", true, '1' },
    { "dev-2", "1.0.0", "running", "lab", true, '1' },
    { "dev-3", "0.9.0", "faulted", "field", false, '9' },
  };
  fst_err e = FST_ERR_OK;
  for (int i = 0; i < 3 && !e; i++) {
    fst_device d = { .online = devs[i].online, .last_seen = now - (devs[i].online ? 1000 : 3600000),
                     .uptime_ms = 3723000 };
    snprintf(d.id, sizeof d.id, "%s", devs[i].id);
    memset(d.running_sha, devs[i].sha, 64);
    snprintf(d.running_version, sizeof d.running_version, "%s", devs[i].version);
    snprintf(d.vm_state, sizeof d.vm_state, "%s", devs[i].vm);
    snprintf(d.boot_id, sizeof d.boot_id, "boot-%d", i + 1);
    snprintf(d.reset_reason, sizeof d.reset_reason, "power-on");
    d.banks = "[{\"bank\":\"A\",\"version\":\"1.0.0\",\"confirmed\":true,\"active\":true},"
              "{\"bank\":\"B\",\"version\":\"0.9.0\",\"confirmed\":true,\"active\":false}]";
    char tag[1][FST_TAG_MAX];
    snprintf(tag[0], FST_TAG_MAX, "%s", devs[i].tag);
    if (!(e = fst_device_upsert(s, &d))) e = fst_device_set_tags(s, d.id, (const char (*)[FST_TAG_MAX])tag, 1);
  }
  fst_point p[120];
  for (int i = 0; i < 60; i++) {
    int64_t t = now - (int64_t)(60 - i) * 30000;
    p[2 * i] = (fst_point){ "dev-1", "boot-1", "temp_c", i + 1, t, 20.0 + (i % 10) * 0.5 };
    p[2 * i + 1] = (fst_point){ "dev-1", "boot-1", "blinks", i + 1, t, (double)i };
  }
  size_t n;
  if (!e) e = fst_telemetry_insert(s, p, 120, &n);
  fst_log l[3] = { { "dev-1", "boot-1", "blinky: LED on pin 13", 1, now - 5000 },
                   { "dev-1", "boot-1", "blink 1 at 1000 ms", 2, now - 4000 },
                   { "dev-1", "boot-1", "<script>alert(1)</script> is text", 3, now - 3000 } };
  if (!e) e = fst_logs_insert(s, l, 3, &n);
  fst_event ev = { "dev-1", "boot-1", "confirmed", "{\"bank\":\"A\"}", 1, now - 60000, NULL };
  if (!e) e = fst_events_insert(s, &ev, 1, &n);
  fst_crash c = { "dev-1", "boot-1", "fault.c", "loop", "0.9.0", NULL, "divide by zero", NULL, 1, now - 120000, 17, 0x42 };
  char sha[65];
  memset(sha, '9', 64);
  sha[64] = 0;
  c.sha256 = sha;
  if (!e) e = fst_crashes_insert(s, &c, 1, &n);
  if (e) fprintf(stderr, "ui_seed: %s: %s\n", fst_err_str(e), fst_errmsg(s));
  fst_close(s);
  return e ? 1 : 0;
}
