/* copl_run.c - `cockpit copilot`: the bridge between one device's UART link
 * and the fleet's MQTT broker (docs/fleet-protocol.md), on Linux.
 *
 * One thread, one loop: the MQTT client (copl_mqtt_poll), the link's
 * notifications (link_poll, with the lease renewed every 3 s), the
 * download (copl_dl_poll), the job machine's pending actions and its
 * clock. The portable core decides (message formats, the job machine,
 * the queue); this file carries out what it says:
 *   - every sideband notification is published with its encoder on its
 *     topic, stamped with cop_stamp_dev; queued topics go through the
 *     on-disk cop_queue (one record in flight, popped after its PUBACK), so
 *     what was kept while the broker was away goes out in order;
 *   - jobs/notify and cmd are decoded by the core, refused with a refusal
 *     event, commands checked against the persisted replay table;
 *   - the job record is persisted (temp + fsync + rename) after every
 *     COP_JA_PERSIST and resumed at start with cop_job_resume. */
#define _GNU_SOURCE
#include "copl.h"
#include "copl_state.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "board_serial.h"
#include "cop.h"
#include "cvm1.h"
#include "link.h"

#define RENEW_MS 3000u
#define TICK_MS 1000u
#define RETRY_MS 2000u
#define DL_TRIES 8u
#define MIN_CHUNK 64u
#define REC_JOB "job.rec"
#define REC_REPLAY "replay.rec"
#define ART_FILE "job.art"
#define QUEUE_FILE "queue.bin"
#define ALL_NOTES (LINK_NOTE_MASK(LINK_NOTE_HEARTBEAT) | LINK_NOTE_MASK(LINK_NOTE_LOG) | \
                   LINK_NOTE_MASK(LINK_NOTE_TELEMETRY) | LINK_NOTE_MASK(LINK_NOTE_EVENT))
#define WORK (COP_JA_DOWNLOAD | COP_JA_VERIFY | COP_JA_INSTALL | COP_JA_ACTIVATE | COP_JA_STATUS)


/* Queued records sent before the first is acknowledged: a broker
 * acknowledges QoS 1 in order (MQTT 3.1.1 4.6, 5.0 4.6), so a window keeps
 * the order and drains a backlog at the window over one round trip, not one
 * record per round trip. Below libmosquitto's max_inflight_messages (20). */
#define QUEUE_WINDOW 16

#define q_open cop_queue_open
#define q_push cop_queue_push
#define q_pop cop_queue_pop
#define q_take_dropped cop_queue_take_dropped

typedef struct run {
  const copl_run_cfg *cfg;
  char id[COP_ID_MAX + 1];
  char art_path[1024];
  board_serial ser;
  link_io bio;                 /* the serial port's own; c's wraps it */
  bool pumping;
  link_client c;
  bool notify_ok, bootloader, silent;
  uint64_t next_renew;
  uint32_t boot_id;
  bool have_boot;
  link_rt_status rt;
  bool have_rt;
  uint32_t bbox_seen;          /* blackbox records below this were published */
  bool bbox_due;
  cop_dev dev;                 /* from the last STATUS */
  cop_revert hint;             /* why the device said (events) it reverted a trial */
  /* the device's notifications are numbered per boot: a gap is ones lost on the line */
  bool note_seq_ok;
  uint16_t note_next;
  uint32_t note_boot;
  cop_linkstat ls;
  link_event_note last_fault;  /* the last `faulted` event */
  bool have_fault;
  copl_mqtt *m;
  bool connected;
  cop_clock clk;
  /* the queue */
  copl_blob blob;
  cop_queue q;
  bool q_ok;
  struct sent { int mid; uint64_t seq; bool acked, refused; } win[QUEUE_WINDOW];
  uint32_t nwin;               /* records sent and not yet settled, oldest first */
  uint64_t next_seq;           /* the queue's number of the next record to send */
  uint64_t win_due;            /* send from the oldest again if no PUBACK by then */
  bool report_due;             /* the dropped report waits for the records in flight */
  uint64_t report_after;       /* ... up to this one */
  bool retained_notify;        /* the notify being handled came retained (a restart) */
  uint64_t lost;               /* messages that could be neither sent nor kept */
  /* the job */
  cop_job job;
  uint32_t pending;            /* COP_JA_* work still to do */
  unsigned chunk_shift;        /* DATA chunks halved this often (a bad line) */
  copl_dl *dl;
  uint64_t dl_have, dl_fed;
  unsigned dl_tries;
  uint64_t retry_at;           /* pending work waits until then */
  uint64_t next_tick, next_status;
  cop_replay rp;
  /* commands that came while the link was busy (an install): run after */
  bool in_link;
  struct later { size_t len; bool has_expiry; uint32_t expiry_s; char p[COP_PAYLOAD_MAX + 1]; } later[8];
  unsigned nlater;
  /* shutdown */
  int offline_mid;
  bool offline_acked;
  /* what the broker refused (the ACL): counted, logged at most every
   * REFUSED_LOG_MS with the count since the last line */
  uint64_t refused, refused_unsaid, refused_said_at;
  char cert_problem[400];      /* copl_cert_check's finding at start, or "" */
} run;

static volatile sig_atomic_t stop_now;
static void on_signal(int sig) { (void)sig; stop_now = 1; }

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  fprintf(stderr, "copilot %02d:%02d:%02d.%03ld ", tm.tm_hour, tm.tm_min, tm.tm_sec,
          ts.tv_nsec / 1000000);
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
}

static uint64_t wall_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}
static uint64_t mono(void) { return board_serial_now_ms(); }

static cop_stamp stamp_now(run *r) { return cop_stamp_now(&r->clk, wall_ms()); }
static cop_stamp stamp_dev(run *r, uint64_t uptime) {
  if (!r->have_boot)
    return stamp_now(r);
  return cop_stamp_dev(&r->clk, r->boot_id, uptime, wall_ms());
}

/* ---- publishing --------------------------------------------------------------- */

static bool topic_of(run *r, cop_topic t, const char *job, char *out)
{
  return cop_topic_name(out, COP_TOPIC_MAX + 1, t, r->id, job) != 0;
}

/* The job id in a job update's payload (its topic names it). */
static bool job_of(const char *p, size_t n, char *id)
{
  cop_jtok tok[64];
  cop_json j;
  if (cop_json_parse(&j, p, n, tok, 64) != COP_E_OK)
    return false;
  int32_t t = cop_json_get(&j, 0, "job");
  size_t len;
  return t >= 0 && cop_json_str(&j, (uint32_t)t, id, COP_ID_MAX + 1, &len) == COP_E_OK;
}

static char qbuf[COP_MSG_MAX + 1];

/* The records in flight when the connection drops stay in flight: the MQTT
 * client keeps them and sends them again first thing after the reconnect
 * (with their packet ids), so sending the queue's head again ourselves would
 * put them, or the records after them, out of order. Only when the oldest
 * one's PUBACK has not come INFLIGHT_MS after a (re)connection or the last
 * progress is the window sent again from here. */
#define INFLIGHT_MS 15000

static void report_dropped(run *r);

/* The dropped report goes out once the records in flight at the reconnect
 * are settled: one of them may turn out delivered (cop_queue_undrop). */
static void report_if_due(run *r)
{
  if (r->report_due && (r->nwin == 0 || r->win[0].seq > r->report_after))
    report_dropped(r);
}

