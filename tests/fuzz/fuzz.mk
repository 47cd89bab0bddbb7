# libFuzzer targets (DESIGN.md "Testing": every parser of untrusted input is
# fuzzed), included by the top-level Makefile, which defines BUILD and Q.
# `make fuzz-test` builds every target with clang and runs each for a short,
# bounded time starting from its seed corpus under tests/fuzz/corpus/; new
# inputs go to $(BUILD)/fuzz/corpus-<name> so the committed seeds stay as they
# are. Longer runs: scripts/fuzz-long.

FUZZ_CC      := clang
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_TIME    ?= 10
FUZZ_CFLAGS  := -std=gnu11 -g -O1 -fno-omit-frame-pointer \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -Wall -Wextra -Werror -Wno-unused-parameter \
                -I. -Itests/unit/svc -MMD -MP
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
FUZZ_SVC     := tests/unit/svc/host_svc.c

FUZZ_SRCS_fuzz_cmdline := kernel/lib/cmdline.c
FUZZ_SRCS_fuzz_memmap  := kernel/mm/memmap.c
FUZZ_SRCS_fuzz_acpi    := drivers/acpi_parse.c
FUZZ_TARGETS := fuzz_cmdline fuzz_memmap fuzz_acpi

# Every source, the kernel's included, is compiled with coverage
# instrumentation; libFuzzer's main comes in at link time.
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

define FUZZ_RULE
$(FUZZ_DIR)/$(1): $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,tests/fuzz/$(1).c $(FUZZ_SRCS_$(1)) $(FUZZ_SVC))
	@echo "  FUZZLD  $$@"
	$(Q)$(FUZZ_CC) $(FUZZ_LDFLAGS) $$^ -o $$@
endef
-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)

# The VFS path walk and namespace operations over tmpfs (fs/vfs.h), with the
# VFS tests' host support (malloc-backed kmalloc with leak accounting).
FUZZ_SRCS_fuzz_path := fs/vfs.c fs/namei.c fs/perm.c fs/vfs_file.c fs/vfs_ops.c fs/vfs_attr.c \
                       fs/vfs_cwd.c fs/tmpfs.c fs/tmpfs_file.c fs/devfs.c fs/procfs.c fs/procfs_pid.c \
                       kernel/lib/random.c kernel/lib/printf.c tests/unit/test_vfs_host.c \
                       tests/unit/svc/host_blk.c drivers/blkdev_req.c
FUZZ_TARGETS += fuzz_path

