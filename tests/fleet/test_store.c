/*
** test_store.c -- the fleet store's cases, run against one backend:
**   test_store sqlite DIR        a fresh SQLite store in DIR
**   test_store pg URL            a fresh PostgreSQL database (pg_run.sh)
** The same cases for both; every string field carries SQL metacharacters.
*/
#include <sys/wait.h>
#include <unistd.h>

#include "fleet_store.h"
#include "tcheck.h"

/* quotes, a comment, a statement separator, a LIKE wildcard, a backslash */
#define EVIL "x'); DROP TABLE artifacts; -- \"%_\\"

static const char *SHA1 = "1111111111111111111111111111111111111111111111111111111111111111";
static const char *SHA2 = "2222222222222222222222222222222222222222222222222222222222222222";

static void t_open(fst_store *s) {
  CHECK(fst_schema_version(s) == FST_SCHEMA_VERSION);
  fst_store *bad = NULL;
  char err[256];
  CHECK(fst_open(NULL, "mysql://x", &bad, err, sizeof err) == FST_ERR_URL && !bad);
  CHECK(strstr(err, "mysql://x"), "%s", err);
}

static void t_artifacts(fst_store *s) {
  int64_t c1 = 0, c2 = 0;
  CHECK(fst_counter_next(s, &c1) == FST_ERR_OK && c1 == 1, "%lld", (long long)c1);
  CHECK(fst_counter_next(s, &c2) == FST_ERR_OK && c2 == 2);
  uint8_t blob[300];
  for (int i = 0; i < 300; i++) blob[i] = (uint8_t)i;   /* NULs and high bytes */
  fst_artifact a = { .size = 300, .counter = c1, .created = 1000 };
  strcpy(a.sha256, SHA1);
  strcpy(a.version, "1.2.3");
  strcpy(a.filename, EVIL);
  CHECK(fst_artifact_put(s, &a, blob, sizeof blob) == FST_ERR_OK, "%s", fst_errmsg(s));
  CHECK(fst_artifact_put(s, &a, blob, sizeof blob) == FST_ERR_CONFLICT);
  fst_artifact bad = a;
  strcpy(bad.sha256, "Z");
  CHECK(fst_artifact_put(s, &bad, blob, 1) == FST_ERR_INVALID);
  a.counter = c2;
  a.created = 2000;
  strcpy(a.sha256, SHA2);
  CHECK(fst_artifact_put(s, &a, blob, 10) == FST_ERR_OK);

  fst_artifact g;
  CHECK(fst_artifact_get(s, SHA1, &g) == FST_ERR_OK && g.size == 300 && g.counter == 1 &&
        !strcmp(g.filename, EVIL) && !strcmp(g.version, "1.2.3") && g.created == 1000);
  CHECK(fst_artifact_get(s, EVIL, &g) == FST_ERR_NOTFOUND);
  uint8_t *buf = NULL;
  size_t len = 0;
  CHECK(fst_artifact_content(s, SHA1, &buf, &len) == FST_ERR_OK && len == 300 && !memcmp(buf, blob, 300));
  free(buf);
  CHECK(fst_artifact_content(s, "' OR 1=1 --", &buf, &len) == FST_ERR_NOTFOUND);
  fst_artifact *v;
  size_t n;
  CHECK(fst_artifact_list(s, 0, &v, &n) == FST_ERR_OK && n == 2 && !strcmp(v[0].sha256, SHA2));
  free(v);
  CHECK(fst_artifact_list(s, 1, &v, &n) == FST_ERR_OK && n == 1);
  free(v);
}

static void t_tokens(fst_store *s) {
  const char *h = "abababababababababababababababababababababababababababababababab";
  int64_t id;
  CHECK(fst_token_add(s, h, FST_ROLE_OPERATOR, EVIL, &id) == FST_ERR_OK, "%s", fst_errmsg(s));
  CHECK(fst_token_add(s, h, FST_ROLE_ADMIN, "again", NULL) == FST_ERR_CONFLICT);
  CHECK(fst_token_add(s, "nothex", FST_ROLE_ADMIN, "x", NULL) == FST_ERR_INVALID);
  CHECK(fst_token_add(s, SHA1, FST_ROLE_NONE, "x", NULL) == FST_ERR_INVALID);
  fst_token t;
  CHECK(fst_token_find(s, h, &t) == FST_ERR_OK && t.role == FST_ROLE_OPERATOR && !strcmp(t.name, EVIL));
  CHECK(fst_token_find(s, "' OR '1'='1", &t) == FST_ERR_NOTFOUND);
  CHECK(fst_token_revoke(s, id) == FST_ERR_OK);
  CHECK(fst_token_revoke(s, id) == FST_ERR_NOTFOUND);
  CHECK(fst_token_find(s, h, &t) == FST_ERR_NOTFOUND);
  fst_token *v;
  size_t n;
  CHECK(fst_token_list(s, &v, &n) == FST_ERR_OK && n == 1 && v[0].revoked > 0);
  free(v);
  CHECK(fst_role_parse("admin") == FST_ROLE_ADMIN && fst_role_parse("root") == FST_ROLE_NONE);

  CHECK(fst_audit_add(s, EVIL, "POST", "/api/v1/builds?" EVIL, 201, EVIL) == FST_ERR_OK);
  char longp[2000];
  memset(longp, 'p', sizeof longp - 1);
  longp[sizeof longp - 1] = 0;
  CHECK(fst_audit_add(s, "n", "PUT", longp, 413, "") == FST_ERR_OK);
  fst_audit *a;
  CHECK(fst_audit_list(s, 0, &a, &n) == FST_ERR_OK && n == 2);
  CHECK(n == 2 && a[0].status == 413 && strlen(a[0].path) == sizeof a[0].path - 1);
  CHECK(n == 2 && !strcmp(a[1].token, EVIL) && !strcmp(a[1].detail, EVIL) && a[1].time > 0);
  free(a);
}

