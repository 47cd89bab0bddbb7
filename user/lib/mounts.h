/*
 * Unmounting before a shutdown (user/lib/mounts.c), shared by init and the
 * reboot/poweroff/halt tools.
 */
#ifndef USER_LIB_MOUNTS_H
#define USER_LIB_MOUNTS_H

/* Unmount every filesystem but the root, the latest mounted first (the
 * reverse of /proc/mounts), as `umount -a` does before a shutdown. Busy
 * ones and the root stay mounted: reboot(2) syncs and releases every
 * filesystem itself (kernel/root.c root_shutdown), which marks each one
 * clean. Returns how many were unmounted. */
int unmount_all_but_root(void);

#endif
