/* copl_mqtt.c - the copilot's MQTT client over libmosquitto (see copl.h).
 *
 * One libmosquitto instance, driven by mosquitto_loop from copl_mqtt_poll;
 * libmosquitto's own reconnect (loop_forever only) is not used: this file
 * owns the schedule (the core's cop_backoff_ms), the connect timeout and the MQTT 5
 * -> 3.1.1 fallback, and renews the subscriptions on every connection. */
#define _GNU_SOURCE
#include "copl.h"
#include "cop.h"

#include <errno.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define COPL_MAX_SUBS 16
#define COPL_PUB_RING 32   /* topics of the last QoS 1/2 publishes, for refusals */

struct copl_mqtt {
  copl_mqtt_cfg cfg;  /* strings below are our own copies */
  char *url, *id, *ca, *cert, *key, *will_topic;
  void *will_payload;
  char host[256];
  int port;
  struct mosquitto *mosq;
  copl_mqtt_state state;
  int protocol;          /* MQTT_PROTOCOL_V5 or MQTT_PROTOCOL_V311 */
  bool fallback_now;     /* MQTT 5 refused: retry at once with 3.1.1 */
  bool refused;          /* the last CONNACK refused us */
  int64_t t_next, t_attempt, t_connected;
  struct { char *filter; int qos; int mid; } subs[COPL_MAX_SUBS];
  int nsubs;
  struct { int mid; char topic[256]; } pubs[COPL_PUB_RING];
  unsigned npub;
  copl_mqtt_stats st;
  char err[512];
  char log[256];         /* libmosquitto's last warning or error line */
};

static int64_t now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static uint32_t rnd32(void)
{
  uint32_t r;
  if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r)
    r = (uint32_t)rand() ^ (uint32_t)now_ms();
  return r;
}

static void seterr(copl_mqtt *m, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(m->err, sizeof m->err, fmt, ap);
  va_end(ap);
}

static void emit(copl_mqtt *m, copl_err why)
{
  if (m->cfg.on_state)
    m->cfg.on_state(m->cfg.user, m->state, why, why == COPL_OK ? "" : m->err);
}

/* The TLS alert in an OpenSSL error line by which a server refuses the
 * client's certificate ("...:tlsv1 alert unknown ca" -> "unknown ca"), or
 * NULL. A server sends these when it checks our certificate; under TLS 1.3
 * that is after our side of the handshake is done, so the alert may come
 * while we wait for CONNACK, or be lost to the closed socket (then the
 * message says so without the alert). */
static const char *cert_alert(const char *log)
{
  static const char *const alerts[] = {"unknown ca", "certificate expired", "bad certificate",
                                       "certificate revoked", "certificate unknown",
                                       "unsupported certificate", "certificate required",
                                       "access denied"};
  if (!strstr(log, "alert "))
    return NULL;
  for (size_t i = 0; i < sizeof alerts / sizeof alerts[0]; i++)
    if (strstr(log, alerts[i]))
      return alerts[i];
  return NULL;
}

