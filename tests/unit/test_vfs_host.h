/*
 * Host support for the VFS tests and the path fuzzer (test_vfs_host.c):
 * a malloc-backed kmalloc that counts live objects and can be told to fail
 * (so ASan sees every heap object exactly and tests can sweep allocation
 * failures; svc/host_kmalloc.c has no failure injection), and a standard
 * world: tmpfs at "/", devfs and procfs registered, contexts for arbitrary
 * credentials. Block devices: svc/host_blk.h. No Check here: the fuzzer
 * links it too.
 */
#ifndef TEST_VFS_HOST_H
#define TEST_VFS_HOST_H

#include "host_svc.h"
#include "fs/vfs.h"
#include "host_blk.h"

/* ---- heap ---- */
long th_live_allocs(void);
/* The n-th allocation from now (0 = the next one) fails, once; -1 = none. */
void th_fail_alloc_nth(long n);
/* Allocations made so far (successful or not). */
unsigned long th_alloc_calls(void);

/* ---- the test world ---- */
/* Register tmpfs/devfs/procfs and mount tmpfs (with `data`) at "/".
 * Returns 0 or -errno. */
int th_world_init(const char *root_data);
/* Unmount everything (innermost first). 0, or -EBUSY if something is
 * still in use. */
int th_world_fini(void);
/* Credentials: uid/gid for real, effective and fs ids; groups optional. */
struct cred th_cred(uint32_t uid, uint32_t gid, unsigned ngroups, const uint32_t *groups);

#endif
