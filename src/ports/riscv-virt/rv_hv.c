/*
** rv_hv.c -- the hypervisor image on RISC-V: the same portable core as
** every board, settings from the SIL harness page, the exit status out
** through semihosting.
*/
#include "hal.h"
#include "hv.h"
#include "rv.h"

#define VM_MEM_SIZE (24u * 1024u)
static uint32_t vm_mem[VM_MEM_SIZE / 4u];

void hv_port_report(const char *s, uint32_t n) { rv_semi_write(2, s, n); }
void hv_port_wait_until(uint64_t us) { rv_wait_until(us); }
void hv_port_service(void) {}

void port_crash(uint32_t pc, uint32_t cause) {
  hv_line l = { .n = 0 };
  hv_line_str(&l, "cockpit-hv: crash exception ");
  hv_line_u64(&l, cause);
  hv_line_str(&l, " pc ");
  hv_line_u64(&l, pc);
  hv_line_end(&l);
  rv_semi_exit(HV_STATUS_ERROR);
}

void port_main(void) {
  static hv_config c;
  c.bank[0] = hal_flash_map(RV_BANK_A_OFF);
  c.bank[1] = hal_flash_map(RV_BANK_B_OFF);
  c.bank_size = RV_BANK_SIZE;
  c.mem = (uint8_t *)vm_mem;
  c.mem_size = VM_MEM_SIZE;
  hv_sil_config((const void *)(uintptr_t)(RV_FLASH_BASE + RV_SIL_OFF), &c.policy, &c);
  rv_semi_exit(hv_run(&c));
}
