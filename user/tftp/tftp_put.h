/*
 * tftp's upload side: plain RFC 1350 write requests (see tftp_put.c).
 */
#ifndef TFTP_PUT_H
#define TFTP_PUT_H

#include <stdint.h>
#include <netinet/in.h>

/* Send everything readable from fd as `remote`: 0, or 1 after a message. */
int tftp_put(int sock, struct in_addr server, uint16_t port, const char *remote, int fd);

#endif
