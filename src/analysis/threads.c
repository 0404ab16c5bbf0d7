/*
 * threads: per-thread figures as sums over each thread's stacks, and the
 * filter as a mask over stacks (threads.h).
 */
#include "threads.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "xalloc.h"

/* Adds w's figures of every stack to its thread's row (row_of: thread stack -> row). */
static void add_up(const struct capture *cap, const struct snapshot *w, const uint32_t *row_of,
		   struct thread_row *rows, size_t field)
{
	for (uint32_t s = 0; s < w->n; s++) {
		uint32_t r = row_of[capture_stack_thread(cap, s)];
		int64_t *f;

		if (r == UINT32_MAX)
			continue;
		f = (int64_t *)((char *)&rows[r] + field);
		f[0] += w->bytes[s];
		f[1] += w->count[s];
	}
}

void thread_table_compute(struct thread_table *t, const struct capture *cap,
			  const struct snapshot *peak, const struct snapshot *leaks,
			  const struct snapshot *calls)
{
	uint32_t n = capture_stack_count(cap), *row_of;
	struct snapshot own = { 0 };

	memset(t, 0, sizeof(*t));
	t->rows = xcalloc(capture_thread_stacks(cap) + 1, sizeof(*t->rows));
	/* No thread frame (heaptrack's format has none): no pass over the stacks. */
	if (!capture_thread_stacks(cap))
		return;
	row_of = xmalloc((size_t)n * sizeof(*row_of));
	memset(row_of, 0xff, (size_t)n * sizeof(*row_of));
	for (uint32_t s = 1; s < n; s++) {
		struct thread_row *r;
		const char *name;

		if (capture_stack_thread(cap, s) != s)
			continue;
		row_of[s] = (uint32_t)t->n;
		r = &t->rows[t->n++];
		r->stack = s;
		r->tid = capture_frame(cap, capture_stack(cap, s)->frame)->address;
		name = capture_thread_name(cap, r->tid);
		r->name = name ? name : "";
	}
	if (t->n) {
		if (!calls || !calls->n) {
			snapshot_allocated(&own, cap, 0, capture_totals(cap)->events);
			calls = &own;
		}
		add_up(cap, peak, row_of, t->rows, offsetof(struct thread_row, peak_bytes));
		add_up(cap, leaks, row_of, t->rows, offsetof(struct thread_row, leaked_bytes));
		add_up(cap, calls, row_of, t->rows, offsetof(struct thread_row, allocated_bytes));
	}
	snapshot_release(&own);
	free(row_of);
}

void thread_table_release(struct thread_table *t)
{
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

long thread_table_find(const struct thread_table *t, const char *spec)
{
	char *end;
	unsigned long long tid = strtoull(spec, &end, 10);
	bool numeric = *spec >= '0' && *spec <= '9' && !*end;

	/* A name first: a thread may well be called "1". */
	for (size_t i = 0; i < t->n; i++)
		if (!strcmp(t->rows[i].name, spec))
			return (long)i;
	for (size_t i = 0; numeric && i < t->n; i++)
		if (t->rows[i].tid == tid)
			return (long)i;
	return -1;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

bool thread_filter_has(const struct thread_filter *f, uint32_t thread_stack)
{
	return f->n && bsearch(&thread_stack, f->stacks, f->n, sizeof(*f->stacks), cmp_u32);
}

void thread_filter_add(struct thread_filter *f, uint32_t thread_stack)
{
	if (thread_filter_has(f, thread_stack))
		return;
	f->stacks = xrealloc_array(f->stacks, f->n + 1, sizeof(*f->stacks));
	f->stacks[f->n++] = thread_stack;
	qsort(f->stacks, f->n, sizeof(*f->stacks), cmp_u32);
}

void thread_filter_release(struct thread_filter *f)
{
	free(f->stacks);
	memset(f, 0, sizeof(*f));
}

bool *thread_filter_mask(const struct thread_filter *f, const struct capture *cap)
{
	uint32_t n = capture_stack_count(cap);
	bool *mask;

	if (!f->n)
		return NULL;
	mask = xcalloc(n ? n : 1, sizeof(*mask));
	for (uint32_t s = 0; s < n; s++) {
		uint32_t thread = capture_stack_thread(cap, s);

		mask[s] = thread && thread_filter_has(f, thread);
	}
	return mask;
}

void thread_filter_apply(const struct thread_filter *f, const struct capture *cap,
			 struct snapshot *w)
{
	if (!f->n)
		return;
	snapshot_own(w);
	for (uint32_t s = 0; s < w->n; s++) {
		uint32_t thread = capture_stack_thread(cap, s);

		if (!thread || !thread_filter_has(f, thread))
			w->bytes[s] = w->count[s] = 0;
	}
	snapshot_recount(w);
}

void thread_filter_label(const struct thread_filter *f, const struct thread_table *t, char *buf,
			 size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	if (!f->n)
		return;
	for (size_t i = 0; i < t->n && used < size; i++) {
		char tid[24];
		const char *name = t->rows[i].name;

		if (!thread_filter_has(f, t->rows[i].stack))
			continue;
		snprintf(tid, sizeof(tid), "%" PRIu64, t->rows[i].tid);
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
					 *name ? name : tid);
	}
	/* Names that would crowd a status line give way to a count. */
	if (used > 30 || used >= size)
		snprintf(buf, size, "%zu of %zu threads", f->n, t->n);
}
