/* copl_probe - drive the copilot's MQTT client (copl_mqtt_*) from a shell
 * test (tests/copilot/mqtt.sh). One line on stdout per event:
 *   state STATE proto=N [why=ERR backoff_ms=N: DETAIL]
 *   msg TOPIC qos=N retain=0|1 expiry=N|- PAYLOAD
 *   pub TOPIC PAYLOAD            (publish accepted by the library)
 *   acked MID reason=N           (N: the MQTT 5 PUBACK reason code)
 *   refused publish|subscribe TOPIC reason=0xNN: TEXT   (the broker said no)
 *   stats attempts=.. connects=.. ...   (at exit)
 *
 * copl_probe --url U --ca F --cert F --key F --id ID [options]
 *   --will TOPIC PAYLOAD    retained last will;  --will-delay S
 *   --online TOPIC PAYLOAD  published retained, QoS 1, on every connection
 *   --sub FILTER            subscribe at QoS 1 (repeatable)
 *   --pub TOPIC PAYLOAD     publish once, QoS 1, at the first connection
 *   --expiry S              message expiry of the --pub messages
 *   --every-ms N TOPIC      while connected, publish "seq K" every N ms
 *   --count N               exit after N messages received
 *   --seconds S             exit after S seconds (default 30)
 *   --stable MS             a connection this long resets the backoff
 *   --v311                  MQTT 3.1.1 only
 * Exit status: 0, 1 on a bad argument or setup error, 3 if it never connected.
 * SIGTERM/SIGINT end it cleanly (stats printed). */
#define _GNU_SOURCE
#include "copl.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop_now;
static void on_sig(int s) { (void)s, stop_now = 1; }

static copl_mqtt *M;
static long received, want_count;
static const char *online_topic, *online_payload;
static struct { const char *t, *p; } pubs[16];
static int npubs;
static uint32_t expiry;
static bool pubs_done;

static void on_state(void *u, copl_mqtt_state s, copl_err why, const char *detail)
{
  (void)u;
  copl_mqtt_stats st;
  copl_mqtt_get_stats(M, &st);
  if (why == COPL_OK)
    printf("state %s proto=%d\n", copl_mqtt_state_name(s), st.protocol);
  else
    printf("state %s proto=%d why=%s backoff_ms=%u: %s\n", copl_mqtt_state_name(s), st.protocol,
           copl_strerror(why), s == COPL_MQTT_BACKOFF ? st.last_backoff_ms : 0, detail);
  fflush(stdout);
  if (s != COPL_MQTT_CONNECTED)
    return;
  if (online_topic && copl_mqtt_publish(M, online_topic, online_payload, strlen(online_payload), 1,
                                        true, 0, NULL) == COPL_OK)
    printf("pub %s %s\n", online_topic, online_payload);
  if (!pubs_done) {
    pubs_done = true;
    for (int i = 0; i < npubs; i++) {
      int mid = 0;
      copl_err e = copl_mqtt_publish(M, pubs[i].t, pubs[i].p, strlen(pubs[i].p), 1, false, expiry,
                                     &mid);
      if (e == COPL_OK)
        printf("pub %s %s mid=%d\n", pubs[i].t, pubs[i].p, mid);
      else
        printf("puberr %s: %s\n", copl_strerror(e), copl_mqtt_errmsg(M));
    }
  }
  fflush(stdout);
}

static void on_message(void *u, const copl_msg *m)
{
  (void)u;
  char exp[16] = "-";
  if (m->has_expiry)
    snprintf(exp, sizeof exp, "%u", m->expiry_s);
  printf("msg %s qos=%d retain=%d expiry=%s %.*s\n", m->topic, m->qos, m->retain, exp, (int)m->len,
         (const char *)m->payload);
  fflush(stdout);
  received++;
}

static void on_published(void *u, int mid, int reason)
{
  (void)u;
  printf("acked %d reason=%d\n", mid, reason);
  fflush(stdout);
}

static void on_refused(void *u, bool sub, const char *topic, int reason, const char *text)
{
  (void)u;
  printf("refused %s %s reason=0x%02x: %s\n", sub ? "subscribe" : "publish", topic, reason, text);
  fflush(stdout);
}

