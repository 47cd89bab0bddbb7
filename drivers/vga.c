/*
 * VGA text console: the 80x25 text buffer driven by a terminal emulator
 * (kernel/tty/vtemu.h) with a scroll-back history. Two writers share it:
 * the kernel log (a console: "\n" becomes CR LF) and the VGA tty
 * (tty_vga.c), whose bytes the line discipline has already processed. The
 * emulator keeps a shadow of the screen; only the rows it marks dirty are
 * copied to the text buffer, then the hardware cursor is moved.
 *
 * The text buffer is reached through the direct map (the first 2 MiB are
 * always mapped); it is plain memory to the CPU.
 *
 * Answers to status requests (ESC [ 6 n from line editors) are queued here
 * and collected by the tty after it drops its lock (vga_take_replies).
 *
 * Lock legend: vga.lock guards every field of struct vga. Order: tty.lock,
 * then vga.lock.
 */
#include <ksvc.h>
#include "drivers/vga.h"
#include "drivers/vga_regs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/console.h"
#include "kernel/lib/spinlock.h"
#include "kernel/tty/vtemu.h"

#define VGA_HIST_ROWS 500
#define REPLY_MAX     64
#define CURSOR_OFF    0x20 /* CRTC cursor start register: cursor disabled */

struct vga {
	volatile uint16_t *buf;
	struct vtemu vt;
	uint16_t screen[VGA_ROWS * VGA_COLS];
	uint16_t hist[VGA_HIST_ROWS * VGA_COLS];
	char replies[REPLY_MAX];
	size_t nreplies;
	bool cursor_shown;
	struct spinlock lock;
	struct console con;
};

static struct vga vga0 = {.lock = SPINLOCK_INIT("vga")};

static void queue_reply(void *ctx, const char *s, size_t n)
{
	struct vga *v = ctx;

	if (v->nreplies + n <= REPLY_MAX) {
		memcpy(v->replies + v->nreplies, s, n);
		v->nreplies += n;
	}
}

static void crtc(uint8_t reg, uint8_t val)
{
	outb(VGA_CRTC_INDEX, reg);
	outb(VGA_CRTC_DATA, val);
}

/* Copy the dirty rows to the text buffer and place the cursor. */
static void render(struct vga *v)
{
	unsigned row, col;
	bool on;

	for (unsigned r = 0; r < VGA_ROWS; r++) {
		const uint16_t *src;
		if (!(v->vt.dirty & (1ull << r)))
			continue;
		src = vtemu_display_row(&v->vt, r);
		for (unsigned c = 0; c < VGA_COLS; c++)
			v->buf[r * VGA_COLS + c] = src[c];
	}
	v->vt.dirty = 0;
	on = vtemu_cursor(&v->vt, &row, &col);
	if (on) {
		uint16_t pos = (uint16_t)(row * VGA_COLS + col);
		crtc(VGA_CRTC_CURSOR_HIGH, pos >> 8);
		crtc(VGA_CRTC_CURSOR_LOW, pos & 0xff);
	}
	if (on != v->cursor_shown) {
		/* Scan lines 14-15: an underline cursor, or none. */
		crtc(VGA_CRTC_CURSOR_START, on ? 14 : CURSOR_OFF);
		v->cursor_shown = on;
	}
}

/* Log text: "\n" is a new line, as the log means it. */
static void write_log(struct vga *v, const char *s, size_t len)
{
	static const uint8_t crlf[2] = {'\r', '\n'};
	size_t start = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\n')
			continue;
		vtemu_write(&v->vt, (const uint8_t *)s + start, i - start);
		vtemu_write(&v->vt, crlf, 2);
		start = i + 1;
	}
	vtemu_write(&v->vt, (const uint8_t *)s + start, len - start);
	render(v);
}

static void vga_write_sync(struct console *c, const char *s, size_t len)
{
	write_log(c->priv, s, len);
}

static void vga_write(struct console *c, const char *s, size_t len)
{
	struct vga *v = c->priv;
	unsigned long fl = spin_lock_irqsave(&v->lock);

	write_log(v, s, len);
	spin_unlock_irqrestore(&v->lock, fl);
}

void vga_tty_output(const uint8_t *buf, size_t n)
{
	struct vga *v = &vga0;
	unsigned long fl;

	if (!v->buf)
		return;
	fl = spin_lock_irqsave(&v->lock);
	vtemu_write(&v->vt, buf, n);
	render(v);
	spin_unlock_irqrestore(&v->lock, fl);
}

size_t vga_take_replies(char *out, size_t size)
{
	struct vga *v = &vga0;
	unsigned long fl = spin_lock_irqsave(&v->lock);
	size_t n = MIN(size, v->nreplies);

	memcpy(out, v->replies, n);
	memmove(v->replies, v->replies + n, v->nreplies - n);
	v->nreplies -= n;
	spin_unlock_irqrestore(&v->lock, fl);
	return n;
}

void vga_scroll_pages(int pages)
{
	struct vga *v = &vga0;
	unsigned long fl;

	if (!v->buf)
		return;
	fl = spin_lock_irqsave(&v->lock);
	vtemu_scroll_view(&v->vt, pages * (VGA_ROWS / 2));
	render(v);
	spin_unlock_irqrestore(&v->lock, fl);
}

void vga_console_init(void)
{
	struct vga *v = &vga0;

	v->buf = phys_to_virt(VGA_TEXT_PHYS);
	vtemu_init(&v->vt, VGA_ROWS, VGA_COLS, v->screen, v->hist, VGA_HIST_ROWS);
	v->vt.reply = queue_reply;
	v->vt.ctx = v;
	v->vt.dirty = ~0ull;
	v->cursor_shown = false;
	render(v);
	v->con = (struct console){
		.name = "vga",
		.write = vga_write,
		.write_sync = vga_write_sync,
		.priv = v,
	};
	console_register(&v->con);
}
