/* The kernel's own /proc files (kernel/sysinfo.c). */
#ifndef KERNEL_SYSINFO_H
#define KERNEL_SYSINFO_H

/* Register meminfo, uptime, partitions and bus/pci with procfs. */
void sysinfo_init(void);

#endif
