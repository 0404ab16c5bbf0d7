/*
 * stages: one streaming pass over the event log assigning each event to a
 * stage row or to the outside row (the rules are in stages.h).
 *
 * State of the pass: the live heap (heap_bytes), per stack its live bytes and
 * count and the row of its most recent allocation (for the live figures), the
 * open row (cur) and the heap's maximum since that row's call opened.  For
 * the marks and slices splits the row of an event is found by walking a
 * sorted array of boundaries (event indices) forward; for STAGES_UNDER each
 * stack's class (child function id, "at F", or none) is computed once, in
 * stack id order, which visits parents first.
 *
 * Live-only stages (no event stream, stages.h) make no pass: each stack's
 * class row takes that stack's figures in the peak snapshot and the live heap
 * after the last event, rows made as stack id order first meets them.
 */
#include "stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "hashmap.h"
#include "xalloc.h"

#define ROW_NONE UINT32_MAX
#define ROW_PENDING (UINT32_MAX - 1)	/* a foreign free while a call is open: decided later */
#define CLS_NONE UINT32_MAX		/* not under F */
#define CLS_AT_F (UINT32_MAX - 1)	/* F is the innermost frame (F itself allocates) */
#define CLS_AT_PY_F (UINT32_MAX - 2)	/* at a Python F, native frames below it skipped */
#define FILE_ANY UINT32_MAX		/* F's frames match by function name alone */

struct pass {
	const struct capture *cap;
	const struct stages_spec *spec;
	struct stage_row *rows;
	size_t n_rows, cap_rows;
	struct stage_row outside;
	int64_t *live_bytes;	/* per stack */
	int64_t *live_count;
	uint32_t *last_row;	/* per stack: row of its latest allocation (ROW_NONE = outside) */
	uint32_t *cls;		/* STAGES_UNDER: per stack class */
	struct hashmap row_of_child;	/* STAGES_MERGE: child function id -> row */
	uint64_t *bounds;	/* marks/slices: first event of row k; n_rows + 1 entries */
	uint32_t cur;		/* open row, ROW_NONE when none */
	uint64_t cur_call_first;	/* first event of the open call */
	uint64_t cur_call_last;
	int64_t heap_bytes;
	int64_t cur_max;	/* heap maximum since the open call's first event */
	struct stage_row pending;	/* foreign frees since the open call's last own event */
	struct hashmap top_idx;	/* (row << 32 | function) -> index into top_bytes */
	int64_t *top_bytes;
	size_t n_top, cap_top;
	bool collect;		/* stages_row_snapshots: gather one row's allocations */
	uint32_t collect_row;	/* that row (ROW_NONE = outside) */
	struct snapshot *collected;
};

static void row_init(struct stage_row *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	r->first_ev = STAGES_NO_EVENT;
	r->start_ms = -1;
	r->peak_bytes = INT64_MIN;
}

static uint32_t add_row(struct pass *p, const char *name)
{
	XGROW(p->rows, p->cap_rows, p->n_rows + 1);
	row_init(&p->rows[p->n_rows], name);
	return (uint32_t)p->n_rows++;
}

static struct stage_row *row_at(struct pass *p, uint32_t r)
{
	return r == ROW_NONE ? &p->outside : &p->rows[r];
}

/*
 * F's frames: every frame whose function is named spec->function.  When those
 * frames come from several files (memray's own `main` above the tracker in
 * the unelided fallback stacks of a --native capture, beside the script's
 * `main`), only the file under which the most bytes were allocated is F:
 * each stack's bytes count for the file of its innermost frame so named.
 * Returns the per-frame flags (owned by the caller).
 */
