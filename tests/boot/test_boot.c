/*
** test_boot.c -- the bootloader: records, floor log, flash HAL, boot
** selection, every protocol command and error, security, power cuts.
** Usage: test_boot NAME (one subtest per CTest entry, boot.NAME).
*/
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <string.h>
#include <unistd.h>

#include "board_flash.h"
#include "sha256.h"
#include "bsim.h"
#include "tcheck.h"

static cvm1_pubkey trust[2];
static cvm1_policy pol_dev;     /* trusts key "dev" */

static void setup_policy(void) {
  REQUIRE(tart_keys());
  REQUIRE(cvm1_load_pub(tart_key("dev", "pub"), trust[0]) == CVM1_ERR_OK);
  cvm1_policy_init(&pol_dev);
  pol_dev.keys = (const cvm1_pubkey *)trust;
  pol_dev.nkeys = 1;
}

static uint8_t *art_v(const char *tag, uint32_t size, const char *ver, uint32_t ctr, size_t *len) {
  uint8_t *a = tart_build(tag, size, ver, ctr, tart_key("dev", "key"), false, len);
  REQUIRE(a);
  return a;
}

/* The program the device would run now: its bank's bytes equal art? */
static bool runs(bsim *s, const uint8_t *art, size_t len) {
  if (s->dev.running < 0) return false;
  uint32_t size;
  const uint8_t *p = boot_image(&s->dev, (uint32_t)s->dev.running, &size);
  return p && size == len && memcmp(p, art, len) == 0 &&
         cvm1_check(p, size, &s->dev.pol, NULL) == CVM1_ERR_OK;
}

/* ---- helpers ------------------------------------------------------------------ */

/* One raw request straight into the server: status, response body, detail. */
static link_st req(bsim *s, uint8_t cmd, const uint8_t *body, uint32_t n, uint8_t *resp,
                   uint32_t *rlen, uint32_t *detail) {
  static uint8_t msg[LINK_MAX_MSG], wire[LINK_MAX_WIRE], out[4096];
  static uint16_t seq = 100;
  seq++;
  msg[0] = cmd;
  link_put16(msg + 1, seq);
  if (n) memcpy(msg + 3, body, n);
  uint32_t w = link_frame_encode(msg, 3 + n, wire, sizeof wire);
  REQUIRE(w);
  uint32_t got = bsim_direct(s, wire, w, out, sizeof out);
  link_rx rx;
  link_rx_init(&rx);
  int frames = 0;
  link_st st = LINK_ST__COUNT;
  for (uint32_t i = 0; i < got; i++) {
    if (link_rx_byte(&rx, out[i]) != LINK_RX_FRAME) continue;
    frames++;
    CHECK(rx.len >= LINK_RESP_HDR);
    CHECK(rx.msg[0] == (cmd | LINK_RESP_BIT));
    CHECK(link_get16(rx.msg + 1) == seq);
    st = (link_st)rx.msg[3];
    uint32_t bl = rx.len - LINK_RESP_HDR;
    if (st != LINK_ST_OK) {
      CHECK(bl == 4);
      if (detail) *detail = link_get32(rx.msg + 4);
    } else {
      if (resp) memcpy(resp, rx.msg + 4, bl);
      if (rlen) *rlen = bl;
    }
  }
  CHECKF(frames == 1, "%d answers to one request", frames);
  return st;
}

static link_st req_bank(bsim *s, uint8_t cmd, uint8_t bank, uint32_t *detail) {
  return req(s, cmd, &bank, 1, NULL, NULL, detail);
}

/* What BEGIN announces, from the raw bytes (they may be broken on purpose):
** size, SHA-256, version at 0x34, counter at 0x3C. */
static void begin_raw(const uint8_t *art, size_t len, link_begin *b) {
  b->size = (uint32_t)len;
  sha256(art, len, b->digest);
  for (int k = 0; k < 3; k++) b->version[k] = (uint16_t)link_get16(art + 0x34 + 2 * k);
  b->counter = link_get32(art + 0x3C);
}

static link_st req_begin(bsim *s, const uint8_t *art, size_t len, uint8_t *bank, uint32_t *next,
                         uint32_t *detail) {
  link_begin b, c;
  begin_raw(art, len, &b);
  if (link_begin_for(art, (uint32_t)len, &c))
    CHECK(b.size == c.size && b.counter == c.counter && !memcmp(b.digest, c.digest, 32) &&
          !memcmp(b.version, c.version, sizeof b.version));
  uint8_t body[LINK_BEGIN_SIZE], r[8];
  link_begin_put(body, &b);
  uint32_t rl = 0;
  link_st st = req(s, LINK_BEGIN, body, sizeof body, r, &rl, detail);
  if (st == LINK_ST_OK) {
    CHECK(rl == 5);
    if (bank) *bank = r[0];
    if (next) *next = link_get32(r + 1);
  }
  return st;
}

static link_st req_data(bsim *s, uint32_t off, const uint8_t *p, uint32_t n, uint32_t *next,
                        uint32_t *detail) {
  static uint8_t body[4 + LINK_MAX_CHUNK];
  link_put32(body, off);
  memcpy(body + 4, p, n);
  uint8_t r[4];
  uint32_t rl = 0;
  link_st st = req(s, LINK_DATA, body, 4 + n, r, &rl, detail);
  if (st == LINK_ST_OK && next) {
    CHECK(rl == 4);
    *next = link_get32(r);
  }
  return st;
}

/* BEGIN + all DATA (chunks of 1024) + VERIFY, raw; the VERIFY status. */
static link_st install_raw(bsim *s, const uint8_t *art, size_t len, uint8_t *bank, uint32_t *detail) {
  uint32_t next = 0, d = 0;
  link_st st = req_begin(s, art, len, bank, &next, detail);
  if (st != LINK_ST_OK) return st;
  for (uint32_t off = next; off < len; off += 1024) {
    uint32_t n = len - off < 1024 ? (uint32_t)len - off : 1024;
    st = req_data(s, off, art + off, n, &next, &d);
    if (st != LINK_ST_OK) { if (detail) *detail = d; return st; }
  }
  uint8_t r[1];
  uint32_t rl;
  return req(s, LINK_VERIFY, NULL, 0, r, &rl, detail);
}

