/*
** cmd_flash.c -- `cockpit flash`: install an artifact on a device over its
** programming port, show the device's banks, or revert to the other bank.
*/
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_link.h"

static const char usage[] =
  "usage: cockpit flash --uart PATH ART [--confirm] [options]\n"
  "       cockpit flash --uart PATH --status [--json]\n"
  "       cockpit flash --uart PATH --revert\n"
  "       cockpit flash --uart PATH --enter-bootloader\n\n"
  "Install the CVM1 artifact ART on the device at the serial port PATH: it is\n"
  "written into the standby bank (the running program is not touched),\n"
  "verified there by the device (digest, signature, Host ABI, security\n"
  "counter), activated, and the device reboots into it as a trial. The device\n"
  "confirms the trial itself after its health check, or reverts it; with\n"
  "--confirm this command confirms it as soon as it runs. A lost link is\n"
  "resumed where the device stopped. Progress on stderr.\n\n"
  "  --status              show both banks, the running one and the counter floor;\n"
  "                        from a running hypervisor also its runtime status: VM\n"
  "                        and host state, uptime, boot count, last reset (JSON:\n"
  "                        \"runtime\", absent when the device has none)\n"
  "  --revert              reject the running bank and reboot into the other\n"
  "  --enter-bootloader    stop the program at a safe point and restart into the\n"
  "                        bootloader, which serves installs until a REBOOT (an\n"
  "                        install's, or the next command's)\n"
  "  --confirm             confirm the new program once it runs\n"
  "  --json                status as JSON\n"
  CLI_LINK_OPTS_HELP
  "  --quiet               no progress bar\n"
  "Exit status: 0 done, 1 refused or failed (the reason on stderr), 2 usage.\n";

typedef struct progress {
  bool tty, quiet;
  uint64_t t0;
  uint32_t from, last_pct;
} progress;

static void on_progress(void *ctx, uint32_t done, uint32_t total) {
  progress *p = ctx;
  uint64_t now = board_serial_now_ms();
  if (!p->t0) {
    p->t0 = now;
    p->from = done;
  }
  if (p->quiet || !total) return;
  uint32_t pct = (uint32_t)((uint64_t)done * 100u / total);
  if (!p->tty && done != total) return;
  if (p->tty && pct == p->last_pct && done != total && p->t0 != now) return;
  p->last_pct = pct;
  char bar[31];
  uint32_t k = pct * 30u / 100u;
  for (uint32_t i = 0; i < 30; i++) bar[i] = i < k ? '#' : '-';
  bar[30] = 0;
  double secs = (double)(now - p->t0) / 1000.0;
  char rate[32] = "";
  if (secs > 0) snprintf(rate, sizeof rate, "  %.1f KB/s", (double)(done - p->from) / 1024.0 / secs);
  fprintf(stderr, "%s[%s] %3u%%  %.1f/%.1f KB%s%s", p->tty ? "\r" : "", bar,
          (unsigned)pct, done / 1024.0, total / 1024.0, rate, done == total || !p->tty ? "\n" : "");
  fflush(stderr);
}

static const char *verdict(uint8_t v) {
  return v == CVM1_ERR_OK ? "ok" : cvm1_err_name((cvm1_err)v);
}

static bool has_artifact(const link_bank *b) {
  return b->size && b->state != LINK_BANK_EMPTY && b->state != LINK_BANK_WRITING;
}

/* RT_STATUS, when the device answers it (a hypervisor that knows the
** sideband); NULL for a bootloader or an older device. */
static void runtime_text(const link_rt_status *rt) {
  if (!rt) return;
  printf("runtime: vm %s, host %s, up %.1f s, boot count %u, last reset %s\n",
         link_vm_state_name(rt->vm_state), link_host_state_name(rt->host_state),
         (double)rt->uptime_ms / 1000.0, (unsigned)rt->boots, link_reset_str(rt->reset_reason));
}

