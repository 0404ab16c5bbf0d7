/*
 * xalloc: the fatal-on-OOM allocators.  The only other place besides main.c and
 * cli.c allowed to end the process.
 */
#include "xalloc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Noreturn void die_oom(size_t size)
{
	fprintf(stderr, "memtui: out of memory (allocating %zu bytes)\n", size);
	exit(3);
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