/* Send queued records while the window has room. */
static void drain(run *r)
{
  if (!r->q_ok || !r->connected)
    return;
  if (r->nwin && mono() >= r->win_due) {
    say("queue: no PUBACK for message %d; sending from the oldest record again", r->win[0].mid);
    r->nwin = 0;
    r->next_seq = 0;
  }
  report_if_due(r);
  while (r->nwin < QUEUE_WINDOW) {
    uint64_t head = cop_queue_head_seq(&r->q);
    if (r->next_seq < head)
      r->next_seq = head;   /* dropped for room meanwhile */
    uint8_t t;
    uint32_t n;
    cop_err e = cop_queue_peek_at(&r->q, (uint32_t)(r->next_seq - head), &t, qbuf, sizeof qbuf - 1, &n);
    if (e == COP_E_EMPTY)
      return;
    if (e == COP_E_CORRUPT) {   /* the queue dropped everything, counted */
      say("queue: a damaged record; the queue was emptied (counted dropped)");
      r->nwin = 0;
      return;
    }
    if (e == COP_E_STORAGE) {
      say("queue: cannot read (%s); the queue is off", cop_err_name(e));
      r->q_ok = false;
      return;
    }
    char topic[COP_TOPIC_MAX + 1], job[COP_ID_MAX + 1];
    const cop_topic_info *ti = cop_topic_get((cop_topic)t);
    bool ok = e == COP_E_OK && ti;
    if (ok && t == COP_T_JOB_UPDATE)
      ok = job_of(qbuf, n, job) && topic_of(r, COP_T_JOB_UPDATE, job, topic);
    else if (ok)
      ok = topic_of(r, (cop_topic)t, NULL, topic);
    int mid = -1;
    if (!ok)   /* settled at once: popped when it is the oldest */
      say("queue: a record that cannot be sent (%s) dropped", cop_err_name(e));
    else if (copl_mqtt_publish(r->m, topic, qbuf, n, ti->qos, ti->retain, 0, &mid) != COPL_OK)
      return;
    if (r->nwin == 0)
      r->win_due = mono() + INFLIGHT_MS;
    r->win[r->nwin++] = (struct sent){ mid, r->next_seq++, !ok, false };
  }
}

/* Pop what the broker acknowledged, oldest first. */
static void settle(run *r)
{
  bool moved = false;
  while (r->nwin && r->win[0].acked) {
    uint64_t head = cop_queue_head_seq(&r->q), seq = r->win[0].seq;
    cop_err e = COP_E_OK;
    if (r->q.count && seq == head)
      e = q_pop(&r->q);
    else if (seq < head && r->win[0].mid >= 0 && !r->win[0].refused)
      /* dropped for room while in flight, and delivered after all */
      e = cop_queue_undrop(&r->q);
    if (e != COP_E_OK && e != COP_E_EMPTY) {
      say("queue: cannot pop (%s); the queue is off", cop_err_name(e));
      r->q_ok = false;
    }
    memmove(r->win, r->win + 1, (r->nwin - 1) * sizeof r->win[0]);
    r->nwin--;
    moved = true;
  }
  if (moved)
    r->win_due = mono() + INFLIGHT_MS;
  report_if_due(r);
}

static void publish(run *r, cop_topic t, const char *job, const char *p, size_t n)
{
  const cop_topic_info *ti = cop_topic_get(t);
  char topic[COP_TOPIC_MAX + 1];
  if (!n || !ti || !topic_of(r, t, job, topic)) {
    say("a %s message that could not be encoded was dropped", ti ? ti->suffix : "?");
    r->lost++;
    return;
  }
  if (ti->queued && r->q_ok) {
    cop_err e = q_push(&r->q, (uint8_t)t, p, (uint32_t)n);
    if (e != COP_E_OK) {
      say("queue: %s message not kept: %s", ti->suffix, cop_err_str(e));
      r->lost++;
    }
    drain(r);
    return;
  }
  if (!r->connected || copl_mqtt_publish(r->m, topic, p, n, ti->qos, ti->retain, 0, NULL) != COPL_OK) {
    if (ti->queued) {
      r->lost++;   /* no queue: counted, reported at the next connection */
    }
  }
}

static char out[COP_MSG_MAX + 1];

static void report_dropped(run *r)
{
  r->report_due = false;
  uint32_t n = r->q_ok ? q_take_dropped(&r->q) : 0;
  uint64_t total = (r->q_ok ? r->q.dropped : 0) + r->lost;
  if (r->lost) {
    n += (uint32_t)r->lost;
    r->lost = 0;
  }
  if (!n)
    return;
  cop_stamp s = stamp_now(r);
  size_t len = cop_enc_dropped(out, sizeof out, &s, n, total);
  char topic[COP_TOPIC_MAX + 1];
  if (len && topic_of(r, COP_T_EVENTS, NULL, topic))
    copl_mqtt_publish(r->m, topic, out, len, 1, false, 0, NULL);
  say("queue: %u messages dropped while the broker was away (reported)", (unsigned)n);
}

static void publish_status(run *r)
{
  cop_stamp s = stamp_now(r);
  size_t n = cop_enc_status(out, sizeof out, &s, true, r->have_rt ? &r->rt : NULL, NULL);
  publish(r, COP_T_STATUS, NULL, out, n);
}

static void refusal(run *r, const char *suffix, const char *id, cop_err e, const char *field,
                    uint32_t pos)
{
  cop_stamp s = stamp_now(r);
  size_t n = cop_enc_refusal(out, sizeof out, &s, suffix, id && id[0] ? id : NULL, e, field, pos);
  publish(r, COP_T_EVENTS, NULL, out, n);
  say("refused a %s message%s%s: %s%s%s", suffix, id && id[0] ? " id " : "", id && id[0] ? id : "",
      cop_err_name(e), field ? " field " : "", field ? field : "");
}

/* ---- the link ------------------------------------------------------------------- */

static void new_boot(run *r, uint32_t boot_id)
{
  if (r->have_boot && boot_id != r->boot_id) {
    say("device: a new boot %08x (was %08x)", (unsigned)boot_id, (unsigned)r->boot_id);
    r->next_renew = 0;   /* the lease lapsed at the reset */
    r->have_rt = false;
  }
  r->boot_id = boot_id;
  r->have_boot = true;
}

static bool rt_status(run *r)
{
  link_rt_status st;
  uint32_t keep = r->c.retries;
  r->c.retries = 1;
  link_cerr e = link_rt_status_req(&r->c, &st);
  r->c.retries = keep;
  if (e != LINK_C_OK)
    return false;
  new_boot(r, st.boot_id);
  cop_stamp_dev(&r->clk, st.boot_id, st.uptime_ms, wall_ms());
  bool first = !r->have_rt;
  r->rt = st;
  r->have_rt = true;
  if (first) {
    r->bbox_seen = st.bbox_next;
    publish_status(r);
  }
  return true;
}

/* Why the device rejected the job's trial in bank `bank` (reason: its
 * link_reason), from its blackbox records since the activation: a fault
 * record of the new program (fault, pc, line); the revert records of its
 * bank, one in the trial's own boot (it reverted itself: a fault, a start
 * failure, its trial watchdog) and one in the boot after when the
 * bootloader found it unconfirmed. The events seen say it too, when the
 * blackbox cannot be read. */
