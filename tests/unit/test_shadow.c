/*
 * Host tests for the account database helpers (user/lib/shadow.c,
 * user/lib/sha512crypt.c): SHA-512 against FIPS 180-4 examples, "$6$"
 * crypt against hashes made by glibc's libcrypt (libxcrypt 4.4; Python's
 * crypt module printed them), shadow line parsing and formatting, the
 * password check (locked and empty hashes), fresh hashes with random salts,
 * and the locked, atomic rewrite: the other lines and the file's mode are
 * kept, a live lock holder makes it -EBUSY and a dead one's lock is taken.
 */
#define _GNU_SOURCE
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "user/lib/sha512crypt.h"
#include "user/lib/shadow.h"

static const char *hex(const uint8_t *d)
{
	static char buf[2 * SHA512_DIGEST + 1];
	for (int i = 0; i < SHA512_DIGEST; i++)
		sprintf(buf + 2 * i, "%02x", d[i]);
	return buf;
}

START_TEST(test_sha512)
{
	struct sha512_ctx c;
	uint8_t d[SHA512_DIGEST];
	char a[1000];

	sha512_init(&c);
	sha512_update(&c, "abc", 3);
	sha512_final(&c, d);
	ck_assert_str_eq(hex(d),
			 "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			 "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
	/* 1000 bytes fed in uneven pieces cross block boundaries. */
	memset(a, 'a', sizeof(a));
	sha512_init(&c);
	for (size_t off = 0, step = 1; off < sizeof(a); off += step, step = step * 3 % 127 + 1)
		sha512_update(&c, a + off, off + step > sizeof(a) ? sizeof(a) - off : step);
	sha512_final(&c, d);
	ck_assert_str_eq(hex(d),
			 "67ba5535a46e3f86dbfbed8cbbaf0125c76ed549ff8b0b9e03e0c88cf90fa634"
			 "fa7b12b47d77b694de488ace8d9a65967dc96df599727d3292a8d9d447709c97");
}
END_TEST

static const struct {
	const char *key, *setting, *hash;
} vectors[] = {
	{"root", "$6$saltstring",
	 "$6$saltstring$DdMx7.nV1ZynhlO7EO4TTn5gJugAa.k4jN2nRFAlHDSsA1gGewAT55AkcPA8aHi39qiSEC/"
	 "Jgxw6MZ0ls9OrM0"},
	{"", "$6$abcdefgh",
	 "$6$abcdefgh$v7sYNA18/BerGOYQLppYLyjH4yJilp8kqe/"
	 "ef3KYMK9hOIdzH1yzcmP74Ay.m51y1jP3QqxM7Jl75S4CxDhBq."},
	{"Hello world!", "$6$rounds=10000$saltstringsaltstring",
	 "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/"
	 "UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
	{"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	 "xx"
	 "xxxxxxxxx",
	 "$6$0123456789abcdef",
	 "$6$0123456789abcdef$"
	 "hdKQR3U1ofzUBt70lpJrj9gRNuOHUPP5vMHbJtWeAVw9d3x7kUXPRZHmXi8rquaE8P8IDbM"
	 "UrlAn6yB.w0e9w1"},
	{"p\xc3\xa4ssw\xc3\xb6rd", "$6$rounds=1000$a$",
	 "$6$rounds=1000$a$bmRJWTr7JaqqIgyNhAPuLaVT5tp5GB7yXu9SfIfIyoOv3VUVNbnkPDD2Oa9CPyWI9."
	 "sOPARNqePbAh2"
	 "d.Ersz1"},
	{"a:b c", "$6$ABCDEFGHIJKLMNOPQRSTUV$ignored",
	 "$6$ABCDEFGHIJKLMNOP$IWGenM/1PH3/hCX89MsNg75w9OZqIv9yP39n6gJ4FQcLJD1r5krzVHQL/gWB/"
	 "5fHqtIhTSlc/FU/aYrHP3k5a1"},
};

START_TEST(test_crypt_vectors)
{
	char out[SHADOW_HASH_MAX];

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		ck_assert_int_eq(sha512_crypt(vectors[i].key, vectors[i].setting, out, sizeof(out)),
				 0);
		ck_assert_str_eq(out, vectors[i].hash);
		/* The whole hash works as a setting: that is how a check runs. */
		ck_assert_int_eq(sha512_crypt(vectors[i].key, vectors[i].hash, out, sizeof(out)),
				 0);
		ck_assert_str_eq(out, vectors[i].hash);
		ck_assert_int_eq(shadow_check(vectors[i].hash, vectors[i].key), 1);
	}
	/* Rounds below the minimum are raised to it, as the specification says. */
	ck_assert_int_eq(sha512_crypt("user", "$6$rounds=10$short", out, sizeof(out)), 0);
	ck_assert_int_eq(strncmp(out, "$6$rounds=1000$short$", 21), 0);
	ck_assert_int_eq(sha512_crypt("x", "$1$md5salt", out, sizeof(out)), -1);
	ck_assert_int_eq(sha512_crypt("x", "$6$rounds=x$s", out, sizeof(out)), -1);
	ck_assert_int_eq(sha512_crypt("x", "$6$salt", out, 50), -1);
}
END_TEST

START_TEST(test_check)
{
	const char *h = vectors[0].hash;
	char locked[SHADOW_HASH_MAX];

	ck_assert_int_eq(shadow_check(h, "root"), 1);
	ck_assert_int_eq(shadow_check(h, "Root"), 0);
	ck_assert_int_eq(shadow_check(h, "root "), 0);
	ck_assert_int_eq(shadow_check(h, ""), 0);
	snprintf(locked, sizeof(locked), "!%s", h);
	ck_assert_int_eq(shadow_check(locked, "root"), 0);
	ck_assert_int_eq(shadow_check("*", ""), 0);
	ck_assert_int_eq(shadow_check("!", ""), 0);
	ck_assert_int_eq(shadow_check("", ""), 1);
	ck_assert_int_eq(shadow_check("", "x"), 0);
	ck_assert_int_eq(shadow_check("$1$abc$def", "x"), 0);
	ck_assert_int_eq(shadow_check("x", "x"), 0);
}
END_TEST

START_TEST(test_hash_fresh)
{
	char a[SHADOW_HASH_MAX], b[SHADOW_HASH_MAX];

	ck_assert_int_eq(shadow_hash("secret", a, sizeof(a)), 0);
	ck_assert_int_eq(shadow_hash("secret", b, sizeof(b)), 0);
	ck_assert_int_eq(strncmp(a, "$6$", 3), 0);
	ck_assert_uint_eq(strlen(a), 3 + 16 + 1 + 86);
	ck_assert_str_ne(a, b); /* random salts */
	ck_assert_int_eq(shadow_check(a, "secret"), 1);
	ck_assert_int_eq(shadow_check(b, "secret"), 1);
	ck_assert_int_eq(shadow_check(a, "Secret"), 0);
	ck_assert_int_eq(shadow_hash("secret", a, 64), -ENAMETOOLONG);
}
END_TEST

START_TEST(test_parse_format)
{
	char line[] = "user:$6$s$h:19000:0:99999:7:::";
	char buf[128];
	struct shadow_ent e;
	char *f[4];

	ck_assert_int_eq(shadow_parse(line, &e), 0);
	ck_assert_str_eq(e.name, "user");
	ck_assert_str_eq(e.hash, "$6$s$h");
	ck_assert_int_eq(e.lastchg, 19000);
	ck_assert_str_eq(e.rest, "0:99999:7:::");
	ck_assert_int_eq(shadow_format(&e, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "user:$6$s$h:19000:0:99999:7:::");
	ck_assert_int_eq(shadow_format(&e, buf, 10), -ENAMETOOLONG);

	char empty[] = "root:::::::: ";
	empty[strlen(empty) - 1] = '\0';
	ck_assert_int_eq(shadow_parse(empty, &e), 0);
	ck_assert_int_eq(e.lastchg, -1);
	ck_assert_str_eq(e.hash, "");
	ck_assert_int_eq(shadow_format(&e, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "root::::::::");

	const char *bad[] = {"",
			     "user",
			     "user:x",
			     "user:x:1",
			     ":x:1:0:99999:7:::",
			     "user:x:1:0:99999:7::",
			     "user:x:1:0:99999:7::::",
			     "user:x:-1:0:0:0:::",
			     "user:x:12a:0:0:0:::"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char tmp[64];
		strcpy(tmp, bad[i]);
		ck_assert_msg(shadow_parse(tmp, &e) == -EINVAL, "accepted '%s'", bad[i]);
	}

	char pw[] = "user:x:1000:1000:ordinary user:/home/user:/bin/sh";
	ck_assert_int_eq(colon_split(pw, f, 4), 4);
	ck_assert_str_eq(f[2], "1000");
	ck_assert_str_eq(f[3], "1000:ordinary user:/home/user:/bin/sh");
	char two[] = "a:";
	ck_assert_int_eq(colon_split(two, f, 4), 2);
	ck_assert_str_eq(f[1], "");
}
END_TEST

static char dir[64], path[96];

static void make_db(const char *text, mode_t mode)
{
	strcpy(dir, "/tmp/test_shadow.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/shadow", dir);
	FILE *f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

static char *slurp(const char *p)
{
	static char buf[4096];
	FILE *f = fopen(p, "r");
	size_t n;
	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void remove_db(void)
{
	char lock[128];
	snprintf(lock, sizeof(lock), "%s.lock", path);
	unlink(lock);
	unlink(path);
	rmdir(dir);
}

#define DB                                      \
	"root:$6$old$root:19000:0:99999:7:::\n" \
	"# a comment line is kept\n"            \
	"user:$6$old$user:19000:0:99999:7:::\n" \
	"nobody:*:19000:0:99999:7:::\n"

START_TEST(test_update)
{
	char line[SHADOW_LINE_MAX];
	struct stat st;

	make_db(DB, 0600);
	ck_assert_int_eq(colon_lookup(path, "user", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "user:$6$old$user:19000:0:99999:7:::");
	ck_assert_int_eq(colon_lookup(path, "use", line, sizeof(line)), -ENOENT);
	ck_assert_int_eq(colon_lookup(path, "ghost", line, sizeof(line)), -ENOENT);

	ck_assert_int_eq(shadow_update(path, "user", "$6$new$hash", 20000), 0);
	ck_assert_str_eq(slurp(path), "root:$6$old$root:19000:0:99999:7:::\n"
				      "# a comment line is kept\n"
				      "user:$6$new$hash:20000:0:99999:7:::\n"
				      "nobody:*:19000:0:99999:7:::\n");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(access(path + 0, F_OK), 0);

	ck_assert_int_eq(shadow_update(path, "ghost", "$6$x$y", 1), -ENOENT);
	ck_assert_int_eq(shadow_update(path, "user", "bad:hash", 1), -EINVAL);
	/* Nothing is left behind: no temporary file, no lock. */
	char extra[128];
	snprintf(extra, sizeof(extra), "%s+", path);
	ck_assert_int_eq(access(extra, F_OK), -1);
	snprintf(extra, sizeof(extra), "%s.lock", path);
	ck_assert_int_eq(access(extra, F_OK), -1);
	remove_db();

	make_db(DB, 0640);
	ck_assert_int_eq(shadow_update(path, "root", "$6$r$r", 1), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 07777, 0640);
	ck_assert_int_eq(colon_lookup(path, "root", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "root:$6$r$r:1:0:99999:7:::");
	remove_db();
}
END_TEST

START_TEST(test_lock)
{
	char lock[128];
	pid_t child;
	int fd;

	make_db(DB, 0600);
	snprintf(lock, sizeof(lock), "%s.lock", path);
	/* Held by a live process (us): busy. */
	ck_assert_int_eq(db_lock(path, 0), 0);
	ck_assert_int_eq(db_lock(path, 100), -EBUSY);
	ck_assert_int_eq(shadow_update(path, "user", "$6$x$y", 1), -EBUSY);
	db_unlock(path);
	ck_assert_int_eq(access(lock, F_OK), -1);

	/* Held by a process that has exited: taken over. */
	child = fork();
	if (child == 0)
		_exit(0);
	waitpid(child, NULL, 0);
	fd = open(lock, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ck_assert_int_ge(fd, 0);
	dprintf(fd, "%d\n", (int)child);
	close(fd);
	ck_assert_int_eq(shadow_update(path, "user", "$6$x$y", 1), 0);
	ck_assert_int_eq(access(lock, F_OK), -1);
	remove_db();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shadow");
	TCase *tc = tcase_create("shadow");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_sha512);
	tcase_add_test(tc, test_crypt_vectors);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_hash_fresh);
	tcase_add_test(tc, test_parse_format);
	tcase_add_test(tc, test_update);
	tcase_add_test(tc, test_lock);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
