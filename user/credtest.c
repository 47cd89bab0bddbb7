/*
 * credtest: checks the credential rules and the simple system calls of
 * issue 4 from user space (tests/integration/test_sys.py runs it as
 * init=/bin/credtest). As root it drops to uid 1000 and back through the
 * saved set-user-ID, sets supplementary groups, checks EACCES as an
 * unprivileged user and that a set-user-ID-root copy of itself gains
 * euid 0. As any user it checks the EPERM cases, clocks, sleeps, sysinfo,
 * alarm/getitimer, statx and reboot(2)'s EPERM. Run as a normal user on
 * Linux, the root-only parts are skipped and the rest must pass too.
 *
 * Prints "credtest: ok <what>" per check, "credtest: FAIL ..." on a
 * failure, and "credtest: all ok" (exit 0) or "credtest: N failed" (1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/reboot.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define USER_UID  1000
#define USER_GID  1000
#define SUID_COPY "/tmp/credtest-suid"
#define SECRET	  "/tmp/credtest-secret"

/* struct statx (linux/stat.h): musl 1.2.3 has no statx() of its own. */
struct statx_buf {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct {
		int64_t sec;
		uint32_t nsec;
		int32_t reserved;
	} atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t spare[14];
};
#define STATX_BASIC 0x7ffu

static int failures;

#define CHECK(cond, ...)                                                  \
	do {                                                              \
		if (cond) {                                               \
			printf("credtest: ok " __VA_ARGS__);              \
		} else {                                                  \
			printf("credtest: FAIL line %d: ", __LINE__);     \
			printf(__VA_ARGS__);                              \
			printf(" (errno %d %s)", errno, strerror(errno)); \
			failures++;                                       \
		}                                                         \
		printf("\n");                                             \
		fflush(stdout);                                           \
	} while (0)

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static void ids(uid_t *r, uid_t *e, uid_t *s)
{
	getresuid(r, e, s);
}

