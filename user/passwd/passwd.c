/*
 * passwd [USER]: change a password in /etc/shadow, as shadow-utils'
 * passwd does for local accounts. Installed set-user-ID root (/bin/passwd,
 * image/owners).
 *
 * An ordinary user changes only their own password and must type the
 * current one first; root changes anyone's without it. The new password is
 * asked twice (echo off, on /dev/tty) and must be non-empty and typed the
 * same both times. It is stored as a fresh SHA-512 crypt hash with a
 * random salt through shadow_update (user/lib/shadow.c): under
 * /etc/shadow.lock, written to /etc/shadow+ with the old mode and owner,
 * then renamed over /etc/shadow.
 *
 * Statuses: 0 when the password was changed, 1 otherwise (with the reason
 * and "passwd: password unchanged").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shadow.h"
#include "ttypass.h"

#define FAIL_DELAY_S 2
#define PASS_MAX     256

static int unchanged(const char *why)
{
	if (why)
		fprintf(stderr, "passwd: %s\n", why);
	fprintf(stderr, "passwd: password unchanged\n");
	return 1;
}

/* Read one password; 0, or 1 after saying why not. */
static int ask(const char *prompt, char *buf)
{
	int err = tty_read_password(prompt, buf, PASS_MAX);

	if (err == -EINTR)
		return unchanged(NULL);
	if (err) {
		fprintf(stderr, "passwd: must be run from a terminal\n");
		return unchanged(NULL);
	}
	return 0;
}

int main(int argc, char **argv)
{
	char line[SHADOW_LINE_MAX], cur[PASS_MAX], p1[PASS_MAX], p2[PASS_MAX];
	char hash[SHADOW_HASH_MAX];
	struct shadow_ent e;
	struct passwd *pw;
	uid_t caller = getuid();
	int err, status = 1;

	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		if (argc == 2)
			fprintf(stderr, "passwd: invalid option '%s'\n", argv[1]);
		else
			fprintf(stderr, "passwd: extra operand '%s'\n", argv[2]);
		fprintf(stderr, "usage: passwd [USER]\n");
		return 1;
	}
	pw = argc == 2 ? getpwnam(argv[1]) : getpwuid(caller);
	if (!pw) {
		if (argc == 2)
			fprintf(stderr, "passwd: user '%s' does not exist\n", argv[1]);
		else
			fprintf(stderr, "passwd: cannot determine your user name\n");
		return 1;
	}
	if (caller != 0 && pw->pw_uid != caller) {
		fprintf(stderr, "passwd: You may not view or modify password information for %s.\n",
			pw->pw_name);
		return 1;
	}
	err = colon_lookup(SHADOW_PATH, pw->pw_name, line, sizeof(line));
	if (!err)
		err = shadow_parse(line, &e);
	if (err) {
		fprintf(stderr, "passwd: cannot read the shadow entry of %s: %s\n", pw->pw_name,
			strerror(-err));
		return unchanged(NULL);
	}
	if (caller != 0) {
		printf("Changing password for %s.\n", pw->pw_name);
		fflush(stdout);
		if (ask("Current password: ", cur))
			return 1;
		if (!shadow_check(e.hash, cur)) {
			explicit_bzero(cur, sizeof(cur));
			sleep(FAIL_DELAY_S);
			return unchanged("Authentication failure");
		}
		explicit_bzero(cur, sizeof(cur));
	}
	if (ask("New password: ", p1))
		goto out;
	if (p1[0] == '\0') {
		unchanged("empty passwords are not allowed");
		goto out;
	}
	if (ask("Retype new password: ", p2))
		goto out;
	if (strcmp(p1, p2) != 0) {
		unchanged("passwords do not match");
		goto out;
	}
	err = shadow_hash(p1, hash, sizeof(hash));
	if (!err)
		err = shadow_update(SHADOW_PATH, pw->pw_name, hash, (long)(time(NULL) / 86400));
	if (err) {
		fprintf(stderr, "passwd: cannot update %s: %s\n", SHADOW_PATH, strerror(-err));
		unchanged(NULL);
		goto out;
	}
	printf("passwd: password updated successfully\n");
	status = 0;
out:
	explicit_bzero(p1, sizeof(p1));
	explicit_bzero(p2, sizeof(p2));
	return status;
}
