/*
 * Kernel command-line parsing (kernel/lib/cmdline.h). The line comes from the
 * boot loader and is untrusted: any byte may appear, nothing is read at or
 * past `len` or the first NUL, and no input makes parsing fail. Every word
 * ends up as exactly one of: the boot image name (first word only), an
 * applied key (counted in `keys`), or a warning (counted in `warnings`).
 *
 * Words are unquoted while they are read: a '"' toggles quoting and is
 * dropped, and blanks (space, tab, CR, LF) inside quotes belong to the word.
 */
#include <ksvc.h>
#include "kernel/lib/cmdline.h"

#define KEY_MAX	 16				   /* longer keys are never known */
#define WORD_MAX (KEY_MAX + 1 + CMDLINE_VALUE_MAX) /* key=value, unquoted */
#define SHOW_MAX 48				   /* bytes of input quoted in a warning */
#define SHOW_BUF (SHOW_MAX * 4 + 4)		   /* every byte escaped, plus "..." */

struct word {
	char text[WORD_MAX + 1]; /* the first WORD_MAX bytes, NUL-terminated */
	size_t len;		 /* full unquoted length, may exceed WORD_MAX */
	bool unterminated;	 /* ended inside quotes */
};

struct parse_ctx {
	struct boot_options *o;
	bool panic_given; /* a valid panic= was seen: selftest does not imply exit */
};

struct key {
	const char *name;
	/* val is NUL-terminated; has_val is false for a bare flag. */
	int (*set)(struct parse_ctx *c, const char *val, size_t vlen, bool has_val);
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Escape n bytes of s for a log line: printable ASCII stays, the rest is \xHH. */
static const char *show(char *dst, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, j = 0;

	for (i = 0; i < n && i < SHOW_MAX; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			dst[j++] = (char)c;
		} else {
			dst[j++] = '\\';
			dst[j++] = 'x';
			dst[j++] = hex[c >> 4];
			dst[j++] = hex[c & 15];
		}
	}
	if (n > SHOW_MAX) {
		dst[j++] = '.';
		dst[j++] = '.';
		dst[j++] = '.';
	}
	dst[j] = '\0';
	return dst;
}

/* Copy a value that is known to fit (vlen < size) into a fixed field. */
static void set_string(char *dst, size_t size, const char *val, size_t vlen)
{
	if (vlen >= size)
		vlen = size - 1;
	memcpy(dst, val, vlen);
	dst[vlen] = '\0';
}

static bool value_is(const char *val, size_t vlen, const char *s)
{
	return vlen == strlen(s) && memcmp(val, s, vlen) == 0;
}

static int set_root(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	struct boot_options *o = c->o;
	const char *host, *slash;

	if (value_is(val, vlen, "virtio")) {
		o->root = ROOT_VIRTIO;
	} else if (value_is(val, vlen, "module")) {
		o->root = ROOT_MODULE;
	} else if (value_is(val, vlen, "tftp")) {
		o->root = ROOT_TFTP_DHCP;
	} else if (vlen > 7 && memcmp(val, "tftp://", 7) == 0) {
		/* tftp://HOST/PATH with a non-empty host and path, and room for
		 * the whole URL in root_url. */
		if (vlen >= sizeof(o->root_url))
			return -EINVAL;
		host = val + 7;
		slash = memchr(host, '/', vlen - 7);
		if (!slash || slash == host || slash + 1 == val + vlen)
			return -EINVAL;
		o->root = ROOT_TFTP_URL;
		set_string(o->root_url, sizeof(o->root_url), val, vlen);
		return 0;
	} else {
		return -EINVAL;
	}
	o->root_url[0] = '\0';
	return 0;
}

static int set_console(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	if (value_is(val, vlen, "ttyS0") || value_is(val, vlen, "serial"))
		c->o->console = CONSOLE_SERIAL;
	else if (value_is(val, vlen, "vga") || value_is(val, vlen, "tty0") ||
		 value_is(val, vlen, "tty1"))
		c->o->console = CONSOLE_VGA;
	else
		return -EINVAL;
	return 0;
}

