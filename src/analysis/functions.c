/*
 * functions: groups by sorting frame keys, then one walk per weighted stack.
 *
 * Every frame gets a key of four string ids or numbers (group_key); sorting
 * the frames by key makes each group a run, whose index is the group id.
 * A stack is then walked leaf to root once: its innermost frame's group gets
 * the self weight, and every group met gets the inclusive weight once, which
 * a per-group stamp (the last stack that added to it) makes true under
 * recursion.  The group of stacks without frames is one more id (no_frame).
 */
#include "functions.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "xalloc.h"

struct frame_key {
	uint32_t k[4];
	uint32_t frame;
};

/* Whether unnamed native frames of different modules are one group (memray). */
static bool unnamed_as_one(const struct capture *cap)
{
	return capture_meta(cap)->top_rule != TOP_INNERMOST_FRAME;
}

static void group_key(const struct capture *cap, enum func_group g, uint32_t frame,
		      struct frame_key *out)
{
	const struct frame *f = capture_frame(cap, frame);

	memset(out, 0, sizeof(*out));
	out->frame = frame;
	switch (g) {
	case FUNC_BY_FILE:
		out->k[0] = f->file;
		out->k[1] = f->file ? 0 : f->module;	/* no file: by module */
		return;
	case FUNC_BY_MODULE:
		out->k[0] = f->module;
		out->k[1] = !f->module && f->kind == FRAME_PYTHON;
		return;
	case FUNC_BY_FUNCTION:
	case FUNC_BY_LOCATION:
		break;
	}
	if (!f->function) {
		out->k[2] = unnamed_as_one(cap) ? 0 : f->module;
		return;
	}
	out->k[0] = f->function;
	out->k[1] = f->file;
	if (g == FUNC_BY_LOCATION) {
		out->k[2] = f->module;
		out->k[3] = f->line;
	}
}

static int cmp_key(const void *a, const void *b)
{
	const struct frame_key *x = a, *y = b;

	for (int i = 0; i < 4; i++)
		if (x->k[i] != y->k[i])
			return x->k[i] < y->k[i] ? -1 : 1;
	return x->frame < y->frame ? -1 : x->frame > y->frame;
}

/* Fills l->group_of for every frame; returns each group's first frame (owned). */
static uint32_t *assign_groups(struct func_list *l)
{
	uint32_t nf = capture_frame_count(l->cap);
	struct frame_key *keys = xmalloc(((size_t)nf + 1) * sizeof(*keys));
	uint32_t *first = xmalloc(((size_t)nf + 2) * sizeof(*first));

	for (uint32_t f = 0; f < nf; f++)
		group_key(l->cap, l->group, f, &keys[f]);
	qsort(keys, nf, sizeof(*keys), cmp_key);
	l->group_of = xmalloc(((size_t)nf + 1) * sizeof(*l->group_of));
	l->n_groups = 0;
	for (uint32_t i = 0; i < nf; i++) {
		if (!i || memcmp(keys[i].k, keys[i - 1].k, sizeof(keys[i].k)))
			first[l->n_groups++] = keys[i].frame;
		l->group_of[keys[i].frame] = l->n_groups - 1;
	}
	l->no_frame = l->n_groups;
	first[l->n_groups++] = FUNC_NONE;
	free(keys);
	return first;
}

/* acc[g].n_frames = the distinct frames of group g in the weighted stacks of w. */
static void count_frames(const struct func_list *l, const struct snapshot *w, struct func_row *acc)
{
	uint32_t nf = capture_frame_count(l->cap);
	uint8_t *met = xcalloc((size_t)nf + 1, 1), *walked = xcalloc((size_t)w->n + 1, 1);

	for (uint32_t s = 1; s < w->n; s++) {
		uint32_t top = capture_stack(l->cap, s)->thread;	/* no call: stop there */

		if (!w->bytes[s] && !w->count[s])
			continue;
		/* A stack walked before had its callers' frames met too. */
		for (uint32_t up = s; up != top && !walked[up];
		     up = capture_stack(l->cap, up)->parent) {
			uint32_t f = capture_stack(l->cap, up)->frame;

			walked[up] = 1;
			if (!met[f]) {
				met[f] = 1;
				acc[l->group_of[f]].n_frames++;
			}
		}
	}
	free(walked);
	free(met);
}

