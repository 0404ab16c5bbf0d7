/*
 * snapshot: replay of the event log into dense per-stack arrays.
 *
 * The live figures come from capture_live_at (checkpoint + replay).  Leak
 * suppression follows heaptrack's matcher: a pattern matches a string when
 * equal, or sanitizer-style: '*' is a wildcard, a leading '^' or trailing '$'
 * anchors, otherwise it is a substring match.  A stack is suppressed when any
 * of its frames has a matching function, file or module name.
 */
#include "snapshot.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "xalloc.h"

static void snapshot_alloc(struct snapshot *s, const struct capture *cap)
{
	s->n = capture_stack_count(cap);
	s->bytes = xcalloc(s->n, sizeof(*s->bytes));
	s->count = xcalloc(s->n, sizeof(*s->count));
	s->total_bytes = 0;
	s->total_count = 0;
	s->borrowed = false;
}

/* Lends s the capture's own arrays bytes and count (capture_stack_count() entries each). */
static void snapshot_borrow(struct snapshot *s, const struct capture *cap, const int64_t *bytes,
			    const int64_t *count)
{
	s->n = capture_stack_count(cap);
	s->bytes = (int64_t *)bytes;
	s->count = (int64_t *)count;
	s->borrowed = true;
}

static void snapshot_sum(struct snapshot *s)
{
	s->total_bytes = 0;
	s->total_count = 0;
	for (uint32_t i = 0; i < s->n; i++) {
		s->total_bytes += s->bytes[i];
		s->total_count += s->count[i];
	}
}

void snapshot_empty(struct snapshot *s, const struct capture *cap)
{
	snapshot_alloc(s, cap);
}

void snapshot_recount(struct snapshot *s)
{
	snapshot_sum(s);
}

void snapshot_dup(struct snapshot *dst, const struct snapshot *src)
{
	dst->n = src->n;
	dst->bytes = xmalloc((src->n ? src->n : 1) * sizeof(*dst->bytes));
	dst->count = xmalloc((src->n ? src->n : 1) * sizeof(*dst->count));
	if (src->n) {
		memcpy(dst->bytes, src->bytes, src->n * sizeof(*dst->bytes));
		memcpy(dst->count, src->count, src->n * sizeof(*dst->count));
	}
	dst->total_bytes = src->total_bytes;
	dst->total_count = src->total_count;
	dst->borrowed = false;
}

void snapshot_own(struct snapshot *s)
{
	struct snapshot copy;

	if (!s->borrowed)
		return;
	snapshot_dup(&copy, s);
	*s = copy;
}

void snapshot_release(struct snapshot *s)
{
	if (!s->borrowed) {
		free(s->bytes);
		free(s->count);
	}
	s->bytes = s->count = NULL;
	s->n = 0;
	s->borrowed = false;
}

void snapshot_live_at(struct snapshot *s, const struct capture *cap, uint64_t ev_idx)
{
	snapshot_alloc(s, cap);
	capture_live_at(cap, ev_idx, s->bytes, s->count);
	snapshot_sum(s);
}

void snapshot_peak(struct snapshot *s, const struct capture *cap)
{
	const int64_t *bytes, *count;

	if (capture_peak_figures(cap, &bytes, &count)) {
		snapshot_borrow(s, cap, bytes, count);
		snapshot_sum(s);
		return;
	}
	snapshot_live_at(s, cap, capture_totals(cap)->peak_ev_idx);
}

/* Sanitizer-style glob: '*' matches any run; no anchors handled here. */
static bool glob_at(const char *pat, size_t plen, const char *s, bool anchored_end)
{
	while (plen) {
		if (*pat == '*') {
			while (plen && *pat == '*') {
				pat++;
				plen--;
			}
			if (!plen)
				return true;
			for (; *s; s++)
				if (glob_at(pat, plen, s, anchored_end))
					return true;
			return glob_at(pat, plen, s, anchored_end);
		}
		if (!*s || *s != *pat)
			return false;
		s++;
		pat++;
		plen--;
	}
	return !anchored_end || !*s;
}

