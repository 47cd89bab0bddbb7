/*
 * SHA-512 (FIPS 180-4) and the SHA-512 crypt scheme "$6$" (Ulrich Drepper,
 * "Unix crypt using SHA-256 and SHA-512", the specification glibc and
 * musl implement) for the password hashes of /etc/shadow. Debian's musl
 * is built without crypt(3), so the tools carry their own; the host test
 * (tests/unit/test_shadow.c) checks it against glibc's libcrypt.
 *
 * The round constants and initial hash values are the first 64 bits of
 * the fractional parts of the cube roots of the first 80 primes and of the
 * square roots of the first 8 primes (FIPS 180-4 sections 4.2.3, 5.3.5).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha512crypt.h"

static const uint64_t K[80] = {
	0x428a2f98d728ae22ULL, 0x7137449123ef65cdULL, 0xb5c0fbcfec4d3b2fULL, 0xe9b5dba58189dbbcULL,
	0x3956c25bf348b538ULL, 0x59f111f1b605d019ULL, 0x923f82a4af194f9bULL, 0xab1c5ed5da6d8118ULL,
	0xd807aa98a3030242ULL, 0x12835b0145706fbeULL, 0x243185be4ee4b28cULL, 0x550c7dc3d5ffb4e2ULL,
	0x72be5d74f27b896fULL, 0x80deb1fe3b1696b1ULL, 0x9bdc06a725c71235ULL, 0xc19bf174cf692694ULL,
	0xe49b69c19ef14ad2ULL, 0xefbe4786384f25e3ULL, 0x0fc19dc68b8cd5b5ULL, 0x240ca1cc77ac9c65ULL,
	0x2de92c6f592b0275ULL, 0x4a7484aa6ea6e483ULL, 0x5cb0a9dcbd41fbd4ULL, 0x76f988da831153b5ULL,
	0x983e5152ee66dfabULL, 0xa831c66d2db43210ULL, 0xb00327c898fb213fULL, 0xbf597fc7beef0ee4ULL,
	0xc6e00bf33da88fc2ULL, 0xd5a79147930aa725ULL, 0x06ca6351e003826fULL, 0x142929670a0e6e70ULL,
	0x27b70a8546d22ffcULL, 0x2e1b21385c26c926ULL, 0x4d2c6dfc5ac42aedULL, 0x53380d139d95b3dfULL,
	0x650a73548baf63deULL, 0x766a0abb3c77b2a8ULL, 0x81c2c92e47edaee6ULL, 0x92722c851482353bULL,
	0xa2bfe8a14cf10364ULL, 0xa81a664bbc423001ULL, 0xc24b8b70d0f89791ULL, 0xc76c51a30654be30ULL,
	0xd192e819d6ef5218ULL, 0xd69906245565a910ULL, 0xf40e35855771202aULL, 0x106aa07032bbd1b8ULL,
	0x19a4c116b8d2d0c8ULL, 0x1e376c085141ab53ULL, 0x2748774cdf8eeb99ULL, 0x34b0bcb5e19b48a8ULL,
	0x391c0cb3c5c95a63ULL, 0x4ed8aa4ae3418acbULL, 0x5b9cca4f7763e373ULL, 0x682e6ff3d6b2b8a3ULL,
	0x748f82ee5defb2fcULL, 0x78a5636f43172f60ULL, 0x84c87814a1f0ab72ULL, 0x8cc702081a6439ecULL,
	0x90befffa23631e28ULL, 0xa4506cebde82bde9ULL, 0xbef9a3f7b2c67915ULL, 0xc67178f2e372532bULL,
	0xca273eceea26619cULL, 0xd186b8c721c0c207ULL, 0xeada7dd6cde0eb1eULL, 0xf57d4f7fee6ed178ULL,
	0x06f067aa72176fbaULL, 0x0a637dc5a2c898a6ULL, 0x113f9804bef90daeULL, 0x1b710b35131c471bULL,
	0x28db77f523047d84ULL, 0x32caab7b40c72493ULL, 0x3c9ebe0a15c9bebcULL, 0x431d67c49c100d4cULL,
	0x4cc5d4becb3e42b6ULL, 0x597f299cfc657e2aULL, 0x5fcb6fab3ad6faecULL, 0x6c44198c4a475817ULL};

static const uint64_t H0[8] = {0x6a09e667f3bcc908ULL, 0xbb67ae8584caa73bULL, 0x3c6ef372fe94f82bULL,
			       0xa54ff53a5f1d36f1ULL, 0x510e527fade682d1ULL, 0x9b05688c2b3e6c1fULL,
			       0x1f83d9abfb41bd6bULL, 0x5be0cd19137e2179ULL};

static uint64_t ror(uint64_t x, int n)
{
	return (x >> n) | (x << (64 - n));
}

static void sha512_block(struct sha512_ctx *c, const uint8_t *p)
{
	uint64_t w[80], a, b, d, e, f, g, h, cc, t1, t2;
	int i;

	for (i = 0; i < 16; i++) {
		w[i] = 0;
		for (int j = 0; j < 8; j++)
			w[i] = (w[i] << 8) | p[i * 8 + j];
	}
	for (; i < 80; i++) {
		uint64_t s0 = ror(w[i - 15], 1) ^ ror(w[i - 15], 8) ^ (w[i - 15] >> 7);
		uint64_t s1 = ror(w[i - 2], 19) ^ ror(w[i - 2], 61) ^ (w[i - 2] >> 6);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0];
	b = c->h[1];
	cc = c->h[2];
	d = c->h[3];
	e = c->h[4];
	f = c->h[5];
	g = c->h[6];
	h = c->h[7];
	for (i = 0; i < 80; i++) {
		t1 = h + (ror(e, 14) ^ ror(e, 18) ^ ror(e, 41)) + ((e & f) ^ (~e & g)) + K[i] +
		     w[i];
		t2 = (ror(a, 28) ^ ror(a, 34) ^ ror(a, 39)) + ((a & b) ^ (a & cc) ^ (b & cc));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = cc;
		cc = b;
		b = a;
		a = t1 + t2;
	}
	c->h[0] += a;
	c->h[1] += b;
	c->h[2] += cc;
	c->h[3] += d;
	c->h[4] += e;
	c->h[5] += f;
	c->h[6] += g;
	c->h[7] += h;
}

void sha512_init(struct sha512_ctx *c)
{
	memcpy(c->h, H0, sizeof(H0));
	c->len = 0;
	c->fill = 0;
}

void sha512_update(struct sha512_ctx *c, const void *data, size_t n)
{
	const uint8_t *p = data;

	c->len += n;
	while (n) {
		size_t take = SHA512_BLOCK - c->fill < n ? SHA512_BLOCK - c->fill : n;

		memcpy(c->buf + c->fill, p, take);
		c->fill += take;
		p += take;
		n -= take;
		if (c->fill == SHA512_BLOCK) {
			sha512_block(c, c->buf);
			c->fill = 0;
		}
	}
}

void sha512_final(struct sha512_ctx *c, uint8_t out[SHA512_DIGEST])
{
	uint64_t bits = c->len * 8;
	uint8_t pad = 0x80, zero = 0, lenbuf[16] = {0};

	sha512_update(c, &pad, 1);
	while (c->fill != SHA512_BLOCK - 16)
		sha512_update(c, &zero, 1);
	/* A 128-bit length; ours never needs the high half. */
	for (int i = 0; i < 8; i++)
		lenbuf[15 - i] = (uint8_t)(bits >> (8 * i));
	sha512_update(c, lenbuf, 16);
	for (int i = 0; i < 8; i++)
		for (int j = 0; j < 8; j++)
			out[i * 8 + j] = (uint8_t)(c->h[i] >> (56 - 8 * j));
	memset(c, 0, sizeof(*c));
}

