# User programs (DESIGN.md "User space"): static musl binaries built with
# Debian's musl-gcc into $(BUILD)/user/ and installed into the image's /bin
# by the image rule. Included by the top-level Makefile.
#   user/NAME.c        a one-file program, /bin/NAME
#   user/NAME/*.c      a multi-file program, /bin/NAME (headers in the same
#                      folder; every .c of the folder is linked together)
#   user/lib/*.c       not a program: libuser.a, linked into every program
#                      (the network tools' shared code, the account files,
#                      unmounting at shutdown). It also
#                      holds the kernel's pure engines net/dns.c and
#                      net/tftp.c, built against user/lib/ksvc.h (docs/network.md
#                      "Tools").

USER_CC     := musl-gcc
USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -fno-stack-protector
USER_SRCS   := $(wildcard user/*.c)
USER_DIRS   := $(filter-out user/lib,$(patsubst %/,%,$(sort $(dir $(wildcard user/*/*.c)))))
USER_BINS   := $(patsubst user/%.c,$(BUILD)/user/%,$(USER_SRCS)) \
               $(patsubst user/%,$(BUILD)/user/%,$(USER_DIRS))


# libuser.a: user/lib/*.c and the kernel's pure engines (built, like the
# kernel builds them, without -Wunused-parameter). Only the
# members a program needs are linked into it.
USER_LIB_SRCS := $(wildcard user/lib/*.c) net/dns.c net/tftp.c
USER_LIB_OBJS := $(patsubst %.c,$(BUILD)/user/libobj/%.o,$(USER_LIB_SRCS))
USER_LIB      := $(BUILD)/user/libuser.a
USER_LIB_INC  := -Iuser/lib -iquote .

$(BUILD)/user/libobj/%.o: %.c $(wildcard user/lib/*.h) net/dns.h net/tftp.h
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) -Wno-unused-parameter $(USER_LIB_INC) -c $< -o $@

$(USER_LIB): $(USER_LIB_OBJS)
	$(Q)rm -f $@ && ar rcs $@ $^

# One-file programs link libuser.a too (only the members they use).
$(BUILD)/user/%: user/%.c $(USER_LIB)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $(USER_LIB_INC) $< $(USER_LIB) -o $@

# One rule per folder: the binary depends on every .c and .h in it.
define user_dir_rule
$(BUILD)/user/$(notdir $(1)): $(wildcard $(1)/*.c) $(wildcard $(1)/*.h) $(USER_LIB)
	@mkdir -p $$(dir $$@)
	@echo "  MUSLCC  $(1)/*.c"
	$$(Q)$$(USER_CC) $$(USER_CFLAGS) $(USER_LIB_INC) -pthread $(wildcard $(1)/*.c) $(USER_LIB) -lm -o $$@
endef
$(foreach d,$(USER_DIRS),$(eval $(call user_dir_rule,$(d))))

.PHONY: user
user: $(USER_BINS)

# The multi-call tools (user/tools/, docs/tools.md) are not a /bin program:
# the image rule installs them as /usr/local/bin/tools with one symlink per
# tool named in user/tools/tool_list.h.
TOOLS_BIN   := $(BUILD)/user/tools
TOOLS_NAMES := $(shell sed -n 's/^TOOL(\(.*\))$$/\1/p' user/tools/tool_list.h)

# osh, our shell (docs/shell.md): shell/*.c, built like a user/NAME/
# program and installed as /bin/osh.
OSH_SRCS := $(wildcard shell/*.c)
USER_BINS += $(BUILD)/user/osh
$(BUILD)/user/osh: $(OSH_SRCS) $(wildcard shell/*.h)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  shell/*.c"
	$(Q)$(USER_CC) $(USER_CFLAGS) -Wno-unused-parameter $(OSH_SRCS) -o $@
