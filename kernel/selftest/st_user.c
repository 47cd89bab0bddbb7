/*
 * User-space self-tests (group `user`, run when named: it needs the image's
 * /bin/hello and /bin/fault). A static musl program runs to exit 0 in its
 * own address space; programs that read NULL, write to the kernel half,
 * run a privileged instruction or execute their stack are killed with the
 * signal Linux would send, and the kernel and later programs go on.
 */
#include <ksvc.h>
#include "kernel/lib/err.h"
#include "kernel/mm/mem.h"
#include "kernel/proc/process.h"
#include "kernel/root.h"
#include "kernel/selftest/selftest.h"

#define SIGILL	4
#define SIGSEGV 11

static int run(const char *path, const char *arg, int *status)
{
	const char *const argv[] = {path, arg, NULL};
	const char *const envp[] = {"PATH=/bin", NULL};
	struct process *p;

	if (!root_ctx())
		return -ENOENT;
	p = proc_spawn(root_ctx(), path, argv, envp);
	if (IS_ERR(p))
		return (int)PTR_ERR(p);
	*status = proc_wait(p);
	return 0;
}

EXPLICIT_SELFTEST(user, hello_exits_zero)
{
	int status = -1, err = run("/bin/hello", "from-selftest", &status);

	ST_CHECK(err == 0, "spawn /bin/hello: %d", err);
	ST_CHECK(status == 0, "wait status 0x%x, want 0", status);
	return 0;
}

EXPLICIT_SELFTEST(user, faults_kill_only_the_process)
{
	static const struct {
		const char *arg;
		int sig;
	} cases[] = {
		{"null", SIGSEGV},
		{"kernel", SIGSEGV},
		{"priv", SIGSEGV}, /* #GP in user mode: Linux sends SIGSEGV */
		{"stack", SIGSEGV},
	};
	uint64_t before;
	int warm;

	/* One run first, so the heap's slabs for process structures exist
	 * before counting: what is measured is what dead processes leave. */
	run("/bin/fault", "null", &warm);
	before = kernel_pmm.free_frames;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int status = -1, err = run("/bin/fault", cases[i].arg, &status);
		ST_CHECK(err == 0, "spawn /bin/fault %s: %d", cases[i].arg, err);
		ST_CHECK((status & 0x7f) == cases[i].sig,
			 "fault %s: wait status 0x%x, want signal %d", cases[i].arg, status,
			 cases[i].sig);
	}
	/* Every frame of the dead processes came back. */
	ST_CHECK(kernel_pmm.free_frames + 4 >= before, "%lld frames lost",
		 (long long)(before - kernel_pmm.free_frames));
	return 0;
}

EXPLICIT_SELFTEST(user, bad_executables_refused)
{
	int status;

	ST_CHECK(run("/etc/passwd", NULL, &status) == -EACCES, "a non-executable file ran");
	ST_CHECK(run("/nonexistent", NULL, &status) == -ENOENT, "a missing file ran");
	ST_CHECK(run("/bin", NULL, &status) == -EACCES, "a directory ran");
	return 0;
}
