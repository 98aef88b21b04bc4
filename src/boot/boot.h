/*
** boot.h -- the dual-bank bootloader: flash layout, slot records, trial
** boot with confirmation or automatic revert, the anti-rollback floor,
** installs into the standby bank, and the programming-protocol server.
**
** Freestanding C11 on hal.h's flash interface; docs/flash-layout.md draws
** the layout and the records, docs/boot-protocol.md the protocol.
**
** Power-loss rules every function here keeps:
**   - the bank that runs (or would boot) is never erased or written while
**     another install is in progress: installs go into the standby bank;
**   - every state change is one double-word record written once (torn
**     writes are detected and read as such), or is idempotent on replay
**     (erases, floor repair);
**   - nothing boots unless cvm1_check accepts it in place, at every boot.
*/
#ifndef BOOT_H
#define BOOT_H

#include <stdbool.h>
#include <stdint.h>

#include "cvm1.h"
#include "hal.h"
#include "link.h"

#define BOOT_VERSION_MAJOR 1u
#define BOOT_VERSION_MINOR 0u
#define BOOT_VERSION_PATCH 0u

/* ---- flash layout (offsets from the start of flash) --------------------- */

#define BOOT_FLASH_SIZE     0x20000u  /* 128 KB: 64 pages */
#define BOOT_LOADER_OFF     0x00000u  /* bootloader code, 16 KB */
#define BOOT_LOADER_SIZE    0x04000u
#define BOOT_HV_OFF         0x04000u  /* hypervisor code, 40 KB */
#define BOOT_HV_SIZE        0x0A000u
#define BOOT_BLACKBOX_OFF   0x0E000u  /* blackbox records, 4 KB (services) */
#define BOOT_BLACKBOX_SIZE  0x01000u
#define BOOT_FLOOR_OFF      0x0F000u  /* counter-floor log, two pages */
#define BOOT_FLOOR_PAGES    2u
#define BOOT_BANK0_OFF      0x10000u  /* bank A; bank B follows */
#define BOOT_BANK_SIZE      0x08000u  /* 32 KB: 16 pages */
#define BOOT_NBANKS         2u
#define BOOT_BANK_OFF(b)    (BOOT_BANK0_OFF + (uint32_t)(b) * BOOT_BANK_SIZE)
#define BOOT_BANK_PAGES     (BOOT_BANK_SIZE / HAL_FLASH_PAGE)
#define BOOT_TRAILER_SIZE   64u       /* slot records at the end of a bank */
#define BOOT_ART_MAX        (BOOT_BANK_SIZE - BOOT_TRAILER_SIZE)

/* ---- records: one double-word each -------------------------------------- */
/* A record holds a 32-bit value v as the words v, ~v. Erased (all 0xFF) is
** "not written"; v, ~v is written; anything else is a torn write (power lost
** while programming it), which no complete write can produce. */
typedef enum boot_dw { BOOT_DW_ERASED, BOOT_DW_VALID, BOOT_DW_TORN } boot_dw;
boot_dw boot_dw_read(uint32_t off, uint32_t *value);
int boot_dw_write(uint32_t off, uint32_t value);    /* hal_err */

/* The slot trailer of a bank, in the order the records are written. */
typedef enum boot_rec {
  BOOT_REC_IMAGE,      /* artifact size: received and verified in place */
  BOOT_REC_ACTIVE,     /* activation generation: boot it (newest wins) */
  BOOT_REC_BOOTED,     /* 0: the bootloader started it as a trial */
  BOOT_REC_CONFIRMED,  /* its security counter: the trial succeeded */
  BOOT_REC_REJECTED,   /* link_reason: never boot it again */
  BOOT_REC__COUNT
} boot_rec;
#define BOOT_REC_OFF(b, r) (BOOT_BANK_OFF(b) + BOOT_ART_MAX + 8u * (uint32_t)(r))

/* Counter floor: the highest valid record in the two floor pages. */
uint32_t boot_floor_read(void);
int boot_floor_raise(uint32_t v);                    /* hal_err; no-op if <= */

/* ---- the device's boot state -------------------------------------------- */

typedef struct boot_bank {
  uint8_t rec[BOOT_REC__COUNT];     /* boot_dw of each record */
  uint32_t val[BOOT_REC__COUNT];
  link_bank st;                     /* as STATUS reports it */
} boot_bank;