/* A libmosquitto return code as ours, with the reason in m->err. */
static copl_err from_mosq(copl_mqtt *m, int rc, const char *what)
{
  switch (rc) {
  case MOSQ_ERR_SUCCESS: return COPL_OK;
  case MOSQ_ERR_NOMEM: seterr(m, "%s: out of memory", what); return COPL_ENOMEM;
  case MOSQ_ERR_ERRNO:
    if (errno == EPROTO && cert_alert(m->log)) {
      seterr(m, "%s: %s:%d refused our certificate (TLS alert: %s)", what, m->host, m->port,
             cert_alert(m->log));
      return COPL_ECERT;
    }
    if (errno == EPROTO) {  /* libmosquitto's word for an OpenSSL failure */
      seterr(m, "%s %s:%d: TLS failed%s%s", what, m->host, m->port, m->log[0] ? ": " : "", m->log);
      return strstr(m->log, "certificate verify failed") ? COPL_EPEER : COPL_ETLS;
    }
    seterr(m, "%s %s:%d: %s", what, m->host, m->port, strerror(errno));
    return COPL_ECONNECT;
  case MOSQ_ERR_CONN_LOST:
    if (m->state == COPL_MQTT_CONNECTING && cert_alert(m->log)) {
      seterr(m, "%s: %s:%d refused our certificate (TLS alert: %s)", what, m->host, m->port,
             cert_alert(m->log));
      return COPL_ECERT;
    }
    if (m->state == COPL_MQTT_CONNECTING)
      seterr(m, "%s: %s:%d closed the connection before CONNACK (did it refuse our certificate?)",
             what, m->host, m->port);
    else
      seterr(m, "%s: connection lost", what);
    return COPL_ECONNECT;
  case MOSQ_ERR_NO_CONN: seterr(m, "%s: not connected", what); return COPL_ENOCONN;
  case MOSQ_ERR_EAI:
    seterr(m, "%s: cannot resolve '%s'", what, m->host);
    return COPL_ECONNECT;
  case MOSQ_ERR_TLS:
  case MOSQ_ERR_TLS_HANDSHAKE:
    if (cert_alert(m->log)) {
      seterr(m, "%s: %s:%d refused our certificate (TLS alert: %s)", what, m->host, m->port,
             cert_alert(m->log));
      return COPL_ECERT;
    }
    seterr(m, "%s: TLS failed%s%s", what, m->log[0] ? ": " : "", m->log);
    return strstr(m->log, "certificate verify failed") ? COPL_EPEER : COPL_ETLS;
  case MOSQ_ERR_PROTOCOL:
  case MOSQ_ERR_MALFORMED_PACKET:
  case MOSQ_ERR_DUPLICATE_PROPERTY:
    seterr(m, "%s: protocol error: %s", what, mosquitto_strerror(rc));
    return COPL_EPROTO;
  case MOSQ_ERR_CONN_REFUSED:
    if (!m->refused)
      seterr(m, "%s: connection refused by the broker", what);
    return COPL_EREFUSED;
  default:
    seterr(m, "%s: %s%s%s", what, mosquitto_strerror(rc), m->log[0] ? "; " : "", m->log);
    return COPL_EMQTT;
  }
}

static void schedule(copl_mqtt *m, copl_err why, bool at_once)
{
  if (at_once) {
    m->t_next = now_ms();
  } else {
    uint32_t d = cop_backoff_ms(m->st.backoff_step, rnd32());
    if (m->cfg.backoff_max_ms && d > m->cfg.backoff_max_ms)
      d = m->cfg.backoff_max_ms;
    m->st.backoff_step++;
    m->st.backoffs++;
    m->st.last_backoff_ms = d;
    m->t_next = now_ms() + d;
  }
  m->state = COPL_MQTT_BACKOFF;
  emit(m, why);
}

/* The connection is gone (lost, refused, timed out): plan the next try. */
static void gone(copl_mqtt *m, copl_err why)
{
  if (m->state != COPL_MQTT_CONNECTING && m->state != COPL_MQTT_CONNECTED)
    return;
  if (m->state == COPL_MQTT_CONNECTED) {
    m->st.losses++;
    if (now_ms() - m->t_connected >= (int64_t)m->cfg.stable_ms)
      m->st.backoff_step = 0;
  }
  bool at_once = m->fallback_now;
  m->fallback_now = false;
  schedule(m, why, at_once);
}

static int apply_will(copl_mqtt *m)
{
  if (!m->will_topic)
    return MOSQ_ERR_SUCCESS;
  int len = (int)m->cfg.will_len;
  if (m->protocol != MQTT_PROTOCOL_V5 || m->cfg.will_delay_s == 0)
    return mosquitto_will_set(m->mosq, m->will_topic, len, m->will_payload, m->cfg.will_qos, true);
  mosquitto_property *props = NULL;
  int rc = mosquitto_property_add_int32(&props, MQTT_PROP_WILL_DELAY_INTERVAL, m->cfg.will_delay_s);
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_will_set_v5(m->mosq, m->will_topic, len, m->will_payload, m->cfg.will_qos, true,
                               props);
  if (rc != MOSQ_ERR_SUCCESS)
    mosquitto_property_free_all(&props);  /* owned by the library on success only */
  return rc;
}

