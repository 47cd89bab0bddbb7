/*
 * The ext2 on-disk format: superblock, group descriptor, inode and
 * directory entry layouts, feature flags and the constants that go with
 * them. Fixed-width little-endian fields, sizes checked at compile time;
 * no kernel types, so host tools and tests may include it as well.
 *
 * References: Dave Poirier, "The Second Extended File System: Internal
 * Layout" (nongnu.org/ext2-doc), sections 3.1 (superblock), 3.2 (block group
 * descriptor table), 3.5 (inode table), 4 (directories) and 5.3 (symbolic
 * links); e2fsprogs lib/ext2fs/ext2_fs.h for the feature bit values.
 */
#ifndef FS_EXT2_EXT2_FORMAT_H
#define FS_EXT2_EXT2_FORMAT_H

#include <stdint.h>

#define EXT2_SUPER_MAGIC  0xEF53
#define EXT2_SUPER_OFFSET 1024 /* byte offset of the superblock on the device */
#define EXT2_SUPER_SIZE	  1024

#define EXT2_MIN_BLOCK_LOG 10 /* 1 KiB */
#define EXT2_MAX_BLOCK_LOG 16 /* 64 KiB */

/* s_rev_level */
#define EXT2_GOOD_OLD_REV     0 /* fixed inode size and first inode */
#define EXT2_DYNAMIC_REV      1
#define EXT2_GOOD_OLD_INO_SZ  128
#define EXT2_GOOD_OLD_FIRST_I 11

/* s_state */
#define EXT2_VALID_FS 0x0001 /* unmounted cleanly */
#define EXT2_ERROR_FS 0x0002 /* errors detected */

/* s_errors */
#define EXT2_ERRORS_CONTINUE 1
#define EXT2_ERRORS_RO	     2
#define EXT2_ERRORS_PANIC    3

/* s_creator_os */
#define EXT2_OS_LINUX 0

/* Reserved inode numbers (section 3.5.1). */
#define EXT2_BAD_INO	   1
#define EXT2_ROOT_INO	   2
#define EXT2_RESIZE_INO	   7
#define EXT2_UNDEL_DIR_INO 6
#define EXT2_JOURNAL_INO   8

/* Feature flags (section 3.1.x s_feature_*). */
#define EXT2_FEATURE_COMPAT_DIR_PREALLOC  0x0001
#define EXT2_FEATURE_COMPAT_IMAGIC_INODES 0x0002
#define EXT3_FEATURE_COMPAT_HAS_JOURNAL	  0x0004
#define EXT2_FEATURE_COMPAT_EXT_ATTR	  0x0008
#define EXT2_FEATURE_COMPAT_RESIZE_INODE  0x0010
#define EXT2_FEATURE_COMPAT_DIR_INDEX	  0x0020
#define EXT4_FEATURE_COMPAT_SPARSE_SUPER2 0x0200
#define EXT4_FEATURE_COMPAT_FAST_COMMIT	  0x0400
#define EXT4_FEATURE_COMPAT_STABLE_INODES 0x0800

#define EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER  0x0001
#define EXT2_FEATURE_RO_COMPAT_LARGE_FILE    0x0002
#define EXT2_FEATURE_RO_COMPAT_BTREE_DIR     0x0004
#define EXT4_FEATURE_RO_COMPAT_HUGE_FILE     0x0008
#define EXT4_FEATURE_RO_COMPAT_GDT_CSUM	     0x0010
#define EXT4_FEATURE_RO_COMPAT_DIR_NLINK     0x0020
#define EXT4_FEATURE_RO_COMPAT_EXTRA_ISIZE   0x0040
#define EXT4_FEATURE_RO_COMPAT_QUOTA	     0x0100
#define EXT4_FEATURE_RO_COMPAT_BIGALLOC	     0x0200
#define EXT4_FEATURE_RO_COMPAT_METADATA_CSUM 0x0400
#define EXT4_FEATURE_RO_COMPAT_READONLY	     0x1000
#define EXT4_FEATURE_RO_COMPAT_PROJECT	     0x2000
#define EXT4_FEATURE_RO_COMPAT_VERITY	     0x8000

