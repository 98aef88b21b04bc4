/*
** stm32_flash.c -- hal_flash_* on the STM32G474's flash controller
** (RM0440 5): 2 KB pages in dual-bank mode (OPTR.DBANK = 1, the factory
** setting; 128 pages per bank, selected with BKER), double-word
** programming. The product uses the first 128 KB (src/boot/boot.h).
*/
#include "hal.h"
#include "stm32.h"

#define FLASH_SIZE    0x20000u
#define PAGES_PER_BANK 128u
#define SR_EOP   (1u << 0)
#define SR_ERRS  0xC3FAu          /* OPERR PROGERR WRPERR PGAERR SIZERR PGSERR MISSERR FASTERR RDERR OPTVERR */
#define SR_BSY   (1u << 16)
#define CR_PG    (1u << 0)
#define CR_PER   (1u << 1)
#define CR_BKER  (1u << 11)
#define CR_STRT  (1u << 16)
#define CR_LOCK  (1u << 31)
#define OPTR_DBANK (1u << 22)

static const uint8_t *flash_ptr(uint32_t off) {
  return (const uint8_t *)(uintptr_t)(STM32_FLASH_BASE + off);
}

static bool in_range(uint32_t off, uint32_t len) {
  return off <= FLASH_SIZE && len <= FLASH_SIZE - off;
}

static bool wait_idle(void) {
  for (uint32_t i = 0; i < 10000000u; i++)
    if (!(CM_REG(FLASH_SR) & SR_BSY)) return true;
  return false;
}

static void unlock(void) {
  if (CM_REG(FLASH_CR) & CR_LOCK) {
    CM_REG(FLASH_KEYR) = 0x45670123u;
    CM_REG(FLASH_KEYR) = 0xCDEF89ABu;
  }
}

/* End an operation: lock, flush the caches (they may hold old contents). */
static int done(bool ok) {
  uint32_t sr = CM_REG(FLASH_SR);
  CM_REG(FLASH_SR) = sr & (SR_ERRS | SR_EOP);
  CM_REG(FLASH_CR) = CR_LOCK;
  uint32_t acr = CM_REG(FLASH_ACR);
  CM_REG(FLASH_ACR) = acr & ~(3u << 9);                   /* ICEN, DCEN off */
  CM_REG(FLASH_ACR) = (acr & ~(3u << 9)) | 3u << 11;      /* ICRST, DCRST */
  CM_REG(FLASH_ACR) = acr;
  return ok && !(sr & SR_ERRS) ? HAL_OK : HAL_EFLASH;
}

uint32_t hal_flash_size(void) { return FLASH_SIZE; }

int hal_flash_erase_page(uint32_t page) {
  if (page >= FLASH_SIZE / HAL_FLASH_PAGE) return HAL_ERANGE;
  if (!(CM_REG(FLASH_OPTR) & OPTR_DBANK)) return HAL_EFLASH;   /* 4 KB pages */
  if (!wait_idle()) return HAL_EFLASH;
  unlock();
  CM_REG(FLASH_SR) = SR_ERRS | SR_EOP;
  uint32_t bank = page / PAGES_PER_BANK, pnb = page % PAGES_PER_BANK;
  CM_REG(FLASH_CR) = CR_PER | pnb << 3 | (bank ? CR_BKER : 0u);
  CM_REG(FLASH_CR) |= CR_STRT;
  return done(wait_idle());
}

int hal_flash_program(uint32_t offset, const void *data, uint32_t len) {
  if (offset % HAL_FLASH_DWORD || len % HAL_FLASH_DWORD) return HAL_EALIGN;
  if (!in_range(offset, len)) return HAL_ERANGE;
  const uint8_t *src = data;
  if (!wait_idle()) return HAL_EFLASH;
  unlock();
  CM_REG(FLASH_SR) = SR_ERRS | SR_EOP;
  for (uint32_t i = 0; i < len; i += HAL_FLASH_DWORD) {
    const uint8_t *d = flash_ptr(offset + i);
    for (uint32_t k = 0; k < HAL_FLASH_DWORD; k++)
      if (d[k] != 0xFFu) {
        done(true);
        return HAL_ENOTERASED;
      }
    uint32_t w[2];
    for (uint32_t k = 0; k < 2; k++)
      w[k] = (uint32_t)src[i + 4 * k] | (uint32_t)src[i + 4 * k + 1] << 8 |
             (uint32_t)src[i + 4 * k + 2] << 16 | (uint32_t)src[i + 4 * k + 3] << 24;
    volatile uint32_t *a = (volatile uint32_t *)(uintptr_t)(STM32_FLASH_BASE + offset + i);
    CM_REG(FLASH_CR) = CR_PG;
    a[0] = w[0];
    a[1] = w[1];
    if (!wait_idle() || (CM_REG(FLASH_SR) & SR_ERRS)) return done(false);
  }
  return done(true);
}

int hal_flash_read(uint32_t offset, void *buf, uint32_t len) {
  if (!in_range(offset, len)) return HAL_ERANGE;
  const uint8_t *s = flash_ptr(offset);
  uint8_t *b = buf;
  for (uint32_t i = 0; i < len; i++) b[i] = s[i];
  return HAL_OK;
}

const uint8_t *hal_flash_map(uint32_t offset) {
  return offset < FLASH_SIZE ? flash_ptr(offset) : (const uint8_t *)0;
}