static int send_sub(copl_mqtt *m, int i)
{
  m->subs[i].mid = -1;
  return m->protocol == MQTT_PROTOCOL_V5
             ? mosquitto_subscribe_v5(m->mosq, &m->subs[i].mid, m->subs[i].filter, m->subs[i].qos, 0,
                                      NULL)
             : mosquitto_subscribe(m->mosq, &m->subs[i].mid, m->subs[i].filter, m->subs[i].qos);
}

static void on_connect(struct mosquitto *mosq, void *obj, int rc, int flags,
                       const mosquitto_property *props)
{
  (void)mosq, (void)flags, (void)props;
  copl_mqtt *m = obj;
  if (rc == 0) {
    m->refused = false;
    m->state = COPL_MQTT_CONNECTED;
    m->t_connected = now_ms();
    m->st.connects++;
    if (m->st.connects > 1)
      m->st.reconnects++;
    m->st.protocol = m->protocol == MQTT_PROTOCOL_V5 ? 5 : 4;
    for (int i = 0; i < m->nsubs; i++) {
      int r = send_sub(m, i);
      if (r != MOSQ_ERR_SUCCESS)
        from_mosq(m, r, "subscribe");
    }
    emit(m, COPL_OK);
    return;
  }
  m->refused = true;
  m->st.refusals++;
  if (m->protocol == MQTT_PROTOCOL_V5 &&
      (rc == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION || rc == CONNACK_REFUSED_PROTOCOL_VERSION)) {
    /* The broker does not speak MQTT 5: 3.1.1 from now on (no will delay,
     * no message expiry), and the next attempt at once. */
    m->protocol = MQTT_PROTOCOL_V311;
    m->st.protocol = 4;
    m->st.fallbacks++;
    mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
    apply_will(m);
    m->fallback_now = true;
    seterr(m, "the broker refused MQTT 5 (%s); falling back to 3.1.1", mosquitto_reason_string(rc));
  } else if (m->protocol == MQTT_PROTOCOL_V5) {
    seterr(m, "the broker refused the connection: %s", mosquitto_reason_string(rc));
  } else {
    seterr(m, "the broker refused the connection: %s", mosquitto_connack_string(rc));
  }
}

static void on_disconnect(struct mosquitto *mosq, void *obj, int rc, const mosquitto_property *props)
{
  (void)mosq, (void)props;
  copl_mqtt *m = obj;
  if (m->state != COPL_MQTT_CONNECTING && m->state != COPL_MQTT_CONNECTED)
    return;  /* our own copl_mqtt_stop, or a connection already given up */
  copl_err e;
  if (m->refused)
    e = COPL_EREFUSED;
  else if (m->state == COPL_MQTT_CONNECTED)
    e = from_mosq(m, rc == 0 ? MOSQ_ERR_CONN_LOST : rc, "broker connection");
  else
    e = from_mosq(m, rc == 0 ? MOSQ_ERR_CONN_LOST : rc, "connect");
  gone(m, e);
}

static void on_message(struct mosquitto *mosq, void *obj, const struct mosquitto_message *msg,
                       const mosquitto_property *props)
{
  (void)mosq;
  copl_mqtt *m = obj;
  m->st.msgs_in++;
  if (!m->cfg.on_message)
    return;
  copl_msg cm = {.topic = msg->topic,
                 .payload = msg->payload,
                 .len = msg->payloadlen > 0 ? (size_t)msg->payloadlen : 0,
                 .qos = msg->qos,
                 .retain = msg->retain};
  uint32_t v;
  if (mosquitto_property_read_int32(props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, &v, false)) {
    cm.has_expiry = true;
    cm.expiry_s = v;
  }
  m->cfg.on_message(m->cfg.user, &cm);
}