static bool pattern_match(const char *pat, const char *s)
{
	size_t plen = strlen(pat);
	bool start = false, end = false;

	if (!strcmp(pat, s))
		return true;
	if (plen && pat[0] == '^') {
		start = true;
		pat++;
		plen--;
	}
	if (plen && pat[plen - 1] == '$') {
		end = true;
		plen--;
	}
	if (start)
		return glob_at(pat, plen, s, end);
	for (; *s; s++)
		if (glob_at(pat, plen, s, end))
			return true;
	return false;
}

/* Per string id: 0 unknown, 1 matches a pattern, 2 does not. */
static bool string_suppressed(const struct capture *cap, uint32_t id, uint8_t *memo)
{
	const struct capture_meta *m = capture_meta(cap);

	if (!id)
		return false;
	if (memo && memo[id])
		return memo[id] == 1;
	for (size_t i = 0; i < m->n_suppressions; i++) {
		if (pattern_match(m->suppressions[i], capture_string(cap, id))) {
			if (memo)
				memo[id] = 1;
			return true;
		}
	}
	if (memo)
		memo[id] = 2;
	return false;
}

/* Whether frame has a function, file or module name that a pattern matches. */
static bool frame_suppressed(const struct capture *cap, uint32_t frame, uint8_t *memo)
{
	const struct frame *f = capture_frame(cap, frame);

	return string_suppressed(cap, f->function, memo) ||
	       string_suppressed(cap, f->file, memo) || string_suppressed(cap, f->module, memo);
}

/* Per stack, what stack_suppressed found: 0 not asked yet, 1 suppressed, 2 not. */
struct suppressed_memo {
	uint8_t *strings;	/* per string id, as string_suppressed keeps it */
	uint8_t *stacks;
	uint32_t *path;		/* stacks not asked yet on the way up */
	size_t path_cap;
};

/*
 * Whether one of stack's call frames (a thread frame is none) is suppressed.
 * A stack is suppressed when its parent is or its own frame is, so each
 * stack is asked once, however many live stacks share it as a caller: a
 * compiler's leaks are half a million allocations on stacks some 50 frames
 * deep, which walked whole took most of the leaks' time.
 */
static bool stack_suppressed(const struct capture *cap, uint32_t stack,
			     struct suppressed_memo *m)
{
	uint32_t thread = capture_stack_thread(cap, stack), s = stack;
	uint8_t found = 2;
	size_t n = 0;

	for (; s != thread; s = capture_stack(cap, s)->parent) {
		if (m->stacks[s]) {
			found = m->stacks[s];
			break;
		}
		XGROW(m->path, m->path_cap, n + 1);
		m->path[n++] = s;
	}
	while (n--) {
		s = m->path[n];
		if (found == 2 && frame_suppressed(cap, capture_stack(cap, s)->frame, m->strings))
			found = 1;
		m->stacks[s] = found;
	}
	return found == 1;
}

/*
 * Adds the live figures b, c of stack (after the last event) to the leaks
 * s, or to suppressed (may be NULL) when the suppressions remove them: per
 * stack too when s has arrays (s's own figures, already there, go).
 */
static void add_leak(struct snapshot *s, struct snapshot *suppressed, const struct capture *cap,
		     struct suppressed_memo *m, uint32_t stack, int64_t b, int64_t c)
{
	if (!stack || !m->stacks || !stack_suppressed(cap, stack, m)) {
		s->total_bytes += b;
		s->total_count += c;
		return;
	}
	if (suppressed) {
		suppressed->total_bytes += b;
		suppressed->total_count += c;
	}
	if (!s->bytes)
		return;
	if (suppressed) {
		suppressed->bytes[stack] = b;
		suppressed->count[stack] = c;
	}
	s->bytes[stack] = 0;
	s->count[stack] = 0;
}

/*
 * The leaks into s and what the suppressions remove into suppressed (may be
 * NULL), from the live figures after the last event: per stack (each with
 * arrays of its own), or their totals alone (n 0, no arrays) when the
 * capture keeps those figures as entries, which then are only read.
 */
