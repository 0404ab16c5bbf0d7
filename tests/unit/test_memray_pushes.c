/*
 * Unit tests of the cache of what FRAME_PUSHes came to (formats/memray_pushes.h):
 * a hit is exact (the whole key is checked), the cache grows without
 * answering wrong, forgets everything on a redefinition, and does not take
 * pushes whose id or offset do not fit 32 bits.
 */
#include <stdint.h>

#include "../check.h"
#include "memray_pushes.h"

/* A slot for the key, as memray.c's path hash would give one. */
static uint64_t at(uint32_t parent, uint64_t code_id, int64_t offset)
{
	uint64_t h = (parent * 0x9e3779b97f4a7c15ull ^ code_id * 0xff51afd7ed558ccdull ^
		      (uint64_t)offset) * 0xc4ceb9fe1a85ec53ull;

	return h ^ h >> 31;
}

#define FIND(p, a, b, c) mr_pushes_find(p, at(a, b, c), a, b, c)
#define REMEMBER(p, a, b, c, s) mr_pushes_remember(p, at(a, b, c), a, b, c, s)

TEST(exact_hits)
{
	struct mr_pushes p;

	mr_pushes_init(&p);
	CHECK_EQ_I64(FIND(&p, 5, 1, 10), 0);
	REMEMBER(&p, 5, 1, 10, 77);
	CHECK_EQ_I64(FIND(&p, 5, 1, 10), 77);
	/* Its slot, asked for another key: the whole key is checked. */
	CHECK_EQ_I64(mr_pushes_find(&p, at(5, 1, 10), 6, 1, 10), 0);
	CHECK_EQ_I64(mr_pushes_find(&p, at(5, 1, 10), 5, 2, 10), 0);
	CHECK_EQ_I64(FIND(&p, 6, 1, 10), 0);
	CHECK_EQ_I64(FIND(&p, 5, 2, 10), 0);
	CHECK_EQ_I64(FIND(&p, 5, 1, 12), 0);
	CHECK_EQ_I64(FIND(&p, 5, 1, -10), 0);
	mr_pushes_forget(&p);
	CHECK_EQ_I64(FIND(&p, 5, 1, 10), 0);
	mr_pushes_release(&p);
}

/* 300 k pushes: every answer is 0 (forgotten) or the stack remembered for it. */
TEST(grows_and_never_lies)
{
	struct mr_pushes p;
	uint64_t wrong = 0, found = 0;

	mr_pushes_init(&p);
	for (uint32_t i = 0; i < 300000; i++)
		REMEMBER(&p, i % 977 + 1, i % 89 + 1, (int64_t)(i / 977), i + 1);
	for (uint32_t i = 0; i < 300000; i++) {
		uint32_t s = FIND(&p, i % 977 + 1, i % 89 + 1, (int64_t)(i / 977));

		found += s != 0;
		/* No two keys alike (i % 977 and i / 977 give i back): one stack each. */
		wrong += s && s != i + 1;
	}
	CHECK_EQ_I64(wrong, 0);
	CHECK(found > 65536);	/* more than 2^16 slots hold: it grew to 2^17 */
	mr_pushes_release(&p);
}

TEST(wide_keys_not_taken)
{
	struct mr_pushes p;

	mr_pushes_init(&p);
	REMEMBER(&p, 1, (uint64_t)1 << 32, 0, 9);
	REMEMBER(&p, 1, 1, (int64_t)1 << 31, 9);
	REMEMBER(&p, 1, 1, INT32_MIN - (int64_t)1, 9);
	CHECK_EQ_I64(FIND(&p, 1, (uint64_t)1 << 32, 0), 0);
	CHECK_EQ_I64(FIND(&p, 1, 0, 0), 0);
	CHECK_EQ_I64(FIND(&p, 1, 1, (int64_t)1 << 31), 0);
	CHECK_EQ_I64(FIND(&p, 1, 1, INT32_MIN - (int64_t)1), 0);
	mr_pushes_release(&p);
}

int main(void)
{
	RUN(exact_hits);
	RUN(grows_and_never_lies);
	RUN(wide_keys_not_taken);
	return CHECK_DONE();
}
