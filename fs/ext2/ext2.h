/*
 * The ext2 filesystem (fs/ext2/): read-write revision 0 and 1 filesystems
 * with 1 to 64 KiB blocks and the sparse_super, large_file and filetype
 * features. ext2_init registers the "ext2" struct fs_type with the VFS;
 * everything else is reached through the VFS (fs/vfs.h).
 */
#ifndef FS_EXT2_EXT2_H
#define FS_EXT2_EXT2_H

/* Register the "ext2" filesystem type. 0 or -errno. */
int ext2_init(void);

#endif