static void reboot(bsim *s) { bsim_power_cycle(s); }

static bool runs_bytes(bsim *s, const uint8_t *art, size_t len) { return runs(s, art, len); }

static void fresh(bsim *s, const cvm1_policy *pol) {
  REQUIRE(board_flash_open(NULL) == 0);
  bsim_init(s, pol, 0, 0, 1);
}

static void done(bsim *s) {
  bsim_free(s);
  board_flash_close();
}

/* ---- the flash HAL ---------------------------------------------------------------- */

static jmp_buf cut_jb;
static int cut_calls;
static void on_cut(void *ctx) {
  (void)ctx;
  cut_calls++;
  longjmp(cut_jb, 1);
}

static void t_hal(void) {
  uint8_t b[16], dw[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
  CHECK(hal_flash_size() == 0 && hal_flash_map(0) == NULL);
  CHECK(hal_flash_read(0, b, 8) == HAL_ECLOSED && hal_flash_erase_page(0) == HAL_ECLOSED &&
        hal_flash_program(0, dw, 8) == HAL_ECLOSED);
  REQUIRE(board_flash_open(NULL) == 0);
  CHECK(hal_flash_size() == BOOT_FLASH_SIZE && BOARD_FLASH_SIZE == BOOT_FLASH_SIZE);
  CHECK(hal_flash_map(0)[0] == 0xFF && hal_flash_map(BOOT_FLASH_SIZE - 1)[0] == 0xFF);
  CHECK(hal_flash_map(BOOT_FLASH_SIZE) == NULL);
  CHECK(hal_flash_program(4, dw, 8) == HAL_EALIGN);
  CHECK(hal_flash_program(8, dw, 4) == HAL_EALIGN);
  CHECK(hal_flash_program(BOOT_FLASH_SIZE, dw, 8) == HAL_ERANGE);
  CHECK(hal_flash_program(BOOT_FLASH_SIZE - 8, dw, 16) == HAL_ERANGE);
  CHECK(hal_flash_erase_page(BOOT_FLASH_SIZE / HAL_FLASH_PAGE) == HAL_ERANGE);
  CHECK(hal_flash_read(BOOT_FLASH_SIZE - 4, b, 8) == HAL_ERANGE);
  CHECK(board_flash_stats_get()->ops == 0);
  CHECK(hal_flash_program(2048, dw, 8) == HAL_OK);
  CHECK(hal_flash_read(2049, b, 3) == HAL_OK && b[0] == 2 && b[2] == 4);
  CHECK(hal_flash_program(2048, dw, 8) == HAL_ENOTERASED);
  /* a multi-double-word write stops at the first programmed one */
  uint8_t two[16];
  memset(two, 0x11, sizeof two);
  CHECK(hal_flash_program(2040, two, 16) == HAL_ENOTERASED);
  CHECK(hal_flash_map(2040)[0] == 0x11 && hal_flash_map(2048)[0] == 1);
  CHECK(hal_flash_erase_page(1) == HAL_OK && hal_flash_map(2048)[0] == 0xFF);
  CHECK(hal_flash_map(2040)[0] == 0x11);           /* page 0 untouched */
  const board_flash_stats *st = board_flash_stats_get();
  CHECK(st->ops == 4 && st->erases == 1 && st->programs == 3 && st->dwords == 2);
  CHECK(st->busy_ns == BOARD_FLASH_ERASE_NS + 2ull * BOARD_FLASH_DWORD_NS);
  /* power cuts: a torn program only clears bits the data clears */
  for (uint32_t seed = 0; seed < 64; seed++) {
    uint8_t data[64];
    for (int i = 0; i < 64; i++) data[i] = (uint8_t)(0x5A ^ (i * 37) ^ seed);
    CHECK(hal_flash_erase_page(2) == HAL_OK);
    board_flash_cut_at(st->ops + 1, seed, on_cut, NULL);
    if (!setjmp(cut_jb)) {
      hal_flash_program(4096, data, 64);
      CHECK(!"the cut did not happen");
    }
    const uint8_t *f = hal_flash_map(4096);
    int torn = -1;
    for (int k = 0; k < 8; k++) {
      bool full = memcmp(f + 8 * k, data + 8 * k, 8) == 0, erased = true;
      for (int i = 0; i < 8; i++) erased = erased && f[8 * k + i] == 0xFF;
      for (int i = 0; i < 8; i++) CHECK((f[8 * k + i] & data[8 * k + i]) == data[8 * k + i]);
      if (torn < 0 && !full) torn = k;
      if (torn >= 0 && k > torn) CHECK(erased);
    }
  }
  /* a torn erase only sets bits */
  memset(two, 0, sizeof two);
  CHECK(hal_flash_erase_page(3) == HAL_OK && hal_flash_program(6144, two, 16) == HAL_OK);
  board_flash_cut_at(st->ops + 1, 7, on_cut, NULL);
  if (!setjmp(cut_jb)) hal_flash_erase_page(3);
  CHECK(cut_calls == 65);
  board_flash_close();

  /* a file keeps its contents; a file of another size is refused */
  char path[] = "/tmp/bootflashXXXXXX";
  int fd = mkstemp(path);
  REQUIRE(fd >= 0);
  close(fd);
  REQUIRE(board_flash_open(path) == 0);
  CHECK(hal_flash_map(100)[0] == 0xFF);
  CHECK(hal_flash_program(BOOT_BANK0_OFF, dw, 8) == HAL_OK);
  board_flash_close();
  REQUIRE(board_flash_open(path) == 0);
  CHECK(memcmp(hal_flash_map(BOOT_BANK0_OFF), dw, 8) == 0);
  board_flash_close();
  FILE *f = fopen(path, "ab");
  fputc(0, f);
  fclose(f);
  CHECK(board_flash_open(path) < 0);
  unlink(path);
}

/* ---- records ------------------------------------------------------------------------ */

static void t_records(void) {
  REQUIRE(board_flash_open(NULL) == 0);
  uint32_t v = 0;
  uint32_t off = BOOT_REC_OFF(0, BOOT_REC_ACTIVE);
  CHECK(boot_dw_read(off, &v) == BOOT_DW_ERASED);
  CHECK(boot_dw_write(off, 0x12345678u) == HAL_OK);
  CHECK(boot_dw_read(off, &v) == BOOT_DW_VALID && v == 0x12345678u);
  CHECK(boot_dw_write(off, 1) == HAL_ENOTERASED);
  CHECK(boot_dw_write(off + 8, 0xFFFFFFFFu) == HAL_OK);     /* all-ones value is not erased */
  CHECK(boot_dw_read(off + 8, &v) == BOOT_DW_VALID && v == 0xFFFFFFFFu);
  CHECK(boot_dw_read(BOOT_FLASH_SIZE, &v) == BOOT_DW_TORN);
  /* every torn write and every interrupted erase of a record reads as
  ** erased, as the value written, or as torn: never as another value */
  uint32_t vals[] = { 0, 1, 7, 0xFFFFFFFFu, 0x80000000u, 0xDEADBEEFu };
  uint32_t n = 0, valid = 0, erased = 0;
  for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
    for (uint32_t seed = 1; seed <= 300; seed++) {
      uint32_t page = BOOT_FLOOR_OFF / HAL_FLASH_PAGE;
      CHECK(hal_flash_erase_page(page) == HAL_OK);
      bool erase_cut = seed % 2;
      if (erase_cut) CHECK(boot_dw_write(BOOT_FLOOR_OFF, vals[i]) == HAL_OK);
      board_flash_cut_at(board_flash_stats_get()->ops + 1, seed, on_cut, NULL);
      if (!setjmp(cut_jb)) {
        if (erase_cut) hal_flash_erase_page(page);
        else boot_dw_write(BOOT_FLOOR_OFF, vals[i]);
      }
      boot_dw s = boot_dw_read(BOOT_FLOOR_OFF, &v);
      CHECK(s != BOOT_DW_VALID || v == vals[i]);
      valid += s == BOOT_DW_VALID;
      erased += s == BOOT_DW_ERASED;
      n++;
    }
  printf("records: %u torn writes and erases: %u read back whole, %u erased, %u torn, 0 wrong\n",
         (unsigned)n, (unsigned)valid, (unsigned)erased, (unsigned)(n - valid - erased));
  board_flash_close();
}

/* ---- floor log ------------------------------------------------------------------------ */

static void t_floor(void) {
  REQUIRE(board_flash_open(NULL) == 0);
  CHECK(boot_floor_read() == 0);
  CHECK(boot_floor_raise(0) == HAL_OK && board_flash_stats_get()->ops == 0);
  CHECK(boot_floor_raise(5) == HAL_OK && boot_floor_read() == 5);
  CHECK(boot_floor_raise(3) == HAL_OK && boot_floor_read() == 5);     /* never down */
  uint64_t ops = board_flash_stats_get()->ops;
  CHECK(boot_floor_raise(5) == HAL_OK && board_flash_stats_get()->ops == ops);
  /* many raises: the two pages are recycled, the floor follows */
  for (uint32_t v = 6; v < 1200; v++) {
    REQUIRE(boot_floor_raise(v) == HAL_OK);
    if (boot_floor_read() != v) { CHECKF(0, "floor %u after raising to %u", boot_floor_read(), v); break; }
  }
  CHECK(board_flash_stats_get()->erases >= 2);
  /* a power cut anywhere in a raise (compactions included) leaves the old
  ** or the new floor, and a retry reaches the new one */
  uint32_t cuts = 0;
  for (uint32_t v = 1200; v < 1800; v++) {
    uint32_t before = boot_floor_read();
    board_flash_cut_at(board_flash_stats_get()->ops + 1, v, on_cut, NULL);
    if (!setjmp(cut_jb)) boot_floor_raise(v);
    board_flash_cut_at(0, 0, NULL, NULL);
    uint32_t after = boot_floor_read();
    CHECKF(after == before || after == v, "floor %u -> %u raising to %u", before, after, v);
    CHECK(boot_floor_raise(v) == HAL_OK && boot_floor_read() == v);
    cuts++;
  }
  printf("floor: %u power cuts during raises, floor never lost\n", (unsigned)cuts);
  board_flash_close();
}

/* ---- boot selection --------------------------------------------------------------------- */

static void t_select(void) {
  bsim s;
  size_t la, lb, lc;
  uint8_t *a = art_v("A", 2000, "1.0.0", 1, &la), *b = art_v("B", 3000, "2.0.0", 2, &lb),
          *c = art_v("C", 2500, "3.0.0", 3, &lc);
  uint32_t d = 0;
  uint8_t bank = 9;
  fresh(&s, &pol_dev);
  CHECK(s.dev.running == -1 && s.dev.bank[0].st.state == LINK_BANK_EMPTY);
  /* installed but not activated: nothing runs */
  CHECK(install_raw(&s, a, la, &bank, &d) == LINK_ST_OK && bank == 0);
  CHECK(s.dev.bank[0].st.state == LINK_BANK_INSTALLED);
  reboot(&s);
  CHECK(s.dev.running == -1);
  CHECK(s.dev.bank[0].st.state == LINK_BANK_INSTALLED);
  /* activated: a trial; a reset before confirmation reverts (to nothing) */
  CHECK(req_bank(&s, LINK_ACTIVATE, 0, &d) == LINK_ST_OK);
  CHECK(s.dev.bank[0].st.state == LINK_BANK_PENDING && s.dev.bank[0].st.gen == 1);
  reboot(&s);
  CHECK(s.dev.running == 0 && s.dev.trial && s.dev.bank[0].st.state == LINK_BANK_TRIAL);
  reboot(&s);
  CHECK(s.dev.running == -1 && s.dev.bank[0].st.state == LINK_BANK_REJECTED);
  CHECK(s.dev.bank[0].st.reason == LINK_REASON_NO_CONFIRM);
  /* both banks invalid: safe no-program state, still serving */
  uint8_t r[64];
  uint32_t rl;
  CHECK(req(&s, LINK_HELLO, NULL, 0, r, &rl, &d) == LINK_ST_OK && rl == LINK_INFO_SIZE);
  link_info in;
  CHECK(link_info_get(r, rl, &in) && in.mode == LINK_MODE_BOOTLOADER);
  /* install A again (into bank 0 or 1), confirm it */
  CHECK(install_raw(&s, a, la, &bank, &d) == LINK_ST_OK);
  uint8_t ba = bank;
  CHECK(req_bank(&s, LINK_ACTIVATE, ba, &d) == LINK_ST_OK);
  reboot(&s);
  CHECK(s.dev.running == ba && s.dev.trial);
  CHECK(req_bank(&s, LINK_CONFIRM, ba, &d) == LINK_ST_OK);
  CHECK(!s.dev.trial && s.dev.floor == 1 && s.dev.bank[ba].st.state == LINK_BANK_CONFIRMED);
  reboot(&s);
  CHECK(s.dev.running == ba && !s.dev.trial && runs_bytes(&s, a, la));
  /* B on trial, faults: the hypervisor rejects it, A runs again */
  CHECK(install_raw(&s, b, lb, &bank, &d) == LINK_ST_OK && bank == 1 - ba);
  CHECK(req_bank(&s, LINK_ACTIVATE, bank, &d) == LINK_ST_OK);
  reboot(&s);
  CHECK(s.dev.running == bank && s.dev.trial && runs_bytes(&s, b, lb));
  CHECK(boot_reject(&s.dev, bank, LINK_REASON_FAULT, &d) == LINK_ST_OK);
  reboot(&s);
  CHECK(s.dev.running == ba && runs_bytes(&s, a, la) && s.dev.floor == 1);
  CHECK(s.dev.bank[bank].st.state == LINK_BANK_REJECTED && s.dev.bank[bank].st.reason == LINK_REASON_FAULT);
  /* C confirmed: the floor rises to 3 and A (counter 1) can no longer boot */
  CHECK(install_raw(&s, c, lc, &bank, &d) == LINK_ST_OK);
  CHECK(req_bank(&s, LINK_ACTIVATE, bank, &d) == LINK_ST_OK);
  reboot(&s);
  CHECK(req_bank(&s, LINK_CONFIRM, bank, &d) == LINK_ST_OK && s.dev.floor == 3);
  CHECK(s.dev.bank[ba].st.verdict == CVM1_ERR_ROLLBACK);
  CHECK(req_bank(&s, LINK_REVERT, bank, &d) == LINK_ST_NO_FALLBACK);
  /* C's bytes damaged in flash: it no longer verifies, and A is below the
  ** floor: nothing runs rather than something unverified */
  uint8_t *fl = board_flash_bytes();
  fl[BOOT_BANK_OFF(bank) + 1200] ^= 0x01;
  reboot(&s);
  CHECK(s.dev.running == -1);
  CHECKF(s.dev.bank[bank].st.verdict == CVM1_ERR_DIGEST, "%s", cvm1_err_name(s.dev.bank[bank].st.verdict));
  CHECK(s.dev.bank[bank].st.state == LINK_BANK_CONFIRMED);   /* not rejected: it was confirmed */
  fl[BOOT_BANK_OFF(bank) + 1200] ^= 0x01;
  reboot(&s);
  CHECK(s.dev.running == bank && runs_bytes(&s, c, lc));
  /* a confirmation whose floor record was lost is repaired at boot */
  for (uint32_t p = 0; p < BOOT_FLOOR_PAGES; p++)
    CHECK(hal_flash_erase_page(BOOT_FLOOR_OFF / HAL_FLASH_PAGE + p) == HAL_OK);
  CHECK(boot_floor_read() == 0);
  reboot(&s);
  CHECK(s.dev.floor == 3 && boot_floor_read() == 3 && runs_bytes(&s, c, lc));
  done(&s);
  free(a); free(b); free(c);
}

/* ---- the protocol: every command and error ---------------------------------------------------- */

static void t_protocol(void) {
  bsim s;
  size_t la, lb;
  uint8_t *a = art_v("A", 2600, "1.0.0", 4, &la), *b = art_v("B", 5000, "1.1.0", 5, &lb);
  uint32_t d = 0, next = 0, rl = 0;
  uint8_t bank = 9, r[256];
  fresh(&s, &pol_dev);
  /* framing */
  uint8_t garbage[] = { 0x13, 0x37, 0x00 };
  uint8_t out[64];
  uint32_t n = bsim_direct(&s, garbage, sizeof garbage, out, sizeof out);
  link_rx rx;
  link_rx_init(&rx);
  int fr = 0;
  for (uint32_t i = 0; i < n; i++)
    if (link_rx_byte(&rx, out[i]) == LINK_RX_FRAME) {
      fr++;
      CHECK(rx.msg[0] == LINK_RESP_BIT && link_get16(rx.msg + 1) == 0 && rx.msg[3] == LINK_ST_FRAME);
    }
  CHECK(fr == 1);
  uint8_t idle[] = { 0, 0, 0 };
  CHECK(bsim_direct(&s, idle, 3, out, sizeof out) == 0);          /* empty frames: no answer */
  CHECK(req(&s, 0x7E, NULL, 0, r, &rl, &d) == LINK_ST_UNKNOWN_CMD && d == 0x7E);
  CHECK(req(&s, LINK_HELLO, r, 1, r, &rl, &d) == LINK_ST_LENGTH && d == 0);
  CHECK(req(&s, LINK_BEGIN, r, 10, r, &rl, &d) == LINK_ST_LENGTH && d == LINK_BEGIN_SIZE);
  CHECK(req(&s, LINK_DATA, r, 3, r, &rl, &d) == LINK_ST_LENGTH);
  CHECK(req(&s, LINK_ACTIVATE, NULL, 0, r, &rl, &d) == LINK_ST_LENGTH);
  /* HELLO and STATUS */
  CHECK(req(&s, LINK_HELLO, NULL, 0, r, &rl, &d) == LINK_ST_OK);
  link_info in;
  CHECK(link_info_get(r, rl, &in) && in.proto == LINK_PROTO_VERSION && in.nbanks == 2 &&
        in.max_chunk == LINK_MAX_CHUNK && in.window == BOOT_WINDOW && in.bank_capacity == BOOT_ART_MAX &&
        in.boot_version[0] == BOOT_VERSION_MAJOR && in.boot_id == s.dev.boot_id);
  CHECK(req(&s, LINK_STATUS, NULL, 0, r, &rl, &d) == LINK_ST_OK);
  link_status st;
  CHECK(link_status_get(r, rl, &st) && st.running == LINK_NO_BANK && st.ses_bank == LINK_NO_BANK);
  /* commands out of order */
  CHECK(req_data(&s, 0, a, 8, &next, &d) == LINK_ST_STATE);
  CHECK(req(&s, LINK_VERIFY, NULL, 0, r, &rl, &d) == LINK_ST_STATE);
  CHECK(req_bank(&s, LINK_ACTIVATE, 0, &d) == LINK_ST_NOT_INSTALLED);
  CHECK(req_bank(&s, LINK_ACTIVATE, 2, &d) == LINK_ST_BANK);
  CHECK(req_bank(&s, LINK_CONFIRM, 0, &d) == LINK_ST_NOT_TRIAL);
  CHECK(req_bank(&s, LINK_CONFIRM, 7, &d) == LINK_ST_BANK);
  CHECK(req_bank(&s, LINK_REVERT, 0, &d) == LINK_ST_NO_FALLBACK);
  CHECK(req_bank(&s, LINK_REVERT, 3, &d) == LINK_ST_BANK);
  /* BEGIN checks */
  link_begin bg;
  uint8_t body[LINK_BEGIN_SIZE];
  REQUIRE(link_begin_for(a, (uint32_t)la, &bg));
  bg.size = BOOT_ART_MAX + 1;
  link_begin_put(body, &bg);
  CHECK(req(&s, LINK_BEGIN, body, sizeof body, r, &rl, &d) == LINK_ST_TOO_BIG && d == BOOT_ART_MAX);
  bg.size = 10;
  link_begin_put(body, &bg);
  CHECK(req(&s, LINK_BEGIN, body, sizeof body, r, &rl, &d) == LINK_ST_MISMATCH);
  /* DATA checks */
  CHECK(req_begin(&s, a, la, &bank, &next, &d) == LINK_ST_OK && bank == 0 && next == 0);
  CHECK(req(&s, LINK_STATUS, NULL, 0, r, &rl, &d) == LINK_ST_OK && link_status_get(r, rl, &st));
  CHECK(st.ses_bank == 0 && st.ses_size == la && st.bank[0].state == LINK_BANK_WRITING);
  CHECK(req_data(&s, 0, a, 0, &next, &d) == LINK_ST_LENGTH);
  CHECK(req_data(&s, 4, a, 8, &next, &d) == LINK_ST_ALIGN);
  CHECK(req_data(&s, 0, a, 12, &next, &d) == LINK_ST_ALIGN);
  CHECK(req_data(&s, 8, a + 8, 8, &next, &d) == LINK_ST_OFFSET && d == 0);
  CHECK(req_data(&s, (uint32_t)la - 8, a, 16, &next, &d) == LINK_ST_RANGE && d == la);
  CHECK(req_data(&s, 0, a, 1024, &next, &d) == LINK_ST_OK && next == 1024);
  CHECK(req_data(&s, 0, a, 1024, &next, &d) == LINK_ST_OK && next == 1024);   /* resent: same */
  CHECK(req_data(&s, 512, a + 512, 1024, &next, &d) == LINK_ST_OK && next == 1536);  /* overlaps */
  CHECK(req_data(&s, 0, b, 64, &next, &d) == LINK_ST_MISMATCH);
  CHECK(req_data(&s, 2048, a + 2048, 8, &next, &d) == LINK_ST_OFFSET && d == 1536);
  CHECK(req(&s, LINK_VERIFY, NULL, 0, r, &rl, &d) == LINK_ST_STATE && d == 1536);
  CHECK(req_bank(&s, LINK_ACTIVATE, 0, &d) == LINK_ST_STATE);
  /* BEGIN again with the same artifact resumes; another starts over */
  CHECK(req_begin(&s, a, la, &bank, &next, &d) == LINK_ST_OK && next == 1536);
  CHECK(req_begin(&s, b, lb, &bank, &next, &d) == LINK_ST_OK && next == 0 && bank == 0);
  CHECK(req_begin(&s, a, la, &bank, &next, &d) == LINK_ST_OK && next == 0);
  for (uint32_t off = 0; off < la; off += 1024)
    CHECK(req_data(&s, off, a + off, la - off < 1024 ? (uint32_t)la - off : 1024, &next, &d) == LINK_ST_OK);
  CHECK(next == la);
  CHECK(req(&s, LINK_VERIFY, NULL, 0, r, &rl, &d) == LINK_ST_OK && rl == 1 && r[0] == 0);
  CHECK(req(&s, LINK_VERIFY, NULL, 0, r, &rl, &d) == LINK_ST_OK);     /* replayed */
  CHECK(req_begin(&s, a, la, &bank, &next, &d) == LINK_ST_OK && next == la);
  CHECK(req_data(&s, 0, a, 1024, &next, &d) == LINK_ST_OK && next == la);
  CHECK(s.dev.bank[0].st.state == LINK_BANK_INSTALLED);
  /* a wrong digest is caught at VERIFY */
  REQUIRE(link_begin_for(b, (uint32_t)lb, &bg));
  bg.digest[5] ^= 1;
  link_begin_put(body, &bg);
  CHECK(req(&s, LINK_BEGIN, body, sizeof body, r, &rl, &d) == LINK_ST_OK);
  for (uint32_t off = 0; off < lb; off += 1024)
    CHECK(req_data(&s, off, b + off, lb - off < 1024 ? (uint32_t)lb - off : 1024, &next, &d) == LINK_ST_OK);
  CHECK(req(&s, LINK_VERIFY, NULL, 0, r, &rl, &d) == LINK_ST_DIGEST);
  /* header fields announced differently: MISMATCH */
  REQUIRE(link_begin_for(b, (uint32_t)lb, &bg));
  bg.version[2] = 9;
  link_begin_put(body, &bg);
  CHECK(req(&s, LINK_BEGIN, body, sizeof body, r, &rl, &d) == LINK_ST_OK);
  for (uint32_t off = 0; off < lb; off += 1024)
    CHECK(req_data(&s, off, b + off, lb - off < 1024 ? (uint32_t)lb - off : 1024, &next, &d) == LINK_ST_OK);
  CHECK(req(&s, LINK_VERIFY, NULL, 0, r, &rl, &d) == LINK_ST_MISMATCH);
  /* install A properly, activate, replay, reboot into the trial */
  CHECK(install_raw(&s, a, la, &bank, &d) == LINK_ST_OK && bank == 0);
  CHECK(req_bank(&s, LINK_ACTIVATE, 0, &d) == LINK_ST_OK);
  CHECK(req_bank(&s, LINK_ACTIVATE, 0, &d) == LINK_ST_OK);
  CHECK(req(&s, LINK_HELLO, NULL, 0, r, &rl, &d) == LINK_ST_OK && link_info_get(r, rl, &in));
  uint8_t idb[4];
  link_put32(idb, in.boot_id + 1);
  CHECK(req(&s, LINK_REBOOT, idb, 4, r, &rl, &d) == LINK_ST_OK && !s.srv.reboot);  /* stale id */
  link_put32(idb, in.boot_id);
  CHECK(req(&s, LINK_REBOOT, idb, 4, r, &rl, &d) == LINK_ST_OK && s.srv.reboot);
  CHECK(bsim_direct(&s, garbage, sizeof garbage, out, sizeof out) == 0);   /* rebooting */
  reboot(&s);
  CHECK(s.dev.running == 0 && s.dev.trial);
  /* during a trial: no installs, no other activation */
  CHECK(req_begin(&s, b, lb, &bank, &next, &d) == LINK_ST_TRIAL);
  CHECK(req_bank(&s, LINK_ACTIVATE, 1, &d) == LINK_ST_TRIAL);
  CHECK(req_bank(&s, LINK_CONFIRM, 1, &d) == LINK_ST_NOT_TRIAL);
  CHECK(req_bank(&s, LINK_CONFIRM, 0, &d) == LINK_ST_OK);
  CHECK(req_bank(&s, LINK_CONFIRM, 0, &d) == LINK_ST_OK);                 /* replayed */
  CHECK(s.dev.floor == 4);
  CHECK(req_bank(&s, LINK_ACTIVATE, 0, &d) == LINK_ST_OK);                /* it is active */
  /* B: installs into bank 1, never the running bank 0 */
  CHECK(install_raw(&s, b, lb, &bank, &d) == LINK_ST_OK && bank == 1);
  CHECK(req_bank(&s, LINK_REVERT, 1, &d) == LINK_ST_OK);                  /* drop it */
  CHECK(req_bank(&s, LINK_REVERT, 1, &d) == LINK_ST_OK);                  /* replayed */
  CHECK(req_bank(&s, LINK_ACTIVATE, 1, &d) == LINK_ST_REJECTED);
  CHECK(install_raw(&s, b, lb, &bank, &d) == LINK_ST_OK && bank == 1);
  CHECK(req_bank(&s, LINK_ACTIVATE, 1, &d) == LINK_ST_OK);
  CHECK(req_bank(&s, LINK_REVERT, 1, &d) == LINK_ST_OK);                  /* cancel it */
  reboot(&s);
  CHECK(s.dev.running == 0 && !s.dev.trial);
  CHECK(install_raw(&s, b, lb, &bank, &d) == LINK_ST_OK && bank == 1);
  CHECK(req_bank(&s, LINK_ACTIVATE, 1, &d) == LINK_ST_OK);
  reboot(&s);
  CHECK(s.dev.running == 1 && s.dev.trial);
  CHECK(req_bank(&s, LINK_CONFIRM, 1, &d) == LINK_ST_OK && s.dev.floor == 5);
  CHECK(req_bank(&s, LINK_ACTIVATE, 0, &d) == LINK_ST_OK);   /* A was activated before: replay */
  /* REVERT the running B: A (counter 4) is below the floor 5 */
  CHECK(req_bank(&s, LINK_REVERT, 1, &d) == LINK_ST_NO_FALLBACK);
  done(&s);
  /* REVERT with a fallback at the floor: same counter */
  size_t lb2;
  uint8_t *b2 = art_v("B2", 3000, "1.1.1", 5, &lb2);
  fresh(&s, &pol_dev);
  CHECK(bsim_flash(&s, b, (uint32_t)lb, true, NULL) == LINK_C_OK);
  CHECK(bsim_flash(&s, b2, (uint32_t)lb2, true, NULL) == LINK_C_OK);
  CHECK(runs_bytes(&s, b2, lb2));
  link_flash_result fr2;
  CHECK(link_revert_running(&s.cl, 2000, &fr2) == LINK_C_OK);
  CHECK(runs_bytes(&s, b, lb) && fr2.st.bank[1].state == LINK_BANK_REJECTED &&
        fr2.st.bank[1].reason == LINK_REASON_MANUAL);
  reboot(&s);
  CHECK(runs_bytes(&s, b, lb));
  done(&s);
  free(a); free(b); free(b2);
}

/* ---- security: the device itself refuses ----------------------------------------------------- */

static void t_security(void) {
  bsim s;
  size_t lg, lu, lf, lo;
  uint8_t *good = art_v("G", 3000, "2.0.0", 10, &lg);
  uint8_t *uns = tart_build("U", 3000, "2.0.1", 10, NULL, false, &lu);
  uint8_t *foreign = tart_build("F", 3000, "2.0.2", 10, tart_key("other", "key"), false, &lf);
  uint8_t *old = art_v("O", 3000, "1.0.0", 9, &lo);
  REQUIRE(uns && foreign);
  uint32_t d = 0;
  uint8_t bank;
  fresh(&s, &pol_dev);
  CHECK(install_raw(&s, uns, lu, &bank, &d) == LINK_ST_VERIFY && d == CVM1_ERR_UNSIGNED);
  CHECK(install_raw(&s, foreign, lf, &bank, &d) == LINK_ST_VERIFY && d == CVM1_ERR_UNKNOWN_KEY);
  /* tampered image byte (the digest record no longer matches) */
  uint8_t *t = malloc(lg);
  memcpy(t, good, lg);
  t[lg / 2] ^= 0x20;
  CHECKF(install_raw(&s, t, lg, &bank, &d) == LINK_ST_VERIFY && d == CVM1_ERR_DIGEST, "%s", cvm1_err_name(d));
  memcpy(t, good, lg);                                   /* a section entry: structure */
  t[CVM1_HEADER_SIZE + 4] ^= 0x02;
  CHECKF(install_raw(&s, t, lg, &bank, &d) == LINK_ST_VERIFY && d == CVM1_ERR_SECTION_ALIGN, "%s", cvm1_err_name(d));
  /* tampered signature */
  memcpy(t, good, lg);
  t[lg - 3] ^= 0x01;
  CHECK(install_raw(&s, t, lg, &bank, &d) == LINK_ST_VERIFY && d == CVM1_ERR_SIGNATURE);
  /* a tampered header field: the counter raised without re-signing */
  memcpy(t, good, lg);
  t[0x3C] = 200;
  CHECK(install_raw(&s, t, lg, &bank, &d) == LINK_ST_VERIFY && d == CVM1_ERR_DIGEST);
  CHECK(s.dev.bank[0].st.state != LINK_BANK_INSTALLED && s.dev.bank[1].st.state != LINK_BANK_INSTALLED);
  CHECK(req_bank(&s, LINK_ACTIVATE, bank, &d) == LINK_ST_STATE);         /* refused: not installed */
  CHECK(req(&s, LINK_VERIFY, NULL, 0, NULL, NULL, &d) == LINK_ST_VERIFY && d == CVM1_ERR_DIGEST);
  reboot(&s);
  CHECK(req_bank(&s, LINK_ACTIVATE, bank, &d) == LINK_ST_NOT_INSTALLED);
  CHECK(s.dev.bank[bank].st.state == LINK_BANK_INVALID);
  /* the good one, then a rollback: refused at BEGIN, and at VERIFY when
  ** BEGIN lies about the counter */
  CHECK(bsim_flash(&s, good, (uint32_t)lg, true, NULL) == LINK_C_OK && s.dev.floor == 10);
  CHECK(install_raw(&s, old, lo, &bank, &d) == LINK_ST_ROLLBACK && d == 10);
  link_begin bg;
  REQUIRE(link_begin_for(old, (uint32_t)lo, &bg));
  bg.counter = 10;
  uint8_t body[LINK_BEGIN_SIZE], r[8];
  uint32_t rl, next;
  link_begin_put(body, &bg);
  CHECK(req(&s, LINK_BEGIN, body, sizeof body, r, &rl, &d) == LINK_ST_OK);
  for (uint32_t off = 0; off < lo; off += 1024)
    CHECK(req_data(&s, off, old + off, lo - off < 1024 ? (uint32_t)lo - off : 1024, &next, &d) == LINK_ST_OK);
  CHECK(req(&s, LINK_VERIFY, NULL, 0, r, &rl, &d) == LINK_ST_VERIFY && d == CVM1_ERR_ROLLBACK);
  /* an artifact planted in the standby bank with forged records is not
  ** booted: the bootloader checks it in place */
  uint32_t sb = 1u - (uint32_t)s.dev.running;
  CHECK(hal_flash_erase_page(BOOT_BANK_OFF(sb) / HAL_FLASH_PAGE) == HAL_OK);
  CHECK(hal_flash_erase_page(BOOT_BANK_OFF(sb) / HAL_FLASH_PAGE + BOOT_BANK_PAGES - 1) == HAL_OK);
  CHECK(hal_flash_erase_page(BOOT_BANK_OFF(sb) / HAL_FLASH_PAGE + 1) == HAL_OK);
  uint8_t *pad = calloc(1, 4096);
  memcpy(pad, foreign, lf);
  CHECK(hal_flash_program(BOOT_BANK_OFF(sb), pad, (uint32_t)((lf + 7) & ~7u)) == HAL_OK);
  CHECK(boot_dw_write(BOOT_REC_OFF(sb, BOOT_REC_IMAGE), (uint32_t)lf) == HAL_OK);
  CHECK(boot_dw_write(BOOT_REC_OFF(sb, BOOT_REC_ACTIVE), 99) == HAL_OK);
  CHECK(boot_dw_write(BOOT_REC_OFF(sb, BOOT_REC_CONFIRMED), 10) == HAL_OK);
  reboot(&s);
  CHECK(runs_bytes(&s, good, lg));
  CHECK(s.dev.bank[sb].st.verdict == CVM1_ERR_UNKNOWN_KEY);
  free(pad);
  done(&s);
  free(t); free(good); free(uns); free(foreign); free(old);
}

/* ---- power cuts, as MCUboot's simulator ----------------------------------------------------------- */

#define SEEDS 4

typedef struct snap { uint8_t *flash; } snap;
static void snap_take(snap *p) {
  p->flash = malloc(BOOT_FLASH_SIZE);
  memcpy(p->flash, board_flash_bytes(), BOOT_FLASH_SIZE);
}
static void snap_put(const snap *p) { memcpy(board_flash_bytes(), p->flash, BOOT_FLASH_SIZE); }

/* After a cut: reset, and the device runs old or new exactly (or, for a
** scenario that starts empty, nothing); then a clean install of new
** completes and runs confirmed. */
static bool after_cut(bsim *s, const uint8_t *old, size_t lo, const uint8_t *nw, size_t ln,
                      bool fault_new) {
  bsim_power_cycle(s);
  /* (a faulting new program may be running: on trial, about to be rejected) */
  bool ok = runs_bytes(s, old, lo) || runs_bytes(s, nw, ln);
  CHECKF(ok, "after a cut the device runs bank %d, neither old nor new", s->dev.running);
  if (fault_new && runs_bytes(s, nw, ln)) CHECK(s->reboot_at != UINT64_MAX);
  bsim_run(s, 1000000u);                 /* ... which it is at once */
  if (fault_new) CHECK(runs_bytes(s, old, lo));
  s->trial_fault = false;
  link_client_init(&s->cl, &(link_io){ 0 });
  link_io io = bsim_io(s);
  link_client_init(&s->cl, &io);
  const char *why = "";
  link_cerr e = bsim_flash(s, nw, (uint32_t)ln, true, &why);
  CHECKF(e == LINK_C_OK, "retried install: %s", why);
  CHECK(runs_bytes(s, nw, ln) && !s->dev.trial);
  bsim_power_cycle(s);
  CHECK(runs_bytes(s, nw, ln));
  return ok && e == LINK_C_OK;
}

/* The scenario from a snapshot: install new; the device confirms it after
** its health time (or rejects it as faulting). */
static void scenario(bsim *s, const uint8_t *nw, size_t ln) {
  link_flash_opts o = { .confirm = false, .reboot_wait_ms = 5000, .resumes = 3 };
  link_flash_result r;
  link_flash(&s->cl, nw, (uint32_t)ln, &o, &r);
  bsim_run(s, 300000000u);
}

static void sweep(const char *name, const uint8_t *old, size_t lo, const uint8_t *nw, size_t ln,
                  bool fault_new) {
  bsim s;
  fresh(&s, &pol_dev);
  s.health_ns = 100000000u;                               /* 100 ms */
  REQUIRE(bsim_flash(&s, old, (uint32_t)lo, true, NULL) == LINK_C_OK);
  snap base;
  snap_take(&base);
  /* count the scenario's flash operations */
  s.trial_fault = fault_new;
  bsim_power_cycle(&s);
  uint64_t ops0 = board_flash_stats_get()->ops;
  uint32_t confirms0 = s.confirms;
  scenario(&s, nw, ln);
  uint64_t total = board_flash_stats_get()->ops - ops0;
  CHECK(fault_new ? runs_bytes(&s, old, lo) : runs_bytes(&s, nw, ln));
  CHECK(fault_new ? s.faults == 1 : s.confirms == confirms0 + 1);
  volatile uint32_t tested = 0, nested = 0, good = 0;
  for (volatile uint64_t k = 1; k <= total; k++)
    for (volatile uint32_t seed = 0; seed < SEEDS; seed++) {
      snap_put(&base);
      s.trial_fault = fault_new;
      bsim_power_cycle(&s);
      link_io io = bsim_io(&s);
      link_client_init(&s.cl, &io);
      board_flash_cut_at(board_flash_stats_get()->ops + k, seed * 7919u + (uint32_t)k, on_cut, NULL);
      if (!setjmp(cut_jb)) {
        scenario(&s, nw, ln);
        CHECKF(0, "%s: no power cut at operation %llu", name, (unsigned long long)k);
        continue;
      }
      tested++;
      /* first, a second cut during the recovery boot (if it writes) */
      snap cut;
      snap_take(&cut);
      s.trial_fault = fault_new;
      uint64_t r0 = board_flash_stats_get()->ops;
      bsim_power_cycle(&s);
      uint64_t rec = board_flash_stats_get()->ops - r0;
      for (volatile uint64_t j = 1; j <= rec; j++) {
        snap_put(&cut);
        board_flash_cut_at(board_flash_stats_get()->ops + j, seed + 1u, on_cut, NULL);
        if (!setjmp(cut_jb)) { s.trial_fault = fault_new; bsim_power_cycle(&s); }
        nested++;
        s.trial_fault = fault_new;
        bsim_power_cycle(&s);
        CHECK(runs_bytes(&s, old, lo) || runs_bytes(&s, nw, ln));
      }
      snap_put(&cut);
      s.trial_fault = fault_new;
      good += after_cut(&s, old, lo, nw, ln, fault_new);
      free(cut.flash);
    }
  printf("%s: %llu flash operations; power cut at each (%u seeds): %u cut points tested, "
         "%u more cuts during recovery boots; %u recovered with a retried install\n",
         name, (unsigned long long)total, (unsigned)SEEDS, (unsigned)tested, (unsigned)nested,
         (unsigned)good);
  CHECK(tested == total * SEEDS && good == tested);
  free(base.flash);
  done(&s);
}

static void t_powercut(void) {
  size_t lo, ln;
  uint8_t *old = art_v("OLD", 2500, "1.0.0", 1, &lo), *nw = art_v("NEW", 7000, "1.1.0", 2, &ln);
  sweep("install+activate+confirm", old, lo, nw, ln, false);
  free(old); free(nw);
}

static void t_powercut_revert(void) {
  size_t lo, ln;
  uint8_t *old = art_v("OLD", 2500, "1.0.0", 1, &lo), *nw = art_v("NEW", 5000, "1.1.0", 2, &ln);
  sweep("install+activate+fault+revert", old, lo, nw, ln, true);
  free(old); free(nw);
}

/* ---- end to end ------------------------------------------------------------- */

static void t_e2e(void) {
  bsim s;
  size_t la, lb;
  uint8_t *a = art_v("A", 3000, "1.0.0", 1, &la), *b = art_v("B", 9000, "1.1.0", 2, &lb);
  REQUIRE(board_flash_open(NULL) == 0);
  bsim_init(&s, &pol_dev, 0, 0, 1);
  CHECK(s.dev.running == -1);
  const char *why = "";
  CHECKF(bsim_flash(&s, a, (uint32_t)la, true, &why) == LINK_C_OK, "%s", why);
  CHECK(runs(&s, a, la));
  CHECK(s.dev.floor == 1);
  CHECKF(bsim_flash(&s, b, (uint32_t)lb, true, &why) == LINK_C_OK, "%s", why);
  CHECK(runs(&s, b, lb));
  CHECK(s.dev.floor == 2);
  CHECK(s.dev.running == 1);
  /* again: already there, nothing sent */
  uint32_t sent = s.cl.sent_frames;
  link_flash_opts o = { .confirm = true };
  link_flash_result r;
  CHECK(link_flash(&s.cl, b, (uint32_t)lb, &o, &r) == LINK_C_OK && r.already && r.confirmed);
  CHECK(s.cl.sent_frames - sent == 2);
  bsim_power_cycle(&s);
  CHECK(runs(&s, b, lb) && !s.dev.trial);
  done(&s);
  free(a);
  free(b);
}

typedef struct test { const char *name; void (*fn)(void); } test;
static const test tests[] = {
  { "hal", t_hal },
  { "records", t_records },
  { "floor", t_floor },
  { "select", t_select },
  { "protocol", t_protocol },
  { "security", t_security },
  { "powercut", t_powercut },
  { "powercut_revert", t_powercut_revert },
  { "e2e", t_e2e },
};

int main(int argc, char **argv) {
  setup_policy();
  int ran = 0;
  for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
    if (argc < 2 || strcmp(argv[1], tests[i].name) == 0) {
      tests[i].fn();
      ran++;
    }
  if (!ran) { fprintf(stderr, "no test named %s\n", argv[1]); return 2; }
  if (t_failures) fprintf(stderr, "%d check(s) failed\n", t_failures);
  return t_failures ? 1 : 0;
}
