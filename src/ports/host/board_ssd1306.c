/*
** board_ssd1306.c -- an SSD1306 OLED controller with a 128x32 panel on the
** I2C bus (0x3C), decoding the byte stream a driver sends, from the
** datasheet (Solomon Systech SSD1306 rev 1.1): control bytes (8.1.5.2), the
** command table (section 9), addressing modes (10.1.3), and the display
** path (remap, COM scan, multiplex, offset, start line, invert, entire on).
*/
#include <string.h>

#include "board_int.h"

enum { SSD_COLS = 128, SSD_PAGES = 8, SSD_ROWS = 64, SSD_PANEL_H = 32 };
enum { SSD_HORIZ = 0, SSD_VERT = 1, SSD_PAGE = 2 };   /* 20h A[1:0] */
enum { SSD_MAXPAR = 6 };

typedef struct ssd {
  uint8_t ram[SSD_PAGES][SSD_COLS];
  /* the command being collected: its table row, parameters so far */
  const struct ssd_cmd *cmd;
  uint8_t op, have, par[SSD_MAXPAR];
  /* addressing */
  uint8_t mode, col, page;
  uint8_t col_start, col_end, page_start, page_end;   /* 21h, 22h */
  uint8_t page_col;          /* page mode: column set by 00h-1Fh */
  /* display */
  bool on, invert, entire, seg_remap, com_rev, pump, scroll;
  uint8_t mux, offset, start, com_cfg, contrast, clock, precharge, vcomh;
  board_ssd1306_count n;
} ssd;

static ssd S;

/* ---- commands -------------------------------------------------------------- */

typedef void ssd_fn(ssd *s, uint8_t op, const uint8_t *p);

static void c_col_lo(ssd *s, uint8_t op, const uint8_t *p) {
  (void)p;
  s->page_col = (uint8_t)((s->page_col & 0xF0u) | (op & 0x0Fu));
  s->col = s->page_col;
}
static void c_col_hi(ssd *s, uint8_t op, const uint8_t *p) {
  (void)p;   /* 10h-17h: column bits 6:4; 18h-1Fh as the datasheet: X3 unused */
  s->page_col = (uint8_t)((s->page_col & 0x0Fu) | (op & 0x07u) << 4);
  s->col = s->page_col;
}
static void c_mode(ssd *s, uint8_t op, const uint8_t *p) {
  (void)op;
  if ((p[0] & 3u) != 3u) s->mode = p[0] & 3u;      /* 11b is invalid */
}
static void c_col_range(ssd *s, uint8_t op, const uint8_t *p) {
  (void)op;
  s->col_start = p[0] & 0x7Fu;
  s->col_end = p[1] & 0x7Fu;
  s->col = s->col_start;
}
static void c_page_range(ssd *s, uint8_t op, const uint8_t *p) {
  (void)op;
  s->page_start = p[0] & 7u;
  s->page_end = p[1] & 7u;
  s->page = s->page_start;
}
static void c_scroll(ssd *s, uint8_t op, const uint8_t *p) {
  (void)p;   /* 26h/27h/29h/2Ah set up, 2Fh starts, 2Eh stops: not animated */
  if (op == 0x2E) s->scroll = false;
  if (op == 0x2F) s->scroll = true;
}
static void c_start(ssd *s, uint8_t op, const uint8_t *p) { (void)p; s->start = op & 0x3Fu; }
static void c_contrast(ssd *s, uint8_t op, const uint8_t *p) { (void)op; s->contrast = p[0]; }
static void c_pump(ssd *s, uint8_t op, const uint8_t *p) { (void)op; s->pump = (p[0] & 0x04u) != 0; }
static void c_remap(ssd *s, uint8_t op, const uint8_t *p) { (void)p; s->seg_remap = op & 1u; }
static void c_entire(ssd *s, uint8_t op, const uint8_t *p) { (void)p; s->entire = op & 1u; }
static void c_invert(ssd *s, uint8_t op, const uint8_t *p) { (void)p; s->invert = op & 1u; }
static void c_mux(ssd *s, uint8_t op, const uint8_t *p) {
  (void)op;
  if ((p[0] & 0x3Fu) >= 15u) s->mux = p[0] & 0x3Fu;  /* 0..14 are invalid */
}
static void c_onoff(ssd *s, uint8_t op, const uint8_t *p) { (void)p; s->on = op & 1u; }
static void c_page(ssd *s, uint8_t op, const uint8_t *p) { (void)p; s->page = op & 7u; }
static void c_scan(ssd *s, uint8_t op, const uint8_t *p) { (void)p; s->com_rev = (op & 0x08u) != 0; }
static void c_offset(ssd *s, uint8_t op, const uint8_t *p) { (void)op; s->offset = p[0] & 0x3Fu; }
static void c_clock(ssd *s, uint8_t op, const uint8_t *p) { (void)op; s->clock = p[0]; }
static void c_precharge(ssd *s, uint8_t op, const uint8_t *p) { (void)op; s->precharge = p[0]; }
static void c_compins(ssd *s, uint8_t op, const uint8_t *p) { (void)op; s->com_cfg = p[0] & 0x30u; }
static void c_vcomh(ssd *s, uint8_t op, const uint8_t *p) { (void)op; s->vcomh = p[0]; }
static void c_nop(ssd *s, uint8_t op, const uint8_t *p) { (void)s; (void)op; (void)p; }

