/*
 * Host tests for the pure parts of the network tools (docs/nettools.md): wget's URL, response-head and chunked parsers
 * (user/lib/nt_http.c), the /proc/net line parsers (user/lib/nt_procnet.c),
 * resolv.conf's search and options and the search order
 * (user/lib/nt_resolvconf.c), and ping's statistics (user/ping/ping_stats.c).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user/lib/nt_http.h"
#include "user/lib/nt_procnet.h"
#include "user/lib/nt_resolv.h"
#include "user/ping/ping_stats.h"

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

/* ---- URLs ---- */

START_TEST(url_parse)
{
	struct nt_url u;

	ck_assert_int_eq(nt_url_parse("http://example.com", &u), 0);
	ck_assert_str_eq(u.host, "example.com");
	ck_assert_uint_eq(u.port, 80);
	ck_assert(!u.port_given);
	ck_assert_str_eq(u.path, "/");
	ck_assert_int_eq(nt_url_parse("HTTP://10.0.2.2:8000/a/b.txt?x=1#frag", &u), 0);
	ck_assert_str_eq(u.host, "10.0.2.2");
	ck_assert_uint_eq(u.port, 8000);
	ck_assert(u.port_given);
	ck_assert_str_eq(u.path, "/a/b.txt?x=1");
	ck_assert_int_eq(nt_url_parse("http://h?q", &u), 0);
	ck_assert_str_eq(u.path, "/?q");
	ck_assert_int_eq(nt_url_parse("https://example.com/", &u), -EPROTONOSUPPORT);
	ck_assert_int_eq(nt_url_parse("ftp://example.com/", &u), -EPROTONOSUPPORT);
	ck_assert_int_eq(nt_url_parse("example.com/", &u), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://", &u), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://h:0/", &u), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://h:65536/", &u), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://h:/", &u), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://h:8a/", &u), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://user@h/", &u), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://h/a b", &u), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://h\r\nX: y/", &u), -EINVAL);
}
END_TEST

START_TEST(url_too_long)
{
	struct nt_url u;
	char *s = malloc(5000);

	strcpy(s, "http://");
	memset(s + 7, 'a', 300);
	strcpy(s + 307, "/x");
	ck_assert_int_eq(nt_url_parse(s, &u), -EINVAL);
	strcpy(s, "http://h/");
	memset(s + 9, 'p', 3000);
	s[3009] = '\0';
	ck_assert_int_eq(nt_url_parse(s, &u), -EINVAL);
	free(s);
}
END_TEST

START_TEST(url_resolve)
{
	struct nt_url base, out;

	ck_assert_int_eq(nt_url_parse("http://h:81/dir/a.txt?q=1", &base), 0);
	ck_assert_int_eq(nt_url_resolve(&base, "b.txt", &out), 0);
	ck_assert_str_eq(out.host, "h");
	ck_assert_uint_eq(out.port, 81);
	ck_assert_str_eq(out.path, "/dir/b.txt");
	ck_assert_int_eq(nt_url_resolve(&base, "/top#x", &out), 0);
	ck_assert_str_eq(out.path, "/top");
	ck_assert_int_eq(nt_url_resolve(&base, "//other/p", &out), 0);
	ck_assert_str_eq(out.host, "other");
	ck_assert_uint_eq(out.port, 80);
	ck_assert_str_eq(out.path, "/p");
	ck_assert_int_eq(nt_url_resolve(&base, "http://x.y:9/z", &out), 0);
	ck_assert_str_eq(out.host, "x.y");
	ck_assert_uint_eq(out.port, 9);
	ck_assert_int_eq(nt_url_resolve(&base, "https://x/", &out), -EPROTONOSUPPORT);
	ck_assert_int_eq(nt_url_resolve(&base, "", &out), -EINVAL);
	ck_assert_int_eq(nt_url_parse("http://h", &base), 0);
	ck_assert_int_eq(nt_url_resolve(&base, "new", &out), 0);
	ck_assert_str_eq(out.path, "/new");
}
END_TEST

/* ---- response heads ---- */

static int head(const char *s, struct nt_http_resp *r)
{
	return nt_http_parse_head(s, strlen(s), r);
}

START_TEST(head_basic)
{
	struct nt_http_resp r;
	const char *s = "HTTP/1.1 200 OK\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbody";

	ck_assert_int_eq(head(s, &r), (int)strlen(s) - 4);
	ck_assert_int_eq(r.status, 200);
	ck_assert_int_eq(r.minor, 1);
	ck_assert_str_eq(r.reason, "OK");
	ck_assert(r.has_length);
	ck_assert_uint_eq(r.length, 12);
	ck_assert(r.close);
	ck_assert(!r.chunked);
	/* Incomplete heads need more bytes. */
	ck_assert_int_eq(head("HTTP/1.1 200 OK\r\nContent-Le", &r), 0);
	ck_assert_int_eq(head("", &r), 0);
	/* Bare LF line ends, a reason with spaces, no reason at all. */
	ck_assert_int_eq(head("HTTP/1.0 404 Not Found\n\n", &r), 24);
	ck_assert_int_eq(r.status, 404);
	ck_assert_str_eq(r.reason, "Not Found");
	ck_assert_int_eq(head("HTTP/1.1 204\r\n\r\n", &r), 16);
	ck_assert_int_eq(r.status, 204);
	ck_assert(!nt_http_has_body(204));
	ck_assert(!nt_http_has_body(304));
	ck_assert(!nt_http_has_body(100));
	ck_assert(nt_http_has_body(200));
}
END_TEST

START_TEST(head_fields)
{
	struct nt_http_resp r;

	ck_assert_int_gt(head("HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked\r\n"
			      "Content-Length: 5\r\n\r\n",
			      &r),
			 0);
	ck_assert(r.chunked);
	ck_assert(!r.has_length); /* chunked wins */
	ck_assert_int_gt(head("HTTP/1.1 302 Found\r\nLocation:   /next?a=b  \r\n\r\n", &r), 0);
	ck_assert_str_eq(r.location, "/next?a=b");
	ck_assert_int_gt(
		head("HTTP/1.1 200 OK\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\n", &r), 0);
	ck_assert_uint_eq(r.length, 7);
	/* Folded continuation lines are ignored. */
	ck_assert_int_gt(head("HTTP/1.1 200 OK\r\nX-A: b\r\n  c\r\n\r\n", &r), 0);
}
END_TEST

START_TEST(head_malformed)
{
	static const char *const bad[] = {
		"HTTP/2 200 OK\r\n\r\n",
		"HTTP/1.1 20 OK\r\n\r\n",
		"HTTP/1.1 600 OK\r\n\r\n",
		"HTTP/1.1 200OK\r\n\r\n",
		"ICY 200 OK\r\n\r\n",
		"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
		"HTTP/1.1 200 OK\r\n: empty name\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
	};
	struct nt_http_resp r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(head(bad[i], &r) == -EBADMSG, "accepted: %s", bad[i]);
	/* A NUL inside a header line. */
	ck_assert_int_eq(nt_http_parse_head("HTTP/1.1 200 OK\r\nA: \0b\r\n\r\n", 25, &r), -EBADMSG);
}
END_TEST

START_TEST(head_too_long)
{
	size_t n = NT_HTTP_HEAD_MAX + 100;
	char *s = malloc(n);
	struct nt_http_resp r;
	size_t off;

	off = (size_t)sprintf(s, "HTTP/1.1 200 OK\r\n");
	while (off + 12 < n)
		off += (size_t)sprintf(s + off, "X-Pad: 123\r\n");
	ck_assert_int_eq(nt_http_parse_head(s, off, &r), -E2BIG);
	/* A long location does not overflow. */
	off = (size_t)sprintf(s, "HTTP/1.1 301 Moved\r\nLocation: ");
	memset(s + off, 'a', 4000);
	off += 4000;
	off += (size_t)sprintf(s + off, "\r\n\r\n");
	ck_assert_int_eq(nt_http_parse_head(s, off, &r), -EBADMSG);
	free(s);
}
END_TEST

/* ---- chunked ---- */

/* Decode s fed in pieces of `step` bytes; returns the status of the last
 * call, the data in out. */
static int chunked(const char *s, size_t step, char *out, size_t *olen, size_t *consumed)
{
	struct nt_chunked c = {0};
	size_t len = strlen(s), off = 0;
	int st = 0;
	uint8_t buf[512];

	*olen = 0;
	*consumed = 0;
	while (off < len) {
		size_t n = len - off < step ? len - off : step, o, used;

		memcpy(buf, s + off, n);
		st = nt_chunked_decode(&c, buf, n, &o, &used);
		if (st < 0)
			return st;
		memcpy(out + *olen, buf, o);
		*olen += o;
		*consumed += used;
		off += n;
		if (st == 1)
			break;
	}
	out[*olen] = '\0';
	return st;
}

START_TEST(chunked_ok)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{"5\r\nhello\r\n0\r\n\r\n", "hello"},
		{"5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"},
		{"A;name=value\r\n0123456789\r\n0\r\n\r\n", "0123456789"},
		{"3\nabc\n0\n\n", "abc"},
		{"2 \r\nhi\r\n0\r\nExpires: never\r\nX: y\r\n\r\n", "hi"},
		{"0\r\n\r\n", ""},
		{"00000003\r\nabc\r\n0\r\n\r\n", "abc"},
	};
	char out[256];
	size_t i, step, olen, used;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (step = 1; step <= strlen(cases[i].in); step++) {
			ck_assert_int_eq(chunked(cases[i].in, step, out, &olen, &used), 1);
			ck_assert_str_eq(out, cases[i].out);
			ck_assert_uint_eq(used, strlen(cases[i].in));
		}
	}
}
END_TEST

