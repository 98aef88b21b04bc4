/*
** board_flash.c -- hal_flash_* on a shared file mapping (or memory), with
** operation counting, a timing model and power cuts (board_flash.h).
*/
#include "board_flash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static struct {
  uint8_t *mem;
  bool mapped;
  board_flash_stats st;
  uint64_t cut_at;
  uint32_t rng;
  void (*handler)(void *);
  void *ctx;
} F;

int board_flash_open(const char *path) {
  board_flash_close();
  if (!path) {
    F.mem = malloc(BOARD_FLASH_SIZE);
    if (!F.mem) return -1;
    memset(F.mem, 0xFF, BOARD_FLASH_SIZE);
    return 0;
  }
  int fd = open(path, O_RDWR | O_CREAT, 0644);
  if (fd < 0) return -1;
  struct stat sb;
  if (fstat(fd, &sb) < 0) goto fail;
  if (sb.st_size == 0) {               /* new: erased */
    static uint8_t ff[HAL_FLASH_PAGE];
    memset(ff, 0xFF, sizeof ff);
    for (uint32_t o = 0; o < BOARD_FLASH_SIZE; o += sizeof ff)
      if (pwrite(fd, ff, sizeof ff, o) != (ssize_t)sizeof ff) goto fail;
  } else if (sb.st_size != BOARD_FLASH_SIZE) {
    errno = EINVAL;
    goto fail;
  }
  void *m = mmap(NULL, BOARD_FLASH_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (m == MAP_FAILED) goto fail;
  close(fd);
  F.mem = m;
  F.mapped = true;
  return 0;
fail:;
  int e = errno;
  close(fd);
  errno = e;
  return -1;
}

void board_flash_close(void) {
  if (F.mem) {
    if (F.mapped) munmap(F.mem, BOARD_FLASH_SIZE);
    else free(F.mem);
  }
  memset(&F, 0, sizeof F);
}

bool board_flash_is_open(void) { return F.mem != NULL; }
uint8_t *board_flash_bytes(void) { return F.mem; }
const board_flash_stats *board_flash_stats_get(void) { return &F.st; }

void board_flash_cut_at(uint64_t n, uint32_t seed, void (*handler)(void *ctx), void *ctx) {
  F.cut_at = n;
  F.rng = seed * 2654435761u + 0x9E3779B9u;
  F.handler = handler;
  F.ctx = ctx;
}

static uint32_t rnd(void) {            /* xorshift32 */
  uint32_t x = F.rng ? F.rng : 1u;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return F.rng = x;
}

/* The operation now counted is the armed one: tear it and cut power. */
static bool cutting(void) {
  F.st.ops++;
  return F.cut_at && F.st.ops == F.cut_at;
}

static int power_cut(void) {
  F.cut_at = 0;
  if (F.handler) {
    F.handler(F.ctx);
    return HAL_EFLASH;
  }
  static const char msg[] = "device: power cut during a flash operation\n";
  ssize_t w = write(2, msg, sizeof msg - 1);
  (void)w;
  _exit(BOARD_FLASH_CUT_STATUS);
}

/* ---- hal.h ---------------------------------------------------------------- */

uint32_t hal_flash_size(void) { return F.mem ? BOARD_FLASH_SIZE : 0; }

const uint8_t *hal_flash_map(uint32_t offset) {
  return F.mem && offset < BOARD_FLASH_SIZE ? F.mem + offset : NULL;
}

int hal_flash_read(uint32_t offset, void *buf, uint32_t len) {
  if (!F.mem) return HAL_ECLOSED;
  if (offset > BOARD_FLASH_SIZE || len > BOARD_FLASH_SIZE - offset) return HAL_ERANGE;
  memcpy(buf, F.mem + offset, len);
  return HAL_OK;
}

int hal_flash_erase_page(uint32_t page) {
  if (!F.mem) return HAL_ECLOSED;
  if (page >= BOARD_FLASH_SIZE / HAL_FLASH_PAGE) return HAL_ERANGE;
  uint8_t *p = F.mem + page * HAL_FLASH_PAGE;
  F.st.erases++;
  F.st.busy_ns += BOARD_FLASH_ERASE_NS;
  if (cutting()) {                     /* some zero bits come back */
    uint32_t how = rnd() % 4u;         /* 0: not started, 1: done, else partly */
    for (uint32_t i = 0; i < HAL_FLASH_PAGE && how; i++) p[i] |= how == 1 ? 0xFF : (uint8_t)rnd();
    return power_cut();
  }
  memset(p, 0xFF, HAL_FLASH_PAGE);
  return HAL_OK;
}

static bool dw_erased(const uint8_t *p) {
  for (int i = 0; i < 8; i++)
    if (p[i] != 0xFF) return false;
  return true;
}

int hal_flash_program(uint32_t offset, const void *data, uint32_t len) {
  if (!F.mem) return HAL_ECLOSED;
  if (offset % HAL_FLASH_DWORD || len % HAL_FLASH_DWORD) return HAL_EALIGN;
  if (offset > BOARD_FLASH_SIZE || len > BOARD_FLASH_SIZE - offset) return HAL_ERANGE;
  const uint8_t *d = data;
  uint8_t *p = F.mem + offset;
  uint32_t n = len / HAL_FLASH_DWORD;
  F.st.programs++;
  bool cut = cutting();
  uint32_t torn = cut ? rnd() % (n ? n : 1u) : n;
  for (uint32_t k = 0; k < n; k++, p += 8, d += 8) {
    if (!dw_erased(p)) return cut ? power_cut() : HAL_ENOTERASED;
    F.st.dwords++;
    F.st.busy_ns += BOARD_FLASH_DWORD_NS;
    if (k == torn) {                   /* only some of its zero bits */
      uint32_t how = rnd() % 4u;       /* 0: not started, 1: done, else partly */
      for (int i = 0; i < 8 && how; i++) p[i] = (uint8_t)(p[i] & (d[i] | (how == 1 ? 0 : (uint8_t)rnd())));
      return power_cut();
    }
    memcpy(p, d, 8);
  }
  return cut ? power_cut() : HAL_OK;
}
