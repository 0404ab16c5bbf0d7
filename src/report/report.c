/*
 * report: the analyses behind a report, computed once.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "task.h"
#include "xalloc.h"

void report_options_init(struct report_options *o)
{
	memset(o, 0, sizeof(*o));
	o->metric = METRIC_PEAK;
	o->direction = TREE_TOP_DOWN;
	o->format = REPORT_TEXT;
	o->depth = 8;
	o->top = 10;
	o->order = TREE_ORDER_SIZE;
	fold_rules_init(&o->fold);
}

/* Whether the weights themselves need the leaks: the thread filter reads the thread table. */
static bool weights_need_leaks(const struct report_options *opt)
{
	return opt->metric == METRIC_LEAKS || opt->n_threads;
}

/* The leaks (and the suppressed), on a task beside the peak. */
static void compute_leaks(void *arg)
{
	struct report *r = arg;

	/* Per stack for the weights and the thread table; the writers print totals. */
	if (r->opt.write_only && !weights_need_leaks(&r->opt) && !capture_thread_stacks(r->cap))
		snapshot_leak_totals(&r->leaks, r->cap, &r->suppressed);
	else
		snapshot_leaks(&r->leaks, r->cap, &r->suppressed);
}

/* The thread table, which reads the leaks, and the thread filter over the weights. */
static void compute_threads(struct report *r)
{
	const struct report_options *opt = &r->opt;

	thread_table_compute(&r->threads, r->cap, &r->peak, &r->leaks, &r->calls);
	for (size_t i = 0; i < opt->n_threads; i++) {
		long row = thread_table_find(&r->threads, opt->threads[i]);

		if (row < 0 && !r->thread_unknown)
			r->thread_unknown = opt->threads[i];
		if (row >= 0)
			thread_filter_add(&r->filter, r->threads.rows[row].stack);
	}
	thread_filter_apply(&r->filter, r->cap, &r->weights);
}

/*
 * report_compute_weights, but for the leaks and the thread table: unless the
 * weights need them, the leaks' task is left running (*leaks) and the table
 * is not made.  end_leaks makes them.
 */
static void weights_begin(struct report *r, const struct capture *cap, const char *path,
			  const struct report_options *opt, struct task *leaks)
{
	uint64_t n_events = capture_totals(cap)->events;

	memset(r, 0, sizeof(*r));
	r->cap = cap;
	r->path = path;
	r->opt = *opt;
	/* Three passes that only read the capture: the leaks' beside the others. */
	task_start(leaks, compute_leaks, r);
	snapshot_peak(&r->peak, cap);
	/* Calls per stack cost a pass over the whole log: only when something reads them. */
	if (capture_meta(cap)->top_rule == TOP_INNERMOST_FRAME || opt->metric == METRIC_ALLOCATED ||
	    opt->metric == METRIC_ALLOCATIONS)
		snapshot_allocated(&r->calls, cap, 0, n_events);
	if (weights_need_leaks(opt))
		task_join(leaks);
	metric_weights(&r->weights, cap, opt->metric, &r->peak, &r->leaks, &r->calls);
	if (weights_need_leaks(opt))
		compute_threads(r);
	r->weights_are_count = metric_is_count(cap, opt->metric);
	/* memray's temporary allocations weigh bytes too: the totals say both. */
	if (capture_meta(cap)->temporary_threshold >= 0) {
		struct snapshot temporary;

		snapshot_temporary(&temporary, cap, 0, n_events);
		r->temporary_bytes = temporary.total_bytes;
		snapshot_release(&temporary);
	}
	fold_mask_build(&r->fold, cap, &opt->fold);
}

/* What weights_begin left: the leaks' task joined, and the thread table. */
static void end_leaks(struct report *r, struct task *leaks)
{
	if (weights_need_leaks(&r->opt))
		return;
	task_join(leaks);
	compute_threads(r);
}

void report_compute_weights(struct report *r, const struct capture *cap, const char *path,
			    const struct report_options *opt)
{
	struct task leaks;

	weights_begin(r, cap, path, opt, &leaks);
	end_leaks(r, &leaks);
}

static bool is_memray(const struct capture *cap)
{
	return !strcmp(capture_meta(cap)->source.format, "memray");
}

