# Host unit tests (DESIGN.md "Testing"), included by the top-level Makefile,
# which defines BUILD, CC and Q. Pure kernel logic is compiled for the host
# with ASan and UBSan against tests/unit/svc (the host ksvc.h: note that
# kernel/lib/svc is deliberately not on the include path) and the Check
# framework. `make unit-test` builds and runs every test binary and fails if
# any test fails. Nothing here depends on the kernel build.

UNIT_DIR    := $(BUILD)/host
UNIT_CHECK_CFLAGS := $(shell pkg-config --cflags check)
UNIT_CHECK_LIBS   := $(shell pkg-config --libs check)
UNIT_CFLAGS := -std=gnu11 -g -O1 -fno-omit-frame-pointer \
               -fsanitize=address,undefined -fno-sanitize-recover=all \
               -Wall -Wextra -Werror -Wno-unused-parameter -Wmissing-prototypes \
               -I. -Itests/unit/svc $(UNIT_CHECK_CFLAGS) -MMD -MP
UNIT_LDFLAGS := -fsanitize=address,undefined
UNIT_SVC    := tests/unit/svc/host_svc.c

# test name -> sources (the test file is tests/unit/<name>.c).
UNIT_SRCS_test_printf  := kernel/lib/printf.c
UNIT_SRCS_test_cmdline := kernel/lib/cmdline.c
UNIT_SRCS_test_memmap  := kernel/mm/memmap.c
UNIT_SRCS_test_pmm     := kernel/mm/pmm.c
UNIT_SRCS_test_ksyms   := kernel/lib/ksyms.c kernel/lib/printf.c
UNIT_SRCS_test_acpi    := drivers/acpi_parse.c
UNIT_SRCS_test_mbr     := drivers/mbr.c
UNIT_SRCS_test_rtc     := drivers/rtc_time.c
UNIT_SRCS_test_cred    := kernel/proc/cred.c
UNIT_SRCS_test_ps2mouse := drivers/ps2mouse_proto.c
UNIT_SRCS_test_hwinfo  := user/lspci/pci_parse.c user/lspci/pci_ids.c user/lscpu/cpu_parse.c
UNIT_TESTS := test_printf test_cmdline test_memmap test_pmm test_ksyms test_acpi test_mbr test_rtc \
              test_cred test_ps2mouse test_hwinfo

# The heap is built and tested in both configurations.
UNIT_HEAP_VARIANTS := test_heap_debug test_heap_nodebug
UNIT_HEAP_DEF_test_heap_debug   := -DHEAP_DEBUG=1
UNIT_HEAP_DEF_test_heap_nodebug := -DHEAP_DEBUG=0


