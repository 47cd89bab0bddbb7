/*
 * RTL8139 Fast Ethernet driver (Realtek RTL8139C datasheet; behaviour of
 * QEMU's model as measured in DESIGN.md, "RTL8139 as QEMU models it").
 *
 * Receive: one 64 KiB ring the chip fills with [status u16, length u16,
 * frame, CRC] records, each starting on a 4-byte boundary. A record that
 * reaches the end of the ring wraps to its start (RCR_WRAP, which would
 * write it linearly past the end instead, has no effect on a 64 KiB ring,
 * in the datasheet and in QEMU, so it is left clear); headers never wrap, being 4 bytes at a 4-byte
 * boundary. The records up to the chip's write offset (CBR) are
 * consumed as one batch, then CAPR is written with the new read offset
 * minus 16 (the chip's convention).
 *
 * Transmit: four descriptors used strictly in order 0, 1, 2, 3, 0, ...
 * (the chip services them round-robin from its own index). A frame is
 * copied into the descriptor's buffer, padded to 60 bytes. When all four
 * are busy, frames wait in a bounded software queue that completions
 * drain.
 *
 * Interrupts: the handler only masks the chip's interrupts (IMR = 0, which
 * drops the level-triggered line), notes the status and wakes the net
 * thread (net_schedule_poll). The thread's poll acknowledges ISR, drains
 * the ring, reaps transmits and unmasks. Packets arriving meanwhile set
 * ISR bits again and raise the line as soon as IMR is restored.
 *
 * Overflow: RXOVW stays masked, so QEMU holds frames back instead of
 * dropping them when the ring is full (its can_receive checks the mask);
 * real chips drop and count them in MPC, which is read into the
 * statistics. Either way the cure is to drain the ring; the receiver is
 * reset only when a record header is impossible (lost sync), and such
 * resets are counted.
 *
 * Lock legend: rtl8139.lock (IRQ-saving) guards the transmit side (tx_cur,
 * tx_dirty, the software queue, the TSD/TSAD registers). The receive ring
 * and rx_off belong to the net thread. isr_pending is written with atomic
 * OR from the interrupt handler and exchanged to 0 by the net thread.
 */
#include <ksvc.h>
#include "drivers/pci.h"
#include "drivers/rtl8139.h"
#include "drivers/rtl8139_regs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/printf.h"
#include "kernel/mm/heap.h"
#include "kernel/mm/mem.h"
#include "kernel/mm/pmm.h"
#include "net/netdev.h"
#include "net/proto/eth.h"

#define RX_RING_LEN 65536
/* The ring plus the 16 bytes of slack the chip documents. */
#define RX_ALLOC     (RX_RING_LEN + 16)
#define RX_BUDGET    64 /* frames per poll before letting others run */
#define TX_DESCS     4
#define TX_BUF_SIZE  2048
#define TXQ_MAX	     128
#define RX_FRAME_MAX (ETH_FRAME_MAX + 4) /* room for one VLAN tag */
#define IMR_MASK     (INT_ROK | INT_RER | INT_TOK | INT_TER | INT_FOVW | INT_LINKCHG | INT_SERR)

struct rtl8139 {
	struct netdev dev;
	struct pci_dev *pdev;
	uint16_t io;
	uint8_t *rx_ring;
	uint64_t rx_phys;
	unsigned rx_off; /* net thread */
	uint32_t rcr;	 /* the value RCR holds */
	uint8_t *tx_buf[TX_DESCS];
	uint64_t tx_phys[TX_DESCS];
	unsigned tx_cur, tx_dirty;	    /* lock; free-running counters */
	struct netbuf *txq_head, *txq_tail; /* lock */
	unsigned txq_len;		    /* lock */
	struct spinlock lock;
	volatile uint16_t isr_pending;
	uint64_t irqs, spurious_irqs, rx_resets;
};

static int cards;

static inline uint8_t rtl_r8(struct rtl8139 *r, uint16_t reg)
{
	return inb(r->io + reg);
}
static inline uint16_t rtl_r16(struct rtl8139 *r, uint16_t reg)
{
	return inw(r->io + reg);
}
static inline uint32_t rtl_r32(struct rtl8139 *r, uint16_t reg)
{
	return inl(r->io + reg);
}
static inline void rtl_w8(struct rtl8139 *r, uint16_t reg, uint8_t v)
{
	outb(r->io + reg, v);
}
static inline void rtl_w16(struct rtl8139 *r, uint16_t reg, uint16_t v)
{
	outw(r->io + reg, v);
}
static inline void rtl_w32(struct rtl8139 *r, uint16_t reg, uint32_t v)
{
	outl(r->io + reg, v);
}

