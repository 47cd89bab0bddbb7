/*
 * osh line editor: raw mode through termios, VT100/ANSI escapes for the
 * redraw, the window width from TIOCGWINSZ (queried at every redraw, so a
 * resize takes effect at the next key), history with up/down and a
 * ~/.sh_history file (500 lines, no duplicates in a row), and tab
 * completion of commands, paths and $VARIABLES. Keys: arrows, Home/End,
 * Backspace/Delete, ^A ^B ^E ^F ^K ^U ^W ^L ^P ^N, ^C (abandon the line),
 * ^D (exit on an empty line, else delete).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "edit.h"
#include "sh.h"

#define HIST_MAX 500

char *exec_lookup(const char *cmd);

static char *hist[HIST_MAX];
static int nhist;
static int hist_base = 1; /* number of hist[0] for !N */
static char hist_path[4096];

struct ed {
	char *buf;
	size_t len, pos, cap;
	const char *prompt;
	size_t plen;
	int row; /* cursor row relative to the prompt's first row */
	int last_tab;
};

static void out(const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(2, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		n -= w;
	}
}

static void outs(const char *s)
{
	out(s, strlen(s));
}

/* Writes prompt text without its PROMPT_IGNORE_* markers. */
static void out_prompt(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != PROMPT_IGNORE_START && s[i] != PROMPT_IGNORE_END)
			out(s + i, 1);
}

/* Columns the prompt takes: markers and what is between them take none. */
static size_t prompt_width(const char *s)
{
	size_t w = 0;
	int hidden = 0;
	for (; *s; s++) {
		if (*s == PROMPT_IGNORE_START)
			hidden = 1;
		else if (*s == PROMPT_IGNORE_END)
			hidden = 0;
		else if (!hidden && ((unsigned char)*s & 0xc0) != 0x80)
			w++; /* UTF-8 continuation bytes take no column */
	}
	return w;
}

static int term_cols(void)
{
	struct winsize ws;
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static void refresh(struct ed *e)
{
	int cols = term_cols();
	char esc[32];
	if (e->row > 0) {
		snprintf(esc, sizeof(esc), "\x1b[%dA", e->row);
		outs(esc);
	}
	outs("\r\x1b[J");
	out_prompt(e->prompt, strlen(e->prompt));
	out(e->buf, e->len);
	size_t total = e->plen + e->len;
	int end_row = total / cols;
	if (e->pos == e->len && total % cols != 0) {
		e->row = end_row; /* already there: no cursor moves in the stream */
		return;
	}
	if (total > 0 && total % cols == 0)
		outs("\r\n"); /* the terminal defers the wrap: force it */
	size_t at = e->plen + e->pos;
	int want_row = at / cols, want_col = at % cols;
	if (end_row > want_row) {
		snprintf(esc, sizeof(esc), "\x1b[%dA", end_row - want_row);
		outs(esc);
	}
	outs("\r");
	if (want_col > 0) {
		snprintf(esc, sizeof(esc), "\x1b[%dC", want_col);
		outs(esc);
	}
	e->row = want_row;
}

static void insert(struct ed *e, const char *s, size_t n)
{
	if (e->len + n + 2 > e->cap) {
		e->cap = (e->len + n + 2) * 2;
		e->buf = realloc(e->buf, e->cap);
	}
	memmove(e->buf + e->pos + n, e->buf + e->pos, e->len - e->pos);
	memcpy(e->buf + e->pos, s, n);
	e->len += n;
	e->pos += n;
}

static void delete_range(struct ed *e, size_t from, size_t to)
{
	memmove(e->buf + from, e->buf + to, e->len - to);
	e->len -= to - from;
	e->pos = from;
}

static void set_line(struct ed *e, const char *s)
{
	e->len = e->pos = 0;
	size_t n = strlen(s);
	if (n && s[n - 1] == '\n')
		n--;
	insert(e, s, n);
}

/* ---- completion ---- */

struct cands {
	char **v;
	int n, cap;
};

static void cand_add(struct cands *c, const char *s)
{
	for (int i = 0; i < c->n; i++)
		if (strcmp(c->v[i], s) == 0)
			return;
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->v = realloc(c->v, c->cap * sizeof(char *));
	}
	c->v[c->n++] = strdup(s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void complete_dir(struct cands *c, const char *dir, const char *prefix, const char *show_dir,
			 int exec_only)
{
	DIR *d = opendir(*dir ? dir : ".");
	if (!d)
		return;
	struct dirent *de;
	size_t pl = strlen(prefix);
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, prefix, pl) || !strcmp(de->d_name, ".") ||
		    !strcmp(de->d_name, ".."))
			continue;
		if (de->d_name[0] == '.' && prefix[0] != '.')
			continue;
		char full[4096];
		snprintf(full, sizeof(full), "%s%s", *dir ? dir : "./", de->d_name);
		struct stat st;
		int isdir = stat(full, &st) == 0 && S_ISDIR(st.st_mode);
		if (exec_only && (isdir || access(full, X_OK)))
			continue;
		char name[4096];
		snprintf(name, sizeof(name), "%s%s%s", show_dir, de->d_name, isdir ? "/" : "");
		cand_add(c, name);
	}
	closedir(d);
}

