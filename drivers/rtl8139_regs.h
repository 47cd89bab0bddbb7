/*
 * RTL8139 registers (Realtek RTL8139(A/B/C) datasheet, "Register
 * Descriptions"; offsets also as in Linux 8139too and QEMU
 * hw/net/rtl8139.c). All are in the I/O BAR0 window.
 */
#ifndef DRIVERS_RTL8139_REGS_H
#define DRIVERS_RTL8139_REGS_H

#define RTL_VENDOR 0x10ec
#define RTL_DEVICE 0x8139

#define RTL_IDR0    0x00 /* MAC address, 6 bytes */
#define RTL_MAR0    0x08 /* multicast hash filter, 8 bytes */
#define RTL_TSD0    0x10 /* transmit status of descriptor 0..3, 4 bytes apart */
#define RTL_TSAD0   0x20 /* transmit start address of descriptor 0..3 */
#define RTL_RBSTART 0x30 /* receive ring physical address */
#define RTL_CR	    0x37 /* command */
#define RTL_CAPR    0x38 /* current address of packet read, minus 16 */
#define RTL_CBR	    0x3a /* current buffer address: the chip's write offset */
#define RTL_IMR	    0x3c /* interrupt mask */
#define RTL_ISR	    0x3e /* interrupt status, write 1 to clear */
#define RTL_TCR	    0x40 /* transmit configuration */
#define RTL_RCR	    0x44 /* receive configuration */
#define RTL_MPC	    0x4c /* missed packet counter, 24 bits; a write clears */
#define RTL_9346CR  0x50
#define RTL_CONFIG1 0x52
#define RTL_MSR	    0x58 /* media status */
#define RTL_HLTCLK  0x5b /* 'R' runs the clock, 'H' halts it */
#define RTL_BMCR    0x62 /* MII basic mode control */
#define RTL_BMSR    0x64 /* MII basic mode status */
#define RTL_CPCMD   0xe0 /* C+ command: never written (QEMU latches C+ mode) */

/* CR */
#define CR_BUFE 0x01 /* receive buffer empty */
#define CR_TE	0x04
#define CR_RE	0x08
#define CR_RST	0x10

/* IMR / ISR */
#define INT_ROK	    0x0001
#define INT_RER	    0x0002
#define INT_TOK	    0x0004
#define INT_TER	    0x0008
#define INT_RXOVW   0x0010 /* receive buffer overflow */
#define INT_LINKCHG 0x0020 /* packet underrun / link change */
#define INT_FOVW    0x0040 /* receive FIFO overflow */
#define INT_LENCHG  0x2000
#define INT_TIMEOUT 0x4000
#define INT_SERR    0x8000 /* PCI system error */

/* TSD */
#define TSD_SIZE_MASK 0x1fff
#define TSD_OWN	      0x2000 /* DMA to the FIFO done */
#define TSD_TUN	      0x4000 /* FIFO underrun */
#define TSD_TOK	      0x8000
#define TSD_ERTXTH(b) ((((b) / 32) & 0x3f) << 16) /* early TX threshold */
#define TSD_NCC_SHIFT 24			  /* collisions, 4 bits */
#define TSD_OWC	      0x20000000
#define TSD_TABT      0x40000000
#define TSD_CRS	      0x80000000

/* TCR */
#define TCR_MXDMA_2048	 0x00000700
#define TCR_IFG_STANDARD 0x03000000

/* RCR */
#define RCR_AAP		0x00000001 /* all physical: promiscuous */
#define RCR_APM		0x00000002 /* our MAC */
#define RCR_AM		0x00000004 /* multicast through MAR */
#define RCR_AB		0x00000008 /* broadcast */
#define RCR_WRAP	0x00000080 /* frames continue past the ring end */
#define RCR_MXDMA_UNLIM 0x00000700
#define RCR_RBLEN_32K	0x00001000 /* 32K + 16 */
#define RCR_RBLEN_64K	0x00001800 /* 64K + 16 */
#define RCR_RXFTH_NONE	0x0000e000 /* no early threshold: whole frames */

/* Receive ring packet header (status word) */
#define RXS_ROK	 0x0001
#define RXS_FAE	 0x0002
#define RXS_CRC	 0x0004
#define RXS_LONG 0x0008
#define RXS_RUNT 0x0010
#define RXS_ISE	 0x0020
#define RXS_BAR	 0x2000
#define RXS_PAM	 0x4000
#define RXS_MAR	 0x8000

/* BMSR */
#define BMSR_LINK 0x0004

#endif
