# The one top-level Makefile (README "Building"). Targets:
#   make            the kernel, build/kernel.elf
#   make image      the GRUB disk image, build/disk.img, and build/disk.qcow2
#   make pxe        the PXE tree, build/pxe (docs/netboot.md)
#   make run        build everything and boot the disk image with a shell on this terminal
#   make run-pxe, run-kernel, run-lab   the other boot paths (README "Booting")
#   make test       lint, host unit tests, fuzz smoke runs, QEMU integration tests
#   make lint       clang-format check
#   make clean
# Variables: HEAP_DEBUG=0 builds the heap without red zones; KVM=1 lets the
# runners and tests use KVM; V=1 shows full commands; ROOT_PASSWORD and
# USER_PASSWORD set the image's passwords (default "root" and "user").

BUILD     ?= build
CC        := gcc
LD        := ld
NM        := nm
PYTHON    := /usr/bin/python3
HEAP_DEBUG ?= 1

ifeq ($(V),1)
Q :=
else
Q := @
endif

KERNEL    := $(BUILD)/kernel.elf
LDSCRIPT  := kernel/arch/x86_64/linker.ld

# Folders holding kernel code. Host-only code lives under tests/ and never here.
KDIRS     := kernel drivers fs net
KSRCS     := $(shell find $(KDIRS) -name '*.c' -o -name '*.S' | sort)
KOBJS     := $(patsubst %,$(BUILD)/k/%.o,$(basename $(KSRCS)))
# foo.c and foo.S would both build foo.o, and one would silently vanish.
KDUPS     := $(shell printf '%s\n' $(basename $(KSRCS)) | sort | uniq -d)
ifneq ($(KDUPS),)
$(error these sources would share an object file: $(KDUPS))
endif

KCFLAGS   := -std=gnu11 -O2 -g -ffreestanding -fno-builtin -fno-stack-protector -fno-pic -fno-pie \
             -mno-red-zone -mcmodel=kernel -mgeneral-regs-only -mno-mmx -mno-sse -mno-sse2 \
             -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-strict-aliasing \
             -fno-common -fcf-protection=none \
             -Wall -Wextra -Werror -Wno-unused-parameter -Wstrict-prototypes -Wmissing-prototypes \
             -I. -Ikernel/lib/svc -DHEAP_DEBUG=$(HEAP_DEBUG) -MMD -MP
KASFLAGS  := -I. -D__ASSEMBLY__ -MMD -MP -g
KLDFLAGS  := -nostdlib -static -z max-page-size=0x1000 -z noexecstack --no-relax -T $(LDSCRIPT)

.PHONY: peer all kernel image pxe run run-pxe run-kernel run-lab test lint format clean deps unit-test fuzz-test integration-test pxe-test-tree
all: kernel
kernel: $(KERNEL)

$(BUILD)/k/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/k/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	$(Q)$(CC) $(KASFLAGS) -c $< -o $@

# The symbol table for backtraces is linked in twice: first empty, then filled
# from the first link. It sits at the end of .rodata, so text addresses do not
# move between the links; scripts/check-kernel verifies that and the
# multiboot a.out-kludge layout.
$(BUILD)/ksyms-empty.o: scripts/gen-ksyms
	@mkdir -p $(BUILD)
	$(Q)scripts/gen-ksyms < /dev/null > $(BUILD)/ksyms-empty.S
	$(Q)$(CC) $(KASFLAGS) -c $(BUILD)/ksyms-empty.S -o $@

$(BUILD)/kernel.0: $(KOBJS) $(BUILD)/ksyms-empty.o $(LDSCRIPT)
	@echo "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms-empty.o

$(BUILD)/ksyms.o: $(BUILD)/kernel.0 scripts/gen-ksyms
	$(Q)$(NM) -n $< | scripts/gen-ksyms > $(BUILD)/ksyms.S
	$(Q)$(CC) $(KASFLAGS) -c $(BUILD)/ksyms.S -o $@

$(KERNEL): $(KOBJS) $(BUILD)/ksyms.o $(LDSCRIPT) scripts/check-kernel
	@echo "  LD      $@"
	$(Q)$(LD) $(KLDFLAGS) -o $@ $(KOBJS) $(BUILD)/ksyms.o
	$(Q)scripts/check-kernel $(BUILD)/kernel.0 $@

-include $(KOBJS:.o=.d)

# ---- images -------------------------------------------------------------
IMAGE      := $(BUILD)/disk.img
QCOW2      := $(BUILD)/disk.qcow2
IMAGE_SIZE ?= 256
CMDLINE    ?= root=virtio console=ttyS0 ip=dhcp
# The GRUB menu's wait in seconds, and the iPXE it can chain into (issue 8).
GRUB_TIMEOUT ?= 2
IPXE_LKRN  := /usr/lib/ipxe/ipxe.lkrn
ROOTFS     := $(BUILD)/rootfs
# Debian's busybox-static is the compatibility reference (issue 4); its sh
# applet link is replaced by our osh (/bin/sh -> osh) below.
BUSYBOX_APPLETS := sh ash ls cat echo mkdir rmdir rm cp mv ln pwd wc head tail grep sed sort uniq \
                   find stat touch chmod chown df du mount uname sleep date env id true false \
                   test printf kill ps dd sync hexdump od vi less basename dirname cut tr tee xargs \
                   hostname halt poweroff reboot \
                   free uptime top pidof readlink \
                   sha256sum
# Our own network tools (user/) are /bin/nc, ping, ifconfig, route, netstat,
# arp, wget, tftp, nslookup and host; busybox's stay reachable as
# `busybox nc` and so on (its sh also prefers its own applets for bare names).

