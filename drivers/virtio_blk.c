/*
 * VirtIO block driver, legacy PCI interface (Virtio 1.1, 4.1.4.8 and 5.2).
 * Each disk has one virtqueue; every request takes three descriptors
 * (header, data, status), and descriptor triple i belongs to slot i, so a
 * used-ring id names its slot directly. Requests beyond the free slots wait
 * in a FIFO and start as completions free slots. Completion is by
 * interrupt (shared, level-triggered INTx), or by polling when the caller
 * waits with interrupts off.
 *
 * Lock legend: vblk.lock guards the ring indices, the slots and the FIFO.
 * Completed requests are finished (blk_complete) after the lock is dropped,
 * because a completion may submit a new request.
 */
#include <ksvc.h>
#include "drivers/blkdev.h"
#include "drivers/pci.h"
#include "drivers/virtio_blk.h"
#include "drivers/virtio_regs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"

#define DESC_PER_REQ 3
#define MAX_QSIZE    1024

struct vblk_slot {
	struct virtio_blk_req_hdr hdr;
	uint8_t status;
	struct blk_request *req;
};

struct vblk {
	struct blkdev dev;
	struct pci_dev *pdev;
	uint16_t io;
	uint16_t qsize;
	uint16_t nslots;
	uint32_t features;
	struct vring_desc *desc;
	struct vring_avail *avail;
	volatile struct vring_used *used;
	uint16_t last_used; /* lock */
	struct vblk_slot *slots;
	uint64_t *slot_free;				 /* bitmap, 1 = free; lock */
	struct blk_request *pending_head, *pending_tail; /* lock */
	struct spinlock lock;
	uint64_t irqs, spurious, completed;
};

static int disks;

static uint8_t vio_read8(struct vblk *v, uint16_t reg)
{
	return inb(v->io + reg);
}

static void vio_write8(struct vblk *v, uint16_t reg, uint8_t val)
{
	outb(v->io + reg, val);
}

static uint16_t vio_read16(struct vblk *v, uint16_t reg)
{
	return inw(v->io + reg);
}

static void vio_write16(struct vblk *v, uint16_t reg, uint16_t val)
{
	outw(v->io + reg, val);
}

static uint32_t vio_read32(struct vblk *v, uint16_t reg)
{
	return inl(v->io + reg);
}

static void vio_write32(struct vblk *v, uint16_t reg, uint32_t val)
{
	outl(v->io + reg, val);
}

static int slot_get(struct vblk *v)
{
	for (unsigned w = 0; w < (v->nslots + 63u) / 64; w++) {
		if (v->slot_free[w]) {
			int bit = __builtin_ctzll(v->slot_free[w]);
			v->slot_free[w] &= ~(1ull << bit);
			return (int)(w * 64 + bit);
		}
	}
	return -1;
}

static void slot_put(struct vblk *v, int slot)
{
	v->slot_free[slot / 64] |= 1ull << (slot % 64);
}

/* Fill the slot's three descriptors and publish it. Lock held. */
static void start_request(struct vblk *v, int slot, struct blk_request *req)
{
	struct vblk_slot *s = &v->slots[slot];
	struct vring_desc *d = &v->desc[slot * DESC_PER_REQ];
	uint16_t head = slot * DESC_PER_REQ;

	s->req = req;
	s->status = 0xff;
	s->hdr.reserved = 0;
	s->hdr.sector = req->driver_sector;
	s->hdr.type = req->op == BLK_READ    ? VIRTIO_BLK_T_IN
		      : req->op == BLK_WRITE ? VIRTIO_BLK_T_OUT
					     : VIRTIO_BLK_T_FLUSH;
	d[0].addr = virt_to_phys(&s->hdr);
	d[0].len = sizeof(s->hdr);
	d[0].flags = VRING_DESC_F_NEXT;
	d[0].next = head + 1;
	if (req->op == BLK_FLUSH) {
		d[0].next = head + 2;
	} else {
		d[1].addr = virt_to_phys(req->buf);
		d[1].len = req->count * SECTOR_SIZE;
		d[1].flags = VRING_DESC_F_NEXT | (req->op == BLK_READ ? VRING_DESC_F_WRITE : 0);
		d[1].next = head + 2;
	}
	d[2].addr = virt_to_phys(&s->status);
	d[2].len = 1;
	d[2].flags = VRING_DESC_F_WRITE;
	d[2].next = 0;

	v->avail->ring[v->avail->idx % v->qsize] = head;
	arch_wmb(); /* descriptors and ring entry before the index */
	v->avail->idx++;
	arch_mb(); /* the index before the notify */
	vio_write16(v, VIRTIO_PCI_QUEUE_NOTIFY, 0);
}

