/*
** test_link.c -- the programming link: frames, messages, the client, and
** installs over a simulated 115200 baud line with faults (bit flips,
** dropped, duplicated and reordered frames, garbage, a lost link resumed),
** and the protocol's throughput. Usage: test_link NAME (link.NAME).
*/
#define _POSIX_C_SOURCE 200809L
#include <string.h>

#include "board_flash.h"
#include "bsim.h"
#include "crc32.h"
#include "tcheck.h"


/* ---- frames ------------------------------------------------------------------ */

static int decode_all(link_rx *r, const uint8_t *w, uint32_t n, int *bad) {
  int frames = 0;
  for (uint32_t i = 0; i < n; i++) {
    link_rxev ev = link_rx_byte(r, w[i]);
    frames += ev == LINK_RX_FRAME;
    if (bad) *bad += ev == LINK_RX_BAD;
  }
  return frames;
}

static void t_frame(void) {
  static uint8_t msg[LINK_MAX_MSG + 1], w[LINK_MAX_WIRE + 300];
  link_rx r;
  link_rx_init(&r);
  /* every length, data with zeros, 0xFF and everything else */
  for (uint32_t n = 0; n <= LINK_MAX_MSG; n++) {
    for (uint32_t i = 0; i < n; i++) {
      uint32_t k = (uint32_t)rnd() % 4;
      msg[i] = k == 0 ? 0 : k == 1 ? 0xFF : (uint8_t)rnd();
    }
    if (n % 7 == 0) memset(msg, 0, n);
    if (n % 11 == 0) memset(msg, 0x01, n);
    uint32_t k = link_frame_encode(msg, n, w, sizeof w);
    CHECKF(k && k <= LINK_WIRE_SIZE(n), "n %u wire %u", n, k);
    for (uint32_t i = 0; i + 1 < k; i++) CHECK(w[i] != 0 || i == 0);
    CHECK(w[k - 1] == 0);
    int bad = 0;
    CHECKF(decode_all(&r, w, k, &bad) == 1 && !bad && r.len == n && !memcmp(r.msg, msg, n), "n %u", n);
  }
  CHECK(link_frame_encode(msg, LINK_MAX_MSG + 1, w, sizeof w) == 0);
  CHECK(link_frame_encode(msg, 100, w, 50) == 0);
  CHECK(link_frame_encode(msg, 100, w, LINK_WIRE_SIZE(100)) != 0);
  /* the CRC is the standard CRC-32, little-endian after the message */
  uint8_t m9[] = "123456789";
  uint32_t k = link_frame_encode(m9, 9, w, sizeof w);
  CHECK(k == 9 + 4 + 2 && w[0] == 14);
  CHECK(link_get32(w + 10) == 0xCBF43926u);
  /* garbage before a frame (with and without zeros) costs nothing but itself */
  for (int trial = 0; trial < 200; trial++) {
    uint32_t g = (uint32_t)rnd() % 40, n = 1 + (uint32_t)rnd() % 200;
    uint8_t buf[400];
    for (uint32_t i = 0; i < g; i++) buf[i] = (uint8_t)rnd();
    buf[g] = 0;                                   /* the sender's flush */
    for (uint32_t i = 0; i < n; i++) msg[i] = (uint8_t)rnd();
    uint32_t fk = link_frame_encode(msg, n, buf + g + 1, sizeof buf - g - 1);
    link_rx_init(&r);
    int bad = 0;
    CHECK(decode_all(&r, buf, g + 1 + fk, &bad) == 1 && r.len == n && !memcmp(r.msg, msg, n));
    uint32_t zeros = 0;   /* each zero in the garbage ends a (bad) frame */
    for (uint32_t i = 0; i < g; i++) zeros += buf[i] == 0;
    CHECK(bad <= (int)zeros + 1, "%d bad frames from %u bytes of garbage with %u zeros", bad, g, zeros);
  }
  /* any single bit flip is caught */
  for (uint32_t n = 1; n < 64; n++) {
    for (uint32_t i = 0; i < n; i++) msg[i] = (uint8_t)rnd();
    uint32_t fk = link_frame_encode(msg, n, w, sizeof w);
    for (uint32_t bit = 0; bit < (fk - 1) * 8; bit++) {
      uint8_t c[300];
      memcpy(c, w, fk);
      c[bit / 8] ^= (uint8_t)(1u << (bit % 8));
      link_rx_init(&r);
      int bad = 0, good = decode_all(&r, c, fk, &bad);
      CHECKF(good == 0 || (r.len == n && !memcmp(r.msg, msg, n)), "n %u bit %u", n, bit);
      if (good) CHECK(0);
    }
  }
  /* runts, broken blocks and oversize frames are BAD, and the next is fine */
  link_rx_init(&r);
  uint8_t runt[] = { 0x02, 0x11, 0x00 }, brk[] = { 0x05, 0x11, 0x22, 0x00 };
  CHECK(link_rx_byte(&r, runt[0]) == LINK_RX_NONE && link_rx_byte(&r, runt[1]) == LINK_RX_NONE);
  CHECK(link_rx_byte(&r, runt[2]) == LINK_RX_BAD);
  int bad = 0;
  CHECK(decode_all(&r, brk, sizeof brk, &bad) == 0 && bad == 1);
  uint8_t big[LINK_MAX_FRAME + 10];
  memset(big, 0x33, sizeof big);
  bad = 0;
  CHECK(decode_all(&r, big, sizeof big, &bad) == 0 && bad == 0);
  CHECK(link_rx_byte(&r, 0) == LINK_RX_BAD);
  k = link_frame_encode(m9, 9, w, sizeof w);
  CHECK(decode_all(&r, w, k, NULL) == 1 && r.len == 9);
  CHECK(link_rx_byte(&r, 0) == LINK_RX_NONE);    /* 0x00 0x00: idle */
  CHECK(r.frames == 1 && r.bad == 3);
}

