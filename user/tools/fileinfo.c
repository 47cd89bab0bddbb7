/*
 * Tools that describe files and filesystems: stat (GNU's default layout
 * and -c formats), hexdump (-C and the default word layout, as util-linux
 * prints them) and df (statvfs(3) over /proc/mounts, -h as GNU).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools.h"

/* ---- stat --------------------------------------------------------------- */

static const char *file_type(mode_t m, off_t size)
{
	if (S_ISREG(m))
		return size ? "regular file" : "regular empty file";
	if (S_ISDIR(m))
		return "directory";
	if (S_ISLNK(m))
		return "symbolic link";
	if (S_ISCHR(m))
		return "character special file";
	if (S_ISBLK(m))
		return "block special file";
	if (S_ISFIFO(m))
		return "fifo";
	return "socket";
}

static void stat_time(const struct timespec *t)
{
	struct tm tm;
	char buf[64], zone[16];
	localtime_r(&t->tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	printf("%s.%09ld %s\n", buf, t->tv_nsec, zone);
}

static void stat_format(const char *fmt, const char *path, const struct stat *st)
{
	struct passwd *pw;
	struct group *gr;
	char mode[11];
	for (const char *p = fmt; *p; p++) {
		if (*p == '\\' && p[1] == 'n') {
			putchar('\n');
			p++;
			continue;
		}
		if (*p != '%' || !p[1]) {
			putchar(*p);
			continue;
		}
		switch (*++p) {
		case '%':
			putchar('%');
			break;
		case 'n':
			fputs(path, stdout);
			break;
		case 's':
			printf("%lld", (long long)st->st_size);
			break;
		case 'a':
			printf("%o", (unsigned)(st->st_mode & 07777));
			break;
		case 'A':
			fmt_mode(st->st_mode, mode);
			fputs(mode, stdout);
			break;
		case 'b':
			printf("%lld", (long long)st->st_blocks);
			break;
		case 'F':
			fputs(file_type(st->st_mode, st->st_size), stdout);
			break;
		case 'f':
			printf("%x", (unsigned)st->st_mode);
			break;
		case 'h':
			printf("%lu", (unsigned long)st->st_nlink);
			break;
		case 'i':
			printf("%llu", (unsigned long long)st->st_ino);
			break;
		case 'u':
			printf("%u", (unsigned)st->st_uid);
			break;
		case 'g':
			printf("%u", (unsigned)st->st_gid);
			break;
		case 'U':
			pw = getpwuid(st->st_uid);
			fputs(pw ? pw->pw_name : "UNKNOWN", stdout);
			break;
		case 'G':
			gr = getgrgid(st->st_gid);
			fputs(gr ? gr->gr_name : "UNKNOWN", stdout);
			break;
		case 'o':
			printf("%ld", (long)st->st_blksize);
			break;
		case 'X':
			printf("%lld", (long long)st->st_atim.tv_sec);
			break;
		case 'Y':
			printf("%lld", (long long)st->st_mtim.tv_sec);
			break;
		case 'Z':
			printf("%lld", (long long)st->st_ctim.tv_sec);
			break;
		case 'd':
			printf("%llu", (unsigned long long)st->st_dev);
			break;
		default:
			putchar('?');
		}
	}
	putchar('\n');
}

int stat_main(int argc, char **argv)
{
	const char *fmt = NULL;
	int deref = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "c:L")) != -1) {
		if (c == 'c')
			fmt = optarg;
		else if (c == 'L')
			deref = 1;
		else
			return tool_usage(1, "[-L] [-c FORMAT] FILE...");
	}
	if (optind >= argc) {
		tool_warn("missing operand");
		return tool_usage(1, "[-L] [-c FORMAT] FILE...");
	}
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if ((deref ? stat(argv[i], &st) : lstat(argv[i], &st)) < 0) {
			tool_warn_errno("cannot stat '%s'", argv[i]);
			rc = 1;
			continue;
		}
		if (fmt) {
			stat_format(fmt, argv[i], &st);
			continue;
		}
		char mode[11], link[PATH_MAX] = "";
		struct passwd *pw = getpwuid(st.st_uid);
		struct group *gr = getgrgid(st.st_gid);
		ssize_t k = S_ISLNK(st.st_mode) ? readlink(argv[i], link, sizeof(link) - 1) : -1;
		if (k >= 0)
			link[k] = '\0';
		fmt_mode(st.st_mode, mode);
		printf("  File: %s%s%s\n", argv[i], k >= 0 ? " -> " : "", link);
		printf("  Size: %-10lld\tBlocks: %-10lld IO Block: %-6ld %s\n",
		       (long long)st.st_size, (long long)st.st_blocks, (long)st.st_blksize,
		       file_type(st.st_mode, st.st_size));
		printf("Device: %u,%u\tInode: %-11llu Links: %lu\n", major(st.st_dev),
		       minor(st.st_dev), (unsigned long long)st.st_ino, (unsigned long)st.st_nlink);
		printf("Access: (%04o/%s)  Uid: (%5u/%8s)   Gid: (%5u/%8s)\n",
		       (unsigned)(st.st_mode & 07777), mode, (unsigned)st.st_uid,
		       pw ? pw->pw_name : "UNKNOWN", (unsigned)st.st_gid,
		       gr ? gr->gr_name : "UNKNOWN");
		printf("Access: ");
		stat_time(&st.st_atim);
		printf("Modify: ");
		stat_time(&st.st_mtim);
		printf("Change: ");
		stat_time(&st.st_ctim);
	}
	return rc;
}

