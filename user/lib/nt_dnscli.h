/*
 * The command line shared by nslookup and host: NAME [SERVER] and the
 * port, timeout and retry options, into nt_resolv_opts; and the
 * resolv.conf server to report.
 */
#ifndef NT_DNSCLI_H
#define NT_DNSCLI_H

#include "nt_resolv.h"

/* SERVER as a dotted quad or a name (resolved with the system's
 * servers). 0, or 1 after an error message. */
int nt_dnscli_server(const char *arg, struct nt_resolv_opts *o);
/* The server that will be asked: o->server or resolv.conf's first. */
uint32_t nt_dnscli_default_server(const struct nt_resolv_opts *o);

#endif