static void t_devices(fst_store *s) {
  fst_device d = { .online = true, .last_seen = 5, .uptime_ms = 77 };
  strcpy(d.id, "dev-1");
  strcpy(d.running_sha, SHA1);
  strcpy(d.vm_state, "running");
  strcpy(d.reset_reason, EVIL);
  strcpy(d.boot_id, "b1");
  d.banks = "[{\"bank\":\"A\",\"sha256\":\"x\"}]";
  CHECK(fst_device_upsert(s, &d) == FST_ERR_OK, "%s", fst_errmsg(s));
  strcpy(d.id, EVIL);
  d.online = false;
  d.banks = NULL;
  CHECK(fst_device_upsert(s, &d) == FST_ERR_OK);
  strcpy(d.id, "dev-1");
  d.uptime_ms = 99;   /* an update keeps tags and desired */
  d.banks = "[]";
  d.online = true;
  CHECK(fst_device_upsert(s, &d) == FST_ERR_OK);

  char tags[3][FST_TAG_MAX] = { "lab", EVIL, "lab" };
  CHECK(fst_device_set_tags(s, "dev-1", tags, 3) == FST_ERR_OK, "%s", fst_errmsg(s));
  CHECK(fst_device_set_tags(s, "nope", tags, 1) == FST_ERR_NOTFOUND);
  CHECK(fst_device_set_desired(s, "dev-1", SHA2) == FST_ERR_OK);
  CHECK(fst_device_set_desired(s, "nope", SHA2) == FST_ERR_NOTFOUND);
  CHECK(fst_device_upsert(s, &d) == FST_ERR_OK);
  fst_device g;
  CHECK(fst_device_get(s, "dev-1", &g) == FST_ERR_OK && g.online && g.uptime_ms == 99 && g.ntags == 2 &&
        !strcmp(g.desired_sha, SHA2) && g.banks && !strcmp(g.banks, "[]") && !strcmp(g.reset_reason, EVIL));
  fst_device_free(&g);
  CHECK(fst_device_get(s, EVIL, &g) == FST_ERR_OK && !g.online && !g.banks && g.ntags == 0);
  fst_device_free(&g);
  CHECK(fst_device_get(s, "' OR ''='", &g) == FST_ERR_NOTFOUND);
  fst_device *v;
  size_t n;
  CHECK(fst_device_list(s, NULL, &v, &n) == FST_ERR_OK && n == 2);
  CHECK(n == 2 && !strcmp(v[0].id, "dev-1") && v[0].ntags == 2 && v[1].ntags == 0);
  fst_device_list_free(v, n);
  CHECK(fst_device_list(s, EVIL, &v, &n) == FST_ERR_OK && n == 1 && !strcmp(v[0].id, "dev-1"));
  fst_device_list_free(v, n);
  CHECK(fst_device_list(s, "%", &v, &n) == FST_ERR_OK && n == 0);
  fst_device_list_free(v, n);
  /* tags attach to the right device when several have them */
  char t2[2][FST_TAG_MAX] = { "zz", "aa" };
  CHECK(fst_device_set_tags(s, EVIL, t2, 2) == FST_ERR_OK);
  CHECK(fst_device_list(s, NULL, &v, &n) == FST_ERR_OK && n == 2);
  CHECK(n == 2 && v[0].ntags == 2 && v[1].ntags == 2 && !strcmp(v[1].tags[0], "aa") && !strcmp(v[0].tags[0], "lab") && !strcmp(v[0].tags[1], EVIL));
  fst_device_list_free(v, n);
  CHECK(fst_device_set_tags(s, EVIL, t2, 0) == FST_ERR_OK);
}