/* Run fn in a child and return its exit status (0: its checks passed). */
static int in_child(int (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		failures = 0;
		_exit(fn());
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- as root ---------------------------------------------------------------- */

static int drop_and_return(void)
{
	uid_t r, e, s;

	CHECK(setresuid(USER_UID, USER_UID, -1) == 0, "setresuid(1000, 1000, -1) as root");
	ids(&r, &e, &s);
	CHECK(r == USER_UID && e == USER_UID && s == 0, "ids now 1000/1000/0 (got %u/%u/%u)", r, e,
	      s);
	CHECK(setuid(4242) < 0 && errno == EPERM, "setuid(4242) unprivileged is EPERM");
	CHECK(setresuid(-1, 4242, -1) < 0 && errno == EPERM, "setresuid to a foreign id is EPERM");
	CHECK(setgroups(0, NULL) < 0 && errno == EPERM, "setgroups unprivileged is EPERM");
	CHECK(reboot(RB_POWER_OFF) < 0 && errno == EPERM, "reboot unprivileged is EPERM");
	CHECK(sethostname("x", 1) < 0 && errno == EPERM, "sethostname unprivileged is EPERM");
	CHECK(open(SECRET, O_RDONLY) < 0 && errno == EACCES, "0600 root file is EACCES for 1000");
	CHECK(setresuid(-1, 0, -1) == 0, "back to euid 0 through the saved uid");
	CHECK(geteuid() == 0 && getuid() == USER_UID, "euid 0, ruid 1000");
	int fd = open(SECRET, O_RDONLY);
	CHECK(fd >= 0, "0600 root file readable again with euid 0");
	close(fd);
	CHECK(setuid(USER_UID) == 0, "setuid(1000) with euid 0 sets all three");
	ids(&r, &e, &s);
	CHECK(r == USER_UID && e == USER_UID && s == USER_UID, "ids 1000/1000/1000 (got %u/%u/%u)",
	      r, e, s);
	CHECK(setresuid(-1, 0, -1) < 0 && errno == EPERM, "no way back after setuid");
	return failures ? 1 : 0;
}

static int groups_and_files(void)
{
	gid_t want[] = {10, USER_GID}, got[8];
	int n;

	CHECK(setgroups(2, want) == 0, "setgroups({10, 1000}) as root");
	n = getgroups(0, NULL);
	CHECK(n == 2, "getgroups(0) counts 2 (got %d)", n);
	CHECK(getgroups(1, got) < 0 && errno == EINVAL, "getgroups with a short list is EINVAL");
	n = getgroups(8, got);
	CHECK(n == 2 && ((got[0] == 10 && got[1] == USER_GID) ||
			 (got[1] == 10 && got[0] == USER_GID)),
	      "getgroups returns the list");
	CHECK(setresgid(USER_GID, USER_GID, USER_GID) == 0, "setresgid(1000) as root");
	CHECK(setresuid(USER_UID, USER_UID, USER_UID) == 0, "setresuid(1000) as root");
	/* /tmp/credtest-group is 0640 root:10: readable through group 10. */
	int fd = open("/tmp/credtest-group", O_RDONLY);
	CHECK(fd >= 0, "a 0640 root:10 file is readable with supplementary group 10");
	close(fd);
	CHECK(open("/tmp/credtest-group", O_WRONLY) < 0 && errno == EACCES,
	      "but not writable (EACCES)");
	CHECK(setgid(0) < 0 && errno == EPERM, "setgid(0) unprivileged is EPERM");
	CHECK(setfsuid(0) == USER_UID && setfsuid(-1) == USER_UID,
	      "setfsuid(0) refused, returns the old fsuid");
	return failures ? 1 : 0;
}

static int exec_suid_copy(void)
{
	char *argv[] = {"credtest-suid", "--report-suid", NULL};

	if (setresgid(USER_GID, USER_GID, USER_GID) || setgroups(0, NULL) ||
	    setresuid(USER_UID, USER_UID, USER_UID))
		return 2;
	execv(SUID_COPY, argv);
	return 3;
}

static int exec_plain_copy(void)
{
	char *argv[] = {"credtest-suid", "--report-suid", NULL};

	if (setresuid(USER_UID, USER_UID, USER_UID))
		return 2;
	chmod(SUID_COPY, 0755); /* fails: not the owner */
	execv(SUID_COPY, argv);
	return 3;
}

/* Under the set-user-ID copy: exit 0 when euid is 0, ruid 1000, saved 0. */
static int report_suid(void)
{
	uid_t r, e, s;

	ids(&r, &e, &s);
	printf("credtest: set-user-ID copy runs with %u/%u/%u, AT_SECURE %lu\n", r, e, s,
	       getauxval(AT_SECURE));
	fflush(stdout);
	return r == USER_UID && e == 0 && s == 0 && getauxval(AT_SECURE) == 1 ? 0 : 1;
}

static int copy_file(const char *from, const char *to, mode_t mode)
{
	char buf[8192];
	int in = open(from, O_RDONLY), out;
	ssize_t n;

	if (in < 0)
		return -1;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0700);
	if (out < 0) {
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	close(in);
	close(out);
	return n < 0 ? -1 : chmod(to, mode);
}

static void root_checks(const char *self)
{
	int fd;

	printf("credtest: running the root checks\n");
	fd = open(SECRET, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0 && write(fd, "secret\n", 7) == 7, "root creates a 0600 file");
	close(fd);
	fd = open("/tmp/credtest-group", O_WRONLY | O_CREAT | O_TRUNC, 0640);
	CHECK(fd >= 0 && fchown(fd, 0, 10) == 0, "root creates a 0640 root:10 file");
	close(fd);
	CHECK(in_child(drop_and_return) == 0, "drop to 1000 and back via the saved uid");
	CHECK(in_child(groups_and_files) == 0, "supplementary groups decide file access");

	CHECK(copy_file(self, SUID_COPY, 04755) == 0, "chmod 4755 on a root-owned copy");
	struct stat st;
	CHECK(stat(SUID_COPY, &st) == 0 && (st.st_mode & 07777) == 04755,
	      "the copy has mode 4755 (got %o)", st.st_mode & 07777);
	CHECK(in_child(exec_suid_copy) == 0, "uid 1000 gains euid 0 by exec of the 4755 copy");
	CHECK(chmod(SUID_COPY, 0755) == 0, "chmod 0755 drops the bit");
	CHECK(in_child(exec_plain_copy) == 1, "without the bit the copy runs as 1000");

	char name[] = "credtest-host", saved[65];
	struct utsname u;
	uname(&u);
	snprintf(saved, sizeof(saved), "%s", u.nodename); /* put back afterwards */
	CHECK(sethostname(name, strlen(name)) == 0 && uname(&u) == 0 &&
		      strcmp(u.nodename, name) == 0,
	      "sethostname as root shows in uname (%s)", u.nodename);
	CHECK(sethostname(name, 65) < 0 && errno == EINVAL, "sethostname longer than 64 is EINVAL");
	CHECK(sethostname(saved, strlen(saved)) == 0, "hostname restored to %s", saved);
	CHECK(syscall(SYS_reboot, 0xfee1dead, 1, RB_POWER_OFF, 0) < 0 && errno == EINVAL,
	      "reboot with a bad magic is EINVAL");
	CHECK(setpriority(PRIO_PROCESS, 0, -5) == 0 && getpriority(PRIO_PROCESS, 0) == -5,
	      "root may raise its priority to nice -5");
	CHECK(setpriority(PRIO_PROCESS, 0, 0) == 0, "and back to 0");
	unlink(SECRET);
	unlink("/tmp/credtest-group");
	unlink(SUID_COPY);
}

/* ---- as anyone ------------------------------------------------------------- */

static void clock_checks(void)
{
	struct timespec res, ts, rem;
	struct timeval tv;
	long long t0, dt;
	time_t now;

	CHECK(clock_getres(CLOCK_MONOTONIC, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0 &&
		      res.tv_nsec <= 10000000,
	      "clock_getres(MONOTONIC) = %ld ns", res.tv_nsec);
	CHECK(clock_getres(1234, &res) < 0 && errno == EINVAL, "clock_getres(bad clock) is EINVAL");
	CHECK(gettimeofday(&tv, NULL) == 0 && tv.tv_sec > 1600000000 && tv.tv_usec < 1000000,
	      "gettimeofday is after 2020 (%lld)", (long long)tv.tv_sec);
	now = time(NULL);
	CHECK(now >= tv.tv_sec && now <= tv.tv_sec + 2, "time() agrees with gettimeofday");
	now = 0;
	CHECK(syscall(SYS_time, &now) > 0 && now >= tv.tv_sec, "time(&t) stores the time");

	ts.tv_sec = 0;
	ts.tv_nsec = 50000000;
	t0 = mono_ns();
	CHECK(nanosleep(&ts, &rem) == 0, "nanosleep 50 ms");
	dt = mono_ns() - t0;
	CHECK(dt >= 50000000 && dt < 1000000000, "nanosleep slept %lld us (>= 50 ms)", dt / 1000);
	ts.tv_nsec = 1000000000;
	CHECK(nanosleep(&ts, NULL) < 0 && errno == EINVAL, "nanosleep with nsec 1e9 is EINVAL");

	ts.tv_sec = 0;
	ts.tv_nsec = 30000000;
	t0 = mono_ns();
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL) == 0, "clock_nanosleep 30 ms");
	dt = mono_ns() - t0;
	CHECK(dt >= 30000000 && dt < 1000000000, "relative sleep took %lld us", dt / 1000);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += 40000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == 0,
	      "clock_nanosleep TIMER_ABSTIME");
	long long target = (long long)ts.tv_sec * 1000000000ll + ts.tv_nsec;
	CHECK(mono_ns() >= target, "absolute sleep reached its deadline");
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec -= 10;
	CHECK(clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == 0,
	      "an absolute REALTIME deadline in the past returns at once");
	CHECK(clock_nanosleep(1234, 0, &ts, NULL) == EINVAL,
	      "clock_nanosleep(bad clock) is EINVAL");
}

