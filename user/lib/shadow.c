/*
 * /etc/passwd and /etc/shadow entries (see shadow.h): parsing, lookup,
 * SHA-512 crypt hashing (sha512crypt.c) and checking, and the locked, atomic rewrite that
 * passwd uses. No terminal I/O here (ttypass.c has the prompt), so the
 * file builds on the host for tests/unit/test_shadow.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sha512crypt.h"
#include "shadow.h"

#define LOCK_POLL_MS 50

int colon_split(char *line, char **fields, int max)
{
	int n = 0;

	while (n < max) {
		fields[n++] = line;
		if (n == max)
			break; /* the last field keeps the rest of the line */
		line = strchr(line, ':');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

int shadow_parse(char *line, struct shadow_ent *e)
{
	char *f[3];
	char *end;
	int n;

	/* name:hash:lastchg:min:max:warn:inactive:expire:flag */
	n = colon_split(line, f, 3);
	if (n < 3 || f[0][0] == '\0')
		return -EINVAL;
	e->name = f[0];
	e->hash = f[1];
	e->rest = strchr(f[2], ':');
	if (!e->rest)
		return -EINVAL;
	*e->rest++ = '\0';
	/* The rest must hold exactly six more separators' worth: 6 fields. */
	n = 1;
	for (const char *p = e->rest; *p; p++)
		n += *p == ':';
	if (n != 6)
		return -EINVAL;
	if (f[2][0] == '\0') {
		e->lastchg = -1;
		return 0;
	}
	errno = 0;
	e->lastchg = strtol(f[2], &end, 10);
	if (errno || *end || e->lastchg < 0)
		return -EINVAL;
	return 0;
}

int shadow_format(const struct shadow_ent *e, char *buf, size_t len)
{
	int n;

	if (e->lastchg < 0)
		n = snprintf(buf, len, "%s:%s::%s", e->name, e->hash, e->rest);
	else
		n = snprintf(buf, len, "%s:%s:%ld:%s", e->name, e->hash, e->lastchg, e->rest);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Does the line (with or without its newline) start with "NAME:"? */
static int line_is(const char *line, const char *name)
{
	size_t n = strlen(name);

	return n && strncmp(line, name, n) == 0 && line[n] == ':';
}

int colon_lookup(const char *path, const char *name, char *line, size_t len)
{
	FILE *f = fopen(path, "re");
	int err = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, (int)len, f)) {
		size_t n = strlen(line);

		if (n && line[n - 1] == '\n')
			line[--n] = '\0';
		else if (!feof(f))
			continue; /* too long for us: not an entry we handle */
		if (line_is(line, name)) {
			err = 0;
			break;
		}
	}
	fclose(f);
	return err;
}

int shadow_check(const char *hash, const char *password)
{
	char got[SHADOW_HASH_MAX];
	size_t n;
	unsigned diff;

	if (hash[0] == '\0')
		return password[0] == '\0';
	if (hash[0] == '!' || hash[0] == '*')
		return 0;
	if (sha512_crypt(password, hash, got, sizeof(got)) < 0 || strlen(got) != strlen(hash))
		return 0;
	/* Compare every byte, so the time taken says nothing about where a
	 * wrong guess differs. */
	n = strlen(hash);
	diff = 0;
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(got[i] ^ hash[i]);
	explicit_bzero(got, sizeof(got));
	return diff == 0;
}

int shadow_hash(const char *password, char *out, size_t len)
{
	static const char abc[] =
		"./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	unsigned char rnd[16];
	char setting[3 + sizeof(rnd) + 2];
	size_t i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -EIO;
	memcpy(setting, "$6$", 3);
	for (i = 0; i < sizeof(rnd); i++)
		setting[3 + i] = abc[rnd[i] % 64];
	setting[3 + i] = '$';
	setting[4 + i] = '\0';
	if (len < SHADOW_HASH_MAX)
		return -ENAMETOOLONG;
	return sha512_crypt(password, setting, out, len) < 0 ? -EIO : 0;
}

/* ---- locking and the atomic rewrite ------------------------------------- */