# Objects of the plain tests: $(UNIT_DIR)/obj/<path>.o
$(UNIT_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(UNIT_CFLAGS) -c $< -o $@

define UNIT_TEST_RULE
$(UNIT_DIR)/$(1): $(UNIT_DIR)/obj/tests/unit/$(1).o $(UNIT_DIR)/obj/$(UNIT_SVC:.c=.o) \
		$(patsubst %.c,$(UNIT_DIR)/obj/%.o,$(UNIT_SRCS_$(1)))
	@echo "  HOSTLD  $$@"
	$(Q)$(CC) $(UNIT_LDFLAGS) $$^ $(UNIT_CHECK_LIBS) -o $$@
endef

# Heap variants: every object of the variant (heap.c and the test itself)
# is compiled with the variant's HEAP_DEBUG under $(UNIT_DIR)/obj-<variant>/.
define UNIT_HEAP_RULE
$(UNIT_DIR)/obj-$(1)/%.o: %.c
	@mkdir -p $$(dir $$@)
	@echo "  HOSTCC  $$< ($(1))"
	$(Q)$(CC) $(UNIT_CFLAGS) $(UNIT_HEAP_DEF_$(1)) -c $$< -o $$@

$(UNIT_DIR)/$(1): $(UNIT_DIR)/obj-$(1)/tests/unit/test_heap.o $(UNIT_DIR)/obj-$(1)/kernel/mm/heap.o \
		$(UNIT_DIR)/obj/$(UNIT_SVC:.c=.o)
	@echo "  HOSTLD  $$@"
	$(Q)$(CC) $(UNIT_LDFLAGS) $$^ $(UNIT_CHECK_LIBS) -o $$@
endef
$(foreach t,$(UNIT_HEAP_VARIANTS),$(eval $(call UNIT_HEAP_RULE,$(t))))


# Filesystem tests: the buffer cache and ext2 run over the host block layer
# (host_blk.c, in place of drivers/blkdev.c) and a malloc-backed kmalloc
# (host_kmalloc.c) so that ASan sees every block buffer's exact bounds.
UNIT_FS_SVC := tests/unit/svc/host_blk.c drivers/blkdev_req.c tests/unit/svc/host_kmalloc.c
UNIT_SRCS_test_bcache := fs/bcache.c $(UNIT_FS_SVC)
UNIT_TESTS += test_bcache

# ---- VFS, tmpfs, devfs, procfs and the CSPRNG (fs/vfs.h) ----
# The VFS tests link the whole virtual-filesystem stack with a malloc-backed
# kmalloc that can fail on demand (tests/unit/test_vfs_host.c) and the host
# block layer (svc/host_blk.c); each test runs in its own process and ends
# with a leak check.
VFS_UNIT_SRCS := fs/vfs.c fs/namei.c fs/perm.c fs/vfs_file.c fs/vfs_ops.c fs/vfs_attr.c \
                 fs/vfs_cwd.c fs/tmpfs.c fs/tmpfs_file.c fs/devfs.c fs/procfs.c fs/procfs_pid.c \
                 kernel/lib/random.c kernel/lib/printf.c tests/unit/test_vfs_host.c \
                 tests/unit/svc/host_blk.c drivers/blkdev_req.c
VFS_UNIT_TESTS := test_vfs_path test_vfs_perm test_vfs_ops test_vfs_dev test_vfs_fault
UNIT_TESTS += $(VFS_UNIT_TESTS) test_random
$(foreach t,$(VFS_UNIT_TESTS),$(eval UNIT_SRCS_$(t) := $(VFS_UNIT_SRCS)))
UNIT_SRCS_test_random := kernel/lib/random.c

# ext2 over the host block layer and a stand-in for the VFS core
# (host_vfs_shim.c); images are made and checked with mke2fs, genext2fs,
# e2fsck and debugfs.
UNIT_EXT2_SRCS := fs/bcache.c fs/perm.c $(wildcard fs/ext2/*.c) tests/unit/test_ext2_lib.c \
                  tests/unit/test_ext2_host.c \
                  tests/unit/svc/host_vfs_shim.c $(UNIT_FS_SVC)
UNIT_EXT2_TESTS := test_ext2_read test_ext2_write test_ext2_corrupt
UNIT_TESTS += $(UNIT_EXT2_TESTS)
$(foreach t,$(UNIT_EXT2_TESTS),$(eval UNIT_SRCS_$(t) := $(UNIT_EXT2_SRCS)))

# ext2 under the real VFS, with the VFS tests' host support.
UNIT_SRCS_test_ext2_vfs := $(VFS_UNIT_SRCS) fs/bcache.c $(wildcard fs/ext2/*.c) \
                           tests/unit/test_ext2_host.c
UNIT_TESTS += test_ext2_vfs

# The tty line discipline (kernel/tty/ldisc.c).
UNIT_SRCS_test_ldisc := kernel/tty/ldisc.c
UNIT_TESTS += test_ldisc

# The VGA console's terminal emulator (kernel/tty/vtemu.c).
UNIT_SRCS_test_vtemu := kernel/tty/vtemu.c
UNIT_TESTS += test_vtemu
UNIT_SRCS_test_keymap := kernel/tty/keymap.c
UNIT_TESTS += test_keymap

# ELF loader planning, the initial user stack and "#!" (kernel/proc/elf.h,
# exec_stack.h). The test builds static musl binaries into
# $(UNIT_DIR)/elf_fixtures with musl-gcc and compares with readelf.
UNIT_SRCS_test_elf := kernel/proc/elf.c
UNIT_TESTS += test_elf
UNIT_SRCS_test_exec_stack := kernel/proc/exec_stack.c
UNIT_TESTS += test_exec_stack

# Readiness and byte rings (fs/poll_mask.c, kernel/lib/ringbuf.c).
UNIT_SRCS_test_ringbuf := kernel/lib/ringbuf.c
UNIT_SRCS_test_poll_mask := fs/poll_mask.c
UNIT_TESTS += test_ringbuf test_poll_mask

# The kernel's own string functions (kernel/lib/string.c, included by the
# test itself under other names: host builds use the C library's).
UNIT_SRCS_test_string :=
UNIT_TESTS += test_string

# Virtual memory areas (kernel/mm/vm.c).
UNIT_SRCS_test_vm := kernel/mm/vm.c tests/unit/svc/host_kmalloc.c
UNIT_TESTS += test_vm

# /proc/<pid>/stat and status text and the load-average arithmetic
# (kernel/proc/proc_fmt.c, kernel/sched/loadavg.h).
UNIT_SRCS_test_proc_fmt := kernel/proc/proc_fmt.c kernel/lib/printf.c
UNIT_TESTS += test_proc_fmt

# The IPv4 stack (net/) over a fake interface that captures frames
# (tests/unit/net_fake.c).
NET_UNIT_SRCS := net/pktbuf.c net/netdev.c net/loopback.c net/stack.c net/eth.c net/arp.c \
                 net/ipv4.c net/ipv4_route.c net/ipv4_frag.c net/icmp.c net/udp.c \
                 net/inet_csum.c kernel/lib/printf.c tests/unit/svc/host_kmalloc.c \
                 tests/unit/net_fake.c
UNIT_SRCS_test_net := $(NET_UNIT_SRCS)
UNIT_TESTS += test_net

# The UDP application protocols (net/dhcp.c, net/dns.c, net/tftp.c): pure
# engines driven by recorded packets, a scripted TFTP server and a fake clock.
UNIT_SRCS_test_dhcp := net/dhcp.c
UNIT_SRCS_test_dns  := net/dns.c
UNIT_SRCS_test_tftp := net/tftp.c tests/unit/tftp_script.c
UNIT_SRCS_test_tftp_edge := net/tftp.c tests/unit/tftp_script.c
UNIT_TESTS += test_dhcp test_dns test_tftp test_tftp_edge

# The TCP engine (net/tcp_*.c): scripted single-engine tests and two engines
# over a simulated lossy link (tests/unit/tcp_harness.c).
UNIT_TCP_SRCS := net/tcp_pcb.c net/tcp_user.c net/tcp_in.c net/tcp_out.c net/tcp_timer.c \
                 tests/unit/tcp_harness.c tests/unit/svc/host_kmalloc.c
UNIT_SRCS_test_tcp := $(UNIT_TCP_SRCS) tests/unit/tcp_script.c
UNIT_SRCS_test_tcp_data := $(UNIT_TCP_SRCS) tests/unit/tcp_script.c
UNIT_SRCS_test_tcp_sim := $(UNIT_TCP_SRCS)
UNIT_TESTS += test_tcp test_tcp_data test_tcp_sim

# The network tools' pure parts (user/lib, user/ping): URL, HTTP head and
# chunked parsing, /proc/net lines, resolv.conf, ping statistics.
UNIT_SRCS_test_nettools := user/lib/nt_http.c user/lib/nt_procnet.c user/lib/nt_resolvconf.c \
                           user/ping/ping_stats.c net/dns.c
UNIT_TESTS += test_nettools

# SHA-256 (kernel/lib/sha256.c): FIPS vectors, padding edges, split updates.
UNIT_SRCS_test_sha256 := kernel/lib/sha256.c
UNIT_TESTS += test_sha256

# The tools' pure helpers (user/tools/fmt.c): ls -h sizes, mode strings and
# chmod mode expressions.
UNIT_SRCS_test_tools_fmt := user/tools/fmt.c
UNIT_TESTS += test_tools_fmt

# osh's pure parts: the lexer, parser, expander and arithmetic (shell/).
UNIT_SRCS_test_shell_parse := shell/lex.c shell/parse.c shell/expand.c shell/arith.c shell/tree.c
UNIT_TESTS += test_shell_parse

# The account databases (user/lib/shadow.c, sha512crypt.c): SHA-512, "$6$"
# crypt against libcrypt's hashes, shadow lines, the locked atomic rewrite.
UNIT_SRCS_test_shadow := user/lib/shadow.c user/lib/sha512crypt.c
UNIT_TESTS += test_shadow
# telnetd's protocol engine (user/telnetd/telnet.c): negotiation, NVT, IAC.
UNIT_SRCS_test_telnet := user/telnetd/telnet.c
UNIT_TESTS += test_telnet

# ---- Rules for every test above ------------------------------------------
# A section names its test in UNIT_TESTS and its sources in UNIT_SRCS_<test>;
# nothing else is needed for it to be built and run.
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_TEST_RULE,$(t))))
UNIT_BINS := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS) $(UNIT_HEAP_VARIANTS))

# Run every binary even when one fails, then fail if any did.
unit-test: $(UNIT_BINS)
	$(Q)fail=0; for t in $(UNIT_BINS); do \
		echo "  UNIT    $$t"; \
		ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
			$$t || fail=1; \
	done; \
	if [ $$fail -ne 0 ]; then echo "unit-test: FAILED"; exit 1; fi

-include $(shell find $(UNIT_DIR) -name '*.d' 2>/dev/null)
