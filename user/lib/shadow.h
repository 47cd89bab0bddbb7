/*
 * The account databases /etc/passwd and /etc/shadow (shadow(5), passwd(5))
 * for su, passwd and later login (user/lib/shadow.c). Lines are
 * colon-separated fields keyed by the first one, the user name. Password
 * hashes are SHA-512 crypt ("$6$SALT$HASH", sha512crypt.c; Debian's musl
 * has no crypt(3)); other schemes never match. Unit-tested on the host
 * (tests/unit/test_shadow.c), against glibc's libcrypt for the hashes.
 *
 * Updates are safe against a crash and against a second writer: the writer
 * holds PATH.lock (created exclusively, holding its pid; a lock whose
 * process is gone is taken over), writes the whole new file to PATH+ with
 * the old file's mode and owner, fsyncs it and renames it over PATH.
 *
 * Functions return 0 or a negative errno, as the rest of the project does.
 */
#ifndef USER_LIB_SHADOW_H
#define USER_LIB_SHADOW_H

#include <stddef.h>

#define SHADOW_PATH "/etc/shadow"
#define PASSWD_PATH "/etc/passwd"
/* Longest line handled; longer lines are copied through untouched. */
#define SHADOW_LINE_MAX 1024
/* "$6$" + 16 salt characters + "$" + 86 hash characters + NUL, with room. */
#define SHADOW_HASH_MAX 128

/* One /etc/shadow line; the strings point into the parsed line. */
struct shadow_ent {
	char *name;
	char *hash;   /* "$6$...", or "!"/"*" (locked) or "" (no password) */
	char *rest;   /* the seven fields after lastchg, unparsed: "0:99999:7:::" */
	long lastchg; /* days since 1970-01-01 of the last change; -1 if empty */
};

/*
 * Split a line (without its newline) in place into at most max fields at
 * ':'; the last one keeps any further colons. Returns the field count (a
 * trailing empty field counts).
 */
int colon_split(char *line, char **fields, int max);

/* Parse a shadow line in place: -EINVAL unless it has nine fields and a
 * non-empty name. */
int shadow_parse(char *line, struct shadow_ent *e);
/* The line for e, without a newline: -ENAMETOOLONG if it does not fit. */
int shadow_format(const struct shadow_ent *e, char *buf, size_t len);

/*
 * Find NAME's line in the colon file PATH and copy it into line (len bytes);
 * -ENOENT when there is none, or the open/read error.
 */
int colon_lookup(const char *path, const char *name, char *line, size_t len);

/*
 * Does PASSWORD match HASH? 1 yes, 0 no. A locked hash ("!..." or "*...")
 * never matches; an empty hash matches only the empty password.
 */
int shadow_check(const char *hash, const char *password);

/* A new "$6$" hash of PASSWORD with 16 random salt characters
 * (getrandom(2)) into out, of at least SHADOW_HASH_MAX bytes. */
int shadow_hash(const char *password, char *out, size_t len);

/*
 * Replace NAME's hash in the shadow file PATH by HASH and its lastchg by
 * `lastchg` (days), under the lock. -ENOENT without such a user, -EBUSY when
 * another live process holds the lock for over a second.
 */
int shadow_update(const char *path, const char *name, const char *hash, long lastchg);

/*
 * The lock of the file PATH (PATH.lock), as shadow_update takes it: 0, or
 * -EBUSY after about `wait_ms` of retrying while a live process holds it.
 */
int db_lock(const char *path, int wait_ms);
void db_unlock(const char *path);

#endif
