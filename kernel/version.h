/* The kernel's name and version, printed in the first log line. */
#ifndef KERNEL_VERSION_H
#define KERNEL_VERSION_H

#define KERNEL_VERSION "appliance-kernel 0.1"

#endif
