/*
 * Helpers for the ext2 host tests (test_ext2_lib.h): the temporary tree,
 * image creation with the real tools, path operations through the ext2
 * inode and file operations with a host mirror of the expected content,
 * and the checks with e2fsck and debugfs. The real VFS is replaced by
 * tests/unit/svc/host_vfs_shim.c; paths here are resolved with ->lookup.
 */
#include "test_ext2_lib.h"

void t2_suite_setup(void)
{
	t2h_base_init();
}

void t2_suite_teardown(void)
{
	t2h_base_fini();
}

void t2_test_setup(void)
{
	/* Each test runs in its own process: register ext2 there. */
	if (!host_vfs_find_fs("ext2"))
		ck_assert_int_eq(ext2_init(), 0);
	bcache_init(32 << 20);
	host_log_clear();
}

void t2_test_teardown(void)
{
	ck_assert_int_eq(host_locks_held(), 0);
}

/* ---- images ---------------------------------------------------------------- */

void t2_mke2fs(const char *img, const char *type, unsigned bs, const char *src, const char *size,
	       const char *extra)
{
	char *out;
	char dopt[T2_PATH + 8] = "";
	int st;

	if (src)
		snprintf(dopt, sizeof(dopt), "-d '%s'", src);
	st = t2h_sh(&out, "mke2fs -q -t %s -b %u %s %s -F '%s' %s", type, bs, extra, dopt, img,
		    size);
	ck_assert_msg(st == 0, "mke2fs failed: %s", out);
	free(out);
}

void t2_genext2fs(const char *img, unsigned bs, unsigned blocks, const char *src)
{
	char *out;
	int st = t2h_sh(&out, "genext2fs -B %u -b %u -d '%s' '%s'", bs, blocks, src, img);

	ck_assert_msg(st == 0, "genext2fs failed: %s", out);
	free(out);
}

/* ---- mounting -------------------------------------------------------------- */

int t2_mount(struct t2_fs *fs, const char *img, unsigned flags, bool ro_dev)
{
	struct fs_type *type = host_vfs_find_fs("ext2");
	int err;

	memset(fs, 0, sizeof(*fs));
	snprintf(fs->img, sizeof(fs->img), "%s", img);
	ck_assert_ptr_nonnull(type);
	fs->dev = host_blk_open(img, ro_dev);
	ck_assert_ptr_nonnull(fs->dev);
	err = type->mount(fs->dev, flags, NULL, &fs->sb);
	if (err) {
		host_blk_close(fs->dev);
		fs->dev = NULL;
		return err;
	}
	/* What vfs_mount does after type->mount. */
	fs->sb->type = type;
	fs->sb->dev = fs->dev;
	fs->sb->flags |= flags & SB_RDONLY;
	err = vfs_iget(fs->sb, fs->sb->root_ino, &fs->root);
	ck_assert_int_eq(err, 0);
	ck_assert(S_ISDIR(fs->root->mode));
	return 0;
}

void t2_umount(struct t2_fs *fs)
{
	int err;

	ck_assert_ptr_nonnull(fs->sb);
	err = fs->sb->ops->sync(fs->sb);
	ck_assert_int_eq(err, 0);
	vfs_iput(fs->root);
	fs->root = NULL;
	ck_assert_uint_eq(host_vfs_inodes(fs->sb), 0);
	fs->sb->ops->put_super(fs->sb);
	fs->sb = NULL;
	host_blk_close(fs->dev);
	fs->dev = NULL;
}

void t2_mirror(struct t2_fs *fs, const char *dir)
{
	snprintf(fs->mirror, sizeof(fs->mirror), "%s", dir);
}

static const char *mpath(struct t2_fs *fs, const char *path)
{
	static char buf[2][T2_PATH * 2];
	static int which;

	which ^= 1;
	snprintf(buf[which], sizeof(buf[which]), "%s%s", fs->mirror, path);
	return buf[which];
}

/* ---- path resolution -------------------------------------------------------- */

