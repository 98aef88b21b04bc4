/*
** cop_time.c -- RFC 3339 date-times (UTC, milliseconds) and the mapping of
** a device's uptime to the copilot's wall clock, per boot.
*/
#include "cop.h"

/* Days since 1970-01-01 of a proleptic Gregorian date (y >= 1970). */
static int64_t days_from_civil(int64_t y, uint32_t m, uint32_t d) {
  /* count years from March so the leap day is the year's last */
  if (m <= 2) y--;
  int64_t era = y / 400;
  uint32_t yoe = (uint32_t)(y - era * 400);
  uint32_t mp = m > 2 ? m - 3 : m + 9;
  uint32_t doy = (153u * mp + 2u) / 5u + d - 1u;
  uint32_t doe = yoe * 365u + yoe / 4u - yoe / 100u + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, uint32_t *y, uint32_t *m, uint32_t *d) {
  z += 719468;
  int64_t era = z / 146097;
  uint32_t doe = (uint32_t)(z - era * 146097);
  uint32_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
  uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
  uint32_t mp = (5u * doy + 2u) / 153u;
  *d = doy - (153u * mp + 2u) / 5u + 1u;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = (uint32_t)(yoe + era * 400) + (*m <= 2);
}

static void dig(char *p, uint32_t v, int n) {
  while (n--) { p[n] = (char)('0' + v % 10u); v /= 10u; }
}

#define MAX_MS 253402300799999ull   /* 9999-12-31T23:59:59.999Z */

void cop_time_fmt(uint64_t ms, char out[COP_TIME_LEN + 1]) {
  if (ms > MAX_MS) ms = MAX_MS;
  uint64_t s = ms / 1000u;
  uint32_t y, mo, d, sod = (uint32_t)(s % 86400u);
  civil_from_days((int64_t)(s / 86400u), &y, &mo, &d);
  dig(out, y, 4); out[4] = '-';
  dig(out + 5, mo, 2); out[7] = '-';
  dig(out + 8, d, 2); out[10] = 'T';
  dig(out + 11, sod / 3600u, 2); out[13] = ':';
  dig(out + 14, sod / 60u % 60u, 2); out[16] = ':';
  dig(out + 17, sod % 60u, 2); out[19] = '.';
  dig(out + 20, (uint32_t)(ms % 1000u), 3); out[23] = 'Z';
  out[24] = 0;
}

static bool num(const char *s, size_t n, size_t at, int k, uint32_t *v) {
  if (at + (size_t)k > n) return false;
  uint32_t x = 0;
  for (int i = 0; i < k; i++) {
    char c = s[at + (size_t)i];
    if (c < '0' || c > '9') return false;
    x = x * 10u + (uint32_t)(c - '0');
  }
  *v = x;
  return true;
}

static uint32_t mdays(uint32_t y, uint32_t m) {
  static const uint8_t dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  bool leap = (y % 4u == 0 && y % 100u != 0) || y % 400u == 0;
  return m == 2 && leap ? 29u : dm[m - 1];
}

cop_err cop_time_parse(const char *s, size_t n, uint64_t *unix_ms) {
  uint32_t y, mo, d, h, mi, se, ms = 0;
  if (n < 20 || !num(s, n, 0, 4, &y) || s[4] != '-' || !num(s, n, 5, 2, &mo) || s[7] != '-' ||
      !num(s, n, 8, 2, &d) || (s[10] != 'T' && s[10] != 't') || !num(s, n, 11, 2, &h) ||
      s[13] != ':' || !num(s, n, 14, 2, &mi) || s[16] != ':' || !num(s, n, 17, 2, &se))
    return COP_E_BAD_TIME;
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays(y, mo) || h > 23 || mi > 59 || se > 59)
    return COP_E_BAD_TIME;
  size_t i = 19;
  if (i < n && s[i] == '.') {
    i++;
    size_t st = i;
    uint32_t scale = 100;
    while (i < n && s[i] >= '0' && s[i] <= '9') {
      ms += (uint32_t)(s[i] - '0') * scale;
      scale /= 10u;
      i++;
    }
    if (i == st) return COP_E_BAD_TIME;
  }
  if (i >= n) return COP_E_BAD_TIME;
  int64_t off = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    i++;
  } else if (s[i] == '+' || s[i] == '-') {
    uint32_t oh, om;
    if (!num(s, n, i + 1, 2, &oh) || i + 3 >= n || s[i + 3] != ':' || !num(s, n, i + 4, 2, &om) ||
        oh > 23 || om > 59)
      return COP_E_BAD_TIME;
    off = (int64_t)(oh * 60u + om) * 60000;
    if (s[i] == '-') off = -off;
    i += 6;
  } else {
    return COP_E_BAD_TIME;
  }
  if (i != n) return COP_E_BAD_TIME;
  int64_t t = (days_from_civil(y, mo, d) * 86400 + (int64_t)(h * 3600u + mi * 60u + se)) * 1000 +
              (int64_t)ms - off;
  if (t < 0) return COP_E_BAD_TIME;
  *unix_ms = (uint64_t)t;
  return COP_E_OK;
}

void cop_clock_init(cop_clock *c) {
  for (uint32_t i = 0; i < COP_BOOTS; i++) { c->b[i].boot_id = 0; c->b[i].offset = 0; c->b[i].used = 0; }
  c->tick = 0;
  c->have_last = false;
  c->last_boot = 0;
  c->last_uptime = 0;
  c->last_now = 0;
}

uint64_t cop_clock_map(cop_clock *c, uint32_t boot_id, uint64_t uptime_ms, uint64_t now_ms) {
  uint32_t victim = 0;
  int64_t off;
  c->tick++;
  for (uint32_t i = 0; i < COP_BOOTS; i++) {
    if (c->b[i].used && c->b[i].boot_id == boot_id) {
      c->b[i].used = c->tick;
      off = c->b[i].offset;
      goto found;
    }
    if (c->b[i].used < c->b[victim].used) victim = i;
  }
  off = (int64_t)now_ms - (int64_t)uptime_ms;
  c->b[victim].boot_id = boot_id;
  c->b[victim].offset = off;
  c->b[victim].used = c->tick;
found:
  c->have_last = true;
  c->last_boot = boot_id;
  c->last_uptime = uptime_ms;
  c->last_now = now_ms;
  {
    int64_t t = off + (int64_t)uptime_ms;
    return t < 0 ? 0u : (uint64_t)t;
  }
}

cop_stamp cop_stamp_dev(cop_clock *c, uint32_t boot_id, uint64_t uptime_ms, uint64_t now_ms) {
  cop_stamp s;
  s.time_ms = cop_clock_map(c, boot_id, uptime_ms, now_ms);
  s.boot_id = boot_id;
  s.uptime_ms = uptime_ms;
  s.known = true;
  return s;
}

cop_stamp cop_stamp_now(const cop_clock *c, uint64_t now_ms) {
  cop_stamp s;
  s.time_ms = now_ms;
  s.known = c->have_last;
  s.boot_id = c->have_last ? c->last_boot : 0;
  s.uptime_ms = c->have_last ? c->last_uptime + (now_ms > c->last_now ? now_ms - c->last_now : 0) : 0;
  return s;
}
