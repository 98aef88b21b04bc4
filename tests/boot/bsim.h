/*
** bsim.h -- an in-process simulation of a device and its serial line, for
** the boot and link tests: the device (boot_dev + boot_srv on the memory
** flash of board_flash.c) and a client (link_client) talk over two
** simulated lines on a virtual nanosecond clock.
**
** Line model: bytes take 10 bits each at `baud` (0: no time at all); each
** direction is one queue. Faults (drop, duplicate, reorder whole frames,
** garbage before a frame, bit flips, a window where the link is down) are
** applied per send call -- each call is one frame -- from a seeded PRNG.
** Device model: received bytes land in a ring of `ring` bytes (the UART's
** DMA buffer; overflow drops bytes); it decodes them instantly, but while
** a request's flash operations take their modelled time it is busy and
** bytes wait in the ring. Answers leave when the work is done. REBOOT
** restarts it (boot_select) after its answer is out; bytes that arrive
** during the reset are lost. A hypervisor model confirms a trial after
** health_ns, or rejects it when `trial_fault` says the program faults.
**
** Test artifacts: tart_build() assembles a small setup/loop program whose
** output line is `tag` and whose size is about `size` bytes.
*/
#ifndef BSIM_H
#define BSIM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "boot.h"
#include "link.h"

typedef struct bsim_faults {
  uint32_t drop, dup, reorder, garbage;   /* per mille, per frame */
  uint32_t flip;                          /* per million, per byte */
  uint64_t down_from_ns, down_to_ns;      /* frames sent then are lost */
} bsim_faults;

typedef struct bsim_line {
  uint8_t *b;
  uint64_t *t;                 /* arrival time of each byte */
  uint32_t head, tail, cap;
  uint64_t free_ns;            /* when the line is idle again */
  bsim_faults f;
  uint8_t held[LINK_MAX_WIRE + 8];   /* a frame held back to reorder */
  uint32_t held_len;
  uint32_t frames, dropped, duped, reordered, garbaged, flipped;
} bsim_line;

typedef struct bsim {
  uint64_t now;                /* ns */
  uint64_t byte_ns;
  bsim_line c2d, d2c;
  uint32_t seed;
  /* device */
  cvm1_policy pol;
  boot_dev dev;
  boot_srv srv;
  uint8_t *ring;
  uint32_t ring_cap, ring_head, ring_len, overruns;
  uint64_t busy_until, reset_until, reboot_at;
  uint64_t reset_ns;           /* how long a reboot takes */
  uint32_t boots;
  uint8_t out[LINK_MAX_WIRE];  /* answers of the request being handled */
  uint32_t out_len;
  /* hypervisor model */
  uint64_t health_ns;          /* 0: never confirms by itself */
  uint64_t confirm_at;
  bool trial_fault;            /* a trial's program faults at once */
  uint32_t confirms, faults;
  /* client side */
  uint8_t in[4096];
  uint32_t in_len;
  link_client cl;
} bsim;

/* Set up with an open board flash (board_flash_open) and a policy; the
** device boots (boot_select). baud 0: instant lines. */
void bsim_init(bsim *s, const cvm1_policy *pol, uint32_t baud, uint32_t ring, uint32_t seed);
void bsim_free(bsim *s);
/* A power loss and restart of the device: RAM state lost, boot_select. */
void bsim_power_cycle(bsim *s);
/* Let simulated time pass (the device works, the hypervisor confirms). */
void bsim_run(bsim *s, uint64_t ns);
/* The client's link_io; bsim_init sets up s->cl with it. */
link_io bsim_io(bsim *s);
/* Bytes the device answers with, without the line (fuzzing, unit tests):
** feeds p into the server and collects the answer bytes. */
uint32_t bsim_direct(bsim *s, const uint8_t *p, uint32_t n, uint8_t *out, uint32_t cap);

/* The whole `cockpit flash` workflow over s->cl: status, begin or resume,
** upload, verify, activate, reboot, wait, confirm (if confirm). Returns
** LINK_C_OK when the artifact runs (confirmed if asked). *why gets a
** short text on failure. */
link_cerr bsim_flash(bsim *s, const uint8_t *art, uint32_t len, bool confirm, const char **why);

/* ---- test artifacts ---------------------------------------------------- */

/* Assemble a program printing `tag`, padded with read-only data to about
** size bytes, with version and counter, signed with keypath if not NULL.
** fault: its loop divides by zero. Returns a malloc'd artifact. */
uint8_t *tart_build(const char *tag, uint32_t size, const char *version, uint32_t counter,
                    const char *keypath, bool fault, size_t *len);
/* A fresh temporary directory with key pairs `dev` and `other` in it. */
const char *tart_keys(void);
/* Path of KEY.key / KEY.pub in it (static buffer, one at a time). */
const char *tart_key(const char *name, const char *ext);

#endif /* BSIM_H */
