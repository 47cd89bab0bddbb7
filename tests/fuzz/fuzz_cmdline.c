/*
 * libFuzzer target for kernel/lib/cmdline.c: the boot loader's command line
 * is untrusted input. Feeds arbitrary bytes to cmdline_parse and checks that
 * every string field stays terminated inside its array, enums stay in range,
 * fields are consistent with each other, parsing is deterministic, and
 * cmdline_parse_ipv4 only accepts canonical dotted quads.
 */
#define _GNU_SOURCE /* memmem */
#include <stdio.h>
#include <stdlib.h>
#include "host_svc.h"
#include "kernel/lib/cmdline.h"

#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                      \
			abort();                                                             \
		}                                                                            \
	} while (0)

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static void check_options(const struct boot_options *o, const uint8_t *data, size_t size)
{
	size_t i;

	CHECK(terminated(o->image, sizeof(o->image)));
	CHECK(terminated(o->root_url, sizeof(o->root_url)));
	CHECK(terminated(o->init, sizeof(o->init)));
	CHECK(terminated(o->selftest_group, sizeof(o->selftest_group)));

	CHECK(o->root >= ROOT_DEFAULT && o->root <= ROOT_TFTP_URL);
	CHECK(o->console >= CONSOLE_DEFAULT && o->console <= CONSOLE_VGA);
	CHECK(o->ip >= IP_DEFAULT && o->ip <= IP_STATIC);
	CHECK(o->panic >= PANIC_HALT && o->panic <= PANIC_EXIT);

	/* root_url is set exactly for root=tftp://HOST/PATH. */
	CHECK((o->root == ROOT_TFTP_URL) == (o->root_url[0] != '\0'));
	if (o->root == ROOT_TFTP_URL)
		CHECK(!strncmp(o->root_url, "tftp://", 7) && strchr(o->root_url + 7, '/'));
	CHECK(o->init[0] == '\0' || o->init[0] == '/');
	if (o->ip == IP_STATIC)
		CHECK(o->ip_prefix <= 32);
	else
		CHECK(o->ip_addr == 0 && o->ip_prefix == 0 && o->ip_gw == 0);
	if (!o->selftest)
		CHECK(o->selftest_group[0] == '\0');
	for (i = 0; o->selftest_group[i]; i++) {
		char c = o->selftest_group[i];

		CHECK((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
	}
	/* selftest means panic=exit unless a panic= key said otherwise. */
	if (o->selftest && o->panic != PANIC_EXIT)
		CHECK(memmem(data, size, "panic=", 6) != NULL);
	/* Every warning is one log line; every key or warning needs a byte. */
	CHECK(host_log_total() == o->warnings);
	CHECK((size_t)o->keys + o->warnings <= size);
}

static void check_ipv4(const uint8_t *data, size_t size)
{
	uint32_t a;
	char canon[16];

	if (cmdline_parse_ipv4((const char *)data, size, &a))
		return;
	/* Accepted: the input must be exactly the canonical form. */
	snprintf(canon, sizeof(canon), "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255,
		 a & 255);
	CHECK(size == strlen(canon) && !memcmp(data, canon, size));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_options o, o2;

	host_log_clear();
	cmdline_defaults(&o);
	cmdline_parse((const char *)data, size, &o);
	check_options(&o, data, size);

	/* Deterministic. */
	host_log_clear();
	cmdline_defaults(&o2);
	cmdline_parse((const char *)data, size, &o2);
	CHECK(!memcmp(&o, &o2, sizeof(o)));

	/* Any prefix is a valid line too. */
	host_log_clear();
	cmdline_defaults(&o2);
	cmdline_parse((const char *)data, size / 2, &o2);
	check_options(&o2, data, size / 2);

	check_ipv4(data, size);
	return 0;
}