/* ---- messages ---------------------------------------------------------------------------- */

static void t_msg(void) {
  for (uint32_t c = 0; c < 256; c++) {
    int b = link_cmd_body(c);
    if (b < 0) { CHECK(!strcmp(link_cmd_name(c), link_rt_cmd_body(c) >= 0 ? link_rt_cmd_name(c) : "?")); continue; }
    CHECK(c >= LINK_HELLO && c <= LINK_REBOOT && strcmp(link_cmd_name(c), "?") && !(c & LINK_RESP_BIT));
  }
  CHECK(link_cmd_body(LINK_BEGIN) == (int)LINK_BEGIN_SIZE && link_cmd_body(LINK_REBOOT) == 4);
  for (uint32_t s = 0; s < LINK_ST__COUNT; s++) {
    CHECK(strlen(link_st_str((link_st)s)) > 1 && strcmp(link_st_name((link_st)s), "?"));
    for (uint32_t t = 0; t < s; t++) CHECK(strcmp(link_st_name((link_st)s), link_st_name((link_st)t)));
  }
  CHECK(!strcmp(link_st_name(LINK_ST__COUNT), "?") && !strcmp(link_st_str((link_st)99), "unknown status"));
  for (uint32_t s = 0; s < LINK_BANK__COUNT; s++) CHECK(strcmp(link_bank_state_name(s), "?"));
  CHECK(!strcmp(link_bank_state_name(LINK_BANK__COUNT), "?") && !strcmp(link_reason_name(99), "?"));
  CHECK(!strcmp(link_cerr_str(LINK_C_TIMEOUT), "no answer from the device"));
  /* bodies round trip, wrong sizes refused */
  link_info in = { 1, 0xAABBCCDDu, 77, { 1, 2, 3 }, { 4, 5, 6 }, 1024, 2, 2, 32704, 1 }, in2;
  uint8_t buf[LINK_STATUS_SIZE + 1];
  link_info_put(buf, &in);
  CHECK(link_info_get(buf, LINK_INFO_SIZE, &in2) && !link_info_get(buf, LINK_INFO_SIZE - 1, &in2));
  CHECK(in2.device_id == in.device_id && in2.boot_id == 77 && in2.hv_version[2] == 6 &&
        in2.max_chunk == 1024 && in2.window == 2 && in2.bank_capacity == 32704 && in2.mode == 1);
  link_status st, st2;
  memset(&st, 0, sizeof st);
  st.floor = 9; st.boot_id = 3; st.running = 1; st.ses_bank = LINK_NO_BANK;
  st.ses_size = 100; st.ses_next = 64;
  for (int b = 0; b < 2; b++) {
    link_bank *k = &st.bank[b];
    k->state = (uint8_t)(LINK_BANK_TRIAL + b); k->reason = 2; k->verdict = 3; k->flags = 1;
    k->gen = 5u + (uint32_t)b; k->size = 1000; k->version[0] = 7; k->counter = 8;
    for (int i = 0; i < 8; i++) k->keyid[i] = (uint8_t)(i + b);
    for (int i = 0; i < 32; i++) k->digest[i] = (uint8_t)(i * 3 + b);
  }
  link_status_put(buf, &st);
  CHECK(link_status_get(buf, LINK_STATUS_SIZE, &st2) && !link_status_get(buf, LINK_STATUS_SIZE + 1, &st2));
  CHECK(st2.floor == 9 && st2.running == 1 && st2.ses_next == 64 && st2.bank[1].gen == 6 &&
        st2.bank[1].state == LINK_BANK_CONFIRMED && st2.bank[0].keyid[7] == 7 &&
        st2.bank[1].digest[31] == 31 * 3 + 1 && st2.bank[0].counter == 8);
  link_begin bg = { 500, { 1, 2, 3 }, { 1, 2, 3 }, 44 }, bg2;
  link_begin_put(buf, &bg);
  CHECK(link_begin_get(buf, LINK_BEGIN_SIZE, &bg2) && !link_begin_get(buf, 10, &bg2));
  CHECK(bg2.size == 500 && bg2.digest[2] == 3 && bg2.version[1] == 2 && bg2.counter == 44);
  /* BEGIN's fields come from the artifact */
  size_t len;
  uint8_t *a = tart_build("M", 1000, "3.4.5", 17, NULL, false, &len);
  REQUIRE(a);
  CHECK(link_begin_for(a, (uint32_t)len, &bg) && bg.size == len && bg.counter == 17 &&
        bg.version[0] == 3 && bg.version[2] == 5);
  CHECK(!link_begin_for(a, (uint32_t)len - 1, &bg));
  a[0] = 'X';
  CHECK(!link_begin_for(a, (uint32_t)len, &bg));
  free(a);
}

