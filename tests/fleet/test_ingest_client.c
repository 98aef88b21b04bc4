/*
** test_ingest_client.c -- fin_client against a real broker (driven by
** ingest_client.sh):
**   test_ingest_client DIR DEAD_URL URL CA CERT KEY
** First a client on DEAD_URL (nothing listens): it stays unconnected and
** fin_publish says FIN_CLIENT_NOCONN, queueing nothing. Then a client on
** URL: once connected it publishes a command (QoS 1, MQTT 5 message expiry
** 60 s) and a retained job notify for dev1, prints "published", and stops.
*/
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <time.h>

#include "fleet_ingest.h"
#include "tcheck.h"

static void nap(int ms) {
  struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
  nanosleep(&ts, NULL);
}

static int states;
static void on_state(void *user, const char *state, const char *detail) {
  (void)user;
  (void)detail;
  if (!strcmp(state, "backoff") || !strcmp(state, "connected")) states++;
}

int main(int argc, char **argv) {
  REQUIRE(argc == 7, "usage: test_ingest_client DIR DEAD_URL URL CA CERT KEY");
  fst_store *s;
  char err[256];
  REQUIRE(fst_open(argv[1], NULL, &s, err, sizeof err) == FST_ERR_OK, "%s", err);
  fin_client_cfg cfg = { .url = argv[2], .ca_file = argv[4], .cert_file = argv[5], .key_file = argv[6],
                         .client_id = "fleetd-test", .writer = { .store = s }, .on_state = on_state };
  fin_client_err e;
  char why[512];

  /* a bad configuration is refused before any thread starts */
  fin_client_cfg bad = cfg;
  bad.url = "mqtt://localhost:1883";
  CHECK(!fin_client_start(&bad, &e, why, sizeof why) && e == FIN_CLIENT_ARG && strstr(why, "mqtts"), "%s", why);
  bad = cfg;
  bad.client_id = NULL;
  CHECK(!fin_client_start(&bad, &e, why, sizeof why) && e == FIN_CLIENT_ARG);
  bad = cfg;
  bad.writer.store = NULL;
  CHECK(!fin_client_start(&bad, &e, why, sizeof why) && e == FIN_CLIENT_ARG);

  /* nothing listens: not connected, publish refused, the client backs off */
  fin_client *c = fin_client_start(&cfg, &e, why, sizeof why);
  REQUIRE(c && e == FIN_CLIENT_OK, "%s", why);
  for (int i = 0; i < 200 && states == 0; i++) nap(25);
  CHECK(states > 0 && !fin_client_connected(c), "states %d", states);
  CHECK(fin_publish(c, "fleet/devices/dev1/cmd", "x", 1, false, 0) == FIN_CLIENT_NOCONN);
  fin_client_stop(c);

  cfg.url = argv[3];
  c = fin_client_start(&cfg, &e, why, sizeof why);
  REQUIRE(c, "%s", why);
  for (int i = 0; i < 400 && !fin_client_connected(c); i++) nap(25);
  REQUIRE(fin_client_connected(c), "not connected: %s", fin_client_errmsg(c));
  const char *cmd = "{\"v\":1,\"id\":\"c-1\",\"op\":\"reboot\",\"expires\":\"2099-01-01T00:00:00Z\"}";
  const char *job = "{\"v\":1,\"id\":\"j-1\",\"cancel\":true}";
  CHECK(fin_publish(c, "fleet/devices/dev1/cmd", cmd, strlen(cmd), false, 60) == FIN_CLIENT_OK);
  CHECK(fin_publish(c, "fleet/devices/dev1/jobs/notify", job, strlen(job), true, 0) == FIN_CLIENT_OK);
  CHECK(fin_publish(c, "fleet/devices/+/cmd", "x", 1, false, 0) == FIN_CLIENT_ARG);   /* a wildcard */
  fin_stats st;
  for (int i = 0; i < 400; i++) {   /* until the broker acknowledged both */
    fin_client_stats(c, &st);
    if (st.acked >= 2) break;
    nap(25);
  }
  CHECK(st.published == 2 && st.acked == 2, "%llu %llu", (unsigned long long)st.published,
        (unsigned long long)st.acked);
  fin_client_stop(c);
  fst_close(s);
  printf("published\n");
  return t_done("fleet.ingest.client");
}
