/*
 * xalloc: the fatal-on-OOM allocators.  The only other place besides main.c and
 * cli.c allowed to end the process.
 */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HUGE_MIN (4u << 20)	/* blocks from this size on ask for huge pages */
#define HUGE_PAGE (2u << 20)
#define POPULATE_MIN (4u << 20)	/* xrealloc_zeroed's first blocks from this size on */

static _Noreturn void die_oom(size_t size)
{
	fprintf(stderr, "memtui: out of memory (allocating %zu bytes)\n", size);
	exit(3);
}

#if defined(MADV_HUGEPAGE) || defined(MADV_POPULATE_WRITE)
/* madvise(advice) over the whole units of unit bytes (a power of two) in [p, p + bytes). */
static void advise(void *p, size_t bytes, uintptr_t unit, int advice)
{
	uintptr_t lo = ((uintptr_t)p + unit - 1) & ~(unit - 1);
	uintptr_t hi = ((uintptr_t)p + bytes) & ~(unit - 1);

	if (hi > lo)
		(void)madvise((void *)lo, hi - lo, advice);
}
#endif

/*
 * A zeroed block this big is a table read at random (xcalloc's: the event
 * pipe's ring; xtable's: the live map, memray's pushes): its 2 MiB-aligned
 * part is offered 2 MiB pages (MADV_HUGEPAGE; the kernel may decline), since
 * with 4 KiB pages nearly every random access also misses the TLB, and every
 * 4 KiB is a fault.  memraygen 10 M, means of six alternating runs: 0.945 to
 * 0.903 s (user 1.22 to 1.14 s).  Not for arrays grown by realloc: clang's
 * capture, whose per-stack arrays and records grow that way, got slower (the
 * huge pages' faults).
 */
static void advise_huge(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
	advise(p, bytes, HUGE_PAGE, MADV_HUGEPAGE);
#else
	(void)p;
	(void)bytes;
#endif
}

void *xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		die_oom(size);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (!p)
		die_oom(nmemb * size);
	if (nmemb * size >= HUGE_MIN)
		advise_huge(p, nmemb * size);
	return p;
}

void *xrealloc_array(void *p, size_t nmemb, size_t size)
{
	size_t bytes;
	void *q;

	if (__builtin_mul_overflow(nmemb, size, &bytes))
		die_oom(SIZE_MAX);
	q = realloc(p, bytes ? bytes : 1);
	if (!q)
		die_oom(bytes);
	return q;
}

/*
 * Makes the pages of a fresh zeroed block present at once (the kernel zeroes
 * them), where a memset would fault each 4 KiB in turn.  Only for blocks
 * that are about to be written whole anyway: RSS is what the memset made it.
 * On this VM a fault costs about 2 us; clang's report makes 64 MiB of
 * per-stack arrays at its end, and went 0.958x wall, 0.967x CPU (12 rounds).
 * Kernels before 5.14 refuse the advice, and the pages fault as before.
 */
static void populate(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
	long page = sysconf(_SC_PAGESIZE);

	if (page > 0)
		advise(p, bytes, (uintptr_t)page, MADV_POPULATE_WRITE);
#else
	(void)p;
	(void)bytes;
#endif
}

void *xrealloc_zeroed(void *p, size_t old, size_t nmemb, size_t size)
{
	size_t bytes;

	/* A first block: calloc's fresh pages need no memset, only to be made present. */
	if (!p && !__builtin_mul_overflow(nmemb, size, &bytes) && bytes >= POPULATE_MIN) {
		p = calloc(nmemb, size);
		if (!p)
			die_oom(bytes);
		populate(p, bytes);
		return p;
	}
	p = xrealloc_array(p, nmemb, size);
	if (nmemb > old)
		memset((char *)p + old * size, 0, (nmemb - old) * size);
	return p;
}

void *xtable(size_t nmemb, size_t size)
{
	size_t bytes, whole;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &bytes) || bytes > SIZE_MAX - HUGE_PAGE)
		die_oom(SIZE_MAX);
	if (bytes < HUGE_PAGE)
		return memset(xmalloc(bytes), 0, bytes);
	/* Whole huge pages: the 2 MiB of memray's pushes would get none unaligned. */
	whole = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	p = aligned_alloc(HUGE_PAGE, whole);
	if (!p)
		die_oom(whole);
	advise_huge(p, whole);
	return memset(p, 0, bytes);
}

void *xgrow_slow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;

	while (n < need) {
		if (n > SIZE_MAX / 2)
			BUG("xgrow: capacity overflow");
		n *= 2;
	}
	p = xrealloc_array(p, n, elem);
	*cap = n;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

void bug_at(const char *file, int line, const char *msg)
{
	fprintf(stderr, "memtui: BUG: %s:%d: %s\n", file, line, msg);
	abort();
}