void functions_build(struct func_list *l, const struct capture *cap, const struct snapshot *w,
		     enum func_group group)
{
	struct func_row *acc;
	uint32_t *first, *stamp;

	memset(l, 0, sizeof(*l));
	l->cap = cap;
	l->group = group;
	first = assign_groups(l);
	acc = xcalloc(l->n_groups, sizeof(*acc));
	stamp = xmalloc((size_t)l->n_groups * sizeof(*stamp));
	memset(stamp, 0xff, (size_t)l->n_groups * sizeof(*stamp));
	for (uint32_t s = 0; s < w->n; s++) {
		if (!w->bytes[s] && !w->count[s])
			continue;
		/* No call frame (the root, or a thread's frame alone: capture.h). */
		if (!s || capture_stack(cap, s)->thread == s) {
			acc[l->no_frame].self_bytes += w->bytes[s];
			acc[l->no_frame].self_count += w->count[s];
			acc[l->no_frame].total_bytes += w->bytes[s];
			acc[l->no_frame].total_count += w->count[s];
			continue;
		}
		for (uint32_t up = s, top = capture_stack(cap, s)->thread; up != top;
		     up = capture_stack(cap, up)->parent) {
			uint32_t g = l->group_of[capture_stack(cap, up)->frame];

			if (up == s) {
				acc[g].self_bytes += w->bytes[s];
				acc[g].self_count += w->count[s];
			}
			if (stamp[g] == s)
				continue;
			stamp[g] = s;
			acc[g].total_bytes += w->bytes[s];
			acc[g].total_count += w->count[s];
		}
	}
	l->row_of = xmalloc((size_t)l->n_groups * sizeof(*l->row_of));
	l->rows = xmalloc((size_t)l->n_groups * sizeof(*l->rows));
	for (uint32_t g = 0; g < l->n_groups; g++) {
		l->row_of[g] = FUNC_NONE;
		if (!acc[g].total_bytes && !acc[g].total_count)
			continue;
		acc[g].frame = first[g];
		l->rows[l->n] = acc[g];
		l->n++;
	}
	/* Distinct frames per group in the weighted stacks: names of merged unnamed code. */
	count_frames(l, w, acc);
	for (size_t i = 0; i < l->n; i++)
		if (l->rows[i].frame != FUNC_NONE)
			l->rows[i].n_frames = acc[l->group_of[l->rows[i].frame]].n_frames;
	free(stamp);
	free(acc);
	free(first);
	functions_sort(l, FUNC_ORDER_TOTAL);
}

struct sort_ctx {
	const struct func_list *l;
	enum func_order order;
};

static int cmp_rows(const void *a, const void *b, void *arg)
{
	const struct sort_ctx *c = arg;
	const struct func_row *x = a, *y = b;
	char bx[256], by[256];
	int64_t vx = llabs(c->order == FUNC_ORDER_SELF ? x->self_bytes : x->total_bytes);
	int64_t vy = llabs(c->order == FUNC_ORDER_SELF ? y->self_bytes : y->total_bytes);
	int by_name = strcmp(functions_row_name(c->l, x, bx, sizeof(bx)),
			     functions_row_name(c->l, y, by, sizeof(by)));

	if (c->order == FUNC_ORDER_NAME && by_name)
		return by_name;
	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (c->order != FUNC_ORDER_TOTAL && x->total_bytes != y->total_bytes)
		return llabs(x->total_bytes) > llabs(y->total_bytes) ? -1 : 1;
	if (by_name)
		return by_name;
	if (x->frame != y->frame)
		return x->frame < y->frame ? -1 : 1;
	return 0;
}

void functions_sort(struct func_list *l, enum func_order order)
{
	struct sort_ctx ctx = { l, order };

	qsort_r(l->rows, l->n, sizeof(*l->rows), cmp_rows, &ctx);
	for (size_t i = 0; i < l->n; i++)
		l->row_of[l->rows[i].frame == FUNC_NONE ? l->no_frame
							 : l->group_of[l->rows[i].frame]] =
			(uint32_t)i;
}

void functions_release(struct func_list *l)
{
	free(l->rows);
	free(l->group_of);
	free(l->row_of);
	memset(l, 0, sizeof(*l));
}

static const char *const group_names[] = {
	[FUNC_BY_FUNCTION] = "function",
	[FUNC_BY_LOCATION] = "location",
	[FUNC_BY_FILE] = "file",
	[FUNC_BY_MODULE] = "module",
};

