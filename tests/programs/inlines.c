/*
 * inlines: a program whose optimised code is full of inlined calls, for the
 * symbolizer's comparison with addr2line (tests/symbolizer/addr2line_compare.py).
 *
 * Built with -g -O2: scale() is forced inline into mix(), itself forced inline
 * into three out-of-line callers, and the loops split the inlined code into
 * several ranges (DW_AT_ranges).  main() goes to .text.startup, so the unit has
 * a range list too.  The numbers only keep the compiler from folding it all.
 */
#include <stdio.h>
#include <stdlib.h>

static inline __attribute__((always_inline)) long scale(long x, long k)
{
	if (x & 1)
		return x * k + 3;
	return x / (k | 1) - 7;
}

static inline __attribute__((always_inline)) long mix(long a, long b)
{
	long s = 0;

	for (long i = 0; i < (b & 15); i++)
		s += scale(a + i, b);
	return s ^ scale(b, a);
}

__attribute__((noinline)) long sum_mixed(const long *v, size_t n)
{
	long s = 0;

	for (size_t i = 0; i + 1 < n; i++)
		s += mix(v[i], v[i + 1]);
	return s;
}

__attribute__((noinline)) long *fill(size_t n, long seed)
{
	long *v = malloc(n * sizeof(*v));

	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = mix(seed, (long)i) + scale((long)i, seed);
	return v;
}

__attribute__((noinline)) long twice(long a)
{
	return scale(a, 3) + mix(a, a >> 1);
}

int main(int argc, char **argv)
{
	size_t n = (size_t)argc * 100;
	long *v = fill(n, argc > 1 ? atol(argv[1]) : 17);
	long s;

	if (!v)
		return 1;
	s = sum_mixed(v, n) + twice((long)n);
	printf("%ld\n", s);
	free(v);
	return 0;
}