#define EXT2_FEATURE_INCOMPAT_COMPRESSION 0x0001
#define EXT2_FEATURE_INCOMPAT_FILETYPE	  0x0002
#define EXT3_FEATURE_INCOMPAT_RECOVER	  0x0004
#define EXT3_FEATURE_INCOMPAT_JOURNAL_DEV 0x0008
#define EXT2_FEATURE_INCOMPAT_META_BG	  0x0010
#define EXT4_FEATURE_INCOMPAT_EXTENTS	  0x0040
#define EXT4_FEATURE_INCOMPAT_64BIT	  0x0080
#define EXT4_FEATURE_INCOMPAT_MMP	  0x0100
#define EXT4_FEATURE_INCOMPAT_FLEX_BG	  0x0200
#define EXT4_FEATURE_INCOMPAT_EA_INODE	  0x0400
#define EXT4_FEATURE_INCOMPAT_DIRDATA	  0x1000
#define EXT4_FEATURE_INCOMPAT_CSUM_SEED	  0x2000
#define EXT4_FEATURE_INCOMPAT_LARGEDIR	  0x4000
#define EXT4_FEATURE_INCOMPAT_INLINE_DATA 0x8000
#define EXT4_FEATURE_INCOMPAT_ENCRYPT	  0x10000
#define EXT4_FEATURE_INCOMPAT_CASEFOLD	  0x20000

/* Section 3.1: the superblock, 1024 bytes at byte 1024. */
struct ext2_super_block {
	uint32_t s_inodes_count;
	uint32_t s_blocks_count;
	uint32_t s_r_blocks_count;
	uint32_t s_free_blocks_count;
	uint32_t s_free_inodes_count;
	uint32_t s_first_data_block;
	uint32_t s_log_block_size; /* block size = 1024 << s_log_block_size */
	uint32_t s_log_frag_size;
	uint32_t s_blocks_per_group;
	uint32_t s_frags_per_group;
	uint32_t s_inodes_per_group;
	uint32_t s_mtime;
	uint32_t s_wtime;
	uint16_t s_mnt_count;
	uint16_t s_max_mnt_count;
	uint16_t s_magic;
	uint16_t s_state;
	uint16_t s_errors;
	uint16_t s_minor_rev_level;
	uint32_t s_lastcheck;
	uint32_t s_checkinterval;
	uint32_t s_creator_os;
	uint32_t s_rev_level;
	uint16_t s_def_resuid;
	uint16_t s_def_resgid;
	/* EXT2_DYNAMIC_REV only: */
	uint32_t s_first_ino;
	uint16_t s_inode_size;
	uint16_t s_block_group_nr;
	uint32_t s_feature_compat;
	uint32_t s_feature_incompat;
	uint32_t s_feature_ro_compat;
	uint8_t s_uuid[16];
	char s_volume_name[16];
	char s_last_mounted[64];
	uint32_t s_algo_bitmap;
	/* Performance hints. */
	uint8_t s_prealloc_blocks;
	uint8_t s_prealloc_dir_blocks;
	uint16_t s_reserved_gdt_blocks;
	/* Journaling (ext3), kept only to reach the fields after it. */
	uint8_t s_journal_uuid[16];
	uint32_t s_journal_inum;
	uint32_t s_journal_dev;
	uint32_t s_last_orphan;
	uint32_t s_hash_seed[4];
	uint8_t s_def_hash_version;
	uint8_t s_reserved_char_pad;
	uint16_t s_desc_size;
	uint32_t s_default_mount_opts;
	uint32_t s_first_meta_bg;
	uint32_t s_mkfs_time;
	uint32_t s_jnl_blocks[17];
	uint8_t s_reserved[EXT2_SUPER_SIZE - 0x150];
};
_Static_assert(sizeof(struct ext2_super_block) == EXT2_SUPER_SIZE, "ext2 superblock size");
_Static_assert(__builtin_offsetof(struct ext2_super_block, s_first_ino) == 0x54, "s_first_ino");
_Static_assert(__builtin_offsetof(struct ext2_super_block, s_uuid) == 0x68, "s_uuid");
_Static_assert(__builtin_offsetof(struct ext2_super_block, s_reserved_gdt_blocks) == 0xce,
	       "s_reserved_gdt_blocks");
_Static_assert(__builtin_offsetof(struct ext2_super_block, s_desc_size) == 0xfe, "s_desc_size");

/* Section 3.2: one block group descriptor (32 bytes without 64bit). */
struct ext2_group_desc {
	uint32_t bg_block_bitmap;
	uint32_t bg_inode_bitmap;
	uint32_t bg_inode_table;
	uint16_t bg_free_blocks_count;
	uint16_t bg_free_inodes_count;
	uint16_t bg_used_dirs_count;
	uint16_t bg_pad;
	uint8_t bg_reserved[12];
};
_Static_assert(sizeof(struct ext2_group_desc) == 32, "ext2 group descriptor size");

/* Section 3.5: block pointers in i_block. */
#define EXT2_NDIR_BLOCKS 12
#define EXT2_IND_BLOCK	 12
#define EXT2_DIND_BLOCK	 13
#define EXT2_TIND_BLOCK	 14
#define EXT2_N_BLOCKS	 15

