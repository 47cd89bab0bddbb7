/*
 * File and directory system calls from user space (issue 4): each check
 * prints "ok NAME" or "FAIL NAME: why"; the exit status is 0 only if all
 * pass. Covers open(2), read(2), write(2), lseek(2), stat(2), rename(2),
 * unlink(2), mkdir(2), getdents64 via readdir(3), dup2(2), pipe(2),
 * fcntl(2), getcwd(3), chdir(2), symlink(2), readlink(2), access(2),
 * chmod(2), truncate(2), sendfile(2), and the errors EBADF, EFAULT,
 * ENOENT, EEXIST, ENOTDIR, EISDIR. Ends with sync(2) so the disk image
 * can be checked with e2fsck afterwards.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <unistd.h>

#define BAD_PTR (bad_ptr) /* opaque to the compiler: no bounds warnings */
#define DIR_T	"/tmp_fileops"

static void *volatile bad_ptr = (void *)1;
static int failures;

static void check(const char *name, int ok, const char *why)
{
	if (ok) {
		printf("ok %s\n", name);
	} else {
		printf("FAIL %s: %s (errno %d %s)\n", name, why, errno, strerror(errno));
		failures++;
	}
}

/* The call returned -1 with errno e. */
static void check_err(const char *name, long r, int e)
{
	char why[64];

	snprintf(why, sizeof(why), "want -1/errno %d, got %ld", e, r);
	check(name, r == -1 && errno == e, why);
}

static void test_rw(void)
{
	char buf[64] = {0};
	struct stat st;
	int fd = open(DIR_T "/a", O_CREAT | O_RDWR | O_EXCL, 0644);

	check("open-create", fd >= 0, "open O_CREAT");
	check("write", write(fd, "hello world", 11) == 11, "short write");
	check("lseek", lseek(fd, 6, SEEK_SET) == 6, "lseek");
	check("read", read(fd, buf, sizeof(buf)) == 5 && !memcmp(buf, "world", 5), "read back");
	check("pread", pread(fd, buf, 5, 0) == 5 && !memcmp(buf, "hello", 5), "pread");
	check("pwrite", pwrite(fd, "J", 1, 0) == 1 && lseek(fd, 0, SEEK_CUR) == 11,
	      "pwrite moved pos");
	check("fstat",
	      fstat(fd, &st) == 0 && st.st_size == 11 && S_ISREG(st.st_mode) &&
		      (st.st_mode & 0777) == 0644,
	      "fstat fields");
	struct iovec iov[2] = {{"ab", 2}, {"cd", 2}};
	check("writev", writev(fd, iov, 2) == 4, "writev");
	check("stat", stat(DIR_T "/a", &st) == 0 && st.st_size == 15, "stat size");
	check("ftruncate", ftruncate(fd, 3) == 0 && fstat(fd, &st) == 0 && st.st_size == 3,
	      "ftruncate");
	check("truncate",
	      truncate(DIR_T "/a", 100) == 0 && stat(DIR_T "/a", &st) == 0 && st.st_size == 100,
	      "truncate");
	check("fsync", fsync(fd) == 0, "fsync");
	check("close", close(fd) == 0, "close");
	check_err("close-ebadf", close(fd), EBADF);
	check_err("open-eexist", open(DIR_T "/a", O_CREAT | O_EXCL | O_WRONLY, 0644), EEXIST);
	check_err("open-enoent", open(DIR_T "/nope", O_RDONLY), ENOENT);
	check_err("open-enotdir", open(DIR_T "/a/x", O_RDONLY), ENOTDIR);
	check_err("open-eisdir", open(DIR_T, O_WRONLY), EISDIR);
	check_err("open-efault", open(BAD_PTR, O_RDONLY), EFAULT);
	check_err("read-ebadf", read(99, buf, 1), EBADF);
	check_err("write-ebadf", write(-1, buf, 1), EBADF);
	check_err("stat-efault", syscall(SYS_stat, DIR_T "/a", BAD_PTR), EFAULT);
	fd = open(DIR_T "/a", O_RDONLY);
	check_err("read-efault", read(fd, BAD_PTR, 4), EFAULT);
	check_err("write-rdonly-ebadf", write(fd, "x", 1), EBADF);
	close(fd);
}

static void test_names(void)
{
	char buf[PATH_MAX];
	struct stat st;
	ssize_t n;

	check("mkdir", mkdir(DIR_T "/d", 0755) == 0, "mkdir");
	check_err("mkdir-eexist", mkdir(DIR_T "/d", 0755), EEXIST);
	check("rename", rename(DIR_T "/a", DIR_T "/d/b") == 0, "rename");
	check_err("stat-enoent", stat(DIR_T "/a", &st), ENOENT);
	check("symlink", symlink("d/b", DIR_T "/l") == 0, "symlink");
	n = readlink(DIR_T "/l", buf, sizeof(buf));
	check("readlink", n == 3 && !memcmp(buf, "d/b", 3), "readlink");
	check("lstat", lstat(DIR_T "/l", &st) == 0 && S_ISLNK(st.st_mode), "lstat");
	check("stat-follow", stat(DIR_T "/l", &st) == 0 && S_ISREG(st.st_mode), "stat");
	check("link",
	      link(DIR_T "/d/b", DIR_T "/h") == 0 && stat(DIR_T "/h", &st) == 0 && st.st_nlink == 2,
	      "link");
	check("access", access(DIR_T "/h", R_OK | W_OK) == 0, "access");
	check_err("access-enoent", access(DIR_T "/zz", F_OK), ENOENT);
	check("chmod",
	      chmod(DIR_T "/h", 0600) == 0 && stat(DIR_T "/h", &st) == 0 &&
		      (st.st_mode & 0777) == 0600,
	      "chmod");
	check_err("unlink-eisdir", unlink(DIR_T "/d"), EISDIR);
	check_err("rmdir-enotdir", rmdir(DIR_T "/h"), ENOTDIR);
	check("unlink", unlink(DIR_T "/h") == 0 && unlink(DIR_T "/l") == 0, "unlink");
	int dfd = open(DIR_T "/d", O_RDONLY | O_DIRECTORY);
	int bfd = openat(dfd, "b", O_RDONLY);
	check("openat", bfd >= 0, "openat dirfd");
	close(bfd); /* an open unlinked file would be an orphan at exit */
	check("fstatat", fstatat(dfd, "b", &st, 0) == 0 && S_ISREG(st.st_mode), "fstatat");
	check("unlinkat", unlinkat(dfd, "b", 0) == 0, "unlinkat");
	check("unlinkat-dir", mkdirat(dfd, "e", 0700) == 0 && unlinkat(dfd, "e", AT_REMOVEDIR) == 0,
	      "mkdirat/unlinkat AT_REMOVEDIR");
	check_err("openat-ebadf", openat(77, "b", O_RDONLY), EBADF);
	close(dfd);
}

