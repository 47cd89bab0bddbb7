/*
 * conform: the user-space conformance suite of issue 4 ("Tests"). One static
 * binary, /bin/conform, built from the .c files of user/conform; the same binary runs on
 * a Linux host and on our kernel, and Linux's answers are the reference.
 *
 * Output is TAP-like, one line per case, written with one write(2) so lines
 * from forked children never interleave:
 *   ok N group/name
 *   ok N group/name # SKIP reason
 *   not ok N group/name: expected X got Y (errno E)
 * and a last line "conform: P passed, F failed, S skipped".
 *
 * Cases run inside a forked child per group (main.c); the child reports its
 * counters to the parent through a pipe after every case, so a group that
 * crashes still leaves an honest count.
 */
#ifndef CONFORM_H
#define CONFORM_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Pointers every EFAULT case uses: a wild user pointer and the first
 * kernel-half address of x86_64's 4-level layout. */
#define BADP  ((void *)1)
#define KADDR ((void *)0xffff800000000000ul)

/* The uid used for the non-root cases (the image's "user"). */
#define TEST_UID 1000
#define TEST_GID 1000

void t_pass(const char *name);
void t_fail(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void t_skip(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void t_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
const char *t_errname(int e);

/* The call must succeed (return >= 0). */
#define T_OK(name, call)                                                                        \
	do {                                                                                    \
		errno = 0;                                                                      \
		long r_ = (long)(call);                                                         \
		int e_ = errno;                                                                 \
		if (r_ >= 0)                                                                    \
			t_pass(name);                                                           \
		else                                                                            \
			t_fail(name, "expected success got %ld (errno %s)", r_, t_errname(e_)); \
	} while (0)

/* The call must fail with -1 and errno E. */
#define T_ERR(name, call, E)                                                                  \
	do {                                                                                  \
		errno = 0;                                                                    \
		long r_ = (long)(call);                                                       \
		int e_ = errno;                                                               \
		if (r_ == -1 && e_ == (E))                                                    \
			t_pass(name);                                                         \
		else                                                                          \
			t_fail(name, "expected -1 (%s) got %ld (errno %s)", t_errname(E), r_, \
			       r_ == -1 ? t_errname(e_) : "none");                            \
	} while (0)

/* Two integer values must be equal. */
#define T_EQ(name, got, want)                                                                     \
	do {                                                                                      \
		int e_ = errno;                                                                   \
		long long g_ = (long long)(got), w_ = (long long)(want);                          \
		if (g_ == w_)                                                                     \
			t_pass(name);                                                             \
		else                                                                              \
			t_fail(name, "expected %lld got %lld (errno %s)", w_, g_, t_errname(e_)); \
	} while (0)

/* A condition, with what was seen when it is false. */
#define T_TRUE(name, cond, ...)                    \
	do {                                       \
		if (cond)                          \
			t_pass(name);              \
		else                               \
			t_fail(name, __VA_ARGS__); \
	} while (0)

/*
 * Run fn(arg) in a forked child and return its wait status. With uid >= 0
 * the child first drops to that uid and gid (setgroups, setgid, setuid);
 * when it cannot, the child exits with CHILD_NOSETUID.
 */
#define CHILD_NOSETUID 201
int t_child(int (*fn)(void *), void *arg, int uid);

/*
 * Run fn(arg) as the non-root TEST_UID in a child; fn returns the errno its
 * call failed with (0 for success). The case passes when that is `want`;
 * it is skipped, with the reason, when the child cannot drop to TEST_UID.
 */
void t_as_user(const char *name, int (*fn)(void *), void *arg, int want);

/*
 * Run one case in a forked child with a deadline: fn fills msg (at most
 * T_MSG bytes) and returns 0 for a pass, 1 for a failure, 2 for a skip. A
 * child that hangs past timeout_ms is killed (SIGKILL) and the case fails,
 * so a missing kernel feature cannot stop the rest of the group.
 */
#define T_MSG 256
void t_run(const char *name, int (*fn)(char *msg), int timeout_ms);

/* Inside a t_run body: fail the case with a message unless cond holds. */
#define REQUIRE(cond, ...)                                 \
	do {                                               \
		if (!(cond)) {                             \
			snprintf(msg, T_MSG, __VA_ARGS__); \
			return 1;                          \
		}                                          \
	} while (0)

/*
 * For children that wait to be signalled: pause() until a signal ends the
 * process, but exit(99) after max_s seconds whatever happens, and sleep
 * instead of spinning when pause is ENOSYS, so a kernel without signals
 * is not left with processes that spin or live for ever.
 */
__attribute__((noreturn)) void t_idle(int max_s);

/* The child's end of a wait status, as words: "exit 3", "signal 11". */
const char *t_status(int status);

/* A scratch directory made fresh for the group: /tmp/conform.PID.GROUP. */
const char *t_scratch(void);
/* A path inside the scratch directory (a fresh copy per call). */
const char *t_path(const char *leaf);

/* The path of this binary, for cases that exec it again. */
extern const char *t_self;

/* The groups; each lives in its own file. */
void group_files(void);
void group_fs(void);
void group_proc(void);
void group_creds(void);
void group_storm(void);
void group_signals(void);
void group_mem(void);
void group_pipes(void);
void group_threads(void);
void group_faults(void);
void group_time(void);
void group_system(void);
void group_unix(void);
void group_tty(void);

#endif