static uint8_t *find_f_frames(const struct capture *cap, const char *name)
{
	uint32_t n_frames = capture_frame_count(cap), n_stacks = capture_stack_count(cap);
	uint8_t *is_f = xcalloc(n_frames ? n_frames : 1, 1);
	uint32_t file = FILE_ANY, *inner, best = FILE_ANY;
	bool several = false;
	struct snapshot w;
	struct hashmap idx;
	int64_t *sum;
	size_t n_sum = 0;

	for (uint32_t f = 1; f < n_frames; f++) {
		const struct frame *fr = capture_frame(cap, f);

		if (!fr->function || strcmp(capture_string(cap, fr->function), name))
			continue;
		is_f[f] = 1;
		several |= file != FILE_ANY && fr->file != file;
		file = fr->file;
	}
	if (!several)
		return is_f;
	inner = xmalloc((n_stacks ? n_stacks : 1) * sizeof(*inner));
	sum = xcalloc(n_frames, sizeof(*sum));
	hashmap_init(&idx);
	snapshot_allocated(&w, cap, 0, UINT64_MAX);
	for (uint32_t s = 0; s < n_stacks; s++) {
		const struct stack_node *sn = capture_stack(cap, s);
		uint32_t k;

		inner[s] = !sn->depth ? FILE_ANY
			   : is_f[sn->frame] ? capture_frame(cap, sn->frame)->file
					     : inner[sn->parent];
		if (inner[s] == FILE_ANY || !w.bytes[s])
			continue;
		k = hashmap_get(&idx, inner[s]);
		if (k == HASHMAP_NONE) {
			k = (uint32_t)n_sum++;
			hashmap_put(&idx, inner[s], k);
		}
		sum[k] += w.bytes[s];
		if (best == FILE_ANY || sum[k] > sum[hashmap_get(&idx, best)] ||
		    (sum[k] == sum[hashmap_get(&idx, best)] && inner[s] < best))
			best = inner[s];
	}
	for (uint32_t f = 1; f < n_frames && best != FILE_ANY; f++)
		if (is_f[f] && capture_frame(cap, f)->file != best)
			is_f[f] = 0;
	snapshot_release(&w);
	hashmap_release(&idx);
	free(sum);
	free(inner);
	return is_f;
}

/*
 * Each stack's class, parents first (stack ids are).  Below a Python F the
 * child is the next Python frame (memray attributes by the Python stack), so
 * native frames between F and it are skipped; below a native F it is the
 * next frame, whatever it is.
 */
static void classify_stacks(struct pass *p)
{
	const struct capture *cap = p->cap;
	uint32_t n = capture_stack_count(cap);
	uint8_t *is_f = find_f_frames(cap, p->spec->function);

	for (uint32_t s = 0; s < n; s++) {
		const struct stack_node *sn = capture_stack(cap, s);
		const struct frame *fr;
		uint32_t pc;

		p->cls[s] = CLS_NONE;
		if (!sn->depth)
			continue;
		fr = capture_frame(cap, sn->frame);
		pc = p->cls[sn->parent];
		if (is_f[sn->frame])
			p->cls[s] = fr->kind == FRAME_PYTHON ? CLS_AT_PY_F : CLS_AT_F;
		else if (pc == CLS_AT_F)
			p->cls[s] = fr->function;
		else if (pc == CLS_AT_PY_F)
			p->cls[s] = fr->kind == FRAME_PYTHON ? fr->function : CLS_AT_PY_F;
		else
			p->cls[s] = pc;
	}
	free(is_f);
}

/* Moves the pending frees into row r (inside its window) or to the outside row. */
static void settle_pending(struct pass *p, uint32_t row)
{
	struct stage_row *r = row_at(p, row), *q = &p->pending;

	if (q->first_ev == STAGES_NO_EVENT)
		return;
	r->freed_count += q->freed_count;
	r->freed_bytes += q->freed_bytes;
	r->net_bytes += q->net_bytes;
	if (r->first_ev == STAGES_NO_EVENT || q->first_ev < r->first_ev) {
		r->first_ev = q->first_ev;
		r->start_ms = q->start_ms;
	}
	if (row == ROW_NONE && q->peak_bytes > r->peak_bytes)
		r->peak_bytes = q->peak_bytes;
	if (row == ROW_NONE && q->last_ev > r->last_ev)
		r->last_ev = q->last_ev;
	free(q->name);
	row_init(q, "");
}

/* Ends the open call: its duration is added to its row. */
static void close_call(struct pass *p)
{
	struct stage_row *r;

	settle_pending(p, ROW_NONE);
	if (p->cur == ROW_NONE)
		return;
	r = &p->rows[p->cur];
	if (r->duration_ms < 0)
		r->duration_ms = 0;
	r->duration_ms += capture_time_at(p->cap, p->cur_call_last) -
			  capture_time_at(p->cap, p->cur_call_first);
	p->cur = ROW_NONE;
}

