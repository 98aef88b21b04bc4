/*
** fleet_mqtt_load.c -- telemetry load for fleetd's MQTT ingest (`make
** bench-fleet`; timing only, never a test).
**
**   fleet_mqtt_load HOST PORT CA CERT KEY CONNS DEVICES MSGS [VALUES]
**
** CONNS connections (libmosquitto, MQTT 5, TLS with CERT/KEY: the
** backend's identity from `cockpit ca issue --server fleetd`, which the
** broker's ACL lets write every device's topics) publish, between them, MSGS
** telemetry messages for each of DEVICES device ids (load-0 .. load-N) at
** QoS 1, as fast as the broker acknowledges them (at most WINDOW unacked a
** connection). Each message is made by the copilot's own encoder
** (cop_enc_telemetry): VALUES values (default 5, what a device's report
** holds: the host's four and one of the guest), the device's boot id, its
** uptime 10 ms further each message, so no two are duplicates (the boot
** id is 0x10000000 + VALUES << 20 + the device's number).
**
** Prints one JSON line: {"sent", "acked", "values", "rows", "seconds",
** "per_s"}; rows = acked * VALUES, what the store must end up with.
*/
#define _POSIX_C_SOURCE 200809L
#include <mosquitto.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cop.h"

#define WINDOW 500

typedef struct conn {
  int idx;
  struct mosquitto *m;
  atomic_long acked;
  atomic_int connected;
  long sent;
  long first_dev, ndev;      /* the device ids this connection publishes for */
  pthread_t th;
} conn;

static const char *g_host, *g_ca, *g_cert, *g_key;
static int g_port;
static long g_msgs;
static unsigned g_values = 5;

