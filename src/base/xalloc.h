/*
 * xalloc: allocation that never returns NULL.
 *
 * Running out of memory is fatal everywhere in memtui: every caller would have to
 * turn it into the same "cannot continue" error anyway.  Sizes given as a count
 * times an element size are checked for overflow, so a corrupt length field can
 * never wrap into a small allocation.  BUG() marks a broken internal invariant.
 */
#ifndef MT_XALLOC_H
#define MT_XALLOC_H

#include <stddef.h>

/* Sets malloc up for big blocks (below); main calls it first. */
void xalloc_init(void);
/*
 * Blocks of 1 MiB or more are big: malloc is asked for a little more, whole
 * 2 MiB pages of its mapping, and they are offered huge pages (xalloc.c).
 */
void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
/*
 * xcalloc for an array written in a few places (the suppressed stacks of a
 * million): never huge pages, so that a write makes 4 KiB present, not 2 MiB.
 */
void *xcalloc_sparse(size_t nmemb, size_t size);
/* Reallocates p to nmemb * size bytes; returns the new pointer (p is invalid after). */
void *xrealloc_array(void *p, size_t nmemb, size_t size);
/*
 * Grows the array p of old elements of size bytes to nmemb, the new ones
 * zeroed by writing (not calloc'd: a page first read as the zero page costs
 * a copy and a TLB flush on every core when it is then written).  A first
 * block (p NULL) of 4 MiB or more is calloc'd and its pages made present
 * and writable in one call instead (MADV_POPULATE_WRITE), never the zero page.
 */
void *xrealloc_zeroed(void *p, size_t old, size_t nmemb, size_t size);
/*
 * A zeroed table of nmemb elements of size bytes that is read at random (a
 * hash table): from 2 MiB on, in whole huge pages offered as xcalloc's;
 * zeroed by writing as xrealloc_zeroed's.  Freed by free().
 */
void *xtable(size_t nmemb, size_t size);
/*
 * Address space for a table that grows in place (live_map.c): bytes of it
 * on a 2 MiB boundary, zero, and backed only where it is touched; NULL when
 * the system refuses the reservation (the caller allocates as before).
 * xreserved_huge asks huge pages for its first bytes; xunreserve returns it.
 */
void *xreserve(size_t bytes);
void xreserved_huge(void *p, size_t bytes);
void xunreserve(void *p, size_t bytes);
/*
 * Makes the array p, of *cap elements of elem bytes, hold at least need: the
 * capacity doubles (from 16) until it does.  Returns the array, which may
 * have moved; *cap is its new capacity.  XGROW(p, cap, need) does it for an
 * array p and its size_t capacity cap, in place.
 */
void *xgrow_slow(void *p, size_t *cap, size_t need, size_t elem);
static inline void *xgrow(void *p, size_t *cap, size_t need, size_t elem)
{
	return need <= *cap ? p : xgrow_slow(p, cap, need, elem);
}
#define XGROW(p, cap, need) ((p) = xgrow((p), &(cap), (need), sizeof(*(p))))
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* Prints "memtui: BUG: file:line: msg" and aborts. */
_Noreturn void bug_at(const char *file, int line, const char *msg);
#define BUG(msg) bug_at(__FILE__, __LINE__, (msg))

#endif
