/*
 * Pseudo-terminals (kernel/tty/pty.c), Unix 98 style as pty(7) describes:
 * opening /dev/ptmx (5,2) gives a new master; its slave is /dev/pts/N
 * (136,N), a full tty (kernel/tty/tty.c) whose output the master reads and
 * whose input the master writes. ioctls TIOCGPTN (ptsname), TIOCSPTLCK
 * (unlockpt; the slave cannot be opened while locked: EIO) and
 * TIOCGPTLCK; other tty ioctls on the master act on the slave.
 *
 * Lock legend: pty_lock (pty.c) guards the table of ptys and each pty's
 * open counts and lock flag; the master's read buffer is guarded by the
 * slave tty's lock, under which the slave's driver writes into it.
 */
#ifndef KERNEL_TTY_PTY_H
#define KERNEL_TTY_PTY_H

#define PTY_MAX		64 /* ptys at once; opening one more /dev/ptmx: ENOSPC */
#define PTY_BUF_SIZE	8192
#define PTY_SLAVE_MAJOR 136
#define TIOCGPTLCK	0x80045439u

/* Register /dev/ptmx and the /dev/pts directory. Call after devfs_init. */
int pty_init(void);

#endif
