/*
 * Permission rules of the VFS, pure functions of an inode's owner and mode
 * and a credential, so host tests can go through the whole matrix. They
 * follow Linux without ACLs or capabilities other than "fsuid 0 is root":
 * fs/namei.c generic_permission and check_sticky, fs/attr.c
 * setattr_prepare and chown_ok/chgrp_ok, fs/inode.c inode_init_owner and
 * should_remove_suid, fs/open.c chown_common, fs/utimes.c (and
 * utimensat(2)'s permission section).
 */
#include <ksvc.h>
#include "fs/vfs_internal.h"

#define S_IXUGO 0111

bool cred_in_group(const struct cred *cred, uint32_t gid)
{
	uint32_t i, n = cred->ngroups < NGROUPS_MAX ? cred->ngroups : NGROUPS_MAX;

	if (cred->fsgid == gid)
		return true;
	for (i = 0; i < n; i++) {
		if (cred->groups[i] == gid)
			return true;
	}
	return false;
}

static bool cred_root(const struct cred *cred)
{
	return cred->fsuid == 0;
}

int vfs_permission(const struct inode *ino, const struct cred *cred, int mask)
{
	uint32_t mode = ino->mode;

	mask &= MAY_READ | MAY_WRITE | MAY_EXEC;
	/* One class only: the owner's bits even if "other" would allow more. */
	if (cred->fsuid == ino->uid)
		mode >>= 6;
	else if (cred_in_group(cred, ino->gid))
		mode >>= 3;
	if ((mask & ~mode & 7) == 0)
		return 0;
	if (!cred_root(cred))
		return -EACCES;
	/* CAP_DAC_OVERRIDE: anything on a directory; on other files anything
	 * but executing a file that has no execute bit at all. */
	if (S_ISDIR(ino->mode))
		return 0;
	if (!(mask & MAY_EXEC) || (ino->mode & S_IXUGO))
		return 0;
	return -EACCES;
}

int vfs_check_sticky(const struct inode *dir, const struct inode *victim, const struct cred *cred)
{
	if (!(dir->mode & S_ISVTX))
		return 0;
	if (cred->fsuid == victim->uid || cred->fsuid == dir->uid || cred_root(cred))
		return 0;
	return -EPERM;
}

bool vfs_owner_or_root(const struct inode *ino, const struct cred *cred)
{
	return cred->fsuid == ino->uid || cred_root(cred);
}

void vfs_inode_init_owner(const struct inode *dir, uint32_t mode, const struct cred *cred,
			  uint32_t *uid, uint32_t *gid, uint32_t *mode_out)
{
	*uid = cred->fsuid;
	if (dir && (dir->mode & S_ISGID)) {
		*gid = dir->gid;
		if (S_ISDIR(mode))
			mode |= S_ISGID;
		else if ((mode & (S_ISGID | 010)) == (S_ISGID | 010) &&
			 !cred_in_group(cred, dir->gid) && !cred_root(cred))
			mode &= ~S_ISGID;
	} else {
		*gid = cred->fsgid;
	}
	*mode_out = mode;
}

int vfs_chmod_prepare(const struct inode *ino, const struct cred *cred, uint32_t mode,
		      struct iattr *attr)
{
	if (!vfs_owner_or_root(ino, cred))
		return -EPERM;
	mode &= 07777;
	/* setattr_prepare: the group's setgid bit needs membership. */
	if (!cred_in_group(cred, ino->gid) && !cred_root(cred))
		mode &= ~S_ISGID;
	attr->valid |= ATTR_MODE;
	attr->mode = mode;
	return 0;
}

int vfs_chown_prepare(const struct inode *ino, const struct cred *cred, uint32_t uid, uint32_t gid,
		      struct iattr *attr)
{
	uint32_t mode = ino->mode & 07777;

	if (uid != (uint32_t)-1) {
		/* chown_ok: only root gives a file away. */
		if (!cred_root(cred) && !(cred->fsuid == ino->uid && uid == ino->uid))
			return -EPERM;
		attr->valid |= ATTR_UID;
		attr->uid = uid;
	}
	if (gid != (uint32_t)-1) {
		/* chgrp_ok: the owner may pick one of their own groups. */
		if (!cred_root(cred) &&
		    !(cred->fsuid == ino->uid && (gid == ino->gid || cred_in_group(cred, gid))))
			return -EPERM;
		attr->valid |= ATTR_GID;
		attr->gid = gid;
	}
	/* chown_common: ATTR_KILL_SUID/ATTR_KILL_SGID for everything but
	 * directories, whoever the caller is; setgid only matters (and is only
	 * dropped) together with group execute. */
	if (!S_ISDIR(ino->mode)) {
		uint32_t kill = 0;

		if (mode & S_ISUID)
			kill |= S_ISUID;
		if ((mode & (S_ISGID | 010)) == (S_ISGID | 010))
			kill |= S_ISGID;
		if (kill) {
			attr->valid |= ATTR_MODE;
			attr->mode = mode & ~kill;
		}
	}
	return 0;
}

uint32_t vfs_kill_suid_mode(const struct inode *ino, const struct cred *cred)
{
	uint32_t kill = 0;

	if (!S_ISREG(ino->mode) || cred_root(cred))
		return 0;
	if (ino->mode & S_ISUID)
		kill |= S_ISUID;
	if ((ino->mode & (S_ISGID | 010)) == (S_ISGID | 010))
		kill |= S_ISGID;
	return kill;
}

int vfs_utimens_check(const struct inode *ino, const struct cred *cred,
		      const struct timespec64 times[2], int write_err)
{
	bool touch = !times || (times[0].tv_nsec == UTIME_NOW && times[1].tv_nsec == UTIME_NOW);

	if (times && times[0].tv_nsec == UTIME_OMIT && times[1].tv_nsec == UTIME_OMIT)
		return 0;
	if (vfs_owner_or_root(ino, cred))
		return 0;
	/* Setting both times to now needs only write access; anything else
	 * (an explicit time, or now for just one of them) needs ownership. */
	if (touch)
		return write_err ? -EACCES : 0;
	return -EPERM;
}
