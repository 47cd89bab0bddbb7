/*
 * The terminal emulator behind the VGA console (vtemu.h). A small state
 * machine in the manner of console_codes(4): NORMAL, ESC, CSI and OSC.
 * Cursor motion clamps to the screen, writes at the last column wrap on
 * the next printable character (the "pending wrap" of VT100s), and lines
 * leaving the top of a full-screen scroll region enter the history.
 */
#include <ksvc.h>
#include "kernel/tty/vtemu.h"

enum { ST_NORMAL, ST_ESC, ST_CSI, ST_OSC, ST_OSC_ESC };

#define DEF_FG 7 /* light grey on black */
#define DEF_BG 0

/* ANSI colour order (black, red, green, yellow, blue, magenta, cyan,
 * white) to VGA palette indices. */
static const uint8_t ansi_to_vga[8] = {0, 4, 2, 6, 1, 5, 3, 7};

uint8_t vtemu_attr(const struct vtemu *vt)
{
	uint8_t fg = vt->fg, bg = vt->bg;

	if (vt->bold && fg < 8)
		fg |= 8;
	if (vt->reverse) {
		uint8_t t = fg;
		fg = bg;
		bg = t & 7;
	}
	if (vt->dim && !vt->bold)
		fg &= 7;
	return (uint8_t)(((vt->blink ? 8 : 0) | (bg & 7)) << 4 | (fg & 15));
}

static uint16_t blank(const struct vtemu *vt)
{
	return (uint16_t)((vtemu_attr(vt) & 0xf0) | DEF_FG) << 8 | ' ';
}

static uint16_t *cell(struct vtemu *vt, unsigned r, unsigned c)
{
	return &vt->screen[r * vt->cols + c];
}

static void mark(struct vtemu *vt, unsigned from, unsigned to)
{
	for (unsigned r = from; r <= to && r < vt->rows; r++)
		vt->dirty |= 1ull << r;
}

static void fill(struct vtemu *vt, unsigned r, unsigned c0, unsigned c1, uint16_t v)
{
	for (unsigned c = c0; c < c1 && c < vt->cols; c++)
		*cell(vt, r, c) = v;
	mark(vt, r, r);
}

static void save_history_line(struct vtemu *vt, unsigned r)
{
	if (!vt->hist_rows)
		return;
	memcpy(&vt->hist[vt->hist_next * vt->cols], cell(vt, r, 0), vt->cols * sizeof(uint16_t));
	vt->hist_next = (vt->hist_next + 1) % vt->hist_rows;
	if (vt->hist_count < vt->hist_rows)
		vt->hist_count++;
}

/* Scroll rows [top, bot] up by n, blanking at the bottom. */
static void scroll_up(struct vtemu *vt, unsigned top, unsigned bot, unsigned n)
{
	unsigned height = bot - top + 1;

	if (n > height)
		n = height;
	if (top == 0 && bot == vt->rows - 1)
		for (unsigned i = 0; i < n; i++)
			save_history_line(vt, i);
	memmove(cell(vt, top, 0), cell(vt, top + n, 0),
		(size_t)(height - n) * vt->cols * sizeof(uint16_t));
	for (unsigned r = bot + 1 - n; r <= bot; r++)
		fill(vt, r, 0, vt->cols, blank(vt));
	mark(vt, top, bot);
}

static void scroll_down(struct vtemu *vt, unsigned top, unsigned bot, unsigned n)
{
	unsigned height = bot - top + 1;

	if (n > height)
		n = height;
	memmove(cell(vt, top + n, 0), cell(vt, top, 0),
		(size_t)(height - n) * vt->cols * sizeof(uint16_t));
	for (unsigned r = top; r < top + n; r++)
		fill(vt, r, 0, vt->cols, blank(vt));
	mark(vt, top, bot);
}

static void index_down(struct vtemu *vt) /* LF, ESC D */
{
	if (vt->row == vt->bot)
		scroll_up(vt, vt->top, vt->bot, 1);
	else if (vt->row < vt->rows - 1)
		vt->row++;
}