static bool rtl_link_up(struct netdev *dev)
{
	struct rtl8139 *r = dev->priv;

	return rtl_r16(r, RTL_BMSR) & BMSR_LINK;
}

static uint32_t rx_config(struct rtl8139 *r)
{
	uint32_t rcr = RCR_APM | RCR_AB | RCR_AM | RCR_MXDMA_UNLIM | RCR_RBLEN_64K | RCR_RXFTH_NONE;

	if (r->dev.flags & IFF_PROMISC)
		rcr |= RCR_AAP;
	return rcr;
}

/*
 * (Re)start the receiver at offset 0. Writing RCR resets the chip's ring
 * pointers (QEMU rtl8139_RxConfig_write), so this is also how the ring
 * is resynchronised after a bad header.
 */
static void rx_restart(struct rtl8139 *r)
{
	rtl_w8(r, RTL_CR, CR_TE); /* receiver off */
	rtl_w32(r, RTL_RBSTART, (uint32_t)r->rx_phys);
	rtl_w8(r, RTL_CR, CR_RE | CR_TE);
	r->rcr = rx_config(r);
	rtl_w32(r, RTL_RCR, r->rcr);
	r->rx_off = 0;
	rtl_w16(r, RTL_CAPR, (uint16_t)(0 - 16));
}

/* All-multicast: every hash bucket open (DESIGN: "all-multicast is fine"
 * until the stack joins groups). */
static void set_multicast(struct rtl8139 *r)
{
	rtl_w32(r, RTL_MAR0, 0xffffffff);
	rtl_w32(r, RTL_MAR0 + 4, 0xffffffff);
}

static void hw_start(struct rtl8139 *r)
{
	/* TE before TCR: QEMU ignores TCR writes while the transmitter is off. */
	rtl_w8(r, RTL_CR, CR_RE | CR_TE);
	rtl_w32(r, RTL_TCR, TCR_IFG_STANDARD | TCR_MXDMA_2048);
	rx_restart(r);
	set_multicast(r);
	for (int i = 0; i < TX_DESCS; i++)
		rtl_w32(r, RTL_TSAD0 + 4 * i, (uint32_t)r->tx_phys[i]);
	r->tx_cur = r->tx_dirty = 0;
	rtl_w32(r, RTL_MPC, 0);
	rtl_w16(r, RTL_ISR, 0xffff);
}

static void rtl_set_rx_mode(struct netdev *dev)
{
	struct rtl8139 *r = dev->priv;

	if (rx_config(r) != r->rcr)
		rx_restart(r); /* frames still in the ring are lost */
	set_multicast(r);
}

static int rtl_open(struct netdev *dev)
{
	struct rtl8139 *r = dev->priv;

	hw_start(r);
	rtl_w16(r, RTL_IMR, IMR_MASK);
	return 0;
}

static void rtl_stop(struct netdev *dev)
{
	struct rtl8139 *r = dev->priv;
	unsigned long fl;
	struct netbuf *q;

	rtl_w16(r, RTL_IMR, 0);
	rtl_w8(r, RTL_CR, 0);
	fl = spin_lock_irqsave(&r->lock);
	q = r->txq_head;
	r->txq_head = r->txq_tail = NULL;
	r->dev.stats.tx_dropped += r->txq_len;
	r->txq_len = 0;
	spin_unlock_irqrestore(&r->lock, fl);
	netbuf_free_list(q);
}

/* Put nb in the next descriptor. Lock held, a descriptor free. */
static void start_tx_locked(struct rtl8139 *r, struct netbuf *nb)
{
	unsigned slot = r->tx_cur % TX_DESCS;
	size_t len = nb->len;

	memcpy(r->tx_buf[slot], nb->data, len);
	if (len < ETH_ZLEN) {
		/* The chip does not pad runts on its own. */
		memset(r->tx_buf[slot] + len, 0, ETH_ZLEN - len);
		len = ETH_ZLEN;
	}
	netbuf_free(nb);
	arch_wmb();
	/* Writing the size with OWN clear hands the descriptor to the chip. */
	rtl_w32(r, RTL_TSD0 + 4 * slot, (uint32_t)len | TSD_ERTXTH(256));
	r->tx_cur++;
}

