/*
** fuzz_fleet_ingest.c -- fleetd's MQTT ingest: fin_parse on any payload,
** and the batching writer on an in-memory SQLite store. Input: byte 0 picks
** the topic (every kind's, a backend->device one, a bad device id), the
** rest is the payload.
** Checked: every refusal is a known fin_err that agrees with fin_why and
** points inside the payload; an accepted message keeps its promises (a
** safe device id, bounded NUL-ended strings, at most FIN_TV_MAX values, a
** known job state, a 16-hex dedup, the same result when parsed again); and
** the store takes everything the parser accepts (the batch commits).
*/
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cop.h"
#include "fleet_ingest.h"

#define ASSERT(c) do { if (!(c)) abort(); } while (0)

static const char *const topics[] = {
  "fleet/devices/dev-1/status",       "fleet/devices/dev-1/heartbeat", "fleet/devices/dev-1/telemetry",
  "fleet/devices/dev-1/logs",         "fleet/devices/dev-1/events",    "fleet/devices/dev-1/blackbox",
  "fleet/devices/dev-1/jobs/j-1/update", "fleet/devices/dev-1/cmd/response", "fleet/devices/dev-1/cmd",
  "fleet/devices/dev+1/logs",
};
#define NTOPICS (sizeof topics / sizeof topics[0])

static fst_store *store;
static fin_writer *writer;
static unsigned long runs;

static bool bounded(const char *s, size_t cap) { return memchr(s, 0, cap) != NULL; }

static void on_job(void *user, const fin_job_update *u) {
  (void)user;
  ASSERT(cop_id_ok(u->job, strlen(u->job)) && cop_id_ok(u->device, strlen(u->device)));
  ASSERT((unsigned)u->state < FST_JOB__COUNT && u->seq >= 1);
  ASSERT(u->percent >= -1 && u->percent <= 100);
  ASSERT(strlen(u->sha256) == 64 && bounded(u->phase, sizeof u->phase));
}

static void setup(void) {
  char err[256];
  if (fst_open(NULL, "sqlite::memory:", &store, err, sizeof err)) abort();
  fin_writer_cfg cfg = { .store = store, .batch_max = 1, .on_job_update = on_job };
  writer = fin_writer_new(&cfg);
  if (!writer) abort();
}

static void check_msg(const fin_msg *m) {
  ASSERT((unsigned)m->kind < FIN_K__COUNT);
  ASSERT(cop_id_ok(m->device, strlen(m->device)));
  ASSERT(strlen(m->dedup) == 16);
  ASSERT(m->st.known ? strlen(m->st.boot_id) == 8 && m->st.uptime_ms >= 0 : !m->st.boot_id[0] && m->st.uptime_ms == -1);
  switch (m->kind) {
  case FIN_K_TELEMETRY:
    ASSERT(m->u.telemetry.count <= FIN_TV_MAX);
    for (uint32_t i = 0; i < m->u.telemetry.count; i++)
      ASSERT(m->u.telemetry.v[i].name[0] && bounded(m->u.telemetry.v[i].name, FIN_NAME_MAX));
    break;
  case FIN_K_LOG: ASSERT(bounded(m->u.log.text, FIN_TEXT_MAX) && m->u.log.line >= 0); break;
  case FIN_K_STATUS: ASSERT(!m->u.status.has_device || strlen(m->u.status.digest) == 64); break;
  case FIN_K_BLACKBOX: ASSERT(strlen(m->u.blackbox.rec_boot_id) == 8 && m->u.blackbox.seq >= 0); break;
  case FIN_K_EVENT: ASSERT(m->u.event.kind[0]); break;
  default: break;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!writer) setup();
  if (size < 1) return 0;
  const char *topic = topics[data[0] % NTOPICS];
  const char *p = (const char *)data + 1;
  size_t n = size - 1;
  char tbuf[512];
  if (data[0] == 0xff) {
    const char *nl = memchr(p, '\n', n);
    size_t tl = nl ? (size_t)(nl - p) : n;
    if (tl >= sizeof tbuf || memchr(p, 0, tl)) return 0;
    memcpy(tbuf, p, tl);
    tbuf[tl] = 0;
    topic = tbuf;
    p += nl ? tl + 1 : tl;
    n -= nl ? tl + 1 : tl;
  }
  fin_msg m, again;
  fin_why w;
  fin_err e = fin_parse(topic, p, n, &m, &w);
  ASSERT((unsigned)e < FIN_ERR__COUNT && w.err == e);
  if (e) {
    ASSERT(w.pos <= n);
    ASSERT(e != FIN_ERR_JSON || (w.json_reason && w.json_reason[0]));
    ASSERT(strcmp(fin_err_name(e), "?"));
    return 0;
  }
  check_msg(&m);
  ASSERT(fin_parse(topic, p, n, &again, NULL) == FIN_ERR_OK && !memcmp(&m, &again, sizeof m));
  ASSERT(fin_writer_add(writer, &m, p, n) == FIN_ERR_OK);
  ASSERT(fin_writer_flush(writer, true) == FST_ERR_OK);
  if (++runs % 20000 == 0) {   /* a fresh store now and then: memory stays flat */
    fin_writer_free(writer);
    fst_close(store);
    writer = NULL;
  }
  return 0;
}