START_TEST(chunked_rest_not_consumed)
{
	char out[64];
	size_t olen, used;

	ck_assert_int_eq(chunked("1\r\nx\r\n0\r\n\r\nGARBAGE", 100, out, &olen, &used), 1);
	ck_assert_str_eq(out, "x");
	ck_assert_uint_eq(used, 11);
	/* Not finished yet. */
	ck_assert_int_eq(chunked("4\r\nabc", 100, out, &olen, &used), 0);
	ck_assert_str_eq(out, "abc");
}
END_TEST

START_TEST(chunked_malformed)
{
	static const char *const bad[] = {
		"x\r\n",
		"\r\n",
		";ext\r\n",
		"1234567890abcdef0\r\n", /* 17 digits */
		"5\r\nhelloX\r\n0\r\n\r\n",
		"5\r\nhello\rX",
		"2 3\r\nab\r\n",
		"1\rx",
		"0\r\n\rX",
		"-1\r\n",
	};
	char out[64];
	size_t i, olen, used;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(chunked(bad[i], 100, out, &olen, &used) == -EBADMSG, "accepted: %s",
			      bad[i]);
}
END_TEST

/* Huge declared sizes are fine as long as the digits fit. */
START_TEST(chunked_big_size)
{
	struct nt_chunked c = {0};
	uint8_t buf[] = "fffffffffffffff\r\nabcd";
	size_t o, used;

	ck_assert_int_eq(nt_chunked_decode(&c, buf, sizeof(buf) - 1, &o, &used), 0);
	ck_assert_uint_eq(o, 4);
	ck_assert_uint_eq(c.remain, 0xfffffffffffffffull - 4);
}
END_TEST