/* Collect finished descriptors and refill them from the queue. Lock held. */
static void reap_tx_locked(struct rtl8139 *r)
{
	while (r->tx_dirty != r->tx_cur) {
		unsigned slot = r->tx_dirty % TX_DESCS;
		uint32_t tsd = rtl_r32(r, RTL_TSD0 + 4 * slot);
		if (!(tsd & (TSD_TOK | TSD_TUN | TSD_TABT)))
			break;
		if (tsd & (TSD_TABT | TSD_OWC | TSD_CRS))
			r->dev.stats.tx_errors++;
		if (tsd & TSD_TABT)
			r->dev.stats.tx_carrier_errors += !!(tsd & TSD_CRS);
		if (tsd & TSD_TUN)
			r->dev.stats.tx_fifo_errors++;
		r->dev.stats.collisions += (tsd >> TSD_NCC_SHIFT) & 0xf;
		r->tx_dirty++;
	}
	while (r->txq_head && r->tx_cur - r->tx_dirty < TX_DESCS) {
		struct netbuf *nb = r->txq_head;
		r->txq_head = nb->next;
		if (!r->txq_head)
			r->txq_tail = NULL;
		r->txq_len--;
		nb->next = NULL;
		start_tx_locked(r, nb);
	}
}

static int rtl_transmit(struct netdev *dev, struct netbuf *nb)
{
	struct rtl8139 *r = dev->priv;
	unsigned long fl;
	int err = 0;

	if (nb->len > TX_BUF_SIZE) {
		dev->stats.tx_errors++;
		netbuf_free(nb);
		return -EMSGSIZE;
	}
	fl = spin_lock_irqsave(&r->lock);
	if (r->tx_cur - r->tx_dirty == TX_DESCS)
		reap_tx_locked(r); /* all four busy: see which are done (the poll reaps too) */
	if (!r->txq_head && r->tx_cur - r->tx_dirty < TX_DESCS) {
		start_tx_locked(r, nb);
	} else if (r->txq_len < TXQ_MAX) {
		nb->next = NULL;
		if (r->txq_tail)
			r->txq_tail->next = nb;
		else
			r->txq_head = nb;
		r->txq_tail = nb;
		r->txq_len++;
	} else {
		dev->stats.tx_dropped++;
		netbuf_free(nb);
		err = -ENOBUFS;
	}
	spin_unlock_irqrestore(&r->lock, fl);
	return err;
}

/* Hand the consumed part of the ring back: CAPR is the read offset - 16. */
static void rx_release(struct rtl8139 *r)
{
	rtl_w16(r, RTL_CAPR, (uint16_t)(r->rx_off - 16));
}

/* A copy of the frame after the header at rx_off, which may wrap. */
static struct netbuf *rx_copy(struct rtl8139 *r, size_t flen)
{
	size_t start = r->rx_off + 4, first = MIN(flen, RX_RING_LEN - start);
	struct netbuf *nb = netbuf_alloc(2, flen);

	if (!nb)
		return NULL;
	memcpy(netbuf_put(nb, flen), r->rx_ring + start, first);
	memcpy(nb->data + first, r->rx_ring, flen - first);
	return nb;
}

/*
 * Drain the receive ring; returns false when the budget ran out first.
 *
 * The chip's write offset (CBR) is read once per batch: every record
 * between rx_off and it is complete, so the batch needs no further
 * register access, and CAPR is written once at its end. Under QEMU each
 * register access waits for the lock that the model's receive path holds
 * while it copies frames in, so per-frame accesses would cost far more
 * than the frames themselves (docs/net-apps.md "Receive path").
 */
