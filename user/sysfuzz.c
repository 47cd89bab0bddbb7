/*
 * sysfuzz: random system calls with random arguments for a bounded time,
 * to show no user program can crash the kernel (issue 4, "Tests").
 *
 *   sysfuzz [SECONDS [SEED]]     default 20 s, seed from the clock
 *
 * The first half runs as the caller (root under our init), the second as
 * uid 1000 (setuid in a child; skipped with a message when setuid is not
 * available). Calls run in disposable worker processes that are forked
 * again whenever one dies. Numbers are 0..460 plus some out of range;
 * arguments mix small integers, descriptors, pointers into a scratch
 * buffer, wild and kernel pointers, -1 and huge values.
 *
 * What it never does: reboot and the like (kexec, modules, swap, clock and
 * host name setting, mount, iopl/ioperm, ptrace); signals to anything but
 * the worker itself; paths outside its scratch directory /tmp/sysfuzz.PID
 * (names are relative, without ".."; after chdir-like calls the worker
 * returns there). Calls that could block for ever are tamed: descriptors
 * are made non-blocking before reads and writes, sleeps and poll timeouts
 * are short, waits get WNOHANG, futex only wakes. A fork-like call's child
 * exits at once, so there is no fork bomb.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_NR	     460
#define SCRATCH	     65536
#define FUZZ_UID     1000
#define REPORT_MAGIC 0x53595346555a5aL

static uint64_t rng;
static char *scratch; /* a mapping the pointers aim into */
static char *victim;  /* 8 pages that munmap, mprotect and friends aim at */
static char workdir[128];

