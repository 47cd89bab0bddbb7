/*
 * mouse: print the events of /dev/input/mice, one line each: "dx dy
 * buttons", with dy positive up and buttons a mask (1 left, 2 right, 4
 * middle), as Linux mousedev's 3-byte PS/2 protocol carries them
 * (docs/hardware.md). Options: -c N to stop after N events, -t SECONDS to
 * stop after that long without one (poll(2)), -n for non-blocking reads
 * (poll, then read until EAGAIN), -d DEVICE for another device. Prints
 * "mouse: reading DEVICE" once the device is open.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
	fprintf(stderr, "usage: mouse [-n] [-c COUNT] [-t SECONDS] [-d DEVICE]\n");
	exit(2);
}

static void show(const unsigned char *p)
{
	int dx = p[1] - ((p[0] & 0x10) ? 256 : 0);
	int dy = p[2] - ((p[0] & 0x20) ? 256 : 0);

	printf("%d %d %d\n", dx, dy, p[0] & 7);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	const char *dev = "/dev/input/mice";
	long count = -1, seen = 0;
	int timeout_ms = -1, nonblock = 0, c, fd;
	unsigned char buf[3 * 64];
	size_t have = 0;

	while ((c = getopt(argc, argv, "nc:t:d:")) != -1) {
		switch (c) {
		case 'n':
			nonblock = 1;
			break;
		case 'c':
			count = strtol(optarg, NULL, 10);
			break;
		case 't':
			timeout_ms = (int)(strtod(optarg, NULL) * 1000);
			break;
		case 'd':
			dev = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	fd = open(dev, O_RDONLY | (nonblock ? O_NONBLOCK : 0));
	if (fd < 0) {
		fprintf(stderr, "mouse: %s: %s\n", dev, strerror(errno));
		return 1;
	}
	printf("mouse: reading %s\n", dev);
	fflush(stdout);
	while (count < 0 || seen < count) {
		ssize_t n;

		if (timeout_ms >= 0 || nonblock) {
			struct pollfd pfd = {.fd = fd, .events = POLLIN};
			int r = poll(&pfd, 1, timeout_ms);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0) {
				fprintf(stderr, "mouse: poll: %s\n", strerror(errno));
				return 1;
			}
			if (r == 0) {
				printf("mouse: no event for %d ms\n", timeout_ms);
				return 3;
			}
		}
		n = read(fd, buf + have, sizeof(buf) - have);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) {
			fprintf(stderr, "mouse: read: %s\n", n ? strerror(errno) : "end of file");
			return 1;
		}
		have += (size_t)n;
		size_t off = 0;
		for (; have - off >= 3 && (count < 0 || seen < count); off += 3, seen++)
			show(buf + off);
		memmove(buf, buf + off, have - off);
		have -= off;
	}
	return 0;
}
