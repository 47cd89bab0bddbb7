/*
 * libFuzzer target for the VFS path walk and namespace operations
 * (fs/namei.c, fs/vfs_*.c, fs/tmpfs*.c): the input is a program of up to
 * 256 operations (open, mkdir, symlink, rename, link, unlink, rmdir,
 * chdir, mount, umount, reads, writes, getdents, ...) on paths built from
 * a small alphabet, so names collide, symlinks loop, ".." crosses mounts
 * and paths get long. Two callers (root and uid 1000) take turns. Each
 * input runs on a fresh size-limited tmpfs root; afterwards everything
 * must unmount and nothing may stay allocated (abort otherwise), so a
 * reference leak is a finding just like a crash or a hang.
 */
#include <stdio.h>
#include <stdlib.h>
#include "tests/unit/test_vfs_host.h"
#include "fs/vfs_internal.h"
#include "fs/tmpfs.h"
#include "fs/devfs.h"
#include "fs/procfs.h"

#define MAX_OPS	  256
#define MAX_FILES 8

struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t next(struct input *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

/* A path: a length byte, then characters from a small alphabet; 0xfe
 * makes a long component, 0xfd a very long path. */
static void make_path(struct input *in, char *out, size_t size)
{
	static const char alpha[] = "ab/./../l/c//x/";
	uint8_t len = next(in) % 24;
	size_t n = 0, i;

	if (len == 23) {
		uint8_t kind = next(in);
		size_t count = kind & 1 ? 250 + next(in) % 12 : 4000 + next(in) % 200;

		out[n++] = '/';
		for (i = 0; i < count && n < size - 1; i++)
			out[n++] = kind & 2 ? '/' : 'q';
	}
	for (i = 0; i < len && n < size - 1; i++) {
		uint8_t c = next(in);

		out[n++] = c < 0xf0 ? alpha[c % (sizeof(alpha) - 1)] : (char)(c & 0x7f);
	}
	out[n] = '\0';
}

static int open_flags(uint8_t arg)
{
	static const int bits[] = {O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW};
	int flags = arg & 3;
	unsigned i;

	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (arg & (4u << i))
			flags |= bits[i];
	}
	return flags;
}

static char p1[PATH_MAX + 512], p2[PATH_MAX + 512], scratch[16384];
static long base_allocs;

static void run(const uint8_t *data, size_t size)
{
	struct cred user = th_cred(1000, 1000, 0, NULL);
	struct input in = {data, size};
	struct vfs_ctx ctx[2];
	struct file *files[MAX_FILES] = {NULL};
	struct kstat st;
	int ops, i, who = 0;

	if (th_world_init("size=262144,nr_inodes=64") || vfs_ctx_init(&ctx[0], &root_cred) ||
	    vfs_ctx_init(&ctx[1], &user))
		abort();
	ctx[1].umask = 0;
	for (ops = 0; ops < MAX_OPS && in.left; ops++) {
		uint8_t op = next(&in), arg = next(&in);
		struct vfs_ctx *c = &ctx[who];
		struct file **slot = &files[arg % MAX_FILES];

		make_path(&in, p1, sizeof(p1));
		switch (op % 24) {
		case 0:
			if (!*slot)
				vfs_open(c, p1, open_flags(arg), 0644, slot);
			break;
		case 1:
			vfs_mkdir(c, p1, 0777);
			break;
		case 2:
			make_path(&in, p2, sizeof(p2));
			vfs_symlink(c, p2, p1);
			break;
		case 3:
			make_path(&in, p2, sizeof(p2));
			vfs_rename(c, p1, p2);
			break;
		case 4:
			make_path(&in, p2, sizeof(p2));
			vfs_link(c, p1, p2);
			break;
		case 5:
			vfs_unlink(c, p1);
			break;
		case 6:
			vfs_rmdir(c, p1);
			break;
		case 7:
			vfs_chdir(c, p1);
			break;
		case 8:
			if (vfs_mount_list && vfs_mount_list->next && vfs_mount_list->next->next)
				break; /* at most three mounts */
			vfs_mount(c, NULL, p1, arg & 1 ? "tmpfs" : "devfs", arg & 2 ? SB_RDONLY : 0,
				  "size=65536");
			break;
		case 9:
			vfs_umount(c, p1);
			break;
		case 10:
			vfs_stat(c, p1, &st, arg & 1);
			break;
		case 11:
			vfs_readlink(c, p1, scratch, 1 + arg % 64);
			break;
		case 12:
			vfs_truncate(c, p1, (uint64_t)arg * 1000);
			break;
		case 13:
			if (*slot)
				vfs_write(*slot, scratch, (size_t)arg * 37);
			break;
		case 14:
			if (*slot)
				vfs_read(*slot, scratch, (size_t)arg * 37);
			break;
		case 15:
			if (*slot)
				vfs_getdents(*slot, scratch, 24 + arg);
			break;
		case 16:
			if (*slot)
				vfs_lseek(*slot, (int64_t)arg * 100 - 500, arg % 3);
			break;
		case 17:
			if (*slot) {
				vfs_close(*slot);
				*slot = NULL;
			}
			break;
		case 18:
			vfs_chmod(c, p1, (uint32_t)arg * 29);
			break;
		case 19:
			vfs_chown(c, p1, arg & 1 ? 1000 : 0, arg & 2 ? 1000 : 0, arg & 4);
			break;
		case 20:
			vfs_getcwd(c, scratch, 1 + (size_t)arg * 8);
			break;
		case 21:
			vfs_mknod(c, p1, arg & 1 ? S_IFIFO | 0644 : S_IFCHR | 0666, MKDEV(1, 3));
			break;
		case 22:
			vfs_access(c, p1, arg & 7);
			break;
		case 23:
			who ^= 1;
			break;
		}
	}
	for (i = 0; i < MAX_FILES; i++) {
		if (files[i])
			vfs_close(files[i]);
	}
	vfs_ctx_release(&ctx[0]);
	vfs_ctx_release(&ctx[1]);
	if (th_world_fini()) {
		fprintf(stderr, "fuzz_path: mounts still busy after closing everything\n");
		abort();
	}
	if (th_live_allocs() != base_allocs || host_pages_outstanding()) {
		fprintf(stderr, "fuzz_path: leaked %ld objects, %llu pages\n",
			th_live_allocs() - base_allocs,
			(unsigned long long)host_pages_outstanding());
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;

	if (!ready) {
		if (tmpfs_init() || devfs_init() || procfs_init())
			abort();
		base_allocs = th_live_allocs();
		ready = true;
	}
	run(data, size);
	return 0;
}