static void index_up(struct vtemu *vt) /* ESC M */
{
	if (vt->row == vt->top)
		scroll_down(vt, vt->top, vt->bot, 1);
	else if (vt->row > 0)
		vt->row--;
}

static void move_to(struct vtemu *vt, long r, long c)
{
	vt->row = r < 0 ? 0 : r >= (long)vt->rows ? vt->rows - 1 : (unsigned)r;
	vt->col = c < 0 ? 0 : c >= (long)vt->cols ? vt->cols - 1 : (unsigned)c;
	vt->wrapnext = false;
}

static void put_printable(struct vtemu *vt, uint8_t ch)
{
	if (vt->wrapnext) {
		vt->col = 0;
		index_down(vt);
		vt->wrapnext = false;
	}
	*cell(vt, vt->row, vt->col) = (uint16_t)vtemu_attr(vt) << 8 | ch;
	mark(vt, vt->row, vt->row);
	if (vt->col + 1 < vt->cols)
		vt->col++;
	else
		vt->wrapnext = true;
}

static void reply(struct vtemu *vt, const char *s)
{
	if (vt->reply)
		vt->reply(vt->ctx, s, strlen(s));
}

static char *put_dec(char *p, unsigned v)
{
	char tmp[12];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10) && n < 11);
	while (n)
		*p++ = tmp[--n];
	return p;
}

void vtemu_reset(struct vtemu *vt)
{
	vt->fg = DEF_FG;
	vt->bg = DEF_BG;
	vt->bold = vt->dim = vt->reverse = vt->blink = false;
	vt->top = 0;
	vt->bot = vt->rows - 1;
	vt->cursor_on = true;
	vt->state = ST_NORMAL;
	vt->utf8_left = 0;
	vt->saved.row = vt->saved.col = 0;
	vt->saved.fg = DEF_FG;
	vt->saved.bg = DEF_BG;
	vt->saved.bold = vt->saved.reverse = false;
	for (unsigned r = 0; r < vt->rows; r++)
		fill(vt, r, 0, vt->cols, blank(vt));
	move_to(vt, 0, 0);
	vt->view = 0;
}

void vtemu_init(struct vtemu *vt, unsigned rows, unsigned cols, uint16_t *screen, uint16_t *hist,
		unsigned hist_rows)
{
	memset(vt, 0, sizeof(*vt));
	vt->rows = rows > VT_MAX_ROWS ? VT_MAX_ROWS : rows ? rows : 1;
	vt->cols = cols ? cols : 1;
	vt->screen = screen;
	vt->hist = hist;
	vt->hist_rows = hist ? hist_rows : 0;
	vtemu_reset(vt);
}

static unsigned par(const struct vtemu *vt, unsigned i, unsigned def)
{
	return i < vt->npar && vt->par[i] ? vt->par[i] : def;
}

static void sgr(struct vtemu *vt)
{
	if (vt->npar == 0)
		vt->par[vt->npar++] = 0;
	for (unsigned i = 0; i < vt->npar; i++) {
		unsigned p = vt->par[i];
		if (p == 0) {
			vt->fg = DEF_FG;
			vt->bg = DEF_BG;
			vt->bold = vt->dim = vt->reverse = vt->blink = false;
		} else if (p == 1 || p == 4) {
			vt->bold = true; /* no underline on VGA text: shown bright */
		} else if (p == 2) {
			vt->dim = true;
		} else if (p == 5) {
			vt->blink = true;
		} else if (p == 7) {
			vt->reverse = true;
		} else if (p == 22) {
			vt->bold = vt->dim = false;
		} else if (p == 24) {
			vt->bold = false;
		} else if (p == 25) {
			vt->blink = false;
		} else if (p == 27) {
			vt->reverse = false;
		} else if (p >= 30 && p <= 37) {
			vt->fg = ansi_to_vga[p - 30];
		} else if (p == 39) {
			vt->fg = DEF_FG;
		} else if (p >= 40 && p <= 47) {
			vt->bg = ansi_to_vga[p - 40];
		} else if (p == 49) {
			vt->bg = DEF_BG;
		} else if (p >= 90 && p <= 97) {
			vt->fg = 8 | ansi_to_vga[p - 90];
		} else if (p >= 100 && p <= 107) {
			vt->bg = ansi_to_vga[p - 100]; /* 8 background colours only */
		} else if ((p == 38 || p == 48) && i + 1 < vt->npar) {
			/* 256-colour and RGB forms: skip their arguments. */
			i += vt->par[i + 1] == 5 ? 2 : vt->par[i + 1] == 2 ? 4 : 1;
		}
	}
}

