/*
 * root=tftp: the root filesystem image fetched over TFTP at boot into a
 * writable RAM disk (README "Boot options", docs/netboot.md).
 *
 *   root=tftp://HOST[:PORT]/PATH   HOST is a dotted quad or a name
 *   root=tftp               the server and path from DHCP: option 66 or
 *                           siaddr; `rootfs=PATH` or else option 67 or the
 *                           BOOTP file field
 *   rootsha256=HEX          the image must have this SHA-256
 *
 * The fetch shows tftp_fetch's progress line (bytes, percent, rate). What
 * can go wrong is said in one line that names the server, the path and the
 * reason: no lease, a server error such as a missing file, a timeout, a
 * digest mismatch, or an image larger than the memory it may use. A
 * transfer that broke or timed out starts over twice (tftp_fetch's
 * retries); the caller (kernel/root.c) then falls back to a local root. Nothing here waits without a limit: the DHCP wait
 * is net_dhcp_start's, and every TFTP wait has the engine's timeouts.
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "drivers/ramdisk.h"
#include "kernel/lib/cmdline.h"
#include "kernel/lib/printf.h"
#include "kernel/lib/sha256.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/pmm.h"
#include "kernel/root.h"
#include "net/net.h"
#include "net/netdev.h"

#define RAM_RESERVE MiB(48) /* left to the system after the image */
#define ROOT_WINDOW 32	    /* blocks per window: they fit the 64 KiB ring */

/* server, port and path from a tftp://HOST[:PORT]/PATH URL (RFC 3617;
 * HOST resolved). */
static int target_from_url(const char *url, uint32_t *server, uint16_t *port, char *path,
			   size_t size, const char **why)
{
	char host[CMDLINE_VALUE_MAX];
	const char *h = url + 7, *slash = strchr(h, '/'), *colon;
	int err;

	if (strncmp(url, "tftp://", 7) != 0 || !slash || slash == h) {
		*why = "the URL is not tftp://HOST[:PORT]/PATH";
		return -EINVAL;
	}
	memcpy(host, h, (size_t)(slash - h));
	host[slash - h] = '\0';
	colon = strchr(host, ':');
	if (colon) {
		unsigned long p = 0;
		const char *d = colon + 1;
		for (; *d >= '0' && *d <= '9' && p <= 65535; d++)
			p = p * 10 + (unsigned long)(*d - '0');
		if (*d || d == colon + 1 || p == 0 || p > 65535) {
			*why = "the URL's port is not a number from 1 to 65535";
			return -EINVAL;
		}
		*port = (uint16_t)p;
		host[colon - host] = '\0';
	}
	if (strlcpy(path, slash + 1, size) >= size) {
		*why = "the path is too long";
		return -ENAMETOOLONG;
	}
	err = dns_resolve(host, server, 0);
	if (err)
		*why = "the server's name does not resolve";
	return err;
}

/* server and path from the DHCP lease, the path overridden by rootfs=. */
static int target_from_dhcp(const struct boot_options *o, uint32_t *server, char *path, size_t size,
			    const char **why)
{
	int err = net_dhcp_boot_target(server, path, size);

	if (err == -ENOENT && *server && o->rootfs[0])
		err = 0;		  /* a server but no file named: rootfs= names it */
	if (err == -ENOENT && !*server) { /* a lease always names its server */
		*why = "no DHCP lease, so no server to fetch from";
		return err;
	}
	if (err) {
		*why = "the DHCP lease names no TFTP server or file (give rootfs=PATH)";
		return err;
	}
	if (o->rootfs[0] && strlcpy(path, o->rootfs, size) >= size) {
		*why = "rootfs= is too long";
		return -ENAMETOOLONG;
	}
	return 0;
}

/* How much the image may take: what is free now, less a reserve. */
static size_t ram_limit(void)
{
	uint64_t free = kernel_pmm.free_frames * PAGE_SIZE;

	return free > RAM_RESERVE + MiB(1) ? (size_t)(free - RAM_RESERVE) : MiB(1);
}

struct blkdev *root_tftp(const struct boot_options *o, const char **why)
{
	static char path[CMDLINE_VALUE_MAX];
	uint8_t want[SHA256_DIGEST_SIZE], got[SHA256_DIGEST_SIZE];
	struct tftp_fetch_result res;
	struct tftp_fetch_opts fo;
	struct sha256 hash;
	uint32_t server;
	char ip[24], a[16], hex[65];
	int err;

	if (o->rootsha256[0] && sha256_parse_hex(o->rootsha256, 64, want) != 0) {
		*why = "rootsha256= is not 64 hex digits";
		return NULL;
	}
	memset(&fo, 0, sizeof(fo));
	err = o->root == ROOT_TFTP_URL
		      ? target_from_url(o->root_url, &server, &fo.port, path, sizeof(path), why)
		      : target_from_dhcp(o, &server, path, sizeof(path), why);
	if (err)
		return NULL;
	/* "server[:port]", as the URL would write it. */
	net_fmt_ip(a, server);
	if (fo.port)
		ksnprintf(ip, sizeof(ip), "%s:%u", a, fo.port);
	else
		strlcpy(ip, a, sizeof(ip));
	fo.windowsize = ROOT_WINDOW;
	fo.max_size = ram_limit();
	fo.retries = 2;
	if (o->rootsha256[0])
		fo.hash = &hash; /* hashed as it arrives: no second pass */
	/* tftp_fetch starts over by itself after a timeout or a broken
	 * transfer (fo.retries); anything else is final. */
	pr_notice("root: fetching tftp://%s/%s%s\n", ip, path,
		  o->rootsha256[0] ? " (sha256 given)" : "");
	memset(&res, 0, sizeof(res));
	err = tftp_fetch(server, path, &fo, &res);
	if (!err && o->rootsha256[0]) {
		sha256_final(&hash, got);
		if (memcmp(got, want, sizeof(got)) != 0) {
			sha256_hex(got, hex);
			pr_err("root: tftp://%s/%s: sha256 %s, but rootsha256= says %s\n", ip, path,
			       hex, o->rootsha256);
			kfree(res.data);
			*why = "the image's sha256 differs from rootsha256=";
			return NULL;
		}
	}
	if (err == -EFBIG || err == -ENOMEM) {
		pr_err("root: tftp://%s/%s: the image (%llu MiB) does not fit the %zu MiB of "
		       "memory "
		       "it may use\n",
		       ip, path, (unsigned long long)(res.tsize >> 20), fo.max_size >> 20);
		*why = "the image is too big for RAM";
		return NULL;
	}
	if (err) {
		*why = err == -ENOENT			  ? "the server has no such file"
		       : err == -ETIMEDOUT || err == -EIO ? "the server stopped answering"
							  : "the server refused the transfer";
		return NULL;
	}
	struct blkdev *d = ramdisk_create(res.data, res.size, false);
	if (!d) {
		kfree(res.data);
		*why = "no memory for the RAM disk";
		return NULL;
	}
	pr_info("root: %s holds tftp://%s/%s (%llu bytes%s); it lives in RAM and is lost at "
		"power-off\n",
		d->name, ip, path, (unsigned long long)res.size,
		o->rootsha256[0] ? ", sha256 verified" : "");
	return d;
}