static void revert_info(run *r, const link_status *st, uint8_t bank, cop_revert *rv)
{
  memset(rv, 0, sizeof *rv);
  uint8_t reason = st->bank[bank].reason;
  unsigned reverts = 0;
  bool fault = false, read = false;
  uint32_t from = r->job.bbox_mark;
  for (int round = 0; round < 16; round++) {
    link_bb_read br;
    if (link_blackbox_req(&r->c, LINK_BB_READ, from) != LINK_C_OK ||
        !link_bb_read_get(r->c.resp, r->c.resp_len, &br))
      break;
    read = true;
    for (uint32_t i = 0; i < br.count; i++) {
      bbox_rec rec;
      if (!bbox_rec_get(br.recs + (size_t)i * br.rec_size, br.rec_size, &rec) || rec.bank != bank ||
          memcmp(rec.digest, r->job.image, 32))
        continue;
      if (rec.kind == BBOX_KIND_FAULT && !fault) {
        fault = true;
        rv->fault = rec.fault;
        rv->where = 1;
        rv->pc = rec.pc;
        rv->line = rec.line;
      } else if (rec.kind == BBOX_KIND_REVERTED) {
        reverts++;
        if (!fault && rec.fault) {   /* the revert record of a fault: no fault record kept */
          rv->fault = rec.fault;
          rv->where = 1;
          rv->pc = rec.pc;
        }
      }
    }
    if (!br.count || br.next <= from)
      break;
    from = br.next;
  }
  switch (reason) {
  case LINK_REASON_FAULT:
    rv->cause = rv->fault ? COP_RV_FAULT : read ? COP_RV_START : r->hint.cause;
    if (!read && r->hint.cause == COP_RV_FAULT)
      *rv = r->hint;
    break;
  case LINK_REASON_NO_CONFIRM:
    rv->cause = reverts >= 2 ? COP_RV_TIMEOUT : read ? COP_RV_RESET : r->hint.cause;
    break;
  case LINK_REASON_MANUAL: rv->cause = COP_RV_COMMAND; break;
  case LINK_REASON_VERIFY: rv->cause = COP_RV_VERIFY; break;
  default: break;
  }
  say("job %s: the device reverted bank %c: %s (%s)%s", r->job.m.id, 'A' + bank, link_reason_name(reason),
      cop_rv_name(rv->cause), read ? "" : "; its blackbox not read");
}

/* STATUS into r->dev. */
static bool dev_status(run *r, link_status *stp)
{
  link_status st;
  link_cerr e = link_get_status(&r->c, &st);
  if (e != LINK_C_OK) {
    say("device: STATUS: %s", link_cerr_str(e));
    return false;
  }
  new_boot(r, st.boot_id);
  cop_dev d;
  memset(&d, 0, sizeof d);
  d.known = true;
  d.boot_id = st.boot_id;
  d.running = st.running;
  uint8_t other = 0;
  if (st.running < LINK_NBANKS) {
    d.trial = st.bank[st.running].state != LINK_BANK_CONFIRMED;
    memcpy(d.digest, st.bank[st.running].digest, 32);
    other = (uint8_t)(1u - st.running);
  } else {
    for (uint8_t b = 0; b < LINK_NBANKS; b++)
      if (r->job.has_image && !memcmp(st.bank[b].digest, r->job.image, 32))
        other = b;
  }
  d.other_state = st.bank[other].state;
  d.other_reason = st.bank[other].reason;
  if (d.other_state == LINK_BANK_REJECTED && cop_job_active(&r->job) && r->job.has_image &&
      r->job.phase >= COP_PH_ACTIVATING && d.boot_id != r->job.boot_before &&
      !memcmp(st.bank[other].digest, r->job.image, 32))
    revert_info(r, &st, other, &d.rv);
  r->dev = d;
  if (stp)
    *stp = st;
  return true;
}

static void renew(run *r)
{
  uint32_t keep = r->c.retries, now_mask = 0;
  r->c.retries = 1;
  link_cerr e = link_set_req(&r->c, LINK_SET_NOTIFY, ALL_NOTES, &now_mask);
  r->c.retries = keep;
  if (e == LINK_C_OK) {
    if (!r->notify_ok)
      say("device: notifications subscribed (0x%02x)", (unsigned)now_mask);
    r->notify_ok = true;
    r->bootloader = r->silent = false;
    if (!r->have_rt)
      rt_status(r);
  } else if (e == LINK_C_NAK && r->c.st == LINK_ST_UNKNOWN_CMD) {
    if (!r->bootloader)
      say("device: in its bootloader (no runtime requests)");
    r->bootloader = true;
    r->notify_ok = false;
  } else {
    if (!r->silent)
      say("device: SET NOTIFY: %s", e == LINK_C_NAK ? link_st_str(r->c.st) : link_cerr_str(e));
    r->silent = true;
    r->notify_ok = false;
  }
}

static void job_event(run *r, uint8_t type, const cop_jev *proto);

/* Notification seq of boot `boot`: count what a gap says was lost. A seq
 * behind the last one (a new boot not yet known, a reordering) is not
 * counted. */
static void note_seen(run *r, uint32_t boot, uint16_t seq)
{
  if (r->note_seq_ok && r->note_boot == boot) {
    uint16_t gap = (uint16_t)(seq - r->note_next);
    if (gap && gap < 0x8000u) {
      r->ls.notes_missed += gap;
      say("device: %u notification%s missed (seq %u, expected %u)", (unsigned)gap, gap == 1 ? "" : "s",
          (unsigned)seq, (unsigned)r->note_next);
    }
  }
  r->note_seq_ok = true;
  r->note_boot = boot;
  r->note_next = (uint16_t)(seq + 1u);
}

static void on_note(void *ctx, uint8_t kind, uint16_t seq, const uint8_t *body, uint32_t n)
{
  run *r = ctx;
  size_t len = 0;
  cop_stamp s;
  /* a heartbeat names its boot (uptime u64, then boot_id u32) */
  note_seen(r, kind == LINK_NOTE_HEARTBEAT && n >= 12 ? link_get32(body + 8) : r->boot_id, seq);
  switch (kind) {
  case LINK_NOTE_HEARTBEAT: {
    link_heartbeat h;
    if (!link_heartbeat_get(body, n, &h))
      break;
    new_boot(r, h.boot_id);
    s = cop_stamp_dev(&r->clk, h.boot_id, h.uptime_ms, wall_ms());
    r->ls.frames_bad = r->c.bad_frames;
    len = cop_enc_heartbeat(out, sizeof out, &s, &h, &r->ls);
    publish(r, COP_T_HEARTBEAT, NULL, out, len);
    return;
  }
  case LINK_NOTE_LOG: {
    static link_log_note l;
    if (!link_log_note_get(body, n, &l))
      break;
    s = stamp_dev(r, l.uptime_ms);
    len = cop_enc_log(out, sizeof out, &s, &l);
    publish(r, COP_T_LOGS, NULL, out, len);
    return;
  }
  case LINK_NOTE_TELEMETRY: {
    static link_telemetry t;
    if (!link_telemetry_get(body, n, &t))
      break;
    s = stamp_dev(r, t.uptime_ms);
    len = cop_enc_telemetry(out, sizeof out, &s, &t);
    publish(r, COP_T_TELEMETRY, NULL, out, len);
    return;
  }
  case LINK_NOTE_EVENT: {
    link_event_note e;
    if (!link_event_get(body, n, &e))
      break;
    s = stamp_dev(r, e.uptime_ms);
    len = cop_enc_event(out, sizeof out, &s, &e);
    publish(r, COP_T_EVENTS, NULL, out, len);
    say("device: event %s", link_event_name(e.event));
    if (e.event == LINK_EV_CRASH)
      r->bbox_due = true;
    if (e.event == LINK_EV_FAULTED) {
      r->last_fault = e;
      r->have_fault = true;
    }
    if (e.event == LINK_EV_REVERTED && cop_job_active(&r->job) && r->job.phase >= COP_PH_ACTIVATING) {
      /* the verdict is read from STATUS (the bank's reason) and the
       * blackbox; what the event says is kept in case they cannot be read */
      static const struct { const char *name; uint8_t cause; } why[] = {
        {"fault", COP_RV_FAULT}, {"start", COP_RV_START}, {"timeout", COP_RV_TIMEOUT}, {"command", COP_RV_COMMAND}};
      for (size_t i = 0; i < sizeof why / sizeof why[0]; i++)
        if (e.name_len == strlen(why[i].name) && !memcmp(e.name, why[i].name, e.name_len)) {
          memset(&r->hint, 0, sizeof r->hint);
          r->hint.cause = why[i].cause;
          if (why[i].cause == COP_RV_FAULT && r->have_fault && r->last_fault.value > 0) {
            r->hint.fault = (uint8_t)r->last_fault.value;
            r->hint.where = 1;
            r->hint.pc = r->last_fault.pc;
          }
        }
      r->next_status = 0;
    }
    if (e.event == LINK_EV_TRIAL_CONFIRMED)
      r->next_status = 0;
    return;
  }
  default:
    return;   /* a newer kind */
  }
  say("device: a malformed %s notification (%u bytes) skipped", link_note_name(kind), (unsigned)n);
}