static void complete(struct ed *e)
{
	size_t start = e->pos;
	/* The word starts after an unescaped separator ("my\ dir" is one word). */
	while (start > 0 && (!strchr(" \t;|&<>(", e->buf[start - 1]) ||
			     (start > 1 && e->buf[start - 2] == '\\')))
		start--;
	/* unescape the word: "a\ b" */
	char word[4096];
	size_t wl = 0;
	for (size_t i = start; i < e->pos && wl < sizeof(word) - 1; i++) {
		if (e->buf[i] == '\\' && i + 1 < e->pos)
			i++;
		word[wl++] = e->buf[i];
	}
	word[wl] = 0;
	size_t k = start;
	while (k > 0 && (e->buf[k - 1] == ' ' || e->buf[k - 1] == '\t'))
		k--;
	int first = k == 0 || strchr(";|&(", e->buf[k - 1]);
	struct cands c = {0};
	if (word[0] == '$') {
		for (int i = 0; i < sh.nvars; i++)
			if (!strncmp(sh.vars[i].name, word + 1, wl - 1)) {
				char v[512];
				snprintf(v, sizeof(v), "$%s", sh.vars[i].name);
				cand_add(&c, v);
			}
	} else if (first && !strchr(word, '/')) {
		static const char *const bi[] = {
			"cd",	 "pwd",	     "export",	"unset",  "exit",    "echo",  "printf",
			"read",	 "type",     "command", "exec",	  "wait",    "kill",  "umask",
			"true",	 "false",    "shift",	"source", "set",     "local", "return",
			"break", "continue", "eval",	"test",	  "history", NULL};
		for (int i = 0; bi[i]; i++)
			if (!strncmp(bi[i], word, wl))
				cand_add(&c, bi[i]);
		const char *path = var_get("PATH");
		char *pc = strdup(path ? path : ""), *save = NULL;
		for (char *d = strtok_r(pc, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			char dir[4096];
			snprintf(dir, sizeof(dir), "%s/", d);
			complete_dir(&c, dir, word, "", 1);
		}
		free(pc);
	} else {
		char *slash = strrchr(word, '/');
		char dir[4096] = "";
		const char *prefix = word;
		if (slash) {
			snprintf(dir, sizeof(dir), "%.*s", (int)(slash - word + 1), word);
			prefix = slash + 1;
		}
		complete_dir(&c, dir, prefix, dir, 0);
	}
	if (c.n == 0) {
		outs("\a");
		goto done;
	}
	qsort(c.v, c.n, sizeof(char *), cmp_str);
	size_t common = strlen(c.v[0]);
	for (int i = 1; i < c.n; i++) {
		size_t j = 0;
		while (j < common && c.v[i][j] == c.v[0][j])
			j++;
		common = j;
	}
	if (common > wl || c.n == 1) {
		/* Replace the word with the common prefix, escaping specials. */
		delete_range(e, start, e->pos);
		for (size_t i = 0; i < common; i++) {
			char ch = c.v[0][i];
			if (strchr(" \t\\'\"$&;|<>()*?[]`", ch) &&
			    !(i == 0 && ch == '$' && word[0] == '$'))
				insert(e, "\\", 1);
			insert(e, &ch, 1);
		}
		if (c.n == 1 && c.v[0][common - 1] != '/')
			insert(e, " ", 1);
	} else if (e->last_tab) {
		/* Second Tab: list the candidates in columns. */
		size_t w = 0;
		for (int i = 0; i < c.n; i++)
			if (strlen(c.v[i]) > w)
				w = strlen(c.v[i]);
		int cols = term_cols(), per = cols / (w + 2);
		if (per < 1)
			per = 1;
		outs("\r\n");
		for (int i = 0; i < c.n; i++) {
			char cell[4200];
			snprintf(cell, sizeof(cell), "%-*s", (int)(w + 2), c.v[i]);
			outs(cell);
			if ((i + 1) % per == 0 || i == c.n - 1)
				outs("\r\n");
		}
		e->row = 0;
	} else {
		outs("\a");
	}
done:
	for (int i = 0; i < c.n; i++)
		free(c.v[i]);
	free(c.v);
}

/* ---- the editor ---- */

static volatile sig_atomic_t winch;

static void on_winch(int sig)
{
	winch = 1;
}

#define KEY_RESIZE 0x100 /* read_byte: the window size changed */

ssize_t edit_read_input(void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(0, buf, n);
		int fl;
		if (r >= 0 || errno != EAGAIN)
			return r;
		/* Another process set O_NONBLOCK on the terminal's shared file
		 * description: take it back rather than see end of input. */
		fl = fcntl(0, F_GETFL);
		if (fl < 0 || !(fl & O_NONBLOCK) || fcntl(0, F_SETFL, fl & ~O_NONBLOCK) < 0)
			return r;
		fputs("osh: turning off NDELAY mode\n", stderr);
	}
}

