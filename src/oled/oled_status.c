/*
** oled_status.c -- the status screen's four lines.
*/
#include "oled_int.h"

/* A line being built in the caller's buffer: at most OLED_COLS characters. */
typedef struct oled_line { char *c; uint32_t n; } oled_line;

/* At most max characters of s. */
static void put_n(oled_line *l, const char *s, uint32_t max) {
  while (max-- && *s && l->n < OLED_COLS) l->c[l->n++] = *s++;
}
static void put(oled_line *l, const char *s) { put_n(l, s, OLED_COLS); }

/* v in base 10 or 16, at least width digits. */
static void put_num(oled_line *l, uint32_t v, uint32_t base, uint32_t width) {
  char b[11];
  uint32_t i = sizeof b - 1;
  b[i] = 0;
  do { b[--i] = "0123456789ABCDEF"[v % base]; v /= base; } while (v || sizeof b - 1 - i < width);
  put(l, b + i);
}

/* Spaces up to the column where s ends the line (at least one). */
static void put_right(oled_line *l, const char *s) {
  uint32_t n = 0;
  while (s[n]) n++;
  do l->c[l->n++] = ' '; while (l->n + n < OLED_COLS && l->n < OLED_COLS);
  put(l, s);
}

/* The screen's name of every LINK_VM_STATES entry: a state added there
** does not build until it has one here. */
#define OLED_VM_NONE     "----"
#define OLED_VM_RUNNING  "RUN"
#define OLED_VM_SLEEPING "SLEEP"
#define OLED_VM_EXITED   "EXIT"
#define OLED_VM_FAULTED  "FAULT"
#define OLED_VM_LIMIT    "LIMIT"
#define OLED_VM_STOPPED  "BOOT"
#define X(name, desc) OLED_VM_##name,
static const char vm_names[LINK_VM__COUNT + 1][6] = { LINK_VM_STATES(X) "?" };
#undef X
static const char link_names[OLED_LINK__COUNT + 1][10] = {
  "link idle", "link ok", "link down", "link ?"
};

const char *oled_vm_name(uint32_t vm) { return vm_names[vm < LINK_VM__COUNT ? vm : LINK_VM__COUNT]; }
const char *oled_link_name(uint32_t link) {
  return link_names[link < OLED_LINK__COUNT ? link : OLED_LINK__COUNT] + 5;
}

void oled_status_line(const oled_status *s, uint32_t row, char out[OLED_LINE]) {
  oled_line l = { out, 0 };
  uint32_t t = s->uptime_s;
  switch (row) {
  case 0:
    put(&l, "ID ");
    put_num(&l, s->device_id, 16, 8);
    put_right(&l, s->bank == 0 ? "bank A" : s->bank == 1 ? "bank B" : "bank -");
    break;
  case 1: {
    /* The version whole; the name gets the columns before it: 21 less
    ** 6..18, so never all 16 (which need not end in a NUL). */
    uint32_t vn = 0;
    for (uint32_t i = 0; i < 3; i++)
      for (uint32_t v = s->version[i], first = 1; first || v; v /= 10u, first = 0) vn++;
    put_n(&l, s->name[0] ? s->name : "-", OLED_COLS - 3u - vn);
    for (uint32_t i = 0; i < 3; i++) {
      put(&l, i ? "." : " ");
      put_num(&l, s->version[i], 10, 1);
    }
    break;
  }
  case 2:
    put(&l, oled_vm_name(s->vm));
    if (s->trial) put(&l, " trial");
    put_right(&l, oled_link_name(s->link) - 5);
    break;
  case 3:
    put(&l, "up ");
    put_num(&l, t / 86400u, 10, 1);
    put(&l, "d ");
    put_num(&l, t / 3600u % 24u, 10, 2);
    for (uint32_t div = 60u; div; div /= 60u) {
      put(&l, ":");
      put_num(&l, t / div % 60u, 10, 2);
    }
    break;
  default:
    break;
  }
  out[l.n] = 0;
}

void oled_fb_row(uint8_t out[OLED_W], const oled_status *s, uint32_t row) {
  char line[OLED_LINE];
  oled_status_line(s, row, line);
  oled_row(out, line);
}