static void t_reports(fst_store *s) {
  int64_t now = fst_now_ms();
  fst_point p[4] = {
    { "dev-1", "b1", "temp", 1, now - 10000, 20.5 },
    { "dev-1", "b1", EVIL, 1, now - 9000, -1e300 },
    { "dev-1", "b1", "temp", 2, now - 8000, 21.25 },
    { "dev-1", "b1", "temp", 1, now - 1, 99 },     /* a duplicate of [0] (QoS 1 redelivery) */
  };
  size_t ins = 0;
  CHECK(fst_telemetry_insert(s, p, 4, &ins) == FST_ERR_OK && ins == 3, "%zu %s", ins, fst_errmsg(s));
  CHECK(fst_telemetry_insert(s, p, 4, &ins) == FST_ERR_OK && ins == 0);
  fst_point_row *pr;
  size_t n;
  CHECK(fst_telemetry_list(s, "dev-1", "temp", 0, now, 0, &pr, &n) == FST_ERR_OK && n == 2);
  CHECK(n == 2 && pr[0].value == 20.5 && pr[1].value == 21.25 && !strcmp(pr[0].boot_id, "b1"));
  free(pr);
  CHECK(fst_telemetry_list(s, "dev-1", NULL, 0, now, 0, &pr, &n) == FST_ERR_OK && n == 3);
  CHECK(n == 3 && !strcmp(pr[1].name, EVIL) && pr[1].value == -1e300);
  free(pr);
  CHECK(fst_telemetry_list(s, "dev-1", NULL, now - 8500, now, 0, &pr, &n) == FST_ERR_OK && n == 1);
  free(pr);

  /* a bulk batch (more than one 64-row chunk on PostgreSQL) with
  ** duplicates inside a chunk and across chunks: each point once */
  {
    fst_point bulk[200];
    char names[200][16];
    for (int i = 0; i < 200; i++) {
      int k = i < 130 ? i % 100 : i;   /* 100..129 repeat 0..29: 170 distinct */
      snprintf(names[i], sizeof names[i], "bulk%d", k % 7);
      bulk[i] = (fst_point){ "dev-bulk", "b1", names[i], k, now - 1000 + k, (double)k };
    }
    bulk[1] = bulk[0];                 /* a duplicate inside the first chunk */
    CHECK(fst_telemetry_insert(s, bulk, 200, &ins) == FST_ERR_OK && ins == 170, "%zu", ins);
    CHECK(fst_telemetry_insert(s, bulk, 200, &ins) == FST_ERR_OK && ins == 0, "%zu", ins);
    CHECK(fst_telemetry_list(s, "dev-bulk", NULL, 0, now, 0, &pr, &n) == FST_ERR_OK && n == 170, "%zu", n);
    bool ok = n == 170;
    for (size_t i = 1; ok && i < n; i++) ok = pr[i].time >= pr[i - 1].time && pr[i].value == (double)pr[i].seq;
    CHECK(ok);
    free(pr);
    fst_point badp[70];
    for (int i = 0; i < 70; i++) badp[i] = (fst_point){ "dev-bulk", "b9", "x", i, now, 1 };
    badp[65].name = NULL;              /* refused whole: nothing of the batch stays */
    CHECK(fst_telemetry_insert(s, badp, 70, &ins) == FST_ERR_INVALID);
    CHECK(fst_telemetry_list(s, "dev-bulk", "x", 0, now, 0, &pr, &n) == FST_ERR_OK && n == 0);
    free(pr);
  }
  /* a batch past the writer's 64 rows a statement: 150 points in 64 + 64 +
  ** 22, every 10th a redelivery of an earlier one; again: nothing new; the
  ** stored values are the first copies' */
  fst_point big[150];
  char nm[150][16];
  for (int i = 0; i < 150; i++) {
    int k = i % 10 == 9 ? i - 5 : i;   /* a duplicate of point i-5 */
    snprintf(nm[i], sizeof nm[i], "m%d", k % 7);
    big[i] = (fst_point){ "dev-big", "b2", nm[i], k, now - 5000 + k, (double)i };
  }
  CHECK(fst_telemetry_insert(s, big, 150, &ins) == FST_ERR_OK && ins == 135, "%zu %s", ins, fst_errmsg(s));
  CHECK(fst_telemetry_insert(s, big, 150, &ins) == FST_ERR_OK && ins == 0, "%zu", ins);
  CHECK(fst_telemetry_list(s, "dev-big", NULL, 0, now, 0, &pr, &n) == FST_ERR_OK && n == 135, "%zu", n);
  for (size_t i = 0; i < n; i++)
    CHECK(pr[i].value == (double)pr[i].seq && !strcmp(pr[i].boot_id, "b2"), "%lld %g", (long long)pr[i].seq, pr[i].value);
  free(pr);
  big[100].device = NULL;   /* a bad point inside a full statement: refused, nothing of the batch stored */
  big[0].boot_id = "b3";
  CHECK(fst_telemetry_insert(s, big, 150, &ins) == FST_ERR_INVALID);
  CHECK(fst_telemetry_list(s, "dev-big", NULL, 0, now, 0, &pr, &n) == FST_ERR_OK && n == 135, "%zu", n);
  free(pr);

  fst_log l[3] = { { "dev-1", "b1", EVIL, 1, now - 10000 }, { "dev-1", "b1", "two", 2, now }, { "dev-1", "b1", "dup", 1, now } };
  CHECK(fst_logs_insert(s, l, 3, &ins) == FST_ERR_OK && ins == 2);
  fst_log_row *lr;
  CHECK(fst_logs_list(s, "dev-1", 0, 0, &lr, &n) == FST_ERR_OK && n == 2 && !strcmp(lr[0].text, EVIL));
  int64_t first = n ? lr[0].id : 0;
  free(lr);
  CHECK(fst_logs_list(s, "dev-1", first, 0, &lr, &n) == FST_ERR_OK && n == 1 && !strcmp(lr[0].text, "two"));
  free(lr);
  CHECK(fst_logs_list(s, "dev-1", 0, 1, &lr, &n) == FST_ERR_OK && n == 1);
  free(lr);

  fst_event ev[2] = { { "dev-1", "b1", "reverted", "{\"why\":\"" "x'--" "\"}", 1, now, NULL }, { "dev-1", "b1", EVIL, NULL, 2, now, NULL } };
  CHECK(fst_events_insert(s, ev, 2, &ins) == FST_ERR_OK && ins == 2);
  CHECK(fst_events_insert(s, ev, 1, &ins) == FST_ERR_OK && ins == 0);
  fst_event_row *er;
  CHECK(fst_events_list(s, "dev-1", 0, &er, &n) == FST_ERR_OK && n == 2 && !strcmp(er[0].kind, EVIL) && !er[0].detail);
  free(er);
  /* v2: two different events in one millisecond (same seq) are both kept,
  ** told apart by kind or dedup; the same one again (dedup equal) is not */
  fst_event same_ms[3] = { { "dev-1", "b1", "started", NULL, 50, now, NULL },
                           { "dev-1", "b1", "exited", NULL, 50, now, NULL },
                           { "dev-1", "b1", "exited", NULL, 50, now, "d2" } };
  CHECK(fst_events_insert(s, same_ms, 3, &ins) == FST_ERR_OK && ins == 3, "%zu", ins);
  CHECK(fst_events_insert(s, same_ms + 2, 1, &ins) == FST_ERR_OK && ins == 0);
  CHECK(fst_events_list(s, "dev-1", 0, &er, &n) == FST_ERR_OK && n == 5);
  free(er);

  /* device reports: a new device is made; a late (older) report moves
  ** last_seen nowhere and changes nothing; `always` (a status) does */
  fst_report rep = { "dev-r", 5000, 1, false, "aa", "1.0.0", "running", "{\"running\":\"A\"}", "b1",
                            "power_on", 100 };
  CHECK(fst_device_report(s, &rep) == FST_ERR_OK);
  fst_device dr;
  CHECK(fst_device_get(s, "dev-r", &dr) == FST_ERR_OK && dr.online && dr.last_seen == 5000 &&
        !strcmp(dr.vm_state, "running") && dr.uptime_ms == 100 && !strcmp(dr.reset_reason, "power_on") &&
        !strcmp(dr.running_version, "1.0.0"));
  fst_device_free(&dr);
  fst_report hb = { "dev-r", 6000, 1, false, NULL, NULL, "sleeping", NULL, "b1", NULL, 1100 };
  CHECK(fst_device_report(s, &hb) == FST_ERR_OK);
  fst_report late = { "dev-r", 5500, 0, false, NULL, NULL, "faulted", NULL, "b0", NULL, 1 };
  CHECK(fst_device_report(s, &late) == FST_ERR_OK);
  CHECK(fst_device_get(s, "dev-r", &dr) == FST_ERR_OK && dr.online && dr.last_seen == 6000 &&
        !strcmp(dr.vm_state, "sleeping") && !strcmp(dr.boot_id, "b1") && dr.uptime_ms == 1100 &&
        !strcmp(dr.reset_reason, "power_on") && !strcmp(dr.running_sha, "aa"));
  fst_device_free(&dr);
  fst_report will = { "dev-r", 4000, 0, true, NULL, NULL, NULL, NULL, NULL, NULL, -1 };
  CHECK(fst_device_report(s, &will) == FST_ERR_OK);
  CHECK(fst_device_get(s, "dev-r", &dr) == FST_ERR_OK && !dr.online && dr.last_seen == 6000 &&
        !strcmp(dr.vm_state, "sleeping"));
  fst_device_free(&dr);
  fst_report st2 = { "dev-r", 4500, 1, true, "bb", "2.0.0", "running", NULL, "b2", "watchdog", 7 };
  CHECK(fst_device_report(s, &st2) == FST_ERR_OK);
  CHECK(fst_device_get(s, "dev-r", &dr) == FST_ERR_OK && dr.online && dr.last_seen == 6000 &&
        !strcmp(dr.running_version, "2.0.0") && !strcmp(dr.running_sha, "bb") && !strcmp(dr.boot_id, "b2") &&
        dr.uptime_ms == 7 && !strcmp(dr.reset_reason, "watchdog") && dr.banks && strstr(dr.banks, "running"));
  fst_device_free(&dr);
  /* a time-only report (any message: last_seen) newer than the next
  ** heartbeat does not make the heartbeat "late" */
  fst_report seen = { "dev-r", 9000, -1, false, NULL, NULL, NULL, NULL, NULL, NULL, -1 };
  CHECK(fst_device_report(s, &seen) == FST_ERR_OK);
  fst_report hb2 = { "dev-r", 7000, 1, false, NULL, NULL, "faulted", NULL, "b2", NULL, 2000 };
  CHECK(fst_device_report(s, &hb2) == FST_ERR_OK);
  CHECK(fst_device_get(s, "dev-r", &dr) == FST_ERR_OK && dr.last_seen == 9000 && !strcmp(dr.vm_state, "faulted") &&
        dr.uptime_ms == 2000);
  fst_device_free(&dr);
  fst_report hb_late = { "dev-r", 6500, 1, false, NULL, NULL, "running", NULL, "b2", NULL, 1500 };
  CHECK(fst_device_report(s, &hb_late) == FST_ERR_OK);   /* older than the heartbeat before it */
  CHECK(fst_device_get(s, "dev-r", &dr) == FST_ERR_OK && !strcmp(dr.vm_state, "faulted") && dr.uptime_ms == 2000);
  fst_device_free(&dr);
  /* a device reports its image's digest: the store keeps the artifact that holds it */
  {
    fst_artifact ia = { .size = 4, .counter = 77, .created = 1 };
    memset(ia.sha256, 'c', 64);
    memset(ia.image_sha256, 'd', 64);
    strcpy(ia.version, "3.0.0");
    CHECK(fst_artifact_put(s, &ia, (const uint8_t *)"abcd", 4) == FST_ERR_OK);
    fst_artifact got;
    CHECK(fst_artifact_get(s, ia.sha256, &got) == FST_ERR_OK && !strcmp(got.image_sha256, ia.image_sha256));
    fst_report im = { "dev-r", 7000, 1, true, ia.image_sha256, "3.0.0", "running", NULL, "b3", NULL, 8 };
    CHECK(fst_device_report(s, &im) == FST_ERR_OK);
    CHECK(fst_device_get(s, "dev-r", &dr) == FST_ERR_OK && !strcmp(dr.running_sha, ia.sha256),
          "running %s", dr.running_sha);
    fst_device_free(&dr);
    fst_artifact bad = ia;
    memset(bad.sha256, 'e', 64);
    strcpy(bad.image_sha256, "not hex");
    CHECK(fst_artifact_put(s, &bad, (const uint8_t *)"x", 1) == FST_ERR_INVALID);
  }
  char longid[200];
  memset(longid, 'x', sizeof longid - 1);
  longid[sizeof longid - 1] = 0;
  fst_report bad = { longid, 1, 1, false, NULL, NULL, NULL, NULL, NULL, NULL, -1 };
  CHECK(fst_device_report(s, &bad) == FST_ERR_INVALID);
  bad.id = "";
  CHECK(fst_device_report(s, &bad) == FST_ERR_INVALID);

  fst_crash c = { "dev-1", "b1", EVIL, "main", "1.2.3", SHA1, "fault", NULL, 7, now, 42, 0x100 };
  CHECK(fst_crashes_insert(s, &c, 1, &ins) == FST_ERR_OK && ins == 1);
  CHECK(fst_crashes_insert(s, &c, 1, &ins) == FST_ERR_OK && ins == 0);
  fst_crash_row *cr;
  CHECK(fst_crashes_list(s, "dev-1", 0, &cr, &n) == FST_ERR_OK && n == 1 && cr[0].line == 42 &&
        !strcmp(cr[0].file, EVIL) && !strcmp(cr[0].version, "1.2.3") && cr[0].pc == 0x100);
  free(cr);

  /* a batch in the caller's transaction, rolled back: nothing stays */
  CHECK(fst_begin(s) == FST_ERR_OK);
  CHECK(fst_begin(s) == FST_ERR_INVALID);
  fst_point q = { "dev-1", "b2", "temp", 1, now, 1 };
  CHECK(fst_telemetry_insert(s, &q, 1, &ins) == FST_ERR_OK && ins == 1);
  fst_rollback(s);
  CHECK(fst_telemetry_list(s, "dev-1", NULL, 0, now, 0, &pr, &n) == FST_ERR_OK && n == 3);
  free(pr);

  /* retention */
  int64_t dt = 0, dl = 0;
  CHECK(fst_prune(s, now - 8500, &dt, &dl) == FST_ERR_OK && dt == 2 && dl == 1, "%lld %lld", (long long)dt, (long long)dl);
  CHECK(fst_telemetry_list(s, "dev-1", NULL, 0, now, 0, &pr, &n) == FST_ERR_OK && n == 1);
  free(pr);
}

