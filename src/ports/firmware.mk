# firmware.mk -- cross builds of the device firmware, one rule set for every
# board (no CMake: the host build and the firmware use different compilers).
#
#   make -f src/ports/firmware.mk [O=build/firmware] [BOARDS="..."]
#
# Each src/ports/<dir>/port.mk adds its boards to FW_BOARDS and sets, per
# board B: B_CC (compiler), B_CPU (CPU flags), B_DIR (its sources), B_SRC
# (objects every image of B shares), B_IMAGES, and per image I: B_I_SRC,
# B_I_LD (linker script). Outputs: $(O)/B/I.elf .bin .hex .map. Linker
# scripts size the regions to the budgets, so a build that would not fit
# fails. Objects live in $(O)/B/obj/, one set per board. Boards that run
# under QEMU also set B_SIL, KEY=VALUE words written one a line to
# $(O)/B/board.txt, which tells `cockpit sil` how to lay out the flash
# image and start QEMU:
#   qemu=PROGRAM machine=NAME arg=QEMU-ARGUMENT (repeatable)
#   image=SIZE part=IMAGE@OFFSET (repeatable) bank=OFFSET+SIZE sil=OFFSET

ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
O ?= $(ROOT)/build/firmware
HOSTCC ?= cc

# Device sources, by module (the budget table of `make size` uses these).
FW_VM     := src/vm/cvm_isa.c src/vm/cvm_verify.c src/vm/cvm_exec.c src/vm/cvm_vm.c
FW_HOSTCALL := src/vm/cvm_host.c src/vm/cvm_printf.c
FW_ART    := src/artifact/cvm1_err.c src/artifact/cvm1_open.c src/artifact/cvm1_check.c
FW_CRYPTO := src/common/sha256.c src/common/sha512.c src/common/sha2_tab.c src/common/ed25519.c
FW_CORE   := src/ports/hv/hv_mem.c src/run/run_tap.c
FW_LINK   := src/link/link_frame.c src/link/link_msg.c src/link/link_names.c src/common/crc32.c
FW_BOOT   := $(patsubst $(ROOT)/%,%,$(wildcard $(ROOT)/src/boot/boot_*.c))
FW_STEP   := src/run/run_step.c
FW_HV     := src/ports/hv/hv.c $(FW_STEP) $(FW_VM) $(FW_HOSTCALL) $(FW_ART) $(FW_CRYPTO)
# The device runtime's supervisor, services and sideband (src/run).
FW_RUN    := src/run/run_dev.c src/run/run_side.c src/run/run_log.c src/run/run_telem.c \
             src/link/link_rt.c src/vm/cvm_debug.c src/bbox/bbox.c src/bbox/bbox_names.c \
             src/oled/oled_dev.c src/oled/oled_status.c src/oled/oled_row.c src/oled/oled_font.c
# The bootloader's and the hypervisor's device duties (src/boot, src/link, src/run).
FW_DEV    := src/ports/hv/hv_boot.c $(FW_BOOT) $(FW_LINK) $(FW_RUN)
FW_CM     := src/ports/cortex-m/cm_start.c src/ports/cortex-m/cm_tick.c \
             src/ports/cortex-m/cm_semi.c

FW_INCLUDES := -I$(ROOT)/isa -I$(ROOT)/src/vm -I$(ROOT)/src/hal -I$(ROOT)/src/common \
               -I$(ROOT)/src/artifact -I$(ROOT)/src/boot -I$(ROOT)/src/link \
               -I$(ROOT)/src/ports/hv -I$(ROOT)/src/ports/cortex-m -I$(ROOT)/src/run -I$(ROOT)/src/bbox \
               -I$(ROOT)/src/oled
FW_CFLAGS := -std=c11 -Os -g -ffreestanding -fno-strict-aliasing -Wall -Wextra -Werror \
             -ffunction-sections -fdata-sections -fno-common -fno-delete-null-pointer-checks \
             -DCVM_TINY
FW_LDFLAGS := -nostdlib -nostartfiles -Wl,--gc-sections -Wl,--no-warn-rwx-segments

