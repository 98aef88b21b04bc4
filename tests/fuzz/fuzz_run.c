/*
** fuzz_run.c -- libFuzzer target for the device runtime's sideband server
** (src/run): arbitrary bytes to run_dev_input on a set-up device, with
** run_dev_poll calls, guest output and a refusing port in between.
**
** The device: bank A holds a small confirmed program (a line, a metric and
** a 20 ms sleep per loop), bank B an installed, not activated artifact,
** the blackbox two records, all on the simulated flash in memory; each
** input starts from that flash image at time 0.
** Input: a sequence of operations, by their first byte op:
**   0x00-0x7F  the next op+1 bytes to run_dev_input, as they are
**   0x80-0xBF  the next op-0x80 bytes as one message, framed (good CRC)
**   0xC0-0xDF  advance hal time (op & 0x1F) * 50 ms, then run_dev_poll
**   0xE0-0xEF  the port refuses writes (odd) or takes them (even)
**   0xF0-0xFF  the next (op & 0xF) + 1 bytes as the guest's console output
** Checked (abort on violation): every frame the device writes decodes, and
** every answer's body decodes as its command's; no request frame gets more
** than one answer (a taken ENTER_BOOTLOADER: none then, one at the next
** poll), no answer comes without a request frame; input gives no
** notifications, notifications are numbered from 0 without gaps (an answer
** to a command 0x40-0x7F looks like one: UNKNOWN_CMD echoes cmd | 0x80); the
** running bank's artifact and slot records are never changed (only a
** REVERT may reject it); the counter floor never decreases.
*/
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "board.h"
#include "board_flash.h"
#include "run.h"

#define DEVID 0xC0C0C0C0u

/* ---- the port ----------------------------------------------------------------- */

static uint8_t txq[1 << 16];
static uint32_t txq_len;
static bool refuse;

int run_port_link_read(uint8_t *buf, uint32_t cap) {
  (void)buf;
  (void)cap;
  return 0;
}

bool run_port_link_write(const uint8_t *p, uint32_t n) {
  if (refuse || txq_len + n > sizeof txq) return false;
  memcpy(txq + txq_len, p, n);
  txq_len += n;
  return true;
}

void run_port_wdog_feed(void) {}

/* ---- the device --------------------------------------------------------------- */

static run_dev D;
static boot_dev B;
static _Alignas(8) uint8_t vmem[8192];
static cvm1_policy POL;
static uint8_t *snap;                 /* the flash image every input starts from */
static uint8_t *art_a;
static size_t len_a;
static FILE *devnull;

static const char GUEST[] =
  ".source \"fz.c\"\n.string fmt \"tick %d\\n\"\n.string tn \"t\"\n.entry setup loop\n"
  ".func setup 0\n RET0\n.end\n"
  ".func loop 0\n MKARR r0, fmt\n LDI r2, 5\n SYS r0, printf, 3\n MKARR r0, tn\n LDI r2, 7\n"
  " SYS r0, telemetry, 3\n LDI r0, 20\n SYS r0, delay, 1\n RET0\n.end\n";

static uint8_t *build(const char *src, const char *ver, uint32_t counter, size_t *len) {
  asm_prog *ap = asm_assemble("fz.s", src, strlen(src), NULL, NULL);
  if (!ap) abort();
  cvm1_meta m;
  cvm1_meta_init(&m);
  m.build_time = 1;
  cvm1_parse_version(ver, m.version);
  m.security_counter = counter;
  uint8_t *out = NULL;
  if (cvm1_build(asm_image(ap), &m, NULL, &out, len) != CVM1_ERR_OK) abort();
  asm_free(ap);
  return out;
}

static uint32_t put_bank(const uint8_t *art, size_t len) {
  link_begin lb;
  uint8_t bank;
  uint32_t next, detail;
  if (!link_begin_for(art, (uint32_t)len, &lb) || boot_begin(&B, &lb, &bank, &next, &detail) != LINK_ST_OK)
    abort();
  for (uint32_t off = 0; off < len; off += 1024)
    if (boot_data(&B, off, art + off, len - off < 1024 ? (uint32_t)(len - off) : 1024, &next, &detail) !=
        LINK_ST_OK)
      abort();
  if (boot_verify(&B, &bank, &detail) != LINK_ST_OK) abort();
  return bank;
}

