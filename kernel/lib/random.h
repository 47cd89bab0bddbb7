/*
 * The kernel's random number generator (kernel/lib/random.c): a ChaCha20
 * CSPRNG with fast key erasure. Seed material of any quality is hashed
 * into the key with random_add_entropy (the kernel feeds it RDRAND and TSC
 * values at boot, and writes to /dev/random add more); random_get_bytes
 * then never repeats and never reveals earlier output, because the key is
 * replaced before any output leaves. Pure logic, tested on the host.
 *
 * Lock legend: the generator state is guarded by random_lock inside
 * random.c (an IRQ-saving spinlock: callable from any context).
 */
#ifndef KERNEL_LIB_RANDOM_H
#define KERNEL_LIB_RANDOM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* The RFC 8439 section 2.3 block function: 64 bytes of key stream for a
 * 256-bit key, a 32-bit block counter and a 96-bit nonce. */
void chacha20_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
		    uint8_t out[64]);

/* Mix seed material into the generator's key. */
void random_add_entropy(const void *data, size_t len);
/* Fill buf with random bytes. */
void random_get_bytes(void *buf, size_t len);
uint64_t random_u64(void);
/* Seed bytes mixed in so far (a hint for "not yet seeded" warnings). */
uint64_t random_seed_bytes(void);

#endif