/* ---- hexdump ------------------------------------------------------------ */

static void hex_line(const unsigned char *b, size_t n, unsigned long long off, int canon)
{
	if (canon) {
		printf("%08llx ", off);
		for (size_t i = 0; i < 16; i++) {
			if (i == 8)
				putchar(' ');
			if (i < n)
				printf(" %02x", b[i]);
			else
				printf("   ");
		}
		printf("  |");
		for (size_t i = 0; i < n; i++)
			putchar(b[i] >= 0x20 && b[i] < 0x7f ? b[i] : '.');
		printf("|\n");
		return;
	}
	printf("%07llx", off);
	for (size_t i = 0; i < 16; i += 2) {
		if (i < n)
			printf(" %04x", b[i] | (i + 1 < n ? b[i + 1] << 8 : 0));
		else
			printf("     "); /* util-linux pads a short last line */
	}
	putchar('\n');
}

int hexdump_main(int argc, char **argv)
{
	static char *dash[] = {"-", NULL};
	int canon = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "C")) != -1) {
		if (c != 'C')
			return tool_usage(1, "[-C] [FILE]...");
		canon = 1;
	}
	/* The files are one stream, as util-linux hexdump reads them. */
	unsigned char line[16], prev[16];
	size_t have = 0;
	unsigned long long off = 0;
	int star = 0, has_prev = 0;
	char **files = optind < argc ? argv + optind : dash;
	for (; *files; files++) {
		FILE *f = open_input(*files);
		if (!f) {
			rc = 1;
			continue;
		}
		int ch;
		while ((ch = getc(f)) != EOF) {
			line[have++] = (unsigned char)ch;
			if (have < 16)
				continue;
			if (has_prev && !memcmp(line, prev, 16)) {
				if (!star)
					puts("*");
				star = 1;
			} else {
				hex_line(line, 16, off, canon);
				star = 0;
			}
			memcpy(prev, line, 16);
			has_prev = 1;
			off += 16;
			have = 0;
		}
		close_input(f);
	}
	if (have) {
		hex_line(line, have, off, canon);
		off += have;
	}
	if (off || have || has_prev)
		printf(canon ? "%08llx\n" : "%07llx\n", off);
	return rc;
}

/* ---- df ----------------------------------------------------------------- */