static void open_call(struct pass *p, uint32_t row, uint64_t ev_idx)
{
	close_call(p);
	p->cur = row;
	p->cur_call_first = ev_idx;
	p->cur_call_last = ev_idx;
	p->cur_max = p->heap_bytes;
	p->rows[row].calls++;
}

/* The row of a child's new call: a fresh row, or with STAGES_MERGE its one row. */
static uint32_t child_row(struct pass *p, uint32_t fn)
{
	uint32_t r = p->spec->flags & STAGES_MERGE ? hashmap_get(&p->row_of_child, fn)
						   : HASHMAP_NONE;

	if (r != HASHMAP_NONE)
		return r;
	r = add_row(p, fn ? capture_string(p->cap, fn) : "???");
	p->rows[r].function = fn;
	if (p->spec->flags & STAGES_MERGE)
		hashmap_put(&p->row_of_child, fn, r);
	return r;
}

/* STAGES_UNDER: the row of event ev (ROW_NONE = outside), opening/closing calls. */
static uint32_t under_assign(struct pass *p, const struct event *ev, uint64_t ev_idx)
{
	uint32_t c = p->cls[ev->stack];
	bool is_child = c != CLS_NONE && c != CLS_AT_F && c != CLS_AT_PY_F;
	bool cur_is_c = p->cur != ROW_NONE && is_child && p->rows[p->cur].function == c;

	if (ev->flags & EV_ALLOC) {
		if (!is_child) {
			close_call(p);
			return ROW_NONE;
		}
		if (!cur_is_c)
			open_call(p, child_row(p, c), ev_idx);
		settle_pending(p, p->cur);
		return p->cur;
	}
	if (cur_is_c) {
		settle_pending(p, p->cur);
		return p->cur;
	}
	return p->cur == ROW_NONE ? ROW_NONE : ROW_PENDING;
}

/* Marks and slices: the row whose [bounds[k], bounds[k+1]) holds ev_idx. */
static uint32_t bounds_assign(struct pass *p, uint64_t ev_idx)
{
	uint32_t k = p->cur == ROW_NONE ? 0 : p->cur;

	if (ev_idx < p->bounds[0])
		return ROW_NONE;
	while (k + 1 < p->n_rows && ev_idx >= p->bounds[k + 1])
		k++;
	if (ev_idx >= p->bounds[p->n_rows])
		return ROW_NONE;
	if (p->cur != k)
		open_call(p, k, ev_idx);
	return k;
}

static void count_top(struct pass *p, uint32_t row, const struct event *ev)
{
	const struct stack_node *sn = capture_stack(p->cap, ev->stack);
	uint32_t fn = sn->depth ? capture_frame(p->cap, sn->frame)->function : 0;
	uint64_t key = (uint64_t)row << 32 | fn;
	uint32_t i = hashmap_get(&p->top_idx, key);

	if (i == HASHMAP_NONE) {
		XGROW(p->top_bytes, p->cap_top, p->n_top + 1);
		i = (uint32_t)p->n_top++;
		p->top_bytes[i] = 0;
		hashmap_put(&p->top_idx, key, i);
	}
	p->top_bytes[i] += ev->bytes;
	if (p->top_bytes[i] > row_at(p, row)->top_bytes ||
	    (p->top_bytes[i] == row_at(p, row)->top_bytes && !row_at(p, row)->top_function)) {
		row_at(p, row)->top_bytes = p->top_bytes[i];
		row_at(p, row)->top_function = fn;
	}
}

