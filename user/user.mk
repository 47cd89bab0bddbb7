# User programs (DESIGN.md "User space"): static musl binaries built with
# Debian's musl-gcc into $(BUILD)/user/ and installed into the image's /bin
# by the image rule. Included by the top-level Makefile.
#   user/NAME.c        a one-file program, /bin/NAME
#   user/NAME/*.c      a multi-file program, /bin/NAME (headers in the same
#                      folder; every .c of the folder is linked together)

USER_CC     := musl-gcc
USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -fno-stack-protector
USER_SRCS   := $(wildcard user/*.c)
USER_DIRS   := $(patsubst %/,%,$(sort $(dir $(wildcard user/*/*.c))))
USER_BINS   := $(patsubst user/%.c,$(BUILD)/user/%,$(USER_SRCS)) \
               $(patsubst user/%,$(BUILD)/user/%,$(USER_DIRS))

$(BUILD)/user/%: user/%.c
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $< -o $@

# One rule per folder: the binary depends on every .c and .h in it.
define user_dir_rule
$(BUILD)/user/$(notdir $(1)): $(wildcard $(1)/*.c) $(wildcard $(1)/*.h)
	@mkdir -p $$(dir $$@)
	@echo "  MUSLCC  $(1)/*.c"
	$$(Q)$$(USER_CC) $$(USER_CFLAGS) -pthread $(wildcard $(1)/*.c) -o $$@
endef
$(foreach d,$(USER_DIRS),$(eval $(call user_dir_rule,$(d))))

.PHONY: user
user: $(USER_BINS)

# osh, our shell (docs/shell.md): shell/*.c, built like a user/NAME/
# program and installed as /bin/osh.
OSH_SRCS := $(wildcard shell/*.c)
USER_BINS += $(BUILD)/user/osh
$(BUILD)/user/osh: $(OSH_SRCS) $(wildcard shell/*.h)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  shell/*.c"
	$(Q)$(USER_CC) $(USER_CFLAGS) -Wno-unused-parameter $(OSH_SRCS) -o $@
