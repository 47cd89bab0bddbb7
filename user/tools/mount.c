/*
 * mount, umount and the power tools (reboot, poweroff, halt) over
 * mount(2), umount2(2) and reboot(2) (Linux's interfaces; our kernel's in
 * kernel/syscall/sys_mount.c and sys_sys.c). mount with no operands lists
 * /proc/mounts; with one it looks the other up in /etc/fstab; without -t
 * it tries each block filesystem /proc/filesystems names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <unistd.h>

#include "mounts.h"
#include "tools.h"

/* Split "ro,mode=1777" into MS_* flags and the data string the filesystem parses. */
static unsigned long mount_opts(const char *opts, char *data, size_t len)
{
	static const struct {
		const char *name;
		unsigned long set, clear;
	} known[] = {{"ro", MS_RDONLY, 0},	  {"rw", 0, MS_RDONLY},
		     {"nosuid", MS_NOSUID, 0},	  {"suid", 0, MS_NOSUID},
		     {"nodev", MS_NODEV, 0},	  {"dev", 0, MS_NODEV},
		     {"noexec", MS_NOEXEC, 0},	  {"exec", 0, MS_NOEXEC},
		     {"sync", MS_SYNCHRONOUS, 0}, {"async", 0, MS_SYNCHRONOUS},
		     {"noatime", MS_NOATIME, 0},  {"defaults", 0, 0}};
	unsigned long flags = 0;
	char buf[1024], *save, *tok;
	data[0] = '\0';
	snprintf(buf, sizeof(buf), "%s", opts ? opts : "");
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t k;
		for (k = 0; k < sizeof(known) / sizeof(known[0]); k++)
			if (!strcmp(tok, known[k].name))
				break;
		if (k < sizeof(known) / sizeof(known[0])) {
			flags = (flags | known[k].set) & ~known[k].clear;
			continue;
		}
		size_t used = strlen(data);
		snprintf(data + used, len - used, "%s%s", used ? "," : "", tok);
	}
	return flags;
}

/* Find SPEC (a device or a directory) in /etc/fstab; 0 and the four fields, or -1. */
static int fstab_find(const char *spec, char *dev, char *dir, char *type, char *opts)
{
	FILE *f = fopen("/etc/fstab", "r");
	char line[1024];
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		if (sscanf(line, "%255s %255s %63s %255s", dev, dir, type, opts) < 3)
			continue;
		if (!strcmp(dev, spec) || !strcmp(dir, spec)) {
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

static int do_mount(const char *dev, const char *dir, const char *type, unsigned long flags,
		    const char *data)
{
	if (type) {
		if (mount(dev, dir, type, flags, *data ? data : NULL) == 0)
			return 0;
		tool_warn_errno("mounting %s on %s", dev, dir);
		return -1;
	}
	/* No type: try every filesystem that needs a device, as util-linux does. */
	FILE *f = fopen("/proc/filesystems", "r");
	char line[128], name[64];
	int err = ENODEV;
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "nodev", 5) || sscanf(line, "%63s", name) != 1)
			continue;
		if (mount(dev, dir, name, flags, *data ? data : NULL) == 0) {
			fclose(f);
			return 0;
		}
		if (errno != EINVAL && errno != ENODEV)
			err = errno;
	}
	if (f)
		fclose(f);
	errno = err;
	tool_warn_errno("mounting %s on %s (give the type with -t)", dev, dir);
	return -1;
}