static void apply(struct pass *p, uint32_t row, const struct event *ev, uint64_t ev_idx)
{
	struct stage_row *r = row == ROW_PENDING ? &p->pending : row_at(p, row);

	p->heap_bytes += ev->bytes;
	p->live_bytes[ev->stack] += ev->bytes;
	p->live_count[ev->stack] += ev->count;
	if (p->heap_bytes > p->cur_max)
		p->cur_max = p->heap_bytes;
	if (r->first_ev == STAGES_NO_EVENT) {
		r->first_ev = ev_idx;
		r->start_ms = capture_time_at(p->cap, ev_idx);
	}
	r->last_ev = ev_idx;
	if (ev->flags & EV_ALLOC) {
		r->alloc_count++;
		r->alloc_bytes += ev->bytes;
		p->last_row[ev->stack] = row;
		count_top(p, row, ev);
		if (p->collect && row == p->collect_row) {
			p->collected->bytes[ev->stack] += ev->bytes;
			p->collected->count[ev->stack] += ev->count;
		}
	} else if (ev->bytes < 0 || ev->count < 0) {
		r->freed_count -= ev->count;
		r->freed_bytes -= ev->bytes;
	}
	r->net_bytes += ev->bytes;
	if (row == ROW_NONE || row == ROW_PENDING) {
		if (p->heap_bytes > r->peak_bytes)
			r->peak_bytes = p->heap_bytes;
		return;
	}
	p->cur_call_last = ev_idx;
	r->cumulative_bytes = p->heap_bytes;
	if (p->cur_max > r->peak_bytes)
		r->peak_bytes = p->cur_max;
}

/* Live per stack now, credited to the row of each stack's latest allocation. */
static void credit_live(struct pass *p, bool at_peak)
{
	uint32_t n = capture_stack_count(p->cap);

	for (uint32_t s = 0; s < n; s++) {
		struct stage_row *r;

		if (!p->live_bytes[s] && !p->live_count[s])
			continue;
		r = row_at(p, p->last_row[s]);
		if (at_peak) {
			r->at_peak_bytes += p->live_bytes[s];
			r->at_peak_count += p->live_count[s];
		} else {
			r->leaked_bytes += p->live_bytes[s];
			r->leaked_count += p->live_count[s];
		}
	}
}

/* Row boundaries of the marks and slices splits. */
static void make_bounds(struct pass *p)
{
	const struct capture *cap = p->cap;
	uint64_t n_events = capture_totals(cap)->events;
	size_t n_tm, n_sm;
	const struct time_mark *tm = capture_time_marks(cap, &n_tm);
	const struct stage_mark *sm = capture_stage_marks(cap, &n_sm);
	char name[64];

	if (p->spec->split == STAGES_MARKS) {
		p->bounds = xmalloc((n_sm + 1) * sizeof(*p->bounds));
		for (size_t k = 0; k < n_sm; k++) {
			add_row(p, sm[k].name ? sm[k].name : "");
			p->bounds[k] = sm[k].ev_idx;
		}
		p->bounds[n_sm] = n_events;
		return;
	}
	int64_t dur = capture_meta(cap)->duration_ms;
	unsigned n = p->spec->slices;

	if (dur < 0 && n_tm)
		dur = tm[n_tm - 1].time_ms;
	p->bounds = xmalloc(((size_t)n + 1) * sizeof(*p->bounds));
	for (unsigned k = 0; k <= n; k++) {
		if (k < n) {
			snprintf(name, sizeof(name), "slice %u", k + 1);
			add_row(p, name);
		}
		if (k == 0 || k == n) {
			p->bounds[k] = k ? n_events : 0;
		} else if (n_tm && dur > 0) {
			int64_t t = (int64_t)((__int128)dur * k / n);
			size_t j = 0;

			while (j < n_tm && tm[j].time_ms < t)
				j++;
			p->bounds[k] = j < n_tm ? tm[j].ev_idx : n_events;
		} else {
			p->bounds[k] = (uint64_t)((unsigned __int128)n_events * k / n);
		}
	}
}

static void finish(struct pass *p, struct stages *out)
{
	const struct capture_totals *t = capture_totals(p->cap);

	close_call(p);
	credit_live(p, false);
	p->outside.cumulative_bytes = t->end_bytes;
	p->outside.duration_ms = -1;
	for (size_t i = 0; i < p->n_rows; i++) {
		if (p->rows[i].peak_bytes == INT64_MIN)
			p->rows[i].peak_bytes = 0;
		if (!p->rows[i].calls)
			p->rows[i].duration_ms = 0;
	}
	if (p->outside.peak_bytes == INT64_MIN)
		p->outside.peak_bytes = 0;
	out->n = p->n_rows + 1;
	out->rows = xrealloc_array(p->rows, out->n, sizeof(*out->rows));
	out->rows[p->n_rows] = p->outside;
	p->rows = NULL;
	p->n_rows = 0;
	p->outside.name = NULL;
}

