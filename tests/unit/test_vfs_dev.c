/*
 * Host tests of devfs and procfs (fs/devfs.c, fs/procfs.c): the memory
 * devices (drivers/char/mem.c behaviour), the device switch for device
 * nodes on other filesystems, registration and devfs_set_ops, block-device
 * files with unaligned I/O over the host block layer, and proc files made
 * by show functions, /proc/mounts among them.
 */
#include "test_vfs_util.h"
#include "kernel/lib/printf.h"

static void mount_dev(const char *where)
{
	ck_assert_int_eq(vfs_mkdir(&ctx, where, 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, where, "devfs", 0, NULL), 0);
}

static bool all_zero(const char *p, size_t n)
{
	while (n--) {
		if (*p++)
			return false;
	}
	return true;
}

START_TEST(test_memory_devices)
{
	char a[64], b[64];
	struct file *f;
	struct kstat st;

	mount_dev("/dev");
	st = st_of(&ctx, "/dev/null");
	ck_assert_uint_eq(st.mode, S_IFCHR | 0666);
	ck_assert_uint_eq(st.rdev, MKDEV(1, 3));
	ck_assert_uint_eq(st_of(&ctx, "/dev/zero").rdev, MKDEV(1, 5));
	ck_assert_uint_eq(st_of(&ctx, "/dev/full").rdev, MKDEV(1, 7));
	ck_assert_uint_eq(st_of(&ctx, "/dev/random").rdev, MKDEV(1, 8));
	ck_assert_uint_eq(st_of(&ctx, "/dev/urandom").rdev, MKDEV(1, 9));
	ck_assert_uint_eq(st_of(&ctx, "/dev/console").mode, S_IFCHR | 0600);
	ck_assert_uint_eq(st_of(&ctx, "/dev").mode, S_IFDIR | 0755);

	ck_assert_int_eq(vfs_open(&ctx, "/dev/null", O_RDWR, 0, &f), 0);
	ck_assert_int_eq(vfs_read(f, a, sizeof(a)), 0);
	ck_assert_int_eq(vfs_write(f, "hello", 5), 5);
	ck_assert_int_eq(vfs_lseek(f, 0, SEEK_END), 0);
	vfs_close(f);
	ck_assert_int_eq(vfs_open(&ctx, "/dev/zero", O_RDWR, 0, &f), 0);
	memset(a, 'x', sizeof(a));
	ck_assert_int_eq(vfs_read(f, a, sizeof(a)), sizeof(a));
	ck_assert(all_zero(a, sizeof(a)));
	ck_assert_int_eq(vfs_write(f, "x", 1), 1);
	vfs_close(f);
	ck_assert_int_eq(vfs_open(&ctx, "/dev/full", O_RDWR, 0, &f), 0);
	ck_assert_int_eq(vfs_write(f, "x", 1), -ENOSPC);
	memset(a, 'x', sizeof(a));
	ck_assert_int_eq(vfs_read(f, a, sizeof(a)), sizeof(a));
	ck_assert(all_zero(a, sizeof(a)));
	vfs_close(f);
	ck_assert_int_eq(vfs_open(&ctx, "/dev/urandom", O_RDWR, 0, &f), 0);
	ck_assert_int_eq(vfs_read(f, a, sizeof(a)), sizeof(a));
	ck_assert_int_eq(vfs_read(f, b, sizeof(b)), sizeof(b));
	ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
	ck_assert(!all_zero(a, sizeof(a)));
	ck_assert_int_eq(vfs_write(f, "seed", 4), 4);
	vfs_close(f);
	ck_assert_int_eq(vfs_open(&ctx, "/dev/random", O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_read(f, a, sizeof(a)), sizeof(a));
	ck_assert_int_ne(memcmp(a, b, sizeof(a)), 0);
	vfs_close(f);
	/* Writable as any tmpfs: /dev/pts, /dev/fd. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/dev/pts", 0755), 0);
	ck_assert_int_eq(vfs_symlink(&ctx, "/proc/self/fd", "/dev/fd"), 0);
}
END_TEST

static int fake_opens;

static int fake_open(struct inode *ino, struct file *f)
{
	fake_opens++;
	ck_assert_ptr_eq(f->priv, &fake_opens);
	return 0;
}

static long fake_read(struct file *f, void *buf, size_t len, uint64_t off)
{
	memset(buf, 'T', len);
	return (long)len;
}

static const struct file_ops fake_ops = {.open = fake_open, .read = fake_read};

START_TEST(test_registry)
{
	long before = th_live_allocs();
	struct file *f;
	char buf[4];

	ck_assert_int_eq(devfs_register_chr("ttyS0", 4, 64, 0660, &fake_ops, &fake_opens), 0);
	ck_assert_int_eq(devfs_register_chr("ttyS0", 4, 65, 0660, &fake_ops, NULL), -EEXIST);
	ck_assert_int_eq(devfs_register_chr("other", 4, 64, 0660, &fake_ops, NULL), -EEXIST);
	ck_assert_int_eq(devfs_register_chr("a/b/c", 4, 70, 0660, &fake_ops, NULL), -EINVAL);
	ck_assert_int_eq(devfs_register_chr("a/..", 4, 70, 0660, &fake_ops, NULL), -EINVAL);
	ck_assert_int_eq(devfs_register_chr("/b", 4, 70, 0660, &fake_ops, NULL), -EINVAL);
	ck_assert_int_eq(devfs_register_chr("", 4, 70, 0660, &fake_ops, NULL), -EINVAL);
	ck_assert_int_eq(devfs_register_chr("..", 4, 70, 0660, &fake_ops, NULL), -EINVAL);
	ck_assert_int_eq(devfs_register_chr("x", 4096, 70, 0660, &fake_ops, NULL), -EINVAL);
	ck_assert_int_eq(devfs_register_chr("0123456789012345678901234567890123", 4, 70, 0660,
					    &fake_ops, NULL),
			 -EINVAL);
	registry_allocs += th_live_allocs() - before;
	ck_assert_int_eq(registry_allocs, 1);
	/* Registered before the mount, and after it (on every devfs). */
	mount_dev("/dev");
	mount_dev("/dev2");
	ck_assert_uint_eq(st_of(&ctx, "/dev/ttyS0").mode, S_IFCHR | 0660);
	before = th_live_allocs();
	ck_assert_int_eq(devfs_register_chr("late", 4, 66, 0640, &fake_ops, &fake_opens), 0);
	registry_allocs += 1;
	ck_assert_uint_eq(st_of(&ctx, "/dev/late").rdev, MKDEV(4, 66));
	ck_assert_uint_eq(st_of(&ctx, "/dev2/late").rdev, MKDEV(4, 66));
	ck_assert_int_eq(vfs_umount(&ctx, "/dev2"), 0);
	ck_assert_int_eq(devfs_register_chr("later", 4, 67, 0640, &fake_ops, &fake_opens), 0);
	registry_allocs += 1;
	ck_assert_int_eq(stat_err(&ctx, "/dev/later"), 0);
	/* One level of directory (/dev/pts/N); unregistering removes the node. */
	ck_assert_int_eq(devfs_register_chr("pts/3", 136, 3, 0620, &fake_ops, NULL), 0);
	ck_assert_uint_eq(st_of(&ctx, "/dev/pts").mode, S_IFDIR | 0755);
	ck_assert_uint_eq(st_of(&ctx, "/dev/pts/3").rdev, MKDEV(136, 3));
	ck_assert_int_eq(devfs_unregister("pts/3"), 0);
	ck_assert_int_eq(stat_err(&ctx, "/dev/pts/3"), -ENOENT);
	ck_assert_int_eq(devfs_unregister("pts/3"), -ENOENT);
	/* Opening goes through the ops, with the registered priv. */
	ck_assert_int_eq(vfs_open(&ctx, "/dev/ttyS0", O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(fake_opens, 1);
	ck_assert_int_eq(vfs_read(f, buf, 4), 4);
	ck_assert_int_eq(memcmp(buf, "TTTT", 4), 0);
	vfs_close(f);
	/* The console waits for the tty layer. */
	ck_assert_int_eq(open_err(&ctx, "/dev/console", O_RDWR, 0), -ENXIO);
	ck_assert_int_eq(devfs_set_ops("console", &fake_ops, &fake_opens), 0);
	ck_assert_int_eq(open_err(&ctx, "/dev/console", O_RDWR, 0), 0);
	ck_assert_int_eq(fake_opens, 2);
	ck_assert_int_eq(devfs_set_ops("nonexistent", &fake_ops, NULL), -ENOENT);
	/* Device nodes on another filesystem use the same switch. */
	ck_assert_int_eq(vfs_mknod(&ctx, "/zero", S_IFCHR | 0666, MKDEV(1, 5)), 0);
	ck_assert_int_eq(vfs_mknod(&ctx, "/tty", S_IFCHR | 0666, MKDEV(4, 64)), 0);
	ck_assert_int_eq(vfs_mknod(&ctx, "/nodev", S_IFCHR | 0666, MKDEV(99, 99)), 0);
	ck_assert_int_eq(vfs_mknod(&ctx, "/blkzero", S_IFBLK | 0666, MKDEV(1, 5)), 0);
	ck_assert_int_eq(vfs_open(&ctx, "/zero", O_RDONLY, 0, &f), 0);
	memset(buf, 'x', 4);
	ck_assert_int_eq(vfs_read(f, buf, 4), 4);
	ck_assert(all_zero(buf, 4));
	vfs_close(f);
	ck_assert_int_eq(open_err(&ctx, "/tty", O_RDONLY, 0), 0);
	ck_assert_int_eq(fake_opens, 3);
	ck_assert_int_eq(open_err(&ctx, "/nodev", O_RDONLY, 0), -ENXIO);
	ck_assert_int_eq(open_err(&ctx, "/blkzero", O_RDONLY, 0), -ENXIO);
	/* Device nodes stay openable for writing on a read-only mount. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/dev/ro", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/dev/ro", "devfs", SB_RDONLY, NULL), 0);
	ck_assert_int_eq(open_err(&ctx, "/dev/ro/null", O_WRONLY, 0), 0);
	ck_assert_int_eq(vfs_umount(&ctx, "/dev/ro"), 0);
}
END_TEST

static uint8_t disk[512 * 512];
static uint8_t model[sizeof(disk)];

static void fill_disk(void)
{
	size_t i;

	for (i = 0; i < sizeof(disk); i++)
		disk[i] = model[i] = (uint8_t)(i * 13 + (i >> 9));
}

static void check_io(struct file *f, uint64_t off, size_t len, uint8_t seed)
{
	static uint8_t buf[sizeof(disk)];
	size_t i;

	for (i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i);
	ck_assert_int_eq(vfs_pwrite(f, buf, len, off), (long)len);
	memcpy(model + off, buf, len);
	ck_assert_int_eq(memcmp(disk, model, sizeof(disk)), 0);
	memset(buf, 0, len);
	ck_assert_int_eq(vfs_pread(f, buf, len, off), (long)len);
	ck_assert_int_eq(memcmp(buf, model + off, len), 0);
}

START_TEST(test_block_device)
{
	static uint8_t ro_disk[4096];
	struct blkdev *bd, *ro;
	uint8_t buf[1024];
	struct file *f;
	struct kstat st;

	fill_disk();
	bd = host_blk_mem(disk, sizeof(disk), false);
	ro = host_blk_mem(ro_disk, sizeof(ro_disk), true);
	ck_assert_int_eq(devfs_register_blk("hd0", 3, 0, 0660, bd), 0);
	ck_assert_int_eq(devfs_register_blk("hd1", 3, 64, 0660, ro), 0);
	ck_assert_int_eq(devfs_register_blk("hdx", 3, 65, 0660, NULL), -EINVAL);
	registry_allocs += 2;
	mount_dev("/dev");
	st = st_of(&ctx, "/dev/hd0");
	ck_assert_uint_eq(st.mode, S_IFBLK | 0660);
	ck_assert_uint_eq(st.rdev, MKDEV(3, 0));
	ck_assert_int_eq(vfs_open(&ctx, "/dev/hd0", O_RDWR, 0, &f), 0);
	ck_assert_int_eq(vfs_pread(f, buf, 100, 300), 100);
	ck_assert_int_eq(memcmp(buf, disk + 300, 100), 0);
	check_io(f, 5, 10, 1);	    /* inside one sector */
	check_io(f, 700, 1000, 2);  /* partial sectors at both ends */
	check_io(f, 1024, 1024, 3); /* aligned */
	check_io(f, 1536, 100, 4);  /* aligned start, partial end */
	check_io(f, 2000, 48, 5);   /* partial start, aligned end */
	check_io(f, 511, 2, 6);	    /* across a sector boundary */
	check_io(f, 3, 200000, 7);  /* several bounce buffers */
	check_io(f, sizeof(disk) - 7, 7, 8);
	/* The end of the device. */
	ck_assert_int_eq(vfs_lseek(f, 0, SEEK_END), (long)sizeof(disk));
	ck_assert_int_eq(vfs_pread(f, buf, 100, sizeof(disk) - 10), 10);
	ck_assert_int_eq(vfs_pread(f, buf, 100, sizeof(disk)), 0);
	ck_assert_int_eq(vfs_pwrite(f, buf, 100, sizeof(disk) - 10), 10);
	ck_assert_int_eq(vfs_pwrite(f, buf, 100, sizeof(disk)), -ENOSPC);
	ck_assert_int_eq(vfs_fsync(f), 0);
	/* Device errors. */
	ck_assert_int_eq(host_blk_fail(bd, BLK_READ, 0, 4), 0);
	ck_assert_int_eq(vfs_pread(f, buf, 100, 0), -EIO);
	ck_assert_int_eq(vfs_pwrite(f, buf, 100, 10), -EIO); /* read-modify-write */
	ck_assert_int_eq(vfs_pwrite(f, buf, 512, 0), 512);
	ck_assert_int_eq(vfs_pread(f, buf, 100, 4 * 512), 100);
	host_blk_fail_clear(bd);
	ck_assert_int_eq(host_blk_fail(bd, BLK_WRITE, 1, 1), 0);
	ck_assert_int_eq(vfs_pwrite(f, buf, 512, 512), -EIO);
	host_blk_fail_clear(bd);
	vfs_close(f);
	/* A read-only device reads but refuses writes. */
	ck_assert_int_eq(vfs_open(&ctx, "/dev/hd1", O_RDWR, 0, &f), 0);
	ck_assert_int_eq(vfs_pread(f, buf, 100, 0), 100);
	ck_assert_int_eq(vfs_pwrite(f, buf, 100, 0), -EPERM);
	vfs_close(f);
	ck_assert_int_eq(vfs_umount(&ctx, "/dev"), 0);
	host_blk_close(bd);
	host_blk_close(ro);
}
END_TEST

static int show_text(char *buf, size_t size, void *arg)
{
	return snprintf(buf, size, "%s\n", (const char *)arg);
}

static int show_big(char *buf, size_t size, void *arg)
{
	size_t want = (size_t)(uintptr_t)arg, i;

	for (i = 0; i < want && i < size; i++)
		buf[i] = (char)('a' + i % 26);
	return (int)want;
}

static int show_fail(char *buf, size_t size, void *arg)
{
	return -EIO;
}

START_TEST(test_procfs)
{
	static char big[70000];
	struct kstatfs sfs;
	struct file *f;
	long before = th_live_allocs(), n;
	char buf[512];
	int i;

	ck_assert_int_eq(procfs_register("bus/pci", show_text, "pci devices"), 0);
	ck_assert_int_eq(procfs_register("bus/usb", show_text, "usb"), 0);
	ck_assert_int_eq(procfs_register("medium", show_big, (void *)5000), 0);
	ck_assert_int_eq(procfs_register("huge", show_big, (void *)100000), 0);
	ck_assert_int_eq(procfs_register("broken", show_fail, NULL), 0);
	ck_assert_int_eq(procfs_register("bus/pci", show_text, "again"), -EEXIST);
	ck_assert_int_eq(procfs_register("mounts/x", show_text, "x"), -ENOTDIR);
	ck_assert_int_eq(procfs_register("", show_text, "x"), -EINVAL);
	ck_assert_int_eq(procfs_register("a/../b", show_text, "x"), -EINVAL);
	ck_assert_int_eq(procfs_register("x", NULL, NULL), -EINVAL);
	registry_allocs += th_live_allocs() - before;
	ck_assert_int_eq(registry_allocs, 2 * 6);

	ck_assert_int_eq(vfs_mkdir(&ctx, "/proc", 0555), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/proc", "proc", 0, NULL), 0);
	ck_assert_int_eq(get_file(&ctx, "/proc/mounts", buf, sizeof(buf)), 21 + 23);
	ck_assert_str_eq(buf, "tmpfs / tmpfs rw 0 0\nproc /proc proc rw 0 0\n");
	mount_dev("/dev");
	ck_assert_int_eq(get_file(&ctx, "/proc/mounts", buf, sizeof(buf)), 21 + 23 + 24);
	ck_assert_str_eq(buf, "tmpfs / tmpfs rw 0 0\nproc /proc proc rw 0 0\n"
			      "devfs /dev devfs rw 0 0\n");
	ck_assert_int_eq(get_file(&ctx, "/proc/bus/pci", buf, sizeof(buf)), 12);
	ck_assert_str_eq(buf, "pci devices\n");
	ck_assert_int_eq(get_file(&ctx, "/proc/medium", big, sizeof(big)), 5000);
	ck_assert_int_eq(big[4999], 'a' + 4999 % 26);
	ck_assert_int_eq(get_file(&ctx, "/proc/huge", big, sizeof(big)), PROCFS_MAX_SIZE - 1);
	ck_assert_int_eq(open_err(&ctx, "/proc/broken", O_RDONLY, 0), -EIO);
	/* Registered after the mount: visible at once. */
	before = th_live_allocs();
	ck_assert_int_eq(procfs_register("late/file", show_text, "late"), 0);
	registry_allocs += 4;
	ck_assert_int_eq(get_file(&ctx, "/proc/late/file", buf, sizeof(buf)), 5);
	/* Attributes and directory listing. */
	ck_assert_uint_eq(st_of(&ctx, "/proc/bus").mode, S_IFDIR | 0555);
	ck_assert_uint_eq(st_of(&ctx, "/proc/bus").nlink, 2);
	ck_assert_uint_eq(st_of(&ctx, "/proc").nlink, 4);
	ck_assert_uint_eq(st_of(&ctx, "/proc/mounts").mode, S_IFREG | 0444);
	ck_assert_uint_eq(st_of(&ctx, "/proc/mounts").size, 0);
	ck_assert_uint_eq(st_of(&ctx, "/proc/bus/..").ino, st_of(&ctx, "/proc").ino);
	ck_assert_uint_eq(st_of(&ctx, "/proc/..").ino, st_of(&ctx, "/").ino);
	ck_assert_int_eq(stat_err(&ctx, "/proc/nonexistent"), -ENOENT);
	ck_assert_int_eq(vfs_statfs(&ctx, "/proc", &sfs), 0);
	ck_assert_uint_eq(sfs.type, 0x9fa0);
	ck_assert_int_eq(vfs_open(&ctx, "/proc", O_RDONLY | O_DIRECTORY, 0, &f), 0);
	n = vfs_getdents(f, buf, sizeof(buf));
	ck_assert_int_gt(n, 0);
	{
		const char *want[] = {".",	"..",	"mounts", "bus",
				      "medium", "huge", "broken", "late"};
		long at = 0;

		for (i = 0; at < n; i++, at += ((struct linux_dirent64 *)(buf + at))->d_reclen) {
			ck_assert_int_lt(i, (int)ARRAY_SIZE(want));
			ck_assert_str_eq(((struct linux_dirent64 *)(buf + at))->d_name, want[i]);
		}
		ck_assert_int_eq(i, (int)ARRAY_SIZE(want));
	}
	ck_assert_int_eq(vfs_getdents(f, buf, sizeof(buf)), 0);
	vfs_close(f);
	/* Reading from the middle; nothing can be changed. */
	ck_assert_int_eq(vfs_open(&ctx, "/proc/bus/pci", O_RDONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_lseek(f, 4, SEEK_SET), 4);
	ck_assert_int_eq(vfs_read(f, buf, 3), 3);
	ck_assert_int_eq(memcmp(buf, "dev", 3), 0);
	vfs_close(f);
	ck_assert_int_eq(vfs_chmod(&ctx, "/proc/mounts", 0666), -EPERM);
	ck_assert_int_eq(vfs_unlink(&ctx, "/proc/mounts"), -EPERM);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/proc/new", 0755), -EPERM);
	ck_assert_int_eq(vfs_rename(&ctx, "/proc/huge", "/proc/big"), -EPERM);
	ck_assert_int_eq(vfs_open(&ctx, "/proc/mounts", O_WRONLY, 0, &f), 0);
	ck_assert_int_eq(vfs_write(f, "x", 1), -EINVAL);
	vfs_close(f);
}
END_TEST

/* More cached, unreferenced inodes than the inode cache keeps: the
 * shrinker evicts some, and they come back from read_inode. */
START_TEST(test_inode_cache_shrink)
{
	long before = th_live_allocs();
	char path[64], buf[16];
	struct kstat st;
	int i, round;

	for (i = 0; i < 1500; i++) {
		snprintf(path, sizeof(path), "many/f%d", i);
		ck_assert_int_eq(procfs_register(path, show_text, "x"), 0);
	}
	registry_allocs += th_live_allocs() - before;
	ck_assert_int_eq(vfs_mkdir(&ctx, "/proc", 0555), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/proc", "proc", 0, NULL), 0);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 1500; i++) {
			snprintf(path, sizeof(path), "/proc/many/f%d", i);
			ck_assert_int_eq(vfs_stat(&ctx, path, &st, true), 0);
			ck_assert_uint_eq(st.mode, S_IFREG | 0444);
		}
	}
	ck_assert_int_eq(get_file(&ctx, "/proc/many/f7", buf, sizeof(buf)), 2);
	ck_assert_int_eq(get_file(&ctx, "/proc/many/f1499", buf, sizeof(buf)), 2);
	/* Fewer inodes live than were looked up. */
	ck_assert_int_lt(th_live_allocs() - before - registry_allocs, 1500);
}
END_TEST

/* A provider with processes 3 (one thread, fds 0 and 2, owned by 1000)
 * and 7 (threads 7 and 9), seen from process 3. */
static int fake_show(int pid, int tid, char *buf, size_t size)
{
	return ksnprintf(buf, size, "pid %d tid %d\n", pid, tid);
}

static int fake_link(int pid, int tid, char *buf, size_t size)
{
	return ksnprintf(buf, size, "/target/%d", pid);
}

static const struct procfs_pid_entry fake_entries[] = {
	{"stat", PROCFS_PID_FILE, 0444, fake_show}, {"environ", PROCFS_PID_FILE, 0400, fake_show},
	{"exe", PROCFS_PID_LINK, 0777, fake_link},  {"fd", PROCFS_PID_FD_DIR, 0500, NULL},
	{"task", PROCFS_PID_TASK_DIR, 0555, NULL},
};

static int fake_next_pid(int after)
{
	return after < 3 ? 3 : after < 7 ? 7 : 0;
}

static int fake_next_tid(int pid, int after)
{
	if (pid == 3)
		return after < 3 ? 3 : 0;
	return after < 7 ? 7 : after < 9 ? 9 : 0;
}

static int fake_next_fd(int pid, int after)
{
	if (pid != 3)
		return -1;
	return after < 0 ? 0 : after < 2 ? 2 : -1;
}

static int fake_owner(int pid, int tid, uint32_t *uid, uint32_t *gid)
{
	if (pid != 3 && pid != 7)
		return -ENOENT;
	if (tid && tid != pid && !(pid == 7 && tid == 9))
		return -ENOENT;
	*uid = *gid = pid == 3 ? 1000 : 0;
	return 0;
}

static int fake_fd_link(int pid, int fd, char *buf, size_t size)
{
	return ksnprintf(buf, size, "pipe:[%d]", fd + 10);
}

static void fake_self(int *pid, int *tid)
{
	*pid = *tid = 3;
}

static const struct procfs_pid_ops pid_fake_ops = {
	fake_entries,  ARRAY_SIZE(fake_entries),
	fake_next_pid, fake_next_tid,
	fake_next_fd,  fake_owner,
	fake_fd_link,  fake_self,
};

/* Every name of a directory, space-separated. */
static void list_dir(const char *path, char *out, size_t size)
{
	char buf[1024];
	struct file *f;
	long n;

	out[0] = '\0';
	ck_assert_int_eq(vfs_open(&ctx, path, O_RDONLY | O_DIRECTORY, 0, &f), 0);
	while ((n = vfs_getdents(f, buf, sizeof(buf))) > 0) {
		for (long at = 0; at < n;) {
			struct linux_dirent64 *d = (struct linux_dirent64 *)(buf + at);
			strncat(out, d->d_name, size - strlen(out) - 2);
			strcat(out, " ");
			at += d->d_reclen;
		}
	}
	vfs_close(f);
}

START_TEST(test_procfs_pids)
{
	char buf[512], list[512];

	ck_assert_int_eq(vfs_mkdir(&ctx, "/proc", 0555), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/proc", "proc", 0, NULL), 0);
	ck_assert_int_eq(stat_err(&ctx, "/proc/3"), -ENOENT); /* no provider yet */
	procfs_set_pid_provider(&pid_fake_ops);

	list_dir("/proc", list, sizeof(list));
	ck_assert_str_eq(list, ". .. mounts self thread-self 3 7 ");
	list_dir("/proc/3", list, sizeof(list));
	ck_assert_str_eq(list, ". .. stat environ exe fd task ");
	list_dir("/proc/3/fd", list, sizeof(list));
	ck_assert_str_eq(list, ". .. 0 2 ");
	list_dir("/proc/7/task", list, sizeof(list));
	ck_assert_str_eq(list, ". .. 7 9 ");
	list_dir("/proc/7/task/9", list, sizeof(list));
	ck_assert_str_eq(list, ". .. stat environ exe fd ");

	ck_assert_int_eq(vfs_readlink(&ctx, "/proc/self", buf, sizeof(buf)), 1);
	ck_assert_int_eq(vfs_readlink(&ctx, "/proc/thread-self", buf, sizeof(buf)), 8);
	ck_assert(!memcmp(buf, "3/task/3", 8));
	ck_assert_int_eq(get_file(&ctx, "/proc/self/stat", buf, sizeof(buf)), 12);
	ck_assert_str_eq(buf, "pid 3 tid 0\n");
	ck_assert_int_eq(get_file(&ctx, "/proc/7/task/9/stat", buf, sizeof(buf)), 12);
	ck_assert_str_eq(buf, "pid 7 tid 9\n");
	ck_assert_int_eq(vfs_readlink(&ctx, "/proc/3/fd/2", buf, sizeof(buf)), 9);
	ck_assert(!memcmp(buf, "pipe:[12]", 9));
	ck_assert_int_eq(vfs_readlink(&ctx, "/proc/7/exe", buf, sizeof(buf)), 9);

	/* Gone or never there. */
	ck_assert_int_eq(stat_err(&ctx, "/proc/5"), -ENOENT);
	ck_assert_int_eq(stat_err(&ctx, "/proc/03"), -ENOENT);
	ck_assert_int_eq(stat_err(&ctx, "/proc/3/fd/1"), -ENOENT);
	ck_assert_int_eq(stat_err(&ctx, "/proc/3/task/9"), -ENOENT);
	ck_assert_int_eq(stat_err(&ctx, "/proc/7/task/9/task"), -ENOENT);

	/* Owners, modes and stable, distinct inode numbers. */
	ck_assert_uint_eq(st_of(&ctx, "/proc/3").uid, 1000);
	ck_assert_uint_eq(st_of(&ctx, "/proc/3").mode, S_IFDIR | 0555);
	ck_assert_uint_eq(st_of(&ctx, "/proc/3/fd").mode, S_IFDIR | 0500);
	ck_assert_uint_eq(st_of(&ctx, "/proc/3/environ").mode, S_IFREG | 0400);
	ck_assert_uint_eq(st_of(&ctx, "/proc/7/stat").uid, 0);
	ck_assert(st_of(&ctx, "/proc/3").ino >> 63);
	ck_assert_uint_ne(st_of(&ctx, "/proc/3").ino, st_of(&ctx, "/proc/7").ino);
	ck_assert_uint_ne(st_of(&ctx, "/proc/3/stat").ino, st_of(&ctx, "/proc/7/stat").ino);
	ck_assert_uint_eq(st_of(&ctx, "/proc/self/fd/..").ino, st_of(&ctx, "/proc/3").ino);
	ck_assert_uint_eq(st_of(&ctx, "/proc/7/task/9/..").ino, st_of(&ctx, "/proc/7/task").ino);
	ck_assert_uint_eq(st_of(&ctx, "/proc/3/..").ino, st_of(&ctx, "/proc").ino);
	procfs_set_pid_provider(NULL);
}
END_TEST

static Suite *dev_suite(void)
{
	Suite *s = suite_create("vfs_dev");
	TCase *tc = tcase_create("dev");

	tcase_add_checked_fixture(tc, world_setup, world_teardown);
	tcase_add_test(tc, test_memory_devices);
	tcase_add_test(tc, test_registry);
	tcase_add_test(tc, test_block_device);
	tcase_add_test(tc, test_procfs);
	tcase_add_test(tc, test_procfs_pids);
	tcase_add_test(tc, test_inode_cache_shrink);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(dev_suite());
}