static int vblk_submit(struct blkdev *dev, struct blk_request *req)
{
	struct vblk *v = dev->priv;
	unsigned long fl;
	int slot;

	if (req->op == BLK_FLUSH && !(v->features & (1u << VIRTIO_BLK_F_FLUSH))) {
		blk_complete(req, 0); /* no volatile cache to flush */
		return 0;
	}
	fl = spin_lock_irqsave(&v->lock);
	slot = v->pending_head ? -1 : slot_get(v);
	if (slot >= 0) {
		start_request(v, slot, req);
	} else {
		req->next = NULL;
		if (v->pending_tail)
			v->pending_tail->next = req;
		else
			v->pending_head = req;
		v->pending_tail = req;
	}
	spin_unlock_irqrestore(&v->lock, fl);
	return 0;
}

/* Reap the used ring; finish the requests with the lock dropped. */
static void vblk_reap(struct vblk *v)
{
	struct blk_request *done = NULL, **tail = &done;
	unsigned long fl = spin_lock_irqsave(&v->lock);

	while (v->last_used != v->used->idx) {
		arch_rmb();
		uint32_t id = v->used->ring[v->last_used % v->qsize].id;
		v->last_used++;
		if (id % DESC_PER_REQ || id / DESC_PER_REQ >= v->nslots) {
			pr_err("virtio-blk: %s: device returned bad descriptor id %u\n",
			       v->dev.name, id);
			continue;
		}
		struct vblk_slot *s = &v->slots[id / DESC_PER_REQ];
		struct blk_request *req = s->req;
		if (!req)
			continue;
		req->status = s->status == VIRTIO_BLK_S_OK ? 0 : -EIO;
		s->req = NULL;
		slot_put(v, (int)(id / DESC_PER_REQ));
		req->next = NULL;
		*tail = req;
		tail = &req->next;
		v->completed++;
	}
	while (v->pending_head) {
		int slot = slot_get(v);
		if (slot < 0)
			break;
		struct blk_request *req = v->pending_head;
		v->pending_head = req->next;
		if (!v->pending_head)
			v->pending_tail = NULL;
		start_request(v, slot, req);
	}
	spin_unlock_irqrestore(&v->lock, fl);

	while (done) {
		struct blk_request *req = done;
		done = req->next;
		if (req->status)
			pr_err("virtio-blk: %s: I/O error at sector %llu\n", v->dev.name,
			       (unsigned long long)req->driver_sector);
		blk_complete(req, req->status);
	}
}

static void vblk_irq(void *arg)
{
	struct vblk *v = arg;
	uint8_t isr = vio_read8(v, VIRTIO_PCI_ISR); /* reading acknowledges */

	if (!isr) {
		v->spurious++; /* another device on the shared line */
		return;
	}
	v->irqs++;
	vblk_reap(v);
}

static void vblk_poll(struct blkdev *dev)
{
	vblk_reap(dev->priv);
}

static const struct blkdev_ops vblk_ops = {
	.submit = vblk_submit,
	.poll = vblk_poll,
};