static void on_publish(struct mosquitto *mosq, void *obj, int mid, int reason,
                       const mosquitto_property *props)
{
  (void)mosq, (void)props;
  copl_mqtt *m = obj;
  if (reason >= 0x80) {
    const char *topic = "?";
    for (unsigned k = 0; k < COPL_PUB_RING && k < m->npub; k++) {  /* newest first */
      unsigned i = (m->npub - 1 - k) % COPL_PUB_RING;
      if (m->pubs[i].mid == mid) {
        topic = m->pubs[i].topic;
        break;
      }
    }
    m->st.pub_refused++;
    if (m->cfg.on_refused)
      m->cfg.on_refused(m->cfg.user, false, topic, reason, mosquitto_reason_string(reason));
  }
  if (m->cfg.on_published)
    m->cfg.on_published(m->cfg.user, mid, reason);
}

/* SUBACK: a reason code (or granted QoS) per filter; ours go one by one. */
static void on_subscribe(struct mosquitto *mosq, void *obj, int mid, int count, const int *granted,
                         const mosquitto_property *props)
{
  (void)mosq, (void)props;
  copl_mqtt *m = obj;
  for (int i = 0; i < m->nsubs; i++) {
    if (m->subs[i].mid != mid)
      continue;
    m->subs[i].mid = -1;
    int rc = count > 0 ? granted[0] : 0x80;
    if (rc >= 0x80) {
      m->st.sub_refused++;
      if (m->cfg.on_refused)
        m->cfg.on_refused(m->cfg.user, true, m->subs[i].filter, rc,
                          m->protocol == MQTT_PROTOCOL_V5 ? mosquitto_reason_string(rc)
                                                          : "Failure (3.1.1 SUBACK 0x80)");
    }
  }
}

static void on_log(struct mosquitto *mosq, void *obj, int level, const char *str)
{
  (void)mosq;
  copl_mqtt *m = obj;
  if (level & (MOSQ_LOG_ERR | MOSQ_LOG_WARNING))
    snprintf(m->log, sizeof m->log, "%s", str);
}

static char *dup_or_null(const char *s, bool *oom)
{
  if (!s)
    return NULL;
  char *d = strdup(s);
  if (!d)
    *oom = true;
  return d;
}