static void runtime_json(cli_json *j, const link_rt_status *rt) {
  if (!rt) return;
  char name[LINK_NAME_MAX + 1];
  cli_text(name, (const uint8_t *)rt->name, rt->name_len);
  cli_json_key(j, "runtime");
  cli_json_open(j, '{');
  cli_json_key(j, "vm_state"); cli_json_str(j, link_vm_state_name(rt->vm_state));
  cli_json_key(j, "host_state"); cli_json_str(j, link_host_state_name(rt->host_state));
  cli_json_key(j, "uptime_ms"); cli_json_int(j, (int64_t)rt->uptime_ms);
  cli_json_key(j, "reset_reason"); cli_json_str(j, link_reset_name(rt->reset_reason));
  cli_json_key(j, "boots"); cli_json_int(j, rt->boots);
  cli_json_key(j, "program"); cli_json_str(j, name);
  cli_json_key(j, "trial"); cli_json_bool(j, rt->trial != 0);
  cli_json_key(j, "steps"); cli_json_int(j, (int64_t)rt->steps);
  cli_json_key(j, "faults"); cli_json_int(j, rt->faults);
  cli_json_key(j, "log_lost"); cli_json_int(j, rt->log_lost);
  cli_json_key(j, "notes_lost"); cli_json_int(j, rt->notes_lost);
  cli_json_key(j, "telem_dropped"); cli_json_int(j, rt->telem_dropped);
  cli_json_close(j, '}');
}

static void status_text(const link_info *in, const link_status *st, const link_rt_status *rt) {
  printf("device 0x%08x: bootloader %u.%u.%u, hypervisor %u.%u.%u, protocol %u\n",
         (unsigned)in->device_id, in->boot_version[0], in->boot_version[1], in->boot_version[2],
         in->hv_version[0], in->hv_version[1], in->hv_version[2], in->proto);
  printf("running: %s", st->running < LINK_NBANKS ? "bank " : "nothing (bootloader waits for an install)");
  if (st->running < LINK_NBANKS) printf("%c", cli_bank_letter(st->running));
  printf(", security counter floor %u\n", (unsigned)st->floor);
  if (st->ses_bank < LINK_NBANKS)
    printf("install in progress: bank %c, %u of %u bytes\n", cli_bank_letter(st->ses_bank),
           (unsigned)st->ses_next, (unsigned)st->ses_size);
  printf("bank  state      version     counter  key id            size    check\n");
  for (uint32_t i = 0; i < LINK_NBANKS; i++) {
    const link_bank *b = &st->bank[i];
    char ver[24] = "-", ctr[12] = "-", key[20] = "-", size[12] = "-";
    if (has_artifact(b)) {
      snprintf(ver, sizeof ver, "%u.%u.%u", b->version[0], b->version[1], b->version[2]);
      snprintf(ctr, sizeof ctr, "%u", (unsigned)b->counter);
      snprintf(size, sizeof size, "%u", (unsigned)b->size);
      if (b->flags & LINK_BF_SIGNED) cli_hex(key, b->keyid, LINK_KEYID);
      else snprintf(key, sizeof key, "unsigned");
    }
    char state[16];
    snprintf(state, sizeof state, "%s", link_bank_state_name(b->state));
    for (char *c = state; *c; c++) *c = (char)(*c - 'A' + 'a');
    printf("%c%c    %-10s %-11s %-8s %-17s %-7s %s", cli_bank_letter(i), b->flags & LINK_BF_RUNNING ? '*' : ' ',
           state, ver, ctr, key, size, has_artifact(b) ? verdict(b->verdict) : "-");
    if (b->state == LINK_BANK_REJECTED) printf("  (%s)", link_reason_str(b->reason));
    printf("\n");
  }
  runtime_text(rt);
}