static void erase_display(struct vtemu *vt, unsigned mode)
{
	uint16_t b = blank(vt);

	if (mode == 0) {
		fill(vt, vt->row, vt->col, vt->cols, b);
		for (unsigned r = vt->row + 1; r < vt->rows; r++)
			fill(vt, r, 0, vt->cols, b);
	} else if (mode == 1) {
		for (unsigned r = 0; r < vt->row; r++)
			fill(vt, r, 0, vt->cols, b);
		fill(vt, vt->row, 0, vt->col + 1, b);
	} else if (mode == 2 || mode == 3) {
		for (unsigned r = 0; r < vt->rows; r++)
			fill(vt, r, 0, vt->cols, b);
		if (mode == 3)
			vt->hist_count = vt->hist_next = 0;
	}
}

static void erase_line(struct vtemu *vt, unsigned mode)
{
	uint16_t b = blank(vt);

	if (mode == 0)
		fill(vt, vt->row, vt->col, vt->cols, b);
	else if (mode == 1)
		fill(vt, vt->row, 0, vt->col + 1, b);
	else if (mode == 2)
		fill(vt, vt->row, 0, vt->cols, b);
}

static void insert_chars(struct vtemu *vt, unsigned n)
{
	uint16_t *row = cell(vt, vt->row, 0);

	if (n > vt->cols - vt->col)
		n = vt->cols - vt->col;
	memmove(row + vt->col + n, row + vt->col, (vt->cols - vt->col - n) * sizeof(uint16_t));
	fill(vt, vt->row, vt->col, vt->col + n, blank(vt));
}

static void delete_chars(struct vtemu *vt, unsigned n)
{
	uint16_t *row = cell(vt, vt->row, 0);

	if (n > vt->cols - vt->col)
		n = vt->cols - vt->col;
	memmove(row + vt->col, row + vt->col + n, (vt->cols - vt->col - n) * sizeof(uint16_t));
	fill(vt, vt->row, vt->cols - n, vt->cols, blank(vt));
}

