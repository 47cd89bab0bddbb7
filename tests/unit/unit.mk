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
UNIT_TESTS := test_printf test_cmdline test_memmap test_pmm test_ksyms test_acpi test_mbr test_rtc

# The heap is built and tested in both configurations.
UNIT_HEAP_VARIANTS := test_heap_debug test_heap_nodebug
UNIT_HEAP_DEF_test_heap_debug   := -DHEAP_DEBUG=1
UNIT_HEAP_DEF_test_heap_nodebug := -DHEAP_DEBUG=0

UNIT_BINS := $(addprefix $(UNIT_DIR)/,$(UNIT_TESTS) $(UNIT_HEAP_VARIANTS))

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
$(foreach t,$(UNIT_TESTS),$(eval $(call UNIT_TEST_RULE,$(t))))

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