/* Blackbox records from `from` on, each published on blackbox. The count,
 * or -1 (the link's error in r->c). */
static int bbox_publish(run *r, uint32_t from, link_cerr *err)
{
  int total = 0;
  for (int round = 0; round < 64; round++) {
    link_cerr e = link_blackbox_req(&r->c, LINK_BB_READ, from);
    link_bb_read br;
    if (e == LINK_C_OK && !link_bb_read_get(r->c.resp, r->c.resp_len, &br))
      e = LINK_C_PROTO;
    if (e != LINK_C_OK) {
      *err = e;
      return -1;
    }
    for (uint32_t i = 0; i < br.count; i++) {
      bbox_rec rec;
      if (!bbox_rec_get(br.recs + (size_t)i * br.rec_size, br.rec_size, &rec)) {
        say("device: a malformed blackbox record skipped");
        continue;
      }
      cop_stamp s = stamp_now(r);
      size_t n = cop_enc_bbox(out, sizeof out, &s, &rec);
      publish(r, COP_T_BLACKBOX, NULL, out, n);
      total++;
    }
    if (br.next > r->bbox_seen)
      r->bbox_seen = br.next;
    if (!br.count || br.next <= from)
      break;
    from = br.next;
  }
  return total;
}

/* ---- commands ------------------------------------------------------------------- */

static void save_replay(run *r)
{
  char why[256];
  cop_replay_seal(&r->rp);
  if (copl_save(r->cfg->state_dir, REC_REPLAY, &r->rp, sizeof r->rp, why, sizeof why))
    say("state: %s", why);
}

static void on_cmd(run *r, const copl_msg *m)
{
  cop_cmd cmd;
  cop_why why;
  memset(&why, 0, sizeof why);
  cop_err e = cop_dec_cmd(m->payload, m->len, wall_ms(), m->has_expiry ? m->expiry_s : UINT32_MAX,
                          &cmd, &why);
  const char *sfx = cop_topic_get(COP_T_CMD)->suffix;
  if (e != COP_E_OK) {
    refusal(r, sfx, why.id, e, why.field, why.pos);
    if (why.id[0]) {
      cop_stamp s = stamp_now(r);
      size_t n = cop_enc_cmd_response(out, sizeof out, &s, why.id, COP_CMD__COUNT, false,
                                      cop_err_name(e), 0);
      publish(r, COP_T_CMD_RESPONSE, NULL, out, n);
    }
    return;
  }
  uint64_t until = cmd.expires_ms ? cmd.expires_ms : wall_ms() + 7ull * 24 * 3600 * 1000;
  if (!cop_replay_take(&r->rp, 0, cmd.id, until)) {
    refusal(r, sfx, cmd.id, COP_E_REPLAYED, NULL, 0);
    cop_stamp s = stamp_now(r);
    size_t n = cop_enc_cmd_response(out, sizeof out, &s, cmd.id, cmd.op, false,
                                    cop_err_name(COP_E_REPLAYED), 0);
    publish(r, COP_T_CMD_RESPONSE, NULL, out, n);
    return;
  }
  save_replay(r);
  say("cmd %s: %s", cmd.id, cop_cmd_name(cmd.op));
  link_cerr le = LINK_C_OK;
  int64_t value = 0;
  switch (cmd.op) {
  case COP_CMD_REBOOT: {
    link_info in;
    if ((le = link_hello(&r->c, &in)) == LINK_C_OK && (le = link_reboot(&r->c, in.boot_id)) == LINK_C_OK)
      value = in.boot_id;
    r->next_renew = mono() + 1000;
    break;
  }
  case COP_CMD_BLACKBOX_READ: {
    int k = bbox_publish(r, cmd.from, &le);
    if (k >= 0)
      value = k;
    break;
  }
  case COP_CMD_BLACKBOX_CLEAR:
    le = link_blackbox_req(&r->c, LINK_BB_CLEAR, cmd.from);
    if (le == LINK_C_OK && r->c.resp_len < 4)
      le = LINK_C_PROTO;
    if (le == LINK_C_OK)
      value = link_get32(r->c.resp);
    break;
  case COP_CMD_TELEMETRY_INTERVAL: {
    uint32_t now = 0;
    le = link_set_req(&r->c, LINK_SET_TELEMETRY_MS, cmd.interval_ms, &now);
    value = now;
    break;
  }
  default:
    le = LINK_C_ARG;
  }
  const char *reason = NULL;
  if (le == LINK_C_NAK)
    reason = link_st_name(r->c.st);
  else if (le != LINK_C_OK)
    reason = le == LINK_C_TIMEOUT ? "timeout" : le == LINK_C_IO ? "link" : "protocol";
  cop_stamp s = stamp_now(r);
  size_t n = cop_enc_cmd_response(out, sizeof out, &s, cmd.id, cmd.op, le == LINK_C_OK, reason, value);
  publish(r, COP_T_CMD_RESPONSE, NULL, out, n);
  say("cmd %s: %s", cmd.id, reason ? reason : "ok");
}

/* ---- the job --------------------------------------------------------------------- */

static void job_do(run *r, cop_jact a, const char *msgid)
{
  if (a.refused == COP_E_REPLAYED && r->retained_notify)
    /* the broker hands the last notify to every new session: a job this
     * copilot already ran is no news, and no refusal is published */
    say("job %s: the retained notify of a job already done; ignored", msgid ? msgid : "?");
  else if (a.refused != COP_E_OK)
    refusal(r, cop_topic_get(COP_T_JOB_NOTIFY)->suffix, msgid ? msgid : r->job.m.id, a.refused, NULL, 0);
  const cop_job *j = &r->job;
  if (a.mask & COP_JA_PUBLISH) {
    cop_stamp s = stamp_now(r);
    size_t n = cop_enc_job_update(out, sizeof out, &s, j);
    publish(r, COP_T_JOB_UPDATE, j->m.id, out, n);
    say("job %s: %s%s%s%s%s (update %u)", j->m.id, cop_jstate_name(j->state),
        j->phase ? " " : "", cop_phase_name(j->phase), j->reason ? " " : "",
        j->reason ? cop_jreason_name(j->reason) : "", (unsigned)j->updates);
  }
  if (a.mask & COP_JA_PERSIST) {
    char why[256];
    if (copl_save(r->cfg->state_dir, REC_JOB, j, sizeof *j, why, sizeof why))
      say("state: %s", why);
  }
  if ((a.mask & COP_JA_ABORT_DL) && r->dl) {
    copl_dl_free(r->dl);
    r->dl = NULL;
  }
  if (a.mask & COP_JA_DISCARD) {
    r->pending = 0;
    if (r->dl) {
      copl_dl_free(r->dl);
      r->dl = NULL;
    }
    unlink(r->art_path);
  }
  r->pending |= a.mask & WORK;
  if (a.mask & COP_JA_DOWNLOAD)
    r->dl_tries = 0;
}

