/*
 * xalloc: the fatal-on-OOM allocators.  The only other place besides main.c and
 * cli.c allowed to end the process.
 */
#include "xalloc.h"

#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BIG_MIN (1u << 20)	/* blocks from this size on are big: huge pages */
#define HUGE_PAGE (2u << 20)
#define MALLOC_HEADER 32	/* room for malloc's own header, rounded up */
#define POPULATE_MIN (4u << 20)	/* xrealloc_zeroed's first blocks from this size on */

/* The advice this system's headers know; -1: none (advise_pages does nothing). */
#ifdef MADV_HUGEPAGE
#define ADVICE_HUGE MADV_HUGEPAGE
#else
#define ADVICE_HUGE (-1)
#endif
#ifdef MADV_POPULATE_WRITE
#define ADVICE_POPULATE MADV_POPULATE_WRITE
#else
#define ADVICE_POPULATE (-1)
#endif

static _Noreturn void die_oom(size_t size)
{
	fprintf(stderr, "memtui: out of memory (allocating %zu bytes)\n", size);
	exit(3);
}

/*
 * madvise(advice) over every page the block [p, p + bytes) touches.  For a
 * block malloc mapped on its own, that is its whole mapping: advice on part
 * of it would split the mapping in two, and realloc's mremap refuses a
 * split range (EFAULT), so glibc would copy the block instead of moving it.
 */
static void advise_pages(void *p, size_t bytes, int advice)
{
	long page = sysconf(_SC_PAGESIZE);
	uintptr_t lo, hi;

	if (advice < 0 || page <= 0)
		return;
	lo = (uintptr_t)p & ~((uintptr_t)page - 1);
	hi = ((uintptr_t)p + bytes + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
	(void)madvise((void *)lo, hi - lo, advice);
}

/*
 * The size to ask of malloc for a block of bytes: a big block is made up so
 * that malloc's mapping of it (the block and malloc's header) is a whole
 * number of 2 MiB pages.  Linux places such a mapping on a 2 MiB boundary,
 * so every page of the block can be a huge page.
 */
static size_t big_size(size_t bytes)
{
	if (bytes < BIG_MIN || bytes > SIZE_MAX - 2 * (size_t)HUGE_PAGE)
		return bytes ? bytes : 1;
	return ((bytes + MALLOC_HEADER + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1)) -
	       MALLOC_HEADER;
}

/*
 * A big block is offered 2 MiB pages (MADV_HUGEPAGE; the kernel may decline).
 * With 4 KiB pages every 4 KiB is a fault, and on the PVM guests these
 * benches run on now a fault costs about 10 us (a 2 MiB page, about 0.25 us
 * per 4 KiB it holds); a random access also misses the TLB more.  The advice
 * covers the block's whole mapping (advise_pages).  clang's report, 12
 * rounds: 0.77x wall, then 0.85x for whole 2 MiB pages (big_size); peak RSS
 * 165 to 181 MB.  Earlier only tables were advised, as realloc got slower:
 * the advice then covered part of a mapping, and realloc copied.
 */
static void *big_block(void *p, size_t bytes)
{
	if (bytes >= BIG_MIN)
		advise_pages(p, big_size(bytes), ADVICE_HUGE);
	return p;
}

void xalloc_init(void)
{
	/*
	 * Every big block a mapping of its own, never carved from the heap:
	 * glibc's threshold for that is 128 KiB, but it rises to each mapped
	 * block freed (up to 32 MiB), and the heap's blocks are neither on 2 MiB
	 * boundaries nor moved by mremap.  Fixing it where it starts: clang's
	 * report 0.896x wall (10 rounds; faults 19 k to 14 k), churn 50 M 0.993x.
	 * At 1 MiB, churn's blocks between the two went to the heap: 1.08x.
	 */
	(void)mallopt(M_MMAP_THRESHOLD, 128 << 10);
}

void *xmalloc(size_t size)
{
	void *p = malloc(big_size(size));

	if (!p)
		die_oom(size);
	return big_block(p, size);
}

void *xcalloc(size_t nmemb, size_t size)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &bytes))
		die_oom(SIZE_MAX);
	p = calloc(1, big_size(bytes));
	if (!p)
		die_oom(bytes);
	return big_block(p, bytes);
}

void *xcalloc_sparse(size_t nmemb, size_t size)
{
	size_t bytes;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &bytes))
		die_oom(SIZE_MAX);
	/* Past the mmap threshold (xalloc_init), a mapping of its own: no page until written. */
	p = calloc(1, bytes ? bytes : 1);
	if (!p)
		die_oom(bytes);
	return p;
}

void *xrealloc_array(void *p, size_t nmemb, size_t size)
{
	size_t bytes;
	void *q;

	if (__builtin_mul_overflow(nmemb, size, &bytes))
		die_oom(SIZE_MAX);
	q = realloc(p, big_size(bytes));
	if (!q)
		die_oom(bytes);
	return big_block(q, bytes);
}

void *xrealloc_zeroed(void *p, size_t old, size_t nmemb, size_t size)
{
	size_t bytes;

	/*
	 * A first block: calloc's fresh pages need no memset, only to be made
	 * present, at once (the kernel zeroes them), where a memset would fault
	 * each page in turn.  RSS is what the memset made it.  On the earlier VM
	 * (a fault about 2 us) clang's report, which makes 64 MiB of per-stack
	 * arrays at its end, went 0.958x wall, 0.967x CPU (12 rounds).  Kernels
	 * before 5.14 refuse the advice, and the pages fault as before.
	 */
	if (!p && !__builtin_mul_overflow(nmemb, size, &bytes) && bytes >= POPULATE_MIN) {
		p = xcalloc(nmemb, size);
		advise_pages(p, bytes, ADVICE_POPULATE);
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
	/*
	 * Aligned whole huge pages, whatever the kernel's placement: the 2 MiB of
	 * memray's pushes would get none unaligned.  memraygen 10 M, means of six
	 * alternating runs: 0.945 to 0.903 s (user 1.22 to 1.14 s).
	 */
	whole = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	p = aligned_alloc(HUGE_PAGE, whole);
	if (!p)
		die_oom(whole);
	advise_pages(p, whole, ADVICE_HUGE);
	return memset(p, 0, bytes);
}

void *xreserve(size_t bytes)
{
	size_t whole = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	uint8_t *p, *at;

	if (!whole || whole > SIZE_MAX - HUGE_PAGE)
		return NULL;
	p = mmap(NULL, whole + HUGE_PAGE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	at = (uint8_t *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
	if (at > p)
		munmap(p, (size_t)(at - p));
	munmap(at + whole, (size_t)(p + HUGE_PAGE - at));
	return at;
}

void xreserved_huge(void *p, size_t bytes)
{
	advise_pages(p, bytes, ADVICE_HUGE);
}

void xunreserve(void *p, size_t bytes)
{
	if (p)
		munmap(p, (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1));
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
