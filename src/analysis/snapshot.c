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

static bool stack_suppressed(const struct capture *cap, uint32_t stack, uint8_t *memo)
{
	uint32_t thread = capture_stack_thread(cap, stack);

	while (stack != thread) {	/* its call frames: a thread frame is none */
		const struct stack_node *sn = capture_stack(cap, stack);
		const struct frame *f = capture_frame(cap, sn->frame);

		if (string_suppressed(cap, f->function, memo) ||
		    string_suppressed(cap, f->file, memo) ||
		    string_suppressed(cap, f->module, memo))
			return true;
		stack = sn->parent;
	}
	return false;
}


void snapshot_leaks(struct snapshot *s, const struct capture *cap, struct snapshot *suppressed)
{
	const struct capture_meta *m = capture_meta(cap);
	uint8_t *memo = NULL;

	snapshot_live_at(s, cap, capture_totals(cap)->events ? capture_totals(cap)->events - 1
							      : UINT64_MAX);
	if (suppressed)
		snapshot_alloc(suppressed, cap);
	if (!m->n_suppressions)
		return;
	memo = xcalloc(capture_string_count(cap), 1);
	for (uint32_t i = 1; i < s->n; i++) {
		if (!s->bytes[i] && !s->count[i])
			continue;
		if (!stack_suppressed(cap, i, memo))
			continue;
		if (suppressed) {
			suppressed->bytes[i] = s->bytes[i];
			suppressed->count[i] = s->count[i];
		}
		s->bytes[i] = 0;
		s->count[i] = 0;
	}
	free(memo);
	snapshot_sum(s);
	if (suppressed)
		snapshot_sum(suppressed);
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
