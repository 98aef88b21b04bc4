/*
** bsim.c -- the simulated device, line and hypervisor of bsim.h.
*/
#define _POSIX_C_SOURCE 200809L
#include "bsim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asm.h"
#include "board_flash.h"
#include "cvm1.h"

#define NEVER UINT64_MAX

static uint32_t rnd(bsim *s) {
  uint32_t x = s->seed ? s->seed : 1u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return s->seed = x;
}

/* ---- lines ----------------------------------------------------------------- */

static void line_init(bsim_line *l, uint32_t cap) {
  memset(l, 0, sizeof *l);
  l->cap = cap;
  l->b = malloc(cap);
  l->t = malloc(cap * sizeof *l->t);
}

static void line_free(bsim_line *l) {
  free(l->b);
  free(l->t);
}

static uint32_t line_len(const bsim_line *l) { return l->tail - l->head; }

static void line_put(bsim *s, bsim_line *l, const uint8_t *p, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    if (line_len(l) >= l->cap) return;           /* the test's queue is full */
    uint8_t b = p[i];
    if (l->f.flip && rnd(s) % 1000000u < l->f.flip) {
      b ^= (uint8_t)(1u << (rnd(s) % 8u));
      l->flipped++;
    }
    uint64_t t = (l->free_ns > s->now ? l->free_ns : s->now) + s->byte_ns;
    l->free_ns = t;
    l->b[l->tail % l->cap] = b;
    l->t[l->tail % l->cap] = t;
    l->tail++;
  }
}

/* One frame onto a line, through the fault model. */
static void line_send(bsim *s, bsim_line *l, const uint8_t *p, uint32_t n) {
  const bsim_faults *f = &l->f;
  l->frames++;
  if (s->now >= f->down_from_ns && s->now < f->down_to_ns) { l->dropped++; return; }
  if (f->drop && rnd(s) % 1000u < f->drop) { l->dropped++; return; }
  if (f->garbage && rnd(s) % 1000u < f->garbage) {
    uint8_t g[24];
    uint32_t k = 1 + rnd(s) % sizeof g;
    for (uint32_t i = 0; i < k; i++) g[i] = (uint8_t)rnd(s);
    line_put(s, l, g, k);
    l->garbaged++;
  }
  if (f->reorder && !l->held_len && n <= sizeof l->held && rnd(s) % 1000u < f->reorder) {
    memcpy(l->held, p, n);                       /* goes out after the next one */
    l->held_len = n;
    l->reordered++;
    return;
  }
  line_put(s, l, p, n);
  if (f->dup && rnd(s) % 1000u < f->dup) {
    line_put(s, l, p, n);
    l->duped++;
  }
  if (l->held_len) {
    uint32_t h = l->held_len;
    l->held_len = 0;
    line_put(s, l, l->held, h);
  }
}

/* ---- device ---------------------------------------------------------------- */

static void dev_out(void *ctx, const uint8_t *p, uint32_t n) {
  bsim *s = ctx;
  if (s->out_len + n <= sizeof s->out) {
    memcpy(s->out + s->out_len, p, n);
    s->out_len += n;
  }
}

/* The device starts: bootloader decision, then the hypervisor model. */
static void dev_boot(bsim *s) {
  s->boots++;
  boot_init(&s->dev, &s->pol, 0xC0C0C0C0u, s->boots);
  s->dev.hv_version[0] = 0;
  s->dev.hv_version[1] = 1;
  boot_srv_init(&s->srv, &s->dev, dev_out, s);
  s->ring_len = s->ring_head = 0;
  s->busy_until = s->now;
  s->confirm_at = NEVER;
  s->reboot_at = NEVER;
  int b = boot_select(&s->dev);
  if (b >= 0 && s->dev.trial) {
    if (s->trial_fault) {                        /* faults at once: reject, reset */
      uint32_t detail;
      s->faults++;
      boot_reject(&s->dev, (uint32_t)b, LINK_REASON_FAULT, &detail);
      s->reboot_at = s->now;
    } else if (s->health_ns) {
      s->confirm_at = s->now + s->health_ns;
    }
  }
}

void bsim_power_cycle(bsim *s) {
  board_flash_cut_at(0, 0, NULL, NULL);
  s->reset_until = s->now + s->reset_ns;
  dev_boot(s);
}

