/*
** oled.h -- the hypervisor's status screen: an SSD1306 128x32 monochrome
** OLED on I2C (address 0x3C), drawn in a framebuffer and sent a page at a
** time between guest time slices. Freestanding C; talks to the display only
** through hal_i2c_write. Facts about the controller come from the SSD1306
** datasheet (Solomon Systech, rev 1.1); see docs/hardware.md.
**
** Use (the device runtime, src/run):
**     static oled_dev dev;  static oled_fb fb;
**     oled_init(&dev);                       at boot (an error is retried)
**     oled_status_render(&fb, &status);      when the status changes
**     oled_show(&dev, &fb);                  marks the pages that differ
**     oled_flush_step(&dev);                 once per service pass: at most
**                                            one I2C transfer (~141 bytes)
** fb must stay unchanged between oled_show and the flush steps that send it
** (render into it again, then call oled_show again).
*/
#ifndef OLED_OLED_H   /* not OLED_H: that is the height */
#define OLED_OLED_H

#include <stdbool.h>
#include <stdint.h>

#define OLED_ADDR   0x3Cu
#define OLED_W      128u
#define OLED_H      32u
#define OLED_PAGES  4u          /* 8-pixel rows */
#define OLED_COLS   21u         /* text cells of 6x8 pixels */
#define OLED_ROWS   4u

/* ---- framebuffer -------------------------------------------------------- */

/* GDDRAM layout: px[page][x] holds pixels (x, 8*page .. 8*page+7), bit 0
** the top one; 1 is lit. */
typedef struct oled_fb { uint8_t px[OLED_PAGES][OLED_W]; } oled_fb;

void oled_clear(oled_fb *fb);
/* Set (on) or clear one pixel; outside the screen: nothing. */
void oled_pixel(oled_fb *fb, uint32_t x, uint32_t y, bool on);
/* Pixel (x, y): 1 lit, 0 dark or outside. */
int oled_get(const oled_fb *fb, uint32_t x, uint32_t y);
/* Draw str in the text cell grid from (col, row): 5x7 glyphs in 6x8 cells,
** each cell drawn whole (background cleared). Characters outside
** 0x20..0x7E show as '?'; text past column 21 is cut. Returns the column
** after the last character drawn. */
uint32_t oled_text(oled_fb *fb, uint32_t col, uint32_t row, const char *str);

/* ---- the status screen --------------------------------------------------- */

typedef enum oled_vm {
  OLED_VM_NONE,        /* nothing to run           "----"  */
  OLED_VM_RUNNING,     /*                           "RUN"   */
  OLED_VM_SLEEPING,    /* delay(), waiting         "SLEEP" */
  OLED_VM_EXITED,      /* main returned            "EXIT"  */
  OLED_VM_FAULTED,     /*                           "FAULT" */
  OLED_VM_LIMIT,       /* a step or time limit     "LIMIT" */
  OLED_VM_BOOTLOADER,  /* serving installs         "BOOT"  */
  OLED_VM__COUNT
} oled_vm;

typedef enum oled_link {
  OLED_LINK_IDLE,      /* "link idle" */
  OLED_LINK_ACTIVE,    /* "link ok"   */
  OLED_LINK_DOWN,      /* "link down" */
  OLED_LINK__COUNT
} oled_link;

#define OLED_NAME_MAX 12u   /* program name characters shown */

typedef struct oled_status {
  uint32_t device_id;
  char name[OLED_NAME_MAX + 1];   /* NUL-terminated; "" shows "-" */
  uint16_t version[3];            /* major, minor, patch */
  oled_vm vm;
  bool trial;                     /* running on trial (not confirmed) */
  oled_link link;
  int8_t bank;                    /* -1 none, 0 A, 1 B */
  uint32_t uptime_s;
} oled_status;

/* Clear fb and draw the four lines (21 columns each):
**     ID C0C0C0C0   bank A        bank "-" when none
**     blinky 1.2.0
**     RUN trial     link ok       state name, " trial"; link right-aligned
**     up 0d 01:02:03
** Out-of-range enums show as "?". */
void oled_status_render(oled_fb *fb, const oled_status *s);

/* ---- the driver ---------------------------------------------------------- */

/* shown: what the display's GDDRAM holds (pages 0..3), as far as known;
** stale: pages whose display content is unknown (after init); dirty: pages
** of *next still to send. */
typedef struct oled_dev {
  oled_fb shown;
  const oled_fb *next;      /* the frame given to oled_show, or NULL */
  uint8_t dirty, stale;     /* bit p: page p */
  bool ok;                  /* initialised, last transfer acknowledged */
  uint32_t errors;          /* failed transfers, counted */
} oled_dev;

/* Forget everything and send the SSD1306 set-up for a 128x32 panel (one
** I2C transfer): display off, clock, multiplex 32, offset 0, start line 0,
** charge pump on, horizontal addressing, segment remap, COM scan
** reversed, COM pins sequential, contrast, precharge, VCOMH, scrolling off,
** resume to RAM, normal (not inverted), display on. All pages become stale.
** Returns HAL_OK or the hal_err of the transfer (d->ok false). */
int oled_init(oled_dev *d);

/* Take fb as the frame to show: marks the pages that differ from what the
** display holds (or that are stale). Sends nothing. */
void oled_show(oled_dev *d, const oled_fb *fb);

/* One bounded step of work: if the display is not ok, retry oled_init;
** else send the lowest dirty page (one transfer: column and page range,
** then 128 data bytes). Returns the number of pages still dirty (0: the
** display shows the frame), or a negative hal_err (the display is then
** marked not ok, and the next step retries the set-up). */
int oled_flush_step(oled_dev *d);

#endif /* OLED_OLED_H */