const char *functions_group_name(enum func_group g)
{
	return group_names[g];
}

int functions_group_parse(const char *s)
{
	for (int g = 0; g < N_FUNC_GROUPS; g++)
		if (!strcmp(s, group_names[g]))
			return g;
	return -1;
}

const char *functions_order_name(enum func_order o)
{
	return o == FUNC_ORDER_SELF ? "self" : o == FUNC_ORDER_NAME ? "name" : "inclusive";
}

const char *functions_row_name(const struct func_list *l, const struct func_row *r, char *buf,
			       size_t size)
{
	const struct capture *cap = l->cap;
	const struct frame *f;
	const char *mod, *slash;

	if (r->frame == FUNC_NONE)
		return FUNC_NO_FRAME;
	f = capture_frame(cap, r->frame);
	if (l->group == FUNC_BY_MODULE) {
		if (f->module)
			return capture_string(cap, f->module);
		return f->kind == FRAME_PYTHON ? FUNC_PYTHON_MODULE : "<no module>";
	}
	if (l->group == FUNC_BY_FILE) {
		if (f->file)
			return capture_string(cap, f->file);
		snprintf(buf, size, "%s in %s", FUNC_NO_FILE,
			 f->module ? capture_string(cap, f->module) : "?");
		return buf;
	}
	if (f->function)
		return capture_string(cap, f->function);
	if (r->n_frames < 2)
		return capture_frame_label(cap, r->frame, buf, size);
	if (unnamed_as_one(cap))
		return FUNC_UNNAMED;
	mod = f->module ? capture_string(cap, f->module) : "?";
	slash = strrchr(mod, '/');
	snprintf(buf, size, "unnamed code in %s (%" PRIu32 " addresses)", slash ? slash + 1 : mod,
		 r->n_frames);
	return buf;
}

const char *functions_row_file(const struct func_list *l, const struct func_row *r)
{
	const struct frame *f;

	if (r->frame == FUNC_NONE || l->group == FUNC_BY_MODULE || l->group == FUNC_BY_FILE)
		return "";
	f = capture_frame(l->cap, r->frame);
	return f->function ? capture_string(l->cap, f->file) : "";
}

uint32_t functions_row_line(const struct func_list *l, const struct func_row *r)
{
	if (r->frame == FUNC_NONE || l->group != FUNC_BY_LOCATION)
		return 0;
	return capture_frame(l->cap, r->frame)->line;
}

const struct func_row *functions_row_of_frame(const struct func_list *l, uint32_t frame)
{
	uint32_t row;

	if (frame >= capture_frame_count(l->cap))
		return NULL;
	row = l->row_of[l->group_of[frame]];
	return row == FUNC_NONE ? NULL : &l->rows[row];
}

const struct func_row *functions_find(const struct func_list *l, const char *name,
				      size_t *n_candidates)
{
	const struct func_row *found = NULL;
	char buf[512];

	*n_candidates = 0;
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(functions_row_name(l, &l->rows[i], buf, sizeof(buf)), name)) {
			*n_candidates = 1;
			return &l->rows[i];
		}
	for (size_t i = 0; i < l->n; i++)
		if (strstr(functions_row_name(l, &l->rows[i], buf, sizeof(buf)), name)) {
			found = &l->rows[i];
			++*n_candidates;
		}
	return *n_candidates == 1 ? found : NULL;
}

/* The group id of row r. */
static uint32_t group_of_row(const struct func_list *l, const struct func_row *r)
{
	return r->frame == FUNC_NONE ? l->no_frame : l->group_of[r->frame];
}

/*
 * One tree for the callers (bottom-up) or callees (top-down) of r's group:
 * per stack holding the group, the frames above its innermost frame of the
 * group, or below its outermost one.
 */
