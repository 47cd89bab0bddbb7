/*
 * Reads one line from the console tty and prints "got: LINE": the
 * integration test types the line on the serial port from the host
 * (tests/integration/test_tty.py). Opens /dev/console itself rather than
 * relying on fds 0-2, and checks a few tty ioctls on the way
 * (TCGETS shows canonical mode, TIOCGWINSZ answers).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int main(void)
{
	struct termios tio;
	struct winsize ws;
	char line[256], out[300];
	int fd = open("/dev/console", O_RDWR);
	ssize_t n;
	int len;

	if (fd < 0) {
		perror("ttyecho: open /dev/console");
		return 1;
	}
	if (tcgetattr(fd, &tio) != 0 || !(tio.c_lflag & ICANON)) {
		fprintf(stderr, "ttyecho: console is not in canonical mode\n");
		return 1;
	}
	if (ioctl(fd, TIOCGWINSZ, &ws) != 0) {
		perror("ttyecho: TIOCGWINSZ");
		return 1;
	}
	len = snprintf(out, sizeof(out), "ttyecho: ready, %ux%u\n", ws.ws_col, ws.ws_row);
	write(fd, out, (size_t)len);
	n = read(fd, line, sizeof(line) - 1);
	if (n < 0) {
		perror("ttyecho: read");
		return 1;
	}
	line[n] = '\0';
	if (n > 0 && line[n - 1] == '\n')
		line[--n] = '\0';
	len = snprintf(out, sizeof(out), "got: %s\n", line);
	write(fd, out, (size_t)len);
	close(fd);
	return 0;
}