static int read_byte(void)
{
	unsigned char c;
	for (;;) {
		ssize_t r = edit_read_input(&c, 1);
		if (r == 1)
			return c;
		if (r < 0 && errno == EINTR) {
			if (winch) {
				winch = 0;
				return KEY_RESIZE;
			}
			continue;
		}
		return -1;
	}
}

/* ^R: incremental search backwards through the history. Returns the
 * index of the accepted entry or -1 (cancelled); *key gets the key that
 * ended the search (Enter runs the line at once, as in bash). */
static int isearch(struct ed *e, int *key)
{
	char pat[256] = "";
	size_t pl = 0;
	int found = nhist - 1, match = -1;
	for (;;) {
		match = -1;
		for (int i = found; i >= 0; i--)
			if (strstr(hist[i], pat)) {
				match = i;
				break;
			}
		char line[1024];
		snprintf(line, sizeof(line), "\r\x1b[J(reverse-i-search)`%s': %s", pat,
			 match >= 0 ? hist[match] : "");
		outs(line);
		e->row = 0;
		int c = read_byte();
		if (c == 18) { /* ^R again: the next older match */
			found = match > 0 ? match - 1 : 0;
			continue;
		}
		if ((c == 127 || c == 8) && pl > 0) {
			pat[--pl] = 0;
			found = nhist - 1;
			continue;
		}
		if (c >= 32 && c < 127 && pl < sizeof(pat) - 1) {
			pat[pl++] = c;
			pat[pl] = 0;
			continue;
		}
		if (c == KEY_RESIZE)
			continue;
		*key = c;
		if (c == 3 || c == 7 || c < 0)
			return -1;
		return match;
	}
}

static char *fallback_readline(const char *prompt)
{
	out_prompt(prompt, strlen(prompt));
	size_t cap = 128, n = 0;
	char *line = malloc(cap);
	int c;
	while ((c = read_byte()) >= 0) {
		if (n + 2 >= cap)
			line = realloc(line, cap *= 2);
		line[n++] = c;
		if (c == '\n')
			break;
	}
	if (n == 0) {
		free(line);
		return NULL;
	}
	line[n] = 0;
	return line;
}

