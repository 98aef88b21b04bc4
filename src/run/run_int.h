/*
** run_int.h -- what the runtime's files share (not for ports).
*/
#ifndef RUN_INT_H
#define RUN_INT_H

#include "run.h"

/* run_side.c */
bool run_side_send(run_dev *d, const uint8_t *msg, uint32_t n);
bool run_side_note(run_dev *d, uint8_t kind, const uint8_t *body, uint32_t n);
void run_side_answer_bootloader(run_dev *d);

/* run_dev.c */
enum { SVC_LINK, SVC_HEARTBEAT, SVC_TELEMETRY, SVC_LOG, SVC__COUNT };   /* run_dev.svc_ms */
void run_dev_link_error(run_dev *d);        /* a damaged frame: the error rate */
bool run_dev_degraded(const run_dev *d);    /* a service is failing now */
void run_dev_post(run_dev *d, uint8_t ev, int32_t value, uint32_t pc, const char *name,
                  uint32_t len);
/* Every telemetry value (the host's, then the guest's) as a TELEMETRY body. */
uint32_t run_dev_telemetry_body(run_dev *d, uint8_t *out, uint32_t cap);
/* BLACKBOX: op and from as requested; the response body in out. */
bool run_dev_blackbox(run_dev *d, uint8_t op, uint32_t from, uint8_t *out, uint32_t cap,
                      uint32_t *n);

#endif /* RUN_INT_H */
