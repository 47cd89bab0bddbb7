/*
 * User virtual memory from user space, with Linux's behaviour as the
 * reference (this program passes natively on Linux too): demand-zero
 * pages, copy-on-write isolation after fork in both directions, MAP_SHARED
 * anonymous memory shared across fork, private file mappings (contents as
 * read(2), writes never reach the file, the EOF tail zeroed, SIGBUS past
 * EOF), munmap and mprotect faults (SIGSEGV, seen as a child's wait
 * status), mmap errors, stack growth (4 MiB fine, past 8 MiB fatal), brk,
 * mremap, madvise, a 1000-child fork storm, and MemFree back where it was.
 * Prints "vmtest: all ok" and exits 0 when every check passes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define PAGE 4096

static int failures;
static int on_appliance; /* our kernel: also check exact memory accounting */
static volatile int cow_var = 1;

#define CHECK(cond, ...)                                     \
	do {                                                 \
		if (!(cond)) {                               \
			printf("vmtest: FAIL " __VA_ARGS__); \
			printf(" (line %d)\n", __LINE__);    \
			failures++;                          \
		}                                            \
	} while (0)

static long mem_free_kb(void)
{
	char buf[2048];
	int fd = open("/proc/meminfo", O_RDONLY);
	ssize_t n;
	char *p;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	p = strstr(buf, "MemFree:");
	return p ? strtol(p + 8, NULL, 10) : -1;
}

/* A counter from /proc/vmstat, or -1. */
static long vmstat(const char *name)
{
	char buf[2048], key[64];
	int fd = open("/proc/vmstat", O_RDONLY);
	ssize_t n;
	char *p;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	snprintf(key, sizeof(key), "\n%s ", name);
	if (strncmp(buf, key + 1, strlen(key + 1)) == 0)
		return strtol(buf + strlen(key + 1), NULL, 10);
	p = strstr(buf, key);
	return p ? strtol(p + strlen(key), NULL, 10) : -1;
}

