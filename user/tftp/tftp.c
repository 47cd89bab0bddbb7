/*
 * tftp: a TFTP client with busybox tftp's command line:
 *   tftp -g|-p [-l LOCAL] [-r REMOTE] [-b BLKSIZE] [-w WINDOW] HOST [PORT]
 * Get runs the kernel's own engine, net/tftp.c (RFC 1350 with options,
 * blksize, tsize and windowsize, and the ACK discipline that QEMU's slirp
 * server needs), built into libuser.a against user/lib/ksvc.h and driven
 * here over a UDP socket. Put is plain RFC 1350 (put.c).
 * docs/nettools.md. Exit status: 0, or 1 on any error; a file that
 * failed to arrive is removed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/tftp.h"
#include "nt_util.h"
#include "tftp_put.h"

struct get_ctx {
	int sock;
	int out;
	bool is_stdout;
	bool done;
	int err;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: tftp -g|-p [-l LOCAL] [-r REMOTE] [-b BLKSIZE] [-w WINDOW] HOST [PORT]\n"
		   "  -g get REMOTE into LOCAL   -p put LOCAL as REMOTE\n"
		   "  -l FILE local file (- for stdin/stdout; default: REMOTE's last component)\n"
		   "  -r FILE remote file (default: LOCAL)\n"
		   "  -b SIZE ask for blocks of SIZE bytes (RFC 2348; get only)\n"
		   "  -w N    ask for a window of N blocks (RFC 7440; get only)\n");
}

static int g_send(void *ctx, uint32_t ip, uint16_t port, const void *buf, size_t len)
{
	struct get_ctx *g = ctx;
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};

	sa.sin_addr.s_addr = htonl(ip);
	if (sendto(g->sock, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;
	return 0;
}

static int g_data(void *ctx, uint64_t off, const void *buf, size_t len)
{
	struct get_ctx *g = ctx;
	const char *p = buf;

	while (len) {
		ssize_t n =
			g->is_stdout ? write(g->out, p, len) : pwrite(g->out, p, len, (off_t)off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static void g_done(void *ctx, int err)
{
	struct get_ctx *g = ctx;

	g->done = true;
	g->err = err;
}

static int do_get(int sock, struct in_addr server, uint16_t port, const char *remote, int out,
		  bool is_stdout, unsigned blksize, unsigned window)
{
	static struct tftp_client t;
	struct tftp_config cfg = {0};
	struct tftp_ops ops = {.send = g_send, .data = g_data, .done = g_done};
	struct get_ctx g = {.sock = sock, .out = out, .is_stdout = is_stdout};
	int err;

	cfg.server_ip = ntohl(server.s_addr);
	cfg.server_port = port;
	if (strlen(remote) >= sizeof(cfg.filename)) {
		nt_err("remote name too long");
		return 1;
	}
	strcpy(cfg.filename, remote);
	cfg.blksize = (uint16_t)blksize;
	cfg.windowsize = (uint16_t)window;
	cfg.ask_tsize = !is_stdout || blksize || window;
	tftp_init(&t, &cfg, &ops, &g);
	err = tftp_start(&t, nt_now_ms());
	if (err) {
		nt_err("cannot start: %s", strerror(-err));
		return 1;
	}
	while (!g.done) {
		uint64_t now = nt_now_ms(), dl = tftp_next_deadline(&t);
		struct pollfd p = {.fd = sock, .events = POLLIN};
		int n = poll(&p, 1, dl == UINT64_MAX ? 1000 : dl <= now ? 0 : (int)(dl - now));

		if (n < 0 && errno != EINTR) {
			nt_perr("poll");
			tftp_abort(&t, -errno, "client error");
			break;
		}
		if (n > 0) {
			static uint8_t buf[65536];
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t r =
				recvfrom(sock, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

			if (r >= 0)
				tftp_input(&t, buf, (size_t)r, ntohl(from.sin_addr.s_addr),
					   ntohs(from.sin_port), nt_now_ms());
			else if (errno == ECONNREFUSED)
				continue;
		}
		tftp_poll(&t, nt_now_ms());
	}
	if (g.err) {
		if (t.err_remote)
			nt_err("server error: (%u) %s", t.err_code, t.err_msg);
		else if (g.err == -ETIMEDOUT)
			nt_err("timeout");
		else
			nt_err("transfer failed: %s%s%s", strerror(-g.err),
			       t.err_msg[0] ? ": " : "", t.err_msg);
		return 1;
	}
	return 0;
}

static const char *basename_of(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

int main(int argc, char **argv)
{
	const char *local = NULL, *remote = NULL;
	unsigned long blksize = 0, window = 0, v;
	bool get = false, putf = false, is_std;
	struct in_addr server;
	uint16_t port = 69;
	int opt, err, sock, fd, rc;

	nt_prog = "tftp";
	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	while ((opt = getopt(argc, argv, "gpl:r:b:w:")) != -1) {
		switch (opt) {
		case 'g':
			get = true;
			break;
		case 'p':
			putf = true;
			break;
		case 'l':
			local = optarg;
			break;
		case 'r':
			remote = optarg;
			break;
		case 'b':
			if (nt_parse_ulong(optarg, 8, 65464, &v)) {
				nt_err("bad block size: %s (8..65464)", optarg);
				return 1;
			}
			blksize = v;
			break;
		case 'w':
			if (nt_parse_ulong(optarg, 1, TFTP_WINDOW_MAX, &v)) {
				nt_err("bad window: %s (1..%d)", optarg, TFTP_WINDOW_MAX);
				return 1;
			}
			window = v;
			break;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (get == putf || optind >= argc || argc - optind > 2) {
		if (get == putf)
			nt_err("give exactly one of -g and -p");
		usage(stderr);
		return 1;
	}
	if (!local && !remote) {
		nt_err("give -l LOCAL and/or -r REMOTE");
		return 1;
	}
	if (!remote)
		remote = basename_of(local);
	if (!local)
		local = basename_of(remote);
	if (!*remote || !*local) {
		nt_err("empty file name");
		return 1;
	}
	if (argc - optind == 2 && nt_parse_port(argv[optind + 1], &port)) {
		nt_err("bad port: %s", argv[optind + 1]);
		return 1;
	}
	err = nt_resolve_host(argv[optind], &server);
	if (err) {
		nt_err("%s: %s", argv[optind], nt_resolve_strerror(err));
		return 1;
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		nt_perr("socket");
		return 1;
	}
	is_std = !strcmp(local, "-");
	if (putf) {
		fd = is_std ? 0 : open(local, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			nt_perr("can't open '%s'", local);
			return 1;
		}
		rc = tftp_put(sock, server, port, remote, fd);
		close(sock);
		return rc;
	}
	fd = is_std ? 1 : open(local, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		nt_perr("can't open '%s'", local);
		return 1;
	}
	rc = do_get(sock, server, port, remote, fd, is_std, (unsigned)blksize, (unsigned)window);
	close(sock);
	if (!is_std) {
		if (close(fd) < 0 && rc == 0) {
			nt_perr("close '%s'", local);
			rc = 1;
		}
		if (rc)
			unlink(local);
	}
	return rc;
}
