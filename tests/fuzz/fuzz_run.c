/*
** fuzz_run.c -- libFuzzer target for the device runtime's sideband server
** (src/run): arbitrary requests, raw bytes and service passes against a
** device running a confirmed program, with its blackbox on the memory
** flash.
**
** Input: records [op][len][len bytes]:
**   0 the bytes as one message, framed with a correct CRC
**   1 the bytes as raw wire bytes
**   2 a service pass after bytes[0] ms (guest slice, notifications)
**   3 SET NOTIFY with every kind (a subscriber)
** Checked: every frame the device sends decodes (CRC, header) and is an
** answer or a notification; answers never outnumber the requests; the
** running bank's artifact bytes never change; the counter floor never
** goes down; the runtime never asks for anything but a reboot or the
** bootloader (then the input ends).
*/
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "board.h"
#include "board_flash.h"
#include "boot.h"
#include "cvm1.h"
#include "link.h"
#include "run.h"

static uint8_t *art;
static size_t art_len;
static uint8_t *template_flash;
static cvm1_policy pol;
static boot_dev dev;
static run_dev rt;
static uint8_t mem[8192] __attribute__((aligned(4)));
static link_rx out_rx;
static uint32_t answers, notes;

int run_port_link_read(uint8_t *buf, uint32_t cap) {
  (void)buf;
  (void)cap;
  return 0;
}

bool run_port_link_write(const uint8_t *p, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) {
    link_rxev ev = link_rx_byte(&out_rx, p[i]);
    if (ev == LINK_RX_BAD) abort();              /* the device sent a damaged frame */
    if (ev != LINK_RX_FRAME) continue;
    if (out_rx.len < LINK_RESP_HDR || !(out_rx.msg[0] & LINK_RESP_BIT)) abort();
    if (link_is_note(out_rx.msg, out_rx.len)) notes++;
    else answers++;
  }
  return true;
}

void run_port_wdog_feed(void) {}

static uint8_t *build(size_t *len) {
  static const char src[] =
      ".rodata 64\n.string m \"hi\\n\"\n.entry setup loop\n"
      ".func setup 0\n  RET0\n.end\n"
      ".func loop 0\n  LDI r0, 10\n  SYS r0, delay, 1\n  RET0\n.end\n";
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

static void setup(void) {
  art = build(&art_len);
  cvm1_policy_init(&pol);
  pol.flags = CVM1_POL_UNSIGNED_OK;
  if (board_flash_open(NULL) < 0) abort();
  boot_init(&dev, &pol, 1, 1);
  boot_select(&dev);
  uint8_t bank, vb;
  uint32_t next, d;
  link_begin b;
  if (!link_begin_for(art, (uint32_t)art_len, &b) || boot_begin(&dev, &b, &bank, &next, &d)) abort();
  for (uint32_t o = 0; o < art_len; o += 1024)
    if (boot_data(&dev, o, art + o, art_len - o < 1024 ? (uint32_t)(art_len - o) : 1024, &next, &d))
      abort();
  if (boot_verify(&dev, &vb, &d) || boot_activate(&dev, bank, &d)) abort();
  boot_init(&dev, &pol, 1, 1);
  boot_select(&dev);
  if (boot_confirm(&dev, 0, &d)) abort();
  template_flash = malloc(BOARD_FLASH_SIZE);
  memcpy(template_flash, board_flash_bytes(), BOARD_FLASH_SIZE);
}

static void send(const uint8_t *m, uint32_t n, uint32_t *requests) {
  static uint8_t w[LINK_MAX_WIRE];
  uint32_t k = link_frame_encode(m, n, w, sizeof w);
  if (!k) return;
  (*requests)++;
  run_dev_input(&rt, w, k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static bool ready;
  if (!ready) {
    setup();
    ready = true;
  }
  memcpy(board_flash_bytes(), template_flash, BOARD_FLASH_SIZE);
  board_opts bo;
  board_opts_init(&bo);
  bo.console = fopen("/dev/null", "w");
  if (!bo.console || board_open(&bo) != BOARD_EOK) abort();
  boot_init(&dev, &pol, 1, 7);
  int bank = boot_select(&dev);
  if (bank != 0) abort();
  uint8_t running[2048];
  memcpy(running, board_flash_bytes() + BOOT_BANK_OFF(0), sizeof running);
  run_cfg c = { .pol = pol, .device_id = 1, .mem = mem, .mem_size = sizeof mem,
                .health_ms = 500, .trial_ms = 2000,
                .bbox_off = BOOT_BLACKBOX_OFF, .bbox_pages = BOOT_BLACKBOX_SIZE / HAL_FLASH_PAGE };
  run_boot b = { .bank = 0, .trial = false, .boot_id = 7, .boots = 1,
                 .reset_reason = LINK_RESET_POWER_ON, .reverted = -1 };
  run_dev_start(&rt, &c, &dev, &b);
  link_rx_init(&out_rx);
  answers = notes = 0;
  uint32_t requests = 0, floor = dev.floor;
  size_t at = 0;
  run_act act = RUN_ACT_NONE;
  while (at + 2 <= size && act == RUN_ACT_NONE) {
    uint8_t op = data[at] % 4u, n = data[at + 1];
    at += 2;
    if (n > size - at) n = (uint8_t)(size - at);
    const uint8_t *p = data + at;
    at += n;
    uint32_t before = requests;
    if (op == 0) {
      send(p, n, &requests);
    } else if (op == 1) {
      link_rx shadow = rt.srv.rx;   /* count the frames this completes */
      for (uint32_t i = 0; i < n; i++)
        if (link_rx_byte(&shadow, p[i]) != LINK_RX_NONE) requests++;
      run_dev_input(&rt, p, n);
    } else if (op == 2) {
      board_sleep_until(board_now_us() + (uint64_t)(n ? p[0] : 1) * 1000u);
      act = run_dev_poll(&rt);
    } else {
      uint8_t m[8] = { LINK_SET, 1, 0, LINK_SET_NOTIFY, 0x1E, 0, 0, 0 };
      send(m, sizeof m, &requests);
    }
    (void)before;
    if (answers > requests) abort();               /* more answers than requests */
    if (dev.floor < floor) abort();
    floor = dev.floor;
    if (rt.srv.reboot || rt.boot_req) break;
  }
  if (act == RUN_ACT_NONE && !rt.srv.reboot && !rt.boot_req &&
      memcmp(running, board_flash_bytes() + BOOT_BANK_OFF(0), sizeof running))
    abort();                                       /* the running bank was written */
  board_close();
  fclose(bo.console);
  return 0;
}
