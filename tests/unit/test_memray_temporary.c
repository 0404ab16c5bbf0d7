/*
 * Unit tests of memray's temporary-allocation window (formats/memray_temporary.c)
 * against the rule of memray's TemporaryAllocationsAggregator (docs/NUMBERS.md
 * "Temporary allocations"): threshold + 1 allocations per thread, newest
 * first, a MUNMAP matching address and size, matches left in the window.
 */
#include <stdint.h>

#include "../check.h"
#include "memray_temporary.h"

/* Threshold 1: the window holds the last two allocations of the thread. */
TEST(window_of_threshold_plus_one)
{
	struct mr_temporary t;

	mr_temporary_init(&t, 1);
	mr_temporary_alloc(&t, 0, 0x100, 8, 0);
	mr_temporary_alloc(&t, 0, 0x200, 8, 1);
	CHECK_EQ_I64(mr_temporary_freed(&t, 0, 0x100, 0, false), 0);
	mr_temporary_alloc(&t, 0, 0x300, 8, 2);
	/* 0x100 fell out: two allocations came after it. */
	CHECK(mr_temporary_freed(&t, 0, 0x100, 0, false) == UINT64_MAX);
	CHECK_EQ_I64(mr_temporary_freed(&t, 0, 0x200, 0, false), 1);
	mr_temporary_release(&t);
}

/* Threshold 0: only the thread's last allocation. */
TEST(threshold_zero)
{
	struct mr_temporary t;

	mr_temporary_init(&t, 0);
	mr_temporary_alloc(&t, 0, 0x100, 8, 0);
	CHECK_EQ_I64(mr_temporary_freed(&t, 0, 0x100, 0, false), 0);
	mr_temporary_alloc(&t, 0, 0x200, 8, 1);
	CHECK(mr_temporary_freed(&t, 0, 0x100, 0, false) == UINT64_MAX);
	mr_temporary_release(&t);
}

/* Windows are per thread: another thread's allocations neither match nor push out. */
TEST(per_thread)
{
	struct mr_temporary t;

	mr_temporary_init(&t, 1);
	mr_temporary_alloc(&t, 0, 0x100, 8, 0);
	mr_temporary_alloc(&t, 3, 0x200, 8, 1);
	mr_temporary_alloc(&t, 3, 0x300, 8, 2);
	mr_temporary_alloc(&t, 3, 0x400, 8, 3);
	CHECK_EQ_I64(mr_temporary_freed(&t, 0, 0x100, 0, false), 0);
	CHECK(mr_temporary_freed(&t, 1, 0x100, 0, false) == UINT64_MAX);
	CHECK(mr_temporary_freed(&t, 0, 0x400, 0, false) == UINT64_MAX);
	CHECK(mr_temporary_freed(&t, 9, 0x400, 0, false) == UINT64_MAX);
	mr_temporary_release(&t);
}

/* The newest allocation at an address wins; a MUNMAP needs the size too. */
TEST(newest_first_and_ranged)
{
	struct mr_temporary t;

	mr_temporary_init(&t, 10);
	mr_temporary_alloc(&t, 0, 0x1000, 4096, 0);
	mr_temporary_alloc(&t, 0, 0x1000, 8192, 1);
	CHECK_EQ_I64(mr_temporary_freed(&t, 0, 0x1000, 0, false), 1);
	CHECK_EQ_I64(mr_temporary_freed(&t, 0, 0x1000, 4096, true), 0);
	CHECK(mr_temporary_freed(&t, 0, 0x1000, 100, true) == UINT64_MAX);
	/* A match stays: memray finds it again. */
	CHECK_EQ_I64(mr_temporary_freed(&t, 0, 0x1000, 8192, true), 1);
	mr_temporary_release(&t);
}

/* Thresholds past MR_TEMPORARY_MAX are applied as MR_TEMPORARY_MAX. */
TEST(bounded)
{
	struct mr_temporary t;

	mr_temporary_init(&t, UINT32_MAX);
	CHECK_EQ_I64(t.window, MR_TEMPORARY_MAX + 1);
	for (uint64_t i = 0; i <= MR_TEMPORARY_MAX + 1; i++)
		mr_temporary_alloc(&t, 0, 0x10 * (i + 1), 8, i);
	CHECK(mr_temporary_freed(&t, 0, 0x10, 0, false) == UINT64_MAX);
	CHECK_EQ_I64(mr_temporary_freed(&t, 0, 0x20, 0, false), 1);
	mr_temporary_release(&t);
}

int main(void)
{
	RUN(window_of_threshold_plus_one);
	RUN(threshold_zero);
	RUN(per_thread);
	RUN(newest_first_and_ranged);
	RUN(bounded);
	return CHECK_DONE();
}