/* Run fn in a child; return its wait status. */
static int in_child(void (*fn)(void *), void *arg)
{
	int status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

static int killed_by(int status)
{
	return status >= 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

static void touch_read(void *p)
{
	(void)*(volatile char *)p;
}

static void touch_write(void *p)
{
	*(volatile char *)p = 1;
}

static void test_demand_zero(void)
{
	size_t len = 16 << 20;
	long before = mem_free_kb(), after;
	unsigned char *m =
		mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int nonzero = 0;

	CHECK(m != MAP_FAILED, "mmap 16 MiB: %s", strerror(errno));
	if (m == MAP_FAILED)
		return;
	after = mem_free_kb();
	if (on_appliance)
		CHECK(before - after < 1024, "16 MiB mmap took %ld kB up front", before - after);
	for (size_t i = 0; i < len; i += PAGE)
		nonzero |= m[i] | m[i + PAGE - 1];
	CHECK(!nonzero, "fresh anonymous memory is not zero");
	for (size_t i = 0; i < len; i += PAGE)
		m[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < len; i += PAGE)
		if (m[i] != (unsigned char)(i >> 12))
			nonzero = 1;
	CHECK(!nonzero, "anonymous memory lost a write");
	CHECK(munmap(m, len) == 0, "munmap");
}

static void test_cow(void)
{
	int status, fds[2];
	char *heap = malloc(64 * 1024);
	pid_t pid;

	memset(heap, 'p', 64 * 1024);
	/* The child writes: the parent keeps its values. */
	pid = fork();
	if (pid == 0) {
		cow_var = 2;
		memset(heap, 'c', 64 * 1024);
		_exit(cow_var == 2 && heap[100] == 'c' ? 0 : 1);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "COW child status 0x%x", status);
	CHECK(cow_var == 1 && heap[100] == 'p' && heap[65535] == 'p',
	      "the child's writes reached the parent");
	/* The parent writes: the child keeps the old values. */
	CHECK(pipe(fds) == 0, "pipe");
	pid = fork();
	if (pid == 0) {
		char c;
		close(fds[1]);
		if (read(fds[0], &c, 1) != 1)
			_exit(2);
		_exit(cow_var == 1 && heap[100] == 'p' ? 0 : 1);
	}
	close(fds[0]);
	cow_var = 3;
	memset(heap, 'P', 64 * 1024);
	CHECK(write(fds[1], "x", 1) == 1, "pipe write");
	close(fds[1]);
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the parent's writes reached the child (status 0x%x)", status);
	cow_var = 1;
	free(heap);
}

static void test_shared_anon(void)
{
	volatile int *s =
		mmap(NULL, PAGE * 2, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status;
	pid_t pid;

	CHECK(s != MAP_FAILED, "MAP_SHARED|MAP_ANONYMOUS: %s", strerror(errno));
	if (s == MAP_FAILED)
		return;
	s[0] = 10;
	pid = fork();
	if (pid == 0) {
		s[0] += 5;
		s[PAGE / sizeof(int)] = 77; /* a page nobody touched before fork */
		_exit(0);
	}
	waitpid(pid, &status, 0);
	CHECK(s[0] == 15 && s[PAGE / sizeof(int)] == 77, "shared memory not shared: %d %d", s[0],
	      s[PAGE / sizeof(int)]);
	munmap((void *)s, PAGE * 2);
}

static void bus_past_eof(void *p)
{
	touch_read((char *)p + 4 * PAGE);
}

static void test_file_mapping(void)
{
	char path[64], *buf, *m;
	size_t size = 3 * PAGE + 100;
	int fd, ok = 1;

	snprintf(path, sizeof(path), "/tmp/vmtest.%d", (int)getpid());
	mkdir("/tmp", 01777);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0, "create %s: %s", path, strerror(errno));
	if (fd < 0)
		return;
	buf = malloc(size);
	for (size_t i = 0; i < size; i++)
		buf[i] = (char)(i * 7 + i / PAGE);
	CHECK(write(fd, buf, size) == (ssize_t)size, "write the file");

	m = mmap(NULL, 5 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	CHECK(m != MAP_FAILED, "file mmap: %s", strerror(errno));
	if (m != MAP_FAILED) {
		CHECK(memcmp(m, buf, size) == 0, "mapping differs from read()");
		for (size_t i = size; i < 4 * PAGE; i++)
			ok &= m[i] == 0;
		CHECK(ok, "the tail of the last page is not zero");
		memset(m, 'W', 2 * PAGE);
		{
			char back[2 * PAGE];
			CHECK(pread(fd, back, sizeof(back), 0) == (ssize_t)sizeof(back) &&
				      memcmp(back, buf, sizeof(back)) == 0,
			      "a private write reached the file");
		}
		CHECK(killed_by(in_child(bus_past_eof, m)) == SIGBUS,
		      "access past EOF was not SIGBUS");
		munmap(m, 5 * PAGE);
	}
	/* An offset mapping sees the file from there. */
	m = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 2 * PAGE);
	CHECK(m != MAP_FAILED && memcmp(m, buf + 2 * PAGE, PAGE) == 0, "offset mapping");
	if (m != MAP_FAILED)
		munmap(m, PAGE);
	/* Errors. */
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL,
	      "unaligned offset: %s", strerror(errno));
	CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EINVAL,
	      "zero length: %s", strerror(errno));
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF,
	      "bad fd: %s", strerror(errno));
	CHECK(mmap(NULL, PAGE, PROT_READ, 0, fd, 0) == MAP_FAILED && errno == EINVAL,
	      "neither private nor shared: %s", strerror(errno));
	close(fd);
	fd = open(path, O_WRONLY);
	CHECK(mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED && errno == EACCES,
	      "write-only file: %s", strerror(errno));
	close(fd);
	fd = open(path, O_RDONLY);
	CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED &&
		      errno == EACCES,
	      "shared writable mapping of a read-only file: %s", strerror(errno));
	m = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(m != MAP_FAILED && memcmp(m, buf, PAGE) == 0, "read-only shared file mapping");
	if (m != MAP_FAILED)
		munmap(m, PAGE);
	close(fd);
	unlink(path);
	free(buf);
}