static void t_deployments(fst_store *s) {
  fst_deployment d = { .nstages = 3, .stages = { 10, 50, 100 }, .max_failures = 1, .job_timeout_s = 60,
                       .rollback = true, .state = FST_DEPLOY_running };
  strcpy(d.artifact, SHA2);
  d.target = "{\"tag\":\"" "x'--" "\"}";
  strcpy(d.created_by, EVIL);
  fst_job jobs[2] = { { .stage = 0 }, { .stage = 2 } };
  strcpy(jobs[0].device, "dev-1");
  strcpy(jobs[0].previous_sha, SHA1);
  strcpy(jobs[1].device, EVIL);
  CHECK(fst_deployment_create(s, &d, jobs, 2) == FST_ERR_OK && d.id > 0, "%s", fst_errmsg(s));
  int64_t id = d.id;
  fst_deployment d2 = d;
  CHECK(fst_deployment_create(s, &d2, jobs + 1, 1) == FST_ERR_CONFLICT, "%s", fst_errmsg(s));
  strcpy(d2.artifact, "3333333333333333333333333333333333333333333333333333333333333333");
  CHECK(fst_deployment_create(s, &d2, NULL, 0) == FST_ERR_NOTFOUND);

  fst_deployment g;
  CHECK(fst_deployment_get(s, id, &g) == FST_ERR_OK && g.nstages == 3 && g.stages[1] == 50 && g.rollback &&
        g.state == FST_DEPLOY_running && !strcmp(g.created_by, EVIL) && g.target && !strcmp(g.target, d.target));
  fst_deployment_free(&g);
  CHECK(fst_deployment_get(s, 999, &g) == FST_ERR_NOTFOUND);
  fst_job *jv;
  size_t n;
  CHECK(fst_jobs_list(s, id, &jv, &n) == FST_ERR_OK && n == 2 && jv[0].state == FST_JOB_QUEUED &&
        !strcmp(jv[0].previous_sha, SHA1) && !strcmp(jv[1].device, EVIL));
  int64_t j0 = n ? jv[0].id : 0;
  free(jv);
  CHECK(fst_job_update(s, j0, FST_JOB_IN_PROGRESS, EVIL, 40) == FST_ERR_OK);
  CHECK(fst_job_update(s, j0, FST_JOB_IN_PROGRESS, "", -1) == FST_ERR_OK);
  CHECK(fst_job_update(s, 12345, FST_JOB_FAILED, "", -1) == FST_ERR_NOTFOUND);
  CHECK(fst_jobs_list(s, id, &jv, &n) == FST_ERR_OK && n == 2 && jv[0].progress == 40 &&
        jv[0].state == FST_JOB_IN_PROGRESS);
  free(jv);

  /* referenced artifacts are never pruned; the device runs SHA1, the
  ** deployment names SHA2 */
  int64_t del = -1;
  CHECK(fst_artifact_prune(s, INT64_MAX, &del) == FST_ERR_OK && del == 0, "%lld", (long long)del);

  /* claims: one holder at a time, until the lease is given back or expires */
  int64_t cid = 0, cid2 = 0;
  CHECK(fst_deployment_claim(s, "fleetd-a", 60000, &cid) == FST_ERR_OK && cid == id, "%s", fst_errmsg(s));
  CHECK(fst_deployment_claim(s, "fleetd-b", 60000, &cid2) == FST_ERR_NOTFOUND);
  CHECK(fst_deployment_release(s, id, "fleetd-b") == FST_ERR_NOTFOUND);
  CHECK(fst_deployment_release(s, id, "fleetd-a") == FST_ERR_OK);
  CHECK(fst_deployment_claim(s, "fleetd-b", -1, &cid2) == FST_ERR_OK && cid2 == id);   /* expired at once */
  CHECK(fst_deployment_claim(s, "fleetd-a", 60000, &cid) == FST_ERR_OK && cid == id);
  CHECK(fst_deployment_claim(s, EVIL, 60000, &cid) == FST_ERR_NOTFOUND);

  CHECK(fst_deployment_set_state(s, id, FST_DEPLOY_halted, 1) == FST_ERR_OK);
  CHECK(fst_deployment_claim(s, "fleetd-c", 60000, &cid) == FST_ERR_NOTFOUND);
  fst_deployment *dv;
  CHECK(fst_deployment_list(s, 0, &dv, &n) == FST_ERR_OK && n == 1 && dv[0].state == FST_DEPLOY_halted &&
        dv[0].current_stage == 1);
  fst_deployment_list_free(dv, n);
  /* halted: the device may be deployed to again */
  CHECK(fst_deployment_create(s, &d2, NULL, 0) == FST_ERR_NOTFOUND);
  strcpy(d2.artifact, SHA1);
  CHECK(fst_deployment_create(s, &d2, jobs + 1, 1) == FST_ERR_OK, "%s", fst_errmsg(s));

  /* compare-and-set writes: the second writer of one read loses */
  CHECK(fst_jobs_list(s, d2.id, &jv, &n) == FST_ERR_OK && n == 1 && !strcmp(jv[0].artifact, SHA1) && !jv[0].rollback);
  fst_job a1 = n ? jv[0] : (fst_job){0}, a2 = a1;
  free(jv);
  a1.state = FST_JOB_IN_PROGRESS;
  strcpy(a1.phase, "downloading");
  a1.sent = 111;
  a1.deadline = 222;
  a1.owed = FST_OWE_JOB;
  a1.seq = 3;
  strcpy(a1.reason, EVIL);
  CHECK(fst_job_put(s, &a1) == FST_ERR_OK && a1.rev == a2.rev + 1, "%s", fst_errmsg(s));
  a2.state = FST_JOB_CANCELED;
  CHECK(fst_job_put(s, &a2) == FST_ERR_CONFLICT);
  fst_job g1;
  CHECK(fst_job_get(s, a1.id, &g1) == FST_ERR_OK && g1.state == FST_JOB_IN_PROGRESS && g1.sent == 111 &&
        g1.deadline == 222 && g1.owed == FST_OWE_JOB && g1.seq == 3 && !strcmp(g1.phase, "downloading") &&
        !strcmp(g1.reason, EVIL) && g1.rev == a1.rev);
  CHECK(fst_job_get(s, 987654, &g1) == FST_ERR_NOTFOUND);
  CHECK(fst_jobs_open(s, EVIL, &jv, &n) == FST_ERR_OK && n == 2, "%zu", n);   /* the halted one's too */
  free(jv);
  CHECK(fst_jobs_open(s, "nobody", &jv, &n) == FST_ERR_OK && n == 0 && !jv);
  /* a rollback job beside the install job, once */
  fst_job rb = { .deployment = d2.id, .stage = 0, .rollback = true, .state = FST_JOB_QUEUED };
  strcpy(rb.device, EVIL);
  strcpy(rb.artifact, SHA2);
  CHECK(fst_job_add(s, &rb) == FST_ERR_OK && rb.id > 0, "%s", fst_errmsg(s));
  CHECK(fst_job_add(s, &rb) == FST_ERR_CONFLICT);
  rb.deployment = 424242;
  CHECK(fst_job_add(s, &rb) == FST_ERR_NOTFOUND);   /* no such deployment */
  /* transitions are compare-and-set; a settled deployment is not claimed */
  CHECK(fst_deployment_transition(s, d2.id, FST_DEPLOY_halted, FST_DEPLOY_succeeded, 0, true) == FST_ERR_CONFLICT);
  CHECK(fst_deployment_transition(s, 424242, FST_DEPLOY_running, FST_DEPLOY_halted, 0, true) == FST_ERR_NOTFOUND);
  CHECK(fst_deployment_transition(s, d2.id, FST_DEPLOY_running, FST_DEPLOY_canceled, 2, false) == FST_ERR_OK);
  CHECK(fst_deployment_claim(s, "fleetd-d", 60000, &cid) == FST_ERR_OK && cid == d2.id);   /* not settled yet */
  CHECK(fst_deployment_release(s, cid, "fleetd-d") == FST_ERR_OK);
  CHECK(fst_deployment_get(s, d2.id, &g) == FST_ERR_OK && g.state == FST_DEPLOY_canceled && g.current_stage == 2 &&
        !g.settled);
  fst_deployment_free(&g);
  CHECK(fst_deployment_transition(s, d2.id, FST_DEPLOY_canceled, FST_DEPLOY_canceled, 2, true) == FST_ERR_OK);
  CHECK(fst_deployment_claim(s, "fleetd-d", 60000, &cid) == FST_ERR_NOTFOUND);
  /* given back, claims take turns: the one given back longest ago first */
  fst_deployment d3 = d2, d4 = d2;
  CHECK(fst_deployment_create(s, &d3, NULL, 0) == FST_ERR_OK && fst_deployment_create(s, &d4, NULL, 0) == FST_ERR_OK);
  int64_t t1 = 0, t2 = 0, t3 = 0;
  CHECK(fst_deployment_claim(s, "o", 60000, &t1) == FST_ERR_OK && fst_deployment_release(s, t1, "o") == FST_ERR_OK);
  CHECK(fst_deployment_claim(s, "o", 60000, &t2) == FST_ERR_OK && fst_deployment_release(s, t2, "o") == FST_ERR_OK);
  CHECK(fst_deployment_claim(s, "o", 60000, &t3) == FST_ERR_OK && fst_deployment_release(s, t3, "o") == FST_ERR_OK);
  CHECK(t1 == d3.id && t2 == d4.id && t3 == d3.id, "%lld %lld %lld", (long long)t1, (long long)t2, (long long)t3);
  CHECK(fst_deployment_set_state(s, d4.id, FST_DEPLOY_canceled, 0) == FST_ERR_OK);   /* d3 is left to claim */

  CHECK(fst_job_state_parse("TIMED_OUT") == FST_JOB_TIMED_OUT && fst_job_state_parse("x") < 0);
  CHECK(fst_job_state_terminal(FST_JOB_CANCELED) && !fst_job_state_terminal(FST_JOB_QUEUED));
}