static void misc_checks(void)
{
	struct sysinfo si;
	struct itimerval it, old;
	struct tms tms;
	struct rusage ru;
	cpu_set_t set;
	unsigned cpu = 99;
	struct statx_buf sx;
	struct stat st;

	CHECK(sysinfo(&si) == 0, "sysinfo");
	CHECK(si.uptime > 0 && si.mem_unit >= 1 && si.totalram > 0 && si.freeram > 0 &&
		      si.freeram <= si.totalram && si.procs >= 1,
	      "sysinfo: uptime %ld s, totalram %lu, freeram %lu, procs %u, mem_unit %u", si.uptime,
	      si.totalram, si.freeram, si.procs, si.mem_unit);

	CHECK(alarm(100) == 0, "alarm(100) with none pending returns 0");
	unsigned left = alarm(0);
	CHECK(left >= 99 && left <= 100, "alarm(0) returns the seconds left (%u)", left);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = 50;
	it.it_interval.tv_usec = 250000;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer(ITIMER_REAL, 50 s)");
	CHECK(getitimer(ITIMER_REAL, &old) == 0 && old.it_value.tv_sec >= 48 &&
		      old.it_value.tv_sec <= 50 && old.it_interval.tv_usec == 250000,
	      "getitimer reads it back (%ld s, interval %ld us)", (long)old.it_value.tv_sec,
	      (long)old.it_interval.tv_usec);
	memset(&it, 0, sizeof(it));
	CHECK(setitimer(ITIMER_REAL, &it, &old) == 0 && old.it_value.tv_sec >= 48,
	      "disarming returns the old value");
	CHECK(getitimer(ITIMER_REAL, &old) == 0 && old.it_value.tv_sec == 0 &&
		      old.it_value.tv_usec == 0,
	      "and it is disarmed");
	it.it_value.tv_usec = 1000000;
	CHECK(setitimer(ITIMER_REAL, &it, NULL) < 0 && errno == EINVAL,
	      "setitimer with usec 1e6 is EINVAL");

	CHECK(times(&tms) != (clock_t)-1, "times");
	CHECK(getrusage(RUSAGE_SELF, &ru) == 0 && getrusage(RUSAGE_CHILDREN, &ru) == 0,
	      "getrusage self and children");
	CHECK(getrusage(7, &ru) < 0 && errno == EINVAL, "getrusage(7) is EINVAL");

	CPU_ZERO(&set);
	CHECK(sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_ISSET(0, &set),
	      "sched_getaffinity includes CPU 0 (%d CPUs)", CPU_COUNT(&set));
	CHECK(sched_yield() == 0, "sched_yield");
	CHECK(syscall(SYS_getcpu, &cpu, NULL, NULL) == 0 && cpu < 1024, "getcpu (%u)", cpu);
	int prio = getpriority(PRIO_PROCESS, 0);
	CHECK(setpriority(PRIO_PROCESS, 0, prio + 1) == 0 &&
		      getpriority(PRIO_PROCESS, 0) == prio + 1,
	      "nice +1 (now %d)", prio + 1);
	if (geteuid() != 0)
		CHECK(setpriority(PRIO_PROCESS, 0, prio) < 0 && errno == EACCES,
		      "lowering nice unprivileged is EACCES");

	CHECK(syscall(SYS_statx, AT_FDCWD, "/", 0, STATX_BASIC, &sx) == 0 && stat("/", &st) == 0 &&
		      (sx.mask & STATX_BASIC) == STATX_BASIC && S_ISDIR(sx.mode) &&
		      sx.ino == st.st_ino && sx.nlink == st.st_nlink &&
		      sx.size == (uint64_t)st.st_size,
	      "statx(/) matches stat (ino %llu)", (unsigned long long)sx.ino);
	CHECK(syscall(SYS_statx, AT_FDCWD, "/nonexistent", 0, STATX_BASIC, &sx) < 0 &&
		      errno == ENOENT,
	      "statx of a missing path is ENOENT");
	int fd = open("/", O_RDONLY);
	CHECK(syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC, &sx) == 0 &&
		      sx.ino == st.st_ino,
	      "statx(fd, \"\", AT_EMPTY_PATH)");
	close(fd);
	CHECK(syncfs(1) == 0 || errno == EBADF, "syncfs");

	if (geteuid() != 0) {
		CHECK(reboot(RB_POWER_OFF) < 0 && errno == EPERM, "reboot as non-root is EPERM");
		CHECK(setuid(0) < 0 && errno == EPERM, "setuid(0) as non-root is EPERM");
		CHECK(setgroups(0, NULL) < 0 && errno == EPERM, "setgroups as non-root is EPERM");
	}
	CHECK(setuid(-1) < 0 && errno == EINVAL, "setuid(-1) is EINVAL");
	CHECK(setresuid(-1, -1, -1) == 0, "setresuid(-1, -1, -1) changes nothing");
	CHECK(syscall(SYS_getresuid, (void *)8, (void *)8, (void *)8) < 0 && errno == EFAULT,
	      "getresuid with a bad pointer is EFAULT");
	CHECK(syscall(SYS_setgroups, 1, (void *)8) < 0 && (errno == EFAULT || errno == EPERM),
	      "setgroups with a bad pointer fails");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--report-suid") == 0)
		return report_suid();
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("credtest: pid %d uid %u euid %u\n", getpid(), getuid(), geteuid());
	clock_checks();
	misc_checks();
	if (geteuid() == 0)
		root_checks(argc > 0 && argv[0][0] == '/' ? argv[0] : "/bin/credtest");
	else
		printf("credtest: not root, root checks skipped\n");
	if (failures) {
		printf("credtest: %d failed\n", failures);
		return 1;
	}
	printf("credtest: all ok\n");
	return 0;
}
