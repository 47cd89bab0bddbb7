/*
 * Credential rules (kernel/proc/cred.c): how the set*id calls, execve of a
 * set-user-ID file and kill(2) change or consult a struct cred (fs/vfs.h),
 * following credentials(7), setresuid(2), setreuid(2), setuid(2),
 * setfsuid(2), setgroups(2), execve(2) and kill(2). Pure logic: the system
 * calls (kernel/syscall/sys_cred.c) copy arguments in and out, the host
 * tests (tests/unit/test_cred.c) go through the rules directly.
 *
 * Privilege is Linux's capability model reduced to the effective user ID:
 * euid 0 holds CAP_SETUID, CAP_SETGID and CAP_KILL; any other euid holds
 * none. Supplementary groups are bounded by NGROUPS_MAX (32, fs/vfs.h),
 * where Linux allows 65536: setgroups(2) with more is -EINVAL.
 *
 * Lock legend: a process's cred is written only by its own thread (the
 * set*id calls, execve); readers on other threads (kill) see whole words.
 */
#ifndef KERNEL_PROC_CRED_H
#define KERNEL_PROC_CRED_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "fs/vfs.h"

/* (uid_t)-1 / (gid_t)-1: "leave this ID unchanged", and never a valid ID. */
#define CRED_KEEP 0xffffffffu

/* Has the caller the privilege of root (CAP_SETUID/CAP_SETGID/CAP_KILL)? */
bool cred_privileged(const struct cred *c);

/* kill(2)'s permission rule: the sender is privileged, or its real or
 * effective uid equals the target's real or saved set-user-ID. (SIGCONT
 * within one session is the caller's extra case.) */
bool cred_may_signal(const struct cred *sender, const struct cred *target);

/* The set*id rules. Each checks every argument first and changes nothing
 * on failure: 0, -EPERM or -EINVAL. The filesystem ID follows the
 * effective ID as on Linux. */
int cred_setuid(struct cred *c, uint32_t uid);
int cred_setreuid(struct cred *c, uint32_t ruid, uint32_t euid);
int cred_setresuid(struct cred *c, uint32_t ruid, uint32_t euid, uint32_t suid);
int cred_setgid(struct cred *c, uint32_t gid);
int cred_setregid(struct cred *c, uint32_t rgid, uint32_t egid);
int cred_setresgid(struct cred *c, uint32_t rgid, uint32_t egid, uint32_t sgid);
/* setfsuid/setfsgid: always the previous value; the change happens only
 * when allowed (privileged, or the new ID is one of the real, effective,
 * saved or current filesystem IDs). */
uint32_t cred_setfsuid(struct cred *c, uint32_t fsuid);
uint32_t cred_setfsgid(struct cred *c, uint32_t fsgid);
/* setgroups: privileged only (-EPERM); n > NGROUPS_MAX is -EINVAL. The
 * list is kept sorted, as Linux keeps it. */
int cred_setgroups(struct cred *c, const uint32_t *groups, size_t n);

/* execve of a regular file with `mode`, owner uid/gid: a set-user-ID file
 * makes its owner the effective uid, a set-group-ID file that is group
 * executable its group the effective gid; then the saved and filesystem
 * IDs take the effective ones. True when the result is "secure" (AT_SECURE:
 * real and effective IDs differ). */
bool cred_exec(struct cred *c, uint32_t mode, uint32_t uid, uint32_t gid);

#endif
