/*
 * Path resolution (path_resolution(7)): absolute and relative paths,
 * repeated and trailing slashes, "." and "..", mount points in both
 * directions, and symbolic links in the middle and at the end of a path.
 *
 * The walk keeps the unwalked rest of the path at the end of one buffer
 * (NAMEI_BUF bytes, kmalloc'd: kernel stacks are small). A symlink is
 * followed by copying its target in front of the rest, so links nest
 * without recursion; SYMLOOP_MAX (40) links per lookup, as Linux, then
 * -ELOOP. Every directory searched needs MAY_EXEC, checked before its
 * component is looked at (Linux link_path_walk/may_lookup), and a component
 * longer than NAME_MAX gives -ENAMETOOLONG where the filesystem lookup
 * would (after that check). Errors match Linux fs/namei.c.
 */
#include <ksvc.h>
#include "fs/vfs_internal.h"
#include "kernel/mm/heap.h"

int vfs_lookup_child(struct inode *dir, const char *name, size_t len, struct inode **out)
{
	if (len > NAME_MAX)
		return -ENAMETOOLONG;
	if (!S_ISDIR(dir->mode) || !dir->iops || !dir->iops->lookup)
		return -ENOTDIR;
	return dir->iops->lookup(dir, name, len, out);
}

/* ".." from p, in place: stays at the caller's root, climbs out of mounts
 * to the mountpoint first, then asks the filesystem for "..". */
static int follow_dotdot(struct nameidata *nd, struct vpath *p)
{
	struct inode *parent;
	struct vpath up;
	int err;

	for (;;) {
		if (vpath_equal(p, &nd->ctx->root))
			return 0;
		if (p->inode != p->mnt->root)
			break;
		if (!p->mnt->parent)
			return 0; /* the global root: ".." is itself */
		up.mnt = p->mnt->parent;
		up.inode = p->mnt->mountpoint;
		vpath_get(&up);
		vpath_put(p);
		*p = up;
	}
	err = vfs_lookup_child(p->inode, "..", 2, &parent);
	if (err)
		return err;
	vpath_adopt(&up, p->mnt, parent);
	vpath_put(p);
	*p = up;
	vfs_follow_mounts(p);
	return 0;
}

/* Put the target of symlink `link` in front of the rest of the path, which
 * starts at buf[rest]; restart from the root for an absolute target. */
static int splice_link(struct nameidata *nd, struct inode *link, size_t rest)
{
	long n;

	if (++nd->depth > SYMLOOP_MAX)
		return -ELOOP;
	if (!link->iops || !link->iops->readlink)
		return -EIO;
	if (!nd->link) {
		nd->link = kmalloc(PATH_MAX);
		if (!nd->link)
			return -ENOMEM;
	}
	n = link->iops->readlink(link, nd->link, PATH_MAX);
	if (n < 0)
		return (int)n;
	if (n == 0)
		return -ENOENT;
	if (n >= PATH_MAX || (size_t)n > rest)
		return -ENAMETOOLONG;
	nd->pos = rest - (size_t)n;
	memcpy(nd->buf + nd->pos, nd->link, (size_t)n);
	if (nd->link[0] == '/') {
		vpath_put(&nd->path);
		nd->path = nd->ctx->root;
		vpath_get(&nd->path);
	}
	return 0;
}

