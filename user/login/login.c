/*
 * login [-p] [-h HOST] [NAME]: authenticate a user on the terminal that is
 * fds 0-2 and start their session (login(1), shadow-utils' and util-linux'
 * behaviour without PAM). getty runs it with the name it read; telnetd runs
 * it with -h and the peer's address and lets it ask for the name itself.
 *
 * The password is read from /dev/tty with echo off (user/lib/ttypass.c) and
 * checked against /etc/shadow (SHA-512 crypt, user/lib/shadow.c); unknown
 * users cost the same hash as known ones. A failure waits FAIL_DELAY seconds,
 * prints "Login incorrect" and asks again for a name, LOGIN_RETRIES times in
 * all; the whole dialogue must finish within LOGIN_TIMEOUT seconds. The
 * three values come from /etc/login.defs (logindefs.c). Every failure, the
 * final refusal and every success is appended to /var/log/auth.log.
 *
 * The session: the terminal becomes the controlling one of a new session
 * (setsid and TIOCSCTTY, already true under getty and telnetd), is given to
 * the user with mode 0620 and group tty, then /etc/motd, initgroups, setgid,
 * setuid, the environment (HOME SHELL USER LOGNAME PATH, TERM kept, the rest
 * cleared unless -p), the home directory, and the shell is executed as a
 * login shell ("-sh") in login's place, so it is the session leader and its
 * exit hangs the terminal up.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "logindefs.h"
#include "shadow.h"
#include "ttypass.h"

#define AUTH_LOG  "/var/log/auth.log"
#define MOTD	  "/etc/motd"
#define ROOT_PATH "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/bin"
#define USER_PATH "/usr/local/bin:/bin:/usr/bin"
#define NAME_MAX_ 64
#define TTY_GROUP "tty"

/* A hash of "x" with a fixed salt: unknown users are checked against it so
 * that they take as long as known ones. */
static const char dummy_hash[] = "$6$saltsaltsaltsalt$nozu4aSZ9tvfyqr8kV.PwuNYpJaa6RCOb1XRcivY."
				 "S4HEWnm/pcZbgbhIR2EeRNbUrMigQuyF/KzM9qzoEvpz0";

static const char *tty_name = "?";
static const char *remote_host;

static void usage(void)
{
	fprintf(stderr, "usage: login [-p] [-h HOST] [NAME]\n");
	exit(1);
}

/* Append one line to the authentication log (root-only, 0600). */
static void auth_log(const char *fmt, ...)
{
	char msg[256], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M:%S", &tm);
	fd = open(AUTH_LOG, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	dprintf(fd, "%s login[%d]: %s on %s%s%s\n", stamp, (int)getpid(), msg, tty_name,
		remote_host ? " from " : "", remote_host ? remote_host : "");
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "\r\nLogin timed out.\r\n";
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
		/* nothing more to do on the way out */
	}
	_exit(1);
}

