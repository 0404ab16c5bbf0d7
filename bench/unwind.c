/*
 * unwind: what one call stack costs to take with each unwinder the recorder
 * could use (docs/BENCH.md, "The recorder's unwinder").  It builds a stack of
 * DEPTH frames of its own (a recursion the compiler cannot flatten), then at
 * the bottom takes the stack REPS times with each method and prints the
 * nanoseconds per stack and the frames found.  bench/unwind.sh builds it twice,
 * with and without frame pointers, and runs it for 10, 30 and 60 frames.
 *
 *   libunwind  unw_backtrace(), per-thread cache (heaptrack's settings)
 *   gcc        glibc backtrace(): libgcc's _Unwind_Backtrace over .eh_frame
 *   fp         a walk of the frame-pointer chain, bounded by the thread's
 *              stack; only right where every frame keeps a frame pointer
 *
 * Correctness: each method's addresses are compared with libunwind's (the
 * reference: it reads the same CFI as the compiler wrote); "same" counts the
 * leading frames that agree, so a method that stops early or wanders shows
 * it.
 */
#include <dlfcn.h>
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_FRAMES 256

static int reps = 100000;
static uintptr_t stack_lo, stack_hi;	/* the thread's stack, for the fp walk */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static __attribute__((noinline)) int walk_fp(void **out, int max)
{
	uintptr_t *fp = __builtin_frame_address(0);
	int n = 0;

	while (n < max) {
		uintptr_t f = (uintptr_t)fp;

		if (f < stack_lo || f + 16 > stack_hi || (f & 7))
			break;
		uintptr_t ret = fp[1];
		uintptr_t *next = (uintptr_t *)fp[0];

		if (ret == 0)
			break;
		out[n++] = (void *)ret;
		if ((uintptr_t)next <= f)
			break;
		fp = next;
	}
	return n;
}

typedef int (*unwind_fn)(void **out, int max);

static int take_libunwind(void **out, int max)
{
	return unw_backtrace(out, max);
}

/*
 * glibc's backtrace(), looked up in libc.so.6 itself: linked with -lunwind,
 * the name backtrace binds to libunwind's own (it exports one), which is how
 * a first version of this benchmark measured libunwind twice.
 */
static int (*glibc_backtrace)(void **out, int max);

static int take_gcc(void **out, int max)
{
	return glibc_backtrace(out, max);
}

struct method {
	const char *name;
	unwind_fn fn;
};

static const struct method methods[] = {
	{ "libunwind", take_libunwind },
	{ "gcc", take_gcc },
	{ "fp", walk_fp },
};

static volatile int sink;

static void measure(int depth)
{
	void *ref[MAX_FRAMES], *got[MAX_FRAMES];
	int nref = take_libunwind(ref, MAX_FRAMES);

	for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
		int n = methods[m].fn(got, MAX_FRAMES);
		/* each method's first frame is its own wrapper's caller: align on
		 * the first address both lists hold */
		int same = 0, i0 = -1, j0 = -1;

		for (int i = 0; i < n && i0 < 0; i++)
			for (int j = 0; j < nref; j++)
				if (got[i] == ref[j]) {
					i0 = i;
					j0 = j;
					break;
				}
		if (i0 >= 0)
			while (i0 + same < n && j0 + same < nref &&
			       got[i0 + same] == ref[j0 + same])
				same++;
		uint64_t t0 = now_ns();

		for (int r = 0; r < reps; r++)
			sink += methods[m].fn(got, MAX_FRAMES);
		uint64_t t1 = now_ns();

		printf("%-6s depth %3d  %-10s %6.0f ns/stack  frames %3d  "
		       "same as libunwind %3d of %3d\n", FLAVOUR, depth, methods[m].name,
		       (double)(t1 - t0) / reps, n, same, nref - (j0 < 0 ? 0 : j0));
	}
}

static __attribute__((noinline)) int recurse(int left, int depth)
{
	int r;

	if (left == 0) {
		measure(depth);
		return 1;
	}
	r = recurse(left - 1, depth) + 1;
	sink += r;	/* no tail call */
	return r;
}

int main(int argc, char **argv)
{
	pthread_attr_t attr;
	void *addr;
	size_t size;

	if (argc > 1)
		reps = atoi(argv[1]);
	pthread_getattr_np(pthread_self(), &attr);
	pthread_attr_getstack(&attr, &addr, &size);
	stack_lo = (uintptr_t)addr;
	stack_hi = stack_lo + size;
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
	unw_set_cache_size(unw_local_addr_space, 1024, 0);
	void *libc = dlopen("libc.so.6", RTLD_NOW | RTLD_NOLOAD);

	glibc_backtrace = (int (*)(void **, int))dlsym(libc, "backtrace");
	if (!glibc_backtrace)
		return 1;
	{
		void *warm[MAX_FRAMES];

		glibc_backtrace(warm, MAX_FRAMES);	/* loads libgcc_s outside the timing */
	}
	/* main + libc start frames are about 4: the recursion adds the rest */
	recurse(10 - 4, 10);
	recurse(30 - 4, 30);
	recurse(60 - 4, 60);
	return 0;
}