static void leaks(struct snapshot *s, const struct capture *cap, struct snapshot *suppressed,
		  bool per_stack)
{
	uint64_t events = capture_totals(cap)->events;
	struct suppressed_memo m = { NULL, NULL, NULL, 0 };
	const struct checkpoint_entry *end = NULL;
	uint32_t n = capture_stack_count(cap);
	size_t n_end = 0;

	memset(s, 0, sizeof(*s));
	if (suppressed)
		memset(suppressed, 0, sizeof(*suppressed));
	if (per_stack || !capture_end_entries(cap, &end, &n_end)) {
		snapshot_alloc(s, cap);
		capture_live_at(cap, events ? events - 1 : UINT64_MAX, s->bytes, s->count);
		/* A few stacks of a million: pages made present only where written. */
		if (suppressed) {
			suppressed->n = n;
			suppressed->bytes = xcalloc_sparse(n, sizeof(*suppressed->bytes));
			suppressed->count = xcalloc_sparse(n, sizeof(*suppressed->count));
		}
	}
	if (capture_meta(cap)->n_suppressions) {
		m.strings = xcalloc(capture_string_count(cap), 1);
		m.stacks = xcalloc(n ? n : 1, 1);
	}
	for (uint32_t i = 0; s->bytes && i < n; i++)
		if (s->bytes[i] || s->count[i])
			add_leak(s, suppressed, cap, &m, i, s->bytes[i], s->count[i]);
	for (size_t i = 0; !s->bytes && i < n_end; i++)
		add_leak(s, suppressed, cap, &m, end[i].stack, end[i].bytes, end[i].count);
	free(m.strings);
	free(m.stacks);
	free(m.path);
}

void snapshot_leaks(struct snapshot *s, const struct capture *cap, struct snapshot *suppressed)
{
	leaks(s, cap, suppressed, true);
}

void snapshot_leak_totals(struct snapshot *s, const struct capture *cap,
			  struct snapshot *suppressed)
{
	leaks(s, cap, suppressed, false);
}

static void snapshot_range(struct snapshot *s, const struct capture *cap, uint64_t from,
			   uint64_t to, unsigned flag)
{
	struct event_cursor c;
	struct event ev;

	snapshot_alloc(s, cap);
	event_cursor_init(&c, cap, from);
	while (c.ev_idx < to && event_cursor_next(&c, &ev)) {
		if (!(ev.flags & flag))
			continue;
		/* A temporary's event is its free: its bytes are the freed ones. */
		s->bytes[ev.stack] += flag == EV_ALLOC ? ev.bytes : -ev.bytes;
		s->count[ev.stack]++;
	}
	event_cursor_release(&c);
	snapshot_sum(s);
}

/* The whole run's figures kept per stack (capture_stack_calls), when [from, to) is it. */
static bool whole_run(struct snapshot *s, const struct capture *cap, uint64_t from, uint64_t to,
		      unsigned flag)
{
	struct stack_calls calls;
	bool weigh;

	if (from || to < capture_totals(cap)->events || !capture_stack_calls(cap, &calls))
		return false;
	/*
	 * memray's temporaries are weighed by their bytes, which a .mtui opened
	 * in place does not keep per stack (the replay finds them).
	 */
	weigh = flag == EV_TEMPORARY && capture_meta(cap)->temporary_threshold >= 0;
	if (weigh && !calls.temporary_bytes)
		return false;
	if (flag == EV_ALLOC) {
		snapshot_borrow(s, cap, calls.bytes, calls.count);
		snapshot_sum(s);
		return true;
	}
	snapshot_alloc(s, cap);
	for (uint32_t i = 0; i < s->n; i++) {
		s->count[i] = calls.temporary[i];
		if (weigh)
			s->bytes[i] = calls.temporary_bytes[i];
	}
	snapshot_sum(s);
	return true;
}

void snapshot_allocated(struct snapshot *s, const struct capture *cap, uint64_t from,
			uint64_t to)
{
	if (!whole_run(s, cap, from, to, EV_ALLOC))
		snapshot_range(s, cap, from, to, EV_ALLOC);
}

void snapshot_temporary(struct snapshot *s, const struct capture *cap, uint64_t from,
			uint64_t to)
{
	if (!whole_run(s, cap, from, to, EV_TEMPORARY))
		snapshot_range(s, cap, from, to, EV_TEMPORARY);
}