/* ---- the client against scripted answers ---------------------------------------------------- */

typedef struct script {
  uint64_t now;
  uint8_t out[8][64];     /* answers handed out, one per recv */
  uint32_t outn[8], nout, next;
  uint8_t last[LINK_MAX_WIRE];
  uint32_t lastn, sends;
  int fail;
} script;

static int sc_send(void *ctx, const uint8_t *p, uint32_t n) {
  script *s = ctx;
  s->sends++;
  memcpy(s->last, p, n);
  s->lastn = n;
  return s->fail ? -1 : (int)n;
}
static int sc_recv(void *ctx, uint8_t *p, uint32_t cap, uint32_t timeout_ms) {
  script *s = ctx;
  if (s->next < s->nout) {
    uint32_t n = s->outn[s->next] < cap ? s->outn[s->next] : cap;
    memcpy(p, s->out[s->next++], n);
    return (int)n;
  }
  s->now += timeout_ms;
  return 0;
}
static uint64_t sc_now(void *ctx) { return ((script *)ctx)->now; }

/* Queue an answer frame: cmd|0x80, seq, status, body. */
static void sc_answer(script *s, uint8_t cmd, uint16_t seq, uint8_t st, const uint8_t *b, uint32_t n) {
  uint8_t m[64];
  m[0] = cmd | LINK_RESP_BIT;
  link_put16(m + 1, seq);
  m[3] = st;
  if (n) memcpy(m + 4, b, n);
  s->outn[s->nout] = link_frame_encode(m, 4 + n, s->out[s->nout], 64);
  s->nout++;
}

