/*
 * report: the analyses behind a report, computed once.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void report_options_init(struct report_options *o)
{
	memset(o, 0, sizeof(*o));
	o->metric = METRIC_PEAK;
	o->direction = TREE_TOP_DOWN;
	o->format = REPORT_TEXT;
	o->depth = 8;
	o->top = 10;
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
	if (capture_meta(cap)->top_rule == TOP_INNERMOST_FRAME || opt->metric == METRIC_ALLOCATED ||
	    opt->metric == METRIC_ALLOCATIONS)
		snapshot_allocated(&r->calls, cap, 0, n_events);
	metric_weights(&r->weights, cap, opt->metric, &r->peak, &r->leaks, &r->calls);
	r->weights_are_count = metric_is_count(opt->metric);
}

void report_compute(struct report *r, const struct capture *cap, const char *path,
		    const struct report_options *opt)
{
	report_compute_weights(r, cap, path, opt);
	top_locations(&r->top, cap, &r->peak, r->calls.n ? &r->calls : NULL);
	tree_build(&r->tree, cap, &r->weights, opt->direction);
	tree_sort(&r->tree, TREE_ORDER_SIZE);
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