static void df_size(unsigned long long bytes, int human, char *buf, size_t len)
{
	if (human)
		fmt_human(bytes, buf, len);
	else
		snprintf(buf, len, "%llu", (bytes + 1023) / 1024);
}

int df_main(int argc, char **argv)
{
	int human = 0, all = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "ahkP")) != -1) {
		if (c == 'h')
			human = 1;
		else if (c == 'a')
			all = 1;
		else if (c != 'k' && c != 'P')
			return tool_usage(1, "[-ahkP] [FILE]...");
	}
	FILE *m = fopen("/proc/mounts", "r");
	if (!m) {
		tool_warn_errno("/proc/mounts");
		return 1;
	}
	struct mnt {
		char dev[256], dir[256];
		dev_t id;
	} *mnts = NULL;
	size_t n = 0;
	char line[1024];
	while (fgets(line, sizeof(line), m)) {
		struct mnt x;
		struct stat st;
		if (sscanf(line, "%255s %255s", x.dev, x.dir) != 2)
			continue;
		x.id = stat(x.dir, &st) == 0 ? st.st_dev : (dev_t)-1;
		mnts = realloc(mnts, (n + 1) * sizeof(*mnts));
		if (!mnts)
			return 1;
		mnts[n++] = x;
	}
	fclose(m);
	printf("%-20s %10s %10s %10s %4s %s\n", "Filesystem", human ? "Size" : "1K-blocks", "Used",
	       human ? "Avail" : "Available", "Use%", "Mounted on");
	for (size_t i = 0; i < n || (optind < argc && i == 0); i++) {
		const struct mnt *x = NULL;
		if (optind < argc) {
			/* FILE operands: the mount each lives on (the last one with its device). */
			if (i + (size_t)optind >= (size_t)argc)
				break;
			struct stat st;
			const char *path = argv[optind + (int)i];
			if (stat(path, &st) < 0) {
				tool_warn_errno("%s", path);
				rc = 1;
				continue;
			}
			/* Of the mounts with its device, the one whose directory
			 * is the longest prefix of its real path: a bind mount
			 * elsewhere (/run/netns on /, say) is not where it lives.
			 * Without a prefix match, the last one with the device. */
			char real[PATH_MAX];
			size_t best = 0;
			if (!realpath(path, real))
				real[0] = '\0';
			for (size_t k = 0; k < n; k++) {
				if (mnts[k].id != st.st_dev)
					continue;
				size_t dl = strlen(mnts[k].dir);
				bool prefix = !strcmp(mnts[k].dir, "/") ||
					      (!strncmp(real, mnts[k].dir, dl) &&
					       (real[dl] == '/' || real[dl] == '\0'));
				if (prefix && dl >= best) {
					best = dl;
					x = &mnts[k];
				} else if (!best) {
					x = &mnts[k];
				}
			}
			if (!x) {
				tool_warn("%s: no mount found", path);
				rc = 1;
				continue;
			}
		} else {
			x = &mnts[i];
		}
		struct statvfs vs;
		if (statvfs(x->dir, &vs) < 0) {
			tool_warn_errno("%s", x->dir);
			rc = 1;
			continue;
		}
		if (vs.f_blocks == 0 && !all && optind >= argc)
			continue;
		unsigned long long fr = vs.f_frsize ? vs.f_frsize : vs.f_bsize;
		unsigned long long total = vs.f_blocks * fr, avail = vs.f_bavail * fr;
		unsigned long long used = (vs.f_blocks - vs.f_bfree) * fr;
		char a[32], b[32], cc[32], pct[8] = "-";
		df_size(total, human, a, sizeof(a));
		df_size(used, human, b, sizeof(b));
		df_size(avail, human, cc, sizeof(cc));
		if (used + avail)
			snprintf(pct, sizeof(pct), "%llu%%",
				 (used * 100 + used + avail - 1) / (used + avail));
		printf("%-20s %10s %10s %10s %4s %s\n", x->dev, a, b, cc, pct, x->dir);
	}
	free(mnts);
	return rc;
}
