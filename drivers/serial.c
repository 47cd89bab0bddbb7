/*
 * 16550A serial console (TI PC16550D datasheet). Output goes through a 4 KiB
 * ring drained by the transmit-empty interrupt, 16 bytes (one FIFO) at a
 * time; when the ring is full the writer drains it by polling rather than
 * dropping kernel messages. Received bytes go to the handler an upper layer
 * (the tty) registered with serial_set_rx_handler, called after uart.lock
 * is dropped so the handler may write to the port (echo); without one they
 * are counted and discarded. Every port lives in its own struct uart.
 *
 * Lock legend: uart.lock guards the ring, the stats, the port registers and
 * the rx handler fields.
 */
#include "drivers/serial.h"
#include "drivers/uart_regs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/console.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/spinlock.h"

#define TX_RING_SIZE 4096
#define POLL_LIMIT   100000 /* THRE polls before the port is declared stuck */
#define RX_BATCH     256    /* bytes taken per interrupt; 16 FIFOs' worth */

struct uart {
	uint16_t base;
	unsigned irq;
	bool present;
	bool irq_mode;
	struct spinlock lock;
	char tx[TX_RING_SIZE];
	size_t tx_head, tx_tail; /* free-running; tail chases head */
	struct serial_stats stats;
	struct console con;
	void (*rx_handler)(void *ctx, const uint8_t *buf, size_t n); /* lock */
	void *rx_ctx;						     /* lock */
};

static struct uart com1 = {
	.base = COM1_PORT,
	.irq = COM1_IRQ,
	.lock = SPINLOCK_INIT("com1"),
};

static inline uint8_t uart_in(struct uart *u, uint16_t reg)
{
	return inb(u->base + reg);
}

static inline void uart_out(struct uart *u, uint16_t reg, uint8_t v)
{
	outb(u->base + reg, v);
}

static bool wait_thre(struct uart *u)
{
	for (int i = 0; i < POLL_LIMIT; i++) {
		if (uart_in(u, UART_LSR) & UART_LSR_THRE)
			return true;
		arch_cpu_relax();
	}
	return false;
}

static void put_polled(struct uart *u, char c)
{
	if (wait_thre(u))
		uart_out(u, UART_THR, (uint8_t)c);
}

/* Move up to one FIFO's worth from the ring to the UART. Caller holds lock. */
static void tx_fill_fifo(struct uart *u)
{
	if (!(uart_in(u, UART_LSR) & UART_LSR_THRE))
		return;
	for (int i = 0; i < UART_FIFO_SIZE && u->tx_tail != u->tx_head; i++) {
		uart_out(u, UART_THR, (uint8_t)u->tx[u->tx_tail % TX_RING_SIZE]);
		u->tx_tail++;
	}
}

static void tx_enqueue(struct uart *u, char c)
{
	if (u->tx_head - u->tx_tail == TX_RING_SIZE) {
		/* Full: make room by polling one byte out. */
		put_polled(u, u->tx[u->tx_tail % TX_RING_SIZE]);
		u->tx_tail++;
		u->stats.tx_polled++;
	}
	u->tx[u->tx_head % TX_RING_SIZE] = c;
	u->tx_head++;
	u->stats.tx_bytes++;
}

static void serial_write(struct console *c, const char *buf, size_t len)
{
	struct uart *u = c->priv;
	unsigned long fl = spin_lock_irqsave(&u->lock);

	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			tx_enqueue(u, '\r');
		tx_enqueue(u, buf[i]);
	}
	if (u->irq_mode) {
		tx_fill_fifo(u);
	} else {
		while (u->tx_tail != u->tx_head) {
			put_polled(u, u->tx[u->tx_tail % TX_RING_SIZE]);
			u->tx_tail++;
		}
	}
	spin_unlock_irqrestore(&u->lock, fl);
}

/* Panic path: no lock. Flush what is queued, then write directly. */
static void serial_write_sync(struct console *c, const char *buf, size_t len)
{
	struct uart *u = c->priv;

	while (u->tx_tail != u->tx_head) {
		put_polled(u, u->tx[u->tx_tail % TX_RING_SIZE]);
		u->tx_tail++;
	}
	for (size_t i = 0; i < len; i++) {
		if (buf[i] == '\n')
			put_polled(u, '\r');
		put_polled(u, buf[i]);
	}
}