/* ---- /proc/net ---- */

START_TEST(procnet_dev)
{
	struct nt_ifstats s;

	ck_assert_int_eq(nt_procnet_dev_line("Inter-|   Receive                            "
					     "                    |  Transmit",
					     &s),
			 -1);
	ck_assert_int_eq(nt_procnet_dev_line(" face |bytes    packets errs drop fifo frame "
					     "compressed multicast|bytes",
					     &s),
			 -1);
	ck_assert_int_eq(nt_procnet_dev_line("  eth0: 387518902    8774    1    2    3     4      "
					     "    5         6   348483    4949    7    8    9     "
					     "10       11          12",
					     &s),
			 0);
	ck_assert_str_eq(s.name, "eth0");
	ck_assert_uint_eq(s.rx_bytes, 387518902);
	ck_assert_uint_eq(s.rx_packets, 8774);
	ck_assert_uint_eq(s.rx_errs, 1);
	ck_assert_uint_eq(s.rx_multicast, 6);
	ck_assert_uint_eq(s.tx_bytes, 348483);
	ck_assert_uint_eq(s.tx_packets, 4949);
	ck_assert_uint_eq(s.tx_colls, 10);
	ck_assert_uint_eq(s.tx_compressed, 12);
	ck_assert_int_eq(nt_procnet_dev_line("lo:1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16", &s), 0);
	ck_assert_str_eq(s.name, "lo");
	ck_assert_int_eq(nt_procnet_dev_line("lo: 1 2 3", &s), -1);
	ck_assert_int_eq(nt_procnet_dev_line("averyveryverylongname: 1 2 3 4 5 6 7 8 9 10 11 12 "
					     "13 14 15 16",
					     &s),
			 -1);
}
END_TEST