copl_mqtt *copl_mqtt_new(const copl_mqtt_cfg *cfg, copl_err *err, char *why, size_t whycap)
{
  static bool lib_ready;
  char host[256];
  int port;
  if (!cfg || !cfg->url) {
    copl_fail(err, why, whycap, COPL_EARG, "no broker URL");
    return NULL;
  }
  copl_err e = copl_parse_mqtts(cfg->url, host, sizeof host, &port, why, whycap);
  if (e) {
    if (err)
      *err = e;
    return NULL;
  }
  if (!cfg->client_id || !cfg->client_id[0] ||
      mosquitto_validate_utf8(cfg->client_id, (int)strlen(cfg->client_id)) != MOSQ_ERR_SUCCESS) {
    copl_fail(err, why, whycap, COPL_EARG, "a client id (valid UTF-8, not empty) is required");
    return NULL;
  }
  const char *files[3][2] = {{"CA file", cfg->ca_file}, {"certificate", cfg->cert_file},
                             {"key", cfg->key_file}};
  for (int i = 0; i < 3; i++) {
    if (!files[i][1] || !files[i][1][0]) {
      copl_fail(err, why, whycap, COPL_EARG, "the %s is required (mutual TLS)", files[i][0]);
      return NULL;
    }
    if (access(files[i][1], R_OK) != 0) {
      copl_fail(err, why, whycap, COPL_EFILE, "%s '%s': %s", files[i][0], files[i][1], strerror(errno));
      return NULL;
    }
  }
  if (cfg->will_topic && mosquitto_pub_topic_check(cfg->will_topic) != MOSQ_ERR_SUCCESS) {
    copl_fail(err, why, whycap, COPL_EARG, "will topic '%s' is not a valid topic to publish to",
            cfg->will_topic);
    return NULL;
  }
  if (cfg->will_qos < 0 || cfg->will_qos > 2 || cfg->will_len > 65535 ||
      (cfg->will_len && !cfg->will_payload)) {
    copl_fail(err, why, whycap, COPL_EARG, "will: qos 0..2 and a payload of at most 64 KiB");
    return NULL;
  }
  if (!lib_ready) {
    mosquitto_lib_init();
    lib_ready = true;
  }
  copl_mqtt *m = calloc(1, sizeof *m);
  if (!m) {
    copl_fail(err, why, whycap, COPL_ENOMEM, "out of memory");
    return NULL;
  }
  m->cfg = *cfg;
  if (!m->cfg.keepalive_s)
    m->cfg.keepalive_s = 30;
  if (!m->cfg.connect_timeout_ms)
    m->cfg.connect_timeout_ms = 10000;
  if (!m->cfg.stable_ms)
    m->cfg.stable_ms = 30000;
  if (!m->cfg.session_expiry_s && (m->cfg.keep_session || m->cfg.will_delay_s))
    m->cfg.session_expiry_s = m->cfg.will_delay_s > 60 ? m->cfg.will_delay_s : 60;
  bool oom = false;
  m->url = dup_or_null(cfg->url, &oom);
  m->id = dup_or_null(cfg->client_id, &oom);
  m->ca = dup_or_null(cfg->ca_file, &oom);
  m->cert = dup_or_null(cfg->cert_file, &oom);
  m->key = dup_or_null(cfg->key_file, &oom);
  m->will_topic = dup_or_null(cfg->will_topic, &oom);
  if (cfg->will_len) {
    m->will_payload = malloc(cfg->will_len);
    if (m->will_payload)
      memcpy(m->will_payload, cfg->will_payload, cfg->will_len);
    else
      oom = true;
  }
  m->cfg.url = m->url, m->cfg.client_id = m->id, m->cfg.ca_file = m->ca;
  m->cfg.cert_file = m->cert, m->cfg.key_file = m->key, m->cfg.will_topic = m->will_topic;
  m->cfg.will_payload = m->will_payload;
  memcpy(m->host, host, sizeof host);
  m->port = port;
  m->protocol = cfg->v311_only ? MQTT_PROTOCOL_V311 : MQTT_PROTOCOL_V5;
  m->st.protocol = cfg->v311_only ? 4 : 5;
  if (!oom)
    m->mosq = mosquitto_new(m->id, !cfg->keep_session, m);
  if (oom || !m->mosq) {
    copl_mqtt_free(m);
    copl_fail(err, why, whycap, COPL_ENOMEM, "out of memory (or libmosquitto refused the client)");
    return NULL;
  }
  int rc = mosquitto_int_option(m->mosq, MOSQ_OPT_PROTOCOL_VERSION, m->protocol);
  const char *step = "protocol version";
  if (rc == MOSQ_ERR_SUCCESS) {
    step = "TLS files (CA, certificate, key)";
    rc = mosquitto_tls_set(m->mosq, m->ca, NULL, m->cert, m->key, NULL);
  }
  if (rc == MOSQ_ERR_SUCCESS) {
    step = "TLS options (TLS 1.2 minimum, peer verification)";
    rc = mosquitto_tls_opts_set(m->mosq, 1 /* SSL_VERIFY_PEER */, "tlsv1.2", NULL);
  }
  if (rc == MOSQ_ERR_SUCCESS) {
    step = "hostname verification";
    rc = mosquitto_tls_insecure_set(m->mosq, false);
  }
  if (rc == MOSQ_ERR_SUCCESS) {
    step = "last will";
    rc = apply_will(m);
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    copl_fail(err, why, whycap, rc == MOSQ_ERR_NOMEM ? COPL_ENOMEM : COPL_EARG, "%s: %s", step,
            mosquitto_strerror(rc));
    copl_mqtt_free(m);
    return NULL;
  }
  mosquitto_connect_v5_callback_set(m->mosq, on_connect);
  mosquitto_disconnect_v5_callback_set(m->mosq, on_disconnect);
  mosquitto_message_v5_callback_set(m->mosq, on_message);
  mosquitto_publish_v5_callback_set(m->mosq, on_publish);
  mosquitto_subscribe_v5_callback_set(m->mosq, on_subscribe);
  mosquitto_log_callback_set(m->mosq, on_log);
  m->state = COPL_MQTT_IDLE;
  if (err)
    *err = COPL_OK;
  return m;
}