include user/user.mk

# /etc/shadow's passwords (image/stage-rootfs; README "Passwords"). The
# stamp holds a hash of them and changes only when they do, so a new
# ROOT_PASSWORD rebuilds the image and an unchanged one does not.
ROOT_PASSWORD   ?= root
USER_PASSWORD   ?= user
export ROOT_PASSWORD USER_PASSWORD
PASSWORDS_STAMP := $(BUILD)/passwords.stamp
$(PASSWORDS_STAMP): FORCE
	@mkdir -p $(dir $@)
	$(Q)h=$$(printf '%s\n%s\n' "$$ROOT_PASSWORD" "$$USER_PASSWORD" | sha256sum); \
	[ -f $@ ] && [ "$$(cat $@)" = "$$h" ] || echo "$$h" > $@
.PHONY: FORCE
FORCE:

image: $(IMAGE)
$(IMAGE): Makefile $(KERNEL) $(USER_BINS) image/build-image image/stage-rootfs image/owners $(shell find image -type f) \
          $(PASSWORDS_STAMP)
	@echo "  IMAGE   $@ ($(IMAGE_SIZE) MiB)"
	$(Q)image/stage-rootfs $(ROOTFS)
	$(Q)cp $(filter-out $(BUILD)/user/init $(TOOLS_BIN),$(USER_BINS)) $(ROOTFS)/bin/
	$(Q)strip -o $(ROOTFS)/bin/tools $(TOOLS_BIN) && mkdir -p $(ROOTFS)/usr/local/bin
	$(Q)for t in $(TOOLS_NAMES); do ln -sf /bin/tools $(ROOTFS)/usr/local/bin/$$t; done
	$(Q)cp $(BUILD)/user/init $(ROOTFS)/sbin/init
	$(Q)cp /bin/busybox $(ROOTFS)/bin/busybox
	$(Q)for a in $(BUSYBOX_APPLETS); do ln -sf busybox $(ROOTFS)/bin/$$a; done
	$(Q)for t in $(TOOLS_NAMES); do ln -sf tools $(ROOTFS)/bin/$$t; done
	$(Q)ln -sf osh $(ROOTFS)/bin/sh # our shell is /bin/sh (docs/shell.md)
	$(Q)mkdir -p $(ROOTFS)/boot && cp $(IPXE_LKRN) $(ROOTFS)/boot/ipxe.lkrn
	$(Q)image/build-image --kernel $(KERNEL) --out $@ --size $(IMAGE_SIZE) --cmdline "$(CMDLINE)" \
		--rootfs $(ROOTFS) --owners image/owners --timeout $(GRUB_TIMEOUT)
	$(Q)qemu-img convert -f raw -O qcow2 $@ $(QCOW2)

# The PXE tree (docs/netboot.md): the kernel, rootfs.ext2 made from the
# disk image's staged tree, boot.ipxe, undionly.kpxe and SHA256SUMS.
PXE_DIR         := $(BUILD)/pxe
PXE_ROOTFS_SIZE ?= 32
pxe: $(PXE_DIR)/SHA256SUMS
$(PXE_DIR)/SHA256SUMS: $(IMAGE) scripts/build-pxe pxe/boot.ipxe.in
	@echo "  PXE     $(PXE_DIR)"
	$(Q)scripts/build-pxe --kernel $(KERNEL) --rootfs $(ROOTFS) --owners image/owners \
		--size $(PXE_ROOTFS_SIZE) --out $(PXE_DIR)

# The runners (README "Booting" has each one's QEMU line).
run: deps $(IMAGE)
	scripts/run-qemu --disk $(IMAGE) --telnet 2323
run-pxe: deps pxe
	scripts/run-qemu --pxe $(PXE_DIR)
run-kernel: deps pxe
	scripts/run-qemu --kernel $(KERNEL) --append "root=module console=ttyS0" \
		--module $(PXE_DIR)/rootfs.ext2
run-lab: deps pxe
	scripts/run-lab --dir $(PXE_DIR)

# ---- tests --------------------------------------------------------------
deps:
	$(Q)scripts/deps

include tests/unit/unit.mk
include tests/fuzz/fuzz.mk

# The Linux peer (Debian's kernel and a busybox initramfs) that
# test_busybox.py compares against and scripts/bench measures against:
# downloaded with apt-get once, rebuilt only when its inputs change.
peer: $(USER_BINS)
	$(Q)scripts/bench/linux-peer build

integration-test: $(KERNEL) $(IMAGE) pxe peer
	$(Q)cd tests/integration && $(PYTHON) -m pytest -q -ra $(PYTEST_ARGS)

test: deps
	$(Q)$(MAKE) --no-print-directory lint
	$(Q)$(MAKE) --no-print-directory unit-test
	$(Q)$(MAKE) --no-print-directory fuzz-test
	$(Q)$(MAKE) --no-print-directory integration-test

LINT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null)
LINT_SH    = $(shell git ls-files scripts .ci image/build-image | xargs grep -l '^\#!.*bash' 2>/dev/null)
LINT_PY    = $(shell git ls-files '*.py' 2>/dev/null)
lint:
	@echo "  LINT    clang-format, shellcheck, pyflakes"
	$(Q)clang-format --dry-run --Werror $(LINT_FILES)
	$(Q)shellcheck $(LINT_SH)
	$(Q)pyflakes3 $(LINT_PY)

format:
	$(Q)clang-format -i $(LINT_FILES)

clean:
	rm -rf $(BUILD)
