/*
 * Host tests of the permission rules (fs/perm.c) and how the VFS applies
 * them: the full owner/group/other/root matrix of vfs_permission, the
 * sticky bit, chmod and chown (including setuid/setgid clearing), umask,
 * setgid directories, access(2) with real ids, writes and truncates by
 * non-root callers, utimensat's rules, open access modes, protected hard
 * links and mknod. Expected values follow Linux (generic_permission,
 * setattr_prepare, chown_common, should_remove_suid, utimensat(2)).
 */
#include "test_vfs_util.h"
#include "fs/vfs_internal.h"

static const uint32_t groups_1000[] = {200, 300};

/* ---- the pure matrix ---------------------------------------------------- */

static struct inode fake_inode(uint32_t mode, uint32_t uid, uint32_t gid)
{
	struct inode ino;

	memset(&ino, 0, sizeof(ino));
	ino.mode = mode;
	ino.uid = uid;
	ino.gid = gid;
	return ino;
}

START_TEST(test_permission_classes)
{
	struct cred owner = th_cred(1000, 100, 2, groups_1000);
	struct cred member = th_cred(1001, 100, 0, NULL);
	struct cred supp = th_cred(1002, 555, 1, (const uint32_t[]){100});
	struct cred other = th_cred(1003, 555, 1, (const uint32_t[]){7});
	uint32_t mode;

	for (mode = 0; mode < 01000; mode++) {
		struct inode f = fake_inode(S_IFREG | mode, 1000, 100);
		int mask;

		for (mask = 1; mask < 8; mask++) {
			/* One class decides: owner, else group, else other. */
			int o = (int)(mode >> 6) & 7, g = (int)(mode >> 3) & 7, x = (int)mode & 7;
			int want_o = (mask & ~o) ? -EACCES : 0;
			int want_g = (mask & ~g) ? -EACCES : 0;
			int want_x = (mask & ~x) ? -EACCES : 0;

			ck_assert_int_eq(vfs_permission(&f, &owner, mask), want_o);
			ck_assert_int_eq(vfs_permission(&f, &member, mask), want_g);
			ck_assert_int_eq(vfs_permission(&f, &supp, mask), want_g);
			ck_assert_int_eq(vfs_permission(&f, &other, mask), want_x);
		}
	}
}
END_TEST

START_TEST(test_permission_root)
{
	uint32_t mode;

	for (mode = 0; mode < 01000; mode++) {
		struct inode f = fake_inode(S_IFREG | mode, 1000, 100);
		struct inode d = fake_inode(S_IFDIR | mode, 1000, 100);
		int mask;

		for (mask = 1; mask < 8; mask++) {
			int want = ((mask & MAY_EXEC) && !(mode & 0111)) ? -EACCES : 0;

			ck_assert_int_eq(vfs_permission(&f, &root_cred, mask), want);
			ck_assert_int_eq(vfs_permission(&d, &root_cred, mask), 0);
		}
	}
}
END_TEST

START_TEST(test_permission_cases)
{
	struct cred owner = th_cred(1000, 100, 0, NULL);
	struct cred member = th_cred(1001, 100, 0, NULL);
	struct inode f;

	/* The owner is refused what the group and others may do. */
	f = fake_inode(S_IFREG | 0077, 1000, 100);
	ck_assert_int_eq(vfs_permission(&f, &owner, MAY_READ), -EACCES);
	ck_assert_int_eq(vfs_permission(&f, &member, MAY_READ), 0);
	/* A group member is refused what others may do. */
	f = fake_inode(S_IFREG | 0607, 1000, 100);
	ck_assert_int_eq(vfs_permission(&f, &member, MAY_READ), -EACCES);
	/* Only the fs ids count. */
	owner.uid = owner.euid = 0;
	ck_assert_int_eq(vfs_permission(&f, &owner, MAY_READ | MAY_WRITE), 0);
	owner.fsuid = 5;
	ck_assert_int_eq(vfs_permission(&f, &owner, MAY_READ), -EACCES); /* group class */
	owner.fsgid = 5;
	ck_assert_int_eq(vfs_permission(&f, &owner, MAY_READ | MAY_WRITE | MAY_EXEC), 0);
	ck_assert_int_eq(vfs_permission(&f, &owner, MAY_EXEC), 0);
	/* Root executes a file with any x bit. */
	f = fake_inode(S_IFREG | 0001, 1000, 100);
	ck_assert_int_eq(vfs_permission(&f, &root_cred, MAY_EXEC), 0);
	f = fake_inode(S_IFREG | 0666, 1000, 100);
	ck_assert_int_eq(vfs_permission(&f, &root_cred, MAY_EXEC), -EACCES);
}
END_TEST