static void test_fixed(void)
{
	char *a = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b;

	CHECK(a != MAP_FAILED, "mmap");
	if (a == MAP_FAILED)
		return;
	memset(a, 'a', 4 * PAGE);
	b = mmap(a + PAGE, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
		 -1, 0);
	CHECK(b == a + PAGE && b[0] == 0 && a[0] == 'a' && a[2 * PAGE] == 'a',
	      "MAP_FIXED did not replace exactly one page");
	b = mmap(a + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		 0);
	CHECK(b == MAP_FAILED && errno == EEXIST, "MAP_FIXED_NOREPLACE over a mapping: %s",
	      strerror(errno));
	munmap(a, 4 * PAGE);
	b = mmap(a + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
		 0);
	CHECK(b == a + PAGE, "MAP_FIXED_NOREPLACE on free space");
	munmap(b, PAGE);
	/* A free hint is honoured. */
	b = mmap(a, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(b == a, "hint %p not used (%p)", (void *)a, (void *)b);
	munmap(b, PAGE);
}

static void test_munmap_mprotect(void)
{
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(m != MAP_FAILED, "mmap");
	if (m == MAP_FAILED)
		return;
	memset(m, 'x', 3 * PAGE);
	CHECK(munmap(m + PAGE, PAGE) == 0, "partial munmap");
	CHECK(m[0] == 'x' && m[2 * PAGE] == 'x', "the neighbours of an unmapped page changed");
	CHECK(killed_by(in_child(touch_read, m + PAGE)) == SIGSEGV,
	      "access to an unmapped page was not SIGSEGV");
	CHECK(munmap(m + 1, PAGE) == -1 && errno == EINVAL, "unaligned munmap");

	CHECK(mprotect(m, PAGE, PROT_READ) == 0, "mprotect PROT_READ");
	CHECK(m[0] == 'x', "read after PROT_READ");
	CHECK(killed_by(in_child(touch_write, m)) == SIGSEGV,
	      "write to a PROT_READ page was not SIGSEGV");
	CHECK(mprotect(m, PAGE, PROT_NONE) == 0, "mprotect PROT_NONE");
	CHECK(killed_by(in_child(touch_read, m)) == SIGSEGV,
	      "read of a PROT_NONE page was not SIGSEGV");
	CHECK(mprotect(m, PAGE, PROT_READ | PROT_WRITE) == 0, "mprotect back to RW");
	m[0] = 'y';
	CHECK(m[0] == 'y' && m[1] == 'x', "contents after PROT_NONE and back");
	CHECK(mprotect(m, 3 * PAGE, PROT_READ) == -1 && errno == ENOMEM, "mprotect over a hole: %s",
	      strerror(errno));
	/* A system call reading a PROT_NONE page fails with EFAULT. */
	CHECK(mprotect(m + 2 * PAGE, PAGE, PROT_NONE) == 0, "PROT_NONE again");
	{
		int fds[2];
		CHECK(pipe(fds) == 0, "pipe");
		CHECK(write(fds[1], m + 2 * PAGE, 10) == -1 && errno == EFAULT,
		      "write() from a PROT_NONE page: %s", strerror(errno));
		/* And read() into a fresh, untouched page works. */
		char *fresh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				   -1, 0);
		CHECK(write(fds[1], "hello", 5) == 5 && read(fds[0], fresh, 5) == 5 &&
			      memcmp(fresh, "hello", 5) == 0,
		      "read() into an untouched page");
		munmap(fresh, PAGE);
		close(fds[0]);
		close(fds[1]);
	}
	munmap(m, 3 * PAGE);
}

static unsigned recurse(int depth)
{
	volatile unsigned char pad[4000];

	pad[0] = (unsigned char)depth;
	pad[3999] = (unsigned char)depth;
	if (depth == 0)
		return pad[0];
	return recurse(depth - 1) + pad[3999];
}

static void deep_stack(void *arg)
{
	int depth = (int)(intptr_t)arg;
	unsigned want = 0;

	for (int d = 1; d <= depth; d++)
		want += (unsigned char)d;
	_exit(recurse(depth) == want ? 0 : 1);
}

static void test_stack(void)
{
	int status = in_child(deep_stack, (void *)(intptr_t)1000); /* about 4 MiB */

	CHECK(status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "4 MiB of stack failed (status 0x%x)", status);
	status = in_child(deep_stack, (void *)(intptr_t)2500); /* about 10 MiB */
	CHECK(killed_by(status) == SIGSEGV, "10 MiB of stack: status 0x%x", status);
}

static void touch_brk_end(void *p)
{
	touch_write((char *)p - 1);
}