static int lock_name(const char *path, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s.lock", path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* Remove the lock if the pid it names no longer runs. 1 if removed. */
static int lock_break_stale(const char *lock)
{
	char buf[32];
	ssize_t n;
	long pid;
	int fd = open(lock, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0; /* being written right now, or empty: wait */
	buf[n] = '\0';
	pid = strtol(buf, NULL, 10);
	if (pid <= 0 || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
		return 0;
	return unlink(lock) == 0;
}

int db_lock(const char *path, int wait_ms)
{
	char lock[SHADOW_LINE_MAX], pid[24];
	struct timespec ts = {0, LOCK_POLL_MS * 1000000L};
	int fd, n, err;

	err = lock_name(path, lock, sizeof(lock));
	if (err)
		return err;
	for (int waited = 0;; waited += LOCK_POLL_MS) {
		fd = open(lock, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0)
			break;
		if (errno != EEXIST)
			return -errno;
		if (lock_break_stale(lock))
			continue;
		if (waited >= wait_ms)
			return -EBUSY;
		nanosleep(&ts, NULL);
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (write(fd, pid, (size_t)n) != n) {
		err = -errno;
		close(fd);
		unlink(lock);
		return err ? err : -EIO;
	}
	close(fd);
	return 0;
}

void db_unlock(const char *path)
{
	char lock[SHADOW_LINE_MAX];

	if (lock_name(path, lock, sizeof(lock)) == 0)
		unlink(lock);
}

/*
 * Copy `in` to `out`, with NAME's line replaced by the new hash and lastchg.
 * -ENOENT if NAME has no line (or no well-formed one).
 */
static int rewrite(FILE *in, FILE *out, const char *name, const char *hash, long lastchg)
{
	char line[SHADOW_LINE_MAX], copy[SHADOW_LINE_MAX], outl[SHADOW_LINE_MAX];
	struct shadow_ent e;
	int found = 0, err;

	while (fgets(line, sizeof(line), in)) {
		size_t n = strlen(line);
		int whole = n && line[n - 1] == '\n';

		if (!found && whole && line_is(line, name)) {
			line[n - 1] = '\0';
			memcpy(copy, line, n);
			if (shadow_parse(copy, &e) == 0) {
				e.hash = (char *)hash;
				e.lastchg = lastchg;
				err = shadow_format(&e, outl, sizeof(outl));
				if (err)
					return err;
				fprintf(out, "%s\n", outl);
				found = 1;
				continue;
			}
			line[n - 1] = '\n';
		}
		fputs(line, out);
	}
	if (ferror(in))
		return -EIO;
	return found ? 0 : -ENOENT;
}

int shadow_update(const char *path, const char *name, const char *hash, long lastchg)
{
	char tmp[SHADOW_LINE_MAX];
	struct stat st;
	FILE *in = NULL, *out = NULL;
	int fd = -1, err, n;

	if (strchr(hash, ':') || strchr(hash, '\n'))
		return -EINVAL;
	n = snprintf(tmp, sizeof(tmp), "%s+", path);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -ENAMETOOLONG;
	err = db_lock(path, 1000);
	if (err)
		return err;
	in = fopen(path, "re");
	if (!in) {
		err = -errno;
		goto out_unlock;
	}
	if (fstat(fileno(in), &st) < 0) {
		err = -errno;
		goto out_close;
	}
	/* We hold the lock, so a PATH+ left over is a crashed writer's. */
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		err = -errno;
		goto out_close;
	}
	/* Owner first: fchown may clear set-id bits, which fchmod then sets. */
	if ((fchown(fd, st.st_uid, st.st_gid) < 0 && geteuid() == 0) ||
	    fchmod(fd, st.st_mode & 07777) < 0) {
		err = -errno;
		close(fd);
		goto out_tmp;
	}
	out = fdopen(fd, "w");
	if (!out) {
		err = -errno;
		close(fd);
		goto out_tmp;
	}
	err = rewrite(in, out, name, hash, lastchg);
	if (err)
		goto out_tmp;
	if (fflush(out) != 0 || fsync(fileno(out)) < 0) {
		err = -errno;
		goto out_tmp;
	}
	if (fclose(out) != 0) {
		out = NULL;
		err = -errno;
		goto out_tmp;
	}
	out = NULL;
	if (rename(tmp, path) < 0) {
		err = -errno;
		goto out_tmp;
	}
	err = 0;
	goto out_close;
out_tmp:
	if (out)
		fclose(out);
	unlink(tmp);
out_close:
	fclose(in);
out_unlock:
	db_unlock(path);
	return err;
}
