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

int th_world_fini(void)
{
	struct vfs_ctx ctx;
	int err;

	while (vfs_mount_list) {
		struct mount *m = vfs_mount_list, *leaf = NULL;
		char *path = malloc(PATH_MAX);
		struct vpath root;
		long start;

		/* A mount without children. */
		for (m = vfs_mount_list; m; m = m->next) {
			struct mount *c;

			for (c = vfs_mount_list; c && c->parent != m; c = c->next)
				;
			if (!c)
				leaf = m;
		}
		if (leaf == vfs_root_mnt) {
			free(path);
			/* vfs_umount needs a context; build one by hand so it
			 * holds no reference into the mount. */
			ctx.cred = &root_cred;
			ctx.root.mnt = ctx.cwd.mnt = leaf;
			ctx.root.inode = ctx.cwd.inode = leaf->root;
			ctx.umask = 0;
			return vfs_umount(&ctx, "/");
		}
		err = vfs_ctx_init(&ctx, &root_cred);
		if (err) {
			free(path);
			return err;
		}
		root = ctx.root;
		{
			struct vpath p = {leaf, leaf->root};

			start = vfs_path_build(&p, &root, path, PATH_MAX);
		}
		err = start < 0 ? (int)start : vfs_umount(&ctx, path + start);
		vfs_ctx_release(&ctx);
		free(path);
		if (err)
			return err;
	}
	return 0;
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