/* Builds the tree, finds the focus in it and keeps the weights of the stacks through it. */
static void apply_focus(struct report *r)
{
	const struct report_options *opt = &r->opt;
	uint32_t *map, nd;

	tree_build_mapped(&r->tree, r->cap, &r->weights, opt->direction, &r->fold, &map);
	if (opt->focus_len) {
		/* As the explorer shows a focus: the deepest node of the path this tree has. */
		nd = tree_find_path(&r->tree, opt->focus_keys, opt->focus_len);
		r->focus_matched = (size_t)r->tree.nodes[nd].depth + 1;
	} else {
		nd = tree_find_names(&r->tree, opt->focus, ';', &r->focus_matched);
	}
	r->focus_missing = nd == TREE_NONE;
	r->focus = nd == TREE_NONE ? 0 : nd;
	if (r->focus)
		tree_keep_below(&r->tree, map, r->focus, &r->weights);
	free(map);
}

struct top_job {
	struct report *r;
	enum top_rule rule;
};

static void compute_top(void *arg)
{
	struct top_job *j = arg;
	struct report *r = j->r;

	top_locations_by(&r->top, r->cap, j->rule, &r->weights, r->calls.n ? &r->calls : NULL);
}

void report_compute(struct report *r, const struct capture *cap, const char *path,
		    const struct report_options *opt)
{
	struct top_job top = { r, capture_meta(cap)->top_rule };
	struct task task, leaks;

	/* The leaks go on beside the tree, which does not read them. */
	weights_begin(r, cap, path, opt, &leaks);
	/*
	 * memray stats groups what was allocated by the innermost Python frame alone,
	 * and memray's temporary allocations are listed so (the oracles').
	 */
	if (top.rule != TOP_INNERMOST_FRAME &&
	    (opt->metric == METRIC_ALLOCATED || opt->metric == METRIC_ALLOCATIONS ||
	     opt->metric == METRIC_TEMPORARY))
		top.rule = TOP_INNERMOST_PYTHON;
	/* The top list reads the weights before a focus narrows them. */
	if (opt->focus || opt->focus_len) {
		compute_top(&top);
		apply_focus(r);
	} else {
		task_start(&task, compute_top, &top);
		tree_build_to(&r->tree, cap, &r->weights, opt->direction, &r->fold,
			      !opt->write_only ? TREE_ALL_DEPTHS
			      : opt->depth ? opt->depth - 1 : 0);
		task_join(&task);
	}
	tree_sort(&r->tree, opt->order);
	end_leaks(r, &leaks);
}

void report_release(struct report *r)
{
	snapshot_release(&r->peak);
	snapshot_release(&r->leaks);
	snapshot_release(&r->suppressed);
	snapshot_release(&r->calls);
	snapshot_release(&r->weights);
	thread_table_release(&r->threads);
	thread_filter_release(&r->filter);
	top_list_release(&r->top);
	tree_release(&r->tree);
	fold_mask_release(&r->fold);
}

void report_path_weights(const struct report *r, int64_t **bytes, int64_t **count)
{
	const struct snapshot *w = &r->weights;
	uint32_t *rep = fold_stack_reps(&r->fold, r->cap);
	size_t n = w->n ? w->n : 1;

	*bytes = xcalloc(n, sizeof(**bytes));
	*count = xcalloc(n, sizeof(**count));
	for (uint32_t s = 0; s < w->n && s < capture_stack_count(r->cap); s++) {
		(*bytes)[rep[s]] += w->bytes[s];
		(*count)[rep[s]] += w->count[s];
	}
	free(rep);
}

char *report_focus_names(const struct report *r, char *buf, size_t size)
{
	uint32_t depth = r->tree.n ? r->tree.nodes[r->focus].depth : 0, i = depth;
	uint32_t *path = xmalloc(((size_t)depth + 1) * sizeof(*path));
	size_t used = 0;

	buf[0] = 0;
	for (uint32_t nd = r->focus; i > 0; nd = r->tree.nodes[nd].parent)
		path[--i] = nd;
	for (i = 0; i < depth && used < size; i++) {
		char label[256];

		used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ";" : "",
					 tree_node_name(&r->tree, path[i], label, sizeof(label)));
	}
	free(path);
	return buf;
}

