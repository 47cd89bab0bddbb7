/*
 * Credential system calls (Linux x86_64 numbers): the get*id and set*id
 * families, getgroups/setgroups and setfsuid/setfsgid. The rules live in
 * kernel/proc/cred.c; this file only moves arguments across the user
 * boundary. The VFS checks permissions against the same struct cred
 * (p->ctx.cred points at p->cred), so a change applies to the next call.
 */
#include <ksvc.h>
#include "kernel/arch/arch.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/process.h"
#include "kernel/syscall/syscall.h"

#define SYS_getuid    102
#define SYS_getgid    104
#define SYS_setuid    105
#define SYS_setgid    106
#define SYS_geteuid   107
#define SYS_getegid   108
#define SYS_setreuid  113
#define SYS_setregid  114
#define SYS_getgroups 115
#define SYS_setgroups 116
#define SYS_setresuid 117
#define SYS_getresuid 118
#define SYS_setresgid 119
#define SYS_getresgid 120
#define SYS_setfsuid  122
#define SYS_setfsgid  123

static struct cred *cred(void)
{
	return &current_process()->cred;
}

/* A uid_t/gid_t argument: the low 32 bits, as the kernel's C prototype
 * (unsigned int) takes them; -1 arrives as 0xffffffff. */
static uint32_t id_arg(long v)
{
	return (uint32_t)v;
}

static long sys_getuid(const long a[6])
{
	return cred()->uid;
}

static long sys_geteuid(const long a[6])
{
	return cred()->euid;
}

static long sys_getgid(const long a[6])
{
	return cred()->gid;
}

static long sys_getegid(const long a[6])
{
	return cred()->egid;
}

static long sys_setuid(const long a[6])
{
	return cred_setuid(cred(), id_arg(a[0]));
}

static long sys_setgid(const long a[6])
{
	return cred_setgid(cred(), id_arg(a[0]));
}

static long sys_setreuid(const long a[6])
{
	return cred_setreuid(cred(), id_arg(a[0]), id_arg(a[1]));
}

static long sys_setregid(const long a[6])
{
	return cred_setregid(cred(), id_arg(a[0]), id_arg(a[1]));
}

static long sys_setresuid(const long a[6])
{
	return cred_setresuid(cred(), id_arg(a[0]), id_arg(a[1]), id_arg(a[2]));
}

static long sys_setresgid(const long a[6])
{
	return cred_setresgid(cred(), id_arg(a[0]), id_arg(a[1]), id_arg(a[2]));
}

/* getresuid/getresgid: three separate user words, each checked. */
static long put_three(const long a[6], uint32_t r, uint32_t e, uint32_t s)
{
	if (copy_to_user((void *)a[0], &r, sizeof(r)) ||
	    copy_to_user((void *)a[1], &e, sizeof(e)) || copy_to_user((void *)a[2], &s, sizeof(s)))
		return -EFAULT;
	return 0;
}

static long sys_getresuid(const long a[6])
{
	const struct cred *c = cred();

	return put_three(a, c->uid, c->euid, c->suid);
}

static long sys_getresgid(const long a[6])
{
	const struct cred *c = cred();

	return put_three(a, c->gid, c->egid, c->sgid);
}

static long sys_setfsuid(const long a[6])
{
	return cred_setfsuid(cred(), id_arg(a[0]));
}

static long sys_setfsgid(const long a[6])
{
	return cred_setfsgid(cred(), id_arg(a[0]));
}

/* getgroups(2): size 0 asks for the count; a smaller list is -EINVAL. */
static long sys_getgroups(const long a[6])
{
	const struct cred *c = cred();
	int size = (int)a[0];

	if (size < 0)
		return -EINVAL;
	if (size == 0)
		return c->ngroups;
	if ((uint32_t)size < c->ngroups)
		return -EINVAL;
	if (copy_to_user((void *)a[1], c->groups, c->ngroups * sizeof(c->groups[0])))
		return -EFAULT;
	return c->ngroups;
}

static long sys_setgroups(const long a[6])
{
	uint32_t groups[NGROUPS_MAX];
	int size = (int)a[0];

	if (!cred_privileged(cred()))
		return -EPERM;
	if (size < 0 || size > NGROUPS_MAX)
		return -EINVAL;
	if (size && copy_from_user(groups, (const void *)a[1], (size_t)size * sizeof(groups[0])))
		return -EFAULT;
	return cred_setgroups(cred(), groups, (size_t)size);
}

void sys_cred_init(void)
{
	static const struct {
		int nr;
		syscall_fn fn;
	} calls[] = {
		{SYS_getuid, sys_getuid},	{SYS_getgid, sys_getgid},
		{SYS_setuid, sys_setuid},	{SYS_setgid, sys_setgid},
		{SYS_geteuid, sys_geteuid},	{SYS_getegid, sys_getegid},
		{SYS_setreuid, sys_setreuid},	{SYS_setregid, sys_setregid},
		{SYS_getgroups, sys_getgroups}, {SYS_setgroups, sys_setgroups},
		{SYS_setresuid, sys_setresuid}, {SYS_getresuid, sys_getresuid},
		{SYS_setresgid, sys_setresgid}, {SYS_getresgid, sys_getresgid},
		{SYS_setfsuid, sys_setfsuid},	{SYS_setfsgid, sys_setfsgid},
	};

	for (size_t i = 0; i < ARRAY_SIZE(calls); i++)
		syscall_set(calls[i].nr, calls[i].fn);
}