/* Every command of the fundamental, scrolling, addressing, hardware
** configuration and timing tables: the opcodes [lo, hi], how many
** parameter bytes follow it. */
typedef struct ssd_cmd { uint8_t lo, hi, npar; ssd_fn *fn; } ssd_cmd;

static const ssd_cmd ssd_cmds[] = {
  { 0x00, 0x0F, 0, c_col_lo },     /* page mode: column low nibble */
  { 0x10, 0x1F, 0, c_col_hi },     /* page mode: column high nibble */
  { 0x20, 0x20, 1, c_mode },       /* memory addressing mode */
  { 0x21, 0x21, 2, c_col_range },  /* column start, end */
  { 0x22, 0x22, 2, c_page_range }, /* page start, end */
  { 0x26, 0x27, 6, c_scroll },     /* horizontal scroll set-up */
  { 0x29, 0x2A, 5, c_scroll },     /* vertical and horizontal scroll set-up */
  { 0x2E, 0x2F, 0, c_scroll },     /* deactivate, activate scroll */
  { 0x40, 0x7F, 0, c_start },      /* display start line */
  { 0x81, 0x81, 1, c_contrast },
  { 0x8D, 0x8D, 1, c_pump },       /* charge pump */
  { 0xA0, 0xA1, 0, c_remap },      /* segment remap */
  { 0xA3, 0xA3, 2, c_scroll },     /* vertical scroll area */
  { 0xA4, 0xA5, 0, c_entire },     /* resume to RAM / entire display on */
  { 0xA6, 0xA7, 0, c_invert },     /* normal / inverse */
  { 0xA8, 0xA8, 1, c_mux },        /* multiplex ratio */
  { 0xAE, 0xAF, 0, c_onoff },      /* display off / on */
  { 0xB0, 0xB7, 0, c_page },       /* page mode: page */
  { 0xC0, 0xC0, 0, c_scan },       /* COM scan COM0 -> COM[N-1] */
  { 0xC8, 0xC8, 0, c_scan },       /* COM scan COM[N-1] -> COM0 */
  { 0xD3, 0xD3, 1, c_offset },     /* display offset */
  { 0xD5, 0xD5, 1, c_clock },      /* clock divide, oscillator */
  { 0xD9, 0xD9, 1, c_precharge },
  { 0xDA, 0xDA, 1, c_compins },    /* COM pins configuration */
  { 0xDB, 0xDB, 1, c_vcomh },      /* VCOMH deselect level */
  { 0xE3, 0xE3, 0, c_nop },
};

static const ssd_cmd *ssd_find(uint8_t op) {
  for (size_t i = 0; i < sizeof ssd_cmds / sizeof ssd_cmds[0]; i++)
    if (op >= ssd_cmds[i].lo && op <= ssd_cmds[i].hi) return &ssd_cmds[i];
  return NULL;
}

static void ssd_command(ssd *s, uint8_t b) {
  if (s->cmd) {                             /* a parameter */
    s->par[s->have++] = b;
  } else {
    s->n.commands++;
    s->cmd = ssd_find(b);
    s->op = b;
    s->have = 0;
    if (!s->cmd) { s->n.unknown++; return; }   /* ignored */
  }
  if (s->have < s->cmd->npar) return;
  const ssd_cmd *c = s->cmd;
  s->cmd = NULL;
  c->fn(s, s->op, s->par);
}

/* ---- GDDRAM writes ------------------------------------------------------ */

static void ssd_data(ssd *s, uint8_t b) {
  s->n.data++;
  s->ram[s->page & 7u][s->col & 0x7Fu] = b;
  if (s->mode == SSD_PAGE) {               /* column wraps, page stays */
    s->col = s->col >= SSD_COLS - 1 ? s->page_col : (uint8_t)(s->col + 1);
  } else if (s->mode == SSD_HORIZ) {
    if (s->col != s->col_end) { s->col = (uint8_t)((s->col + 1) & 0x7Fu); return; }
    s->col = s->col_start;
    s->page = s->page == s->page_end ? s->page_start : (uint8_t)((s->page + 1) & 7u);
  } else {
    if (s->page != s->page_end) { s->page = (uint8_t)((s->page + 1) & 7u); return; }
    s->page = s->page_start;
    s->col = s->col == s->col_end ? s->col_start : (uint8_t)((s->col + 1) & 0x7Fu);
  }
}