char *report_fold_list(const struct report_options *o, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = 0;
	for (size_t i = 0; o->fold.presets && i < fold_preset_count() && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
					 fold_preset_name(i));
	for (size_t i = 0; i < o->fold.n_patterns && used < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "",
					 o->fold.patterns[i]);
	if (!used)
		snprintf(buf, size, "none");
	return buf;
}

static const struct {
	const char *name, *means;
} count_words[N_METRICS] = {
	[METRIC_PEAK] = { "live", "allocations live at the peak" },
	[METRIC_LEAKS] = { "leaked", "allocations leaked, live at the end" },
	[METRIC_ALLOCATED] = { "calls", "allocation calls over the whole run" },
	[METRIC_ALLOCATIONS] = { "calls", "allocation calls over the whole run" },
	[METRIC_TEMPORARY] = { "temporary", "temporary allocations" },
};

const char *report_count_name(enum metric m)
{
	return count_words[m].name;
}

const char *report_count_column(enum metric m)
{
	return m == METRIC_TEMPORARY ? "temp" : count_words[m].name;
}

const char *report_count_means(enum metric m)
{
	return count_words[m].means;
}

void report_top_words(const struct report *r, struct report_top_words *w)
{
	static const char *const titles[N_METRICS] = {
		[METRIC_PEAK] = "locations at the peak",
		[METRIC_LEAKS] = "locations of leaked bytes",
		[METRIC_ALLOCATED] = "locations by bytes allocated",
		[METRIC_ALLOCATIONS] = "locations by allocation calls",
		[METRIC_TEMPORARY] = "locations by temporary allocations",
	};
	static const char *const heaptrack_lists[N_METRICS] = {
		[METRIC_PEAK] = "heaptrack_print's PEAK MEMORY CONSUMERS",
		[METRIC_LEAKS] = "heaptrack_print -l's MEMORY LEAKS",
		[METRIC_ALLOCATIONS] = "heaptrack_print's MOST CALLS TO ALLOCATION FUNCTIONS",
		[METRIC_TEMPORARY] = "heaptrack_print's MOST TEMPORARY ALLOCATIONS",
	};
	static const char *const memray_lists[N_METRICS] = {
		[METRIC_PEAK] = "memray's high-water-mark top locations",
		[METRIC_LEAKS] = "memray's top locations with --leaks",
		[METRIC_ALLOCATED] = "memray stats' top locations by size",
		[METRIC_ALLOCATIONS] = "memray stats' top locations by count",
		[METRIC_TEMPORARY] = "memray's top locations with --temporary-allocations",
	};
	enum metric m = r->opt.metric;
	bool calls = capture_meta(r->cap)->top_rule == TOP_INNERMOST_FRAME;

	w->title = titles[m];
	w->value = metric_is_count(r->cap, m) ? report_count_name(m) : "bytes";
	w->tool_list = is_memray(r->cap) ? memray_lists[m] : heaptrack_lists[m];
	if (calls) {
		w->count = "calls";
		w->count_means = "allocation calls at the location over the whole run, as "
				 "heaptrack_print counts them";
	} else {
		w->count = report_count_name(m);
		w->count_means = report_count_means(m);
	}
	if (m == METRIC_ALLOCATIONS || (!calls && metric_is_count(r->cap, m)))
		w->count = NULL;
}

const char *report_metric_missing(const struct capture *cap, enum metric m)
{
	const struct capture_meta *meta = capture_meta(cap);

	if (m == METRIC_PEAK || m == METRIC_LEAKS || metric_available(cap, m))
		return NULL;
	if (m == METRIC_TEMPORARY && !meta->has_totals)
		return "the capture is aggregated (memray run --aggregate): it keeps no allocation "
		       "records, so no temporary allocations (memray refuses them too)";
	if (!meta->has_totals)
		return "the capture is aggregated (memray run --aggregate): it keeps what was "
		       "live at the peak and at the end, no allocation calls";
	if (m == METRIC_TEMPORARY)
		return "the capture has no temporary allocations";
	return "the capture has no allocation calls";
}
