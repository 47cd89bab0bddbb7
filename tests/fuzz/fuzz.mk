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
FUZZ_BINS    := $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))

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
$(foreach t,$(FUZZ_TARGETS),$(eval $(call FUZZ_RULE,$(t))))

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

-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