static void hook_console(void *ctx, const char *s, uint32_t n) { run_dev_console(ctx, s, n); }
static void hook_event(void *ctx, const char *nm, uint32_t len, int32_t v) { run_dev_event(ctx, nm, len, v); }
static void hook_telem(void *ctx, const char *nm, uint32_t len, int32_t v) { run_dev_telemetry(ctx, nm, len, v); }

static void setup_once(void) {
  devnull = fopen("/dev/null", "w");
  cvm1_policy_init(&POL);
  POL.flags |= CVM1_POL_UNSIGNED_OK;
  if (board_flash_open(NULL) != 0) abort();
  art_a = build(GUEST, "1.0.0", 3, &len_a);
  size_t len_b;
  uint8_t *art_b = build(".func main 0\n LDI r0, 1\n RET r0\n.end\n", "1.1.0", 4, &len_b);
  uint32_t detail;
  boot_init(&B, &POL, DEVID, 1);
  boot_select(&B);
  uint32_t a = put_bank(art_a, len_a);
  if (boot_activate(&B, a, &detail) != LINK_ST_OK) abort();
  boot_init(&B, &POL, DEVID, 2);
  if (boot_select(&B) != (int)a || boot_confirm(&B, a, &detail) != LINK_ST_OK) abort();
  put_bank(art_b, len_b);                      /* installed in B, not activated */
  free(art_b);
  bbox bb;
  if (bbox_open(&bb, BOOT_BLACKBOX_OFF, BOOT_BLACKBOX_SIZE / HAL_FLASH_PAGE) != BBOX_OK) abort();
  for (int i = 0; i < 2; i++) {
    bbox_rec r;
    bbox_rec_init(&r, BBOX_KIND_FAULT);
    r.pc = (uint32_t)i;
    if (bbox_append(&bb, &r) != BBOX_OK) abort();
  }
  snap = malloc(BOARD_FLASH_SIZE);
  memcpy(snap, board_flash_bytes(), BOARD_FLASH_SIZE);
}

/* ---- the client's side ---------------------------------------------------------- */

static link_rx crx;        /* the device's output */
static link_rx mrx;        /* a mirror of the device's decoder: the requests */
static uint32_t note_seq;
static uint32_t pending_ack;   /* a taken ENTER_BOOTLOADER not yet answered */
static uint16_t pending_seq;

static void check_answer(const uint8_t *m, uint32_t n, const uint8_t *req, uint32_t rn) {
  if (n < LINK_RESP_HDR) abort();
  const uint8_t *body = m + LINK_RESP_HDR;
  uint32_t bl = n - LINK_RESP_HDR;
  uint8_t cmd = (uint8_t)(m[0] & ~LINK_RESP_BIT);
  if (m[3] >= LINK_ST__COUNT) abort();
  if (m[3] != LINK_ST_OK) {
    if (bl != 4) abort();
    return;
  }
  static link_rt_status s;
  static link_telemetry t;
  link_logs lg;
  link_bb_read br;
  link_info in;
  static link_status st;
  switch (cmd) {
  case LINK_RT_STATUS:
    if (bl != LINK_RT_STATUS_SIZE || !link_rt_status_get(body, bl, &s)) abort();
    if (s.running != (uint8_t)D.b.bank || s.boot_id != D.b.boot_id) abort();
    break;
  case LINK_TELEMETRY:
    if (!link_telemetry_get(body, bl, &t)) abort();
    break;
  case LINK_LOGS:
    if (!link_logs_get(body, bl, &lg)) abort();
    break;
  case LINK_BLACKBOX:
    if (!req || rn != LINK_REQ_HDR + 5) abort();
    if (req[3] == LINK_BB_CLEAR) {
      if (bl != 4) abort();
    } else {
      if (!link_bb_read_get(body, bl, &br) || br.count > br.held) abort();
      for (uint32_t i = 0; i < br.count; i++) {
        bbox_rec r;
        if (br.rec_size != BBOX_WIRE_SIZE || !bbox_rec_get(br.recs + i * BBOX_WIRE_SIZE, BBOX_WIRE_SIZE, &r))
          abort();
      }
    }
    break;
  case LINK_SET:
    if (bl != 4) abort();
    break;
  case LINK_ENTER_BOOTLOADER:
    if (bl != 0) abort();
    break;
  case LINK_HELLO:
    if (!link_info_get(body, bl, &in)) abort();
    break;
  case LINK_STATUS:
    if (!link_status_get(body, bl, &st)) abort();
    break;
  default:
    break;
  }
}