static void t_prune_unreferenced(fst_store *s) {
  /* a third artifact nobody refers to goes; the others stay */
  fst_artifact a = { .size = 1, .counter = 3, .created = 10 };
  strcpy(a.sha256, "4444444444444444444444444444444444444444444444444444444444444444");
  strcpy(a.version, "0.0.1");
  strcpy(a.filename, "x.c");
  CHECK(fst_artifact_put(s, &a, (const uint8_t *)"x", 1) == FST_ERR_OK);
  int64_t del = 0;
  CHECK(fst_artifact_prune(s, 11, &del) == FST_ERR_OK && del == 1);
  fst_artifact *v;
  size_t n;
  /* the two of the deployments, and the one dev-r runs (t_devices) */
  CHECK(fst_artifact_list(s, 0, &v, &n) == FST_ERR_OK && n == 3, "%zu artifacts", n);
  free(v);
}

/* Several processes, each with its own connection, claim at once: exactly
** one gets the running deployment. */
static void t_claim_race(const char *kind, const char *spec) {
  enum { N = 6 };
  pid_t pids[N];
  int pipefd[2];
  REQUIRE(pipe(pipefd) == 0);
  for (int i = 0; i < N; i++) {
    pids[i] = fork();
    REQUIRE(pids[i] >= 0);
    if (pids[i] == 0) {
      close(pipefd[1]);
      char b;
      fst_store *s;
      char err[256], owner[16];
      int rc = fst_open(!strcmp(kind, "sqlite") ? spec : NULL, !strcmp(kind, "sqlite") ? NULL : spec, &s, err,
                        sizeof err) ? 3 : 0;
      if (read(pipefd[0], &b, 1) < 0) rc = 3;   /* wait for the start */
      if (!rc) {
        int64_t id;
        snprintf(owner, sizeof owner, "proc-%d", i);
        fst_err e = fst_deployment_claim(s, owner, 60000, &id);
        rc = e == FST_ERR_OK ? 0 : e == FST_ERR_NOTFOUND ? 1 : 2;
        if (rc == 2) fprintf(stderr, "claim in proc %d: %s\n", i, fst_errmsg(s));
        fst_close(s);
      }
      _exit(rc);
    }
  }
  close(pipefd[0]);
  close(pipefd[1]);   /* EOF releases every child at once */
  int won = 0, lost = 0;
  for (int i = 0; i < N; i++) {
    int st;
    waitpid(pids[i], &st, 0);
    int rc = WIFEXITED(st) ? WEXITSTATUS(st) : 9;
    won += rc == 0;
    lost += rc == 1;
  }
  CHECK(won == 1 && lost == N - 1, "won %d lost %d of %d", won, lost, N);
}

