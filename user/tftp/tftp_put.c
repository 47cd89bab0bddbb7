/*
 * TFTP upload, RFC 1350 only: WRQ in octet mode, then 512-byte DATA blocks,
 * each sent again after 1 s without its ACK, 5 times at most. The server's
 * transfer id (port) is taken from its first answer (section 4); packets
 * from other ports get ERROR 5. A duplicate ACK is ignored rather than
 * answered, which avoids the Sorcerer's Apprentice bug (RFC 1123 4.2.3.1).
 * Block numbers wrap at 65535.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/proto/tftp.h"
#include "nt_util.h"
#include "tftp_put.h"

#define PUT_TIMEOUT_MS 1000
#define PUT_RETRIES    5

static void send_error(int sock, const struct sockaddr_in *to, uint16_t code, const char *msg)
{
	uint8_t pkt[64];
	size_t n = strlen(msg);

	pkt[0] = 0;
	pkt[1] = TFTP_ERROR;
	pkt[2] = (uint8_t)(code >> 8);
	pkt[3] = (uint8_t)code;
	memcpy(pkt + 4, msg, n + 1);
	sendto(sock, pkt, 4 + n + 1, 0, (const struct sockaddr *)to, sizeof(*to));
}

/* Read up to 512 bytes (a short count only at EOF). */
static ssize_t read_block(int fd, uint8_t *buf)
{
	size_t got = 0;

	while (got < TFTP_BLKSIZE_DEF) {
		ssize_t n = read(fd, buf + got, TFTP_BLKSIZE_DEF - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int tftp_put(int sock, struct in_addr server, uint16_t port, const char *remote, int fd)
{
	struct sockaddr_in dst = {
		.sin_family = AF_INET, .sin_addr = server, .sin_port = htons(port)};
	uint8_t pkt[TFTP_HDR_LEN + TFTP_BLKSIZE_DEF], in[600];
	size_t len, nlen = strlen(remote);
	bool tid_known = false, last = false;
	uint16_t block = 0; /* the block we wait to see ACKed */
	unsigned tries = 0;
	uint64_t deadline;

	if (nlen + 2 + 6 > sizeof(pkt)) {
		nt_err("remote name too long");
		return 1;
	}
	pkt[0] = 0;
	pkt[1] = TFTP_WRQ;
	memcpy(pkt + 2, remote, nlen + 1);
	memcpy(pkt + 2 + nlen + 1, "octet", 6);
	len = 2 + nlen + 1 + 6;
	for (;;) {
		if (sendto(sock, pkt, len, 0, (struct sockaddr *)&dst, sizeof(dst)) < 0) {
			nt_perr("sendto");
			return 1;
		}
		deadline = nt_now_ms() + PUT_TIMEOUT_MS;
		for (;;) {
			uint64_t now = nt_now_ms();
			struct pollfd p = {.fd = sock, .events = POLLIN};
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n;
			uint16_t op, num;

			if (now >= deadline)
				break;
			if (poll(&p, 1, (int)(deadline - now)) <= 0)
				continue;
			/* One byte kept for a NUL after an error message. */
			n = recvfrom(sock, in, sizeof(in) - 1, 0, (struct sockaddr *)&from, &fl);
			if (n < 4 || from.sin_addr.s_addr != server.s_addr)
				continue;
			if (tid_known && from.sin_port != dst.sin_port) {
				send_error(sock, &from, TFTP_EBADID, "Unknown transfer ID");
				continue;
			}
			op = (uint16_t)(in[0] << 8 | in[1]);
			num = (uint16_t)(in[2] << 8 | in[3]);
			if (op == TFTP_ERROR) {
				in[n] = 0;
				nt_err("server error: (%u) %s", num, (char *)in + 4);
				return 1;
			}
			if (op != TFTP_ACK || num != block)
				continue; /* duplicate or stray: keep waiting */
			if (!tid_known) {
				tid_known = true;
				dst.sin_port = from.sin_port;
			}
			if (last)
				return 0;
			/* Next block. */
			{
				ssize_t r = read_block(fd, pkt + TFTP_HDR_LEN);

				if (r < 0) {
					nt_perr("read");
					send_error(sock, &dst, TFTP_EUNDEF, "client read error");
					return 1;
				}
				block++;
				pkt[0] = 0;
				pkt[1] = TFTP_DATA;
				pkt[2] = (uint8_t)(block >> 8);
				pkt[3] = (uint8_t)block;
				len = TFTP_HDR_LEN + (size_t)r;
				last = r < TFTP_BLKSIZE_DEF;
			}
			tries = 0;
			goto send;
		}
		if (++tries > PUT_RETRIES) {
			nt_err("timeout");
			return 1;
		}
send:;
	}
}