# V=1 shows the commands.
Q := $(if $(V),,@)

FW_BOARDS :=
include $(wildcard $(ROOT)/src/ports/*/port.mk)
# Boards whose compiler is missing are left out, with a note.
FW_HAVE = $(shell command -v $($(1)_CC) 2>/dev/null)
BOARDS ?= $(foreach b,$(FW_BOARDS),$(if $(call FW_HAVE,$(b)),$(b),$(info firmware.mk: no $($(b)_CC): $(b) left out)))

.PHONY: all
all: $(foreach b,$(BOARDS),$(foreach i,$($(b)_IMAGES),$(O)/$(b)/$(i).elf) \
       $(if $($(b)_SIL),$(O)/$(b)/board.txt))

# The ISA and Host ABI hashes of this tree, from the host's tables.
$(O)/tools/fw_hashes: $(ROOT)/src/ports/tools/fw_hashes.c $(ROOT)/src/vm/cvm_isa.c \
                      $(ROOT)/isa/cvm_opcodes.def $(ROOT)/isa/cvm_hostabi.def $(ROOT)/src/vm/cvm.h
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) -std=c11 -O1 -I$(ROOT)/isa -I$(ROOT)/src/vm -o $@ \
	    $(ROOT)/src/ports/tools/fw_hashes.c $(ROOT)/src/vm/cvm_isa.c
$(O)/hashes.mk: $(O)/tools/fw_hashes
	$(Q)$< > $@
include $(O)/hashes.mk

# $(call fw_board,B): objects and images of board B.
define fw_board
$(1)_OBJDIR := $(O)/$(1)/obj
$$($(1)_OBJDIR)/%.o: $(ROOT)/%.c $(O)/hashes.mk
	@mkdir -p $$(@D)
	@$(if $(Q),echo "  CC    $(1)/$$*.o")
	$(Q)$$($(1)_CC) $$($(1)_CPU) $$(FW_CFLAGS) $$(CVM_HASH_DEFS) $$($(1)_DEFS) $$(FW_INCLUDES) \
	    -I$(ROOT)/$$($(1)_DIR) -MMD -MP -c $$< -o $$@
-include $$(shell find $(O)/$(1)/obj -name '*.d' 2>/dev/null)
$$(foreach i,$$($(1)_IMAGES),$$(eval $$(call fw_image,$(1),$$(i))))
$(O)/$(1)/board.txt: $(lastword $(MAKEFILE_LIST)) $(wildcard $(ROOT)/src/ports/*/port.mk)
	@mkdir -p $$(@D)
	$(Q)printf '%s\n' $$($(1)_SIL) > $$@
endef

# $(call fw_image,B,I): one linked image and its .bin, .hex and .map.
define fw_image
$(1)_$(2)_OBJS := $$(patsubst %.c,$(O)/$(1)/obj/%.o,$$($(1)_SRC) $$($(1)_$(2)_SRC))
$(O)/$(1)/$(2).elf: $$($(1)_$(2)_OBJS) $(ROOT)/$$($(1)_$(2)_LD)
	@$(if $(Q),echo "  LD    $(1)/$(2).elf")
	$(Q)$$($(1)_CC) $$($(1)_CPU) $$(FW_LDFLAGS) -L$(ROOT)/src/ports/cortex-m \
	    -L$(ROOT)/$$($(1)_DIR) -T$(ROOT)/$$($(1)_$(2)_LD) -Wl,-Map=$(O)/$(1)/$(2).map \
	    -o $$@ $$($(1)_$(2)_OBJS) -lgcc
	$(Q)$$(patsubst %gcc,%objcopy,$$($(1)_CC)) -O binary $$@ $(O)/$(1)/$(2).bin
	$(Q)$$(patsubst %gcc,%objcopy,$$($(1)_CC)) -O ihex $$@ $(O)/$(1)/$(2).hex
endef

$(foreach b,$(BOARDS),$(eval $(call fw_board,$(b))))

.PHONY: clean
clean:
	rm -rf $(O)