START_TEST(procnet_route)
{
	struct nt_route r;
	char f[16], a[16];

	ck_assert_int_eq(nt_procnet_route_line("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse"
					       "\tMetric\tMask\t\tMTU\tWindow\tIRTT",
					       &r),
			 -1);
	ck_assert_int_eq(nt_procnet_route_line("eth0\t00000000\t0202000A\t0003\t0\t0\t0\t"
					       "00000000\t0\t0\t0",
					       &r),
			 0);
	ck_assert_str_eq(r.iface, "eth0");
	ck_assert_uint_eq(r.dst, 0);
	ck_assert_uint_eq(r.gw, IP(10, 0, 2, 2));
	nt_route_flags(r.flags, f);
	ck_assert_str_eq(f, "UG");
	ck_assert_int_eq(nt_procnet_route_line("eth0\t0002000A\t00000000\t0001\t0\t0\t100\t"
					       "00FFFFFF\t0\t0\t0",
					       &r),
			 0);
	ck_assert_uint_eq(r.dst, IP(10, 0, 2, 0));
	ck_assert_uint_eq(r.mask, IP(255, 255, 255, 0));
	ck_assert_int_eq(r.metric, 100);
	nt_ipv4_str(r.mask, a);
	ck_assert_str_eq(a, "255.255.255.0");
	nt_route_flags(0x5, f);
	ck_assert_str_eq(f, "UH");
	ck_assert_int_eq(nt_procnet_route_line("eth0\t0002000A\t00000000", &r), -1);
}
END_TEST

START_TEST(procnet_arp)
{
	struct nt_arp a;

	ck_assert_int_eq(nt_procnet_arp_line("IP address       HW type     Flags       HW address "
					     "           Mask     Device",
					     &a),
			 -1);
	ck_assert_int_eq(nt_procnet_arp_line("10.0.2.2         0x1         0x2         "
					     "52:55:0a:00:02:02     *        eth0",
					     &a),
			 0);
	ck_assert_str_eq(a.ip, "10.0.2.2");
	ck_assert_uint_eq(a.hwtype, 1);
	ck_assert_uint_eq(a.flags, 2);
	ck_assert_str_eq(a.hw, "52:55:0a:00:02:02");
	ck_assert_str_eq(a.dev, "eth0");
	ck_assert_int_eq(nt_procnet_arp_line("10.0.2.300 0x1 0x2 00:00:00:00:00:00 * eth0", &a),
			 -1);
	ck_assert_int_eq(nt_procnet_arp_line("10.0.2.2 0x1 0x2", &a), -1);
}
END_TEST