static bool rx_drain(struct rtl8139 *r)
{
	struct netdev *dev = &r->dev;
	unsigned cbr = rtl_r16(r, RTL_CBR) % RX_RING_LEN;
	bool consumed = false;

	for (int n = 0; n < RX_BUDGET; n++) {
		if (r->rx_off == cbr) {
			/* Caught up with the snapshot: release, look again. */
			if (consumed)
				rx_release(r);
			consumed = false;
			cbr = rtl_r16(r, RTL_CBR) % RX_RING_LEN;
			if (r->rx_off == cbr)
				return true;
		}
		arch_rmb();
		const uint8_t *rec = r->rx_ring + r->rx_off;
		uint16_t status = (uint16_t)(rec[0] | rec[1] << 8);
		uint16_t len = (uint16_t)(rec[2] | rec[3] << 8); /* frame + 4-byte CRC */
		unsigned avail = (cbr + RX_RING_LEN - r->rx_off) % RX_RING_LEN;

		if (!(status & RXS_ROK) || len < 4 || len + 4u > avail) {
			/* Not a record the chip could have written: we lost
			 * sync with it. Start the ring over. */
			dev->stats.rx_frame_errors++;
			r->rx_resets++;
			pr_warn("rtl8139: %s: bad receive header 0x%04x len %u at %u (chip at %u), "
				"ring reset\n",
				dev->name, status, len, r->rx_off, cbr);
			rx_restart(r);
			return true;
		}
		size_t flen = len - 4u;
		struct netbuf *nb = NULL;
		if (status & (RXS_FAE | RXS_CRC | RXS_LONG | RXS_RUNT | RXS_ISE)) {
			dev->stats.rx_errors++;
			if (status & RXS_CRC)
				dev->stats.rx_crc_errors++;
		} else if (flen < ETH_HLEN || flen > RX_FRAME_MAX) {
			dev->stats.rx_length_errors++;
		} else {
			nb = rx_copy(r, flen);
			if (!nb)
				dev->stats.rx_dropped++;
		}
		/* Consume the record: 4-byte aligned, modulo the ring. */
		r->rx_off = (r->rx_off + len + 4 + 3) & ~3u;
		r->rx_off %= RX_RING_LEN;
		consumed = true;
		if (nb)
			netdev_input(dev, nb);
	}
	if (consumed)
		rx_release(r);
	return false;
}

static void rtl_poll(struct netdev *dev)
{
	struct rtl8139 *r = dev->priv;
	uint16_t isr = rtl_r16(r, RTL_ISR);
	unsigned long fl;
	bool done;

	if (isr)
		rtl_w16(r, RTL_ISR, isr); /* ack first: later events set the bits again */
	isr |= __atomic_exchange_n(&r->isr_pending, 0, __ATOMIC_SEQ_CST);
	if (isr & (INT_RXOVW | INT_FOVW)) {
		/* A missed frame always comes with one of these: read the
		 * counter only then (each register access is a trip into the
		 * device model under QEMU's lock). */
		uint32_t missed = rtl_r32(r, RTL_MPC) & 0xffffff;

		dev->stats.rx_fifo_errors++;
		if (missed) {
			rtl_w32(r, RTL_MPC, 0);
			dev->stats.rx_fifo_errors += missed;
			dev->stats.rx_dropped += missed;
		}
	}
	done = rx_drain(r);
	fl = spin_lock_irqsave(&r->lock);
	reap_tx_locked(r);
	spin_unlock_irqrestore(&r->lock, fl);
	if (isr & INT_LINKCHG) {
		bool up = rtl_link_up(dev);
		netdev_set_flags(dev, up && (dev->flags & IFF_UP) ? IFF_RUNNING : 0,
				 up ? 0 : IFF_RUNNING);
		pr_info("rtl8139: %s: link %s\n", dev->name, up ? "up" : "down");
	}
	if (isr & INT_SERR)
		pr_err("rtl8139: %s: PCI system error (ISR 0x%04x)\n", dev->name, isr);
	if (!done) {
		net_schedule_poll(dev); /* more to do: stay masked, come back */
		return;
	}
	if (dev->flags & IFF_UP)
		rtl_w16(r, RTL_IMR, IMR_MASK);
}

static void rtl_irq(void *arg)
{
	struct rtl8139 *r = arg;
	uint16_t isr = rtl_r16(r, RTL_ISR);

	if (!(isr & IMR_MASK) || isr == 0xffff) {
		r->spurious_irqs++; /* another device on the shared line */
		return;
	}
	r->irqs++;
	rtl_w16(r, RTL_IMR, 0); /* the line drops; the net thread unmasks */
	__atomic_or_fetch(&r->isr_pending, isr, __ATOMIC_SEQ_CST);
	net_schedule_poll(&r->dev);
}

