/*
** oled_status.c -- the status screen's four lines.
*/
#include "oled_int.h"

/* A line being built: at most OLED_COLS characters. */
typedef struct oled_line { char c[OLED_COLS + 1]; uint32_t n; } oled_line;

static void put(oled_line *l, const char *s) {
  while (*s && l->n < OLED_COLS) l->c[l->n++] = *s++;
  l->c[l->n] = 0;
}

/* v in decimal, at least width digits. */
static void put_dec(oled_line *l, uint32_t v, uint32_t width) {
  char b[11];
  uint32_t i = sizeof b - 1;
  b[i] = 0;
  do { b[--i] = (char)('0' + v % 10u); v /= 10u; } while (v || sizeof b - 1 - i < width);
  put(l, b + i);
}

static void put_hex8(oled_line *l, uint32_t v) {
  char b[9];
  for (int i = 7; i >= 0; i--, v >>= 4) b[i] = "0123456789ABCDEF"[v & 15u];
  b[8] = 0;
  put(l, b);
}

/* s right-aligned at the end of the line (after at least one space). */
static void put_right(oled_line *l, const char *s) {
  uint32_t n = 0;
  while (s[n]) n++;
  while (l->n + n < OLED_COLS) put(l, " ");
  if (l->n + n > OLED_COLS) put(l, " ");
  put(l, s);
}

static const char *const vm_names[OLED_VM__COUNT] = {
  "----", "RUN", "SLEEP", "EXIT", "FAULT", "LIMIT", "BOOT"
};
static const char *const link_names[OLED_LINK__COUNT] = {
  "link idle", "link ok", "link down"
};

void oled_status_render(oled_fb *fb, const oled_status *s) {
  oled_line l[OLED_ROWS];
  __builtin_memset(l, 0, sizeof l);
  oled_clear(fb);

  put(&l[0], "ID ");
  put_hex8(&l[0], s->device_id);
  put_right(&l[0], s->bank == 0 ? "bank A" : s->bank == 1 ? "bank B" : "bank -");

  char name[OLED_NAME_MAX + 1];
  __builtin_memcpy(name, s->name, OLED_NAME_MAX);
  name[OLED_NAME_MAX] = 0;
  put(&l[1], name[0] ? name : "-");
  for (uint32_t i = 0; i < 3; i++) {
    put(&l[1], i ? "." : " ");
    put_dec(&l[1], s->version[i], 1);
  }

  put(&l[2], (uint32_t)s->vm < OLED_VM__COUNT ? vm_names[s->vm] : "?");
  if (s->trial) put(&l[2], " trial");
  put_right(&l[2], (uint32_t)s->link < OLED_LINK__COUNT ? link_names[s->link] : "link ?");

  uint32_t t = s->uptime_s;
  put(&l[3], "up ");
  put_dec(&l[3], t / 86400u, 1);
  put(&l[3], "d ");
  put_dec(&l[3], t / 3600u % 24u, 2);
  put(&l[3], ":");
  put_dec(&l[3], t / 60u % 60u, 2);
  put(&l[3], ":");
  put_dec(&l[3], t % 60u, 2);

  for (uint32_t r = 0; r < OLED_ROWS; r++) oled_text(fb, 0, r, l[r].c);
}
