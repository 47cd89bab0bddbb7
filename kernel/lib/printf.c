/*
 * Formatted output into a bounded buffer (kernel/lib/printf.h), following the
 * C99 rules for fprintf (ISO/IEC 9899:1999 7.19.6.1) for the conversions the
 * kernel needs. No floating point: the kernel is built -mgeneral-regs-only.
 *
 * Output goes through struct out, which counts every byte the full result
 * would have and stores only those that fit, so nothing is ever written past
 * `size`.
 */
#include <ksvc.h>
#include "kernel/lib/printf.h"

#define INT_MAX_VAL 0x7fffffff

/* Flags of one conversion specification. */
#define F_LEFT	0x01 /* '-' */
#define F_PLUS	0x02 /* '+' */
#define F_SPACE 0x04 /* ' ' */
#define F_ZERO	0x08 /* '0' */
#define F_ALT	0x10 /* '#' */

enum length {
	LEN_NONE,
	LEN_HH,
	LEN_H,
	LEN_L, /* l, ll, z, j and t are all 64 bits on x86_64 */
	LEN_Z,
	LEN_J,
	LEN_T,
	LEN_LL,
};

struct out {
	char *buf;
	size_t size;  /* room in buf, including the terminating NUL */
	size_t count; /* bytes the complete output has so far */
};

static void out_char(struct out *o, char c)
{
	if (o->count + 1 < o->size)
		o->buf[o->count] = c;
	o->count++;
}

/* Padding can be as wide as INT_MAX: store what fits, count the rest. */
static void out_repeat(struct out *o, char c, size_t n)
{
	while (n && o->count + 1 < o->size) {
		o->buf[o->count++] = c;
		n--;
	}
	o->count += n;
}

static void out_mem(struct out *o, const char *s, size_t n)
{
	while (n--)
		out_char(o, *s++);
}

/* Read a decimal field width or precision, saturating instead of overflowing. */
static int parse_decimal(const char **fmt)
{
	const char *p = *fmt;
	int v = 0;

	while (*p >= '0' && *p <= '9') {
		int d = *p - '0';

		if (v > (INT_MAX_VAL - d) / 10)
			v = INT_MAX_VAL;
		else
			v = v * 10 + d;
		p++;
	}
	*fmt = p;
	return v;
}

/*
 * Print an unsigned magnitude with an optional sign character, base prefix,
 * minimum digit count (precision, -1 for none) and field width.
 */
static void out_number(struct out *o, uint64_t v, unsigned base, bool upper, char sign,
		       const char *prefix, int flags, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24]; /* 22 octal digits cover 64 bits */
	size_t ndig = 0, nzero = 0, plen = prefix ? strlen(prefix) : 0;
	size_t body, w = width > 0 ? (size_t)width : 0;
	bool prec_given = prec >= 0; /* before '#' raises it for %o */

	if (!(v == 0 && prec == 0)) {
		do {
			tmp[ndig++] = digits[v % base];
			v /= base;
		} while (v);
	}
	/* '#' with %o: the first digit must be a zero. */
	if ((flags & F_ALT) && base == 8 && (ndig == 0 || tmp[ndig - 1] != '0')) {
		if (prec < 0 || (size_t)prec <= ndig)
			prec = (int)ndig + 1;
	}
	if (prec >= 0 && (size_t)prec > ndig)
		nzero = (size_t)prec - ndig;

	body = (sign ? 1 : 0) + plen + nzero + ndig;
	/* '0' pads with zeros after the sign and prefix, unless '-' or a
	 * precision is given (C99 7.19.6.1p6). */
	if ((flags & F_ZERO) && !(flags & F_LEFT) && !prec_given && w > body) {
		nzero += w - body;
		body = w;
	}
	if (!(flags & F_LEFT) && w > body)
		out_repeat(o, ' ', w - body);
	if (sign)
		out_char(o, sign);
	out_mem(o, prefix ? prefix : "", plen);
	out_repeat(o, '0', nzero);
	while (ndig)
		out_char(o, tmp[--ndig]);
	if ((flags & F_LEFT) && w > body)
		out_repeat(o, ' ', w - body);
}

/* A string of exactly n bytes padded to width. */
static void out_padded(struct out *o, const char *s, size_t n, int flags, int width)
{
	size_t w = width > 0 ? (size_t)width : 0;

	if (!(flags & F_LEFT) && w > n)
		out_repeat(o, ' ', w - n);
	out_mem(o, s, n);
	if ((flags & F_LEFT) && w > n)
		out_repeat(o, ' ', w - n);
}