static int walk(struct t2_fs *fs, const char *path, size_t len, struct inode **out)
{
	struct inode *cur = fs->root;
	size_t i = 0;

	vfs_igrab(cur);
	while (i < len) {
		size_t j;
		struct inode *next;
		int err;

		while (i < len && path[i] == '/')
			i++;
		if (i == len)
			break;
		for (j = i; j < len && path[j] != '/'; j++)
			;
		if (!S_ISDIR(cur->mode)) {
			vfs_iput(cur);
			return -ENOTDIR;
		}
		err = cur->iops->lookup(cur, path + i, j - i, &next);
		vfs_iput(cur);
		if (err)
			return err;
		cur = next;
		i = j;
	}
	*out = cur;
	return 0;
}

int t2_lookup(struct t2_fs *fs, const char *path, struct inode **out)
{
	return walk(fs, path, strlen(path), out);
}

/* The parent directory of path (referenced) and the last component. */
static int parent_of(struct t2_fs *fs, const char *path, struct inode **dir, const char **name,
		     size_t *len)
{
	const char *slash = strrchr(path, '/');

	ck_assert_ptr_nonnull(slash);
	*name = slash + 1;
	*len = strlen(slash + 1);
	return walk(fs, path, (size_t)(slash - path), dir);
}

static const struct cred test_cred = {
	.uid = 1000, .euid = 1000, .fsuid = 1000, .gid = 100, .egid = 100, .fsgid = 100};

int t2_mkdir(struct t2_fs *fs, const char *path, uint32_t mode)
{
	struct inode *dir, *ino;
	const char *name;
	size_t len;
	int err = parent_of(fs, path, &dir, &name, &len);

	if (err)
		return err;
	err = dir->iops->mkdir(dir, name, len, S_IFDIR | mode, &test_cred, &ino);
	vfs_iput(dir);
	if (err)
		return err;
	ck_assert(S_ISDIR(ino->mode));
	ck_assert_uint_eq(ino->nlink, 2);
	vfs_iput(ino);
	if (fs->mirror[0])
		t2h_mkdir(mpath(fs, path), mode);
	return 0;
}

int t2_mknod(struct t2_fs *fs, const char *path, uint32_t mode, uint32_t rdev)
{
	struct inode *dir, *ino;
	const char *name;
	size_t len;
	int err = parent_of(fs, path, &dir, &name, &len);

	if (err)
		return err;
	err = dir->iops->create(dir, name, len, mode, rdev, &test_cred, &ino);
	vfs_iput(dir);
	if (!err)
		vfs_iput(ino);
	return err;
}

int t2_create(struct t2_fs *fs, const char *path, uint32_t mode)
{
	int err = t2_mknod(fs, path, S_IFREG | mode, 0);

	if (!err && fs->mirror[0])
		t2h_create(mpath(fs, path), mode);
	return err;
}

static void open_file(struct file *f, struct inode *ino)
{
	memset(f, 0, sizeof(*f));
	f->inode = ino;
	f->path.inode = ino;
	f->ops = ino->fops;
	f->refcnt = 1;
}

long t2_write(struct t2_fs *fs, const char *path, uint64_t off, const void *buf, size_t len)
{
	struct inode *ino;
	struct file f;
	long n;
	int err = t2_lookup(fs, path, &ino);

	if (err)
		return err;
	open_file(&f, ino);
	n = ino->fops->write(&f, buf, len, off);
	vfs_iput(ino);
	if (n > 0 && fs->mirror[0])
		t2h_pwrite(mpath(fs, path), off, buf, (size_t)n);
	return n;
}

long t2_pread(struct t2_fs *fs, const char *path, uint64_t off, void *buf, size_t len)
{
	struct inode *ino;
	struct file f;
	long n;
	int err = t2_lookup(fs, path, &ino);

	if (err)
		return err;
	open_file(&f, ino);
	n = ino->fops->read(&f, buf, len, off);
	vfs_iput(ino);
	return n;
}