static const struct netdev_ops rtl_ops = {
	.open = rtl_open,
	.stop = rtl_stop,
	.transmit = rtl_transmit,
	.set_rx_mode = rtl_set_rx_mode,
	.link_up = rtl_link_up,
	.poll = rtl_poll,
};

static int alloc_buffers(struct rtl8139 *r)
{
	uint64_t pa;

	/* The chip takes 32-bit bus addresses. */
	if (pmm_alloc_contig(&kernel_pmm, ALIGN_UP(RX_ALLOC, PAGE_SIZE) / PAGE_SIZE, 1, GiB(4),
			     &pa))
		return -ENOMEM;
	r->rx_phys = pa;
	r->rx_ring = phys_to_virt(pa);
	memset(r->rx_ring, 0, RX_ALLOC);
	if (pmm_alloc_contig(&kernel_pmm, TX_DESCS * TX_BUF_SIZE / PAGE_SIZE, 1, GiB(4), &pa))
		return -ENOMEM;
	for (int i = 0; i < TX_DESCS; i++) {
		r->tx_phys[i] = pa + (uint64_t)i * TX_BUF_SIZE;
		r->tx_buf[i] = phys_to_virt(r->tx_phys[i]);
	}
	return 0;
}

static int rtl_probe(struct pci_dev *pdev)
{
	struct rtl8139 *r;
	char mac[18];
	int err, i;

	if (pdev->bars[0].type != PCI_BAR_IO_SPACE)
		return -ENODEV;
	r = kzalloc(sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->pdev = pdev;
	r->io = (uint16_t)pdev->bars[0].base;
	spin_init(&r->lock, "rtl8139");
	/* Bus mastering on, or QEMU blocks the ring DMA (DESIGN.md). */
	pci_enable_device(pdev, true);

	rtl_w8(r, RTL_HLTCLK, 'R'); /* clock running (older chips start halted) */
	rtl_w8(r, RTL_CR, CR_RST);
	for (i = 0; i < 1000 && (rtl_r8(r, RTL_CR) & CR_RST); i++)
		arch_udelay(10);
	if (rtl_r8(r, RTL_CR) & CR_RST) {
		pr_err("rtl8139: %02x:%02x.%x does not leave reset\n", pdev->bus, pdev->dev,
		       pdev->fn);
		err = -EIO;
		goto out_free;
	}
	rtl_w16(r, RTL_IMR, 0);
	for (i = 0; i < 6; i++)
		r->dev.mac[i] = rtl_r8(r, RTL_IDR0 + i);
	err = alloc_buffers(r);
	if (err)
		goto out_free;

	r->dev.ops = &rtl_ops;
	r->dev.priv = r;
	r->dev.mtu = ETH_DATA_LEN;
	r->dev.hwtype = ARPHRD_ETHER;
	r->dev.flags = IFF_BROADCAST | IFF_MULTICAST | IFF_ALLMULTI;
	err = netdev_register(&r->dev, "eth%d");
	if (err)
		goto out_free;
	err = pci_request_irq(pdev, rtl_irq, r);
	if (err) {
		/* Without an interrupt nothing would ever wake the poll. */
		pr_err("rtl8139: %s: no interrupt (%d)\n", r->dev.name, err);
		return err;
	}
	pdev->driver_data = r;
	cards++;
	pr_info("rtl8139: %s at %02x:%02x.%x io 0x%x irq %u, MAC %s, link %s\n", r->dev.name,
		pdev->bus, pdev->dev, pdev->fn, r->io, pdev->irq_line, net_fmt_mac(mac, r->dev.mac),
		rtl_link_up(&r->dev) ? "up" : "down");
	return 0;

out_free:
	kfree(r);
	return err;
}

static const struct pci_device_id rtl_ids[] = {
	{RTL_VENDOR, RTL_DEVICE},
	{0, 0},
};

static struct pci_driver rtl_driver = {
	.name = "rtl8139",
	.id_table = rtl_ids,
	.probe = rtl_probe,
};

void rtl8139_init(void)
{
	pci_register_driver(&rtl_driver);
}
