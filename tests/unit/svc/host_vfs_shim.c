/*
 * Host stand-in for the parts of the VFS core that filesystems call
 * (host_vfs_shim.h): an inode cache keyed by (sb, ino) that reads inodes
 * with super_ops->read_inode and evicts them at the last vfs_iput, the
 * filesystem type list, st_dev numbers and the clock.
 */
#include <stdlib.h>
#include <time.h>
#include "host_vfs_shim.h"

const struct cred root_cred;

static struct fs_type *types;
static struct inode *cache; /* linked through hash_next */
static uint32_t next_dev = 16;
static int64_t fixed_now;

int vfs_register_fs(struct fs_type *type)
{
	for (struct fs_type *t = types; t; t = t->next) {
		if (t == type || !strcmp(t->name, type->name))
			return -EBUSY;
	}
	type->next = types;
	types = type;
	return 0;
}

struct fs_type *host_vfs_find_fs(const char *name)
{
	struct fs_type *t = types;

	while (t && strcmp(t->name, name))
		t = t->next;
	return t;
}

uint32_t vfs_new_dev_id(void)
{
	return next_dev++;
}

struct timespec64 vfs_now(void)
{
	struct timespec64 ts;
	struct timespec now;

	if (fixed_now) {
		ts.tv_sec = fixed_now;
		ts.tv_nsec = 0;
		return ts;
	}
	clock_gettime(CLOCK_REALTIME, &now);
	ts.tv_sec = now.tv_sec;
	ts.tv_nsec = now.tv_nsec;
	return ts;
}

void host_vfs_set_now(int64_t sec)
{
	fixed_now = sec;
}

int vfs_iget(struct super_block *sb, uint64_t ino, struct inode **out)
{
	struct inode *i;
	int err;

	for (i = cache; i; i = i->hash_next) {
		if (i->sb == sb && i->ino == ino) {
			i->refcnt++;
			*out = i;
			return 0;
		}
	}
	i = calloc(1, sizeof(*i));
	if (!i)
		return -ENOMEM;
	i->sb = sb;
	i->ino = ino;
	i->refcnt = 1;
	err = sb->ops->read_inode(i);
	if (err) {
		free(i);
		return err;
	}
	i->hash_next = cache;
	cache = i;
	*out = i;
	return 0;
}

void vfs_igrab(struct inode *ino)
{
	ino->refcnt++;
}

void vfs_iput(struct inode *ino)
{
	struct inode **pp;

	if (!ino)
		return;
	if (ino->refcnt <= 0)
		panic("vfs_iput: inode %llu has refcnt %d", (unsigned long long)ino->ino,
		      ino->refcnt);
	if (--ino->refcnt > 0)
		return;
	for (pp = &cache; *pp && *pp != ino; pp = &(*pp)->hash_next)
		;
	if (*pp)
		*pp = ino->hash_next;
	if (ino->sb->ops->evict_inode)
		ino->sb->ops->evict_inode(ino);
	free(ino);
}

unsigned host_vfs_inodes(const struct super_block *sb)
{
	unsigned n = 0;

	for (struct inode *i = cache; i; i = i->hash_next)
		n += i->sb == sb;
	return n;
}