static void test_dirs(void)
{
	char buf[PATH_MAX];
	int seen = 0, fd;
	struct dirent *e;
	DIR *d;

	fd = open(DIR_T "/d/one", O_CREAT | O_WRONLY, 0644);
	close(fd);
	d = opendir(DIR_T "/d");
	check("opendir", d != NULL, "opendir");
	while (d && (e = readdir(d)))
		seen |= (strcmp(e->d_name, ".") ? 0 : 1) | (strcmp(e->d_name, "..") ? 0 : 2) |
			(strcmp(e->d_name, "one") ? 0 : 4);
	if (d)
		closedir(d);
	check("readdir", seen == 7, "missing entries");
	check("chdir", chdir(DIR_T "/d") == 0, "chdir");
	check("getcwd", getcwd(buf, sizeof(buf)) && !strcmp(buf, DIR_T "/d"), buf);
	check("relative", access("one", F_OK) == 0, "relative path after chdir");
	fd = open("..", O_RDONLY | O_DIRECTORY);
	check("fchdir", fchdir(fd) == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, DIR_T),
	      "fchdir");
	close(fd);
	check_err("chdir-enotdir", chdir(DIR_T "/d/one"), ENOTDIR);
	check_err("getcwd-efault", getcwd(BAD_PTR, 100) ? 0 : -1, EFAULT);
	check_err("rmdir-notempty", rmdir(DIR_T "/d"), ENOTEMPTY);
	check("rmdir", unlink(DIR_T "/d/one") == 0 && rmdir(DIR_T "/d") == 0, "rmdir");
	chdir("/");
}

static void test_fds(void)
{
	char buf[16] = {0};
	int p[2], fd, n = -1;

	check("pipe", pipe(p) == 0, "pipe");
	check("pipe-rw",
	      write(p[1], "abc", 3) == 3 && ioctl(p[0], FIONREAD, &n) == 0 && n == 3 &&
		      read(p[0], buf, sizeof(buf)) == 3,
	      "pipe write/read");
	check_err("pipe-lseek", lseek(p[0], 0, SEEK_SET), ESPIPE);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	check("fcntl-getfl", (fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0, "F_GETFL");
	check_err("pipe-eagain", read(p[0], buf, 1), EAGAIN);
	close(p[1]);
	check("pipe-eof", read(p[0], buf, 1) == 0, "read after last writer");
	close(p[0]);
	check("pipe2", pipe2(p, O_CLOEXEC) == 0 && fcntl(p[0], F_GETFD) == FD_CLOEXEC, "pipe2");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN); /* EPIPE instead of death by SIGPIPE */
	check_err("pipe-epipe", write(p[1], "x", 1), EPIPE);
	signal(SIGPIPE, SIG_DFL);
	close(p[1]);
	check_err("pipe-efault", pipe(BAD_PTR), EFAULT);
	fd = open(DIR_T "/f", O_CREAT | O_RDWR | O_TRUNC, 0644);
	check("dup2", dup2(fd, 10) == 10 && write(10, "xy", 2) == 2 && lseek(fd, 0, SEEK_CUR) == 2,
	      "dup2 shares the offset");
	int d2 = dup(fd);
	check("dup", d2 > fd, "dup");
	close(d2);
	check("fcntl-dupfd", fcntl(fd, F_DUPFD, 20) == 20, "F_DUPFD");
	check("fcntl-setfd", fcntl(fd, F_SETFD, FD_CLOEXEC) == 0 && fcntl(fd, F_GETFD) == 1,
	      "F_SETFD");
	check_err("fcntl-ebadf", fcntl(200, F_GETFD), EBADF);
	check_err("dup2-ebadf", dup2(150, 3), EBADF);
	int out = open(DIR_T "/g", O_CREAT | O_WRONLY | O_TRUNC, 0644);
	off_t off = 0;
	check("sendfile", sendfile(out, fd, &off, 100) == 2 && off == 2, "sendfile");
	close(out);
	close(fd);
	close(10);
	close(20);
	unlink(DIR_T "/f");
	unlink(DIR_T "/g");
	struct statfs sf;
	check("statfs", statfs("/", &sf) == 0 && sf.f_bsize > 0, "statfs");
	check("umask", umask(027) == 022 && umask(022) == 027, "umask");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (mkdir(DIR_T, 0755) && errno != EEXIST)
		printf("FAIL setup: mkdir %s\n", DIR_T);
	test_rw();
	test_names();
	test_dirs();
	test_fds();
	check("cleanup", rmdir(DIR_T) == 0, "rmdir " DIR_T);
	sync();
	printf("fileops: %d failures\n", failures);
	return failures ? 1 : 0;
}
