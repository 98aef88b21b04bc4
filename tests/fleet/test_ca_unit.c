/*
** test_ca_unit.c -- src/ca's pure parts: names (which become MQTT topic
** levels and user names), dates for --not-after, the error table.
*/
#include <stdio.h>
#include <string.h>

#include "ca.h"

static int failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "%s:%d: FAIL %s: ", __FILE__, __LINE__, #c); \
  fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

int main(void) {
  static const char *good[] = { "a", "dev-0001", "A.b_c-9", "localhost", "10.0.0.1", "..a", "a..", "-x" };
  static const char *bad[] = { "", ".", "..", "a/b", "+", "#", "a+", "a#b", "a b", " a", "a\n", "d\xc3\xa9v",
                               "$SYS", "a:b", "*", "a\\b" };
  for (unsigned i = 0; i < sizeof good / sizeof *good; i++) CHECK(ca_name_ok(good[i]), "'%s'", good[i]);
  for (unsigned i = 0; i < sizeof bad / sizeof *bad; i++) CHECK(!ca_name_ok(bad[i]), "'%s'", bad[i]);
  CHECK(!ca_name_ok(NULL), "NULL");
  char n[70];
  memset(n, 'x', sizeof n);
  n[64] = 0;
  CHECK(ca_name_ok(n), "64 characters");
  n[64] = 'x'; n[65] = 0;
  CHECK(!ca_name_ok(n), "65 characters");

  static const struct { const char *s; long long t; } dates[] = {
    { "1970-01-01", 0 }, { "1970-01-02", 86400 }, { "2000-02-29", 951782400 },
    { "2021-06-01", 1622505600 }, { "2038-01-19T03:14:08Z", 2147483648LL },
    { "2100-03-01T00:00:00Z", 4107542400LL }, { "2031-05-06T07:08:09Z", 1935817689LL },
    { "9999-12-31T23:59:59Z", 253402300799LL },
  };
  for (unsigned i = 0; i < sizeof dates / sizeof *dates; i++) {
    int64_t t = -1;
    CHECK(ca_parse_time(dates[i].s, &t) == CA_ERR_OK && t == dates[i].t, "%s: %lld", dates[i].s, (long long)t);
  }
  static const char *baddates[] = { "", "2020", "2020-1-01", "2020-13-01", "2020-00-10", "2020-01-00",
    "2021-02-29", "2100-02-29", "1900-02-28", "1969-12-31", "2020-04-31", "2020-01-01T24:00:00Z",
    "2020-01-01T00:60:00Z", "2020-01-01T00:00:60Z", "2020-01-01T00:00:00", "2020-01-01 00:00:00Z",
    "2020-01-01T00:00:00+01:00", "+020-01-01", "2020-01-01x", "yesterday" };
  for (unsigned i = 0; i < sizeof baddates / sizeof *baddates; i++) {
    int64_t t;
    CHECK(ca_parse_time(baddates[i], &t) == CA_ERR_VALIDITY, "'%s' accepted", baddates[i]);
  }
  CHECK(ca_parse_time(NULL, NULL) == CA_ERR_ARG, "NULL");

  for (int e = 0; e < CA_ERR__COUNT; e++) {
    CHECK(ca_err_str((ca_err)e)[0] && strcmp(ca_err_name((ca_err)e), "UNKNOWN") != 0, "%d", e);
    for (int f = 0; f < e; f++)
      CHECK(strcmp(ca_err_str((ca_err)e), ca_err_str((ca_err)f)) != 0, "%d and %d share a message", e, f);
  }
  CHECK(strcmp(ca_err_name(CA_ERR__COUNT), "UNKNOWN") == 0, "out of range");

  /* arguments the library refuses before touching any file */
  ca_diag d;
  ca_issued out;
  ca_issue_opts o = { .kind = CA_DEVICE, .name = "a/b" };
  CHECK(ca_issue("/nonexistent", &o, &out, &d) == CA_ERR_NAME, "bad name first");
  o.name = "ok";
  o.days = CA_DAYS_MAX + 1;
  CHECK(ca_issue("/nonexistent", &o, &out, &d) == CA_ERR_VALIDITY, "days");
  o.days = 0;
  CHECK(ca_issue("/nonexistent", &o, &out, &d) == CA_ERR_NO_CA, "no CA");
  o.nalt = 1;
  o.alt[0] = "x";
  CHECK(ca_issue("/nonexistent", &o, &out, &d) == CA_ERR_ARG, "--alt on a device");
  ca_broker_opts b = { .port = 0 };
  ca_broker_files f;
  CHECK(ca_broker_config("/nonexistent", &b, &f, &d) == CA_ERR_ARG, "port 0");
  b.port = 70000;
  CHECK(ca_broker_config("/nonexistent", &b, &f, &d) == CA_ERR_ARG, "port 70000");
  b.port = 1;
  b.backend = "a#";
  CHECK(ca_broker_config("/nonexistent", &b, &f, &d) == CA_ERR_NAME, "backend a#");
  b.backend = NULL;
  CHECK(ca_broker_config("/nonexistent", &b, &f, &d) == CA_ERR_IO, "no folder");
  ca_init_opts io = { CA_ALG_P256, NULL, CA_DAYS_MAX + 1 };
  CHECK(ca_init("/nonexistent/x", &io, &d) == CA_ERR_VALIDITY, "init days");
  CHECK(ca_init("", &io, &d) == CA_ERR_ARG, "init ''");
  printf("%s\n", failures ? "FAILED" : "ok");
  return failures != 0;
}