static int64_t get_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (signed char)va_arg(*ap, int);
	case LEN_H:
		return (short)va_arg(*ap, int);
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
		return va_arg(*ap, long); /* the signed type matching size_t */
	case LEN_J:
		return va_arg(*ap, intmax_t);
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t get_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_H:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
		return va_arg(*ap, size_t);
	case LEN_J:
		return va_arg(*ap, uintmax_t);
	case LEN_T:
		return (uint64_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static enum length parse_length(const char **fmt)
{
	const char *p = *fmt;
	enum length len = LEN_NONE;

	switch (*p) {
	case 'h':
		len = LEN_H;
		if (p[1] == 'h') {
			len = LEN_HH;
			p++;
		}
		p++;
		break;
	case 'l':
		len = LEN_L;
		if (p[1] == 'l') {
			len = LEN_LL;
			p++;
		}
		p++;
		break;
	case 'z':
		len = LEN_Z;
		p++;
		break;
	case 'j':
		len = LEN_J;
		p++;
		break;
	case 't':
		len = LEN_T;
		p++;
		break;
	}
	*fmt = p;
	return len;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
	struct out o = {.buf = buf, .size = buf ? size : 0, .count = 0};
	va_list ap;

	/* va_list is an array type on x86_64; a copy lets helpers take a pointer. */
	va_copy(ap, ap_in);
	while (*fmt) {
		const char *spec = fmt;
		int flags = 0, width = 0, prec = -1;
		enum length len;
		char sign = 0;

		if (*fmt != '%') {
			out_char(&o, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				flags |= F_LEFT;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else if (*fmt == '#')
				flags |= F_ALT;
			else
				break;
		}
		if (*fmt == '*') {
			int w = va_arg(ap, int);

			fmt++;
			if (w < 0) {
				/* A negative '*' width means '-' and its magnitude. */
				flags |= F_LEFT;
				width = w == -INT_MAX_VAL - 1 ? INT_MAX_VAL : -w;
			} else {
				width = w;
			}
		} else {
			width = parse_decimal(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				fmt++;
				prec = va_arg(ap, int);
				if (prec < 0)
					prec = -1; /* as if omitted */
			} else {
				prec = parse_decimal(&fmt);
			}
		}
		len = parse_length(&fmt);

		switch (*fmt) {
		case 'd':
		case 'i': {
			int64_t v = get_signed(&ap, len);
			uint64_t mag = v < 0 ? -(uint64_t)v : (uint64_t)v;

			if (v < 0)
				sign = '-';
			else if (flags & F_PLUS)
				sign = '+';
			else if (flags & F_SPACE)
				sign = ' ';
			out_number(&o, mag, 10, false, sign, NULL, flags, width, prec);
			break;
		}
		case 'u':
			out_number(&o, get_unsigned(&ap, len), 10, false, 0, NULL, flags, width,
				   prec);
			break;
		case 'o':
			out_number(&o, get_unsigned(&ap, len), 8, false, 0, NULL, flags, width,
				   prec);
			break;
		case 'x':
		case 'X': {
			uint64_t v = get_unsigned(&ap, len);
			const char *prefix = NULL;

			if ((flags & F_ALT) && v)
				prefix = *fmt == 'x' ? "0x" : "0X";
			out_number(&o, v, 16, *fmt == 'X', 0, prefix, flags, width, prec);
			break;
		}
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(ap, void *);

			out_number(&o, v, 16, false, 0, "0x", flags & F_LEFT, width, 16);
			break;
		}
		case 'c': {
			char c = (char)va_arg(ap, int);

			out_padded(&o, &c, 1, flags, width);
			break;
		}
		case 's': {
			const char *s = va_arg(ap, const char *);
			size_t n = 0;

			if (!s)
				s = "(null)";
			/* With a precision, never read beyond it: the array need
			 * not be terminated (C99 7.19.6.1p8). */
			while ((prec < 0 || n < (size_t)prec) && s[n])
				n++;
			out_padded(&o, s, n, flags, width);
			break;
		}
		case '%':
			out_char(&o, '%');
			break;
		case '\0':
			/* A lone '%' at the end: copy what was seen. */
			out_mem(&o, spec, (size_t)(fmt - spec));
			continue;
		default:
			/* Unknown conversion: copied through literally. */
			out_mem(&o, spec, (size_t)(fmt - spec) + 1);
			break;
		}
		fmt++;
	}
	va_end(ap);

	if (o.size)
		o.buf[o.count < o.size ? o.count : o.size - 1] = '\0';
	if (o.count > INT_MAX_VAL)
		return -EOVERFLOW;
	return (int)o.count;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

size_t ksnappend(char *buf, size_t size, size_t n, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (n >= size)
		return n;
	va_start(ap, fmt);
	w = kvsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
	return w < 0 ? n : MIN(size, n + (size_t)w);
}
