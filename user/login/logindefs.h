/*
 * The settings login reads from /etc/login.defs (login.defs(5) of
 * shadow-utils): "KEY VALUE" lines, '#' comments. Only three keys are
 * known; the others are ignored, as are values out of range.
 */
#ifndef USER_LOGIN_LOGINDEFS_H
#define USER_LOGIN_LOGINDEFS_H

#define LOGIN_DEFS_PATH "/etc/login.defs"

struct login_defs {
	int fail_delay; /* FAIL_DELAY: seconds to wait after a failure (2) */
	int retries;	/* LOGIN_RETRIES: failures before login gives up (3) */
	int timeout;	/* LOGIN_TIMEOUT: seconds for the whole dialogue (60) */
};

/* Fill d with the defaults, then with PATH's values if it is readable. */
void login_defs_read(const char *path, struct login_defs *d);

#endif
