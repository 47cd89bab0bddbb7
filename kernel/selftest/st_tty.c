/*
 * tty self-tests (selftest=tty): a private struct tty whose output path is
 * a capture buffer, driven through tty_fops as a process would drive it
 * and fed through tty_receive as if typed. Covers canonical lines with
 * echo and erase, raw reads with VMIN/VTIME, O_NONBLOCK, a blocked reader
 * woken by input, ^S/^Q around writes, the window-size, process-group and
 * FIONREAD ioctls, and that the console device nodes are served by a tty.
 * Expected bytes follow Linux N_TTY with the default termios.
 */
#include <ksvc.h>
#include "fs/stat.h"
#include "kernel/arch/arch.h"
#include "kernel/selftest/selftest.h"
#include "kernel/tty/tty.h"

struct capture {
	char buf[512];
	size_t n;
};

static struct tty st_tty;
static struct capture st_cap;

static size_t capture_write(struct tty *t, const uint8_t *buf, size_t n)
{
	struct capture *c = t->drv;

	for (size_t i = 0; i < n && c->n < sizeof(c->buf) - 1; i++)
		c->buf[c->n++] = (char)buf[i];
	c->buf[c->n] = '\0';
	return n;
}

static const struct tty_driver capture_driver = {.write = capture_write};

/* A fresh tty and a file open on it with `flags`. */
static void setup(struct file *f, unsigned flags)
{
	memset(&st_cap, 0, sizeof(st_cap));
	tty_init(&st_tty, "st_tty", &capture_driver, &st_cap);
	memset(f, 0, sizeof(*f));
	f->ops = &tty_fops;
	f->priv = &st_tty;
	f->flags = flags;
}

static void type(const char *s)
{
	tty_receive(&st_tty, (const uint8_t *)s, strlen(s));
}

static int set_raw(unsigned vmin, unsigned vtime)
{
	struct termios tio;
	int err = tty_ioctl_kernel(&st_tty, TCGETS, &tio, 0);

	if (err)
		return err;
	tio.c_lflag &= ~(ICANON | ECHO);
	tio.c_cc[VMIN] = (uint8_t)vmin;
	tio.c_cc[VTIME] = (uint8_t)vtime;
	return tty_ioctl_kernel(&st_tty, TCSETS, &tio, 0);
}

EXPLICIT_SELFTEST(tty, canonical_line_with_echo)
{
	struct file f;
	char buf[64];
	int avail = -1;
	long r;

	setup(&f, O_RDWR);
	type("hello\r");
	ST_CHECK(tty_ioctl_kernel(&st_tty, FIONREAD, &avail, 0) == 0 && avail == 6,
		 "FIONREAD %d after a 6-byte line, want 6", avail);
	r = tty_fops.read(&f, buf, sizeof(buf), 0);
	ST_CHECK(r == 6 && memcmp(buf, "hello\n", 6) == 0, "read %ld bytes, want \"hello\\n\"", r);
	/* ICRNL made the CR a NL; its echo goes out as CR NL (ONLCR). */
	ST_CHECK(strcmp(st_cap.buf, "hello\r\n") == 0, "echo was \"%s\" (%zu bytes)", st_cap.buf,
		 st_cap.n);
	tty_ioctl_kernel(&st_tty, FIONREAD, &avail, 0);
	ST_CHECK(avail == 0, "FIONREAD %d after the read", avail);
	return 0;
}

EXPLICIT_SELFTEST(tty, erase_and_partial_reads)
{
	struct file f;
	char buf[8];
	long r;

	setup(&f, O_RDWR);
	type("abx\x7f"
	     "cd\r");
	r = tty_fops.read(&f, buf, 2, 0);
	ST_CHECK(r == 2 && memcmp(buf, "ab", 2) == 0, "first read %ld", r);
	r = tty_fops.read(&f, buf, sizeof(buf), 0);
	ST_CHECK(r == 3 && memcmp(buf, "cd\n", 3) == 0, "rest of the line: %ld bytes", r);
	/* ECHOE erases the x on the screen: backspace, space, backspace. */
	ST_CHECK(strcmp(st_cap.buf, "abx\b \bcd\r\n") == 0, "echo was \"%s\"", st_cap.buf);
	return 0;
}

