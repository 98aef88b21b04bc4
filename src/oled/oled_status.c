/*
** oled_status.c -- the status screen's four lines.
*/
#include "oled_int.h"

/* A line being built: at most OLED_COLS characters, NUL-terminated. */
typedef struct oled_line { char c[OLED_COLS + 1]; uint32_t n; } oled_line;

/* At most max characters of s. */
static void put_n(oled_line *l, const char *s, uint32_t max) {
  while (max-- && *s && l->n < OLED_COLS) l->c[l->n++] = *s++;
}
static void put(oled_line *l, const char *s) { put_n(l, s, OLED_COLS); }

/* v in base 10 or 16, at least width digits. */
static void put_num(oled_line *l, uint32_t v, uint32_t base, uint32_t width) {
  char b[11];
  char *p = b + sizeof b - 1;
  *p = 0;
  do { *--p = "0123456789ABCDEF"[v % base]; v /= base; } while (v || b + sizeof b - 1 - p < (int)width);
  put(l, p);
}

/* s right-aligned at the end of the line, after at least one space. */
static void put_right(oled_line *l, const char *s) {
  uint32_t n = 0;
  while (s[n]) n++;
  do l->c[l->n++] = ' '; while (l->n + n < OLED_COLS && l->n < OLED_COLS);
  put(l, s);
}

static const char vm_names[OLED_VM__COUNT + 1][6] = {
  "----", "RUN", "SLEEP", "EXIT", "FAULT", "LIMIT", "BOOT", "?"
};
static const char link_names[OLED_LINK__COUNT + 1][5] = { "idle", "ok", "down", "?" };

void oled_status_render(oled_fb *fb, const oled_status *s) {
  oled_line l[OLED_ROWS];
  __builtin_memset(l, 0, sizeof l);

  put(&l[0], "ID ");
  put_num(&l[0], s->device_id, 16, 8);
  put_right(&l[0], s->bank == 0 ? "bank A" : s->bank == 1 ? "bank B" : "bank -");

  put(&l[1], s->name[0] ? "" : "-");
  put_n(&l[1], s->name, OLED_NAME_MAX);
  for (uint32_t i = 0; i < 3; i++) {
    put(&l[1], i ? "." : " ");
    put_num(&l[1], s->version[i], 10, 1);
  }

  uint32_t vm = (uint32_t)s->vm < OLED_VM__COUNT ? (uint32_t)s->vm : OLED_VM__COUNT;
  uint32_t link = (uint32_t)s->link < OLED_LINK__COUNT ? (uint32_t)s->link : OLED_LINK__COUNT;
  put(&l[2], vm_names[vm]);
  if (s->trial) put(&l[2], " trial");
  char lk[10] = "link ";
  __builtin_memcpy(lk + 5, link_names[link], 5);
  put_right(&l[2], lk);

  uint32_t t = s->uptime_s;
  put(&l[3], "up ");
  put_num(&l[3], t / 86400u, 10, 1);
  put(&l[3], "d ");
  for (uint32_t i = 0, div = 3600u, mod = 24u; i < 3; i++, div /= 60u, mod = 60u) {
    if (i) put(&l[3], ":");
    put_num(&l[3], t / div % mod, 10, 2);
  }

  oled_clear(fb);
  for (uint32_t r = 0; r < OLED_ROWS; r++) oled_text(fb, 0, r, l[r].c);
}