typedef struct boot_session {       /* the install in progress (RAM only) */
  bool on, verified;
  uint8_t bank;
  uint32_t next;                    /* bytes received in order */
  uint32_t erased;                  /* bit per page erased for it */
  link_begin req;                   /* as announced by BEGIN */
} boot_session;

typedef struct boot_dev {
  cvm1_policy pol;                  /* counter_floor follows the floor */
  uint32_t floor;
  uint32_t device_id, boot_id;
  uint16_t hv_version[3];
  int running;                      /* bank whose program runs, -1 none */
  int reverted;                     /* bank boot_select rejected as a failed trial, -1 none */
  bool trial;                       /* it runs on trial */
  boot_bank bank[BOOT_NBANKS];
  boot_session ses;
} boot_dev;

/* Set up with a policy (copied; its trust store must stay valid). */
void boot_init(boot_dev *d, const cvm1_policy *pol, uint32_t device_id, uint32_t boot_id);
/* Read the floor and both banks' records, and check each installed
** artifact against the policy. Writes nothing. */
void boot_scan(boot_dev *d);
/* Re-read one bank after a change; verify: check its artifact again (else
** keep the last verdict). */
void boot_rescan(boot_dev *d, uint32_t bank, bool verify);
/* The bootloader's decision, at every reset: repair the floor from
** confirmed banks, reject a trial that was started but never confirmed,
** and pick the newest activated bank that verifies; a trial is marked
** BOOTED before it runs. Returns the bank (d->running, d->trial), or -1:
** nothing may run, the device waits for an install. */
int boot_select(boot_dev *d);

/* The artifact of a bank in place (execute-in-place view) and its size
** from the IMAGE record; NULL if the bank has no installed artifact. */
const uint8_t *boot_image(const boot_dev *d, uint32_t bank, uint32_t *size);

/* Commands; each returns a link status and may set *detail. */
link_st boot_begin(boot_dev *d, const link_begin *b, uint8_t *bank, uint32_t *next,
                   uint32_t *detail);
link_st boot_data(boot_dev *d, uint32_t off, const uint8_t *p, uint32_t n, uint32_t *next,
                  uint32_t *detail);
link_st boot_verify(boot_dev *d, uint8_t *bank, uint32_t *detail);
link_st boot_activate(boot_dev *d, uint32_t bank, uint32_t *detail);
/* The running trial passed: CONFIRMED, then the floor is raised. */
link_st boot_confirm(boot_dev *d, uint32_t bank, uint32_t *detail);
/* Reject a bank by command: refused when the other bank could not boot. */
link_st boot_revert(boot_dev *d, uint32_t bank, uint32_t *detail);
/* Reject the running trial (the hypervisor, on a fault): unconditional. */
link_st boot_reject(boot_dev *d, uint32_t bank, link_reason why, uint32_t *detail);

void boot_info(const boot_dev *d, link_info *out);
void boot_status(const boot_dev *d, link_status *out);

/* ---- the protocol server ------------------------------------------------- */

#define BOOT_WINDOW 2u    /* DATA frames a client may have in flight */

typedef void (*boot_out_fn)(void *ctx, const uint8_t *p, uint32_t n);

typedef struct boot_srv {
  boot_dev *dev;
  boot_out_fn out;
  void *ctx;
  bool reboot;            /* REBOOT answered: restart once it is sent */
  uint32_t requests, naks;
  link_rx rx;
  uint8_t resp[LINK_RESP_HDR + LINK_STATUS_SIZE];
  uint8_t wire[LINK_WIRE_SIZE(LINK_RESP_HDR + LINK_STATUS_SIZE)];
} boot_srv;

void boot_srv_init(boot_srv *s, boot_dev *d, boot_out_fn out, void *ctx);
/* Bytes from the link: every complete frame is answered through out.
** Input after an answered REBOOT is ignored. */
void boot_srv_input(boot_srv *s, const uint8_t *p, uint32_t n);
/* Answer one decoded message (what boot_srv_input does per frame). */
void boot_srv_message(boot_srv *s, const uint8_t *msg, uint32_t len);

#endif /* BOOT_H */
