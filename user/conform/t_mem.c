/*
 * mem: mmap (anonymous, file-backed private, MAP_SHARED anonymous across
 * fork, MAP_FIXED), munmap, mprotect, brk, mremap (or ENOSYS, which issue
 * 4 allows), copy-on-write isolation between parent and child, demand
 * paging of a large mapping, and a growing stack. Expected answers are
 * mmap(2)'s.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conform.h"

#define S			syscall
#define PG			4096ul
#define MMAP(a, l, p, f, fd, o) ((void *)S(SYS_mmap, a, l, p, f, fd, (long)(o)))

/* Touch addr (read or write) in a child; return its wait status. */
static int touch_child(volatile char *addr, int write)
{
	int st;
	pid_t c = fork();
	if (c == 0) {
		if (write)
			*addr = 1;
		else
			(void)*addr;
		_exit(0);
	}
	waitpid(c, &st, 0);
	return st;
}

#define T_SEGV(name, addr, wr)                                             \
	do {                                                               \
		int st_ = touch_child((volatile char *)(addr), wr);        \
		T_TRUE(name, WIFSIGNALED(st_) && WTERMSIG(st_) == SIGSEGV, \
		       "expected signal 11 got %s", t_status(st_));        \
	} while (0)

static void t_anon(void)
{
	char *p = MMAP(0, 3 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int zero = 1;

	T_TRUE("mmap_anon", p != MAP_FAILED && ((uintptr_t)p & (PG - 1)) == 0,
	       "expected an aligned mapping got %p (errno %s)", (void *)p, t_errname(errno));
	if (p == MAP_FAILED)
		return;
	for (size_t i = 0; i < 3 * PG; i++)
		zero &= p[i] == 0;
	T_TRUE("mmap_anon_zeroed", zero, "expected zero-filled memory");
	memset(p, 0x5a, 3 * PG);
	T_EQ("mmap_anon_writable", p[3 * PG - 1], 0x5a);
	T_OK("munmap_middle", S(SYS_munmap, p + PG, PG));
	T_SEGV("munmap_then_access_segv", p + PG, 0);
	T_EQ("munmap_keeps_neighbours", p[0] + p[2 * PG], 0xb4);
	T_OK("mprotect_readonly", S(SYS_mprotect, p, PG, PROT_READ));
	T_EQ("mprotect_still_readable", p[10], 0x5a);
	T_SEGV("mprotect_write_segv", p, 1);
	T_OK("mprotect_none", S(SYS_mprotect, p + 2 * PG, PG, PROT_NONE));
	T_SEGV("prot_none_read_segv", p + 2 * PG, 0);
	T_OK("mprotect_back_rw", S(SYS_mprotect, p + 2 * PG, PG, PROT_READ | PROT_WRITE));
	T_EQ("mprotect_back_data_kept", p[2 * PG + 5], 0x5a);
	T_ERR("mprotect_einval_unaligned", S(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL);
	T_ERR("mprotect_enomem_unmapped", S(SYS_mprotect, p + PG, PG, PROT_READ), ENOMEM);
	T_ERR("mprotect_einval_prot", S(SYS_mprotect, p, PG, 0x1000), EINVAL);
	T_OK("munmap", S(SYS_munmap, p, 3 * PG));
	T_OK("munmap_unmapped_ok", S(SYS_munmap, p, 3 * PG));
	T_ERR("munmap_einval_unaligned", S(SYS_munmap, p + 1, PG), EINVAL);
	T_ERR("munmap_einval_zero", S(SYS_munmap, p, 0), EINVAL);

	T_TRUE("mmap_einval_zero_len",
	       MMAP(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
		       errno == EINVAL,
	       "expected -1 (EINVAL) got errno %s", t_errname(errno));
	T_TRUE("mmap_einval_no_type",
	       MMAP(0, PG, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL,
	       "expected -1 (EINVAL) got errno %s", t_errname(errno));
	T_TRUE("mmap_ebadf",
	       MMAP(0, PG, PROT_READ, MAP_PRIVATE, 9999, 0) == MAP_FAILED && errno == EBADF,
	       "expected -1 (EBADF) got errno %s", t_errname(errno));
	T_TRUE("mmap_fixed_einval_unaligned",
	       MMAP(0x10001, PG, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) ==
			       MAP_FAILED &&
		       errno == EINVAL,
	       "expected -1 (EINVAL) got errno %s", t_errname(errno));
	T_TRUE("mmap_enomem_huge",
	       MMAP(0, 1ul << 47, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
		       errno == ENOMEM,
	       "expected -1 (ENOMEM) got errno %s", t_errname(errno));

	/* MAP_FIXED at a chosen address, then over an existing mapping. */
	{
		char *want = (char *)0x200000000ul;
		char *q = MMAP(want, 2 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		T_TRUE("mmap_fixed", q == want, "expected %p got %p (errno %s)", (void *)want,
		       (void *)q, t_errname(errno));
		if (q == want) {
			q[0] = 7;
			q = MMAP(want, PG, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
			T_TRUE("mmap_fixed_replaces", q == want && want[0] == 0,
			       "expected a fresh zero page got %p value %d", (void *)q,
			       q == want ? want[0] : -1);
			S(SYS_munmap, want, 2 * PG);
		}
	}
	/* Executable anonymous memory runs code: a lone ret. */
	{
		unsigned char *x = MMAP(0, PG, PROT_READ | PROT_WRITE | PROT_EXEC,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int st;
		pid_t c;
		if (x != MAP_FAILED) {
			x[0] = 0xc3;
			c = fork();
			if (c == 0) {
				((void (*)(void))x)();
				_exit(0);
			}
			waitpid(c, &st, 0);
			T_TRUE("mmap_exec_runs", WIFEXITED(st) && WEXITSTATUS(st) == 0,
			       "expected exit 0 got %s", t_status(st));
		} else {
			t_fail("mmap_exec_runs", "mmap PROT_EXEC failed (errno %s)",
			       t_errname(errno));
		}
	}
}

static void t_file_maps(void)
{
	const char *f = t_path("mapped");
	int fd = open(f, O_CREAT | O_RDWR | O_TRUNC, 0644), ro, wo;
	char buf[PG + 100], *m;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)('a' + i % 26);
	write(fd, buf, sizeof(buf));
	m = MMAP(0, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	T_TRUE("mmap_file_private", m != MAP_FAILED, "expected a mapping (errno %s)",
	       t_errname(errno));
	if (m != MAP_FAILED) {
		T_TRUE("mmap_file_contents", memcmp(m, buf, sizeof(buf)) == 0,
		       "expected the file's bytes");
		T_EQ("mmap_file_tail_zero", m[2 * PG - 1], 0);
		m[0] = 'X';
		{
			char c = 0;
			pread(fd, &c, 1, 0);
			T_EQ("mmap_private_write_not_in_file", c, 'a');
		}
		S(SYS_munmap, m, 2 * PG);
	}
	m = MMAP(0, PG, PROT_READ, MAP_PRIVATE, fd, PG);
	T_TRUE("mmap_file_offset", m != MAP_FAILED && m[0] == buf[PG],
	       "expected byte %d got %d (errno %s)", buf[PG], m != MAP_FAILED ? m[0] : -1,
	       t_errname(errno));
	if (m != MAP_FAILED)
		S(SYS_munmap, m, PG);
	T_TRUE("mmap_einval_offset",
	       MMAP(0, PG, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL,
	       "expected -1 (EINVAL) got errno %s", t_errname(errno));
	wo = open(f, O_WRONLY);
	T_TRUE("mmap_wronly_eacces",
	       MMAP(0, PG, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED && errno == EACCES,
	       "expected -1 (EACCES) got errno %s", t_errname(errno));
	ro = open(f, O_RDONLY);
	T_TRUE("mmap_shared_write_rdonly_eacces",
	       MMAP(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED &&
		       errno == EACCES,
	       "expected -1 (EACCES) got errno %s", t_errname(errno));
	m = MMAP(0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
	T_TRUE("mmap_private_write_rdonly_ok", m != MAP_FAILED, "expected a mapping (errno %s)",
	       t_errname(errno));
	close(ro);
	close(wo);
	close(fd);
}

static void t_shared_cow(void)
{
	size_t len = 256 * 1024;
	char *sh = MMAP(0, PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	char *pr = malloc(len);
	int st;
	pid_t c;

	T_TRUE("mmap_shared_anon", sh != MAP_FAILED, "expected a mapping (errno %s)",
	       t_errname(errno));
	memset(pr, 'P', len);
	if (sh != MAP_FAILED)
		strcpy(sh, "parent");
	c = fork();
	if (c == 0) {
		int ok = 1;
		for (size_t i = 0; i < len; i++)
			ok &= pr[i] == 'P';
		memset(pr, 'C', len);
		if (sh != MAP_FAILED)
			strcpy(sh, "child");
		_exit(ok ? 0 : 1);
	}
	waitpid(c, &st, 0);
	T_TRUE("fork_child_sees_parent_memory", WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "expected exit 0 got %s", t_status(st));
	{
		int ok = 1;
		for (size_t i = 0; i < len; i++)
			ok &= pr[i] == 'P';
		T_TRUE("cow_child_write_invisible_to_parent", ok,
		       "expected the parent's bytes kept");
	}
	if (sh != MAP_FAILED)
		T_TRUE("map_shared_visible_across_fork", strcmp(sh, "child") == 0,
		       "expected 'child' got '%.8s'", sh);
	/* The parent writes after the fork; the child must not see it. */
	{
		int p[2];
		pipe(p);
		c = fork();
		if (c == 0) {
			char x;
			close(p[1]);
			read(p[0], &x, 1);
			_exit(pr[len / 2] == 'P' ? 0 : 1);
		}
		close(p[0]);
		memset(pr, 'Q', len);
		write(p[1], "x", 1);
		close(p[1]);
		waitpid(c, &st, 0);
		T_TRUE("cow_parent_write_invisible_to_child", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		       "expected exit 0 got %s", t_status(st));
	}
	free(pr);
}

static int c_demand_paging(char *msg)
{
	size_t len = 192ul << 20;
	char *p = MMAP(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	REQUIRE(p != MAP_FAILED, "expected a 192 MiB mapping (errno %s)", t_errname(errno));
	for (size_t off = 0; off < len; off += 16ul << 20)
		p[off] = 1;
	REQUIRE(p[len - 1] == 0, "expected zero at the end");
	return 0;
}

static int grow(int depth)
{
	volatile char pad[4096];
	pad[0] = 1;
	pad[4095] = 0;
	if (depth == 0)
		return pad[0];
	return grow(depth - 1) + pad[0];
}

static int c_stack_grows(char *msg)
{
	/* 2 MiB of stack: Linux's default limit is 8 MiB. */
	REQUIRE(grow(512) == 513, "expected 513 frames counted");
	(void)msg;
	return 0;
}

static int c_brk(char *msg)
{
	char *cur = (char *)S(SYS_brk, 0), *grown;
	REQUIRE(cur != NULL, "brk(0) returned 0");
	grown = (char *)S(SYS_brk, cur + 64 * 1024);
	REQUIRE(grown == cur + 64 * 1024, "expected brk to grow to %p got %p",
		(void *)(cur + 65536), (void *)grown);
	memset(cur, 0x11, 64 * 1024);
	REQUIRE((char *)S(SYS_brk, cur + 4096) == cur + 4096, "expected brk to shrink");
	/* A request it cannot meet returns the current break unchanged. */
	REQUIRE((char *)S(SYS_brk, (char *)KADDR) == cur + 4096,
		"expected brk into the kernel half to be refused");
	return 0;
}

static int c_mremap(char *msg)
{
	char *p = MMAP(0, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *q;
	p[0] = 42;
	q = (char *)S(SYS_mremap, p, PG, 4 * PG, 1 /* MREMAP_MAYMOVE */, 0);
	if (q == MAP_FAILED && errno == ENOSYS) {
		snprintf(msg, T_MSG, "mremap is ENOSYS (allowed by issue 4)");
		return 2;
	}
	REQUIRE(q != MAP_FAILED && q[0] == 42, "expected the data moved got %p (errno %s)",
		(void *)q, t_errname(errno));
	q[4 * PG - 1] = 1;
	REQUIRE(S(SYS_mremap, q + 1, PG, PG, 0, 0) == -1 && errno == EINVAL,
		"expected -1 (EINVAL) for an unaligned address got errno %s", t_errname(errno));
	return 0;
}

void group_mem(void)
{
	t_anon();
	t_file_maps();
	t_shared_cow();
	t_run("demand_paging_192mib", c_demand_paging, 30000);
	t_run("stack_grows_2mib", c_stack_grows, 10000);
	t_run("brk", c_brk, 5000);
	t_run("mremap", c_mremap, 5000);
}