static void serial_irq(void *arg)
{
	struct uart *u = arg;
	unsigned long fl = spin_lock_irqsave(&u->lock);
	void (*rx_handler)(void *, const uint8_t *, size_t);
	void *rx_ctx;
	uint8_t rx[RX_BATCH];
	size_t nrx = 0;
	uint8_t iir;

	u->stats.tx_irqs++;
	for (int guard = 0; guard < 64; guard++) {
		iir = uart_in(u, UART_IIR);
		if (iir & UART_IIR_NO_INT)
			break;
		switch (iir & UART_IIR_ID) {
		case UART_IIR_THRI:
			tx_fill_fifo(u);
			break;
		case UART_IIR_RDI:
		case UART_IIR_TIMEOUT:
			while (uart_in(u, UART_LSR) & UART_LSR_DR) {
				uint8_t c = uart_in(u, UART_RBR);
				u->stats.rx_bytes++;
				if (nrx < RX_BATCH)
					rx[nrx++] = c;
				else
					u->stats.rx_dropped++;
			}
			break;
		case UART_IIR_RLSI:
			if (uart_in(u, UART_LSR) & 0x02)
				u->stats.rx_overruns++;
			break;
		default:
			(void)uart_in(u, UART_MSR);
			break;
		}
	}
	/* THRE may have been read away above; refill if there is data left. */
	tx_fill_fifo(u);
	rx_handler = u->rx_handler;
	rx_ctx = u->rx_ctx;
	if (nrx && !rx_handler)
		u->stats.rx_dropped += nrx;
	spin_unlock_irqrestore(&u->lock, fl);
	/* Outside the lock: the handler echoes through serial_tx. Interrupts
	 * are still off here (interrupt context). */
	if (nrx && rx_handler)
		rx_handler(rx_ctx, rx, nrx);
}

static bool uart_probe(struct uart *u)
{
	uart_out(u, UART_SCR, 0x5a);
	if (uart_in(u, UART_SCR) != 0x5a)
		return false;
	uart_out(u, UART_SCR, 0xa5);
	return uart_in(u, UART_SCR) == 0xa5;
}

static void uart_setup(struct uart *u, unsigned baud)
{
	uint16_t div = UART_CLOCK_HZ / 16 / baud;

	uart_out(u, UART_IER, 0);
	uart_out(u, UART_LCR, UART_LCR_DLAB);
	uart_out(u, UART_DLL, div & 0xff);
	uart_out(u, UART_DLM, div >> 8);
	uart_out(u, UART_LCR, UART_LCR_8N1);
	uart_out(u, UART_FCR,
		 UART_FCR_ENABLE | UART_FCR_CLEAR_RX | UART_FCR_CLEAR_TX | UART_FCR_TRIG_14);
	uart_out(u, UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
}

void serial_console_init(void)
{
	struct uart *u = &com1;

	u->present = uart_probe(u);
	if (!u->present)
		return;
	uart_setup(u, 115200);
	u->con = (struct console){
		.name = "ttyS0",
		.write = serial_write,
		.write_sync = serial_write_sync,
		.priv = u,
	};
	console_register(&u->con);
}

void serial_start_irq(void)
{
	struct uart *u = &com1;
	unsigned long fl;

	if (!u->present)
		return;
	if (arch_irq_register(u->irq, 0, serial_irq, u)) {
		pr_warn("serial: cannot route IRQ %u, staying in polled mode\n", u->irq);
		return;
	}
	fl = spin_lock_irqsave(&u->lock);
	u->irq_mode = true;
	uart_out(u, UART_IER, UART_IER_THRI | UART_IER_RDI);
	tx_fill_fifo(u);
	spin_unlock_irqrestore(&u->lock, fl);
	pr_info("serial: ttyS0 at 0x%x, IRQ %u, 115200 8N1, interrupt-driven output\n", u->base,
		u->irq);
}

void serial_tx(const char *buf, size_t len)
{
	struct uart *u = &com1;
	unsigned long fl;

	if (!u->present)
		return;
	fl = spin_lock_irqsave(&u->lock);
	for (size_t i = 0; i < len; i++)
		tx_enqueue(u, buf[i]);
	if (u->irq_mode) {
		tx_fill_fifo(u);
	} else {
		while (u->tx_tail != u->tx_head) {
			put_polled(u, u->tx[u->tx_tail % TX_RING_SIZE]);
			u->tx_tail++;
		}
	}
	spin_unlock_irqrestore(&u->lock, fl);
}

void serial_set_rx_handler(void (*fn)(void *ctx, const uint8_t *buf, size_t n), void *ctx)
{
	struct uart *u = &com1;
	unsigned long fl = spin_lock_irqsave(&u->lock);

	u->rx_handler = fn;
	u->rx_ctx = ctx;
	spin_unlock_irqrestore(&u->lock, fl);
}

void serial_get_stats(struct serial_stats *s)
{
	unsigned long fl = spin_lock_irqsave(&com1.lock);
	*s = com1.stats;
	spin_unlock_irqrestore(&com1.lock, fl);
}
