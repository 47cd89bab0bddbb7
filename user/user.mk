# User programs (DESIGN.md "User space"): static musl binaries, one per
# user/*.c, built with Debian's musl-gcc into $(BUILD)/user/ and installed
# into the image's /bin by the image rule. Included by the top-level Makefile.

USER_CC     := musl-gcc
USER_CFLAGS := -static -O2 -g -Wall -Wextra -Werror -fno-stack-protector
USER_SRCS   := $(wildcard user/*.c)
USER_BINS   := $(patsubst user/%.c,$(BUILD)/user/%,$(USER_SRCS))

$(BUILD)/user/%: user/%.c
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	$(Q)$(USER_CC) $(USER_CFLAGS) $< -o $@

.PHONY: user
user: $(USER_BINS)