/* Sets up a pass of spec over cap; -1 when spec cannot apply (every event is then outside). */
static int pass_begin(struct pass *p, const struct capture *cap, const struct stages_spec *spec)
{
	uint32_t n_stacks = capture_stack_count(cap);
	size_t n = n_stacks ? n_stacks : 1;
	int rc = 0;

	memset(p, 0, sizeof(*p));
	p->cap = cap;
	p->spec = spec;
	p->cur = ROW_NONE;
	row_init(&p->outside, "<outside stages>");
	row_init(&p->pending, "");
	hashmap_init(&p->row_of_child);
	hashmap_init(&p->top_idx);
	if ((spec->split == STAGES_SLICES && !spec->slices) ||
	    (spec->split == STAGES_UNDER && (!spec->function || !*spec->function)) ||
	    stages_unavailable(cap, spec))
		rc = -1;
	p->live_bytes = xcalloc(n, sizeof(int64_t));
	p->live_count = xcalloc(n, sizeof(int64_t));
	p->last_row = xmalloc(n * sizeof(uint32_t));
	memset(p->last_row, 0xff, n * sizeof(uint32_t));
	if (spec->split == STAGES_UNDER && !rc) {
		p->cls = xmalloc(n * sizeof(uint32_t));
		classify_stacks(p);
	} else if (!rc) {
		make_bounds(p);
	}
	return rc;
}

/* The streaming pass: every event to its row. */
static void pass_run(struct pass *p, int rc)
{
	uint64_t peak_idx = capture_totals(p->cap)->peak_ev_idx;
	struct event_cursor c;
	struct event ev;
	uint64_t i = 0;

	event_cursor_init(&c, p->cap, 0);
	while (event_cursor_next(&c, &ev)) {
		uint32_t row = ROW_NONE;

		if (!rc)
			row = p->cls ? under_assign(p, &ev, i) : bounds_assign(p, i);
		apply(p, row, &ev, i);
		if (i == peak_idx)
			credit_live(p, true);
		i++;
	}
	event_cursor_release(&c);
}

static void pass_release(struct pass *p)
{
	for (size_t i = 0; i < p->n_rows; i++)
		free(p->rows[i].name);
	free(p->rows);
	free(p->outside.name);
	free(p->live_bytes);
	free(p->live_count);
	free(p->last_row);
	free(p->cls);
	free(p->bounds);
	free(p->top_bytes);
	free(p->pending.name);
	hashmap_release(&p->row_of_child);
	hashmap_release(&p->top_idx);
}

const char *stages_unavailable(const struct capture *cap, const struct stages_spec *spec)
{
	if (spec->split == STAGES_UNDER || capture_meta(cap)->has_event_stream)
		return NULL;
	return "stages by time need the event stream; this capture is aggregated (memray "
	       "--aggregate): only under:FUNCTION works, with live figures";
}

static bool is_child_class(uint32_t c)
{
	return c != CLS_NONE && c != CLS_AT_F && c != CLS_AT_PY_F;
}

/* The event after which the capture ends; UINT64_MAX: before any event. */
static uint64_t last_event(const struct capture *cap)
{
	uint64_t events = capture_totals(cap)->events;

	return events ? events - 1 : UINT64_MAX;
}

static void row_unknown(struct stage_row *r)
{
	r->first_ev = STAGES_NO_EVENT;
	r->last_ev = STAGES_NO_EVENT;
	r->start_ms = r->duration_ms = STAGES_UNKNOWN;
	r->alloc_count = r->alloc_bytes = r->freed_count = r->freed_bytes = STAGES_UNKNOWN;
	r->net_bytes = r->cumulative_bytes = r->peak_bytes = STAGES_UNKNOWN;
	r->top_function = 0;
	r->top_bytes = STAGES_UNKNOWN;
}

