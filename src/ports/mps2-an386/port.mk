# port.mk -- the MPS2 boards under QEMU (included by src/ports/firmware.mk).
# mps2-an386 (Cortex-M4) is the SIL board. The same sources built for the
# Cortex-M3 (AN385) and Cortex-M7 (AN500), whose QEMU boards share its
# memory map, and for the Cortex-M33 (AN505, Secure state, its own map:
# mps2.h) are the portability smoke tests.
MPS2_SRC := $(FW_CM) $(FW_CORE) src/ports/hv/hv_sil.c src/ports/mps2-an386/mps2_hal.c \
            src/ports/mps2-an386/mps2_i2c.c src/ports/hv/hv_ramflash.c
MPS2_SIL := qemu=qemu-system-arm arg=-semihosting-config arg=enable=on,target=native \
            image=0x21000 part=cockpit-boot@0x0 part=cockpit-hv@0x4000 \
            bank=0x10000+0x8000 sil=0x20000

# $(call mps2_board,NAME,CPU,DEFS,LD-PREFIX,SIL-EXTRA,FLASH-BASE)
define mps2_board
FW_BOARDS += $(1)
$(1)_CC := arm-none-eabi-gcc
$(1)_CPU := $(2) -mthumb
$(1)_DEFS := $(3) -DHV_RAMFLASH_BASE=$(6)
$(1)_DIR := src/ports/mps2-an386
$(1)_SRC := $$(MPS2_SRC)
$(1)_IMAGES := cockpit-boot cockpit-hv
$(1)_cockpit-boot_SRC := src/ports/mps2-an386/mps2_boot.c src/ports/hv/hv.c $$(FW_DEV) \
    $$(FW_ART) $$(FW_CRYPTO) src/vm/cvm_isa.c
$(1)_cockpit-boot_LD := src/ports/mps2-an386/$(4)boot.ld
$(1)_cockpit-hv_SRC := src/ports/mps2-an386/mps2_hv.c $$(FW_HV) $$(FW_DEV)
$(1)_cockpit-hv_LD := src/ports/mps2-an386/$(4)hv.ld
$(1)_SIL := machine=$(1) $$(MPS2_SIL) $(5)
endef
# The M3/M4/M7 boards get QEMU's TMP105 temperature sensor (registers as
# the TMP102's) at 0x48 on the shield I2C bus the HAL drives.
MPS2_TMP := arg=-device arg=tmp105,address=0x48
$(eval $(call mps2_board,mps2-an386,-mcpu=cortex-m4,,,$(MPS2_TMP),0x0))
# The measuring firmware (mps2_bench.c): `cockpit sil --hv` puts it in the
# hypervisor's place (tests/sil/bench).
mps2-an386_IMAGES += cockpit-bench
mps2-an386_cockpit-bench_SRC := src/ports/mps2-an386/mps2_bench.c src/vm/cvm_debug.c \
    tests/sil/bench/fletcher32.c $(FW_HV)
mps2-an386_cockpit-bench_LD := src/ports/mps2-an386/hv.ld
$(eval $(call mps2_board,mps2-an385,-mcpu=cortex-m3,,,$(MPS2_TMP),0x0))
$(eval $(call mps2_board,mps2-an500,-mcpu=cortex-m7,,,$(MPS2_TMP),0x0))
$(eval $(call mps2_board,mps2-an505,-mcpu=cortex-m33,-DMPS2_AN505,an505_,load=0x10000000,0x10000000))
$(O)/mps2-an386/obj/tests/sil/bench/fletcher32.o: mps2-an386_DEFS += -DCOCKPIT_NATIVE
