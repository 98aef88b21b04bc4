/*
** stm32_hv.c -- the hypervisor image on the STM32G474: clocks, console,
** link UART, I2C, watchdog, then the bank the bootloader chose under
** hv_run, the link served and the trial supervised between slices. Its
** report goes to the console; when the guest ends the hypervisor keeps
** serving the link and the watchdog (a device does not exit).
*/
#include "boot.h"
#include "hal.h"
#include "hv.h"
#include "stm32.h"

#define VM_MEM_SIZE (24u * 1024u)            /* ARCHITECTURE.md: 24 KB static */
#define BANK_A_OFF  0x10000u                 /* src/boot/boot.h */
#define BANK_B_OFF  0x18000u
#define BANK_SIZE   0x08000u
#define WATCHDOG_MS 2000u
#define HEALTH_MS   1000u                    /* trial confirmed after this */
#define TRIAL_MS    10000u                   /* ... or reset (reverted) by then */

static uint32_t vm_mem[VM_MEM_SIZE / 4u];

void hv_port_report(const char *s, uint32_t n) { hal_console_write(s, n); }
void hv_port_start_hv(void) { cm_reset(); }
void hv_port_reboot(void) { cm_reset(); }
int hv_port_link_get(void) { return stm32_usart_get(USART1_BASE); }

void hv_port_link_put(const uint8_t *p, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) stm32_usart_put(USART1_BASE, p[i]);
}

void hv_port_service(void) { stm32_iwdg_refresh(); }
/* The runtime feeds it only when its services kept their deadlines. */
void hv_port_wdog_feed(void) { stm32_iwdg_refresh(); }
uint32_t hv_port_reset_reason(void) { return LINK_RESET_UNKNOWN; }   /* the bootloader's */

/* Sleep in SysTick periods (the runtime polls the link between them). */
void hv_port_wait_until(uint64_t us) {
  while (cm_tick_us() < us) cm_wfi();
}

void port_crash(uint32_t pc, uint32_t exc) {
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-hv: crash exception ");
  hv_line_u64(&l, exc);
  hv_line_str(&l, " pc ");
  hv_line_u64(&l, pc);
  hv_line_end(&l);
  cm_reset();                               /* the bootloader decides next */
}

void port_main(void) {
  stm32_clock_init();
  stm32_gpio_init();
  stm32_usart_init(USART2_BASE, 115200u);
  stm32_usart_init(USART1_BASE, 115200u);
  stm32_i2c_init();
  cm_tick_start(stm32_sysclk());
  stm32_iwdg_start(WATCHDOG_MS);

  static hv_config c;
  c.bank[0] = hal_flash_map(BANK_A_OFF);
  c.bank[1] = hal_flash_map(BANK_B_OFF);
  c.bank_size = BANK_SIZE;
  c.mem = (uint8_t *)vm_mem;
  c.mem_size = VM_MEM_SIZE;
  cvm1_policy_init(&c.policy);              /* as the bootloader's (stm32_boot.c) */
  c.policy.flags |= CVM1_POL_UNSIGNED_OK;
  c.device_id = hal_device_id();
  c.health_ms = HEALTH_MS;
  c.trial_ms = TRIAL_MS;
  c.oled = true;
  hv_dev_main(&c);                          /* returns only without a handoff */
  for (;;) hv_port_wait_until(cm_tick_us() + 1000u);
}