/* Read the user name from the terminal, echo on. 0, or -1 at end of file. */
static int read_name(char *name, size_t len)
{
	char host[64];
	size_t n;

	for (;;) {
		if (gethostname(host, sizeof(host)) < 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		printf("%s login: ", host);
		fflush(stdout);
		if (!fgets(name, (int)len, stdin))
			return -1;
		n = strcspn(name, "\r\n");
		if (name[n] == '\0' && n == len - 1) {
			int c;

			while ((c = getchar()) != EOF && c != '\n')
				; /* a name too long: drop the rest of the line */
		}
		name[n] = '\0';
		if (n > 0)
			return 0;
	}
}

/* 1 if PASSWORD is NAME's, checked against /etc/shadow. */
static int password_ok(const char *name, const char *password)
{
	char line[SHADOW_LINE_MAX];
	struct shadow_ent e;
	int ok = 0;

	if (getpwnam(name) && colon_lookup(SHADOW_PATH, name, line, sizeof(line)) == 0 &&
	    shadow_parse(line, &e) == 0)
		ok = shadow_check(e.hash, password);
	else
		shadow_check(dummy_hash, password); /* the same cost */
	explicit_bzero(line, sizeof(line));
	return ok;
}

/* The terminal becomes the user's: owner uid, group tty, mode 0620. */
static void give_tty(const struct passwd *pw)
{
	struct group *gr = getgrnam(TTY_GROUP);
	gid_t gid = gr ? gr->gr_gid : pw->pw_gid;

	if (fchown(STDIN_FILENO, pw->pw_uid, gid) < 0 || fchmod(STDIN_FILENO, 0620) < 0)
		auth_log("cannot give the terminal to %s: %s", pw->pw_name, strerror(errno));
}

static void show_motd(void)
{
	char buf[512];
	ssize_t n;
	int fd = open(MOTD, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (write(STDOUT_FILENO, buf, (size_t)n) < 0)
			break;
	close(fd);
}

static void set_env(const struct passwd *pw, const char *shell, int keep)
{
	char *term = getenv("TERM");
	char *t = term ? strdup(term) : NULL;

	if (!keep)
		clearenv();
	setenv("TERM", t ? t : "vt100", 1);
	free(t);
	setenv("HOME", pw->pw_dir, 1);
	setenv("SHELL", shell, 1);
	setenv("USER", pw->pw_name, 1);
	setenv("LOGNAME", pw->pw_name, 1);
	setenv("PATH", pw->pw_uid == 0 ? ROOT_PATH : USER_PATH, 1);
}

/* Start NAME's session; returns only on failure. */
static void start_session(const struct passwd *pw, int keep_env)
{
	const char *shell = pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh";
	const char *base = strrchr(shell, '/');
	char arg0[64];

	/* Under getty and telnetd login already leads the session and owns
	 * the terminal; started another way it makes them so. */
	if (getsid(0) != getpid())
		setsid();
	ioctl(STDIN_FILENO, TIOCSCTTY, 0);
	give_tty(pw);
	show_motd();
	if (initgroups(pw->pw_name, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 ||
	    setuid(pw->pw_uid) < 0) {
		printf("login: cannot set the user's ids: %s\n", strerror(errno));
		return;
	}
	if (pw->pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		printf("login: cannot drop privileges\n");
		return;
	}
	set_env(pw, shell, keep_env);
	if (chdir(pw->pw_dir) < 0) {
		printf("No directory %s, logging in with HOME=/\n", pw->pw_dir);
		setenv("HOME", "/", 1);
		if (chdir("/") < 0)
			return;
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGQUIT, SIG_DFL);
	signal(SIGTSTP, SIG_DFL);
	snprintf(arg0, sizeof(arg0), "-%s", base ? base + 1 : shell);
	execl(shell, arg0, (char *)NULL);
	printf("login: cannot run %s: %s\n", shell, strerror(errno));
}

int main(int argc, char **argv)
{
	struct login_defs defs;
	char name[NAME_MAX_], pass[256];
	const char *given = NULL;
	struct passwd *pw;
	int keep_env = 0, tries, i, err;
	char *t;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-p"))
			keep_env = 1;
		else if (!strcmp(argv[i], "-h") && i + 1 < argc)
			remote_host = argv[++i];
		else if (!strcmp(argv[i], "--") && i + 2 == argc)
			given = argv[++i];
		else if (argv[i][0] == '-')
			usage();
		else if (i + 1 == argc)
			given = argv[i];
		else
			usage();
	}
	if (geteuid() != 0) {
		fprintf(stderr, "login: cannot possibly work without effective root\n");
		return 1;
	}
	if (!isatty(STDIN_FILENO)) {
		fprintf(stderr, "login: standard input is not a terminal\n");
		return 1;
	}
	t = ttyname(STDIN_FILENO);
	if (t)
		tty_name = strdup(strncmp(t, "/dev/", 5) ? t : t + 5);
	login_defs_read(LOGIN_DEFS_PATH, &defs);
	signal(SIGALRM, on_alarm);
	signal(SIGQUIT, SIG_IGN);
	signal(SIGTSTP, SIG_IGN);
	if (defs.timeout > 0)
		alarm((unsigned)defs.timeout);
	setvbuf(stdout, NULL, _IONBF, 0);

	for (tries = 1;; tries++) {
		if (given) {
			snprintf(name, sizeof(name), "%s", given);
			given = NULL;
		} else if (read_name(name, sizeof(name)) < 0) {
			return 1;
		}
		err = tty_read_password("Password: ", pass, sizeof(pass));
		if (err == -EINTR) {
			printf("\n");
			continue;
		}
		if (err) {
			fprintf(stderr, "login: cannot read the password: %s\n", strerror(-err));
			return 1;
		}
		if (password_ok(name, pass)) {
			explicit_bzero(pass, sizeof(pass));
			break;
		}
		explicit_bzero(pass, sizeof(pass));
		auth_log("FAILED LOGIN %d for '%s'", tries, name);
		sleep((unsigned)defs.fail_delay);
		printf("\nLogin incorrect\n");
		if (tries >= defs.retries) {
			auth_log("TOO MANY LOGIN TRIES (%d) for '%s'", tries, name);
			printf("Maximum number of tries exceeded (%d)\n", tries);
			return 1;
		}
	}
	alarm(0);
	pw = getpwnam(name);
	if (!pw) {
		printf("login: no such user\n");
		return 1;
	}
	auth_log("%s logged in", pw->pw_name);
	start_session(pw, keep_env);
	return 1;
}
