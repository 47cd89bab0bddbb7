/*
 * Credential rules: the set*id family, setgroups, execve of set-ID files
 * and kill(2)'s permission check, exactly as the man pages state them
 * (setuid(2), setreuid(2), setresuid(2), setfsuid(2), setgroups(2),
 * execve(2), kill(2), credentials(7)). Pure logic shared with the host
 * tests; see cred.h for the privilege model.
 */
#include <ksvc.h>
#include "fs/stat.h"
#include "kernel/proc/cred.h"

bool cred_privileged(const struct cred *c)
{
	return c->euid == 0;
}

bool cred_may_signal(const struct cred *sender, const struct cred *target)
{
	return cred_privileged(sender) || sender->euid == target->uid ||
	       sender->euid == target->suid || sender->uid == target->uid ||
	       sender->uid == target->suid;
}

/* Is `id` one an unprivileged caller may take: its real, effective or
 * saved value? */
static bool one_of(uint32_t id, uint32_t r, uint32_t e, uint32_t s)
{
	return id == r || id == e || id == s;
}

/* ---- user IDs ------------------------------------------------------------ */

int cred_setuid(struct cred *c, uint32_t uid)
{
	if (uid == CRED_KEEP)
		return -EINVAL;
	if (cred_privileged(c)) {
		c->uid = c->euid = c->suid = c->fsuid = uid;
		return 0;
	}
	if (uid != c->uid && uid != c->suid)
		return -EPERM;
	c->euid = c->fsuid = uid;
	return 0;
}

int cred_setreuid(struct cred *c, uint32_t ruid, uint32_t euid)
{
	bool priv = cred_privileged(c);
	uint32_t old_ruid = c->uid;

	if (ruid != CRED_KEEP && !priv && ruid != c->uid && ruid != c->euid)
		return -EPERM;
	if (euid != CRED_KEEP && !priv && !one_of(euid, c->uid, c->euid, c->suid))
		return -EPERM;
	if (ruid != CRED_KEEP)
		c->uid = ruid;
	if (euid != CRED_KEEP)
		c->euid = euid;
	/* setreuid(2): setting the real ID, or the effective one to anything
	 * but the previous real ID, makes the saved ID the new effective one. */
	if (ruid != CRED_KEEP || (euid != CRED_KEEP && euid != old_ruid))
		c->suid = c->euid;
	c->fsuid = c->euid;
	return 0;
}

int cred_setresuid(struct cred *c, uint32_t ruid, uint32_t euid, uint32_t suid)
{
	if (!cred_privileged(c)) {
		if ((ruid != CRED_KEEP && !one_of(ruid, c->uid, c->euid, c->suid)) ||
		    (euid != CRED_KEEP && !one_of(euid, c->uid, c->euid, c->suid)) ||
		    (suid != CRED_KEEP && !one_of(suid, c->uid, c->euid, c->suid)))
			return -EPERM;
	}
	if (ruid != CRED_KEEP)
		c->uid = ruid;
	if (euid != CRED_KEEP)
		c->euid = euid;
	if (suid != CRED_KEEP)
		c->suid = suid;
	c->fsuid = c->euid;
	return 0;
}

uint32_t cred_setfsuid(struct cred *c, uint32_t fsuid)
{
	uint32_t old = c->fsuid;

	if (fsuid == CRED_KEEP)
		return old;
	if (cred_privileged(c) || one_of(fsuid, c->uid, c->euid, c->suid) || fsuid == c->fsuid)
		c->fsuid = fsuid;
	return old;
}

/* ---- group IDs (the same rules; privilege is still the effective uid) ---- */

int cred_setgid(struct cred *c, uint32_t gid)
{
	if (gid == CRED_KEEP)
		return -EINVAL;
	if (cred_privileged(c)) {
		c->gid = c->egid = c->sgid = c->fsgid = gid;
		return 0;
	}
	if (gid != c->gid && gid != c->sgid)
		return -EPERM;
	c->egid = c->fsgid = gid;
	return 0;
}

int cred_setregid(struct cred *c, uint32_t rgid, uint32_t egid)
{
	bool priv = cred_privileged(c);
	uint32_t old_rgid = c->gid;

	if (rgid != CRED_KEEP && !priv && rgid != c->gid && rgid != c->egid)
		return -EPERM;
	if (egid != CRED_KEEP && !priv && !one_of(egid, c->gid, c->egid, c->sgid))
		return -EPERM;
	if (rgid != CRED_KEEP)
		c->gid = rgid;
	if (egid != CRED_KEEP)
		c->egid = egid;
	if (rgid != CRED_KEEP || (egid != CRED_KEEP && egid != old_rgid))
		c->sgid = c->egid;
	c->fsgid = c->egid;
	return 0;
}

int cred_setresgid(struct cred *c, uint32_t rgid, uint32_t egid, uint32_t sgid)
{
	if (!cred_privileged(c)) {
		if ((rgid != CRED_KEEP && !one_of(rgid, c->gid, c->egid, c->sgid)) ||
		    (egid != CRED_KEEP && !one_of(egid, c->gid, c->egid, c->sgid)) ||
		    (sgid != CRED_KEEP && !one_of(sgid, c->gid, c->egid, c->sgid)))
			return -EPERM;
	}
	if (rgid != CRED_KEEP)
		c->gid = rgid;
	if (egid != CRED_KEEP)
		c->egid = egid;
	if (sgid != CRED_KEEP)
		c->sgid = sgid;
	c->fsgid = c->egid;
	return 0;
}

uint32_t cred_setfsgid(struct cred *c, uint32_t fsgid)
{
	uint32_t old = c->fsgid;

	if (fsgid == CRED_KEEP)
		return old;
	if (cred_privileged(c) || one_of(fsgid, c->gid, c->egid, c->sgid) || fsgid == c->fsgid)
		c->fsgid = fsgid;
	return old;
}

int cred_setgroups(struct cred *c, const uint32_t *groups, size_t n)
{
	uint32_t sorted[NGROUPS_MAX];

	if (!cred_privileged(c))
		return -EPERM;
	if (n > NGROUPS_MAX)
		return -EINVAL;
	/* Insertion sort: at most 32 entries. */
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		while (j > 0 && sorted[j - 1] > groups[i]) {
			sorted[j] = sorted[j - 1];
			j--;
		}
		sorted[j] = groups[i];
	}
	memcpy(c->groups, sorted, n * sizeof(sorted[0]));
	c->ngroups = (uint32_t)n;
	return 0;
}

/* ---- execve --------------------------------------------------------------- */

bool cred_exec(struct cred *c, uint32_t mode, uint32_t uid, uint32_t gid)
{
	if (mode & S_ISUID)
		c->euid = uid;
	/* Set-group-ID without group execute marks mandatory locking, not a
	 * set-group-ID program (stat(2), "S_ISGID"). */
	if ((mode & S_ISGID) && (mode & 0010))
		c->egid = gid;
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
	return c->euid != c->uid || c->egid != c->gid;
}
