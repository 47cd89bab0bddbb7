/*
 * Pure formatting helpers of the tools (see fmt.h). No I/O here, so the
 * file builds unchanged for the host unit tests.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <string.h>

#include "fmt.h"

void fmt_human(uint64_t n, char *buf, size_t len)
{
	static const char units[] = "KMGTPE";
	uint64_t div = 1;
	int u = -1;

	if (n < 1024) {
		snprintf(buf, len, "%llu", (unsigned long long)n);
		return;
	}
	while (u < 5 && n / div >= 1024) {
		div *= 1024;
		u++;
	}
	/* Tenths, rounded up: 1025 bytes is "1.1K" as in GNU ls. */
	uint64_t tenths = (n / div) * 10 + ((n % div) * 10 + div - 1) / div;
	if (tenths < 100) {
		snprintf(buf, len, "%llu.%llu%c", (unsigned long long)(tenths / 10),
			 (unsigned long long)(tenths % 10), units[u]);
		return;
	}
	uint64_t whole = (n + div - 1) / div;
	if (whole >= 1024 && u < 5) {
		snprintf(buf, len, "1.0%c", units[u + 1]);
		return;
	}
	snprintf(buf, len, "%llu%c", (unsigned long long)whole, units[u]);
}

void fmt_mode(mode_t mode, char out[11])
{
	char t = '-';
	if (S_ISDIR(mode))
		t = 'd';
	else if (S_ISLNK(mode))
		t = 'l';
	else if (S_ISCHR(mode))
		t = 'c';
	else if (S_ISBLK(mode))
		t = 'b';
	else if (S_ISFIFO(mode))
		t = 'p';
	else if (S_ISSOCK(mode))
		t = 's';
	out[0] = t;
	out[1] = mode & S_IRUSR ? 'r' : '-';
	out[2] = mode & S_IWUSR ? 'w' : '-';
	out[3] = mode & S_ISUID ? (mode & S_IXUSR ? 's' : 'S') : (mode & S_IXUSR ? 'x' : '-');
	out[4] = mode & S_IRGRP ? 'r' : '-';
	out[5] = mode & S_IWGRP ? 'w' : '-';
	out[6] = mode & S_ISGID ? (mode & S_IXGRP ? 's' : 'S') : (mode & S_IXGRP ? 'x' : '-');
	out[7] = mode & S_IROTH ? 'r' : '-';
	out[8] = mode & S_IWOTH ? 'w' : '-';
	out[9] = mode & S_ISVTX ? (mode & S_IXOTH ? 't' : 'T') : (mode & S_IXOTH ? 'x' : '-');
	out[10] = '\0';
}

int mode_parse(const char *s, mode_t old, mode_t umask_bits, mode_t *out)
{
	mode_t cur = old & 07777;

	if (*s >= '0' && *s <= '7') {
		mode_t v = 0;
		for (; *s; s++) {
			if (*s < '0' || *s > '7' || v > 07777)
				return -1;
			v = v * 8 + (mode_t)(*s - '0');
		}
		if (v > 07777)
			return -1;
		*out = v;
		return 0;
	}
	for (;;) {
		mode_t who = 0;
		int who_given = 0;
		for (;; s++) {
			if (*s == 'u')
				who |= S_ISUID | S_IRWXU;
			else if (*s == 'g')
				who |= S_ISGID | S_IRWXG;
			else if (*s == 'o')
				who |= S_IRWXO;
			else if (*s == 'a')
				who |= 07777 & ~(mode_t)S_ISVTX;
			else
				break;
			who_given = 1;
		}
		if (!who_given)
			who = 07777 & ~(mode_t)S_ISVTX;
		if (*s != '+' && *s != '-' && *s != '=')
			return -1;
		while (*s == '+' || *s == '-' || *s == '=') {
			char op = *s++;
			mode_t perm = 0;
			for (; *s && *s != ',' && *s != '+' && *s != '-' && *s != '='; s++) {
				switch (*s) {
				case 'r':
					perm |= S_IRUSR | S_IRGRP | S_IROTH;
					break;
				case 'w':
					perm |= S_IWUSR | S_IWGRP | S_IWOTH;
					break;
				case 'x':
					perm |= S_IXUSR | S_IXGRP | S_IXOTH;
					break;
				case 'X':
					if (S_ISDIR(old) || (cur & (S_IXUSR | S_IXGRP | S_IXOTH)))
						perm |= S_IXUSR | S_IXGRP | S_IXOTH;
					break;
				case 's':
					perm |= S_ISUID | S_ISGID;
					break;
				case 't':
					perm |= S_ISVTX;
					break;
				default:
					return -1;
				}
			}
			mode_t mask = who;
			if (perm & S_ISVTX && (!who_given || (who & S_IRWXO)))
				mask |= S_ISVTX;
			mode_t bits = perm & mask;
			if (!who_given)
				bits &= ~umask_bits | S_ISUID | S_ISGID | S_ISVTX;
			if (op == '+')
				cur |= bits;
			else if (op == '-')
				cur &= ~bits;
			else
				cur = (cur & ~mask) | bits;
		}
		if (*s == '\0')
			break;
		if (*s != ',')
			return -1;
		s++;
	}
	*out = cur;
	return 0;
}

size_t log_prefix_len(const char *rec, size_t len, int *level)
{
	size_t i = 1;
	int n = 0;

	*level = -1;
	if (len < 3 || rec[0] != '<')
		return 0;
	while (i < len && i < 5 && rec[i] >= '0' && rec[i] <= '9')
		n = n * 10 + (rec[i++] - '0');
	if (i == 1 || i >= len || rec[i] != '>')
		return 0;
	*level = n;
	return i + 1;
}

int log_console_level(const char *s)
{
	static const char *const names[] = {"emerg", "alert",  "crit", "err",
					    "warn",  "notice", "info", "debug"};

	if (s[0] >= '1' && s[0] <= '8' && s[1] == '\0')
		return s[0] - '0';
	for (int i = 0; i < 8; i++)
		if (strcmp(s, names[i]) == 0)
			return i + 1;
	return -1;
}