int t2_read_file(struct t2_fs *fs, const char *path, uint8_t **buf, size_t *len)
{
	struct inode *ino;
	struct file f;
	size_t done = 0;
	int err = t2_lookup(fs, path, &ino);

	if (err)
		return err;
	*len = (size_t)ino->size;
	*buf = malloc(*len ? *len : 1);
	open_file(&f, ino);
	while (done < *len) {
		/* Odd-sized chunks cross block boundaries. */
		size_t chunk = MIN(*len - done, (size_t)65536 + 17);
		long n = ino->fops->read(&f, *buf + done, chunk, done);

		if (n <= 0) {
			vfs_iput(ino);
			free(*buf);
			*buf = NULL;
			return n < 0 ? (int)n : -EIO;
		}
		done += (size_t)n;
	}
	vfs_iput(ino);
	return 0;
}

int t2_truncate(struct t2_fs *fs, const char *path, uint64_t size)
{
	struct iattr attr = {.valid = ATTR_SIZE, .size = size};
	struct inode *ino;
	int err = t2_lookup(fs, path, &ino);

	if (err)
		return err;
	err = ino->iops->setattr(ino, &attr);
	if (!err)
		err = ino->sb->ops->write_inode(ino);
	vfs_iput(ino);
	if (!err && fs->mirror[0])
		t2h_truncate(mpath(fs, path), size);
	return err;
}

int t2_unlink(struct t2_fs *fs, const char *path)
{
	struct inode *dir;
	const char *name;
	size_t len;
	int err = parent_of(fs, path, &dir, &name, &len);

	if (err)
		return err;
	err = dir->iops->unlink(dir, name, len);
	vfs_iput(dir);
	if (!err && fs->mirror[0])
		t2h_unlink(mpath(fs, path));
	return err;
}

int t2_rmdir(struct t2_fs *fs, const char *path)
{
	struct inode *dir;
	const char *name;
	size_t len;
	int err = parent_of(fs, path, &dir, &name, &len);

	if (err)
		return err;
	err = dir->iops->rmdir(dir, name, len);
	vfs_iput(dir);
	if (!err && fs->mirror[0])
		t2h_rmdir(mpath(fs, path));
	return err;
}

int t2_rename(struct t2_fs *fs, const char *from, const char *to)
{
	struct inode *odir, *ndir;
	const char *oname, *nname;
	size_t olen, nlen;
	int err = parent_of(fs, from, &odir, &oname, &olen);

	if (err)
		return err;
	err = parent_of(fs, to, &ndir, &nname, &nlen);
	if (err) {
		vfs_iput(odir);
		return err;
	}
	err = odir->iops->rename(odir, oname, olen, ndir, nname, nlen);
	vfs_iput(odir);
	vfs_iput(ndir);
	if (!err && fs->mirror[0])
		t2h_rename(mpath(fs, from), mpath(fs, to));
	return err;
}

int t2_symlink(struct t2_fs *fs, const char *target, const char *path)
{
	struct inode *dir, *ino;
	const char *name;
	size_t len;
	int err = parent_of(fs, path, &dir, &name, &len);

	if (err)
		return err;
	err = dir->iops->symlink(dir, name, len, target, &test_cred, &ino);
	vfs_iput(dir);
	if (err)
		return err;
	ck_assert(S_ISLNK(ino->mode));
	ck_assert_uint_eq(ino->size, strlen(target));
	vfs_iput(ino);
	if (fs->mirror[0])
		t2h_symlink(target, mpath(fs, path));
	return 0;
}

int t2_link(struct t2_fs *fs, const char *old, const char *path)
{
	struct inode *dir, *ino;
	const char *name;
	size_t len;
	int err = t2_lookup(fs, old, &ino);

	if (err)
		return err;
	err = parent_of(fs, path, &dir, &name, &len);
	if (!err) {
		err = dir->iops->link(dir, name, len, ino);
		vfs_iput(dir);
	}
	vfs_iput(ino);
	if (!err && fs->mirror[0])
		t2h_link(mpath(fs, old), mpath(fs, path));
	return err;
}

