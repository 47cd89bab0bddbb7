/*
 * SHA-256 (kernel/lib/sha256.c; FIPS 180-4 section 6.2). Pure logic, built
 * into the kernel and into the host unit tests: checking a file fetched over
 * the network (rootsha256=, the TFTP selftest) against a digest computed
 * elsewhere. Incremental: init, update any number of times with pieces of
 * any size, final.
 *
 * Lock legend: a struct sha256 belongs to its caller; there is no shared
 * state.
 */
#ifndef KERNEL_LIB_SHA256_H
#define KERNEL_LIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE  64

struct sha256 {
	uint32_t h[8];
	uint64_t len; /* bytes hashed so far */
	uint8_t buf[SHA256_BLOCK_SIZE];
	size_t nbuf; /* bytes waiting in buf */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_DIGEST_SIZE]);
/* One call for a whole buffer. */
void sha256(const void *data, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);
/* Lower-case hex of a digest into out (65 bytes with the NUL). */
void sha256_hex(const uint8_t digest[SHA256_DIGEST_SIZE], char out[65]);
/* Parse 64 hex digits (either case) into a digest: 0 or -EINVAL. */
int sha256_parse_hex(const char *hex, size_t len, uint8_t digest[SHA256_DIGEST_SIZE]);

#endif
