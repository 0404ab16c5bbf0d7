/*
 * allocators: the allocator table summed over stacks.
 */
#include "allocators.h"

#include <stdlib.h>
#include <string.h>

const char *allocators_missing(const struct capture *cap)
{
	const struct capture_meta *m = capture_meta(cap);
	size_t n;

	if (!m->has_totals)
		return "the capture is aggregated (memray run --aggregate): it keeps no "
		       "allocation calls";
	if (!capture_allocator_calls(cap, &n))
		return !strcmp(m->source.format, "heaptrack")
			       ? "heaptrack does not record which function allocated"
			       : "the capture does not say which function allocated";
	return NULL;
}

static int row_cmp(const void *a, const void *b)
{
	const struct allocator_row *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return strcmp(allocator_name(x->allocator), allocator_name(y->allocator));
}

void allocators_compute(struct allocator_table *out, const struct capture *cap, const bool *only)
{
	struct allocator_row all[ALLOCATOR_MAX + 1];
	size_t n;
	const struct allocator_calls *e = capture_allocator_calls(cap, &n);

	memset(out, 0, sizeof(*out));
	memset(all, 0, sizeof(all));
	for (size_t i = 0; i < n; i++) {
		if (only && !only[e[i].stack])
			continue;
		all[e[i].allocator].count += e[i].count;
		all[e[i].allocator].bytes += e[i].bytes;
	}
	for (unsigned a = 0; a <= ALLOCATOR_MAX; a++) {
		if (!all[a].count)
			continue;
		all[a].allocator = (enum allocator)a;
		out->rows[out->n++] = all[a];
		out->total_count += all[a].count;
		out->total_bytes += all[a].bytes;
	}
	qsort(out->rows, out->n, sizeof(out->rows[0]), row_cmp);
}