static void t_client(void) {
  script s;
  memset(&s, 0, sizeof s);
  link_io io = { &s, sc_send, sc_recv, sc_now };
  static link_client c;
  link_client_init(&c, &io);
  c.timeout_ms = 100;
  c.retries = 2;
  /* nobody answers: three sends, then TIMEOUT after 300 ms */
  CHECK(link_request(&c, LINK_HELLO, NULL, 0) == LINK_C_TIMEOUT);
  CHECK(s.sends == 3 && s.now == 300 && c.timeouts == 3 && c.resent == 2);
  CHECK(s.last[0] != 0);                         /* only the first send flushed */
  /* a stale answer and a damaged-frame NAK, then the real one */
  memset(&s, 0, sizeof s);
  link_client_init(&c, &io);
  uint8_t d4[4] = { 0 }, body[LINK_INFO_SIZE];
  link_info in = { 1, 7, 8, { 1, 0, 0 }, { 0, 1, 0 }, 1024, 2, 2, 32704, 0 }, got;
  link_info_put(body, &in);
  sc_answer(&s, LINK_STATUS, 99, 0, NULL, 0);          /* stale */
  sc_answer(&s, 0, 0, LINK_ST_FRAME, d4, 4);           /* "damaged": resend at once */
  sc_answer(&s, LINK_HELLO, 2, 0, body, sizeof body);
  CHECK(link_hello(&c, &got) == LINK_C_OK && got.boot_id == 8 && got.max_chunk == 1024);
  CHECK(s.sends == 2 && c.stale == 1 && c.resent == 1 && s.now == 0);
  /* a NAK carries status and detail */
  s.nout = s.next = 0;
  link_put32(d4, 1234);
  sc_answer(&s, LINK_ACTIVATE, 3, LINK_ST_NOT_INSTALLED, d4, 4);
  CHECK(link_bank_cmd(&c, LINK_ACTIVATE, 1) == LINK_C_NAK && c.st == LINK_ST_NOT_INSTALLED &&
        c.detail == 1234 && c.last_cmd == LINK_ACTIVATE);
  CHECK(s.last[1 + 0] != 0);
  /* nonsense answers: another command, a NAK without detail, a wrong body */
  s.nout = s.next = 0;
  sc_answer(&s, LINK_CONFIRM, 4, 0, NULL, 0);
  CHECK(link_bank_cmd(&c, LINK_ACTIVATE, 1) == LINK_C_PROTO);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_ACTIVATE, 5, LINK_ST_BANK, NULL, 0);
  CHECK(link_bank_cmd(&c, LINK_ACTIVATE, 1) == LINK_C_PROTO);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_HELLO, 6, 0, body, 5);
  CHECK(link_hello(&c, &got) == LINK_C_PROTO);
  s.nout = s.next = 0;
  sc_answer(&s, LINK_ACTIVATE, 7, 0, d4, 1);
  CHECK(link_bank_cmd(&c, LINK_ACTIVATE, 1) == LINK_C_PROTO);
  /* a request frame, or a runt, coming back is not an answer */
  s.nout = s.next = 0;
  uint8_t m[8] = { LINK_HELLO, 8, 0 };
  s.outn[0] = link_frame_encode(m, 3, s.out[0], 64);
  s.nout = 1;
  sc_answer(&s, LINK_HELLO, 8, 0, body, sizeof body);
  uint32_t bad0 = c.bad_frames;
  CHECK(link_hello(&c, &got) == LINK_C_OK && c.bad_frames == bad0 + 1);
  /* the link failing */
  s.fail = 1;
  CHECK(link_request(&c, LINK_HELLO, NULL, 0) == LINK_C_IO);
  s.fail = 0;
  /* bad upload arguments */
  uint8_t art[64] = { 0 };
  CHECK(link_upload(&c, art, 64, 0, 0, 2, NULL, NULL) == LINK_C_ARG);
  CHECK(link_upload(&c, art, 64, 0, 12, 2, NULL, NULL) == LINK_C_ARG);
  CHECK(link_upload(&c, art, 64, 0, LINK_MAX_CHUNK + 8, 2, NULL, NULL) == LINK_C_ARG);
  CHECK(link_upload(&c, art, 64, 0, 8, 0, NULL, NULL) == LINK_C_ARG);
  CHECK(link_upload(&c, art, 64, 72, 8, 1, NULL, NULL) == LINK_C_ARG);
  CHECK(link_upload(&c, art, 64, 64, 8, 1, NULL, NULL) == LINK_C_OK);   /* nothing left */
  link_flash_result fr;
  link_flash_opts fo = { 0 };
  CHECK(link_flash(&c, art, 64, &fo, &fr) == LINK_C_ARG && fr.step == LINK_STEP_ARTIFACT);
}