/* A prefix length: 0..32, decimal, without sign or leading zeros. */
static int parse_prefix(const char *s, size_t len, uint8_t *out)
{
	unsigned v = 0;
	size_t i;

	if (len == 0 || len > 2 || (len == 2 && s[0] == '0'))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v > 32)
		return -EINVAL;
	*out = (uint8_t)v;
	return 0;
}

static int set_ip(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	struct boot_options *o = c->o;
	const char *slash, *comma, *end = val + vlen;
	uint32_t addr, gw = 0;
	uint8_t prefix;

	if (value_is(val, vlen, "dhcp")) {
		o->ip = IP_DHCP;
		o->ip_addr = 0;
		o->ip_prefix = 0;
		o->ip_gw = 0;
		return 0;
	}
	/* ADDR/NN[,GW]: parse everything before changing anything. */
	slash = memchr(val, '/', vlen);
	if (!slash || cmdline_parse_ipv4(val, (size_t)(slash - val), &addr))
		return -EINVAL;
	comma = memchr(slash + 1, ',', (size_t)(end - slash - 1));
	if (parse_prefix(slash + 1, (size_t)((comma ? comma : end) - slash - 1), &prefix))
		return -EINVAL;
	if (comma && cmdline_parse_ipv4(comma + 1, (size_t)(end - comma - 1), &gw))
		return -EINVAL;
	o->ip = IP_STATIC;
	o->ip_addr = addr;
	o->ip_prefix = prefix;
	o->ip_gw = gw;
	return 0;
}

/* rootfs=PATH: the image's path on the DHCP-named server (root=tftp). */
static int set_rootfs(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	if (vlen == 0 || vlen >= sizeof(c->o->rootfs))
		return -EINVAL;
	set_string(c->o->rootfs, sizeof(c->o->rootfs), val, vlen);
	return 0;
}

/* rootsha256=HEX: 64 hex digits, checked against the fetched image. */
static int set_rootsha256(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	if (vlen != 64)
		return -EINVAL;
	for (size_t i = 0; i < vlen; i++) {
		char ch = val[i];
		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
		      (ch >= 'A' && ch <= 'F')))
			return -EINVAL;
	}
	set_string(c->o->rootsha256, sizeof(c->o->rootsha256), val, vlen);
	return 0;
}

static int set_init(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	if (vlen == 0 || val[0] != '/' || vlen >= sizeof(c->o->init))
		return -EINVAL;
	set_string(c->o->init, sizeof(c->o->init), val, vlen);
	return 0;
}

static int set_selftest(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	size_t i;

	if (has_val) {
		if (vlen == 0 || vlen >= sizeof(c->o->selftest_group))
			return -EINVAL;
		for (i = 0; i < vlen; i++) {
			char ch = val[i];

			if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_'))
				return -EINVAL;
		}
	}
	c->o->selftest = true;
	set_string(c->o->selftest_group, sizeof(c->o->selftest_group), val, vlen);
	return 0;
}

static int set_quiet(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	if (has_val)
		return -EINVAL;
	c->o->quiet = true;
	return 0;
}

static int set_profile(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	if (has_val)
		return -EINVAL;
	c->o->profile = true;
	return 0;
}

static int set_panic(struct parse_ctx *c, const char *val, size_t vlen, bool has_val)
{
	if (value_is(val, vlen, "halt"))
		c->o->panic = PANIC_HALT;
	else if (value_is(val, vlen, "reboot"))
		c->o->panic = PANIC_REBOOT;
	else if (value_is(val, vlen, "exit"))
		c->o->panic = PANIC_EXIT;
	else
		return -EINVAL;
	c->panic_given = true;
	return 0;
}

static const struct key keys[] = {
	{"root", set_root},
	{"console", set_console},
	{"ip", set_ip},
	{"init", set_init},
	{"selftest", set_selftest},
	{"quiet", set_quiet},
	{"panic", set_panic},
	{"profile", set_profile},
	{"rootfs", set_rootfs},
	{"rootsha256", set_rootsha256},
};