static void job_event(run *r, uint8_t type, const cop_jev *proto)
{
  cop_jev ev = *proto;
  ev.type = type;
  ev.now_ms = wall_ms();
  if (!ev.dev && r->dev.known)
    ev.dev = &r->dev;
  cop_jact a = cop_job_step(&r->job, &ev);
  job_do(r, a, ev.msg ? ev.msg->id : NULL);
}

static void on_job(run *r, const copl_msg *m)
{
  if (!m->len)
    return;   /* a retained notify cleared */
  static cop_job_msg jm;
  cop_why why;
  memset(&why, 0, sizeof why);
  cop_err e = cop_dec_job(m->payload, m->len, &jm, &why);
  if (e != COP_E_OK) {
    refusal(r, cop_topic_get(COP_T_JOB_NOTIFY)->suffix, why.id, e, why.field, why.pos);
    return;
  }
  say("job %s: %s%s", jm.id, jm.cancel ? "cancel" : "notify", m->retain ? " (retained)" : "");
  cop_jev ev = {0};
  ev.msg = &jm;
  /* a new job starts when the device answers a STATUS asked now (not on
   * what an earlier one said): a silent device leaves it QUEUED */
  static const cop_dev ask = {0};
  ev.dev = &ask;
  r->retained_notify = m->retain;
  job_event(r, jm.cancel ? COP_JE_CANCEL : COP_JE_NOTIFY, &ev);
  r->retained_notify = false;
}

static void on_dl_progress(void *user, uint64_t have, uint64_t total)
{
  (void)total;
  ((run *)user)->dl_have = have;
}

static void dl_start(run *r)
{
  /* what the record says was kept; anything after it is not trusted */
  int fd = open(r->art_path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) {
    struct stat st;
    if (fstat(fd, &st) == 0 && (uint64_t)st.st_size > r->job.dl_offset && ftruncate(fd, r->job.dl_offset))
      say("job: cannot cut %s back: %s", r->art_path, strerror(errno));
    close(fd);
  }
  copl_dl_cfg dc;
  memset(&dc, 0, sizeof dc);
  dc.url = r->job.m.url;
  dc.ca_file = r->cfg->ca_file;
  dc.path = r->art_path;
  dc.expected_size = r->job.m.size;
  dc.low_speed_s = 20;
  dc.on_progress = on_dl_progress;
  dc.user = r;
  copl_err err;
  char why[512] = "";
  r->dl = copl_dl_start(&dc, &err, why, sizeof why);
  r->dl_have = r->dl_fed = r->job.dl_offset;
  if (!r->dl) {
    say("job %s: download: %s", r->job.m.id, why);
    cop_jev ev = {0};
    job_event(r, COP_JE_DL_FAILED, &ev);
    return;
  }
  say("job %s: download %s from byte %u", r->job.m.id, r->job.m.url, (unsigned)r->job.dl_offset);
}

static void dl_poll(run *r)
{
  copl_err e = copl_dl_poll(r->dl, 0);
  if (r->dl_have != r->dl_fed) {
    r->dl_fed = r->dl_have;
    cop_jev ev = {0};
    ev.offset = r->dl_have > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)r->dl_have;
    job_event(r, COP_JE_DL_PROGRESS, &ev);
    if (!r->dl)
      return;   /* the job ended */
  }
  if (e == COPL_INPROGRESS)
    return;
  char msg[600];
  snprintf(msg, sizeof msg, "%s", copl_dl_errmsg(r->dl));
  copl_dl_free(r->dl);
  r->dl = NULL;
  cop_jev ev = {0};
  if (e == COPL_OK) {
    say("job %s: downloaded", r->job.m.id);
    job_event(r, COP_JE_DL_DONE, &ev);
    return;
  }
  if (e == COPL_ETOOBIG) {   /* more than the job announced: not its artifact */
    say("job %s: download: %s", r->job.m.id, msg);
    ev.offset = r->job.m.size + 1u;
    job_event(r, COP_JE_DL_PROGRESS, &ev);
    return;
  }
  bool again = e == COPL_ESHORT || e == COPL_ETIMEOUT || e == COPL_ECONNECT || e == COPL_ECURL;
  if (again && ++r->dl_tries < DL_TRIES) {
    say("job %s: download: %s; resuming in %u ms", r->job.m.id, msg, RETRY_MS);
    /* the file so far is kept: tell the machine, so a restart keeps it */
    struct stat st;
    if (stat(r->art_path, &st) == 0 && (uint64_t)st.st_size <= r->job.m.size) {
      ev.offset = (uint32_t)st.st_size;
      cop_jact a = cop_job_step(&r->job, &(cop_jev){.type = COP_JE_DL_PROGRESS, .now_ms = wall_ms(),
                                                     .offset = ev.offset});
      a.mask |= COP_JA_PERSIST;
      job_do(r, a, NULL);
    }
    r->pending |= COP_JA_DOWNLOAD;
    r->retry_at = mono() + RETRY_MS;
    return;
  }
  say("job %s: download failed: %s", r->job.m.id, msg);
  job_event(r, COP_JE_DL_FAILED, &ev);
}

static uint8_t *read_art(run *r, size_t *len)
{
  FILE *f = fopen(r->art_path, "rb");
  if (!f)
    return NULL;
  uint8_t *p = malloc(r->job.m.size ? r->job.m.size : 1);
  size_t n = p ? fread(p, 1, r->job.m.size, f) : 0;
  int extra = fgetc(f);
  fclose(f);
  if (!p || n != r->job.m.size || extra != EOF) {
    free(p);
    return NULL;
  }
  *len = n;
  return p;
}

static void do_verify(run *r)
{
  cop_jev ev = {0};
  uint8_t sha[32];
  char hex[65];
  struct stat st;
  if (stat(r->art_path, &st) != 0 || (uint64_t)st.st_size != r->job.m.size) {
    say("job %s: digest: %lld bytes downloaded, the job says %u", r->job.m.id,
        (long long)(stat(r->art_path, &st) == 0 ? st.st_size : -1), (unsigned)r->job.m.size);
    job_event(r, COP_JE_DIGEST_BAD, &ev);
    return;
  }
  if (copl_sha256_file(r->art_path, sha, hex) != COPL_OK || memcmp(sha, r->job.m.sha256, 32)) {
    say("job %s: digest: sha256 %s is not the job's", r->job.m.id, hex);
    job_event(r, COP_JE_DIGEST_BAD, &ev);
    return;
  }
  size_t len;
  uint8_t *art = read_art(r, &len);
  cvm1_info in;
  if (art && cvm1_open(art, len, NULL, &in) == CVM1_ERR_OK && in.digest) {
    memcpy(sha, in.digest, 32);
    ev.digest = sha;
  }
  free(art);
  say("job %s: size and sha256 match%s", r->job.m.id, ev.digest ? "" : " (not a CVM1 artifact)");
  dev_status(r, NULL);
  job_event(r, COP_JE_DIGEST_OK, &ev);
}

typedef struct prog_ctx {
  run *r;
  uint32_t last;
} prog_ctx;

static void on_prog(void *ctx, uint32_t done, uint32_t total)
{
  (void)total;
  prog_ctx *p = ctx;
  if (done == p->last || !cop_job_active(&p->r->job))
    return;
  p->last = done;
  cop_jev ev = {0};
  ev.offset = done;
  job_event(p->r, COP_JE_PROG_PROGRESS, &ev);
}

