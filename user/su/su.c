/*
 * su [-] [-l] [-c COMMAND] [-s SHELL] [USER]: run a shell as another user (root by
 * default), as util-linux su does without PAM. Installed set-user-ID root
 * (/bin/su, image/owners), so it runs with euid 0 and the caller's real uid.
 *
 * A caller whose real uid is not 0 must type USER's password, read from
 * /dev/tty with echo off and checked against /etc/shadow (SHA-512 crypt,
 * user/lib/shadow.c). A wrong one costs a two-second delay, then
 * "su: Authentication failure" and status 1. Then: the groups of
 * /etc/group (initgroups), the gid and the uid; HOME, SHELL, USER and
 * LOGNAME; and USER's shell from /etc/passwd (/bin/sh if empty), run with
 * -c COMMAND when given. "-" or -l makes it a login shell: argv[0]
 * "-NAME", the environment cleared but for TERM, a default PATH, and the
 * home directory as the working directory.
 *
 * Statuses: the shell's, or 1 for su's own failures, 126/127 when the
 * shell cannot be run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shadow.h"
#include "ttypass.h"

#define FAIL_DELAY_S 2
#define ROOT_PATH    "/sbin:/bin:/usr/sbin:/usr/bin"
#define USER_PATH    "/usr/local/bin:/bin:/usr/bin"

static int usage(void)
{
	fprintf(stderr, "usage: su [-] [-l] [-c COMMAND] [-s SHELL] [USER]\n");
	return 1;
}

/* 0 if the caller knows NAME's password, else 1 after the messages. */
static int authenticate(const char *name)
{
	char line[SHADOW_LINE_MAX], pass[256];
	struct shadow_ent e;
	int err, ok = 0;

	err = tty_read_password("Password: ", pass, sizeof(pass));
	if (err == -EINTR)
		return 1;
	if (err) {
		fprintf(stderr, "su: must be run from a terminal\n");
		return 1;
	}
	/* A user without a readable, well-formed entry cannot be reached:
	 * treat it as a wrong password, saying no more. */
	if (colon_lookup(SHADOW_PATH, name, line, sizeof(line)) == 0 && shadow_parse(line, &e) == 0)
		ok = shadow_check(e.hash, pass);
	explicit_bzero(pass, sizeof(pass));
	explicit_bzero(line, sizeof(line));
	if (!ok) {
		sleep(FAIL_DELAY_S);
		fprintf(stderr, "su: Authentication failure\n");
		return 1;
	}
	return 0;
}

static int become(const struct passwd *pw)
{
	if (initgroups(pw->pw_name, pw->pw_gid) < 0) {
		fprintf(stderr, "su: cannot set groups: %s\n", strerror(errno));
		return 1;
	}
	if (setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
		fprintf(stderr, "su: cannot set user id: %s\n", strerror(errno));
		return 1;
	}
	/* Paranoia, as every su: a non-root target must not keep root. */
	if (pw->pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0)) {
		fprintf(stderr, "su: cannot drop privileges\n");
		return 1;
	}
	return 0;
}

static int setup_env(const struct passwd *pw, const char *shell, int login)
{
	if (login) {
		char *term = getenv("TERM");
		char *keep = term ? strdup(term) : NULL;

		clearenv();
		if (keep) {
			setenv("TERM", keep, 1);
			free(keep);
		}
		setenv("PATH", pw->pw_uid == 0 ? ROOT_PATH : USER_PATH, 1);
	}
	if (setenv("HOME", pw->pw_dir, 1) < 0 || setenv("SHELL", shell, 1) < 0 ||
	    setenv("USER", pw->pw_name, 1) < 0 || setenv("LOGNAME", pw->pw_name, 1) < 0) {
		fprintf(stderr, "su: cannot set the environment: %s\n", strerror(errno));
		return 1;
	}
	if (login && chdir(pw->pw_dir) < 0) {
		fprintf(stderr, "su: warning: cannot change directory to %s: %s\n", pw->pw_dir,
			strerror(errno));
		if (chdir("/") < 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *name = NULL, *cmd = NULL, *shell, *base, *want_shell = NULL;
	char arg0[256];
	struct passwd *pw;
	int login = 0, i;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-") || !strcmp(a, "-l") || !strcmp(a, "--login")) {
			login = 1;
		} else if (!strcmp(a, "-c") || !strcmp(a, "--command")) {
			if (++i >= argc) {
				fprintf(stderr, "su: option requires an argument -- 'c'\n");
				return usage();
			}
			cmd = argv[i];
		} else if (!strncmp(a, "-c", 2)) {
			cmd = a + 2;
		} else if (!strcmp(a, "-s") || !strcmp(a, "--shell")) {
			if (++i >= argc) {
				fprintf(stderr, "su: option requires an argument -- 's'\n");
				return usage();
			}
			want_shell = argv[i];
		} else if (!strcmp(a, "--")) {
			if (i + 1 < argc && !name)
				name = argv[++i];
			if (i + 1 < argc) {
				fprintf(stderr, "su: extra operand '%s'\n", argv[i + 1]);
				return usage();
			}
		} else if (a[0] == '-') {
			fprintf(stderr, "su: invalid option '%s'\n", a);
			return usage();
		} else if (!name) {
			name = a;
		} else {
			fprintf(stderr, "su: extra operand '%s'\n", a);
			return usage();
		}
	}
	if (!name)
		name = "root";
	pw = getpwnam(name);
	if (!pw) {
		fprintf(stderr, "su: user %s does not exist\n", name);
		return 1;
	}
	if (getuid() != 0 && authenticate(pw->pw_name))
		return 1;
	shell = pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell : "/bin/sh";
	/* -s SHELL is root's choice only: for anyone else the account's own
	 * shell stays (util-linux says the same when the target's shell is
	 * not in /etc/shells, which this system does not have). */
	if (want_shell && getuid() == 0)
		shell = want_shell;
	else if (want_shell)
		fprintf(stderr, "su: using restricted shell %s\n", shell);
	if (become(pw) || setup_env(pw, shell, login))
		return 1;

	base = strrchr(shell, '/');
	base = base ? base + 1 : shell;
	snprintf(arg0, sizeof(arg0), "%s%s", login ? "-" : "", base);
	if (cmd)
		execl(shell, arg0, "-c", cmd, (char *)NULL);
	else
		execl(shell, arg0, (char *)NULL);
	fprintf(stderr, "su: failed to execute %s: %s\n", shell, strerror(errno));
	return errno == ENOENT ? 127 : 126;
}