/* Decode what the device wrote: answers (checked against the request, if
** any) and notifications. Returns the number of answers. */
static uint32_t drain(bool notes_ok, const uint8_t *req, uint32_t rn, uint32_t *acks) {
  uint32_t answers = 0;
  for (uint32_t i = 0; i < txq_len; i++) {
    link_rxev ev = link_rx_byte(&crx, txq[i]);
    if (ev == LINK_RX_BAD) abort();
    if (ev != LINK_RX_FRAME) continue;
    const uint8_t *m = crx.msg;
    uint32_t n = crx.len;
    /* the answer to a command with bit 0x40 (no such command: UNKNOWN_CMD)
    ** has a notification's top bits: told apart by its request here */
    bool to_req = req && rn >= LINK_REQ_HDR && !(req[0] & LINK_RESP_BIT) && n >= LINK_RESP_HDR &&
                  m[0] == (req[0] | LINK_RESP_BIT) && link_get16(m + 1) == link_get16(req + 1);
    if (!to_req && link_is_note(m, n)) {
      if (!notes_ok || n < LINK_RESP_HDR || m[3] != 0) abort();
      if (link_get16(m + 1) != (note_seq & 0xFFFFu)) abort();
      note_seq++;
      const uint8_t *b = m + LINK_RESP_HDR;
      uint32_t bl = n - LINK_RESP_HDR;
      static link_heartbeat h;
      static link_log_note l;
      static link_telemetry t;
      static link_event_note e;
      bool ok;
      switch (m[0] & 0x3F) {
      case LINK_NOTE_HEARTBEAT: ok = link_heartbeat_get(b, bl, &h); break;
      case LINK_NOTE_LOG:       ok = link_log_note_get(b, bl, &l); break;
      case LINK_NOTE_TELEMETRY: ok = link_telemetry_get(b, bl, &t); break;
      case LINK_NOTE_EVENT:     ok = link_event_get(b, bl, &e); break;
      default:                  ok = false; break;
      }
      if (!ok) abort();
      continue;
    }
    answers++;
    if (acks && m[0] == (LINK_ENTER_BOOTLOADER | LINK_RESP_BIT) && link_get16(m + 1) == pending_seq) {
      (*acks)++;
      check_answer(m, n, NULL, 0);
      continue;
    }
    if (req) {
      if (rn < LINK_REQ_HDR || (req[0] & LINK_RESP_BIT)) {      /* FRAME from the boot server */
        if (m[0] != LINK_RESP_BIT || link_get16(m + 1) != 0 || m[3] != LINK_ST_FRAME) abort();
      } else if (m[0] != (req[0] | LINK_RESP_BIT) || link_get16(m + 1) != link_get16(req + 1)) {
        abort();
      }
      check_answer(m, n, req, rn);
    } else if (m[0] != LINK_RESP_BIT || m[3] != LINK_ST_FRAME || link_get16(m + 1) != 0) {
      abort();                                                   /* a damaged frame's NAK */
    }
  }
  txq_len = 0;
  return answers;
}

/* ---- invariants on flash -------------------------------------------------------- */

static uint32_t run_bank;
static uint32_t floor0;
static uint32_t recs0[BOOT_REC__COUNT][2];

static void flash_check(void) {
  const uint8_t *f = board_flash_bytes();
  if (memcmp(f + BOOT_BANK_OFF(run_bank), snap + BOOT_BANK_OFF(run_bank), BOOT_ART_MAX)) abort();
  for (uint32_t r = 0; r < BOOT_REC__COUNT; r++) {
    uint32_t w[2];
    memcpy(w, f + BOOT_REC_OFF(run_bank, r), 8);
    if (w[0] == recs0[r][0] && w[1] == recs0[r][1]) continue;
    /* only a REVERT (a programming command) may reject the running bank */
    if (r != BOOT_REC_REJECTED || recs0[r][0] != 0xFFFFFFFFu || w[0] != ~w[1]) abort();
  }
  uint32_t fl = boot_floor_read();
  if (fl < floor0) abort();
  floor0 = fl;
}

/* ---- one byte in ------------------------------------------------------------------ */