/* ---- installs over a faulty line ------------------------------------------------------------ */

static cvm1_policy pol;

typedef struct outcome {
  bool ok, identical;
  uint32_t resent, timeouts, resumed;
  double secs;
} outcome;

/* Install art (about 20 KB) over a 115200 baud line with faults f (both
** directions), from a device already running another program. */
static outcome faulty_install(const bsim_faults *f, uint32_t seed, const uint8_t *old, size_t lo,
                              const uint8_t *art, size_t len) {
  outcome o = { 0 };
  bsim s;
  REQUIRE(board_flash_open(NULL) == 0);
  bsim_init(&s, &pol, 0, 0, seed);
  REQUIRE(bsim_flash(&s, old, (uint32_t)lo, true, NULL) == LINK_C_OK);
  bsim_free(&s);
  bsim_init(&s, &pol, 115200, 512, seed);
  s.c2d.f = *f;
  s.d2c.f = *f;
  s.d2c.f.down_from_ns = f->down_from_ns;
  link_flash_opts fo = { .confirm = true, .reboot_wait_ms = 5000, .resumes = 3 };
  link_flash_result r;
  uint64_t t0 = s.now;
  link_cerr e = link_flash(&s.cl, art, (uint32_t)len, &fo, &r);
  o.secs = (double)(s.now - t0) / 1e9;
  o.ok = e == LINK_C_OK;
  if (!o.ok)
    fprintf(stderr, "  install failed at %s: %s (%s)\n", link_cmd_name(r.step), link_cerr_str(e),
            e == LINK_C_NAK ? link_st_str(s.cl.st) : "-");
  uint32_t size;
  const uint8_t *p = s.dev.running >= 0 ? boot_image(&s.dev, (uint32_t)s.dev.running, &size) : NULL;
  o.identical = p && size == len && !memcmp(p, art, len);
  o.resent = s.cl.resent;
  o.timeouts = s.cl.timeouts;
  o.resumed = r.resumed;
  bsim_free(&s);
  board_flash_close();
  return o;
}

static uint8_t *old_art, *new_art;
static size_t old_len, new_len;

static void arts(void) {
  cvm1_policy_init(&pol);
  pol.flags = CVM1_POL_UNSIGNED_OK;
  old_art = tart_build("OLD", 3000, "1.0.0", 1, NULL, false, &old_len);
  new_art = tart_build("NEW", 20000, "1.1.0", 2, NULL, false, &new_len);
  REQUIRE(old_art && new_art);
}