void copl_mqtt_free(copl_mqtt *m)
{
  if (!m)
    return;
  if (m->mosq)
    mosquitto_destroy(m->mosq);
  for (int i = 0; i < m->nsubs; i++)
    free(m->subs[i].filter);
  free(m->url), free(m->id), free(m->ca), free(m->cert), free(m->key);
  free(m->will_topic), free(m->will_payload);
  free(m);
}

copl_err copl_mqtt_start(copl_mqtt *m)
{
  if (!m)
    return COPL_EARG;
  if (m->state == COPL_MQTT_IDLE) {
    m->state = COPL_MQTT_BACKOFF;  /* due now */
    m->t_next = now_ms();
  }
  return COPL_OK;
}

static void attempt(copl_mqtt *m)
{
  m->st.attempts++;
  m->refused = false;
  m->log[0] = 0;
  m->t_attempt = now_ms();
  m->state = COPL_MQTT_CONNECTING;
  emit(m, COPL_OK);
  int rc;
  if (m->protocol == MQTT_PROTOCOL_V5) {
    mosquitto_property *props = NULL;
    rc = mosquitto_property_add_int32(&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
                                      m->cfg.session_expiry_s);
    if (rc == MOSQ_ERR_SUCCESS)
      rc = mosquitto_connect_bind_v5(m->mosq, m->host, m->port, m->cfg.keepalive_s, NULL, props);
    mosquitto_property_free_all(&props);
  } else {
    rc = mosquitto_connect(m->mosq, m->host, m->port, m->cfg.keepalive_s);
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    copl_err e = from_mosq(m, rc, "connect");
    gone(m, e);
  }
}

static void nap(int ms)
{
  if (ms > 0)
    poll(NULL, 0, ms);
}

copl_err copl_mqtt_poll(copl_mqtt *m, int timeout_ms)
{
  if (!m)
    return COPL_EARG;
  if (timeout_ms < 0)
    timeout_ms = 0;
  int64_t t0 = now_ms();
  if (m->state == COPL_MQTT_IDLE) {
    nap(timeout_ms);
    return COPL_OK;
  }
  if (m->state == COPL_MQTT_BACKOFF) {
    int64_t wait = m->t_next - t0;
    if (wait > 0) {
      nap(wait < timeout_ms ? (int)wait : timeout_ms);
      return COPL_OK;
    }
    attempt(m);
    if (m->state != COPL_MQTT_CONNECTING)
      return COPL_OK;
    int64_t spent = now_ms() - t0;
    timeout_ms = spent >= timeout_ms ? 0 : timeout_ms - (int)spent;
  }
  int rc = mosquitto_loop(m->mosq, timeout_ms, 1);
  if (rc != MOSQ_ERR_SUCCESS) {
    copl_err e = m->refused ? COPL_EREFUSED : from_mosq(m, rc, "connection");
    gone(m, e);
    return COPL_OK;
  }
  int64_t t = now_ms();
  if (m->state == COPL_MQTT_CONNECTING && t - m->t_attempt >= (int64_t)m->cfg.connect_timeout_ms) {
    seterr(m, "no CONNACK from %s:%d within %u ms", m->host, m->port, m->cfg.connect_timeout_ms);
    gone(m, COPL_ETIMEOUT);
    mosquitto_disconnect(m->mosq);  /* the socket is closed before the next attempt */
  }
  if (m->state == COPL_MQTT_CONNECTED && m->st.backoff_step &&
      t - m->t_connected >= (int64_t)m->cfg.stable_ms)
    m->st.backoff_step = 0;
  return COPL_OK;
}

