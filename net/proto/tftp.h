/*
 * TFTP wire format (RFC 1350 section 5, options RFC 2347-2349, windowsize
 * RFC 7440). Shared by net/tftp.c, host tests and fuzz targets. Every
 * packet starts with a big-endian 16-bit opcode; DATA, ACK and ERROR carry
 * a 16-bit block number or error code next; requests and OACKs are lists
 * of NUL-terminated strings.
 */
#ifndef NET_PROTO_TFTP_H
#define NET_PROTO_TFTP_H

#define TFTP_PORT 69

#define TFTP_RRQ   1
#define TFTP_WRQ   2
#define TFTP_DATA  3
#define TFTP_ACK   4
#define TFTP_ERROR 5
#define TFTP_OACK  6

/* Error codes (RFC 1350 appendix, RFC 2347 adds 8). */
#define TFTP_EUNDEF    0
#define TFTP_ENOTFOUND 1
#define TFTP_EACCESS   2
#define TFTP_ENOSPACE  3
#define TFTP_EBADOP    4
#define TFTP_EBADID    5
#define TFTP_EEXISTS   6
#define TFTP_ENOUSER   7
#define TFTP_EOPTNEG   8

#define TFTP_HDR_LEN	   4	 /* opcode + block number or error code */
#define TFTP_BLKSIZE_DEF   512	 /* RFC 1350 */
#define TFTP_BLKSIZE_MIN   8	 /* RFC 2348 */
#define TFTP_BLKSIZE_LIMIT 65464 /* RFC 2348 */
#define TFTP_WINDOW_LIMIT  65535 /* RFC 7440 */

#endif