static void run_faults(const char *name, bsim_faults f, uint32_t seeds) {
  arts();
  uint32_t ok = 0, resent = 0, timeouts = 0, resumed = 0;
  double secs = 0;
  for (uint32_t seed = 1; seed <= seeds; seed++) {
    outcome o = faulty_install(&f, seed * 101u, old_art, old_len, new_art, new_len);
    CHECKF(o.ok && o.identical, "%s seed %u: ok %d identical %d", name, seed, o.ok, o.identical);
    ok += o.ok && o.identical;
    resent += o.resent;
    timeouts += o.timeouts;
    resumed += o.resumed;
    secs += o.secs;
  }
  printf("%s: %u/%u installs of %zu bytes complete with identical banks; %u frames resent, "
         "%u timeouts, %u resumes; %.1f s simulated on average\n",
         name, ok, seeds, new_len, resent, timeouts, resumed, secs / seeds);
  free(old_art);
  free(new_art);
}

static void t_flips(void) { run_faults("bit flips (1 in 2000 bytes)", (bsim_faults){ .flip = 500 }, 8); }
static void t_drop(void) { run_faults("dropped frames (5%)", (bsim_faults){ .drop = 50 }, 8); }
static void t_dup(void) { run_faults("duplicated frames (10%)", (bsim_faults){ .dup = 100 }, 8); }
static void t_reorder(void) { run_faults("reordered frames (10%)", (bsim_faults){ .reorder = 100 }, 8); }
static void t_garbage(void) { run_faults("garbage between frames (10%)", (bsim_faults){ .garbage = 100 }, 8); }
static void t_mixed(void) {
  run_faults("all of them at once", (bsim_faults){ .flip = 200, .drop = 20, .dup = 30, .reorder = 30, .garbage = 30 }, 8);
}
/* The link is lost for 10 s in the middle of the upload (longer than the
** client's retries): the upload fails, BEGIN resumes at the device's offset. */
static void t_lost(void) {
  arts();
  bsim_faults f = { .down_from_ns = 1000000000ull, .down_to_ns = 11000000000ull };
  outcome o = faulty_install(&f, 7, old_art, old_len, new_art, new_len);
  CHECK(o.ok && o.identical && o.resumed >= 1 && o.timeouts > 0);
  printf("link lost for 10 s mid-transfer: install %s after %u resume(s), bank %s\n",
         o.ok ? "completed" : "FAILED", o.resumed, o.identical ? "identical" : "DIFFERENT");
  /* a link that never comes back ends with a clear error */
  bsim s;
  REQUIRE(board_flash_open(NULL) == 0);
  bsim_init(&s, &pol, 115200, 512, 3);
  s.c2d.f.down_from_ns = 500000000ull;
  s.c2d.f.down_to_ns = UINT64_MAX;
  link_flash_opts fo = { .confirm = true, .resumes = 2 };
  link_flash_result r;
  CHECK(link_flash(&s.cl, new_art, (uint32_t)new_len, &fo, &r) == LINK_C_TIMEOUT);
  CHECK(r.step == LINK_HELLO || r.step == LINK_DATA || r.step == LINK_BEGIN);
  CHECK(s.dev.running == -1 && s.dev.bank[0].st.state != LINK_BANK_INSTALLED);
  bsim_free(&s);
  board_flash_close();
  free(old_art);
  free(new_art);
}

/* ---- throughput at 115200 baud ------------------------------------------------------------- */