static void byte_in(uint8_t b) {
  bool taking = !D.srv.reboot;
  link_rxev ev = taking ? link_rx_byte(&mrx, b) : LINK_RX_NONE;
  bool was_req = D.boot_req;
  run_dev_input(&D, &b, 1);
  const uint8_t *req = ev == LINK_RX_FRAME ? mrx.msg : NULL;
  uint32_t rn = ev == LINK_RX_FRAME ? mrx.len : 0;
  uint32_t a = drain(false, req, rn, NULL);
  if (ev == LINK_RX_NONE && a) abort();
  uint32_t want = refuse ? 0 : 1;                              /* a refused answer is gone */
  if (ev == LINK_RX_BAD && a != want) abort();
  if (ev == LINK_RX_FRAME) {
    bool taken = !was_req && D.boot_req;                       /* ENTER_BOOTLOADER taken now */
    if (taken) {
      if (a != 0 || req[0] != LINK_ENTER_BOOTLOADER || link_get16(req + 1) != D.boot_req_seq) abort();
      pending_ack = 1;
      pending_seq = D.boot_req_seq;
    } else if (a != want) {
      abort();
    }
  }
}

static run_act poll(void) {
  bool was_req = D.boot_req;
  run_act act = run_dev_poll(&D);
  uint32_t acks = 0;
  uint32_t a = drain(true, NULL, 0, &acks);
  if (a != acks || acks > pending_ack) abort();
  if (was_req && act != RUN_ACT_BOOTLOADER) abort();
  if (acks) pending_ack = 0;
  flash_check();
  return act;
}

int LLVMFuzzerTestOneInput(const uint8_t *p, size_t n) {
  if (!snap) setup_once();
  memcpy(board_flash_bytes(), snap, BOARD_FLASH_SIZE);
  board_set_hooks(NULL);
  board_opts bo;
  board_opts_init(&bo);
  bo.console = devnull;
  if (board_open(&bo) != BOARD_EOK) abort();
  boot_init(&B, &POL, DEVID, 7);
  int bank = boot_select(&B);
  if (bank < 0 || B.trial) abort();
  run_bank = (uint32_t)bank;
  for (uint32_t r = 0; r < BOOT_REC__COUNT; r++)
    memcpy(recs0[r], snap + BOOT_REC_OFF(run_bank, r), 8);
  floor0 = boot_floor_read();
  run_cfg c = { .pol = POL, .device_id = DEVID, .mem = vmem, .mem_size = sizeof vmem, .slice = 500,
                .health_ms = 1000, .trial_ms = 10000, .heartbeat_ms = 300, .telemetry_ms = 400,
                .bbox_off = BOOT_BLACKBOX_OFF, .bbox_pages = BOOT_BLACKBOX_SIZE / HAL_FLASH_PAGE };
  run_boot rb = { .bank = bank, .trial = false, .boot_id = B.boot_id, .boots = 1,
                  .reset_reason = LINK_RESET_POWER_ON, .reverted = -1 };
  txq_len = 0;
  refuse = false;
  note_seq = 0;
  pending_ack = 0;
  link_rx_init(&crx);
  link_rx_init(&mrx);
  run_dev_start(&D, &c, &B, &rb);
  if (!D.have_prog || !D.bb_ok) abort();
  board_hooks h = { &D, hook_console, hook_event, hook_telem };
  board_set_hooks(&h);
  run_act act = poll();
  size_t i = 0;
  while (i < n && act == RUN_ACT_NONE) {
    uint8_t op = p[i++];
    if (op < 0x80) {
      size_t k = (size_t)op + 1;
      for (size_t j = 0; j < k && i < n; j++) byte_in(p[i++]);
    } else if (op < 0xC0) {
      uint32_t k = op - 0x80u;
      if (k > n - i) k = (uint32_t)(n - i);
      uint8_t w[LINK_WIRE_SIZE(64)];
      uint32_t wn = link_frame_encode(p + i, k, w, sizeof w);
      i += k;
      for (uint32_t j = 0; j < wn; j++) byte_in(w[j]);
    } else if (op < 0xE0) {
      board_sleep_until(hal_time_us() + (uint64_t)(op & 0x1Fu) * 50000u);
      act = poll();
    } else if (op < 0xF0) {
      refuse = op & 1u;
    } else {
      size_t k = (size_t)(op & 0xFu) + 1;
      if (k > n - i) k = n - i;
      run_dev_console(&D, (const char *)p + i, (uint32_t)k);
      i += k;
    }
    flash_check();
  }
  if (act == RUN_ACT_NONE) {
    refuse = false;
    board_sleep_until(hal_time_us() + 1000000u);
    poll();
  }
  board_set_hooks(NULL);
  return 0;
}
