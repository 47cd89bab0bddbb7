/*
 * Root filesystem selection (DESIGN.md "Root filesystem choice"):
 *   root=virtio   partition 1 of the first virtio disk (the whole disk if it
 *                 has no partition table)
 *   root=module   the first multiboot module as a writable RAM disk
 *   root=tftp...  an image fetched over TFTP into a RAM disk (root_tftp.c);
 *                 when the fetch fails, the virtio disk or the module if
 *                 there is one
 *   (default)     virtio if there is a virtio disk, else module if there is
 *                 one
 * A root that is missing or cannot be mounted is reported and replaced by
 * an empty tmpfs, so the kernel stays usable (selftests, later a rescue
 * shell). Then devfs, procfs and tmpfs go on /dev, /proc and /tmp, and a
 * worker thread writes dirty blocks back every few seconds.
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "drivers/ramdisk.h"
#include "fs/bcache.h"
#include "fs/devfs.h"
#include "fs/ext2/ext2.h"
#include "fs/procfs.h"
#include "fs/stat.h"
#include "fs/tmpfs.h"
#include "fs/vfs.h"
#include "kernel/arch/arch.h"
#include "kernel/bootinfo.h"
#include "kernel/mm/mem.h"
#include "kernel/lib/printf.h"
#include "kernel/root.h"
#include "kernel/sched/sched.h"
#include "kernel/sysinfo.h"

static struct vfs_ctx kctx;
static bool have_root;

struct vfs_ctx *root_ctx(void)
{
	return have_root ? &kctx : NULL;
}

static struct blkdev *first_partition_or_disk(const char *disk)
{
	char name[BLKDEV_NAME_MAX];
	struct blkdev *d;

	ksnprintf(name, sizeof(name), "%s%s1", disk,
		  disk[strlen(disk) - 1] >= '0' && disk[strlen(disk) - 1] <= '9' ? "p" : "");
	d = blkdev_find(name);
	return d ? d : blkdev_find(disk);
}

static struct blkdev *module_disk(const struct boot_info *bi)
{
	const struct boot_module *m;
	struct blkdev *d;

	if (bi->nmodules == 0)
		return NULL;
	m = &bi->modules[0];
	d = ramdisk_create(phys_to_virt(m->start), m->end - m->start, false);
	if (!d)
		return NULL;
	return first_partition_or_disk(d->name);
}

static struct blkdev *choose_root(const struct boot_options *o, const struct boot_info *bi,
				  const char **why)
{
	enum root_kind kind = o->root;

	if (kind == ROOT_DEFAULT)
		kind = blkdev_find("vda") ? ROOT_VIRTIO : bi->nmodules ? ROOT_MODULE : ROOT_DEFAULT;
	switch (kind) {
	case ROOT_VIRTIO:
		*why = "no virtio disk";
		return blkdev_find("vda") ? first_partition_or_disk("vda") : NULL;
	case ROOT_MODULE:
		*why = "no multiboot module";
		return module_disk(bi);
	case ROOT_TFTP_URL:
	case ROOT_TFTP_DHCP: {
		struct blkdev *d = root_tftp(o, why);
		if (d)
			return first_partition_or_disk(d->name);
		/* The documented fall-back: a local root if there is one. */
		pr_err("root: root=tftp failed: %s\n", *why);
		if (blkdev_find("vda")) {
			pr_err("root: falling back to the virtio disk\n");
			return first_partition_or_disk("vda");
		}
		if (bi->nmodules) {
			pr_err("root: falling back to the multiboot module\n");
			return module_disk(bi);
		}
		return NULL;
	}
	case ROOT_DEFAULT:
		break;
	}
	*why = "no root= given and no disk or module found";
	return NULL;
}

static void mount_standard(const char *path, const char *fstype, const char *data)
{
	struct kstat st;
	int err;

	if (vfs_stat(&kctx, path, &st, true) == -ENOENT) {
		err = vfs_mkdir(&kctx, path, 0755);
		if (err) {
			pr_warn("root: cannot create %s (%d), %s not mounted\n", path, err, fstype);
			return;
		}
	}
	err = vfs_mount(&kctx, NULL, path, fstype, 0, data);
	if (err)
		pr_warn("root: mounting %s on %s failed (%d)\n", fstype, path, err);
}

static void register_block_nodes(void)
{
	for (struct blkdev *d = blkdev_next(NULL); d; d = blkdev_next(d))
		devfs_register_blk(d->name, d->major, d->minor, S_IFBLK | 0660, d);
}

#define WRITEBACK_MS 5000 /* as Linux's dirty_writeback_centisecs default */

/* The write-back worker: every few seconds, every dirty cached block goes
 * to its disk, so a power cut loses at most that much. bcache_sync cleans a
 * buffer before writing it and a bdirty during the write dirties it again,
 * so running beside filesystem code that sleeps on I/O is safe. */
static void writeback_worker(void *arg)
{
	for (;;) {
		sched_sleep_ms(WRITEBACK_MS);
		if (!have_root)
			continue;
		int err = bcache_sync(NULL);
		if (err)
			pr_warn("writeback: %d, the blocks stay dirty for the next pass\n", err);
	}
}

void root_init(const struct boot_options *o, const struct boot_info *bi)
{
	struct blkdev *dev;
	const char *why = NULL;
	int err = -ENODEV;

	bcache_init(MAX(kernel_pmm.free_frames * PAGE_SIZE / 4, MiB(1)));
	tmpfs_init();
	devfs_init();
	procfs_init();
	ext2_init();
	sysinfo_init();

	dev = choose_root(o, bi, &why); /* may create ram0 for root=module */
	register_block_nodes();
	if (dev) {
		err = vfs_mount(NULL, dev, "/", "ext2", dev->readonly ? SB_RDONLY : 0, NULL);
		if (err == 0)
			pr_info("root: %s mounted on / (ext2%s)\n", dev->name,
				dev->readonly ? ", read-only" : "");
		else
			why = "it does not hold a usable ext2 filesystem";
	}
	if (err) {
		pr_err("root: cannot use %s as root: %s (%d)\n", dev ? dev->name : "any device",
		       why, err);
		pr_err("root: falling back to an empty tmpfs root\n");
		if (vfs_mount(NULL, NULL, "/", "tmpfs", 0, NULL))
			panic("root: cannot mount even a tmpfs root");
	}
	if (vfs_ctx_init(&kctx, &root_cred))
		panic("root: no context for the root filesystem");
	have_root = true;
	kctx.umask = 022;
	if (!thread_create("writeback", writeback_worker, NULL, 5, THREAD_DETACHED))
		pr_warn("root: no write-back worker: dirty blocks go out on sync only\n");
	mount_standard("/dev", "devfs", NULL);
	mount_standard("/proc", "proc", NULL);
	mount_standard("/tmp", "tmpfs", "mode=1777");
}

void root_shutdown(void)
{
	static const char *const children[] = {"/tmp", "/proc", "/dev"};

	if (!have_root)
		return;
	vfs_sync();
	for (size_t i = 0; i < ARRAY_SIZE(children); i++)
		vfs_umount(&kctx, children[i]);
	have_root = false;
	vfs_ctx_release(&kctx);
	vfs_shutdown();
}
