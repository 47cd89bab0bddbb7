/*
 * RAM disks (drivers/ramdisk.c): a memory range, such as a multiboot module
 * or an image fetched over TFTP, served as a blkdev named ramN.
 */
#ifndef DRIVERS_RAMDISK_H
#define DRIVERS_RAMDISK_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct blkdev;

/* Wrap `size` bytes at kernel address `base` (whole sectors are used). */
struct blkdev *ramdisk_create(void *base, uint64_t size, bool readonly);

#endif