/* ---- the I2C device ----------------------------------------------------- */

/* Each transaction starts with a control byte: Co (bit 7) 1 = one byte
** follows, then another control byte; Co 0 = the rest is one stream.
** D/C# (bit 6) 1 = data, 0 = commands. Command parameters may come in a
** later transaction. */
static int ssd_write(board_i2c_model *m, const uint8_t *d, uint32_t len) {
  ssd *s = m->state;
  s->n.writes++;
  s->n.bytes += len;
  uint32_t i = 0;
  while (i < len) {
    uint8_t ctl = d[i++];
    bool single = (ctl & 0x80u) != 0, data = (ctl & 0x40u) != 0;
    for (uint32_t k = 0; i < len && (!single || k < 1); k++) {
      if (data) ssd_data(s, d[i++]);
      else ssd_command(s, d[i++]);
    }
  }
  return HAL_OK;
}

/* Status read (8.1.5.2, Figure 8-8): D6 is 1 while the display is off. */
static int ssd_read(board_i2c_model *m, uint8_t *buf, uint32_t len) {
  ssd *s = m->state;
  s->n.reads++;
  memset(buf, s->on ? 0x00 : 0x40, len);
  return HAL_OK;
}

/* Power-on: the datasheet's reset values; GDDRAM is undefined on the chip,
** here a fixed pseudo-random pattern so a driver must write every page. */
static void ssd_reset(board_i2c_model *m) {
  ssd *s = m->state;
  memset(s, 0, sizeof *s);
  uint32_t x = 0x2545F491u;
  for (uint32_t i = 0; i < sizeof s->ram; i++) {
    x ^= x << 13; x ^= x >> 17; x ^= x << 5;
    s->ram[i / SSD_COLS][i % SSD_COLS] = (uint8_t)x;
  }
  s->mode = SSD_PAGE;
  s->col_end = SSD_COLS - 1;
  s->page_end = SSD_PAGES - 1;
  s->mux = SSD_ROWS - 1;
  s->com_cfg = 0x10;
  s->contrast = 0x7F;
  s->clock = 0x80;
  s->precharge = 0x22;
  s->vcomh = 0x20;
}

static board_i2c_model ssd_model = {
  "SSD1306", BOARD_SSD1306_ADDR, ssd_write, ssd_read, ssd_reset, &S
};

board_i2c_model *board_ssd1306(void) { return &ssd_model; }
const board_ssd1306_count *board_ssd1306_counts(void) { return &S.n; }

int board_ssd1306_ram(uint32_t page, uint32_t col) {
  return page < SSD_PAGES && col < SSD_COLS ? S.ram[page][col] : -1;
}

/* ---- what the panel shows ------------------------------------------------- */

/* The RAM row COM pin c shows, or -1 when it is not driven. COM pins
** configuration (DAh A[4] alternative, A[5] left/right remap) as in the
** datasheet's 64-row tables; then the scan direction, the offset and the
** multiplex ratio; the start line picks the first RAM row. */
static int ssd_com_row(const ssd *s, uint32_t c) {
  uint32_t n = s->mux + 1u, h = SSD_ROWS / 2;
  bool alt = s->com_cfg & 0x10u, lr = s->com_cfg & 0x20u;
  if (alt) c = (c < h ? 2u * c : 2u * (c - h) + 1u) ^ (lr ? 1u : 0u);
  else if (lr) c = (c + h) % SSD_ROWS;
  if (s->com_rev) c = (n - 1u - c) & (SSD_ROWS - 1u);
  uint32_t k = (c + s->offset) % SSD_ROWS;
  if (k >= n) return -1;
  return (int)((k + s->start) % SSD_ROWS);
}

/* The panel is mounted as on common 128x32 modules: the viewer's top-left
** pixel is SEG127 / COM31, so the usual A1h + C8h set-up shows GDDRAM
** column 0, row 0 there. The module has no external VCC: without the
** charge pump the panel stays dark. */
int board_ssd1306_pixel(uint32_t x, uint32_t y) {
  if (x >= BOARD_SSD1306_W || y >= BOARD_SSD1306_H) return 0;
  if (!S.on || !S.pump) return 0;
  int row = ssd_com_row(&S, SSD_PANEL_H - 1u - y);
  if (row < 0) return 0;
  if (S.entire) return 1;
  uint32_t seg = SSD_COLS - 1u - x, col = S.seg_remap ? SSD_COLS - 1u - seg : seg;
  return (S.ram[row >> 3][col] >> (row & 7) & 1) ^ S.invert;
}

bool board_ssd1306_on(void) { return S.on && S.pump; }
