/*
 * VGA text console. Writes characters into the 80x25 text buffer, scrolls,
 * moves the hardware cursor, and understands the ANSI sequences the kernel
 * log uses: SGR colours (ESC [ 30-37/40-47/90-97 m, 0 and 1), and clear
 * screen (ESC [ 2 J). Other sequences are consumed and ignored.
 *
 * The text buffer is reached through the direct map (the first 2 MiB are
 * always mapped); it is plain memory to the CPU.
 *
 * Lock legend: vga.lock guards every field of struct vga.
 */
#include "drivers/vga.h"
#include "drivers/vga_regs.h"
#include "kernel/arch/arch.h"
#include "kernel/lib/console.h"
#include "kernel/lib/spinlock.h"

#define ESC_MAX_PARAMS 4

enum esc_state { ESC_NONE, ESC_SEEN, ESC_CSI };

struct vga {
	volatile uint16_t *buf;
	unsigned row, col;
	uint8_t attr;
	enum esc_state esc;
	unsigned params[ESC_MAX_PARAMS];
	unsigned nparams;
	struct spinlock lock;
	struct console con;
};

static struct vga vga0 = {.lock = SPINLOCK_INIT("vga")};

/* ANSI colour order (black, red, green, yellow, blue, magenta, cyan, white)
 * to VGA palette indices. */
static const uint8_t ansi_to_vga[8] = {0, 4, 2, 6, 1, 5, 3, 7};

static void cursor_update(struct vga *v)
{
	uint16_t pos = v->row * VGA_COLS + v->col;

	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_HIGH);
	outb(VGA_CRTC_DATA, pos >> 8);
	outb(VGA_CRTC_INDEX, VGA_CRTC_CURSOR_LOW);
	outb(VGA_CRTC_DATA, pos & 0xff);
}

static void clear_rows(struct vga *v, unsigned from, unsigned to)
{
	uint16_t blank = ((uint16_t)v->attr << 8) | ' ';

	for (unsigned i = from * VGA_COLS; i < to * VGA_COLS; i++)
		v->buf[i] = blank;
}

static void scroll(struct vga *v)
{
	for (unsigned i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		v->buf[i] = v->buf[i + VGA_COLS];
	clear_rows(v, VGA_ROWS - 1, VGA_ROWS);
	v->row = VGA_ROWS - 1;
}

static void newline(struct vga *v)
{
	v->col = 0;
	if (++v->row == VGA_ROWS)
		scroll(v);
}

static void apply_sgr(struct vga *v)
{
	uint8_t fg = v->attr & 0x0f, bg = (v->attr >> 4) & 0x07;

	if (v->nparams == 0)
		v->params[v->nparams++] = 0;
	for (unsigned i = 0; i < v->nparams; i++) {
		unsigned p = v->params[i];
		if (p == 0) {
			fg = VGA_LIGHT_GREY;
			bg = 0;
		} else if (p == 1) {
			fg |= 8;
		} else if (p >= 30 && p <= 37) {
			fg = (fg & 8) | ansi_to_vga[p - 30];
		} else if (p >= 90 && p <= 97) {
			fg = 8 | ansi_to_vga[p - 90];
		} else if (p >= 40 && p <= 47) {
			bg = ansi_to_vga[p - 40];
		} else if (p == 39) {
			fg = VGA_LIGHT_GREY;
		} else if (p == 49) {
			bg = 0;
		}
	}
	v->attr = VGA_ATTR(fg, bg);
}

static void csi_final(struct vga *v, char c)
{
	if (c == 'm') {
		apply_sgr(v);
	} else if (c == 'J' && v->nparams && v->params[0] == 2) {
		clear_rows(v, 0, VGA_ROWS);
		v->row = v->col = 0;
	}
}

static void put_char(struct vga *v, char c)
{
	switch (v->esc) {
	case ESC_SEEN:
		v->esc = c == '[' ? ESC_CSI : ESC_NONE;
		v->nparams = 0;
		v->params[0] = 0;
		return;
	case ESC_CSI:
		if (c >= '0' && c <= '9') {
			if (v->nparams == 0)
				v->nparams = 1;
			if (v->nparams <= ESC_MAX_PARAMS && v->params[v->nparams - 1] < 10000)
				v->params[v->nparams - 1] =
					v->params[v->nparams - 1] * 10 + (c - '0');
		} else if (c == ';') {
			if (v->nparams == 0)
				v->nparams = 1;
			if (v->nparams < ESC_MAX_PARAMS)
				v->params[v->nparams++] = 0;
		} else if (c >= 0x40 && c <= 0x7e) {
			if (v->nparams > ESC_MAX_PARAMS)
				v->nparams = ESC_MAX_PARAMS;
			csi_final(v, c);
			v->esc = ESC_NONE;
		}
		return;
	case ESC_NONE:
		break;
	}

	switch (c) {
	case '\033':
		v->esc = ESC_SEEN;
		break;
	case '\n':
		newline(v);
		break;
	case '\r':
		v->col = 0;
		break;
	case '\b':
		if (v->col)
			v->col--;
		break;
	case '\t':
		v->col = (v->col + 8) & ~7u;
		if (v->col >= VGA_COLS)
			newline(v);
		break;
	default:
		if ((unsigned char)c < ' ')
			break;
		v->buf[v->row * VGA_COLS + v->col] = ((uint16_t)v->attr << 8) | (uint8_t)c;
		if (++v->col == VGA_COLS)
			newline(v);
		break;
	}
}

static void vga_write_sync(struct console *c, const char *s, size_t len)
{
	struct vga *v = c->priv;

	for (size_t i = 0; i < len; i++)
		put_char(v, s[i]);
	cursor_update(v);
}

static void vga_write(struct console *c, const char *s, size_t len)
{
	struct vga *v = c->priv;
	unsigned long fl = spin_lock_irqsave(&v->lock);

	vga_write_sync(c, s, len);
	spin_unlock_irqrestore(&v->lock, fl);
}

void vga_console_init(void)
{
	struct vga *v = &vga0;

	v->buf = phys_to_virt(VGA_TEXT_PHYS);
	v->attr = VGA_ATTR(VGA_LIGHT_GREY, 0);
	clear_rows(v, 0, VGA_ROWS);
	v->row = v->col = 0;
	cursor_update(v);
	v->con = (struct console){
		.name = "vga",
		.write = vga_write,
		.write_sync = vga_write_sync,
		.priv = v,
	};
	console_register(&v->con);
}
