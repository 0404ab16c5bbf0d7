/*
 * report: the analyses behind a report, computed once.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const view_names[] = {
	[VIEW_PEAK] = "peak",
	[VIEW_LEAKS] = "leaks",
	[VIEW_ALLOCATED] = "allocated",
	[VIEW_ALLOCATIONS] = "allocations",
	[VIEW_TEMPORARY] = "temporary",
};

void report_options_init(struct report_options *o)
{
	memset(o, 0, sizeof(*o));
	o->view = VIEW_PEAK;
	o->direction = TREE_TOP_DOWN;
	o->format = REPORT_TEXT;
	o->depth = 8;
	o->top = 10;
}

int report_view_parse(const char *s)
{
	for (size_t i = 0; i < sizeof(view_names) / sizeof(view_names[0]); i++)
		if (!strcmp(s, view_names[i]))
			return (int)i;
	return -1;
}

const char *report_view_name(enum report_view v)
{
	return view_names[v];
}

const char *report_view_title(enum report_view v)
{
	static const char *const titles[] = {
		[VIEW_PEAK] = "live bytes at the peak",
		[VIEW_LEAKS] = "bytes leaked",
		[VIEW_ALLOCATED] = "bytes allocated in total",
		[VIEW_ALLOCATIONS] = "allocation calls in total",
		[VIEW_TEMPORARY] = "temporary allocations",
	};

	return titles[v];
}

static void snapshot_copy(struct snapshot *dst, const struct snapshot *src, bool count_only)
{
	dst->n = src->n;
	dst->bytes = xmalloc((src->n ? src->n : 1) * sizeof(*dst->bytes));
	dst->count = xmalloc((src->n ? src->n : 1) * sizeof(*dst->count));
	memcpy(dst->count, src->count, src->n * sizeof(*dst->count));
	/* A count view weighs paths by count in both fields, so the tree sorts by it. */
	memcpy(dst->bytes, count_only ? src->count : src->bytes, src->n * sizeof(*dst->bytes));
	dst->total_bytes = count_only ? src->total_count : src->total_bytes;
	dst->total_count = src->total_count;
}

/*
 * The weights of view v from the snapshots r already holds: the one function
 * that says what each view weighs, used by report_compute and by the explorer
 * (so that a tree on screen and the report's tree are built from the same
 * numbers).  Calls are computed here when r has none yet.
 */
void report_view_weights(const struct report *r, enum report_view v, struct snapshot *out,
			 bool *are_count)
{
	const struct capture *cap = r->cap;
	uint64_t n_events = capture_totals(cap)->events;
	struct snapshot tmp = { 0 };

	*are_count = v == VIEW_ALLOCATIONS || v == VIEW_TEMPORARY;
	switch (v) {
	case VIEW_PEAK:
		snapshot_copy(out, &r->peak, false);
		break;
	case VIEW_LEAKS:
		snapshot_copy(out, &r->leaks, false);
		break;
	case VIEW_ALLOCATED:
	case VIEW_ALLOCATIONS:
		if (r->calls.n) {
			snapshot_copy(out, &r->calls, *are_count);
			break;
		}
		snapshot_allocated(&tmp, cap, 0, n_events);
		snapshot_copy(out, &tmp, *are_count);
		break;
	case VIEW_TEMPORARY:
		snapshot_temporary(&tmp, cap, 0, n_events);
		snapshot_copy(out, &tmp, true);
		break;
	}
	snapshot_release(&tmp);
}

void report_compute_weights(struct report *r, const struct capture *cap, const char *path,
			    const struct report_options *opt)
{
	uint64_t n_events = capture_totals(cap)->events;

	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->path = path;
	r->opt = *opt;
	snapshot_peak(&r->peak, cap);
	snapshot_leaks(&r->leaks, cap, &r->suppressed);
	/* Calls per stack cost a pass over the whole log: only when something reads them. */
	if (capture_meta(cap)->top_rule == TOP_INNERMOST_FRAME || opt->view == VIEW_ALLOCATED ||
	    opt->view == VIEW_ALLOCATIONS)
		snapshot_allocated(&r->calls, cap, 0, n_events);
	report_view_weights(r, opt->view, &r->weights, &r->weights_are_count);
}

void report_compute(struct report *r, const struct capture *cap, const char *path,
		    const struct report_options *opt)
{
	report_compute_weights(r, cap, path, opt);
	top_locations(&r->top, cap, &r->peak, r->calls.n ? &r->calls : NULL);
	tree_build(&r->tree, cap, &r->weights, opt->direction);
	tree_sort(&r->tree, METRIC_BYTES);
}

void report_release(struct report *r)
{
	snapshot_release(&r->peak);
	snapshot_release(&r->leaks);
	snapshot_release(&r->suppressed);
	snapshot_release(&r->calls);
	snapshot_release(&r->weights);
	top_list_release(&r->top);
	tree_release(&r->tree);
}

void report_write(FILE *out, const struct report *r)
{
	switch (r->opt.format) {
	case REPORT_JSON:
		report_write_json(out, r);
		break;
	case REPORT_CSV:
		report_write_csv(out, r);
		break;
	case REPORT_COLLAPSED:
		report_write_collapsed(out, r);
		break;
	default:
		report_write_text(out, r);
	}
}
