/*
** fuzz_link.c -- libFuzzer target for the programming link: the frame
** decoder and the bootloader's protocol server, and the client's handling
** of arbitrary answers.
**
** Input: first byte even -> device mode, odd -> client mode.
** Device mode: records [op][len][len bytes] against a device (memory flash)
** that runs a confirmed artifact in bank A:
**   0 the bytes as one message, framed with a correct CRC
**   1 the bytes as raw wire bytes (the decoder sees them as they are)
**   2 a correct BEGIN for a second artifact     3 its DATA chunk bytes[0]
**   4 a power cycle (bootloader decision)
** Checked: every frame the decoder completes (good or damaged) gets exactly
** one answer; answers decode; the running bank's artifact bytes never
** change before the next power cycle (its trailer records may: CONFIRM,
** REVERT); the counter floor never goes down.
** Client mode: the bytes are the device's answers to HELLO, STATUS, an
** upload and the flash workflow; nothing may crash or hang.
*/
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "board_flash.h"
#include "boot.h"
#include "cvm1.h"
#include "link.h"

static uint8_t *art_a, *art_b;
static size_t len_a, len_b;
static uint8_t *template_flash;
static cvm1_policy pol;
static boot_dev dev;
static boot_srv srv;
static uint8_t out[1 << 16];
static uint32_t out_len;

static void on_out(void *ctx, const uint8_t *p, uint32_t n) {
  (void)ctx;
  if (out_len + n <= sizeof out) memcpy(out + out_len, p, n);
  out_len += n;
}

static uint8_t *build(const char *tag, size_t *len) {
  char src[512];
  snprintf(src, sizeof src,
           ".rodata 1500\n.string m \"%s\"\n.entry setup loop\n"
           ".func setup 0\n  RET0\n.end\n.func loop 0\n  LDI r0, 10\n  SYS r0, delay, 1\n  RET0\n.end\n", tag);
  asm_prog *p = asm_assemble("f.s", src, strlen(src), NULL, NULL);
  if (!p) abort();
  cvm1_meta m;
  cvm1_meta_init(&m);
  m.build_time = 1;
  m.security_counter = 3;
  uint8_t *a;
  if (cvm1_write(asm_image(p), &m, &a, len) != CVM1_ERR_OK) abort();
  asm_free(p);
  return a;
}

/* Feed bytes, counting the frames the server's decoder will complete. */
static link_rx shadow;   /* what the server's decoder sees, to count frames */

static void feed(const uint8_t *p, uint32_t n, uint32_t *frames) {
  for (uint32_t i = 0; i < n && !srv.reboot; i++) {
    link_rxev ev = link_rx_byte(&shadow, p[i]);
    if (ev != LINK_RX_NONE) (*frames)++;
    boot_srv_input(&srv, p + i, 1);
  }
}

static void send_msg(const uint8_t *m, uint32_t n, uint32_t *frames) {
  static uint8_t w[LINK_MAX_WIRE];
  uint32_t k = link_frame_encode(m, n, w, sizeof w);
  if (k) feed(w, k, frames);
}

static void boot_now(void) {
  boot_init(&dev, &pol, 1, 1);
  boot_select(&dev);
  boot_srv_init(&srv, &dev, on_out, NULL);
  link_rx_init(&shadow);
}

static void setup(void) {
  art_a = build("A", &len_a);
  art_b = build("B", &len_b);
  cvm1_policy_init(&pol);
  pol.flags = CVM1_POL_UNSIGNED_OK;
  if (board_flash_open(NULL) < 0) abort();
  boot_now();
  uint8_t bank, vb;
  uint32_t next, d;
  link_begin b;
  if (!link_begin_for(art_a, (uint32_t)len_a, &b) || boot_begin(&dev, &b, &bank, &next, &d)) abort();
  for (uint32_t o = 0; o < len_a; o += 1024)
    if (boot_data(&dev, o, art_a + o, len_a - o < 1024 ? (uint32_t)(len_a - o) : 1024, &next, &d)) abort();
  if (boot_verify(&dev, &vb, &d) || boot_activate(&dev, bank, &d)) abort();
  boot_now();
  if (boot_confirm(&dev, 0, &d)) abort();
  template_flash = malloc(BOARD_FLASH_SIZE);
  memcpy(template_flash, board_flash_bytes(), BOARD_FLASH_SIZE);
}

/* ---- client mode -------------------------------------------------------- */