static void test_brk(void)
{
	char *base = (char *)syscall(SYS_brk, 0), *top;

	top = (char *)syscall(SYS_brk, base + (1 << 20));
	CHECK(top == base + (1 << 20), "brk grow");
	memset(base, 'b', 1 << 20);
	top = (char *)syscall(SYS_brk, base + PAGE);
	CHECK(top == base + PAGE, "brk shrink");
	CHECK(killed_by(in_child(touch_brk_end, base + 2 * PAGE)) == SIGSEGV,
	      "memory above a shrunk break is still there");
	top = (char *)syscall(SYS_brk, base + 4 * PAGE);
	CHECK(top == base + 4 * PAGE && base[0] == 'b' && base[2 * PAGE] == 0,
	      "brk regrow is not zeroed");
	CHECK((char *)syscall(SYS_brk, (char *)0x1000) == base + 4 * PAGE, "brk below the start");
	syscall(SYS_brk, base);
}

static void test_mremap_madvise(void)
{
	char *m = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *n, *block;

	munmap(m + 2 * PAGE, PAGE);
	memset(m, 'r', 2 * PAGE);
	/* Block growth in place so that it has to move. */
	block = mmap(m + 2 * PAGE, PAGE, PROT_READ,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	n = mremap(m, 2 * PAGE, 8 * PAGE, 0);
	CHECK(block != MAP_FAILED && n == MAP_FAILED && errno == ENOMEM,
	      "mremap without MAYMOVE grew into a mapping");
	n = mremap(m, 2 * PAGE, 8 * PAGE, MREMAP_MAYMOVE);
	CHECK(n != MAP_FAILED, "mremap MAYMOVE: %s", strerror(errno));
	if (n != MAP_FAILED) {
		CHECK(n[0] == 'r' && n[2 * PAGE - 1] == 'r' && n[7 * PAGE] == 0,
		      "mremap lost the contents");
		n[7 * PAGE] = 1;
		n = mremap(n, 8 * PAGE, PAGE, 0);
		CHECK(n != MAP_FAILED && n[0] == 'r', "mremap shrink");
		CHECK(madvise(n, PAGE, MADV_DONTNEED) == 0 && n[0] == 0,
		      "MADV_DONTNEED did not zero a private anonymous page");
		CHECK(madvise(n, PAGE, MADV_WILLNEED) == 0, "MADV_WILLNEED");
		munmap(n, PAGE);
	}
	munmap(block, PAGE);
}

static char storm_page[PAGE * 4];

static void test_storm(void)
{
	int bad = 0, reaped = 0;

	memset(storm_page, 's', sizeof(storm_page));
	for (int round = 0; round < 10; round++) {
		pid_t pids[100];
		for (int i = 0; i < 100; i++) {
			pids[i] = fork();
			if (pids[i] == 0) {
				storm_page[(i % 4) * PAGE] = (char)i;
				_exit(storm_page[(i % 4) * PAGE + 1] == 's' ? 0 : 1);
			}
			if (pids[i] < 0)
				bad++;
		}
		for (int i = 0; i < 100; i++) {
			int status;
			if (pids[i] > 0 && waitpid(pids[i], &status, 0) == pids[i]) {
				reaped++;
				if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
					bad++;
			}
		}
	}
	CHECK(bad == 0 && reaped == 1000, "fork storm: %d reaped, %d bad", reaped, bad);
	CHECK(storm_page[0] == 's' && storm_page[3 * PAGE] == 's', "a storm child wrote to us");
}

int main(void)
{
	struct utsname u;
	long before, after;

	setvbuf(stdout, NULL, _IONBF, 0);
	on_appliance = uname(&u) == 0 && strstr(u.release, "appliance") != NULL;
	/* Warm up (the first fork makes the page tables COW shares) so that
	 * the comparison sees only what the tests leave behind. */
	test_cow();
	before = mem_free_kb();
	test_demand_zero();
	{
		long copies = vmstat("cow_copy");
		test_cow();
		/* The child's 16 heap pages at least were copied, not the rest. */
		if (on_appliance)
			CHECK(vmstat("cow_copy") - copies >= 16 && vmstat("pgfault") > 0,
			      "/proc/vmstat: %ld copies during the COW test",
			      vmstat("cow_copy") - copies);
	}
	test_shared_anon();
	test_file_mapping();
	test_fixed();
	test_munmap_mprotect();
	test_stack();
	test_brk();
	test_mremap_madvise();
	test_storm();
	after = mem_free_kb();
	printf("vmtest: MemFree %ld kB before, %ld kB after\n", before, after);
	if (on_appliance)
		CHECK(before - after < 512, "%ld kB of memory not returned", before - after);
	if (failures)
		printf("vmtest: %d failures\n", failures);
	else
		printf("vmtest: all ok\n");
	return failures ? 1 : 0;
}