int mount_main(int argc, char **argv)
{
	static const char use[] = "[-r] [-t TYPE] [-o OPTIONS] [DEVICE] [DIR] | -a";
	const char *type = NULL, *opts = NULL;
	int ro = 0, all = 0, c, rc = 0;
	while ((c = getopt(argc, argv, "art:o:")) != -1) {
		if (c == 'a')
			all = 1;
		else if (c == 'r')
			ro = 1;
		else if (c == 't')
			type = optarg;
		else if (c == 'o')
			opts = optarg;
		else
			return tool_usage(1, use);
	}
	int n = argc - optind;
	char data[1024];
	if (n == 0 && !all) {
		FILE *m = fopen("/proc/mounts", "r");
		char dev[256], dir[256], fstype[64], o[256];
		if (!m) {
			tool_warn_errno("/proc/mounts");
			return 1;
		}
		char line[1024];
		while (fgets(line, sizeof(line), m))
			if (sscanf(line, "%255s %255s %63s %255s", dev, dir, fstype, o) == 4 &&
			    (!type || !strcmp(type, fstype)))
				printf("%s on %s type %s (%s)\n", dev, dir, fstype, o);
		fclose(m);
		return 0;
	}
	if (all) {
		/* -a: every /etc/fstab entry whose directory is not yet a mount point. */
		FILE *f = fopen("/etc/fstab", "r");
		char line[1024], dev[256], dir[256], fstype[64], o[256];
		if (!f) {
			tool_warn_errno("/etc/fstab");
			return 1;
		}
		while (fgets(line, sizeof(line), f)) {
			if (line[0] == '#' ||
			    sscanf(line, "%255s %255s %63s %255s", dev, dir, fstype, o) < 3)
				continue;
			FILE *m = fopen("/proc/mounts", "r");
			char ml[1024], md[256], mdir[256];
			int mounted = 0;
			while (m && fgets(ml, sizeof(ml), m))
				if (sscanf(ml, "%255s %255s", md, mdir) == 2 && !strcmp(mdir, dir))
					mounted = 1;
			if (m)
				fclose(m);
			if (mounted || strstr(o, "noauto"))
				continue;
			unsigned long fl = mount_opts(o, data, sizeof(data));
			if (do_mount(dev, dir, fstype, fl, data) < 0)
				rc = 1;
		}
		fclose(f);
		return rc;
	}
	char dev[256], dir[256], fstype[64], fopts[256] = "";
	if (n == 1) {
		if (fstab_find(argv[optind], dev, dir, fstype, fopts) < 0) {
			tool_warn("%s: not found in /etc/fstab", argv[optind]);
			return 1;
		}
		if (!type)
			type = fstype;
		if (!opts)
			opts = fopts;
	} else if (n == 2) {
		snprintf(dev, sizeof(dev), "%s", argv[optind]);
		snprintf(dir, sizeof(dir), "%s", argv[optind + 1]);
	} else {
		tool_warn("extra operand '%s'", argv[optind + 2]);
		return tool_usage(1, use);
	}
	unsigned long flags = mount_opts(opts, data, sizeof(data));
	if (ro)
		flags |= MS_RDONLY;
	return do_mount(dev, dir, type, flags, data) < 0 ? 1 : 0;
}

int umount_main(int argc, char **argv)
{
	int c, rc = 0;
	while ((c = getopt(argc, argv, "")) != -1)
		return tool_usage(1, "DIR...");
	if (optind >= argc) {
		tool_warn("missing operand");
		return tool_usage(1, "DIR...");
	}
	for (int i = optind; i < argc; i++) {
		if (umount(argv[i]) < 0) {
			tool_warn_errno("%s", argv[i]);
			rc = 1;
		}
	}
	return rc;
}

/* Whether pid 1 is an init that takes these signals (ours, busybox's,
 * sysvinit: their command is "init"), not a shell started as init=. */
static bool pid1_is_init(void)
{
	char comm[32] = "";
	FILE *f = fopen("/proc/1/comm", "r");

	if (!f)
		return false;
	if (!fgets(comm, sizeof(comm), f))
		comm[0] = '\0';
	fclose(f);
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, "init") == 0;
}

/*
 * reboot, poweroff and halt ask init (pid 1) to do it, as busybox's do:
 * SIGTERM, SIGUSR2 and SIGUSR1, and init stops the services, kills what
 * is left, syncs and unmounts (docs/init.md). With -f, or when pid 1 is
 * not an init (a shell started with init=), they sync, unmount what they
 * can and call reboot(2) at once. -n: neither the sync nor the unmounts.
 */
static int power(int argc, char **argv, int cmd, int init_sig)
{
	int c;
	bool force = false, nosync = false;
	while ((c = getopt(argc, argv, "fn")) != -1) {
		if (c == 'f')
			force = true;
		else if (c == 'n')
			nosync = true;
		else
			return tool_usage(1, "[-fn]");
	}
	if (optind < argc) {
		tool_warn("extra operand '%s'", argv[optind]);
		return tool_usage(1, "[-fn]");
	}
	if (!force && pid1_is_init()) {
		if (kill(1, init_sig) == 0)
			return 0;
		tool_warn_errno("cannot ask init");
		return 1;
	}
	if (!nosync) {
		sync();
		unmount_all_but_root();
	}
	reboot(cmd);
	tool_warn_errno("reboot");
	return 1;
}

int reboot_main(int argc, char **argv)
{
	return power(argc, argv, RB_AUTOBOOT, SIGTERM);
}

int poweroff_main(int argc, char **argv)
{
	return power(argc, argv, RB_POWER_OFF, SIGUSR2);
}

int halt_main(int argc, char **argv)
{
	return power(argc, argv, RB_HALT_SYSTEM, SIGUSR1);
}
