/* VirtIO block driver (drivers/virtio_blk.c): registers with the PCI layer. */
#ifndef DRIVERS_VIRTIO_BLK_H
#define DRIVERS_VIRTIO_BLK_H

void virtio_blk_init(void);

#endif