static uint64_t rnd(void)
{
	/* xorshift64*: reproducible from the seed. */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Never called, whatever the arguments (see the header). */
static int forbidden(long nr)
{
	switch (nr) {
	case SYS_reboot:
	case SYS_kexec_load:
	case SYS_kexec_file_load:
	case SYS_init_module:
	case SYS_finit_module:
	case SYS_delete_module:
	case SYS_swapon:
	case SYS_swapoff:
	case SYS_acct:
	case SYS_settimeofday:
	case SYS_clock_settime:
	case SYS_adjtimex:
	case SYS_clock_adjtime:
	case SYS_sethostname:
	case SYS_setdomainname:
	case SYS_mount:
	case SYS_umount2:
	case SYS_pivot_root:
	case SYS_iopl:
	case SYS_ioperm:
	case SYS_ptrace:
	case SYS_pause:
	case SYS_rt_sigsuspend:
	case SYS_vhangup:
	case SYS_syslog:
	case SYS_quotactl:
	case SYS_perf_event_open:
	case SYS_bpf:
	case SYS_userfaultfd:
	case SYS_process_vm_writev:
	case SYS_kcmp:
	case SYS_pidfd_send_signal:
	case SYS_move_mount:
	case SYS_fsopen:
	case SYS_fsconfig:
	case SYS_fsmount:
	case SYS_fspick:
	case SYS_open_tree:
	case SYS_mount_setattr:
		return 1;
	default:
		return 0;
	}
}

static const char *const names[] = {
	"a", "b", "d", "d/x", "e/f", ".", "", "fifo", "sock", "lnk", "/nonexistent/x",
};

static long rand_arg(void)
{
	switch (rnd() % 14) {
	case 0:
		return (long)(rnd() % 64);
	case 1:
		return (long)(rnd() % 16); /* a descriptor */
	case 2:
	case 3:
		return (long)(scratch + rnd() % (SCRATCH - 256));
	case 4:
		return (long)names[rnd() % (sizeof(names) / sizeof(names[0]))];
	case 5:
		return 1; /* a wild pointer */
	case 6:
		return (long)(rnd() & 0x7ffffffff000ull); /* somewhere in user space */
	case 7:
		return (long)0xffff800000000000ull + (long)(rnd() % 0x100000);
	case 8:
		return (long)0xffffffff80000000ull + (long)(rnd() % 0x1000000);
	case 9:
		return -1;
	case 10:
		return (long)0x7fffffffffffffffull;
	case 11:
		return (long)(rnd() | 0x8000000000000000ull);
	case 12:
		return (long)(1ull << (rnd() % 64));
	default:
		return (long)rnd();
	}
}

static void nonblock(long fd)
{
	if (fd >= 0 && fd < 1024)
		fcntl((int)fd, F_SETFL, O_NONBLOCK);
}

/* Make the arguments of calls that could block for ever harmless. */
static void tame(long nr, long a[6])
{
	static struct timespec short_ts = {0, 1000000};
	switch (nr) {
	case SYS_read:
	case SYS_write:
	case SYS_readv:
	case SYS_writev:
	case SYS_pread64:
	case SYS_pwrite64:
	case SYS_preadv:
	case SYS_pwritev:
	case SYS_recvfrom:
	case SYS_recvmsg:
	case SYS_sendto:
	case SYS_sendmsg:
	case SYS_accept:
	case SYS_accept4:
	case SYS_connect:
	case SYS_getdents64:
	case SYS_flock:
	case SYS_ioctl:
		nonblock(a[0]);
		if (nr == SYS_flock)
			a[1] |= 4; /* LOCK_NB */
		break;
	case SYS_sendfile:
	case SYS_splice:
	case SYS_tee:
	case SYS_copy_file_range:
		nonblock(a[0]);
		nonblock(a[1]);
		nonblock(a[2]);
		break;
	case SYS_fcntl:
		if (a[1] == F_SETLKW)
			a[1] = F_SETLK;
		break;
	case SYS_open:
	case SYS_openat:
	case SYS_creat:
		a[nr == SYS_openat ? 2 : 1] |= O_NONBLOCK; /* a FIFO would block */
		break;
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
		a[0] = 1; /* CLOCK_MONOTONIC for clock_nanosleep; short sleep below */
		a[nr == SYS_nanosleep ? 0 : 2] = (long)&short_ts;
		if (nr == SYS_clock_nanosleep)
			a[1] = 0;
		break;
	case SYS_poll:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		a[2] = 0;
		if (nr != SYS_poll)
			a[3] = 0;
		break;
	case SYS_ppoll:
	case SYS_pselect6:
	case SYS_rt_sigtimedwait:
	case SYS_io_getevents:
		a[nr == SYS_ppoll	   ? 2
		  : nr == SYS_pselect6	   ? 4
		  : nr == SYS_io_getevents ? 4
					   : 2] = (long)&short_ts;
		memset(&short_ts, 0, sizeof(short_ts));
		short_ts.tv_nsec = 1000000;
		break;
	case SYS_select:
		a[4] = (long)(scratch + SCRATCH - 64);
		memset(scratch + SCRATCH - 64, 0, 16);
		break;
	case SYS_wait4:
	case SYS_waitid:
		a[nr == SYS_wait4 ? 2 : 3] |= WNOHANG;
		break;
	case SYS_futex:
		a[1] = 1; /* FUTEX_WAKE */
		break;
	case SYS_kill:
	case SYS_tkill:
	case SYS_rt_sigqueueinfo:
		a[0] = getpid();
		break;
	case SYS_tgkill:
	case SYS_rt_tgsigqueueinfo:
		a[0] = getpid();
		a[1] = getpid();
		break;
	case SYS_rt_sigaction:
		/* A random handler address would only crash the worker. */
		if (a[1] > 4096 && (char *)a[1] >= scratch && (char *)a[1] < scratch + SCRATCH)
			*(long *)a[1] = (long)(rnd() % 2); /* SIG_DFL or SIG_IGN */
		break;
	case SYS_munmap:
	case SYS_mprotect:
	case SYS_mremap:
	case SYS_madvise:
	case SYS_mlock:
	case SYS_munlock:
	case SYS_msync:
		/* Keep the worker's own code and stack: aim at the scratch area. */
		a[0] = (long)(victim + (rnd() % 8) * 4096);
		a[1] = (long)((rnd() % 4) * 4096);
		break;
	case SYS_brk:
		break;
	case SYS_setpgid:
		a[0] = 0;
		break;
	case SYS_prlimit64:
		a[0] = 0;
		break;
	case SYS_exit:
	case SYS_exit_group:
		/* Fine, the worker is disposable, but let it live a while. */
		if (rnd() % 8)
			a[0] = -1; /* the caller skips the call */
		break;
	}
}

static long call(long nr, long a[6])
{
	return syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int is_forklike(long nr)
{
	return nr == SYS_fork || nr == SYS_vfork || nr == SYS_clone || nr == SYS_clone3;
}

static void worker(long deadline, int report_fd)
{
	long calls = 0;
	int null = open("/dev/null", O_RDWR);

	setpgid(0, 0);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
	}
	for (int fd = 3; fd < 64; fd++)
		if (fd != report_fd)
			close(fd);
	while (now_ms() < deadline) {
		long nr, a[6], r;
		if (rnd() % 20 == 0) {
			static const long odd[] = {-1,	       461,	 500,	  547,	     1000,
						   0x40000000, 1L << 31, -100000, 0x7fffffff};
			nr = odd[rnd() % (sizeof(odd) / sizeof(odd[0]))];
		} else {
			nr = (long)(rnd() % (MAX_NR + 1));
		}
		if (forbidden(nr))
			continue;
		for (int i = 0; i < 6; i++)
			a[i] = rand_arg();
		/* Refill part of the scratch buffer: new strings and numbers. */
		if (rnd() % 16 == 0) {
			size_t off = rnd() % (SCRATCH - 64);
			if (rnd() % 2)
				strcpy(scratch + off,
				       names[rnd() % (sizeof(names) / sizeof(names[0]))]);
			else
				for (int i = 0; i < 8; i++)
					((uint64_t *)(scratch + (off & ~7ul)))[i] = rnd();
		}
		tame(nr, a);
		if ((nr == SYS_exit || nr == SYS_exit_group) && a[0] == -1)
			continue;
		if (nr == SYS_execve || nr == SYS_execveat) {
			/* Only our scratch names, so nothing real is run. */
			a[nr == SYS_execve ? 0 : 1] = (long)names[rnd() % 5];
		}
		r = call(nr, a);
		calls++;
		if (is_forklike(nr) && r == 0)
			syscall(SYS_exit_group, 0); /* the child of a fork-like call */
		if (nr == SYS_chdir || nr == SYS_fchdir || nr == SYS_chroot)
			chdir(workdir);
	}
	{
		/* Random calls may have written to report_fd too: the reader
		 * takes only the last record that carries the magic. */
		long rec[2] = {REPORT_MAGIC, calls};
		if (write(report_fd, rec, sizeof(rec)) < 0)
			_exit(3);
	}
	_exit(0);
}

struct stats {
	long calls, workers, died, stuck;
};

/* Run workers until deadline, one at a time, replacing each that dies. */
static void run_phase(const char *who, long deadline, int uid, struct stats *st)
{
	while (now_ms() < deadline) {
		int p[2], status = 0;
		long wait_until = deadline + 1000, rec[2];
		pid_t pid, r = 0;

		if (pipe(p) < 0) {
			usleep(100000);
			continue;
		}
		rng += 0x9e3779b97f4a7c15ull; /* each worker a new stream */
		pid = fork();
		if (pid < 0) {
			close(p[0]);
			close(p[1]);
			usleep(100000);
			continue;
		}
		if (pid == 0) {
			close(p[0]);
			if (uid >= 0) {
				gid_t g = FUZZ_UID;
				setgroups(1, &g);
				setgid(FUZZ_UID);
				if (setuid((uid_t)uid) < 0)
					_exit(4);
			}
			worker(deadline, p[1]);
		}
		close(p[1]);
		st->workers++;
		while ((r = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < wait_until)
			usleep(20000);
		if (r == 0) {
			/* Stuck in a call the taming missed: kill it, and move on
			 * even if that does not work. */
			kill(pid, SIGKILL);
			usleep(100000);
			waitpid(pid, &status, WNOHANG);
			st->stuck++;
		} else if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) != 0)) {
			st->died++;
		}
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		while (read(p[0], rec, sizeof(rec)) == (ssize_t)sizeof(rec))
			if (rec[0] == REPORT_MAGIC && rec[1] >= 0)
				st->calls += rec[1];
		close(p[0]);
	}
	printf("sysfuzz: %s: %ld workers, %ld died early or were killed, %ld stuck, %ld calls "
	       "counted from workers that finished\n",
	       who, st->workers, st->died, st->stuck, st->calls);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	long seconds = argc > 1 ? atol(argv[1]) : 20, start, half;
	uint64_t seed =
		argc > 2 ? strtoull(argv[2], NULL, 0) : (uint64_t)time(NULL) ^ (uint64_t)getpid();
	struct stats root = {0}, user = {0};
	int status;
	pid_t probe;

	if (seconds <= 0)
		seconds = 20;
	rng = seed ? seed : 1;
	printf("sysfuzz: seed %llu, %ld s, uid %d\n", (unsigned long long)seed, seconds,
	       (int)getuid());
	fflush(stdout);
	signal(SIGPIPE, SIG_IGN);
	snprintf(workdir, sizeof(workdir), "/tmp/sysfuzz.%d", (int)getpid());
	if (mkdir(workdir, 01777) < 0 || chmod(workdir, 01777) < 0 || chdir(workdir) < 0) {
		printf("sysfuzz: cannot make %s (errno %d)\n", workdir, errno);
		return 1;
	}
	mkdir("d", 0777);
	mkdir("e", 0777);
	close(open("a", O_CREAT | O_WRONLY, 0666));
	symlink("a", "lnk");
	scratch = mmap(NULL, SCRATCH, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	victim = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (scratch == MAP_FAILED || victim == MAP_FAILED) {
		printf("sysfuzz: no scratch memory\n");
		return 1;
	}
	for (size_t i = 0; i < SCRATCH / 8; i++)
		((uint64_t *)scratch)[i] = rnd();

	start = now_ms();
	half = seconds * 1000 / 2;
	/* Can this kernel make an ordinary user? */
	probe = fork();
	if (probe == 0)
		_exit(setuid(FUZZ_UID) == 0 ? 0 : (errno & 0x7f));
	waitpid(probe, &status, 0);
	if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		printf("sysfuzz: setuid(%d) is not available (errno %d): skipping the non-root "
		       "half, running as root throughout\n",
		       FUZZ_UID, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		half = seconds * 1000;
	}
	{
		char who[32];
		snprintf(who, sizeof(who), "uid %d", (int)getuid());
		run_phase(who, start + half, -1, &root);
	}
	if (half < seconds * 1000)
		run_phase("uid 1000", start + seconds * 1000, FUZZ_UID, &user);
	printf("sysfuzz: done in %ld ms, seed %llu\n", now_ms() - start, (unsigned long long)seed);
	return 0;
}