static void status_json(const link_info *in, const link_status *st, const link_rt_status *rt) {
  cli_json j;
  char buf[80];
  cli_json_init(&j, stdout);
  cli_json_open(&j, '{');
  cli_json_key(&j, "device_id"); cli_json_int(&j, in->device_id);
  cli_json_key(&j, "boot_id"); cli_json_int(&j, st->boot_id);
  snprintf(buf, sizeof buf, "%u.%u.%u", in->boot_version[0], in->boot_version[1], in->boot_version[2]);
  cli_json_key(&j, "bootloader"); cli_json_str(&j, buf);
  snprintf(buf, sizeof buf, "%u.%u.%u", in->hv_version[0], in->hv_version[1], in->hv_version[2]);
  cli_json_key(&j, "hypervisor"); cli_json_str(&j, buf);
  cli_json_key(&j, "protocol"); cli_json_int(&j, in->proto);
  cli_json_key(&j, "floor"); cli_json_int(&j, st->floor);
  cli_json_key(&j, "running");
  if (st->running < LINK_NBANKS) { snprintf(buf, sizeof buf, "%c", cli_bank_letter(st->running)); cli_json_str(&j, buf); }
  else cli_json_str(&j, "");
  cli_json_key(&j, "install");
  cli_json_open(&j, '{');
  cli_json_key(&j, "bank");
  snprintf(buf, sizeof buf, "%c", cli_bank_letter(st->ses_bank));
  cli_json_str(&j, st->ses_bank < LINK_NBANKS ? buf : "");
  cli_json_key(&j, "size"); cli_json_int(&j, st->ses_size);
  cli_json_key(&j, "received"); cli_json_int(&j, st->ses_next);
  cli_json_close(&j, '}');
  cli_json_key(&j, "banks");
  cli_json_open(&j, '[');
  for (uint32_t i = 0; i < LINK_NBANKS; i++) {
    const link_bank *b = &st->bank[i];
    cli_json_open(&j, '{');
    snprintf(buf, sizeof buf, "%c", cli_bank_letter(i));
    cli_json_key(&j, "bank"); cli_json_str(&j, buf);
    snprintf(buf, sizeof buf, "%s", link_bank_state_name(b->state));
    for (char *c = buf; *c; c++) *c = (char)(*c - 'A' + 'a');
    cli_json_key(&j, "state"); cli_json_str(&j, buf);
    cli_json_key(&j, "running"); cli_json_bool(&j, (b->flags & LINK_BF_RUNNING) != 0);
    cli_json_key(&j, "generation"); cli_json_int(&j, b->gen);
    bool art = has_artifact(b);
    snprintf(buf, sizeof buf, "%u.%u.%u", b->version[0], b->version[1], b->version[2]);
    cli_json_key(&j, "version"); cli_json_str(&j, art ? buf : "");
    cli_json_key(&j, "counter"); cli_json_int(&j, art ? b->counter : 0);
    cli_json_key(&j, "size"); cli_json_int(&j, art ? b->size : 0);
    if (art && (b->flags & LINK_BF_SIGNED)) cli_hex(buf, b->keyid, LINK_KEYID); else buf[0] = 0;
    cli_json_key(&j, "key_id"); cli_json_str(&j, buf);
    char dg[2 * LINK_DIGEST + 1] = "";
    if (art) cli_hex(dg, b->digest, LINK_DIGEST);
    cli_json_key(&j, "digest"); cli_json_str(&j, dg);
    cli_json_key(&j, "check"); cli_json_str(&j, art ? verdict(b->verdict) : "");
    cli_json_key(&j, "rejected");
    cli_json_str(&j, b->state == LINK_BANK_REJECTED ? link_reason_name(b->reason) : "");
    cli_json_close(&j, '}');
  }
  cli_json_close(&j, ']');
  runtime_json(&j, rt);
  cli_json_close(&j, '}');
  cli_json_end(&j);
}

/* "device refused VERIFY: artifact refused by the device: ... (NAME)" */
static int report(const link_client *c, link_cerr e, const link_flash_result *r) {
  char what[200] = "";
  if (e == LINK_C_NAK) {
    if (c->st == LINK_ST_VERIFY)
      snprintf(what, sizeof what, ": %s (%s)", cvm1_err_str((cvm1_err)c->detail), cvm1_err_name((cvm1_err)c->detail));
    else if (c->st == LINK_ST_ROLLBACK)
      snprintf(what, sizeof what, " (the floor is %u)", (unsigned)c->detail);
    else if (c->st == LINK_ST_FLASH)
      snprintf(what, sizeof what, " (hal error -%u)", (unsigned)c->detail);
    return cli_error("flash", "device refused %s: %s%s", link_cmd_name(r->step), link_st_str(c->st), what);
  }
  if (r->step == LINK_STEP_RUN) {
    const link_bank *b = &r->st.bank[r->bank];
    return cli_error("flash", "the device did not keep the new program in bank %c: %s%s%s",
                     cli_bank_letter(r->bank), link_bank_state_str(b->state),
                     b->state == LINK_BANK_REJECTED ? ": " : "",
                     b->state == LINK_BANK_REJECTED ? link_reason_str(b->reason) : "");
  }
  if (r->step == LINK_STEP_ARTIFACT)
    return cli_error("flash", "not a CVM1 artifact, or too large for a bank");
  return cli_error("flash", "%s: %s", link_cmd_name(r->step), link_cerr_str(e));
}