/*
 * The source line in F of the call that leads to stack s's child (s of a
 * child class): the innermost F frame on s, which is the first frame above
 * the child's that is no child frame and, below a Python F, no native one.
 */
static uint32_t call_line(const struct pass *p, uint32_t s)
{
	const struct capture *cap = p->cap;
	const struct stack_node *sn = capture_stack(cap, s);

	while (sn->depth && is_child_class(p->cls[s])) {
		s = sn->parent;
		sn = capture_stack(cap, s);
	}
	while (sn->depth && p->cls[s] == CLS_AT_PY_F &&
	       capture_frame(cap, sn->frame)->kind != FRAME_PYTHON) {
		s = sn->parent;
		sn = capture_stack(cap, s);
	}
	return sn->depth ? capture_frame(cap, sn->frame)->line : 0;
}

/* Sorts the live-only rows by (call line, first stack id), a stable insertion sort. */
static void live_order(struct pass *p, uint32_t *line, uint32_t *first)
{
	for (size_t i = 1; i < p->n_rows; i++) {
		struct stage_row r = p->rows[i];
		uint32_t l = line[i], f = first[i];
		size_t j = i;

		for (; j > 0 && (line[j - 1] > l || (line[j - 1] == l && first[j - 1] > f)); j--) {
			p->rows[j] = p->rows[j - 1];
			line[j] = line[j - 1];
			first[j] = first[j - 1];
		}
		p->rows[j] = r;
		line[j] = l;
		first[j] = f;
	}
}

/*
 * Live-only stages: every stack whole to its class's row (one row per child
 * function), at_peak from the peak snapshot, leaked from the live heap after
 * the last event; then the rows in order of the line in F calling them (the
 * smallest over their stacks), ties by their smallest stack id.
 */
static void live_compute(struct pass *p, int rc, struct stages *out)
{
	uint32_t n = capture_stack_count(p->cap);
	uint32_t *line = xmalloc((n ? n : 1) * sizeof(*line));
	uint32_t *first = xmalloc((n ? n : 1) * sizeof(*first));
	struct snapshot peak, end;

	snapshot_peak(&peak, p->cap);
	snapshot_live_at(&end, p->cap, last_event(p->cap));
	for (uint32_t s = 0; s < n; s++) {
		uint32_t row = ROW_NONE, fn;
		struct stage_row *r;

		if (!rc && is_child_class(p->cls[s])) {
			fn = p->cls[s];
			row = hashmap_get(&p->row_of_child, fn);
			if (row == HASHMAP_NONE) {
				row = add_row(p, fn ? capture_string(p->cap, fn) : "???");
				p->rows[row].function = fn;
				p->rows[row].calls = 1;
				hashmap_put(&p->row_of_child, fn, row);
				line[row] = UINT32_MAX;
				first[row] = s;
			}
			if (call_line(p, s) < line[row])
				line[row] = call_line(p, s);
		}
		r = row_at(p, row);
		r->at_peak_bytes += peak.bytes[s];
		r->at_peak_count += peak.count[s];
		r->leaked_bytes += end.bytes[s];
		r->leaked_count += end.count[s];
	}
	snapshot_release(&peak);
	snapshot_release(&end);
	live_order(p, line, first);
	free(line);
	free(first);
	for (size_t i = 0; i < p->n_rows; i++)
		row_unknown(&p->rows[i]);
	row_unknown(&p->outside);
	out->n = p->n_rows + 1;
	out->rows = xrealloc_array(p->rows, out->n, sizeof(*out->rows));
	out->rows[p->n_rows] = p->outside;
	out->live_only = true;
	p->rows = NULL;
	p->n_rows = 0;
	p->outside.name = NULL;
}

int stages_compute(struct stages *out, const struct capture *cap, const struct stages_spec *spec)
{
	struct pass p;
	int rc = pass_begin(&p, cap, spec);

	memset(out, 0, sizeof(*out));
	if (!capture_meta(cap)->has_event_stream) {
		live_compute(&p, rc, out);	/* moves the rows into out */
		pass_release(&p);
		return rc;
	}
	pass_run(&p, rc);
	finish(&p, out);	/* moves the rows into out */
	pass_release(&p);
	return rc;
}

