/*
** bbox.h -- the blackbox: crash records in a ring of flash pages that
** survives resets and power cuts (docs/flash-layout.md, "The blackbox ring").
**
** Freestanding C11 on hal.h's flash interface. The device runtime appends a
** record when the guest faults, after a watchdog reset or when a trial is
** reverted, and answers read/clear requests from the sideband link; host
** tools decode records with the wire codec below.
**
** On the device: bbox_open(&b, BOOT_BLACKBOX_OFF, BOOT_BLACKBOX_SIZE /
** HAL_FLASH_PAGE) -- two 2 KB pages.
**
** Flash format (every write is whole double-words, once between erases):
**   page    = header area (128 bytes: 16 double-words) + 15 record slots
**             of 128 bytes.
**   header  dw0: the page's base sequence number b as a record b, ~b; the
**             record in slot i has seq b + i.
**           dw1..dw15: clear marks, records f, ~f: every record with
**             seq < f is cleared. A new page's dw1 carries the ring's
**             current mark.
**   slot    = the record's BBOX_WIRE_SIZE (120) bytes (bbox_rec_put), then
**             the commit double-word c, ~c with c = CRC-32 of those bytes.
** A slot is valid when the commit is c, ~c, c matches, the bytes decode
** (bbox_rec_get) and the seq in them is the slot's. Anything else that is
** not erased is torn: dropped and counted (bbox.torn), never returned.
** The page with the highest base is the current one; a record of an older
** page is shown only if its seq is below the next page's base, and only if
** it is at or above the highest valid mark. So the records read are always
** in strictly increasing seq order and all below bbox_next_seq().
**
** Flash operations (each one erase or one program call):
**   append into the current page         1  (program the slot: body, then
**                                             the commit double-word last)
**   append that starts a page (a wrap,   3  (erase the oldest page, program
**     or the first append ever)               its header dw0+dw1, the slot)
**   clear (2 pages; N pages: N + 2)      4  (program a mark in the current
**                                             page -- the commit point --,
**                                             erase the other page, program
**                                             its header with the mark,
**                                             erase the old current page)
**   clear of a ring with no records      0
**   open, read, count                    0  (open never writes: damage is
**                                             repaired by the next append or
**                                             clear, which erases a page
**                                             before it reuses it)
** Capacity: 15 records a page; with P pages the ring holds at least
** 15 * (P - 1) and at most 15 * P of the newest records: a wrap erases the
** page of the oldest 15 (slots with torn records count as used).
**
** Power cuts: an append cut short leaves its record whole or absent; a
** wrap cut short loses only the erased page's records (the page being
** kept is not written); a clear cut short reads as cleared (once its mark
** is written) or as not cleared, and never shows a cleared record again.
** Sequence numbers only grow, across wraps, clears and cuts (unless every
** page is destroyed). tests/bbox/test_bbox.c cuts power at every operation.
*/
#ifndef BBOX_H
#define BBOX_H

#include <stdbool.h>
#include <stdint.h>

#define BBOX_WIRE_SIZE   120u   /* a record on the wire and in a slot */
#define BBOX_SLOT_SIZE   128u   /* on flash: the wire bytes + the commit */
#define BBOX_HDR_SIZE    128u   /* page header area: base + 15 marks */
#define BBOX_SLOTS       15u    /* records per 2 KB page */
#define BBOX_MAX_PAGES   8u
#define BBOX_NAME_LEN    24u    /* func_name, file: NUL-padded, <= 23 chars */
#define BBOX_DIGEST_LEN  32u
#define BBOX_SEQ_MAX     0xFFFF0000u  /* bases/marks above: garbage; append stops */
#define BBOX_NO_BANK     0xFFu
#define BBOX_NO_FUNC     0xFFFFu
#define BBOX_NO_PAGE     0xFFFFFFFFu

typedef enum bbox_err {
  BBOX_OK = 0,
  BBOX_EFLASH,     /* the flash HAL failed (the ring was rescanned) */
  BBOX_EARG,       /* bad open arguments: offset, page count, range */
  BBOX_ERECORD,    /* append: the record would not decode (kind, names) */
  BBOX_ENOTFOUND,  /* read: no record with seq >= from_seq */
  BBOX_EFULL,      /* sequence numbers exhausted (BBOX_SEQ_MAX) */
  BBOX_ERR__COUNT
} bbox_err;
const char *bbox_err_str(uint32_t e);      /* "flash error", ...; "?" if unknown */

/* What happened. Values are stored; new kinds are added at the end. */
typedef enum bbox_kind {
  BBOX_KIND_FAULT,     /* "fault": the guest faulted (fault, pc, line, func) */
  BBOX_KIND_WATCHDOG,  /* "watchdog": the watchdog reset the device */
  BBOX_KIND_REVERTED,  /* "reverted": a trial reverted (fault on trial, not confirmed) */
  BBOX_KIND_HOST,      /* "host": a host (hypervisor) exception */
  BBOX_KIND__COUNT
} bbox_kind;
const char *bbox_kind_name(uint32_t k);    /* lower case for JSON; "?" if unknown */