# ext2 metadata (fs/ext2, fs/bcache.c): the input patches a small image that
# mke2fs makes here at build time from a tree staged by the recipe, linked
# into the target with .incbin (fuzz_ext2_seed .. fuzz_ext2_seed_end).
FUZZ_SRCS_fuzz_ext2 := fs/bcache.c fs/perm.c $(wildcard fs/ext2/*.c) tests/unit/svc/host_blk.c drivers/blkdev_req.c \
                       tests/unit/svc/host_kmalloc.c tests/unit/svc/host_vfs_shim.c
FUZZ_EXT2_SEED := $(FUZZ_DIR)/ext2_seed.img
FUZZ_EXT2_LONG := a/b/$(shell printf 'x%.0s' $$(seq 1 80))

$(FUZZ_EXT2_SEED): tests/fuzz/fuzz.mk
	@mkdir -p $(FUZZ_DIR)
	@echo "  MKE2FS  $@"
	$(Q)rm -rf $@.d $@ && mkdir -p $@.d/a/b $@.d/many && \
	printf hello > $@.d/hello && : > $@.d/empty && printf deep > $@.d/a/b/deep && \
	yes 'ext2 indirect block data' | head -c 13000 > $@.d/a/indirect && \
	ln -s hello $@.d/short && ln -s $(FUZZ_EXT2_LONG) $@.d/long && \
	for i in $$(seq 1 30); do printf "f$$i" > $@.d/many/file_number_$$i; done && \
	truncate -s 128k $@ && \
	E2FSPROGS_FAKE_TIME=1700000000 mke2fs -q -t ext2 -b 1024 -N 64 -m 0 -d $@.d -F $@ && \
	rm -rf $@.d

$(FUZZ_DIR)/ext2_seed.o: $(FUZZ_EXT2_SEED)
	$(Q)printf '%s\n' '.section .rodata' '.globl fuzz_ext2_seed, fuzz_ext2_seed_end' \
		'.balign 64' 'fuzz_ext2_seed:' '.incbin "$<"' 'fuzz_ext2_seed_end:' \
		'.section .note.GNU-stack,"",@progbits' > $(FUZZ_DIR)/ext2_seed.s
	$(Q)$(FUZZ_CC) -c $(FUZZ_DIR)/ext2_seed.s -o $@

FUZZ_TARGETS += fuzz_ext2
$(FUZZ_DIR)/fuzz_ext2: $(FUZZ_DIR)/ext2_seed.o

# The tty line discipline (kernel/tty/ldisc.c): scripts of termios changes,
# typed input, reads and output.
FUZZ_SRCS_fuzz_ldisc := kernel/tty/ldisc.c
FUZZ_TARGETS += fuzz_ldisc

FUZZ_SRCS_fuzz_vtemu := kernel/tty/vtemu.c
FUZZ_TARGETS += fuzz_vtemu

# ELF headers, "#!" lines and the initial stack (kernel/proc/elf.c,
# exec_stack.c); seeds are small crafted executables and scripts.
FUZZ_SRCS_fuzz_elf := kernel/proc/elf.c kernel/proc/exec_stack.c
FUZZ_TARGETS += fuzz_elf

# Virtual memory areas (kernel/mm/vm.c): map/unmap/protect sequences checked
# against a page-array model.
FUZZ_SRCS_fuzz_vm := kernel/mm/vm.c tests/unit/svc/host_kmalloc.c
FUZZ_TARGETS += fuzz_vm

# The network input path (net/): Ethernet, ARP, IPv4 with reassembly, ICMP,
# UDP, over the fake interface of the unit tests.
FUZZ_SRCS_fuzz_net := net/pktbuf.c net/netdev.c net/loopback.c net/stack.c net/eth.c net/arp.c \
                      net/ipv4.c net/ipv4_route.c net/ipv4_frag.c net/icmp.c net/udp.c \
                      net/inet_csum.c kernel/lib/printf.c tests/unit/svc/host_kmalloc.c \
                      tests/unit/net_fake.c
FUZZ_TARGETS += fuzz_net

# The UDP application protocols (net/dhcp.c, net/dns.c, net/tftp.c): server
# replies parsed and fed through each engine's state machine.
FUZZ_SRCS_fuzz_dhcp := net/dhcp.c
FUZZ_SRCS_fuzz_dns  := net/dns.c
FUZZ_SRCS_fuzz_tftp := net/tftp.c
FUZZ_TARGETS += fuzz_dhcp fuzz_dns fuzz_tftp

# The TCP engine (net/tcp_*.c): programs of segments aimed at live
# connections, raw segments, clock jumps and API calls, with the engine's
# invariants checked after every step.
FUZZ_SRCS_fuzz_tcp := net/tcp_pcb.c net/tcp_user.c net/tcp_in.c net/tcp_out.c net/tcp_timer.c \
                      tests/unit/svc/host_kmalloc.c
FUZZ_TARGETS += fuzz_tcp

# wget's HTTP parsers (user/lib/nt_http.c): response heads, chunked bodies,
# URLs and redirect targets.
FUZZ_SRCS_fuzz_http := user/lib/nt_http.c
FUZZ_TARGETS += fuzz_http

# The tools' mode expressions and size formatting (user/tools/fmt.c).
FUZZ_SRCS_fuzz_tools_fmt := user/tools/fmt.c
FUZZ_TARGETS += fuzz_tools_fmt

# osh's grammar and expansion (shell/).
FUZZ_SRCS_fuzz_shell_parse := shell/lex.c shell/parse.c shell/expand.c shell/arith.c
FUZZ_TARGETS += fuzz_shell_parse

# PS/2 mouse packets (drivers/ps2mouse_proto.c): aux-port bytes with time
# steps, and the /dev/input/mice encoding of each event.
FUZZ_SRCS_fuzz_ps2mouse := drivers/ps2mouse_proto.c
FUZZ_TARGETS += fuzz_ps2mouse

# ---- Rules for every target above ----------------------------------------
# A section names its target in FUZZ_TARGETS and its sources in
# FUZZ_SRCS_<target>; nothing else is needed for it to be built and run.
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULE,$(t))))
FUZZ_BINS := $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))

.PHONY: fuzz-build
fuzz-build: $(FUZZ_BINS)

# -runs is only a ceiling; -max_total_time bounds each run.
fuzz-test: $(FUZZ_BINS)
	$(Q)for t in $(FUZZ_TARGETS); do \
		name=$${t#fuzz_}; \
		echo "  FUZZ    $$t ($(FUZZ_TIME) s)"; \
		mkdir -p $(FUZZ_DIR)/corpus-$$name $(FUZZ_DIR)/artifacts; \
		$(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_TIME) -runs=100000000 -max_len=8192 \
			-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix=$(FUZZ_DIR)/artifacts/$$t- \
			$(FUZZ_DIR)/corpus-$$name tests/fuzz/corpus/$$name \
			> $(FUZZ_DIR)/$$t.log 2>&1 \
			|| { tail -n 40 $(FUZZ_DIR)/$$t.log; echo "fuzz-test: $$t FAILED"; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^Done' $(FUZZ_DIR)/$$t.log | sed 's/^/          /'; \
	done
