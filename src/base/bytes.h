/*
 * bytes: bounded little-endian and varint reads, and checked arithmetic.
 *
 * Every integer a reader takes from a file goes through these.  A struct rd
 * is a window [p, end) over bytes in memory; each read either consumes the
 * value and returns true, or leaves the window untouched and returns false
 * (not enough bytes, or a varint longer than 64 bits).  Callers turn false
 * into "truncated" or "corrupt" with the absolute offset they keep.
 */
#ifndef MT_BYTES_H
#define MT_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct rd {
	const uint8_t *p;	/* next unread byte */
	const uint8_t *end;	/* one past the last readable byte */
};

static inline size_t rd_left(const struct rd *r)
{
	return (size_t)(r->end - r->p);
}

static inline bool rd_u8(struct rd *r, uint8_t *out)
{
	if (r->p >= r->end)
		return false;
	*out = *r->p++;
	return true;
}

static inline bool rd_le32(struct rd *r, uint32_t *out)
{
	if (rd_left(r) < 4)
		return false;
	*out = (uint32_t)r->p[0] | (uint32_t)r->p[1] << 8 | (uint32_t)r->p[2] << 16 |
	       (uint32_t)r->p[3] << 24;
	r->p += 4;
	return true;
}

static inline bool rd_le64(struct rd *r, uint64_t *out)
{
	uint32_t lo, hi;
	struct rd save = *r;

	if (!rd_le32(r, &lo) || !rd_le32(r, &hi)) {
		*r = save;
		return false;
	}
	*out = (uint64_t)hi << 32 | lo;
	return true;
}

/* LEB128: 7 bits per byte, least significant group first, at most 10 bytes. */
static inline bool rd_varint(struct rd *r, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;
	const uint8_t *p = r->p;

	while (p < r->end) {
		uint8_t b = *p++;

		if (shift == 63 && (b & 0x7e))
			return false;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			r->p = p;
			*out = v;
			return true;
		}
		shift += 7;
		if (shift > 63)
			return false;
	}
	return false;
}

static inline int64_t zigzag_decode(uint64_t z)
{
	return (int64_t)(z >> 1) ^ -(int64_t)(z & 1);
}

static inline uint64_t zigzag_encode(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline bool rd_svarint(struct rd *r, int64_t *out)
{
	uint64_t z;

	if (!rd_varint(r, &z))
		return false;
	*out = zigzag_decode(z);
	return true;
}

/* A NUL-terminated string: *out points into the window, *len excludes the NUL. */
static inline bool rd_cstr(struct rd *r, const char **out, size_t *len)
{
	const uint8_t *nul = memchr(r->p, 0, rd_left(r));

	if (!nul)
		return false;
	*out = (const char *)r->p;
	*len = (size_t)(nul - r->p);
	r->p = nul + 1;
	return true;
}

static inline bool rd_bytes(struct rd *r, size_t n, const uint8_t **out)
{
	if (rd_left(r) < n)
		return false;
	*out = r->p;
	r->p += n;
	return true;
}

/* Writes v as LEB128 into buf (at least 10 bytes); returns the bytes used. */
static inline size_t wr_varint(uint8_t *buf, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		buf[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	buf[n++] = (uint8_t)v;
	return n;
}

static inline bool ckd_add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	return __builtin_add_overflow(a, b, out);
}

static inline bool ckd_mul_size(size_t a, size_t b, size_t *out)
{
	return __builtin_mul_overflow(a, b, out);
}

#endif