EXPLICIT_SELFTEST(tty, nonblocking_and_eof)
{
	struct file f;
	char buf[8];
	long r;

	setup(&f, O_RDWR | O_NONBLOCK);
	type("part");
	r = tty_fops.read(&f, buf, sizeof(buf), 0);
	ST_CHECK(r == -EAGAIN, "read of a partial line gave %ld, want -EAGAIN", r);
	type("\x04");
	r = tty_fops.read(&f, buf, sizeof(buf), 0);
	ST_CHECK(r == 4 && memcmp(buf, "part", 4) == 0, "^D should end the line: %ld", r);
	type("\x04");
	r = tty_fops.read(&f, buf, sizeof(buf), 0);
	ST_CHECK(r == 0, "^D on an empty line should read as EOF, got %ld", r);
	return 0;
}

EXPLICIT_SELFTEST(tty, raw_mode_single_bytes)
{
	struct file f;
	struct termios tio;
	char buf[8];
	long r;

	setup(&f, O_RDWR);
	ST_CHECK(set_raw(1, 0) == 0, "TCSETS failed");
	ST_CHECK(tty_ioctl_kernel(&st_tty, TCGETS, &tio, 0) == 0 && !(tio.c_lflag & ICANON),
		 "TCGETS does not show raw mode");
	type("xy");
	ST_CHECK(st_cap.n == 0, "echo in raw mode without ECHO: \"%s\"", st_cap.buf);
	r = tty_fops.read(&f, buf, 1, 0);
	ST_CHECK(r == 1 && buf[0] == 'x', "first byte: %ld", r);
	r = tty_fops.read(&f, buf, 1, 0);
	ST_CHECK(r == 1 && buf[0] == 'y', "second byte: %ld", r);
	f.flags |= O_NONBLOCK;
	r = tty_fops.read(&f, buf, 1, 0);
	ST_CHECK(r == -EAGAIN, "empty raw read gave %ld, want -EAGAIN", r);
	return 0;
}

EXPLICIT_SELFTEST(tty, raw_vtime_times_out)
{
	struct file f;
	char buf[8];
	uint64_t t0;
	long r;

	setup(&f, O_RDWR);
	ST_CHECK(set_raw(0, 2) == 0, "TCSETS failed"); /* VTIME 0.2 s */
	t0 = arch_time_ns();
	r = tty_fops.read(&f, buf, sizeof(buf), 0);
	uint64_t ms = (arch_time_ns() - t0) / 1000000;
	ST_CHECK(r == 0, "timed read with no input gave %ld, want 0", r);
	ST_CHECK(ms >= 150 && ms < 2000, "timed read returned after %llu ms, want about 200",
		 (unsigned long long)ms);
	type("q");
	r = tty_fops.read(&f, buf, sizeof(buf), 0);
	ST_CHECK(r == 1 && buf[0] == 'q', "timed read with input queued gave %ld", r);
	return 0;
}

static void type_later(void *arg)
{
	sched_sleep_ms(50);
	type(arg);
	thread_exit(0);
}

EXPLICIT_SELFTEST(tty, blocked_reader_wakes_on_input)
{
	struct file f;
	struct thread *th;
	char buf[16];
	long r;

	setup(&f, O_RDWR);
	th = thread_create("st_tty_typist", type_later, "late\r", 0, 0);
	ST_CHECK(th, "thread_create failed");
	r = tty_fops.read(&f, buf, sizeof(buf), 0);
	thread_join(th);
	ST_CHECK(r == 5 && memcmp(buf, "late\n", 5) == 0, "blocked read gave %ld", r);
	return 0;
}

EXPLICIT_SELFTEST(tty, write_opost_and_stop)
{
	struct file f;
	long r;

	setup(&f, O_RDWR | O_NONBLOCK);
	r = tty_fops.write(&f, "a\nb", 3, 0);
	ST_CHECK(r == 3 && strcmp(st_cap.buf, "a\r\nb") == 0, "write %ld, output \"%s\"", r,
		 st_cap.buf);
	st_cap.n = 0;
	st_cap.buf[0] = '\0';
	type("\x13"); /* ^S */
	r = tty_fops.write(&f, "zz", 2, 0);
	ST_CHECK(r == -EAGAIN && st_cap.n == 0, "write while stopped gave %ld, output \"%s\"", r,
		 st_cap.buf);
	type("\x11"); /* ^Q */
	r = tty_fops.write(&f, "zz", 2, 0);
	ST_CHECK(r == 2 && strcmp(st_cap.buf, "zz") == 0, "write after ^Q gave %ld, \"%s\"", r,
		 st_cap.buf);
	return 0;
}