typedef struct feedio { const uint8_t *p; size_t n, at; uint64_t now; } feedio;
static int f_send(void *ctx, const uint8_t *p, uint32_t n) { (void)ctx; (void)p; return (int)n; }
static int f_recv(void *ctx, uint8_t *p, uint32_t cap, uint32_t t) {
  feedio *f = ctx;
  f->now += t / 4 + 1;
  if (f->at >= f->n) { f->now += t; return f->at++ > f->n + 64 ? -1 : 0; }
  uint32_t k = f->p[f->at++] % 64u;
  if (k > cap) k = cap;
  if (k > f->n - f->at) k = (uint32_t)(f->n - f->at);
  memcpy(p, f->p + f->at, k);
  f->at += k;
  return (int)k;
}
static uint64_t f_now(void *ctx) { return ((feedio *)ctx)->now; }

static void client_mode(const uint8_t *data, size_t size) {
  feedio f = { data, size, 0, 0 };
  link_io io = { &f, f_send, f_recv, f_now };
  static link_client c;
  link_client_init(&c, &io);
  c.retries = 1;
  link_info in;
  link_status st;
  uint8_t bank;
  uint32_t next;
  link_begin b;
  link_hello(&c, &in);
  link_get_status(&c, &st);
  if (link_begin_for(art_b, (uint32_t)len_b, &b)) link_begin_req(&c, &b, &bank, &next);
  link_upload(&c, art_b, (uint32_t)len_b, 0, 512, 2, NULL, NULL);
  link_flash_opts o = { .confirm = true, .reboot_wait_ms = 50, .resumes = 1 };
  link_flash_result r;
  link_flash(&c, art_b, (uint32_t)len_b, &o, &r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!template_flash) setup();
  if (!size) return 0;
  if (data[0] & 1) {
    client_mode(data + 1, size - 1);
    return 0;
  }
  memcpy(board_flash_bytes(), template_flash, BOARD_FLASH_SIZE);
  boot_now();
  static uint8_t running[BOOT_BANK_SIZE];
  int run = dev.running;
  if (run >= 0) memcpy(running, hal_flash_map(BOOT_BANK_OFF(run)), BOOT_BANK_SIZE);
  uint32_t floor = dev.floor, frames = 0;
  out_len = 0;
  link_begin b;
  if (!link_begin_for(art_b, (uint32_t)len_b, &b)) abort();
  static uint16_t seq;
  for (size_t i = 1; i + 2 <= size;) {
    uint8_t op = data[i], n = data[i + 1];
    const uint8_t *p = data + i + 2;
    if (n > size - i - 2) n = (uint8_t)(size - i - 2);
    i += 2u + n;
    uint8_t m[LINK_MAX_MSG];
    switch (op % 5) {
    case 0: send_msg(p, n, &frames); break;
    case 1: feed(p, n, &frames); break;
    case 2:
      m[0] = LINK_BEGIN;
      link_put16(m + 1, ++seq);
      link_begin_put(m + 3, &b);
      send_msg(m, 3 + LINK_BEGIN_SIZE, &frames);
      break;
    case 3: {
      uint32_t off = (n ? p[0] : 0) * 512u;
      if (off >= len_b) break;
      uint32_t k = len_b - off < 512 ? (uint32_t)(len_b - off) : 512;
      m[0] = LINK_DATA;
      link_put16(m + 1, ++seq);
      link_put32(m + 3, off);
      memcpy(m + 7, art_b + off, k);
      send_msg(m, 7 + k, &frames);
      break;
    }
    case 4:   /* (the per-record check below covered the bank so far) */
      boot_now();
      run = dev.running;
      if (run >= 0) memcpy(running, hal_flash_map(BOOT_BANK_OFF(run)), BOOT_BANK_SIZE);
      break;
    }
    if (dev.floor < floor) abort();
    floor = dev.floor;
    /* The bank that runs changes only at a reset. */
    if (run >= 0 && dev.running == run &&
        memcmp(running, hal_flash_map(BOOT_BANK_OFF(run)), BOOT_BANK_SIZE - BOOT_TRAILER_SIZE))
      abort();
  }
  /* one answer per frame */
  link_rx rx;
  link_rx_init(&rx);
  uint32_t answers = 0;
  for (uint32_t k = 0; k < out_len && k < sizeof out; k++) {
    link_rxev ev = link_rx_byte(&rx, out[k]);
    if (ev == LINK_RX_BAD) abort();
    if (ev == LINK_RX_FRAME) {
      if (rx.len < LINK_RESP_HDR || !(rx.msg[0] & LINK_RESP_BIT)) abort();
      answers++;
    }
  }
  if (out_len <= sizeof out && answers != frames) abort();
  return 0;
}