copl_err copl_mqtt_publish(copl_mqtt *m, const char *topic, const void *payload, size_t len,
                           int qos, bool retain, uint32_t expiry_s, int *mid)
{
  if (!m || !topic || (len && !payload) || qos < 0 || qos > 2 || len > 268435455u)
    return COPL_EARG;
  if (mosquitto_pub_topic_check(topic) != MOSQ_ERR_SUCCESS) {
    seterr(m, "'%s' is not a valid topic to publish to", topic);
    return COPL_EARG;
  }
  if (m->state != COPL_MQTT_CONNECTED) {
    seterr(m, "publish '%s': not connected", topic);
    return COPL_ENOCONN;
  }
  mosquitto_property *props = NULL;
  int rc = MOSQ_ERR_SUCCESS;
  if (expiry_s && m->protocol == MQTT_PROTOCOL_V5)
    rc = mosquitto_property_add_int32(&props, MQTT_PROP_MESSAGE_EXPIRY_INTERVAL, expiry_s);
  int id = 0;
  if (rc == MOSQ_ERR_SUCCESS)
    rc = mosquitto_publish_v5(m->mosq, &id, topic, (int)len, payload, qos, retain, props);
  mosquitto_property_free_all(&props);
  if (rc != MOSQ_ERR_SUCCESS)
    return from_mosq(m, rc, "publish");
  if (mid)
    *mid = id;
  if (qos > 0) {
    unsigned k = m->npub++ % COPL_PUB_RING;
    m->pubs[k].mid = id;
    snprintf(m->pubs[k].topic, sizeof m->pubs[k].topic, "%s", topic);
  }
  m->st.msgs_out++;
  return COPL_OK;
}

copl_err copl_mqtt_subscribe(copl_mqtt *m, const char *filter, int qos)
{
  if (!m || !filter || qos < 0 || qos > 2)
    return COPL_EARG;
  if (mosquitto_sub_topic_check(filter) != MOSQ_ERR_SUCCESS) {
    seterr(m, "'%s' is not a valid subscription filter", filter);
    return COPL_EARG;
  }
  if (m->nsubs == COPL_MAX_SUBS) {
    seterr(m, "at most %d subscriptions", COPL_MAX_SUBS);
    return COPL_EARG;
  }
  char *f = strdup(filter);
  if (!f)
    return COPL_ENOMEM;
  m->subs[m->nsubs].filter = f;
  m->subs[m->nsubs].qos = qos;
  m->nsubs++;
  m->subs[m->nsubs - 1].mid = -1;
  if (m->state == COPL_MQTT_CONNECTED) {
    int rc = send_sub(m, m->nsubs - 1);
    if (rc != MOSQ_ERR_SUCCESS)
      return from_mosq(m, rc, "subscribe");
  }
  return COPL_OK;
}

copl_err copl_mqtt_stop(copl_mqtt *m)
{
  if (!m)
    return COPL_EARG;
  bool was = m->state == COPL_MQTT_CONNECTED || m->state == COPL_MQTT_CONNECTING;
  m->state = COPL_MQTT_IDLE;
  if (was) {
    mosquitto_disconnect(m->mosq);
    /* let the DISCONNECT go out */
    for (int i = 0; i < 10 && mosquitto_loop(m->mosq, 50, 1) == MOSQ_ERR_SUCCESS; i++)
      ;
  }
  emit(m, COPL_OK);
  return COPL_OK;
}

copl_mqtt_state copl_mqtt_get_state(const copl_mqtt *m) { return m ? m->state : COPL_MQTT_IDLE; }

void copl_mqtt_get_stats(const copl_mqtt *m, copl_mqtt_stats *st)
{
  if (m && st)
    *st = m->st;
}

const char *copl_mqtt_errmsg(const copl_mqtt *m) { return m ? m->err : "no client"; }

const char *copl_mqtt_state_name(copl_mqtt_state s)
{
  switch (s) {
  case COPL_MQTT_IDLE: return "idle";
  case COPL_MQTT_CONNECTING: return "connecting";
  case COPL_MQTT_CONNECTED: return "connected";
  case COPL_MQTT_BACKOFF: return "backoff";
  }
  return "?";
}