static const struct key *find_key(const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (value_is(name, len, keys[i].name))
			return &keys[i];
	}
	return NULL;
}

/* Read one word starting at line[*pos] (not a blank), up to `end`. */
static void read_word(const char *line, size_t end, size_t *pos, struct word *w)
{
	bool quoted = false;
	size_t i;

	w->len = 0;
	for (i = *pos; i < end; i++) {
		char ch = line[i];

		if (ch == '"') {
			quoted = !quoted;
			continue;
		}
		if (!quoted && is_blank(ch))
			break;
		if (w->len < WORD_MAX)
			w->text[w->len] = ch;
		w->len++;
	}
	w->text[MIN(w->len, WORD_MAX)] = '\0';
	w->unterminated = quoted;
	*pos = i;
}

static void handle_word(struct parse_ctx *c, const struct word *w, bool first)
{
	struct boot_options *o = c->o;
	size_t kept = MIN(w->len, WORD_MAX), klen, vlen = 0;
	const char *eq, *val = "";
	const struct key *k;
	char shown[SHOW_BUF];

	if (w->unterminated) {
		pr_warn("cmdline: unterminated quote, ignored\n");
		o->warnings++;
		return;
	}
	if (w->len == 0)
		return; /* "" */
	eq = memchr(w->text, '=', kept);
	klen = eq ? (size_t)(eq - w->text) : kept;
	k = find_key(w->text, klen);
	if (!k && first) {
		/* QEMU's and iPXE's first word: the kernel's path or URI. */
		set_string(o->image, sizeof(o->image), w->text, kept);
		return;
	}
	if (w->len > WORD_MAX) {
		pr_warn("cmdline: word too long, ignored\n");
		o->warnings++;
		return;
	}
	if (!k) {
		pr_warn("cmdline: unknown key \"%s\", ignored\n", show(shown, w->text, klen));
		o->warnings++;
		return;
	}
	if (eq) {
		val = eq + 1;
		vlen = kept - klen - 1;
	}
	if (k->set(c, val, vlen, eq != NULL)) {
		pr_warn("cmdline: bad value for %s: \"%s\"\n", k->name, show(shown, val, vlen));
		o->warnings++;
		return;
	}
	o->keys++;
}

void cmdline_defaults(struct boot_options *o)
{
	memset(o, 0, sizeof(*o));
	o->root = ROOT_DEFAULT;
	o->console = CONSOLE_DEFAULT;
	o->ip = IP_DEFAULT;
	o->panic = PANIC_HALT;
}

void cmdline_parse(const char *line, size_t len, struct boot_options *o)
{
	struct parse_ctx c = {.o = o, .panic_given = false};
	struct word w;
	size_t end = 0, pos = 0;
	bool first = true;

	if (!line)
		len = 0;
	while (end < len && line[end])
		end++;
	for (;;) {
		while (pos < end && is_blank(line[pos]))
			pos++;
		if (pos == end)
			break;
		read_word(line, end, &pos, &w);
		handle_word(&c, &w, first);
		first = false;
	}
	if (o->selftest && !c.panic_given)
		o->panic = PANIC_EXIT;
}

int cmdline_parse_ipv4(const char *s, size_t len, uint32_t *out)
{
	uint32_t addr = 0;
	size_t i = 0;
	int octet;

	for (octet = 0; octet < 4; octet++) {
		size_t start;
		unsigned v = 0;

		if (octet) {
			if (i >= len || s[i] != '.')
				return -EINVAL;
			i++;
		}
		start = i;
		while (i < len && i - start < 3 && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i] - '0');
			i++;
		}
		/* One to three digits, no leading zero (010 is octal to inet_aton). */
		if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
			return -EINVAL;
		addr = addr << 8 | v;
	}
	if (i != len)
		return -EINVAL;
	*out = addr;
	return 0;
}
