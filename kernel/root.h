/*
 * Root filesystem selection and the standard mounts (kernel/root.c).
 */
#ifndef KERNEL_ROOT_H
#define KERNEL_ROOT_H

struct boot_info;
struct boot_options;
struct vfs_ctx;

/* Register the filesystems, mount the root chosen by `root=` (falling back
 * to a tmpfs root with a clear message), then /dev, /proc and /tmp. */
void root_init(const struct boot_options *o, const struct boot_info *bi);
/* root=tftp (kernel/root_tftp.c): fetch the image into a new RAM disk, or
 * NULL with *why saying what failed (already logged in detail). */
struct blkdev;
struct blkdev *root_tftp(const struct boot_options *o, const char **why);
/* The kernel's own context (root credentials), or NULL before root_init. */
struct vfs_ctx *root_ctx(void);
/* Sync and unmount everything, children first: before power-off or exit. */
void root_shutdown(void);

#endif