/* Feed ring bytes until one request has been answered; returns true if it
** cost flash time (the device is then busy) or asked for a reboot. */
static void dev_work(bsim *s) {
  while (s->ring_len && s->now >= s->busy_until && s->reboot_at == NEVER) {
    uint8_t b = s->ring[s->ring_head];
    s->ring_head = (s->ring_head + 1) % s->ring_cap;
    s->ring_len--;
    uint64_t busy0 = board_flash_stats_get()->busy_ns;
    s->out_len = 0;
    boot_srv_input(&s->srv, &b, 1);
    uint64_t cost = board_flash_stats_get()->busy_ns - busy0;
    s->busy_until = s->now + cost;
    if (s->out_len) {
      uint64_t keep = s->now;
      s->now = s->busy_until;                    /* the answer leaves when done */
      line_send(s, &s->d2c, s->out, s->out_len);
      s->now = keep;
    }
    if (s->srv.reboot) s->reboot_at = s->d2c.free_ns > s->busy_until ? s->d2c.free_ns : s->busy_until;
  }
}

static uint64_t next_event(const bsim *s) {
  uint64_t t = NEVER;
  if (line_len(&s->c2d)) t = s->c2d.t[s->c2d.head % s->c2d.cap];
  if (line_len(&s->d2c) && s->d2c.t[s->d2c.head % s->d2c.cap] < t) t = s->d2c.t[s->d2c.head % s->d2c.cap];
  if (s->ring_len && s->busy_until > s->now && s->busy_until < t) t = s->busy_until;
  if (s->reboot_at < t) t = s->reboot_at;
  if (s->confirm_at < t) t = s->confirm_at;
  return t;
}

/* Advance to `until`, or until the client has bytes when stop_on_rx. */
static void advance(bsim *s, uint64_t until, bool stop_on_rx) {
  for (;;) {
    if (stop_on_rx && s->in_len) return;
    uint64_t t = next_event(s);
    if (t > until) { s->now = until; return; }
    if (t > s->now) s->now = t;
    while (line_len(&s->c2d) && s->c2d.t[s->c2d.head % s->c2d.cap] <= s->now) {
      uint8_t b = s->c2d.b[s->c2d.head % s->c2d.cap];
      s->c2d.head++;
      if (s->now < s->reset_until || s->reboot_at != NEVER) continue;   /* in reset */
      if (s->ring_len >= s->ring_cap) { s->overruns++; continue; }
      s->ring[(s->ring_head + s->ring_len) % s->ring_cap] = b;
      s->ring_len++;
    }
    while (line_len(&s->d2c) && s->d2c.t[s->d2c.head % s->d2c.cap] <= s->now) {
      uint8_t b = s->d2c.b[s->d2c.head % s->d2c.cap];
      s->d2c.head++;
      if (s->in_len < sizeof s->in) s->in[s->in_len++] = b;
    }
    if (s->confirm_at <= s->now) {
      uint32_t detail;
      s->confirm_at = NEVER;
      if (s->dev.trial && boot_confirm(&s->dev, (uint32_t)s->dev.running, &detail) == LINK_ST_OK)
        s->confirms++;
    }
    if (s->reboot_at <= s->now) {
      s->reset_until = s->now + s->reset_ns;
      dev_boot(s);
    }
    dev_work(s);
  }
}

void bsim_run(bsim *s, uint64_t ns) { advance(s, s->now + ns, false); }

/* ---- client io --------------------------------------------------------------- */

static int io_send(void *ctx, const uint8_t *p, uint32_t n) {
  bsim *s = ctx;
  line_send(s, &s->c2d, p, n);
  return (int)n;
}

static int io_recv(void *ctx, uint8_t *p, uint32_t cap, uint32_t timeout_ms) {
  bsim *s = ctx;
  advance(s, s->now + (uint64_t)timeout_ms * 1000000u, true);
  uint32_t n = s->in_len < cap ? s->in_len : cap;
  memcpy(p, s->in, n);
  memmove(s->in, s->in + n, s->in_len - n);
  s->in_len -= n;
  return (int)n;
}

static uint64_t io_now(void *ctx) { return ((bsim *)ctx)->now / 1000000u; }

link_io bsim_io(bsim *s) { return (link_io){ s, io_send, io_recv, io_now }; }

void bsim_init(bsim *s, const cvm1_policy *pol, uint32_t baud, uint32_t ring, uint32_t seed) {
  memset(s, 0, sizeof *s);
  s->pol = *pol;
  s->seed = seed ? seed : 1u;
  s->byte_ns = baud ? 10000000000ull / baud : 0;
  line_init(&s->c2d, 1u << 20);
  line_init(&s->d2c, 1u << 20);
  s->ring_cap = ring ? ring : (1u << 20);
  s->ring = malloc(s->ring_cap);
  s->reset_ns = 20000000u;                       /* 20 ms */
  link_io io = bsim_io(s);
  link_client_init(&s->cl, &io);
  dev_boot(s);
}