/* ---- "$6$" crypt ---------------------------------------------------------- */

#define SALT_MAX       16
#define ROUNDS_DEFAULT 5000
#define ROUNDS_MIN     1000
#define ROUNDS_MAX     999999999

static const char b64[] = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/* Add `len` bytes of the repeated 64-byte digest d to c. */
static void add_repeated(struct sha512_ctx *c, const uint8_t *d, size_t len)
{
	for (; len > SHA512_DIGEST; len -= SHA512_DIGEST)
		sha512_update(c, d, SHA512_DIGEST);
	sha512_update(c, d, len);
}

int sha512_crypt(const char *key, const char *setting, char *out, size_t outlen)
{
	struct sha512_ctx c;
	uint8_t a[SHA512_DIGEST], b[SHA512_DIGEST], dp[SHA512_DIGEST], ds[SHA512_DIGEST];
	size_t kl = strlen(key), sl, n;
	unsigned long rounds = ROUNDS_DEFAULT;
	int rounds_given = 0;
	const char *salt;
	char *p, *end;
	uint8_t *pseq, *sseq;

	if (strncmp(setting, "$6$", 3) != 0)
		return -1;
	salt = setting + 3;
	if (strncmp(salt, "rounds=", 7) == 0) {
		if (salt[7] < '0' || salt[7] > '9')
			return -1;
		rounds = strtoul(salt + 7, &end, 10);
		if (*end != '$')
			return -1;
		salt = end + 1;
		rounds = rounds < ROUNDS_MIN   ? ROUNDS_MIN
			 : rounds > ROUNDS_MAX ? ROUNDS_MAX
					       : rounds;
		rounds_given = 1;
	}
	sl = strcspn(salt, "$");
	if (sl > SALT_MAX)
		sl = SALT_MAX;
	/* "$6$" "rounds=N$" salt "$" 86 characters NUL */
	if (outlen < 3 + 17 + sl + 1 + 86 + 1)
		return -1;

	/* B = H(key salt key) */
	sha512_init(&c);
	sha512_update(&c, key, kl);
	sha512_update(&c, salt, sl);
	sha512_update(&c, key, kl);
	sha512_final(&c, b);

	/* A = H(key salt B-repeated-to-kl, then per bit of kl: B or key) */
	sha512_init(&c);
	sha512_update(&c, key, kl);
	sha512_update(&c, salt, sl);
	add_repeated(&c, b, kl);
	for (n = kl; n > 0; n >>= 1) {
		if (n & 1)
			sha512_update(&c, b, SHA512_DIGEST);
		else
			sha512_update(&c, key, kl);
	}
	sha512_final(&c, a);

	/* DP = H(key kl times); P is DP repeated to kl bytes. */
	sha512_init(&c);
	for (n = 0; n < kl; n++)
		sha512_update(&c, key, kl);
	sha512_final(&c, dp);
	/* DS = H(salt 16 + A[0] times); S is its first sl bytes. */
	sha512_init(&c);
	for (n = 0; n < 16u + a[0]; n++)
		sha512_update(&c, salt, sl);
	sha512_final(&c, ds);

	pseq = malloc(kl + 1);
	sseq = malloc(sl + 1);
	if (!pseq || !sseq) {
		free(pseq);
		free(sseq);
		return -1;
	}
	for (n = 0; n < kl; n++)
		pseq[n] = dp[n % SHA512_DIGEST];
	memcpy(sseq, ds, sl);

	for (unsigned long i = 0; i < rounds; i++) {
		sha512_init(&c);
		if (i & 1)
			sha512_update(&c, pseq, kl);
		else
			sha512_update(&c, a, SHA512_DIGEST);
		if (i % 3)
			sha512_update(&c, sseq, sl);
		if (i % 7)
			sha512_update(&c, pseq, kl);
		if (i & 1)
			sha512_update(&c, a, SHA512_DIGEST);
		else
			sha512_update(&c, pseq, kl);
		sha512_final(&c, a);
	}
	memset(pseq, 0, kl);
	memset(sseq, 0, sl);
	free(pseq);
	free(sseq);

	p = out;
	if (rounds_given)
		p += sprintf(p, "$6$rounds=%lu$", rounds);
	else
		p += sprintf(p, "$6$");
	memcpy(p, salt, sl);
	p += sl;
	*p++ = '$';
	/* 21 groups of three bytes, i, i+21, i+42 rotated by i % 3, four
	 * characters each, least significant six bits first; then byte 63. */
	for (int i = 0; i < 21; i++) {
		int x = i, y = i + 21, z = i + 42, t;
		uint32_t w;

		for (int r = 0; r < i % 3; r++) {
			t = x;
			x = y;
			y = z;
			z = t;
		}
		w = (uint32_t)a[x] << 16 | (uint32_t)a[y] << 8 | a[z];
		for (int j = 0; j < 4; j++, w >>= 6)
			*p++ = b64[w & 63];
	}
	for (uint32_t w = a[63], j = 0; j < 2; j++, w >>= 6)
		*p++ = b64[w & 63];
	*p = '\0';
	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	memset(dp, 0, sizeof(dp));
	memset(ds, 0, sizeof(ds));
	return 0;
}
