/*
** oled.h -- the hypervisor's status screen: an SSD1306 128x32 monochrome
** OLED on I2C (address 0x3C), four lines of text sent one GDDRAM page at a
** time between guest slices. Freestanding C11, no heap, no framebuffer:
** the device has a few hundred bytes of RAM to spare, so a page is rendered
** into the caller's 128 bytes when it is sent, and the driver remembers
** only a CRC-32 of each page the display holds (24 bytes of state). It
** talks to the display only through hal_i2c_write. Facts about the
** controller come from the SSD1306 datasheet (Solomon Systech); see
** docs/hardware.md.
**
** Use (the device runtime, src/run), once per service pass:
**     static oled_dev dev;              zeroed: the first call sets it up
**     oled_status st = { ... };         filled from the runtime's state
**     oled_service(&dev, &st);          at most one page on the bus
** or by hand: oled_fb_row(px, &st, p) then oled_page(&dev, p, px).
*/
#ifndef OLED_OLED_H   /* not OLED_H: that is the height */
#define OLED_OLED_H

#include <stdbool.h>
#include <stdint.h>

#include "hal.h"
#include "link.h"

#define OLED_ADDR   HAL_I2C_HOST_DISPLAY   /* 0x3C */
#define OLED_W      128u
#define OLED_H      32u
#define OLED_PAGES  4u          /* 8-pixel rows, one text row each */
#define OLED_COLS   21u         /* text cells of 6x8 pixels in a row */
#define OLED_LINE   (OLED_COLS + 1u)   /* a text line with its NUL */
#define OLED_X0     1u          /* x of the first cell: 1 + 21 * 6 + 1 = 128 */

/* ---- text ---------------------------------------------------------------- */

/* One text row as one page (GDDRAM layout: out[x] holds pixels x of rows
** 0..7, bit 0 on top; 1 lit): up to 21 characters of text (to its NUL),
** 5x7 glyphs in 6x8 cells from x = OLED_X0, row 7 and the rest dark.
** Characters outside 0x20..0x7E show as '?'. The font is in flash
** (oled_font.c, 475 bytes). */
void oled_row(uint8_t out[OLED_W], const char *text);

/* ---- the status screen --------------------------------------------------- */

/* The VM state is the sideband's (link_vm_state, LINK_VM_STATES in
** link.h): one table of states for the link, the tools and the screen,
** which shows them as "----" (none) "RUN" "SLEEP" "EXIT" "FAULT" "LIMIT"
** and "BOOT" (stopped for the bootloader). */

typedef enum oled_link {
  OLED_LINK_IDLE,      /* "link idle" */
  OLED_LINK_ACTIVE,    /* "link ok"   */
  OLED_LINK_DOWN,      /* "link down" */
  OLED_LINK__COUNT
} oled_link;

typedef struct oled_status {
  uint32_t device_id;
  char name[16];          /* program name; NUL-terminated unless all 16 used */
  uint16_t version[3];    /* major, minor, patch */
  uint8_t vm;             /* link_vm_state */
  bool trial;             /* running on trial (not yet confirmed) */
  uint8_t link;           /* oled_link */
  int8_t bank;            /* -1 none, 0 A, 1 B */
  uint32_t uptime_s;
} oled_status;

/* Text line row (0..3) of the status screen into out (at most 21
** characters and a NUL; "" for other rows):
**     ID C0C0C0C0    bank A      bank "-" when none (or out of range)
**     blinky 1.2.0               name ("-" if empty) cut to fit the version
**     RUN trial     link ok      state, " trial"; link right-aligned
**     up 0d 01:02:03             uptime: days, hh:mm:ss
** Out-of-range vm and link values show as "?". */
void oled_status_line(const oled_status *s, uint32_t row, char out[OLED_LINE]);
/* Status line row rendered as page row: oled_row(out, line). */
void oled_fb_row(uint8_t out[OLED_W], const oled_status *s, uint32_t row);
/* Short names: "RUN" ..., "?" out of range; "idle" "ok" "down" "?". */
const char *oled_vm_name(uint32_t vm);
const char *oled_link_name(uint32_t link);

/* ---- the driver ---------------------------------------------------------- */

/* ok: 0 until the set-up was acknowledged, and again after any failed
** transfer; else OLED_OK_UP, plus OLED_OK_PAGE(p) once page p was sent,
** crc[p] being the CRC-32 of what the display holds there. next: the page
** oled_service looks at first. fails: failed transfers, counted. A zeroed
** oled_dev is a valid start (not set up). */
typedef struct oled_dev {
  uint32_t crc[OLED_PAGES];
  uint8_t ok;
  uint8_t next;
  uint32_t fails;
} oled_dev;

#define OLED_OK_UP       0x01u
#define OLED_OK_PAGE(p)  (0x10u << (p))

/* Send the SSD1306 set-up for the 128x32 panel in one I2C transfer (a
** command stream, 27 bytes): display off; clock divide; multiplex 32;
** display offset 0; start line 0; charge pump on; horizontal addressing;
** segment remap; COM scan reversed; COM pins sequential; contrast;
** precharge; VCOMH; scrolling off; resume to RAM; normal (not inverted);
** display on. Forgets which pages the display holds. HAL_OK, or the
** transfer's negative hal_err (d->ok 0, d->fails counted). */
int oled_init(oled_dev *d);

/* Show px as page (0..3), only if its CRC-32 differs from the page last
** sent there (or none was since the set-up): column range 0..127 and page
** range page..page (one 7-byte command transfer), then the 128 bytes (one
** 129-byte transfer, control byte 0x40), about 3 ms at 400 kHz. Sets the
** display up first when d->ok is 0. Returns 1 sent, 0 unchanged (nothing
** on the bus), HAL_EINVAL for a page above 3, or the negative hal_err of a
** transfer (d->ok 0: the next call sets up again and sends every page). */
int oled_page(oled_dev *d, uint32_t page, const uint8_t px[OLED_W]);

/* One service pass: from page d->next on, render each status row and hand
** it to oled_page until one is sent (at most one page on the bus, at most
** four rendered); d->next moves past the pages looked at. Returns
** oled_page's result for the last page looked at (1 sent, 0 all four
** unchanged, negative on error). Stack: about 160 bytes. */
int oled_service(oled_dev *d, const oled_status *s);

#endif /* OLED_OLED_H */