EXPLICIT_SELFTEST(tty, ioctls)
{
	struct file f;
	struct winsize ws = {.ws_row = 50, .ws_col = 132}, got;
	struct tty_stats st;
	int pgrp = 0, n = 0;
	char buf[8];

	setup(&f, O_RDWR);
	ST_CHECK(tty_ioctl_kernel(&st_tty, TIOCGWINSZ, &got, 0) == 0 && got.ws_row == 24 &&
			 got.ws_col == 80,
		 "default window %ux%u", got.ws_col, got.ws_row);
	ST_CHECK(tty_ioctl_kernel(&st_tty, TIOCSWINSZ, &ws, 0) == 0, "TIOCSWINSZ failed");
	ST_CHECK(tty_ioctl_kernel(&st_tty, TIOCGWINSZ, &got, 0) == 0 && got.ws_row == 50 &&
			 got.ws_col == 132,
		 "window %ux%u after TIOCSWINSZ", got.ws_col, got.ws_row);
	/* Not the caller's controlling terminal (a kernel thread has no
	 * session): the foreground group is not its business (tcgetpgrp(3)). */
	pgrp = 42;
	ST_CHECK(tty_ioctl_kernel(&st_tty, TIOCSPGRP, &pgrp, 0) == -ENOTTY,
		 "TIOCSPGRP off the controlling terminal");
	ST_CHECK(tty_ioctl_kernel(&st_tty, TIOCGPGRP, &pgrp, 0) == -ENOTTY,
		 "TIOCGPGRP off the controlling terminal");
	ST_CHECK(tty_ioctl_kernel(&st_tty, TIOCSCTTY, NULL, 0) == -EPERM,
		 "a kernel thread has no session to give a tty");
	ST_CHECK(tty_ioctl_kernel(&st_tty, 0x1234, &n, 0) == -ENOTTY, "unknown ioctl");
	/* The file op takes user pointers only. */
	ST_CHECK(tty_fops.ioctl(&f, TIOCGWINSZ, (unsigned long)&got) == -EFAULT,
		 "TIOCGWINSZ into kernel memory was not refused");
	/* TCSETSF drops queued input; ^C is counted as SIGINT. */
	type("junk\r\x03");
	struct termios tio;
	tty_ioctl_kernel(&st_tty, TCGETS, &tio, 0);
	ST_CHECK(tty_ioctl_kernel(&st_tty, TCSETSF, &tio, 0) == 0, "TCSETSF failed");
	tty_ioctl_kernel(&st_tty, FIONREAD, &n, 0);
	ST_CHECK(n == 0, "FIONREAD %d after TCSETSF", n);
	tty_get_stats(&st_tty, &st);
	ST_CHECK(st.sigint == 1, "%llu SIGINTs counted, want 1", (unsigned long long)st.sigint);
	f.flags |= O_NONBLOCK;
	ST_CHECK(tty_fops.read(&f, buf, sizeof(buf), 0) == -EAGAIN, "input left after TCSETSF");
	return 0;
}

EXPLICIT_SELFTEST(tty, console_nodes)
{
	static const char *const paths[] = {"/dev/console", "/dev/ttyS0"};
	static struct cred root;
	struct vfs_ctx ctx;
	struct file *fp;
	void *priv = NULL;

	ST_CHECK(vfs_ctx_init(&ctx, &root) == 0, "no vfs context");
	/* A kernel thread has no controlling terminal: /dev/tty is ENXIO. */
	if (vfs_open(&ctx, "/dev/tty", O_RDWR, 0, &fp) != -ENXIO) {
		vfs_ctx_release(&ctx);
		ST_FAIL("/dev/tty opened without a controlling terminal");
	}
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int err = vfs_open(&ctx, paths[i], O_RDWR, 0, &fp);
		if (err) {
			vfs_ctx_release(&ctx);
			ST_FAIL("open %s: %d", paths[i], err);
		}
		bool ok = fp->ops == &tty_fops && (!priv || fp->priv == priv);
		priv = fp->priv;
		vfs_close(fp);
		if (!ok) {
			vfs_ctx_release(&ctx);
			ST_FAIL("%s is not served by the console tty", paths[i]);
		}
	}
	vfs_ctx_release(&ctx);
	return 0;
}
