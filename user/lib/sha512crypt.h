/*
 * SHA-512 and the "$6$" SHA-512 crypt scheme (user/lib/sha512crypt.c),
 * because Debian's musl has no crypt(3).
 */
#ifndef USER_LIB_SHA512CRYPT_H
#define USER_LIB_SHA512CRYPT_H

#include <stddef.h>
#include <stdint.h>

#define SHA512_BLOCK  128
#define SHA512_DIGEST 64

struct sha512_ctx {
	uint64_t h[8];
	uint64_t len; /* bytes hashed so far */
	size_t fill;  /* bytes waiting in buf */
	uint8_t buf[SHA512_BLOCK];
};

void sha512_init(struct sha512_ctx *c);
void sha512_update(struct sha512_ctx *c, const void *data, size_t n);
/* The digest into out; the context is wiped. */
void sha512_final(struct sha512_ctx *c, uint8_t out[SHA512_DIGEST]);

/*
 * crypt(3) for "$6$[rounds=N$]SALT[$...]" settings: the hash string into
 * out (at least 128 bytes). 0, or -1 for another scheme, a malformed
 * setting or a short buffer.
 */
int sha512_crypt(const char *key, const char *setting, char *out, size_t outlen);

#endif
