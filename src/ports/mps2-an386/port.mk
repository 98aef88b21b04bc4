# port.mk -- the MPS2 boards under QEMU (included by src/ports/firmware.mk).
# mps2-an386 (Cortex-M4) is the SIL board; the same sources built for the
# Cortex-M3 (AN385) and Cortex-M7 (AN500) images, whose QEMU boards share
# its memory map, are the portability smoke tests.
MPS2_SRC := $(FW_CM) $(FW_CORE) src/ports/mps2-an386/mps2_hal.c \
            src/ports/mps2-an386/mps2_i2c.c src/ports/mps2-an386/mps2_flash.c
MPS2_IMAGES := boot hv
MPS2_BOOT := src/ports/mps2-an386/mps2_boot.c
MPS2_HV := src/ports/mps2-an386/mps2_hv.c $(FW_HV)

define mps2_board
FW_BOARDS += $(1)
$(1)_CC := arm-none-eabi-gcc
$(1)_CPU := $(2) -mthumb
$(1)_DIR := src/ports/mps2-an386
$(1)_SRC := $$(MPS2_SRC)
$(1)_IMAGES := boot hv
$(1)_boot_SRC := $$(MPS2_BOOT)
$(1)_boot_LD := src/ports/mps2-an386/boot.ld
$(1)_hv_SRC := $$(MPS2_HV)
$(1)_hv_LD := src/ports/mps2-an386/hv.ld
endef
$(eval $(call mps2_board,mps2-an386,-mcpu=cortex-m4))
$(eval $(call mps2_board,mps2-an385,-mcpu=cortex-m3))
$(eval $(call mps2_board,mps2-an500,-mcpu=cortex-m7))