static int setup_queue(struct vblk *v)
{
	size_t avail_off, used_off, bytes;
	uint64_t pa;
	uint8_t *ring;

	vio_write16(v, VIRTIO_PCI_QUEUE_SEL, 0);
	v->qsize = vio_read16(v, VIRTIO_PCI_QUEUE_SIZE);
	if (v->qsize < DESC_PER_REQ || v->qsize > MAX_QSIZE || (v->qsize & (v->qsize - 1)))
		return -EINVAL;
	avail_off = (size_t)v->qsize * sizeof(struct vring_desc);
	used_off = ALIGN_UP(avail_off + 6 + 2 * (size_t)v->qsize, VIRTIO_RING_ALIGN);
	bytes = ALIGN_UP(used_off + 6 + 8 * (size_t)v->qsize, PAGE_SIZE);
	if (pmm_alloc_contig(&kernel_pmm, bytes / PAGE_SIZE, 1, GiB(16), &pa))
		return -ENOMEM;
	ring = phys_to_virt(pa);
	memset(ring, 0, bytes);
	v->desc = (struct vring_desc *)ring;
	v->avail = (struct vring_avail *)(ring + avail_off);
	v->used = (volatile struct vring_used *)(ring + used_off);

	v->nslots = v->qsize / DESC_PER_REQ;
	v->slots = kzalloc(v->nslots * sizeof(*v->slots));
	v->slot_free = kzalloc(((v->nslots + 63u) / 64) * sizeof(uint64_t));
	if (!v->slots || !v->slot_free)
		return -ENOMEM;
	for (int i = 0; i < v->nslots; i++)
		slot_put(v, i);
	vio_write32(v, VIRTIO_PCI_QUEUE_PFN, (uint32_t)(pa >> VIRTIO_PFN_SHIFT));
	return 0;
}

static int vblk_probe(struct pci_dev *pdev)
{
	struct vblk *v;
	uint32_t host;
	int err;

	if (pdev->bars[0].type != PCI_BAR_IO_SPACE)
		return -ENODEV;
	v = kzalloc(sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->pdev = pdev;
	v->io = (uint16_t)pdev->bars[0].base;
	spin_init(&v->lock, "virtio-blk");
	pci_enable_device(pdev, true);

	/* Virtio 1.1, 3.1.1: reset, acknowledge, negotiate, set up, go. */
	vio_write8(v, VIRTIO_PCI_STATUS, 0);
	vio_write8(v, VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	vio_write8(v, VIRTIO_PCI_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	host = vio_read32(v, VIRTIO_PCI_HOST_FEATURES);
	v->features = host & ((1u << VIRTIO_BLK_F_RO) | (1u << VIRTIO_BLK_F_FLUSH) |
			      (1u << VIRTIO_BLK_F_BLK_SIZE));
	vio_write32(v, VIRTIO_PCI_GUEST_FEATURES, v->features);
	err = setup_queue(v);
	if (err)
		goto out_fail;

	ksnprintf(v->dev.name, sizeof(v->dev.name), "vd%c", 'a' + disks);
	v->dev.sectors =
		(uint64_t)vio_read32(v, VIRTIO_PCI_CONFIG + VIRTIO_BLK_CFG_CAPACITY) |
		((uint64_t)vio_read32(v, VIRTIO_PCI_CONFIG + VIRTIO_BLK_CFG_CAPACITY + 4) << 32);
	v->dev.readonly = v->features & (1u << VIRTIO_BLK_F_RO);
	v->dev.major = 254; /* Linux gives virtio-blk a dynamic major; 254 is usual */
	v->dev.minor = (uint32_t)disks * 16;
	v->dev.ops = &vblk_ops;
	v->dev.priv = v;

	err = pci_request_irq(pdev, vblk_irq, v);
	if (err)
		pr_warn("virtio-blk: %s: no interrupt (%d), completing by polling\n", v->dev.name,
			err);
	vio_write8(v, VIRTIO_PCI_STATUS,
		   VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_DRIVER_OK);
	pdev->driver_data = v;
	pr_info("virtio-blk: %s at %02x:%02x.%x io 0x%x irq %u, queue %u, features 0x%x\n",
		v->dev.name, pdev->bus, pdev->dev, pdev->fn, v->io, pdev->irq_line, v->qsize,
		v->features);
	disks++;
	return blkdev_register(&v->dev);

out_fail:
	vio_write8(v, VIRTIO_PCI_STATUS, VIRTIO_STATUS_FAILED);
	kfree(v);
	return err;
}

static const struct pci_device_id vblk_ids[] = {
	{VIRTIO_VENDOR, VIRTIO_DEV_BLK_LEGACY},
	{0, 0},
};

static struct pci_driver vblk_driver = {
	.name = "virtio-blk",
	.id_table = vblk_ids,
	.probe = vblk_probe,
};

void virtio_blk_init(void)
{
	pci_register_driver(&vblk_driver);
}