/* A link failure that is worth retrying (no answer), or a refusal. */
static void link_failed(run *r, const char *what, link_cerr e, uint32_t retry_bit)
{
  if (e == LINK_C_NAK) {
    say("job %s: %s refused: %s (detail %u)", r->job.m.id, what, link_st_str(r->c.st),
        (unsigned)r->c.detail);
    cop_jev ev = {0};
    ev.status = (uint8_t)r->c.st;
    ev.detail = r->c.detail;
    job_event(r, COP_JE_PROG_REFUSED, &ev);
    return;
  }
  say("job %s: %s: %s; again in %u ms", r->job.m.id, what, link_cerr_str(e), RETRY_MS);
  r->pending |= retry_bit;
  r->retry_at = mono() + RETRY_MS;
}

static void do_install(run *r)
{
  size_t len;
  uint8_t *art = read_art(r, &len);
  link_begin b;
  if (!art || !link_begin_for(art, len, &b)) {
    free(art);
    say("job %s: the downloaded artifact is gone or not CVM1", r->job.m.id);
    cop_jev ev = {0};
    job_event(r, COP_JE_DIGEST_BAD, &ev);   /* ignored past verifying: the deadline ends it */
    return;
  }
  link_info info;
  link_cerr e = link_hello(&r->c, &info);
  if (e) {
    free(art);
    link_failed(r, "HELLO", e, COP_JA_INSTALL);
    return;
  }
  new_boot(r, info.boot_id);
  uint8_t bank;
  uint32_t next;
  if ((e = link_begin_req(&r->c, &b, &bank, &next))) {
    free(art);
    link_failed(r, "BEGIN", e, COP_JA_INSTALL);
    return;
  }
  uint32_t chunk = info.max_chunk < LINK_MAX_CHUNK ? info.max_chunk : LINK_MAX_CHUNK;
  /* a line that lost the last upload gets smaller frames: a damaged byte
   * costs one frame, and a short frame is less likely to hold one */
  chunk >>= r->chunk_shift;
  if (chunk < MIN_CHUNK)
    chunk = info.max_chunk < MIN_CHUNK ? info.max_chunk : MIN_CHUNK;
  chunk &= ~7u;
  if (!chunk)
    chunk = 8;
  say("job %s: programming bank %c from byte %u of %u (%u-byte chunks)", r->job.m.id, 'A' + bank,
      (unsigned)next, (unsigned)len, (unsigned)chunk);
  prog_ctx pc = {r, next};
  r->in_link = true;
  e = link_upload(&r->c, art, (uint32_t)len, next, chunk, info.window ? info.window : 1, on_prog, &pc);
  r->in_link = false;
  free(art);
  if (!cop_job_active(&r->job))
    return;
  if (e) {
    if (e != LINK_C_NAK && (LINK_MAX_CHUNK >> r->chunk_shift) > MIN_CHUNK)
      r->chunk_shift++;
    link_failed(r, "DATA", e, COP_JA_INSTALL);
    return;
  }
  if (r->chunk_shift)
    r->chunk_shift--;   /* it went through: a step back up */
  uint8_t vb;
  if ((e = link_verify(&r->c, &vb))) {
    link_failed(r, "VERIFY", e, COP_JA_INSTALL);
    return;
  }
  say("job %s: installed and verified in bank %c", r->job.m.id, 'A' + vb);
  dev_status(r, NULL);
  cop_jev ev = {0};
  job_event(r, COP_JE_PROG_DONE, &ev);
}

static void do_activate(run *r)
{
  link_status st;
  if (!dev_status(r, &st)) {
    link_failed(r, "STATUS", LINK_C_TIMEOUT, COP_JA_ACTIVATE);
    return;
  }
  uint8_t bank = LINK_NO_BANK;
  for (uint8_t b = 0; b < LINK_NBANKS; b++)
    if (b != st.running && !memcmp(st.bank[b].digest, r->job.image, 32) &&
        (st.bank[b].state == LINK_BANK_INSTALLED || st.bank[b].state == LINK_BANK_PENDING))
      bank = b;
  if (bank == LINK_NO_BANK) {
    say("job %s: no standby bank holds the installed image", r->job.m.id);
    cop_jev ev = {0};
    ev.status = LINK_ST_NOT_INSTALLED;
    job_event(r, COP_JE_PROG_REFUSED, &ev);
    return;
  }
  /* the blackbox's next record now: what the trial leaves there comes after it */
  link_rt_status rt;
  uint32_t keep = r->c.retries;
  r->c.retries = 1;
  uint32_t mark = link_rt_status_req(&r->c, &rt) == LINK_C_OK ? rt.bbox_next : r->rt.bbox_next;
  r->c.retries = keep;
  link_cerr e = link_bank_cmd(&r->c, LINK_ACTIVATE, bank);
  if (e) {
    link_failed(r, "ACTIVATE", e, COP_JA_ACTIVATE);
    return;
  }
  if ((e = link_reboot(&r->c, st.boot_id))) {
    link_failed(r, "REBOOT", e, COP_JA_ACTIVATE);
    return;
  }
  say("job %s: bank %c activated as a trial; the device reboots", r->job.m.id, 'A' + bank);
  r->next_renew = mono() + 1500;
  r->next_status = mono() + 1000;
  memset(&r->hint, 0, sizeof r->hint);
  cop_jev ev = {0};
  ev.offset = mark;
  job_event(r, COP_JE_ACTIVATED, &ev);
}

static void do_status(run *r)
{
  /* one try: a silent device is asked again in 500 ms, and the job's
   * clock (its deadline) goes on in between */
  uint32_t keep = r->c.retries;
  r->c.retries = 1;
  bool ok = dev_status(r, NULL);
  r->c.retries = keep;
  if (!ok) {
    r->pending |= COP_JA_STATUS;
    r->retry_at = mono() + 500;
    return;
  }
  cop_jev ev = {0};
  ev.dev = &r->dev;
  job_event(r, COP_JE_STATUS, &ev);
}

static void job_work(run *r)
{
  uint64_t now = mono();
  if (r->dl)
    dl_poll(r);
  if (cop_job_active(&r->job) && now >= r->next_tick) {
    r->next_tick = now + TICK_MS;
    cop_jev ev = {0};
    job_event(r, COP_JE_TICK, &ev);
  }
  if (cop_job_active(&r->job) && r->job.phase == COP_PH_TRIAL && now >= r->next_status &&
      !(r->pending & COP_JA_STATUS)) {
    r->next_status = now + (r->cfg->status_ms ? r->cfg->status_ms : 1000u);
    r->pending |= COP_JA_STATUS;
  }
  if (!r->pending || now < r->retry_at)
    return;
  static const uint32_t order[] = {COP_JA_STATUS, COP_JA_DOWNLOAD, COP_JA_VERIFY, COP_JA_INSTALL,
                                   COP_JA_ACTIVATE};
  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
    uint32_t bit = order[i];
    if (!(r->pending & bit))
      continue;
    r->pending &= ~bit;
    switch (bit) {
    case COP_JA_STATUS: do_status(r); break;
    case COP_JA_DOWNLOAD: if (!r->dl) dl_start(r); break;
    case COP_JA_VERIFY: do_verify(r); break;
    case COP_JA_INSTALL: do_install(r); break;
    case COP_JA_ACTIVATE: do_activate(r); break;
    }
    return;   /* one piece of work per pass */
  }
}

/* ---- MQTT callbacks ---------------------------------------------------------------- */

