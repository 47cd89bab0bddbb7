/*
 * mount(2) and umount2(2) over the VFS (fs/vfs.h vfs_mount/vfs_umount).
 * Root only (EPERM first, as Linux checks the capability first). A
 * filesystem that needs a device takes the source as the path of a block
 * device node (ENOTBLK otherwise); the others ignore it ("none", "proc").
 * MS_RDONLY is honoured; MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_NOATIME and
 * MS_SILENT are accepted and recorded nowhere; MS_REMOUNT, MS_BIND and
 * MS_MOVE and the propagation flags are not supported (EINVAL).
 * umount2 takes UMOUNT_NOFOLLOW; MNT_FORCE, MNT_DETACH and MNT_EXPIRE are
 * EINVAL, as are unknown flags.
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "fs/stat.h"
#include "kernel/arch/arch.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_mount   165
#define SYS_umount2 166

#define MS_RDONLY      0x1
#define MS_NOSUID      0x2
#define MS_NODEV       0x4
#define MS_NOEXEC      0x8
#define MS_SYNCHRONOUS 0x10
#define MS_REMOUNT     0x20
#define MS_NOATIME     0x400
#define MS_NODIRATIME  0x800
#define MS_BIND	       0x1000
#define MS_MOVE	       0x2000
#define MS_SILENT      0x8000
#define MS_RELATIME    0x200000
#define MS_MGC_MSK     0xffff0000u /* an old magic number in the high bits */
#define MS_MGC_VAL     0xc0ed0000u
#define MS_ACCEPTED                                                                   \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_SYNCHRONOUS | MS_NOATIME | \
	 MS_NODIRATIME | MS_SILENT | MS_RELATIME)

#define UMOUNT_NOFOLLOW 0x8
#define FSTYPE_MAX	32
#define DATA_MAX	256

/* The block device a node names, or NULL. */
static struct blkdev *blkdev_of_node(struct vfs_ctx *ctx, const char *path, int *err)
{
	struct kstat st;

	*err = vfs_stat(ctx, path, &st, true);
	if (*err)
		return NULL;
	if (!S_ISBLK(st.mode)) {
		*err = -ENOTBLK;
		return NULL;
	}
	for (struct blkdev *d = blkdev_next(NULL); d; d = blkdev_next(d))
		if (MKDEV(d->major, d->minor) == st.rdev)
			return d;
	*err = -ENXIO;
	return NULL;
}

static long sys_mount(const long a[6])
{
	struct process *p = current_process();
	char *src = NULL, *target = NULL, type[FSTYPE_MAX], data[DATA_MAX];
	unsigned long flags = (unsigned long)a[3];
	struct blkdev *dev = NULL;
	long err;

	if (p->cred.euid != 0)
		return -EPERM;
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(unsigned long)MS_MGC_MSK;
	src = kmalloc(PATH_MAX);
	target = kmalloc(PATH_MAX);
	err = !src || !target ? -ENOMEM : 0;
	if (!err)
		err = strncpy_from_user(target, (const char *)a[1], PATH_MAX);
	if (err >= 0)
		err = a[2] ? strncpy_from_user(type, (const char *)a[2], sizeof(type)) : -EINVAL;
	if (err == -ENAMETOOLONG && a[2])
		err = -ENODEV; /* no filesystem has so long a name */
	if (err >= 0 && a[4])
		err = strncpy_from_user(data, (const char *)a[4], sizeof(data));
	if (err >= 0 && flags & ~(unsigned long)MS_ACCEPTED)
		err = -EINVAL; /* remount, bind, move, propagation */
	if (err >= 0 && a[0]) {
		long n = strncpy_from_user(src, (const char *)a[0], PATH_MAX);
		if (n < 0)
			err = n;
	} else if (err >= 0) {
		src[0] = '\0';
	}
	if (err >= 0 && vfs_fs_needs_dev(type) == 1) {
		int e;
		dev = blkdev_of_node(&p->ctx, src, &e);
		if (!dev)
			err = src[0] ? e : -ENOTBLK;
	}
	if (err >= 0)
		err = vfs_mount(&p->ctx, dev, target, type, (flags & MS_RDONLY) ? SB_RDONLY : 0,
				a[4] ? data : NULL);
	kfree(src);
	kfree(target);
	return err < 0 ? err : 0;
}

static long sys_umount2(const long a[6])
{
	struct process *p = current_process();
	char *target;
	long err;

	if (p->cred.euid != 0)
		return -EPERM;
	if ((unsigned long)a[1] & ~(unsigned long)UMOUNT_NOFOLLOW)
		return -EINVAL; /* MNT_FORCE, MNT_DETACH, MNT_EXPIRE: not supported */
	target = kmalloc(PATH_MAX);
	if (!target)
		return -ENOMEM;
	err = strncpy_from_user(target, (const char *)a[0], PATH_MAX);
	if (err >= 0)
		err = vfs_umount(&p->ctx, target);
	kfree(target);
	return err < 0 ? err : 0;
}

void sys_mount_init(void)
{
	syscall_set(SYS_mount, sys_mount);
	syscall_set(SYS_umount2, sys_umount2);
}