static void csi(struct vtemu *vt, uint8_t final)
{
	unsigned n = par(vt, 0, 1);
	char buf[32];

	if (vt->priv) {
		if ((final == 'h' || final == 'l') && vt->npar && vt->par[0] == 25) {
			vt->cursor_on = final == 'h';
			mark(vt, vt->row, vt->row);
		}
		return; /* other private modes are accepted and ignored */
	}
	switch (final) {
	case 'A':
		move_to(vt, (long)vt->row - n, vt->col);
		break;
	case 'B':
	case 'e':
		move_to(vt, (long)vt->row + n, vt->col);
		break;
	case 'C':
	case 'a':
		move_to(vt, vt->row, (long)vt->col + n);
		break;
	case 'D':
		move_to(vt, vt->row, (long)vt->col - n);
		break;
	case 'E':
		move_to(vt, (long)vt->row + n, 0);
		break;
	case 'F':
		move_to(vt, (long)vt->row - n, 0);
		break;
	case 'G':
	case '`':
		move_to(vt, vt->row, (long)n - 1);
		break;
	case 'd':
		move_to(vt, (long)n - 1, vt->col);
		break;
	case 'H':
	case 'f':
		move_to(vt, (long)par(vt, 0, 1) - 1, (long)par(vt, 1, 1) - 1);
		break;
	case 'J':
		erase_display(vt, vt->npar ? vt->par[0] : 0);
		break;
	case 'K':
		erase_line(vt, vt->npar ? vt->par[0] : 0);
		break;
	case 'L':
		if (vt->row >= vt->top && vt->row <= vt->bot)
			scroll_down(vt, vt->row, vt->bot, n);
		break;
	case 'M':
		if (vt->row >= vt->top && vt->row <= vt->bot)
			scroll_up(vt, vt->row, vt->bot, n);
		break;
	case '@':
		insert_chars(vt, n);
		break;
	case 'P':
		delete_chars(vt, n);
		break;
	case 'X':
		fill(vt, vt->row, vt->col, vt->col + n, blank(vt));
		break;
	case 'S':
		scroll_up(vt, vt->top, vt->bot, n);
		break;
	case 'T':
		scroll_down(vt, vt->top, vt->bot, n);
		break;
	case 'm':
		sgr(vt);
		break;
	case 'r': {
		unsigned top = par(vt, 0, 1) - 1, bot = par(vt, 1, vt->rows) - 1;
		if (bot >= vt->rows)
			bot = vt->rows - 1;
		if (top < bot) {
			vt->top = top;
			vt->bot = bot;
			move_to(vt, 0, 0);
		}
		break;
	}
	case 's':
		vt->saved.row = vt->row;
		vt->saved.col = vt->col;
		break;
	case 'u':
		move_to(vt, vt->saved.row, vt->saved.col);
		break;
	case 'n':
		if (vt->npar && vt->par[0] == 6) {
			char *p = buf;
			*p++ = '\033';
			*p++ = '[';
			p = put_dec(p, vt->row + 1);
			*p++ = ';';
			p = put_dec(p, vt->col + 1);
			*p++ = 'R';
			*p = '\0';
			reply(vt, buf);
		} else if (vt->npar && vt->par[0] == 5) {
			reply(vt, "\033[0n");
		}
		break;
	case 'c':
		reply(vt, "\033[?6c"); /* a VT102, as Linux's console answers */
		break;
	default:
		break; /* unknown: consumed */
	}
}

static void esc_final(struct vtemu *vt, uint8_t c)
{
	switch (c) {
	case '[':
		vt->state = ST_CSI;
		vt->npar = 0;
		vt->priv = false;
		memset(vt->par, 0, sizeof(vt->par));
		return;
	case ']':
		vt->state = ST_OSC;
		return;
	case '7':
		vt->saved.row = vt->row;
		vt->saved.col = vt->col;
		vt->saved.fg = vt->fg;
		vt->saved.bg = vt->bg;
		vt->saved.bold = vt->bold;
		vt->saved.reverse = vt->reverse;
		break;
	case '8':
		move_to(vt, vt->saved.row, vt->saved.col);
		vt->fg = vt->saved.fg;
		vt->bg = vt->saved.bg;
		vt->bold = vt->saved.bold;
		vt->reverse = vt->saved.reverse;
		break;
	case 'D':
		index_down(vt);
		break;
	case 'E':
		vt->col = 0;
		index_down(vt);
		break;
	case 'M':
		index_up(vt);
		break;
	case 'c':
		vtemu_reset(vt);
		break;
	default:
		break; /* charset selection and the rest: ignored */
	}
	vt->state = ST_NORMAL;
}

static void control(struct vtemu *vt, uint8_t c)
{
	switch (c) {
	case '\b':
		if (vt->col > 0)
			vt->col--;
		vt->wrapnext = false;
		break;
	case '\t': {
		unsigned next = (vt->col + 8) & ~7u;
		vt->col = next >= vt->cols ? vt->cols - 1 : next;
		break;
	}
	case '\n':
	case '\v':
	case '\f':
		index_down(vt);
		vt->wrapnext = false;
		break;
	case '\r':
		vt->col = 0;
		vt->wrapnext = false;
		break;
	case 0x1b:
		vt->state = ST_ESC;
		break;
	case 0x18:
	case 0x1a:
		vt->state = ST_NORMAL;
		break;
	default:
		break; /* BEL and the rest */
	}
}