int cmd_flash(int argc, char **argv) {
  if (cli_help(argc, argv, usage)) return CLI_EXIT_OK;
  const char *art_path = NULL;
  bool status = false, revert = false, json = false, quiet = false, enter = false;
  link_flash_opts fo = { .reboot_wait_ms = 10000, .resumes = 3 };
  static cli_link l;
  cli_link_init(&l);
  for (int i = 1; i < argc;) {
    int r = cli_link_opt("flash", &l, argc, argv, &i);
    if (r < 0) return CLI_EXIT_USAGE;
    if (r) continue;
    const char *a = argv[i];
    if (!strcmp(a, "--status")) status = true;
    else if (!strcmp(a, "--revert")) revert = true;
    else if (!strcmp(a, "--enter-bootloader")) enter = true;
    else if (!strcmp(a, "--confirm")) fo.confirm = true;
    else if (!strcmp(a, "--json")) json = true;
    else if (!strcmp(a, "--quiet")) quiet = true;
    else if (a[0] == '-' && a[1]) return cli_usage_error("flash", "unknown option '%s'", a);
    else if (art_path) return cli_usage_error("flash", "more than one artifact");
    else art_path = a;
    i++;
  }
  if (!l.uart) return cli_usage_error("flash", "--uart PATH is required");
  if ((status || revert || enter) && art_path)
    return cli_usage_error("flash", "--status, --revert and --enter-bootloader take no artifact");
  if (status + revert + enter > 1)
    return cli_usage_error("flash", "one of --status, --revert and --enter-bootloader");
  if (!status && !revert && !enter && !art_path) return cli_usage_error("flash", "no artifact to install");
  if (json && !status) return cli_usage_error("flash", "--json goes with --status");

  uint8_t *art = NULL;
  size_t len = 0;
  if (art_path) {
    cvm1_err e = cvm1_read_file(art_path, &art, &len);
    if (e != CVM1_ERR_OK) return cli_error("flash", "%s: %s", art_path, strerror(errno));
  }
  if (cli_link_open("flash", &l)) {
    free(art);
    return CLI_EXIT_ERROR;
  }
  link_client *c = &l.c;
  link_flash_result r;
  link_cerr e;
  int rc = CLI_EXIT_OK;
  if (status) {
    link_info in;
    memset(&r, 0, sizeof r);
    e = link_hello(c, &in);
    if (!e) e = link_get_status(c, &r.st);
    r.step = e ? LINK_STATUS : 0;
    link_rt_status rts, *rt = NULL;
    if (!e) {
      link_cerr re = link_rt_status_req(c, &rts);
      if (!re) rt = &rts;
      else if (!cli_link_no_runtime(&l, re))
        fprintf(stderr, "cockpit flash: runtime status: %s\n", link_cerr_str(re));
    }
    if (e) rc = report(c, e, &r);
    else if (json) status_json(&in, &r.st, rt);
    else status_text(&in, &r.st, rt);
  } else if (enter) {
    link_info in, after;
    memset(&r, 0, sizeof r);
    e = link_hello(c, &in);
    r.step = LINK_HELLO;
    if (!e && in.mode == LINK_MODE_BOOTLOADER) {
      printf("the device is in its bootloader already\n");
    } else if (!e) {
      e = link_enter_bootloader(c, in.boot_id);
      r.step = LINK_ENTER_BOOTLOADER;
      if (!e) e = link_wait_reboot(c, in.boot_id, fo.reboot_wait_ms, &after);
      if (!e) printf("the device is in its bootloader (boot %08x): it serves installs\n",
                     (unsigned)after.boot_id);
    }
    if (e) rc = report(c, e, &r);
  } else if (revert) {
    e = link_revert_running(c, fo.reboot_wait_ms, &r);
    if (e) rc = report(c, e, &r);
    else printf("reverted: bank %c rejected, now running bank %c\n", cli_bank_letter(r.bank), cli_bank_letter(r.st.running));
  } else {
    progress pg = { .tty = isatty(2), .quiet = quiet };
    fo.progress = on_progress;
    fo.ctx = &pg;
    e = link_flash(c, art, (uint32_t)len, &fo, &r);
    if (e) {
      rc = report(c, e, &r);
    } else {
      const link_bank *b = &r.st.bank[r.bank];
      printf("%s: version %u.%u.%u, counter %u %s bank %c; %s\n", art_path, b->version[0],
             b->version[1], b->version[2], (unsigned)b->counter,
             r.already ? "already in" : "installed in", cli_bank_letter(r.bank),
             r.confirmed ? "running, confirmed" : "running on trial (the device confirms it after its health check)");
    }
  }
  cli_link_close(&l);
  free(art);
  return rc;
}