static void on_state(void *user, copl_mqtt_state s, copl_err why, const char *detail)
{
  run *r = user;
  bool was = r->connected;
  r->connected = s == COPL_MQTT_CONNECTED;
  if (r->connected && !was) {
    say("broker: connected");
    r->win_due = mono() + INFLIGHT_MS;
    publish_status(r);
    if (r->nwin) {
      r->report_due = true;
      r->report_after = r->win[r->nwin - 1].seq;
    } else {
      report_dropped(r);
    }
    drain(r);
  } else if (!r->connected && was && s == COPL_MQTT_IDLE) {
    say("broker: disconnected");
  } else if (!r->connected && was) {
    say("broker: connection lost: %s", detail && detail[0] ? detail : copl_strerror(why));
  } else if (s == COPL_MQTT_BACKOFF && why != COPL_OK) {
    copl_mqtt_stats st;
    copl_mqtt_get_stats(r->m, &st);
    /* a try that failed (a lost connection was said above): with what is
     * wrong with our certificate, if anything, whatever the broker let us see */
    say("broker: %s%s%s; next try in %u ms (attempt %llu)", detail && detail[0] ? detail : copl_strerror(why),
        r->cert_problem[0] ? "; our certificate: " : "", r->cert_problem,
        (unsigned)st.last_backoff_ms, (unsigned long long)st.attempts + 1);
  }
}

/* The broker refused a publish or a subscription: with mosquitto and the
 * fleet's ACL, a topic that is not this device's to write or read (a
 * certificate of another device than --id). Said at once the first time,
 * then at most every REFUSED_LOG_MS with the count. */
#define REFUSED_LOG_MS 10000
static void on_refused(void *user, bool sub, const char *topic, int reason, const char *text)
{
  run *r = user;
  if (sub) {
    say("broker: subscription to %s refused: %s (reason 0x%02x); nothing will arrive on it", topic,
        text, (unsigned)reason);
    return;
  }
  r->refused++;
  uint64_t now = mono();
  if (r->refused > 1 && now - r->refused_said_at < REFUSED_LOG_MS) {
    r->refused_unsaid++;
    return;
  }
  char more[64] = "";
  if (r->refused_unsaid)
    snprintf(more, sizeof more, " (and %llu more since the last line)",
             (unsigned long long)r->refused_unsaid);
  say("broker: publish on %s refused: %s (reason 0x%02x)%s; %llu refused in all, not sent again",
      topic, text, (unsigned)reason, more, (unsigned long long)r->refused);
  r->refused_unsaid = 0;
  r->refused_said_at = now;
}

static void on_message(void *user, const copl_msg *m)
{
  run *r = user;
  char t_job[COP_TOPIC_MAX + 1], t_cmd[COP_TOPIC_MAX + 1];
  if (topic_of(r, COP_T_JOB_NOTIFY, NULL, t_job) && !strcmp(m->topic, t_job))
    on_job(r, m);
  else if (topic_of(r, COP_T_CMD, NULL, t_cmd) && !strcmp(m->topic, t_cmd)) {
    if (!r->in_link) {
      on_cmd(r, m);
      return;
    }
    if (r->nlater == sizeof r->later / sizeof r->later[0]) {
      say("cmd: a command while the link is busy and 8 wait already: refused");
      refusal(r, cop_topic_get(COP_T_CMD)->suffix, NULL, COP_E_BUSY, NULL, 0);
      return;
    }
    /* kept to run when the link is free (a payload over the limit stays
    ** over it, for the decoder to refuse) */
    struct later *l = &r->later[r->nlater++];
    l->len = m->len > COP_PAYLOAD_MAX ? COP_PAYLOAD_MAX + 1 : m->len;
    memcpy(l->p, m->payload, l->len);
    l->has_expiry = m->has_expiry;
    l->expiry_s = m->expiry_s;
  }
}

static void run_later(run *r)
{
  for (unsigned i = 0; i < r->nlater; i++) {
    copl_msg m = {.payload = r->later[i].p, .len = r->later[i].len,
                  .has_expiry = r->later[i].has_expiry, .expiry_s = r->later[i].expiry_s};
    on_cmd(r, &m);
  }
  r->nlater = 0;
}

static void on_published(void *user, int mid, int reason)
{
  run *r = user;
  if (mid == r->offline_mid)
    r->offline_acked = true;
  /* refused (reason >= 0x80, said by on_refused) or taken: the broker is
   * done with it either way; sent again it would be refused again */
  for (uint32_t i = 0; i < r->nwin; i++)
    if (r->win[i].mid == mid && !r->win[i].acked) {
      r->win[i].acked = true;
      r->win[i].refused = reason >= 0x80;
      settle(r);
      drain(r);
      break;
    }
}

/* ---- the link's byte stream: the broker goes on while the link waits ----------------- */

/* The MQTT client, never re-entered: a command run from its message
 * callback waits on the link without driving it again. */
static copl_err mqtt_poll(run *r, int ms)
{
  bool was = r->pumping;
  r->pumping = true;
  copl_err e = copl_mqtt_poll(r->m, ms);
  r->pumping = was;
  return e;
}

static int io_send(void *ctx, const uint8_t *p, uint32_t n)
{
  run *r = ctx;
  return r->bio.send(r->bio.ctx, p, n);
}

static uint64_t io_now(void *ctx)
{
  run *r = ctx;
  return r->bio.now_ms(r->bio.ctx);
}

/* Waits in slices of 10 ms, and between them drives the MQTT client: its
 * PUBACKs, the queue's next record, messages in (commands are kept for
 * later: the link is in use). */
static int io_recv(void *ctx, uint8_t *p, uint32_t cap, uint32_t timeout_ms)
{
  run *r = ctx;
  uint64_t end = mono() + timeout_ms;
  for (;;) {
    if (r->m && !r->pumping) {
      bool was = r->in_link;
      r->pumping = r->in_link = true;
      copl_mqtt_poll(r->m, 0);
      drain(r);
      r->pumping = false;
      r->in_link = was;
    }
    uint64_t now = mono();
    uint32_t left = now >= end ? 0 : (uint32_t)(end - now);
    int n = r->bio.recv(r->bio.ctx, p, cap, left < 10 ? left : 10);
    if (n != 0 || mono() >= end)
      return n;
  }
}

/* ---- the whole ------------------------------------------------------------------- */

static int fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fatal(const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "cockpit copilot: ");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  return 1;
}

static int setup_state(run *r)
{
  const char *dir = r->cfg->state_dir;
  struct stat st;
  if (stat(dir, &st) != 0) {
    if (errno != ENOENT || mkdir(dir, 0700) != 0)
      return fatal("--state %s: %s", dir, strerror(errno));
  } else if (!S_ISDIR(st.st_mode)) {
    return fatal("--state %s: not a folder", dir);
  }
  if (access(dir, W_OK | X_OK) != 0)
    return fatal("--state %s: %s", dir, strerror(errno));
  snprintf(r->art_path, sizeof r->art_path, "%s/%s", dir, ART_FILE);
  char why[512];
  int k = copl_load(dir, REC_REPLAY, &r->rp, sizeof r->rp, why, sizeof why);
  if (k < 0 || (k == 1 && !cop_replay_check(&r->rp))) {
    say("state: the replay table is damaged (%s); starting a new one", k < 0 ? why : "CRC");
    k = 0;
  }
  if (k == 0)
    cop_replay_init(&r->rp);
  uint32_t qsize = r->cfg->queue_size ? r->cfg->queue_size : (1u << 20);
  if (copl_blob_open(&r->blob, dir, QUEUE_FILE, qsize, why, sizeof why) != 0)
    return fatal("queue: %s", why);
  cop_err qe = q_open(&r->q, &r->blob.st, qsize);
  if (qe != COP_E_OK)
    return fatal("queue %s/%s: %s", dir, QUEUE_FILE, cop_err_str(qe));
  r->q_ok = true;
  if (r->q.count)
    say("queue: %u messages kept from before", (unsigned)r->q.count);
  /* the job record */
  cop_job_init(&r->job);
  k = copl_load(dir, REC_JOB, &r->job, sizeof r->job, why, sizeof why);
  if (k < 0)
    say("state: %s", why);
  if (k != 0) {
    cop_jact a = cop_job_resume(&r->job, wall_ms());
    if (a.refused != COP_E_OK)
      say("state: the job record is damaged (%s); slot emptied", cop_err_name(a.refused));
    else if (cop_job_active(&r->job))
      say("job %s: resumed %s %s", r->job.m.id, cop_jstate_name(r->job.state),
          cop_phase_name(r->job.phase));
    a.refused = COP_E_OK;
    job_do(r, a, NULL);
  }
  return 0;
}