/* Why the device last reset (the runtime reads its reset cause into this). */
typedef enum bbox_reset {
  BBOX_RESET_POWER_ON,  /* "power-on" */
  BBOX_RESET_SOFTWARE,  /* "software" */
  BBOX_RESET_WATCHDOG,  /* "watchdog" */
  BBOX_RESET_PIN,       /* "pin" */
  BBOX_RESET_BROWNOUT,  /* "brownout" */
  BBOX_RESET_UNKNOWN,   /* "unknown" */
  BBOX_RESET__COUNT
} bbox_reset;
const char *bbox_reset_name(uint32_t r);   /* "?" if out of range */

/* One crash record. Wire layout (little-endian, BBOX_WIRE_SIZE bytes):
**   0 seq u32   4 kind u8   5 fault u8   6 reset_reason u8   7 bank u8
**   8 pc u32   12 line u32   16 func u16   18 version u16[3]   24 boot_id u32
**  28 counter u32   32 uptime_ms u64   40 digest[32]   72 func_name[24]
**  96 file[24] */
typedef struct bbox_rec {
  uint32_t seq;           /* set by bbox_append: strictly increasing */
  uint8_t kind;           /* bbox_kind */
  uint8_t fault;          /* cvm_fault (src/vm/cvm.h), CVM_FAULT_NONE if none */
  uint8_t reset_reason;   /* bbox_reset */
  uint8_t bank;           /* 0 A, 1 B, BBOX_NO_BANK */
  uint32_t pc;            /* bytecode pc of the fault */
  uint32_t line;          /* source line, 0 unknown */
  uint16_t func;          /* function index, BBOX_NO_FUNC unknown */
  uint16_t version[3];    /* the program's version */
  uint32_t boot_id;
  uint32_t counter;       /* the program's security counter */
  uint64_t uptime_ms;
  uint8_t digest[BBOX_DIGEST_LEN];  /* the program's image digest */
  /* Printable ASCII, NUL-padded, possibly empty: resolved on the device
  ** from the artifact's line table, or left for the reader to resolve. */
  char func_name[BBOX_NAME_LEN];
  char file[BBOX_NAME_LEN];
} bbox_rec;

/* A record of kind k with every field unknown/empty: bank BBOX_NO_BANK,
** func BBOX_NO_FUNC, reset UNKNOWN, zeros elsewhere. */
void bbox_rec_init(bbox_rec *r, uint32_t k);
/* Copy n bytes of s (stopping at a NUL) into a name field as the codec
** wants it: at most BBOX_NAME_LEN - 1 characters, bytes outside 0x20..0x7E
** become '?', NUL-padded. */
void bbox_name_set(char dst[BBOX_NAME_LEN], const char *s, uint32_t n);

/* Wire codec. put writes exactly BBOX_WIRE_SIZE bytes. get accepts exactly
** BBOX_WIRE_SIZE bytes and returns false on anything malformed: a kind,
** fault or reset reason out of range, a bank not 0, 1 or 0xFF, a name that
** is not printable ASCII followed by NULs only (at least one). */
void bbox_rec_put(uint8_t *p, const bbox_rec *r);
bool bbox_rec_get(const uint8_t *p, uint32_t len, bbox_rec *r);

/* ---- the ring (RAM state; the flash is the truth) ---------------------- */
typedef struct bbox {
  uint32_t off, pages;        /* flash offset (page aligned), page count */
  uint32_t base[BBOX_MAX_PAGES]; /* each page's base seq, BBOX_NO_PAGE if invalid */
  uint32_t cur;               /* current page (highest base), BBOX_NO_PAGE if none */
  uint32_t used;              /* slots of cur in use (after the last non-erased) */
  uint32_t mark_at;           /* next free mark double-word of cur (16: none) */
  uint32_t floor;             /* highest valid mark: records below are cleared */
  uint32_t next, first, count;/* next seq, oldest shown seq (next if none), shown */
  uint32_t torn;              /* slots dropped as torn by the last scan */
} bbox;

/* Scan pages [flash_off, flash_off + pages * HAL_FLASH_PAGE): 2 <= pages <=
** BBOX_MAX_PAGES, flash_off page aligned, inside the flash. Any contents are
** accepted (garbage reads as torn or invalid pages). Writes nothing. */
bbox_err bbox_open(bbox *b, uint32_t flash_off, uint32_t pages);
/* Write r as the newest record; sets r->seq. BBOX_ERECORD (nothing
** written) if it would not decode; on BBOX_EFLASH the ring is rescanned
** from the flash (a slot left torn is skipped by the next append). */
bbox_err bbox_append(bbox *b, bbox_rec *r);
/* The oldest record shown with seq >= from_seq (read all: from 0, then
** from out->seq + 1 until BBOX_ENOTFOUND). Reads flash only. */
bbox_err bbox_read(const bbox *b, uint32_t from_seq, bbox_rec *out);
/* Drop every record; seqs continue from bbox_next_seq(). */
bbox_err bbox_clear(bbox *b);
/* Drop the records numbered below seq, keep the rest (the sideband's CLEAR:
** a record made after the client's last read survives). seq at or above
** bbox_next_seq() is bbox_clear; otherwise one mark is written (1 flash
** operation), or, when the current page has no free mark, the whole ring
** is cleared. */
bbox_err bbox_clear_below(bbox *b, uint32_t seq);

static inline uint32_t bbox_count(const bbox *b) { return b->count; }
static inline uint32_t bbox_first_seq(const bbox *b) { return b->first; }
static inline uint32_t bbox_next_seq(const bbox *b) { return b->next; }
static inline uint32_t bbox_torn(const bbox *b) { return b->torn; }

#endif /* BBOX_H */
