/*
 * The working directory and path names of directories: chdir, getcwd, and
 * the path builder /proc/mounts uses. A name is found the way a
 * filesystem without a dentry cache must: go to ".." and read it for the
 * entry whose inode number is the child's (as 4.4BSD getcwd(3) did in user
 * space). Mount roots are left through their mountpoint. References:
 * getcwd(2) (ERANGE, ENOENT for an unlinked directory), chdir(2).
 */
#include <ksvc.h>
#include "fs/vfs_internal.h"
#include "kernel/mm/heap.h"

#define CWD_DEPTH_MAX 2048 /* a loop in corrupt metadata ends here */

int vfs_chdir(struct vfs_ctx *ctx, const char *path)
{
	struct vpath p;
	int err;

	err = vfs_lookup(ctx, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	if (err)
		return err;
	err = vfs_may(&p, ctx->cred, MAY_EXEC);
	if (err) {
		vpath_put(&p);
		return err;
	}
	vpath_put(&ctx->cwd);
	ctx->cwd = p;
	return 0;
}

struct name_search {
	uint64_t ino;
	char *name; /* NAME_MAX + 1 */
	size_t len;
	bool found;
};

static int match_ino(void *arg, const char *name, size_t len, uint64_t ino, unsigned type)
{
	struct name_search *s = arg;

	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	if (ino != s->ino || len > NAME_MAX)
		return 0;
	memcpy(s->name, name, len);
	s->len = len;
	s->found = true;
	return 1;
}

/* Name of the entry of `dir` whose inode number is ino. */
static int find_name(struct vpath *dir, uint64_t ino, struct name_search *s)
{
	struct file f;
	uint64_t pos = 0;
	int err;

	s->ino = ino;
	s->found = false;
	err = vfs_dir_open_tmp(dir, &f);
	if (err)
		return err;
	err = f.ops->readdir(&f, &pos, match_ino, s);
	vfs_dir_close_tmp(&f);
	if (err)
		return err;
	return s->found ? 0 : -ENOENT;
}

long vfs_path_build(const struct vpath *p, const struct vpath *root, char *buf, size_t size)
{
	struct name_search s;
	struct vpath cur = *p;
	size_t end = size;
	int depth, err = 0;
	char name[NAME_MAX + 1];

	if (size < 2)
		return -ERANGE;
	buf[--end] = '\0';
	s.name = name;
	vpath_get(&cur);
	for (depth = 0; depth < CWD_DEPTH_MAX; depth++) {
		struct inode *parent;
		struct vpath up;

		if (vpath_equal(&cur, root))
			break;
		if (cur.inode == cur.mnt->root) {
			if (!cur.mnt->parent)
				break; /* outside the caller's root: show it from the top */
			up.mnt = cur.mnt->parent;
			up.inode = cur.mnt->mountpoint;
			vpath_get(&up);
			vpath_put(&cur);
			cur = up;
			continue;
		}
		err = vfs_lookup_child(cur.inode, "..", 2, &parent);
		if (err)
			break;
		vpath_adopt(&up, cur.mnt, parent);
		err = find_name(&up, cur.inode->ino, &s);
		vpath_put(&cur);
		cur = up;
		if (err)
			break;
		if (s.len + 1 > end) {
			err = -ENAMETOOLONG;
			break;
		}
		end -= s.len;
		memcpy(buf + end, s.name, s.len);
		buf[--end] = '/';
	}
	if (depth == CWD_DEPTH_MAX)
		err = -ELOOP;
	vpath_put(&cur);
	if (err)
		return err;
	if (end == size - 1)
		buf[--end] = '/';
	return (long)end;
}

/* Returns the length including the terminating NUL, as the getcwd system
 * call does. */
int vfs_getcwd(struct vfs_ctx *ctx, char *buf, size_t size)
{
	char *path;
	long start;
	size_t len;

	if (ctx->cwd.inode->nlink == 0)
		return -ENOENT;
	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	start = vfs_path_build(&ctx->cwd, &ctx->root, path, PATH_MAX);
	if (start < 0) {
		kfree(path);
		return (int)start;
	}
	len = PATH_MAX - (size_t)start;
	if (len > size) {
		kfree(path);
		return -ERANGE;
	}
	memcpy(buf, path + start, len);
	kfree(path);
	return (int)len;
}

int vfs_file_path(struct file *f, const struct vpath *root, char *buf, size_t size)
{
	static const char deleted[] = " (deleted)";
	struct vpath top;
	const struct vpath *from = S_ISDIR(f->inode->mode) ? &f->path : &f->dir;
	bool gone = f->inode->nlink == 0 && !S_ISDIR(f->inode->mode);
	size_t len, name_len = f->name ? strlen(f->name) : 0;
	char *path;
	long start;

	if (!from->inode)
		return -ENOENT;
	if (!root) {
		unsigned long fl = spin_lock_irqsave(&vfs_lock);

		top.mnt = vfs_root_mnt;
		top.inode = vfs_root_mnt ? vfs_root_mnt->root : NULL;
		spin_unlock_irqrestore(&vfs_lock, fl);
		root = &top;
	}
	path = kmalloc(PATH_MAX);
	if (!path)
		return -ENOMEM;
	start = vfs_path_build(from, root, path, PATH_MAX);
	if (start < 0) {
		kfree(path);
		return (int)start;
	}
	len = PATH_MAX - 1 - (size_t)start; /* without the NUL */
	if (from == &f->dir) {
		/* The directory's path, then "/name" ("/" alone at the top). */
		size_t sep = path[PATH_MAX - 2] == '/' ? 0 : 1;

		if (len + sep + name_len + sizeof(deleted) > size) {
			kfree(path);
			return -ENAMETOOLONG;
		}
		memcpy(buf, path + start, len);
		if (sep)
			buf[len++] = '/';
		memcpy(buf + len, f->name, name_len);
		len += name_len;
	} else {
		if (len + sizeof(deleted) > size) {
			kfree(path);
			return -ENAMETOOLONG;
		}
		memcpy(buf, path + start, len);
	}
	if (gone) {
		memcpy(buf + len, deleted, sizeof(deleted) - 1);
		len += sizeof(deleted) - 1;
	}
	kfree(path);
	return (int)len;
}
