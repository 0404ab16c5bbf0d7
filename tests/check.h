/*
 * check: a tiny unit-test harness.  TEST(name) defines a test; CHECK(cond)
 * and CHECK_EQ_I64(a, b) record failures with file and line and go on;
 * RUN(name) runs one; CHECK_DONE() prints "N passed, N failed" and returns the
 * exit status (so ctest and CI see a real count).
 */
#ifndef MT_CHECK_H
#define MT_CHECK_H

#include <inttypes.h>
#include <stdio.h>

static int check_failures, check_passed, check_failed, check_current_failed;

#define TEST(name) static void test_##name(void)

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                \
			check_failures++;                                        \
			check_current_failed = 1;                                \
		}                                                                \
	} while (0)

#define CHECK_EQ_I64(a, b)                                                           \
	do {                                                                         \
		int64_t check_a_ = (int64_t)(a), check_b_ = (int64_t)(b);            \
		if (check_a_ != check_b_) {                                          \
			fprintf(stderr, "%s:%d: %s == %s failed: %" PRId64 " != %" PRId64 \
					"\n", __FILE__, __LINE__, #a, #b, check_a_,   \
				check_b_);                                           \
			check_failures++;                                            \
			check_current_failed = 1;                                    \
		}                                                                    \
	} while (0)

#define RUN(name)                                                    \
	do {                                                         \
		check_current_failed = 0;                            \
		test_##name();                                       \
		if (check_current_failed) {                          \
			check_failed++;                              \
			fprintf(stderr, "FAIL %s\n", #name);         \
		} else {                                             \
			check_passed++;                              \
		}                                                    \
	} while (0)

#define CHECK_DONE()                                                          \
	(printf("%d passed, %d failed\n", check_passed, check_failed), \
	 check_failed ? 1 : 0)

#endif