/* commands (schema v4): add, CAS transitions, answers, expiry, listing */
static void t_commands(fst_store *s) {
  fst_device d = { .online = true };
  strcpy(d.id, "cmd-dev");
  CHECK(fst_device_upsert(s, &d) == FST_ERR_OK);
  int64_t now = fst_now_ms();
  fst_command c = { .has_value = true, .value = 500, .expires = now + 60000 };
  strcpy(c.device, "cmd-dev");
  strcpy(c.msg_id, "cmd-0001");
  strcpy(c.op, "telemetry-interval");
  strcpy(c.created_by, EVIL);
  CHECK(fst_command_add(s, &c) == FST_ERR_OK && c.id > 0 && c.state == FST_CMD_pending, "%s", fst_errmsg(s));
  fst_command c2 = c;
  CHECK(fst_command_add(s, &c2) == FST_ERR_CONFLICT, "a message id twice");
  strcpy(c2.msg_id, "cmd-0002");
  strcpy(c2.device, "nobody");
  CHECK(fst_command_add(s, &c2) == FST_ERR_NOTFOUND, "an unknown device");
  strcpy(c2.device, "cmd-dev");
  strcpy(c2.op, "reboot");
  c2.has_value = false;
  c2.expires = now - 1;
  CHECK(fst_command_add(s, &c2) == FST_ERR_OK && c2.id > c.id);
  fst_command g;
  CHECK(fst_command_get(s, "cmd-dev", c.id, &g) == FST_ERR_OK && g.has_value && g.value == 500 &&
        !strcmp(g.created_by, EVIL) && !strcmp(g.msg_id, "cmd-0001") && g.state == FST_CMD_pending && !g.has_result &&
        g.expires == c.expires && g.sent == 0);
  CHECK(fst_command_get(s, "other", c.id, &g) == FST_ERR_NOTFOUND, "another device's command");
  CHECK(fst_command_get(s, EVIL, c.id, &g) == FST_ERR_NOTFOUND);
  /* pending: the one not expired */
  fst_command *v;
  size_t n;
  CHECK(fst_commands_pending(s, now, 0, &v, &n) == FST_ERR_OK && n == 1 && v[0].id == c.id);
  free(v);
  /* compare-and-set: only one claim wins */
  CHECK(fst_command_transition(s, c.id, FST_CMD_pending, FST_CMD_sent, now + 1) == FST_ERR_OK);
  CHECK(fst_command_transition(s, c.id, FST_CMD_pending, FST_CMD_sent, now + 2) == FST_ERR_CONFLICT);
  CHECK(fst_command_get(s, "cmd-dev", c.id, &g) == FST_ERR_OK && g.state == FST_CMD_sent && g.sent == now + 1);
  /* expiry: the reboot (past its expiry) only */
  int64_t k = 0;
  CHECK(fst_commands_expire(s, now, &k) == FST_ERR_OK && k == 1, "%lld", (long long)k);
  CHECK(fst_command_get(s, "cmd-dev", c2.id, &g) == FST_ERR_OK && g.state == FST_CMD_expired &&
        !strcmp(g.reason, "no_response"));
  /* answers: by device and message id; once */
  int64_t res = 500, id = 0;
  CHECK(fst_command_answer(s, "other", "cmd-0001", FST_CMD_succeeded, &res, "", now, &id) == FST_ERR_NOTFOUND);
  CHECK(fst_command_answer(s, "cmd-dev", EVIL, FST_CMD_succeeded, &res, "", now, &id) == FST_ERR_NOTFOUND);
  CHECK(fst_command_answer(s, "cmd-dev", "cmd-0001", FST_CMD_sent, &res, "", now, &id) == FST_ERR_INVALID);
  CHECK(fst_command_answer(s, "cmd-dev", "cmd-0001", FST_CMD_succeeded, &res, "", now + 5, &id) == FST_ERR_OK &&
        id == c.id);
  CHECK(fst_command_answer(s, "cmd-dev", "cmd-0001", FST_CMD_failed, NULL, "x", now + 6, &id) == FST_ERR_CONFLICT);
  CHECK(fst_command_get(s, "cmd-dev", c.id, &g) == FST_ERR_OK && g.state == FST_CMD_succeeded && g.has_result &&
        g.result == 500 && g.updated == now + 5);
  /* a late answer to an expired command still applies */
  CHECK(fst_command_answer(s, "cmd-dev", "cmd-0002", FST_CMD_failed, NULL, EVIL, now + 7, NULL) == FST_ERR_OK);
  CHECK(fst_command_get(s, "cmd-dev", c2.id, &g) == FST_ERR_OK && g.state == FST_CMD_failed && !g.has_result &&
        !strcmp(g.reason, EVIL));
  CHECK(fst_command_list(s, "cmd-dev", 0, &v, &n) == FST_ERR_OK && n == 2 && v[0].id == c2.id && v[1].id == c.id);
  free(v);
  CHECK(fst_command_list(s, "cmd-dev", 1, &v, &n) == FST_ERR_OK && n == 1 && v[0].id == c2.id);
  free(v);
  CHECK(fst_command_list(s, EVIL, 0, &v, &n) == FST_ERR_OK && n == 0);
  free(v);
  CHECK(fst_cmd_state_parse("expired") == FST_CMD_expired && fst_cmd_state_parse("nope") < 0);
  /* the blackbox's next record number, from the crashes stored */
  CHECK(fst_crash_next_seq(s, "cmd-dev", &k) == FST_ERR_OK && k == 0);
  fst_crash cr[2] = { { .device = "cmd-dev", .boot_id = "b1", .seq = 7, .time = now },
                      { .device = "cmd-dev", .boot_id = "b2", .seq = 3, .time = now } };
  size_t ins;
  CHECK(fst_crashes_insert(s, cr, 2, &ins) == FST_ERR_OK && ins == 2, "%s", fst_errmsg(s));
  CHECK(fst_crash_next_seq(s, "cmd-dev", &k) == FST_ERR_OK && k == 8, "%lld", (long long)k);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: test_store sqlite DIR | pg URL\n");
    return 2;
  }
  fst_store *s = NULL;
  char err[512];
  fst_err e = !strcmp(argv[1], "sqlite") ? fst_open(argv[2], NULL, &s, err, sizeof err)
                                         : fst_open(NULL, argv[2], &s, err, sizeof err);
  REQUIRE(e == FST_ERR_OK, "%s", err);
  printf("backend %s\n", fst_backend(s));
  t_open(s);
  t_artifacts(s);
  t_tokens(s);
  t_devices(s);
  t_reports(s);
  t_deployments(s);
  t_prune_unreferenced(s);
  t_commands(s);
  fst_close(s);
  t_claim_race(argv[1], argv[2]);
  /* reopening finds the schema and the data */
  e = !strcmp(argv[1], "sqlite") ? fst_open(argv[2], NULL, &s, err, sizeof err)
                                 : fst_open(NULL, argv[2], &s, err, sizeof err);
  REQUIRE(e == FST_ERR_OK, "%s", err);
  fst_artifact g;
  CHECK(fst_artifact_get(s, SHA1, &g) == FST_ERR_OK);
  int64_t c = 0;
  CHECK(fst_counter_next(s, &c) == FST_ERR_OK && c == 3);
  fst_close(s);
  return t_done(!strcmp(argv[1], "sqlite") ? "fleet.store.sqlite" : "fleet.store.pg");
}