START_TEST(procnet_sock)
{
	struct nt_sock s;

	ck_assert_int_eq(nt_procnet_sock_line("  sl  local_address rem_address   st tx_queue "
					      "rx_queue tr tm->when retrnsmt   uid  timeout inode",
					      &s),
			 -1);
	ck_assert_int_eq(
		nt_procnet_sock_line("   0: 0100007F:1F90 00000000:0000 0A 00000000:00000002 "
				     "00:00000000 00000000     0        0 12345 1 "
				     "0000000000000000 100 0 0 10 0",
				     &s),
		0);
	ck_assert_uint_eq(s.laddr, IP(127, 0, 0, 1));
	ck_assert_uint_eq(s.lport, 8080);
	ck_assert_uint_eq(s.raddr, 0);
	ck_assert_uint_eq(s.state, 10);
	ck_assert_str_eq(nt_tcp_state_name(s.state), "LISTEN");
	ck_assert_uint_eq(s.rxq, 2);
	ck_assert_uint_eq(s.inode, 12345);
	ck_assert_int_eq(
		nt_procnet_sock_line(" 12: 0F02000A:C350 0202000A:0050 01 00000010:00000000 "
				     "01:00000014 00000000  1000        0 777",
				     &s),
		0);
	ck_assert_uint_eq(s.laddr, IP(10, 0, 2, 15));
	ck_assert_uint_eq(s.raddr, IP(10, 0, 2, 2));
	ck_assert_uint_eq(s.rport, 80);
	ck_assert_uint_eq(s.txq, 16);
	ck_assert_uint_eq(s.uid, 1000);
	ck_assert_str_eq(nt_tcp_state_name(1), "ESTABLISHED");
	ck_assert_str_eq(nt_tcp_state_name(99), "");
	ck_assert_int_eq(nt_procnet_sock_line("   0: 0100007F:1F90", &s), -1);
}
END_TEST

START_TEST(next_line)
{
	const char *text = "ab\ncdef\n\nlast", *p = text;
	char buf[3];

	ck_assert(nt_next_line(&p, text + strlen(text), buf, sizeof(buf)));
	ck_assert_str_eq(buf, "ab");
	ck_assert(nt_next_line(&p, text + strlen(text), buf, sizeof(buf)));
	ck_assert_str_eq(buf, "cd"); /* truncated */
	ck_assert(nt_next_line(&p, text + strlen(text), buf, sizeof(buf)));
	ck_assert_str_eq(buf, "");
	ck_assert(nt_next_line(&p, text + strlen(text), buf, sizeof(buf)));
	ck_assert_str_eq(buf, "la");
	ck_assert(!nt_next_line(&p, text + strlen(text), buf, sizeof(buf)));
}
END_TEST

/* ---- resolv.conf ---- */

static void conf(const char *s, struct nt_resolv_conf *rc)
{
	nt_resolv_conf_parse(s, strlen(s), rc);
}

START_TEST(resolv_conf)
{
	struct nt_resolv_conf rc;

	conf("", &rc);
	ck_assert_uint_eq(rc.nservers, 0);
	ck_assert_uint_eq(rc.timeout_s, 5);
	ck_assert_uint_eq(rc.attempts, 2);
	ck_assert_uint_eq(rc.ndots, 1);
	conf("# comment\nnameserver 10.0.2.3\nnameserver ::1\nnameserver 8.8.8.8\n"
	     "domain old.example\nsearch lab.example corp.example. # trailing\n"
	     "options timeout:2 attempts:3 ndots:2 rotate\n",
	     &rc);
	ck_assert_uint_eq(rc.nservers, 2);
	ck_assert_uint_eq(rc.servers[0], IP(10, 0, 2, 3));
	ck_assert_uint_eq(rc.servers[1], IP(8, 8, 8, 8));
	ck_assert_uint_eq(rc.nsearch, 2);
	ck_assert_str_eq(rc.search[0], "lab.example");
	ck_assert_str_eq(rc.search[1], "corp.example");
	ck_assert_uint_eq(rc.timeout_s, 2);
	ck_assert_uint_eq(rc.attempts, 3);
	ck_assert_uint_eq(rc.ndots, 2);
	/* Clamped and bad values; the last search/domain line wins. */
	conf("search a.example\ndomain b.example\noptions timeout:0 attempts:99 ndots:x\n", &rc);
	ck_assert_uint_eq(rc.nsearch, 1);
	ck_assert_str_eq(rc.search[0], "b.example");
	ck_assert_uint_eq(rc.timeout_s, 1);
	ck_assert_uint_eq(rc.attempts, 5);
	ck_assert_uint_eq(rc.ndots, 1);
	conf("search a b c d e f g h\nsearch bad..name ok", &rc);
	ck_assert_uint_eq(rc.nsearch, 1);
	ck_assert_str_eq(rc.search[0], "ok");
}
END_TEST