START_TEST(test_inode_init_owner)
{
	struct cred u = th_cred(1000, 100, 1, (const uint32_t[]){50});
	struct cred v = th_cred(1001, 100, 0, NULL);
	struct inode plain = fake_inode(S_IFDIR | 0777, 0, 0);
	struct inode sgid = fake_inode(S_IFDIR | 02777, 0, 50);
	uint32_t uid, gid, mode;

	vfs_inode_init_owner(&plain, S_IFREG | 02755, &v, &uid, &gid, &mode);
	ck_assert_uint_eq(uid, 1001);
	ck_assert_uint_eq(gid, 100);
	ck_assert_uint_eq(mode, S_IFREG | 02755);
	vfs_inode_init_owner(&sgid, S_IFREG | 0644, &v, &uid, &gid, &mode);
	ck_assert_uint_eq(gid, 50);
	ck_assert_uint_eq(mode, S_IFREG | 0644);
	vfs_inode_init_owner(&sgid, S_IFDIR | 0755, &v, &uid, &gid, &mode);
	ck_assert_uint_eq(gid, 50);
	ck_assert_uint_eq(mode, S_IFDIR | 02755);
	/* Setgid-executable file: kept for a member of the group, dropped for
	 * anyone else, kept for root. */
	vfs_inode_init_owner(&sgid, S_IFREG | 02755, &u, &uid, &gid, &mode);
	ck_assert_uint_eq(mode, S_IFREG | 02755);
	vfs_inode_init_owner(&sgid, S_IFREG | 02755, &v, &uid, &gid, &mode);
	ck_assert_uint_eq(mode, S_IFREG | 0755);
	vfs_inode_init_owner(&sgid, S_IFREG | 02755, &root_cred, &uid, &gid, &mode);
	ck_assert_uint_eq(mode, S_IFREG | 02755);
	/* Without group execute it is not a setgid program: kept. */
	vfs_inode_init_owner(&sgid, S_IFREG | 02644, &v, &uid, &gid, &mode);
	ck_assert_uint_eq(mode, S_IFREG | 02644);
}
END_TEST

/* ---- through the VFS ------------------------------------------------------ */

START_TEST(test_sticky)
{
	struct cred a = th_cred(1000, 100, 0, NULL), b = th_cred(1001, 100, 0, NULL);
	struct cred c = th_cred(1002, 100, 0, NULL);
	struct vfs_ctx ac, bc, cc;

	ck_assert_int_eq(vfs_mkdir(&ctx, "/tmp", 01777), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/tmp", 01777), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/ctmp", 0777), 0);
	ck_assert_int_eq(vfs_chown(&ctx, "/ctmp", 1002, 100, true), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/ctmp", 01777), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/open", 0777), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/open", 0777), 0);
	ac = user_ctx(&a);
	bc = user_ctx(&b);
	cc = user_ctx(&c);
	ck_assert_int_eq(put_file(&ac, "/tmp/af", "a", 0666), 0);
	ck_assert_int_eq(put_file(&ac, "/tmp/af2", "a", 0666), 0);
	ck_assert_int_eq(vfs_mkdir(&ac, "/tmp/ad", 0777), 0);
	ck_assert_int_eq(put_file(&bc, "/tmp/bf", "b", 0666), 0);
	ck_assert_int_eq(put_file(&ac, "/ctmp/af", "a", 0666), 0);
	ck_assert_int_eq(put_file(&ac, "/open/af", "a", 0666), 0);
	/* b may not remove, rename or replace a's entries. */
	ck_assert_int_eq(vfs_unlink(&bc, "/tmp/af"), -EPERM);
	ck_assert_int_eq(vfs_rmdir(&bc, "/tmp/ad"), -EPERM);
	ck_assert_int_eq(vfs_rename(&bc, "/tmp/af", "/tmp/x"), -EPERM);
	ck_assert_int_eq(vfs_rename(&bc, "/tmp/bf", "/tmp/af"), -EPERM);
	/* ... though writing the (0666) file is fine. */
	ck_assert_int_eq(put_file(&bc, "/tmp/af", "b", 0666), 0);
	/* Their own things, yes. */
	ck_assert_int_eq(vfs_rename(&bc, "/tmp/bf", "/tmp/bf2"), 0);
	ck_assert_int_eq(vfs_rename(&ac, "/tmp/af2", "/tmp/bf2"), -EPERM);
	ck_assert_int_eq(vfs_rename(&ac, "/tmp/af2", "/tmp/af3"), 0);
	ck_assert_int_eq(vfs_unlink(&ac, "/tmp/af3"), 0);
	ck_assert_int_eq(vfs_rmdir(&ac, "/tmp/ad"), 0);
	/* The directory's owner may remove anything in it. */
	ck_assert_int_eq(vfs_unlink(&bc, "/ctmp/af"), -EPERM);
	ck_assert_int_eq(vfs_unlink(&cc, "/ctmp/af"), 0);
	/* Root may. */
	ck_assert_int_eq(vfs_unlink(&ctx, "/tmp/bf2"), 0);
	/* Without the sticky bit, write permission on the directory is enough. */
	ck_assert_int_eq(vfs_unlink(&bc, "/open/af"), 0);
	vfs_ctx_release(&ac);
	vfs_ctx_release(&bc);
	vfs_ctx_release(&cc);
}
END_TEST

