/*
 * ChaCha20 CSPRNG (kernel/lib/random.h).
 *
 * Block function: RFC 8439 section 2.3 (quarter round 2.1, state layout
 * 2.3). Seeding hashes input into the key with the block function as a
 * compression function: for each 32-byte chunk m_i of the input,
 *   key = ChaCha20(key XOR m_i, counter = "mix!", nonce = (i, length))[0..32)
 * The block function's feed-forward makes this one-way, and every input
 * bit reaches every key bit.
 *
 * Output uses fast key erasure (D. J. Bernstein, "Fast-key-erasure random-
 * number generators", 2017): block 0 of each request becomes the next key
 * and the request is served from the following blocks, so the state that
 * produced any output is gone before the output is returned. Requests are
 * served in pieces of RANDOM_CHUNK bytes so the lock is held briefly.
 */
#include <ksvc.h>
#include "kernel/lib/random.h"

#define RANDOM_CHUNK 1024
#define MIX_COUNTER  0x2178696du /* "mix!" */

static struct spinlock random_lock = SPINLOCK_INIT("random");
static uint8_t random_key[32];	     /* random_lock */
static uint64_t random_seeded_bytes; /* random_lock */

static inline uint32_t rotl32(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

static inline uint32_t load32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void store32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* A memset the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

#define QR(a, b, c, d)                 \
	do {                           \
		a += b;                \
		d = rotl32(d ^ a, 16); \
		c += d;                \
		b = rotl32(b ^ c, 12); \
		a += b;                \
		d = rotl32(d ^ a, 8);  \
		c += d;                \
		b = rotl32(b ^ c, 7);  \
	} while (0)

void chacha20_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
		    uint8_t out[64])
{
	uint32_t in[16], x[16];
	int i;

	in[0] = 0x61707865; /* "expand 32-byte k" */
	in[1] = 0x3320646e;
	in[2] = 0x79622d32;
	in[3] = 0x6b206574;
	for (i = 0; i < 8; i++)
		in[4 + i] = load32(key + 4 * i);
	in[12] = counter;
	for (i = 0; i < 3; i++)
		in[13 + i] = load32(nonce + 4 * i);
	for (i = 0; i < 16; i++)
		x[i] = in[i];
	for (i = 0; i < 10; i++) {
		QR(x[0], x[4], x[8], x[12]); /* columns */
		QR(x[1], x[5], x[9], x[13]);
		QR(x[2], x[6], x[10], x[14]);
		QR(x[3], x[7], x[11], x[15]);
		QR(x[0], x[5], x[10], x[15]); /* diagonals */
		QR(x[1], x[6], x[11], x[12]);
		QR(x[2], x[7], x[8], x[13]);
		QR(x[3], x[4], x[9], x[14]);
	}
	for (i = 0; i < 16; i++)
		store32(out + 4 * i, x[i] + in[i]);
	/* Leave no key stream or key material on the stack. */
	wipe(x, sizeof(x));
	wipe(in, sizeof(in));
}

void random_add_entropy(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint8_t k[32], nonce[12], block[64];
	unsigned long fl;
	uint32_t chunk = 0;
	size_t off, i;

	if (!len)
		return;
	fl = spin_lock_irqsave(&random_lock);
	for (off = 0; off < len; off += 32, chunk++) {
		size_t n = len - off < 32 ? len - off : 32;

		memcpy(k, random_key, 32);
		for (i = 0; i < n; i++)
			k[i] ^= p[off + i];
		store32(nonce, chunk);
		store32(nonce + 4, (uint32_t)len);
		store32(nonce + 8, (uint32_t)((uint64_t)len >> 32));
		chacha20_block(k, MIX_COUNTER, nonce, block);
		memcpy(random_key, block, 32);
	}
	random_seeded_bytes += len;
	spin_unlock_irqrestore(&random_lock, fl);
	wipe(k, sizeof(k));
	wipe(block, sizeof(block));
}

void random_get_bytes(void *buf, size_t len)
{
	static const uint8_t zero_nonce[12];
	uint8_t *out = buf;
	uint8_t block[64], next_key[32];

	while (len) {
		size_t piece = len < RANDOM_CHUNK ? len : RANDOM_CHUNK;
		unsigned long fl = spin_lock_irqsave(&random_lock);
		uint32_t ctr = 1;
		size_t done = 0;

		chacha20_block(random_key, 0, zero_nonce, block);
		memcpy(next_key, block, 32);
		/* The rest of block 0 is output too. */
		done = piece < 32 ? piece : 32;
		memcpy(out, block + 32, done);
		while (done < piece) {
			size_t n = piece - done < 64 ? piece - done : 64;

			chacha20_block(random_key, ctr++, zero_nonce, block);
			memcpy(out + done, block, n);
			done += n;
		}
		memcpy(random_key, next_key, 32);
		spin_unlock_irqrestore(&random_lock, fl);
		out += piece;
		len -= piece;
	}
	wipe(block, sizeof(block));
	wipe(next_key, sizeof(next_key));
}

uint64_t random_u64(void)
{
	uint64_t v;

	random_get_bytes(&v, sizeof(v));
	return v;
}

uint64_t random_seed_bytes(void)
{
	unsigned long fl = spin_lock_irqsave(&random_lock);
	uint64_t n = random_seeded_bytes;

	spin_unlock_irqrestore(&random_lock, fl);
	return n;
}