static void related(struct tree *t, const struct func_list *l, const struct func_row *r,
		    const struct snapshot *w, enum tree_direction dir)
{
	const struct capture *cap = l->cap;
	uint32_t g = group_of_row(l, r), *path = NULL;
	size_t path_cap = 0;

	tree_begin(t, cap, dir, r->frame == FUNC_NONE ? 0 : r->frame);
	for (uint32_t s = 0; s < w->n; s++) {
		uint32_t inner = 0, outer = 0, top;
		size_t n = 0;

		if (!w->bytes[s] && !w->count[s])
			continue;
		top = capture_stack(cap, s)->thread;
		if (!s || top == s) {
			if (g == l->no_frame)
				tree_add_path(t, NULL, 0, w->bytes[s], w->count[s]);
			continue;
		}
		for (uint32_t up = s; up != top; up = capture_stack(cap, up)->parent)
			if (l->group_of[capture_stack(cap, up)->frame] == g) {
				if (!inner)
					inner = up;
				outer = up;
			}
		if (!inner)
			continue;
		if (dir == TREE_BOTTOM_UP) {
			for (uint32_t up = capture_stack(cap, inner)->parent; up != top;
			     up = capture_stack(cap, up)->parent) {
				XGROW(path, path_cap, n + 1);
				path[n++] = capture_stack(cap, up)->frame;
			}
		} else {
			/* The frames from the leaf up to outer's child, then reversed. */
			for (uint32_t up = s; up != outer; up = capture_stack(cap, up)->parent) {
				XGROW(path, path_cap, n + 1);
				path[n++] = capture_stack(cap, up)->frame;
			}
			for (size_t i = 0; i < n / 2; i++) {
				uint32_t x = path[i];

				path[i] = path[n - 1 - i];
				path[n - 1 - i] = x;
			}
		}
		tree_add_path(t, path, n, w->bytes[s], w->count[s]);
	}
	free(path);
	tree_sort(t, TREE_ORDER_SIZE);
}

void functions_callers(struct tree *t, const struct func_list *l, const struct func_row *r,
		       const struct snapshot *w)
{
	related(t, l, r, w, TREE_BOTTOM_UP);
}

void functions_callees(struct tree *t, const struct func_list *l, const struct func_row *r,
		       const struct snapshot *w)
{
	related(t, l, r, w, TREE_TOP_DOWN);
}

struct first_alloc {
	uint64_t ev_idx;
	uint32_t stack;
};

static int cmp_first(const void *a, const void *b)
{
	const struct first_alloc *x = a, *y = b;

	if (x->ev_idx != y->ev_idx)
		return x->ev_idx < y->ev_idx ? -1 : 1;
	return x->stack < y->stack ? -1 : x->stack > y->stack;
}

/*
 * memray's summary reads the high-water-mark records (one per stack, with
 * the live allocations of the stack) in the order of each record's earliest
 * live allocation, and stops once it has read 95% of the heap (the record
 * that reaches it included).  The log keeps no addresses, so a stack's
 * earliest live allocation is taken as its first allocation since its live
 * count was last zero: the same unless an older allocation of the stack was
 * freed while a newer one lived on.
 */
void functions_memray_summary(struct snapshot *out, const struct capture *cap,
			      const struct snapshot *peak)
{
	const struct capture_totals *tot = capture_totals(cap);
	uint64_t *first = xmalloc(((size_t)peak->n + 1) * sizeof(*first));
	int64_t *live = xcalloc((size_t)peak->n + 1, sizeof(*live));
	struct first_alloc *order = xmalloc(((size_t)peak->n + 1) * sizeof(*order));
	struct event_cursor c;
	struct event ev;
	size_t n = 0;
	double threshold = 0.95 * (double)peak->total_bytes, seen = 0;

	memset(first, 0xff, (size_t)peak->n * sizeof(*first));
	event_cursor_init(&c, cap, 0);
	while (tot->peak_ev_idx != UINT64_MAX && c.ev_idx <= tot->peak_ev_idx &&
	       event_cursor_next(&c, &ev)) {
		uint64_t i = c.ev_idx - 1;

		if (ev.stack >= peak->n)
			continue;
		if (ev.count > 0 && live[ev.stack] <= 0)
			first[ev.stack] = i;
		live[ev.stack] += ev.count;
		if (live[ev.stack] <= 0)
			first[ev.stack] = UINT64_MAX;
	}
	event_cursor_release(&c);
	for (uint32_t s = 0; s < peak->n; s++)
		if (peak->bytes[s] || peak->count[s])
			order[n++] = (struct first_alloc){ first[s], s };
	qsort(order, n, sizeof(*order), cmp_first);
	snapshot_empty(out, cap);
	for (size_t i = 0; i < n && seen < threshold; i++) {
		uint32_t s = order[i].stack;

		seen += (double)peak->bytes[s];
		out->bytes[s] = peak->bytes[s];
		out->count[s] = peak->count[s];
	}
	snapshot_recount(out);
	free(order);
	free(live);
	free(first);
}
