/*
 * sha256: the SHA-256 digest of a byte stream (FIPS 180-4), computed in
 * pieces of any size, so a whole capture file can be hashed as it is read.
 *
 *	struct sha256 s;
 *	uint8_t digest[SHA256_BYTES];
 *	char hex[SHA256_HEX_SIZE];
 *
 *	sha256_init(&s);
 *	sha256_update(&s, data, n);	(as often as there are pieces)
 *	sha256_final(&s, digest);
 *	sha256_hex(digest, hex);	(what sha256sum prints)
 *
 * The same bytes give the same digest however they are split.  Portable C:
 * no library, no CPU extension, no alignment asked of the data.
 */
#ifndef MT_SHA256_H
#define MT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_BYTES 32	/* bytes of a digest */
#define SHA256_HEX_SIZE 65	/* its lowercase hex form and the NUL */

/* The state of one digest in progress; its fields are sha256.c's. */
struct sha256 {
	uint32_t h[8];		/* the chaining value */
	uint64_t len;		/* bytes given so far (len % 64 of them wait in buf) */
	uint8_t buf[64];	/* the start of a block not yet complete */
};

/* Starts a digest (also to reuse s after sha256_final()). */
void sha256_init(struct sha256 *s);
/* Adds n bytes at data (n may be 0, data then NULL) to the digest. */
void sha256_update(struct sha256 *s, const void *data, size_t n);
/* Writes the digest of every byte given since sha256_init(); s is then spent. */
void sha256_final(struct sha256 *s, uint8_t digest[SHA256_BYTES]);
/* The digest as 64 lowercase hex digits and a NUL. */
void sha256_hex(const uint8_t digest[SHA256_BYTES], char hex[SHA256_HEX_SIZE]);

#endif