bool stages_under_exists(const struct capture *cap, const char *function)
{
	struct stages_spec spec = { STAGES_UNDER, 0, function, 0 };
	struct pass p;
	bool found = false;

	if (pass_begin(&p, cap, &spec) == 0)
		for (uint32_t s = 0; s < capture_stack_count(cap) && !found; s++)
			found = is_child_class(p.cls[s]);
	pass_release(&p);
	return found;
}

/* The event after which row k ends; UINT64_MAX: before any event. */
uint64_t stages_row_end(const struct stages *s, size_t k, const struct capture *cap)
{
	if (k + 1 == s->n)
		return last_event(cap);
	for (size_t j = k + 1; j-- > 0;)
		if (s->rows[j].first_ev != STAGES_NO_EVENT)
			return s->rows[j].last_ev;
	return UINT64_MAX;
}

uint64_t stages_row_start(const struct stages *s, size_t k)
{
	const struct stage_row *r = &s->rows[k];

	if (r->first_ev == STAGES_NO_EVENT) {
		for (size_t j = k; j-- > 0;)
			if (s->rows[j].first_ev != STAGES_NO_EVENT)
				return s->rows[j].last_ev;
		return UINT64_MAX;
	}
	return r->first_ev ? r->first_ev - 1 : UINT64_MAX;
}

/* Live-only stages: alive = the live heap at the end on row k's stacks; allocated unknown. */
static void live_row_snapshots(struct snapshot *allocated, struct snapshot *alive,
			       const struct pass *p, int rc, const struct stages *s, size_t k)
{
	bool outside = k + 1 == s->n;

	snapshot_empty(allocated, p->cap);
	snapshot_live_at(alive, p->cap, last_event(p->cap));
	for (uint32_t i = 0; i < alive->n; i++) {
		bool child = !rc && is_child_class(p->cls[i]);
		bool mine = outside ? !child : child && p->cls[i] == s->rows[k].function;

		if (!mine)
			alive->bytes[i] = alive->count[i] = 0;
	}
	snapshot_recount(alive);
}

int stages_row_snapshots(struct snapshot *allocated, struct snapshot *alive,
			 const struct capture *cap, const struct stages_spec *spec,
			 const struct stages *s, size_t k)
{
	struct pass p;
	int rc = pass_begin(&p, cap, spec);

	if (s->live_only) {
		live_row_snapshots(allocated, alive, &p, rc, s, k);
		pass_release(&p);
		return -1;
	}
	snapshot_empty(allocated, cap);
	p.collect = true;
	p.collect_row = k + 1 == s->n ? ROW_NONE : (uint32_t)k;
	p.collected = allocated;
	pass_run(&p, rc);
	pass_release(&p);
	snapshot_recount(allocated);
	snapshot_live_at(alive, cap, stages_row_end(s, k, cap));
	for (uint32_t i = 0; i < alive->n; i++) {
		int64_t b = alive->bytes[i], c = alive->count[i];

		alive->bytes[i] = b < 0 ? 0 : b > allocated->bytes[i] ? allocated->bytes[i] : b;
		alive->count[i] = c < 0 ? 0 : c > allocated->count[i] ? allocated->count[i] : c;
	}
	snapshot_recount(alive);
	return 0;
}

void stages_release(struct stages *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->rows[i].name);
	free(s->rows);
	s->rows = NULL;
	s->n = 0;
	s->live_only = false;
}

int stages_spec_parse(struct stages_spec *spec, const char *s)
{
	memset(spec, 0, sizeof(*spec));
	if (!strcmp(s, "marks")) {
		spec->split = STAGES_MARKS;
		return 0;
	}
	if (!strncmp(s, "slices:", 7)) {
		char *end;
		unsigned long n = strtoul(s + 7, &end, 10);

		if (end == s + 7 || *end || n < 1 || n > 100000 || s[7] == '-')
			return -1;
		spec->split = STAGES_SLICES;
		spec->slices = (unsigned)n;
		return 0;
	}
	if (!strncmp(s, "under:", 6) && s[6]) {
		spec->split = STAGES_UNDER;
		spec->function = s + 6;
		return 0;
	}
	return -1;
}
