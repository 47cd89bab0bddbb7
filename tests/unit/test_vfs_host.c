/*
 * Host support for the VFS tests and fuzzer (test_vfs_host.h): kmalloc on
 * top of malloc with a live-object count and failure injection, and the
 * standard tmpfs-rooted world. Block devices come from svc/host_blk.c.
 */
#include <stdlib.h>
#include "test_vfs_host.h"
#include "kernel/mm/heap.h"
#include "fs/vfs_internal.h"
#include "fs/tmpfs.h"
#include "fs/devfs.h"
#include "fs/procfs.h"

/* ---- heap ------------------------------------------------------------------ */

static long live_allocs;
static long fail_nth = -1;
static unsigned long alloc_calls;

static bool alloc_fails(void)
{
	alloc_calls++;
	if (fail_nth < 0)
		return false;
	return fail_nth-- == 0;
}

void *kmalloc(size_t size)
{
	void *p;

	if (alloc_fails())
		return NULL;
	p = malloc(size ? size : 1);
	if (p) {
		memset(p, 0xa5, size); /* as the kernel heap fills new objects */
		live_allocs++;
	}
	return p;
}

void *kzalloc(size_t size)
{
	void *p = kmalloc(size);

	if (p)
		memset(p, 0, size);
	return p;
}

void kfree(void *p)
{
	if (p) {
		live_allocs--;
		free(p);
	}
}

long th_live_allocs(void)
{
	return live_allocs;
}

void th_fail_alloc_nth(long n)
{
	fail_nth = n;
}

unsigned long th_alloc_calls(void)
{
	return alloc_calls;
}

/* ---- the world ---------------------------------------------------------------- */

int th_world_init(const char *root_data)
{
	int err = tmpfs_init();

	if (!err)
		err = devfs_init();
	if (!err)
		err = procfs_init();
	if (!err)
		err = vfs_mount(NULL, NULL, "/", "tmpfs", 0, root_data);
	return err;
}

static bool has_children(const struct mount *m)
{
	const struct mount *c;

	for (c = vfs_mount_list; c; c = c->next) {
		if (c->parent == m)
			return true;
	}
	return false;
}

/* Unmount one mount without children other than the root, by its path.
 * A mount can be hidden under another one (mounted through a working
 * directory that was covered later): its path does not reach it until
 * the one on top is gone, so try each. */
static int umount_one_leaf(void)
{
	char *path = malloc(PATH_MAX);
	struct vfs_ctx ctx;
	struct mount *m;
	int err;

	err = vfs_ctx_init(&ctx, &root_cred);
	if (err) {
		free(path);
		return err;
	}
	err = -EBUSY;
	for (m = vfs_mount_list; m; m = m->next) {
		struct vpath p = {m, m->root};
		long start;

		if (m == vfs_root_mnt || has_children(m))
			continue;
		start = vfs_path_build(&p, &ctx.root, path, PATH_MAX);
		if (start >= 0 && !vfs_umount(&ctx, path + start)) {
			err = 0;
			break;
		}
	}
	vfs_ctx_release(&ctx);
	free(path);
	return err;
}

int th_world_fini(void)
{
	struct vfs_ctx ctx;
	int err;

	while (vfs_mount_list && vfs_mount_list->next) {
		err = umount_one_leaf();
		if (err)
			return err;
	}
	if (!vfs_root_mnt)
		return 0;
	/* vfs_umount needs a context; build one by hand so that it holds no
	 * reference into the mount. */
	ctx.cred = &root_cred;
	ctx.root.mnt = ctx.cwd.mnt = vfs_root_mnt;
	ctx.root.inode = ctx.cwd.inode = vfs_root_mnt->root;
	ctx.umask = 0;
	return vfs_umount(&ctx, "/");
}

struct cred th_cred(uint32_t uid, uint32_t gid, unsigned ngroups, const uint32_t *groups)
{
	struct cred c;
	unsigned i;

	memset(&c, 0, sizeof(c));
	c.uid = c.euid = c.suid = c.fsuid = uid;
	c.gid = c.egid = c.sgid = c.fsgid = gid;
	c.ngroups = ngroups;
	for (i = 0; i < ngroups && i < NGROUPS_MAX; i++)
		c.groups[i] = groups[i];
	return c;
}
