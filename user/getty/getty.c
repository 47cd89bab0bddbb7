/*
 * getty [-l LOGIN] [BAUD] [TTY [TERM]]: open a terminal line, ask for a user
 * name and run login on it (agetty(8) without its serial-line options).
 * init runs it from /etc/inittab on the console and restarts it when the
 * session ends.
 *
 * TTY is a name under /dev ("ttyS0"), a path, or "-" (or absent) for the
 * terminal init already put on fds 0-2. A numeric BAUD is accepted for
 * compatibility and ignored: the line's speed is left as it is. getty
 * leads a session with the terminal as its controlling one, gives the
 * terminal back to root (group tty, mode 0620: a previous user owned it),
 * resets its modes to sane cooked ones (the speed bits untouched), prints
 * /etc/issue (escapes \n host, \l line, \s system, \r release, \m machine,
 * \\) and "HOST login: ", reads a name with echo on and executes
 * "LOGIN -- NAME" (/bin/login by default) with TERM set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <termios.h>
#include <unistd.h>

#define ISSUE	     "/etc/issue"
#define NAME_LEN     64
#define CTRL(c)	     ((c)&0x1f)
#define DEFAULT_TERM "vt100"

static const char *line = "console";

static void die(const char *what)
{
	fprintf(stderr, "getty: %s: %s\n", what, strerror(errno));
	sleep(1); /* do not let init respawn us in a tight loop */
	exit(1);
}

/* Make TTY fds 0-2 and our controlling terminal, in a session of our own. */
static void open_tty(const char *tty)
{
	char path[128];
	int fd;

	if (!tty || !strcmp(tty, "-")) {
		char *n = ttyname(STDIN_FILENO);

		if (n)
			line = strdup(strncmp(n, "/dev/", 5) ? n : n + 5);
		if (getsid(0) != getpid())
			setsid();
		ioctl(STDIN_FILENO, TIOCSCTTY, 0);
		return;
	}
	snprintf(path, sizeof(path), "%s%s", tty[0] == '/' ? "" : "/dev/", tty);
	line = strncmp(path, "/dev/", 5) ? tty : strdup(path + 5);
	if (getsid(0) != getpid())
		setsid();
	fd = open(path, O_RDWR | O_NOCTTY);
	if (fd < 0)
		die(path);
	if (ioctl(fd, TIOCSCTTY, 0) < 0)
		die("TIOCSCTTY");
	for (int i = 0; i < 3; i++)
		if (dup2(fd, i) < 0)
			die("dup2");
	if (fd > 2)
		close(fd);
}

/* Cooked modes as `stty sane` gives them; the speed bits stay. */
static void sane_modes(void)
{
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &t) < 0)
		die("tcgetattr");
	t.c_iflag = BRKINT | ICRNL | IXON | IMAXBEL;
	t.c_oflag = OPOST | ONLCR;
	t.c_cflag = (t.c_cflag & (CBAUD | CBAUDEX)) | CS8 | CREAD | HUPCL;
	t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	t.c_cc[VINTR] = CTRL('C');
	t.c_cc[VQUIT] = CTRL('\\');
	t.c_cc[VERASE] = 0x7f;
	t.c_cc[VKILL] = CTRL('U');
	t.c_cc[VEOF] = CTRL('D');
	t.c_cc[VSTART] = CTRL('Q');
	t.c_cc[VSTOP] = CTRL('S');
	t.c_cc[VSUSP] = CTRL('Z');
	t.c_cc[VWERASE] = CTRL('W');
	t.c_cc[VLNEXT] = CTRL('V');
	t.c_cc[VREPRINT] = CTRL('R');
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	tcflush(STDIN_FILENO, TCIFLUSH);
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) < 0)
		die("tcsetattr");
}

/* A previous session's user may own the terminal: give it back to root. */
static void reclaim_tty(void)
{
	struct group *gr = getgrnam("tty");

	if (fchown(STDIN_FILENO, 0, gr ? gr->gr_gid : 0) < 0 || fchmod(STDIN_FILENO, 0620) < 0) {
		/* devfs nodes that refuse are still usable: not fatal */
	}
}

static void print_issue(const struct utsname *u)
{
	FILE *f = fopen(ISSUE, "re");
	int c;

	if (!f)
		return;
	while ((c = getc(f)) != EOF) {
		if (c != '\\') {
			putchar(c);
			continue;
		}
		switch (c = getc(f)) {
		case 'n':
			fputs(u->nodename, stdout);
			break;
		case 'l':
			fputs(line, stdout);
			break;
		case 's':
			fputs(u->sysname, stdout);
			break;
		case 'r':
			fputs(u->release, stdout);
			break;
		case 'm':
			fputs(u->machine, stdout);
			break;
		case EOF:
			break;
		default:
			putchar(c);
			break;
		}
	}
	fclose(f);
}

/* Prompt until a non-empty name is typed; exits at end of file. */
static void read_name(const struct utsname *u, char *name, size_t len)
{
	for (;;) {
		size_t n;

		printf("%s login: ", u->nodename);
		fflush(stdout);
		if (!fgets(name, (int)len, stdin))
			exit(0); /* ^D or a hang-up: init starts a new getty */
		n = strcspn(name, "\r\n");
		name[n] = '\0';
		if (n > 0 && name[0] != '-')
			return;
	}
}

int main(int argc, char **argv)
{
	const char *login = "/bin/login", *tty = NULL, *term = NULL;
	char name[NAME_LEN];
	struct utsname u;
	int i = 1;

	if (i + 1 < argc && !strcmp(argv[i], "-l")) {
		login = argv[i + 1];
		i += 2;
	}
	if (i < argc && argv[i][0] >= '0' && argv[i][0] <= '9')
		i++; /* BAUD: the speed stays as it is */
	if (i < argc)
		tty = argv[i++];
	if (i < argc)
		term = argv[i++];
	if (i < argc) {
		fprintf(stderr, "usage: getty [-l LOGIN] [BAUD] [TTY [TERM]]\n");
		return 1;
	}
	open_tty(tty);
	reclaim_tty();
	sane_modes();
	if (uname(&u) < 0)
		die("uname");
	if (term)
		setenv("TERM", term, 1);
	else if (!getenv("TERM"))
		setenv("TERM", DEFAULT_TERM, 1);
	printf("\n");
	print_issue(&u);
	read_name(&u, name, sizeof(name));
	execl(login, login, "--", name, (char *)NULL);
	die(login);
	return 1;
}