void bsim_free(bsim *s) {
  line_free(&s->c2d);
  line_free(&s->d2c);
  free(s->ring);
}

uint32_t bsim_direct(bsim *s, const uint8_t *p, uint32_t n, uint8_t *out, uint32_t cap) {
  uint32_t got = 0;
  for (uint32_t i = 0; i < n && !s->srv.reboot; i++) {
    s->out_len = 0;
    boot_srv_input(&s->srv, p + i, 1);
    uint32_t k = s->out_len < cap - got ? s->out_len : cap - got;
    memcpy(out + got, s->out, k);
    got += k;
  }
  return got;
}

link_cerr bsim_flash(bsim *s, const uint8_t *art, uint32_t len, bool confirm, const char **why) {
  link_flash_opts o = { .confirm = confirm, .reboot_wait_ms = 5000, .resumes = 3 };
  link_flash_result r;
  link_cerr e = link_flash(&s->cl, art, len, &o, &r);
  static char msg[160];
  if (e) {
    snprintf(msg, sizeof msg, "step %s: %s%s%s", r.step == LINK_STEP_RUN ? "RUN" : link_cmd_name(r.step),
             link_cerr_str(e), e == LINK_C_NAK ? ": " : "",
             e == LINK_C_NAK ? link_st_str(s->cl.st) : "");
    if (why) *why = msg;
  }
  return e;
}

/* ---- test artifacts ------------------------------------------------------------ */

uint8_t *tart_build(const char *tag, uint32_t size, const char *version, uint32_t counter,
                    const char *keypath, bool fault, size_t *len) {
  char src[1024];
  uint32_t pad = size > 600 ? size - 600 : 0;
  snprintf(src, sizeof src,
           ".string msg \"%s\\n\"\n"
           "%s"
           ".entry setup loop\n"
           ".func setup 0\n  MKARR r0, msg\n  SYS r0, printf, 2\n  RET0\n.end\n"
           ".func loop 0\n  LDI r0, 100\n  SYS r0, delay, 1\n%s  RET0\n.end\n",
           tag, "", fault ? "  LDI r1, 0\n  DIV r0, r0, r1\n" : "");
  char rodata[64] = "";
  if (pad) {
    snprintf(rodata, sizeof rodata, ".rodata %u\n", (unsigned)(pad + 16u));
    size_t k = strlen(src);
    memmove(src + strlen(rodata) + 0, src, k + 1);
    memcpy(src, rodata, strlen(rodata));
  }
  asm_diag dg;
  asm_prog *ap = asm_assemble("tart.s", src, strlen(src), stderr, &dg);
  if (!ap) return NULL;
  cvm1_meta meta;
  cvm1_meta_init(&meta);
  meta.build_time = 1;
  if (cvm1_parse_version(version, meta.version) != CVM1_ERR_OK) { asm_free(ap); return NULL; }
  meta.security_counter = counter;
  uint8_t *out = NULL;
  cvm1_err e = cvm1_build(asm_image(ap), &meta, keypath, &out, len);
  asm_free(ap);
  return e == CVM1_ERR_OK ? out : NULL;
}

static char keydir[256];

static void keys_remove(void) {
  static const char *const names[] = { "dev.key", "dev.pub", "other.key", "other.pub" };
  char path[320];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(path, sizeof path, "%s/%s", keydir, names[i]);
    unlink(path);
  }
  rmdir(keydir);
}

const char *tart_keys(void) {
  if (keydir[0]) return keydir;
  snprintf(keydir, sizeof keydir, "/tmp/bootkeys.XXXXXX");
  if (!mkdtemp(keydir)) return NULL;
  atexit(keys_remove);
  char name[300];
  snprintf(name, sizeof name, "%s/dev", keydir);
  if (cvm1_keygen(name) != CVM1_ERR_OK) return NULL;
  snprintf(name, sizeof name, "%s/other", keydir);
  if (cvm1_keygen(name) != CVM1_ERR_OK) return NULL;
  return keydir;
}

const char *tart_key(const char *name, const char *ext) {
  static char path[320];
  snprintf(path, sizeof path, "%s/%s.%s", tart_keys(), name, ext);
  return path;
}
