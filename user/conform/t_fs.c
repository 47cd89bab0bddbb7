/*
 * fs: mount, umount2 and statfs (issue 4's file calls), with a tmpfs
 * mounted on a scratch directory. The mounting cases need root; as an
 * ordinary user they are skipped, and the EPERM cases run as TEST_UID.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "conform.h"

#define S	    syscall
#define TMPFS_MAGIC 0x01021994

static int u_mount(void *p)
{
	return S(SYS_mount, "none", (const char *)p, "tmpfs", 0, NULL) < 0 ? errno : 0;
}
static int u_umount(void *p)
{
	return S(SYS_umount2, (const char *)p, 0) < 0 ? errno : 0;
}

void group_fs(void)
{
	struct statfs sf;
	const char *mnt = t_path("mnt");
	int fd;

	memset(&sf, 0, sizeof(sf));
	T_OK("statfs_root", S(SYS_statfs, "/", &sf));
	T_TRUE("statfs_root_values", sf.f_bsize > 0 && sf.f_blocks > 0,
	       "expected a block size and a block count got %ld %ld", (long)sf.f_bsize,
	       (long)sf.f_blocks);
	T_ERR("statfs_enoent", S(SYS_statfs, t_path("missing"), &sf), ENOENT);
	T_ERR("statfs_efault_path", S(SYS_statfs, BADP, &sf), EFAULT);
	T_ERR("statfs_efault_buf", S(SYS_statfs, "/", KADDR), EFAULT);
	fd = open("/", O_RDONLY);
	T_OK("fstatfs", S(SYS_fstatfs, fd, &sf));
	close(fd);
	T_ERR("fstatfs_ebadf", S(SYS_fstatfs, 9999, &sf), EBADF);

	mkdir(mnt, 0755);
	t_as_user("mount_eperm_user", u_mount, (void *)mnt, EPERM);
	if (geteuid() != 0) {
		t_skip("mount", "not root");
		return;
	}
	T_OK("mount_tmpfs", S(SYS_mount, "none", mnt, "tmpfs", 0, NULL));
	T_OK("statfs_tmpfs", S(SYS_statfs, mnt, &sf));
	T_EQ("statfs_tmpfs_magic", sf.f_type, TMPFS_MAGIC);
	fd = open(t_path("mnt/file"), O_CREAT | O_WRONLY, 0644);
	T_TRUE("mount_usable", fd >= 0 && write(fd, "x", 1) == 1,
	       "expected to create a file in the tmpfs (errno %s)", t_errname(errno));
	t_as_user("umount_eperm_user", u_umount, (void *)mnt, EPERM);
	T_ERR("umount_busy_ebusy", S(SYS_umount2, mnt, 0), EBUSY);
	close(fd);
	T_ERR("umount_einval_flags", S(SYS_umount2, mnt, 0x80000000), EINVAL);
	T_OK("umount2", S(SYS_umount2, mnt, 0));
	T_ERR("umount_gone", S(SYS_access, t_path("mnt/file"), F_OK), ENOENT);
	T_ERR("umount_not_mounted_einval", S(SYS_umount2, mnt, 0), EINVAL);
	T_ERR("umount_enoent", S(SYS_umount2, t_path("missing"), 0), ENOENT);
	T_ERR("umount_efault", S(SYS_umount2, KADDR, 0), EFAULT);
	T_ERR("mount_enodev", S(SYS_mount, "none", mnt, "nosuchfs", 0, NULL), ENODEV);
	T_ERR("mount_enoent", S(SYS_mount, "none", t_path("missing"), "tmpfs", 0, NULL), ENOENT);
	T_ERR("mount_efault_target", S(SYS_mount, "none", KADDR, "tmpfs", 0, NULL), EFAULT);
	T_ERR("mount_efault_type", S(SYS_mount, "none", mnt, BADP, 0, NULL), EFAULT);
}