static void t_throughput(void) {
  cvm1_policy_init(&pol);
  pol.flags = CVM1_POL_UNSIGNED_OK;
  size_t len;
  uint8_t *art = tart_build("BIG", BOOT_ART_MAX - 200, "1.0.0", 1, NULL, false, &len);
  REQUIRE(art && len <= BOOT_ART_MAX);
  const double line = 115200.0 / 10.0;          /* bytes per second, 8N1 */
  double best = 0;
  for (uint32_t window = 1; window <= 2; window++) {
    bsim s;
    REQUIRE(board_flash_open(NULL) == 0);
    bsim_init(&s, &pol, 115200, 512, 1);
    link_begin b;
    uint8_t bank;
    uint32_t next;
    REQUIRE(link_begin_for(art, (uint32_t)len, &b));
    uint64_t t0 = s.now;
    REQUIRE(link_begin_req(&s.cl, &b, &bank, &next) == LINK_C_OK);
    uint64_t t1 = s.now;
    CHECK(link_upload(&s.cl, art, (uint32_t)len, next, LINK_MAX_CHUNK, window, NULL, NULL) == LINK_C_OK);
    uint64_t t2 = s.now;
    CHECK(link_verify(&s.cl, &bank) == LINK_C_OK);
    uint64_t t3 = s.now;
    double data = (double)len / ((double)(t2 - t1) / 1e9), all = (double)len / ((double)(t3 - t0) / 1e9);
    printf("window %u: %zu bytes in %.2f s of DATA: %.0f B/s = %.1f%% of the %.0f B/s line "
           "(BEGIN..VERIFY: %.1f%%); %u frames resent, %u ring overruns\n",
           (unsigned)window, len, (double)(t2 - t1) / 1e9, data, 100.0 * data / line, line,
           100.0 * all / line, s.cl.resent, s.overruns);
    CHECK(s.cl.resent == 0 && s.overruns == 0);
    if (data > best) best = data;
    bsim_free(&s);
    board_flash_close();
  }
  CHECKF(best / line >= 0.90, "throughput %.1f%% of the line rate", 100.0 * best / line);
  free(art);
}

/* ---- docs/boot-protocol.md names every command, status, state and reason ---- */

static const char *docs_root;

static void t_docs(void) {
  char path[512], row[128];
  snprintf(path, sizeof path, "%s/docs/boot-protocol.md", docs_root);
  FILE *f = fopen(path, "rb");
  REQUIRE(f);
  static char doc[1 << 16];
  size_t n = fread(doc, 1, sizeof doc - 1, f);
  fclose(f);
  doc[n] = 0;
  for (uint32_t c = 0; c < 256; c++) {
    if (link_cmd_body(c) < 0) continue;
    snprintf(row, sizeof row, "| 0x%02x | `%s` |", (unsigned)c, link_cmd_name(c));
    CHECKF(strstr(doc, row), "%s", row);
  }
  for (uint32_t s = 0; s < LINK_ST__COUNT; s++) {
    snprintf(row, sizeof row, "| %u | `%s` |", (unsigned)s, link_st_name((link_st)s));
    CHECKF(strstr(doc, row), "%s", row);
  }
  for (uint32_t s = 0; s < LINK_BANK__COUNT; s++) {
    snprintf(row, sizeof row, "`%s` (%u", link_bank_state_name(s), (unsigned)s);
    CHECKF(strstr(doc, row), "%s", row);
  }
  for (uint32_t r = 0; r < LINK_REASON__COUNT; r++) {
    snprintf(row, sizeof row, "`%s` (%u", link_reason_name(r), (unsigned)r);
    CHECKF(strstr(doc, row), "%s", row);
  }
  snprintf(row, sizeof row, "status (%u bytes", (unsigned)LINK_STATUS_SIZE);
  CHECKF(strstr(doc, row), "%s", row);
  snprintf(row, sizeof row, "device info (%u bytes", (unsigned)LINK_INFO_SIZE);
  CHECKF(strstr(doc, row), "%s", row);
}

typedef struct test { const char *name; void (*fn)(void); } test;
static const test tests[] = {
  { "frame", t_frame }, { "msg", t_msg }, { "client", t_client },
  { "faults.flips", t_flips }, { "faults.drop", t_drop }, { "faults.dup", t_dup },
  { "faults.reorder", t_reorder }, { "faults.garbage", t_garbage }, { "faults.mixed", t_mixed },
  { "faults.lost", t_lost }, { "throughput", t_throughput }, { "docs", t_docs },
};

int main(int argc, char **argv) {
  int ran = 0;
  docs_root = argc > 2 ? argv[2] : ".";
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
    if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
      tests[i].fn();
      ran++;
    }
  if (!ran) { fprintf(stderr, "no test named %s\n", argv[1]); return 2; }
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures ? 1 : 0;
}