int t2_readlink(struct t2_fs *fs, const char *path, char *buf, size_t size)
{
	struct inode *ino;
	int err = t2_lookup(fs, path, &ino);

	if (err)
		return err;
	err = ino->iops && ino->iops->readlink ? ino->iops->readlink(ino, buf, size) : -EINVAL;
	vfs_iput(ino);
	return err;
}

int t2_fsync(struct t2_fs *fs, const char *path)
{
	struct inode *ino;
	struct file f;
	int err = t2_lookup(fs, path, &ino);

	if (err)
		return err;
	open_file(&f, ino);
	err = ino->fops->fsync(&f);
	vfs_iput(ino);
	return err;
}

static int collect(void *ctx, const char *name, size_t len, uint64_t ino, unsigned type)
{
	if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
		return 0;
	t2h_names_add(ctx, name, len);
	return 0;
}

static int list_dir(struct t2_fs *fs, const char *path, struct t2h_names *l)
{
	struct inode *ino;
	struct file f;
	uint64_t pos = 0;
	int err = t2_lookup(fs, path, &ino);

	memset(l, 0, sizeof(*l));
	if (err)
		return err;
	open_file(&f, ino);
	err = ino->fops->readdir(&f, &pos, collect, l);
	vfs_iput(ino);
	t2h_names_sort(l);
	return err;
}

int t2_list(struct t2_fs *fs, const char *path, char *out, size_t size)
{
	struct t2h_names l;
	int err = list_dir(fs, path, &l);

	out[0] = '\0';
	for (size_t i = 0; !err && i < l.n; i++) {
		if (i)
			strncat(out, "/", size - strlen(out) - 1);
		strncat(out, l.names[i], size - strlen(out) - 1);
	}
	t2h_names_free(&l);
	return err;
}

/* ---- checks ---------------------------------------------------------------- */

void t2_fsck(const char *img)
{
	char *out;
	int st = t2h_sh(&out, "e2fsck -fn '%s'", img);

	if (st != 0 || strstr(out, "? no") || strstr(out, "? yes"))
		ck_abort_msg("e2fsck -fn %s exited %d:\n%s", img, st, out);
	free(out);
}

void t2_compare_rdump(const char *img, const char *dir)
{
	char out[T2_PATH];
	char *log;
	int st;

	snprintf(out, sizeof(out), "%s", t2h_tmpdir("rdump"));
	st = t2h_sh(&log, "debugfs -R 'rdump / %s' '%s'", out, img);
	ck_assert_msg(st == 0, "debugfs rdump: %s", log);
	free(log);
	t2h_compare_trees(out, dir, true);
	t2h_sh(NULL, "rm -rf '%s'", out);
}

void t2_debugfs_cat(const char *img, const char *path, const void *expect, size_t len)
{
	char cmd[T2_PATH * 2];
	uint8_t *buf = malloc(len + 2);
	size_t got = 0, n;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "debugfs -R 'cat %s' '%s' 2>/dev/null", path, img);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	while ((n = fread(buf + got, 1, len + 2 - got, p)) > 0 && got < len + 1)
		got += n;
	pclose(p);
	ck_assert_msg(got == len, "debugfs cat %s: %zu bytes, expected %zu", path, got, len);
	ck_assert_msg(!memcmp(buf, expect, len), "debugfs cat %s: contents differ", path);
	free(buf);
}

