/*
 * Unit tests of the live-address map (formats/live_map.h) against a plain
 * reference: random puts and takes over a small address space (so that
 * addresses come back, runs grow long and backward shifts wrap the table's
 * end), through its growth past the point where its load bound changes, with
 * address 0 and replaced entries.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "../check.h"
#include "live_map.h"

/* xorshift64: the same sequence on every run. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct ref {
	uint64_t *size;		/* by address / 16; 0: not live */
	uint64_t *ev;
	size_t live;
};

/* Whether a, given back for address slot k, is not what ref holds there. */
static bool differs(const struct live_alloc *a, const struct ref *r, uint64_t k)
{
	return a->addr != k * 16 || a->size != r->size[k] || a->ev_idx != r->ev[k] ||
	       a->stack != (uint32_t)k;
}

/* n operations on addresses 16 * [0, span): every answer checked against ref. */
static void model_check(uint64_t seed, size_t span, size_t n, unsigned put_percent)
{
	struct live_map m;
	struct ref r = { calloc(span, sizeof(uint64_t)), calloc(span, sizeof(uint64_t)), 0 };
	uint64_t s = seed;
	size_t bad = 0;

	live_map_init(&m);
	for (size_t i = 0; i < n; i++) {
		uint64_t x = next_random(&s), k = x % span, addr = k * 16;
		struct live_alloc a;

		if (x >> 57 < put_percent * 128 / 100) {
			bool was = live_map_put(&m, addr, i + 1, i, (uint32_t)k, &a);

			bad += was != (r.size[k] != 0);
			bad += was && differs(&a, &r, k);
			r.live += !was;
			r.size[k] = i + 1;
			r.ev[k] = i;
		} else {
			bool found = live_map_take(&m, addr, &a);

			bad += found != (r.size[k] != 0);
			bad += found && differs(&a, &r, k);
			r.live -= found;
			r.size[k] = 0;
		}
		bad += m.len != r.live;
	}
	CHECK_EQ_I64(bad, 0);
	/* The walk sees each live entry once. */
	{
		const struct live_alloc *a;
		size_t pos = 0, seen = 0;

		while ((a = live_map_next(&m, &pos))) {
			size_t k = a->addr / 16;

			seen++;
			bad += a->addr % 16 || k >= span || r.size[k] != a->size;
		}
		CHECK_EQ_I64(seen, r.live);
		CHECK_EQ_I64(bad, 0);
	}
	live_map_release(&m);
	free(r.size);
	free(r.ev);
}

/* Small: the table wraps and grows from its first size; address 0 comes often. */
TEST(small_span)
{
	model_check(1, 64, 200000, 50);
	model_check(2, 3000, 400000, 60);
}

/* Past 2^22 slots the load bound goes from 1/2 to 3/4: about 2.5 M live entries. */
TEST(past_dense_bound)
{
	model_check(3, 4000000, 9000000, 80);
}

int main(void)
{
	RUN(small_span);
	RUN(past_dense_bound);
	return CHECK_DONE();
}