/* Walk from nd->path through every component but the last. */
static int walk_parent(struct nameidata *nd)
{
	for (;;) {
		char *s = nd->buf + nd->pos, *e, *t;
		struct inode *child;
		struct vpath next;
		size_t len;
		int err;

		while (*s == '/')
			s++;
		if (!*s) {
			/* Nothing left to name: "/" itself, or a target "/". */
			nd->last_type = LAST_ROOT;
			nd->last_len = 0;
			nd->trailing = false;
			nd->pos = (size_t)(s - nd->buf);
			return 0;
		}
		if (!S_ISDIR(nd->path.inode->mode))
			return -ENOTDIR;
		err = vfs_may(&nd->path, nd->cred, MAY_EXEC);
		if (err)
			return err;
		for (e = s; *e && *e != '/'; e++)
			;
		len = (size_t)(e - s);
		for (t = e; *t == '/'; t++)
			;
		if (!*t) {
			if (len > NAME_MAX)
				return -ENAMETOOLONG;
			memcpy(nd->last, s, len);
			nd->last[len] = '\0';
			nd->last_len = len;
			if (len == 1 && s[0] == '.')
				nd->last_type = LAST_DOT;
			else if (len == 2 && s[0] == '.' && s[1] == '.')
				nd->last_type = LAST_DOTDOT;
			else
				nd->last_type = LAST_NORM;
			nd->trailing = t != e;
			nd->pos = (size_t)(e - nd->buf);
			return 0;
		}
		nd->pos = (size_t)(e - nd->buf);
		if (len == 1 && s[0] == '.')
			continue;
		if (len == 2 && s[0] == '.' && s[1] == '.') {
			err = follow_dotdot(nd, &nd->path);
			if (err)
				return err;
			continue;
		}
		err = vfs_lookup_child(nd->path.inode, s, len, &child);
		if (err)
			return err;
		vpath_adopt(&next, nd->path.mnt, child);
		vfs_follow_mounts(&next);
		if (S_ISLNK(next.inode->mode)) {
			err = splice_link(nd, next.inode, nd->pos);
			vpath_put(&next);
			if (err)
				return err;
			continue;
		}
		vpath_put(&nd->path);
		nd->path = next;
	}
}

int namei_parent(struct nameidata *nd, struct vfs_ctx *ctx, const char *path)
{
	size_t len;

	memset(nd, 0, sizeof(*nd));
	nd->ctx = ctx;
	nd->cred = ctx->cred;
	len = strnlen(path, PATH_MAX);
	if (len == 0)
		return -ENOENT;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	nd->buf = kmalloc(NAMEI_BUF);
	if (!nd->buf)
		return -ENOMEM;
	nd->pos = NAMEI_BUF - len - 1;
	memcpy(nd->buf + nd->pos, path, len + 1);
	nd->path = path[0] == '/' ? ctx->root : ctx->cwd;
	vpath_get(&nd->path);
	return walk_parent(nd);
}

int namei_follow_last(struct nameidata *nd, struct inode *link)
{
	int err = splice_link(nd, link, nd->pos);

	return err ? err : walk_parent(nd);
}

int namei_last(struct nameidata *nd, unsigned flags, struct vpath *out)
{
	struct inode *child;
	int err;

	for (;;) {
		if (nd->last_type == LAST_ROOT || nd->last_type == LAST_DOT) {
			*out = nd->path;
			vpath_get(out);
			break;
		}
		if (nd->last_type == LAST_DOTDOT) {
			*out = nd->path;
			vpath_get(out);
			err = follow_dotdot(nd, out);
			if (err) {
				vpath_put(out);
				return err;
			}
			break;
		}
		err = vfs_lookup_child(nd->path.inode, nd->last, nd->last_len, &child);
		if (err)
			return err;
		vpath_adopt(out, nd->path.mnt, child);
		vfs_follow_mounts(out);
		if (S_ISLNK(out->inode->mode) && ((flags & LOOKUP_FOLLOW) || nd->trailing)) {
			err = namei_follow_last(nd, out->inode);
			vpath_put(out);
			if (err)
				return err;
			continue;
		}
		break;
	}
	if (((flags & LOOKUP_DIRECTORY) || nd->trailing) && !S_ISDIR(out->inode->mode)) {
		vpath_put(out);
		return -ENOTDIR;
	}
	return 0;
}

void namei_release(struct nameidata *nd)
{
	vpath_put(&nd->path);
	kfree(nd->buf);
	kfree(nd->link);
	nd->buf = nd->link = NULL;
}

int vfs_lookup(struct vfs_ctx *ctx, const char *path, unsigned flags, struct vpath *out)
{
	struct nameidata nd;
	int err;

	err = namei_parent(&nd, ctx, path);
	if (!err)
		err = namei_last(&nd, flags, out);
	namei_release(&nd);
	return err;
}