void t2_debugfs_ls(const char *img, const char *dir, const char *name, uint64_t size)
{
	char *out, *line, *save = NULL;
	bool found = false;

	ck_assert_int_eq(t2h_sh(&out, "debugfs -R 'ls -l %s' '%s'", dir, img), 0);
	for (line = strtok_r(out, "\n", &save); line && !found;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned long long sz;
		char nm[256];

		/* "  12  100644 (1)  0  0  2000 22-Nov-2026 12:19 x" */
		if (sscanf(line, " %*u %*o (%*d) %*u %*u %llu %*s %*s %255s", &sz, nm) == 2)
			found = !strcmp(nm, name) && sz == size;
	}
	ck_assert_msg(found, "debugfs ls -l %s: no %s of %llu bytes", dir, name,
		      (unsigned long long)size);
	free(out);
}

void t2_compare_tree(struct t2_fs *fs, const char *path, const char *dir)
{
	struct t2h_names le, lh;
	bool top = !strcmp(path, "/");

	ck_assert_int_eq(list_dir(fs, path, &le), 0);
	if (top) {
		/* The image's own lost+found is not in the source. */
		for (size_t i = 0; i < le.n; i++) {
			if (!strcmp(le.names[i], "lost+found")) {
				free(le.names[i]);
				memmove(&le.names[i], &le.names[i + 1],
					(le.n - i - 1) * sizeof(*le.names));
				le.n--;
				break;
			}
		}
	}
	t2h_list(dir, false, &lh);
	t2h_names_equal(dir, &le, &lh);
	for (size_t i = 0; i < lh.n; i++) {
		char hp[T2_PATH * 2], ep[T2_PATH * 2];
		struct t2h_stat st;
		struct inode *ino;
		char type;

		snprintf(hp, sizeof(hp), "%s/%s", dir, lh.names[i]);
		snprintf(ep, sizeof(ep), "%s%s%s", path, top ? "" : "/", lh.names[i]);
		t2h_lstat(hp, &st);
		ck_assert_int_eq(t2_lookup(fs, ep, &ino), 0);
		type = S_ISDIR(ino->mode)   ? 'd'
		       : S_ISREG(ino->mode) ? 'f'
		       : S_ISLNK(ino->mode) ? 'l'
					    : '?';
		ck_assert_msg((uint32_t)type == st.type, "%s: type", ep);
		ck_assert_msg((ino->mode & 07777) == st.mode, "%s: mode %o vs %o", ep, ino->mode,
			      st.mode);
		if (type != 'd')
			ck_assert_msg(ino->size == st.size, "%s: size", ep);
		ck_assert_uint_eq(ino->nlink, st.nlink);
		vfs_iput(ino);
		if (type == 'd') {
			t2_compare_tree(fs, ep, hp);
		} else if (type == 'l') {
			char te[PATH_MAX], th[PATH_MAX];
			int ne = t2_readlink(fs, ep, te, sizeof(te));
			int nh = t2h_readlink(hp, th, sizeof(th));

			ck_assert_msg(ne == nh && !memcmp(te, th, (size_t)nh), "%s: link target",
				      ep);
		} else {
			size_t ne, nh;
			uint8_t *de, *dh = t2h_read(hp, &nh);

			ck_assert_int_eq(t2_read_file(fs, ep, &de, &ne), 0);
			ck_assert_uint_eq(ne, nh);
			ck_assert_msg(!memcmp(de, dh, nh), "%s: contents differ", ep);
			free(de);
			free(dh);
		}
	}
	t2h_names_free(&le);
	t2h_names_free(&lh);
}

void t2_verify(struct t2_fs *fs, const char *const *samples, unsigned nsample)
{
	char img[T2_PATH], mirror[T2_PATH];

	snprintf(img, sizeof(img), "%s", fs->img);
	snprintf(mirror, sizeof(mirror), "%s", fs->mirror);
	t2_umount(fs);
	t2_fsck(img);
	if (mirror[0])
		t2_compare_rdump(img, mirror);
	for (unsigned i = 0; i < nsample; i++) {
		char hp[T2_PATH * 2];
		size_t len;
		uint8_t *data;

		snprintf(hp, sizeof(hp), "%s%s", mirror, samples[i]);
		data = t2h_read(hp, &len);
		t2_debugfs_cat(img, samples[i], data, len);
		free(data);
	}
}
