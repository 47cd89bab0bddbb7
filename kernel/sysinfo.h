/* The kernel's own /proc files (kernel/sysinfo.c). */
#ifndef KERNEL_SYSINFO_H
#define KERNEL_SYSINFO_H

/* Register meminfo, uptime, partitions and the rest with procfs. */
void sysinfo_init(void);
/* bus/pci/devices, bus/pci/BB/DD.F and iomem (kernel/sysinfo_hw.c). */
void sysinfo_hw_init(void);

#endif
