/*
 * stages: one streaming pass over the event log assigning each event to a
 * stage row or to the outside row (the rules are in stages.h), and the short
 * labels of the rows' names.
 *
 * State of the pass: the live heap (heap_bytes), per stack its live bytes and
 * count and the row of its most recent allocation (for the live figures
 * without a leak table), the next entry of the capture's leak table (sorted
 * by event, walked with the events: an entry goes to the row its event went
 * to), the
 * open row (cur) and the heap's maximum since that row's call opened.  For
 * the marks and slices splits the row of an event is found by walking a
 * sorted array of boundaries (event indices) forward, and a row walked past
 * without an event takes the heap of that moment.  For STAGES_UNDER each
 * stack's class is computed once, in stack id order, which visits parents
 * first: CLS_NONE (F not on it), CLS_SELF (F itself), or a child class, an
 * index into classes (a named child by function, an unnamed one by module).
 *
 * Live-only stages (no event stream, stages.h) make no pass: each stack's
 * class row takes that stack's figures in the peak snapshot and the live heap
 * after the last event, rows made as stack id order first meets them.
 *
 * Labels: a name is collapsed by emptying every template argument list and
 * parameter list (an opening '<' or '(' right after a name, a '>' or ']', or
 * an operator's token), keeping "(anonymous namespace)", Python's
 * "<listcomp>" and other brackets that follow no name as they are.
 */
#include "stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "hashmap.h"
#include "names.h"
#include "xalloc.h"

#define ROW_NONE UINT32_MAX
#define ROW_PENDING (UINT32_MAX - 1)	/* a foreign free while a call is open: decided later */
#define CLS_NONE UINT32_MAX		/* F is not on the stack */
#define CLS_SELF (UINT32_MAX - 1)	/* F itself: F innermost, or native frames below a
					 * Python F (and, while classifying, below a native F) */
#define CLS_AT_PY_F (UINT32_MAX - 2)	/* while classifying: at a Python F, native frames
					 * below it skipped; CLS_SELF afterwards */
#define FILE_ANY UINT32_MAX		/* F's frames match by function name alone */
#define UNNAMED_KEY (1ULL << 32)	/* classes: an unnamed child, keyed by its module */

/* A child class: the function below F, or unnamed code of one module. */
struct stage_class {
	uint32_t function;	/* string id; 0: unnamed */
	uint32_t module;	/* unnamed: the module's string id (0 none) */
};

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
	uint8_t *is_f;		/* STAGES_UNDER: per frame, whether it is one of F's */
	struct stage_class *classes;	/* child classes, from 1 (0 unused) */
	size_t n_classes, cap_classes;
	struct hashmap class_of;	/* function id, or UNNAMED_KEY | module -> class */
	struct hashmap row_of_child;	/* STAGES_MERGE and F itself: class -> row */
	const char *why;	/* stages_unavailable's reason; NULL when spec applies */
	bool fixed_times;	/* slices with time: start and duration set by make_bounds */
	uint64_t *bounds;	/* marks/slices: first event of row k; n_rows + 1 entries */
	uint32_t cur;		/* open row, ROW_NONE when none */
	uint64_t cur_call_first;	/* first event of the open call */
	uint64_t cur_call_last;
	int64_t heap_bytes;
	int64_t cur_max;	/* heap maximum since the open call's first event */
	struct stage_row pending;	/* foreign frees since the open call's last own event */
	struct hashmap top_group;	/* function id -> the first leaf frame seen with it */
	struct hashmap top_idx;	/* (row << 32 | group frame) -> index into tally */
	struct top_tally {
		int64_t bytes;
		uint32_t frame;	/* the group's frame */
	} *tally;
	size_t n_top, cap_top;
	uint32_t *top_row;	/* per stack: the row its top_at index is of (ROW_PENDING: none) */
	uint32_t *top_at;	/* per stack: its index into tally in row top_row */
	bool collect;		/* stages_row_snapshots: gather one row's allocations */
	uint32_t collect_row;	/* that row (ROW_NONE = outside) */
	struct snapshot *collected;
	bool before_marks;	/* STAGES_MARKS: the outside row is the window before mark 0 */
	const struct leak *leaks;	/* capture_leaks(), or NULL: leaks by the stack rule */
	size_t n_leaks, next_leak;	/* entries, and the first not yet credited */
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