START_TEST(test_chmod_rules)
{
	struct cred a = th_cred(1000, 100, 2, groups_1000);
	struct cred b = th_cred(1001, 100, 0, NULL);
	struct vfs_ctx ac, bc;

	ac = user_ctx(&a);
	bc = user_ctx(&b);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/home", 0777), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/home", 0777), 0);
	ck_assert_int_eq(put_file(&ac, "/home/f", "x", 0644), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 0644);
	ck_assert_int_eq(vfs_chmod(&bc, "/home/f", 0777), -EPERM);
	ck_assert_int_eq(vfs_chmod(&ac, "/home/f", 04755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 04755);
	/* S_ISGID needs the file's group among the caller's. */
	ck_assert_int_eq(vfs_chmod(&ac, "/home/f", 02755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 02755);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/f", 1000, 999, true), 0);
	ck_assert_int_eq(vfs_chmod(&ac, "/home/f", 02755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 0755);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/f", 1000, 300, true), 0); /* supplementary */
	ck_assert_int_eq(vfs_chmod(&ac, "/home/f", 02755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 02755);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/f", 1000, 999, true), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/home/f", 06777), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 06777);
	/* Type bits in the argument are ignored; chmod follows symlinks. */
	ck_assert_int_eq(vfs_symlink(&ac, "f", "/home/l"), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/home/l", S_IFDIR | 0600), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 0600);
	ck_assert_uint_eq(lst_of(&ctx, "/home/l").mode, S_IFLNK | 0777);
	ck_assert_int_eq(vfs_chmod(&ctx, "/home/nonexistent", 0600), -ENOENT);
	vfs_ctx_release(&ac);
	vfs_ctx_release(&bc);
}
END_TEST

START_TEST(test_chown_rules)
{
	struct cred a = th_cred(1000, 100, 2, groups_1000);
	struct cred b = th_cred(1001, 100, 0, NULL);
	struct vfs_ctx ac, bc;
	struct kstat st;

	ac = user_ctx(&a);
	bc = user_ctx(&b);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/home", 0777), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/home", 0777), 0);
	ck_assert_int_eq(put_file(&ac, "/home/f", "x", 0644), 0);
	ck_assert_int_eq(vfs_chown(&ac, "/home/f", 1001, (uint32_t)-1, true), -EPERM);
	ck_assert_int_eq(vfs_chown(&ac, "/home/f", 1000, (uint32_t)-1, true), 0);
	ck_assert_int_eq(vfs_chown(&ac, "/home/f", (uint32_t)-1, 300, true), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").gid, 300);
	ck_assert_int_eq(vfs_chown(&ac, "/home/f", (uint32_t)-1, 100, true), 0);
	ck_assert_int_eq(vfs_chown(&ac, "/home/f", (uint32_t)-1, 400, true), -EPERM);
	ck_assert_int_eq(vfs_chown(&bc, "/home/f", (uint32_t)-1, 100, true), -EPERM);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/f", 4242, 4343, true), 0);
	st = st_of(&ctx, "/home/f");
	ck_assert_uint_eq(st.uid, 4242);
	ck_assert_uint_eq(st.gid, 4343);

	/* Setuid goes on every chown of a non-directory, root's included;
	 * setgid only together with group execute. */
	ck_assert_int_eq(vfs_chmod(&ctx, "/home/f", 06755), 0);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/f", 0, 0, true), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 0755);
	ck_assert_int_eq(vfs_chmod(&ctx, "/home/f", 06745), 0);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/f", (uint32_t)-1, (uint32_t)-1, true), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 02745);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/f", 1000, 100, true), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/home/f", 04755), 0);
	ck_assert_int_eq(vfs_chown(&ac, "/home/f", (uint32_t)-1, 200, true), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/f").mode, S_IFREG | 0755);
	/* Directories keep theirs. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/home/d", 0755), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/home/d", 06755), 0);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/d", 5, 5, true), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/d").mode, S_IFDIR | 06755);
	/* Follow or not. */
	ck_assert_int_eq(vfs_symlink(&ctx, "d", "/home/l"), 0);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/l", 77, 77, false), 0);
	ck_assert_uint_eq(lst_of(&ctx, "/home/l").uid, 77);
	ck_assert_uint_eq(st_of(&ctx, "/home/l").uid, 5);
	ck_assert_int_eq(vfs_chown(&ctx, "/home/l", 78, 78, true), 0);
	ck_assert_uint_eq(st_of(&ctx, "/home/d").uid, 78);
	ck_assert_uint_eq(lst_of(&ctx, "/home/l").uid, 77);
	vfs_ctx_release(&ac);
	vfs_ctx_release(&bc);
}
END_TEST

START_TEST(test_write_clears_suid)
{
	struct cred a = th_cred(1000, 100, 0, NULL);
	struct vfs_ctx ac = user_ctx(&a);
	struct file *f;

	ck_assert_int_eq(put_file(&ctx, "/s", "x", 0666), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/s", 06777), 0);
	/* Root's writes keep the bits. */
	ck_assert_int_eq(put_file(&ctx, "/s", "root", 0), 0);
	ck_assert_uint_eq(st_of(&ctx, "/s").mode, S_IFREG | 06777);
	/* Anyone else's clear them (setgid: only with group execute). */
	ck_assert_int_eq(vfs_open(&ac, "/s", O_WRONLY, 0, &f), 0);
	ck_assert_uint_eq(st_of(&ctx, "/s").mode, S_IFREG | 06777);
	ck_assert_int_eq(vfs_write(f, "", 0), 0);
	ck_assert_uint_eq(st_of(&ctx, "/s").mode, S_IFREG | 06777);
	ck_assert_int_eq(vfs_write(f, "u", 1), 1);
	ck_assert_uint_eq(st_of(&ctx, "/s").mode, S_IFREG | 0777);
	ck_assert_int_eq(vfs_chmod(&ctx, "/s", 06767), 0);
	ck_assert_int_eq(vfs_write(f, "u", 1), 1);
	ck_assert_uint_eq(st_of(&ctx, "/s").mode, S_IFREG | 02767);
	ck_assert_int_eq(vfs_chmod(&ctx, "/s", 04777), 0);
	ck_assert_int_eq(vfs_ftruncate(f, 0), 0);
	ck_assert_uint_eq(st_of(&ctx, "/s").mode, S_IFREG | 0777);
	vfs_close(f);
	ck_assert_int_eq(vfs_chmod(&ctx, "/s", 04777), 0);
	ck_assert_int_eq(vfs_truncate(&ac, "/s", 0), 0);
	ck_assert_uint_eq(st_of(&ctx, "/s").mode, S_IFREG | 0777);
	ck_assert_int_eq(vfs_chmod(&ctx, "/s", 04777), 0);
	ck_assert_int_eq(open_err(&ac, "/s", O_WRONLY | O_TRUNC, 0), 0);
	ck_assert_uint_eq(st_of(&ctx, "/s").mode, S_IFREG | 0777);
	vfs_ctx_release(&ac);
}
END_TEST

START_TEST(test_umask_and_setgid_dirs)
{
	struct cred a = th_cred(1000, 100, 1, (const uint32_t[]){50});
	struct cred b = th_cred(1001, 100, 0, NULL);
	struct vfs_ctx ac, bc;
	struct kstat st;

	ctx.umask = 027;
	ck_assert_int_eq(put_file(&ctx, "/f", "", 0666), 0);
	ck_assert_uint_eq(st_of(&ctx, "/f").mode, S_IFREG | 0640);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d", 0777), 0);
	ck_assert_uint_eq(st_of(&ctx, "/d").mode, S_IFDIR | 0750);
	ck_assert_int_eq(vfs_mknod(&ctx, "/p", S_IFIFO | 0666, 0), 0);
	ck_assert_uint_eq(lst_of(&ctx, "/p").mode, S_IFIFO | 0640);
	ck_assert_int_eq(vfs_mknod(&ctx, "/r", 0666, 0), 0);
	ck_assert_uint_eq(lst_of(&ctx, "/r").mode, S_IFREG | 0640);
	ck_assert_int_eq(vfs_symlink(&ctx, "f", "/l"), 0);
	ck_assert_uint_eq(lst_of(&ctx, "/l").mode, S_IFLNK | 0777);
	/* mkdir keeps the sticky bit but never setuid/setgid from mode. */
	ctx.umask = 0;
	ck_assert_int_eq(vfs_mkdir(&ctx, "/d2", 07777), 0);
	ck_assert_uint_eq(st_of(&ctx, "/d2").mode, S_IFDIR | 01777);
	ck_assert_int_eq(put_file(&ctx, "/f2", "", 07777), 0);
	ck_assert_uint_eq(st_of(&ctx, "/f2").mode, S_IFREG | 07777);

	/* A setgid directory hands down its group, and setgid to subdirs. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/shared", 0777), 0);
	ck_assert_int_eq(vfs_chown(&ctx, "/shared", 0, 50, true), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/shared", 02777), 0);
	ac = user_ctx(&a);
	bc = user_ctx(&b);
	ck_assert_int_eq(put_file(&bc, "/shared/bf", "", 0644), 0);
	st = st_of(&ctx, "/shared/bf");
	ck_assert_uint_eq(st.uid, 1001);
	ck_assert_uint_eq(st.gid, 50);
	ck_assert_int_eq(vfs_mkdir(&bc, "/shared/sub", 0755), 0);
	st = st_of(&ctx, "/shared/sub");
	ck_assert_uint_eq(st.gid, 50);
	ck_assert_uint_eq(st.mode, S_IFDIR | 02755);
	ck_assert_int_eq(vfs_mkdir(&bc, "/shared/sub/deeper", 0755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/shared/sub/deeper").mode, S_IFDIR | 02755);
	ck_assert_int_eq(put_file(&bc, "/shared/bx", "", 02755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/shared/bx").mode, S_IFREG | 0755);
	ck_assert_int_eq(put_file(&ac, "/shared/ax", "", 02755), 0);
	ck_assert_uint_eq(st_of(&ctx, "/shared/ax").mode, S_IFREG | 02755);
	/* Outside it, the creator's fs gid. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/pub", 0777), 0);
	ck_assert_int_eq(put_file(&bc, "/pub/bf", "", 0644), 0);
	ck_assert_uint_eq(st_of(&ctx, "/pub/bf").gid, 100);
	vfs_ctx_release(&ac);
	vfs_ctx_release(&bc);
}
END_TEST

START_TEST(test_access)
{
	struct cred setuid_root = th_cred(1000, 100, 0, NULL);
	struct vfs_ctx sc;

	setuid_root.euid = setuid_root.fsuid = 0;
	setuid_root.egid = setuid_root.fsgid = 0;
	ck_assert_int_eq(put_file(&ctx, "/secret", "x", 0600), 0);
	ck_assert_int_eq(put_file(&ctx, "/pub", "x", 0644), 0);
	ck_assert_int_eq(put_file(&ctx, "/prog", "x", 0744), 0);
	ck_assert_int_eq(vfs_mkdir(&ctx, "/closed", 0700), 0);
	ck_assert_int_eq(put_file(&ctx, "/closed/f", "x", 0644), 0);
	sc = user_ctx(&setuid_root);
	/* The real uid (1000) is what counts, for the walk too. */
	ck_assert_int_eq(vfs_access(&sc, "/secret", R_OK), -EACCES);
	ck_assert_int_eq(vfs_access(&sc, "/secret", F_OK), 0);
	ck_assert_int_eq(vfs_access(&sc, "/pub", R_OK), 0);
	ck_assert_int_eq(vfs_access(&sc, "/pub", W_OK), -EACCES);
	ck_assert_int_eq(vfs_access(&sc, "/closed/f", F_OK), -EACCES);
	/* ... while opening uses the fs ids. */
	ck_assert_int_eq(open_err(&sc, "/secret", O_RDWR, 0), 0);
	ck_assert_int_eq(vfs_access(&sc, "/nonexistent", F_OK), -ENOENT);
	ck_assert_int_eq(vfs_access(&sc, "/pub", 8), -EINVAL);
	/* Root: exec needs some x bit. */
	ck_assert_int_eq(vfs_access(&ctx, "/secret", R_OK | W_OK), 0);
	ck_assert_int_eq(vfs_access(&ctx, "/secret", X_OK), -EACCES);
	ck_assert_int_eq(vfs_access(&ctx, "/prog", X_OK), 0);
	ck_assert_int_eq(vfs_access(&ctx, "/closed", X_OK | R_OK | W_OK), 0);
	/* Writes to a read-only mount. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/ro", 0755), 0);
	ck_assert_int_eq(vfs_mount(&ctx, NULL, "/ro", "tmpfs", SB_RDONLY, NULL), 0);
	ck_assert_int_eq(vfs_access(&ctx, "/ro", W_OK), -EROFS);
	ck_assert_int_eq(vfs_access(&ctx, "/ro", R_OK | X_OK), 0);
	vfs_ctx_release(&sc);
}
END_TEST

START_TEST(test_utimens_rules)
{
	struct cred a = th_cred(1000, 100, 0, NULL), b = th_cred(1001, 100, 0, NULL);
	struct cred c = th_cred(1002, 999, 0, NULL);
	struct timespec64 t[2] = {{1000, 5}, {2000, 6}};
	struct timespec64 now2[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
	struct timespec64 omit2[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
	struct timespec64 now_omit[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
	struct timespec64 bad[2] = {{0, 1000000000}, {0, 0}};
	struct vfs_ctx ac = user_ctx(&a), bc = user_ctx(&b), cc = user_ctx(&c);
	struct kstat st;

	ck_assert_int_eq(vfs_mkdir(&ctx, "/h", 0777), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/h", 0777), 0);
	ck_assert_int_eq(put_file(&ac, "/h/f", "x", 0664), 0);
	/* The owner sets anything. */
	ck_assert_int_eq(vfs_utimens(&ac, "/h/f", t, true), 0);
	st = st_of(&ctx, "/h/f");
	ck_assert_int_eq(st.atime.tv_sec, 1000);
	ck_assert_int_eq(st.atime.tv_nsec, 5);
	ck_assert_int_eq(st.mtime.tv_sec, 2000);
	ck_assert_int_eq(st.mtime.tv_nsec, 6);
	ck_assert_int_gt(st.ctime.tv_sec, 2000);
	/* A writer who is not the owner may only touch (both now). */
	ck_assert_int_eq(vfs_utimens(&bc, "/h/f", t, true), -EPERM);
	ck_assert_int_eq(vfs_utimens(&bc, "/h/f", now_omit, true), -EPERM);
	ck_assert_int_eq(vfs_utimens(&bc, "/h/f", NULL, true), 0);
	ck_assert_int_gt(st_of(&ctx, "/h/f").mtime.tv_sec, 2000);
	ck_assert_int_eq(vfs_utimens(&bc, "/h/f", now2, true), 0);
	/* Without write permission: not even that. */
	ck_assert_int_eq(vfs_utimens(&cc, "/h/f", NULL, true), -EACCES);
	ck_assert_int_eq(vfs_utimens(&cc, "/h/f", now2, true), -EACCES);
	ck_assert_int_eq(vfs_utimens(&cc, "/h/f", t, true), -EPERM);
	/* Both omitted: nothing happens, the path is not even looked up. */
	ck_assert_int_eq(vfs_utimens(&cc, "/h/f", omit2, true), 0);
	ck_assert_int_eq(vfs_utimens(&cc, "/nonexistent", omit2, true), 0);
	ck_assert_int_eq(vfs_utimens(&ctx, "/h/f", bad, true), -EINVAL);
	ck_assert_int_eq(vfs_utimens(&ctx, "/nonexistent", NULL, true), -ENOENT);
	/* One omitted keeps that one. */
	ck_assert_int_eq(vfs_utimens(&ac, "/h/f", t, true), 0);
	t[0].tv_nsec = UTIME_OMIT;
	t[1].tv_sec = 3000;
	ck_assert_int_eq(vfs_utimens(&ac, "/h/f", t, true), 0);
	st = st_of(&ctx, "/h/f");
	ck_assert_int_eq(st.atime.tv_sec, 1000);
	ck_assert_int_eq(st.mtime.tv_sec, 3000);
	/* Symlinks themselves with follow = false. */
	ck_assert_int_eq(vfs_symlink(&ctx, "f", "/h/l"), 0);
	t[0].tv_nsec = 0;
	t[0].tv_sec = 7;
	ck_assert_int_eq(vfs_utimens(&ctx, "/h/l", t, false), 0);
	ck_assert_int_eq(lst_of(&ctx, "/h/l").atime.tv_sec, 7);
	ck_assert_int_eq(st_of(&ctx, "/h/f").atime.tv_sec, 1000);
	vfs_ctx_release(&ac);
	vfs_ctx_release(&bc);
	vfs_ctx_release(&cc);
}
END_TEST

START_TEST(test_open_access_modes)
{
	struct cred a = th_cred(1000, 100, 0, NULL);
	struct vfs_ctx ac = user_ctx(&a);
	struct file *f;

	ck_assert_int_eq(vfs_mkdir(&ctx, "/h", 0777), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/h", 0777), 0);
	ck_assert_int_eq(put_file(&ac, "/h/wo", "x", 0200), 0);
	ck_assert_int_eq(put_file(&ac, "/h/ro", "x", 0400), 0);
	ck_assert_int_eq(open_err(&ac, "/h/wo", O_RDONLY, 0), -EACCES);
	ck_assert_int_eq(open_err(&ac, "/h/wo", O_WRONLY, 0), 0);
	ck_assert_int_eq(open_err(&ac, "/h/ro", O_WRONLY, 0), -EACCES);
	ck_assert_int_eq(open_err(&ac, "/h/ro", O_RDWR, 0), -EACCES);
	ck_assert_int_eq(open_err(&ac, "/h/ro", O_RDONLY | O_TRUNC, 0), -EACCES);
	ck_assert_int_eq(open_err(&ac, "/h/ro", O_RDONLY, 0), 0);
	/* The creator may open what it makes, whatever its mode. */
	ck_assert_int_eq(vfs_open(&ac, "/h/new", O_RDWR | O_CREAT, 0444, &f), 0);
	ck_assert_int_eq(vfs_write(f, "ok", 2), 2);
	vfs_close(f);
	ck_assert_int_eq(open_err(&ac, "/h/new", O_RDWR, 0), -EACCES);
	ck_assert_int_eq(open_err(&ac, "/h/new", O_RDWR | O_CREAT, 0444), -EACCES);
	/* Creating needs write and search on the directory. */
	ck_assert_int_eq(vfs_mkdir(&ctx, "/h/nowrite", 0555), 0);
	ck_assert_int_eq(open_err(&ac, "/h/nowrite/x", O_WRONLY | O_CREAT, 0644), -EACCES);
	ck_assert_int_eq(vfs_mkdir(&ac, "/h/nowrite/x", 0755), -EACCES);
	ck_assert_int_eq(vfs_symlink(&ac, "t", "/h/nowrite/x"), -EACCES);
	ck_assert_int_eq(vfs_mknod(&ac, "/h/nowrite/x", S_IFIFO | 0644, 0), -EACCES);
	/* An existing name is EEXIST before EACCES. */
	ck_assert_int_eq(put_file(&ctx, "/h/nowrite/there", "", 0644), 0);
	ck_assert_int_eq(vfs_mkdir(&ac, "/h/nowrite/there", 0755), -EEXIST);
	ck_assert_int_eq(open_err(&ac, "/h/nowrite/there", O_RDONLY | O_CREAT, 0644), 0);
	ck_assert_int_eq(vfs_unlink(&ac, "/h/nowrite/there"), -EACCES);
	ck_assert_int_eq(vfs_unlink(&ac, "/h/nowrite/nonexistent"), -ENOENT);
	/* Truncate needs write permission. */
	ck_assert_int_eq(vfs_truncate(&ac, "/h/ro", 0), -EACCES);
	ck_assert_int_eq(vfs_truncate(&ac, "/h/wo", 0), 0);
	vfs_ctx_release(&ac);
}
END_TEST

START_TEST(test_rename_dir_needs_write)
{
	struct cred a = th_cred(1000, 100, 0, NULL);
	struct vfs_ctx ac = user_ctx(&a);

	ck_assert_int_eq(vfs_mkdir(&ctx, "/h", 0777), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/h", 0777), 0);
	ck_assert_int_eq(vfs_mkdir(&ac, "/h/p1", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ac, "/h/p2", 0755), 0);
	ck_assert_int_eq(vfs_mkdir(&ac, "/h/p1/d", 0555), 0);
	/* Moving a directory to another parent rewrites its "..". */
	ck_assert_int_eq(vfs_rename(&ac, "/h/p1/d", "/h/p2/d"), -EACCES);
	ck_assert_int_eq(vfs_rename(&ac, "/h/p1/d", "/h/p1/e"), 0);
	ck_assert_int_eq(vfs_chmod(&ac, "/h/p1/e", 0755), 0);
	ck_assert_int_eq(vfs_rename(&ac, "/h/p1/e", "/h/p2/d"), 0);
	/* Both directories must be writable. */
	ck_assert_int_eq(vfs_chmod(&ac, "/h/p1", 0555), 0);
	ck_assert_int_eq(vfs_rename(&ac, "/h/p2/d", "/h/p1/d"), -EACCES);
	vfs_ctx_release(&ac);
}
END_TEST

START_TEST(test_link_and_mknod_rules)
{
	struct cred a = th_cred(1000, 100, 0, NULL), b = th_cred(1001, 100, 0, NULL);
	struct vfs_ctx ac = user_ctx(&a), bc = user_ctx(&b);

	ck_assert_int_eq(vfs_mkdir(&ctx, "/h", 0777), 0);
	ck_assert_int_eq(vfs_chmod(&ctx, "/h", 0777), 0);
	ck_assert_int_eq(put_file(&ac, "/h/private", "x", 0644), 0);
	ck_assert_int_eq(put_file(&ac, "/h/shared", "x", 0666), 0);
	ck_assert_int_eq(put_file(&ac, "/h/setuid", "x", 0666), 0);
	ck_assert_int_eq(vfs_chmod(&ac, "/h/setuid", 04666), 0);
	/* protected_hardlinks: only files one could read and write. */
	ck_assert_int_eq(vfs_link(&bc, "/h/private", "/h/bl"), -EPERM);
	ck_assert_int_eq(vfs_link(&bc, "/h/setuid", "/h/bl"), -EPERM);
	ck_assert_int_eq(vfs_link(&bc, "/h/shared", "/h/bl"), 0);
	ck_assert_int_eq(vfs_link(&ac, "/h/private", "/h/al"), 0);
	ck_assert_int_eq(vfs_link(&ctx, "/h/private", "/h/rl"), 0);
	/* Device nodes need root; fifos and plain files do not. */
	ck_assert_int_eq(vfs_mknod(&ac, "/h/c", S_IFCHR | 0644, MKDEV(1, 3)), -EPERM);
	ck_assert_int_eq(vfs_mknod(&ac, "/h/b", S_IFBLK | 0644, MKDEV(8, 0)), -EPERM);
	ck_assert_int_eq(vfs_mknod(&ac, "/h/p", S_IFIFO | 0644, 0), 0);
	ck_assert_int_eq(vfs_mknod(&ac, "/h/r", S_IFREG | 0644, 0), 0);
	ck_assert_int_eq(vfs_mknod(&ctx, "/h/c", S_IFCHR | 0644, MKDEV(1, 3)), 0);
	ck_assert_uint_eq(lst_of(&ctx, "/h/c").rdev, MKDEV(1, 3));
	ck_assert_uint_eq(lst_of(&ctx, "/h/p").rdev, 0);
	vfs_ctx_release(&ac);
	vfs_ctx_release(&bc);
}
END_TEST

static Suite *perm_suite(void)
{
	Suite *s = suite_create("vfs_perm");
	TCase *pure = tcase_create("pure");
	TCase *tc = tcase_create("vfs");

	tcase_add_test(pure, test_permission_classes);
	tcase_add_test(pure, test_permission_root);
	tcase_add_test(pure, test_permission_cases);
	tcase_add_test(pure, test_inode_init_owner);
	suite_add_tcase(s, pure);
	tcase_add_checked_fixture(tc, world_setup, world_teardown);
	tcase_add_test(tc, test_sticky);
	tcase_add_test(tc, test_chmod_rules);
	tcase_add_test(tc, test_chown_rules);
	tcase_add_test(tc, test_write_clears_suid);
	tcase_add_test(tc, test_umask_and_setgid_dirs);
	tcase_add_test(tc, test_access);
	tcase_add_test(tc, test_utimens_rules);
	tcase_add_test(tc, test_open_access_modes);
	tcase_add_test(tc, test_rename_dir_needs_write);
	tcase_add_test(tc, test_link_and_mknod_rules);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(perm_suite());
}
