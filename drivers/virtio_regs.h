/*
 * Virtio over PCI, legacy (transitional) interface: the register layout of
 * I/O BAR0, the split virtqueue, and the block device's request format
 * (Virtio 1.1, 4.1.4.8 "Legacy Interfaces: A Note on PCI Device Layout",
 * 2.6 "Split Virtqueues", 5.2 "Block Device"; DESIGN.md's measured facts).
 */
#ifndef DRIVERS_VIRTIO_REGS_H
#define DRIVERS_VIRTIO_REGS_H

#include <stdint.h>
#include "kernel/lib/compiler.h"

#define VIRTIO_VENDOR	      0x1af4
#define VIRTIO_DEV_BLK_LEGACY 0x1001
#define VIRTIO_DEV_BLK_MODERN 0x1042

/* Legacy header registers, offsets into BAR0 (I/O). */
#define VIRTIO_PCI_HOST_FEATURES  0x00 /* u32 */
#define VIRTIO_PCI_GUEST_FEATURES 0x04 /* u32 */
#define VIRTIO_PCI_QUEUE_PFN	  0x08 /* u32, ring address >> 12 */
#define VIRTIO_PCI_QUEUE_SIZE	  0x0c /* u16 */
#define VIRTIO_PCI_QUEUE_SEL	  0x0e /* u16 */
#define VIRTIO_PCI_QUEUE_NOTIFY	  0x10 /* u16 */
#define VIRTIO_PCI_STATUS	  0x12 /* u8 */
#define VIRTIO_PCI_ISR		  0x13 /* u8, read clears */
#define VIRTIO_PCI_CONFIG	  0x14 /* device config, MSI-X not enabled */

#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER	  0x02
#define VIRTIO_STATUS_DRIVER_OK	  0x04
#define VIRTIO_STATUS_FAILED	  0x80

#define VIRTIO_ISR_QUEUE  0x1
#define VIRTIO_ISR_CONFIG 0x2

#define VIRTIO_RING_ALIGN 4096
#define VIRTIO_PFN_SHIFT  12

/* Block device feature bits and config (5.2.3, 5.2.4). */
#define VIRTIO_BLK_F_SIZE_MAX	1
#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_BLK_SIZE	6
#define VIRTIO_BLK_F_FLUSH	9
#define VIRTIO_BLK_CFG_CAPACITY 0x00 /* u64, 512-byte sectors */
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14 /* u32 */

#define VIRTIO_BLK_T_IN	    0
#define VIRTIO_BLK_T_OUT    1
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_S_OK	    0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2

#define VRING_DESC_F_NEXT  1
#define VRING_DESC_F_WRITE 2

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __packed;
_Static_assert(sizeof(struct vring_desc) == 16, "vring_desc layout");

struct vring_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
} __packed;

struct vring_used_elem {
	uint32_t id;
	uint32_t len;
} __packed;

struct vring_used {
	uint16_t flags;
	uint16_t idx;
	struct vring_used_elem ring[];
} __packed;

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
} __packed;
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio-blk header layout");

#endif
