/*
 * User-space replacement for kernel/lib/svc/ksvc.h, so the kernel's pure
 * protocol engines (net/dns.c, net/tftp.c) build unchanged into the network
 * tools (user/user.mk, libuser.a). Those engines only need string
 * functions, errno values and the compiler helpers; musl provides the
 * first two (its errno values are Linux's, as the kernel's are) and
 * kernel/lib/compiler.h is libc-free. Tests use tests/unit/svc/ksvc.h
 * instead.
 */
#ifndef KSVC_H
#define KSVC_H

#define KSVC_USER 1

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>
#include <errno.h>
#include "kernel/lib/compiler.h"

#endif
