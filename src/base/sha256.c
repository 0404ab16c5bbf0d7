/*
 * sha256: FIPS 180-4's SHA-256 (sha256.h).  Whole 64-byte blocks of the
 * input are compressed where they lie; only a block split across calls to
 * sha256_update() is copied into the state's buffer first.
 */
#include "sha256.h"

#include <string.h>

/* The first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

/* n in 1..31 (never 0: x << 32 is undefined); compilers emit one ror. */
static inline uint32_t ror(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

/* The big-endian word at p, byte by byte: any alignment, either host order. */
static inline uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The functions of FIPS 180-4, 4.1.2: Ch and Maj in forms with fewer operations. */
static inline uint32_t ch(uint32_t x, uint32_t y, uint32_t z)
{
	return z ^ (x & (y ^ z));
}

static inline uint32_t maj(uint32_t x, uint32_t y, uint32_t z)
{
	return (x & y) | (z & (x | y));
}

static inline uint32_t big_sigma0(uint32_t x)
{
	return ror(x, 2) ^ ror(x, 13) ^ ror(x, 22);
}

static inline uint32_t big_sigma1(uint32_t x)
{
	return ror(x, 6) ^ ror(x, 11) ^ ror(x, 25);
}

static inline uint32_t small_sigma0(uint32_t x)
{
	return ror(x, 7) ^ ror(x, 18) ^ x >> 3;
}

static inline uint32_t small_sigma1(uint32_t x)
{
	return ror(x, 17) ^ ror(x, 19) ^ x >> 10;
}

/*
 * Word i of the message schedule (6.2.2 step 1).  Only the last 16 words are
 * ever read, so w holds 16: word i < 16 is the block's, and word i >= 16 is
 * computed in the slot of word i - 16, which no later word reads.  Computing
 * each word just before its round (not all 64 first) lets the CPU overlap the
 * two, which is most of this file's speed.
 */
#define LOADED(i) w[i]
#define SCHEDULED(i)                                                                     \
	(w[(i) & 15] += small_sigma1(w[((i) - 2) & 15]) + w[((i) - 7) & 15] +            \
			small_sigma0(w[((i) - 15) & 15]))

/*
 * One round (6.2.2 step 3) without moving the eight working variables: the
 * caller rotates their names instead, so round i + 1 passes h, a, b, ... where
 * round i passed a, b, c, ...  Only d and h change.
 */
#define ROUND(a, b, c, d, e, f, g, h, i, word)                                           \
	do {                                                                             \
		uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + K[i] + word(i);          \
		uint32_t t2 = big_sigma0(a) + maj(a, b, c);                              \
		d += t1;                                                                 \
		h = t1 + t2;                                                             \
	} while (0)

/* Rounds i to i + 7, their words from word: LOADED or SCHEDULED. */
#define EIGHT_ROUNDS(i, word)                                                            \
	do {                                                                             \
		ROUND(a, b, c, d, e, f, g, hh, (i), word);                               \
		ROUND(hh, a, b, c, d, e, f, g, (i) + 1, word);                           \
		ROUND(g, hh, a, b, c, d, e, f, (i) + 2, word);                           \
		ROUND(f, g, hh, a, b, c, d, e, (i) + 3, word);                           \
		ROUND(e, f, g, hh, a, b, c, d, (i) + 4, word);                           \
		ROUND(d, e, f, g, hh, a, b, c, (i) + 5, word);                           \
		ROUND(c, d, e, f, g, hh, a, b, (i) + 6, word);                           \
		ROUND(b, c, d, e, f, g, hh, a, (i) + 7, word);                           \
	} while (0)

/* Compresses the n 64-byte blocks at p into the chaining value h (6.2.2). */
static void blocks(uint32_t h[8], const uint8_t *p, size_t n)
{
	uint32_t w[16];

	for (; n; n--, p += 64) {
		uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
		uint32_t e = h[4], f = h[5], g = h[6], hh = h[7];	/* h is taken */

		for (int i = 0; i < 16; i++)
			w[i] = be32(p + 4 * i);
		EIGHT_ROUNDS(0, LOADED);
		EIGHT_ROUNDS(8, LOADED);
		/* 16 rounds a turn: i & 15 is 0, so w's indices are constants. */
		for (int i = 16; i < 64; i += 16) {
			EIGHT_ROUNDS(i, SCHEDULED);
			EIGHT_ROUNDS(i + 8, SCHEDULED);
		}
		h[0] += a;
		h[1] += b;
		h[2] += c;
		h[3] += d;
		h[4] += e;
		h[5] += f;
		h[6] += g;
		h[7] += hh;
	}
}

void sha256_init(struct sha256 *s)
{
	/* The first 32 bits of the fractional parts of the square roots of the first 8 primes. */
	static const uint32_t h0[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, h0, sizeof(h0));
	s->len = 0;
}

void sha256_update(struct sha256 *s, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t used = (size_t)(s->len % 64);

	if (!n)
		return;
	s->len += n;
	if (used) {
		size_t take = 64 - used < n ? 64 - used : n;

		memcpy(s->buf + used, p, take);
		p += take;
		n -= take;
		if (used + take < 64)
			return;
		blocks(s->h, s->buf, 1);
	}
	blocks(s->h, p, n / 64);
	p += n / 64 * 64;
	n %= 64;
	if (n)
		memcpy(s->buf, p, n);
}

void sha256_final(struct sha256 *s, uint8_t digest[SHA256_BYTES])
{
	uint64_t bits = s->len * 8;	/* the length modulo 2^64 bits, as the standard says */
	size_t used = (size_t)(s->len % 64);

	/* A 1 bit, zeros up to 8 bytes short of a block end, the length in bits. */
	s->buf[used++] = 0x80;
	if (used > 56) {
		memset(s->buf + used, 0, 64 - used);
		blocks(s->h, s->buf, 1);
		used = 0;
	}
	memset(s->buf + used, 0, 56 - used);
	put_be32(s->buf + 56, (uint32_t)(bits >> 32));
	put_be32(s->buf + 60, (uint32_t)bits);
	blocks(s->h, s->buf, 1);
	for (int i = 0; i < 8; i++)
		put_be32(digest + 4 * i, s->h[i]);
}

void sha256_hex(const uint8_t digest[SHA256_BYTES], char hex[SHA256_HEX_SIZE])
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < SHA256_BYTES; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[2 * SHA256_BYTES] = 0;
}