START_TEST(resolv_candidates)
{
	struct nt_resolv_conf rc;
	char out[8][DNS_NAME_MAX];
	char longname[300];

	conf("search lab.example corp.example\n", &rc);
	ck_assert_uint_eq(nt_resolv_candidates(&rc, "www", out, 8), 3);
	ck_assert_str_eq(out[0], "www.lab.example");
	ck_assert_str_eq(out[1], "www.corp.example");
	ck_assert_str_eq(out[2], "www");
	ck_assert_uint_eq(nt_resolv_candidates(&rc, "a.b", out, 8), 3);
	ck_assert_str_eq(out[0], "a.b");
	ck_assert_str_eq(out[1], "a.b.lab.example");
	ck_assert_uint_eq(nt_resolv_candidates(&rc, "abs.", out, 8), 1);
	ck_assert_str_eq(out[0], "abs.");
	ck_assert_uint_eq(nt_resolv_candidates(&rc, "", out, 8), 0);
	ck_assert_uint_eq(nt_resolv_candidates(&rc, "www", out, 2), 2);
	memset(longname, 'a', 250);
	longname[250] = '\0';
	/* 250 + ".lab.example" is too long: only the name itself. */
	ck_assert_uint_eq(nt_resolv_candidates(&rc, longname, out, 8), 1);
	ck_assert_str_eq(out[0], longname);
}
END_TEST

/* ---- ping ---- */

START_TEST(ping_statistics)
{
	struct ping_stats s = {0};
	char line[128], loss[32];

	ping_stats_rtt_line(&s, line, sizeof(line));
	ck_assert_str_eq(line, "");
	ck_assert(ping_stats_loss(&s) == 0);
	s.sent = 3;
	s.received = 3;
	ping_stats_add(&s, 1000);
	ping_stats_add(&s, 2000);
	ping_stats_add(&s, 3000);
	ck_assert_uint_eq(ping_stats_avg(&s), 2000);
	ck_assert_uint_eq(ping_stats_mdev(&s), 816); /* sqrt(2/3) ms */
	ping_stats_rtt_line(&s, line, sizeof(line));
	ck_assert_str_eq(line, "rtt min/avg/max/mdev = 1.000/2.000/3.000/0.816 ms");
	s.sent = 3;
	s.received = 2;
	snprintf(loss, sizeof(loss), "%g%%", ping_stats_loss(&s));
	ck_assert_str_eq(loss, "33.3333%");
	s.received = 0;
	snprintf(loss, sizeof(loss), "%g%%", ping_stats_loss(&s));
	ck_assert_str_eq(loss, "100%");
	/* One sample: no deviation. */
	memset(&s, 0, sizeof(s));
	ping_stats_add(&s, 54);
	ping_stats_rtt_line(&s, line, sizeof(line));
	ck_assert_str_eq(line, "rtt min/avg/max/mdev = 0.054/0.054/0.054/0.000 ms");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nettools");
	TCase *t = tcase_create("all");

	tcase_add_test(t, url_parse);
	tcase_add_test(t, url_too_long);
	tcase_add_test(t, url_resolve);
	tcase_add_test(t, head_basic);
	tcase_add_test(t, head_fields);
	tcase_add_test(t, head_malformed);
	tcase_add_test(t, head_too_long);
	tcase_add_test(t, chunked_ok);
	tcase_add_test(t, chunked_rest_not_consumed);
	tcase_add_test(t, chunked_malformed);
	tcase_add_test(t, chunked_big_size);
	tcase_add_test(t, procnet_dev);
	tcase_add_test(t, procnet_route);
	tcase_add_test(t, procnet_arp);
	tcase_add_test(t, procnet_sock);
	tcase_add_test(t, next_line);
	tcase_add_test(t, resolv_conf);
	tcase_add_test(t, resolv_candidates);
	tcase_add_test(t, ping_statistics);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