static void put_byte(struct vtemu *vt, uint8_t c)
{
	switch (vt->state) {
	case ST_ESC:
		if (c == 0x18 || c == 0x1a) {
			vt->state = ST_NORMAL;
			return;
		}
		if (c >= 0x20 && c < 0x30) /* intermediate bytes: ESC ( B etc. */
			return;
		esc_final(vt, c);
		return;
	case ST_CSI:
		if (c >= '0' && c <= '9') {
			if (vt->npar == 0)
				vt->npar = 1;
			if (vt->npar <= VT_MAX_PARAMS && vt->par[vt->npar - 1] < 100000)
				vt->par[vt->npar - 1] = vt->par[vt->npar - 1] * 10 + (c - '0');
		} else if (c == ';' || c == ':') {
			if (vt->npar == 0)
				vt->npar = 1;
			if (vt->npar < VT_MAX_PARAMS + 1)
				vt->npar++;
		} else if (c == '?' || c == '>' || c == '=') {
			vt->priv = true;
		} else if (c >= 0x40 && c <= 0x7e) {
			if (vt->npar > VT_MAX_PARAMS)
				vt->npar = VT_MAX_PARAMS;
			vt->state = ST_NORMAL;
			csi(vt, c);
		} else if (c == 0x1b) {
			vt->state = ST_ESC;
		} else if (c < 0x20) {
			control(vt, c); /* C0 inside a sequence acts at once */
		}
		return;
	case ST_OSC:
		if (c == 7)
			vt->state = ST_NORMAL;
		else if (c == 0x1b)
			vt->state = ST_OSC_ESC;
		return;
	case ST_OSC_ESC:
		vt->state = c == '\\' ? ST_NORMAL : ST_OSC;
		return;
	default:
		break;
	}
	if (vt->utf8_left > 0) {
		if ((c & 0xc0) == 0x80) {
			vt->utf8_left--;
			return;
		}
		vt->utf8_left = 0; /* a broken sequence: this byte stands alone */
	}
	if (c < 0x20 || c == 0x7f) {
		if (c != 0x7f)
			control(vt, c);
		return;
	}
	if (c >= 0x80) {
		if ((c & 0xe0) == 0xc0)
			vt->utf8_left = 1;
		else if ((c & 0xf0) == 0xe0)
			vt->utf8_left = 2;
		else if ((c & 0xf8) == 0xf0)
			vt->utf8_left = 3;
		put_printable(vt, '?');
		return;
	}
	put_printable(vt, c);
}

void vtemu_write(struct vtemu *vt, const uint8_t *buf, size_t n)
{
	if (vt->view) {
		vt->view = 0; /* output brings the view back to the live screen */
		vt->dirty = ~0ull;
	}
	for (size_t i = 0; i < n; i++)
		put_byte(vt, buf[i]);
}

void vtemu_scroll_view(struct vtemu *vt, int delta)
{
	long v = (long)vt->view + delta;

	if (v < 0)
		v = 0;
	if (v > (long)vt->hist_count)
		v = (long)vt->hist_count;
	if ((unsigned)v != vt->view) {
		vt->view = (unsigned)v;
		vt->dirty = ~0ull;
	}
}

const uint16_t *vtemu_display_row(const struct vtemu *vt, unsigned r)
{
	if (r < vt->view) {
		/* History line: the oldest shown is `view` lines back. */
		unsigned back = vt->view - r; /* 1 = the newest history line */
		unsigned slot = (vt->hist_next + vt->hist_rows - back) % vt->hist_rows;
		return &vt->hist[slot * vt->cols];
	}
	return &vt->screen[(r - vt->view) * vt->cols];
}

bool vtemu_cursor(const struct vtemu *vt, unsigned *row, unsigned *col)
{
	if (!vt->cursor_on || vt->view)
		return false;
	*row = vt->row;
	*col = vt->col;
	return true;
}
