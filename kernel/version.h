/* The kernel's name and version, printed in the first log line, and the
 * names uname(2) and /proc/version and /proc/sys/kernel report. */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define KERNEL_VERSION "appliance-kernel 0.1"

/* uname(2): programs expect "Linux" and a Linux-like release. */
#define KERNEL_UTS_SYSNAME  "Linux"
#define KERNEL_UTS_NODENAME "appliance"
#define KERNEL_UTS_RELEASE  "6.1.0-appliance"

/* The names uname(2) reports, set by sethostname(2) and setdomainname(2)
 * (kernel/syscall/sys_sys.c), shown in /proc/sys/kernel/hostname. */
extern char uts_hostname[65], uts_domainname[65];

#endif