/* i_flags (section 3.5.x). */
#define EXT2_SECRM_FL	    0x00000001
#define EXT2_UNRM_FL	    0x00000002
#define EXT2_COMPR_FL	    0x00000004
#define EXT2_SYNC_FL	    0x00000008
#define EXT2_IMMUTABLE_FL   0x00000010
#define EXT2_APPEND_FL	    0x00000020
#define EXT2_NODUMP_FL	    0x00000040
#define EXT2_NOATIME_FL	    0x00000080
#define EXT2_INDEX_FL	    0x00001000 /* hashed directory (dir_index) */
#define EXT4_HUGE_FILE_FL   0x00040000
#define EXT4_EXTENTS_FL	    0x00080000
#define EXT4_INLINE_DATA_FL 0x10000000

/* Section 3.5: the first 128 bytes of every inode; larger inodes
 * (s_inode_size > 128) have extra fields after these, left untouched. */
struct ext2_inode {
	uint16_t i_mode;
	uint16_t i_uid;
	uint32_t i_size;
	uint32_t i_atime;
	uint32_t i_ctime;
	uint32_t i_mtime;
	uint32_t i_dtime;
	uint16_t i_gid;
	uint16_t i_links_count;
	uint32_t i_blocks; /* 512-byte units */
	uint32_t i_flags;
	uint32_t i_osd1;
	uint32_t i_block[EXT2_N_BLOCKS];
	uint32_t i_generation;
	uint32_t i_file_acl;
	uint32_t i_size_high; /* i_dir_acl for directories */
	uint32_t i_faddr;
	/* osd2, Linux flavour */
	uint16_t i_blocks_hi;
	uint16_t i_file_acl_high;
	uint16_t i_uid_high;
	uint16_t i_gid_high;
	uint16_t i_checksum_lo;
	uint16_t i_reserved;
};
_Static_assert(sizeof(struct ext2_inode) == EXT2_GOOD_OLD_INO_SZ, "ext2 inode size");
_Static_assert(__builtin_offsetof(struct ext2_inode, i_block) == 40, "i_block");
_Static_assert(__builtin_offsetof(struct ext2_inode, i_size_high) == 108, "i_size_high");

/* In inodes larger than 128 bytes, after the fields above: i_extra_isize
 * (u16) and i_checksum_hi (u16), then i_ctime_extra, i_mtime_extra and
 * i_atime_extra (u32 each: nanoseconds << 2 | epoch bits), offsets counted
 * from byte 128 (e2fsprogs struct ext2_inode_large). */
#define EXT2_EXTRA_TIMES_OFF 4
#define EXT2_EXTRA_TIMES_END 16

/* Section 4.1: linked directory entry. name_len is 8 bits wide and followed
 * by the file type when the filetype feature is on; without it the two
 * bytes are one 16-bit name length whose high byte must be zero. */
struct ext2_dir_entry {
	uint32_t inode; /* 0: unused entry */
	uint16_t rec_len;
	uint8_t name_len;
	uint8_t file_type;
	char name[]; /* not NUL-terminated */
};
_Static_assert(sizeof(struct ext2_dir_entry) == 8, "ext2 directory entry header");

#define EXT2_NAME_LEN 255
#define EXT2_DIR_PAD  4
/* The space an entry with a name of `len` bytes needs. */
#define EXT2_DIR_REC_LEN(len) (((len) + 8 + EXT2_DIR_PAD - 1) & ~(EXT2_DIR_PAD - 1))

/* file_type values (section 4.1.5). */
#define EXT2_FT_UNKNOWN	 0
#define EXT2_FT_REG_FILE 1
#define EXT2_FT_DIR	 2
#define EXT2_FT_CHRDEV	 3
#define EXT2_FT_BLKDEV	 4
#define EXT2_FT_FIFO	 5
#define EXT2_FT_SOCK	 6
#define EXT2_FT_SYMLINK	 7
#define EXT2_FT_MAX	 8

/* Fast symlinks keep the target in i_block when it is shorter than this. */
#define EXT2_FAST_SYMLINK_MAX (EXT2_N_BLOCKS * 4)

/* The most links one inode may have (Linux EXT2_LINK_MAX). */
#define EXT2_LINK_MAX 32000

/* Extended attribute block header (e2fsprogs ext2_ext_attr.h): only the
 * reference count matters here, to free the block with its last user. */
#define EXT2_EXT_ATTR_MAGIC 0xEA020000
struct ext2_ext_attr_header {
	uint32_t h_magic;
	uint32_t h_refcount;
	uint32_t h_blocks;
	uint32_t h_hash;
	uint32_t h_checksum;
	uint32_t h_reserved[3];
};
_Static_assert(sizeof(struct ext2_ext_attr_header) == 32, "ext2 xattr header size");

#endif
