/*
 * metric: the metric table and the weights of each metric.
 */
#include "metric.h"

#include <stdio.h>
#include <string.h>

#include "xalloc.h"

static const struct {
	const char *name;
	const char *title;
} metrics[N_METRICS] = {
	[METRIC_PEAK] = { "peak", "live bytes at the peak" },
	[METRIC_LEAKS] = { "leaks", "bytes leaked" },
	[METRIC_ALLOCATED] = { "allocated", "bytes allocated in total" },
	[METRIC_ALLOCATIONS] = { "allocations", "allocation calls in total" },
	[METRIC_TEMPORARY] = { "temporary", "temporary allocations" },
};

const char *metric_name(enum metric m)
{
	return metrics[m].name;
}

const char *metric_title(enum metric m)
{
	return metrics[m].title;
}

int metric_parse(const char *s)
{
	for (int m = 0; m < N_METRICS; m++)
		if (!strcmp(s, metrics[m].name))
			return m;
	return -1;
}

char *metric_list(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	for (int m = 0; m < N_METRICS && n < size; m++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", m ? ", " : "", metrics[m].name);
	return buf;
}

bool metric_is_count(const struct capture *cap, enum metric m)
{
	return m == METRIC_ALLOCATIONS ||
	       (m == METRIC_TEMPORARY && capture_meta(cap)->temporary_threshold < 0);
}

bool metric_available(const struct capture *cap, enum metric m)
{
	const struct capture_meta *meta = capture_meta(cap);

	switch (m) {
	case METRIC_ALLOCATED:
	case METRIC_ALLOCATIONS:
		return meta->has_totals;
	case METRIC_TEMPORARY:
		return meta->has_totals && (meta->temporary_threshold >= 0 ||
					    capture_totals(cap)->temporary_count > 0);
	default:
		return true;
	}
}

/*
 * dst = src; a count metric weighs paths by count in both fields, so the tree
 * sorts by it.  The capture's own arrays are borrowed again, not copied.
 */
static void copy_weights(struct snapshot *dst, const struct snapshot *src, bool count_only)
{
	size_t n = src->n ? src->n : 1;

	if (src->borrowed && !count_only) {
		*dst = *src;
		return;
	}
	dst->n = src->n;
	dst->bytes = xmalloc(n * sizeof(*dst->bytes));
	dst->count = xmalloc(n * sizeof(*dst->count));
	memcpy(dst->count, src->count, src->n * sizeof(*dst->count));
	memcpy(dst->bytes, count_only ? src->count : src->bytes, src->n * sizeof(*dst->bytes));
	dst->total_bytes = count_only ? src->total_count : src->total_bytes;
	dst->total_count = src->total_count;
	dst->borrowed = false;
}

void metric_weights(struct snapshot *out, const struct capture *cap, enum metric m,
		    const struct snapshot *peak, const struct snapshot *leaks,
		    const struct snapshot *calls)
{
	uint64_t n_events = capture_totals(cap)->events;
	struct snapshot tmp = { 0 };
	const struct snapshot *src = &tmp;

	switch (m) {
	case METRIC_PEAK:
		if (peak)
			src = peak;
		else
			snapshot_peak(&tmp, cap);
		break;
	case METRIC_LEAKS:
		if (leaks)
			src = leaks;
		else
			snapshot_leaks(&tmp, cap, NULL);
		break;
	case METRIC_ALLOCATED:
	case METRIC_ALLOCATIONS:
		if (calls && calls->n)
			src = calls;
		else
			snapshot_allocated(&tmp, cap, 0, n_events);
		break;
	case METRIC_TEMPORARY:
		snapshot_temporary(&tmp, cap, 0, n_events);
		break;
	}
	copy_weights(out, src, metric_is_count(cap, m));
	snapshot_release(&tmp);
}