int copl_run(const copl_run_cfg *cfg)
{
  static run R;
  run *r = &R;
  memset(r, 0, sizeof *r);
  r->cfg = cfg;
  r->offline_mid = -1;
  r->blob.fd = -1;
  cop_clock_init(&r->clk);
  char why[512];
  if (cfg->id) {
    if (!cop_id_ok(cfg->id, strlen(cfg->id)))
      return fatal("--id '%s': 1..%u of A-Z a-z 0-9 . _ -", cfg->id, COP_ID_MAX);
    snprintf(r->id, sizeof r->id, "%s", cfg->id);
  } else {
    char cn[256];
    if (copl_cert_cn(cfg->cert_file, cn, sizeof cn, why, sizeof why) != COPL_OK)
      return fatal("%s", why);
    if (!cop_id_ok(cn, strlen(cn)))
      return fatal("the certificate's CN '%s' is not a usable device id (1..%u of A-Z a-z 0-9 . _ -); give --id",
                   cn, COP_ID_MAX);
    snprintf(r->id, sizeof r->id, "%s", cn);
  }
  /* Our certificate, as the broker will see it: said at once (and with
   * every refused connection), but tried anyway: the clock may be wrong,
   * or the broker may trust more than --ca. */
  if (copl_cert_check(cfg->cert_file, cfg->key_file, cfg->ca_file, (int64_t)(wall_ms() / 1000),
                      r->cert_problem, sizeof r->cert_problem) == COPL_OK)
    r->cert_problem[0] = 0;
  else
    say("certificate %s: %s: the broker will refuse it (trying anyway)", cfg->cert_file,
        r->cert_problem);
  if (cfg->id) {
    char cn[256];
    if (copl_cert_cn(cfg->cert_file, cn, sizeof cn, why, sizeof why) == COPL_OK && strcmp(cn, r->id))
      say("--id %s, but the certificate is %s's: a broker that takes the certificate's CN as the user "
          "name (the fleet's) will refuse %s's topics", r->id, cn, r->id);
  }
  /* the link */
  if (board_serial_open(&r->ser, cfg->uart, cfg->baud ? cfg->baud : 115200, why, sizeof why) < 0)
    return fatal("%s", why);
  r->bio = board_serial_io(&r->ser);
  link_io io = {.ctx = r, .send = io_send, .recv = io_recv, .now_ms = io_now};
  link_client_init(&r->c, &io);
  r->c.timeout_ms = cfg->link_timeout_ms ? cfg->link_timeout_ms : 1000;
  r->c.on_note = on_note;
  r->c.note_ctx = r;
  /* MQTT: the will, then the client */
  char t_status[COP_TOPIC_MAX + 1], t_job[COP_TOPIC_MAX + 1], t_cmd[COP_TOPIC_MAX + 1];
  topic_of(r, COP_T_STATUS, NULL, t_status);
  topic_of(r, COP_T_JOB_NOTIFY, NULL, t_job);
  topic_of(r, COP_T_CMD, NULL, t_cmd);
  static char will[COP_MSG_MAX + 1];
  cop_stamp s0 = stamp_now(r);
  size_t will_len = cop_enc_status(will, sizeof will, &s0, false, NULL, "lost");
  copl_mqtt_cfg mc;
  memset(&mc, 0, sizeof mc);
  mc.url = cfg->broker;
  mc.client_id = r->id;
  mc.ca_file = cfg->ca_file;
  mc.cert_file = cfg->cert_file;
  mc.key_file = cfg->key_file;
  mc.will_topic = t_status;
  mc.will_payload = will;
  mc.will_len = will_len;
  mc.will_qos = 1;
  mc.will_delay_s = cfg->will_delay_s ? cfg->will_delay_s : 10;
  mc.on_state = on_state;
  mc.on_message = on_message;
  mc.on_published = on_published;
  mc.on_refused = on_refused;
  mc.user = r;
  copl_err err;
  r->m = copl_mqtt_new(&mc, &err, why, sizeof why);
  if (!r->m) {
    board_serial_close(&r->ser);
    return fatal("%s", why);
  }
  if (setup_state(r)) {
    copl_mqtt_free(r->m);
    board_serial_close(&r->ser);
    copl_blob_close(&r->blob);
    return 1;
  }
  copl_mqtt_subscribe(r->m, t_job, 1);
  copl_mqtt_subscribe(r->m, t_cmd, 1);
  say("device id %s, broker %s, link %s, state %s", r->id, cfg->broker, cfg->uart, cfg->state_dir);

  link_info info;
  link_cerr le = link_hello(&r->c, &info);
  if (le == LINK_C_OK) {
    new_boot(r, info.boot_id);
    say("device: %s, boot %08x", info.mode == LINK_MODE_BOOTLOADER ? "bootloader" : "running",
        (unsigned)info.boot_id);
    if (info.mode != LINK_MODE_BOOTLOADER)
      rt_status(r);
    dev_status(r, NULL);
  } else {
    say("device: HELLO: %s; trying on", link_cerr_str(le));
  }
  copl_mqtt_start(r->m);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);

  int rc = 0;
  while (!stop_now) {
    copl_err me = mqtt_poll(r, r->dl ? 5 : 20);
    if (me != COPL_OK) {
      rc = fatal("broker: %s", copl_mqtt_errmsg(r->m));
      break;
    }
    if (mono() >= r->next_renew) {
      renew(r);
      r->next_renew = mono() + RENEW_MS;
    }
    if (link_poll(&r->c, r->dl ? 5 : 20) == LINK_C_IO && !stop_now) {
      rc = fatal("%s: the link failed", cfg->uart);
      break;
    }
    if (r->bbox_due && r->notify_ok) {
      r->bbox_due = false;
      link_cerr e;
      if (bbox_publish(r, r->bbox_seen, &e) < 0)
        say("device: blackbox read: %s", link_cerr_str(e));
    }
    job_work(r);
    if (r->nlater)
      run_later(r);
    drain(r);
  }
  say("stopping%s", stop_now ? " (signal)" : "");
  if (r->notify_ok) {
    r->c.retries = 0;
    r->c.on_note = NULL;
    link_set_req(&r->c, LINK_SET_NOTIFY, 0, NULL);
  }
  if (r->dl)
    copl_dl_free(r->dl);
  if (r->connected) {
    /* the queued records in flight go first (bounded): the offline status
     * is the last word, and must not overtake a heartbeat that says online */
    uint64_t settle_until = mono() + 1500;
    while (r->nwin && r->connected && mono() < settle_until)
      mqtt_poll(r, 20);
    cop_stamp s = stamp_now(r);
    size_t n = cop_enc_status(out, sizeof out, &s, false, NULL, "shutdown");
    if (copl_mqtt_publish(r->m, t_status, out, n, 1, true, 0, &r->offline_mid) == COPL_OK) {
      uint64_t until = mono() + 2000;
      while (!r->offline_acked && mono() < until && r->connected)
        mqtt_poll(r, 50);
    }
    say("broker: status offline (shutdown)%s", r->offline_acked ? "" : " not acknowledged");
  }
  copl_mqtt_stop(r->m);
  copl_mqtt_free(r->m);
  copl_blob_close(&r->blob);
  board_serial_close(&r->ser);
  return rc;
}