static double mono(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static uint64_t wall_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void on_connect(struct mosquitto *m, void *u, int rc, int flags, const mosquitto_property *p) {
  (void)m; (void)flags; (void)p;
  conn *c = u;
  if (rc == 0) atomic_store(&c->connected, 1);
  else fprintf(stderr, "fleet_mqtt_load: connection %d refused: %s\n", c->idx, mosquitto_reason_string(rc));
}

static void on_publish(struct mosquitto *m, void *u, int mid, int rc, const mosquitto_property *p) {
  (void)m; (void)mid; (void)p;
  conn *c = u;
  if (rc == 0) atomic_fetch_add(&c->acked, 1);
  else fprintf(stderr, "fleet_mqtt_load: PUBACK %d: %s\n", mid, mosquitto_reason_string(rc));
}

static const char *const NAMES[] = { "faults", "link_errors", "stack_free", "steps", "temp", "humidity", "lux",
                                     "pressure" };

static void *run(void *arg) {
  conn *c = arg;
  long total = g_msgs * c->ndev;
  char topic[96], payload[2048];
  link_telemetry t;
  memset(&t, 0, sizeof t);
  t.count = g_values;
  for (unsigned k = 0; k < g_values; k++) {
    const char *n = NAMES[k % (sizeof NAMES / sizeof NAMES[0])];
    t.v[k].name_len = (uint8_t)strlen(n);
    memcpy(t.v[k].name, n, t.v[k].name_len);
    t.v[k].flags = k == 4 ? LINK_TV_GUEST : 0;
  }
  for (long i = 0; i < total; i++) {
    while (c->sent - atomic_load(&c->acked) >= WINDOW) {
      struct timespec ts = { 0, 200000 };
      nanosleep(&ts, NULL);
    }
    long dev = c->first_dev + i % c->ndev, n = i / c->ndev;
    snprintf(topic, sizeof topic, "fleet/devices/load-%ld/telemetry", dev);
    cop_stamp s = { wall_ms(), 0x10000000u + (g_values << 20) + (uint32_t)dev, 1000 + (uint64_t)n * 10, true };
    t.uptime_ms = s.uptime_ms;
    for (unsigned k = 0; k < g_values; k++) t.v[k].value = (int64_t)(n * 7 + k);
    size_t len = cop_enc_telemetry(payload, sizeof payload, &s, &t);
    if (!len) {
      fprintf(stderr, "fleet_mqtt_load: message does not fit\n");
      break;
    }
    int rc;
    while ((rc = mosquitto_publish_v5(c->m, NULL, topic, (int)len, payload, 1, false, NULL)) == MOSQ_ERR_NO_CONN) {
      struct timespec ts = { 0, 10000000 };
      nanosleep(&ts, NULL);
    }
    if (rc) {
      fprintf(stderr, "fleet_mqtt_load: publish: %s\n", mosquitto_strerror(rc));
      break;
    }
    c->sent++;
  }
  return NULL;
}

int main(int argc, char **argv) {
  if (argc < 9) {
    fprintf(stderr, "usage: fleet_mqtt_load HOST PORT CA CERT KEY CONNS DEVICES MSGS [VALUES]\n");
    return 2;
  }
  g_host = argv[1];
  g_port = atoi(argv[2]);
  g_ca = argv[3];
  g_cert = argv[4];
  g_key = argv[5];
  int nconn = atoi(argv[6]);
  long ndev = atol(argv[7]);
  g_msgs = atol(argv[8]);
  if (argc > 9) g_values = (unsigned)atoi(argv[9]);
  if (nconn < 1 || nconn > 64 || ndev < nconn || g_msgs < 1 || g_values < 1 || g_values > 8) {
    fprintf(stderr, "fleet_mqtt_load: bad arguments\n");
    return 2;
  }
  mosquitto_lib_init();
  conn *cs = calloc((size_t)nconn, sizeof *cs);
  for (int i = 0; i < nconn; i++) {
    conn *c = &cs[i];
    char id[64];
    snprintf(id, sizeof id, "load-%d-%d", (int)getpid(), i);
    c->idx = i;
    c->first_dev = ndev * i / nconn;
    c->ndev = ndev * (i + 1) / nconn - c->first_dev;
    c->m = mosquitto_new(id, true, c);
    mosquitto_int_option(c->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
    mosquitto_connect_v5_callback_set(c->m, on_connect);
    mosquitto_publish_v5_callback_set(c->m, on_publish);
    mosquitto_max_inflight_messages_set(c->m, WINDOW);
    if (mosquitto_tls_set(c->m, g_ca, NULL, g_cert, g_key, NULL) ||
        mosquitto_connect_bind_v5(c->m, g_host, g_port, 30, NULL, NULL) || mosquitto_loop_start(c->m)) {
      fprintf(stderr, "fleet_mqtt_load: cannot connect to %s:%d\n", g_host, g_port);
      return 1;
    }
  }
  for (int i = 0; i < nconn; i++) {
    double t0 = mono();
    while (!atomic_load(&cs[i].connected)) {
      if (mono() - t0 > 10) {
        fprintf(stderr, "fleet_mqtt_load: connection %d not up\n", i);
        return 1;
      }
      struct timespec ts = { 0, 5000000 };
      nanosleep(&ts, NULL);
    }
  }
  double t0 = mono();
  for (int i = 0; i < nconn; i++) pthread_create(&cs[i].th, NULL, run, &cs[i]);
  long sent = 0;
  for (int i = 0; i < nconn; i++) {
    pthread_join(cs[i].th, NULL);
    sent += cs[i].sent;
  }
  long acked = 0;
  for (double w = mono(); mono() - w < 30;) {
    acked = 0;
    for (int i = 0; i < nconn; i++) acked += atomic_load(&cs[i].acked);
    if (acked >= sent) break;
    struct timespec ts = { 0, 2000000 };
    nanosleep(&ts, NULL);
  }
  double secs = mono() - t0;
  for (int i = 0; i < nconn; i++) {
    mosquitto_disconnect(cs[i].m);
    mosquitto_loop_stop(cs[i].m, false);
    mosquitto_destroy(cs[i].m);
  }
  mosquitto_lib_cleanup();
  printf("{\"sent\": %ld, \"acked\": %ld, \"values\": %u, \"rows\": %ld, \"seconds\": %.3f, \"per_s\": %.0f}\n", sent,
         acked, g_values, acked * (long)g_values, secs, secs > 0 ? (double)acked / secs : 0.0);
  free(cs);
  return acked == sent ? 0 : 1;
}