char *edit_readline(const char *prompt)
{
	struct termios old, raw;
	if (!prompt)
		prompt = "";
	if (tcgetattr(0, &old) < 0)
		return fallback_readline(prompt);
	raw = old;
	raw.c_iflag &= ~(ICRNL | IXON | INLCR | IGNCR);
	raw.c_lflag &= ~(ICANON | ECHO | ISIG | IEXTEN);
	raw.c_cc[VMIN] = 1;
	raw.c_cc[VTIME] = 0;
	tcsetattr(0, TCSADRAIN, &raw);
	/* A multi-line prompt: the lines before the last are written once;
	 * redraws only repeat the last one. */
	const char *nl = strrchr(prompt, '\n');
	if (nl) {
		out_prompt(prompt, nl + 1 - prompt);
		prompt = nl + 1;
	}
	struct ed e = {.prompt = prompt, .plen = prompt_width(prompt)};
	e.cap = 128;
	e.buf = malloc(e.cap);
	int hidx = nhist;
	char *saved = NULL; /* the line being edited while browsing history */
	char *result = NULL;
	/* The first draw is the bare prompt, as busybox writes it: scripts
	 * driving a console wait for it and must not see it again until the
	 * command has run (so no redraw at Enter either, below). */
	if (e.plen % term_cols() != 0)
		out_prompt(e.prompt, strlen(e.prompt));
	else
		refresh(&e);
	for (;;) {
		int c = read_byte();
		int was_tab = e.last_tab;
		e.last_tab = 0;
		if (c < 0) {
			result = NULL;
			break;
		}
		switch (c) {
		case '\r':
		case '\n':
			if (e.pos != e.len) {
				e.pos = e.len;
				refresh(&e);
			}
			outs("\r\n");
			e.buf[e.len++] = '\n';
			e.buf[e.len] = 0;
			result = e.buf;
			e.buf = NULL;
			goto out;
		case 3: /* ^C */
			outs("^C\r\n");
			result = EDIT_INTERRUPTED;
			goto out;
		case 4: /* ^D */
			if (e.len == 0) {
				outs("\r\n");
				result = NULL;
				goto out;
			}
			if (e.pos < e.len)
				delete_range(&e, e.pos, e.pos + 1);
			break;
		case 1:
			e.pos = 0;
			break;
		case 5:
			e.pos = e.len;
			break;
		case 2:
			if (e.pos > 0)
				e.pos--;
			break;
		case 6:
			if (e.pos < e.len)
				e.pos++;
			break;
		case 11:
			e.len = e.pos;
			break;
		case 21:
			delete_range(&e, 0, e.pos);
			break;
		case 23: { /* ^W: the word before the cursor */
			size_t p = e.pos;
			while (p > 0 && e.buf[p - 1] == ' ')
				p--;
			while (p > 0 && e.buf[p - 1] != ' ')
				p--;
			delete_range(&e, p, e.pos);
			break;
		}
		case KEY_RESIZE:
			break; /* redrawn below at the new width */
		case 18: {     /* ^R */
			int key = 0, m = isearch(&e, &key);
			if (m >= 0)
				set_line(&e, hist[m]);
			outs("\r\x1b[J");
			e.row = 0;
			if (m >= 0 && (key == '\r' || key == '\n')) {
				refresh(&e);
				outs("\r\n");
				e.buf[e.len++] = '\n';
				e.buf[e.len] = 0;
				result = e.buf;
				e.buf = NULL;
				goto out;
			}
			break;
		}
		case 12: /* ^L */
			outs("\x1b[H\x1b[2J");
			e.row = 0;
			break;
		case 127:
		case 8:
			if (e.pos > 0)
				delete_range(&e, e.pos - 1, e.pos);
			break;
		case '\t':
			e.last_tab = was_tab; /* complete() lists on a second Tab */
			complete(&e);
			e.last_tab = 1;
			break;
		case 16: /* ^P */
		case 14: /* ^N */
			c = c == 16 ? 'A' : 'B';
			goto arrow;
		case 27: {
			int c1 = read_byte(), c2;
			if (c1 != '[' && c1 != 'O')
				break;
			c2 = read_byte();
			if (c2 >= '0' && c2 <= '9') {
				int c3 = read_byte();
				while (c3 >= '0' && c3 <= '9')
					c3 = read_byte();
				if (c3 != '~')
					break;
				if (c2 == '3' && e.pos < e.len)
					delete_range(&e, e.pos, e.pos + 1);
				else if (c2 == '1' || c2 == '7')
					e.pos = 0;
				else if (c2 == '4' || c2 == '8')
					e.pos = e.len;
				break;
			}
			c = c2;
arrow:
			if (c == 'C' && e.pos < e.len)
				e.pos++;
			else if (c == 'D' && e.pos > 0)
				e.pos--;
			else if (c == 'H')
				e.pos = 0;
			else if (c == 'F')
				e.pos = e.len;
			else if (c == 'A' && hidx > 0) {
				if (hidx == nhist) {
					e.buf[e.len] = 0;
					free(saved);
					saved = strndup(e.buf, e.len);
				}
				set_line(&e, hist[--hidx]);
			} else if (c == 'B' && hidx < nhist) {
				hidx++;
				set_line(&e, hidx == nhist ? (saved ? saved : "") : hist[hidx]);
			}
			break;
		}
		default:
			if (c >= 32) {
				char ch = c;
				insert(&e, &ch, 1);
				if (e.pos == e.len && (e.plen + e.len) % term_cols() != 0) {
					out(&ch, 1); /* typing at the end: no redraw needed */
					continue;
				}
			}
		}
		refresh(&e);
	}
out:
	tcsetattr(0, TCSADRAIN, &old);
	free(e.buf);
	free(saved);
	return result;
}