/* ---- names ------------------------------------------------------------- */

static bool is_ident(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (unsigned char)c >= 0x80;
}

/* Code points of the UTF-8 text s. */
static int cps(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* name in names.h's brief form, "a::B<>::f(...)" (owned). */
static char *collapse(const char *name)
{
	size_t size = 3 * strlen(name) + 8;	/* "(x)" grows to "(...)" */

	return names_shorten(name, NAMES_BRIEF, xmalloc(size), size);
}

/* A function's name without templates and parameters: "a::B::f" (owned). */
static char *base_name(const char *name)
{
	char *c = collapse(name), *o = c;

	for (const char *q = c; *q; q++) {
		if (q[0] == '<' && q[1] == '>' && q > c && is_ident(q[-1])) {
			q++;
			continue;
		}
		if (q[0] == '(' && (q[1] == ')' || !strncmp(q + 1, "...)", 4)) && q > c &&
		    is_ident(q[-1]) &&
		    !(q - c >= 8 && !strncmp(q - 8, "operator", 8)))
			break;
		*o++ = *q;
	}
	*o = 0;
	return c;
}

/* Whether function name fn is f by its base name: f itself or ending in "::f". */
static bool base_matches(const char *fn, const char *f)
{
	char *b = base_name(fn);
	size_t nb = strlen(b), nf = strlen(f);
	bool yes = nf && (!strcmp(b, f) || (nb > nf + 2 && !strcmp(b + nb - nf, f) &&
					   !strncmp(b + nb - nf - 2, "::", 2)));

	free(b);
	return yes;
}

/*
 * text's end in at most width code points: text when it fits, else ellipsis
 * and the longest end that starts after a "::" (or a '.', in a text without
 * spaces: a Python name, not a module's file name) and fits, unless that
 * fills less than half the room: then the last code points that fit.  Into
 * buf.
 */
static char *keep_end(const char *text, int width, const char *ellipsis, char *buf, size_t size)
{
	int avail = width - cps(ellipsis), n = cps(text);
	bool dots = !strchr(text, ' ');	/* "a.b.c", not "0x1f in libc.so.6" */
	const char *start = NULL;

	if (n <= width || avail <= 0) {
		snprintf(buf, size, "%s", n <= width ? text : "");
		return buf;
	}
	for (const char *q = text + 1; *q && !start; q++)
		if (((q[-1] == '.' && dots) || (q - text >= 2 && q[-1] == ':' && q[-2] == ':')) &&
		    cps(q) <= avail)
			start = q;
	if (!start || cps(start) < avail / 2)
		for (start = text; cps(start) > avail; start++)
			while (((unsigned char)start[1] & 0xc0) == 0x80)
				start++;
	snprintf(buf, size, "%s%s", ellipsis, start);
	return buf;
}

char *stages_short_name(const char *name, int width, const char *ellipsis, char *buf,
			size_t size)
{
	char *c;

	if (cps(name) <= width) {
		snprintf(buf, size, "%s", name);
		return buf;
	}
	c = collapse(name);
	keep_end(c, width, ellipsis, buf, size);
	free(c);
	return buf;
}

struct label_ref {
	const char *label, *name;
	size_t row;
};

static int label_cmp(const void *a, const void *b)
{
	const struct label_ref *x = a, *y = b;
	int c = strcmp(x->label, y->label);

	return c ? c : strcmp(x->name, y->name);
}

/*
 * Sorts the rows by (label, name) into refs; returns whether some label is
 * shared by two different names.
 */
static bool sort_labels(struct label_ref *refs, char **labels, const struct stages *s)
{
	bool clash = false;

	for (size_t k = 0; k < s->n; k++)
		refs[k] = (struct label_ref){ labels[k], s->rows[k].name, k };
	qsort(refs, s->n, sizeof(*refs), label_cmp);
	for (size_t i = 1; i < s->n; i++)
		clash |= !strcmp(refs[i].label, refs[i - 1].label) &&
			 strcmp(refs[i].name, refs[i - 1].name);
	return clash;
}

char **stages_labels(const struct stages *s, int width, const char *ellipsis)
{
	char **labels = xcalloc(s->n ? s->n : 1, sizeof(*labels));
	struct label_ref *refs = xmalloc((s->n ? s->n : 1) * sizeof(*refs));
	char buf[1024];

	for (size_t k = 0; k < s->n; k++)
		labels[k] = xstrdup(stages_short_name(s->rows[k].name, width, ellipsis, buf,
						      sizeof(buf)));
	if (!sort_labels(refs, labels, s))
		goto out;
	/* Names shortened into one label: in full where they fit. */
	for (size_t i = 0, j; i < s->n; i = j) {
		bool several = false;

		for (j = i + 1; j < s->n && !strcmp(refs[j].label, refs[i].label); j++)
			several |= strcmp(refs[j].name, refs[i].name) != 0;
		for (size_t m = i; several && m < j; m++)
			if (cps(refs[m].name) <= width) {
					free(labels[refs[m].row]);
				labels[refs[m].row] = xstrdup(refs[m].name);
				refs[m].label = labels[refs[m].row];
			}
	}
	if (!sort_labels(refs, labels, s))
		goto out;
	/* Still shared: numbered, in name order. */
	for (size_t i = 0, j; i < s->n; i = j) {
		unsigned number = 1;
		bool several = false;

		for (j = i + 1; j < s->n && !strcmp(refs[j].label, refs[i].label); j++)
			several |= strcmp(refs[j].name, refs[i].name) != 0;
		for (size_t m = i; several && m < j; m++) {
			char tag[24], *c = collapse(refs[m].name);

			if (m > i && strcmp(refs[m].name, refs[m - 1].name))
				number++;
			snprintf(tag, sizeof(tag), " #%u", number);
			keep_end(c, width - cps(tag), ellipsis, buf, sizeof(buf) - sizeof(tag));
			strcat(buf, tag);
			free(c);
			free(labels[refs[m].row]);
			labels[refs[m].row] = xstrdup(buf);
			refs[m].label = labels[refs[m].row];
		}
	}
out:
	free(refs);
	return labels;
}

void stages_labels_free(char **labels, size_t n)
{
	for (size_t k = 0; labels && k < n; k++)
		free(labels[k]);
	free(labels);
}

/* ---- classes ----------------------------------------------------------- */

/*
 * Which function names are F: the string name itself; when no frame's
 * function is, every function whose base name is name or ends in "::name"
 * (so that under:ExecuteCompilation finds a C++ method).  Returns per string
 * id whether it is F (owned by the caller), or NULL when none is.
 */
static uint8_t *f_names(const struct capture *cap, const char *name)
{
	uint32_t n_strings = capture_string_count(cap), n_frames = capture_frame_count(cap);
	uint8_t *is_name = xcalloc(n_strings ? n_strings : 1, 1);
	bool any = false;

	for (uint32_t f = 1; f < n_frames; f++) {
		uint32_t fn = capture_frame(cap, f)->function;

		if (fn && !is_name[fn] && !strcmp(capture_string(cap, fn), name))
			is_name[fn] = 1;
		any |= fn && is_name[fn];
	}
	if (any)
		return is_name;
	for (uint32_t f = 1; f < n_frames; f++) {
		uint32_t fn = capture_frame(cap, f)->function;

		if (fn && !is_name[fn]) {
			is_name[fn] = base_matches(capture_string(cap, fn), name) ? 1 : 2;
			any |= is_name[fn] == 1;
		}
	}
	for (uint32_t k = 0; k < n_strings; k++)
		is_name[k] = is_name[k] == 1;
	if (any)
		return is_name;
	free(is_name);
	return NULL;
}

/*
 * F's frames: every frame whose function is F (f_names).  When those
 * frames come from several files (memray's own `main` above the tracker in
 * the unelided fallback stacks of a --native capture, beside the script's
 * `main`), only the file under which the most bytes were allocated is F:
 * each stack's bytes count for the file of its innermost frame so named.
 * Returns the per-frame flags (owned by the caller), or NULL when no frame
 * is F.
 */
static uint8_t *find_f_frames(const struct capture *cap, const char *name)
{
	uint32_t n_frames = capture_frame_count(cap), n_stacks = capture_stack_count(cap);
	uint8_t *is_f, *is_name = f_names(cap, name);
	uint32_t file = FILE_ANY, *inner, best = FILE_ANY;
	bool several = false;
	struct snapshot w;
	struct hashmap idx;
	int64_t *sum;
	size_t n_sum = 0;

	if (!is_name)
		return NULL;
	is_f = xcalloc(n_frames ? n_frames : 1, 1);
	for (uint32_t f = 1; f < n_frames; f++) {
		const struct frame *fr = capture_frame(cap, f);

		if (!fr->function || !is_name[fr->function])
			continue;
		is_f[f] = 1;
		several |= file != FILE_ANY && fr->file != file;
		file = fr->file;
	}
	free(is_name);
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

/* The child class of frame fr: its function's, or for an unnamed frame its module's. */
static uint32_t class_of(struct pass *p, const struct frame *fr)
{
	uint64_t key = fr->function ? fr->function : UNNAMED_KEY | fr->module;
	uint32_t c = hashmap_get(&p->class_of, key);

	if (c != HASHMAP_NONE)
		return c;
	if (!p->n_classes)
		p->n_classes = 1;
	XGROW(p->classes, p->cap_classes, p->n_classes + 1);
	c = (uint32_t)p->n_classes++;
	p->classes[c].function = fr->function;
	p->classes[c].module = fr->function ? 0 : fr->module;
	hashmap_put(&p->class_of, key, c);
	return c;
}

static bool is_child_class(uint32_t c)
{
	return c != CLS_NONE && c != CLS_SELF && c != CLS_AT_PY_F;
}

/*
 * Each stack's class, parents first (stack ids are).  Below a Python F the
 * child is the next Python frame (memray attributes by the Python stack), so
 * native frames between F and it are skipped, and are F itself when no
 * Python frame follows; below a native F it is the next frame, whatever it
 * is.  Returns why the split matches nothing, or NULL.
 */
static const char *classify_stacks(struct pass *p)
{
	const struct capture *cap = p->cap;
	uint32_t n = capture_stack_count(cap);
	bool any_child = false;

	p->is_f = find_f_frames(cap, p->spec->function);
	if (!p->is_f)
		return "matches nothing: no function has that name";
	for (uint32_t s = 0; s < n; s++) {
		const struct stack_node *sn = capture_stack(cap, s);
		const struct frame *fr;
		uint32_t pc;

		p->cls[s] = CLS_NONE;
		if (!sn->depth)
			continue;
		fr = capture_frame(cap, sn->frame);
		pc = p->cls[sn->parent];
		if (p->is_f[sn->frame])
			p->cls[s] = fr->kind == FRAME_PYTHON ? CLS_AT_PY_F : CLS_SELF;
		else if (pc == CLS_SELF)
			p->cls[s] = class_of(p, fr);
		else if (pc == CLS_AT_PY_F)
			p->cls[s] = fr->kind == FRAME_PYTHON ? class_of(p, fr) : CLS_AT_PY_F;
		else
			p->cls[s] = pc;
		any_child |= is_child_class(p->cls[s]);
	}
	for (uint32_t s = 0; s < n; s++)
		if (p->cls[s] == CLS_AT_PY_F)
			p->cls[s] = CLS_SELF;
	return any_child ? NULL : "matches nothing: nothing it calls allocates";
}

/* Moves the pending frees into row r (inside its window) or to the outside row. */
static void settle_pending(struct pass *p, uint32_t row)
{
	struct stage_row *r = row_at(p, row), *q = &p->pending;

	if (q->first_ev == STAGES_NO_EVENT)
		return;
	r->freed_count += q->freed_count;
	r->freed_bytes += q->freed_bytes;
	r->temporary_count += q->temporary_count;
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
	if (!p->fixed_times)
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

/* The name of class c's row (owned). */
static char *class_name(const struct pass *p, uint32_t c)
{
	const struct capture *cap = p->cap;
	char *name;
	const char *mod, *slash;

	if (c == CLS_SELF)
		return xstrdup("<itself>");
	if (p->classes[c].function)
		return xstrdup(capture_string(cap, p->classes[c].function));
	mod = capture_string(cap, p->classes[c].module);
	slash = strrchr(mod, '/');
	name = xmalloc(strlen(mod) + 32);
	if (*mod)
		sprintf(name, "<unnamed code in %s>", slash ? slash + 1 : mod);
	else
		strcpy(name, "<unnamed code>");
	return name;
}

/*
 * The row of a new call of class c: a fresh row, or with STAGES_MERGE (and
 * always for F itself) its one row.
 */
static uint32_t class_row(struct pass *p, uint32_t c)
{
	bool one = p->spec->flags & STAGES_MERGE || c == CLS_SELF;
	uint32_t r = one ? hashmap_get(&p->row_of_child, c) : HASHMAP_NONE;
	char *name;

	if (r != HASHMAP_NONE)
		return r;
	name = class_name(p, c);
	r = add_row(p, name);
	free(name);
	p->rows[r].child = c;
	p->rows[r].self = c == CLS_SELF;
	if (one)
		hashmap_put(&p->row_of_child, c, r);
	return r;
}

/*
 * STAGES_UNDER: the row of event ev (ROW_NONE = outside), opening/closing
 * calls.  A stack without F says nothing about F's calls: its allocation is
 * outside and the open call stays open.
 */
static uint32_t under_assign(struct pass *p, const struct event *ev, uint64_t ev_idx)
{
	uint32_t c = p->cls[ev->stack];
	bool cur_is_c = p->cur != ROW_NONE && c != CLS_NONE && p->rows[p->cur].child == c;

	if (ev->flags & EV_ALLOC) {
		if (c == CLS_NONE)
			return ROW_NONE;
		if (!cur_is_c)
			open_call(p, class_row(p, c), ev_idx);
		settle_pending(p, p->cur);
		return p->cur;
	}
	if (cur_is_c) {
		settle_pending(p, p->cur);
		return p->cur;
	}
	return p->cur == ROW_NONE ? ROW_NONE : ROW_PENDING;
}

/*
 * Row k, which the pass leaves at event ev_idx (UINT64_MAX: at the end): when
 * no event fell in it, the heap of that moment is its heap.
 */
static void carry(struct pass *p, uint32_t k, uint64_t ev_idx)
{
	struct stage_row *r = &p->rows[k];
	uint64_t events = capture_totals(p->cap)->events;

	if (r->first_ev != STAGES_NO_EVENT)
		return;
	r->cumulative_bytes = r->peak_bytes = p->heap_bytes;
	if (p->fixed_times)
		return;
	if (ev_idx >= events)
		ev_idx = events ? events - 1 : UINT64_MAX;
	r->start_ms = ev_idx == UINT64_MAX ? -1 : capture_time_at(p->cap, ev_idx);
	r->duration_ms = 0;
}

/* Marks and slices: the row whose [bounds[k], bounds[k+1]) holds ev_idx. */
static uint32_t bounds_assign(struct pass *p, uint64_t ev_idx)
{
	uint32_t k = p->cur == ROW_NONE ? 0 : p->cur;

	if (ev_idx < p->bounds[0])
		return ROW_NONE;
	for (; k < p->n_rows && ev_idx >= p->bounds[k + 1]; k++)
		carry(p, k, ev_idx);
	if (k == p->n_rows)
		return ROW_NONE;
	if (p->cur != k)
		open_call(p, k, ev_idx);
	return k;
}

/*
 * The index of the tally in row of ev's top allocator: a named leaf counts
 * for its function (the first frame met with it stands for all), an unnamed
 * one for its own address.
 */
static uint32_t top_index(struct pass *p, uint32_t row, const struct event *ev)
{
	const struct stack_node *sn = capture_stack(p->cap, ev->stack);
	uint32_t g = capture_stack_call_depth(p->cap, ev->stack) ? sn->frame : 0;
	uint32_t fn = g ? capture_frame(p->cap, g)->function : 0;
	uint64_t key;
	uint32_t i;

	if (fn) {
		i = hashmap_get(&p->top_group, fn);
		if (i == HASHMAP_NONE)
			hashmap_put(&p->top_group, fn, g);
		else
			g = i;
	}
	key = (uint64_t)row << 32 | g;
	i = hashmap_get(&p->top_idx, key);
	if (i == HASHMAP_NONE) {
		XGROW(p->tally, p->cap_top, p->n_top + 1);
		i = (uint32_t)p->n_top++;
		p->tally[i] = (struct top_tally){ 0, g };
		hashmap_put(&p->top_idx, key, i);
	}
	return i;
}

/*
 * The tally of row's top allocator by ev: a stack's index into tally is
 * kept for the row it last allocated in, so that its next allocation there
 * (nearly all of them) looks nothing up.
 */
static void count_top(struct pass *p, uint32_t row, const struct event *ev)
{
	struct stage_row *r = row_at(p, row);
	uint32_t i;

	if (p->top_row[ev->stack] == row) {
		i = p->top_at[ev->stack];
	} else {
		i = top_index(p, row, ev);
		p->top_row[ev->stack] = row;
		p->top_at[ev->stack] = i;
	}
	p->tally[i].bytes += ev->bytes;
	if (p->tally[i].bytes > r->top_bytes ||
	    (p->tally[i].bytes == r->top_bytes && !r->top_frame)) {
		r->top_bytes = p->tally[i].bytes;
		r->top_frame = p->tally[i].frame;
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
		if (!p->fixed_times || row == ROW_NONE || row == ROW_PENDING)
			r->start_ms = capture_time_at(p->cap, ev_idx);
	}
	r->last_ev = ev_idx;
	if (ev->flags & EV_TEMPORARY)
		r->temporary_count++;
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
		if (row == ROW_NONE && p->before_marks)
			r->cumulative_bytes = p->heap_bytes;
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

/*
 * The leak table's entries made by event ev_idx, to row (the event's): the
 * exact leaked figures.  Only allocations leak, and an allocation is never
 * pending; an entry of any other event (a table that names it wrongly) goes
 * outside when its event was pending.
 */
static void credit_leaks(struct pass *p, uint32_t row, uint64_t ev_idx)
{
	for (; p->next_leak < p->n_leaks && p->leaks[p->next_leak].ev_idx <= ev_idx;
	     p->next_leak++) {
		const struct leak *l = &p->leaks[p->next_leak];
		struct stage_row *r = row_at(p, row == ROW_PENDING ? ROW_NONE : row);

		if (l->ev_idx != ev_idx)
			continue;
		r->leaked_bytes += l->bytes;
		r->leaked_count += l->count;
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
		p->before_marks = true;
		free(p->outside.name);
		p->outside.name = xstrdup("<before first mark>");
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
	p->fixed_times = n_tm && dur > 0;
	p->bounds = xmalloc(((size_t)n + 1) * sizeof(*p->bounds));
	for (unsigned k = 0; k <= n; k++) {
		int64_t t = (int64_t)((__int128)(dur > 0 ? dur : 0) * k / n);

		if (k < n) {
			struct stage_row *r;
			uint32_t row;

			snprintf(name, sizeof(name), "slice %u", k + 1);
			row = add_row(p, name);
			r = &p->rows[row];
			if (p->fixed_times) {
				r->start_ms = t;
				r->duration_ms = (int64_t)((__int128)dur * (k + 1) / n) - t;
			}
		}
		if (k == 0 || k == n) {
			p->bounds[k] = k ? n_events : 0;
		} else if (p->fixed_times) {
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
	uint32_t reached = p->cur;	/* marks and slices: rows before it are settled */

	close_call(p);
	for (uint32_t k = reached == ROW_NONE ? 0 : reached; p->bounds && k < p->n_rows; k++)
		carry(p, k, UINT64_MAX);
	if (!p->leaks)
		credit_live(p, false);
	out->leaks_exact = p->leaks != NULL;
	out->before_marks = p->before_marks;
	if (!p->before_marks)
		p->outside.cumulative_bytes = t->end_bytes;
	p->outside.duration_ms = -1;
	for (size_t i = 0; i < p->n_rows; i++) {
		if (p->rows[i].peak_bytes == INT64_MIN)
			p->rows[i].peak_bytes = 0;
		if (!p->rows[i].calls && !p->fixed_times)
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

/* Why spec cannot apply to p's capture (stages_unavailable), preparing the pass when it can. */
static const char *prepare(struct pass *p, size_t n_stacks)
{
	const struct capture *cap = p->cap;
	const struct stages_spec *spec = p->spec;
	size_t n_marks;

	if (spec->split != STAGES_UNDER && !capture_meta(cap)->has_event_stream)
		return "stages by time need the event stream; this capture is aggregated (memray "
		       "--aggregate): only under:FUNCTION works, with live figures";
	if (spec->split == STAGES_MARKS && !(capture_stage_marks(cap, &n_marks) && n_marks))
		return "matches nothing: the capture has no stage marks (use slices:N or "
		       "under:FUNCTION)";
	if (spec->split == STAGES_SLICES && !spec->slices)
		return "no slices";
	if (spec->split != STAGES_UNDER) {
		make_bounds(p);
		return NULL;
	}
	if (!spec->function || !*spec->function)
		return "no function given";
	p->cls = xmalloc(n_stacks * sizeof(uint32_t));
	return classify_stacks(p);
}

/* Sets up a pass of spec over cap; -1 when spec cannot apply (every event is then outside). */
static int pass_begin(struct pass *p, const struct capture *cap, const struct stages_spec *spec)
{
	uint32_t n_stacks = capture_stack_count(cap);
	size_t n = n_stacks ? n_stacks : 1;

	memset(p, 0, sizeof(*p));
	p->cap = cap;
	p->spec = spec;
	p->cur = ROW_NONE;
	row_init(&p->outside, "<outside stages>");
	row_init(&p->pending, "");
	hashmap_init(&p->class_of);
	hashmap_init(&p->row_of_child);
	hashmap_init(&p->top_group);
	hashmap_init(&p->top_idx);
	p->live_bytes = xcalloc(n, sizeof(int64_t));
	p->live_count = xcalloc(n, sizeof(int64_t));
	p->last_row = xmalloc(n * sizeof(uint32_t));
	memset(p->last_row, 0xff, n * sizeof(uint32_t));
	p->top_row = xmalloc(n * sizeof(uint32_t));
	for (size_t k = 0; k < n; k++)
		p->top_row[k] = ROW_PENDING;	/* no row yet: no allocation falls in it */
	p->top_at = xmalloc(n * sizeof(uint32_t));
	p->leaks = capture_leaks(cap, &p->n_leaks);
	p->why = prepare(p, n);
	return p->why ? -1 : 0;
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
		if (p->leaks)
			credit_leaks(p, row, i);
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
	free(p->is_f);
	free(p->classes);
	free(p->bounds);
	free(p->tally);
	free(p->top_row);
	free(p->top_at);
	free(p->pending.name);
	hashmap_release(&p->class_of);
	hashmap_release(&p->row_of_child);
	hashmap_release(&p->top_group);
	hashmap_release(&p->top_idx);
}

const char *stages_unavailable(const struct capture *cap, const struct stages_spec *spec)
{
	struct pass p;
	const char *why;

	pass_begin(&p, cap, spec);
	why = p.why;
	pass_release(&p);
	return why;
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
	r->top_frame = 0;
	r->top_bytes = STAGES_UNKNOWN;
}

/* The source line of the innermost F frame on stack s (of a class): the line calling its child. */
static uint32_t call_line(const struct pass *p, uint32_t s)
{
	const struct capture *cap = p->cap;
	const struct stack_node *sn = capture_stack(cap, s);

	while (sn->depth && !p->is_f[sn->frame])
		sn = capture_stack(cap, sn->parent);
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
 * function, one for F itself), at_peak from the peak snapshot, leaked from
 * the live heap after the last event; then the rows in order of the line in
 * F calling them (the smallest over their stacks), ties by their smallest
 * stack id.  A class whose stacks hold nothing at the peak or the end has no
 * row (F's own stack is in the trie as every child's prefix).
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
		uint32_t row = ROW_NONE, c;
		struct stage_row *r;

		if (!rc && p->cls[s] != CLS_NONE &&
		    (peak.bytes[s] || peak.count[s] || end.bytes[s] || end.count[s])) {
			c = p->cls[s];
			row = hashmap_get(&p->row_of_child, c);
			if (row == HASHMAP_NONE) {
				char *name = class_name(p, c);

				row = add_row(p, name);
				free(name);
				p->rows[row].child = c;
				p->rows[row].self = c == CLS_SELF;
				p->rows[row].calls = 1;
				hashmap_put(&p->row_of_child, c, row);
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

	return !stages_unavailable(cap, &spec);
}

/* STAGES_UNDER: the rows one per call would give, and merged, without computing them. */
static void count_rows(struct pass *p, size_t *each, size_t *merged)
{
	struct event_cursor c;
	struct event ev;
	uint32_t cur = CLS_NONE;
	uint8_t *seen = xcalloc(p->n_classes + 1, 1);
	bool self = false;

	*each = *merged = 0;
	event_cursor_init(&c, p->cap, 0);
	while (event_cursor_next(&c, &ev)) {
		uint32_t k = p->cls[ev.stack];

		if (!(ev.flags & EV_ALLOC) || k == CLS_NONE || k == cur)
			continue;
		cur = k;
		if (k == CLS_SELF) {
			*each += !self;
			*merged += !self;
			self = true;
			continue;
		}
		++*each;
		*merged += !seen[k];
		seen[k] = 1;
	}
	event_cursor_release(&c);
	free(seen);
}

void stages_default(struct stages_spec *spec, const struct capture *cap, char *why,
		    size_t why_size)
{
	struct stages_spec under = { STAGES_UNDER, 0, "main", 0 };
	size_t n_marks, each = 0, merged = 0;
	struct pass p;
	int rc;

	why[0] = 0;
	*spec = under;
	if (!capture_meta(cap)->has_event_stream)
		return;
	if (capture_stage_marks(cap, &n_marks) && n_marks) {
		spec->split = STAGES_MARKS;
		return;
	}
	rc = pass_begin(&p, cap, &under);
	if (!rc)
		count_rows(&p, &each, &merged);
	pass_release(&p);
	if (!rc && each <= STAGES_DEFAULT_MAX_ROWS)
		return;
	if (!rc && merged <= STAGES_DEFAULT_MAX_ROWS) {
		spec->flags = STAGES_MERGE;
		snprintf(why, why_size, "one row per call would be %zu rows", each);
		return;
	}
	spec->split = STAGES_SLICES;
	spec->slices = STAGES_DEFAULT_SLICES;
	spec->function = NULL;
	if (rc)
		snprintf(why, why_size, "nothing under main");
	else
		snprintf(why, why_size, "under main gives %zu rows, %zu merged", each, merged);
}

/* The event after which row k ends; UINT64_MAX: before any event. */
uint64_t stages_row_end(const struct stages *s, size_t k, const struct capture *cap)
{
	size_t n_marks;
	const struct stage_mark *marks = capture_stage_marks(cap, &n_marks);

	if (k + 1 == s->n && s->before_marks && n_marks)
		return marks[0].ev_idx ? marks[0].ev_idx - 1 : UINT64_MAX;
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
		bool in = !rc && p->cls[i] != CLS_NONE;
		bool mine = outside ? !in : in && p->cls[i] == s->rows[k].child;

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
