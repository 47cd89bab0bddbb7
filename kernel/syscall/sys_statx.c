/*
 * statx(2) over the VFS's stat (Linux x86_64 number 332; struct statx from
 * include/uapi/linux/stat.h). Every basic field is filled whatever mask
 * asks for, which the man page allows; birth time and mount IDs are not
 * kept, so their mask bits stay clear.
 */
#include "kernel/syscall/sys_file_internal.h"
#include "fs/stat.h"

#define SYS_statx 332

#define STATX_BASIC_STATS  0x07ffu
#define STATX__RESERVED	   0x80000000u
#define AT_NO_AUTOMOUNT	   0x800
#define AT_STATX_SYNC_TYPE 0x6000

struct statx_timestamp_user {
	int64_t sec;
	uint32_t nsec;
	int32_t reserved;
};

struct statx_user {
	uint32_t mask, blksize;
	uint64_t attributes;
	uint32_t nlink, uid, gid;
	uint16_t mode, spare0;
	uint64_t ino, size, blocks, attributes_mask;
	struct statx_timestamp_user atime, btime, ctime, mtime;
	uint32_t rdev_major, rdev_minor, dev_major, dev_minor;
	uint64_t mnt_id;
	uint32_t dio_mem_align, dio_offset_align;
	uint64_t spare3[12];
};
_Static_assert(sizeof(struct statx_user) == 256, "Linux struct statx");

static struct statx_timestamp_user ts_out(struct timespec64 t)
{
	struct statx_timestamp_user u = {t.tv_sec, (uint32_t)t.tv_nsec, 0};

	return u;
}

static long statx_out(long ubuf, const struct kstat *k)
{
	struct statx_user s;

	memset(&s, 0, sizeof(s));
	s.mask = STATX_BASIC_STATS;
	s.blksize = (uint32_t)k->blksize;
	s.nlink = k->nlink;
	s.uid = k->uid;
	s.gid = k->gid;
	s.mode = (uint16_t)k->mode;
	s.ino = k->ino;
	s.size = k->size;
	s.blocks = k->blocks;
	s.atime = ts_out(k->atime);
	s.mtime = ts_out(k->mtime);
	s.ctime = ts_out(k->ctime);
	s.rdev_major = MAJOR((uint32_t)k->rdev);
	s.rdev_minor = MINOR((uint32_t)k->rdev);
	s.dev_major = MAJOR((uint32_t)k->dev);
	s.dev_minor = MINOR((uint32_t)k->dev);
	return copy_to_user((void *)ubuf, &s, sizeof(s));
}

static long statx_fd(long fd, struct kstat *k)
{
	struct file *f = fd_get(fds(), (int)fd);
	long r;

	if (!f)
		return -EBADF;
	r = vfs_fstat(f, k);
	vfs_close(f);
	return r;
}

/* statx(dirfd, path, flags, mask, buf) */
static long sys_statx(const long a[6])
{
	long flags = a[2];
	struct at_ctx at;
	struct kstat k;
	char *path;
	long r;

	if (flags &
	    ~(long)(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE ||
	    ((uint32_t)a[3] & STATX__RESERVED))
		return -EINVAL;
	/* Since Linux 6.11 a NULL path with AT_EMPTY_PATH means dirfd itself. */
	if (!a[1] && (flags & AT_EMPTY_PATH)) {
		r = statx_fd(a[0], &k);
		return r ? r : statx_out(a[4], &k);
	}
	path = path_in(a[1]);
	if (IS_ERR(path))
		return PTR_ERR(path);
	if (!path[0] && (flags & AT_EMPTY_PATH)) {
		if ((int)a[0] != AT_FDCWD) {
			kfree(path);
			r = statx_fd(a[0], &k);
			return r ? r : statx_out(a[4], &k);
		}
		strlcpy(path, ".", PATH_MAX);
	}
	r = at_begin(a[0], path, &at);
	if (!r) {
		r = vfs_stat(&at.ctx, path, &k, !(flags & AT_SYMLINK_NOFOLLOW));
		at_end(&at);
	}
	kfree(path);
	return r ? r : statx_out(a[4], &k);
}

void sys_statx_init(void)
{
	syscall_set(SYS_statx, sys_statx);
}