/* ---- history ---- */

static void hist_push(const char *line)
{
	size_t n = strlen(line);
	while (n && line[n - 1] == '\n')
		n--;
	if (n == 0)
		return;
	if (nhist && strlen(hist[nhist - 1]) == n && !strncmp(hist[nhist - 1], line, n))
		return;
	if (nhist == HIST_MAX) {
		free(hist[0]);
		memmove(hist, hist + 1, (HIST_MAX - 1) * sizeof(char *));
		nhist--;
		hist_base++;
	}
	hist[nhist++] = strndup(line, n);
}

void edit_init(void)
{
	struct sigaction sa = {.sa_handler = on_winch}; /* no SA_RESTART: read returns EINTR */
	sigaction(SIGWINCH, &sa, NULL);
	const char *home = var_get("HOME");
	snprintf(hist_path, sizeof(hist_path), "%s/.sh_history", home ? home : "");
	FILE *f = fopen(hist_path, "re");
	if (!f)
		return;
	char line[4096];
	while (fgets(line, sizeof(line), f))
		hist_push(line);
	fclose(f);
}

void edit_history_add(const char *line)
{
	hist_push(line); /* a multi-line command is one entry */
}

void edit_save_history(void)
{
	if (!hist_path[0])
		return;
	FILE *f = fopen(hist_path, "we");
	if (!f)
		return;
	for (int i = 0; i < nhist; i++) {
		for (const char *s = hist[i]; *s; s++)
			fputc(*s == '\n' ? ' ' : *s, f);
		fputc('\n', f);
	}
	fclose(f);
}

char *edit_history_expand(const char *line)
{
	size_t n = strlen(line), cap = n * 2 + 64, o = 0;
	char *r = malloc(cap);
	int sq = 0, changed = 0;
	for (size_t i = 0; i < n; i++) {
		char c = line[i];
		if (c == '\'')
			sq = !sq;
		const char *ins = NULL;
		size_t skip = 0;
		if (!sq && c == '!' && i + 1 < n) {
			if (line[i + 1] == '!') {
				if (!nhist) {
					fprintf(stderr, "osh: !!: event not found\n");
					free(r);
					return NULL;
				}
				ins = hist[nhist - 1];
				skip = 1;
			} else if (line[i + 1] >= '0' && line[i + 1] <= '9') {
				char *end;
				long k = strtol(line + i + 1, &end, 10);
				if (k < hist_base || k >= hist_base + nhist) {
					fprintf(stderr, "osh: !%ld: event not found\n", k);
					free(r);
					return NULL;
				}
				ins = hist[k - hist_base];
				skip = end - (line + i + 1);
			}
		}
		if (ins) {
			size_t il = strlen(ins);
			if (o + il + 2 > cap)
				r = realloc(r, cap = (o + il) * 2 + 64);
			memcpy(r + o, ins, il);
			o += il;
			i += skip;
			changed = 1;
			continue;
		}
		if (o + 2 > cap)
			r = realloc(r, cap *= 2);
		r[o++] = c;
	}
	r[o] = 0;
	if (changed)
		fputs(r, stderr); /* as other shells, show the expanded line */
	return r;
}

int edit_history_builtin(int argc, char **argv)
{
	for (int i = 0; i < nhist; i++)
		printf("%5d  %s\n", hist_base + i, hist[i]);
	return 0;
}
