/*
** test_cop_docs.c -- docs/fleet-protocol.md names, as `code`, every wire
** name of the copilot core's tables: topics, job states, job reasons,
** phases, commands and refusal reasons.
*/
#include "cop.h"
#include "tcheck.h"

static char *doc;

static void want(const char *table, const char *name) {
  char w[96];
  if (!name[0]) return;   /* the tables' "none" rows */
  snprintf(w, sizeof w, "`%s`", name);
  CHECK(strstr(doc, w) != NULL, "docs/fleet-protocol.md lacks %s %s", table, w);
}

int main(int argc, char **argv) {
  if (argc != 2) { fprintf(stderr, "usage: test_cop_docs fleet-protocol.md\n"); return 2; }
  FILE *f = fopen(argv[1], "rb");
  if (!f) { perror(argv[1]); return 2; }
  static char buf[1 << 18];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  doc = buf;
#define X(name, suffix, dir, qos, retain, queued) want("topic", suffix);
#include "cop_topics.def"
#undef X
#define X(name, wire, terminal) want("job state", wire);
#include "cop_jobs.def"
#undef X
#define X(name, wire, state, desc) want("job reason", wire);
#include "cop_reasons.def"
#undef X
#define X(name, op, desc) want("command", op);
#include "cop_cmds.def"
#undef X
#define X(name, wire, desc) want("refusal reason", wire);
#include "cop_errors.def"
#undef X
#define X(name, wire) want("phase", wire);
  COP_PHASES(X)
#undef X
  /* and through the names the code uses, so a table and its accessor agree */
  for (uint32_t t = 0; t < COP_T__COUNT; t++) want("topic", cop_topic_get((cop_topic)t)->suffix);
  for (uint32_t e = 0; e < COP_E__COUNT; e++) want("refusal reason", cop_err_name((cop_err)e));
  return t_done("copilot.docs");
}