static double now_s(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(const char *why)
{
  fprintf(stderr, "copl_probe: %s (see the comment at the top of copl_probe.c)\n", why);
  exit(1);
}

int main(int argc, char **argv)
{
  copl_mqtt_cfg c = {0};
  const char *subs[16];
  int nsubs = 0;
  double seconds = 30;
  long every_ms = 0;
  const char *every_topic = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
#define ARG(k) (i + (k) < argc ? argv[i + (k)] : (usage("missing value"), ""))
    if (!strcmp(a, "--url")) c.url = ARG(1), i++;
    else if (!strcmp(a, "--ca")) c.ca_file = ARG(1), i++;
    else if (!strcmp(a, "--cert")) c.cert_file = ARG(1), i++;
    else if (!strcmp(a, "--key")) c.key_file = ARG(1), i++;
    else if (!strcmp(a, "--id")) c.client_id = ARG(1), i++;
    else if (!strcmp(a, "--will")) {
      c.will_topic = ARG(1), c.will_payload = ARG(2), c.will_len = strlen(ARG(2)), c.will_qos = 1;
      i += 2;
    } else if (!strcmp(a, "--will-delay")) c.will_delay_s = (uint32_t)atol(ARG(1)), i++;
    else if (!strcmp(a, "--online")) online_topic = ARG(1), online_payload = ARG(2), i += 2;
    else if (!strcmp(a, "--sub") && nsubs < 16) subs[nsubs++] = ARG(1), i++;
    else if (!strcmp(a, "--pub") && npubs < 16) pubs[npubs].t = ARG(1), pubs[npubs++].p = ARG(2), i += 2;
    else if (!strcmp(a, "--expiry")) expiry = (uint32_t)atol(ARG(1)), i++;
    else if (!strcmp(a, "--every-ms")) every_ms = atol(ARG(1)), every_topic = ARG(2), i += 2;
    else if (!strcmp(a, "--count")) want_count = atol(ARG(1)), i++;
    else if (!strcmp(a, "--seconds")) seconds = atof(ARG(1)), i++;
    else if (!strcmp(a, "--stable")) c.stable_ms = (uint32_t)atol(ARG(1)), i++;
    else if (!strcmp(a, "--v311")) c.v311_only = true;
    else usage("unknown option");
#undef ARG
  }
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, on_sig);
  signal(SIGINT, on_sig);
  c.on_state = on_state;
  c.on_message = on_message;
  c.on_published = on_published;
  c.on_refused = on_refused;
  copl_err e;
  char why[512];
  M = copl_mqtt_new(&c, &e, why, sizeof why);
  if (!M) {
    fprintf(stderr, "copl_probe: %s: %s\n", copl_strerror(e), why);
    return 1;
  }
  for (int i = 0; i < nsubs; i++)
    if ((e = copl_mqtt_subscribe(M, subs[i], 1)) != COPL_OK) {
      fprintf(stderr, "copl_probe: subscribe '%s': %s: %s\n", subs[i], copl_strerror(e),
              copl_mqtt_errmsg(M));
      return 1;
    }
  copl_mqtt_start(M);
  double t0 = now_s(), next = t0;
  long seq = 0;
  while (!stop_now && now_s() - t0 < seconds && !(want_count && received >= want_count)) {
    if ((e = copl_mqtt_poll(M, 50)) != COPL_OK) {
      fprintf(stderr, "copl_probe: poll: %s: %s\n", copl_strerror(e), copl_mqtt_errmsg(M));
      break;
    }
    if (every_ms && now_s() >= next && copl_mqtt_get_state(M) == COPL_MQTT_CONNECTED) {
      char p[32];
      snprintf(p, sizeof p, "seq %ld", seq);
      if (copl_mqtt_publish(M, every_topic, p, strlen(p), 1, false, 0, NULL) == COPL_OK) {
        printf("pub %s %s\n", every_topic, p);
        fflush(stdout);
        seq++;
      }
      next = now_s() + every_ms / 1000.0;
    }
  }
  /* let acknowledgements of what was sent come in */
  for (int i = 0; i < 10 && copl_mqtt_get_state(M) == COPL_MQTT_CONNECTED; i++)
    copl_mqtt_poll(M, 20);
  copl_mqtt_stats st;
  copl_mqtt_get_stats(M, &st);
  copl_mqtt_stop(M);
  printf("stats attempts=%llu connects=%llu reconnects=%llu losses=%llu refusals=%llu "
         "fallbacks=%llu backoffs=%llu in=%llu out=%llu pub_refused=%llu sub_refused=%llu "
         "protocol=%d\n",
         (unsigned long long)st.attempts, (unsigned long long)st.connects,
         (unsigned long long)st.reconnects, (unsigned long long)st.losses,
         (unsigned long long)st.refusals, (unsigned long long)st.fallbacks,
         (unsigned long long)st.backoffs, (unsigned long long)st.msgs_in,
         (unsigned long long)st.msgs_out, (unsigned long long)st.pub_refused,
         (unsigned long long)st.sub_refused, st.protocol);
  copl_mqtt_free(M);
  return st.connects ? 0 : 3;
}
